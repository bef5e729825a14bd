//! Seeded generator of realistic network logs for `cargo xtask bench vault`.
//!
//! NAT session logs (source IP and port with their NAT mapping), firewall allow/deny, AAA
//! login/logout with user ids and success/failure, DHCP and sshd, from 60 hosts, one line every
//! 8.64 ms (10 M lines a day), ≈180 bytes a line. Mostly RFC 5424 with structured data; sshd and
//! some DHCP lines are RFC 3164 as those daemons send them. A few AAA failures are in Chinese.
//!
//! One user id, [`KEYWORD`], is planted in every [`KEYWORD_EVERY`]th line (an AAA line), 58
//! times in 1 M lines, spread over the whole time range, so that a 1-hour + keyword query has a
//! known, small answer. Random ids never equal it.
//!
//! The same `(lines, seed, start)` always gives the same bytes.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use anyhow::{Context, Result, bail};

/// The rare user id the query benchmark looks for.
pub const KEYWORD: &str = "u2700377445";
/// The keyword is in line `i` when `i % KEYWORD_EVERY == KEYWORD_PHASE`.
pub const KEYWORD_EVERY: u64 = 17_242;
const KEYWORD_PHASE: u64 = 8;
/// Default first timestamp: 2026-11-01T00:00:00Z, as seconds since the epoch.
pub const DEFAULT_START: i64 = 1_793_491_200;
/// Microseconds between two lines (8.64 ms: 10 M lines a day).
pub const STEP_US: i64 = 8_640;

/// SplitMix64: small, fast, good enough for test data, and the same everywhere.
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x5851_f42d_4c95_7f2d)
    }
    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next()) * u128::from(n)) >> 64) as u64
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len() as u64) as usize]
    }
}

/// What a generated corpus contains.
#[derive(Debug, Clone, Copy)]
pub struct Summary {
    /// Lines written.
    pub lines: u64,
    /// Bytes written (with the line feeds).
    pub bytes: u64,
    /// Lines holding [`KEYWORD`].
    pub keyword_lines: u64,
    /// Of those, lines in the query hour ([`query_hour`]).
    pub keyword_lines_in_hour: u64,
    /// First timestamp, seconds since the epoch.
    pub start: i64,
}

/// The query window: the second hour of the corpus (01:00–02:00 of its first day), as
/// `[from, to)` seconds since the epoch.
pub fn query_hour(start: i64) -> (i64, i64) {
    (start + 3600, start + 7200)
}

/// Days since 1970-01-01 to (year, month, day) (proleptic Gregorian).
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// `YYYY-MM-DD` to seconds since the epoch at midnight UTC.
pub fn parse_date(s: &str) -> Result<i64> {
    let p: Vec<&str> = s.split('-').collect();
    let [y, m, d] = p.as_slice() else {
        bail!("date must be YYYY-MM-DD: {s:?}")
    };
    let (y, m, d): (i64, i64, i64) = (y.parse()?, m.parse()?, d.parse()?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        bail!("date out of range: {s:?}");
    }
    let y2 = if m <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Ok((era * 146_097 + doe - 719_468) * 86_400)
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// RFC 3339 with milliseconds, UTC, for a time in microseconds.
pub fn rfc3339_us(us: i64) -> String {
    let s = us.div_euclid(1_000_000);
    let ms = us.rem_euclid(1_000_000) / 1000;
    let (y, mo, d) = civil(s.div_euclid(86_400));
    let t = s.rem_euclid(86_400);
    format!(
        "{y:04}-{mo:02}-{d:02}T{:02}:{:02}:{:02}.{ms:03}Z",
        t / 3600,
        t / 60 % 60,
        t % 60
    )
}

fn bsd(us: i64) -> String {
    let s = us.div_euclid(1_000_000);
    let (_, mo, d) = civil(s.div_euclid(86_400));
    let t = s.rem_euclid(86_400);
    format!(
        "{} {d:>2} {:02}:{:02}:{:02}",
        MONTHS[mo as usize - 1],
        t / 3600,
        t / 60 % 60,
        t % 60
    )
}

struct Hosts {
    nat: Vec<String>,
    fw: Vec<String>,
    aaa: Vec<String>,
    dhcp: Vec<String>,
    srv: Vec<String>,
}

impl Hosts {
    fn new() -> Hosts {
        let n = |p: &str, k: usize| (1..=k).map(|i| format!("{p}-{i:02}")).collect::<Vec<_>>();
        // 8 + 14 + 4 + 4 + 30 = 60 hosts
        Hosts {
            nat: n("nat-gw", 8),
            fw: n("fw-edge", 14),
            aaa: n("aaa", 4),
            dhcp: n("dhcp", 4),
            srv: n("srv", 30),
        }
    }
}

fn pick<'a>(r: &mut Rng, v: &'a [String]) -> &'a str {
    &v[r.below(v.len() as u64) as usize]
}

fn private_ip(r: &mut Rng) -> String {
    format!("10.{}.{}.{}", r.below(64), r.below(256), 1 + r.below(254))
}

fn public_ip(r: &mut Rng) -> String {
    format!(
        "{}.{}.{}.{}",
        1 + r.below(223),
        r.below(256),
        r.below(256),
        1 + r.below(254)
    )
}

fn port(r: &mut Rng) -> u64 {
    1024 + r.below(64_512)
}

fn user(r: &mut Rng) -> String {
    loop {
        let u = format!("u{:010}", r.below(10_000_000_000));
        if u != KEYWORD {
            return u;
        }
    }
}

const SERVICES: [u64; 10] = [443, 80, 53, 123, 22, 25, 993, 8080, 3389, 445];

/// Write line `i` (without the line feed) into `out`.
fn line(i: u64, start: i64, hosts: &Hosts, r: &mut Rng, out: &mut String) {
    use std::fmt::Write as _;
    let us = start * 1_000_000 + i as i64 * STEP_US;
    let ts = rfc3339_us(us);
    let pid = 100 + r.below(60_000);
    let keyword = i % KEYWORD_EVERY == KEYWORD_PHASE;
    let kind = match r.below(100) {
        _ if keyword => 2,
        0..=39 => 0,
        40..=64 => 1,
        65..=76 => 2,
        77..=84 => 3,
        _ => 4,
    };
    let _ = match kind {
        0 => {
            let proto = if r.below(4) == 0 { "udp" } else { "tcp" };
            let event = if r.below(3) == 0 { "closed" } else { "created" };
            write!(
                out,
                "<134>1 {ts} {} natd {pid} NAT [nat@32473 proto=\"{proto}\" src=\"{}\" sport=\"{}\" xsrc=\"203.0.113.{}\" xsport=\"{}\" dst=\"{}\" dport=\"{}\"] session {event}",
                pick(r, &hosts.nat),
                private_ip(r),
                port(r),
                1 + r.below(254),
                port(r),
                public_ip(r),
                SERVICES[r.below(SERVICES.len() as u64) as usize],
            )
        }
        1 => {
            let deny = r.below(3) == 0;
            let (pri, act) = if deny { (164, "deny") } else { (166, "allow") };
            let proto = r.pick(&["tcp", "udp", "icmp"]);
            write!(
                out,
                "<{pri}>1 {ts} {} filterlog - FW [fw@32473 act=\"{act}\" rule=\"{}\" if=\"ge-0/0/{}\" proto=\"{proto}\" src=\"{}\" sport=\"{}\" dst=\"{}\" dport=\"{}\"] {act} {proto}",
                pick(r, &hosts.fw),
                1000 + r.below(200),
                r.below(8),
                public_ip(r),
                port(r),
                private_ip(r),
                SERVICES[r.below(SERVICES.len() as u64) as usize],
            )
        }
        2 => {
            let u = if keyword { KEYWORD.to_owned() } else { user(r) };
            let host = pick(r, &hosts.aaa);
            let nas = private_ip(r);
            match r.below(10) {
                0..=5 => {
                    let ok = r.below(4) != 0;
                    let (pri, result) = if ok { (86, "success") } else { (85, "failure") };
                    let text = if !ok && r.below(100) == 0 {
                        format!("用户登录失败 用户 {u} 来自 {nas}")
                    } else if ok {
                        format!("login ok for user {u} from {nas}")
                    } else {
                        format!("login failed for user {u} from {nas}")
                    };
                    write!(
                        out,
                        "<{pri}>1 {ts} {host} radiusd {pid} AUTH [aaa@32473 user=\"{u}\" result=\"{result}\" nas=\"{nas}\" method=\"{}\"] {text}",
                        r.pick(&["pap", "chap", "eap"])
                    )
                }
                _ => write!(
                    out,
                    "<86>1 {ts} {host} radiusd {pid} ACCT [aaa@32473 user=\"{u}\" event=\"logout\" session=\"{:08x}\" secs=\"{}\"] logout user {u}",
                    r.next() as u32,
                    r.below(36_000),
                ),
            }
        }
        3 => {
            let mac = r.next();
            let mac = format!(
                "{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
                mac & 0xff,
                mac >> 8 & 0xff,
                mac >> 16 & 0xff,
                mac >> 24 & 0xff,
                mac >> 32 & 0xff,
                mac >> 40 & 0xff
            );
            let host = pick(r, &hosts.dhcp);
            let ip = private_ip(r);
            let vlan = 100 + r.below(50);
            if r.below(10) < 3 {
                write!(
                    out,
                    "<30>{} {host} dhcpd[{pid}]: DHCPACK on {ip} to {mac} (android-{:08x}) via vlan{vlan} lease 86400",
                    bsd(us),
                    r.next() as u32
                )
            } else {
                write!(
                    out,
                    "<30>1 {ts} {host} dhcpd {pid} DHCPACK [dhcp@32473 ip=\"{ip}\" mac=\"{mac}\" vlan=\"{vlan}\" lease=\"86400\"] DHCPACK on {ip} to {mac}"
                )
            }
        }
        _ => {
            let host = pick(r, &hosts.srv);
            let ip = private_ip(r);
            let p = port(r);
            let head = format!("{} {host} sshd[{pid}]:", bsd(us));
            match r.below(10) {
                0..=4 => write!(
                    out,
                    "<86>{head} Accepted publickey for {} from {ip} port {p} ssh2: ED25519 SHA256:{:016x}{:016x}",
                    r.pick(&["deploy", "root", "backup", "ops", "git"]),
                    r.next(),
                    r.next()
                ),
                5..=7 => write!(
                    out,
                    "<85>{head} Failed password for invalid user {} from {} port {p} ssh2 [preauth]",
                    r.pick(&["admin", "test", "oracle", "ubuntu", "pi", "guest"]),
                    public_ip(r)
                ),
                _ => write!(
                    out,
                    "<86>{head} pam_unix(sshd:session): session closed for user {}",
                    r.pick(&["deploy", "root", "backup", "ops", "git"])
                ),
            }
        }
    };
}

/// Write `lines` lines from `seed`, starting at `start` (seconds since the epoch), to `out`.
pub fn generate(out: &Path, lines: u64, seed: u64, start: i64) -> Result<Summary> {
    let f = File::create(out).with_context(|| format!("create {}", out.display()))?;
    let mut w = BufWriter::with_capacity(1 << 20, f);
    let hosts = Hosts::new();
    let mut r = Rng::new(seed);
    let (from, to) = query_hour(start);
    let mut buf = String::with_capacity(512);
    let mut sum = Summary {
        lines,
        bytes: 0,
        keyword_lines: 0,
        keyword_lines_in_hour: 0,
        start,
    };
    for i in 0..lines {
        buf.clear();
        line(i, start, &hosts, &mut r, &mut buf);
        buf.push('\n');
        w.write_all(buf.as_bytes())?;
        sum.bytes += buf.len() as u64;
        if i % KEYWORD_EVERY == KEYWORD_PHASE {
            sum.keyword_lines += 1;
            let us = start * 1_000_000 + i as i64 * STEP_US;
            if us >= from * 1_000_000 && us < to * 1_000_000 {
                sum.keyword_lines_in_hour += 1;
            }
        }
    }
    w.flush()?;
    Ok(sum)
}

/// `cargo xtask gen-corpus --lines N --seed S --out FILE [--start YYYY-MM-DD]`.
pub fn cli(args: &[String]) -> Result<()> {
    let mut lines = 1_000_000u64;
    let mut seed = 1u64;
    let mut out = None;
    let mut start = DEFAULT_START;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut val = || it.next().with_context(|| format!("{a} needs a value"));
        match a.as_str() {
            "--lines" => lines = parse_count(val()?)?,
            "--seed" => seed = val()?.parse()?,
            "--out" => out = Some(val()?.clone()),
            "--start" => start = parse_date(val()?)?,
            _ => bail!(
                "usage: cargo xtask gen-corpus --lines N --seed S --out FILE [--start YYYY-MM-DD]"
            ),
        }
    }
    let out = out.context("--out FILE is required")?;
    let s = generate(Path::new(&out), lines, seed, start)?;
    println!(
        "{out}: {} lines, {} bytes ({:.1} B/line), {} from {}; keyword {KEYWORD}: {} lines, {} in {}..{}",
        s.lines,
        s.bytes,
        s.bytes as f64 / s.lines.max(1) as f64,
        if s.lines > 0 { "first" } else { "none" },
        rfc3339_us(start * 1_000_000),
        s.keyword_lines,
        s.keyword_lines_in_hour,
        rfc3339_us(query_hour(start).0 * 1_000_000),
        rfc3339_us(query_hour(start).1 * 1_000_000),
    );
    Ok(())
}

/// `1000000`, `1M`, `10m`, `500k`.
pub fn parse_count(s: &str) -> Result<u64> {
    let (num, mul) = match s.as_bytes().last() {
        Some(b'k' | b'K') => (&s[..s.len() - 1], 1_000),
        Some(b'm' | b'M') => (&s[..s.len() - 1], 1_000_000),
        _ => (s, 1),
    };
    Ok(num
        .parse::<u64>()
        .with_context(|| format!("not a count: {s:?}"))?
        * mul)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip() {
        assert_eq!(parse_date("2026-11-01").unwrap(), DEFAULT_START);
        assert_eq!(
            rfc3339_us(DEFAULT_START * 1_000_000 + 3_723_456_789),
            "2026-11-01T01:02:03.456Z"
        );
        assert_eq!(bsd(DEFAULT_START * 1_000_000), "Nov  1 00:00:00");
        assert_eq!(parse_date("2024-02-29").unwrap() / 86_400, 19_782);
    }

    #[test]
    fn same_seed_same_bytes_and_keyword_count() {
        let dir = std::env::temp_dir().join(format!("xtask-corpus-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (a, b) = (dir.join("a"), dir.join("b"));
        let sa = generate(&a, 40_000, 7, DEFAULT_START).unwrap();
        generate(&b, 40_000, 7, DEFAULT_START).unwrap();
        let text = std::fs::read_to_string(&a).unwrap();
        assert_eq!(text, std::fs::read_to_string(&b).unwrap());
        assert_eq!(text.matches(KEYWORD).count() as u64, sa.keyword_lines * 2);
        assert_eq!(sa.keyword_lines, 3);
        std::fs::remove_dir_all(&dir).ok();
    }
}
