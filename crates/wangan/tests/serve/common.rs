//! Harness: start `wangan serve` on ephemeral ports, stop it, count what the vault holds.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub fn wangan() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_wangan"));
    c.env_remove("WANGAN_DATA_DIR")
        .env_remove("WANGAN_CONFIG")
        .env("LANG", "C")
        .env("NO_COLOR", "1");
    c
}

/// Fail (never skip) when a tool is missing, naming the package that provides it.
pub fn require_tool(tool: &str, package: &str) {
    let ok = Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .stdout(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    assert!(
        ok,
        "`{tool}` is missing: install the Debian package `{package}` (apt-get install -y {package})"
    );
}

pub struct Server {
    pub child: Option<Child>,
    pub dir: PathBuf,
    pub udp: Option<SocketAddr>,
    pub tcp: Option<SocketAddr>,
    pub tls: Option<SocketAddr>,
    pub http: Option<SocketAddr>,
    /// The first-run ingest token (None when the data dir already had one).
    pub token: Option<String>,
    pub stderr: PathBuf,
}

pub struct Opts<'a> {
    pub config: Option<&'a Path>,
    pub args: Vec<String>,
    /// Arguments of the shell's `ulimit` run before the server (e.g. `-n 256`).
    pub ulimit: Option<&'a str>,
    /// Extra environment variables of the server.
    pub env: Vec<(&'a str, &'a str)>,
}

impl Default for Opts<'_> {
    fn default() -> Self {
        Opts {
            config: None,
            args: vec![
                "--syslog-udp".into(),
                "127.0.0.1:0".into(),
                "--syslog-tcp".into(),
                "127.0.0.1:0".into(),
                "--http".into(),
                "127.0.0.1:0".into(),
            ],
            ulimit: None,
            env: Vec::new(),
        }
    }
}

impl Server {
    pub fn start(dir: &Path) -> Server {
        Server::start_with(dir, Opts::default())
    }

    pub fn start_with(dir: &Path, o: Opts<'_>) -> Server {
        let stderr = dir.with_extension(format!("stderr-{}", std::process::id()));
        let errf = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&stderr)
            .unwrap();
        let mut cmd = match o.ulimit {
            None => wangan(),
            Some(u) => {
                // the shell sets the limit, then becomes the server (same pid)
                let mut c = Command::new("sh");
                c.arg("-c")
                    .arg(format!("ulimit {u} && exec \"$0\" \"$@\""))
                    .arg(env!("CARGO_BIN_EXE_wangan"))
                    .env_remove("WANGAN_DATA_DIR")
                    .env_remove("WANGAN_CONFIG")
                    .env("LANG", "C")
                    .env("NO_COLOR", "1");
                c
            }
        };
        cmd.envs(o.env.iter().copied());
        cmd.args(["--json", "--log-level", "info", "serve", "--data-dir"])
            .arg(dir);
        if let Some(c) = o.config {
            cmd.arg("--config").arg(c);
        }
        cmd.args(&o.args);
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(errf)
            .stdin(Stdio::null())
            .spawn()
            .expect("start wangan serve");
        let out = child.stdout.take().unwrap();
        let mut lines = BufReader::new(out).lines();
        let mut token = None;
        let mut s = Server {
            child: Some(child),
            dir: dir.to_path_buf(),
            udp: None,
            tcp: None,
            tls: None,
            http: None,
            token: None,
            stderr: stderr.clone(),
        };
        loop {
            let Some(Ok(line)) = lines.next() else {
                let log = std::fs::read_to_string(&stderr).unwrap_or_default();
                panic!("wangan serve ended before listening; stderr:\n{log}");
            };
            let v: serde_json::Value = serde_json::from_str(&line).expect("json line");
            match v["schema"].as_str() {
                Some("wangan.serve.first-run/1") => {
                    token = v["token"].as_str().map(str::to_owned);
                }
                Some("wangan.serve.listening/1") => {
                    let a = |k: &str| v[k].as_str().map(|s| s.parse().unwrap());
                    s.udp = a("syslog_udp");
                    s.tcp = a("syslog_tcp");
                    s.tls = a("syslog_tls");
                    s.http = a("http");
                    break;
                }
                // the console's first administrator (its own tests log in with it)
                Some("wangan.serve.first-admin/1") => {}
                other => panic!("unexpected line {other:?}"),
            }
        }
        // keep draining stdout so the server never blocks on a full pipe
        std::thread::spawn(move || for _ in lines {});
        s.token = token;
        s
    }

    /// SIGTERM and wait; the server must exit 0.
    pub fn stop(mut self) {
        let mut c = self.child.take().unwrap();
        let st = Command::new("kill")
            .args(["-TERM", &c.id().to_string()])
            .status()
            .unwrap();
        assert!(st.success());
        let status = c.wait().unwrap();
        let log = std::fs::read_to_string(&self.stderr).unwrap_or_default();
        assert!(
            status.success(),
            "serve exited with {status}; stderr:\n{log}"
        );
    }

    /// SIGTERM and wait; the exit status and what the server wrote to stderr.
    pub fn stop_status(mut self) -> (std::process::ExitStatus, String) {
        let mut c = self.child.take().unwrap();
        let st = Command::new("kill")
            .args(["-TERM", &c.id().to_string()])
            .status()
            .unwrap();
        assert!(st.success());
        let status = c.wait().unwrap();
        (
            status,
            std::fs::read_to_string(&self.stderr).unwrap_or_default(),
        )
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.as_ref().unwrap().id()
    }

    /// A line of `/proc/<pid>/status` (e.g. `VmHWM`), its first number.
    pub fn proc_status(&self, key: &str) -> u64 {
        let t = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap();
        t.lines()
            .find(|l| l.starts_with(&format!("{key}:")))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("no {key} in /proc status"))
    }

    /// SIGKILL and wait.
    pub fn kill9(mut self) {
        let mut c = self.child.take().unwrap();
        let _ = c.kill();
        let _ = c.wait();
    }

    pub fn stderr_text(&self) -> String {
        std::fs::read_to_string(&self.stderr).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// Raw records stored with this source.
pub fn records(dir: &Path, source: &str) -> Vec<vault::Record> {
    let store = vault::Store::open(dir).expect("open store");
    store
        .records(0..store.size())
        .map(|r| r.expect("read record").record)
        .filter(|r| r.source == source)
        .collect()
}

/// Wait until `n` records of `source` are stored (syslog has no acknowledgement); returns
/// them. Fails with what was found after a generous deadline.
pub fn wait_records(dir: &Path, source: &str, n: usize) -> Vec<vault::Record> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let r = records(dir, source);
        if r.len() >= n || Instant::now() > deadline {
            assert_eq!(r.len(), n, "records of source {source}");
            return r;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// `wangan vault verify` must pass.
pub fn verify(dir: &Path) {
    let out = wangan()
        .args(["vault", "verify", "--data-dir"])
        .arg(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "verify failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Minimal HTTP/1.1 client (one request per connection): (status, headers, body).
pub fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    auth: Option<&str>,
    body: &[u8],
) -> std::io::Result<(u16, String, Vec<u8>)> {
    let mut s = TcpStream::connect(addr)?;
    s.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: {}\r\nContent-Type: application/x-ndjson\r\nConnection: close\r\n",
        body.len()
    );
    if let Some(a) = auth {
        req.push_str(&format!("Authorization: {a}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes())?;
    s.write_all(body)?;
    let mut resp = Vec::new();
    s.read_to_end(&mut resp)?;
    let end = resp
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| std::io::Error::other("no header end"))?;
    let head = String::from_utf8_lossy(&resp[..end]).into_owned();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other("no status"))?;
    Ok((status, head, resp[end + 4..].to_vec()))
}

pub fn python() -> String {
    std::env::var("WANGAN_PYTHON").unwrap_or_else(|_| "python3".into())
}

/// Run a Python script; fails naming the PyPI package when an import is missing.
pub fn run_python(script: &str, args: &[&str], module: Option<(&str, &str)>) -> String {
    let py = python();
    if let Some((m, pkg)) = module {
        let ok = Command::new(&py)
            .args(["-c", &format!("import {m}")])
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        assert!(
            ok,
            "Python module `{m}` is missing for {py}: install the PyPI package `{pkg}` (pip install {pkg}) or set WANGAN_PYTHON"
        );
    }
    let out = Command::new(&py)
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("run {py}: {e}"));
    assert!(
        out.status.success(),
        "python failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A free TCP/UDP port on loopback (for peers that must be told a port in advance).
pub fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let p = l.local_addr().unwrap().port();
    drop(l);
    p
}
