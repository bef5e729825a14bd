//! Invariants, checked on random inputs built from identifier-like
//! fragments: offsets stay inside the input and on character boundaries;
//! masked renderings never reveal more than the per-type budget nor the
//! value itself; chunked parallel file scanning finds exactly what one
//! in-memory pass finds.

use proptest::prelude::*;
use scan::{Detector, Hint, Kind, NoSink, ScanOptions, Scanner, mask::max_revealed};

fn id18(d17: &str) -> String {
    let c = scan::validate::id_check_char(d17.as_bytes()).unwrap_or(b'0');
    format!("{d17}{}", c as char)
}

fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9]{1,20}",
        "1[3-9][0-9]{9}",
        ("[1-6][1-5]0[0-9]{3}(19[5-9][0-9]|20[01][0-9])(0[1-9]|1[0-2])(0[1-9]|1[0-9]|2[0-8])[0-9]{3}").prop_map(|s| id18(&s)),
        "62[0-9]{14,17}",
        "[A-Z0-9]{18}",
        "[a-z]{1,8}@[a-z]{1,8}\\.(com|cn)",
        "[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}",
        "[0-9a-f]{2}(:[0-9a-f]{2}){5}",
        "[0-9]{3}\\*{4}[0-9]{4}",
        Just("身份证".to_owned()),
        Just("手机：".to_owned()),
        Just("收件人：张三".to_owned()),
        Just("北京市朝阳区建国路88号".to_owned()),
        Just("password=".to_owned()),
        Just("postgres://u:".to_owned()),
        Just("京A".to_owned()),
        Just("１３８".to_owned()),
        Just("-----BEGIN RSA PRIVATE KEY-----\n".to_owned()),
        "[ \\-+.,:@*\\n（）]{1,3}",
        "[一-龥]{1,4}",
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(fragment(), 0..40).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn offsets_are_inside_and_on_char_boundaries(t in text()) {
        let d = Detector::default();
        let mut out = Vec::new();
        d.scan(t.as_bytes(), Hint::default(), &mut out);
        for f in &out {
            prop_assert!(f.start < f.end && f.end as usize <= t.len(), "{f:?} in {} bytes", t.len());
            prop_assert!(t.is_char_boundary(f.start as usize) && t.is_char_boundary(f.end as usize), "{f:?}");
        }
    }

    #[test]
    fn masking_stays_within_budget(t in text()) {
        let d = Detector::default();
        let mut out = Vec::new();
        d.scan(t.as_bytes(), Hint::default(), &mut out);
        for f in &out {
            let m = f.masked.as_str();
            let raw = &t[f.start as usize..f.end as usize];
            let norm: String = raw.chars().filter(|c| c.is_alphanumeric()).collect();
            if norm.chars().count() >= 4 && !f.is_deidentified() {
                prop_assert!(!m.contains(norm.as_str()), "{:?} reveals {raw:?}", f.kind);
            }
            let shown = m.chars().filter(|&c| c != '*').count();
            match f.kind {
                Kind::Email | Kind::Ipv4 | Kind::Ipv6 | Kind::Mac | Kind::Gps | Kind::PrivateKey | Kind::Password | Kind::ApiToken => {}
                k => prop_assert!(shown <= max_revealed(k, norm.len()), "{k:?}: {m:?} shows {shown}"),
            }
            if f.kind == Kind::Password {
                prop_assert_eq!(m, "********");
            }
        }
    }

    #[test]
    fn chunked_parallel_scan_equals_one_pass(lines in prop::collection::vec(text(), 1..30)) {
        let t = lines.join("\n");
        let d = Detector::default();
        let mut one = Vec::new();
        d.scan(t.as_bytes(), Hint::default(), &mut one);
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("t.log");
        std::fs::write(&p, &t).expect("write");
        let s = Scanner::new(ScanOptions { threads: 2, chunk_size: 4096, ..ScanOptions::default() });
        let got = std::sync::Mutex::new(Vec::new());
        struct C<'a>(&'a std::sync::Mutex<Vec<(u64, u64, Kind)>>);
        impl scan::Sink for C<'_> {
            fn finding(&self, h: &scan::Hit<'_>) {
                if let Ok(mut g) = self.0.lock() { g.push((h.finding.start, h.finding.end, h.finding.kind)); }
            }
        }
        s.scan_path(&p, &C(&got)).expect("scan");
        let got = got.into_inner().unwrap_or_default();
        let want: Vec<(u64, u64, Kind)> = one.iter().map(|f| (f.start, f.end, f.kind)).collect();
        // chunks are cut at newlines; a value never spans lines except PEM blocks
        if !t.contains("-----BEGIN") {
            prop_assert_eq!(got, want);
        }
    }
}

#[test]
fn nosink_scan_of_empty_file_is_empty() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path().join("empty.txt");
    std::fs::write(&p, "").expect("write");
    let r = Scanner::new(ScanOptions::default())
        .scan_path(&p, &NoSink)
        .expect("scan");
    assert!(r.assets.is_empty());
    assert_eq!(r.sources, 1);
}
