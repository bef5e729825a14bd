//! The console's pages: server-rendered HTML (maud escapes every interpolated value), one
//! stylesheet and one small script embedded in the binary, forms that work without script.

use std::sync::Arc;

use bytes::Bytes;
use hyper::body::Incoming;
use hyper::header::{self, HeaderMap};
use hyper::{Method, Request, StatusCode};
use maud::{DOCTYPE, Markup, html};

use vault::StoredRecord;

use super::audit::{Detail, Event, Via};
use super::search::{self, Search};
use super::session::{Gate, Session, ct_eq};
use super::users::{self, User, UserRole};
use super::{
    Console, Lang, Params, Resp, body, cookie, fmt_offset, fmt_time, heatmap, peer_ip,
    percent_decode, redirect,
};
use registers::WriteCtx;

const STYLE: &str = include_str!("assets/style.css");
const SCRIPT: &str = include_str!("assets/console.js");
const ICON: &str = include_str!("assets/icon.svg");
const LANG_COOKIE: &str = "wangan_lang";
const LOGIN_COOKIE: &str = "wangan_login";

/// The signed-in user of a request.
pub(super) struct Who {
    pub user: User,
    pub session: Session,
}

impl Who {
    fn can(&self, need: UserRole) -> bool {
        self.user.role >= need
    }
}

/// Which page is open, for the navigation bar.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Nav {
    Dashboard,
    Logs,
    Verify,
    Assessment,
    Scans,
    Registers,
    Settings,
    None,
}

struct Ctx<'a> {
    c: &'a Console,
    lang: Lang,
    who: Option<&'a Who>,
    /// The path and query of this page (for the language switch).
    here: String,
}

impl Ctx<'_> {
    fn t<'a>(&self, zh: &'a str, en: &'a str) -> &'a str {
        self.lang.t(zh, en)
    }

    fn time(&self, ns: i64) -> String {
        fmt_time(ns, self.c.cfg.utc_offset, false)
    }

    fn csrf(&self) -> Markup {
        html! {
            @if let Some(w) = self.who {
                input type="hidden" name="csrf" value=(w.session.csrf);
            }
        }
    }
}

fn session_cookie_name(tls: bool) -> &'static str {
    if tls {
        "__Host-wangan_session"
    } else {
        "wangan_session"
    }
}

fn lang_of(h: &HeaderMap) -> Lang {
    if let Some(l) = cookie(h, LANG_COOKIE).and_then(Lang::parse) {
        return l;
    }
    let al = h
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    // the first language listed wins; Chinese first-class, English otherwise
    match al.split(',').next().map(|s| s.trim().to_ascii_lowercase()) {
        Some(s) if s.starts_with("en") => Lang::En,
        Some(s) if s.starts_with("zh") || s.is_empty() => Lang::Zh,
        _ => Lang::En,
    }
}

/// A path of ours to go back to (never another site).
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with("/console/")
                && !n.starts_with("//")
                && !n.contains('\\')
                && !n.contains(char::is_control) =>
        {
            n.to_owned()
        }
        _ => "/console/".to_owned(),
    }
}

fn html_resp(status: StatusCode, m: Markup) -> Resp {
    body(status, "text/html; charset=utf-8", m.into_string())
}

fn with_cookie(mut r: Resp, c: String) -> Resp {
    if let Ok(v) = header::HeaderValue::from_str(&c) {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
    r
}

fn asset(name: &str) -> Resp {
    let (ctype, b): (&'static str, &'static str) = match name {
        "style.css" => ("text/css; charset=utf-8", STYLE),
        "console.js" => ("text/javascript; charset=utf-8", SCRIPT),
        "icon.svg" => ("image/svg+xml", ICON),
        _ => {
            return body(
                StatusCode::NOT_FOUND,
                "text/plain; charset=utf-8",
                "not found\n",
            );
        }
    };
    let mut r = body(StatusCode::OK, ctype, Bytes::from_static(b.as_bytes()));
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("public, max-age=3600"),
    );
    r
}

fn layout(x: &Ctx, title: &str, nav: Nav, refresh: bool, main: Markup) -> Markup {
    let lang = x.lang;
    let other = match lang {
        Lang::Zh => ("en", "English"),
        Lang::En => ("zh", "中文"),
    };
    let switch = format!(
        "/console/lang?to={}&next={}",
        other.0,
        form_urlencoded::byte_serialize(x.here.as_bytes()).collect::<String>()
    );
    let link = |n: Nav, href: &'static str, zh: &'static str, en: &'static str| {
        html! {
            a href=(href) aria-current=[(n == nav).then_some("page")] { (lang.t(zh, en)) }
        }
    };
    html! {
        (DOCTYPE)
        html lang=(lang.html()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                @if refresh { meta http-equiv="refresh" content="2"; }
                title { (title) " · " (lang.t("网安 wangan", "wangan 网安")) }
                link rel="stylesheet" href="/console/assets/style.css";
                link rel="icon" href="/console/assets/icon.svg" type="image/svg+xml";
                script src="/console/assets/console.js" defer {}
            }
            body {
                a.skip href="#main" { (lang.t("跳到主要内容", "Skip to main content")) }
                header.top {
                    a.brand href="/console/" {
                        img src="/console/assets/icon.svg" alt="" width="22" height="22";
                        span { "网安" } span.latin { "wangan" }
                    }
                    @if x.who.is_some() {
                        nav aria-label=(lang.t("主导航", "Main")) {
                            (link(Nav::Dashboard, "/console/", "仪表盘", "Dashboard"))
                            (link(Nav::Logs, "/console/logs", "日志", "Logs"))
                            (link(Nav::Assessment, "/console/assessment", "义务", "Duties"))
                            (link(Nav::Scans, "/console/scans", "数据扫描", "Scans"))
                            (link(Nav::Registers, "/console/registers", "登记簿", "Registers"))
                            (link(Nav::Verify, "/console/verify", "校验", "Verification"))
                            (link(Nav::Settings, "/console/settings", "设置", "Settings"))
                        }
                    }
                    div.me {
                        a.lang href=(switch) lang=(other.0) { (other.1) }
                        @if let Some(w) = x.who {
                            span.user { (w.user.name) " · " (role_name(w.user.role, lang)) }
                            form.inline method="post" action="/console/logout" {
                                (x.csrf())
                                button.link type="submit" { (lang.t("退出", "Sign out")) }
                            }
                        }
                    }
                }
                main #main tabindex="-1" { (main) }
                footer.foot {
                    (lang.t("网安 wangan — 《网络安全法》第三章义务的证据", "wangan — evidence for the duties of chapter 3 of the PRC Cybersecurity Law"))
                    " · " (x.c.origin)
                }
            }
        }
    }
}

fn role_name(r: UserRole, lang: Lang) -> &'static str {
    match r {
        UserRole::Auditor => lang.t("审计员", "auditor"),
        UserRole::Operator => lang.t("操作员", "operator"),
        UserRole::Admin => lang.t("管理员", "admin"),
    }
}

fn token_role_name(r: crate::auth::Role, lang: Lang) -> &'static str {
    use crate::auth::Role;
    match r {
        Role::Ingest => lang.t("采集 ingest", "ingest"),
        Role::Metrics => lang.t("监控 metrics", "metrics"),
        Role::Auditor => lang.t("审计员 auditor", "auditor"),
        Role::Operator => lang.t("操作员 operator", "operator"),
        Role::Admin => lang.t("管理员 admin", "admin"),
    }
}

/// The vault's read snapshot, or the page saying it cannot be read (503).
async fn vault_store(x: &Ctx<'_>) -> Result<std::sync::Arc<vault::Store>, Resp> {
    x.c.view.store().await.map_err(|e| {
        error_page(
            x,
            StatusCode::SERVICE_UNAVAILABLE,
            &format!(
                "{} {e}",
                x.t("无法读取日志库：", "The vault cannot be read:")
            ),
        )
    })
}

fn error_page(x: &Ctx, status: StatusCode, msg: &str) -> Resp {
    let title = match status {
        StatusCode::FORBIDDEN => x.t("无权操作", "Not permitted"),
        StatusCode::NOT_FOUND => x.t("找不到页面", "Not found"),
        StatusCode::BAD_REQUEST => x.t("请求有误", "Bad request"),
        StatusCode::PAYLOAD_TOO_LARGE => x.t("请求过大", "Request too large"),
        StatusCode::TOO_MANY_REQUESTS => x.t("尝试过于频繁", "Too many attempts"),
        StatusCode::SERVICE_UNAVAILABLE => x.t("暂时无法完成", "Temporarily unavailable"),
        _ => x.t("出错了", "Something went wrong"),
    };
    let m = html! {
        h1 { (title) }
        p.lead { (msg) }
        p { a href="/console/" { (x.t("返回仪表盘", "Back to the dashboard")) } }
    };
    html_resp(status, layout(x, title, Nav::None, false, m))
}

/// Answer a console page request.
pub(super) async fn handle(c: &Arc<Console>, req: Request<Incoming>, peer: &str) -> Resp {
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let here = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| path.clone());
    let query = Params::parse(req.uri().query().unwrap_or("").as_bytes());
    let lang = lang_of(req.headers());
    if let Some(name) = path.strip_prefix("/console/assets/") {
        return asset(name);
    }
    let get = method == Method::GET || method == Method::HEAD;
    let post = method == Method::POST;
    if !get && !post {
        let mut r = body(
            StatusCode::METHOD_NOT_ALLOWED,
            "text/plain; charset=utf-8",
            "method not allowed\n",
        );
        r.headers_mut().insert(
            header::ALLOW,
            header::HeaderValue::from_static("GET, HEAD, POST"),
        );
        return r;
    }
    match (get, path.as_str()) {
        (true, "/console/lang") => {
            let to = query.get("to").and_then(Lang::parse).unwrap_or(lang);
            let next = safe_next(query.get("next"));
            return with_cookie(
                redirect(&next),
                format!(
                    "{LANG_COOKIE}={}; Path=/console; Max-Age=31536000; SameSite=Strict{}",
                    to.code(),
                    if c.tls { "; Secure" } else { "" }
                ),
            );
        }
        (true, "/console/login") => {
            return login_page(c, lang, &here, query.get("next"), None, StatusCode::OK);
        }
        (false, "/console/login") => return login(c, req, peer, lang, &here).await,
        _ => {}
    }
    let who = session_of(c, req.headers());
    let Some(who) = who else {
        if get {
            let next = form_urlencoded::byte_serialize(here.as_bytes()).collect::<String>();
            return redirect(&format!("/console/login?next={next}"));
        }
        let x = Ctx {
            c,
            lang,
            who: None,
            here,
        };
        return error_page(
            &x,
            StatusCode::FORBIDDEN,
            x.t(
                "没有有效的登录会话（可能已超时），请重新登录。",
                "There is no valid session (it may have timed out); please sign in again.",
            ),
        );
    };
    let x = Ctx {
        c,
        lang,
        who: Some(&who),
        here,
    };
    if get {
        return match path.as_str() {
            "/console/" => dashboard(&x).await,
            "/console/logs" => logs_page(&x, &query).await,
            "/console/verify" => verify_page(&x),
            "/console/settings" => settings_page(&x, None, StatusCode::OK),
            "/console/assessment" => assessment_page(&x).await,
            "/console/assessment.json" => assessment_file(&x).await,
            "/console/assessment/report" => assessment_report(&x, &query).await,
            "/console/assessment/yearly" => yearly_report(&x, &query).await,
            "/console/scans" => scans_page(&x).await,
            p if p == "/console/registers" || p.starts_with("/console/registers/") => {
                regs_get(&x, p, &query).await
            }
            p => match p.strip_prefix("/console/logs/").map(str::parse::<u64>) {
                Some(Ok(seq)) => record_page(&x, seq).await,
                _ => error_page(
                    &x,
                    StatusCode::NOT_FOUND,
                    x.t("没有这个页面。", "There is no such page."),
                ),
            },
        };
    }
    // POST: a session, then its CSRF token, then the role
    let form = match super::read_small_body(req).await {
        Ok(b) => Params::parse(&b),
        Err(super::BodyError::TooLarge) => {
            return error_page(
                &x,
                StatusCode::PAYLOAD_TOO_LARGE,
                x.t("表单内容过大。", "The form is too large."),
            );
        }
        Err(_) => {
            return error_page(
                &x,
                StatusCode::BAD_REQUEST,
                x.t("表单没有完整送达。", "The form did not arrive whole."),
            );
        }
    };
    let token_ok = form
        .get("csrf")
        .is_some_and(|t| ct_eq(t.as_bytes(), who.session.csrf.as_bytes()));
    if !token_ok {
        tracing::warn!(peer, "console form refused: missing or wrong csrf token");
        return error_page(
            &x,
            StatusCode::FORBIDDEN,
            x.t(
                "表单校验失败（缺少或错误的 CSRF 令牌）。请刷新页面后重试。",
                "The form failed its check (missing or wrong CSRF token). Reload the page and try again.",
            ),
        );
    }
    let need = match path.as_str() {
        "/console/logout" | "/console/verify" => UserRole::Auditor,
        "/console/logs/export" | "/console/assessment/run" => UserRole::Operator,
        p if p.starts_with("/console/registers/") => UserRole::Operator,
        _ => UserRole::Admin,
    };
    if !who.can(need) {
        tracing::warn!(peer, role = who.user.role.name(), path = %path, "console action refused: role");
        let _ = c
            .audit
            .record(&Event {
                actor: &who.user.name,
                role: who.user.role.name(),
                via: Via::Console,
                from: peer,
                action: "refused",
                target: Some(&path),
                outcome: "refused",
                detail: Detail::Needs {
                    needs: need.name().into(),
                },
            })
            .await;
        return error_page(
            &x,
            StatusCode::FORBIDDEN,
            &format!(
                "{} {}",
                x.t("此操作需要以下角色：", "This needs the role:"),
                role_name(need, lang)
            ),
        );
    }
    match path.as_str() {
        "/console/logout" => logout(&x, peer).await,
        "/console/verify" => start_verify(&x, peer).await,
        "/console/logs/export" => export(&x, &form, peer).await,
        "/console/assessment/run" => run_assessment_form(&x, &form, peer).await,
        p if p.starts_with("/console/registers/") => regs_post(&x, p, &form, peer).await,
        p if p.starts_with("/console/settings/") => settings_action(&x, p, &form, peer).await,
        _ => error_page(
            &x,
            StatusCode::NOT_FOUND,
            x.t("没有这个操作。", "There is no such action."),
        ),
    }
}

fn session_of(c: &Console, h: &HeaderMap) -> Option<Who> {
    let id = cookie(h, session_cookie_name(c.tls))?;
    let s = c.sessions.get(id)?;
    let u = c.users.get(&s.user)?;
    if u.disabled || u.password_set != s.password_set {
        c.sessions.remove(id);
        return None;
    }
    Some(Who {
        user: u,
        session: s,
    })
}

// ---------------------------------------------------------------------------------------
// login

fn random_id() -> String {
    use base64::Engine as _;
    let mut raw = [0u8; 24];
    let _ = getrandom::fill(&mut raw);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw)
}

fn login_page(
    c: &Console,
    lang: Lang,
    here: &str,
    next: Option<&str>,
    error: Option<(&str, &str)>,
    status: StatusCode,
) -> Resp {
    let x = Ctx {
        c,
        lang,
        who: None,
        here: here.to_owned(),
    };
    let token = random_id();
    let (err, user) = error.unwrap_or(("", ""));
    let m = html! {
        div.login {
            h1 { (x.t("登录", "Sign in")) }
            p.muted { (x.t("网安控制台：日志留存、完整性证明与合规证据。", "wangan console: log retention, integrity proofs and compliance evidence.")) }
            @if !err.is_empty() {
                p.error role="alert" id="login-error" { (err) }
            }
            form method="post" action="/console/login" {
                input type="hidden" name="login_token" value=(token);
                input type="hidden" name="next" value=(safe_next(next));
                div.field {
                    label for="user" { (x.t("用户名", "User name")) }
                    input #user type="text" name="user" value=(user) autocomplete="username"
                        required autofocus maxlength="64"
                        aria-describedby=[(!err.is_empty()).then_some("login-error")];
                }
                div.field {
                    label for="password" { (x.t("密码", "Password")) }
                    input #password type="password" name="password" autocomplete="current-password"
                        required maxlength="1024";
                }
                button.primary type="submit" { (x.t("登录", "Sign in")) }
            }
            p.muted.small {
                (x.t("第一个管理员：首次启动时打印，或用", "The first administrator: printed at first start, or created with"))
                " " code { "wangan user add --role admin NAME" } (x.t("创建。", "."))
            }
        }
    };
    let r = html_resp(
        status,
        layout(&x, x.t("登录", "Sign in"), Nav::None, false, m),
    );
    with_cookie(
        r,
        format!(
            "{LOGIN_COOKIE}={token}; Path=/console/login; HttpOnly; SameSite=Strict; Max-Age=3600{}",
            if c.tls { "; Secure" } else { "" }
        ),
    )
}

async fn login(
    c: &Arc<Console>,
    req: Request<Incoming>,
    peer: &str,
    lang: Lang,
    here: &str,
) -> Resp {
    let cookie_token = cookie(req.headers(), LOGIN_COOKIE).map(str::to_owned);
    let form = match super::read_small_body(req).await {
        Ok(b) => Params::parse(&b),
        Err(_) => {
            return login_page(
                c,
                lang,
                here,
                None,
                Some((
                    lang.t("表单没有完整送达。", "The form did not arrive whole."),
                    "",
                )),
                StatusCode::BAD_REQUEST,
            );
        }
    };
    let next = form.get("next").map(str::to_owned);
    // what reaches the log, the vault event and the limiter: at most 64 characters, no control
    let name: String = form
        .get("user")
        .unwrap_or("")
        .chars()
        .filter(|c| !c.is_control())
        .take(users::MAX_NAME_CHARS)
        .collect();
    let password = form
        .0
        .iter()
        .find(|(k, _)| k == "password")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let again =
        |msg: &str, status| login_page(c, lang, here, next.as_deref(), Some((msg, &name)), status);
    // double-submit token: the form must come from our own login page
    let ok = match (cookie_token.as_deref(), form.get("login_token")) {
        (Some(a), Some(b)) => ct_eq(a.as_bytes(), b.as_bytes()),
        _ => false,
    };
    if !ok {
        return again(
            lang.t(
                "登录表单已过期，请再试一次。",
                "The sign-in form expired; please try again.",
            ),
            StatusCode::FORBIDDEN,
        );
    }
    if name.is_empty() || password.is_empty() {
        return again(
            lang.t("请输入用户名和密码。", "Enter your user name and password."),
            StatusCode::BAD_REQUEST,
        );
    }
    let ip = peer_ip(peer);
    match c.limiter.check(&name, ip) {
        Gate::Open => {}
        Gate::UserLocked(d) => {
            return again(
                &format!(
                    "{} {} {}",
                    lang.t(
                        "登录失败次数过多，此账号已锁定，请在",
                        "Too many failed sign-ins: this account is locked; try again in"
                    ),
                    d.as_secs().div_ceil(60),
                    lang.t("分钟后再试。", "minutes.")
                ),
                StatusCode::TOO_MANY_REQUESTS,
            );
        }
        Gate::PeerLimited(d) => {
            return again(
                &format!(
                    "{} {} {}",
                    lang.t(
                        "此地址登录失败次数过多，请在",
                        "Too many failed sign-ins from this address; try again in"
                    ),
                    d.as_secs().div_ceil(60),
                    lang.t("分钟后再试。", "minutes.")
                ),
                StatusCode::TOO_MANY_REQUESTS,
            );
        }
    }
    // a sign-in reads the users file as it is now (one stat; a hash follows anyway), so a
    // user `wangan user add` or `user passwd` just changed signs in at once
    c.users.refresh();
    let user = c.users.get(&name);
    let hash = user
        .as_ref()
        .map(|u| u.hash.clone())
        .unwrap_or_else(|| super::users::DUMMY_HASH.to_owned());
    let Ok(_permit) = c.hashing.acquire().await else {
        return again("", StatusCode::SERVICE_UNAVAILABLE);
    };
    let pw = password.clone();
    let matches = tokio::task::spawn_blocking(move || users::verify_password(&hash, &pw))
        .await
        .unwrap_or(false);
    drop(_permit);
    let good = matches && user.as_ref().is_some_and(|u| !u.disabled);
    if !good {
        let locked = c.limiter.failed(&name, ip);
        tracing::warn!(peer, user = %name, "console login failed");
        let _ = c
            .audit
            .record(&Event {
                actor: &name,
                role: "",
                via: Via::Console,
                from: peer,
                action: "login.failed",
                target: None,
                outcome: "refused",
                detail: Detail::None {},
            })
            .await;
        if locked {
            tracing::warn!(peer, user = %name, minutes = c.cfg.lockout.as_secs() / 60, "console account locked after repeated failed logins");
            let _ = c
                .audit
                .record(&Event {
                    actor: &name,
                    role: "",
                    via: Via::Console,
                    from: peer,
                    action: "login.lockout",
                    target: Some(&name),
                    outcome: "ok",
                    detail: Detail::Lockout {
                        minutes: c.cfg.lockout.as_secs() / 60,
                    },
                })
                .await;
        }
        return again(
            lang.t(
                "用户名或密码不正确。",
                "The user name or password is not correct.",
            ),
            StatusCode::UNAUTHORIZED,
        );
    }
    let Some(u) = user else {
        return again("", StatusCode::UNAUTHORIZED);
    };
    c.limiter.succeeded(&name);
    if users::needs_rehash(&u.hash) {
        // a hash an older wangan made: today's parameters, now that the password is at hand
        if let Ok(_permit) = c.hashing.acquire().await {
            let (dir, who, old, pw) = (
                c.dir.clone(),
                u.name.clone(),
                u.hash.clone(),
                password.clone(),
            );
            match tokio::task::spawn_blocking(move || users::rehash(&dir, &who, &old, &pw)).await {
                Ok(Ok(true)) => {
                    c.users.refresh();
                    tracing::info!(user = %u.name, "console password hash upgraded to today's parameters");
                }
                Ok(Ok(false)) => {}
                Ok(Err(e)) => {
                    tracing::warn!(user = %u.name, error = %e, "console password hash not upgraded")
                }
                Err(e) => {
                    tracing::warn!(user = %u.name, error = %e, "console password hash not upgraded")
                }
            }
        }
    }
    if c.audit
        .record(&Event {
            actor: &u.name,
            role: u.role.name(),
            via: Via::Console,
            from: peer,
            action: "login",
            target: None,
            outcome: "ok",
            detail: Detail::None {},
        })
        .await
        .is_err()
    {
        return again(
            lang.t(
                "日志库暂时无法写入，登录未完成（登录记录必须先保存）。",
                "The vault cannot be written to right now; signing in needs its record stored first.",
            ),
            StatusCode::SERVICE_UNAVAILABLE,
        );
    }
    let Some(id) = c.sessions.create(&u.name, &u.password_set) else {
        return again("", StatusCode::SERVICE_UNAVAILABLE);
    };
    tracing::info!(peer, user = %u.name, role = u.role.name(), "console login");
    let r = redirect(&safe_next(next.as_deref()));
    let r = with_cookie(
        r,
        format!(
            "{}={id}; Path=/; HttpOnly; SameSite=Strict{}",
            session_cookie_name(c.tls),
            if c.tls { "; Secure" } else { "" }
        ),
    );
    with_cookie(
        r,
        format!("{LOGIN_COOKIE}=; Path=/console/login; Max-Age=0; HttpOnly; SameSite=Strict"),
    )
}

async fn logout(x: &Ctx<'_>, peer: &str) -> Resp {
    let Some(w) = x.who else {
        return redirect("/console/login");
    };
    x.c.sessions.end(&w.session);
    let _ =
        x.c.audit
            .record(&Event {
                actor: &w.user.name,
                role: w.user.role.name(),
                via: Via::Console,
                from: peer,
                action: "logout",
                target: None,
                outcome: "ok",
                detail: Detail::None {},
            })
            .await;
    with_cookie(
        redirect("/console/login"),
        format!(
            "{}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict{}",
            session_cookie_name(x.c.tls),
            if x.c.tls { "; Secure" } else { "" }
        ),
    )
}

// ---------------------------------------------------------------------------------------
// dashboard

fn fmt_bytes(n: u64) -> String {
    const U: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n as f64;
    let mut i = 0;
    while v >= 1024.0 && i < U.len() - 1 {
        v /= 1024.0;
        i += 1;
    }
    if i == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", U[i])
    }
}

fn fmt_age(secs: i64, lang: Lang) -> String {
    let s = secs.max(0);
    match lang {
        Lang::Zh => match s {
            0..60 => format!("{s} 秒前"),
            60..3600 => format!("{} 分钟前", s / 60),
            3600..86400 => format!("{} 小时前", s / 3600),
            _ => format!("{} 天前", s / 86400),
        },
        Lang::En => match s {
            0..60 => format!("{s} s ago"),
            60..3600 => format!("{} min ago", s / 60),
            3600..86400 => format!("{} h ago", s / 3600),
            _ => format!("{} days ago", s / 86400),
        },
    }
}

fn fmt_count(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

#[derive(Clone, Copy)]
enum Tone {
    Good,
    Warn,
    Bad,
}

fn tone_class(t: Tone) -> &'static str {
    match t {
        Tone::Good => "card good",
        Tone::Warn => "card warn",
        Tone::Bad => "card bad",
    }
}

fn badge(t: Tone, text: &str) -> Markup {
    let cls = match t {
        Tone::Good => "badge good",
        Tone::Warn => "badge warn",
        Tone::Bad => "badge bad",
    };
    let mark = match t {
        Tone::Good => "✓ ",
        Tone::Warn => "! ",
        Tone::Bad => "✗ ",
    };
    html! { span class=(cls) { (mark) (text) } }
}

async fn dashboard(x: &Ctx<'_>) -> Resp {
    let c = x.c;
    let store = match vault_store(x).await {
        Ok(s) => s,
        Err(resp) => return resp,
    };
    let summary = c.view.summary(store.clone()).await;
    let now = super::now_ns();
    let offset = c.cfg.utc_offset;
    let today = super::data::day_of(now, offset);
    let window_start = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(now))
        .ok()
        .and_then(|t| vault::coverage::SIX_MONTHS.cutoff(t.to_offset(offset)))
        .map(|t| super::data::day_of(vault::clock::to_ns(t), offset))
        .unwrap_or(today - 183);
    let cp = store.latest_checkpoint().ok().flatten();
    let disk = super::data::disk_space(&c.dir);
    let last = c.verify.last();
    // the vault's own record of full verifications (console and `wangan vault verify` alike)
    let recorded = vault::verified::latest(&c.dir).ok().flatten();
    let recorded_holds = recorded
        .as_ref()
        .map(|v| vault::verified::matches(&store, v));
    let (job, _) = c.verify.state();
    let running = matches!(job, super::jobs::JobState::Running { .. });
    let own = |s: &str| s.starts_with("wangan.");
    let log_sources: Vec<(&str, &super::data::SourceDays)> = summary
        .sources
        .iter()
        .filter(|(k, _)| !own(k))
        .map(|(k, v)| (k.as_str(), v))
        .collect();
    let today_n: u64 = log_sources
        .iter()
        .map(|(_, d)| d.days.get(&today).copied().unwrap_or(0))
        .sum();
    let today_src = log_sources
        .iter()
        .filter(|(_, d)| d.days.get(&today).is_some_and(|n| *n > 0))
        .count();
    let lang = x.lang;

    // the latest full verification: the vault's record, else the console's own
    let latest: Option<(i64, bool, u64)> = recorded
        .as_ref()
        .and_then(|v| {
            v.at()
                .map(|t| (vault::clock::to_ns(t), v.intact, v.records_checked))
        })
        .or_else(|| {
            last.as_ref()
                .map(|v| (v.finished_ns, v.intact, v.records_checked))
        });
    let verify_card = {
        let (tone, head) = match (&latest, recorded_holds) {
            (None, _) => (Tone::Warn, x.t("从未做过完整校验", "never fully verified")),
            (Some(_), Some(false)) => (
                Tone::Bad,
                x.t(
                    "校验之后日志库被改写过",
                    "the vault changed since its verification",
                ),
            ),
            (Some((_, true, _)), _) => (
                Tone::Good,
                x.t("完整，未发现篡改", "intact, nothing altered"),
            ),
            (Some(_), _) => (Tone::Bad, x.t("发现问题", "problems found")),
        };
        html! {
            section class=(tone_class(tone)) aria-labelledby="c-verify" {
                h2 #c-verify { (x.t("完整性校验", "Integrity")) }
                p.big { (badge(tone, head)) }
                @if let Some((at, _, checked)) = latest {
                    p.sub {
                        (x.t("上次完整校验：", "Last full verification: ")) (x.time(at))
                        " (" (fmt_age((now - at) / 1_000_000_000, lang)) ")"
                    }
                    p.sub { (fmt_count(checked)) " " (x.t("条记录已重新计算哈希", "records re-hashed")) }
                }
                p.sub {
                    @if running {
                        a href="/console/verify" { (x.t("校验进行中…", "Verification running…")) }
                    } @else {
                        a href="/console/verify" { (x.t("运行或查看校验", "Run or view a verification")) }
                    }
                }
            }
        }
    };
    let cp_card = {
        let (tone, txt, age) = match &cp {
            None => (
                Tone::Warn,
                x.t("还没有签名检查点", "no signed checkpoint yet")
                    .to_owned(),
                None,
            ),
            Some(cp) => {
                let age = (now - cp.checkpoint.time_ns) / 1_000_000_000;
                let tone = if age > 600 { Tone::Warn } else { Tone::Good };
                (
                    tone,
                    format!(
                        "{} {}",
                        fmt_count(cp.checkpoint.size),
                        x.t("条记录", "records")
                    ),
                    Some(age),
                )
            }
        };
        html! {
            section class=(tone_class(tone)) aria-labelledby="c-cp" {
                h2 #c-cp { (x.t("最新检查点", "Last checkpoint")) }
                p.big { (txt) }
                @if let (Some(cp), Some(age)) = (&cp, age) {
                    p.sub { (x.t("签署于 ", "Signed ")) (x.time(cp.checkpoint.time_ns)) " (" (fmt_age(age, lang)) ")" }
                    @if age > 600 {
                        p.sub { (badge(Tone::Warn, x.t("超过 10 分钟没有新检查点", "no new checkpoint for over 10 minutes"))) }
                    }
                }
                p.sub.mono title=(x.t("默克尔树根", "Merkle tree root")) {
                    @if let Some(cp) = &cp { (cp.checkpoint.root.b64()) }
                }
            }
        }
    };
    let today_card = html! {
        section.card aria-labelledby="c-today" {
            h2 #c-today { (x.t("今日日志", "Records today")) }
            p.big { (fmt_count(today_n)) }
            p.sub { (today_src) " / " (log_sources.len()) " " (x.t("个来源今天有日志", "sources sent logs today")) }
            p.sub { (x.t("库中共 ", "In the vault: ")) (fmt_count(store.size())) " " (x.t("条", "records")) }
        }
    };
    let disk_card = match disk {
        Some((free, total)) => {
            let pct = if total > 0 {
                free as f64 * 100.0 / total as f64
            } else {
                0.0
            };
            let tone = if pct < 5.0 || free < (1 << 30) {
                Tone::Bad
            } else if pct < 15.0 {
                Tone::Warn
            } else {
                Tone::Good
            };
            html! {
                section class=(tone_class(tone)) aria-labelledby="c-disk" {
                    h2 #c-disk { (x.t("磁盘剩余", "Disk left")) }
                    p.big { (fmt_bytes(free)) }
                    p.sub { (format!("{pct:.0}%")) " " (x.t("可用，共 ", "free of ")) (fmt_bytes(total)) }
                    meter min="0" max="100" low="15" high="100" optimum="100" value=(format!("{pct:.0}"))
                        aria-label=(x.t("磁盘可用比例", "share of the disk free")) {}
                }
            }
        }
        None => html! {
            section.card.warn aria-labelledby="c-disk" {
                h2 #c-disk { (x.t("磁盘剩余", "Disk left")) }
                p.big { (x.t("未知", "unknown")) }
            }
        },
    };
    let first = window_start;
    let rows: Vec<(&str, &super::data::SourceDays)> = log_sources.clone();
    let clocks = clocks_panel(x).await;
    let duties = duties_panel(x).await;
    let m = html! {
        h1 { (x.t("仪表盘", "Dashboard")) }
        div.cards {
            (verify_card) (cp_card) (today_card) (disk_card)
        }
        (duties)
        (clocks)
        @if !summary.unreadable.is_empty() {
            section.card.bad role="alert" {
                h2 { (x.t("有无法读取的部分", "Parts could not be read")) }
                ul { @for u in summary.unreadable.iter().take(10) { li { (u) } } }
            }
        }
        section.panel aria-labelledby="h-cov" {
            h2 #h-cov { (x.t("日志覆盖（近六个月）", "Log coverage (last six months)")) }
            p.muted {
                (x.t("《网络安全法》第二十三条第三项：网络日志留存不少于六个月。", "CSL art. 23(3): keep network logs for at least six months."))
                " " (x.t("窗口：", "Window: "))
                @if let Some(d) = super::data::date_of(first) { (d.to_string()) }
                " — "
                @if let Some(d) = super::data::date_of(today) { (d.to_string()) }
                " (UTC" (fmt_offset(offset)) ")"
            }
            div.scroll { (heatmap::svg(&rows, first, today, lang)) }
            (heatmap::legend(lang))
            @if rows.len() > heatmap::MAX_ROWS {
                p.muted { (x.t("图中只画出前 40 个来源；下表列出全部。", "The chart draws the first 40 sources; the table lists all.")) }
            }
            table.data {
                caption.sr { (x.t("各来源的覆盖情况", "Coverage per source")) }
                thead { tr {
                    th scope="col" { (x.t("来源", "Source")) }
                    th scope="col" .num { (x.t("窗口内记录", "Records in window")) }
                    th scope="col" { (x.t("最早", "First")) }
                    th scope="col" { (x.t("最近", "Last")) }
                    th scope="col" .num { (x.t("无日志的天数", "Days without records")) }
                    th scope="col" { (x.t("状态", "Status")) }
                } }
                tbody {
                    @for (name, d) in &rows {
                        @let in_window: u64 = d.days.range(first..=today).map(|(_, n)| *n).sum();
                        @let empty = (first..=today).filter(|k| d.days.get(k).is_none_or(|n| *n == 0)).count();
                        tr {
                            th scope="row" {
                                a href=(format!("/console/logs?source={}", form_urlencoded::byte_serialize(name.as_bytes()).collect::<String>())) { (name) }
                            }
                            td.num { (fmt_count(in_window)) }
                            td { (x.time(d.first_ns)) }
                            td { (x.time(d.last_ns)) }
                            td.num { (empty) }
                            td {
                                @let since = super::data::day_of(d.first_ns, offset);
                                @if since > first {
                                    (badge(Tone::Warn, &match lang {
                                        Lang::Zh => format!("仅 {} 天（{} 起）", today - since + 1, super::data::date_of(since).map(|d| d.to_string()).unwrap_or_default()),
                                        Lang::En => format!("only {} days (since {})", today - since + 1, super::data::date_of(since).map(|d| d.to_string()).unwrap_or_default()),
                                    }))
                                } @else if empty == 0 {
                                    (badge(Tone::Good, x.t("六个月每天都有", "every day of six months")))
                                } @else {
                                    (badge(Tone::Warn, &match lang {
                                        Lang::Zh => format!("{empty} 天无日志"),
                                        Lang::En => format!("{empty} days without records"),
                                    }))
                                }
                            }
                        }
                    }
                }
            }
            p.muted.small {
                (x.t("按自然日统计。精确判断（含超过一小时的空白）请用 ", "Counted per calendar day. For the exact verdict (silences over an hour) use "))
                code { "wangan vault coverage" } (x.t("。", "."))
            }
        }
    };
    html_resp(
        StatusCode::OK,
        layout(x, x.t("仪表盘", "Dashboard"), Nav::Dashboard, false, m),
    )
}

// ---------------------------------------------------------------------------------------
// logs

fn message_of(r: &StoredRecord) -> String {
    let m = r
        .parsed
        .as_ref()
        .map(|p| p.message.as_str())
        .filter(|m| !m.trim().is_empty())
        .map(str::to_owned)
        .unwrap_or_else(|| String::from_utf8_lossy(&r.record.raw).into_owned());
    let mut s: String = m.chars().take(300).collect();
    if m.chars().count() > 300 {
        s.push('…');
    }
    s
}

fn event_ns(r: &StoredRecord) -> i64 {
    r.parsed
        .as_ref()
        .and_then(|p| p.event_time)
        .map(vault::clock::to_ns)
        .unwrap_or(r.record.received_ns)
}

fn datetime_local(ns: Option<i64>, offset: time::UtcOffset) -> String {
    ns.map(|n| fmt_time(n, offset, false).replacen(' ', "T", 1))
        .unwrap_or_default()
}

fn search_form(x: &Ctx, s: &Search, sources: &[String], errors: &[search::BadParam]) -> Markup {
    let off = x.c.cfg.utc_offset;
    let err = |k: &str| {
        errors
            .iter()
            .find(|e| e.name == k)
            .map(|e| e.detail.clone())
    };
    let field_err = |k: &str| {
        html! {
            @if let Some(e) = err(k) {
                p.field-error id=(format!("{k}-error")) { (e) }
            }
        }
    };
    let described = |k: &str| err(k).map(|_| format!("{k}-error"));
    html! {
        form.search method="get" action="/console/logs" role="search" {
            div.field {
                label for="from" { (x.t("起始时间", "From")) }
                input #from type="datetime-local" name="from" step="1" value=(datetime_local(s.from, off))
                    aria-describedby=[described("from")];
                (field_err("from"))
            }
            div.field {
                label for="to" { (x.t("截止时间", "To")) }
                input #to type="datetime-local" name="to" step="1" value=(datetime_local(s.to, off))
                    aria-describedby=[described("to")];
                (field_err("to"))
            }
            div.field {
                label for="source" { (x.t("来源", "Source")) }
                select #source name="source" {
                    option value="" { (x.t("全部来源", "All sources")) }
                    @for src in sources {
                        option value=(src) selected[s.sources.contains(src)] { (src) }
                    }
                }
            }
            div.field {
                label for="host" { (x.t("主机", "Host")) }
                input #host type="text" name="host" value=(s.hosts.first().map(String::as_str).unwrap_or(""))
                    placeholder=(x.t("如 fw1", "e.g. fw1")) maxlength="255";
            }
            div.field.grow {
                label for="q" { (x.t("文本（词、IP、中文均可）", "Text (words, IPs, Chinese)")) }
                input #q type="search" name="q" value=(s.text) maxlength="1024"
                    placeholder=(x.t("如 登录失败 10.0.0.7", "e.g. 登录失败 10.0.0.7"))
                    aria-describedby=[described("q")];
                (field_err("q"))
            }
            div.field.actions {
                button.primary type="submit" { (x.t("搜索", "Search")) }
            }
        }
    }
}

async fn logs_page(x: &Ctx<'_>, query: &Params) -> Resp {
    let c = x.c;
    let store = match vault_store(x).await {
        Ok(s) => s,
        Err(resp) => return resp,
    };
    let summary = c.view.summary(store.clone()).await;
    let sources: Vec<String> = summary.sources.keys().cloned().collect();
    let (s, errors) = match Search::parse(query, c.cfg.utc_offset) {
        Ok(s) => (s, Vec::new()),
        Err(e) => (Search::default(), e),
    };
    let t0 = std::time::Instant::now();
    let page = if errors.is_empty() {
        let st = store.clone();
        let s2 = s.clone();
        tokio::task::spawn_blocking(move || search::run(&st, &s2))
            .await
            .ok()
    } else {
        None
    };
    let took = t0.elapsed();
    let qs = s.to_query_string(c.cfg.utc_offset);
    let lang = x.lang;
    let m = html! {
        h1 { (x.t("日志", "Logs")) }
        (search_form(x, &s, &sources, &errors))
        @if !errors.is_empty() {
            p.error role="alert" { (x.t("请更正上面标出的字段。", "Please correct the fields marked above.")) }
        }
        @if let Some(p) = &page {
            div.resultbar {
                p.muted aria-live="polite" {
                    @if p.records.is_empty() {
                        (x.t("没有符合条件的记录。", "No record matches."))
                    } @else {
                        (x.t("显示 ", "Showing ")) (p.records.len()) (x.t(" 条，最新的在前", " records, newest first"))
                        @if s.before.is_some() { (x.t("（较早的一页）", " (an older page)")) }
                    }
                    " · " (format!("{:.0} ms", took.as_secs_f64() * 1000.0))
                }
                @if x.who.is_some_and(|w| w.can(UserRole::Operator)) && !p.records.is_empty() {
                    form.inline method="post" action="/console/logs/export" {
                        (x.csrf())
                        @for (k, v) in &Params::parse(qs.as_bytes()).0 {
                            input type="hidden" name=(k) value=(v);
                        }
                        button type="submit" { (x.t("导出证据包（全部匹配记录）", "Export evidence bundle (all matches)")) }
                    }
                }
            }
            @if !p.errors.is_empty() {
                div.card.bad role="alert" {
                    p { (x.t("部分数据块无法读取，结果可能不完整：", "Some blocks could not be read; results may be incomplete:")) }
                    ul { @for e in &p.errors { li { (e) } } }
                }
            }
            @if !p.records.is_empty() {
                div.scroll {
                    table.data.logs {
                        caption.sr { (x.t("搜索结果", "Search results")) }
                        thead { tr {
                            th scope="col" { (x.t("时间", "Time")) " (UTC" (fmt_offset(x.c.cfg.utc_offset)) ")" }
                            th scope="col" { (x.t("来源", "Source")) }
                            th scope="col" { (x.t("主机", "Host")) }
                            th scope="col" { (x.t("内容", "Message")) }
                            th scope="col" .num { (x.t("序号", "Seq")) }
                        } }
                        tbody {
                            @for r in &p.records {
                                tr {
                                    td.nowrap { (x.time(event_ns(r))) }
                                    td { (r.record.source) }
                                    td { @if let Some(h) = r.parsed.as_ref().and_then(|p| p.host.as_ref()) { (h) } }
                                    td.msg { (message_of(r)) }
                                    td.num { a href=(format!("/console/logs/{}", r.record.seq)) aria-label=(format!("{} {}", lang.t("记录", "record"), r.record.seq)) { (r.record.seq) } }
                                }
                            }
                        }
                    }
                }
            }
            nav.pager aria-label=(x.t("翻页", "Pages")) {
                @if s.before.is_some() {
                    a href=(format!("/console/logs?{qs}")) { (x.t("« 最新", "« Newest")) }
                }
                @if let Some(n) = p.next {
                    a href=(format!("/console/logs?{qs}{}before={n}", if qs.is_empty() { "" } else { "&" })) rel="next" { (x.t("更早 »", "Older »")) }
                }
            }
        }
    };
    html_resp(
        if errors.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::BAD_REQUEST
        },
        layout(x, x.t("日志", "Logs"), Nav::Logs, false, m),
    )
}

async fn record_page(x: &Ctx<'_>, seq: u64) -> Resp {
    let store = match x.c.view.fresh().await {
        Ok(s) => s,
        Err(e) => return error_page(x, StatusCode::SERVICE_UNAVAILABLE, &e.to_string()),
    };
    let st = store.clone();
    let r = tokio::task::spawn_blocking(move || search::record(&st, seq)).await;
    let (rec, proof) = match r {
        Ok(Ok(Some(v))) => v,
        Ok(Ok(None)) => {
            return error_page(
                x,
                StatusCode::NOT_FOUND,
                &format!("{} {seq}", x.t("没有这条记录：", "There is no record")),
            );
        }
        Ok(Err(e)) => return error_page(x, StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
        Err(_) => return error_page(x, StatusCode::INTERNAL_SERVER_ERROR, "task failed"),
    };
    let raw = String::from_utf8_lossy(&rec.record.raw).into_owned();
    let utf8 = std::str::from_utf8(&rec.record.raw).is_ok();
    let p = rec.parsed.as_ref();
    let m = html! {
        p.crumbs { a href="/console/logs" { (x.t("« 日志", "« Logs")) } }
        h1 { (x.t("记录 ", "Record ")) (seq) }
        section.panel aria-labelledby="h-rec" {
            h2 #h-rec { (x.t("记录", "Record")) }
            dl.kv {
                dt { (x.t("接收时间", "Received")) } dd { (fmt_time(rec.record.received_ns, x.c.cfg.utc_offset, true)) }
                @if let Some(t) = p.and_then(|p| p.event_time) {
                    dt { (x.t("事件时间", "Event time")) } dd { (fmt_time(vault::clock::to_ns(t), x.c.cfg.utc_offset, true)) }
                }
                dt { (x.t("来源", "Source")) } dd { (rec.record.source) }
                dt { (x.t("发送方", "Peer")) } dd { (rec.record.peer) }
                dt { (x.t("传输", "Transport")) } dd { (rec.record.transport) }
                @if let Some(h) = p.and_then(|p| p.host.as_ref()) { dt { (x.t("主机", "Host")) } dd { (h) } }
                @if let Some(a) = p.and_then(|p| p.app.as_ref()) { dt { (x.t("程序", "App")) } dd { (a) } }
                @if let Some(s) = p.and_then(|p| p.severity) { dt { (x.t("级别", "Severity")) } dd { (s) } }
                @if let Some(n) = p.and_then(|p| p.note.as_ref()) { dt { (x.t("解析说明", "Parse note")) } dd { (n) } }
            }
            h3 { (x.t("原文", "As received")) }
            @if !utf8 { p.muted { (x.t("原文不是有效的 UTF-8，无法显示的字节以 � 代替。", "Not valid UTF-8: undisplayable bytes are shown as �.")) } }
            pre.raw { (raw) }
            @if let Some(p) = p {
                @if !p.fields.is_empty() {
                    h3 { (x.t("字段", "Fields")) }
                    table.data {
                        tbody { @for (k, v) in &p.fields { tr { th scope="row" { (k) } td { (v) } } } }
                    }
                }
            }
        }
        section.panel aria-labelledby="h-proof" {
            h2 #h-proof { (x.t("包含证明", "Inclusion proof")) }
            @match &proof {
                None => p { (badge(Tone::Warn, x.t("还没有检查点覆盖这条记录（通常一秒内会有）", "no checkpoint covers this record yet (usually within a second)"))) }
                Some(pr) => {
                    p {
                        @if pr.verifies && pr.signature.is_ok() {
                            (badge(Tone::Good, x.t("证明成立：记录在已签名的检查点中，未被改动", "the proof holds: the record is in the signed checkpoint, unaltered")))
                        } @else {
                            (badge(Tone::Bad, x.t("证明不成立 — 请运行完整校验", "the proof fails — run a full verification")))
                        }
                    }
                    dl.kv {
                        dt { (x.t("检查点", "Checkpoint")) } dd { (fmt_count(pr.checkpoint.checkpoint.size)) " " (x.t("条记录", "records")) ", " (fmt_time(pr.checkpoint.checkpoint.time_ns, x.c.cfg.utc_offset, true)) }
                        dt { (x.t("签名", "Signatures")) } dd {
                            @match pr.signature {
                                Ok(true) => (x.t("Ed25519 与 SM2 均有效", "Ed25519 and SM2 valid")),
                                Ok(false) => (x.t("Ed25519 有效（无 SM2 签名行）", "Ed25519 valid (no SM2 line)")),
                                Err(e) => (e),
                            }
                        }
                        dt { (x.t("叶哈希", "Leaf hash")) } dd.mono { (pr.proof.leaf.b64()) }
                        dt { (x.t("树根", "Root")) } dd.mono { (pr.checkpoint.checkpoint.root.b64()) }
                    }
                    h3 { (x.t("审计路径", "Audit path")) " (" (pr.proof.hashes.len()) ")" }
                    ol.mono.small { @for h in &pr.proof.hashes { li { (h.b64()) } } }
                    details {
                        summary { (x.t("签名的检查点原文", "The signed checkpoint")) }
                        pre.raw { (pr.checkpoint.to_string()) }
                    }
                }
            }
            @if x.who.is_some_and(|w| w.can(UserRole::Operator)) && proof.is_some() {
                form method="post" action="/console/logs/export" {
                    (x.csrf())
                    input type="hidden" name="seq" value=(seq);
                    button type="submit" { (x.t("下载这条记录的证据包", "Download this record's evidence bundle")) }
                }
                p.muted.small { (x.t("任何人都可以离线校验：", "Anyone can check it offline: ")) code { "wangan vault check-bundle FILE" } }
            }
        }
    };
    html_resp(
        StatusCode::OK,
        layout(
            x,
            &format!("{} {seq}", x.t("记录", "Record")),
            Nav::Logs,
            false,
            m,
        ),
    )
}

async fn export(x: &Ctx<'_>, form: &Params, peer: &str) -> Resp {
    let c = x.c;
    let who = x.who.map(|w| &w.user);
    let seq = match form.get("seq").map(str::parse::<u64>) {
        None => None,
        Some(Ok(n)) => Some(n),
        Some(Err(_)) => {
            return error_page(
                x,
                StatusCode::BAD_REQUEST,
                x.t("记录序号无效。", "The record number is not valid."),
            );
        }
    };
    let mut p = form.clone();
    p.0.retain(|(k, _)| search::PARAMS.contains(&k.as_str()) && k != "before" && k != "limit");
    let s = match Search::parse(&p, c.cfg.utc_offset) {
        Ok(s) => s,
        Err(e) => {
            let d: Vec<String> = e
                .iter()
                .map(|b| format!("{}: {}", b.name, b.detail))
                .collect();
            return error_page(x, StatusCode::BAD_REQUEST, &d.join("; "));
        }
    };
    let seqs = seq.map_or(0..u64::MAX, |n| n..n.saturating_add(1));
    let s2 = s.clone();
    let dir = c.dir.clone();
    let r = tokio::task::spawn_blocking(move || search::export(&dir, &s2, seqs)).await;
    let name = who.map(|u| u.name.as_str()).unwrap_or("");
    let role = who.map(|u| u.role.name()).unwrap_or("");
    match r {
        Ok(Ok((bytes, sum))) => {
            let ev = Event {
                actor: name,
                role,
                via: Via::Console,
                from: peer,
                action: "logs.export",
                target: None,
                outcome: "ok",
                detail: Detail::Export {
                    bytes: sum.bytes,
                    checkpoint_size: sum.checkpoint.size,
                    filters: s.to_query_string(c.cfg.utc_offset),
                    records: sum.records,
                    seq,
                },
            };
            if c.audit.record(&ev).await.is_err() {
                return error_page(
                    x,
                    StatusCode::SERVICE_UNAVAILABLE,
                    x.t("导出记录无法写入日志库，未导出。", "The export's record could not be stored in the vault; nothing was exported."),
                );
            }
            let fname = match seq {
                Some(n) => format!("wangan-record-{n}.wgb"),
                None => format!("wangan-evidence-{}.wgb", super::now_ns() / 1_000_000_000),
            };
            let mut r = body(StatusCode::OK, "application/octet-stream", bytes);
            if let Ok(v) = header::HeaderValue::from_str(&format!("attachment; filename=\"{fname}\"")) {
                r.headers_mut().insert(header::CONTENT_DISPOSITION, v);
            }
            r
        }
        Ok(Err(search::ExportError::Empty)) => error_page(
            x,
            StatusCode::NOT_FOUND,
            x.t("没有可导出的记录（或者检查点还没有覆盖它们，请一秒后再试）。", "Nothing to export (or no checkpoint covers the records yet; try again in a second)."),
        ),
        Ok(Err(search::ExportError::TooLarge)) => error_page(
            x,
            StatusCode::PAYLOAD_TOO_LARGE,
            x.t("选择的记录太多（控制台最多导出 100 000 条或 64 MiB）。请缩小范围，或使用 wangan vault export。", "The selection is too large (the console exports at most 100 000 records or 64 MiB). Narrow it, or use wangan vault export."),
        ),
        Ok(Err(search::ExportError::Vault(e))) => error_page(x, StatusCode::CONFLICT, &e.to_string()),
        Err(_) => error_page(x, StatusCode::INTERNAL_SERVER_ERROR, "export task failed"),
    }
}

// ---------------------------------------------------------------------------------------
// verification

fn verify_page(x: &Ctx) -> Resp {
    let c = x.c;
    let (job, done) = c.verify.state();
    let last = c.verify.last();
    let running = matches!(job, super::jobs::JobState::Running { .. });
    let lang = x.lang;
    let m = html! {
        h1 { (x.t("完整性校验", "Verification")) }
        p.lead { (x.t("完整校验从原始字节重新计算每条记录的哈希和整棵默克尔树，并核对每个签名检查点；发现的任何改动、删除或重排都会列出。", "A full verification re-hashes every record from its raw bytes, rebuilds the Merkle tree and checks every signed checkpoint; any change, removal or reordering is listed.")) }
        @match &job {
            super::jobs::JobState::Running { started_ns, by, total } => {
                section.panel aria-labelledby="h-run" {
                    h2 #h-run { (x.t("正在校验", "Running")) }
                    p { (x.t("由 ", "Started by ")) (by) (x.t(" 于 ", " at ")) (x.time(*started_ns)) (x.t(" 开始", "")) }
                    progress #verify-progress max=(*total.max(&1)) value=(done.min(*total)) aria-label=(x.t("校验进度", "verification progress")) {}
                    p aria-live="polite" { (fmt_count(done)) " / " (fmt_count(*total)) " " (x.t("条记录", "records")) }
                    p.muted.small { (x.t("此页每两秒刷新一次。", "This page refreshes every two seconds.")) }
                }
            }
            super::jobs::JobState::Idle => {
                form.block method="post" action="/console/verify" {
                    (x.csrf())
                    button.primary type="submit" { (x.t("开始完整校验", "Start a full verification")) }
                }
            }
        }
        @if let Some(v) = &last {
            section.panel aria-labelledby="h-last" {
                h2 #h-last { (x.t("上次结果", "Last result")) }
                p {
                    @if v.intact {
                        (badge(Tone::Good, x.t("完整，未发现篡改", "intact, nothing altered")))
                    } @else {
                        (badge(Tone::Bad, x.t("发现问题", "problems found")))
                    }
                }
                dl.kv {
                    dt { (x.t("完成时间", "Finished")) } dd { (x.time(v.finished_ns)) " (" (fmt_age((super::now_ns() - v.finished_ns) / 1_000_000_000, lang)) ")" }
                    dt { (x.t("用时", "Took")) } dd { (format!("{:.1} s", (v.finished_ns - v.started_ns) as f64 / 1e9)) }
                    dt { (x.t("发起人", "By")) } dd { (v.by) }
                    dt { (x.t("记录数", "Records")) } dd { (fmt_count(v.records_checked)) " / " (fmt_count(v.size)) }
                }
                @if let Some(e) = &v.error { p.error { (e) } }
                @if !v.findings.is_empty() {
                    table.data {
                        thead { tr {
                            th scope="col" { (x.t("级别", "Severity")) }
                            th scope="col" { (x.t("类型", "Kind")) }
                            th scope="col" { (x.t("说明", "Detail")) }
                        } }
                        tbody { @for (sev, kind, msg) in &v.findings { tr { td { (sev) } td.mono { (kind) } td { (msg) } } } }
                    }
                }
            }
        }
    };
    html_resp(
        StatusCode::OK,
        layout(x, x.t("校验", "Verification"), Nav::Verify, running, m),
    )
}

async fn start_verify(x: &Ctx<'_>, peer: &str) -> Resp {
    let c = x.c;
    let Some(w) = x.who else {
        return redirect("/console/login");
    };
    start_verification(c, &w.user.name, w.user.role.name(), Via::Console, peer).await;
    redirect("/console/verify")
}

/// Start a verification unless one runs; the result is recorded in the vault when it ends.
pub(super) async fn start_verification(
    c: &Console,
    actor: &str,
    role: &str,
    via: Via,
    peer: &str,
) -> bool {
    let total = c.view.store().await.map(|s| s.size()).unwrap_or(0);
    if !c.verify.try_start(actor, total) {
        return false;
    }
    let job = c.verify.clone();
    let dir = c.dir.clone();
    let audit = c.audit.clone();
    let actor = actor.to_owned();
    let role = role.to_owned();
    let peer = peer.to_owned();
    tokio::spawn(async move {
        let r = tokio::task::spawn_blocking(move || job.run(&dir)).await;
        if let Ok(r) = r {
            let _ = audit
                .record(&Event {
                    actor: &actor,
                    role: &role,
                    via,
                    from: &peer,
                    action: "vault.verify",
                    target: None,
                    outcome: if r.intact { "ok" } else { "failed" },
                    detail: Detail::Verify {
                        error: r.error.clone(),
                        findings: r.findings.len(),
                        intact: r.intact,
                        records_checked: r.records_checked,
                        size: r.size,
                    },
                })
                .await;
        }
    });
    true
}

// ---------------------------------------------------------------------------------------
// settings

/// A secret to show once, or a form error to show next to its field.
enum Notice {
    Secret {
        title: String,
        lines: Vec<(String, String)>,
    },
    Done(String),
    FieldError {
        field: &'static str,
        msg: String,
        name: String,
        role: String,
    },
    Error(String),
}

fn settings_page(x: &Ctx, notice: Option<Notice>, status: StatusCode) -> Resp {
    let c = x.c;
    let Some(w) = x.who else {
        return redirect("/console/login");
    };
    let lang = x.lang;
    let admin = w.can(UserRole::Admin);
    let users = if admin { c.users.all() } else { Vec::new() };
    let tokens = if admin {
        crate::auth::list_tokens(&c.dir).unwrap_or_default()
    } else {
        Vec::new()
    };
    let (ferr_field, ferr_msg, f_name, f_role) = match &notice {
        Some(Notice::FieldError {
            field,
            msg,
            name,
            role,
        }) => (*field, msg.as_str(), name.as_str(), role.as_str()),
        _ => ("", "", "", "operator"),
    };
    let role_select = |id: &str, name: &str, selected: &str, label_text: &str, sr: bool| {
        html! {
            label for=(id) class=[sr.then_some("sr")] { (label_text) }
            select id=(id) name=(name) {
                @for r in UserRole::ALL {
                    option value=(r.name()) selected[r.name() == selected] { (role_name(r, lang)) }
                }
            }
        }
    };
    let m = html! {
        h1 { (x.t("设置", "Settings")) }
        @match &notice {
            Some(Notice::Secret { title, lines }) => {
                section.card.warn role="alert" {
                    h2 { (title) }
                    dl.kv { @for (k, v) in lines { dt { (k) } dd.mono.secret { (v) } } }
                    p { strong { (x.t("只显示这一次，请现在复制保存。wangan 只保存它的哈希。", "Shown only this once: copy it now. wangan keeps only its hash.")) } }
                }
            }
            Some(Notice::Done(msg)) => { p.notice role="status" { "✓ " (msg) } }
            Some(Notice::Error(msg)) => { p.error role="alert" { (msg) } }
            _ => {}
        }
        section.panel aria-labelledby="h-me" {
            h2 #h-me { (x.t("我的账号", "My account")) }
            dl.kv {
                dt { (x.t("用户名", "User name")) } dd { (w.user.name) }
                dt { (x.t("角色", "Role")) } dd { (role_name(w.user.role, lang)) }
                dt { (x.t("权限", "May")) } dd {
                    @match w.user.role {
                        UserRole::Auditor => (x.t("只读：仪表盘、日志、记录与证明、校验、登记簿、评估与报告、数据扫描", "read only: dashboard, logs, records and proofs, verification, registers, assessment and reports, data scans")),
                        UserRole::Operator => (x.t("审计员的权限，加上编辑登记簿、运行评估、导出证据包", "an auditor's rights, plus editing the registers, running the assessment and exporting evidence bundles")),
                        UserRole::Admin => (x.t("全部，包括用户与令牌", "everything, including users and tokens")),
                    }
                }
                dt { (x.t("语言", "Language")) } dd { (x.t("中文（页面右上角可切换，浏览器会记住）", "English (switch at the top right; your browser remembers)")) }
            }
            @if !admin {
                p.muted { (x.t("用户、角色与令牌由管理员管理。", "Users, roles and tokens are managed by an administrator.")) }
            }
        }
        @if admin {
            section.panel aria-labelledby="h-users" {
                h2 #h-users { (x.t("用户", "Users")) }
                table.data {
                    thead { tr {
                        th scope="col" { (x.t("用户名", "User name")) }
                        th scope="col" { (x.t("角色", "Role")) }
                        th scope="col" { (x.t("状态", "Status")) }
                        th scope="col" { (x.t("创建于", "Created")) }
                        th scope="col" { (x.t("操作", "Actions")) }
                    } }
                    tbody {
                        @for (i, u) in users.iter().enumerate() {
                            @let enc = form_urlencoded::byte_serialize(u.name.as_bytes()).collect::<String>();
                            tr {
                                th scope="row" { (u.name) }
                                td {
                                    form.inline method="post" action=(format!("/console/settings/users/{enc}/role")) {
                                        (x.csrf())
                                        (role_select(&format!("role-{i}"), "role", u.role.name(), &format!("{} {}", x.t("角色：", "Role of"), u.name), true))
                                        button type="submit" { (x.t("修改", "Change")) }
                                    }
                                }
                                td { @if u.disabled { (badge(Tone::Warn, x.t("已停用", "disabled"))) } @else { (x.t("正常", "active")) } }
                                td { (u.created.get(..10).unwrap_or(&u.created)) }
                                td.actions {
                                    form.inline method="post" action=(format!("/console/settings/users/{enc}/{}", if u.disabled { "enable" } else { "disable" })) {
                                        (x.csrf())
                                        button type="submit" { @if u.disabled { (x.t("启用", "Enable")) } @else { (x.t("停用", "Disable")) } }
                                    }
                                    form.inline method="post" action=(format!("/console/settings/users/{enc}/reset")) data-confirm=(x.t("为该用户生成新密码？旧密码立即失效。", "Generate a new password for this user? The old one stops working at once.")) {
                                        (x.csrf())
                                        button type="submit" { (x.t("重置密码", "Reset password")) }
                                    }
                                    form.inline method="post" action=(format!("/console/settings/users/{enc}/delete")) data-confirm=(x.t("删除该用户？", "Remove this user?")) {
                                        (x.csrf())
                                        button.danger type="submit" { (x.t("删除", "Remove")) }
                                    }
                                }
                            }
                        }
                    }
                }
                h3 { (x.t("添加用户", "Add a user")) }
                form.stack method="post" action="/console/settings/users" {
                    (x.csrf())
                    div.field {
                        label for="new-name" { (x.t("用户名", "User name")) }
                        input #new-name type="text" name="name" value=(f_name) required maxlength="64" autocomplete="off"
                            aria-invalid=[(ferr_field == "name").then_some("true")]
                            aria-describedby=[(ferr_field == "name").then_some("new-name-error")];
                        @if ferr_field == "name" { p.field-error #new-name-error { (ferr_msg) } }
                    }
                    div.field {
                        (role_select("new-role", "role", f_role, x.t("角色", "Role"), false))
                    }
                    div.field {
                        label for="new-password" { (x.t("密码（留空则生成随机密码，只显示一次）", "Password (leave empty to generate one, shown once)")) }
                        input #new-password type="password" name="password" autocomplete="new-password" maxlength="1024"
                            aria-invalid=[(ferr_field == "password").then_some("true")]
                            aria-describedby=[(ferr_field == "password").then_some("new-password-error")];
                        @if ferr_field == "password" { p.field-error #new-password-error { (ferr_msg) } }
                        p.hint { (x.t("至少 12 个字符。", "At least 12 characters.")) }
                    }
                    button.primary type="submit" { (x.t("添加用户", "Add user")) }
                }
            }
            section.panel aria-labelledby="h-tokens" {
                h2 #h-tokens { (x.t("访问令牌", "Access tokens")) }
                p.muted { (x.t("采集令牌供日志发送方使用（HTTP、Elasticsearch 接口）；审计员、操作员与管理员令牌用于 JSON API；监控令牌只读 /metrics。", "Ingest tokens are for log shippers (HTTP, Elasticsearch API); auditor, operator and admin tokens for the JSON API; metrics tokens read /metrics only.")) }
                table.data {
                    thead { tr {
                        th scope="col" { (x.t("编号", "Id")) }
                        th scope="col" { (x.t("角色", "Role")) }
                        th scope="col" { (x.t("创建于", "Created")) }
                        th scope="col" { (x.t("操作", "Actions")) }
                    } }
                    tbody {
                        @for t in &tokens {
                            tr {
                                th.mono scope="row" { (t.id) }
                                td { (token_role_name(t.role, lang)) }
                                td { (time::OffsetDateTime::parse(&t.created, &time::format_description::well_known::Rfc3339).map(|d| x.time(vault::clock::to_ns(d))).unwrap_or_else(|_| t.created.clone())) }
                                td {
                                    form.inline method="post" action=(format!("/console/settings/tokens/{}/revoke", t.id)) data-confirm=(x.t("吊销该令牌？使用它的发送方会立即被拒绝。", "Revoke this token? Senders using it are refused at once.")) {
                                        (x.csrf())
                                        button.danger type="submit" { (x.t("吊销", "Revoke")) }
                                    }
                                }
                            }
                        }
                    }
                }
                h3 { (x.t("创建令牌", "Create a token")) }
                form.stack method="post" action="/console/settings/tokens" {
                    (x.csrf())
                    div.field {
                        label for="token-role" { (x.t("角色", "Role")) }
                        select #token-role name="role" {
                            option value="ingest" { (x.t("采集 ingest（日志发送方）", "ingest (log shippers)")) }
                            option value="metrics" { (x.t("监控 metrics（/metrics）", "metrics (/metrics)")) }
                            option value="auditor" { (x.t("审计员 auditor（只读 API）", "auditor (read-only API)")) }
                            option value="operator" { (x.t("操作员 operator（API，含导出）", "operator (API with exports)")) }
                            option value="admin" { (x.t("管理员 admin（全部）", "admin (everything)")) }
                        }
                    }
                    button.primary type="submit" { (x.t("创建令牌", "Create token")) }
                }
            }
        }
    };
    html_resp(
        status,
        layout(x, x.t("设置", "Settings"), Nav::Settings, false, m),
    )
}

fn user_error(x: &Ctx, e: &crate::Error) -> String {
    let m = e.to_string();
    let zh = if m.contains("exists already") {
        "该用户名已存在。"
    } else if m.contains("shorter than") {
        "密码至少需要 12 个字符。"
    } else if m.contains("repeats one character") {
        "密码不能只重复一个字符。"
    } else if m.contains("letters, digits") {
        "用户名只能包含字母（含中文）、数字和 . _ - @。"
    } else if m.contains("user name is empty") {
        "请填写用户名。"
    } else if m.contains("no active administrator") {
        "拒绝：这样会没有可用的管理员。"
    } else if m.contains("no user") {
        "没有这个用户。"
    } else {
        ""
    };
    if x.lang == Lang::Zh && !zh.is_empty() {
        zh.to_owned()
    } else {
        m
    }
}

async fn settings_action(x: &Ctx<'_>, path: &str, form: &Params, peer: &str) -> Resp {
    let c = x.c;
    let Some(w) = x.who else {
        return redirect("/console/login");
    };
    let segs: Vec<String> = path
        .trim_start_matches("/console/settings/")
        .split('/')
        .map(percent_decode)
        .collect();
    let segs: Vec<&str> = segs.iter().map(String::as_str).collect();
    let ev =
        |action: &'static str, target: Option<String>, detail: Detail| (action, target, detail);
    // validate, record the event, then change
    let plan: Result<(Plan, EventParts), Resp> = match segs.as_slice() {
        ["users"] => {
            let name = form.get("name").unwrap_or("").to_owned();
            let role_s = form.get("role").unwrap_or("").to_owned();
            let pw = form
                .0
                .iter()
                .find(|(k, _)| k == "password")
                .map(|(_, v)| v.clone())
                .unwrap_or_default();
            let fe = |field: &'static str, msg: String| {
                settings_page(
                    x,
                    Some(Notice::FieldError {
                        field,
                        msg,
                        name: name.clone(),
                        role: role_s.clone(),
                    }),
                    StatusCode::BAD_REQUEST,
                )
            };
            let Some(role) = UserRole::parse(&role_s) else {
                return fe("role", x.t("请选择角色。", "Choose a role.").to_owned());
            };
            if let Err(e) = users::check_name(&name) {
                return fe("name", user_error(x, &e));
            }
            if c.users.get(&name).is_some() {
                return fe(
                    "name",
                    x.t("该用户名已存在。", "This user name exists already.")
                        .to_owned(),
                );
            }
            let generated = pw.is_empty();
            let pw = if generated {
                match users::generate_password() {
                    Ok(p) => p,
                    Err(e) => {
                        return settings_page(
                            x,
                            Some(Notice::Error(e.to_string())),
                            StatusCode::INTERNAL_SERVER_ERROR,
                        );
                    }
                }
            } else {
                pw
            };
            if let Err(e) = users::check_password(&pw) {
                return fe("password", user_error(x, &e));
            }
            Ok((
                Plan::AddUser {
                    name: name.clone(),
                    role,
                    pw,
                    generated,
                },
                ev("user.add", Some(name), Detail::role(role.name())),
            ))
        }
        ["users", name, action] => {
            if c.users.get(name).is_none() {
                return settings_page(
                    x,
                    Some(Notice::Error(
                        x.t("没有这个用户。", "There is no such user.").to_owned(),
                    )),
                    StatusCode::NOT_FOUND,
                );
            }
            let name = (*name).to_owned();
            match *action {
                "role" => match form.get("role").and_then(UserRole::parse) {
                    Some(r) => Ok((
                        Plan::Role(name.clone(), r),
                        ev("user.role", Some(name), Detail::role(r.name())),
                    )),
                    None => {
                        return settings_page(
                            x,
                            Some(Notice::Error(
                                x.t("角色无效。", "The role is not valid.").to_owned(),
                            )),
                            StatusCode::BAD_REQUEST,
                        );
                    }
                },
                "disable" => Ok((
                    Plan::Disable(name.clone(), true),
                    ev("user.disable", Some(name), Detail::None {}),
                )),
                "enable" => Ok((
                    Plan::Disable(name.clone(), false),
                    ev("user.enable", Some(name), Detail::None {}),
                )),
                "reset" => match users::generate_password() {
                    Ok(p) => Ok((
                        Plan::Reset(name.clone(), p),
                        ev("user.password_reset", Some(name), Detail::None {}),
                    )),
                    Err(e) => {
                        return settings_page(
                            x,
                            Some(Notice::Error(e.to_string())),
                            StatusCode::INTERNAL_SERVER_ERROR,
                        );
                    }
                },
                "delete" => Ok((
                    Plan::Remove(name.clone()),
                    ev("user.remove", Some(name), Detail::None {}),
                )),
                _ => Err(error_page(
                    x,
                    StatusCode::NOT_FOUND,
                    x.t("没有这个操作。", "There is no such action."),
                )),
            }
        }
        ["tokens"] => match form.get("role").and_then(parse_token_role) {
            Some(r) => Ok((
                Plan::CreateToken(r),
                ev("token.create", None, Detail::role(r.name())),
            )),
            None => {
                return settings_page(
                    x,
                    Some(Notice::Error(
                        x.t("令牌角色无效。", "The token role is not valid.")
                            .to_owned(),
                    )),
                    StatusCode::BAD_REQUEST,
                );
            }
        },
        ["tokens", id, "revoke"] => {
            let id = (*id).to_owned();
            if !crate::auth::list_tokens(&c.dir)
                .unwrap_or_default()
                .iter()
                .any(|t| t.id == id)
            {
                return settings_page(
                    x,
                    Some(Notice::Error(
                        x.t("没有这个令牌。", "There is no such token.").to_owned(),
                    )),
                    StatusCode::NOT_FOUND,
                );
            }
            Ok((
                Plan::Revoke(id.clone()),
                ev("token.revoke", Some(id), Detail::None {}),
            ))
        }
        _ => Err(error_page(
            x,
            StatusCode::NOT_FOUND,
            x.t("没有这个操作。", "There is no such action."),
        )),
    };
    let (plan, (action, target, detail)) = match plan {
        Ok(p) => p,
        Err(r) => return r,
    };
    match apply(
        c,
        &w.user,
        Via::Console,
        peer,
        plan,
        action,
        target.as_deref(),
        detail,
    )
    .await
    {
        Ok(Applied::Secret(kind, a, b)) => {
            let (title, lines) = match kind {
                "user" => (
                    x.t("新密码", "New password").to_owned(),
                    vec![
                        (x.t("用户名", "User name").to_owned(), a),
                        (x.t("密码", "Password").to_owned(), b),
                    ],
                ),
                _ => (
                    x.t("新令牌", "New token").to_owned(),
                    vec![
                        (x.t("编号", "Id").to_owned(), a),
                        (x.t("令牌", "Token").to_owned(), b),
                    ],
                ),
            };
            settings_page(x, Some(Notice::Secret { title, lines }), StatusCode::OK)
        }
        Ok(Applied::Done) => settings_page(
            x,
            Some(Notice::Done(
                x.t(
                    "已完成，并已记入日志库。",
                    "Done, and recorded in the vault.",
                )
                .to_owned(),
            )),
            StatusCode::OK,
        ),
        Err(ApplyError::NotRecorded) => settings_page(
            x,
            Some(Notice::Error(
                x.t(
                    "无法把这次更改记入日志库，所以没有更改。",
                    "The change could not be recorded in the vault, so nothing was changed.",
                )
                .to_owned(),
            )),
            StatusCode::SERVICE_UNAVAILABLE,
        ),
        Err(ApplyError::Refused(e)) => settings_page(
            x,
            Some(Notice::Error(user_error(x, &e))),
            StatusCode::CONFLICT,
        ),
    }
}

/// What a change's event says: action, target, detail.
type EventParts = (&'static str, Option<String>, Detail);

/// A token role from its name.
pub(super) fn parse_token_role(s: &str) -> Option<crate::auth::Role> {
    use crate::auth::Role;
    [
        Role::Ingest,
        Role::Metrics,
        Role::Auditor,
        Role::Operator,
        Role::Admin,
    ]
    .into_iter()
    .find(|r| r.name() == s)
}

/// A change, validated and ready to apply.
pub(super) enum Plan {
    AddUser {
        name: String,
        role: UserRole,
        pw: String,
        generated: bool,
    },
    Role(String, UserRole),
    Disable(String, bool),
    Reset(String, String),
    Remove(String),
    CreateToken(crate::auth::Role),
    Revoke(String),
}

pub(super) enum Applied {
    Done,
    /// (kind, id or name, secret)
    Secret(&'static str, String, String),
}

pub(super) enum ApplyError {
    NotRecorded,
    Refused(crate::Error),
}

/// Record the change's event in the vault, then apply it (so no change goes unrecorded);
/// a change the store refuses afterwards is recorded as failed.
#[allow(clippy::too_many_arguments)]
pub(super) async fn apply(
    c: &Console,
    actor: &User,
    via: Via,
    peer: &str,
    plan: Plan,
    action: &'static str,
    target: Option<&str>,
    detail: Detail,
) -> Result<Applied, ApplyError> {
    let actor_name = match via {
        Via::Console => actor.name.clone(),
        Via::Api => actor.name.clone(),
    };
    let ev = Event {
        actor: &actor_name,
        role: actor.role.name(),
        via,
        from: peer,
        action,
        target,
        outcome: "ok",
        detail: detail.clone(),
    };
    if c.audit.record(&ev).await.is_err() {
        return Err(ApplyError::NotRecorded);
    }
    let dir = c.dir.clone();
    let res = tokio::task::spawn_blocking(move || -> crate::Result<Applied> {
        match plan {
            Plan::AddUser {
                name,
                role,
                pw,
                generated,
            } => {
                users::add_user(&dir, &name, role, &pw)?;
                Ok(if generated {
                    Applied::Secret("user", name, pw)
                } else {
                    Applied::Done
                })
            }
            Plan::Role(n, r) => users::set_role(&dir, &n, r).map(|()| Applied::Done),
            Plan::Disable(n, d) => users::set_disabled(&dir, &n, d).map(|()| Applied::Done),
            Plan::Reset(n, pw) => {
                users::set_password(&dir, &n, &pw).map(|()| Applied::Secret("user", n, pw))
            }
            Plan::Remove(n) => users::remove_user(&dir, &n).map(|()| Applied::Done),
            Plan::CreateToken(r) => crate::auth::create_token(&dir, r)
                .map(|t| Applied::Secret("token", t.id.clone(), t.token.clone())),
            Plan::Revoke(id) => crate::auth::revoke_token(&dir, &id).map(|_| Applied::Done),
        }
    })
    .await
    .unwrap_or_else(|e| {
        Err(crate::Error::new(
            crate::ErrorKind::Io,
            format!("task failed: {e}"),
        ))
    });
    c.users.refresh();
    // sessions of a changed user end (role changes take effect at once anyway)
    if let Some(t) = target
        && matches!(
            action,
            "user.disable" | "user.remove" | "user.password_reset"
        )
    {
        c.sessions.remove_user(t);
    }
    match res {
        Ok(a) => {
            tracing::info!(peer, actor = %actor_name, action, "console change");
            Ok(a)
        }
        Err(e) => {
            let _ = c
                .audit
                .record(&Event {
                    outcome: "failed",
                    detail: Detail::Failed {
                        error: e.to_string(),
                    },
                    ..ev
                })
                .await;
            Err(ApplyError::Refused(e))
        }
    }
}

// ---------------------------------------------------------------------------------------
// registers

fn reg_err_text(e: &registers::Error, lang: Lang) -> String {
    match e.invalid() {
        Some(inv) => inv.problem.get(lang == Lang::Zh).to_owned(),
        None if lang == Lang::Zh => e.message_zh(),
        None => e.to_string(),
    }
}

async fn on_regs<T: Send + 'static>(
    c: &Console,
    f: impl FnOnce(&mut registers::Registers) -> registers::Result<T> + Send + 'static,
) -> Result<T, registers::Error> {
    let regs = c.regs.clone();
    tokio::task::spawn_blocking(move || regs.with(f))
        .await
        .unwrap_or_else(|e| Err(registers::Error::storage(format!("task failed: {e}"))))
}

async fn regs_index(x: &Ctx<'_>) -> Resp {
    let counts = match on_regs(x.c, |r| r.counts()).await {
        Ok(c) => c,
        Err(e) => {
            return error_page(
                x,
                StatusCode::SERVICE_UNAVAILABLE,
                &reg_err_text(&e, x.lang),
            );
        }
    };
    let lang = x.lang;
    let m = html! {
        h1 { (x.t("登记簿", "Registers")) }
        p.lead { (x.t("第三章多数义务由人工记录证明：事件、预案与演练、培训、协议、审查、漏洞、备案……这里的每条记录只追加、不覆盖，每次修改都记入日志库。", "Most chapter-3 duties are proven by records people keep: incidents, plans and drills, training, agreements, reviews, vulnerabilities, filings… Every record here is append-only, and every change is recorded in the vault.")) }
        table.data {
            thead { tr {
                th scope="col" { (x.t("登记簿", "Register")) }
                th scope="col" .num { (x.t("记录", "Records")) }
                th scope="col" .num { (x.t("未结", "Open")) }
                th scope="col" { (x.t("证明的义务", "Proves")) }
            } }
            tbody {
                @for reg in super::regs::ALL {
                    @let n = counts.iter().find(|c| c.register == reg);
                    tr {
                        th scope="row" { a href=(format!("/console/registers/{}", reg.key())) { (super::regs::reg_label(reg, lang)) } }
                        td.num { (n.map_or(0, |c| c.records)) }
                        td.num { (n.map_or(0, |c| c.open)) }
                        td.small.mono { (reg.duties().join(" ")) }
                    }
                }
            }
        }
    };
    html_resp(
        StatusCode::OK,
        layout(x, x.t("登记簿", "Registers"), Nav::Registers, false, m),
    )
}

/// Records on one page of a register's list.
const REGS_PAGE: u64 = 200;

async fn regs_list(x: &Ctx<'_>, reg: registers::Register, query: &Params) -> Resp {
    // `?page=N` (1-based); anything else is the first page
    let n = query
        .get("page")
        .and_then(|p| p.parse::<u64>().ok())
        .filter(|&p| p >= 1)
        .unwrap_or(1);
    let offset = (n - 1).saturating_mul(REGS_PAGE);
    let page = match on_regs(x.c, move |r| {
        r.list(
            reg,
            &registers::ListQuery {
                open_only: false,
                limit: REGS_PAGE,
                offset,
            },
        )
    })
    .await
    {
        Ok(p) => p,
        Err(e) => {
            return error_page(
                x,
                StatusCode::SERVICE_UNAVAILABLE,
                &reg_err_text(&e, x.lang),
            );
        }
    };
    let lang = x.lang;
    let can_edit = x.who.is_some_and(|w| w.can(UserRole::Operator));
    let m = html! {
        p.crumbs { a href="/console/registers" { (x.t("« 登记簿", "« Registers")) } }
        h1 { (super::regs::reg_label(reg, lang)) }
        @if can_edit {
            p { a.button href=(format!("/console/registers/{}/new", reg.key())) { (x.t("新建记录", "New record")) } }
        }
        @if page.items.is_empty() && page.total == 0 {
            p.muted { (x.t("还没有记录。", "No records yet.")) }
        } @else if page.items.is_empty() {
            p.muted { (x.t("这一页没有记录。", "There are no records on this page.")) " " a href=(format!("/console/registers/{}", reg.key())) { (x.t("回到第一页", "Back to the first page")) } }
        } @else {
            p.muted {
                (page.total) (x.t(" 条记录，最新的在前（个人信息已脱敏）", " records, newest first (personal data masked)"))
                @if page.total > page.items.len() as u64 {
                    (x.t("；本页第 ", "; this page: "))
                    (offset + 1) "–" (offset + page.items.len() as u64)
                    (x.t(" 条", ""))
                }
            }
            table.data {
                thead { tr {
                    th scope="col" { (x.t("编号", "Id")) }
                    th scope="col" { (x.t("摘要", "Summary")) }
                    th scope="col" { (x.t("修订", "Revision")) }
                    th scope="col" { (x.t("更新于", "Updated")) }
                    th scope="col" { (x.t("更新人", "By")) }
                } }
                tbody {
                    @for r in &page.items {
                        tr {
                            th scope="row" { a href=(format!("/console/registers/{}/{}", reg.key(), r.id)) { (r.id) } }
                            td { (reg.summary(&registers::schema::masked(reg, &r.data))) }
                            td.num { (r.revision) }
                            td.nowrap { (super::regs::pretty_time(&r.updated_at, x.c.cfg.utc_offset)) }
                            td { (r.updated_by) }
                        }
                    }
                }
            }
            @if n > 1 || offset + (page.items.len() as u64) < page.total {
                nav.pager aria-label=(x.t("翻页", "Pages")) {
                    @if n > 1 {
                        a rel="prev" href=(format!("/console/registers/{}?page={}", reg.key(), n - 1)) { (x.t("« 较新", "« Newer")) }
                    }
                    " "
                    @if offset + (page.items.len() as u64) < page.total {
                        a rel="next" href=(format!("/console/registers/{}?page={}", reg.key(), n + 1)) { (x.t("较早 »", "Older »")) }
                    }
                }
            }
        }
    };
    html_resp(
        StatusCode::OK,
        layout(
            x,
            super::regs::reg_label(reg, lang),
            Nav::Registers,
            false,
            m,
        ),
    )
}

fn regs_form_page(
    x: &Ctx,
    reg: registers::Register,
    id: Option<&str>,
    values: &serde_json::Map<String, serde_json::Value>,
    error: Option<(Option<String>, String)>,
    revision: Option<u64>,
    status: StatusCode,
) -> Resp {
    let lang = x.lang;
    let csrf = x.who.map(|w| w.session.csrf.clone()).unwrap_or_default();
    let action = match id {
        Some(id) => format!("/console/registers/{}/{id}", reg.key()),
        None => format!("/console/registers/{}", reg.key()),
    };
    let title = match id {
        Some(id) => format!("{} {id}", x.t("编辑", "Edit")),
        None => format!(
            "{}：{}",
            x.t("新建", "New"),
            super::regs::reg_label(reg, lang)
        ),
    };
    let m = html! {
        p.crumbs { a href=(format!("/console/registers/{}", reg.key())) { "« " (super::regs::reg_label(reg, lang)) } }
        h1 { (title) }
        p.muted { span.req aria-hidden="true" { "*" } " " (x.t("必填。时间按 UTC", "Required. Times are in UTC")) (fmt_offset(x.c.cfg.utc_offset)) (x.t(" 填写。", ".")) }
        (super::regs::form(reg, &action, &csrf, values, error, revision, lang))
    };
    html_resp(status, layout(x, &title, Nav::Registers, false, m))
}

async fn regs_show(x: &Ctx<'_>, reg: registers::Register, id: &str) -> Resp {
    let idc = id.to_owned();
    let kind = x.c.regs.kind;
    let settings = x.c.regs.settings.clone();
    let r = on_regs(x.c, move |r| {
        let rec = r.get(reg, &idc)?;
        let hist = r.history(reg, &idc)?;
        Ok((rec, hist))
    })
    .await;
    let (rec, hist) = match r {
        Ok(v) => v,
        Err(e) if e.kind() == registers::ErrorKind::NotFound => {
            return error_page(x, StatusCode::NOT_FOUND, &reg_err_text(&e, x.lang));
        }
        Err(e) => return error_page(x, StatusCode::BAD_REQUEST, &reg_err_text(&e, x.lang)),
    };
    let now = time::OffsetDateTime::now_utc().to_offset(x.c.cfg.utc_offset);
    let view = registers::view::record_view(&rec, kind, &settings, now, None, false);
    let lang = x.lang;
    let masked = registers::schema::masked(reg, &rec.data);
    let can_edit = x.who.is_some_and(|w| w.can(UserRole::Operator));
    let m = html! {
        p.crumbs { a href=(format!("/console/registers/{}", reg.key())) { "« " (super::regs::reg_label(reg, lang)) } }
        h1 { (rec.id) " · " (reg.summary(&masked)) }
        @if reg == registers::Register::Incident || !view.deadlines.is_empty() {
            section.panel aria-labelledby="h-clock" {
                h2 #h-clock { (x.t("法定期限", "Legal clocks")) }
                (super::regs::deadlines(&view.deadlines, lang, x.c.cfg.utc_offset))
                @if reg == registers::Register::Incident {
                    p {
                        (x.t("报告草稿：", "Report drafts: "))
                        @for (k, zh, en) in [("initial", "初报", "initial"), ("summary", "总结报告", "summary")] {
                            @for f in ["docx", "html", "md"] {
                                a.dl href=(format!("/console/registers/incident/{}/report?kind={k}&format={f}", rec.id)) { (lang.t(zh, en)) " ." (f) }
                                " "
                            }
                        }
                    }
                }
            }
        }
        section.panel aria-labelledby="h-fields" {
            h2 #h-fields { (x.t("内容", "Record")) " " span.muted.small { (x.t("修订 ", "revision ")) (rec.revision) } }
            dl.kv {
                @for f in reg.fields() {
                    @if let Some(v) = masked.get(f.key) {
                        dt { (super::regs::field_label(f, lang)) } dd { (super::regs::show_field(f, v, lang, x.c.cfg.utc_offset)) }
                    }
                }
                dt { (x.t("创建", "Created")) } dd { (super::regs::pretty_time(&rec.created_at, x.c.cfg.utc_offset)) " · " (rec.created_by) }
                dt { (x.t("更新", "Updated")) } dd { (super::regs::pretty_time(&rec.updated_at, x.c.cfg.utc_offset)) " · " (rec.updated_by) }
            }
            @if can_edit {
                p { a.button href=(format!("/console/registers/{}/{}/edit", reg.key(), rec.id)) { (x.t("编辑", "Edit")) } }
            }
        }
        section.panel aria-labelledby="h-hist" {
            h2 #h-hist { (x.t("历史", "History")) }
            table.data {
                thead { tr {
                    th scope="col" .num { (x.t("修订", "Rev.")) }
                    th scope="col" { (x.t("时间", "When")) }
                    th scope="col" { (x.t("人员", "Who")) }
                    th scope="col" { (x.t("操作", "What")) }
                    th scope="col" { (x.t("更改的字段", "Fields changed")) }
                } }
                tbody {
                    @for h in &hist {
                        tr {
                            td.num { (h.revision) }
                            td.nowrap { (super::regs::pretty_time(&h.at, x.c.cfg.utc_offset)) }
                            td { (h.actor) }
                            td { (h.action) }
                            td { (h.changes.iter().map(|c| reg.field(&c.field).map_or(c.field.clone(), |f| super::regs::field_label(f, lang).to_owned())).collect::<Vec<_>>().join("、")) }
                        }
                    }
                }
            }
        }
    };
    html_resp(StatusCode::OK, layout(x, &rec.id, Nav::Registers, false, m))
}

async fn regs_report(x: &Ctx<'_>, id: &str, query: &Params) -> Resp {
    let kind = match query
        .get("kind")
        .and_then(registers::report::ReportKind::parse)
    {
        Some(k) => k,
        None => {
            return error_page(
                x,
                StatusCode::BAD_REQUEST,
                x.t(
                    "报告类型应为 initial 或 summary。",
                    "kind must be initial or summary.",
                ),
            );
        }
    };
    let format = query.get("format").unwrap_or("docx").to_owned();
    if !matches!(format.as_str(), "docx" | "html" | "md") {
        return error_page(
            x,
            StatusCode::BAD_REQUEST,
            x.t(
                "格式应为 docx、html 或 md。",
                "format must be docx, html or md.",
            ),
        );
    }
    let idc = id.to_owned();
    let op = x.c.regs.kind;
    let settings = x.c.regs.settings.clone();
    let now = time::OffsetDateTime::now_utc().to_offset(x.c.cfg.utc_offset);
    let fmt2 = format.clone();
    let r = on_regs(x.c, move |r| {
        let rec = r.get(registers::Register::Incident, &idc)?;
        let d = registers::report::draft(&rec, kind, op, &settings, now)?;
        Ok(match fmt2.as_str() {
            "md" => registers::report::markdown(&d).into_bytes(),
            "html" => registers::report::html(&d).into_bytes(),
            _ => registers::report::docx(&d, now)?,
        })
    })
    .await;
    match r {
        Ok(bytes) => {
            let ctype = match format.as_str() {
                "md" => "text/markdown; charset=utf-8",
                "html" => "text/html; charset=utf-8",
                _ => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            };
            let mut resp = body(StatusCode::OK, ctype, bytes);
            let name = format!("{id}-{}.{format}", query.get("kind").unwrap_or("initial"));
            if let Ok(v) = header::HeaderValue::from_str(&format!(
                "attachment; filename=\"{}\"",
                name.replace(['"', '\\'], "")
            )) {
                resp.headers_mut().insert(header::CONTENT_DISPOSITION, v);
            }
            resp
        }
        Err(e) if e.kind() == registers::ErrorKind::NotFound => {
            error_page(x, StatusCode::NOT_FOUND, &reg_err_text(&e, x.lang))
        }
        Err(e) => error_page(x, StatusCode::BAD_REQUEST, &reg_err_text(&e, x.lang)),
    }
}

async fn regs_write(
    x: &Ctx<'_>,
    reg: registers::Register,
    id: Option<&str>,
    form: &Params,
    peer: &str,
) -> Resp {
    let c = x.c;
    let Some(w) = x.who else {
        return redirect("/console/login");
    };
    let fields = super::regs::inputs(reg, form, c.cfg.utc_offset);
    let expected = form
        .get("expected_revision")
        .and_then(|v| v.parse::<u64>().ok());
    // what was typed, to refill the form after an error
    let mut typed = serde_json::Map::new();
    for (k, v) in &form.0 {
        if reg.field(k).is_some() {
            typed.insert(k.clone(), serde_json::Value::String(v.clone()));
        }
    }
    let ev = Event {
        actor: &w.user.name,
        role: w.user.role.name(),
        via: Via::Console,
        from: peer,
        action: if id.is_some() {
            "register.update"
        } else {
            "register.add"
        },
        target: id,
        outcome: "ok",
        detail: super::regs::event_detail(reg, id, &fields),
    };
    if c.audit.record(&ev).await.is_err() {
        return regs_form_page(
            x,
            reg,
            id,
            &typed,
            Some((
                None,
                x.t(
                    "无法把这次更改记入日志库，所以没有保存。",
                    "The change could not be recorded in the vault, so nothing was saved.",
                )
                .to_owned(),
            )),
            expected,
            StatusCode::SERVICE_UNAVAILABLE,
        );
    }
    let actor = w.user.name.clone();
    let settings = c.regs.settings.clone();
    let idc = id.map(str::to_owned);
    let sink = super::regs::IntakeSink {
        intake: c.audit.intake(),
        handle: tokio::runtime::Handle::current(),
        pending: Vec::new(),
    };
    let offset = c.cfg.utc_offset;
    let res = on_regs(c, move |r| {
        let wc = WriteCtx {
            actor: &actor,
            now: time::OffsetDateTime::now_utc().to_offset(offset),
            settings: &settings,
            expected_revision: expected,
        };
        let rec = match &idc {
            None => r.add(reg, &fields, &wc)?,
            Some(id) => r.update(reg, id, &fields, "update", &wc)?,
        };
        let mut sink = sink;
        if let Err(e) = r.anchor(&mut sink) {
            tracing::warn!(error = %e, "register change not anchored yet (retried with the next change)");
        }
        Ok(rec)
    })
    .await;
    match res {
        Ok(rec) => redirect(&format!("/console/registers/{}/{}", reg.key(), rec.id)),
        Err(e) => {
            let _ = c
                .audit
                .record(&Event {
                    outcome: "failed",
                    detail: Detail::RegisterFailed {
                        error: e.to_string(),
                        register: reg.key().into(),
                    },
                    ..ev
                })
                .await;
            let field = e.invalid().and_then(|i| i.field.clone());
            regs_form_page(
                x,
                reg,
                id,
                &typed,
                Some((field, reg_err_text(&e, x.lang))),
                expected,
                StatusCode::BAD_REQUEST,
            )
        }
    }
}

async fn regs_get(x: &Ctx<'_>, path: &str, query: &Params) -> Resp {
    let segs: Vec<String> = path
        .trim_start_matches("/console/registers")
        .split('/')
        .filter(|s| !s.is_empty())
        .map(percent_decode)
        .collect();
    let segs: Vec<&str> = segs.iter().map(String::as_str).collect();
    let operator = x.who.is_some_and(|w| w.can(UserRole::Operator));
    let need_operator = || {
        error_page(
            x,
            StatusCode::FORBIDDEN,
            &format!(
                "{} {}",
                x.t("此操作需要以下角色：", "This needs the role:"),
                role_name(UserRole::Operator, x.lang)
            ),
        )
    };
    match segs.as_slice() {
        [] => regs_index(x).await,
        [key, rest @ ..] => {
            let Some(reg) = super::regs::register_of(key) else {
                return error_page(
                    x,
                    StatusCode::NOT_FOUND,
                    x.t("没有这个登记簿。", "There is no such register."),
                );
            };
            match rest {
                [] => regs_list(x, reg, query).await,
                ["new"] if operator => regs_form_page(
                    x,
                    reg,
                    None,
                    &serde_json::Map::new(),
                    None,
                    None,
                    StatusCode::OK,
                ),
                ["new"] => need_operator(),
                [id] => regs_show(x, reg, id).await,
                [id, "edit"] if operator => {
                    let idc = (*id).to_owned();
                    match on_regs(x.c, move |r| r.get(reg, &idc)).await {
                        Ok(rec) => regs_form_page(
                            x,
                            reg,
                            Some(&rec.id),
                            &rec.data,
                            None,
                            Some(rec.revision),
                            StatusCode::OK,
                        ),
                        Err(e) => error_page(x, StatusCode::NOT_FOUND, &reg_err_text(&e, x.lang)),
                    }
                }
                [_, "edit"] => need_operator(),
                [id, "report"] if reg == registers::Register::Incident => {
                    regs_report(x, id, query).await
                }
                _ => error_page(
                    x,
                    StatusCode::NOT_FOUND,
                    x.t("没有这个页面。", "There is no such page."),
                ),
            }
        }
    }
}

async fn regs_post(x: &Ctx<'_>, path: &str, form: &Params, peer: &str) -> Resp {
    let segs: Vec<String> = path
        .trim_start_matches("/console/registers")
        .split('/')
        .filter(|s| !s.is_empty())
        .map(percent_decode)
        .collect();
    let segs: Vec<&str> = segs.iter().map(String::as_str).collect();
    let Some(reg) = segs.first().and_then(|k| super::regs::register_of(k)) else {
        return error_page(
            x,
            StatusCode::NOT_FOUND,
            x.t("没有这个登记簿。", "There is no such register."),
        );
    };
    match segs.as_slice() {
        [_] => regs_write(x, reg, None, form, peer).await,
        [_, id] => regs_write(x, reg, Some(id), form, peer).await,
        _ => error_page(
            x,
            StatusCode::NOT_FOUND,
            x.t("没有这个操作。", "There is no such action."),
        ),
    }
}

/// The running clocks of every register, most urgent first.
async fn clocks_panel(x: &Ctx<'_>) -> Markup {
    let kind = x.c.regs.kind;
    let settings = x.c.regs.settings.clone();
    let now = time::OffsetDateTime::now_utc().to_offset(x.c.cfg.utc_offset);
    let sweep = on_regs(x.c, move |r| r.sweep(kind, &settings, now)).await;
    let lang = x.lang;
    let zh = lang == Lang::Zh;
    html! {
        section.panel aria-labelledby="h-clocks" {
            h2 #h-clocks { (x.t("法定期限", "Legal clocks")) }
            @match &sweep {
                Err(e) => p.error { (reg_err_text(e, lang)) }
                Ok(s) if s.items.is_empty() => p.muted { (x.t("没有正在计时的期限。", "No clock is running.")) }
                Ok(s) => {
                    table.data.clocks {
                        thead { tr {
                            th scope="col" { (x.t("记录", "Record")) }
                            th scope="col" { (x.t("期限", "Deadline")) }
                            th scope="col" { (x.t("截止", "Due")) }
                            th scope="col" { (x.t("状态", "State")) }
                        } }
                        tbody {
                            @for it in s.items.iter().take(12) {
                                @let v = registers::view::deadline_view(&it.deadline, now);
                                tr class=(format!("clock {}", v.state)) {
                                    th scope="row" {
                                        @if let Some(id) = &it.id {
                                            a href=(format!("/console/registers/{}/{id}", it.register.key())) { (id) }
                                            " "
                                        }
                                        span.muted { (super::regs::reg_label(it.register, lang)) }
                                        " " (it.summary)
                                    }
                                    td { (if zh { v.kind.label().zh } else { v.kind.label().en }) }
                                    td.nowrap { (v.due.as_deref().map(|t| super::regs::pretty_time(t, x.c.cfg.utc_offset)).or(v.due_date.clone()).unwrap_or_default()) }
                                    td { span class=(format!("badge {}", match v.state { "overdue" | "late" | "missing" => "bad", "pending" => "warn", _ => "" })) { (v.status_text.get(zh)) } }
                                }
                            }
                        }
                    }
                    @if s.items.len() > 12 {
                        p.muted { (s.items.len() - 12) (x.t(" 个更多期限见登记簿。", " more in the registers.")) }
                    }
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// assessment

async fn load_assessment(c: &Console) -> Result<Option<super::assessment::Loaded>, String> {
    let p = c.assessment.clone();
    tokio::task::spawn_blocking(move || super::assessment::load(&p))
        .await
        .unwrap_or_else(|e| Err(e.to_string()))
}

fn assess_hint(x: &Ctx) -> Markup {
    if x.c.runner.configured() {
        return html! {
            p.muted {
                (x.t("还没有评估结果。", "No assessment yet. "))
                a href="/console/assessment" { (x.t("在“义务”页运行评估（操作员、管理员）。", "Run it on the Duties page (operator, admin).")) }
            }
        };
    }
    html! {
        p.muted {
            (x.t("还没有评估结果。用下面的命令生成（例如每天由 cron 运行），控制台会显示它：", "No assessment yet. Produce one with the command below (e.g. daily from cron) and the console shows it:"))
        }
        pre.raw { "wangan assess --profile PROFILE.toml --format json -o " (x.c.assessment.display()) }
    }
}

async fn duties_panel(x: &Ctx<'_>) -> Markup {
    let loaded = load_assessment(x.c).await;
    let lang = x.lang;
    html! {
        section.panel aria-labelledby="h-duties" {
            h2 #h-duties { (x.t("第三章义务（最新评估）", "Chapter-3 duties (latest assessment)")) }
            @match &loaded {
                Err(e) => p.error { (e) }
                Ok(None) => (assess_hint(x)),
                Ok(Some(a)) => {
                    p.muted {
                        (x.t("评估日期 ", "Assessed for ")) (a.doc["at"].as_str().unwrap_or("")) " · "
                        (x.t("生成于 ", "generated ")) (a.doc["generated"].as_str().map(|t| super::regs::pretty_time(t, x.c.cfg.utc_offset)).unwrap_or_default())
                    }
                    (super::assessment::counts(&a.doc, lang))
                    @let worst: Vec<&serde_json::Value> = super::assessment::duties_worst_first(&a.doc)
                        .into_iter()
                        .filter(|d| matches!(d["status"].as_str(), Some("not-met" | "partly-met" | "needs-evidence")))
                        .take(8)
                        .collect();
                    @if !worst.is_empty() { (super::assessment::table(&worst, lang)) }
                    p { a href="/console/assessment" { (x.t("全部义务与下载 »", "All duties and downloads »")) } }
                }
            }
        }
    }
}

async fn assessment_page(x: &Ctx<'_>) -> Resp {
    assessment_page_with(x, None, StatusCode::OK).await
}

async fn assessment_page_with(x: &Ctx<'_>, problem: Option<String>, status: StatusCode) -> Resp {
    let loaded = load_assessment(x.c).await;
    let lang = x.lang;
    let runner = &x.c.runner;
    let run = super::assessment::latest(runner).await;
    let operator = x.who.is_some_and(|w| w.can(UserRole::Operator));
    let m = html! {
        h1 { (x.t("义务与评估", "Duties and assessment")) }
        @if let Some(p) = &problem { p.error role="alert" { (p) } }
        section.panel aria-labelledby="h-run" {
            h2 #h-run { (x.t("运行评估", "Run the assessment")) }
            @if !runner.configured() {
                p.muted { (super::assessment::RunError::NoProfile.text(lang)) }
            } @else if operator {
                p.muted.small {
                    (x.t("收集画像所指的证据（日志库覆盖与完整性、已保存的扫描、文件、登记簿），与 wangan assess 相同，判定每项义务，并保存为此页显示的评估。", "Gathers the evidence the profile points at (vault coverage and integrity, saved scans, documents, registers) as `wangan assess` does, decides every duty, and saves it as the assessment this page shows."))
                }
                form.block method="post" action="/console/assessment/run" {
                    (x.csrf())
                    label for="assess-at" { (x.t("评估日期（留空为今天）", "Date assessed (empty: today)")) }
                    input #assess-at type="date" name="at";
                    button.primary type="submit" { (x.t("立即运行评估", "Run the assessment now")) }
                }
            } @else {
                p.muted { (x.t("评估由操作员或管理员运行；你可以查看并下载其报告。", "An operator or an administrator runs the assessment; you can view and download its reports.")) }
            }
        }
        section.panel aria-labelledby="h-reports" {
            h2 #h-reports { (x.t("报告下载", "Reports")) }
            @if let Err(e) = &run {
                p.error role="alert" { (e) }
                p.muted { (x.t("已保存的评估无法读回，报告无法生成：请重新运行评估。", "The saved assessment cannot be read back, so no report can be made from it: run the assessment again.")) }
            }
            @if let Ok(Some(r)) = &run {
                p.muted {
                    @match &r.by {
                        Some(by) => { (x.t("本次评估由 ", "Run by ")) (by) " · " }
                        None => { (x.t("已保存的评估 · ", "Saved assessment · ")) }
                    }
                    (x.t("评估日期 ", "assessed for ")) (r.assessment.at.to_string()) " · "
                    (x.t("证据收集于 ", "evidence gathered ")) (x.time(i64::try_from(r.assessment.generated.unix_timestamp_nanos()).unwrap_or(0)))
                }
                @for w in &r.warnings { p.error { (w) } }
                table.data {
                    thead { tr {
                        th scope="col" { (x.t("格式", "Format")) }
                        th scope="col" { "中文" }
                        th scope="col" { "English" }
                    } }
                    tbody {
                        @for (key, name) in super::assessment::FORMATS {
                            tr {
                                th scope="row" { (name) }
                                td { a.download href=(format!("/console/assessment/report?format={key}&lang=zh")) download { (name) " · 中文" } }
                                td { a.download href=(format!("/console/assessment/report?format={key}&lang=en")) download { (name) " · English" } }
                            }
                        }
                    }
                }
                h3 { (x.t("年度检测评估报告（关键信息基础设施）", "Yearly CII assessment report")) }
                p.muted.small { (x.t("检测评估情况和改进措施：由本次评估和登记簿生成的草稿，结构由 wangan 拟定（法律未规定格式），未知事项标明待填。", "检测评估情况和改进措施: a draft from this assessment and the registers; the structure is wangan's (the law prescribes none) and facts not known are marked to fill in.")) }
                p {
                    @for (key, name) in [("docx", "DOCX"), ("html", "HTML"), ("md", "Markdown")] {
                        a.download.yearly href=(format!("/console/assessment/yearly?format={key}&lang=zh")) download { (name) " · 中文" }
                        " · "
                        a.download.yearly href=(format!("/console/assessment/yearly?format={key}&lang=en")) download { (name) " · English" }
                        br;
                    }
                }
            } @else if let Ok(None) = &run {
                p.muted { (x.t("还没有评估结果：运行一次后即可下载报告。", "No assessment yet: its reports can be downloaded once one is run.")) }
            }
            p.muted.small { a href="/console/scans" { (x.t("数据存储的扫描结果 »", "Scan results of the data stores »")) } }
        }
        @match &loaded {
            Err(e) => p.error role="alert" { (e) }
            Ok(None) => (assess_hint(x)),
            Ok(Some(a)) => {
                p.lead {
                    (a.doc["operator"]["name"].as_str().unwrap_or("")) " · "
                    (x.t("评估日期 ", "assessed for ")) (a.doc["at"].as_str().unwrap_or("")) " · "
                    (a.doc["law"]["label"].as_str().or(a.doc["law"]["version"].as_str()).unwrap_or(""))
                }
                (super::assessment::counts(&a.doc, lang))
                p { a.button href="/console/assessment.json" download="assess.json" { (x.t("下载已保存的 JSON（wangan.assess/1）", "Download the saved JSON (wangan.assess/1)")) } }
                (super::assessment::table(&super::assessment::duties_worst_first(&a.doc), lang))
            }
        }
    };
    html_resp(
        status,
        layout(x, x.t("义务", "Duties"), Nav::Assessment, false, m),
    )
}

async fn run_assessment_form(x: &Ctx<'_>, form: &Params, peer: &str) -> Resp {
    let Some(w) = x.who else {
        return redirect("/console/login");
    };
    let at = match form.get("at").map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => match parse_day(s) {
            Some(d) => Some(d),
            None => {
                return assessment_page_with(
                    x,
                    Some(format!(
                        "{} {s:?}",
                        x.t(
                            "评估日期应为 YYYY-MM-DD：",
                            "The date assessed must be YYYY-MM-DD:"
                        )
                    )),
                    StatusCode::BAD_REQUEST,
                )
                .await;
            }
        },
    };
    match run_assessment(x.c, &w.user, Via::Console, peer, at).await {
        Ok(_) => redirect("/console/assessment"),
        Err(e) => {
            let status = match e {
                super::assessment::RunError::Busy => StatusCode::CONFLICT,
                super::assessment::RunError::NoProfile => StatusCode::NOT_FOUND,
                _ => StatusCode::SERVICE_UNAVAILABLE,
            };
            assessment_page_with(x, Some(e.text(x.lang)), status).await
        }
    }
}

/// `YYYY-MM-DD`.
pub(super) fn parse_day(s: &str) -> Option<time::Date> {
    time::Date::parse(s, time::macros::format_description!("[year]-[month]-[day]")).ok()
}

/// Run the assessment for `actor`: the event first (a run nobody can account for is not
/// made), then the run on a blocking thread; a failure is recorded too.
pub(super) async fn run_assessment(
    c: &Console,
    actor: &User,
    via: Via,
    peer: &str,
    at: Option<time::Date>,
) -> Result<Arc<super::assessment::Run>, super::assessment::RunError> {
    use super::assessment::RunError;
    if !c.runner.configured() {
        return Err(RunError::NoProfile);
    }
    let at_s = at.map(|d| d.to_string());
    let ev = Event {
        actor: &actor.name,
        role: actor.role.name(),
        via,
        from: peer,
        action: "assessment.run",
        target: None,
        outcome: "ok",
        detail: Detail::Assessment { at: at_s.clone() },
    };
    if c.audit.record(&ev).await.is_err() {
        return Err(RunError::Save(
            "the run could not be recorded in the vault, so it was not made".into(),
        ));
    }
    let runner = c.runner.clone();
    let by = actor.name.clone();
    let res = tokio::task::spawn_blocking(move || runner.run(&by, at))
        .await
        .unwrap_or_else(|e| Err(RunError::Save(e.to_string())));
    match &res {
        Ok(r) => tracing::info!(
            by = %actor.name,
            at = %r.assessment.at,
            duties = r.assessment.duties.len(),
            "assessment run from the console"
        ),
        Err(e) => {
            let _ = c
                .audit
                .record(&Event {
                    outcome: "failed",
                    detail: Detail::AssessmentFailed {
                        at: at_s.clone(),
                        error: e.text(Lang::En),
                    },
                    ..ev
                })
                .await;
        }
    }
    res
}

async fn assessment_report(x: &Ctx<'_>, query: &Params) -> Resp {
    let Some(format) = query.get("format").and_then(super::assessment::format_of) else {
        return error_page(
            x,
            StatusCode::BAD_REQUEST,
            x.t(
                "format 应为 html、md、json、oscal 或 csv。",
                "format must be html, md, json, oscal or csv.",
            ),
        );
    };
    let lang = match query.get("lang") {
        None => x.lang,
        Some(l) => match Lang::parse(l) {
            Some(l) => l,
            None => {
                return error_page(
                    x,
                    StatusCode::BAD_REQUEST,
                    x.t("lang 应为 zh 或 en。", "lang must be zh or en."),
                );
            }
        },
    };
    let run = match super::assessment::latest(&x.c.runner).await {
        Ok(Some(r)) => r,
        Ok(None) => {
            return error_page(
                x,
                StatusCode::NOT_FOUND,
                x.t("还没有评估结果。", "No assessment yet."),
            );
        }
        Err(e) => return error_page(x, StatusCode::CONFLICT, &e),
    };
    let (bytes, ctype, name) = super::assessment::render(&run, format, lang);
    attachment(body(StatusCode::OK, ctype, bytes), &name)
}

async fn yearly_report(x: &Ctx<'_>, query: &Params) -> Resp {
    let Some(format) = query
        .get("format")
        .and_then(report::yearly::YearlyFormat::from_key)
    else {
        return error_page(
            x,
            StatusCode::BAD_REQUEST,
            x.t(
                "format 应为 md、html 或 docx。",
                "format must be md, html or docx.",
            ),
        );
    };
    let lang = query.get("lang").and_then(Lang::parse).unwrap_or(Lang::Zh);
    match yearly_bytes(x.c, format, lang).await {
        Ok((bytes, ctype, name)) => attachment(body(StatusCode::OK, ctype, bytes), &name),
        Err((status, msg)) => error_page(x, status, &msg),
    }
}

/// The yearly CII report of the latest run, with the registers as they are now.
pub(super) async fn yearly_bytes(
    c: &Console,
    format: report::yearly::YearlyFormat,
    lang: Lang,
) -> Result<(Vec<u8>, &'static str, String), (StatusCode, String)> {
    let run = match super::assessment::latest(&c.runner).await {
        Ok(Some(r)) => r,
        Ok(None) => {
            return Err((
                StatusCode::NOT_FOUND,
                lang.t("还没有评估结果。", "No assessment yet.").to_owned(),
            ));
        }
        Err(e) => return Err((StatusCode::CONFLICT, e)),
    };
    let store = c.regs.clone();
    tokio::task::spawn_blocking(move || {
        let regs = match store.all_records() {
            Ok(r) => Some(r),
            Err(e) => {
                tracing::warn!(error = %e, "yearly report without the registers");
                None
            }
        };
        super::assessment::yearly(&run, regs.as_ref(), &store, format, lang)
    })
    .await
    .map_err(|e| e.to_string())
    .and_then(|r| r)
    .map_err(|e| (StatusCode::SERVICE_UNAVAILABLE, e))
}

/// Mark a response as a download named `name`.
pub(super) fn attachment(mut r: Resp, name: &str) -> Resp {
    if let Ok(v) = header::HeaderValue::from_str(&format!(
        "attachment; filename=\"{}\"",
        name.replace(
            |c: char| c == '"' || c == '\\' || !c.is_ascii() || c.is_ascii_control(),
            ""
        )
    )) {
        r.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    r
}

async fn scans_page(x: &Ctx<'_>) -> Resp {
    let lang = x.lang;
    let rows = match x.c.runner.profile_path().map(std::path::Path::to_path_buf) {
        None => Err(super::assessment::RunError::NoProfile.text(x.lang)),
        Some(p) => tokio::task::spawn_blocking(move || super::assessment::scans(&p))
            .await
            .unwrap_or_else(|e| Err(e.to_string())),
    };
    let m = html! {
        h1 { (x.t("数据存储的扫描结果", "Scan results of the data stores")) }
        p.lead { (x.t("画像中每个数据存储最近一次保存的扫描（wangan scan --save）：分级、发现的数据种类、人数、时间，以及是否已过期。只读。", "The latest saved scan (`wangan scan --save`) of every data store of the profile: grade, kinds of data found, persons, when, and whether it is stale. Read-only.")) }
        @match &rows {
            Err(e) => p.error role="alert" { (e) }
            Ok(rows) if rows.is_empty() => p.muted { (x.t("画像中没有数据存储。", "The profile names no data store.")) }
            Ok(rows) => {
                table.data #scans {
                    thead { tr {
                        th scope="col" { (x.t("数据存储", "Data store")) }
                        th scope="col" { (x.t("分级", "Grade")) }
                        th scope="col" { (x.t("数据种类", "Kinds")) }
                        th scope="col" { (x.t("人数", "Persons")) }
                        th scope="col" { (x.t("扫描时间", "Scanned")) }
                        th scope="col" { (x.t("状态", "State")) }
                    } }
                    tbody {
                        @for r in rows {
                            tr {
                                th scope="row" {
                                    (r.store)
                                    @if r.important { " " (badge(Tone::Warn, x.t("重要数据", "important data"))) }
                                    br; span.muted.small.mono { (r.target) }
                                }
                                @match &r.scan {
                                    None => {
                                        td colspan="4" { span.muted { (x.t("从未扫描", "never scanned")) } }
                                        td { (badge(Tone::Bad, x.t("缺少扫描", "no scan"))) }
                                    }
                                    Some(s) => {
                                        td {
                                            (s.level_label.get(lang))
                                            @if s.sensitive { " " (badge(Tone::Warn, x.t("敏感", "sensitive"))) }
                                            @if s.minors { " " (badge(Tone::Warn, x.t("未成年人", "minors"))) }
                                            @if s.secrets { " " (badge(Tone::Bad, x.t("密钥", "secrets"))) }
                                        }
                                        td.small { (s.kinds.join(", ")) }
                                        td { (fmt_count(s.persons)) }
                                        td.nowrap { (super::regs::pretty_time(&s.scanned_at, x.c.cfg.utc_offset)) }
                                        td {
                                            @if s.stale {
                                                (badge(Tone::Bad, x.t("已过期", "stale"))) " " span.small.muted { (x.t("自 ", "since ")) (s.stale_after) }
                                            } @else {
                                                (badge(Tone::Good, x.t("有效", "current"))) " " span.small.muted { (x.t("至 ", "until ")) (s.stale_after) }
                                            }
                                            @if s.unreadable > 0 { br; span.small.error { (s.unreadable) (x.t(" 个输入无法读取", " inputs unreadable")) } }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    html_resp(
        StatusCode::OK,
        layout(x, x.t("数据扫描", "Scans"), Nav::Scans, false, m),
    )
}

async fn assessment_file(x: &Ctx<'_>) -> Resp {
    match load_assessment(x.c).await {
        Ok(Some(a)) => {
            let mut r = body(StatusCode::OK, "application/json", a.bytes);
            r.headers_mut().insert(
                header::CONTENT_DISPOSITION,
                header::HeaderValue::from_static("attachment; filename=\"assess.json\""),
            );
            r
        }
        Ok(None) => error_page(
            x,
            StatusCode::NOT_FOUND,
            x.t("还没有评估结果。", "No assessment yet."),
        ),
        Err(e) => error_page(x, StatusCode::INTERNAL_SERVER_ERROR, &e),
    }
}
