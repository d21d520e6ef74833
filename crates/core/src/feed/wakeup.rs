//! Wakes the change feed the moment PostgreSQL announces a committed change (LISTEN on
//! `packyard_changes`), so a change reaches every node in milliseconds rather than at the
//! next poll. Polling stays as the fallback: a lost notification, a reconnecting listener or
//! SQLite only cost the poll interval.

use std::sync::Arc;
use std::time::Duration;

use packyard_store::Db;
use tokio::sync::Notify;
use tokio::task::JoinHandle;

/// Aborts the listener when the feed stops.
pub(super) struct Wakeup {
    pub notify: Arc<Notify>,
    task: JoinHandle<()>,
}

impl Drop for Wakeup {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Wakeup {
    pub fn start(db: Db) -> Wakeup {
        let notify = Arc::new(Notify::new());
        let task = tokio::spawn(listen(db, Arc::clone(&notify)));
        Wakeup { notify, task }
    }
}

async fn listen(db: Db, notify: Arc<Notify>) {
    loop {
        match db.change_listener().await {
            Ok(None) => return,
            Ok(Some(mut listener)) => loop {
                match listener.recv().await {
                    Ok(_) => notify.notify_one(),
                    Err(e) => {
                        tracing::warn!("change notifications interrupted (polling meanwhile): {e}");
                        break;
                    }
                }
            },
            Err(e) => tracing::warn!("cannot listen for change notifications (polling): {e}"),
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}
