//! Ingest line parsers: one received record in, the fields the index keeps out.
//!
//! [`parse_record`] turns the bytes of one log record, exactly as received, into a [`Parsed`]
//! value: event time, host, application, severity, facility, key/value fields and message. It
//! never fails and never panics; what it could not understand is kept in the message and
//! described in [`Parsed::note`]. The parsed fields are never hashed: the vault stores and proves
//! the raw bytes, so a parser fix never breaks a proof.
//!
//! Recognised, in this order:
//! - JSON objects (one NDJSON line): time, host, app, severity and message picked from common
//!   keys (`@timestamp`, `host.name`, `level`, `message`, …); nested keys flattened with dots.
//! - RFC 5424: PRI, version, RFC 3339 time, host, app, procid, msgid, structured data (values
//!   unescaped, each parameter a field named `sdid.param`), BOM in MSG.
//! - RFC 3164 and what devices really send: missing PRI, year or hostname; ISO timestamps in the
//!   3164 position; Cisco sequence numbers, `*`/`.` time markers and `%FAC-SEV-MNEMONIC` tags;
//!   Huawei/H3C `%%01MOD/SEV/BRIEF(l)[n]:` tags; FortiGate-style `key=value` bodies.
//! - Anything else is [`Format::Plain`]; `key=value` pairs in it still become fields.
//!
//! Text that is not UTF-8 is decoded as GB18030 (a superset of GBK, which Chinese devices send)
//! when that succeeds, otherwise lossily; either way [`Parsed::note`] says so.
//!
//! Hostile input is bounded: at most [`MAX_FIELDS`] fields, keys of [`MAX_KEY_LEN`] bytes,
//! values of [`MAX_VALUE_LEN`] bytes, [`MAX_FIELD_BYTES`] in all, JSON flattened to
//! [`MAX_JSON_DEPTH`] levels; whatever is cut is counted in the note.
//!
//! ```
//! use vault::parse::{parse_record, Format};
//! let now = time::macros::datetime!(2024-03-01 19:00 UTC);
//! let p = parse_record(b"<189>123: *Mar  1 18:46:11.123 UTC: %SYS-5-CONFIG_I: Configured from console", now);
//! assert_eq!(p.format, Format::Rfc3164);
//! assert_eq!(p.app.as_deref(), Some("SYS"));
//! assert_eq!(p.severity, Some(5));
//! assert_eq!(p.event_time, Some(time::macros::datetime!(2024-03-01 18:46:11.123 UTC)));
//! ```

use std::borrow::Cow;

use time::OffsetDateTime;

mod json;
mod kv;
mod stamp;
mod syslog;
#[cfg(test)]
mod tests;

/// Most fields kept for one record; more are dropped and counted in the note.
pub const MAX_FIELDS: usize = 256;
/// Longest field name kept, in bytes; longer names are cut at a character boundary.
pub const MAX_KEY_LEN: usize = 128;
/// Longest field value kept, in bytes; longer values are cut at a character boundary.
pub const MAX_VALUE_LEN: usize = 4096;
/// Most bytes of names and values kept over all fields of one record.
pub const MAX_FIELD_BYTES: usize = 64 * 1024;
/// Longest host or application name kept, in bytes.
pub const MAX_NAME_LEN: usize = 255;
/// Deepest JSON nesting flattened into fields; deeper values are kept as JSON text.
pub const MAX_JSON_DEPTH: usize = 8;

/// What [`parse_record`] understood of one record.
///
/// Every part is optional except the format and the message: a record nothing could be made of
/// is [`Format::Plain`] with the whole (decoded) text as its message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    /// The syntax the record was recognised as.
    pub format: Format,
    /// When the event happened, as the record says (with an inferred year for RFC 3164 stamps
    /// that have none, and the receive time's offset where the stamp has no zone).
    pub event_time: Option<OffsetDateTime>,
    /// The host that sent or produced the record.
    pub host: Option<String>,
    /// The application, program or vendor module (Cisco facility, Huawei module).
    pub app: Option<String>,
    /// Syslog severity, 0 (emergency) to 7 (debug): from PRI when present, else from a vendor
    /// tag or a `level`/`severity` field.
    pub severity: Option<u8>,
    /// Syslog facility, 0 to 23, from PRI.
    pub facility: Option<u8>,
    /// Named values: structured data as `sdid.param`, `procid`, `msgid`, `seq`, `mnemonic`,
    /// `key=value` pairs of the body, flattened JSON keys; in the order met.
    pub fields: Vec<(String, String)>,
    /// The free text of the record (RFC 5424 MSG without BOM, the text after the tag, or all).
    pub message: String,
    /// What was odd: decoding used, malformed parts, values cut or dropped by the limits.
    pub note: Option<String>,
}

/// The syntax a record was recognised as.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// RFC 5424 syslog (`<PRI>1 TIMESTAMP HOST APP PROCID MSGID SD MSG`).
    Rfc5424,
    /// RFC 3164 (BSD) syslog and the vendor variants close to it.
    Rfc3164,
    /// A JSON object.
    Json,
    /// Anything else.
    Plain,
}

/// Parse one received record.
///
/// `raw` is the record as received, without framing (a trailing LF, CR LF or NUL is ignored).
/// `received_at` resolves timestamps that lack a year (the year that puts the time closest to,
/// and at most a day after, the receive time) or a zone (the receive time's offset).
///
/// Never fails and never panics, whatever the bytes.
pub fn parse_record(raw: &[u8], received_at: OffsetDateTime) -> Parsed {
    let mut out = Parsed::empty();
    parse_record_into(raw, received_at, &mut out);
    out
}

/// [`parse_record`] into `out`, reusing its buffers: after the first few records of a stream,
/// parsing allocates nothing when the fields fit the buffers of the record before. For ingest
/// loops that encode the parsed view right away. `out` is overwritten entirely; the result is
/// equal to what [`parse_record`] returns.
pub fn parse_record_into(raw: &[u8], received_at: OffsetDateTime, out: &mut Parsed) {
    parse_with(raw, received_at, out, false);
}

/// The fields a block indexes, and only those: like [`parse_record_into`],
/// `format`, `event_time`, `host`, `app`, `severity` and `facility` come out
/// equal to what [`parse_record`] gives, while `fields` and `message` are
/// left empty and `note` is `None`. Block workers use it: the other fields
/// are parsed again from the raw record when a query shows them, and
/// copying them here only cost time.
pub fn parse_index_into(raw: &[u8], received_at: OffsetDateTime, out: &mut Parsed) {
    parse_with(raw, received_at, out, true);
}

fn parse_with(raw: &[u8], received_at: OffsetDateTime, out: &mut Parsed, index_only: bool) {
    let mut sink = Sink {
        fields: std::mem::take(&mut out.fields),
        index_only,
        ..Sink::default()
    };
    let raw = trim_end(raw);
    let text = decode(raw, &mut sink);
    let text: &str = &text;
    // Leading white space and a byte-order mark (some Windows agents send one) are skipped.
    let body = text.trim_start();
    let body = body.strip_prefix('\u{feff}').unwrap_or(body);

    let mut parsed = None;
    match body.as_bytes().first() {
        Some(b'{') => match json::parse(body, received_at, &mut sink) {
            Ok(p) => parsed = Some(p),
            Err(e) => sink.note(&format!("not valid json: {e}")),
        },
        Some(b'<') => parsed = syslog::parse_with_pri(body, received_at, &mut sink),
        Some(_) => parsed = syslog::parse_3164(body, syslog::Pri::Absent, received_at, &mut sink),
        None => {}
    }
    let mut p = parsed.unwrap_or_else(|| {
        kv::extract(text, &mut sink);
        Draft {
            format: Format::Plain,
            message: Cow::Borrowed(text),
            ..Draft::default()
        }
    });
    if p.format != Format::Json && sink.kv_pairs > 0 {
        kv::promote(&mut p, received_at, &sink);
    }
    sink.finish(p, out);
}

impl Parsed {
    /// A plain, empty record: the starting point for [`parse_record_into`].
    pub fn empty() -> Parsed {
        Parsed {
            format: Format::Plain,
            event_time: None,
            host: None,
            app: None,
            severity: None,
            facility: None,
            fields: Vec::new(),
            message: String::new(),
            note: None,
        }
    }
}

/// Set `slot` to `value`, reusing the string already there.
fn assign(slot: &mut Option<String>, value: Option<Cow<'_, str>>) {
    match (slot.as_mut(), value) {
        (Some(s), Some(v)) => {
            s.clear();
            s.push_str(&v);
        }
        (None, Some(v)) => *slot = Some(v.into_owned()),
        (_, None) => *slot = None,
    }
}

/// A [`Parsed`] under construction; fields and notes live in the [`Sink`].
#[derive(Debug)]
pub(crate) struct Draft<'a> {
    pub(crate) format: Format,
    pub(crate) event_time: Option<OffsetDateTime>,
    pub(crate) host: Option<Cow<'a, str>>,
    pub(crate) app: Option<Cow<'a, str>>,
    pub(crate) severity: Option<u8>,
    pub(crate) facility: Option<u8>,
    pub(crate) message: Cow<'a, str>,
}

impl Default for Draft<'_> {
    fn default() -> Self {
        Draft {
            format: Format::Plain,
            event_time: None,
            host: None,
            app: None,
            severity: None,
            facility: None,
            message: Cow::Borrowed(""),
        }
    }
}

/// A [`Sink`]'s counters, to roll back to.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Mark {
    n: usize,
    stored: usize,
    bytes: usize,
    dropped: usize,
    cut: usize,
}

/// Collects fields under the limits, and notes.
#[derive(Debug, Default)]
pub(crate) struct Sink {
    /// Field slots; the first `stored` are this record's, the rest are buffers to reuse.
    fields: Vec<(String, String)>,
    /// Fields counted against the limits (all of them unless `index_only`).
    n: usize,
    /// Fields kept in `fields`.
    stored: usize,
    /// Keep only the fields [`kv::promote`] reads, and no message or notes
    /// (the limits still count every field, so the result is the same).
    index_only: bool,
    /// `key=value` pairs found in message bodies (only those can name vendor keys).
    pub(crate) kv_pairs: usize,
    bytes: usize,
    dropped: usize,
    cut: usize,
    notes: Option<String>,
}

impl Sink {
    /// Add a field, cutting or dropping it if the limits say so.
    pub(crate) fn push(&mut self, key: Cow<'_, str>, value: Cow<'_, str>) {
        if self.n >= MAX_FIELDS {
            self.dropped += 1;
            return;
        }
        let key = self.cap(key, MAX_KEY_LEN);
        let value = self.cap(value, MAX_VALUE_LEN);
        let size = key.len() + value.len();
        if self.bytes + size > MAX_FIELD_BYTES {
            self.dropped += 1;
            return;
        }
        self.bytes += size;
        self.n += 1;
        if self.index_only && !kv::PROMOTED.contains(&&*key) {
            return;
        }
        if let Some((k, v)) = self.fields.get_mut(self.stored) {
            k.clear();
            k.push_str(&key);
            v.clear();
            v.push_str(&value);
        } else {
            if self.fields.capacity() == 0 {
                self.fields.reserve(12);
            }
            self.fields.push((key.into_owned(), value.into_owned()));
        }
        self.stored += 1;
    }

    /// Add the structured-data field `id.pname`, as [`Sink::push`] of that
    /// name; `key` is a buffer for it. When parsing for the index only,
    /// the name is not built: no name with a dot is one [`kv::promote`]
    /// reads, so only its length counts against the limits (unless it is
    /// long enough to be cut, where the cut depends on its characters).
    #[inline]
    pub(crate) fn push_sd(&mut self, key: &mut String, id: &str, pname: &str, value: Cow<'_, str>) {
        let key_len = id.len() + 1 + pname.len();
        // the usual case inline: counted, nothing cut or dropped
        let size = key_len + value.len();
        if self.index_only
            && key_len <= MAX_KEY_LEN
            && value.len() <= MAX_VALUE_LEN
            && self.n < MAX_FIELDS
            && self.bytes + size <= MAX_FIELD_BYTES
        {
            self.bytes += size;
            self.n += 1;
            return;
        }
        self.push_sd_slow(key, key_len, id, pname, value);
    }

    fn push_sd_slow(
        &mut self,
        key: &mut String,
        key_len: usize,
        id: &str,
        pname: &str,
        value: Cow<'_, str>,
    ) {
        if self.index_only && key_len <= MAX_KEY_LEN {
            self.count(key_len, value);
            return;
        }
        key.clear();
        key.reserve(key_len);
        key.push_str(id);
        key.push('.');
        key.push_str(pname);
        self.push(Cow::Borrowed(key), value);
    }

    /// Count a field that is not kept, named by `key_len` bytes (at most
    /// [`MAX_KEY_LEN`]): the limits as [`Sink::push`] applies them.
    fn count(&mut self, key_len: usize, value: Cow<'_, str>) {
        if self.n >= MAX_FIELDS {
            self.dropped += 1;
            return;
        }
        let value = self.cap(value, MAX_VALUE_LEN);
        let size = key_len + value.len();
        if self.bytes + size > MAX_FIELD_BYTES {
            self.dropped += 1;
            return;
        }
        self.bytes += size;
        self.n += 1;
    }

    fn cap<'a>(&mut self, s: Cow<'a, str>, max: usize) -> Cow<'a, str> {
        if s.len() <= max {
            return s;
        }
        self.cut += 1;
        let end = floor_char_boundary(&s, max);
        match s {
            Cow::Borrowed(b) => Cow::Borrowed(&b[..end]),
            Cow::Owned(mut o) => {
                o.truncate(end);
                Cow::Owned(o)
            }
        }
    }

    /// Number of fields and their byte total, to roll back to with [`Sink::rollback`].
    pub(crate) fn mark(&self) -> Mark {
        Mark {
            n: self.n,
            stored: self.stored,
            bytes: self.bytes,
            dropped: self.dropped,
            cut: self.cut,
        }
    }

    /// Forget the fields added since `mark`.
    pub(crate) fn rollback(&mut self, mark: Mark) {
        self.n = mark.n;
        self.stored = mark.stored;
        self.bytes = mark.bytes;
        self.dropped = mark.dropped;
        self.cut = mark.cut;
    }

    /// The value of the first field named `key`.
    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.fields[..self.stored]
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Add a note (notes are joined with `; `).
    pub(crate) fn note(&mut self, note: &str) {
        if self.index_only {
            return;
        }
        match &mut self.notes {
            Some(n) => {
                n.push_str("; ");
                n.push_str(note);
            }
            None => self.notes = Some(note.to_owned()),
        }
    }

    fn finish(mut self, d: Draft<'_>, out: &mut Parsed) {
        if self.cut > 0 {
            let n = format!("{} field names or values truncated", self.cut);
            self.note(&n);
        }
        if self.dropped > 0 {
            let n = format!("{} fields dropped over the limit", self.dropped);
            self.note(&n);
        }
        out.format = d.format;
        out.event_time = d.event_time;
        assign(&mut out.host, d.host);
        assign(&mut out.app, d.app);
        out.severity = d.severity;
        out.facility = d.facility;
        out.message.clear();
        if self.index_only {
            self.stored = 0;
        } else {
            out.message.push_str(&d.message);
        }
        self.fields.truncate(self.stored);
        out.fields = self.fields;
        out.note = self.notes;
    }
}

/// `s` cut to at most [`MAX_NAME_LEN`] bytes at a character boundary.
pub(crate) fn name(s: &str) -> Cow<'_, str> {
    Cow::Borrowed(&s[..floor_char_boundary(s, MAX_NAME_LEN)])
}

/// The largest index `<= max` that is a character boundary of `s`.
pub(crate) fn floor_char_boundary(s: &str, max: usize) -> usize {
    if max >= s.len() {
        return s.len();
    }
    let mut i = max;
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Severity number for a textual level (`err`, `warning`, `INFO`, …) or a digit 0–7.
pub(crate) fn severity_from_text(s: &str) -> Option<u8> {
    let s = s.trim();
    if s.len() == 1 {
        let d = s.as_bytes()[0];
        return (b'0'..=b'7').contains(&d).then(|| d - b'0');
    }
    let mut buf = [0u8; 16];
    if s.len() > buf.len() {
        return None;
    }
    for (b, c) in buf.iter_mut().zip(s.bytes()) {
        *b = c.to_ascii_lowercase();
    }
    Some(match &buf[..s.len()] {
        b"emerg" | b"emergency" | b"panic" => 0,
        b"alert" => 1,
        b"crit" | b"critical" | b"fatal" => 2,
        b"err" | b"error" => 3,
        b"warn" | b"warning" => 4,
        b"notice" | b"notif" | b"notification" => 5,
        b"info" | b"information" | b"informational" => 6,
        b"debug" | b"trace" | b"verbose" => 7,
        _ => return None,
    })
}

fn trim_end(mut raw: &[u8]) -> &[u8] {
    while let [rest @ .., b'\n' | b'\r' | b'\0'] = raw {
        raw = rest;
    }
    raw
}

fn decode<'a>(raw: &'a [u8], sink: &mut Sink) -> Cow<'a, str> {
    // the same check as `std::str::from_utf8`, with SIMD where the CPU has it
    if let Ok(s) = simdutf8::basic::from_utf8(raw) {
        return Cow::Borrowed(s);
    }
    if let Some(s) = encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(raw) {
        sink.note("decoded as gb18030");
        return Cow::Owned(s.into_owned());
    }
    sink.note("invalid utf-8 and gb18030; decoded lossily");
    String::from_utf8_lossy(raw)
}
