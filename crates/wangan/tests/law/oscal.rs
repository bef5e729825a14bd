//! The OSCAL catalog passes the independent validator compliance-trestle.
//!
//! The test finds Python through `WANGAN_PYTHON` (default `python3`). It
//! fails, never skips, when `trestle` cannot be imported there: install it
//! with `python3 -m venv .venv && .venv/bin/pip install compliance-trestle`
//! and run the tests with `WANGAN_PYTHON=.venv/bin/python`.

use std::process::Command;

use crate::{code, stderr, stdout, wangan};

fn python() -> String {
    std::env::var("WANGAN_PYTHON").unwrap_or_else(|_| "python3".to_owned())
}

fn run_python(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    let py = python();
    Command::new(&py)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run Python `{py}` ({e}). Set WANGAN_PYTHON to a Python that has \
                 compliance-trestle: python3 -m venv .venv && .venv/bin/pip install \
                 compliance-trestle && export WANGAN_PYTHON=$PWD/.venv/bin/python"
            )
        })
}

#[test]
fn oscal_catalog_passes_compliance_trestle() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let probe = run_python(
        dir.path(),
        &["-c", "import trestle; print(trestle.__version__)"],
    );
    assert!(
        probe.status.success(),
        "compliance-trestle is required for this test and cannot be imported by `{}`: {}\n\
         Install it: python3 -m venv .venv && .venv/bin/pip install compliance-trestle, \
         then run the tests with WANGAN_PYTHON=$PWD/.venv/bin/python",
        python(),
        String::from_utf8_lossy(&probe.stderr).trim()
    );

    let o = wangan(&["law", "export", "--format", "oscal"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let catalog = stdout(&o);

    let init = run_python(dir.path(), &["-m", "trestle", "init"]);
    assert!(
        init.status.success(),
        "trestle init: {}",
        String::from_utf8_lossy(&init.stderr)
    );
    let cat_dir = dir.path().join("catalogs").join("csl-ch3");
    std::fs::create_dir_all(&cat_dir).unwrap_or_else(|e| panic!("mkdir: {e}"));
    std::fs::write(cat_dir.join("catalog.json"), &catalog).unwrap_or_else(|e| panic!("write: {e}"));

    let v = run_python(
        dir.path(),
        &[
            "-m",
            "trestle",
            "validate",
            "-f",
            "catalogs/csl-ch3/catalog.json",
        ],
    );
    let out = format!(
        "{}{}",
        String::from_utf8_lossy(&v.stdout),
        String::from_utf8_lossy(&v.stderr)
    );
    assert!(
        v.status.success() && out.contains("VALID"),
        "trestle validate rejected the catalog:\n{out}"
    );

    // And the pydantic model loads it with both groups and every duty.
    let script = "import pathlib, sys\n\
from trestle.oscal.catalog import Catalog\n\
c = Catalog.oscal_read(pathlib.Path('catalogs/csl-ch3/catalog.json'))\n\
print(len(c.groups), sum(len(g.controls or []) for g in c.groups))\n";
    let l = run_python(dir.path(), &["-c", script]);
    assert!(
        l.status.success(),
        "Catalog.oscal_read: {}",
        String::from_utf8_lossy(&l.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&l.stdout).trim(),
        format!("2 {}", law::duties().len())
    );

    // The validator is not a rubber stamp: a catalog without its uuid fails.
    let mut value: serde_json::Value =
        serde_json::from_str(&catalog).unwrap_or_else(|e| panic!("catalog is not JSON: {e}"));
    let removed = value["catalog"]
        .as_object_mut()
        .and_then(|c| c.remove("uuid"));
    assert!(removed.is_some(), "the catalog has a uuid");
    let broken = value.to_string();
    std::fs::write(cat_dir.join("catalog.json"), broken).unwrap_or_else(|e| panic!("write: {e}"));
    let v = run_python(
        dir.path(),
        &[
            "-m",
            "trestle",
            "validate",
            "-f",
            "catalogs/csl-ch3/catalog.json",
        ],
    );
    assert!(
        !v.status.success(),
        "trestle accepted a catalog without uuid"
    );
}
