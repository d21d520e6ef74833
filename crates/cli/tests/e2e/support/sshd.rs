//! A real OpenSSH server (Debian's `openssh-server`) for the ssh transport tests: `sshd -D`
//! as the current user on a free port, with a fresh host key, client key and authorized_keys
//! in a temporary directory. Stopped when dropped.

use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use super::{PROPAGATION, eventually, succeeded};

pub const SSHD: &str = "/usr/sbin/sshd";

pub struct Sshd {
    pub dir: tempfile::TempDir,
    pub port: u16,
    pub user: String,
    child: Child,
}

fn keygen(path: &std::path::Path) {
    let out = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-f"])
        .arg(path)
        .output()
        .unwrap();
    succeeded(out, "ssh-keygen");
}

impl Sshd {
    pub fn start() -> Sshd {
        let dir = tempfile::tempdir().unwrap();
        let path = |name: &str| dir.path().join(name);
        keygen(&path("host_key"));
        keygen(&path("client_key"));
        std::fs::copy(path("client_key.pub"), path("authorized_keys")).unwrap();
        let config = format!(
            "AuthorizedKeysFile {}\nStrictModes no\nUsePAM no\nPasswordAuthentication no\n\
             KbdInteractiveAuthentication no\nPidFile none\nListenAddress 127.0.0.1\n",
            path("authorized_keys").display()
        );
        std::fs::write(path("sshd_config"), config).unwrap();
        // Run as root, sshd needs its privilege separation directory (the package's service
        // creates it at boot); only root can create it, and only root needs it.
        let _ = std::fs::create_dir_all("/run/sshd");
        let port = super::free_port();
        let child = Command::new(SSHD)
            .args(["-D", "-e", "-f"])
            .arg(path("sshd_config"))
            .args(["-p", &port.to_string(), "-h"])
            .arg(path("host_key"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(path("sshd.log")).unwrap())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("{SSHD} cannot start (apt-get install openssh-server): {e}")
            });
        let who = Command::new("id").arg("-un").output().unwrap();
        let mut sshd = Sshd {
            user: succeeded(who, "id -un").trim().to_string(),
            dir,
            port,
            child,
        };
        let listening = eventually(PROPAGATION * 5, || {
            TcpStream::connect(("127.0.0.1", port)).is_ok()
        });
        assert!(listening, "sshd is not listening: {}", sshd.log());
        assert!(sshd.child.try_wait().unwrap().is_none(), "{}", sshd.log());
        sshd
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("sshd.log")).unwrap_or_default()
    }

    pub fn client_key(&self) -> PathBuf {
        self.dir.path().join("client_key")
    }

    /// A known_hosts file trusting this server's host key for `[127.0.0.1]:port`.
    pub fn known_hosts(&self) -> PathBuf {
        let host_key = std::fs::read_to_string(self.dir.path().join("host_key.pub")).unwrap();
        let key: Vec<&str> = host_key.split_whitespace().take(2).collect();
        let file = self.dir.path().join("known_hosts");
        let line = format!("[127.0.0.1]:{} {}\n", self.port, key.join(" "));
        std::fs::write(&file, line).unwrap();
        file
    }
}

impl Drop for Sshd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
