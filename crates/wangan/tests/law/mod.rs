//! `wangan law …`: rendered output (insta snapshots in both languages), JSON
//! shapes, exit codes, escaping, and the OSCAL catalog checked by the
//! independent validator compliance-trestle.

mod oscal;

use serde_json::Value;

use crate::{code, stderr, stdout, wangan};

/// Run a law command with fixed date and no colour; must succeed.
fn ok(args: &[&str]) -> String {
    let mut all = vec!["law"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--color", "never"]);
    let o = wangan(&all);
    assert_eq!(code(&o), 0, "wangan {all:?} failed: {}", stderr(&o));
    stdout(&o)
}

fn json(args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.push("--json");
    let text = ok(&all);
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{all:?}: not JSON ({e}): {text}"))
}

const AT: [&str; 2] = ["--at", "2026-03-01"];

#[test]
fn snapshots_show() {
    let cases: &[(&str, &[&str])] = &[
        ("show_23_3", &["show", "23(3)"]),
        ("show_draft_17_3", &["show", "draft 17(3)"]),
        ("show_2016_22p1", &["show", "CSL-2016 22¶1"]),
        ("show_draft_17p2", &["show", "draft 17¶2"]),
        ("show_incident_report", &["show", "csl.incident-report"]),
        ("show_2016_30", &["show", "2016:30"]),
    ];
    for (name, args) in cases {
        for lang in ["en", "zh"] {
            let mut all = args.to_vec();
            all.extend_from_slice(&AT);
            all.extend_from_slice(&["--lang", lang]);
            insta::assert_snapshot!(format!("{name}_{lang}"), ok(&all));
        }
    }
}

#[test]
fn snapshots_diff() {
    let cases: &[(&str, &[&str])] = &[
        ("diff_23_3", &["diff", "23(3)"]),
        ("diff_draft_18", &["diff", "draft 18"]),
        ("diff_2016_26", &["diff", "2016:26"]),
        ("diff_2016_34", &["diff", "2016:34"]),
    ];
    for (name, args) in cases {
        for lang in ["en", "zh"] {
            let mut all = args.to_vec();
            all.extend_from_slice(&AT);
            all.extend_from_slice(&["--lang", lang]);
            insta::assert_snapshot!(format!("{name}_{lang}"), ok(&all));
        }
    }
}

#[test]
fn snapshots_list_and_search() {
    let cases: &[(&str, &[&str])] = &[
        ("list", &["list"]),
        (
            "list_2016_cii",
            &["list", "--version", "2016", "--bearer", "cii-operator"],
        ),
        ("list_draft", &["list", "--version", "draft"]),
        ("search_im", &["search", "即时通讯"]),
        ("search_backup", &["search", "backup", "--version", "2025"]),
    ];
    for (name, args) in cases {
        for lang in ["en", "zh"] {
            let mut all = args.to_vec();
            if args[0] == "list" {
                all.extend_from_slice(&AT);
            }
            all.extend_from_slice(&["--lang", lang]);
            insta::assert_snapshot!(format!("{name}_{lang}"), ok(&all));
        }
    }
}

#[test]
fn the_five_done_when_references_land_on_the_same_duty() {
    let refs = [
        vec!["show", "CSL-2016 21(3)"],
        vec!["show", "23(3)", "--at", "2026-03-01"],
        vec!["show", "draft 17(3)"],
        vec!["show", "第二十三条第三项"],
        vec!["show", "csl.log-retention"],
    ];
    for r in refs {
        let j = json(&r);
        assert_eq!(j["duty"], "csl.log-retention", "{r:?}");
        assert_eq!(j["articles"]["draft"], "17(3)", "{r:?}");
        assert_eq!(j["articles"]["2016"], "21(3)", "{r:?}");
        assert_eq!(j["articles"]["2025"], "23(3)", "{r:?}");
        assert_eq!(j["schema"], "wangan.law.show/1");
    }
    let draft = ok(&["show", "draft 17(3)", "--lang", "en"]);
    assert!(
        draft.contains("the six-month minimum was added after the draft"),
        "{draft}"
    );
    let draft_zh = ok(&["show", "draft 17(3)", "--lang", "zh"]);
    assert!(
        draft_zh.contains("“不少于六个月”的最低期限是草案之后才加入的"),
        "{draft_zh}"
    );
}

#[test]
fn show_json_shape() {
    let j = json(&["show", "2016:21(3)", "--at", "2025-06-01"]);
    assert_eq!(j["ref"], "2016:21(3)");
    assert_eq!(j["version"], "2016");
    assert_eq!(j["in_force"], "2016");
    assert_eq!(
        j["text"],
        "（三）采取监测、记录网络运行状态、网络安全事件的技术措施，并按照规定留存相关的网络日志不少于六个月；"
    );
    assert_eq!(j["duties"][0]["clocks"][0]["period"], "P6M");
    assert_eq!(j["duties"][0]["clocks"][0]["status"], "verified");

    // Several duties: a list.
    let j = json(&["show", "CSL-2016 22¶1"]);
    assert_eq!(
        j["duty"],
        serde_json::json!(["csl.product-standards", "csl.product-flaw-remedy"])
    );
    assert_eq!(j["articles"]["draft"], "18¶1");
    // A split provision: a list of counterparts.
    let j = json(&["show", "draft 18¶1"]);
    assert_eq!(j["articles"]["2016"], serde_json::json!(["22¶1", "22¶3"]));
    // No counterpart: null.
    let j = json(&["show", "2016:26"]);
    assert_eq!(j["articles"]["draft"], Value::Null);
    assert_eq!(j["duty"], "csl.security-services-rules");
    let j = json(&["show", "draft 17¶2"]);
    assert_eq!(j["duty"], Value::Null);
    assert_eq!(j["articles"]["2016"], Value::Null);
    assert!(!j["notes"].as_array().map(Vec::is_empty).unwrap_or(true));
    // Secondary facts keep their status in JSON.
    let j = json(&["show", "csl.incident-report"]);
    let statuses: Vec<&str> = j["duties"][0]["clocks"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["status"].as_str())
        .collect();
    assert_eq!(
        statuses,
        [
            "verified",
            "secondary",
            "secondary",
            "secondary",
            "secondary"
        ]
    );
}

#[test]
fn bare_numbers_follow_the_date_and_version() {
    let j = json(&["show", "23", "--at", "2025-12-31"]);
    assert_eq!(j["ref"], "2016:23");
    let j = json(&["show", "23", "--at", "2026-01-01"]);
    assert_eq!(j["ref"], "2025:23");
    let j = json(&["show", "21(3)", "--version", "2016", "--at", "2026-06-01"]);
    assert_eq!(j["ref"], "2016:21(3)");
    // An explicit version shown in another one.
    let j = json(&["show", "draft 17(3)", "--version", "2025"]);
    assert_eq!(j["ref"], "2025:23(3)");
    let j = json(&["show", "csl.log-retention", "--version", "draft"]);
    assert_eq!(j["ref"], "draft:17(3)");
}

#[test]
fn the_secondary_status_shows_in_text_output() {
    let en = ok(&["show", "csl.incident-report", "--lang", "en"]);
    assert!(
        en.contains("within 4 hours") && en.contains("[secondary]"),
        "{en}"
    );
    let zh = ok(&["show", "csl.product-flaw-remedy", "--lang", "zh"]);
    assert!(zh.contains("2日内") && zh.contains("[二手来源]"), "{zh}");
    // penalties are read in the vendored chapter 6: verified, and quoted
    let en = ok(&["show", "csl.no-attacks", "--lang", "en"]);
    assert!(
        en.contains("CSL-2025 art. 66 [verified]")
            && en.contains("「第六十六条 违反本法第二十九条规定"),
        "{en}"
    );
}

#[test]
fn unknown_references_exit_64_and_list_the_closest() {
    let cases: &[(&[&str], &[&str])] = &[
        (
            &["law", "show", "CSL-2016 50", "--lang", "en"],
            &["closest valid: CSL-2016 39"],
        ),
        (
            &["law", "show", "21(9)", "--at", "2025-01-01", "--lang", "en"],
            &["21(5)", "read in CSL-2016"],
        ),
        (
            &["law", "show", "csl.log-retension", "--lang", "en"],
            &["csl.log-retention"],
        ),
        (
            &["law", "diff", "2025:50", "--lang", "zh"],
            &["最接近的有效引用", "CSL-2025 41"],
        ),
        (
            &["law", "show", "banana", "--lang", "en"],
            &["cannot read reference `banana`"],
        ),
        (
            &[
                "law",
                "show",
                "draft 17¶2",
                "--version",
                "2016",
                "--lang",
                "en",
            ],
            &["no counterpart in CSL-2016"],
        ),
        (
            &["law", "show", "23(3)", "--at", "2026-13-01"],
            &["YYYY-MM-DD"],
        ),
        (&["law", "list", "--version", "2017"], &["2017"]),
        (&["law", "list", "--bearer", "nobody"], &["nobody"]),
        (&["law", "export", "--format", "xml"], &["xml"]),
        (&["law", "search", " ", "--lang", "en"], &["empty"]),
    ];
    for (args, wants) in cases {
        let o = wangan(args);
        assert_eq!(code(&o), 64, "{args:?}: {}", stderr(&o));
        let err = stderr(&o);
        for w in *wants {
            assert!(err.contains(w), "{args:?}: stderr lacks {w:?}: {err}");
        }
        assert!(stdout(&o).is_empty(), "{args:?}");
    }
}

#[test]
fn echoed_input_is_escaped() {
    let o = wangan(&["law", "show", "\x1b[31mred\u{202e}", "--lang", "en"]);
    assert_eq!(code(&o), 64);
    let err = stderr(&o);
    assert!(
        !err.contains('\x1b') && !err.contains('\u{202e}'),
        "{err:?}"
    );
    assert!(err.contains("\\u{1b}[31mred\\u{202e}"), "{err}");
    let o = wangan(&["law", "search", "\x1b]0;x\x07", "--color", "never"]);
    assert_eq!(code(&o), 0);
    assert!(!stdout(&o).contains('\x1b'), "{:?}", stdout(&o));
}

#[test]
fn colour_and_plain_markers() {
    let plain = ok(&["diff", "draft 17(3)", "--lang", "en"]);
    assert!(plain.contains("[-、跟踪-]"), "{plain}");
    assert!(plain.contains("{+不少于六个月+}"), "{plain}");
    assert!(!plain.contains('\x1b'));
    let o = wangan(&[
        "law",
        "diff",
        "draft 17(3)",
        "--lang",
        "en",
        "--color",
        "always",
    ]);
    assert_eq!(code(&o), 0);
    let coloured = stdout(&o);
    assert!(
        coloured.contains("\x1b[4;32m不少于六个月\x1b[0m"),
        "{coloured:?}"
    );
    assert!(!coloured.contains("{+"), "{coloured}");
    // NO_COLOR and a pipe: auto means no colour.
    let o = wangan(&["law", "diff", "draft 17(3)"]);
    assert!(!stdout(&o).contains('\x1b'));
}

#[test]
fn diff_json_shape() {
    let j = json(&["diff", "23(3)", "--at", "2026-03-01"]);
    assert_eq!(j["schema"], "wangan.law.diff/1");
    assert_eq!(j["articles"]["draft"], "17(3)");
    assert_eq!(j["steps"][0]["from"], "draft");
    assert_eq!(j["steps"][0]["changed"], true);
    assert_eq!(j["steps"][1]["changed"], false);
    let inserted: Vec<&str> = j["steps"][0]["segments"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|s| s["op"] == "insert")
        .filter_map(|s| s["text"].as_str())
        .collect();
    assert!(inserted.contains(&"不少于六个月"), "{inserted:?}");
}

#[test]
fn list_and_search_json_shapes() {
    let j = json(&["list", "--version", "draft", "--bearer", "authorities"]);
    assert_eq!(j["schema"], "wangan.law.list/1");
    let rows: Vec<(String, Value)> = j["duties"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|d| {
            (
                d["id"].as_str().unwrap_or_default().to_owned(),
                d["article"].clone(),
            )
        })
        .collect();
    assert_eq!(rows.len(), 5);
    assert!(rows.contains(&("csl.regulator-information-use".to_owned(), Value::Null)));
    assert!(rows.contains(&("csl.cac-coordination".to_owned(), "33".into())));
    let j = json(&["search", "six months"]);
    assert_eq!(j["schema"], "wangan.law.search/1");
    assert_eq!(j["hits"][0]["id"], "csl.log-retention");
    let j = json(&["search", "不少于六个月", "--version", "2016"]);
    assert_eq!(j["hits"].as_array().map(Vec::len), Some(2), "{j}"); // the duty and 21(3)
}

#[test]
fn help_has_examples() {
    for sub in ["list", "show", "diff", "search", "export"] {
        let o = wangan(&["law", sub, "--help"]);
        assert_eq!(code(&o), 0);
        assert!(stdout(&o).contains("Examples:"), "law {sub} --help");
    }
    let o = wangan(&["law", "show", "--help"]);
    assert!(stdout(&o).contains("第二十三条第三项"));
}

#[test]
fn export_json_is_the_library_export() {
    let text = ok(&["export", "--format", "json"]);
    let j: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(j, law::export::json());
}
