//! `wangan assess`: gather the evidence the profile points at (vault
//! coverage and integrity, saved scans, documents' SHA-256), let `duties`
//! decide every duty, and render the report with `report`. No decision is
//! made here.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use duties::evidence::Evidence;
use duties::{FailOn, Profile};
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

/// Gather everything the profile points at (the `evidence` crate, which the console calls
/// too); a problem that left a part out is printed as a warning.
pub fn gather(profile: &Profile, at: Date, now: OffsetDateTime, out: Out) -> Evidence {
    let g = evidence::gather(profile, at, now);
    for w in &g.warnings {
        let (zh, en) = w.what();
        let detail = match w {
            evidence::Warning::RegistersLocation(d) => d.clone(),
            evidence::Warning::RegistersUnreadable(d) => escape(d, false).to_string(),
        };
        eprintln!("{}: {detail}", out.t(zh, en));
    }
    g.evidence
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
