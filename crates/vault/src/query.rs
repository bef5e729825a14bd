//! Queries: time range, source/host/app/severity, text terms, limit, order.
//!
//! Only blocks whose time bounds (from the segment footer) and header
//! (sources, hosts, apps, severities, token filter) can match are read;
//! every candidate record is re-checked against its raw bytes; results are
//! streamed block by block.
//!
//! A record's time is its event time when the parser found one, else its
//! receive time. `from` is inclusive, `to` exclusive.

use std::collections::VecDeque;

use crate::block::BlockHeader;
use crate::store::{Store, StoredRecord};
use crate::tokens::{Term, token_set};

/// Result order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Order {
    /// Oldest (lowest seq) first.
    #[default]
    Oldest,
    /// Newest (highest seq) first.
    Newest,
}

/// A query. Empty filters match everything.
#[derive(Debug, Clone, Default)]
pub struct Query {
    /// Earliest time (ns), inclusive.
    pub from: Option<i64>,
    /// Latest time (ns), exclusive.
    pub to: Option<i64>,
    /// Any of these sources.
    pub sources: Vec<String>,
    /// Any of these hosts.
    pub hosts: Vec<String>,
    /// Any of these apps.
    pub apps: Vec<String>,
    /// Severity at most this (0 emergency … 7 debug); records without one do not match.
    pub max_severity: Option<u8>,
    /// All of these terms. A term matches a record when every token of the term is a token
    /// of the record (ASCII words, IPs and ids whole and in their alphanumeric parts; CJK
    /// ideographs one by one and in overlapping pairs) and the record contains the term as
    /// a case-insensitive (ASCII) substring: `10.52.75.119`, `sshd`, `登录失败` match; a
    /// fragment of a word such as `10.52` or `pass` does not.
    pub terms: Vec<String>,
    /// At most this many results.
    pub limit: Option<usize>,
    /// Order.
    pub order: Order,
}

impl Query {
    fn time_ok(&self, lo: i64, hi: i64) -> bool {
        self.from.is_none_or(|f| hi >= f) && self.to.is_none_or(|t| lo < t)
    }

    fn header_ok(&self, h: &BlockHeader, terms: &[Term]) -> bool {
        if !self.sources.is_empty() && !h.sources.iter().any(|s| self.sources.contains(s)) {
            return false;
        }
        if !self.hosts.is_empty()
            && h.hosts
                .as_ref()
                .is_some_and(|l| !l.iter().any(|s| self.hosts.contains(s)))
        {
            return false;
        }
        if !self.apps.is_empty()
            && h.apps
                .as_ref()
                .is_some_and(|l| !l.iter().any(|s| self.apps.contains(s)))
        {
            return false;
        }
        if let Some(m) = self.max_severity {
            let mask: u16 = (0..=m.min(7)).map(|s| 1u16 << s).sum();
            if h.severities & mask == 0 {
                return false;
            }
        }
        terms.iter().all(|t| t.may_be_in(&h.filter))
    }

    fn record_ok(&self, r: &StoredRecord, terms: &[Term]) -> bool {
        let p = r.parsed.as_ref();
        let t = p
            .and_then(|p| p.event_time)
            .map(crate::clock::to_ns)
            .unwrap_or(r.record.received_ns);
        if !self.time_ok(t, t) {
            return false;
        }
        if !self.sources.is_empty() && !self.sources.contains(&r.record.source) {
            return false;
        }
        if !self.hosts.is_empty()
            && !p
                .and_then(|p| p.host.as_ref())
                .is_some_and(|h| self.hosts.contains(h))
        {
            return false;
        }
        if !self.apps.is_empty()
            && !p
                .and_then(|p| p.app.as_ref())
                .is_some_and(|h| self.apps.contains(h))
        {
            return false;
        }
        if let Some(m) = self.max_severity
            && p.and_then(|p| p.severity).is_none_or(|s| s > m)
        {
            return false;
        }
        if terms.is_empty() {
            return true;
        }
        if !terms.iter().all(|t| t.may_match(&r.record.raw)) {
            return false;
        }
        let toks = token_set(&r.record.raw);
        terms.iter().all(|t| t.matches(&r.record.raw, &toks))
    }
}

enum Cand {
    Block(usize, usize),
    Unsealed,
}

/// Streaming query results; see [`query`].
pub struct QueryIter<'a> {
    store: &'a Store,
    q: Query,
    seqs: std::ops::Range<u64>,
    terms: Vec<Term>,
    cands: VecDeque<Cand>,
    buf: VecDeque<StoredRecord>,
    /// Indexes into [`Store::unsealed`] still to test: the unsealed tail is walked one record
    /// at a time (it can hold a whole segment's worth of records; a page needs a few).
    tail: Option<std::ops::Range<usize>>,
    returned: usize,
    /// Blocks read (decompressed) so far.
    pub blocks_read: usize,
    /// Blocks skipped by their header.
    pub blocks_skipped: usize,
    /// Unsealed records looked at so far (a page of the newest records looks at a page's
    /// worth, not at the whole tail).
    pub tail_read: usize,
}

/// Run a query. Errors reading a block are yielded as items.
pub fn query<'a>(store: &'a Store, q: &Query) -> QueryIter<'a> {
    query_seqs(store, q, 0..u64::MAX)
}

/// Run a query over the records with seq in `seqs` only; blocks outside the range are not
/// read. Cursor paging uses it: with [`Order::Newest`], the next page is `0..last_seq_shown`,
/// which records appended meanwhile (higher seqs) cannot shift.
pub fn query_seqs<'a>(store: &'a Store, q: &Query, seqs: std::ops::Range<u64>) -> QueryIter<'a> {
    let mut cands = VecDeque::new();
    for (si, s) in store.segments().iter().enumerate() {
        let ft = &s.file.footer;
        if !q.time_ok(ft.min_event, ft.max_event) {
            continue;
        }
        if !q.sources.is_empty() && !ft.sources.iter().any(|x| q.sources.contains(x)) {
            continue;
        }
        if ft.first_seq >= seqs.end || ft.first_seq + ft.count <= seqs.start {
            continue;
        }
        for (bi, b) in ft.blocks.iter().enumerate() {
            let in_range = b.first_seq < seqs.end && b.first_seq + u64::from(b.count) > seqs.start;
            if in_range && q.time_ok(b.min_event, b.max_event) {
                cands.push_back(Cand::Block(si, bi));
            }
        }
    }
    if !store.unsealed().is_empty() && store.sealed_end() < seqs.end && store.size() > seqs.start {
        cands.push_back(Cand::Unsealed);
    }
    if q.order == Order::Newest {
        cands = cands.into_iter().rev().collect();
    }
    QueryIter {
        store,
        terms: q.terms.iter().map(|t| Term::new(t)).collect(),
        q: q.clone(),
        seqs,
        cands,
        buf: VecDeque::new(),
        tail: None,
        returned: 0,
        blocks_read: 0,
        blocks_skipped: 0,
        tail_read: 0,
    }
}

impl QueryIter<'_> {
    /// The unsealed record at `i` when it is in the range and matches the query.
    fn tail_hit(&self, i: usize) -> Option<StoredRecord> {
        let r = &self.store.unsealed()[i];
        let lo = self.store.sealed_end().max(self.seqs.start);
        let hi = self.store.size().min(self.seqs.end);
        if !(lo..hi).contains(&r.seq) {
            return None;
        }
        // the cheap byte test before the record is parsed, as for blocks
        if !self.terms.iter().all(|t| t.may_match(&r.raw)) {
            return None;
        }
        let sr = StoredRecord {
            record: r.clone(),
            parsed: Some(crate::parse::parse_record(&r.raw, r.received_at())),
        };
        self.q.record_ok(&sr, &self.terms).then_some(sr)
    }
}

impl Iterator for QueryIter<'_> {
    type Item = crate::Result<StoredRecord>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.q.limit.is_some_and(|l| self.returned >= l) {
                return None;
            }
            if let Some(r) = self.buf.pop_front() {
                self.returned += 1;
                return Some(Ok(r));
            }
            if let Some(tail) = &mut self.tail {
                let next = if self.q.order == Order::Newest {
                    tail.next_back()
                } else {
                    tail.next()
                };
                match next {
                    Some(i) => {
                        self.tail_read += 1;
                        if let Some(sr) = self.tail_hit(i) {
                            self.returned += 1;
                            return Some(Ok(sr));
                        }
                    }
                    None => self.tail = None,
                }
                continue;
            }
            let c = self.cands.pop_front()?;
            let mut hits: Vec<StoredRecord> = Vec::new();
            match c {
                Cand::Block(si, bi) => {
                    let s = &self.store.segments()[si];
                    let (h, comp) = match s.file.read_block_header(bi) {
                        Ok(x) => x,
                        Err(e) => return Some(Err(e)),
                    };
                    if !self.q.header_ok(&h, &self.terms) {
                        self.blocks_skipped += 1;
                        continue;
                    }
                    self.blocks_read += 1;
                    let d = match crate::block::BlockData::decode(&h, &comp) {
                        Ok(d) => d,
                        Err(e) => {
                            return Some(Err(crate::Error::corrupt(
                                &s.file.path,
                                s.file.footer.blocks[bi].offset,
                                format!("block {bi}: {e}"),
                            )));
                        }
                    };
                    for r in d.records().flatten() {
                        if !self.seqs.contains(&r.seq) {
                            continue;
                        }
                        // Cheap byte test before the record is materialised.
                        if !self.terms.iter().all(|t| t.may_match(r.raw)) {
                            continue;
                        }
                        let sr = StoredRecord {
                            record: r.to_record(),
                            parsed: r.parsed(),
                        };
                        if self.q.record_ok(&sr, &self.terms) {
                            hits.push(sr);
                        }
                    }
                }
                Cand::Unsealed => {
                    self.tail = Some(0..self.store.unsealed().len());
                    continue;
                }
            }
            if self.q.order == Order::Newest {
                hits.reverse();
            }
            self.buf = hits.into();
        }
    }
}
