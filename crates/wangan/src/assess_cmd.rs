//! `wangan assess`: gather the evidence the profile points at (vault
//! coverage and integrity, saved scans, documents' SHA-256), let `duties`
//! decide every duty, and render the report with `report`. No decision is
//! made here.

use std::collections::BTreeMap;
use std::io::{Read, Write as _};
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use duties::evidence::{
    Check, DataLevel, DocumentEvidence, Evidence, FullVerification, Gap, ScanEvidence,
    SourceCoverage, VaultEvidence,
};
use duties::{FailOn, Interval, Profile};
use time::{Date, OffsetDateTime};

use crate::out::{Exit, Lang, Out, escape, fail};

const EXAMPLES: &str = "\
Examples:
  wangan assess                                 profile.toml, today, a terminal summary
  wangan assess --profile p.toml --format html -o report.html
  wangan assess --at 2025-12-31 --format md     as the law stood on that day (CSL-2016)
  wangan assess --json | jq '.duties[] | select(.status == \"not-met\") | .id'
  wangan assess --scan --format oscal -o results.json
  wangan assess --fail-on not-met               a CI gate that tolerates missing evidence
  wangan assess --at 2025-12-31 --report cii-yearly -o 2025.docx
                                                the yearly CII report (检测评估情况和改进措施)

The yearly CII report (--report cii-yearly; CSL-2025 art. 40, CSL-2016 art.
38) covers the twelve months up to --at: the operator and its systems, the
yearly assessment register entry, every duty with its evidence, the
period's incidents, drills and product vulnerabilities from the registers,
the risks found and the improvement measures. Formats md (default), html,
docx (-o needed); Chinese unless --lang en. Its structure and period are wangan's
choice (the law prescribes no form) and it says so; facts wangan cannot
know are marked for the operator to fill in.

Exit codes: 0 every applicable duty met or waived; 1 a duty not met, partly
met or needing evidence (see --fail-on); 2 a legal clock is overdue or a vault
fails verification; 66 profile not found; 78 invalid profile.

Evidence: log coverage and integrity from the vaults the profile names (six
calendar months back from --at; the last `wangan vault verify` on record);
the latest `wangan scan … --save` of each data store (or --scan to run them
now); the SHA-256 of every document. JSON: schema wangan.assess/1, documented
in the duties crate (cargo doc -p duties, module model).";

/// Arguments of `wangan assess`.
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct AssessArgs {
    /// The operator's profile.
    #[arg(
        long,
        short = 'p',
        value_name = "FILE",
        env = "WANGAN_PROFILE",
        default_value = "profile.toml"
    )]
    profile: PathBuf,
    /// The date assessed (YYYY-MM-DD): picks the law in force (CSL-2016 before
    /// 2026-01-01, CSL-2025 from then on) and the six-month window. Default:
    /// today in China Standard Time.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    at: Option<Date>,
    /// Report format [default: text, or from the extension of -o].
    #[arg(long, value_enum, value_name = "FORMAT")]
    format: Option<FormatArg>,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
    /// The lowest status that makes the exit code non-zero.
    #[arg(long, value_enum, value_name = "LEVEL", default_value_t = FailOnArg::NeedsEvidence)]
    fail_on: FailOnArg,
    /// Scan every data store of the profile now (and save the results) before deciding.
    #[arg(long)]
    scan: bool,
    /// Write a report built on the assessment instead: `cii-yearly`, the
    /// yearly CII assessment report (formats md, html, docx).
    #[arg(long, value_enum, value_name = "REPORT")]
    report: Option<ReportArg>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ReportArg {
    /// The yearly CII assessment report (检测评估情况和改进措施), from the
    /// assessment and the registers, for the twelve months up to --at.
    CiiYearly,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FormatArg {
    /// A summary for the terminal.
    Text,
    /// Markdown.
    Md,
    /// One self-contained HTML file (prints on A4).
    Html,
    /// JSON (schema wangan.assess/1).
    Json,
    /// OSCAL 1.1 assessment-results.
    Oscal,
    /// CSV, UTF-8 with BOM (Excel, WPS).
    Csv,
    /// A Word document (only with --report).
    Docx,
}

impl FormatArg {
    fn key(self) -> &'static str {
        match self {
            FormatArg::Text => "text",
            FormatArg::Md => "md",
            FormatArg::Html => "html",
            FormatArg::Json => "json",
            FormatArg::Oscal => "oscal",
            FormatArg::Csv => "csv",
            FormatArg::Docx => "docx",
        }
    }

    /// The assessment report format (`None` for docx, which only --report writes).
    fn assessment(self) -> Option<report::Format> {
        Some(match self {
            FormatArg::Text => report::Format::Text,
            FormatArg::Md => report::Format::Markdown,
            FormatArg::Html => report::Format::Html,
            FormatArg::Json => report::Format::Json,
            FormatArg::Oscal => report::Format::Oscal,
            FormatArg::Csv => report::Format::Csv,
            FormatArg::Docx => return None,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FailOnArg {
    /// Always exit 0 (unless wangan itself fails).
    None,
    /// Only an overdue legal clock or a failed vault verification (exit 2).
    Severe,
    /// Also any duty not met.
    NotMet,
    /// Also any duty partly met.
    PartlyMet,
    /// Also any duty needing evidence.
    NeedsEvidence,
}

impl From<FailOnArg> for FailOn {
    fn from(f: FailOnArg) -> Self {
        match f {
            FailOnArg::None => FailOn::None,
            FailOnArg::Severe => FailOn::Severe,
            FailOnArg::NotMet => FailOn::NotMet,
            FailOnArg::PartlyMet => FailOn::PartlyMet,
            FailOnArg::NeedsEvidence => FailOn::NeedsEvidence,
        }
    }
}

fn parse_date(s: &str) -> Result<Date, String> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(s.trim(), fmt).map_err(|e| format!("expected a date as YYYY-MM-DD ({e})"))
}

/// Run `wangan assess`.
pub fn run(args: AssessArgs, out: Out) -> anyhow::Result<Exit> {
    let profile = crate::profile_cmd::load(&args.profile, out)?;
    let now = OffsetDateTime::now_utc();
    let at = args
        .at
        .unwrap_or_else(|| now.to_offset(duties::assess::CST).date());
    let yearly = match args.report {
        Some(ReportArg::CiiYearly) => Some(crate::yearly_cmd::pick_format(
            args.format.map(FormatArg::key),
            args.output.as_deref(),
            out,
        )?),
        None => None,
    };
    let format = match (args.format, out.json) {
        (Some(f), _) => match f.assessment() {
            Some(f) => f,
            None if yearly.is_some() => report::Format::Markdown,
            None => {
                return Err(crate::out::usage(out.t(
                    "--format docx 只用于 --report cii-yearly",
                    "--format docx is only for --report cii-yearly",
                )));
            }
        },
        (None, true) => report::Format::Json,
        (None, false) => args
            .output
            .as_deref()
            .and_then(format_from_extension)
            .unwrap_or(report::Format::Text),
    };
    if args.scan {
        scan_stores(&profile, out)?;
    }
    let evidence = gather(&profile, at, now, out);
    let assessment = duties::assess(duties::Inputs {
        profile: &profile,
        at,
        collected: now,
        evidence: &evidence,
    });
    let lang = match out.lang {
        Lang::Zh => duties::Lang::Zh,
        Lang::En => duties::Lang::En,
    };
    let opts = report::Options {
        lang,
        color: out.color && args.output.is_none() && format == report::Format::Text,
    };
    if let Some(f) = yearly {
        crate::yearly_cmd::write(&profile, &assessment, f, args.output.as_deref(), out)?;
        return Ok(exit_of(&assessment, args.fail_on));
    }
    let text = report::render(&assessment, format, &opts);
    match &args.output {
        Some(path) => write_file(path, text.as_bytes(), out)?,
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(text.as_bytes())?;
            stdout.flush()?;
        }
    }
    Ok(exit_of(&assessment, args.fail_on))
}

fn exit_of(a: &duties::Assessment, fail_on: FailOnArg) -> Exit {
    match a.exit_level(fail_on.into()) {
        0 => Exit::Ok,
        1 => Exit::Findings,
        _ => Exit::Severe,
    }
}

fn format_from_extension(p: &Path) -> Option<report::Format> {
    match p.extension()?.to_str()?.to_ascii_lowercase().as_str() {
        "md" | "markdown" => Some(report::Format::Markdown),
        "html" | "htm" => Some(report::Format::Html),
        "csv" => Some(report::Format::Csv),
        "json" => Some(report::Format::Json),
        "txt" => Some(report::Format::Text),
        _ => None,
    }
}

fn write_file(path: &Path, bytes: &[u8], out: Out) -> anyhow::Result<()> {
    std::fs::write(path, bytes).map_err(|e| {
        fail(
            Exit::IoErr,
            format!(
                "{} {}: {e}",
                out.t("无法写入报告", "cannot write the report to"),
                escape(&path.display().to_string(), false)
            ),
        )
    })
}

// ---- evidence -----------------------------------------------------------------

/// Gather everything the profile points at. A part that cannot be read is
/// recorded as such in the evidence (and decided on), never skipped.
pub fn gather(profile: &Profile, at: Date, now: OffsetDateTime, out: Out) -> Evidence {
    let as_of = duties::as_of(at, now);
    let from = Interval(law::Period::Months(6))
        .before(at)
        .midnight()
        .assume_offset(duties::assess::CST);
    let vaults = profile
        .vaults()
        .into_iter()
        .map(|dir| gather_vault(profile, dir, from, as_of, now))
        .collect();
    Evidence {
        vaults,
        scans: gather_scans(profile, out),
        documents: gather_documents(profile, now),
        registers: crate::registers_cmd::assess_evidence(profile, as_of, now, out),
    }
}

fn gather_vault(
    profile: &Profile,
    dir: &Path,
    from: OffsetDateTime,
    to: OffsetDateTime,
    now: OffsetDateTime,
) -> VaultEvidence {
    let shown = dir.display().to_string();
    let path = profile.resolve(dir);
    let mut ev = VaultEvidence {
        dir: shown,
        collected: now,
        error: None,
        origin: None,
        retention: None,
        records: 0,
        window_start: Some(from),
        window_end: Some(to),
        sources: Vec::new(),
        unreadable: Vec::new(),
        structure: None,
        last_full_verify: None,
    };
    let store = match vault::Store::open(&path) {
        Ok(s) => s,
        Err(e) => {
            ev.error = Some(e.to_string());
            return ev;
        }
    };
    ev.origin = Some(store.config().origin.clone());
    ev.retention = Some(store.retention().to_string());
    let gaps: BTreeMap<String, time::Duration> = profile
        .log_sources
        .iter()
        .filter(|s| s.vault == dir)
        .map(|s| (s.name.clone(), gap_of(s.max_gap)))
        .collect();
    let opts = vault::SpanOptions {
        from,
        to,
        gap: gap_of(profile.settings.max_gap),
        gaps,
    };
    match vault::spans(&store, &opts) {
        Ok(r) => {
            tracing::info!(
                vault = %path.display(),
                blocks = r.blocks,
                decoded = r.blocks_decoded,
                "coverage from block metadata"
            );
            ev.records = r.records;
            ev.unreadable = r.unreadable;
            ev.sources = r
                .sources
                .into_iter()
                .map(|s| SourceCoverage {
                    name: s.source,
                    first: Some(cst(s.first_ns)),
                    last: Some(cst(s.last_ns)),
                    gaps: s
                        .gaps
                        .iter()
                        .map(|g| Gap {
                            from: cst(g.from_ns),
                            to: cst(g.to_ns),
                        })
                        .collect(),
                    max_gap_secs: s.gap.whole_seconds(),
                })
                .collect();
        }
        Err(e) => ev.error = Some(e.to_string()),
    }
    let quick = vault::VerifyOptions {
        quick: true,
        ..vault::VerifyOptions::default()
    };
    match vault::verify(&store, &quick) {
        Ok(r) => {
            ev.structure = Some(Check {
                ok: r.is_intact(),
                problems: r
                    .findings
                    .iter()
                    .filter(|f| f.severity == vault::Severity::Error)
                    .map(|f| format!("{}: {}", f.kind, f.message))
                    .collect(),
            });
        }
        Err(e) => {
            ev.structure = Some(Check {
                ok: false,
                problems: vec![e.to_string()],
            });
        }
    }
    match vault::verified::latest(&path) {
        Ok(Some(v)) => {
            if let Some(at) = v.at() {
                ev.last_full_verify = Some(FullVerification {
                    at,
                    intact: v.intact,
                    records: v.size,
                    root: v.root.clone(),
                    errors: v.errors,
                    matches_store: vault::verified::matches(&store, &v),
                });
            }
        }
        Ok(None) => {}
        Err(e) => ev.unreadable.push(e.to_string()),
    }
    ev
}

/// A gap threshold as a length: a month counts 31 days, a year 366 (a
/// silence that long is a gap under any calendar).
fn gap_of(i: Interval) -> time::Duration {
    match i.0 {
        law::Period::Months(n) => time::Duration::days(31 * i64::from(n)),
        law::Period::Years(n) => time::Duration::days(366 * i64::from(n)),
        _ => i.fixed().unwrap_or(time::Duration::HOUR),
    }
}

fn cst(ns: i64) -> OffsetDateTime {
    vault::clock::from_ns(ns).to_offset(duties::assess::CST)
}

/// The latest saved scan of each data store: the newest `scanned_at` among
/// the results in the scans folder whose `target_key` is the store's.
fn gather_scans(profile: &Profile, out: Out) -> Vec<ScanEvidence> {
    let dir = profile.resolve(&profile.settings.scans);
    let Ok(rd) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let keys: Vec<(String, String)> = profile
        .data_stores
        .iter()
        .map(|s| (s.id.clone(), store_key(profile, &s.target)))
        .collect();
    let mut best: BTreeMap<String, ScanEvidence> = BTreeMap::new();
    for e in rd.flatten() {
        let path = e.path();
        let name = e.file_name().to_string_lossy().into_owned();
        if !name.ends_with(".json") || name.starts_with(".tmp-") {
            continue;
        }
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        let Some(saved) = read_saved_scan(&bytes) else {
            tracing::warn!(file = %path.display(), "not a saved wangan scan result; skipped");
            continue;
        };
        for (id, key) in &keys {
            if &saved.key != key {
                continue;
            }
            let newer = best.get(id).is_none_or(|b| b.scanned_at < saved.scanned_at);
            if newer {
                best.insert(
                    id.clone(),
                    ScanEvidence {
                        store: id.clone(),
                        file: path.display().to_string(),
                        sha256: duties::sha256_hex(&bytes),
                        scanned_at: saved.scanned_at,
                        target: saved.target.clone(),
                        level: saved.level,
                        sensitive: saved.sensitive,
                        minors: saved.minors,
                        secrets: saved.secrets,
                        persons: saved.persons,
                        kinds: saved.kinds.clone(),
                        skipped: saved.skipped,
                    },
                );
            }
        }
    }
    let _ = out;
    best.into_values().collect()
}

/// The key of a store's target as `wangan scan --save` writes it (paths
/// relative to the profile).
fn store_key(profile: &Profile, target: &str) -> String {
    if target.contains("://") && !target.starts_with("file://") {
        return crate::scan_cmd::target_key(target);
    }
    let p = profile.resolve(Path::new(target.strip_prefix("file://").unwrap_or(target)));
    crate::scan_cmd::target_key(&p.display().to_string())
}

struct SavedScan {
    key: String,
    target: String,
    scanned_at: OffsetDateTime,
    level: DataLevel,
    sensitive: bool,
    minors: bool,
    secrets: bool,
    persons: u64,
    kinds: Vec<String>,
    skipped: u64,
}

fn read_saved_scan(bytes: &[u8]) -> Option<SavedScan> {
    let v: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    if v["schema"] != "wangan.scan/1" {
        return None;
    }
    let scanned_at = vault::clock::parse_rfc3339(v["scanned_at"].as_str()?)?;
    let g = &v["grade"];
    let mut kinds: Vec<String> = v["datasets"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|d| d["kinds"].as_array().into_iter().flatten())
        .filter_map(|k| k["type"].as_str().map(str::to_owned))
        .collect();
    kinds.sort();
    kinds.dedup();
    Some(SavedScan {
        key: v["target_key"].as_str()?.to_owned(),
        target: v["target"].as_str().unwrap_or_default().to_owned(),
        scanned_at,
        level: DataLevel::from_name(g["level"].as_str()?)?,
        sensitive: g["sensitive"].as_bool().unwrap_or(false),
        minors: g["minors"].as_bool().unwrap_or(false),
        secrets: g["secrets"].as_bool().unwrap_or(false),
        persons: g["persons"].as_u64().unwrap_or(0),
        kinds,
        // only inputs that could not be read make a scan incomplete; files passed
        // over on purpose (ignored, special files, too large to matter) do not
        skipped: v["skipped"].as_array().map_or(0, |a| {
            a.iter()
                .filter(|s| s["unreadable"].as_bool().unwrap_or(true))
                .count() as u64
        }),
    })
}

/// Hash every document the profile names.
fn gather_documents(profile: &Profile, now: OffsetDateTime) -> Vec<DocumentEvidence> {
    profile
        .documents
        .iter()
        .map(|d| {
            let path = profile.resolve(&d.path);
            let mut ev = DocumentEvidence {
                id: d.id.clone(),
                path: path.display().to_string(),
                collected: now,
                sha256: None,
                bytes: None,
                error: None,
            };
            match hash_file(&path) {
                Ok((h, n)) => {
                    ev.sha256 = Some(h);
                    ev.bytes = Some(n);
                }
                Err(e) => {
                    ev.error = Some(match e.kind() {
                        std::io::ErrorKind::NotFound => "not found".to_owned(),
                        _ => e.to_string(),
                    });
                }
            }
            ev
        })
        .collect()
}

fn hash_file(path: &Path) -> std::io::Result<(String, u64)> {
    use sha2::{Digest, Sha256};
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(std::io::Error::other("not a regular file"));
    }
    let mut f = std::fs::File::open(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut n = 0u64;
    loop {
        let k = f.read(&mut buf)?;
        if k == 0 {
            break;
        }
        h.update(&buf[..k]);
        n += k as u64;
    }
    Ok((h.finalize().iter().map(|b| format!("{b:02x}")).collect(), n))
}

/// `--scan`: scan every data store now and save the result where assess finds it.
fn scan_stores(profile: &Profile, out: Out) -> anyhow::Result<()> {
    let dir = profile.resolve(&profile.settings.scans);
    for s in &profile.data_stores {
        let target = if s.target.contains("://") && !s.target.starts_with("file://") {
            with_password(&s.target, s.password_env.as_deref(), out)?
        } else {
            profile
                .resolve(Path::new(
                    s.target.strip_prefix("file://").unwrap_or(&s.target),
                ))
                .display()
                .to_string()
        };
        crate::scan_cmd::scan_and_save(&target, &dir, out)?;
    }
    Ok(())
}

/// Put the password from `env` into a database URL (in memory only).
fn with_password(url: &str, env: Option<&str>, out: Out) -> anyhow::Result<String> {
    let Some(var) = env else {
        return Ok(url.to_owned());
    };
    let pw = std::env::var(var).map_err(|_| {
        fail(
            Exit::Config,
            format!(
                "{} {var}",
                out.t(
                    "画像中 password_env 指定的环境变量未设置：",
                    "the environment variable named by password_env is not set:"
                )
            ),
        )
    })?;
    let Some((scheme, rest)) = url.split_once("://") else {
        return Ok(url.to_owned());
    };
    let auth_end = rest.find('/').unwrap_or(rest.len());
    let enc: String = pw
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    Ok(match rest[..auth_end].rfind('@') {
        Some(at) => format!("{scheme}://{}:{enc}{}", &rest[..at], &rest[at..]),
        None => url.to_owned(),
    })
}
