//! Fuzz the operator's profile parser, and what follows a profile that
//! parses: the decision rules on empty evidence and every report renderer.
//! Never a panic; an error always names a line and a column.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match duties::profile::parse(&text, std::path::Path::new("fuzz.toml")) {
        Err(e) => assert!(e.line >= 1 && e.column >= 1),
        Ok(p) => {
            let at = time::macros::date!(2026 - 03 - 01);
            let now = time::macros::datetime!(2026-03-05 10:00 +08:00);
            let ev = duties::Evidence::default();
            let a = duties::assess(duties::Inputs {
                profile: &p,
                at,
                collected: now,
                evidence: &ev,
            });
            for f in report::Format::ALL {
                let _ = report::render(&a, f, &report::Options::new(duties::Lang::Zh));
            }
        }
    }
});
