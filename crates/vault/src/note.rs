//! C2SP signed notes and tlog checkpoints.
//!
//! A checkpoint is the note text
//! ```text
//! <origin>
//! <size>
//! <base64 root>
//! time 2026-11-22T10:00:00.123456789Z
//! hash sha256
//! retention 6 months
//! ```
//! followed by a blank line and signature lines `— <name> base64(keyid ‖ sig)`:
//! one Ed25519 line (type 0x01, standard) and one SM2 line (type 0xff +
//! `wangan.sm2-sm3.v1`, SM2 with SM3 and distinguishing ID 1234567812345678).

use base64::Engine as _;

use crate::keys::{PublicKeys, Signer};
use crate::{Error, ErrorKind, Hash, HashAlg, Result};

fn b64() -> base64::engine::GeneralPurpose {
    base64::engine::general_purpose::STANDARD
}

/// One signature line of a note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteSig {
    /// Key name.
    pub name: String,
    /// Key id (first 4 bytes of the decoded signature).
    pub key_id: u32,
    /// Signature bytes after the key id.
    pub sig: Vec<u8>,
}

/// A signed note: text (ending in a newline) plus signature lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// The signed text, including its final newline.
    pub text: String,
    /// Signature lines.
    pub sigs: Vec<NoteSig>,
}

/// Outcome of checking a note's signatures against known keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SigCheck {
    /// The Ed25519 signature of a known key verifies; `sm2` tells whether an
    /// SM2 line of a known key was present and verified.
    Valid {
        /// Whether a valid SM2 signature line was present.
        sm2: bool,
    },
    /// A signature line of a known key (name and id match) does not verify:
    /// the note was altered or forged.
    Invalid,
    /// No signature line comes from a known key.
    UnknownKey,
}

impl Note {
    /// Sign `text` (must end in `\n`) with the Ed25519 and SM2 keys.
    pub fn sign(text: String, signer: &Signer) -> Result<Note> {
        let p = signer.public();
        let ed = signer.sign_ed25519(text.as_bytes());
        let sm = signer.sign_sm2(text.as_bytes())?;
        Ok(Note {
            text,
            sigs: vec![
                NoteSig {
                    name: p.name.clone(),
                    key_id: p.ed25519_id,
                    sig: ed.to_vec(),
                },
                NoteSig {
                    name: p.name.clone(),
                    key_id: p.sm2_id,
                    sig: sm.to_vec(),
                },
            ],
        })
    }

    /// Parse a note (text, blank line, signature lines).
    pub fn parse(s: &str) -> Result<Note> {
        let bad = |why: &str| Error::new(ErrorKind::Corrupt, format!("signed note: {why}"));
        if s.chars().any(|c| c.is_control() && c != '\n') {
            return Err(bad("control character"));
        }
        let split = s
            .rfind("\n\n")
            .ok_or_else(|| bad("no blank line before signatures"))?;
        let text = &s[..split + 1];
        let sigpart = &s[split + 2..];
        if !sigpart.ends_with('\n') {
            return Err(bad("signature lines do not end in a newline"));
        }
        let mut sigs = Vec::new();
        for (i, line) in sigpart.lines().enumerate() {
            if i >= MAX_SIGS {
                return Err(bad("more than 100 signature lines"));
            }
            sigs.push(parse_sig_line(line).ok_or_else(|| bad("malformed signature line"))?);
        }
        if sigs.is_empty() {
            return Err(bad("no signature lines"));
        }
        Ok(Note {
            text: text.to_owned(),
            sigs,
        })
    }

    /// Check signatures against `keys`.
    pub fn check(&self, keys: &PublicKeys) -> SigCheck {
        let msg = self.text.as_bytes();
        let (mut ed_ok, mut sm2_ok, mut bad) = (false, false, false);
        for s in &self.sigs {
            if s.name != keys.name {
                continue;
            }
            if s.key_id == keys.ed25519_id {
                if keys.verify_ed25519(msg, &s.sig) {
                    ed_ok = true;
                } else {
                    bad = true;
                }
            } else if keys.has_sm2() && s.key_id == keys.sm2_id {
                if keys.verify_sm2(msg, &s.sig) {
                    sm2_ok = true;
                } else {
                    bad = true;
                }
            }
        }
        if bad {
            SigCheck::Invalid
        } else if ed_ok {
            SigCheck::Valid { sm2: sm2_ok }
        } else {
            SigCheck::UnknownKey
        }
    }
}

/// Most signature lines a note may carry (as Go's `note.Open`).
pub const MAX_SIGS: usize = 100;

fn parse_sig_line(line: &str) -> Option<NoteSig> {
    let rest = line.strip_prefix("— ")?;
    let (name, sig) = rest.split_once(' ')?;
    if !crate::keys::valid_key_name(name) {
        return None;
    }
    let b = b64().decode(sig).ok()?;
    if b.len() < 5 {
        return None;
    }
    Some(NoteSig {
        name: name.to_owned(),
        key_id: u32::from_be_bytes([b[0], b[1], b[2], b[3]]),
        sig: b[4..].to_vec(),
    })
}

impl std::fmt::Display for Note {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)?;
        f.write_str("\n")?;
        for s in &self.sigs {
            let mut b = s.key_id.to_be_bytes().to_vec();
            b.extend_from_slice(&s.sig);
            writeln!(f, "— {} {}", s.name, b64().encode(b))?;
        }
        Ok(())
    }
}

/// The content of a checkpoint (the signed note text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// Log origin (unique log id).
    pub origin: String,
    /// Tree size: number of records covered.
    pub size: u64,
    /// Merkle tree root at `size`.
    pub root: Hash,
    /// Signing time, ns since the Unix epoch (extension line `time`).
    pub time_ns: i64,
    /// Tree hash (extension line `hash`).
    pub hash: HashAlg,
    /// Retention policy in force (extension line `retention`).
    pub retention: String,
    /// Other extension lines, kept verbatim.
    pub extra: Vec<String>,
}

impl Checkpoint {
    /// The note text.
    pub fn to_text(&self) -> String {
        let mut s = format!(
            "{}\n{}\n{}\ntime {}\nhash {}\nretention {}\n",
            self.origin,
            self.size,
            self.root.b64(),
            crate::clock::rfc3339_ns(self.time_ns),
            self.hash.name(),
            self.retention
        );
        for e in &self.extra {
            s.push_str(e);
            s.push('\n');
        }
        s
    }

    /// Parse the note text of a checkpoint, strictly (C2SP tlog-checkpoint
    /// plus this format's extension lines; see `docs/evidence-format.md`):
    /// the text ends in a newline and has no empty line; the origin is
    /// non-empty; the size is decimal ASCII with no sign and no leading zero
    /// (`0` for the empty tree); the root is the canonical base64 of 32
    /// bytes; extension lines are non-empty; `time`, `hash` and `retention`
    /// appear exactly once each; `time` is RFC 3339 in UTC as this crate
    /// writes it (`YYYY-MM-DDTHH:MM:SS[.fraction]Z`, fraction 1–9 digits
    /// without trailing zeros); `hash` is exactly `sha256` or `sm3`; other
    /// extension lines are kept verbatim.
    pub fn parse_text(text: &str) -> Result<Checkpoint> {
        let bad = |why: String| Error::new(ErrorKind::Corrupt, format!("checkpoint: {why}"));
        let body = text
            .strip_suffix('\n')
            .ok_or_else(|| bad("text does not end in a newline".into()))?;
        let mut lines = body.split('\n');
        let origin = lines
            .next()
            .filter(|l| !l.is_empty())
            .ok_or_else(|| bad("no origin line".into()))?;
        let size_line = lines.next().ok_or_else(|| bad("no size line".into()))?;
        let size = parse_size(size_line)
            .ok_or_else(|| bad(format!("bad size line {:?}", clip(size_line))))?;
        let root_line = lines
            .next()
            .ok_or_else(|| bad("no root hash line".into()))?;
        let root = Hash::from_b64(root_line)
            .filter(|h| h.b64() == root_line)
            .ok_or_else(|| bad(format!("bad root hash line {:?}", clip(root_line))))?;
        let (mut time_ns, mut hash, mut retention, mut extra) = (None, None, None, Vec::new());
        for (i, l) in lines.enumerate() {
            let n = i + 4;
            if l.is_empty() {
                return Err(bad(format!("empty line {n}")));
            }
            let dup = |what: &str| bad(format!("more than one {what} line (line {n})"));
            if let Some(t) = l.strip_prefix("time ") {
                if time_ns.is_some() {
                    return Err(dup("time"));
                }
                let v = crate::clock::parse_rfc3339(t)
                    .map(crate::clock::to_ns)
                    .filter(|ns| crate::clock::rfc3339_ns(*ns) == t)
                    .ok_or_else(|| bad(format!("bad time line {:?}", clip(l))))?;
                time_ns = Some(v);
            } else if let Some(h) = l.strip_prefix("hash ") {
                if hash.is_some() {
                    return Err(dup("hash"));
                }
                let v = [HashAlg::Sha256, HashAlg::Sm3]
                    .into_iter()
                    .find(|a| a.name() == h)
                    .ok_or_else(|| bad(format!("unknown hash {:?} (sha256 or sm3)", clip(h))))?;
                hash = Some(v);
            } else if let Some(r) = l.strip_prefix("retention ") {
                if retention.is_some() {
                    return Err(dup("retention"));
                }
                if r.is_empty() {
                    return Err(bad("empty retention".into()));
                }
                retention = Some(r.to_owned());
            } else {
                extra.push(l.to_owned());
            }
        }
        Ok(Checkpoint {
            origin: origin.to_owned(),
            size,
            root,
            time_ns: time_ns.ok_or_else(|| bad("missing time line".into()))?,
            hash: hash.ok_or_else(|| bad("missing hash line".into()))?,
            retention: retention.ok_or_else(|| bad("missing retention line".into()))?,
            extra,
        })
    }
}

/// A tree size as C2SP writes it: ASCII digits, no sign, no leading zero
/// (except `0` itself), within u64.
fn parse_size(s: &str) -> Option<u64> {
    let ok =
        !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && (s == "0" || !s.starts_with('0'));
    if ok { s.parse().ok() } else { None }
}

/// At most 40 characters of untrusted text for an error message.
fn clip(s: &str) -> String {
    s.chars().take(40).collect()
}

/// A checkpoint with its signatures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedCheckpoint {
    /// The parsed content.
    pub checkpoint: Checkpoint,
    /// The signed note (text and signature lines).
    pub note: Note,
}

impl SignedCheckpoint {
    /// Sign a checkpoint.
    pub fn sign(cp: Checkpoint, signer: &Signer) -> Result<SignedCheckpoint> {
        let note = Note::sign(cp.to_text(), signer)?;
        Ok(SignedCheckpoint {
            checkpoint: cp,
            note,
        })
    }

    /// Parse a signed checkpoint (does not check signatures; see [`SignedCheckpoint::check`]).
    pub fn parse(s: &str) -> Result<SignedCheckpoint> {
        let note = Note::parse(s)?;
        let checkpoint = Checkpoint::parse_text(&note.text)?;
        Ok(SignedCheckpoint { checkpoint, note })
    }

    /// Check the signatures against `keys`.
    pub fn check(&self, keys: &PublicKeys) -> SigCheck {
        self.note.check(keys)
    }
}

impl std::fmt::Display for SignedCheckpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.note.fmt(f)
    }
}

/// Result of reading `checkpoints.log`.
#[derive(Debug, Default, Clone)]
pub struct CheckpointLog {
    /// Checkpoints in file order, each with its 0-based position.
    pub entries: Vec<SignedCheckpoint>,
    /// Entries that could not be parsed: (index in file, reason).
    pub malformed: Vec<(usize, String)>,
    /// An incomplete last entry (a torn append after a crash).
    pub torn_tail: bool,
}

/// Parse the concatenation of notes in `checkpoints.log` (each note followed by a blank line).
pub fn parse_checkpoint_log(s: &str) -> CheckpointLog {
    let mut out = CheckpointLog::default();
    let mut rest = s;
    let mut idx = 0;
    while !rest.is_empty() {
        // text lines up to the first blank line, then signature lines up to the next blank line
        let Some(t_end) = rest.find("\n\n") else {
            out.torn_tail = true;
            break;
        };
        let after = &rest[t_end + 2..];
        let Some(s_end) = after.find("\n\n") else {
            if after.ends_with('\n') && !after.is_empty() {
                // last entry without the separating blank line
                match SignedCheckpoint::parse(rest) {
                    Ok(c) => out.entries.push(c),
                    Err(_) => out.torn_tail = true,
                }
            } else {
                out.torn_tail = true;
            }
            break;
        };
        let entry = &rest[..t_end + 2 + s_end + 1];
        match SignedCheckpoint::parse(entry) {
            Ok(c) => out.entries.push(c),
            Err(e) => out.malformed.push((idx, e.to_string())),
        }
        idx += 1;
        rest = &after[s_end + 2..];
    }
    out
}

/// Length of the prefix of a checkpoint log made of complete entries (text,
/// blank line, signature lines, blank line).
pub(crate) fn complete_prefix(b: &[u8]) -> usize {
    let find = |from: usize| {
        b[from..]
            .windows(2)
            .position(|w| w == b"\n\n")
            .map(|p| from + p)
    };
    let mut pos = 0;
    while let Some(t_end) = find(pos) {
        let Some(s_end) = find(t_end + 2) else { break };
        pos = s_end + 2;
    }
    pos
}

/// Repair a torn last entry of `checkpoints.log` (an append cut short by a
/// crash) before a writer appends to it, so its next entry does not glue to
/// the fragment: an entry missing only its separating blank line gets it; an
/// incomplete fragment (never a valid checkpoint) is cut off. Returns the
/// number of bytes cut (0 when the log was whole).
pub(crate) fn repair_checkpoint_log(
    d: &dyn crate::durable::Durability,
    path: &std::path::Path,
) -> Result<u64> {
    use crate::error::IoCtx;
    let b = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(Error::io("read", path, e)),
    };
    let good = complete_prefix(&b);
    if good == b.len() {
        return Ok(0);
    }
    let tail = &b[good..];
    let whole_but_separator = tail.ends_with(b"\n")
        && std::str::from_utf8(tail)
            .ok()
            .is_some_and(|t| SignedCheckpoint::parse(t).is_ok());
    if whole_but_separator {
        crate::fsx::append_sync(d, path, b"\n", crate::durable::Target::CheckpointLog)?;
        return Ok(0);
    }
    let f = std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .ctx("open", path)?;
    f.set_len(good as u64)
        .ctx("truncate torn checkpoint log tail", path)?;
    crate::fsx::sync_file(d, &f, path, crate::durable::Target::CheckpointLog)?;
    Ok(tail.len() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "wangan.vault/0123456789abcdef\n12\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\ntime 2026-11-22T10:00:00.123456789Z\nhash sha256\nretention 6 months\n";

    #[test]
    fn checkpoint_text_parses_strictly() {
        let c = Checkpoint::parse_text(GOOD);
        assert!(
            c.as_ref()
                .is_ok_and(|c| c.size == 12 && c.to_text() == GOOD),
            "{c:?}"
        );
        let variants = [
            ("\n12\n", "\n012\n", "size"),
            ("\n12\n", "\n+12\n", "size"),
            ("\n12\n", "\n 12\n", "size"),
            ("\n12\n", "\n1_2\n", "size"),
            ("\n12\n", "\n18446744073709551616\n", "size"),
            ("AAA=\n", "AAA\n", "root"),
            ("AAA=\n", "AAB=\n", "root"),
            ("hash sha256\n", "hash SHA-256\n", "hash"),
            ("hash sha256\n", "hash sha256\nhash sm3\n", "hash"),
            ("hash sha256\n", "", "hash"),
            ("hash sha256\n", "\nhash sha256\n", "empty"),
            ("retention 6 months\n", "retention 6 months\n\n", "empty"),
            ("retention 6 months\n", "retention 6 months", "newline"),
            (".123456789Z", ".123456780Z", "time"),
            (".123456789Z", "+00:00", "time"),
            ("T10:00", "t10:00", "time"),
            ("time 2026", "time 2026-11-22T10:00:00Z\ntime 2026", "time"),
            ("retention 6 months\n", "", "retention"),
        ];
        for (from, to, what) in variants {
            let t = GOOD.replacen(from, to, 1);
            assert_ne!(t, GOOD);
            let e = Checkpoint::parse_text(&t).map(|c| c.size);
            assert!(
                e.as_ref().is_err_and(|e| e.to_string().contains(what)),
                "{t:?}: {e:?}"
            );
        }
        // size 0 and an extension line of another kind are fine
        let t = GOOD.replacen("\n12\n", "\n0\n", 1) + "witness example.com/w1\n";
        let c = Checkpoint::parse_text(&t);
        assert!(c.is_ok_and(|c| c.size == 0 && c.extra == ["witness example.com/w1"]));
        // a whole-second time has no fraction
        let t = GOOD.replacen(".123456789Z", "Z", 1);
        assert!(Checkpoint::parse_text(&t).is_ok());
    }
}
