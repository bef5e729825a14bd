//! Incident report drafts, in Chinese, as Markdown, HTML or DOCX.
//!
//! The initial report (初报) carries what the 2025 reporting measures ask
//! for (the list is unverified): reporting unit and systems; time and place;
//! type and grade; impact; measures taken (for ransomware: amount, method,
//! date); trend; preliminary cause; clues to the attacker; next steps and
//! help requested. The summary report (总结报告) carries cause, measures,
//! harm, accountability, fixes and lessons. Fields not yet known are marked
//! so (待续报 / 未填写); nothing is invented. Personal data is not part of an
//! incident record, and the contact person is left for the reporter to fill
//! in.
//!
//! DOCX is a minimal OOXML package (document, styles, properties) built with
//! the `zip` crate; Word, WPS and LibreOffice open it.
//!
//! The [`Draft`] model and its writers ([`markdown_in`], [`html_in`],
//! [`docx_in`]) are not tied to incidents: the yearly CII assessment report
//! of the `report` crate is a [`Draft`] written by the same code, in Chinese
//! or English.

use std::io::Write as _;

use duties::Lang;
use time::OffsetDateTime;

use crate::clock::{Deadline, Grade, OperatorKind};
use crate::error::{Error, ErrorKind, Result};
use crate::rules;
use crate::schema::{DataExt, Register};
use crate::settings::Settings;
use crate::store::Record;
use crate::when::fmt_offset;

/// Which report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportKind {
    /// 初报: the report due hours after discovery.
    Initial,
    /// 总结报告: the report due 30 days after handling ends.
    Summary,
}

impl ReportKind {
    /// Read `initial` or `summary`.
    pub fn parse(s: &str) -> Option<ReportKind> {
        match s {
            "initial" => Some(ReportKind::Initial),
            "summary" => Some(ReportKind::Summary),
            _ => None,
        }
    }
}

/// One part of a draft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// The heading, numbered in Chinese (一、…).
    pub heading: String,
    /// Lines: `(label, value)`; a `None` label is a plain paragraph.
    pub lines: Vec<(Option<String>, String)>,
}

/// A report draft, independent of its format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    /// The title.
    pub title: String,
    /// Lines under the title (record, deadline, recipients).
    pub header: Vec<(String, String)>,
    /// The numbered parts.
    pub sections: Vec<Section>,
    /// The closing notes (how it was made, what to check).
    pub notes: Vec<String>,
}

/// `2025年3月14日 23时30分（UTC+08:00）`.
pub fn zh_datetime(t: OffsetDateTime) -> String {
    format!(
        "{}年{}月{}日 {:02}时{:02}分（UTC{}）",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        fmt_offset(t.offset())
    )
}

/// `1,200,000`.
fn group_digits(n: u64) -> String {
    let s = n.to_string();
    let mut o = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            o.push(',');
        }
        o.push(c);
    }
    o
}

const UNKNOWN_INITIAL: &str = "（尚不清楚，待续报）";
const UNKNOWN_SUMMARY: &str = "（未填写）";

/// Build the draft of an incident report. `now` dates the draft and reads
/// the deadlines.
pub fn draft(
    rec: &Record,
    kind: ReportKind,
    op: OperatorKind,
    s: &Settings,
    now: OffsetDateTime,
) -> Result<Draft> {
    if rec.register != Register::Incident {
        return Err(Error::new(
            ErrorKind::Invalid,
            format!(
                "{} is not an incident: only incidents have report drafts",
                rec.id
            ),
        ));
    }
    let d = &rec.data;
    let unknown = match kind {
        ReportKind::Initial => UNKNOWN_INITIAL,
        ReportKind::Summary => UNKNOWN_SUMMARY,
    };
    let text = |k: &str| {
        d.text(k)
            .map(str::to_owned)
            .unwrap_or_else(|| unknown.to_owned())
    };
    let time = |k: &str| {
        d.datetime(k)
            .map(zh_datetime)
            .unwrap_or_else(|| unknown.to_owned())
    };
    let grade = d.text("grade").and_then(Grade::parse);
    let grade_text = grade.map(Grade::zh).unwrap_or(unknown).to_owned();
    let systems = {
        let l = d.list("systems");
        if l.is_empty() {
            unknown.to_owned()
        } else {
            l.join("、")
        }
    };
    let pi = d
        .count("pi_people")
        .map(|n| format!("{} 人", group_digits(n)))
        .unwrap_or_else(|| unknown.to_owned());
    let l = |label: &str, v: String| (Some(label.to_owned()), v);
    let deadlines = rules::deadlines(Register::Incident, d, op, s);
    let mut header = vec![
        (
            "事件编号".to_owned(),
            format!("{}（登记簿第 {} 版）", rec.id, rec.revision),
        ),
        ("事件名称".to_owned(), text("title")),
        ("事件级别".to_owned(), grade_text.clone()),
    ];
    let want = match kind {
        ReportKind::Initial => crate::clock::DeadlineKind::InitialReport,
        ReportKind::Summary => crate::clock::DeadlineKind::SummaryReport,
    };
    let mine: Vec<&Deadline> = deadlines.iter().filter(|x| x.kind == want).collect();
    if mine.is_empty() {
        header.push((
            "报送时限".to_owned(),
            "一般事件：《国家网络安全事件报告管理办法》未规定报告时限（较大及以上事件须报告）"
                .to_owned(),
        ));
    }
    for x in &mine {
        let to = x.recipient.map(|r| r.label().zh).unwrap_or("");
        let due = match x.due {
            Some(t) => format!("{}前", zh_datetime(t)),
            None => "处置结束后起算".to_owned(),
        };
        let state = x.state(now).text().zh;
        header.push(("报送对象".to_owned(), to.to_owned()));
        header.push((
            "报送时限".to_owned(),
            format!("{due}（{}；{state}）", x.rule.zh),
        ));
    }
    let sections = match kind {
        ReportKind::Initial => {
            let mut measures = vec![l("已采取的措施", text("measures"))];
            if let Some(r) = d.text("ransom") {
                measures.push(l("勒索情况（金额、方式、日期）", r.to_owned()));
            }
            vec![
                Section {
                    heading: "一、报告单位及涉事网络和信息系统".into(),
                    lines: vec![
                        l("报告单位", text("unit")),
                        l("联系人及联系方式", "（由报告人填写）".into()),
                        l("涉事网络和信息系统", systems),
                    ],
                },
                Section {
                    heading: "二、事件发生时间和地点".into(),
                    lines: vec![
                        l("发生时间", time("occurred_at")),
                        l("发现时间", time("discovered_at")),
                        l("发生地点", text("place")),
                    ],
                },
                Section {
                    heading: "三、事件类型和级别".into(),
                    lines: vec![l("事件类型", text("category")), l("事件级别", grade_text)],
                },
                Section {
                    heading: "四、影响和危害".into(),
                    lines: vec![l("影响和危害", text("impact")), l("涉及个人信息人数", pi)],
                },
                Section {
                    heading: "五、已采取的应对措施".into(),
                    lines: measures,
                },
                Section {
                    heading: "六、事态发展趋势".into(),
                    lines: vec![(None, text("trend"))],
                },
                Section {
                    heading: "七、初步原因分析".into(),
                    lines: vec![(None, text("cause"))],
                },
                Section {
                    heading: "八、攻击者线索".into(),
                    lines: vec![(None, text("clues"))],
                },
                Section {
                    heading: "九、下一步工作和需要的支持".into(),
                    lines: vec![
                        l("下一步工作", text("next_steps")),
                        l("需要的支持", text("help_requested")),
                    ],
                },
            ]
        }
        ReportKind::Summary => vec![
            Section {
                heading: "一、事件基本情况".into(),
                lines: vec![
                    l("报告单位", text("unit")),
                    l("涉事网络和信息系统", systems),
                    l("发现时间", time("discovered_at")),
                    l("处置结束时间", time("handling_ended_at")),
                    l("事件类型", text("category")),
                    l("事件级别", grade_text),
                ],
            },
            Section {
                heading: "二、事件原因".into(),
                lines: vec![(None, text("cause"))],
            },
            Section {
                heading: "三、处置措施".into(),
                lines: vec![(None, text("measures"))],
            },
            Section {
                heading: "四、造成的危害".into(),
                lines: vec![
                    (
                        None,
                        d.text("harm")
                            .or(d.text("impact"))
                            .unwrap_or(unknown)
                            .to_owned(),
                    ),
                    l("涉及个人信息人数", pi),
                ],
            },
            Section {
                heading: "五、责任追究情况".into(),
                lines: vec![(None, text("accountability"))],
            },
            Section {
                heading: "六、整改措施".into(),
                lines: vec![(None, text("fixes"))],
            },
            Section {
                heading: "七、经验教训".into(),
                lines: vec![(None, text("lessons"))],
            },
        ],
    };
    let title = match kind {
        ReportKind::Initial => "网络安全事件信息报告（初报）",
        ReportKind::Summary => "网络安全事件总结报告",
    };
    let notes = vec![
        format!(
            "本稿由 wangan 根据登记簿记录 {} 第 {} 版（哈希 {}）于{}生成，报送前请逐项核实。",
            rec.id,
            rec.revision,
            &rec.hash[..16.min(rec.hash.len())],
            zh_datetime(now)
        ),
        format!(
            "报送时限和报告内容依据《国家网络安全事件报告管理办法》（2025年11月1日施行），取自二手来源，未经官方文本核实；“{unknown}”表示登记簿中尚无此项。"
        ),
    ];
    Ok(Draft {
        title: title.into(),
        header,
        sections,
        notes,
    })
}

/// The draft as Markdown, in Chinese typography.
pub fn markdown(d: &Draft) -> String {
    markdown_in(d, Lang::Zh)
}

/// The label separator of a language: `：` in Chinese, `: ` in English.
fn sep(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "：",
        Lang::En => ": ",
    }
}

/// Whether a value is a marker for a fact not known (shown in red in HTML
/// and DOCX): the incident drafts' `（尚不清楚，待续报）` and `（未填写）`, and
/// any value that starts with [`UNKNOWN_ZH`] or [`UNKNOWN_EN`].
pub fn is_unknown(v: &str) -> bool {
    v == UNKNOWN_INITIAL
        || v == UNKNOWN_SUMMARY
        || v.starts_with(UNKNOWN_ZH)
        || v.starts_with(UNKNOWN_EN)
}

/// How a value that cannot be known starts in Chinese (`（无法确定：…）`).
pub const UNKNOWN_ZH: &str = "（无法确定";
/// How a value that cannot be known starts in English (`(not known: …)`).
pub const UNKNOWN_EN: &str = "(not known";

/// The draft as Markdown, labels separated as the language writes them.
pub fn markdown_in(d: &Draft, lang: Lang) -> String {
    let sep = sep(lang);
    let esc = |s: &str| -> String {
        s.chars()
            .flat_map(|c| match c {
                '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' => vec!['\\', c],
                '\n' => vec![' ', ' ', '\n'],
                c => vec![c],
            })
            .collect()
    };
    let mut out = format!("# {}\n\n", esc(&d.title));
    for (k, v) in &d.header {
        out.push_str(&format!("- **{}**{sep}{}\n", esc(k), esc(v)));
    }
    for s in &d.sections {
        if !out.ends_with("\n\n") {
            out.push('\n');
        }
        out.push_str(&format!("## {}\n\n", esc(&s.heading)));
        for (label, value) in &s.lines {
            match label {
                Some(l) => out.push_str(&format!("**{}**{sep}{}\n\n", esc(l), esc(value))),
                None => out.push_str(&format!("{}\n\n", esc(value))),
            }
        }
    }
    out.push_str("---\n\n");
    let notes: Vec<String> = d.notes.iter().map(|n| format!("> {}", esc(n))).collect();
    out.push_str(&notes.join("\n>\n"));
    out.push('\n');
    out
}

fn html_escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            '\n' => o.push_str("<br>"),
            c if c.is_control() => {}
            c => o.push(c),
        }
    }
    o
}

/// The draft as one self-contained HTML page (no scripts, no external
/// resources), in Chinese typography.
pub fn html(d: &Draft) -> String {
    html_in(d, Lang::Zh)
}

/// The draft as one self-contained HTML page in a language (the `lang`
/// attribute and the label separator follow it).
pub fn html_in(d: &Draft, lang: Lang) -> String {
    let sep = sep(lang);
    let mut o = String::new();
    o.push_str(&format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n",
        lang_tag(lang)
    ));
    o.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n");
    o.push_str(&format!("<title>{}</title>\n", html_escape(&d.title)));
    o.push_str("<style>\nbody{font-family:\"Noto Serif CJK SC\",\"SimSun\",\"Songti SC\",serif;max-width:48em;margin:2em auto;line-height:1.8;color:#111}\nh1{font-family:\"Noto Sans CJK SC\",\"SimHei\",sans-serif;text-align:center;font-size:1.6em}\nh2{font-family:\"Noto Sans CJK SC\",\"SimHei\",sans-serif;font-size:1.15em;margin-top:1.4em}\ndl.head{display:grid;grid-template-columns:max-content auto;gap:.2em 1em;border:1px solid #999;padding:.8em}\ndl.head dt{font-weight:bold}\ndl.head dd{margin:0}\n.unknown{color:#a00}\nfooter{margin-top:2em;border-top:1px solid #999;font-size:.9em;color:#444}\n</style>\n</head>\n<body>\n");
    let mark = |v: &str| {
        if is_unknown(v) {
            format!("<span class=\"unknown\">{}</span>", html_escape(v))
        } else {
            html_escape(v)
        }
    };
    o.push_str(&format!(
        "<h1>{}</h1>\n<dl class=\"head\">\n",
        html_escape(&d.title)
    ));
    for (k, v) in &d.header {
        o.push_str(&format!(
            "<dt>{}</dt><dd>{}</dd>\n",
            html_escape(k),
            mark(v)
        ));
    }
    o.push_str("</dl>\n");
    for s in &d.sections {
        o.push_str(&format!("<h2>{}</h2>\n", html_escape(&s.heading)));
        for (label, value) in &s.lines {
            match label {
                Some(l) => o.push_str(&format!(
                    "<p><strong>{}</strong>{sep}{}</p>\n",
                    html_escape(l),
                    mark(value)
                )),
                None => o.push_str(&format!("<p>{}</p>\n", mark(value))),
            }
        }
    }
    o.push_str("<footer>\n");
    for n in &d.notes {
        o.push_str(&format!("<p>{}</p>\n", html_escape(n)));
    }
    o.push_str("</footer>\n</body>\n</html>\n");
    o
}

fn xml_escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            // XML 1.0 allows no other control characters
            '\t' | '\n' => o.push(c),
            c if c.is_control() => {}
            c => o.push(c),
        }
    }
    o
}

fn lang_tag(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "zh-CN",
        Lang::En => "en",
    }
}

/// A run of text; line breaks become `<w:br/>`.
fn run(text: &str, bold: bool) -> String {
    styled_run(text, bold, false)
}

/// A run of text, bold or in red (a fact not known); line breaks become `<w:br/>`.
fn styled_run(text: &str, bold: bool, red: bool) -> String {
    let rpr = match (bold, red) {
        (true, _) => "<w:rPr><w:b/><w:bCs/></w:rPr>",
        (false, true) => "<w:rPr><w:color w:val=\"AA0000\"/></w:rPr>",
        (false, false) => "",
    };
    let mut o = String::new();
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            o.push_str("<w:r><w:br/></w:r>");
        }
        o.push_str(&format!(
            "<w:r>{rpr}<w:t xml:space=\"preserve\">{}</w:t></w:r>",
            xml_escape(line)
        ));
    }
    o
}

fn para(style: Option<&str>, runs: &str) -> String {
    match style {
        Some(s) => format!("<w:p><w:pPr><w:pStyle w:val=\"{s}\"/></w:pPr>{runs}</w:p>"),
        None => format!("<w:p>{runs}</w:p>"),
    }
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/><Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>"#;

const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/></Relationships>"#;

const DOC_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#;

const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="宋体" w:cs="Times New Roman"/><w:sz w:val="28"/><w:szCs w:val="28"/><w:lang w:val="en-US" w:eastAsia="zh-CN"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="120" w:line="360" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style><w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:jc w:val="center"/><w:spacing w:before="240" w:after="360"/></w:pPr><w:rPr><w:rFonts w:eastAsia="黑体"/><w:b/><w:sz w:val="40"/><w:szCs w:val="40"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:keepNext/><w:spacing w:before="240" w:after="120"/><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:rFonts w:eastAsia="黑体"/><w:b/><w:sz w:val="30"/><w:szCs w:val="30"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Note"><w:name w:val="Note"/><w:basedOn w:val="Normal"/><w:rPr><w:sz w:val="21"/><w:szCs w:val="21"/><w:color w:val="444444"/></w:rPr></w:style></w:styles>"#;

/// The draft as a DOCX file (a minimal OOXML package), in Chinese
/// typography. The time stamps inside are fixed, so the same draft gives
/// the same bytes.
pub fn docx(d: &Draft, created: OffsetDateTime) -> Result<Vec<u8>> {
    docx_in(d, created, Lang::Zh)
}

/// The draft as a DOCX file in a language (document language and label
/// separator); values that mark a fact not known ([`is_unknown`]) are red.
pub fn docx_in(d: &Draft, created: OffsetDateTime, lang: Lang) -> Result<Vec<u8>> {
    let sep = sep(lang);
    let value = |v: &str| styled_run(v, false, is_unknown(v));
    let mut body = String::new();
    body.push_str(&para(Some("Title"), &run(&d.title, false)));
    for (k, v) in &d.header {
        body.push_str(&para(
            None,
            &format!("{}{}", run(&format!("{k}{sep}"), true), value(v)),
        ));
    }
    for s in &d.sections {
        body.push_str(&para(Some("Heading1"), &run(&s.heading, false)));
        for (label, v) in &s.lines {
            let runs = match label {
                Some(l) => format!("{}{}", run(&format!("{l}{sep}"), true), value(v)),
                None => value(v),
            };
            body.push_str(&para(None, &runs));
        }
    }
    for n in &d.notes {
        body.push_str(&para(Some("Note"), &run(n, false)));
    }
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1440" w:right="1474" w:bottom="1440" w:left="1588" w:header="851" w:footer="992" w:gutter="0"/></w:sectPr></w:body></w:document>"#
    );
    let stamp = created
        .checked_to_offset(time::UtcOffset::UTC)
        .unwrap_or(created)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    let core = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>{}</dc:title><dc:creator>wangan</dc:creator><dc:language>{}</dc:language><dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified></cp:coreProperties>"#,
        xml_escape(&d.title),
        lang_tag(lang)
    );
    let app = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>wangan</Application></Properties>"#;
    let parts: [(&str, &str); 7] = [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", RELS),
        ("word/document.xml", &document),
        ("word/_rels/document.xml.rels", DOC_RELS),
        ("word/styles.xml", STYLES),
        ("docProps/core.xml", &core),
        ("docProps/app.xml", app),
    ];
    let io = |e: std::io::Error| Error::new(ErrorKind::Io, format!("write docx: {e}"));
    let zerr = |e: zip::result::ZipError| Error::new(ErrorKind::Io, format!("write docx: {e}"));
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    for (name, content) in parts {
        w.start_file(name, opts).map_err(zerr)?;
        w.write_all(content.as_bytes()).map_err(io)?;
    }
    Ok(w.finish().map_err(zerr)?.into_inner())
}
