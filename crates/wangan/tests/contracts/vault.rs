//! `wangan vault … --json`: the documents of the `vault` crate
//! ([`vault::contract`]), printed through a `serde_json::Value` (keys
//! sorted), and the line `wangan vault verify` appends to `verified.log`.

use vault::contract as v;

use crate::Example;

const ROOT: &str = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
const T0: &str = "2026-11-22T10:00:00.123456789Z";
const T1: &str = "2026-11-22T11:30:00Z";
const ORIGIN: &str = "wangan.vault/0123456789abcdef";
const ED: &str =
    "wangan.vault/0123456789abcdef+1a2b3c4d+AW0123456789abcdefghijklmnopqrstuvwxyzABCDEFG";
const SEGMENT: &str = "00000000000000000000-00000000000000000011.seg";

fn cp_ref() -> v::CheckpointRef {
    v::CheckpointRef {
        origin: ORIGIN.into(),
        size: 12,
        root: ROOT.into(),
        time: T0.into(),
        hash: "sha256",
    }
}

/// `wangan.vault.verify/1` (without registers, or with the registers' report).
pub fn verify_example<R>(registers: Option<R>) -> v::Verify<R> {
    v::Verify {
        intact: false,
        mode: "full",
        origin: ORIGIN.into(),
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
            segment: Some(SEGMENT.into()),
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

/// One example of each `wangan.vault.*` document (and of a query line).
pub fn examples() -> Vec<Example> {
    let mut out = Vec::new();
    let init = v::Init {
        data_dir: "/var/lib/wangan".into(),
        origin: ORIGIN.into(),
        hash: "sm3",
        retention: "6 months".into(),
        ed25519_verifier_key: ED.into(),
        sm2_public_key: Some("04".to_owned() + &"ab".repeat(64)),
    };
    out.push(Example::via_value(v::Init::SCHEMA, &init));

    let ingest = v::Ingest {
        records: 3,
        empty_lines_skipped: 1,
        first_seq: Some(9),
        last_seq: Some(11),
        tree_size: 12,
        root: ROOT.into(),
        sealed: vec![SEGMENT.into()],
    };
    out.push(Example::via_value(v::Ingest::SCHEMA, &ingest));

    let checkpoint = v::Checkpoint {
        origin: ORIGIN.into(),
        size: 12,
        root: ROOT.into(),
        time: T0.into(),
        hash: "sha256",
        note: format!(
            "{ORIGIN}\n12\n{ROOT}\ntime {T0}\nhash sha256\nretention 6 months\n\n— {ORIGIN} AAAAAA==\n"
        ),
    };
    out.push(Example::via_value(v::Checkpoint::SCHEMA, &checkpoint));

    // `wangan vault query --json`: one line per record, with no `schema` field
    // and no version; pinned all the same, so that a change of shape fails.
    // Two lines (parsed, and not UTF-8) as an array: the shape of its items
    // shows which fields a line may lack.
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
    out.push(Example::via_value(
        "wangan.vault.query#jsonl",
        &[parsed, unparsed],
    ));

    let prune = v::Prune {
        dry_run: true,
        now: T1.into(),
        cutoff: "2026-05-22T11:30:00Z".into(),
        pruned: vec![v::PrunedSegment {
            segment: SEGMENT.into(),
            first_seq: 0,
            last_seq: 11,
            newest: "2026-04-01T00:00:00Z".into(),
        }],
        refused: Some("no record has arrived since …".into()),
    };
    out.push(Example::via_value(v::Prune::SCHEMA, &prune));

    let coverage = v::Coverage {
        covered: false,
        at: T1.into(),
        window: v::CoverageWindow {
            from: "2026-05-22T11:30:00Z".into(),
            to: T1.into(),
            length: "6 months".into(),
        },
        six_months_from: "2026-05-22T11:30:00Z".into(),
        utc_offset: v::utc_offset_text(time::UtcOffset::from_hms(8, 0, 0).expect("an offset")),
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
    out.push(Example::via_value(v::Coverage::SCHEMA, &coverage));

    let mut old = cp_ref();
    old.size = 5;
    let prove = v::ProveConsistency {
        old,
        new: cp_ref(),
        proof: vec![ROOT.into(), ROOT.into()],
    };
    out.push(Example::via_value(v::ProveConsistency::SCHEMA, &prove));

    let export = v::Export {
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
    out.push(Example::via_value(v::Export::SCHEMA, &export));

    let check = v::CheckBundle {
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
            origin: ORIGIN.into(),
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
            origin: ORIGIN.into(),
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
    out.push(Example::via_value(v::CheckBundle::SCHEMA, &check));
    // a file that is no bundle at all: the same schema, another shape
    let invalid = v::CheckBundleInvalid {
        ok: false,
        error: "not a wangan bundle (bad magic)".into(),
    };
    out.push(Example::via_value(
        "wangan.vault.check-bundle/2#invalid",
        &invalid,
    ));

    out.push(Example::via_value(
        v::Verify::SCHEMA,
        &verify_example::<()>(None),
    ));

    // the line appended to `verified.log` after a full verification (read by
    // `wangan assess`), in the order the type declares
    let verified = vault::verified::Verified {
        schema: vault::verified::SCHEMA.into(),
        time: T1.into(),
        intact: true,
        size: 12,
        root: ROOT.into(),
        hash: "sha256".into(),
        records_checked: 12,
        errors: 0,
        warnings: 1,
    };
    out.push(Example::in_declared_order(
        vault::verified::SCHEMA,
        &verified,
    ));
    out
}
