//! After `kill -9` at any moment, the next start leaves no temporary files (SPEC §8): an
//! upload killed halfway and a write interrupted beside its object are both swept.

use std::process::{Command, Stdio};
use std::time::Duration;

use crate::releases::bytes_of;
use crate::support::*;

#[test]
fn restart_after_kill_9_mid_upload_leaves_no_temporary_files() {
    let mut server = Server::start(Backend::Sqlite);
    let token = server.admin_token("ops@example.com");
    server.product("big", "Big", "acme/big", &[]);
    let artifacts = server.dir.path().join("data/artifacts");
    let upload_area = artifacts.join("tmp");
    let file = server.work_dir("upload").join("big.tar.gz");
    std::fs::write(&file, bytes_of(9, 8 << 20)).unwrap();
    let url = format!(
        "{}/api/releases/Acme-Big-1.0.tar.gz?type=other&version=1.0&product=big",
        server.url
    );
    let auth_ok = eventually(PROPAGATION * 5, || {
        curl(
            &format!("{}/api/packages", server.url),
            &[
                "-X",
                "POST",
                "-H",
                &format!("Authorization: Bearer {token}"),
            ],
        )
        .status
            != 401
    });
    assert!(auth_ok, "the operator token never worked");
    let mut upload = Command::new("curl")
        .args(["-s", "-X", "PUT", "--limit-rate", "1M", "--data-binary"])
        .arg(format!("@{}", file.display()))
        .args(["-H", &format!("Authorization: Bearer {token}"), &url])
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    assert!(
        eventually(Duration::from_secs(5), || !files_under(&upload_area)
            .is_empty()),
        "the upload never reached the upload area"
    );
    // A write interrupted between its temporary file and the rename, beside its object.
    let shard = artifacts.join("dists/ab/cd");
    std::fs::create_dir_all(&shard).unwrap();
    std::fs::write(shard.join(".tmp-0123456789abcdef"), b"half written").unwrap();

    server.restart();
    let _ = upload.kill();
    let _ = upload.wait();
    assert_eq!(
        files_under(&artifacts),
        Vec::<String>::new(),
        "temporary files survived a restart after kill -9"
    );
}
