//! Every register's bad inputs: each is refused with an error naming the
//! register and the field, and nothing is stored.

use registers::{ErrorKind, Register, Settings};

use crate::{Fresh, both, ctx, text};

/// A valid record of each register, and inputs that must be refused with the
/// text the error must contain.
type Pairs = Vec<(&'static str, &'static str)>;
/// A register, a valid record, and bad patches with the error text each must give.
type Case = (Register, Pairs, Vec<(Pairs, &'static str)>);

fn cases() -> Vec<Case> {
    vec![
        (
            Register::Incident,
            vec![
                ("title", "勒索"),
                ("grade", "较大"),
                ("discovered_at", "2025-03-14T23:30:00+08:00"),
            ],
            vec![
                (
                    vec![("grade", "severe")],
                    "incident grade: \"severe\" is not one of: general, large, major, especially-major",
                ),
                (
                    vec![("discovered_at", "2025-03-14 23:30")],
                    "incident discovered_at: \"2025-03-14 23:30\" is not an RFC 3339 time with offset",
                ),
                (
                    vec![("discovered_at", "2025-03-14T23:30:00")],
                    "incident discovered_at",
                ),
                (
                    vec![("discovered_at", "2030-01-01T00:00:00+08:00")],
                    "lies in the future",
                ),
                (
                    vec![("occurred_at", "2025-03-15T00:00:00+08:00")],
                    "incident discovered_at: discovered at (2025-03-14T23:30:00+08:00) is before occurred at",
                ),
                (
                    vec![("reported_cac_at", "2025-03-14T15:29:00Z")],
                    "incident reported_cac_at",
                ),
                (vec![("pi_people", "many")], "incident pi_people"),
                (
                    vec![("summary_reported_at", "2025-04-01T00:00:00+08:00")],
                    "incident summary_reported_at",
                ),
                (
                    vec![("colour", "red")],
                    "incident colour: is not a field of this register",
                ),
                (
                    vec![("status", "closed")],
                    "incident status: is set by wangan",
                ),
                (vec![("title", "")], "incident title: must not be empty"),
            ],
        ),
        (
            Register::Plan,
            vec![
                ("title", "预案"),
                ("version", "1.0"),
                ("approved_on", "2025-01-10"),
            ],
            vec![
                (
                    vec![("approved_on", "2025-02-30")],
                    "plan approved_on: \"2025-02-30\" is not a date",
                ),
                (vec![("next_review", "2024-12-31")], "plan next_review"),
                (
                    vec![("sha256", "abc")],
                    "plan sha256: must be a SHA-256 digest",
                ),
                (vec![("status", "draft")], "plan status"),
            ],
        ),
        (
            Register::Drill,
            vec![
                ("date", "2025-05-01"),
                ("scenario", "断电"),
                ("participants", "8"),
            ],
            vec![
                (vec![("participants", "0")], "drill participants"),
                (vec![("participants", "-3")], "drill participants"),
                (
                    vec![("plan", "INC-1")],
                    "drill plan: \"INC-1\" is not the id of a plan",
                ),
                (vec![("kind", "game")], "drill kind"),
                (vec![("follow_ups_closed", "1")], "drill follow_ups_closed"),
            ],
        ),
        (
            Register::Training,
            vec![
                ("date", "2025-05-01"),
                ("course", "安全意识"),
                ("kind", "both"),
                ("attendees", "30"),
            ],
            vec![
                (
                    vec![("passed", "31")],
                    "training passed: is more than the attendees (30)",
                ),
                (vec![("attendees", "0")], "training attendees"),
                (vec![("hours", "-1")], "training hours"),
                (vec![("kind", "lecture")], "training kind"),
            ],
        ),
        (
            Register::BackgroundCheck,
            vec![
                ("person", "王小明"),
                ("post", "DBA"),
                ("checked_on", "2025-05-01"),
                ("result", "passed"),
            ],
            vec![
                (vec![("result", "ok")], "background-check result"),
                (vec![("key_post", "maybe")], "background-check key_post"),
                (
                    vec![("next_check", "2025-04-01")],
                    "background-check next_check",
                ),
            ],
        ),
        (
            Register::Organisation,
            vec![
                ("role", "security-body"),
                ("body", "网络安全办公室"),
                ("appointed_on", "2024-01-01"),
            ],
            vec![
                (vec![("role", "security-head")], "organisation person"),
                (vec![("role", "boss")], "organisation role"),
                (vec![("ended_on", "2023-12-31")], "organisation ended_on"),
            ],
        ),
        (
            Register::Agreement,
            vec![
                ("vendor", "某云"),
                ("subject", "云主机"),
                ("signed_on", "2025-01-01"),
            ],
            vec![
                (vec![("expires_on", "2024-12-31")], "agreement expires_on"),
                (vec![("security", "perhaps")], "agreement security"),
            ],
        ),
        (
            Register::ProcurementReview,
            vec![
                ("item", "核心交换机"),
                ("vendor", "某厂"),
                ("may_affect_national_security", "unsure"),
                ("review", "to-apply"),
            ],
            vec![
                (
                    vec![("may_affect_national_security", "maybe")],
                    "procurement-review may_affect_national_security",
                ),
                (vec![("review", "passed")], "procurement-review decided_on"),
                (
                    vec![("applied_on", "2025-05-01"), ("decided_on", "2025-04-01")],
                    "procurement-review decided_on",
                ),
            ],
        ),
        (
            Register::Vulnerability,
            vec![
                ("product", "网关"),
                ("version", "2.1"),
                ("found_at", "2025-05-31T12:00:00+08:00"),
            ],
            vec![
                (
                    vec![("reported_at", "2025-05-31T11:00:00+08:00")],
                    "vulnerability reported_at",
                ),
                (vec![("severity", "urgent")], "vulnerability severity"),
                (vec![("found_at", "yesterday")], "vulnerability found_at"),
            ],
        ),
        (
            Register::RealName,
            vec![
                ("service", "论坛"),
                ("kind", "publishing"),
                ("method", "手机号短信验证"),
            ],
            vec![
                (vec![("kind", "email")], "real-name kind"),
                (vec![("checked_on", "2099-01-01")], "real-name checked_on"),
            ],
        ),
        (
            Register::Mlps,
            vec![
                ("system", "网银"),
                ("business", "social:serious"),
                ("service", "citizens:general"),
                ("graded_on", "2025-01-31"),
            ],
            vec![
                (
                    vec![("business", "social")],
                    "mlps business: \"social\" must be OBJECT:DEGREE",
                ),
                (
                    vec![("service", "people:serious")],
                    "mlps service: unknown object",
                ),
                (
                    vec![("level", "6")],
                    "mlps level: level 6 is not between 1 and 5",
                ),
                (vec![("filed_on", "2025-01-01")], "mlps filed_on"),
                (vec![("test_score", "101")], "mlps test_score"),
            ],
        ),
        (
            Register::CiiAssessment,
            vec![
                ("year", "2025"),
                ("assessed_on", "2025-05-01"),
                ("assessor", "自评"),
            ],
            vec![
                (vec![("year", "1999")], "cii-assessment year"),
                (vec![("year", "2026")], "cii-assessment assessed_on"),
                (
                    vec![("submitted_on", "2025-04-30")],
                    "cii-assessment submitted_on",
                ),
            ],
        ),
        (
            Register::Equipment,
            vec![
                ("model", "NE40E"),
                ("vendor", "某厂"),
                ("category", "router"),
            ],
            vec![
                (vec![("category", "toaster")], "equipment category"),
                (
                    vec![("throughput_tbps", "fast")],
                    "equipment throughput_tbps",
                ),
                (vec![("routes", "1.5")], "equipment routes"),
            ],
        ),
        (
            Register::Project,
            vec![("name", "新一代核心系统")],
            vec![
                (
                    vec![("planned_on", "2025-03-01"), ("built_on", "2025-02-01")],
                    "project built_on",
                ),
                (
                    vec![("built_on", "2025-03-01"), ("in_use_on", "2025-02-01")],
                    "project in_use_on",
                ),
            ],
        ),
    ]
}

both!(
    every_register_refuses_bad_input_and_stores_nothing,
    |f: &Fresh| {
        let s = Settings::default();
        let mut r = f.open();
        let cases = cases();
        let covered: std::collections::HashSet<Register> = cases.iter().map(|c| c.0).collect();
        assert_eq!(
            covered.len(),
            Register::ALL.len(),
            "every register has bad-input cases"
        );
        for (reg, base, bad) in cases {
            for (patch, want) in bad {
                let mut pairs: Vec<(&str, &str)> = base
                    .iter()
                    .filter(|(k, _)| !patch.iter().any(|(p, _)| p == k))
                    .copied()
                    .collect();
                pairs.extend(patch.iter().copied());
                let e = r.add(reg, &text(&pairs), &ctx("t", &s)).unwrap_err();
                assert_eq!(e.kind(), ErrorKind::Invalid, "{reg:?} {patch:?}: {e}");
                assert!(
                    e.to_string().contains(want),
                    "{reg:?} {patch:?}: got {e:?}, want {want:?}"
                );
                let inv = e.invalid().expect("a field problem");
                assert!(!inv.problem.zh.is_empty());
                assert!(!e.message_zh().is_empty());
            }
            // and every required field is required
            for field in reg.fields().iter().filter(|f| f.required) {
                let pairs: Vec<(&str, &str)> = base
                    .iter()
                    .filter(|(k, _)| *k != field.key)
                    .copied()
                    .collect();
                let e = r.add(reg, &text(&pairs), &ctx("t", &s)).unwrap_err();
                assert!(
                    e.to_string()
                        .contains(&format!("{} {}: is required", reg.key(), field.key)),
                    "{e}"
                );
            }
            // nothing of the above was stored; the valid base is
            assert_eq!(
                r.counts()
                    .unwrap()
                    .iter()
                    .find(|c| c.register == reg)
                    .unwrap()
                    .records,
                0,
                "{reg:?}"
            );
            let ok = r.add(reg, &text(&base), &ctx("t", &s)).unwrap();
            assert_eq!(ok.revision, 1);
            // a bad update leaves the record as it was
            let bad = registers::Input::Text("\u{1b}[2J".into());
            let key = base[0].0;
            assert!(
                r.update(reg, &ok.id, &[(key, bad)], "update", &ctx("t", &s))
                    .is_err()
            );
            assert_eq!(r.get(reg, &ok.id).unwrap().revision, 1);
        }
        let rep = r.verify(&[]).unwrap();
        assert!(rep.is_intact(), "{:#?}", rep.findings);
        assert_eq!(rep.changes, Register::ALL.len() as u64);
    }
);

both!(the_actor_is_checked, |f: &Fresh| {
    let s = Settings::default();
    let mut r = f.open();
    for actor in ["", "  ", "a\u{7}b"] {
        let e = r
            .add(
                Register::Plan,
                &text(&[
                    ("title", "x"),
                    ("version", "1"),
                    ("approved_on", "2025-01-01"),
                ]),
                &ctx(actor, &s),
            )
            .unwrap_err();
        assert!(e.to_string().contains("actor"), "{e}");
    }
});
