//! The admin API's operation list is a reviewed snapshot: every operation in
//! `/api/openapi.json`, with the schema of each response, is compared with the committed
//! `openapi_operations.txt`, so an added, removed or retyped operation shows up in review as a
//! change to that file. After an intended change, regenerate it with
//! `PACKYARD_BLESS=1 cargo test -p packyard-server --test http openapi` and commit the result.

use packyard_testkit::Backend;
use serde_json::Value;

use crate::support::*;

const SNAPSHOT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/http/openapi_operations.txt"
);

/// The name a response schema is known by: its component name, `[Name]` for an array of
/// them, `inline` for an unnamed schema, `-` for a response without a body.
fn schema_name(response: &Value) -> String {
    let Some(content) = response["content"].as_object() else {
        return "-".into();
    };
    let names: Vec<String> = content
        .iter()
        .map(|(media, body)| {
            let schema = &body["schema"];
            let component = |s: &Value| {
                s["$ref"]
                    .as_str()
                    .and_then(|r| r.rsplit('/').next())
                    .map(str::to_string)
            };
            let name = component(schema)
                .or_else(|| component(&schema["items"]).map(|n| format!("[{n}]")))
                .unwrap_or_else(|| "inline".into());
            format!("{media} {name}")
        })
        .collect();
    names.join(" | ")
}

/// One line per operation: `METHOD /path  status: schema, …`, sorted.
fn operations(doc: &Value) -> Vec<String> {
    let mut lines = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("a path item") {
            let Some(responses) = operation["responses"].as_object() else {
                continue;
            };
            let answers: Vec<String> = responses
                .iter()
                .map(|(status, response)| format!("{status}: {}", schema_name(response)))
                .collect();
            lines.push(format!(
                "{} {path}  {}",
                method.to_uppercase(),
                answers.join(", ")
            ));
        }
    }
    lines.sort();
    lines
}

#[tokio::test]
async fn the_operation_list_matches_the_reviewed_snapshot() {
    let server = TestServer::start(Backend::Sqlite).await;
    let answer = server.get("/api/openapi.json").await;
    assert_eq!(answer.status, 200);
    let actual = operations(&answer.json());
    assert!(!actual.is_empty(), "the document lists no operations");
    if std::env::var("PACKYARD_BLESS").as_deref() == Ok("1") {
        std::fs::write(SNAPSHOT, actual.join("\n") + "\n").unwrap();
        return;
    }
    let committed = std::fs::read_to_string(SNAPSHOT).unwrap_or_default();
    let expected: Vec<&str> = committed.lines().collect();
    let removed: Vec<String> = expected
        .iter()
        .filter(|l| !actual.iter().any(|a| a == *l))
        .map(|l| format!("- {l}"))
        .collect();
    let added: Vec<String> = actual
        .iter()
        .filter(|a| !expected.contains(&a.as_str()))
        .map(|a| format!("+ {a}"))
        .collect();
    assert!(
        removed.is_empty() && added.is_empty(),
        "the admin API's operations differ from tests/http/openapi_operations.txt:\n{}\n{}\n\
         review the change, then regenerate the file with PACKYARD_BLESS=1",
        removed.join("\n"),
        added.join("\n")
    );
}

/// Whether `schema` says something: a named component, or an inline object, array or
/// scalar type. `{}` (what an untyped `serde_json::Value` body gives) says nothing.
fn is_typed(schema: &Value) -> bool {
    schema["$ref"].is_string()
        || schema["type"].is_string()
        || schema["type"].is_array()
        || schema["allOf"].is_array()
        || schema["oneOf"].is_array()
}

/// Every admin API operation has a typed schema for each answer with a body: 2xx answers
/// other than 204 must carry one, and so must errors.
#[tokio::test]
async fn every_operation_has_a_response_schema() {
    let doc = serde_json::to_value(packyard_server::api::openapi()).unwrap();
    let mut missing = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("a path item") {
            let responses = operation["responses"].as_object().expect("responses");
            let success = responses.keys().any(|s| s.starts_with('2'));
            if !success {
                missing.push(format!("{method} {path}: no success answer"));
            }
            for (status, response) in responses {
                if status == "204" {
                    continue;
                }
                let typed = response["content"].as_object().is_some_and(|content| {
                    !content.is_empty() && content.values().all(|c| is_typed(&c["schema"]))
                });
                if !typed {
                    missing.push(format!("{method} {path} {status}"));
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "operations without a response schema:\n{}",
        missing.join("\n")
    );
}

/// The original routes are documented as their `/api/v1/` twins are, and served by the
/// same handler (an upload through the old path answers like one through the new).
#[tokio::test]
async fn legacy_routes_are_documented_as_their_twins() {
    let doc = serde_json::to_value(packyard_server::api::openapi()).unwrap();
    for (method, old, twin) in [
        ("post", "/api/packages", "/api/v1/packages"),
        (
            "delete",
            "/api/packages/{vendor}/{name}/{version}",
            "/api/v1/packages/{vendor}/{name}/{version}",
        ),
        (
            "put",
            "/api/releases/{file_name}",
            "/api/v1/releases/{file_name}",
        ),
    ] {
        let legacy = &doc["paths"][old][method];
        let current = &doc["paths"][twin][method];
        assert!(legacy.is_object(), "{method} {old} is not documented");
        assert_eq!(legacy["responses"], current["responses"], "{old}");
        assert_eq!(legacy["parameters"], current["parameters"], "{old}");
        assert_eq!(
            doc["paths"][old].as_object().unwrap().len(),
            1,
            "{old} has only its one method"
        );
    }
}
