//! What tests see of an HTTP answer ([`Response`], whichever client fetched it: curl in the
//! e2e tests, or the client here), and a deliberately tiny HTTP/1.1 client over a raw TCP
//! stream: one request per connection (`Connection: close`), chunked bodies decoded. Enough to
//! check statuses, headers and bodies exactly as the server wrote them, with no client library
//! deciding anything for us.

use std::net::SocketAddr;

use base64::Engine;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// One request to send.
#[derive(Clone, Debug, Default)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn get(path: &str) -> Request {
        Request {
            method: "GET".into(),
            path: path.into(),
            ..Request::default()
        }
    }

    pub fn post(path: &str, body: impl Into<Vec<u8>>) -> Request {
        Request {
            method: "POST".into(),
            path: path.into(),
            body: body.into(),
            ..Request::default()
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Request {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// HTTP Basic credentials, as Composer and curl send them.
    pub fn basic(self, user: &str, password: &str) -> Request {
        let encoded =
            base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
        self.header("Authorization", &format!("Basic {encoded}"))
    }

    pub fn bearer(self, token: &str) -> Request {
        self.header("Authorization", &format!("Bearer {token}"))
    }

    /// Sends the request to `addr` and reads the whole answer.
    pub async fn send(&self, addr: SocketAddr) -> Response {
        let mut stream = TcpStream::connect(addr).await.expect("server accepts");
        let mut head = format!(
            "{} {} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
            self.method,
            self.path,
            self.body.len()
        );
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        let mut message = head.into_bytes();
        message.extend_from_slice(&self.body);
        // A server may answer before reading the whole body and then reset the connection;
        // the answer it sent first is still the answer.
        let written = stream.write_all(&message).await;
        let mut raw = Vec::new();
        let read = stream.read_to_end(&mut raw).await;
        if raw.is_empty() {
            panic!("no answer from {addr}: write {written:?}, read {read:?}");
        }
        Response::parse(&raw)
    }
}

/// A connection kept open between requests, as Composer's (curl's) are: requests carry no
/// `Connection` header and, without a body, no `Content-Length`; answers are told apart by
/// their `Content-Length`.
pub struct KeptAlive {
    stream: TcpStream,
    unread: Vec<u8>,
}

impl KeptAlive {
    pub async fn open(addr: SocketAddr) -> KeptAlive {
        KeptAlive {
            stream: TcpStream::connect(addr).await.expect("server accepts"),
            unread: Vec::new(),
        }
    }

    /// Writes `requests` in one go (pipelined) and reads as many answers.
    pub async fn exchange(&mut self, requests: &[Request]) -> Vec<Response> {
        let mut message = Vec::new();
        for request in requests {
            message.extend_from_slice(
                format!("{} {} HTTP/1.1\r\n", request.method, request.path).as_bytes(),
            );
            if !request.body.is_empty() {
                message.extend_from_slice(
                    format!("Content-Length: {}\r\n", request.body.len()).as_bytes(),
                );
            }
            for (name, value) in &request.headers {
                message.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
            }
            message.extend_from_slice(b"\r\n");
            message.extend_from_slice(&request.body);
        }
        self.stream
            .write_all(&message)
            .await
            .expect("request written");
        let mut answers = Vec::new();
        while answers.len() < requests.len() {
            if let Some(answer) = take_answer(&mut self.unread) {
                answers.push(answer);
                continue;
            }
            let mut buf = [0u8; 16 * 1024];
            let n = self.stream.read(&mut buf).await.expect("answer read");
            assert!(
                n > 0,
                "closed after {} of {} answers",
                answers.len(),
                requests.len()
            );
            self.unread.extend_from_slice(&buf[..n]);
        }
        answers
    }
}

/// The first whole answer in `unread` (by its `Content-Length`; none for a 304), removed.
fn take_answer(unread: &mut Vec<u8>) -> Option<Response> {
    let head_end = unread.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let head = Response::parse(&unread[..head_end]);
    assert!(
        head.header("transfer-encoding").is_none(),
        "a chunked answer: {head:?}"
    );
    let length: usize = head
        .header("content-length")
        .map_or(0, |v| v.parse().expect("length"));
    if unread.len() < head_end + length {
        return None;
    }
    let whole: Vec<u8> = unread.drain(..head_end + length).collect();
    Some(Response::parse(&whole))
}

/// An answer as received: status, headers in order, and the (de-chunked) body.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    /// Parses a whole HTTP/1.1 answer as read from the wire.
    pub fn parse(raw: &[u8]) -> Response {
        let split = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .unwrap_or_else(|| panic!("no header end in {:?}", String::from_utf8_lossy(raw)));
        let head = String::from_utf8_lossy(&raw[..split]).into_owned();
        let mut lines = head.split("\r\n");
        let status = lines
            .next()
            .and_then(|l| l.split(' ').nth(1))
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("bad status line in {head:?}"));
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
            .collect();
        let rest = &raw[split + 4..];
        let chunked = headers.iter().any(|(n, v)| {
            n.eq_ignore_ascii_case("transfer-encoding") && v.eq_ignore_ascii_case("chunked")
        });
        let body = if chunked {
            dechunk(rest)
        } else {
            rest.to_vec()
        };
        Response {
            status,
            headers,
            body,
        }
    }

    /// The first header called `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    /// Asserts that the body contains `needle`, showing the body if not.
    #[track_caller]
    pub fn assert_text_contains(&self, needle: &str) {
        self.assert_part_contains("body", &self.text(), needle);
    }

    /// Asserts that the JSON `warning` contains `needle`, showing the body if not.
    #[track_caller]
    pub fn assert_warning_contains(&self, needle: &str) {
        self.assert_part_contains("warning", &self.warning(), needle);
    }

    /// Asserts that the admin API's JSON `error` contains `needle`, showing the body if not.
    #[track_caller]
    pub fn assert_error_contains(&self, needle: &str) {
        let error = self.json()["error"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        self.assert_part_contains("error", &error, needle);
    }

    #[track_caller]
    fn assert_part_contains(&self, part: &str, haystack: &str, needle: &str) {
        let (status, body) = (self.status, self.text());
        assert!(
            haystack.contains(needle),
            "expected {needle:?} in the {part} of a {status}: {body}"
        );
    }

    /// The `warning` of a JSON error body (what Composer prints).
    pub fn warning(&self) -> String {
        self.json()["warning"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }
}

fn dechunk(mut rest: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    loop {
        let Some(eol) = rest.windows(2).position(|w| w == b"\r\n") else {
            return body;
        };
        let size_text = String::from_utf8_lossy(&rest[..eol]);
        let size_hex = size_text.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_hex, 16).expect("chunk size");
        if size == 0 {
            return body;
        }
        let start = eol + 2;
        body.extend_from_slice(&rest[start..start + size]);
        rest = &rest[start + size + 2..];
    }
}

/// The hidden CSRF token of the first form in a portal page.
pub fn csrf_of(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = html
        .find(marker)
        .unwrap_or_else(|| panic!("no csrf field in page:\n{html}"))
        + marker.len();
    html[start..].split('"').next().unwrap().to_string()
}

/// The versions a p2 document lists for `package`, in its order (none when it lists none).
pub fn p2_versions(p2: &serde_json::Value, package: &str) -> Vec<String> {
    p2["packages"][package]
        .as_array()
        .map(|v| {
            v.iter()
                .map(|v| v["version"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}
