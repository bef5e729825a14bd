//! Precision and recall per type, from byte spans, on seeded labelled
//! corpora: UTF-8, GBK and UTF-16LE copies of the same text, scanned through
//! the full pipeline (decoding, chunking, threads).

#[path = "corpus/gen.rs"]
mod corpus_gen;

use std::collections::{BTreeMap, HashSet};

use scan::{ScanOptions, Scanner};

#[derive(Default, Debug)]
struct Score {
    tp: u64,
    fp: u64,
    fneg: u64,
}

impl Score {
    fn precision(&self) -> f64 {
        if self.tp + self.fp == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fp) as f64
        }
    }
    fn recall(&self) -> f64 {
        if self.tp + self.fneg == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fneg) as f64
        }
    }
}

/// Score findings against labels; offsets of labels are mapped with `map`.
fn evaluate(
    bytes: &[u8],
    labels: &[corpus_gen::Label],
    map: &dyn Fn(usize) -> u64,
    opts: ScanOptions,
) -> BTreeMap<String, Score> {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("corpus.txt");
    std::fs::write(&path, bytes).expect("write corpus");
    let scanner = Scanner::new(opts);
    let found = std::sync::Mutex::new(Vec::new());
    struct Collect<'a>(&'a std::sync::Mutex<Vec<(String, u64, u64, bool)>>);
    impl scan::Sink for Collect<'_> {
        fn finding(&self, hit: &scan::Hit<'_>) {
            let f = hit.finding;
            if let Ok(mut v) = self.0.lock() {
                v.push((
                    f.kind.name().to_owned(),
                    f.start,
                    f.end,
                    f.is_deidentified(),
                ));
            }
        }
    }
    scanner.scan_path(&path, &Collect(&found)).expect("scan");
    let found: HashSet<(String, u64, u64, bool)> =
        found.into_inner().unwrap_or_default().into_iter().collect();
    let gold: HashSet<(String, u64, u64, bool)> = labels
        .iter()
        .map(|l| (l.kind.to_owned(), map(l.start), map(l.end), l.masked))
        .collect();
    let mut scores: BTreeMap<String, Score> = BTreeMap::new();
    let key = |k: &str, masked: bool| {
        if masked {
            format!("{k}(masked)")
        } else {
            k.to_owned()
        }
    };
    for f in &found {
        let s = scores.entry(key(&f.0, f.3)).or_default();
        if gold.contains(f) {
            s.tp += 1
        } else {
            s.fp += 1
        }
    }
    for g in &gold {
        if !found.contains(g) {
            scores.entry(key(&g.0, g.3)).or_default().fneg += 1;
        }
    }
    scores
}

fn print(title: &str, scores: &BTreeMap<String, Score>) {
    println!("{title}");
    for (k, s) in scores {
        println!(
            "  {k:<20} tp {:>6} fp {:>4} fn {:>4}  precision {:.4} recall {:.4}",
            s.tp,
            s.fp,
            s.fneg,
            s.precision(),
            s.recall()
        );
    }
}

const STRICT: &[&str] = &[
    "cn_id",
    "cn_mobile",
    "bank_card",
    "cn_uscc",
    "email",
    "ipv4",
    "cn_id(masked)",
    "cn_mobile(masked)",
];

fn assert_quality(scores: &BTreeMap<String, Score>) {
    for k in STRICT {
        let s = scores.get(*k).unwrap_or_else(|| panic!("no {k} in corpus"));
        assert!(s.tp > 100, "{k}: too few labelled values ({})", s.tp);
        assert!(
            s.precision() >= 0.999,
            "{k}: precision {:.5} ({s:?})",
            s.precision()
        );
        assert!(s.recall() >= 0.999, "{k}: recall {:.5} ({s:?})", s.recall());
    }
    // names and addresses: dictionary + context, honest lower bounds
    let name = &scores["cn_name"];
    assert!(
        name.precision() >= 0.95 && name.recall() >= 0.6,
        "cn_name {name:?}"
    );
    let addr = &scores["cn_address"];
    assert!(
        addr.precision() >= 0.95 && addr.recall() >= 0.95,
        "cn_address {addr:?}"
    );
    // types the generator never labels: at most a handful of false positives
    for (k, s) in scores {
        if !STRICT.contains(&k.as_str()) && k != "cn_name" && k != "cn_address" {
            assert!(s.fp <= 3, "unexpected {k}: {s:?}");
        }
    }
}

fn opts(threads: usize) -> ScanOptions {
    ScanOptions {
        threads,
        chunk_size: 64 * 1024,
        ..ScanOptions::default()
    }
}

#[test]
fn utf8_dense_corpus() {
    let c = corpus_gen::generate(7, 3 << 20, 0.7);
    let scores = evaluate(c.text.as_bytes(), &c.labels, &|i| i as u64, opts(2));
    print("utf-8, dense, 3 MiB, 2 threads, 64 KiB chunks", &scores);
    assert_quality(&scores);
}

#[test]
fn utf8_sparse_corpus_single_thread() {
    let c = corpus_gen::generate(11, 2 << 20, 0.05);
    let scores = evaluate(c.text.as_bytes(), &c.labels, &|i| i as u64, opts(1));
    print("utf-8, sparse, 2 MiB, 1 thread", &scores);
    for k in ["cn_id", "cn_mobile", "bank_card", "cn_uscc"] {
        let s = &scores[k];
        assert!(s.precision() >= 0.999 && s.recall() >= 0.999, "{k}: {s:?}");
    }
}

#[test]
fn gbk_copy() {
    let c = corpus_gen::generate(13, 1 << 20, 0.7);
    let (gbk, _, bad) = encoding_rs::GBK.encode(&c.text);
    assert!(!bad, "corpus not representable in GBK");
    // map UTF-8 offsets to GBK offsets
    let mut map = vec![0u64; c.text.len() + 1];
    let mut g = 0u64;
    for (i, ch) in c.text.char_indices() {
        map[i] = g;
        let mut buf = [0u8; 4];
        let (enc, _, _) = encoding_rs::GBK.encode(ch.encode_utf8(&mut buf));
        g += enc.len() as u64;
    }
    map[c.text.len()] = g;
    assert_eq!(g as usize, gbk.len());
    let scores = evaluate(&gbk, &c.labels, &|i| map[i], opts(2));
    print("gbk, dense, 1 MiB", &scores);
    assert_quality(&scores);
}

#[test]
fn utf16le_copy_with_bom() {
    let c = corpus_gen::generate(17, 1 << 20, 0.7);
    let mut bytes = vec![0xFF, 0xFE];
    let mut map = vec![0u64; c.text.len() + 1];
    for (i, ch) in c.text.char_indices() {
        map[i] = bytes.len() as u64;
        let mut buf = [0u16; 2];
        for u in ch.encode_utf16(&mut buf) {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
    }
    map[c.text.len()] = bytes.len() as u64;
    let scores = evaluate(&bytes, &c.labels, &|i| map[i], opts(2));
    print("utf-16le, dense, 1 MiB", &scores);
    assert_quality(&scores);
}
