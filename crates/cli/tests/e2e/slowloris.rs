//! Connection floods (SPEC §8): hundreds of half-open or silent connections never stop
//! answers to others, a connection that does not finish its request head within
//! `--header-timeout` is closed, and at `--max-connections` the longest-idle connection
//! makes room for a new one.

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::support::*;

/// One `GET path` on a fresh connection: (status, how long the answer took).
pub fn timed_get(host: &str, path: &str) -> (u16, Duration) {
    let start = Instant::now();
    let mut stream = TcpStream::connect(host).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let status = String::from_utf8_lossy(&answer)
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, start.elapsed())
}

/// Whether the server has closed this connection (whatever it sent before closing).
fn closed_by_server(mut stream: &TcpStream) -> bool {
    stream.set_nonblocking(true).unwrap();
    let mut buf = [0u8; 1024];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => continue,
            Err(e) if e.kind() == ErrorKind::WouldBlock => return false,
            Err(_) => return true,
        }
    }
}

/// Real requests keep being answered within 1 s for `during`.
fn answers_stay_prompt(server: &Server, during: Duration) {
    let start = Instant::now();
    while start.elapsed() < during {
        let (status, took) = timed_get(&server.host, "/healthz");
        assert_eq!(status, 200, "a real request was not answered");
        assert!(
            took < Duration::from_secs(1),
            "a real request took {took:?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn count_closed(sockets: &[TcpStream]) -> usize {
    sockets.iter().filter(|s| closed_by_server(s)).count()
}

#[test]
fn half_open_connections_are_answered_around_and_closed() {
    let server = Server::start_with(Backend::Sqlite, &["--header-timeout", "3s"]);
    let opened = Instant::now();
    let half_open: Vec<TcpStream> = (0..600)
        .map(|_| {
            let mut s = TcpStream::connect(&server.host).unwrap();
            s.write_all(b"GET /packages.json HTTP/1.1\r\nHost: x\r\nUser-Agent: slow")
                .unwrap();
            s
        })
        .collect();
    answers_stay_prompt(&server, Duration::from_secs(2));
    let (early, at) = (count_closed(&half_open), opened.elapsed());
    assert!(
        at >= Duration::from_secs(3) || early == 0,
        "{early} closed {at:?} after opening, before the 3 s header timeout"
    );
    let all_closed = eventually(Duration::from_secs(6), || {
        count_closed(&half_open) == half_open.len()
    });
    assert!(
        all_closed,
        "{} of 600 half-open connections still open {:?} after opening (header timeout 3 s)",
        half_open.len() - count_closed(&half_open),
        opened.elapsed()
    );
    answers_stay_prompt(&server, Duration::from_millis(500));
}

#[test]
fn at_the_connection_cap_idle_connections_make_room() {
    let server = Server::start_with(
        Backend::Sqlite,
        &["--max-connections", "50", "--header-timeout", "60s"],
    );
    // Silent connections: without a cap that sheds them, 200 of these against a cap of 50
    // would keep every new client waiting for the 60 s header timeout.
    let silent: Vec<TcpStream> = (0..200)
        .map(|_| TcpStream::connect(&server.host).unwrap())
        .collect();
    answers_stay_prompt(&server, Duration::from_secs(2));
    assert!(
        eventually(Duration::from_secs(3), || count_closed(&silent) >= 150),
        "only {} of 200 idle connections were closed at a cap of 50",
        count_closed(&silent)
    );
}

#[test]
fn kept_alive_connections_close_after_the_idle_timeout() {
    let server = Server::start_with(Backend::Sqlite, &["--idle-timeout", "2s"]);
    let mut stream = TcpStream::connect(&server.host).unwrap();
    write!(stream, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut answer = Vec::new();
    let mut buf = [0u8; 512];
    while !answer.ends_with(b"ok\n") {
        let n = stream.read(&mut buf).unwrap();
        assert!(n > 0, "closed before answering");
        answer.extend_from_slice(&buf[..n]);
    }
    // Time passing is the subject here: the server's idle timer runs on its own clock, so
    // the connection must still be open well within the 2 s.
    std::thread::sleep(Duration::from_millis(800));
    assert!(
        !closed_by_server(&stream),
        "closed well before the idle timeout"
    );
    let waited = Instant::now();
    let closed = eventually(Duration::from_secs(15), || closed_by_server(&stream));
    assert!(
        closed && waited.elapsed() < Duration::from_secs(3),
        "an idle kept-alive connection outlived the 2 s idle timeout: closed {closed} after {:?}",
        waited.elapsed()
    );
}

#[test]
fn a_kept_alive_connection_must_finish_its_next_head_within_the_header_timeout() {
    use base64::Engine;
    let server = Server::start_with(
        Backend::Sqlite,
        &["--header-timeout", "2s", "--idle-timeout", "60s"],
    );
    server.publish_all(&[package_zip("acme/slow", "1.0.0", serde_json::json!({}))]);
    server.product("slow", "Slow", "acme/*", &[]);
    let (_, public, private) = server.licensed_customer("slow@example.com", &["slow"]);
    let url = format!("{}/p2/acme/slow.json", server.url);
    assert!(
        eventually(PROPAGATION * 5, || curl_as(&url, &public, &private, &[])
            .status
            == 200),
        "the package never became visible"
    );
    let auth = base64::engine::general_purpose::STANDARD.encode(format!("{public}:{private}"));
    let mut stream = TcpStream::connect(&server.host).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    // A warm p2 request, answered on the connection (`edge::direct`), then the start of a
    // second head that never ends: after the first answer the 60 s idle limit applies to
    // the connection, but a head in progress must still be done within the 2 s.
    write!(
        stream,
        "GET /p2/acme/slow.json HTTP/1.1\r\nHost: x\r\nAuthorization: Basic {auth}\r\n\r\n"
    )
    .unwrap();
    let mut first = [0u8; 64];
    let n = stream.read(&mut first).unwrap();
    assert!(
        first[..n].starts_with(b"HTTP/1.1 200"),
        "{:?}",
        String::from_utf8_lossy(&first[..n])
    );
    write!(stream, "GET /p2/acme/slow.json HTTP/1.1\r\nHost: x\r\n").unwrap();
    let waited = Instant::now();
    std::thread::sleep(Duration::from_millis(800));
    assert!(
        !closed_by_server(&stream),
        "closed before the header timeout"
    );
    let closed = eventually(Duration::from_secs(10), || closed_by_server(&stream));
    assert!(
        closed && waited.elapsed() < Duration::from_secs(4),
        "an unfinished head outlived the 2 s header timeout: closed {closed} after {:?}",
        waited.elapsed()
    );
}
