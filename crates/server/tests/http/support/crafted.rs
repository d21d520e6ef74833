//! Archives crafted the way an attacker (or a confused script) would, each of which was
//! once accepted and stored as an immutable version Composer could never install.

use std::io::{Cursor, Write};

use packyard_testkit::zips::zip_of;
use serde_json::json;
use zip::write::SimpleFileOptions;

use super::package_zip;

/// The package every crafted zip claims to be, so a later honest upload proves none of
/// them was stored.
pub const CRAFTED: (&str, &str) = ("acme/crafted", "1.0.0");

/// (file name, bytes, words the refusal must contain).
pub fn crafted_zips() -> Vec<(&'static str, Vec<u8>, &'static str)> {
    let good = package_zip(CRAFTED.0, CRAFTED.1, json!({}));
    vec![
        (
            "prefixed.zip",
            [b"#!/bin/sh\nexit 0\n".to_vec(), good.clone()].concat(),
            "before the first zip entry",
        ),
        (
            "trailing.zip",
            [good, b"trailing bytes".to_vec()].concat(),
            "after the end of the zip",
        ),
        ("lying-sizes.zip", lying_sizes(), "larger than its declared"),
        (
            "symlink-etc.zip",
            with_symlink("acme-crafted/passwd", "/etc/passwd"),
            "symbolic link",
        ),
        (
            "symlink-up.zip",
            with_symlink("acme-crafted/up", "../../.."),
            "symbolic link",
        ),
        (
            "nul-version.zip",
            versioned("1.0.0\u{0}"),
            "control characters",
        ),
        (
            "escape-version.zip",
            versioned("dev-a\u{1b}[2J"),
            "control characters",
        ),
        ("dots-version.zip", versioned("dev-../../x"), "'.' or '..'"),
        (
            "dot-version.zip",
            versioned("dev-feature/./x"),
            "'.' or '..'",
        ),
    ]
}

/// composer.json at the root, so the version appears nowhere but in the manifest.
fn versioned(version: &str) -> Vec<u8> {
    let manifest = json!({ "name": CRAFTED.0, "version": version }).to_string();
    zip_of(&[("composer.json", manifest.as_bytes())])
}

/// 3 MiB of zeros whose headers claim 1,000 bytes.
fn lying_sizes() -> Vec<u8> {
    let manifest = format!(r#"{{"name":"{}","version":"{}"}}"#, CRAFTED.0, CRAFTED.1);
    let mut bytes = zip_of(&[
        ("composer.json", manifest.as_bytes()),
        ("zeros", &vec![0u8; 3 << 20]),
    ]);
    // (signature, offset of the name length, offset of the name, offset of the size)
    for (signature, name_len_at, name_at, size_at) in
        [(b"PK\x03\x04", 26, 30, 22), (b"PK\x01\x02", 28, 46, 24)]
    {
        let starts: Vec<usize> = bytes
            .windows(4)
            .enumerate()
            .filter(|(_, w)| w == signature)
            .map(|(i, _)| i)
            .collect();
        for at in starts {
            let len = u16::from_le_bytes([bytes[at + name_len_at], bytes[at + name_len_at + 1]]);
            if &bytes[at + name_at..at + name_at + usize::from(len)] == b"zeros" {
                bytes[at + size_at..at + size_at + 4].copy_from_slice(&1000u32.to_le_bytes());
            }
        }
    }
    bytes
}

fn with_symlink(link: &str, target: &str) -> Vec<u8> {
    let manifest = format!(r#"{{"name":"{}","version":"{}"}}"#, CRAFTED.0, CRAFTED.1);
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default();
    w.start_file("acme-crafted/composer.json", opts).unwrap();
    w.write_all(manifest.as_bytes()).unwrap();
    w.add_symlink(link, target, opts).unwrap();
    w.finish().unwrap().into_inner()
}
