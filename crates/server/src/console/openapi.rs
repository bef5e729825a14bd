//! The route table of the console's JSON API and the OpenAPI 3.1 document built from it
//! (served at `/api/v1/openapi.json`): the handler in [`super::api`] dispatches on the same
//! table, so the two cannot drift apart. The response schemas of the versioned documents
//! follow the types of [`super::contract`]; the contract tests check every example against
//! them.

use hyper::Method;
use serde_json::{Value, json};

use super::search;
use crate::auth::Role;

/// One route: method, path template, least role, summary, and how it is described.
pub(super) struct Route {
    pub(super) method: Method,
    pub(super) path: &'static str,
    pub(super) role: Role,
    pub(super) id: &'static str,
    pub(super) summary: &'static str,
}

pub(super) fn routes() -> Vec<Route> {
    let r = |method, path, role, id, summary| Route {
        method,
        path,
        role,
        id,
        summary,
    };
    vec![
        r(
            Method::GET,
            "/api/v1/openapi.json",
            Role::Auditor,
            "openapi",
            "This OpenAPI 3.1 document",
        ),
        r(
            Method::GET,
            "/api/v1/status",
            Role::Auditor,
            "status",
            "Vault health: size, last checkpoint, last full verification, disk",
        ),
        r(
            Method::GET,
            "/api/v1/coverage",
            Role::Auditor,
            "coverage",
            "Records per source and calendar day over the six-month window",
        ),
        r(
            Method::GET,
            "/api/v1/logs/search",
            Role::Auditor,
            "searchLogs",
            "Search records, newest first, with a cursor",
        ),
        r(
            Method::GET,
            "/api/v1/logs/{seq}",
            Role::Auditor,
            "getRecord",
            "One record with its inclusion proof against the latest signed checkpoint",
        ),
        r(
            Method::POST,
            "/api/v1/logs/export",
            Role::Operator,
            "exportBundle",
            "An evidence bundle of the matching records (check it with `wangan vault check-bundle`)",
        ),
        r(
            Method::GET,
            "/api/v1/verify",
            Role::Auditor,
            "verifyStatus",
            "The running verification and the last result",
        ),
        r(
            Method::POST,
            "/api/v1/verify",
            Role::Auditor,
            "startVerify",
            "Start a full verification (202; one at a time)",
        ),
        r(
            Method::GET,
            "/api/v1/users",
            Role::Admin,
            "listUsers",
            "Console users",
        ),
        r(
            Method::POST,
            "/api/v1/users",
            Role::Admin,
            "addUser",
            "Add a console user",
        ),
        r(
            Method::GET,
            "/api/v1/users/{name}",
            Role::Admin,
            "getUser",
            "One console user",
        ),
        r(
            Method::PATCH,
            "/api/v1/users/{name}",
            Role::Admin,
            "changeUser",
            "Change a user's role, disable or enable them, or reset their password",
        ),
        r(
            Method::DELETE,
            "/api/v1/users/{name}",
            Role::Admin,
            "removeUser",
            "Remove a console user",
        ),
        r(
            Method::GET,
            "/api/v1/duties",
            Role::Auditor,
            "duties",
            "The latest assessment (`wangan assess --format json`, schema wangan.assess/1)",
        ),
        r(
            Method::POST,
            "/api/v1/assessment",
            Role::Operator,
            "runAssessment",
            "Run the assessment now from the configured profile (the same evidence as `wangan assess`); it becomes the latest, shown by /api/v1/duties",
        ),
        r(
            Method::GET,
            "/api/v1/assessment/report",
            Role::Auditor,
            "assessmentReport",
            "The latest assessment (the saved file, run by the console or written by `wangan assess`), as a report: HTML, Markdown, JSON, OSCAL 1.1 assessment-results or CSV",
        ),
        r(
            Method::GET,
            "/api/v1/assessment/yearly",
            Role::Auditor,
            "yearlyReport",
            "The yearly CII assessment report (检测评估情况和改进措施) of the latest run and the registers: DOCX, HTML or Markdown",
        ),
        r(
            Method::GET,
            "/api/v1/scans",
            Role::Auditor,
            "scans",
            "Every data store of the profile with its latest saved scan (grade, kinds, persons, when, stale or not)",
        ),
        r(
            Method::GET,
            "/api/v1/clocks",
            Role::Auditor,
            "clocks",
            "Every running legal clock of the registers, most urgent first",
        ),
        r(
            Method::GET,
            "/api/v1/incidents",
            Role::Auditor,
            "incidents",
            "Incidents with their report deadlines (personal data masked)",
        ),
        r(
            Method::GET,
            "/api/v1/registers/{register}",
            Role::Auditor,
            "listRegister",
            "The records of one register, newest first (personal data masked)",
        ),
        r(
            Method::POST,
            "/api/v1/registers/{register}",
            Role::Operator,
            "addRecord",
            "Add a record: a JSON object of field keys and values; errors name the field",
        ),
        r(
            Method::GET,
            "/api/v1/registers/{register}/{id}",
            Role::Auditor,
            "getRegisterRecord",
            "One record with its clocks and history (personal data masked)",
        ),
        r(
            Method::PATCH,
            "/api/v1/registers/{register}/{id}",
            Role::Operator,
            "updateRecord",
            "Change a record: a JSON object of the field keys to change and their new values (the same validation as the console's form); errors name the field",
        ),
        r(
            Method::GET,
            "/api/v1/tokens",
            Role::Admin,
            "listTokens",
            "Access tokens (never their secrets)",
        ),
        r(
            Method::POST,
            "/api/v1/tokens",
            Role::Admin,
            "createToken",
            "Create a token; the secret is in this response only",
        ),
        r(
            Method::DELETE,
            "/api/v1/tokens/{id}",
            Role::Admin,
            "revokeToken",
            "Revoke a token",
        ),
    ]
}

/// Match `path` against a template; returns the `{…}` values.
pub(super) fn matches(template: &str, path: &str) -> Option<Vec<String>> {
    let t: Vec<&str> = template.split('/').collect();
    let p: Vec<&str> = path.split('/').collect();
    if t.len() != p.len() {
        return None;
    }
    let mut vals = Vec::new();
    for (a, b) in t.iter().zip(&p) {
        if a.starts_with('{') {
            if b.is_empty() {
                return None;
            }
            vals.push(super::percent_decode(b));
        } else if a != b {
            return None;
        }
    }
    Some(vals)
}

fn problem_schema() -> Value {
    json!({
        "type": "object",
        "required": ["type", "title", "status", "detail"],
        "properties": {
            "type": {"type": "string", "format": "uri-reference"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string"},
            "instance": {"type": "string"},
            "errors": {"type": "array", "items": {
                "type": "object", "required": ["name", "detail"],
                "properties": {"name": {"type": "string"}, "detail": {"type": "string"}}
            }}
        }
    })
}

fn params_of(id: &str) -> Value {
    let q = |name: &str, desc: &str, schema: Value| json!({"name": name, "in": "query", "required": false, "description": desc, "schema": schema});
    match id {
        "searchLogs" => json!([
            q(
                "from",
                "Earliest event time: RFC 3339, or YYYY-MM-DDTHH:MM[:SS] / YYYY-MM-DD in the console's UTC offset",
                json!({"type": "string"})
            ),
            q(
                "to",
                "Latest event time (exclusive), same forms",
                json!({"type": "string"})
            ),
            q(
                "source",
                "Source name; repeat the parameter for any of several (at most 64)",
                json!({"type": "string", "maxLength": 255})
            ),
            q(
                "host",
                "Host name; repeat the parameter for any of several (at most 64)",
                json!({"type": "string", "maxLength": 255})
            ),
            q(
                "q",
                "Text: whitespace-separated terms that must all occur (words, IPs, ids, Chinese text)",
                json!({"type": "string", "maxLength": 1024})
            ),
            q(
                "severity",
                "Severity at most (0 emergency … 7 debug)",
                json!({"type": "integer", "minimum": 0, "maximum": 7})
            ),
            q(
                "before",
                "Cursor: next_cursor of the previous page",
                json!({"type": "string", "pattern": "^[0-9]+$"})
            ),
            q(
                "limit",
                "Records per page",
                json!({"type": "integer", "minimum": 1, "maximum": search::MAX_LIMIT, "default": search::DEFAULT_LIMIT})
            ),
        ]),
        "getRecord" => {
            json!([{"name": "seq", "in": "path", "required": true, "schema": {"type": "string", "pattern": "^[0-9]+$"}}])
        }
        "getUser" | "changeUser" | "removeUser" => {
            json!([{"name": "name", "in": "path", "required": true, "schema": {"type": "string", "minLength": 1, "maxLength": 64}}])
        }
        "addRecord" => {
            json!([{"name": "register", "in": "path", "required": true, "schema": {"type": "string", "enum": super::regs::ALL.iter().map(|r| r.key()).collect::<Vec<_>>()}}])
        }
        "listRegister" | "incidents" => {
            let mut p = vec![
                q(
                    "limit",
                    "Records per page, newest first",
                    json!({"type": "integer", "minimum": 1, "maximum": super::api::MAX_REGISTER_PAGE, "default": super::api::MAX_REGISTER_PAGE}),
                ),
                q(
                    "offset",
                    "Records to skip (newest first): the next page starts at offset + limit while it is below total",
                    json!({"type": "integer", "minimum": 0, "maximum": i64::MAX, "default": 0}),
                ),
            ];
            if id == "listRegister" {
                p.insert(0, json!({"name": "register", "in": "path", "required": true, "schema": {"type": "string", "enum": super::regs::ALL.iter().map(|r| r.key()).collect::<Vec<_>>()}}));
            }
            Value::Array(p)
        }
        "runAssessment" => json!([q(
            "at",
            "The date assessed (default: today in China Standard Time)",
            json!({"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"})
        )]),
        "assessmentReport" => json!([
            {"name": "format", "in": "query", "required": true, "description": "The report format", "schema": {"type": "string", "enum": ["html", "md", "json", "oscal", "csv"]}},
            q("lang", "The report's language (the law's own words are always Chinese)", json!({"type": "string", "enum": ["zh", "en"], "default": "zh"}))
        ]),
        "yearlyReport" => json!([
            {"name": "format", "in": "query", "required": true, "description": "The report format", "schema": {"type": "string", "enum": ["docx", "html", "md"]}},
            q("lang", "The report's language (default Chinese: a document for the sector department)", json!({"type": "string", "enum": ["zh", "en"], "default": "zh"}))
        ]),
        "updateRecord" => json!([
            {"name": "register", "in": "path", "required": true, "schema": {"type": "string", "enum": super::regs::ALL.iter().map(|r| r.key()).collect::<Vec<_>>()}},
            {"name": "id", "in": "path", "required": true, "schema": {"type": "string", "minLength": 1, "maxLength": 64}},
            q("expected_revision", "Refuse (400) if the record is no longer at this revision (someone else changed it)", json!({"type": "integer", "minimum": 0}))
        ]),
        "getRegisterRecord" => json!([
            {"name": "register", "in": "path", "required": true, "schema": {"type": "string", "enum": super::regs::ALL.iter().map(|r| r.key()).collect::<Vec<_>>()}},
            {"name": "id", "in": "path", "required": true, "schema": {"type": "string", "minLength": 1, "maxLength": 64}}
        ]),
        "revokeToken" => {
            json!([{"name": "id", "in": "path", "required": true, "schema": {"type": "string", "pattern": "^[0-9a-f]{8}$"}}])
        }
        _ => json!([]),
    }
}

/// An object schema whose every property is required (the documents always write every key;
/// `null` where there is no value).
fn object(props: Value) -> Value {
    let required: Vec<String> = props
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    json!({"type": "object", "required": required, "properties": props})
}

/// `schema`, or `null`.
fn or_null(mut schema: Value) -> Value {
    if let Some(t) = schema.get("type").and_then(Value::as_str) {
        schema["type"] = json!([t, "null"]);
    }
    schema
}

fn array_of(items: Value) -> Value {
    json!({"type": "array", "items": items})
}

fn t(name: &str) -> Value {
    json!({"type": name})
}

/// A stored record ([`super::contract::LogRecord`]); `with_proof` for a record alone.
fn record_schema(with_proof: bool) -> Value {
    let ns = |t: &str| json!({"type": [t, "null"]});
    let mut props = json!({
        "seq": {"type": "integer", "minimum": 0},
        "received": t("string"),
        "source": t("string"),
        "peer": t("string"),
        "transport": t("string"),
        "raw": {"type": "string", "description": "The record as received (invalid UTF-8 replaced by U+FFFD)"},
        "raw_is_utf8": t("boolean"),
        "event_time": ns("string"),
        "host": ns("string"),
        "app": ns("string"),
        "severity": ns("integer"),
        "message": ns("string"),
    });
    if with_proof {
        let mut proof = or_null(object(json!({
            "checkpoint": {"type": "string", "description": "The signed checkpoint (C2SP signed note)"},
            "tree_size": t("integer"),
            "leaf": {"type": "string", "description": "The record's leaf hash (base64)"},
            "hashes": array_of(t("string")),
            "verifies": t("boolean"),
            "signature_valid": t("boolean"),
            "sm2_signature": t("boolean"),
        })));
        proof["description"] = json!(
            "The inclusion proof (RFC 9162) against the latest signed checkpoint; null when none covers the record yet"
        );
        props["proof"] = proof;
    }
    object(props)
}

/// [`super::contract::StatusDoc`].
fn status_schema() -> Value {
    object(json!({
        "schema": {"const": super::contract::STATUS_SCHEMA},
        "origin": t("string"),
        "size": t("integer"),
        "segments": t("integer"),
        "hash": {"type": "string", "enum": ["sha256", "sm3"]},
        "retention": t("string"),
        "checkpoint": or_null(object(json!({
            "size": t("integer"), "root": t("string"), "time": t("string"), "age_seconds": t("integer"),
        }))),
        "last_verification": or_null(object(json!({
            "finished": t("string"), "intact": t("boolean"), "records_checked": t("integer"),
            "findings": t("integer"), "by": t("string"),
        }))),
        "recorded_verification": or_null(object(json!({
            "time": t("string"), "intact": t("boolean"), "size": t("integer"),
            "records_checked": t("integer"), "still_matches_store": t("boolean"),
        }))),
        "disk": or_null(object(json!({"free_bytes": t("integer"), "total_bytes": t("integer")}))),
        "unreadable": array_of(t("string")),
    }))
}

/// [`super::contract::CoverageDoc`].
fn coverage_schema() -> Value {
    object(json!({
        "schema": {"const": super::contract::COVERAGE_SCHEMA},
        "window_start": t("string"),
        "window_end": t("string"),
        "utc_offset": t("string"),
        "sources": array_of(object(json!({
            "source": t("string"),
            "records": t("integer"),
            "first": t("string"),
            "last": t("string"),
            "records_in_window": t("integer"),
            "days": array_of(object(json!({"date": t("string"), "records": t("integer")}))),
            "days_without_records": array_of(t("string")),
        }))),
        "unreadable": array_of(t("string")),
    }))
}

/// [`super::contract::VerifyDoc`]; `started` for the answer to `POST`.
fn verify_schema(started: bool) -> Value {
    let mut props = json!({
        "schema": {"const": super::contract::VERIFY_SCHEMA},
        "running": or_null(object(json!({
            "started": t("string"), "by": t("string"), "total": t("integer"), "checked": t("integer"),
        }))),
        "last": or_null(object(json!({
            "started": t("string"),
            "finished": t("string"),
            "by": t("string"),
            "size": t("integer"),
            "records_checked": t("integer"),
            "intact": t("boolean"),
            "findings": array_of(object(json!({
                "severity": t("string"), "kind": t("string"), "message": t("string"),
            }))),
            "error": {"type": ["string", "null"]},
        }))),
    });
    if started {
        props["started"] = json!({"type": "boolean", "description": "false: a verification was running already (409)"});
    }
    object(props)
}

/// [`super::contract::ClocksDoc`].
fn clocks_schema() -> Value {
    object(json!({
        "schema": {"const": super::contract::CLOCKS_SCHEMA},
        "at": t("string"),
        "clocks": array_of(object(json!({
            "register": t("string"),
            "id": {"type": ["string", "null"]},
            "summary": t("string"),
            "deadline": {"type": "object", "required": ["kind", "state", "duty"], "description": "The deadline and where it stands (as in `wangan registers clocks --json`)"},
        }))),
    }))
}

/// [`super::contract::RegisterListDoc`].
fn register_list_schema() -> Value {
    object(json!({
        "schema": {"const": super::contract::REGISTER_LIST_SCHEMA},
        "register": t("string"),
        "total": t("integer"),
        "records": array_of(json!({
            "type": "object",
            "required": ["id", "revision", "updated_at", "updated_by"],
            "description": "A register's list: id, revision, summary, the fields (data), updated_at, updated_by; the incidents' list: the whole record view with its deadlines",
        })),
    }))
}

/// [`super::contract::ScansDoc`].
fn scans_schema() -> Value {
    object(json!({
        "schema": {"const": super::contract::SCANS_SCHEMA},
        "stores": array_of(object(json!({
            "store": t("string"),
            "target": t("string"),
            "important": t("boolean"),
            "scan": or_null(object(json!({
                "file": t("string"),
                "kinds": array_of(t("string")),
                "level": {"type": "string", "enum": ["no_pi", "general_pi", "sensitive_pi", "important_candidate"]},
                "level_label": object(json!({"en": t("string"), "zh": t("string")})),
                "minors": t("boolean"),
                "persons": t("integer"),
                "scanned_at": t("string"),
                "secrets": t("boolean"),
                "sensitive": t("boolean"),
                "stale": t("boolean"),
                "stale_after": t("string"),
                "unreadable": t("integer"),
            }))),
        }))),
    }))
}

/// [`super::contract::UserDoc`].
fn user_schema() -> Value {
    json!({
        "type": "object",
        "required": ["name", "role", "disabled", "created", "password_set"],
        "properties": {
            "name": {"type": "string"},
            "role": {"type": "string", "enum": ["auditor", "operator", "admin"]},
            "disabled": {"type": "boolean"},
            "created": {"type": "string"},
            "password_set": {"type": "string"},
            "password": {"type": "string", "description": "Only after reset_password: the new password, shown once"}
        }
    })
}

/// [`super::contract::NewUserDoc`].
fn new_user_schema() -> Value {
    json!({
        "type": "object",
        "required": ["name", "role"],
        "properties": {
            "name": {"type": "string"},
            "role": {"type": "string", "enum": ["auditor", "operator", "admin"]},
            "password": {"type": "string", "description": "Only when wangan generated it: shown once"}
        }
    })
}

fn body_of(id: &str) -> Option<Value> {
    let schema = match id {
        "exportBundle" => json!({
            "type": "object", "additionalProperties": false,
            "properties": {
                "from": {"type": "string"}, "to": {"type": "string"},
                "source": {"type": "array", "items": {"type": "string", "maxLength": 255}, "maxItems": 64},
                "host": {"type": "array", "items": {"type": "string", "maxLength": 255}, "maxItems": 64},
                "q": {"type": "string", "maxLength": 1024},
                "severity": {"type": "integer", "minimum": 0, "maximum": 7},
                "seq": {"type": "integer", "minimum": 0, "description": "Only this record"}
            }
        }),
        "addUser" => json!({
            "type": "object", "additionalProperties": false, "required": ["name", "role"],
            "properties": {
                "name": {"type": "string", "minLength": 1, "maxLength": 64, "pattern": "^[\\p{L}\\p{N}._@-]+$"},
                "role": {"type": "string", "enum": ["auditor", "operator", "admin"]},
                "password": {"type": "string", "minLength": 12, "maxLength": 1024, "description": "Omit to have one generated and returned once"}
            }
        }),
        "changeUser" => json!({
            "type": "object", "additionalProperties": false, "minProperties": 1,
            "properties": {
                "role": {"type": "string", "enum": ["auditor", "operator", "admin"]},
                "disabled": {"type": "boolean"},
                "reset_password": {"type": "boolean", "description": "true: a new password is generated and returned once"}
            }
        }),
        "addRecord" => json!({
            "type": "object",
            "description": "Field keys of the register and their values: text, numbers, booleans, RFC 3339 times, lists. The status of an incident is wangan's: one given handling_ended_at is recorded closed",
            "additionalProperties": {"type": ["string", "number", "integer", "boolean", "array"]}
        }),
        "updateRecord" => json!({
            "type": "object", "minProperties": 1,
            "description": "The field keys to change and their new values (the others keep theirs); setting an open incident's handling_ended_at closes it",
            "additionalProperties": {"type": ["string", "number", "integer", "boolean", "array"]}
        }),
        "createToken" => json!({
            "type": "object", "additionalProperties": false, "required": ["role"],
            "properties": {"role": {"type": "string", "enum": ["ingest", "metrics", "auditor", "operator", "admin"]}}
        }),
        _ => return None,
    };
    Some(json!({"required": true, "content": {"application/json": {"schema": schema}}}))
}

fn success_of(id: &str) -> (u16, Value) {
    let j = |schema: Value| json!({"content": {"application/json": {"schema": schema}}});
    let obj = json!({"type": "object"});
    match id {
        "status" => (200, j(status_schema())),
        "coverage" => (200, j(coverage_schema())),
        "searchLogs" => (
            200,
            j(object(json!({
                "schema": {"const": super::contract::SEARCH_SCHEMA},
                "records": array_of(record_schema(false)),
                "next_cursor": {"type": ["string", "null"], "description": "`before` of the next (older) page; null on the last"},
                "size": t("integer"),
                "errors": array_of(t("string")),
            }))),
        ),
        "getRecord" => (200, j(record_schema(true))),
        "verifyStatus" => (200, j(verify_schema(false))),
        "clocks" => (200, j(clocks_schema())),
        "incidents" | "listRegister" => (200, j(register_list_schema())),
        "exportBundle" => (
            200,
            json!({"content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}),
        ),
        "startVerify" => (202, j(verify_schema(true))),
        "listUsers" => (
            200,
            j(
                json!({"type": "object", "required": ["users"], "properties": {"users": {"type": "array", "items": user_schema()}}}),
            ),
        ),
        "getUser" | "changeUser" => (200, j(user_schema())),
        "addUser" => (201, j(new_user_schema())),
        "addRecord" => (201, j(obj.clone())),
        "updateRecord" => (200, j(obj.clone())),
        "runAssessment" => (
            200,
            j(
                json!({"type": "object", "required": ["schema", "duties"], "properties": {"schema": {"const": "wangan.assess/1"}, "duties": {"type": "array"}}}),
            ),
        ),
        "assessmentReport" => (
            200,
            json!({"content": {
                "text/html": {"schema": {"type": "string"}},
                "text/markdown": {"schema": {"type": "string"}},
                "application/json": {"schema": {"type": "object"}},
                "application/oscal+json": {"schema": {"type": "object"}},
                "text/csv": {"schema": {"type": "string"}}
            }}),
        ),
        "yearlyReport" => (
            200,
            json!({"content": {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {"schema": {"type": "string", "format": "binary"}},
                "text/html": {"schema": {"type": "string"}},
                "text/markdown": {"schema": {"type": "string"}}
            }}),
        ),
        "scans" => (200, j(scans_schema())),
        "removeUser" | "revokeToken" => (204, json!({})),
        "listTokens" => (
            200,
            j(
                json!({"type": "object", "required": ["tokens"], "properties": {"tokens": {"type": "array", "items": {
                    "type": "object", "required": ["id", "role", "created"],
                    "properties": {"id": {"type": "string"}, "role": {"type": "string"}, "created": {"type": "string"}}
                }}}}),
            ),
        ),
        "createToken" => (
            201,
            j(
                json!({"type": "object", "required": ["id", "role", "token"],
            "properties": {"id": {"type": "string"}, "role": {"type": "string"}, "token": {"type": "string"}}}),
            ),
        ),
        _ => (200, j(obj)),
    }
}

/// The OpenAPI 3.1 document of this API.
pub fn openapi() -> Value {
    let problem = json!({"content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}});
    let mut paths = serde_json::Map::new();
    for r in routes() {
        let (code, ok) = success_of(r.id);
        let mut responses = serde_json::Map::new();
        responses.insert(code.to_string(), {
            let mut o = ok;
            o["description"] = json!("success");
            o
        });
        for (s, d) in [
            (
                "400",
                "a parameter or the body is not valid (each named in `errors`)",
            ),
            ("401", "no token, or not a valid one"),
            ("403", "the token's role may not do this"),
            ("404", "no such endpoint, record, user or token"),
            ("405", "method not allowed"),
            ("408", "the body did not arrive in time"),
            (
                "409",
                "refused: a conflicting state (exists already, last admin, verification running, vault refused, saved assessment unreadable)",
            ),
            ("413", "body too large"),
            ("415", "body not application/json"),
            ("422", "selection too large to export"),
            ("503", "the vault cannot be read or written right now"),
        ] {
            if s == code.to_string() {
                continue;
            }
            // a verification running already: the document, with `started: false`
            let mut p = if r.id == "startVerify" && s == "409" {
                json!({"content": {"application/json": {"schema": verify_schema(true)}}})
            } else {
                problem.clone()
            };
            p["description"] = json!(d);
            responses.insert(s.into(), p);
        }
        let mut op = json!({
            "operationId": r.id,
            "summary": r.summary,
            "description": format!("Needs a token with role `{}` (or higher).", r.role.name()),
            "parameters": params_of(r.id),
            "responses": responses,
        });
        if let Some(b) = body_of(r.id) {
            op["requestBody"] = b;
        }
        let entry = paths.entry(r.path.to_owned()).or_insert_with(|| json!({}));
        entry[r.method.as_str().to_ascii_lowercase()] = op;
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "wangan console API",
            "version": "1",
            "description": "The JSON API of wangan's console: vault health, log coverage, search, records with inclusion proofs, evidence bundles, verification, the assessment (run it, its reports in five formats), the data stores' scans, the registers (list, add, change), users and tokens. Log intake (`POST /api/v1/logs`, the Elasticsearch-compatible API) is documented in the server's README. Errors are RFC 9457 problem details. Every change is recorded in the vault as an event of source `wangan.console`."
        },
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "description": "A wangan token (`wangan token create --role auditor|operator|admin`)"}},
            "schemas": {"Problem": problem_schema()}
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_is_in_the_document_and_templates_match() {
        let doc = openapi();
        for r in routes() {
            let op = &doc["paths"][r.path][r.method.as_str().to_ascii_lowercase()];
            assert_eq!(op["operationId"], r.id, "{} {}", r.method, r.path);
            assert!(op["responses"]["401"].is_object());
        }
        assert_eq!(
            matches("/api/v1/logs/{seq}", "/api/v1/logs/12"),
            Some(vec!["12".into()])
        );
        assert_eq!(matches("/api/v1/logs/{seq}", "/api/v1/logs/"), None);
        assert_eq!(
            matches("/api/v1/users/{name}", "/api/v1/users/%E5%AE%A1%E8%AE%A1"),
            Some(vec!["审计".into()])
        );
    }
}
