//! Adding releases: CLI validation, idempotence and immutability, and the streamed admin
//! upload (refusals, then storage and download).

use std::path::PathBuf;

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
    let artifacts = server.dir.path().join("data").join("artifacts");
    files_under(&artifacts.join("tmp")).len() + files_under(&artifacts.join("releases")).len()
}

/// A server with product `ce`, a 1 MiB release limit and a 4 KiB release file to add.
fn server_and_release() -> (Server, PathBuf) {
    let server = Server::start_with(Backend::Sqlite, &["--max-release-mib", "1"]);
    server.product("ce", "Acme CE", "acme/ce-*", &[]);
    let good = server.work_dir("in").join("Acme-CE-2.4.7.tar.gz");
    std::fs::write(&good, bytes_of(9, 4096)).unwrap();
    (server, good)
}

/// `release add FILE --type KIND --version VERSION --product PRODUCT` plus `extra`.
fn release_add<'a>(
    file: &'a str,
    kind: &'a str,
    version: &'a str,
    product: &'a str,
) -> Vec<&'a str> {
    let args = ["release", "add", file, "--type", kind, "--version", version];
    let mut all = args.to_vec();
    all.extend(["--product", product]);
    all
}

#[test]
fn release_add_refuses_bad_input_and_stores_nothing() {
    let (server, good) = server_and_release();
    let good = good.to_str().unwrap();
    let cases = [
        (
            release_add(good, "full", "2.4.7", "ce"),
            "must be one of ce-full",
        ),
        (
            release_add(good, "ce-full", "2.4 7", "ce"),
            "release version",
        ),
        (release_add(good, "ce-full", "2.4.7", "nope"), "nope"),
        (
            release_add("/nonexistent/x.tar.gz", "other", "1", "ce"),
            "cannot read /nonexistent/x.tar.gz",
        ),
    ];
    let named = ["../evil.tar.gz", ".hidden", "a/b.zip"].map(|name| {
        let mut args = release_add(good, "ce-full", "2.4.7", "ce");
        args.extend(["--name", name]);
        (args, "release file name")
    });
    for (args, expected) in cases.into_iter().chain(named) {
        let out = server.cli_output(&args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            !out.status.success() && err.contains(expected),
            "{args:?}: {err}"
        );
    }
    assert_eq!(release_count(&server), 0, "bad input must change nothing");
    assert_eq!(stored_files(&server), 0, "bad input must store nothing");
}

#[test]
fn release_add_is_idempotent_and_release_files_are_immutable() {
    let (server, good) = server_and_release();
    let args = release_add(good.to_str().unwrap(), "ce-full", "2.4.7", "ce");
    assert_eq!(server.cli_json(&args)["outcome"], "added");
    let again = server.cli_json(&args);
    assert_eq!(again["outcome"], "unchanged", "same bytes again is a no-op");
    std::fs::write(&good, bytes_of(10, 4096)).unwrap();
    let changed = server.cli_output(&args);
    assert!(!changed.status.success());
    let err = String::from_utf8_lossy(&changed.stderr);
    assert!(err.contains("release files are immutable"), "{err}");
    assert_eq!(release_count(&server), 1);
}

/// The admin API's streamed `PUT /api/releases/NAME` with a file body, as curl sends it.
struct ReleaseUpload {
    server: Server,
    bearer: String,
    good: PathBuf,
}

const PATCH_QUERY: &str = "type=ce-patch&version=2.4.7&product=ce";
/// A complete query whose type `ce` does not have: refused after authentication.
const BAD_TYPE_QUERY: &str = "type=patch&version=2.4.7&product=ce";

impl ReleaseUpload {
    /// A server, an admin token already accepted, and the patch file (`bytes_of(11, 100_000)`).
    fn new() -> ReleaseUpload {
        let (server, good) = server_and_release();
        let token = server.admin_token("ops@example.com");
        std::fs::write(
            server.work_dir("in").join("patch.sh"),
            bytes_of(11, 100_000),
        )
        .unwrap();
        let upload = ReleaseUpload {
            server,
            bearer: format!("Authorization: Bearer {token}"),
            good,
        };
        // The new admin token reaches the server within a second.
        let accepted = eventually(PROPAGATION, || {
            upload.put("PATCH-1.sh", BAD_TYPE_QUERY, "patch.sh").status != 401
        });
        assert!(accepted, "the admin token was never accepted");
        upload
    }

    /// PUTs the file `file` (in the work folder, or an absolute path) as release `name`.
    fn put(&self, name: &str, query: &str, file: &str) -> HttpResponse {
        self.put_as(name, query, file, &self.bearer)
    }

    fn put_as(&self, name: &str, query: &str, file: &str, auth: &str) -> HttpResponse {
        let url = format!("{}/api/releases/{name}?{query}", self.server.url);
        let data = format!("@{}", self.server.work_dir("in").join(file).display());
        curl(&url, &["-X", "PUT", "-H", auth, "--data-binary", &data])
    }
}

#[test]
fn release_uploads_are_refused_without_a_token_with_a_bad_type_or_too_large() {
    let upload = ReleaseUpload::new();
    let wrong = upload.put_as(
        "PATCH-1.sh",
        PATCH_QUERY,
        "patch.sh",
        "Authorization: Bearer wrong",
    );
    assert_eq!(wrong.status, 401);
    let bad = upload.put(
        "PATCH-1.sh",
        "type=patch&version=2.4.7&product=ce",
        "patch.sh",
    );
    assert_eq!(bad.status, 400);
    bad.assert_error_contains("release type");
    std::fs::write(
        upload.server.work_dir("in").join("big.bin"),
        bytes_of(12, 3 << 20),
    )
    .unwrap();
    let too_big = upload.put("BIG.bin", PATCH_QUERY, "big.bin");
    assert_eq!(too_big.status, 413, "{}", too_big.text());
    assert_eq!(
        release_count(&upload.server),
        0,
        "refused uploads change nothing"
    );
    assert_eq!(
        stored_files(&upload.server),
        0,
        "refused uploads leave no bytes behind"
    );
}

#[test]
fn an_uploaded_release_is_stored_once_immutable_and_downloadable() {
    let upload = ReleaseUpload::new();
    let created = upload.put("PATCH-1.sh", PATCH_QUERY, "patch.sh");
    assert_eq!(created.status, 201, "{}", created.text());
    let sha256 = hex::encode(Sha256::digest(bytes_of(11, 100_000)));
    assert_eq!(created.json()["release"]["sha256"], sha256);
    assert_eq!(
        upload.put("PATCH-1.sh", PATCH_QUERY, "patch.sh").status,
        200,
        "idempotent"
    );
    let other = upload.good.to_str().unwrap();
    assert_eq!(upload.put("PATCH-1.sh", PATCH_QUERY, other).status, 409);

    let server = &upload.server;
    let (id, _, _) = server.licensed_customer("c@example.com", &["ce"]);
    let token = server.download_token(&id);
    let url = format!("{}/products/downloads/file/PATCH-1.sh", server.url);
    let got = eventually(PROPAGATION, || {
        let r = curl_as(&url, &id, &token, &[]);
        r.status == 200 && r.body == bytes_of(11, 100_000)
    });
    assert!(got, "the uploaded release is downloadable byte-exact");
}
