//! The JSON API under `/api/v1/` (besides `POST /api/v1/logs`, the intake): what the console
//! shows, for other systems. Bearer tokens with the roles `auditor` (read), `operator` (also
//! exports) and `admin` (also users and tokens); errors are problem details (RFC 9457,
//! `application/problem+json`) naming the parameter and what is wrong. The OpenAPI 3.1
//! document is served at `/api/v1/openapi.json` and built by [`openapi`] from the same route
//! table the handler uses, so the two cannot drift apart.

use std::sync::Arc;

use bytes::Bytes;
use hyper::body::Incoming;
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, StatusCode};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::audit::{Detail, Via};
use super::contract::{
    BriefRecord, ClockItem, ClocksDoc, CoverageDoc, Disk, LastVerification, ListedRecord,
    LogRecord, NewTokenDoc, NewUserDoc, ProblemDoc, REGISTER_LIST_SCHEMA, RecordedVerification,
    RegisterListDoc, SCANS_SCHEMA, SEARCH_SCHEMA, STATUS_SCHEMA, ScansDoc, SearchDoc,
    StatusCheckpoint, StatusDoc, TokenRow, TokensDoc, UserDoc, UsersDoc, VerifyDoc,
};
pub use super::openapi::openapi;
use super::openapi::{Route, matches, routes};
use super::pages::{Applied, ApplyError, Plan, apply, parse_token_role, start_verification};
use super::search::{self, BadParam, Search};
use super::users::{self, User, UserRole};
use super::{Console, Params, Resp, body, rfc3339};
use crate::auth::{AuthResult, Role};

/// A problem (RFC 9457).
#[derive(Debug, Clone)]
pub struct Problem {
    /// HTTP status.
    pub status: StatusCode,
    /// Short kind, part of the `type` URI (`urn:wangan:problem:<kind>`).
    pub kind: &'static str,
    /// Human-readable summary of the kind.
    pub title: &'static str,
    /// What happened here.
    pub detail: String,
    /// Offending parameters: name and what is wrong.
    pub errors: Vec<BadParam>,
}

impl Problem {
    fn new(
        status: StatusCode,
        kind: &'static str,
        title: &'static str,
        detail: impl Into<String>,
    ) -> Problem {
        Problem {
            status,
            kind,
            title,
            detail: detail.into(),
            errors: Vec::new(),
        }
    }

    fn bad_params(errors: Vec<BadParam>) -> Problem {
        let names: Vec<&str> = errors.iter().map(|e| e.name.as_str()).collect();
        Problem {
            status: StatusCode::BAD_REQUEST,
            kind: "invalid-parameters",
            title: "invalid parameters",
            detail: format!("these parameters are not valid: {}", names.join(", ")),
            errors,
        }
    }

    /// The problem detail document, for the request to `instance`.
    pub fn document(&self, instance: &str) -> ProblemDoc {
        ProblemDoc {
            detail: self.detail.clone(),
            errors: self.errors.iter().map(Into::into).collect(),
            instance: instance.into(),
            status: self.status.as_u16(),
            title: self.title.into(),
            kind: format!("urn:wangan:problem:{}", self.kind),
        }
    }

    fn resp(&self, instance: &str) -> Resp {
        // a document of strings and numbers always serialises
        let text = serde_json::to_string(&self.document(instance)).unwrap_or_default();
        body(self.status, "application/problem+json", text)
    }
}

fn ok_json(status: StatusCode, v: &impl Serialize) -> Result<Resp, Problem> {
    let text = serde_json::to_string(v).map_err(internal)?;
    Ok(body(status, "application/json", text))
}

fn not_found(what: impl Into<String>) -> Problem {
    Problem::new(StatusCode::NOT_FOUND, "not-found", "not found", what)
}

/// The bearer token's id (`wgn_<id>_<secret>`).
fn token_id(h: &hyper::HeaderMap) -> String {
    h.get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|s| s.split_whitespace().nth(1))
        .and_then(|t| t.strip_prefix("wgn_"))
        .and_then(|t| t.split('_').next())
        .filter(|id| id.len() == 8 && id.bytes().all(|b| b.is_ascii_hexdigit()))
        .unwrap_or("unknown")
        .to_owned()
}

fn user_role_of(r: Role) -> UserRole {
    match r {
        Role::Admin => UserRole::Admin,
        Role::Operator => UserRole::Operator,
        _ => UserRole::Auditor,
    }
}

/// Answer an API request.
pub(super) async fn handle(c: &Arc<Console>, req: Request<Incoming>, peer: &str) -> Resp {
    let path = req.uri().path().to_owned();
    match handle_inner(c, req, peer, &path).await {
        Ok(r) => r,
        Err(p) => {
            let mut r = p.resp(&path);
            if p.status == StatusCode::UNAUTHORIZED {
                r.headers_mut().insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer realm=\"wangan\""),
                );
            }
            if p.status == StatusCode::METHOD_NOT_ALLOWED
                && let Ok(v) = HeaderValue::from_str(p.detail.rsplit(": ").next().unwrap_or(""))
            {
                r.headers_mut().insert(header::ALLOW, v);
            }
            r
        }
    }
}

async fn handle_inner(
    c: &Arc<Console>,
    req: Request<Incoming>,
    peer: &str,
    path: &str,
) -> Result<Resp, Problem> {
    let method = req.method().clone();
    let table = routes();
    let found: Vec<(&Route, Vec<String>)> = table
        .iter()
        .filter_map(|r| matches(r.path, path).map(|v| (r, v)))
        .collect();
    if found.is_empty() {
        return Err(not_found(
            "no such endpoint; the API is described at /api/v1/openapi.json",
        ));
    }
    let Some((route, vals)) = found
        .iter()
        .find(|(r, _)| r.method == method || (method == Method::HEAD && r.method == Method::GET))
    else {
        let allow: Vec<&str> = found.iter().map(|(r, _)| r.method.as_str()).collect();
        return Err(Problem::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method-not-allowed",
            "method not allowed",
            format!(
                "{method} is not allowed here; allowed: {}",
                allow.join(", ")
            ),
        ));
    };
    let role = match c.tokens.authenticate(
        req.headers()
            .get(header::AUTHORIZATION)
            .map(|v| v.as_bytes()),
    ) {
        AuthResult::Ok(r) => r,
        AuthResult::Missing => {
            return Err(Problem::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "authentication required",
                "send a token as Authorization: Bearer wgn_…",
            ));
        }
        AuthResult::Invalid => {
            tracing::warn!(peer, "api request refused: unknown token");
            return Err(Problem::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "authentication required",
                "the token is not valid (revoked, mistyped or not a wangan token)",
            ));
        }
    };
    if !role.permits(route.role) {
        return Err(Problem::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "forbidden",
            format!(
                "this token's role ({}) may not do this; it needs {}",
                role.name(),
                route.role.name()
            ),
        ));
    }
    let actor = User {
        name: format!("token:{}", token_id(req.headers())),
        role: user_role_of(role),
        hash: String::new(),
        created: String::new(),
        password_set: String::new(),
        disabled: false,
    };
    let query = Params::parse(req.uri().query().unwrap_or("").as_bytes());
    let known: &[&str] = match route.id {
        "searchLogs" => search::PARAMS,
        "runAssessment" => &["at"],
        "assessmentReport" | "yearlyReport" => &["format", "lang"],
        "updateRecord" => &["expected_revision"],
        "incidents" | "listRegister" => &["limit", "offset"],
        _ => &[],
    };
    let unknown = query.unknown(known);
    if !unknown.is_empty() {
        return Err(Problem::bad_params(
            unknown
                .into_iter()
                .map(|n| BadParam {
                    name: n,
                    detail: "unknown parameter".into(),
                })
                .collect(),
        ));
    }
    match route.id {
        "openapi" => ok_json(StatusCode::OK, &openapi()),
        "status" => status(c).await,
        "coverage" => coverage(c).await,
        "searchLogs" => search_logs(c, &query).await,
        "getRecord" => get_record(c, &vals[0]).await,
        "exportBundle" => {
            let b = json_body(req).await?;
            export(c, &actor, b, peer).await
        }
        "verifyStatus" => ok_json(StatusCode::OK, &verify_json(c)),
        "startVerify" => {
            let started =
                start_verification(c, &actor.name, actor.role.name(), Via::Api, peer).await;
            let mut v = verify_json(c);
            v.started = Some(started);
            ok_json(
                if started {
                    StatusCode::ACCEPTED
                } else {
                    StatusCode::CONFLICT
                },
                &v,
            )
        }
        "listUsers" => ok_json(
            StatusCode::OK,
            &UsersDoc {
                users: c.users.all().iter().map(UserDoc::of).collect(),
            },
        ),
        "getUser" => match c.users.get(&vals[0]) {
            Some(u) => ok_json(StatusCode::OK, &UserDoc::of(&u)),
            None => Err(not_found(format!("no user {:?}", vals[0]))),
        },
        "addUser" => {
            let b = json_body(req).await?;
            add_user(c, &actor, b, peer).await
        }
        "changeUser" => {
            let b = json_body(req).await?;
            change_user(c, &actor, &vals[0], b, peer).await
        }
        "removeUser" => {
            if c.users.get(&vals[0]).is_none() {
                return Err(not_found(format!("no user {:?}", vals[0])));
            }
            let name = vals[0].clone();
            run(
                c,
                &actor,
                peer,
                Plan::Remove(name.clone()),
                "user.remove",
                Some(&name),
                Detail::None {},
            )
            .await?;
            Ok(body(
                StatusCode::NO_CONTENT,
                "application/json",
                Bytes::new(),
            ))
        }
        "duties" => {
            let p = c.assessment.clone();
            match tokio::task::spawn_blocking(move || super::assessment::load(&p))
                .await
                .map_err(internal)?
            {
                Ok(Some(a)) => Ok(body(StatusCode::OK, "application/json", a.bytes)),
                Ok(None) => Err(not_found(
                    "no assessment yet: POST /api/v1/assessment (with [console] profile), or run `wangan assess --format json -o FILE` (see [console] assessment)",
                )),
                Err(e) => Err(unavailable(e)),
            }
        }
        "runAssessment" => run_assessment(c, &actor, &query, peer).await,
        "assessmentReport" => assessment_report(c, &query).await,
        "yearlyReport" => yearly_report(c, &query).await,
        "scans" => scans(c).await,
        "updateRecord" => {
            let expected = match query.sent("expected_revision") {
                None => None,
                Some(v) => Some(v.parse::<u64>().map_err(|_| {
                    Problem::bad_params(vec![BadParam {
                        name: "expected_revision".into(),
                        detail: "must be a revision number (a whole number)".into(),
                    }])
                })?),
            };
            let b = json_body(req).await?;
            write_record(c, &actor, &vals[0], Some((&vals[1], expected)), b, peer).await
        }
        "clocks" => clocks(c).await,
        "incidents" => list_register(c, "incident", true, &query).await,
        "listRegister" => list_register(c, &vals[0], false, &query).await,
        "getRegisterRecord" => get_register_record(c, &vals[0], &vals[1]).await,
        "addRecord" => {
            let b = json_body(req).await?;
            write_record(c, &actor, &vals[0], None, b, peer).await
        }
        "listTokens" => {
            let list = crate::auth::list_tokens(&c.dir).map_err(internal)?;
            ok_json(
                StatusCode::OK,
                &TokensDoc {
                    tokens: list
                        .iter()
                        .map(|t| TokenRow {
                            created: t.created.clone(),
                            id: t.id.clone(),
                            role: t.role.name().into(),
                        })
                        .collect(),
                },
            )
        }
        "createToken" => {
            let b = json_body(req).await?;
            #[derive(Deserialize)]
            #[serde(deny_unknown_fields)]
            struct T {
                role: String,
            }
            let t: T = parse_body(&b)?;
            let Some(r) = parse_token_role(&t.role) else {
                return Err(Problem::bad_params(vec![BadParam {
                    name: "role".into(),
                    detail: "must be ingest, metrics, auditor, operator or admin".into(),
                }]));
            };
            match run(
                c,
                &actor,
                peer,
                Plan::CreateToken(r),
                "token.create",
                None,
                Detail::role(r.name()),
            )
            .await?
            {
                Applied::Secret(_, id, token) => ok_json(
                    StatusCode::CREATED,
                    &NewTokenDoc {
                        id,
                        role: r.name().into(),
                        token,
                    },
                ),
                Applied::Done => Err(internal("token not created")),
            }
        }
        "revokeToken" => {
            let id = vals[0].clone();
            let list = crate::auth::list_tokens(&c.dir).map_err(internal)?;
            if !list.iter().any(|t| t.id == id) {
                return Err(not_found(format!("no token {id:?}")));
            }
            run(
                c,
                &actor,
                peer,
                Plan::Revoke(id.clone()),
                "token.revoke",
                Some(&id),
                Detail::None {},
            )
            .await?;
            Ok(body(
                StatusCode::NO_CONTENT,
                "application/json",
                Bytes::new(),
            ))
        }
        _ => Err(not_found("no such endpoint")),
    }
}

fn reg_problem(e: registers::Error) -> Problem {
    match e.kind() {
        registers::ErrorKind::NotFound => not_found(e.to_string()),
        registers::ErrorKind::Invalid => Problem::bad_params(vec![BadParam {
            name: e
                .invalid()
                .and_then(|i| i.field.clone())
                .unwrap_or_else(|| "body".into()),
            detail: e
                .invalid()
                .map(|i| i.problem.get(false).to_owned())
                .unwrap_or_else(|| e.to_string()),
        }]),
        _ => unavailable(e),
    }
}

fn register_or_404(key: &str) -> Result<registers::Register, Problem> {
    registers::Register::from_key(key).ok_or_else(|| {
        not_found(format!(
            "no register {key:?}; registers: {}",
            super::regs::ALL
                .iter()
                .map(|r| r.key())
                .collect::<Vec<_>>()
                .join(", ")
        ))
    })
}

async fn on_regs<T: Send + 'static>(
    c: &Console,
    f: impl FnOnce(&mut registers::Registers) -> registers::Result<T> + Send + 'static,
) -> Result<T, Problem> {
    let regs = c.regs.clone();
    tokio::task::spawn_blocking(move || regs.with(f))
        .await
        .map_err(internal)?
        .map_err(reg_problem)
}

fn now_local(c: &Console) -> time::OffsetDateTime {
    time::OffsetDateTime::now_utc().to_offset(c.cfg.utc_offset)
}

/// Most records a register list answers at once (`limit`'s default and maximum).
pub(super) const MAX_REGISTER_PAGE: u64 = 500;

/// `name` as a whole number in `lo..=hi`, or `default` when it is not sent.
fn bounded(query: &Params, name: &str, lo: u64, hi: u64, default: u64) -> Result<u64, BadParam> {
    match query.sent(name) {
        None => Ok(default),
        Some(v) => v
            .parse::<u64>()
            .ok()
            .filter(|n| (lo..=hi).contains(n))
            .ok_or_else(|| BadParam {
                name: name.into(),
                detail: format!("must be a whole number from {lo} to {hi}"),
            }),
    }
}

async fn list_register(
    c: &Console,
    key: &str,
    with_clocks: bool,
    query: &Params,
) -> Result<Resp, Problem> {
    let reg = register_or_404(key)?;
    let limit = bounded(query, "limit", 1, MAX_REGISTER_PAGE, MAX_REGISTER_PAGE);
    let offset = bounded(query, "offset", 0, i64::MAX as u64, 0);
    let (limit, offset) = match (limit, offset) {
        (Ok(l), Ok(o)) => (l, o),
        (l, o) => {
            return Err(Problem::bad_params(
                [l.err(), o.err()].into_iter().flatten().collect(),
            ));
        }
    };
    let page = on_regs(c, move |r| {
        r.list(
            reg,
            &registers::ListQuery {
                open_only: false,
                limit,
                offset,
            },
        )
    })
    .await?;
    let (kind, settings, now) = (c.regs.kind, c.regs.settings.clone(), now_local(c));
    let records = page
        .items
        .iter()
        .map(|rec| {
            if with_clocks {
                ListedRecord::Full(Box::new(registers::view::record_view(
                    rec, kind, &settings, now, None, false,
                )))
            } else {
                ListedRecord::Brief(BriefRecord::of(rec))
            }
        })
        .collect();
    ok_json(
        StatusCode::OK,
        &RegisterListDoc {
            records,
            register: reg.key().into(),
            schema: REGISTER_LIST_SCHEMA,
            total: page.total,
        },
    )
}

async fn get_register_record(c: &Console, key: &str, id: &str) -> Result<Resp, Problem> {
    let reg = register_or_404(key)?;
    let idc = id.to_owned();
    let (rec, hist) = on_regs(c, move |r| {
        let rec = r.get(reg, &idc)?;
        let h = r.history(reg, &idc)?;
        Ok((rec, h))
    })
    .await?;
    let v = registers::view::record_view(
        &rec,
        c.regs.kind,
        &c.regs.settings,
        now_local(c),
        Some(hist),
        false,
    );
    // the view's keys sorted, as always
    ok_json(StatusCode::OK, &serde_json::to_value(v).map_err(internal)?)
}

async fn clocks(c: &Console) -> Result<Resp, Problem> {
    let (kind, settings, now) = (c.regs.kind, c.regs.settings.clone(), now_local(c));
    let sweep = on_regs(c, move |r| r.sweep(kind, &settings, now)).await?;
    let clocks = sweep
        .items
        .iter()
        .map(|it| ClockItem {
            deadline: registers::view::deadline_view(&it.deadline, now),
            id: it.id.clone(),
            register: it.register.key().into(),
            summary: it.summary.clone(),
        })
        .collect();
    ok_json(
        StatusCode::OK,
        &ClocksDoc {
            at: now
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default(),
            clocks,
            schema: super::contract::CLOCKS_SCHEMA,
        },
    )
}

/// Add a record (`target` `None`) or change one (`Some((id, expected revision))`), as the
/// console's form does: fields checked against the register's table, the event recorded in
/// the vault first, then the change made and anchored.
async fn write_record(
    c: &Console,
    actor: &User,
    key: &str,
    target: Option<(&str, Option<u64>)>,
    b: Bytes,
    peer: &str,
) -> Result<Resp, Problem> {
    let reg = register_or_404(key)?;
    let id = target.map(|(id, _)| id.to_owned());
    let expected = target.and_then(|(_, e)| e);
    let obj: serde_json::Map<String, Value> = parse_body(&b)?;
    let mut fields: Vec<(&'static str, registers::Input)> = Vec::new();
    let mut errs = Vec::new();
    for (k, v) in &obj {
        match reg.field(k) {
            Some(f) if !f.managed => fields.push((f.key, registers::Input::Json(v.clone()))),
            Some(_) => errs.push(BadParam {
                name: k.clone(),
                detail: "set by wangan, not given".into(),
            }),
            None => errs.push(BadParam {
                name: k.chars().take(64).collect(),
                detail: "not a field of this register".into(),
            }),
        }
    }
    if id.is_some() && fields.is_empty() && errs.is_empty() {
        errs.push(BadParam {
            name: "body".into(),
            detail: "name at least one field to change".into(),
        });
    }
    if !errs.is_empty() {
        return Err(Problem::bad_params(errs));
    }
    let ev = super::audit::Event {
        actor: &actor.name,
        role: actor.role.name(),
        via: Via::Api,
        from: peer,
        action: if id.is_some() {
            "register.update"
        } else {
            "register.add"
        },
        target: id.as_deref(),
        outcome: "ok",
        detail: super::regs::event_detail(reg, id.as_deref(), &fields),
    };
    c.audit.record(&ev).await.map_err(|_| {
        unavailable("the change could not be recorded in the vault, so nothing was saved")
    })?;
    let name = actor.name.clone();
    let settings = c.regs.settings.clone();
    let now = now_local(c);
    let mut sink = super::regs::IntakeSink {
        intake: c.audit.intake(),
        handle: tokio::runtime::Handle::current(),
        pending: Vec::new(),
    };
    let idc = id.clone();
    let res = on_regs(c, move |r| {
        let w = registers::WriteCtx {
            actor: &name,
            now,
            settings: &settings,
            expected_revision: expected,
        };
        let rec = match &idc {
            None => r.add(reg, &fields, &w)?,
            Some(id) => r.update(reg, id, &fields, "update", &w)?,
        };
        if let Err(e) = r.anchor(&mut sink) {
            tracing::warn!(error = %e, "register change not anchored yet (retried with the next change)");
        }
        Ok(rec)
    })
    .await;
    match res {
        Ok(rec) => {
            let v =
                registers::view::record_view(&rec, c.regs.kind, &c.regs.settings, now, None, false);
            ok_json(
                if id.is_some() {
                    StatusCode::OK
                } else {
                    StatusCode::CREATED
                },
                // the view's keys sorted, as always
                &serde_json::to_value(v).map_err(internal)?,
            )
        }
        Err(p) => {
            let _ = c
                .audit
                .record(&super::audit::Event {
                    outcome: "failed",
                    detail: Detail::RegisterFailed {
                        error: p.detail.clone(),
                        register: reg.key().into(),
                    },
                    ..ev
                })
                .await;
            Err(p)
        }
    }
}

async fn run_assessment(
    c: &Console,
    actor: &User,
    query: &Params,
    peer: &str,
) -> Result<Resp, Problem> {
    use super::assessment::RunError;
    let at = match query.sent("at") {
        None => None,
        Some(v) => Some(super::pages::parse_day(v).ok_or_else(|| {
            Problem::bad_params(vec![BadParam {
                name: "at".into(),
                detail: "must be a date as YYYY-MM-DD".into(),
            }])
        })?),
    };
    match super::pages::run_assessment(c, actor, Via::Api, peer, at).await {
        Ok(run) => Ok(body(
            StatusCode::OK,
            "application/json",
            report::json(&run.assessment),
        )),
        Err(e @ (RunError::NoProfile | RunError::Busy)) => Err(Problem::new(
            StatusCode::CONFLICT,
            if e == RunError::Busy {
                "busy"
            } else {
                "not-configured"
            },
            "refused",
            e.text(super::Lang::En),
        )),
        Err(e) => Err(unavailable(e.text(super::Lang::En))),
    }
}

async fn assessment_report(c: &Console, query: &Params) -> Result<Resp, Problem> {
    let mut errs = Vec::new();
    let format = match query.sent("format") {
        None => {
            errs.push(BadParam {
                name: "format".into(),
                detail: "required: html, md, json, oscal or csv".into(),
            });
            None
        }
        Some(f) => {
            let r = super::assessment::format_of(f);
            if r.is_none() {
                errs.push(BadParam {
                    name: "format".into(),
                    detail: "must be html, md, json, oscal or csv".into(),
                });
            }
            r
        }
    };
    let lang = match query.sent("lang") {
        None => super::Lang::Zh,
        Some(l) => super::Lang::parse(l).unwrap_or_else(|| {
            errs.push(BadParam {
                name: "lang".into(),
                detail: "must be zh or en".into(),
            });
            super::Lang::Zh
        }),
    };
    let Some(format) = format.filter(|_| errs.is_empty()) else {
        return Err(Problem::bad_params(errs));
    };
    let run = match super::assessment::latest(&c.runner).await {
        Ok(Some(r)) => r,
        Ok(None) => {
            return Err(not_found(
                "no assessment yet: POST /api/v1/assessment (operator), or run `wangan assess --format json -o FILE` (see [console] assessment)",
            ));
        }
        Err(e) => return Err(unreadable_assessment(e)),
    };
    let (bytes, ctype, name) = super::assessment::render(&run, format, lang);
    Ok(super::pages::attachment(
        body(StatusCode::OK, ctype, bytes),
        &name,
    ))
}

async fn yearly_report(c: &Console, query: &Params) -> Result<Resp, Problem> {
    let mut errs = Vec::new();
    let format = match query.sent("format") {
        None => {
            errs.push(BadParam {
                name: "format".into(),
                detail: "required: docx, html or md".into(),
            });
            None
        }
        Some(f) => {
            let r = match f {
                "docx" | "html" | "md" => report::yearly::YearlyFormat::from_key(f),
                _ => None,
            };
            if r.is_none() {
                errs.push(BadParam {
                    name: "format".into(),
                    detail: "must be docx, html or md".into(),
                });
            }
            r
        }
    };
    let lang = match query.sent("lang") {
        None => super::Lang::Zh,
        Some(l) => super::Lang::parse(l).unwrap_or_else(|| {
            errs.push(BadParam {
                name: "lang".into(),
                detail: "must be zh or en".into(),
            });
            super::Lang::Zh
        }),
    };
    let Some(format) = format.filter(|_| errs.is_empty()) else {
        return Err(Problem::bad_params(errs));
    };
    match super::pages::yearly_bytes(c, format, lang).await {
        Ok((bytes, ctype, name)) => Ok(super::pages::attachment(
            body(StatusCode::OK, ctype, bytes),
            &name,
        )),
        Err((StatusCode::NOT_FOUND, _)) => Err(not_found(
            "no assessment yet: POST /api/v1/assessment (operator), or run `wangan assess --format json -o FILE` (see [console] assessment)",
        )),
        Err((StatusCode::CONFLICT, e)) => Err(unreadable_assessment(e)),
        Err((_, e)) => Err(unavailable(e)),
    }
}

async fn scans(c: &Console) -> Result<Resp, Problem> {
    let Some(p) = c.runner.profile_path().map(std::path::Path::to_path_buf) else {
        return Err(Problem::new(
            StatusCode::CONFLICT,
            "not-configured",
            "refused",
            super::assessment::RunError::NoProfile.text(super::Lang::En),
        ));
    };
    let rows = tokio::task::spawn_blocking(move || super::assessment::scans(&p))
        .await
        .map_err(internal)?
        .map_err(unavailable)?;
    ok_json(
        StatusCode::OK,
        &ScansDoc {
            schema: SCANS_SCHEMA,
            stores: rows,
        },
    )
}

fn internal(e: impl std::fmt::Display) -> Problem {
    Problem::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        "internal error",
        e.to_string(),
    )
}

/// The saved assessment cannot be read back (written by another version, or damaged).
fn unreadable_assessment(e: impl std::fmt::Display) -> Problem {
    Problem::new(
        StatusCode::CONFLICT,
        "assessment-unreadable",
        "the saved assessment cannot be read back: run it again",
        e.to_string(),
    )
}

fn unavailable(e: impl std::fmt::Display) -> Problem {
    Problem::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "unavailable",
        "the vault cannot be read or written right now",
        e.to_string(),
    )
}

async fn json_body(req: Request<Incoming>) -> Result<Bytes, Problem> {
    let ctype = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let essence = ctype.split(';').next().unwrap_or("").trim().to_owned();
    if essence != "application/json" {
        return Err(Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "unsupported media type",
            "send the body as application/json",
        ));
    }
    super::read_small_body(req).await.map_err(|e| match e {
        super::BodyError::TooLarge => Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too-large",
            "request body too large",
            "the body is larger than 64 KiB",
        ),
        super::BodyError::Timeout => Problem::new(
            StatusCode::REQUEST_TIMEOUT,
            "timeout",
            "request timeout",
            "the body did not arrive within 30 seconds",
        ),
        super::BodyError::Broken => Problem::new(
            StatusCode::BAD_REQUEST,
            "bad-body",
            "bad request body",
            "the body could not be read",
        ),
    })
}

fn parse_body<T: for<'de> Deserialize<'de>>(b: &[u8]) -> Result<T, Problem> {
    // an optional field is left out, never `null` (the document says so)
    if let Ok(Value::Object(m)) = serde_json::from_slice::<Value>(b) {
        let nulls: Vec<BadParam> = m
            .iter()
            .filter(|(_, v)| v.is_null())
            .map(|(k, _)| BadParam {
                name: k.chars().take(64).collect(),
                detail: "null is not a value here: leave the field out".into(),
            })
            .collect();
        if !nulls.is_empty() {
            return Err(Problem::bad_params(nulls));
        }
    }
    serde_json::from_slice(b).map_err(|e| {
        Problem::new(
            StatusCode::BAD_REQUEST,
            "invalid-body",
            "invalid JSON body",
            format!("the body is not what this endpoint takes: {e}"),
        )
    })
}

async fn run(
    c: &Console,
    actor: &User,
    peer: &str,
    plan: Plan,
    action: &'static str,
    target: Option<&str>,
    detail: Detail,
) -> Result<Applied, Problem> {
    match apply(c, actor, Via::Api, peer, plan, action, target, detail).await {
        Ok(a) => Ok(a),
        Err(ApplyError::NotRecorded) => Err(unavailable(
            "the change could not be recorded in the vault, so nothing was changed",
        )),
        Err(ApplyError::Refused(e)) => Err(match e.kind() {
            crate::ErrorKind::NotFound => not_found(e.to_string()),
            crate::ErrorKind::Invalid => Problem::new(
                StatusCode::CONFLICT,
                "refused",
                "change refused",
                e.to_string(),
            ),
            _ => internal(e),
        }),
    }
}

async fn add_user(c: &Console, actor: &User, b: Bytes, peer: &str) -> Result<Resp, Problem> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct B {
        name: String,
        role: String,
        password: Option<String>,
    }
    let b: B = parse_body(&b)?;
    let mut errs = Vec::new();
    let role = UserRole::parse(&b.role);
    if role.is_none() {
        errs.push(BadParam {
            name: "role".into(),
            detail: "must be auditor, operator or admin".into(),
        });
    }
    if let Err(e) = users::check_name(&b.name) {
        errs.push(BadParam {
            name: "name".into(),
            detail: e.to_string(),
        });
    }
    if let Some(p) = &b.password
        && let Err(e) = users::check_password(p)
    {
        errs.push(BadParam {
            name: "password".into(),
            detail: e.to_string(),
        });
    }
    if !errs.is_empty() {
        return Err(Problem::bad_params(errs));
    }
    let role = role.unwrap_or(UserRole::Auditor);
    if c.users.get(&b.name).is_some() {
        return Err(Problem::new(
            StatusCode::CONFLICT,
            "exists",
            "already exists",
            format!("user {:?} exists already", b.name),
        ));
    }
    let generated = b.password.is_none();
    let pw = match b.password {
        Some(p) => p,
        None => users::generate_password().map_err(internal)?,
    };
    let name = b.name.clone();
    match run(
        c,
        actor,
        peer,
        Plan::AddUser {
            name: name.clone(),
            role,
            pw,
            generated,
        },
        "user.add",
        Some(&name),
        Detail::role(role.name()),
    )
    .await?
    {
        Applied::Secret(_, n, pw) => ok_json(
            StatusCode::CREATED,
            &NewUserDoc {
                name: n,
                password: Some(pw),
                role: role.name().into(),
            },
        ),
        Applied::Done => ok_json(
            StatusCode::CREATED,
            &NewUserDoc {
                name,
                password: None,
                role: role.name().into(),
            },
        ),
    }
}

async fn change_user(
    c: &Console,
    actor: &User,
    name: &str,
    b: Bytes,
    peer: &str,
) -> Result<Resp, Problem> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct B {
        role: Option<String>,
        disabled: Option<bool>,
        reset_password: Option<bool>,
    }
    let b: B = parse_body(&b)?;
    if c.users.get(name).is_none() {
        return Err(not_found(format!("no user {name:?}")));
    }
    let role = match &b.role {
        None => None,
        Some(r) => match UserRole::parse(r) {
            Some(r) => Some(r),
            None => {
                return Err(Problem::bad_params(vec![BadParam {
                    name: "role".into(),
                    detail: "must be auditor, operator or admin".into(),
                }]));
            }
        },
    };
    if role.is_none() && b.disabled.is_none() && b.reset_password != Some(true) {
        return Err(Problem::bad_params(vec![BadParam {
            name: "body".into(),
            detail: "give at least one of role, disabled, reset_password: true".into(),
        }]));
    }
    let mut password = None;
    if let Some(r) = role {
        run(
            c,
            actor,
            peer,
            Plan::Role(name.into(), r),
            "user.role",
            Some(name),
            Detail::role(r.name()),
        )
        .await?;
    }
    if let Some(d) = b.disabled {
        let action = if d { "user.disable" } else { "user.enable" };
        run(
            c,
            actor,
            peer,
            Plan::Disable(name.into(), d),
            action,
            Some(name),
            Detail::None {},
        )
        .await?;
    }
    if b.reset_password == Some(true) {
        let pw = users::generate_password().map_err(internal)?;
        if let Applied::Secret(_, _, pw) = run(
            c,
            actor,
            peer,
            Plan::Reset(name.into(), pw),
            "user.password_reset",
            Some(name),
            Detail::None {},
        )
        .await?
        {
            password = Some(pw);
        }
    }
    let u = c
        .users
        .get(name)
        .ok_or_else(|| not_found(format!("no user {name:?}")))?;
    let v = UserDoc {
        password,
        ..UserDoc::of(&u)
    };
    ok_json(StatusCode::OK, &v)
}

async fn status(c: &Console) -> Result<Resp, Problem> {
    let store = c.view.store().await.map_err(unavailable)?;
    let cp = store.latest_checkpoint().map_err(unavailable)?;
    let disk = super::data::disk_space(&c.dir);
    let last = c.verify.last();
    let recorded = vault::verified::latest(&c.dir).ok().flatten();
    let doc = StatusDoc {
        checkpoint: cp.map(|cp| StatusCheckpoint {
            age_seconds: (super::now_ns() - cp.checkpoint.time_ns) / 1_000_000_000,
            root: cp.checkpoint.root.b64(),
            size: cp.checkpoint.size,
            time: rfc3339(cp.checkpoint.time_ns),
        }),
        disk: disk.map(|(free_bytes, total_bytes)| Disk {
            free_bytes,
            total_bytes,
        }),
        hash: store.hash_alg().name().into(),
        last_verification: last.as_ref().map(LastVerification::of),
        origin: c.origin.to_string(),
        recorded_verification: recorded.map(|v| RecordedVerification {
            intact: v.intact,
            records_checked: v.records_checked,
            size: v.size,
            still_matches_store: vault::verified::matches(&store, &v),
            time: v.time.clone(),
        }),
        retention: store.retention().to_string(),
        schema: STATUS_SCHEMA.into(),
        segments: store.segments().len(),
        size: store.size(),
        unreadable: store
            .bad_files()
            .iter()
            .map(|b| format!("{}: {}", b.path.display(), b.reason))
            .collect(),
    };
    ok_json(StatusCode::OK, &doc)
}

async fn coverage(c: &Arc<Console>) -> Result<Resp, Problem> {
    let store = c.view.store().await.map_err(unavailable)?;
    let summary = c.view.summary(store).await;
    let offset = c.cfg.utc_offset;
    let now = super::now_ns();
    let today = super::data::day_of(now, offset);
    let first = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(now))
        .ok()
        .and_then(|t| vault::coverage::SIX_MONTHS.cutoff(t.to_offset(offset)))
        .map(|t| super::data::day_of(vault::clock::to_ns(t), offset))
        .unwrap_or(today - 183);
    ok_json(
        StatusCode::OK,
        &CoverageDoc::new(&summary, first, today, offset),
    )
}

async fn search_logs(c: &Console, q: &Params) -> Result<Resp, Problem> {
    let s = Search::parse_strict(q, c.cfg.utc_offset).map_err(Problem::bad_params)?;
    let store = c.view.store().await.map_err(unavailable)?;
    let s2 = s.clone();
    let page = tokio::task::spawn_blocking(move || search::run(&store, &s2))
        .await
        .map_err(internal)?;
    ok_json(
        StatusCode::OK,
        &SearchDoc {
            errors: page.errors,
            next_cursor: page.next.map(|n| n.to_string()),
            records: page.records.iter().map(LogRecord::of).collect(),
            schema: SEARCH_SCHEMA.into(),
            size: page.size,
        },
    )
}

async fn get_record(c: &Console, seq: &str) -> Result<Resp, Problem> {
    let seq: u64 = seq.parse().map_err(|_| {
        Problem::bad_params(vec![BadParam {
            name: "seq".into(),
            detail: "must be a record number (0, 1, 2 …)".into(),
        }])
    })?;
    let store = c.view.fresh().await.map_err(unavailable)?;
    let r = tokio::task::spawn_blocking(move || search::record(&store, seq))
        .await
        .map_err(internal)?
        .map_err(unavailable)?;
    let Some((rec, proof)) = r else {
        return Err(not_found(format!("no record {seq}")));
    };
    ok_json(StatusCode::OK, &LogRecord::with_proof(&rec, proof))
}

async fn export(c: &Console, actor: &User, b: Bytes, peer: &str) -> Result<Resp, Problem> {
    #[derive(Deserialize, Default)]
    #[serde(deny_unknown_fields)]
    struct B {
        from: Option<String>,
        to: Option<String>,
        #[serde(default)]
        source: Vec<String>,
        #[serde(default)]
        host: Vec<String>,
        q: Option<String>,
        severity: Option<u8>,
        seq: Option<u64>,
    }
    let b: B = parse_body(&b)?;
    // the document's maxItems, counted as sent (empty names included: the search drops them)
    let too_many: Vec<BadParam> = [("source", b.source.len()), ("host", b.host.len())]
        .into_iter()
        .filter(|(_, n)| *n > 64)
        .map(|(k, _)| BadParam {
            name: k.into(),
            detail: "more than 64 values".into(),
        })
        .collect();
    if !too_many.is_empty() {
        return Err(Problem::bad_params(too_many));
    }
    let mut p = Params::default();
    let mut push = |k: &str, v: String| p.0.push((k.to_owned(), v));
    if let Some(v) = b.from {
        push("from", v);
    }
    if let Some(v) = b.to {
        push("to", v);
    }
    for v in b.source {
        push("source", v);
    }
    for v in b.host {
        push("host", v);
    }
    if let Some(v) = b.q {
        push("q", v);
    }
    if let Some(v) = b.severity {
        push("severity", v.to_string());
    }
    let s = Search::parse(&p, c.cfg.utc_offset).map_err(Problem::bad_params)?;
    let seqs = b.seq.map_or(0..u64::MAX, |n| n..n.saturating_add(1));
    let s2 = s.clone();
    let dir = c.dir.clone();
    let r = tokio::task::spawn_blocking(move || search::export(&dir, &s2, seqs))
        .await
        .map_err(internal)?;
    match r {
        Ok((bytes, sum)) => {
            let ev = super::audit::Event {
                actor: &actor.name,
                role: actor.role.name(),
                via: Via::Api,
                from: peer,
                action: "logs.export",
                target: None,
                outcome: "ok",
                detail: Detail::Export {
                    bytes: sum.bytes,
                    checkpoint_size: sum.checkpoint.size,
                    filters: s.to_query_string(c.cfg.utc_offset),
                    records: sum.records,
                    seq: b.seq,
                },
            };
            c.audit.record(&ev).await.map_err(|_| {
                unavailable(
                    "the export's record could not be stored in the vault; nothing was exported",
                )
            })?;
            let mut r = body(StatusCode::OK, "application/octet-stream", bytes);
            r.headers_mut().insert(
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("attachment; filename=\"wangan-evidence.wgb\""),
            );
            if let Ok(v) = HeaderValue::from_str(&sum.records.to_string()) {
                r.headers_mut().insert("x-wangan-records", v);
            }
            Ok(r)
        }
        Err(search::ExportError::Empty) => Err(not_found(
            "nothing to export: no record matches that a signed checkpoint covers yet",
        )),
        Err(search::ExportError::TooLarge) => Err(Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "too-many-records",
            "selection too large",
            format!(
                "more than {} records or {} MiB: narrow the selection or use `wangan vault export`",
                search::MAX_EXPORT,
                search::MAX_EXPORT_BYTES >> 20
            ),
        )),
        Err(search::ExportError::Vault(e)) => Err(Problem::new(
            StatusCode::CONFLICT,
            "vault-refused",
            "the vault refused the export",
            e.to_string(),
        )),
    }
}

fn verify_json(c: &Console) -> VerifyDoc {
    let (job, done) = c.verify.state();
    VerifyDoc::new(job, done, c.verify.last().as_ref())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_problem_is_problem_json() {
        let p = Problem::bad_params(vec![BadParam {
            name: "limit".into(),
            detail: "must be 1 to 500".into(),
        }]);
        let r = p.resp("/api/v1/logs/search");
        assert_eq!(r.status(), 400);
        assert_eq!(
            r.headers()[header::CONTENT_TYPE],
            "application/problem+json"
        );
        let doc = serde_json::to_value(p.document("/api/v1/logs/search")).unwrap();
        assert_eq!(doc["type"], "urn:wangan:problem:invalid-parameters");
        assert_eq!(doc["errors"][0]["name"], "limit");
        let plain = not_found("no record 7").document("/api/v1/logs/7");
        assert!(serde_json::to_value(plain).unwrap().get("errors").is_none());
    }
}
