//! First imports: 50+ tags over authenticated smart HTTP with a broken tag skipped and its
//! reason shown (CLI, admin API and back office), Composer installing a tag and `dev-main`,
//! and two fresh data directories building byte-identical archives from `git://`.

use super::*;

const TAGS: usize = 52;

/// A repository with `TAGS` good tags, a tag with a broken composer.json, a tag that is not
/// a version, and a healthy main branch.
fn many_tags(name: &str) -> Upstream {
    let mut up = Upstream::new(name);
    for i in 0..TAGS {
        up.library("acme/many", &format!("release {i}"));
        up.tag(&format!("v1.{i}.0"));
    }
    up.commit(&[("composer.json", "{\"name\": \"acme/many\",")]);
    up.tag("v2.0.0");
    up.tag("nightly");
    up.library("acme/many", "main branch");
    up.push();
    up
}

backend_tests!(importing_many_tags_over_authenticated_http_skips_the_broken_one);
fn importing_many_tags_over_authenticated_http_skips_the_broken_one(backend: Backend) {
    let server = Server::start(backend);
    let up = many_tags(&format!("many-{backend:?}"));
    let wrong = up.http_url().replace("s3cret%20pass", "wrong");
    let refused = server.cli_output(&["repo", "add", &wrong]);
    let why = String::from_utf8_lossy(&refused.stderr);
    assert!(
        !refused.status.success() && why.contains("cannot read the repository"),
        "{backend:?}: {why}"
    );
    assert!(
        !why.contains("wrong"),
        "{backend:?}: the password stays out of messages: {why}"
    );
    assert_eq!(
        server.cli_json(&["repo", "list"])["repos"],
        serde_json::json!([]),
        "{backend:?}"
    );
    let (id, _) = add_repo(&server, &up.http_url());
    let report = server.cli_json(&["repo", "sync", &id]);
    let report = &report["synced"][0]["report"];
    assert_eq!(
        report["imported"].as_array().unwrap().len(),
        TAGS + 1,
        "{backend:?}: {report}"
    );
    let skipped = report["skipped"].to_string();
    assert!(
        skipped.contains("refs/tags/v2.0.0") && skipped.contains("not valid JSON"),
        "{backend:?}: {skipped}"
    );
    assert!(
        skipped.contains("refs/tags/nightly"),
        "{backend:?}: {skipped}"
    );

    let show = server.cli_json(&["repo", "show", &id]);
    assert!(
        !show["url"].as_str().unwrap().contains("s3cret"),
        "{backend:?}: the URL shown hides the password"
    );
    let broken = show["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["ref"] == "refs/tags/v2.0.0");
    assert!(
        broken.is_some_and(|b| b["reason"].as_str().unwrap().contains("composer.json")),
        "{backend:?}: {show}"
    );
    let human = server.cli(&["repo", "show", &id]);
    assert!(
        human.contains("refs/tags/v2.0.0  composer.json is not valid JSON"),
        "{backend:?}: {human}"
    );

    let key = public_customer(&server, "dev@shop.example");
    server.wait_visible(&key.0, &key.1, "acme/many");
    assert_eq!(
        shasums(&server, &key, "acme/many", false).len(),
        TAGS,
        "{backend:?}"
    );
    assert!(
        shasums(&server, &key, "acme/many", true).contains_key("dev-main"),
        "{backend:?}"
    );
    // The version's time is its commit's committer date (commit i+1 is day i+1 of 2024).
    assert_eq!(
        p2_time(&server, &key, "acme/many", "v1.3.0").as_deref(),
        Some("2024-01-05T00:00:00+00:00"),
        "{backend:?}"
    );

    let dev = Developer::new(&server, "dev", &key.0, &key.1);
    let tagged = dev.project(&server, "tagged");
    let locked = dev.require_locked(&tagged, "acme/many:1.51.0");
    assert_eq!(locked.as_deref(), Some("v1.51.0"), "{backend:?}");
    let marker = std::fs::read_to_string(tagged.join("vendor/acme/many/src/Marker.php")).unwrap();
    assert!(marker.contains("release 51"), "{backend:?}: {marker}");
    assert!(
        !tagged.join("vendor/acme/many/tests").exists(),
        "{backend:?}: export-ignore honoured"
    );
    let branch = dev.project(&server, "branch");
    dev.composer_ok(&branch, &["require", "acme/many:dev-main"]);
    let marker = std::fs::read_to_string(branch.join("vendor/acme/many/src/Marker.php")).unwrap();
    assert!(marker.contains("main branch"), "{backend:?}: {marker}");

    back_office_shows_the_skipped_tag(&server, &id, up);
}

fn back_office_shows_the_skipped_tag(server: &Server, id: &str, mut up: Upstream) {
    let auth = admin_auth(server);
    let api = curl(&format!("{}/api/v1/repos/{id}", server.url), &["-H", &auth]);
    assert_eq!(api.status, 200, "{}", api.text());
    assert!(
        api.json()["skipped"]
            .to_string()
            .contains("refs/tags/v2.0.0")
    );
    let portal = PortalClient::new(server);
    portal.login("/admin/login", "ops@vendor.example", "operator password");
    let page = portal.get("/admin/repos");
    assert_eq!(page.status, 200);
    let html = page.text();
    assert!(
        html.contains("refs/tags/v2.0.0") && html.contains("composer.json is not valid JSON"),
        "{html}"
    );
    // A new tag upstream that only a sync can bring in (nothing polls): its version showing
    // up is the sign that Sync now ran one.
    up.library("acme/many", "release 99");
    up.tag("v1.99.0");
    up.push();
    let has_new_tag = || {
        let show = server.cli_json(&["repo", "show", id]);
        show["versions"].to_string().contains("refs/tags/v1.99.0")
    };
    assert!(!has_new_tag());
    let queued = portal.post(
        &format!("/admin/repos/{id}/sync"),
        &[("csrf", &csrf_of(&html))],
        &[],
    );
    assert_eq!(queued.status, 303, "{}", queued.text());
    // The request is counted before the redirect: once nothing is pending, a sync that
    // started after it (so after the push) has finished.
    let served = eventually(PROPAGATION * 10, || {
        server.cli_json(&["repo", "show", id])["sync_pending"] == false
    });
    assert!(served, "the back office's Sync now ran no sync");
    assert!(has_new_tag(), "the sync after Sync now missed the new tag");
}

#[test]
fn two_fresh_data_dirs_build_identical_archives_on_sqlite_and_postgres() {
    let mut up = Upstream::new("twins");
    for i in 0..5 {
        up.library("acme/twins", &format!("twin {i}"));
        up.tag(&format!("1.{i}.0"));
    }
    up.push();
    let mut seen = Vec::new();
    for backend in [Backend::Sqlite, Backend::Postgres, Backend::Sqlite] {
        let server = Server::start(backend);
        let (id, _) = add_repo(&server, &up.git_url());
        server.cli(&["repo", "sync", &id]);
        let key = public_customer(&server, "twin@shop.example");
        server.wait_visible(&key.0, &key.1, "acme/twins");
        let mut sums = shasums(&server, &key, "acme/twins", false);
        sums.extend(shasums(&server, &key, "acme/twins", true));
        assert_eq!(sums.len(), 6, "{backend:?}: {sums:?}");
        seen.push(sums);
    }
    assert!(
        seen.windows(2).all(|w| w[0] == w[1]),
        "same commits, same sha1s: {seen:?}"
    );
}
