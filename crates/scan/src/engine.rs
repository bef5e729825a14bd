//! The scanner: directory walks, files, compressed streams and chunked
//! parallel scanning of large files.
//!
//! Memory is bounded: a file is read in chunks (`chunk_size`, default
//! 1 MiB: the findings of a chunk stay in cache until they are counted) cut
//! at a record boundary (newline, or a newline outside quotes for
//! CSV); at most `2 × threads` chunks are in flight. JSON documents (not
//! NDJSON) are read whole up to `max_json_size` and scanned as NDJSON-style
//! streams beyond it.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;
use std::sync::mpsc::{Receiver, sync_channel};
use std::sync::{Arc, Mutex};

use crate::decode::{self, Encoding};
use crate::formats::{self, ChunkOut, Format};
use crate::kind::Finding;
use crate::lexer::{DetectOptions, Detector};
use crate::report::{Asset, Report, Skipped, Staged};

/// Errors of the scanner. Messages never contain personal data or
/// passwords (database targets are shown masked).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading a path failed.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The path.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// A database could not be reached or queried.
    #[error("database {target}: {message}")]
    Db {
        /// The target with its password masked.
        target: String,
        /// What failed (password masked).
        message: String,
    },
    /// The target is not a path or a supported database URL.
    #[error("unsupported scan target {0}")]
    Target(String),
    /// A glob of [`ScanOptions::globs`] is not valid.
    #[error("invalid glob {glob:?}: {message}")]
    Glob {
        /// The glob as given.
        glob: String,
        /// What is wrong with it.
        message: String,
    },
}

/// Where a finding was made, passed to a [`Sink`].
#[derive(Debug, Clone, Copy)]
pub struct Hit<'a> {
    /// The dataset (path, table, vault source).
    pub source: &'a str,
    /// The field (column, key path), if any.
    pub field: Option<&'a str>,
    /// The row (database row, vault record sequence number), if any.
    pub row: Option<u64>,
    /// The finding; offsets are in the original bytes of the source (of the
    /// decompressed stream for `.gz`/`.zst`; of the value for database cells).
    pub finding: &'a Finding,
}

/// Receives findings as they are made (in source order per source) and
/// progress. Implementations must be thread-safe: directory scans call it
/// from several threads.
pub trait Sink: Sync {
    /// One finding.
    fn finding(&self, hit: &Hit<'_>) {
        let _ = hit;
    }
    /// Consecutive findings of one source, field and row, in order (the
    /// scanner passes a chunk's findings this way, one call per field run).
    /// The default calls [`Sink::finding`] for each; a sink that ignores
    /// findings can ignore the whole run at once.
    fn findings(&self, source: &str, field: Option<&str>, row: Option<u64>, findings: &[Finding]) {
        for f in findings {
            self.finding(&Hit {
                source,
                field,
                row,
                finding: f,
            });
        }
    }
    /// Source `source` (a file or a stream) is finished: the thread
    /// that calls this passes no more findings of it. Every finding of a
    /// file comes from the one thread that later calls this for it, so a
    /// sink can keep a file's findings together while several files are
    /// scanned at once. Database and vault scans pass their findings from
    /// one thread and do not call it.
    fn source_done(&self, source: &str) {
        let _ = source;
    }
    /// `bytes` more bytes were scanned.
    fn progress(&self, bytes: u64) {
        let _ = bytes;
    }
}

/// A sink that ignores everything.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoSink;

impl Sink for NoSink {}

/// Options of a scan.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// Detector options.
    pub detect: DetectOptions,
    /// Worker threads (default: available cores).
    pub threads: usize,
    /// Chunk size for large files.
    pub chunk_size: usize,
    /// JSON documents larger than this are scanned as streams.
    pub max_json_size: u64,
    /// Rows sampled per database table; `None` scans all rows.
    pub sample_rows: Option<u64>,
    /// Database statement timeout in milliseconds.
    pub statement_timeout_ms: u64,
    /// Directory walks: scan also what ignore files (`.gitignore`,
    /// `.ignore`, git's excludes) leave out.
    pub no_ignore: bool,
    /// Directory walks: globs as ripgrep's `--glob` takes them, matched
    /// against paths relative to the walked directory. When any glob lacks
    /// a leading `!`, only files matching one of those are scanned; a file
    /// matching a glob with `!` is never scanned. Later globs take
    /// precedence. Directories are always entered unless a `!` glob
    /// matches them.
    pub globs: Vec<String>,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            detect: DetectOptions::default(),
            threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
            chunk_size: 1 << 20,
            max_json_size: 256 << 20,
            sample_rows: Some(1000),
            statement_timeout_ms: 30_000,
            no_ignore: false,
            globs: Vec::new(),
        }
    }
}

/// The scanner: a detector plus options. Cheap to share across threads.
#[derive(Debug, Clone)]
pub struct Scanner {
    pub(crate) det: Detector,
    pub(crate) opts: ScanOptions,
}

struct Job {
    idx: u64,
    base: u64,
    raw: Vec<u8>,
    /// A recycled output buffer.
    out: ChunkOut,
}

struct Done {
    idx: u64,
    out: ChunkOut,
    bytes: u64,
    /// The chunk buffer, returned for reuse.
    raw: Vec<u8>,
}

/// Per-source accumulation.
struct Acc<'a> {
    source: &'a str,
    assets: Vec<Staged>,
    index: HashMap<String, usize>,
    rows: u64,
    bytes: u64,
}

impl<'a> Acc<'a> {
    fn new(source: &'a str) -> Acc<'a> {
        Acc {
            source,
            assets: Vec::new(),
            index: HashMap::new(),
            rows: 0,
            bytes: 0,
        }
    }

    fn take(&mut self, out: &ChunkOut, sink: &dyn Sink, row: Option<u64>) {
        // chunk field index -> asset index, resolved once per field and chunk
        let mut map: Vec<Option<usize>> = vec![None; out.fields.len().max(1)];
        let mut from = 0;
        for &(field, end) in &out.runs {
            let Some(run) = out.hits.get(from..end) else {
                break;
            };
            from = end;
            let fi = field as usize;
            let ai = match map.get(fi).copied().flatten() {
                Some(a) => a,
                None => {
                    let name = out.fields.get(fi).cloned().unwrap_or_default();
                    let a = *self.index.entry(name.clone()).or_insert_with(|| {
                        let field = (!name.is_empty()).then_some(name);
                        self.assets
                            .push(Staged::new(Asset::new(self.source, field)));
                        self.assets.len() - 1
                    });
                    if let Some(m) = map.get_mut(fi) {
                        *m = Some(a);
                    }
                    a
                }
            };
            let staged = &mut self.assets[ai];
            staged.add_run(run);
            sink.findings(self.source, staged.asset.field.as_deref(), row, run);
        }
        self.rows += out.rows;
    }
}

/// The message of a glob error without the glob itself (the caller names
/// it) and in lower case, as the crate's other errors.
fn glob_message(e: &ignore::Error) -> String {
    let m = match e {
        ignore::Error::Glob { err, .. } => err.clone(),
        other => other.to_string(),
    };
    m.to_lowercase()
}

/// The [`Skipped`] entry of a source whose reading failed.
fn read_error(name: &str, e: &std::io::Error) -> Skipped {
    Skipped {
        source: name.to_owned(),
        reason: format!("read error: {e}"),
        unreadable: true,
    }
}

fn is_alnum(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b >= 0x80
}

impl Scanner {
    /// A scanner with these options.
    pub fn new(opts: ScanOptions) -> Scanner {
        Scanner {
            det: Detector::new(opts.detect.clone()),
            opts,
        }
    }

    /// The detector.
    pub fn detector(&self) -> &Detector {
        &self.det
    }

    /// The options.
    pub fn options(&self) -> &ScanOptions {
        &self.opts
    }

    /// Scan a file or a directory tree (respecting `.gitignore`, `.ignore`
    /// and global git excludes; hidden files such as `.env` are scanned;
    /// `.git` is skipped; symbolic links are not followed). Unreadable files,
    /// and special files met in a tree (pipes, sockets, devices), are listed
    /// in [`Report::skipped`]. A `root` that is not a directory is read as
    /// a stream whatever its type, so a named pipe or `/dev/fd/N` given by
    /// name is scanned.
    pub fn scan_path(&self, root: &Path, sink: &dyn Sink) -> Result<Report, Error> {
        let meta = std::fs::metadata(root).map_err(|e| Error::Io {
            path: root.display().to_string(),
            source: e,
        })?;
        if !meta.is_dir() {
            let mut r = Report::default();
            self.file_into(
                root,
                &root.display().to_string(),
                self.opts.threads,
                sink,
                &mut r,
            );
            r.sort();
            return Ok(r);
        }
        // list the files first (sizes known), then share them out
        let mut report = Report::default();
        let mut files: Vec<(std::path::PathBuf, u64)> = Vec::new();
        let mut globs = ignore::overrides::OverrideBuilder::new(root);
        for g in &self.opts.globs {
            globs.add(g).map_err(|e| Error::Glob {
                glob: g.clone(),
                message: glob_message(&e),
            })?;
        }
        let globs = globs.build().map_err(|e| Error::Glob {
            glob: self.opts.globs.join(" "),
            message: glob_message(&e),
        })?;
        let use_ignores = !self.opts.no_ignore;
        let walker = ignore::WalkBuilder::new(root)
            .hidden(false)
            .require_git(false)
            .ignore(use_ignores)
            .git_ignore(use_ignores)
            .git_global(use_ignores)
            .git_exclude(use_ignores)
            .parents(use_ignores)
            .overrides(globs)
            .filter_entry(|e| e.file_name() != ".git")
            .build();
        for entry in walker {
            match entry {
                Ok(e) if e.file_type().is_some_and(|t| t.is_file()) => {
                    let len = e.metadata().map_or(0, |m| m.len());
                    files.push((e.into_path(), len));
                }
                // directories are walked, links not followed; what is left
                // (pipes, sockets, devices) could block or never end
                Ok(e)
                    if e.file_type()
                        .is_some_and(|t| !t.is_dir() && !t.is_symlink()) =>
                {
                    report.skipped.push(Skipped {
                        source: e.path().display().to_string(),
                        reason: "not a regular file (pipe, socket or device)".into(),
                        unreadable: false,
                    });
                }
                Ok(_) => {}
                Err(err) => report.skipped.push(Skipped {
                    source: root.display().to_string(),
                    reason: format!("walk error: {err}"),
                    unreadable: true,
                }),
            }
        }
        // largest first: the workers finish close together
        files.sort_by_key(|f| std::cmp::Reverse(f.1));
        let threads = self.opts.threads.max(1);
        let total: u64 = files.iter().map(|f| f.1).sum();
        // a file well above a worker's share (1.5×) is scanned alone, its
        // chunks on all workers; the others go one file per worker
        let big = files.partition_point(|f| {
            threads > 1
                && u128::from(f.1) * 2 * threads as u128 > 3 * u128::from(total)
                && f.1 > 4 * self.opts.chunk_size.max(4096) as u64
        });
        for (p, _) in &files[..big] {
            self.file_into(p, &p.display().to_string(), threads, sink, &mut report);
        }
        let rest = &files[big..];
        let next = std::sync::atomic::AtomicUsize::new(0);
        let shared = Mutex::new(report);
        let worker = || {
            loop {
                let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some((p, _)) = rest.get(k) else { break };
                let mut r = Report::default();
                self.file_into(p, &p.display().to_string(), 1, sink, &mut r);
                if let Ok(mut g) = shared.lock() {
                    g.extend(r);
                }
            }
        };
        if threads == 1 || rest.len() <= 1 {
            worker();
        } else {
            std::thread::scope(|sc| {
                for _ in 0..threads.min(rest.len()) {
                    sc.spawn(worker);
                }
            });
        }
        let mut r = shared.into_inner().unwrap_or_default();
        r.sort();
        Ok(r)
    }

    fn file_into(
        &self,
        path: &Path,
        name: &str,
        threads: usize,
        sink: &dyn Sink,
        report: &mut Report,
    ) {
        let file = match std::fs::File::open(path) {
            Ok(f) => f,
            Err(e) => {
                report.skipped.push(Skipped {
                    source: name.to_owned(),
                    reason: format!("cannot open: {}", e.kind()),
                    unreadable: true,
                });
                return;
            }
        };
        let lower = name.to_ascii_lowercase();
        let res = if let Some(inner) = lower.strip_suffix(".gz") {
            self.reader_into(
                flate2::read::MultiGzDecoder::new(file),
                name,
                inner,
                threads,
                sink,
                report,
            )
        } else if let Some(inner) = lower.strip_suffix(".zst") {
            match zstd::stream::read::Decoder::new(file) {
                Ok(d) => self.reader_into(d, name, inner, threads, sink, report),
                Err(e) => Err(e),
            }
        } else {
            self.reader_into(file, name, &lower, threads, sink, report)
        };
        if let Err(e) = res {
            report.skipped.push(read_error(name, &e));
        }
        sink.source_done(name);
    }

    /// Scan a stream (standard input, a pipe) as source `name`, its format
    /// guessed from the name's extension as for a file; chunks are scanned
    /// on the worker threads and memory stays bounded as for a file. A read
    /// error is listed in [`Report::skipped`] with what was read before it
    /// counted.
    pub fn scan_reader(&self, name: &str, rd: impl Read, sink: &dyn Sink) -> Report {
        self.stream_report(name, rd, self.opts.threads, sink)
    }

    /// A stream scanned alone as source `name` on up to `threads` threads:
    /// its report, a read error listed in [`Report::skipped`].
    fn stream_report(&self, name: &str, rd: impl Read, threads: usize, sink: &dyn Sink) -> Report {
        let mut r = Report::default();
        let lower = name.to_ascii_lowercase();
        if let Err(e) = self.reader_into(rd, name, &lower, threads, sink, &mut r) {
            r.skipped.push(read_error(name, &e));
        }
        sink.source_done(name);
        r.sort();
        r
    }

    /// Scan an in-memory buffer as source `name` (its format guessed from the
    /// name's extension).
    pub fn scan_bytes(&self, name: &str, bytes: &[u8], sink: &dyn Sink) -> Report {
        self.stream_report(name, bytes, 1, sink)
    }

    /// Scan one record (a log line, a database cell) of `source` and add its
    /// findings to `asset`; `row` is passed to the sink.
    pub fn scan_record(
        &self,
        asset: &mut Asset,
        text: &[u8],
        row: Option<u64>,
        sink: &dyn Sink,
        tmp: &mut Vec<Finding>,
    ) {
        self.record_findings(asset.field.as_deref(), text, tmp);
        for f in tmp.iter() {
            asset.add(f);
        }
        sink.findings(&asset.source, asset.field.as_deref(), row, tmp);
    }

    /// The findings of one record (`out` is cleared first), with offsets in
    /// its bytes; `field` gives context as a column name does. What
    /// [`Scanner::scan_record`] counts and reports, for callers that scan
    /// records on several threads and report them in order.
    pub fn record_findings(&self, field: Option<&str>, text: &[u8], tmp: &mut Vec<Finding>) {
        tmp.clear();
        let hint = field.map(|f| self.det.hint(f)).unwrap_or_default();
        let (enc, bom) = decode::sniff(text);
        if enc == Encoding::Utf8 {
            self.det.scan(&text[bom..], hint, tmp);
            for f in tmp.iter_mut() {
                f.start += bom as u64;
                f.end += bom as u64;
            }
        } else {
            let d = decode::decode(&text[bom..], enc);
            self.det.scan(&d.text, hint, tmp);
            for f in tmp.iter_mut() {
                f.start = d.orig(f.start as usize) + bom as u64;
                f.end = d.orig(f.end as usize) + bom as u64;
            }
        }
    }

    fn reader_into<R: Read>(
        &self,
        mut rd: R,
        name: &str,
        inner: &str,
        threads: usize,
        sink: &dyn Sink,
        report: &mut Report,
    ) -> std::io::Result<()> {
        report.sources += 1;
        let chunk = self.opts.chunk_size.max(4096);
        let mut head = Vec::with_capacity(chunk);
        let eof = fill(&mut rd, &mut head, chunk)?;
        if head.starts_with(b"PK\x03\x04") {
            // xlsx/docx: read whole (bounded) and walk the XML inside
            let limit = self.opts.max_json_size as usize;
            let mut all = head;
            let mut eof = eof;
            while !eof && all.len() < limit {
                let want = limit.min(all.len() + chunk * 4);
                eof = fill(&mut rd, &mut all, want)?;
            }
            let res = if eof {
                self.scan_office(name, &all, sink, report)
            } else {
                Err("zip container larger than the in-memory limit".to_owned())
            };
            sink.progress(all.len() as u64);
            if let Err(reason) = res {
                report.skipped.push(Skipped {
                    source: name.to_owned(),
                    reason,
                    unreadable: true,
                });
            }
            return Ok(());
        }
        let (enc, bom) = decode::sniff(&head);
        if decode::looks_binary(&head, enc) {
            report.skipped.push(Skipped {
                source: name.to_owned(),
                reason: "binary file".to_owned(),
                unreadable: false,
            });
            return Ok(());
        }
        let mut format = Format::from_name(inner);
        let mut acc = Acc::new(name);
        let mut base = bom as u64;
        // the head without its BOM (no copy when there is none)
        let mut carry: Vec<u8> = if bom == 0 { head } else { head.split_off(bom) };
        let mut eof = eof;
        if format == Format::Json {
            // whole document if it fits
            if !eof {
                let limit = self.opts.max_json_size as usize;
                while !eof && carry.len() < limit {
                    let want = limit.min(carry.len() + chunk * 4);
                    eof = fill(&mut rd, &mut carry, want)?;
                }
            }
            if !eof {
                format = Format::Ndjson;
            }
        }
        // CSV header
        let mut header: Arc<Vec<String>> = Arc::new(Vec::new());
        if let Format::Csv(sep) = format {
            let d = decode::decode(&carry, enc);
            let (names, end) = formats::csv_header(&d.text, sep);
            let orig_end = d.orig(end) as usize;
            header = Arc::new(names);
            carry.drain(..orig_end);
            base += orig_end as u64;
            acc.rows = 0;
        }
        // scan one chunk into `out` (reused: its buffers are kept), offsets
        // shifted by `base`
        let work = |raw: &[u8], base: u64, out: &mut ChunkOut| {
            // UTF-8 is scanned in place; other encodings are decoded with a map
            let d = if enc == Encoding::Utf8 {
                decode::Decoded::default()
            } else {
                decode::decode(raw, enc)
            };
            let text: &[u8] = if enc == Encoding::Utf8 { raw } else { &d.text };
            match &format {
                Format::Text => formats::scan_text_into(&self.det, text, out),
                Format::Csv(sep) => formats::scan_csv_into(&self.det, text, *sep, &header, out),
                Format::Json | Format::Ndjson => formats::scan_json_into(&self.det, text, out),
                Format::Sql => formats::scan_sql_into(&self.det, text, out),
            }
            let hits = out.findings_mut();
            if !d.map.is_empty() {
                for f in hits.iter_mut() {
                    f.start = d.orig(f.start as usize) + base;
                    f.end = d.orig(f.end as usize) + base;
                }
            } else if base != 0 {
                for f in hits.iter_mut() {
                    f.start += base;
                    f.end += base;
                }
            }
        };
        let cut = |buf: &[u8], eof: bool| -> usize {
            if eof {
                return buf.len();
            }
            let c = match (&format, enc) {
                (_, Encoding::Utf16Le) => (0..buf.len() / 2)
                    .rev()
                    .find(|&k| buf[2 * k] == b'\n' && buf[2 * k + 1] == 0)
                    .map_or(0, |k| 2 * k + 2),
                (_, Encoding::Utf16Be) => (0..buf.len() / 2)
                    .rev()
                    .find(|&k| buf[2 * k + 1] == b'\n' && buf[2 * k] == 0)
                    .map_or(0, |k| 2 * k + 2),
                (Format::Csv(_), _) => formats::csv_cut(buf),
                _ => memchr::memrchr(b'\n', buf).map_or(0, |p| p + 1),
            };
            if c > 0 {
                return c;
            }
            // no record boundary in the whole chunk: cut where no value can
            // straddle, else before a trailing token
            let mut c = buf.len();
            if matches!(enc, Encoding::Utf16Le | Encoding::Utf16Be) {
                return c & !1;
            }
            if let Some(q) = quiet_cut(buf) {
                return q;
            }
            let lim = c.saturating_sub(256);
            while c > lim && is_alnum(buf[c - 1]) {
                c -= 1;
            }
            if c == lim { buf.len() } else { c }
        };
        let mut idx = 0u64;
        if format == Format::Json || threads <= 1 {
            let mut out = ChunkOut::default();
            loop {
                let c = cut(&carry, eof);
                work(&carry[..c], base, &mut out);
                sink.progress(c as u64);
                acc.bytes += c as u64;
                acc.take(&out, sink, None);
                base += c as u64;
                // keep the buffer: move the unfinished tail to the front
                carry.drain(..c);
                if eof && carry.is_empty() {
                    break;
                }
                if !eof {
                    let want = carry.len() + chunk;
                    eof = fill(&mut rd, &mut carry, want)?;
                }
            }
        } else {
            let (job_tx, job_rx) = sync_channel::<Job>(threads);
            let job_rx: Mutex<Receiver<Job>> = Mutex::new(job_rx);
            let (done_tx, done_rx) = sync_channel::<Done>(threads * 2);
            let mut pending: std::collections::BTreeMap<u64, Done> =
                std::collections::BTreeMap::new();
            let mut next = 0u64;
            let mut free: Vec<Vec<u8>> = Vec::new();
            let mut free_out: Vec<ChunkOut> = Vec::new();
            let mut io_err = None;
            std::thread::scope(|sc| {
                for _ in 0..threads {
                    let done_tx = done_tx.clone();
                    let job_rx = &job_rx;
                    let work = &work;
                    sc.spawn(move || {
                        loop {
                            let job = match job_rx.lock() {
                                Ok(g) => g.recv(),
                                Err(_) => break,
                            };
                            let Ok(mut job) = job else { break };
                            work(&job.raw, job.base, &mut job.out);
                            let out = job.out;
                            if done_tx
                                .send(Done {
                                    idx: job.idx,
                                    out,
                                    bytes: job.raw.len() as u64,
                                    raw: job.raw,
                                })
                                .is_err()
                            {
                                break;
                            }
                        }
                    });
                }
                drop(done_tx);
                let emit = |d: Done,
                            acc: &mut Acc<'_>,
                            pending: &mut std::collections::BTreeMap<u64, Done>,
                            next: &mut u64,
                            free: &mut Vec<Vec<u8>>,
                            free_out: &mut Vec<ChunkOut>| {
                    pending.insert(d.idx, d);
                    while let Some(d) = pending.remove(next) {
                        sink.progress(d.bytes);
                        acc.bytes += d.bytes;
                        acc.take(&d.out, sink, None);
                        *next += 1;
                        if free.len() < threads * 2 {
                            free.push(d.raw);
                        }
                        if free_out.len() < threads * 2 {
                            free_out.push(d.out);
                        }
                    }
                };
                loop {
                    let c = cut(&carry, eof);
                    // reuse a returned buffer for the tail and the next read
                    let mut next_buf = free
                        .pop()
                        .unwrap_or_else(|| Vec::with_capacity(chunk + 4096));
                    next_buf.clear();
                    next_buf.extend_from_slice(&carry[c..]);
                    carry.truncate(c);
                    let raw = std::mem::replace(&mut carry, next_buf);
                    let len = raw.len() as u64;
                    let mut job = Job {
                        idx,
                        base,
                        raw,
                        out: free_out.pop().unwrap_or_default(),
                    };
                    idx += 1;
                    base += len;
                    // send, collecting finished chunks while the queue is full
                    loop {
                        match job_tx.try_send(job) {
                            Ok(()) => break,
                            Err(std::sync::mpsc::TrySendError::Full(j)) => {
                                job = j;
                                if let Ok(d) =
                                    done_rx.recv_timeout(std::time::Duration::from_millis(50))
                                {
                                    emit(
                                        d,
                                        &mut acc,
                                        &mut pending,
                                        &mut next,
                                        &mut free,
                                        &mut free_out,
                                    );
                                }
                            }
                            Err(std::sync::mpsc::TrySendError::Disconnected(_)) => break,
                        }
                    }
                    while let Ok(d) = done_rx.try_recv() {
                        emit(
                            d,
                            &mut acc,
                            &mut pending,
                            &mut next,
                            &mut free,
                            &mut free_out,
                        );
                    }
                    if eof && carry.is_empty() {
                        break;
                    }
                    if !eof {
                        let want = carry.len() + chunk;
                        match fill(&mut rd, &mut carry, want) {
                            Ok(e) => eof = e,
                            Err(e) => {
                                io_err = Some(e);
                                break;
                            }
                        }
                    }
                }
                drop(job_tx);
                while let Ok(d) = done_rx.recv() {
                    emit(
                        d,
                        &mut acc,
                        &mut pending,
                        &mut next,
                        &mut free,
                        &mut free_out,
                    );
                }
            });
            if let Some(e) = io_err {
                return Err(e);
            }
        }
        report.bytes += acc.bytes + bom as u64;
        report.rows += acc.rows;
        report.assets.extend(acc.assets.into_iter().map(|a| {
            let mut a = a.finish();
            a.compact();
            a
        }));
        Ok(())
    }
}

/// A cut for a chunk without a record boundary: the last offset in its
/// final 64 KiB in the middle of 32 bytes without an ASCII alphanumeric, `@`
/// or full-width lead byte (`0xEF`), at a UTF-8 character boundary. No token
/// or value straddles it (long lines of Chinese text, minified markup).
fn quiet_cut(buf: &[u8]) -> Option<usize> {
    const W: usize = 16;
    let lo = buf.len().saturating_sub(64 << 10);
    let mut run = 0usize;
    for k in (lo..buf.len()).rev() {
        let b = buf[k];
        if b.is_ascii_alphanumeric() || b == b'@' || b == 0xEF {
            run = 0;
            continue;
        }
        run += 1;
        if run >= 2 * W {
            // buf[k..k + 2W] is quiet: a character boundary near its middle
            let mut p = k + W;
            while p < k + 2 * W - 4 && buf[p] & 0xC0 == 0x80 {
                p += 1;
            }
            if buf[p] & 0xC0 != 0x80 {
                return Some(p);
            }
        }
    }
    None
}

/// Read until `buf` holds `want` bytes or the reader ends; returns whether it ended.
fn fill<R: Read>(rd: &mut R, buf: &mut Vec<u8>, want: usize) -> std::io::Result<bool> {
    let start = buf.len();
    if want <= start {
        return Ok(false);
    }
    buf.reserve(want - start);
    // reads into the spare capacity without zeroing it first
    rd.by_ref().take((want - start) as u64).read_to_end(buf)?;
    Ok(buf.len() < want)
}
