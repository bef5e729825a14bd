//! Fuzz the block decoders: the uncompressed header (CRC patched to match the
//! input) and the decompressed record data (the input compressed by the target,
//! so every byte pattern reaches the record decoder). The time-column reader
//! (`receive_times`, which stops the zstd stream before the raw records) must
//! agree with the full decoder wherever that decodes every record.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // 1. the header as stored, with its CRC made valid
    let mut b = data.to_vec();
    if b.len() >= 12 && &b[..4] == b"WBK1" {
        let n = u32::from_le_bytes([b[4], b[5], b[6], b[7]]) as usize;
        if (12..=b.len()).contains(&n) {
            let crc = crc32c::crc32c(&b[..n - 4]);
            b[n - 4..n].copy_from_slice(&crc.to_le_bytes());
        }
    }
    let _ = vault::decode::block(data);
    if let Ok((h, n)) = vault::decode::block_header(&b) {
        let _ = vault::block::BlockData::decode(&h, &b[n..]);
        let _ = vault::block::receive_times(&h, &b[n..]);
    }
    // 2. arbitrary decompressed data behind a header that fits it
    if data.len() < 12 {
        return;
    }
    let first_seq = u64::from_le_bytes([
        data[0], data[1], data[2], data[3], data[4], data[5], data[6], data[7],
    ]);
    let count = u32::from_le_bytes([data[8], data[9], data[10], data[11]]);
    let body = &data[12..];
    let Ok(comp) = zstd::bulk::compress(body, 1) else {
        return;
    };
    let times = vault::decode::block_times(first_seq, count, body.len() as u32, &comp);
    if let Ok(d) = vault::decode::block_data(first_seq, count, body.len() as u32, &comp) {
        // where every record decodes, the time column says the same
        if count <= 10_000 {
            let all: Result<Vec<(String, i64)>, _> = d
                .records()
                .map(|r| r.map(|r| (r.source.to_owned(), r.received_ns)))
                .collect();
            if let Ok(all) = all
                && all.len() == count as usize
            {
                let t = times.as_ref().expect("time column of a block that decodes");
                let got: Vec<(String, i64)> = t
                    .times
                    .iter()
                    .map(|(o, ns)| (t.sources[*o as usize].clone(), *ns))
                    .collect();
                assert_eq!(got, all);
            }
        }
        let mut recs = d.records();
        for r in recs.by_ref().take(10_000) {
            match r {
                Ok(r) => {
                    let _ = r.parsed();
                    let _ = r.to_record();
                }
                Err(_) => break,
            }
        }
        let _ = recs.trailing();
    }
});
