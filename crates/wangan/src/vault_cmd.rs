//! `wangan vault …`: the log vault (init, ingest, verify, checkpoint, query, prune).

use std::io::{BufRead, BufReader, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand, ValueEnum};
use serde_json::json;
use vault::{Incoming, InitOptions, Order, Query, Retention, Store, Vault, VerifyOptions};

use crate::out::{Exit, Out, Style, escape, fail, usage};

/// Arguments of `wangan vault`.
#[derive(Debug, Args)]
pub struct VaultArgs {
    #[command(subcommand)]
    command: VaultCommand,
}

/// Where the vault lives.
#[derive(Debug, Args)]
struct DataDir {
    /// Data directory of the vault [default: $WANGAN_DATA_DIR, else ./wangan-data].
    #[arg(
        long,
        value_name = "DIR",
        env = "WANGAN_DATA_DIR",
        default_value = "./wangan-data"
    )]
    data_dir: PathBuf,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum HashArg {
    /// SHA-256 (default).
    Sha256,
    /// SM3 (GB/T 32905).
    Sm3,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum OrderArg {
    /// Oldest first.
    Oldest,
    /// Newest first.
    Newest,
}

#[derive(Debug, Subcommand)]
enum VaultCommand {
    /// Create a vault: keys, config, first checkpoint (创建日志库).
    Init {
        #[command(flatten)]
        dir: DataDir,
        /// How long logs are kept: at least six calendar months ('6 months', '1 year', '200 days').
        #[arg(long, default_value = "6 months")]
        retention: String,
        /// Tree hash, fixed for the log's life.
        #[arg(long, value_enum, default_value_t = HashArg::Sha256)]
        hash: HashArg,
        /// Seal a segment when its raw records reach this many bytes.
        #[arg(long, value_name = "BYTES", default_value_t = vault::DEFAULT_SEGMENT_SIZE)]
        segment_size: u64,
    },
    /// Store log lines (RFC 5424, RFC 3164, NDJSON or plain), one record per line (写入日志).
    Ingest {
        #[command(flatten)]
        dir: DataDir,
        /// Source name recorded with every record (e.g. the device).
        #[arg(long)]
        source: String,
        /// Files to read; standard input when none.
        files: Vec<PathBuf>,
    },
    /// Check that nothing was changed, removed, inserted or reordered (校验完整性).
    Verify {
        #[command(flatten)]
        dir: DataDir,
        /// Structure only: headers, footers, CRCs, chain, signatures (no decompression).
        #[arg(long)]
        quick: bool,
        /// A checkpoint kept outside the store (detects rollback, truncation, replacement).
        #[arg(long, value_name = "FILE")]
        trusted_checkpoint: Vec<PathBuf>,
    },
    /// Print the latest signed checkpoint (打印签名检查点).
    Checkpoint {
        #[command(flatten)]
        dir: DataDir,
        /// Sign a fresh checkpoint first (run on a steady cadence so silence is provable).
        #[arg(long)]
        new: bool,
    },
    /// Find records by time, source, host, app, severity and text (查询日志).
    Query {
        #[command(flatten)]
        dir: DataDir,
        /// From this time (RFC 3339 or YYYY-MM-DD, UTC), inclusive.
        #[arg(long, value_name = "T")]
        from: Option<String>,
        /// Up to this time (RFC 3339 or YYYY-MM-DD, UTC), exclusive.
        #[arg(long, value_name = "T")]
        to: Option<String>,
        /// Only this source (repeatable).
        #[arg(long)]
        source: Vec<String>,
        /// Only this host (repeatable).
        #[arg(long)]
        host: Vec<String>,
        /// Only this app (repeatable).
        #[arg(long)]
        app: Vec<String>,
        /// Severity at most this (0 emergency … 7 debug).
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(0..=7))]
        severity: Option<u8>,
        /// Text that must occur: whole words, IPs, ids, or Chinese text (repeatable: all must match).
        #[arg(long, value_name = "TEXT")]
        grep: Vec<String>,
        /// At most this many records.
        #[arg(long, value_name = "N")]
        limit: Option<usize>,
        /// Order of results.
        #[arg(long, value_enum, default_value_t = OrderArg::Oldest)]
        order: OrderArg,
    },
    /// Delete segments older than the retention, leaving signed tombstones (按留存期清理).
    Prune {
        #[command(flatten)]
        dir: DataDir,
        /// Only list what would be deleted.
        #[arg(long)]
        dry_run: bool,
    },
}

/// Run a `wangan vault` command.
pub fn run(args: VaultArgs, out: Out) -> anyhow::Result<Exit> {
    match args.command {
        VaultCommand::Init {
            dir,
            retention,
            hash,
            segment_size,
        } => init(&dir.data_dir, &retention, hash, segment_size, out),
        VaultCommand::Ingest { dir, source, files } => ingest(&dir.data_dir, &source, &files, out),
        VaultCommand::Verify {
            dir,
            quick,
            trusted_checkpoint,
        } => verify(&dir.data_dir, quick, &trusted_checkpoint, out),
        VaultCommand::Checkpoint { dir, new } => checkpoint(&dir.data_dir, new, out),
        VaultCommand::Query {
            dir,
            from,
            to,
            source,
            host,
            app,
            severity,
            grep,
            limit,
            order,
        } => {
            let q = Query {
                from: from.as_deref().map(|t| parse_time(t, out)).transpose()?,
                to: to.as_deref().map(|t| parse_time(t, out)).transpose()?,
                sources: source,
                hosts: host,
                apps: app,
                max_severity: severity,
                terms: grep,
                limit,
                order: match order {
                    OrderArg::Oldest => Order::Oldest,
                    OrderArg::Newest => Order::Newest,
                },
            };
            query(&dir.data_dir, &q, out)
        }
        VaultCommand::Prune { dir, dry_run } => prune(&dir.data_dir, dry_run, out),
    }
}

/// Map a library error to an exit code and a localised message.
fn lib_err(e: vault::Error, out: Out) -> anyhow::Error {
    use vault::ErrorKind as K;
    let (code, zh) = match e.kind() {
        K::NotFound => (Exit::NoInput, "找不到日志库"),
        K::AlreadyExists => (Exit::Usage, "日志库已存在"),
        K::Config => (Exit::Usage, "配置无效"),
        K::Corrupt => (Exit::DataErr, "日志库已损坏"),
        K::Crypto => (Exit::DataErr, "密钥或签名无效"),
        K::Locked => (Exit::IoErr, "日志库正被另一进程写入"),
        K::Refused => (Exit::Findings, "操作被拒绝"),
        K::Io => (Exit::IoErr, "读写失败"),
        _ => (Exit::Software, "内部错误"),
    };
    let msg = match out.lang {
        crate::out::Lang::Zh => format!("{zh}: {e}"),
        crate::out::Lang::En => e.to_string(),
    };
    fail(code, msg)
}

fn parse_time(s: &str, out: Out) -> anyhow::Result<i64> {
    if let Some(t) = vault::clock::parse_rfc3339(s) {
        return Ok(vault::clock::to_ns(t));
    }
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    if let Ok(d) = time::Date::parse(s, &fmt) {
        return Ok(vault::clock::to_ns(d.midnight().assume_utc()));
    }
    Err(usage(format!(
        "{}: {s:?}",
        out.t(
            "时间格式应为 RFC 3339 或 YYYY-MM-DD",
            "time must be RFC 3339 or YYYY-MM-DD"
        )
    )))
}

fn init(
    dir: &Path,
    retention: &str,
    hash: HashArg,
    segment_size: u64,
    out: Out,
) -> anyhow::Result<Exit> {
    let retention = Retention::parse(retention).map_err(|e| lib_err(e, out))?;
    let opts = InitOptions {
        hash: match hash {
            HashArg::Sha256 => vault::HashAlg::Sha256,
            HashArg::Sm3 => vault::HashAlg::Sm3,
        },
        retention,
        segment_size,
        ..InitOptions::default()
    };
    let v = Vault::init(dir, &opts).map_err(|e| lib_err(e, out))?;
    let keys = v.public_keys();
    if out.json {
        out.print_json(&json!({
            "schema": "wangan.vault.init/1",
            "data_dir": dir.display().to_string(),
            "origin": keys.name,
            "hash": opts.hash.name(),
            "retention": retention.to_string(),
            "ed25519_verifier_key": keys.ed25519_verifier_key(),
            "sm2_public_key": keys.sm2_hex(),
        }))?;
    } else {
        println!(
            "{} {}",
            out.paint(Style::Green, out.t("已创建日志库", "vault created")),
            escape(&dir.display().to_string(), false)
        );
        println!("  {}: {}", out.t("日志标识", "origin"), keys.name);
        println!(
            "  {}: {}  {}: {retention}",
            out.t("哈希", "hash"),
            opts.hash.name(),
            out.t("留存", "retention")
        );
        println!(
            "  {}: {}",
            out.t("审计公钥 (Ed25519)", "auditor key (Ed25519)"),
            keys.ed25519_verifier_key()
        );
        println!(
            "  {}: {}",
            out.t("公钥文件", "public keys"),
            escape(&dir.join("keys").display().to_string(), false)
        );
        println!(
            "  {}",
            out.paint(
                Style::Dim,
                out.t(
                    "请把公钥与检查点副本保存在本机之外。",
                    "keep a copy of the public keys and of checkpoints off this host."
                )
            )
        );
    }
    Ok(Exit::Ok)
}

fn now_ns() -> i64 {
    vault::clock::to_ns(time::OffsetDateTime::now_utc())
}

struct IngestStats {
    records: u64,
    empty: u64,
}

fn ingest_reader(
    v: &mut Vault,
    source: &str,
    transport: &str,
    r: impl Read,
    bar: Option<&indicatif::ProgressBar>,
    st: &mut IngestStats,
    out: Out,
) -> anyhow::Result<()> {
    let mut rd = BufReader::with_capacity(1 << 20, r);
    let mut line = Vec::with_capacity(4096);
    let mut n = 0u64;
    loop {
        line.clear();
        let k = rd.read_until(b'\n', &mut line)?;
        if k == 0 {
            break;
        }
        if let Some(b) = bar {
            b.inc(k as u64);
        }
        let mut l: &[u8] = &line;
        if l.last() == Some(&b'\n') {
            l = &l[..l.len() - 1];
        }
        if l.last() == Some(&b'\r') {
            l = &l[..l.len() - 1];
        }
        if l.is_empty() {
            st.empty += 1;
            continue;
        }
        v.append(&Incoming {
            received_ns: now_ns(),
            source,
            peer: "-",
            transport,
            raw: l,
        })
        .map_err(|e| lib_err(e, out))?;
        st.records += 1;
        n += 1;
        if n.is_multiple_of(65536) {
            v.commit().map_err(|e| lib_err(e, out))?;
        }
    }
    Ok(())
}

fn ingest(dir: &Path, source: &str, files: &[PathBuf], out: Out) -> anyhow::Result<Exit> {
    if source.is_empty() || source.contains(char::is_control) {
        return Err(usage(out.t(
            "--source 不能为空或含控制字符",
            "--source must be non-empty and free of control characters",
        )));
    }
    for f in files {
        if !f.exists() {
            return Err(fail(
                Exit::NoInput,
                format!(
                    "{}: {}",
                    out.t("找不到文件", "no such file"),
                    escape(&f.display().to_string(), false)
                ),
            ));
        }
    }
    let mut v = Vault::open(dir).map_err(|e| lib_err(e, out))?;
    let first = v.next_seq();
    let mut st = IngestStats {
        records: 0,
        empty: 0,
    };
    let tty = std::io::stderr().is_terminal();
    if files.is_empty() {
        let stdin = std::io::stdin();
        ingest_reader(&mut v, source, "stdin", stdin.lock(), None, &mut st, out)?;
    }
    for f in files {
        let file = std::fs::File::open(f).map_err(|e| {
            fail(
                Exit::NoInput,
                format!("{}: {e}", escape(&f.display().to_string(), false)),
            )
        })?;
        let len = file.metadata().map(|m| m.len()).unwrap_or(0);
        let bar = (tty && len > 8 << 20).then(|| {
            let b = indicatif::ProgressBar::new(len);
            if let Ok(s) = indicatif::ProgressStyle::with_template(
                "{bar:40} {bytes}/{total_bytes} {bytes_per_sec} {eta}",
            ) {
                b.set_style(s);
            }
            b
        });
        ingest_reader(&mut v, source, "file", file, bar.as_ref(), &mut st, out)?;
        if let Some(b) = bar {
            b.finish_and_clear();
        }
    }
    let info = v.commit().map_err(|e| lib_err(e, out))?;
    // a batch ingest ends with its records sealed: compressed, indexed, immutable
    let tail = v.seal().map_err(|e| lib_err(e, out))?;
    if tail.is_some() {
        v.checkpoint_now().map_err(|e| lib_err(e, out))?;
    }
    let (size, root) = v.committed();
    drop(v);
    if out.json {
        out.print_json(&json!({
            "schema": "wangan.vault.ingest/1",
            "records": st.records,
            "empty_lines_skipped": st.empty,
            "first_seq": (st.records > 0).then_some(first),
            "last_seq": (st.records > 0).then(|| first + st.records - 1),
            "tree_size": size,
            "root": root.b64(),
            "sealed": info.map(|i| i.sealed).unwrap_or_default().into_iter().chain(tail).collect::<Vec<_>>(),
        }))?;
    } else {
        println!(
            "{} {} {} (seq {}..{}), {} {}; {} {size}",
            out.paint(Style::Green, out.t("已写入", "stored")),
            st.records,
            out.t("条记录", "records"),
            first,
            (first + st.records).saturating_sub(1),
            out.t("跳过空行", "empty lines skipped"),
            st.empty,
            out.t("检查点覆盖记录数", "checkpoint covers"),
        );
    }
    Ok(Exit::Ok)
}

fn open_store(dir: &Path, out: Out) -> anyhow::Result<Store> {
    Store::open(dir).map_err(|e| lib_err(e, out))
}

fn verify(dir: &Path, quick: bool, trusted: &[PathBuf], out: Out) -> anyhow::Result<Exit> {
    let store = open_store(dir, out)?;
    let mut tcs = Vec::new();
    for p in trusted {
        let text = std::fs::read_to_string(p).map_err(|e| {
            fail(
                Exit::NoInput,
                format!("{}: {e}", escape(&p.display().to_string(), false)),
            )
        })?;
        let c = vault::SignedCheckpoint::parse(&text).map_err(|e| {
            fail(
                Exit::DataErr,
                format!("{}: {e}", escape(&p.display().to_string(), false)),
            )
        })?;
        tcs.push(c);
    }
    let tty = std::io::stderr().is_terminal() && !quick && store.size() > 1_000_000;
    let bar = tty.then(|| indicatif::ProgressBar::new(store.size()));
    let progress = |n: u64| {
        if let Some(b) = &bar {
            b.set_position(n);
        }
    };
    let opts = VerifyOptions {
        quick,
        trusted: tcs,
        trusted_keys: None,
        progress: Some(&progress),
    };
    let report = vault::verify(&store, &opts).map_err(|e| lib_err(e, out))?;
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    if out.json {
        out.print_json(&report.to_json())?;
    } else {
        let mode = if quick {
            out.t("快速", "quick")
        } else {
            out.t("完整", "full")
        };
        if report.is_intact() {
            println!(
                "{} ({mode}): {} {}, {} {}, {} {}",
                out.paint(Style::Green, out.t("完整无损", "intact")),
                report.size,
                out.t("条记录", "records"),
                report.segments,
                out.t("个段", "segments"),
                report.checkpoints,
                out.t("个检查点", "checkpoints")
            );
        } else {
            println!(
                "{} ({mode}): {} {}",
                out.paint(Style::Red, out.t("发现问题", "problems found")),
                report.size,
                out.t("条记录", "records")
            );
        }
        for f in &report.findings {
            let style = match f.severity {
                vault::Severity::Error => Style::Red,
                vault::Severity::Warning => Style::Yellow,
                vault::Severity::Info => Style::Dim,
            };
            let mut loc = String::new();
            if let Some(s) = &f.segment {
                loc.push_str(&format!(" [{}]", escape(s, false)));
            }
            if let Some((a, b)) = f.seq {
                loc.push_str(&format!(" seq {a}..{b}"));
            }
            if let Some((a, b)) = f.time {
                loc.push_str(&format!(
                    " {}..{}",
                    vault::clock::rfc3339_ns(a),
                    vault::clock::rfc3339_ns(b)
                ));
            }
            if !f.sources.is_empty() {
                loc.push_str(&format!(" source {}", escape(&f.sources.join(","), false)));
            }
            println!(
                "  {} {}{}: {}",
                out.paint(style, f.severity.name()),
                out.paint(Style::Cyan, f.kind),
                loc,
                escape(&f.message, false)
            );
        }
    }
    Ok(if report.is_intact() {
        Exit::Ok
    } else {
        Exit::Findings
    })
}

fn checkpoint(dir: &Path, new: bool, out: Out) -> anyhow::Result<Exit> {
    let cp = if new {
        let mut v = Vault::open(dir).map_err(|e| lib_err(e, out))?;
        v.checkpoint_now().map_err(|e| lib_err(e, out))?
    } else {
        let store = open_store(dir, out)?;
        store
            .latest_checkpoint()
            .map_err(|e| lib_err(e, out))?
            .ok_or_else(|| fail(Exit::NoInput, out.t("还没有检查点", "no checkpoint yet")))?
    };
    if out.json {
        out.print_json(&json!({
            "schema": "wangan.vault.checkpoint/1",
            "origin": cp.checkpoint.origin,
            "size": cp.checkpoint.size,
            "root": cp.checkpoint.root.b64(),
            "time": vault::clock::rfc3339_ns(cp.checkpoint.time_ns),
            "hash": cp.checkpoint.hash.name(),
            "note": cp.to_string(),
        }))?;
    } else {
        print!("{}", escape(&cp.to_string(), true));
    }
    Ok(Exit::Ok)
}

fn query(dir: &Path, q: &Query, out: Out) -> anyhow::Result<Exit> {
    let store = open_store(dir, out)?;
    let stdout = std::io::stdout();
    let mut w = std::io::BufWriter::new(stdout.lock());
    let mut n = 0u64;
    for r in vault::query(&store, q) {
        let r = r.map_err(|e| lib_err(e, out))?;
        let rec = &r.record;
        let raw = String::from_utf8_lossy(&rec.raw);
        if out.json {
            let mut o = json!({
                "seq": rec.seq,
                "received_at": vault::clock::rfc3339_ns(rec.received_ns),
                "source": rec.source,
                "peer": rec.peer,
                "transport": rec.transport,
                "raw": raw,
            });
            if std::str::from_utf8(&rec.raw).is_err() {
                o["raw_hex"] = json!(
                    rec.raw
                        .iter()
                        .map(|b| format!("{b:02x}"))
                        .collect::<String>()
                );
            }
            if let Some(p) = &r.parsed {
                o["event_time"] = json!(p.event_time.map(vault::clock::rfc3339));
                o["host"] = json!(p.host);
                o["app"] = json!(p.app);
                o["severity"] = json!(p.severity);
                o["facility"] = json!(p.facility);
                o["message"] = json!(p.message);
                o["fields"] = json!(
                    p.fields
                        .iter()
                        .map(|(k, v)| json!([k, v]))
                        .collect::<Vec<_>>()
                );
            }
            serde_json::to_writer(&mut w, &o)?;
            writeln!(w)?;
        } else {
            writeln!(
                w,
                "{} {} {} {}",
                out.paint(Style::Dim, &rec.seq.to_string()),
                vault::clock::rfc3339_ns(rec.received_ns),
                out.paint(Style::Cyan, &escape(&rec.source, false)),
                escape(&raw, false)
            )?;
        }
        n += 1;
    }
    w.flush()?;
    drop(w);
    if !out.json && n == 0 {
        eprintln!("{}", out.t("没有匹配的记录", "no matching records"));
    }
    Ok(Exit::Ok)
}

fn prune(dir: &Path, dry_run: bool, out: Out) -> anyhow::Result<Exit> {
    let mut v = Vault::open(dir).map_err(|e| lib_err(e, out))?;
    let r = vault::prune(&mut v, &vault::PruneOptions { dry_run }).map_err(|e| lib_err(e, out))?;
    if out.json {
        out.print_json(&json!({
            "schema": "wangan.vault.prune/1",
            "dry_run": r.dry_run,
            "now": vault::clock::rfc3339_ns(r.now_ns),
            "cutoff": vault::clock::rfc3339_ns(r.cutoff_ns),
            "pruned": r.pruned.iter().map(|p| json!({"segment": p.segment, "first_seq": p.first, "last_seq": p.end.saturating_sub(1), "newest": vault::clock::rfc3339_ns(p.newest_ns)})).collect::<Vec<_>>(),
            "refused": r.refused,
        }))?;
    } else {
        println!(
            "{}: {}",
            out.t("可删除早于此时间的段", "segments older than this may go"),
            vault::clock::rfc3339_ns(r.cutoff_ns)
        );
        let verb = if dry_run {
            out.t("将删除", "would prune")
        } else {
            out.t("已删除", "pruned")
        };
        for p in &r.pruned {
            println!(
                "  {verb} {} (seq {}..{}, {} {})",
                p.segment,
                p.first,
                p.end.saturating_sub(1),
                out.t("最新", "newest"),
                vault::clock::rfc3339_ns(p.newest_ns)
            );
        }
        if r.pruned.is_empty() {
            println!("  {}", out.t("没有到期的段", "nothing has expired"));
        }
        if let Some(why) = &r.refused {
            println!(
                "  {}: {}",
                out.paint(Style::Yellow, out.t("停止", "stopped")),
                escape(why, false)
            );
        }
    }
    Ok(Exit::Ok)
}
