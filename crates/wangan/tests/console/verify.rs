//! A full verification watched in a real browser while it runs (`verify_progress.cjs`).

use super::{Srv, require_browser, run_browser_script, wangan};

#[test]
fn a_verification_shows_its_progress_in_a_real_browser() {
    require_browser();
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
    let out = run_browser_script(
        &s,
        "verify_progress.cjs",
        &[
            ("ADMIN_USER", "admin".as_ref()),
            ("ADMIN_PASSWORD", admin_password.as_ref()),
            ("RECORDS", RECORDS.to_string().as_ref()),
        ],
    );
    print!("{out}");
    s.stop();
}
