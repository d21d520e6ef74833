//! The mails themselves: one shape for every mail (a heading, a few paragraphs, at most one
//! link to act on), rendered as plain text and as a small branded HTML page from the
//! templates `mail.txt` and `mail.html`. HTML mail cannot use our stylesheet, so its few
//! styles are inline; the text part carries everything the HTML part says.

use askama::Template;
use packyard_core::brand::Brand;
use packyard_core::mail::Mail;

/// What a mail says, before it is rendered.
pub struct Letter {
    pub subject: String,
    pub paragraphs: Vec<String>,
    /// A button (HTML) or a line (text) leading to this URL.
    pub action: Option<(String, String)>,
}

#[derive(Template)]
#[template(path = "mail.txt")]
struct TextMail<'a> {
    brand: &'a Brand,
    letter: &'a Letter,
    portal: &'a str,
}

#[derive(Template)]
#[template(path = "mail.html")]
struct HtmlMail<'a> {
    brand: &'a Brand,
    letter: &'a Letter,
    portal: &'a str,
    on_brand: &'a str,
}

impl Letter {
    /// Renders the letter with the vendor's brand; `portal` is the public URL.
    pub fn compose(&self, brand: &Brand, portal: &str) -> Mail {
        let letter = self;
        let on_brand = brand.text_color();
        let text = TextMail {
            brand,
            letter,
            portal,
        };
        let html = HtmlMail {
            brand,
            letter,
            portal,
            on_brand,
        };
        Mail {
            subject: format!("{} — {}", letter.subject, brand.name),
            // Rendering only fails on a template bug; fall back to the bare paragraphs.
            text: text
                .render()
                .unwrap_or_else(|_| letter.paragraphs.join("\n\n")),
            html: html
                .render()
                .unwrap_or_else(|_| letter.paragraphs.join("<br>")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mails_carry_the_brand_and_escape_what_they_quote() {
        let brand = Brand::new(Some("Acme Repo"), Some("#ffeb3b"), None).unwrap();
        let letter = Letter {
            subject: "Reset your password".into(),
            paragraphs: vec!["For <b>you</b>.".into()],
            action: Some((
                "Choose a new password".into(),
                "http://h/password/reset?token=T".into(),
            )),
        };
        let mail = letter.compose(&brand, "http://h");
        assert_eq!(mail.subject, "Reset your password — Acme Repo");
        assert!(mail.text.contains("For <b>you</b>."), "{}", mail.text);
        assert!(
            mail.text
                .contains("Choose a new password: http://h/password/reset?token=T")
        );
        assert!(mail.text.contains("Acme Repo"));
        assert!(
            mail.html.contains("For &#60;b&#62;you&#60;/b&#62;.")
                || mail.html.contains("For &lt;b&gt;"),
            "{}",
            mail.html
        );
        assert!(mail.html.contains("#ffeb3b") && mail.html.contains("color:#000000"));
    }
}
