//! `wangan law …`: chapter 3 as data. Parses arguments, calls the `law`
//! crate and renders; no legal fact lives here.

use std::fmt::Write as _;
use std::io::Write as _;

use clap::{Args, Subcommand, ValueEnum};
use law::{Bearer, Counterpart, Duty, Fit, Loc, Text, Version};
use time::Date;

use crate::out::{Exit, Out, escape, usage};

/// Arguments of `wangan law`.
#[derive(Debug, Args)]
pub struct LawArgs {
    #[command(subcommand)]
    command: LawCommand,
}

#[derive(Debug, Subcommand)]
enum LawCommand {
    /// One row per duty with its article in the chosen version (义务清单).
    #[command(after_help = LIST_EXAMPLES)]
    List(ListArgs),
    /// The text of an article, paragraph or item, where it sits in the other
    /// two versions, its duties and what changed since the draft.
    #[command(after_help = SHOW_EXAMPLES)]
    Show(ShowArgs),
    /// Draft → CSL-2016 → CSL-2025, changes marked character by character.
    #[command(after_help = DIFF_EXAMPLES)]
    Diff(DiffArgs),
    /// Search the Chinese text and the duty summaries in both languages.
    #[command(after_help = SEARCH_EXAMPLES)]
    Search(SearchArgs),
    /// Export the chapter as JSON or the duties as an OSCAL 1.1 catalog.
    #[command(after_help = EXPORT_EXAMPLES)]
    Export(ExportArgs),
}

const LIST_EXAMPLES: &str = "\
Examples:
  wangan law list                              duties, numbered as in force today
  wangan law list --version 2016 --bearer cii-operator
  wangan law list --version draft --json";

const SHOW_EXAMPLES: &str = "\
Examples:
  wangan law show 23(3)                        the six-month log duty
  wangan law show 'CSL-2016 21(3)' --json
  wangan law show 'draft 17(3)'                the draft's wording; what changed
  wangan law show 第二十四条第二款 --at 2025-06-01
  wangan law show csl.log-retention --version 2016

References: 23(3), art. 23(3), 第二十三条第三项, 24¶2, 第二十四条第二款, 23（三）,
CSL-2016 21(3), 2016:21(3), CSL-2025 23(3), 2025:23(3), draft 17(3), 草案第十七条,
or a duty id such as csl.log-retention. A bare number means the version in
force on --at (CSL-2016 before 2026-01-01, CSL-2025 from then on), or the
version given with --version.

JSON (schema wangan.law.show/1): ref, citation, text (always Chinese),
articles {draft, 2016, 2025} (a string, a list when split, null when none),
duty (an id, a list when several, null when none), duties (full records),
counterparts, notes.";

const DIFF_EXAMPLES: &str = "\
Examples:
  wangan law diff 23(3)                        the log duty across three texts
  wangan law diff 'draft 18' --color never     plain markers: [-deleted-]{+inserted+}
  wangan law diff 2016:34 --json";

const SEARCH_EXAMPLES: &str = "\
Examples:
  wangan law search 日志
  wangan law search backup --version 2025
  wangan law search 即时通讯 --json";

const EXPORT_EXAMPLES: &str = "\
Examples:
  wangan law export --format json > csl-ch3.json
  wangan law export --format oscal > catalog.json    OSCAL 1.1 catalog";

/// `--version` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum VersionArg {
    /// The 2015 first-reading draft (art. 17–33).
    #[value(name = "draft", alias = "2015")]
    Draft,
    /// CSL-2016 (art. 21–39), in force 2017-06-01 to 2025-12-31.
    #[value(name = "2016", alias = "csl-2016")]
    Csl2016,
    /// CSL-2025 (art. 23–41), in force from 2026-01-01.
    #[value(name = "2025", alias = "csl-2025")]
    Csl2025,
}

impl From<VersionArg> for Version {
    fn from(v: VersionArg) -> Self {
        match v {
            VersionArg::Draft => Version::Draft2015,
            VersionArg::Csl2016 => Version::Csl2016,
            VersionArg::Csl2025 => Version::Csl2025,
        }
    }
}

/// `--bearer` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum BearerArg {
    /// 网络运营者.
    NetworkOperator,
    /// 关键信息基础设施运营者.
    CiiOperator,
    /// 网络产品、服务提供者.
    Provider,
    /// 任何个人和组织.
    Anyone,
    /// 有关行业组织.
    IndustryBody,
    /// The State and its departments.
    Authorities,
}

impl From<BearerArg> for Bearer {
    fn from(b: BearerArg) -> Self {
        match b {
            BearerArg::NetworkOperator => Bearer::NetworkOperator,
            BearerArg::CiiOperator => Bearer::CiiOperator,
            BearerArg::Provider => Bearer::Provider,
            BearerArg::Anyone => Bearer::Anyone,
            BearerArg::IndustryBody => Bearer::IndustryBody,
            BearerArg::Authorities => Bearer::Authorities,
        }
    }
}

/// Which date and version to read references in.
#[derive(Debug, Args)]
struct When {
    /// The date of the facts (YYYY-MM-DD); picks the version in force.
    /// Default: today in China Standard Time (UTC+8).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    at: Option<Date>,
    /// Number by and show this version instead of the one in force; a bare
    /// reference is read in it.
    #[arg(long = "version", value_enum, value_name = "VERSION")]
    version: Option<VersionArg>,
}

impl When {
    fn date(&self) -> Date {
        self.at.unwrap_or_else(today_in_china)
    }

    fn in_force(&self) -> Version {
        Version::in_force_at(self.date())
    }

    fn chosen(&self) -> Version {
        self.version.map_or_else(|| self.in_force(), Version::from)
    }
}

#[derive(Debug, Args)]
struct ListArgs {
    #[command(flatten)]
    when: When,
    /// Only duties of this bearer.
    #[arg(long, value_enum, value_name = "BEARER")]
    bearer: Option<BearerArg>,
}

#[derive(Debug, Args)]
struct ShowArgs {
    /// The article, paragraph, item or duty id (see "References" below).
    #[arg(value_name = "REF")]
    reference: String,
    #[command(flatten)]
    when: When,
}

#[derive(Debug, Args)]
struct DiffArgs {
    /// The article, paragraph, item or duty id, in any version.
    #[arg(value_name = "REF")]
    reference: String,
    #[command(flatten)]
    when: When,
}

#[derive(Debug, Args)]
struct SearchArgs {
    /// The text to find (Chinese or English; case-insensitive).
    #[arg(value_name = "TEXT")]
    text: String,
    /// Search this version's text only (default: all three).
    #[arg(long = "version", value_enum, value_name = "VERSION")]
    version: Option<VersionArg>,
}

/// `--format` values of `wangan law export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// Everything: texts, numbering maps, duties (schema wangan.law.export/1).
    Json,
    /// The duties as an OSCAL 1.1 catalog.
    Oscal,
}

#[derive(Debug, Args)]
struct ExportArgs {
    /// Output format.
    #[arg(long, value_enum, value_name = "FORMAT")]
    format: Format,
}

fn parse_date(s: &str) -> Result<Date, String> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(s.trim(), fmt).map_err(|e| format!("expected a date as YYYY-MM-DD ({e})"))
}

fn today_in_china() -> Date {
    let cst = time::UtcOffset::from_hms(8, 0, 0).unwrap_or(time::UtcOffset::UTC);
    time::OffsetDateTime::now_utc().to_offset(cst).date()
}

/// Run a `wangan law` command.
pub fn run(args: LawArgs, out: Out) -> anyhow::Result<Exit> {
    match args.command {
        LawCommand::List(a) => list(&a, out),
        LawCommand::Show(a) => show(&a, out),
        LawCommand::Diff(a) => diff(&a, out),
        LawCommand::Search(a) => search(&a, out),
        LawCommand::Export(a) => export(&a),
    }
}

fn emit(text: &str) -> anyhow::Result<Exit> {
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()?;
    Ok(Exit::Ok)
}

fn emit_json(out: Out, value: &impl serde::Serialize) -> anyhow::Result<Exit> {
    out.print_json(value)?;
    Ok(Exit::Ok)
}

fn tx(out: Out, t: Text) -> &'static str {
    match out.lang {
        crate::out::Lang::Zh => t.zh,
        crate::out::Lang::En => t.en,
    }
}

/// Resolve a reference, turning a `law` error into a localised usage error
/// (exit 64) that echoes the input escaped.
fn resolve(input: &str, bare: Version, out: Out) -> anyhow::Result<law::Target> {
    law::resolve(input, bare).map_err(|e| {
        let shown = escape(input, false);
        let list = e.suggestions().join(", ");
        let mut msg = match &e {
            law::Error::Unreadable { .. } => format!(
                "{} `{shown}`{}",
                out.t("无法识别的引用", "cannot read reference"),
                out.t(
                    "；可用形式如 23(3)、CSL-2016 21(3)、第二十三条第三项、csl.log-retention",
                    "; use forms like 23(3), CSL-2016 21(3), 第二十三条第三项 or csl.log-retention"
                ),
            ),
            _ => format!(
                "{} `{shown}`",
                out.t(
                    "没有这一条、款、项或义务：",
                    "no such article, paragraph, item or duty:"
                ),
            ),
        };
        if !list.is_empty() {
            let _ = write!(
                msg,
                "{}{list}",
                out.t("；最接近的有效引用：", "; closest valid: ")
            );
        }
        let _ = match out.lang {
            crate::out::Lang::Zh => write!(
                msg,
                "。不带版本的编号按 {} 理解（见 --at、--version）；义务编号见 `wangan law list`",
                bare.label()
            ),
            crate::out::Lang::En => write!(
                msg,
                ". A bare number is read in {} (see --at, --version); duty ids: `wangan law list`",
                bare.label()
            ),
        };
        usage(msg)
    })
}

// ---- list -------------------------------------------------------------------

fn list(a: &ListArgs, out: Out) -> anyhow::Result<Exit> {
    let version = a.when.chosen();
    let bearer = a.bearer.map(Bearer::from);
    let rows: Vec<&Duty> = law::duties()
        .iter()
        .filter(|d| bearer.is_none_or(|b| d.bearer == b))
        .collect();
    if out.json {
        let doc = law::json::List::new(version, a.when.date(), a.when.in_force(), bearer, &rows);
        return emit_json(out, &doc);
    }
    emit(&render::law::list(
        version,
        a.when.date(),
        a.when.in_force(),
        &rows,
        out.painter(),
    ))
}

// ---- show -------------------------------------------------------------------

fn show(a: &ShowArgs, out: Out) -> anyhow::Result<Exit> {
    let date = a.when.date();
    let in_force = a.when.in_force();
    let bare = a.when.chosen();
    let target = resolve(&a.reference, bare, out)?;
    // The version to show: --version, else the reference's own, else in force.
    let version = match a.when.version {
        Some(v) => Version::from(v),
        None if target.explicit_version => target.loc.version,
        None => bare,
    };
    let shown: Vec<Counterpart> = if let Some(d) = target.duty {
        match d.source(version) {
            Some(loc) => vec![Counterpart {
                loc,
                fit: Fit::Same,
                note: None,
            }],
            None => Vec::new(),
        }
    } else {
        law::counterparts(target.loc, version)
    };
    let Some(first) = shown.first() else {
        let why = law::no_counterpart_note(target.loc, version)
            .map(|t| tx(out, t).to_owned())
            .unwrap_or_default();
        return Err(usage(format!(
            "{} {} {}{}{why}",
            target.loc.label(),
            out.t("在", "has no counterpart in"),
            version.label(),
            out.t("中没有对应条文：", ": "),
        )));
    };
    let loc = first.loc;
    let duties: Vec<&Duty> = match target.duty {
        Some(d) => vec![d],
        None => {
            let mut ds: Vec<&Duty> = Vec::new();
            for c in &shown {
                for d in law::duties_at(c.loc) {
                    if !ds.contains(&d) {
                        ds.push(d);
                    }
                }
            }
            ds
        }
    };
    let notes = law::map::notes(loc);

    let input = law::json::ShowInput {
        query: &a.reference,
        at: date,
        in_force,
        version,
        shown: &shown,
        duties: &duties,
        notes: &notes,
    };
    if out.json {
        return emit_json(out, &law::json::Show::new(input));
    }
    emit(&render::law::show(&input, out.painter()))
}

// ---- diff -------------------------------------------------------------------

fn diff(a: &DiffArgs, out: Out) -> anyhow::Result<Exit> {
    let target = resolve(&a.reference, a.when.chosen(), out)?;
    let loc = target.loc;
    // The provision in each version (several when split; empty when absent).
    let per_version: Vec<(Version, Vec<Loc>)> = Version::ALL
        .iter()
        .map(|&v| {
            let locs = match target.duty {
                Some(d) => d.source(v).into_iter().collect(),
                None => law::counterparts(loc, v).iter().map(|c| c.loc).collect(),
            };
            (v, locs)
        })
        .collect();

    if out.json {
        return emit_json(out, &law::json::Diff::new(&a.reference, loc, &per_version));
    }
    emit(&render::law::diff(
        loc,
        target.duty,
        &per_version,
        out.painter(),
    ))
}

// ---- search -----------------------------------------------------------------

fn search(a: &SearchArgs, out: Out) -> anyhow::Result<Exit> {
    let versions: Vec<Version> = match a.version {
        Some(v) => vec![v.into()],
        None => Version::ALL.to_vec(),
    };
    if a.text.trim().is_empty() {
        return Err(usage(out.t("搜索内容不能为空", "the search text is empty")));
    }
    let hits = law::search(&a.text, &versions);
    if out.json {
        return emit_json(out, &law::json::Search::new(&a.text, &versions, &hits));
    }
    emit(&render::law::search(&a.text, &hits, out.painter()))
}

// ---- export -----------------------------------------------------------------

fn export(a: &ExportArgs) -> anyhow::Result<Exit> {
    let value = match a.format {
        Format::Json => law::export::json(),
        Format::Oscal => law::export::oscal(),
    };
    let mut stdout = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut stdout, &value).map_err(std::io::Error::other)?;
    writeln!(stdout)?;
    Ok(Exit::Ok)
}
