//! The plain-text answers of the release download interface (SPEC §3), modelled on the
//! Magento download endpoints that existing scripts parse: tables whose columns are
//! separated by two or more spaces, "No results found." when empty.

use std::cmp::Ordering;

use serde_json::{Map, Value, json};

use crate::snapshot::ReleaseEntry;

pub const HELP: &str = "Downloads Usage:
  [wget|curl -O] {base}/products/downloads/file/[FILENAME]

Info Usage:
  curl {base}/products/downloads/info/[OPTION]/[PARAMS]

Options:

  help          This help
  files         List of all available files for download
  versions      Versions list
  filter        Filtered list of all available files for download (see \"Filter Params\" for usage)
  json          The JSON feed of all available files

Filter Params:

  version       Shows files by version number. You can use wildcard.
                Example: /products/downloads/info/filter/version/2.4.7
                Example: /products/downloads/info/filter/version/2.4.*

  type          Shows files by file type:

                ce-full     - Community Edition - Full
                ee-full     - Enterprise Edition - Full
                ce-patch    - Community Edition - Patch
                ee-patch    - Enterprise Edition - Patch
                other       - Other

                Example: /products/downloads/info/filter/type/ce-full
";

pub const NO_RESULTS: &str = "No results found.\n";

/// Orders versions the way people read them: `2.4.10` after `2.4.9`.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let chunks = |s: &str| -> Vec<(bool, String)> {
        let mut out: Vec<(bool, String)> = Vec::new();
        for c in s.chars() {
            let digit = c.is_ascii_digit();
            match out.last_mut() {
                Some((d, chunk)) if *d == digit => chunk.push(c),
                _ => out.push((digit, c.to_string())),
            }
        }
        out
    };
    let (ca, cb) = (chunks(a), chunks(b));
    for ((da, xa), (db, xb)) in ca.iter().zip(&cb) {
        let ord = match (da, db) {
            (true, true) => {
                let (ta, tb) = (xa.trim_start_matches('0'), xb.trim_start_matches('0'));
                ta.len().cmp(&tb.len()).then_with(|| ta.cmp(tb))
            }
            _ => xa.cmp(xb),
        };
        if ord != Ordering::Equal {
            return ord;
        }
    }
    ca.len().cmp(&cb.len())
}

/// The file table: type, version, file name.
pub fn files_table(releases: &[&ReleaseEntry]) -> String {
    if releases.is_empty() {
        return NO_RESULTS.to_string();
    }
    let header = ["File Type", "Version", "File Name"];
    let rows: Vec<[&str; 3]> = releases
        .iter()
        .map(|r| [r.kind.as_str(), r.version.as_str(), r.file_name.as_str()])
        .collect();
    let width = |i: usize| {
        rows.iter()
            .map(|r| r[i].len())
            .chain([header[i].len()])
            .max()
            .unwrap_or(0)
    };
    let (w0, w1) = (width(0), width(1));
    let line = |cols: [&str; 3]| format!("{:<w0$}  {:<w1$}  {}\n", cols[0], cols[1], cols[2]);
    let mut out = line(header);
    out.push_str(&line([
        "-".repeat(w0).as_str(),
        "-".repeat(w1).as_str(),
        "-".repeat(header[2].len()).as_str(),
    ]));
    for row in rows {
        out.push_str(&line(row));
    }
    out
}

fn edition(kind: &str) -> &'static str {
    match kind {
        "ce-full" | "ce-patch" => "CE",
        "ee-full" | "ee-patch" => "EE",
        _ => "Other",
    }
}

/// One block per edition: "CE Versions", a dashed line, one version per line.
pub fn versions_text(releases: &[&ReleaseEntry]) -> String {
    let mut blocks = Vec::new();
    for name in ["CE", "EE", "Other"] {
        let mut versions: Vec<&str> = releases
            .iter()
            .filter(|r| edition(&r.kind) == name)
            .map(|r| r.version.as_str())
            .collect();
        versions.sort_by(|a, b| natural_cmp(a, b));
        versions.dedup();
        if versions.is_empty() {
            continue;
        }
        let title = format!("{name} Versions");
        blocks.push(format!(
            "{title}\n{}\n{}\n",
            "-".repeat(title.len()),
            versions.join("\n")
        ));
    }
    if blocks.is_empty() {
        NO_RESULTS.to_string()
    } else {
        blocks.join("\n")
    }
}

/// The JSON feed: every type as a key, each with its files.
pub fn json_feed(releases: &[&ReleaseEntry]) -> Value {
    let mut feed = Map::new();
    for kind in packyard_store::releases::RELEASE_TYPES {
        let files: Vec<Value> = releases
            .iter()
            .filter(|r| r.kind == kind)
            .map(|r| json!({ "file_name": r.file_name, "version": r.version, "md5": r.md5, "sha256": r.sha256, "size": r.size }))
            .collect();
        feed.insert(kind.to_string(), Value::Array(files));
    }
    Value::Object(feed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural_order() {
        let mut v = vec!["2.4.10", "2.4.9", "2.4.7-p1", "2.4.7", "10.0"];
        v.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(v, ["2.4.7", "2.4.7-p1", "2.4.9", "2.4.10", "10.0"]);
    }
}
