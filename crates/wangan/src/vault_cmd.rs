//! `wangan vault …`: the log vault (init, ingest, verify, checkpoint, query, coverage, export,
//! check-bundle, prune).
//!
//! This module parses the flags, runs the `vault` library, localises its errors and picks the
//! exit code; the JSON shapes are `vault::contract`, the text is rendered by `render::vault`.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand, ValueEnum};
use vault::contract;
use vault::ingest::{CommitPolicy, IngestError, IngestStats, Origin};
use vault::{InitOptions, Order, Query, Retention, Store, Vault, VerifyOptions};

use crate::out::{Exit, Out, escape, fail, usage};

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
        /// How long logs are kept: six calendar months to 100 years ('6 months', '1 year',
        /// '200 days').
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
    ///
    /// A line longer than 16 MiB is refused naming the file and line (exit 65); the records
    /// before it are stored and checkpointed, nothing after it.
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
        /// Also carry the consistency proof from this earlier checkpoint the recipient
        /// already holds (a checkpoint file, or an earlier bundle) to the bundle's checkpoint.
        #[arg(long, value_name = "FILE")]
        since_checkpoint: Option<PathBuf>,
    },
    /// Print the consistency proof that checkpoint NEW extends checkpoint OLD (一致性证明).
    ///
    /// OLD and NEW are checkpoint files or bundles of this vault. Exit 0 with the proof;
    /// 1 when the vault's tree does not have their roots (its history diverged).
    ProveConsistency {
        #[command(flatten)]
        dir: DataDir,
        /// The earlier checkpoint (file or bundle).
        old: PathBuf,
        /// The later checkpoint (file or bundle).
        new: PathBuf,
    },
    /// Check a bundle offline against keys you trust: signatures and every inclusion proof
    /// (校验证据包).
    ///
    /// Exit 0 only when the checkpoint is signed (Ed25519 and SM2) by trusted keys of its
    /// origin and every proof holds; 1 otherwise, including a bundle that is only
    /// self-consistent because no trusted key was given (its key fingerprints are printed
    /// to compare out of band).
    CheckBundle {
        /// The bundle file.
        file: PathBuf,
        /// Trust these public keys, obtained out of band (repeatable): a vault's `keys/`
        /// directory, `ed25519.pub`, `sm2.pub`, or a file of note verifier keys (one per
        /// line). Both the Ed25519 and the SM2 key of the vault are needed.
        #[arg(long, value_name = "FILE|DIR")]
        trusted_key: Vec<PathBuf>,
        /// A checkpoint you already hold (a checkpoint file, or an earlier bundle): the
        /// bundle must carry the consistency proof from exactly it.
        #[arg(long, value_name = "FILE")]
        since_checkpoint: Option<PathBuf>,
        /// Trust store: a directory of key files (`*.pub`, searched recursively) whose keys
        /// are trusted for the origins they name [default: $XDG_CONFIG_HOME/wangan/trusted-keys
        /// or ~/.config/wangan/trusted-keys, when it exists].
        #[arg(long, value_name = "DIR", env = "WANGAN_TRUST_STORE")]
        trust_store: Option<PathBuf>,
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
    ///
    /// Refused (with the reason) when the clock disagrees with the store's history: before a
    /// checkpoint or a record's receive time, too far after the latest checkpoint, or with no
    /// record arrived within max_checkpoint_gap (prune right after an ingest).
    Prune {
        #[command(flatten)]
        dir: DataDir,
        /// Only list what would be deleted (reads only: runs while `wangan serve` runs).
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
            since_checkpoint,
        } => export(
            &dir.data_dir,
            &filters.query(out)?,
            &output,
            since_checkpoint.as_deref(),
            out,
        ),
        VaultCommand::ProveConsistency { dir, old, new } => {
            prove_consistency(&dir.data_dir, &old, &new, out)
        }
        VaultCommand::CheckBundle {
            file,
            trusted_key,
            since_checkpoint,
            trust_store,
        } => check_bundle(
            &file,
            &trusted_key,
            since_checkpoint.as_deref(),
            trust_store.as_deref(),
            out,
        ),
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

/// Print a versioned JSON shape of [`vault::contract`] (or any other
/// serialisable contract) as the JSON output of a command: pretty, keys sorted.
pub(crate) fn print_contract(out: Out, v: &impl serde::Serialize) -> anyhow::Result<()> {
    out.print_json(&serde_json::to_value(v)?)?;
    Ok(())
}

/// Map a library error to an exit code and a localised message; a damaged
/// store gets the hint to verify it (the library names no command).
fn lib_err(e: vault::Error, out: Out) -> anyhow::Error {
    let hint = (e.kind() == vault::ErrorKind::Corrupt)
        .then(|| out.t("请运行 `wangan vault verify`", "run `wangan vault verify`"));
    lib_err_hint(e, hint, out)
}

/// [`lib_err`] for opening a vault: a missing vault gets the hint to create one.
fn open_err(e: vault::Error, out: Out) -> anyhow::Error {
    if e.kind() == vault::ErrorKind::NotFound {
        let hint = out.t(
            "请先运行 `wangan vault init`",
            "run `wangan vault init` first",
        );
        lib_err_hint(e, Some(hint), out)
    } else {
        lib_err(e, out)
    }
}

fn lib_err_hint(e: vault::Error, hint: Option<&str>, out: Out) -> anyhow::Error {
    use vault::ErrorKind as K;
    let (code, zh) = match e.kind() {
        K::NotFound => (Exit::NoInput, "找不到日志库"),
        K::AlreadyExists => (Exit::Usage, "此目录已有日志库数据"),
        // vault.toml (flags are checked, and mapped to 64, before the library sees them)
        K::Config => (Exit::Config, "配置无效"),
        K::Unsupported => (Exit::DataErr, "格式不受支持"),
        K::TooLarge => (Exit::DataErr, "记录过大"),
        K::OutOfRange => (Exit::Usage, "超出范围"),
        K::Corrupt => (Exit::DataErr, "日志库已损坏"),
        K::Crypto => (Exit::DataErr, "密钥或签名无效"),
        K::Locked => (Exit::IoErr, "日志库正被另一进程写入"),
        K::Refused => (Exit::Findings, "操作被拒绝"),
        K::Io => (Exit::IoErr, "读写失败"),
        _ => (Exit::Software, "内部错误"),
    };
    let hint = hint.map(|h| format!("; {h}")).unwrap_or_default();
    let msg = match out.lang {
        crate::out::Lang::Zh => format!("{zh}: {e}{hint}"),
        crate::out::Lang::En => format!("{e}{hint}"),
    };
    fail(code, msg)
}

/// A library error caused by a command-line flag: a usage error (64)
/// where the library would say "configuration" (78, for `vault.toml`).
fn flag_err(e: vault::Error, out: Out) -> anyhow::Error {
    match e.kind() {
        vault::ErrorKind::Config => {
            let msg = match out.lang {
                crate::out::Lang::Zh => format!("参数无效: {e}"),
                crate::out::Lang::En => e.to_string(),
            };
            usage(msg)
        }
        _ => lib_err(e, out),
    }
}

fn parse_time(s: &str, out: Out) -> anyhow::Result<i64> {
    let range = || {
        usage(format!(
            "{}: {:?}",
            out.t(
                "时间超出范围 (1677-09-22 至 2262-04-11)",
                "time out of range (1677-09-22 to 2262-04-11)"
            ),
            s.chars().take(64).collect::<String>()
        ))
    };
    if let Some(t) = vault::clock::parse_rfc3339(s) {
        return vault::clock::checked_ns(t).ok_or_else(range);
    }
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    if let Ok(d) = time::Date::parse(s, &fmt) {
        return vault::clock::checked_ns(d.midnight().assume_utc()).ok_or_else(range);
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
    let retention = Retention::parse(retention).map_err(|e| flag_err(e, out))?;
    let opts = InitOptions {
        hash: match hash {
            HashArg::Sha256 => vault::HashAlg::Sha256,
            HashArg::Sm3 => vault::HashAlg::Sm3,
        },
        retention,
        segment_size,
        ..InitOptions::default()
    };
    let v = Vault::init(dir, &opts).map_err(|e| flag_err(e, out))?;
    let keys = v.public_keys();
    if out.json {
        print_contract(out, &contract::Init::new(dir, keys, opts.hash, retention))?;
    } else {
        print!(
            "{}",
            render::vault::init(out.painter(), dir, keys, opts.hash, retention)
        );
    }
    Ok(Exit::Ok)
}

/// Why an ingest stopped in the middle of an input.
struct Stop {
    /// Line number (from 1) of the input, when a line was refused.
    line: Option<u64>,
    code: Exit,
    message: String,
}

/// Ingest one input (framing and commit policy: [`vault::ingest`]), with a
/// progress bar; a stop is localised here.
fn ingest_reader(
    v: &mut Vault,
    o: &Origin<'_>,
    r: impl Read,
    bar: Option<&indicatif::ProgressBar>,
    st: &mut IngestStats,
    out: Out,
) -> Result<(), Stop> {
    let mut progress = |n: u64| {
        if let Some(b) = bar {
            b.inc(n);
        }
    };
    let policy = CommitPolicy::default();
    vault::ingest::ingest_lines(v, o, r, &policy, st, &mut progress).map_err(|e| {
        let line = e.line();
        match e {
            IngestError::TooLarge { len, .. } => Stop {
                line,
                code: Exit::DataErr,
                message: format!(
                    "{} ({len} {}, {} {} {})",
                    out.t("记录过大", "record too large"),
                    out.t("字节以上", "bytes or more"),
                    out.t("上限", "the limit is"),
                    vault::MAX_RECORD_BYTES,
                    out.t("字节 (16 MiB)", "bytes (16 MiB)")
                ),
            },
            IngestError::Read(e) => Stop {
                line,
                code: Exit::IoErr,
                message: format!("{}: {e}", out.t("读取失败", "read failed")),
            },
            IngestError::Vault { error, .. } => {
                let e = lib_err(error, out);
                Stop {
                    line,
                    code: e
                        .downcast_ref::<crate::out::CliError>()
                        .map_or(Exit::Software, |c| c.code),
                    message: e.to_string(),
                }
            }
        }
    })
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
        let shown = escape(&f.display().to_string(), false).into_owned();
        match std::fs::metadata(f) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(fail(
                    Exit::NoInput,
                    format!("{}: {shown}", out.t("找不到文件", "no such file")),
                ));
            }
            Err(e) => return Err(fail(Exit::NoInput, format!("{shown}: {e}"))),
            Ok(m) if m.is_dir() => {
                return Err(fail(
                    Exit::NoInput,
                    format!(
                        "{shown}: {}",
                        out.t(
                            "是目录, 不是日志文件 (请给出其中的文件)",
                            "is a directory, not a log file (name the files in it)"
                        )
                    ),
                ));
            }
            Ok(_) => {}
        }
    }
    let mut v = Vault::open(dir).map_err(|e| open_err(e, out))?;
    let first = v.next_seq();
    let mut st = IngestStats::default();
    let tty = std::io::stderr().is_terminal() && !out.json;
    // the input that failed, and why; what came before it is committed below
    let mut stopped: Option<(String, Stop)> = None;
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
        if let Err(e) = ingest_reader(&mut v, &o, stdin.lock(), bar.as_ref(), &mut st, out) {
            stopped = Some((out.t("标准输入", "standard input").to_owned(), e));
        }
        if let Some(b) = bar {
            b.finish_and_clear();
        }
    }
    for f in files {
        if stopped.is_some() {
            break;
        }
        let shown = escape(&f.display().to_string(), false).into_owned();
        let file = match std::fs::File::open(f) {
            Ok(file) => file,
            Err(e) => {
                let code = if e.kind() == std::io::ErrorKind::NotFound {
                    Exit::NoInput
                } else {
                    Exit::IoErr
                };
                stopped = Some((
                    shown,
                    Stop {
                        line: None,
                        code,
                        message: e.to_string(),
                    },
                ));
                break;
            }
        };
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
        if let Err(e) = ingest_reader(&mut v, &o, file, bar.as_ref(), &mut st, out) {
            stopped = Some((shown, e));
        }
        if let Some(b) = bar {
            b.finish_and_clear();
        }
    }
    // what was stored is made durable and checkpointed, also when an input failed
    let info = v.commit().map_err(|e| lib_err(e, out))?;
    // a batch ingest ends with its records sealed: compressed, indexed, immutable
    let tail = v.seal().map_err(|e| lib_err(e, out))?;
    if tail.is_some() {
        v.checkpoint_now().map_err(|e| lib_err(e, out))?;
    }
    let (size, root) = v.committed();
    drop(v);
    if let Some((input, stop)) = stopped {
        let at = match stop.line {
            Some(l) => match out.lang {
                crate::out::Lang::Zh => format!("{input}: 第 {l} 行"),
                crate::out::Lang::En => format!("{input}: line {l}"),
            },
            None => input,
        };
        let stored = if st.records > 0 {
            format!(
                "{} {} (seq {}..{}), {}",
                st.records,
                out.t("条之前的记录已写入", "records before it are stored"),
                first,
                first + st.records - 1,
                out.t("之后的没有写入", "nothing after it")
            )
        } else {
            out.t("没有写入任何记录", "nothing was stored").to_owned()
        };
        return Err(fail(stop.code, format!("{at}: {}; {stored}", stop.message)));
    }
    if out.json {
        let sealed = info.map(|i| i.sealed).unwrap_or_default();
        let sealed = sealed.into_iter().chain(tail).collect();
        print_contract(
            out,
            &contract::Ingest::new(first, &st, (size, root), sealed),
        )?;
    } else {
        print!(
            "{}",
            render::vault::ingested(out.painter(), first, &st, size)
        );
    }
    Ok(Exit::Ok)
}

fn open_store(dir: &Path, out: Out) -> anyhow::Result<Store> {
    Store::open(dir).map_err(|e| open_err(e, out))
}

/// Name on stderr every part of the store that could not be read (damaged
/// or unreadable segments and tombstones, a damaged WAL); the number of them.
fn warn_unreadable(store: &Store, out: Out) -> usize {
    let mut n = 0;
    let prefix = out.t("警告: 无法读取", "warning: unreadable");
    for b in store.bad_files() {
        eprintln!(
            "{prefix}: {}: {}",
            escape(&b.path.display().to_string(), false),
            escape(&b.reason, false)
        );
        n += 1;
    }
    for (p, off, why) in &store.wal().corrupt {
        eprintln!(
            "{prefix}: {} {} {off}: {}",
            escape(&p.display().to_string(), false),
            out.t("偏移", "at offset"),
            escape(why, false)
        );
        n += 1;
    }
    n
}

/// The error after a read that left out `n` unreadable parts (exit 65).
fn incomplete(n: usize, out: Out) -> anyhow::Error {
    fail(
        Exit::DataErr,
        format!(
            "{n} {}",
            out.t(
                "个部分无法读取, 以上结果不含其中的记录; 请运行 `wangan vault verify`",
                if n == 1 {
                    "part of the vault could not be read and its records are left out above; run `wangan vault verify`"
                } else {
                    "parts of the vault could not be read and their records are left out above; run `wangan vault verify`"
                }
            )
        ),
    )
}

/// Keep the result of a full verification in `verified.log` (read by
/// `wangan assess`); a store this user may not write to only gets a warning.
fn record_verification(dir: &Path, store: &Store, report: &vault::VerifyReport, out: Out) {
    let root = match store.root_at(report.size) {
        Ok(r) => r,
        Err(_) if !report.is_intact() => vault::Hash::default(),
        Err(e) => {
            eprintln!(
                "{}: {}",
                out.t(
                    "警告：无法记录本次校验",
                    "warning: the verification was not recorded"
                ),
                escape(&e.to_string(), false)
            );
            return;
        }
    };
    let rec = vault::verified::Verified::new(report, root, time::OffsetDateTime::now_utc());
    if let Err(e) = vault::verified::append(dir, &rec) {
        eprintln!(
            "{}: {}",
            out.t(
                "警告：无法记录本次校验",
                "warning: the verification was not recorded"
            ),
            escape(&e.to_string(), false)
        );
    }
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
        now: None,
    };
    let report = vault::verify(&store, &opts).map_err(|e| lib_err(e, out))?;
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    if !quick {
        record_verification(dir, &store, &report, out);
    }
    // the registers anchored in this vault (crates/registers)
    let location = crate::registers_cmd::location_for(dir, registers)?;
    let regs = crate::registers_cmd::check_against_vault(&store, &location)?;
    let regs_intact = regs.as_ref().is_none_or(|r| r.is_intact());
    if out.json {
        let regs = regs.as_ref().map(|r| (r, regs_intact));
        print_contract(out, &contract::Verify::new(&report, regs))?;
    } else {
        print!("{}", render::vault::verify(out.painter(), &report));
        if let Some(r) = &regs {
            print!("{}", render::registers::verify(out.painter(), r));
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
        let mut v = Vault::open(dir).map_err(|e| open_err(e, out))?;
        v.checkpoint_now().map_err(|e| lib_err(e, out))?
    } else {
        let store = open_store(dir, out)?;
        store
            .latest_checkpoint()
            .map_err(|e| lib_err(e, out))?
            .ok_or_else(|| fail(Exit::NoInput, out.t("还没有检查点", "no checkpoint yet")))?
    };
    if out.json {
        print_contract(out, &contract::Checkpoint::new(&cp))?;
    } else {
        print!("{}", render::vault::checkpoint(&cp));
    }
    Ok(Exit::Ok)
}

fn query(dir: &Path, q: &Query, out: Out) -> anyhow::Result<Exit> {
    let store = open_store(dir, out)?;
    let unreadable = warn_unreadable(&store, out);
    let stdout = std::io::stdout();
    let mut w = std::io::BufWriter::new(stdout.lock());
    let mut n = 0u64;
    for r in vault::query(&store, q) {
        let r = r.map_err(|e| lib_err(e, out))?;
        if out.json {
            // through a `Value`: keys sorted, as this output has always been
            let o = serde_json::to_value(contract::QueryRecord::new(&r))?;
            serde_json::to_writer(&mut w, &o)?;
            writeln!(w)?;
        } else {
            w.write_all(render::vault::query_line(out.painter(), &r.record).as_bytes())?;
        }
        n += 1;
    }
    w.flush()?;
    drop(w);
    if !out.json && n == 0 {
        eprintln!("{}", render::vault::no_matching_records(out.painter()));
    }
    if unreadable > 0 {
        return Err(incomplete(unreadable, out));
    }
    Ok(Exit::Ok)
}

fn prune(dir: &Path, dry_run: bool, out: Out) -> anyhow::Result<Exit> {
    let r = if dry_run {
        // reads only: no writer lock, so it runs beside `wangan serve`
        let store = open_store(dir, out)?;
        vault::prune::plan(&store, time::OffsetDateTime::now_utc()).map_err(|e| lib_err(e, out))?
    } else {
        let mut v = Vault::open(dir).map_err(|e| open_err(e, out))?;
        vault::prune(&mut v, &vault::PruneOptions { dry_run }).map_err(|e| lib_err(e, out))?
    };
    if out.json {
        print_contract(out, &contract::Prune::new(&r))?;
    } else {
        print!("{}", render::vault::prune(out.painter(), &r));
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
    for u in &r.unreadable {
        eprintln!(
            "{}: {}",
            out.t("警告: 无法读取", "warning: unreadable"),
            escape(u, false)
        );
    }
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    if out.json {
        print_contract(out, &contract::Coverage::new(&r))?;
    } else {
        w.write_all(render::vault::coverage(out.painter(), &r, show_days).as_bytes())?;
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

/// Read a signed checkpoint from a checkpoint file or from a bundle (its checkpoint).
fn read_checkpoint(p: &Path, out: Out) -> anyhow::Result<vault::SignedCheckpoint> {
    let shown = escape(&p.display().to_string(), false).into_owned();
    let bytes = std::fs::read(p).map_err(|e| {
        let code = if e.kind() == std::io::ErrorKind::NotFound {
            Exit::NoInput
        } else {
            Exit::IoErr
        };
        fail(code, format!("{shown}: {e}"))
    })?;
    let text = if bytes.starts_with(vault::bundle::MAGIC) {
        vault::Bundle::decode(&bytes)
            .map(|b| b.checkpoint)
            .map_err(|e| fail(Exit::DataErr, format!("{shown}: {e}")))?
    } else {
        bytes
    };
    std::str::from_utf8(&text)
        .map_err(|_| {
            vault::Error::new(
                vault::ErrorKind::Corrupt,
                "checkpoint: not utf-8".to_string(),
            )
        })
        .and_then(vault::SignedCheckpoint::parse)
        .map_err(|e| {
            fail(
                Exit::DataErr,
                format!(
                    "{}: {shown}: {}",
                    out.t("无法读取检查点", "cannot read the checkpoint"),
                    escape(&e.to_string(), false)
                ),
            )
        })
}

/// A checkpoint given on the command line that does not fit the vault (larger than it, or
/// OLD after NEW) is bad input (65), not an internal error.
fn since_err(e: vault::Error, out: Out) -> anyhow::Error {
    if e.kind() == vault::ErrorKind::OutOfRange {
        fail(
            Exit::DataErr,
            format!(
                "{}: {}",
                out.t(
                    "检查点与日志库不符",
                    "the checkpoint does not fit this vault"
                ),
                escape(&e.to_string(), false)
            ),
        )
    } else {
        lib_err(e, out)
    }
}

fn prove_consistency(dir: &Path, old: &Path, new: &Path, out: Out) -> anyhow::Result<Exit> {
    let store = open_store(dir, out)?;
    let (o, n) = (read_checkpoint(old, out)?, read_checkpoint(new, out)?);
    let p = match vault::prove_consistency(&store, &o, &n) {
        Ok(p) => p,
        Err(e) if e.kind() == vault::ErrorKind::Corrupt => {
            // the vault's tree does not have the checkpoints' roots: a finding, not a crash
            return Err(fail(
                Exit::Findings,
                format!(
                    "{}: {}; {}",
                    out.t("无法证明一致性", "cannot prove consistency"),
                    escape(&e.to_string(), false),
                    out.t("请运行 `wangan vault verify`", "run `wangan vault verify`")
                ),
            ));
        }
        Err(e) => return Err(since_err(e, out)),
    };
    if out.json {
        print_contract(out, &contract::ProveConsistency::new(&p))?;
    } else {
        print!("{}", render::vault::consistency(out.painter(), &p));
    }
    Ok(Exit::Ok)
}

fn export(
    dir: &Path,
    q: &Query,
    output: &Path,
    since: Option<&Path>,
    out: Out,
) -> anyhow::Result<Exit> {
    let store = open_store(dir, out)?;
    let since = since.map(|p| read_checkpoint(p, out)).transpose()?;
    let unreadable = warn_unreadable(&store, out);
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "bundle".into());
    let tmp = output.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
    // a bundle holds log records (personal data): private, whatever the umask
    let file = create_private(&tmp).map_err(|e| {
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
    let res = vault::export_since(&store, q, since.as_ref(), &mut w, Some(&progress));
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let done = res.map_err(|e| since_err(e, out)).and_then(|s| {
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
    if out.json {
        print_contract(out, &contract::Export::new(output, &s))?;
    } else {
        w.write_all(render::vault::export(out.painter(), output, &s).as_bytes())?;
    }
    if unreadable > 0 {
        return Err(incomplete(unreadable, out));
    }
    Ok(Exit::Ok)
}

/// The default trust store: `$XDG_CONFIG_HOME/wangan/trusted-keys`, else
/// `~/.config/wangan/trusted-keys`.
fn default_trust_store() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    Some(base.join("wangan").join("trusted-keys"))
}

/// Collect the trusted keys: every `--trusted-key`, then the trust store (given, or the
/// default one when it exists). Returns the keys and the store that was read.
fn load_trusted_keys(
    files: &[PathBuf],
    store: Option<&Path>,
    out: Out,
) -> anyhow::Result<(vault::TrustedKeys, Option<PathBuf>)> {
    let mut keys = vault::TrustedKeys::new();
    let load = |keys: &mut vault::TrustedKeys, p: &Path| {
        keys.load(p).map_err(|e| {
            let code = match e.kind() {
                vault::ErrorKind::Io if !p.exists() => Exit::NoInput,
                vault::ErrorKind::Io => Exit::IoErr,
                _ => Exit::DataErr,
            };
            fail(
                code,
                format!(
                    "{}: {}",
                    out.t("无法读取可信公钥", "cannot read the trusted keys"),
                    escape(&e.to_string(), false)
                ),
            )
        })
    };
    for p in files {
        load(&mut keys, p)?;
    }
    let store = match store {
        Some(s) => Some(s.to_path_buf()),
        None => default_trust_store().filter(|d| d.is_dir()),
    };
    if let Some(s) = &store {
        load(&mut keys, s)?;
    }
    Ok((keys, store))
}

fn check_bundle(
    file: &Path,
    trusted_key: &[PathBuf],
    since: Option<&Path>,
    trust_store: Option<&Path>,
    out: Out,
) -> anyhow::Result<Exit> {
    let mut w = std::io::stdout().lock();
    let (trusted, store) = load_trusted_keys(trusted_key, trust_store, out)?;
    let held = since.map(|p| read_checkpoint(p, out)).transpose()?;
    let shown = escape(&file.display().to_string(), false).into_owned();
    let bytes = std::fs::read(file).map_err(|e| {
        let code = if e.kind() == std::io::ErrorKind::NotFound {
            Exit::NoInput
        } else {
            Exit::IoErr
        };
        fail(code, format!("{shown}: {e}"))
    })?;
    let c = match vault::check_bundle_since(&bytes, &trusted, held.as_ref().map(|h| &h.checkpoint))
    {
        Ok(c) => c,
        Err(e) => {
            // not a well-formed bundle: a failed check, not a crash
            if out.json {
                print_contract(out, &contract::CheckBundleInvalid::new(&e))?;
            } else {
                w.write_all(render::vault::bundle_invalid(out.painter(), &shown, &e).as_bytes())?;
            }
            return Ok(Exit::Findings);
        }
    };
    if out.json {
        let given = trusted.keys().len();
        print_contract(
            out,
            &contract::CheckBundle::new(&c, given, store.as_deref()),
        )?;
        return Ok(if c.ok() { Exit::Ok } else { Exit::Findings });
    }
    w.write_all(render::vault::check_bundle(out.painter(), &c, !trusted.is_empty()).as_bytes())?;
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

/// Create `path` readable and writable by its owner only (0600).
fn create_private(path: &Path) -> std::io::Result<std::fs::File> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        o.mode(0o600);
        let f = o.open(path)?;
        f.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        Ok(f)
    }
    #[cfg(not(unix))]
    o.open(path)
}
