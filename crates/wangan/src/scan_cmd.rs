//! `wangan scan …`: find and grade personal information, sensitive PI,
//! important-data candidates and secrets in files, databases and the vault.
//! Argument parsing and rendering only; detection and grading live in the
//! `scan` crate.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use clap::{Args, ValueEnum};
use scan::{
    Asset, Finding, Grade, Hit, IdPolicy, Kind, Level, Policy, Report, ScanOptions, Scanner, Sink,
};
use serde_json::{Value, json};

use crate::out::{Exit, Out, Style, escape, fail, usage};

const EXAMPLES: &str = "\
Examples:
  wangan scan ./exports                         a directory tree (honours .gitignore)
  wangan scan . --no-ignore -g '!*.min.js'      also ignored files, never minified JS
  wangan scan users.csv --format csv > report.csv
  wangan scan app.log.gz --format jsonl         one object per finding
  zcat old.log.gz | wangan scan -               standard input (shown as <stdin>)
  wangan scan postgres://postgres@127.0.0.1/test --sample 500
  wangan scan mysql://root@127.0.0.1/test --full
  wangan scan vault:                            the vault's stored logs
  wangan scan . --format sarif > scan.sarif     for code-scanning tools

Exit codes: 0 nothing at or above --fail-on; 1 personal information found
(with --fail-on pi); 2 sensitive personal information or secrets found;
64 usage error; 65 the vault is damaged; 66 target not found; 74 I/O or
database error, or an input could not be read; 78 the vault's vault.toml is
invalid. An input that could not be
read (an I/O error, a damaged archive or vault part) is named on stderr and
in the report, and the scan exits 74 (65 for a damaged vault) whatever it
found, unless --allow-unreadable; a scan that could read nothing never
reports 'no personal information found'.

Values are always masked (138****8000); offsets are byte offsets in the
original file (after decompression for .gz/.zst; within the cell for
databases). Grades are candidates with reasons, never legal determinations;
the scale thresholds are this tool's defaults (--important-persons,
--important-sensitive-persons).

JSON (schema wangan.scan/1): schema, targets, policy, summary, grade,
datasets[{source, grade, assets[{field, kinds[{type, category, count,
distinct, deidentified, minors, sensitive, sample, confidence}]}]}],
skipped[{source, reason, unreadable}]; summary.unreadable counts the inputs
that could not be read, summary.complete is false then, and grade is null
when nothing could be read.
JSONL: one object per finding: path, field, row, type, byte_start,
byte_end, masked, confidence, deidentified, minor; in order within a file,
and a file's lines together unless over 64 MiB of lines wait behind it.";

/// Arguments of `wangan scan`.
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct ScanArgs {
    /// What to scan: files or directories, `-` (standard input, read as text), postgres://…,
    /// mysql://…, or `vault:`.
    #[arg(value_name = "TARGET", required = true)]
    targets: Vec<String>,
    /// Output format (`--json` is `--format json`).
    #[arg(long, value_enum, value_name = "FORMAT")]
    format: Option<FormatArg>,
    /// Lowest finding level that makes the exit code non-zero.
    #[arg(long, value_enum, default_value_t = FailOn::Sensitive, value_name = "LEVEL")]
    fail_on: FailOn,
    /// Databases: scan every row instead of a sample.
    #[arg(long, conflicts_with = "sample")]
    full: bool,
    /// Databases: rows sampled per table.
    #[arg(long, value_name = "N", default_value_t = 1000)]
    sample: u64,
    /// Databases: only tables whose name matches this SQL LIKE pattern.
    #[arg(long, value_name = "PATTERN")]
    tables: Option<String>,
    /// Whether an ID number alone is sensitive PI: gbt35273 (yes, GB/T
    /// 35273-2020) or gbt45574 (no, GB/T 45574-2025; minors still are).
    #[arg(long, value_enum, default_value_t = IdPolicyArg::Gbt35273, value_name = "STANDARD")]
    id_policy: IdPolicyArg,
    /// Our default scale threshold (distinct persons) for an important-data candidate.
    #[arg(long, value_name = "N", default_value_t = 1_000_000)]
    important_persons: u64,
    /// Our default scale threshold (distinct persons with sensitive PI).
    #[arg(long, value_name = "N", default_value_t = 100_000)]
    important_sensitive_persons: u64,
    /// Worker threads [default: all cores].
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    /// Do not look for Chinese names and addresses (faster, fewer false positives).
    #[arg(long)]
    no_names: bool,
    /// Directories: scan also the files that `.gitignore`, `.ignore` and git's excludes leave out.
    #[arg(long)]
    no_ignore: bool,
    /// Directories: scan only files matching GLOB, or with a leading `!` never those matching
    /// it (as ripgrep's --glob; repeatable, later wins; paths relative to the directory).
    #[arg(short = 'g', long = "glob", value_name = "GLOB")]
    globs: Vec<String>,
    /// Never show a progress bar.
    #[arg(long)]
    no_progress: bool,
    /// Inputs that cannot be read are still named on stderr and in the report, but only the
    /// findings decide the exit code (unless nothing at all could be read).
    #[arg(long)]
    allow_unreadable: bool,
    /// Also keep each target's result (JSON, wangan.scan/1 with scanned_at and target) in
    /// `<data-dir>/scans` (or --save-dir), where `wangan assess` finds the latest scan of each
    /// data store.
    #[arg(long)]
    save: bool,
    /// Where --save keeps results (default: `<data-dir>/scans`).
    #[arg(long, value_name = "DIR", requires = "save")]
    save_dir: Option<PathBuf>,
    /// Data directory of the vault for `vault:`.
    #[arg(
        long,
        value_name = "DIR",
        env = "WANGAN_DATA_DIR",
        default_value = "./wangan-data"
    )]
    data_dir: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FormatArg {
    /// A table for the terminal.
    Table,
    /// One JSON document (schema wangan.scan/1).
    Json,
    /// One JSON object per finding.
    Jsonl,
    /// Per-asset rows, UTF-8 with BOM (opens in Excel).
    Csv,
    /// A self-contained HTML report.
    Html,
    /// SARIF 2.1.0 (file findings).
    Sarif,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FailOn {
    /// Always exit 0 (unless an error occurs).
    None,
    /// Exit 1 on any personal information, 2 on sensitive.
    Pi,
    /// Exit 2 on sensitive personal information or secrets.
    Sensitive,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum IdPolicyArg {
    /// GB/T 35273-2020.
    Gbt35273,
    /// GB/T 45574-2025.
    Gbt45574,
}

/// A finding kept for rendering (jsonl streams instead).
struct Kept {
    source: String,
    field: Option<String>,
    row: Option<u64>,
    f: Finding,
}

/// JSONL output that keeps each file's lines together while workers scan
/// several files at once, without blocking a worker: one thread (the
/// owner) writes straight to stdout; the others collect their current
/// file's lines until it is done, and those files are written whole when
/// the owner's file ends (the next unfinished one then becomes the owner's).
/// Past [`JSONL_HELD_MAX`] bytes held, everything held is written at once:
/// memory stays bounded, and files may then be split into runs of lines.
struct Jsonl {
    out: std::io::BufWriter<std::io::Stdout>,
    owner: Option<std::thread::ThreadId>,
    /// Lines of the other threads' unfinished files.
    held: HashMap<std::thread::ThreadId, Vec<u8>>,
    /// Lines of finished files, waiting for the owner's file to end.
    done: Vec<Vec<u8>>,
    /// Bytes in `held` and `done`.
    held_bytes: usize,
}

/// Most bytes of JSONL lines held back to keep files together.
const JSONL_HELD_MAX: usize = 64 << 20;

impl Jsonl {
    fn new() -> Jsonl {
        Jsonl {
            out: std::io::BufWriter::new(std::io::stdout()),
            owner: None,
            held: HashMap::new(),
            done: Vec::new(),
            held_bytes: 0,
        }
    }

    /// Lines of the calling thread's current file.
    fn lines(&mut self, lines: &[u8]) -> std::io::Result<()> {
        let me = std::thread::current().id();
        if *self.owner.get_or_insert(me) == me {
            return self.out.write_all(lines);
        }
        self.held.entry(me).or_default().extend_from_slice(lines);
        self.held_bytes += lines.len();
        if self.held_bytes > JSONL_HELD_MAX {
            self.write_held()?;
        }
        Ok(())
    }

    /// The calling thread's current file is finished.
    fn file_done(&mut self) -> std::io::Result<()> {
        let me = std::thread::current().id();
        if self.owner == Some(me) {
            self.owner = None;
            for b in std::mem::take(&mut self.done) {
                self.out.write_all(&b)?;
            }
            // an unfinished file takes over: what it holds, then its lines
            if let Some(&next) = self.held.keys().next()
                && let Some(b) = self.held.remove(&next)
            {
                self.out.write_all(&b)?;
                self.owner = Some(next);
            }
            self.held_bytes = self.held.values().map(Vec::len).sum();
        } else if let Some(b) = self.held.remove(&me) {
            self.done.push(b);
        }
        Ok(())
    }

    /// Write everything held (finished files first) and flush.
    fn write_held(&mut self) -> std::io::Result<()> {
        for b in std::mem::take(&mut self.done) {
            self.out.write_all(&b)?;
        }
        for (_, b) in std::mem::take(&mut self.held) {
            self.out.write_all(&b)?;
        }
        self.held_bytes = 0;
        self.out.flush()
    }
}

struct CliSink {
    jsonl: Option<Mutex<Jsonl>>,
    keep: Option<Mutex<Vec<Kept>>>,
    bar: Option<indicatif::ProgressBar>,
    io_err: Mutex<Option<std::io::Error>>,
}

impl CliSink {
    /// Keep the first write error (reported when the scan ends).
    fn note_io(&self, res: std::io::Result<()>) {
        if let Err(e) = res
            && let Ok(mut slot) = self.io_err.lock()
        {
            slot.get_or_insert(e);
        }
    }
}

impl Sink for CliSink {
    fn finding(&self, hit: &Hit<'_>) {
        self.findings(
            hit.source,
            hit.field,
            hit.row,
            std::slice::from_ref(hit.finding),
        );
    }

    fn findings(&self, source: &str, field: Option<&str>, row: Option<u64>, findings: &[Finding]) {
        // the lines built outside the lock, written under it in one piece;
        // nothing at all when findings are not shown
        if let Some(w) = &self.jsonl {
            let mut lines = Vec::with_capacity(findings.len() * 200);
            for f in findings {
                // writing to a Vec cannot fail
                let _ = write_finding_line(&mut lines, source, field, row, f);
            }
            let res = match w.lock() {
                Ok(mut w) => w.lines(&lines),
                Err(_) => Ok(()),
            };
            self.note_io(res);
        }
        if let Some(k) = &self.keep
            && let Ok(mut k) = k.lock()
        {
            k.extend(findings.iter().map(|f| Kept {
                source: source.to_owned(),
                field: field.map(str::to_owned),
                row,
                f: *f,
            }));
        }
    }

    fn source_done(&self, _source: &str) {
        if let Some(w) = &self.jsonl {
            let res = match w.lock() {
                Ok(mut w) => w.file_done(),
                Err(_) => Ok(()),
            };
            self.note_io(res);
        }
    }

    fn progress(&self, bytes: u64) {
        if let Some(b) = &self.bar {
            b.inc(bytes);
        }
    }
}

/// One JSONL line: `{path, field, row, type, byte_start, byte_end, masked,
/// confidence, deidentified, minor}`. The fields are declared in sorted
/// order, so the bytes are those of a `serde_json::Value` (a test checks),
/// without building one per finding.
#[derive(serde::Serialize)]
struct FindingLine<'a> {
    byte_end: u64,
    byte_start: u64,
    confidence: u8,
    deidentified: bool,
    field: Option<&'a str>,
    masked: &'a str,
    minor: bool,
    path: &'a str,
    row: Option<u64>,
    #[serde(rename = "type")]
    kind: &'a str,
}

/// Write the JSONL line of one finding.
fn write_finding_line(
    w: &mut impl Write,
    source: &str,
    field: Option<&str>,
    row: Option<u64>,
    f: &Finding,
) -> std::io::Result<()> {
    let line = FindingLine {
        byte_end: f.end,
        byte_start: f.start,
        confidence: f.confidence,
        deidentified: f.is_deidentified(),
        field,
        masked: f.masked.as_str(),
        minor: f.is_minor(),
        path: source,
        row,
        kind: f.kind.name(),
    };
    serde_json::to_writer(&mut *w, &line)?;
    w.write_all(b"\n")
}

/// Run `wangan scan`.
pub fn run(args: ScanArgs, out: Out) -> anyhow::Result<Exit> {
    let format = match (args.format, out.json) {
        (Some(f), _) => f,
        (None, true) => FormatArg::Json,
        (None, false) => FormatArg::Table,
    };
    let mut opts = ScanOptions {
        sample_rows: if args.full { None } else { Some(args.sample) },
        ..ScanOptions::default()
    };
    if let Some(t) = args.threads {
        if t == 0 {
            return Err(usage(
                out.t("--threads 必须大于 0", "--threads must be greater than 0"),
            ));
        }
        opts.threads = t;
    }
    opts.no_ignore = args.no_ignore;
    opts.globs.clone_from(&args.globs);
    if args.no_names {
        opts.detect.names = false;
        opts.detect.addresses = false;
    }
    let policy = Policy {
        id_policy: match args.id_policy {
            IdPolicyArg::Gbt35273 => IdPolicy::Gbt35273,
            IdPolicyArg::Gbt45574 => IdPolicy::Gbt45574,
        },
        important_persons: args.important_persons,
        important_sensitive_persons: args.important_sensitive_persons,
        ..Policy::default()
    };
    let scanner = Scanner::new(opts);
    let bar = (!args.no_progress && std::io::stderr().is_terminal()).then(|| {
        let b = indicatif::ProgressBar::new_spinner();
        if let Ok(s) =
            indicatif::ProgressStyle::with_template("{spinner} {bytes} {bytes_per_sec} {msg}")
        {
            b.set_style(s);
        }
        b.enable_steady_tick(std::time::Duration::from_millis(120));
        b
    });
    let sink = CliSink {
        jsonl: (format == FormatArg::Jsonl).then(|| Mutex::new(Jsonl::new())),
        keep: matches!(format, FormatArg::Sarif).then(|| Mutex::new(Vec::new())),
        bar,
        io_err: Mutex::new(None),
    };
    let mut report = Report::default();
    let mut shown_targets = Vec::new();
    // a vault part that could not be read is damage (65), not an I/O error
    let mut damaged = false;
    let save_dir = args.save.then(|| {
        args.save_dir
            .clone()
            .unwrap_or_else(|| args.data_dir.join("scans"))
    });
    for t in &args.targets {
        shown_targets.push(scan::db::mask_target(t));
        let r = scan_target(&scanner, t, &args, &sink, &mut damaged, out);
        match r {
            Ok(mut r) => {
                if let Some(dir) = &save_dir {
                    r.sort();
                    save_result(dir, t, &r, &policy, out)?;
                }
                report.extend(r)
            }
            Err(e) => {
                if let Some(b) = &sink.bar {
                    b.finish_and_clear();
                }
                return Err(e);
            }
        }
    }
    report.sort();
    if let Some(b) = &sink.bar {
        b.finish_and_clear();
    }
    if let Some(w) = &sink.jsonl
        && let Ok(mut w) = w.lock()
    {
        w.write_held()?;
    }
    if let Ok(mut slot) = sink.io_err.lock()
        && let Some(e) = slot.take()
    {
        return Err(e.into());
    }
    let unreadable = report.unreadable().count();
    for sk in report.unreadable() {
        eprintln!(
            "{} {}: {}",
            out.t("警告: 无法读取", "warning: could not read"),
            escape(&sk.source, false),
            escape(&sk.reason, false)
        );
    }
    // nothing was read at all: no grade can be given
    let nothing_read = unreadable > 0 && report.bytes == 0;
    let total = report.total();
    let total_grade = scan::grade(&total, &policy);
    // stdout is line-buffered: one write per line of a large report without this
    let mut stdout = std::io::BufWriter::with_capacity(64 << 10, std::io::stdout().lock());
    match format {
        FormatArg::Jsonl => {}
        FormatArg::Json => {
            let v = report_json(&report, &policy, &shown_targets, &total, &total_grade);
            let mut v = v;
            if nothing_read {
                // no verdict on what could not be read
                v["grade"] = Value::Null;
            }
            serde_json::to_writer_pretty(&mut stdout, &v)?;
            writeln!(stdout)?;
        }
        FormatArg::Table => stdout.write_all(
            render_table(&report, &policy, &total_grade, nothing_read, out).as_bytes(),
        )?,
        FormatArg::Csv => stdout.write_all(render_csv(&report, &policy).as_bytes())?,
        FormatArg::Html => stdout.write_all(
            render_html(&report, &policy, &total_grade, &shown_targets, out).as_bytes(),
        )?,
        FormatArg::Sarif => {
            let mut kept = sink
                .keep
                .as_ref()
                .and_then(|k| k.lock().ok().map(|mut g| std::mem::take(&mut *g)))
                .unwrap_or_default();
            // the workers' files arrive interleaved: the same scan gives the
            // same document (a stable sort keeps each source's own order)
            kept.sort_by(|a, b| {
                (&a.source, &a.field, a.row, a.f.start)
                    .cmp(&(&b.source, &b.field, b.row, b.f.start))
            });
            let v = render_sarif(&kept, &policy);
            serde_json::to_writer_pretty(&mut stdout, &v)?;
            writeln!(stdout)?;
        }
    }
    stdout.flush()?;
    if unreadable > 0 && (nothing_read || !args.allow_unreadable) {
        let what = if nothing_read {
            out.t(
                "没有任何输入可读, 无法给出分级",
                "nothing could be read, so there is no grade",
            )
        } else {
            out.t(
                "部分输入无法读取, 分级只涵盖已读取的部分",
                "the grade covers only what could be read",
            )
        };
        return Err(fail(
            if damaged { Exit::DataErr } else { Exit::IoErr },
            format!(
                "{unreadable} {}: {what}",
                unit(
                    out,
                    unreadable as u64,
                    "个输入无法读取",
                    "input could not be read",
                    "inputs could not be read"
                )
            ),
        ));
    }
    Ok(exit_for(&total_grade, args.fail_on))
}

/// Scan one target with the default options and policy and save the result
/// in `dir` (used by `wangan assess --scan`); nothing is printed but the
/// saved file's name.
pub fn scan_and_save(target: &str, dir: &Path, out: Out) -> anyhow::Result<PathBuf> {
    let scanner = Scanner::new(ScanOptions::default());
    let policy = Policy::default();
    let sink = CliSink {
        jsonl: None,
        keep: None,
        bar: None,
        io_err: Mutex::new(None),
    };
    let lower = target.to_ascii_lowercase();
    let mut r = if lower.contains("://") && !lower.starts_with("file://") {
        scanner
            .scan_database(target, None, &sink)
            .map_err(|e| scan_err(e, out))?
    } else {
        let p = Path::new(target.strip_prefix("file://").unwrap_or(target));
        scanner.scan_path(p, &sink).map_err(|e| scan_err(e, out))?
    };
    r.sort();
    save_result(dir, target, &r, &policy, out)
}

/// The key that ties a saved scan to a data store of the profile: a URL
/// without its password, or the absolute path of a file or folder.
pub fn target_key(target: &str) -> String {
    evidence::target_key(target)
}

/// Write one target's result to `dir` as `<UTC time>-<key hash>.json`
/// (tmp file, then rename; mode 0600): the `wangan.scan/1` document plus
/// `scanned_at`, `target` (credentials masked), `target_key` and `wangan`.
pub fn save_result(
    dir: &Path,
    target: &str,
    r: &Report,
    policy: &Policy,
    out: Out,
) -> anyhow::Result<PathBuf> {
    let now = time::OffsetDateTime::now_utc();
    let total = r.total();
    let grade = scan::grade(&total, policy);
    let shown = scan::db::mask_target(target);
    let key = target_key(target);
    let mut v = report_json(r, policy, std::slice::from_ref(&shown), &total, &grade);
    v["scanned_at"] = json!(
        now.format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default()
    );
    v["target"] = json!(shown);
    v["target_key"] = json!(key);
    v["wangan"] = json!(env!("CARGO_PKG_VERSION"));
    let io = |e: std::io::Error, p: &Path| {
        fail(
            Exit::IoErr,
            format!(
                "{} {}: {e}",
                out.t("无法保存扫描结果", "cannot save the scan result in"),
                escape(&p.display().to_string(), false)
            ),
        )
    };
    std::fs::create_dir_all(dir).map_err(|e| io(e, dir))?;
    let hash: String = duties::sha256_hex(key.as_bytes())
        .chars()
        .take(12)
        .collect();
    let stamp = format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}{:09}Z",
        now.year(),
        u8::from(now.month()),
        now.day(),
        now.hour(),
        now.minute(),
        now.second(),
        now.nanosecond()
    );
    let path = dir.join(format!("{stamp}-{hash}.json"));
    let tmp = dir.join(format!(".tmp-{stamp}-{hash}.json"));
    let mut bytes = serde_json::to_vec_pretty(&v)?;
    bytes.push(b'\n');
    {
        let mut o = std::fs::OpenOptions::new();
        o.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            o.mode(0o600);
        }
        let mut f = o.open(&tmp).map_err(|e| io(e, &tmp))?;
        f.write_all(&bytes)
            .and_then(|()| f.sync_all())
            .map_err(|e| io(e, &tmp))?;
    }
    std::fs::rename(&tmp, &path).map_err(|e| io(e, &path))?;
    eprintln!(
        "{} {}",
        out.t("已保存扫描结果：", "scan result saved:"),
        escape(&path.display().to_string(), false)
    );
    Ok(path)
}

/// The word after a count `n`: `zh`, or the English singular or plural.
fn unit(out: Out, n: u64, zh: &'static str, one: &'static str, many: &'static str) -> &'static str {
    out.t(zh, if n == 1 { one } else { many })
}

fn exit_for(g: &Grade, fail_on: FailOn) -> Exit {
    let severe = g.sensitive || g.secrets || g.level >= Level::SensitivePi;
    match fail_on {
        FailOn::None => Exit::Ok,
        FailOn::Sensitive if severe => Exit::Severe,
        FailOn::Sensitive => Exit::Ok,
        FailOn::Pi if severe => Exit::Severe,
        FailOn::Pi if g.level >= Level::GeneralPi => Exit::Findings,
        FailOn::Pi => Exit::Ok,
    }
}

/// The source name of standard input (target `-`) in every output.
const STDIN_NAME: &str = "<stdin>";

fn scan_target(
    scanner: &Scanner,
    t: &str,
    args: &ScanArgs,
    sink: &CliSink,
    damaged: &mut bool,
    out: Out,
) -> anyhow::Result<Report> {
    let lower = t.to_ascii_lowercase();
    if lower.contains("://") && !lower.starts_with("file://") {
        return scanner
            .scan_database(t, args.tables.as_deref(), sink)
            .map_err(|e| scan_err(e, out));
    }
    if lower == "vault:" || lower.starts_with("vault:") {
        let rest = &t[6..];
        let dir = if rest.is_empty() {
            args.data_dir.clone()
        } else {
            PathBuf::from(rest)
        };
        let r = scan_vault(scanner, &dir, sink, out)?;
        *damaged |= r.unreadable().next().is_some();
        return Ok(r);
    }
    if t == "-" {
        return Ok(scanner.scan_reader(STDIN_NAME, std::io::stdin().lock(), sink));
    }
    let p = Path::new(t.strip_prefix("file://").unwrap_or(t));
    scanner.scan_path(p, sink).map_err(|e| scan_err(e, out))
}

fn scan_vault(scanner: &Scanner, dir: &Path, sink: &CliSink, out: Out) -> anyhow::Result<Report> {
    let store = vault::Store::open(dir).map_err(|e| {
        let code = match e.kind() {
            vault::ErrorKind::NotFound => Exit::NoInput,
            vault::ErrorKind::Config => Exit::Config,
            vault::ErrorKind::Corrupt
            | vault::ErrorKind::Unsupported
            | vault::ErrorKind::Crypto => Exit::DataErr,
            _ => Exit::IoErr,
        };
        fail(
            code,
            format!(
                "{}: {}",
                out.t("无法打开日志库", "cannot open the vault"),
                escape(&e.to_string(), false)
            ),
        )
    })?;
    // the store's parts (blocks) are scanned on the worker threads and
    // reported in seq order: the output does not depend on the threads; a
    // part that cannot be read is listed, and the rest is still scanned
    let range = 0..store.size();
    let parts = store.raw_parts(range.clone());
    let failed: Mutex<Vec<(usize, String)>> = Mutex::new(Vec::new());
    let mut report = scanner
        .scan_parts(
            &parts,
            "vault:",
            |&part, f| {
                if let Err(e) = store.visit_part(part, range.clone(), f)
                    && let Ok(mut v) = failed.lock()
                {
                    let k = parts.iter().position(|p| *p == part).unwrap_or(0);
                    v.push((k, e.to_string()));
                }
                Ok::<(), std::convert::Infallible>(())
            },
            sink,
        )
        .unwrap_or_else(|e| match e {});
    let mut failed = failed.into_inner().unwrap_or_default();
    failed.sort();
    for (k, reason) in failed {
        let source = match parts[k] {
            vault::RawPart::Block { segment, block } => format!(
                "vault:{} block {block}",
                store
                    .segments()
                    .get(segment)
                    .map_or("?", |s| s.name.as_str())
            ),
            vault::RawPart::Unsealed => "vault:wal".to_owned(),
        };
        report.skipped.push(scan::Skipped {
            source,
            reason,
            unreadable: true,
        });
    }
    for b in store.bad_files() {
        report.skipped.push(scan::Skipped {
            source: format!("vault:{}", b.path.display()),
            reason: b.reason.clone(),
            unreadable: true,
        });
    }
    for (p, off, why) in &store.wal().corrupt {
        report.skipped.push(scan::Skipped {
            source: format!("vault:{}", p.display()),
            reason: format!("at offset {off}: {why}"),
            unreadable: true,
        });
    }
    Ok(report)
}

fn scan_err(e: scan::Error, out: Out) -> anyhow::Error {
    let (code, zh) = match &e {
        scan::Error::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
            (Exit::NoInput, "找不到扫描目标")
        }
        scan::Error::Io { .. } => (Exit::IoErr, "读取失败"),
        scan::Error::Db { .. } => (Exit::IoErr, "数据库扫描失败"),
        scan::Error::Target(_) => (Exit::Usage, "不支持的扫描目标"),
        scan::Error::Glob { .. } => (Exit::Usage, "无效的 --glob"),
        _ => (Exit::Software, "内部错误"),
    };
    let text = escape(&e.to_string(), false).into_owned();
    let msg = match out.lang {
        crate::out::Lang::Zh => format!("{zh}: {text}"),
        crate::out::Lang::En => text,
    };
    fail(code, msg)
}

fn policy_json(p: &Policy) -> Value {
    json!({
        "id_policy": match p.id_policy { IdPolicy::Gbt35273 => "gbt35273", IdPolicy::Gbt45574 => "gbt45574" },
        "important_persons": p.important_persons,
        "important_sensitive_persons": p.important_sensitive_persons,
        "trajectory_points": p.trajectory_points,
        "note": "thresholds are wangan defaults, not legal thresholds; grades are candidates to confirm against the sector or regional catalog",
    })
}

fn grade_json(g: &Grade) -> Value {
    json!({
        "level": g.level.name(),
        "label_zh": g.level.label_zh(),
        "label_en": g.level.label_en(),
        "sensitive": g.sensitive,
        "minors": g.minors,
        "secrets": g.secrets,
        "persons": g.persons,
        "persons_estimated": g.persons_estimated,
        "reasons": g.reasons.iter().map(|r| json!({"code": r.code, "zh": r.zh, "en": r.en})).collect::<Vec<_>>(),
    })
}

fn kinds_json(a: &Asset, p: &Policy) -> Vec<Value> {
    a.kinds
        .iter()
        .map(|(k, s)| {
            let (cz, ce) = scan::grade::category(*k);
            json!({
                "type": k.name(),
                "category_zh": cz,
                "category_en": ce,
                "count": s.count,
                "distinct": s.distinct(),
                "deidentified": s.deidentified,
                "minors": s.minors,
                "sensitive": scan::grade::is_sensitive(*k, s, p),
                "sample": s.sample.map(|m| m.as_str().to_owned()),
                "confidence": s.max_confidence,
            })
        })
        .collect()
}

fn report_json(r: &Report, p: &Policy, targets: &[String], t: &Asset, total: &Grade) -> Value {
    let datasets: Vec<Value> = r
        .datasets()
        .iter()
        .map(|d| {
            let assets: Vec<Value> = r
                .assets
                .iter()
                .filter(|a| a.source == d.source)
                .map(|a| json!({"field": a.field, "grade": grade_json(&scan::grade(a, p)), "kinds": kinds_json(a, p)}))
                .collect();
            json!({"source": d.source, "grade": grade_json(&scan::grade(d, p)), "kinds": kinds_json(d, p), "assets": assets})
        })
        .collect();
    let findings: u64 = t.kinds.values().map(|k| k.count).sum();
    let deid: u64 = t.kinds.values().map(|k| k.deidentified).sum();
    let unreadable = r.unreadable().count();
    json!({
        "schema": "wangan.scan/1",
        "targets": targets,
        "policy": policy_json(p),
        "summary": {"sources": r.sources, "bytes": r.bytes, "rows": r.rows, "findings": findings, "deidentified": deid, "unreadable": unreadable, "complete": unreadable == 0},
        "grade": grade_json(total),
        "datasets": datasets,
        "skipped": r.skipped.iter().map(|s| json!({"source": s.source, "reason": s.reason, "unreadable": s.unreadable})).collect::<Vec<_>>(),
    })
}

fn kind_label(k: Kind, out: Out) -> &'static str {
    out.t(k.label_zh(), k.label_en())
}

fn render_table(r: &Report, p: &Policy, total: &Grade, nothing_read: bool, out: Out) -> String {
    let mut s = String::new();
    let mib = r.bytes as f64 / (1024.0 * 1024.0);
    let _ = writeln!(
        s,
        "{} {} {}, {:.1} MiB, {} {}",
        out.t("已扫描", "scanned"),
        r.sources,
        unit(out, r.sources, "个来源", "source", "sources"),
        mib,
        r.rows,
        unit(out, r.rows, "行/记录", "row/record", "rows/records")
    );
    for d in r.datasets() {
        let g = scan::grade(&d, p);
        let style = match g.level {
            Level::NoPi => Style::Dim,
            Level::GeneralPi => Style::Yellow,
            _ => Style::Red,
        };
        let _ = writeln!(s);
        let _ = writeln!(
            s,
            "{}  {}",
            out.paint(Style::Bold, &escape(&d.source, false)),
            out.paint(style, out.t(g.level.label_zh(), g.level.label_en()))
        );
        for a in r.assets.iter().filter(|a| a.source == d.source) {
            let field = a
                .field
                .as_deref()
                .map(|f| escape(f, false).into_owned())
                .unwrap_or_else(|| "-".to_owned());
            for (k, ks) in &a.kinds {
                let sens = if scan::grade::is_sensitive(*k, ks, p) {
                    out.paint(Style::Red, out.t(" 敏感", " sensitive"))
                } else {
                    String::new()
                };
                let _ = writeln!(
                    s,
                    "  {:<24} {:<14} {:>7} {} {:>7} {}{}{}{}",
                    field,
                    kind_label(*k, out),
                    ks.count,
                    out.t("处", "found"),
                    ks.distinct(),
                    out.t("个不同值", "distinct"),
                    if ks.deidentified > 0 {
                        format!(" +{} {}", ks.deidentified, out.t("已掩码", "masked"))
                    } else {
                        String::new()
                    },
                    ks.sample
                        .map(|m| format!("  {}", escape(m.as_str(), false)))
                        .unwrap_or_default(),
                    sens,
                );
            }
        }
        for reason in g.reasons.iter().filter(|r| r.code != "pi") {
            let _ = writeln!(s, "  - {}", out.t(&reason.zh, &reason.en));
        }
    }
    for sk in &r.skipped {
        let what = if sk.unreadable {
            out.paint(Style::Red, out.t("无法读取", "unreadable"))
        } else {
            out.paint(Style::Dim, out.t("跳过", "skipped"))
        };
        let _ = writeln!(
            s,
            "{what} {}: {}",
            escape(&sk.source, false),
            escape(&sk.reason, false)
        );
    }
    let _ = writeln!(s);
    let unreadable = r.unreadable().count() as u64;
    if nothing_read {
        let _ = writeln!(
            s,
            "{}: {}",
            out.t("总体分级候选", "overall grade candidate"),
            out.paint(
                Style::Red,
                out.t("无 (没有任何输入可读)", "none: nothing could be read")
            ),
        );
        return s;
    }
    if unreadable > 0 {
        let _ = writeln!(
            s,
            "{}",
            out.paint(
                Style::Yellow,
                &format!(
                    "{unreadable} {}",
                    out.t(
                        "个输入无法读取: 以下分级只涵盖已读取的部分",
                        if unreadable == 1 {
                            "input could not be read: the grade below covers only what was read"
                        } else {
                            "inputs could not be read: the grade below covers only what was read"
                        }
                    )
                )
            )
        );
    }
    let persons = if total.persons_estimated {
        out.t("估计约", "estimated, about")
    } else {
        out.t("约", "about")
    };
    let _ = writeln!(
        s,
        "{}: {}  ({persons} {} {})",
        out.t("总体分级候选", "overall grade candidate"),
        out.paint(
            Style::Bold,
            out.t(total.level.label_zh(), total.level.label_en())
        ),
        total.persons,
        unit(out, total.persons, "人", "person", "persons"),
    );
    let _ = writeln!(
        s,
        "{}",
        out.paint(
            Style::Dim,
            out.t(
                "分级为候选结论，阈值为本工具默认值（可配置），不构成法律认定；重要数据以主管部门目录为准。",
                "Grades are candidates; thresholds are this tool's defaults (configurable), not legal determinations; important data is defined by the authorities' catalogs."
            )
        )
    );
    s
}

fn csv_field(v: &str) -> String {
    // neutralise spreadsheet formulas, quote always
    let v = if v.starts_with(['=', '+', '-', '@']) {
        format!("'{v}")
    } else {
        v.to_owned()
    };
    format!("\"{}\"", v.replace('"', "\"\""))
}

fn render_csv(r: &Report, p: &Policy) -> String {
    let mut s = String::from(
        "\u{feff}source,field,type,category,count,distinct,deidentified,minors,sensitive,sample,confidence,asset_grade\r\n",
    );
    for a in &r.assets {
        let g = scan::grade(a, p);
        for (k, ks) in &a.kinds {
            let row = [
                csv_field(&a.source),
                csv_field(a.field.as_deref().unwrap_or("")),
                k.name().to_owned(),
                csv_field(scan::grade::category(*k).0),
                ks.count.to_string(),
                ks.distinct().to_string(),
                ks.deidentified.to_string(),
                ks.minors.to_string(),
                scan::grade::is_sensitive(*k, ks, p).to_string(),
                csv_field(ks.sample.as_ref().map_or("", |m| m.as_str())),
                ks.max_confidence.to_string(),
                g.level.name().to_owned(),
            ];
            s.push_str(&row.join(","));
            s.push_str("\r\n");
        }
    }
    s
}

fn html_escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '&' => o.push_str("&amp;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

fn render_html(r: &Report, p: &Policy, total: &Grade, targets: &[String], out: Out) -> String {
    let mut s = String::new();
    let lang = out.t("zh-CN", "en");
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>wangan scan</title>\
<style>body{{font-family:system-ui,sans-serif;margin:2em;color:#222}}table{{border-collapse:collapse;width:100%;margin:1em 0}}\
th,td{{border:1px solid #ccc;padding:4px 8px;text-align:left;font-size:14px}}th{{background:#f3f3f3}}\
.sensitive_pi,.important_candidate{{color:#b00020;font-weight:bold}}.general_pi{{color:#a15c00}}.no_pi{{color:#555}}\
code{{font-family:ui-monospace,monospace}}.note{{color:#666;font-size:13px}}</style></head><body>\n"
    );
    let _ = writeln!(
        s,
        "<h1>{}</h1>",
        out.t(
            "个人信息与重要数据扫描报告",
            "Personal and important data scan"
        )
    );
    let _ = writeln!(
        s,
        "<p>{}: {}</p>",
        out.t("目标", "Targets"),
        targets
            .iter()
            .map(|t| format!("<code>{}</code>", html_escape(t)))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let _ = writeln!(
        s,
        "<p>{}: <span class=\"{}\">{}</span> — {} {}</p>",
        out.t("总体分级候选", "Overall grade candidate"),
        total.level.name(),
        html_escape(out.t(total.level.label_zh(), total.level.label_en())),
        total.persons,
        unit(out, total.persons, "人", "person", "persons")
    );
    let _ = writeln!(
        s,
        "<ul>{}</ul>",
        total
            .reasons
            .iter()
            .map(|r| format!("<li>{}</li>", html_escape(out.t(&r.zh, &r.en))))
            .collect::<String>()
    );
    let _ = writeln!(
        s,
        "<table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
        out.t("来源", "Source"),
        out.t("字段", "Field"),
        out.t("类型", "Type"),
        out.t("数量", "Count"),
        out.t("不同值", "Distinct"),
        out.t("已掩码", "Masked"),
        out.t("样例（已掩码）", "Sample (masked)"),
        out.t("资产分级候选", "Asset grade")
    );
    for a in &r.assets {
        let g = scan::grade(a, p);
        for (k, ks) in &a.kinds {
            let _ = writeln!(
                s,
                "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td><td class=\"{}\">{}</td></tr>",
                html_escape(&a.source),
                html_escape(a.field.as_deref().unwrap_or("")),
                html_escape(kind_label(*k, out)),
                ks.count,
                ks.distinct(),
                ks.deidentified,
                html_escape(ks.sample.as_ref().map_or("", |m| m.as_str())),
                g.level.name(),
                html_escape(out.t(g.level.label_zh(), g.level.label_en()))
            );
        }
    }
    let _ = writeln!(s, "</table>");
    if !r.skipped.is_empty() {
        let _ = writeln!(s, "<h2>{}</h2><ul>", out.t("未扫描", "Skipped"));
        for sk in &r.skipped {
            let _ = writeln!(
                s,
                "<li><code>{}</code>: {}{}</li>",
                html_escape(&sk.source),
                html_escape(&sk.reason),
                if sk.unreadable {
                    html_escape(out.t(" (无法读取)", " (could not be read)"))
                } else {
                    String::new()
                }
            );
        }
        let _ = writeln!(s, "</ul>");
    }
    let _ = writeln!(
        s,
        "<p class=\"note\">{}</p></body></html>",
        html_escape(out.t(
            "分级为候选结论，阈值为本工具默认值（可配置），不构成法律认定；重要数据以主管部门目录为准。所有值均已掩码。",
            "Grades are candidates; thresholds are this tool's defaults (configurable), not legal determinations. All values are masked."
        ))
    );
    s
}

/// A source path as the URI reference SARIF requires (RFC 3986): `/` as
/// the separator, every byte other than an unreserved character or `/`
/// percent-encoded (spaces, `#`, `%`, `:`, Chinese names), and an absolute
/// path as a `file://` URI.
fn sarif_uri(source: &str) -> String {
    let path = source.replace('\\', "/");
    let mut u = String::with_capacity(path.len() + 8);
    if path.starts_with('/') {
        u.push_str("file://");
    }
    for &b in path.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            u.push(char::from(b));
        } else {
            let _ = write!(u, "%{b:02X}");
        }
    }
    u
}

fn render_sarif(kept: &[Kept], p: &Policy) -> Value {
    let _ = p;
    let rules: Vec<Value> = Kind::ALL
        .iter()
        .map(|k| {
            json!({
                "id": k.name(),
                "name": k.label_en(),
                "shortDescription": {"text": format!("{} ({})", k.label_en(), k.label_zh())},
                "properties": {"category": scan::grade::category(*k).1},
            })
        })
        .collect();
    let results: Vec<Value> = kept
        .iter()
        .filter(|k| k.row.is_none() && !k.f.is_deidentified())
        .map(|k| {
            let level = match k.f.kind {
                Kind::CnId | Kind::BankCard | Kind::Passport | Kind::TravelPermit | Kind::Password | Kind::PrivateKey | Kind::ApiToken => "error",
                Kind::CnUscc | Kind::Ipv4 | Kind::Ipv6 | Kind::Mac => "note",
                _ => "warning",
            };
            let level = if k.f.is_minor() { "error" } else { level };
            json!({
                "ruleId": k.f.kind.name(),
                "level": level,
                "message": {"text": format!("{}: {}", k.f.kind.label_en(), k.f.masked.as_str())},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": sarif_uri(&k.source)},
                        "region": {"byteOffset": k.f.start, "byteLength": k.f.end - k.f.start},
                    },
                    "logicalLocations": k.field.as_ref().map(|f| vec![json!({"name": f})]).unwrap_or_default(),
                }],
                "properties": {"confidence": k.f.confidence, "masked": k.f.masked.as_str()},
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "wangan scan",
                "informationUri": "https://github.com/",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "results": results,
        }],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The JSONL line as a `serde_json::Value` writes it (the reference).
    fn finding_json(source: &str, field: Option<&str>, row: Option<u64>, f: &Finding) -> Value {
        json!({
            "path": source,
            "field": field,
            "row": row,
            "type": f.kind.name(),
            "byte_start": f.start,
            "byte_end": f.end,
            "masked": f.masked.as_str(),
            "confidence": f.confidence,
            "deidentified": f.is_deidentified(),
            "minor": f.is_minor(),
        })
    }

    /// The JSONL lines are byte for byte those of the `Value` rendering,
    /// for every kind of finding and awkward paths and fields.
    #[test]
    fn finding_lines_equal_value_rendering() {
        let text = "身份证号11010519491231002X，手机138 0013 8000，邮箱 zhang.san@example.com，\
                    IP 10.1.2.3，卡号 6222021234567890123，已掩码 138****8000，\
                    统一社会信用代码 91350100M000100Y43，地址 北京市朝阳区建国路88号 张三";
        let mut found = Vec::new();
        scan::Detector::default().scan(text.as_bytes(), scan::Hint::default(), &mut found);
        assert!(found.len() >= 5, "{found:?}");
        let sources = ["a.log", "dir/\"q\"\\b\u{1}\t.csv", "数据/用户.json", ""];
        let fields = [None, Some("手机"), Some("$.a[\"x\"]"), Some("\u{7f}\n")];
        let rows = [None, Some(0), Some(u64::MAX)];
        for f in &found {
            for source in sources {
                for field in fields {
                    for row in rows {
                        let mut want = serde_json::to_vec(&finding_json(source, field, row, f))
                            .expect("serialize");
                        want.push(b'\n');
                        let mut got = Vec::new();
                        write_finding_line(&mut got, source, field, row, f).expect("write");
                        assert_eq!(
                            String::from_utf8_lossy(&got),
                            String::from_utf8_lossy(&want)
                        );
                    }
                }
            }
        }
    }
}
