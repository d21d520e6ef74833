//! `packyard storage gc` and what storage holds after refused uploads: unreferenced objects
//! go (on S3 and on local disk), referenced ones stay, young objects and objects a writer
//! holds a lease on are spared, and a refused upload leaves nothing in the bucket.

use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::releases::{add_release, bytes_of};
use crate::scale_out::{open_shop, upload_release};
use crate::support::cluster::Cluster;
use crate::support::s3::{S3Server, stored_files};
use crate::support::*;

fn dist_key(zip: &[u8]) -> String {
    let sha = hex::encode(Sha256::digest(zip));
    format!("dists/{}/{}/{sha}.zip", &sha[..2], &sha[2..4])
}

fn gc(cli: &Server, min_age: &str) -> Value {
    cli.cli_json(&["storage", "gc", "--min-age", min_age])["report"].clone()
}

fn deleted(report: &Value) -> Vec<String> {
    report["deleted"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap().to_string())
        .collect()
}

/// Runs SQL on the cluster's database.
fn sql(cluster: &Cluster, statement: &str) {
    let out = Command::new("psql")
        .arg(&cluster.database_url)
        .arg("-qc")
        .arg(statement)
        .output()
        .unwrap();
    succeeded(out, statement);
}

/// Publishes a zip, then removes its version row: the object a crashed writer leaves.
fn orphan(cluster: &Cluster, name: &str) -> String {
    let (file, zip) = package_zip(name, "1.0.0", json!({}));
    cluster.cli().publish(&[(file, zip.clone())]);
    let key = dist_key(&zip);
    sql(
        cluster,
        &format!("DELETE FROM versions WHERE blob_key = '{key}'"),
    );
    key
}

#[test]
fn gc_on_s3_removes_orphans_and_keeps_what_is_referenced() {
    let cluster = Cluster::start(1, &[]);
    let shop = open_shop(&cluster);
    let cli = cluster.cli();
    let (file, kept_zip) = package_zip("acme/kept", "1.0.0", json!({}));
    cli.publish(&[(file, kept_zip.clone())]);
    let release = bytes_of(9, 200_000);
    add_release(cli, "Kept.tar.gz", &release, "other", "1.0.0", "acme");
    let lost = orphan(&cluster, "acme/lost");
    let held = orphan(&cluster, "acme/held");
    sql(
        &cluster,
        &format!(
            "INSERT INTO blob_leases (blob_key, holder, created_at) VALUES ('{held}', 'writer', {})",
            chrono_now()
        ),
    );

    // Young objects are spared by default.
    assert!(deleted(&gc(cli, "1h")).is_empty());
    let report = gc(cli, "0");
    assert_eq!(deleted(&report), vec![lost.clone()], "{report}");
    assert_eq!(report["referenced"], 2, "{report}");
    sql(&cluster, "DELETE FROM blob_leases");
    assert_eq!(deleted(&gc(cli, "0")), vec![held]);
    assert!(
        deleted(&gc(cli, "0")).is_empty(),
        "a second run finds nothing"
    );

    let files: Vec<String> = cluster
        .stored_objects()
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    assert_eq!(files.len(), 2, "{files:?}");
    assert!(files.iter().any(|f| f.ends_with(&dist_key(&kept_zip))));
    let node = &cluster.nodes[0];
    node.wait_visible(&shop.public, &shop.private, "acme/kept");
    let dev = Developer::new(node, "dev", &shop.public, &shop.private);
    dev.composer_ok(&dev.project(node, "app"), &["require", "acme/kept"]);
    let url = format!("{}/products/downloads/file/Kept.tar.gz", node.url);
    let got = curl_as(&url, &shop.account, &shop.download_token, &[]);
    assert!(got.status == 200 && got.body == release);
}

#[test]
fn refused_uploads_leave_nothing_in_the_bucket() {
    let cluster = Cluster::start(1, &["--max-release-mib", "1"]);
    let shop = open_shop(&cluster);
    let node = &cluster.nodes[0];
    let too_big = upload_release(node, &shop.admin_token, "Big.tar.gz", &bytes_of(1, 3 << 20));
    assert_eq!(too_big.status, 413, "{}", too_big.text());
    let first = upload_release(node, &shop.admin_token, "R.tar.gz", &bytes_of(2, 500_000));
    assert_eq!(first.status, 201, "{}", first.text());
    let clash = upload_release(node, &shop.admin_token, "R.tar.gz", &bytes_of(3, 500_000));
    assert_eq!(clash.status, 409, "{}", clash.text());
    let bad_zip = crate::scale_out::api_upload(
        node,
        "POST",
        "/api/packages",
        &shop.admin_token,
        b"not a zip",
    );
    assert!(bad_zip.status >= 400 && bad_zip.status < 500);
    let only_the_release = eventually(PROPAGATION * 5, || cluster.stored_objects().len() == 1);
    assert!(
        only_the_release,
        "left behind: {:?}",
        cluster.stored_objects()
    );
    let leftovers = stored_files(
        &S3Server::shared()
            .bucket_dir(&cluster.bucket)
            .join("packyard/uploads"),
    );
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

fn chrono_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// Sets a file's modification time into the past, like a file a crash left long ago.
fn age(path: &Path) {
    let ok = Command::new("touch")
        .args(["-d", "2 hours ago"])
        .arg(path)
        .status()
        .unwrap()
        .success();
    assert!(ok);
}

backend_tests!(gc_on_local_disk_removes_crash_leftovers);
fn gc_on_local_disk_removes_crash_leftovers(backend: Backend) {
    let server = Server::start(backend);
    let (file, zip) = package_zip("acme/kept", "1.0.0", json!({}));
    server.publish(&[(file, zip.clone())]);
    let artifacts = server.dir.path().join("data/artifacts");
    let stray = artifacts.join("dists/00/00/0000.zip");
    let temp = artifacts.join("tmp/.upload-deadbeef");
    for path in [&stray, &temp] {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, b"left by a crash").unwrap();
    }
    assert!(
        deleted(&gc(&server, "1h")).is_empty(),
        "{backend:?}: young files spared"
    );
    age(&stray);
    age(&temp);
    let mut gone = deleted(&gc(&server, "1h"));
    gone.sort();
    assert_eq!(
        gone,
        vec!["dists/00/00/0000.zip", "tmp/.upload-deadbeef"],
        "{backend:?}"
    );
    assert!(!stray.exists() && !temp.exists(), "{backend:?}");
    assert!(
        artifacts.join(dist_key(&zip)).exists(),
        "{backend:?}: referenced dist kept"
    );
}
