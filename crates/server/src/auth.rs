//! Access tokens: roles, creation, the hashed token file and request authentication.
//!
//! A token is `wgn_<id>_<secret>`: an 8-hex-digit id (shown by `wangan token list`) and
//! 256 random bits. Only its SHA-256 is stored, in `<data-dir>/tokens.json` (mode 0600); the
//! token itself is printed once, when created. A high-entropy random token needs no slow
//! password hash: guessing a 256-bit secret is hopeless whatever the hash costs.
//!
//! Changes (create, revoke) hold an exclusive lock on `<data-dir>/tokens.json.lock` from
//! reading the file to replacing it, and replace it atomically (a temporary file with a unique
//! name, fsync, rename, fsync of the directory): concurrent `wangan token` commands neither
//! lose a token nor undo a revocation, and a reader (the running server) sees the old file or
//! the new one, never a part.
//!
//! Shippers authenticate in different ways; all of these carry the same token:
//! - `Authorization: Bearer <token>`
//! - `Authorization: ApiKey <token>` or `ApiKey base64(<any id>:<token>)` (Elasticsearch API keys)
//! - `Authorization: Basic base64(<any user>:<token>)` (the token as basic-auth password)
//!
//! Roles follow least privilege: `ingest` may send logs and use the Elasticsearch-compatible
//! API, `metrics` may read `/metrics`; for the console's JSON API (`/api/v1/…` besides
//! `POST /api/v1/logs`), `auditor` may read (status, coverage, search, records with proofs,
//! run a verification), `operator` may also export evidence bundles, and `admin` may do
//! everything, including users and tokens.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, ErrorKind, Result};

/// Name of the token file in the data directory.
pub const TOKENS_FILE: &str = "tokens.json";
/// Name of the lock file that serialises changes to [`TOKENS_FILE`].
pub const TOKENS_LOCK: &str = "tokens.json.lock";
/// The schema name of [`TokenFile`], the token file on disk.
pub const FILE_SCHEMA: &str = "wangan.tokens/1";

/// What a token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Send logs (syslog is not token-based; HTTP and the Elasticsearch API are).
    Ingest,
    /// Read `/metrics`.
    Metrics,
    /// Console API: read-only (status, coverage, search, proofs, verification).
    Auditor,
    /// Console API: what an auditor may, plus exports (and registers).
    Operator,
    /// Everything.
    Admin,
}

impl Role {
    /// Lowercase name.
    pub fn name(self) -> &'static str {
        match self {
            Role::Ingest => "ingest",
            Role::Metrics => "metrics",
            Role::Auditor => "auditor",
            Role::Operator => "operator",
            Role::Admin => "admin",
        }
    }

    /// Whether a token of this role may do what `needed` allows.
    pub fn permits(self, needed: Role) -> bool {
        self == Role::Admin || self == needed || (self == Role::Operator && needed == Role::Auditor)
    }
}

/// One stored token (never the secret itself).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenEntry {
    /// Public id (8 hex digits).
    pub id: String,
    /// Role.
    pub role: Role,
    /// SHA-256 of the whole token, hex.
    pub sha256: String,
    /// Creation time, RFC 3339.
    pub created: String,
}

/// The token file, [`TOKENS_FILE`] in the data directory (schema `wangan.tokens/1`, mode
/// 0600): every token's id, role, SHA-256 and creation time, never a secret. Written in the
/// order the fields are declared.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenFile {
    /// Always [`FILE_SCHEMA`].
    pub schema: String,
    /// The tokens, oldest first.
    pub tokens: Vec<TokenEntry>,
}

impl TokenFile {
    /// The file holding `tokens`.
    pub fn new(tokens: Vec<TokenEntry>) -> TokenFile {
        TokenFile {
            schema: FILE_SCHEMA.into(),
            tokens,
        }
    }
}

/// A freshly created token: the only time its secret exists outside the client.
pub struct NewToken {
    /// Public id.
    pub id: String,
    /// Role.
    pub role: Role,
    /// The token (show once, never log).
    pub token: String,
}

impl std::fmt::Debug for NewToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewToken")
            .field("id", &self.id)
            .field("role", &self.role)
            .field("token", &"<redacted>")
            .finish()
    }
}

impl NewToken {
    /// The Elasticsearch "encoded" API key form: `base64(id:token)`.
    pub fn es_api_key(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode(format!("{}:{}", self.id, self.token))
    }

    /// The `wangan.token.create/1` document: the only one that holds the secret.
    pub fn document(&self) -> CreatedDoc<'_> {
        CreatedDoc {
            es_api_key: self.es_api_key(),
            id: &self.id,
            role: self.role.name(),
            schema: CREATE_SCHEMA,
            token: &self.token,
        }
    }
}

/// The schema name of [`CreatedDoc`].
pub const CREATE_SCHEMA: &str = "wangan.token.create/1";
/// The schema name of [`ListDoc`].
pub const LIST_SCHEMA: &str = "wangan.token.list/1";
/// The schema name of [`RevokedDoc`].
pub const REVOKE_SCHEMA: &str = "wangan.token.revoke/1";

/// The document of `wangan token create --json` (schema `wangan.token.create/1`).
#[derive(Serialize)]
pub struct CreatedDoc<'a> {
    /// The Elasticsearch "encoded" API key form of the token.
    pub es_api_key: String,
    /// Public id.
    pub id: &'a str,
    /// Role name.
    pub role: &'static str,
    /// Always [`CREATE_SCHEMA`].
    pub schema: &'static str,
    /// The token (shown once).
    pub token: &'a str,
}

impl std::fmt::Debug for CreatedDoc<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreatedDoc")
            .field("id", &self.id)
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

/// The document of `wangan token list --json` (schema `wangan.token.list/1`).
#[derive(Debug, Serialize)]
pub struct ListDoc<'a> {
    /// Always [`LIST_SCHEMA`].
    pub schema: &'static str,
    /// The tokens (never their secrets or hashes).
    pub tokens: Vec<ListRow<'a>>,
}

/// One token in [`ListDoc`].
#[derive(Debug, Serialize)]
pub struct ListRow<'a> {
    /// Creation time, RFC 3339.
    pub created: &'a str,
    /// Public id.
    pub id: &'a str,
    /// Role name.
    pub role: &'static str,
}

impl<'a> ListDoc<'a> {
    /// The document of `tokens`.
    pub fn new(tokens: &'a [TokenEntry]) -> ListDoc<'a> {
        ListDoc {
            schema: LIST_SCHEMA,
            tokens: tokens
                .iter()
                .map(|t| ListRow {
                    created: &t.created,
                    id: &t.id,
                    role: t.role.name(),
                })
                .collect(),
        }
    }
}

/// The document of `wangan token revoke --json` (schema `wangan.token.revoke/1`).
#[derive(Debug, Serialize)]
pub struct RevokedDoc<'a> {
    /// The token's public id.
    pub id: &'a str,
    /// Always `true` (an unknown id is an error).
    pub revoked: bool,
    /// Always [`REVOKE_SCHEMA`].
    pub schema: &'static str,
}

impl<'a> RevokedDoc<'a> {
    /// The token `id` was revoked.
    pub fn new(id: &'a str) -> RevokedDoc<'a> {
        RevokedDoc {
            id,
            revoked: true,
            schema: REVOKE_SCHEMA,
        }
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn sha256_hex(s: &[u8]) -> String {
    hex(&Sha256::digest(s))
}

fn tokens_path(dir: &Path) -> PathBuf {
    dir.join(TOKENS_FILE)
}

fn load_file(path: &Path) -> Result<Vec<TokenEntry>> {
    match std::fs::read(path) {
        Ok(b) => {
            let f: TokenFile = serde_json::from_slice(&b)
                .map_err(|e| Error::new(ErrorKind::Config, format!("{}: {e}", path.display())))?;
            if f.schema != FILE_SCHEMA {
                return Err(Error::new(
                    ErrorKind::Config,
                    format!(
                        "{}: schema {:?} is not {FILE_SCHEMA:?}",
                        path.display(),
                        f.schema
                    ),
                ));
            }
            Ok(f.tokens)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(Error::with_source(
            ErrorKind::Io,
            format!("read {}: {e}", path.display()),
            e,
        )),
    }
}

fn io_err(what: &str, p: &Path, e: std::io::Error) -> Error {
    Error::with_source(ErrorKind::Io, format!("{what} {}: {e}", p.display()), e)
}

fn save_file(path: &Path, tokens: Vec<TokenEntry>) -> Result<()> {
    use std::io::Write as _;
    let dir = path.parent().unwrap_or(Path::new("."));
    let body = serde_json::to_vec_pretty(&TokenFile::new(tokens))
        .map_err(|e| Error::new(ErrorKind::Io, format!("encode tokens: {e}")))?;
    // unique per writer: two processes never share a temporary file
    let mut r = [0u8; 8];
    getrandom::fill(&mut r)
        .map_err(|e| Error::new(ErrorKind::Io, format!("no random bytes from the os: {e}")))?;
    let tmp = dir.join(format!(
        ".tmp-{TOKENS_FILE}.{}.{}",
        std::process::id(),
        hex(&r)
    ));
    let written = (|| {
        let mut o = std::fs::OpenOptions::new();
        o.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            o.mode(0o600);
        }
        let mut f = o.open(&tmp).map_err(|e| io_err("create", &tmp, e))?;
        f.write_all(&body).map_err(|e| io_err("write", &tmp, e))?;
        f.sync_all().map_err(|e| io_err("fsync", &tmp, e))?;
        std::fs::rename(&tmp, path).map_err(|e| io_err("rename into place", path, e))
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written?;
    #[cfg(unix)]
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| io_err("fsync directory", dir, e))?;
    Ok(())
}

/// Run `f` (a read-modify-write of the token file) holding the exclusive token lock of `dir`.
fn locked<T>(dir: &Path, f: impl FnOnce(&Path) -> Result<T>) -> Result<T> {
    std::fs::create_dir_all(dir).map_err(|e| io_err("create directory", dir, e))?;
    let lp = dir.join(TOKENS_LOCK);
    let mut o = std::fs::OpenOptions::new();
    o.create(true).truncate(false).write(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    let lock = o.open(&lp).map_err(|e| io_err("open", &lp, e))?;
    lock.lock().map_err(|e| io_err("lock", &lp, e))?;
    let r = f(&tokens_path(dir));
    // closing the file releases the lock
    drop(lock);
    r
}

fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Create a token with `role` in the data directory `dir` and return it (the only time the
/// secret is available).
pub fn create_token(dir: &Path, role: Role) -> Result<NewToken> {
    let mut raw = [0u8; 36];
    getrandom::fill(&mut raw)
        .map_err(|e| Error::new(ErrorKind::Io, format!("no random bytes from the os: {e}")))?;
    let id = hex(&raw[..4]);
    let secret = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&raw[4..]);
    let token = format!("wgn_{id}_{secret}");
    let entry = TokenEntry {
        id: id.clone(),
        role,
        sha256: sha256_hex(token.as_bytes()),
        created: now_rfc3339(),
    };
    locked(dir, |path| {
        let mut tokens = load_file(path)?;
        tokens.push(entry);
        save_file(path, tokens)
    })?;
    Ok(NewToken { id, role, token })
}

/// The stored tokens (ids, roles, creation times; no secrets).
pub fn list_tokens(dir: &Path) -> Result<Vec<TokenEntry>> {
    load_file(&tokens_path(dir))
}

/// Remove the token with this id; returns whether it existed.
pub fn revoke_token(dir: &Path, id: &str) -> Result<bool> {
    locked(dir, |path| {
        let mut tokens = load_file(path)?;
        let before = tokens.len();
        tokens.retain(|t| t.id != id);
        if tokens.len() == before {
            return Ok(false);
        }
        save_file(path, tokens)?;
        Ok(true)
    })
}

/// Outcome of authenticating a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthResult {
    /// A valid token of this role.
    Ok(Role),
    /// No credentials.
    Missing,
    /// Credentials that match no token.
    Invalid,
}

/// The token set a running server checks against; reloads `tokens.json` when it changes, so
/// `wangan token create` and `revoke` take effect without a restart.
#[derive(Debug)]
pub struct TokenStore {
    path: PathBuf,
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    by_hash: HashMap<[u8; 32], Role>,
    stamp: Option<Stamp>,
    checked: Instant,
}

/// What tells that the token file changed: a replaced file is a new inode, so two changes
/// within one mtime tick are still seen.
type Stamp = (SystemTime, u64, u64);

fn stamp(p: &Path) -> Option<Stamp> {
    let m = std::fs::metadata(p).ok()?;
    #[cfg(unix)]
    let ino = std::os::unix::fs::MetadataExt::ino(&m);
    #[cfg(not(unix))]
    let ino = 0;
    Some((m.modified().ok()?, m.len(), ino))
}

fn index(tokens: &[TokenEntry]) -> HashMap<[u8; 32], Role> {
    let mut m = HashMap::new();
    for t in tokens {
        let Some(b) = (0..32)
            .map(|i| u8::from_str_radix(t.sha256.get(2 * i..2 * i + 2)?, 16).ok())
            .collect::<Option<Vec<u8>>>()
        else {
            continue;
        };
        if let Ok(h) = <[u8; 32]>::try_from(b) {
            m.insert(h, t.role);
        }
    }
    m
}

impl TokenStore {
    /// Load the tokens of data directory `dir`.
    pub fn open(dir: &Path) -> Result<TokenStore> {
        let path = tokens_path(dir);
        let tokens = load_file(&path)?;
        Ok(TokenStore {
            state: Mutex::new(State {
                by_hash: index(&tokens),
                stamp: stamp(&path),
                checked: Instant::now(),
            }),
            path,
        })
    }

    fn lookup(&self, token: &[u8]) -> Option<Role> {
        let h: [u8; 32] = Sha256::digest(token).into();
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(r) = st.by_hash.get(&h) {
            // a revoked token stops working within a second
            if st.checked.elapsed() < Duration::from_secs(1) {
                return Some(*r);
            }
        }
        if st.checked.elapsed() >= Duration::from_millis(200) || !st.by_hash.contains_key(&h) {
            let m = stamp(&self.path);
            if m != st.stamp {
                match load_file(&self.path) {
                    Ok(t) => {
                        st.by_hash = index(&t);
                        st.stamp = m;
                        tracing::info!(tokens = st.by_hash.len(), "token file reloaded");
                    }
                    Err(e) => tracing::warn!(error = %e, "token file not reloaded"),
                }
            }
            st.checked = Instant::now();
        }
        st.by_hash.get(&h).copied()
    }

    /// Authenticate the value of an `Authorization` header.
    pub fn authenticate(&self, authorization: Option<&[u8]>) -> AuthResult {
        let Some(h) = authorization else {
            return AuthResult::Missing;
        };
        for c in candidates(h) {
            if c.starts_with(b"wgn_")
                && let Some(r) = self.lookup(&c)
            {
                return AuthResult::Ok(r);
            }
        }
        AuthResult::Invalid
    }
}

/// The strings an `Authorization` header may carry a token in (see the module docs).
fn candidates(h: &[u8]) -> Vec<Vec<u8>> {
    let Ok(h) = std::str::from_utf8(h) else {
        return Vec::new();
    };
    let h = h.trim();
    let (scheme, value) = h.split_once(' ').unwrap_or((h, ""));
    let value = value.trim();
    let b64 = base64::engine::general_purpose::STANDARD;
    match scheme.to_ascii_lowercase().as_str() {
        "bearer" => vec![value.as_bytes().to_vec()],
        "apikey" => {
            let mut v = vec![value.as_bytes().to_vec()];
            if let Ok(d) = b64.decode(value) {
                if let Some(i) = d.iter().position(|b| *b == b':') {
                    v.push(d[i + 1..].to_vec());
                }
                v.push(d);
            }
            v
        }
        "basic" => match b64.decode(value) {
            Ok(d) => match d.iter().position(|b| *b == b':') {
                Some(i) => vec![d[i + 1..].to_vec(), d[..i].to_vec()],
                None => vec![d],
            },
            Err(_) => vec![],
        },
        _ => vec![],
    }
}

/// The public id of a token presented in an `Authorization` header (`wgn_<8 hex>_…`), for
/// logging a refusal: the id only, never anything of the secret.
pub fn presented_token_id(authorization: Option<&[u8]>) -> Option<String> {
    candidates(authorization?).into_iter().find_map(|c| {
        let rest = c.strip_prefix(b"wgn_")?;
        let id = rest.get(..8)?;
        (rest.get(8) == Some(&b'_') && id.iter().all(|b| b.is_ascii_hexdigit()))
            .then(|| String::from_utf8_lossy(id).to_ascii_lowercase())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_header_form_carries_the_token_and_revocation_works() {
        let d = tempfile::tempdir().unwrap();
        let t = create_token(d.path(), Role::Ingest).unwrap();
        let m = create_token(d.path(), Role::Metrics).unwrap();
        let text = std::fs::read_to_string(d.path().join(TOKENS_FILE)).unwrap();
        assert!(!text.contains(&t.token), "the secret is never stored");
        let s = TokenStore::open(d.path()).unwrap();
        let b64 = base64::engine::general_purpose::STANDARD;
        let ok = AuthResult::Ok(Role::Ingest);
        let cases: Vec<(String, AuthResult)> = vec![
            (format!("Bearer {}", t.token), ok),
            (format!("bearer  {}", t.token), ok),
            (format!("ApiKey {}", t.token), ok),
            (format!("ApiKey {}", t.es_api_key()), ok),
            (
                format!("ApiKey {}", b64.encode(format!("x:{}", t.token))),
                ok,
            ),
            (
                format!("Basic {}", b64.encode(format!("elastic:{}", t.token))),
                ok,
            ),
            (format!("Basic {}", b64.encode(format!("{}:", t.token))), ok),
            (format!("Bearer {}", m.token), AuthResult::Ok(Role::Metrics)),
            (format!("Bearer {}x", t.token), AuthResult::Invalid),
            ("Bearer wgn_00000000_AAAA".into(), AuthResult::Invalid),
            ("Basic !!!".into(), AuthResult::Invalid),
            (format!("Digest {}", t.token), AuthResult::Invalid),
        ];
        for (h, want) in cases {
            assert_eq!(s.authenticate(Some(h.as_bytes())), want, "{h}");
        }
        assert_eq!(s.authenticate(None), AuthResult::Missing);
        // created after the store opened: picked up without restart
        let late = create_token(d.path(), Role::Admin).unwrap();
        std::thread::sleep(Duration::from_millis(20));
        let h = format!("Bearer {}", late.token);
        // mtime granularity may hide a change within the same tick; force a different mtime
        let f = std::fs::File::options()
            .append(true)
            .open(d.path().join(TOKENS_FILE))
            .unwrap();
        f.set_modified(SystemTime::now() + Duration::from_secs(5))
            .unwrap();
        assert_eq!(
            s.authenticate(Some(h.as_bytes())),
            AuthResult::Ok(Role::Admin)
        );
        assert!(revoke_token(d.path(), &t.id).unwrap());
        assert!(!revoke_token(d.path(), &t.id).unwrap());
        let ids: Vec<String> = list_tokens(d.path())
            .unwrap()
            .into_iter()
            .map(|e| e.id)
            .collect();
        assert_eq!(ids, vec![m.id.clone(), late.id.clone()]);
        assert_eq!(
            presented_token_id(Some(format!("Bearer {}", t.token).as_bytes())),
            Some(t.id.clone())
        );
        assert_eq!(
            presented_token_id(Some(format!("ApiKey {}", t.es_api_key()).as_bytes())),
            Some(t.id.clone())
        );
        assert_eq!(presented_token_id(Some(b"Bearer nope")), None);
        assert_eq!(presented_token_id(Some(b"Bearer wgn_zz000000_x")), None);
        assert!(Role::Admin.permits(Role::Metrics));
        assert!(!Role::Ingest.permits(Role::Metrics));
        assert!(!Role::Metrics.permits(Role::Ingest));
        assert!(Role::Operator.permits(Role::Auditor));
        assert!(!Role::Auditor.permits(Role::Operator));
        assert!(!Role::Operator.permits(Role::Ingest));
        assert!(!Role::Auditor.permits(Role::Metrics));
    }
}
