//! `info/…`: listings, filters and the JSON feed, per licence.

use md5::Md5;
use sha2::{Digest, Sha256};

use super::*;

backend_tests!(info_endpoints_list_what_the_account_may_download);
fn info_endpoints_list_what_the_account_may_download(backend: Backend) {
    let f = fixture(backend);
    let (ce, ce_token) = f.account("ce@example.com", &["ce"]);
    f.wait_ready(&ce, &ce_token);

    let help = f.get("info/help", &ce, &ce_token, &[]);
    assert_eq!(help.status, 200);
    assert!(
        help.header("content-type")
            .unwrap()
            .starts_with("text/plain")
    );
    for word in [
        "Downloads Usage:",
        "help",
        "files",
        "versions",
        "filter",
        "json",
        "ce-full",
        "ee-patch",
        "other",
    ] {
        assert!(
            help.text().contains(word),
            "help lacks {word}: {}",
            help.text()
        );
    }
    assert!(
        help.text()
            .contains(&format!("@{}/products/downloads/file/", f.server.host)),
        "{}",
        help.text()
    );

    let files = f.get("info/files", &ce, &ce_token, &[]);
    assert_eq!(files.status, 200);
    assert_eq!(
        file_names(&files.text()),
        [
            "Acme-CE-2.4.6.tar.gz",
            "Acme-CE-2.4.7.tar.gz",
            "PATCH_ACME-1_CE_2.4.7.sh",
            "acme-tools-1.0.zip"
        ],
        "{backend:?}: the EE file is not licensed, the public tools are"
    );
    let row = table(&files.text())
        .into_iter()
        .find(|r| r[2] == "PATCH_ACME-1_CE_2.4.7.sh")
        .unwrap();
    assert_eq!(row, ["ce-patch", "2.4.7", "PATCH_ACME-1_CE_2.4.7.sh"]);

    let versions = f.get("info/versions", &ce, &ce_token, &[]).text();
    assert!(
        versions.starts_with("CE Versions\n-----------\n2.4.6\n2.4.7\n"),
        "{versions}"
    );
    assert!(
        versions.contains("Other Versions") && !versions.contains("EE Versions"),
        "{versions}"
    );

    let exact = f
        .get("info/filter/version/2.4.7", &ce, &ce_token, &[])
        .text();
    assert_eq!(
        file_names(&exact),
        ["Acme-CE-2.4.7.tar.gz", "PATCH_ACME-1_CE_2.4.7.sh"]
    );
    let wildcard = f
        .get("info/filter/version/2.4.*", &ce, &ce_token, &[])
        .text();
    assert_eq!(
        file_names(&wildcard),
        [
            "Acme-CE-2.4.6.tar.gz",
            "Acme-CE-2.4.7.tar.gz",
            "PATCH_ACME-1_CE_2.4.7.sh"
        ]
    );
    assert_eq!(
        f.get("info/filter/version/9.*", &ce, &ce_token, &[]).text(),
        "No results found.\n"
    );
    let by_type = f
        .get("info/filter/type/ce-full", &ce, &ce_token, &[])
        .text();
    assert_eq!(
        file_names(&by_type),
        ["Acme-CE-2.4.6.tar.gz", "Acme-CE-2.4.7.tar.gz"]
    );
    assert_eq!(
        f.get("info/filter/type/ee-full", &ce, &ce_token, &[])
            .text(),
        "No results found.\n"
    );
    let bogus = f.get("info/filter/type/full", &ce, &ce_token, &[]);
    assert_eq!(bogus.status, 404);
    assert!(
        bogus
            .text()
            .contains("ce-full, ee-full, ce-patch, ee-patch, other"),
        "{}",
        bogus.text()
    );
    assert_eq!(f.get("info/nonsense", &ce, &ce_token, &[]).status, 404);

    let feed = f.get("info/json", &ce, &ce_token, &[]);
    assert_eq!(feed.header("content-type"), Some("application/json"));
    let feed = feed.json();
    for kind in ["ce-full", "ee-full", "ce-patch", "ee-patch", "other"] {
        assert!(feed[kind].is_array(), "{kind} missing: {feed}");
    }
    assert_eq!(feed["ee-full"].as_array().unwrap().len(), 0);
    assert_eq!(feed["ce-full"].as_array().unwrap().len(), 2);
    for entry in feed
        .as_object()
        .unwrap()
        .values()
        .flat_map(|v| v.as_array().unwrap())
    {
        let bytes = f.bytes(entry["file_name"].as_str().unwrap());
        assert_eq!(entry["md5"], hex::encode(Md5::digest(bytes)));
        assert_eq!(entry["sha256"], hex::encode(Sha256::digest(bytes)));
        assert_eq!(entry["size"], bytes.len());
        assert!(entry["version"].is_string());
    }

    // An account whose licence ended before these releases were added sees only the
    // public tools, and is told why when it asks for a file by name.
    let (old, old_token) = f.account("old@example.com", &["ce", "--updates-until", "2020-01-01"]);
    f.wait_ready(&old, &old_token);
    assert_eq!(
        file_names(&f.get("info/files", &old, &old_token, &[]).text()),
        ["acme-tools-1.0.zip"]
    );
    let refused = f.get("file/Acme-CE-2.4.7.tar.gz", &old, &old_token, &[]);
    assert_eq!(refused.status, 403);
    assert!(
        refused.text().contains("covers releases up to 2020-01-01"),
        "{}",
        refused.text()
    );

    // An account with no licence at all still gets the public product.
    let (none, none_token) = f.account("none@example.com", &[]);
    f.wait_ready(&none, &none_token);
    assert_eq!(
        file_names(&f.get("info/files", &none, &none_token, &[]).text()),
        ["acme-tools-1.0.zip"]
    );
    assert_eq!(
        f.get("info/filter/type/ce-full", &none, &none_token, &[])
            .text(),
        "No results found.\n"
    );
}
