//! Incident report drafts: snapshots of each format, the DOCX package's
//! parts, and unknown fields marked as such.

use std::io::Read as _;

use registers::report::{self, ReportKind};
use registers::{OperatorKind, Register, Settings};
use time::macros::datetime;

use crate::{Fresh, ctx, text};

fn incident(full: bool) -> registers::Record {
    let f = Fresh::sqlite();
    let s = Settings::default();
    let mut r = f.open();
    let mut pairs = vec![
        ("title", "勒索软件加密文件服务器"),
        ("grade", "较大"),
        ("discovered_at", "2025-03-14T23:30:00+08:00"),
    ];
    if full {
        pairs.extend([
            ("occurred_at", "2025-03-14T22:05:00+08:00"),
            ("unit", "某市城市商业银行"),
            ("place", "总行数据中心"),
            ("category", "恶意程序事件（勒索软件）"),
            ("pi_people", "1200000"),
            ("impact", "文件服务器 3 台被加密，网银未受影响。"),
            (
                "measures",
                "隔离受感染主机；启用备份恢复。\n已通知全行停止使用共享盘。",
            ),
            ("ransom", "要求 5 比特币，经暗网页面联系，2025-03-14 提出"),
            ("cause", "VPN 账户弱口令被利用 <script>"),
            ("handling_ended_at", "2025-03-18T18:00:00+08:00"),
            ("status", "closed"),
            ("reported_sector_at", "2025-03-15T00:20:00+08:00"),
            ("reported_police_at", "2025-03-15T00:35:00+08:00"),
            ("lessons", "弱口令 & 缺少多因素认证"),
        ]);
    }
    let inputs = text(&pairs);
    let (status, rest): (Vec<_>, Vec<_>) = inputs
        .into_iter()
        .partition(|(k, _)| *k == "status" || *k == "handling_ended_at");
    let rec = r.add(Register::Incident, &rest, &ctx("alice", &s)).unwrap();
    let rec = if status.is_empty() {
        rec
    } else {
        r.update(
            Register::Incident,
            &rec.id,
            &status,
            "close",
            &ctx("alice", &s),
        )
        .unwrap()
    };
    // the hash depends on the random store id: fix it for the snapshots
    registers::Record {
        hash: "0123456789abcdef0123".into(),
        ..rec
    }
}

const AT: time::OffsetDateTime = datetime!(2025-03-15 00:10 +08:00);

#[test]
fn initial_report_draft_with_unknowns() {
    let rec = incident(false);
    let d = report::draft(
        &rec,
        ReportKind::Initial,
        OperatorKind::Cii,
        &Settings::default(),
        AT,
    )
    .unwrap();
    let md = report::markdown(&d);
    assert!(md.contains("（尚不清楚，待续报）"));
    insta::assert_snapshot!("initial_cii_md", md);
}

#[test]
fn full_reports_in_every_format() {
    let rec = incident(true);
    let s = Settings::default();
    let d = report::draft(&rec, ReportKind::Initial, OperatorKind::Ordinary, &s, AT).unwrap();
    insta::assert_snapshot!("initial_ordinary_md", report::markdown(&d));
    let html = report::html(&d);
    assert!(html.contains("VPN 账户弱口令被利用 &lt;script&gt;") && !html.contains("<script>"));
    insta::assert_snapshot!("initial_ordinary_html", html);
    let d = report::draft(
        &rec,
        ReportKind::Summary,
        OperatorKind::Cii,
        &s,
        datetime!(2025-04-01 9:00 +08:00),
    )
    .unwrap();
    insta::assert_snapshot!("summary_cii_md", report::markdown(&d));
    let bytes = report::docx(&d, datetime!(2025-04-01 9:00 +08:00)).unwrap();
    // the same draft gives the same bytes
    assert_eq!(
        bytes,
        report::docx(&d, datetime!(2025-04-01 9:00 +08:00)).unwrap()
    );
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut names: Vec<String> = z.file_names().map(|n| n.unwrap().into_owned()).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "[Content_Types].xml",
            "_rels/.rels",
            "docProps/app.xml",
            "docProps/core.xml",
            "word/_rels/document.xml.rels",
            "word/document.xml",
            "word/styles.xml"
        ]
    );
    let mut doc = String::new();
    z.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut doc)
        .unwrap();
    assert!(doc.contains("弱口令 &amp; 缺少多因素认证"));
    insta::assert_snapshot!(
        "summary_cii_document_xml",
        doc.replace("</w:p>", "</w:p>\n")
    );
}

#[test]
fn only_incidents_have_reports() {
    let f = Fresh::sqlite();
    let s = Settings::default();
    let mut r = f.open();
    let p = r
        .add(
            Register::Plan,
            &text(&[
                ("title", "x"),
                ("version", "1"),
                ("approved_on", "2025-01-01"),
            ]),
            &ctx("a", &s),
        )
        .unwrap();
    let e = report::draft(&p, ReportKind::Initial, OperatorKind::Cii, &s, AT).unwrap_err();
    assert!(e.to_string().contains("not an incident"), "{e}");
}
