//! Values of options that need more than clap's parsers: durations ("90", "30m", "12h") and
//! the public URL. A leaf, so every argument group parses them the same way.

/// Like [`parse_duration`], but zero (`0`, `0s`, `0m`…) is allowed: an operator who has
/// stopped every writer may collect everything at once.
pub fn parse_age(value: &str) -> Result<std::time::Duration, String> {
    parse_any_duration(value)
}

/// A public URL: absolute `http://` or `https://` with a host, without query or fragment
/// (every dist and notify URL in the metadata is built from it). The trailing `/` is dropped.
pub fn parse_public_url(value: &str) -> Result<String, String> {
    let value = value.trim().trim_end_matches('/');
    let rest = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"));
    let host = rest.map(|r| r.split('/').next().unwrap_or_default());
    match host {
        Some(host)
            if !host.is_empty()
                && !host.starts_with(':')
                && !value.contains(['?', '#', ' '])
                && !host.contains('@') =>
        {
            Ok(value.to_string())
        }
        _ => Err(format!(
            "{value:?} is not an absolute http(s) URL; give the address clients use, e.g. https://repo.example.com"
        )),
    }
}

/// Parses seconds ("90") or a `humantime` duration ("90s", "30m", "12h", "7d", "1h 30m").
pub fn parse_duration(value: &str) -> Result<std::time::Duration, String> {
    match parse_any_duration(value)? {
        d if d.is_zero() => Err("the duration must be positive".into()),
        d => Ok(d),
    }
}

/// A duration as [`parse_duration`] reads it, zero included.
fn parse_any_duration(value: &str) -> Result<std::time::Duration, String> {
    let value = value.trim();
    let parsed = if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        value
            .parse::<u64>()
            .map(std::time::Duration::from_secs)
            .map_err(|e| e.to_string())
    } else {
        humantime::parse_duration(value).map_err(|e| e.to_string())
    };
    match parsed {
        Ok(d) => Ok(d),
        Err(why) => Err(format!(
            "{value:?} is not a duration ({why}): use seconds, or e.g. 90s, 30m, 12h, 7d"
        )),
    }
}
