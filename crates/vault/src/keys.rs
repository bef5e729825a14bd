//! Signing keys (Ed25519 and SM2) and their public halves for auditors.
//!
//! Private keys live in `keys/ed25519.key` and `keys/sm2.key` (hex, mode
//! 0600). Public keys are exported as `keys/ed25519.pub` (a C2SP note
//! verifier key `name+keyid+base64(0x01‖key)`) and `keys/sm2.pub` (SEC1
//! uncompressed point, hex, plus the key id and distinguishing ID).

use std::path::Path;

use base64::Engine as _;
use ed25519_dalek::{Signer as _, Verifier as _};

use crate::error::IoCtx;
use crate::{Error, ErrorKind, Result};

/// Signature type byte of Ed25519 in C2SP signed notes.
pub const SIG_TYPE_ED25519: u8 = 0x01;
/// Signature type byte used for SM2: C2SP reserves `0xff` for types without an
/// assigned byte, followed by a longer identifier ([`SM2_TYPE_ID`]).
pub const SIG_TYPE_OTHER: u8 = 0xff;
/// Identifier that follows `0xff` in the SM2 key id preimage.
pub const SM2_TYPE_ID: &[u8] = b"wangan.sm2-sm3.v1";
/// SM2 distinguishing identifier (GM/T 0009 default).
pub const SM2_DIST_ID: &str = "1234567812345678";

fn b64() -> base64::engine::GeneralPurpose {
    base64::engine::general_purpose::STANDARD
}

/// Key id of an Ed25519 key per C2SP signed-note:
/// first 4 bytes of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ pubkey).
pub fn ed25519_key_id(name: &str, public: &[u8; 32]) -> u32 {
    let h = crate::HashAlg::Sha256.digest(&[name.as_bytes(), b"\n", &[SIG_TYPE_ED25519], public]);
    u32::from_be_bytes([h.0[0], h.0[1], h.0[2], h.0[3]])
}

/// Key id of an SM2 key: first 4 bytes of
/// SHA-256(name ‖ 0x0A ‖ 0xff ‖ "wangan.sm2-sm3.v1" ‖ SEC1 uncompressed point).
pub fn sm2_key_id(name: &str, public_sec1: &[u8]) -> u32 {
    let h = crate::HashAlg::Sha256.digest(&[
        name.as_bytes(),
        b"\n",
        &[SIG_TYPE_OTHER],
        SM2_TYPE_ID,
        public_sec1,
    ]);
    u32::from_be_bytes([h.0[0], h.0[1], h.0[2], h.0[3]])
}

/// The private keys of a vault.
pub struct Signer {
    name: String,
    ed: ed25519_dalek::SigningKey,
    sm2: sm2::dsa::SigningKey,
    public: PublicKeys,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer")
            .field("public", &self.public)
            .finish_non_exhaustive()
    }
}

/// The public keys of a vault: what an auditor needs to check checkpoints,
/// segment footers and tombstones.
#[derive(Clone)]
pub struct PublicKeys {
    /// Key name (the log origin).
    pub name: String,
    ed: ed25519_dalek::VerifyingKey,
    /// Ed25519 key id.
    pub ed25519_id: u32,
    sm2: Option<sm2::dsa::VerifyingKey>,
    /// SM2 key id (0 when no SM2 key is known).
    pub sm2_id: u32,
}

impl std::fmt::Debug for PublicKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PublicKeys")
            .field("name", &self.name)
            .field("ed25519_id", &format_args!("{:08x}", self.ed25519_id))
            .field("sm2_id", &format_args!("{:08x}", self.sm2_id))
            .finish()
    }
}

fn random32() -> Result<[u8; 32]> {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b).map_err(|e| {
        Error::new(
            ErrorKind::Crypto,
            format!("no random bytes from the os: {e}"),
        )
    })?;
    Ok(b)
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    let s = s.trim();
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

impl Signer {
    /// Fresh keys from the OS random source.
    pub fn generate(name: &str) -> Result<Signer> {
        let ed = ed25519_dalek::SigningKey::from_bytes(&random32()?);
        let sm2 = loop {
            // a uniformly random 32-byte string is a valid scalar with overwhelming probability
            if let Ok(k) = sm2::dsa::SigningKey::from_slice(SM2_DIST_ID, &random32()?) {
                break k;
            }
        };
        Ok(Signer::from_keys(name, ed, sm2))
    }

    fn from_keys(name: &str, ed: ed25519_dalek::SigningKey, sm2: sm2::dsa::SigningKey) -> Signer {
        let edp = ed.verifying_key();
        let smp = sm2.verifying_key().clone();
        let sec1 = smp.to_sec1_bytes();
        let public = PublicKeys {
            name: name.to_owned(),
            ed25519_id: ed25519_key_id(name, &edp.to_bytes()),
            ed: edp,
            sm2_id: sm2_key_id(name, &sec1),
            sm2: Some(smp),
        };
        Signer {
            name: name.to_owned(),
            ed,
            sm2,
            public,
        }
    }

    /// Write private keys (0600) and exported public keys into `dir`.
    pub fn save(&self, dir: &Path) -> Result<()> {
        self.save_with(&crate::durable::Os, dir)
    }

    /// [`Signer::save`] through the writer's durability seam.
    pub(crate) fn save_with(&self, d: &dyn crate::durable::Durability, dir: &Path) -> Result<()> {
        use crate::durable::Target::Keys;
        crate::fsx::create_dir(dir)?;
        crate::fsx::write_private(
            d,
            &dir.join("ed25519.key"),
            hex(&self.ed.to_bytes()).as_bytes(),
            Keys,
        )?;
        crate::fsx::write_private(
            d,
            &dir.join("sm2.key"),
            hex(&self.sm2.to_bytes()).as_bytes(),
            Keys,
        )?;
        let pubs = &self.public;
        crate::fsx::write_atomic(
            d,
            &dir.join("ed25519.pub"),
            format!("{}\n", pubs.ed25519_verifier_key()).as_bytes(),
            crate::fsx::SEALED_MODE,
            Keys,
        )?;
        crate::fsx::write_atomic(
            d,
            &dir.join("sm2.pub"),
            pubs.sm2_text().as_bytes(),
            crate::fsx::SEALED_MODE,
            Keys,
        )?;
        Ok(())
    }

    /// Load private keys from `dir`.
    pub fn load(dir: &Path, name: &str) -> Result<Signer> {
        let read = |f: &str| -> Result<Vec<u8>> {
            let p = dir.join(f);
            let t = std::fs::read_to_string(&p).ctx("read key", &p)?;
            unhex(&t).ok_or_else(|| {
                Error::new(ErrorKind::Crypto, format!("{}: not a hex key", p.display()))
            })
        };
        let edb: [u8; 32] = read("ed25519.key")?
            .try_into()
            .map_err(|_| Error::new(ErrorKind::Crypto, "ed25519.key: expected 32 bytes"))?;
        let ed = ed25519_dalek::SigningKey::from_bytes(&edb);
        let sm2 = sm2::dsa::SigningKey::from_slice(SM2_DIST_ID, &read("sm2.key")?)
            .map_err(|_| Error::new(ErrorKind::Crypto, "sm2.key: invalid sm2 private key"))?;
        Ok(Signer::from_keys(name, ed, sm2))
    }

    /// The public half.
    pub fn public(&self) -> &PublicKeys {
        &self.public
    }

    /// Key name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Ed25519 signature over `msg`.
    pub fn sign_ed25519(&self, msg: &[u8]) -> [u8; 64] {
        self.ed.sign(msg).to_bytes()
    }

    /// SM2 signature (SM3 digest with Z_A over the default distinguishing ID), `r ‖ s`.
    pub fn sign_sm2(&self, msg: &[u8]) -> Result<[u8; 64]> {
        let s: sm2::dsa::Signature = self
            .sm2
            .try_sign(msg)
            .map_err(|_| Error::new(ErrorKind::Crypto, "sm2 signing failed"))?;
        let b = s.to_bytes();
        let mut out = [0u8; 64];
        out.copy_from_slice(&b);
        Ok(out)
    }
}

impl PublicKeys {
    /// The C2SP note verifier key string of the Ed25519 key:
    /// `name+<keyid hex>+base64(0x01 ‖ key)`.
    pub fn ed25519_verifier_key(&self) -> String {
        let mut k = vec![SIG_TYPE_ED25519];
        k.extend_from_slice(&self.ed.to_bytes());
        format!("{}+{:08x}+{}", self.name, self.ed25519_id, b64().encode(k))
    }

    /// The raw 32-byte Ed25519 public key.
    pub fn ed25519_bytes(&self) -> [u8; 32] {
        self.ed.to_bytes()
    }

    /// The SM2 public key as SEC1 uncompressed bytes (65), if known.
    pub fn sm2_sec1(&self) -> Option<Vec<u8>> {
        self.sm2.as_ref().map(|k| k.to_sec1_bytes().to_vec())
    }

    /// The SM2 public key as SEC1 uncompressed hex, if known.
    pub fn sm2_hex(&self) -> Option<String> {
        self.sm2.as_ref().map(|k| hex(&k.to_sec1_bytes()))
    }

    fn sm2_text(&self) -> String {
        format!(
            "# SM2 public key of {} (SEC1 uncompressed, hex); signatures: SM2 with SM3, distinguishing ID {}, key id {:08x}\n{}\n",
            self.name,
            SM2_DIST_ID,
            self.sm2_id,
            self.sm2_hex().unwrap_or_default()
        )
    }

    /// Parse a note verifier key string (`name+keyid+base64(0x01‖key)`).
    pub fn from_verifier_key(vkey: &str) -> Result<PublicKeys> {
        let bad = || {
            Error::new(
                ErrorKind::Crypto,
                format!("not an ed25519 note verifier key: {vkey:?}"),
            )
        };
        let mut it = vkey.trim().splitn(3, '+');
        let (Some(name), Some(id), Some(key)) = (it.next(), it.next(), it.next()) else {
            return Err(bad());
        };
        let id = u32::from_str_radix(id, 16).map_err(|_| bad())?;
        let k = b64().decode(key).map_err(|_| bad())?;
        let (Some(&SIG_TYPE_ED25519), Ok(pk)) =
            (k.first(), <[u8; 32]>::try_from(&k[1.min(k.len())..]))
        else {
            return Err(bad());
        };
        let ed = ed25519_dalek::VerifyingKey::from_bytes(&pk).map_err(|_| bad())?;
        if ed25519_key_id(name, &pk) != id {
            return Err(Error::new(
                ErrorKind::Crypto,
                format!("verifier key {vkey:?}: key id does not match the key"),
            ));
        }
        Ok(PublicKeys {
            name: name.to_owned(),
            ed,
            ed25519_id: id,
            sm2: None,
            sm2_id: 0,
        })
    }

    /// Add the SM2 key from the text of `sm2.pub` (hex of the SEC1 point; `#` lines ignored).
    pub fn with_sm2_text(mut self, text: &str) -> Result<PublicKeys> {
        let line = text
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty() && !l.starts_with('#'))
            .unwrap_or("");
        let b =
            unhex(line).ok_or_else(|| Error::new(ErrorKind::Crypto, "sm2 public key: not hex"))?;
        let k = sm2::dsa::VerifyingKey::from_sec1_bytes(SM2_DIST_ID, &b)
            .map_err(|_| Error::new(ErrorKind::Crypto, "sm2 public key: not a valid point"))?;
        self.sm2_id = sm2_key_id(&self.name, &b);
        self.sm2 = Some(k);
        Ok(self)
    }

    /// Load the exported public keys from a `keys/` directory.
    pub fn load(dir: &Path) -> Result<PublicKeys> {
        let p = dir.join("ed25519.pub");
        let t = std::fs::read_to_string(&p).ctx("read", &p)?;
        let k = PublicKeys::from_verifier_key(&t)?;
        let p = dir.join("sm2.pub");
        match std::fs::read_to_string(&p) {
            Ok(t) => k.with_sm2_text(&t),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(k),
            Err(e) => Err(Error::io("read", &p, e)),
        }
    }

    /// Check an Ed25519 signature.
    pub fn verify_ed25519(&self, msg: &[u8], sig: &[u8]) -> bool {
        let Ok(s) = ed25519_dalek::Signature::from_slice(sig) else {
            return false;
        };
        self.ed.verify(msg, &s).is_ok()
    }

    /// Check an SM2 signature (`r ‖ s`); false when no SM2 key is known.
    pub fn verify_sm2(&self, msg: &[u8], sig: &[u8]) -> bool {
        let (Some(k), Ok(s)) = (&self.sm2, sm2::dsa::Signature::from_slice(sig)) else {
            return false;
        };
        k.verify(msg, &s).is_ok()
    }

    /// Whether an SM2 key is known.
    pub fn has_sm2(&self) -> bool {
        self.sm2.is_some()
    }
}

/// Signature algorithm of a [`VerifierKey`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum KeyAlg {
    /// Ed25519 (C2SP signature type `0x01`).
    Ed25519,
    /// SM2 with SM3 and distinguishing ID `1234567812345678` (type `0xff` ‖ [`SM2_TYPE_ID`]).
    Sm2,
}

impl KeyAlg {
    /// Lowercase name (`ed25519`, `sm2`).
    pub fn name(self) -> &'static str {
        match self {
            KeyAlg::Ed25519 => "ed25519",
            KeyAlg::Sm2 => "sm2",
        }
    }
}

#[derive(Clone)]
enum VKey {
    Ed(ed25519_dalek::VerifyingKey),
    Sm2(Box<sm2::dsa::VerifyingKey>),
}

/// One public key in C2SP note verifier key form,
/// `<name>+<key id, 8 hex digits>+base64(<type> ‖ <public key>)`:
/// Ed25519 is type `0x01` followed by the 32-byte key; SM2 is `0xff` followed by
/// `wangan.sm2-sm3.v1` and the 65-byte SEC1 uncompressed point. The key id is
/// `SHA-256(name ‖ 0x0A ‖ type ‖ key)[:4]` in both cases.
#[derive(Clone)]
pub struct VerifierKey {
    /// Key name (the log origin).
    pub name: String,
    /// Key id.
    pub id: u32,
    key: VKey,
    /// The encoded public key (32-byte Ed25519 key or 65-byte SEC1 point).
    raw: Vec<u8>,
}

impl std::fmt::Debug for VerifierKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.vkey())
    }
}

impl PartialEq for VerifierKey {
    fn eq(&self, o: &VerifierKey) -> bool {
        self.name == o.name && self.alg() == o.alg() && self.raw == o.raw
    }
}

impl Eq for VerifierKey {}

/// Whether `name` is a valid C2SP key name: non-empty, no Unicode space, no `+`.
pub fn valid_key_name(name: &str) -> bool {
    !name.is_empty()
        && !name
            .chars()
            .any(|c| c == '+' || c.is_whitespace() || c.is_control())
}

impl VerifierKey {
    /// An Ed25519 key.
    pub fn ed25519(name: &str, public: &[u8; 32]) -> Result<VerifierKey> {
        let ed = ed25519_dalek::VerifyingKey::from_bytes(public)
            .map_err(|_| Error::new(ErrorKind::Crypto, "ed25519 public key: not a valid point"))?;
        Ok(VerifierKey {
            name: name.to_owned(),
            id: ed25519_key_id(name, public),
            key: VKey::Ed(ed),
            raw: public.to_vec(),
        })
    }

    /// An SM2 key from its SEC1 uncompressed point (65 bytes).
    pub fn sm2(name: &str, sec1: &[u8]) -> Result<VerifierKey> {
        if sec1.len() != 65 || sec1[0] != 0x04 {
            return Err(Error::new(
                ErrorKind::Crypto,
                "sm2 public key: not a 65-byte sec1 uncompressed point",
            ));
        }
        let k = sm2::dsa::VerifyingKey::from_sec1_bytes(SM2_DIST_ID, sec1)
            .map_err(|_| Error::new(ErrorKind::Crypto, "sm2 public key: not a valid point"))?;
        Ok(VerifierKey {
            name: name.to_owned(),
            id: sm2_key_id(name, sec1),
            key: VKey::Sm2(Box::new(k)),
            raw: sec1.to_vec(),
        })
    }

    /// Parse a verifier key string (Ed25519 or SM2; see [`VerifierKey`]). The
    /// key id must match the key.
    pub fn parse(vkey: &str) -> Result<VerifierKey> {
        let shown: String = vkey.chars().take(120).collect();
        let bad = |why: &str| {
            Error::new(
                ErrorKind::Crypto,
                format!("not a note verifier key ({why}): {shown:?}"),
            )
        };
        let mut it = vkey.trim().splitn(3, '+');
        let (Some(name), Some(id), Some(key)) = (it.next(), it.next(), it.next()) else {
            return Err(bad("expected name+keyid+key"));
        };
        if !valid_key_name(name) {
            return Err(bad("bad key name"));
        }
        if id.len() != 8 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad("key id is not 8 hex digits"));
        }
        let id = u32::from_str_radix(id, 16).map_err(|_| bad("key id is not hex"))?;
        let k = b64().decode(key).map_err(|_| bad("key is not base64"))?;
        let vk = match k.split_first() {
            Some((&SIG_TYPE_ED25519, pk)) => {
                let pk: [u8; 32] = pk
                    .try_into()
                    .map_err(|_| bad("ed25519 key is not 32 bytes"))?;
                VerifierKey::ed25519(name, &pk)?
            }
            Some((&SIG_TYPE_OTHER, rest)) => {
                let pt = rest
                    .strip_prefix(SM2_TYPE_ID)
                    .ok_or_else(|| bad("unknown signature type after 0xff"))?;
                VerifierKey::sm2(name, pt)?
            }
            _ => return Err(bad("unknown signature type")),
        };
        if vk.id != id {
            return Err(bad("key id does not match the key"));
        }
        Ok(vk)
    }

    /// The algorithm.
    pub fn alg(&self) -> KeyAlg {
        match self.key {
            VKey::Ed(_) => KeyAlg::Ed25519,
            VKey::Sm2(_) => KeyAlg::Sm2,
        }
    }

    /// The encoded public key: 32 bytes (Ed25519) or the 65-byte SEC1 point (SM2).
    pub fn public_bytes(&self) -> &[u8] {
        &self.raw
    }

    /// SHA-256 of [`VerifierKey::public_bytes`], hex: the fingerprint to compare out of band.
    pub fn fingerprint(&self) -> String {
        crate::HashAlg::Sha256.digest(&[&self.raw]).hex()
    }

    /// The verifier key string.
    pub fn vkey(&self) -> String {
        let mut k = Vec::with_capacity(1 + SM2_TYPE_ID.len() + self.raw.len());
        match self.key {
            VKey::Ed(_) => k.push(SIG_TYPE_ED25519),
            VKey::Sm2(_) => {
                k.push(SIG_TYPE_OTHER);
                k.extend_from_slice(SM2_TYPE_ID);
            }
        }
        k.extend_from_slice(&self.raw);
        format!("{}+{:08x}+{}", self.name, self.id, b64().encode(k))
    }

    /// Check a signature over `msg` (Ed25519: 64 bytes; SM2: `r ‖ s`, 64 bytes).
    pub fn verify(&self, msg: &[u8], sig: &[u8]) -> bool {
        match &self.key {
            VKey::Ed(k) => ed25519_dalek::Signature::from_slice(sig)
                .is_ok_and(|s| k.verify_strict(msg, &s).is_ok()),
            VKey::Sm2(k) => {
                sig.len() == 64
                    && sm2::dsa::Signature::from_slice(sig).is_ok_and(|s| k.verify(msg, &s).is_ok())
            }
        }
    }
}

impl PublicKeys {
    /// The keys as [`VerifierKey`]s (Ed25519, then SM2 when known).
    pub fn verifier_keys(&self) -> Vec<VerifierKey> {
        let mut v = Vec::with_capacity(2);
        if let Ok(k) = VerifierKey::ed25519(&self.name, &self.ed25519_bytes()) {
            v.push(k);
        }
        if let Some(p) = self.sm2_sec1()
            && let Ok(k) = VerifierKey::sm2(&self.name, &p)
        {
            v.push(k);
        }
        v
    }
}

/// Public keys a verifier trusts, obtained out of band (trust anchors): what
/// `check-bundle` requires a bundle's checkpoint to be signed with.
///
/// Key files are text, one key per line, `#` comments and blank lines
/// ignored; each line is a [`VerifierKey`] string. The `sm2.pub` a vault
/// writes (comment naming the key, then the hex SEC1 point) is read too.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedKeys {
    keys: Vec<VerifierKey>,
}

/// Longest key file read (bytes).
const MAX_KEY_FILE: u64 = 1 << 20;

impl TrustedKeys {
    /// No trusted key.
    pub fn new() -> TrustedKeys {
        TrustedKeys::default()
    }

    /// Trust `k` (a key already present is not added twice).
    pub fn add(&mut self, k: VerifierKey) {
        if !self.keys.contains(&k) {
            self.keys.push(k);
        }
    }

    /// Trust every key of `p`.
    pub fn add_public(&mut self, p: &PublicKeys) {
        for k in p.verifier_keys() {
            self.add(k);
        }
    }

    /// All trusted keys.
    pub fn keys(&self) -> &[VerifierKey] {
        &self.keys
    }

    /// Whether no key is trusted.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The trusted keys named `name`.
    pub fn named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a VerifierKey> + 'a {
        self.keys.iter().filter(move |k| k.name == name)
    }

    /// Parse the text of a key file; `what` names it in errors. SM2 keys in
    /// the hex form carry their name in the `# SM2 public key of NAME (` comment
    /// a vault writes; without it `default_name` is used, else it is an error.
    pub fn parse_text(
        text: &str,
        what: &str,
        default_name: Option<&str>,
    ) -> Result<Vec<VerifierKey>> {
        let mut out = Vec::new();
        let mut sm2_name: Option<&str> = None;
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if let Some(c) = line.strip_prefix('#') {
                if let Some(rest) = c.trim_start().strip_prefix("SM2 public key of ")
                    && let Some((n, _)) = rest.split_once(" (")
                {
                    sm2_name = Some(n);
                }
                continue;
            }
            if line.is_empty() {
                continue;
            }
            let at = || format!("{what} line {}", i + 1);
            let k = if line.contains('+') {
                VerifierKey::parse(line)
            } else if let Some(pt) = unhex(line) {
                match sm2_name.or(default_name) {
                    Some(n) => VerifierKey::sm2(n, &pt),
                    None => Err(Error::new(
                        ErrorKind::Crypto,
                        "sm2 key without a key name (give the keys/ directory, or the key as name+keyid+base64)",
                    )),
                }
            } else {
                Err(Error::new(
                    ErrorKind::Crypto,
                    "neither a note verifier key nor a hex sm2 key",
                ))
            };
            out.push(k.map_err(|e| Error::new(e.kind(), format!("{}: {e}", at())))?);
        }
        if out.is_empty() {
            return Err(Error::new(
                ErrorKind::Crypto,
                format!("{what}: no public key in the file"),
            ));
        }
        Ok(out)
    }

    /// Trust the keys of a key file, or of every `*.pub` file in a directory
    /// and its subdirectories (a `keys/` directory of a vault, or a trust
    /// store). Returns how many keys were read.
    pub fn load(&mut self, path: &Path) -> Result<usize> {
        let meta = std::fs::metadata(path).ctx("read", path)?;
        let mut n = 0;
        if meta.is_dir() {
            n += self.load_dir(path, 0)?;
        } else {
            for k in read_key_file(path, None)? {
                self.add(k);
                n += 1;
            }
        }
        Ok(n)
    }

    fn load_dir(&mut self, dir: &Path, depth: usize) -> Result<usize> {
        if depth > 4 {
            return Ok(0);
        }
        let mut entries: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
            .ctx("read directory", dir)?
            .map(|e| e.map(|e| e.path()))
            .collect::<std::io::Result<_>>()
            .ctx("read directory", dir)?;
        entries.sort();
        // a vault's keys/: name the hex sm2.pub after ed25519.pub
        let dir_name = entries
            .iter()
            .find(|p| p.file_name().is_some_and(|n| n == "ed25519.pub"))
            .and_then(|p| read_key_file(p, None).ok())
            .and_then(|v| v.first().map(|k| k.name.clone()));
        let mut n = 0;
        for p in entries {
            if p.is_dir() {
                n += self.load_dir(&p, depth + 1)?;
            } else if p.extension().is_some_and(|e| e == "pub") {
                for k in read_key_file(&p, dir_name.as_deref())? {
                    self.add(k);
                    n += 1;
                }
            }
        }
        Ok(n)
    }
}

fn read_key_file(p: &Path, default_name: Option<&str>) -> Result<Vec<VerifierKey>> {
    use std::io::Read as _;
    let f = std::fs::File::open(p).ctx("read", p)?;
    let mut text = String::new();
    f.take(MAX_KEY_FILE)
        .read_to_string(&mut text)
        .ctx("read", p)?;
    TrustedKeys::parse_text(&text, &p.display().to_string(), default_name)
}
