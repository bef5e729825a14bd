//! Throughput of the ingest line parsers on typical ~180-byte lines.
//!
//! `cargo bench -p vault --bench parse` measures a fixed mix of vendor lines and each line alone.
//! With `PARSE_CORPUS=FILE` (e.g. from `cargo xtask gen-corpus --lines 1M --seed 1 --out FILE`)
//! it also measures the first 100 000 lines of that file. `_reuse` variants parse with
//! `parse_record_into` into one reused `Parsed`, as an ingest loop can.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use vault::parse::{Parsed, parse_record, parse_record_into};

const LINES: &[&[u8]] = &[
    br#"<134>1 2024-01-17T01:23:45.678Z gw-nat-07 natd 2211 NAT [nat@32473 src="10.12.34.56" sport="51514" xsrc="203.0.113.7" xsport="40112" dst="93.184.216.34" dport="443"] session created"#,
    br#"<38>1 2024-01-17T01:23:45.687Z aaa-02 radiusd 881 AUTH [aaa@32473 user="u2700377445" result="failure" nas="10.0.3.4"] login failed for user u2700377445"#,
    b"<86>Jan 17 01:23:45 srv-web-11 sshd[40112]: Accepted publickey for deploy from 10.20.30.40 port 51514 ssh2: ED25519 SHA256:abc",
    b"<189>123: *Jan 17 01:23:45.123 UTC: %SEC_LOGIN-5-LOGIN_SUCCESS: Login Success [user: admin] [Source: 10.1.1.1] [localport: 22]",
    br#"<189>date=2024-01-17 time=01:23:45 devname="FG100E" devid="FG100E4Q17000001" logid="0000000013" type="traffic" srcip=10.1.2.3 dstip=1.2.3.4 action="deny""#,
];

fn bench(c: &mut Criterion) {
    let now = time::macros::datetime!(2024-01-17 02:00 UTC);
    let bytes: usize = LINES.iter().map(|l| l.len()).sum();
    let mut g = c.benchmark_group("parse_record");
    g.throughput(Throughput::Elements(LINES.len() as u64));
    g.bench_function("mix", |b| {
        b.iter(|| {
            for l in LINES {
                black_box(parse_record(black_box(l), now));
            }
        })
    });
    let mut out = Parsed::empty();
    g.bench_function("mix_reuse", |b| {
        b.iter(|| {
            for l in LINES {
                parse_record_into(black_box(l), now, &mut out);
                black_box(&out);
            }
        })
    });
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("mix_bytes", |b| {
        b.iter(|| {
            for l in LINES {
                black_box(parse_record(black_box(l), now));
            }
        })
    });
    for (i, l) in LINES.iter().enumerate() {
        g.throughput(Throughput::Elements(1));
        g.bench_function(format!("vendor_line_{i}"), |b| {
            b.iter(|| black_box(parse_record(black_box(l), now)))
        });
    }
    if let Ok(path) = std::env::var("PARSE_CORPUS") {
        let data = std::fs::read(&path).unwrap_or_else(|e| panic!("PARSE_CORPUS={path}: {e}"));
        let lines: Vec<&[u8]> = data
            .split(|&b| b == b'\n')
            .filter(|l| !l.is_empty())
            .take(100_000)
            .collect();
        g.throughput(Throughput::Elements(lines.len() as u64));
        g.sample_size(20);
        g.bench_function("corpus_100k_lines", |b| {
            b.iter(|| {
                for l in &lines {
                    black_box(parse_record(black_box(l), now));
                }
            })
        });
        g.bench_function("corpus_100k_lines_reuse", |b| {
            b.iter(|| {
                for l in &lines {
                    parse_record_into(black_box(l), now, &mut out);
                    black_box(&out);
                }
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
