//! `cargo xtask ci`: the whole test suite, exactly as CI runs it.
//!
//! Steps, in order, stopping at the first failure:
//! 1. tools the tests need: a Python virtualenv under `target/ci-tools/venv` with the
//!    independent OSCAL validator `compliance-trestle`, the official `elasticsearch` client,
//!    `gmssl` (SM2/SM3 of the independent bundle verifier) and `schemathesis` (the console API's
//!    OpenAPI test; the venv's path goes to the tests in `WANGAN_PYTHON`), the Debian packages of
//!    the real peers the tests drive (logger, rsyslog with TLS, curl, openssl, gzip, and Debian's
//!    `chromium` with `fonts-noto-cjk` for the console's browser test) and of the independent Go
//!    bundle verifier (Go and `golang.org/x/mod`, built in GOPATH mode), installed with apt-get
//!    when missing, and `playwright-core` from npm in `target/ci-tools/node` (its `node_modules`
//!    goes to the tests in `WANGAN_NODE_MODULES`; it drives Debian's chromium, it never
//!    downloads a browser);
//! 2. `cargo fmt --check`;
//! 3. `cargo clippy --workspace --all-targets -- -D warnings`;
//! 4. `cargo doc --workspace --no-deps` with rustdoc warnings denied;
//! 5. the supply-chain check (`cargo xtask deps`: crates.io only, allowed licences, no new
//!    duplicate versions), then every fuzz target for a short fixed time on its kept corpus
//!    (`cargo xtask fuzz`; nightly and cargo-fuzz, installed when missing);
//! 6. doc tests, then every test with cargo-nextest (or `cargo test` where nextest is
//!    missing), so the run ends with the test runner's summary line.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

/// Seconds each fuzz target runs in CI (on its kept corpus, `fuzz/seeds/`).
const FUZZ_SECONDS: u64 = 10;

/// Run the whole suite.
pub fn run() -> Result<()> {
    let root = workspace_root()?;
    let python = ensure_python_tools(&root)?;
    ensure_debian_tools()?;
    let node_modules = ensure_node_tools(&root)?;

    step(&root, "fmt", cargo().args(["fmt", "--all", "--check"]))?;
    step(
        &root,
        "clippy",
        cargo().args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--locked",
            "--",
            "-D",
            "warnings",
        ]),
    )?;
    step(
        &root,
        "rustdoc",
        cargo()
            .args(["doc", "--workspace", "--no-deps", "--locked"])
            .env("RUSTDOCFLAGS", "-D warnings"),
    )?;
    eprintln!("==> deps");
    crate::deps::run(&root)?;
    if root.join("fuzz/Cargo.toml").exists() {
        eprintln!("==> fuzz");
        crate::fuzz::run(&root, FUZZ_SECONDS, &[], false)?;
    }
    step(
        &root,
        "doc tests",
        cargo()
            .args(["test", "--workspace", "--doc", "--locked"])
            .env("WANGAN_PYTHON", &python)
            .env("WANGAN_NODE_MODULES", &node_modules),
    )?;
    let mut tests = cargo();
    if has_nextest() {
        tests.args([
            "nextest",
            "run",
            "--workspace",
            "--locked",
            "--no-fail-fast",
            "--failure-output",
            "final",
        ]);
    } else {
        tests.args(["test", "--workspace", "--locked", "--no-fail-fast"]);
    }
    step(
        &root,
        "tests",
        tests
            .env("WANGAN_PYTHON", &python)
            .env("WANGAN_NODE_MODULES", &node_modules),
    )?;
    Ok(())
}

fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

fn has_nextest() -> bool {
    cargo()
        .args(["nextest", "--version"])
        .output()
        .is_ok_and(|o| o.status.success())
}

fn step(root: &Path, name: &str, cmd: &mut Command) -> Result<()> {
    eprintln!("==> {name}");
    let status = cmd
        .current_dir(root)
        .status()
        .with_context(|| format!("could not start step `{name}`"))?;
    if !status.success() {
        bail!("step `{name}` failed with {status}");
    }
    Ok(())
}

pub fn workspace_root() -> Result<PathBuf> {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest
        .parent()
        .map(Path::to_path_buf)
        .context("xtask has no parent directory")
}

/// PyPI packages the tests use, each with a module that proves it imports.
const PY_PACKAGES: &[(&str, &str)] = &[
    // the independent OSCAL validator for `wangan law export --format oscal` and
    // `wangan assess --format oscal`
    ("compliance-trestle==5.2.0", "trestle.oscal.catalog"),
    // the official Elasticsearch client, a real shipper for `wangan serve`'s bulk API
    ("elasticsearch>=9,<10", "elasticsearch.helpers"),
    // an independent OOXML reader for the incident report drafts (`wangan incident report --format docx`)
    ("python-docx>=1.1,<2", "docx"),
    // SM2 and SM3 of the independent bundle verifier (verifiers/python)
    ("gmssl==3.2.2", "gmssl.sm2"),
    // property-based tests of the console's JSON API from its OpenAPI document
    ("schemathesis>=4.32,<5", "schemathesis.cli"),
];

/// Debian packages the tests drive as real peers (logger, rsyslog with TLS, curl, openssl,
/// gzip; chromium and a Chinese font for the console's browser test and the assessment report's screenshot and A4 print), and Go with
/// `golang.org/x/mod` for the independent bundle verifier (verifiers/go).
const DEBIAN_PACKAGES: &[&str] = &[
    "bsdutils",
    "rsyslog",
    "rsyslog-gnutls",
    "curl",
    "openssl",
    "gzip",
    "golang-go",
    "golang-golang-x-mod-dev",
    "chromium",
    "fonts-noto-cjk",
];

/// The npm package the console's browser test drives chromium with (pinned major).
const NPM_PACKAGES: &[&str] = &["playwright-core@1"];

fn command_works(cmd: &str, arg: &str) -> bool {
    Command::new(cmd)
        .arg(arg)
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Install [`NPM_PACKAGES`] into `target/ci-tools/node` unless there already (node and npm
/// from Debian when missing). Returns its `node_modules`.
fn ensure_node_tools(root: &Path) -> Result<PathBuf> {
    if !command_works("node", "--version") || !command_works("npm", "--version") {
        eprintln!("==> Debian packages for the tests: nodejs npm");
        let ok = Command::new("sh")
            .arg("-c")
            .arg("apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q nodejs npm >/dev/null")
            .status()
            .is_ok_and(|s| s.success());
        if !ok || !command_works("node", "--version") {
            bail!(
                "the console's browser test needs node and npm and installing them failed; install them (apt-get install nodejs npm) and run again"
            );
        }
    }
    let dir = root.join("target/ci-tools/node");
    let modules = dir.join("node_modules");
    if modules.join("playwright-core/package.json").exists() {
        return Ok(modules);
    }
    eprintln!(
        "==> node tools ({}) into {}",
        NPM_PACKAGES.join(", "),
        dir.display()
    );
    std::fs::create_dir_all(&dir).with_context(|| format!("create {}", dir.display()))?;
    let pkg = dir.join("package.json");
    if !pkg.exists() {
        std::fs::write(&pkg, "{\"name\": \"wangan-ci-tools\", \"private\": true}\n")
            .with_context(|| format!("write {}", pkg.display()))?;
    }
    let status = Command::new("npm")
        .args(["install", "--no-audit", "--no-fund", "--silent"])
        .args(NPM_PACKAGES)
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
        .current_dir(&dir)
        .status()
        .context("running npm for the console's browser test")?;
    if !status.success() || !modules.join("playwright-core/package.json").exists() {
        bail!(
            "installing {} into {} failed (the browser test needs it; it uses Debian's chromium, never a downloaded browser)",
            NPM_PACKAGES.join(", "),
            dir.display()
        );
    }
    Ok(modules)
}

fn installed(pkg: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${Status}", pkg])
        .output()
        .is_ok_and(|o| o.status.success() && status_is_installed(&o.stdout))
}

/// Whether a dpkg `${Status}` (want, error flag, state) says installed. The state is the
/// last word: "install ok installed" is; "unknown ok not-installed", which a package
/// dpkg has heard of but never installed (an interrupted `apt-get install`) reports, is not.
fn status_is_installed(status: &[u8]) -> bool {
    status
        .split(u8::is_ascii_whitespace)
        .rfind(|w| !w.is_empty())
        == Some(b"installed".as_slice())
}

/// Install the missing Debian packages of the tests' peers (apt-get, as root), or fail naming
/// them.
fn ensure_debian_tools() -> Result<()> {
    let missing: Vec<&str> = DEBIAN_PACKAGES
        .iter()
        .copied()
        .filter(|p| !installed(p))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    eprintln!("==> Debian packages for the tests: {}", missing.join(" "));
    let ok = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q {} >/dev/null",
            missing.join(" ")
        ))
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        bail!(
            "the tests need the Debian packages {} and installing them failed; install them (apt-get install {}) and run again",
            missing.join(", "),
            missing.join(" ")
        );
    }
    Ok(())
}

/// Create `target/ci-tools/venv` with [`PY_PACKAGES`] unless they already import.
/// Returns the venv's python.
fn ensure_python_tools(root: &Path) -> Result<PathBuf> {
    let venv = root.join("target/ci-tools/venv");
    let python = venv.join("bin/python");
    let imports = |py: &Path| {
        PY_PACKAGES.iter().all(|(_, module)| {
            Command::new(py)
                .args(["-c", &format!("import {module}")])
                .output()
                .is_ok_and(|o| o.status.success())
        })
    };
    if python.exists() && imports(&python) {
        return Ok(python);
    }
    let names: Vec<&str> = PY_PACKAGES.iter().map(|(p, _)| *p).collect();
    eprintln!(
        "==> python tools ({}) into {}",
        names.join(", "),
        venv.display()
    );
    let host_python = std::env::var_os("PYTHON").unwrap_or_else(|| "python3".into());
    if !python.exists() {
        let status = Command::new(&host_python)
            .args(["-m", "venv"])
            .arg(&venv)
            .status()
            .context("python3 is needed for the OSCAL validator and client tests; install python3 with venv")?;
        if !status.success() {
            bail!("creating the virtualenv {} failed", venv.display());
        }
    }
    let status = Command::new(&python)
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
        ])
        .args(&names)
        .status()
        .context("running pip in the ci virtualenv")?;
    if !status.success() || !imports(&python) {
        bail!(
            "installing {} into {} failed",
            names.join(", "),
            venv.display()
        );
    }
    Ok(python)
}

#[cfg(test)]
mod tests {
    use super::status_is_installed;

    #[test]
    fn only_an_installed_state_counts_as_installed() {
        assert!(status_is_installed(b"install ok installed"));
        assert!(status_is_installed(b"hold ok installed\n"));
        // the states an interrupted or removed install leaves (the first one used to pass)
        assert!(!status_is_installed(b"unknown ok not-installed"));
        assert!(!status_is_installed(b"deinstall ok config-files"));
        assert!(!status_is_installed(b"install ok half-installed"));
        assert!(!status_is_installed(b""));
    }
}
