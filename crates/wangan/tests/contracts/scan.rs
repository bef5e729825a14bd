//! `wangan scan --format json|jsonl`: the documents of the `scan` crate.

use scan::json::{FindingLine, ScanDoc};
use scan::{Detector, Hint, NoSink, Policy, ScanOptions, Scanner};

use crate::Example;

/// A small CSV with personal information of several kinds.
const USERS_CSV: &str = "name,phone,id,email,note\n\
    张三,13800138000,11010519491231002X,zhang.san@example.com,北京市朝阳区建国路88号\n\
    李四,139****0000,,li.si@example.org,\n";

/// One example of `wangan.scan/1` (as printed and as saved) and of its JSONL line.
pub fn examples() -> Vec<Example> {
    let scanner = Scanner::new(ScanOptions {
        threads: 1,
        ..ScanOptions::default()
    });
    let mut report = scanner.scan_reader("users.csv", USERS_CSV.as_bytes(), &NoSink);
    report.sort();
    let policy = Policy::default();
    let mut doc = ScanDoc::new(&report, &policy, &["users.csv".to_owned()]);
    doc.withhold_grade_if_nothing_read();
    let mut out = vec![Example::of(scan::json::SCHEMA, &doc)];

    // the JSONL line of one finding
    let mut found = Vec::new();
    Detector::default().scan("手机 13800138000".as_bytes(), Hint::default(), &mut found);
    let f = found.first().expect("a phone number is found");
    out.push(Example::of(
        "wangan.scan/1#jsonl",
        &FindingLine::new("app.log", None, None, f),
    ));
    out
}
