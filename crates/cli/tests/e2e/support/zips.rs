//! Builders for package zips, laid out as Composer and GitHub produce them (one top-level
//! folder), and for deliberately broken archives.

use std::io::{Cursor, Write};

use serde_json::{Value, json};
use zip::write::SimpleFileOptions;

/// A zip with the given (path, contents) entries.
pub fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (path, contents) in entries {
        w.start_file(*path, opts).unwrap();
        w.write_all(contents).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// A package zip: composer.json (with `manifest` merged over name/version) and one PHP class.
pub fn package_zip(name: &str, version: &str, manifest: Value) -> (String, Vec<u8>) {
    let mut m = json!({ "name": name, "version": version, "type": "library" });
    if let (Some(obj), Value::Object(extra)) = (m.as_object_mut(), manifest) {
        obj.extend(extra);
    }
    let folder = format!("{}-{version}", name.replace('/', "-"));
    let class = format!("<?php\n// {name} {version}\n");
    let bytes = zip_of(&[
        (
            &format!("{folder}/composer.json"),
            serde_json::to_string_pretty(&m).unwrap().as_bytes(),
        ),
        (&format!("{folder}/src/Module.php"), class.as_bytes()),
    ]);
    (format!("{folder}.zip"), bytes)
}
