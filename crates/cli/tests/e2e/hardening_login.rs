//! SPEC §8 login floods (issue 8 item 4): logins are throttled per client address before any
//! password hash is computed, hashing runs with bounded concurrency, and behind a trusted
//! proxy the client address comes from `X-Forwarded-For`, so one client can neither run
//! unbounded hashes nor lock an email out for everyone else; an untrusted peer's header is
//! ignored.

use std::net::SocketAddr;

use packyard_testkit::http::{Request, Response};

use crate::portal::{CUSTOMER_PASSWORD, customer_with_password};
use crate::support::*;

/// A login form's double-submit pair: the cookie header and the form token.
struct LoginForm {
    addr: SocketAddr,
    cookie: String,
    csrf: String,
}

impl LoginForm {
    fn fetch(server: &Server) -> LoginForm {
        let page = curl(&format!("{}/login", server.url), &[]);
        let set_cookie = page
            .header("set-cookie")
            .expect("the login form sets its cookie");
        let cookie = set_cookie.split(';').next().unwrap_or_default().to_string();
        let csrf = csrf_of(&page.text());
        let addr = server
            .host
            .parse()
            .expect("the server listens on an IP address");
        LoginForm { addr, cookie, csrf }
    }

    /// A login attempt, optionally claiming to come from `forwarded_for`.
    fn attempt(&self, email: &str, password: &str, forwarded_for: Option<&str>) -> Request {
        let body = format!("email={email}&password={password}&csrf={}", self.csrf)
            .replace('@', "%40")
            .replace(' ', "+");
        let mut request = Request::post("/login", body)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Cookie", &self.cookie);
        if let Some(client) = forwarded_for {
            request = request.header("X-Forwarded-For", client);
        }
        request
    }

    fn send(&self, request: Request) -> Response {
        runtime().block_on(request.send(self.addr))
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// A kernel figure of the server process, in KiB (`VmHWM` is the peak resident size).
fn proc_status_kib(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find_map(|l| l.strip_prefix(field));
    let value = line.and_then(|v| v.trim_start_matches(':').trim().strip_suffix("kB"));
    value
        .and_then(|v| v.trim().parse().ok())
        .expect("the field in /proc/PID/status")
}

/// What a flood of concurrent logins with a new email each got.
struct Flood {
    hashed: usize,
    throttled: usize,
    busy: usize,
    /// How far the server's peak resident memory rose, in MiB.
    grown_mib: u64,
}

impl Flood {
    /// Argon2 takes ~19 MiB a hash: a bounded number at once stays well under 128 MiB.
    fn assert_memory_bounded(&self) {
        let grown = self.grown_mib;
        assert!(grown < 128, "the flood raised peak memory by {grown} MiB");
    }
}

/// `packyard serve` flags of the tests below.
const BUDGET_20: &str = "--login-address-budget 20 --login-hash-concurrency 2";
const ONE_HASH_AT_A_TIME: &str =
    "--login-address-budget 1000 --login-hash-concurrency 1 --login-hash-wait 1";
const BEHIND_A_PROXY: &str =
    "--trusted-proxy 127.0.0.1/32 --login-max-failures 3 --login-address-budget 7";
const PROXY_ELSEWHERE: &str = "--trusted-proxy 10.0.0.0/8 --login-address-budget 5";

/// A server with `flags` (space-separated).
fn start(backend: Backend, flags: &str) -> Server {
    Server::start_with(backend, &flags.split_whitespace().collect::<Vec<_>>())
}

/// Sends `n` concurrent wrong logins, each for a new email, from one address.
fn flood(server: &Server, n: usize) -> Flood {
    let form = LoginForm::fetch(server);
    let peak_before = proc_status_kib(server.pid(), "VmHWM");
    let answers: Vec<Response> = runtime().block_on(async {
        let attempts = (0..n).map(|i| {
            let request = form.attempt(&format!("flood{i}@example.com"), "wrong password!", None);
            let addr = form.addr;
            tokio::spawn(async move { request.send(addr).await })
        });
        let mut answers = Vec::new();
        for attempt in attempts.collect::<Vec<_>>() {
            answers.push(attempt.await.unwrap());
        }
        answers
    });
    let count = |status: u16| answers.iter().filter(|a| a.status == status).count();
    let flood = Flood {
        hashed: count(401),
        throttled: count(429),
        busy: count(503),
        grown_mib: (proc_status_kib(server.pid(), "VmHWM") - peak_before) / 1024,
    };
    assert_eq!(
        flood.hashed + flood.throttled + flood.busy,
        n,
        "only 401, 429 and 503 expected"
    );
    for refused in answers
        .iter()
        .filter(|a| a.status == 429 || a.status == 503)
    {
        assert!(
            refused.header("retry-after").is_some(),
            "{} without Retry-After",
            refused.status
        );
    }
    let Flood {
        hashed,
        throttled,
        busy,
        grown_mib,
    } = flood;
    eprintln!(
        "{n} logins: {hashed} hashed, {throttled} 429, {busy} 503; peak RSS +{grown_mib} MiB"
    );
    flood
}

backend_tests!(a_login_flood_with_new_emails_is_refused_before_hashing);
fn a_login_flood_with_new_emails_is_refused_before_hashing(backend: Backend) {
    let server = start(backend, BUDGET_20);
    let f = flood(&server, 400);
    assert!(
        f.hashed <= 20,
        "{} attempts were hashed, past the budget of 20",
        f.hashed
    );
    assert!(
        f.throttled >= 380 - f.busy,
        "only {} answered 429",
        f.throttled
    );
    f.assert_memory_bounded();
}

backend_tests!(hashing_runs_a_bounded_number_at_once_and_the_rest_get_503);
fn hashing_runs_a_bounded_number_at_once_and_the_rest_get_503(backend: Backend) {
    let server = start(backend, ONE_HASH_AT_A_TIME);
    let f = flood(&server, 200);
    assert!(f.busy > 0, "no login waited in vain for a hashing turn");
    assert!(f.hashed > 0, "some logins were hashed");
    f.assert_memory_bounded();
}

backend_tests!(behind_a_trusted_proxy_each_client_is_throttled_on_its_own);
fn behind_a_trusted_proxy_each_client_is_throttled_on_its_own(backend: Backend) {
    let server = start(backend, BEHIND_A_PROXY);
    customer_with_password(&server, "victim@example.com");
    let form = LoginForm::fetch(&server);
    let attacker = Some("203.0.113.5");
    for _ in 0..3 {
        let wrong = form.send(form.attempt("victim@example.com", "wrong password!", attacker));
        assert_eq!(wrong.status, 401, "{}", wrong.text());
    }
    let locked = form.send(form.attempt("victim@example.com", CUSTOMER_PASSWORD, attacker));
    assert_eq!(
        locked.status, 429,
        "the attacker's client is throttled for this email"
    );
    // Claiming the customer's address in front of its own is no way out: the proxy appended
    // the attacker's real address last, and that is the one believed.
    let spoofed = Some("198.51.100.7, 203.0.113.5");
    let spoof = form.send(form.attempt("victim@example.com", CUSTOMER_PASSWORD, spoofed));
    assert_eq!(spoof.status, 429, "{}", spoof.text());
    // The real customer, behind the same proxy, is not locked out of their own account.
    let victim = Some("198.51.100.7");
    let login = form.send(form.attempt("victim@example.com", CUSTOMER_PASSWORD, victim));
    assert_eq!(login.status, 303, "{}", login.text());

    // The attacker's address budget runs out for other emails too; the customer's does not.
    let mut last = 0;
    for i in 0..4 {
        last = form
            .send(form.attempt(&format!("x{i}@example.com"), "guess!guess", attacker))
            .status;
    }
    assert_eq!(
        last, 429,
        "one client cannot run unbounded hashes through the proxy"
    );
    let again = form.send(form.attempt("victim@example.com", CUSTOMER_PASSWORD, victim));
    assert_eq!(again.status, 303, "{}", again.text());
}

backend_tests!(an_untrusted_peers_forwarded_header_is_ignored);
fn an_untrusted_peers_forwarded_header_is_ignored(backend: Backend) {
    // 127.0.0.1 is not in 10.0.0.0/8: its X-Forwarded-For is not believed.
    let server = start(backend, PROXY_ELSEWHERE);
    let form = LoginForm::fetch(&server);
    for i in 0..5 {
        let claimed = format!("192.0.2.{i}");
        let request = form.attempt(&format!("u{i}@example.com"), "guess!guess", Some(&claimed));
        assert_eq!(form.send(request).status, 401);
    }
    let fresh = form.attempt("new@example.com", "guess!guess", Some("192.0.2.99"));
    let refused = form.send(fresh);
    assert_eq!(
        refused.status, 429,
        "a spoofed header must not buy a fresh budget"
    );
    refused.assert_text_contains("too many");
}
