//! The terminal summary: who and when, counts by status, then the duties not
//! met and late first, each with why, what to do and the penalty; the
//! waivers; the notes. Text from the profile and the evidence is escaped so
//! that no control sequence reaches the terminal.

use std::fmt::Write as _;

use duties::model::{DutyAssessment, Status, WaiverStatus};
use duties::{Assessment, Lang};

use crate::{Options, article, counts, due, ordered, t, when};

/// Control characters (and bidi overrides) become visible `\u{..}` escapes.
fn esc(s: &str) -> String {
    let bad = |c: char| {
        (c.is_control() && c != '\n')
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if !s.chars().any(bad) {
        return s.to_owned();
    }
    s.chars()
        .map(|c| {
            if bad(c) {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

struct Painter(bool);

impl Painter {
    fn paint(&self, sgr: &str, s: &str) -> String {
        if self.0 {
            format!("\x1b[{sgr}m{s}\x1b[0m")
        } else {
            s.to_owned()
        }
    }

    fn status(&self, s: Status, text: &str) -> String {
        let sgr = match s {
            Status::NotMet => "1;31",
            Status::PartlyMet | Status::NeedsEvidence => "33",
            Status::Met => "32",
            Status::Waived => "36",
            Status::NotApplicable => "2",
        };
        self.paint(sgr, text)
    }
}

fn mark(s: Status) -> &'static str {
    match s {
        Status::Met => "✓",
        Status::PartlyMet => "◐",
        Status::NotMet => "✗",
        Status::NeedsEvidence => "?",
        Status::NotApplicable => "–",
        Status::Waived => "~",
    }
}

pub(crate) fn render(a: &Assessment, opts: &Options) -> String {
    let lang = opts.lang;
    let p = Painter(opts.color);
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{}",
        p.paint(
            "1",
            &format!(
                "{} — {} ({})",
                t(
                    lang,
                    "网络安全法第三章义务评估",
                    "Cybersecurity Law chapter 3 assessment"
                ),
                esc(&a.operator.name),
                a.operator.kind_label.get(lang)
            )
        )
    );
    let _ = writeln!(
        s,
        "{}",
        p.paint(
            "2",
            &match lang {
                Lang::Zh => format!(
                    "评估日期 {} · 施行文本 {}（{}起）· 取证 {} · 画像 {}（SHA-256 {}）",
                    a.at,
                    a.law.label,
                    a.law.in_force_from,
                    when(a.generated),
                    esc(&a.profile.file),
                    &a.profile.sha256[..a.profile.sha256.len().min(12)]
                ),
                Lang::En => format!(
                    "assessed {} · law in force {} (from {}) · evidence gathered {} · profile {} (SHA-256 {})",
                    a.at,
                    a.law.label,
                    a.law.in_force_from,
                    when(a.generated),
                    esc(&a.profile.file),
                    &a.profile.sha256[..a.profile.sha256.len().min(12)]
                ),
            }
        )
    );
    let _ = writeln!(s);
    let sum = &a.summary;
    let _ = writeln!(
        s,
        "{} {}",
        p.paint(
            "1",
            &match lang {
                Lang::Zh => format!("{}项义务中{}项适用：", a.duties.len(), sum.applicable),
                Lang::En => format!(
                    "{} duties, {} apply to this operator:",
                    a.duties.len(),
                    sum.applicable
                ),
            }
        ),
        counts(a, lang)
    );
    if sum.overdue > 0 {
        let _ = writeln!(
            s,
            "{}",
            p.paint(
                "1;31",
                &match lang {
                    Lang::Zh => format!("{}项义务的法定时限已过。", sum.overdue),
                    Lang::En => format!(
                        "{} dut{} past a legal deadline.",
                        sum.overdue,
                        if sum.overdue == 1 { "y is" } else { "ies are" }
                    ),
                }
            )
        );
    }
    if sum.integrity_failed {
        let _ = writeln!(
            s,
            "{}",
            p.paint(
                "1;31",
                t(
                    lang,
                    "日志库未通过完整性校验。",
                    "A vault fails verification."
                )
            )
        );
    }
    if crate::all_clear(a) {
        let _ = writeln!(
            s,
            "{}",
            p.paint(
                "32",
                t(
                    lang,
                    "所有适用的义务均已履行或已豁免。",
                    "Every applicable duty is met or waived."
                )
            )
        );
    }

    let duties = ordered(a);
    let open: Vec<&DutyAssessment> = duties
        .iter()
        .copied()
        .filter(|d| d.status.is_open())
        .collect();
    for d in &open {
        let _ = writeln!(s);
        duty(&mut s, d, lang, &p);
    }

    let group = |st: Status| -> Vec<&DutyAssessment> {
        duties.iter().copied().filter(|d| d.status == st).collect()
    };
    for st in [Status::Waived, Status::Met, Status::NotApplicable] {
        let g = group(st);
        if g.is_empty() {
            continue;
        }
        let _ = writeln!(s);
        let _ = writeln!(
            s,
            "{}",
            p.status(st, &format!("{} ({})", st.label().get(lang), g.len()))
        );
        for d in g {
            let extra = match st {
                Status::Waived => d.waiver.as_ref().map(|w| match lang {
                    Lang::Zh => format!("至{}，负责人 {}", w.expires, esc(&w.owner)),
                    Lang::En => format!("until {}, owner {}", w.expires, esc(&w.owner)),
                }),
                Status::NotApplicable => None,
                _ => None,
            };
            let _ = writeln!(
                s,
                "  {} {:<38} {}{}",
                p.status(st, mark(st)),
                d.id,
                d.title.get(lang),
                extra.map(|e| format!(" — {e}")).unwrap_or_default()
            );
        }
    }

    if !a.waivers.is_empty() {
        let _ = writeln!(s);
        let _ = writeln!(s, "{}", p.paint("1", t(lang, "豁免", "Waivers")));
        for w in &a.waivers {
            let state = match (w.state, lang) {
                (WaiverStatus::Active, Lang::Zh) => "有效",
                (WaiverStatus::Active, Lang::En) => "in force",
                (WaiverStatus::Expired, Lang::Zh) => "已到期，重新判断",
                (WaiverStatus::Expired, Lang::En) => "expired: decided again",
                (WaiverStatus::NotYetGranted, Lang::Zh) => "尚未批准",
                (WaiverStatus::NotYetGranted, Lang::En) => "not yet granted",
                (WaiverStatus::NotApplicable, Lang::Zh) => "义务不适用",
                (WaiverStatus::NotApplicable, Lang::En) => "duty does not apply",
            };
            let _ = writeln!(
                s,
                "  {} · {} {} · {} {} · {}: {}",
                w.duty,
                t(lang, "负责人", "owner"),
                esc(&w.owner),
                t(lang, "到期", "expires"),
                w.expires,
                state,
                esc(&w.reason)
            );
        }
    }
    if !a.logs.undeclared.is_empty() {
        let _ = writeln!(s);
        let names: Vec<String> = a
            .logs
            .undeclared
            .iter()
            .map(|u| format!("{} ({})", esc(&u.name), esc(&u.vault)))
            .collect();
        let _ = writeln!(
            s,
            "{} {}",
            p.paint(
                "33",
                t(
                    lang,
                    "画像未声明的日志来源：",
                    "Log sources the profile does not declare:"
                )
            ),
            names.join(", ")
        );
    }
    let _ = writeln!(s);
    for n in &a.notes {
        let _ = writeln!(s, "{}", p.paint("2", n.get(lang)));
    }
    s
}

fn duty(s: &mut String, d: &DutyAssessment, lang: Lang, p: &Painter) {
    let late = if d.overdue {
        p.paint("1;31", t(lang, " 【已逾期】", " [OVERDUE]"))
    } else {
        String::new()
    };
    let _ = writeln!(
        s,
        "{} {} {}  {}  {}{}",
        p.status(d.status, mark(d.status)),
        p.status(d.status, d.status.label().get(lang)),
        p.paint("36", d.id),
        article(d, lang),
        d.title.get(lang),
        late
    );
    let _ = writeln!(s, "    {}", esc(d.reason.get(lang)));
    for f in d
        .findings
        .iter()
        .filter(|f| f.level >= duties::model::Level::Warning)
        .skip(1)
        .take(4)
    {
        let _ = writeln!(s, "    {}", esc(f.text.get(lang)));
    }
    let more = d
        .findings
        .iter()
        .filter(|f| f.level >= duties::model::Level::Warning)
        .count()
        .saturating_sub(5);
    if more > 0 {
        let _ = writeln!(
            s,
            "    {}",
            p.paint(
                "2",
                &match lang {
                    Lang::Zh => format!("……另有{more}项，见完整报告（--format html）"),
                    Lang::En => format!("… and {more} more in the full report (--format html)"),
                }
            )
        );
    }
    for c in d
        .clocks
        .iter()
        .filter(|c| c.overdue || c.days_left.is_some())
    {
        if let Some(dd) = due(c, lang) {
            let _ = writeln!(
                s,
                "    {} {}: {}",
                t(lang, "时限", "clock"),
                esc(c.what.get(lang)),
                if c.overdue { p.paint("31", &dd) } else { dd }
            );
        }
    }
    for r in d.remediation.iter().take(3) {
        let _ = writeln!(s, "    → {}", esc(r.get(lang)));
    }
    for pen in &d.penalties {
        let cite = match lang {
            Lang::Zh => pen
                .zh
                .as_ref()
                .map(|z| format!("{} {z}", version_label(pen.version))),
            Lang::En => pen.citation.clone(),
        }
        .unwrap_or_else(|| {
            format!(
                "{} {}",
                version_label(pen.version),
                t(lang, "无专门罚则", "no penalty of its own")
            )
        });
        let _ = writeln!(
            s,
            "    {} {}{}",
            p.paint("2", t(lang, "罚则", "penalty")),
            cite,
            pen.note
                .as_ref()
                .map(|n| format!(" — {}", n.get(lang)))
                .unwrap_or_default()
        );
    }
}

fn version_label(key: &str) -> &'static str {
    match key {
        "2016" => "CSL-2016",
        _ => "CSL-2025",
    }
}
