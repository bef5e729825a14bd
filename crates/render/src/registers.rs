//! The registers' records, lists, clocks and checks for a reader: what the
//! register commands (`wangan <register> …`, `wangan registers …`) print
//! without `--json`, in Chinese or English, with or without colour. The JSON
//! documents are types of the `registers` crate ([`registers::view`],
//! [`registers::contract`]).
//!
//! Every function returns the whole text, each line ending in `\n`; the
//! caller writes it and picks the exit code. Notes meant for standard error
//! ([`kind_note`], [`anchor_pending`]) are separate functions.

use std::fmt::Write as _;

use registers::contract::{AnchorState, Anchored, IncidentReport, Status};
use registers::grade::Suggestion;
use registers::mlps::Grading;
use registers::schema::{self, DataExt, FieldType};
use registers::view::{DeadlineView, ListView, RecordView, SweepView};
use registers::{OperatorKind, Provenance, Record, Register, Settings, VerifyReport};
use serde_json::Value;
use time::OffsetDateTime;

use crate::{Lang, Painter, Style, escape};

/// What the clocks of a record are computed against: the operator kind,
/// the settings and the time.
#[derive(Debug, Clone, Copy)]
pub struct Basis<'a> {
    /// The kind of operator whose deadlines apply.
    pub kind: OperatorKind,
    /// The operator's register settings (thresholds, offsets).
    pub settings: &'a Settings,
    /// The time the clocks are read at.
    pub now: OffsetDateTime,
}

fn zh(p: Painter) -> bool {
    p.lang == Lang::Zh
}

fn text(p: Painter, t: law::Text) -> &'static str {
    if zh(p) { t.zh } else { t.en }
}

/// `2025-03-14T23:30:00+08:00` → `2025-03-14 23:30 +08:00`; dates stay.
fn short_date(s: &str) -> String {
    match registers::when::parse_datetime(s) {
        Some(t) => registers::when::fmt_human(t),
        None => s.to_owned(),
    }
}

/// Display width: CJK characters take two columns. (Wider ranges than
/// [`crate::law::display_width`]: the register tables have always been
/// padded with these.)
fn width(s: &str) -> usize {
    s.chars()
        .map(|c| {
            let u = c as u32;
            if (0x1100..=0x115F).contains(&u)
                || (0x2E80..=0xA4CF).contains(&u)
                || (0xAC00..=0xD7A3).contains(&u)
                || (0xF900..=0xFAFF).contains(&u)
                || (0xFE30..=0xFE4F).contains(&u)
                || (0xFF00..=0xFF60).contains(&u)
                || (0xFFE0..=0xFFE6).contains(&u)
                || (0x20000..=0x3FFFD).contains(&u)
            {
                2
            } else {
                1
            }
        })
        .sum()
}

fn pad(s: &str, w: usize) -> String {
    let n = width(s);
    format!("{s}{}", " ".repeat(w.saturating_sub(n)))
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// `[secondary source]` and the like after a fact that is not verified.
fn flag_text(p: Painter, prov: Provenance) -> String {
    if prov == Provenance::Verified {
        return String::new();
    }
    format!(
        "  {}",
        p.paint(Style::Yellow, &format!("[{}]", text(p, prov.flag())))
    )
}

fn deadline_brief(p: Painter, d: &DeadlineView) -> String {
    let st = d.status_text.get(zh(p)).to_owned();
    let style = match d.state {
        "overdue" | "missing" | "late" => Style::Red,
        "pending" => Style::Yellow,
        _ => Style::Green,
    };
    format!("{} {}", text(p, d.kind.label()), p.paint(style, &st))
}

fn deadline_line(p: Painter, d: &DeadlineView) -> String {
    let mut s = text(p, d.kind.label()).to_owned();
    if let Some(r) = d.recipient {
        s.push_str(" → ");
        s.push_str(text(p, r.label()));
    }
    let due = match (&d.due_date, &d.due) {
        (Some(day), _) => day.clone(),
        (None, Some(t)) => short_date(t),
        (None, None) => match d.state {
            "not-started" => p
                .t("处置结束后起算", "starts when handling ends")
                .to_owned(),
            _ => p.t("—", "—").to_owned(),
        },
    };
    let style = match d.state {
        "overdue" | "missing" | "late" => Style::Red,
        "pending" => Style::Yellow,
        "met" => Style::Green,
        _ => Style::Dim,
    };
    format!(
        "{}  {}  {}{}",
        s,
        due,
        p.paint(style, d.status_text.get(zh(p))),
        flag_text(p, d.provenance)
    )
}

/// A field's value for a reader: choice labels, short dates, yes/no,
/// harm pairs, grouped digits, lists joined.
fn fmt_value(p: Painter, f: &schema::Field, v: &Value) -> String {
    let zh = zh(p);
    match (f.ty, v) {
        (FieldType::Choice(cs), Value::String(k)) => cs
            .iter()
            .find(|c| c.key == k)
            .map(|c| text(p, c.label).to_owned())
            .unwrap_or_else(|| k.clone()),
        (FieldType::DateTime, Value::String(t)) => short_date(t),
        (FieldType::Bool, Value::Bool(b)) => {
            if *b {
                p.t("是", "yes").to_owned()
            } else {
                p.t("否", "no").to_owned()
            }
        }
        (FieldType::Harm, Value::String(h)) => match registers::mlps::parse_harm(h) {
            Ok(h) => format!(
                "{} × {}",
                text(p, h.object.label()),
                text(p, h.degree.label())
            ),
            Err(_) => h.clone(),
        },
        (FieldType::Count, Value::Number(n)) => n
            .as_u64()
            .map(group_digits)
            .unwrap_or_else(|| n.to_string()),
        (_, Value::Array(a)) => a
            .iter()
            .map(|x| {
                x.as_str()
                    .map(str::to_owned)
                    .unwrap_or_else(|| x.to_string())
            })
            .collect::<Vec<_>>()
            .join(if zh { "、" } else { "; " }),
        (_, Value::String(s)) => s.clone(),
        (_, other) => other.to_string(),
    }
}

/// `12,000,000`; small numbers stay as they are.
fn group_digits(n: u64) -> String {
    let s = n.to_string();
    if n < 10_000 {
        return s;
    }
    let mut o = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            o.push(',');
        }
        o.push(c);
    }
    o
}

/// The note (for standard error) that the clocks are an ordinary
/// operator's because no operator kind was given.
pub fn kind_note(p: Painter) -> String {
    format!(
        "{} {}\n",
        p.paint(Style::Yellow, p.t("注意：", "note:")),
        p.t(
            "未指定运营者类型，按一般网络运营者计算时限（4 小时）；用 --operator-kind cii|central-state|ordinary 或在设置中写明 operator_kind",
            "operator kind not given: clocks are for an ordinary network operator (4 h); give --operator-kind cii|central-state|ordinary or set operator_kind in the settings"
        )
    )
}

/// A page of a register's list: a heading with the count, one line per
/// record (id, date, summary, most urgent deadline, findings), and where
/// the next page starts.
pub fn list(p: Painter, reg: Register, v: &ListView) -> String {
    let mut s = String::new();
    let shown = if v.items.is_empty() {
        String::new()
    } else {
        format!("{}–{}", v.offset + 1, v.offset + v.items.len() as u64)
    };
    let _ = writeln!(
        s,
        "{} ({})",
        p.paint(Style::Bold, text(p, reg.label())),
        match p.lang {
            Lang::Zh if v.total == 0 => "没有记录".to_owned(),
            Lang::En if v.total == 0 => "no records".to_owned(),
            Lang::Zh => format!("共 {} 条，第 {shown} 条", v.total),
            Lang::En => format!("{} in all, {shown}", v.total),
        }
    );
    let idw = v.items.iter().map(|i| i.id.len()).max().unwrap_or(0);
    for it in &v.items {
        let mut line = format!(
            "  {}  {}  {}",
            p.paint(Style::Cyan, &pad(&it.id, idw)),
            it.date.as_deref().map(short_date).unwrap_or_default(),
            escape(&it.summary, false)
        );
        if let Some(d) = &it.next {
            let _ = write!(line, "  — {}", deadline_brief(p, d));
        }
        if it.findings > 0 {
            let _ = write!(
                line,
                "  {}",
                p.paint(
                    Style::Yellow,
                    &match p.lang {
                        Lang::Zh => format!("{} 个问题", it.findings),
                        Lang::En => format!("{} finding(s)", it.findings),
                    }
                )
            );
        }
        let _ = writeln!(s, "{line}");
    }
    let next = v.offset + v.items.len() as u64;
    if v.total > next {
        let more = v.total - next;
        let _ = writeln!(
            s,
            "  {}",
            p.paint(
                Style::Dim,
                &match p.lang {
                    Lang::Zh => format!("（还有 {more} 条：--offset {next}）"),
                    Lang::En => format!("({more} more: --offset {next})"),
                }
            )
        );
    }
    s
}

/// One record: its heading (`recorded`/`updated` after a write, when
/// `written`), its fields (masked unless `reveal`), deadlines, the
/// register's own checks, findings and, when the view has it, history.
pub fn record(
    p: Painter,
    b: &Basis<'_>,
    rec: &Record,
    v: &RecordView,
    reveal: bool,
    written: bool,
) -> String {
    let mut s = String::new();
    let reg = rec.register;
    let head = match (written, rec.revision, p.lang) {
        (true, 1, Lang::Zh) => format!("已登记{} ", reg.noun().zh),
        (true, 1, Lang::En) => format!("{} recorded: ", capitalise(reg.noun().en)),
        (true, _, Lang::Zh) => format!("已更新{} ", reg.noun().zh),
        (true, _, Lang::En) => format!("{} updated: ", capitalise(reg.noun().en)),
        (false, _, _) => String::new(),
    };
    let _ = writeln!(
        s,
        "{}{}  {}  {}",
        p.paint(Style::Green, &head),
        p.paint(Style::Bold, &rec.id),
        escape(&reg.summary(&rec.data), false),
        p.paint(
            Style::Dim,
            &match p.lang {
                Lang::Zh => format!("（第 {} 版）", rec.revision),
                Lang::En => format!("(revision {})", rec.revision),
            }
        )
    );
    let shown = if reveal {
        rec.data.clone()
    } else {
        schema::masked(reg, &rec.data)
    };
    let labelw = reg
        .fields()
        .iter()
        .filter(|f| shown.contains_key(f.key))
        .map(|f| width(text(p, f.label)))
        .max()
        .unwrap_or(0);
    for f in reg.fields() {
        if let Some(val) = shown.get(f.key) {
            let value = fmt_value(p, f, val);
            let mut lines = value.lines();
            let _ = writeln!(
                s,
                "  {}  {}",
                pad(text(p, f.label), labelw),
                escape(lines.next().unwrap_or(""), false)
            );
            for l in lines {
                let _ = writeln!(s, "  {}  {}", " ".repeat(labelw), escape(l, false));
            }
        }
    }
    if reveal {
        let _ = writeln!(
            s,
            "  {}",
            p.paint(
                Style::Yellow,
                p.t("（个人信息未屏蔽显示）", "(personal data shown unmasked)")
            )
        );
    }
    if !v.deadlines.is_empty() {
        let _ = writeln!(
            s,
            "{}",
            p.paint(
                Style::Bold,
                &match p.lang {
                    Lang::Zh => format!(
                        "时限（{}，截至 {}）",
                        b.kind.label().zh,
                        registers::when::fmt_human(b.now)
                    ),
                    Lang::En => format!(
                        "Deadlines ({}, as of {})",
                        b.kind.label().en,
                        registers::when::fmt_human(b.now)
                    ),
                }
            )
        );
        for d in &v.deadlines {
            let _ = writeln!(s, "  {}", deadline_line(p, d));
        }
    } else if reg == Register::Incident && rec.data.text("grade") == Some("general") {
        let _ = writeln!(
            s,
            "{}",
            p.paint(
                Style::Dim,
                p.t(
                    "一般事件：报告办法未规定报告时限（较大及以上须报告）",
                    "grade 一般: the reporting measures set no deadline (较大 and above must report)"
                )
            )
        );
    }
    checks(&mut s, p, b, rec, v);
    if !v.findings.is_empty() {
        let _ = writeln!(s, "{}", p.paint(Style::Bold, p.t("发现的问题", "Findings")));
        for f in &v.findings {
            let _ = writeln!(
                s,
                "  {} {}{}",
                p.paint(Style::Red, "•"),
                escape(f.message.get(zh(p)), false),
                flag_text(p, f.provenance)
            );
        }
    }
    if let Some(h) = &v.history {
        let _ = writeln!(s, "{}", p.paint(Style::Bold, p.t("历史", "History")));
        for e in h {
            let action = match (e.action.as_str(), p.lang) {
                ("create", Lang::Zh) => "创建",
                ("update", Lang::Zh) => "修改",
                ("close", Lang::Zh) => "结束处置",
                (a, _) => a,
            };
            let what: Vec<String> = e
                .changes
                .iter()
                .map(|c| {
                    let f = reg.field(&c.field);
                    let name = f
                        .map(|f| text(p, f.label).to_owned())
                        .unwrap_or_else(|| c.field.clone());
                    let val = |v: &Option<Value>| match (f, v) {
                        (Some(f), Some(v)) => fmt_value(p, f, v).replace('\n', " ↵ "),
                        (_, Some(v)) => v.to_string(),
                        (_, None) => "∅".to_owned(),
                    };
                    if e.revision == 1 {
                        name
                    } else {
                        format!("{name}: {} → {}", val(&c.from), val(&c.to))
                    }
                })
                .collect();
            let _ = writeln!(
                s,
                "  {}  {}  {}  {}: {}",
                p.paint(
                    Style::Cyan,
                    &match p.lang {
                        Lang::Zh => format!("第 {} 版", e.revision),
                        Lang::En => format!("r{}", e.revision),
                    }
                ),
                e.at,
                escape(&e.actor, false),
                action,
                escape(&what.join(p.t("；", "; ")), false)
            );
        }
    }
    s
}

/// The register's own checks of a record: the equipment catalog, the MLPS
/// grading, an incident graded below its personal-information count.
fn checks(s: &mut String, p: Painter, b: &Basis<'_>, rec: &Record, v: &RecordView) {
    match rec.register {
        Register::Equipment => {
            let c = registers::rules::catalog_check(&rec.data, b.settings);
            let verdict = match (c.result, p.lang) {
                ("in-catalog", Lang::Zh) => "属于网络关键设备目录范围，须经认证或检测",
                ("in-catalog", Lang::En) => {
                    "in the critical equipment catalog: needs certification or a test"
                }
                ("not-in-catalog", Lang::Zh) => "未达到目录门槛",
                ("not-in-catalog", Lang::En) => "below the catalog's thresholds",
                ("security-product", Lang::Zh) => "网络安全专用产品，须经认证或检测",
                ("security-product", Lang::En) => {
                    "a network security product: needs certification or a test"
                }
                ("unknown", Lang::Zh) => "缺少参数，无法判断",
                ("unknown", Lang::En) => "figures missing: cannot tell",
                (_, Lang::Zh) => "目录未列出此类设备",
                (_, Lang::En) => "not a kind the catalog lists",
            };
            let _ = writeln!(
                s,
                "{}  {}{}",
                p.paint(Style::Bold, p.t("目录检查", "Catalog check")),
                verdict,
                flag_text(p, c.provenance)
            );
            for r in &c.reasons {
                let _ = writeln!(s, "  {}", escape(r.get(zh(p)), false));
            }
        }
        Register::Mlps => {
            if let Some(g) = registers::rules::mlps_grading(&rec.data, b.settings) {
                let _ = writeln!(
                    s,
                    "{}{}",
                    p.paint(Style::Bold, p.t("定级依据", "Grading")),
                    flag_text(p, g.provenance)
                );
                for r in &g.reasoning {
                    let _ = writeln!(s, "  {}", r.get(zh(p)));
                }
            }
        }
        Register::Incident => {
            if let Some(Value::Object(c)) = &v.check
                && let (Some(should), Some(is)) = (
                    c.get("grade")
                        .and_then(Value::as_str)
                        .and_then(registers::Grade::parse),
                    rec.data.text("grade").and_then(registers::Grade::parse),
                )
                && should > is
            {
                let _ = writeln!(
                    s,
                    "{}{}{}",
                    p.paint(Style::Red, p.t("定级提示：", "grading: ")),
                    match p.lang {
                        Lang::Zh => format!(
                            "按涉及个人信息人数应至少为“{}”，登记为“{}”",
                            should.zh(),
                            is.zh()
                        ),
                        Lang::En => format!(
                            "the personal-information count makes it at least {}, recorded as {}",
                            should.zh(),
                            is.zh()
                        ),
                    },
                    flag_text(p, Provenance::Secondary)
                );
            }
        }
        _ => {}
    }
}

/// After a write, for standard output: the changes now in the vault, when
/// anchoring succeeded (`None` otherwise).
pub fn anchored(p: Painter, a: &AnchorState) -> Option<String> {
    (a.status == "anchored").then(|| {
        format!(
            "{} {}\n",
            p.paint(Style::Dim, p.t("锚定：", "anchored:")),
            p.paint(
                Style::Dim,
                &match p.lang {
                    Lang::Zh => format!("已写入日志库（变更 1–{}）", a.through),
                    Lang::En => format!("in the vault (changes 1–{})", a.through),
                }
            )
        )
    })
}

/// After a write, for standard error: why anchoring waits and how many
/// changes wait (`None` when anchored or no reason is known). The reason in
/// `a` is already in the painter's language.
pub fn anchor_pending(p: Painter, a: &AnchorState) -> Option<String> {
    if a.status == "anchored" {
        return None;
    }
    let why = a.reason.as_deref()?;
    Some(format!(
        "{} {} ({} {})\n",
        p.paint(Style::Yellow, p.t("注意：", "note:")),
        escape(why, false),
        a.pending,
        p.t("个变更待锚定", "changes waiting")
    ))
}

/// `incident report --output FILE`: where the draft was written.
pub fn report_written(p: Painter, r: &IncidentReport) -> String {
    format!(
        "{} {} ({} {})\n",
        p.paint(
            Style::Green,
            p.t("已写出报告草稿", "report draft written to")
        ),
        escape(&r.output, false),
        r.bytes,
        p.t("字节", "bytes")
    )
}

/// `incident grade`: the suggested grade, each criterion's reasoning and
/// the caveat.
pub fn incident_grade(p: Painter, s: &Suggestion) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{}{}",
        p.paint(Style::Bold, p.t("建议级别：", "suggested grade: ")),
        p.paint(Style::Cyan, s.grade.label().get(zh(p)))
    );
    for c in &s.criteria {
        let _ = writeln!(
            o,
            "  {}{}",
            escape(c.reasoning.get(zh(p)), false),
            flag_text(p, c.provenance)
        );
    }
    let _ = writeln!(o, "  {}", p.paint(Style::Dim, s.caveat.get(zh(p))));
    o
}

/// `mlps grade`: the protection level, the reasoning and what follows.
pub fn mlps_grade(p: Painter, g: &Grading) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{}{}{}",
        p.paint(Style::Bold, p.t("安全保护等级：", "level: ")),
        p.paint(
            Style::Cyan,
            &match p.lang {
                Lang::Zh => format!("第{}级", g.level),
                Lang::En => format!("{}", g.level),
            }
        ),
        flag_text(p, g.provenance)
    );
    for r in &g.reasoning {
        let _ = writeln!(o, "  {}", r.get(zh(p)));
    }
    for c in &g.consequences {
        let _ = writeln!(o, "  → {}", c.get(zh(p)));
    }
    o
}

/// `registers status` when there is no store at `location` (the display
/// form of a [`registers::Location`]).
pub fn status_missing(p: Painter, location: &str) -> String {
    format!(
        "{} {}\n",
        p.t("还没有登记簿：", "no registers yet at"),
        escape(location, false)
    )
}

/// `registers status`: the store, records and open items per register, and
/// where anchoring stands.
pub fn status(p: Painter, st: &Status) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{}{} ({}, {} {}, {} {})",
        p.paint(Style::Bold, p.t("登记簿：", "registers: ")),
        escape(&st.location, false),
        st.backend,
        p.t("结构版本", "schema"),
        st.schema_version,
        p.t("编号", "store"),
        st.store
    );
    let w = st
        .registers
        .iter()
        .map(|c| width(text(p, c.register.label())))
        .max()
        .unwrap_or(0);
    for c in &st.registers {
        let _ = writeln!(
            o,
            "  {}  {:<18}  {:>7} {}  {:>7} {}",
            pad(text(p, c.register.label()), w),
            c.register.key(),
            c.records,
            p.t("条", "records"),
            c.open,
            p.t("条待办", "open")
        );
    }
    let pending = st.anchors_pending;
    if pending == 0 {
        let _ = writeln!(
            o,
            "{}",
            p.t(
                "锚定：全部变更已锚定到日志库",
                "anchoring: every change is in the vault"
            )
        );
    } else {
        let since = st.pending_since.clone().unwrap_or_default();
        let _ = writeln!(
            o,
            "{}",
            p.paint(
                Style::Yellow,
                &match p.lang {
                    Lang::Zh => format!("锚定：{pending} 个变更待锚定（最早记录于 {since}）"),
                    Lang::En => {
                        format!("anchoring: {pending} changes wait (the oldest recorded {since})")
                    }
                }
            )
        );
    }
    o
}

/// `registers clocks`: every open deadline (most urgent first) and every
/// finding, under a heading with the counts.
pub fn clocks(p: Painter, b: &Basis<'_>, v: &SweepView) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{}",
        p.paint(
            Style::Bold,
            &match p.lang {
                Lang::Zh => format!(
                    "截至 {}（{}）：{} 项待办，其中 {} 项已超时或没有记录；{} 个问题",
                    registers::when::fmt_human(b.now),
                    b.kind.label().zh,
                    v.items.len(),
                    v.overdue,
                    v.findings.len()
                ),
                Lang::En => format!(
                    "As of {} ({}): {} open, {} overdue or missing; {} finding(s)",
                    registers::when::fmt_human(b.now),
                    b.kind.label().en,
                    v.items.len(),
                    v.overdue,
                    v.findings.len()
                ),
            }
        )
    );
    let idw = v
        .items
        .iter()
        .map(|i| i.id.as_deref().map(str::len).unwrap_or(0))
        .chain(v.findings.iter().map(|f| f.id.len()))
        .max()
        .unwrap_or(0);
    for i in &v.items {
        let _ = match &i.id {
            Some(id) => writeln!(
                o,
                "  {}  {}  {}",
                p.paint(Style::Cyan, &pad(id, idw)),
                escape(&i.summary, false),
                deadline_line(p, &i.deadline)
            ),
            // a register-wide clock: the next drill, training, assessment
            None => writeln!(o, "  {}  {}", pad("", idw), deadline_line(p, &i.deadline)),
        };
    }
    if !v.findings.is_empty() {
        let _ = writeln!(o, "{}", p.paint(Style::Bold, p.t("发现的问题", "Findings")));
        for f in &v.findings {
            let _ = writeln!(
                o,
                "  {}  {}  {}{}",
                p.paint(Style::Cyan, &pad(&f.id, idw)),
                escape(&f.summary, false),
                escape(f.finding.message.get(zh(p)), false),
                flag_text(p, f.finding.provenance)
            );
        }
    }
    o
}

/// `registers anchor`: how many changes were anchored, and through which.
pub fn anchor(p: Painter, a: &Anchored) -> String {
    match p.lang {
        Lang::Zh => format!(
            "已锚定 {} 个变更；变更 1–{} 均在日志库中\n",
            a.anchored, a.through
        ),
        Lang::En => format!(
            "anchored {} changes; changes 1–{} are in the vault\n",
            a.anchored, a.through
        ),
    }
}

/// `registers verify` when there are no registers and the vault holds no
/// register anchors.
pub fn verify_missing(p: Painter) -> String {
    format!(
        "{}\n",
        p.t(
            "没有登记簿，日志库中也没有登记簿锚点",
            "no registers, and no register anchors in the vault"
        )
    )
}

/// `registers verify` (and the registers' part of `vault verify`): the
/// verdict, the counts, the registers affected and every finding.
pub fn verify(p: Painter, rep: &VerifyReport) -> String {
    let mut o = String::new();
    let head = if rep.is_intact() {
        p.paint(Style::Green, p.t("登记簿完整", "registers intact"))
    } else {
        p.paint(
            Style::Red,
            p.t("登记簿被改动", "registers changed outside wangan"),
        )
    };
    let damaged = rep.damaged_registers();
    let _ = writeln!(
        o,
        "{head}: {} {}, {} {}, {} {}{}",
        rep.changes,
        p.t("个变更", "changes"),
        rep.records,
        p.t("条记录", "records"),
        rep.anchors,
        p.t("个锚点", "anchors"),
        if damaged.is_empty() {
            String::new()
        } else {
            format!(
                " — {}: {}",
                p.t("受影响的登记簿", "registers affected"),
                damaged.join(", ")
            )
        }
    );
    for f in &rep.findings {
        let (style, word) = match f.severity {
            registers::anchor::Severity::Error => (Style::Red, "error"),
            registers::anchor::Severity::Warning => (Style::Yellow, "warning"),
        };
        let mut loc = String::new();
        if let (Some(r), Some(i)) = (&f.register, &f.id) {
            let _ = write!(loc, " {r} {i}");
            if let Some(v) = f.revision {
                let _ = write!(loc, " r{v}");
            }
        }
        if let Some(s) = f.seq {
            let _ = write!(loc, " change {s}");
        }
        let _ = writeln!(
            o,
            "  {}{}: {}",
            p.paint(style, word),
            p.paint(Style::Cyan, &escape(&loc, false)),
            escape(f.message.get(zh(p)), false)
        );
    }
    o
}

#[cfg(test)]
mod tests {
    use registers::view::{list_view, record_view, sweep_view};
    use registers::{FieldChange, HistoryEntry, Msg, Page, Sweep};
    use serde_json::json;

    use super::*;

    fn painter(lang: Lang) -> Painter {
        Painter { lang, color: false }
    }

    fn at(s: &str) -> OffsetDateTime {
        registers::when::parse_datetime(s).expect("a time")
    }

    fn rec(register: Register, id: &str, revision: u64, data: Value) -> Record {
        let Value::Object(data) = data else {
            panic!("data is an object")
        };
        Record {
            register,
            id: id.to_owned(),
            revision,
            data,
            created_at: "2025-03-14T15:40:00Z".to_owned(),
            created_by: "alice".to_owned(),
            updated_at: "2025-03-14T16:20:00Z".to_owned(),
            updated_by: "bob".to_owned(),
            seq: 3,
            hash: "ab".repeat(32),
        }
    }

    /// A large incident at a CII operator whose personal-information count
    /// makes it major, with its history.
    fn incident() -> (Record, Vec<HistoryEntry>) {
        let r = rec(
            Register::Incident,
            "INC-1",
            2,
            json!({
                "title": "勒索软件加密文件服务器\u{1b}[31m",
                "grade": "large",
                "discovered_at": "2025-03-14T23:30:00+08:00",
                "systems": ["文件服务器", "OA"],
                "pi_people": 12_000_000,
                "measures": "隔离主机\n启用备份",
                "status": "open",
            }),
        );
        let h = vec![
            HistoryEntry {
                revision: 1,
                action: "create".to_owned(),
                at: "2025-03-14T15:40:00Z".to_owned(),
                actor: "alice".to_owned(),
                changes: vec![FieldChange {
                    field: "title".to_owned(),
                    from: None,
                    to: Some(json!("勒索软件加密文件服务器")),
                }],
                seq: 1,
                hash: "00".repeat(32),
            },
            HistoryEntry {
                revision: 2,
                action: "update".to_owned(),
                at: "2025-03-14T16:20:00Z".to_owned(),
                actor: "bob".to_owned(),
                changes: vec![
                    FieldChange {
                        field: "measures".to_owned(),
                        from: None,
                        to: Some(json!("隔离主机\n启用备份")),
                    },
                    FieldChange {
                        field: "pi_people".to_owned(),
                        from: Some(json!(10)),
                        to: Some(json!(12_000_000)),
                    },
                ],
                seq: 3,
                hash: "11".repeat(32),
            },
        ];
        (r, h)
    }

    #[test]
    fn an_incident_in_both_languages() {
        let settings = Settings::default();
        let b = Basis {
            kind: OperatorKind::Cii,
            settings: &settings,
            now: at("2025-03-15T00:10:00+08:00"),
        };
        let (r, h) = incident();
        let v = record_view(&r, b.kind, &settings, b.now, Some(h), false);
        for (lang, name) in [(Lang::Zh, "incident_zh"), (Lang::En, "incident_en")] {
            let text = record(painter(lang), &b, &r, &v, false, false);
            assert!(!text.contains('\u{1b}'), "escape sequences are escaped");
            insta::assert_snapshot!(name, text);
        }
        // after a write the heading says what happened
        let written = record(painter(Lang::En), &b, &r, &v, false, true);
        assert!(written.starts_with("Incident updated: INC-1"), "{written}");
    }

    #[test]
    fn personal_data_is_masked_unless_revealed() {
        let settings = Settings::default();
        let b = Basis {
            kind: OperatorKind::Ordinary,
            settings: &settings,
            now: at("2025-04-01T00:00:00+08:00"),
        };
        let r = rec(
            Register::BackgroundCheck,
            "BGC-1",
            1,
            json!({
                "person": "王小明",
                "staff_id": "E102345",
                "post": "数据库管理员",
                "key_post": true,
                "checked_on": "2025-03-01",
                "result": "passed",
            }),
        );
        let masked = record_view(&r, b.kind, &settings, b.now, None, false);
        let text = record(painter(Lang::En), &b, &r, &masked, false, false);
        assert!(
            !text.contains("王小明") && !text.contains("E102345"),
            "{text}"
        );
        insta::assert_snapshot!("background_check_masked_en", text);
        let shown = record_view(&r, b.kind, &settings, b.now, None, true);
        let text = record(painter(Lang::Zh), &b, &r, &shown, true, false);
        assert!(
            text.contains("王小明") && text.contains("个人信息未屏蔽显示"),
            "{text}"
        );
    }

    #[test]
    fn a_list_page_says_where_the_next_starts() {
        let settings = Settings::default();
        let now = at("2025-03-15T00:10:00+08:00");
        let (r, _) = incident();
        let mut other = r.clone();
        other.id = "INC-10".to_owned();
        other.data.insert("grade".to_owned(), json!("general"));
        let page = Page {
            total: 5,
            items: vec![other, r],
        };
        let v = list_view(
            Register::Incident,
            &page,
            1,
            2,
            OperatorKind::Cii,
            &settings,
            now,
        );
        let en = list(painter(Lang::En), Register::Incident, &v);
        insta::assert_snapshot!("list_en", en);
        let zh = list(painter(Lang::Zh), Register::Incident, &v);
        assert!(zh.contains("（还有 2 条：--offset 3）"), "{zh}");
        let empty = Page {
            total: 0,
            items: Vec::new(),
        };
        let v = list_view(
            Register::Drill,
            &empty,
            0,
            50,
            OperatorKind::Cii,
            &settings,
            now,
        );
        let want = format!(
            "{} (no records)\n",
            text(painter(Lang::En), Register::Drill.label())
        );
        assert_eq!(list(painter(Lang::En), Register::Drill, &v), want);
    }

    #[test]
    fn clocks_without_records_list_the_register_wide_deadlines() {
        let settings = Settings::default();
        let b = Basis {
            kind: OperatorKind::Cii,
            settings: &settings,
            now: at("2026-03-10T12:00:00+08:00"),
        };
        let sweep = Sweep::without_records(b.kind, &settings, b.now);
        let v = sweep_view(&sweep, b.kind, b.now);
        insta::assert_snapshot!("clocks_en", clocks(painter(Lang::En), &b, &v));
        let colour = clocks(
            Painter {
                lang: Lang::Zh,
                color: true,
            },
            &b,
            &v,
        );
        assert!(
            colour.starts_with("\u{1b}[1m截至 2026-03-10 12:00 +08:00"),
            "{colour}"
        );
    }

    #[test]
    fn verify_names_the_damaged_registers() {
        let rep = VerifyReport {
            schema: "wangan.registers.verify/1",
            store: "0123456789abcdef".to_owned(),
            location: "wangan-data/registers.sqlite".to_owned(),
            changes: 4,
            records: 2,
            anchors: 1,
            other_store_anchors: 0,
            anchored_through: 3,
            anchored_through_recorded: 4,
            pending: 0,
            findings: vec![registers::VerifyFinding {
                severity: registers::anchor::Severity::Error,
                register: Some("incident".to_owned()),
                id: Some("INC-1".to_owned()),
                revision: Some(2),
                seq: Some(4),
                vault_seq: Some(9),
                message: Msg::new("变更 4 与其哈希不符", "change 4 does not match its hash"),
            }],
        };
        for (lang, name) in [(Lang::Zh, "verify_zh"), (Lang::En, "verify_en")] {
            insta::assert_snapshot!(name, verify(painter(lang), &rep));
        }
    }

    #[test]
    fn anchoring_goes_to_stdout_when_done_and_stderr_when_waiting() {
        let p = painter(Lang::En);
        let done = AnchorState {
            status: "anchored",
            pending: 0,
            through: 7,
            reason: None,
        };
        assert_eq!(
            anchored(p, &done).as_deref(),
            Some("anchored: in the vault (changes 1–7)\n")
        );
        assert_eq!(anchor_pending(p, &done), None);
        let waiting = AnchorState {
            status: "pending",
            pending: 2,
            through: 0,
            reason: Some("the vault is busy\u{7}".to_owned()),
        };
        assert_eq!(anchored(p, &waiting), None);
        assert_eq!(
            anchor_pending(p, &waiting).as_deref(),
            Some("note: the vault is busy\\u{7} (2 changes waiting)\n")
        );
        let a = Anchored {
            anchored: 2,
            through: 7,
            pending: 0,
        };
        assert_eq!(
            anchor(painter(Lang::Zh), &a),
            "已锚定 2 个变更；变更 1–7 均在日志库中\n"
        );
    }

    #[test]
    fn gradings_in_both_languages() {
        let settings = Settings::default();
        let harm = |s: &str| registers::mlps::parse_harm(s).expect("a harm");
        let g = registers::mlps::grade(
            harm("social:serious"),
            harm("citizens:especially-serious"),
            &settings,
        );
        insta::assert_snapshot!("mlps_grade_en", mlps_grade(painter(Lang::En), &g));
        let s = registers::grade::suggest(
            &[registers::grade::Measure {
                key: "pi_people".to_owned(),
                value: 1_200_000.0,
            }],
            &settings,
        )
        .expect("a suggestion");
        insta::assert_snapshot!("incident_grade_zh", incident_grade(painter(Lang::Zh), &s));
    }

    #[test]
    fn status_pads_register_names_by_display_width() {
        let st = Status {
            location: "wangan-data/registers.sqlite".to_owned(),
            backend: "sqlite",
            exists: true,
            store: "0123456789abcdef".to_owned(),
            schema_version: 3,
            registers: vec![
                registers::RegisterCount {
                    register: Register::Incident,
                    records: 2,
                    open: 1,
                },
                registers::RegisterCount {
                    register: Register::BackgroundCheck,
                    records: 10,
                    open: 0,
                },
            ],
            anchors_pending: 1,
            pending_since: Some("2025-03-14T15:40:00Z".to_owned()),
            operator_kind: OperatorKind::Cii,
        };
        insta::assert_snapshot!("status_zh", status(painter(Lang::Zh), &st));
        assert_eq!(width("网络安全事件ab"), 14);
        assert_eq!(group_digits(9_999), "9999");
        assert_eq!(group_digits(12_000_000), "12,000,000");
        assert_eq!(
            status_missing(painter(Lang::En), "/x\u{1b}"),
            "no registers yet at /x\\u{1b}\n"
        );
    }
}
