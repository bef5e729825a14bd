//! Console users: names, roles and argon2id password hashes in `<data-dir>/users.json`.
//!
//! The file (mode 0600, schema `wangan.users/1`) holds each user's name, role, PHC string
//! (`$argon2id$v=19$m=7168,t=5,p=1$…`: of the configurations OWASP gives as equally strong,
//! the one with the least memory, 7 MiB per hash; a hash made with other parameters, such as
//! the older `m=19456,t=2`, is checked with its own),
//! creation time and whether the account is disabled. Passwords themselves are never stored,
//! logged or printed, except a password wangan generates itself, shown once to the person who
//! asked for it. Every change takes an exclusive lock on `users.lock` around read, modify and
//! atomic replace, so concurrent `wangan user` commands and the console lose nothing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

use argon2::password_hash::phc::{Output, ParamsString, PasswordHash, Salt};
use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorKind, Result};

/// Name of the users file in the data directory.
pub const USERS_FILE: &str = "users.json";
const LOCK_FILE: &str = "users.lock";
/// The schema name of [`UsersFile`], the users file on disk.
pub const FILE_SCHEMA: &str = "wangan.users/1";
/// Shortest password accepted (NIST SP 800-63B asks at least 8; 12 leaves margin).
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Longest password accepted (argon2 hashes any length; this bounds the work per request).
pub const MAX_PASSWORD_BYTES: usize = 1024;
/// Longest user name, in characters.
pub const MAX_NAME_CHARS: usize = 64;

/// What a console user may do (least privilege).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UserRole {
    /// Read only: dashboard, logs, records with proofs, verification, reports.
    Auditor,
    /// An auditor's rights plus evidence exports (and registers).
    Operator,
    /// Everything, including users and tokens.
    Admin,
}

impl UserRole {
    /// Every role, least privileged first.
    pub const ALL: [UserRole; 3] = [UserRole::Auditor, UserRole::Operator, UserRole::Admin];

    /// Lowercase name.
    pub fn name(self) -> &'static str {
        match self {
            UserRole::Auditor => "auditor",
            UserRole::Operator => "operator",
            UserRole::Admin => "admin",
        }
    }

    /// Parse a lowercase name.
    pub fn parse(s: &str) -> Option<UserRole> {
        UserRole::ALL.into_iter().find(|r| r.name() == s)
    }

    /// The token role with the same rights in the JSON API.
    pub fn token_role(self) -> crate::auth::Role {
        match self {
            UserRole::Auditor => crate::auth::Role::Auditor,
            UserRole::Operator => crate::auth::Role::Operator,
            UserRole::Admin => crate::auth::Role::Admin,
        }
    }
}

/// One stored user (the hash is not shown by `Debug`).
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct User {
    /// Login name.
    pub name: String,
    /// Role.
    pub role: UserRole,
    /// argon2id PHC string.
    pub hash: String,
    /// Creation time, RFC 3339.
    pub created: String,
    /// When the password was last set, RFC 3339.
    pub password_set: String,
    /// A disabled user cannot log in; their sessions end.
    #[serde(default)]
    pub disabled: bool,
}

impl std::fmt::Debug for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User")
            .field("name", &self.name)
            .field("role", &self.role)
            .field("created", &self.created)
            .field("disabled", &self.disabled)
            .finish_non_exhaustive()
    }
}

/// The users file, [`USERS_FILE`] in the data directory (schema `wangan.users/1`, mode
/// 0600): each user's name, role, argon2id PHC string, times and whether they are disabled.
/// Written in the order the fields are declared.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UsersFile {
    /// Always [`FILE_SCHEMA`].
    pub schema: String,
    /// The users, in the order they were added.
    pub users: Vec<User>,
}

impl UsersFile {
    /// The file holding `users`.
    pub fn new(users: Vec<User>) -> UsersFile {
        UsersFile {
            schema: FILE_SCHEMA.into(),
            users,
        }
    }
}

fn invalid(msg: impl Into<String>) -> Error {
    Error::new(ErrorKind::Invalid, msg)
}

/// Check a user name: 1 to 64 letters (any script), digits or `. _ - @`.
pub fn check_name(name: &str) -> Result<()> {
    let n = name.chars().count();
    if n == 0 {
        return Err(invalid("user name is empty"));
    }
    if n > MAX_NAME_CHARS {
        return Err(invalid(format!(
            "user name is longer than {MAX_NAME_CHARS} characters"
        )));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '@')))
    {
        return Err(invalid(format!(
            "user name may hold letters, digits and . _ - @ only, not {:?}",
            c.escape_default().to_string()
        )));
    }
    Ok(())
}

/// Check a new password: at least 12 characters, at most 1024 bytes, not all one character.
pub fn check_password(pw: &str) -> Result<()> {
    if pw.chars().count() < MIN_PASSWORD_CHARS {
        return Err(invalid(format!(
            "password is shorter than {MIN_PASSWORD_CHARS} characters"
        )));
    }
    if pw.len() > MAX_PASSWORD_BYTES {
        return Err(invalid(format!(
            "password is longer than {MAX_PASSWORD_BYTES} bytes"
        )));
    }
    let mut cs = pw.chars();
    if let Some(first) = cs.next()
        && cs.all(|c| c == first)
    {
        return Err(invalid("password repeats one character"));
    }
    Ok(())
}

/// argon2id memory in KiB: OWASP's `m=7168, t=5, p=1` ("an equal level of defense" as its
/// `m=19456, t=2, p=1` minimum, in 7 MiB instead of 19).
const M_COST: u32 = 7 * 1024;
/// argon2id passes for [`M_COST`].
const T_COST: u32 = 5;

/// A hash in today's parameters of a password nobody kept: a name that is not a user is
/// checked against it, so that a wrong name takes as long as a wrong password. A constant
/// (it was hashed at every start, 7 MiB for nothing): the test
/// `the_dummy_hash_has_todays_parameters` keeps it in step with the parameters of new hashes.
pub const DUMMY_HASH: &str = "$argon2id$v=19$m=7168,t=5,p=1$9hvHGDhcHaUXUT4Xailf9Q$/VMVMcLFhrrTUO0zeUIzYPzdUppZEGvdhnfeL62EsFs";

/// Hashes and checks run one at a time (at most one CPU and one buffer of [`M_COST`] KiB
/// spent on them, however many people sign in at once). The buffer is allocated for each
/// hash and given back right after: kept, it stayed resident for the server's life (7 MiB
/// of the console's memory, from the first hash at start).
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn params(m: u32, t: u32) -> std::result::Result<argon2::Params, argon2::Error> {
    argon2::Params::new(m, t, 1, None)
}

/// argon2id of `pw` with `salt` and `params` into `out`, one hash at a time.
fn argon2id(
    pw: &[u8],
    salt: &[u8],
    params: argon2::Params,
    version: argon2::Version,
    out: &mut [u8],
) -> std::result::Result<(), argon2::Error> {
    let a = argon2::Argon2::new(argon2::Algorithm::Argon2id, version, params.clone());
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let mut mem = vec![argon2::Block::new(); params.block_count()];
    a.hash_password_into_with_memory(pw, salt, out, &mut mem[..])
}

/// Hash a password with argon2id (random salt, the parameters above) into a PHC string.
pub fn hash_password(pw: &str) -> Result<String> {
    let fail = |e: String| Error::new(ErrorKind::Io, format!("hash the password: {e}"));
    let p = params(M_COST, T_COST).map_err(|e| fail(e.to_string()))?;
    let salt = Salt::generate();
    let mut out = [0u8; argon2::Params::DEFAULT_OUTPUT_LEN];
    argon2id(
        pw.as_bytes(),
        &salt,
        p.clone(),
        argon2::Version::V0x13,
        &mut out,
    )
    .map_err(|e| fail(e.to_string()))?;
    let h = PasswordHash {
        algorithm: argon2::Algorithm::Argon2id.ident(),
        version: Some(argon2::Version::V0x13.into()),
        params: ParamsString::try_from(&p).map_err(|e| fail(e.to_string()))?,
        salt: Some(salt),
        hash: Some(Output::new(&out).map_err(|e| fail(e.to_string()))?),
    };
    Ok(h.to_string())
}

/// Whether `pw` matches the PHC string `hash` (argon2id with the parameters it names; the
/// outputs compared in constant time).
pub fn verify_password(hash: &str, pw: &str) -> bool {
    if pw.len() > MAX_PASSWORD_BYTES {
        return false;
    }
    let Ok(h) = PasswordHash::new(hash) else {
        return false;
    };
    if h.algorithm != argon2::Algorithm::Argon2id.ident() {
        return false;
    }
    let (Ok(p), Some(salt), Some(expected)) = (argon2::Params::try_from(&h), &h.salt, &h.hash)
    else {
        return false;
    };
    let Ok(version) = argon2::Version::try_from(h.version.unwrap_or(0x13)) else {
        return false;
    };
    let mut out = vec![0u8; expected.len()];
    if argon2id(pw.as_bytes(), salt, p, version, &mut out).is_err() {
        return false;
    }
    Output::new(&out).is_ok_and(|o| o == *expected)
}

/// A random password of 20 characters (120 bits), for a first admin or a reset.
pub fn generate_password() -> Result<String> {
    use base64::Engine as _;
    let mut raw = [0u8; 15];
    getrandom::fill(&mut raw)
        .map_err(|e| Error::new(ErrorKind::Io, format!("no random bytes from the os: {e}")))?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw))
}

fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

fn io_err(what: &str, p: &Path, e: std::io::Error) -> Error {
    Error::with_source(ErrorKind::Io, format!("{what} {}: {e}", p.display()), e)
}

fn load(path: &Path) -> Result<Vec<User>> {
    match std::fs::read(path) {
        Ok(b) => {
            let f: UsersFile = serde_json::from_slice(&b)
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
            Ok(f.users)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(io_err("read", path, e)),
    }
}

fn save(path: &Path, users: Vec<User>) -> Result<()> {
    use std::io::Write as _;
    let dir = path.parent().unwrap_or(Path::new("."));
    let body = serde_json::to_vec_pretty(&UsersFile::new(users))
        .map_err(|e| Error::new(ErrorKind::Io, format!("encode users: {e}")))?;
    let tmp = dir.join(format!(".tmp-{USERS_FILE}-{}", std::process::id()));
    let _ = std::fs::remove_file(&tmp);
    {
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
    }
    std::fs::rename(&tmp, path).map_err(|e| io_err("rename into place", path, e))?;
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Read, change and write the users file under an exclusive lock.
fn modify<T>(dir: &Path, f: impl FnOnce(&mut Vec<User>) -> Result<T>) -> Result<T> {
    std::fs::create_dir_all(dir).map_err(|e| io_err("create directory", dir, e))?;
    let lock_path = dir.join(LOCK_FILE);
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    let lock = o
        .open(&lock_path)
        .map_err(|e| io_err("open", &lock_path, e))?;
    lock.lock().map_err(|e| io_err("lock", &lock_path, e))?;
    let path = dir.join(USERS_FILE);
    let mut users = load(&path)?;
    let out = f(&mut users)?;
    save(&path, users)?;
    drop(lock);
    Ok(out)
}

fn find<'a>(users: &'a mut [User], name: &str) -> Result<&'a mut User> {
    users
        .iter_mut()
        .find(|u| u.name == name)
        .ok_or_else(|| Error::new(ErrorKind::NotFound, format!("no user {name:?}")))
}

fn active_admins(users: &[User]) -> usize {
    users
        .iter()
        .filter(|u| u.role == UserRole::Admin && !u.disabled)
        .count()
}

/// The users of data directory `dir`, in file order.
pub fn list_users(dir: &Path) -> Result<Vec<User>> {
    load(&dir.join(USERS_FILE))
}

/// Add a user with a checked name and password (hashed here).
pub fn add_user(dir: &Path, name: &str, role: UserRole, password: &str) -> Result<()> {
    check_name(name)?;
    check_password(password)?;
    let hash = hash_password(password)?;
    modify(dir, |users| {
        if users.iter().any(|u| u.name == name) {
            return Err(invalid(format!("user {name:?} exists already")));
        }
        let now = now_rfc3339();
        users.push(User {
            name: name.to_owned(),
            role,
            hash,
            created: now.clone(),
            password_set: now,
            disabled: false,
        });
        Ok(())
    })
}

/// Add the first administrator `admin` with a generated password when there is no user yet;
/// returns the password (to show once) when it did.
pub fn ensure_first_admin(dir: &Path) -> Result<Option<(String, String)>> {
    if !list_users(dir)?.is_empty() {
        return Ok(None);
    }
    let pw = generate_password()?;
    let hash = hash_password(&pw)?;
    modify(dir, |users| {
        if !users.is_empty() {
            return Ok(None);
        }
        let now = now_rfc3339();
        users.push(User {
            name: "admin".into(),
            role: UserRole::Admin,
            hash,
            created: now.clone(),
            password_set: now,
            disabled: false,
        });
        Ok(Some(("admin".to_owned(), pw)))
    })
}

/// Set a user's password (checked, hashed here).
pub fn set_password(dir: &Path, name: &str, password: &str) -> Result<()> {
    check_password(password)?;
    let hash = hash_password(password)?;
    modify(dir, |users| {
        let u = find(users, name)?;
        u.hash = hash;
        u.password_set = now_rfc3339();
        Ok(())
    })
}

/// Whether `hash` was made with other parameters than today's (an older wangan's argon2id
/// m=19456,t=2): [`rehash`] it at the next sign-in, when the password is at hand.
pub fn needs_rehash(hash: &str) -> bool {
    let Ok(h) = PasswordHash::new(hash) else {
        return false;
    };
    let Ok(p) = argon2::Params::try_from(&h) else {
        return false;
    };
    h.algorithm != argon2::Algorithm::Argon2id.ident()
        || h.version != Some(argon2::Version::V0x13.into())
        || (p.m_cost(), p.t_cost(), p.p_cost()) != (M_COST, T_COST, 1)
}

/// Hash `password` again with today's parameters for user `name`, whose stored hash is
/// `old` (checked against `password` by the caller). Nothing changes when the stored hash is
/// no longer `old` (changed meanwhile); `password_set` keeps its time (the password is the
/// same). Returns whether the hash was replaced.
pub fn rehash(dir: &Path, name: &str, old: &str, password: &str) -> Result<bool> {
    let hash = hash_password(password)?;
    modify(dir, |users| {
        let u = find(users, name)?;
        if u.hash != old {
            return Ok(false);
        }
        u.hash = hash;
        Ok(true)
    })
}

/// Change a user's role; refuses to leave no active administrator.
pub fn set_role(dir: &Path, name: &str, role: UserRole) -> Result<()> {
    modify(dir, |users| {
        find(users, name)?.role = role;
        if active_admins(users) == 0 {
            return Err(invalid("refused: this would leave no active administrator"));
        }
        Ok(())
    })
}

/// Disable or enable a user; refuses to leave no active administrator.
pub fn set_disabled(dir: &Path, name: &str, disabled: bool) -> Result<()> {
    modify(dir, |users| {
        find(users, name)?.disabled = disabled;
        if active_admins(users) == 0 {
            return Err(invalid("refused: this would leave no active administrator"));
        }
        Ok(())
    })
}

/// Remove a user; refuses to remove the last active administrator.
pub fn remove_user(dir: &Path, name: &str) -> Result<()> {
    modify(dir, |users| {
        find(users, name)?;
        users.retain(|u| u.name != name);
        if active_admins(users) == 0 {
            return Err(invalid("refused: this would leave no active administrator"));
        }
        Ok(())
    })
}

/// The users a running server checks against; reloads `users.json` when it changes, so
/// `wangan user …` takes effect without a restart (a disabled or removed user's next request
/// is refused).
#[derive(Debug)]
pub struct UserStore {
    path: PathBuf,
    state: Mutex<Cache>,
}

#[derive(Debug)]
struct Cache {
    users: BTreeMap<String, User>,
    /// Modification time, inode and length of the file last read: the file is replaced by a
    /// rename, so a change shows in the inode even within one tick of the file system's clock.
    mtime: Option<(SystemTime, u64, u64)>,
    checked: Instant,
}

fn mtime(p: &Path) -> Option<(SystemTime, u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::metadata(p).ok()?;
    Some((m.modified().ok()?, m.ino(), m.len()))
}

impl UserStore {
    /// Load the users of data directory `dir`.
    pub fn open(dir: &Path) -> Result<UserStore> {
        let path = dir.join(USERS_FILE);
        let users = load(&path)?;
        Ok(UserStore {
            state: Mutex::new(Cache {
                users: users.into_iter().map(|u| (u.name.clone(), u)).collect(),
                mtime: mtime(&path),
                checked: Instant::now(),
            }),
            path,
        })
    }

    /// Reload now if the file changed (after the console itself changed it).
    pub fn refresh(&self) {
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        Self::reload(&self.path, &mut st);
    }

    fn reload(path: &Path, st: &mut Cache) {
        let m = mtime(path);
        if m != st.mtime || st.checked.elapsed() >= Duration::from_secs(5) {
            match load(path) {
                Ok(u) => {
                    st.users = u.into_iter().map(|u| (u.name.clone(), u)).collect();
                    st.mtime = m;
                }
                Err(e) => tracing::warn!(error = %e, "users file not reloaded"),
            }
        }
        st.checked = Instant::now();
    }

    /// The user `name`, reloading the file at most every 200 ms.
    pub fn get(&self, name: &str) -> Option<User> {
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if st.checked.elapsed() >= Duration::from_millis(200) {
            Self::reload(&self.path, &mut st);
        }
        st.users.get(name).cloned()
    }

    /// Every user, by name.
    pub fn all(&self) -> Vec<User> {
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        Self::reload(&self.path, &mut st);
        st.users.values().cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_older_hash_is_replaced_at_sign_in_and_the_password_still_works() {
        use argon2::password_hash::PasswordHasher as _;
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        add_user(dir, "alice", UserRole::Auditor, "alice's long password").unwrap();
        let today = list_users(dir).unwrap()[0].hash.clone();
        assert!(!needs_rehash(&today), "{today}");
        // the hash an older wangan wrote (argon2's defaults)
        let old = argon2::Argon2::default()
            .hash_password(b"alice's long password")
            .unwrap()
            .to_string();
        assert!(needs_rehash(&old), "{old}");
        modify(dir, |u| {
            u[0].hash = old.clone();
            Ok(())
        })
        .unwrap();
        let set = list_users(dir).unwrap()[0].password_set.clone();
        // changed meanwhile: left alone
        assert!(!rehash(dir, "alice", "another hash", "alice's long password").unwrap());
        assert_eq!(list_users(dir).unwrap()[0].hash, old);
        assert!(rehash(dir, "alice", &old, "alice's long password").unwrap());
        let u = list_users(dir).unwrap().remove(0);
        assert!(!needs_rehash(&u.hash), "{}", u.hash);
        assert!(verify_password(&u.hash, "alice's long password"));
        assert_eq!(u.password_set, set, "the password did not change");
        assert!(!needs_rehash("not a hash"));
    }

    #[test]
    fn the_dummy_hash_has_todays_parameters() {
        let h = PasswordHash::new(DUMMY_HASH).unwrap();
        let p = argon2::Params::try_from(&h).unwrap();
        assert_eq!((p.m_cost(), p.t_cost(), p.p_cost()), (M_COST, T_COST, 1));
        assert_eq!(h.algorithm, argon2::Algorithm::Argon2id.ident());
        assert!(!verify_password(DUMMY_HASH, "not a password of anyone"));
        let fresh = hash_password("x".repeat(16).as_str()).unwrap();
        assert_eq!(
            fresh.rsplitn(3, '$').nth(2),
            DUMMY_HASH.rsplitn(3, '$').nth(2),
            "same algorithm, version and parameters"
        );
    }

    #[test]
    fn hashes_use_owasps_7_mib_configuration_and_older_ones_still_verify() {
        let h = hash_password("a long enough password").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=7168,t=5,p=1$"), "{h}");
        assert!(verify_password(&h, "a long enough password"));
        assert!(!verify_password(&h, "a long enough passwore"));
        // made by argon2's defaults (m=19456, t=2: what users.json held before)
        use argon2::password_hash::PasswordHasher as _;
        let old = argon2::Argon2::default()
            .hash_password(b"an older password hash")
            .unwrap()
            .to_string();
        assert!(old.contains("m=19456,t=2,p=1"), "{old}");
        assert!(verify_password(&old, "an older password hash"));
        assert!(!verify_password(&old, "an older password hasH"));
        // other PHC strings never match
        for bad in [
            "",
            "$argon2i$v=19$m=7168,t=5,p=1$c2FsdHNhbHQ$aGFzaA",
            "$argon2id$v=19$m=7168,t=5,p=1$c2FsdHNhbHQ",
            &h.replace("$v=19$", "$v=99$"),
        ] {
            assert!(!verify_password(bad, "a long enough password"), "{bad}");
        }
    }

    #[test]
    fn users_are_hashed_locked_and_the_last_admin_is_kept() {
        let d = tempfile::tempdir().unwrap();
        let (name, pw) = ensure_first_admin(d.path()).unwrap().unwrap();
        assert_eq!(name, "admin");
        assert!(ensure_first_admin(d.path()).unwrap().is_none());
        let text = std::fs::read_to_string(d.path().join(USERS_FILE)).unwrap();
        assert!(!text.contains(&pw), "the password is never stored");
        assert!(text.contains("$argon2id$"), "{text}");
        let u = &list_users(d.path()).unwrap()[0];
        assert!(verify_password(&u.hash, &pw));
        assert!(!verify_password(&u.hash, "wrong password!"));
        assert!(!format!("{u:?}").contains("argon2"), "Debug hides the hash");

        add_user(
            d.path(),
            "审计员-1",
            UserRole::Auditor,
            "correct horse battery",
        )
        .unwrap();
        let e = add_user(
            d.path(),
            "审计员-1",
            UserRole::Auditor,
            "correct horse battery",
        );
        assert!(e.unwrap_err().to_string().contains("exists already"));
        for (n, p, want) in [
            ("", "correct horse battery", "empty"),
            ("a b", "correct horse battery", "letters, digits"),
            ("x<script>", "correct horse battery", "letters, digits"),
            ("ok", "short", "shorter than 12"),
            ("ok", "aaaaaaaaaaaaaaaa", "repeats"),
        ] {
            let e = add_user(d.path(), n, UserRole::Operator, p).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Invalid);
            assert!(e.to_string().contains(want), "{n:?}: {e}");
        }
        // the last active admin stays
        for e in [
            remove_user(d.path(), "admin"),
            set_role(d.path(), "admin", UserRole::Operator),
            set_disabled(d.path(), "admin", true),
        ] {
            assert!(
                e.unwrap_err()
                    .to_string()
                    .contains("no active administrator")
            );
        }
        set_role(d.path(), "审计员-1", UserRole::Admin).unwrap();
        set_disabled(d.path(), "admin", true).unwrap();
        assert_eq!(
            remove_user(d.path(), "nobody").unwrap_err().kind(),
            ErrorKind::NotFound
        );
        set_password(d.path(), "admin", "another long password").unwrap();
        let store = UserStore::open(d.path()).unwrap();
        let a = store.get("admin").unwrap();
        assert!(a.disabled && verify_password(&a.hash, "another long password"));
    }

    #[test]
    fn concurrent_changes_lose_nothing() {
        let d = tempfile::tempdir().unwrap();
        ensure_first_admin(d.path()).unwrap();
        let dir = d.path().to_path_buf();
        let hs: Vec<_> = (0..8)
            .map(|i| {
                let dir = dir.clone();
                std::thread::spawn(move || {
                    add_user(
                        &dir,
                        &format!("u{i}"),
                        UserRole::Auditor,
                        "a long password 1",
                    )
                })
            })
            .collect();
        for h in hs {
            h.join().unwrap().unwrap();
        }
        assert_eq!(list_users(&dir).unwrap().len(), 9);
    }
}

/// The schema name of [`PasswordDoc`].
pub const PASSWORD_SCHEMA: &str = "wangan.user.password/1";
/// The schema name of [`AddedDoc`].
pub const ADD_SCHEMA: &str = "wangan.user.add/1";
/// The schema name of [`ListDoc`].
pub const LIST_SCHEMA: &str = "wangan.user.list/1";

/// The document of a generated password (`wangan user add|passwd
/// --generate --json`, schema `wangan.user.password/1`): shown once.
#[derive(Serialize)]
pub struct PasswordDoc<'a> {
    /// Login name.
    pub name: &'a str,
    /// The generated password.
    pub password: &'a str,
    /// Always [`PASSWORD_SCHEMA`].
    pub schema: &'static str,
}

impl<'a> PasswordDoc<'a> {
    /// The password `password` generated for `name`.
    pub fn new(name: &'a str, password: &'a str) -> PasswordDoc<'a> {
        PasswordDoc {
            name,
            password,
            schema: PASSWORD_SCHEMA,
        }
    }
}

impl std::fmt::Debug for PasswordDoc<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasswordDoc")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

/// The document of `wangan user add --json` (schema `wangan.user.add/1`).
#[derive(Debug, Serialize)]
pub struct AddedDoc<'a> {
    /// Login name.
    pub name: &'a str,
    /// Role name.
    pub role: &'static str,
    /// Always [`ADD_SCHEMA`].
    pub schema: &'static str,
}

impl<'a> AddedDoc<'a> {
    /// `name` was added with `role`.
    pub fn new(name: &'a str, role: UserRole) -> AddedDoc<'a> {
        AddedDoc {
            name,
            role: role.name(),
            schema: ADD_SCHEMA,
        }
    }
}

/// The document of `wangan user list --json` (schema `wangan.user.list/1`).
#[derive(Debug, Serialize)]
pub struct ListDoc<'a> {
    /// Always [`LIST_SCHEMA`].
    pub schema: &'static str,
    /// The users (never their password hashes).
    pub users: Vec<ListRow<'a>>,
}

/// One user in [`ListDoc`].
#[derive(Debug, Serialize)]
pub struct ListRow<'a> {
    /// Creation time, RFC 3339.
    pub created: &'a str,
    /// Whether the user is disabled.
    pub disabled: bool,
    /// Login name.
    pub name: &'a str,
    /// Role name.
    pub role: &'static str,
}

impl<'a> ListDoc<'a> {
    /// The document of `users`.
    pub fn new(users: &'a [User]) -> ListDoc<'a> {
        ListDoc {
            schema: LIST_SCHEMA,
            users: users
                .iter()
                .map(|u| ListRow {
                    created: &u.created,
                    disabled: u.disabled,
                    name: &u.name,
                    role: u.role.name(),
                })
                .collect(),
        }
    }
}
