//! The committed `openapi/openapi.json` must be exactly what the code generates.

#[test]
fn committed_openapi_matches_the_code() {
    let generated = virtumancer_api::openapi().to_pretty_json().unwrap() + "\n";
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../openapi/openapi.json");
    let committed = std::fs::read_to_string(path).expect("openapi/openapi.json is missing");
    assert!(
        committed == generated,
        "openapi/openapi.json is out of date: run `make openapi` (cargo run -p virtumancer -- openapi --output openapi/openapi.json) and commit it"
    );
}

#[test]
fn every_operation_has_an_id_a_tag_a_summary_and_documented_errors() {
    let doc = serde_json::to_value(virtumancer_api::openapi()).unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.len() >= 6);
    for (path, item) in paths {
        for (method, op) in item.as_object().unwrap() {
            let at = format!("{method} {path}");
            assert!(op["operationId"].as_str().is_some(), "{at}: no operationId");
            assert!(
                op["tags"].as_array().is_some_and(|t| !t.is_empty()),
                "{at}: no tag"
            );
            assert!(
                op["summary"].as_str().is_some_and(|s| !s.is_empty()),
                "{at}: no summary"
            );
            let responses = op["responses"].as_object().unwrap();
            let has_body = op.get("requestBody").is_some();
            let has_param = op.get("parameters").is_some();
            if has_body || has_param {
                assert!(
                    responses.keys().any(|k| k.starts_with('4')),
                    "{at}: no documented 4xx"
                );
            }
        }
    }
    for schema in [
        "Host",
        "HostFacts",
        "HostState",
        "ApiError",
        "ErrorCode",
        "Event",
        "PluginEntry",
        "WasmStatus",
        "CreateHost",
    ] {
        assert!(
            doc["components"]["schemas"][schema].is_object(),
            "schema {schema} missing"
        );
    }
}
