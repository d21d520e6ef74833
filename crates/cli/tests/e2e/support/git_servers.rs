//! Real git servers for the repository tests, one set per test binary: `git daemon`
//! (`git://`, run per connection in `--inetd` mode from a listener thread here) and smart HTTP
//! (`git http-backend` behind a tiny CGI host here, with HTTP Basic authentication). Both
//! serve the bare repositories under one root; both live in this process's threads, so
//! nothing outlives the test binary. Debian's git (`/usr/bin/git`) runs everything.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

pub const GIT: &str = "/usr/bin/git";
pub const HTTP_USER: &str = "vendor";
pub const HTTP_PASSWORD: &str = "s3cret pass";

pub struct GitServers {
    pub root: PathBuf,
    pub daemon_port: u16,
    pub http_port: u16,
}

/// The servers of this test binary, started on first use.
pub fn git_servers() -> &'static GitServers {
    static SERVERS: OnceLock<GitServers> = OnceLock::new();
    SERVERS.get_or_init(|| {
        // Kept for the binary's lifetime (a static is never dropped).
        let root = tempfile::tempdir().unwrap().keep();
        let daemon = TcpListener::bind("127.0.0.1:0").unwrap();
        let http = TcpListener::bind("127.0.0.1:0").unwrap();
        let servers = GitServers {
            root: root.clone(),
            daemon_port: daemon.local_addr().unwrap().port(),
            http_port: http.local_addr().unwrap().port(),
        };
        let daemon_root = root.clone();
        std::thread::spawn(move || accept(daemon, move |s| serve_daemon(s, &daemon_root)));
        std::thread::spawn(move || accept(http, move |s| serve_http(s, &root)));
        servers
    })
}

fn accept(listener: TcpListener, handle: impl Fn(TcpStream) + Send + Sync + Clone + 'static) {
    for stream in listener.incoming().flatten() {
        let handle = handle.clone();
        std::thread::spawn(move || handle(stream));
    }
}

/// One `git://` connection: `git daemon --inetd` speaks the protocol over the socket.
fn serve_daemon(stream: TcpStream, root: &Path) {
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let _ = Command::new(GIT)
        .args(["daemon", "--inetd", "--export-all"])
        .arg(format!("--base-path={}", root.display()))
        .arg(root)
        .stdin(Stdio::from(std::os::fd::OwnedFd::from(read_half)))
        .stdout(Stdio::from(std::os::fd::OwnedFd::from(stream)))
        .stderr(Stdio::null())
        .status();
}

/// One HTTP/1.1 request (the connection closes after the answer), run through
/// `git http-backend` as CGI after checking Basic credentials.
fn serve_http(stream: TcpStream, root: &Path) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut out = stream;
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    let mut parts = request_line.split_whitespace();
    let (method, target) = (
        parts.next().unwrap_or("GET").to_string(),
        parts.next().unwrap_or("/").to_string(),
    );
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = line.trim_end().split_once(':') {
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let expected = format!(
        "Basic {}",
        base64_encode(&format!("{HTTP_USER}:{HTTP_PASSWORD}"))
    );
    if header("authorization").as_deref() != Some(expected.as_str()) {
        let _ = out.write_all(b"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"git\"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        return;
    }
    let body = read_body(&mut reader, &header);
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    let mut cgi = Command::new(GIT)
        .arg("http-backend")
        .env("GIT_PROJECT_ROOT", root)
        .env("GIT_HTTP_EXPORT_ALL", "1")
        .env("REQUEST_METHOD", &method)
        .env("PATH_INFO", path)
        .env("QUERY_STRING", query)
        .env("REMOTE_USER", HTTP_USER)
        .env("CONTENT_TYPE", header("content-type").unwrap_or_default())
        .env("CONTENT_LENGTH", body.len().to_string())
        .env(
            "HTTP_CONTENT_ENCODING",
            header("content-encoding").unwrap_or_default(),
        )
        .env("GIT_PROTOCOL", header("git-protocol").unwrap_or_default())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    cgi.stdin.take().unwrap().write_all(&body).unwrap();
    let output = cgi.wait_with_output().unwrap().stdout;
    write_cgi_response(&mut out, &output);
}

fn read_body(reader: &mut impl BufRead, header: &dyn Fn(&str) -> Option<String>) -> Vec<u8> {
    let mut body = Vec::new();
    if header("transfer-encoding").is_some_and(|t| t.eq_ignore_ascii_case("chunked")) {
        loop {
            let mut size = String::new();
            reader.read_line(&mut size).unwrap();
            let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
            let mut chunk = vec![0; n + 2];
            reader.read_exact(&mut chunk).unwrap();
            if n == 0 {
                return body;
            }
            body.extend_from_slice(&chunk[..n]);
        }
    }
    let n: usize = header("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    body.resize(n, 0);
    reader.read_exact(&mut body).unwrap();
    body
}

/// Turns CGI output (headers, blank line, body; `Status:` optional) into an HTTP answer.
fn write_cgi_response(out: &mut TcpStream, cgi: &[u8]) {
    let split = cgi
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|i| (i, 4));
    let split = split.or_else(|| cgi.windows(2).position(|w| w == b"\n\n").map(|i| (i, 2)));
    let (head, body) = match split {
        Some((i, n)) => (
            String::from_utf8_lossy(&cgi[..i]).into_owned(),
            &cgi[i + n..],
        ),
        None => (String::new(), cgi),
    };
    let mut status = "200 OK".to_string();
    let mut lines = Vec::new();
    for line in head.lines() {
        match line.strip_prefix("Status:") {
            Some(s) => status = s.trim().to_string(),
            None => lines.push(line.to_string()),
        }
    }
    let mut answer = format!("HTTP/1.1 {status}\r\n");
    for l in lines {
        answer.push_str(&l);
        answer.push_str("\r\n");
    }
    answer.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    ));
    let _ = out.write_all(answer.as_bytes());
    let _ = out.write_all(body);
}

fn base64_encode(text: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(text)
}
