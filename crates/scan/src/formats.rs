//! Structured text: CSV/TSV per column, JSON/NDJSON per key path, SQL dumps
//! per table column. Each parser walks decoded UTF-8 text, finds the value
//! spans and runs the detector on them with the field name as context.

use std::collections::HashMap;

use crate::kind::Finding;
use crate::lexer::{Detector, Hint};

/// How a file's text is structured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Format {
    /// Plain text and logs.
    Text,
    /// Delimited values with a header row (`,` or tab).
    Csv(u8),
    /// One JSON document (read whole).
    Json,
    /// One JSON value per line.
    Ndjson,
    /// SQL dump (`INSERT … VALUES`, `COPY … FROM stdin`).
    Sql,
}

impl Format {
    /// Guess from a file name (compression suffixes already removed).
    pub fn from_name(name: &str) -> Format {
        let lower = name.to_ascii_lowercase();
        let ext = lower.rsplit('.').next().unwrap_or("");
        match ext {
            "csv" => Format::Csv(b','),
            "tsv" | "tab" => Format::Csv(b'\t'),
            "json" => Format::Json,
            "ndjson" | "jsonl" => Format::Ndjson,
            "sql" => Format::Sql,
            _ => Format::Text,
        }
    }

    /// Stable name for output.
    pub fn name(&self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Csv(b'\t') => "tsv",
            Format::Csv(_) => "csv",
            Format::Json => "json",
            Format::Ndjson => "ndjson",
            Format::Sql => "sql",
        }
    }
}

/// Findings of one chunk, with a local field table.
#[derive(Debug, Default)]
pub struct ChunkOut {
    /// Field names; index 0 is the whole text (no field).
    pub fields: Vec<String>,
    /// Findings with offsets relative to the chunk text, in runs of one field
    /// each (see [`ChunkOut::runs`]).
    pub hits: Vec<Finding>,
    /// (field index, end of the run in `hits`): consecutive findings of one
    /// field share a run.
    pub runs: Vec<(u32, usize)>,
    /// Records seen (CSV rows, JSON lines, SQL rows).
    pub rows: u64,
    index: HashMap<String, (u32, Hint)>,
    /// Recent fields by hash of their name: (hash, field index, hint).
    cache: Vec<(u64, u32, Hint)>,
}

/// Entries of [`ChunkOut`]'s field cache.
const FIELD_CACHE: usize = 64;

impl ChunkOut {
    /// Empty it for reuse (keeps the allocations).
    pub fn clear(&mut self) {
        self.fields.clear();
        self.hits.clear();
        self.runs.clear();
        self.rows = 0;
        self.index.clear();
        self.cache.clear();
    }

    /// (field index, finding) pairs in order.
    pub fn iter(&self) -> impl Iterator<Item = (u32, &Finding)> {
        let mut from = 0;
        self.runs.iter().flat_map(move |&(field, end)| {
            let run = &self.hits[from..end];
            from = end;
            run.iter().map(move |f| (field, f))
        })
    }

    /// Mutable findings (all fields).
    pub fn findings_mut(&mut self) -> &mut [Finding] {
        &mut self.hits
    }

    /// [`ChunkOut::field`] of a name given as bytes (a JSON key path: not
    /// always valid UTF-8), through a small cache of recent names: records
    /// repeat the same few key paths.
    fn field_bytes(&mut self, det: &Detector, name: &[u8]) -> (u32, Hint) {
        let h = crate::lexer::hash64(0x0066_6965_6c64, name);
        let k = (h % FIELD_CACHE as u64) as usize;
        if let Some(&(ch, id, hint)) = self.cache.get(k)
            && ch == h
            && self
                .fields
                .get(id as usize)
                .is_some_and(|f| f.as_bytes() == name)
        {
            return (id, hint);
        }
        let v = self.field(det, &String::from_utf8_lossy(name));
        if self.cache.len() < FIELD_CACHE {
            self.cache
                .resize(FIELD_CACHE, (0, u32::MAX, Hint::default()));
        }
        if let Some(c) = self.cache.get_mut(k) {
            *c = (h, v.0, v.1);
        }
        v
    }

    fn field(&mut self, det: &Detector, name: &str) -> (u32, Hint) {
        if let Some(v) = self.index.get(name) {
            return *v;
        }
        if self.fields.is_empty() {
            self.fields.push(String::new());
        }
        let id = self.fields.len() as u32;
        self.fields.push(name.to_owned());
        let v = (id, det.hint(name));
        self.index.insert(name.to_owned(), v);
        v
    }

    fn scan(&mut self, det: &Detector, text: &[u8], base: usize, field: u32, hint: Hint) {
        self.scan_span(det, text, base, text.len(), field, hint);
    }

    fn scan_span(
        &mut self,
        det: &Detector,
        text: &[u8],
        s: usize,
        e: usize,
        field: u32,
        hint: Hint,
    ) {
        let first = self.hits.len();
        det.scan(&text[s..e], hint, &mut self.hits);
        if self.hits.len() == first {
            return;
        }
        if s > 0 {
            for f in &mut self.hits[first..] {
                f.start += s as u64;
                f.end += s as u64;
            }
        }
        let end = self.hits.len();
        match self.runs.last_mut() {
            Some(r) if r.0 == field => r.1 = end,
            _ => self.runs.push((field, end)),
        }
    }
}

/// Scan plain text.
pub fn scan_text(det: &Detector, text: &[u8]) -> ChunkOut {
    let mut out = ChunkOut::default();
    scan_text_into(det, text, &mut out);
    out
}

/// Scan plain text into `out` (cleared first; its buffers are reused).
pub fn scan_text_into(det: &Detector, text: &[u8], out: &mut ChunkOut) {
    out.clear();
    out.fields.push(String::new());
    out.scan(det, text, 0, 0, Hint::default());
    out.rows = memchr::memchr_iter(b'\n', text).count() as u64;
}

/// The first `a` or `b` at or after `j`, or `text.len()`: the first 16
/// bytes eight at a time (JSON keys, most values and CSV cells are short,
/// and `memchr2` costs more to set up than it saves there), then
/// `memchr2`.
#[inline]
fn find2(text: &[u8], j: usize, a: u8, b: u8) -> usize {
    use crate::lexer::{ONES, word_at, zero_lanes};
    let mut k = j;
    while k < j + 16
        && let Some(w) = word_at(text, k)
    {
        let m = zero_lanes(w ^ (u64::from(a) * ONES)) | zero_lanes(w ^ (u64::from(b) * ONES));
        if m != 0 {
            return k + (m.trailing_zeros() / 8) as usize;
        }
        k += 8;
    }
    let k = k.min(text.len());
    memchr::memchr2(a, b, &text[k..]).map_or(text.len(), |p| k + p)
}

/// Split one delimited record starting at `i`; returns cell spans (content
/// inside quotes for quoted cells) and the offset after the record.
pub fn csv_record(text: &[u8], mut i: usize, sep: u8, cells: &mut Vec<(usize, usize)>) -> usize {
    cells.clear();
    let n = text.len();
    loop {
        if i < n && text[i] == b'"' {
            let s = i + 1;
            let mut j = s;
            loop {
                match memchr::memchr(b'"', &text[j..]) {
                    Some(q) => {
                        let q = j + q;
                        if text.get(q + 1) == Some(&b'"') {
                            j = q + 2;
                        } else {
                            cells.push((s, q));
                            i = q + 1;
                            break;
                        }
                    }
                    None => {
                        cells.push((s, n));
                        return n;
                    }
                }
            }
            // skip to separator or newline
            while i < n && text[i] != sep && text[i] != b'\n' {
                i += 1;
            }
        } else {
            let e = find2(text, i.min(n), sep, b'\n');
            let mut ce = e;
            if ce > i && text[ce - 1] == b'\r' {
                ce -= 1;
            }
            cells.push((i, ce));
            i = e;
        }
        if i >= n {
            return n;
        }
        if text[i] == b'\n' {
            return i + 1;
        }
        i += 1; // separator
    }
}

/// The end of the last complete CSV record in `text` (quote-aware), or 0.
pub fn csv_cut(text: &[u8]) -> usize {
    let mut inq = false;
    let mut last = 0;
    for p in memchr::memchr2_iter(b'"', b'\n', text) {
        if text[p] == b'"' {
            inq = !inq;
        } else if !inq {
            last = p + 1;
        }
    }
    last
}

/// Scan delimited text whose header row was already read (`header`).
pub fn scan_csv(det: &Detector, text: &[u8], sep: u8, header: &[String]) -> ChunkOut {
    let mut out = ChunkOut::default();
    scan_csv_into(det, text, sep, header, &mut out);
    out
}

/// [`scan_csv`] into `out` (cleared first; its buffers are reused).
pub fn scan_csv_into(det: &Detector, text: &[u8], sep: u8, header: &[String], out: &mut ChunkOut) {
    out.clear();
    let cols: Vec<(u32, Hint)> = header.iter().map(|h| out.field(det, h)).collect();
    let mut cells = Vec::new();
    let mut i = 0;
    while i < text.len() {
        let next = csv_record(text, i, sep, &mut cells);
        for (k, &(s, e)) in cells.iter().enumerate() {
            if e <= s {
                continue;
            }
            let (id, hint) = match cols.get(k) {
                Some(v) => *v,
                None => out.field(det, &format!("#{}", k + 1)),
            };
            out.scan_span(det, text, s, e, id, hint);
        }
        out.rows += 1;
        if next <= i {
            break;
        }
        i = next;
    }
}

/// Read the header row of delimited text: names and the offset after it.
pub fn csv_header(text: &[u8], sep: u8) -> (Vec<String>, usize) {
    let mut cells = Vec::new();
    let end = csv_record(text, 0, sep, &mut cells);
    let names = cells
        .iter()
        .map(|&(s, e)| String::from_utf8_lossy(&text[s..e]).trim().to_owned())
        .collect();
    (names, end)
}

/// An open JSON container: whether it is an object, and the length of the
/// key path before its own part (`.key`, `.?` before the first key, `[]`).
struct Frame {
    obj: bool,
    base: usize,
}

/// Scan JSON or NDJSON: every string and number value is scanned with its
/// key path (`$.user.mobile`, arrays as `[]`) as field and context.
pub fn scan_json(det: &Detector, text: &[u8]) -> ChunkOut {
    let mut out = ChunkOut::default();
    scan_json_into(det, text, &mut out);
    out
}

/// [`scan_json`] into `out` (cleared first; its buffers are reused).
pub fn scan_json_into(det: &Detector, text: &[u8], out: &mut ChunkOut) {
    out.clear();
    let mut stack: Vec<Frame> = Vec::new();
    let mut expect_key = false;
    // the key path of the innermost container, built as containers open and
    // keys are read (raw key bytes; names are made valid UTF-8 once, when a
    // field is first seen)
    let mut path: Vec<u8> = vec![b'$'];
    let n = text.len();
    let mut i = 0;
    while i < n {
        match text[i] {
            b'{' => {
                stack.push(Frame {
                    obj: true,
                    base: path.len(),
                });
                path.extend_from_slice(b".?");
                expect_key = true;
                i += 1;
            }
            b'[' => {
                stack.push(Frame {
                    obj: false,
                    base: path.len(),
                });
                path.extend_from_slice(b"[]");
                expect_key = false;
                i += 1;
            }
            b'}' | b']' => {
                if let Some(f) = stack.pop() {
                    path.truncate(f.base);
                }
                if stack.is_empty() {
                    out.rows += 1;
                }
                expect_key = false;
                i += 1;
            }
            b',' => {
                expect_key = stack.last().is_some_and(|f| f.obj);
                i += 1;
            }
            b':' => {
                expect_key = false;
                i += 1;
            }
            b'"' => {
                let s = i + 1;
                let mut j = s;
                let e = loop {
                    let p = find2(text, j, b'"', b'\\');
                    if p >= n {
                        break n;
                    }
                    if text[p] != b'\\' {
                        break p;
                    }
                    j = p + 2;
                    if j >= n {
                        break n;
                    }
                };
                if expect_key {
                    if let Some(f) = stack.last()
                        && f.obj
                    {
                        path.truncate(f.base);
                        path.push(b'.');
                        path.extend_from_slice(&text[s..e]);
                    }
                    expect_key = false;
                } else if e > s {
                    let (id, hint) = out.field_bytes(det, &path);
                    out.scan_span(det, text, s, e, id, hint);
                }
                i = e + 1;
            }
            b'-' | b'0'..=b'9' => {
                let s = i;
                while i < n && matches!(text[i], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') {
                    i += 1;
                }
                if i - s >= 5 {
                    let (id, hint) = out.field_bytes(det, &path);
                    out.scan_span(det, text, s, i, id, hint);
                }
            }
            _ => i += 1,
        }
    }
    if out.fields.is_empty() {
        out.fields.push(String::new());
    }
}

/// Scan a SQL dump. `INSERT INTO t (a, b) VALUES (…), (…);` values and
/// `COPY t (a, b) FROM stdin;` blocks are attributed to `t.a`, `t.b`
/// (`t.#n` when the statement names no columns); everything else is text.
pub fn scan_sql(det: &Detector, text: &[u8]) -> ChunkOut {
    let mut out = ChunkOut::default();
    scan_sql_into(det, text, &mut out);
    out
}

/// [`scan_sql`] into `out` (cleared first; its buffers are reused).
pub fn scan_sql_into(det: &Detector, text: &[u8], out: &mut ChunkOut) {
    out.clear();
    out.field(det, "");
    let n = text.len();
    let mut i = 0;
    let mut text_from = 0;
    while i < n {
        let line_end = memchr::memchr(b'\n', &text[i..]).map_or(n, |p| i + p);
        let line = &text[i..line_end];
        let up =
            |pre: &[u8]| line.len() >= pre.len() && line[..pre.len()].eq_ignore_ascii_case(pre);
        if up(b"INSERT INTO ") || up(b"COPY ") {
            // flush preceding text
            if i > text_from {
                out.scan_span(det, text, text_from, i, 0, Hint::default());
            }
            let copy = up(b"COPY ");
            let head_start = if copy { 5 } else { 12 };
            let rest = &line[head_start..];
            let tname_end = rest
                .iter()
                .position(|&c| c == b' ' || c == b'(')
                .unwrap_or(rest.len());
            let table = clean_ident(&rest[..tname_end]);
            let mut cols: Vec<String> = Vec::new();
            let after = &rest[tname_end..];
            let after_trim = after
                .iter()
                .position(|&c| c != b' ')
                .map_or(&after[after.len()..], |p| &after[p..]);
            if after_trim.first() == Some(&b'(')
                && let Some(close) = after_trim.iter().position(|&c| c == b')')
            {
                cols = after_trim[1..close]
                    .split(|&c| c == b',')
                    .map(clean_ident)
                    .collect();
            }
            let names: Vec<(u32, Hint)> = cols
                .iter()
                .map(|c| out.field(det, &format!("{table}.{c}")))
                .collect();
            let col = |out: &mut ChunkOut, k: usize| -> (u32, Hint) {
                match names.get(k) {
                    Some(v) => *v,
                    None => out.field(det, &format!("{table}.#{}", k + 1)),
                }
            };
            if copy {
                // tab-separated lines until "\."
                let mut j = line_end + 1;
                while j < n {
                    let le = memchr::memchr(b'\n', &text[j..]).map_or(n, |p| j + p);
                    if &text[j..le] == b"\\." {
                        j = le + 1;
                        break;
                    }
                    let mut s = j;
                    for (k, p) in memchr::memchr_iter(b'\t', &text[j..le])
                        .map(|p| j + p)
                        .chain(std::iter::once(le))
                        .enumerate()
                    {
                        if p > s && &text[s..p] != b"\\N" {
                            let (id, hint) = col(out, k);
                            out.scan_span(det, text, s, p, id, hint);
                        }
                        s = p + 1;
                    }
                    out.rows += 1;
                    j = le + 1;
                }
                i = j.min(n);
                text_from = i;
                continue;
            }
            // VALUES tuples: walk to the terminating ';' outside quotes
            let Some(vpos) = memchr::memmem::find(&text[i..line_end], b"VALUES")
                .or_else(|| memchr::memmem::find(&text[i..line_end], b"values"))
            else {
                i = line_end + 1;
                continue;
            };
            let mut j = i + vpos + 6;
            let mut k = 0usize;
            let mut depth = 0;
            while j < n {
                match text[j] {
                    b'(' => {
                        depth += 1;
                        if depth == 1 {
                            k = 0;
                        }
                        j += 1;
                    }
                    b')' => {
                        if depth == 1 {
                            out.rows += 1;
                        }
                        depth -= 1;
                        j += 1;
                    }
                    b',' => {
                        if depth == 1 {
                            k += 1;
                        }
                        j += 1;
                    }
                    b';' if depth == 0 => {
                        j += 1;
                        break;
                    }
                    q @ (b'\'' | b'"') => {
                        let s = j + 1;
                        let mut m = s;
                        // backslash escapes (MySQL) and doubled quotes (SQL)
                        while m < n {
                            if text[m] == b'\\' || (text[m] == q && text.get(m + 1) == Some(&q)) {
                                m += 2;
                            } else if text[m] == q {
                                break;
                            } else {
                                m += 1;
                            }
                        }
                        let e = m.min(n);
                        if e > s {
                            let (id, hint) = col(out, k);
                            out.scan_span(det, text, s, e, id, hint);
                        }
                        j = e + 1;
                    }
                    b'0'..=b'9' | b'-' => {
                        let s = j;
                        while j < n
                            && matches!(text[j], b'0'..=b'9' | b'-' | b'.' | b'e' | b'E' | b'+')
                        {
                            j += 1;
                        }
                        if j - s >= 5 {
                            let (id, hint) = col(out, k);
                            out.scan_span(det, text, s, j, id, hint);
                        }
                    }
                    _ => j += 1,
                }
            }
            i = j.min(n);
            text_from = i;
            continue;
        }
        i = line_end + 1;
    }
    if n > text_from {
        out.scan(det, &text[..n], text_from, 0, Hint::default());
    }
}

fn clean_ident(b: &[u8]) -> String {
    let s = String::from_utf8_lossy(b);
    let s = s
        .trim()
        .trim_matches(|c| c == '`' || c == '"' || c == '[' || c == ']');
    // schema-qualified: keep as is, strip inner quotes
    s.replace(['`', '"'], "")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fields, findings, runs and rows.
    type Shown = (Vec<String>, Vec<Finding>, Vec<(u32, usize)>, u64);

    fn shown(o: &ChunkOut) -> Shown {
        (o.fields.clone(), o.hits.clone(), o.runs.clone(), o.rows)
    }

    proptest::proptest! {
        /// `find2` is the first of two bytes from a position, as a plain
        /// search finds it.
        #[test]
        fn find2_is_the_first_of_two_bytes(
            text in proptest::collection::vec(
                proptest::sample::select(vec![b'a', b'"', b'\\', b',', b'\n', 0x80, 0xff]),
                0..80,
            ),
            j in 0usize..80,
        ) {
            let j = j.min(text.len());
            let want = text[j..]
                .iter()
                .position(|&c| c == b'"' || c == b'\\')
                .map_or(text.len(), |p| j + p);
            proptest::prop_assert_eq!(find2(&text, j, b'"', b'\\'), want);
        }
    }

    /// The field (key path) of each finding of a JSON text, in order.
    fn json_fields(det: &Detector, text: &[u8]) -> Vec<String> {
        let out = scan_json(det, text);
        out.iter()
            .map(|(f, _)| out.fields[f as usize].clone())
            .collect()
    }

    /// Key paths: nested objects, arrays, keys after a nested container,
    /// top-level values, keys that are not UTF-8; and many records with
    /// more distinct paths than the field cache holds.
    #[test]
    fn json_key_paths() {
        let det = Detector::default();
        let m = "13800138000";
        let text = format!(
            r#"{{"a":{{"b":"{m}","c":[{{"d":"{m}"}},"{m}"]}},"e":"{m}","f":[[{m}]]}}
"{m}"
{{"":"{m}",{{"x":1}}:"{m}"}}
{{:"{m}"}}"#
        );
        assert_eq!(
            json_fields(&det, text.as_bytes()),
            [
                "$.a.b",
                "$.a.c[].d",
                "$.a.c[]",
                "$.e",
                "$.f[][]",
                "$",
                "$.",
                "$.",
                "$.?"
            ]
        );
        let mut raw = b"{\"k\xff\":\"".to_vec();
        raw.extend_from_slice(m.as_bytes());
        raw.extend_from_slice(b"\"}");
        assert_eq!(json_fields(&det, &raw), ["$.k\u{fffd}"]);
        // 200 keys, twice: every value keeps its own path
        let mut many = String::new();
        for round in 0..2 {
            for k in 0..200 {
                many.push_str(&format!("{{\"k{k}\":{{\"v\":\"{m}\"}}}}\n"));
            }
            let _ = round;
        }
        let got = json_fields(&det, many.as_bytes());
        let want: Vec<String> = (0..2)
            .flat_map(|_| (0..200).map(|k| format!("$.k{k}.v")))
            .collect();
        assert_eq!(got, want);
        assert_eq!(scan_json(&det, many.as_bytes()).fields.len(), 201);
    }

    /// Scanning into a used output (of another format) gives what a fresh
    /// output gets.
    #[test]
    fn reused_outputs_equal_fresh_ones() {
        let det = Detector::default();
        let csv = "13800138000,张三,zhang.san@example.com\n11010519491231002X,李四,10.1.2.3\n";
        let header = vec!["mobile".to_owned(), "name".to_owned()];
        let json = r#"{"user":{"mobile":"13900139000","id":"11010519491231002X"},"ip":"10.1.2.3"}
{"mail":"li.si@example.cn"}"#;
        let sql = "INSERT INTO t (a, b) VALUES ('13800138000', 'x'), ('y', '11010519491231002X');\n\
                   COPY u (m) FROM stdin;\n13700137000\n\\.\nfree text 13600136000\n";
        let text = "身份证号11010519491231002X，手机138 0013 8000";
        let mut out = ChunkOut::default();
        for _ in 0..2 {
            scan_csv_into(&det, csv.as_bytes(), b',', &header, &mut out);
            assert_eq!(
                shown(&out),
                shown(&scan_csv(&det, csv.as_bytes(), b',', &header))
            );
            assert!(!out.hits.is_empty());
            scan_json_into(&det, json.as_bytes(), &mut out);
            assert_eq!(shown(&out), shown(&scan_json(&det, json.as_bytes())));
            assert!(!out.hits.is_empty());
            scan_sql_into(&det, sql.as_bytes(), &mut out);
            assert_eq!(shown(&out), shown(&scan_sql(&det, sql.as_bytes())));
            assert!(!out.hits.is_empty());
            scan_text_into(&det, text.as_bytes(), &mut out);
            assert_eq!(shown(&out), shown(&scan_text(&det, text.as_bytes())));
        }
    }
}
