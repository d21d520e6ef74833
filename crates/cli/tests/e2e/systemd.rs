//! `contrib/packyard.service` is a valid, hardened systemd unit: `systemd-analyze verify`
//! reports nothing (it exits 0 even for values it ignores, so any output fails the test),
//! and the offline security review rates its exposure low.

use std::path::Path;
use std::process::Command;

use crate::support::{BIN, all_output};

/// The unit with ExecStart pointing at the binary under test (verify checks it exists).
fn unit_under_test(dir: &Path) -> std::path::PathBuf {
    let unit = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../contrib/packyard.service");
    let text = std::fs::read_to_string(unit).unwrap();
    assert!(text.contains("DynamicUser=yes") && text.contains("StateDirectory=packyard"));
    let path = dir.join("packyard.service");
    std::fs::write(&path, text.replace("/usr/local/bin/packyard", BIN)).unwrap();
    path
}

#[test]
fn the_systemd_unit_verifies_cleanly_and_is_hardened() {
    let dir = tempfile::tempdir().unwrap();
    let unit = unit_under_test(dir.path());
    let verify = Command::new("systemd-analyze")
        .arg("verify")
        .arg(&unit)
        .output()
        .expect("systemd-analyze runs (apt-get install systemd; scripts/test installs it)");
    let said = all_output(&verify);
    assert!(
        verify.status.success() && said.trim().is_empty(),
        "systemd-analyze verify: {said}"
    );

    let security = Command::new("systemd-analyze")
        .args(["security", "--offline=true", "--no-pager"])
        .arg(&unit)
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&security.stdout);
    let exposure: f64 = report
        .lines()
        .find_map(|l| {
            l.split("Overall exposure level for packyard.service:")
                .nth(1)
        })
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no exposure level in:\n{report}"));
    assert!(
        exposure <= 2.0,
        "exposure {exposure} is too high:\n{report}"
    );
}
