//! The numbering maps, in both directions, down to paragraphs and items.

use law::{Fit, Loc, Version, counterparts, no_counterpart_note, resolve, units};

fn at(key: &str) -> Loc {
    resolve(key, Version::Csl2016)
        .unwrap_or_else(|e| panic!("{key}: {e}"))
        .loc
}

/// `(target, fit)` pairs as `"22¶1~"` for a partial fit, `"22¶1"` otherwise.
fn show(loc: Loc, to: Version) -> Vec<String> {
    counterparts(loc, to)
        .iter()
        .map(|c| match c.fit {
            Fit::Same => c.loc.to_string(),
            Fit::Part => format!("{}~", c.loc),
        })
        .collect()
}

/// The article table of the law notes: draft, 2016, 2025.
const ARTICLES: [(Option<u16>, u16, u16); 19] = [
    (Some(17), 21, 23),
    (Some(18), 22, 24),
    (Some(19), 23, 25),
    (Some(20), 24, 26),
    (Some(21), 25, 27),
    (None, 26, 28),
    (Some(22), 27, 29),
    (Some(23), 28, 30),
    (Some(24), 29, 31),
    (None, 30, 32),
    (Some(25), 31, 33),
    (Some(26), 32, 34),
    (Some(27), 33, 35),
    (Some(28), 34, 36),
    (Some(30), 35, 37),
    (Some(29), 36, 38),
    (Some(31), 37, 39),
    (Some(32), 38, 40),
    (Some(33), 39, 41),
];

#[test]
fn article_table_both_ways() {
    for (d, s, n) in ARTICLES {
        let s16 = Loc::article(Version::Csl2016, s);
        let s25 = Loc::article(Version::Csl2025, n);
        assert_eq!(s16.in_version(Version::Csl2025), Some(s25));
        assert_eq!(s25.in_version(Version::Csl2016), Some(s16));
        match d {
            Some(d) => {
                let dl = Loc::article(Version::Draft2015, d);
                assert_eq!(dl.in_version(Version::Csl2016), Some(s16), "draft {d}");
                assert_eq!(dl.in_version(Version::Csl2025), Some(s25), "draft {d}");
                assert_eq!(s16.in_version(Version::Draft2015), Some(dl), "2016 {s}");
                assert_eq!(s25.in_version(Version::Draft2015), Some(dl), "2025 {n}");
            }
            None => {
                assert!(counterparts(s16, Version::Draft2015).is_empty());
                assert!(counterparts(s25, Version::Draft2015).is_empty());
                assert!(no_counterpart_note(s16, Version::Draft2015).is_some());
                assert!(no_counterpart_note(s25, Version::Draft2015).is_some());
            }
        }
    }
}

#[test]
fn paragraph_and_item_cases() {
    // (from, to version, expected counterparts)
    let cases: &[(&str, Version, &[&str])] = &[
        ("draft 17(3)", Version::Csl2016, &["21(3)"]),
        ("draft 17(3)", Version::Csl2025, &["23(3)"]),
        ("2025:23(3)", Version::Draft2015, &["17(3)"]),
        ("draft 17¶1", Version::Csl2016, &["21¶1"]),
        ("draft 17¶2", Version::Csl2016, &[]),
        ("draft 17¶2", Version::Csl2025, &[]),
        ("draft 18¶1", Version::Csl2016, &["22¶1~", "22¶3~"]),
        ("draft 18¶1", Version::Csl2025, &["24¶1~", "24¶3~"]),
        ("draft 18¶2", Version::Csl2016, &["22¶2"]),
        ("2016:22¶1", Version::Draft2015, &["18¶1~"]),
        ("2016:22¶2", Version::Draft2015, &["18¶2"]),
        ("2016:22¶3", Version::Draft2015, &["18¶1~"]),
        ("2025:24¶3", Version::Draft2015, &["18¶1~"]),
        ("2016:24¶2", Version::Draft2015, &["20¶2"]),
        ("2016:29¶2", Version::Draft2015, &["24¶2"]),
        ("2016:31¶1", Version::Draft2015, &["25¶1"]),
        ("2016:31¶2", Version::Draft2015, &[]),
        ("2016:34(4)", Version::Draft2015, &["28(4)"]),
        ("2016:39(2)", Version::Draft2015, &["33(2)"]),
        ("draft 29", Version::Csl2016, &["36"]),
        ("draft 30", Version::Csl2016, &["35"]),
        ("2016:35", Version::Draft2015, &["30"]),
        ("2016:36", Version::Draft2015, &["29"]),
        ("2016:26", Version::Draft2015, &[]),
        ("2016:30", Version::Draft2015, &[]),
        ("2016:21(3)", Version::Csl2016, &["21(3)"]),
    ];
    for (from, to, want) in cases {
        assert_eq!(show(at(from), *to), *want, "{from} → {to:?}");
    }
}

#[test]
fn units_without_counterpart_say_why() {
    let cases = [
        ("draft 17¶2", Version::Csl2016),
        ("draft 17¶2", Version::Csl2025),
        ("2016:26", Version::Draft2015),
        ("2016:30", Version::Draft2015),
        ("2016:31¶2", Version::Draft2015),
        ("2025:33¶2", Version::Draft2015),
        ("2025:28", Version::Draft2015),
    ];
    for (from, to) in cases {
        let note = no_counterpart_note(at(from), to);
        assert!(
            note.is_some_and(|n| !n.zh.is_empty() && !n.en.is_empty()),
            "{from} → {to:?}"
        );
    }
}

#[test]
fn every_mapping_holds_in_both_directions() {
    let mut checked = 0;
    for v in Version::ALL {
        for loc in units(v) {
            for w in Version::ALL {
                let there = counterparts(loc, w);
                if v == w {
                    assert_eq!(there.len(), 1);
                    assert_eq!(there[0].loc, loc);
                    continue;
                }
                if there.is_empty() {
                    assert!(
                        no_counterpart_note(loc, w).is_some(),
                        "{} has no counterpart in {w:?} and no note why",
                        loc.key()
                    );
                }
                for c in &there {
                    assert!(c.loc.exists(), "{} → {}", loc.key(), c.loc.key());
                    let back = counterparts(c.loc, v);
                    assert!(
                        back.iter().any(|b| b.loc == loc && b.fit == c.fit),
                        "{} → {} but not back",
                        loc.key(),
                        c.loc.key()
                    );
                    if c.fit == Fit::Part {
                        assert!(
                            c.note.is_some(),
                            "partial fit {} → {} needs a note",
                            loc.key(),
                            c.loc.key()
                        );
                    }
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 300, "checked {checked} correspondences");
}

#[test]
fn csl2016_to_2025_is_plus_two_everywhere() {
    for loc in units(Version::Csl2016) {
        let there = counterparts(loc, Version::Csl2025);
        assert_eq!(there.len(), 1);
        assert_eq!(there[0].loc.article, loc.article + 2);
        assert_eq!(there[0].loc.part, loc.part);
        assert_eq!(there[0].fit, Fit::Same);
    }
}

#[test]
fn paragraph_rows_are_stated_for_every_article_whose_shape_differs() {
    for (d, s) in law::map::DRAFT_TO_2016 {
        let a = law::article(Version::Draft2015, d).expect("draft article");
        let b = law::article(Version::Csl2016, s).expect("2016 article");
        let stated = law::map::PARAGRAPH_ROWS
            .iter()
            .any(|r| r.draft.map(|x| x.0) == Some(d) || r.csl2016.map(|x| x.0) == Some(s));
        if a.paragraphs.len() != b.paragraphs.len() {
            assert!(
                stated,
                "draft {d} / 2016 {s}: paragraphs differ, rows must be stated"
            );
        }
        if a.item_count() != b.item_count() {
            panic!("draft {d} / 2016 {s}: item counts differ; state an item mapping");
        }
    }
}
