//! `cargo xtask bench intake`: `wangan serve` against rsyslog in the same run.
//!
//! 1. Syslog TCP: the seeded corpus (RFC 5424 lines, LF framing) is sent over loopback by the
//!    same sender for both (`taskset -c 1 bash -c 'cat in > /dev/tcp/…'`); servers free to use
//!    both CPUs, or pinned to CPU 0 with `--pin-servers`. rsyslog runs `imptcp → omfile` (done when the output file has every byte, then
//!    `sync -f`); wangan is done when `/metrics` reports every record stored, which means
//!    fsynced and covered by a signed checkpoint. Records/s, server CPU seconds, peak RSS.
//! 2. HTTP bulk: `--clients` keep-alive connections each send Elasticsearch `_bulk` requests
//!    of `--bulk-docs` documents (corpus lines as `{"message": …}`); every response is a
//!    durable acknowledgement. Documents/s and p50/p99 acknowledgement latency.
//! 3. Memory attack, on a fresh server with the default ceiling (`max_memory_bytes`, 512 MiB):
//!    `--attack-clients` (60) connections at once each send one 16 MiB body — first `_bulk`
//!    bodies of corpus lines, then `/api/v1/logs` bodies of two-byte records — and the
//!    answers (200, 413, 429, other) and the server's peak RSS (`VmHWM`) are reported beside
//!    the normal load's; the server must still answer a normal request afterwards.
//!
//! Results go to stdout, `bench-work/intake/results.md` and the `intake` section of `BENCHMARKS.md`.

use std::fmt::Write as _;
use std::fs::{self, File};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::bench::{free_port, have, pinned, proc_cpu, root, vm_hwm};
use crate::corpus;

const USAGE: &str = "usage: cargo xtask bench intake [--lines N] [--seed S] [--clients N] [--bulk-docs N] [--bulk-requests N] [--attack-clients N] [--no-build] [--skip-peers] [--pin-servers]";

struct Opts {
    lines: u64,
    seed: u64,
    clients: usize,
    bulk_docs: usize,
    bulk_requests: usize,
    attack_clients: usize,
    build: bool,
    peers: bool,
}

fn parse_opts(args: &[String]) -> Result<Opts> {
    let mut o = Opts {
        lines: 1_000_000,
        seed: 1,
        clients: 4,
        bulk_docs: 1000,
        bulk_requests: 100,
        attack_clients: 60,
        build: true,
        peers: true,
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut val = || it.next().context("option needs a value");
        match a.as_str() {
            "--lines" => o.lines = corpus::parse_count(val()?)?,
            "--seed" => o.seed = val()?.parse()?,
            "--clients" => o.clients = val()?.parse()?,
            "--bulk-docs" => o.bulk_docs = val()?.parse()?,
            "--bulk-requests" => o.bulk_requests = val()?.parse()?,
            "--attack-clients" => o.attack_clients = val()?.parse()?,
            "--no-build" => o.build = false,
            "--skip-peers" => o.peers = false,
            "--pin-servers" => crate::bench::set_pin_servers(true),
            _ => bail!("{USAGE}"),
        }
    }
    Ok(o)
}

fn send_file(input: &Path, port: u16) -> Result<()> {
    let st = pinned(1, Path::new("bash"))
        .arg("-c")
        .arg(format!(
            "cat '{}' > /dev/tcp/127.0.0.1/{port}",
            input.display()
        ))
        .status()?;
    if !st.success() {
        bail!("sender failed");
    }
    Ok(())
}

#[derive(Default)]
struct Row {
    name: String,
    wall: f64,
    cpu: Option<f64>,
    records: u64,
    rss_kib: Option<u64>,
    note: String,
}

fn rsyslog(dir: &Path, input: &Path, s: &corpus::Summary) -> Result<Row> {
    if !have("rsyslogd") {
        bail!("rsyslogd is missing: apt-get install -y rsyslog");
    }
    let _ = fs::remove_dir_all(dir);
    fs::create_dir_all(dir.join("work"))?;
    let port = free_port()?;
    let out = dir.join("out.log");
    let conf = crate::bench::rsyslog_config(dir, port, &out)?;
    crate::bench::settle()?;
    let mut server: Child = crate::bench::server(Path::new("rsyslogd"))
        .arg("-n")
        .arg("-f")
        .arg(&conf)
        .arg("-i")
        .arg(dir.join("rsyslogd.pid"))
        .stdout(Stdio::null())
        .stderr(File::create(dir.join("rsyslogd.err"))?)
        .spawn()
        .context("start rsyslogd")?;
    let pid = server.id();
    let r = (|| -> Result<Row> {
        let t = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if t.elapsed() > Duration::from_secs(15) {
                bail!("rsyslogd did not listen");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        std::thread::sleep(Duration::from_millis(200));
        let cpu0 = proc_cpu(pid).context("rsyslogd gone")?;
        let t0 = Instant::now();
        send_file(input, port)?;
        let mut last = (0, Instant::now());
        let mut note = String::new();
        loop {
            let size = fs::metadata(&out).map_or(0, |m| m.len());
            if size >= s.bytes {
                break;
            }
            if size != last.0 {
                last = (size, Instant::now());
            } else if last.1.elapsed() > Duration::from_secs(30) {
                note = format!("stalled at {size} of {} bytes", s.bytes);
                break;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        Command::new("sync").arg("-f").arg(&out).status()?;
        Ok(Row {
            name: "rsyslog 8 imptcp → omfile".into(),
            wall: t0.elapsed().as_secs_f64(),
            cpu: proc_cpu(pid).map(|c| c - cpu0),
            records: s.lines,
            rss_kib: vm_hwm(pid),
            note,
        })
    })();
    let _ = Command::new("kill").arg(pid.to_string()).status();
    let _ = server.wait();
    r
}

struct Ours {
    child: Child,
    tcp: SocketAddr,
    http: SocketAddr,
    auth: String,
}

impl Drop for Ours {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}

fn start_ours(wangan: &Path, dir: &Path) -> Result<Ours> {
    let _ = fs::remove_dir_all(dir);
    let out = Command::new(wangan)
        .args(["token", "create", "--role", "admin", "--json", "--data-dir"])
        .arg(dir)
        .output()?;
    if !out.status.success() {
        bail!(
            "token create failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let token = text
        .split("\"token\": \"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .context("no token in output")?
        .to_owned();
    crate::bench::settle()?;
    let mut child = crate::bench::server(wangan)
        .args([
            "--json",
            "serve",
            "--syslog-udp",
            "off",
            "--syslog-tcp",
            "127.0.0.1:0",
        ])
        .args(["--http", "127.0.0.1:0", "--data-dir"])
        .arg(dir)
        .stdout(Stdio::piped())
        .stderr(File::create(dir.with_extension("stderr"))?)
        .spawn()
        .context("start wangan serve")?;
    let mut lines = BufReader::new(child.stdout.take().context("stdout")?).lines();
    let mut tcp = None;
    let mut http = None;
    for l in lines.by_ref() {
        let l = l?;
        if l.contains("wangan.serve.listening/1") {
            let field = |k: &str| {
                l.split(&format!("\"{k}\":\""))
                    .nth(1)
                    .and_then(|s| s.split('"').next())
                    .and_then(|s| s.parse::<SocketAddr>().ok())
            };
            tcp = field("syslog_tcp");
            http = field("http");
            break;
        }
    }
    std::thread::spawn(move || for _ in lines {});
    Ok(Ours {
        child,
        tcp: tcp.context("no tcp listener")?,
        http: http.context("no http listener")?,
        auth: format!("Bearer {token}"),
    })
}

/// One HTTP/1.1 request on a keep-alive connection; returns status and body.
fn request(
    s: &mut BufReader<TcpStream>,
    method: &str,
    path: &str,
    auth: &str,
    body: &[u8],
) -> Result<(u16, Vec<u8>)> {
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: bench\r\nAuthorization: {auth}\r\nContent-Type: application/x-ndjson\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    let w = s.get_mut();
    w.write_all(head.as_bytes())?;
    w.write_all(body)?;
    let mut line = String::new();
    s.read_line(&mut line)?;
    let status: u16 = line.split(' ').nth(1).context("no status")?.parse()?;
    let mut len = 0usize;
    loop {
        line.clear();
        s.read_line(&mut line)?;
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        if let Some(v) = l
            .to_ascii_lowercase()
            .strip_prefix("content-length:")
            .map(str::trim)
            .map(str::to_owned)
        {
            len = v.parse()?;
        }
    }
    let mut b = vec![0u8; len];
    s.read_exact(&mut b)?;
    Ok((status, b))
}

fn stored(o: &Ours) -> Result<u64> {
    let mut s = BufReader::new(TcpStream::connect(o.http)?);
    let (st, b) = request(&mut s, "GET", "/metrics", &o.auth, b"")?;
    if st != 200 {
        bail!("/metrics answered {st}");
    }
    let t = String::from_utf8_lossy(&b);
    let l = t
        .lines()
        .find(|l| l.starts_with("wangan_intake_stored_records_total "))
        .context("no stored counter")?;
    Ok(l.rsplit(' ').next().unwrap_or("0").parse()?)
}

fn ours_syslog(wangan: &Path, dir: &Path, input: &Path, s: &corpus::Summary) -> Result<Row> {
    let o = start_ours(wangan, dir)?;
    let pid = o.child.id();
    let cpu0 = proc_cpu(pid).context("wangan gone")?;
    let t0 = Instant::now();
    send_file(input, o.tcp.port())?;
    let mut last = (0, Instant::now());
    let mut note = String::new();
    loop {
        let n = stored(&o)?;
        if n >= s.lines {
            break;
        }
        if n != last.0 {
            last = (n, Instant::now());
        } else if last.1.elapsed() > Duration::from_secs(30) {
            note = format!("stalled at {n} of {} records", s.lines);
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Ok(Row {
        name: "wangan serve syslog TCP → vault (fsynced; signed within 1 s)".into(),
        wall: t0.elapsed().as_secs_f64(),
        cpu: proc_cpu(pid).map(|c| c - cpu0),
        records: stored(&o)?,
        rss_kib: vm_hwm(pid),
        note,
    })
}

struct BulkResult {
    docs: u64,
    wall: f64,
    p50: f64,
    p99: f64,
    cpu: Option<f64>,
    rss_kib: Option<u64>,
}

fn json_escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(o, "\\u{:04x}", c as u32);
            }
            c => o.push(c),
        }
    }
    o
}

fn ours_bulk(wangan: &Path, dir: &Path, input: &Path, o: &Opts) -> Result<BulkResult> {
    let server = start_ours(wangan, dir)?;
    let pid = server.child.id();
    // request bodies from the corpus
    let mut bodies = Vec::new();
    let mut cur = String::new();
    let mut n = 0;
    for l in BufReader::new(File::open(input)?).lines() {
        let l = l?;
        cur.push_str("{\"create\":{\"_index\":\"bench\"}}\n{\"message\":\"");
        cur.push_str(&json_escape(&l));
        cur.push_str("\"}\n");
        n += 1;
        if n == o.bulk_docs {
            bodies.push(std::mem::take(&mut cur).into_bytes());
            n = 0;
            if bodies.len() == o.clients * o.bulk_requests {
                break;
            }
        }
    }
    let bodies = std::sync::Arc::new(bodies);
    let cpu0 = proc_cpu(pid).context("wangan gone")?;
    let t0 = Instant::now();
    let mut threads = Vec::new();
    for c in 0..o.clients {
        let bodies = bodies.clone();
        let addr = server.http;
        let auth = server.auth.clone();
        let clients = o.clients;
        threads.push(std::thread::spawn(move || -> Result<Vec<f64>> {
            let mut s = BufReader::new(TcpStream::connect(addr)?);
            let mut lat = Vec::new();
            for body in bodies.iter().skip(c).step_by(clients) {
                let t = Instant::now();
                let (st, b) = request(&mut s, "POST", "/_bulk", &auth, body)?;
                if st != 200 || b.windows(15).any(|w| w == b"\"errors\":true,") {
                    bail!(
                        "bulk answered {st}: {}",
                        String::from_utf8_lossy(&b[..b.len().min(300)])
                    );
                }
                lat.push(t.elapsed().as_secs_f64());
            }
            Ok(lat)
        }));
    }
    let mut lat = Vec::new();
    for t in threads {
        lat.extend(t.join().map_err(|_| anyhow::anyhow!("client panicked"))??);
    }
    let wall = t0.elapsed().as_secs_f64();
    lat.sort_by(f64::total_cmp);
    let pct = |p: f64| lat[((lat.len() as f64 * p) as usize).min(lat.len() - 1)];
    Ok(BulkResult {
        docs: (lat.len() * o.bulk_docs) as u64,
        wall,
        p50: pct(0.50),
        p99: pct(0.99),
        cpu: proc_cpu(pid).map(|c| c - cpu0),
        rss_kib: vm_hwm(pid),
    })
}

/// Largest body the server takes by default (`max_body_bytes`).
const MAX_BODY: usize = 16 << 20;

/// One round of the memory attack.
struct AttackRound {
    name: &'static str,
    body_mib: f64,
    records: usize,
    statuses: std::collections::BTreeMap<String, usize>,
    wall: f64,
}

struct Attack {
    rounds: Vec<AttackRound>,
    idle_rss_kib: Option<u64>,
    peak_rss_kib: Option<u64>,
    after: u16,
}

/// `clients` connections at once, each sending `body` once to `path`.
fn attack_round(
    o: &Ours,
    name: &'static str,
    path: &'static str,
    body: std::sync::Arc<Vec<u8>>,
    records: usize,
    clients: usize,
) -> Result<AttackRound> {
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(clients));
    let t0 = Instant::now();
    let mut threads = Vec::new();
    for _ in 0..clients {
        let (body, barrier, addr, auth) = (body.clone(), barrier.clone(), o.http, o.auth.clone());
        threads.push(std::thread::spawn(move || -> String {
            let mut s = match TcpStream::connect(addr) {
                Ok(s) => BufReader::new(s),
                Err(e) => return format!("connect: {}", e.kind()),
            };
            let _ = s.get_ref().set_read_timeout(Some(Duration::from_secs(120)));
            barrier.wait();
            match request(&mut s, "POST", path, &auth, &body) {
                Ok((st, _)) => st.to_string(),
                Err(e) => format!("error: {e}"),
            }
        }));
    }
    let mut statuses = std::collections::BTreeMap::new();
    for t in threads {
        let st = t.join().map_err(|_| anyhow::anyhow!("client panicked"))?;
        *statuses.entry(st).or_insert(0) += 1;
    }
    Ok(AttackRound {
        name,
        body_mib: body.len() as f64 / (1 << 20) as f64,
        records,
        statuses,
        wall: t0.elapsed().as_secs_f64(),
    })
}

fn ours_attack(wangan: &Path, dir: &Path, input: &Path, o: &Opts) -> Result<Attack> {
    let server = start_ours(wangan, dir)?;
    let pid = server.child.id();
    std::thread::sleep(Duration::from_millis(300));
    let idle_rss_kib = crate::bench::vm_rss(pid);
    // a bulk body of corpus lines just under 16 MiB
    let mut bulk = Vec::with_capacity(MAX_BODY);
    let mut docs = 0;
    'fill: for l in BufReader::new(File::open(input)?).lines() {
        let line = format!(
            "{{\"create\":{{\"_index\":\"attack\"}}}}\n{{\"message\":\"{}\"}}\n",
            json_escape(&l?)
        );
        if bulk.len() + line.len() > MAX_BODY - 1024 {
            break 'fill;
        }
        bulk.extend_from_slice(line.as_bytes());
        docs += 1;
    }
    let tiny = b"1\n".repeat((MAX_BODY - 1024) / 2);
    let rounds = vec![
        attack_round(
            &server,
            "`_bulk`, corpus lines",
            "/_bulk",
            std::sync::Arc::new(bulk),
            docs,
            o.attack_clients,
        )?,
        attack_round(
            &server,
            "`/api/v1/logs`, two-byte records",
            "/api/v1/logs",
            std::sync::Arc::new(tiny),
            (MAX_BODY - 1024) / 2,
            o.attack_clients,
        )?,
    ];
    // still serving
    let mut s = BufReader::new(TcpStream::connect(server.http)?);
    let (after, _) = request(
        &mut s,
        "POST",
        "/api/v1/logs",
        &server.auth,
        b"{\"after\":\"attack\"}\n",
    )?;
    Ok(Attack {
        rounds,
        idle_rss_kib,
        peak_rss_kib: vm_hwm(pid),
        after,
    })
}

/// `cargo xtask bench intake …`.
pub fn run(args: &[String]) -> Result<()> {
    let o = parse_opts(args)?;
    let root = root();
    let wangan = crate::bench::release_binary(&root);
    if o.build {
        let st = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
            .args(["build", "--release", "-p", "wangan"])
            .current_dir(&root)
            .status()?;
        if !st.success() {
            bail!("cargo build --release -p wangan failed");
        }
    }
    let work = root.join("bench-work/intake");
    fs::create_dir_all(&work)?;
    let input = work.join(format!("corpus-{}-{}.log", o.lines, o.seed));
    let summary = corpus::generate(&input, o.lines, o.seed, corpus::DEFAULT_START)?;
    // warm the page cache
    std::io::copy(&mut File::open(&input)?, &mut std::io::sink())?;
    let mut rows = Vec::new();
    if o.peers {
        rows.push(rsyslog(&work.join("rsyslog"), &input, &summary)?);
    }
    rows.push(ours_syslog(
        &wangan,
        &work.join("ours-tcp"),
        &input,
        &summary,
    )?);
    let bulk = ours_bulk(&wangan, &work.join("ours-bulk"), &input, &o)?;
    let attack = ours_attack(&wangan, &work.join("ours-attack"), &input, &o)?;
    let mut md = String::new();
    let _ = writeln!(md, "## Intake: `wangan serve` vs rsyslog\n");
    let _ = writeln!(
        md,
        "Written by `cargo xtask bench intake` (xtask/src/bench_intake.rs); every figure comes from one run.\n\
         Syslog TCP: the seeded corpus (`cargo xtask gen-corpus`, LF framing) sent over loopback by one sender pinned to\n\
         CPU 1 to each server ({}): rsyslog `imptcp → omfile` (done when the file has every byte, then `sync -f`),\n\
         wangan done when `/metrics` reports every record stored (fsynced in the vault's WAL). HTTP: keep-alive clients\n\
         sending Elasticsearch `_bulk` requests; each response is a durable acknowledgement. `sync` before each server starts.\n",
        crate::bench::server_placement()
    );
    let _ = writeln!(
        md,
        "Reproduce: `cargo xtask bench intake --lines {} --seed {}{}`. Corpus: {} lines, {} bytes. Machine: {} CPUs ({}), load {}; commit {}.\n",
        o.lines,
        o.seed,
        if crate::bench::servers_pinned() {
            " --pin-servers"
        } else {
            ""
        },
        summary.lines,
        summary.bytes,
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        crate::bench::cpu_model(),
        crate::bench::loadavg(),
        crate::bench::first_line("git", &["rev-parse", "--short", "HEAD"]),
    );
    let _ = writeln!(
        md,
        "| system | wall s | records/s | server CPU s | records per CPU-s | peak RSS MiB | note |"
    );
    let _ = writeln!(md, "|---|---|---|---|---|---|---|");
    for r in &rows {
        let _ = writeln!(
            md,
            "| {} | {:.2} | {:.0} | {} | {} | {} | {} |",
            r.name,
            r.wall,
            r.records as f64 / r.wall,
            r.cpu.map_or("–".into(), |c| format!("{c:.2}")),
            r.cpu
                .map_or("–".into(), |c| format!("{:.0}", r.records as f64 / c)),
            r.rss_kib
                .map_or("–".into(), |k| format!("{:.1}", k as f64 / 1024.0)),
            r.note
        );
    }
    if rows.len() == 2 {
        let ratio =
            (rows[1].records as f64 / rows[1].wall) / (rows[0].records as f64 / rows[0].wall);
        let _ = writeln!(
            md,
            "\nwangan / rsyslog records/s: **{ratio:.2}×** (goal ≥ 1.5×)"
        );
    }
    let _ = writeln!(
        md,
        "\nHTTP `_bulk`: {} clients × {} requests × {} docs: {:.0} docs/s, durable-ack latency p50 {:.1} ms, p99 {:.1} ms, server CPU {}, peak RSS {} MiB",
        o.clients,
        o.bulk_requests,
        o.bulk_docs,
        bulk.docs as f64 / bulk.wall,
        bulk.p50 * 1e3,
        bulk.p99 * 1e3,
        bulk.cpu.map_or("–".into(), |c| format!("{c:.2} s")),
        bulk.rss_kib
            .map_or("–".into(), |k| format!("{:.1}", k as f64 / 1024.0)),
    );
    let mib = |k: Option<u64>| k.map_or("–".into(), |k| format!("{:.1}", k as f64 / 1024.0));
    let _ = writeln!(
        md,
        "\nMemory attack (fresh server, default `max_memory_bytes` = 512 MiB): {} connections at once, each sending one body; idle RSS {} MiB.\n",
        o.attack_clients,
        mib(attack.idle_rss_kib),
    );
    let _ = writeln!(
        md,
        "| round | body MiB | records per body | answers | wall s |"
    );
    let _ = writeln!(md, "|---|---|---|---|---|");
    for r in &attack.rounds {
        let answers: Vec<String> = r
            .statuses
            .iter()
            .map(|(k, v)| format!("{v} × {k}"))
            .collect();
        let _ = writeln!(
            md,
            "| {} | {:.1} | {} | {} | {:.2} |",
            r.name,
            r.body_mib,
            r.records,
            answers.join(", "),
            r.wall
        );
    }
    let _ = writeln!(
        md,
        "\nPeak RSS under the attack: **{} MiB** (ceiling 512 MiB); normal load above: syslog TCP {} MiB, HTTP `_bulk` {} MiB. A normal request right after the attack: {}.",
        mib(attack.peak_rss_kib),
        rows.last().map_or("–".into(), |r| mib(r.rss_kib)),
        mib(bulk.rss_kib),
        attack.after,
    );
    print!("{md}");
    fs::write(work.join("results.md"), &md)?;
    crate::bench::write_section(&root, "intake", &md)?;
    Ok(())
}
