//! Throughput of the detector on a dense corpus (70 % of lines carry
//! personal data, about one value per 50 bytes) and a sparse one (5 %).
//!
//! `cargo bench -p scan --bench lexer`; criterion prints MiB/s
//! (Throughput::Bytes). `detect` is one thread over an in-memory buffer
//! (`detect_byte_loop` the same without the lexer's window loop);
//! `file` is the whole pipeline on a file (read, chunk, scan, aggregate)
//! with 1 and 2 threads.

#[path = "../tests/corpus/gen.rs"]
mod corpus_gen;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use scan::{DetectOptions, Detector, Hint, NoSink, ScanOptions, Scanner};

const SIZE: usize = 16 << 20;

fn bench(c: &mut Criterion) {
    let dense = corpus_gen::generate(1, SIZE, 0.7).text;
    let sparse = corpus_gen::generate(2, SIZE, 0.05).text;
    let dir = tempfile::tempdir().expect("tempdir");
    let mut g = c.benchmark_group("scan");
    g.sample_size(10);
    for (name, text) in [("dense", &dense), ("sparse", &sparse)] {
        g.throughput(Throughput::Bytes(text.len() as u64));
        let det = Detector::default();
        let mut out = Vec::with_capacity(1 << 20);
        g.bench_function(format!("detect/{name}"), |b| {
            b.iter(|| {
                out.clear();
                det.scan(text.as_bytes(), Hint::default(), &mut out);
                out.len()
            })
        });
        // the plain byte loop the window loop replaces (same findings)
        g.bench_function(format!("detect_byte_loop/{name}"), |b| {
            b.iter(|| {
                out.clear();
                det.scan_reference(text.as_bytes(), Hint::default(), &mut out);
                out.len()
            })
        });
        let det = Detector::new(DetectOptions {
            names: false,
            addresses: false,
            ..DetectOptions::default()
        });
        g.bench_function(format!("detect_no_names/{name}"), |b| {
            b.iter(|| {
                out.clear();
                det.scan(text.as_bytes(), Hint::default(), &mut out);
                out.len()
            })
        });
        let path = dir.path().join(format!("{name}.txt"));
        std::fs::write(&path, text).expect("write corpus");
        for threads in [1, 2] {
            let s = Scanner::new(ScanOptions {
                threads,
                ..ScanOptions::default()
            });
            g.bench_function(format!("file_{threads}t/{name}"), |b| {
                b.iter(|| s.scan_path(&path, &NoSink).map(|r| r.assets.len()))
            });
        }
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
