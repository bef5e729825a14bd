//! Data-driven: four example profiles over the same real world, each with
//! the expected status of every duty of the law crate and the exit code.

use serde_json::Value;

use crate::world::{AT, world};
use crate::{code, stderr, stdout, wangan_in};

const NA: &str = "not-applicable";
const MET: &str = "met";
const PARTLY: &str = "partly-met";
const NOT: &str = "not-met";
const NEEDS: &str = "needs-evidence";
const WAIVED: &str = "waived";

/// Duty id, then the expected status for: ordinary, CII finance, central organ, provider.
const EXPECTED: &[(&str, [&str; 4])] = &[
    ("csl.security-management", [MET, MET, PARTLY, MET]),
    ("csl.malware-intrusion-defence", [MET, NEEDS, NEEDS, NEEDS]),
    ("csl.log-retention", [MET, NOT, MET, NOT]),
    ("csl.data-classification-backup", [MET, MET, NEEDS, MET]),
    ("csl.other-mlps-duties", [PARTLY, PARTLY, NEEDS, NEEDS]),
    ("csl.product-standards", [NA, NA, NA, MET]),
    ("csl.product-flaw-remedy", [NA, NA, NA, PARTLY]),
    ("csl.product-maintenance", [NA, NA, NA, MET]),
    ("csl.product-user-consent", [NA, NA, NA, MET]),
    ("csl.critical-equipment-certification", [NA, NA, NA, MET]),
    ("csl.real-name", [NA, MET, NA, NEEDS]),
    ("csl.trusted-identity", [NA, NA, NA, NA]),
    ("csl.incident-plan", [PARTLY, PARTLY, NEEDS, NEEDS]),
    ("csl.incident-report", [NEEDS, NEEDS, NEEDS, NEEDS]),
    ("csl.security-services-rules", [NA, NA, NA, MET]),
    ("csl.no-attacks", [MET, MET, NEEDS, NEEDS]),
    ("csl.law-enforcement-support", [NEEDS, NEEDS, WAIVED, NEEDS]),
    ("csl.operator-cooperation", [NA, NA, NA, NA]),
    ("csl.industry-self-regulation", [NA, NA, NA, NA]),
    ("csl.regulator-information-use", [NA, NA, NA, NA]),
    ("csl.cii-protection", [NA, NA, NA, NA]),
    ("csl.cii-voluntary", [NA, NA, NA, NA]),
    ("csl.cii-sector-planning", [NA, NA, NA, NA]),
    ("csl.cii-three-synchronous", [NA, NEEDS, NA, NA]),
    ("csl.cii-security-organisation", [NA, PARTLY, NA, NA]),
    ("csl.cii-training", [NA, NEEDS, NA, NA]),
    ("csl.cii-disaster-recovery", [NA, NOT, NA, NA]),
    ("csl.cii-drills", [NA, PARTLY, NA, NA]),
    ("csl.cii-other-duties", [NA, NEEDS, NA, NA]),
    ("csl.cii-national-security-review", [NA, WAIVED, NA, NA]),
    ("csl.cii-supplier-agreement", [NA, NEEDS, NA, NA]),
    ("csl.cii-data-localisation", [NA, NOT, NA, NA]),
    ("csl.cii-annual-assessment", [NA, NOT, NA, NA]),
    ("csl.cac-coordination", [NA, NA, NA, NA]),
];

/// Profile file and the exit code of `wangan assess` (default --fail-on).
const PROFILE_EXITS: [(&str, i32); 4] = [
    ("ordinary.toml", 1),
    ("cii-finance.toml", 2),
    ("central-organ.toml", 1),
    ("provider.toml", 1),
];

/// `wangan assess --json` on a profile of the world; the exit code and the JSON.
pub fn assess(profile: &str, extra: &[&str]) -> (i32, Value) {
    let w = world();
    let mut args = vec!["assess", "--profile", profile, "--json"];
    if !extra.contains(&"--at") {
        args.extend_from_slice(&["--at", AT]);
    }
    args.extend_from_slice(extra);
    let o = wangan_in(&w.root, &args);
    let v = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {}\n{}", stdout(&o), stderr(&o)));
    (code(&o), v)
}

pub fn duty<'a>(v: &'a Value, id: &str) -> &'a Value {
    v["duties"]
        .as_array()
        .and_then(|ds| ds.iter().find(|d| d["id"] == id))
        .unwrap_or_else(|| panic!("no duty {id}"))
}

#[test]
fn every_duty_of_every_example_profile_is_decided_as_expected() {
    assert_eq!(
        EXPECTED.len(),
        law::duties().len(),
        "the table names every duty of the law crate"
    );
    let mut wrong = Vec::new();
    for (i, (profile, exit)) in PROFILE_EXITS.iter().enumerate() {
        let (c, v) = assess(profile, &[]);
        assert_eq!(v["schema"], "wangan.assess/1");
        assert_eq!(v["at"], AT);
        assert_eq!(v["law"]["label"], "CSL-2025");
        let got: Vec<(&str, &str)> = v["duties"]
            .as_array()
            .expect("duties")
            .iter()
            .map(|d| {
                (
                    d["id"].as_str().unwrap_or(""),
                    d["status"].as_str().unwrap_or(""),
                )
            })
            .collect();
        for ((id, want), (gid, gs)) in EXPECTED.iter().zip(&got) {
            assert_eq!(id, gid, "duty order");
            if want[i] != *gs {
                let d = duty(&v, id);
                wrong.push(format!(
                    "{profile} {id}: expected {}, got {gs} ({})",
                    want[i], d["reason"]["en"]
                ));
            }
        }
        if c != *exit {
            wrong.push(format!("{profile}: exit {c}, expected {exit}"));
        }
    }
    assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
}

#[test]
fn the_evidence_is_what_wangan_gathered() {
    let (_, v) = assess("cii-finance.toml", &[]);
    // logs: coverage per source from the vault, the gap in db listed with its times
    let sources = v["logs"]["sources"].as_array().expect("sources");
    let db = sources.iter().find(|s| s["name"] == "db").expect("db");
    assert_eq!(db["covered"], false);
    assert_eq!(db["gaps"][0]["from"], "2025-12-10T01:00:00+08:00");
    assert_eq!(db["gaps"][0]["to"], "2025-12-10T04:00:00+08:00");
    let fw1 = sources.iter().find(|s| s["name"] == "fw1").expect("fw1");
    assert_eq!(fw1["covered"], true);
    assert_eq!(fw1["first"], "2025-08-01T00:00:00+08:00");
    assert_eq!(v["logs"]["undeclared"][0]["name"], "stray");
    let vault = &v["logs"]["vaults"][0];
    assert_eq!(vault["verified_intact"], true);
    assert_eq!(vault["structure_ok"], true);
    assert_eq!(vault["window_start"], "2025-09-01T00:00:00+08:00");
    assert_eq!(vault["window_end"], "2026-03-02T00:00:00+08:00");
    // data: the scans saved by `wangan scan --save`, with their hashes
    let stores = v["data_stores"].as_array().expect("stores");
    let hk = stores.iter().find(|s| s["id"] == "hk").expect("hk");
    assert_eq!(hk["level"], "sensitive_pi");
    assert!(
        hk["scan_file"]
            .as_str()
            .is_some_and(|f| f.contains("wangan-data/scans/"))
    );
    assert_eq!(hk["scan_sha256"].as_str().map(str::len), Some(64));
    // documents: hashed
    let docs = v["documents"].as_array().expect("documents");
    let rules = docs.iter().find(|d| d["id"] == "rules").expect("rules");
    let want = duties::sha256_hex(b"%PDF-1.4 rules\n");
    assert_eq!(rules["sha256"], want.as_str());
    // every evidence item says where it came from and when
    for d in v["duties"].as_array().expect("duties") {
        for e in d["evidence"].as_array().expect("evidence") {
            assert!(e["source"].as_str().is_some_and(|s| !s.is_empty()), "{e}");
            assert!(e["kind"].is_string() && e["state"].is_string(), "{e}");
        }
    }
    // the overdue annual assessment: a legal clock run out, exit 2
    let annual = duty(&v, "csl.cii-annual-assessment");
    assert_eq!(annual["overdue"], true);
    let clock = &annual["clocks"][0];
    assert_eq!(clock["due"], "2026-01-20");
    assert_eq!(clock["days_left"], -40);
    assert_eq!(clock["legal"], true);
    assert_eq!(v["summary"]["overdue"], 1);
    // the localisation finding names the store and the place
    let loc = duty(&v, "csl.cii-data-localisation");
    assert!(
        loc["reason"]["en"]
            .as_str()
            .is_some_and(|r| r.contains("hk") && r.contains("HK"))
    );
    // the waiver is listed with owner and expiry, and applied
    let w = &v["waivers"][0];
    assert_eq!(
        (
            w["owner"].as_str(),
            w["expires"].as_str(),
            w["state"].as_str()
        ),
        (Some("李四"), Some("2026-06-30"), Some("active"))
    );
    // the incident clock of a CII operator is the 1-hour one
    let ir = duty(&v, "csl.incident-report");
    let periods: Vec<&str> = ir["clocks"]
        .as_array()
        .expect("clocks")
        .iter()
        .filter_map(|c| c["period"].as_str())
        .collect();
    assert!(
        periods.contains(&"PT1H") && !periods.contains(&"PT4H"),
        "{periods:?}"
    );
}

#[test]
fn the_incident_clock_follows_the_operator_kind() {
    for (profile, want, not) in [
        ("ordinary.toml", "PT4H", "PT1H"),
        ("central-organ.toml", "PT2H", "PT4H"),
    ] {
        let (_, v) = assess(profile, &["--at", "2026-02-27"]);
        let ir = duty(&v, "csl.incident-report");
        let periods: Vec<&str> = ir["clocks"]
            .as_array()
            .expect("clocks")
            .iter()
            .filter_map(|c| c["period"].as_str())
            .collect();
        assert!(
            periods.contains(&want) && !periods.contains(&not),
            "{profile}: {periods:?}"
        );
    }
}
