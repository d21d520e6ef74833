//! Content negotiation of the metadata documents (moved in-process from the end-to-end
//! `metadata` tests): brotli for Composer's `Accept-Encoding`, gzip for clients without
//! brotli, none when refused, each decoding to the identical JSON, `Vary` on every answer, and
//! conditional requests still answered 304 when compressed.

use std::io::Read;

use packyard_testkit::Backend;
use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn compression_is_negotiated_and_decodes_to_the_identical_json() {
    let server = TestServer::start(Backend::Sqlite).await;
    for (version, description) in [("1.0.0", "First"), ("1.1.0", "Second"), ("2.0.0", "Third")] {
        let manifest = json!({ "time": "2024-01-01", "description": description,
            "require": { "php": ">=8.1" }, "license": ["OSL-3.0", "AFL-3.0"] });
        server.publish("acme/varied", version, manifest).await;
    }
    let product = server.product("varied", &["acme/varied"]).await;
    let customer = server.customer("meta@example.com", &[&product]).await;
    server.advance_clock(std::time::Duration::from_secs(3));
    for path in ["/packages.json", "/p2/acme/varied.json"] {
        let with_encoding = |accepted: &str| {
            let request = Request::get(path).basic(&customer.public, &customer.private);
            server.send(request.header("Accept-Encoding", accepted))
        };
        let plain = server.get_as(path, &customer).await;
        assert_eq!(plain.status, 200);
        assert_eq!(plain.header("content-encoding"), None, "{path}");
        assert_eq!(plain.header("vary"), Some("Accept-Encoding"), "{path}");
        // Composer's own Accept-Encoding gets brotli.
        let br = with_encoding("deflate, gzip, br, zstd").await;
        assert_eq!(br.header("content-encoding"), Some("br"), "{path}");
        let mut decoded = Vec::new();
        brotli::BrotliDecompress(&mut br.body.as_slice(), &mut decoded).expect("valid brotli");
        assert_eq!(
            decoded, plain.body,
            "{path}: brotli decodes to the same bytes"
        );
        assert!(
            br.body.len() < plain.body.len(),
            "{path}: brotli is smaller"
        );
        // Clients without brotli get gzip.
        let gzip = with_encoding("gzip").await;
        assert_eq!(gzip.header("content-encoding"), Some("gzip"), "{path}");
        let mut gunzipped = Vec::new();
        flate2::read::GzDecoder::new(gzip.body.as_slice())
            .read_to_end(&mut gunzipped)
            .expect("a gzip stream");
        assert_eq!(
            gunzipped, plain.body,
            "{path}: gzip decodes to the same bytes"
        );
        let refused = with_encoding("gzip;q=0, identity").await;
        assert_eq!(refused.header("content-encoding"), None, "{path}");
        assert_eq!(refused.body, plain.body);
        // Conditional requests keep working with compression.
        let stamp = br.header("last-modified").expect("Last-Modified");
        let request = Request::get(path)
            .basic(&customer.public, &customer.private)
            .header("Accept-Encoding", "deflate, gzip, br, zstd")
            .header("If-Modified-Since", stamp);
        let again = server.send(request).await;
        assert_eq!(again.status, 304, "{path}");
        assert!(again.body.is_empty());
    }
}
