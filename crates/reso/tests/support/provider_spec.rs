//! Checks one HTTP request against a payment provider's official OpenAPI
//! specification (tests/specs/), so an adapter's requests are shown to be what
//! the provider documents: path template and method, required headers and
//! parameters, authentication, and the body against the operation's schema.
//!
//! Schemas are validated with the `jsonschema` crate; the OpenAPI dialect is
//! turned into JSON Schema first (`nullable`, component references). Form
//! bodies (Stripe) are decoded the way Stripe encodes them — `metadata[k]=v`,
//! `expand[]=x`, `items[0][a]=b` — and their strings coerced by the schema
//! (integers, numbers, booleans, arrays) before validation. Multipart bodies
//! (`multipart/form-data`: Stripe's file upload, PayPal's dispute answers)
//! are split into their parts (`decode_multipart`) and checked as the object
//! the schema describes: JSON parts parsed, text parts coerced like form
//! values, files required where the schema declares `format: binary`.

use reqwest::header::HeaderMap;
use serde_json::{json, Map, Value};
use std::collections::BTreeSet;
use std::path::PathBuf;

pub struct ProviderSpec {
    name: String,
    doc: Value,
    /// OpenAPI 3.0 schemas are draft-4-like; 3.1 schemas are JSON Schema 2020-12.
    draft: jsonschema::Draft,
    /// Path prefixes of the spec's servers (Adyen's `/v72`), tried when a
    /// request path does not match a template as it is.
    server_prefixes: Vec<String>,
}

/// A path template's placeholders and their values in one request.
type PathValues = Vec<(String, String)>;

impl ProviderSpec {
    /// Loads `tests/specs/{file}`; panics when it is missing or not JSON, as
    /// a test cannot go on without it.
    pub fn load(file: &str) -> ProviderSpec {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/specs")
            .join(file);
        let text = std::fs::read(&path)
            .unwrap_or_else(|e| panic!("cannot read spec {}: {e}", path.display()));
        let doc: Value = serde_json::from_slice(&text)
            .unwrap_or_else(|e| panic!("spec {} is not JSON: {e}", path.display()));
        let version = doc["openapi"].as_str().unwrap_or_default();
        let draft = if version.starts_with("3.1") {
            jsonschema::Draft::Draft202012
        } else {
            jsonschema::Draft::Draft4
        };
        let server_prefixes = doc["servers"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s["url"].as_str())
            .filter_map(server_path)
            .collect();
        ProviderSpec {
            name: file.to_string(),
            doc,
            draft,
            server_prefixes,
        }
    }

    /// Checks one request; `Err` lists everything wrong with it.
    pub fn check(
        &self,
        method: &str,
        path_and_query: &str,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<(), Vec<String>> {
        let method = method.to_ascii_lowercase();
        let (path, query) = match path_and_query.split_once('?') {
            Some((p, q)) => (p, q),
            None => (path_and_query, ""),
        };
        let Some((template, path_params)) = self.match_path(path) else {
            return Err(vec![format!(
                "{}: no path in the spec matches {path}",
                self.name
            )]);
        };
        let path_item = &self.doc["paths"][template.as_str()];
        let Some(operation) = path_item.get(&method) else {
            return Err(vec![format!(
                "{}: {template} has no {} operation",
                self.name,
                method.to_uppercase()
            )]);
        };
        let mut errors = Vec::new();
        let parameters = self.parameters(path_item, operation);
        self.check_security(operation, headers, &mut errors);
        self.check_parameters(&parameters, &path_params, query, headers, &mut errors);
        self.check_body(operation, headers, body, &mut errors);
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors
                .into_iter()
                .map(|e| format!("{} {template}: {e}", method.to_uppercase()))
                .collect())
        }
    }

    /// The template matching `path` (fewest placeholders wins, so
    /// `/v1/refunds/search` beats `/v1/refunds/{refund}`), with its values.
    fn match_path(&self, path: &str) -> Option<(String, PathValues)> {
        let paths = self.doc["paths"].as_object()?;
        let mut candidates = vec![path.to_string()];
        for prefix in &self.server_prefixes {
            if let Some(rest) = path.strip_prefix(prefix.as_str()) {
                if rest.starts_with('/') {
                    candidates.push(rest.to_string());
                }
            }
        }
        let mut best: Option<(usize, String, PathValues)> = None;
        for candidate in &candidates {
            let segments: Vec<&str> = candidate.split('/').collect();
            for template in paths.keys() {
                let parts: Vec<&str> = template.split('/').collect();
                if parts.len() != segments.len() {
                    continue;
                }
                let mut values = Vec::new();
                let matched = parts.iter().zip(&segments).all(|(part, seg)| {
                    if let Some(name) = part.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
                        values.push((name.to_string(), percent_decode(seg)));
                        !seg.is_empty()
                    } else {
                        part == seg
                    }
                });
                if matched && best.as_ref().is_none_or(|(n, _, _)| values.len() < *n) {
                    best = Some((values.len(), template.clone(), values));
                }
            }
        }
        best.map(|(_, template, values)| (template, values))
    }

    /// Path-level parameters overridden by operation-level ones of the same
    /// name and place.
    fn parameters<'a>(&'a self, path_item: &'a Value, operation: &'a Value) -> Vec<&'a Value> {
        let mut out: Vec<&Value> = Vec::new();
        for list in [&path_item["parameters"], &operation["parameters"]] {
            for p in list.as_array().into_iter().flatten() {
                let p = self.deref(p);
                out.retain(|q| !(q["name"] == p["name"] && q["in"] == p["in"]));
                out.push(p);
            }
        }
        out
    }

    /// Operation security, or the spec's global one: any one alternative
    /// must be met, and all schemes within it.
    fn check_security(&self, operation: &Value, headers: &HeaderMap, errors: &mut Vec<String>) {
        let security = operation
            .get("security")
            .or_else(|| self.doc.get("security"));
        let Some(alternatives) = security.and_then(Value::as_array) else {
            return;
        };
        if alternatives.is_empty() {
            return;
        }
        let schemes = &self.doc["components"]["securitySchemes"];
        let met = alternatives.iter().any(|alt| {
            alt.as_object().is_some_and(|alt| {
                alt.keys()
                    .all(|name| scheme_met(self.deref(&schemes[name.as_str()]), headers))
            })
        });
        if !met {
            let names: Vec<String> = alternatives
                .iter()
                .filter_map(Value::as_object)
                .map(|a| a.keys().cloned().collect::<Vec<_>>().join("+"))
                .collect();
            errors.push(format!(
                "no accepted authentication (one of: {})",
                names.join(", ")
            ));
        }
    }

    fn check_parameters(
        &self,
        parameters: &[&Value],
        path_params: &[(String, String)],
        query: &str,
        headers: &HeaderMap,
        errors: &mut Vec<String>,
    ) {
        let query_values = match decode_form(query.as_bytes()) {
            Ok(v) => v,
            Err(e) => {
                errors.push(format!("query: {e}"));
                Map::new()
            }
        };
        let mut known_query = BTreeSet::new();
        for p in parameters {
            let name = p["name"].as_str().unwrap_or_default();
            let place = p["in"].as_str().unwrap_or_default();
            let required = p["required"].as_bool().unwrap_or(place == "path");
            let schema = p.get("schema").unwrap_or(&Value::Null);
            let value: Option<Value> = match place {
                "path" => path_params
                    .iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, v)| Value::String(v.clone())),
                "query" => {
                    known_query.insert(name.to_string());
                    query_values.get(name).cloned()
                }
                "header" => match headers.get(name) {
                    Some(v) => match v.to_str() {
                        Ok(s) => Some(Value::String(s.to_string())),
                        Err(_) => {
                            errors.push(format!("header {name} is not visible ASCII"));
                            continue;
                        }
                    },
                    None => None,
                },
                _ => continue,
            };
            match value {
                None if required => {
                    errors.push(format!("missing required {place} parameter {name}"))
                }
                None => {}
                Some(value) => {
                    let value = self.coerce(value, schema);
                    let what = format!("{place} parameter {name}");
                    self.validate(schema, &value, &what, errors);
                }
            }
        }
        for name in query_values.keys() {
            if !known_query.contains(name) {
                errors.push(format!("unknown query parameter {name}"));
            }
        }
    }

    fn check_body(
        &self,
        operation: &Value,
        headers: &HeaderMap,
        body: &[u8],
        errors: &mut Vec<String>,
    ) {
        let request_body = operation.get("requestBody").map(|b| self.deref(b));
        let Some(request_body) = request_body else {
            if !body.is_empty() {
                errors.push("the operation takes no body, but one was sent".into());
            }
            return;
        };
        if body.is_empty() {
            if request_body["required"].as_bool().unwrap_or(false) {
                errors.push("the request body is required".into());
            }
            return;
        }
        let content_type = headers
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|v| {
                v.split(';')
                    .next()
                    .unwrap_or_default()
                    .trim()
                    .to_ascii_lowercase()
            });
        let Some(content_type) = content_type else {
            errors.push("a body was sent without Content-Type".into());
            return;
        };
        let Some(media) = request_body["content"].get(&content_type) else {
            let accepted: Vec<&String> = request_body["content"]
                .as_object()
                .map(|m| m.keys().collect())
                .unwrap_or_default();
            errors.push(format!(
                "Content-Type {content_type} is not accepted (accepted: {accepted:?})"
            ));
            return;
        };
        let schema = media.get("schema").unwrap_or(&Value::Null);
        let instance = if content_type == "application/x-www-form-urlencoded" {
            match decode_form(body) {
                Ok(map) => self.coerce(Value::Object(map), schema),
                Err(e) => {
                    errors.push(format!("body: {e}"));
                    return;
                }
            }
        } else if content_type == "application/json" || content_type.ends_with("+json") {
            match serde_json::from_slice(body) {
                Ok(v) => v,
                Err(e) => {
                    errors.push(format!("body is not JSON: {e}"));
                    return;
                }
            }
        } else if content_type == "multipart/form-data" {
            let header = headers
                .get(reqwest::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            match decode_multipart(header, body) {
                Ok(parts) => self.multipart_instance(media, schema, parts, errors),
                Err(e) => {
                    errors.push(format!("body: {e}"));
                    return;
                }
            }
        } else {
            // Other media types (files) are not checked beyond being accepted.
            return;
        };
        self.validate(schema, &instance, "body", errors);
    }

    /// A `multipart/form-data` body as the object its schema describes: each
    /// part a property (bracketed names nest as in form bodies), JSON parts
    /// parsed, text parts coerced like form values, files as strings.
    /// Parts are also checked against what the schema says of them: a
    /// `format: binary` property must come as a file, and a part's type must
    /// be one the media type's `encoding` allows.
    fn multipart_instance(
        &self,
        media: &Value,
        schema: &Value,
        parts: Vec<FormPart>,
        errors: &mut Vec<String>,
    ) -> Value {
        let schema = self.deref(schema);
        let mut groups: Vec<(String, Vec<FormPart>)> = Vec::new();
        for part in parts {
            match groups.iter_mut().find(|(name, _)| *name == part.name) {
                Some((_, group)) => group.push(part),
                None => groups.push((part.name.clone(), vec![part])),
            }
        }
        let mut text = Map::new();
        let mut typed: Vec<(Vec<String>, Value, String)> = Vec::new();
        for (name, group) in groups {
            let segments = match form_key(&name) {
                Ok(segments) => segments,
                Err(e) => {
                    errors.push(format!("body: {e}"));
                    continue;
                }
            };
            let plain = segments.len() == 1;
            let property = if plain {
                self.deref(&schema["properties"][name.as_str()])
            } else {
                &Value::Null
            };
            let is_file = property["format"] == "binary";
            let wants_json = plain
                && !schema_types(property).contains("string")
                && (schema_types(property).contains("object")
                    || schema_types(property).contains("array"));
            let mut values = Vec::new();
            let mut any_typed = false;
            for part in &group {
                let what = format!("body part {name}");
                if let Some(allowed) = media["encoding"][name.as_str()]["contentType"].as_str() {
                    let sent = part.media_type();
                    if !allowed
                        .split(',')
                        .any(|a| media_type_matches(a.trim(), &sent))
                    {
                        errors.push(format!(
                            "{what}: Content-Type {sent} is not one of {allowed}"
                        ));
                    }
                }
                if is_file && part.filename.is_none() {
                    errors.push(format!(
                        "{what}: the spec declares a file (format: binary), but it was sent as a text field without a filename"
                    ));
                }
                let media_type = part.media_type();
                if media_type == "application/json" || media_type.ends_with("+json") {
                    match serde_json::from_slice::<Value>(&part.body) {
                        Ok(v) => {
                            values.push(v);
                            any_typed = true;
                        }
                        Err(e) => errors.push(format!("{what} is not JSON: {e}")),
                    }
                    continue;
                }
                // OpenAPI sends object and array properties as JSON by default.
                if wants_json && part.filename.is_none() {
                    if let Ok(v) = serde_json::from_slice::<Value>(&part.body) {
                        values.push(v);
                        any_typed = true;
                        continue;
                    }
                }
                values.push(Value::String(part.text()));
            }
            let appends = segments.last().is_some_and(String::is_empty);
            let value = if values.len() == 1 || appends {
                values
            } else if is_file && !schema_types(property).contains("array") {
                // Several files under one file field (an HTML `multiple`
                // input): each must be what the field declares.
                for value in &values {
                    self.validate(property, value, &format!("body part {name}"), errors);
                }
                values.truncate(1);
                values
            } else {
                vec![Value::Array(values)]
            };
            for v in value {
                if any_typed {
                    typed.push((segments.clone(), v, name.clone()));
                } else if let Err(e) = insert(&mut text, &segments, v, &name) {
                    errors.push(format!("body: {e}"));
                }
            }
        }
        let mut instance = self.coerce(Value::Object(text), schema);
        if let Value::Object(map) = &mut instance {
            for (segments, value, name) in typed {
                if let Err(e) = insert(map, &segments, value, &name) {
                    errors.push(format!("body: {e}"));
                }
            }
        }
        instance
    }

    /// Checks a value against one of the spec's component schemas
    /// (`#/components/schemas/{name}`), for what a spec describes but does not
    /// tie to a request (PayPal's `input` part of a multipart body).
    pub fn check_component(&self, name: &str, instance: &Value) -> Result<(), Vec<String>> {
        if self.doc["components"]["schemas"].get(name).is_none() {
            return Err(vec![format!("{}: no component schema {name}", self.name)]);
        }
        let reference = json!({ "$ref": format!("#/components/schemas/{name}") });
        let mut errors = Vec::new();
        self.validate(&reference, instance, name, &mut errors);
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// Validates `instance` against an OpenAPI schema of this spec.
    fn validate(&self, schema: &Value, instance: &Value, what: &str, errors: &mut Vec<String>) {
        if schema.is_null() {
            return;
        }
        let root = self.json_schema(schema);
        // Formats (`date-time`, `email`, …) are checked in both drafts;
        // OpenAPI's own (`int64`, `unix-time`) are unknown and pass.
        let validator = match jsonschema::options()
            .with_draft(self.draft)
            .should_validate_formats(true)
            .should_ignore_unknown_formats(true)
            .build(&root)
        {
            Ok(v) => v,
            Err(e) => {
                errors.push(format!("{what}: the spec's schema does not compile: {e}"));
                return;
            }
        };
        for error in validator.iter_errors(instance) {
            let at = error.instance_path().to_string();
            let at = if at.is_empty() {
                String::new()
            } else {
                format!(" at {at}")
            };
            // A file part's bytes as a string would make the line unreadable.
            let mut text = error.to_string();
            if text.len() > 500 {
                let cut = (0..=500)
                    .rev()
                    .find(|i| text.is_char_boundary(*i))
                    .unwrap_or(0);
                text.truncate(cut);
                text.push('…');
            }
            errors.push(format!("{what}{at}: {text}"));
        }
    }

    /// The schema as a JSON Schema document: the OpenAPI `nullable` keyword
    /// rewritten, and every component it reaches copied in under the same
    /// pointer (`#/components/schemas/X`), so references resolve unchanged.
    fn json_schema(&self, schema: &Value) -> Value {
        let mut reached = BTreeSet::new();
        let mut queue = Vec::new();
        collect_refs(schema, &mut queue);
        let mut components = Map::new();
        while let Some(reference) = queue.pop() {
            if !reached.insert(reference.clone()) {
                continue;
            }
            let Some(target) = reference
                .strip_prefix('#')
                .and_then(|p| self.doc.pointer(p))
            else {
                continue;
            };
            collect_refs(target, &mut queue);
            if let Some(name) = reference.strip_prefix("#/components/schemas/") {
                components.insert(name.to_string(), openapi_to_json_schema(target));
            }
        }
        json!({
            "allOf": [openapi_to_json_schema(schema)],
            "components": { "schemas": components },
        })
    }

    /// Follows `$ref` chains within the spec.
    fn deref<'a>(&'a self, mut value: &'a Value) -> &'a Value {
        for _ in 0..32 {
            match value
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix('#'))
                .and_then(|p| self.doc.pointer(p))
            {
                Some(target) => value = target,
                None => break,
            }
        }
        value
    }

    /// Turns decoded form strings into what the schema wants: numbers,
    /// booleans, arrays (from `a[0]=…` objects). Of `anyOf`/`oneOf`
    /// alternatives the first that changes the value is taken.
    fn coerce(&self, value: Value, schema: &Value) -> Value {
        let schema = self.deref(schema);
        for key in ["anyOf", "oneOf"] {
            if let Some(branches) = schema[key].as_array() {
                for branch in branches {
                    let candidate = self.coerce(value.clone(), branch);
                    if candidate != value {
                        return candidate;
                    }
                }
            }
        }
        let mut value = value;
        if let Some(branches) = schema["allOf"].as_array() {
            for branch in branches {
                value = self.coerce(value, branch);
            }
        }
        let types = schema_types(schema);
        match value {
            Value::String(s) if !types.contains("string") => {
                if types.contains("integer") {
                    if let Ok(n) = s.parse::<i64>() {
                        return json!(n);
                    }
                }
                if types.contains("number") {
                    if let Some(n) = s.parse::<f64>().ok().and_then(serde_json::Number::from_f64) {
                        return Value::Number(n);
                    }
                }
                if types.contains("boolean") && (s == "true" || s == "false") {
                    return Value::Bool(s == "true");
                }
                Value::String(s)
            }
            Value::Object(map) if types.contains("array") || schema.get("items").is_some() => {
                let mut indexed: Vec<(usize, Value)> = Vec::new();
                for (k, v) in &map {
                    match k.parse::<usize>() {
                        Ok(i) => indexed.push((i, v.clone())),
                        Err(_) => return Value::Object(map),
                    }
                }
                indexed.sort_by_key(|(i, _)| *i);
                let items = indexed
                    .into_iter()
                    .map(|(_, v)| self.coerce(v, &schema["items"]))
                    .collect();
                Value::Array(items)
            }
            Value::Object(map) => {
                let properties = &schema["properties"];
                let additional = &schema["additionalProperties"];
                Value::Object(
                    map.into_iter()
                        .map(|(k, v)| {
                            let sub = match properties.get(&k) {
                                Some(s) => s,
                                None if additional.is_object() => additional,
                                None => return (k, v),
                            };
                            let v = self.coerce(v, sub);
                            (k, v)
                        })
                        .collect(),
                )
            }
            Value::Array(items) => Value::Array(
                items
                    .into_iter()
                    .map(|v| self.coerce(v, &schema["items"]))
                    .collect(),
            ),
            other => other,
        }
    }
}

fn schema_types(schema: &Value) -> BTreeSet<&str> {
    match &schema["type"] {
        Value::String(t) => [t.as_str()].into(),
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => BTreeSet::new(),
    }
}

fn scheme_met(scheme: &Value, headers: &HeaderMap) -> bool {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    match scheme["type"].as_str() {
        Some("http") => {
            let wanted = scheme["scheme"]
                .as_str()
                .unwrap_or_default()
                .to_ascii_lowercase();
            header("authorization").is_some_and(|v| {
                v.split_once(' ')
                    .is_some_and(|(s, cred)| s.eq_ignore_ascii_case(&wanted) && !cred.is_empty())
            })
        }
        Some("apiKey") if scheme["in"] == "header" => scheme["name"]
            .as_str()
            .and_then(header)
            .is_some_and(|v| !v.is_empty()),
        Some("oauth2") | Some("openIdConnect") => header("authorization").is_some_and(|v| {
            v.split_once(' ')
                .is_some_and(|(s, cred)| s.eq_ignore_ascii_case("bearer") && !cred.is_empty())
        }),
        _ => false,
    }
}

/// `https://checkout-test.adyen.com/v72` → `/v72`; `None` for a bare host.
fn server_path(url: &str) -> Option<String> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let path = rest.find('/').map(|i| &rest[i..])?;
    let path = path.trim_end_matches('/');
    (!path.is_empty()).then(|| path.to_string())
}

fn collect_refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref") {
                out.push(r.clone());
            }
            map.values().for_each(|v| collect_refs(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

/// OpenAPI's `nullable: true` (3.0, and still used in Adyen's 3.1 specs)
/// becomes JSON Schema's `null` type; everything else carries over, as
/// unknown keywords (`x-…`, `discriminator`, `example`) are ignored.
fn openapi_to_json_schema(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut out: Map<String, Value> = map
                .iter()
                .filter(|(k, _)| k.as_str() != "nullable")
                .map(|(k, v)| {
                    // Property names and examples are data, not schemas.
                    if matches!(
                        k.as_str(),
                        "enum" | "const" | "example" | "examples" | "default"
                    ) {
                        (k.clone(), v.clone())
                    } else {
                        (k.clone(), openapi_to_json_schema(v))
                    }
                })
                .collect();
            if map.get("nullable") == Some(&Value::Bool(true)) {
                make_nullable(&mut out);
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(openapi_to_json_schema).collect()),
        other => other.clone(),
    }
}

fn make_nullable(schema: &mut Map<String, Value>) {
    match schema.get_mut("type") {
        Some(Value::String(t)) => {
            let t = t.clone();
            schema.insert("type".into(), json!([t, "null"]));
        }
        Some(Value::Array(ts)) if !ts.contains(&json!("null")) => ts.push(json!("null")),
        Some(_) => {}
        None => {
            for key in ["anyOf", "oneOf"] {
                if let Some(Value::Array(branches)) = schema.get_mut(key) {
                    branches.push(json!({"type": "null"}));
                    return;
                }
            }
        }
    }
    if let Some(Value::Array(values)) = schema.get_mut("enum") {
        if !values.contains(&Value::Null) {
            values.push(Value::Null);
        }
    }
}

/// Decodes `a=1&m[k]=v&e[]=x&l[0][s]=y` into nested JSON (strings only; the
/// schema coerces them later). `[]` appends to an array; other bracketed
/// segments are object keys, turned into array indices by the schema.
pub fn decode_form(body: &[u8]) -> Result<Map<String, Value>, String> {
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_bytes(body).map_err(|e| format!("not form-encoded: {e}"))?;
    let mut root = Map::new();
    for (key, value) in pairs {
        insert(&mut root, &form_key(&key)?, Value::String(value), &key)?;
    }
    Ok(root)
}

/// `l[0][s]` → `["l", "0", "s"]`; `e[]` → `["e", ""]`.
fn form_key(key: &str) -> Result<Vec<String>, String> {
    let (name, mut rest) = match key.find('[') {
        Some(i) => (&key[..i], &key[i..]),
        None => (key, ""),
    };
    if name.is_empty() {
        return Err(format!("bad form key {key:?}"));
    }
    let mut segments = vec![name.to_string()];
    while !rest.is_empty() {
        let close = rest
            .find(']')
            .filter(|_| rest.starts_with('['))
            .ok_or_else(|| format!("bad form key {key:?}"))?;
        segments.push(rest[1..close].to_string());
        rest = &rest[close + 1..];
    }
    Ok(segments)
}

fn insert(
    map: &mut Map<String, Value>,
    segments: &[String],
    value: Value,
    key: &str,
) -> Result<(), String> {
    let (first, rest) = segments.split_first().expect("at least the name");
    match rest {
        [] => {
            if map.insert(first.clone(), value).is_some() {
                return Err(format!("form key {key:?} given twice"));
            }
        }
        [last] if last.is_empty() => {
            let slot = map.entry(first.clone()).or_insert_with(|| json!([]));
            match slot {
                Value::Array(items) => items.push(value),
                _ => return Err(format!("form key {key:?} mixes a list with other values")),
            }
        }
        _ if rest[0].is_empty() => return Err(format!("form key {key:?}: `[]` only at the end")),
        _ => {
            let slot = map.entry(first.clone()).or_insert_with(|| json!({}));
            match slot {
                Value::Object(inner) => insert(inner, rest, value, key)?,
                _ => {
                    return Err(format!(
                        "form key {key:?} mixes an object with other values"
                    ))
                }
            }
        }
    }
    Ok(())
}

fn percent_decode(segment: &str) -> String {
    serde_urlencoded::from_str::<Vec<(String, String)>>(&format!(
        "v={}",
        segment.replace('+', "%2B")
    ))
    .ok()
    .and_then(|mut v| v.pop())
    .map_or_else(|| segment.to_string(), |(_, v)| v)
}

/// One part of a `multipart/form-data` body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormPart {
    pub name: String,
    /// Present when the part is sent as a file.
    pub filename: Option<String>,
    /// The part's own `Content-Type`, as sent.
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

impl FormPart {
    /// The media type without parameters; `text/plain` when none was sent
    /// (RFC 7578's default).
    pub fn media_type(&self) -> String {
        self.content_type
            .as_deref()
            .and_then(|v| v.split(';').next())
            .map(|v| v.trim().to_ascii_lowercase())
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| "text/plain".into())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Splits a `multipart/form-data` body (RFC 7578, with RFC 2046's framing)
/// into its parts; `content_type` is the request's header, which carries
/// the boundary. A body that is not well framed is an error.
pub fn decode_multipart(content_type: &str, body: &[u8]) -> Result<Vec<FormPart>, String> {
    let (media, params) = header_params(content_type);
    if media != "multipart/form-data" {
        return Err(format!("Content-Type {media} is not multipart/form-data"));
    }
    let boundary = params
        .iter()
        .find(|(k, _)| k == "boundary")
        .map(|(_, v)| v.as_str())
        .filter(|b| !b.is_empty() && b.len() <= 70)
        .ok_or("multipart Content-Type without a valid boundary")?;
    let opening = format!("--{boundary}");
    let start = find(body, opening.as_bytes())
        .filter(|&i| i == 0 || body[..i].ends_with(b"\r\n"))
        .ok_or("multipart body without an opening boundary")?;
    let mut rest = &body[start + opening.len()..];
    let delimiter = format!("\r\n--{boundary}");
    let mut parts = Vec::new();
    loop {
        if rest.starts_with(b"--") {
            return if parts.is_empty() {
                Err("multipart body without parts".into())
            } else {
                Ok(parts)
            };
        }
        let line_end = find(rest, b"\r\n").ok_or("multipart boundary line not ended by CRLF")?;
        if !rest[..line_end].iter().all(|b| *b == b' ' || *b == b'\t') {
            return Err("text after a multipart boundary on its line".into());
        }
        rest = &rest[line_end + 2..];
        let end = find(rest, delimiter.as_bytes())
            .ok_or("a multipart part is not closed by the boundary (truncated body?)")?;
        parts.push(parse_part(&rest[..end])?);
        rest = &rest[end + delimiter.len()..];
    }
}

fn parse_part(raw: &[u8]) -> Result<FormPart, String> {
    let (head, body) = if raw.starts_with(b"\r\n") {
        (&raw[..0], &raw[2..])
    } else {
        let split = find(raw, b"\r\n\r\n")
            .ok_or("a multipart part without a blank line after its headers")?;
        (&raw[..split], &raw[split + 4..])
    };
    let head = std::str::from_utf8(head).map_err(|_| "multipart part headers are not UTF-8")?;
    let mut disposition = None;
    let mut content_type = None;
    for line in head.split("\r\n") {
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| format!("bad multipart part header {line:?}"))?;
        match name.trim().to_ascii_lowercase().as_str() {
            "content-disposition" => disposition = Some(value.trim().to_string()),
            "content-type" => content_type = Some(value.trim().to_string()),
            _ => {}
        }
    }
    let disposition = disposition.ok_or("a multipart part without Content-Disposition")?;
    let (kind, params) = header_params(&disposition);
    if kind != "form-data" {
        return Err(format!(
            "a multipart part's Content-Disposition is {kind}, not form-data"
        ));
    }
    let param = |key: &str| {
        params
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
    };
    let name = param("name")
        .filter(|n| !n.is_empty())
        .ok_or("a multipart part without a name")?;
    Ok(FormPart {
        name,
        filename: param("filename").or_else(|| param("filename*")),
        content_type,
        body: body.to_vec(),
    })
}

/// `type/sub; a=1; b="x;y"` → (`type/sub`, [(a, 1), (b, x;y)]); parameter
/// names lower-cased, quoted values unescaped.
fn header_params(value: &str) -> (String, Vec<(String, String)>) {
    let (first, mut rest) = value.split_once(';').unwrap_or((value, ""));
    let mut params = Vec::new();
    loop {
        rest = rest.trim_start_matches([' ', '\t', ';']);
        let Some(eq) = rest.find('=') else { break };
        let key = rest[..eq].trim().to_ascii_lowercase();
        rest = &rest[eq + 1..];
        let mut out = String::new();
        if let Some(quoted) = rest.strip_prefix('"') {
            let mut chars = quoted.char_indices();
            let mut consumed = quoted.len();
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => {
                        if let Some((_, escaped)) = chars.next() {
                            out.push(escaped);
                        }
                    }
                    '"' => {
                        consumed = i + 1;
                        break;
                    }
                    c => out.push(c),
                }
            }
            rest = &quoted[consumed..];
        } else {
            let end = rest.find(';').unwrap_or(rest.len());
            out = rest[..end].trim().to_string();
            rest = &rest[end..];
        }
        params.push((key, out));
    }
    (first.trim().to_ascii_lowercase(), params)
}

/// `image/*` or `*/*` patterns of an `encoding.contentType`.
fn media_type_matches(allowed: &str, sent: &str) -> bool {
    let allowed = allowed.to_ascii_lowercase();
    match allowed.split_once('/') {
        Some(("*", "*")) => true,
        Some((kind, "*")) => sent.split_once('/').is_some_and(|(k, _)| k == kind),
        _ => allowed == sent,
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
