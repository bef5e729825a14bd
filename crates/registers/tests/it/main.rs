//! Integration tests of the registers store. Every store test runs twice,
//! against SQLite in a temporary folder and against the local PostgreSQL
//! (127.0.0.1:5432, database `test`) in a schema of its own; the PostgreSQL
//! runs fail (never skip) when the server cannot be reached.

mod bad_inputs;
mod evidence;
mod props;
mod report;
mod settings;
mod store;
mod tamper;

use std::sync::atomic::{AtomicU64, Ordering};

use registers::{Input, Location, Registers, Settings, WriteCtx};
use time::OffsetDateTime;
use time::macros::datetime;

/// The PostgreSQL the tests use.
pub const PG: &str = "postgres://postgres@127.0.0.1:5432/test";

/// A fresh, empty store and what it takes to reach it outside the library.
pub struct Fresh {
    /// Where the store is.
    pub location: Location,
    _dir: Option<tempfile::TempDir>,
    schema: Option<String>,
}

impl Drop for Fresh {
    fn drop(&mut self) {
        if let Some(s) = &self.schema
            && let Ok(mut c) = postgres::Client::connect(PG, postgres::NoTls)
        {
            let _ = c.batch_execute(&format!("DROP SCHEMA IF EXISTS \"{s}\" CASCADE"));
        }
    }
}

static N: AtomicU64 = AtomicU64::new(0);

impl Fresh {
    /// An empty SQLite store in a temporary folder.
    pub fn sqlite() -> Fresh {
        let dir = tempfile::tempdir().expect("temp dir");
        Fresh {
            location: Location::default_in(dir.path()),
            _dir: Some(dir),
            schema: None,
        }
    }

    /// An empty schema in the local PostgreSQL.
    pub fn postgres() -> Fresh {
        // fail, never skip, when the database is not there
        if let Err(e) = postgres::Client::connect(PG, postgres::NoTls) {
            panic!(
                "the PostgreSQL tests need the local server at {PG} (trust auth, database `test`): {e}"
            );
        }
        let nanos = OffsetDateTime::now_utc().unix_timestamp_nanos();
        let schema = format!(
            "t_{}_{}_{}",
            std::process::id(),
            nanos % 1_000_000_000,
            N.fetch_add(1, Ordering::Relaxed)
        );
        Fresh {
            location: Location::parse(&format!("{PG}?schema={schema}")).expect("location"),
            _dir: None,
            schema: Some(schema),
        }
    }

    /// Open the store.
    pub fn open(&self) -> Registers {
        Registers::open(&self.location).expect("open the store")
    }

    /// Run SQL on the store behind the library's back.
    pub fn raw(&self, sql: &str) -> Result<(), String> {
        match &self.location {
            Location::Sqlite(p) => {
                let c = rusqlite::Connection::open(p).map_err(|e| e.to_string())?;
                c.execute_batch(sql).map_err(|e| e.to_string())
            }
            Location::Postgres { schema, .. } => {
                let mut c =
                    postgres::Client::connect(PG, postgres::NoTls).map_err(|e| e.to_string())?;
                c.batch_execute(&format!("SET search_path TO \"{schema}\"; {sql}"))
                    .map_err(|e| match e.as_db_error() {
                        Some(d) => d.message().to_owned(),
                        None => e.to_string(),
                    })
            }
        }
    }
}

/// Run a test body against both databases.
#[macro_export]
macro_rules! both {
    ($name:ident, $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            #[test]
            fn sqlite() {
                let f = $crate::Fresh::sqlite();
                ($body)(&f);
            }
            #[test]
            fn postgres() {
                let f = $crate::Fresh::postgres();
                ($body)(&f);
            }
        }
    };
}

/// The time the tests write at.
pub const NOW: OffsetDateTime = datetime!(2025-06-01 12:00 +08:00);

/// A write context at [`NOW`] by `actor`.
pub fn ctx<'a>(actor: &'a str, s: &'a Settings) -> WriteCtx<'a> {
    WriteCtx {
        actor,
        now: NOW,
        settings: s,
        expected_revision: None,
    }
}

/// Text inputs from pairs.
pub fn text<'a>(pairs: &[(&'a str, &str)]) -> Vec<(&'a str, Input)> {
    pairs
        .iter()
        .map(|(k, v)| (*k, Input::Text((*v).to_owned())))
        .collect()
}
