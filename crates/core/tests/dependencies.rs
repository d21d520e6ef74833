//! The domain crate links no HTTP or TLS stack and no UI crate (issue 16): what the CLI runs
//! without a server (`packyard publish`, …) stays light, and the network clients live in
//! `packyard-net`. Its OpenAPI schemas (utoipa) exist only under the `schema` feature that
//! `packyard-api` enables, so building it alone links no utoipa either. Read from `cargo tree`, the same view an operator's audit would take.

use std::process::Command;

#[test]
fn packyard_core_links_no_http_tls_or_ui_crates() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args([
            "tree",
            "-p",
            "packyard-core",
            "-e",
            "normal",
            "--prefix",
            "none",
        ])
        .args(["--offline", "--locked"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo runs");
    let tree = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(tree.contains("packyard-store"), "{tree}");
    for banned in [
        "hyper", "rustls", "reqwest", "lettre", "axum", "askama", "utoipa",
    ] {
        let linked: Vec<&str> = tree
            .lines()
            .filter(|l| {
                l.split_whitespace()
                    .next()
                    .is_some_and(|c| c.starts_with(banned))
            })
            .collect();
        assert!(
            linked.is_empty(),
            "packyard-core links {banned}: {linked:?}"
        );
    }
}
