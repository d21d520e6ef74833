//! Builders for package zips, laid out as Composer and GitHub produce them (one top-level
//! folder), and for deliberately broken archives.

use serde_json::{Value, json};

pub use packyard_testkit::zips::zip_of;

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

/// Zips of `name` released on the given days: `(version, YYYY-MM-DD)` pairs.
pub fn dated(name: &str, releases: &[(&str, &str)]) -> Vec<(String, Vec<u8>)> {
    releases
        .iter()
        .map(|(version, day)| package_zip(name, version, json!({ "time": day })))
        .collect()
}
