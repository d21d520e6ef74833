//! What of the operator's marks touches one account: the advisories affecting versions its
//! licences let it install, and the recalled versions they cover (the customer's Licences
//! page).

use crate::marks::{AdvisoryEntry, RecalledVersion};
use crate::rules;
use crate::snapshot::{AccountEntry, Snapshot};

/// An advisory as the customer's Licences page shows it: with the installable versions it
/// affects.
pub struct AffectingAdvisory {
    pub package: String,
    pub advisory: AdvisoryEntry,
    pub versions: Vec<String>,
}

/// A recalled version the account's licence covers.
pub struct AffectingRecall {
    pub package: String,
    pub recall: RecalledVersion,
}

/// The advisories and recalls that touch versions `account` may install, by package name.
pub fn affecting(
    snapshot: &Snapshot,
    account: &AccountEntry,
) -> (Vec<AffectingAdvisory>, Vec<AffectingRecall>) {
    let (mut advisories, mut recalls) = (Vec::new(), Vec::new());
    let marked = snapshot
        .packages
        .iter()
        .filter(|(_, p)| !p.marks.advisories.is_empty() || !p.marks.recalled.is_empty());
    for (name, package) in marked {
        let licence = rules::combined(
            package
                .products
                .iter()
                .map(|&idx| snapshot.product_licence(account, idx)),
        );
        let Some(licence) = licence else {
            continue;
        };
        for a in &package.marks.advisories {
            let versions: Vec<String> = package
                .versions
                .iter()
                .filter(|v| {
                    licence
                        .admits(v.released_on, v.version_normalized())
                        .is_ok()
                })
                .filter(|v| {
                    a.affected
                        .as_ref()
                        .is_some_and(|c| c.matches(v.version_normalized()))
                })
                .map(|v| v.version().to_string())
                .collect();
            if !versions.is_empty() {
                advisories.push(AffectingAdvisory {
                    package: name.clone(),
                    advisory: a.clone(),
                    versions,
                });
            }
        }
        for r in package
            .marks
            .recalled
            .iter()
            .filter(|r| licence.admits(r.released_on, &r.version_normalized).is_ok())
        {
            recalls.push(AffectingRecall {
                package: name.clone(),
                recall: r.clone(),
            });
        }
    }
    advisories.sort_by(|a, b| {
        (&a.package, &a.advisory.advisory_id).cmp(&(&b.package, &b.advisory.advisory_id))
    });
    recalls.sort_by(|a, b| (&a.package, &a.recall.version).cmp(&(&b.package, &b.recall.version)));
    (advisories, recalls)
}
