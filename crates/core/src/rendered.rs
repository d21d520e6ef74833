//! A rendered document with its precomputed encodings: what the snapshot caches and the
//! Composer routes serve. Kept apart from rendering (the `metadata` module) and from the
//! snapshot so that both depend on it and not on each other.

use std::io::Write;

use bytes::Bytes;
use flate2::write::GzEncoder;

use crate::config::CompressionConfig;

/// A rendered document and the unix-millis stamp of the data it was rendered from.
pub struct Rendered {
    pub body: Bytes,
    /// `body` gzip-compressed, for clients sending `Accept-Encoding: gzip`.
    pub gzip: Bytes,
    /// `body` brotli-compressed: Composer's curl asks for `br` and decodes it, and it is
    /// smaller than gzip on JSON. Compressed once here, never per request.
    pub brotli: Bytes,
    pub changed_at: i64,
    /// Carries a warning for the developer. Composer prints warnings only from full (200)
    /// answers, so such documents are never answered with 304: the reason a version is
    /// missing shows up on every resolution, not just the first.
    pub has_warning: bool,
}

impl Rendered {
    pub fn new(
        body: Vec<u8>,
        changed_at: i64,
        has_warning: bool,
        compression: &CompressionConfig,
    ) -> Rendered {
        let mut gz = GzEncoder::new(
            Vec::with_capacity(body.len() / 4 + 64),
            flate2::Compression::new(compression.gzip_level),
        );
        // Writing into a Vec cannot fail; an error here would be a bug in flate2/brotli,
        // and the identity body is still served correctly if it ever happened.
        let gzip = gz
            .write_all(&body)
            .and_then(|()| gz.finish())
            .unwrap_or_default();
        let mut br = brotli::CompressorWriter::new(
            Vec::with_capacity(body.len() / 5 + 64),
            compression.brotli_buffer,
            compression.brotli_quality,
            compression.brotli_window,
        );
        let brotli = match br.write_all(&body) {
            Ok(()) => br.into_inner(),
            Err(_) => Vec::new(),
        };
        Rendered {
            body: Bytes::from(body),
            gzip: Bytes::from(gzip),
            brotli: Bytes::from(brotli),
            changed_at,
            has_warning,
        }
    }
}
