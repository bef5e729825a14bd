//! Leaf hashes of typical records (229-byte canonical records, four blocks
//! with the leaf prefix): one by one, [`HashAlg::leaves`] (eight at a time
//! in SIMD lanes where [`HashAlg::batches`] says so) and always in lanes.
//! With `RUSTFLAGS='--cfg sha2_backend="soft"'` SHA-256 one by one runs as
//! on a CPU without SHA-NI.
//!
//! `cargo bench -p vault --bench hash`

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use vault::{Hash, HashAlg};

fn bench(c: &mut Criterion) {
    let records: Vec<Vec<u8>> = (0..64u32)
        .map(|i| (0..229u32 + i % 7).map(|j| (i * 31 + j) as u8).collect())
        .collect();
    let data: Vec<&[u8]> = records.iter().map(Vec::as_slice).collect();
    let mut out = vec![Hash::default(); data.len()];
    let mut g = c.benchmark_group("leaves");
    g.throughput(Throughput::Elements(data.len() as u64));
    for alg in [HashAlg::Sha256, HashAlg::Sm3] {
        g.bench_function(format!("{}/one_by_one", alg.name()), |b| {
            b.iter(|| {
                for (o, d) in out.iter_mut().zip(&data) {
                    *o = alg.leaf(black_box(d));
                }
            })
        });
        g.bench_function(format!("{}/batched", alg.name()), |b| {
            b.iter(|| alg.leaves(black_box(&data), &mut out))
        });
        g.bench_function(format!("{}/lanes", alg.name()), |b| {
            b.iter(|| alg.leaves_in_lanes(black_box(&data), &mut out))
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
