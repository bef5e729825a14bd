//! Every finding of the detector on files, one per line (mode, kind, span,
//! confidence, flags), for comparing two builds byte for byte (`cmp`):
//! the check of `BENCHMARKS.md` (issue #22) that a change to the name and
//! address pass left the output as it was.
//!
//! `cargo run --release -p scan --example dump_findings -- FILE… > out`
//!
//! Each file is scanned in 1 MiB chunks cut after a newline (as
//! `detect_chunks` does) with names and addresses on (`on`), off (`off`),
//! names alone (`nm`) and addresses alone (`ad`), then line by line with no
//! hint (`lon`), a name-column hint (`lname`) and an address-column hint
//! (`laddr`). Offsets are from the file's start.

use std::io::Write;

use scan::{DetectOptions, Detector, Finding, Hint};

fn dump(w: &mut impl Write, tag: &str, base: usize, out: &[Finding]) -> std::io::Result<()> {
    for f in out {
        writeln!(
            w,
            "{tag} {:?} {} {} {} {}",
            f.kind,
            base as u64 + f.start,
            base as u64 + f.end,
            f.confidence,
            f.flags
        )?;
    }
    Ok(())
}

fn main() -> std::io::Result<()> {
    let det = |names, addresses| {
        Detector::new(DetectOptions {
            names,
            addresses,
            ..DetectOptions::default()
        })
    };
    let (on, off, nm, ad) = (
        det(true, true),
        det(false, false),
        det(true, false),
        det(false, true),
    );
    let stdout = std::io::stdout();
    let mut w = std::io::BufWriter::new(stdout.lock());
    let mut out = Vec::new();
    for path in std::env::args().skip(1) {
        let text = std::fs::read(&path)?;
        writeln!(w, "# {path}")?;
        for (tag, d) in [("on", &on), ("off", &off), ("nm", &nm), ("ad", &ad)] {
            let mut s = 0;
            while s < text.len() {
                let mut e = (s + (1 << 20)).min(text.len());
                if e < text.len() {
                    e = text[e..]
                        .iter()
                        .position(|&c| c == b'\n')
                        .map_or(text.len(), |p| e + p + 1);
                }
                out.clear();
                d.scan(&text[s..e], Hint::default(), &mut out);
                dump(&mut w, tag, s, &out)?;
                s = e;
            }
        }
        for (tag, hint) in [
            ("lon", Hint::default()),
            ("lname", Hint(scan::lexer::ctx::NAME)),
            ("laddr", Hint(scan::lexer::ctx::ADDRESS)),
        ] {
            let mut s = 0;
            for line in text.split_inclusive(|&c| c == b'\n') {
                out.clear();
                on.scan(line, hint, &mut out);
                dump(&mut w, tag, s, &out)?;
                s += line.len();
            }
        }
    }
    w.flush()
}
