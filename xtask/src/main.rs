//! Project automation: `cargo xtask ci`, `deps`, `fuzz`, `bench …`, `gen-corpus`.
//!
//! A small dispatcher; each command lives in its own module.

mod bench;
mod bench_assess;
mod bench_console;
mod bench_intake;
mod bench_scan;
mod ci;
mod corpus;
mod deps;
mod fuzz;
mod scan_corpus;

const USAGE: &str = "usage: cargo xtask <command>
  ci                                   the checks CI runs
  deps                                 dependency sources, licences and duplicate versions
  fuzz [--seconds N] [--target NAME]... [--grow]
                                       every fuzz target for N s (default 10) on its kept corpus
  bench vault [--lines N[,N]] [--seed S] [--rounds R] [--no-build] [--skip-peers] [--skip-ours]
                                       ours against rsyslog, journal-remote and zstd; writes BENCHMARKS.md
  bench intake [--lines N] [--clients N] [--bulk-docs N] [--attack-clients N] [--no-build] [--skip-peers]
                                       `wangan serve` against rsyslog (syslog TCP), HTTP bulk latency,
                                       peak RSS under 60 × 16 MiB bodies
  bench console [--records N] [--seed S] [--no-build]
                                       dashboard and log search over a 10 M-record vault, console memory
  bench scan [--dense-mib N] [--sparse-mib N] [--presidio-mib N] [--seed S] [--no-build]
                                       ours against ripgrep and Presidio; writes BENCHMARKS.md
  bench scan-input --density dense|sparse --bytes N --seed S --out FILE
                                       the first N bytes of one `bench scan` corpus file (for callgrind)
  bench assess [--records N] [--sources N] [--runs N] [--no-build]
                                       `wangan assess`: 50 log sources over a 10 M-record vault; writes BENCHMARKS.md
  gen-corpus --lines N --seed S --out FILE [--start YYYY-MM-DD]
                                       the seeded benchmark corpus
  gen-scan-corpus --size-mb N [--seed S] [--density dense|sparse] --out FILE
                                       the seeded labelled corpus of the scanner";

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("ci") => ci::run(),
        Some("deps") => deps::run(&ci::workspace_root()?),
        Some("fuzz") => fuzz::cli(&ci::workspace_root()?, &args[1..]),
        Some("bench") => bench::run(&args[1..]),
        Some("gen-corpus") => corpus::cli(&args[1..]),
        Some("gen-scan-corpus") => scan_corpus::cli(&args[1..]),
        _ => {
            eprintln!("{USAGE}");
            std::process::exit(2);
        }
    }
}
