//! The yearly CII assessment report (检测评估情况和改进措施), built from an
//! [`Assessment`] and the registers.
//!
//! CSL-2025 art. 40 (CSL-2016 art. 38) asks a CII operator to test and
//! assess its network's security and risks at least once a year and to send
//! "检测评估情况和改进措施" — the assessment and the improvement measures —
//! to the department responsible for its protection. The law prescribes no
//! form for that report, and no verified rule does. So the structure below
//! (the chapters, their order, the twelve months counted back from the date
//! assessed) is **ours**, and the report says so in its notes:
//!
//! 1. the operator and its systems;
//! 2. the assessment itself (the yearly assessment register entry of the
//!    period: who assessed, when, sent when and to whom) and how wangan
//!    gathered the evidence;
//! 3. each chapter-3 duty that applies, with its status, the reason and the
//!    evidence;
//! 4. the incidents, 5. drills and 6. product vulnerabilities of the period
//!    from the registers, with their clocks;
//! 7. the risks and problems found; 8. the improvement measures (what to do
//!    next for each open duty, open follow-ups, the operator's own stated
//!    fixes, every waiver with its owner and expiry).
//!
//! Facts wangan cannot know (which systems were identified as CII, the
//! sector department, an assessment not recorded) are written as not known
//! ([`registers::report::UNKNOWN_ZH`], [`registers::report::UNKNOWN_EN`]) for
//! the operator to fill in; nothing is invented. The result is a
//! [`registers::report::Draft`], written as Markdown, HTML or DOCX by the
//! same code that writes the incident report drafts.
//!
//! ```no_run
//! # fn demo(a: &duties::Assessment, p: &duties::Profile, recs: &[registers::Record]) {
//! use report::yearly::{self, RegisterData, YearlyInput};
//! let settings = registers::Settings::default();
//! let input = YearlyInput {
//!     assessment: a,
//!     profile: p,
//!     registers: Some(RegisterData {
//!         origin: "registers:/var/lib/wangan/registers.sqlite".into(),
//!         records: recs,
//!         operator: registers::OperatorKind::Cii,
//!         settings: &settings,
//!     }),
//! };
//! let docx = yearly::render(&input, yearly::YearlyFormat::Docx, duties::Lang::Zh).unwrap();
//! # }
//! ```

use duties::model::{DutyAssessment, Level, Status};
use duties::{Assessment, Interval, Lang, Profile};
use registers::report::{Draft, Section, UNKNOWN_EN, UNKNOWN_ZH, zh_datetime};
use registers::schema::{DataExt, FieldType};
use registers::{DeadlineKind, Grade, OperatorKind, Record, Register, Settings};
use time::{Date, OffsetDateTime};

use crate::markdown::{state_label, waiver_state};
use crate::{article, ordered, t, when};

/// The duty this report answers (CSL-2025 art. 40, CSL-2016 art. 38).
pub const DUTY: &str = "csl.cii-annual-assessment";

/// The register records the report draws on, with what their clocks need.
#[derive(Debug, Clone, Copy)]
pub struct RegisterData<'a> {
    /// Where the registers are kept (shown in the report).
    pub origin: &'a str,
    /// Every record at its latest revision (any register; the report picks
    /// the incidents, drills, vulnerabilities and yearly assessments of the
    /// period).
    pub records: &'a [Record],
    /// Whose clocks are counted.
    pub operator: OperatorKind,
    /// Day counting, intervals and thresholds.
    pub settings: &'a Settings,
}

/// Everything the report is made of.
#[derive(Debug, Clone, Copy)]
pub struct YearlyInput<'a> {
    /// The assessment of chapter 3 at the end of the period
    /// (`Assessment::at` is the last day covered).
    pub assessment: &'a Assessment,
    /// The profile it was made from (for the systems).
    pub profile: &'a Profile,
    /// The registers; `None` when none are kept or they cannot be read (the
    /// report then says the register facts are not known).
    pub registers: Option<RegisterData<'a>>,
}

/// The formats of the yearly report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum YearlyFormat {
    /// Markdown.
    Markdown,
    /// One self-contained HTML page.
    Html,
    /// A Word document (what the sector department receives).
    Docx,
}

impl YearlyFormat {
    /// `md`, `html`, `docx`: the key and the usual file extension.
    pub fn key(self) -> &'static str {
        match self {
            YearlyFormat::Markdown => "md",
            YearlyFormat::Html => "html",
            YearlyFormat::Docx => "docx",
        }
    }

    /// Read a key as written by [`YearlyFormat::key`] (also `markdown`).
    pub fn from_key(key: &str) -> Option<YearlyFormat> {
        match key {
            "md" | "markdown" => Some(YearlyFormat::Markdown),
            "html" => Some(YearlyFormat::Html),
            "docx" => Some(YearlyFormat::Docx),
            _ => None,
        }
    }

    /// The media type (for a download).
    pub fn media_type(self) -> &'static str {
        match self {
            YearlyFormat::Markdown => "text/markdown; charset=utf-8",
            YearlyFormat::Html => "text/html; charset=utf-8",
            YearlyFormat::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
        }
    }
}

/// The period a report covers: the twelve months up to and including the
/// date assessed (our choice; the law says only "每年至少一次").
pub fn period(a: &Assessment) -> (Date, Date) {
    let start = Interval(law::Period::Years(1))
        .before(a.at)
        .next_day()
        .unwrap_or(a.at);
    (start, a.at)
}

/// Render the report. Errors only come from writing the DOCX package.
pub fn render(
    input: &YearlyInput<'_>,
    format: YearlyFormat,
    lang: Lang,
) -> registers::Result<Vec<u8>> {
    let d = draft(input, lang);
    Ok(match format {
        YearlyFormat::Markdown => registers::report::markdown_in(&d, lang).into_bytes(),
        YearlyFormat::Html => registers::report::html_in(&d, lang).into_bytes(),
        YearlyFormat::Docx => registers::report::docx_in(&d, input.assessment.generated, lang)?,
    })
}

fn lt(x: law::Text, lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => x.zh,
        Lang::En => x.en,
    }
}

fn unknown(lang: Lang, zh: &str, en: &str) -> String {
    match lang {
        Lang::Zh => format!("{UNKNOWN_ZH}：{zh}）"),
        Lang::En => format!("{UNKNOWN_EN}: {en})"),
    }
}

fn at_time(x: OffsetDateTime, lang: Lang) -> String {
    match lang {
        Lang::Zh => zh_datetime(x.to_offset(duties::assess::CST)),
        Lang::En => when(x),
    }
}

/// The label of a choice field's stored key (the key itself when unknown).
fn choice(reg: Register, field: &str, key: &str, lang: Lang) -> String {
    reg.fields()
        .iter()
        .find(|f| f.key == field)
        .and_then(|f| match f.ty {
            FieldType::Choice(cs) => cs.iter().find(|c| c.key == key),
            _ => None,
        })
        .map_or_else(|| key.to_owned(), |c| lt(c.label, lang).to_owned())
}

fn in_period(d: Option<Date>, (from, to): (Date, Date)) -> bool {
    d.is_some_and(|d| d >= from && d <= to)
}

fn cst_date(x: OffsetDateTime) -> Date {
    x.to_offset(duties::assess::CST).date()
}

/// Build the report as a [`Draft`].
pub fn draft(input: &YearlyInput<'_>, lang: Lang) -> Draft {
    let a = input.assessment;
    let per = period(a);
    let as_of = duties::as_of(a.at, a.generated);
    let l = |label: &str, v: String| (Some(label.to_owned()), v);
    let duty40 = a.duties.iter().find(|d| d.id == DUTY);
    let art = duty40
        .map(|d| article(d, lang))
        .unwrap_or_else(|| DUTY.to_owned());
    // the article in both numberings, as the law crate gives them
    let number = |v: &str| {
        duty40
            .and_then(|d| d.article.numbering.get(v).cloned().flatten())
            .unwrap_or_else(|| "?".to_owned())
    };
    let arts = match lang {
        Lang::Zh => format!(
            "网络安全法第{}条（2016年文本第{}条）",
            number("2025"),
            number("2016")
        ),
        Lang::En => format!(
            "art. {} of the Cybersecurity Law (2016 text: art. {})",
            number("2025"),
            number("2016")
        ),
    };
    let mine = |reg: Register, field: &str| -> Vec<&Record> {
        let Some(r) = &input.registers else {
            return Vec::new();
        };
        let mut v: Vec<&Record> = r
            .records
            .iter()
            .filter(|x| x.register == reg)
            .filter(|x| {
                in_period(
                    x.data
                        .datetime(field)
                        .map(cst_date)
                        .or_else(|| x.data.date(field)),
                    per,
                )
            })
            .collect();
        v.sort_by_key(|x| {
            (
                x.data.text(field).unwrap_or("").to_owned(),
                x.id.len(),
                x.id.clone(),
            )
        });
        v
    };
    let no_registers = || {
        unknown(
            lang,
            "未读取到登记簿，请据实填写",
            "no registers could be read; fill in",
        )
    };

    // ---- header -------------------------------------------------------------
    let op = &a.operator;
    let header = vec![
        (
            t(lang, "运营者", "Operator").to_owned(),
            match lang {
                Lang::Zh => format!("{}（{}）", op.name, op.kind_label.get(lang)),
                Lang::En => format!("{} ({})", op.name, op.kind_label.get(lang)),
            },
        ),
        (
            t(lang, "检测评估期间", "Period").to_owned(),
            match lang {
                Lang::Zh => format!("{} 至 {}", per.0, per.1),
                Lang::En => format!("{} to {}", per.0, per.1),
            },
        ),
        (
            t(lang, "法律依据", "Legal basis").to_owned(),
            format!("《中华人民共和国网络安全法》{art}"),
        ),
        (
            t(lang, "报送对象", "To").to_owned(),
            mine(Register::CiiAssessment, "assessed_on")
                .iter()
                .rev()
                .find_map(|r| r.data.text("department").map(str::to_owned))
                .unwrap_or_else(|| {
                    unknown(
                        lang,
                        "负责关键信息基础设施安全保护工作的部门，请填写",
                        "the department responsible for the CII's protection; fill in",
                    )
                }),
        ),
        (
            t(lang, "生成时间", "Drafted").to_owned(),
            at_time(a.generated, lang),
        ),
    ];

    let mut sections = Vec::new();

    // ---- 1. operator and systems ----------------------------------------------
    let mut lines = vec![
        l(t(lang, "运营者名称", "Name"), op.name.clone()),
        l(
            t(lang, "运营者类型", "Kind"),
            op.kind_label.get(lang).to_owned(),
        ),
        l(
            t(lang, "所属行业", "Sector"),
            op.sector
                .clone()
                .unwrap_or_else(|| unknown(lang, "画像未写明行业", "the profile names no sector")),
        ),
        l(
            t(lang, "所在省份", "Province"),
            op.province.clone().unwrap_or_else(|| {
                unknown(lang, "画像未写明省份", "the profile names no province")
            }),
        ),
        l(
            t(lang, "网络安全负责人", "Person responsible"),
            op.responsible.clone().unwrap_or_else(|| {
                unknown(
                    lang,
                    "画像未写明负责人",
                    "the profile names no one responsible",
                )
            }),
        ),
    ];
    if input.profile.systems.is_empty() {
        lines.push(l(
            t(lang, "网络和信息系统", "Systems"),
            unknown(
                lang,
                "画像未列出系统，请填写",
                "the profile lists no system; fill in",
            ),
        ));
    }
    for s in &input.profile.systems {
        let level = s.mlps_level.map_or_else(
            || unknown(lang, "未定级", "not graded"),
            |n| match lang {
                Lang::Zh => format!("第{n}级"),
                Lang::En => format!("level {n}"),
            },
        );
        lines.push(l(
            t(lang, "网络和信息系统", "System"),
            match lang {
                Lang::Zh => format!("{}（{}；网络安全等级保护{level}）", s.name, s.id),
                Lang::En => format!("{} ({}; MLPS {level})", s.name, s.id),
            },
        ));
    }
    lines.push(l(
        t(lang, "被认定为关键信息基础设施的系统", "Systems identified as CII"),
        unknown(
            lang,
            "认定由保护工作部门作出，画像不记录认定结果，请填写",
            "identification is the protection department's decision, which the profile does not record; fill in",
        ),
    ));
    if op.kind != "cii-operator" {
        lines.push((
            None,
            match lang {
                Lang::Zh => format!(
                    "注意：画像中的运营者不是关键信息基础设施运营者，{arts}的年度检测评估义务不适用于它；本报告仅供参考。"
                ),
                Lang::En => format!(
                    "Note: the profile's operator is not a CII operator, so the yearly assessment duty of {arts} does not apply to it; this report is for reference only."
                ),
            },
        ));
    }
    sections.push(Section {
        heading: t(
            lang,
            "一、运营者及关键信息基础设施基本情况",
            "1. The operator and its critical information infrastructure",
        )
        .into(),
        lines,
    });

    // ---- 2. the assessment itself --------------------------------------------
    let mut lines = Vec::new();
    let cias = mine(Register::CiiAssessment, "assessed_on");
    if input.registers.is_none() {
        lines.push(l(
            t(lang, "检测评估记录", "Assessment record"),
            no_registers(),
        ));
    } else if cias.is_empty() {
        lines.push(l(
            t(lang, "检测评估记录", "Assessment record"),
            unknown(
                lang,
                "年度检测评估登记簿中本期间没有记录：由谁、何时完成检测评估，请填写并登记",
                "the yearly assessment register holds no entry for the period: who assessed and when; fill in and record it",
            ),
        ));
    }
    for r in &cias {
        let d = &r.data;
        let year = d
            .get("year")
            .map(|y| y.to_string().trim_matches('"').to_owned())
            .unwrap_or_default();
        let mut v = vec![match lang {
            Lang::Zh => format!("{}（{year}年度）", r.id),
            Lang::En => format!("{} (year {year})", r.id),
        }];
        let field = |k: &str, zh: &str, en: &str| match lang {
            Lang::Zh => format!("{zh}：{k}"),
            Lang::En => format!("{en}: {k}"),
        };
        v.push(field(
            d.text("assessed_on").unwrap_or("—"),
            "检测评估日期",
            "assessed on",
        ));
        v.push(field(
            d.text("assessor").unwrap_or("—"),
            "检测评估单位",
            "assessed by",
        ));
        if let Some(rep) = d.text("report") {
            let sha = d
                .text("sha256")
                .map(|h| format!(" (SHA-256 {h})"))
                .unwrap_or_default();
            v.push(field(&format!("{rep}{sha}"), "报告", "report"));
        }
        if let Some(n) = d.count("findings") {
            v.push(field(&n.to_string(), "发现的问题数", "findings"));
        }
        v.push(match d.text("submitted_on") {
            Some(s) => field(
                format!("{s} {}", d.text("department").unwrap_or("")).trim_end(),
                "报送保护工作部门",
                "sent to the sector department",
            ),
            None => field(
                t(lang, "尚未报送", "not yet"),
                "报送保护工作部门",
                "sent to the sector department",
            ),
        });
        lines.push(l(
            t(lang, "检测评估记录", "Assessment record"),
            v.join("\n"),
        ));
    }
    let origin = input
        .registers
        .as_ref()
        .map_or_else(no_registers, |r| r.origin.to_owned());
    lines.push(l(
        t(lang, "本报告的依据", "This report rests on"),
        match lang {
            Lang::Zh => format!(
                "wangan 于{}对第三章全部义务所作的评估（评估基准日 {}，{}；画像 {}，SHA-256 {}），以及登记簿 {}。证据由 wangan 自行收集：日志库的覆盖和完整性、数据存储的扫描结果、文件的 SHA-256、登记簿记录。",
                at_time(a.generated, lang),
                a.at,
                a.law.label,
                a.profile.file,
                a.profile.sha256,
                origin
            ),
            Lang::En => format!(
                "wangan's assessment of every chapter-3 duty made {} (date assessed {}, {}; profile {}, SHA-256 {}), and the registers {}. wangan gathered the evidence itself: the vaults' coverage and integrity, the data stores' scans, the documents' SHA-256, the register entries.",
                at_time(a.generated, lang),
                a.at,
                a.law.label,
                a.profile.file,
                a.profile.sha256,
                origin
            ),
        },
    ));
    let sum = &a.summary;
    lines.push(l(
        t(lang, "评估结论", "Result"),
        match lang {
            Lang::Zh => format!(
                "共{}项义务，{}项适用：{}。{}",
                a.duties.len(),
                sum.applicable,
                crate::counts(a, lang),
                if sum.overdue > 0 {
                    format!("{}项义务的法定时限已过。", sum.overdue)
                } else {
                    String::new()
                }
            ),
            Lang::En => format!(
                "{} duties, {} apply: {}.{}",
                a.duties.len(),
                sum.applicable,
                crate::counts(a, lang),
                if sum.overdue > 0 {
                    format!(" {} are past a legal deadline.", sum.overdue)
                } else {
                    String::new()
                }
            ),
        },
    ));
    sections.push(Section {
        heading: t(
            lang,
            "二、检测评估工作情况",
            "2. How the assessment was made",
        )
        .into(),
        lines,
    });

    // ---- 3. duties -----------------------------------------------------------------
    let mut lines = Vec::new();
    let mut not_applicable = Vec::new();
    for d in ordered(a) {
        if d.status == Status::NotApplicable {
            not_applicable.push(d.id);
            continue;
        }
        lines.push(l(&duty_label(d, lang), duty_body(d, lang)));
    }
    if !not_applicable.is_empty() {
        lines.push(l(
            t(lang, "不适用的义务", "Duties that do not apply"),
            not_applicable.join(", "),
        ));
    }
    sections.push(Section {
        heading: t(
            lang,
            "三、网络安全法第三章义务履行情况",
            "3. The duties of chapter 3 of the Cybersecurity Law",
        )
        .into(),
        lines,
    });

    // ---- 4. incidents ---------------------------------------------------------------
    let mut lines = Vec::new();
    let incidents = mine(Register::Incident, "discovered_at");
    match &input.registers {
        None => lines.push((None, no_registers())),
        Some(_) if incidents.is_empty() => lines.push((
            None,
            t(
                lang,
                "事件登记簿中本期间没有网络安全事件记录。",
                "The incident register holds no incident for the period.",
            )
            .to_owned(),
        )),
        Some(r) => {
            for rec in &incidents {
                lines.push(l(&rec.id, incident(rec, r, as_of, lang)));
            }
        }
    }
    sections.push(Section {
        heading: t(lang, "四、本期间网络安全事件", "4. Incidents of the period").into(),
        lines,
    });

    // ---- 5. drills --------------------------------------------------------------------
    let mut lines = Vec::new();
    let drills = mine(Register::Drill, "date");
    match &input.registers {
        None => lines.push((None, no_registers())),
        Some(_) if drills.is_empty() => lines.push((
            None,
            t(
                lang,
                "演练登记簿中本期间没有应急演练记录。",
                "The drill register holds no drill for the period.",
            )
            .to_owned(),
        )),
        Some(_) => {
            for rec in &drills {
                lines.push(l(&rec.id, drill(rec, lang)));
            }
        }
    }
    sections.push(Section {
        heading: t(lang, "五、本期间应急演练", "5. Drills of the period").into(),
        lines,
    });

    // ---- 6. vulnerabilities ------------------------------------------------------------
    let mut lines = Vec::new();
    let vulns = mine(Register::Vulnerability, "found_at");
    match &input.registers {
        None => lines.push((None, no_registers())),
        Some(_) if vulns.is_empty() => lines.push((
            None,
            if a.operator.provider {
                t(
                    lang,
                    "产品安全漏洞登记簿中本期间没有记录。",
                    "The product vulnerability register holds no entry for the period.",
                )
            } else {
                t(
                    lang,
                    "产品安全漏洞登记簿中本期间没有记录（画像中的运营者不提供网络产品、服务）。",
                    "The product vulnerability register holds no entry for the period (the profile's operator provides no network products or services).",
                )
            }
            .to_owned(),
        )),
        Some(r) => {
            for rec in &vulns {
                lines.push(l(&rec.id, vulnerability(rec, r, as_of, lang)));
            }
        }
    }
    sections.push(Section {
        heading: t(
            lang,
            "六、本期间产品安全漏洞",
            "6. Product vulnerabilities of the period",
        )
        .into(),
        lines,
    });

    // ---- 7. risks ----------------------------------------------------------------------
    let mut lines = Vec::new();
    for d in ordered(a) {
        if !(d.status.is_open() || d.overdue) {
            continue;
        }
        let mut v = vec![d.reason.get(lang).to_owned()];
        v.extend(
            d.findings
                .iter()
                .filter(|f| matches!(f.level, Level::Problem | Level::Warning))
                .filter(|f| f.text.get(lang) != d.reason.get(lang))
                .map(|f| format!("— {}", f.text.get(lang))),
        );
        lines.push(l(&duty_label(d, lang), v.join("\n")));
    }
    if let Some(r) = &input.registers {
        // clocks of the period's incidents and vulnerabilities that ran out or were missed
        for (rec, reg) in incidents
            .iter()
            .map(|x| (x, Register::Incident))
            .chain(vulns.iter().map(|x| (x, Register::Vulnerability)))
        {
            let mut v: Vec<String> =
                registers::rules::deadlines(reg, &rec.data, r.operator, r.settings)
                    .iter()
                    .filter(|dl| {
                        matches!(
                            dl.state(as_of),
                            registers::State::Overdue(_) | registers::State::Late(_)
                        )
                    })
                    .map(|dl| deadline_line(dl, as_of, lang))
                    .collect();
            if reg == Register::Vulnerability {
                for (k, zh, en) in [
                    ("users_told_at", "尚未告知用户", "users not yet told"),
                    ("fixed_at", "尚未修补", "not yet fixed"),
                ] {
                    if rec.data.datetime(k).is_none_or(|x| x > as_of) {
                        v.push(t(lang, zh, en).to_owned());
                    }
                }
            }
            if !v.is_empty() {
                lines.push(l(&rec.id, v.join("\n")));
            }
        }
    }
    for rec in &drills {
        let (total, closed) = follow_ups(rec);
        if closed < total {
            lines.push(l(
                &rec.id,
                match lang {
                    Lang::Zh => format!("演练发现的改进事项尚有{}项未完成", total - closed),
                    Lang::En => format!("{} follow-ups of the drill still open", total - closed),
                },
            ));
        }
    }
    if lines.is_empty() {
        lines.push((
            None,
            t(
                lang,
                "本次评估未发现未履行或证据不足的义务。",
                "The assessment found no duty unmet or lacking evidence.",
            )
            .to_owned(),
        ));
    }
    sections.push(Section {
        heading: t(lang, "七、发现的风险和问题", "7. Risks and problems found").into(),
        lines,
    });

    // ---- 8. improvement measures ---------------------------------------------------------
    let mut lines = Vec::new();
    for d in ordered(a) {
        if !(d.status.is_open() || d.overdue) || d.remediation.is_empty() {
            continue;
        }
        let v: Vec<String> = d
            .remediation
            .iter()
            .map(|x| format!("— {}", x.get(lang)))
            .collect();
        lines.push(l(&duty_label(d, lang), v.join("\n")));
    }
    for rec in &drills {
        let (total, closed) = follow_ups(rec);
        if closed < total {
            let items = rec.data.list("follow_ups");
            lines.push(l(
                &rec.id,
                items
                    .iter()
                    .map(|x| format!("— {x}"))
                    .collect::<Vec<_>>()
                    .join("\n"),
            ));
        }
    }
    for r in &cias {
        if let Some(f) = r.data.text("fixes") {
            lines.push(l(
                &format!(
                    "{} {}",
                    r.id,
                    t(lang, "中登记的改进措施", "improvement measures recorded")
                ),
                f.to_owned(),
            ));
        }
    }
    if lines.is_empty() {
        lines.push((
            None,
            t(
                lang,
                "无需整改的义务；请保持现有措施并按期复评。",
                "No duty needs remedying; keep the measures in place and assess again in time.",
            )
            .to_owned(),
        ));
    }
    for w in &a.waivers {
        lines.push(l(
            &format!("{} {}", t(lang, "豁免", "Waiver"), w.duty),
            match lang {
                Lang::Zh => format!(
                    "{}；负责人：{}；到期：{}（{}）",
                    w.reason,
                    w.owner,
                    w.expires,
                    waiver_state(w.state, lang)
                ),
                Lang::En => format!(
                    "{}; owner: {}; expires: {} ({})",
                    w.reason,
                    w.owner,
                    w.expires,
                    waiver_state(w.state, lang)
                ),
            },
        ));
    }
    sections.push(Section {
        heading: t(lang, "八、改进措施", "8. Improvement measures").into(),
        lines,
    });

    let notes = vec![
        match lang {
            Lang::Zh => format!(
                "本报告的结构（章节、顺序和内容取舍）是 wangan 的设计，不是法定格式：{arts}只要求报送“检测评估情况和改进措施”，未规定报告格式；如保护工作部门另有格式要求，以其要求为准。"
            ),
            Lang::En => format!(
                "The structure of this report (its chapters, their order and what they hold) is wangan's design, not a prescribed form: {arts} asks only that the assessment and the improvement measures (检测评估情况和改进措施) be sent; it prescribes no form. Where the protection department asks for a form, follow it."
            ),
        },
        t(
            lang,
            "检测评估期间取评估基准日之前的十二个月，是 wangan 的默认设定：法律只要求“每年至少进行一次”。",
            "The period, the twelve months up to the date assessed, is wangan's default: the law asks only for \"at least once a year\".",
        )
        .to_owned(),
        match lang {
            Lang::Zh => format!(
                "标为“{UNKNOWN_ZH}…）”的内容 wangan 无从得知，由运营者据实填写；事件报告时限取自《国家网络安全事件报告管理办法》的二手来源，未经官方文本核实。"
            ),
            Lang::En => format!(
                "What is marked \"{UNKNOWN_EN}…)\" wangan cannot know: the operator fills it in. The incident reporting deadlines come from secondary copies of the 2025 incident reporting measures, not the official text."
            ),
        },
    ];

    Draft {
        title: t(
            lang,
            "关键信息基础设施网络安全检测评估情况和改进措施报告",
            "Critical information infrastructure: yearly security assessment and improvement measures",
        )
        .to_owned(),
        header,
        sections,
        notes,
    }
}

fn duty_label(d: &DutyAssessment, lang: Lang) -> String {
    format!("{} {}", article(d, lang), d.title.get(lang))
}

fn duty_body(d: &DutyAssessment, lang: Lang) -> String {
    let mut v = vec![format!(
        "{}{}",
        d.status.label().get(lang),
        if d.overdue {
            t(lang, "（法定时限已过）", " (past a legal deadline)")
        } else {
            ""
        }
    )];
    v.push(d.reason.get(lang).to_owned());
    let comma = t(lang, "，", ", ");
    for e in &d.evidence {
        let mut s = format!(
            "{}{} [{}]",
            t(lang, "证据：", "evidence: "),
            e.what.get(lang),
            state_label(e.state, lang)
        );
        if !e.source.is_empty() {
            s.push_str(&format!(" — {}", e.source));
        }
        if let Some(c) = e.collected {
            s.push_str(&format!(
                "{comma}{} {}",
                t(lang, "收集于", "collected"),
                when(c)
            ));
        }
        if let Some(h) = &e.sha256 {
            s.push_str(&format!("{comma}SHA-256 {h}"));
        }
        v.push(s);
    }
    v.join("\n")
}

fn follow_ups(rec: &Record) -> (u64, u64) {
    let total = rec.data.list("follow_ups").len() as u64;
    (
        total,
        rec.data.count("follow_ups_closed").unwrap_or(0).min(total),
    )
}

fn deadline_line(dl: &registers::Deadline, as_of: OffsetDateTime, lang: Lang) -> String {
    let name = lt(dl.kind.label(), lang);
    let to = dl
        .recipient
        .map(|r| match lang {
            Lang::Zh => format!("（报送{}）", r.label().zh),
            Lang::En => format!(" (to: {})", r.label().en),
        })
        .unwrap_or_default();
    let due = dl.due.map_or_else(
        || t(lang, "尚未起算", "not started").to_owned(),
        |x| at_time(x, lang),
    );
    let state = dl.state(as_of).text().get(lang == Lang::Zh).to_owned();
    match lang {
        Lang::Zh => format!("{name}{to}：时限 {due}，{state}"),
        Lang::En => format!("{name}{to}: due {due}, {state}"),
    }
}

fn incident(rec: &Record, r: &RegisterData<'_>, as_of: OffsetDateTime, lang: Lang) -> String {
    let d = &rec.data;
    let grade = d.text("grade").and_then(Grade::parse).map_or_else(
        || "—".to_owned(),
        |g| g.label().get(lang == Lang::Zh).to_owned(),
    );
    let mut v = vec![format!("{}（{grade}）", d.text("title").unwrap_or("—"))];
    if lang == Lang::En {
        v[0] = format!("{} ({grade})", d.text("title").unwrap_or("—"));
    }
    if let Some(x) = d.datetime("discovered_at") {
        v.push(format!(
            "{}{}",
            t(lang, "发现时间：", "discovered: "),
            at_time(x, lang)
        ));
    }
    if let Some(c) = d.text("category") {
        v.push(format!("{}{c}", t(lang, "事件类型：", "type: ")));
    }
    let ds = registers::rules::deadlines(Register::Incident, d, r.operator, r.settings);
    if ds.is_empty() {
        v.push(
            t(
                lang,
                "报告时限：一般事件无须报告",
                "report: not required for a general incident",
            )
            .to_owned(),
        );
    }
    for dl in ds.iter().filter(|x| {
        matches!(
            x.kind,
            DeadlineKind::InitialReport | DeadlineKind::SummaryReport
        )
    }) {
        v.push(deadline_line(dl, as_of, lang));
    }
    v.push(format!(
        "{}{}",
        t(lang, "处置：", "handling: "),
        match d.datetime("handling_ended_at") {
            Some(x) if x <= as_of => match lang {
                Lang::Zh => format!("已于{}结束", at_time(x, lang)),
                Lang::En => format!("ended {}", at_time(x, lang)),
            },
            _ => t(lang, "处置中", "ongoing").to_owned(),
        }
    ));
    if let Some(c) = d.text("cause") {
        v.push(format!("{}{c}", t(lang, "原因：", "cause: ")));
    }
    v.join("\n")
}

fn drill(rec: &Record, lang: Lang) -> String {
    let d = &rec.data;
    let kind = d
        .text("kind")
        .map(|k| choice(Register::Drill, "kind", k, lang));
    let mut v = vec![match lang {
        Lang::Zh => format!(
            "{} {}{}，参演{}人",
            d.text("date").unwrap_or("—"),
            d.text("scenario").unwrap_or("—"),
            kind.map(|k| format!("（{k}）")).unwrap_or_default(),
            d.count("participants").unwrap_or(0)
        ),
        Lang::En => format!(
            "{} {}{}, {} participants",
            d.text("date").unwrap_or("—"),
            d.text("scenario").unwrap_or("—"),
            kind.map(|k| format!(" ({k})")).unwrap_or_default(),
            d.count("participants").unwrap_or(0)
        ),
    }];
    if let Some(p) = d.text("plan") {
        v.push(format!("{}{p}", t(lang, "依据预案：", "plan: ")));
    }
    if let Some(f) = d.text("findings") {
        v.push(format!("{}{f}", t(lang, "发现的问题：", "findings: ")));
    }
    let (total, closed) = follow_ups(rec);
    if total > 0 {
        v.push(match lang {
            Lang::Zh => format!("改进事项：{total}项，已完成{closed}项"),
            Lang::En => format!("follow-ups: {total}, {closed} closed"),
        });
    }
    v.join("\n")
}

fn vulnerability(rec: &Record, r: &RegisterData<'_>, as_of: OffsetDateTime, lang: Lang) -> String {
    let d = &rec.data;
    let mut v = vec![format!(
        "{} {}{}",
        d.text("product").unwrap_or("—"),
        d.text("version").unwrap_or(""),
        d.text("cve").map(|c| format!(" {c}")).unwrap_or_default()
    )];
    if let Some(s) = d.text("severity") {
        v.push(format!(
            "{}{}",
            t(lang, "危害等级：", "severity: "),
            choice(Register::Vulnerability, "severity", s, lang)
        ));
    }
    if let Some(x) = d.datetime("found_at") {
        v.push(format!(
            "{}{}",
            t(lang, "发现时间：", "found: "),
            at_time(x, lang)
        ));
    }
    for dl in registers::rules::deadlines(Register::Vulnerability, d, r.operator, r.settings) {
        v.push(deadline_line(&dl, as_of, lang));
    }
    for (k, zh, en) in [
        ("users_told_at", "告知用户：", "users told: "),
        ("fixed_at", "修补：", "fixed: "),
    ] {
        v.push(format!(
            "{}{}",
            t(lang, zh, en),
            d.datetime(k).filter(|x| *x <= as_of).map_or_else(
                || t(lang, "尚未完成", "not yet").to_owned(),
                |x| at_time(x, lang)
            )
        ));
    }
    v.join("\n")
}
