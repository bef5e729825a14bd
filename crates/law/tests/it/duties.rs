//! Every duty's fields, and coverage of every provision of chapter 3.

use law::{
    Bearer, Change, ClockRule, Evidence, Kind, Loc, Period, Status, Version, counterparts, duties,
    duties_at, duty, resolve,
};

/// (id, bearer, draft, 2016, 2025, change since draft, 2016 penalty, 2025 penalty)
type Row = (
    &'static str,
    Bearer,
    Option<&'static str>,
    &'static str,
    &'static str,
    Change,
    Option<&'static str>,
    Option<&'static str>,
);

const TABLE: &[Row] = &[
    (
        "csl.security-management",
        Bearer::NetworkOperator,
        Some("17(1)"),
        "21(1)",
        "23(1)",
        Change::Unchanged,
        Some("59¶1"),
        Some("61¶1, 61¶3"),
    ),
    (
        "csl.malware-intrusion-defence",
        Bearer::NetworkOperator,
        Some("17(2)"),
        "21(2)",
        "23(2)",
        Change::Reworded,
        Some("59¶1"),
        Some("61¶1, 61¶3"),
    ),
    (
        "csl.log-retention",
        Bearer::NetworkOperator,
        Some("17(3)"),
        "21(3)",
        "23(3)",
        Change::Substantive,
        Some("59¶1"),
        Some("61¶1, 61¶3"),
    ),
    (
        "csl.data-classification-backup",
        Bearer::NetworkOperator,
        Some("17(4)"),
        "21(4)",
        "23(4)",
        Change::Unchanged,
        Some("59¶1"),
        Some("61¶1, 61¶3"),
    ),
    (
        "csl.other-mlps-duties",
        Bearer::NetworkOperator,
        Some("17(5)"),
        "21(5)",
        "23(5)",
        Change::Unchanged,
        Some("59¶1"),
        Some("61¶1, 61¶3"),
    ),
    (
        "csl.product-standards",
        Bearer::Provider,
        Some("18¶1"),
        "22¶1",
        "24¶1",
        Change::Substantive,
        Some("60(1)"),
        Some("62(1), 62¶2"),
    ),
    (
        "csl.product-flaw-remedy",
        Bearer::Provider,
        Some("18¶1"),
        "22¶1",
        "24¶1",
        Change::Substantive,
        Some("60(2)"),
        Some("62(2), 62¶2"),
    ),
    (
        "csl.product-maintenance",
        Bearer::Provider,
        Some("18¶2"),
        "22¶2",
        "24¶2",
        Change::Reworded,
        Some("60(3)"),
        Some("62(3)"),
    ),
    (
        "csl.product-user-consent",
        Bearer::Provider,
        Some("18¶1"),
        "22¶3",
        "24¶3",
        Change::Substantive,
        Some("64¶1"),
        Some("71(2)"),
    ),
    (
        "csl.critical-equipment-certification",
        Bearer::Provider,
        Some("19"),
        "23",
        "25",
        Change::Substantive,
        None,
        Some("63"),
    ),
    (
        "csl.real-name",
        Bearer::NetworkOperator,
        Some("20¶1"),
        "24¶1",
        "26¶1",
        Change::Substantive,
        Some("61"),
        Some("64"),
    ),
    (
        "csl.trusted-identity",
        Bearer::Authorities,
        Some("20¶2"),
        "24¶2",
        "26¶2",
        Change::Substantive,
        None,
        None,
    ),
    (
        "csl.incident-plan",
        Bearer::NetworkOperator,
        Some("21"),
        "25",
        "27",
        Change::Reworded,
        Some("59¶1"),
        Some("61¶1, 61¶3"),
    ),
    (
        "csl.incident-report",
        Bearer::NetworkOperator,
        Some("21"),
        "25",
        "27",
        Change::Unchanged,
        Some("59¶1"),
        Some("61¶1, 61¶3"),
    ),
    (
        "csl.security-services-rules",
        Bearer::Anyone,
        None,
        "26",
        "28",
        Change::New,
        Some("62"),
        Some("65"),
    ),
    (
        "csl.no-attacks",
        Bearer::Anyone,
        Some("22"),
        "27",
        "29",
        Change::Substantive,
        Some("63"),
        Some("66"),
    ),
    (
        "csl.law-enforcement-support",
        Bearer::NetworkOperator,
        Some("23"),
        "28",
        "30",
        Change::Substantive,
        Some("69(3)"),
        Some("70(2)"),
    ),
    (
        "csl.operator-cooperation",
        Bearer::NetworkOperator,
        Some("24¶1"),
        "29¶1",
        "31¶1",
        Change::Reworded,
        None,
        None,
    ),
    (
        "csl.industry-self-regulation",
        Bearer::IndustryBody,
        Some("24¶2"),
        "29¶2",
        "31¶2",
        Change::Unchanged,
        None,
        None,
    ),
    (
        "csl.regulator-information-use",
        Bearer::Authorities,
        None,
        "30",
        "32",
        Change::New,
        None,
        None,
    ),
    (
        "csl.cii-protection",
        Bearer::Authorities,
        Some("25¶1"),
        "31¶1",
        "33¶1",
        Change::Substantive,
        None,
        None,
    ),
    (
        "csl.cii-voluntary",
        Bearer::NetworkOperator,
        None,
        "31¶2",
        "33¶2",
        Change::New,
        None,
        None,
    ),
    (
        "csl.cii-sector-planning",
        Bearer::Authorities,
        Some("26"),
        "32",
        "34",
        Change::Substantive,
        None,
        None,
    ),
    (
        "csl.cii-three-synchronous",
        Bearer::CiiOperator,
        Some("27"),
        "33",
        "35",
        Change::Unchanged,
        Some("59¶2"),
        Some("61¶2, 61¶3"),
    ),
    (
        "csl.cii-security-organisation",
        Bearer::CiiOperator,
        Some("28(1)"),
        "34(1)",
        "36(1)",
        Change::Unchanged,
        Some("59¶2"),
        Some("61¶2, 61¶3"),
    ),
    (
        "csl.cii-training",
        Bearer::CiiOperator,
        Some("28(2)"),
        "34(2)",
        "36(2)",
        Change::Unchanged,
        Some("59¶2"),
        Some("61¶2, 61¶3"),
    ),
    (
        "csl.cii-disaster-recovery",
        Bearer::CiiOperator,
        Some("28(3)"),
        "34(3)",
        "36(3)",
        Change::Unchanged,
        Some("59¶2"),
        Some("61¶2, 61¶3"),
    ),
    (
        "csl.cii-drills",
        Bearer::CiiOperator,
        Some("28(4)"),
        "34(4)",
        "36(4)",
        Change::Reworded,
        Some("59¶2"),
        Some("61¶2, 61¶3"),
    ),
    (
        "csl.cii-other-duties",
        Bearer::CiiOperator,
        Some("28(5)"),
        "34(5)",
        "36(5)",
        Change::Unchanged,
        Some("59¶2"),
        Some("61¶2, 61¶3"),
    ),
    (
        "csl.cii-national-security-review",
        Bearer::CiiOperator,
        Some("30"),
        "35",
        "37",
        Change::Substantive,
        Some("65"),
        Some("67"),
    ),
    (
        "csl.cii-supplier-agreement",
        Bearer::CiiOperator,
        Some("29"),
        "36",
        "38",
        Change::Reworded,
        Some("59¶2"),
        Some("61¶2, 61¶3"),
    ),
    (
        "csl.cii-data-localisation",
        Bearer::CiiOperator,
        Some("31"),
        "37",
        "39",
        Change::Substantive,
        Some("66"),
        Some("71(3)"),
    ),
    (
        "csl.cii-annual-assessment",
        Bearer::CiiOperator,
        Some("32"),
        "38",
        "40",
        Change::Substantive,
        Some("59¶2"),
        Some("61¶2, 61¶3"),
    ),
    (
        "csl.cac-coordination",
        Bearer::Authorities,
        Some("33"),
        "39",
        "41",
        Change::Substantive,
        None,
        None,
    ),
];

fn penalty_article(d: &law::Duty, v: Version) -> Option<String> {
    d.penalties
        .iter()
        .find(|p| p.version == v)
        .and_then(|p| p.article())
}

#[test]
fn every_duty_matches_the_table() {
    assert_eq!(duties().len(), TABLE.len());
    for (d, row) in duties().iter().zip(TABLE) {
        let (id, bearer, draft, y2016, y2025, change, p2016, p2025) = *row;
        assert_eq!(d.id, id);
        assert_eq!(d.bearer, bearer, "{id}");
        assert_eq!(
            d.source(Version::Draft2015)
                .map(|l| l.to_string())
                .as_deref(),
            draft,
            "{id}"
        );
        assert_eq!(
            d.source(Version::Csl2016).map(|l| l.to_string()).as_deref(),
            Some(y2016),
            "{id}"
        );
        assert_eq!(
            d.source(Version::Csl2025).map(|l| l.to_string()).as_deref(),
            Some(y2025),
            "{id}"
        );
        assert_eq!(d.since_draft, change, "{id}");
        assert_eq!(
            penalty_article(d, Version::Csl2016).as_deref(),
            p2016,
            "{id}"
        );
        assert_eq!(
            penalty_article(d, Version::Csl2025).as_deref(),
            p2025,
            "{id}"
        );
        assert_eq!(duty(id), Some(d));
        assert_eq!(duty(&id.to_uppercase()), Some(d));
    }
}

#[test]
fn every_duty_is_well_formed() {
    let mut ids = std::collections::BTreeSet::new();
    for d in duties() {
        assert!(ids.insert(d.id), "duplicate id {}", d.id);
        assert!(
            d.id.starts_with("csl.")
                && d.id[4..]
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-'),
            "{}",
            d.id
        );
        for t in [d.title, d.summary, d.change_note] {
            assert!(
                t.zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{}: zh {:?}",
                d.id,
                t.zh
            );
            assert!(
                t.en.chars().filter(|c| c.is_ascii_alphabetic()).count() > 5,
                "{}: en {:?}",
                d.id,
                t.en
            );
        }
        // Sources exist and agree with the numbering maps.
        for v in Version::ALL {
            if let Some(s) = d.source(v) {
                assert!(s.exists(), "{}: {}", d.id, s.key());
                assert!(duties_at(s).contains(&d), "{} at {}", d.id, s.key());
            }
        }
        let s2016 = d
            .source(Version::Csl2016)
            .expect("every duty is in CSL-2016");
        for v in [Version::Draft2015, Version::Csl2025] {
            let mapped: Vec<Loc> = counterparts(s2016, v).iter().map(|c| c.loc).collect();
            match d.source(v) {
                Some(s) => assert!(
                    mapped.contains(&s),
                    "{}: {} not a counterpart of {}",
                    d.id,
                    s.key(),
                    s2016.key()
                ),
                None => assert!(mapped.is_empty(), "{}: has a {v:?} counterpart", d.id),
            }
        }
        assert_eq!(
            d.since_draft == Change::New,
            d.source(Version::Draft2015).is_none(),
            "{}",
            d.id
        );
        // Enforceable duties have a penalty entry (maybe `None` with a note)
        // for both laws; the others have none.
        match d.kind {
            Kind::Obligation | Kind::Prohibition => {
                for v in [Version::Csl2016, Version::Csl2025] {
                    let p = d.penalties.iter().find(|p| p.version == v);
                    assert!(p.is_some(), "{}: penalty for {v:?}", d.id);
                    if let Some(p) = p {
                        assert!(
                            p.article().is_some() || p.note.is_some(),
                            "{}: missing penalty must say why",
                            d.id
                        );
                        if p.status != Status::Verified {
                            assert!(
                                p.note.is_some(),
                                "{}: a non-verified penalty needs a note",
                                d.id
                            );
                        }
                    }
                }
                assert!(!d.evidence.is_empty(), "{}: evidence", d.id);
            }
            Kind::Encouragement | Kind::AuthorityRole => {
                assert!(d.penalties.is_empty(), "{}", d.id)
            }
        }
        assert_eq!(
            d.kind == Kind::AuthorityRole,
            d.bearer == Bearer::Authorities,
            "{}",
            d.id
        );
        for c in d.clocks {
            if c.basis == law::Text::new("法律条文", "the law's text") {
                assert_eq!(
                    c.status,
                    Status::Verified,
                    "{}: clocks from the law's text are verified",
                    d.id
                );
            } else {
                assert_ne!(
                    c.status,
                    Status::Verified,
                    "{}: clocks from other instruments are not verified here",
                    d.id
                );
            }
        }
    }
}

#[test]
fn every_provision_of_chapter_3_is_covered() {
    // The list, CSL-2016 numbering.
    let duties_of = [
        "21(1)", "21(2)", "21(3)", "21(4)", "21(5)", "22¶1", "22¶2", "22¶3", "23", "24¶1", "24¶2",
        "25", "26", "27", "28", "29¶1", "29¶2", "31¶1", "31¶2", "33", "34(1)", "34(2)", "34(3)",
        "34(4)", "34(5)", "35", "36", "37", "38",
    ];
    for r in duties_of {
        let loc = resolve(r, Version::Csl2016).expect("valid").loc;
        assert!(!duties_at(loc).is_empty(), "2016 {r} holds no duty");
    }
    for r in ["30", "32", "39"] {
        let loc = resolve(r, Version::Csl2016).expect("valid").loc;
        let ds = duties_at(loc);
        assert!(
            !ds.is_empty() && ds.iter().all(|d| d.bearer == Bearer::Authorities),
            "2016 {r}"
        );
    }
    // Every unit of every version except dropped draft text holds a duty.
    for v in Version::ALL {
        for loc in law::units(v) {
            let dropped =
                v == Version::Draft2015 && loc.article == 17 && loc.part == law::Part::Paragraph(2);
            assert_eq!(duties_at(loc).is_empty(), dropped, "{}", loc.key());
        }
    }
}

#[test]
fn clocks() {
    let rules = |id: &str| -> Vec<(ClockRule, Status)> {
        duty(id)
            .expect(id)
            .clocks
            .iter()
            .map(|c| (c.rule, c.status))
            .collect()
    };
    assert_eq!(
        rules("csl.log-retention"),
        [(ClockRule::KeepAtLeast(Period::Months(6)), Status::Verified)]
    );
    assert_eq!(
        rules("csl.cii-annual-assessment"),
        [(ClockRule::AtLeastEvery(Period::Years(1)), Status::Verified)]
    );
    assert_eq!(
        rules("csl.cii-drills"),
        [(ClockRule::Regularly, Status::Verified)]
    );
    assert_eq!(
        rules("csl.cii-training"),
        [(ClockRule::Regularly, Status::Verified)]
    );
    assert_eq!(
        rules("csl.product-flaw-remedy"),
        [
            (ClockRule::Immediately, Status::Verified),
            (ClockRule::Within(Period::Days(2)), Status::Secondary)
        ]
    );
    assert_eq!(
        rules("csl.incident-report"),
        [
            (ClockRule::Immediately, Status::Verified),
            (ClockRule::Within(Period::Hours(1)), Status::Secondary),
            (ClockRule::Within(Period::Hours(2)), Status::Secondary),
            (ClockRule::Within(Period::Hours(4)), Status::Secondary),
            (ClockRule::Within(Period::Days(30)), Status::Secondary),
        ]
    );
}

#[test]
fn evidence_capabilities() {
    let auto = |id: &str| -> Vec<&'static str> {
        duty(id)
            .expect(id)
            .evidence
            .iter()
            .filter_map(|e| match e {
                Evidence::Auto { capability, .. } => Some(capability.key()),
                Evidence::Supplied { .. } => None,
            })
            .collect()
    };
    assert_eq!(auto("csl.log-retention"), ["vault"]);
    assert_eq!(auto("csl.data-classification-backup"), ["scan"]);
    assert_eq!(auto("csl.cii-data-localisation"), ["scan"]);
    assert_eq!(auto("csl.incident-report"), ["registers", "vault"]);
    assert_eq!(auto("csl.cii-drills"), ["registers"]);
    assert_eq!(auto("csl.cii-supplier-agreement"), ["registers"]);
}

#[test]
fn duties_at_a_location() {
    let ids = |r: &str, v| -> Vec<&'static str> {
        duties_at(resolve(r, v).expect(r).loc)
            .iter()
            .map(|d| d.id)
            .collect()
    };
    assert_eq!(ids("21(3)", Version::Csl2016), ["csl.log-retention"]);
    assert_eq!(ids("draft 17(3)", Version::Csl2016), ["csl.log-retention"]);
    assert_eq!(ids("23(3)", Version::Csl2025), ["csl.log-retention"]);
    assert_eq!(
        ids("22¶1", Version::Csl2016),
        ["csl.product-standards", "csl.product-flaw-remedy"]
    );
    assert_eq!(
        ids("draft 18", Version::Csl2016),
        [
            "csl.product-standards",
            "csl.product-flaw-remedy",
            "csl.product-maintenance",
            "csl.product-user-consent"
        ]
    );
    assert_eq!(ids("21", Version::Csl2016).len(), 5);
    assert_eq!(ids("34¶1", Version::Csl2016).len(), 5);
    assert_eq!(
        ids("25", Version::Csl2016),
        ["csl.incident-plan", "csl.incident-report"]
    );
}

#[test]
fn the_log_duty_says_the_six_months_came_after_the_draft() {
    let d = duty("csl.log-retention").expect("known");
    assert!(
        d.change_note
            .en
            .contains("six-month minimum was added after the draft")
    );
    assert!(d.change_note.zh.contains("不少于六个月"));
    let draft = d
        .source(Version::Draft2015)
        .and_then(Loc::text)
        .unwrap_or_default();
    assert!(!draft.contains("六个月"));
}
