//! CLI defects of issue 22: keys addressed as `ACCOUNT KEY` as well as `KEY`, zero age for
//! `storage gc`, the account id prefix under the flag's own variable name (the older one
//! still read), and each subcommand's help with its own options first.

use crate::support::*;

backend_tests!(key_commands_take_the_account_before_the_key_too);
fn key_commands_take_the_account_before_the_key_too(backend: Backend) {
    let server = Server::start(backend);
    let (account, public, _) = server.customer("one@example.com");
    let (other, _, _) = server.customer("two@example.com");
    let state = |public: &str| {
        let keys = server.cli_json(&["key", "list", &account])["keys"].clone();
        let key = keys
            .as_array()
            .unwrap()
            .iter()
            .find(|k| k["public_key"] == public);
        key.map(|k| k["enabled"].clone())
    };
    server.cli(&["key", "disable", &account, &public]);
    assert_eq!(state(&public), Some(serde_json::json!(false)));
    server.cli(&["key", "enable", &public]);
    assert_eq!(state(&public), Some(serde_json::json!(true)));
    server.refuses(
        &["key", "delete", &other, &public],
        "is not a key of account",
    );
    server.refuses(
        &["key", "disable", "NoSuchKey"],
        "give PUBLIC_KEY or ACCOUNT PUBLIC_KEY",
    );
    server.refuses(
        &["key", "disable", &account, &public, "extra"],
        "give PUBLIC_KEY or ACCOUNT PUBLIC_KEY",
    );
    assert_eq!(
        state(&public),
        Some(serde_json::json!(true)),
        "nothing changed"
    );
    server.cli(&["key", "delete", &account, &public]);
    assert_eq!(state(&public), None);
}

#[test]
fn storage_gc_accepts_a_zero_age() {
    let server = Server::start(Backend::Sqlite);
    for zero in ["0", "0s", "0m"] {
        let report = server.cli_json(&["storage", "gc", "--min-age", zero, "--dry-run"]);
        assert!(report["report"].is_object(), "{zero}: {report}");
    }
}

#[test]
fn the_account_id_prefix_variable_is_the_flags_name_and_the_old_one_still_works() {
    let server = Server::start(Backend::Sqlite);
    let create = |var: &str, prefix: &str, email: &str| {
        let out = server
            .command()
            .env(var, prefix)
            .args([
                "--json", "account", "create", "--email", email, "--name", "N",
            ])
            .output()
            .unwrap();
        let out = succeeded(out, "account create");
        serde_json::from_str::<serde_json::Value>(&out).unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert!(create("PACKYARD_ACCOUNT_ID_PREFIX", "NEW", "a@example.com").starts_with("NEW"));
    assert!(create("PACKYARD_ACCOUNT_PREFIX", "OLD", "b@example.com").starts_with("OLD"));
}

#[test]
fn a_subcommands_help_lists_its_own_options_before_the_global_ones() {
    let out = std::process::Command::new(BIN)
        .args(["invoice", "add", "--help"])
        .output()
        .unwrap();
    let help = succeeded(out, "invoice add --help");
    let at = |needle: &str| {
        help.find(needle)
            .unwrap_or_else(|| panic!("{needle}: {help}"))
    };
    assert!(at("--amount") < at("Global options:"), "{help}");
    assert!(at("Global options:") < at("--data-dir"), "{help}");
}
