//! `wangan scan …`: find and grade personal information, sensitive PI,
//! important-data candidates and secrets in files, databases and the vault.
//! Argument parsing and rendering only; detection and grading live in the
//! `scan` crate.

use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use clap::{Args, ValueEnum};
use render::scan::Located;
use scan::json::{FindingLine, ScanDoc};
use scan::{Finding, Grade, Hit, IdPolicy, Level, Policy, Report, ScanOptions, Scanner, Sink};

use crate::out::{Exit, Out, escape, fail, usage};

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
    keep: Option<Mutex<Vec<Located>>>,
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
            k.extend(findings.iter().map(|f| Located {
                source: source.to_owned(),
                field: field.map(str::to_owned),
                row,
                finding: *f,
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

/// Write the JSONL line of one finding (`scan::json::FindingLine`).
fn write_finding_line(
    w: &mut impl Write,
    source: &str,
    field: Option<&str>,
    row: Option<u64>,
    f: &Finding,
) -> std::io::Result<()> {
    FindingLine::new(source, field, row, f).write(w)
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
            let mut doc = ScanDoc::new(&report, &policy, &shown_targets);
            // no verdict on what could not be read
            doc.withhold_grade_if_nothing_read();
            serde_json::to_writer_pretty(&mut stdout, &doc)?;
            writeln!(stdout)?;
        }
        FormatArg::Table => stdout.write_all(
            render::scan::table(&report, &policy, &total_grade, nothing_read, out.painter())
                .as_bytes(),
        )?,
        FormatArg::Csv => stdout.write_all(render::scan::csv(&report, &policy).as_bytes())?,
        FormatArg::Html => stdout.write_all(
            render::scan::html(
                &report,
                &policy,
                &total_grade,
                &shown_targets,
                out.painter(),
            )
            .as_bytes(),
        )?,
        FormatArg::Sarif => {
            // the workers' files arrive interleaved: the renderer sorts
            let kept = sink
                .keep
                .as_ref()
                .and_then(|k| k.lock().ok().map(|mut g| std::mem::take(&mut *g)))
                .unwrap_or_default();
            let doc = render::scan::sarif(kept, env!("CARGO_PKG_VERSION"));
            serde_json::to_writer_pretty(&mut stdout, &doc)?;
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
    let shown = scan::db::mask_target(target);
    let key = target_key(target);
    let mut doc = ScanDoc::new(r, policy, std::slice::from_ref(&shown));
    doc.scanned_at = Some(
        now.format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default(),
    );
    doc.target = Some(shown);
    doc.target_key = Some(key.clone());
    doc.wangan = Some(env!("CARGO_PKG_VERSION").to_owned());
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
    let mut bytes = serde_json::to_vec_pretty(&doc)?;
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
    out.painter().unit(n, zh, one, many)
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
