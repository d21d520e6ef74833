//! PHP's `version_compare`, which composer/semver uses to order normalized versions once
//! branch names are set aside. Reproduced from its documented algorithm: the string is
//! canonicalized (`-`, `_`, `+` become `.`, a `.` goes between digits and letters), then
//! compared part by part, numbers numerically and words by their rank
//! (`dev` < `alpha` = `a` < `beta` = `b` < `RC` = `rc` < a number < `pl` = `p`; any other word
//! ranks below all of them). Words are ranked by prefix, as PHP does (`patch` counts as `p`).

use std::cmp::Ordering;

fn canonicalize(version: &[u8]) -> Vec<u8> {
    let Some((&first, rest)) = version.split_first() else {
        return Vec::new();
    };
    let is_digit = |b: u8| b.is_ascii_digit();
    let is_other = |b: u8| !b.is_ascii_digit() && b != b'.';
    let mut out = vec![first];
    let mut previous = first;
    for &b in rest {
        let last = *out.last().unwrap_or(&b'.');
        if matches!(b, b'-' | b'_' | b'+') {
            if last != b'.' {
                out.push(b'.');
            }
        } else if (is_other(previous) && is_digit(b)) || (is_digit(previous) && is_other(b)) {
            if last != b'.' {
                out.push(b'.');
            }
            out.push(b);
        } else if !b.is_ascii_alphanumeric() {
            if last != b'.' {
                out.push(b'.');
            }
        } else {
            out.push(b);
        }
        previous = b;
    }
    out
}

/// The rank of a word part; PHP matches each known form as a prefix of the part.
fn special_rank(part: &[u8]) -> i32 {
    const FORMS: &[(&[u8], i32)] = &[
        (b"dev", 0),
        (b"alpha", 1),
        (b"a", 1),
        (b"beta", 2),
        (b"b", 2),
        (b"RC", 3),
        (b"rc", 3),
        (b"#", 4),
        (b"pl", 5),
        (b"p", 5),
    ];
    FORMS
        .iter()
        .find(|(form, _)| part.starts_with(form))
        .map_or(-6, |&(_, rank)| rank)
}

fn compare_words(a: &[u8], b: &[u8]) -> Ordering {
    special_rank(a).cmp(&special_rank(b))
}

/// C's `strtol` on a run of digits, saturating like it does.
fn number(part: &[u8]) -> i64 {
    part.iter()
        .take_while(|b| b.is_ascii_digit())
        .fold(0i64, |n, &d| {
            n.saturating_mul(10).saturating_add(i64::from(d - b'0'))
        })
}

const NUMBER_WORD: &[u8] = b"#N#";

fn compare_parts(a: &[u8], b: &[u8]) -> Ordering {
    let digit = |p: &[u8]| p.first().is_some_and(u8::is_ascii_digit);
    match (digit(a), digit(b)) {
        (true, true) => number(a).cmp(&number(b)),
        (false, false) => compare_words(a, b),
        (true, false) => compare_words(NUMBER_WORD, b),
        (false, true) => compare_words(a, NUMBER_WORD),
    }
}

/// `version_compare($a, $b)` as an ordering.
pub fn version_compare(a: &str, b: &str) -> Ordering {
    compare_bytes(a.as_bytes(), b.as_bytes())
}

fn compare_bytes(a: &[u8], b: &[u8]) -> Ordering {
    if a.is_empty() || b.is_empty() {
        return (!a.is_empty()).cmp(&!b.is_empty());
    }
    let prepare = |v: &[u8]| {
        if v.first() == Some(&b'#') {
            v.to_vec()
        } else {
            canonicalize(v)
        }
    };
    let (a, b) = (prepare(a), prepare(b));
    // Walk both part lists the way PHP's loop does: it stops when either side has no `.`
    // left after the current part, then looks at what remains of the longer one.
    let (mut p1, mut p2) = (0usize, 0usize);
    let (mut more1, mut more2) = (true, true);
    let mut order = Ordering::Equal;
    while p1 < a.len() && p2 < b.len() && more1 && more2 {
        let end1 = a[p1..].iter().position(|&c| c == b'.').map(|i| p1 + i);
        let end2 = b[p2..].iter().position(|&c| c == b'.').map(|i| p2 + i);
        more1 = end1.is_some();
        more2 = end2.is_some();
        order = compare_parts(
            &a[p1..end1.unwrap_or(a.len())],
            &b[p2..end2.unwrap_or(b.len())],
        );
        if order != Ordering::Equal {
            break;
        }
        if let Some(e) = end1 {
            p1 = e + 1;
        }
        if let Some(e) = end2 {
            p2 = e + 1;
        }
    }
    if order == Ordering::Equal {
        if more1 {
            let rest = &a[p1.min(a.len())..];
            order = if rest.first().is_some_and(u8::is_ascii_digit) {
                Ordering::Greater
            } else {
                compare_bytes(rest, NUMBER_WORD)
            };
        } else if more2 {
            let rest = &b[p2.min(b.len())..];
            order = if rest.first().is_some_and(u8::is_ascii_digit) {
                Ordering::Less
            } else {
                compare_bytes(NUMBER_WORD, rest)
            };
        }
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;
    use Ordering::*;

    #[test]
    fn orders_like_php() {
        for (a, b, expected) in [
            ("1.0.0.0", "1.0.0.0", Equal),
            ("1.0.0.0", "1.0.0", Greater),
            ("1.10.0.0", "1.9.0.0", Greater),
            ("1.0.0.0-beta1", "1.0.0.0", Less),
            ("1.0.0.0-dev", "1.0.0.0-alpha1", Less),
            ("1.0.0.0-RC1", "1.0.0.0-beta2", Greater),
            ("1.0.0.0-patch1", "1.0.0.0", Greater),
            ("2.4.7.0-patch1", "2.4.8.0-dev", Less),
            ("1.0", "1.0.0", Less),
        ] {
            assert_eq!(version_compare(a, b), expected, "{a} vs {b}");
        }
    }
}
