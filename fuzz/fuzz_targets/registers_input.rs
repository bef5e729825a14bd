//! Fuzz everything the registers read from people: every field of every register
//! (read, then checked as a record), times, dates, intervals, MLPS inputs, store
//! locations and the settings file. Never a panic; a value that reads once reads
//! again to itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use registers::{Register, Settings, schema, when};
use serde_json::{Map, Value};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let now = time::OffsetDateTime::UNIX_EPOCH + time::Duration::days(20_000);
    for reg in Register::ALL {
        for f in reg.fields() {
            for input in [Value::String(text.to_string()), serde_json::from_slice(data).unwrap_or(Value::Null)] {
                if let Ok(v) = schema::read_value(reg, f, &input) {
                    assert_eq!(schema::read_value(reg, f, &v).ok().as_ref(), Some(&v), "{} {}", reg.key(), f.key);
                    let mut m = Map::new();
                    m.insert(f.key.to_owned(), v);
                    let _ = registers::rules::validate(reg, &m, now);
                    let _ = registers::rules::is_open(reg, &m);
                    let _ = registers::rules::findings(reg, &m, registers::OperatorKind::Cii, &Settings::default());
                    let _ = registers::rules::deadlines(reg, &m, registers::OperatorKind::Cii, &Settings::default());
                    let _ = reg.summary(&m);
                }
            }
        }
    }
    if let Ok(Value::Object(m)) = serde_json::from_slice::<Value>(data) {
        for reg in Register::ALL {
            let _ = registers::rules::validate(reg, &m, now);
        }
    }
    let _ = when::parse_datetime(&text);
    let _ = when::parse_date(&text);
    let _ = when::parse_offset(&text);
    let _ = when::Interval::parse(&text);
    let _ = registers::mlps::Harm::parse(&text);
    let _ = registers::Location::parse(&text);
    let _ = registers::mask::mask(&text);
    let _ = Settings::from_toml(&text, "fuzz");
});
