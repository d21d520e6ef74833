//! Test archives built in memory.

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;

/// A deflated zip of `entries` (path, contents), nothing else.
pub fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (path, contents) in entries {
        w.start_file(*path, opts).unwrap();
        w.write_all(contents).unwrap();
    }
    w.finish().unwrap().into_inner()
}
