//! Fuzz the scanner's input side: encoding sniffing and decoding (UTF-8,
//! GBK/GB18030, UTF-16 with offset maps), the CSV, JSON, SQL and plain-text
//! readers, and the containers (gz, zst, xlsx/docx zip). Never panic, and every
//! finding's byte range lies inside the input (for plain formats, which are not
//! decompressed).
#![no_main]

use std::sync::atomic::{AtomicBool, Ordering};

use libfuzzer_sys::fuzz_target;

struct Check {
    len: u64,
    plain: bool,
    bad: AtomicBool,
}

impl scan::Sink for Check {
    fn finding(&self, hit: &scan::Hit<'_>) {
        let f = hit.finding;
        if f.start > f.end || (self.plain && f.end > self.len) {
            self.bad.store(true, Ordering::Relaxed);
        }
    }
}

const NAMES: &[(&str, bool)] = &[
    ("in.txt", true),
    ("in.log", true),
    ("in.csv", true),
    ("in.tsv", true),
    ("in.json", true),
    ("in.ndjson", true),
    ("in.sql", true),
    ("in.gz", false),
    ("in.zst", false),
    ("in.xlsx", false),
    ("in.docx", false),
];

fuzz_target!(|data: &[u8]| {
    let Some((&sel, input)) = data.split_first() else {
        return;
    };
    let (name, plain) = NAMES[usize::from(sel) % NAMES.len()];
    let scanner = scan::Scanner::new(scan::ScanOptions {
        threads: 1,
        ..scan::ScanOptions::default()
    });
    let check = Check {
        len: input.len() as u64,
        plain,
        bad: AtomicBool::new(false),
    };
    let _ = scanner.scan_bytes(name, input, &check);
    assert!(!check.bad.load(Ordering::Relaxed), "finding outside the input");

    let (enc, _) = scan::decode::sniff(input);
    let d = scan::decode::decode(input, enc);
    let _ = d;
});
