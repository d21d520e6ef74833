//! The access log: one line per request, every request (no sampling), in the same text or
//! JSON shape as every other log line (`tracing-subscriber`'s `fmt` and `json` formats,
//! target `packyard::access`, so `PACKYARD_LOG=packyard::access=warn` still turns it off).
//!
//! With a [`super::log_sink`] installed (as `packyard serve` does), the line is formatted
//! straight into the request thread's log buffer: no event dispatch, no field visitors, no
//! allocation, and the timestamp's date and time of day are formatted once a second per
//! thread. Without one (the library embedded elsewhere, tests), the line goes through
//! `tracing` like any other event.

use std::io::Write;
use std::time::{Duration, SystemTime};

use super::log_sink;

/// One finished request.
pub struct AccessLine<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub status: u16,
    pub bytes: u64,
    pub duration: Duration,
    /// The line's timestamp.
    pub at: SystemTime,
    pub account: &'a str,
}

/// How lines are written when a sink is installed (set with the sink, read per line).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
}

static FORMAT: std::sync::OnceLock<Format> = std::sync::OnceLock::new();

/// Sets the format of access lines written to the installed sink (once, at start-up).
pub fn set_format(format: Format) {
    let _ = FORMAT.set(format);
}

/// Writes the line, if the log filter lets `packyard::access` info lines through.
pub fn write(line: &AccessLine<'_>) {
    if !tracing::enabled!(target: "packyard::access", tracing::Level::INFO) {
        return;
    }
    let Some(sink) = log_sink::global() else {
        return tracing::info!(
            target: "packyard::access",
            method = line.method,
            path = line.path,
            status = line.status,
            bytes = line.bytes,
            duration_ms = line.duration.as_secs_f64() * 1000.0,
            account = line.account,
            "request",
        );
    };
    let format = FORMAT.get().copied().unwrap_or(Format::Text);
    sink.append(|out| match format {
        Format::Json => shaped(out, line, &JSON),
        Format::Text => shaped(out, line, &TEXT),
    });
}

/// The constant parts of a line in one format: what comes before the timestamp, before each
/// value (method, path, status, bytes, duration, account) and after the last one, and whether
/// text values are written as JSON string contents.
struct Shape {
    open: &'static [u8],
    labels: [&'static [u8]; 6],
    close: &'static [u8],
    escape: bool,
}

/// `tracing-subscriber`'s `json` format.
const JSON: Shape = Shape {
    open: b"{\"timestamp\":\"",
    labels: [
        b"\",\"level\":\"INFO\",\"fields\":{\"message\":\"request\",\"method\":\"",
        b"\",\"path\":\"",
        b"\",\"status\":",
        b",\"bytes\":",
        b",\"duration_ms\":",
        b",\"account\":\"",
    ],
    close: b"\"},\"target\":\"packyard::access\"}\n",
    escape: true,
};

/// `tracing-subscriber`'s `fmt` format.
const TEXT: Shape = Shape {
    open: b"",
    labels: [
        b"  INFO packyard::access: request method=",
        b" path=",
        b" status=",
        b" bytes=",
        b" duration_ms=",
        b" account=",
    ],
    close: b"\n",
    escape: false,
};

/// Writes `line` in the format `shape` describes.
fn shaped(out: &mut Vec<u8>, line: &AccessLine<'_>, shape: &Shape) {
    let string = |out: &mut Vec<u8>, label: &[u8], s: &str| {
        out.extend_from_slice(label);
        if shape.escape {
            escaped(out, s)
        } else {
            out.extend_from_slice(s.as_bytes())
        }
    };
    let [method, path, status, bytes, duration, account] = shape.labels;
    out.extend_from_slice(shape.open);
    timestamp(out, line.at);
    string(out, method, line.method);
    string(out, path, line.path);
    out.extend_from_slice(status);
    number(out, line.status);
    out.extend_from_slice(bytes);
    number(out, line.bytes);
    out.extend_from_slice(duration);
    millis(out, line.duration);
    string(out, account, line.account);
    out.extend_from_slice(shape.close);
}

/// An integer in decimal, without the formatting machinery (`itoa`).
fn number(out: &mut Vec<u8>, n: impl itoa::Integer) {
    out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
}

/// Milliseconds with microsecond precision (`0.123`).
fn millis(out: &mut Vec<u8>, duration: Duration) {
    let micros = duration.as_micros();
    number(out, micros / 1000);
    let fraction = (micros % 1000) as u16;
    out.extend_from_slice(&[
        b'.',
        b'0' + (fraction / 100) as u8,
        b'0' + (fraction / 10 % 10) as u8,
        b'0' + (fraction % 10) as u8,
    ]);
}

/// A JSON string's contents: quotes, backslashes and control characters escaped.
fn escaped(out: &mut Vec<u8>, s: &str) {
    for &b in s.as_bytes() {
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            0..0x20 => {
                let _ = write!(out, "\\u{b:04x}");
            }
            _ => out.push(b),
        }
    }
}

/// RFC 3339 in UTC with microseconds, like `tracing-subscriber`'s default timer.
fn timestamp(out: &mut Vec<u8>, at: SystemTime) {
    thread_local! {
        static SECOND: std::cell::RefCell<(u64, [u8; 19])> = const { std::cell::RefCell::new((u64::MAX, [0; 19])) };
    }
    let now = at
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default();
    let secs = now.as_secs();
    SECOND.with(|cached| {
        let mut cached = cached.borrow_mut();
        if cached.0 != secs {
            let formatted = chrono::DateTime::from_timestamp(secs as i64, 0)
                .unwrap_or_default()
                .format("%Y-%m-%dT%H:%M:%S")
                .to_string();
            cached.1.copy_from_slice(&formatted.as_bytes()[..19]);
            cached.0 = secs;
        }
        out.extend_from_slice(&cached.1);
    });
    let micros = now.subsec_micros();
    out.push(b'.');
    for place in [100_000, 10_000, 1_000, 100, 10, 1] {
        out.push(b'0' + (micros / place % 10) as u8);
    }
    out.push(b'Z');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_lines_parse_and_escape() {
        let mut out = Vec::new();
        shaped(
            &mut out,
            &AccessLine {
                method: "GET",
                path: "/p2/a/\"b\\\u{1}.json",
                status: 200,
                bytes: 1234,
                duration: Duration::from_micros(1_234_567),
                at: SystemTime::now(),
                account: "acc_1",
            },
            &JSON,
        );
        let text = String::from_utf8(out).unwrap();
        assert!(text.ends_with('\n'));
        let v: serde_json::Value = serde_json::from_str(text.trim_end()).unwrap();
        assert_eq!(v["target"], "packyard::access");
        assert_eq!(v["level"], "INFO");
        assert_eq!(v["fields"]["path"], "/p2/a/\"b\\\u{1}.json");
        assert_eq!(v["fields"]["bytes"], 1234);
        assert_eq!(v["fields"]["duration_ms"], 1234.567);
        assert_eq!(v["fields"]["account"], "acc_1");
        let stamp = v["timestamp"].as_str().unwrap();
        assert!(
            chrono::DateTime::parse_from_rfc3339(stamp).is_ok(),
            "{stamp}"
        );
    }

    #[test]
    fn text_lines_name_every_field() {
        let mut out = Vec::new();
        shaped(
            &mut out,
            &AccessLine {
                method: "HEAD",
                path: "/packages.json",
                status: 304,
                bytes: 0,
                duration: Duration::from_micros(42),
                at: SystemTime::now(),
                account: "-",
            },
            &TEXT,
        );
        let line = String::from_utf8(out).unwrap();
        assert!(
            line.ends_with(
                "  INFO packyard::access: request method=HEAD path=/packages.json status=304 bytes=0 duration_ms=0.042 account=-\n"
            ),
            "{line}"
        );
    }
}
