//! Constraint matching against composer/semver: thousands of generated constraints (every
//! operator, tilde, caret, wildcard and hyphen ranges, stability flags, AND and OR
//! combinations, and malformed ones) times a list of versions as packages carry them
//! (releases, pre-releases, patches, branches). For each pair our `parse(c).matches(v)` must
//! equal `parseConstraints(c)->matches(new Constraint('==', v))`, and both must refuse the
//! same constraints.

use packyard_composer::constraint::parse;
use packyard_composer::version::normalize;

use super::php;

const VERSIONS: &[&str] = &[
    "0.0.1",
    "0.1.0",
    "0.1.5",
    "0.9.9",
    "1.0.0-alpha1",
    "1.0.0-beta2",
    "1.0.0-RC1",
    "1.0.0",
    "1.0.1",
    "1.0.0-p1",
    "1.1.0",
    "1.2.0",
    "1.2.3",
    "1.2.3-p2",
    "1.2.4",
    "1.3.0",
    "1.9.9",
    "2.0.0-dev",
    "2.0.0-alpha1",
    "2.0.0-beta1",
    "2.0.0-RC3",
    "2.0.0",
    "2.0.1",
    "2.1.0",
    "2.3.9",
    "2.4.7",
    "2.4.7-p1",
    "2.4.7-p3.1",
    "2.4.8-beta1",
    "2.9.99",
    "2.99.0",
    "3.0.0-alpha1",
    "3.0.0-beta1",
    "3.0.0",
    "3.0.0.1",
    "3.1.0",
    "4.0.0",
    "10.0.0",
    "100.0.2",
    "1.2.x-dev",
    "2.x-dev",
    "3.0.x-dev",
    "dev-main",
    "dev-master",
    "dev-feature/x",
    "2024.01.15",
    "20240115",
];

const BOUNDS: &[&str] = &[
    "0",
    "0.0",
    "0.0.1",
    "0.1",
    "0.1.5",
    "1",
    "1.0",
    "1.0.0",
    "1.2",
    "1.2.3",
    "1.2.3.4",
    "2",
    "2.0",
    "2.0.0",
    "2.4",
    "2.4.7",
    "2.4.7-p1",
    "3",
    "3.0",
    "3.0.0",
    "10",
    "1.0-beta1",
    "2.0-RC1",
    "2.0.0-alpha",
    "1.0-dev",
    "2.0.x-dev",
    "2.x-dev",
    "v2.0",
    "1.2.3+build",
    "2.0-stable",
    "1.0.0-patch1",
    "00.1",
    "dev-main",
    "dev-master",
    "main-dev",
    "x",
    "2.x",
    "2.*",
    "1.2.*",
    "*",
    "1.2.3.x",
];
const OPERATORS: &[&str] = &[
    "", "=", "==", "!=", "<>", "<", "<=", ">", ">=", "~", "^", "~>", "> ", ">= ", "< ",
];
const FLAGS: &[&str] = &[
    "", "", "", "@dev", "@beta", "@stable", "@RC", "@alpha", "@Beta",
];
const JOINS: &[&str] = &[" ", ",", ", ", " , ", "  ", " || ", "||", "|", " | "];

/// A deterministic xorshift stream, so failures reproduce.
struct Noise(u64);

impl Noise {
    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        from[(self.0 % from.len() as u64) as usize]
    }
}

fn single(noise: &mut Noise) -> String {
    let (op, bound, flag) = (noise.pick(OPERATORS), noise.pick(BOUNDS), noise.pick(FLAGS));
    format!("{op}{bound}{flag}")
}

fn constraints() -> Vec<String> {
    let mut all: Vec<String> = Vec::new();
    for op in OPERATORS {
        for bound in BOUNDS {
            all.push(format!("{op}{bound}"));
        }
    }
    for from in ["1", "1.0", "1.2.3", "2.0-beta1", "v1.0"] {
        for to in ["2", "2.0", "2.4.7", "3.0-RC1", "2.x-dev", "2.0.0"] {
            all.push(format!("{from} - {to}"));
        }
    }
    let mut noise = Noise(0x9e37_79b9_7f4a_7c15);
    for _ in 0..3000 {
        let mut c = single(&mut noise);
        let parts = 1 + noise.0 % 3;
        for _ in 1..parts {
            c.push_str(noise.pick(JOINS));
            c.push_str(&single(&mut noise));
        }
        all.push(c);
    }
    all.extend(
        [
            "<3.0",
            "^2.0 || ^3.0",
            ">=1.0 <2.0 || >=3.0",
            "1.0 - 2.0 || ^3",
            " ^1.0 ",
            "",
            ">=1.0,",
            ",1.0",
            "1.0 as 2.0",
            "dev-main#abc",
            "2.x-dev#abc",
            "~1.2@dev",
            ">= 1.0 , < 2.0",
            "^1.0 , || ^2.0",
            "!=2.0 >=1.0",
            "1.0 -2.0",
            "1.0- 2.0",
        ]
        .map(String::from),
    );
    all
}

#[test]
fn constraint_matching_agrees_with_composer_semver() {
    let constraints = constraints();
    let input = serde_json::json!({ "constraints": constraints, "versions": VERSIONS });
    let expected: Vec<Option<String>> =
        serde_json::from_slice(&php("constraints.php", &input.to_string())).expect("JSON");
    assert_eq!(expected.len(), constraints.len());
    let versions: Vec<String> = VERSIONS.iter().map(|v| normalize(v).unwrap()).collect();

    let mut mismatches = Vec::new();
    for (constraint, php) in constraints.iter().zip(&expected) {
        let ours = parse(constraint).ok().map(|c| {
            versions
                .iter()
                .map(|v| if c.matches(v) { '1' } else { '0' })
                .collect::<String>()
        });
        if ours != *php {
            mismatches.push(format!("{constraint:?}: php {php:?}, ours {ours:?}"));
        }
    }
    let parsed = expected.iter().filter(|e| e.is_some()).count();
    eprintln!(
        "compared {} constraints ({parsed} valid) against {} versions: {} pairs",
        constraints.len(),
        versions.len(),
        parsed * versions.len()
    );
    assert!(parsed > 1500, "too few valid constraints: {parsed}");
    assert!(
        mismatches.is_empty(),
        "{} mismatches, first ones:\n{}",
        mismatches.len(),
        mismatches[..mismatches.len().min(30)].join("\n")
    );
}
