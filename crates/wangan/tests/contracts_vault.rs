//! Contract tests of the versioned JSON shapes printed by `wangan vault …` and the register
//! commands (`vault::contract`, `registers::contract`): one example of each shape, printed as
//! the binary prints it (pretty, keys sorted), kept as one insta snapshot per schema
//! (`snapshots/contracts_vault__<schema>.snap`). Any change of a shape fails here: a deliberate
//! change updates the snapshot and, when it breaks readers, the schema version.
//!
//! Each test is one schema; the list of schemas is [`SCHEMAS`], checked against the tests by
//! `every_schema_has_an_example`.

use serde::Serialize;
use vault::contract as v;

/// The schema names with an example below (`wangan.vault.verify/1` twice: without and with
/// registers).
const SCHEMAS: &[&str] = &[
    v::Init::SCHEMA,
    v::Ingest::SCHEMA,
    v::Checkpoint::SCHEMA,
    v::Prune::SCHEMA,
    v::Coverage::SCHEMA,
    v::ProveConsistency::SCHEMA,
    v::Export::SCHEMA,
    v::CheckBundle::SCHEMA,
    v::Verify::SCHEMA,
    registers::contract::IncidentReport::SCHEMA,
    registers::contract::Status::SCHEMA,
    registers::contract::Anchored::SCHEMA,
    registers::contract::VerifyMissing::SCHEMA,
];

/// The text the binary prints for `value`, after checking its `schema`.
fn printed(value: &impl Serialize, schema: Option<&str>) -> String {
    let j = serde_json::to_value(value).unwrap();
    assert_eq!(j.get("schema").and_then(|s| s.as_str()), schema, "{j}");
    if let Some(s) = schema {
        assert!(SCHEMAS.contains(&s), "{s} is not in SCHEMAS");
    }
    serde_json::to_string_pretty(&j).unwrap()
}

/// Snapshot file name of a schema: `wangan.vault.init/1` → `wangan.vault.init@1`.
fn name(schema: &str) -> String {
    schema.replace('/', "@")
}

const ROOT: &str = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
const T0: &str = "2026-11-22T10:00:00.123456789Z";
const T1: &str = "2026-11-22T11:30:00Z";
const ED: &str =
    "wangan.vault/0123456789abcdef+1a2b3c4d+AW0123456789abcdefghijklmnopqrstuvwxyzABCDEFG";

fn cp_ref() -> v::CheckpointRef {
    v::CheckpointRef {
        origin: "wangan.vault/0123456789abcdef".into(),
        size: 12,
        root: ROOT.into(),
        time: T0.into(),
        hash: "sha256",
    }
}

#[test]
fn every_schema_has_an_example() {
    // one snapshot file per schema (the verify shape has a second one, with registers)
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    for s in SCHEMAS {
        let f = dir.join(format!("contracts_vault__{}.snap", name(s)));
        assert!(f.exists(), "no example of {s}: {}", f.display());
    }
}

#[test]
fn vault_init() {
    let j = v::Init {
        data_dir: "/var/lib/wangan".into(),
        origin: "wangan.vault/0123456789abcdef".into(),
        hash: "sm3",
        retention: "6 months".into(),
        ed25519_verifier_key: ED.into(),
        sm2_public_key: Some("04".to_owned() + &"ab".repeat(64)),
    };
    insta::assert_snapshot!(name(v::Init::SCHEMA), printed(&j, Some(v::Init::SCHEMA)));
}

#[test]
fn vault_ingest() {
    let j = v::Ingest {
        records: 3,
        empty_lines_skipped: 1,
        first_seq: Some(9),
        last_seq: Some(11),
        tree_size: 12,
        root: ROOT.into(),
        sealed: vec!["00000000000000000000-00000000000000000011.seg".into()],
    };
    insta::assert_snapshot!(
        name(v::Ingest::SCHEMA),
        printed(&j, Some(v::Ingest::SCHEMA))
    );
}

#[test]
fn vault_checkpoint() {
    let j = v::Checkpoint {
        origin: "wangan.vault/0123456789abcdef".into(),
        size: 12,
        root: ROOT.into(),
        time: T0.into(),
        hash: "sha256",
        note: format!(
            "wangan.vault/0123456789abcdef\n12\n{ROOT}\ntime {T0}\nhash sha256\nretention 6 months\n\n— wangan.vault/0123456789abcdef AAAAAA==\n"
        ),
    };
    let s = v::Checkpoint::SCHEMA;
    insta::assert_snapshot!(name(s), printed(&j, Some(s)));
}

#[test]
fn vault_query_record() {
    let parsed = v::QueryRecord {
        seq: 7,
        received_at: T0.into(),
        source: "fw1".into(),
        peer: "192.0.2.7:514".into(),
        transport: "udp".into(),
        raw: "<34>Oct 11 22:14:15 fw1 sshd: Failed password for root".into(),
        raw_hex: None,
        parsed: Some(v::QueryParsed {
            event_time: Some("2026-10-11T22:14:15Z".into()),
            host: Some("fw1".into()),
            app: Some("sshd".into()),
            severity: Some(2),
            facility: Some(4),
            message: "Failed password for root".into(),
            fields: vec![("user".into(), "root".into())],
        }),
    };
    let unparsed = v::QueryRecord {
        seq: 8,
        received_at: T0.into(),
        source: "fw1".into(),
        peer: "file:fw1.log".into(),
        transport: "file".into(),
        raw: "\u{fffd}\u{fffd}".into(),
        raw_hex: Some("fffe".into()),
        parsed: None,
    };
    let lines = [&parsed, &unparsed]
        .map(|r| serde_json::to_string(&serde_json::to_value(r).unwrap()).unwrap());
    insta::assert_snapshot!("vault.query-line", lines.join("\n"));
}

#[test]
fn vault_prune() {
    let j = v::Prune {
        dry_run: true,
        now: T1.into(),
        cutoff: "2026-05-22T11:30:00Z".into(),
        pruned: vec![v::PrunedSegment {
            segment: "00000000000000000000-00000000000000000011.seg".into(),
            first_seq: 0,
            last_seq: 11,
            newest: "2026-04-01T00:00:00Z".into(),
        }],
        refused: Some("no record has arrived since …".into()),
    };
    insta::assert_snapshot!(name(v::Prune::SCHEMA), printed(&j, Some(v::Prune::SCHEMA)));
}

#[test]
fn vault_coverage() {
    let j = v::Coverage {
        covered: false,
        at: T1.into(),
        window: v::CoverageWindow {
            from: "2026-05-22T11:30:00Z".into(),
            to: T1.into(),
            length: "6 months".into(),
        },
        six_months_from: "2026-05-22T11:30:00Z".into(),
        utc_offset: v::utc_offset_text(time::UtcOffset::from_hms(8, 0, 0).unwrap()),
        gap_threshold_seconds: 3600,
        records: 2,
        unreadable: vec![],
        sources: vec![v::CoverageSource {
            source: "fw1".into(),
            records: 2,
            first: T0.into(),
            last: T1.into(),
            in_window: 2,
            covers_window: false,
            six_months: false,
            gaps: vec![v::CoverageGap {
                from: "2026-05-22T11:30:00Z".into(),
                to: T0.into(),
                seconds: 15_807_600,
                before_first: true,
                after_last: false,
            }],
            days: vec![("2026-11-22".into(), 2)],
        }],
    };
    let s = v::Coverage::SCHEMA;
    insta::assert_snapshot!(name(s), printed(&j, Some(s)));
}

#[test]
fn vault_prove_consistency() {
    let mut old = cp_ref();
    old.size = 5;
    let j = v::ProveConsistency {
        old,
        new: cp_ref(),
        proof: vec![ROOT.into(), ROOT.into()],
    };
    let s = v::ProveConsistency::SCHEMA;
    insta::assert_snapshot!(name(s), printed(&j, Some(s)));
}

#[test]
fn vault_export() {
    let j = v::Export {
        output: "incident-42.bundle".into(),
        records: 3,
        beyond_checkpoint: 1,
        bytes: 4096,
        checkpoint: cp_ref(),
        since: Some(v::SinceRef {
            size: 5,
            root: ROOT.into(),
            time: T0.into(),
        }),
    };
    insta::assert_snapshot!(
        name(v::Export::SCHEMA),
        printed(&j, Some(v::Export::SCHEMA))
    );
}

#[test]
fn vault_check_bundle() {
    let j = v::CheckBundle {
        ok: false,
        trust: "not_anchored",
        self_consistent: true,
        anchor: v::CheckBundleAnchor {
            keys: vec![],
            trusted_keys_given: 0,
            trust_store: None,
        },
        records: 3,
        records_verified: 3,
        seq: Some(v::SeqRange { first: 9, last: 11 }),
        time: Some(v::TimeRange {
            from: T0.into(),
            to: T1.into(),
        }),
        sources: vec![v::SourceCount {
            source: "fw1".into(),
            records: 3,
        }],
        hash: Some("sha256"),
        checkpoint: Some(v::CheckBundleCheckpoint {
            origin: "wangan.vault/0123456789abcdef".into(),
            size: 12,
            root: ROOT.into(),
            time: T0.into(),
        }),
        keys: Some(v::CheckBundleKeys {
            ed25519: ED.into(),
            ed25519_id: "1a2b3c4d".into(),
            ed25519_sha256: "00".repeat(32),
            sm2: None,
            sm2_id: None,
            sm2_sha256: None,
        }),
        sm2_verified: false,
        since: Some(v::CheckBundleSince {
            origin: "wangan.vault/0123456789abcdef".into(),
            size: 5,
            root: ROOT.into(),
            time: T0.into(),
            consistency_verified: true,
        }),
        failures: vec![v::CheckBundleFailure {
            kind: "sm2_signature_missing",
            record: None,
            seq: None,
            message: "the checkpoint has no sm2 signature".into(),
        }],
        more_failures: 0,
    };
    let s = v::CheckBundle::SCHEMA;
    insta::assert_snapshot!(name(s), printed(&j, Some(s)));
    let bad = v::CheckBundleInvalid {
        ok: false,
        error: "not a wangan bundle (bad magic)".into(),
    };
    insta::assert_snapshot!(
        "wangan.vault.check-bundle@2-invalid",
        printed(&bad, Some(s))
    );
}

fn verify_example<R>(registers: Option<R>) -> v::Verify<R> {
    v::Verify {
        intact: false,
        mode: "full",
        origin: "wangan.vault/0123456789abcdef".into(),
        hash: "sha256",
        records: 12,
        records_checked: 12,
        segments: 1,
        tombstones: 0,
        checkpoints: 3,
        latest_checkpoint: Some(v::LatestCheckpoint {
            size: 12,
            root: ROOT.into(),
            time: T0.into(),
        }),
        findings: vec![v::VerifyFinding {
            kind: "leaf_mismatch",
            severity: "error",
            message: "record 4 does not match its leaf".into(),
            segment: Some("00000000000000000000-00000000000000000011.seg".into()),
            seq: Some(v::SeqRange { first: 4, last: 4 }),
            time: Some(v::TimeRange {
                from: T0.into(),
                to: T0.into(),
            }),
            sources: vec!["fw1".into()],
        }],
        registers,
    }
}

#[test]
fn vault_verify() {
    let s = v::Verify::SCHEMA;
    insta::assert_snapshot!(name(s), printed(&verify_example::<()>(None), Some(s)));
    let regs = registers::VerifyReport {
        schema: "wangan.registers.verify/1",
        store: "0123456789abcdef".into(),
        location: "wangan-data/registers.sqlite".into(),
        changes: 4,
        records: 2,
        anchors: 1,
        other_store_anchors: 0,
        anchored_through: 4,
        anchored_through_recorded: 4,
        pending: 0,
        findings: vec![],
    };
    let j = verify_example(Some(regs));
    insta::assert_snapshot!("wangan.vault.verify@1-with-registers", printed(&j, Some(s)));
}

#[test]
fn incident_report() {
    use registers::contract::IncidentReport;
    let j = IncidentReport {
        id: "INC-2026-0001".into(),
        revision: 3,
        kind: IncidentReport::kind_name(registers::report::ReportKind::Initial),
        format: "docx".into(),
        output: "inc-1.docx".into(),
        bytes: 10_240,
        sha256: "ab".repeat(32),
    };
    let s = IncidentReport::SCHEMA;
    insta::assert_snapshot!(name(s), printed(&j, Some(s)));
}

#[test]
fn registers_status() {
    use registers::contract::{Status, StatusMissing};
    let j = Status {
        location: "wangan-data/registers.sqlite".into(),
        backend: "sqlite",
        exists: true,
        store: "0123456789abcdef".into(),
        schema_version: 3,
        registers: vec![registers::RegisterCount {
            register: registers::Register::Incident,
            records: 2,
            open: 1,
        }],
        anchors_pending: 1,
        pending_since: Some(T0.into()),
        operator_kind: registers::OperatorKind::Cii,
    };
    let s = Status::SCHEMA;
    insta::assert_snapshot!(name(s), printed(&j, Some(s)));
    let missing = StatusMissing {
        location: "wangan-data/registers.sqlite".into(),
        exists: false,
    };
    insta::assert_snapshot!(
        "wangan.registers.status@1-missing",
        printed(&missing, Some(s))
    );
}

#[test]
fn registers_anchor() {
    use registers::contract::Anchored;
    let j = Anchored {
        anchored: 2,
        through: 4,
        pending: 0,
    };
    insta::assert_snapshot!(name(Anchored::SCHEMA), printed(&j, Some(Anchored::SCHEMA)));
}

#[test]
fn registers_verify_without_registers() {
    use registers::contract::VerifyMissing;
    let j = VerifyMissing::default();
    let s = VerifyMissing::SCHEMA;
    insta::assert_snapshot!(name(s), printed(&j, Some(s)));
}

#[test]
fn record_anchor_state() {
    // the `anchor` member added to a record shape after a write
    let j = registers::contract::AnchorState {
        status: "pending",
        pending: 1,
        through: 3,
        reason: Some("the vault is held by another process".into()),
    };
    insta::assert_snapshot!("registers.record-anchor", printed(&j, None));
}
