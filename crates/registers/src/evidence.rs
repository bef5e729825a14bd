//! The registers as evidence for `wangan assess`: every record becomes one
//! (or, for MLPS, two) [`duties::RegisterEvidence`] entries — plain data
//! with the duties it bears on, a summary without personal data, its status
//! at the assessed instant, when it was done and when it is due.
//!
//! `duties` decides what the entries mean for each duty (a drill 13 months
//! ago makes the drills duty late); this module only says where each record
//! stands, with the same clocks the registers show.

use duties::{EntryStatus, RegisterEvidence, RegisterKind, RegisterSet};
use time::{Date, OffsetDateTime};

use crate::clock::{Deadline, OperatorKind, State};
use crate::error::Result;
use crate::rules;
use crate::schema::{DataExt, Register};
use crate::settings::Settings;
use crate::store::{Record, Registers};

/// The `duties` register a register's records feed (MLPS feeds two: filings
/// and tests).
pub fn kind_of(reg: Register) -> RegisterKind {
    match reg {
        Register::Incident => RegisterKind::Incidents,
        Register::Plan => RegisterKind::Plans,
        Register::Drill => RegisterKind::Drills,
        Register::Training => RegisterKind::Training,
        Register::BackgroundCheck | Register::Organisation => RegisterKind::BackgroundChecks,
        Register::Agreement => RegisterKind::Agreements,
        Register::ProcurementReview => RegisterKind::ProcurementReviews,
        Register::Vulnerability => RegisterKind::Vulnerabilities,
        Register::RealName => RegisterKind::RealName,
        Register::Mlps => RegisterKind::MlpsFilings,
        Register::CiiAssessment => RegisterKind::AnnualAssessments,
        Register::Equipment => RegisterKind::Equipment,
        Register::Project => RegisterKind::Projects,
    }
}

/// Read every register into a [`RegisterSet`] as it stands at `as_of`.
/// Records dated after `as_of` are left out (an assessment of a past day
/// does not see later events). `origin` names the store in the evidence.
pub fn register_set(
    regs: &mut Registers,
    kind: OperatorKind,
    s: &Settings,
    as_of: OffsetDateTime,
    collected: OffsetDateTime,
) -> Result<RegisterSet> {
    let mut entries = Vec::new();
    for reg in Register::ALL {
        regs.each(reg, |rec| {
            entries.extend(entries_of(&rec, kind, s, as_of));
            Ok(())
        })?;
    }
    let mut kept: Vec<RegisterKind> = Register::ALL.into_iter().map(kind_of).collect();
    kept.push(RegisterKind::MlpsTests);
    kept.sort();
    kept.dedup();
    Ok(RegisterSet {
        origin: format!("registers:{}", regs.location().display()),
        collected: Some(collected),
        kept,
        entries,
    })
}

fn at_day(d: Date, s: &Settings) -> OffsetDateTime {
    d.midnight().assume_offset(s.utc_offset)
}

/// The moment a record is dated, to leave out what lies after `as_of`.
fn dated(rec: &Record, s: &Settings) -> Option<OffsetDateTime> {
    let key = rec.register.date_field()?;
    rec.data
        .datetime(key)
        .or_else(|| rec.data.date(key).map(|d| at_day(d, s)))
}

/// Where a set of deadlines stands: overdue beats late beats pending.
fn from_deadlines(ds: &[Deadline], as_of: OffsetDateTime) -> (EntryStatus, Option<OffsetDateTime>) {
    let states: Vec<(State, &Deadline)> = ds.iter().map(|d| (d.state(as_of), d)).collect();
    if let Some((_, d)) = states
        .iter()
        .find(|(st, _)| matches!(st, State::Overdue(_)))
    {
        return (EntryStatus::Overdue, d.due);
    }
    if let Some((_, d)) = states.iter().find(|(st, _)| matches!(st, State::Late(_))) {
        return (EntryStatus::Failed, d.due);
    }
    let pending = states
        .iter()
        .filter(|(st, _)| matches!(st, State::Pending(_)))
        .filter_map(|(_, d)| d.due)
        .min();
    if pending.is_some() || states.iter().any(|(st, _)| *st == State::NotStarted) {
        return (EntryStatus::Open, pending);
    }
    (EntryStatus::Done, None)
}

fn latest_done(ds: &[Deadline]) -> Option<OffsetDateTime> {
    ds.iter().filter_map(|d| d.done_at).max()
}

/// The evidence entries of one record (none when it does not count at
/// `as_of`: superseded, ended, or dated later).
pub fn entries_of(
    rec: &Record,
    kind: OperatorKind,
    s: &Settings,
    as_of: OffsetDateTime,
) -> Vec<RegisterEvidence> {
    let d = &rec.data;
    let reg = rec.register;
    if dated(rec, s).is_some_and(|t| t > as_of) {
        return Vec::new();
    }
    let recorded = crate::when::parse_datetime(&rec.updated_at).unwrap_or(as_of);
    let entry = |status: EntryStatus,
                 done: Option<OffsetDateTime>,
                 due: Option<OffsetDateTime>,
                 next: Option<Date>,
                 summary: String| RegisterEvidence {
        register: kind_of(reg),
        entry: rec.id.clone(),
        duties: reg.duties().iter().map(|x| (*x).to_owned()).collect(),
        summary,
        status,
        done,
        due,
        next,
        recorded,
        system: None,
    };
    let summary = reg.summary(d);
    let day = |k: &str| d.date(k).map(|x| at_day(x, s));
    let ds = rules::deadlines(reg, d, kind, s);
    let findings = rules::findings(reg, d, kind, s);
    let has = |k: &str| findings.iter().any(|f| f.key == k);
    match reg {
        Register::Incident => {
            let grade = d.text("grade").unwrap_or("");
            let summary = format!("{}（{}）", summary, grade_zh(grade));
            let (status, due) = if ds.is_empty() {
                let st = if d.text("status") == Some("closed") {
                    EntryStatus::Done
                } else {
                    EntryStatus::Open
                };
                (st, None)
            } else {
                from_deadlines(&ds, as_of)
            };
            let done = latest_done(&ds).or_else(|| d.datetime("handling_ended_at"));
            vec![entry(status, done, due, None, summary)]
        }
        Register::Vulnerability => {
            let (mut status, due) = from_deadlines(&ds, as_of);
            if status == EntryStatus::Done && (has("not-fixed") || has("users-not-told")) {
                status = EntryStatus::Open;
            }
            let done = d.datetime("fixed_at").or_else(|| latest_done(&ds));
            vec![entry(status, done, due, None, summary)]
        }
        Register::Drill => {
            let open =
                d.list("follow_ups").len() as u64 > d.count("follow_ups_closed").unwrap_or(0);
            let (status, summary) = if open {
                (
                    EntryStatus::Failed,
                    format!("{summary}（改进事项未全部完成 / follow-ups open）"),
                )
            } else {
                (EntryStatus::Done, summary)
            };
            vec![entry(status, day("date"), None, None, summary)]
        }
        Register::Training => vec![entry(EntryStatus::Done, day("date"), None, None, summary)],
        Register::Plan => {
            if d.text("status") == Some("superseded") {
                return Vec::new();
            }
            let (status, due) = from_deadlines(&ds, as_of);
            let next = ds.first().and_then(|x| x.due_date);
            let status = match status {
                EntryStatus::Overdue => EntryStatus::Overdue,
                _ => EntryStatus::Done,
            };
            vec![entry(status, day("approved_on"), due, next, summary)]
        }
        Register::BackgroundCheck => {
            let status = match d.text("result") {
                Some("failed") => EntryStatus::Failed,
                Some("pending") => EntryStatus::Open,
                _ => EntryStatus::Done,
            };
            vec![entry(
                status,
                day("checked_on"),
                None,
                d.date("next_check"),
                summary,
            )]
        }
        Register::Organisation => {
            if day("ended_on").is_some_and(|e| e <= as_of) {
                return Vec::new();
            }
            vec![entry(
                EntryStatus::Done,
                day("appointed_on"),
                None,
                None,
                summary,
            )]
        }
        Register::Agreement => {
            if d.text("status") == Some("ended") {
                return Vec::new();
            }
            let expires = d.date("expires_on");
            let status = if has("agreement-incomplete") {
                EntryStatus::Failed
            } else if matches!(from_deadlines(&ds, as_of).0, EntryStatus::Overdue) {
                EntryStatus::Overdue
            } else {
                EntryStatus::Done
            };
            let due = expires.map(|e| crate::when::end_of_day(e, s.utc_offset));
            vec![entry(status, day("signed_on"), due, expires, summary)]
        }
        Register::ProcurementReview => {
            let status = match (d.text("review"), d.text("may_affect_national_security")) {
                (Some("passed"), _) | (_, Some("no")) => EntryStatus::Done,
                (Some("failed"), _) => EntryStatus::Failed,
                _ if day("purchased_on").is_some_and(|p| p <= as_of) => EntryStatus::Failed,
                _ => EntryStatus::Open,
            };
            let done = day("decided_on").or_else(|| day("purchased_on"));
            vec![entry(status, done, None, None, summary)]
        }
        Register::RealName => vec![entry(
            EntryStatus::Done,
            day("checked_on"),
            None,
            None,
            summary,
        )],
        Register::Mlps => {
            let system = d.text("system").map(str::to_owned);
            let mut out = Vec::new();
            if let Some(f) = ds
                .iter()
                .find(|x| x.kind == crate::clock::DeadlineKind::MlpsFiling)
            {
                let (status, due) = from_deadlines(std::slice::from_ref(f), as_of);
                let mut e = entry(
                    status,
                    day("filed_on"),
                    due.or(f.due),
                    None,
                    summary.clone(),
                );
                e.system = system.clone();
                out.push(e);
            }
            if let Some(t) = d.date("last_test_on") {
                let status = if d.text("test_conclusion") == Some("not-conform") {
                    EntryStatus::Failed
                } else {
                    EntryStatus::Done
                };
                let mut e = entry(status, Some(at_day(t, s)), None, None, summary);
                e.register = RegisterKind::MlpsTests;
                e.system = system;
                out.push(e);
            }
            out
        }
        Register::CiiAssessment => {
            let (status, summary) = if d.contains_key("submitted_on") {
                (EntryStatus::Done, summary)
            } else {
                (
                    EntryStatus::Failed,
                    format!(
                        "{summary}（尚未报送保护工作部门 / not yet sent to the sector department）"
                    ),
                )
            };
            vec![entry(status, day("assessed_on"), None, None, summary)]
        }
        Register::Equipment => {
            let status = if has("certificate-missing") {
                EntryStatus::Failed
            } else if has("catalog-unknown") {
                EntryStatus::Open
            } else {
                EntryStatus::Done
            };
            vec![entry(status, day("in_use_since"), None, None, summary)]
        }
        Register::Project => {
            let live_first = findings
                .iter()
                .any(|f| f.key == "three-synchronous" && f.message.en.contains("goes live"));
            let status = if live_first {
                EntryStatus::Failed
            } else if findings.is_empty() {
                EntryStatus::Done
            } else {
                EntryStatus::Open
            };
            vec![entry(status, day("in_use_on"), None, None, summary)]
        }
    }
}

fn grade_zh(key: &str) -> &'static str {
    crate::clock::Grade::parse(key)
        .map(crate::clock::Grade::zh)
        .unwrap_or("")
}
