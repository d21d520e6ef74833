//! How the unified commands' answers read for people: one function per answer type, used
//! in local and remote mode alike, so both print the same tables. `--json` prints the
//! answer itself ([`print`]).

use chrono::DateTime;
use packyard_api::accounts::{AccountDetail, AccountList, CreatedKeyView, KeyList, KeyView};
use packyard_api::catalog::{EntitlementList, InvoiceList, LicenceView, ProductList};
use packyard_api::explain::ExplanationView;
use packyard_api::files::{ReleaseAdded, ReleaseList};
use packyard_api::users::UserList;
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

/// An RFC 3339 time as `YYYY-MM-DD HH:MM` (UTC).
fn minute(rfc3339: &str) -> String {
    DateTime::parse_from_rfc3339(rfc3339)
        .map(|d| d.to_utc().format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|_| rfc3339.to_string())
}

pub fn accounts(list: &AccountList) -> String {
    let lines: Vec<String> = list
        .accounts
        .iter()
        .map(|r| {
            let a = &r.account;
            format!("{}  {:<7} {}  {}", a.id, r.standing, a.email, a.name)
        })
        .collect();
    lines.join("\n")
}

fn licence_scope(l: &LicenceView) -> String {
    l.updates_until
        .clone()
        .unwrap_or_else(|| "unlimited updates".into())
}

pub fn account(d: &AccountDetail) -> String {
    let a = &d.account.account;
    let licence_lines: Vec<String> = d
        .licences
        .iter()
        .map(|l| format!("  {} ({})", l.product, licence_scope(l)))
        .collect();
    let unpaid = d
        .invoices
        .iter()
        .filter(|i| i.paid_at.is_none() && i.voided_at.is_none())
        .count();
    format!(
        "{}\nname: {}\nemail: {}\nstatus: {}\ncreated: {}\nkeys: {}\nlicences: {}{}{}\ninvoices: {} ({unpaid} unpaid)",
        a.id,
        a.name,
        a.email,
        d.account.standing,
        minute(&a.created_at),
        d.keys.len(),
        d.licences.len(),
        if licence_lines.is_empty() { "" } else { "\n" },
        licence_lines.join("\n"),
        d.invoices.len(),
    )
}

fn key_state(k: &KeyView) -> &'static str {
    if k.enabled { "enabled" } else { "disabled" }
}

pub fn keys(list: &KeyList) -> String {
    let lines: Vec<String> = list
        .keys
        .iter()
        .map(|k| {
            let used = k
                .last_used_at
                .as_deref()
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
        .collect();
    lines.join("\n")
}

/// A user's personal keys: key, state and name.
pub fn personal_keys(list: &KeyList) -> String {
    let lines: Vec<String> = list
        .keys
        .iter()
        .map(|k| format!("{}  {:<8}  {}", k.public_key, key_state(k), k.name))
        .collect();
    lines.join("\n")
}

/// A new pair: the only time the private key is shown.
pub fn created_key(key: &CreatedKeyView) -> String {
    format!(
        "public key:  {}\nprivate key: {}\n(the private key is shown only now; store it safely)",
        key.public_key, key.private_key
    )
}

pub fn products(list: &ProductList) -> String {
    let lines: Vec<String> = list
        .products
        .iter()
        .map(|p| {
            let public = if p.public { "  (public)" } else { "" };
            format!("{}  {}  {}{public}", p.slug, p.name, p.patterns.join(","))
        })
        .collect();
    lines.join("\n")
}

pub fn entitlements(list: &EntitlementList) -> String {
    let lines: Vec<String> = list
        .entitlements
        .iter()
        .map(|l| {
            let versions = l
                .versions
                .as_deref()
                .map(|v| format!("  versions {v}"))
                .unwrap_or_default();
            format!("{}  {}  {}{versions}", l.account, l.product, licence_scope(l))
        })
        .collect();
    lines.join("\n")
}

pub fn invoices(list: &InvoiceList) -> String {
    let lines: Vec<String> = list
        .invoices
        .iter()
        .map(|row| {
            let i = &row.invoice;
            let state = match (i.voided_at.is_some(), i.paid_at.is_some()) {
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
        .collect();
    lines.join("\n")
}

pub fn users(list: &UserList) -> String {
    let lines: Vec<String> = list
        .users
        .iter()
        .map(|u| {
            let pending = if u.password_set {
                ""
            } else {
                "  (password not set yet)"
            };
            format!("{}  {}{pending}", u.email, u.role)
        })
        .collect();
    lines.join("\n")
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
    let lines: Vec<String> = list
        .releases
        .iter()
        .map(|r| format!("{}  {}  {}  {} bytes", r.kind, r.version, r.file_name, r.size))
        .collect();
    lines.join("\n")
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
