//! Webhooks and the admin API against a running server: a signed GitHub-style push hook
//! makes a new tag installable within 2 s; a bad signature is 401 and changes nothing; a
//! moved tag keeps its first archive and shows the conflict; `dev-` versions follow.

use std::time::{Duration, Instant};

use serde_json::json;

use super::providers::{Host, push_hook};
use super::*;

struct Api<'a> {
    server: &'a Server,
    auth: String,
}

impl Api<'_> {
    fn call(&self, method: &str, path: &str, body: Option<serde_json::Value>) -> HttpResponse {
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let mut args = vec![
            "-X",
            method,
            "-H",
            &self.auth,
            "-H",
            "Content-Type: application/json",
        ];
        if !body.is_empty() {
            args.extend(["--data-binary", &body]);
        }
        curl(&format!("{}{path}", self.server.url), &args)
    }
}

backend_tests!(signed_hooks_publish_new_tags_fast_and_moved_tags_keep_their_archive);
fn signed_hooks_publish_new_tags_fast_and_moved_tags_keep_their_archive(backend: Backend) {
    let server = Server::start(backend);
    let api = Api {
        server: &server,
        auth: admin_auth(&server),
    };
    let mut up = Upstream::new(&format!("hooked-{backend:?}"));
    up.library("acme/hooked", "one");
    up.tag("v1.0.0");
    up.push();

    assert_eq!(
        curl(&format!("{}/api/v1/repos", server.url), &[]).status,
        401,
        "{backend:?}: no token"
    );
    let created = api.call(
        "POST",
        "/api/v1/repos",
        Some(json!({ "url": up.local_url(), "name": "hooked" })),
    );
    assert_eq!(created.status, 201, "{backend:?}: {}", created.text());
    let (id, secret) = (
        created.json()["id"].to_string(),
        created.json()["secret"].as_str().unwrap().to_string(),
    );
    let key = public_customer(&server, "dev@shop.example");
    let has = |v: &str| shasums(&server, &key, "acme/hooked", false).contains_key(v);
    assert!(
        eventually(PROPAGATION * 10, || has("v1.0.0")),
        "{backend:?}: the queued first sync imported v1.0.0"
    );
    let first = shasums(&server, &key, "acme/hooked", false)["v1.0.0"].clone();

    up.library("acme/hooked", "two");
    up.tag("v1.1.0");
    up.push();
    // The repository as the API shows it: a queued sync shows as `sync_pending` until it is
    // served, and a served one changes `last_sync` (and `versions`).
    let repo = |api: &Api| api.call("GET", &format!("/api/v1/repos/{id}"), None).json();
    let before = repo(&api);
    assert_eq!(
        push_hook(
            &server,
            &id,
            Host::GitHub,
            "not the secret at all",
            "v1.1.0"
        ),
        401,
        "{backend:?}"
    );
    let unsigned = curl(
        &format!("{}/api/hooks/{id}", server.url),
        &["-X", "POST", "--data-binary", "{}"],
    );
    assert_eq!(unsigned.status, 401, "{backend:?}");
    // An accepted hook queues its sync before it answers, so nothing to wait for: had a
    // refused one queued anything, the repository would show it pending or synced now.
    assert_eq!(repo(&api), before, "{backend:?}: no sync queued or run");
    assert!(
        !has("v1.1.0"),
        "{backend:?}: a bad signature changed nothing"
    );

    let start = Instant::now();
    assert_eq!(
        push_hook(&server, &id, Host::GitHub, &secret, "v1.1.0"),
        202,
        "{backend:?}"
    );
    let published = eventually(Duration::from_secs(2), || {
        installable(&server, &key, "acme/hooked", "v1.1.0")
    });
    assert!(
        published,
        "{backend:?}: v1.1.0 installable {:?} after the hook (SPEC: within 2 s)",
        start.elapsed()
    );
    let dev = Developer::new(&server, "dev", &key.0, &key.1);
    let project = dev.project(&server, "app");
    let locked = dev.require_locked(&project, "acme/hooked:^1.1");
    assert_eq!(locked.as_deref(), Some("v1.1.0"), "{backend:?}");

    // Move v1.0.0 upstream: the published archive stays, the conflict is shown.
    let dev_before = shasums(&server, &key, "acme/hooked", true)["dev-main"].clone();
    up.library("acme/hooked", "rewritten");
    up.tag("v1.0.0");
    up.push();
    let synced = api.call("POST", &format!("/api/v1/repos/{id}/sync"), None);
    assert_eq!(synced.status, 202, "{backend:?}");
    let conflict = eventually(PROPAGATION * 10, || {
        api.call("GET", &format!("/api/v1/repos/{id}"), None).json()["conflicts"]
            .to_string()
            .contains("refs/tags/v1.0.0")
    });
    assert!(
        conflict,
        "{backend:?}: the moved tag is reported as a conflict"
    );
    assert!(
        server
            .cli(&["repo", "show", &id])
            .contains("tag moved upstream"),
        "{backend:?}"
    );
    assert!(
        eventually(PROPAGATION * 5, || shasums(
            &server,
            &key,
            "acme/hooked",
            true
        )["dev-main"]
            != dev_before),
        "{backend:?}: dev-main follows its branch"
    );
    assert_eq!(
        shasums(&server, &key, "acme/hooked", false)["v1.0.0"],
        first,
        "{backend:?}: v1.0.0 keeps its first archive"
    );

    // Delete v1.1.0 upstream: it stays installable and shows as a conflict.
    up.delete_tag("v1.1.0");
    assert_eq!(
        push_hook(&server, &id, Host::GitHub, &secret, "v1.1.0"),
        202,
        "{backend:?}"
    );
    let deleted = eventually(PROPAGATION * 10, || {
        api.call("GET", &format!("/api/v1/repos/{id}"), None).json()["conflicts"]
            .to_string()
            .contains("deleted upstream")
    });
    assert!(deleted, "{backend:?}: the deleted tag is reported");
    assert!(has("v1.1.0"), "{backend:?}: a deleted tag's version stays");

    let listed = api.call("GET", "/api/v1/repos", None);
    assert_eq!(
        listed.json()["repos"].as_array().map(Vec::len),
        Some(1),
        "{backend:?}"
    );
    assert_eq!(
        api.call("DELETE", &format!("/api/v1/repos/{id}"), None)
            .status,
        204,
        "{backend:?}"
    );
    assert_eq!(
        api.call("GET", &format!("/api/v1/repos/{id}"), None).status,
        404,
        "{backend:?}"
    );
    assert!(
        has("v1.1.0"),
        "{backend:?}: removing the repository keeps its versions"
    );
}

backend_tests!(the_poll_interval_syncs_without_hooks);
fn the_poll_interval_syncs_without_hooks(backend: Backend) {
    let server = Server::start_with(backend, &["--repo-poll-interval", "1s"]);
    let mut up = Upstream::new(&format!("polled-{backend:?}"));
    up.library("acme/polled", "one");
    up.tag("0.1.0");
    up.push();
    // Registered with the CLI, which queues nothing: only the poll timer can import it.
    let (id, _) = add_repo(&server, &up.git_url());
    let key = public_customer(&server, "poll@shop.example");
    let seen = eventually(PROPAGATION * 10, || {
        shasums(&server, &key, "acme/polled", false).contains_key("0.1.0")
    });
    assert!(
        seen,
        "{backend:?}: repository {id} was synced by the poll timer"
    );
}
