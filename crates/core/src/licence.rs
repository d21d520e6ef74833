//! The licence rule (part of [`crate::rules`], which re-exports it): what a grant lets an
//! account install, and how grants combine.
//!
//! - A grant has [`Terms`]: releases made on or before `until`, and/or versions matching a
//!   Composer constraint (`versions`, matched exactly as Composer does,
//!   [`packyard_composer::constraint`]). No terms = everything.
//! - Several grants covering one package (several products, or several accounts behind a
//!   personal key) combine as a union: a version is installable when some grant admits it
//!   ([`Licence::union`]).
//! - A [`Licence`] is a value (hashable): the p2 bodies are cached per licence, so every
//!   key with the same combined terms shares one rendered body.

use std::borrow::Cow;
use std::sync::{Arc, LazyLock};

use chrono::NaiveDate;
use packyard_composer::constraint::VersionConstraint;
use packyard_store::entitlements::Entitlement;

/// The limits of one grant.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Terms {
    /// Releases made on or before this date.
    pub until: Option<NaiveDate>,
    /// Versions matching this constraint.
    pub versions: Option<Arc<VersionConstraint>>,
}

impl Terms {
    pub fn unlimited() -> Terms {
        Terms::default()
    }

    pub fn until(date: NaiveDate) -> Terms {
        Terms {
            until: Some(date),
            versions: None,
        }
    }

    /// A stored grant's terms. A constraint that no longer parses is an error (the caller
    /// ignores the grant: hiding is safer than showing everything).
    pub fn of_grant(grant: &Entitlement) -> Result<Terms, String> {
        let versions = grant.versions_constraint().transpose()?.map(Arc::new);
        Ok(Terms {
            until: grant.updates_until_date(),
            versions,
        })
    }

    fn sort_key(&self) -> (Option<&str>, Option<NaiveDate>) {
        (
            self.versions.as_deref().map(VersionConstraint::as_str),
            self.until,
        )
    }

    /// The terms in words, as the Licences page shows them: "2.x releases until
    /// 2027-03-31", "releases up to 2025-01-31", "versions <3.0", "all releases".
    pub fn in_words(&self) -> String {
        let versions = self.versions.as_deref().map(constraint_in_words);
        match (versions, self.until) {
            (None, None) => "all releases".into(),
            (None, Some(d)) => format!("releases up to {d}"),
            (Some(v), None) => v,
            (Some(v), Some(d)) => format!("{v} until {d}"),
        }
    }
}

/// A constraint the way people say it: `^2.0`, `2.*`, `~2.0` and `>=2.0 <3.0` are "2.x
/// releases"; anything else is "versions CONSTRAINT".
fn constraint_in_words(c: &VersionConstraint) -> String {
    use packyard_composer::constraint::{Node, Op};
    if let Node::And(parts) = c.node()
        && let [Node::Version(Op::Ge, low), Node::Version(Op::Lt, high)] = parts.as_slice()
    {
        let major =
            |v: &str, suffix: &str| v.strip_suffix(suffix).and_then(|m| m.parse::<u64>().ok());
        if let (Some(lo), Some(hi)) = (major(low, ".0.0.0-dev"), major(high, ".0.0.0-dev"))
            && hi == lo + 1
        {
            return format!("{lo}.x releases");
        }
    }
    format!("versions {c}")
}

/// Why a version is not installable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// No licence for it at all.
    NotLicensed,
    /// A licence whose updates end before the release was published.
    TooNew { until: NaiveDate },
    /// A licence limited to versions this one does not match.
    OutsideVersions { versions: String },
}

/// What a view may install of one package or product: a union of terms. Never empty.
/// Cloning shares the terms: the snapshot builds each grant's licence once. The hot lane
/// borrows it ([`combined`]) rather than cloning it, since every worker answering the
/// same account would write its reference count.
#[derive(Clone, Debug, Eq)]
pub struct Licence(Arc<[Terms]>);

impl PartialEq for Licence {
    /// The same terms; a licence compared with a clone of itself (a cache key with the
    /// snapshot's own licence) is told so without reading them.
    fn eq(&self, other: &Licence) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || self.0 == other.0
    }
}

impl std::hash::Hash for Licence {
    /// By the terms, as equality compares them.
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.hash(state);
    }
}

impl Licence {
    pub fn new(terms: Terms) -> Licence {
        Licence(Arc::from([terms]))
    }

    /// The licence of public products: one shared value.
    pub fn unlimited() -> Licence {
        Licence::unlimited_ref().clone()
    }

    /// [`Licence::unlimited`] without taking a reference to it.
    pub fn unlimited_ref() -> &'static Licence {
        static UNLIMITED: LazyLock<Licence> = LazyLock::new(|| Licence::new(Terms::unlimited()));
        &UNLIMITED
    }

    pub fn terms(&self) -> &[Terms] {
        &self.0
    }

    pub fn is_unlimited(&self) -> bool {
        self.0.contains(&Terms::unlimited())
    }

    /// Both licences at once. Unlimited absorbs everything; for one constraint, the latest
    /// date wins (a later `until` admits all an earlier one does).
    pub fn union(&self, other: &Licence) -> Licence {
        if self.is_unlimited() || other == self {
            return self.clone();
        }
        if other.is_unlimited() {
            return other.clone();
        }
        let mut all: Vec<Terms> = self.0.iter().chain(other.0.iter()).cloned().collect();
        all.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        let mut kept: Vec<Terms> = Vec::with_capacity(all.len());
        for terms in all {
            match kept.last_mut() {
                Some(last) if last.versions == terms.versions => {
                    last.until = match (last.until, terms.until) {
                        (Some(a), Some(b)) => Some(a.max(b)),
                        _ => None,
                    };
                }
                _ => kept.push(terms),
            }
        }
        Licence(kept.into())
    }

    /// May a version (normalized) released on `released_on` be installed? The refusal
    /// names the limit that hid it: a date when some grant matches the version but ended
    /// earlier, else the constraint.
    pub fn admits(&self, released_on: NaiveDate, normalized: &str) -> Result<(), Refusal> {
        let mut latest_cutoff: Option<NaiveDate> = None;
        for terms in self.0.iter() {
            let version_ok = terms
                .versions
                .as_ref()
                .is_none_or(|c| c.matches(normalized));
            if !version_ok {
                continue;
            }
            match terms.until {
                Some(until) if released_on > until => {
                    latest_cutoff = latest_cutoff.max(Some(until));
                }
                _ => return Ok(()),
            }
        }
        Err(match latest_cutoff {
            Some(until) => Refusal::TooNew { until },
            None => Refusal::OutsideVersions {
                versions: self
                    .0
                    .iter()
                    .filter_map(|t| t.versions.as_deref().map(|c| c.to_string()))
                    .collect::<Vec<_>>()
                    .join(" or "),
            },
        })
    }

    /// The one date all of this licence's grants end at, when there is exactly one.
    pub fn updates_until(&self) -> Option<NaiveDate> {
        match &*self.0 {
            [only] => only.until,
            _ => None,
        }
    }

    /// The licence in words ("2.x releases until 2027-03-31; releases up to 2025-01-31").
    pub fn in_words(&self) -> String {
        let words: Vec<String> = self.0.iter().map(Terms::in_words).collect();
        words.join("; ")
    }
}

/// May a release from `released_on` (version `normalized`) be installed under `licence`?
pub fn may_install(
    licence: Option<&Licence>,
    released_on: NaiveDate,
    normalized: &str,
) -> Result<(), Refusal> {
    licence.map_or(Err(Refusal::NotLicensed), |l| {
        l.admits(released_on, normalized)
    })
}

/// What an account may install from one product. `grant` is the account's entitlement, if
/// any; public products are open to all, whatever the grant.
pub fn product_licence(public: bool, grant: Option<&Licence>) -> Option<&Licence> {
    if public {
        return Some(Licence::unlimited_ref());
    }
    grant
}

/// The combined licence from every grant covering a package: the one grant itself, lent,
/// when only one covers it (the usual case), so that a request takes no reference to a
/// licence every worker answering the same account shares.
pub fn combined<'a>(
    licences: impl IntoIterator<Item = Option<&'a Licence>>,
) -> Option<Cow<'a, Licence>> {
    licences.into_iter().flatten().fold(None, |all, next| {
        Some(match all {
            None => Cow::Borrowed(next),
            Some(all) => Cow::Owned(all.union(next)),
        })
    })
}

#[cfg(test)]
mod tests;
