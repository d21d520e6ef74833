//! Changes print the same in both modes: each one is made locally and undone, then made
//! remotely and undone, and the two sides must say the same thing (text and `--json`) but
//! for the names each side picked (`{who}`) and the ids the server handed out.

use std::process::Output;

use serde_json::Value;

use super::{WEBHOOK_SECRET, bare_repo, installation};
use crate::support::*;

/// One change: its arguments (`{who}`, `{advisory}` and `{release}` filled in per side) and
/// what it reads on standard input.
type Change = (&'static [&'static str], &'static str);

const CHANGES: &[Change] = &[
    (
        &[
            "operator",
            "create",
            "--email",
            "{who}@staff.example",
            "--password-stdin",
        ],
        "a first password",
    ),
    (&["operator", "disable", "{who}@staff.example"], ""),
    (&["operator", "enable", "{who}@staff.example"], ""),
    (
        &[
            "operator",
            "set-password",
            "{who}@staff.example",
            "--password-stdin",
        ],
        "a second password",
    ),
    (
        &[
            "advisory",
            "add",
            "acme/tree",
            "--affected",
            "<2",
            "--title",
            "{who}",
            "--reported-at",
            "2026-04-01",
        ],
        "",
    ),
    (&["advisory", "withdraw", "{advisory}"], ""),
    (
        &[
            "package",
            "abandon",
            "acme/tree",
            "--replacement",
            "acme/other",
        ],
        "",
    ),
    (&["package", "unabandon", "acme/tree"], ""),
    (&["package", "unlist", "acme/tree", "1.0.0"], ""),
    (&["package", "relist", "acme/tree", "1.0.0"], ""),
    (&["version", "unrecall", "acme/tree", "1.0.0"], ""),
    (
        &["version", "recall", "acme/tree", "1.0.0", "--reason", "bad"],
        "",
    ),
    (
        &["notice", "set", "{who} maintenance", "--kind", "warning"],
        "",
    ),
    (&["notice", "clear", "--kind", "warning"], ""),
    (
        &[
            "release",
            "add",
            "{release}",
            "--type",
            "other",
            "--version",
            "1.0",
            "--product",
            "tree",
        ],
        "",
    ),
    (&["release", "delete", "{who}.zip"], ""),
    (
        &[
            "upstream",
            "add",
            "{who}",
            "https://{who}.invalid",
            "--priority",
            "3",
        ],
        "",
    ),
    (&["upstream", "remove", "{who}"], ""),
];

/// `value` with every string, number and boolean replaced by its kind: the document's shape.
fn shape(value: &Value) -> Value {
    match value {
        Value::Object(map) => map.iter().map(|(k, v)| (k.clone(), shape(v))).collect(),
        Value::Array(items) => items.iter().map(shape).collect(),
        Value::String(_) => "string".into(),
        Value::Number(_) => "number".into(),
        Value::Bool(_) => "bool".into(),
        Value::Null => Value::Null,
    }
}

/// One side of the comparison: where it runs and what it names things.
struct Side<'a> {
    remote: Option<&'a Remote<'a>>,
    /// (placeholder, this side's value), for arguments and for reading the answers back.
    names: Vec<(&'static str, String)>,
}

impl Side<'_> {
    fn run(&self, server: &Server, (args, input): &Change, json: bool) -> String {
        let mut filled: Vec<String> = json.then(|| "--json".to_string()).into_iter().collect();
        filled.extend(args.iter().map(|a| {
            let mut a = a.to_string();
            for (placeholder, value) in &self.names {
                a = a.replace(placeholder, value);
            }
            a
        }));
        let filled: Vec<&str> = filled.iter().map(String::as_str).collect();
        let out: Output = match self.remote {
            Some(remote) => remote.output_with_input(&filled, input),
            None => {
                let mut command = server.command();
                command.args(&filled);
                run_with_input(&mut command, format!("{input}\n").as_bytes())
            }
        };
        let mut text = succeeded(out, &format!("{filled:?}"));
        // Longest first: the release's path holds `{who}`.
        for (placeholder, value) in self.names.iter().rev() {
            text = text.replace(value, placeholder);
        }
        text
    }

    /// Every change, in order: what each printed.
    fn all(&self, server: &Server, json: bool) -> Vec<String> {
        CHANGES.iter().map(|c| self.run(server, c, json)).collect()
    }
}

backend_tests!(changes_print_the_same_in_local_and_remote_mode);
fn changes_print_the_same_in_local_and_remote_mode(backend: Backend) {
    let server = Server::start(backend);
    let (_, _, token) = installation(&server);
    let remote = Remote::new(&server, &token);
    let releases = server.work_dir("release-files");
    // The installation's advisory is 0001; each round adds the next.
    let mut advisories = 1..;
    let mut side = |remote: Option<&'static str>, mode: &str| {
        let who = format!("{}-{mode}", remote.unwrap_or("local"));
        let release = releases.join(format!("{who}.zip"));
        std::fs::write(&release, b"the same release bytes").unwrap();
        let id = advisories.next().unwrap() + 1;
        vec![
            ("{who}", who),
            ("{advisory}", format!("PKSA-2026-{id:04}")),
            ("{release}", release.display().to_string()),
        ]
    };
    for json in [false, true] {
        let mode = if json { "json" } else { "text" };
        let local = Side {
            remote: None,
            names: side(None, mode),
        };
        let there = Side {
            remote: Some(&remote),
            names: side(Some("remote"), mode),
        };
        let (here, away) = (local.all(&server, json), there.all(&server, json));
        for ((change, here), away) in CHANGES.iter().zip(here).zip(away) {
            if json {
                let (here, away): (Value, Value) = (
                    serde_json::from_str(&here).unwrap(),
                    serde_json::from_str(&away).unwrap(),
                );
                assert_eq!(
                    shape(&here),
                    shape(&away),
                    "{backend:?}: --json of {change:?}"
                );
            } else {
                assert_eq!(here, away, "{backend:?}: text of {change:?}");
            }
        }
    }

    // A repository: the same document in both modes; the ids are the server's.
    let mut shapes = Vec::new();
    for (name, remote) in [("here.git", None), ("away.git", Some(&remote))] {
        let add = [
            "--json",
            "repo",
            "add",
            &bare_repo(&server, name),
            "--secret-stdin",
        ];
        let added = match remote {
            Some(r) => succeeded(r.output_with_input(&add, WEBHOOK_SECRET), "remote repo add"),
            None => server.cli_with_stdin(&add, WEBHOOK_SECRET),
        };
        let added: Value = serde_json::from_str(&added).unwrap();
        let id = added["id"].to_string();
        let gone = ["repo", "remove", id.as_str()];
        let removed = match remote {
            Some(r) => r.ok(&gone),
            None => server.cli(&gone),
        };
        let said = format!("repository {id} removed; the versions it published stay\n");
        assert_eq!(removed, said, "{backend:?}");
        shapes.push(shape(&added));
    }
    assert_eq!(shapes[0], shapes[1], "{backend:?}: --json of repo add");
    assert_eq!(shapes[0]["webhook_url"], "string", "{backend:?}");
}
