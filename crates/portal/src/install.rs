//! The "Install with Composer" panel: everything a developer pastes to install from this
//! repository with one key pair, built from the server's public URL (scheme, host and port
//! as Composer keys credentials: `host[:port]`) and the key chosen. The private key is only
//! known on the page that creates the key; elsewhere a placeholder stands in for it.

use packyard_core::Config;

/// What stands in for a private key the server does not know.
pub const PRIVATE_PLACEHOLDER: &str = "PRIVATE_KEY";

pub struct InstallGuide {
    pub repo_url: String,
    /// `composer config repositories.NAME composer URL`
    pub repo_command: String,
    /// `composer config secure-http false`, needed only when the repository is plain HTTP.
    pub insecure_command: Option<String>,
    /// `composer config http-basic.HOST PUBLIC PRIVATE`
    pub auth_command: String,
    /// A complete `auth.json`.
    pub auth_json: String,
    /// `COMPOSER_AUTH='…'` for CI.
    pub composer_auth: String,
    /// Whether the private key is in the commands (only right after the key was created).
    pub has_private: bool,
}

/// The repository's name in `composer.json`: the brand name as a slug (`Acme Repo` →
/// `acme-repo`), `packyard` when nothing is left of it.
pub fn repository_name(brand: &str) -> String {
    let mut slug = String::new();
    for c in brand.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    if slug.is_empty() {
        "packyard".into()
    } else {
        slug.into()
    }
}

impl InstallGuide {
    pub fn new(config: &Config, public_key: &str, private_key: Option<&str>) -> InstallGuide {
        let host = config.host();
        let private = private_key.unwrap_or(PRIVATE_PLACEHOLDER);
        let name = repository_name(&config.brand.name);
        let credentials = serde_json::json!({
            "http-basic": { host: { "username": public_key, "password": private } }
        });
        InstallGuide {
            repo_url: config.public_url.clone(),
            repo_command: format!(
                "composer config repositories.{name} composer {}",
                config.public_url
            ),
            insecure_command: (!config.is_https())
                .then(|| "composer config secure-http false".to_string()),
            auth_command: format!("composer config http-basic.{host} {public_key} {private}"),
            auth_json: serde_json::to_string_pretty(&credentials).unwrap_or_default(),
            composer_auth: format!("COMPOSER_AUTH='{credentials}'"),
            has_private: private_key.is_some(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_guide_uses_host_port_and_the_chosen_key() {
        let mut config = Config::new("http://127.0.0.1:8899/");
        config.brand = std::sync::Arc::new(
            packyard_core::brand::Brand::new(Some("Acme Repo!"), None, None).unwrap(),
        );
        let g = InstallGuide::new(&config, "PUB", None);
        assert_eq!(
            g.repo_command,
            "composer config repositories.acme-repo composer http://127.0.0.1:8899"
        );
        assert_eq!(
            g.auth_command,
            "composer config http-basic.127.0.0.1:8899 PUB PRIVATE_KEY"
        );
        assert_eq!(
            g.composer_auth,
            r#"COMPOSER_AUTH='{"http-basic":{"127.0.0.1:8899":{"username":"PUB","password":"PRIVATE_KEY"}}}'"#
        );
        assert!(g.insecure_command.is_some() && !g.has_private);
        let tls = InstallGuide::new(&Config::new("https://repo.acme.test"), "P", Some("S"));
        assert!(tls.insecure_command.is_none() && tls.has_private);
        assert!(tls.auth_json.contains("\"repo.acme.test\""));
        assert_eq!(repository_name("--"), "packyard");
    }
}
