//! `wangan serve`: run the intake server (syslog UDP/TCP/TLS, HTTP, Elasticsearch bulk API).

use std::io::Write as _;
use std::path::PathBuf;

use clap::Args;
use server::Config;
use server::contract::StoppedDoc;

use crate::out::{Exit, Out, Style, escape, fail};

/// Arguments of `wangan serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Configuration file (wangan.toml, version = 1); without one, embedded defaults:
    /// syslog UDP+TCP on 127.0.0.1:5514, HTTP on 127.0.0.1:8514.
    #[arg(long, value_name = "FILE", env = "WANGAN_CONFIG")]
    config: Option<PathBuf>,
    /// Data directory [default: $WANGAN_DATA_DIR, else `data_dir` of the file, else ./wangan-data].
    #[arg(long, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// Syslog UDP address, or `off` (overrides the file).
    #[arg(long, value_name = "ADDR")]
    syslog_udp: Option<String>,
    /// Syslog TCP address, or `off` (overrides the file).
    #[arg(long, value_name = "ADDR")]
    syslog_tcp: Option<String>,
    /// Syslog TLS address, or `off` (overrides the file; needs `[tls]` in the file).
    #[arg(long, value_name = "ADDR")]
    syslog_tls: Option<String>,
    /// HTTP address, or `off` (overrides the file).
    #[arg(long, value_name = "ADDR")]
    http: Option<String>,
}

fn config_err(msg: String) -> anyhow::Error {
    fail(Exit::Config, msg)
}

fn server_err(e: server::Error, out: Out) -> anyhow::Error {
    use server::ErrorKind as K;
    let code = match e.kind() {
        K::Config | K::Tls => Exit::Config,
        K::Io => Exit::IoErr,
        _ => match e.vault_error().map(|v| v.kind()) {
            Some(vault::ErrorKind::NotFound) => Exit::NoInput,
            Some(vault::ErrorKind::Corrupt) | Some(vault::ErrorKind::Crypto) => Exit::DataErr,
            Some(vault::ErrorKind::Config) => Exit::Config,
            _ => Exit::IoErr,
        },
    };
    let what = match e.kind() {
        K::Config => out.t("配置无效", "invalid configuration"),
        K::Tls => out.t("TLS 证书或密钥无效", "invalid TLS certificate or key"),
        K::Io => out.t("无法监听", "cannot listen"),
        _ => out.t("无法打开日志库", "cannot open the vault"),
    };
    fail(code, format!("{what}: {e}"))
}

fn resolve(args: &ServeArgs, out: Out) -> anyhow::Result<Config> {
    let mut cfg = match &args.config {
        Some(p) => Config::load(p).map_err(|e| server_err(e, out))?,
        None => Config::defaults(),
    };
    if let Some(d) = &args.data_dir {
        cfg.data_dir = d.clone();
    } else if let Some(d) = std::env::var_os("WANGAN_DATA_DIR").filter(|d| !d.is_empty()) {
        cfg.data_dir = PathBuf::from(d);
    }
    let set = |v: &Option<String>, key: &str, slot: &mut Option<std::net::SocketAddr>| {
        if let Some(s) = v {
            *slot =
                server::config::parse_listen(s).map_err(|e| config_err(format!("--{key}: {e}")))?;
        }
        Ok::<_, anyhow::Error>(())
    };
    set(&args.syslog_udp, "syslog-udp", &mut cfg.syslog_udp)?;
    set(&args.syslog_tcp, "syslog-tcp", &mut cfg.syslog_tcp)?;
    set(&args.syslog_tls, "syslog-tls", &mut cfg.syslog_tls)?;
    set(&args.http, "http", &mut cfg.http)?;
    cfg.check().map_err(config_err)?;
    Ok(cfg)
}

fn json_line(v: &impl serde::Serialize) {
    let mut o = std::io::stdout().lock();
    let line = serde_json::to_string(v).expect("a document serialises");
    let _ = writeln!(o, "{line}");
    let _ = o.flush();
}

fn print_first_run(f: &server::FirstRun, cfg: &Config, out: Out) {
    if out.json {
        json_line(&f.document(&cfg.data_dir));
        return;
    }
    let dir = escape(&cfg.data_dir.display().to_string(), false).into_owned();
    if f.vault_created {
        println!(
            "{} {dir}",
            out.paint(
                Style::Green,
                out.t("首次运行：已创建日志库", "first run: vault created in")
            )
        );
    }
    println!("  {}: {}", out.t("日志标识", "origin"), f.origin);
    println!(
        "  {}: {}",
        out.t("审计公钥 (Ed25519)", "auditor key (Ed25519)"),
        f.ed25519_verifier_key
    );
    println!(
        "  {}: {}",
        out.t("SM2 公钥编号", "SM2 key id"),
        f.sm2_key_id
    );
    println!(
        "  {}: {}",
        out.t("采集令牌 (ingest)", "ingest token"),
        out.paint(Style::Bold, &f.token.token)
    );
    println!(
        "  {}",
        out.paint(
            Style::Yellow,
            out.t(
                "令牌只显示这一次，只保存其 SHA-256。请把公钥与检查点副本保存在本机之外。",
                "the token is shown only this once (only its SHA-256 is stored). Keep a copy of the public keys and checkpoints off this host."
            )
        )
    );
}

fn print_first_admin(a: &server::FirstAdmin, cfg: &Config, out: Out) {
    let url = cfg.http.map(|h| {
        let scheme = if cfg.tls.as_ref().is_some_and(|t| t.http) {
            "https"
        } else {
            "http"
        };
        format!("{scheme}://{h}/console/")
    });
    if out.json {
        json_line(&a.document(url.as_deref()));
        return;
    }
    println!(
        "{} {}",
        out.paint(
            Style::Green,
            out.t("控制台首个管理员：", "console: first administrator")
        ),
        a.name
    );
    println!(
        "  {}: {}",
        out.t("密码", "password"),
        out.paint(Style::Bold, &a.password)
    );
    if let Some(u) = url {
        println!("  {}: {u}", out.t("地址", "address"));
    }
    println!(
        "  {}",
        out.paint(
            Style::Yellow,
            out.t(
                "密码只显示这一次（只保存其 argon2id 哈希）；可用 wangan user passwd admin 修改。",
                "the password is shown only this once (only its argon2id hash is stored); change it with `wangan user passwd admin`."
            )
        )
    );
}

fn print_bound(b: &server::Bound, out: Out) {
    if out.json {
        json_line(&b.document());
        return;
    }
    let http_name = if b.tls_http { "https" } else { "http" };
    for (name, a) in [
        ("syslog udp", b.syslog_udp),
        ("syslog tcp", b.syslog_tcp),
        ("syslog tls", b.syslog_tls),
        (http_name, b.http),
    ] {
        if let Some(a) = a {
            println!("{} {name} {a}", out.t("监听", "listening"));
        }
    }
    println!(
        "{}",
        out.paint(
            Style::Dim,
            out.t(
                "按 Ctrl-C 或发送 SIGTERM 停止（会提交并签署检查点）。",
                "stop with Ctrl-C or SIGTERM (commits and signs a checkpoint)."
            )
        )
    );
    let _ = std::io::stdout().flush();
}

/// Set glibc's allocator for a long-running, many-threaded server, before its threads
/// start: every allocation of 256 KiB or more (block buffers, a search's decompressed
/// blocks, a password hash's 7 MiB) is mapped on its own and given back when freed — by
/// default glibc raises that threshold after the first such free and from then on keeps
/// them in its heaps — and one arena (glibc's per-thread caches still serve small
/// allocations without a lock). Measured with `cargo xtask bench console` at 300 000 records
/// (release): the console's added peak was 72.4 MiB before the console's own fixes, 24.5 MiB
/// with them and glibc's defaults for arenas (up to 8 per CPU; 23.0 with 2, 28.5 with 4)
/// and 19.8–20.4 MiB with one; `cargo xtask bench intake` showed no change in records/s
/// within its noise. An operator can still choose: `GLIBC_TUNABLES=glibc.malloc.arena_max=N`
/// (or `…mmap_threshold=N`) in the environment is left as set.
///
/// The one `unsafe` of the workspace: a call into the C library that only sets two of its
/// allocator's parameters (the `libc` crate's binding is as unsafe).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
fn tune_allocator() {
    const M_MMAP_THRESHOLD: i32 = -3;
    const M_ARENA_MAX: i32 = -8;
    unsafe extern "C" {
        fn mallopt(param: i32, value: i32) -> i32;
    }
    let tunables = std::env::var("GLIBC_TUNABLES").unwrap_or_default();
    // SAFETY: mallopt(3) takes two ints and changes only allocator parameters; it is called
    // before the server starts any thread.
    unsafe {
        if !tunables.contains("malloc.mmap_threshold") {
            mallopt(M_MMAP_THRESHOLD, 256 * 1024);
        }
        if !tunables.contains("malloc.arena_max") {
            mallopt(M_ARENA_MAX, 1);
        }
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn tune_allocator() {}

/// Run `wangan serve`.
pub fn run(args: ServeArgs, out: Out) -> anyhow::Result<Exit> {
    tune_allocator();
    let cfg = resolve(&args, out)?;
    let prepared = server::prepare(&cfg).map_err(|e| server_err(e, out))?;
    if let Some(f) = &prepared.first_run {
        print_first_run(f, &cfg, out);
    }
    if let Some(a) = &prepared.first_admin {
        print_first_admin(a, &cfg, out);
    }
    let end =
        server::run(cfg, prepared, |b| print_bound(b, out)).map_err(|e| server_err(e, out))?;
    match end {
        server::Final::Signed { size } => {
            if out.json {
                json_line(&StoppedDoc::signed(size));
            } else {
                eprintln!(
                    "{} ({size} {})",
                    out.t(
                        "已停止，最终检查点已签署",
                        "stopped; final checkpoint signed"
                    ),
                    out.t("条记录", "records")
                );
            }
            Ok(Exit::Ok)
        }
        server::Final::NotSigned { error } => {
            if out.json {
                json_line(&StoppedDoc::unsigned(error.clone()));
            }
            Err(fail(
                Exit::IoErr,
                format!(
                    "{}: {error}",
                    out.t(
                        "已停止，但未能签署最终检查点（已确认的记录在预写日志中，下次启动时补签）",
                        "stopped without a final checkpoint (acknowledged records are in the write-ahead log; the next start checkpoints them)"
                    )
                ),
            ))
        }
    }
}
