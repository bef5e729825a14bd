//! Data-driven detector tests: each case lists the expected (type, matched
//! text) pairs, in order. The matched text is sliced from the input by the
//! finding's byte offsets, so offsets are checked too.

use std::path::Path;

use scan::{Detector, Hint};

fn found(input: &str, hint: &str) -> Vec<(String, String)> {
    let d = Detector::default();
    let mut out = Vec::new();
    let h = if hint.is_empty() {
        Hint::default()
    } else {
        d.hint(hint)
    };
    d.scan(input.as_bytes(), h, &mut out);
    out.iter()
        .map(|f| {
            let mut k = f.kind.name().to_owned();
            if f.is_deidentified() {
                k.push_str("(masked)");
            }
            if f.is_minor() {
                k.push_str("(minor)");
            }
            (k, input[f.start as usize..f.end as usize].to_owned())
        })
        .collect()
}

fn check(input: &str, want: &[(&str, &str)]) {
    check_hint(input, "", want);
}

fn check_hint(input: &str, hint: &str, want: &[(&str, &str)]) {
    let got = found(input, hint);
    let want: Vec<(String, String)> = want
        .iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect();
    assert_eq!(got, want, "input: {input:?}");
}

#[test]
fn resident_ids() {
    check(
        "身份证号为11010519491231002X已登记",
        &[("cn_id", "11010519491231002X")],
    );
    check("id11010519491231002X", &[]);
    check("11010519491231002x", &[("cn_id", "11010519491231002x")]);
    check("110105194912310021", &[]);
    check(
        "１１０１０５１９４９１２３１００２Ｘ",
        &[("cn_id", "１１０１０５１９４９１２３１００２Ｘ")],
    );
    check("110105 19491231 002X", &[("cn_id", "110105 19491231 002X")]);
    check(
        "身份证110105********002X",
        &[("cn_id(masked)", "110105********002X")],
    );
    check(
        "身份证号码：110105491231002",
        &[("cn_id", "110105491231002")],
    );
    check("订单110105491231002", &[]);
    check(
        "港澳居民居住证810000199408230021",
        &[("cn_id", "810000199408230021")],
    );
    check(
        "学生身份证110105201801010019",
        &[("cn_id(minor)", "110105201801010019")],
    );
}

#[test]
fn mobiles() {
    check("手机13800138000", &[("cn_mobile", "13800138000")]);
    check(
        "tel: +86 138 0013 8000.",
        &[("cn_mobile", "+86 138 0013 8000")],
    );
    check("+8613800138000", &[("cn_mobile", "+8613800138000")]);
    check("0086-138-0013-8000", &[("cn_mobile", "0086-138-0013-8000")]);
    check("138-0013-8000", &[("cn_mobile", "138-0013-8000")]);
    check(
        "联系电话１３８００１３８０００",
        &[("cn_mobile", "１３８００１３８０００")],
    );
    check("12000138000", &[]);
    check("13310101132QQT5E8N", &[]);
    check("ts=1700000000000", &[]);
    check("138****8000", &[("cn_mobile(masked)", "138****8000")]);
    // masked values with full-width digits (normalised, not read in place)
    check(
        "１３８****８０００",
        &[("cn_mobile(masked)", "１３８****８０００")],
    );
    check(
        "138****８０００",
        &[("cn_mobile(masked)", "138****８０００")],
    );
}

#[test]
fn cards_and_codes() {
    check(
        "卡号6222021234567890128",
        &[("bank_card", "6222021234567890128")],
    );
    check(
        "card 4111 1111 1111 1111",
        &[("bank_card", "4111 1111 1111 1111")],
    );
    check("4111111111111111", &[]);
    check("卡号4111111111111111", &[("bank_card", "4111111111111111")]);
    check("91110000600037341L", &[("cn_uscc", "91110000600037341L")]);
    check(
        "信用代码911101085923662400",
        &[("cn_uscc", "911101085923662400")],
    );
    check("91110000600037341M", &[]);
    // 18 digits that pass the USCC check but not the ID check: after an ID
    // keyword a mistyped ID, not a code; with a USCC keyword, or bare, a code
    check("身份证号为111329195211104400，", &[]);
    check(
        "信用代码111329195211104400",
        &[("cn_uscc", "111329195211104400")],
    );
    check("111329195211104400", &[("cn_uscc", "111329195211104400")]);
    // the nearest keyword decides: a USCC keyword earlier in the window
    // does not make the digits after an ID keyword a code
    check(
        "统一社会信用代码：91440300091293020R。客户张三的身份证号为111329195211104400，",
        &[("cn_uscc", "91440300091293020R"), ("cn_name", "张三")],
    );
    check(
        "身份证：11010519491231002X，信用代码111329195211104400",
        &[
            ("cn_id", "11010519491231002X"),
            ("cn_uscc", "111329195211104400"),
        ],
    );
}

#[test]
fn network_and_devices() {
    check("from 203.0.113.7 at", &[("ipv4", "203.0.113.7")]);
    check("version 1.2.3.4.5", &[]);
    check(
        "mail zhang.san@example.com.",
        &[("email", "zhang.san@example.com")],
    );
    check("13800138000@163.com", &[("email", "13800138000@163.com")]);
    check("mac 00:1A:2B:3C:4D:5E", &[("mac", "00:1A:2B:3C:4D:5E")]);
    check(
        "addr 2001:db8:85a3::8a2e:370:7334 x",
        &[("ipv6", "2001:db8:85a3::8a2e:370:7334")],
    );
    check("std::io::Result 12:30:45", &[]);
    check("IMEI 490154203237518", &[("imei", "490154203237518")]);
    check("order 490154203237518", &[]);
    check("车牌京A12345违章", &[("plate", "京A12345")]);
    check("位置39.9087,116.3975", &[("gps", "39.9087,116.3975")]);
    check("price 39.90", &[]);
}

/// E-mail findings come out in text order among the others: between
/// values, after a connection string's password, inside a key block and
/// after it (an e-mail is pushed when the scan reaches it, or at the end).
#[test]
fn emails_are_in_text_order() {
    check(
        "a@b.cn 13800138000 c@d.cn 6222027849362707906 e@f.cn",
        &[
            ("email", "a@b.cn"),
            ("cn_mobile", "13800138000"),
            ("email", "c@d.cn"),
            ("bank_card", "6222027849362707906"),
            ("email", "e@f.cn"),
        ],
    );
    let text = "url mysql://root:pa55word@db.example.com:3306/x and admin@corp.cn 13800138000\n\
                key=-----BEGIN PRIVATE KEY-----\nMIIEv@example.com\n-----END PRIVATE KEY----- x@y.cn";
    check(
        text,
        &[
            ("password", "pa55word"),
            ("email", "pa55word@db.example.com"),
            ("email", "admin@corp.cn"),
            ("cn_mobile", "13800138000"),
            (
                "private_key",
                "-----BEGIN PRIVATE KEY-----\nMIIEv@example.com\n-----END PRIVATE KEY-----",
            ),
            ("email", "MIIEv@example.com"),
            ("email", "x@y.cn"),
        ],
    );
    // a key block to the end of the text: no step after it
    let pem = "-----BEGIN PRIVATE KEY-----\nab@example.com\n-----END PRIVATE KEY-----";
    check(pem, &[("private_key", pem), ("email", "ab@example.com")]);
}

#[test]
fn secrets() {
    check("postgres://app:s3cr3t@db:5432/x", &[("password", "s3cr3t")]);
    check("password=hunter22&x=1", &[("password", "hunter22")]);
    check(r#"{"password": "p@ss-w0rd"}"#, &[("password", "p@ss-w0rd")]);
    check("password=${DB_PASS}", &[]);
    check("let secret = base64::encode(&raw);", &[]);
    check("[exampleSDID@32473 iut=\"3\"]", &[]);
    check("x exampleSDID@32473.iut y", &[]);
    check(
        "key AKIAIOSFODNN7EXAMPLE",
        &[("api_token", "AKIAIOSFODNN7EXAMPLE")],
    );
    check(
        "ghp_0123456789abcdefghijklmnopqrstuvwxyz",
        &[("api_token", "ghp_0123456789abcdefghijklmnopqrstuvwxyz")],
    );
    let pem = "x\n-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\ny";
    check(
        pem,
        &[(
            "private_key",
            "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----",
        )],
    );
}

#[test]
fn names_and_addresses() {
    check("收件人：张三，电话", &[("cn_name", "张三")]);
    check("联系人欧阳娜娜的", &[("cn_name", "欧阳娜娜")]);
    check(
        "地址：北京市朝阳区建国路88号院3号楼2单元501室。",
        &[("cn_address", "北京市朝阳区建国路88号院3号楼2单元501室")],
    );
    check_hint("李小龙", "姓名", &[("cn_name", "李小龙")]);
    check("landline 010-62345678 ok", &[("landline", "010-62345678")]);
    check("2023-1234567", &[]);
}

#[test]
fn compressed_inputs_are_scanned() {
    use std::io::Write;
    let d = tempfile::tempdir().expect("tempdir");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(b"phone=13800138000\n").expect("gz");
    std::fs::write(d.path().join("a.log.gz"), gz.finish().expect("gz finish")).expect("write gz");
    let z = zstd::encode_all(&b"idcard=11010519491231002X\n"[..], 3).expect("zstd");
    std::fs::write(d.path().join("b.csv.zst"), z).expect("write zst");
    let r = scan::Scanner::new(scan::ScanOptions::default())
        .scan_path(d.path(), &scan::NoSink)
        .expect("scan");
    let kinds: Vec<(String, Option<String>, Vec<scan::Kind>)> = r
        .assets
        .iter()
        .map(|a| {
            let name = Path::new(&a.source)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            (name, a.field.clone(), a.kinds.keys().copied().collect())
        })
        .collect();
    assert_eq!(
        kinds,
        vec![("a.log.gz".to_owned(), None, vec![scan::Kind::CnMobile])],
        "b.csv.zst has only a header row: nothing to find"
    );
}

#[test]
fn sql_dumps_are_attributed_to_columns() {
    let dump = "-- dump\nINSERT INTO `users` (`id`, `name`, `phone`) VALUES (1,'张三','13800138000'),(2,'李四','13912345678');\n\
COPY public.people (id, id_no) FROM stdin;\n1\t11010519491231002X\n\\.\n";
    let r = scan::Scanner::new(scan::ScanOptions::default()).scan_bytes(
        "dump.sql",
        dump.as_bytes(),
        &scan::NoSink,
    );
    let fields: Vec<(Option<String>, Vec<scan::Kind>, u64)> = r
        .assets
        .iter()
        .map(|a| {
            (
                a.field.clone(),
                a.kinds.keys().copied().collect(),
                a.kinds.values().map(|k| k.count).sum(),
            )
        })
        .collect();
    assert_eq!(
        fields,
        vec![
            (
                Some("public.people.id_no".to_owned()),
                vec![scan::Kind::CnId],
                1
            ),
            (Some("users.name".to_owned()), vec![scan::Kind::CnName], 2),
            (
                Some("users.phone".to_owned()),
                vec![scan::Kind::CnMobile],
                2
            ),
        ]
    );
}

fn zip_of(files: &[(&str, &str)]) -> Vec<u8> {
    use std::io::Write;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, body) in files {
        w.start_file(*name, opts).expect("zip entry");
        w.write_all(body.as_bytes()).expect("zip write");
    }
    w.finish().expect("zip finish").into_inner()
}

#[test]
fn xlsx_columns_and_docx_text() {
    let d = tempfile::tempdir().expect("tempdir");
    let xlsx = zip_of(&[
        ("xl/workbook.xml", "<workbook/>"),
        (
            "xl/sharedStrings.xml",
            "<sst><si><t>姓名</t></si><si><t>手机</t></si><si><t>王小明</t></si></sst>",
        ),
        (
            "xl/worksheets/sheet1.xml",
            r#"<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row><row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2"><v>13800138000</v></c></row><row r="3"><c r="A3" t="inlineStr"><is><t>李雷</t></is></c><c r="B3" t="str"><v>139-1234-5678</v></c></row></sheetData></worksheet>"#,
        ),
    ]);
    std::fs::write(d.path().join("people.xlsx"), xlsx).expect("write xlsx");
    let docx = zip_of(&[(
        "word/document.xml",
        r#"<w:document><w:body><w:p><w:r><w:t>身份证号：</w:t></w:r><w:r><w:t>11010519491231002X</w:t></w:r></w:p><w:p><w:r><w:t xml:space="preserve">邮箱 a&amp;b@example.com</w:t></w:r></w:p></w:body></w:document>"#,
    )]);
    std::fs::write(d.path().join("memo.docx"), docx).expect("write docx");
    let r = scan::Scanner::new(scan::ScanOptions::default())
        .scan_path(d.path(), &scan::NoSink)
        .expect("scan");
    type Row = (String, Option<String>, Vec<(scan::Kind, u64)>);
    let got: Vec<Row> = r
        .assets
        .iter()
        .map(|a| {
            let name = Path::new(&a.source)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            (
                name,
                a.field.clone(),
                a.kinds.iter().map(|(k, s)| (*k, s.count)).collect(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "memo.docx".to_owned(),
                None,
                vec![(scan::Kind::CnId, 1), (scan::Kind::Email, 1)]
            ),
            (
                "people.xlsx".to_owned(),
                Some("sheet1!姓名".to_owned()),
                vec![(scan::Kind::CnName, 2)]
            ),
            (
                "people.xlsx".to_owned(),
                Some("sheet1!手机".to_owned()),
                vec![(scan::Kind::CnMobile, 2)]
            ),
        ],
        "skipped: {:?}",
        r.skipped
    );
}

#[test]
fn log_times_and_dates_do_not_hide_values() {
    check(
        "Nov  5 12:34:56 13800138000",
        &[("cn_mobile", "13800138000")],
    );
    check(
        "2026-05-13 12:22:16.177 13800138000",
        &[("cn_mobile", "13800138000")],
    );
    check("at 12:34:56.1234", &[]);
    check("t=12:34:56:78:9A:BC", &[("mac", "12:34:56:78:9A:BC")]);
    // a day number before the time: the time is decided from the day's
    // visit, and shapes that are not a plain time still go the full path
    check("Nov 5 12:34:56:78:9A:BC", &[("mac", "12:34:56:78:9A:BC")]);
    check("Nov 5 00:1a:2b:3c:4d:5e", &[("mac", "00:1a:2b:3c:4d:5e")]);
    check("Nov 5 12:34:56.7.8.9", &[("ipv4", "56.7.8.9")]);
    check("Nov 5 12:34:56@example.com", &[("email", "56@example.com")]);
    check(
        "Nov 19 12:34:56 13800138000",
        &[("cn_mobile", "13800138000")],
    );
    check("Nov 5 12:34:56.789 x", &[]);
    // a time or a date that ends the text (a CSV cell, a JSON value)
    check("Nov 5 12:34:56", &[]);
    check("2026-05-13", &[]);
    check("2026-05-13 12:34:56", &[]);
    check("a 2001:db8::12:34:56", &[("ipv6", "2001:db8::12:34:56")]);
    check("12:34:56:78:9A:BC", &[("mac", "12:34:56:78:9A:BC")]);
    check("12:34:56.7.8.9", &[("ipv4", "56.7.8.9")]);
    check("10:20:30 10.20.30.40", &[("ipv4", "10.20.30.40")]);
    check("2026-05-13-10-22 x", &[]);
    check(
        "day 2026-05-13 11010519491231002X",
        &[("cn_id", "11010519491231002X")],
    );
    check("x 0755-86013388 y", &[("landline", "0755-86013388")]);
    check("12:34:56@example.com", &[("email", "56@example.com")]);
    check("Nov 19 138 0013 8000", &[("cn_mobile", "138 0013 8000")]);
    check(
        "7 12 86 138 0013 8000",
        &[("cn_mobile", "86 138 0013 8000")],
    );
    check(
        "5 6222 0212 3456 7890 128",
        &[("bank_card", "6222 0212 3456 7890 128")],
    );
}

/// Collects (kind, start, end) of every finding.
#[derive(Default)]
struct Collect(std::sync::Mutex<Vec<(scan::Kind, u64, u64)>>);

impl scan::Sink for Collect {
    fn finding(&self, hit: &scan::Hit<'_>) {
        if let Ok(mut v) = self.0.lock() {
            v.push((hit.finding.kind, hit.finding.start, hit.finding.end));
        }
    }
}

/// A value on a chunk boundary (one long line, no newline to cut at) is
/// found exactly once, with its offsets in the file, on one and two threads.
#[test]
fn value_straddling_a_chunk_boundary_is_found_once() {
    let id = "11010519491231002X";
    let dir = tempfile::tempdir().expect("temp dir");
    for at in (4096 - id.len() - 3)..=(4096 + 3) {
        // filler without alphanumerics or newlines: `。` is three bytes
        let mut text = "。".repeat(at / 3).into_bytes();
        text.resize(at, b' ');
        text.extend_from_slice(id.as_bytes());
        text.extend_from_slice("。".repeat(2000).as_bytes());
        let path = dir.path().join("long.log");
        std::fs::write(&path, &text).expect("write");
        for threads in [1, 2] {
            let s = scan::Scanner::new(scan::ScanOptions {
                threads,
                chunk_size: 4096,
                ..scan::ScanOptions::default()
            });
            let sink = Collect::default();
            s.scan_path(&path, &sink).expect("scan");
            let got = sink.0.into_inner().unwrap_or_default();
            assert_eq!(
                got,
                vec![(scan::Kind::CnId, at as u64, (at + id.len()) as u64)],
                "value at {at}, {threads} thread(s)"
            );
        }
    }
}

/// Findings already in the output vector (other cells of a chunk) do not
/// hide a name cell at the same offset.
#[test]
fn name_cells_append_to_earlier_findings() {
    let d = Detector::default();
    let hint = d.hint("姓名");
    let mut out = Vec::new();
    d.scan("张三".as_bytes(), hint, &mut out);
    d.scan("李四".as_bytes(), hint, &mut out);
    let kinds: Vec<(scan::Kind, u64)> = out.iter().map(|f| (f.kind, f.start)).collect();
    assert_eq!(
        kinds,
        vec![(scan::Kind::CnName, 0), (scan::Kind::CnName, 0)]
    );
}

/// A directory with one large file (scanned alone, its chunks on both
/// threads) and small ones (one per thread) gives the findings of a
/// one-thread scan.
#[test]
fn directory_with_a_dominant_file_matches_one_thread() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut big = String::new();
    for k in 0..3000 {
        big.push_str(&format!(
            "line {k} 手机 13800138000 身份证 11010519491231002X mail u{k}@example.com\n"
        ));
    }
    std::fs::write(dir.path().join("big.log"), &big).expect("write");
    for k in 0..5 {
        std::fs::write(
            dir.path().join(format!("small{k}.log")),
            format!("contact 1391234567{k} ip 10.0.0.{k}\n"),
        )
        .expect("write");
    }
    let run = |threads| {
        let s = scan::Scanner::new(scan::ScanOptions {
            threads,
            chunk_size: 4096,
            ..scan::ScanOptions::default()
        });
        let sink = Collect::default();
        let r = s.scan_path(dir.path(), &sink).expect("scan");
        let mut got = sink.0.into_inner().unwrap_or_default();
        got.sort();
        let counts: Vec<(String, u64, u64)> = r
            .assets
            .iter()
            .map(|a| {
                let k = &a.kinds[&scan::Kind::CnMobile];
                (a.source.clone(), k.count, k.distinct())
            })
            .collect();
        (got, counts, r.sources, r.bytes, r.rows)
    };
    let one = run(1);
    assert_eq!(one.1.len(), 6);
    assert_eq!(one.1[0].1, 3000);
    assert_eq!(run(2), one);
}

/// A masked value is the same value (same hash for distinct counts, same
/// masked rendering) whether its digits are read in place or normalised
/// from full-width forms.
#[test]
fn masked_values_are_one_value_however_written() {
    let d = Detector::default();
    let one = |input: &str| {
        let mut out = Vec::new();
        d.scan(input.as_bytes(), Hint::default(), &mut out);
        assert_eq!(out.len(), 1, "{input}");
        (out[0].hash, out[0].masked.as_str().to_owned())
    };
    for (ascii, other) in [
        ("138****8000", "１３８****８０００"),
        ("138****8000", "138****８０００"),
        ("110105********002X", "１１０１０５********００２Ｘ"),
    ] {
        assert_eq!(one(ascii), one(other), "{other}");
    }
    assert_ne!(one("138****8000"), one("138****8001"));
}
