//! A real SMTP server for the mail tests: `aiosmtpd` (PyPI; scripts/test installs it) with
//! its Maildir handler, on a free loopback port. Mails are read back with Python's `email`
//! module, which decodes the transfer encodings lettre chose (quoted-printable, base64).

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use super::{PROPAGATION, eventually};

/// One received mail: headers that matter and the decoded plain-text part.
#[derive(Debug, serde::Deserialize)]
pub struct ReceivedMail {
    pub from: String,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

pub struct SmtpSink {
    pub port: u16,
    maildir: tempfile::TempDir,
    child: Child,
}

const READ_MAILS: &str = r#"
import email, email.policy, json, mailbox, sys
out = []
for key, msg in sorted(mailbox.Maildir(sys.argv[1], create=False).items(), key=lambda kv: kv[1].get_date() if hasattr(kv[1], 'get_date') else 0):
    m = email.message_from_bytes(msg.as_bytes(), policy=email.policy.default)
    text = m.get_body(preferencelist=('plain',))
    html = m.get_body(preferencelist=('html',))
    out.append({'from': str(m['From']), 'to': str(m['To']), 'subject': str(m['Subject']),
                'text': text.get_content() if text else '', 'html': html.get_content() if html else ''})
print(json.dumps(out))
"#;

impl SmtpSink {
    /// Starts `python3 -m aiosmtpd` writing every mail into a fresh Maildir.
    pub fn start() -> SmtpSink {
        let port = super::free_port();
        let maildir = tempfile::tempdir().unwrap();
        let child = Command::new("python3")
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")])
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(maildir.path().join("mail"))
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 runs (scripts/test installs aiosmtpd with pip)");
        let listening = eventually(PROPAGATION * 10, || {
            std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
        });
        assert!(
            listening,
            "aiosmtpd does not listen on {port}: `python3 -m pip install --user aiosmtpd`"
        );
        SmtpSink {
            port,
            maildir,
            child,
        }
    }

    /// `--smtp-url` for a server that sends here.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    fn dir(&self) -> PathBuf {
        self.maildir.path().join("mail")
    }

    /// Every mail received so far, oldest first.
    pub fn mails(&self) -> Vec<ReceivedMail> {
        if !self.dir().join("new").is_dir() {
            return Vec::new();
        }
        let out = Command::new("python3")
            .args(["-c", READ_MAILS])
            .arg(self.dir())
            .output()
            .unwrap();
        let json = super::succeeded(out, "reading the Maildir");
        serde_json::from_str(&json).unwrap()
    }

    /// The mails to `to` whose subject contains `subject`, once at least `count` arrived.
    pub fn wait_for(&self, to: &str, subject: &str, count: usize) -> Vec<ReceivedMail> {
        let matching = || {
            self.mails()
                .into_iter()
                .filter(|m| m.to.contains(to) && m.subject.contains(subject))
                .collect::<Vec<_>>()
        };
        let arrived = eventually(PROPAGATION * 20, || matching().len() >= count);
        assert!(
            arrived,
            "no mail {subject:?} to {to}; got {:?}",
            self.mails()
        );
        matching()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
