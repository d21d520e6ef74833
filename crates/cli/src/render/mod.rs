//! How the unified commands' answers read for people: one function per answer type, used
//! in local and remote mode alike, so both print the same tables. `--json` prints the
//! answer itself ([`print`]).

mod repos;

pub use repos::{package, package_list, repo, repo_added, repo_line, repo_removed};

use chrono::DateTime;
use packyard_api::accounts::{AccountDetail, AccountList, CreatedKeyView, KeyList, KeyView};
use packyard_api::catalog::{EntitlementList, InvoiceList, LicenceView, ProductList};
use packyard_api::explain::ExplanationView;
use packyard_api::files::{ReleaseAdded, ReleaseList};
use packyard_api::marks::{AdvisoryList, AdvisoryView, NoticeList, RecallList};
use packyard_api::operators::{OperatorList, TokenList};
use packyard_api::upstreams::{UpstreamList, UpstreamView};
use packyard_api::users::UserList;
use packyard_store::timestamps::rfc3339_text;
use serde::Serialize;

/// Prints `answer` as one JSON document with `--json`, else `human`.
pub fn print<T: Serialize>(json: bool, answer: &T, human: impl AsRef<str>) -> anyhow::Result<()> {
    if json {
        println!("{}", serde_json::to_string(answer)?);
    } else {
        println!("{}", human.as_ref());
    }
    Ok(())
}

/// Unix seconds as `YYYY-MM-DD HH:MM` (UTC).
fn minute(unix: i64) -> String {
    let time = DateTime::from_timestamp(unix, 0).unwrap_or_default();
    time.format("%Y-%m-%d %H:%M").to_string()
}

pub fn accounts(list: &AccountList) -> String {
    lines(&list.accounts, |r| {
        let a = &r.account;
        format!("{}  {:<7} {}  {}", a.public_id, r.standing, a.email, a.name)
    })
}

fn licence_scope(l: &LicenceView) -> String {
    l.updates_until
        .clone()
        .unwrap_or_else(|| "unlimited updates".into())
}

pub fn account(d: &AccountDetail) -> String {
    let a = &d.account.account;
    let licence_lines = lines(&d.licences, |l| {
        format!("  {} ({})", l.product, licence_scope(l))
    });
    let unpaid = d.invoices.iter().filter(|i| i.is_open()).count();
    format!(
        "{}\nname: {}\nemail: {}\nstatus: {}\ncreated: {}\nkeys: {}\nlicences: {}{}{}\ninvoices: {} ({unpaid} unpaid)",
        a.public_id,
        a.name,
        a.email,
        d.account.standing,
        minute(a.created_at),
        d.keys.len(),
        d.licences.len(),
        if licence_lines.is_empty() { "" } else { "\n" },
        licence_lines,
        d.invoices.len(),
    )
}

fn key_state(k: &KeyView) -> &'static str {
    if k.enabled { "enabled" } else { "disabled" }
}

pub fn keys(list: &KeyList) -> String {
    lines(&list.keys, |k| {
        let used = k
            .last_used_at
            .map(minute)
            .unwrap_or_else(|| "never used".into());
        let by = k.created_by.as_deref().unwrap_or("-");
        let scope = if k.products.is_empty() {
            String::new()
        } else {
            format!("  products: {}", k.products.join(","))
        };
        format!(
            "{}  {:<8}  {}  {used}  created by {by}{scope}",
            k.public_key,
            key_state(k),
            k.name
        )
    })
}

/// A user's personal keys: key, state and name.
pub fn personal_keys(list: &KeyList) -> String {
    lines(&list.keys, |k| {
        format!("{}  {:<8}  {}", k.public_key, key_state(k), k.name)
    })
}

/// A new pair: the only time the private key is shown.
pub fn created_key(key: &CreatedKeyView) -> String {
    format!(
        "public key:  {}\nprivate key: {}\n(the private key is shown only now; store it safely)",
        key.public_key, key.private_key
    )
}

pub fn products(list: &ProductList) -> String {
    lines(&list.products, |p| {
        let public = if p.public { "  (public)" } else { "" };
        format!("{}  {}  {}{public}", p.slug, p.name, p.patterns.join(","))
    })
}

pub fn entitlements(list: &EntitlementList) -> String {
    lines(&list.entitlements, |l| {
        let versions = l
            .versions
            .as_deref()
            .map(|v| format!("  versions {v}"))
            .unwrap_or_default();
        let scope = licence_scope(l);
        format!("{}  {}  {scope}{versions}", l.account, l.product)
    })
}

pub fn invoices(list: &InvoiceList) -> String {
    lines(&list.invoices, |row| {
        let i = &row.invoice;
        let state = match (i.is_void(), i.is_paid()) {
            (true, _) => "void",
            (false, true) => "paid",
            (false, false) => "unpaid",
        };
        format!(
            "{}  {}  {} {}  due {}  {state}",
            i.number,
            row.account,
            i.amount(),
            i.currency,
            i.due_date
        )
    })
}

pub fn users(list: &UserList) -> String {
    lines(&list.users, |u| {
        let pending = if u.password_set {
            ""
        } else {
            "  (password not set yet)"
        };
        format!("{}  {}{pending}", u.email, u.role.as_str())
    })
}

/// The explanation: the verdict, then the steps and versions.
pub fn explanation(e: &ExplanationView) -> String {
    let mut lines = vec![e.verdict.clone()];
    lines.extend(e.steps.iter().map(|s| format!("  - {s}")));
    if !e.visible_versions.is_empty() {
        lines.push(format!("  visible: {}", e.visible_versions.join(", ")));
    }
    if let Some(h) = &e.first_hidden {
        lines.push(format!("  first hidden: {} ({})", h.version, h.why));
    }
    lines.join("\n")
}

pub fn releases(list: &ReleaseList) -> String {
    lines(&list.releases, |r| {
        format!(
            "{}  {}  {}  {} bytes",
            r.kind, r.version, r.file_name, r.size
        )
    })
}

/// What `release add` did, for the product it was added for.
pub fn release_added(added: &ReleaseAdded, product: &str) -> String {
    let r = &added.release;
    let verb = match added.outcome.as_str() {
        "added" => "added",
        _ => "unchanged (already added with the same bytes)",
    };
    format!(
        "{} {verb}: {} {} for {product}, {} bytes, sha256 {}",
        r.file_name, r.kind, r.version, r.size, r.sha256
    )
}

/// One line per item of a listing.
fn lines<T>(items: &[T], line: impl Fn(&T) -> String) -> String {
    items.iter().map(line).collect::<Vec<_>>().join("\n")
}

pub fn operators(list: &OperatorList) -> String {
    lines(&list.operators, |o| {
        let state = if o.disabled { "disabled" } else { "enabled" };
        format!("{}  {state}", o.email)
    })
}

pub fn tokens(list: &TokenList) -> String {
    lines(&list.tokens, |t| {
        let state = t.revoked_at.map_or_else(
            || "active".to_string(),
            |at| format!("revoked {}", rfc3339_text(at)),
        );
        format!(
            "{:>4}  {}  {}  {}  created {}  {state}",
            t.id,
            t.scope.as_str(),
            t.email,
            t.name,
            rfc3339_text(t.created_at)
        )
    })
}

pub fn advisory(a: &AdvisoryView) -> String {
    let cve = a
        .cve
        .as_deref()
        .map(|c| format!("  {c}"))
        .unwrap_or_default();
    let withdrawn = if a.withdrawn_at.is_some() {
        "  (withdrawn)"
    } else {
        ""
    };
    format!(
        "{}  {}  {}  {}{cve}{withdrawn}",
        a.advisory_id, a.package_name, a.affected_versions, a.title
    )
}

pub fn advisories(list: &AdvisoryList) -> String {
    lines(&list.advisories, advisory)
}

pub fn recalls(list: &RecallList) -> String {
    lines(&list.recalls, |r| {
        format!("{} {}  {}", r.name, r.version, r.reason)
    })
}

pub fn notices(list: &NoticeList) -> String {
    lines(&list.notices, |n| {
        format!("{}  {}  (Composer {})", n.kind, n.message, n.versions)
    })
}

pub fn upstream(v: &UpstreamView) -> String {
    let packages = if v.packages.is_empty() {
        "*".to_string()
    } else {
        v.packages.join(",")
    };
    let error = v
        .last_error
        .as_deref()
        .map(|e| format!("  last error: {e}"))
        .unwrap_or_default();
    format!(
        "{}  {}  priority {}  {packages}  packages mirrored: {}{error}",
        v.name, v.url, v.priority, v.packages_mirrored
    )
}

pub fn upstreams(list: &UpstreamList) -> String {
    lines(&list.upstreams, upstream)
}

/// What `upstream sync NAME` fetched, and each error.
pub fn upstream_synced(name: &str, report: &packyard_api::upstreams::SyncReport) -> String {
    let errors: String = report
        .errors
        .iter()
        .map(|e| format!("\nerror: {e}"))
        .collect();
    format!(
        "{name}: {} metadata file(s), {} archive(s) fetched{errors}",
        report.metadata, report.dists
    )
}
