//! One row per duty, RFC 4180 (CRLF, quoted fields), UTF-8 with a byte-order
//! mark so Excel and WPS open the Chinese text. A cell that a spreadsheet
//! would read as a formula (`=`, `+`, `-`, `@` first) is prefixed with `'`.

use duties::model::DutyAssessment;
use duties::{Assessment, Lang};

use crate::{article, due, t};

fn cell(s: &str) -> String {
    let s: String = s
        .chars()
        .filter(|c| !c.is_control() || *c == '\n')
        .collect();
    let s = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

fn row(out: &mut String, cells: &[String]) {
    let line: Vec<String> = cells.iter().map(|c| cell(c)).collect();
    out.push_str(&line.join(","));
    out.push_str("\r\n");
}

pub(crate) fn render(a: &Assessment, lang: Lang) -> String {
    let mut s = String::from("\u{feff}");
    let head = [
        t(lang, "义务编号", "duty"),
        t(lang, "标题", "title"),
        t(lang, "结论", "status"),
        t(lang, "状态代码", "status_key"),
        t(lang, "豁免前判断", "decided"),
        t(lang, "条文", "article"),
        t(lang, "其他编号", "other_numbering"),
        t(lang, "义务主体", "bearer"),
        t(lang, "理由", "reason"),
        t(lang, "发现", "findings"),
        t(lang, "证据", "evidence"),
        t(lang, "整改建议", "remediation"),
        t(lang, "时限", "due"),
        t(lang, "已逾期", "overdue"),
        t(lang, "罚则", "penalty"),
        t(lang, "豁免负责人", "waiver_owner"),
        t(lang, "豁免到期", "waiver_expires"),
        t(lang, "豁免状态", "waiver_state"),
        t(lang, "评估日期", "assessed_on"),
    ];
    row(&mut s, &head.map(str::to_owned));
    for d in &a.duties {
        row(&mut s, &cells(a, d, lang));
    }
    s
}

fn cells(a: &Assessment, d: &DutyAssessment, lang: Lang) -> Vec<String> {
    let join = |v: Vec<String>| v.join("\n");
    let waivers: Vec<_> = a.waivers.iter().filter(|w| w.duty == d.id).collect();
    let other: Vec<String> = d
        .article
        .numbering
        .iter()
        .filter(|(k, _)| **k != d.article.version)
        .map(|(k, v)| format!("{k}: {}", v.as_deref().unwrap_or("—")))
        .collect();
    vec![
        d.id.to_owned(),
        d.title.get(lang).to_owned(),
        d.status.label().get(lang).to_owned(),
        d.status.key().to_owned(),
        d.decided.key().to_owned(),
        article(d, lang),
        other.join("; "),
        d.bearer_label.get(lang).to_owned(),
        d.reason.get(lang).to_owned(),
        join(
            d.findings
                .iter()
                .map(|f| f.text.get(lang).to_owned())
                .collect(),
        ),
        join(
            d.evidence
                .iter()
                .map(|e| {
                    let mut x = format!("{} [{}]", e.what.get(lang), e.source);
                    if let Some(h) = &e.sha256 {
                        x.push_str(&format!(" sha256:{h}"));
                    }
                    x
                })
                .collect(),
        ),
        join(
            d.remediation
                .iter()
                .map(|r| r.get(lang).to_owned())
                .collect(),
        ),
        join(
            d.clocks
                .iter()
                .filter_map(|c| due(c, lang).map(|x| format!("{}: {x}", c.what.get(lang))))
                .collect(),
        ),
        if d.overdue { t(lang, "是", "yes") } else { "" }.to_owned(),
        join(
            d.penalties
                .iter()
                .map(|p| {
                    let cite = match lang {
                        Lang::Zh => p.zh.clone(),
                        Lang::En => p.citation.clone(),
                    }
                    .unwrap_or_else(|| t(lang, "无专门罚则", "no penalty of its own").to_owned());
                    format!(
                        "{} {cite}{}",
                        if p.version == "2016" {
                            "CSL-2016"
                        } else {
                            "CSL-2025"
                        },
                        p.note
                            .as_ref()
                            .map(|n| format!(": {}", n.get(lang)))
                            .unwrap_or_default()
                    )
                })
                .collect(),
        ),
        // every waiver of the profile, in force or not, on its duty's row
        join(waivers.iter().map(|w| w.owner.clone()).collect()),
        join(waivers.iter().map(|w| w.expires.to_string()).collect()),
        join(
            waivers
                .iter()
                .map(|w| crate::markdown::waiver_state(w.state, lang).to_owned())
                .collect(),
        ),
        a.at.to_string(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_quoted_and_formulas_defused() {
        assert_eq!(cell("plain"), "plain");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("-1"), "'-1");
        assert_eq!(cell("two\nlines"), "\"two\nlines\"");
        assert_eq!(cell("bell\x07"), "bell");
    }
}
