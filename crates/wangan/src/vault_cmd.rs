//! `wangan vault …`: the log vault (init, ingest, verify, checkpoint, query, coverage, export,
//! check-bundle, prune).

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

/// Query filters (shared by `query` and `export`).
#[derive(Debug, Args)]
struct Filters {
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
}

impl Filters {
    fn query(self, out: Out) -> anyhow::Result<Query> {
        Ok(Query {
            from: self
                .from
                .as_deref()
                .map(|t| parse_time(t, out))
                .transpose()?,
            to: self.to.as_deref().map(|t| parse_time(t, out)).transpose()?,
            sources: self.source,
            hosts: self.host,
            apps: self.app,
            max_severity: self.severity,
            terms: self.grep,
            limit: self.limit,
            order: match self.order {
                OrderArg::Oldest => Order::Oldest,
                OrderArg::Newest => Order::Newest,
            },
        })
    }
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
        /// Peer address recorded with every record, e.g. the relay the file came from
        /// (default: file:PATH for files, stdin for standard input).
        #[arg(long, value_name = "ADDR")]
        peer: Option<String>,
        /// Transport recorded with every record (default: file, or stdin for standard input).
        #[arg(long, value_name = "NAME")]
        transport: Option<String>,
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
        /// Where the registers live when not in DIR/registers.sqlite (postgres://…); they are
        /// checked against their anchors in the vault.
        #[arg(long, value_name = "URL", env = "WANGAN_REGISTERS")]
        registers: Option<String>,
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
        #[command(flatten)]
        filters: Filters,
    },
    /// Write the matching records with inclusion proofs, the signed checkpoint and the
    /// public keys to one bundle file that anyone can check offline (导出证据包).
    Export {
        #[command(flatten)]
        dir: DataDir,
        #[command(flatten)]
        filters: Filters,
        /// Bundle file to write.
        #[arg(long, short, value_name = "FILE")]
        output: PathBuf,
    },
    /// Check a bundle offline: signatures and every inclusion proof (校验证据包).
    ///
    /// Exit 0 when everything holds, 1 otherwise.
    CheckBundle {
        /// The bundle file.
        file: PathBuf,
        /// The vault's public key obtained out of band: a `keys/ed25519.pub` file, or a
        /// `keys/` directory (ed25519.pub and sm2.pub). Without it the bundle's own keys
        /// are used and their fingerprints must be compared by hand.
        #[arg(long, value_name = "FILE")]
        trusted_key: Option<PathBuf>,
    },
    /// Per source: first and last record, records per day, gaps, six-month coverage (留存覆盖).
    ///
    /// Exit 0 when every source covers the retention window without a gap
    /// longer than --gap, 1 otherwise.
    Coverage {
        #[command(flatten)]
        dir: DataDir,
        /// Silences longer than this are gaps ('1 hour', '30 minutes', '2h').
        #[arg(long, value_name = "DURATION", default_value = "1 hour")]
        gap: String,
        /// Judge coverage at this time (RFC 3339 or YYYY-MM-DD, UTC) instead of now.
        #[arg(long, value_name = "DATE")]
        at: Option<String>,
        /// Count calendar days and months at this UTC offset (e.g. +08:00 for China
        /// Standard Time; default +00:00).
        #[arg(long, value_name = "OFFSET", allow_hyphen_values = true)]
        utc_offset: Option<String>,
        /// Also list the records per day in text output (always in --json).
        #[arg(long)]
        days: bool,
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
        VaultCommand::Ingest {
            dir,
            source,
            peer,
            transport,
            files,
        } => {
            let names = Names {
                source,
                peer,
                transport,
            };
            ingest(&dir.data_dir, &names, &files, out)
        }
        VaultCommand::Verify {
            dir,
            quick,
            trusted_checkpoint,
            registers,
        } => verify(
            &dir.data_dir,
            quick,
            &trusted_checkpoint,
            registers.as_deref(),
            out,
        ),
        VaultCommand::Checkpoint { dir, new } => checkpoint(&dir.data_dir, new, out),
        VaultCommand::Query { dir, filters } => query(&dir.data_dir, &filters.query(out)?, out),
        VaultCommand::Export {
            dir,
            filters,
            output,
        } => export(&dir.data_dir, &filters.query(out)?, &output, out),
        VaultCommand::CheckBundle { file, trusted_key } => {
            check_bundle(&file, trusted_key.as_deref(), out)
        }
        VaultCommand::Prune { dir, dry_run } => prune(&dir.data_dir, dry_run, out),
        VaultCommand::Coverage {
            dir,
            gap,
            at,
            utc_offset,
            days,
        } => {
            let at = match at {
                Some(s) => vault::clock::from_ns(parse_time(&s, out)?),
                None => time::OffsetDateTime::now_utc(),
            };
            let at = match utc_offset {
                Some(o) => at.to_offset(parse_offset(&o, out)?),
                None => at,
            };
            coverage(&dir.data_dir, &gap, at, days, out)
        }
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

/// Source, peer and transport of one input.
struct Origin<'a> {
    source: &'a str,
    peer: &'a str,
    transport: &'a str,
}

fn ingest_reader(
    v: &mut Vault,
    o: &Origin<'_>,
    r: impl Read,
    bar: Option<&indicatif::ProgressBar>,
    st: &mut IngestStats,
    out: Out,
) -> anyhow::Result<()> {
    let mut rd = BufReader::with_capacity(1 << 20, r);
    // the start of a line that the previous read cut
    let mut carry: Vec<u8> = Vec::new();
    let mut n = 0u64;
    let mut last_commit = std::time::Instant::now();
    let mut one = |v: &mut Vault, line: &[u8], received: i64| -> anyhow::Result<()> {
        let mut l = line;
        if l.last() == Some(&b'\r') {
            l = &l[..l.len() - 1];
        }
        if l.is_empty() {
            st.empty += 1;
            return Ok(());
        }
        v.append(&Incoming {
            received_ns: received,
            source: o.source,
            peer: o.peer,
            transport: o.transport,
            raw: l,
        })
        .map_err(|e| lib_err(e, out))?;
        st.records += 1;
        n += 1;
        // a signed checkpoint about every second of a long ingest (the
        // vault itself fsyncs every few MiB)
        if n.is_multiple_of(4096) && last_commit.elapsed() >= std::time::Duration::from_secs(1) {
            v.commit().map_err(|e| lib_err(e, out))?;
            last_commit = std::time::Instant::now();
        }
        Ok(())
    };
    loop {
        let buf = rd.fill_buf()?;
        if buf.is_empty() {
            break;
        }
        // the lines of one read arrived together
        let received = now_ns();
        if let Some(b) = bar {
            b.inc(buf.len() as u64);
        }
        // lines go to the vault straight from the read buffer
        let mut start = 0;
        for nl in memchr::memchr_iter(b'\n', buf) {
            if carry.is_empty() {
                one(v, &buf[start..nl], received)?;
            } else {
                carry.extend_from_slice(&buf[start..nl]);
                one(v, &carry, received)?;
                carry.clear();
            }
            start = nl + 1;
        }
        carry.extend_from_slice(&buf[start..]);
        let len = buf.len();
        rd.consume(len);
    }
    if !carry.is_empty() {
        one(v, &carry, now_ns())?;
    }
    Ok(())
}

/// Names recorded with every ingested record.
struct Names {
    source: String,
    peer: Option<String>,
    transport: Option<String>,
}

fn check_name(flag: &str, value: &str, out: Out) -> anyhow::Result<()> {
    if value.is_empty() || value.contains(char::is_control) || value.len() > 65535 {
        return Err(usage(format!(
            "{flag} {}",
            out.t(
                "不能为空、不能含控制字符、不能超过 65535 字节",
                "must be non-empty, free of control characters and at most 65535 bytes"
            )
        )));
    }
    Ok(())
}

fn ingest(dir: &Path, names: &Names, files: &[PathBuf], out: Out) -> anyhow::Result<Exit> {
    let source = names.source.as_str();
    check_name("--source", source, out)?;
    if let Some(p) = &names.peer {
        check_name("--peer", p, out)?;
    }
    if let Some(t) = &names.transport {
        check_name("--transport", t, out)?;
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
    let tty = std::io::stderr().is_terminal() && !out.json;
    if files.is_empty() {
        let stdin = std::io::stdin();
        let peer = names.peer.as_deref().unwrap_or("stdin");
        let transport = names.transport.as_deref().unwrap_or("stdin");
        // a piped stdin of unknown length gets a byte counter
        let bar = (tty && !stdin.is_terminal()).then(|| {
            let b = indicatif::ProgressBar::new_spinner();
            if let Ok(s) =
                indicatif::ProgressStyle::with_template("{spinner} {bytes} {bytes_per_sec}")
            {
                b.set_style(s);
            }
            b
        });
        let o = Origin {
            source,
            peer,
            transport,
        };
        ingest_reader(&mut v, &o, stdin.lock(), bar.as_ref(), &mut st, out)?;
        if let Some(b) = bar {
            b.finish_and_clear();
        }
    }
    for f in files {
        let file = std::fs::File::open(f).map_err(|e| {
            fail(
                Exit::NoInput,
                format!("{}: {e}", escape(&f.display().to_string(), false)),
            )
        })?;
        let default_peer = format!("file:{}", f.display());
        let peer = match &names.peer {
            Some(p) => p.as_str(),
            None => {
                let end = default_peer.floor_char_boundary(65535);
                &default_peer[..end]
            }
        };
        let transport = names.transport.as_deref().unwrap_or("file");
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
        let o = Origin {
            source,
            peer,
            transport,
        };
        ingest_reader(&mut v, &o, file, bar.as_ref(), &mut st, out)?;
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

fn verify(
    dir: &Path,
    quick: bool,
    trusted: &[PathBuf],
    registers: Option<&str>,
    out: Out,
) -> anyhow::Result<Exit> {
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
    let bar = if quick {
        None
    } else {
        progress_bar(store.size(), out)
    };
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
    // the registers anchored in this vault (crates/registers)
    let location = crate::registers_cmd::location_for(dir, registers)?;
    let regs = crate::registers_cmd::check_against_vault(&store, &location)?;
    let regs_intact = regs.as_ref().is_none_or(|r| r.is_intact());
    if out.json {
        let mut j = report.to_json();
        if let (Some(r), serde_json::Value::Object(o)) = (&regs, &mut j) {
            o.insert("registers".into(), serde_json::to_value(r)?);
            o.insert("intact".into(), (report.is_intact() && regs_intact).into());
        }
        out.print_json(&j)?;
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
        if let Some(r) = &regs {
            crate::registers_cmd::print_verify(r, out);
        }
    }
    Ok(if report.is_intact() && regs_intact {
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

fn parse_gap(s: &str, out: Out) -> anyhow::Result<time::Duration> {
    let t = s.trim();
    // accept "1h", "30m" shorthands as well as what vault.toml understands
    let long = match t.strip_suffix('m') {
        Some(n) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => format!("{n} minutes"),
        _ => t.to_owned(),
    };
    match vault::config::parse_duration(&long) {
        Some(d) if d > time::Duration::ZERO => Ok(d),
        _ => Err(usage(format!(
            "{}: {s:?}",
            out.t(
                "--gap 应为正的时长, 如 '1 hour'、'30 minutes'",
                "--gap must be a positive duration such as '1 hour' or '30 minutes'"
            )
        ))),
    }
}

fn human_duration(d: time::Duration, out: Out) -> String {
    let s = d.whole_seconds();
    let (days, h, m) = (s / 86_400, (s % 86_400) / 3600, (s % 3600) / 60);
    let mut parts = Vec::new();
    if days > 0 {
        parts.push(format!("{days}{}", out.t("天", "d")));
    }
    if h > 0 {
        parts.push(format!("{h}{}", out.t("小时", "h")));
    }
    if m > 0 || parts.is_empty() {
        parts.push(format!("{m}{}", out.t("分", "m")));
    }
    parts.join(out.t("", " "))
}

/// JSON shape `wangan.vault.coverage/1` (documented in crates/vault/DESIGN.md).
fn coverage_json(r: &vault::CoverageReport) -> serde_json::Value {
    let t = vault::clock::rfc3339_ns;
    json!({
        "schema": "wangan.vault.coverage/1",
        "covered": r.all_covered(),
        "at": t(r.at_ns),
        "window": {
            "from": t(r.window_start_ns),
            "to": t(r.at_ns),
            "length": r.window.to_string(),
        },
        "six_months_from": t(r.six_months_start_ns),
        "utc_offset": fmt_offset(r.utc_offset),
        "gap_threshold_seconds": r.gap.whole_seconds(),
        "records": r.records,
        "unreadable": r.unreadable,
        "sources": r.sources.iter().map(|s| json!({
            "source": s.source,
            "records": s.records,
            "first": t(s.first_ns),
            "last": t(s.last_ns),
            "in_window": s.in_window,
            "covers_window": s.covers_window,
            "six_months": s.six_months,
            "gaps": s.gaps.iter().map(|g| json!({
                "from": t(g.from_ns),
                "to": t(g.to_ns),
                "seconds": g.duration().whole_seconds(),
                "before_first": g.at_start,
                "after_last": g.at_end,
            })).collect::<Vec<_>>(),
            "days": s.days.iter().map(|(d, n)| json!([d.to_string(), n])).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

fn fmt_offset(o: time::UtcOffset) -> String {
    let (h, m, _) = o.as_hms();
    let sign = if o.is_negative() { '-' } else { '+' };
    format!("{sign}{:02}:{:02}", h.unsigned_abs(), m.unsigned_abs())
}

fn parse_offset(s: &str, out: Out) -> anyhow::Result<time::UtcOffset> {
    let fmt = time::macros::format_description!("[offset_hour sign:mandatory]:[offset_minute]");
    time::UtcOffset::parse(s.trim(), &fmt).map_err(|_| {
        usage(format!(
            "{}: {s:?}",
            out.t(
                "--utc-offset 应形如 +08:00",
                "--utc-offset must look like +08:00"
            )
        ))
    })
}

fn coverage(
    dir: &Path,
    gap: &str,
    at: time::OffsetDateTime,
    show_days: bool,
    out: Out,
) -> anyhow::Result<Exit> {
    let mut w = std::io::stdout().lock();
    let gap = parse_gap(gap, out)?;
    let store = open_store(dir, out)?;
    let bar = progress_bar(store.size(), out);
    let progress = |n: u64| {
        if let Some(b) = &bar {
            b.set_position(n);
        }
    };
    let opts = vault::CoverageOptions {
        at,
        gap,
        window: None,
    };
    let r = vault::coverage(&store, &opts, Some(&progress)).map_err(|e| lib_err(e, out))?;
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let t = vault::clock::rfc3339_ns;
    if out.json {
        out.print_json(&coverage_json(&r))?;
    } else {
        writeln!(
            w,
            "{} {} .. {} ({} {}, {} UTC{}), {} {}",
            out.t("留存窗口", "retention window"),
            t(r.window_start_ns),
            t(r.at_ns),
            out.t("时长", "length"),
            r.window,
            out.t("日历", "calendar"),
            fmt_offset(r.utc_offset),
            out.t("间断阈值", "gap threshold"),
            human_duration(r.gap, out),
        )?;
        if r.sources.is_empty() {
            writeln!(
                w,
                "  {}",
                out.paint(
                    Style::Red,
                    out.t("日志库中没有记录", "the vault holds no records")
                )
            )?;
        }
        for s in &r.sources {
            let verdict = if s.covers_window {
                out.paint(Style::Green, out.t("覆盖完整", "covered"))
            } else {
                out.paint(Style::Red, out.t("未覆盖", "not covered"))
            };
            let six = if s.six_months {
                out.paint(
                    Style::Green,
                    out.t("连续六个月: 是", "six continuous months: yes"),
                )
            } else {
                out.paint(
                    Style::Yellow,
                    out.t("连续六个月: 否", "six continuous months: no"),
                )
            };
            writeln!(
                w,
                "{} {verdict}; {six}",
                out.paint(Style::Cyan, &escape(&s.source, false))
            )?;
            writeln!(
                w,
                "  {} {}, {} {}; {} {} .. {}",
                s.records,
                out.t("条记录", "records"),
                s.in_window,
                out.t("条在窗口内", "in the window"),
                out.t("首末", "first/last"),
                t(s.first_ns),
                t(s.last_ns),
            )?;
            let quiet = s.days.iter().filter(|(_, n)| *n == 0).count();
            writeln!(
                w,
                "  {} {} / {} {}",
                s.days.len() - quiet,
                out.t("天有记录", "days with records"),
                s.days.len(),
                out.t("天", "days"),
            )?;
            for g in s.gaps.iter().take(20) {
                let what = match (g.at_start, g.at_end) {
                    (true, true) => out.t("窗口内无记录", "no records in the window"),
                    (true, false) => out.t("窗口开始后无记录", "no records from the window start"),
                    (false, true) => out.t("此后无记录", "no records since"),
                    (false, false) => out.t("间断", "gap"),
                };
                writeln!(
                    w,
                    "  {} {} .. {} ({})",
                    out.paint(Style::Yellow, what),
                    t(g.from_ns),
                    t(g.to_ns),
                    human_duration(g.duration(), out)
                )?;
            }
            if s.gaps.len() > 20 {
                writeln!(
                    w,
                    "  … {} {}",
                    s.gaps.len() - 20,
                    out.t("处更多间断 (见 --json)", "more gaps (see --json)")
                )?;
            }
            if show_days {
                for (d, n) in &s.days {
                    writeln!(w, "    {d} {n}")?;
                }
            }
        }
        for u in &r.unreadable {
            writeln!(
                w,
                "  {}: {}",
                out.paint(Style::Red, out.t("无法读取", "unreadable")),
                escape(u, false)
            )?;
        }
    }
    Ok(if r.all_covered() {
        Exit::Ok
    } else {
        Exit::Findings
    })
}

/// A progress bar on stderr for `total` items, only when stderr is a
/// terminal and the output is not JSON.
fn progress_bar(total: u64, out: Out) -> Option<indicatif::ProgressBar> {
    if out.json || !std::io::stderr().is_terminal() || total < 100_000 {
        return None;
    }
    let b = indicatif::ProgressBar::new(total);
    if let Ok(s) =
        indicatif::ProgressStyle::with_template("{bar:40} {human_pos}/{human_len} {per_sec} {eta}")
    {
        b.set_style(s);
    }
    Some(b)
}

fn export(dir: &Path, q: &Query, output: &Path, out: Out) -> anyhow::Result<Exit> {
    let store = open_store(dir, out)?;
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "bundle".into());
    let tmp = output.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
    let file = std::fs::File::create(&tmp).map_err(|e| {
        fail(
            Exit::IoErr,
            format!("{}: {e}", escape(&output.display().to_string(), false)),
        )
    })?;
    let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
    let bar = spinner(out);
    let progress = |n: u64| {
        if let Some(b) = &bar {
            b.set_position(n);
        }
    };
    let res = vault::export(&store, q, &mut w, Some(&progress));
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let done = res.map_err(|e| lib_err(e, out)).and_then(|s| {
        let f = w.into_inner().map_err(|e| e.into_error())?;
        f.sync_all()?;
        std::fs::rename(&tmp, output)?;
        Ok(s)
    });
    let s = match done {
        Ok(s) => s,
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
    };
    let mut w = std::io::stdout().lock();
    let cp = &s.checkpoint;
    if out.json {
        out.print_json(&json!({
            "schema": "wangan.vault.export/1",
            "output": output.display().to_string(),
            "records": s.records,
            "beyond_checkpoint": s.beyond_checkpoint,
            "bytes": s.bytes,
            "checkpoint": {
                "origin": cp.origin,
                "size": cp.size,
                "root": cp.root.b64(),
                "time": vault::clock::rfc3339_ns(cp.time_ns),
                "hash": cp.hash.name(),
            },
        }))?;
    } else {
        writeln!(
            w,
            "{} {} {} → {} ({} {})",
            out.paint(Style::Green, out.t("已导出", "exported")),
            s.records,
            out.t("条记录及其包含证明", "records with inclusion proofs"),
            escape(&output.display().to_string(), false),
            s.bytes,
            out.t("字节", "bytes"),
        )?;
        writeln!(
            w,
            "  {}: {} {}, {} {}",
            out.t("检查点", "checkpoint"),
            cp.size,
            out.t("条记录", "records"),
            out.t("根", "root"),
            cp.root.b64()
        )?;
        if s.beyond_checkpoint > 0 {
            writeln!(
                w,
                "  {}: {}",
                out.paint(
                    Style::Yellow,
                    out.t(
                        "最新检查点之后的匹配记录未导出",
                        "matching records after the latest checkpoint left out"
                    )
                ),
                s.beyond_checkpoint
            )?;
        }
        writeln!(w,
            "  {}",
            out.paint(
                Style::Dim,
                out.t(
                    "接收方用 `wangan vault check-bundle FILE --trusted-key ed25519.pub` 离线校验。",
                    "the recipient checks it offline with `wangan vault check-bundle FILE --trusted-key ed25519.pub`."
                )
            )
        )?;
    }
    Ok(Exit::Ok)
}

fn load_trusted_key(p: &Path, out: Out) -> anyhow::Result<vault::keys::PublicKeys> {
    let shown = escape(&p.display().to_string(), false).into_owned();
    let res = if p.is_dir() {
        vault::keys::PublicKeys::load(p)
    } else {
        let text =
            std::fs::read_to_string(p).map_err(|e| fail(Exit::NoInput, format!("{shown}: {e}")))?;
        vault::keys::PublicKeys::from_verifier_key(&text)
    };
    res.map_err(|e| {
        fail(
            Exit::DataErr,
            format!(
                "{}: {shown}: {e}",
                out.t("无法读取可信公钥", "cannot read the trusted key")
            ),
        )
    })
}

fn check_bundle(file: &Path, trusted_key: Option<&Path>, out: Out) -> anyhow::Result<Exit> {
    let mut w = std::io::stdout().lock();
    let trusted = vault::Trusted {
        keys: trusted_key.map(|p| load_trusted_key(p, out)).transpose()?,
    };
    let shown = escape(&file.display().to_string(), false).into_owned();
    let bytes = std::fs::read(file).map_err(|e| {
        let code = if e.kind() == std::io::ErrorKind::NotFound {
            Exit::NoInput
        } else {
            Exit::IoErr
        };
        fail(code, format!("{shown}: {e}"))
    })?;
    let c = match vault::check_bundle(&bytes, &trusted) {
        Ok(c) => c,
        Err(e) => {
            // not a well-formed bundle: a failed check, not a crash
            if out.json {
                out.print_json(&json!({
                    "schema": "wangan.vault.check-bundle/1",
                    "ok": false,
                    "error": e.to_string(),
                }))?;
            } else {
                writeln!(
                    w,
                    "{}: {shown}: {}",
                    out.paint(Style::Red, out.t("证据包无效", "bundle is invalid")),
                    escape(&e.to_string(), false)
                )?;
            }
            return Ok(Exit::Findings);
        }
    };
    let t = vault::clock::rfc3339_ns;
    if out.json {
        out.print_json(&json!({
            "schema": "wangan.vault.check-bundle/1",
            "ok": c.ok(),
            "records": c.records,
            "records_verified": c.records_verified,
            "seq": c.seqs.map(|(a, b)| json!({"first": a, "last": b})),
            "time": c.time.map(|(a, b)| json!({"from": t(a), "to": t(b)})),
            "sources": c.sources.iter().map(|(s, n)| json!({"source": s, "records": n})).collect::<Vec<_>>(),
            "hash": c.hash.map(|h| h.name()),
            "checkpoint": c.checkpoint.as_ref().map(|cp| json!({
                "origin": cp.origin,
                "size": cp.size,
                "root": cp.root.b64(),
                "time": t(cp.time_ns),
            })),
            "keys": c.keys.as_ref().map(|k| json!({
                "ed25519": k.ed25519_key,
                "ed25519_id": k.ed25519_id,
                "ed25519_sha256": k.ed25519_fingerprint,
                "sm2_id": k.sm2_id,
                "sm2_sha256": k.sm2_fingerprint,
            })),
            "key_trusted": c.key_trusted,
            "sm2_verified": c.sm2_verified,
            "failures": c.failures.iter().map(|f| json!({
                "kind": f.kind,
                "record": f.record,
                "seq": f.seq,
                "message": f.message,
            })).collect::<Vec<_>>(),
            "more_failures": c.more_failures,
        }))?;
    } else {
        let verdict = if c.ok() {
            out.paint(Style::Green, out.t("校验通过", "bundle verifies"))
        } else {
            out.paint(Style::Red, out.t("校验失败", "bundle does not verify"))
        };
        writeln!(
            w,
            "{verdict}: {} / {} {}",
            c.records_verified,
            c.records,
            out.t("条记录的包含证明成立", "records proven")
        )?;
        if let Some((a, b)) = c.seqs {
            writeln!(w, "  seq {a}..{b}")?;
        }
        if let Some((a, b)) = c.time {
            writeln!(
                w,
                "  {}: {} .. {}",
                out.t("接收时间", "received"),
                t(a),
                t(b)
            )?;
        }
        if !c.sources.is_empty() {
            let list: Vec<String> = c
                .sources
                .iter()
                .map(|(s, n)| format!("{} ({n})", escape(s, false)))
                .collect();
            writeln!(w, "  {}: {}", out.t("来源", "sources"), list.join(", "))?;
        }
        if let Some(cp) = &c.checkpoint {
            writeln!(
                w,
                "  {}: {} {} {}, {} {}, {} {}",
                out.t("检查点", "checkpoint"),
                escape(&cp.origin, false),
                cp.size,
                out.t("条记录", "records"),
                out.t("根", "root"),
                cp.root.b64(),
                out.t("签名时间", "signed"),
                t(cp.time_ns)
            )?;
        }
        if let Some(h) = c.hash {
            writeln!(w, "  {}: {}", out.t("哈希", "hash"), h.name())?;
        }
        if let Some(k) = &c.keys {
            writeln!(
                w,
                "  Ed25519 {} sha256:{}",
                escape(&k.ed25519_key, false),
                k.ed25519_fingerprint
            )?;
            if let (Some(id), Some(fp)) = (&k.sm2_id, &k.sm2_fingerprint) {
                writeln!(
                    w,
                    "  SM2 {id} sha256:{fp} ({})",
                    if c.sm2_verified {
                        out.t("签名有效", "signature valid")
                    } else {
                        out.t("签名无效", "signature not valid")
                    }
                )?;
            }
        }
        if c.key_trusted {
            writeln!(
                w,
                "  {}",
                out.paint(
                    Style::Green,
                    out.t("公钥与可信公钥一致", "keys match the trusted key")
                )
            )?;
        } else if trusted.keys.is_none() {
            writeln!(w,
                "  {}",
                out.paint(
                    Style::Yellow,
                    out.t(
                        "未提供可信公钥: 请通过其他渠道核对上面的公钥指纹 (--trusted-key)",
                        "no trusted key given: compare the key fingerprints above out of band (--trusted-key)"
                    )
                )
            )?;
        }
        for f in c.failures.iter().take(20) {
            writeln!(
                w,
                "  {} {}: {}",
                out.paint(Style::Red, "error"),
                out.paint(Style::Cyan, f.kind),
                escape(&f.message, false)
            )?;
        }
        let more = c.more_failures + c.failures.len().saturating_sub(20) as u64;
        if more > 0 {
            writeln!(
                w,
                "  … {more} {}",
                out.t("处更多失败 (见 --json)", "more failures (see --json)")
            )?;
        }
    }
    Ok(if c.ok() { Exit::Ok } else { Exit::Findings })
}

/// A spinner with a count on stderr, only when stderr is a terminal and the
/// output is not JSON.
fn spinner(out: Out) -> Option<indicatif::ProgressBar> {
    if out.json || !std::io::stderr().is_terminal() {
        return None;
    }
    let b = indicatif::ProgressBar::new_spinner();
    if let Ok(s) = indicatif::ProgressStyle::with_template("{spinner} {human_pos} ({elapsed})") {
        b.set_style(s);
    }
    b.enable_steady_tick(std::time::Duration::from_millis(200));
    Some(b)
}
