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

/// A TCP proxy in front of the real MariaDB that answers every query naming one of `reject`
/// with the ERR packet a server that does not know the variable sends (1193, "Unknown system
/// variable"), and forwards everything else both ways unchanged. It records the queries it
/// forwarded, so a test can tell whether any data was read.
struct RejectingProxy {
    addr: std::net::SocketAddr,
    forwarded: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

fn rejecting_proxy(reject: &'static [&'static str]) -> RejectingProxy {
    use std::io::{Read, Write};
    use std::net::{Shutdown, TcpListener, TcpStream};
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind the proxy");
    let addr = listener.local_addr().expect("proxy address");
    let forwarded = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = forwarded.clone();
    std::thread::spawn(move || {
        for client in listener.incoming() {
            let Ok(client) = client else { break };
            let server = TcpStream::connect("127.0.0.1:3306")
                .unwrap_or_else(|e| panic!("MariaDB at 127.0.0.1:3306 is required: {e}"));
            let (mut from_client, mut to_client) = (
                client.try_clone().expect("clone client"),
                client.try_clone().expect("clone client"),
            );
            let (mut from_server, mut to_server) =
                (server.try_clone().expect("clone server"), server);
            let mut to_client_copy = client;
            std::thread::spawn(move || {
                let _ = std::io::copy(&mut from_server, &mut to_client_copy);
                let _ = to_client_copy.shutdown(Shutdown::Write);
            });
            let seen = seen.clone();
            std::thread::spawn(move || {
                loop {
                    // a MySQL packet: 3-byte length, sequence id, payload
                    let mut head = [0u8; 4];
                    if from_client.read_exact(&mut head).is_err() {
                        break;
                    }
                    let len = u32::from_le_bytes([head[0], head[1], head[2], 0]) as usize;
                    let mut body = vec![0u8; len];
                    if from_client.read_exact(&mut body).is_err() {
                        break;
                    }
                    if body.first() == Some(&0x03) {
                        // COM_QUERY
                        let q = String::from_utf8_lossy(&body[1..]).into_owned();
                        let lower = q.to_ascii_lowercase();
                        if reject.iter().any(|r| lower.contains(r)) {
                            let mut err = vec![0xff, 0xa9, 0x04, b'#'];
                            err.extend_from_slice(b"HY000Unknown system variable (proxy)");
                            let mut pkt = (err.len() as u32).to_le_bytes()[..3].to_vec();
                            pkt.push(head[3].wrapping_add(1));
                            pkt.extend(err);
                            if to_client.write_all(&pkt).is_err() {
                                break;
                            }
                            continue;
                        }
                        seen.lock().expect("lock").push(q);
                    }
                    if to_server.write_all(&head).is_err() || to_server.write_all(&body).is_err() {
                        break;
                    }
                }
                let _ = to_server.shutdown(Shutdown::Write);
            });
        }
    });
    RejectingProxy { addr, forwarded }
}

/// A MySQL/MariaDB scan never runs without a statement timeout: when the server rejects both
/// ways of setting one (MariaDB's `max_statement_time`, MySQL's `MAX_EXECUTION_TIME`), the
/// scan fails, saying why, before it reads any table. The real MariaDB itself rejects
/// `MAX_EXECUTION_TIME`; the proxy makes it reject `max_statement_time` too.
#[test]
fn mariadb_scan_fails_when_the_server_rejects_the_statement_timeout() {
    use mysql::prelude::Queryable;
    let table = unique("scan_to");
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

    // control: the proxy is transparent when it rejects only what MariaDB rejects anyway
    let open = rejecting_proxy(&["max_execution_time"]);
    // (prefer_socket=false: on loopback the client would otherwise move to MariaDB's Unix socket,
    // around the proxy)
    let url = format!("mysql://root@{}/test?prefer_socket=false", open.addr);
    let through = scanner.scan_database(&url, Some(&table), &NoSink);

    // the server takes neither timeout: no scan
    let closed = rejecting_proxy(&["max_statement_time"]);
    let url = format!("mysql://root@{}/test?prefer_socket=false", closed.addr);
    let refused = scanner.scan_database(&url, Some(&table), &NoSink);

    c.query_drop(format!("DROP TABLE {table}"))
        .expect("drop table");
    check(
        &through.expect("scan through the transparent proxy"),
        &table,
    );
    let err = refused.expect_err("a scan without a statement timeout must fail");
    let text = err.to_string();
    assert!(
        text.contains("rejects a statement timeout") && text.contains("not scanning"),
        "{text}"
    );
    assert!(
        text.contains("max_statement_time") && text.contains("MAX_EXECUTION_TIME"),
        "{text}"
    );
    let forwarded = closed.forwarded.lock().expect("lock");
    assert!(
        !forwarded
            .iter()
            .any(|q| q.contains(&table) || q.contains("information_schema")),
        "no table was read: {forwarded:?}"
    );
}
