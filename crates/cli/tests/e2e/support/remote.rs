//! The CLI in remote mode, as CI runs it: `packyard --server URL --token T …` from a
//! directory with no Packyard data anywhere near, so every answer comes from the admin API.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

use super::{BIN, Server, run_with_input, succeeded};

/// A directory without data, and the admin API of `server` with an operator's token.
pub struct Remote<'a> {
    server: &'a Server,
    token: String,
    cwd: PathBuf,
    /// The directory when it is this value's own.
    _owned: Option<tempfile::TempDir>,
}

impl<'a> Remote<'a> {
    /// In a new empty directory.
    pub fn new(server: &'a Server, token: &str) -> Remote<'a> {
        let dir = tempfile::tempdir().unwrap();
        Remote {
            cwd: dir.path().to_path_buf(),
            _owned: Some(dir),
            ..Remote::at(server, token, Path::new(""))
        }
    }

    /// In `cwd`, which the caller keeps.
    pub fn at(server: &'a Server, token: &str, cwd: &Path) -> Remote<'a> {
        Remote {
            server,
            token: token.to_string(),
            cwd: cwd.to_path_buf(),
            _owned: None,
        }
    }

    /// The directory the CLI runs in.
    pub fn cwd(&self) -> &Path {
        &self.cwd
    }

    /// `args` with `input` (and a newline) on standard input.
    pub fn output_with_input(&self, args: &[&str], input: &str) -> Output {
        let mut command = Command::new(BIN);
        command
            .args(["--server", &self.server.url, "--token", &self.token])
            .args(args)
            .current_dir(self.cwd())
            .env_remove("PACKYARD_DATA_DIR")
            .env_remove("PACKYARD_DATABASE_URL");
        run_with_input(&mut command, format!("{input}\n").as_bytes())
    }

    pub fn output(&self, args: &[&str]) -> Output {
        self.output_with_input(args, "")
    }

    /// `--json` `args`, however it ends.
    pub fn output_json(&self, args: &[&str]) -> Output {
        self.output(&[&["--json"], args].concat())
    }

    /// The standard output of `args`, which must succeed.
    #[track_caller]
    pub fn ok(&self, args: &[&str]) -> String {
        succeeded(self.output(args), &format!("remote {args:?}"))
    }

    /// The `--json` document of `args`, which must succeed.
    #[track_caller]
    pub fn json(&self, args: &[&str]) -> Value {
        let out = self.ok(&[&["--json"], args].concat());
        serde_json::from_str(&out).expect("--json prints one JSON document")
    }
}
