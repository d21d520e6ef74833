//! Reading a fetched commit from the local mirror with gix: its committer time (a version's
//! `time`) and files at its root (composer.json).

use std::path::Path;

use crate::error::{Result, VcsError, read_err};

/// A bare mirror opened for reading.
pub struct Mirror {
    repo: gix::Repository,
}

/// What a sync needs to know about one commit.
#[derive(Clone, Debug)]
pub struct CommitInfo {
    pub id: String,
    /// Committer date, unix seconds.
    pub committed_at: i64,
}

impl Mirror {
    pub fn open(dir: &Path) -> Result<Mirror> {
        let repo = gix::open(dir).map_err(read_err)?;
        Ok(Mirror { repo })
    }

    pub(crate) fn repo(&self) -> &gix::Repository {
        &self.repo
    }

    pub(crate) fn commit(&self, id: &str) -> Result<gix::Commit<'_>> {
        let oid = gix::ObjectId::from_hex(id.as_bytes()).map_err(read_err)?;
        let object = self
            .repo
            .find_object(oid)
            .map_err(|_| VcsError::Missing(id.to_string()))?;
        object.peel_to_commit().map_err(read_err)
    }

    pub fn commit_info(&self, id: &str) -> Result<CommitInfo> {
        let commit = self.commit(id)?;
        let time = commit.time().map_err(read_err)?;
        Ok(CommitInfo {
            id: commit.id.to_string(),
            committed_at: time.seconds,
        })
    }

    /// The bytes of the file at `path` in the commit's tree, `None` when it is absent or not
    /// a file.
    pub fn read_file(&self, id: &str, path: &str) -> Result<Option<Vec<u8>>> {
        let tree = self.commit(id)?.tree().map_err(read_err)?;
        let Some(entry) = tree.lookup_entry_by_path(path).map_err(read_err)? else {
            return Ok(None);
        };
        if !entry.mode().is_blob() {
            return Ok(None);
        }
        let object = entry.object().map_err(read_err)?;
        Ok(Some(object.detach().data))
    }
}
