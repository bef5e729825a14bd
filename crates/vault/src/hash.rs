//! Hash algorithms and RFC 9162 leaf/node hashing.

use sha2::Digest as _;

/// The tree hash of a log: fixed at `init` for the life of the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HashAlg {
    /// SHA-256 (default; interoperable with C2SP tlog tooling).
    Sha256,
    /// SM3 (GB/T 32905), for deployments that need the national algorithms.
    Sm3,
}

impl HashAlg {
    /// The lowercase name used in `vault.toml` and checkpoint lines.
    pub fn name(self) -> &'static str {
        match self {
            HashAlg::Sha256 => "sha256",
            HashAlg::Sm3 => "sm3",
        }
    }

    /// Parse `sha256` or `sm3`.
    pub fn from_name(s: &str) -> Option<HashAlg> {
        match s.to_ascii_lowercase().as_str() {
            "sha256" | "sha-256" => Some(HashAlg::Sha256),
            "sm3" => Some(HashAlg::Sm3),
            _ => None,
        }
    }

    pub(crate) fn code(self) -> u8 {
        match self {
            HashAlg::Sha256 => 1,
            HashAlg::Sm3 => 2,
        }
    }

    pub(crate) fn from_code(c: u8) -> Option<HashAlg> {
        match c {
            1 => Some(HashAlg::Sha256),
            2 => Some(HashAlg::Sm3),
            _ => None,
        }
    }

    /// Hash the concatenation of `parts`.
    pub fn digest(self, parts: &[&[u8]]) -> Hash {
        match self {
            HashAlg::Sha256 => {
                let mut h = sha2::Sha256::new();
                for p in parts {
                    h.update(p);
                }
                Hash(h.finalize().into())
            }
            HashAlg::Sm3 => {
                let mut h = sm3::Sm3::new();
                for p in parts {
                    h.update(p);
                }
                Hash(h.finalize().into())
            }
        }
    }

    /// RFC 9162 leaf hash `H(0x00 ‖ data)`.
    pub fn leaf(self, data: &[u8]) -> Hash {
        self.digest(&[&[0u8], data])
    }

    /// RFC 9162 interior node hash `H(0x01 ‖ left ‖ right)`.
    pub fn node(self, left: &Hash, right: &Hash) -> Hash {
        self.digest(&[&[1u8], &left.0, &right.0])
    }

    /// Root of the empty tree: `H("")`.
    pub fn empty_root(self) -> Hash {
        self.digest(&[])
    }
}

/// A 32-byte hash (SHA-256 or SM3 output).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Hash(pub [u8; 32]);

impl Hash {
    /// Lowercase hex.
    pub fn hex(&self) -> String {
        let mut s = String::with_capacity(64);
        for b in self.0 {
            s.push_str(&format!("{b:02x}"));
        }
        s
    }

    /// Standard base64 (as in checkpoints).
    pub fn b64(&self) -> String {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(self.0)
    }

    /// Parse standard base64 of exactly 32 bytes.
    pub fn from_b64(s: &str) -> Option<Hash> {
        use base64::Engine as _;
        let v = base64::engine::general_purpose::STANDARD.decode(s).ok()?;
        Some(Hash(v.try_into().ok()?))
    }
}

impl std::fmt::Debug for Hash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Hash({})", self.hex())
    }
}
