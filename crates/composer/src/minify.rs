//! The `composer/2.0` minified metadata format: the first version is complete, each later
//! one holds only the keys whose value differs from the version before it (as Composer
//! expands them), and a key that disappears is written as the string `"__unset"`. Composer
//! expands it with `MetadataMinifier::expand`; a differential test checks ours against it.

use serde_json::{Map, Value};

const UNSET: &str = "__unset";

pub fn minify(versions: &[Map<String, Value>]) -> Vec<Value> {
    let mut out = Vec::with_capacity(versions.len());
    let mut previous: Option<&Map<String, Value>> = None;
    for version in versions {
        let Some(prev) = previous else {
            out.push(Value::Object(version.clone()));
            previous = Some(version);
            continue;
        };
        let mut diff = Map::new();
        for (key, value) in version {
            if prev.get(key) != Some(value) {
                diff.insert(key.clone(), value.clone());
            }
        }
        for key in prev.keys() {
            if !version.contains_key(key) {
                diff.insert(key.clone(), Value::from(UNSET));
            }
        }
        out.push(Value::Object(diff));
        previous = Some(version);
    }
    out
}

/// The inverse of [`minify`], as Composer performs it.
pub fn expand(minified: &[Value]) -> Vec<Map<String, Value>> {
    let mut out = Vec::with_capacity(minified.len());
    let mut state: Map<String, Value> = Map::new();
    for entry in minified {
        let Value::Object(diff) = entry else { continue };
        for (key, value) in diff {
            if value.as_str() == Some(UNSET) {
                state.remove(key);
            } else {
                state.insert(key.clone(), value.clone());
            }
        }
        out.push(state.clone());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn minifies_and_expands() {
        let versions = vec![
            obj(
                json!({"name": "a/b", "version": "2.0.0", "require": {"php": ">=8.1"}, "extra": {"x": 1}}),
            ),
            obj(json!({"name": "a/b", "version": "1.0.0", "require": {"php": ">=7.4"}})),
            obj(json!({"name": "a/b", "version": "0.9.0", "require": {"php": ">=7.4"}})),
        ];
        let min = minify(&versions);
        assert_eq!(
            min[1],
            json!({"version": "1.0.0", "require": {"php": ">=7.4"}, "extra": "__unset"})
        );
        assert_eq!(min[2], json!({"version": "0.9.0"}));
        assert_eq!(expand(&min), versions);
    }
}
