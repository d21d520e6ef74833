//! Talking to the upstream repository. Listing and fetching use the system `git` command
//! ([`GitSettings::program`], default `git`) rather than gix's network client: gix's https transport
//! would pull a second HTTP/TLS stack (reqwest or curl) into the build, and its ssh transport
//! runs the `ssh` program anyway; the git command gives https, ssh keys, `git://` and local
//! paths with one well-known behaviour. Everything after the fetch (trees, blobs, commit
//! times, archives) is read with gix.
//!
//! Credentials never appear on a command line: user and password from an https URL (or the
//! settings' fallback credentials) travel as an `Authorization` header set through
//! `GIT_CONFIG_*` environment variables of the git process; the settings' ssh key and
//! known-hosts file select the key and the trusted host keys (see [`ssh_command`]). The
//! settings are a value the caller builds (the CLI, from its environment): this library
//! reads no environment variables.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};

use base64::Engine;

use crate::error::{Result, VcsError};

/// How git is run for every repository.
#[derive(Clone, Default)]
pub struct GitSettings {
    /// The git program (`git` on the `PATH` when unset).
    pub program: Option<String>,
    /// Credentials for http(s) URLs that carry none.
    pub basic: Option<(String, String)>,
    /// The ssh private key to use.
    pub ssh_key: Option<String>,
    /// The only file of trusted ssh host keys (checked strictly).
    pub ssh_known_hosts: Option<String>,
}

impl std::fmt::Debug for GitSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GitSettings")
            .field("program", &self.program)
            .field("basic", &self.basic.as_ref().map(|(user, _)| user))
            .field("ssh_key", &self.ssh_key)
            .field("ssh_known_hosts", &self.ssh_known_hosts)
            .finish()
    }
}

/// An upstream repository URL, split into what git may see and the credentials it must not.
#[derive(Clone)]
pub struct Remote {
    url: String,
    basic: Option<(String, String)>,
    /// An http(s) URL without credentials: the settings' fallback credentials apply.
    fallback_basic: bool,
}

impl std::fmt::Debug for Remote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.url)
    }
}

/// One upstream ref: `refs/tags/…` or `refs/heads/…` and the commit it names (annotated
/// tags peeled to their commit).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RemoteRef {
    pub name: String,
    pub commit: String,
}

impl Remote {
    /// Parses `url`, taking `user:password@` out of http(s) URLs.
    pub fn new(url: &str) -> Remote {
        for scheme in ["https://", "http://"] {
            if let Some(rest) = url.strip_prefix(scheme) {
                let host_end = rest.find('/').unwrap_or(rest.len());
                if let Some(at) = rest[..host_end].rfind('@') {
                    let (user, password) = rest[..at].split_once(':').unwrap_or((&rest[..at], ""));
                    return Remote {
                        url: format!("{scheme}{}", &rest[at + 1..]),
                        basic: Some((percent_decode(user), percent_decode(password))),
                        fallback_basic: false,
                    };
                }
                return Remote {
                    url: url.to_string(),
                    basic: None,
                    fallback_basic: true,
                };
            }
        }
        Remote {
            url: url.to_string(),
            basic: None,
            fallback_basic: false,
        }
    }

    /// The URL without credentials, safe to show and log.
    pub fn display_url(&self) -> &str {
        &self.url
    }

    fn git(&self, settings: &GitSettings, dir: Option<&Path>) -> Command {
        let mut cmd = Command::new(settings.program.as_deref().unwrap_or("git"));
        if let Some(dir) = dir {
            cmd.current_dir(dir);
        }
        cmd.env("GIT_TERMINAL_PROMPT", "0")
            .env("GIT_ASKPASS", "true");
        let mut config: Vec<(&str, String)> = vec![("credential.helper", String::new())];
        let fallback = settings.basic.as_ref().filter(|_| self.fallback_basic);
        if let Some((user, password)) = self.basic.as_ref().or(fallback) {
            let token =
                base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
            config.push(("http.extraHeader", format!("Authorization: Basic {token}")));
        }
        cmd.env("GIT_CONFIG_COUNT", config.len().to_string());
        for (i, (key, value)) in config.into_iter().enumerate() {
            cmd.env(format!("GIT_CONFIG_KEY_{i}"), key)
                .env(format!("GIT_CONFIG_VALUE_{i}"), value);
        }
        let (key, known_hosts) = (&settings.ssh_key, &settings.ssh_known_hosts);
        if let Some(ssh) = ssh_command(key.as_deref(), known_hosts.as_deref()) {
            cmd.env("GIT_SSH_COMMAND", ssh);
        }
        cmd
    }

    /// Every tag and branch upstream, by ref name (tags peeled to commits).
    pub fn list_refs(&self, settings: &GitSettings) -> Result<BTreeMap<String, String>> {
        let out = run(
            self.git(settings, None)
                .args(["ls-remote", "--tags", "--heads", "--", &self.url]),
            "ls-remote",
        )?;
        Ok(parse_ls_remote(&String::from_utf8_lossy(&out.stdout)))
    }

    /// Fetches `refs` (full names) into the bare mirror at `mirror`, creating it if needed.
    /// Many refs are fetched with wildcards in one round trip.
    pub fn fetch(&self, settings: &GitSettings, mirror: &Path, refs: &[&str]) -> Result<()> {
        if refs.is_empty() {
            return Ok(());
        }
        if !mirror.join("HEAD").exists() {
            std::fs::create_dir_all(mirror)?;
            run(
                self.git(settings, Some(mirror))
                    .args(["init", "--quiet", "--bare"]),
                "init",
            )?;
        }
        let specs: Vec<String> = if refs.len() > 32 {
            vec![
                "+refs/heads/*:refs/heads/*".into(),
                "+refs/tags/*:refs/tags/*".into(),
            ]
        } else {
            refs.iter().map(|r| format!("+{r}:{r}")).collect()
        };
        let mut cmd = self.git(settings, Some(mirror));
        cmd.args([
            "fetch",
            "--quiet",
            "--no-tags",
            "--no-write-fetch-head",
            "--",
            &self.url,
        ])
        .args(&specs);
        run(&mut cmd, "fetch").map(|_| ())
    }
}

/// The `ssh` command git runs, when the operator chose a key or a known-hosts file. Host keys
/// are always checked: with `known_hosts`, strictly against that file only (an unknown or
/// changed host is refused); without it, against ssh's usual files, and `BatchMode` refuses
/// an unknown host rather than asking.
fn ssh_command(key: Option<&str>, known_hosts: Option<&str>) -> Option<String> {
    if key.is_none() && known_hosts.is_none() {
        return None;
    }
    let mut ssh = String::from("ssh -o BatchMode=yes");
    if let Some(key) = key {
        ssh += &format!(" -i {} -o IdentitiesOnly=yes", shell_quote(key));
    }
    if let Some(file) = known_hosts {
        ssh += &format!(
            " -o UserKnownHostsFile={} -o StrictHostKeyChecking=yes",
            shell_quote(file)
        );
    }
    Some(ssh)
}

/// `s` as one single-quoted shell word (git runs `GIT_SSH_COMMAND` through the shell).
fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

fn run(cmd: &mut Command, what: &str) -> Result<Output> {
    let out = cmd.output().map_err(|e| VcsError::Command {
        command: what.into(),
        message: format!("cannot run git ({e}); install git or set PACKYARD_GIT"),
    })?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let lines: Vec<&str> = stderr
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        let message = lines.join("; ");
        return Err(VcsError::Command {
            command: what.into(),
            message,
        });
    }
    Ok(out)
}

/// Reads `git ls-remote` output: `OID<TAB>REF` lines, where `REF^{}` lines give the commit an
/// annotated tag points at and win over the tag object's id.
fn parse_ls_remote(text: &str) -> BTreeMap<String, String> {
    let mut refs = BTreeMap::new();
    let mut peeled = BTreeMap::new();
    for line in text.lines() {
        let Some((oid, name)) = line.split_once('\t') else {
            continue;
        };
        match name.strip_suffix("^{}") {
            Some(tag) => peeled.insert(tag.to_string(), oid.to_string()),
            None => refs.insert(name.to_string(), oid.to_string()),
        };
    }
    refs.extend(peeled);
    refs
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_leave_the_url() {
        let r = Remote::new("https://bob:p%40ss@git.example.com/acme/x.git");
        assert_eq!(r.display_url(), "https://git.example.com/acme/x.git");
        assert_eq!(r.basic, Some(("bob".into(), "p@ss".into())));
        assert_eq!(Remote::new("git://h/x").display_url(), "git://h/x");
        assert_eq!(Remote::new("git@h:a/b.git").basic, None);
    }

    #[test]
    fn ssh_options_keep_host_key_checking_on() {
        assert_eq!(ssh_command(None, None), None);
        assert_eq!(
            ssh_command(Some("/k/id it's"), Some("/d/known_hosts")).as_deref(),
            Some(
                "ssh -o BatchMode=yes -i '/k/id it'\\''s' -o IdentitiesOnly=yes \
                 -o UserKnownHostsFile='/d/known_hosts' -o StrictHostKeyChecking=yes"
            )
        );
    }

    #[test]
    fn annotated_tags_are_peeled() {
        let refs = parse_ls_remote("a1\trefs/heads/main\nb2\trefs/tags/v1\nc3\trefs/tags/v1^{}\n");
        assert_eq!(refs["refs/tags/v1"], "c3");
        assert_eq!(refs["refs/heads/main"], "a1");
    }
}
