//! One SQL dialect over two databases: every statement is written once with
//! `$1`-style parameters and runs on SQLite (rewritten to `?1`) and on
//! PostgreSQL. Integers are 64-bit, text is text; nothing else crosses.

use std::borrow::Cow;

use crate::error::Result;

/// A statement parameter.
#[derive(Debug, Clone, Copy)]
pub(crate) enum P<'a> {
    /// A 64-bit integer.
    I(i64),
    /// Text.
    S(&'a str),
}

/// Read access to one result row.
pub(crate) trait Row {
    fn i64(&self, i: usize) -> Result<i64>;
    fn str(&self, i: usize) -> Result<String>;
    fn opt_i64(&self, i: usize) -> Result<Option<i64>>;
}

/// What both databases do.
pub(crate) trait Sql {
    /// Run a statement, return the rows changed.
    fn exec(&mut self, sql: &str, params: &[P<'_>]) -> Result<u64>;
    /// Run statements without parameters (DDL).
    fn batch(&mut self, sql: &str) -> Result<()>;
    /// Run a query and hand each row to `f`, streaming.
    fn each(
        &mut self,
        sql: &str,
        params: &[P<'_>],
        f: &mut dyn FnMut(&dyn Row) -> Result<()>,
    ) -> Result<()>;
}

/// The first row's values, via `f`.
pub(crate) fn one<T>(
    db: &mut dyn Sql,
    sql: &str,
    params: &[P<'_>],
    f: impl Fn(&dyn Row) -> Result<T>,
) -> Result<Option<T>> {
    let mut out = None;
    db.each(sql, params, &mut |r| {
        if out.is_none() {
            out = Some(f(r)?);
        }
        Ok(())
    })?;
    Ok(out)
}

/// All rows, via `f`.
pub(crate) fn all<T>(
    db: &mut dyn Sql,
    sql: &str,
    params: &[P<'_>],
    f: impl Fn(&dyn Row) -> Result<T>,
) -> Result<Vec<T>> {
    let mut out = Vec::new();
    db.each(sql, params, &mut |r| {
        out.push(f(r)?);
        Ok(())
    })?;
    Ok(out)
}

// ---- SQLite ---------------------------------------------------------------

fn sqlite_sql(sql: &str) -> Cow<'_, str> {
    if sql.contains('$') {
        Cow::Owned(sql.replace('$', "?"))
    } else {
        Cow::Borrowed(sql)
    }
}

fn sqlite_params<'a>(params: &'a [P<'a>]) -> Vec<rusqlite::types::ToSqlOutput<'a>> {
    use rusqlite::types::{ToSqlOutput, ValueRef};
    params
        .iter()
        .map(|p| match *p {
            P::I(i) => ToSqlOutput::Borrowed(ValueRef::Integer(i)),
            P::S(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
        })
        .collect()
}

impl Row for rusqlite::Row<'_> {
    fn i64(&self, i: usize) -> Result<i64> {
        Ok(self.get::<_, i64>(i)?)
    }
    fn str(&self, i: usize) -> Result<String> {
        Ok(self.get::<_, String>(i)?)
    }
    fn opt_i64(&self, i: usize) -> Result<Option<i64>> {
        Ok(self.get::<_, Option<i64>>(i)?)
    }
}

/// A SQLite connection (or a transaction, through `Deref`).
pub(crate) struct Lite<'a>(pub &'a rusqlite::Connection);

impl Sql for Lite<'_> {
    fn exec(&mut self, sql: &str, params: &[P<'_>]) -> Result<u64> {
        let mut st = self.0.prepare_cached(&sqlite_sql(sql))?;
        let p = sqlite_params(params);
        let n = st.execute(rusqlite::params_from_iter(p.iter()))?;
        Ok(n as u64)
    }

    fn batch(&mut self, sql: &str) -> Result<()> {
        Ok(self.0.execute_batch(sql)?)
    }

    fn each(
        &mut self,
        sql: &str,
        params: &[P<'_>],
        f: &mut dyn FnMut(&dyn Row) -> Result<()>,
    ) -> Result<()> {
        let mut st = self.0.prepare_cached(&sqlite_sql(sql))?;
        let p = sqlite_params(params);
        let mut rows = st.query(rusqlite::params_from_iter(p.iter()))?;
        while let Some(r) = rows.next()? {
            f(r)?;
        }
        Ok(())
    }
}
