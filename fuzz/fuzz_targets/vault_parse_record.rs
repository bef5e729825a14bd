//! Fuzz the vault's record parsers (RFC 5424, RFC 3164 and vendor variants, NDJSON,
//! plain): they must never panic, whatever the bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let received = time::OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap();
    let parsed = vault::parse::parse_record(data, received);
    // The message of a parsed record is text; its length is bounded by the input's
    // decoded size (GB18030 can at most triple a byte into UTF-8).
    assert!(parsed.message.len() <= data.len().saturating_mul(3) + 16);
});
