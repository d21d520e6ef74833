//! Temporary (not committed): dumps the OpenAPI document for comparison.
#[test]
fn dump() {
    let doc = serde_json::to_string_pretty(&packyard_server::api::openapi()).unwrap();
    std::fs::write(std::env::var("DUMP").unwrap(), doc).unwrap();
}
