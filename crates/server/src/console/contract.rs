//! The JSON documents of the console API (`/api/v1/…`, see [`super::api`]) as the types that
//! own their shape: the versioned documents (`wangan.console.…/1`, each with its `SCHEMA`
//! constant) and the smaller replies (users, tokens, problem details).
//!
//! The handlers fill these in and serialise them; nothing is assembled by hand. Fields are
//! declared in sorted order: the documents keep the byte order they had when they were built
//! as sorted JSON objects. Records of other crates that are nested here (the registers' record
//! and deadline views) are written as sorted objects too, whatever their declaration order.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use super::jobs::{JobState, VerifyResult};
use super::search::{BadParam, Proof};
use super::users::User;
use super::{fmt_offset, rfc3339};

/// The schema name of [`RegisterListDoc`].
pub const REGISTER_LIST_SCHEMA: &str = "wangan.console.register-list/1";
/// The schema name of [`ClocksDoc`].
pub const CLOCKS_SCHEMA: &str = "wangan.console.clocks/1";
/// The schema name of [`ScansDoc`].
pub const SCANS_SCHEMA: &str = "wangan.console.scans/1";
/// The schema name of [`StatusDoc`].
pub const STATUS_SCHEMA: &str = "wangan.console.status/1";
/// The schema name of [`CoverageDoc`].
pub const COVERAGE_SCHEMA: &str = "wangan.console.coverage/1";
/// The schema name of [`SearchDoc`].
pub const SEARCH_SCHEMA: &str = "wangan.console.search/1";
/// The schema name of [`VerifyDoc`].
pub const VERIFY_SCHEMA: &str = "wangan.console.verify/1";

/// Serialise a record of another crate as a sorted JSON object (the order the documents
/// always had), whatever the order its type declares.
fn sorted<T: Serialize, S: Serializer>(v: &T, s: S) -> Result<S::Ok, S::Error> {
    serde_json::to_value(v)
        .map_err(serde::ser::Error::custom)?
        .serialize(s)
}

// ---- registers -------------------------------------------------------------------------

/// The records of one register, newest first, personal data masked (schema
/// `wangan.console.register-list/1`): `GET /api/v1/registers/{register}` lists them briefly,
/// `GET /api/v1/incidents` with their clocks.
#[derive(Debug, Clone, Serialize)]
pub struct RegisterListDoc {
    /// The records (at most 500).
    pub records: Vec<ListedRecord>,
    /// The register's key (`incident`, `equipment`, …).
    pub register: String,
    /// Always [`REGISTER_LIST_SCHEMA`].
    pub schema: &'static str,
    /// How many records the register holds in all.
    pub total: u64,
}

/// One record of a [`RegisterListDoc`].
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum ListedRecord {
    /// Its id, revision, summary and fields (a register's list).
    Brief(BriefRecord),
    /// The whole record view with its deadlines and findings (the incidents' list; the
    /// `wangan.<register>/1` shape of the registers' commands, keys sorted).
    #[serde(serialize_with = "sorted")]
    Full(Box<registers::view::RecordView>),
}

/// A record in a register's list.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BriefRecord {
    /// The fields, personal data masked.
    pub data: Map<String, Value>,
    /// `INC-1`.
    pub id: String,
    /// 1 for a new record, +1 per change.
    pub revision: u64,
    /// A one-line summary (masked).
    pub summary: String,
    /// When the latest revision was recorded (RFC 3339).
    pub updated_at: String,
    /// Who recorded it.
    pub updated_by: String,
}

impl BriefRecord {
    /// The brief form of `rec`, personal data masked.
    pub fn of(rec: &registers::Record) -> BriefRecord {
        let data = registers::schema::masked(rec.register, &rec.data);
        BriefRecord {
            summary: rec.register.summary(&data),
            data,
            id: rec.id.clone(),
            revision: rec.revision,
            updated_at: rec.updated_at.clone(),
            updated_by: rec.updated_by.clone(),
        }
    }
}

/// Every running legal clock of the registers, most urgent first (schema
/// `wangan.console.clocks/1`, `GET /api/v1/clocks`).
#[derive(Debug, Clone, Serialize)]
pub struct ClocksDoc {
    /// When the clocks were read (RFC 3339, the console's UTC offset).
    pub at: String,
    /// The clocks.
    pub clocks: Vec<ClockItem>,
    /// Always [`CLOCKS_SCHEMA`].
    pub schema: &'static str,
}

/// One running clock of a [`ClocksDoc`].
#[derive(Debug, Clone, Serialize)]
pub struct ClockItem {
    /// The deadline and where it stands (keys sorted).
    #[serde(serialize_with = "sorted")]
    pub deadline: registers::view::DeadlineView,
    /// The record, or `null` for a register-wide clock (the next drill).
    pub id: Option<String>,
    /// The register's key.
    pub register: String,
    /// The record's one-line summary (masked).
    pub summary: String,
}

// ---- scans -----------------------------------------------------------------------------

/// Every data store of the profile with its latest saved scan (schema
/// `wangan.console.scans/1`, `GET /api/v1/scans`).
#[derive(Debug, Clone, Serialize)]
pub struct ScansDoc {
    /// Always [`SCANS_SCHEMA`].
    pub schema: &'static str,
    /// The stores, in the profile's order.
    pub stores: Vec<super::assessment::ScanRow>,
}

/// A short text in Chinese and English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Label {
    /// English.
    pub en: String,
    /// Simplified Chinese.
    pub zh: String,
}

impl Label {
    /// The text in `lang`.
    pub fn get(&self, lang: super::Lang) -> &str {
        match lang {
            super::Lang::Zh => &self.zh,
            super::Lang::En => &self.en,
        }
    }
}

// ---- status ----------------------------------------------------------------------------

/// The vault's health (schema `wangan.console.status/1`, `GET /api/v1/status`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StatusDoc {
    /// The latest signed checkpoint, `null` before the first.
    pub checkpoint: Option<StatusCheckpoint>,
    /// Space on the data directory's file system, `null` when it cannot be read.
    pub disk: Option<Disk>,
    /// The tree hash (`sha256`, `sm3`).
    pub hash: String,
    /// The last verification run by the console since it started, if any.
    pub last_verification: Option<LastVerification>,
    /// The vault's origin (its unique name).
    pub origin: String,
    /// The last verification recorded in the data directory (by the console or
    /// `wangan vault verify`), if any.
    pub recorded_verification: Option<RecordedVerification>,
    /// The retention policy (`6 months`, …).
    pub retention: String,
    /// Always [`STATUS_SCHEMA`].
    pub schema: String,
    /// Sealed segments.
    pub segments: usize,
    /// Records in the store.
    pub size: u64,
    /// Files that could not be read: `path: reason`.
    pub unreadable: Vec<String>,
}

/// The latest signed checkpoint of a [`StatusDoc`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StatusCheckpoint {
    /// Seconds since it was signed.
    pub age_seconds: i64,
    /// The tree's root (base64).
    pub root: String,
    /// Records it covers.
    pub size: u64,
    /// When it was signed (RFC 3339, UTC).
    pub time: String,
}

/// Free and total space of a file system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Disk {
    /// Bytes free for the vault.
    pub free_bytes: u64,
    /// Bytes in all.
    pub total_bytes: u64,
}

/// The console's last verification, in brief (the whole result is [`VerifyDoc::last`]).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LastVerification {
    /// Who asked for it.
    pub by: String,
    /// How many findings it made.
    pub findings: usize,
    /// When it ended (RFC 3339, UTC).
    pub finished: String,
    /// No error-level finding.
    pub intact: bool,
    /// Records whose hashes were recomputed.
    pub records_checked: u64,
}

impl LastVerification {
    /// The brief form of `v`.
    pub fn of(v: &VerifyResult) -> LastVerification {
        LastVerification {
            by: v.by.clone(),
            findings: v.findings.len(),
            finished: rfc3339(v.finished_ns),
            intact: v.intact,
            records_checked: v.records_checked,
        }
    }
}

/// The verification recorded in the data directory (`vault::verified`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RecordedVerification {
    /// No error-level finding.
    pub intact: bool,
    /// Records whose leaves were recomputed.
    pub records_checked: u64,
    /// Records in the tree it verified.
    pub size: u64,
    /// Whether the store still holds the tree it verified (nothing rewritten since).
    pub still_matches_store: bool,
    /// When it finished (RFC 3339, UTC).
    pub time: String,
}

// ---- coverage --------------------------------------------------------------------------

/// Records per source and calendar day over the six-month retention window (schema
/// `wangan.console.coverage/1`, `GET /api/v1/coverage`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CoverageDoc {
    /// Always [`COVERAGE_SCHEMA`].
    pub schema: String,
    /// Per source, by name.
    pub sources: Vec<SourceCoverage>,
    /// Blocks that could not be read (the counts may miss records).
    pub unreadable: Vec<String>,
    /// The UTC offset the days are counted in (`+08:00`).
    pub utc_offset: String,
    /// The window's last day (today), `YYYY-MM-DD`.
    pub window_end: String,
    /// The window's first day, `YYYY-MM-DD`.
    pub window_start: String,
}

/// The coverage of one source.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SourceCoverage {
    /// The days of the window with records.
    pub days: Vec<DayCount>,
    /// The days of the window without any record, `YYYY-MM-DD`.
    pub days_without_records: Vec<String>,
    /// The earliest record's receipt time (RFC 3339, UTC).
    pub first: String,
    /// The latest record's receipt time (RFC 3339, UTC).
    pub last: String,
    /// Records in the whole store.
    pub records: u64,
    /// Records in the window.
    pub records_in_window: u64,
    /// The source's name.
    pub source: String,
}

/// Records of one day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayCount {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// Records received that day.
    pub records: u64,
}

impl CoverageDoc {
    /// The coverage of `summary` from day `first` to day `today` (local day numbers of
    /// [`super::data::day_of`]) at `offset`.
    pub fn new(
        summary: &super::data::Summary,
        first: i64,
        today: i64,
        offset: time::UtcOffset,
    ) -> CoverageDoc {
        let date = |d: i64| {
            super::data::date_of(d)
                .map(|d| d.to_string())
                .unwrap_or_default()
        };
        let sources = summary
            .sources
            .iter()
            .map(|(name, d)| SourceCoverage {
                days: d
                    .days
                    .range(first..=today)
                    .map(|(k, n)| DayCount {
                        date: date(*k),
                        records: *n,
                    })
                    .collect(),
                days_without_records: (first..=today)
                    .filter(|k| d.days.get(k).is_none_or(|n| *n == 0))
                    .map(date)
                    .collect(),
                first: rfc3339(d.first_ns),
                last: rfc3339(d.last_ns),
                records: d.records,
                records_in_window: d.days.range(first..=today).map(|(_, n)| *n).sum(),
                source: name.clone(),
            })
            .collect();
        CoverageDoc {
            schema: COVERAGE_SCHEMA.into(),
            sources,
            unreadable: summary.unreadable.clone(),
            utc_offset: fmt_offset(offset),
            window_end: date(today),
            window_start: date(first),
        }
    }
}

// ---- search and records ----------------------------------------------------------------

/// A page of search results, newest first (schema `wangan.console.search/1`,
/// `GET /api/v1/logs/search`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SearchDoc {
    /// Blocks that could not be read (the page may miss records).
    pub errors: Vec<String>,
    /// Cursor of the next (older) page (`before=`), `null` on the last.
    pub next_cursor: Option<String>,
    /// The records.
    pub records: Vec<LogRecord>,
    /// Always [`SEARCH_SCHEMA`].
    pub schema: String,
    /// The store size the page was taken at.
    pub size: u64,
}

/// One stored record: in a [`SearchDoc`], and alone with its proof (`GET /api/v1/logs/{seq}`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LogRecord {
    /// The parsed application name.
    pub app: Option<String>,
    /// The parsed event time (RFC 3339, UTC).
    pub event_time: Option<String>,
    /// The parsed host name.
    pub host: Option<String>,
    /// The parsed message (`null` when the parsed fields could not be decoded).
    pub message: Option<String>,
    /// The sender's address.
    pub peer: String,
    /// Only for one record alone: its inclusion proof against the latest signed checkpoint,
    /// `null` when none covers it yet. Absent in search results.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub proof: Option<Option<RecordProof>>,
    /// The record as received (invalid UTF-8 replaced by U+FFFD).
    pub raw: String,
    /// Whether the record was valid UTF-8.
    pub raw_is_utf8: bool,
    /// When it was received (RFC 3339, UTC).
    pub received: String,
    /// Its number in the store.
    pub seq: u64,
    /// The parsed syslog severity (0 emergency … 7 debug).
    pub severity: Option<u8>,
    /// The source name.
    pub source: String,
    /// How it came (`udp`, `tcp`, `tls`, `http`, `console`, …).
    pub transport: String,
}

/// A key that is present is `Some`, even when its value is `null`.
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

impl LogRecord {
    /// The record `r`, without a proof.
    pub fn of(r: &vault::StoredRecord) -> LogRecord {
        let p = r.parsed.as_ref();
        LogRecord {
            app: p.and_then(|p| p.app.clone()),
            event_time: p
                .and_then(|p| p.event_time)
                .map(|t| rfc3339(vault::clock::to_ns(t))),
            host: p.and_then(|p| p.host.clone()),
            message: p.map(|p| p.message.clone()),
            peer: r.record.peer.clone(),
            proof: None,
            raw: String::from_utf8_lossy(&r.record.raw).into_owned(),
            raw_is_utf8: std::str::from_utf8(&r.record.raw).is_ok(),
            received: rfc3339(r.record.received_ns),
            seq: r.record.seq,
            severity: p.and_then(|p| p.severity),
            source: r.record.source.clone(),
            transport: r.record.transport.clone(),
        }
    }

    /// The record `r` alone, with its proof (`None`: no signed checkpoint covers it yet).
    pub fn with_proof(r: &vault::StoredRecord, proof: Option<Proof>) -> LogRecord {
        LogRecord {
            proof: Some(proof.map(|p| RecordProof::of(&p))),
            ..LogRecord::of(r)
        }
    }
}

/// The inclusion proof of one record against the latest signed checkpoint (RFC 9162).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RecordProof {
    /// The checkpoint (signed note text).
    pub checkpoint: String,
    /// The audit path, leaf to root (base64).
    pub hashes: Vec<String>,
    /// The record's leaf hash (base64).
    pub leaf: String,
    /// Whether the checkpoint's signatures verify with the store's keys.
    pub signature_valid: bool,
    /// Whether the checkpoint carries a valid SM2 signature too.
    pub sm2_signature: bool,
    /// The tree size the proof is for.
    pub tree_size: u64,
    /// Whether the proof leads from the record to the checkpoint's root.
    pub verifies: bool,
}

impl RecordProof {
    /// The shown form of `p`.
    pub fn of(p: &Proof) -> RecordProof {
        RecordProof {
            checkpoint: p.checkpoint.to_string(),
            hashes: p.proof.hashes.iter().map(|h| h.b64()).collect(),
            leaf: p.proof.leaf.b64(),
            signature_valid: p.signature.is_ok(),
            sm2_signature: p.signature.unwrap_or(false),
            tree_size: p.proof.tree_size,
            verifies: p.verifies,
        }
    }
}

// ---- verification ----------------------------------------------------------------------

/// The running verification and the last result (schema `wangan.console.verify/1`,
/// `GET /api/v1/verify`; `POST` adds `started`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VerifyDoc {
    /// The last verification run by the console, `null` before the first.
    pub last: Option<VerifyOutcome>,
    /// The verification running now, `null` when none is.
    pub running: Option<RunningVerification>,
    /// Always [`VERIFY_SCHEMA`].
    pub schema: String,
    /// Only in the answer to `POST /api/v1/verify`: whether this request started one
    /// (`false`: one was running already).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started: Option<bool>,
}

/// A verification that is running.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RunningVerification {
    /// Who asked for it.
    pub by: String,
    /// Records checked so far.
    pub checked: u64,
    /// When it started (RFC 3339, UTC).
    pub started: String,
    /// Records to check.
    pub total: u64,
}

/// The outcome of a verification run by the console.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VerifyOutcome {
    /// Who asked for it.
    pub by: String,
    /// Why the store could not be read at all, if so.
    pub error: Option<String>,
    /// What it found.
    pub findings: Vec<VerifyFinding>,
    /// When it ended (RFC 3339, UTC).
    pub finished: String,
    /// No error-level finding.
    pub intact: bool,
    /// Records whose hashes were recomputed.
    pub records_checked: u64,
    /// Records in the store when it started.
    pub size: u64,
    /// When it started (RFC 3339, UTC).
    pub started: String,
}

/// One finding of a verification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifyFinding {
    /// What kind of finding (`checkpoint_time_backwards`, …).
    pub kind: String,
    /// What is wrong, where.
    pub message: String,
    /// `error` or `warning`.
    pub severity: String,
}

impl VerifyDoc {
    /// The document of a job in `state` with `checked` records done, and the `last` result.
    pub fn new(state: JobState, checked: u64, last: Option<&VerifyResult>) -> VerifyDoc {
        let running = match state {
            JobState::Idle => None,
            JobState::Running {
                started_ns,
                by,
                total,
            } => Some(RunningVerification {
                by,
                checked,
                started: rfc3339(started_ns),
                total,
            }),
        };
        let last = last.map(|v| VerifyOutcome {
            by: v.by.clone(),
            error: v.error.clone(),
            findings: v
                .findings
                .iter()
                .map(|(s, k, m)| VerifyFinding {
                    kind: k.clone(),
                    message: m.clone(),
                    severity: s.clone(),
                })
                .collect(),
            finished: rfc3339(v.finished_ns),
            intact: v.intact,
            records_checked: v.records_checked,
            size: v.size,
            started: rfc3339(v.started_ns),
        });
        VerifyDoc {
            last,
            running,
            schema: VERIFY_SCHEMA.into(),
            started: None,
        }
    }
}

// ---- users and tokens ------------------------------------------------------------------

/// A console user as the API shows them (`GET /api/v1/users/{name}`; never the hash).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UserDoc {
    /// When the user was created (RFC 3339).
    pub created: String,
    /// A disabled user cannot log in.
    pub disabled: bool,
    /// The login name.
    pub name: String,
    /// Only after `reset_password: true`: the new password wangan generated, shown once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    /// When the password was last set (RFC 3339).
    pub password_set: String,
    /// `auditor`, `operator` or `admin`.
    pub role: String,
}

impl UserDoc {
    /// The shown form of `u`.
    pub fn of(u: &User) -> UserDoc {
        UserDoc {
            created: u.created.clone(),
            disabled: u.disabled,
            name: u.name.clone(),
            password: None,
            password_set: u.password_set.clone(),
            role: u.role.name().into(),
        }
    }
}

/// The console users (`GET /api/v1/users`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UsersDoc {
    /// Every user, by name.
    pub users: Vec<UserDoc>,
}

/// A user just added (`POST /api/v1/users`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NewUserDoc {
    /// The login name.
    pub name: String,
    /// Only when wangan generated it: the password, shown once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    /// `auditor`, `operator` or `admin`.
    pub role: String,
}

/// The access tokens, never their secrets (`GET /api/v1/tokens`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TokensDoc {
    /// Every token.
    pub tokens: Vec<TokenRow>,
}

/// One token of a [`TokensDoc`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TokenRow {
    /// When it was created (RFC 3339).
    pub created: String,
    /// Its public id (8 hex digits).
    pub id: String,
    /// `ingest`, `metrics`, `auditor`, `operator` or `admin`.
    pub role: String,
}

/// A token just created (`POST /api/v1/tokens`): the only time its secret is shown.
#[derive(Clone, Serialize, Deserialize)]
pub struct NewTokenDoc {
    /// Its public id.
    pub id: String,
    /// Its role.
    pub role: String,
    /// The token (`wgn_<id>_<secret>`).
    pub token: String,
}

impl std::fmt::Debug for NewTokenDoc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewTokenDoc")
            .field("id", &self.id)
            .field("role", &self.role)
            .field("token", &"<redacted>")
            .finish()
    }
}

// ---- problems --------------------------------------------------------------------------

/// A problem detail (RFC 9457, `application/problem+json`): how every error of the API is
/// answered.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProblemDoc {
    /// What happened here.
    pub detail: String,
    /// The offending parameters, each named (only when there are some).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemParam>,
    /// The request's path.
    pub instance: String,
    /// The HTTP status.
    pub status: u16,
    /// A summary of the kind of problem.
    pub title: String,
    /// `urn:wangan:problem:<kind>`.
    #[serde(rename = "type")]
    pub kind: String,
}

/// A bad parameter in a [`ProblemDoc`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProblemParam {
    /// What is wrong.
    pub detail: String,
    /// The parameter's (or body field's) name.
    pub name: String,
}

impl From<&BadParam> for ProblemParam {
    fn from(b: &BadParam) -> ProblemParam {
        ProblemParam {
            detail: b.detail.clone(),
            name: b.name.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_alone_has_a_proof_key_a_listed_one_none() {
        let r = LogRecord {
            app: None,
            event_time: None,
            host: Some("web-1".into()),
            message: Some("login".into()),
            peer: "192.0.2.7:5514".into(),
            proof: None,
            raw: "login".into(),
            raw_is_utf8: true,
            received: "2026-03-01T04:00:00Z".into(),
            seq: 7,
            severity: Some(6),
            source: "web".into(),
            transport: "udp".into(),
        };
        let listed = serde_json::to_value(&r).unwrap();
        assert!(listed.get("proof").is_none());
        let alone = LogRecord {
            proof: Some(None),
            ..r
        };
        let text = serde_json::to_string(&alone).unwrap();
        assert!(text.contains("\"proof\":null"), "{text}");
        let back: LogRecord = serde_json::from_str(&text).unwrap();
        assert!(matches!(back.proof, Some(None)));
        let back: LogRecord = serde_json::to_value(&back)
            .and_then(|mut v| {
                v.as_object_mut().unwrap().remove("proof");
                serde_json::from_value(v)
            })
            .unwrap();
        assert!(back.proof.is_none());
    }
}
