//! Adding, updating, history, lists, the sweep, migrations: on both databases.

use registers::{
    ErrorKind, Input, ListQuery, Location, OperatorKind, Register, Registers, Settings, State,
};
use serde_json::Value;
use time::macros::{date, datetime};

use crate::{Fresh, NOW, both, ctx, text};

fn incident(r: &mut Registers, s: &Settings, title: &str, grade: &str, at: &str) -> String {
    r.add(
        Register::Incident,
        &text(&[("title", title), ("grade", grade), ("discovered_at", at)]),
        &ctx("alice", s),
    )
    .expect("add incident")
    .id
}

both!(add_get_and_ids, |f: &Fresh| {
    let s = Settings::default();
    let mut r = f.open();
    let a = incident(&mut r, &s, "勒索软件", "较大", "2025-03-14T23:30:00+08:00");
    let b = incident(&mut r, &s, "DDoS", "general", "2025-03-15T08:00:00+08:00");
    assert_eq!((a.as_str(), b.as_str()), ("INC-1", "INC-2"));
    let d = r
        .add(
            Register::Drill,
            &text(&[
                ("date", "2025-05-01"),
                ("scenario", "ransomware"),
                ("participants", "12"),
            ]),
            &ctx("bob", &s),
        )
        .unwrap();
    assert_eq!(d.id, "DRL-1");
    let got = r.get(Register::Incident, "inc-1").unwrap();
    assert_eq!(got.data["grade"], Value::String("large".into()));
    assert_eq!(
        got.data["discovered_at"],
        Value::String("2025-03-14T23:30:00+08:00".into())
    );
    assert_eq!(got.data["status"], Value::String("open".into()));
    assert_eq!((got.revision, got.created_by.as_str()), (1, "alice"));
    let e = r.get(Register::Incident, "INC-9").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    let e = r.get(Register::Incident, "DRL-1").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Invalid);
    assert_eq!(r.schema_version().unwrap(), registers::SCHEMA_VERSION);
});

both!(updates_append_revisions_with_history, |f: &Fresh| {
    let s = Settings::default();
    let mut r = f.open();
    let id = incident(&mut r, &s, "勒索软件", "一般", "2025-03-14T23:30:00+08:00");
    r.update(
        Register::Incident,
        &id,
        &text(&[("grade", "重大"), ("pi_people", "12000000")]),
        "update",
        &ctx("bob", &s),
    )
    .unwrap();
    r.update(
        Register::Incident,
        &id,
        &text(&[
            ("handling_ended_at", "2025-03-20T18:00:00+08:00"),
            ("status", "closed"),
        ]),
        "close",
        &ctx("carol", &s),
    )
    .unwrap();
    let got = r.get(Register::Incident, &id).unwrap();
    assert_eq!(got.revision, 3);
    assert_eq!(
        (got.created_by.as_str(), got.updated_by.as_str()),
        ("alice", "carol")
    );
    let h = r.history(Register::Incident, &id).unwrap();
    assert_eq!(h.len(), 3);
    assert_eq!(
        (h[0].action.as_str(), h[0].actor.as_str()),
        ("create", "alice")
    );
    let second: Vec<(&str, Option<&Value>, Option<&Value>)> = h[1]
        .changes
        .iter()
        .map(|c| (c.field.as_str(), c.from.as_ref(), c.to.as_ref()))
        .collect();
    assert_eq!(
        second,
        vec![
            (
                "grade",
                Some(&Value::from("general")),
                Some(&Value::from("major"))
            ),
            ("pi_people", None, Some(&Value::from(12_000_000u64))),
        ]
    );
    assert_eq!(h[2].action, "close");
    assert_eq!(h[2].seq, h[1].seq + 1);
    // nothing to change is refused, and nothing is written
    let e = r
        .update(
            Register::Incident,
            &id,
            &text(&[("grade", "major")]),
            "update",
            &ctx("bob", &s),
        )
        .unwrap_err();
    assert!(e.to_string().contains("nothing to change"), "{e}");
    assert_eq!(r.get(Register::Incident, &id).unwrap().revision, 3);
    // clearing a field is a change too; clearing a required one is refused
    r.update(
        Register::Incident,
        &id,
        &[("pi_people", Input::Clear)],
        "update",
        &ctx("bob", &s),
    )
    .unwrap();
    let e = r
        .update(
            Register::Incident,
            &id,
            &[("title", Input::Clear)],
            "update",
            &ctx("bob", &s),
        )
        .unwrap_err();
    assert!(e.to_string().contains("required (--title)"), "{e}");
    // a stale revision is refused
    let mut w = ctx("dave", &s);
    w.expected_revision = Some(2);
    let e = r
        .update(
            Register::Incident,
            &id,
            &text(&[("place", "机房")]),
            "update",
            &w,
        )
        .unwrap_err();
    assert!(e.to_string().contains("changed meanwhile"), "{e}");
    // the status is wangan's: a plain update cannot set it
    let e = r
        .update(
            Register::Incident,
            &id,
            &text(&[("status", "open")]),
            "update",
            &ctx("x", &s),
        )
        .unwrap_err();
    assert!(e.to_string().contains("set by wangan"), "{e}");
});

both!(
    an_incident_added_with_its_end_of_handling_is_closed,
    |f: &Fresh| {
        let s = Settings::default();
        let mut r = f.open();
        let rec = r
            .add(
                Register::Incident,
                &text(&[
                    ("title", "钓鱼邮件"),
                    ("grade", "general"),
                    ("discovered_at", "2025-03-14T23:30:00+08:00"),
                    ("handling_ended_at", "2025-03-15T18:00:00+08:00"),
                ]),
                &ctx("alice", &s),
            )
            .unwrap();
        assert_eq!(rec.data["status"], Value::String("closed".into()));
        let h = r.history(Register::Incident, &rec.id).unwrap();
        assert_eq!((h.len(), h[0].action.as_str()), (1, "create"));
        // checked as `close` checks it: not before the discovery
        let e = r
            .add(
                Register::Incident,
                &text(&[
                    ("title", "x"),
                    ("grade", "general"),
                    ("discovered_at", "2025-03-14T23:30:00+08:00"),
                    ("handling_ended_at", "2025-03-14T20:00:00+08:00"),
                ]),
                &ctx("alice", &s),
            )
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Invalid);
        assert!(e.to_string().contains("handling_ended_at"), "{e}");
        // an edit that sets the end of handling closes the incident, recorded as `close`
        let open = incident(&mut r, &s, "DDoS", "general", "2025-03-15T08:00:00+08:00");
        let got = r
            .update(
                Register::Incident,
                &open,
                &text(&[("handling_ended_at", "2025-03-15T12:00:00+08:00")]),
                "update",
                &ctx("bob", &s),
            )
            .unwrap();
        assert_eq!(got.data["status"], Value::String("closed".into()));
        let h = r.history(Register::Incident, &open).unwrap();
        assert_eq!(h[1].action, "close");
        // and moving it later is an update of a closed incident
        r.update(
            Register::Incident,
            &open,
            &text(&[("handling_ended_at", "2025-03-15T13:00:00+08:00")]),
            "update",
            &ctx("bob", &s),
        )
        .unwrap();
        let h = r.history(Register::Incident, &open).unwrap();
        assert_eq!(h[2].action, "update");
        let p = r
            .list(
                Register::Incident,
                &ListQuery {
                    open_only: true,
                    limit: 10,
                    offset: 0,
                },
            )
            .unwrap();
        assert_eq!(p.total, 0, "neither is open");
    }
);

both!(personal_data_is_masked_in_history, |f: &Fresh| {
    let s = Settings::default();
    let mut r = f.open();
    let c = r
        .add(
            Register::BackgroundCheck,
            &text(&[
                ("person", "王小明"),
                ("post", "数据库管理员"),
                ("checked_on", "2025-05-01"),
                ("result", "pending"),
            ]),
            &ctx("hr", &s),
        )
        .unwrap();
    r.update(
        Register::BackgroundCheck,
        &c.id,
        &text(&[("person", "王晓明")]),
        "update",
        &ctx("hr", &s),
    )
    .unwrap();
    let h = r.history(Register::BackgroundCheck, &c.id).unwrap();
    let all = serde_json::to_string(&h).unwrap();
    assert!(!all.contains("小明") && !all.contains("晓明"), "{all}");
    assert!(all.contains("王**"), "{all}");
    let v = registers::view::record_view(&c, OperatorKind::Cii, &s, NOW, Some(h), false);
    let j = serde_json::to_string(&v).unwrap();
    assert!(!j.contains("小明"), "{j}");
    assert_eq!(
        Register::BackgroundCheck.summary(&c.data),
        "数据库管理员 王**"
    );
});

both!(lists_page_newest_first_and_filter_open, |f: &Fresh| {
    let s = Settings::default();
    let mut r = f.open();
    for day in 1..=25 {
        let t = format!("2025-03-{day:02}T10:00:00+08:00");
        let id = incident(&mut r, &s, &format!("incident {day}"), "general", &t);
        if day % 5 != 0 {
            r.update(
                Register::Incident,
                &id,
                &text(&[
                    (
                        "handling_ended_at",
                        &format!("2025-03-{day:02}T12:00:00+08:00"),
                    ),
                    ("status", "closed"),
                ]),
                "close",
                &ctx("a", &s),
            )
            .unwrap();
        }
    }
    let p = r
        .list(
            Register::Incident,
            &ListQuery {
                open_only: false,
                limit: 10,
                offset: 0,
            },
        )
        .unwrap();
    assert_eq!(p.total, 25);
    let ids: Vec<&str> = p.items.iter().map(|x| x.id.as_str()).collect();
    assert_eq!(ids[..3], ["INC-25", "INC-24", "INC-23"]);
    let p = r
        .list(
            Register::Incident,
            &ListQuery {
                open_only: false,
                limit: 10,
                offset: 20,
            },
        )
        .unwrap();
    assert_eq!(p.items.len(), 5);
    assert_eq!(p.items[4].id, "INC-1");
    let p = r
        .list(
            Register::Incident,
            &ListQuery {
                open_only: true,
                limit: 50,
                offset: 0,
            },
        )
        .unwrap();
    let ids: Vec<&str> = p.items.iter().map(|x| x.id.as_str()).collect();
    assert_eq!(ids, ["INC-25", "INC-20", "INC-15", "INC-10", "INC-5"]);
    assert_eq!(p.total, 5);
    // an incident discovered earlier but recorded later sorts by discovery
    incident(
        &mut r,
        &s,
        "late entry",
        "general",
        "2025-01-01T00:00:00+08:00",
    );
    let p = r
        .list(
            Register::Incident,
            &ListQuery {
                open_only: false,
                limit: 100,
                offset: 0,
            },
        )
        .unwrap();
    assert_eq!(p.items.last().unwrap().id, "INC-26");
    let counts = r.counts().unwrap();
    let inc = counts
        .iter()
        .find(|c| c.register == Register::Incident)
        .unwrap();
    assert_eq!((inc.records, inc.open), (26, 6));
});

both!(sweep_finds_every_open_clock, |f: &Fresh| {
    let s = Settings::default();
    let mut r = f.open();
    // a large incident, 2 h after discovery, not reported: overdue for a CII
    incident(&mut r, &s, "数据泄露", "较大", "2025-06-01T10:00:00+08:00");
    // a general one: no clock
    incident(&mut r, &s, "扫描", "一般", "2025-06-01T09:00:00+08:00");
    // a vulnerability found yesterday, not reported
    r.add(
        Register::Vulnerability,
        &text(&[
            ("product", "网关"),
            ("version", "2.1"),
            ("found_at", "2025-05-31T12:00:00+08:00"),
        ]),
        &ctx("a", &s),
    )
    .unwrap();
    // a drill 13 months ago
    r.add(
        Register::Drill,
        &text(&[
            ("date", "2024-05-01"),
            ("scenario", "断电"),
            ("participants", "8"),
        ]),
        &ctx("a", &s),
    )
    .unwrap();
    let sw = r.sweep(OperatorKind::Cii, &s, NOW).unwrap();
    let got: Vec<(Register, Option<&str>, &str, &str)> = sw
        .items
        .iter()
        .map(|i| {
            (
                i.register,
                i.id.as_deref(),
                i.deadline.kind.key(),
                i.deadline.state(NOW).key(),
            )
        })
        .collect();
    assert!(
        got.contains(&(
            Register::Incident,
            Some("INC-1"),
            "initial-report",
            "overdue"
        )),
        "{got:?}"
    );
    assert_eq!(
        got.iter().filter(|g| g.1 == Some("INC-1")).count(),
        2,
        "{got:?}"
    );
    assert!(
        got.contains(&(
            Register::Vulnerability,
            Some("VUL-1"),
            "vulnerability-report",
            "pending"
        )),
        "{got:?}"
    );
    assert!(
        got.contains(&(Register::Drill, None, "drill", "overdue")),
        "{got:?}"
    );
    assert!(
        got.contains(&(Register::Training, None, "training", "missing")),
        "{got:?}"
    );
    assert!(!got.iter().any(|g| g.1 == Some("INC-2")), "{got:?}");
    // an ordinary operator has four hours and no CII register clocks
    let sw = r.sweep(OperatorKind::Ordinary, &s, NOW).unwrap();
    let inc: Vec<State> = sw
        .items
        .iter()
        .filter(|i| i.id.as_deref() == Some("INC-1"))
        .map(|i| i.deadline.state(NOW))
        .collect();
    assert_eq!(inc, [State::Pending(time::Duration::hours(2))]);
    assert!(!sw.items.iter().any(|i| i.register == Register::Drill));
    // the latest drill date is the register's
    assert_eq!(
        r.latest_date(Register::Drill).unwrap(),
        Some(date!(2024 - 05 - 01))
    );
    assert_eq!(r.latest_date(Register::Training).unwrap(), None);
});

both!(references_must_exist, |f: &Fresh| {
    let s = Settings::default();
    let mut r = f.open();
    let e = r
        .add(
            Register::Drill,
            &text(&[
                ("date", "2025-05-01"),
                ("scenario", "x"),
                ("participants", "3"),
                ("plan", "PLN-4"),
            ]),
            &ctx("a", &s),
        )
        .unwrap_err();
    assert!(
        e.to_string().contains("drill plan: PLN-4 does not exist"),
        "{e}"
    );
    let p = r
        .add(
            Register::Plan,
            &text(&[
                ("title", "应急预案"),
                ("version", "2.0"),
                ("approved_on", "2025-01-10"),
            ]),
            &ctx("a", &s),
        )
        .unwrap();
    r.add(
        Register::Drill,
        &text(&[
            ("date", "2025-05-01"),
            ("scenario", "x"),
            ("participants", "3"),
            ("plan", &p.id.to_lowercase()),
        ]),
        &ctx("a", &s),
    )
    .unwrap();
});

both!(
    mlps_level_is_computed_and_follows_its_inputs,
    |f: &Fresh| {
        let s = Settings::default();
        let mut r = f.open();
        let m = r
            .add(
                Register::Mlps,
                &text(&[
                    ("system", "网上银行"),
                    ("business", "social:serious"),
                    ("service", "citizens:serious"),
                    ("graded_on", "2025-01-31"),
                ]),
                &ctx("a", &s),
            )
            .unwrap();
        assert_eq!(m.data["level"], Value::from(3u64));
        let m = r
            .update(
                Register::Mlps,
                &m.id,
                &text(&[("service", "social:especially-serious")]),
                "update",
                &ctx("a", &s),
            )
            .unwrap();
        assert_eq!(m.data["level"], Value::from(4u64));
        let ds = registers::rules::deadlines(Register::Mlps, &m.data, OperatorKind::Ordinary, &s);
        let due: Vec<(&str, Option<time::Date>)> =
            ds.iter().map(|d| (d.kind.key(), d.due_date)).collect();
        assert_eq!(
            due,
            [
                ("mlps-filing", Some(date!(2025 - 03 - 02))),
                ("mlps-test", Some(date!(2025 - 07 - 31)))
            ]
        );
    }
);

both!(two_handles_share_one_chain, |f: &Fresh| {
    let s = Settings::default();
    let mut a = f.open();
    let mut b = f.open();
    assert_eq!(a.store_id(), b.store_id());
    for i in 0..10 {
        let r = if i % 2 == 0 { &mut a } else { &mut b };
        incident(
            r,
            &s,
            &format!("n{i}"),
            "general",
            "2025-03-14T23:30:00+08:00",
        );
    }
    let rep = a.verify(&[]).unwrap();
    assert!(rep.is_intact(), "{:#?}", rep.findings);
    assert_eq!((rep.changes, rep.records, rep.pending), (10, 10, 10));
    // two writers updating the same record: the second is told
    let x = a.get(registers::Register::Incident, "INC-1").unwrap();
    let y = b.get(registers::Register::Incident, "INC-1").unwrap();
    assert_eq!(x, y);
    a.update(
        Register::Incident,
        "INC-1",
        &text(&[("place", "A")]),
        "update",
        &ctx("a", &s),
    )
    .unwrap();
    let mut w = ctx("b", &s);
    w.expected_revision = Some(y.revision);
    let e = b
        .update(
            Register::Incident,
            "INC-1",
            &text(&[("place", "B")]),
            "update",
            &w,
        )
        .unwrap_err();
    assert!(e.to_string().contains("changed meanwhile"), "{e}");
});

both!(migrations_run_once_and_keep_data, |f: &Fresh| {
    let s = Settings::default();
    // a store left at schema 1 by an older wangan
    registers::create_at_version(&f.location, 1).unwrap();
    let mut r = f.open();
    assert_eq!(r.schema_version().unwrap(), registers::SCHEMA_VERSION);
    let id = incident(&mut r, &s, "x", "large", "2025-03-14T23:30:00+08:00");
    incident(&mut r, &s, "y", "general", "2025-03-14T23:30:00+08:00");
    drop(r);
    // a store with records at schema 2: migration 3 fills the open-items index from the changes
    f.raw("DROP TABLE open_items; UPDATE meta SET value = '2' WHERE key = 'schema_version';")
        .unwrap();
    let mut r = f.open();
    assert_eq!(r.schema_version().unwrap(), 3);
    let sw = r.sweep(OperatorKind::Cii, &s, NOW).unwrap();
    let ids: Vec<Option<&str>> = sw.items.iter().map(|i| i.id.as_deref()).collect();
    assert!(ids.contains(&Some("INC-1")), "{ids:?}");
    // both open incidents are back in the index (the general one has no clock)
    let inc = r.counts().unwrap()[0].clone();
    assert_eq!((inc.register, inc.open), (Register::Incident, 2));
    assert_eq!(r.get(Register::Incident, &id).unwrap().revision, 1);
    assert!(r.verify(&[]).unwrap().is_intact());
    drop(r);
    // and from schema 1: migrations 2 and 3 run, once
    f.raw("DROP TABLE open_items; DROP INDEX heads_open; UPDATE meta SET value = '1' WHERE key = 'schema_version';")
        .unwrap();
    let mut r = f.open();
    assert_eq!(r.schema_version().unwrap(), 3);
    assert!(r.verify(&[]).unwrap().is_intact());
    drop(r);
    // a store from a newer wangan is refused and left alone
    f.raw("UPDATE meta SET value = '99' WHERE key = 'schema_version';")
        .unwrap();
    let e = Registers::open(&f.location).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Schema);
    assert!(e.to_string().contains("schema version 99"), "{e}");
});

both!(open_existing_does_not_create, |f: &Fresh| {
    let e = Registers::open_existing(&f.location).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound, "{e}");
    drop(f.open());
    Registers::open_existing(&f.location).unwrap();
});

#[test]
fn locations_parse_and_mask() {
    let l = Location::parse("postgres://u:secret@db:5432/x?schema=regs&sslmode=disable").unwrap();
    assert_eq!(
        l,
        Location::Postgres {
            url: "postgres://u:secret@db:5432/x?sslmode=disable".into(),
            schema: "regs".into()
        }
    );
    assert_eq!(l.display(), "postgres://u:****@db:5432/x (schema regs)");
    assert_eq!(
        Location::parse("sqlite:/tmp/r.db").unwrap(),
        Location::Sqlite("/tmp/r.db".into())
    );
    assert!(Location::parse("mysql://x/y").is_err());
    let e = Location::parse("postgres://u:secret@db/x?schema=Bad-Name").unwrap_err();
    assert!(!e.to_string().contains("secret"), "{e}");
}

#[test]
fn a_refused_postgres_connection_names_the_place_not_the_password() {
    let e = Registers::open(&Location::parse("postgres://u:topsecret@127.0.0.1:1/test").unwrap())
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Storage);
    let m = e.to_string();
    assert!(m.contains("127.0.0.1:1") && !m.contains("topsecret"), "{m}");
}

#[test]
fn sqlite_file_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let f = Fresh::sqlite();
    drop(f.open());
    let Location::Sqlite(p) = &f.location else {
        unreachable!()
    };
    let mode = std::fs::metadata(p).unwrap().permissions().mode();
    assert_eq!(mode & 0o077, 0, "{mode:o}");
    let _ = datetime!(2025-01-01 0:00 UTC);
}
