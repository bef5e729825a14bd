//! Fuzz the bundle decoder and the offline bundle check. The decoder is
//! strict, so whatever decodes must encode back to exactly the input.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(b) = vault::bundle::Bundle::decode(data) {
        assert_eq!(b.encode(), data, "decode is not the inverse of encode");
    }
    if let Ok(c) = vault::check_bundle(data, &vault::TrustedKeys::new()) {
        // a random input never carries a valid signature
        assert!(c.records_verified <= c.records);
    }
    let _ = vault::Record::from_canonical(data);
});
