//! Syslog over TCP/TLS framing (RFC 6587 octet counting and LF), decided per connection.
//!
//! The first frame of a connection decides: a digit `1`–`9` followed by digits and a space
//! (`123 <34>1 …`) means octet counting (RFC 5425/6587 §3.4.1), anything else means
//! non-transparent framing, one message per line (RFC 6587 §3.4.2; a trailing CR is dropped;
//! NUL also ends a message, as Python's `SysLogHandler` and some devices send it).
//! On an octet-counting connection, LF, CR and NUL bytes between frames are skipped, and a
//! frame without a valid length prefix is taken as one line and counted as a broken frame.
//!
//! Messages longer than the limit are cut to the limit (the rest is discarded) and marked
//! [`Frame::truncated`]. Empty lines are skipped. The decoder never fails and never panics;
//! it is a pure function of its input, fuzzable through [`split_frames`].

use bytes::{Bytes, BytesMut};

/// The framing of a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// RFC 6587 §3.4.1: `MSG-LEN SP SYSLOG-MSG`.
    OctetCounting,
    /// RFC 6587 §3.4.2: messages end at LF (or NUL).
    Lf,
}

/// One decoded message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    /// The message bytes, without framing: a slice of the decoder's
    /// buffer, shared with the other messages of the same read (no
    /// allocation per message).
    pub data: Bytes,
    /// The message was longer than the limit and was cut.
    pub truncated: bool,
    /// An octet-counting frame whose length prefix was missing or broken (taken as a line).
    pub bad_frame: bool,
}

/// The decoder gathers messages in buffers of up to this size; each message
/// is split off as a [`Bytes`] sharing it.
const CHUNK: usize = 256 * 1024;

/// The smallest such buffer: a connection that sends little holds little.
const MIN_CHUNK: usize = 4 * 1024;

/// Longest length prefix accepted (10 digits is over 4 GB).
const MAX_LEN_DIGITS: usize = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Between frames.
    Start,
    /// Inside an octet-counted frame with this many message bytes left to read.
    Counted { left: usize, truncated: bool },
    /// Inside a line; `bad` when it is a broken octet frame.
    Line { truncated: bool, bad: bool },
}

/// Incremental decoder: feed it what the socket delivered, get whole messages out.
#[derive(Debug, Clone)]
pub struct FrameDecoder {
    max: usize,
    framing: Option<Framing>,
    state: State,
    /// The message being received (the messages before it were split off).
    cur: BytesMut,
    /// Size of the next buffer: twice the last read, between [`MIN_CHUNK`] and [`CHUNK`].
    chunk: usize,
}

impl FrameDecoder {
    /// A decoder that cuts messages at `max` bytes (at least 1).
    pub fn new(max: usize) -> FrameDecoder {
        FrameDecoder {
            max: max.max(1),
            framing: None,
            state: State::Start,
            cur: BytesMut::new(),
            chunk: MIN_CHUNK,
        }
    }

    /// Bytes of buffer this decoder holds (what a connection charges for it).
    pub fn buffered(&self) -> usize {
        self.cur.capacity()
    }

    /// Let go of the buffer between messages (an idle connection holds none); nothing
    /// changes while a message is partly received.
    pub fn release(&mut self) {
        if !self.in_frame() {
            self.cur = BytesMut::new();
            self.chunk = MIN_CHUNK;
        }
    }

    /// The framing detected so far (`None` before the first frame).
    pub fn framing(&self) -> Option<Framing> {
        self.framing
    }

    /// Whether a message is partly received (for slow-sender timeouts).
    pub fn in_frame(&self) -> bool {
        self.state != State::Start || !self.cur.is_empty()
    }

    fn push_bytes(&mut self, b: &[u8], truncated: &mut bool) {
        let room = self.max.saturating_sub(self.cur.len());
        if b.len() > room {
            *truncated = true;
        }
        let take = &b[..b.len().min(room)];
        if self.cur.capacity() - self.cur.len() < take.len() {
            self.cur.reserve(take.len().max(self.chunk));
        }
        self.cur.extend_from_slice(take);
    }

    fn emit(&mut self, out: &mut Vec<Frame>, truncated: bool, bad_frame: bool) {
        if (self.framing != Some(Framing::OctetCounting) || bad_frame)
            && self.cur.last() == Some(&b'\r')
            && !truncated
        {
            self.cur.truncate(self.cur.len() - 1);
        }
        let data = self.cur.split().freeze();
        if !data.is_empty() || truncated || bad_frame {
            out.push(Frame {
                data,
                truncated,
                bad_frame,
            });
        }
        self.state = State::Start;
    }

    /// Parse a length prefix at the start of `buf`: `Some(Ok((len, prefix_bytes)))` when
    /// complete, `Some(Err(()))` when it cannot be one, `None` when more bytes are needed.
    fn length_prefix(buf: &[u8]) -> Option<Result<(usize, usize), ()>> {
        let digits = buf.iter().take_while(|b| b.is_ascii_digit()).count();
        if digits == 0 || buf[0] == b'0' || digits > MAX_LEN_DIGITS {
            return Some(Err(()));
        }
        match buf.get(digits) {
            None => None,
            Some(b' ') => {
                let s = std::str::from_utf8(&buf[..digits]).map_err(|_| ());
                let n = s.and_then(|s| s.parse::<usize>().map_err(|_| ()));
                Some(n.map(|n| (n, digits + 1)))
            }
            Some(_) => Some(Err(())),
        }
    }

    /// Decode the complete messages at the front of `buf`, appending them to `out`; returns
    /// how many bytes of `buf` were consumed (the rest must be offered again, with more).
    pub fn decode(&mut self, buf: &[u8], out: &mut Vec<Frame>) -> usize {
        self.chunk = buf
            .len()
            .saturating_mul(2)
            .next_power_of_two()
            .clamp(MIN_CHUNK, CHUNK);
        let mut i = 0;
        while i < buf.len() {
            match self.state {
                State::Start => {
                    let rest = &buf[i..];
                    if self.framing == Some(Framing::OctetCounting)
                        && matches!(rest[0], b'\n' | b'\r' | 0)
                    {
                        i += 1;
                        continue;
                    }
                    if self.framing != Some(Framing::Lf) && rest[0] == b'\n' {
                        i += 1;
                        continue;
                    }
                    let try_count = self.framing != Some(Framing::Lf);
                    if try_count {
                        match Self::length_prefix(rest) {
                            None => return i,
                            Some(Ok((len, used))) => {
                                self.framing = Some(Framing::OctetCounting);
                                i += used;
                                self.state = State::Counted {
                                    left: len,
                                    truncated: false,
                                };
                                if len == 0 {
                                    self.state = State::Start;
                                }
                                continue;
                            }
                            Some(Err(())) => {
                                let bad = self.framing == Some(Framing::OctetCounting);
                                if self.framing.is_none() {
                                    self.framing = Some(Framing::Lf);
                                }
                                self.state = State::Line {
                                    truncated: false,
                                    bad,
                                };
                            }
                        }
                    } else {
                        self.state = State::Line {
                            truncated: false,
                            bad: false,
                        };
                    }
                }
                State::Counted {
                    left,
                    mut truncated,
                } => {
                    let take = left.min(buf.len() - i);
                    let chunk = &buf[i..i + take];
                    self.push_bytes(chunk, &mut truncated);
                    i += take;
                    let left = left - take;
                    if left == 0 {
                        self.emit(out, truncated, false);
                    } else {
                        self.state = State::Counted { left, truncated };
                    }
                }
                State::Line { mut truncated, bad } => {
                    let rest = &buf[i..];
                    match memchr::memchr2(b'\n', 0, rest) {
                        Some(p) => {
                            self.push_bytes(&rest[..p], &mut truncated);
                            i += p + 1;
                            self.emit(out, truncated, bad);
                        }
                        None => {
                            self.push_bytes(rest, &mut truncated);
                            i = buf.len();
                            self.state = State::Line { truncated, bad };
                        }
                    }
                }
            }
        }
        i
    }

    /// The connection ended: whatever is left of `buf` (unconsumed bytes) and of a partial
    /// message becomes a last message (an unterminated line, or a short octet frame, counted
    /// as broken).
    pub fn finish(&mut self, buf: &[u8], out: &mut Vec<Frame>) {
        let used = self.decode(buf, out);
        let rest = &buf[used..];
        match self.state {
            State::Start => {
                // an incomplete length prefix: keep the bytes as a broken frame
                if !rest.is_empty() {
                    let mut t = false;
                    self.push_bytes(rest, &mut t);
                    self.emit(out, t, true);
                }
            }
            State::Counted { truncated, .. } => self.emit(out, truncated, true),
            State::Line { truncated, bad } => {
                if !self.cur.is_empty() || truncated {
                    self.emit(out, truncated, bad);
                }
                self.state = State::Start;
            }
        }
        self.cur.clear();
    }
}

/// Split a whole TCP stream into messages (decode + finish): the pure entry point for fuzzing.
/// Every input byte is either part of one returned message, framing, or beyond a cut.
pub fn split_frames(input: &[u8], max: usize) -> Vec<Frame> {
    let mut d = FrameDecoder::new(max);
    let mut out = Vec::new();
    d.finish(input, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msgs(input: &[u8], max: usize) -> Vec<(String, bool, bool)> {
        split_frames(input, max)
            .into_iter()
            .map(|f| {
                (
                    String::from_utf8_lossy(&f.data).into_owned(),
                    f.truncated,
                    f.bad_frame,
                )
            })
            .collect()
    }

    #[test]
    fn framing_cases() {
        type Case = (&'static [u8], usize, &'static [(&'static str, bool, bool)]);
        let cases: &[Case] = &[
            (
                b"<13>a\n<13>b\r\n",
                100,
                &[("<13>a", false, false), ("<13>b", false, false)],
            ),
            (
                b"<13>no newline at end",
                100,
                &[("<13>no newline at end", false, false)],
            ),
            (
                b"5 <13>a6 <13>bc",
                100,
                &[("<13>a", false, false), ("<13>bc", false, false)],
            ),
            (
                b"5 <13>a\n6 <13>bc\n",
                100,
                &[("<13>a", false, false), ("<13>bc", false, false)],
            ),
            // a frame may contain LF when octet-counted
            (b"7 <13>a\nb", 100, &[("<13>a\nb", false, false)]),
            // lines starting with digits on an LF connection stay lines
            (
                b"<13>x\n123 not a length\n",
                100,
                &[("<13>x", false, false), ("123 not a length", false, false)],
            ),
            // broken prefix on an octet connection: taken as a line, counted
            (
                b"3 abcxyz\n",
                100,
                &[("abc", false, false), ("xyz", false, true)],
            ),
            // oversized: cut to max, rest discarded
            (
                b"<13>abcdefgh\n<13>x\n",
                6,
                &[("<13>ab", true, false), ("<13>x", false, false)],
            ),
            (b"10 0123456789", 4, &[("0123", true, false)]),
            // short last octet frame at EOF
            (b"10 01234", 100, &[("01234", false, true)]),
            (b"\n\n<13>a\n\n", 100, &[("<13>a", false, false)]),
            (
                b"<13>a\0<13>b\0",
                100,
                &[("<13>a", false, false), ("<13>b", false, false)],
            ),
            (b"", 100, &[]),
            (b"12", 100, &[("12", false, true)]),
        ];
        for (input, max, want) in cases {
            let got = msgs(input, *max);
            let want: Vec<(String, bool, bool)> = want
                .iter()
                .map(|(s, t, b)| (s.to_string(), *t, *b))
                .collect();
            assert_eq!(got, want, "input {:?}", String::from_utf8_lossy(input));
        }
    }

    proptest::proptest! {
        #[test]
        fn chunking_never_changes_the_result(
            input in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..400),
            cuts in proptest::collection::vec(0usize..400, 0..8),
            max in 1usize..64,
        ) {
            let whole = split_frames(&input, max);
            let mut d = FrameDecoder::new(max);
            let mut out = Vec::new();
            let mut buf: Vec<u8> = Vec::new();
            let mut cuts = cuts.clone();
            cuts.retain(|c| *c <= input.len());
            cuts.sort_unstable();
            let mut prev = 0;
            for c in cuts.into_iter().chain(std::iter::once(input.len())) {
                buf.extend_from_slice(&input[prev..c]);
                prev = c;
                let used = d.decode(&buf, &mut out);
                buf.drain(..used);
            }
            d.finish(&buf, &mut out);
            proptest::prop_assert_eq!(whole, out);
        }

        #[test]
        fn octet_counted_messages_roundtrip(msgs in proptest::collection::vec(
            proptest::collection::vec(proptest::prelude::any::<u8>(), 1..50), 1..10)) {
            let mut s = Vec::new();
            for m in &msgs {
                s.extend_from_slice(format!("{} ", m.len()).as_bytes());
                s.extend_from_slice(m);
            }
            let got: Vec<Vec<u8>> = split_frames(&s, 1000).into_iter().map(|f| f.data.to_vec()).collect();
            proptest::prop_assert_eq!(got, msgs);
        }
    }
}
