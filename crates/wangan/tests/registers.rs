//! `wangan incident|mlps|<register>|registers …` end to end with the real binary: the JSON the
//! issue specifies, exit codes on bad input, rendered output (insta snapshots, zh and en), the
//! vault tie-in (an SQLite file edited behind wangan's back fails `wangan vault verify`, naming
//! the register), anchoring while `wangan serve` holds the vault, report drafts, and the
//! registers in PostgreSQL through `--registers`.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

/// Run wangan in `dir` as `alice`, with no settings leaking in from the environment.
fn w(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wangan"))
        .args(args)
        .env("WANGAN_DATA_DIR", dir)
        .env("WANGAN_ACTOR", "alice")
        .env_remove("WANGAN_REGISTERS")
        .env_remove("WANGAN_REGISTERS_SETTINGS")
        .env_remove("WANGAN_OPERATOR_KIND")
        .env_remove("WANGAN_LOG")
        .env("LANG", "C")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("run wangan")
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

fn ok(o: Output) -> Output {
    assert_eq!(code(&o), 0, "stdout:\n{}\nstderr:\n{}", out(&o), err(&o));
    o
}

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", out(o)))
}

/// Replace the times and hashes that change from run to run.
fn normalise(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    let b: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < b.len() {
        // 2026-12-06T16:21:34.671Z (recorded times)
        let rest: String = b[i..(i + 24).min(b.len())].iter().collect();
        if rest.len() >= 24
            && rest.chars().nth(4) == Some('-')
            && rest.chars().nth(10) == Some('T')
            && rest.chars().nth(19) == Some('.')
            && rest.ends_with('Z')
        {
            o.push_str("<recorded>");
            i += 24;
            continue;
        }
        // 64 hex digits (hashes), 32 (store ids), 16 (short hashes)
        let hex = b[i..].iter().take_while(|c| c.is_ascii_hexdigit()).count();
        if (hex == 64 || hex == 32 || hex == 16)
            && b[i..i + hex].iter().any(|c| c.is_ascii_alphabetic())
        {
            o.push_str(&format!("<hex{hex}>"));
            i += hex;
            continue;
        }
        o.push(b[i]);
        i += 1;
    }
    o
}

fn new_dir() -> tempfile::TempDir {
    let d = tempfile::tempdir().expect("temp dir");
    ok(w(d.path(), &["vault", "init"]));
    d
}

const CII_AT: &str = "2025-03-15T00:10:00+08:00";

fn open_incident(dir: &Path) -> Value {
    json(&ok(w(
        dir,
        &[
            "incident",
            "open",
            "--title",
            "勒索软件加密文件服务器",
            "--grade",
            "较大",
            "--discovered",
            "2025-03-14T23:30:00+08:00",
            "--operator-kind",
            "cii",
            "--at",
            CII_AT,
            "--json",
        ],
    )))
}

#[test]
fn incident_open_json_has_the_clock() {
    let d = new_dir();
    let v = open_incident(d.path());
    assert_eq!(v["schema"], "wangan.incident/1");
    assert_eq!(v["id"], "INC-1");
    assert_eq!(v["grade"], "large");
    assert_eq!(v["discovered_at"], "2025-03-14T23:30:00+08:00");
    let ds = v["deadlines"].as_array().unwrap();
    let got: Vec<(&str, &str, Option<&str>)> = ds
        .iter()
        .map(|d| {
            (
                d["kind"].as_str().unwrap(),
                d["recipient"].as_str().unwrap(),
                d["due"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "initial-report",
                "sector-protection-department",
                Some("2025-03-15T00:30:00+08:00")
            ),
            (
                "initial-report",
                "public-security",
                Some("2025-03-15T00:30:00+08:00")
            ),
            ("summary-report", "sector-protection-department", None),
        ]
    );
    assert_eq!(ds[0]["left_seconds"], 1200);
    assert_eq!(ds[0]["provenance"], "secondary");
    assert_eq!(v["anchor"]["status"], "anchored");
    // every grade spelling
    for (g, key) in [
        ("general", "general"),
        ("large", "large"),
        ("major", "major"),
        ("especially-major", "especially-major"),
        ("一般", "general"),
        ("特别重大", "especially-major"),
    ] {
        let v = json(&ok(w(
            d.path(),
            &[
                "incident",
                "open",
                "--title",
                "t",
                "--grade",
                g,
                "--discovered",
                "2025-03-14T23:30:00+08:00",
                "--json",
            ],
        )));
        assert_eq!(v["grade"], key, "{g}");
        // ordinary operators by default: four hours
        if key != "general" {
            assert_eq!(v["deadlines"][0]["due"], "2025-03-15T03:30:00+08:00");
            assert_eq!(
                v["deadlines"][0]["recipient"],
                "provincial-cyberspace-office"
            );
        } else {
            assert_eq!(v["deadlines"], Value::Array(vec![]));
        }
    }
    // central and state organs: two hours, their own office
    let v = json(&ok(w(
        d.path(),
        &[
            "incident",
            "open",
            "--title",
            "t",
            "--grade",
            "major",
            "--discovered",
            "2025-03-31T23:00:00+08:00",
            "--operator-kind",
            "central-state",
            "--json",
        ],
    )));
    assert_eq!(v["deadlines"][0]["due"], "2025-04-01T01:00:00+08:00");
    assert_eq!(v["deadlines"][0]["recipient"], "own-cyberspace-office");
}

/// An incident recorded after it was handled: `--handled-at` on `open` records it closed
/// (it was refused: the status started open).
#[test]
fn an_incident_opened_with_its_end_of_handling_is_closed() {
    let d = new_dir();
    let v = json(&ok(w(
        d.path(),
        &[
            "incident",
            "open",
            "--title",
            "钓鱼邮件",
            "--grade",
            "general",
            "--discovered",
            "2025-03-14T23:30:00+08:00",
            "--handled-at",
            "2025-03-15T18:00:00+08:00",
            "--json",
        ],
    )));
    assert_eq!(v["status"], "closed", "{v}");
    assert_eq!(v["handling_ended_at"], "2025-03-15T18:00:00+08:00");
    let o = w(
        d.path(),
        &[
            "incident",
            "close",
            "INC-1",
            "--handled-at",
            "2025-03-15T19:00:00+08:00",
        ],
    );
    assert_eq!(code(&o), 65, "{}", err(&o));
    assert!(err(&o).contains("already closed"), "{}", err(&o));
}

#[test]
fn bad_input_exits_64_or_65_with_the_problem_named() {
    let d = new_dir();
    open_incident(d.path());
    let cases: &[(&[&str], i32, &str)] = &[
        (
            &[
                "incident",
                "open",
                "--title",
                "t",
                "--grade",
                "severe",
                "--discovered",
                "2025-03-14T23:30:00+08:00",
            ],
            64,
            "--grade: \"severe\" is not one of: general, large, major, especially-major",
        ),
        (
            &[
                "incident",
                "open",
                "--title",
                "t",
                "--grade",
                "large",
                "--discovered",
                "2025-03-14 23:30",
            ],
            64,
            "--discovered-at: \"2025-03-14 23:30\" is not an RFC 3339 time with offset",
        ),
        (
            &[
                "incident",
                "open",
                "--grade",
                "large",
                "--discovered",
                "2025-03-14T23:30:00+08:00",
            ],
            64,
            "missing required fields: --title",
        ),
        (
            &[
                "incident",
                "open",
                "--title",
                "t",
                "--grade",
                "large",
                "--discovered",
                "2025-03-14T23:30:00+08:00",
                "--occurred-at",
                "2025-03-15T00:00:00+08:00",
            ],
            65,
            "incident discovered_at: discovered at (2025-03-14T23:30:00+08:00) is before occurred at (2025-03-15T00:00:00+08:00)",
        ),
        (
            &[
                "incident",
                "close",
                "INC-1",
                "--handled-at",
                "2025-03-14T20:00:00+08:00",
            ],
            65,
            "handling ended at (2025-03-14T20:00:00+08:00) is before discovered at",
        ),
        (
            &["incident", "update", "INC-1", "--grade", "large"],
            65,
            "nothing to change",
        ),
        (
            &["incident", "update", "INC-1"],
            64,
            "nothing to change: give at least one field",
        ),
        (&["incident", "show", "INC-99"], 64, "no incident INC-99"),
        (
            &["incident", "show", "DRL-1"],
            65,
            "\"DRL-1\" is not the id of a incident",
        ),
        (
            &["incident", "list", "--at", "tomorrow"],
            64,
            "--at tomorrow: must be an RFC 3339 time",
        ),
        (
            &["incident", "list", "--operator-kind", "bank"],
            64,
            "--operator-kind bank: must be ordinary, cii or central-state",
        ),
        (&["incident", "list", "--limit", "0"], 64, "--limit"),
        (
            &[
                "incident",
                "open",
                "--title",
                "t",
                "--grade",
                "large",
                "--discovered",
                "2025-03-14T23:30:00+08:00",
                "--status",
                "closed",
            ],
            64,
            "--status",
        ),
        (
            &["incident", "update", "INC-1", "--clear", "colour"],
            64,
            "--clear colour: is not a field of this register",
        ),
        (
            &[
                "drill",
                "add",
                "--date",
                "2025-05-01",
                "--scenario",
                "x",
                "--participants",
                "-1",
            ],
            64,
            "--participants",
        ),
        (
            &[
                "drill",
                "add",
                "--date",
                "2025-05-01",
                "--scenario",
                "x",
                "--participants",
                "0",
            ],
            65,
            "drill participants: a drill has at least one participant",
        ),
        (
            &[
                "drill",
                "add",
                "--date",
                "2025-05-01",
                "--scenario",
                "x",
                "--participants",
                "3",
                "--plan",
                "PLN-7",
            ],
            65,
            "drill plan: PLN-7 does not exist",
        ),
        (
            &[
                "training",
                "add",
                "--date",
                "2025-05-01",
                "--course",
                "c",
                "--kind",
                "both",
                "--attendees",
                "3",
                "--passed",
                "4",
            ],
            65,
            "training passed: is more than the attendees (3)",
        ),
        (
            &[
                "mlps",
                "grade",
                "--business",
                "social",
                "--service",
                "citizens:general",
            ],
            64,
            "--business: \"social\" must be OBJECT:DEGREE",
        ),
        (
            &[
                "mlps",
                "grade",
                "--business",
                "people:serious",
                "--service",
                "citizens:general",
            ],
            64,
            "unknown object \"people\"",
        ),
        (
            &[
                "mlps",
                "add",
                "--system",
                "s",
                "--business",
                "social:serious",
                "--service",
                "citizens:general",
                "--graded-on",
                "2025-02-30",
            ],
            64,
            "--graded-on: \"2025-02-30\" is not a date",
        ),
        (
            &[
                "vulnerability",
                "add",
                "--product",
                "p",
                "--version",
                "1",
                "--found-at",
                "2025-05-31T12:00:00+08:00",
                "--reported-at",
                "2025-05-30T12:00:00+08:00",
            ],
            65,
            "vulnerability reported_at",
        ),
        (
            &[
                "equipment",
                "add",
                "--model",
                "m",
                "--vendor",
                "v",
                "--category",
                "toaster",
            ],
            64,
            "--category: \"toaster\" is not one of",
        ),
        (&["incident", "grade"], 64, "give at least one value"),
        (
            &["incident", "grade", "--criterion", "loss=5"],
            64,
            "unknown grading criterion \"loss\"",
        ),
        (
            &["incident", "report", "INC-1", "--format", "pdf"],
            64,
            "pdf",
        ),
        (
            &[
                "incident",
                "update",
                "INC-1",
                "--place",
                "x",
                "--expect-revision",
                "7",
            ],
            65,
            "changed meanwhile",
        ),
    ];
    for (args, want_code, want) in cases {
        let o = w(d.path(), args);
        assert_eq!(code(&o), *want_code, "{args:?}: stderr {}", err(&o));
        assert!(
            err(&o).contains(want),
            "{args:?}: stderr {:?} lacks {want:?}",
            err(&o)
        );
        assert!(out(&o).is_empty(), "{args:?} printed {}", out(&o));
    }
    // in Chinese too
    let o = w(
        d.path(),
        &[
            "--lang",
            "zh",
            "incident",
            "open",
            "--title",
            "t",
            "--grade",
            "大",
            "--discovered",
            "2025-03-14T23:30:00+08:00",
        ],
    );
    assert_eq!(code(&o), 64);
    assert!(err(&o).contains("不是可选值之一"), "{}", err(&o));
    // nothing of the above was stored
    let v = json(&ok(w(d.path(), &["incident", "list", "--json"])));
    assert_eq!(v["total"], 1);
    // a bad settings file is a configuration error
    let s = d.path().join("bad.toml");
    std::fs::write(&s, "version = 1\ndrill_interval = \"often\"\n").unwrap();
    let o = w(
        d.path(),
        &["registers", "clocks", "--settings", s.to_str().unwrap()],
    );
    assert_eq!(code(&o), 78, "{}", err(&o));
    assert!(err(&o).contains("drill_interval \"often\""), "{}", err(&o));
}

#[test]
fn incident_show_text_in_both_languages() {
    let d = new_dir();
    open_incident(d.path());
    let p = d.path().to_str().unwrap();
    let _ = p;
    ok(w(
        d.path(),
        &[
            "incident",
            "update",
            "INC-1",
            "--pi-people",
            "12000000",
            "--systems",
            "文件服务器",
            "--systems",
            "OA",
            "--measures",
            "隔离主机\n启用备份",
            "--reported-sector-at",
            "2025-03-15T00:20:00+08:00",
        ],
    ));
    ok(w(
        d.path(),
        &[
            "incident",
            "close",
            "INC-1",
            "--actor",
            "bob",
            "--handled-at",
            "2025-03-18T18:00:00+08:00",
        ],
    ));
    for lang in ["zh", "en"] {
        let o = ok(w(
            d.path(),
            &[
                "--lang",
                lang,
                "incident",
                "show",
                "INC-1",
                "--operator-kind",
                "cii",
                "--at",
                "2025-03-20T09:00:00+08:00",
            ],
        ));
        insta::assert_snapshot!(format!("incident_show_{lang}"), normalise(&out(&o)));
    }
}

#[test]
fn every_register_adds_lists_and_shows() {
    let d = new_dir();
    let adds: &[(&str, &[&str])] = &[
        (
            "plan",
            &[
                "--title",
                "网络安全事件应急预案",
                "--version",
                "3.1",
                "--approved-on",
                "2025-01-10",
            ],
        ),
        (
            "drill",
            &[
                "--date",
                "2025-05-01",
                "--scenario",
                "勒索软件",
                "--participants",
                "24",
                "--plan",
                "PLN-1",
                "--follow-ups",
                "补充离线备份",
                "--follow-ups",
                "更新联系人",
            ],
        ),
        (
            "training",
            &[
                "--date",
                "2025-04-01",
                "--course",
                "钓鱼邮件识别",
                "--kind",
                "both",
                "--attendees",
                "40",
                "--passed",
                "38",
                "--trainees",
                "王小明:passed",
                "--trainees",
                "李华:failed",
            ],
        ),
        (
            "background-check",
            &[
                "--person",
                "王小明",
                "--staff-id",
                "E102345",
                "--post",
                "数据库管理员",
                "--checked-on",
                "2025-03-01",
                "--result",
                "passed",
            ],
        ),
        (
            "organisation",
            &[
                "--role",
                "security-head",
                "--person",
                "张伟",
                "--appointed-on",
                "2024-07-01",
            ],
        ),
        (
            "agreement",
            &[
                "--vendor",
                "某云服务商",
                "--subject",
                "云主机",
                "--signed-on",
                "2025-01-01",
                "--expires-on",
                "2025-12-31",
                "--security",
                "true",
                "--confidentiality",
                "true",
            ],
        ),
        (
            "procurement-review",
            &[
                "--item",
                "核心路由器",
                "--vendor",
                "某厂",
                "--may-affect-national-security",
                "unsure",
                "--review",
                "to-apply",
            ],
        ),
        (
            "vulnerability",
            &[
                "--product",
                "安全网关",
                "--version",
                "5.2",
                "--found-at",
                "2025-05-30T10:00:00+08:00",
                "--severity",
                "high",
            ],
        ),
        (
            "real-name",
            &[
                "--service",
                "社区论坛",
                "--kind",
                "publishing",
                "--method",
                "手机号短信验证",
            ],
        ),
        (
            "mlps",
            &[
                "--system",
                "网上银行",
                "--business",
                "social:serious",
                "--service",
                "citizens:especially-serious",
                "--graded-on",
                "2025-01-31",
            ],
        ),
        (
            "cii-assessment",
            &[
                "--year",
                "2025",
                "--assessed-on",
                "2025-04-20",
                "--assessor",
                "某测评机构",
            ],
        ),
        (
            "equipment",
            &[
                "--model",
                "NE40E-X16",
                "--vendor",
                "某厂",
                "--category",
                "router",
                "--throughput-tbps",
                "12.8",
                "--routes",
                "4000000",
            ],
        ),
        (
            "project",
            &[
                "--name",
                "新一代核心系统",
                "--planned-on",
                "2025-01-15",
                "--go-live-on",
                "2025-06-01",
            ],
        ),
    ];
    for (reg, args) in adds {
        let mut a = vec![*reg, "add"];
        a.extend_from_slice(args);
        a.extend_from_slice(&[
            "--operator-kind",
            "cii",
            "--at",
            "2025-06-01T12:00:00+08:00",
            "--json",
        ]);
        let v = json(&ok(w(d.path(), &a)));
        assert_eq!(v["schema"], format!("wangan.{reg}/1"));
        assert_eq!(v["revision"], 1);
        assert_eq!(v["anchor"]["status"], "anchored", "{reg}");
        let id = v["id"].as_str().unwrap().to_owned();
        let l = json(&ok(w(d.path(), &[reg, "list", "--json"])));
        assert_eq!(l["schema"], format!("wangan.{reg}.list/1"));
        assert_eq!(l["items"][0]["id"], id.as_str());
        ok(w(d.path(), &[reg, "show", &id]));
    }
    // personal data never appears unmasked in lists, shows, history or JSON …
    for args in [
        &["background-check", "show", "BGC-1", "--json"][..],
        &["background-check", "list", "--json"],
        &["training", "show", "TRN-1"],
        &["organisation", "list"],
        &["registers", "clocks", "--operator-kind", "cii", "--json"],
    ] {
        let o = w(d.path(), args);
        let s = out(&o);
        for name in ["小明", "102345", "李华", "张伟"] {
            assert!(!s.contains(name), "{args:?} shows {name}: {s}");
        }
    }
    // … nor in the vault's anchors
    let store = vault::Store::open(d.path()).unwrap();
    let all: Vec<u8> = store
        .records(0..store.size())
        .flat_map(|r| r.unwrap().record.raw)
        .collect();
    let all = String::from_utf8_lossy(&all);
    assert!(!all.contains("小明") && all.contains("\"register\":\"background-check\""));
    // unless asked for
    let s = out(&ok(w(
        d.path(),
        &["background-check", "show", "BGC-1", "--reveal"],
    )));
    assert!(s.contains("王小明") && s.contains("unmasked"));
    // the checks: MLPS level 3 from the matrix, the router in the catalog
    let v = json(&ok(w(d.path(), &["mlps", "show", "MLP-1", "--json"])));
    assert_eq!(v["level"], 3);
    assert_eq!(v["check"]["disputed_cell"], true);
    let v = json(&ok(w(d.path(), &["equipment", "show", "EQP-1", "--json"])));
    assert_eq!(v["check"]["result"], "in-catalog");
    assert_eq!(v["findings"][0]["key"], "certificate-missing");
    let s = out(&ok(w(d.path(), &["--lang", "zh", "registers", "status"])));
    let s = s.replace(d.path().to_str().unwrap(), "<dir>");
    insta::assert_snapshot!("registers_status_zh", normalise(&s));
}

#[test]
fn the_clock_sweep_lists_what_is_due() {
    let d = new_dir();
    let at = "2026-03-10T12:00:00+08:00";
    ok(w(
        d.path(),
        &[
            "drill",
            "add",
            "--date",
            "2025-02-10",
            "--scenario",
            "断电",
            "--participants",
            "8",
        ],
    ));
    ok(w(
        d.path(),
        &[
            "training",
            "add",
            "--date",
            "2026-01-10",
            "--course",
            "意识",
            "--kind",
            "training",
            "--attendees",
            "8",
        ],
    ));
    ok(w(
        d.path(),
        &[
            "incident",
            "open",
            "--title",
            "数据泄露",
            "--grade",
            "重大",
            "--discovered",
            "2026-03-10T09:00:00+08:00",
        ],
    ));
    ok(w(
        d.path(),
        &[
            "procurement-review",
            "add",
            "--item",
            "交换机",
            "--vendor",
            "某厂",
            "--may-affect-national-security",
            "yes",
            "--review",
            "to-apply",
        ],
    ));
    let o = w(
        d.path(),
        &[
            "--lang",
            "zh",
            "registers",
            "clocks",
            "--operator-kind",
            "cii",
            "--at",
            at,
        ],
    );
    assert_eq!(code(&o), 1, "overdue items make exit 1: {}", out(&o));
    insta::assert_snapshot!("clocks_cii_zh", out(&o));
    let o = w(
        d.path(),
        &["registers", "clocks", "--operator-kind", "cii", "--at", at],
    );
    insta::assert_snapshot!("clocks_cii_en", out(&o));
    let v = json(&w(
        d.path(),
        &[
            "registers",
            "clocks",
            "--operator-kind",
            "cii",
            "--at",
            at,
            "--json",
        ],
    ));
    assert_eq!(v["schema"], "wangan.registers.clocks/1");
    let kinds: Vec<(&str, &str)> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["deadline"]["kind"].as_str().unwrap(),
                i["deadline"]["state"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(kinds.contains(&("drill", "overdue")), "{kinds:?}");
    assert!(kinds.contains(&("initial-report", "overdue")), "{kinds:?}");
    assert!(kinds.contains(&("cii-assessment", "missing")), "{kinds:?}");
    // a drill last month: nothing overdue for drills any more
    ok(w(
        d.path(),
        &[
            "drill",
            "add",
            "--date",
            "2026-02-10",
            "--scenario",
            "断网",
            "--participants",
            "8",
        ],
    ));
    let v = json(&w(
        d.path(),
        &[
            "registers",
            "clocks",
            "--operator-kind",
            "cii",
            "--at",
            at,
            "--json",
        ],
    ));
    let drill: Vec<&str> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["deadline"]["kind"] == "drill")
        .map(|i| i["deadline"]["state"].as_str().unwrap())
        .collect();
    assert_eq!(drill, ["pending"]);
    // an ordinary operator: no CII register clocks, and four hours for the incident
    let v = json(&w(
        d.path(),
        &[
            "registers",
            "clocks",
            "--at",
            "2026-03-10T12:00:00+08:00",
            "--json",
        ],
    ));
    assert_eq!(v["operator_kind"], "ordinary");
    assert_eq!(v["overdue"], 0, "{v}");
}

#[test]
fn the_interval_and_operator_kind_come_from_the_settings_file() {
    let d = new_dir();
    std::fs::write(
        d.path().join("registers.toml"),
        "version = 1\noperator_kind = \"cii\"\ndrill_interval = \"6 months\"\n",
    )
    .unwrap();
    ok(w(
        d.path(),
        &[
            "drill",
            "add",
            "--date",
            "2025-08-31",
            "--scenario",
            "x",
            "--participants",
            "3",
        ],
    ));
    let v = json(&w(
        d.path(),
        &[
            "registers",
            "clocks",
            "--at",
            "2026-03-10T12:00:00+08:00",
            "--json",
        ],
    ));
    assert_eq!(v["operator_kind"], "cii");
    let drill = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["deadline"]["kind"] == "drill")
        .unwrap();
    assert_eq!(drill["deadline"]["due_date"], "2026-02-28");
    assert_eq!(drill["deadline"]["state"], "overdue");
    assert_eq!(drill["deadline"]["provenance"], "ours");
}

#[test]
fn mlps_grade_json_and_text() {
    let d = tempfile::tempdir().unwrap();
    let v = json(&ok(w(
        d.path(),
        &[
            "mlps",
            "grade",
            "--business",
            "social:serious",
            "--service",
            "citizens:general",
            "--json",
        ],
    )));
    assert_eq!(v["schema"], "wangan.mlps.grade/1");
    assert_eq!(
        (
            v["level"].as_u64(),
            v["business_level"].as_u64(),
            v["service_level"].as_u64()
        ),
        (Some(3), Some(3), Some(1))
    );
    assert!(v["reasoning"].as_array().unwrap().len() >= 3);
    assert_eq!(v["provenance"], "secondary");
    let v = json(&ok(w(
        d.path(),
        &[
            "mlps",
            "grade",
            "--business",
            "national:especially-serious",
            "--service",
            "social:serious",
            "--json",
        ],
    )));
    assert_eq!(v["level"], 5);
    // the disputed cell, configurable
    std::fs::write(
        d.path().join("s.toml"),
        "version = 1\n[mlps]\ncitizens_especially_serious = 3\n",
    )
    .unwrap();
    let v = json(&ok(w(
        d.path(),
        &[
            "mlps",
            "grade",
            "--business",
            "citizens:especially-serious",
            "--service",
            "citizens:general",
            "--settings",
            d.path().join("s.toml").to_str().unwrap(),
            "--json",
        ],
    )));
    assert_eq!(
        (
            v["level"].as_u64(),
            v["disputed_cell"].as_bool(),
            v["provenance"].as_str()
        ),
        (Some(3), Some(true), Some("ours"))
    );
    for lang in ["zh", "en"] {
        let o = ok(w(
            d.path(),
            &[
                "--lang",
                lang,
                "mlps",
                "grade",
                "--business",
                "citizens:especially-serious",
                "--service",
                "social:general",
            ],
        ));
        insta::assert_snapshot!(format!("mlps_grade_{lang}"), out(&o));
    }
    let o = ok(w(
        d.path(),
        &[
            "--lang",
            "zh",
            "incident",
            "grade",
            "--pi-people",
            "12,000,000",
        ],
    ));
    insta::assert_snapshot!("incident_grade_zh", out(&o));
}

#[test]
fn report_drafts_in_three_formats() {
    let d = new_dir();
    open_incident(d.path());
    let md = out(&ok(w(
        d.path(),
        &[
            "incident",
            "report",
            "INC-1",
            "--operator-kind",
            "cii",
            "--at",
            CII_AT,
        ],
    )));
    assert!(md.starts_with("# 网络安全事件信息报告（初报）"));
    assert!(
        md.contains("2025年3月15日 00时30分（UTC+08:00）前") && md.contains("（尚不清楚，待续报）")
    );
    let html = out(&ok(w(
        d.path(),
        &["incident", "report", "INC-1", "--format", "html"],
    )));
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("lang=\"zh-CN\""));
    let path = d.path().join("INC-1.docx");
    let v = json(&ok(w(
        d.path(),
        &[
            "incident",
            "report",
            "INC-1",
            "--format",
            "docx",
            "--kind",
            "summary",
            "-o",
            path.to_str().unwrap(),
            "--json",
        ],
    )));
    assert_eq!(v["schema"], "wangan.incident.report/1");
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(v["bytes"], bytes.len());
    assert_eq!(&bytes[..2], b"PK");
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut doc = String::new();
    std::io::Read::read_to_string(&mut z.by_name("word/document.xml").unwrap(), &mut doc).unwrap();
    assert!(doc.contains("网络安全事件总结报告"));
    // to a pipe, DOCX goes to standard output
    let o = ok(w(
        d.path(),
        &["incident", "report", "INC-1", "--format", "docx"],
    ));
    assert_eq!(&o.stdout[..2], b"PK");
}

/// The DOCX draft read by an independent OOXML reader (python-docx, from `$WANGAN_PYTHON`,
/// which `cargo xtask ci` provides). Fails, never skips, when python-docx is missing.
#[test]
fn docx_draft_opens_in_python_docx() {
    let d = new_dir();
    open_incident(d.path());
    let path = d.path().join("r.docx");
    ok(w(
        d.path(),
        &[
            "incident",
            "report",
            "INC-1",
            "--format",
            "docx",
            "-o",
            path.to_str().unwrap(),
            "--operator-kind",
            "cii",
            "--at",
            CII_AT,
        ],
    ));
    let py = std::env::var("WANGAN_PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let script = "import docx, sys\nd = docx.Document(sys.argv[1])\nfor p in d.paragraphs:\n    print(p.style.name + '|' + p.text)\n";
    let o = Command::new(&py)
        .args(["-c", script])
        .arg(&path)
        .output()
        .unwrap_or_else(|e| panic!("cannot run Python `{py}` ({e}); set WANGAN_PYTHON to a Python with python-docx (cargo xtask ci provides one)"));
    assert!(
        o.status.success(),
        "python-docx could not read the draft with `{py}` (install it: pip install python-docx, or run cargo xtask ci): {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "Title|网络安全事件信息报告（初报）");
    assert!(
        lines.contains(&"Heading 1|一、报告单位及涉事网络和信息系统"),
        "{text}"
    );
    assert!(
        lines.contains(&"Normal|发现时间：2025年3月14日 23时30分（UTC+08:00）"),
        "{text}"
    );
    assert!(lines.contains(&"Normal|报送时限：2025年3月15日 00时30分（UTC+08:00）前（较大及以上事件自发现起 1 小时内报告公安机关；还剩 20 分钟）"), "{text}");
    assert!(
        lines
            .iter()
            .filter(|l| l.contains("（尚不清楚，待续报）"))
            .count()
            >= 10,
        "{text}"
    );
}

/// Edit the SQLite file byte by byte, as someone with the file and a hex editor would.
fn patch_file(path: &Path, from: &[u8], to: &[u8]) {
    assert_eq!(from.len(), to.len());
    let mut b = std::fs::read(path).unwrap();
    let at = b
        .windows(from.len())
        .position(|w| w == from)
        .expect("bytes to patch");
    b[at..at + from.len()].copy_from_slice(to);
    std::fs::write(path, b).unwrap();
}

#[test]
fn a_record_broken_behind_wangans_back_is_a_data_error_that_points_to_verify() {
    let d = new_dir();
    open_incident(d.path());
    // make every stored copy of the record something that is not a JSON object
    let path = d.path().join("registers.sqlite");
    let mut b = std::fs::read(&path).unwrap();
    let (from, to) = (&b"\"grade\":\"large\""[..], &b"\"grade\" \"large\""[..]);
    let mut n = 0;
    while let Some(at) = b.windows(from.len()).position(|x| x == from) {
        b[at..at + from.len()].copy_from_slice(to);
        n += 1;
    }
    assert!(n > 0, "no stored record to break");
    std::fs::write(&path, b).unwrap();
    let o = w(d.path(), &["incident", "show", "INC-1"]);
    assert_eq!(code(&o), 65, "{}", err(&o));
    let e = err(&o);
    assert!(
        e.contains("the store was changed outside wangan")
            && e.contains("run `wangan registers verify` to see what changed"),
        "{e}"
    );
    let o = w(d.path(), &["--lang", "zh", "incident", "show", "INC-1"]);
    assert!(
        err(&o).contains("运行 `wangan registers verify` 查看改动"),
        "{}",
        err(&o)
    );
}

#[test]
fn vault_verify_catches_a_register_edited_behind_wangans_back() {
    let d = new_dir();
    open_incident(d.path());
    ok(w(
        d.path(),
        &[
            "drill",
            "add",
            "--date",
            "2025-05-01",
            "--scenario",
            "断电",
            "--participants",
            "8",
        ],
    ));
    let v = json(&ok(w(d.path(), &["vault", "verify", "--json"])));
    assert_eq!(v["intact"], true);
    assert_eq!(v["registers"]["anchors"], 2);
    // downgrade the incident in the file itself
    patch_file(
        &d.path().join("registers.sqlite"),
        b"\"grade\":\"large\"",
        b"\"grade\":\"major\"",
    );
    let o = w(d.path(), &["vault", "verify"]);
    assert_eq!(code(&o), 1, "{}", out(&o));
    let s = out(&o);
    assert!(
        s.contains("registers changed outside wangan")
            && s.contains("registers affected: incident"),
        "{s}"
    );
    assert!(
        s.contains("error incident INC-1 r1 change 1: the stored content does not match its hash"),
        "{s}"
    );
    let v = json(&w(d.path(), &["vault", "verify", "--json"]));
    assert_eq!(v["intact"], false);
    assert_eq!(v["registers"]["findings"][0]["register"], "incident");
    let o = w(d.path(), &["registers", "verify"]);
    assert_eq!(code(&o), 1);
    // deleting the registers does not hide them either
    std::fs::remove_file(d.path().join("registers.sqlite")).unwrap();
    let _ = std::fs::remove_file(d.path().join("registers.sqlite-wal"));
    let _ = std::fs::remove_file(d.path().join("registers.sqlite-shm"));
    let o = w(d.path(), &["vault", "verify"]);
    assert_eq!(code(&o), 1);
    assert!(
        out(&o).contains("the vault holds 2 register anchors but there are no registers"),
        "{}",
        out(&o)
    );
}

struct Serve(std::process::Child);

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn serve(dir: &Path) -> Serve {
    let mut child = Command::new(env!("CARGO_BIN_EXE_wangan"))
        .args(["--json", "serve", "--data-dir"])
        .arg(dir)
        .args([
            "--syslog-udp",
            "127.0.0.1:0",
            "--syslog-tcp",
            "127.0.0.1:0",
            "--http",
            "127.0.0.1:0",
        ])
        .env("LANG", "C")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .stdin(Stdio::null())
        .spawn()
        .expect("start wangan serve");
    let lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut lines = lines;
    loop {
        let line = lines.next().expect("serve printed nothing").expect("line");
        if line.contains("wangan.serve.listening/1") {
            break;
        }
    }
    std::thread::spawn(move || for _ in lines {});
    Serve(child)
}

#[test]
fn while_serve_holds_the_vault_changes_wait_and_are_anchored_later() {
    let d = new_dir();
    open_incident(d.path());
    let s = serve(d.path());
    let o = ok(w(
        d.path(),
        &[
            "drill",
            "add",
            "--date",
            "2025-05-01",
            "--scenario",
            "断电",
            "--participants",
            "8",
            "--json",
        ],
    ));
    let v = json(&o);
    assert_eq!(v["anchor"]["status"], "pending");
    assert_eq!(v["anchor"]["pending"], 1);
    let o = ok(w(
        d.path(),
        &[
            "drill",
            "add",
            "--date",
            "2025-05-02",
            "--scenario",
            "断网",
            "--participants",
            "8",
        ],
    ));
    assert!(
        err(&o).contains("the vault is held by another process"),
        "{}",
        err(&o)
    );
    let o = w(d.path(), &["registers", "anchor"]);
    assert_eq!(code(&o), 74, "{}", err(&o));
    assert!(err(&o).contains("wangan serve"), "{}", err(&o));
    // reads and the check work meanwhile; the waiting changes are a warning, not an error
    let v = json(&ok(w(d.path(), &["registers", "verify", "--json"])));
    assert_eq!(
        (v["pending"].as_u64(), v["anchored_through"].as_u64()),
        (Some(2), Some(1))
    );
    let st = json(&ok(w(d.path(), &["registers", "status", "--json"])));
    assert_eq!(st["anchors_pending"], 2);
    drop(s);
    let v = json(&ok(w(d.path(), &["registers", "anchor", "--json"])));
    assert_eq!(
        (
            v["anchored"].as_u64(),
            v["through"].as_u64(),
            v["pending"].as_u64()
        ),
        (Some(2), Some(3), Some(0))
    );
    let v = json(&ok(w(d.path(), &["vault", "verify", "--json"])));
    assert_eq!(v["intact"], true, "{v}");
    assert_eq!(v["registers"]["anchored_through"], 3);
}

#[test]
fn without_a_vault_changes_are_chained_and_wait() {
    let d = tempfile::tempdir().unwrap();
    let o = ok(w(
        d.path(),
        &[
            "plan",
            "add",
            "--title",
            "预案",
            "--version",
            "1",
            "--approved-on",
            "2025-01-10",
        ],
    ));
    assert!(err(&o).contains("no vault in"), "{}", err(&o));
    let o = ok(w(d.path(), &["registers", "verify"]));
    assert!(
        err(&o).contains("no vault: only the registers' own hash chain"),
        "{}",
        err(&o)
    );
    assert!(
        out(&o).contains("1 changes are not yet anchored"),
        "{}",
        out(&o)
    );
}

#[test]
fn registers_in_postgresql() {
    let schema = format!(
        "cli_{}_{}",
        std::process::id(),
        time::OffsetDateTime::now_utc().unix_timestamp_nanos() % 1_000_000_000
    );
    let url = format!("postgres://postgres@127.0.0.1:5432/test?schema={schema}");
    let mut admin =
        postgres::Client::connect("postgres://postgres@127.0.0.1:5432/test", postgres::NoTls)
            .expect("the local PostgreSQL (127.0.0.1:5432, database test) must be running");
    let d = new_dir();
    let reg = ["--registers", url.as_str()];
    let mut a = vec![
        "incident",
        "open",
        "--title",
        "t",
        "--grade",
        "large",
        "--discovered",
        "2025-03-14T23:30:00+08:00",
        "--json",
    ];
    a.extend_from_slice(&reg);
    let v = json(&ok(w(d.path(), &a)));
    assert_eq!(
        (v["id"].as_str(), v["anchor"]["status"].as_str()),
        (Some("INC-1"), Some("anchored"))
    );
    let mut a = vec!["incident", "list", "--json"];
    a.extend_from_slice(&reg);
    assert_eq!(json(&ok(w(d.path(), &a)))["total"], 1);
    let v = json(&ok(w(
        d.path(),
        &["vault", "verify", "--json", "--registers", &url],
    )));
    assert_eq!(v["intact"], true, "{v}");
    assert!(!d.path().join("registers.sqlite").exists());
    // the password never shows
    let o = w(
        d.path(),
        &[
            "incident",
            "list",
            "--registers",
            "postgres://u:hunter2@127.0.0.1:1/test",
        ],
    );
    assert_eq!(code(&o), 74);
    assert!(
        !err(&o).contains("hunter2") && err(&o).contains("127.0.0.1:1"),
        "{}",
        err(&o)
    );
    let _ = admin.batch_execute(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"));
}

const CII_PROFILE: &str = r#"version = 1
[operator]
name = "测试运营者"
kind = "cii-operator"
[assess]
vault = "data"
[[document]]
id = "response-plan"
title = "网络安全事件应急预案"
path = "plan.txt"
duties = ["csl.incident-plan", "csl.cii-drills"]
approved = 2025-09-15
review_every = "1 year"
"#;

fn duty<'a>(a: &'a Value, id: &str) -> &'a Value {
    a["duties"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == id)
        .unwrap_or_else(|| panic!("no duty {id}"))
}

/// Run wangan in `cwd` with no data directory from the environment (the profile decides).
fn wp(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wangan"))
        .args(args)
        .current_dir(cwd)
        .env_remove("WANGAN_DATA_DIR")
        .env_remove("WANGAN_PROFILE")
        .env("WANGAN_ACTOR", "alice")
        .env_remove("WANGAN_REGISTERS")
        .env_remove("WANGAN_REGISTERS_SETTINGS")
        .env_remove("WANGAN_OPERATOR_KIND")
        .env("LANG", "C")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("run wangan")
}

/// `wangan assess` reads the registers the profile points at: a drill 13 months before the
/// assessed day leaves the drills duty late, one last month meets it.
#[test]
fn assess_picks_up_the_register_evidence() {
    for (drill, want, overdue) in [
        ("2025-02-10", "not-met", true),
        ("2026-02-10", "met", false),
    ] {
        let d = tempfile::tempdir().unwrap();
        let profile = d.path().join("profile.toml");
        std::fs::write(&profile, CII_PROFILE).unwrap();
        std::fs::write(d.path().join("plan.txt"), "预案正文").unwrap();
        let data = d.path().join("data");
        ok(w(&data, &["vault", "init"]));
        let p = profile.to_str().unwrap();
        // the profile says where the data directory and the registers are, and the operator kind
        let v = json(&ok(wp(
            d.path(),
            &[
                "drill",
                "add",
                "--profile",
                p,
                "--date",
                drill,
                "--scenario",
                "勒索软件",
                "--participants",
                "12",
                "--json",
            ],
        )));
        assert_eq!(v["operator_kind"], "cii");
        assert!(data.join("registers.sqlite").exists());
        let o = wp(
            d.path(),
            &["assess", "--profile", p, "--at", "2026-03-10", "--json"],
        );
        let a = json(&o);
        let drills = duty(&a, "csl.cii-drills");
        assert_eq!(drills["status"], want, "{drills:#}");
        let clock = drills["clocks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["what"]["en"].as_str().unwrap_or("").contains("drill"))
            .unwrap_or_else(|| panic!("no drill clock: {drills:#}"));
        assert_eq!(clock["overdue"], overdue, "{clock:#}");
        assert!(
            drills["evidence"].to_string().contains("DRL-1"),
            "the drill is cited as evidence: {drills:#}"
        );
        // an empty incident register that is kept proves no incident was left unreported
        assert_eq!(duty(&a, "csl.incident-report")["status"], "met");
    }
}

/// Read a DOCX with python-docx (from `$WANGAN_PYTHON`, which `cargo xtask ci` provides): one
/// `style|text` line per paragraph. Fails, never skips, when python-docx is missing.
fn docx_paragraphs(path: &Path) -> String {
    let py = std::env::var("WANGAN_PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let script = "import docx, sys\nd = docx.Document(sys.argv[1])\nfor p in d.paragraphs:\n    print(p.style.name + '|' + p.text)\n";
    let o = Command::new(&py)
        .args(["-c", script])
        .arg(path)
        .output()
        .unwrap_or_else(|e| panic!("cannot run Python `{py}` ({e}); set WANGAN_PYTHON to a Python with python-docx (cargo xtask ci provides one)"));
    assert!(
        o.status.success(),
        "python-docx could not read {} with `{py}` (install it: pip install python-docx, or run cargo xtask ci): {}",
        path.display(),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// `wangan assess --report cii-yearly`: the yearly CII report (检测评估情况和改进措施) from the
/// assessment and the registers the profile names, as DOCX read by python-docx (Chinese without
/// --lang, even under LANG=C), and in English with --lang en;
/// records outside the twelve months up to --at are left out; formats it cannot write are refused.
#[test]
fn assess_writes_the_yearly_cii_report() {
    let d = tempfile::tempdir().unwrap();
    let profile = d.path().join("profile.toml");
    std::fs::write(&profile, CII_PROFILE).unwrap();
    std::fs::write(d.path().join("plan.txt"), "预案正文").unwrap();
    let data = d.path().join("data");
    ok(w(&data, &["vault", "init"]));
    let p = profile.to_str().unwrap();
    let add = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["--profile", p, "--json"]);
        ok(wp(d.path(), &all));
    };
    add(&[
        "drill",
        "add",
        "--date",
        "2025-11-20",
        "--scenario",
        "数据库勒索",
        "--participants",
        "18",
        "--follow-ups",
        "缩短恢复时间",
    ]);
    add(&[
        "drill",
        "add",
        "--date",
        "2024-12-01",
        "--scenario",
        "去年的演练",
        "--participants",
        "9",
    ]);
    add(&[
        "incident",
        "open",
        "--title",
        "勒索软件加密文件服务器",
        "--grade",
        "较大",
        "--discovered",
        "2025-06-01T10:00:00+08:00",
        "--at",
        "2025-06-01T10:20:00+08:00",
    ]);
    add(&[
        "cii-assessment",
        "add",
        "--year",
        "2025",
        "--assessed-on",
        "2026-02-20",
        "--assessor",
        "自行检测评估",
        "--fixes",
        "完成日志集中采集",
    ]);
    let docx = d.path().join("2025.docx");
    let o = wp(
        d.path(),
        &[
            "assess",
            "--profile",
            p,
            "--at",
            "2026-03-10",
            "--report",
            "cii-yearly",
            "-o",
            docx.to_str().unwrap(),
        ],
    );
    assert!(
        [0, 1, 2].contains(&code(&o)),
        "stdout:\n{}\nstderr:\n{}",
        out(&o),
        err(&o)
    );
    let text = docx_paragraphs(&docx);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "Title|关键信息基础设施网络安全检测评估情况和改进措施报告"
    );
    for want in [
        "Normal|检测评估期间：2025-03-11 至 2026-03-10",
        "Heading 1|一、运营者及关键信息基础设施基本情况",
        "Heading 1|四、本期间网络安全事件",
        "Heading 1|八、改进措施",
        "Normal|运营者名称：测试运营者",
    ] {
        assert!(lines.contains(&want), "missing {want:?} in:\n{text}");
    }
    for want in [
        "勒索软件加密文件服务器",
        "数据库勒索",
        "缩短恢复时间",
        "自行检测评估",
        "完成日志集中采集",
        "（无法确定：画像未写明行业）",
        "不是法定格式",
    ] {
        assert!(text.contains(want), "missing {want:?} in:\n{text}");
    }
    // the drill of 2024 is evidence for the duty, but not a drill of the period
    assert!(
        text.contains("DRL-1：2025-11-20 数据库勒索，参演18人"),
        "{text}"
    );
    assert!(
        !text.contains("DRL-2：2024-12-01"),
        "outside the period: {text}"
    );

    // English Markdown on standard output
    let o = wp(
        d.path(),
        &[
            "assess",
            "--profile",
            p,
            "--at",
            "2026-03-10",
            "--report",
            "cii-yearly",
            "--lang",
            "en",
        ],
    );
    let md = out(&o);
    assert!(
        md.starts_with("# Critical information infrastructure: yearly security assessment"),
        "{md}\n{}",
        err(&o)
    );
    assert!(md.contains("**Period**: 2025-03-11 to 2026-03-10"), "{md}");
    assert!(
        md.contains("(not known: the profile names no sector)"),
        "{md}"
    );

    // what it cannot write is refused before anything is gathered
    for args in [
        &["--report", "cii-yearly", "--format", "csv"][..],
        &["--format", "docx"][..],
    ] {
        let mut all = vec!["assess", "--profile", p, "--at", "2026-03-10"];
        all.extend_from_slice(args);
        let o = wp(d.path(), &all);
        assert_eq!(code(&o), 64, "{args:?}: {}", err(&o));
        assert!(err(&o).contains("docx"), "{args:?}: {}", err(&o));
    }
}
