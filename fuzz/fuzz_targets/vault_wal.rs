//! Fuzz the WAL frame scanner (length, CRC32C, canonical record or block, seq order);
//! CRCs of well-formed frame headers are patched so records get decoded.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.len() < 8 {
        return;
    }
    let first = u64::from_le_bytes([
        data[0], data[1], data[2], data[3], data[4], data[5], data[6], data[7],
    ]) >> 8;
    let raw = &data[8..];
    let _ = vault::wal::decode(first, raw);
    let mut b = raw.to_vec();
    let mut p = 0usize;
    while b.len() - p >= 8 {
        let len = u32::from_le_bytes([b[p], b[p + 1], b[p + 2], b[p + 3]]) as usize;
        if b.len() - p - 8 < len {
            break;
        }
        let crc = crc32c::crc32c(&b[p + 8..p + 8 + len]);
        b[p + 4..p + 8].copy_from_slice(&crc.to_le_bytes());
        p += 8 + len;
    }
    let w = vault::wal::decode(first, &b);
    // a block frame holds many records in few bytes: no bound from the length
    for (i, r) in w.records.iter().enumerate() {
        assert_eq!(r.seq, first + i as u64);
    }
});
