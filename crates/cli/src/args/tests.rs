//! The command-line grammar's own checks: help and environment variables on everything,
//! durations, public URLs, and the layout of subcommand help.

use super::{Cli, parse_age, parse_duration};
use clap::CommandFactory;

/// SPEC §10: every command, subcommand and argument has help text, and every option an
/// environment variable.
#[test]
fn every_command_and_argument_is_documented_and_every_option_has_an_env_var() {
    fn walk(cmd: &clap::Command, path: &str, problems: &mut Vec<String>) {
        for arg in cmd.get_arguments() {
            let id = arg.get_id().as_str();
            if ["help", "version"].contains(&id) {
                continue;
            }
            if arg.get_help().is_none() {
                problems.push(format!("{path} {id}: no help text"));
            }
            if !arg.is_positional() && arg.get_env().is_none() {
                problems.push(format!("{path} --{id}: no environment variable"));
            }
            // The variable is the flag's name, after PACKYARD_ and the command's words.
            if let (Some(env), Some(long)) = (arg.get_env(), arg.get_long()) {
                let env = env.to_string_lossy();
                let flag = long.to_uppercase().replace('-', "_");
                if !env.starts_with("PACKYARD_") || !env.ends_with(&format!("_{flag}")) {
                    problems.push(format!("{path} --{long}: variable {env} is not its name"));
                }
            }
        }
        for sub in cmd.get_subcommands() {
            let sub_path = format!("{path} {}", sub.get_name());
            if sub.get_about().is_none() && sub.get_name() != "help" {
                problems.push(format!("{sub_path}: no help text"));
            }
            walk(sub, &sub_path, problems);
        }
    }
    let mut problems = Vec::new();
    walk(&Cli::command(), "packyard", &mut problems);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    Cli::command().debug_assert();
}

/// A subcommand's help lists its own options first and the global ones under their own
/// heading after them.
#[test]
fn subcommand_help_shows_its_own_options_before_the_global_ones() {
    let mut cli = Cli::command();
    cli.build();
    let key = cli.find_subcommand_mut("key").unwrap();
    let help = key.find_subcommand_mut("create").unwrap().render_help();
    let help = help.to_string();
    let at = |needle: &str| {
        help.find(needle)
            .unwrap_or_else(|| panic!("{needle} missing:\n{help}"))
    };
    assert!(at("\nOptions:") < at("\n      --name"), "{help}");
    assert!(at("\n      --name") < at("Global options:"), "{help}");
    assert!(at("Global options:") < at("--data-dir"), "{help}");
}

#[test]
fn public_urls_are_absolute_http_urls() {
    use super::parse_public_url;
    assert_eq!(
        parse_public_url("https://repo.example.com/").as_deref(),
        Ok("https://repo.example.com")
    );
    assert!(parse_public_url("http://127.0.0.1:8080/packyard").is_ok());
    for bad in [
        "repo.example.com",
        "ftp://x",
        "https://",
        "http://:80",
        "https://a b",
        "//x",
    ] {
        let error = parse_public_url(bad).unwrap_err();
        assert!(error.contains("absolute http(s) URL"), "{bad}: {error}");
    }
}

#[test]
fn durations() {
    assert_eq!(parse_duration("90").unwrap().as_secs(), 90);
    assert_eq!(parse_duration("30m").unwrap().as_secs(), 1800);
    assert_eq!(parse_duration("12h").unwrap().as_secs(), 43200);
    assert_eq!(parse_duration("2d").unwrap().as_secs(), 172_800);
    assert_eq!(parse_duration("1h 30m").unwrap().as_secs(), 5400);
    for bad in ["", "h", "0", "0s", "5 parsecs", "-3s"] {
        assert!(parse_duration(bad).is_err(), "{bad}");
    }
    for zero in ["0", "0s", "0m", " 0h "] {
        assert_eq!(parse_age(zero), Ok(std::time::Duration::ZERO), "{zero}");
    }
    assert!(parse_age("-1s").is_err());
}
