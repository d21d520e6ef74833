//! Licences granted after an upstream was added: the order of operator actions must not
//! matter. Once the root offers the granted product's pattern, Composer installs a mirrored
//! package through it on the first try, with no retry.

use serde_json::json;

use super::wait_for_patterns;
use crate::support::*;

backend_tests!(a_grant_made_after_the_upstream_was_added_installs_at_once);
fn a_grant_made_after_the_upstream_was_added_installs_at_once(backend: Backend) {
    let packagist = StaticRepo::start(json!({}));
    packagist.add("psr/log", "1.0.0", "2023-01-01", json!({}));
    packagist.add("psr/log", "1.1.0", "2024-01-01", json!({}));
    let ours = Server::start(backend);
    ours.product("php", "PHP libraries", "psr/*", &[]);
    let (account, public, private) = ours.licensed_customer("dev@example.com", &[]);
    ours.cli(&["upstream", "add", "packagist", &packagist.url]);
    wait_for_patterns(&ours, &public, &private, &[]);
    let dev = Developer::new(&ours, "dev", &public, &private);
    let shop = dev.project(&ours, "shop");
    // Asked before the licence exists: hidden, and nothing of that answer may stick.
    assert_eq!(
        ours.get_as("/p2/psr/log.json", &public, &private).status,
        404
    );
    let (ok, out) = dev.composer(&shop, &["require", "psr/log:^1.0"]);
    assert!(!ok && out.contains("psr/log"), "{out}");

    ours.grant(&account, &["php"]);
    wait_for_patterns(&ours, &public, &private, &["psr/*"]);
    dev.composer_ok(&shop, &["require", "psr/log:^1.0"]);
    assert_eq!(locked_version(&shop, "psr/log").as_deref(), Some("1.1.0"));
}
