//! The compact version encodings give back exactly what was stored.

use super::{BlobKey, Listed, Versions, VersionsBuilder, common_ends, dist_key, lower_hex};

const SHA256: &str = "849e424e38dd37cba9d40fef5135c8cc754b8c64a17c7d82ef6aa0fd47da0dbe";

/// Manifests as packages publish them: growing, shrinking, reordered, non-ASCII text that
/// differs inside a multi-byte character, nothing in common, the same twice.
const MANIFESTS: &[&str] = &[
    r#"{"name":"acme/log","description":"Logs to files","require":{"php":">=7.2"},"authors":[{"name":"Zoë"}]}"#,
    r#"{"name":"acme/log","description":"Logs to files, sockets and mail","require":{"php":">=7.2","psr/log":"^1.0"},"authors":[{"name":"Zoë"}]}"#,
    r#"{"name":"acme/log","description":"Logs to files, sockets and mail","require":{"php":">=8.1","psr/log":"^3.0"},"authors":[{"name":"Zoè"}]}"#,
    r#"{"name":"acme/log","description":"Logs to files, sockets and mail","require":{"php":">=8.1","psr/log":"^3.0"},"authors":[{"name":"Zoè"}]}"#,
    r#"{"type":"metapackage","require":{"acme/log":"*"}}"#,
    "{}",
    r#"{"name":"acme/log","description":"日本語のログ","license":["MIT"],"autoload":{"psr-4":{"Acme\\Log\\":"src/"}}}"#,
    r#"{"name":"acme/log","description":"日本語ログ","license":["MIT"],"autoload":{"psr-4":{"Acme\\Log\\":"src/"}},"extra":{"branch-alias":{"dev-main":"3.x-dev"}}}"#,
];

fn listed<'a>(i: usize, version: &'a str, normalized: &'a str, manifest: &'a str) -> Listed<'a> {
    Listed {
        version,
        version_normalized: normalized,
        manifest,
        released_at: 1_700_000_000 + i as i64,
        sha1: [i as u8; 20],
        size: i as i64,
        blob: BlobKey::new(&dist_key(SHA256)),
    }
}

fn build(manifests: &[&str]) -> (Versions, Vec<(String, String)>) {
    let names: Vec<(String, String)> = (0..manifests.len())
        .map(|i| (format!("1.{i}.0"), format!("1.{i}.0.0")))
        .collect();
    let mut builder = VersionsBuilder::default();
    for (i, (manifest, (version, normalized))) in manifests.iter().zip(&names).enumerate() {
        builder.push(listed(i, version, normalized, manifest));
    }
    (builder.finish(), names)
}

#[test]
fn dissimilar_manifests_come_back_exactly_in_order_and_one_by_one() {
    let (versions, names) = build(MANIFESTS);
    assert_eq!(versions.manifests(), MANIFESTS);
    for (i, (v, (version, normalized))) in versions.iter().zip(&names).enumerate() {
        assert_eq!(versions.manifest(i), MANIFESTS[i]);
        assert_eq!(
            (v.version(), v.version_normalized()),
            (&**version, &**normalized)
        );
        assert_eq!(
            (v.released_at, v.size, v.sha1),
            (1_700_000_000 + i as i64, i as i64, [i as u8; 20])
        );
        assert_eq!(v.blob_key(), dist_key(SHA256));
    }
}

#[test]
fn a_repeated_manifest_costs_no_bytes_of_its_own() {
    let (versions, _) = build(&[MANIFESTS[1], MANIFESTS[1]]);
    assert_eq!(versions[1].text.len(), "1.1.0".len() + "1.1.0.0".len());
    assert_eq!(versions.manifests(), [MANIFESTS[1], MANIFESTS[1]]);
}

#[test]
fn common_ends_never_split_a_character_or_overlap() {
    // "ë" and "è" share their first byte; "ab" inside "aab" could be counted twice.
    assert_eq!(common_ends("Zoë!", "Zoè!"), (2, 1));
    assert_eq!(common_ends("aab", "ab"), (1, 1));
    assert_eq!(common_ends("", "{}"), (0, 0));
    assert_eq!(common_ends("日本語", "日本"), (6, 0));
}

#[test]
fn dropping_versions_keeps_the_others_manifests_exact() {
    let (mut versions, _) = build(MANIFESTS);
    versions.retain(|v| v.size % 3 != 1);
    let kept: Vec<&str> = (0..MANIFESTS.len())
        .filter(|i| i % 3 != 1)
        .map(|i| MANIFESTS[i])
        .collect();
    assert_eq!(versions.manifests(), kept);
    let sizes: Vec<i64> = versions.iter().map(|v| v.size).collect();
    assert_eq!(sizes, [0, 2, 3, 5, 6]);
    versions.retain(|v| v.size != 0);
    assert_eq!(versions.manifests(), kept[1..]);
}

#[test]
fn canonical_archive_keys_are_held_as_digests_and_others_as_stored() {
    let canonical = dist_key(SHA256);
    assert_eq!(canonical, format!("dists/84/9e/{SHA256}.zip"));
    assert!(matches!(BlobKey::new(&canonical), BlobKey::Dist(_)));
    assert_eq!(BlobKey::new(&canonical).as_key(), canonical);
    let others = [
        "k".to_string(),
        "dists/none.zip".to_string(),
        format!("dists/84/9e/{}.zip", SHA256.to_uppercase()),
        format!("dists/9e/84/{SHA256}.zip"),
        format!("dists/84/9e/{SHA256}.tar"),
        format!("releases/84/9e/{SHA256}.zip"),
        format!("dists/84/9e/{}.zip", &SHA256[..63]),
        format!("dists/84/9é{}.zip", &SHA256[1..]),
    ];
    for key in others {
        let held = BlobKey::new(&key);
        assert!(matches!(held, BlobKey::Other(_)), "{key}");
        assert_eq!(held.as_key(), key);
    }
}

#[test]
fn digests_are_read_from_lowercase_hex_only() {
    assert_eq!(lower_hex::<2>("0aff"), Some([0x0a, 0xff]));
    for bad in ["0AFF", "0af", "0aff0", "0agf", "+aff"] {
        assert_eq!(lower_hex::<2>(bad), None, "{bad}");
    }
}
