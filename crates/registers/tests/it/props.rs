//! Invariants over arbitrary input: reading, checking and clocking a record
//! never panics, whatever the text (including dates at the ends of the
//! calendar); a value read once reads again to itself; and any change
//! edited in a stored, anchored register is named by `verify`.

use proptest::prelude::*;
use registers::{OperatorKind, Register, Settings, schema};
use serde_json::{Map, Value};
use time::macros::datetime;

fn edge_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[0-9]{4}-[0-9]{2}-[0-9]{2}",
        "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[+-][0-9]{2}:[0-9]{2}",
        Just("9999-12-31".to_owned()),
        Just("9999-12-31T23:59:59-23:59".to_owned()),
        Just("0000-01-01T00:00:00+23:59".to_owned()),
        Just("-0001-01-01".to_owned()),
        "(citizens|social|national|x):(general|serious|especially-serious|y)",
        "[0-9]{1,20}",
        "-?[0-9]{1,4}\\.[0-9]{1,3}",
        Just("18446744073709551615".to_owned()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn any_value_of_any_field_never_panics(values in proptest::collection::vec(edge_text(), 1..6)) {
        let s = Settings::default();
        let now = datetime!(2025-06-01 12:00 +08:00);
        for reg in Register::ALL {
            let mut m = Map::new();
            for (i, f) in reg.fields().iter().enumerate() {
                let input = Value::String(values[i % values.len()].clone());
                if let Ok(v) = schema::read_value(reg, f, &input) {
                    prop_assert_eq!(schema::read_value(reg, f, &v).ok(), Some(v.clone()));
                    m.insert(f.key.to_owned(), v);
                }
            }
            let _ = registers::rules::validate(reg, &m, now);
            for kind in OperatorKind::ALL {
                let ds = registers::rules::deadlines(reg, &m, kind, &s);
                for d in &ds {
                    let _ = registers::view::deadline_view(d, now);
                }
                let _ = registers::rules::findings(reg, &m, kind, &s);
            }
            let _ = registers::rules::is_open(reg, &m);
            let _ = reg.summary(&m);
            let _ = schema::masked(reg, &m);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// Add some records, anchor them, flip one byte of one stored change's
    /// data: verify names exactly that register and record.
    #[test]
    fn any_edited_change_is_named(n in 2usize..8, pick in any::<prop::sample::Index>(), at in any::<prop::sample::Index>()) {
        let f = crate::Fresh::sqlite();
        let s = Settings::default();
        let mut r = f.open();
        let mut ids = Vec::new();
        for i in 0..n {
            let rec = if i % 2 == 0 {
                r.add(Register::Incident, &crate::text(&[("title", &format!("事件{i}")), ("grade", "large"), ("discovered_at", "2025-03-14T23:30:00+08:00")]), &crate::ctx("a", &s))
            } else {
                r.add(Register::Drill, &crate::text(&[("date", "2025-05-01"), ("scenario", &format!("场景{i}")), ("participants", "3")]), &crate::ctx("a", &s))
            }
            .unwrap();
            ids.push((rec.register, rec.id, rec.seq));
        }
        struct V(Vec<Vec<u8>>);
        impl registers::AnchorSink for V {
            fn append(&mut self, raw: &[u8]) -> Result<(), String> { self.0.push(raw.to_vec()); Ok(()) }
            fn commit(&mut self) -> Result<(), String> { Ok(()) }
        }
        let mut v = V(Vec::new());
        r.anchor(&mut v).unwrap();
        let anchors: Vec<registers::VaultAnchor> = v.0.iter().enumerate().map(|(i, raw)| registers::VaultAnchor { vault_seq: i as u64, raw: raw.clone() }).collect();
        prop_assert!(r.verify(&anchors).unwrap().is_intact());
        let (reg, id, seq) = ids[pick.index(ids.len())].clone();
        // change one character of the stored JSON (keeping it text)
        let data: String = {
            let c = rusqlite::Connection::open(match &f.location { registers::Location::Sqlite(p) => p.clone(), _ => unreachable!() }).unwrap();
            c.query_row("SELECT data FROM changes WHERE seq = ?1", [seq as i64], |row| row.get(0)).unwrap()
        };
        let chars: Vec<char> = data.chars().collect();
        let i = at.index(chars.len());
        let mut edited = chars.clone();
        edited[i] = if chars[i] == 'x' { 'y' } else { 'x' };
        let edited: String = edited.into_iter().collect();
        f.raw(&format!(
            "DROP TRIGGER changes_append_only_update; UPDATE changes SET data = '{}' WHERE seq = {seq};",
            edited.replace('\'', "''")
        )).unwrap();
        let rep = r.verify(&anchors).unwrap();
        prop_assert!(!rep.is_intact());
        prop_assert_eq!(rep.damaged_registers(), vec![reg.key().to_owned()]);
        prop_assert!(rep.findings.iter().any(|x| x.id.as_deref() == Some(id.as_str()) && x.seq == Some(seq)));
    }
}
