//! The append-only store and its anchors: edits behind wangan's back are
//! refused by the database, and those that get through (triggers dropped,
//! the chain recomputed, rows deleted, the index doctored) are named by
//! `verify`. The vault here is a list of records; the binary's tests do
//! the same against a real vault.

use registers::{AnchorSink, Register, Registers, Settings, VaultAnchor, chain};

use crate::{Fresh, both, ctx, text};

#[derive(Default)]
struct MemVault {
    records: Vec<Vec<u8>>,
    committed: usize,
    fail: bool,
}

impl AnchorSink for MemVault {
    fn append(&mut self, raw: &[u8]) -> Result<(), String> {
        if self.fail {
            return Err("vault locked".into());
        }
        self.records.push(raw.to_vec());
        Ok(())
    }
    fn commit(&mut self) -> Result<(), String> {
        self.committed = self.records.len();
        Ok(())
    }
}

impl MemVault {
    fn anchors(&self) -> Vec<VaultAnchor> {
        self.records[..self.committed]
            .iter()
            .enumerate()
            .map(|(i, r)| VaultAnchor {
                vault_seq: 100 + i as u64,
                raw: r.clone(),
            })
            .collect()
    }
}

fn seeded(f: &Fresh) -> (Registers, MemVault) {
    let s = Settings::default();
    let mut r = f.open();
    for (t, g) in [
        ("勒索软件", "较大"),
        ("钓鱼邮件", "一般"),
        ("数据泄露", "重大"),
    ] {
        r.add(
            Register::Incident,
            &text(&[
                ("title", t),
                ("grade", g),
                ("discovered_at", "2025-03-14T23:30:00+08:00"),
            ]),
            &ctx("alice", &s),
        )
        .unwrap();
    }
    r.add(
        Register::Drill,
        &text(&[
            ("date", "2025-05-01"),
            ("scenario", "断电"),
            ("participants", "8"),
        ]),
        &ctx("bob", &s),
    )
    .unwrap();
    r.update(
        Register::Incident,
        "INC-1",
        &text(&[("place", "机房")]),
        "update",
        &ctx("carol", &s),
    )
    .unwrap();
    let mut v = MemVault::default();
    let out = r.anchor(&mut v).unwrap();
    assert_eq!((out.anchored, out.through, out.pending), (5, 5, 0));
    (r, v)
}

fn errors(r: &mut Registers, v: &MemVault) -> Vec<String> {
    let rep = r.verify(&v.anchors()).unwrap();
    rep.findings
        .iter()
        .filter(|f| f.severity == registers::anchor::Severity::Error)
        .map(|f| {
            format!(
                "{} {} r{} seq {}: {}",
                f.register.as_deref().unwrap_or("-"),
                f.id.as_deref().unwrap_or("-"),
                f.revision.unwrap_or(0),
                f.seq.unwrap_or(0),
                f.message.en
            )
        })
        .collect()
}

both!(anchored_and_intact, |f: &Fresh| {
    let (mut r, v) = seeded(f);
    let rep = r.verify(&v.anchors()).unwrap();
    assert!(rep.is_intact(), "{:#?}", rep.findings);
    assert_eq!(
        (rep.changes, rep.anchors, rep.anchored_through, rep.pending),
        (5, 5, 5, 0)
    );
    assert!(rep.findings.is_empty(), "{:#?}", rep.findings);
    // anchors carry names of fields, never their values
    let all = String::from_utf8(v.records.concat()).unwrap();
    assert!(
        all.contains("\"changed\":[\"place\"]") && !all.contains("机房"),
        "{all}"
    );
    assert!(all.contains("wangan.registers.anchor/1"));
    // nothing more to anchor; repeating an anchor is harmless
    let mut v2 = MemVault::default();
    assert_eq!(r.anchor(&mut v2).unwrap().anchored, 0);
    let mut twice = v.anchors();
    twice.push(VaultAnchor {
        vault_seq: 999,
        raw: v.records[0].clone(),
    });
    assert!(r.verify(&twice).unwrap().is_intact());
});

both!(the_database_refuses_updates_and_deletes, |f: &Fresh| {
    let (_r, _v) = seeded(f);
    for sql in [
        "UPDATE changes SET data = '{}' WHERE seq = 1",
        "DELETE FROM changes WHERE seq = 5",
    ] {
        let e = f.raw(sql).unwrap_err();
        assert!(e.contains("append-only"), "{sql}: {e}");
    }
    if matches!(f.location, registers::Location::Postgres { .. }) {
        let e = f.raw("TRUNCATE changes").unwrap_err();
        assert!(e.contains("append-only"), "{e}");
    }
});

fn drop_guard(f: &Fresh) -> &'static str {
    match f.location {
        registers::Location::Sqlite(_) => {
            "DROP TRIGGER changes_append_only_update; DROP TRIGGER changes_append_only_delete;"
        }
        registers::Location::Postgres { .. } => {
            "DROP TRIGGER changes_append_only ON changes; DROP TRIGGER changes_append_only_truncate ON changes;"
        }
    }
}

both!(an_edited_change_is_named, |f: &Fresh| {
    let (mut r, v) = seeded(f);
    f.raw(&format!(
        "{} UPDATE changes SET data = replace(data, '\"large\"', '\"general\"') WHERE seq = 1;",
        drop_guard(f)
    ))
    .unwrap();
    let e = errors(&mut r, &v);
    assert_eq!(
        e,
        [
            "incident INC-1 r1 seq 1: the stored content does not match its hash: the record was edited outside wangan"
        ]
    );
});

both!(a_rewritten_chain_is_caught_by_its_anchors, |f: &Fresh| {
    let (mut r, v) = seeded(f);
    // downgrade INC-3 and recompute every hash after it, as a careful forger would
    f.raw(&format!(
        "{} UPDATE changes SET data = replace(data, '\"major\"', '\"general\"') WHERE seq = 3; \
         UPDATE open_items SET data = replace(data, '\"major\"', '\"general\"') WHERE id = 'INC-3';",
        drop_guard(f)
    ))
    .unwrap();
    rehash(f, &r);
    let e = errors(&mut r, &v);
    assert!(!e.is_empty());
    assert!(
        e[0].starts_with("incident INC-3 r1 seq 3: does not match its anchor in vault record 102"),
        "{e:?}"
    );
    // without the vault's anchors the forgery would pass: the anchors are what catch it
    assert!(r.verify(&[]).unwrap().is_intact());
});

both!(removed_changes_are_named, |f: &Fresh| {
    let (mut r, v) = seeded(f);
    // roll the store back by one change (and fix the index so it looks consistent)
    f.raw(&format!(
        "{} DELETE FROM changes WHERE seq = 5; UPDATE heads SET version = 1, seq = 1 WHERE id = 'INC-1'; \
         UPDATE open_items SET data = (SELECT data FROM changes WHERE seq = 1) WHERE id = 'INC-1';",
        drop_guard(f)
    ))
    .unwrap();
    let e = errors(&mut r, &v);
    assert_eq!(
        e,
        [
            "incident INC-1 r2 seq 5: vault record 104 anchors change 5, which the store no longer has: changes were removed or the store rolled back"
        ]
    );
    // a gap in the middle
    f.raw("DELETE FROM changes WHERE seq = 2; DELETE FROM heads WHERE id = 'INC-2';")
        .unwrap();
    let e = errors(&mut r, &v);
    assert!(
        e.iter()
            .any(|x| x.starts_with("incident INC-3 r1 seq 3: changes 2 to 2 are missing")),
        "{e:?}"
    );
    assert!(e.iter().any(|x| x.contains("hash chain")), "{e:?}");
    assert!(
        e.iter()
            .any(|x| x.contains("seq 2: vault record 101 anchors change 2")),
        "{e:?}"
    );
});

both!(a_doctored_index_is_named, |f: &Fresh| {
    let (mut r, v) = seeded(f);
    // hide an open incident from the sweep
    f.raw("UPDATE heads SET open = 0 WHERE id = 'INC-3';")
        .unwrap();
    let e = errors(&mut r, &v);
    assert_eq!(
        e,
        [
            "incident INC-3 r1 seq 3: the heads index disagrees with the stored changes: it was edited outside wangan"
        ]
    );
    f.raw("DELETE FROM heads WHERE id = 'DRL-1';").unwrap();
    let e = errors(&mut r, &v);
    assert!(
        e.iter()
            .any(|x| x
                .starts_with("drill DRL-1 r1 seq 4: the record is missing from the heads index")),
        "{e:?}"
    );
});

both!(an_item_hidden_from_the_sweep_is_named, |f: &Fresh| {
    let (mut r, v) = seeded(f);
    let s = Settings::default();
    let now = time::macros::datetime!(2025-03-15 12:00 +08:00);
    let swept = |r: &mut Registers| {
        r.sweep(registers::OperatorKind::Cii, &s, now)
            .unwrap()
            .items
            .iter()
            .any(|i| i.id.as_deref() == Some("INC-3"))
    };
    assert!(swept(&mut r));
    f.raw("DELETE FROM open_items WHERE id = 'INC-3';").unwrap();
    assert!(!swept(&mut r));
    let e = errors(&mut r, &v);
    assert_eq!(
        e,
        [
            "incident INC-3 r1 seq 3: the record is missing from the open-items index: it was hidden from the clock sweep"
        ]
    );
    // a doctored copy (the grade lowered where only the sweep reads it) is named too
    f.raw("INSERT INTO open_items SELECT register, id, replace(data, 'major', 'general') FROM changes WHERE seq = 3;")
        .unwrap();
    let e = errors(&mut r, &v);
    assert_eq!(
        e,
        [
            "incident INC-3 r1 seq 3: the open-items index disagrees with the stored changes: it was edited outside wangan"
        ]
    );
});

both!(
    unanchored_changes_are_a_warning_until_anchored,
    |f: &Fresh| {
        let s = Settings::default();
        let (mut r, mut v) = seeded(f);
        r.update(
            Register::Incident,
            "INC-2",
            &text(&[("place", "办公楼")]),
            "update",
            &ctx("dave", &s),
        )
        .unwrap();
        // the vault is busy: anchoring fails, the change stays recorded and pending
        let mut locked = MemVault {
            fail: true,
            ..Default::default()
        };
        let e = r.anchor(&mut locked).unwrap_err();
        assert!(e.to_string().contains("vault locked"), "{e}");
        assert_eq!(r.pending_count().unwrap().0, 1);
        let rep = r.verify(&v.anchors()).unwrap();
        assert!(rep.is_intact());
        assert_eq!(rep.pending, 1);
        assert!(
            rep.findings[0]
                .message
                .en
                .contains("1 changes are not yet anchored"),
            "{:?}",
            rep.findings
        );
        let out = r.anchor(&mut v).unwrap();
        assert_eq!((out.anchored, out.through, out.pending), (1, 6, 0));
        let rep = r.verify(&v.anchors()).unwrap();
        assert!(
            rep.is_intact() && rep.findings.is_empty(),
            "{:?}",
            rep.findings
        );
    }
);

both!(
    anchors_of_another_store_and_junk_are_told_apart,
    |f: &Fresh| {
        let (mut r, v) = seeded(f);
        let other = Fresh::sqlite();
        let (mut r2, v2) = seeded(&other);
        let mut mixed = v.anchors();
        mixed.extend(v2.anchors().into_iter().map(|mut a| {
            a.vault_seq += 1000;
            a
        }));
        mixed.push(VaultAnchor {
            vault_seq: 5000,
            raw: b"hello".to_vec(),
        });
        let rep = r.verify(&mixed).unwrap();
        assert!(rep.is_intact(), "{:#?}", rep.findings);
        assert_eq!(rep.other_store_anchors, 5);
        assert!(
            rep.findings
                .iter()
                .any(|f| f.message.en.contains("vault record 5000"))
        );
        // the same chain copied into another store does not verify there
        assert!(r2.verify(&v.anchors()).unwrap().other_store_anchors == 5);
    }
);

/// Recompute every change's hash in seq order, as someone who knows the
/// scheme could.
fn rehash(f: &Fresh, r: &Registers) {
    let rows = dump(f);
    let mut prev = chain::genesis(r.store_id());
    let mut sql = String::new();
    for mut c in rows {
        c.prev_hash = prev.clone();
        c.hash = chain::change_hash(&c);
        sql.push_str(&format!(
            "UPDATE changes SET prev_hash = '{}', hash = '{}' WHERE seq = {};",
            c.prev_hash, c.hash, c.seq
        ));
        prev = c.hash;
    }
    f.raw(&sql).unwrap();
}

fn dump(f: &Fresh) -> Vec<chain::ChangeRow> {
    let q = "SELECT seq, register, id, version, action, at, actor, data, changed, prev_hash, hash FROM changes ORDER BY seq";
    match &f.location {
        registers::Location::Sqlite(p) => {
            let c = rusqlite::Connection::open(p).unwrap();
            let mut st = c.prepare(q).unwrap();
            st.query_map([], |r| {
                Ok(chain::ChangeRow {
                    seq: r.get::<_, i64>(0)? as u64,
                    register: r.get(1)?,
                    id: r.get(2)?,
                    version: r.get::<_, i64>(3)? as u64,
                    action: r.get(4)?,
                    at: r.get(5)?,
                    actor: r.get(6)?,
                    data: r.get(7)?,
                    changed: r.get(8)?,
                    prev_hash: r.get(9)?,
                    hash: r.get(10)?,
                })
            })
            .unwrap()
            .map(Result::unwrap)
            .collect()
        }
        registers::Location::Postgres { schema, .. } => {
            let mut c = postgres::Client::connect(crate::PG, postgres::NoTls).unwrap();
            c.batch_execute(&format!("SET search_path TO \"{schema}\""))
                .unwrap();
            c.query(q, &[])
                .unwrap()
                .iter()
                .map(|r| chain::ChangeRow {
                    seq: r.get::<_, i64>(0) as u64,
                    register: r.get(1),
                    id: r.get(2),
                    version: r.get::<_, i64>(3) as u64,
                    action: r.get(4),
                    at: r.get(5),
                    actor: r.get(6),
                    data: r.get(7),
                    changed: r.get(8),
                    prev_hash: r.get(9),
                    hash: r.get(10),
                })
                .collect()
        }
    }
}
