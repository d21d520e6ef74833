//! Uploads that must never become a version (SPEC §8): a multipart form body, bytes around
//! the archive, sizes that lie, symbolic links, versions with control characters or `..`.
//! Each is refused with a clear 4xx on both backends, and nothing reaches the database or
//! the artifact store.

use std::path::Path;

use serde_json::json;

use crate::support::*;

fn upload(server: &Server, token: &str, file: &Path, multipart: bool) -> HttpResponse {
    let auth = format!("Authorization: Bearer {token}");
    let form = format!("file=@{}", file.display());
    let data = format!("@{}", file.display());
    let body = if multipart {
        ["-F", form.as_str()]
    } else {
        ["--data-binary", data.as_str()]
    };
    let mut args = vec!["-X", "POST", "-H", auth.as_str()];
    args.extend(body);
    curl(&format!("{}/api/packages", server.url), &args)
}

fn crafted_uploads_are_refused(backend: Backend) {
    let server = Server::start_with(backend, &["--max-unpacked-mib", "2"]);
    let token = server.admin_token("ops@example.com");
    let dir = server.work_dir("crafted");
    let artifacts = server.dir.path().join("data/artifacts");
    let (_, good) = package_zip(CRAFTED.0, CRAFTED.1, json!({}));
    let good_file = dir.join("good.zip");
    std::fs::write(&good_file, &good).unwrap();
    // The token reaches the server through the change feed.
    let empty = dir.join("empty");
    std::fs::write(&empty, b"").unwrap();
    assert!(eventually(PROPAGATION * 5, || {
        upload(&server, &token, &empty, false).status != 401
    }));

    let form = upload(&server, &token, &good_file, true);
    assert_eq!(
        form.status,
        422,
        "{backend:?}: multipart body: {}",
        form.text()
    );
    assert!(
        form.text().contains("multipart"),
        "{backend:?}: {}",
        form.text()
    );
    for (name, bytes, expected) in crafted_zips() {
        let file = dir.join(name);
        std::fs::write(&file, bytes).unwrap();
        let answer = upload(&server, &token, &file, false);
        // Bytes before the first entry: the upload is refused by its first bytes already.
        let expected = match name {
            "prefixed.zip" => "does not start like one",
            _ => expected,
        };
        assert!(
            (400..500).contains(&answer.status),
            "{backend:?}: {name} answered {}: {}",
            answer.status,
            answer.text()
        );
        assert!(
            answer.text().contains(expected),
            "{backend:?}: {name}: expected {expected:?} in {}",
            answer.text()
        );
    }
    assert_eq!(
        files_under(&artifacts),
        Vec::<String>::new(),
        "{backend:?}: a refused upload left bytes in the artifact store"
    );
    // Had any crafted archive been stored as acme/crafted 1.0.0, this would be a 409.
    let honest = upload(&server, &token, &good_file, false);
    assert_eq!(honest.status, 201, "{backend:?}: {}", honest.text());
    assert_eq!(files_under(&artifacts).len(), 1, "{backend:?}");
}

#[test]
fn crafted_uploads_are_refused_on_sqlite() {
    crafted_uploads_are_refused(Backend::Sqlite);
}

#[test]
fn crafted_uploads_are_refused_on_postgres() {
    crafted_uploads_are_refused(Backend::Postgres);
}
