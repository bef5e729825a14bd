//! The decision rules as a pure function: every duty decided, applicability
//! by operator kind, determinism, waivers at their edges, the version in
//! force by date.

use std::path::Path;

use duties::evidence::Evidence;
use duties::model::Status;
use duties::{Inputs, OperatorKind, assess, profile};
use time::macros::{date, datetime};

fn profile_of(kind: OperatorKind, provider: bool, extra: &str) -> duties::Profile {
    let text = format!(
        "version = 1\n[operator]\nname = \"x\"\nkind = \"{}\"\nprovider = {provider}\n{extra}",
        kind.key()
    );
    profile::parse(&text, Path::new("p.toml")).unwrap_or_else(|e| panic!("{e}"))
}

fn run(p: &duties::Profile, at: time::Date) -> duties::Assessment {
    assess(Inputs {
        profile: p,
        at,
        collected: datetime!(2026-03-05 10:00 +08:00),
        evidence: &Evidence::default(),
    })
}

#[test]
fn every_duty_is_decided_and_applicability_follows_the_profile() {
    for kind in OperatorKind::ALL {
        for provider in [false, true] {
            let a = run(&profile_of(kind, provider, ""), date!(2026 - 03 - 01));
            assert_eq!(a.duties.len(), law::duties().len());
            for (d, l) in a.duties.iter().zip(law::duties()) {
                assert_eq!(d.id, l.id);
                let na = d.status == Status::NotApplicable;
                match l.bearer {
                    law::Bearer::Authorities | law::Bearer::IndustryBody => assert!(na, "{}", d.id),
                    law::Bearer::CiiOperator => assert_eq!(na, !kind.is_cii(), "{} {kind}", d.id),
                    law::Bearer::Provider if d.id != "csl.critical-equipment-certification" => {
                        assert_eq!(na, !provider, "{} provider={provider}", d.id)
                    }
                    _ => {}
                }
                if l.kind == law::Kind::Encouragement {
                    assert!(na, "{}", d.id);
                }
                // a reason always, in both languages
                assert!(
                    !d.reason.zh.is_empty() && !d.reason.en.is_empty(),
                    "{}",
                    d.id
                );
                if !na {
                    assert!(
                        !d.remediation.is_empty() || d.status == Status::Met,
                        "{}",
                        d.id
                    );
                }
            }
            // nothing proven: no duty is met
            assert_eq!(a.summary.met, 0, "{kind} {provider}");
        }
    }
}

#[test]
fn the_same_inputs_give_the_same_assessment() {
    let p = profile_of(OperatorKind::CiiOperator, true, "");
    let a = serde_json::to_string(&run(&p, date!(2026 - 03 - 01))).unwrap_or_default();
    let b = serde_json::to_string(&run(&p, date!(2026 - 03 - 01))).unwrap_or_default();
    assert_eq!(a, b);
}

#[test]
fn waivers_hold_until_the_day_before_expiry_and_only_once_granted() {
    let w = "[[waiver]]\nduty = \"csl.incident-report\"\nreason = \"r\"\nowner = \"o\"\nexpires = 2026-03-01\ngranted = 2026-01-10\n";
    let p = profile_of(OperatorKind::Operator, false, w);
    let status = |at| {
        run(&p, at)
            .duty("csl.incident-report")
            .map(|d| d.status)
            .unwrap_or(Status::Met)
    };
    assert_eq!(
        status(date!(2026 - 01 - 09)),
        Status::NeedsEvidence,
        "before it was granted"
    );
    assert_eq!(status(date!(2026 - 01 - 10)), Status::Waived);
    assert_eq!(status(date!(2026 - 02 - 28)), Status::Waived);
    assert_eq!(
        status(date!(2026 - 03 - 01)),
        Status::NeedsEvidence,
        "expiry day"
    );
    // a waiver of a duty that does not apply changes nothing
    let w = "[[waiver]]\nduty = \"csl.cii-drills\"\nreason = \"r\"\nowner = \"o\"\nexpires = 2027-01-01\n";
    let a = run(
        &profile_of(OperatorKind::Operator, false, w),
        date!(2026 - 03 - 01),
    );
    assert_eq!(
        a.duty("csl.cii-drills").map(|d| d.status),
        Some(Status::NotApplicable)
    );
    assert_eq!(
        a.waivers[0].state,
        duties::model::WaiverStatus::NotApplicable
    );
}

#[test]
fn the_article_and_penalty_are_those_in_force_on_the_date() {
    let p = profile_of(OperatorKind::CiiOperator, false, "");
    for (at, version, article, penalty) in [
        (date!(2025 - 12 - 31), "2016", "38", "CSL-2016 art. 59¶2"),
        (
            date!(2026 - 01 - 01),
            "2025",
            "40",
            "CSL-2025 art. 61¶2, 61¶3",
        ),
    ] {
        let a = run(&p, at);
        let d = a.duty("csl.cii-annual-assessment").expect("duty");
        assert_eq!(d.article.version, version);
        assert_eq!(d.article.reference, article);
        assert_eq!(d.penalties.len(), 1);
        assert_eq!(d.penalties[0].citation.as_deref(), Some(penalty));
        assert!(
            d.penalties[0]
                .text
                .as_deref()
                .is_some_and(|t| !t.is_empty())
        );
    }
}

#[test]
fn an_item_is_quoted_after_its_articles_lead_sentence() {
    let a = run(
        &profile_of(OperatorKind::Operator, false, ""),
        date!(2026 - 03 - 01),
    );
    let d = a.duty("csl.log-retention").expect("duty");
    assert!(
        d.article
            .text
            .starts_with("第二十三条 国家实行网络安全等级保护制度。")
    );
    assert!(d.article.text.ends_with("留存相关的网络日志不少于六个月；"));
}

#[test]
fn a_scan_that_could_not_read_some_inputs_is_incomplete_evidence() {
    let store = "[[data_store]]\nid = \"files\"\ntarget = \"/srv/files\"\ncountry = \"CN\"\n";
    let p = profile_of(OperatorKind::Operator, false, store);
    let decide = |skipped: u64| {
        let ev = Evidence {
            scans: vec![duties::evidence::ScanEvidence {
                store: "files".into(),
                file: "scans/files.json".into(),
                sha256: "0".repeat(64),
                scanned_at: datetime!(2026-03-04 10:00 +08:00),
                target: "/srv/files".into(),
                level: duties::evidence::DataLevel::NoPi,
                sensitive: false,
                minors: false,
                secrets: false,
                persons: 0,
                kinds: vec![],
                skipped,
            }],
            ..Evidence::default()
        };
        let a = assess(Inputs {
            profile: &p,
            at: date!(2026 - 03 - 05),
            collected: datetime!(2026-03-05 10:00 +08:00),
            evidence: &ev,
        });
        let d = a
            .duties
            .into_iter()
            .find(|d| d.id == "csl.data-classification-backup")
            .unwrap();
        let text = serde_json::to_string(&d.findings).unwrap_or_default();
        (d.status, text)
    };
    let (complete, text) = decide(0);
    assert!(!text.contains("could not read"), "{text}");
    let (incomplete, text) = decide(2);
    assert!(text.contains("could not read 2 of its inputs"), "{text}");
    assert_eq!(complete, Status::Met);
    assert_ne!(incomplete, Status::Met, "{text}");
}
