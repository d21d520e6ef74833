//! What tests look at on disk.

use std::path::Path;

/// Every file below `dir` (recursively), as paths; empty when `dir` does not exist.
pub fn files_under(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .flatten()
        .flat_map(|e| match e.path().is_dir() {
            true => files_under(&e.path()),
            false => vec![e.path().display().to_string()],
        })
        .collect()
}
