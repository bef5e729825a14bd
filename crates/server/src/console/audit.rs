//! Console events in the vault: every change made through the console or the API, and every
//! login, lockout, export and verification, is appended as a JSON record of source
//! `wangan.console` (transport `console`, peer = the client's address), through the same
//! writer thread as the logs, and acknowledged only once fsynced. So the compliance records
//! are covered by the same Merkle tree and signed checkpoints as the logs.
//!
//! ```json
//! {"action":"user.add","actor":"alice","detail":{"role":"auditor"},"from":"192.0.2.7:50412",
//!  "outcome":"ok","role":"admin","schema":"wangan.console.event/1","target":"bob",
//!  "time":"2026-03-01T04:00:00.123Z","via":"console"}
//! ```
//!
//! ([`EventDoc`]; keys in sorted order.)
//!
//! Passwords and token secrets never appear in an event; token ids and user names do.

use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::writer::{Intake, QueueError, Rec};

/// Source name of console events.
pub const SOURCE: &str = "wangan.console";
/// Schema of an event record.
pub const SCHEMA: &str = "wangan.console.event/1";

/// Through which door a change came.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Via {
    /// A page of the console (session).
    Console,
    /// The JSON API (token).
    Api,
}

/// One event.
#[derive(Debug, Clone)]
pub struct Event<'a> {
    /// User name, or `token:<id>` for the API.
    pub actor: &'a str,
    /// Role the actor acted with.
    pub role: &'a str,
    /// Door.
    pub via: Via,
    /// Client address (`ip:port`).
    pub from: &'a str,
    /// What was done, e.g. `user.add`, `token.revoke`, `login.failed`.
    pub action: &'a str,
    /// What it was done to (a user name, a token id), if anything.
    pub target: Option<&'a str>,
    /// `ok`, `refused` or `failed`.
    pub outcome: &'a str,
    /// More, by action (never a secret).
    pub detail: Detail,
}

/// What an event adds to its action: one shape per kind of action, written as a JSON object
/// with sorted keys (`{}` when there is nothing more). Never a secret, never a personal value
/// (the keys of register fields, not their values). Read back, a record takes the first shape
/// whose keys it has (every key is always written, `null` where there is no value).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Detail {
    /// `logs.export`: the filters, the one record asked for, what the bundle holds.
    Export {
        /// The bundle's size in bytes.
        bytes: u64,
        /// The size of the checkpoint its proofs are against.
        checkpoint_size: u64,
        /// The search's filters, as a query string.
        filters: String,
        /// Records in the bundle.
        records: u64,
        /// The one record asked for, if only one.
        #[serde(deserialize_with = "present")]
        seq: Option<u64>,
    },
    /// `vault.verify`: the outcome.
    Verify {
        /// Why the store could not be read at all, if so.
        #[serde(deserialize_with = "present")]
        error: Option<String>,
        /// How many findings it made.
        findings: usize,
        /// No error-level finding.
        intact: bool,
        /// Records whose hashes were recomputed.
        records_checked: u64,
        /// Records in the store when it started.
        size: u64,
    },
    /// `register.add`, `register.update`: the register, the record and the keys of the fields
    /// set.
    RegisterChange {
        /// The keys of the fields given.
        fields: Vec<String>,
        /// The record changed (`null` for a new one).
        #[serde(deserialize_with = "present")]
        id: Option<String>,
        /// The register's key.
        register: String,
    },
    /// A register change that failed.
    RegisterFailed {
        /// Why.
        error: String,
        /// The register's key.
        register: String,
    },
    /// An assessment run that failed.
    AssessmentFailed {
        /// The date asked for, `YYYY-MM-DD` (`null`: today).
        #[serde(deserialize_with = "present")]
        at: Option<String>,
        /// Why.
        error: String,
    },
    /// `assessment.run`: the date assessed.
    Assessment {
        /// The date asked for, `YYYY-MM-DD` (`null`: today).
        #[serde(deserialize_with = "present")]
        at: Option<String>,
    },
    /// A change to users or tokens that failed.
    Failed {
        /// Why.
        error: String,
    },
    /// `user.add`, `user.role`, `token.create`: the role given.
    Role {
        /// The role's name.
        role: String,
    },
    /// `refused`: the role the page needs.
    Needs {
        /// The role's name.
        needs: String,
    },
    /// `login.lockout`: for how long.
    Lockout {
        /// Minutes.
        minutes: u64,
    },
    /// Nothing more (`{}`).
    None {},
}

/// A key that must be present, even when its value is `null`.
fn present<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<T>, D::Error> {
    Option::<T>::deserialize(d)
}

impl Detail {
    /// The role given (`user.add`, `user.role`, `token.create`).
    pub fn role(name: &str) -> Detail {
        Detail::Role { role: name.into() }
    }
}

/// The record of one event in the vault (schema `wangan.console.event/1`): the raw bytes of
/// a record of source [`SOURCE`], one compact JSON object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventDoc {
    /// What was done, e.g. `user.add`, `token.revoke`, `login.failed`.
    pub action: String,
    /// User name, or `token:<id>` for the API.
    pub actor: String,
    /// More, by action (never a secret).
    pub detail: Detail,
    /// Client address (`ip:port`).
    pub from: String,
    /// `ok`, `refused` or `failed`.
    pub outcome: String,
    /// Role the actor acted with.
    pub role: String,
    /// Always [`SCHEMA`].
    pub schema: String,
    /// What it was done to (a user name, a token id), `null` when nothing.
    pub target: Option<String>,
    /// When it was recorded (RFC 3339, UTC).
    pub time: String,
    /// `console` (a page, with a session) or `api` (a token).
    pub via: Via,
}

impl Event<'_> {
    /// The record of this event, made at `time_ns`.
    pub fn document(&self, time_ns: i64) -> EventDoc {
        EventDoc {
            action: self.action.into(),
            actor: self.actor.into(),
            detail: self.detail.clone(),
            from: self.from.into(),
            outcome: self.outcome.into(),
            role: self.role.into(),
            schema: SCHEMA.into(),
            target: self.target.map(str::to_owned),
            time: super::rfc3339(time_ns),
            via: self.via,
        }
    }
}

/// Queue records (room reserved record by record, as the intake does) and wait until they
/// are durable; returns the first seq.
pub(crate) async fn send_durable(intake: &Intake, recs: Vec<Rec>) -> Result<u64, QueueError> {
    let mut res = intake.reserve()?;
    for r in &recs {
        res.add_record(r.raw.len())?;
    }
    intake.send_durable(recs, res).await
}

/// Writes events.
#[derive(Clone)]
pub struct Audit {
    intake: Intake,
    source: Arc<str>,
}

/// The event could not be stored (the store is down or the queue stayed full).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotRecorded;

impl Audit {
    pub(crate) fn new(intake: Intake) -> Audit {
        Audit {
            intake,
            source: SOURCE.into(),
        }
    }

    /// The writer's intake (for the registers' anchors).
    pub(crate) fn intake(&self) -> Intake {
        self.intake.clone()
    }

    /// Append `ev` and wait until it is durable; returns its seq.
    pub async fn record(&self, ev: &Event<'_>) -> Result<u64, NotRecorded> {
        let now = super::now_ns();
        let raw = match serde_json::to_vec(&ev.document(now)) {
            Ok(v) => bytes::Bytes::from(v),
            Err(e) => {
                tracing::error!(action = ev.action, error = %e, "console event could not be encoded");
                return Err(NotRecorded);
            }
        };
        // a full queue (a burst of logs) is waited out for a while: events are few
        for attempt in 0..50u32 {
            let rec = Rec {
                received_ns: now,
                source: self.source.clone(),
                peer: ev.from.into(),
                transport: "console",
                raw: raw.clone(),
            };
            match send_durable(&self.intake, vec![rec]).await {
                Ok(seq) => return Ok(seq),
                Err(QueueError::Full) if attempt < 49 => {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(_) => break,
            }
        }
        tracing::error!(
            action = ev.action,
            "console event could not be stored in the vault"
        );
        Err(NotRecorded)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_detail_reads_back_as_itself() {
        let all = [
            Detail::Export {
                bytes: 4096,
                checkpoint_size: 12,
                filters: "q=login".into(),
                records: 3,
                seq: None,
            },
            Detail::Verify {
                error: None,
                findings: 0,
                intact: true,
                records_checked: 12,
                size: 12,
            },
            Detail::RegisterChange {
                fields: vec!["title".into()],
                id: None,
                register: "incident".into(),
            },
            Detail::RegisterFailed {
                error: "no such record".into(),
                register: "incident".into(),
            },
            Detail::AssessmentFailed {
                at: None,
                error: "no profile".into(),
            },
            Detail::Assessment {
                at: Some("2026-03-01".into()),
            },
            Detail::Assessment { at: None },
            Detail::Failed {
                error: "the last admin".into(),
            },
            Detail::role("auditor"),
            Detail::Needs {
                needs: "admin".into(),
            },
            Detail::Lockout { minutes: 15 },
            Detail::None {},
        ];
        for d in all {
            let text = serde_json::to_string(&d).unwrap();
            let back: Detail = serde_json::from_str(&text).unwrap();
            assert_eq!(back, d, "{text}");
        }
        assert_eq!(serde_json::to_string(&Detail::None {}).unwrap(), "{}");
        assert_eq!(
            serde_json::to_string(&Detail::Assessment { at: None }).unwrap(),
            r#"{"at":null}"#
        );
    }
}
