//! `serve --tls-cert --tls-key`: Composer installs over HTTPS when it trusts the
//! certificate, refuses when it does not, and bad certificate files stop the server with a
//! clear reason.

use std::path::Path;
use std::process::Command;

use serde_json::json;

use crate::support::*;

/// A self-signed certificate for 127.0.0.1; returns (cert, key) paths.
fn self_signed(dir: &Path) -> (String, String) {
    certificate(dir, "127.0.0.1")
}

/// A self-signed certificate for 127.0.0.1 with this common name, written to
/// `dir/cert.pem` and `dir/key.pem`; returns their paths.
pub fn certificate(dir: &Path, common_name: &str) -> (String, String) {
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    let subject = format!("/CN={common_name}");
    let out = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
        ])
        .args([
            "-nodes",
            "-days",
            "2",
            "-subj",
            &subject,
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("openssl is installed");
    succeeded(out, "openssl req");
    (cert.display().to_string(), key.display().to_string())
}

#[test]
fn composer_installs_over_https() {
    let certs = tempfile::tempdir().unwrap();
    let (cert, key) = self_signed(certs.path());
    let server = Server::start_with(Backend::Sqlite, &["--tls-cert", &cert, "--tls-key", &key]);
    assert!(
        server.url.starts_with("https://127.0.0.1:"),
        "{}",
        server.url
    );
    server.publish_all(&[package_zip("acme/secure", "1.0.0", json!({}))]);
    server.product("secure", "Secure", "acme/*", &[]);
    let (_, public, private) = server.licensed_customer("tls@example.com", &["secure"]);

    assert!(
        eventually(PROPAGATION * 5, || curl_as(
            &format!("{}/packages.json", server.url),
            &public,
            &private,
            &["--cacert", &cert]
        )
        .json()["available-packages"]
            .as_array()
            .is_some_and(|a| !a.is_empty())),
        "the package never became visible"
    );

    let dev = Developer::new(&server, "tls", &public, &private);
    let project = |name: &str, cafile: Option<&str>| {
        let dir = server.work_dir(name);
        let mut config = json!({});
        if let Some(cafile) = cafile {
            config["cafile"] = json!(cafile);
        }
        let manifest = json!({
            "name": "test/app",
            "repositories": [{ "type": "composer", "url": server.url }, { "packagist.org": false }],
            "config": config,
        });
        std::fs::write(dir.join("composer.json"), manifest.to_string()).unwrap();
        dir
    };
    let trusted = project("trusted", Some(&cert));
    let out = dev.composer_ok(&trusted, &["require", "acme/secure"]);
    assert!(!out.contains("insecure protocol"), "{out}");
    assert_eq!(
        locked_version(&trusted, "acme/secure").as_deref(),
        Some("1.0.0")
    );
    let lock = std::fs::read_to_string(trusted.join("composer.lock")).unwrap();
    assert!(
        lock.contains(&format!("\"url\": \"{}/dist/acme/secure/", server.url)),
        "dist URLs use https: {lock}"
    );

    let untrusted = project("untrusted", None);
    // A fresh machine: with a warm cache Composer would fall back to cached metadata.
    let stranger = Developer::new(&server, "tls-stranger", &public, &private);
    let (ok, out) = stranger.composer(&untrusted, &["require", "acme/secure"]);
    assert!(!ok);
    assert!(out.contains("SSL certificate problem"), "{out}");
}

#[test]
fn bad_certificate_files_stop_the_server_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = self_signed(dir.path());
    let garbage = dir.path().join("garbage.pem");
    std::fs::write(&garbage, "not a certificate").unwrap();
    let garbage = garbage.display().to_string();
    let data = dir.path().join("data");
    for (c, k, expected) in [
        (
            garbage.as_str(),
            key.as_str(),
            "cannot read the certificate chain",
        ),
        (
            cert.as_str(),
            garbage.as_str(),
            "cannot read the private key",
        ),
        (
            "/nonexistent.pem",
            key.as_str(),
            "cannot read the certificate chain from /nonexistent.pem",
        ),
    ] {
        let out = Command::new(BIN)
            .arg("--data-dir")
            .arg(&data)
            .args([
                "serve",
                "--listen",
                "127.0.0.1:0",
                "--tls-cert",
                c,
                "--tls-key",
                k,
            ])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            !out.status.success() && err.contains(expected),
            "{c} {k}: {err}"
        );
    }
}

/// Over HTTPS with HTTP/1.1 (what `wrk` and some proxies speak), a warm p2 file fetched
/// again and again on one kept-alive connection is answered by the connection itself
/// (`edge::direct`, through rustls): the same bytes Composer gets over HTTP/2.
#[test]
fn kept_alive_https_1_1_gets_the_bytes_http2_gets() {
    let certs = tempfile::tempdir().unwrap();
    let (cert, key) = self_signed(certs.path());
    let server = Server::start_with(Backend::Sqlite, &["--tls-cert", &cert, "--tls-key", &key]);
    server.publish_all(&[package_zip("acme/kept", "1.0.0", json!({}))]);
    server.product("kept", "Kept", "acme/*", &[]);
    let (_, public, private) = server.licensed_customer("kept@example.com", &["kept"]);
    let url = format!("{}/p2/acme/kept.json", server.url);
    let tls = ["--cacert", cert.as_str()];
    assert!(
        eventually(PROPAGATION * 5, || curl_as(&url, &public, &private, &tls)
            .status
            == 200),
        "the package never became visible"
    );
    let http2 = curl_as(&url, &public, &private, &tls);
    let dir = tempfile::tempdir().unwrap();
    let bodies: Vec<_> = (0..3)
        .map(|i| dir.path().join(format!("{i}.json")))
        .collect();
    let mut curl = Command::new("curl");
    curl.args(["-s", "-S", "--http1.1", "--cacert", &cert])
        .args(["-u", &format!("{public}:{private}")])
        .args(["-w", "%{http_version} %{response_code} %{num_connects}\\n"]);
    for body in &bodies {
        curl.arg("-o").arg(body).arg(&url);
    }
    let out = succeeded(curl.output().unwrap(), "curl --http1.1");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines,
        ["1.1 200 1", "1.1 200 0", "1.1 200 0"],
        "three answers over one HTTP/1.1 connection"
    );
    for body in &bodies {
        assert_eq!(std::fs::read(body).unwrap(), http2.body);
    }
}

/// Many requests multiplexed on one HTTP/2 connection, as Composer sends them: every stream
/// gets its own file's bytes, in full, though the answers of one pass go out gathered into
/// one write (`edge::coalesce`); none is held back (curl gives up after its time limit).
#[test]
fn many_streams_on_one_http2_connection_each_get_their_own_bytes() {
    let certs = tempfile::tempdir().unwrap();
    let (cert, key) = self_signed(certs.path());
    let server = Server::start_with(Backend::Sqlite, &["--tls-cert", &cert, "--tls-key", &key]);
    let names = ["acme/one", "acme/two", "acme/three", "acme/four"];
    let zips: Vec<_> = names
        .iter()
        .map(|name| package_zip(name, "1.0.0", json!({ "description": name })))
        .collect();
    server.publish_all(&zips);
    server.product("many", "Many", "acme/*", &[]);
    let (_, public, private) = server.licensed_customer("many@example.com", &["many"]);
    let tls = ["--cacert", cert.as_str()];
    let url = |name: &str| format!("{}/p2/{name}.json", server.url);
    let mut expected = Vec::new();
    for name in names {
        assert!(
            eventually(PROPAGATION * 5, || curl_as(
                &url(name),
                &public,
                &private,
                &tls
            )
            .status
                == 200),
            "{name} never became visible"
        );
        expected.push(curl_as(&url(name), &public, &private, &tls).body);
    }
    let dir = tempfile::tempdir().unwrap();
    let mut curl = Command::new("curl");
    curl.args(["-s", "-S", "--http2", "--parallel", "--parallel-max", "64"])
        .args(["--max-time", "20", "--cacert", &cert])
        .args(["-u", &format!("{public}:{private}")])
        .args(["-w", "%{http_version} %{response_code}\\n"]);
    let fetched: Vec<_> = (0..48)
        .map(|i| (i % names.len(), dir.path().join(format!("{i}.json"))))
        .collect();
    for (which, body) in &fetched {
        curl.arg("-o").arg(body).arg(url(names[*which]));
    }
    let out = succeeded(curl.output().unwrap(), "curl --http2 --parallel");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines,
        vec!["2 200"; fetched.len()],
        "every stream answered over HTTP/2"
    );
    for (which, body) in &fetched {
        assert_eq!(
            std::fs::read(body).unwrap(),
            expected[*which],
            "{} got another file's bytes",
            names[*which]
        );
    }
}
