//! Databases: PostgreSQL and MySQL/MariaDB, read-only, sampled per table.
//!
//! [`mask_target`] is always here; the scanning itself
//! ([`Scanner::scan_database`](crate::Scanner)) and its clients are behind
//! the `db` feature (off by default: users of the library who scan no
//! database do not compile the clients, nor the tokio runtime of `postgres`).
//!
//! The scanner lists the text-like columns of every base table outside the
//! system schemas, reads up to `sample_rows` rows per table (the first rows
//! in storage order; all rows with `sample_rows: None`) and scans each cell
//! with its column name as context. It never writes: everything runs in a
//! `READ ONLY` transaction with a statement timeout (PostgreSQL
//! `statement_timeout`, `lock_timeout`; MariaDB `max_statement_time`, MySQL
//! `MAX_EXECUTION_TIME`; a MySQL/MariaDB server that takes neither is not
//! scanned at all), and rows are fetched in batches so memory stays bounded
//! with `--full`.
//!
//! Client choice: the synchronous `postgres` crate (a blocking wrapper
//! around `tokio-postgres` with a private current-thread runtime, no TLS,
//! default features off) and the `mysql` crate with `default-features =
//! false, features = ["minimal-rust"]` (pure-Rust flate2, no TLS, no
//! derive). Both keep this crate's API synchronous; together they add about
//! 140 crates to a cold build (10 minutes on 2 cores here, mostly shared
//! with the rest of the workspace). Connections are plain TCP or Unix
//! sockets: use them on trusted networks or through an SSH tunnel.

#[cfg(feature = "db")]
use crate::engine::{Error, Scanner, Sink};
#[cfg(feature = "db")]
use crate::report::{Asset, Report};

/// Mask the password of a URL-like target (`postgres://u:secret@h/db` →
/// `postgres://u:****@h/db`) and drop the query string.
pub fn mask_target(target: &str) -> String {
    let no_query = target.split('?').next().unwrap_or(target);
    let Some(scheme_end) = no_query.find("://") else {
        return no_query.to_owned();
    };
    let rest = &no_query[scheme_end + 3..];
    let auth_end = rest.find('/').unwrap_or(rest.len());
    match rest[..auth_end].rfind('@') {
        Some(at) => {
            let userinfo = &rest[..at];
            let user = userinfo.split(':').next().unwrap_or("");
            let masked = if userinfo.contains(':') {
                format!("{user}:****")
            } else {
                user.to_owned()
            };
            format!("{}{}{}", &no_query[..scheme_end + 3], masked, &rest[at..])
        }
        None => no_query.to_owned(),
    }
}

#[cfg(feature = "db")]
fn password_of(target: &str) -> Option<String> {
    let rest = &target[target.find("://")? + 3..];
    let auth_end = rest.find('/').unwrap_or(rest.len());
    let at = rest[..auth_end].rfind('@')?;
    let (_, pw) = rest[..at].split_once(':')?;
    (!pw.is_empty()).then(|| pw.to_owned())
}

#[cfg(feature = "db")]
/// Remove the password (if any) of `target` from a driver message.
fn clean(target: &str, msg: impl std::fmt::Display) -> String {
    let mut m = msg.to_string();
    if let Some(pw) = password_of(target) {
        m = m.replace(&pw, "****");
    }
    m.to_lowercase()
}

#[cfg(feature = "db")]
struct Column {
    schema: String,
    table: String,
    name: String,
}

#[cfg(feature = "db")]
fn group(cols: Vec<Column>) -> Vec<(String, String, Vec<String>)> {
    let mut out: Vec<(String, String, Vec<String>)> = Vec::new();
    for c in cols {
        match out.last_mut() {
            Some(last) if last.0 == c.schema && last.1 == c.table => last.2.push(c.name),
            _ => out.push((c.schema, c.table, vec![c.name])),
        }
    }
    out
}

#[cfg(feature = "db")]
/// `SELECT` of the text form of `names` from `schema.table`, at most `limit` rows;
/// `quote` quotes an identifier, `text` wraps a quoted column in the dialect's cast.
fn sample_query(
    names: &[String],
    schema: &str,
    table: &str,
    limit: Option<u64>,
    quote: fn(&str) -> String,
    text: fn(&str) -> String,
) -> String {
    let select: Vec<String> = names.iter().map(|c| text(&quote(c))).collect();
    let limit = limit.map(|n| format!(" LIMIT {n}")).unwrap_or_default();
    format!(
        "SELECT {} FROM {}.{}{limit}",
        select.join(", "),
        quote(schema),
        quote(table)
    )
}

#[cfg(feature = "db")]
fn quote_pg(id: &str) -> String {
    format!("\"{}\"", id.replace('"', "\"\""))
}

#[cfg(feature = "db")]
fn quote_my(id: &str) -> String {
    format!("`{}`", id.replace('`', "``"))
}

#[cfg(feature = "db")]
impl Scanner {
    /// Scan a database given as `postgres://…`/`postgresql://…` or
    /// `mysql://…`/`mariadb://…`. `tables` is an optional SQL `LIKE` pattern
    /// on table names.
    pub fn scan_database(
        &self,
        target: &str,
        tables: Option<&str>,
        sink: &dyn Sink,
    ) -> Result<Report, Error> {
        let lower = target.to_ascii_lowercase();
        let mut report = if lower.starts_with("postgres://") || lower.starts_with("postgresql://") {
            self.scan_postgres(target, tables, sink)?
        } else if lower.starts_with("mysql://") || lower.starts_with("mariadb://") {
            self.scan_mysql(target, tables, sink)?
        } else {
            return Err(Error::Target(mask_target(target)));
        };
        report.sort();
        Ok(report)
    }

    fn scan_postgres(
        &self,
        target: &str,
        tables: Option<&str>,
        sink: &dyn Sink,
    ) -> Result<Report, Error> {
        let shown = mask_target(target);
        let err = |m: postgres::Error| Error::Db {
            target: shown.clone(),
            message: clean(target, m),
        };
        let url = target.replacen("postgresql://", "postgres://", 1);
        let mut client = postgres::Client::connect(&url, postgres::NoTls).map_err(err)?;
        let mut tx = client
            .build_transaction()
            .read_only(true)
            .start()
            .map_err(err)?;
        let t = self.opts.statement_timeout_ms;
        tx.batch_execute(&format!(
            "SET LOCAL statement_timeout = {t}; SET LOCAL lock_timeout = {}; SET LOCAL idle_in_transaction_session_timeout = {}",
            t.min(5000),
            t * 2
        ))
        .map_err(err)?;
        let rows = tx
            .query(
                "SELECT c.table_schema::text, c.table_name::text, c.column_name::text
                 FROM information_schema.columns c
                 JOIN information_schema.tables t
                   ON t.table_schema = c.table_schema AND t.table_name = c.table_name
                 WHERE t.table_type = 'BASE TABLE'
                   AND c.table_schema NOT IN ('pg_catalog', 'information_schema')
                   AND c.table_schema NOT LIKE 'pg_toast%'
                   AND c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb',
                       'bigint', 'numeric', 'inet', 'cidr', 'macaddr', 'xml', 'ARRAY', 'USER-DEFINED')
                   AND ($1::text IS NULL OR c.table_name::text LIKE $1::text)
                 ORDER BY 1, 2, c.ordinal_position",
                &[&tables],
            )
            .map_err(err)?;
        let cols: Vec<Column> = rows
            .iter()
            .map(|r| Column {
                schema: r.get(0),
                table: r.get(1),
                name: r.get(2),
            })
            .collect();
        let mut report = Report::default();
        let mut tmp = Vec::new();
        for (schema, table, names) in group(cols) {
            let source = format!("{shown}/{schema}.{table}");
            let q = sample_query(
                &names,
                &schema,
                &table,
                self.opts.sample_rows,
                quote_pg,
                |c| format!("{c}::text"),
            );
            let mut assets: Vec<Asset> = names
                .iter()
                .map(|c| Asset::new(source.clone(), Some(c.clone())))
                .collect();
            let portal = tx.bind(q.as_str(), &[]).map_err(err)?;
            let mut row_no = 0u64;
            loop {
                let batch = tx.query_portal(&portal, 500).map_err(err)?;
                if batch.is_empty() {
                    break;
                }
                for r in &batch {
                    for (k, asset) in assets.iter_mut().enumerate() {
                        let v: Option<&str> = r.try_get(k).unwrap_or(None);
                        if let Some(v) = v {
                            report.bytes += v.len() as u64;
                            sink.progress(v.len() as u64);
                            self.scan_record(asset, v.as_bytes(), Some(row_no), sink, &mut tmp);
                        }
                    }
                    row_no += 1;
                }
            }
            report.rows += row_no;
            report.sources += 1;
            report
                .assets
                .extend(assets.into_iter().filter(|a| !a.kinds.is_empty()));
        }
        tx.rollback().map_err(err)?;
        Ok(report)
    }

    fn scan_mysql(
        &self,
        target: &str,
        tables: Option<&str>,
        sink: &dyn Sink,
    ) -> Result<Report, Error> {
        use mysql::prelude::Queryable;
        let shown = mask_target(target);
        let err = |m: mysql::Error| Error::Db {
            target: shown.clone(),
            message: clean(target, m),
        };
        let url = target.replacen("mariadb://", "mysql://", 1);
        let opts = mysql::Opts::from_url(&url).map_err(|e| Error::Db {
            target: shown.clone(),
            message: clean(target, e),
        })?;
        let mut conn = mysql::Conn::new(opts).map_err(err)?;
        let t = self.opts.statement_timeout_ms;
        // MariaDB names the limit max_statement_time (seconds), MySQL
        // MAX_EXECUTION_TIME (milliseconds, for SELECT, all a scan runs). A
        // server that takes neither would let the scan run without limits on
        // a production database: stop instead, saying why.
        if let Err(maria) = conn.query_drop(format!(
            "SET SESSION max_statement_time = {}",
            t.div_ceil(1000)
        )) && let Err(mysql) = conn.query_drop(format!("SET SESSION MAX_EXECUTION_TIME = {t}"))
        {
            return Err(Error::Db {
                target: shown.clone(),
                message: format!(
                    "the server rejects a statement timeout, so the scan would run without limits; not scanning (max_statement_time: {}; MAX_EXECUTION_TIME: {})",
                    clean(target, maria),
                    clean(target, mysql)
                ),
            });
        }
        conn.query_drop("SET SESSION TRANSACTION READ ONLY")
            .map_err(err)?;
        conn.query_drop("START TRANSACTION READ ONLY")
            .map_err(err)?;
        let pattern = tables.unwrap_or("%");
        let cols: Vec<(String, String, String)> = conn
            .exec(
                "SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME FROM information_schema.COLUMNS c
                 WHERE (c.TABLE_SCHEMA = DATABASE() OR (DATABASE() IS NULL AND c.TABLE_SCHEMA NOT IN
                        ('mysql', 'information_schema', 'performance_schema', 'sys')))
                   AND c.DATA_TYPE IN ('char', 'varchar', 'tinytext', 'text', 'mediumtext', 'longtext',
                       'json', 'bigint', 'decimal', 'enum', 'set')
                   AND c.TABLE_NAME LIKE ?
                   AND EXISTS (SELECT 1 FROM information_schema.TABLES t WHERE t.TABLE_SCHEMA = c.TABLE_SCHEMA
                       AND t.TABLE_NAME = c.TABLE_NAME AND t.TABLE_TYPE = 'BASE TABLE')
                 ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION",
                (pattern,),
            )
            .map_err(err)?;
        let cols = cols
            .into_iter()
            .map(|(schema, table, name)| Column {
                schema,
                table,
                name,
            })
            .collect();
        let mut report = Report::default();
        let mut tmp = Vec::new();
        for (schema, table, names) in group(cols) {
            let source = format!("{shown}/{schema}.{table}");
            let q = sample_query(
                &names,
                &schema,
                &table,
                self.opts.sample_rows,
                quote_my,
                |c| format!("CAST({c} AS CHAR)"),
            );
            let mut assets: Vec<Asset> = names
                .iter()
                .map(|c| Asset::new(source.clone(), Some(c.clone())))
                .collect();
            let mut row_no = 0u64;
            let result = conn.query_iter(q).map_err(err)?;
            for row in result {
                let row = row.map_err(err)?;
                for (k, asset) in assets.iter_mut().enumerate() {
                    let bytes: Option<Vec<u8>> = match row.as_ref(k) {
                        Some(mysql::Value::Bytes(b)) => Some(b.clone()),
                        Some(mysql::Value::Int(n)) => Some(n.to_string().into_bytes()),
                        Some(mysql::Value::UInt(n)) => Some(n.to_string().into_bytes()),
                        _ => None,
                    };
                    if let Some(v) = bytes {
                        report.bytes += v.len() as u64;
                        sink.progress(v.len() as u64);
                        self.scan_record(asset, &v, Some(row_no), sink, &mut tmp);
                    }
                }
                row_no += 1;
            }
            report.rows += row_no;
            report.sources += 1;
            report
                .assets
                .extend(assets.into_iter().filter(|a| !a.kinds.is_empty()));
        }
        conn.query_drop("ROLLBACK").map_err(err)?;
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_targets() {
        assert_eq!(
            mask_target("postgres://u:secret@h:5432/db?sslmode=x"),
            "postgres://u:****@h:5432/db"
        );
        assert_eq!(
            mask_target("mysql://root@127.0.0.1/test"),
            "mysql://root@127.0.0.1/test"
        );
        #[cfg(feature = "db")]
        assert_eq!(
            clean("mysql://u:pw123@h/d", "Access denied pw123"),
            "access denied ****"
        );
    }
}
