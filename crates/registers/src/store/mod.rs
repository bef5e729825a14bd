//! The store: SQLite in the data directory by default, or PostgreSQL by URL,
//! with one schema and one set of statements.
//!
//! Nothing stored is ever overwritten or deleted: every add or update
//! appends a row to `changes` holding the record's whole new revision, who
//! made it and when, which fields changed, and a hash chaining it to the
//! change before ([`crate::chain`]). `heads` indexes the latest revision of
//! each record for lists and the clock sweep; it is derived from `changes`
//! and [`Registers::verify`] checks it.

pub(crate) mod migrate;
#[cfg(feature = "postgres")]
pub(crate) mod pg;
pub(crate) mod sql;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::{Map, Value};
use time::{Date, OffsetDateTime};

use crate::anchor::{self, AnchorEvent, AnchorSink, VaultAnchor, VerifyFinding, VerifyReport};
use crate::chain::{ChangeRow, change_hash, genesis};
use crate::clock::{self, Deadline, OperatorKind};
use crate::error::{Error, ErrorKind, Result, invalid};
use crate::rules;
use crate::schema::{DataExt, FieldType, Input, Register, read_value};
use crate::settings::Settings;
use crate::text::Msg;
use crate::when::{fmt_datetime, parse_datetime};
use migrate::Dialect;
#[cfg(feature = "postgres")]
use pg::Pg;
use sql::{Lite, P, Row, Sql, all, one};

/// The file name of the embedded store in the data directory.
pub const SQLITE_FILE: &str = "registers.sqlite";

/// Where the registers live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// An SQLite file (by default `registers.sqlite` in the data directory).
    Sqlite(PathBuf),
    /// A PostgreSQL database and the schema inside it that holds the tables.
    Postgres {
        /// The connection URL without our `schema` parameter.
        url: String,
        /// The schema (default `wangan`).
        schema: String,
    },
}

impl Location {
    /// The default: `registers.sqlite` in `data_dir`.
    pub fn default_in(data_dir: &Path) -> Location {
        Location::Sqlite(data_dir.join(SQLITE_FILE))
    }

    /// Read `postgres://…` / `postgresql://…` (an optional `schema=NAME`
    /// query parameter picks the schema, default `wangan`), `sqlite:PATH`
    /// or a plain file path.
    pub fn parse(s: &str) -> Result<Location> {
        let lower = s.to_ascii_lowercase();
        if lower.starts_with("postgres://") || lower.starts_with("postgresql://") {
            let (base, query) = match s.split_once('?') {
                Some((b, q)) => (b, q),
                None => (s, ""),
            };
            let mut schema = "wangan".to_owned();
            let mut keep = Vec::new();
            for kv in query.split('&').filter(|x| !x.is_empty()) {
                match kv.split_once('=') {
                    Some(("schema", v)) => schema = v.to_owned(),
                    _ => keep.push(kv),
                }
            }
            if schema.is_empty()
                || schema.len() > 63
                || !schema
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
                || schema.as_bytes()[0].is_ascii_digit()
            {
                return Err(Error::new(
                    ErrorKind::Invalid,
                    format!(
                        "schema {schema:?} in {}: use lowercase letters, digits and _ (at most 63, not starting with a digit)",
                        mask_url(s)
                    ),
                ));
            }
            let url = if keep.is_empty() {
                base.to_owned()
            } else {
                format!("{base}?{}", keep.join("&"))
            };
            return Ok(Location::Postgres { url, schema });
        }
        if let Some(p) = s.strip_prefix("sqlite:") {
            return Ok(Location::Sqlite(PathBuf::from(p.trim_start_matches("//"))));
        }
        if lower.contains("://") {
            return Err(Error::new(
                ErrorKind::Invalid,
                format!(
                    "{}: registers live in SQLite (a path or sqlite:PATH) or PostgreSQL (postgres://…)",
                    mask_url(s)
                ),
            ));
        }
        Ok(Location::Sqlite(PathBuf::from(s)))
    }

    /// How to show it: the path, or the URL with any password masked.
    pub fn display(&self) -> String {
        match self {
            Location::Sqlite(p) => p.display().to_string(),
            Location::Postgres { url, schema } => format!("{} (schema {schema})", mask_url(url)),
        }
    }

    /// `sqlite` or `postgresql`.
    pub fn kind(&self) -> &'static str {
        match self {
            Location::Sqlite(_) => "sqlite",
            Location::Postgres { .. } => "postgresql",
        }
    }
}

/// A URL with the password replaced by `****` and the query left out.
pub fn mask_url(url: &str) -> String {
    let no_query = url.split('?').next().unwrap_or(url);
    let Some(scheme_end) = no_query.find("://") else {
        return no_query.to_owned();
    };
    let rest = &no_query[scheme_end + 3..];
    let auth_end = rest.find('/').unwrap_or(rest.len());
    match rest[..auth_end].rfind('@') {
        Some(at) => {
            let userinfo = &rest[..at];
            let user = userinfo.split(':').next().unwrap_or("");
            let shown = if userinfo.contains(':') {
                format!("{user}:****")
            } else {
                user.to_owned()
            };
            format!("{}{shown}{}", &no_query[..scheme_end + 3], &rest[at..])
        }
        None => no_query.to_owned(),
    }
}

enum Conn {
    Sqlite(rusqlite::Connection),
    #[cfg(feature = "postgres")]
    Postgres(Box<postgres::Client>),
}

/// An open registers store. All reads and writes of records go through it.
pub struct Registers {
    conn: Conn,
    location: Location,
    store_id: String,
    genesis: String,
}

impl std::fmt::Debug for Registers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registers")
            .field("location", &self.location.display())
            .field("store_id", &self.store_id)
            .finish()
    }
}

/// Who writes, when, and with which settings.
#[derive(Debug, Clone, Copy)]
pub struct WriteCtx<'a> {
    /// Who makes the change (a login name); recorded and chained.
    pub actor: &'a str,
    /// The time of the change (the system clock in production); "has
    /// happened" times may not lie more than a day after it.
    pub now: OffsetDateTime,
    /// Defaults that depend on settings (the MLPS level).
    pub settings: &'a Settings,
    /// For updates: fail if the record's revision is not this one (two
    /// people editing the same record).
    pub expected_revision: Option<u64>,
}

/// One record at its latest revision. `data` holds personal data unmasked:
/// show it through [`crate::view`] or [`crate::schema::masked`].
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// The register.
    pub register: Register,
    /// `INC-1`.
    pub id: String,
    /// 1 for a new record, +1 per change.
    pub revision: u64,
    /// The fields.
    pub data: Map<String, Value>,
    /// When the record was created (RFC 3339, UTC).
    pub created_at: String,
    /// Who created it.
    pub created_by: String,
    /// When its latest revision was recorded.
    pub updated_at: String,
    /// Who recorded it.
    pub updated_by: String,
    /// The change that holds the latest revision.
    pub seq: u64,
    /// That change's hash.
    pub hash: String,
}

/// One field's change in a record's history.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldChange {
    /// The field's key.
    pub field: String,
    /// The value before (absent when the field was new).
    pub from: Option<Value>,
    /// The value after (absent when the field was cleared).
    pub to: Option<Value>,
}

/// One revision of a record: who, when, what changed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HistoryEntry {
    /// The revision it made.
    pub revision: u64,
    /// `create`, `update`, `close`.
    pub action: String,
    /// When (RFC 3339, UTC).
    pub at: String,
    /// Who.
    pub actor: String,
    /// What changed, personal values masked.
    pub changes: Vec<FieldChange>,
    /// The change's position in the store.
    pub seq: u64,
    /// Its hash.
    pub hash: String,
}

/// What to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListQuery {
    /// Only records that still ask for something.
    pub open_only: bool,
    /// At most this many (newest first).
    pub limit: u64,
    /// Skip this many.
    pub offset: u64,
}

impl Default for ListQuery {
    fn default() -> Self {
        ListQuery {
            open_only: false,
            limit: 50,
            offset: 0,
        }
    }
}

/// One page of a list.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// How many records match in all.
    pub total: u64,
    /// This page, newest first.
    pub items: Vec<Record>,
}

/// One open item of the clock sweep: a deadline of a record, or of a
/// register as a whole (the next drill).
#[derive(Debug, Clone, PartialEq)]
pub struct SweepItem {
    /// The register.
    pub register: Register,
    /// The record, or `None` for a register-wide clock.
    pub id: Option<String>,
    /// The record's one-line summary (masked).
    pub summary: String,
    /// The deadline.
    pub deadline: Deadline,
}

/// A finding of the sweep: a record that needs something without a clock.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepFinding {
    /// The register.
    pub register: Register,
    /// The record.
    pub id: String,
    /// The record's one-line summary (masked).
    pub summary: String,
    /// What is wrong.
    pub finding: rules::Finding,
}

/// Every open deadline and finding of every register.
#[derive(Debug, Clone, PartialEq)]
pub struct Sweep {
    /// Open deadlines (pending, overdue, nothing recorded), most urgent
    /// first.
    pub items: Vec<SweepItem>,
    /// Findings.
    pub findings: Vec<SweepFinding>,
    /// How many records were read.
    pub records_read: u64,
}

/// The result of [`Registers::anchor`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct AnchorOutcome {
    /// Changes appended to the vault now.
    pub anchored: u64,
    /// Every change up to this seq is anchored.
    pub through: u64,
    /// Changes still waiting.
    pub pending: u64,
}

/// Counts per register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegisterCount {
    /// The register.
    pub register: Register,
    /// Records.
    pub records: u64,
    /// Records that still ask for something.
    pub open: u64,
}

fn unix_of(reg: Register, data: &Map<String, Value>) -> Option<i64> {
    let key = reg.date_field()?;
    match reg.field(key)?.ty {
        FieldType::DateTime => data.datetime(key).map(|t| t.unix_timestamp()),
        FieldType::Date => data
            .date(key)
            .map(|d| d.midnight().assume_utc().unix_timestamp()),
        _ => None,
    }
}

fn sort_key(reg: Register, data: &Map<String, Value>, fallback: OffsetDateTime) -> i64 {
    unix_of(reg, data).unwrap_or_else(|| fallback.unix_timestamp())
}

fn parse_data(reg: &str, id: &str, text: &str) -> Result<Map<String, Value>> {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err(Error::new(
            ErrorKind::Tampered,
            format!(
                "{reg} {id}: the stored record is not a JSON object; the store was changed outside wangan"
            ),
        )),
    }
}

fn changed_keys(before: &Map<String, Value>, after: &Map<String, Value>) -> Vec<String> {
    let mut keys: Vec<String> = before
        .keys()
        .chain(after.keys())
        .filter(|k| before.get(*k) != after.get(*k))
        .cloned()
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

fn check_actor(actor: &str) -> Result<()> {
    if actor.trim().is_empty() || actor.chars().count() > 200 || actor.contains(char::is_control) {
        return Err(invalid(
            "registers",
            Some("actor"),
            Msg::new(
                "操作人须为非空、不含控制字符、不超过 200 个字符的名字",
                "the actor must be a name: not empty, no control characters, at most 200 characters",
            ),
        ));
    }
    Ok(())
}

const RECORD_COLS: &str = "h.id, h.version, c.data, c.at, c.actor, c0.at, c0.actor, h.seq, c.hash";

fn record_of(reg: Register, r: &dyn Row) -> Result<Record> {
    let id = r.str(0)?;
    let data = parse_data(reg.key(), &id, &r.str(2)?)?;
    Ok(Record {
        register: reg,
        revision: r.i64(1)? as u64,
        data,
        updated_at: r.str(3)?,
        updated_by: r.str(4)?,
        created_at: r.str(5)?,
        created_by: r.str(6)?,
        seq: r.i64(7)? as u64,
        hash: r.str(8)?,
        id,
    })
}

fn change_of(r: &dyn Row) -> Result<ChangeRow> {
    Ok(ChangeRow {
        seq: r.i64(0)? as u64,
        register: r.str(1)?,
        id: r.str(2)?,
        version: r.i64(3)? as u64,
        action: r.str(4)?,
        at: r.str(5)?,
        actor: r.str(6)?,
        data: r.str(7)?,
        changed: r.str(8)?,
        prev_hash: r.str(9)?,
        hash: r.str(10)?,
    })
}

const CHANGE_COLS: &str =
    "seq, register, id, version, action, at, actor, data, changed, prev_hash, hash";

impl Registers {
    /// Open the store, creating it (and the SQLite file's folder) when
    /// missing and migrating it to the newest schema.
    pub fn open(location: &Location) -> Result<Registers> {
        Registers::open_inner(location, true)
    }

    /// Open an existing store; [`ErrorKind::NotFound`] when there is none
    /// (no SQLite file, or no registers tables in the PostgreSQL schema).
    pub fn open_existing(location: &Location) -> Result<Registers> {
        Registers::open_inner(location, false)
    }

    fn open_inner(location: &Location, create: bool) -> Result<Registers> {
        let conn = match location {
            Location::Sqlite(path) => {
                if !create && !path.exists() {
                    return Err(Error::new(
                        ErrorKind::NotFound,
                        format!("no registers store at {}", path.display()),
                    ));
                }
                if let Some(dir) = path.parent()
                    && !dir.as_os_str().is_empty()
                {
                    std::fs::create_dir_all(dir)
                        .map_err(|e| Error::storage(format!("create {}: {e}", dir.display())))?;
                }
                let new = !path.exists();
                let c = rusqlite::Connection::open(path)
                    .map_err(|e| Error::storage(format!("open {}: {e}", path.display())))?;
                if new {
                    restrict_permissions(path);
                }
                c.busy_timeout(std::time::Duration::from_secs(10))?;
                // WAL lets readers (a console) work while one writer writes;
                // FULL makes each committed change durable before we answer
                c.pragma_update(None, "journal_mode", "WAL")?;
                c.pragma_update(None, "synchronous", "FULL")?;
                // 16 MiB of page cache: lists and the sweep revisit the same pages
                c.pragma_update(None, "cache_size", -16384)?;
                Conn::Sqlite(c)
            }
            #[cfg(not(feature = "postgres"))]
            Location::Postgres { .. } => return Err(no_postgres(location)),
            #[cfg(feature = "postgres")]
            Location::Postgres { url, schema } => {
                let mut cfg: postgres::Config = url
                    .parse()
                    .map_err(|e| Error::storage(format!("{}: {e}", mask_url(url))))?;
                if cfg.get_connect_timeout().is_none() {
                    cfg.connect_timeout(std::time::Duration::from_secs(10));
                }
                cfg.application_name("wangan-registers");
                let mut c = cfg.connect(postgres::NoTls).map_err(|e| {
                    Error::storage(format!(
                        "connect to {}: {}",
                        mask_url(url),
                        crate::error::pg_text(&e)
                    ))
                })?;
                if create {
                    c.batch_execute(&format!("CREATE SCHEMA IF NOT EXISTS \"{schema}\""))?;
                } else {
                    let exists = c
                        .query_opt(
                            "SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'meta'",
                            &[schema],
                        )?
                        .is_some();
                    if !exists {
                        return Err(Error::new(
                            ErrorKind::NotFound,
                            format!("no registers store in {} (schema {schema})", mask_url(url)),
                        ));
                    }
                }
                c.batch_execute(&format!("SET search_path TO \"{schema}\""))?;
                Conn::Postgres(Box::new(c))
            }
        };
        let mut r = Registers {
            conn,
            location: location.clone(),
            store_id: String::new(),
            genesis: String::new(),
        };
        r.migrate(migrate::LATEST, create)?;
        let id = r
            .read(|db| {
                one(
                    db,
                    "SELECT value FROM meta WHERE key = 'store_id'",
                    &[],
                    |x| x.str(0),
                )
            })?
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::Schema,
                    "the registers store has no store_id: it is damaged",
                )
            })?;
        r.genesis = genesis(&id);
        r.store_id = id;
        Ok(r)
    }

    fn dialect(&self) -> Dialect {
        match self.conn {
            Conn::Sqlite(_) => Dialect::Sqlite,
            #[cfg(feature = "postgres")]
            Conn::Postgres(_) => Dialect::Postgres,
        }
    }

    /// Migrate up to `target` (tests use lower targets to build old stores).
    fn migrate(&mut self, target: u32, create: bool) -> Result<()> {
        let dialect = self.dialect();
        self.tx_plain(|db| migrate::ensure_meta(db))?;
        let v = self.read(migrate::version)?;
        migrate::check_not_newer(v)?;
        if v == 0 && !create {
            return Err(Error::new(
                ErrorKind::NotFound,
                format!("no registers store at {}", self.location.display()),
            ));
        }
        for to in (v + 1)..=target {
            self.tx_plain(|db| {
                // another process may have migrated meanwhile
                let now = migrate::version(db)?;
                if now >= to {
                    return Ok(());
                }
                migrate::step(db, dialect, to)?;
                if to == 1 {
                    let id = new_store_id()?;
                    let at = fmt_datetime(OffsetDateTime::now_utc());
                    db.exec(
                        "INSERT INTO meta (key, value) VALUES ('store_id', $1), ('created_at', $2), ('anchored_through', '0')",
                        &[P::S(&id), P::S(&at)],
                    )?;
                }
                Ok(())
            })?;
        }
        Ok(())
    }

    /// A transaction without the writers' lock (migrations).
    fn tx_plain<T>(&mut self, f: impl FnOnce(&mut dyn Sql) -> Result<T>) -> Result<T> {
        match &mut self.conn {
            Conn::Sqlite(c) => {
                let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
                let out = f(&mut Lite(&tx))?;
                tx.commit()?;
                Ok(out)
            }
            #[cfg(feature = "postgres")]
            Conn::Postgres(c) => {
                let mut tx = c.transaction()?;
                // one migrator at a time
                tx.batch_execute("SELECT pg_advisory_xact_lock(7744012345)")?;
                let out = f(&mut Pg(&mut tx))?;
                tx.commit()?;
                Ok(out)
            }
        }
    }

    /// A write transaction: one writer at a time appends to the chain.
    fn tx<T>(&mut self, f: impl FnOnce(&mut dyn Sql) -> Result<T>) -> Result<T> {
        match &mut self.conn {
            Conn::Sqlite(c) => {
                let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
                let out = f(&mut Lite(&tx))?;
                tx.commit()?;
                Ok(out)
            }
            #[cfg(feature = "postgres")]
            Conn::Postgres(c) => {
                let mut tx = c.transaction()?;
                tx.batch_execute("LOCK TABLE changes IN EXCLUSIVE MODE")?;
                let out = f(&mut Pg(&mut tx))?;
                tx.commit()?;
                Ok(out)
            }
        }
    }

    /// Reads, on one consistent snapshot.
    fn read<T>(&mut self, f: impl FnOnce(&mut dyn Sql) -> Result<T>) -> Result<T> {
        match &mut self.conn {
            Conn::Sqlite(c) => {
                let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Deferred)?;
                let out = f(&mut Lite(&tx))?;
                tx.commit()?;
                Ok(out)
            }
            #[cfg(feature = "postgres")]
            Conn::Postgres(c) => {
                let mut tx = c
                    .build_transaction()
                    .isolation_level(postgres::IsolationLevel::RepeatableRead)
                    .read_only(true)
                    .start()?;
                let out = f(&mut Pg(&mut tx))?;
                tx.commit()?;
                Ok(out)
            }
        }
    }

    /// Where the store is.
    pub fn location(&self) -> &Location {
        &self.location
    }

    /// The store's random id, chosen when it was created; anchors in the
    /// vault carry it.
    pub fn store_id(&self) -> &str {
        &self.store_id
    }

    /// The schema version.
    pub fn schema_version(&mut self) -> Result<u32> {
        self.read(migrate::version)
    }

    /// Add a record. `fields` are (field key, value) pairs; unknown fields,
    /// fields wangan sets itself and bad values are refused with an error
    /// naming the field. An incident given `handling_ended_at` is recorded
    /// as already closed (its times checked as `close` checks them).
    pub fn add(
        &mut self,
        reg: Register,
        fields: &[(&str, Input)],
        w: &WriteCtx<'_>,
    ) -> Result<Record> {
        check_actor(w.actor)?;
        let mut data = Map::new();
        apply(reg, &mut data, fields, false)?;
        rules::defaults(reg, &mut data, w.settings);
        rules::validate(reg, &data, w.now)?;
        self.write(reg, None, data, "create", w)
    }

    /// Change a record: `fields` set (or with [`Input::Clear`] remove)
    /// fields; everything else stays. A new revision is appended; nothing is
    /// overwritten. `action` is recorded: `update`, or `close` / `reopen`
    /// for the incident commands (which may set the status). An `update` of
    /// an incident that sets or clears `handling_ended_at` sets the status
    /// to match and is recorded as `close` / `reopen`.
    pub fn update(
        &mut self,
        reg: Register,
        id: &str,
        fields: &[(&str, Input)],
        action: &str,
        w: &WriteCtx<'_>,
    ) -> Result<Record> {
        check_actor(w.actor)?;
        let id = normalise_id(reg, id)?;
        let current = self.get(reg, &id)?;
        let mut data = current.data.clone();
        apply(reg, &mut data, fields, action != "update")?;
        let mut action = action;
        if reg == Register::Incident
            && action == "update"
            && fields.iter().any(|(k, _)| *k == "handling_ended_at")
        {
            // an edit that sets or clears the end of handling closes or
            // reopens the incident, recorded as such
            let status = rules::incident_status(data.contains_key("handling_ended_at"));
            if data.text("status") != Some(status) {
                data.insert("status".into(), Value::String(status.into()));
                action = if status == "closed" {
                    "close"
                } else {
                    "reopen"
                };
            }
        }
        if reg == Register::Mlps
            && fields
                .iter()
                .any(|(k, _)| *k == "business" || *k == "service")
            && !fields.iter().any(|(k, _)| *k == "level")
        {
            data.remove("level");
            rules::defaults(reg, &mut data, w.settings);
        }
        rules::validate(reg, &data, w.now)?;
        self.write(reg, Some(&current), data, action, w)
    }

    fn write(
        &mut self,
        reg: Register,
        current: Option<&Record>,
        data: Map<String, Value>,
        action: &str,
        w: &WriteCtx<'_>,
    ) -> Result<Record> {
        let genesis = self.genesis.clone();
        let refs: Vec<(&'static str, String)> = reg
            .fields()
            .iter()
            .filter_map(|f| match f.ty {
                FieldType::Ref(_) => data.text(f.key).map(|v| (f.key, v.to_owned())),
                _ => None,
            })
            .collect();
        let at = recorded_at(w.now);
        self.tx(|db| {
            for (key, target) in &refs {
                let to = Register::of_id(target).unwrap_or(reg);
                let exists = one(
                    db,
                    "SELECT num FROM heads WHERE register = $1 AND id = $2",
                    &[P::S(to.key()), P::S(target)],
                    |r| r.i64(0),
                )?
                .is_some();
                if !exists {
                    return Err(invalid(
                        reg.key(),
                        Some(key),
                        Msg::new(
                            format!("{target} 不存在"),
                            format!("{target} does not exist"),
                        ),
                    ));
                }
            }
            let (last_seq, prev_hash) = one(
                db,
                "SELECT seq, hash FROM changes ORDER BY seq DESC LIMIT 1",
                &[],
                |r| Ok((r.i64(0)? as u64, r.str(1)?)),
            )?
            .unwrap_or((0, genesis.clone()));
            let seq = last_seq + 1;
            let (id, num, version, before, created_at, created_by) = match current {
                None => {
                    let num = one(
                        db,
                        "SELECT COALESCE(MAX(num), 0) + 1 FROM heads WHERE register = $1",
                        &[P::S(reg.key())],
                        |r| r.i64(0),
                    )?
                    .unwrap_or(1);
                    (
                        format!("{}-{num}", reg.prefix()),
                        num,
                        1u64,
                        Map::new(),
                        at.clone(),
                        w.actor.to_owned(),
                    )
                }
                Some(c) => {
                    // re-read inside the transaction: someone may have written since
                    let (version, hseq, num) = one(
                        db,
                        "SELECT version, seq, num FROM heads WHERE register = $1 AND id = $2",
                        &[P::S(reg.key()), P::S(&c.id)],
                        |r| Ok((r.i64(0)? as u64, r.i64(1)? as u64, r.i64(2)?)),
                    )?
                    .ok_or_else(|| not_found(reg, &c.id))?;
                    if version != c.revision || hseq != c.seq {
                        return Err(conflict(reg, &c.id, version));
                    }
                    if let Some(exp) = w.expected_revision
                        && exp != version
                    {
                        return Err(conflict(reg, &c.id, version));
                    }
                    (
                        c.id.clone(),
                        num,
                        version + 1,
                        c.data.clone(),
                        c.created_at.clone(),
                        c.created_by.clone(),
                    )
                }
            };
            let changed = changed_keys(&before, &data);
            if current.is_some() && changed.is_empty() {
                return Err(invalid(
                    reg.key(),
                    None,
                    Msg::new("没有要修改的内容", "nothing to change: every value given is already stored"),
                ));
            }
            let data_text = serde_json::to_string(&data)
                .map_err(|e| Error::storage(format!("encode record: {e}")))?;
            let changed_text = serde_json::to_string(&changed)
                .map_err(|e| Error::storage(format!("encode record: {e}")))?;
            let mut row = ChangeRow {
                seq,
                register: reg.key().to_owned(),
                id: id.clone(),
                version,
                action: action.to_owned(),
                at: at.clone(),
                actor: w.actor.to_owned(),
                data: data_text,
                changed: changed_text,
                prev_hash,
                hash: String::new(),
            };
            row.hash = change_hash(&row);
            insert_change(db, &row)?;
            let sk = sort_key(reg, &data, w.now);
            let open = i64::from(rules::is_open(reg, &data));
            if current.is_none() {
                db.exec(
                    "INSERT INTO heads (register, id, num, version, seq, created_seq, sort_key, open) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    &[
                        P::S(reg.key()),
                        P::S(&id),
                        P::I(num),
                        P::I(version as i64),
                        P::I(seq as i64),
                        P::I(seq as i64),
                        P::I(sk),
                        P::I(open),
                    ],
                )?;
            } else {
                db.exec(
                    "UPDATE heads SET version = $1, seq = $2, sort_key = $3, open = $4 WHERE register = $5 AND id = $6",
                    &[
                        P::I(version as i64),
                        P::I(seq as i64),
                        P::I(sk),
                        P::I(open),
                        P::S(reg.key()),
                        P::S(&id),
                    ],
                )?;
            }
            set_open_item(db, reg, &id, open == 1, &row.data)?;
            tracing::info!(register = reg.key(), id = %id, revision = version, seq, action, "register change recorded");
            Ok(Record {
                register: reg,
                id,
                revision: version,
                data,
                created_at,
                created_by,
                updated_at: at.clone(),
                updated_by: w.actor.to_owned(),
                seq,
                hash: row.hash,
            })
        })
    }

    /// Append many new records in one transaction (imports of existing
    /// registers, benchmarks). Each is validated as [`Registers::add`] does,
    /// except that an import may set the fields wangan otherwise manages (an
    /// incident imported as already closed).
    pub fn add_many(
        &mut self,
        reg: Register,
        records: Vec<Map<String, Value>>,
        w: &WriteCtx<'_>,
    ) -> Result<u64> {
        check_actor(w.actor)?;
        let mut prepared = Vec::with_capacity(records.len());
        for input in records {
            let fields: Vec<(&str, Input)> = input
                .iter()
                .map(|(k, v)| (k.as_str(), Input::Json(v.clone())))
                .collect();
            let mut data = Map::new();
            apply(reg, &mut data, &fields, true)?;
            rules::defaults(reg, &mut data, w.settings);
            rules::validate(reg, &data, w.now)?;
            prepared.push(data);
        }
        let genesis = self.genesis.clone();
        let at = recorded_at(w.now);
        let n = prepared.len() as u64;
        self.tx(|db| {
            let (mut last_seq, mut prev_hash) = one(
                db,
                "SELECT seq, hash FROM changes ORDER BY seq DESC LIMIT 1",
                &[],
                |r| Ok((r.i64(0)? as u64, r.str(1)?)),
            )?
            .unwrap_or((0, genesis));
            let mut num = one(
                db,
                "SELECT COALESCE(MAX(num), 0) FROM heads WHERE register = $1",
                &[P::S(reg.key())],
                |r| r.i64(0),
            )?
            .unwrap_or(0);
            for data in prepared {
                last_seq += 1;
                num += 1;
                let id = format!("{}-{num}", reg.prefix());
                let changed: Vec<&String> = data.keys().collect();
                let mut row = ChangeRow {
                    seq: last_seq,
                    register: reg.key().to_owned(),
                    id: id.clone(),
                    version: 1,
                    action: "import".into(),
                    at: at.clone(),
                    actor: w.actor.to_owned(),
                    data: serde_json::to_string(&data)
                        .map_err(|e| Error::storage(format!("encode record: {e}")))?,
                    changed: serde_json::to_string(&changed)
                        .map_err(|e| Error::storage(format!("encode record: {e}")))?,
                    prev_hash: std::mem::take(&mut prev_hash),
                    hash: String::new(),
                };
                row.hash = change_hash(&row);
                insert_change(db, &row)?;
                let open = rules::is_open(reg, &data);
                db.exec(
                    "INSERT INTO heads (register, id, num, version, seq, created_seq, sort_key, open) VALUES ($1, $2, $3, 1, $4, $4, $5, $6)",
                    &[
                        P::S(reg.key()),
                        P::S(&id),
                        P::I(num),
                        P::I(last_seq as i64),
                        P::I(sort_key(reg, &data, w.now)),
                        P::I(i64::from(open)),
                    ],
                )?;
                if open {
                    set_open_item(db, reg, &id, true, &row.data)?;
                }
                prev_hash = row.hash;
            }
            Ok(n)
        })
    }

    /// A record at its latest revision.
    pub fn get(&mut self, reg: Register, id: &str) -> Result<Record> {
        let id = normalise_id(reg, id)?;
        let sql = format!(
            "SELECT {RECORD_COLS} FROM heads h JOIN changes c ON c.seq = h.seq JOIN changes c0 ON c0.seq = h.created_seq WHERE h.register = $1 AND h.id = $2"
        );
        self.read(|db| {
            one(db, &sql, &[P::S(reg.key()), P::S(&id)], |r| {
                record_of(reg, r)
            })
        })?
        .ok_or_else(|| not_found(reg, &id))
    }

    /// Every revision of a record, oldest first, with what changed (personal
    /// values masked).
    pub fn history(&mut self, reg: Register, id: &str) -> Result<Vec<HistoryEntry>> {
        let id = normalise_id(reg, id)?;
        let rows = self.read(|db| {
            all(
                db,
                "SELECT version, action, at, actor, data, seq, hash FROM changes WHERE register = $1 AND id = $2 ORDER BY version",
                &[P::S(reg.key()), P::S(&id)],
                |r| {
                    Ok((
                        r.i64(0)? as u64,
                        r.str(1)?,
                        r.str(2)?,
                        r.str(3)?,
                        r.str(4)?,
                        r.i64(5)? as u64,
                        r.str(6)?,
                    ))
                },
            )
        })?;
        if rows.is_empty() {
            return Err(not_found(reg, &id));
        }
        let mut before = Map::new();
        let mut out = Vec::with_capacity(rows.len());
        for (revision, action, at, actor, data, seq, hash) in rows {
            let after = parse_data(reg.key(), &id, &data)?;
            let changes = changed_keys(&before, &after)
                .into_iter()
                .map(|k| {
                    let personal = reg.field(&k).is_some_and(|f| f.personal);
                    let show = |v: Option<&Value>| {
                        v.map(|v| {
                            if personal {
                                crate::schema::mask_value(v)
                            } else {
                                v.clone()
                            }
                        })
                    };
                    FieldChange {
                        from: show(before.get(&k)),
                        to: show(after.get(&k)),
                        field: k,
                    }
                })
                .collect();
            out.push(HistoryEntry {
                revision,
                action,
                at,
                actor,
                changes,
                seq,
                hash,
            });
            before = after;
        }
        Ok(out)
    }

    /// A page of a register, newest first.
    pub fn list(&mut self, reg: Register, q: &ListQuery) -> Result<Page> {
        let filter = if q.open_only { " AND h.open = 1" } else { "" };
        let sql = format!(
            "SELECT {RECORD_COLS} FROM heads h JOIN changes c ON c.seq = h.seq JOIN changes c0 ON c0.seq = h.created_seq WHERE h.register = $1{filter} ORDER BY h.sort_key DESC, h.num DESC LIMIT $2 OFFSET $3"
        );
        let count = format!("SELECT COUNT(*) FROM heads h WHERE h.register = $1{filter}");
        let limit = q.limit.min(i64::MAX as u64) as i64;
        let offset = q.offset.min(i64::MAX as u64) as i64;
        self.read(|db| {
            let total = one(db, &count, &[P::S(reg.key())], |r| r.i64(0))?.unwrap_or(0) as u64;
            let items = all(
                db,
                &sql,
                &[P::S(reg.key()), P::I(limit), P::I(offset)],
                |r| record_of(reg, r),
            )?;
            Ok(Page { total, items })
        })
    }

    /// Every record of a register at its latest revision, newest first,
    /// streamed (exports, evidence for `wangan assess`).
    pub fn each(&mut self, reg: Register, mut f: impl FnMut(Record) -> Result<()>) -> Result<()> {
        let sql = format!(
            "SELECT {RECORD_COLS} FROM heads h JOIN changes c ON c.seq = h.seq JOIN changes c0 ON c0.seq = h.created_seq WHERE h.register = $1 ORDER BY h.sort_key DESC, h.num DESC"
        );
        self.read(|db| db.each(&sql, &[P::S(reg.key())], &mut |r| f(record_of(reg, r)?)))
    }

    /// The latest date of a register's dating field (the last drill).
    pub fn latest_date(&mut self, reg: Register) -> Result<Option<Date>> {
        let v = self.read(|db| {
            one(
                db,
                "SELECT MAX(sort_key) FROM heads WHERE register = $1",
                &[P::S(reg.key())],
                |r| r.opt_i64(0),
            )
        })?;
        Ok(v.flatten().and_then(|secs| {
            OffsetDateTime::from_unix_timestamp(secs)
                .ok()
                .map(|t| t.date())
        }))
    }

    /// Records per register.
    pub fn counts(&mut self) -> Result<Vec<RegisterCount>> {
        // per register through the (register, …) indexes: no scan of the whole table
        self.read(|db| {
            Register::ALL
                .into_iter()
                .map(|reg| {
                    let n = |db: &mut dyn Sql, sql: &str| {
                        one(db, sql, &[P::S(reg.key())], |r| r.i64(0))
                            .map(|v| v.unwrap_or(0) as u64)
                    };
                    Ok(RegisterCount {
                        register: reg,
                        records: n(db, "SELECT COUNT(*) FROM heads WHERE register = $1")?,
                        open: n(db, "SELECT COUNT(*) FROM open_items WHERE register = $1")?,
                    })
                })
                .collect()
        })
    }

    /// The clock sweep: every deadline still open and every finding, over
    /// the records that still ask for something, plus the register-wide
    /// clocks (drills, training, the yearly assessment) for CII operators.
    pub fn sweep(
        &mut self,
        kind: OperatorKind,
        s: &Settings,
        now: OffsetDateTime,
    ) -> Result<Sweep> {
        let mut items = Vec::new();
        let mut findings = Vec::new();
        let mut read = 0u64;
        let latest: Vec<(Register, Option<Date>)> = if kind.is_cii() {
            [Register::Drill, Register::Training, Register::CiiAssessment]
                .into_iter()
                .map(|r| Ok((r, self.latest_date(r)?)))
                .collect::<Result<_>>()?
        } else {
            Vec::new()
        };
        self.read(|db| {
            db.each("SELECT register, id, data FROM open_items", &[], &mut |r| {
                read += 1;
                let key = r.str(0)?;
                let Some(reg) = Register::from_key(&key) else {
                    return Ok(());
                };
                let id = r.str(1)?;
                let data = parse_data(&key, &id, &r.str(2)?)?;
                let mut summary = None;
                for d in rules::deadlines(reg, &data, kind, s) {
                    if d.state(now).is_open() {
                        items.push(SweepItem {
                            register: reg,
                            id: Some(id.clone()),
                            summary: summary.get_or_insert_with(|| reg.summary(&data)).clone(),
                            deadline: d,
                        });
                    }
                }
                for f in rules::findings(reg, &data, kind, s) {
                    findings.push(SweepFinding {
                        register: reg,
                        id: id.clone(),
                        summary: summary.get_or_insert_with(|| reg.summary(&data)).clone(),
                        finding: f,
                    });
                }
                Ok(())
            })
        })?;
        items.extend(register_wide(&latest, s, now));
        // most urgent first: overdue and missing, then by due time
        items.sort_by_key(|i| {
            (
                i.deadline
                    .due
                    .map(|d| d.unix_timestamp())
                    .unwrap_or(i64::MIN),
                i.register,
                i.id.clone(),
            )
        });
        Ok(Sweep {
            items,
            findings,
            records_read: read,
        })
    }

    /// Changes not yet anchored in the vault, oldest first, at most `limit`.
    pub fn pending_anchors(&mut self, limit: u64) -> Result<Vec<AnchorEvent>> {
        let store = self.store_id.clone();
        let sql = format!("SELECT {CHANGE_COLS} FROM changes WHERE seq > $1 ORDER BY seq LIMIT $2");
        self.read(|db| {
            let through = anchored_through(db)?;
            all(
                db,
                &sql,
                &[
                    P::I(through as i64),
                    P::I(limit.min(i64::MAX as u64) as i64),
                ],
                |r| Ok(AnchorEvent::of(&store, &change_of(r)?)),
            )
        })
    }

    /// How many changes wait to be anchored, and since when (the oldest's
    /// time).
    pub fn pending_count(&mut self) -> Result<(u64, Option<String>)> {
        self.read(|db| {
            let through = anchored_through(db)?;
            let n = one(
                db,
                "SELECT COUNT(*), MIN(at) FROM changes WHERE seq > $1",
                &[P::I(through as i64)],
                |r| {
                    Ok((
                        r.i64(0)? as u64,
                        if r.i64(0)? > 0 { Some(r.str(1)?) } else { None },
                    ))
                },
            )?
            .unwrap_or((0, None));
            Ok(n)
        })
    }

    /// Append every pending change to the vault through `sink`, one event
    /// each, then commit the sink and remember how far anchoring got. A
    /// crash between the two only makes the next call append the same
    /// events again; identical repeats are accepted by `verify`.
    pub fn anchor(&mut self, sink: &mut dyn AnchorSink) -> Result<AnchorOutcome> {
        let mut anchored = 0u64;
        let mut through = self.read(anchored_through)?;
        loop {
            let batch = self.pending_anchors(4096)?;
            let Some(last) = batch.last().map(|e| e.seq) else {
                break;
            };
            for e in &batch {
                sink.append(&e.to_bytes())
                    .map_err(|m| Error::storage(format!("append anchor to the vault: {m}")))?;
            }
            sink.commit()
                .map_err(|m| Error::storage(format!("commit anchors to the vault: {m}")))?;
            let v = last.to_string();
            self.tx(|db| {
                db.exec("DELETE FROM meta WHERE key = 'anchored_through'", &[])?;
                db.exec(
                    "INSERT INTO meta (key, value) VALUES ('anchored_through', $1)",
                    &[P::S(&v)],
                )?;
                Ok(())
            })?;
            anchored += batch.len() as u64;
            through = last;
        }
        let (pending, _) = self.pending_count()?;
        Ok(AnchorOutcome {
            anchored,
            through,
            pending,
        })
    }

    /// Check the store against itself and against the anchors found in the
    /// vault: every change's hash and chain link, no gaps, every anchor
    /// matched by the change it names, the `heads` index true to the
    /// changes. Each problem names the register, record and revision.
    pub fn verify(&mut self, anchors: &[VaultAnchor]) -> Result<VerifyReport> {
        let store = self.store_id.clone();
        let genesis = self.genesis.clone();
        let location = self.location.display();
        let mut rep = VerifyReport::new(&store, &location);
        let mut by_seq: HashMap<u64, &anchor::Parsed> = HashMap::new();
        let parsed: Vec<(u64, std::result::Result<anchor::Parsed, String>)> = anchors
            .iter()
            .map(|a| {
                let p = anchor::Parsed::read(&a.raw).map(|mut p| {
                    p.vault_seq = a.vault_seq;
                    p
                });
                (a.vault_seq, p)
            })
            .collect();
        for (vseq, p) in &parsed {
            match p {
                Err(why) => rep.push(VerifyFinding::warning(
                    None,
                    Some(*vseq),
                    Msg::new(
                        format!("日志库记录 {vseq} 的来源是 wangan.registers，但不是登记簿锚点：{why}"),
                        format!("vault record {vseq} has source wangan.registers but is not a registers anchor: {why}"),
                    ),
                )),
                Ok(p) if p.store != store => rep.other_store_anchors += 1,
                Ok(p) => {
                    rep.anchors += 1;
                    match by_seq.get(&p.seq) {
                        Some(q) if q.hash != p.hash => rep.push(VerifyFinding::error_at(
                            p,
                            Some(*vseq),
                            Msg::new(
                                format!("变更 {} 在日志库中有两个不同的锚点（日志库记录 {} 和 {vseq}）", p.seq, q.vault_seq),
                                format!("change {} has two different anchors in the vault (records {} and {vseq})", p.seq, q.vault_seq),
                            ),
                        )),
                        Some(_) => {}
                        None => {
                            by_seq.insert(p.seq, p);
                        }
                    }
                }
            }
        }
        let max_anchored = by_seq.keys().copied().max().unwrap_or(0);
        // (register, number) -> (seq, revision, open, sort_key, hash of the data)
        let mut latest: HashMap<(Register, u64), Latest> = HashMap::new();
        let mut expect_seq = 1u64;
        let mut prev = genesis;
        let sql = format!("SELECT {CHANGE_COLS} FROM changes ORDER BY seq");
        let mut heads: Vec<(String, String, u64, u64, i64, i64)> = Vec::new();
        let mut matched: std::collections::HashSet<u64> = std::collections::HashSet::new();
        let mut open_items: Vec<(String, String, u64)> = Vec::new();
        self.read(|db| {
            db.each(&sql, &[], &mut |r| {
                let c = change_of(r)?;
                rep.changes += 1;
                let anchor = by_seq.get(&c.seq).copied();
                if anchor.is_some() {
                    matched.insert(c.seq);
                }
                // name the register as the vault knows it when the row itself lies
                let name = |c: &ChangeRow| match anchor {
                    Some(a) => (a.register.clone(), a.id.clone(), a.revision),
                    None => (c.register.clone(), c.id.clone(), c.version),
                };
                if c.seq != expect_seq {
                    let (reg, id, rev) = name(&c);
                    rep.push(VerifyFinding::error(
                        Some((reg, id, rev)),
                        c.seq,
                        None,
                        Msg::new(
                            format!("变更 {expect_seq} 至 {} 缺失（被删除）", c.seq - 1),
                            format!("changes {expect_seq} to {} are missing (deleted)", c.seq.saturating_sub(1)),
                        ),
                    ));
                }
                expect_seq = c.seq + 1;
                if c.prev_hash != prev {
                    let (reg, id, rev) = name(&c);
                    rep.push(VerifyFinding::error(
                        Some((reg, id, rev)),
                        c.seq,
                        None,
                        Msg::new(
                            "与前一变更的哈希链断开（变更被删除、插入或调换）",
                            "the hash chain to the change before is broken (a change was removed, inserted or reordered)",
                        ),
                    ));
                }
                let h = change_hash(&c);
                if h != c.hash {
                    let (reg, id, rev) = name(&c);
                    rep.push(VerifyFinding::error(
                        Some((reg, id, rev)),
                        c.seq,
                        anchor.map(|a| a.vault_seq),
                        Msg::new(
                            "存储的内容与其哈希不符：该记录在 wangan 之外被修改",
                            "the stored content does not match its hash: the record was edited outside wangan",
                        ),
                    ));
                }
                if let Some(a) = anchor
                    && a.hash != c.hash
                    && h == c.hash
                {
                    rep.push(VerifyFinding::error(
                        Some((a.register.clone(), a.id.clone(), a.revision)),
                        c.seq,
                        Some(a.vault_seq),
                        Msg::new(
                            format!("与日志库记录 {} 中的锚点不符：该变更在锚定后被改写（包括重算哈希链）", a.vault_seq),
                            format!("does not match its anchor in vault record {}: the change was rewritten after it was anchored (hash chain recomputed)", a.vault_seq),
                        ),
                    ));
                }
                prev = c.hash.clone();
                // what the heads index must say
                let reg = Register::from_key(&c.register);
                let num = c
                    .id
                    .split_once('-')
                    .and_then(|(_, n)| n.parse::<u64>().ok());
                match (reg, num, serde_json::from_str::<Value>(&c.data)) {
                    (Some(reg), Some(num), Ok(Value::Object(data))) => {
                        let open = rules::is_open(reg, &data);
                        let at = parse_datetime(&c.at).unwrap_or(OffsetDateTime::UNIX_EPOCH);
                        let sk = sort_key(reg, &data, at);
                        // changes come in seq order: the last one seen is the latest
                        latest.insert((reg, num), (c.seq, c.version, open, sk, quick_hash(&c.data)));
                    }
                    _ => {
                        let (reg, id, rev) = name(&c);
                        rep.push(VerifyFinding::error(
                            Some((reg, id, rev)),
                            c.seq,
                            None,
                            Msg::new(
                                "变更的登记簿、编号或内容无法读取",
                                "the change's register, id or content cannot be read",
                            ),
                        ));
                    }
                }
                Ok(())
            })?;
            heads = all(
                db,
                "SELECT register, id, version, seq, open, sort_key FROM heads",
                &[],
                |r| Ok((r.str(0)?, r.str(1)?, r.i64(2)? as u64, r.i64(3)? as u64, r.i64(4)?, r.i64(5)?)),
            )?;
            open_items = all(db, "SELECT register, id, data FROM open_items", &[], |r| {
                Ok((r.str(0)?, r.str(1)?, quick_hash(&r.str(2)?)))
            })?;
            let through = anchored_through(db)?;
            rep.anchored_through_recorded = through;
            Ok(())
        })?;
        rep.records = latest.len() as u64;
        let last = expect_seq - 1;
        let mut missing: Vec<&&anchor::Parsed> = by_seq
            .values()
            .filter(|a| !matched.contains(&a.seq))
            .collect();
        missing.sort_by_key(|a| a.seq);
        for a in missing {
            rep.push(VerifyFinding::error_at(
                a,
                Some(a.vault_seq),
                Msg::new(
                    format!("日志库记录 {} 锚定了变更 {}，但登记簿中没有它：变更被删除或登记簿被回滚", a.vault_seq, a.seq),
                    format!("vault record {} anchors change {}, which the store no longer has: changes were removed or the store rolled back", a.vault_seq, a.seq),
                ),
            ));
        }
        let mut seen = std::collections::HashSet::new();
        for (reg_key, id, version, seq, open, sk) in heads {
            let key = Register::from_key(&reg_key)
                .zip(id.split_once('-').and_then(|(_, n)| n.parse::<u64>().ok()));
            let ok = key
                .and_then(|k| latest.get(&k).map(|l| (k, *l)))
                .is_some_and(|(k, (lseq, lver, lopen, lsk, _))| {
                    seen.insert(k);
                    lseq == seq && lver == version && lopen == (open == 1) && lsk == sk
                });
            if !ok {
                rep.push(VerifyFinding::error(
                    Some((reg_key.clone(), id.clone(), version)),
                    seq,
                    None,
                    Msg::new(
                        "登记簿索引（heads）与变更记录不符：索引在 wangan 之外被修改",
                        "the heads index disagrees with the stored changes: it was edited outside wangan",
                    ),
                ));
            }
        }
        // open_items holds exactly the open latest revisions, unchanged
        let mut listed = std::collections::HashSet::new();
        for (reg_key, id, h) in &open_items {
            let key = Register::from_key(reg_key)
                .zip(id.split_once('-').and_then(|(_, n)| n.parse::<u64>().ok()));
            let l = key.and_then(|k| latest.get(&k).map(|l| (k, *l)));
            let ok = l.is_some_and(|(k, (_, _, lopen, _, lh))| {
                listed.insert(k);
                lopen && lh == *h
            });
            if !ok {
                let (seq, ver) = l.map(|(_, x)| (x.0, x.1)).unwrap_or((0, 0));
                rep.push(VerifyFinding::error(
                    Some((reg_key.clone(), id.clone(), ver)),
                    seq,
                    None,
                    Msg::new(
                        "待办索引（open_items）与变更记录不符：索引在 wangan 之外被修改",
                        "the open-items index disagrees with the stored changes: it was edited outside wangan",
                    ),
                ));
            }
        }
        for ((reg, num), (seq, ver, open, _, _)) in &latest {
            if *open && !listed.contains(&(*reg, *num)) {
                rep.push(VerifyFinding::error(
                    Some((reg.key().to_owned(), format!("{}-{num}", reg.prefix()), *ver)),
                    *seq,
                    None,
                    Msg::new(
                        "记录不在待办索引（open_items）中：它被从时限检查中隐藏了",
                        "the record is missing from the open-items index: it was hidden from the clock sweep",
                    ),
                ));
            }
        }
        for ((reg, num), (seq, ver, _, _, _)) in &latest {
            if !seen.contains(&(*reg, *num)) {
                rep.push(VerifyFinding::error(
                    Some((
                        reg.key().to_owned(),
                        format!("{}-{num}", reg.prefix()),
                        *ver,
                    )),
                    *seq,
                    None,
                    Msg::new(
                        "记录不在登记簿索引（heads）中：它被隐藏了",
                        "the record is missing from the heads index: it was hidden",
                    ),
                ));
            }
        }
        rep.anchored_through = max_anchored.min(last);
        rep.pending = last.saturating_sub(max_anchored);
        if rep.pending > 0 {
            rep.push(VerifyFinding::warning(
                None,
                None,
                Msg::new(
                    format!(
                        "{} 个变更尚未锚定到日志库（变更 {} 起）；锚定前它们只受登记簿自身哈希链保护。运行 `wangan registers anchor`（`wangan serve` 运行时不能锚定）",
                        rep.pending,
                        max_anchored + 1
                    ),
                    format!(
                        "{} changes are not yet anchored in the vault (from change {}); until then only the store's own hash chain protects them. Run `wangan registers anchor` (not possible while `wangan serve` runs)",
                        rep.pending,
                        max_anchored + 1
                    ),
                ),
            ));
        }
        Ok(rep)
    }
}

/// The register-wide clocks (the next drill, training, yearly assessment)
/// from each register's latest date.
fn register_wide(
    latest: &[(Register, Option<Date>)],
    s: &Settings,
    now: OffsetDateTime,
) -> Vec<SweepItem> {
    latest
        .iter()
        .map(|(reg, last)| {
            let d = match reg {
                Register::Drill => clock::drill_deadline(*last, s),
                Register::Training => clock::training_deadline(*last, s),
                _ => clock::assessment_deadline(*last, s),
            };
            SweepItem {
                register: *reg,
                id: None,
                summary: String::new(),
                deadline: d,
            }
        })
        .filter(|i| i.deadline.state(now).is_open())
        .collect()
}

impl Sweep {
    /// The sweep when no registers are kept at all: for a CII operator the
    /// drills, training and yearly assessment are missing.
    pub fn without_records(kind: OperatorKind, s: &Settings, now: OffsetDateTime) -> Sweep {
        let latest: Vec<(Register, Option<Date>)> = if kind.is_cii() {
            [Register::Drill, Register::Training, Register::CiiAssessment]
                .into_iter()
                .map(|r| (r, None))
                .collect()
        } else {
            Vec::new()
        };
        Sweep {
            items: register_wide(&latest, s, now),
            findings: Vec::new(),
            records_read: 0,
        }
    }
}

/// When a change is recorded: UTC, to the millisecond.
/// Fixed width (`2026-12-06T17:22:50.470Z`), so the texts sort as the times.
fn recorded_at(now: OffsetDateTime) -> String {
    let t = now.to_offset(time::UtcOffset::UTC);
    let fmt = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    );
    t.format(&fmt).unwrap_or_else(|_| fmt_datetime(t))
}

fn anchored_through(db: &mut dyn Sql) -> Result<u64> {
    let v = one(
        db,
        "SELECT value FROM meta WHERE key = 'anchored_through'",
        &[],
        |r| r.str(0),
    )?;
    Ok(v.and_then(|s| s.parse().ok()).unwrap_or(0))
}

/// What `verify` remembers of a record's latest change: seq, revision,
/// open, sort key, hash of the data.
type Latest = (u64, u64, bool, i64, u64);

/// A fast hash of stored text, to compare an index's copy with the change.
fn quick_hash(s: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    s.hash(&mut h);
    h.finish()
}

/// Keep `open_items` true to a record's latest revision.
fn set_open_item(db: &mut dyn Sql, reg: Register, id: &str, open: bool, data: &str) -> Result<()> {
    db.exec(
        "DELETE FROM open_items WHERE register = $1 AND id = $2",
        &[P::S(reg.key()), P::S(id)],
    )?;
    if open {
        db.exec(
            "INSERT INTO open_items (register, id, data) VALUES ($1, $2, $3)",
            &[P::S(reg.key()), P::S(id), P::S(data)],
        )?;
    }
    Ok(())
}

fn insert_change(db: &mut dyn Sql, c: &ChangeRow) -> Result<()> {
    db.exec(
        &format!("INSERT INTO changes ({CHANGE_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"),
        &[
            P::I(c.seq as i64),
            P::S(&c.register),
            P::S(&c.id),
            P::I(c.version as i64),
            P::S(&c.action),
            P::S(&c.at),
            P::S(&c.actor),
            P::S(&c.data),
            P::S(&c.changed),
            P::S(&c.prev_hash),
            P::S(&c.hash),
        ],
    )?;
    Ok(())
}

/// Set fields from inputs. `allow_managed` lets the incident commands set
/// the status.
fn apply(
    reg: Register,
    data: &mut Map<String, Value>,
    fields: &[(&str, Input)],
    allow_managed: bool,
) -> Result<()> {
    for (key, input) in fields {
        let Some(field) = reg.field(key) else {
            let known: Vec<&str> = reg
                .fields()
                .iter()
                .filter(|f| !f.managed)
                .map(|f| f.key)
                .collect();
            return Err(invalid(
                reg.key(),
                Some(key),
                Msg::new(
                    format!("不是本登记簿的字段（可用字段：{}）", known.join("、")),
                    format!(
                        "is not a field of this register (fields: {})",
                        known.join(", ")
                    ),
                ),
            ));
        };
        if field.managed && !allow_managed {
            return Err(invalid(
                reg.key(),
                Some(key),
                Msg::new(
                    "由 wangan 设置，不能直接填写（事件用 close 结束处置）",
                    "is set by wangan, not given directly (close an incident with `close`)",
                ),
            ));
        }
        match input {
            Input::Clear => {
                data.remove(*key);
            }
            Input::Text(s) => {
                data.insert(
                    (*key).to_owned(),
                    read_value(reg, field, &Value::String(s.clone()))?,
                );
            }
            Input::Json(v) => {
                data.insert((*key).to_owned(), read_value(reg, field, v)?);
            }
        }
    }
    Ok(())
}

fn normalise_id(reg: Register, id: &str) -> Result<String> {
    let up = id.trim().to_ascii_uppercase();
    match Register::of_id(&up) {
        Some(r) if r == reg => Ok(up),
        _ => Err(invalid(
            reg.key(),
            None,
            Msg::new(
                format!(
                    "{id:?} 不是{}的编号（形如 {}-1）",
                    reg.noun().zh,
                    reg.prefix()
                ),
                format!(
                    "{id:?} is not the id of a {} (like {}-1)",
                    reg.noun().en,
                    reg.prefix()
                ),
            ),
        )),
    }
}

fn not_found(reg: Register, id: &str) -> Error {
    Error::new(
        ErrorKind::NotFound,
        format!("{}: no {} {id}", reg.key(), reg.noun().en),
    )
}

fn conflict(reg: Register, id: &str, now: u64) -> Error {
    invalid(
        reg.key(),
        None,
        Msg::new(
            format!("{id} 已被他人修改（现为第 {now} 版）；请重新读取后再改"),
            format!("{id} was changed meanwhile (now revision {now}); read it again and retry"),
        ),
    )
}

fn new_store_id() -> Result<String> {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b).map_err(|e| Error::storage(format!("random store id: {e}")))?;
    Ok(crate::chain::sha256_hex(&b)[..32].to_owned())
}

/// The error for a PostgreSQL store in a build without the `postgres`
/// feature: the location parses (a profile may name one), but this program
/// cannot open it.
#[cfg(not(feature = "postgres"))]
fn no_postgres(location: &Location) -> Error {
    Error::new(
        ErrorKind::Storage,
        format!(
            "registers at {}: this build has no postgresql support (the registers library was built without its `postgres` feature); use an sqlite store or a build with postgresql",
            location.display()
        ),
    )
}

#[cfg(unix)]
fn restrict_permissions(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    // registers hold personal data: owner only
    let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
}

#[cfg(not(unix))]
fn restrict_permissions(_: &Path) {}

#[doc(hidden)]
/// Tests only: create a store at an older schema version.
pub fn create_at_version(location: &Location, version: u32) -> Result<()> {
    let mut r = match location {
        Location::Sqlite(path) => {
            let c = rusqlite::Connection::open(path)?;
            Registers {
                conn: Conn::Sqlite(c),
                location: location.clone(),
                store_id: String::new(),
                genesis: String::new(),
            }
        }
        #[cfg(not(feature = "postgres"))]
        Location::Postgres { .. } => return Err(no_postgres(location)),
        #[cfg(feature = "postgres")]
        Location::Postgres { url, schema } => {
            let mut c = postgres::Client::connect(url, postgres::NoTls)?;
            c.batch_execute(&format!(
                "CREATE SCHEMA IF NOT EXISTS \"{schema}\"; SET search_path TO \"{schema}\""
            ))?;
            Registers {
                conn: Conn::Postgres(Box::new(c)),
                location: location.clone(),
                store_id: String::new(),
                genesis: String::new(),
            }
        }
    };
    r.migrate(version, true)
}
