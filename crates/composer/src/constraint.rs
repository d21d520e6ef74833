//! Composer version constraints (`<1.4.2`, `^2.1 || ~3.0.1`, `1.2.*`, `1.0 - 2.0`,
//! `>=1.0,<1.3`), parsed and matched against concrete versions. Packyard needs them where an
//! operator writes a constraint Composer will read later (an advisory's affected versions, the
//! client versions an operator notice is meant for): a constraint Composer could not parse is
//! refused when it is written, not when thousands of clients fail on it. The Licences page
//! also asks which installable versions an advisory affects.
//!
//! Semantics follow composer/semver's `VersionParser::parseConstraints` for the forms above,
//! including its habit of widening `<X` and `>=X` of a stable `X` to `X-dev`, so that
//! `<1.4.2` excludes `1.4.2-beta1` and `>=1.0` includes `1.0.0-RC1`. Branch versions
//! (`dev-main`) only match `*`, `==` and `!=`, as in Composer.

use std::cmp::Ordering;

use crate::version::normalize;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid version constraint {0:?}: write a Composer constraint such as '<1.4.2', '>=1.0,<1.3', '^2.1 || ~3.0.1' or '1.2.*'"
)]
pub struct ConstraintError(pub String);

/// A parsed constraint: alternatives (`||`) of conjunctions (`,` or space).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Constraint {
    any_of: Vec<Vec<Bound>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Bound {
    op: Op,
    version: Comparable,
}

/// A normalized version in a comparable form.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Comparable {
    Numbered {
        parts: Vec<u64>,
        /// dev < alpha < beta < RC < stable < patch
        rank: u8,
        number: u64,
    },
    Branch(String),
}

const STABLE: u8 = 4;

impl Comparable {
    fn parse(normalized: &str) -> Comparable {
        if normalized.starts_with("dev-") {
            return Comparable::Branch(normalized.to_string());
        }
        let (numbers, suffix) = normalized.split_once('-').unwrap_or((normalized, ""));
        let parts = numbers
            .split('.')
            .map(|p| p.parse().unwrap_or(0))
            .collect();
        let lower = suffix.to_ascii_lowercase();
        let (rank, rest) = [("dev", 0), ("alpha", 1), ("beta", 2), ("rc", 3), ("patch", 5)]
            .iter()
            .find_map(|(name, rank)| lower.strip_prefix(name).map(|rest| (*rank, rest)))
            .unwrap_or((STABLE, ""));
        let number = rest
            .trim_start_matches(['.', '-'])
            .split(['.', '-'])
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        Comparable::Numbered {
            parts,
            rank,
            number,
        }
    }

    fn compare(&self, other: &Comparable) -> Option<Ordering> {
        match (self, other) {
            (Comparable::Branch(a), Comparable::Branch(b)) => (a == b).then_some(Ordering::Equal),
            (
                Comparable::Numbered {
                    parts: a,
                    rank: ra,
                    number: na,
                },
                Comparable::Numbered {
                    parts: b,
                    rank: rb,
                    number: nb,
                },
            ) => {
                let len = a.len().max(b.len());
                let at = |v: &Vec<u64>, i: usize| v.get(i).copied().unwrap_or(0);
                let numbers = (0..len)
                    .map(|i| at(a, i).cmp(&at(b, i)))
                    .find(|o| o.is_ne())
                    .unwrap_or(Ordering::Equal);
                Some(numbers.then(ra.cmp(rb)).then(na.cmp(nb)))
            }
            _ => None,
        }
    }
}

impl Bound {
    fn matches(&self, version: &Comparable) -> bool {
        let Some(order) = version.compare(&self.version) else {
            // A branch against a numbered bound (or another branch): only `!=` holds.
            return self.op == Op::Ne;
        };
        match self.op {
            Op::Lt => order.is_lt(),
            Op::Le => order.is_le(),
            Op::Gt => order.is_gt(),
            Op::Ge => order.is_ge(),
            Op::Eq => order.is_eq(),
            Op::Ne => order.is_ne(),
        }
    }
}

impl Constraint {
    /// Parses a constraint the way Composer reads one.
    pub fn parse(text: &str) -> Result<Constraint, ConstraintError> {
        let invalid = || ConstraintError(text.to_string());
        let trimmed = text.trim();
        if trimmed.is_empty() || trimmed.chars().any(char::is_control) {
            return Err(invalid());
        }
        let any_of = trimmed
            .split('|')
            .filter(|alt| !alt.is_empty())
            .map(|alt| conjunction(alt.trim()).ok_or_else(invalid))
            .collect::<Result<Vec<_>, _>>()?;
        if any_of.is_empty() || trimmed.contains("|||") {
            return Err(invalid());
        }
        Ok(Constraint { any_of })
    }

    /// Does the (not necessarily normalized) version satisfy this constraint? A version
    /// that does not normalize satisfies nothing.
    pub fn matches(&self, version: &str) -> bool {
        let Ok(normalized) = normalize(version) else {
            return false;
        };
        let version = Comparable::parse(&normalized);
        self.any_of
            .iter()
            .any(|all| all.iter().all(|b| b.matches(&version)))
    }
}

/// One `||` alternative: constraints joined by `,` or spaces, with `A - B` ranges.
fn conjunction(text: &str) -> Option<Vec<Bound>> {
    let tokens: Vec<&str> = text
        .split([',', ' '])
        .filter(|t| !t.is_empty())
        .collect();
    if tokens.is_empty() {
        return None;
    }
    let mut bounds = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if tokens.get(i + 1) == Some(&"-") {
            bounds.extend(hyphen_range(tokens[i], tokens.get(i + 2)?)?);
            i += 3;
        } else {
            bounds.extend(single(tokens[i])?);
            i += 1;
        }
    }
    Some(bounds)
}

fn bound(op: Op, normalized: &str) -> Bound {
    Bound {
        op,
        version: Comparable::parse(normalized),
    }
}

/// Numeric parts of a partial version (`1.2` → [1, 2]), at most 4.
fn numeric_parts(text: &str) -> Option<Vec<u64>> {
    let parts: Option<Vec<u64>> = text.split('.').map(|p| p.parse().ok()).collect();
    parts.filter(|p| !p.is_empty() && p.len() <= 4)
}

fn dotted(parts: &[u64], suffix: &str) -> String {
    let mut all = parts.to_vec();
    all.resize(4, 0);
    let joined: Vec<String> = all.iter().map(u64::to_string).collect();
    format!("{}{suffix}", joined.join("."))
}

/// `[lower, upper)` where upper bumps part `at` of `parts` (and zeroes the rest).
fn range_bumping(lower: &[u64], parts: &[u64], at: usize) -> Vec<Bound> {
    let mut upper = parts[..=at].to_vec();
    upper[at] += 1;
    vec![
        bound(Op::Ge, &dotted(lower, "-dev")),
        bound(Op::Lt, &dotted(&upper, "-dev")),
    ]
}

fn hyphen_range(from: &str, to: &str) -> Option<Vec<Bound>> {
    let lower = normalize(from.trim_start_matches('v')).ok()?;
    let mut bounds = vec![bound(Op::Ge, &widened(&lower))];
    let to = to.trim_start_matches('v');
    match numeric_parts(to) {
        Some(parts) if parts.len() < 3 => {
            bounds.push(range_bumping(&parts, &parts, parts.len() - 1).remove(1));
        }
        _ => bounds.push(bound(Op::Le, &normalize(to).ok()?)),
    }
    Some(bounds)
}

/// `X` widened to `X-dev` when it is stable (Composer does this for `<` and `>=`).
fn widened(normalized: &str) -> String {
    if normalized.contains('-') {
        normalized.to_string()
    } else {
        format!("{normalized}-dev")
    }
}

fn single(token: &str) -> Option<Vec<Bound>> {
    // Stability flags (`@dev`) only widen what the root package accepts.
    let token = token.split('@').next().unwrap_or(token);
    if matches!(token, "*" | "x" | "X" | "") {
        return Some(vec![]);
    }
    if let Some(rest) = token.strip_prefix('^') {
        let base = rest.trim_start_matches('v');
        let parts = numeric_parts(base.split('-').next()?)?;
        let lower = normalize(base).ok()?;
        let at = parts.iter().position(|&p| p != 0).unwrap_or(parts.len() - 1);
        let mut bounds = vec![bound(Op::Ge, &widened(&lower))];
        bounds.push(range_bumping(&parts, &parts, at).remove(1));
        return Some(bounds);
    }
    if let Some(rest) = token.strip_prefix('~') {
        let base = rest.trim_start_matches('v');
        let parts = numeric_parts(base.split('-').next()?)?;
        let lower = normalize(base).ok()?;
        let at = parts.len().saturating_sub(2);
        let mut bounds = vec![bound(Op::Ge, &widened(&lower))];
        bounds.push(range_bumping(&parts, &parts, at).remove(1));
        return Some(bounds);
    }
    if let Some(prefix) = token
        .strip_suffix(".*")
        .or_else(|| token.strip_suffix(".x"))
    {
        let parts = numeric_parts(prefix.trim_start_matches('v'))?;
        return Some(range_bumping(&parts, &parts, parts.len() - 1));
    }
    let ops = [
        ("<=", Op::Le),
        (">=", Op::Ge),
        ("<>", Op::Ne),
        ("!=", Op::Ne),
        ("==", Op::Eq),
        ("<", Op::Lt),
        (">", Op::Gt),
        ("=", Op::Eq),
    ];
    let (op, version) = ops
        .iter()
        .find_map(|(text, op)| token.strip_prefix(text).map(|rest| (*op, rest)))
        .unwrap_or((Op::Eq, token));
    let normalized = normalize(version).ok()?;
    let normalized = match op {
        Op::Lt | Op::Ge => widened(&normalized),
        _ => normalized,
    };
    Some(vec![bound(op, &normalized)])
}

#[cfg(test)]
mod tests {
    use super::Constraint;

    fn holds(constraint: &str, version: &str) -> bool {
        Constraint::parse(constraint)
            .unwrap_or_else(|e| panic!("{e}"))
            .matches(version)
    }

    #[test]
    fn operators_and_lists() {
        assert!(holds("<1.4.2", "1.4.1"));
        assert!(!holds("<1.4.2", "1.4.2"));
        assert!(!holds("<1.4.2", "1.4.2-beta1"), "<X excludes X's pre-releases");
        assert!(holds(">=1.0,<1.3", "1.2.9"));
        assert!(holds(">=1.0 <1.3", "1.0.0-RC1"), ">=X includes X's pre-releases");
        assert!(!holds(">=1.0,<1.3", "1.3.0"));
        assert!(holds("1.2.0", "v1.2"));
        assert!(holds("==1.2.0 || >2", "2.0.1"));
        assert!(holds("!=1.0", "1.1"));
        assert!(holds(">1.0.0-beta1", "1.0.0-beta2"));
        assert!(holds("<=2.4.7-p1", "2.4.7"));
        assert!(!holds("<=2.4.7", "2.4.7-p1"), "a patch release is after its release");
    }

    #[test]
    fn caret_tilde_wildcards_and_ranges() {
        assert!(holds("^1.2", "1.9.0"));
        assert!(!holds("^1.2", "2.0.0"));
        assert!(!holds("^0.3", "0.4.0"));
        assert!(holds("^0.3", "0.3.7"));
        assert!(!holds("^0.0.3", "0.0.4"));
        assert!(holds("~1.2", "1.9"));
        assert!(!holds("~1.2.3", "1.3.0"));
        assert!(holds("~1.2.3", "1.2.9"));
        assert!(holds("1.2.*", "1.2.5"));
        assert!(!holds("1.2.*", "1.3.0"));
        assert!(holds("1.0 - 2.0", "2.0.5"));
        assert!(!holds("1.0 - 2.0.0", "2.0.5"));
        assert!(holds("*", "3.1"));
        assert!(holds("*", "dev-main"));
    }

    #[test]
    fn branches_only_match_themselves() {
        assert!(!holds("<1.0", "dev-main"));
        assert!(holds("dev-main", "dev-main"));
        assert!(holds("!=1.0", "dev-main"));
    }

    #[test]
    fn nonsense_is_refused() {
        for bad in ["", "   ", "<", "1.2 -", "^x", "lots of words", ">=1.0,,<abc", "|||"] {
            assert!(Constraint::parse(bad).is_err(), "{bad:?} must be refused");
        }
    }
}
