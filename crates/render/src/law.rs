//! Chapter 3 for a reader: the duty list, a provision with its duties,
//! the changes across the three texts and search hits, as terminal text.
//! The JSON documents are types of the `law` crate ([`law::json`]).

use std::fmt::Write as _;

use law::json::ShowInput;
use law::{Duty, Evidence, Fit, Hit, Loc, Op, Status, Text, Version};
use time::Date;

use crate::{Lang, Painter, Style, escape};

fn tx(out: Painter, t: Text) -> &'static str {
    match out.lang {
        Lang::Zh => t.zh,
        Lang::En => t.en,
    }
}

/// Pad `s` to `width` terminal columns (CJK characters count two).
pub fn pad(s: &str, width: usize) -> String {
    let w = display_width(s);
    format!("{s}{}", " ".repeat(width.saturating_sub(w)))
}

/// Terminal columns of `s` (CJK and full-width characters count two).
pub fn display_width(s: &str) -> usize {
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

fn colon(out: Painter) -> &'static str {
    out.t("：", ": ")
}

fn status_tag(out: Painter, s: Status) -> String {
    let tag = format!("[{}]", tx(out, s.label()));
    match s {
        Status::Verified => out.paint(Style::Dim, &tag),
        Status::Secondary | Status::Unverified => out.paint(Style::Yellow, &tag),
    }
}

/// The duties `rows`, numbered in `version`, under a heading that says which
/// version is in force on `at`; grouped by section.
pub fn list(version: Version, at: Date, in_force: Version, rows: &[&Duty], out: Painter) -> String {
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
    let _ = writeln!(
        s,
        "{}",
        out.paint(Style::Dim, &in_force_line(out, at, version, in_force))
    );
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
    s
}

fn in_force_line(out: Painter, date: Date, chosen: Version, in_force: Version) -> String {
    if chosen == in_force {
        match out.lang {
            Lang::Zh => format!("按 {date} 施行的文本编号。"),
            Lang::En => format!("Numbered as in force on {date}."),
        }
    } else {
        match out.lang {
            Lang::Zh => format!(
                "按 {} 编号；{date} 施行的是 {}。",
                chosen.label(),
                in_force.label()
            ),
            Lang::En => format!(
                "Numbered as in {}; on {date} the law in force is {}.",
                chosen.label(),
                in_force.label()
            ),
        }
    }
}

/// A provision (one or several when split) as the version shown words it,
/// where it sits in the other versions, the notes, and its duties in full.
pub fn show(input: &ShowInput<'_>, out: Painter) -> String {
    let shown = input.shown;
    let Some(first) = shown.first() else {
        return String::new();
    };
    let loc = first.loc;
    let (date, in_force, version) = (input.at, input.in_force, input.version);
    let duties = input.duties;
    let notes = input.notes;
    let text = shown
        .iter()
        .filter_map(|c| c.loc.text())
        .collect::<Vec<_>>()
        .join("\n");
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
        (true, _, Lang::Zh) => Some(format!(
            "这是2015年草案的文字，仅供历史参考；{date} 施行的是 {}。",
            in_force.label()
        )),
        (true, _, Lang::En) => Some(format!(
            "This is the 2015 draft's wording, historical only; on {date} the law in force is {}.",
            in_force.label()
        )),
        (false, true, Lang::Zh) => Some(format!("注意：{date} 施行的是 {}。", in_force.label())),
        (false, true, Lang::En) => Some(format!(
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
    for n in notes {
        let _ = writeln!(s, "  {}", out.paint(Style::Dim, tx(out, *n)));
    }

    if duties.is_empty() {
        let _ = writeln!(s);
        let _ = writeln!(s, "{}", out.t("此处没有义务。", "No duty is written here."));
    }
    for d in duties {
        let _ = writeln!(s);
        render_duty(&mut s, d, out);
    }
    s
}

fn render_duty(s: &mut String, d: &Duty, out: Painter) {
    let label_w = if out.lang == Lang::Zh { 10 } else { 17 };
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
            (Some(zh), _, Lang::Zh) => format!("{} {zh}", p.version.label()),
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

/// How a provision changed: draft → CSL-2016 → CSL-2025, marked character by
/// character (colour, or `[-deleted-]{+inserted+}` without), then what
/// changed for its duties. `per_version` is where it stands in each version
/// (oldest first); `duty` the duty asked for, if the reference was one.
pub fn diff(
    loc: Loc,
    duty: Option<&'static Duty>,
    per_version: &[(Version, Vec<Loc>)],
    out: Painter,
) -> String {
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
    let duties = match duty {
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
    s
}

/// The hits of a search for `query`: duties, then lines of the law, the
/// query highlighted when colour is on.
pub fn search(query: &str, hits: &[Hit], out: Painter) -> String {
    let mut s = String::new();
    let shown = escape(query.trim(), false);
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
        return s;
    }
    let highlight = |line: &str| -> String {
        if !out.color {
            return line.to_owned();
        }
        let q = query.trim();
        line.replace(q, &out.paint(Style::Yellow, q))
    };
    let mut last_kind = "";
    for h in hits {
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
    s
}
