//! The registers as evidence for `wangan assess`: where each record stands.

use duties::{EntryStatus, RegisterKind};
use registers::{OperatorKind, Register, Settings};
use time::macros::datetime;

use crate::{Fresh, both, ctx, text};

both!(each_register_says_where_its_records_stand, |f: &Fresh| {
    let s = Settings::default();
    let mut r = f.open();
    let add = |r: &mut registers::Registers, reg, pairs: &[(&str, &str)]| {
        r.add(reg, &text(pairs), &ctx("a", &s)).unwrap().id
    };
    // an incident past its one-hour report (CII), one reported in time, one 一般
    add(
        &mut r,
        Register::Incident,
        &[
            ("title", "泄露"),
            ("grade", "major"),
            ("discovered_at", "2025-05-01T10:00:00+08:00"),
        ],
    );
    add(
        &mut r,
        Register::Incident,
        &[
            ("title", "及时"),
            ("grade", "large"),
            ("discovered_at", "2025-05-02T10:00:00+08:00"),
            ("reported_sector_at", "2025-05-02T10:30:00+08:00"),
            ("reported_police_at", "2025-05-02T10:40:00+08:00"),
        ],
    );
    add(
        &mut r,
        Register::Incident,
        &[
            ("title", "扫描"),
            ("grade", "general"),
            ("discovered_at", "2025-05-03T10:00:00+08:00"),
        ],
    );
    // an incident discovered after the assessed day does not count
    add(
        &mut r,
        Register::Incident,
        &[
            ("title", "later"),
            ("grade", "major"),
            ("discovered_at", "2025-05-30T10:00:00+08:00"),
        ],
    );
    add(
        &mut r,
        Register::Drill,
        &[
            ("date", "2025-03-01"),
            ("scenario", "x"),
            ("participants", "3"),
            ("follow_ups", "a"),
        ],
    );
    add(
        &mut r,
        Register::Mlps,
        &[
            ("system", "web"),
            ("business", "social:serious"),
            ("service", "citizens:general"),
            ("graded_on", "2025-01-02"),
            ("last_test_on", "2025-04-01"),
            ("test_conclusion", "not-conform"),
        ],
    );
    add(
        &mut r,
        Register::Agreement,
        &[
            ("vendor", "v"),
            ("subject", "s"),
            ("signed_on", "2024-01-01"),
            ("expires_on", "2024-12-31"),
        ],
    );
    add(
        &mut r,
        Register::ProcurementReview,
        &[
            ("item", "i"),
            ("vendor", "v"),
            ("may_affect_national_security", "yes"),
            ("review", "to-apply"),
            ("purchased_on", "2025-04-01"),
        ],
    );
    add(
        &mut r,
        Register::CiiAssessment,
        &[
            ("year", "2025"),
            ("assessed_on", "2025-04-01"),
            ("assessor", "自评"),
        ],
    );
    let as_of = datetime!(2025-05-20 12:00 +08:00);
    let set =
        registers::evidence::register_set(&mut r, OperatorKind::Cii, &s, as_of, as_of).unwrap();
    let got: Vec<(RegisterKind, &str, EntryStatus, Option<&str>)> = set
        .entries
        .iter()
        .map(|e| (e.register, e.entry.as_str(), e.status, e.system.as_deref()))
        .collect();
    let want = [
        (RegisterKind::Incidents, "INC-3", EntryStatus::Open, None),
        (RegisterKind::Incidents, "INC-2", EntryStatus::Open, None),
        (RegisterKind::Incidents, "INC-1", EntryStatus::Overdue, None),
        (RegisterKind::Drills, "DRL-1", EntryStatus::Failed, None),
        (
            RegisterKind::Agreements,
            "AGR-1",
            EntryStatus::Overdue,
            None,
        ),
        (
            RegisterKind::ProcurementReviews,
            "PRC-1",
            EntryStatus::Failed,
            None,
        ),
        (
            RegisterKind::MlpsFilings,
            "MLP-1",
            EntryStatus::Overdue,
            Some("web"),
        ),
        (
            RegisterKind::MlpsTests,
            "MLP-1",
            EntryStatus::Failed,
            Some("web"),
        ),
        (
            RegisterKind::AnnualAssessments,
            "CIA-1",
            EntryStatus::Failed,
            None,
        ),
    ];
    assert_eq!(got, want);
    // INC-2's summary clock has not started: open, no due; INC-1 due an hour after discovery
    assert_eq!(set.entries[1].due, None);
    assert_eq!(set.entries[2].due, Some(datetime!(2025-05-01 11:00 +08:00)));
    assert!(set.keeps(RegisterKind::Drills) && set.keeps(RegisterKind::MlpsTests));
    assert!(!set.keeps(RegisterKind::LawEnforcementRequests));
    assert!(set.entries.iter().all(|e| !e.duties.is_empty()));
    // an ordinary operator's large incident is due in four hours
    let set = registers::evidence::register_set(&mut r, OperatorKind::Ordinary, &s, as_of, as_of)
        .unwrap();
    assert_eq!(set.entries[2].due, Some(datetime!(2025-05-01 14:00 +08:00)));
});
