//! HTTP/1.1 requests the service answers at once from memory ([`Serve::at_once`]: the hot
//! lane's warm `GET /p2/…`) are read and answered by the connection's own task: the request
//! head is parsed in place (`httparse`), the three headers the lane reads are read where
//! they are ([`LaneSlots`]), and the answer goes out in one write. That skips what hyper
//! costs per request beyond the socket itself — its dispatcher and service future, the
//! request and response objects, the body machinery, a timer reset per message — which was
//! most of the gap between Packyard and a static nginx (BENCHMARKS.md).
//!
//! The first request anything else — another method or path, a body, `Connection`,
//! `Upgrade` or `Expect`, HTTP/1.0, an HTTP/2 preface, a head too large or malformed, one
//! of the lane's headers sent twice, a request the lane declines — hands the connection with every byte read so far to hyper
//! ([`super::rewind`]), which serves the rest of it exactly as before. Nothing is answered
//! here that hyper and the router would answer differently: the lane is the same one the
//! observer runs in front of the router, and `tests/http/hot_lane.rs` compares the bytes.
//!
//! The protections stay: a request head must be complete within `header_timeout` of the
//! moment the previous request was read (hyper's rule), the connection's idle
//! watchdog and the cap's shedding act on the same [`Activity`], and at shutdown a request
//! being answered is finished and the connection closed.

use std::io::IoSlice;
use std::sync::Arc;

use axum::http::Method;
use bytes::{Buf, BytesMut};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::time::Instant;

use super::activity::Activity;
use super::conditional::{JsonAnswer, http_date_of};
use super::request_headers::LaneSlots;
use super::serve::{Arrival, Serve};
use packyard_core::config::ConnectionLimits;

/// How a connection left this loop.
pub enum Outcome {
    /// Closed: by the client, an error, the header deadline or shutdown.
    Closed,
    /// For hyper, with the bytes read and not answered (at least one whole or partial head).
    Handover(BytesMut),
}

/// A head longer than this goes to hyper, which has its own limit and error answer.
const MAX_HEAD: usize = 8 * 1024;
/// So do requests with more header lines than this.
const MAX_HEADERS: usize = 32;

/// Serves requests on `io` until it closes or one of them is for hyper.
pub async fn serve<IO, S>(
    io: &mut IO,
    service: &S,
    activity: &Arc<Activity>,
    limits: &ConnectionLimits,
) -> Outcome
where
    IO: AsyncRead + AsyncWrite + Unpin,
    S: Serve,
{
    let mut unread = BytesMut::with_capacity(4096);
    let mut out = Vec::with_capacity(4096);
    let deadline = tokio::time::sleep(limits.header_timeout);
    tokio::pin!(deadline);
    // When the connection started waiting for the next head: when the previous one had
    // been read, as in hyper, whose header timer starts as soon as a request is read (read
    // once per request, it also times the answer). The timer is not re-armed per request:
    // when it fires, the head is late only if the connection has been waiting for it since
    // before the timeout; otherwise it is set again for the current head's due time.
    let mut waiting_since = Instant::now();
    let mut memo = S::Memo::default();
    let mut headers = LaneSlots::default();
    loop {
        let (length, path) = loop {
            match read_head(&unread, &mut headers) {
                Head::Complete { length, path } => break (length, path),
                Head::Other => return Outcome::Handover(unread),
                Head::Partial if unread.len() > MAX_HEAD => return Outcome::Handover(unread),
                Head::Partial => {}
            }
            unread.reserve(4096);
            let read = tokio::select! {
                biased;
                read = io.read_buf(&mut unread) => read,
                () = activity.drain.raised(), if unread.is_empty() => return Outcome::Closed,
                () = &mut deadline => {
                    let due = waiting_since + limits.header_timeout;
                    if Instant::now() >= due {
                        return Outcome::Closed;
                    }
                    deadline.as_mut().reset(due);
                    continue;
                }
            };
            match read {
                Ok(0) | Err(_) => return Outcome::Closed,
                Ok(_) => {}
            }
        };
        let arrived = Arrival::now();
        waiting_since = arrived.instant.into();
        let slot = activity.begin_answered(arrived.instant);
        let path = std::str::from_utf8(&unread[path]).unwrap_or_default();
        let lane_headers = headers.over(&unread);
        let Some(response) = service.at_once(&Method::GET, path, &lane_headers, arrived, &mut memo)
        else {
            drop(slot);
            return Outcome::Handover(unread);
        };
        unread.advance(length);
        out.clear();
        write_head(&mut out, &response, arrived);
        let body = response.body.as_ref();
        if write_all_of(io, &out, body).await.is_err() || io.flush().await.is_err() {
            return Outcome::Closed;
        }
        drop(slot);
        if activity.drain.is_raised() {
            return Outcome::Closed;
        }
    }
}

/// Writes `head` and `body` with as few system calls as the socket allows (one `writev`
/// for both, the body never copied).
async fn write_all_of<IO: AsyncWrite + Unpin>(
    io: &mut IO,
    mut head: &[u8],
    mut body: &[u8],
) -> std::io::Result<()> {
    while !head.is_empty() {
        let parts = [IoSlice::new(head), IoSlice::new(body)];
        let n = io.write_vectored(&parts).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::WriteZero.into());
        }
        let in_head = n.min(head.len());
        head = &head[in_head..];
        body = &body[n - in_head..];
    }
    io.write_all(body).await
}

/// What the buffered bytes start with.
enum Head {
    /// A head this loop may answer: its length and where its path is (the headers the
    /// lane reads are in the slots passed to [`read_head`]).
    Complete {
        length: usize,
        path: std::ops::Range<usize>,
    },
    /// Not a whole head yet.
    Partial,
    /// Anything for hyper.
    Other,
}

fn read_head(bytes: &[u8], headers: &mut LaneSlots) -> Head {
    if bytes.is_empty() {
        return Head::Partial;
    }
    let mut lines = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut request = httparse::Request::new(&mut lines);
    let length = match request.parse(bytes) {
        Ok(httparse::Status::Complete(length)) => length,
        Ok(httparse::Status::Partial) => return Head::Partial,
        Err(_) => return Head::Other,
    };
    let Some(path) = request.path.filter(|p| answerable_path(p)) else {
        return Head::Other;
    };
    if request.method != Some("GET") || request.version != Some(1) {
        return Head::Other;
    }
    // `path` borrows from `bytes`: its place in them.
    let start = path.as_ptr() as usize - bytes.as_ptr() as usize;
    *headers = LaneSlots::default();
    for line in request.headers.iter() {
        let Some(slot) = LaneSlots::slot_of(line.name) else {
            if REFUSED.iter().any(|n| line.name.eq_ignore_ascii_case(n)) {
                return Head::Other;
            }
            continue;
        };
        // What `HeaderValue` refuses, hyper answers; a repeated header, hyper combines.
        let value_at = line.value.as_ptr() as usize - bytes.as_ptr() as usize;
        if line
            .value
            .iter()
            .any(|&b| (b < b' ' && b != b'\t') || b == 0x7f)
            || !headers.keep(slot, value_at..value_at + line.value.len())
        {
            return Head::Other;
        }
    }
    Head::Complete {
        length,
        path: start..start + path.len(),
    }
}

/// Headers that make a request hyper's: a body, a connection option or an upgrade.
const REFUSED: [&str; 5] = [
    "content-length",
    "transfer-encoding",
    "connection",
    "upgrade",
    "expect",
];

/// A path this loop may pass to the lane: a p2 file named in the characters of package
/// names, no query and nothing to decode, so hyper's URI parsing and the router's would
/// see the same path.
fn answerable_path(path: &str) -> bool {
    path.strip_prefix("/p2/").is_some_and(|rest| {
        rest.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'.' | b'-' | b'_' | b'~'))
    })
}

/// The status line and headers as hyper writes them from [`JsonAnswer::into_response`]
/// (lower-case names in the map's order, `content-length` unless it is a 304, then
/// `date`).
fn write_head(out: &mut Vec<u8>, response: &JsonAnswer, arrived: Arrival) {
    let status = response.status();
    out.extend_from_slice(b"HTTP/1.1 ");
    out.extend_from_slice(status.as_str().as_bytes());
    out.push(b' ');
    out.extend_from_slice(status.canonical_reason().unwrap_or("").as_bytes());
    out.extend_from_slice(b"\r\n");
    for (name, value) in response.headers() {
        out.extend_from_slice(name.as_str().as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    if !response.not_modified {
        out.extend_from_slice(b"content-length: ");
        out.extend_from_slice(itoa::Buffer::new().format(response.body.len()).as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    if let Some(date) = http_date_of(arrived.wall) {
        out.extend_from_slice(b"date: ");
        out.extend_from_slice(date.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"\r\n");
}

#[cfg(test)]
mod tests {
    use super::{Head, answerable_path, read_head};
    use crate::edge::request_headers::{LaneSlots, RequestHeaders};
    use axum::http::header;

    fn head(text: &str) -> Head {
        read_head(text.as_bytes(), &mut LaneSlots::default())
    }

    #[test]
    fn only_plain_p2_gets_are_taken() {
        let ok = "GET /p2/acme/foo.json HTTP/1.1\r\nHost: x\r\nAuthorization: Basic YTpi\r\nAccept-Encoding: gzip\r\nUser-Agent: c\r\n\r\n";
        let mut headers = LaneSlots::default();
        read_head(
            b"GET /p2/a/b.json HTTP/1.1\r\nIf-Modified-Since: x\r\n\r\n",
            &mut headers,
        );
        let Head::Complete { length, path } = read_head(ok.as_bytes(), &mut headers) else {
            panic!("not taken")
        };
        let read = headers.over(ok.as_bytes());
        assert_eq!(read.first(&header::AUTHORIZATION), Some(&b"Basic YTpi"[..]));
        assert_eq!(read.first(&header::ACCEPT_ENCODING), Some(&b"gzip"[..]));
        assert_eq!(read.first(&header::IF_MODIFIED_SINCE), None, "left over");
        assert_eq!(length, ok.len());
        assert_eq!(&ok[path], "/p2/acme/foo.json");
        assert!(matches!(
            head("GET /p2/acme/foo.json HTTP/1.1\r\nHost"),
            Head::Partial
        ));
        for other in [
            "POST /p2/acme/foo.json HTTP/1.1\r\n\r\n",
            "GET /p2/acme/foo.json HTTP/1.0\r\n\r\n",
            "GET /packages.json HTTP/1.1\r\n\r\n",
            "GET /p2/acme/fo%6F.json HTTP/1.1\r\n\r\n",
            "GET /p2/acme/foo.json?x=1 HTTP/1.1\r\n\r\n",
            "GET /p2/acme/foo.json HTTP/1.1\r\nConnection: close\r\n\r\n",
            "GET /p2/acme/foo.json HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
            "GET /p2/acme/foo.json HTTP/1.1\r\ntransfer-encoding: chunked\r\n\r\n",
            "GET /p2/acme/foo.json HTTP/1.1\r\nUpgrade: h2c\r\n\r\n",
            "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
            "GET\x01 / HTTP/1.1\r\n\r\n",
            "GET /p2/acme/foo.json HTTP/1.1\r\nAccept-Encoding: gzip\r\nAccept-Encoding: br\r\n\r\n",
        ] {
            assert!(matches!(head(other), Head::Other), "{other:?}");
        }
        assert!(answerable_path("/p2/acme/foo~dev.json"));
        assert!(!answerable_path("/p2/acme/foo bar.json"));
    }
}
