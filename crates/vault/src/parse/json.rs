//! JSON objects (one NDJSON line): common keys picked, the rest flattened into fields.

use std::borrow::Cow;

use serde_json::{Map, Value};
use time::OffsetDateTime;

use super::{Draft, Format, MAX_JSON_DEPTH, Sink, kv, name, severity_from_text, stamp};

const TIME_KEYS: &[&str] = &["@timestamp", "timestamp", "time", "ts"];
const HOST_KEYS: &[&str] = &["host", "hostname", "host.name", "host.hostname"];
const APP_KEYS: &[&str] = &[
    "app",
    "appname",
    "app_name",
    "application",
    "program",
    "service",
    "service.name",
    "process.name",
];
const SEVERITY_KEYS: &[&str] = &[
    "severity",
    "level",
    "log.level",
    "loglevel",
    "syslog.severity",
];
const MESSAGE_KEYS: &[&str] = &["message", "msg", "log"];

/// Parse `text` (starting with `{`) as one JSON object.
pub(crate) fn parse<'a>(
    text: &'a str,
    received_at: OffsetDateTime,
    sink: &mut Sink,
) -> Result<Draft<'a>, serde_json::Error> {
    let map: Map<String, Value> = serde_json::from_str(text)?;
    let mut d = Draft {
        format: Format::Json,
        ..Draft::default()
    };

    let message_key = MESSAGE_KEYS
        .iter()
        .copied()
        .find(|k| map.get(*k).is_some_and(Value::is_string));
    d.message = match message_key.and_then(|k| map.get(k)) {
        Some(Value::String(s)) => Cow::Owned(s.clone()),
        _ => Cow::Borrowed(text.trim_end()),
    };
    d.event_time = TIME_KEYS
        .iter()
        .find_map(|k| time_value(lookup(&map, k)?, received_at));
    d.host = HOST_KEYS
        .iter()
        .find_map(|k| lookup(&map, k)?.as_str())
        .map(|s| Cow::Owned(name(s).into_owned()));
    d.app = APP_KEYS
        .iter()
        .find_map(|k| lookup(&map, k)?.as_str())
        .map(|s| Cow::Owned(name(s).into_owned()));
    d.severity = SEVERITY_KEYS.iter().find_map(|k| match lookup(&map, k)? {
        Value::String(s) => severity_from_text(s),
        Value::Number(n) => n.as_u64().filter(|n| *n <= 7).map(|n| n as u8),
        _ => None,
    });
    d.facility = lookup(&map, "facility")
        .and_then(Value::as_u64)
        .filter(|f| *f <= 23)
        .map(|f| f as u8);

    let mut key = String::new();
    for (k, v) in &map {
        if Some(k.as_str()) == message_key {
            continue;
        }
        key.clear();
        key.push_str(k);
        flatten(&mut key, v, 1, sink);
    }
    Ok(d)
}

/// `map[key]`, or for a dotted key the nested value (`host.name` is `map["host"]["name"]`).
fn lookup<'a>(map: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    if let Some(v) = map.get(key) {
        return Some(v);
    }
    let (head, rest) = key.split_once('.')?;
    match map.get(head)? {
        Value::Object(m) => lookup(m, rest),
        _ => None,
    }
}

fn time_value(v: &Value, received_at: OffsetDateTime) -> Option<OffsetDateTime> {
    match v {
        Value::String(s) => {
            if let Some((st, n)) = stamp::rfc3339(s.as_bytes())
                && n == s.len()
            {
                return stamp::resolve(st, received_at).ok();
            }
            s.parse::<i128>().ok().and_then(kv::epoch)
        }
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                kv::epoch(i128::from(i))
            } else {
                let f = n.as_f64()?;
                (f.is_finite() && f.abs() < 1e11)
                    .then(|| OffsetDateTime::from_unix_timestamp_nanos((f * 1e9) as i128).ok())?
            }
        }
        _ => None,
    }
}

fn flatten(key: &mut String, v: &Value, depth: usize, sink: &mut Sink) {
    match v {
        Value::Object(m) if depth < MAX_JSON_DEPTH => {
            for (k, v) in m {
                let len = key.len();
                key.push('.');
                key.push_str(k);
                flatten(key, v, depth + 1, sink);
                key.truncate(len);
            }
        }
        Value::Array(a) if depth < MAX_JSON_DEPTH => {
            for (i, v) in a.iter().enumerate() {
                let len = key.len();
                key.push('.');
                key.push_str(&i.to_string());
                flatten(key, v, depth + 1, sink);
                key.truncate(len);
            }
        }
        Value::String(s) => sink.push(Cow::Borrowed(key), Cow::Borrowed(s)),
        Value::Null => sink.push(Cow::Borrowed(key), Cow::Borrowed("null")),
        Value::Bool(b) => sink.push(
            Cow::Borrowed(key),
            Cow::Borrowed(if *b { "true" } else { "false" }),
        ),
        Value::Number(n) => sink.push(Cow::Borrowed(key), Cow::Owned(n.to_string())),
        Value::Object(_) | Value::Array(_) => {
            sink.push(Cow::Borrowed(key), Cow::Owned(v.to_string()))
        }
    }
}
