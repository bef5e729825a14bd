//! The full report as one self-contained HTML file: no script, no network,
//! no external font or image; the CSS names Chinese fonts with fallbacks and
//! lays the page out for A4 print. Every piece of text is HTML-escaped.

use std::fmt::Write as _;

use duties::model::{DutyAssessment, Level, Status};
use duties::{Assessment, Lang};

use crate::markdown::{state_label, status_word, waiver_state};
use crate::{article, counts, due, ordered, other_numbers, t, when};

/// Escape text for HTML element content and attribute values.
pub(crate) fn h(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => {}
            c => o.push(c),
        }
    }
    o
}

const CSS: &str = r#"
@page { size: A4; margin: 15mm 13mm 16mm 13mm; }
:root { --ink: #1b1f24; --dim: #5b6470; --rule: #d0d5db; --bg2: #f5f6f8; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body {
  font-family: "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN",
    "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "WenQuanYi Micro Hei", "Helvetica Neue",
    Arial, sans-serif;
  font-size: 10pt; line-height: 1.55; color: var(--ink); background: #fff;
  max-width: 184mm; margin: 0 auto; padding: 8mm 0;
}
h1 { font-size: 17pt; margin: 0 0 2mm; line-height: 1.3; }
h2 { font-size: 13pt; margin: 7mm 0 2.5mm; padding-bottom: 1mm; border-bottom: 2px solid var(--ink); break-after: avoid; }
h3 { font-size: 11pt; margin: 0 0 1.5mm; break-after: avoid; }
p { margin: 1.5mm 0; }
code, .mono { font-family: "Noto Sans Mono CJK SC", "Sarasa Mono SC", "DejaVu Sans Mono", Consolas, monospace; font-size: 8.5pt; word-break: break-all; }
.dim { color: var(--dim); }
table { border-collapse: collapse; width: 100%; margin: 2mm 0 3mm; font-size: 8.8pt; }
th, td { border: 1px solid var(--rule); padding: 1.2mm 1.6mm; vertical-align: top; text-align: left; overflow-wrap: anywhere; }
th { background: var(--bg2); font-weight: 600; }
tr { break-inside: avoid; }
table.meta td:first-child { width: 30mm; color: var(--dim); white-space: nowrap; }
table.duties td:nth-child(1) { width: 31%; }
table.duties td:nth-child(2) { width: 15%; }
table.duties td:nth-child(3) { width: 12%; }
table.duties td:nth-child(2), table.duties td:nth-child(3) { overflow-wrap: normal; }
code.id { word-break: normal; overflow-wrap: normal; font-size: 8pt; }
.cards { display: flex; flex-wrap: wrap; gap: 2mm; margin: 2mm 0 3mm; }
.card { flex: 1 1 24mm; border: 1px solid var(--rule); border-radius: 2mm; padding: 2mm; text-align: center; }
.card b { display: block; font-size: 16pt; line-height: 1.2; }
.badge { display: inline-block; padding: 0.2mm 1.8mm; border-radius: 1.2mm; font-size: 8.5pt; font-weight: 600; white-space: nowrap; }
.not-met { background: #fde3e1; color: #9b1c13; }
.partly-met { background: #fff0cc; color: #7a4a00; }
.needs-evidence { background: #fff6dd; color: #7a5a00; }
.waived { background: #e0f0f5; color: #0c5566; }
.met { background: #dff3e4; color: #146c2e; }
.not-applicable { background: #eceef1; color: #59616b; }
.alert { border-left: 4px solid #b42318; background: #fdecea; padding: 2mm 3mm; margin: 2mm 0; font-weight: 600; }
.clear { border-left: 4px solid #146c2e; background: #e7f5eb; padding: 2mm 3mm; margin: 2mm 0; }
section.duty { border: 1px solid var(--rule); border-radius: 2mm; padding: 3mm 3.5mm; margin: 0 0 3mm; break-inside: avoid-page; }
section.duty.na { padding: 2mm 3.5mm; }
blockquote.law {
  font-family: "Noto Serif CJK SC", "Noto Serif SC", "Source Han Serif SC", "Songti SC", "SimSun", serif;
  margin: 2mm 0; padding: 1.5mm 3mm; background: var(--bg2); border-left: 3px solid #8a94a0; white-space: pre-line;
}
ul.findings { margin: 1mm 0; padding-left: 5mm; }
ul.findings li.problem { color: #9b1c13; }
ul.findings li.warning { color: #7a4a00; }
ol { margin: 1mm 0; padding-left: 6mm; }
.late { color: #b42318; font-weight: 700; }
.label { font-weight: 600; margin-top: 2mm; }
footer { margin-top: 8mm; font-size: 8pt; color: var(--dim); border-top: 1px solid var(--rule); padding-top: 2mm; }
@media screen { body { padding: 10mm 6mm; } }
@media print { a { color: inherit; text-decoration: none; } }
"#;

pub(crate) fn render(a: &Assessment, lang: Lang) -> String {
    let mut s = String::new();
    let title = format!(
        "{} — {} — {}",
        t(
            lang,
            "网络安全法第三章义务评估报告",
            "Cybersecurity Law chapter 3: assessment report"
        ),
        a.operator.name,
        a.at
    );
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"wangan assess\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
        t(lang, "zh-CN", "en"),
        h(&title)
    );
    let _ = writeln!(
        s,
        "<h1>{}</h1>\n<p class=\"dim\">{}</p>",
        t(
            lang,
            "网络安全法第三章义务评估报告",
            "Cybersecurity Law chapter 3: assessment report"
        ),
        h(&a.operator.name)
    );
    let meta: Vec<(&str, String)> = vec![
        (
            t(lang, "运营者", "Operator"),
            format!(
                "{} · {}{}",
                h(&a.operator.name),
                h(a.operator.kind_label.get(lang)),
                if a.operator.provider {
                    t(
                        lang,
                        " · 兼网络产品、服务提供者",
                        " · also a provider of products or services",
                    )
                } else {
                    ""
                }
            ),
        ),
        (
            t(lang, "行业 / 地区", "Sector / province"),
            format!(
                "{} / {}",
                h(a.operator.sector.as_deref().unwrap_or("—")),
                h(a.operator.province.as_deref().unwrap_or("—"))
            ),
        ),
        (
            t(lang, "网络安全负责人", "Person responsible"),
            h(a.operator.responsible.as_deref().unwrap_or("—")),
        ),
        (t(lang, "评估日期", "Date assessed"), a.at.to_string()),
        (
            t(lang, "施行文本", "Law in force"),
            format!(
                "{} · {} · {} {}",
                a.law.label,
                h(a.law.name.get(lang)),
                t(lang, "施行于", "in force from"),
                a.law.in_force_from
            ),
        ),
        (t(lang, "取证时间", "Evidence gathered"), when(a.generated)),
        (
            t(lang, "画像", "Profile"),
            format!(
                "<code>{}</code><br><span class=\"mono\">SHA-256 {}</span>",
                h(&a.profile.file),
                h(&a.profile.sha256)
            ),
        ),
    ];
    let _ = writeln!(s, "<table class=\"meta\">");
    for (k, v) in meta {
        let _ = writeln!(s, "<tr><td>{k}</td><td>{v}</td></tr>");
    }
    let _ = writeln!(s, "</table>");

    // summary
    let _ = writeln!(s, "<h2>{}</h2>", t(lang, "结论", "Summary"));
    let _ = writeln!(
        s,
        "<p>{}</p>",
        h(&match lang {
            Lang::Zh => format!(
                "共{}项义务，{}项适用于本运营者：{}。",
                a.duties.len(),
                a.summary.applicable,
                counts(a, lang)
            ),
            Lang::En => format!(
                "{} duties, {} apply to this operator: {}.",
                a.duties.len(),
                a.summary.applicable,
                counts(a, lang)
            ),
        })
    );
    let _ = writeln!(s, "<div class=\"cards\">");
    for st in Status::ALL {
        let _ = writeln!(
            s,
            "<div class=\"card {}\"><b>{}</b>{}</div>",
            st.key(),
            a.summary.count(st),
            h(st.label().get(lang))
        );
    }
    let _ = writeln!(s, "</div>");
    if a.summary.overdue > 0 {
        let _ = writeln!(
            s,
            "<div class=\"alert\">{}</div>",
            h(&match lang {
                Lang::Zh => format!("{}项义务的法定时限已过。", a.summary.overdue),
                Lang::En => format!("{} duties are past a legal deadline.", a.summary.overdue),
            })
        );
    }
    if a.summary.integrity_failed {
        let _ = writeln!(
            s,
            "<div class=\"alert\">{}</div>",
            t(
                lang,
                "日志库未通过完整性校验。",
                "A vault fails verification."
            )
        );
    }
    if crate::all_clear(a) {
        let _ = writeln!(
            s,
            "<div class=\"clear\">{}</div>",
            t(
                lang,
                "所有适用的义务均已履行或已豁免，没有需要整改的问题。",
                "Every applicable duty is met or waived: nothing to remedy."
            )
        );
    }
    let _ = writeln!(
        s,
        "<table class=\"duties\">\n<tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
        t(lang, "义务", "Duty"),
        t(lang, "条文", "Article"),
        t(lang, "结论", "Status"),
        t(lang, "理由", "Why"),
    );
    for d in ordered(a) {
        let _ = writeln!(
            s,
            "<tr><td><a href=\"#{}\"><code class=\"id\">{}</code></a><br>{}</td><td>{}</td><td>{}{}</td><td>{}</td></tr>",
            h(d.id),
            breakable(d.id),
            h(d.title.get(lang)),
            h(&article(d, lang)),
            badge(d.status, lang),
            if d.overdue {
                format!(
                    "<br><span class=\"late\">{}</span>",
                    t(lang, "已逾期", "overdue")
                )
            } else {
                String::new()
            },
            h(d.reason.get(lang))
        );
    }
    let _ = writeln!(s, "</table>");

    let _ = writeln!(s, "<h2>{}</h2>", t(lang, "逐项评估", "Duties"));
    for d in ordered(a) {
        duty(&mut s, d, lang);
    }

    waivers(&mut s, a, lang);
    logs(&mut s, a, lang);
    stores(&mut s, a, lang);
    documents(&mut s, a, lang);

    let _ = writeln!(
        s,
        "<h2>{}</h2>\n<ul>",
        t(lang, "设置与说明", "Settings and notes")
    );
    for st in &a.settings {
        let _ = writeln!(
            s,
            "<li><code>{}</code> = {}: {}</li>",
            h(st.key),
            h(&st.value),
            h(st.what.get(lang))
        );
    }
    for n in &a.notes {
        let _ = writeln!(s, "<li>{}</li>", h(n.get(lang)));
    }
    let _ = writeln!(s, "</ul>");
    let _ = writeln!(
        s,
        "<footer>{} · {} {} · {} {} · {}</footer>\n</body>\n</html>",
        t(lang, "由 wangan assess 生成", "Generated by wangan assess"),
        t(lang, "评估日期", "assessed"),
        a.at,
        t(lang, "取证", "evidence gathered"),
        when(a.generated),
        h(duties::SCHEMA)
    );
    s
}

/// An id that may wrap after `.` and `-` only.
fn breakable(id: &str) -> String {
    h(id).replace('.', ".<wbr>").replace('-', "-<wbr>")
}

fn badge(st: Status, lang: Lang) -> String {
    format!(
        "<span class=\"badge {}\">{}</span>",
        st.key(),
        h(st.label().get(lang))
    )
}

fn duty(s: &mut String, d: &DutyAssessment, lang: Lang) {
    let na = d.status == Status::NotApplicable;
    let _ = writeln!(
        s,
        "<section class=\"duty{}\" id=\"{}\">\n<h3>{} <code>{}</code> {}</h3>",
        if na { " na" } else { "" },
        h(d.id),
        badge(d.status, lang),
        h(d.id),
        h(d.title.get(lang))
    );
    let _ = writeln!(
        s,
        "<p class=\"dim\">{} · {}{}{}</p>",
        h(&article(d, lang)),
        h(&other_numbers(d, lang)),
        if d.decided != d.status {
            format!(
                " · {} {}",
                t(lang, "豁免前判断为", "decided as"),
                h(d.decided.label().get(lang))
            )
        } else {
            String::new()
        },
        if d.overdue {
            format!(
                " · <span class=\"late\">{}</span>",
                t(lang, "法定时限已过", "past a legal deadline")
            )
        } else {
            String::new()
        }
    );
    let _ = writeln!(s, "<p>{}</p>", h(d.reason.get(lang)));
    if !d.article.text.is_empty() && !na {
        let _ = writeln!(
            s,
            "<blockquote class=\"law\">{}</blockquote>",
            h(&d.article.text)
        );
    }
    if na {
        let _ = writeln!(s, "</section>");
        return;
    }
    if !d.findings.is_empty() {
        let _ = writeln!(
            s,
            "<div class=\"label\">{}</div>\n<ul class=\"findings\">",
            t(lang, "发现", "Findings")
        );
        for f in &d.findings {
            let (class, mark) = match f.level {
                Level::Ok => ("ok", "✓"),
                Level::Info => ("info", "ℹ"),
                Level::Warning => ("warning", "⚠"),
                Level::Problem => ("problem", "✗"),
            };
            let _ = writeln!(
                s,
                "<li class=\"{class}\">{mark} {}</li>",
                h(f.text.get(lang))
            );
        }
        let _ = writeln!(s, "</ul>");
    }
    if !d.evidence.is_empty() {
        let _ = writeln!(
            s,
            "<div class=\"label\">{}</div>\n<table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
            t(lang, "证据", "Evidence"),
            t(lang, "内容", "What"),
            t(lang, "来源 / SHA-256", "Source / SHA-256"),
            t(lang, "收集时间", "Collected"),
            t(lang, "有效至", "Stale after"),
            t(lang, "状态", "State"),
        );
        for e in &d.evidence {
            let _ = writeln!(
                s,
                "<tr><td>{}</td><td><code>{}</code>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                h(e.what.get(lang)),
                h(&e.source),
                e.sha256
                    .as_deref()
                    .map(|x| format!("<br><span class=\"mono\">{}</span>", h(x)))
                    .unwrap_or_default(),
                e.collected.map(when).unwrap_or_else(|| "—".into()),
                e.stale_after
                    .map(|x| x.to_string())
                    .unwrap_or_else(|| "—".into()),
                h(state_label(e.state, lang))
            );
        }
        let _ = writeln!(s, "</table>");
    }
    if !d.clocks.is_empty() {
        let _ = writeln!(
            s,
            "<div class=\"label\">{}</div>\n<ul>",
            t(lang, "时限", "Clocks")
        );
        for c in &d.clocks {
            let basis = if c.legal {
                format!("{} · {}", c.basis.get(lang), status_word(c.status, lang))
            } else {
                format!(
                    "{} · {}",
                    c.basis.get(lang),
                    t(lang, "非法定", "not a legal clock")
                )
            };
            let dd = due(c, lang)
                .map(|x| {
                    if c.overdue {
                        format!(": <span class=\"late\">{}</span>", h(&x))
                    } else {
                        format!(": {}", h(&x))
                    }
                })
                .unwrap_or_default();
            let _ = writeln!(
                s,
                "<li>{}{dd} <span class=\"dim\">({})</span></li>",
                h(c.what.get(lang)),
                h(&basis)
            );
        }
        let _ = writeln!(s, "</ul>");
    }
    if !d.remediation.is_empty() {
        let _ = writeln!(
            s,
            "<div class=\"label\">{}</div>\n<ol>",
            t(lang, "整改建议", "What to do")
        );
        for r in &d.remediation {
            let _ = writeln!(s, "<li>{}</li>", h(r.get(lang)));
        }
        let _ = writeln!(s, "</ol>");
    }
    if let Some(w) = &d.waiver {
        let _ = writeln!(
            s,
            "<p><b>{}</b>: {} · {} {} · {} {}</p>",
            t(lang, "豁免", "Waiver"),
            h(&w.reason),
            t(lang, "负责人", "owner"),
            h(&w.owner),
            t(lang, "到期", "expires"),
            w.expires
        );
    }
    for p in &d.penalties {
        let cite = match lang {
            Lang::Zh => p.zh.clone(),
            Lang::En => p.citation.clone(),
        }
        .unwrap_or_else(|| t(lang, "无专门罚则", "no penalty of its own").to_owned());
        let _ = writeln!(
            s,
            "<div class=\"label\">{} <span class=\"dim\">{} {} · {}</span></div>\n<p>{}</p>",
            t(lang, "罚则", "Penalty"),
            if p.version == "2016" {
                "CSL-2016"
            } else {
                "CSL-2025"
            },
            h(&cite),
            status_word(p.status, lang),
            p.note.as_ref().map(|n| h(n.get(lang))).unwrap_or_default()
        );
        if let Some(text) = &p.text {
            let _ = writeln!(s, "<blockquote class=\"law\">{}</blockquote>", h(text));
        }
    }
    let _ = writeln!(s, "</section>");
}

fn waivers(s: &mut String, a: &Assessment, lang: Lang) {
    let _ = writeln!(s, "<h2>{}</h2>", t(lang, "豁免", "Waivers"));
    if a.waivers.is_empty() {
        let _ = writeln!(
            s,
            "<p>{}</p>",
            t(lang, "画像中没有豁免。", "The profile holds no waiver.")
        );
        return;
    }
    let _ = writeln!(
        s,
        "<table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
        t(lang, "义务", "Duty"),
        t(lang, "理由", "Reason"),
        t(lang, "负责人", "Owner"),
        t(lang, "到期", "Expires"),
        t(lang, "状态", "State"),
    );
    for w in &a.waivers {
        let _ = writeln!(
            s,
            "<tr><td><code>{}</code><br>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            h(&w.duty),
            h(w.title.get(lang)),
            h(&w.reason),
            h(&w.owner),
            w.expires,
            h(waiver_state(w.state, lang))
        );
    }
    let _ = writeln!(s, "</table>");
}

fn logs(s: &mut String, a: &Assessment, lang: Lang) {
    let _ = writeln!(s, "<h2>{}</h2>", t(lang, "日志留存", "Log retention"));
    if !a.logs.vaults.is_empty() {
        let _ = writeln!(
            s,
            "<table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
            t(lang, "日志库", "Vault"),
            t(lang, "记录", "Records"),
            t(lang, "留存", "Retention"),
            t(lang, "窗口", "Window"),
            t(lang, "完整校验", "Full verification"),
        );
        for v in &a.logs.vaults {
            let verified = match (v.verified_at, v.verified_intact) {
                (Some(at), Some(true)) => format!("✓ {}", when(at)),
                (Some(at), _) => format!("<span class=\"late\">✗ {}</span>", when(at)),
                (None, _) => h(t(lang, "没有记录", "none on record")),
            };
            let window = match (v.window_start, v.window_end) {
                (Some(a), Some(b)) => format!("{} – {}", when(a), when(b)),
                _ => "—".into(),
            };
            let _ = writeln!(
                s,
                "<tr><td><code>{}</code>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                h(&v.dir),
                v.error
                    .as_ref()
                    .map(|e| format!("<br><span class=\"late\">{}</span>", h(e)))
                    .unwrap_or_default(),
                v.records,
                h(v.retention.as_deref().unwrap_or("—")),
                window,
                verified
            );
        }
        let _ = writeln!(s, "</table>");
    }
    if a.logs.sources.is_empty() {
        let _ = writeln!(
            s,
            "<p>{}</p>",
            t(
                lang,
                "画像中没有声明日志来源。",
                "The profile declares no log source."
            )
        );
        return;
    }
    let _ = writeln!(
        s,
        "<table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
        t(lang, "来源", "Source"),
        t(lang, "六个月连续", "Six months"),
        t(lang, "最早", "First"),
        t(lang, "最晚", "Last"),
        t(lang, "间断", "Gaps"),
    );
    for src in &a.logs.sources {
        let _ = writeln!(
            s,
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            h(&src.name),
            if src.covered {
                "✓"
            } else {
                "<span class=\"late\">✗</span>"
            },
            src.first.map(when).unwrap_or_else(|| "—".into()),
            src.last.map(when).unwrap_or_else(|| "—".into()),
            src.problem
                .as_ref()
                .map(|p| h(p.get(lang)))
                .unwrap_or_else(|| "—".into())
        );
    }
    let _ = writeln!(s, "</table>");
    if !a.logs.undeclared.is_empty() {
        let names: Vec<String> = a
            .logs
            .undeclared
            .iter()
            .map(|u| format!("<code>{}</code>", h(&u.name)))
            .collect();
        let _ = writeln!(
            s,
            "<p>{} {}</p>",
            t(
                lang,
                "画像未声明的来源：",
                "Sources the profile does not declare:"
            ),
            names.join(", ")
        );
    }
}

fn stores(s: &mut String, a: &Assessment, lang: Lang) {
    let _ = writeln!(s, "<h2>{}</h2>", t(lang, "数据存储", "Data stores"));
    if a.data_stores.is_empty() {
        let _ = writeln!(
            s,
            "<p>{}</p>",
            t(
                lang,
                "画像中没有声明数据存储。",
                "The profile declares no data store."
            )
        );
        return;
    }
    let _ = writeln!(
        s,
        "<table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
        t(lang, "存储", "Store"),
        t(lang, "位置", "Location"),
        t(lang, "扫描结果", "Scan"),
        t(lang, "备份", "Backup"),
        t(lang, "恢复测试", "Restore test"),
        t(lang, "加密", "Encrypted"),
    );
    for d in &a.data_stores {
        let scan = match (&d.level_label, d.scanned_at) {
            (Some(l), Some(at)) => format!(
                "{}<br><span class=\"dim\">{}{}</span>",
                h(l.get(lang)),
                when(at),
                if d.scan_stale {
                    t(lang, "，已过期", ", stale")
                } else {
                    ""
                }
            ),
            _ => h(t(lang, "未扫描", "never scanned")),
        };
        let _ = writeln!(
            s,
            "<tr><td><code>{}</code><br><span class=\"mono\">{}</span></td><td>{} {}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            h(&d.id),
            h(&d.target),
            h(d.country.as_deref().unwrap_or("?")),
            h(d.region.as_deref().unwrap_or("")),
            scan,
            h(d.backup_every.as_deref().unwrap_or("—")),
            d.restore_tested
                .map(|x| x.to_string())
                .unwrap_or_else(|| "—".into()),
            match d.encrypted {
                Some(true) => "✓",
                Some(false) => "✗",
                None => "?",
            }
        );
    }
    let _ = writeln!(s, "</table>");
}

fn documents(s: &mut String, a: &Assessment, lang: Lang) {
    let _ = writeln!(s, "<h2>{}</h2>", t(lang, "文件", "Documents"));
    if a.documents.is_empty() {
        let _ = writeln!(
            s,
            "<p>{}</p>",
            t(
                lang,
                "画像中没有声明文件。",
                "The profile declares no document."
            )
        );
        return;
    }
    let _ = writeln!(
        s,
        "<table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>SHA-256</th><th>{}</th></tr>",
        t(lang, "文件", "Document"),
        t(lang, "义务", "Duties"),
        t(lang, "批准", "Approved"),
        t(lang, "下次复审", "Review due"),
        t(lang, "状态", "State"),
    );
    for d in &a.documents {
        let _ = writeln!(
            s,
            "<tr><td>{}{}<br><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td><span class=\"mono\">{}</span></td><td>{}</td></tr>",
            h(&d.title),
            d.version
                .as_ref()
                .map(|v| format!(" v{}", h(v)))
                .unwrap_or_default(),
            h(&d.path),
            h(&d.duties.join(", ")),
            d.approved
                .map(|x| x.to_string())
                .unwrap_or_else(|| "—".into()),
            d.review_due
                .map(|x| x.to_string())
                .unwrap_or_else(|| "—".into()),
            h(d.sha256.as_deref().unwrap_or("—")),
            h(state_label(d.state, lang))
        );
    }
    let _ = writeln!(s, "</table>");
}
