//! `wangan law …`: chapter 3 as data. Parses arguments, calls the `law`
//! crate and renders; no legal fact lives here.

use std::fmt::Write as _;
use std::io::Write as _;

use clap::{Args, Subcommand, ValueEnum};
use law::{Bearer, Counterpart, Duty, Evidence, Fit, Loc, Op, Status, Text, Version};
use serde_json::{Value, json};
use time::Date;

use crate::out::{Exit, Out, Style, escape, usage};

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

fn emit_json(out: Out, value: &Value) -> anyhow::Result<Exit> {
    out.print_json(value)?;
    Ok(Exit::Ok)
}

fn tx(out: Out, t: Text) -> &'static str {
    match out.lang {
        crate::out::Lang::Zh => t.zh,
        crate::out::Lang::En => t.en,
    }
}

fn text_json(t: Text) -> Value {
    json!({ "zh": t.zh, "en": t.en })
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

/// Pad `s` to `width` terminal columns (CJK characters count two).
fn pad(s: &str, width: usize) -> String {
    let w = display_width(s);
    format!("{s}{}", " ".repeat(width.saturating_sub(w)))
}

fn display_width(s: &str) -> usize {
    s.chars()
        .map(|c| match c as u32 {
            0x1100..=0x115f
            | 0x2e80..=0x303e
            | 0x3041..=0x33ff
            | 0x3400..=0x4dbf
            | 0x4e00..=0x9fff
            | 0xac00..=0xd7a3
            | 0xf900..=0xfaff
            | 0xfe30..=0xfe4f
            | 0xff00..=0xff60
            | 0xffe0..=0xffe6 => 2,
            _ => 1,
        })
        .sum()
}

fn colon(out: Out) -> &'static str {
    out.t("：", ": ")
}

fn status_tag(out: Out, s: Status) -> String {
    let tag = format!("[{}]", tx(out, s.label()));
    match s {
        Status::Verified => out.paint(Style::Dim, &tag),
        Status::Secondary | Status::Unverified => out.paint(Style::Yellow, &tag),
    }
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
        let duties: Vec<Value> = rows
            .iter()
            .map(|d| {
                json!({
                    "id": d.id,
                    "article": d.source(version).map(|l| l.to_string()),
                    "section": d.section().id(),
                    "bearer": d.bearer.key(),
                    "kind": d.kind.key(),
                    "title": text_json(d.title),
                })
            })
            .collect();
        return emit_json(
            out,
            &json!({
                "schema": "wangan.law.list/1",
                "version": version.key(),
                "at": a.when.date().to_string(),
                "in_force": a.when.in_force().key(),
                "bearer": bearer.map(Bearer::key),
                "duties": duties,
            }),
        );
    }
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{}",
        out.paint(
            Style::Bold,
            &format!(
                "{} — {} {}",
                version.label(),
                rows.len(),
                out.t("项义务", "duties")
            )
        )
    );
    let _ = writeln!(s, "{}", out.paint(Style::Dim, &in_force_line(out, &a.when)));
    let id_w = rows.iter().map(|d| d.id.len()).max().unwrap_or(2);
    let bearer_w = rows
        .iter()
        .map(|d| display_width(tx(out, d.bearer.label())))
        .max()
        .unwrap_or(6);
    let _ = writeln!(
        s,
        "{}",
        out.paint(
            Style::Dim,
            &format!(
                "{}  {}  {}  {}",
                pad(out.t("编号", "id"), id_w),
                pad(out.t("条文", "article"), 7),
                pad(out.t("义务主体", "bearer"), bearer_w),
                out.t("标题", "title"),
            )
        )
    );
    let mut section = None;
    for d in rows {
        if section != Some(d.section()) {
            section = Some(d.section());
            let _ = writeln!(
                s,
                "{}",
                out.paint(Style::Bold, tx(out, d.section().title()))
            );
        }
        let article = d
            .source(version)
            .map_or_else(|| "—".to_owned(), |l| l.to_string());
        let _ = writeln!(
            s,
            "{}  {}  {}  {}",
            out.paint(Style::Cyan, &pad(d.id, id_w)),
            pad(&article, 7),
            pad(tx(out, d.bearer.label()), bearer_w),
            tx(out, d.title),
        );
    }
    emit(&s)
}

fn in_force_line(out: Out, when: &When) -> String {
    let date = when.date();
    let chosen = when.chosen();
    let in_force = when.in_force();
    if chosen == in_force {
        match out.lang {
            crate::out::Lang::Zh => format!("按 {date} 施行的文本编号。"),
            crate::out::Lang::En => format!("Numbered as in force on {date}."),
        }
    } else {
        match out.lang {
            crate::out::Lang::Zh => format!(
                "按 {} 编号；{date} 施行的是 {}。",
                chosen.label(),
                in_force.label()
            ),
            crate::out::Lang::En => format!(
                "Numbered as in {}; on {date} the law in force is {}.",
                chosen.label(),
                in_force.label()
            ),
        }
    }
}

// ---- show -------------------------------------------------------------------

/// The counterparts of `loc` in every version, as `{"draft": …, …}`: a
/// string for one, a list for several, null for none.
fn articles_json(loc: Loc) -> Value {
    let mut m = serde_json::Map::new();
    for v in Version::ALL {
        let cs = law::counterparts(loc, v);
        let value = match cs.as_slice() {
            [] => Value::Null,
            [one] => Value::String(one.loc.to_string()),
            many => Value::Array(
                many.iter()
                    .map(|c| Value::String(c.loc.to_string()))
                    .collect(),
            ),
        };
        m.insert(v.key().to_owned(), value);
    }
    Value::Object(m)
}

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
    let texts: Vec<String> = shown.iter().filter_map(|c| c.loc.text()).collect();
    let text = texts.join("\n");
    let notes: Vec<Text> = Version::ALL
        .iter()
        .flat_map(|&v| {
            let cs = law::counterparts(loc, v);
            let mut ns: Vec<Text> = cs.iter().filter_map(|c| c.note).collect();
            if cs.is_empty() {
                ns.extend(law::no_counterpart_note(loc, v));
            }
            ns
        })
        .fold(Vec::new(), |mut acc, n| {
            if !acc.contains(&n) {
                acc.push(n);
            }
            acc
        });

    if out.json {
        let refs: Vec<String> = shown.iter().map(|c| c.loc.key()).collect();
        let mut counterparts = serde_json::Map::new();
        for v in Version::ALL {
            counterparts.insert(
                v.key().to_owned(),
                law::counterparts(loc, v)
                    .iter()
                    .map(law::export::counterpart_json)
                    .collect(),
            );
        }
        let duty = match duties.as_slice() {
            [] => Value::Null,
            [one] => Value::String(one.id.to_owned()),
            many => many
                .iter()
                .map(|d| Value::String(d.id.to_owned()))
                .collect(),
        };
        return emit_json(
            out,
            &json!({
                "schema": "wangan.law.show/1",
                "query": a.reference,
                "at": date.to_string(),
                "in_force": in_force.key(),
                "version": version.key(),
                "ref": if refs.len() == 1 { Value::String(refs[0].clone()) } else { json!(refs) },
                "citation": shown.iter().map(|c| c.loc.label()).collect::<Vec<_>>().join(" + "),
                "zh": shown.iter().map(|c| c.loc.zh()).collect::<Vec<_>>().join("、"),
                "section": loc.section().map(law::Section::id),
                "text": text,
                "articles": articles_json(loc),
                "counterparts": counterparts,
                "duty": duty,
                "duties": duties.iter().map(|d| law::export::duty_json(d)).collect::<Vec<_>>(),
                "notes": notes.iter().map(|n| text_json(*n)).collect::<Vec<_>>(),
            }),
        );
    }

    let mut s = String::new();
    let heading = shown
        .iter()
        .map(|c| format!("{}  {}", c.loc.label(), c.loc.zh()))
        .collect::<Vec<_>>()
        .join(" + ");
    let _ = writeln!(s, "{}", out.paint(Style::Bold, &heading));
    let _ = writeln!(
        s,
        "{}",
        out.paint(
            Style::Dim,
            &format!(
                "{} · {}",
                tx(out, version.name()),
                loc.section()
                    .map(|x| tx(out, x.title()))
                    .unwrap_or_default()
            )
        )
    );
    let when_note = match (version == Version::Draft2015, version != in_force, out.lang) {
        (true, _, crate::out::Lang::Zh) => Some(format!(
            "这是2015年草案的文字，仅供历史参考；{date} 施行的是 {}。",
            in_force.label()
        )),
        (true, _, crate::out::Lang::En) => Some(format!(
            "This is the 2015 draft's wording, historical only; on {date} the law in force is {}.",
            in_force.label()
        )),
        (false, true, crate::out::Lang::Zh) => {
            Some(format!("注意：{date} 施行的是 {}。", in_force.label()))
        }
        (false, true, crate::out::Lang::En) => Some(format!(
            "Note: on {date} the law in force is {}.",
            in_force.label()
        )),
        (false, false, _) => None,
    };
    if let Some(n) = when_note {
        let _ = writeln!(s, "{}", out.paint(Style::Yellow, &n));
    }
    let _ = writeln!(s);
    let _ = writeln!(s, "{text}");
    let _ = writeln!(s);

    let _ = writeln!(
        s,
        "{}",
        out.paint(Style::Bold, out.t("三个版本中的位置", "Numbering"))
    );
    for v in Version::ALL {
        let cs = law::counterparts(loc, v);
        let where_ = if cs.is_empty() {
            out.t("（无对应条文）", "(no counterpart)").to_owned()
        } else {
            cs.iter()
                .map(|c| match c.fit {
                    Fit::Same => c.loc.to_string(),
                    Fit::Part => format!("{} {}", c.loc, out.t("（部分）", "(part)")),
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut marks = Vec::new();
        if v == version {
            marks.push(out.t("← 当前显示", "← shown"));
        }
        if v == in_force {
            marks.push(out.t("← 现行", "← in force"));
        }
        let line = format!(
            "  {}  {}  {}",
            pad(v.label(), 10),
            out.paint(Style::Cyan, &pad(&where_, 8)),
            out.paint(Style::Dim, &marks.join(" ")),
        );
        let _ = writeln!(s, "{}", line.trim_end());
    }
    for n in &notes {
        let _ = writeln!(s, "  {}", out.paint(Style::Dim, tx(out, *n)));
    }

    if duties.is_empty() {
        let _ = writeln!(s);
        let _ = writeln!(s, "{}", out.t("此处没有义务。", "No duty is written here."));
    }
    for d in &duties {
        let _ = writeln!(s);
        render_duty(&mut s, d, out);
    }
    emit(&s)
}

fn render_duty(s: &mut String, d: &Duty, out: Out) {
    let label_w = if out.lang == crate::out::Lang::Zh {
        10
    } else {
        17
    };
    let row = |s: &mut String, label: &str, value: &str| {
        let _ = writeln!(
            s,
            "  {}{value}",
            out.paint(Style::Dim, &pad(label, label_w))
        );
    };
    let more = |s: &mut String, value: &str| {
        let _ = writeln!(s, "  {}{value}", " ".repeat(label_w));
    };
    let _ = writeln!(
        s,
        "{} {}  {}",
        out.paint(Style::Bold, out.t("义务", "Duty")),
        out.paint(Style::Cyan, d.id),
        out.paint(Style::Bold, tx(out, d.title)),
    );
    row(
        s,
        out.t("义务主体", "Bearer"),
        &format!(
            "{} · {}",
            tx(out, d.bearer.label()),
            tx(out, d.kind.label())
        ),
    );
    row(s, out.t("概要", "Summary"), tx(out, d.summary));
    let sources = Version::ALL
        .iter()
        .map(|&v| {
            format!(
                "{} {}",
                v.label(),
                d.source(v)
                    .map_or_else(|| "—".to_owned(), |l| l.to_string())
            )
        })
        .collect::<Vec<_>>()
        .join(" · ");
    row(s, out.t("出处", "Sources"), &sources);
    if d.evidence.is_empty() {
        row(
            s,
            out.t("证据", "Evidence"),
            out.t(
                "（主管部门自身职责，运营者无需举证）",
                "(the authorities' own duty: nothing for an operator to prove)",
            ),
        );
    }
    for (i, e) in d.evidence.iter().enumerate() {
        let line = match e {
            Evidence::Auto { capability, what } => format!(
                "{} ({}){}{}",
                out.t("自动收集", "automatic"),
                capability.key(),
                colon(out),
                tx(out, *what)
            ),
            Evidence::Supplied { what } => {
                format!(
                    "{}{}{}",
                    out.t("人工提供", "supplied"),
                    colon(out),
                    tx(out, *what)
                )
            }
        };
        if i == 0 {
            row(s, out.t("证据", "Evidence"), &line);
        } else {
            more(s, &line);
        }
    }
    for (i, c) in d.clocks.iter().enumerate() {
        let line = format!(
            "{} {} ({})",
            tx(out, c.what),
            status_tag(out, c.status),
            tx(out, c.basis)
        );
        if i == 0 {
            row(s, out.t("时限", "Clock"), &line);
        } else {
            more(s, &line);
        }
    }
    if d.penalties.is_empty() {
        row(
            s,
            out.t("罚则", "Penalty"),
            match d.kind {
                law::Kind::AuthorityRole => out.t(
                    "不适用（主管部门职责）",
                    "not applicable (the authorities' own duty)",
                ),
                _ => out.t("无（鼓励性规定）", "none (an encouragement)"),
            },
        );
    }
    for (i, p) in d.penalties.iter().enumerate() {
        let article = match (p.zh(), p.label(), out.lang) {
            (Some(zh), _, crate::out::Lang::Zh) => format!("{} {zh}", p.version.label()),
            (_, Some(label), _) => label,
            _ => format!(
                "{} {}",
                p.version.label(),
                out.t("无专门罚则", "no penalty of its own")
            ),
        };
        let mut line = format!("{article} {}", status_tag(out, p.status));
        if let Some(n) = p.note {
            let _ = write!(line, " {}", tx(out, n));
        }
        if i == 0 {
            row(s, out.t("罚则", "Penalty"), &line);
        } else {
            more(s, &line);
        }
        if let Some(text) = p.text() {
            for l in text.lines() {
                more(
                    s,
                    &format!("  {}", out.paint(Style::Dim, &format!("「{l}」"))),
                );
            }
        }
    }
    row(
        s,
        out.t("草案以来", "Since the draft"),
        &format!(
            "{}{}{}",
            tx(out, d.since_draft.label()),
            colon(out),
            tx(out, d.change_note)
        ),
    );
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
    let body = |locs: &[Loc]| -> Option<String> {
        let parts: Vec<String> = locs.iter().filter_map(|l| l.body()).collect();
        (!parts.is_empty()).then(|| parts.join("\n"))
    };
    let refs = |locs: &[Loc]| -> String {
        locs.iter()
            .map(|l| l.to_string())
            .collect::<Vec<_>>()
            .join(" + ")
    };
    let steps: Vec<(Version, Vec<Loc>, Version, Vec<Loc>)> = per_version
        .windows(2)
        .map(|w| (w[0].0, w[0].1.clone(), w[1].0, w[1].1.clone()))
        .collect();

    if out.json {
        let mut texts = serde_json::Map::new();
        let mut articles = serde_json::Map::new();
        for (v, locs) in &per_version {
            texts.insert(
                v.key().to_owned(),
                body(locs).map_or(Value::Null, Value::String),
            );
            articles.insert(
                v.key().to_owned(),
                if locs.is_empty() {
                    Value::Null
                } else {
                    Value::String(refs(locs))
                },
            );
        }
        let steps: Vec<Value> = steps
            .iter()
            .map(|(fv, fl, tv, tl)| {
                let segments = match (body(fl), body(tl)) {
                    (Some(old), Some(new)) => law::diff(&old, &new)
                        .iter()
                        .map(|seg| json!({ "op": seg.op.key(), "text": seg.text }))
                        .collect::<Vec<_>>(),
                    _ => Vec::new(),
                };
                json!({
                    "from": fv.key(),
                    "to": tv.key(),
                    "from_ref": if fl.is_empty() { Value::Null } else { Value::String(refs(fl)) },
                    "to_ref": if tl.is_empty() { Value::Null } else { Value::String(refs(tl)) },
                    "changed": segments.iter().any(|s| s["op"] != "equal"),
                    "segments": segments,
                })
            })
            .collect();
        return emit_json(
            out,
            &json!({
                "schema": "wangan.law.diff/1",
                "query": a.reference,
                "ref": loc.key(),
                "articles": articles,
                "texts": texts,
                "steps": steps,
            }),
        );
    }

    let mut s = String::new();
    let _ = writeln!(
        s,
        "{}",
        out.paint(
            Style::Bold,
            &format!(
                "{}{}",
                out.t("条文演变：", "How it changed: "),
                per_version
                    .iter()
                    .map(|(v, l)| format!(
                        "{} {}",
                        v.label(),
                        if l.is_empty() {
                            "—".to_owned()
                        } else {
                            refs(l)
                        }
                    ))
                    .collect::<Vec<_>>()
                    .join(" → ")
            )
        )
    );
    if !out.color {
        let _ = writeln!(
            s,
            "{}",
            out.t("标记：[-删除-]{+新增+}", "Marks: [-deleted-]{+inserted+}")
        );
    }
    for (fv, fl, tv, tl) in &steps {
        let _ = writeln!(s);
        let _ = writeln!(
            s,
            "{}",
            out.paint(
                Style::Bold,
                &format!(
                    "{} {} → {} {}",
                    fv.label(),
                    if fl.is_empty() {
                        "—".to_owned()
                    } else {
                        refs(fl)
                    },
                    tv.label(),
                    if tl.is_empty() {
                        "—".to_owned()
                    } else {
                        refs(tl)
                    },
                )
            )
        );
        match (body(fl), body(tl)) {
            (Some(old), Some(new)) => {
                let segs = law::diff(&old, &new);
                if segs.iter().all(|x| x.op == Op::Equal) {
                    let _ = writeln!(
                        s,
                        "{}",
                        out.paint(Style::Dim, out.t("（文字未变）", "(same words)"))
                    );
                }
                for seg in segs {
                    let piece = match (seg.op, out.color) {
                        (Op::Equal, _) => seg.text.clone(),
                        (Op::Delete, true) => out.paint(Style::Deleted, &seg.text),
                        (Op::Insert, true) => out.paint(Style::Inserted, &seg.text),
                        (Op::Delete, false) => format!("[-{}-]", seg.text),
                        (Op::Insert, false) => format!("{{+{}+}}", seg.text),
                    };
                    s.push_str(&piece);
                }
                s.push('\n');
            }
            (None, Some(new)) => {
                let note = fl
                    .is_empty()
                    .then(|| tl.first().and_then(|l| law::no_counterpart_note(*l, *fv)))
                    .flatten();
                let _ = writeln!(
                    s,
                    "{}",
                    out.paint(
                        Style::Dim,
                        note.map_or(
                            out.t("（此前无对应条文）", "(no earlier counterpart)"),
                            |n| tx(out, n)
                        )
                    )
                );
                let piece = if out.color {
                    out.paint(Style::Inserted, &new)
                } else {
                    format!("{{+{new}+}}")
                };
                let _ = writeln!(s, "{piece}");
            }
            (Some(old), None) => {
                let note = fl.first().and_then(|l| law::no_counterpart_note(*l, *tv));
                let _ = writeln!(
                    s,
                    "{}",
                    out.paint(
                        Style::Dim,
                        note.map_or(
                            out.t("（此后无对应条文）", "(no later counterpart)"),
                            |n| tx(out, n)
                        )
                    )
                );
                let piece = if out.color {
                    out.paint(Style::Deleted, &old)
                } else {
                    format!("[-{old}-]")
                };
                let _ = writeln!(s, "{piece}");
            }
            (None, None) => {
                let _ = writeln!(
                    s,
                    "{}",
                    out.paint(Style::Dim, out.t("（两个版本都没有）", "(in neither)"))
                );
            }
        }
    }
    let duties = match target.duty {
        Some(d) => vec![d],
        None => law::duties_at(loc),
    };
    if !duties.is_empty() {
        let _ = writeln!(s);
        let _ = writeln!(
            s,
            "{}",
            out.paint(Style::Bold, out.t("草案以来的变化", "Since the draft"))
        );
        for d in duties {
            let _ = writeln!(
                s,
                "  {} {}{}{}",
                out.paint(Style::Cyan, d.id),
                tx(out, d.since_draft.label()),
                colon(out),
                tx(out, d.change_note)
            );
        }
    }
    emit(&s)
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
        let hits: Vec<Value> = hits
            .iter()
            .map(|h| match h {
                law::Hit::Duty { duty, field } => json!({
                    "type": "duty",
                    "id": duty.id,
                    "field": field,
                    "title": text_json(duty.title),
                }),
                law::Hit::Text { loc, line } => json!({
                    "type": "text",
                    "ref": loc.key(),
                    "line": line,
                }),
            })
            .collect();
        return emit_json(
            out,
            &json!({
                "schema": "wangan.law.search/1",
                "query": a.text,
                "versions": versions.iter().map(|v| v.key()).collect::<Vec<_>>(),
                "hits": hits,
            }),
        );
    }
    let mut s = String::new();
    let shown = escape(a.text.trim(), false);
    let _ = writeln!(
        s,
        "{}",
        out.paint(
            Style::Bold,
            &format!("{} “{shown}”: {}", out.t("搜索", "Search"), hits.len())
        )
    );
    if hits.is_empty() {
        let _ = writeln!(s, "{}", out.t("没有结果。", "Nothing found."));
        return emit(&s);
    }
    let highlight = |line: &str| -> String {
        if !out.color {
            return line.to_owned();
        }
        let q = a.text.trim();
        line.replace(q, &out.paint(Style::Yellow, q))
    };
    let mut last_kind = "";
    for h in &hits {
        match h {
            law::Hit::Duty { duty, .. } => {
                if last_kind != "duty" {
                    let _ = writeln!(s, "{}", out.paint(Style::Bold, out.t("义务", "Duties")));
                    last_kind = "duty";
                }
                let _ = writeln!(
                    s,
                    "  {}  {}",
                    out.paint(Style::Cyan, duty.id),
                    highlight(tx(out, duty.title))
                );
            }
            law::Hit::Text { loc, line } => {
                if last_kind != "text" {
                    let _ = writeln!(s, "{}", out.paint(Style::Bold, out.t("条文", "Text")));
                    last_kind = "text";
                }
                let _ = writeln!(
                    s,
                    "  {}  {}",
                    out.paint(Style::Cyan, &pad(&loc.label(), 18)),
                    highlight(line)
                );
            }
        }
    }
    emit(&s)
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
