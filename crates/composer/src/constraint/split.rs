//! How composer/semver cuts a constraint string into OR groups and AND parts. The AND
//! separator is a PCRE pattern with look-behind and look-ahead
//! (`(?<!^|as|[=>< ,]) *(?<!-)[, ](?!-) *(?!,|as|$)`), which the `regex` crate cannot
//! express, so it is matched here by hand, trying the same alternatives in the same order
//! as a backtracking engine: a comma or space, with optional spaces around it, that does not
//! follow an operator or `as` and is not part of a hyphen range (`1.0 - 2.0`).

use std::sync::LazyLock;

use regex::bytes::Regex;

use crate::php::php_trim;

static OR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?-u)\s*\|\|?\s*").expect("valid pattern"));

/// `preg_split('{\s*\|\|?\s*}', trim($constraints))`.
pub(crate) fn or_groups(constraints: &[u8]) -> Vec<&[u8]> {
    OR.split(php_trim(constraints)).collect()
}

/// PCRE's `$` without the D modifier: the end, or just before a final newline.
fn at_end(s: &[u8], i: usize) -> bool {
    i == s.len() || (i + 1 == s.len() && s[i] == b'\n')
}

fn spaces_from(s: &[u8], i: usize) -> usize {
    s[i..].iter().take_while(|&&b| b == b' ').count()
}

/// The end of an AND separator starting at `start`, if one starts there.
fn separator_at(s: &[u8], start: usize) -> Option<usize> {
    if start == 0
        || s[..start].ends_with(b"as")
        || matches!(s[start - 1], b'=' | b'>' | b'<' | b' ' | b',')
    {
        return None;
    }
    for before in (0..=spaces_from(s, start)).rev() {
        let sep = start + before;
        if s[sep - 1] == b'-' || !matches!(s.get(sep), Some(b',' | b' ')) {
            continue;
        }
        if s.get(sep + 1) == Some(&b'-') {
            continue;
        }
        for after in (0..=spaces_from(s, sep + 1)).rev() {
            let end = sep + 1 + after;
            let blocked =
                s.get(end) == Some(&b',') || s[end..].starts_with(b"as") || at_end(s, end);
            if !blocked {
                return Some(end);
            }
        }
    }
    None
}

/// The AND parts of one OR group, as `preg_split` with the pattern above returns them.
pub(crate) fn and_parts(group: &[u8]) -> Vec<&[u8]> {
    let mut parts = Vec::new();
    let (mut piece_start, mut at) = (0, 0);
    while at < group.len() {
        match separator_at(group, at) {
            Some(end) => {
                parts.push(&group[piece_start..at]);
                piece_start = end;
                at = end;
            }
            None => at += 1,
        }
    }
    parts.push(&group[piece_start..]);
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn and(s: &str) -> Vec<String> {
        and_parts(s.as_bytes())
            .iter()
            .map(|p| String::from_utf8_lossy(p).into_owned())
            .collect()
    }

    #[test]
    fn splits_like_composer() {
        assert_eq!(and(">=1.0 <2.0"), [">=1.0", "<2.0"]);
        assert_eq!(and(">=1.0,<2.0"), [">=1.0", "<2.0"]);
        assert_eq!(and(">= 1.0"), [">= 1.0"]);
        assert_eq!(and("1.0 - 2.0"), ["1.0 - 2.0"]);
        assert_eq!(and("1.0 as 2.0"), ["1.0 as 2.0"]);
        assert_eq!(and("^1.2 , ^1.3"), ["^1.2", "^1.3"]);
        let or: Vec<&[u8]> = or_groups(b" ^1.0 || ^2.0|3.0 ");
        assert_eq!(or, [&b"^1.0"[..], b"^2.0", b"3.0"]);
    }
}
