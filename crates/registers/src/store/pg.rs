//! The PostgreSQL side of [`super::sql`] (the `postgres` feature): rows,
//! parameters and statements through the synchronous `postgres` client.

use super::sql::{P, Row, Sql};
use crate::error::{Error, Result};

impl Row for postgres::Row {
    fn i64(&self, i: usize) -> Result<i64> {
        self.try_get::<_, i64>(i).map_err(Error::from)
    }
    fn str(&self, i: usize) -> Result<String> {
        self.try_get::<_, String>(i).map_err(Error::from)
    }
    fn opt_i64(&self, i: usize) -> Result<Option<i64>> {
        self.try_get::<_, Option<i64>>(i).map_err(Error::from)
    }
}

fn pg_params<'a>(params: &'a [P<'a>]) -> Vec<&'a (dyn postgres::types::ToSql + Sync)> {
    params
        .iter()
        .map(|p| match p {
            P::I(i) => i as &(dyn postgres::types::ToSql + Sync),
            P::S(s) => s as &(dyn postgres::types::ToSql + Sync),
        })
        .collect()
}

/// A PostgreSQL connection or transaction.
pub(crate) struct Pg<'a, C: postgres::GenericClient>(pub &'a mut C);

impl<C: postgres::GenericClient> Sql for Pg<'_, C> {
    fn exec(&mut self, sql: &str, params: &[P<'_>]) -> Result<u64> {
        let p = pg_params(params);
        Ok(self.0.execute(sql, &p)?)
    }

    fn batch(&mut self, sql: &str) -> Result<()> {
        Ok(self.0.batch_execute(sql)?)
    }

    fn each(
        &mut self,
        sql: &str,
        params: &[P<'_>],
        f: &mut dyn FnMut(&dyn Row) -> Result<()>,
    ) -> Result<()> {
        use postgres::fallible_iterator::FallibleIterator;
        let p = pg_params(params);
        let mut rows = self.0.query_raw(sql, p)?;
        while let Some(r) = rows.next()? {
            f(&r)?;
        }
        Ok(())
    }
}
