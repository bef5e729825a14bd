//! Every reference form resolves; unknown ones list the closest valid ones.

use law::{Error, Loc, Version, resolve, units};
use proptest::prelude::*;

#[test]
fn every_form_resolves() {
    use Version::*;
    // (input, version a bare number means, expected key)
    let cases: &[(&str, Version, &str)] = &[
        ("23(3)", Csl2025, "2025:23(3)"),
        ("23(3)", Csl2016, "2016:23"), // replaced below: 2016 art. 23 has no items
        ("art. 23(3)", Csl2025, "2025:23(3)"),
        ("Art 23(3)", Csl2025, "2025:23(3)"),
        ("article 23 (3)", Csl2025, "2025:23(3)"),
        ("第二十三条第三项", Csl2025, "2025:23(3)"),
        ("第23条第3项", Csl2025, "2025:23(3)"),
        ("第二十三条（三）", Csl2025, "2025:23(3)"),
        ("23（三）", Csl2025, "2025:23(3)"),
        ("２３（３）", Csl2025, "2025:23(3)"),
        ("23(三)", Csl2025, "2025:23(3)"),
        ("CSL-2016 21(3)", Csl2025, "2016:21(3)"),
        ("csl-2016 21(3)", Csl2025, "2016:21(3)"),
        ("CSL2016 21(3)", Csl2025, "2016:21(3)"),
        ("CSL-2016 art. 21(3)", Csl2025, "2016:21(3)"),
        ("2016:21(3)", Csl2025, "2016:21(3)"),
        ("2016：21（3）", Csl2025, "2016:21(3)"),
        ("2016 21(3)", Csl2025, "2016:21(3)"),
        ("2016年第二十一条第三项", Csl2025, "2016:21(3)"),
        ("CSL-2025 23(3)", Csl2016, "2025:23(3)"),
        ("2025:23(3)", Csl2016, "2025:23(3)"),
        ("draft 17(3)", Csl2025, "draft:17(3)"),
        ("Draft 2015 17(3)", Csl2025, "draft:17(3)"),
        ("draft:17(3)", Csl2025, "draft:17(3)"),
        ("2015:17(3)", Csl2025, "draft:17(3)"),
        ("草案第十七条第三项", Csl2025, "draft:17(3)"),
        ("24¶2", Csl2016, "2016:24¶2"),
        ("24 ¶ 2", Csl2016, "2016:24¶2"),
        ("24 para 2", Csl2016, "2016:24¶2"),
        ("24§2", Csl2016, "2016:24¶2"),
        ("第二十四条第二款", Csl2016, "2016:24¶2"),
        ("2016:34¶1(3)", Csl2025, "2016:34(3)"),
        ("第三十四条第一款第三项", Csl2016, "2016:34(3)"),
        ("21", Csl2016, "2016:21"),
        ("第二十一条", Csl2016, "2016:21"),
        ("  2016:21  ", Csl2025, "2016:21"),
        ("csl.log-retention", Csl2016, "2016:21(3)"),
        ("csl.log-retention", Csl2025, "2025:23(3)"),
        ("csl.log-retention", Draft2015, "draft:17(3)"),
        ("CSL.LOG-RETENTION", Csl2025, "2025:23(3)"),
        ("csl.regulator-information-use", Draft2015, "2016:30"),
    ];
    for (input, bare, want) in cases {
        if *input == "23(3)" && *bare == Csl2016 {
            assert!(resolve(input, *bare).is_err(), "2016 art. 23 has no items");
            continue;
        }
        let got = resolve(input, *bare).unwrap_or_else(|e| panic!("{input}: {e}"));
        assert_eq!(got.loc.key(), *want, "{input}");
    }
}

#[test]
fn the_done_when_forms_land_on_the_same_duty() {
    let in_2026 = Version::in_force_at(time::macros::date!(2026 - 03 - 01));
    assert_eq!(in_2026, Version::Csl2025);
    assert_eq!(
        Version::in_force_at(time::macros::date!(2025 - 12 - 31)),
        Version::Csl2016
    );
    for input in [
        "CSL-2016 21(3)",
        "23(3)",
        "draft 17(3)",
        "第二十三条第三项",
        "csl.log-retention",
    ] {
        let t = resolve(input, in_2026).unwrap_or_else(|e| panic!("{input}: {e}"));
        let ids: Vec<_> = law::duties_at(t.loc).iter().map(|d| d.id).collect();
        assert_eq!(ids, ["csl.log-retention"], "{input}");
    }
}

#[test]
fn explicit_version_is_reported() {
    assert!(
        resolve("2016:21", Version::Csl2025)
            .map(|t| t.explicit_version)
            .unwrap_or(false)
    );
    assert!(
        !resolve("21", Version::Csl2016)
            .map(|t| t.explicit_version)
            .unwrap_or(true)
    );
    let t = resolve("csl.real-name", Version::Csl2016).expect("duty");
    assert_eq!(t.duty.map(|d| d.id), Some("csl.real-name"));
}

#[test]
fn every_unit_round_trips_through_each_written_form() {
    for v in Version::ALL {
        for loc in units(v) {
            let other = if v == Version::Csl2016 {
                Version::Csl2025
            } else {
                Version::Csl2016
            };
            let prefix = match v {
                Version::Draft2015 => "草案",
                Version::Csl2016 => "2016年",
                Version::Csl2025 => "2025年",
            };
            for form in [loc.key(), loc.label(), format!("{prefix}{}", loc.zh())] {
                let got = resolve(&form, other).unwrap_or_else(|e| panic!("{form}: {e}"));
                assert_eq!(got.loc, loc, "{form}");
            }
            assert_eq!(resolve(&loc.to_string(), v).map(|t| t.loc), Ok(loc));
            assert_eq!(resolve(&loc.zh(), v).map(|t| t.loc), Ok(loc));
        }
    }
}

fn suggestions(input: &str, bare: Version) -> (bool, Vec<String>) {
    match resolve(input, bare) {
        Ok(t) => panic!("{input} resolved to {}", t.loc.key()),
        Err(e @ Error::NotFound { .. }) => (true, e.suggestions().to_vec()),
        Err(e) => (false, e.suggestions().to_vec()),
    }
}

#[test]
fn unknown_references_list_the_closest_valid_ones() {
    let (found, s) = suggestions("2016:50", Version::Csl2025);
    assert!(found);
    assert_eq!(s[0], "CSL-2016 39");
    let (_, s) = suggestions("21(9)", Version::Csl2016);
    assert_eq!(s, ["21(1)", "21(2)", "21(3)", "21(4)", "21(5)"]);
    let (_, s) = suggestions("CSL-2016 24¶3", Version::Csl2016);
    assert_eq!(s, ["CSL-2016 24¶1", "CSL-2016 24¶2", "CSL-2016 24"]);
    let (_, s) = suggestions("19", Version::Csl2025);
    assert!(
        s.contains(&"CSL-2025 23".to_owned()) && s.contains(&"draft 2015 19".to_owned()),
        "{s:?}"
    );
    let (found, s) = suggestions("csl.log-retension", Version::Csl2025);
    assert!(found);
    assert_eq!(s[0], "csl.log-retention");
    let (found, _) = suggestions("hello world", Version::Csl2025);
    assert!(!found);
    let (_, s) = suggestions("log-retention", Version::Csl2025);
    assert_eq!(s.first().map(String::as_str), Some("csl.log-retention"));
    // A paragraph that does not hold the item.
    assert!(resolve("34¶2(3)", Version::Csl2016).is_err());
    for bad in [
        "",
        "(3)",
        "21((3)",
        "第二十一",
        "21(3)(4)",
        "21¶",
        "2016",
        "csl-2099 21",
        "21 banana",
    ] {
        assert!(resolve(bad, Version::Csl2016).is_err(), "{bad:?}");
    }
}

#[test]
fn error_messages_are_lowercase_and_say_what_failed() {
    let e = resolve("2016:50", Version::Csl2025).expect_err("no such article");
    let msg = e.to_string();
    assert!(msg.starts_with("no such article"), "{msg}");
    assert!(
        msg.contains("`2016:50`") && msg.contains("closest valid: CSL-2016 39"),
        "{msg}"
    );
    assert_eq!(e.input(), "2016:50");
}

proptest! {
    #[test]
    fn resolve_never_panics(s in "\\PC{0,16}") {
        let _ = resolve(&s, Version::Csl2016);
    }

    #[test]
    fn numbers_in_any_script_resolve_alike(n in 21u16..=39, item in 1u8..=5) {
        let loc = Loc::item(Version::Csl2016, n, item);
        let zh = format!("第{}条第{}项", law::numeral::to_chinese(u32::from(n)).unwrap_or_default(), law::numeral::to_chinese(u32::from(item)).unwrap_or_default());
        let fullwidth: String = format!("{n}({item})").chars().map(|c| char::from_u32(c as u32 + 0xfee0).unwrap_or(c)).collect();
        let a = resolve(&format!("{n}({item})"), Version::Csl2016).map(|t| t.loc);
        prop_assert_eq!(&a, &resolve(&zh, Version::Csl2016).map(|t| t.loc).map_err(|e| match e { law::Error::NotFound { suggestions, .. } => law::Error::NotFound { input: format!("{n}({item})"), suggestions }, e => e }));
        prop_assert_eq!(a.is_ok(), loc.exists());
        prop_assert_eq!(resolve(&fullwidth, Version::Csl2016).map(|t| t.loc).ok(), a.ok());
    }
}
