//! The detector alone on a file, in 1 MiB chunks cut after a newline (as
//! the engine cuts plain text): the program `BENCHMARKS.md` runs under
//! `valgrind --tool=callgrind` to count what names and addresses cost.
//!
//! `cargo run --release -p scan --example detect_chunks -- FILE [--no-names]`
//! prints the number of findings. The detector and its tables are built
//! before `scan_all` runs, so `--toggle-collect='*scan_all*'` counts the
//! scanning alone.

use scan::{DetectOptions, Detector, Finding, Hint};

/// Scan `text` in chunks of about `chunk` bytes, each ending after a
/// newline; the number of findings.
#[inline(never)]
fn scan_all(det: &Detector, text: &[u8], chunk: usize, out: &mut Vec<Finding>) -> usize {
    let mut n = 0;
    let mut s = 0;
    while s < text.len() {
        let mut e = (s + chunk).min(text.len());
        if e < text.len() {
            e = memchr_nl(&text[e..]).map_or(text.len(), |p| e + p + 1);
        }
        out.clear();
        det.scan(&text[s..e], Hint::default(), out);
        n += out.len();
        s = e;
    }
    n
}

fn memchr_nl(b: &[u8]) -> Option<usize> {
    b.iter().position(|&c| c == b'\n')
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.iter().find(|a| !a.starts_with("--")) else {
        eprintln!("usage: detect_chunks FILE [--no-names]");
        std::process::exit(2);
    };
    let off = args.iter().any(|a| a == "--no-names");
    let text = match std::fs::read(path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("cannot read {path}: {e}");
            std::process::exit(1);
        }
    };
    let det = Detector::new(DetectOptions {
        names: !off,
        addresses: !off,
        ..DetectOptions::default()
    });
    let mut out = Vec::with_capacity(1 << 16);
    // build the name and address tables before the counted part
    det.scan(
        "联系人王平，住址北京市海淀区中关村大街1号".as_bytes(),
        Hint::default(),
        &mut out,
    );
    let n = scan_all(&det, &text, 1 << 20, &mut out);
    println!("{n}");
}
