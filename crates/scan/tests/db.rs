//! Database scans against the local PostgreSQL and MariaDB (see
//! ARCHITECTURE.md: these tests fail, not skip, when the server is down).
//! Each test creates its own table of realistic personal data in database
//! `test`, scans it read-only and drops it.

use scan::{Kind, NoSink, ScanOptions, Scanner};

const PG: &str = "postgres://postgres@127.0.0.1:5432/test";
const MY: &str = "mysql://root@127.0.0.1:3306/test";

fn unique(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("{prefix}_{}_{nanos}", std::process::id())
}

fn id18(first17: &str) -> String {
    let c = scan::validate::id_check_char(first17.as_bytes()).unwrap_or(b'0');
    format!("{first17}{}", c as char)
}

fn rows() -> Vec<(String, String, String, String, i64)> {
    (0..50)
        .map(|i| {
            let name = ["张伟", "王芳", "李娜", "刘洋", "陈静"][i % 5].to_owned();
            let id = id18(&format!(
                "1101051985{:02}{:02}{:03}",
                i % 12 + 1,
                i % 28 + 1,
                i
            ));
            let mobile = format!("138{:08}", 100_000 + i);
            let note = format!(
                "客户地址：北京市朝阳区建国路{}号，邮箱 user{i}@example.com",
                i + 1
            );
            (name, id, mobile, note, 13_900_000_000 + i as i64)
        })
        .collect()
}

fn check(report: &scan::Report, table: &str) {
    let col = |c: &str| {
        report
            .assets
            .iter()
            .find(|a| a.source.ends_with(table) && a.field.as_deref() == Some(c))
            .unwrap_or_else(|| {
                panic!(
                    "no asset for column {c}: {:?}",
                    report
                        .assets
                        .iter()
                        .map(|a| (&a.source, &a.field))
                        .collect::<Vec<_>>()
                )
            })
    };
    assert_eq!(col("id_no").kinds[&Kind::CnId].count, 50);
    assert_eq!(col("id_no").persons_by_id(), 50);
    assert_eq!(col("phone").kinds[&Kind::CnMobile].count, 50);
    assert_eq!(col("phone").kinds[&Kind::CnMobile].distinct(), 50);
    assert_eq!(col("full_name").kinds[&Kind::CnName].count, 50);
    assert_eq!(col("full_name").kinds[&Kind::CnName].distinct(), 5);
    assert_eq!(col("note").kinds[&Kind::Email].count, 50);
    assert_eq!(col("note").kinds[&Kind::CnAddress].count, 50);
    // a mobile number stored as a BIGINT
    assert_eq!(col("backup_phone").kinds[&Kind::CnMobile].count, 50);
    let g = scan::grade(&report.datasets()[0], &scan::Policy::default());
    assert_eq!(g.level, scan::Level::SensitivePi);
    assert_eq!(g.persons, 50);
    // sampling
    assert!(report.rows >= 50);
}

#[test]
fn postgres_table_is_scanned_read_only() {
    let table = unique("scan_pg");
    let mut c = postgres::Client::connect(PG, postgres::NoTls)
        .unwrap_or_else(|e| panic!("PostgreSQL at {PG} is required for this test: {e}"));
    c.batch_execute(&format!(
        "CREATE TABLE {table} (id serial PRIMARY KEY, full_name text, id_no varchar(18), phone text, note text, backup_phone bigint)"
    ))
    .expect("create table");
    for (name, id, mobile, note, b) in rows() {
        c.execute(
            &format!("INSERT INTO {table} (full_name, id_no, phone, note, backup_phone) VALUES ($1, $2, $3, $4, $5)"),
            &[&name, &id, &mobile, &note, &b],
        )
        .expect("insert");
    }
    let scanner = Scanner::new(ScanOptions::default());
    let result = scanner.scan_database(PG, Some(&table), &NoSink);
    let sampled = Scanner::new(ScanOptions {
        sample_rows: Some(10),
        ..ScanOptions::default()
    })
    .scan_database(PG, Some(&table), &NoSink);
    c.batch_execute(&format!("DROP TABLE {table}"))
        .expect("drop table");
    let report = result.expect("scan");
    check(&report, &table);
    let sampled = sampled.expect("sampled scan");
    assert_eq!(sampled.rows, 10);
}

#[test]
fn mariadb_table_is_scanned_read_only() {
    use mysql::prelude::Queryable;
    let table = unique("scan_my");
    let mut c = mysql::Conn::new(mysql::Opts::from_url(MY).expect("url"))
        .unwrap_or_else(|e| panic!("MariaDB at {MY} is required for this test: {e}"));
    c.query_drop(format!(
        "CREATE TABLE {table} (id int AUTO_INCREMENT PRIMARY KEY, full_name varchar(20), id_no char(18), phone varchar(20), note text, backup_phone bigint) DEFAULT CHARSET=utf8mb4"
    ))
    .expect("create table");
    for (name, id, mobile, note, b) in rows() {
        c.exec_drop(
            format!("INSERT INTO {table} (full_name, id_no, phone, note, backup_phone) VALUES (?, ?, ?, ?, ?)"),
            (name, id, mobile, note, b),
        )
        .expect("insert");
    }
    let scanner = Scanner::new(ScanOptions::default());
    let result = scanner.scan_database(MY, Some(&table), &NoSink);
    c.query_drop(format!("DROP TABLE {table}"))
        .expect("drop table");
    check(&result.expect("scan"), &table);
}

#[test]
fn unreachable_database_error_masks_the_password() {
    let scanner = Scanner::new(ScanOptions::default());
    let err = scanner
        .scan_database("postgres://u:topsecret@127.0.0.1:1/test", None, &NoSink)
        .expect_err("port 1 is closed");
    let text = err.to_string();
    assert!(!text.contains("topsecret"), "{text}");
    assert!(text.contains("u:****@127.0.0.1:1"), "{text}");
}
