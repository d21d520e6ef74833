//! The ssh transport against a real OpenSSH server: `repo add` with an `ssh://` URL and with
//! the scp-style `user@[host:port]:path` form imports tags that the server then serves, with
//! the key from `PACKYARD_GIT_SSH_KEY`. Host keys stay checked: against the file in
//! `PACKYARD_GIT_SSH_KNOWN_HOSTS`, an untrusted server is refused and nothing is registered.
//! The transport is the `git` command's, independent of the database, so SQLite only.

use std::path::Path;
use std::process::Output;

use crate::support::sshd::Sshd;

use super::*;

/// Runs the CLI with `--json`, `sshd`'s client key and the known-hosts file `known_hosts`.
fn cli_over_ssh(server: &Server, sshd: &Sshd, known_hosts: &Path, args: &[&str]) -> Output {
    server
        .command()
        .env("PACKYARD_GIT_SSH_KEY", sshd.client_key())
        .env("PACKYARD_GIT_SSH_KNOWN_HOSTS", known_hosts)
        .arg("--json")
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn ssh_and_scp_style_urls_import_tags_with_the_host_key_checked() {
    let sshd = Sshd::start();
    let server = Server::start(Backend::Sqlite);
    let trusted = sshd.known_hosts();
    let untrusted = sshd.dir.path().join("empty_known_hosts");
    std::fs::write(&untrusted, "").unwrap();
    let key = public_customer(&server, "ssh@shop.example");

    let host = format!("{}@127.0.0.1:{}", sshd.user, sshd.port);
    let scp_host = format!("{}@[127.0.0.1:{}]", sshd.user, sshd.port);
    let cases = [
        ("acme/over-ssh", format!("ssh://{host}")),
        ("acme/over-scp", format!("{scp_host}:")),
    ];
    for (package, prefix) in cases {
        let mut up = Upstream::new(package.trim_start_matches("acme/"));
        up.library(package, "one");
        up.tag("v1.0.0");
        up.push();
        let url = format!("{prefix}{}", up.local_url());

        let refused = cli_over_ssh(&server, &sshd, &untrusted, &["repo", "add", &url]);
        let why = String::from_utf8_lossy(&refused.stderr);
        assert!(
            !refused.status.success() && why.contains("Host key verification failed"),
            "{url}: an unknown host key is refused: {why}\n{}",
            sshd.log()
        );

        let added = cli_over_ssh(&server, &sshd, &trusted, &["repo", "add", &url]);
        let added: serde_json::Value =
            serde_json::from_str(&succeeded(added, &format!("repo add {url}"))).unwrap();
        let id = added["id"].to_string();
        let synced = cli_over_ssh(&server, &sshd, &trusted, &["repo", "sync", &id]);
        let report = succeeded(synced, &format!("repo sync {url}"));
        assert!(report.contains("refs/tags/v1.0.0"), "{url}: {report}");
        assert!(
            eventually(PROPAGATION * 5, || installable(
                &server, &key, package, "v1.0.0"
            )),
            "{url}: v1.0.0 installable from the server"
        );
    }
    assert_eq!(
        server.cli_json(&["repo", "list"])["repos"]
            .as_array()
            .map(Vec::len),
        Some(2),
        "the refused attempts registered nothing"
    );
}
