//! The executor hyper runs each HTTP/2 stream on. hyper hands every stream to its executor
//! as a future; `TokioExecutor` spawns each as a task, which for a stream answered from
//! memory (the hot lane) costs more than the answer: a task allocation, a trip through the
//! scheduler and a wake-up of the connection's task from another one. [`InlineFirst`] polls
//! the stream once, right where hyper hands it over; only a stream that is not finished by
//! then (a routed request waiting for the database, a download still streaming) becomes a
//! task, whose first poll registers the wake-ups it waits for.

use std::task::{Context, Waker};

/// Polls a future once in place; spawns it on the Tokio runtime if it is not done.
#[derive(Clone, Copy, Debug, Default)]
pub struct InlineFirst;

impl<F> hyper::rt::Executor<F> for InlineFirst
where
    F: Future<Output = ()> + Send + 'static,
{
    fn execute(&self, future: F) {
        let mut future = Box::pin(future);
        // A no-op waker is enough: a pending future is polled again by its task at once.
        let mut cx = Context::from_waker(Waker::noop());
        if future.as_mut().poll(&mut cx).is_pending() {
            tokio::spawn(future);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::InlineFirst;
    use hyper::rt::Executor;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test]
    async fn ready_futures_run_in_place_and_pending_ones_still_finish() {
        let done = Arc::new(AtomicUsize::new(0));
        let now = done.clone();
        InlineFirst.execute(async move {
            now.fetch_add(1, Ordering::SeqCst);
        });
        assert_eq!(
            done.load(Ordering::SeqCst),
            1,
            "a ready future ran in place"
        );
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let later = done.clone();
        InlineFirst.execute(async move {
            let _ = rx.await;
            later.fetch_add(1, Ordering::SeqCst);
        });
        assert_eq!(
            done.load(Ordering::SeqCst),
            1,
            "a waiting future has not finished"
        );
        tx.send(()).unwrap();
        for _ in 0..100 {
            if done.load(Ordering::SeqCst) == 2 {
                return;
            }
            tokio::task::yield_now().await;
        }
        panic!("the spawned future never finished");
    }
}
