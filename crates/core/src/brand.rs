//! The vendor's brand (SPEC §14): a name, an optional logo and an accent colour, shown on
//! every portal page and in every mail instead of "Packyard".
//!
//! The colour reaches pages through a small stylesheet served from our origin
//! ([`Brand::stylesheet`]), because the portal's Content-Security-Policy forbids inline
//! styles. Text on the accent colour is black or white, whichever contrasts more, so any
//! colour a vendor picks stays readable (WCAG contrast, as the accessibility tests check).

use std::path::Path;

/// The product name shown when the vendor sets none.
pub const DEFAULT_NAME: &str = "Packyard";
/// The default accent: a blue with enough contrast against white text.
pub const DEFAULT_COLOR: &str = "#1d5fbf";
/// Logos larger than this are refused at start (a logo is shown small on every page).
const MAX_LOGO_BYTES: usize = 512 * 1024;

#[derive(Clone, Debug)]
pub struct Brand {
    pub name: String,
    /// `#rrggbb`, lower case.
    pub color: String,
    pub logo: Option<Logo>,
}

#[derive(Clone, Debug)]
pub struct Logo {
    pub bytes: bytes::Bytes,
    pub content_type: &'static str,
}

impl Default for Brand {
    fn default() -> Self {
        Brand {
            name: DEFAULT_NAME.into(),
            color: DEFAULT_COLOR.into(),
            logo: None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum BrandError {
    #[error("--brand-color {0:?} is not a colour like #1d5fbf (# and six hex digits)")]
    Color(String),
    #[error("--brand-name must be 1 to 60 characters")]
    Name,
    #[error("--brand-logo {0}: {1}")]
    Logo(String, String),
}

/// Parses `#RRGGBB` into its three channels.
pub fn parse_color(value: &str) -> Result<[u8; 3], BrandError> {
    let bad = || BrandError::Color(value.to_string());
    let hex = value.trim().strip_prefix('#').ok_or_else(bad)?;
    if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad());
    }
    let channel = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).map_err(|_| bad());
    Ok([channel(0)?, channel(2)?, channel(4)?])
}

/// WCAG relative luminance of an sRGB colour.
fn luminance(rgb: [u8; 3]) -> f64 {
    let lin = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.03928 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(rgb[0]) + 0.7152 * lin(rgb[1]) + 0.0722 * lin(rgb[2])
}

/// The text colour (black or white) that contrasts more with `rgb`.
fn text_on(rgb: [u8; 3]) -> &'static str {
    let l = luminance(rgb);
    // Contrast with white: 1.05 / (l + 0.05); with black: (l + 0.05) / 0.05.
    if 1.05 / (l + 0.05) >= (l + 0.05) / 0.05 {
        "#ffffff"
    } else {
        "#000000"
    }
}

/// What a logo file holds, judged by its first bytes (never by its name).
fn logo_type(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(b"\xff\xd8\xff") {
        Some("image/jpeg")
    } else if bytes.starts_with(b"GIF8") {
        Some("image/gif")
    } else if bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        let head = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]);
        head.contains("<svg").then_some("image/svg+xml")
    }
}

impl Brand {
    /// A brand from the `serve` options: `None` keeps the default of each part.
    pub fn new(
        name: Option<&str>,
        color: Option<&str>,
        logo: Option<&Path>,
    ) -> Result<Brand, BrandError> {
        let mut brand = Brand::default();
        if let Some(name) = name {
            let name = name.trim();
            if name.is_empty() || name.chars().count() > 60 {
                return Err(BrandError::Name);
            }
            brand.name = name.to_string();
        }
        if let Some(color) = color {
            parse_color(color)?;
            brand.color = color.trim().to_ascii_lowercase();
        }
        if let Some(path) = logo {
            let shown = path.display().to_string();
            let bytes = std::fs::read(path)
                .map_err(|e| BrandError::Logo(shown.clone(), format!("cannot read it: {e}")))?;
            if bytes.len() > MAX_LOGO_BYTES {
                return Err(BrandError::Logo(
                    shown,
                    format!("is larger than {} KiB", MAX_LOGO_BYTES / 1024),
                ));
            }
            let content_type = logo_type(&bytes).ok_or_else(|| {
                BrandError::Logo(shown, "is not a PNG, JPEG, GIF, WebP or SVG image".into())
            })?;
            brand.logo = Some(Logo {
                bytes: bytes.into(),
                content_type,
            });
        }
        Ok(brand)
    }

    /// The text colour (black or white) that reads best on the accent colour.
    pub fn text_color(&self) -> &'static str {
        text_on(parse_color(&self.color).unwrap_or([0x1d, 0x5f, 0xbf]))
    }

    /// `/assets/brand.css`: the accent colour and the text colour that goes on it.
    pub fn stylesheet(&self) -> String {
        format!(
            ":root {{ --brand: {}; --on-brand: {}; }}\n",
            self.color,
            self.text_color()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_are_validated_and_get_readable_text() {
        assert_eq!(parse_color("#1D5FBF").unwrap(), [0x1d, 0x5f, 0xbf]);
        for bad in ["1d5fbf", "#1d5fb", "#1d5fbfa", "#gggggg", "", "#"] {
            assert!(parse_color(bad).is_err(), "{bad:?}");
        }
        assert_eq!(text_on([0xff, 0xeb, 0x3b]), "#000000", "yellow takes black");
        assert_eq!(text_on([0x1d, 0x5f, 0xbf]), "#ffffff", "blue takes white");
        let css = Brand::new(None, Some("#FFEB3B"), None)
            .unwrap()
            .stylesheet();
        assert_eq!(css, ":root { --brand: #ffeb3b; --on-brand: #000000; }\n");
    }

    #[test]
    fn names_and_logos_are_checked() {
        assert!(matches!(
            Brand::new(Some("  "), None, None),
            Err(BrandError::Name)
        ));
        assert_eq!(Brand::new(Some(" Acme "), None, None).unwrap().name, "Acme");
        let dir = tempfile::tempdir().unwrap();
        let text = dir.path().join("logo.png");
        std::fs::write(&text, "not an image").unwrap();
        let err = Brand::new(None, None, Some(&text)).unwrap_err().to_string();
        assert!(err.contains("is not a PNG"), "{err}");
        let svg = dir.path().join("logo.svg");
        std::fs::write(
            &svg,
            "<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"/>",
        )
        .unwrap();
        let logo = Brand::new(None, None, Some(&svg)).unwrap().logo.unwrap();
        assert_eq!(logo.content_type, "image/svg+xml");
        let missing = Brand::new(None, None, Some(&dir.path().join("none.png")));
        assert!(missing.unwrap_err().to_string().contains("cannot read it"));
    }
}
