//! Dist zips built from a commit's tree so that the bytes depend only on the commit: the
//! same commit gives the same zip and sha1 on every node and every rebuild, so nodes never
//! need to agree on anything. What would otherwise vary is fixed here:
//! - entries are sorted by path (bytewise), not in stream or filesystem order;
//! - every entry's time is the commit's committer date (DOS time, UTC, clamped to 1980..2107);
//! - modes are 0644 for files, 0755 for executables, symlinks keep git's 0120777;
//! - one compression method and level; no extra fields, comments or directory entries.
//!
//! Files marked `export-ignore` in `.gitattributes` are left out (gix's worktree stream
//! applies the attributes), as `git archive` and Composer's own archiver do.

use std::io::{Cursor, Read, Write};

use chrono_free::dos_time;
use packyard_composer::archive::ZipLimits;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use crate::error::{Result, VcsError, read_err};
use crate::tree::Mirror;

struct FileEntry {
    path: String,
    mode: u32,
    data: Vec<u8>,
}

impl Mirror {
    /// The deterministic dist zip of commit `id` (see the module header), within the same
    /// limits as an uploaded archive (files and uncompressed bytes), so a hostile repository
    /// cannot exhaust memory and a git-built archive is never one an upload would refuse.
    pub fn build_zip(&self, id: &str, limits: &ZipLimits) -> Result<Vec<u8>> {
        let commit = self.commit(id)?;
        let committed_at = commit.time().map_err(read_err)?.seconds;
        let tree_id = commit.tree_id().map_err(read_err)?.detach();
        let (mut stream, _index) = self.repo().worktree_stream(tree_id).map_err(read_err)?;
        let mut entries = Vec::new();
        let mut total = 0u64;
        while let Some(mut entry) = stream.next_entry().map_err(read_err)? {
            let mut data = Vec::new();
            entry.read_to_end(&mut data)?;
            let mode = match entry.mode.kind() {
                gix::object::tree::EntryKind::Blob => 0o100644,
                gix::object::tree::EntryKind::BlobExecutable => 0o100755,
                gix::object::tree::EntryKind::Link => 0o120777,
                // Submodules and trees carry no content of their own.
                _ => continue,
            };
            total += data.len() as u64;
            if entries.len() >= limits.max_entries || total > limits.max_uncompressed_bytes {
                return Err(VcsError::TooLarge {
                    max_entries: limits.max_entries,
                    max_bytes: limits.max_uncompressed_bytes,
                });
            }
            entries.push(FileEntry {
                path: entry.relative_path().to_string(),
                mode,
                data,
            });
        }
        entries.sort_by(|a, b| a.path.as_bytes().cmp(b.path.as_bytes()));
        write_zip(&entries, committed_at)
    }
}

fn write_zip(entries: &[FileEntry], committed_at: i64) -> Result<Vec<u8>> {
    let zip_err = |e: zip::result::ZipError| VcsError::Zip(e.to_string());
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let time = dos_time(committed_at);
    for entry in entries {
        let options = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Deflated)
            .compression_level(Some(6))
            .last_modified_time(time)
            .unix_permissions(entry.mode)
            .large_file(false);
        if entry.mode == 0o120777 {
            let target = String::from_utf8_lossy(&entry.data).into_owned();
            zip.add_symlink(entry.path.as_str(), target, options)
                .map_err(zip_err)?;
        } else {
            zip.start_file(entry.path.as_str(), options)
                .map_err(zip_err)?;
            zip.write_all(&entry.data)?;
        }
    }
    Ok(zip.finish().map_err(zip_err)?.into_inner())
}

/// Unix seconds to a zip (DOS) timestamp without a calendar dependency.
mod chrono_free {
    /// Days since 1970-01-01 to (year, month, day), Howard Hinnant's civil-from-days.
    fn civil(days: i64) -> (i64, u8, u8) {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        (yoe + era * 400 + i64::from(month <= 2), month, day)
    }

    pub fn dos_time(unix: i64) -> zip::DateTime {
        let (year, month, day) = civil(unix.div_euclid(86_400));
        let secs = unix.rem_euclid(86_400);
        let (h, m, s) = (
            (secs / 3600) as u8,
            (secs % 3600 / 60) as u8,
            (secs % 60) as u8,
        );
        let year = year.clamp(1980, 2107) as u16;
        zip::DateTime::from_date_and_time(year, month, day, h, m, s).unwrap_or_default()
    }

    #[cfg(test)]
    #[test]
    fn known_dates() {
        let t = dos_time(1_704_067_200 + 3_723); // 2024-01-01 01:02:03 UTC
        assert_eq!(
            (
                t.year(),
                t.month(),
                t.day(),
                t.hour(),
                t.minute(),
                t.second()
            ),
            (2024, 1, 1, 1, 2, 2)
        );
        assert_eq!(dos_time(0).year(), 1980);
    }
}
