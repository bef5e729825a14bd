//! The versioned JSON documents of `wangan law … --json`, as types.
//!
//! Each document is a contract: its shape is named by its `schema` field
//! (`wangan.law.list/1`, `wangan.law.show/1`, `wangan.law.diff/1`,
//! `wangan.law.search/1`) and only changes with that name. The fields of
//! every type are declared in sorted order, so the bytes are those of a
//! sorted `serde_json::Value` and stay as they were when the documents were
//! built by hand.
//!
//! The constructors take the crate's own values ([`Duty`], [`Loc`],
//! [`Counterpart`], [`Hit`]); a caller decides what to show and serialises.

use std::collections::BTreeMap;

use serde::Serialize;
use serde::ser::SerializeStruct;
use time::Date;

use crate::{
    Bearer, Clock, Counterpart, Duty, Evidence, Hit, Loc, Op, Penalty, Text, Version, diff,
};

/// The schema name of [`List`].
pub const LIST_SCHEMA: &str = "wangan.law.list/1";
/// The schema name of [`Show`].
pub const SHOW_SCHEMA: &str = "wangan.law.show/1";
/// The schema name of [`Diff`].
pub const DIFF_SCHEMA: &str = "wangan.law.diff/1";
/// The schema name of [`Search`].
pub const SEARCH_SCHEMA: &str = "wangan.law.search/1";

/// A [`Text`] is `{"en": …, "zh": …}`.
impl Serialize for Text {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Text", 2)?;
        st.serialize_field("en", self.en)?;
        st.serialize_field("zh", self.zh)?;
        st.end()
    }
}

/// One reference, or several when a provision was split: a string or a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Refs {
    /// One.
    One(String),
    /// Several.
    Many(Vec<String>),
}

impl Refs {
    /// `None` for none, a string for one, a list for several.
    pub fn of(mut refs: Vec<String>) -> Option<Refs> {
        match refs.len() {
            0 => None,
            1 => refs.pop().map(Refs::One),
            _ => Some(Refs::Many(refs)),
        }
    }
}

/// `{"2016": …, "2025": …, "draft": …}`: one value per version, by key.
pub type PerVersion<T> = BTreeMap<&'static str, T>;

/// The document of `wangan law list --json` (schema `wangan.law.list/1`).
#[derive(Debug, Clone, Serialize)]
pub struct List {
    /// The date the version in force was read at (`YYYY-MM-DD`).
    pub at: String,
    /// The bearer filter (`Bearer::key`), if any.
    pub bearer: Option<&'static str>,
    /// One row per duty.
    pub duties: Vec<ListRow>,
    /// The version in force on `at` (`Version::key`).
    pub in_force: &'static str,
    /// Always [`LIST_SCHEMA`].
    pub schema: &'static str,
    /// The version the articles are numbered in.
    pub version: &'static str,
}

/// One duty in [`List`].
#[derive(Debug, Clone, Serialize)]
pub struct ListRow {
    /// Where the duty is written in the chosen version (`null`: not in it).
    pub article: Option<String>,
    /// Who bears it (`Bearer::key`).
    pub bearer: &'static str,
    /// The duty id.
    pub id: &'static str,
    /// `Kind::key`.
    pub kind: &'static str,
    /// The section id.
    pub section: &'static str,
    /// The title in both languages.
    pub title: Text,
}

impl List {
    /// The list of `duties` numbered in `version`, read at `at`.
    pub fn new(
        version: Version,
        at: Date,
        in_force: Version,
        bearer: Option<Bearer>,
        duties: &[&Duty],
    ) -> List {
        List {
            at: at.to_string(),
            bearer: bearer.map(Bearer::key),
            duties: duties
                .iter()
                .map(|d| ListRow {
                    article: d.source(version).map(|l| l.to_string()),
                    bearer: d.bearer.key(),
                    id: d.id,
                    kind: d.kind.key(),
                    section: d.section().id(),
                    title: d.title,
                })
                .collect(),
            in_force: in_force.key(),
            schema: LIST_SCHEMA,
            version: version.key(),
        }
    }
}

/// A clock of a duty.
#[derive(Debug, Clone, Serialize)]
pub struct ClockRecord {
    /// Where the clock comes from.
    pub basis: Text,
    /// ISO 8601 duration, for the rules that have one.
    pub period: Option<String>,
    /// `ClockRule::key`.
    pub rule: &'static str,
    /// `Status::key`.
    pub status: &'static str,
    /// What must happen.
    pub what: Text,
}

impl From<&Clock> for ClockRecord {
    fn from(c: &Clock) -> Self {
        ClockRecord {
            basis: c.basis,
            period: c.rule.period().map(|p| p.iso8601()),
            rule: c.rule.key(),
            status: c.status.key(),
            what: c.what,
        }
    }
}

/// A penalty of a duty.
#[derive(Debug, Clone, Serialize)]
pub struct PenaltyRecord {
    /// The article, e.g. `59`.
    pub article: Option<String>,
    /// The citation, e.g. `CSL-2016 59¶1`.
    pub citation: Option<String>,
    /// What the penalty is, in our words.
    pub note: Option<Text>,
    /// The provisions, e.g. `59¶1`.
    pub provisions: Vec<String>,
    /// `Status::key`.
    pub status: &'static str,
    /// The law's text of the provisions (Chinese).
    pub text: Option<String>,
    /// `Version::key`.
    pub version: &'static str,
    /// The Chinese citation.
    pub zh: Option<String>,
}

impl From<&Penalty> for PenaltyRecord {
    fn from(p: &Penalty) -> Self {
        PenaltyRecord {
            article: p.article(),
            citation: p.label(),
            note: p.note,
            provisions: p.provisions.iter().map(ToString::to_string).collect(),
            status: p.status.key(),
            text: p.text(),
            version: p.version.key(),
            zh: p.zh(),
        }
    }
}

/// What proves a duty is met: `{"type": "auto", "capability", "what"}` or
/// `{"type": "supplied", "what"}`.
#[derive(Debug, Clone, Serialize)]
pub struct EvidenceRecord {
    /// The capability that gathers it (`auto` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capability: Option<&'static str>,
    /// `auto` or `supplied`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// What it is.
    pub what: Text,
}

impl From<&Evidence> for EvidenceRecord {
    fn from(e: &Evidence) -> Self {
        match *e {
            Evidence::Auto { capability, what } => EvidenceRecord {
                capability: Some(capability.key()),
                kind: "auto",
                what,
            },
            Evidence::Supplied { what } => EvidenceRecord {
                capability: None,
                kind: "supplied",
                what,
            },
        }
    }
}

/// What changed since the draft.
#[derive(Debug, Clone, Serialize)]
pub struct SinceDraft {
    /// `Change::key`.
    pub change: &'static str,
    /// The change in words.
    pub note: Text,
}

/// A duty with every field, as in `wangan.law.show/1` and `wangan.law.export/1`.
#[derive(Debug, Clone, Serialize)]
pub struct DutyRecord {
    /// Where it is written in each version (`null`: not in that text).
    pub articles: PerVersion<Option<String>>,
    /// `Bearer::key`.
    pub bearer: &'static str,
    /// Retention periods, recurrences and deadlines.
    pub clocks: Vec<ClockRecord>,
    /// What proves it is met.
    pub evidence: Vec<EvidenceRecord>,
    /// The duty id.
    pub id: &'static str,
    /// `Kind::key`.
    pub kind: &'static str,
    /// The liability articles.
    pub penalties: Vec<PenaltyRecord>,
    /// The section id.
    pub section: &'static str,
    /// What changed since the draft.
    pub since_draft: SinceDraft,
    /// The summary.
    pub summary: Text,
    /// The title.
    pub title: Text,
}

/// `{"2016": "21(3)", "2025": "23(3)", "draft": "17(3)"}`, `null` where none.
pub fn articles(sources: [Option<Loc>; 3]) -> PerVersion<Option<String>> {
    Version::ALL
        .iter()
        .map(|v| (v.key(), sources[v.index()].map(|l| l.to_string())))
        .collect()
}

impl From<&Duty> for DutyRecord {
    fn from(d: &Duty) -> Self {
        DutyRecord {
            articles: articles(d.sources),
            bearer: d.bearer.key(),
            clocks: d.clocks.iter().map(ClockRecord::from).collect(),
            evidence: d.evidence.iter().map(EvidenceRecord::from).collect(),
            id: d.id,
            kind: d.kind.key(),
            penalties: d.penalties.iter().map(PenaltyRecord::from).collect(),
            section: d.section().id(),
            since_draft: SinceDraft {
                change: d.since_draft.key(),
                note: d.change_note,
            },
            summary: d.summary,
            title: d.title,
        }
    }
}

/// A counterpart of a provision in another version.
#[derive(Debug, Clone, Serialize)]
pub struct CounterpartRecord {
    /// `Fit::key`.
    pub fit: &'static str,
    /// A note where the provision was split, merged, added or dropped.
    pub note: Option<Text>,
    /// The counterpart, e.g. `21(3)`.
    #[serde(rename = "ref")]
    pub reference: String,
}

impl From<&Counterpart> for CounterpartRecord {
    fn from(c: &Counterpart) -> Self {
        CounterpartRecord {
            fit: c.fit.key(),
            note: c.note,
            reference: c.loc.to_string(),
        }
    }
}

/// The document of `wangan law show --json` (schema `wangan.law.show/1`).
#[derive(Debug, Clone, Serialize)]
pub struct Show {
    /// The counterparts of the provision in every version: a string for
    /// one, a list when split, `null` for none.
    pub articles: PerVersion<Option<Refs>>,
    /// The date of the facts (`YYYY-MM-DD`).
    pub at: String,
    /// The citation(s), joined with ` + `.
    pub citation: String,
    /// The counterparts in every version, with fit and notes.
    pub counterparts: PerVersion<Vec<CounterpartRecord>>,
    /// The duties written there, with every field.
    pub duties: Vec<DutyRecord>,
    /// The duty ids: a string for one, a list for several, `null` for none.
    pub duty: Option<Refs>,
    /// The version in force on `at`.
    pub in_force: &'static str,
    /// Notes on splits, merges, additions and removals.
    pub notes: Vec<Text>,
    /// The reference as the user wrote it.
    pub query: String,
    /// The provision(s) shown (`Loc::key`): a string, or a list when split.
    #[serde(rename = "ref")]
    pub reference: Refs,
    /// Always [`SHOW_SCHEMA`].
    pub schema: &'static str,
    /// The section id.
    pub section: Option<&'static str>,
    /// The law's text (always Chinese).
    pub text: String,
    /// The version shown.
    pub version: &'static str,
    /// The Chinese citation(s), joined with `、`.
    pub zh: String,
}

/// What [`Show::new`] shows: the provision(s) in the version shown.
#[derive(Debug, Clone, Copy)]
pub struct ShowInput<'a> {
    /// The reference as the user wrote it.
    pub query: &'a str,
    /// The date of the facts.
    pub at: Date,
    /// The version in force on `at`.
    pub in_force: Version,
    /// The version shown.
    pub version: Version,
    /// The provision(s) shown (several when split; at least one).
    pub shown: &'a [Counterpart],
    /// The duties written there.
    pub duties: &'a [&'a Duty],
    /// The notes to show.
    pub notes: &'a [Text],
}

impl Show {
    /// The document for `input`; the numbering maps are read from the
    /// first provision shown.
    pub fn new(input: ShowInput<'_>) -> Option<Show> {
        let loc = input.shown.first()?.loc;
        let refs: Vec<String> = input.shown.iter().map(|c| c.loc.key()).collect();
        let reference = Refs::of(refs)?;
        Some(Show {
            articles: Version::ALL
                .iter()
                .map(|&v| {
                    let refs = crate::counterparts(loc, v)
                        .iter()
                        .map(|c| c.loc.to_string())
                        .collect();
                    (v.key(), Refs::of(refs))
                })
                .collect(),
            at: input.at.to_string(),
            citation: input
                .shown
                .iter()
                .map(|c| c.loc.label())
                .collect::<Vec<_>>()
                .join(" + "),
            counterparts: Version::ALL
                .iter()
                .map(|&v| {
                    let cs = crate::counterparts(loc, v);
                    (v.key(), cs.iter().map(CounterpartRecord::from).collect())
                })
                .collect(),
            duties: input.duties.iter().map(|d| DutyRecord::from(*d)).collect(),
            duty: Refs::of(input.duties.iter().map(|d| d.id.to_owned()).collect()),
            in_force: input.in_force.key(),
            notes: input.notes.to_vec(),
            query: input.query.to_owned(),
            reference,
            schema: SHOW_SCHEMA,
            section: loc.section().map(crate::Section::id),
            text: input
                .shown
                .iter()
                .filter_map(|c| c.loc.text())
                .collect::<Vec<_>>()
                .join("\n"),
            version: input.version.key(),
            zh: input
                .shown
                .iter()
                .map(|c| c.loc.zh())
                .collect::<Vec<_>>()
                .join("、"),
        })
    }
}

/// The document of `wangan law diff --json` (schema `wangan.law.diff/1`).
#[derive(Debug, Clone, Serialize)]
pub struct Diff {
    /// The provision in each version, joined with ` + ` when split.
    pub articles: PerVersion<Option<String>>,
    /// The reference as the user wrote it.
    pub query: String,
    /// The provision resolved (`Loc::key`).
    #[serde(rename = "ref")]
    pub reference: String,
    /// Always [`DIFF_SCHEMA`].
    pub schema: &'static str,
    /// Draft → CSL-2016, CSL-2016 → CSL-2025.
    pub steps: Vec<DiffStep>,
    /// The law's text in each version (`null`: none).
    pub texts: PerVersion<Option<String>>,
}

/// One step of [`Diff`].
#[derive(Debug, Clone, Serialize)]
pub struct DiffStep {
    /// Whether any segment is not `equal`.
    pub changed: bool,
    /// The older version.
    pub from: &'static str,
    /// The provision in the older version.
    pub from_ref: Option<String>,
    /// The character-level diff (empty unless both texts exist).
    pub segments: Vec<DiffSegment>,
    /// The newer version.
    pub to: &'static str,
    /// The provision in the newer version.
    pub to_ref: Option<String>,
}

/// One piece of a character-level diff.
#[derive(Debug, Clone, Serialize)]
pub struct DiffSegment {
    /// `equal`, `delete` or `insert`.
    pub op: &'static str,
    /// The text.
    pub text: String,
}

/// The text of some provisions, joined by lines (`None`: none has one).
fn body(locs: &[Loc]) -> Option<String> {
    let parts: Vec<String> = locs.iter().filter_map(|l| l.body()).collect();
    (!parts.is_empty()).then(|| parts.join("\n"))
}

/// Some provisions as one reference (` + ` between them; `None`: none).
fn refs(locs: &[Loc]) -> Option<String> {
    (!locs.is_empty()).then(|| {
        locs.iter()
            .map(|l| l.to_string())
            .collect::<Vec<_>>()
            .join(" + ")
    })
}

impl Diff {
    /// The document for the provision `loc` (asked for as `query`), given
    /// where it stands in each version, oldest first.
    pub fn new(query: &str, loc: Loc, per_version: &[(Version, Vec<Loc>)]) -> Diff {
        Diff {
            articles: per_version
                .iter()
                .map(|(v, locs)| (v.key(), refs(locs)))
                .collect(),
            query: query.to_owned(),
            reference: loc.key(),
            schema: DIFF_SCHEMA,
            steps: per_version
                .windows(2)
                .map(|w| {
                    let ((fv, fl), (tv, tl)) = (&w[0], &w[1]);
                    let segments: Vec<DiffSegment> = match (body(fl), body(tl)) {
                        (Some(old), Some(new)) => diff(&old, &new)
                            .into_iter()
                            .map(|seg| DiffSegment {
                                op: seg.op.key(),
                                text: seg.text,
                            })
                            .collect(),
                        _ => Vec::new(),
                    };
                    DiffStep {
                        changed: segments.iter().any(|s| s.op != Op::Equal.key()),
                        from: fv.key(),
                        from_ref: refs(fl),
                        segments,
                        to: tv.key(),
                        to_ref: refs(tl),
                    }
                })
                .collect(),
            texts: per_version
                .iter()
                .map(|(v, locs)| (v.key(), body(locs)))
                .collect(),
        }
    }
}

/// The document of `wangan law search --json` (schema `wangan.law.search/1`).
#[derive(Debug, Clone, Serialize)]
pub struct Search {
    /// The hits: duties first, then the law's text.
    pub hits: Vec<SearchHit>,
    /// The text searched for.
    pub query: String,
    /// Always [`SEARCH_SCHEMA`].
    pub schema: &'static str,
    /// The versions searched.
    pub versions: Vec<&'static str>,
}

/// One hit of [`Search`].
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum SearchHit {
    /// A duty: `{"field", "id", "title", "type": "duty"}`.
    Duty {
        /// Which field matched.
        field: &'static str,
        /// The duty id.
        id: &'static str,
        /// The duty's title.
        title: Text,
        /// Always `duty`.
        #[serde(rename = "type")]
        kind: &'static str,
    },
    /// A line of the law: `{"line", "ref", "type": "text"}`.
    Text {
        /// The line that matched.
        line: &'static str,
        /// The paragraph or item (`Loc::key`).
        #[serde(rename = "ref")]
        reference: String,
        /// Always `text`.
        #[serde(rename = "type")]
        kind: &'static str,
    },
}

impl Search {
    /// The document of `hits` for `query` in `versions`.
    pub fn new(query: &str, versions: &[Version], hits: &[Hit]) -> Search {
        Search {
            hits: hits
                .iter()
                .map(|h| match *h {
                    Hit::Duty { duty, field } => SearchHit::Duty {
                        field,
                        id: duty.id,
                        title: duty.title,
                        kind: "duty",
                    },
                    Hit::Text { loc, line } => SearchHit::Text {
                        line,
                        reference: loc.key(),
                        kind: "text",
                    },
                })
                .collect(),
            query: query.to_owned(),
            schema: SEARCH_SCHEMA,
            versions: versions.iter().map(|v| v.key()).collect(),
        }
    }
}
