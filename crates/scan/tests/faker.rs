//! Precision and recall per type and per form, from byte spans, on a
//! labelled corpus the scanner's own generator did not make (issue #22):
//! `tests/faker/gen.py` places the zh_CN names, addresses, companies and
//! numbers of the `Faker` library in templates written from real formats
//! (prose, chat, tickets, logs, JSON events, a CSV export, addresses, bank
//! lines, decoys). Each form is a file, scanned through the full pipeline
//! under its own name (so `.jsonl` and `.csv` are parsed as such).
//!
//! Goals of issue #22 (asserted below where reached; see the constants):
//! names and addresses recall ≥ 0.95 with precision ≥ 0.97, bank cards
//! recall ≥ 0.99 without a card keyword, identifiers at 1.000, and no
//! decoy ever reported.

use std::collections::{BTreeMap, HashSet};
use std::sync::Mutex;

use scan::{ScanOptions, Scanner};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/faker");

/// The corpus directory: `FAKER_DIR` names another one written by
/// `gen.py` (another seed: a held-out check), scored the same way.
fn dir() -> String {
    std::env::var("FAKER_DIR").unwrap_or_else(|_| DIR.to_owned())
}
const FILES: &[&str] = &[
    "prose.txt",
    "chat.txt",
    "ticket.txt",
    "log.txt",
    "events.jsonl",
    "export.csv",
    "address.txt",
    "bank.txt",
    "decoy.txt",
];
/// The types the corpus labels; any other type found counts as a false
/// positive of its own row.
const LABELLED: &[&str] = &[
    "cn_name",
    "cn_address",
    "bank_card",
    "cn_id",
    "cn_mobile",
    "email",
    "ipv4",
];

#[derive(Default, Debug, Clone, Copy)]
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
    fn add(&mut self, o: &Score) {
        self.tp += o.tp;
        self.fp += o.fp;
        self.fneg += o.fneg;
    }
}

type Span = (String, u64, u64);

struct Collect(Mutex<Vec<Span>>);

impl scan::Sink for Collect {
    fn finding(&self, hit: &scan::Hit<'_>) {
        let f = hit.finding;
        if let Ok(mut v) = self.0.lock() {
            v.push((f.kind.name().to_owned(), f.start, f.end));
        }
    }
}

fn labels() -> BTreeMap<String, HashSet<Span>> {
    let text = std::fs::read_to_string(format!("{}/labels.tsv", dir())).expect("read labels.tsv");
    let mut out: BTreeMap<String, HashSet<Span>> = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        assert_eq!(f.len(), 4, "labels.tsv line {}: four fields", n + 1);
        let num = |s: &str| -> u64 {
            s.parse()
                .unwrap_or_else(|_| panic!("labels.tsv line {}: bad offset {s:?}", n + 1))
        };
        out.entry(f[0].to_owned())
            .or_default()
            .insert((f[3].to_owned(), num(f[1]), num(f[2])));
    }
    out
}

/// Scores per (form, type), and what was wrongly found or missed (for the
/// printout).
fn evaluate() -> (BTreeMap<(String, String), Score>, Vec<String>) {
    let gold = labels();
    let scanner = Scanner::new(ScanOptions {
        threads: 1,
        ..ScanOptions::default()
    });
    let mut scores: BTreeMap<(String, String), Score> = BTreeMap::new();
    let mut errors = Vec::new();
    for file in FILES {
        let form = file.split('.').next().unwrap_or(file).to_owned();
        let bytes = std::fs::read(format!("{}/{file}", dir())).expect("read corpus file");
        let sink = Collect(Mutex::new(Vec::new()));
        scanner.scan_bytes(file, &bytes, &sink);
        let found: HashSet<Span> = sink
            .0
            .into_inner()
            .unwrap_or_default()
            .into_iter()
            .collect();
        let empty = HashSet::new();
        let gold = gold.get(*file).unwrap_or(&empty);
        let show = |s: &Span| {
            let (a, b) = (s.1 as usize, s.2 as usize);
            let lo = bytes[..a]
                .iter()
                .rposition(|&c| c == b'\n')
                .map_or(0, |p| p + 1);
            let hi = bytes[b..]
                .iter()
                .position(|&c| c == b'\n')
                .map_or(bytes.len(), |p| b + p);
            format!(
                "{} [{}] in {}",
                s.0,
                String::from_utf8_lossy(&bytes[a..b]),
                String::from_utf8_lossy(&bytes[lo..hi])
            )
        };
        for f in &found {
            let s = scores.entry((form.clone(), f.0.clone())).or_default();
            if gold.contains(f) {
                s.tp += 1;
            } else {
                s.fp += 1;
                errors.push(format!("{form}: FP {}", show(f)));
            }
        }
        for g in gold {
            if !found.contains(g) {
                scores.entry((form.clone(), g.0.clone())).or_default().fneg += 1;
                errors.push(format!("{form}: FN {}", show(g)));
            }
        }
    }
    (scores, errors)
}

fn by_type(scores: &BTreeMap<(String, String), Score>) -> BTreeMap<String, Score> {
    let mut out: BTreeMap<String, Score> = BTreeMap::new();
    for ((_, kind), s) in scores {
        out.entry(kind.clone()).or_default().add(s);
    }
    out
}

// The goals of issue #22, asserted (reached: see BENCHMARKS.md).
/// Names: precision ≥ 0.97 with recall ≥ 0.95.
const NAME_P: f64 = 0.97;
const NAME_R: f64 = 0.95;
/// Addresses: precision ≥ 0.97 with recall ≥ 0.95.
const ADDR_P: f64 = 0.97;
const ADDR_R: f64 = 0.95;
/// Bank cards: recall ≥ 0.99, some without a card keyword; precision 1.
const CARD_R: f64 = 0.99;
#[test]
fn faker_corpus_per_type_and_form() {
    let (scores, errors) = evaluate();
    println!("per form:");
    for ((form, kind), s) in &scores {
        println!(
            "  {form:<8} {kind:<12} tp {:>5} fp {:>4} fn {:>4}  precision {:.4} recall {:.4}",
            s.tp,
            s.fp,
            s.fneg,
            s.precision(),
            s.recall()
        );
    }
    let types = by_type(&scores);
    println!("per type:");
    for (kind, s) in &types {
        println!(
            "  {kind:<12} tp {:>5} fp {:>4} fn {:>4}  precision {:.4} recall {:.4}",
            s.tp,
            s.fp,
            s.fneg,
            s.precision(),
            s.recall()
        );
    }
    if std::env::var_os("FAKER_ERRORS").is_some() {
        for e in &errors {
            println!("{e}");
        }
    }
    let get = |k: &str| types.get(k).copied().unwrap_or_default();
    for k in ["cn_id", "cn_mobile", "email", "ipv4"] {
        let s = get(k);
        assert!(s.tp >= 50, "{k}: too few labelled values ({s:?})");
        assert!(
            s.precision() == 1.0 && s.recall() == 1.0,
            "{k}: precision {:.4} recall {:.4} ({s:?})",
            s.precision(),
            s.recall()
        );
    }
    let card = get("bank_card");
    assert!(card.precision() == 1.0, "bank_card precision: {card:?}");
    assert!(card.recall() >= CARD_R, "bank_card recall: {card:?}");
    let name = get("cn_name");
    assert!(
        name.precision() >= NAME_P && name.recall() >= NAME_R,
        "cn_name {name:?}"
    );
    let addr = get("cn_address");
    assert!(
        addr.precision() >= ADDR_P && addr.recall() >= ADDR_R,
        "cn_address {addr:?}"
    );
    // no decoy reported, and no type the corpus does not label
    let decoy_fp: u64 = scores
        .iter()
        .filter(|((form, _), _)| form == "decoy")
        .map(|(_, s)| s.fp)
        .sum();
    // no decoy ever reported
    assert_eq!(decoy_fp, 0, "decoys reported");
    for ((form, kind), s) in &scores {
        if !LABELLED.contains(&kind.as_str()) {
            assert_eq!(s.fp, 0, "{form}: {kind} reported where nothing is ({s:?})");
        }
    }
}

/// For `tests/faker/not_names.py`: the lines of `NOT_NAMES_INPUT`
/// (`。WORD，`) whose word is found whole as a name, written to
/// `NOT_NAMES_OUTPUT`.
#[test]
#[ignore = "a tool for tests/faker/not_names.py"]
fn not_names_candidates() {
    let (Some(inp), Some(outp)) = (
        std::env::var_os("NOT_NAMES_INPUT"),
        std::env::var_os("NOT_NAMES_OUTPUT"),
    ) else {
        panic!("NOT_NAMES_INPUT and NOT_NAMES_OUTPUT must name files");
    };
    let text = std::fs::read_to_string(inp).expect("read NOT_NAMES_INPUT");
    let det = scan::Detector::default();
    let mut found = Vec::new();
    let mut flagged = Vec::new();
    for line in text.lines() {
        found.clear();
        det.scan(line.as_bytes(), scan::Hint::default(), &mut found);
        let word = line.trim_start_matches('。').trim_end_matches('，');
        if found
            .iter()
            .any(|f| f.kind.name() == "cn_name" && &line[f.start as usize..f.end as usize] == word)
        {
            flagged.push(word);
        }
    }
    std::fs::write(outp, flagged.join("\n")).expect("write NOT_NAMES_OUTPUT");
}
