//! The console and its JSON API end to end, against the real `wangan serve`:
//! - in a real browser: Debian's `chromium` driven by `playwright-core` from npm
//!   (`e2e.cjs`; screenshots of every page in `target/tmp/console-screenshots/`), and a full
//!   verification watched while it runs (`verify_progress.cjs`);
//! - the API against its own OpenAPI document with schemathesis (every malformed request a
//!   clear 4xx, never a 5xx; responses as documented);
//! - login lockout, roles, problem details and the vault events, over plain HTTP.
//!
//! Needs: `/usr/bin/chromium` and `fonts-noto-cjk` (Debian), `node` with `playwright-core`
//! (`$WANGAN_NODE_MODULES`, else `target/ci-tools/node/node_modules`), and Python with
//! `schemathesis` (`$WANGAN_PYTHON`). `cargo xtask ci` installs all of them; a missing one
//! fails the test and says what to install.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

mod users;
mod verify;

fn wangan() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_wangan"));
    c.env_remove("WANGAN_DATA_DIR")
        .env_remove("WANGAN_CONFIG")
        .env("LANG", "C")
        .env("NO_COLOR", "1");
    c
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

struct Srv {
    child: Option<Child>,
    http: SocketAddr,
    ingest: String,
    admin_password: String,
    stderr: PathBuf,
}

impl Srv {
    fn start(dir: &Path, config: Option<&Path>) -> Srv {
        let stderr = dir.with_extension("stderr");
        let errf = std::fs::File::create(&stderr).unwrap();
        let mut cmd = wangan();
        cmd.args(["--json", "--log-level", "info", "serve", "--data-dir"])
            .arg(dir)
            .args([
                "--syslog-udp",
                "off",
                "--syslog-tcp",
                "off",
                "--http",
                "127.0.0.1:0",
            ]);
        if let Some(c) = config {
            cmd.arg("--config").arg(c);
        }
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(errf)
            .stdin(Stdio::null())
            .spawn()
            .expect("start wangan serve");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let (mut ingest, mut admin, mut http) = (String::new(), String::new(), None);
        while http.is_none() {
            let Some(Ok(line)) = lines.next() else {
                panic!(
                    "serve ended early: {}",
                    std::fs::read_to_string(&stderr).unwrap_or_default()
                );
            };
            let v: serde_json::Value = serde_json::from_str(&line).unwrap();
            match v["schema"].as_str() {
                Some("wangan.serve.first-run/1") => ingest = v["token"].as_str().unwrap().into(),
                Some("wangan.serve.first-admin/1") => {
                    admin = v["password"].as_str().unwrap().into();
                    assert_eq!(v["user"], "admin");
                }
                Some("wangan.serve.listening/1") => {
                    http = v["http"].as_str().map(|s| s.parse().unwrap());
                }
                other => panic!("unexpected line {other:?}"),
            }
        }
        std::thread::spawn(move || for _ in lines {});
        Srv {
            child: Some(child),
            http: http.unwrap(),
            ingest,
            admin_password: admin,
            stderr,
        }
    }

    fn base(&self) -> String {
        format!("http://{}", self.http)
    }

    fn stop(mut self) {
        let mut c = self.child.take().unwrap();
        let _ = Command::new("kill")
            .args(["-TERM", &c.id().to_string()])
            .status();
        assert!(c.wait().unwrap().success());
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.stderr).unwrap_or_default()
    }
}

impl Drop for Srv {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// A response: status, headers (lowercase names), body.
struct Resp {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Resp {
    fn header(&self, k: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.as_str())
    }

    fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&self.body)))
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One HTTP/1.1 request on its own connection.
fn http(addr: SocketAddr, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Resp {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).unwrap();
    s.write_all(body).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("header end");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    if headers
        .iter()
        .any(|(k, v)| k == "transfer-encoding" && v.contains("chunked"))
    {
        body = dechunk(&body);
    }
    Resp {
        status,
        headers,
        body,
    }
}

fn dechunk(b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(p) = b[i..].windows(2).position(|w| w == b"\r\n") {
        let n =
            usize::from_str_radix(std::str::from_utf8(&b[i..i + p]).unwrap().trim(), 16).unwrap();
        if n == 0 {
            break;
        }
        out.extend_from_slice(&b[i + p + 2..i + p + 2 + n]);
        i += p + 2 + n + 2;
    }
    out
}

fn bearer(t: &str) -> String {
    format!("Bearer {t}")
}

/// Seed: Chinese records, attacker-shaped records, paging records, two more sources.
fn seed(s: &Srv) {
    let auth = bearer(&s.ingest);
    let mut nd = String::new();
    for i in 1..=5 {
        nd.push_str(&format!(
            "{{\"msg\":\"用户 张三{i} 登录失败 来自 10.0.0.{i}\",\"host\":\"web{i}\"}}\n"
        ));
    }
    nd.push_str("{\"msg\":\"<script>window.__xss=1</script> alert\"}\n");
    nd.push_str("{\"msg\":\"<img src=x onerror=\\\"window.__xss=1\\\"> alert\"}\n");
    for i in 0..6 {
        nd.push_str(&format!("{{\"msg\":\"paging early record {i}\"}}\n"));
    }
    let r = http(
        s.http,
        "POST",
        "/api/v1/logs",
        &[("Authorization", &auth)],
        nd.as_bytes(),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let mut bulk = String::new();
    for i in 0..20 {
        let index = if i % 2 == 0 { "firewall" } else { "db-audit" };
        bulk.push_str(&format!("{{\"index\":{{\"_index\":\"{index}\"}}}}\n{{\"message\":\"deny tcp 192.0.2.{i} -> 10.0.0.1:22\"}}\n"));
    }
    let r = http(
        s.http,
        "POST",
        "/_bulk",
        &[
            ("Authorization", &auth),
            ("Content-Type", "application/x-ndjson"),
        ],
        bulk.as_bytes(),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    // a checkpoint covers them within proof_ms (1 s)
    std::thread::sleep(Duration::from_millis(1500));
}

fn add_user(dir: &Path, name: &str, role: &str, password: &str) {
    let mut c = wangan()
        .args(["user", "add", "--role", role, name, "--data-dir"])
        .arg(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    c.stdin
        .take()
        .unwrap()
        .write_all(format!("{password}\n").as_bytes())
        .unwrap();
    let o = c.wait_with_output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

fn token(dir: &Path, role: &str) -> String {
    let o = wangan()
        .args(["--json", "token", "create", "--role", role, "--data-dir"])
        .arg(dir)
        .output()
        .unwrap();
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    v["token"].as_str().unwrap().to_owned()
}

/// The console's events in the vault: (actor, action, outcome).
fn events(dir: &Path) -> Vec<(String, String, String)> {
    let store = vault::Store::open(dir).unwrap();
    store
        .records(0..store.size())
        .map(|r| r.unwrap().record)
        .filter(|r| r.source == "wangan.console")
        .map(|r| {
            assert_eq!(r.transport, "console");
            let v: serde_json::Value = serde_json::from_slice(&r.raw).unwrap();
            assert_eq!(v["schema"], "wangan.console.event/1");
            assert!(v["from"].as_str().unwrap().starts_with("127.0.0.1"));
            (
                v["actor"].as_str().unwrap().to_owned(),
                v["action"].as_str().unwrap().to_owned(),
                v["outcome"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn node_modules() -> PathBuf {
    let p = std::env::var_os("WANGAN_NODE_MODULES")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("target/ci-tools/node/node_modules"));
    assert!(
        p.join("playwright-core").is_dir(),
        "playwright-core is missing in {}: run `cargo xtask ci` (it installs it), or `npm install playwright-core` there",
        p.display()
    );
    p
}

fn require_browser() {
    assert!(
        Path::new("/usr/bin/chromium").exists(),
        "Debian's chromium is missing: apt-get install -y chromium fonts-noto-cjk"
    );
    let fonts = Command::new("fc-list")
        .arg(":lang=zh")
        .output()
        .map(|o| !o.stdout.is_empty())
        .unwrap_or(false);
    assert!(fonts, "no Chinese font: apt-get install -y fonts-noto-cjk");
}

/// Run the browser script `name` (in `tests/console/`) against `s` with node and
/// playwright-core, screenshots into `target/tmp/console-screenshots/`; fails the test with
/// the script's output and the server's log when the script fails. Returns its stdout.
fn run_browser_script(s: &Srv, name: &str, env: &[(&str, &std::ffi::OsStr)]) -> String {
    require_browser();
    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("console-screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let o = Command::new("node")
        .arg(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/console")
                .join(name),
        )
        .env("NODE_PATH", node_modules())
        .env("BASE_URL", s.base())
        .env("SHOTS", &shots)
        .envs(env.iter().copied())
        .output()
        .expect("node is needed: apt-get install -y nodejs npm");
    assert!(
        o.status.success(),
        "browser test {name} failed:\n{}\n{}\nserver log:\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr),
        s.log()
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn console_in_a_real_browser() {
    require_browser();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    // the profile the console assesses: the example one (not compliant), its vault the
    // server's, and one more data store, a folder scanned below
    let profile = tmp.path().join("profile.toml");
    let o = wangan()
        .args(["profile", "init", "--kind", "cii-operator"])
        .output()
        .unwrap();
    assert!(o.status.success());
    let text = String::from_utf8(o.stdout)
        .unwrap()
        .replace("vault = \"wangan-data\"", "vault = \"data\"");
    assert!(text.contains("vault = \"data\""));
    std::fs::write(
        &profile,
        format!("{text}\n[[data_store]]\nid = \"hr-files\"\ntarget = \"hr\"\ncountry = \"CN\"\n"),
    )
    .unwrap();
    let config = tmp.path().join("wangan.toml");
    std::fs::write(
        &config,
        "version = 1\n\n[console]\nprofile = \"profile.toml\"\n",
    )
    .unwrap();
    let s = Srv::start(&dir, Some(&config));
    seed(&s);
    let hr = tmp.path().join("hr");
    std::fs::create_dir_all(&hr).unwrap();
    std::fs::write(
        hr.join("staff.csv"),
        "name,mobile,email\n张三,13812345678,zhangsan@example.cn\n李四,13987654321,lisi@example.cn\n",
    )
    .unwrap();
    let o = wangan()
        .args(["scan", "--save", "--save-dir"])
        .arg(dir.join("scans"))
        .arg(&hr)
        .output()
        .unwrap();
    assert!(
        dir.join("scans").read_dir().unwrap().count() == 1,
        "scan --save: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    // the latest assessment the console shows until it runs its own (exit 1: not compliant)
    let o = wangan()
        .args(["assess", "--profile"])
        .arg(&profile)
        .args(["--format", "json", "-o"])
        .arg(dir.join("assess.json"))
        .output()
        .unwrap();
    assert!(
        dir.join("assess.json").exists(),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    add_user(&dir, "审计员", "auditor", "审计员的密码已经足够长了");
    let auditor_token = token(&dir, "auditor");
    let downloads = tmp.path().join("downloads");
    std::fs::create_dir_all(&downloads).unwrap();
    run_browser_script(
        &s,
        "e2e.cjs",
        &[
            ("DOWNLOADS", downloads.as_os_str()),
            ("ADMIN_USER", "admin".as_ref()),
            ("ADMIN_PASSWORD", s.admin_password.as_ref()),
            ("AUDITOR_USER", "审计员".as_ref()),
            ("AUDITOR_PASSWORD", "审计员的密码已经足够长了".as_ref()),
            ("INGEST_TOKEN", s.ingest.as_ref()),
            ("AUDITOR_TOKEN", auditor_token.as_ref()),
        ],
    );
    // the bundle the browser downloaded checks offline, against the vault's own keys
    let bundle = downloads.join("search.wgb");
    let o = wangan()
        .args(["vault", "check-bundle", "--trusted-key"])
        .arg(dir.join("keys"))
        .arg(&bundle)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "check-bundle: {}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains('5'),
        "five Chinese records in the bundle: {text}"
    );
    // the console's run decided as `wangan assess` decides (the same evidence code)
    let run: serde_json::Value =
        serde_json::from_slice(&std::fs::read(downloads.join("report-run.json")).unwrap()).unwrap();
    let o = wangan()
        .args(["--json", "assess", "--profile"])
        .arg(&profile)
        .args(["--at", run["at"].as_str().unwrap()])
        .output()
        .unwrap();
    let cli: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let statuses = |v: &serde_json::Value| -> Vec<(String, String)> {
        v["duties"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                (
                    d["id"].as_str().unwrap().to_owned(),
                    d["status"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    assert_eq!(statuses(&run), statuses(&cli), "console run and CLI agree");
    assert_eq!(run["data_stores"], cli["data_stores"]);
    assert!(
        run["data_stores"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["id"] == "hr-files" && d["scanned_at"].is_string()),
        "the saved scan is evidence: {}",
        run["data_stores"]
    );
    // the run is the assessment the console shows from now on
    let saved: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("assess.json")).unwrap()).unwrap();
    assert_eq!(saved["generated"], run["generated"]);
    s.stop();
    // who did what, from where: in the vault, under the same tree as the logs
    let ev = events(&dir);
    let has = |actor: &str, action: &str, outcome: &str| {
        ev.iter()
            .any(|(a, b, c)| a == actor && b == action && c == outcome)
    };
    for (actor, action, outcome) in [
        ("admin", "login", "ok"),
        ("admin", "logs.export", "ok"),
        ("admin", "vault.verify", "ok"),
        ("admin", "token.create", "ok"),
        ("admin", "token.revoke", "ok"),
        ("admin", "logout", "ok"),
        ("admin", "register.add", "ok"),
        ("admin", "assessment.run", "ok"),
        ("admin", "user.add", "ok"),
        ("olga", "login", "ok"),
        ("olga", "refused", "refused"),
        ("审计员", "login", "ok"),
        ("审计员", "refused", "refused"),
    ] {
        assert!(
            has(actor, action, outcome),
            "event {actor} {action} {outcome} in {ev:?}"
        );
    }
    // the register change is anchored in the vault by the writer thread
    let store = vault::Store::open(&dir).unwrap();
    let anchors = store
        .records(0..store.size())
        .filter(|r| r.as_ref().unwrap().record.source == "wangan.registers")
        .count();
    assert!(anchors >= 1, "register anchors in the vault");
    let report = vault::verify(
        &vault::Store::open(&dir).unwrap(),
        &vault::VerifyOptions::default(),
    )
    .unwrap();
    assert!(report.is_intact());
}

/// A session cookie and its CSRF token, by logging in over plain HTTP.
fn login(s: &Srv, user: &str, password: &str) -> Resp {
    let page = http(s.http, "GET", "/console/login", &[], b"");
    let cookie = page
        .header("set-cookie")
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let token = cookie.split_once('=').unwrap().1.to_owned();
    let form = format!(
        "login_token={token}&user={}&password={}",
        form(user),
        form(password)
    );
    http(
        s.http,
        "POST",
        "/console/login",
        &[
            ("Cookie", &cookie),
            ("Content-Type", "application/x-www-form-urlencoded"),
        ],
        form.as_bytes(),
    )
}

fn form(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[test]
fn lockout_roles_problems_and_events_over_http() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    let s = Srv::start(&dir, None);
    seed(&s);
    // a browser asking for / is sent to the console; a shipper still gets the root info
    let r = http(s.http, "GET", "/", &[("Accept", "text/html")], b"");
    assert_eq!((r.status, r.header("location")), (303, Some("/console/")));
    let r = http(
        s.http,
        "GET",
        "/",
        &[("Authorization", &bearer(&s.ingest))],
        b"",
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["tagline"], "You Know, for Search");

    // login: five wrong passwords lock the name (logged, recorded); then even the right one fails
    for i in 0..5 {
        let r = login(&s, "admin", "wrong password!!");
        assert_eq!(r.status, 401, "attempt {i}");
    }
    let r = login(&s, "admin", &s.admin_password);
    assert_eq!(r.status, 429, "locked: {}", r.text());
    assert!(r.text().contains("locked") || r.text().contains("锁定"));
    assert!(s.log().contains("console account locked"), "{}", s.log());
    assert!(
        !s.log().contains(&s.admin_password),
        "no password in the log"
    );

    // the API: problem details, roles, strict parameters
    let base = |path: &str, tok: Option<&str>| {
        let h = tok.map(bearer);
        let hs: Vec<(&str, &str)> = h.iter().map(|v| ("Authorization", v.as_str())).collect();
        http(s.http, "GET", path, &hs, b"")
    };
    let r = base("/api/v1/status", None);
    assert_eq!(r.status, 401);
    assert_eq!(r.header("content-type"), Some("application/problem+json"));
    assert_eq!(r.json()["status"], 401);
    assert_eq!(
        r.header("www-authenticate"),
        Some("Bearer realm=\"wangan\"")
    );
    let r = base("/api/v1/status", Some(&s.ingest));
    assert_eq!(r.status, 403, "an ingest token reads nothing");
    let aud = token(&dir, "auditor");
    let adm = token(&dir, "admin");
    let r = base("/api/v1/status", Some(&aud));
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(r.json()["size"].as_u64().unwrap() >= 32);
    let r = base(
        "/api/v1/logs/search?limit=0&from=yesterday&bogus=1",
        Some(&aud),
    );
    assert_eq!(r.status, 400);
    let v = r.json();
    assert_eq!(v["type"], "urn:wangan:problem:invalid-parameters");
    assert_eq!(v["errors"][0]["name"], "bogus", "{v}");
    let r = base("/api/v1/logs/search?limit=0&from=yesterday", Some(&aud));
    let names: Vec<String> = r.json()["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, vec!["from", "limit"]);
    // Chinese search, cursor paging and a record with its proof
    let q = "/api/v1/logs/search?q=%E7%99%BB%E5%BD%95%E5%A4%B1%E8%B4%A5&limit=2";
    let r = base(q, Some(&aud));
    assert_eq!(r.status, 200);
    let v = r.json();
    assert_eq!(v["records"].as_array().unwrap().len(), 2);
    let cursor = v["next_cursor"].as_str().unwrap().to_owned();
    let r = base(&format!("{q}&before={cursor}"), Some(&aud));
    let v2 = r.json();
    let first: Vec<u64> = v["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["seq"].as_u64().unwrap())
        .collect();
    let second: Vec<u64> = v2["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["seq"].as_u64().unwrap())
        .collect();
    assert!(
        second.iter().all(|x| x < first.iter().min().unwrap()),
        "{first:?} {second:?}"
    );
    let r = base(&format!("/api/v1/logs/{}", first[0]), Some(&aud));
    let rec = r.json();
    assert!(rec["raw"].as_str().unwrap().contains("登录失败"));
    assert_eq!(rec["proof"]["verifies"], true, "{rec}");
    assert_eq!(base("/api/v1/logs/99999999", Some(&aud)).status, 404);
    assert_eq!(base("/api/v1/logs/x", Some(&aud)).status, 400);
    assert_eq!(base("/api/v1/nope", Some(&aud)).status, 404);
    // an auditor may not export or add users; an admin may
    let post = |path: &str, tok: &str, body: &str| {
        http(
            s.http,
            "POST",
            path,
            &[
                ("Authorization", &bearer(tok)),
                ("Content-Type", "application/json"),
            ],
            body.as_bytes(),
        )
    };
    assert_eq!(post("/api/v1/logs/export", &aud, "{}").status, 403);
    assert_eq!(
        post("/api/v1/users", &aud, r#"{"name":"x","role":"admin"}"#).status,
        403
    );
    let r = post(
        "/api/v1/users",
        &adm,
        r#"{"name":"操作员","role":"operator"}"#,
    );
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(
        r.json()["password"].as_str().unwrap().len(),
        20,
        "generated, shown once"
    );
    let r = post(
        "/api/v1/users",
        &adm,
        r#"{"name":"a b","role":"operator","password":"short"}"#,
    );
    assert_eq!(r.status, 400);
    let names: Vec<String> = r.json()["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, vec!["name", "password"]);
    let r = http(
        s.http,
        "POST",
        "/api/v1/users",
        &[
            ("Authorization", &bearer(&adm)),
            ("Content-Type", "text/plain"),
        ],
        b"{}",
    );
    assert_eq!(r.status, 415);
    let r = post("/api/v1/users", &adm, "{not json");
    assert_eq!(r.status, 400);
    let r = http(
        s.http,
        "PUT",
        "/api/v1/users",
        &[("Authorization", &bearer(&adm))],
        b"",
    );
    assert_eq!(r.status, 405);
    assert_eq!(r.header("allow"), Some("GET, POST"));
    // the last admin cannot be removed
    let r = http(
        s.http,
        "DELETE",
        "/api/v1/users/admin",
        &[("Authorization", &bearer(&adm))],
        b"",
    );
    assert_eq!(r.status, 409, "{}", r.text());
    let r = post("/api/v1/logs/export", &adm, r#"{"q":"登录失败"}"#);
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.header("x-wangan-records"), Some("5"));
    let b = tmp.path().join("api.wgb");
    std::fs::write(&b, &r.body).unwrap();
    let o = wangan()
        .args(["vault", "check-bundle", "--trusted-key"])
        .arg(dir.join("keys"))
        .arg(&b)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    // the intake is untouched: POST /api/v1/logs is not the console's
    let r = http(
        s.http,
        "POST",
        "/api/v1/logs",
        &[("Authorization", &bearer(&adm))],
        b"{\"a\":1}",
    );
    assert_eq!(r.status, 200);
    s.stop();
    let ev = events(&dir);
    let n_failed = ev.iter().filter(|e| e.1 == "login.failed").count();
    assert_eq!(n_failed, 5, "{ev:?}");
    assert!(ev.iter().any(|e| e.1 == "login.lockout" && e.0 == "admin"));
    let adm_id = &adm[4..12];
    assert!(
        ev.iter()
            .any(|e| e.0 == format!("token:{adm_id}") && e.1 == "user.add")
    );
    assert!(
        ev.iter().any(|e| e.1 == "user.remove" && e.2 == "failed"),
        "{ev:?}"
    );
    assert!(
        ev.iter()
            .any(|e| e.1 == "logs.export" && e.0 == format!("token:{adm_id}"))
    );
}

#[test]
fn api_conforms_to_its_openapi_document() {
    let venv = workspace().join("target/ci-tools/venv/bin/python");
    let python = std::env::var_os("WANGAN_PYTHON").unwrap_or_else(|| {
        if venv.exists() {
            venv.into_os_string()
        } else {
            "python3".into()
        }
    });
    let ok = Command::new(&python)
        .args(["-c", "import schemathesis"])
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        ok,
        "schemathesis is missing for {python:?}: run `cargo xtask ci` (it installs it into target/ci-tools/venv), or pip install schemathesis"
    );
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    // with a profile, so the assessment runs and its reports render under the fuzzer too
    let (_, config) = profile_and_config(tmp.path());
    let s = Srv::start(&dir, Some(&config));
    seed(&s);
    let adm = token(&dir, "admin");
    let t0 = Instant::now();
    let o = Command::new(&python)
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/console/schemathesis_cli.py"))
        .arg("run")
        .arg(format!("{}/api/v1/openapi.json", s.base()))
        .args([
            "--header",
            &format!("Authorization: Bearer {adm}"),
            "--checks",
            "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,negative_data_rejection",
            "--phases",
            "examples,coverage,fuzzing",
            "--max-examples",
            "40",
            "--workers",
            "2",
            "--suppress-health-check",
            "all",
            "--request-timeout",
            "30",
        ])
        .env("SCHEMATHESIS_HOOKS", "")
        // Its cache (.schemathesis/) goes to the temporary directory, not the checkout.
        .current_dir(tmp.path())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "schemathesis found problems ({:?}):\n{out}\n{}\nserver log tail:\n{}",
        t0.elapsed(),
        String::from_utf8_lossy(&o.stderr),
        s.log()
            .lines()
            .rev()
            .take(40)
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(!s.log().contains("panicked"), "{}", s.log());
    s.stop();
}

/// A profile whose vault is `data` next to it (the server's), written with a config naming it.
fn profile_and_config(tmp: &Path) -> (PathBuf, PathBuf) {
    let profile = tmp.join("profile.toml");
    let o = wangan()
        .args(["profile", "init", "--kind", "cii-operator"])
        .output()
        .unwrap();
    assert!(o.status.success());
    let text = String::from_utf8(o.stdout)
        .unwrap()
        .replace("vault = \"wangan-data\"", "vault = \"data\"");
    std::fs::write(&profile, text).unwrap();
    let config = tmp.join("wangan.toml");
    std::fs::write(
        &config,
        "version = 1\n\n[console]\nprofile = \"profile.toml\"\n",
    )
    .unwrap();
    (profile, config)
}

#[test]
fn assessment_reports_scans_and_register_edits_over_the_api() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    let (_, config) = profile_and_config(tmp.path());
    let s = Srv::start(&dir, Some(&config));
    let aud = bearer(&token(&dir, "auditor"));
    let op = bearer(&token(&dir, "operator"));
    let json = [("Content-Type", "application/json")];
    let call = |method: &str, path: &str, auth: Option<&str>, body: &[u8]| {
        let mut h: Vec<(&str, &str)> = json.to_vec();
        if let Some(a) = auth {
            h.push(("Authorization", a));
        }
        http(s.http, method, path, &h, body)
    };
    // every new endpoint needs a token, and the right role
    for (m, p) in [
        ("POST", "/api/v1/assessment"),
        ("GET", "/api/v1/assessment/report?format=html"),
        ("GET", "/api/v1/scans"),
        ("GET", "/api/v1/assessment/yearly?format=docx"),
        ("PATCH", "/api/v1/registers/incident/INC-1"),
    ] {
        let r = call(m, p, None, b"{\"title\":\"x\"}");
        assert_eq!(r.status, 401, "{m} {p}: {}", r.text());
        assert_eq!(r.json()["type"], "urn:wangan:problem:unauthorized");
    }
    for (m, p) in [
        ("POST", "/api/v1/assessment"),
        ("PATCH", "/api/v1/registers/incident/INC-1"),
    ] {
        let r = call(m, p, Some(&aud), b"{\"title\":\"x\"}");
        assert_eq!(r.status, 403, "auditor {m} {p}: {}", r.text());
    }
    // no run yet: the reports say how to get one
    let r = call(
        "GET",
        "/api/v1/assessment/report?format=csv",
        Some(&aud),
        b"",
    );
    assert_eq!(r.status, 404, "{}", r.text());
    assert!(
        r.json()["detail"]
            .as_str()
            .unwrap()
            .contains("POST /api/v1/assessment")
    );
    for at in ["2026-13-01", "", "%202026-03-01"] {
        let r = call(
            "POST",
            &format!("/api/v1/assessment?at={at}"),
            Some(&op),
            b"",
        );
        assert_eq!(r.status, 400, "at={at}: a parameter sent must be valid");
        assert_eq!(r.json()["errors"][0]["name"], "at");
    }
    // an operator runs it; it is the latest the console shows, and every role reads its reports
    let r = call("POST", "/api/v1/assessment?at=2026-03-01", Some(&op), b"");
    assert_eq!(r.status, 200, "{}", r.text());
    let run = r.json();
    assert_eq!(run["schema"], "wangan.assess/1");
    assert_eq!(run["at"], "2026-03-01");
    assert_eq!(run["law"]["key"], "2025", "CSL-2025 in force on 2026-03-01");
    let r = call("GET", "/api/v1/duties", Some(&aud), b"");
    assert_eq!(r.json()["generated"], run["generated"]);
    for (format, ctype, start) in [
        ("html", "text/html", "<!DOCTYPE html>"),
        ("md", "text/markdown", "#"),
        ("json", "application/json", "{"),
        ("oscal", "application/oscal+json", "{"),
        ("csv", "text/csv", "\u{feff}"),
    ] {
        let r = call(
            "GET",
            &format!("/api/v1/assessment/report?format={format}&lang=en"),
            Some(&aud),
            b"",
        );
        assert_eq!(r.status, 200, "{format}: {}", r.text());
        assert!(
            r.header("content-type").unwrap().starts_with(ctype),
            "{format}"
        );
        assert!(r.text().starts_with(start), "{format}: {}", &r.text()[..40]);
        let cd = r.header("content-disposition").unwrap();
        assert!(cd.starts_with("attachment; filename=\"wangan-"), "{cd}");
    }
    // the yearly CII report of the run (report::yearly), Chinese by default
    let r = call(
        "GET",
        "/api/v1/assessment/yearly?format=md",
        Some(&aud),
        b"",
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(r.text().contains("检测评估"), "{}", r.text());
    assert!(
        r.header("content-disposition")
            .unwrap()
            .contains("wangan-cii-yearly-")
    );
    let r = call(
        "GET",
        "/api/v1/assessment/yearly?format=csv",
        Some(&aud),
        b"",
    );
    assert_eq!(r.status, 400);
    let r = call(
        "GET",
        "/api/v1/assessment/report?format=text",
        Some(&aud),
        b"",
    );
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["errors"][0]["name"], "format");
    let r = call(
        "GET",
        "/api/v1/assessment/report?format=md&lang=fr",
        Some(&aud),
        b"",
    );
    assert_eq!(r.json()["errors"][0]["name"], "lang");
    // the export's limit on names counts them as sent (65 empty ones were taken: schemathesis)
    let many = format!("{{\"source\":[{}\"\"]}}", "\"\",".repeat(64));
    let r = call("POST", "/api/v1/logs/export", Some(&op), many.as_bytes());
    assert_eq!(r.status, 400, "{}", r.text());
    assert_eq!(r.json()["errors"][0]["name"], "source");
    // the scan results: the example's one data store, never scanned
    let r = call("GET", "/api/v1/scans", Some(&aud), b"");
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json();
    assert_eq!(v["stores"][0]["store"], "user-db");
    assert!(v["stores"][0]["scan"].is_null());
    // a register record created and changed through the API, with the forms' validation
    let r = call(
        "POST",
        "/api/v1/registers/incident",
        Some(&op),
        "{\"title\":\"端口扫描\",\"grade\":\"general\",\"discovered_at\":\"2026-01-01T10:00:00+08:00\"}".as_bytes(),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let id = r.json()["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/registers/incident/{id}");
    let r = call("PATCH", &path, Some(&op), b"{\"grade\":\"big\"}");
    assert_eq!(r.status, 400, "{}", r.text());
    assert_eq!(r.json()["errors"][0]["name"], "grade");
    let r = call("PATCH", &path, Some(&op), b"{\"nope\":1}");
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["errors"][0]["name"], "nope");
    let r = call("PATCH", &path, Some(&op), b"{}");
    assert_eq!(r.status, 400, "an empty change: {}", r.text());
    let r = call(
        "PATCH",
        &format!("{path}?expected_revision=1"),
        Some(&op),
        "{\"grade\":\"large\",\"title\":\"勒索软件\"}".as_bytes(),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["revision"], 2);
    let r = call(
        "PATCH",
        &format!("{path}?expected_revision=1"),
        Some(&op),
        b"{\"grade\":\"major\"}",
    );
    assert_eq!(r.status, 400, "a stale revision is refused: {}", r.text());
    assert!(r.text().contains("revision 2"), "{}", r.text());
    let r = call(
        "PATCH",
        "/api/v1/registers/incident/INC-999",
        Some(&op),
        b"{\"title\":\"x\"}",
    );
    assert_eq!(r.status, 404, "{}", r.text());
    let r = call("GET", &path, Some(&aud), b"");
    let v = r.json();
    assert_eq!(v["revision"], 2);
    assert_eq!(v["grade"], "large", "the fields are at the top level");
    s.stop();
    let ev = events(&dir);
    for action in ["assessment.run", "register.add", "register.update"] {
        assert!(
            ev.iter()
                .any(|(a, b, c)| a.starts_with("token:") && b == action && c == "ok"),
            "{action} in {ev:?}"
        );
    }
}

/// Every report of a run, after a restart of the server: the same bytes as before it
/// (the reports are rendered from the saved assessment, read back; they once lived only in
/// the memory of the process that ran it, so only JSON survived).
#[test]
fn reports_of_a_run_survive_a_restart() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    let (_, config) = profile_and_config(tmp.path());
    let s = Srv::start(&dir, Some(&config));
    let aud = bearer(&token(&dir, "auditor"));
    let op = bearer(&token(&dir, "operator"));
    let r = http(
        s.http,
        "POST",
        "/api/v1/assessment?at=2026-03-01",
        &[("Authorization", &op)],
        b"",
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let mut paths = Vec::new();
    for lang in ["zh", "en"] {
        for format in ["html", "md", "json", "oscal", "csv"] {
            paths.push(format!(
                "/api/v1/assessment/report?format={format}&lang={lang}"
            ));
        }
        for format in ["docx", "html", "md"] {
            paths.push(format!(
                "/api/v1/assessment/yearly?format={format}&lang={lang}"
            ));
        }
    }
    let get = |s: &Srv, p: &str| {
        let r = http(s.http, "GET", p, &[("Authorization", &aud)], b"");
        assert_eq!(r.status, 200, "{p}: {}", r.text());
        (
            r.header("content-type").unwrap().to_owned(),
            r.header("content-disposition").unwrap().to_owned(),
            r.body,
        )
    };
    let before: Vec<_> = paths.iter().map(|p| get(&s, p)).collect();
    let password = s.admin_password.clone();
    s.stop();
    let s = Srv::start(&dir, Some(&config));
    for (p, b) in paths.iter().zip(&before) {
        let a = get(&s, p);
        assert_eq!(a.0, b.0, "{p}: media type");
        assert_eq!(a.1, b.1, "{p}: file name");
        if p.contains("docx") {
            // a zip: compare what it holds, not the bytes' framing
            assert!(a.2.starts_with(b"PK"), "{p}");
        } else {
            assert!(
                a.2 == b.2,
                "{p}: differs after the restart:\n{}\n----\n{}",
                String::from_utf8_lossy(&a.2),
                String::from_utf8_lossy(&b.2)
            );
        }
    }
    // the duties page offers them and says the run is the saved one
    let cookie = session(&s, "admin", &password);
    let r = http(
        s.http,
        "GET",
        "/console/assessment",
        &[("Cookie", &cookie)],
        b"",
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let page = r.text();
    assert!(page.contains("已保存的评估"), "{page}");
    assert!(
        page.contains("/console/assessment/report?format=oscal&amp;lang=en"),
        "{page}"
    );
    let r = http(
        s.http,
        "GET",
        "/console/assessment/report?format=md&lang=zh",
        &[("Cookie", &cookie)],
        b"",
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.body, before[1].2, "the page serves the same Markdown");
    // a file this build cannot read back: a clear 409 naming it, never a 5xx
    std::fs::write(
        dir.join("assess.json"),
        "{\"schema\":\"wangan.assess/1\",\"at\":\"2026-03-01\"}",
    )
    .unwrap();
    let r = http(
        s.http,
        "GET",
        "/api/v1/assessment/report?format=html",
        &[("Authorization", &aud)],
        b"",
    );
    assert_eq!(r.status, 409, "{}", r.text());
    assert!(r.json()["detail"].as_str().unwrap().contains("assess.json"));
    s.stop();
}

/// The session cookie of `user` signed in to the console.
fn session(s: &Srv, user: &str, password: &str) -> String {
    let r = login(s, user, password);
    assert_eq!(r.status, 303, "{}", r.text());
    r.headers
        .iter()
        .filter(|(k, _)| k == "set-cookie")
        .find_map(|(_, v)| v.strip_prefix("wangan_session="))
        .map(|v| format!("wangan_session={}", v.split(';').next().unwrap()))
        .expect("a session cookie")
}

/// A register's list pages through every record, newest first (it once showed the newest 200
/// and no way to the rest).
#[test]
fn a_register_list_pages_through_every_record() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    let s = Srv::start(&dir, None);
    let op = bearer(&token(&dir, "operator"));
    for i in 1..=205 {
        let body = format!(
            "{{\"title\":\"扫描 {i}\",\"grade\":\"general\",\"discovered_at\":\"2026-01-01T10:00:00+08:00\"}}"
        );
        let r = http(
            s.http,
            "POST",
            "/api/v1/registers/incident",
            &[("Authorization", &op), ("Content-Type", "application/json")],
            body.as_bytes(),
        );
        assert_eq!(r.status, 201, "{}", r.text());
    }
    let cookie = session(&s, "admin", &s.admin_password);
    let get = |q: &str| {
        let r = http(
            s.http,
            "GET",
            &format!("/console/registers/incident{q}"),
            &[("Cookie", &cookie), ("Accept-Language", "en")],
            b"",
        );
        assert_eq!(r.status, 200, "{q}: {}", r.text());
        r.text()
    };
    let rows = |page: &str| page.matches("<th scope=\"row\">").count();
    let first = get("");
    assert_eq!(rows(&first), 200, "{first}");
    assert!(first.contains("扫描 205"), "newest first");
    assert!(
        !first.contains("扫描 5<"),
        "the oldest are on the next page"
    );
    assert!(first.contains("href=\"/console/registers/incident?page=2\""));
    assert!(!first.contains("rel=\"prev\""));
    let second = get("?page=2");
    assert_eq!(rows(&second), 5, "{second}");
    for i in 1..=5 {
        assert!(second.contains(&format!("扫描 {i}<")), "{i}: {second}");
    }
    assert!(second.contains("href=\"/console/registers/incident?page=1\""));
    assert!(!second.contains("rel=\"next\""));
    assert!(second.contains("201–205"), "{second}");
    // past the end, and nonsense: never an error page
    assert_eq!(rows(&get("?page=3")), 0);
    assert!(get("?page=3").contains("/console/registers/incident\""));
    assert_eq!(rows(&get("?page=x")), 200);
    assert_eq!(rows(&get("?page=0")), 200);
    assert_eq!(rows(&get("?page=99999999999999999999999")), 200);
    // the API pages with limit and offset, and names a bad one
    let api = |q: &str| {
        http(
            s.http,
            "GET",
            &format!("/api/v1/registers/incident{q}"),
            &[("Authorization", &op)],
            b"",
        )
    };
    let all = api("").json();
    assert_eq!(all["total"], 205);
    assert_eq!(all["records"].as_array().unwrap().len(), 205);
    let last = api("?limit=2&offset=203").json();
    let titles: Vec<&str> = last["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["data"]["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["扫描 2", "扫描 1"]);
    assert_eq!(api("?offset=205").json()["records"], serde_json::json!([]));
    let r = http(
        s.http,
        "GET",
        "/api/v1/incidents?limit=1",
        &[("Authorization", &op)],
        b"",
    );
    assert_eq!(
        r.json()["records"].as_array().unwrap().len(),
        1,
        "{}",
        r.text()
    );
    for (q, name) in [
        ("?limit=0", "limit"),
        ("?limit=501", "limit"),
        ("?offset=-1", "offset"),
        ("?limit=x&offset=1", "limit"),
        ("?page=2", "page"),
    ] {
        let r = api(q);
        assert_eq!(r.status, 400, "{q}: {}", r.text());
        assert_eq!(r.json()["errors"][0]["name"], name, "{q}");
    }
    s.stop();
}

/// A password hash an older wangan wrote (argon2id m=19456,t=2) is replaced with one in
/// today's parameters when its user signs in, and the password goes on working.
#[test]
fn an_older_password_hash_is_upgraded_at_sign_in() {
    const OLD: &str = "$argon2id$v=19$m=19456,t=2,p=1$tqosn+Sgmo2jg+EWmy/tGQ$4PdPplVGvfOZCY8rfrb/eiIuxw7VgUkKnX0qvqr4xv0";
    const PASSWORD: &str = "an older wangan's password";
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    let s = Srv::start(&dir, None);
    add_user(&dir, "old", "auditor", "a password for now only");
    let file = dir.join("users.json");
    let hash_of = || -> String {
        let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
        v["users"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["name"] == "old")
            .unwrap()["hash"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let now = hash_of();
    let text = std::fs::read_to_string(&file).unwrap().replace(&now, OLD);
    std::fs::write(&file, text).unwrap();
    assert_eq!(hash_of(), OLD);
    std::thread::sleep(std::time::Duration::from_millis(300)); // the store reloads the file
    session(&s, "old", PASSWORD);
    let upgraded = hash_of();
    assert!(
        upgraded.starts_with("$argon2id$v=19$m=7168,t=5,p=1$"),
        "{upgraded}"
    );
    session(&s, "old", PASSWORD);
    assert_eq!(hash_of(), upgraded, "upgraded once");
    assert!(s.log().contains("password hash upgraded"), "{}", s.log());
    s.stop();
}

/// An incident recorded after it was handled: given `handling_ended_at`, the console form and
/// the API record it closed at once (it was refused: the status is wangan's, and it started
/// open), with its times checked as `close` checks them; an edit that sets the end of
/// handling closes an open incident, and the history says `close`.
#[test]
fn an_incident_is_recorded_as_already_handled() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    let s = Srv::start(&dir, None);
    let op = bearer(&token(&dir, "operator"));
    let call = |method: &str, path: &str, body: &str| {
        http(
            s.http,
            method,
            path,
            &[("Authorization", &op), ("Content-Type", "application/json")],
            body.as_bytes(),
        )
    };
    let r = call(
        "POST",
        "/api/v1/registers/incident",
        r#"{"title":"钓鱼邮件","grade":"general","discovered_at":"2026-01-01T10:00:00+08:00","handling_ended_at":"2026-01-02T18:00:00+08:00"}"#,
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let v = r.json();
    assert_eq!(v["status"], "closed", "{v}");
    let id = v["id"].as_str().unwrap().to_owned();
    let v = call("GET", &format!("/api/v1/registers/incident/{id}"), "").json();
    assert_eq!(v["history"].as_array().unwrap().len(), 1, "{v}");
    assert_eq!(v["history"][0]["action"], "create");
    // the end of handling before the discovery: refused, naming the field
    let r = call(
        "POST",
        "/api/v1/registers/incident",
        r#"{"title":"x","grade":"general","discovered_at":"2026-01-03T10:00:00+08:00","handling_ended_at":"2026-01-02T18:00:00+08:00"}"#,
    );
    assert_eq!(r.status, 400, "{}", r.text());
    assert_eq!(r.json()["errors"][0]["name"], "handling_ended_at");
    // the status stays wangan's
    let r = call(
        "POST",
        "/api/v1/registers/incident",
        r#"{"title":"x","grade":"general","discovered_at":"2026-01-01T10:00:00+08:00","status":"closed"}"#,
    );
    assert_eq!(r.status, 400, "{}", r.text());
    assert_eq!(r.json()["errors"][0]["name"], "status");
    // an open incident closed by an edit
    let r = call(
        "POST",
        "/api/v1/registers/incident",
        r#"{"title":"端口扫描","grade":"general","discovered_at":"2026-01-01T10:00:00+08:00"}"#,
    );
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.json()["status"], "open");
    let open = r.json()["id"].as_str().unwrap().to_owned();
    let r = call(
        "PATCH",
        &format!("/api/v1/registers/incident/{open}"),
        r#"{"handling_ended_at":"2026-01-01T12:00:00+08:00"}"#,
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["status"], "closed");
    let v = call("GET", &format!("/api/v1/registers/incident/{open}"), "").json();
    assert_eq!(v["history"][1]["action"], "close", "{v}");
    // the console's form
    let cookie = session(&s, "admin", &s.admin_password);
    let page = http(
        s.http,
        "GET",
        "/console/registers/incident/new",
        &[("Cookie", &cookie)],
        b"",
    );
    assert_eq!(page.status, 200, "{}", page.text());
    let html = page.text();
    assert!(
        html.contains("id=\"f-handling_ended_at\""),
        "the form offers it"
    );
    assert!(html.contains("填写即记为处置结束"), "and says what it does");
    let csrf = html
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|t| t.split('"').next())
        .unwrap()
        .to_owned();
    let body = format!(
        "csrf={csrf}&title={}&grade=major&discovered_at=2026-01-01T10%3A00&handling_ended_at=2026-01-01T11%3A30",
        form("已处置的事件")
    );
    let r = http(
        s.http,
        "POST",
        "/console/registers/incident",
        &[
            ("Cookie", &cookie),
            ("Content-Type", "application/x-www-form-urlencoded"),
        ],
        body.as_bytes(),
    );
    assert_eq!(r.status, 303, "{}", r.text());
    let at = r.header("location").unwrap().to_owned();
    assert!(at.starts_with("/console/registers/incident/INC-"), "{at}");
    let id = at.rsplit('/').next().unwrap();
    let v = call("GET", &format!("/api/v1/registers/incident/{id}"), "").json();
    assert_eq!(v["status"], "closed", "{v}");
    assert_eq!(v["handling_ended_at"], "2026-01-01T11:30:00+08:00");
    // the record's page shows it and its history
    let page = |id: &str| {
        let r = http(
            s.http,
            "GET",
            &format!("/console/registers/incident/{id}"),
            &[("Cookie", &cookie)],
            b"",
        );
        assert_eq!(r.status, 200, "{}", r.text());
        let html = r.text();
        let hist = html.split("id=\"h-hist\"").nth(1).unwrap().to_owned();
        (html, hist)
    };
    let (html, hist) = page(id);
    assert!(html.contains("处置结束"), "the status shown");
    assert!(hist.contains("<td>create</td>"), "{hist}");
    // a major incident: its reports were due long ago, and the dashboard shows it overdue
    let dash = http(s.http, "GET", "/console/", &[("Cookie", &cookie)], b"").text();
    let row = dash
        .split("<tr class=\"clock ")
        .find(|r| r.contains(&format!(">{id}</a>")))
        .unwrap_or_else(|| panic!("{id} on the dashboard: {dash}"));
    assert!(row.starts_with("overdue"), "{row}");
    assert!(row.contains("badge bad"), "{row}");
    // an open incident closed with the console's edit form
    let r = call(
        "POST",
        "/api/v1/registers/incident",
        r#"{"title":"扫描","grade":"general","discovered_at":"2026-01-01T10:00:00+08:00"}"#,
    );
    let open = r.json()["id"].as_str().unwrap().to_owned();
    let body = format!("csrf={csrf}&expected_revision=1&handling_ended_at=2026-01-01T12%3A00");
    let r = http(
        s.http,
        "POST",
        &format!("/console/registers/incident/{open}"),
        &[
            ("Cookie", &cookie),
            ("Content-Type", "application/x-www-form-urlencoded"),
        ],
        body.as_bytes(),
    );
    assert_eq!(r.status, 303, "{}", r.text());
    let (_, hist) = page(&open);
    assert!(hist.contains("<td>close</td>"), "{hist}");
    s.stop();
}
