//! Exports: the whole chapter as JSON (`wangan.law.export/1`) and the duties
//! as an OSCAL 1.1 catalog.
//!
//! Both are deterministic: no clock, no random numbers. The OSCAL catalog's
//! UUID and `last-modified` are constants that change only with the data.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Value, json};

use crate::json::{CounterpartRecord, DutyRecord};

use crate::{
    Clock, Counterpart, Duty, Evidence, Loc, Penalty, Section, Text, Version, articles,
    counterparts, duties, units,
};

/// The schema key of [`json()`].
pub const JSON_SCHEMA: &str = "wangan.law.export/1";
/// The OSCAL version the catalog follows.
pub const OSCAL_VERSION: &str = "1.1.2";
/// The catalog's fixed UUID (it names this catalog, not a moment).
pub const CATALOG_UUID: &str = "98c1825e-40fe-4375-b7fa-bc82b2c8ec95";
/// The catalog's fixed `last-modified`: the date the 2025 amendment was adopted,
/// the newest fact the data reflects.
pub const LAST_MODIFIED: &str = "2025-10-28T00:00:00Z";
/// The version of the duty data, bumped when duties change.
pub const DATA_VERSION: &str = "1";
/// The namespace of wangan's own OSCAL property names.
pub const OSCAL_NS: &str = "urn:wangan:oscal:law";

/// A record as a JSON value; the records of [`crate::json`] always serialise.
fn value(record: impl serde::Serialize) -> Value {
    serde_json::to_value(record).unwrap_or(Value::Null)
}

/// `{"draft": "17(3)", "2016": "21(3)", "2025": "23(3)"}`, `null` where none.
pub fn articles_json(sources: [Option<Loc>; 3]) -> Value {
    value(crate::json::articles(sources))
}

/// One clock as JSON ([`crate::json::ClockRecord`]).
pub fn clock_json(c: &Clock) -> Value {
    value(crate::json::ClockRecord::from(c))
}

/// One penalty as JSON ([`crate::json::PenaltyRecord`]).
pub fn penalty_json(p: &Penalty) -> Value {
    value(crate::json::PenaltyRecord::from(p))
}

/// One piece of evidence as JSON ([`crate::json::EvidenceRecord`]).
pub fn evidence_json(e: &Evidence) -> Value {
    value(crate::json::EvidenceRecord::from(e))
}

/// One counterpart as JSON ([`crate::json::CounterpartRecord`]).
pub fn counterpart_json(c: &Counterpart) -> Value {
    value(crate::json::CounterpartRecord::from(c))
}

/// A duty with every field, as used in `wangan.law.show/1` and the export
/// ([`crate::json::DutyRecord`]).
pub fn duty_json(d: &Duty) -> Value {
    value(crate::json::DutyRecord::from(d))
}

/// The document of `wangan law export --format json` (schema `wangan.law.export/1`): the
/// whole chapter, every version's articles with paragraphs and items, every unit's
/// counterparts in the other versions, and every duty. Fields in sorted order.
#[derive(Debug, Clone, Serialize)]
pub struct ExportDoc {
    /// Every duty with every field.
    pub duties: Vec<DutyRecord>,
    /// Per provision of each version, its counterparts in the other two.
    pub mapping: Vec<MappingRecord>,
    /// Always [`JSON_SCHEMA`].
    pub schema: &'static str,
    /// The sections (节) of the chapter.
    pub sections: Vec<SectionRecord>,
    /// The three texts.
    pub versions: Vec<VersionRecord>,
}

/// One section (节) of the chapter.
#[derive(Debug, Clone, Serialize)]
pub struct SectionRecord {
    /// `Section::id`.
    pub id: &'static str,
    /// Its title in both languages.
    pub title: Text,
}

/// One text of the law (draft, 2016, 2025) with its articles.
#[derive(Debug, Clone, Serialize)]
pub struct VersionRecord {
    /// The articles of chapter 3 in this text.
    pub articles: Vec<ArticleRecord>,
    /// `Version::key`, e.g. `2016`.
    pub key: &'static str,
    /// `Version::label`.
    pub label: &'static str,
    /// The text's name in both languages.
    pub name: Text,
}

/// One article as written.
#[derive(Debug, Clone, Serialize)]
pub struct ArticleRecord {
    /// The heading as written, e.g. `第二十一条`.
    pub heading: &'static str,
    /// The article number in its text.
    pub number: u16,
    /// The paragraphs (款), in order.
    pub paragraphs: Vec<ParagraphRecord>,
    /// `Section::id` of the section it stands in.
    pub section: &'static str,
}

/// One paragraph (款) of an article.
#[derive(Debug, Clone, Serialize)]
pub struct ParagraphRecord {
    /// The items (项), each with its marker.
    pub items: Vec<&'static str>,
    /// The paragraph's own text.
    pub text: &'static str,
}

/// One provision and its counterparts in the other versions (keyed by `Version::key`).
#[derive(Debug, Clone, Serialize)]
pub struct MappingRecord {
    /// Per other version, the counterparts (empty when it has none).
    pub counterparts: BTreeMap<&'static str, Vec<CounterpartRecord>>,
    /// The provision, e.g. `2016:21(3)`.
    #[serde(rename = "ref")]
    pub reference: String,
}

/// The whole chapter as the typed `wangan.law.export/1` document.
pub fn document() -> ExportDoc {
    let versions = Version::ALL
        .iter()
        .map(|&v| VersionRecord {
            articles: articles(v)
                .iter()
                .map(|a| ArticleRecord {
                    heading: a.heading,
                    number: a.number,
                    paragraphs: a
                        .paragraphs
                        .iter()
                        .map(|p| ParagraphRecord {
                            items: p.items.clone(),
                            text: p.text,
                        })
                        .collect(),
                    section: a.section.id(),
                })
                .collect(),
            key: v.key(),
            label: v.label(),
            name: v.name(),
        })
        .collect();
    let mut mapping = Vec::new();
    for v in Version::ALL {
        for loc in units(v) {
            let counterparts = Version::ALL
                .into_iter()
                .filter(|w| *w != v)
                .map(|w| {
                    (
                        w.key(),
                        counterparts(loc, w)
                            .iter()
                            .map(CounterpartRecord::from)
                            .collect(),
                    )
                })
                .collect();
            mapping.push(MappingRecord {
                counterparts,
                reference: loc.key(),
            });
        }
    }
    ExportDoc {
        duties: duties().iter().map(DutyRecord::from).collect(),
        mapping,
        schema: JSON_SCHEMA,
        sections: Section::ALL
            .iter()
            .map(|s| SectionRecord {
                id: s.id(),
                title: s.title(),
            })
            .collect(),
        versions,
    }
}

/// The whole chapter as a JSON value: [`document`], serialised.
pub fn json() -> Value {
    value(document())
}

fn prop(name: &str, value: impl Into<String>) -> Value {
    json!({ "name": name, "ns": OSCAL_NS, "value": value.into() })
}

fn prop_remarks(name: &str, value: impl Into<String>, class: &str, remarks: String) -> Value {
    json!({ "name": name, "ns": OSCAL_NS, "value": value.into(), "class": class, "remarks": remarks })
}

fn both(t: Text) -> String {
    format!("{} / {}", t.zh, t.en)
}

fn control(d: &Duty) -> Value {
    let mut props = Vec::new();
    if let Some(l) = d.source(Version::Csl2025) {
        props.push(json!({ "name": "label", "value": l.label() }));
    }
    for v in Version::ALL {
        if let Some(l) = d.source(v) {
            props.push(prop(&format!("article-{}", v.key()), l.to_string()));
        }
    }
    props.push(prop("bearer", d.bearer.key()));
    props.push(prop("kind", d.kind.key()));
    props.push(prop("since-draft", d.since_draft.key()));
    for e in d.evidence {
        if let Evidence::Auto { capability, .. } = e {
            props.push(prop("evidence-capability", capability.key()));
        }
    }
    for c in d.clocks {
        let value = c
            .rule
            .period()
            .map_or_else(|| c.rule.key().to_owned(), |p| p.iso8601());
        props.push(prop_remarks(
            "clock",
            value,
            c.rule.key(),
            format!("{} ({}): {}", c.status.key(), both(c.basis), both(c.what)),
        ));
    }
    for p in d.penalties {
        if let Some(article) = p.article() {
            props.push(prop_remarks(
                &format!("penalty-{}", p.version.key()),
                article,
                "penalty",
                match p.note {
                    Some(n) => format!("{}: {}", p.status.key(), both(n)),
                    None => p.status.key().to_owned(),
                },
            ));
        }
    }
    let statement = d
        .source(Version::Csl2025)
        .and_then(Loc::text)
        .unwrap_or_default();
    let mut parts = vec![
        json!({ "id": format!("{}_smt", d.id), "name": "statement", "prose": statement }),
        json!({
            "id": format!("{}_gdn", d.id),
            "name": "guidance",
            "prose": format!("{}\n\n{}", d.summary.zh, d.summary.en),
        }),
    ];
    let evidence: Vec<String> = d
        .evidence
        .iter()
        .map(|e| match e {
            Evidence::Auto { capability, what } => {
                format!("- auto ({}): {}", capability.key(), both(*what))
            }
            Evidence::Supplied { what } => format!("- supplied: {}", both(*what)),
        })
        .collect();
    if !evidence.is_empty() {
        parts.push(json!({
            "id": format!("{}_evd", d.id),
            "name": "assessment-method",
            "prose": evidence.join("\n"),
        }));
    }
    json!({
        "id": d.id,
        "class": "duty",
        "title": format!("{} — {}", d.title.zh, d.title.en),
        "props": props,
        "parts": parts,
    })
}

/// The duties as an OSCAL 1.1 catalog: one group per section (第一节, 第二节),
/// one control per duty (id = duty id), the article numbers per version as
/// props, the CSL-2025 text as the statement. Validated against
/// compliance-trestle in the test suite.
pub fn oscal() -> Value {
    let groups: Vec<Value> = Section::ALL
        .iter()
        .map(|&s| {
            let controls: Vec<Value> = duties()
                .iter()
                .filter(|d| d.section() == s)
                .map(control)
                .collect();
            json!({
                "id": s.id(),
                "class": "section",
                "title": both(s.title()),
                "controls": controls,
            })
        })
        .collect();
    json!({
        "catalog": {
            "uuid": CATALOG_UUID,
            "metadata": {
                "title": "网络安全法 第三章 网络运行安全：义务 — PRC Cybersecurity Law, chapter 3: duties (unofficial)",
                "last-modified": LAST_MODIFIED,
                "version": DATA_VERSION,
                "oscal-version": OSCAL_VERSION,
                "remarks": "Generated by wangan. Article numbers are given for the 2015 draft, CSL-2016 and CSL-2025 (props article-draft, article-2016, article-2025). Facts marked secondary or unverified in the remarks are not confirmed against the primary text.",
            },
            "groups": groups,
        }
    })
}
