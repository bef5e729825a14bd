//! `cargo xtask gen-scan-corpus`: the seeded labelled corpus of the scanner
//! (the generator lives with the scanner's tests, `crates/scan/tests/corpus/gen.rs`).

#[path = "../../crates/scan/tests/corpus/gen.rs"]
pub(crate) mod corpus_gen;

use anyhow::{Context, bail};

const USAGE: &str = "usage: cargo xtask gen-scan-corpus --size-mb N [--seed S] [--density dense|sparse|RATIO] --out FILE [--labels FILE]";

/// Parse arguments and write the corpus (UTF-8) and its labels (JSON lines).
pub fn cli(args: &[String]) -> anyhow::Result<()> {
    let mut size_mb = None;
    let mut seed = 1u64;
    let mut ratio = 0.7f64;
    let mut out = None;
    let mut labels = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut val = || {
            it.next()
                .with_context(|| format!("{a} needs a value\n{USAGE}"))
        };
        match a.as_str() {
            "--size-mb" => size_mb = Some(val()?.parse::<usize>().context("--size-mb")?),
            "--seed" => seed = val()?.parse().context("--seed")?,
            "--density" => {
                ratio = match val()?.as_str() {
                    "dense" => 0.7,
                    "sparse" => 0.05,
                    r => r.parse().context("--density")?,
                }
            }
            "--out" => out = Some(val()?.clone()),
            "--labels" => labels = Some(val()?.clone()),
            _ => bail!("unknown argument {a}\n{USAGE}"),
        }
    }
    let (Some(size_mb), Some(out)) = (size_mb, out) else {
        bail!("{USAGE}");
    };
    let c = corpus_gen::generate(seed, size_mb << 20, ratio);
    std::fs::write(&out, &c.text).with_context(|| format!("write {out}"))?;
    let labels = labels.unwrap_or_else(|| format!("{out}.labels.jsonl"));
    std::fs::write(&labels, corpus_gen::labels_jsonl(&c))
        .with_context(|| format!("write {labels}"))?;
    eprintln!(
        "{out}: {} bytes, {} labels in {labels}",
        c.text.len(),
        c.labels.len()
    );
    Ok(())
}
