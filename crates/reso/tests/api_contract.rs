//! The served OpenAPI document against what the API really answers — the
//! findings of scripts/schemathesis.sh, pinned as tests.

mod support;

use reqwest::StatusCode;
use serde_json::Value;
use support::TestApp;

async fn openapi(app: &TestApp) -> Value {
    let res = app
        .http
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

fn operations(doc: &Value) -> Vec<(String, String, &Value)> {
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if ["get", "put", "post", "delete", "patch"].contains(&method.as_str()) {
                ops.push((method.clone(), path.clone(), op));
            }
        }
    }
    ops
}

#[tokio::test]
async fn problems_are_documented_as_problem_json_with_the_shared_statuses() {
    let app = TestApp::spawn().await;
    let doc = openapi(&app).await;
    let ops = operations(&doc);
    assert!(ops.len() > 50, "only {} operations", ops.len());
    for (method, path, op) in ops {
        let responses = op["responses"].as_object().unwrap();
        for (status, response) in responses {
            let content = response["content"].as_object();
            let Some(content) = content else { continue };
            if status.starts_with('4') || status.starts_with('5') {
                assert!(
                    content.contains_key("application/problem+json")
                        && !content.contains_key("application/json"),
                    "{method} {path} {status}: {content:?}"
                );
            }
        }
        for p in op["parameters"].as_array().into_iter().flatten() {
            if p["name"] == "Idempotency-Key" {
                assert_eq!(p["schema"]["maxLength"], 255, "{method} {path}");
                assert!(p["schema"]["pattern"].is_string(), "{method} {path}");
            }
        }
        let secured = op["security"].as_array().is_some_and(|s| !s.is_empty());
        if secured {
            assert!(responses.contains_key("401"), "{method} {path} lacks 401");
        }
        if path.contains('{') {
            assert!(responses.contains_key("404"), "{method} {path} lacks 404");
        }
        if op.get("requestBody").is_some() {
            for status in ["413", "415", "422"] {
                assert!(
                    responses.contains_key(status),
                    "{method} {path} lacks {status}"
                );
            }
        }
    }
}

#[tokio::test]
async fn merchant_schema_allows_the_fields_the_merchant_endpoint_sends() {
    let app = TestApp::spawn().await;
    let doc = openapi(&app).await;
    let schema = &doc["components"]["schemas"]["MerchantOut"];
    assert!(schema.get("allOf").is_none(), "{schema}");
    let props = schema["properties"].as_object().unwrap();

    let res = app.api_get("/api/v1/merchant").await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    for field in body.as_object().unwrap().keys() {
        assert!(props.contains_key(field), "'{field}' is not in MerchantOut");
    }
    assert_eq!(body["slug"], app.merchant.slug.as_str());
}

#[tokio::test]
async fn a_broken_multipart_body_is_a_bad_request_not_too_large() {
    let app = TestApp::spawn().await;
    // The body's boundary differs from the one announced in the header.
    for path in [
        "/api/v1/claims/1/messages",
        "/api/v1/claims/1/documents",
        "/api/v1/returns/1/messages",
    ] {
        let res = app
            .http
            .post(app.url(path))
            .bearer_auth(&app.api_key)
            .header("content-type", "multipart/form-data; boundary=announced")
            .body("--other\r\n--other--\r\n")
            .send()
            .await
            .unwrap();
        let status = res.status();
        let ct = res.headers()["content-type"].to_str().unwrap().to_string();
        let body: Value = res.json().await.unwrap();
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {body}");
        assert_eq!(body["status"], 400);
        assert_eq!(ct, "application/problem+json", "{path}");
    }
}
