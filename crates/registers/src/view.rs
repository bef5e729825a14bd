//! The JSON shapes of records, lists and clocks (each with a `schema` key
//! naming its versioned shape), built with personal data masked. The
//! command line prints them with `--json`; a console can serve them as they
//! are.

use serde::Serialize;
use serde_json::{Map, Value};
use time::OffsetDateTime;

use crate::clock::{Deadline, DeadlineKind, OperatorKind, Recipient, State};
use crate::rules::{self, Finding};
use crate::schema::{DataExt, Register, masked};
use crate::settings::Settings;
use crate::store::{HistoryEntry, Page, Record, Sweep};
use crate::text::{Msg, Provenance};
use crate::when::{fmt_date, fmt_datetime};

/// A deadline and where it stands.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeadlineView {
    /// Which clock.
    pub kind: DeadlineKind,
    /// Who receives the report.
    pub recipient: Option<Recipient>,
    /// Due time, RFC 3339 with the offset of the event that started it.
    pub due: Option<String>,
    /// For deadlines on a whole day: the day.
    pub due_date: Option<String>,
    /// When it was done.
    pub done_at: Option<String>,
    /// `pending`, `overdue`, `met`, `late`, `not-started`, `missing`.
    pub state: &'static str,
    /// Seconds left (pending).
    pub left_seconds: Option<i64>,
    /// Seconds past due (overdue) or done late (late).
    pub overdue_seconds: Option<i64>,
    /// Where it stands, as people say it.
    pub status_text: Msg,
    /// What must happen.
    pub rule: Msg,
    /// Where the rule comes from.
    pub basis: Msg,
    /// `verified`, `secondary`, `unverified`, `ours`.
    pub provenance: Provenance,
    /// The duty (id of the `law` crate).
    pub duty: &'static str,
}

/// A deadline as seen at `now`.
pub fn deadline_view(d: &Deadline, now: OffsetDateTime) -> DeadlineView {
    let st = d.state(now);
    let (left, over) = match st {
        State::Pending(l) => (Some(l.whole_seconds()), None),
        State::Overdue(o) | State::Late(o) => (None, Some(o.whole_seconds())),
        _ => (None, None),
    };
    DeadlineView {
        kind: d.kind,
        recipient: d.recipient,
        due: d.due.map(fmt_datetime),
        due_date: d.due_date.map(fmt_date),
        done_at: d.done_at.map(fmt_datetime),
        state: st.key(),
        left_seconds: left,
        overdue_seconds: over,
        status_text: st.text(),
        rule: d.rule.clone(),
        basis: d.basis.clone(),
        provenance: d.provenance,
        duty: d.duty,
    }
}

/// One record, personal data masked, with its deadlines and findings.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecordView {
    /// `wangan.<register>/1`, e.g. `wangan.incident/1`.
    pub schema: String,
    /// The register's key.
    pub register: Register,
    /// `INC-1`.
    pub id: String,
    /// The record's revision.
    pub revision: u64,
    /// The fields, at the top level (`grade`, `discovered_at`, …).
    #[serde(flatten)]
    pub data: Map<String, Value>,
    /// When the record was created.
    pub created_at: String,
    /// Who created it.
    pub created_by: String,
    /// When the latest revision was recorded.
    pub updated_at: String,
    /// Who recorded it.
    pub updated_by: String,
    /// The latest change's hash.
    pub hash: String,
    /// The operator kind the clocks were computed for.
    pub operator_kind: OperatorKind,
    /// The time the clocks were read at.
    pub clocks_at: String,
    /// Deadlines and where they stand.
    pub deadlines: Vec<DeadlineView>,
    /// Problems without a clock.
    pub findings: Vec<Finding>,
    /// Extra checks (the catalog check of equipment, the MLPS grading).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check: Option<Value>,
    /// Every revision (with `show`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<Vec<HistoryEntry>>,
    /// Whether personal data is shown unmasked (`show --reveal`).
    pub personal_data: &'static str,
}

/// The JSON keys a record view uses besides its fields; no field may be
/// named so.
pub const RESERVED_KEYS: &[&str] = &[
    "schema",
    "register",
    "id",
    "revision",
    "created_at",
    "created_by",
    "updated_at",
    "updated_by",
    "hash",
    "operator_kind",
    "clocks_at",
    "deadlines",
    "findings",
    "check",
    "history",
    "personal_data",
];

/// Build the view of a record.
pub fn record_view(
    rec: &Record,
    kind: OperatorKind,
    s: &Settings,
    now: OffsetDateTime,
    history: Option<Vec<HistoryEntry>>,
    reveal: bool,
) -> RecordView {
    let reg = rec.register;
    let deadlines = rules::deadlines(reg, &rec.data, kind, s)
        .iter()
        .map(|d| deadline_view(d, now))
        .collect();
    let check = match reg {
        Register::Equipment => serde_json::to_value(rules::catalog_check(&rec.data, s)).ok(),
        Register::Mlps => {
            rules::mlps_grading(&rec.data, s).and_then(|g| serde_json::to_value(g).ok())
        }
        Register::Incident => {
            let measures: Vec<crate::grade::Measure> = rec
                .data
                .count("pi_people")
                .map(|n| crate::grade::Measure {
                    key: "pi_people".into(),
                    value: n as f64,
                })
                .into_iter()
                .collect();
            if measures.is_empty() {
                None
            } else {
                crate::grade::suggest(&measures, s)
                    .ok()
                    .and_then(|g| serde_json::to_value(g).ok())
            }
        }
        _ => None,
    };
    RecordView {
        schema: format!("wangan.{}/1", reg.key()),
        register: reg,
        id: rec.id.clone(),
        revision: rec.revision,
        data: if reveal {
            rec.data.clone()
        } else {
            masked(reg, &rec.data)
        },
        created_at: rec.created_at.clone(),
        created_by: rec.created_by.clone(),
        updated_at: rec.updated_at.clone(),
        updated_by: rec.updated_by.clone(),
        hash: rec.hash.clone(),
        operator_kind: kind,
        clocks_at: fmt_datetime(now),
        deadlines,
        findings: rules::findings(reg, &rec.data, kind, s),
        check,
        history,
        personal_data: if reveal { "revealed" } else { "masked" },
    }
}

/// One line of a list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ListItem {
    /// `INC-1`.
    pub id: String,
    /// The record's revision.
    pub revision: u64,
    /// The one-line summary (masked).
    pub summary: String,
    /// The record's date (its dating field).
    pub date: Option<String>,
    /// Whether it still asks for something.
    pub open: bool,
    /// The most urgent open deadline.
    pub next: Option<DeadlineView>,
    /// How many findings it has.
    pub findings: usize,
    /// When it was last changed.
    pub updated_at: String,
}

/// A page of a register.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ListView {
    /// `wangan.<register>.list/1`.
    pub schema: String,
    /// The register.
    pub register: Register,
    /// Records matching in all.
    pub total: u64,
    /// Skipped.
    pub offset: u64,
    /// Asked for.
    pub limit: u64,
    /// This page, newest first.
    pub items: Vec<ListItem>,
}

/// The most urgent open deadline of a set.
pub fn most_urgent(ds: &[Deadline], now: OffsetDateTime) -> Option<&Deadline> {
    ds.iter()
        .filter(|d| d.state(now).is_open())
        .min_by_key(|d| d.due.map(|t| t.unix_timestamp()).unwrap_or(i64::MIN))
}

/// Build the view of a page.
pub fn list_view(
    reg: Register,
    page: &Page,
    offset: u64,
    limit: u64,
    kind: OperatorKind,
    s: &Settings,
    now: OffsetDateTime,
) -> ListView {
    let items = page
        .items
        .iter()
        .map(|r| {
            let ds = rules::deadlines(reg, &r.data, kind, s);
            ListItem {
                id: r.id.clone(),
                revision: r.revision,
                summary: reg.summary(&r.data),
                date: reg
                    .date_field()
                    .and_then(|k| r.data.text(k))
                    .map(str::to_owned),
                open: rules::is_open(reg, &r.data),
                next: most_urgent(&ds, now).map(|d| deadline_view(d, now)),
                findings: rules::findings(reg, &r.data, kind, s).len(),
                updated_at: r.updated_at.clone(),
            }
        })
        .collect();
    ListView {
        schema: format!("wangan.{}.list/1", reg.key()),
        register: reg,
        total: page.total,
        offset,
        limit,
        items,
    }
}

/// One open deadline of the sweep.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SweepItemView {
    /// The register.
    pub register: Register,
    /// The record (`null` for a register-wide clock such as the next drill).
    pub id: Option<String>,
    /// The record's summary (masked).
    pub summary: String,
    /// The deadline.
    pub deadline: DeadlineView,
}

/// One finding of the sweep.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SweepFindingView {
    /// The register.
    pub register: Register,
    /// The record.
    pub id: String,
    /// The record's summary (masked).
    pub summary: String,
    /// What is wrong.
    pub finding: Finding,
}

/// Every open clock and finding.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SweepView {
    /// `wangan.registers.clocks/1`.
    pub schema: &'static str,
    /// When the clocks were read.
    pub at: String,
    /// The operator kind.
    pub operator_kind: OperatorKind,
    /// Open deadlines, most urgent first.
    pub items: Vec<SweepItemView>,
    /// Findings.
    pub findings: Vec<SweepFindingView>,
    /// Overdue or missing items.
    pub overdue: usize,
}

/// Build the sweep's view.
pub fn sweep_view(sw: &Sweep, kind: OperatorKind, now: OffsetDateTime) -> SweepView {
    let items: Vec<SweepItemView> = sw
        .items
        .iter()
        .map(|i| SweepItemView {
            register: i.register,
            id: i.id.clone(),
            summary: i.summary.clone(),
            deadline: deadline_view(&i.deadline, now),
        })
        .collect();
    SweepView {
        schema: "wangan.registers.clocks/1",
        at: fmt_datetime(now),
        operator_kind: kind,
        overdue: items
            .iter()
            .filter(|i| matches!(i.deadline.state, "overdue" | "missing"))
            .count(),
        items,
        findings: sw
            .findings
            .iter()
            .map(|f| SweepFindingView {
                register: f.register,
                id: f.id.clone(),
                summary: f.summary.clone(),
                finding: f.finding.clone(),
            })
            .collect(),
    }
}

/// The MLPS grading as printed by `wangan mlps grade --json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GradeView {
    /// `wangan.mlps.grade/1`.
    pub schema: &'static str,
    /// The grading.
    #[serde(flatten)]
    pub grading: crate::mlps::Grading,
}

/// The incident grading helper's suggestion (`wangan incident grade --json`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SuggestionView {
    /// `wangan.incident.grade/1`.
    pub schema: &'static str,
    /// The suggestion.
    #[serde(flatten)]
    pub suggestion: crate::grade::Suggestion,
}
