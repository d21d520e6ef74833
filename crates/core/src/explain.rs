//! `explain` (SPEC §13): why an account or an access key can or cannot install a package,
//! step by step — key state and scope, each account's standing (hold and its invoice),
//! the grants that cover the package and their limits, the versions visible and the first
//! hidden one with its reason.
//!
//! It walks the same snapshot and calls the same rules as the Composer routes
//! ([`crate::access`], [`crate::rules`]), in the same order as authentication, so its
//! verdict is what Composer gets: a disabled key is a 401, a held or closed account key a
//! 403, a package no seat licenses a 404, and a hidden version is missing from the p2 file.
//! The CLI, the admin API and the operator's account page all render this one value.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::access::Seat;
use crate::rules::{Refusal, Standing};
use crate::snapshot::{KeyOwner, PackageEntry, Snapshot};

/// Who is asking.
pub enum Asker<'a> {
    Account(&'a str),
    Key(&'a str),
}

/// The deciding reason, as a stable word (JSON `reason`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    Installable,
    UnknownKey,
    UnknownAccount,
    KeyDisabled,
    AccountClosed,
    OnHold,
    UnknownPackage,
    UnknownVersion,
    NotEntitled,
    OutsideKeyScope,
    CutOffByDate,
    CutOffByConstraint,
}

/// The oldest release the asker does not see, and why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema), schema(as = HiddenVersion))]
pub struct Hidden {
    pub version: String,
    pub why: String,
}

/// Why an account or key can or cannot install a package, step by step.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema), schema(as = ExplanationView))]
pub struct Explanation {
    pub package: String,
    pub version: Option<String>,
    pub can_install: bool,
    /// The deciding reason as a stable word: installable, unknown_key, unknown_account,
    /// key_disabled, account_closed, on_hold, unknown_package, unknown_version,
    /// not_entitled, outside_key_scope, cut_off_by_date or cut_off_by_constraint.
    pub reason: Reason,
    /// One sentence naming the reason.
    pub verdict: String,
    /// What was checked, in order.
    pub steps: Vec<String>,
    /// Versions the asker sees (stable and branches), newest release first.
    pub visible_versions: Vec<String>,
    /// The oldest release the asker does not see, and why.
    pub first_hidden: Option<Hidden>,
}

/// The rules' context: today's date and the billing grace period.
#[derive(Clone, Copy)]
pub struct Today {
    pub date: NaiveDate,
    pub grace_days: i64,
}

struct Walk {
    steps: Vec<String>,
    package: String,
    version: Option<String>,
}

impl Walk {
    fn stop(self, reason: Reason, verdict: String) -> Explanation {
        Explanation {
            package: self.package,
            version: self.version,
            can_install: reason == Reason::Installable,
            reason,
            verdict,
            steps: self.steps,
            visible_versions: Vec::new(),
            first_hidden: None,
        }
    }
}

/// Explains `target` (`vendor/name` or `vendor/name:version`) for `asker`.
pub fn explain(snapshot: &Snapshot, asker: Asker<'_>, target: &str, today: Today) -> Explanation {
    let (package, version) = match target.split_once(':') {
        Some((p, v)) => (p.trim().to_ascii_lowercase(), Some(v.trim().to_string())),
        None => (target.trim().to_ascii_lowercase(), None),
    };
    let mut walk = Walk {
        steps: Vec::new(),
        package,
        version,
    };
    let (seats, personal) = match asker {
        Asker::Key(public_key) => {
            let Some(key) = snapshot.keys.get(public_key.trim()) else {
                let verdict = format!("no access key {public_key} exists (Composer gets 401)");
                return walk.stop(Reason::UnknownKey, verdict);
            };
            let seats = snapshot.seats(key);
            let owner = match key.owner {
                KeyOwner::Account(_) => seats.first().map_or(String::new(), |s| {
                    format!("of account {}", s.account.public_id)
                }),
                KeyOwner::User(_) => format!("personal key over {} account(s)", seats.len()),
            };
            let scope = key
                .scope
                .as_ref()
                .map_or("all the account's products".into(), |s| {
                    let slugs: Vec<&str> = s
                        .iter()
                        .map(|&i| snapshot.products[i].slug.as_str())
                        .collect();
                    format!("limited to {}", slugs.join(", "))
                });
            let state = if key.enabled { "enabled" } else { "disabled" };
            walk.steps
                .push(format!("key {public_key}: {state}, {owner}, {scope}"));
            if !key.enabled {
                let verdict = format!("access key {public_key} is disabled (Composer gets 401)");
                return walk.stop(Reason::KeyDisabled, verdict);
            }
            (seats, matches!(key.owner, KeyOwner::User(_)))
        }
        Asker::Account(public_id) => {
            let id = snapshot
                .account_ids
                .get(&public_id.trim().to_ascii_uppercase())
                .copied();
            let Some(account) = id.and_then(|id| snapshot.accounts.get_arc(&id).cloned()) else {
                return walk.stop(Reason::UnknownAccount, format!("no account {public_id}"));
            };
            (
                vec![Seat {
                    account,
                    scope: None,
                }],
                false,
            )
        }
    };
    let (open, blocked) = standings(&mut walk, &seats, today);
    if !personal && let Some((reason, verdict)) = blocked.first() {
        return walk.stop(*reason, format!("{verdict} (Composer gets 403)"));
    }
    if personal && open.is_empty() {
        let verdict = blocked
            .first()
            .map_or("the key's user belongs to no account".into(), |b| {
                b.1.clone()
            });
        let reason = blocked.first().map_or(Reason::NotEntitled, |b| b.0);
        return walk.stop(reason, format!("{verdict} (Composer gets 403)"));
    }
    let Some(entry) = snapshot.packages.get(walk.package.as_str()) else {
        let verdict = format!("no package {} exists (Composer gets 404)", walk.package);
        return walk.stop(Reason::UnknownPackage, verdict);
    };
    grants(&mut walk, snapshot, &seats, entry);
    let Some(licence) = snapshot.licence(&open, entry) else {
        let (reason, verdict) = unlicensed(snapshot, &seats, &open, entry);
        return walk.stop(reason, format!("{verdict} (Composer gets 404)"));
    };
    walk.steps
        .push(format!("combined licence: {}", licence.in_words()));
    versions(walk, entry, |v| {
        licence.admits(v.released_on, v.version_normalized())
    })
}

/// Each seat's standing: the open ones, and the refusals of the others.
fn standings(walk: &mut Walk, seats: &[Seat], today: Today) -> (Vec<Seat>, Vec<(Reason, String)>) {
    let mut open = Vec::new();
    let mut blocked = Vec::new();
    for seat in seats {
        let id = &seat.account.public_id;
        match seat.standing(today.date, today.grace_days) {
            Standing::Open => {
                walk.steps
                    .push(format!("account {id}: active, no overdue invoice"));
                open.push(seat.clone());
            }
            Standing::Closed => {
                walk.steps.push(format!("account {id}: closed"));
                blocked.push((Reason::AccountClosed, format!("account {id} is closed")));
            }
            Standing::OnHold(invoice) => {
                let why = format!(
                    "account {id} is on hold: invoice {} overdue since {}",
                    invoice.number, invoice.due
                );
                walk.steps.push(why.clone());
                blocked.push((Reason::OnHold, why));
            }
        }
    }
    (open, blocked)
}

/// One step per product covering the package, per seat: licensed how, or why not.
fn grants(walk: &mut Walk, snapshot: &Snapshot, seats: &[Seat], entry: &PackageEntry) {
    if entry.products.is_empty() {
        walk.steps
            .push(format!("{} is in no product", walk.package));
    }
    for seat in seats {
        for &idx in &entry.products {
            let product = &snapshot.products[idx];
            let id = &seat.account.public_id;
            let licence = snapshot.product_licence(&seat.account, idx);
            let what = match (&licence, product.public) {
                (Some(_), true) => "public product".to_string(),
                (Some(l), false) => format!("granted: {}", l.in_words()),
                (None, _) => "no grant".to_string(),
            };
            let scoped_out = seat
                .scope
                .as_ref()
                .is_some_and(|s| s.binary_search(&idx).is_err());
            let scope = if scoped_out {
                "; outside the key's products"
            } else {
                ""
            };
            walk.steps
                .push(format!("{id} × product {}: {what}{scope}", product.slug));
        }
    }
}

/// Why no open seat licenses the package: the key's scope, an account that would but is
/// held or closed (personal keys), or no grant at all.
fn unlicensed(
    snapshot: &Snapshot,
    seats: &[Seat],
    open: &[Seat],
    entry: &PackageEntry,
) -> (Reason, String) {
    let unscoped = |s: &Seat| Seat {
        account: s.account.clone(),
        scope: None,
    };
    if let Some(seat) = open
        .iter()
        .find(|s| snapshot.seat_licence(&unscoped(s), entry).is_some())
    {
        return (
            Reason::OutsideKeyScope,
            format!(
                "the key is limited to other products of account {}",
                seat.account.public_id
            ),
        );
    }
    let closed_or_held = seats.iter().find(|s| {
        !open.iter().any(|o| o.account.id == s.account.id)
            && snapshot.seat_licence(s, entry).is_some()
    });
    if let Some(seat) = closed_or_held {
        let reason = if seat.account.closed {
            Reason::AccountClosed
        } else {
            Reason::OnHold
        };
        return (
            reason,
            format!(
                "only account {} licenses it, and it is {}",
                seat.account.public_id,
                if seat.account.closed {
                    "closed"
                } else {
                    "on hold"
                }
            ),
        );
    }
    let ids: Vec<&str> = seats.iter().map(|s| s.account.public_id.as_str()).collect();
    (
        Reason::NotEntitled,
        format!(
            "{} has no licence for a product containing it",
            ids.join(", ")
        ),
    )
}

/// Visible versions, the first hidden one, and the verdict for the asked version (or any).
fn versions(
    mut walk: Walk,
    entry: &PackageEntry,
    admits: impl Fn(&crate::snapshot::VersionEntry) -> Result<(), Refusal>,
) -> Explanation {
    let why = |r: Refusal| match r {
        Refusal::TooNew { until } => (
            Reason::CutOffByDate,
            format!("released after the licence's updates end ({until})"),
        ),
        Refusal::OutsideVersions { versions } => (
            Reason::CutOffByConstraint,
            format!("outside the licensed versions {versions}"),
        ),
        Refusal::NotLicensed => (Reason::NotEntitled, "not licensed".into()),
    };
    let mut visible: Vec<&crate::snapshot::VersionEntry> = entry
        .versions
        .iter()
        .filter(|v| admits(v).is_ok())
        .collect();
    visible.sort_by_key(|v| std::cmp::Reverse(v.released_at));
    let first_hidden = entry
        .versions
        .iter()
        .find_map(|v| admits(v).err().map(|r| (v, why(r))));
    let asked = walk.version.as_deref().map(|wanted| {
        let normalized = packyard_composer::version::normalize(wanted).ok();
        entry.versions.iter().find(|v| {
            v.version() == wanted || normalized.as_deref() == Some(v.version_normalized())
        })
    });
    let (reason, verdict) = match asked {
        Some(None) => (
            Reason::UnknownVersion,
            format!(
                "{} has no version {}",
                walk.package,
                walk.version.as_deref().unwrap_or("")
            ),
        ),
        Some(Some(v)) => match admits(v) {
            Ok(()) => (
                Reason::Installable,
                format!("{} {} is installable", walk.package, v.version()),
            ),
            Err(r) => {
                let (reason, text) = why(r);
                (
                    reason,
                    format!("{} {} is hidden: {text}", walk.package, v.version()),
                )
            }
        },
        None if !visible.is_empty() => (
            Reason::Installable,
            format!(
                "{} is installable ({} version(s) visible)",
                walk.package,
                visible.len()
            ),
        ),
        None => match &first_hidden {
            Some((_, (reason, text))) => (
                *reason,
                format!("every version of {} is hidden: {text}", walk.package),
            ),
            None => (
                Reason::UnknownVersion,
                format!("{} has no published versions", walk.package),
            ),
        },
    };
    walk.steps
        .push(format!("{} version(s) visible", visible.len()));
    let mut out = walk.stop(reason, verdict);
    out.visible_versions = visible.iter().map(|v| v.version().to_string()).collect();
    out.first_hidden = first_hidden.map(|(v, (_, why))| Hidden {
        version: v.version().to_string(),
        why,
    });
    out
}
