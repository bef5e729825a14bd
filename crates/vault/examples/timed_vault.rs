//! Write a vault whose records carry chosen receive times, for benchmarks
//! (`cargo xtask bench assess`): `timed_vault DIR RECORDS SOURCES FROM TO`
//! spreads RECORDS records round-robin over SOURCES sources named
//! `src-00`… between the RFC 3339 instants FROM and TO, leaving `src-07`
//! silent for three hours in the middle. Receive times are set through the
//! library, the only way to control them; the vault's clock stands at TO.
//! Prints the number of records written.

use std::sync::Arc;

use vault::clock::{FixedClock, parse_rfc3339, to_ns};
use vault::{Incoming, InitOptions, Vault};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let a: Vec<String> = std::env::args().collect();
    if a.len() != 6 {
        return Err("usage: timed_vault DIR RECORDS SOURCES FROM TO".into());
    }
    let dir = std::path::Path::new(&a[1]);
    let n: u64 = a[2].parse()?;
    let sources: u64 = a[3].parse()?;
    let from = parse_rfc3339(&a[4]).ok_or("FROM: RFC 3339")?;
    let to = parse_rfc3339(&a[5]).ok_or("TO: RFC 3339")?;
    let (f, t) = (to_ns(from), to_ns(to));
    let step = (t - f) / i64::try_from(n.max(1))?;
    let names: Vec<String> = (0..sources).map(|i| format!("src-{i:02}")).collect();
    let mid = f + (t - f) / 2;
    let hole = (mid, mid + 3 * 3_600_000_000_000);
    let mut v = Vault::init_with_clock(dir, &InitOptions::default(), Arc::new(FixedClock(to)))?;
    let mut written = 0u64;
    let mut line = String::new();
    for k in 0..n {
        let ts = f + step * i64::try_from(k)?;
        let s = (k % sources) as usize;
        if s == 7 && ts > hole.0 && ts < hole.1 {
            continue;
        }
        line.clear();
        use std::fmt::Write as _;
        let _ = write!(
            line,
            "<134>1 - {name} sshd {pid} - - Accepted publickey for user{u} from 10.{a}.{b}.{c} port {p} ssh2",
            name = names[s],
            pid = 1000 + k % 30_000,
            u = k % 977,
            a = k % 200,
            b = (k / 7) % 250,
            c = (k / 13) % 250,
            p = 1024 + k % 60_000,
        );
        v.append(&Incoming {
            received_ns: ts,
            source: &names[s],
            peer: "192.0.2.10:514",
            transport: "tcp",
            raw: line.as_bytes(),
        })?;
        written += 1;
        if written.is_multiple_of(1_000_000) {
            v.commit()?;
        }
    }
    v.commit()?;
    v.seal()?;
    v.checkpoint_now()?;
    v.close()?;
    println!("{written}");
    Ok(())
}
