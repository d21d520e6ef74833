//! Push webhooks as each host SPEC §11 names sends them: GitHub (`X-Hub-Signature-256`),
//! GitLab (`X-Gitlab-Token`), Gitea/Forgejo (`X-Gitea-Signature`) and Bitbucket
//! (`X-Hub-Signature: sha256=…`), with realistic tag-push payloads. A valid hook from each makes
//! a newly pushed tag installable; a wrong secret for each is 401 and runs no sync.
//!
//! The GitHub flow runs on both backends in `hooks.rs`; verifying a hook happens before any
//! database work, so the provider variations here run on SQLite only.

use hmac::{KeyInit, Mac};
use serde_json::json;

use super::*;

/// The webhook flavours SPEC §11 names.
#[derive(Clone, Copy, Debug)]
pub(super) enum Host {
    GitHub,
    GitLab,
    Gitea,
    Bitbucket,
}

const HOSTS: [Host; 4] = [Host::GitHub, Host::GitLab, Host::Gitea, Host::Bitbucket];

fn hmac_hex(secret: &str, body: &str) -> String {
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

impl Host {
    /// The tag-push payload this host sends for `tag` of the repository `slug`.
    fn payload(self, slug: &str, tag: &str) -> serde_json::Value {
        let (before, after) = ("0".repeat(40), "a1".repeat(20));
        let ref_name = format!("refs/tags/{tag}");
        match self {
            Host::GitHub => json!({
                "ref": ref_name, "before": before, "after": after, "created": true,
                "repository": { "full_name": slug }, "pusher": { "name": "vendor" },
            }),
            Host::GitLab => json!({
                "object_kind": "tag_push", "event_name": "tag_push", "ref": ref_name,
                "before": before, "after": after, "checkout_sha": after,
                "project": { "path_with_namespace": slug },
            }),
            Host::Gitea => json!({
                "ref": ref_name, "before": before, "after": after,
                "repository": { "full_name": slug }, "pusher": { "login": "vendor" },
            }),
            Host::Bitbucket => json!({
                "eventKey": "repo:refs_changed",
                "repository": { "slug": slug, "project": { "key": "ACME" } },
                "changes": [{
                    "ref": { "id": ref_name, "displayId": tag, "type": "TAG" },
                    "refId": ref_name, "fromHash": before, "toHash": after, "type": "ADD",
                }],
            }),
        }
    }

    /// The event and signature headers this host sends with `body`, signed with `secret`.
    fn headers(self, secret: &str, body: &str) -> [String; 2] {
        match self {
            Host::GitHub => [
                "X-GitHub-Event: push".into(),
                format!("X-Hub-Signature-256: sha256={}", hmac_hex(secret, body)),
            ],
            Host::GitLab => [
                "X-Gitlab-Event: Tag Push Hook".into(),
                format!("X-Gitlab-Token: {secret}"),
            ],
            Host::Gitea => [
                "X-Gitea-Event: push".into(),
                format!("X-Gitea-Signature: {}", hmac_hex(secret, body)),
            ],
            Host::Bitbucket => [
                "X-Event-Key: repo:refs_changed".into(),
                format!("X-Hub-Signature: sha256={}", hmac_hex(secret, body)),
            ],
        }
    }
}

/// POSTs `host`'s push event for `tag` signed with `secret` to repository `id`; returns the
/// status.
pub(super) fn push_hook(server: &Server, id: &str, host: Host, secret: &str, tag: &str) -> u16 {
    let body = host.payload("acme/hooked", tag).to_string();
    let [event, signature] = host.headers(secret, &body);
    let args = [
        "-X",
        "POST",
        "-H",
        "Content-Type: application/json",
        "-H",
        &event,
        "-H",
        &signature,
        "--data-binary",
        &body,
    ];
    curl(&format!("{}/api/hooks/{id}", server.url), &args).status
}

#[test]
fn every_host_s_signed_hook_publishes_and_a_wrong_secret_changes_nothing() {
    let server = Server::start(Backend::Sqlite);
    let mut up = Upstream::new("providers");
    up.library("acme/hooked", "one");
    up.tag("v1.0.0");
    up.push();
    let (id, secret) = add_repo(&server, &up.git_url());
    server.cli(&["repo", "sync", &id]);
    let key = public_customer(&server, "hooks@shop.example");
    let published = |tag: &str| installable(&server, &key, "acme/hooked", tag);
    assert!(published("v1.0.0"), "the first import published v1.0.0");

    up.library("acme/hooked", "unsigned");
    up.tag("v1.1.0");
    up.push();
    // A queued sync shows as `sync_pending` until served; a served one changes `last_sync`.
    let repo = || server.cli_json(&["repo", "show", &id]);
    let before = repo();
    let wrong = format!("{secret}-but-not-quite");
    for host in HOSTS {
        assert_eq!(
            push_hook(&server, &id, host, &wrong, "v1.1.0"),
            401,
            "{host:?}"
        );
    }
    // An accepted hook queues its sync before it answers: nothing to wait for.
    assert_eq!(repo(), before, "a wrong secret queued or ran no sync");
    assert!(!published("v1.1.0"), "a wrong secret published nothing");

    for (i, host) in HOSTS.into_iter().enumerate() {
        let tag = format!("v2.{i}.0");
        up.library("acme/hooked", &format!("{host:?}"));
        up.tag(&tag);
        up.push();
        assert_eq!(
            push_hook(&server, &id, host, &secret, &tag),
            202,
            "{host:?}"
        );
        assert!(
            eventually(PROPAGATION * 10, || published(&tag)),
            "{host:?}: {tag} installable after the hook"
        );
    }
}
