//! Fuzz the syslog TCP framing (RFC 6587 octet counting and LF, detected per
//! connection): never panic, and however the stream is cut into reads, the
//! incremental decoder yields exactly what one pass over the whole stream does.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.len() < 2 {
        return;
    }
    // first byte: the message size limit; second: the read size
    let max = usize::from(data[0]) * 4 + 1;
    let step = usize::from(data[1]).max(1);
    let input = &data[2..];
    let whole = server::framing::split_frames(input, max);

    let mut d = server::framing::FrameDecoder::new(max);
    let mut out = Vec::new();
    let mut buf: Vec<u8> = Vec::new();
    for chunk in input.chunks(step) {
        buf.extend_from_slice(chunk);
        let used = d.decode(&buf, &mut out);
        assert!(used <= buf.len());
        buf.drain(..used);
    }
    d.finish(&buf, &mut out);
    assert_eq!(whole, out);
    for f in &out {
        assert!(f.data.len() <= max);
    }
});
