//! The register commands' documents (`--json`): the shapes of the
//! `registers` crate ([`registers::contract`], [`registers::view`]), and
//! `wangan.vault.verify/1` with the registers' part.

use registers::contract::{
    AnchorState, Anchored, IncidentReport, RecordOutput, Status, StatusMissing, VerifyMissing,
};
use registers::view::{self, GradeView, SuggestionView};
use registers::{
    OperatorKind, Page, Record, Register, RegisterCount, Settings, Sweep, SweepFinding, SweepItem,
};
use serde_json::json;
use time::OffsetDateTime;

use crate::Example;

const T0: &str = "2026-11-22T10:00:00.123456789Z";
const LOCATION: &str = "wangan-data/registers.sqlite";

fn at(s: &str) -> OffsetDateTime {
    registers::when::parse_datetime(s).expect("an RFC 3339 time")
}

/// A large incident at a CII operator, reported to the sector department
/// and not yet to the police; its personal-information count makes it major.
fn incident() -> Record {
    let serde_json::Value::Object(data) = json!({
        "title": "勒索软件加密文件服务器",
        "grade": "large",
        "discovered_at": "2025-03-14T23:30:00+08:00",
        "systems": ["文件服务器", "OA"],
        "pi_people": 12_000_000,
        "reported_sector_at": "2025-03-15T00:20:00+08:00",
        "status": "open",
    }) else {
        unreachable!("an object")
    };
    Record {
        register: Register::Incident,
        id: "INC-1".into(),
        revision: 2,
        data,
        created_at: "2025-03-14T15:40:00Z".into(),
        created_by: "alice".into(),
        updated_at: "2025-03-14T16:20:00Z".into(),
        updated_by: "bob".into(),
        seq: 3,
        hash: "ab".repeat(32),
    }
}

/// `wangan.registers.verify/1`: a report with no findings.
fn verify_report() -> registers::VerifyReport {
    registers::VerifyReport {
        schema: "wangan.registers.verify/1",
        store: "0123456789abcdef".into(),
        location: LOCATION.into(),
        changes: 4,
        records: 2,
        anchors: 1,
        other_store_anchors: 0,
        anchored_through: 4,
        anchored_through_recorded: 4,
        pending: 0,
        findings: vec![],
    }
}

/// One example of each register document.
pub fn examples() -> Vec<Example> {
    let mut out = Vec::new();
    let settings = Settings::default();
    let kind = OperatorKind::Cii;
    let now = at("2025-03-15T00:40:00+08:00");
    let rec = incident();

    // a record after a write: the record shape with where anchoring stands
    let v = view::record_view(&rec, kind, &settings, now, None, false);
    let written = RecordOutput {
        view: &v,
        anchor: Some(AnchorState {
            status: "pending",
            pending: 1,
            through: 3,
            reason: Some("the vault is held by another process".into()),
        }),
    };
    out.push(Example::via_value("wangan.incident/1", &written));

    let page = Page {
        total: 3,
        items: vec![rec.clone()],
    };
    let list = view::list_view(Register::Incident, &page, 0, 1, kind, &settings, now);
    out.push(Example::via_value("wangan.incident.list/1", &list));

    // `wangan registers clocks --json`: the register-wide clocks and the
    // incident's, written straight from the type (declared order)
    let mut sweep = Sweep::without_records(kind, &settings, now);
    for d in registers::rules::deadlines(Register::Incident, &rec.data, kind, &settings) {
        if d.state(now).is_open() {
            sweep.items.push(SweepItem {
                register: Register::Incident,
                id: Some(rec.id.clone()),
                summary: Register::Incident.summary(&rec.data),
                deadline: d,
            });
        }
    }
    for f in registers::rules::findings(Register::Incident, &rec.data, kind, &settings) {
        sweep.findings.push(SweepFinding {
            register: Register::Incident,
            id: rec.id.clone(),
            summary: Register::Incident.summary(&rec.data),
            finding: f,
        });
    }
    let clocks = view::sweep_view(&sweep, kind, now);
    out.push(Example::in_declared_order(clocks.schema, &clocks));

    let harm = |s: &str| registers::mlps::parse_harm(s).expect("a harm");
    let grading = GradeView {
        schema: "wangan.mlps.grade/1",
        grading: registers::mlps::grade(
            harm("social:serious"),
            harm("citizens:especially-serious"),
            &settings,
        ),
    };
    out.push(Example::via_value(grading.schema, &grading));

    let suggestion = SuggestionView {
        schema: "wangan.incident.grade/1",
        suggestion: registers::grade::suggest(
            &[registers::grade::Measure {
                key: "pi_people".into(),
                value: 1_200_000.0,
            }],
            &settings,
        )
        .expect("a suggestion"),
    };
    out.push(Example::via_value(suggestion.schema, &suggestion));

    let report = IncidentReport {
        id: "INC-2026-0001".into(),
        revision: 3,
        kind: IncidentReport::kind_name(registers::report::ReportKind::Initial),
        format: "docx".into(),
        output: "inc-1.docx".into(),
        bytes: 10_240,
        sha256: "ab".repeat(32),
    };
    out.push(Example::via_value(IncidentReport::SCHEMA, &report));

    let status = Status {
        location: LOCATION.into(),
        backend: "sqlite",
        exists: true,
        store: "0123456789abcdef".into(),
        schema_version: 3,
        registers: vec![RegisterCount {
            register: Register::Incident,
            records: 2,
            open: 1,
        }],
        anchors_pending: 1,
        pending_since: Some(T0.into()),
        operator_kind: OperatorKind::Cii,
    };
    out.push(Example::via_value(Status::SCHEMA, &status));
    let missing = StatusMissing {
        location: LOCATION.into(),
        exists: false,
    };
    out.push(Example::via_value(
        "wangan.registers.status/1#missing",
        &missing,
    ));

    let anchored = Anchored {
        anchored: 2,
        through: 4,
        pending: 0,
    };
    out.push(Example::via_value(Anchored::SCHEMA, &anchored));

    out.push(Example::via_value(VerifyMissing::SCHEMA, &verify_report()));
    out.push(Example::via_value(
        "wangan.registers.verify/1#missing",
        &VerifyMissing::default(),
    ));

    // `wangan vault verify --json` with the registers anchored in the vault
    let with = crate::vault::verify_example(Some(verify_report()));
    out.push(Example::via_value("wangan.vault.verify/1#registers", &with));
    out
}
