//! Batch ingest of newline-framed logs: framing and commit policy.
//!
//! [`ingest_lines`] reads a byte stream, cuts it into records at `\n`
//! (a trailing `\r` is dropped, empty lines are counted and skipped, a last
//! line without a newline is a record too) and appends each record to a
//! [`Vault`] straight from the read buffer. The records of one read share
//! one receive time: they arrived together.
//!
//! A line longer than [`MAX_RECORD_BYTES`] is refused before it is read to
//! the end, naming its line number; what came before it is appended and
//! stays appended (the caller commits it). The [`CommitPolicy`] signs a
//! checkpoint now and then during a long input, so that a crash in the middle
//! of a large file loses at most about a second of acknowledged work; the
//! caller commits once more at the end.
//!
//! ```
//! use vault::ingest::{CommitPolicy, IngestStats, Origin, ingest_lines};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let dir = std::env::temp_dir().join(format!("vault-ingest-doc-{}", std::process::id()));
//! # let _ = std::fs::remove_dir_all(&dir);
//! let mut v = vault::Vault::init(&dir, &vault::InitOptions::default())?;
//! let o = Origin { source: "fw1", peer: "file:fw1.log", transport: "file" };
//! let mut st = IngestStats::default();
//! ingest_lines(&mut v, &o, &b"one\r\n\ntwo"[..], &CommitPolicy::default(), &mut st, &mut |_| {})?;
//! v.commit()?;
//! assert_eq!((st.records, st.empty), (2, 1));
//! # drop(v);
//! # std::fs::remove_dir_all(&dir).ok();
//! # Ok(()) }
//! ```

use std::io::{BufRead, BufReader, Read};
use std::time::{Duration, Instant};

use crate::{Incoming, MAX_RECORD_BYTES, Vault};

/// Source, peer and transport recorded with every record of one input.
#[derive(Debug, Clone, Copy)]
pub struct Origin<'a> {
    /// Source name.
    pub source: &'a str,
    /// Peer address (for a file, conventionally `file:PATH`).
    pub peer: &'a str,
    /// Transport (`file`, `stdin`, …).
    pub transport: &'a str,
}

/// What an ingest did; accumulates over several inputs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IngestStats {
    /// Records appended.
    pub records: u64,
    /// Empty lines skipped.
    pub empty: u64,
}

/// When a long ingest signs an intermediate checkpoint.
///
/// After every `every_records` records, a commit (fsync and signed
/// checkpoint) is made if at least `min_interval` has passed since the last
/// one. In between the vault writes nothing but the segments it seals (each
/// compressed block once, see [`crate::Vault::append`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommitPolicy {
    /// Records between looks at the clock (at least 1).
    pub every_records: u64,
    /// Least time between two commits.
    pub min_interval: Duration,
}

impl Default for CommitPolicy {
    /// A signed checkpoint about every second of a long ingest, the clock
    /// read every 4096 records.
    fn default() -> Self {
        CommitPolicy {
            every_records: 4096,
            min_interval: Duration::from_secs(1),
        }
    }
}

/// Why an ingest stopped in the middle of an input. Everything appended
/// before it stays appended.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// A line is longer than [`MAX_RECORD_BYTES`]; `len` is how much of it
    /// was read before it was refused (at least the limit plus one).
    #[error(
        "line {line}: record too large ({len} bytes or more, the limit is {MAX_RECORD_BYTES} bytes)"
    )]
    TooLarge {
        /// Line number, from 1.
        line: u64,
        /// Bytes of the line seen.
        len: usize,
    },
    /// The input could not be read.
    #[error("read failed: {0}")]
    Read(#[source] std::io::Error),
    /// The vault refused a record or a commit.
    #[error("line {line}: {error}")]
    Vault {
        /// Line number, from 1, of the record being stored.
        line: u64,
        /// The vault's error.
        #[source]
        error: crate::Error,
    },
}

impl IngestError {
    /// The line number (from 1) concerned, if the error is about a line.
    pub fn line(&self) -> Option<u64> {
        match self {
            IngestError::TooLarge { line, .. } | IngestError::Vault { line, .. } => Some(*line),
            IngestError::Read(_) => None,
        }
    }
}

/// Bytes read at a time: small enough that the read buffer stays in the
/// core's L2 cache while its lines are framed (a 1 MiB buffer did not).
const READ_BUF: usize = 128 << 10;

fn now_ns() -> i64 {
    crate::clock::to_ns(time::OffsetDateTime::now_utc())
}

/// Append every line of `r` to `v` as a record of origin `o`, counting in
/// `st` and committing by `policy`; `progress` is called with the number of
/// bytes of each read. Does not commit at the end: the caller does, also
/// after an error (what was appended before it is kept).
pub fn ingest_lines(
    v: &mut Vault,
    o: &Origin<'_>,
    r: impl Read,
    policy: &CommitPolicy,
    st: &mut IngestStats,
    progress: &mut dyn FnMut(u64),
) -> Result<(), IngestError> {
    let every = policy.every_records.max(1);
    let mut rd = BufReader::with_capacity(READ_BUF, r);
    // the start of a line that the previous read cut
    let mut carry: Vec<u8> = Vec::new();
    let mut n = 0u64;
    let mut line_no = 0u64;
    let mut last_commit = Instant::now();
    let mut one = |v: &mut Vault, line: &[u8], received: i64, line_no: u64| {
        let l = line.strip_suffix(b"\r").unwrap_or(line);
        if l.is_empty() {
            st.empty += 1;
            return Ok(());
        }
        if l.len() > MAX_RECORD_BYTES {
            return Err(IngestError::TooLarge {
                line: line_no,
                len: l.len(),
            });
        }
        let lib = |error| IngestError::Vault {
            line: line_no,
            error,
        };
        v.append(&Incoming {
            received_ns: received,
            source: o.source,
            peer: o.peer,
            transport: o.transport,
            raw: l,
        })
        .map_err(lib)?;
        st.records += 1;
        n += 1;
        if n.is_multiple_of(every) && last_commit.elapsed() >= policy.min_interval {
            v.commit().map_err(lib)?;
            last_commit = Instant::now();
        }
        Ok(())
    };
    loop {
        let buf = match rd.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(IngestError::Read(e)),
        };
        if buf.is_empty() {
            break;
        }
        // the lines of one read arrived together
        let received = now_ns();
        progress(buf.len() as u64);
        // lines go to the vault straight from the read buffer
        let mut start = 0;
        for nl in memchr::memchr_iter(b'\n', buf) {
            line_no += 1;
            if carry.is_empty() {
                one(v, &buf[start..nl], received, line_no)?;
            } else {
                carry.extend_from_slice(&buf[start..nl]);
                one(v, &carry, received, line_no)?;
                carry.clear();
            }
            start = nl + 1;
        }
        carry.extend_from_slice(&buf[start..]);
        // a line longer than any record may be is refused before it is all read
        if carry.len() > MAX_RECORD_BYTES + 1 {
            return Err(IngestError::TooLarge {
                line: line_no + 1,
                len: carry.len(),
            });
        }
        let len = buf.len();
        rd.consume(len);
    }
    if !carry.is_empty() {
        one(v, &carry, now_ns(), line_no + 1)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{InitOptions, Store};

    /// A reader that hands out at most `chunk` bytes per read.
    struct Chunks<'a> {
        data: &'a [u8],
        chunk: usize,
    }

    impl Read for Chunks<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.chunk.min(buf.len()).min(self.data.len());
            buf[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    const O: Origin<'static> = Origin {
        source: "src",
        peer: "file:x.log",
        transport: "file",
    };

    fn raws(dir: &std::path::Path) -> Vec<Vec<u8>> {
        let store = Store::open(dir).unwrap();
        crate::query(&store, &crate::Query::default())
            .map(|r| r.unwrap().record.raw)
            .collect()
    }

    fn run(input: &[u8], chunk: usize) -> (IngestStats, Vec<Vec<u8>>) {
        let d = tempfile::tempdir().unwrap();
        let mut v = Vault::init(d.path(), &InitOptions::default()).unwrap();
        let mut st = IngestStats::default();
        let mut bytes = 0;
        let r = Chunks { data: input, chunk };
        ingest_lines(&mut v, &O, r, &CommitPolicy::default(), &mut st, &mut |n| {
            bytes += n
        })
        .unwrap();
        assert_eq!(bytes, input.len() as u64);
        v.commit().unwrap();
        drop(v);
        (st, raws(d.path()))
    }

    #[test]
    fn framing_is_the_same_whatever_the_read_size() {
        let input = b"a\r\nbb\n\n\r\nccc\r\r\nlast";
        let want: Vec<Vec<u8>> = vec![
            b"a".to_vec(),
            b"bb".to_vec(),
            b"ccc\r".to_vec(),
            b"last".to_vec(),
        ];
        for chunk in [1, 2, 3, 5, 64] {
            let (st, got) = run(input, chunk);
            assert_eq!(got, want, "chunk {chunk}");
            assert_eq!(
                st,
                IngestStats {
                    records: 4,
                    empty: 2
                },
                "chunk {chunk}"
            );
        }
    }

    #[test]
    fn a_lone_carriage_return_is_an_empty_line_and_nothing_is_no_record() {
        assert_eq!(run(b"", 7), (IngestStats::default(), vec![]));
        assert_eq!(
            run(b"\r", 7),
            (
                IngestStats {
                    records: 0,
                    empty: 1
                },
                vec![]
            )
        );
    }

    #[test]
    fn an_overlong_line_is_refused_with_its_number_and_what_came_before_stays() {
        let d = tempfile::tempdir().unwrap();
        let mut v = Vault::init(d.path(), &InitOptions::default()).unwrap();
        let mut input = b"ok\n\nfine\n".to_vec();
        input.extend(std::iter::repeat_n(b'x', MAX_RECORD_BYTES + 10));
        input.extend_from_slice(b"\nnever\n");
        let mut st = IngestStats::default();
        let e = ingest_lines(
            &mut v,
            &O,
            &input[..],
            &CommitPolicy::default(),
            &mut st,
            &mut |_| {},
        )
        .unwrap_err();
        assert!(
            matches!(e, IngestError::TooLarge { line: 4, len } if len > MAX_RECORD_BYTES),
            "{e:?}"
        );
        assert_eq!(e.line(), Some(4));
        assert!(e.to_string().starts_with("line 4: record too large"), "{e}");
        v.commit().unwrap();
        drop(v);
        assert_eq!(raws(d.path()), vec![b"ok".to_vec(), b"fine".to_vec()]);
        assert_eq!(
            st,
            IngestStats {
                records: 2,
                empty: 1
            }
        );
    }

    #[test]
    fn a_line_of_exactly_the_limit_is_stored() {
        let mut input = vec![b'y'; MAX_RECORD_BYTES];
        input.extend_from_slice(b"\r\n");
        let (st, got) = run(&input, 1 << 16);
        assert_eq!(st.records, 1);
        assert_eq!(got[0].len(), MAX_RECORD_BYTES);
    }

    #[test]
    fn the_policy_commits_during_a_long_input() {
        let d = tempfile::tempdir().unwrap();
        let mut v = Vault::init(d.path(), &InitOptions::default()).unwrap();
        let mut st = IngestStats::default();
        let policy = CommitPolicy {
            every_records: 2,
            min_interval: Duration::ZERO,
        };
        ingest_lines(
            &mut v,
            &O,
            &b"1\n2\n3\n4\n5\n"[..],
            &policy,
            &mut st,
            &mut |_| {},
        )
        .unwrap();
        // committed after the 2nd and the 4th record, not yet after the 5th
        assert_eq!(v.committed().0, 4);
        // the default policy does not commit 5 records
        let mut st = IngestStats::default();
        let p = CommitPolicy::default();
        ingest_lines(&mut v, &O, &b"6\n7\n"[..], &p, &mut st, &mut |_| {}).unwrap();
        assert_eq!(v.committed().0, 4);
        v.commit().unwrap();
        assert_eq!(v.committed().0, 7);
    }

    #[test]
    fn a_read_error_stops_the_ingest() {
        struct Broken;
        impl Read for Broken {
            fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
                Err(std::io::Error::other("disk on fire"))
            }
        }
        let d = tempfile::tempdir().unwrap();
        let mut v = Vault::init(d.path(), &InitOptions::default()).unwrap();
        let mut st = IngestStats::default();
        let e = ingest_lines(
            &mut v,
            &O,
            Broken,
            &CommitPolicy::default(),
            &mut st,
            &mut |_| {},
        )
        .unwrap_err();
        assert!(matches!(e, IngestError::Read(_)));
        assert_eq!(e.line(), None);
        assert_eq!(e.to_string(), "read failed: disk on fire");
    }
}
