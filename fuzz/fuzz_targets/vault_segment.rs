//! Fuzz the segment decoder (header, trailer, footer, block directory) and the
//! blocks it points to. The CRCs are patched to match the input first, so the
//! fuzzer reaches the structure decoders instead of stopping at a CRC check.
#![no_main]

use libfuzzer_sys::fuzz_target;

fn patch_crcs(b: &mut [u8]) {
    // header crc: magic 8, version 2, hash 1, origin u16 + bytes, first seq 8, prev 32, created 8
    if b.len() >= 13 {
        let n = usize::from(u16::from_le_bytes([b[11], b[12]]));
        let end = 13 + n + 48;
        if end + 4 <= b.len() {
            let crc = crc32c::crc32c(&b[..end]);
            b[end..end + 4].copy_from_slice(&crc.to_le_bytes());
        }
    }
    // footer crc in the trailer
    let len = b.len();
    if len >= 16 {
        let t = len - 16;
        let flen = u32::from_le_bytes([b[t], b[t + 1], b[t + 2], b[t + 3]]) as usize;
        if flen <= t {
            let crc = crc32c::crc32c(&b[t - flen..t]);
            b[t + 4..t + 8].copy_from_slice(&crc.to_le_bytes());
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let _ = vault::decode::segment(data);
    let mut b = data.to_vec();
    patch_crcs(&mut b);
    if let Ok((_, footer)) = vault::decode::segment(&b) {
        for e in &footer.blocks {
            let (lo, hi) = (e.offset as usize, e.offset as usize + e.len as usize);
            if let Ok((_, d)) = vault::decode::block(&b[lo..hi]) {
                for r in d.records().take(1000) {
                    match r {
                        Ok(r) => {
                            let _ = r.parsed();
                            let _ = r.time_ns();
                        }
                        Err(_) => break,
                    }
                }
            }
        }
    }
});
