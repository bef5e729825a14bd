//! Anchoring the registers into the vault, and checking them against it.
//!
//! Every change becomes one vault record with source
//! [`ANCHOR_SOURCE`] (`wangan.registers`): a small JSON event naming the
//! store, the change's position, register, record, revision, action, time,
//! actor, the fields that changed (names only, never values) and the
//! change's hash. The vault's Merkle tree and signed checkpoints then cover
//! the registers as they cover the logs.
//!
//! This crate does not depend on the vault: whoever holds the vault's writer
//! (the command line, or `wangan serve` for a console) passes an
//! [`AnchorSink`] to [`crate::Registers::anchor`], and the anchors read back
//! from the vault to [`crate::Registers::verify`].
//!
//! What the check proves: a change anchored in the vault cannot be edited,
//! removed or reordered in the store — even with the store's own hash chain
//! recomputed — without `verify` naming it. Changes not yet anchored (the
//! vault was busy with `wangan serve`, or there is no vault) are protected
//! only by the store's own chain, and `verify` reports how many there are.

use serde::{Deserialize, Serialize};

use crate::chain::ChangeRow;
use crate::text::Msg;

/// The vault source of anchor records.
pub const ANCHOR_SOURCE: &str = "wangan.registers";

/// Where anchors go: one vault record per event, durable after `commit`.
pub trait AnchorSink {
    /// Append one record (the event's bytes).
    fn append(&mut self, raw: &[u8]) -> Result<(), String>;
    /// Make everything appended durable.
    fn commit(&mut self) -> Result<(), String>;
}

/// An anchor record read back from the vault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VaultAnchor {
    /// The vault record's seq.
    pub vault_seq: u64,
    /// Its raw bytes.
    pub raw: Vec<u8>,
}

/// One change as it goes into the vault.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AnchorEvent {
    /// Always `wangan.registers.anchor/1`.
    pub schema: &'static str,
    /// The store's id.
    pub store: String,
    /// The change's position in the store.
    pub seq: u64,
    /// The register.
    pub register: String,
    /// The record.
    pub id: String,
    /// The revision the change made.
    pub revision: u64,
    /// `create`, `update`, `close`.
    pub action: String,
    /// When it was recorded.
    pub at: String,
    /// Who recorded it.
    pub actor: String,
    /// The names of the fields that changed.
    pub changed: Vec<String>,
    /// The change's hash (covering everything before it).
    pub hash: String,
}

impl AnchorEvent {
    pub(crate) fn of(store: &str, c: &ChangeRow) -> AnchorEvent {
        AnchorEvent {
            schema: "wangan.registers.anchor/1",
            store: store.to_owned(),
            seq: c.seq,
            register: c.register.clone(),
            id: c.id.clone(),
            revision: c.version,
            action: c.action.clone(),
            at: c.at.clone(),
            actor: c.actor.clone(),
            changed: serde_json::from_str(&c.changed).unwrap_or_default(),
            hash: c.hash.clone(),
        }
    }

    /// The record's bytes: one line of JSON.
    pub fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }
}

#[derive(Debug, Deserialize)]
struct Wire {
    schema: String,
    store: String,
    seq: u64,
    register: String,
    id: String,
    revision: u64,
    hash: String,
}

/// An anchor as read from the vault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Parsed {
    pub vault_seq: u64,
    pub store: String,
    pub seq: u64,
    pub register: String,
    pub id: String,
    pub revision: u64,
    pub hash: String,
}

impl Parsed {
    pub(crate) fn read(raw: &[u8]) -> Result<Parsed, String> {
        let w: Wire = serde_json::from_slice(raw).map_err(|e| e.to_string())?;
        if w.schema != "wangan.registers.anchor/1" {
            return Err(format!("unknown schema {:?}", w.schema));
        }
        Ok(Parsed {
            vault_seq: 0,
            store: w.store,
            seq: w.seq,
            register: w.register,
            id: w.id,
            revision: w.revision,
            hash: w.hash,
        })
    }
}

/// How bad a verify finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The registers were changed outside wangan.
    Error,
    /// Something to know (changes not yet anchored).
    Warning,
}

/// One problem found by [`crate::Registers::verify`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VerifyFinding {
    /// Error or warning.
    pub severity: Severity,
    /// The register concerned.
    pub register: Option<String>,
    /// The record.
    pub id: Option<String>,
    /// Its revision.
    pub revision: Option<u64>,
    /// The change's position in the store.
    pub seq: Option<u64>,
    /// The vault record of its anchor.
    pub vault_seq: Option<u64>,
    /// What is wrong, in both languages.
    pub message: Msg,
}

impl VerifyFinding {
    pub(crate) fn error(
        rec: Option<(String, String, u64)>,
        seq: u64,
        vault_seq: Option<u64>,
        message: Msg,
    ) -> VerifyFinding {
        let (register, id, revision) = match rec {
            Some((r, i, v)) => (Some(r), Some(i), Some(v)),
            None => (None, None, None),
        };
        VerifyFinding {
            severity: Severity::Error,
            register,
            id,
            revision,
            seq: Some(seq),
            vault_seq,
            message,
        }
    }

    pub(crate) fn error_at(p: &Parsed, vault_seq: Option<u64>, message: Msg) -> VerifyFinding {
        VerifyFinding::error(
            Some((p.register.clone(), p.id.clone(), p.revision)),
            p.seq,
            vault_seq,
            message,
        )
    }

    pub(crate) fn warning(seq: Option<u64>, vault_seq: Option<u64>, message: Msg) -> VerifyFinding {
        VerifyFinding {
            severity: Severity::Warning,
            register: None,
            id: None,
            revision: None,
            seq,
            vault_seq,
            message,
        }
    }
}

/// The result of [`crate::Registers::verify`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VerifyReport {
    /// Always `wangan.registers.verify/1`.
    pub schema: &'static str,
    /// The store's id.
    pub store: String,
    /// Where it is (password masked).
    pub location: String,
    /// Changes read.
    pub changes: u64,
    /// Records.
    pub records: u64,
    /// Anchors of this store found in the vault.
    pub anchors: u64,
    /// Anchors of other stores (ignored).
    pub other_store_anchors: u64,
    /// Every change up to this one is anchored and matches.
    pub anchored_through: u64,
    /// What the store says it anchored (informative; not trusted).
    pub anchored_through_recorded: u64,
    /// Changes after the last anchor.
    pub pending: u64,
    /// Problems, errors first.
    pub findings: Vec<VerifyFinding>,
}

impl VerifyReport {
    pub(crate) fn new(store: &str, location: &str) -> VerifyReport {
        VerifyReport {
            schema: "wangan.registers.verify/1",
            store: store.to_owned(),
            location: location.to_owned(),
            changes: 0,
            records: 0,
            anchors: 0,
            other_store_anchors: 0,
            anchored_through: 0,
            anchored_through_recorded: 0,
            pending: 0,
            findings: Vec::new(),
        }
    }

    pub(crate) fn push(&mut self, f: VerifyFinding) {
        self.findings.push(f);
    }

    /// No errors (warnings allowed).
    pub fn is_intact(&self) -> bool {
        !self.findings.iter().any(|f| f.severity == Severity::Error)
    }

    /// The registers named by errors, each once.
    pub fn damaged_registers(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .filter_map(|f| f.register.clone())
            .collect();
        v.sort();
        v.dedup();
        v
    }
}
