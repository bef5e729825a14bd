//! HTTP intake with curl and the official Python Elasticsearch client.

use std::process::Command;

use crate::common::*;

fn curl(args: &[&str]) -> (u16, String) {
    require_tool("curl", "curl");
    let out = Command::new("curl")
        .args(["-s", "-o", "-", "-w", "\n%{http_code}"])
        .args(args)
        .output()
        .expect("run curl");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let (body, code) = text.rsplit_once('\n').unwrap();
    (code.trim().parse().unwrap(), body.to_owned())
}

#[test]
fn curl_logs_bulk_auth_and_errors() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().join("data");
    let s = Server::start(&dir);
    let tok = s.token.clone().expect("first run prints a token");
    let base = format!("http://{}", s.http.unwrap());
    let bearer = format!("Authorization: Bearer {tok}");
    // no or bad credentials: 401 everywhere except health
    for path in ["/", "/api/v1/logs", "/_bulk", "/metrics", "/_license"] {
        let (code, body) = curl(&[&format!("{base}{path}")]);
        assert_eq!(code, 401, "{path}: {body}");
        let (code, _) = curl(&[
            "-H",
            "Authorization: Bearer wgn_00000000_nope",
            &format!("{base}{path}"),
        ]);
        assert_eq!(code, 401, "{path}");
    }
    assert_eq!(curl(&[&format!("{base}/healthz")]).0, 200);
    assert_eq!(curl(&[&format!("{base}/readyz")]).0, 200);
    // NDJSON and a JSON array
    let (code, body) = curl(&[
        "-H",
        &bearer,
        "--data-binary",
        "{\"msg\":\"a\",\"user\":\"张三\"}\n{\"msg\":\"b\"}\n",
        &format!("{base}/api/v1/logs"),
    ]);
    assert_eq!(code, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["accepted"], 2);
    let (code, body) = curl(&[
        "-u",
        &format!("elastic:{tok}"),
        "--data-binary",
        "[{\"msg\":\"c\"}, {\"msg\" : \"d\"}]",
        &format!("{base}/api/v1/logs"),
    ]);
    assert_eq!(code, 200, "{body}");
    // malformed JSON: 400 naming the line, nothing stored
    let (code, body) = curl(&[
        "-H",
        &bearer,
        "--data-binary",
        "{\"ok\":1}\n{\"broken\":\n",
        &format!("{base}/api/v1/logs"),
    ]);
    assert_eq!(code, 400);
    assert!(body.contains("line 2"), "{body}");
    // gzip body
    let gz = d.path().join("b.gz");
    let raw = d.path().join("b.json");
    std::fs::write(&raw, "{\"msg\":\"gz\"}\n").unwrap();
    assert!(
        Command::new("gzip")
            .arg("-k")
            .arg(&raw)
            .status()
            .unwrap()
            .success()
    );
    std::fs::rename(raw.with_extension("json.gz"), &gz).unwrap();
    let (code, body) = curl(&[
        "-H",
        &bearer,
        "-H",
        "Content-Encoding: gzip",
        "--data-binary",
        &format!("@{}", gz.display()),
        &format!("{base}/api/v1/logs"),
    ]);
    assert_eq!(code, 200, "{body}");
    let logs = records(&dir, "http");
    let raws: Vec<String> = logs
        .iter()
        .map(|r| String::from_utf8(r.raw.clone()).unwrap())
        .collect();
    assert_eq!(
        raws,
        [
            "{\"msg\":\"a\",\"user\":\"张三\"}",
            "{\"msg\":\"b\"}",
            "{\"msg\":\"c\"}",
            "{\"msg\" : \"d\"}",
            "{\"msg\":\"gz\"}"
        ],
        "each element stored as its exact JSON bytes"
    );
    assert!(
        logs.iter()
            .all(|r| r.transport == "http" && r.peer.starts_with("127.0.0.1:"))
    );
    // Elasticsearch bulk with per-item results
    let bulk = "{\"create\":{\"_index\":\"fw-logs\"}}\n{\"message\":\"deny 10.0.0.1\"}\n\
{\"index\":{\"_id\":\"x1\"}}\n{\"message\":\"allow\"}\n\
{\"delete\":{\"_id\":\"x1\"}}\n\
{\"create\":{}}\n{\"message\": oops}\n";
    let (code, body) = curl(&[
        "-H",
        &format!("Authorization: ApiKey {tok}"),
        "-H",
        "Content-Type: application/x-ndjson",
        "--data-binary",
        bulk,
        &format!("{base}/logs-app/_bulk"),
    ]);
    assert_eq!(code, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["errors"], true);
    let items = v["items"].as_array().unwrap();
    assert_eq!(items.len(), 4);
    assert_eq!(items[0]["create"]["status"], 201);
    assert_eq!(items[0]["create"]["_index"], "fw-logs");
    assert_eq!(items[1]["index"]["status"], 201);
    assert_eq!(items[1]["index"]["_id"], "x1");
    assert_eq!(items[2]["delete"]["status"], 400);
    assert_eq!(items[3]["create"]["status"], 400);
    assert!(
        items[3]["create"]["error"]["reason"]
            .as_str()
            .unwrap()
            .contains("line 7")
    );
    assert_eq!(records(&dir, "fw-logs").len(), 1);
    assert_eq!(
        records(&dir, "logs-app").len(),
        1,
        "the path index names the source"
    );
    // malformed action line: whole request refused
    let (code, body) = curl(&[
        "-H",
        &bearer,
        "--data-binary",
        "nope\n{}\n",
        &format!("{base}/_bulk"),
    ]);
    assert_eq!(code, 400);
    assert!(body.contains("line 1"), "{body}");
    // body size limit
    let big = d.path().join("big");
    std::fs::write(&big, vec![b'{'; 33 << 20]).unwrap();
    let (code, _) = curl(&[
        "-H",
        &bearer,
        "--data-binary",
        &format!("@{}", big.display()),
        &format!("{base}/api/v1/logs"),
    ]);
    assert_eq!(code, 413);
    // Elasticsearch root info and product header
    let out = Command::new("curl")
        .args(["-s", "-i", "-H", &bearer, &format!("{base}/")])
        .output()
        .unwrap();
    let t = String::from_utf8_lossy(&out.stdout).to_ascii_lowercase();
    assert!(t.contains("x-elastic-product: elasticsearch"), "{t}");
    assert!(t.contains("you know, for search"));
    let (code, _) = curl(&["-I", "-H", &bearer, &format!("{base}/")]);
    assert_eq!(code, 200);
    // a revoked token stops working
    let out = wangan()
        .args(["token", "list", "--json", "--data-dir"])
        .arg(&dir)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let id = v["tokens"][0]["id"].as_str().unwrap().to_owned();
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains(&tok),
        "list never shows secrets"
    );
    assert!(
        wangan()
            .args(["token", "revoke", &id, "--data-dir"])
            .arg(&dir)
            .status()
            .unwrap()
            .success()
    );
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let (code, _) = curl(&["-H", &bearer, &format!("{base}/")]);
    assert_eq!(code, 401, "revoked");
    let log = s.stderr_text();
    assert!(!log.contains(&tok), "tokens never reach the log");
    assert!(
        !log.contains("张三") && !log.contains("deny 10.0.0.1"),
        "record contents never reach the log"
    );
    s.stop();
    verify(&dir);
}

const PY_ES: &str = r#"
import sys
from elasticsearch import Elasticsearch, helpers
url, token, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
es = Elasticsearch(url, api_key=token, request_timeout=30)
assert es.ping()
info = es.info()
assert info["tagline"] == "You Know, for Search", info
assert not Elasticsearch(url, api_key="wgn_00000000_wrong").ping()
ok, errors = helpers.bulk(es, ({"_index": "pyes", "message": f"python bulk {i}", "n": i} for i in range(n)), chunk_size=250)
assert not errors, errors
es2 = Elasticsearch(url, basic_auth=("elastic", token), request_timeout=30)
ok2, _ = helpers.bulk(es2, [{"_op_type": "create", "_index": "pyes", "message": "basic auth"}])
print(ok + ok2)
"#;

#[test]
fn python_elasticsearch_client_bulk_helper() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().join("data");
    let s = Server::start(&dir);
    let tok = s.token.clone().unwrap();
    let out = run_python(
        PY_ES,
        &[&format!("http://{}", s.http.unwrap()), &tok, "1000"],
        Some(("elasticsearch", "elasticsearch")),
    );
    assert_eq!(out.trim(), "1001");
    let r = records(&dir, "pyes");
    assert_eq!(
        r.len(),
        1001,
        "acknowledged means stored, no waiting needed"
    );
    let v: serde_json::Value = serde_json::from_slice(&r[999].raw).unwrap();
    assert_eq!(v["n"], 999);
    s.stop();
    verify(&dir);
}

#[test]
fn content_encodings_that_are_not_recognised_are_refused_with_415() {
    use std::os::unix::ffi::OsStrExt;
    require_tool("curl", "curl");
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().join("data");
    let s = Server::start(&dir);
    let tok = s.token.clone().unwrap();
    let url = format!("http://{}/api/v1/logs", s.http.unwrap());
    let headers: [&[u8]; 4] = [
        b"Content-Encoding: g\xffzip",
        b"Content-Encoding: \xe4\xb8\xad",
        b"Content-Encoding: br",
        b"Content-Encoding: gzip, identity",
    ];
    for h in headers {
        let out = Command::new("curl")
            .args(["-s", "-o", "-", "-w", "\n%{http_code}"])
            .args(["-H", &format!("Authorization: Bearer {tok}")])
            .arg("-H")
            .arg(std::ffi::OsStr::from_bytes(h))
            .args(["--data-binary", "{\"msg\":\"plain\"}"])
            .arg(&url)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            text.ends_with("\n415"),
            "{}: {text}",
            String::from_utf8_lossy(h)
        );
        assert!(
            text.contains("nothing of this request was stored"),
            "{text}"
        );
    }
    // and identity still works
    let (code, _) = curl(&[
        "-H",
        &format!("Authorization: Bearer {tok}"),
        "-H",
        "Content-Encoding: identity",
        "--data-binary",
        "{\"msg\":\"plain\"}",
        &url,
    ]);
    assert_eq!(code, 200);
    s.stop();
    assert_eq!(
        records(&dir, "http").len(),
        1,
        "refused bodies are not stored"
    );
}
