//! Uploads on their way into storage: the local temporary file that is removed unless it is
//! moved into place ([`PendingFile`]), and the [`StagedObject`] a caller inspects before
//! committing it or dropping it (which discards the bytes on either backend).

use std::path::{Path, PathBuf};

use crate::error::{Result, io_err};
use crate::object::StoredObject;
#[cfg(feature = "s3")]
use crate::s3::S3Store;

/// A temporary file that is deleted when dropped, unless it was moved into place.
#[derive(Debug)]
pub(crate) struct PendingFile {
    pub(crate) path: PathBuf,
    pub(crate) installed: bool,
}

impl Drop for PendingFile {
    fn drop(&mut self) {
        if !self.installed {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

impl PendingFile {
    /// Renames the (fsynced) file to `dest` unless `dest` already exists, which for
    /// content-addressed keys means the same bytes are already stored.
    pub(crate) async fn install(mut self, dest: &Path) -> Result<()> {
        let dir = dest.parent().expect("keys always have a directory");
        tokio::fs::create_dir_all(dir).await.map_err(io_err(dir))?;
        if tokio::fs::try_exists(dest).await.map_err(io_err(dest))? {
            return Ok(());
        }
        tokio::fs::rename(&self.path, dest)
            .await
            .map_err(io_err(dest))?;
        self.installed = true;
        sync_dir(dir).await;
        Ok(())
    }
}

/// Bytes written to storage's upload area but not yet visible under their key. Dropping it
/// deletes the bytes.
#[derive(Debug)]
pub struct StagedObject {
    pub(crate) staging: Staging,
    pub(crate) object: StoredObject,
}

#[derive(Debug)]
pub(crate) enum Staging {
    Local {
        file: PendingFile,
        dest: PathBuf,
    },
    #[cfg(feature = "s3")]
    S3 {
        store: S3Store,
        upload_key: Option<String>,
    },
}

#[cfg(feature = "s3")]
impl Drop for Staging {
    fn drop(&mut self) {
        if let Staging::S3 { store, upload_key } = self
            && let Some(key) = upload_key.take()
            && let Ok(runtime) = tokio::runtime::Handle::try_current()
        {
            // Best effort; `packyard storage gc` collects what a crash leaves behind.
            let store = store.clone();
            runtime.spawn(async move { store.delete(&key).await });
        }
    }
}

impl StagedObject {
    pub fn object(&self) -> &StoredObject {
        &self.object
    }

    /// Makes the object visible under its key (a no-op if identical bytes are already there).
    pub async fn commit(mut self) -> Result<StoredObject> {
        match &mut self.staging {
            Staging::Local { file, dest } => {
                let file = std::mem::replace(
                    file,
                    PendingFile {
                        path: PathBuf::new(),
                        installed: true,
                    },
                );
                file.install(dest).await?;
            }
            #[cfg(feature = "s3")]
            Staging::S3 { store, upload_key } => {
                if let Some(upload) = upload_key.take() {
                    store.commit(&upload, &self.object.key).await?;
                }
            }
        }
        Ok(self.object.clone())
    }
}

/// Makes the rename durable; best effort, since not every filesystem supports it.
async fn sync_dir(dir: &Path) {
    if let Ok(d) = tokio::fs::File::open(dir).await {
        let _ = d.sync_all().await;
    }
}
