//! Registers of the records chapter 3 asks operators to keep, with the legal
//! clocks that run on them.
//!
//! Most chapter-3 duties are proven by records a person keeps: incidents
//! and their reports, response plans and drills, training, background
//! checks, supplier agreements, procurement reviews, product
//! vulnerabilities, real-name verification, MLPS filings and tests, the
//! yearly CII assessment, critical equipment, CII construction projects.
//! This crate keeps them:
//!
//! - **as data** ([`schema`]): fourteen [`Register`]s, each a table of typed
//!   [`schema::Field`]s with labels in Chinese and English, the duty ids
//!   (from the `law` crate) it proves, and its rules ([`rules`]);
//! - **append-only and tamper-evident** ([`Registers`]): SQLite in the data
//!   directory or PostgreSQL by URL (with the `postgres` feature, see
//!   [`POSTGRES`]), one schema, versioned migrations; an
//!   update appends a new revision, nothing is overwritten or deleted, every
//!   record has its history (who, when, what changed), and every change is
//!   hash-chained ([`chain`]) and anchored into the vault ([`anchor`]);
//! - **with their clocks** ([`clock`]): pure functions of a record's times,
//!   the [`OperatorKind`] and the [`Settings`] — the incident report hours
//!   counted from discovery, the 30-day summary, the 2-day vulnerability
//!   report, MLPS filing and test cadence, drills and training "regularly";
//! - with the **MLPS grading matrix** ([`mlps`]), the **incident grading
//!   helper** ([`grade`]), **masking** of personal data ([`mask`]) and the
//!   **incident report drafts** in Markdown, HTML and DOCX ([`report`]).
//!
//! Facts that are secondary or ours carry a [`Provenance`] that every output
//! shows. The crate knows nothing of HTTP, the command line or async
//! runtimes, and does not depend on the vault: anchors go through an
//! [`AnchorSink`].
//!
//! # Example
//!
//! ```
//! use registers::{Input, Location, OperatorKind, Register, Registers, Settings, WriteCtx};
//! use time::macros::datetime;
//!
//! # let dir = std::env::temp_dir().join(format!("registers-doc-{}", std::process::id()));
//! # let _ = std::fs::remove_dir_all(&dir);
//! let mut regs = Registers::open(&Location::default_in(&dir))?;
//! let settings = Settings::default();
//! let w = WriteCtx {
//!     actor: "secops",
//!     now: datetime!(2025-03-15 00:00 +08:00),
//!     settings: &settings,
//!     expected_revision: None,
//! };
//! let inc = regs.add(
//!     Register::Incident,
//!     &[
//!         ("title", Input::Text("勒索软件加密文件服务器".into())),
//!         ("grade", Input::Text("较大".into())),
//!         ("discovered_at", Input::Text("2025-03-14T23:30:00+08:00".into())),
//!     ],
//!     &w,
//! )?;
//! assert_eq!(inc.id, "INC-1");
//!
//! // a CII operator reports within one hour of discovery, across midnight
//! let view = registers::view::record_view(&inc, OperatorKind::Cii, &settings, w.now, None, false);
//! assert_eq!(view.deadlines[0].due.as_deref(), Some("2025-03-15T00:30:00+08:00"));
//! assert_eq!(view.deadlines[0].state, "pending");
//! # std::fs::remove_dir_all(&dir).ok();
//! # Ok::<(), registers::Error>(())
//! ```

#![deny(missing_docs)]

pub mod anchor;
pub mod chain;
pub mod clock;
pub mod contract;
mod error;
pub mod evidence;
pub mod grade;
pub mod mask;
pub mod mlps;
pub mod report;
pub mod rules;
pub mod schema;
pub mod settings;
mod store;
pub mod text;
pub mod view;
pub mod when;

pub use anchor::{
    ANCHOR_SOURCE, AnchorEvent, AnchorSink, VaultAnchor, VerifyFinding, VerifyReport,
};
pub use clock::{Deadline, DeadlineKind, Grade, OperatorKind, Recipient, State};
pub use error::{Error, ErrorKind, Invalid, Result};
pub use schema::{Field, FieldType, Input, Register};
pub use settings::Settings;
pub use store::migrate::LATEST as SCHEMA_VERSION;
pub use store::{
    AnchorOutcome, FieldChange, HistoryEntry, ListQuery, Location, Page, Record, RegisterCount,
    Registers, SQLITE_FILE, Sweep, SweepFinding, SweepItem, WriteCtx, create_at_version, mask_url,
};
pub use text::{Msg, Provenance};

/// Whether this build can open PostgreSQL stores (the `postgres` feature).
///
/// The feature is off by default: the synchronous `postgres` client runs a
/// private tokio runtime, and the engine crates compile no async runtime.
/// Without it a [`Location::Postgres`] still parses (a profile may name one),
/// and opening it is a [`ErrorKind::Storage`] error saying that this build
/// has no PostgreSQL support.
pub const POSTGRES: bool = cfg!(feature = "postgres");
