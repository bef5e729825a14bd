//! Request bodies of the HTTP intake: the Elasticsearch bulk format and NDJSON / JSON arrays.
//!
//! Pure functions over bytes (no I/O), the entry points for fuzzing:
//! [`parse_bulk`] for `POST /_bulk` and `POST /{index}/_bulk`, [`parse_json_records`] for
//! `POST /api/v1/logs`. Each record is kept as the exact bytes it had in the body.

use serde::de::IgnoredAny;
use serde_json::value::RawValue;

/// A bulk action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BulkOp {
    /// `index`: store the document.
    Index,
    /// `create`: store the document.
    Create,
    /// `update`: refused (the vault is append-only).
    Update,
    /// `delete`: refused (the vault is append-only).
    Delete,
}

impl BulkOp {
    /// The action's name in requests and responses.
    pub fn name(self) -> &'static str {
        match self {
            BulkOp::Index => "index",
            BulkOp::Create => "create",
            BulkOp::Update => "update",
            BulkOp::Delete => "delete",
        }
    }
}

/// One item of a bulk request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkItem<'a> {
    /// The action.
    pub op: BulkOp,
    /// `_index` of the action line, if given.
    pub index: Option<String>,
    /// `_id` of the action line, if given.
    pub id: Option<String>,
    /// The document line, exactly as sent (`None` for `delete`).
    pub doc: Option<&'a [u8]>,
    /// Why this item cannot be stored (the rest of the request still can).
    pub error: Option<ItemError>,
    /// 1-based line number of the action line.
    pub line: usize,
}

/// A per-item refusal, answered in the item's response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemError {
    /// HTTP status of the item.
    pub status: u16,
    /// Elasticsearch error type.
    pub kind: &'static str,
    /// What is wrong.
    pub reason: String,
}

/// A body that cannot be processed at all (answered 400, nothing stored).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct BodyError {
    /// 1-based line (or, for a JSON array, the line of the error).
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

fn lines(body: &[u8]) -> impl Iterator<Item = (usize, &[u8])> {
    // the newline that ends the last line does not start another one
    let body = body.strip_suffix(b"\n").unwrap_or(body);
    let mut parts = body.split(|b| *b == b'\n').enumerate();
    std::iter::from_fn(move || {
        let (i, mut l) = parts.next()?;
        if l.last() == Some(&b'\r') {
            l = &l[..l.len() - 1];
        }
        Some((i + 1, l))
    })
}

fn blank(l: &[u8]) -> bool {
    l.iter().all(|b| b.is_ascii_whitespace())
}

fn describe(e: &serde_json::Error) -> String {
    // serde_json's message says what is wrong and at which column; the line is ours
    let s = e.to_string();
    match s.rfind(" at line ") {
        Some(i) => {
            let col = s[i..].rsplit(' ').next().unwrap_or("");
            format!("{} (column {col})", &s[..i])
        }
        None => s,
    }
}

/// Why parsing with an admission callback stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stop<E> {
    /// The body is malformed.
    Body(BodyError),
    /// The callback refused an item (e.g. no room in the write queue): parsing stopped there.
    Refused(E),
}

impl<E> From<BodyError> for Stop<E> {
    fn from(e: BodyError) -> Stop<E> {
        Stop::Body(e)
    }
}

/// Parse an Elasticsearch bulk body (NDJSON: action line, then document line except for
/// `delete`). Blank lines between items are skipped. Malformed action lines and a missing
/// document line make the whole request fail; a bad document or an update/delete is a
/// per-item error.
pub fn parse_bulk(body: &[u8]) -> Result<Vec<BulkItem<'_>>, BodyError> {
    parse_bulk_with(body, |_| Ok::<(), std::convert::Infallible>(())).map_err(|e| match e {
        Stop::Body(b) => b,
        Stop::Refused(never) => match never {},
    })
}

/// [`parse_bulk`], offering each item to `admit` before it is kept: the server counts items
/// against its memory and queue budgets as they are decoded, and stops at the first refusal
/// instead of decoding (and holding) the rest.
pub fn parse_bulk_with<'a, E>(
    body: &'a [u8],
    mut admit: impl FnMut(&BulkItem<'a>) -> Result<(), E>,
) -> Result<Vec<BulkItem<'a>>, Stop<E>> {
    let mut it = lines(body);
    let mut items = Vec::new();
    while let Some((n, l)) = it.next() {
        if blank(l) {
            continue;
        }
        let action: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(l)
            .map_err(|e| BodyError {
                line: n,
                message: format!("malformed action/metadata line: {}", describe(&e)),
            })?;
        let mut entries = action.into_iter();
        let (Some((name, meta)), None) = (entries.next(), entries.next()) else {
            return Err(Stop::Body(BodyError {
                line: n,
                message:
                    "malformed action/metadata line: expected one action such as {\"create\":{}}"
                        .into(),
            }));
        };
        let op = match name.as_str() {
            "index" => BulkOp::Index,
            "create" => BulkOp::Create,
            "update" => BulkOp::Update,
            "delete" => BulkOp::Delete,
            other => {
                return Err(Stop::Body(BodyError {
                    line: n,
                    message: format!(
                        "malformed action/metadata line: unknown action {:?} (expected create, index, update or delete)",
                        truncate(other, 64)
                    ),
                }));
            }
        };
        let serde_json::Value::Object(meta) = meta else {
            return Err(Stop::Body(BodyError {
                line: n,
                message: format!("malformed action/metadata line: {name} must be an object"),
            }));
        };
        let s = |k: &str| match meta.get(k) {
            Some(serde_json::Value::String(s)) => Some(s.clone()),
            Some(serde_json::Value::Number(x)) => Some(x.to_string()),
            _ => None,
        };
        let index = s("_index");
        let id = s("_id");
        let mut item = BulkItem {
            op,
            index,
            id,
            doc: None,
            error: None,
            line: n,
        };
        if op != BulkOp::Delete {
            let Some((dn, doc)) = it.next() else {
                return Err(Stop::Body(BodyError {
                    line: n,
                    message: format!("{name} action without a document line"),
                }));
            };
            item.doc = Some(doc);
            let first = doc.iter().find(|b| !b.is_ascii_whitespace());
            if first != Some(&b'{') {
                item.error = Some(ItemError {
                    status: 400,
                    kind: "document_parsing_exception",
                    reason: format!("line {dn}: the document must be a JSON object"),
                });
            } else if let Err(e) = serde_json::from_slice::<IgnoredAny>(doc) {
                item.error = Some(ItemError {
                    status: 400,
                    kind: "document_parsing_exception",
                    reason: format!("line {dn}: {}", describe(&e)),
                });
            }
        }
        if matches!(op, BulkOp::Update | BulkOp::Delete) {
            item.error = Some(ItemError {
                status: 400,
                kind: "illegal_argument_exception",
                reason: format!("line {n}: {name} is not supported: the log vault is append-only"),
            });
        }
        admit(&item).map_err(Stop::Refused)?;
        items.push(item);
    }
    Ok(items)
}

fn truncate(s: &str, n: usize) -> &str {
    let mut end = s.len().min(n);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// Parse the body of `POST /api/v1/logs`: a JSON array (each element is one record) or
/// NDJSON (each non-blank line is one record). Any invalid element fails the whole request,
/// naming its line, so a client can fix and resend without duplicates.
pub fn parse_json_records(body: &[u8]) -> Result<Vec<&[u8]>, BodyError> {
    parse_json_records_with(body, |_| Ok::<(), std::convert::Infallible>(())).map_err(|e| match e {
        Stop::Body(b) => b,
        Stop::Refused(never) => match never {},
    })
}

/// [`parse_json_records`], offering each record to `admit` before it is kept (see
/// [`parse_bulk_with`]).
pub fn parse_json_records_with<'a, E>(
    body: &'a [u8],
    mut admit: impl FnMut(&'a [u8]) -> Result<(), E>,
) -> Result<Vec<&'a [u8]>, Stop<E>> {
    let first = body.iter().position(|b| !b.is_ascii_whitespace());
    if let Some(p) = first
        && body[p] == b'['
    {
        let mut refused = None;
        let mut de = serde_json::Deserializer::from_slice(body);
        let r = serde::Deserializer::deserialize_seq(
            &mut de,
            Elements {
                admit: &mut admit,
                refused: &mut refused,
            },
        )
        .and_then(|v| de.end().map(|()| v));
        return match (r, refused) {
            (_, Some(e)) => Err(Stop::Refused(e)),
            (Ok(v), None) => Ok(v),
            (Err(e), None) => Err(Stop::Body(BodyError {
                line: e.line(),
                message: format!("invalid JSON array: {}", describe(&e)),
            })),
        };
    }
    let mut out = Vec::new();
    for (n, l) in lines(body) {
        if blank(l) {
            continue;
        }
        if let Err(e) = serde_json::from_slice::<IgnoredAny>(l) {
            return Err(Stop::Body(BodyError {
                line: n,
                message: format!("invalid JSON: {}", describe(&e)),
            }));
        }
        admit(l).map_err(Stop::Refused)?;
        out.push(l);
    }
    Ok(out)
}

/// The elements of a JSON array as raw slices, each offered to `admit` as it is decoded.
struct Elements<'f, F, E> {
    admit: &'f mut F,
    refused: &'f mut Option<E>,
}

impl<'de, F, E> serde::de::Visitor<'de> for Elements<'_, F, E>
where
    F: FnMut(&'de [u8]) -> Result<(), E>,
{
    type Value = Vec<&'de [u8]>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON array")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::new();
        while let Some(r) = seq.next_element::<&'de RawValue>()? {
            let b = r.get().as_bytes();
            if let Err(e) = (self.admit)(b) {
                *self.refused = Some(e);
                return Err(serde::de::Error::custom("refused"));
            }
            out.push(b);
        }
        Ok(out)
    }
}

/// Whether `s` may serve as a record's source name: an Elasticsearch-style index name
/// (lowercase letters, digits, `. _ + -`, not starting with `_ + -`, at most 255 bytes).
pub fn valid_index(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 255
        && !s.starts_with(['_', '+', '-'])
        && s != "."
        && s != ".."
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._+-".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bulk_items_and_errors() {
        let body = b"{\"create\":{\"_index\":\"logs-a\"}}\n{\"message\":\"a\"}\n\
{\"index\":{\"_id\":7}}\r\n{\"message\":\"b\"}\r\n\
\n\
{\"delete\":{\"_index\":\"x\",\"_id\":\"1\"}}\n\
{\"create\":{}}\n{\"message\": broken}\n\
{\"update\":{\"_id\":\"2\"}}\n{\"doc\":{}}\n\
{\"create\":{}}\n[1,2]\n";
        let items = parse_bulk(body).unwrap();
        let got: Vec<_> = items
            .iter()
            .map(|i| {
                (
                    i.op,
                    i.index.as_deref(),
                    i.id.as_deref(),
                    i.doc.map(|d| String::from_utf8_lossy(d).into_owned()),
                    i.error.as_ref().map(|e| (e.status, e.kind)),
                    i.line,
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    BulkOp::Create,
                    Some("logs-a"),
                    None,
                    Some("{\"message\":\"a\"}".into()),
                    None,
                    1
                ),
                (
                    BulkOp::Index,
                    None,
                    Some("7"),
                    Some("{\"message\":\"b\"}".into()),
                    None,
                    3
                ),
                (
                    BulkOp::Delete,
                    Some("x"),
                    Some("1"),
                    None,
                    Some((400, "illegal_argument_exception")),
                    6
                ),
                (
                    BulkOp::Create,
                    None,
                    None,
                    Some("{\"message\": broken}".into()),
                    Some((400, "document_parsing_exception")),
                    7
                ),
                (
                    BulkOp::Update,
                    None,
                    Some("2"),
                    Some("{\"doc\":{}}".into()),
                    Some((400, "illegal_argument_exception")),
                    9
                ),
                (
                    BulkOp::Create,
                    None,
                    None,
                    Some("[1,2]".into()),
                    Some((400, "document_parsing_exception")),
                    11
                ),
            ]
        );
        assert!(
            items[3]
                .error
                .as_ref()
                .unwrap()
                .reason
                .starts_with("line 8: ")
        );
    }

    #[test]
    fn bulk_request_errors_name_the_line() {
        let cases: [(&[u8], usize, &str); 4] = [
            (
                b"{\"create\":{}}\n{}\nnot json\n",
                3,
                "malformed action/metadata line",
            ),
            (b"{\"create\":{}}\n", 1, "without a document line"),
            (b"{\"upsert\":{}}\n{}\n", 1, "unknown action"),
            (
                b"{\"create\":{},\"index\":{}}\n{}\n",
                1,
                "expected one action",
            ),
        ];
        for (body, line, msg) in cases {
            let e = parse_bulk(body).unwrap_err();
            assert_eq!(e.line, line, "{e}");
            assert!(e.message.contains(msg), "{e}");
        }
        assert_eq!(parse_bulk(b"").unwrap(), vec![]);
    }

    #[test]
    fn json_records() {
        let a = parse_json_records(b" [ {\"a\": 1}, \"text\" ,{\"b\":[1, 2]}]").unwrap();
        assert_eq!(a, vec![&b"{\"a\": 1}"[..], b"\"text\"", b"{\"b\":[1, 2]}"]);
        let n = parse_json_records(b"{\"a\":1}\n\n{\"b\":2}\r\n").unwrap();
        assert_eq!(n, vec![&b"{\"a\":1}"[..], b"{\"b\":2}"]);
        let e = parse_json_records(b"{\"a\":1}\n{\"b\":\n").unwrap_err();
        assert_eq!(e.line, 2);
        let e = parse_json_records(b"[{\"a\":1},\n{\"b\" 2}]").unwrap_err();
        assert_eq!(e.line, 2, "{e}");
        assert!(parse_json_records(b"").unwrap().is_empty());
        assert!(parse_json_records(b"[1] x").is_err(), "trailing bytes");
    }

    #[test]
    fn admission_stops_decoding_at_the_first_refusal() {
        for body in [&b"1\n2\n3\n4\n"[..], b"[1,2,3,4]"] {
            let mut seen = 0;
            let r = parse_json_records_with(body, |_| {
                seen += 1;
                if seen == 3 { Err("full") } else { Ok(()) }
            });
            assert_eq!(r, Err(Stop::Refused("full")));
            assert_eq!(seen, 3);
        }
        let body = b"{\"create\":{}}\n{}\n{\"create\":{}}\n{}\n{\"create\":{}}\n{}\n";
        let mut seen = 0;
        let r = parse_bulk_with(body, |_| {
            seen += 1;
            if seen == 2 { Err(()) } else { Ok(()) }
        });
        assert_eq!(r, Err(Stop::Refused(())));
        assert_eq!(seen, 2);
    }

    #[test]
    fn index_names() {
        for ok in ["logs", "filebeat-8.19.0", "logs-generic-default", "a.b_c+d"] {
            assert!(valid_index(ok), "{ok}");
        }
        for bad in ["", "Logs", "_x", "-x", "a b", "a/b", "..", "中文"] {
            assert!(!valid_index(bad), "{bad}");
        }
    }

    proptest::proptest! {
        #[test]
        fn parsers_never_panic(body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300)) {
            let _ = parse_bulk(&body);
            let _ = parse_json_records(&body);
        }
    }
}
