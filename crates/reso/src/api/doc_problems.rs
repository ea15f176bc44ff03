//! Documents the errors every operation shares, in one place, so the OpenAPI
//! document matches what the extractors and the problem type really send:
//! problems are `application/problem+json`, a rejected key is 401, a bad path
//! id 404, and a body can be malformed (400), of the wrong type (415), too
//! large (413) or invalid (422). It also states the shape of the
//! Idempotency-Key header that `auth::idempotency_key` accepts.

use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::{Content, OpenApi, Ref, RefOr, Response};
use utoipa::Modify;

const PROBLEM_JSON: &str = "application/problem+json";

pub struct CommonProblems;

impl Modify for CommonProblems {
    fn modify(&self, openapi: &mut OpenApi) {
        for (path, item) in openapi.paths.paths.iter_mut() {
            let buyer = path.starts_with("/api/v1/buyer/");
            for op in [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ]
            .into_iter()
            .flatten()
            {
                problems_as_problem_json(op);
                shape_idempotency_key(op);
                add_shared(op, buyer);
            }
        }
    }
}

fn is_problem(content: &Content) -> bool {
    matches!(&content.schema, Some(RefOr::Ref(r)) if r.ref_location.ends_with("/Problem"))
}

/// utoipa writes every body as application/json; problems are not.
fn problems_as_problem_json(op: &mut Operation) {
    for response in op.responses.responses.values_mut() {
        let RefOr::T(response) = response else {
            continue;
        };
        if response
            .content
            .get("application/json")
            .is_some_and(is_problem)
        {
            if let Some(content) = response.content.shift_remove("application/json") {
                response.content.insert(PROBLEM_JSON.to_string(), content);
            }
        }
    }
}

/// 1 to 255 visible ASCII characters (inner spaces allowed). Control
/// characters never reach Reso: the HTTP parser refuses them with a bare 400.
fn shape_idempotency_key(op: &mut Operation) {
    for p in op.parameters.iter_mut().flatten() {
        if p.parameter_in == ParameterIn::Header && p.name.eq_ignore_ascii_case("idempotency-key") {
            p.schema = Some(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .pattern(Some("^[!-~]([ !-~]{0,253}[!-~])?$"))
                    .min_length(Some(1))
                    .max_length(Some(255))
                    .into(),
            );
        }
    }
}

fn add_shared(op: &mut Operation, buyer: bool) {
    let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
    let has_path_params = op
        .parameters
        .iter()
        .flatten()
        .any(|p| p.parameter_in == ParameterIn::Path);
    let has_query = op
        .parameters
        .iter()
        .flatten()
        .any(|p| p.parameter_in == ParameterIn::Query);
    let has_body = op.request_body.is_some();

    let mut shared: Vec<(&str, &str)> = Vec::new();
    if has_body || has_query || has_path_params {
        shared.push(("400", "Malformed request: body, query or path"));
    }
    if secured {
        shared.push(("401", "Missing, unknown or revoked credentials"));
    }
    if buyer {
        shared.push(("403", "The order link is not valid (expired or unknown)"));
    }
    if has_path_params {
        shared.push(("404", "No such resource for this caller"));
    }
    if has_body {
        shared.push(("413", "Body too large"));
        shared.push(("415", "Body is not of the documented content type"));
        shared.push(("422", "Body well-formed but invalid"));
    }
    for (status, description) in shared {
        op.responses
            .responses
            .entry(status.to_string())
            .or_insert_with(|| RefOr::T(problem_response(description)));
    }
}

fn problem_response(description: &str) -> Response {
    let mut response = Response::new(description);
    response.content.insert(
        PROBLEM_JSON.to_string(),
        Content::new(Some(Ref::from_schema_name("Problem"))),
    );
    response
}
