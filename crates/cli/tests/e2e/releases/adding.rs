//! Adding releases: CLI validation, idempotence and immutability, the streamed admin upload.

use std::path::Path;

use sha2::{Digest, Sha256};

use super::*;

fn release_count(server: &Server) -> usize {
    server.cli_json(&["release", "list"])["releases"]
        .as_array()
        .unwrap()
        .len()
}

/// Files in the artifact store's upload area and release folder.
fn stored_files(server: &Server) -> usize {
    fn count(dir: &Path) -> usize {
        std::fs::read_dir(dir).map_or(0, |entries| {
            entries
                .flatten()
                .map(|e| {
                    if e.path().is_dir() {
                        count(&e.path())
                    } else {
                        1
                    }
                })
                .sum()
        })
    }
    let artifacts = server.dir.path().join("data").join("artifacts");
    count(&artifacts.join("tmp")) + count(&artifacts.join("releases"))
}

#[test]
fn adding_releases_validates_input_and_the_admin_upload_streams() {
    let server = Server::start_with(Backend::Sqlite, &["--max-release-mib", "1"]);
    server.cli(&[
        "product",
        "create",
        "ce",
        "--name",
        "Acme CE",
        "--packages",
        "acme/ce-*",
    ]);
    let dir = server.work_dir("in");
    let good = dir.join("Acme-CE-2.4.7.tar.gz");
    std::fs::write(&good, bytes_of(9, 4096)).unwrap();
    let good_path = good.to_str().unwrap();

    let cases: [(&[&str], &str); 6] = [
        (
            &["--type", "full", "--version", "2.4.7", "--product", "ce"],
            "must be one of ce-full",
        ),
        (
            &["--type", "ce-full", "--version", "2.4 7", "--product", "ce"],
            "release version",
        ),
        (
            &[
                "--type",
                "ce-full",
                "--version",
                "2.4.7",
                "--product",
                "nope",
            ],
            "nope",
        ),
        (
            &[
                "--type",
                "ce-full",
                "--version",
                "2.4.7",
                "--product",
                "ce",
                "--name",
                "../evil.tar.gz",
            ],
            "release file name",
        ),
        (
            &[
                "--type",
                "ce-full",
                "--version",
                "2.4.7",
                "--product",
                "ce",
                "--name",
                ".hidden",
            ],
            "release file name",
        ),
        (
            &[
                "--type",
                "ce-full",
                "--version",
                "2.4.7",
                "--product",
                "ce",
                "--name",
                "a/b.zip",
            ],
            "release file name",
        ),
    ];
    for (args, expected) in cases {
        let mut all = vec!["release", "add", good_path];
        all.extend_from_slice(args);
        let out = server.cli_output(&all);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            !out.status.success() && err.contains(expected),
            "{args:?}: {err}"
        );
    }
    let missing = server.cli_output(&[
        "release",
        "add",
        "/nonexistent/x.tar.gz",
        "--type",
        "other",
        "--version",
        "1",
        "--product",
        "ce",
    ]);
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("cannot read /nonexistent/x.tar.gz"));
    assert_eq!(release_count(&server), 0, "bad input must change nothing");
    assert_eq!(stored_files(&server), 0, "bad input must store nothing");

    let args = [
        "release",
        "add",
        good_path,
        "--type",
        "ce-full",
        "--version",
        "2.4.7",
        "--product",
        "ce",
    ];
    assert_eq!(server.cli_json(&args)["outcome"], "added");
    assert_eq!(
        server.cli_json(&args)["outcome"],
        "unchanged",
        "same bytes again is a no-op"
    );
    std::fs::write(&good, bytes_of(10, 4096)).unwrap();
    let changed = server.cli_output(&args);
    assert!(!changed.status.success());
    assert!(String::from_utf8_lossy(&changed.stderr).contains("release files are immutable"));
    assert_eq!(release_count(&server), 1);

    // The admin API takes the file as a streamed PUT body.
    let token = server.admin_token("ops@example.com");
    let upload = dir.join("patch.sh");
    std::fs::write(&upload, bytes_of(11, 100_000)).unwrap();
    let data = format!("@{}", upload.display());
    let url = |name: &str, query: &str| format!("{}/api/releases/{name}?{query}", server.url);
    let put = |name: &str, query: &str, auth: &str, file: &str| {
        curl(
            &url(name, query),
            &["-X", "PUT", "-H", auth, "--data-binary", file],
        )
    };
    let bearer = format!("Authorization: Bearer {token}");
    let query = "type=ce-patch&version=2.4.7&product=ce";
    assert_eq!(
        put("PATCH-1.sh", query, "Authorization: Bearer wrong", &data).status,
        401
    );
    // The new admin token reaches the server within a second.
    let bad_query = "type=patch&version=2.4.7&product=ce";
    assert!(eventually(PROPAGATION, || put(
        "PATCH-1.sh",
        bad_query,
        &bearer,
        &data
    )
    .status
        != 401));
    let bad = put("PATCH-1.sh", bad_query, &bearer, &data);
    assert_eq!(bad.status, 400);
    assert!(
        bad.json()["error"]
            .as_str()
            .unwrap()
            .contains("release type")
    );
    let big = dir.join("big.bin");
    std::fs::write(&big, bytes_of(12, 3 << 20)).unwrap();
    let too_big = put("BIG.bin", query, &bearer, &format!("@{}", big.display()));
    assert_eq!(too_big.status, 413, "{}", too_big.text());
    assert_eq!(release_count(&server), 1, "refused uploads change nothing");
    assert_eq!(
        stored_files(&server),
        1,
        "refused uploads leave no bytes behind"
    );

    let created = put("PATCH-1.sh", query, &bearer, &data);
    assert_eq!(created.status, 201, "{}", created.text());
    assert_eq!(
        created.json()["release"]["sha256"],
        hex::encode(Sha256::digest(bytes_of(11, 100_000)))
    );
    assert_eq!(
        put("PATCH-1.sh", query, &bearer, &data).status,
        200,
        "idempotent"
    );
    assert_eq!(
        put(
            "PATCH-1.sh",
            query,
            &bearer,
            &format!("@{}", good.display())
        )
        .status,
        409
    );

    let (id, _, _) = server.customer("c@example.com");
    server.cli(&["entitlement", "grant", &id, "ce"]);
    let customer_token = server.cli_json(&["token", "generate", &id])["token"]
        .as_str()
        .unwrap()
        .to_string();
    let got = eventually(PROPAGATION, || {
        let r = curl_as(
            &format!("{}/products/downloads/file/PATCH-1.sh", server.url),
            &id,
            &customer_token,
            &[],
        );
        r.status == 200 && r.body == bytes_of(11, 100_000)
    });
    assert!(got, "the uploaded release is downloadable byte-exact");
}
