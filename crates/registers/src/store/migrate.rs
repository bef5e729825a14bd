//! Versioned schema migrations, the same steps for SQLite and PostgreSQL.
//!
//! The store's version is `meta.schema_version`. Opening a store runs every
//! migration above its version, each in its own transaction with the version
//! bump; a store newer than this program is refused, never touched.
//!
//! - 1: `meta`, `changes` (append-only: triggers refuse UPDATE and DELETE),
//!   `heads` (an index of the latest revision of every record, rebuilt from
//!   `changes` and checked by `verify`).
//! - 2: a partial index on the records that still ask for something, for
//!   `list --open`.
//! - 3: `open_items`, the latest revision of every record that still asks
//!   for something, kept next to `heads` so the clock sweep reads a few
//!   thousand rows in one scan instead of looking each up among millions of
//!   changes; filled from `changes` for existing stores, checked by `verify`.

use crate::error::{Error, ErrorKind, Result};
use crate::store::sql::{P, Sql, one};

/// The newest schema this program knows.
pub const LATEST: u32 = 3;

/// Which database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    Sqlite,
    #[cfg(feature = "postgres")]
    Postgres,
}

struct Migration {
    version: u32,
    sqlite: &'static str,
    #[cfg_attr(
        not(feature = "postgres"),
        allow(
            dead_code,
            reason = "kept in every build so both dialects stay in step"
        )
    )]
    postgres: &'static str,
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        sqlite: "
CREATE TABLE changes (
    seq INTEGER PRIMARY KEY,
    register TEXT NOT NULL,
    id TEXT NOT NULL,
    version INTEGER NOT NULL,
    action TEXT NOT NULL,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    data TEXT NOT NULL,
    changed TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    UNIQUE (register, id, version)
);
CREATE TABLE heads (
    register TEXT NOT NULL,
    id TEXT NOT NULL,
    num INTEGER NOT NULL,
    version INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    created_seq INTEGER NOT NULL,
    sort_key INTEGER NOT NULL,
    open INTEGER NOT NULL,
    PRIMARY KEY (register, id)
);
CREATE UNIQUE INDEX heads_num ON heads (register, num);
CREATE INDEX heads_order ON heads (register, sort_key, num);
CREATE TRIGGER changes_append_only_update BEFORE UPDATE ON changes
BEGIN SELECT RAISE(ABORT, 'registers are append-only: a stored change is never updated'); END;
CREATE TRIGGER changes_append_only_delete BEFORE DELETE ON changes
BEGIN SELECT RAISE(ABORT, 'registers are append-only: a stored change is never deleted'); END;
",
        postgres: "
CREATE TABLE changes (
    seq BIGINT PRIMARY KEY,
    register TEXT NOT NULL,
    id TEXT NOT NULL,
    version BIGINT NOT NULL,
    action TEXT NOT NULL,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    data TEXT NOT NULL,
    changed TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    UNIQUE (register, id, version)
);
CREATE TABLE heads (
    register TEXT NOT NULL,
    id TEXT NOT NULL,
    num BIGINT NOT NULL,
    version BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    created_seq BIGINT NOT NULL,
    sort_key BIGINT NOT NULL,
    open BIGINT NOT NULL,
    PRIMARY KEY (register, id)
);
CREATE UNIQUE INDEX heads_num ON heads (register, num);
CREATE INDEX heads_order ON heads (register, sort_key, num);
CREATE FUNCTION registers_append_only() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    RAISE EXCEPTION 'registers are append-only: a stored change is never % (%)', lower(TG_OP), TG_TABLE_NAME;
END
$fn$;
CREATE TRIGGER changes_append_only BEFORE UPDATE OR DELETE ON changes
    FOR EACH ROW EXECUTE FUNCTION registers_append_only();
CREATE TRIGGER changes_append_only_truncate BEFORE TRUNCATE ON changes
    FOR EACH STATEMENT EXECUTE FUNCTION registers_append_only();
",
    },
    Migration {
        version: 2,
        sqlite: "CREATE INDEX heads_open ON heads (register, num) WHERE open = 1;",
        postgres: "CREATE INDEX heads_open ON heads (register, num) WHERE open = 1;",
    },
    Migration {
        version: 3,
        sqlite: "
CREATE TABLE open_items (
    register TEXT NOT NULL,
    id TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (register, id)
);
INSERT INTO open_items (register, id, data)
    SELECT h.register, h.id, c.data FROM heads h JOIN changes c ON c.seq = h.seq WHERE h.open = 1;
",
        postgres: "
CREATE TABLE open_items (
    register TEXT NOT NULL,
    id TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (register, id)
);
INSERT INTO open_items (register, id, data)
    SELECT h.register, h.id, c.data FROM heads h JOIN changes c ON c.seq = h.seq WHERE h.open = 1;
",
    },
];

/// The store's schema version (0 for an empty database).
pub(crate) fn version(db: &mut dyn Sql) -> Result<u32> {
    let v = one(
        db,
        "SELECT value FROM meta WHERE key = 'schema_version'",
        &[],
        |r| r.str(0),
    )?;
    match v {
        None => Ok(0),
        Some(s) => s.parse().map_err(|_| {
            Error::new(
                ErrorKind::Schema,
                format!("meta.schema_version {s:?} is not a number: the store is damaged"),
            )
        }),
    }
}

/// Create the `meta` table when missing.
pub(crate) fn ensure_meta(db: &mut dyn Sql) -> Result<()> {
    db.batch("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
}

/// Refuse a store newer than this program.
pub(crate) fn check_not_newer(v: u32) -> Result<()> {
    if v > LATEST {
        return Err(Error::new(
            ErrorKind::Schema,
            format!(
                "the registers store has schema version {v}, newer than this wangan knows ({LATEST}); upgrade wangan"
            ),
        ));
    }
    Ok(())
}

/// Run one migration step (the caller holds a transaction).
pub(crate) fn step(db: &mut dyn Sql, dialect: Dialect, to: u32) -> Result<()> {
    let m = MIGRATIONS
        .iter()
        .find(|m| m.version == to)
        .ok_or_else(|| Error::new(ErrorKind::Schema, format!("no migration to version {to}")))?;
    let sql = match dialect {
        Dialect::Sqlite => m.sqlite,
        #[cfg(feature = "postgres")]
        Dialect::Postgres => m.postgres,
    };
    db.batch(sql)?;
    let v = to.to_string();
    db.exec("DELETE FROM meta WHERE key = 'schema_version'", &[])?;
    db.exec(
        "INSERT INTO meta (key, value) VALUES ('schema_version', $1)",
        &[P::S(&v)],
    )?;
    tracing::info!(version = to, "registers store migrated");
    Ok(())
}
