//! The versioned JSON shapes that the register commands print besides the
//! record views of [`crate::view`]: stable contracts for scripts and other
//! tools.
//!
//! Each type serialises to one shape with its schema name in the `schema`
//! field (also in its documentation and, for the top-level shapes, in its
//! `SCHEMA` constant). The command-line front end only fills these in and
//! serialises them; the contract tests keep an example of each
//! (`crates/wangan/tests/contracts/registers.rs`).

use serde::Serialize;

use crate::report::ReportKind;
use crate::view::RecordView;
use crate::{AnchorOutcome, Location, OperatorKind, RegisterCount};

/// `wangan.incident.report/1`: a report draft was written to a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "schema", rename = "wangan.incident.report/1")]
pub struct IncidentReport {
    /// The incident's id.
    pub id: String,
    /// The revision of the incident the draft was made from.
    pub revision: u64,
    /// `initial` (初报) or `summary` (总结报告).
    pub kind: &'static str,
    /// `markdown`, `html` or `docx`.
    pub format: String,
    /// The file written, as given.
    pub output: String,
    /// Its size in bytes.
    pub bytes: usize,
    /// SHA-256 of the file, hex.
    pub sha256: String,
}

impl IncidentReport {
    /// Schema name.
    pub const SCHEMA: &'static str = "wangan.incident.report/1";

    /// The name of a report kind in this shape.
    pub fn kind_name(kind: ReportKind) -> &'static str {
        match kind {
            ReportKind::Initial => "initial",
            ReportKind::Summary => "summary",
        }
    }
}

/// `wangan.registers.status/1` when registers exist at the location.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "schema", rename = "wangan.registers.status/1")]
pub struct Status {
    /// Where the registers are (a database URL without its password, or a file).
    pub location: String,
    /// `sqlite` or `postgres`.
    pub backend: &'static str,
    /// Always `true` (see [`StatusMissing`]).
    pub exists: bool,
    /// The store's id (the anchors in the vault name it).
    pub store: String,
    /// Version of the store's SQL schema.
    pub schema_version: u32,
    /// Records per register.
    pub registers: Vec<RegisterCount>,
    /// Changes not yet anchored in the vault.
    pub anchors_pending: u64,
    /// When the oldest of them was made (RFC 3339), if any.
    pub pending_since: Option<String>,
    /// The operator kind the clocks were computed for.
    pub operator_kind: OperatorKind,
}

impl Status {
    /// Schema name.
    pub const SCHEMA: &'static str = "wangan.registers.status/1";

    /// The status of the registers at `location`.
    pub fn new(
        location: &Location,
        store: &str,
        schema_version: u32,
        registers: Vec<RegisterCount>,
        pending: (u64, Option<String>),
        operator_kind: OperatorKind,
    ) -> Status {
        Status {
            location: location.display(),
            backend: location.kind(),
            exists: true,
            store: store.to_owned(),
            schema_version,
            registers,
            anchors_pending: pending.0,
            pending_since: pending.1,
            operator_kind,
        }
    }
}

/// `wangan.registers.status/1` when there are no registers at the location.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "schema", rename = "wangan.registers.status/1")]
pub struct StatusMissing {
    /// Where the registers would be.
    pub location: String,
    /// Always `false`.
    pub exists: bool,
}

impl StatusMissing {
    /// The status of a location without registers.
    pub fn new(location: &Location) -> StatusMissing {
        StatusMissing {
            location: location.display(),
            exists: false,
        }
    }
}

/// `wangan.registers.anchor/1` as printed after anchoring: what was
/// anchored now. (The anchor event written into the vault,
/// [`crate::AnchorEvent`], carries the same schema name: it is a different
/// shape, read back only by [`crate::Registers::verify`].)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "schema", rename = "wangan.registers.anchor/1")]
pub struct Anchored {
    /// Changes appended to the vault now.
    pub anchored: u64,
    /// Every change up to this one is anchored.
    pub through: u64,
    /// Changes still waiting.
    pub pending: u64,
}

impl Anchored {
    /// Schema name.
    pub const SCHEMA: &'static str = "wangan.registers.anchor/1";

    /// The shape of an anchoring's outcome.
    pub fn new(o: &AnchorOutcome) -> Anchored {
        Anchored {
            anchored: o.anchored,
            through: o.through,
            pending: o.pending,
        }
    }
}

/// `wangan.registers.verify/1` when there are no registers and the vault
/// holds no anchors of any: nothing to verify. (With registers, the shape is
/// [`crate::VerifyReport`].) `VerifyMissing::default()` is the only value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(tag = "schema", rename = "wangan.registers.verify/1")]
pub struct VerifyMissing {
    /// Always `false`.
    pub exists: bool,
}

impl VerifyMissing {
    /// Schema name.
    pub const SCHEMA: &'static str = "wangan.registers.verify/1";
}

/// Where anchoring stands after a record was written (the `anchor` member
/// of a record shape printed by `add`, `update` and `close`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AnchorState {
    /// `anchored` or `pending`.
    pub status: &'static str,
    /// Changes still waiting.
    pub pending: u64,
    /// Every change up to this one is in the vault (when anchored).
    pub through: u64,
    /// Why anchoring is pending, in the output's language; `null` when anchored.
    pub reason: Option<String>,
}

/// A record shape (`wangan.<register>/1`, [`RecordView`]) with, after a
/// write, where anchoring stands (`anchor`; absent when only read).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecordOutput<'a> {
    /// The record.
    #[serde(flatten)]
    pub view: &'a RecordView,
    /// Where anchoring stands, after a write.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub anchor: Option<AnchorState>,
}
