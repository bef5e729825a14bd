//! Fuzz the HTTP body parsers: the Elasticsearch bulk request (action line +
//! source line pairs) and `/api/v1/logs` (NDJSON or a JSON array). Never panic;
//! every record returned is a slice of the input.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let range = data.as_ptr_range();
    if let Ok(items) = server::bulk::parse_bulk(data) {
        let _ = items.len();
    }
    if let Ok(records) = server::bulk::parse_json_records(data) {
        for r in records {
            let p = r.as_ptr_range();
            assert!(range.start <= p.start && p.end <= range.end);
        }
    }
});
