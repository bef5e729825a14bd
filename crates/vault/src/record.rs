//! Records: what is stored, and the canonical form that is hashed.

/// Version byte of the canonical (hashed) record encoding.
pub const CANONICAL_VERSION: u8 = 1;

/// A record as handed to [`crate::Vault::append`]: the raw bytes exactly as
/// received plus where and when they came from. The vault assigns the seq.
#[derive(Debug, Clone, Copy)]
pub struct Incoming<'a> {
    /// Receive time, nanoseconds since the Unix epoch (UTC).
    pub received_ns: i64,
    /// Source name given by the operator (e.g. `fw1`).
    pub source: &'a str,
    /// Peer address (e.g. `192.0.2.7:514`), or `-` for files and stdin.
    pub peer: &'a str,
    /// Transport (`udp`, `tcp`, `tls`, `relp`, `http`, `file`, `stdin`, `internal`).
    pub transport: &'a str,
    /// The record exactly as received, without the framing (LF) byte.
    pub raw: &'a [u8],
}

/// A stored record: seq, receive time, source, peer, transport and raw bytes.
/// These fields (and only these) are hashed into the Merkle tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// Position in the log, from 0, contiguous.
    pub seq: u64,
    /// Receive time, nanoseconds since the Unix epoch (UTC).
    pub received_ns: i64,
    /// Source name.
    pub source: String,
    /// Peer address.
    pub peer: String,
    /// Transport.
    pub transport: String,
    /// Raw bytes exactly as received.
    pub raw: Vec<u8>,
}

impl Record {
    /// The record as the writer took it in (everything but its seq).
    #[cfg(any(test, feature = "testing"))]
    pub(crate) fn incoming(&self) -> Incoming<'_> {
        Incoming {
            received_ns: self.received_ns,
            source: &self.source,
            peer: &self.peer,
            transport: &self.transport,
            raw: &self.raw,
        }
    }

    /// Append the canonical, versioned, length-prefixed encoding to `out`:
    /// `0x01 ‖ seq u64be ‖ received_ns i64be ‖ u16be len ‖ source ‖ u16be len ‖
    /// peer ‖ u16be len ‖ transport ‖ u32be len ‖ raw`.
    pub fn canonical_into(&self, out: &mut Vec<u8>) {
        canonical_into(
            out,
            self.seq,
            self.received_ns,
            &self.source,
            &self.peer,
            &self.transport,
            &self.raw,
        );
    }

    /// The RFC 9162 leaf hash of this record.
    pub fn leaf_hash(&self, alg: crate::HashAlg, scratch: &mut Vec<u8>) -> crate::Hash {
        scratch.clear();
        self.canonical_into(scratch);
        alg.leaf(scratch)
    }

    /// Decode the canonical encoding (strict: version, lengths, UTF-8 names,
    /// no trailing bytes).
    pub fn from_canonical(b: &[u8]) -> crate::Result<Record> {
        decode_canonical(b).map_err(|e| {
            crate::Error::new(crate::ErrorKind::Corrupt, format!("canonical record: {e}"))
        })
    }

    /// Receive time as a date-time.
    pub fn received_at(&self) -> time::OffsetDateTime {
        crate::clock::from_ns(self.received_ns)
    }
}

/// Largest record (raw bytes) the vault stores: 16 MiB. [`crate::Vault::append`]
/// refuses a larger one ([`crate::ErrorKind::TooLarge`]) before anything is
/// written, so every stored record can be read back: a block holds less than
/// 1 MiB of records before its last one, and block data is decoded up to
/// 64 MiB. The server's own limits (syslog messages at most 16 MiB, HTTP
/// bodies 16 MiB by default) stay within it.
pub const MAX_RECORD_BYTES: usize = 16 << 20;

/// Limit of source, peer and transport names (bytes).
pub const MAX_NAME: usize = u16::MAX as usize;

pub(crate) fn canonical_into(
    out: &mut Vec<u8>,
    seq: u64,
    received_ns: i64,
    source: &str,
    peer: &str,
    transport: &str,
    raw: &[u8],
) {
    out.reserve(1 + 8 + 8 + 6 + 4 + source.len() + peer.len() + transport.len() + raw.len());
    canonical_head_into(out, seq, received_ns, source, peer, transport, raw.len());
    out.extend_from_slice(raw);
}

/// The RFC 9162 leaf hash of a record given by its fields, equal to
/// hashing [`canonical_into`]'s bytes: everything before the raw bytes is
/// written to `scratch`, the raw bytes are hashed where they lie.
pub(crate) fn leaf_hash_of(
    alg: crate::HashAlg,
    scratch: &mut Vec<u8>,
    seq: u64,
    received_ns: i64,
    [source, peer, transport]: [&str; 3],
    raw: &[u8],
) -> crate::Hash {
    scratch.clear();
    canonical_head_into(
        scratch,
        seq,
        received_ns,
        source,
        peer,
        transport,
        raw.len(),
    );
    alg.leaf2(scratch, raw)
}

/// The canonical encoding up to the raw bytes (their length included).
fn canonical_head_into(
    out: &mut Vec<u8>,
    seq: u64,
    received_ns: i64,
    source: &str,
    peer: &str,
    transport: &str,
    raw_len: usize,
) {
    out.push(CANONICAL_VERSION);
    out.extend_from_slice(&seq.to_be_bytes());
    out.extend_from_slice(&received_ns.to_be_bytes());
    for s in [source, peer, transport] {
        let b = &s.as_bytes()[..s.len().min(MAX_NAME)];
        out.extend_from_slice(&(b.len() as u16).to_be_bytes());
        out.extend_from_slice(b);
    }
    out.extend_from_slice(&(raw_len as u32).to_be_bytes());
}

/// Decode a canonical record without copying: its seq and the record as
/// [`Incoming`] borrowing from `b` (same checks as [`decode_canonical`]).
pub(crate) fn decode_canonical_ref(b: &[u8]) -> Result<(u64, Incoming<'_>), &'static str> {
    decode_canonical_after(b, None).map(|(seq, r, _)| (seq, r))
}

/// [`decode_canonical_ref`] for a run of records in one buffer: a name whose
/// bytes equal the same name of `prev` (the record decoded before, from the
/// same buffer) is taken from it instead of being checked for UTF-8 again,
/// since equal bytes are as valid as the name already checked. Any other
/// name is checked in full, so the result and the errors are those of
/// [`decode_canonical_ref`]. The flag says whether all three names are
/// `prev`'s (the same origin).
pub(crate) fn decode_canonical_after<'a>(
    b: &'a [u8],
    prev: Option<&Incoming<'a>>,
) -> Result<(u64, Incoming<'a>, bool), &'static str> {
    fn take<'a>(b: &'a [u8], pos: &mut usize, n: usize) -> Result<&'a [u8], &'static str> {
        if b.len() - *pos < n {
            return Err("record truncated");
        }
        let s = &b[*pos..*pos + n];
        *pos += n;
        Ok(s)
    }
    let mut pos = 0;
    if take(b, &mut pos, 1)?[0] != CANONICAL_VERSION {
        return Err("unknown record version");
    }
    let mut a8 = [0u8; 8];
    a8.copy_from_slice(take(b, &mut pos, 8)?);
    let seq = u64::from_be_bytes(a8);
    a8.copy_from_slice(take(b, &mut pos, 8)?);
    let received_ns = i64::from_be_bytes(a8);
    let mut names = [""; 3];
    let prev = prev.map(|p| [p.source, p.peer, p.transport]);
    let mut same = prev.is_some();
    for (k, n) in names.iter_mut().enumerate() {
        let l = take(b, &mut pos, 2)?;
        let l = u16::from_be_bytes([l[0], l[1]]) as usize;
        let bytes = take(b, &mut pos, l)?;
        *n = match prev {
            Some(p) if crate::codec::same_bytes(p[k].as_bytes(), bytes) => p[k],
            _ => {
                same = false;
                std::str::from_utf8(bytes).map_err(|_| "invalid utf-8 in record name")?
            }
        };
    }
    let l = take(b, &mut pos, 4)?;
    let l = u32::from_be_bytes([l[0], l[1], l[2], l[3]]) as usize;
    let raw = take(b, &mut pos, l)?;
    if pos != b.len() {
        return Err("trailing bytes after record");
    }
    let [source, peer, transport] = names;
    Ok((
        seq,
        Incoming {
            received_ns,
            source,
            peer,
            transport,
            raw,
        },
        same,
    ))
}

/// Decode a canonical record (as stored in WAL frames).
pub(crate) fn decode_canonical(b: &[u8]) -> Result<Record, &'static str> {
    let (seq, r) = decode_canonical_ref(b)?;
    Ok(Record {
        seq,
        received_ns: r.received_ns,
        source: r.source.to_owned(),
        peer: r.peer.to_owned(),
        transport: r.transport.to_owned(),
        raw: r.raw.to_vec(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Decoding after another record gives what decoding alone gives, and a
    /// name that is not UTF-8 is refused whatever the record before.
    #[test]
    fn decoding_after_a_record_checks_every_new_name() {
        let mut a = Vec::new();
        canonical_into(&mut a, 1, 2, "fw1", "192.0.2.1:514", "udp", b"x");
        let (_, prev) = decode_canonical_ref(&a).unwrap();
        for names in [
            ["fw1", "192.0.2.1:514", "udp"],
            ["fw2", "192.0.2.1:514", "tcp"],
            ["", "-", "file"],
        ] {
            let mut b = Vec::new();
            canonical_into(&mut b, 3, 4, names[0], names[1], names[2], b"raw");
            let alone = decode_canonical_ref(&b).unwrap();
            let (seq, r, same) = decode_canonical_after(&b, Some(&prev)).unwrap();
            assert_eq!(format!("{:?}", (seq, r)), format!("{alone:?}"));
            assert_eq!(same, names == ["fw1", "192.0.2.1:514", "udp"], "{names:?}");
        }
        // the same bytes as the record before but one name made invalid
        for k in 0..3 {
            let mut b = Vec::new();
            canonical_into(&mut b, 3, 4, "fw1", "192.0.2.1:514", "udp", b"raw");
            // the first byte of name k (after version, seq, time and the names before)
            let at = 1 + 8 + 8 + [0, 3 + 2, 3 + 2 + 13 + 2][k] + 2;
            b[at] = 0xff;
            assert_eq!(
                decode_canonical_after(&b, Some(&prev)).map(|_| ()),
                Err("invalid utf-8 in record name"),
                "name {k}"
            );
        }
    }

    /// Hashing the fields with the raw bytes apart gives the leaf of the
    /// canonical encoding, whatever the lengths (names and raw across the
    /// 64-byte blocks).
    #[test]
    fn leaf_hash_of_fields_is_the_leaf_of_the_canonical_bytes() {
        let raw: Vec<u8> = (0..300u32).map(|i| (i % 251) as u8).collect();
        let long = "n".repeat(70);
        let mut scratch = Vec::new();
        for alg in [crate::HashAlg::Sha256, crate::HashAlg::Sm3] {
            for names in [
                ["fw1", "192.0.2.1:514", "udp"],
                ["", "", ""],
                [&long, "-", "file"],
            ] {
                for n in [0, 1, 20, 40, 41, 64, 100, 299] {
                    let mut c = Vec::new();
                    canonical_into(&mut c, 7, -3, names[0], names[1], names[2], &raw[..n]);
                    assert_eq!(
                        leaf_hash_of(alg, &mut scratch, 7, -3, names, &raw[..n]),
                        alg.leaf(&c),
                        "{alg:?} {names:?} raw {n}"
                    );
                }
            }
        }
    }
}
