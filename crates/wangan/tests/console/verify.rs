//! A full verification watched in a real browser while it runs (`verify_progress.cjs`).

use std::path::{Path, PathBuf};
use std::process::Command;

use super::{Srv, node_modules, require_browser, wangan};

#[test]
fn a_verification_shows_its_progress_in_a_real_browser() {
    require_browser();
    let modules = node_modules();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    let s = Srv::start(&dir, None);
    let admin_password = s.admin_password.clone();
    s.stop();
    // a vault large enough for a run to take a while (the run reports its progress every
    // 65 536 records), written by `wangan vault ingest` while the server is down
    const RECORDS: usize = 400_000;
    let input = tmp.path().join("in.log");
    let mut text = String::with_capacity(RECORDS * 64);
    for i in 0..RECORDS {
        use std::fmt::Write as _;
        writeln!(
            text,
            "sshd[{}]: Accepted publickey for user{} from 10.0.{}.{} port {}",
            1000 + i % 5000,
            i % 97,
            i / 256 % 256,
            i % 256,
            1024 + i % 60000
        )
        .unwrap();
    }
    std::fs::write(&input, text).unwrap();
    let o = wangan()
        .args(["vault", "ingest", "--data-dir"])
        .arg(&dir)
        .args(["--source", "bulk"])
        .arg(&input)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "vault ingest: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let s = Srv::start(&dir, None);
    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("console-screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let o = Command::new("node")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/console/verify_progress.cjs"))
        .env("NODE_PATH", &modules)
        .env("BASE_URL", s.base())
        .env("SHOTS", &shots)
        .env("ADMIN_USER", "admin")
        .env("ADMIN_PASSWORD", &admin_password)
        .env("RECORDS", RECORDS.to_string())
        .output()
        .expect("node is needed: apt-get install -y nodejs npm");
    assert!(
        o.status.success(),
        "browser test failed:\n{}\n{}\nserver log:\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr),
        s.log()
    );
    print!("{}", String::from_utf8_lossy(&o.stdout));
    s.stop();
}
