//! Ingest throughput: append (parse, hash, index, compress) + group commit
//! with fsync + signed checkpoint, on seeded ~180-byte network log lines.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use vault::{HashAlg, Incoming, InitOptions, Vault};

fn lines(n: usize) -> Vec<Vec<u8>> {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    (0..n)
        .map(|i| {
            let r = next();
            let s = i % 60;
            match r % 4 {
                0 => format!(
                    "<134>1 2024-01-17T01:{:02}:{s:02}.123Z gw-nat-{:02} natd 2211 NAT [nat@32473 src=\"10.{}.{}.{}\" sport=\"{}\" xsrc=\"203.0.113.{}\" xsport=\"{}\"] session created",
                    i / 60 % 60, r % 60, r >> 8 & 255, r >> 16 & 255, r >> 24 & 255, 1024 + (r >> 32) % 60000, r >> 40 & 255, 1024 + (r >> 44) % 60000
                ),
                1 => format!("<38>1 2024-01-17T01:23:{s:02}.687Z aaa-02 radiusd 881 AUTH [aaa@32473 user=\"u{}\" result=\"failure\" nas=\"10.0.3.4\"] login failed for user u{}", r % 9_999_999_999, r % 9_999_999_999),
                2 => format!("<86>Jan 17 01:23:{s:02} srv-web-{:02} sshd[{}]: Failed password for invalid user admin from 10.{}.{}.{} port {} ssh2", r % 40, r % 65536, r >> 8 & 255, r >> 16 & 255, r >> 24 & 255, r >> 32 & 65535),
                _ => format!("<189>date=2024-01-17 time=01:23:{s:02} devname=\"FG100E\" logid=\"0000000013\" type=\"traffic\" srcip=10.{}.{}.{} dstip=93.184.{}.{} action=\"deny\" 策略拒绝", r & 255, r >> 8 & 255, r >> 16 & 255, r >> 24 & 255, r >> 32 & 255),
            }
            .into_bytes()
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let input = lines(100_000);
    let bytes: usize = input.iter().map(|l| l.len()).sum();
    let mut g = c.benchmark_group("ingest");
    g.sample_size(10);
    g.throughput(Throughput::Elements(input.len() as u64));
    for (name, hash) in [("sha256", HashAlg::Sha256), ("sm3", HashAlg::Sm3)] {
        g.bench_function(format!("{name}_100k_lines_{}MB", bytes >> 20), |b| {
            b.iter(|| {
                let dir = tempfile::tempdir().ok();
                let Some(dir) = dir else { return };
                let Ok(mut v) = Vault::init(
                    dir.path(),
                    &InitOptions {
                        hash,
                        ..InitOptions::default()
                    },
                ) else {
                    return;
                };
                for (i, l) in input.iter().enumerate() {
                    let _ = v.append(&Incoming {
                        received_ns: 1_705_000_000_000_000_000 + i as i64,
                        source: "fw1",
                        peer: "-",
                        transport: "file",
                        raw: l,
                    });
                }
                let _ = black_box(v.commit());
                let _ = v.seal();
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
