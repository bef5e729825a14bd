//! The console's documents: the versioned answers of its JSON API
//! (`wangan.console.…/1`, `server::console::contract`), the event records it
//! appends to the vault (`wangan.console.event/1`), and the token and users
//! files it keeps in the data directory (`wangan.tokens/1`, `wangan.users/1`).
//! Fixed times and obviously fake values only: no secret, no real hash.

use std::collections::BTreeMap;

use registers::{OperatorKind, Register, Settings};
use serde_json::{Map, Value, json};
use server::auth::{self, Role, TokenEntry};
use server::console::assessment::{ScanRow, ScanState};
use server::console::audit::{self, Detail, Event, Via};
use server::console::contract::{
    self, BriefRecord, ClockItem, ClocksDoc, CoverageDoc, Disk, Label, LastVerification,
    ListedRecord, LogRecord, NewTokenDoc, NewUserDoc, ProblemDoc, ProblemParam, RecordProof,
    RecordedVerification, RegisterListDoc, ScansDoc, SearchDoc, StatusCheckpoint, StatusDoc,
    TokenRow, TokensDoc, UserDoc, UsersDoc, VerifyDoc,
};
use server::console::data::{SourceDays, Summary};
use server::console::jobs::{JobState, VerifyResult};
use server::console::users::{self, User, UserRole};
use time::macros::{datetime, offset};

use crate::Example;

/// 2026-03-01T04:00:00Z in ns.
const T0: i64 = 1_772_337_600_000_000_000;
const NS: i64 = 1_000_000_000;

fn incident(
    id: &str,
    revision: u64,
    title: &str,
    grade: &str,
    discovered_at: &str,
) -> registers::Record {
    let data: Map<String, Value> = [
        ("title", json!(title)),
        ("grade", json!(grade)),
        ("discovered_at", json!(discovered_at)),
        ("status", json!("open")),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    registers::Record {
        register: Register::Incident,
        id: id.to_owned(),
        revision,
        data,
        created_at: "2026-03-01T02:10:00Z".to_owned(),
        created_by: "alice".to_owned(),
        updated_at: "2026-03-01T03:30:00Z".to_owned(),
        updated_by: "token:1a2b3c4d".to_owned(),
        seq: 1041,
        hash: "0".repeat(64),
    }
}

fn log_record(seq: u64, host: &str, message: &str) -> LogRecord {
    LogRecord {
        app: Some("sshd".to_owned()),
        event_time: Some("2026-03-01T03:59:58Z".to_owned()),
        host: Some(host.to_owned()),
        message: Some(message.to_owned()),
        peer: "192.0.2.7:51514".to_owned(),
        proof: None,
        raw: format!("<38>Mar  1 11:59:58 {host} sshd[812]: {message}"),
        raw_is_utf8: true,
        received: "2026-03-01T04:00:00.123456789Z".to_owned(),
        seq,
        severity: Some(6),
        source: "bastion".to_owned(),
        transport: "udp".to_owned(),
    }
}

fn verify_result() -> VerifyResult {
    VerifyResult {
        started_ns: T0,
        finished_ns: T0 + 42 * NS,
        by: "alice".to_owned(),
        size: 1200,
        records_checked: 1200,
        intact: true,
        findings: vec![(
            "warning".to_owned(),
            "checkpoint_time_backwards".to_owned(),
            "checkpoint 12 is dated 2026-02-28T20:00:00Z after one dated 2026-02-28T20:00:03Z: \
             the clock went backwards a little (a clock correction)"
                .to_owned(),
        )],
        error: None,
    }
}

/// One example of each console document.
pub fn examples() -> Vec<Example> {
    let now = datetime!(2026-03-01 12:00:00 +08:00);
    let settings = Settings::default();
    let open = incident(
        "INC-2",
        1,
        "门户网站遭篡改",
        "large",
        "2026-03-01T10:00:00+08:00",
    );
    let closed = incident(
        "INC-1",
        3,
        "弱口令登录",
        "general",
        "2026-02-20T09:00:00+08:00",
    );
    let brief = RegisterListDoc {
        records: vec![
            ListedRecord::Brief(BriefRecord::of(&open)),
            ListedRecord::Brief(BriefRecord::of(&closed)),
        ],
        register: Register::Incident.key().to_owned(),
        schema: contract::REGISTER_LIST_SCHEMA,
        total: 2,
    };
    let view = registers::view::record_view(&open, OperatorKind::Cii, &settings, now, None, false);
    // the clocks half an hour after the discovery: the reports are pending; the next drill
    // (a register-wide clock, last drill 2025-02-20) is overdue
    let early = datetime!(2026-03-01 10:30:00 +08:00);
    let mut clocks: Vec<ClockItem> =
        registers::view::record_view(&open, OperatorKind::Cii, &settings, early, None, false)
            .deadlines
            .into_iter()
            .map(|d| ClockItem {
                deadline: d,
                id: Some(open.id.clone()),
                register: Register::Incident.key().to_owned(),
                summary: "门户网站遭篡改".to_owned(),
            })
            .collect();
    clocks.push(ClockItem {
        deadline: registers::view::deadline_view(
            &registers::clock::drill_deadline(Some(time::macros::date!(2025 - 02 - 20)), &settings),
            early,
        ),
        id: None,
        register: Register::Drill.key().to_owned(),
        summary: String::new(),
    });
    let clocks = ClocksDoc {
        at: "2026-03-01T10:30:00+08:00".to_owned(),
        clocks,
        schema: contract::CLOCKS_SCHEMA,
    };
    assert!(!clocks.clocks.is_empty(), "an open incident has clocks");
    let incidents = RegisterListDoc {
        records: vec![ListedRecord::Full(Box::new(view))],
        register: Register::Incident.key().to_owned(),
        schema: contract::REGISTER_LIST_SCHEMA,
        total: 1,
    };
    let scans = ScansDoc {
        schema: contract::SCANS_SCHEMA,
        stores: vec![
            ScanRow {
                important: false,
                scan: Some(ScanState {
                    file: "crm-20260301T020000Z.json".to_owned(),
                    kinds: vec!["cn_mobile".to_owned(), "cn_id".to_owned()],
                    level: "sensitive_pi".to_owned(),
                    level_label: Label {
                        en: "general data containing sensitive PI".to_owned(),
                        zh: "一般数据（含敏感个人信息）".to_owned(),
                    },
                    minors: false,
                    persons: 1520,
                    scanned_at: "2026-03-01T02:00:00Z".to_owned(),
                    secrets: false,
                    sensitive: true,
                    stale: false,
                    stale_after: "2026-05-30".to_owned(),
                    unreadable: 0,
                }),
                store: "crm".to_owned(),
                target: "postgres://scanner:***@db.example:5432/crm".to_owned(),
            },
            ScanRow {
                important: true,
                scan: None,
                store: "archive".to_owned(),
                target: "/srv/archive".to_owned(),
            },
        ],
    };
    let last = verify_result();
    let status = StatusDoc {
        checkpoint: Some(StatusCheckpoint {
            age_seconds: 12,
            root: "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=".to_owned(),
            size: 1200,
            time: "2026-03-01T04:00:00Z".to_owned(),
        }),
        disk: Some(Disk {
            free_bytes: 53_687_091_200,
            total_bytes: 107_374_182_400,
        }),
        hash: "sha256".to_owned(),
        last_verification: Some(LastVerification::of(&last)),
        origin: "wangan.vault/0123456789abcdef".to_owned(),
        recorded_verification: Some(RecordedVerification {
            intact: true,
            records_checked: 1100,
            size: 1100,
            still_matches_store: true,
            time: "2026-02-28T20:00:00Z".to_owned(),
        }),
        retention: "6 months".to_owned(),
        schema: contract::STATUS_SCHEMA.to_owned(),
        segments: 3,
        size: 1200,
        unreadable: vec![],
    };
    // 2026-02-27 … 2026-03-01 (local day numbers), with records on two of them
    let today = 20_513;
    let summary = Summary {
        sources: BTreeMap::from([(
            "bastion".to_owned(),
            SourceDays {
                records: 1180,
                first_ns: T0 - 40 * 86_400 * NS,
                last_ns: T0,
                days: BTreeMap::from([(today - 40, 20), (today - 1, 700), (today, 460)]),
            },
        )]),
        size: 1200,
        unreadable: vec![],
    };
    let coverage = CoverageDoc::new(&summary, today - 2, today, offset!(+8));
    let mut alone = log_record(
        1199,
        "bastion-1",
        "Accepted publickey for ops from 192.0.2.9",
    );
    alone.proof = Some(Some(RecordProof {
        checkpoint: "wangan.vault/0123456789abcdef\n1200\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n\n— wangan.vault/0123456789abcdef EXAMPLEONLY\n".to_owned(),
        hashes: vec!["EXAMPLE0".to_owned(), "EXAMPLE1".to_owned()],
        leaf: "EXAMPLELEAF".to_owned(),
        signature_valid: true,
        sm2_signature: true,
        tree_size: 1200,
        verifies: true,
    }));
    assert_eq!(alone.seq, 1199);
    let search = SearchDoc {
        errors: vec![],
        next_cursor: Some("1198".to_owned()),
        records: vec![
            log_record(
                1199,
                "bastion-1",
                "Accepted publickey for ops from 192.0.2.9",
            ),
            LogRecord {
                app: None,
                event_time: None,
                ..log_record(
                    1198,
                    "bastion-1",
                    "Failed password for root from 198.51.100.4",
                )
            },
        ],
        schema: contract::SEARCH_SCHEMA.to_owned(),
        size: 1200,
    };
    let idle = VerifyDoc::new(JobState::Idle, 0, Some(&last));
    let started = VerifyDoc {
        started: Some(true),
        ..VerifyDoc::new(
            JobState::Running {
                started_ns: T0 + 60 * NS,
                by: "token:1a2b3c4d".to_owned(),
                total: 1200,
            },
            0,
            Some(&last),
        )
    };
    let event = Event {
        actor: "alice",
        role: "admin",
        via: Via::Console,
        from: "192.0.2.7:50412",
        action: "user.add",
        target: Some("bob"),
        outcome: "ok",
        detail: Detail::role("auditor"),
    };
    let tokens = auth::TokenFile::new(vec![TokenEntry {
        id: "1a2b3c4d".to_owned(),
        role: Role::Auditor,
        sha256: "0".repeat(64),
        created: "2026-03-01T04:00:00Z".to_owned(),
    }]);
    let users = users::UsersFile::new(vec![User {
        name: "alice".to_owned(),
        role: UserRole::Admin,
        hash: "$argon2id$v=19$m=7168,t=5,p=1$EXAMPLE$EXAMPLE".to_owned(),
        created: "2026-03-01T04:00:00Z".to_owned(),
        password_set: "2026-03-01T04:00:00Z".to_owned(),
        disabled: false,
    }]);
    vec![
        Example::of(contract::REGISTER_LIST_SCHEMA, &brief),
        Example::of("wangan.console.register-list/1#incidents", &incidents),
        Example::of(contract::CLOCKS_SCHEMA, &clocks),
        Example::of(contract::SCANS_SCHEMA, &scans),
        Example::of(contract::STATUS_SCHEMA, &status),
        Example::of(contract::COVERAGE_SCHEMA, &coverage),
        Example::of(contract::SEARCH_SCHEMA, &search),
        Example::of("wangan.console.search/1#record", &alone),
        Example::of(contract::VERIFY_SCHEMA, &idle),
        Example::of("wangan.console.verify/1#started", &started),
        Example::of(audit::SCHEMA, &event.document(T0 + 123_000_000)),
        Example::in_declared_order(auth::FILE_SCHEMA, &tokens),
        Example::in_declared_order(users::FILE_SCHEMA, &users),
    ]
}

/// Where each console example is answered: method, path template, status.
const ENDPOINTS: &[(&str, &str, &str, &str)] = &[
    (
        "wangan.console.register-list/1",
        "get",
        "/api/v1/registers/{register}",
        "200",
    ),
    (
        "wangan.console.register-list/1#incidents",
        "get",
        "/api/v1/incidents",
        "200",
    ),
    ("wangan.console.clocks/1", "get", "/api/v1/clocks", "200"),
    ("wangan.console.scans/1", "get", "/api/v1/scans", "200"),
    ("wangan.console.status/1", "get", "/api/v1/status", "200"),
    (
        "wangan.console.coverage/1",
        "get",
        "/api/v1/coverage",
        "200",
    ),
    (
        "wangan.console.search/1",
        "get",
        "/api/v1/logs/search",
        "200",
    ),
    (
        "wangan.console.search/1#record",
        "get",
        "/api/v1/logs/{seq}",
        "200",
    ),
    ("wangan.console.verify/1", "get", "/api/v1/verify", "200"),
    (
        "wangan.console.verify/1#started",
        "post",
        "/api/v1/verify",
        "202",
    ),
];

/// The JSON types a schema's `type` allows.
fn types_of(schema: &Value) -> Vec<&str> {
    match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

fn is_type(v: &Value, t: &str) -> bool {
    match t {
        "null" => v.is_null(),
        "boolean" => v.is_boolean(),
        "integer" => v.is_i64() || v.is_u64(),
        "number" => v.is_number(),
        "string" => v.is_string(),
        "array" => v.is_array(),
        "object" => v.is_object(),
        _ => false,
    }
}

/// Check `v` against `schema` (the subset of JSON Schema the document uses: `type`,
/// `const`, `enum`, `required`, `properties`, `items`). Stricter than JSON Schema in one
/// way, so the document cannot drift from the types: an object schema with `properties`
/// documents every key the type writes, so a key it does not name is a problem.
fn check(schema: &Value, v: &Value, at: &str, problems: &mut Vec<String>) {
    let types = types_of(schema);
    if !types.is_empty() && !types.iter().any(|t| is_type(v, t)) {
        problems.push(format!("{at}: {v} is not of type {types:?}"));
        return;
    }
    if let Some(c) = schema.get("const")
        && c != v
    {
        problems.push(format!("{at}: {v} is not {c}"));
    }
    if let Some(Value::Array(e)) = schema.get("enum")
        && !e.contains(v)
    {
        problems.push(format!("{at}: {v} is not one of {e:?}"));
    }
    if let Value::Object(m) = v {
        if let Some(Value::Array(req)) = schema.get("required") {
            for k in req.iter().filter_map(Value::as_str) {
                if !m.contains_key(k) {
                    problems.push(format!("{at}: required key {k:?} is missing"));
                }
            }
        }
        if let Some(Value::Object(props)) = schema.get("properties") {
            for (k, x) in m {
                match props.get(k) {
                    Some(s) => check(s, x, &format!("{at}.{k}"), problems),
                    None => problems.push(format!("{at}: key {k:?} is not in the document")),
                }
            }
        }
    }
    if let (Value::Array(a), Some(items)) = (v, schema.get("items")) {
        for (i, x) in a.iter().enumerate() {
            check(items, x, &format!("{at}[{i}]"), problems);
        }
    }
}

/// Every console example validates against the response schema the OpenAPI
/// document (`/api/v1/openapi.json`) gives for its endpoint, key for key: a
/// field added to, renamed in or dropped from a type fails here until the
/// document says so too.
#[test]
fn the_openapi_document_describes_every_console_document() {
    let doc = server::console::api::openapi();
    let examples = examples();
    let mut problems = Vec::new();
    let mut checked = 0;
    for (name, method, path, status) in ENDPOINTS {
        let ex = examples
            .iter()
            .find(|e| e.schema == *name)
            .unwrap_or_else(|| panic!("no example {name}"));
        let schema = &doc["paths"][*path][*method]["responses"][*status]["content"]["application/json"]
            ["schema"];
        assert!(
            schema.is_object(),
            "{method} {path} {status}: no JSON schema"
        );
        check(schema, &ex.value, name, &mut problems);
        checked += 1;
    }
    let console = examples
        .iter()
        .filter(|e| e.schema.starts_with("wangan.console.") && e.schema != audit::SCHEMA)
        .count();
    assert_eq!(
        checked, console,
        "every console API example is mapped to its endpoint"
    );
    // the smaller answers (no schema name, not versioned) are described too
    let user = UserDoc {
        created: "2026-03-01T04:00:00Z".to_owned(),
        disabled: false,
        name: "bob".to_owned(),
        password: Some("example-only-password".to_owned()),
        password_set: "2026-03-01T04:00:00Z".to_owned(),
        role: "auditor".to_owned(),
    };
    let smaller: Vec<(&str, &str, &str, Value)> = vec![
        (
            "get",
            "/api/v1/users",
            "200",
            to_value(&UsersDoc {
                users: vec![UserDoc {
                    password: None,
                    ..user.clone()
                }],
            }),
        ),
        ("patch", "/api/v1/users/{name}", "200", to_value(&user)),
        (
            "post",
            "/api/v1/users",
            "201",
            to_value(&NewUserDoc {
                name: "bob".to_owned(),
                password: Some("example-only-password".to_owned()),
                role: "auditor".to_owned(),
            }),
        ),
        (
            "get",
            "/api/v1/tokens",
            "200",
            to_value(&TokensDoc {
                tokens: vec![TokenRow {
                    created: "2026-03-01T04:00:00Z".to_owned(),
                    id: "1a2b3c4d".to_owned(),
                    role: "auditor".to_owned(),
                }],
            }),
        ),
        (
            "post",
            "/api/v1/tokens",
            "201",
            to_value(&NewTokenDoc {
                id: "1a2b3c4d".to_owned(),
                role: "auditor".to_owned(),
                token: "wgn_1a2b3c4d_EXAMPLEONLYnotarealsecret".to_owned(),
            }),
        ),
    ];
    for (method, path, status, v) in &smaller {
        let schema = &doc["paths"][*path][*method]["responses"][*status]["content"]["application/json"]
            ["schema"];
        assert!(
            schema.is_object(),
            "{method} {path} {status}: no JSON schema"
        );
        check(schema, v, &format!("{method} {path}"), &mut problems);
    }
    let problem = ProblemDoc {
        detail: "these parameters are not valid: limit".to_owned(),
        errors: vec![ProblemParam {
            detail: "must be 1 to 500".to_owned(),
            name: "limit".to_owned(),
        }],
        instance: "/api/v1/logs/search".to_owned(),
        status: 400,
        title: "invalid parameters".to_owned(),
        kind: "urn:wangan:problem:invalid-parameters".to_owned(),
    };
    check(
        &doc["components"]["schemas"]["Problem"],
        &to_value(&problem),
        "Problem",
        &mut problems,
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

fn to_value(v: &impl serde::Serialize) -> Value {
    serde_json::to_value(v).expect("a document is a JSON value")
}

#[test]
fn the_check_finds_a_renamed_key_a_missing_key_and_a_wrong_type() {
    let schema = json!({"type": "object", "required": ["a", "b"], "properties": {
        "a": {"type": "integer"}, "b": {"type": ["string", "null"]}
    }});
    let mut p = Vec::new();
    check(&schema, &json!({"a": 1, "b": null}), "x", &mut p);
    assert!(p.is_empty(), "{p:?}");
    check(&schema, &json!({"a": "1", "c": "s"}), "x", &mut p);
    assert_eq!(p.len(), 3, "{p:?}");
}
