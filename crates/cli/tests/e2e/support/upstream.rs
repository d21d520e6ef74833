//! An upstream repository the tests change like a vendor would: a bare repository served by
//! [`super::git_servers`] and a working clone to commit, tag and push from. Commit dates
//! are fixed per commit so versions get known times.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::git_servers::{GIT, HTTP_PASSWORD, HTTP_USER, git_servers};
use super::succeeded;

pub struct Upstream {
    pub name: String,
    pub bare: PathBuf,
    pub work: PathBuf,
    commits: u32,
}

pub fn git(dir: &Path, args: &[&str], date: &str) -> String {
    let out = Command::new(GIT)
        .current_dir(dir)
        .args([
            "-c",
            "user.name=Vendor",
            "-c",
            "user.email=vendor@example.com",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .env("GIT_COMMITTER_DATE", date)
        .env("GIT_AUTHOR_DATE", date)
        .output()
        .unwrap();
    succeeded(out, &format!("git {args:?}")).trim().to_string()
}

impl Upstream {
    /// A new, empty repository named `name` (unique per test binary).
    pub fn new(name: &str) -> Upstream {
        let servers = git_servers();
        let bare = servers.root.join(format!("{name}.git"));
        let work = servers.root.join("work").join(name);
        std::fs::create_dir_all(&work).unwrap();
        git(
            &servers.root,
            &["init", "--quiet", "--bare", bare.to_str().unwrap()],
            "2024-01-01T00:00:00Z",
        );
        git(&work, &["init", "--quiet"], "2024-01-01T00:00:00Z");
        git(
            &work,
            &["remote", "add", "origin", bare.to_str().unwrap()],
            "2024-01-01T00:00:00Z",
        );
        Upstream {
            name: name.into(),
            bare,
            work,
            commits: 0,
        }
    }

    pub fn local_url(&self) -> String {
        self.bare.display().to_string()
    }

    pub fn git_url(&self) -> String {
        format!(
            "git://127.0.0.1:{}/{}.git",
            git_servers().daemon_port,
            self.name
        )
    }

    /// The smart-HTTP URL with the Basic credentials in it.
    pub fn http_url(&self) -> String {
        let password = HTTP_PASSWORD.replace(' ', "%20");
        format!(
            "http://{HTTP_USER}:{password}@127.0.0.1:{}/{}.git",
            git_servers().http_port,
            self.name
        )
    }

    /// Writes `files` and commits them; each commit is one day after the previous one.
    /// Returns the commit id and its date.
    pub fn commit(&mut self, files: &[(&str, &str)]) -> (String, String) {
        for (path, content) in files {
            let p = self.work.join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, content).unwrap();
        }
        self.commits += 1;
        let date =
            chrono::DateTime::from_timestamp(1_704_067_200 + i64::from(self.commits) * 86_400, 0)
                .unwrap();
        let date = date.format("%Y-%m-%dT%H:%M:%SZ").to_string();
        git(&self.work, &["add", "-A"], &date);
        git(
            &self.work,
            &[
                "commit",
                "--quiet",
                "--allow-empty",
                "-m",
                &format!("change {}", self.commits),
            ],
            &date,
        );
        (git(&self.work, &["rev-parse", "HEAD"], &date), date)
    }

    /// Tags HEAD (annotated, forced: moving a tag is part of the tests).
    pub fn tag(&self, name: &str) {
        git(
            &self.work,
            &["tag", "-f", "-a", name, "-m", name],
            "2024-01-01T00:00:00Z",
        );
    }

    /// Deletes tag `name` upstream.
    pub fn delete_tag(&self, name: &str) {
        let spec = format!(":refs/tags/{name}");
        git(
            &self.work,
            &["push", "--quiet", "origin", &spec],
            "2024-01-01T00:00:00Z",
        );
        git(&self.work, &["tag", "-d", name], "2024-01-01T00:00:00Z");
    }

    pub fn push(&self) {
        git(
            &self.work,
            &[
                "push",
                "--quiet",
                "--force",
                "--tags",
                "origin",
                "HEAD:refs/heads/main",
            ],
            "2024-01-01T00:00:00Z",
        );
    }

    /// A composer.json for `package` with a class file, the usual shape of a library.
    pub fn library(&mut self, package: &str, marker: &str) -> (String, String) {
        let manifest =
            format!(r#"{{"name": "{package}", "autoload": {{"psr-4": {{"Acme\\": "src/"}}}}}}"#);
        self.commit(&[
            ("composer.json", &manifest),
            ("src/Marker.php", &format!("<?php // {marker}\n")),
            ("tests/Slow.php", "<?php // not shipped\n"),
            (".gitattributes", "/tests export-ignore\n"),
        ])
    }
}
