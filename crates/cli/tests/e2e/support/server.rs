//! A `packyard serve` child process on an ephemeral port, plus the CLI bound to the same
//! database and artifacts. Each `Server` gets its own data directory (and, for PostgreSQL,
//! its own database, dropped afterwards).

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};

use serde_json::Value;

pub const BIN: &str = env!("CARGO_BIN_EXE_packyard");

use packyard_testkit::PostgresDatabase;
pub use packyard_testkit::{Backend, backend_tests};

pub struct Server {
    pub url: String,
    pub host: String,
    pub dir: tempfile::TempDir,
    database_url: Option<String>,
    child: Option<Child>,
    extra_args: Vec<String>,
    /// Global arguments and environment every command of this server gets (a node joining
    /// shared state: `--storage-url`, the AWS variables).
    global_args: Vec<String>,
    env: Vec<(String, String)>,
    /// Where the server's stderr goes when its log is to be read (see [`Server::start_logging`]).
    log_file: Option<PathBuf>,
    // Declared last so it is dropped after the child is stopped in `Drop`.
    _postgres: Option<PostgresDatabase>,
}

impl Server {
    pub fn start(backend: Backend) -> Server {
        Server::start_with(backend, &[])
    }

    pub fn start_with(backend: Backend, extra_args: &[&str]) -> Server {
        let postgres = (backend == Backend::Postgres).then(PostgresDatabase::create);
        let url = postgres.as_ref().map(|db| db.url.clone());
        Server::spawned(url, postgres, extra_args)
    }

    /// Like [`Server::start_with`], with `env` set for the server and its CLI commands.
    pub fn start_with_env(backend: Backend, extra_args: &[&str], env: &[(&str, &str)]) -> Server {
        let postgres = (backend == Backend::Postgres).then(PostgresDatabase::create);
        let url = postgres.as_ref().map(|db| db.url.clone());
        let mut server = Server::unstarted(url, postgres, extra_args);
        server.env = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        server.spawn();
        server
    }

    /// A server (and CLI) on the database at `database_url`, which the caller owns, e.g. a
    /// PostgreSQL database reached through a `packyard_testkit::proxy::TcpProxy`.
    pub fn start_on_database(database_url: &str, extra_args: &[&str]) -> Server {
        Server::spawned(Some(database_url.to_string()), None, extra_args)
    }

    fn spawned(
        database_url: Option<String>,
        postgres: Option<PostgresDatabase>,
        extra_args: &[&str],
    ) -> Server {
        let mut server = Server::unstarted(database_url, postgres, extra_args);
        server.spawn();
        server
    }

    /// A server on a fresh data directory, not started yet.
    fn unstarted(
        database_url: Option<String>,
        postgres: Option<PostgresDatabase>,
        extra_args: &[&str],
    ) -> Server {
        Server {
            url: String::new(),
            host: String::new(),
            dir: tempfile::tempdir().unwrap(),
            database_url,
            child: None,
            extra_args: extra_args.iter().map(|s| s.to_string()).collect(),
            global_args: Vec::new(),
            env: Vec::new(),
            log_file: None,
            _postgres: postgres,
        }
    }

    /// A node on state that outlives it (a database and storage shared by several nodes):
    /// `database_url`, `global_args` and `env` go to every command, `extra_args` to `serve`.
    pub fn join(
        database_url: &str,
        global_args: &[String],
        env: &[(String, String)],
        extra_args: &[&str],
    ) -> Server {
        let mut server = Server::unstarted(Some(database_url.to_string()), None, extra_args);
        server.global_args = global_args.to_vec();
        server.env = env.to_vec();
        server.spawn();
        server
    }

    /// Ends the server process with SIGKILL (`kill -9`): no shutdown work runs.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().unwrap();
            child.wait().unwrap();
        }
    }

    /// Like [`Server::start_with`], with the server's log (access lines included) kept in
    /// a file for [`Server::log`].
    pub fn start_logging(backend: Backend, extra_args: &[&str]) -> Server {
        let mut server = Server::start_with(backend, extra_args);
        server.log_file = Some(server.dir.path().join("server.log"));
        server.restart();
        server
    }

    /// Everything the server has logged so far (only for [`Server::start_logging`]).
    pub fn log(&self) -> String {
        let path = self.log_file.as_ref().expect("started with start_logging");
        std::fs::read_to_string(path).unwrap_or_default()
    }

    /// Stops the server as `kill -9` would and starts it again on the same state.
    pub fn restart(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        self.spawn();
    }

    /// Sends `signal` (e.g. "TERM", "HUP") to the server process.
    pub fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(self.pid().to_string())
            .status()
            .expect("kill runs");
        assert!(status.success(), "kill -{signal} failed");
    }

    /// Waits up to `limit` for the server to exit; its status if it did.
    pub fn wait_exit(&mut self, limit: std::time::Duration) -> Option<std::process::ExitStatus> {
        let start = std::time::Instant::now();
        let child = self.child.as_mut().expect("server is running");
        while start.elapsed() < limit {
            if let Some(status) = child.try_wait().unwrap() {
                self.child = None;
                return Some(status);
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        None
    }

    fn spawn(&mut self) {
        let mut cmd = self.command();
        cmd.args(["serve", "--listen", "127.0.0.1:0"])
            .args(&self.extra_args);
        // Access lines would drown the test output; tests that read them keep a log file.
        let stderr = match &self.log_file {
            Some(path) => {
                cmd.env("PACKYARD_LOG", "packyard=info,warn");
                Stdio::from(std::fs::File::create(path).unwrap())
            }
            None => {
                cmd.env("PACKYARD_LOG", "packyard::access=warn,packyard=info,warn");
                Stdio::inherit()
            }
        };
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("packyard serve starts");
        let url = announced_url(&mut child);
        self.host = url.split_once("://").map_or("", |(_, h)| h).to_string();
        self.url = url;
        self.child = Some(child);
    }

    /// The PostgreSQL URL of this server's database (`None` for the embedded SQLite one).
    pub fn database_url(&self) -> Option<&str> {
        self.database_url.as_deref()
    }

    /// The server process id, to read its memory use from /proc.
    pub fn pid(&self) -> u32 {
        self.child.as_ref().expect("server is running").id()
    }

    /// A `packyard` command bound to this server's state.
    pub fn command(&self) -> Command {
        let mut cmd = Command::new(BIN);
        cmd.arg("--data-dir").arg(self.dir.path().join("data"));
        if let Some(url) = &self.database_url {
            cmd.arg("--database-url").arg(url);
        }
        cmd.env_remove("PACKYARD_DATABASE_URL")
            .env_remove("PACKYARD_DATA_DIR")
            .args(&self.global_args)
            .envs(self.env.iter().map(|(k, v)| (k, v)));
        cmd
    }

    /// Runs the CLI; panics with its stderr if it fails.
    pub fn cli(&self, args: &[&str]) -> String {
        super::succeeded(self.cli_output(args), &format!("packyard {args:?}"))
    }

    pub fn cli_output(&self, args: &[&str]) -> Output {
        self.command()
            .args(args)
            .stdin(Stdio::null())
            .output()
            .unwrap()
    }

    /// Runs the CLI and expects it to fail with one line on stderr that contains `expected`
    /// (SPEC §5); returns that line.
    #[track_caller]
    pub fn refuses(&self, args: &[&str], expected: &str) -> String {
        let out = self.cli_output(args);
        let stderr = String::from_utf8_lossy(&out.stderr).trim_end().to_string();
        assert!(!out.status.success(), "{args:?} succeeded");
        assert_eq!(
            stderr.lines().count(),
            1,
            "{args:?}: not one line: {stderr}"
        );
        assert!(
            stderr.contains(expected),
            "{args:?}: {expected:?} not in {stderr}"
        );
        stderr
    }

    /// Runs the CLI with `input` on standard input (for `--password-stdin`).
    pub fn cli_with_stdin(&self, args: &[&str], input: &str) -> String {
        let mut command = self.command();
        command.args(args);
        let out = super::run_with_input(&mut command, format!("{input}\n").as_bytes());
        super::succeeded(out, &format!("packyard {args:?}"))
    }

    /// Creates an operator and returns a fresh admin API token of theirs.
    pub fn admin_token(&self, email: &str) -> String {
        self.cli_with_stdin(
            &["operator", "create", "--email", email, "--password-stdin"],
            "operator password",
        );
        self.cli_json(&[
            "operator", "token", "create", "--email", email, "--name", "ci",
        ])["token"]
            .as_str()
            .unwrap()
            .to_string()
    }

    pub fn cli_json(&self, args: &[&str]) -> Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        serde_json::from_str(&self.cli(&all)).expect("--json prints one JSON document")
    }

    pub fn work_dir(&self, name: &str) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::create_dir_all(&p).unwrap();
        p
    }

    /// Creates an account with one key; returns (account id, public key, private key).
    pub fn customer(&self, email: &str) -> (String, String, String) {
        let id = self.cli_json(&[
            "account",
            "create",
            "--email",
            email,
            "--name",
            "Test Customer",
        ])["id"]
            .as_str()
            .unwrap()
            .to_string();
        let key = self.cli_json(&["key", "create", &id, "--name", "ci"]);
        (
            id,
            key["public_key"].as_str().unwrap().into(),
            key["private_key"].as_str().unwrap().into(),
        )
    }

    /// Waits (up to 5 s) until the key sees `package` in its packages.json.
    pub fn wait_visible(&self, public: &str, private: &str, package: &str) {
        let url = format!("{}/packages.json", self.url);
        let seen = super::eventually(super::PROPAGATION * 5, || {
            let r = super::curl_as(&url, public, private, &[]);
            r.status == 200
                && r.json()["available-packages"]
                    .as_array()
                    .is_some_and(|a| a.iter().any(|p| p == package))
        });
        assert!(seen, "{package} never became visible to {public}");
    }

    /// Publishes zips (written into a temp folder) with the CLI; returns its JSON report.
    pub fn publish(&self, zips: &[(String, Vec<u8>)]) -> Value {
        let dir = self.work_dir("zips");
        let mut args = vec!["--json".to_string(), "publish".to_string()];
        for (name, bytes) in zips {
            let path = dir.join(name);
            std::fs::write(&path, bytes).unwrap();
            args.push(path.display().to_string());
        }
        let out = self.command().args(&args).output().unwrap();
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "publish printed no JSON ({e}): {}",
                String::from_utf8_lossy(&out.stderr)
            )
        })
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// The URL `packyard serve` prints on its first line of standard output (piped).
pub fn announced_url(child: &mut Child) -> String {
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    line.split_whitespace()
        .find(|w| w.starts_with("http://") || w.starts_with("https://"))
        .unwrap_or_else(|| panic!("unexpected first line from packyard serve: {line:?}"))
        .to_string()
}
