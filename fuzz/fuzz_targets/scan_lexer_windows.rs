//! Fuzz the lexer's window loop against the plain byte loop: on any bytes,
//! with or without a field hint, `Detector::scan` finds exactly what
//! `Detector::scan_reference` finds (same kinds, offsets, flags, masked
//! values and hashes), and never panics.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use scan::{Detector, Hint};

/// Built once: building the automata per input would dominate the run.
static DETECTOR: OnceLock<Detector> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let det = DETECTOR.get_or_init(Detector::default);
    // the first byte picks a field hint (none, a password column, a name column)
    let (hint, text) = match data.split_first() {
        Some((&b, rest)) => (
            match b % 3 {
                0 => Hint::default(),
                1 => det.hint("password"),
                _ => det.hint("姓名"),
            },
            rest,
        ),
        None => (Hint::default(), data),
    };
    let (mut a, mut b) = (Vec::new(), Vec::new());
    det.scan(text, hint, &mut a);
    det.scan_reference(text, hint, &mut b);
    assert_eq!(a, b, "window loop and byte loop differ");
});
