//! The registers' own hash chain. Every change is stored with the SHA-256 of
//! the previous change's hash and of its own columns exactly as stored, so
//! editing, removing or reordering a stored change breaks the chain from
//! there on; anchoring a change's hash in the vault fixes the chain up to it.

use sha2::{Digest, Sha256};

/// The columns of one stored change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeRow {
    /// Position in the store, 1, 2, 3 … without gaps.
    pub seq: u64,
    /// Register key.
    pub register: String,
    /// Record id.
    pub id: String,
    /// The record's revision after this change (1 for the first).
    pub version: u64,
    /// `create`, `update`, `close`.
    pub action: String,
    /// When it was recorded (RFC 3339, UTC).
    pub at: String,
    /// Who recorded it.
    pub actor: String,
    /// The whole record after the change, as JSON text.
    pub data: String,
    /// The keys of the fields that changed, as a JSON array.
    pub changed: String,
    /// The previous change's hash (the genesis hash for seq 1).
    pub prev_hash: String,
    /// This change's hash.
    pub hash: String,
}

fn hex(b: &[u8]) -> String {
    let mut s = String::with_capacity(b.len() * 2);
    for x in b {
        s.push(char::from(b"0123456789abcdef"[usize::from(x >> 4)]));
        s.push(char::from(b"0123456789abcdef"[usize::from(x & 15)]));
    }
    s
}

/// SHA-256 of bytes, in hex.
pub fn sha256_hex(b: &[u8]) -> String {
    hex(&Sha256::digest(b))
}

/// The hash before the first change of the store `store_id`: a chain copied
/// from another store does not verify here.
pub fn genesis(store_id: &str) -> String {
    sha256_hex(format!("wangan.registers/1 genesis {store_id}").as_bytes())
}

/// The hash of a change from its columns (its own `hash` is ignored).
pub fn change_hash(c: &ChangeRow) -> String {
    let mut h = Sha256::new();
    h.update(b"wangan.registers.change/1\n");
    h.update(c.prev_hash.as_bytes());
    h.update(b"\n");
    // each column length-prefixed, so no two different rows hash alike
    let parts: [&[u8]; 8] = [
        c.register.as_bytes(),
        c.id.as_bytes(),
        c.action.as_bytes(),
        c.at.as_bytes(),
        c.actor.as_bytes(),
        c.data.as_bytes(),
        c.changed.as_bytes(),
        b"",
    ];
    h.update(c.seq.to_be_bytes());
    h.update(c.version.to_be_bytes());
    for p in parts {
        h.update((p.len() as u64).to_be_bytes());
        h.update(p);
    }
    hex(&h.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row() -> ChangeRow {
        ChangeRow {
            seq: 1,
            register: "incident".into(),
            id: "INC-1".into(),
            version: 1,
            action: "create".into(),
            at: "2025-03-14T15:30:00Z".into(),
            actor: "ops".into(),
            data: r#"{"grade":"large"}"#.into(),
            changed: r#"["grade"]"#.into(),
            prev_hash: genesis("s"),
            hash: String::new(),
        }
    }

    #[test]
    fn every_column_is_covered() {
        let base = change_hash(&row());
        assert_eq!(base.len(), 64);
        let edits: [fn(&mut ChangeRow); 10] = [
            |r| r.seq = 2,
            |r| r.register = "drill".into(),
            |r| r.id = "INC-2".into(),
            |r| r.version = 2,
            |r| r.action = "update".into(),
            |r| r.at = "2025-03-14T15:30:01Z".into(),
            |r| r.actor = "ops2".into(),
            |r| r.data = r#"{"grade":"major"}"#.into(),
            |r| r.changed = "[]".into(),
            |r| r.prev_hash = genesis("t"),
        ];
        for (i, e) in edits.iter().enumerate() {
            let mut r = row();
            e(&mut r);
            assert_ne!(change_hash(&r), base, "edit {i} not covered");
        }
        // moving bytes between columns changes the hash too
        let mut r = row();
        r.register = "incidentI".into();
        r.id = "NC-1".into();
        assert_ne!(change_hash(&r), base);
    }
}
