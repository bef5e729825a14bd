//! The embedded texts are the vendored files, character for character.

use law::text::{self, SHA256SUMS};
use law::{Section, Version, articles};
use sha2::{Digest, Sha256};

fn data_file(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

#[test]
fn vendored_files_match_sha256sums_and_are_the_embedded_ones() {
    let mut seen = 0;
    for line in SHA256SUMS.lines().filter(|l| !l.trim().is_empty()) {
        let (sum, name) = line.split_once("  ").expect("`<sha256>  <file>` line");
        let on_disk = data_file(name);
        let digest: String = Sha256::digest(on_disk.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(digest, sum, "sha256 of {name}");
        let embedded = Version::ALL.into_iter().find_map(|v| {
            if text::source_file(v) == name {
                Some(text::source(v))
            } else if text::penalty_source_file(v) == Some(name) {
                Some(text::penalty_source(v))
            } else {
                None
            }
        });
        let embedded = embedded.expect("every listed file is a version's chapter 3 or 6");
        assert_eq!(embedded, on_disk, "embedded text of {name}");
        seen += 1;
    }
    assert_eq!(seen, 5);
}

/// Split a vendored file into articles by a rule independent of the crate's
/// parser: drop `<br/>` line ends, blank lines and `#` headings; a line that
/// starts with 第…条 followed by a space starts an article.
fn split_articles(src: &str) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = Vec::new();
    for raw in src.lines() {
        let line = raw.strip_suffix("<br/>").unwrap_or(raw);
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let starts_article = line.starts_with('第')
            && line
                .char_indices()
                .take(8)
                .any(|(i, c)| c == '条' && line[i + c.len_utf8()..].starts_with([' ', '\u{3000}']));
        if starts_article {
            out.push(vec![line.to_owned()]);
        } else {
            out.last_mut()
                .expect("text before the first article")
                .push(line.to_owned());
        }
    }
    out
}

#[test]
fn every_article_is_character_identical_to_the_vendored_file() {
    for v in Version::ALL {
        let expected = split_articles(&data_file(text::source_file(v)));
        let got: Vec<Vec<String>> = articles(v).iter().map(|a| a.source_lines()).collect();
        assert_eq!(got.len(), expected.len(), "{v:?}: article count");
        for (g, e) in got.iter().zip(&expected) {
            assert_eq!(g, e, "{v:?}");
        }
        // And the whole-article text is those lines.
        for a in articles(v) {
            let loc = law::Loc::article(v, a.number);
            assert_eq!(loc.text(), Some(a.source_lines().join("\n")));
        }
    }
}

#[test]
fn article_numbers_and_sections() {
    // (version, first, last, first article of section 2)
    let cases = [
        (Version::Draft2015, 17, 33, 25),
        (Version::Csl2016, 21, 39, 31),
        (Version::Csl2025, 23, 41, 33),
    ];
    for (v, first, last, cii) in cases {
        let numbers: Vec<u16> = articles(v).iter().map(|a| a.number).collect();
        assert_eq!(numbers, (first..=last).collect::<Vec<_>>(), "{v:?}");
        assert_eq!(v.article_range(), (first, last));
        for a in articles(v) {
            let want = if a.number < cii {
                Section::General
            } else {
                Section::Cii
            };
            assert_eq!(a.section, want, "{v:?} art. {}", a.number);
            assert_eq!(
                a.heading,
                format!(
                    "第{}条",
                    law::numeral::to_chinese(u32::from(a.number)).unwrap_or_default()
                )
            );
        }
    }
}

#[test]
fn paragraph_and_item_shapes() {
    // (article, paragraphs, items) for every article; items all in ¶1.
    let draft: [(u16, usize, usize); 17] = [
        (17, 2, 5),
        (18, 2, 0),
        (19, 1, 0),
        (20, 2, 0),
        (21, 1, 0),
        (22, 1, 0),
        (23, 1, 0),
        (24, 2, 0),
        (25, 1, 0),
        (26, 1, 0),
        (27, 1, 0),
        (28, 1, 5),
        (29, 1, 0),
        (30, 1, 0),
        (31, 1, 0),
        (32, 1, 0),
        (33, 1, 4),
    ];
    let csl2016: [(u16, usize, usize); 19] = [
        (21, 1, 5),
        (22, 3, 0),
        (23, 1, 0),
        (24, 2, 0),
        (25, 1, 0),
        (26, 1, 0),
        (27, 1, 0),
        (28, 1, 0),
        (29, 2, 0),
        (30, 1, 0),
        (31, 2, 0),
        (32, 1, 0),
        (33, 1, 0),
        (34, 1, 5),
        (35, 1, 0),
        (36, 1, 0),
        (37, 1, 0),
        (38, 1, 0),
        (39, 1, 4),
    ];
    let check = |v: Version, table: &[(u16, usize, usize)]| {
        assert_eq!(articles(v).len(), table.len());
        for &(n, paras, items) in table {
            let a = law::article(v, n).expect("article exists");
            assert_eq!(a.paragraphs.len(), paras, "{v:?} {n} paragraphs");
            assert_eq!(a.item_count(), items, "{v:?} {n} items");
            assert!(a.paragraphs.iter().skip(1).all(|p| p.items.is_empty()));
            for (i, _, line) in a.items() {
                let marker = format!(
                    "（{}）",
                    law::numeral::to_chinese(u32::from(i)).unwrap_or_default()
                );
                assert!(
                    line.starts_with(&marker),
                    "{v:?} {n}({i}) starts with {marker}"
                );
            }
        }
    };
    check(Version::Draft2015, &draft);
    check(Version::Csl2016, &csl2016);
    let csl2025: Vec<(u16, usize, usize)> =
        csl2016.iter().map(|&(n, p, i)| (n + 2, p, i)).collect();
    check(Version::Csl2025, &csl2025);
}

#[test]
fn the_2025_text_is_the_2016_text_renumbered() {
    for a in articles(Version::Csl2016) {
        let b = law::article(Version::Csl2025, a.number + 2).expect("2025 counterpart");
        let old = law::Loc::article(Version::Csl2016, a.number)
            .body()
            .unwrap_or_default();
        let new = law::Loc::article(Version::Csl2025, b.number)
            .body()
            .unwrap_or_default();
        if a.number == 34 {
            // The only change: the cross-reference follows the renumbering.
            assert_eq!(old.replace("本法第二十一条", "本法第二十三条"), new);
            assert_ne!(old, new);
        } else {
            assert_eq!(old, new, "2016 art. {}", a.number);
        }
    }
}

#[test]
fn unit_texts() {
    use law::Loc;
    let v = Version::Csl2016;
    let cases = [
        (
            Loc::item(v, 21, 3),
            "（三）采取监测、记录网络运行状态、网络安全事件的技术措施，并按照规定留存相关的网络日志不少于六个月；",
        ),
        (
            Loc::paragraph(v, 24, 2),
            "国家实施网络可信身份战略，支持研究开发安全、方便的电子身份认证技术，推动不同电子身份认证之间的互认。",
        ),
        (
            Loc::item(Version::Draft2015, 17, 3),
            "（三）采取记录、跟踪网络运行状态，监测、记录网络安全事件的技术措施，并按照规定留存网络日志；",
        ),
        (
            Loc::paragraph(Version::Draft2015, 17, 2),
            "网络安全等级保护的具体办法由国务院规定。",
        ),
    ];
    for (loc, want) in cases {
        assert_eq!(loc.text().as_deref(), Some(want), "{}", loc.key());
    }
    // A paragraph with items is its lead line followed by the items.
    let p = Loc::paragraph(v, 39, 1).text().unwrap_or_default();
    assert_eq!(p.lines().count(), 5);
    assert!(p.starts_with("国家网信部门应当统筹协调"));
    // Locations that do not exist have no text.
    for loc in [
        Loc::article(v, 40),
        Loc::item(v, 21, 6),
        Loc::paragraph(v, 21, 2),
        Loc::item(v, 22, 1),
    ] {
        assert_eq!(loc.text(), None, "{}", loc.key());
        assert!(!loc.exists());
    }
}

#[test]
fn chapter_6_is_parsed_line_for_line_and_numbered() {
    for (v, first, last) in [(Version::Csl2016, 59, 69), (Version::Csl2025, 61, 71)] {
        let file = text::penalty_source_file(v).expect("vendored");
        let expected = split_articles(&data_file(file));
        let got: Vec<Vec<String>> = text::penalty_articles(v)
            .iter()
            .map(|a| a.source_lines())
            .collect();
        assert_eq!(got, expected, "{v:?}");
        let numbers: Vec<u16> = text::penalty_articles(v).iter().map(|a| a.number).collect();
        assert_eq!(numbers, (first..=last).collect::<Vec<_>>(), "{v:?}");
    }
    assert!(text::penalty_articles(Version::Draft2015).is_empty());
}

#[test]
fn every_penalty_provision_exists_and_quotes_the_law() {
    for d in law::duties() {
        for p in d.penalties {
            assert!(p.version != Version::Draft2015, "{}", d.id);
            for prov in p.provisions {
                let t = prov.text(p.version).unwrap_or_else(|| {
                    panic!("{}: {} {prov} is not in chapter 6", d.id, p.version.label())
                });
                assert!(t.ends_with(['。', '：', '；']), "{}: {t}", d.id);
            }
            if let Some(text) = p.text() {
                // the quoted text is the law's own, line for line
                let source = text::penalty_source(p.version);
                for line in text.lines() {
                    assert!(source.contains(line), "{}: {line}", d.id);
                }
            }
        }
    }
    // The operator's penalty in 2025 quotes 61¶1 (the fine from the first breach) and ¶3.
    let log = law::duty("csl.log-retention").expect("duty");
    let p2025 = log
        .penalties
        .iter()
        .find(|p| p.version == Version::Csl2025)
        .expect("2025");
    let text = p2025.text().expect("text");
    assert!(
        text.starts_with("第六十一条 网络运营者不履行本法第二十三条、第二十七条"),
        "{text}"
    );
    assert!(text.contains("可以处一万元以上五万元以下罚款"));
    assert!(text.contains("二百万元以上一千万元以下罚款"));
    assert_eq!(
        p2025.zh().as_deref(),
        Some("第六十一条第一款、第六十一条第三款")
    );
    assert_eq!(p2025.label().as_deref(), Some("CSL-2025 art. 61¶1, 61¶3"));
    // An item is quoted after the sentence that introduces it.
    let le = law::duty("csl.law-enforcement-support").expect("duty");
    let p2016 = le
        .penalties
        .iter()
        .find(|p| p.version == Version::Csl2016)
        .expect("2016");
    let text = p2016.text().expect("text");
    assert!(
        text.starts_with("第六十九条 网络运营者违反本法规定，有下列行为之一的"),
        "{text}"
    );
    assert!(
        text.ends_with("（三）拒不向公安机关、国家安全机关提供技术支持和协助的。"),
        "{text}"
    );
    // Every penalty fact is now read in the vendored texts.
    assert!(
        law::duties()
            .iter()
            .flat_map(|d| d.penalties)
            .all(|p| p.status == law::Status::Verified)
    );
}
