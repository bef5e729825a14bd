//! The full report in Markdown (CommonMark with GFM tables). Text from the
//! profile and the evidence is escaped, so it cannot open links, HTML or
//! table cells.

use std::fmt::Write as _;

use duties::model::{DutyAssessment, EvidenceState, Level, Status};
use duties::{Assessment, Lang};

use crate::{article, counts, due, ordered, other_numbers, t, when};

/// Escape inline Markdown (and HTML) in untrusted text; newlines become spaces.
pub(crate) fn md(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '!' | '~' => {
                o.push('\\');
                o.push(c);
            }
            '\n' | '\r' => o.push(' '),
            c if c.is_control() => {}
            c => o.push(c),
        }
    }
    o
}

fn quote(out: &mut String, text: &str) {
    for line in text.lines() {
        let _ = writeln!(out, "> {}", md(line));
    }
}

pub(crate) fn state_label(s: EvidenceState, lang: Lang) -> &'static str {
    match s {
        EvidenceState::Ok => t(lang, "有效", "ok"),
        EvidenceState::Stale => t(lang, "过期", "stale"),
        EvidenceState::Problem => t(lang, "有问题", "problem"),
        EvidenceState::Missing => t(lang, "缺失", "missing"),
    }
}

pub(crate) fn render(a: &Assessment, lang: Lang) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# {} — {}\n",
        t(
            lang,
            "网络安全法第三章义务评估报告",
            "Cybersecurity Law chapter 3: assessment report"
        ),
        md(&a.operator.name)
    );
    let rows: Vec<(&str, String)> = vec![
        (
            t(lang, "运营者", "Operator"),
            format!(
                "{} ({}{})",
                md(&a.operator.name),
                a.operator.kind_label.get(lang),
                if a.operator.provider {
                    t(lang, "，兼网络产品、服务提供者", ", also a provider")
                } else {
                    ""
                }
            ),
        ),
        (
            t(lang, "行业 / 地区", "Sector / province"),
            format!(
                "{} / {}",
                md(a.operator.sector.as_deref().unwrap_or("—")),
                md(a.operator.province.as_deref().unwrap_or("—"))
            ),
        ),
        (
            t(lang, "网络安全负责人", "Person responsible"),
            md(a.operator.responsible.as_deref().unwrap_or("—")),
        ),
        (t(lang, "评估日期", "Date assessed"), a.at.to_string()),
        (
            t(lang, "施行文本", "Law in force"),
            format!(
                "{} ({}, {} {})",
                a.law.label,
                a.law.name.get(lang),
                t(lang, "施行于", "in force from"),
                a.law.in_force_from
            ),
        ),
        (t(lang, "取证时间", "Evidence gathered"), when(a.generated)),
        (
            t(lang, "画像", "Profile"),
            format!(
                "`{}` (SHA-256 `{}`)",
                a.profile.file.replace('`', "'"),
                a.profile.sha256
            ),
        ),
    ];
    let _ = writeln!(s, "| | |\n|---|---|");
    for (k, v) in rows {
        let _ = writeln!(s, "| {k} | {v} |");
    }
    let _ = writeln!(s);

    let _ = writeln!(s, "## {}\n", t(lang, "结论", "Summary"));
    let sum = &a.summary;
    let _ = writeln!(
        s,
        "{}\n",
        match lang {
            Lang::Zh => format!(
                "共{}项义务，{}项适用于本运营者：{}。",
                a.duties.len(),
                sum.applicable,
                counts(a, lang)
            ),
            Lang::En => format!(
                "{} duties, {} apply to this operator: {}.",
                a.duties.len(),
                sum.applicable,
                counts(a, lang)
            ),
        }
    );
    if sum.overdue > 0 {
        let _ = writeln!(
            s,
            "**{}**\n",
            match lang {
                Lang::Zh => format!("{}项义务的法定时限已过。", sum.overdue),
                Lang::En => format!("{} duties are past a legal deadline.", sum.overdue),
            }
        );
    }
    if sum.integrity_failed {
        let _ = writeln!(
            s,
            "**{}**\n",
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
            "{}\n",
            t(
                lang,
                "所有适用的义务均已履行或已豁免，没有需要整改的问题。",
                "Every applicable duty is met or waived: nothing to remedy."
            )
        );
    }
    let _ = writeln!(
        s,
        "| {} | {} | {} | {} |\n|---|---|---|---|",
        t(lang, "义务", "Duty"),
        t(lang, "条文", "Article"),
        t(lang, "结论", "Status"),
        t(lang, "理由", "Why"),
    );
    for d in ordered(a) {
        let _ = writeln!(
            s,
            "| {} {} | {} | {}{} | {} |",
            d.id,
            md(d.title.get(lang)),
            article(d, lang),
            d.status.label().get(lang),
            if d.overdue {
                t(lang, "（逾期）", " (overdue)")
            } else {
                ""
            },
            md(d.reason.get(lang))
        );
    }
    let _ = writeln!(s);

    let _ = writeln!(s, "## {}\n", t(lang, "逐项评估", "Duties"));
    for d in ordered(a) {
        duty(&mut s, d, lang);
    }

    let _ = writeln!(s, "## {}\n", t(lang, "豁免", "Waivers"));
    if a.waivers.is_empty() {
        let _ = writeln!(
            s,
            "{}\n",
            t(lang, "画像中没有豁免。", "The profile holds no waiver.")
        );
    } else {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} |\n|---|---|---|---|---|",
            t(lang, "义务", "Duty"),
            t(lang, "理由", "Reason"),
            t(lang, "负责人", "Owner"),
            t(lang, "到期", "Expires"),
            t(lang, "状态", "State"),
        );
        for w in &a.waivers {
            let _ = writeln!(
                s,
                "| {} {} | {} | {} | {} | {} |",
                w.duty,
                md(w.title.get(lang)),
                md(&w.reason),
                md(&w.owner),
                w.expires,
                waiver_state(w.state, lang)
            );
        }
        let _ = writeln!(s);
    }

    logs(&mut s, a, lang);
    stores(&mut s, a, lang);
    documents(&mut s, a, lang);

    let _ = writeln!(s, "## {}\n", t(lang, "设置与说明", "Settings and notes"));
    for st in &a.settings {
        let _ = writeln!(
            s,
            "- `{}` = {}: {}",
            st.key,
            md(&st.value),
            st.what.get(lang)
        );
    }
    let _ = writeln!(s);
    for n in &a.notes {
        let _ = writeln!(s, "- {}", md(n.get(lang)));
    }
    s
}

pub(crate) fn waiver_state(s: duties::model::WaiverStatus, lang: Lang) -> &'static str {
    use duties::model::WaiverStatus as W;
    match s {
        W::Active => t(lang, "有效", "in force"),
        W::Expired => t(lang, "已到期，重新判断", "expired: decided again"),
        W::NotYetGranted => t(lang, "尚未批准", "not yet granted"),
        W::NotApplicable => t(lang, "义务不适用", "duty does not apply"),
    }
}

fn duty(s: &mut String, d: &DutyAssessment, lang: Lang) {
    let _ = writeln!(s, "### {} {}\n", d.id, md(d.title.get(lang)));
    let status = d.status.label();
    let _ = writeln!(
        s,
        "**{}**: {}{}{} · {} · {}\n",
        t(lang, "结论", "Status"),
        status.get(lang),
        if d.decided != d.status {
            format!(
                " ({} {})",
                t(lang, "豁免前判断为", "decided as"),
                d.decided.label().get(lang)
            )
        } else {
            String::new()
        },
        if d.overdue {
            t(lang, "，法定时限已过", ", past a legal deadline")
        } else {
            ""
        },
        article(d, lang),
        other_numbers(d, lang)
    );
    let _ = writeln!(s, "{}\n", md(d.reason.get(lang)));
    if !d.article.text.is_empty() {
        quote(s, &d.article.text);
        let _ = writeln!(s);
    }
    if d.status == Status::NotApplicable {
        return;
    }
    let findings: Vec<_> = d.findings.iter().collect();
    if !findings.is_empty() {
        let _ = writeln!(s, "**{}**\n", t(lang, "发现", "Findings"));
        for f in findings {
            let mark = match f.level {
                Level::Ok => "✓",
                Level::Info => "ℹ",
                Level::Warning => "⚠",
                Level::Problem => "✗",
            };
            let _ = writeln!(s, "- {mark} {}", md(f.text.get(lang)));
        }
        let _ = writeln!(s);
    }
    if !d.evidence.is_empty() {
        let _ = writeln!(
            s,
            "**{}**\n\n| {} | {} | {} | {} | SHA-256 | {} |\n|---|---|---|---|---|---|",
            t(lang, "证据", "Evidence"),
            t(lang, "内容", "What"),
            t(lang, "来源", "Source"),
            t(lang, "收集时间", "Collected"),
            t(lang, "有效至", "Stale after"),
            t(lang, "状态", "State"),
        );
        for e in &d.evidence {
            let _ = writeln!(
                s,
                "| {} | `{}` | {} | {} | {} | {} |",
                md(e.what.get(lang)),
                e.source.replace('`', "'"),
                e.collected.map(when).unwrap_or_else(|| "—".into()),
                e.stale_after
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| "—".into()),
                e.sha256
                    .as_deref()
                    .map(|h| format!("`{h}`"))
                    .unwrap_or_else(|| "—".into()),
                state_label(e.state, lang)
            );
        }
        let _ = writeln!(s);
    }
    if !d.clocks.is_empty() {
        let _ = writeln!(s, "**{}**\n", t(lang, "时限", "Clocks"));
        for c in &d.clocks {
            let kind = if c.legal {
                format!("{} · {}", c.basis.get(lang), status_word(c.status, lang))
            } else {
                format!(
                    "{} · {}",
                    c.basis.get(lang),
                    t(lang, "非法定", "not a legal clock")
                )
            };
            let _ = writeln!(
                s,
                "- {}{} ({kind})",
                md(c.what.get(lang)),
                due(c, lang).map(|d| format!(": {d}")).unwrap_or_default(),
            );
        }
        let _ = writeln!(s);
    }
    if !d.remediation.is_empty() {
        let _ = writeln!(s, "**{}**\n", t(lang, "整改建议", "What to do"));
        for (i, r) in d.remediation.iter().enumerate() {
            let _ = writeln!(s, "{}. {}", i + 1, md(r.get(lang)));
        }
        let _ = writeln!(s);
    }
    if let Some(w) = &d.waiver {
        let _ = writeln!(
            s,
            "**{}**: {} · {} {} · {} {}\n",
            t(lang, "豁免", "Waiver"),
            md(&w.reason),
            t(lang, "负责人", "owner"),
            md(&w.owner),
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
            "**{}** ({} {}, {}): {}\n",
            t(lang, "罚则", "Penalty"),
            if p.version == "2016" {
                "CSL-2016"
            } else {
                "CSL-2025"
            },
            cite,
            status_word(p.status, lang),
            p.note.as_ref().map(|n| md(n.get(lang))).unwrap_or_default()
        );
        if let Some(text) = &p.text {
            quote(s, text);
            let _ = writeln!(s);
        }
    }
}

pub(crate) fn status_word(status: &str, lang: Lang) -> &'static str {
    match status {
        "verified" => t(lang, "已核实", "verified"),
        "secondary" => t(lang, "二手来源", "secondary source"),
        "unverified" => t(lang, "未核实", "unverified"),
        _ => t(lang, "wangan 设置", "wangan setting"),
    }
}

fn logs(s: &mut String, a: &Assessment, lang: Lang) {
    let _ = writeln!(s, "## {}\n", t(lang, "日志留存", "Log retention"));
    for v in &a.logs.vaults {
        let verified = match (v.verified_at, v.verified_intact) {
            (Some(at), Some(true)) => format!(
                "{} {}",
                t(lang, "完整校验通过", "full verification passed"),
                when(at)
            ),
            (Some(at), _) => format!(
                "{} {}",
                t(lang, "完整校验失败", "full verification FAILED"),
                when(at)
            ),
            (None, _) => t(lang, "没有完整校验记录", "no full verification on record").to_owned(),
        };
        let _ = writeln!(
            s,
            "- `{}`: {} {}, {} {}, {}{}",
            v.dir.replace('`', "'"),
            v.records,
            t(lang, "条记录", "records"),
            t(lang, "留存", "retention"),
            md(v.retention.as_deref().unwrap_or("—")),
            verified,
            v.error
                .as_ref()
                .map(|e| format!(" — {}", md(e)))
                .unwrap_or_default()
        );
    }
    if a.logs.sources.is_empty() {
        let _ = writeln!(
            s,
            "\n{}\n",
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
        "\n| {} | {} | {} | {} | {} |\n|---|---|---|---|---|",
        t(lang, "来源", "Source"),
        t(lang, "六个月连续", "Six months"),
        t(lang, "最早", "First"),
        t(lang, "最晚", "Last"),
        t(lang, "间断", "Gaps"),
    );
    for src in &a.logs.sources {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} |",
            md(&src.name),
            if src.covered { "✓" } else { "✗" },
            src.first.map(when).unwrap_or_else(|| "—".into()),
            src.last.map(when).unwrap_or_else(|| "—".into()),
            src.problem
                .as_ref()
                .map(|p| md(p.get(lang)))
                .unwrap_or_else(|| "—".into())
        );
    }
    if !a.logs.undeclared.is_empty() {
        let names: Vec<String> = a.logs.undeclared.iter().map(|u| md(&u.name)).collect();
        let _ = writeln!(
            s,
            "\n{} {}",
            t(
                lang,
                "画像未声明的来源：",
                "Sources the profile does not declare:"
            ),
            names.join(", ")
        );
    }
    let _ = writeln!(s);
}

fn stores(s: &mut String, a: &Assessment, lang: Lang) {
    let _ = writeln!(s, "## {}\n", t(lang, "数据存储", "Data stores"));
    if a.data_stores.is_empty() {
        let _ = writeln!(
            s,
            "{}\n",
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
        "| {} | {} | {} | {} | {} | {} |\n|---|---|---|---|---|---|",
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
                "{} ({}{})",
                l.get(lang),
                when(at),
                if d.scan_stale {
                    t(lang, "，已过期", ", stale")
                } else {
                    ""
                }
            ),
            _ => t(lang, "未扫描", "never scanned").to_owned(),
        };
        let _ = writeln!(
            s,
            "| {} `{}` | {} {} | {} | {} | {} | {} |",
            md(&d.id),
            d.target.replace('`', "'"),
            md(d.country.as_deref().unwrap_or("?")),
            md(d.region.as_deref().unwrap_or("")),
            scan,
            md(d.backup_every.as_deref().unwrap_or("—")),
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
    let _ = writeln!(s);
}

fn documents(s: &mut String, a: &Assessment, lang: Lang) {
    let _ = writeln!(s, "## {}\n", t(lang, "文件", "Documents"));
    if a.documents.is_empty() {
        let _ = writeln!(
            s,
            "{}\n",
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
        "| {} | {} | {} | {} | SHA-256 | {} |\n|---|---|---|---|---|---|",
        t(lang, "文件", "Document"),
        t(lang, "义务", "Duties"),
        t(lang, "批准", "Approved"),
        t(lang, "下次复审", "Review due"),
        t(lang, "状态", "State"),
    );
    for d in &a.documents {
        let _ = writeln!(
            s,
            "| {}{} `{}` | {} | {} | {} | {} | {} |",
            md(&d.title),
            d.version
                .as_ref()
                .map(|v| format!(" v{}", md(v)))
                .unwrap_or_default(),
            d.path.replace('`', "'"),
            d.duties.join(", "),
            d.approved
                .map(|x| x.to_string())
                .unwrap_or_else(|| "—".into()),
            d.review_due
                .map(|x| x.to_string())
                .unwrap_or_else(|| "—".into()),
            d.sha256
                .as_deref()
                .map(|h| format!("`{h}`"))
                .unwrap_or_else(|| "—".into()),
            state_label(d.state, lang)
        );
    }
    let _ = writeln!(s);
}
