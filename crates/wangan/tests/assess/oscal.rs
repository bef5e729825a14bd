//! `wangan assess --format oscal` passes compliance-trestle and points at the
//! catalog `wangan law export --format oscal` produces. Fails, never skips,
//! without trestle (WANGAN_PYTHON names a Python that has it; `cargo xtask ci`
//! sets it up).

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::world::world;
use crate::{code, stderr, stdout, tempdir, wangan_in};

fn python() -> String {
    std::env::var("WANGAN_PYTHON").unwrap_or_else(|_| "python3".to_owned())
}

fn py(dir: &Path, args: &[&str]) -> std::process::Output {
    let p = python();
    Command::new(&p)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run Python `{p}` ({e}); set WANGAN_PYTHON to one with compliance-trestle"
            )
        })
}

fn validate(dir: &Path, file: &str) -> (bool, String) {
    let v = py(dir, &["-m", "trestle", "validate", "-f", file]);
    let out = format!(
        "{}{}",
        String::from_utf8_lossy(&v.stdout),
        String::from_utf8_lossy(&v.stderr)
    );
    (v.status.success() && out.contains("VALID"), out)
}

#[test]
fn oscal_assessment_results_pass_compliance_trestle_against_the_catalog() {
    let dir = tempdir();
    let probe = py(
        dir.path(),
        &["-c", "import trestle.oscal.assessment_results"],
    );
    assert!(
        probe.status.success(),
        "compliance-trestle is required and cannot be imported by `{}`: {}",
        python(),
        String::from_utf8_lossy(&probe.stderr)
    );
    let init = py(dir.path(), &["-m", "trestle", "init"]);
    assert!(
        init.status.success(),
        "trestle init: {}",
        String::from_utf8_lossy(&init.stderr)
    );

    let w = world();
    let cat = wangan_in(&w.root, &["law", "export", "--format", "oscal"]);
    assert_eq!(code(&cat), 0);
    let catalog: Value = serde_json::from_slice(&cat.stdout).unwrap_or_default();
    let mut statements = std::collections::BTreeSet::new();
    let mut controls = std::collections::BTreeSet::new();
    for g in catalog["catalog"]["groups"]
        .as_array()
        .into_iter()
        .flatten()
    {
        for c in g["controls"].as_array().into_iter().flatten() {
            controls.insert(c["id"].as_str().unwrap_or("").to_owned());
            for p in c["parts"].as_array().into_iter().flatten() {
                statements.insert(p["id"].as_str().unwrap_or("").to_owned());
            }
        }
    }
    std::fs::create_dir_all(dir.path().join("catalogs/csl-ch3")).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(
        dir.path().join("catalogs/csl-ch3/catalog.json"),
        &cat.stdout,
    )
    .unwrap_or_else(|e| panic!("{e}"));

    for (profile, lang) in [("cii-finance.toml", "zh"), ("provider.toml", "en")] {
        let o = wangan_in(
            &w.root,
            &[
                "assess",
                "--profile",
                profile,
                "--at",
                "2026-03-01",
                "--format",
                "oscal",
                "--lang",
                lang,
            ],
        );
        assert!(matches!(code(&o), 1 | 2), "{}", stderr(&o));
        let ar: Value = serde_json::from_slice(&o.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(&o)));
        let name = format!("assessment-results/{}", profile.trim_end_matches(".toml"));
        std::fs::create_dir_all(dir.path().join(&name)).unwrap_or_else(|e| panic!("{e}"));
        let file = format!("{name}/assessment-results.json");
        std::fs::write(dir.path().join(&file), &o.stdout).unwrap_or_else(|e| panic!("{e}"));
        let (ok, out) = validate(dir.path(), &file);
        assert!(
            ok,
            "trestle rejected the assessment results of {profile}:\n{out}"
        );

        // against the catalog: every reviewed control and finding target exists there
        let r = &ar["assessment-results"]["results"][0];
        let sel = &r["reviewed-controls"]["control-selections"][0];
        for key in ["include-controls", "exclude-controls"] {
            for c in sel[key].as_array().into_iter().flatten() {
                let id = c["control-id"].as_str().unwrap_or("");
                assert!(
                    controls.contains(id),
                    "{id} is not a control of the catalog"
                );
            }
        }
        let findings = r["findings"].as_array().expect("findings");
        assert!(!findings.is_empty());
        for f in findings {
            let t = f["target"]["target-id"].as_str().unwrap_or("");
            assert!(
                statements.contains(t),
                "{t} is not a statement of the catalog"
            );
        }
        let included = sel["include-controls"].as_array().map_or(0, Vec::len);
        let excluded = sel["exclude-controls"].as_array().map_or(0, Vec::len);
        assert_eq!(included + excluded, law::duties().len());
        assert_eq!(findings.len(), included);
        // pydantic loads it
        let script = format!(
            "import pathlib\nfrom trestle.oscal.assessment_results import AssessmentResults\n\
             a = AssessmentResults.oscal_read(pathlib.Path('{file}'))\n\
             print(len(a.results[0].findings), len(a.results[0].observations or []))\n"
        );
        let l = py(dir.path(), &["-c", &script]);
        assert!(
            l.status.success(),
            "oscal_read: {}",
            String::from_utf8_lossy(&l.stderr)
        );
    }

    // not a rubber stamp: without import-ap trestle refuses the document
    let o = wangan_in(
        &w.root,
        &[
            "assess",
            "--profile",
            "ordinary.toml",
            "--at",
            "2026-03-01",
            "--format",
            "oscal",
        ],
    );
    let mut ar: Value = serde_json::from_slice(&o.stdout).unwrap_or_default();
    let removed = ar["assessment-results"]
        .as_object_mut()
        .and_then(|m| m.remove("import-ap"));
    assert!(removed.is_some());
    std::fs::create_dir_all(dir.path().join("assessment-results/broken"))
        .unwrap_or_else(|e| panic!("{e}"));
    let file = "assessment-results/broken/assessment-results.json";
    std::fs::write(dir.path().join(file), ar.to_string()).unwrap_or_else(|e| panic!("{e}"));
    let (ok, _) = validate(dir.path(), file);
    assert!(!ok, "trestle accepted assessment results without import-ap");
}

#[test]
fn every_format_from_the_command_line() {
    let w = world();
    let out = tempdir();
    for (ext, starts) in [
        ("html", "<!DOCTYPE html>"),
        ("md", "# "),
        ("csv", "\u{feff}"),
        ("json", "{"),
        ("txt", ""),
    ] {
        let path = out.path().join(format!("report.{ext}"));
        let p = path.display().to_string();
        let o = wangan_in(
            &w.root,
            &[
                "assess",
                "--profile",
                "ordinary.toml",
                "--at",
                "2026-03-01",
                "-o",
                &p,
                "--lang",
                "zh",
            ],
        );
        assert_eq!(code(&o), 1, "{}", stderr(&o));
        assert!(o.stdout.is_empty(), "-o writes nothing to stdout");
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{p}: {e}"));
        assert!(
            text.starts_with(starts),
            "{ext}: {}",
            &text[..text.len().min(80)]
        );
        let marker = if ext == "csv" {
            "csl.log-retention"
        } else {
            "示例电商有限公司"
        };
        assert!(text.contains(marker), "{ext}");
    }
    // the text summary puts what is not met first
    let o = wangan_in(
        &w.root,
        &[
            "assess",
            "--profile",
            "cii-finance.toml",
            "--at",
            "2026-03-01",
            "--lang",
            "en",
        ],
    );
    let text = stdout(&o);
    let first_met = text.find("\nmet (").unwrap_or(usize::MAX);
    let first_not = text.find("✗ not met").unwrap_or(usize::MAX);
    assert!(first_not < first_met, "{text}");
    assert!(text.contains("past a legal deadline"), "{text}");
}
