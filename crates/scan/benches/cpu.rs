//! Throughput per CPU-second (not per wall-second): on a shared, loaded
//! machine wall-clock benchmarks measure the neighbours. This harness reads
//! the process CPU time from `/proc/self/stat` (Linux) around repeated scans
//! of the dense and sparse corpora and prints MiB per CPU-second.
//!
//! `cargo bench -p scan --bench cpu`

#[path = "../tests/corpus/gen.rs"]
mod corpus_gen;

use scan::{DetectOptions, Detector, Hint, NoSink, ScanOptions, Scanner};

/// utime + stime of this process in seconds (clock ticks of 1/100 s).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // fields after the command name (which is in parentheses)
    let rest = stat.rsplit_once(')').map_or("", |r| r.1);
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

fn measure(name: &str, bytes: usize, mut run: impl FnMut()) {
    let mut rates = Vec::new();
    for _ in 0..3 {
        let (c0, w0) = (cpu_seconds(), std::time::Instant::now());
        let mut n = 0;
        while cpu_seconds() - c0 < 2.0 {
            run();
            n += 1;
        }
        let cpu = cpu_seconds() - c0;
        let wall = w0.elapsed().as_secs_f64();
        rates.push((
            n as f64 * bytes as f64 / (1 << 20) as f64 / cpu,
            n as f64 * bytes as f64 / (1 << 20) as f64 / wall,
        ));
    }
    rates.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (cpu, wall) = rates[1];
    println!("{name:<32} {cpu:>8.1} MiB/CPU-s  {wall:>8.1} MiB/wall-s (median of 3)");
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let size = 16 << 20;
    let dense = corpus_gen::generate(1, size, 0.7).text;
    let sparse = corpus_gen::generate(2, size, 0.05).text;
    let dir = std::env::temp_dir().join(format!("scan-cpu-bench-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    for (name, text) in [("dense", &dense), ("sparse", &sparse)] {
        let mut out = Vec::with_capacity(1 << 20);
        let full = Detector::default();
        measure(&format!("detect/{name}"), text.len(), || {
            out.clear();
            full.scan(text.as_bytes(), Hint::default(), &mut out);
        });
        let ids = Detector::new(DetectOptions {
            names: false,
            addresses: false,
            ..DetectOptions::default()
        });
        measure(&format!("detect_no_names/{name}"), text.len(), || {
            out.clear();
            ids.scan(text.as_bytes(), Hint::default(), &mut out);
        });
        let path = dir.join(format!("{name}.txt"));
        let _ = std::fs::write(&path, text);
        let s = Scanner::new(ScanOptions {
            threads: 1,
            ..ScanOptions::default()
        });
        measure(&format!("file_1_thread/{name}"), text.len(), || {
            let _ = s.scan_path(&path, &NoSink);
        });
    }
    let _ = std::fs::remove_dir_all(&dir);
}
