//! The customer's Licences page: per product, its packages, and for each package the newest
//! version the licence allows against the newest released ("2.4.7 of 2.4.9 — renew to get
//! 2.4.8 and 2.4.9"). Computed from the snapshot with [`rules::reach`] and the snapshot's
//! licence lookup, the very rules the Composer metadata applies, so the page never promises
//! a version Composer would not offer.

use askama::Template;
use askama_web::WebTemplate;

use super::error::PortalResult;
use super::posted::Viewed;
use super::session::CustomerSession;
use super::views::Layout;
use packyard_core::access::Seat;
use packyard_core::account_marks::{AffectingAdvisory, AffectingRecall, affecting};
use packyard_core::rules;
use packyard_core::snapshot::Snapshot;

/// How many versions a "renew to get …" line names before "and N more".
const MISSING_SHOWN: usize = 3;

pub struct PackageReach {
    pub name: String,
    /// "2.4.7 of 2.4.9", "2.4.9 (the newest)", "none of 2.4.9", "no releases yet".
    pub versions: String,
    /// "renew to get 2.4.8 and 2.4.9", empty when nothing is missing.
    pub renew: String,
}

pub struct LicenceRow {
    pub product: String,
    pub slug: String,
    pub public: bool,
    pub updates: String,
    pub updates_ended: bool,
    pub packages: Vec<PackageReach>,
}

#[derive(Template, WebTemplate)]
#[template(path = "licences.html")]
pub struct LicencesPage {
    l: Layout,
    licences: Vec<LicenceRow>,
    /// Advisories and recalls touching versions this account may install.
    advisories: Vec<AffectingAdvisory>,
    recalls: Vec<AffectingRecall>,
}

/// "2.4.8 and 2.4.9", "2.4.8, 2.4.9, 2.5.0 and 4 more".
fn list_versions(versions: &[&str]) -> String {
    let shown = &versions[..versions.len().min(MISSING_SHOWN)];
    let rest = versions.len() - shown.len();
    match (shown, rest) {
        ([one], 0) => (*one).to_string(),
        (_, 0) => format!(
            "{} and {}",
            shown[..shown.len() - 1].join(", "),
            shown[shown.len() - 1]
        ),
        _ => format!("{} and {rest} more", shown.join(", ")),
    }
}

fn package_reach(snapshot: &Snapshot, seat: &Seat, name: &str) -> Option<PackageReach> {
    let package = snapshot.packages.get(name)?;
    let licence = snapshot.seat_licence(seat, package)?;
    let releases = package
        .versions
        .iter()
        .filter(|v| !v.dev)
        .map(|v| (v.version(), v.version_normalized(), v.released_on));
    let reach = rules::reach(&licence, releases);
    let versions = match (reach.newest_allowed, reach.newest) {
        (_, None) => "no releases yet".to_string(),
        (Some(a), Some(n)) if a == n => format!("{n} (the newest)"),
        (Some(a), Some(n)) => format!("{a} of {n}"),
        (None, Some(n)) => format!("none of the releases up to {n}"),
    };
    let renew = if reach.missing.is_empty() {
        String::new()
    } else {
        format!("renew to get {}", list_versions(&reach.missing))
    };
    Some(PackageReach {
        name: name.to_string(),
        versions,
        renew,
    })
}

pub async fn licences(
    Viewed(state, session): Viewed<CustomerSession>,
) -> PortalResult<LicencesPage> {
    let products = state.db.products().await?;
    let snapshot = state.snapshot();
    let today = state.config.clock.today();
    let mut licences = Vec::new();
    let mut advisories = Vec::new();
    let mut recalls = Vec::new();
    if let Some(account) = snapshot.accounts.get_arc(&session.account.id) {
        (advisories, recalls) = affecting(&snapshot, account);
        let seat = Seat {
            account: account.clone(),
            scope: None,
        };
        let mut names: Vec<&String> = snapshot.packages.keys().collect();
        names.sort();
        for index in snapshot.visible_products(std::slice::from_ref(&seat)) {
            let entry = &snapshot.products[index];
            let Some(licence) = snapshot.product_licence(account, index) else {
                continue;
            };
            let product = products.iter().find(|p| p.slug == entry.slug);
            let until = licence.updates_until();
            licences.push(LicenceRow {
                product: product.map_or_else(|| entry.slug.clone(), |p| p.name.clone()),
                slug: entry.slug.clone(),
                public: entry.public,
                updates: licence.in_words(),
                updates_ended: until.is_some_and(|d| d < today),
                packages: names
                    .iter()
                    .filter(|n| rules::product_covers(&entry.patterns, n))
                    .filter_map(|n| package_reach(&snapshot, &seat, n))
                    .collect(),
            });
        }
    }
    Ok(LicencesPage {
        l: Layout::customer(&session, "Licences", "licences"),
        licences,
        advisories,
        recalls,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_versions_read_as_a_sentence() {
        assert_eq!(list_versions(&["2.4.8"]), "2.4.8");
        assert_eq!(list_versions(&["2.4.8", "2.4.9"]), "2.4.8 and 2.4.9");
        assert_eq!(list_versions(&["1", "2", "3"]), "1, 2 and 3");
        assert_eq!(
            list_versions(&["1", "2", "3", "4", "5"]),
            "1, 2, 3 and 2 more"
        );
    }
}
