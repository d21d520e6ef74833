//! Differential test: our `normalize` against composer/semver's `VersionParser::normalize`
//! (the PHP library Composer itself uses, installed with Debian's `composer`), over
//! thousands of generated and hand-picked version strings. Both must accept with the same
//! result, or both reject. The `constraints` module does the same for constraint matching.

#[path = "semver_differential/constraints.rs"]
mod constraints;

use std::io::Write;
use std::process::{Command, Stdio};

use packyard_composer::version::normalize;

const PREFIXES: &[&str] = &["", "v", "V"];
const NUMBERS: &[&[&str]] = &[
    &["1"],
    &["1", "2"],
    &["1", "2", "3"],
    &["1", "2", "3", "4"],
    &["1", "2", "3", "4", "5"],
    &["0"],
    &["00", "01"],
    &["99999", "0"],
    &["100000"],
    &["123456", "1"],
    &["2024", "01", "15"],
    &["20240115"],
    &["2024", "1", "1"],
    &["100", "0", "2"],
    &["2", "4", "7"],
];
const SEPARATORS: &[&str] = &[".", "-", "_", ":"];
const SUFFIXES: &[&str] = &[
    "",
    "-alpha",
    "alpha",
    ".beta2",
    "-b3",
    "b",
    "-a",
    "-RC1",
    "rc",
    "-rc.2",
    "RC",
    "-p1",
    "-patch2",
    "-pl3",
    "p",
    "-P1",
    "-stable",
    "-STABLE",
    "stable",
    "-beta.1",
    "-beta-1",
    "-alpha1.2",
    "-alpha.1.2",
    "-dev",
    ".dev",
    "dev",
    "-DEV",
    "-beta1-dev",
    "-p3.1",
    "-p3-1",
    "+build",
    "+build.1",
    "-x",
    "-foo",
    "@dev",
    "@stable",
    "@RC",
    " as 1.0.0",
    "-beta1+meta",
    "-rc1@dev",
    "-",
    ".",
    "..1",
    "-beta_1",
    "_rc1",
    "-patch",
    "-stable1",
    ".x",
    ".x-dev",
    ".*",
    "-1",
    "-0",
    ".0-dev",
    "\n",
    " ",
];
const TRICKY: &[&str] = &[
    "2.4.7-p1",
    "2.4.7-p3.1",
    "100.0.2",
    "1.0.0-beta.1",
    "1.0-STABLE",
    "00.01",
    "1.2.3.4.5",
    "",
    " ",
    "dev-",
    "master",
    "trunk",
    "default",
    "Master",
    "1.0.x-dev",
    "1.x",
    "1.0.0-RC1-dev",
    "1.0.0-pl2",
    "dev-main",
    "dev-feature/foo",
    "DEV-Main",
    "dev-feature/foo@dev",
    "1.x-dev",
    "2.*-dev",
    "1.X-dev",
    "v1.x-dev",
    "x-dev",
    "feature-dev",
    "1.0-dev",
    "1.0.0.0-dev",
    "1.2.3.4.5-dev",
    " 1.0 ",
    "\t1.0\n",
    "1.0\n",
    "1.0\n@dev",
    "a\nb-dev",
    "20240115",
    "2024.01.15",
    "2024-01-15",
    "2024-01-15-1",
    "202401151230",
    "2024.01.15.1234",
    "2024-1-1",
    "1.0 as 2.0",
    "dev-master as 1.0.x-dev",
    "1.0.x-dev as 1.0.0",
    "1.0,2.0",
    "1.0 || 2.0",
    "^1.0",
    "~1.0",
    ">=1.0",
    "*",
    "1.0.*",
    "v",
    "1.0.0+",
    "+1.0",
    "1.0.0-",
    "1.0.0.",
    ".1.0",
    "1..0",
    "1.0.0.0.0",
    "1.0-beta1.2.3",
    "1.0-alpha1-alpha2",
    "１.０",
    "1.0-béta",
    "9999999-dev",
    "1.0.0-beta01",
    "0.0.0",
    "00000.1",
    "000000.1",
    "1.0.0-p",
    "1.0.0-patch1-dev",
    "1.0.0.dev",
    "1.0.0dev",
    "1.0.0-rc1.dev",
    "1.0.0.RC1",
    "1.0.0RC1",
    "v1.0.0-beta1",
    "V2",
    "1-beta",
    "dev-1.0",
    "1.0-dev-dev",
];

fn generated() -> Vec<String> {
    let mut all: Vec<String> = TRICKY.iter().map(|s| s.to_string()).collect();
    for prefix in PREFIXES {
        for numbers in NUMBERS {
            for (si, sep) in SEPARATORS.iter().enumerate() {
                for suffix in SUFFIXES {
                    // Every suffix with '.', a sample of suffixes with the other separators.
                    if si > 0 && suffix.len() % 3 != si % 3 {
                        continue;
                    }
                    all.push(format!("{prefix}{}{suffix}", numbers.join(sep)));
                }
            }
        }
    }
    all.extend(random_strings(5000));
    all
}

/// Deterministic noise over the characters versions are made of, to reach corners the
/// templates above miss.
fn random_strings(count: usize) -> Vec<String> {
    const ALPHABET: &[u8] =
        b"0123456789012345678901234567890123456789....--__vVxX*abdehilmoprstvRCASTBLEPdev@+: \n";
    const WORDS: &[&str] = &[
        "dev", "beta", "alpha", "RC", "patch", "pl", "stable", "dev-", " as ", "@dev", "x-dev",
    ];
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    (0..count)
        .map(|_| {
            let len = 1 + (next() % 14) as usize;
            let mut s = String::new();
            for _ in 0..len {
                let r = next();
                if r % 7 == 0 {
                    s.push_str(WORDS[(r / 7) as usize % WORDS.len()]);
                } else {
                    s.push(ALPHABET[(r / 7) as usize % ALPHABET.len()] as char);
                }
            }
            s
        })
        .collect()
}

/// Runs one of the PHP scripts in tests/php with `input` on stdin; its stdout.
fn php(script: &str, input: &str) -> Vec<u8> {
    let script = format!("{}/tests/php/{script}", env!("CARGO_MANIFEST_DIR"));
    let mut child = Command::new("php")
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("php must be installed to run this test (apt-get install php-cli composer; .ci/run does)");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "php failed; is composer's semver library at /usr/share/php/Composer/Semver?"
    );
    out.stdout
}

#[test]
fn normalize_agrees_with_composer_semver() {
    let inputs = generated();
    assert!(inputs.len() > 3000, "only {} strings", inputs.len());
    let out = php("normalize.php", &serde_json::to_string(&inputs).unwrap());
    let expected: Vec<Option<String>> = serde_json::from_slice(&out).expect("php printed JSON");
    assert_eq!(expected.len(), inputs.len());

    let mismatches: Vec<String> = inputs
        .iter()
        .zip(&expected)
        .filter_map(|(input, php)| {
            let ours = normalize(input).ok();
            (ours != *php).then(|| format!("{input:?}: php {php:?}, ours {ours:?}"))
        })
        .collect();
    let accepted = expected.iter().filter(|e| e.is_some()).count();
    eprintln!(
        "compared {} version strings ({accepted} valid, {} invalid)",
        inputs.len(),
        inputs.len() - accepted
    );
    assert!(
        mismatches.is_empty(),
        "{} mismatches, first ones:\n{}",
        mismatches.len(),
        mismatches[..mismatches.len().min(30)].join("\n")
    );
}
