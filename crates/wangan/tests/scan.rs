//! `wangan scan` through the real binary: output formats (insta snapshots
//! of the table and JSON), exit codes, offsets in the original bytes,
//! masking in every format, databases and the vault.

use std::path::Path;
use std::process::{Command, Output};

const ID: &str = "11010519491231002X";
const MOBILE: &str = "13800138000";

fn wangan_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wangan"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("WANGAN_LOG")
        .env_remove("WANGAN_DATA_DIR")
        .env("LANG", "C")
        .output()
        .unwrap_or_else(|e| panic!("cannot run wangan: {e}"))
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

/// `wangan scan . --format FORMAT --fail-on none --threads THREADS` in
/// `dir`, which must succeed: its stdout.
fn scan_tree(dir: &Path, format: &str, threads: &str) -> String {
    let o = wangan_in(
        dir,
        &[
            "scan",
            ".",
            "--format",
            format,
            "--fail-on",
            "none",
            "--threads",
            threads,
        ],
    );
    assert_eq!(code(&o), 0, "{}", err(&o));
    out(&o)
}

/// The artifact URI of each result of a SARIF document.
fn sarif_uris(sarif: &[u8]) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_slice(sarif).expect("sarif json");
    v["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .expect("uri")
                .to_owned()
        })
        .collect()
}

/// A small tree: CSV with headers, NDJSON, a gzip log, an ignored file and
/// a GBK text file.
fn fixture() -> tempfile::TempDir {
    let d = tempfile::tempdir().expect("tempdir");
    let p = d.path();
    std::fs::write(
        p.join("users.csv"),
        format!("姓名,身份证号,手机号,备注\n张三,{ID},{MOBILE},邮箱 zs@example.com\n李四,110105********002X,138****8000,无\n"),
    )
    .expect("write csv");
    std::fs::write(
        p.join("orders.ndjson"),
        "{\"order_id\":\"123456789012345678\",\"buyer\":{\"mobile\":\"13912345678\"}}\n",
    )
    .expect("write ndjson");
    std::fs::write(p.join(".gitignore"), "ignored.txt\n").expect("write .gitignore");
    std::fs::write(p.join("ignored.txt"), format!("{ID}\n")).expect("write ignored");
    std::fs::write(
        p.join("notes.md"),
        "nothing personal here, version 1.2.3.4\n",
    )
    .expect("write md");
    d
}

#[test]
fn table_and_json_snapshots() {
    let d = fixture();
    let t = wangan_in(
        d.path(),
        &[
            "scan",
            ".",
            "--color",
            "never",
            "--lang",
            "en",
            "--threads",
            "1",
            "--no-progress",
        ],
    );
    assert_eq!(code(&t), 2, "{}", err(&t));
    let zh = wangan_in(
        d.path(),
        &[
            "scan",
            ".",
            "--color",
            "never",
            "--lang",
            "zh",
            "--threads",
            "1",
            "--no-progress",
        ],
    );
    let j = wangan_in(
        d.path(),
        &["scan", ".", "--json", "--threads", "1", "--no-progress"],
    );
    assert_eq!(code(&j), 2);
    let v: serde_json::Value = serde_json::from_slice(&j.stdout).expect("json");
    insta::with_settings!({snapshot_path => "scan/snapshots"}, {
        insta::assert_snapshot!("table_en", out(&t));
        insta::assert_snapshot!("table_zh", out(&zh));
        insta::assert_snapshot!("json", serde_json::to_string_pretty(&v).expect("json"));
    });
}

#[test]
fn no_format_prints_a_full_value() {
    let d = fixture();
    for f in ["table", "json", "jsonl", "csv", "html", "sarif"] {
        let o = wangan_in(d.path(), &["scan", ".", "--format", f, "--no-progress"]);
        assert_eq!(code(&o), 2, "{f}: {}", err(&o));
        let s = out(&o);
        for v in [ID, MOBILE, "13912345678", "zs@example.com"] {
            assert!(!s.contains(v), "{f} shows {v}");
        }
        assert!(!s.is_empty(), "{f}: empty output");
    }
}

#[test]
fn formats_have_their_shape() {
    let d = fixture();
    let csv = wangan_in(d.path(), &["scan", ".", "--format", "csv"]);
    assert!(
        csv.stdout.starts_with(&[0xEF, 0xBB, 0xBF]),
        "csv needs a UTF-8 BOM"
    );
    let html = out(&wangan_in(d.path(), &["scan", ".", "--format", "html"]));
    assert!(
        html.starts_with("<!DOCTYPE html>")
            && html.contains("<style>")
            && !html.contains("<script")
            && !html.contains("src=")
    );
    let sarif: serde_json::Value =
        serde_json::from_slice(&wangan_in(d.path(), &["scan", ".", "--format", "sarif"]).stdout)
            .expect("sarif json");
    assert_eq!(sarif["version"], "2.1.0");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    assert!(results.iter().any(|r| r["ruleId"] == "cn_id"));

    // SARIF locations are URI references: a name with a space, `#` and
    // Chinese characters is percent-encoded, an absolute path is a file URI
    let e = tempfile::tempdir().expect("tempdir");
    std::fs::write(e.path().join("客户 资料#1.txt"), format!("身份证 {ID}\n")).expect("write");
    let uris = |target: &str| {
        sarif_uris(&wangan_in(e.path(), &["scan", target, "--format", "sarif"]).stdout)
    };
    assert_eq!(
        uris("."),
        ["./%E5%AE%A2%E6%88%B7%20%E8%B5%84%E6%96%99%231.txt"]
    );
    let abs = e.path().display().to_string();
    let got = uris(&abs);
    assert_eq!(got.len(), 1);
    assert!(
        got[0].starts_with("file:///")
            && got[0].ends_with("/%E5%AE%A2%E6%88%B7%20%E8%B5%84%E6%96%99%231.txt"),
        "{got:?}"
    );
}

#[test]
fn jsonl_offsets_point_into_the_original_bytes() {
    let d = fixture();
    // GBK and UTF-16LE copies of the same line
    let line = format!("客户手机{MOBILE}，身份证{ID}\n");
    // 客户手机 … ，身份证 … in GBK (digits stay ASCII)
    let mut gbk = vec![0xBF, 0xCD, 0xBB, 0xA7, 0xCA, 0xD6, 0xBB, 0xFA];
    gbk.extend_from_slice(MOBILE.as_bytes());
    gbk.extend_from_slice(&[0xA3, 0xAC, 0xC9, 0xED, 0xB7, 0xDD, 0xD6, 0xA4]);
    gbk.extend_from_slice(ID.as_bytes());
    gbk.push(b'\n');
    std::fs::write(d.path().join("gbk.txt"), &gbk).expect("write gbk");
    let mut u16 = vec![0xFF, 0xFE];
    for u in line.encode_utf16() {
        u16.extend_from_slice(&u.to_le_bytes());
    }
    std::fs::write(d.path().join("utf16.txt"), &u16).expect("write utf16");
    let o = wangan_in(d.path(), &["scan", ".", "--format", "jsonl"]);
    assert_eq!(code(&o), 2, "{}", err(&o));
    let mut seen = 0;
    for l in out(&o).lines() {
        let v: serde_json::Value = serde_json::from_str(l).expect("jsonl line");
        for k in ["path", "type", "byte_start", "byte_end", "masked"] {
            assert!(v.get(k).is_some(), "{k} missing in {l}");
        }
        let path = v["path"].as_str().expect("path");
        let (s, e) = (
            v["byte_start"].as_u64().expect("start") as usize,
            v["byte_end"].as_u64().expect("end") as usize,
        );
        let bytes = std::fs::read(d.path().join(path)).expect("read");
        let raw = &bytes[s..e];
        let text = match path {
            "./gbk.txt" => String::from_utf8(raw.to_vec()).expect("ascii digits in gbk"),
            "./utf16.txt" => {
                let units: Vec<u16> = raw
                    .chunks(2)
                    .map(|c| u16::from_le_bytes([c[0], c[1]]))
                    .collect();
                String::from_utf16(&units).expect("utf-16 span")
            }
            _ => String::from_utf8(raw.to_vec()).expect("utf-8 span"),
        };
        if v["type"] == "cn_mobile"
            && !v["deidentified"].as_bool().unwrap_or(true)
            && path != "./orders.ndjson"
        {
            assert_eq!(text, MOBILE, "{path}");
            seen += 1;
        }
        if v["type"] == "cn_id" && path.ends_with(".txt") {
            assert_eq!(text, ID, "{path}");
        }
        assert_ne!(path, "./ignored.txt", ".gitignore not honoured");
    }
    assert_eq!(seen, 3, "mobile in csv, gbk and utf-16");
}

#[test]
fn exit_codes_follow_fail_on() {
    let d = tempfile::tempdir().expect("tempdir");
    std::fs::write(d.path().join("m.txt"), format!("tel {MOBILE}\n")).expect("write");
    let run = |args: &[&str]| code(&wangan_in(d.path(), args));
    assert_eq!(run(&["scan", "m.txt"]), 0, "mobile only is not sensitive");
    assert_eq!(run(&["scan", "m.txt", "--fail-on", "pi"]), 1);
    std::fs::write(d.path().join("id.txt"), format!("身份证 {ID}\n")).expect("write");
    assert_eq!(run(&["scan", "id.txt"]), 2);
    assert_eq!(run(&["scan", "id.txt", "--fail-on", "none"]), 0);
    // GB/T 45574: the ID number alone is not sensitive, a minor's still is
    assert_eq!(run(&["scan", "id.txt", "--id-policy", "gbt45574"]), 0);
    std::fs::write(
        d.path().join("minor.txt"),
        "学生身份证 110105201801010019\n",
    )
    .expect("write");
    assert_eq!(run(&["scan", "minor.txt", "--id-policy", "gbt45574"]), 2);
    assert_eq!(run(&["scan", "missing.txt"]), 66);
    assert_eq!(run(&["scan", "m.txt", "--format", "nope"]), 64);
}

#[test]
fn database_errors_mask_the_password_and_real_databases_connect() {
    let d = tempfile::tempdir().expect("tempdir");
    let o = wangan_in(
        d.path(),
        &["scan", "postgres://app:hunter2secret@127.0.0.1:1/test"],
    );
    assert_eq!(code(&o), 74, "{}", err(&o));
    assert!(
        !err(&o).contains("hunter2secret") && err(&o).contains("app:****@"),
        "{}",
        err(&o)
    );
    // the local servers must be up (see ARCHITECTURE.md): an empty table pattern scans nothing
    for url in [
        "postgres://postgres@127.0.0.1:5432/test",
        "mysql://root@127.0.0.1:3306/test",
    ] {
        let o = wangan_in(
            d.path(),
            &["scan", url, "--tables", "no_such_table_%", "--json"],
        );
        assert_eq!(code(&o), 0, "{url} must be reachable: {}", err(&o));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
        assert_eq!(v["summary"]["sources"], 0);
    }
}

/// `wangan vault ingest` of `file` as `source`, run in `dir`; must succeed.
fn vault_ingest(dir: &std::path::Path, data: &str, source: &str, file: &str) {
    let o = wangan_in(
        dir,
        &[
            "vault",
            "ingest",
            "--data-dir",
            data,
            "--source",
            source,
            file,
        ],
    );
    assert_eq!(code(&o), 0, "{}", err(&o));
}

#[test]
fn vault_records_are_scanned() {
    let d = tempfile::tempdir().expect("tempdir");
    let data = d.path().join("vault");
    let data = data.to_str().expect("utf-8 path");
    let o = wangan_in(d.path(), &["vault", "init", "--data-dir", data]);
    assert_eq!(code(&o), 0, "{}", err(&o));
    std::fs::write(
        d.path().join("fw.log"),
        format!("login ok phone={MOBILE}\nplain line\nid={ID}\n"),
    )
    .expect("write");
    vault_ingest(d.path(), data, "fw1", "fw.log");
    let o = wangan_in(
        d.path(),
        &["scan", "vault:", "--data-dir", data, "--format", "jsonl"],
    );
    assert_eq!(code(&o), 2, "{}", err(&o));
    let lines: Vec<serde_json::Value> = out(&o)
        .lines()
        .map(|l| serde_json::from_str(l).expect("jsonl"))
        .collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines.iter().all(|v| v["path"] == "vault:fw1"));
    assert_eq!(lines[0]["type"], "cn_mobile");
    assert_eq!(lines[0]["row"], 0);
    assert_eq!(lines[1]["type"], "cn_id");
}

/// A vault of several sealed parts and two sources: one thread and two give
/// the same output (records reported in seq order), and a damaged block
/// fails the scan on both, naming the block.
#[test]
fn vault_scan_is_the_same_on_one_and_two_threads() {
    let d = tempfile::tempdir().expect("tempdir");
    let data = d.path().join("vault");
    let data = data.to_str().expect("utf-8 path");
    let o = wangan_in(
        d.path(),
        &[
            "vault",
            "init",
            "--data-dir",
            data,
            "--segment-size",
            "200000",
        ],
    );
    assert_eq!(code(&o), 0, "{}", err(&o));
    for (src, n) in [("fw1", 12_000), ("fw2", 3_000), ("fw1", 500)] {
        let mut text = String::new();
        for i in 0..n {
            if i % 97 == 0 {
                text.push_str(&format!("{src} line {i} phone={MOBILE} id={ID}\n"));
            } else {
                text.push_str(&format!("{src} line {i} nothing personal here at all\n"));
            }
        }
        let file = d.path().join(format!("{src}-{n}.log"));
        std::fs::write(&file, text).expect("write");
        vault_ingest(d.path(), data, src, file.to_str().expect("utf-8 path"));
    }
    let segs: Vec<_> = std::fs::read_dir(d.path().join("vault/seg"))
        .expect("seg dir")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    assert!(segs.len() >= 3, "{segs:?}");
    let scan = |threads: &str, format: &str| {
        wangan_in(
            d.path(),
            &[
                "scan",
                "vault:",
                "--data-dir",
                data,
                "--format",
                format,
                "--threads",
                threads,
            ],
        )
    };
    let (one, two) = (scan("1", "jsonl"), scan("2", "jsonl"));
    assert_eq!(code(&one), 2, "{}", err(&one));
    assert_eq!(code(&two), 2, "{}", err(&two));
    assert_eq!(out(&one), out(&two));
    let rows: Vec<u64> = out(&one)
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).expect("jsonl")["row"]
                .as_u64()
                .expect("row")
        })
        .collect();
    // 2 findings in each of 124 + 31 + 6 records, in seq order
    assert_eq!(rows.len(), 2 * (124 + 31 + 6));
    assert!(rows.windows(2).all(|w| w[0] <= w[1]));
    let summary = |o: &std::process::Output| {
        let mut v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
        v["summary"]["elapsed_ms"] = serde_json::Value::Null;
        v
    };
    assert_eq!(summary(&scan("1", "json")), summary(&scan("2", "json")));
    // damage the middle of the first segment: both fail, naming the block
    let seg = segs.iter().min().expect("a segment");
    let mut b = std::fs::read(seg).expect("read segment");
    let mid = b.len() / 2;
    for x in &mut b[mid..mid + 64] {
        *x ^= 0x5a;
    }
    let mut perm = std::fs::metadata(seg).expect("meta").permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perm.set_readonly(false);
    std::fs::set_permissions(seg, perm).expect("chmod");
    std::fs::write(seg, b).expect("write segment");
    for t in ["1", "2"] {
        let o = scan(t, "jsonl");
        assert_eq!(code(&o), 65, "{}", err(&o));
        assert!(err(&o).contains("block"), "{}", err(&o));
    }
}

/// Standard input (`-`) and a named pipe given by name are read as streams;
/// a pipe met in a directory walk is listed as skipped (reading it could
/// block), never dropped silently.
#[test]
fn streams_are_scanned_and_special_files_listed() {
    use std::io::Write;
    use std::process::Stdio;
    let d = tempfile::tempdir().expect("tempdir");
    let text = format!("身份证 {ID} tel {MOBILE}\n");
    let jsonl = |stdout: &[u8]| -> Vec<serde_json::Value> {
        String::from_utf8_lossy(stdout)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad line {l}: {e}")))
            .collect()
    };
    let id_start = text.find(ID).expect("id in text") as u64;

    // standard input
    let mut child = Command::new(env!("CARGO_BIN_EXE_wangan"))
        .args(["scan", "-", "--format", "jsonl", "--fail-on", "none"])
        .current_dir(d.path())
        .env("LANG", "C")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn wangan");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(text.as_bytes())
        .expect("write stdin");
    let o = child.wait_with_output().expect("wait");
    assert_eq!(code(&o), 0, "{}", err(&o));
    let lines = jsonl(&o.stdout);
    let id = lines
        .iter()
        .find(|l| l["type"] == "cn_id")
        .unwrap_or_else(|| panic!("no cn_id from stdin: {lines:?}"));
    assert_eq!(id["path"], "<stdin>");
    assert_eq!(id["byte_start"], id_start);
    assert!(lines.iter().any(|l| l["type"] == "cn_mobile"), "{lines:?}");
    assert!(
        !out(&o).contains(ID) && !out(&o).contains(MOBILE),
        "a full value"
    );

    // a named pipe given by name: read as a stream
    let fifo = d.path().join("pipe");
    let st = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(st.success());
    let writer = {
        let (fifo, text) = (fifo.clone(), text.clone());
        std::thread::spawn(move || {
            // blocks until wangan opens the pipe for reading
            std::fs::write(&fifo, text).expect("write the pipe");
        })
    };
    let o = wangan_in(
        d.path(),
        &["scan", "pipe", "--format", "jsonl", "--fail-on", "none"],
    );
    writer.join().expect("writer");
    assert_eq!(code(&o), 0, "{}", err(&o));
    let lines = jsonl(&o.stdout);
    assert!(
        lines
            .iter()
            .any(|l| l["type"] == "cn_id" && l["path"] == "pipe"),
        "{lines:?}"
    );

    // the same pipe inside a tree: listed as skipped, the tree still scanned
    std::fs::write(d.path().join("a.txt"), &text).expect("write a.txt");
    let o = wangan_in(d.path(), &["scan", ".", "--json", "--fail-on", "none"]);
    assert_eq!(code(&o), 0, "{}", err(&o));
    let v: serde_json::Value = serde_json::from_str(&out(&o)).expect("json");
    let skipped = v["skipped"].as_array().expect("skipped array");
    assert!(
        skipped.iter().any(
            |s| s["source"].as_str().is_some_and(|p| p.ends_with("pipe"))
                && s["reason"]
                    .as_str()
                    .is_some_and(|r| r.contains("not a regular file"))
        ),
        "{skipped:?}"
    );
    assert_eq!(v["summary"]["sources"], 1, "{}", v["summary"]);
}

/// `.gitignore` is honoured unless `--no-ignore`; `--glob` keeps or drops
/// files as ripgrep's does (directories still entered); a bad glob is a
/// usage error that names it.
#[test]
fn ignore_files_and_globs_choose_the_files() {
    let d = fixture();
    std::fs::create_dir(d.path().join("sub")).expect("mkdir");
    std::fs::write(d.path().join("sub/more.csv"), format!("手机号\n{MOBILE}\n")).expect("write");
    let paths = |args: &[&str]| -> std::collections::BTreeSet<String> {
        let mut a = vec!["scan", ".", "--format", "jsonl", "--fail-on", "none"];
        a.extend_from_slice(args);
        let o = wangan_in(d.path(), &a);
        assert_eq!(code(&o), 0, "{args:?}: {}", err(&o));
        out(&o)
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).expect("jsonl line");
                v["path"].as_str().expect("path").to_owned()
            })
            .collect()
    };
    let all = paths(&[]);
    assert!(
        all.contains("./users.csv") && all.contains("./orders.ndjson"),
        "{all:?}"
    );
    assert!(!all.contains("./ignored.txt"), "{all:?}");
    assert!(paths(&["--no-ignore"]).contains("./ignored.txt"));
    assert_eq!(
        paths(&["-g", "*.csv"]),
        ["./sub/more.csv", "./users.csv"].map(String::from).into()
    );
    let no_csv = paths(&["--glob", "!*.csv"]);
    assert!(no_csv.contains("./orders.ndjson"), "{no_csv:?}");
    assert!(!no_csv.iter().any(|p| p.ends_with(".csv")), "{no_csv:?}");
    assert!(!paths(&["-g", "!sub"]).contains("./sub/more.csv"));

    let o = wangan_in(d.path(), &["scan", ".", "-g", "a[b", "--lang", "en"]);
    assert_eq!(code(&o), 64, "{}", err(&o));
    assert!(err(&o).contains("invalid glob \"a[b\""), "{}", err(&o));
}

/// SARIF is one document: the same on one thread and on two, its results
/// in path order whatever order the workers finished files in.
#[test]
fn sarif_is_the_same_on_one_and_two_threads() {
    let d = tempfile::tempdir().expect("tempdir");
    for k in 0..24u32 {
        // different sizes, so the walk's size order is not the path order
        let lines = (k * 7) % 24 + 1;
        let text: String = (0..lines)
            .map(|i| format!("身份证 {ID} 手机 1380013{:04}\n", k * 100 + i))
            .collect();
        std::fs::write(d.path().join(format!("f{k:02}.txt")), text).expect("write");
    }
    let one = scan_tree(d.path(), "sarif", "1");
    assert_eq!(one, scan_tree(d.path(), "sarif", "2"));
    let uris = sarif_uris(one.as_bytes());
    assert!(uris.len() > 24 && uris.is_sorted(), "{uris:?}");
}

/// JSONL on two threads: the lines of one run on one thread, each file's
/// lines together (files of several chunks, scanned at the same time).
#[test]
fn jsonl_keeps_each_files_lines_together() {
    let d = tempfile::tempdir().expect("tempdir");
    for k in 0..6u32 {
        let mut text = String::new();
        let mut i = 0u32;
        while text.len() < 5 << 19 {
            text.push_str(&format!(
                "2026-11-22 host{k} login ok, 手机 1390013{:04}, filler text for the chunking of the file\n",
                i % 10_000
            ));
            i += 1;
        }
        std::fs::write(d.path().join(format!("log{k}.txt")), text).expect("write");
    }
    let two = scan_tree(d.path(), "jsonl", "2");
    let mut a: Vec<&str> = two.lines().collect();
    let one = scan_tree(d.path(), "jsonl", "1");
    let mut b: Vec<&str> = one.lines().collect();
    // each path in one run of lines
    let mut seen = std::collections::BTreeSet::new();
    let mut last = String::new();
    for l in &a {
        let v: serde_json::Value = serde_json::from_str(l).expect("jsonl line");
        let p = v["path"].as_str().expect("path").to_owned();
        if p != last {
            assert!(seen.insert(p.clone()), "the lines of {p} are split");
            last = p;
        }
    }
    assert_eq!(seen.len(), 6);
    a.sort_unstable();
    b.sort_unstable();
    assert!(a == b, "two threads found other lines than one");
}
