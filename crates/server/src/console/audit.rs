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
use serde_json::Value;

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
    /// More (never a secret).
    pub detail: Value,
}

/// The record of one event in the vault (schema `wangan.console.event/1`): the raw bytes of
/// a record of source [`SOURCE`], one compact JSON object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventDoc {
    /// What was done, e.g. `user.add`, `token.revoke`, `login.failed`.
    pub action: String,
    /// User name, or `token:<id>` for the API.
    pub actor: String,
    /// More, by action (an object; never a secret).
    pub detail: Value,
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
