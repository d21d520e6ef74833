//! Git repositories and a package's versions as people read them, in both modes.

use packyard_api::files::PackageView;
use packyard_api::repos::RepoView;
use packyard_store::timestamps::rfc3339_text;
use serde::Serialize;

/// When the repository last synced, and how that went.
fn last_sync(r: &RepoView) -> String {
    match (&r.last_sync_at, &r.last_sync_error) {
        (None, _) => "never".into(),
        (Some(at), Some(err)) => format!("{at} FAILED: {err}"),
        (Some(at), None) => format!("{at} {}", r.last_sync),
    }
}

/// What `repo add` says: the id, the webhook URL (and a generated secret, once), what next.
pub fn repo_added(r: &RepoView) -> String {
    let mut human = format!("{}\nwebhook URL: {}", r.id, r.webhook_url);
    if let Some(Some(secret)) = &r.secret {
        human.push_str(&format!("\nwebhook secret (shown once): {secret}"));
    }
    human.push_str(&format!(
        "\nrun `packyard repo sync {}` to import it now",
        r.id
    ));
    human
}

/// What `repo remove` says.
pub fn repo_removed(id: i64) -> String {
    format!("repository {id} removed; the versions it published stay")
}

/// One line of `repo list`.
pub fn repo_line(r: &RepoView) -> String {
    format!(
        "{}  {}  {}  last sync: {}",
        r.id,
        r.name,
        r.url,
        last_sync(r)
    )
}

/// `repo show`: the repository, then its versions, skipped refs and conflicts.
pub fn repo(r: &RepoView) -> String {
    let mut out = vec![
        format!("{}  {}", r.id, r.name),
        format!("url: {}", r.url),
        format!("webhook URL: {}", r.webhook_url),
        format!("last sync: {}", last_sync(r)),
    ];
    let versions: Vec<(String, String)> = r
        .versions
        .iter()
        .flatten()
        .map(|v| (v.ref_name.clone(), v.version.clone().unwrap_or_default()))
        .collect();
    let why = |refs: &Option<Vec<packyard_api::repos::RepoRef>>| -> Vec<(String, String)> {
        refs.iter()
            .flatten()
            .map(|i| (i.ref_name.clone(), i.reason.clone().unwrap_or_default()))
            .collect()
    };
    for (title, items) in [
        ("versions", versions),
        ("skipped", why(&r.skipped)),
        ("conflicts", why(&r.conflicts)),
    ] {
        out.push(format!("{title}: {}", items.len()));
        out.extend(items.iter().map(|(name, what)| format!("  {name}  {what}")));
    }
    out.join("\n")
}

/// `package show`: the name, then each version with its dates, publisher and installs.
pub fn package(p: &PackageView) -> String {
    let mut out = vec![p.name.clone()];
    for v in &p.versions {
        let r = &v.row;
        let released = rfc3339_text(r.released_at);
        out.push(format!(
            "  {}  released {}  published {} by {}  {} install(s){}",
            r.version,
            released.get(..10).unwrap_or(&released),
            rfc3339_text(r.created_at),
            r.published_by.as_deref().unwrap_or("unknown"),
            v.installs.unwrap_or(0),
            if r.unlisted_at.is_some() {
                "  unlisted"
            } else {
                ""
            }
        ));
    }
    out.join("\n")
}

/// One row of `package list --json`.
#[derive(Serialize)]
pub struct PackageSummary {
    pub name: String,
    /// Every version, unlisted ones included.
    pub versions: usize,
    /// The newest listed version.
    pub latest: Option<String>,
    pub installs: i64,
}

/// `package list`: its rows, and its lines for people (listed versions, the newest listed
/// one, installs).
pub fn package_list(packages: &[PackageView]) -> (Vec<PackageSummary>, String) {
    let mut lines = Vec::new();
    let rows = packages.iter().map(|p| {
        let listed = p.versions.iter().filter(|v| v.row.unlisted_at.is_none());
        let latest = listed.clone().next_back().map(|v| v.row.version.clone());
        let installs = p.versions.iter().map(|v| v.installs.unwrap_or(0)).sum();
        lines.push(format!(
            "{}  {} version(s)  latest {}  {installs} install(s)",
            p.name,
            listed.count(),
            latest.as_deref().unwrap_or("none listed")
        ));
        PackageSummary {
            name: p.name.clone(),
            versions: p.versions.len(),
            latest,
            installs,
        }
    });
    let rows = rows.collect();
    (rows, lines.join("\n"))
}
