//! Log search for the console and the API: filters from a query string, newest first, paged
//! by a cursor that is a seq bound (the next page holds records with seq below the last one
//! shown, so records appended meanwhile cannot shift or repeat a page), one record with its
//! inclusion proof, and evidence bundles of a selection.

use std::ops::Range;

use time::UtcOffset;
use vault::{Order, Query, Store, StoredRecord};

use super::Params;

/// Records per page unless asked otherwise.
pub const DEFAULT_LIMIT: usize = 50;
/// Most records per page.
pub const MAX_LIMIT: usize = 500;
/// Most records in one bundle exported from the console (larger: `wangan vault export`).
pub const MAX_EXPORT: usize = 100_000;
/// Most bytes of one bundle exported from the console.
pub const MAX_EXPORT_BYTES: usize = 64 << 20;
/// Longest text filter, in characters (as the OpenAPI `maxLength`).
const MAX_TEXT: usize = 1024;

/// The query parameters search understands.
pub const PARAMS: &[&str] = &[
    "from", "to", "source", "host", "q", "severity", "before", "limit",
];

/// A bad parameter: its name and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadParam {
    /// Parameter name.
    pub name: String,
    /// What is wrong (English; the pages translate the common cases).
    pub detail: String,
}

fn bad(name: &str, detail: impl Into<String>) -> BadParam {
    BadParam {
        name: name.to_owned(),
        detail: detail.into(),
    }
}

/// Parsed search filters.
#[derive(Debug, Clone, Default)]
pub struct Search {
    /// From (ns, inclusive).
    pub from: Option<i64>,
    /// To (ns, exclusive).
    pub to: Option<i64>,
    /// Sources (any).
    pub sources: Vec<String>,
    /// Hosts (any).
    pub hosts: Vec<String>,
    /// Text as typed.
    pub text: String,
    /// Severity at most.
    pub severity: Option<u8>,
    /// Cursor: only records with seq below.
    pub before: Option<u64>,
    /// Page size.
    pub limit: usize,
}

/// Parse a time: RFC 3339, or `YYYY-MM-DDTHH:MM[:SS]` / `YYYY-MM-DD HH:MM[:SS]` /
/// `YYYY-MM-DD` in `offset` (what an `<input type="datetime-local">` sends).
pub fn parse_time(s: &str, offset: UtcOffset) -> Option<i64> {
    use time::format_description::well_known::Rfc3339;
    use time::macros::format_description;
    let s = s.trim();
    if let Ok(t) = time::OffsetDateTime::parse(s, &Rfc3339) {
        return i64::try_from(t.unix_timestamp_nanos()).ok();
    }
    let s2 = s.replacen(' ', "T", 1);
    let local = time::PrimitiveDateTime::parse(
        &s2,
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]"),
    )
    .or_else(|_| {
        time::PrimitiveDateTime::parse(
            &s2,
            format_description!("[year]-[month]-[day]T[hour]:[minute]"),
        )
    })
    .or_else(|_| {
        time::Date::parse(&s2, format_description!("[year]-[month]-[day]")).map(|d| d.midnight())
    })
    .ok()?;
    i64::try_from(local.assume_offset(offset).unix_timestamp_nanos()).ok()
}

impl Search {
    /// Parse from query-string pairs; times without an offset are in `offset`. An empty
    /// field is the same as a missing one (what a web form sends).
    pub fn parse(p: &Params, offset: UtcOffset) -> Result<Search, Vec<BadParam>> {
        Search::parse_with(p, offset, false)
    }

    /// [`Search::parse`] for the API: `before`, `limit` and `severity` given empty are
    /// errors, not defaults.
    pub fn parse_strict(p: &Params, offset: UtcOffset) -> Result<Search, Vec<BadParam>> {
        Search::parse_with(p, offset, true)
    }

    fn parse_with(p: &Params, offset: UtcOffset, strict: bool) -> Result<Search, Vec<BadParam>> {
        let mut errs = Vec::new();
        if strict {
            for k in ["before", "limit", "severity"] {
                if p.0.iter().any(|(n, v)| n == k && v.trim().is_empty()) {
                    errs.push(bad(k, "is empty: give a value or leave the parameter out"));
                } else if p.0.iter().any(|(n, v)| n == k && v.trim() != v) {
                    errs.push(bad(k, "has spaces around the number"));
                }
            }
        }
        // Limits apply to the value as sent: a padded or all-blank value over the
        // limit is refused, never trimmed into range or dropped.
        for (k, max) in [("q", MAX_TEXT), ("source", 255), ("host", 255)] {
            if p.0.iter().any(|(n, v)| n == k && v.chars().count() > max) {
                errs.push(bad(k, format!("a value is longer than {max} characters")));
            }
        }
        let mut time = |k: &str| match p.get(k) {
            None => None,
            Some(v) => match parse_time(v, offset) {
                Some(t) => Some(t),
                None => {
                    errs.push(bad(
                        k,
                        "not a time: use RFC 3339 (2026-03-01T08:00:00+08:00) or 2026-03-01T08:00",
                    ));
                    None
                }
            },
        };
        let from = time("from");
        let to = time("to");
        let text = p.get("q").unwrap_or("").to_owned();
        if text.contains(char::is_control) {
            errs.push(bad("q", "holds control characters"));
        }
        let severity = match p.get("severity") {
            None => None,
            Some(v) => match v.parse::<u8>() {
                Ok(n) if n <= 7 => Some(n),
                _ => {
                    errs.push(bad("severity", "must be 0 (emergency) to 7 (debug)"));
                    None
                }
            },
        };
        let before = match p.get("before") {
            None => None,
            Some(v) => match v.parse::<u64>() {
                Ok(n) => Some(n),
                Err(_) => {
                    errs.push(bad("before", "must be a record number (a cursor)"));
                    None
                }
            },
        };
        let limit = match p.get("limit") {
            None => DEFAULT_LIMIT,
            Some(v) => match v.parse::<usize>() {
                Ok(n @ 1..=MAX_LIMIT) => n,
                _ => {
                    errs.push(bad("limit", format!("must be 1 to {MAX_LIMIT}")));
                    DEFAULT_LIMIT
                }
            },
        };
        let names = |k: &str, errs: &mut Vec<BadParam>| {
            let v = p.all(k);
            if v.len() > 64 {
                errs.push(bad(k, "more than 64 values"));
            }
            if v.iter().any(|s| s.contains(char::is_control)) {
                errs.push(bad(k, "a value holds control characters"));
            }
            v
        };
        let sources = names("source", &mut errs);
        let hosts = names("host", &mut errs);
        if let (Some(a), Some(b)) = (from, to)
            && a >= b
        {
            errs.push(bad("to", "must be later than from"));
        }
        if errs.is_empty() {
            Ok(Search {
                from,
                to,
                sources,
                hosts,
                text,
                severity,
                before,
                limit,
            })
        } else {
            Err(errs)
        }
    }

    /// The vault query (without limit or order).
    pub fn query(&self) -> Query {
        Query {
            from: self.from,
            to: self.to,
            sources: self.sources.clone(),
            hosts: self.hosts.clone(),
            apps: Vec::new(),
            max_severity: self.severity,
            terms: self.text.split_whitespace().map(str::to_owned).collect(),
            limit: None,
            order: Order::Oldest,
        }
    }

    /// The seqs this page may show.
    fn seqs(&self) -> Range<u64> {
        0..self.before.unwrap_or(u64::MAX)
    }

    /// These filters as a query string (without the cursor), for links.
    pub fn to_query_string(&self, offset: UtcOffset) -> String {
        let mut s = form_urlencoded::Serializer::new(String::new());
        let t = |ns: i64| {
            time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ns))
                .map(|t| {
                    let t = t.to_offset(offset);
                    format!(
                        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
                        t.year(),
                        u8::from(t.month()),
                        t.day(),
                        t.hour(),
                        t.minute(),
                        t.second()
                    )
                })
                .unwrap_or_default()
        };
        if let Some(f) = self.from {
            s.append_pair("from", &t(f));
        }
        if let Some(x) = self.to {
            s.append_pair("to", &t(x));
        }
        for x in &self.sources {
            s.append_pair("source", x);
        }
        for x in &self.hosts {
            s.append_pair("host", x);
        }
        if !self.text.is_empty() {
            s.append_pair("q", &self.text);
        }
        if let Some(x) = self.severity {
            s.append_pair("severity", &x.to_string());
        }
        if self.limit != DEFAULT_LIMIT {
            s.append_pair("limit", &self.limit.to_string());
        }
        s.finish()
    }
}

/// One page of results.
#[derive(Debug)]
pub struct Page {
    /// Records, newest first.
    pub records: Vec<StoredRecord>,
    /// Cursor of the next (older) page, when there may be one.
    pub next: Option<u64>,
    /// The store size the page was taken at.
    pub size: u64,
    /// Blocks that could not be read (the results may miss records).
    pub errors: Vec<String>,
}

/// Run a search page over `store` (blocking).
pub fn run(store: &Store, s: &Search) -> Page {
    let q = Query {
        order: Order::Newest,
        ..s.query()
    };
    let mut records = Vec::with_capacity(s.limit);
    let mut errors = Vec::new();
    let mut it = vault::query_seqs(store, &q, s.seqs());
    let mut more = false;
    for r in it.by_ref() {
        match r {
            Ok(r) => {
                if records.len() == s.limit {
                    more = true;
                    break;
                }
                records.push(r);
            }
            Err(e) => {
                if errors.len() < 10 {
                    errors.push(e.to_string());
                }
            }
        }
    }
    let next = if more {
        records.last().map(|r| r.record.seq)
    } else {
        None
    };
    Page {
        records,
        next,
        size: store.size(),
        errors,
    }
}

/// The proof of one record against the latest signed checkpoint.
#[derive(Debug)]
pub struct Proof {
    /// The checkpoint (signed note text).
    pub checkpoint: vault::SignedCheckpoint,
    /// Whether the checkpoint's signatures verify with the store's keys (and SM2 with it).
    pub signature: Result<bool, &'static str>,
    /// The inclusion proof.
    pub proof: vault::InclusionProof,
    /// Whether the proof leads from the record to the checkpoint's root.
    pub verifies: bool,
}

/// One record and, when a checkpoint covers it, its proof (blocking).
pub fn record(
    store: &Store,
    seq: u64,
) -> Result<Option<(StoredRecord, Option<Proof>)>, vault::Error> {
    if seq >= store.size() {
        return Ok(None);
    }
    let Some(r) = store.records(seq..seq + 1).next().transpose()? else {
        return Ok(None);
    };
    let Some(cp) = store.latest_checkpoint()? else {
        return Ok(Some((r, None)));
    };
    // a checkpoint signed after this snapshot was opened is not provable from it
    if seq >= cp.checkpoint.size || cp.checkpoint.size > store.size() {
        return Ok(Some((r, None)));
    }
    let proof = store.inclusion_proof(seq, cp.checkpoint.size)?;
    let mut scratch = Vec::new();
    let leaf = r.record.leaf_hash(store.hash_alg(), &mut scratch);
    let verifies = leaf == proof.leaf && proof.verify(store.hash_alg(), &cp.checkpoint.root);
    let signature = match cp.check(store.public_keys()) {
        vault::note::SigCheck::Valid { sm2 } => Ok(sm2),
        vault::note::SigCheck::Invalid => Err("invalid"),
        vault::note::SigCheck::UnknownKey => Err("unknown key"),
    };
    Ok(Some((
        r,
        Some(Proof {
            checkpoint: cp,
            signature,
            proof,
            verifies,
        }),
    )))
}

/// A `Write` that refuses to grow past a cap.
struct Capped {
    buf: Vec<u8>,
    cap: usize,
}

impl std::io::Write for Capped {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        if self.buf.len() + b.len() > self.cap {
            return Err(std::io::Error::other("bundle too large"));
        }
        self.buf.extend_from_slice(b);
        Ok(b.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Why an export failed.
#[derive(Debug)]
pub enum ExportError {
    /// More than [`MAX_EXPORT`] records or [`MAX_EXPORT_BYTES`] bytes.
    TooLarge,
    /// Nothing matched (or nothing a checkpoint covers yet).
    Empty,
    /// The vault refused (no checkpoint, a checkpoint that does not verify, I/O).
    Vault(vault::Error),
}

/// Export the records matching `s` (ignoring its page size; `seqs` limits them, e.g. to one
/// record) from the vault in `dir` as a bundle in memory (blocking). The store is opened
/// here, and again when a checkpoint was signed between opening it and reading the
/// checkpoint (the writer runs meanwhile).
pub fn export(
    dir: &std::path::Path,
    s: &Search,
    seqs: Range<u64>,
) -> Result<(Vec<u8>, vault::ExportSummary), ExportError> {
    let mut tries = 0;
    loop {
        let store = Store::open(dir).map_err(ExportError::Vault)?;
        match export_from(&store, s, seqs.clone()) {
            Err(ExportError::Vault(e))
                if tries < 3 && e.to_string().contains("does not fit the store") =>
            {
                tries += 1;
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            r => return r,
        }
    }
}

fn export_from(
    store: &Store,
    s: &Search,
    seqs: Range<u64>,
) -> Result<(Vec<u8>, vault::ExportSummary), ExportError> {
    let q = Query {
        limit: Some(MAX_EXPORT + 1),
        ..s.query()
    };
    let mut w = Capped {
        buf: Vec::new(),
        cap: MAX_EXPORT_BYTES,
    };
    match vault::export_seqs(store, &q, seqs, &mut w, None) {
        Ok(sum) if sum.records as usize > MAX_EXPORT => Err(ExportError::TooLarge),
        Ok(sum) if sum.records == 0 => Err(ExportError::Empty),
        Ok(sum) => Ok((w.buf, sum)),
        Err(e) if e.to_string().contains("bundle too large") => Err(ExportError::TooLarge),
        Err(e) => Err(ExportError::Vault(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_parse_and_explain_what_is_wrong() {
        let cst = UtcOffset::from_hms(8, 0, 0).unwrap();
        let p = Params::parse(
            "from=2026-03-01T08:00&to=2026-03-02&source=fw1&source=fw2&q=%E7%99%BB%E5%BD%95+%E5%A4%B1%E8%B4%A5&limit=10"
                .as_bytes(),
        );
        let s = Search::parse(&p, cst).unwrap();
        assert_eq!(s.from, Some(1_772_323_200 * 1_000_000_000));
        assert_eq!(s.sources, vec!["fw1", "fw2"]);
        assert_eq!(s.query().terms, vec!["登录", "失败"]);
        assert_eq!(s.limit, 10);
        let again = Search::parse(&Params::parse(s.to_query_string(cst).as_bytes()), cst).unwrap();
        assert_eq!((again.from, again.to, again.text), (s.from, s.to, s.text));
        let e = Search::parse(
            &Params::parse(b"from=yesterday&limit=0&severity=9&before=x&to=2020-01-01"),
            cst,
        )
        .unwrap_err();
        let names: Vec<&str> = e.iter().map(|b| b.name.as_str()).collect();
        assert_eq!(names, vec!["from", "severity", "before", "limit"]);
        // Limits count the value as sent (characters, as the OpenAPI maxLength):
        // padding cannot trim a value into range and a blank one is not dropped.
        for q in [
            format!("source={}x", "+".repeat(255)),
            format!("host={}", "%20".repeat(256)),
            format!("q={}", "+".repeat(1025)),
        ] {
            let e = Search::parse(&Params::parse(q.as_bytes()), cst).unwrap_err();
            assert!(e[0].detail.contains("longer than"), "{q}: {e:?}");
        }
        let zh = format!("source={}", "登".repeat(255));
        assert!(Search::parse(&Params::parse(zh.as_bytes()), cst).is_ok());
        assert_eq!(
            parse_time("2026-03-01T00:00:00Z", cst),
            parse_time("2026-03-01 08:00", cst)
        );
    }
}
