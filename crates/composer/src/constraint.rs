//! Composer version constraints (`^2.0`, `~1.2`, `2.*`, `>=1.0 <3.0`, `1.0 - 2.0`,
//! `^1.0 || ^2.0`), parsed and matched exactly as composer/semver's
//! `VersionParser::parseConstraints(...)->matches(new Constraint('==', $version))` does: a
//! licence limited to `<3.0` must hide precisely what Composer would not install under that
//! requirement. A differential test runs both over thousands of constraint/version pairs.
//!
//! PHP quirks reproduced on purpose: branch versions (`dev-…`) only ever match `==` and `!=`
//! of themselves; `<` and `>=` bounds get `-dev` added so pre-releases of the bound count;
//! `@stability` flags are stripped and (for non-equality operators) appended to the version.

mod split;

use std::cmp::Ordering;
use std::fmt;
use std::sync::LazyLock;

use regex::bytes::{Captures, Regex};

use crate::php::{ALIAS, END, MODIFIER, group, re, text};
use crate::php_compare::version_compare;
use crate::version::normalize;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid version constraint {0:?}: use Composer's syntax, e.g. <3.0, ^2.0, ~1.2, 2.*, >=1.0 <3.0"
)]
pub struct ConstraintError(pub String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// A parsed constraint, as composer/semver's constraint objects.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Node {
    All,
    Version(Op, String),
    And(Vec<Node>),
    Or(Vec<Node>),
}

/// A constraint with the text it was written as.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct VersionConstraint {
    pretty: String,
    node: Node,
}

impl fmt::Display for VersionConstraint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.pretty)
    }
}

impl std::str::FromStr for VersionConstraint {
    type Err = ConstraintError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse(s)
    }
}

impl VersionConstraint {
    pub fn as_str(&self) -> &str {
        &self.pretty
    }

    pub fn node(&self) -> &Node {
        &self.node
    }

    /// Whether a version, in its normalized form, satisfies the constraint.
    pub fn matches(&self, normalized: &str) -> bool {
        self.node.matches(normalized)
    }
}

impl Node {
    pub fn matches(&self, version: &str) -> bool {
        match self {
            Node::All => true,
            Node::Version(op, bound) => op_matches(*op, bound, version),
            Node::And(all) => all.iter().all(|n| n.matches(version)),
            Node::Or(any) => any.iter().any(|n| n.matches(version)),
        }
    }
}

/// `Constraint::matchSpecific` with the version as an `==` provider.
fn op_matches(op: Op, bound: &str, version: &str) -> bool {
    let (version_branch, bound_branch) = (version.starts_with("dev-"), bound.starts_with("dev-"));
    if version_branch || bound_branch {
        return match op {
            Op::Ne => version != bound,
            Op::Eq => version_branch && bound_branch && version == bound,
            _ => false,
        };
    }
    let order = version_compare(version, bound);
    match op {
        Op::Eq => order == Ordering::Equal,
        Op::Ne => order != Ordering::Equal,
        Op::Lt => order == Ordering::Less,
        Op::Le => order != Ordering::Greater,
        Op::Gt => order == Ordering::Greater,
        Op::Ge => order != Ordering::Less,
    }
}

/// `VersionParser::parseConstraints`.
pub fn parse(constraints: &str) -> Result<VersionConstraint, ConstraintError> {
    let invalid = || ConstraintError(constraints.to_string());
    let mut groups = Vec::new();
    for group in split::or_groups(constraints.as_bytes()) {
        let mut nodes = Vec::new();
        for part in split::and_parts(group) {
            nodes.extend(parse_one(part).ok_or_else(invalid)?);
        }
        groups.push(if nodes.len() == 1 {
            nodes.remove(0)
        } else {
            Node::And(nodes)
        });
    }
    let node = if groups.len() == 1 {
        groups.remove(0)
    } else {
        Node::Or(groups)
    };
    Ok(VersionConstraint {
        pretty: constraints.to_string(),
        node,
    })
}

// The version part of tilde, caret and hyphen ranges (composer/semver's `$versionRegex`);
// groups: 1-4 numbers, 5 stability, 6 its number, 7 `dev`, 8 `x-dev`.
const VERSION: &str = r"v?([0-9]+)(?:\.([0-9]+))?(?:\.([0-9]+))?(?:\.([0-9]+))?(?:[._-]?(?:(stable|beta|b|RC|alpha|a|patch|pl|p)((?:[.-]?[0-9]+)*)?)?([.-]?dev)?|\.([xX*][.-]?dev))(?:\+[^\s]+)?";
static STABILITY_FLAG: LazyLock<Regex> = LazyLock::new(|| {
    re(format!(
        r"(?i-u)^([^,\s]*?)@(stable|RC|beta|alpha|dev){END}"
    ))
});
static REF: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i-u)^(dev-[^,\s@]+?|[^,\s@]+?\.x-dev)#.+\n?\z".to_string()));
static ANY: LazyLock<Regex> = LazyLock::new(|| re(format!(r"(?i-u)^(v)?[xX*](\.[xX*])*{END}")));
static TILDE: LazyLock<Regex> = LazyLock::new(|| re(format!(r"(?i-u)^~>?{VERSION}{END}")));
static CARET: LazyLock<Regex> = LazyLock::new(|| re(format!(r"(?i-u)^\^{VERSION}{END}")));
static X_RANGE: LazyLock<Regex> = LazyLock::new(|| {
    re(format!(
        r"(?-u)^v?([0-9]+)(?:\.([0-9]+))?(?:\.([0-9]+))?(?:\.[xX*])+{END}"
    ))
});
static HYPHEN: LazyLock<Regex> =
    LazyLock::new(|| re(format!(r"(?i-u)^({VERSION}) +- +({VERSION}){END}")));
static BASIC: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?-u)^(<>|!=|>=?|<=?|==?)?\s*(.*)".to_string()));
static DEV_RECOVERY: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?-u)^[0-9a-zA-Z\-./]+\n?\z".to_string()));
static HAS_MODIFIER: LazyLock<Regex> = LazyLock::new(|| re(format!(r"(?-u)-{MODIFIER}{END}")));
static STABILITY_OF: LazyLock<Regex> =
    LazyLock::new(|| re(format!(r"(?i-u){MODIFIER}(?:\+.*)?{END}")));

/// PHP's `empty()` on a captured string: `""` and `"0"` are empty.
fn empty(bytes: &[u8]) -> bool {
    bytes.is_empty() || bytes == b"0"
}

fn normalized(bytes: &[u8]) -> Option<String> {
    normalize(std::str::from_utf8(bytes).ok()?).ok()
}

/// composer/semver's `manipulateVersionString`: pads the parts after `position` with 0 and
/// adds `increment` to the part at it.
fn bump(parts: [&[u8]; 4], position: usize, increment: u64) -> Option<String> {
    let mut out: Vec<String> = parts.iter().map(|p| text(p)).collect();
    for (i, part) in out.iter_mut().enumerate() {
        let index = i + 1;
        if index > position {
            *part = "0".into();
        } else if index == position && increment > 0 {
            let n: u64 = part.parse().unwrap_or(0);
            *part = n.checked_add(increment)?.to_string();
        }
    }
    Some(out.join("."))
}

fn numbers<'a>(c: &Captures<'a>, first: usize) -> [&'a [u8]; 4] {
    [0, 1, 2, 3].map(|i| group(c, first + i))
}

fn range(low: String, high: String) -> Vec<Node> {
    vec![Node::Version(Op::Ge, low), Node::Version(Op::Lt, high)]
}

/// `VersionParser::parseConstraint` for one AND part.
fn parse_one(part: &[u8]) -> Option<Vec<Node>> {
    let mut constraint: Vec<u8> = part.to_vec();
    if let Some(c) = ALIAS.captures(&constraint) {
        constraint = group(&c, 1).to_vec();
    }
    let mut stability_modifier: Option<Vec<u8>> = None;
    if let Some(c) = STABILITY_FLAG.captures(&constraint) {
        let flag = group(&c, 2).to_vec();
        constraint = if group(&c, 1).is_empty() {
            b"*".to_vec()
        } else {
            group(&c, 1).to_vec()
        };
        if flag != b"stable" {
            stability_modifier = Some(flag);
        }
    }
    if let Some(c) = REF.captures(&constraint) {
        constraint = group(&c, 1).to_vec();
    }
    if let Some(c) = ANY.captures(&constraint) {
        if !group(&c, 1).is_empty() || !group(&c, 2).is_empty() {
            return Some(vec![Node::Version(Op::Ge, "0.0.0.0-dev".into())]);
        }
        return Some(vec![Node::All]);
    }
    if let Some(c) = TILDE.captures(&constraint) {
        return tilde(&constraint, &c);
    }
    if let Some(c) = CARET.captures(&constraint) {
        return caret(&constraint, &c);
    }
    if let Some(c) = X_RANGE.captures(&constraint) {
        let position = (2..=3)
            .rev()
            .find(|&i| !group(&c, i).is_empty())
            .unwrap_or(1);
        let low = bump(numbers(&c, 1), position, 0)? + "-dev";
        let high = bump(numbers(&c, 1), position, 1)? + "-dev";
        if low == "0.0.0.0-dev" {
            return Some(vec![Node::Version(Op::Lt, high)]);
        }
        return Some(range(low, high));
    }
    if let Some(c) = HYPHEN.captures(&constraint) {
        return hyphen(&c);
    }
    basic(&constraint, stability_modifier.as_deref())
}

fn unsuffixed(c: &Captures<'_>) -> bool {
    [5, 7, 8].iter().all(|&i| empty(group(c, i)))
}

fn tilde(constraint: &[u8], c: &Captures<'_>) -> Option<Vec<Node>> {
    if constraint.starts_with(b"~>") {
        return None;
    }
    let mut position = (2..=4)
        .rev()
        .find(|&i| !group(c, i).is_empty())
        .unwrap_or(1);
    if !empty(group(c, 8)) {
        position += 1;
    }
    let suffix: &[u8] = if unsuffixed(c) { b"-dev" } else { b"" };
    let low = normalized(&[&constraint[1..], suffix].concat())?;
    let high = bump(numbers(c, 1), (position - 1).max(1), 1)? + "-dev";
    Some(range(low, high))
}

fn caret(constraint: &[u8], c: &Captures<'_>) -> Option<Vec<Node>> {
    let position = if group(c, 1) != b"0" || group(c, 2).is_empty() {
        1
    } else if group(c, 2) != b"0" || group(c, 3).is_empty() {
        2
    } else {
        3
    };
    let suffix: &[u8] = if unsuffixed(c) { b"-dev" } else { b"" };
    let low = normalized(&[&constraint[1..], suffix].concat())?;
    let high = bump(numbers(c, 1), position, 1)? + "-dev";
    Some(range(low, high))
}

fn hyphen(c: &Captures<'_>) -> Option<Vec<Node>> {
    // Groups: 1 = from (2-5 numbers, 6 stability, 8 dev, 9 x-dev), 10 = to (11-14, 15, 17, 18).
    let low_suffix = if [6, 8, 9].iter().all(|&i| empty(group(c, i))) {
        "-dev"
    } else {
        ""
    };
    let low = normalized(group(c, 1))? + low_suffix;
    let php_empty = |i: usize| group(c, i).is_empty();
    let to = group(c, 10);
    let high = if (!php_empty(12) && !php_empty(13))
        || [15, 17, 18].iter().any(|&i| !empty(group(c, i)))
    {
        Node::Version(Op::Le, normalized(to)?)
    } else {
        normalized(to)?;
        let position = if php_empty(12) { 1 } else { 2 };
        Node::Version(Op::Lt, bump(numbers(c, 11), position, 1)? + "-dev")
    };
    Some(vec![Node::Version(Op::Ge, low), high])
}

/// `parseStability` applied to a normalized version: is it a stable release?
fn is_stable(version: &str) -> bool {
    if version.starts_with("dev-") || version.ends_with("-dev") {
        return false;
    }
    let lower = version.to_ascii_lowercase();
    let Some(c) = STABILITY_OF.captures(lower.as_bytes()) else {
        return true;
    };
    if !empty(group(&c, 3)) {
        return false;
    }
    !matches!(group(&c, 1), b"beta" | b"b" | b"alpha" | b"a" | b"rc")
}

fn basic(constraint: &[u8], stability_modifier: Option<&[u8]>) -> Option<Vec<Node>> {
    let c = BASIC.captures(constraint)?;
    let (op_text, rest) = (group(&c, 1), group(&c, 2));
    let mut version = match normalized(rest) {
        Some(v) => v,
        None if rest.ends_with(b"-dev") && DEV_RECOVERY.is_match(rest) => {
            normalized(&[b"dev-", &rest[..rest.len() - 4]].concat())?
        }
        None => return None,
    };
    let op = match op_text {
        b"" | b"=" | b"==" => Op::Eq,
        b"!=" | b"<>" => Op::Ne,
        b"<" => Op::Lt,
        b"<=" => Op::Le,
        b">" => Op::Gt,
        _ => Op::Ge,
    };
    match stability_modifier {
        Some(flag) if op != Op::Eq && is_stable(&version) => {
            version.push('-');
            version.push_str(&text(flag));
        }
        _ if matches!(op, Op::Lt | Op::Ge)
            && !HAS_MODIFIER.is_match(rest.to_ascii_lowercase().as_slice())
            && !rest.starts_with(b"dev-") =>
        {
            version.push_str("-dev");
        }
        _ => {}
    }
    Some(vec![Node::Version(op, version)])
}

#[cfg(test)]
mod tests;
