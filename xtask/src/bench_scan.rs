//! `cargo xtask bench scan`: `wangan scan` against Presidio and ripgrep on the same corpora, in
//! one run.
//!
//! Corpora (seeded, generated here with ground truth): a *dense* one (Chinese and English
//! prose and log lines, about one personal identifier per 60–70 bytes) and a *sparse* one (log
//! lines with one identifier per ~8 KiB). Both hold decoys: timestamps, 22-digit order
//! numbers, ports, masked values.
//!
//! Measured, each as the fastest of 5 warm runs, the commands taken in turn:
//! - ours on one core (`taskset -c 0`) and on both, throughput in MiB/s (`--format json`,
//!   which prints per-asset summaries only, so output cost does not dominate); on one core also
//!   with names and addresses off (`--no-names`), so what they cost is read from the same run;
//! - ripgrep (`rg --count-matches`, one thread, pinned) with the same patterns as Presidio;
//! - Presidio (`presidio-analyzer` from PyPI, `NoOpNlpEngine`, its predefined regex
//!   (`PatternRecognizer`) recognisers plus Chinese ID, mobile and USCC patterns), on a slice of each corpus because it is
//!   slow; its MiB/s is computed on that slice.
//!
//! Accuracy: ours with `--format jsonl` on the dense corpus, compared span by span with the
//! generator's ground truth, per type (precision and recall); and the same on the scanner's own
//! labelled corpus (`crates/scan/tests/corpus/gen.rs`), which also holds names and addresses.
//!
//! Writes the `scan` section of `BENCHMARKS.md`.

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;
use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{Context, Result, bail};

use crate::scan_corpus::corpus_gen;

use crate::bench::{first_line, loadavg, pinned, release_binary, root, write_section};

const USAGE: &str = "usage: cargo xtask bench scan [--dense-mib N] [--sparse-mib N] [--presidio-mib N] [--seed S] [--no-build]";

struct Opts {
    dense_mib: usize,
    sparse_mib: usize,
    presidio_mib: usize,
    seed: u64,
    build: bool,
}

fn parse_opts(args: &[String]) -> Result<Opts> {
    let mut o = Opts {
        dense_mib: 64,
        sparse_mib: 256,
        presidio_mib: 2,
        seed: 1,
        build: true,
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut num = |name: &str| -> Result<usize> {
            it.next()
                .with_context(|| format!("{name} needs a value"))?
                .parse()
                .with_context(|| format!("{name} takes a whole number"))
        };
        match a.as_str() {
            "--dense-mib" => o.dense_mib = num("--dense-mib")?,
            "--sparse-mib" => o.sparse_mib = num("--sparse-mib")?,
            "--presidio-mib" => o.presidio_mib = num("--presidio-mib")?,
            "--seed" => o.seed = num("--seed")? as u64,
            "--no-build" => o.build = false,
            _ => bail!("{USAGE}"),
        }
    }
    Ok(o)
}

/// SplitMix64: small, seeded, reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn digits(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(b'0' + self.below(10) as u8))
            .collect()
    }
    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len() as u64) as usize]
    }
}

/// A labelled identifier: type name as `wangan scan` reports it, and its text.
fn identifier(r: &mut Rng) -> (&'static str, String) {
    match r.below(6) {
        0 => ("cn_id", cn_id(r)),
        1 => ("cn_mobile", cn_mobile(r)),
        2 => ("bank_card", bank_card(r)),
        3 => (
            "email",
            format!("user{}.{}@example.com", r.below(100_000), r.digits(2)),
        ),
        4 => (
            "ipv4",
            format!(
                "{}.{}.{}.{}",
                1 + r.below(223),
                r.below(256),
                r.below(256),
                1 + r.below(254)
            ),
        ),
        _ => ("cn_uscc", uscc(r)),
    }
}

fn cn_id(r: &mut Rng) -> String {
    // real area codes, including Gansu (62…), which looks like a UnionPay BIN
    let area = *r.pick(&[
        "110105", "310115", "440305", "620102", "510107", "320106", "130102",
    ]);
    let year = 1950 + r.below(66);
    let month = 1 + r.below(12);
    let dim = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month as usize - 1];
    let day = 1 + r.below(dim);
    let body = format!("{area}{year:04}{month:02}{day:02}{}", r.digits(3));
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body
        .bytes()
        .zip(W)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    let check = b"10X98765432"[(sum % 11) as usize] as char;
    format!("{body}{check}")
}

fn cn_mobile(r: &mut Rng) -> String {
    let p = *r.pick(&[
        "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155",
        "156", "157", "158", "159", "177", "180", "181", "186", "187", "188", "189", "198", "199",
    ]);
    format!("{p}{}", r.digits(8))
}

fn luhn_complete(body: &str) -> String {
    let sum: u32 = body
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 0 {
                let x = d * 2;
                if x > 9 { x - 9 } else { x }
            } else {
                d
            }
        })
        .sum();
    format!("{body}{}", (10 - sum % 10) % 10)
}

fn bank_card(r: &mut Rng) -> String {
    // UnionPay debit (19 digits) and credit (16 digits) BINs of large banks
    let (bin, len) = *r.pick(&[
        ("622202", 19),
        ("621700", 19),
        ("622848", 19),
        ("621226", 19),
        ("625965", 16),
        ("622588", 16),
    ]);
    luhn_complete(&format!("{bin}{}", r.digits(len - bin.len() - 1)))
}

fn uscc(r: &mut Rng) -> String {
    const CS: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    const W: [u32; 17] = [
        1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
    ];
    let head = *r.pick(&["91", "92", "12", "52"]);
    let area = *r.pick(&["110105", "310115", "440300", "320106"]);
    // organisation code (GB 11714) with its own check digit
    let org = r.digits(8);
    let osum: u32 = org
        .bytes()
        .zip([3u32, 7, 9, 10, 5, 8, 4, 2])
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    let oc = match 11 - osum % 11 {
        10 => 'X',
        11 => '0',
        d => char::from(b'0' + d as u8),
    };
    let body = format!("{head}{area}{org}{oc}");
    let sum: u32 = body
        .bytes()
        .zip(W)
        .map(|(b, w)| CS.iter().position(|c| *c == b).unwrap_or(0) as u32 * w)
        .sum();
    let check = CS[((31 - sum % 31) % 31) as usize] as char;
    format!("{body}{check}")
}

const ZH: &[&str] = &[
    "客户资料已更新，请核对：",
    "用户登录成功，来源终端 ",
    "退款申请已受理，联系人信息 ",
    "根据网络安全法的要求，相关网络日志留存不少于六个月。",
    "本季度数据分类分级工作已完成，重要数据已加密备份。",
    "系统巡检正常，无异常告警。",
];
const EN: &[&str] = &[
    "customer record updated, contact ",
    "login ok for account ",
    "refund request accepted; reference ",
    "the nightly backup finished without errors. ",
    "health check passed on all nodes. ",
];

/// A decoy: digits that look like identifiers but are not.
fn decoy(r: &mut Rng) -> String {
    match r.below(5) {
        0 => format!("订单号 {}", r.digits(22)),
        1 => format!(
            "2026-{:02}-{:02} {:02}:{:02}:{:02}.{:03}",
            1 + r.below(12),
            1 + r.below(28),
            r.below(24),
            r.below(60),
            r.below(60),
            r.below(1000)
        ),
        2 => format!("port {}", r.below(65536)),
        3 => format!("masked 138****{}", r.digits(4)),
        _ => format!("id 110105********{}X", r.digits(3)),
    }
}

struct Truth {
    /// (type, start, end) in file bytes.
    spans: Vec<(&'static str, usize, usize)>,
}

fn generate(path: &Path, bytes: usize, dense: bool, seed: u64) -> Result<Truth> {
    let mut r = Rng(seed);
    let mut w = BufWriter::new(fs::File::create(path)?);
    let mut spans = Vec::new();
    let mut pos = 0usize;
    let mut since = 0usize;
    while pos < bytes {
        let mut line = String::new();
        let host = r.below(40);
        let _ = write!(
            line,
            "<{}>Nov {:2} {:02}:{:02}:{:02} host{host} app[{}]: ",
            8 + r.below(16),
            1 + r.below(28),
            r.below(24),
            r.below(60),
            r.below(60),
            r.below(30000)
        );
        let zh = r.below(2) == 0;
        let filler: &str = if zh {
            r.pick::<&str>(ZH)
        } else {
            r.pick::<&str>(EN)
        };
        line.push_str(filler);
        let want_id = if dense { true } else { since > 8 * 1024 };
        if want_id {
            since = 0;
            let n = if dense { 1 + r.below(2) } else { 1 };
            for i in 0..n {
                if i > 0 {
                    line.push_str(if zh { "，" } else { ", " });
                }
                let (t, v) = identifier(&mut r);
                let start = pos + line.len();
                spans.push((t, start, start + v.len()));
                line.push_str(&v);
            }
        } else {
            line.push_str(&decoy(&mut r));
        }
        if r.below(3) == 0 {
            line.push(' ');
            line.push_str(&decoy(&mut r));
        }
        line.push('\n');
        pos += line.len();
        since += line.len();
        w.write_all(line.as_bytes())?;
    }
    w.flush()?;
    Ok(Truth { spans })
}

/// Patterns for ripgrep and Presidio (Python `re`): the same identifiers ours finds.
const PATTERNS: &[(&str, &str)] = &[
    (
        "cn_id",
        r"[1-9][0-9]{5}(?:18|19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx]",
    ),
    ("cn_mobile", r"1[3-9][0-9]{9}"),
    ("bank_card", r"62[0-9]{14,17}"),
    ("email", r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"),
    ("ipv4", r"(?:[0-9]{1,3}\.){3}[0-9]{1,3}"),
    (
        "cn_uscc",
        r"[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}",
    ),
];

const PRESIDIO: &str = r#"
import sys, time, re
from presidio_analyzer import AnalyzerEngine, PatternRecognizer, Pattern, RecognizerRegistry
from presidio_analyzer.nlp_engine import NoOpNlpEngine
path, limit = sys.argv[1], int(sys.argv[2])
pats = [l.split("\t", 1) for l in sys.argv[3].split("\n") if l]
reg = RecognizerRegistry()
reg.load_predefined_recognizers()
# pattern-only: keep the regex recognisers (drop NLP-model and library-based ones)
reg.recognizers = [r for r in reg.recognizers if isinstance(r, PatternRecognizer)]
for name, rx in pats:
    if name in ("cn_id", "cn_mobile", "cn_uscc"):
        reg.add_recognizer(PatternRecognizer(supported_entity=name.upper(),
            patterns=[Pattern(name, r"(?<![0-9A-Za-z])" + rx + r"(?![0-9A-Za-z])", 0.6)]))
eng = AnalyzerEngine(nlp_engine=NoOpNlpEngine(models=[{"lang_code": "en", "model_name": "noop"}]),
                     registry=reg, supported_languages=["en"])
data = open(path, "rb").read(limit).decode("utf-8", "replace")
lines = data.splitlines(True)
t = time.perf_counter()
n = 0
chunk = []
size = 0
for l in lines:
    chunk.append(l); size += len(l)
    if size >= 16384:
        n += len(eng.analyze(text="".join(chunk), language="en")); chunk = []; size = 0
if chunk:
    n += len(eng.analyze(text="".join(chunk), language="en"))
dt = time.perf_counter() - t
print(f"{len(data.encode('utf-8'))} {dt} {n}")
"#;

/// Runs of each command, taken in turn (round-robin).
const RUNS: usize = 5;

/// Time each command of `cmds` [`RUNS`] times, one after the other in
/// turn, so a change of the machine's speed during the run touches all of
/// them alike; per command, the fastest run (the least disturbed: this kind
/// of VM changes speed by tens of percent from one run to the next).
fn time_round_robin(cmds: &[&dyn Fn() -> Command]) -> Result<Vec<f64>> {
    let mut best = vec![f64::INFINITY; cmds.len()];
    for _ in 0..RUNS {
        for (k, mk) in cmds.iter().enumerate() {
            let t = Instant::now();
            let out = mk()
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .output()
                .context("could not start a benchmark command")?;
            let dt = t.elapsed().as_secs_f64();
            // wangan scan exits 1/2 when it finds PI; anything above is a failure
            if out.status.code().is_none_or(|c| c > 2) {
                bail!(
                    "benchmark command failed ({}): {}",
                    out.status,
                    String::from_utf8_lossy(&out.stderr)
                );
            }
            best[k] = best[k].min(dt);
        }
    }
    Ok(best)
}

fn ensure_tools(work: &Path) -> Result<PathBuf> {
    if Command::new("rg").arg("--version").output().is_err() {
        eprintln!("bench: installing ripgrep (apt-get)");
        let ok = Command::new("sh")
            .args([
                "-c",
                "apt-get update -q >/dev/null && apt-get install -y -q ripgrep >/dev/null",
            ])
            .status()?
            .success();
        if !ok {
            bail!("ripgrep is missing and apt-get install ripgrep failed");
        }
    }
    let venv = work.join("presidio-venv");
    let py = venv.join("bin/python");
    let ok = |py: &Path| {
        Command::new(py)
            .args([
                "-c",
                "import presidio_analyzer.nlp_engine as e; e.NoOpNlpEngine",
            ])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if !ok(&py) {
        eprintln!(
            "bench: installing presidio-analyzer into {}",
            venv.display()
        );
        let s1 = Command::new("python3")
            .args(["-m", "venv"])
            .arg(&venv)
            .status()?;
        let s2 = Command::new(&py)
            .args(["-m", "pip", "install", "-q", "presidio-analyzer"])
            .status()?;
        if !s1.success() || !s2.success() || !ok(&py) {
            bail!("could not install presidio-analyzer (with NoOpNlpEngine) from PyPI");
        }
    }
    Ok(py)
}

struct Accuracy {
    per_type: BTreeMap<String, (usize, usize, usize)>, // tp, fp, fn
}

/// Findings of `wangan scan --format jsonl TARGET…`: (type, byte_start,
/// byte_end, de-identified) per line.
fn scan_spans(
    wangan: &Path,
    target: &[impl AsRef<std::ffi::OsStr>],
) -> Result<Vec<(String, usize, usize, bool)>> {
    let out = Command::new(wangan)
        .args(["scan", "--format", "jsonl", "--fail-on", "none"])
        .args(target)
        .stderr(Stdio::piped())
        .output()?;
    if out.status.code().is_none_or(|c| c > 2) {
        bail!(
            "wangan scan --format jsonl failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let mut spans = Vec::new();
    for (i, l) in String::from_utf8_lossy(&out.stdout).lines().enumerate() {
        if l.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(l)
            .with_context(|| format!("scan jsonl line {}: not JSON", i + 1))?;
        let t = v["type"]
            .as_str()
            .with_context(|| format!("scan jsonl line {}: no `type`", i + 1))?;
        let masked = v["deidentified"].as_bool() == Some(true);
        let s = v["byte_start"].as_u64().context("no byte_start")? as usize;
        let e = v["byte_end"].as_u64().context("no byte_end")? as usize;
        spans.push((t.to_owned(), s, e, masked));
    }
    Ok(spans)
}

fn accuracy(
    spans: Vec<(String, usize, usize, bool)>,
    truth: &Truth,
    data: &[u8],
) -> Result<Accuracy> {
    let want: HashSet<(&str, usize, usize)> = truth.spans.iter().copied().collect();
    // masked values are reported as de-identified, not as personal data
    let got: HashSet<(String, usize, usize)> = spans
        .into_iter()
        .filter(|x| !x.3)
        .map(|(t, s, e, _)| (t, s, e))
        .collect();
    let mut per_type: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    for (t, _) in PATTERNS {
        per_type.insert((*t).to_owned(), (0, 0, 0));
    }
    let debug = std::env::var_os("BENCH_SCAN_DEBUG").is_some();
    let show = |what: &str, t: &str, s: usize, e: usize| {
        if debug {
            let a = s.saturating_sub(20);
            let b = (e + 10).min(data.len());
            eprintln!(
                "{what} {t} {s}..{e}: {:?}",
                String::from_utf8_lossy(&data[a..b])
            );
        }
    };
    for (t, s, e) in &got {
        if let Some(x) = per_type.get_mut(t) {
            if want.contains(&(t.as_str(), *s, *e)) {
                x.0 += 1;
            } else {
                x.1 += 1;
                show("FP", t, *s, *e);
            }
        }
    }
    for (t, s, e) in &want {
        if !got.contains(&((*t).to_owned(), *s, *e))
            && let Some(x) = per_type.get_mut(*t)
        {
            x.2 += 1;
            show("FN", t, *s, *e);
        }
    }
    Ok(Accuracy { per_type })
}

/// Size of the scanner's own labelled corpus in the bench.
const LABELLED_MIB: usize = 8;

/// Precision and recall of every type on the scanner's own labelled corpus
/// (`crates/scan/tests/corpus/gen.rs`: Chinese sentences, logs, CSV and
/// JSON lines, with names and addresses; masked values count as their own
/// types), span-exact, through `wangan scan --format jsonl`.
fn labelled_accuracy(wangan: &Path, work: &Path, seed: u64) -> Result<Accuracy> {
    let c = corpus_gen::generate(seed, LABELLED_MIB << 20, 0.7);
    let p = work.join("labelled.txt");
    fs::write(&p, &c.text).with_context(|| format!("write {}", p.display()))?;
    let key = |t: &str, masked: bool| {
        if masked {
            format!("{t} (masked)")
        } else {
            t.to_owned()
        }
    };
    let want: HashSet<(String, usize, usize)> = c
        .labels
        .iter()
        .map(|l| (key(l.kind, l.masked), l.start, l.end))
        .collect();
    let got: HashSet<(String, usize, usize)> = scan_spans(wangan, &[&p])?
        .into_iter()
        .map(|(t, s, e, masked)| (key(&t, masked), s, e))
        .collect();
    let mut per_type: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    for x in &got {
        let c = per_type.entry(x.0.clone()).or_default();
        if want.contains(x) {
            c.0 += 1;
        } else {
            c.1 += 1;
        }
    }
    for x in want.difference(&got) {
        per_type.entry(x.0.clone()).or_default().2 += 1;
    }
    Ok(Accuracy { per_type })
}

/// (true positives, false positives, false negatives) per (form, type).
type FormScores = BTreeMap<(String, String), (usize, usize, usize)>;

/// The forms of the independent labelled corpus (`crates/scan/tests/faker`,
/// written by its `gen.py` from the Faker library's zh_CN data), one file each.
const FAKER_FILES: &[&str] = &[
    "prose.txt",
    "chat.txt",
    "ticket.txt",
    "log.txt",
    "events.jsonl",
    "export.csv",
    "address.txt",
    "bank.txt",
    "decoy.txt",
];

/// Precision and recall per (form, type) on the independent corpus: each
/// form's file through `wangan scan --format jsonl` on its own (so `.jsonl`
/// and `.csv` are parsed as such), span-exact against `labels.tsv`.
fn faker_accuracy(wangan: &Path, root: &Path) -> Result<FormScores> {
    let dir = root.join("crates/scan/tests/faker");
    let labels = fs::read_to_string(dir.join("labels.tsv"))
        .with_context(|| format!("read {}", dir.join("labels.tsv").display()))?;
    let mut want: HashSet<(String, String, usize, usize)> = HashSet::new();
    for (n, l) in labels.lines().enumerate() {
        if l.starts_with('#') || l.is_empty() {
            continue;
        }
        let f: Vec<&str> = l.split('\t').collect();
        if f.len() != 4 {
            bail!("labels.tsv line {}: four fields expected", n + 1);
        }
        let num = |x: &str| -> Result<usize> {
            x.parse()
                .with_context(|| format!("labels.tsv line {}: bad offset {x:?}", n + 1))
        };
        want.insert((f[0].to_owned(), f[3].to_owned(), num(f[1])?, num(f[2])?));
    }
    let mut per = FormScores::new();
    for file in FAKER_FILES {
        let form = file.split('.').next().unwrap_or(file).to_owned();
        let got: HashSet<(String, String, usize, usize)> = scan_spans(wangan, &[dir.join(file)])?
            .into_iter()
            .map(|(t, s, e, _)| ((*file).to_owned(), t, s, e))
            .collect();
        for x in &got {
            let c = per.entry((form.clone(), x.1.clone())).or_default();
            if want.contains(x) {
                c.0 += 1;
            } else {
                c.1 += 1;
            }
        }
        for x in want.iter().filter(|x| x.0 == *file && !got.contains(*x)) {
            per.entry((form.clone(), x.1.clone())).or_default().2 += 1;
        }
    }
    Ok(per)
}

/// MiB of sparse log lines scanned again as NDJSON and as CSV.
const STRUCTURED_MIB: usize = 32;

/// `<pri>Mmm dd hh:mm:ss host app[pid]: message` split into its five fields.
fn split_syslog(l: &str) -> Option<[&str; 5]> {
    let (pri, rest) = l.strip_prefix('<')?.split_once('>')?;
    let ts = rest.get(..15)?;
    let (host, rest) = rest.get(16..)?.split_once(' ')?;
    let (app, msg) = rest.split_once(": ")?;
    Some([pri, ts, host, app, msg])
}

/// The whole lines in the first `limit` bytes of `src`, written three ways
/// into `dir`: as they are (`lines.log`), as NDJSON and as CSV with a header
/// (`pri`, `ts`, `host`, `app`, `msg`), and the text compressed with
/// `gzip -6`. The messages, where the identifiers are, are the same in all.
fn structured(src: &Path, limit: usize, dir: &Path) -> Result<Vec<PathBuf>> {
    let data = fs::read(src)?;
    let mut cut = data.len().min(limit);
    while cut > 0 && data[cut - 1] != b'\n' {
        cut -= 1;
    }
    let text = std::str::from_utf8(&data[..cut]).context("the sparse corpus is not UTF-8")?;
    let mut nd = String::with_capacity(cut * 3 / 2);
    let mut csv = String::with_capacity(cut + cut / 8);
    csv.push_str("pri,ts,host,app,msg\n");
    for (k, line) in text.lines().enumerate() {
        let [pri, ts, host, app, msg] = split_syslog(line)
            .with_context(|| format!("sparse corpus line {}: not a syslog line", k + 1))?;
        let pri: u32 = pri
            .parse()
            .with_context(|| format!("sparse corpus line {}: bad priority", k + 1))?;
        let obj = serde_json::json!({"pri": pri, "ts": ts, "host": host, "app": app, "msg": msg});
        nd.push_str(&obj.to_string());
        nd.push('\n');
        let _ = writeln!(
            csv,
            "{pri},{ts},{host},{app},\"{}\"",
            msg.replace('"', "\"\"")
        );
    }
    let mut paths = vec![
        dir.join("lines.log"),
        dir.join("lines.ndjson"),
        dir.join("lines.csv"),
    ];
    fs::write(&paths[0], text)?;
    fs::write(&paths[1], nd)?;
    fs::write(&paths[2], csv)?;
    let gz = dir.join("lines.log.gz");
    let ok = Command::new("gzip")
        .args(["-6", "-c"])
        .arg(&paths[0])
        .stdout(fs::File::create(&gz)?)
        .status()
        .context("could not start gzip")?
        .success();
    if !ok {
        bail!("gzip -6 of {} failed", paths[0].display());
    }
    paths.push(gz);
    Ok(paths)
}

/// Findings per type (`(masked)` for de-identified ones) of a scan target
/// (its arguments to `wangan scan`).
fn kind_counts(wangan: &Path, target: &[std::ffi::OsString]) -> Result<BTreeMap<String, usize>> {
    let mut m = BTreeMap::new();
    for (t, _, _, masked) in scan_spans(wangan, target)? {
        let k = if masked { format!("{t} (masked)") } else { t };
        *m.entry(k).or_insert(0) += 1;
    }
    Ok(m)
}

/// One structured input: its name, size, fastest time and findings.
struct Structured {
    input: &'static str,
    /// The file's size.
    mib: f64,
    /// The size of what it holds (the text, for the gzipped file).
    content_mib: f64,
    secs: f64,
    findings: BTreeMap<String, usize>,
}

/// Time ours on one core on the same log lines as text, NDJSON and CSV,
/// and count the findings of each.
fn structured_rows(wangan: &Path, work: &Path) -> Result<Vec<Structured>> {
    let dir = work.join("structured");
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir)?;
    let paths = structured(
        &work.join("sparse/part0.log"),
        STRUCTURED_MIB * 1024 * 1024,
        &dir,
    )?;
    // the same lines stored in a vault, scanned as `vault:`
    let vault = dir.join("vault");
    for args in [
        vec![
            "vault".into(),
            "init".into(),
            "--data-dir".into(),
            vault.clone().into_os_string(),
        ],
        vec![
            "vault".into(),
            "ingest".into(),
            "--data-dir".into(),
            vault.clone().into_os_string(),
            "--source".into(),
            "app".into(),
            paths[0].clone().into_os_string(),
        ],
    ] {
        let o = Command::new(wangan).args(&args).output()?;
        if !o.status.success() {
            bail!(
                "wangan {args:?} failed: {}",
                String::from_utf8_lossy(&o.stderr)
            );
        }
    }
    crate::bench::settle()?;
    let mut targets: Vec<Vec<std::ffi::OsString>> = paths
        .iter()
        .map(|p| vec![p.clone().into_os_string()])
        .collect();
    targets.push(vec![
        "vault:".into(),
        "--data-dir".into(),
        vault.into_os_string(),
    ]);
    let cmd = |t: &[std::ffi::OsString]| {
        let mut c = pinned(0, wangan);
        c.args(["scan", "--format", "json", "--fail-on", "none"])
            .args(t);
        c
    };
    let (a, b, c, d, e) = (
        || cmd(&targets[0]),
        || cmd(&targets[1]),
        || cmd(&targets[2]),
        || cmd(&targets[3]),
        || cmd(&targets[4]),
    );
    let t = time_round_robin(&[&a, &b, &c, &d, &e])?;
    let text_mib = fs::metadata(&paths[0])?.len() as f64 / (1024.0 * 1024.0);
    let mut rows: Vec<Structured> = Vec::new();
    for (k, (input, secs)) in [
        "text (log lines)",
        "NDJSON",
        "CSV",
        "text, gzip -6",
        "text, stored in a vault (`vault:`)",
    ]
    .into_iter()
    .zip(t)
    .enumerate()
    {
        let mib = match paths.get(k) {
            Some(p) => fs::metadata(p)?.len() as f64 / (1024.0 * 1024.0),
            None => text_mib,
        };
        let content_mib = if k >= 3 { text_mib } else { mib };
        rows.push(Structured {
            input,
            mib,
            content_mib,
            secs,
            findings: kind_counts(wangan, &targets[k])?,
        });
    }
    Ok(rows)
}

struct Row {
    corpus: &'static str,
    mib: f64,
    ours1: f64,
    /// Ours on one core with names and addresses off (`--no-names`).
    ours1_off: f64,
    ours2: f64,
    rg: f64,
    presidio: f64,
    presidio_mib: f64,
    presidio_hits: u64,
}

/// `cargo xtask bench scan`.
const INPUT_USAGE: &str =
    "usage: cargo xtask bench scan-input --density dense|sparse --bytes N --seed S --out FILE";

/// `cargo xtask bench scan-input`: the first `--bytes` bytes of one corpus
/// file of `bench scan` (part `p` of `--seed S` is seed `S * 10 + p`), for
/// counting instructions on the detector alone
/// (`crates/scan/examples/detect_chunks.rs`).
pub fn input(args: &[String]) -> Result<()> {
    let (mut dense, mut bytes, mut seed, mut out) = (None, None, None, None);
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let v = it
            .next()
            .with_context(|| format!("{a} needs a value\n{INPUT_USAGE}"))?;
        match a.as_str() {
            "--density" => {
                dense = Some(match v.as_str() {
                    "dense" => true,
                    "sparse" => false,
                    _ => bail!("--density takes dense or sparse\n{INPUT_USAGE}"),
                })
            }
            "--bytes" => bytes = Some(v.parse::<usize>().context("--bytes takes a whole number")?),
            "--seed" => seed = Some(v.parse::<u64>().context("--seed takes a whole number")?),
            "--out" => out = Some(PathBuf::from(v)),
            _ => bail!("{INPUT_USAGE}"),
        }
    }
    let (Some(dense), Some(bytes), Some(seed), Some(out)) = (dense, bytes, seed, out) else {
        bail!("{INPUT_USAGE}");
    };
    generate(&out, bytes, dense, seed)?;
    // the generator stops after the line that reaches `bytes`
    fs::OpenOptions::new()
        .write(true)
        .open(&out)?
        .set_len(bytes as u64)?;
    Ok(())
}

pub fn run(args: &[String]) -> Result<()> {
    let o = parse_opts(args)?;
    let root = root();
    let work = root.join("bench-work/scan");
    fs::create_dir_all(&work)?;
    let py = ensure_tools(&work)?;
    let wangan = release_binary(&root);
    if o.build {
        let ok = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args(["build", "--release", "-p", "wangan"])
            .current_dir(&root)
            .status()?
            .success();
        if !ok {
            bail!("cargo build --release -p wangan failed");
        }
    }
    let load_before = loadavg();
    let mut rows = Vec::new();
    let mut acc = None;
    let pats: String = PATTERNS
        .iter()
        .map(|(n, p)| format!("{n}\t{p}\n"))
        .collect();
    for (name, dense, size) in [
        ("dense", true, o.dense_mib),
        ("sparse", false, o.sparse_mib),
    ] {
        let dir = work.join(name);
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir)?;
        // two files, so a parallel scanner can use both cores
        let mut truths = Vec::new();
        for part in 0..2u64 {
            let p = dir.join(format!("part{part}.log"));
            truths.push((
                p.clone(),
                generate(&p, size * 1024 * 1024 / 2, dense, o.seed * 10 + part)?,
            ));
        }
        let bytes: u64 = truths
            .iter()
            .map(|(p, _)| fs::metadata(p).map(|m| m.len()).unwrap_or(0))
            .sum();
        let mib = bytes as f64 / (1024.0 * 1024.0);
        // warm the cache, and write the new corpus back first: the kernel's
        // writeback of it would otherwise share the CPUs with the timed runs
        crate::bench::settle()?;
        for (p, _) in &truths {
            let _ = fs::read(p)?;
        }
        eprintln!("bench scan: {name}: {mib:.1} MiB");
        let ours1 = || {
            let mut c = pinned(0, &wangan);
            c.args(["scan", "--format", "json", "--fail-on", "none"])
                .arg(&dir)
                .env("RAYON_NUM_THREADS", "1");
            c
        };
        let ours1_off = || {
            let mut c = ours1();
            c.arg("--no-names");
            c
        };
        let ours2 = || {
            let mut c = Command::new(&wangan);
            c.args(["scan", "--format", "json", "--fail-on", "none"])
                .arg(&dir);
            c
        };
        let rg = || {
            let mut c = pinned(0, "rg");
            c.args(["-j1", "--no-config", "--count-matches", "--no-filename"]);
            for (_, p) in PATTERNS {
                c.arg("-e").arg(p);
            }
            c.arg(&dir);
            c
        };
        let t = time_round_robin(&[&ours1, &ours1_off, &ours2, &rg])?;
        let (ours1, ours1_off, ours2, rg) = (t[0], t[1], t[2], t[3]);
        let out = pinned(0, &py)
            .arg("-c")
            .arg(PRESIDIO)
            .arg(&truths[0].0)
            .arg((o.presidio_mib * 1024 * 1024).to_string())
            .arg(&pats)
            .output()
            .context("could not start the Presidio script")?;
        if !out.status.success() {
            bail!(
                "Presidio run failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let s = String::from_utf8_lossy(&out.stdout);
        let f: Vec<&str> = s.split_whitespace().collect();
        if f.len() != 3 {
            bail!("unexpected Presidio output: {s}");
        }
        let p_bytes: f64 = f[0].parse()?;
        let p_secs: f64 = f[1].parse()?;
        let p_hits: u64 = f[2].parse()?;
        rows.push(Row {
            corpus: name,
            mib,
            ours1,
            ours1_off,
            ours2,
            rg,
            presidio: p_secs,
            presidio_mib: p_bytes / (1024.0 * 1024.0),
            presidio_hits: p_hits,
        });
        if dense {
            let (p, t) = &truths[0];
            acc = Some(accuracy(scan_spans(&wangan, &[p])?, t, &fs::read(p)?)?);
        }
    }
    let labelled = labelled_accuracy(&wangan, &work, o.seed)?;
    let faker = faker_accuracy(&wangan, &root)?;
    let structured = structured_rows(&wangan, &work)?;
    let load_after = loadavg();
    let md = report(
        &o,
        &rows,
        acc.as_ref(),
        &labelled,
        &faker,
        &structured,
        &load_before,
        &load_after,
    );
    write_section(&root, "scan", &md)?;
    print!("{md}");
    Ok(())
}

/// A precision and recall table, one row per type.
fn accuracy_table(md: &mut String, a: &Accuracy) {
    let _ = writeln!(
        md,
        "| Type | TP | FP | FN | Precision | Recall |\n|---|---|---|---|---|---|"
    );
    for (t, (tp, fp, fnn)) in &a.per_type {
        let p = if tp + fp == 0 {
            1.0
        } else {
            *tp as f64 / (tp + fp) as f64
        };
        let r = if tp + fnn == 0 {
            1.0
        } else {
            *tp as f64 / (tp + fnn) as f64
        };
        let _ = writeln!(md, "| {t} | {tp} | {fp} | {fnn} | {p:.4} | {r:.4} |");
    }
    let _ = writeln!(md);
}

#[allow(clippy::too_many_arguments)]
fn report(
    o: &Opts,
    rows: &[Row],
    acc: Option<&Accuracy>,
    labelled: &Accuracy,
    faker: &FormScores,
    structured: &[Structured],
    load_before: &str,
    load_after: &str,
) -> String {
    let mut md = String::new();
    let _ = writeln!(md, "## Scan: `wangan scan` vs ripgrep vs Presidio\n");
    let _ = writeln!(
        md,
        "Written by `cargo xtask bench scan` (xtask/src/bench_scan.rs); every figure comes from one run.\n\
         Corpora are generated by the harness (seeded) with ground truth: dense (1–2 identifiers per line of\n\
         Chinese/English prose and syslog) and sparse (one identifier per ~8 KiB of log lines); both carry decoys\n\
         (timestamps, 22-digit order numbers, ports, masked values). Two files per corpus, written back (`sync`) before any timing. Times are the fastest of 5 warm\n\
         runs of the whole process, ours (also with `--no-names`: names and addresses off) and ripgrep taken in turn (this kind of VM changes speed by tens of percent from\n\
         one run to the next; the fastest run is the least disturbed). ripgrep runs the same six patterns as Presidio (no validation: it over-counts).\n\
         Presidio (`presidio-analyzer`, `NoOpNlpEngine`, its predefined *pattern* recognisers + Chinese ID/mobile/USCC patterns)\n\
         runs on the first {} MiB of the first file in 16 KiB chunks; its rate is computed on that slice.\n",
        o.presidio_mib
    );
    let _ = writeln!(
        md,
        "Reproduce: `cargo xtask bench scan --dense-mib {} --sparse-mib {} --presidio-mib {} --seed {}`\n",
        o.dense_mib, o.sparse_mib, o.presidio_mib, o.seed
    );
    let _ = writeln!(
        md,
        "Machine: {} CPUs ({}), rustc `{}`, ripgrep `{}`; load before/after {load_before} / {load_after}; commit {}.\n",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        crate::bench::cpu_model(),
        first_line("rustc", &["--version"]),
        first_line("rg", &["--version"]),
        first_line("git", &["rev-parse", "--short", "HEAD"]),
    );
    let _ = writeln!(
        md,
        "| Corpus | Size | ours, 1 core | ours, 1 core, names and addresses off | ours, 2 cores | ripgrep, 1 thread | Presidio | ours ÷ Presidio (1 core) | ours ÷ ripgrep |\n|---|---|---|---|---|---|---|---|---|"
    );
    for r in rows {
        let rate = |s: f64| r.mib / s;
        let p_rate = r.presidio_mib / r.presidio;
        let _ = writeln!(
            md,
            "| {} | {:.0} MiB | {:.0} MiB/s | {:.0} MiB/s | {:.0} MiB/s | {:.0} MiB/s | {:.2} MiB/s ({} hits in {:.1} MiB) | {:.0}× | {:.2}× |",
            r.corpus,
            r.mib,
            rate(r.ours1),
            rate(r.ours1_off),
            rate(r.ours2),
            rate(r.rg),
            p_rate,
            r.presidio_hits,
            r.presidio_mib,
            rate(r.ours1) / p_rate,
            rate(r.ours1) / rate(r.rg),
        );
    }
    let _ = writeln!(md);
    if let Some(a) = acc {
        let _ = writeln!(
            md,
            "Accuracy of ours on the first dense file, span-exact against the generator's ground truth:\n"
        );
        accuracy_table(&mut md, a);
    }
    let _ = writeln!(
        md,
        "Accuracy of ours on the scanner's own labelled corpus ({LABELLED_MIB} MiB, `crates/scan/tests/corpus/gen.rs`, seed {}:\n\
         Chinese sentences, logs, CSV and JSON lines, 70 % of them with personal data), span-exact, every type found or labelled.\n\
         Names are found after a context keyword (`收件人：`, `联系人`, …), in a name column, or without a keyword\n\
         (`今天张三来办理业务`, a name between CSV delimiters). `(masked)` rows are values already masked in the text,\n\
         reported as de-identified.\n",
        o.seed
    );
    accuracy_table(&mut md, labelled);
    let _ = writeln!(
        md,
        "Accuracy of ours on an independent labelled corpus (`crates/scan/tests/faker`, written by its `gen.py` from the\n\
         Faker library's zh_CN names, addresses, companies and numbers in templates from real formats; one file per form,\n\
         each scanned on its own so `.jsonl` and `.csv` are parsed as such), span-exact per form and type. Forms: prose\n\
         without keywords, chat exports (speaker labels, `@`, `邀请`), customer-service tickets, log lines (`name=`, embedded\n\
         JSON), JSON events, a CSV export with Chinese headers and remarks, addresses (building letters with `座`, floors,\n\
         rooms, postcodes), bank lines (Visa/Mastercard after `在我行开立账户` or with no keyword at all), decoys (bad check\n\
         digits, Luhn failures, order and build numbers, timestamps, hotlines, place names, brands, `王经理`, `客户单位：`).\n\n\
         | Form | Type | TP | FP | FN | Precision | Recall |\n|---|---|---|---|---|---|---|"
    );
    let ratio = |a: usize, b: usize| if b == 0 { 1.0 } else { a as f64 / b as f64 };
    let mut totals: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
    for ((form, t), (tp, fp, fnn)) in faker {
        let _ = writeln!(
            md,
            "| {form} | {t} | {tp} | {fp} | {fnn} | {:.4} | {:.4} |",
            ratio(*tp, tp + fp),
            ratio(*tp, tp + fnn)
        );
        let x = totals.entry(t.as_str()).or_default();
        x.0 += tp;
        x.1 += fp;
        x.2 += fnn;
    }
    for (t, (tp, fp, fnn)) in &totals {
        let _ = writeln!(
            md,
            "| **all** | {t} | {tp} | {fp} | {fnn} | {:.4} | {:.4} |",
            ratio(*tp, tp + fp),
            ratio(*tp, tp + fnn)
        );
    }
    let decoys: usize = faker
        .iter()
        .filter(|((form, _), _)| form == "decoy")
        .map(|(_, c)| c.1)
        .sum();
    let _ = writeln!(md, "\nDecoys reported: {decoys}.\n");
    if let Some(text) = structured.first() {
        let _ = writeln!(
            md,
            "Structured and compressed inputs: the first {STRUCTURED_MIB} MiB of whole lines of the first sparse file, as they are, as NDJSON,\n\
             as CSV (the syslog header split into `pri`, `ts`, `host`, `app`; the message last), gzipped, and ingested into a vault\n\
             (`wangan vault ingest`, scanned as `vault:`). Ours on one core, fastest of 5 runs in turn; every JSON value, CSV cell\n\
             and vault record is scanned on its own (values with their key path or column as context). Rates are of each file's own\n\
             size, and for gzip and the vault of the text they hold.\n\n\
             | Input | Size | ours, 1 core | time ÷ text | findings | same findings as the text |\n|---|---|---|---|---|---|"
        );
        for r in structured {
            let n: usize = r.findings.values().sum();
            let _ = writeln!(
                md,
                "| {} | {:.0} MiB | {:.0} MiB/s | {:.2}× | {n} | {} |",
                r.input,
                r.mib,
                r.content_mib / r.secs,
                r.secs / text.secs,
                yes(r.findings == text.findings),
            );
        }
        let _ = writeln!(md);
    }
    let _ = writeln!(md, "### Goals\n\n| Goal | Measured | Met |\n|---|---|---|");
    for r in rows {
        let one = r.mib / r.ours1;
        let goal = if r.corpus == "dense" { 250.0 } else { 600.0 };
        let _ = writeln!(
            md,
            "| ≥ {goal:.0} MiB/s per core, {} | {one:.0} MiB/s | {} |",
            r.corpus,
            yes(one >= goal)
        );
        let scale = (r.mib / r.ours2) / one;
        let _ = writeln!(
            md,
            "| near-linear on 2 cores, {} | {scale:.2}× of 1 core | {} |",
            r.corpus,
            yes(scale >= 1.7)
        );
        if r.corpus == "dense" {
            let x = one / (r.presidio_mib / r.presidio);
            let _ = writeln!(
                md,
                "| ≥ 100× Presidio, dense | {x:.0}× | {} |",
                yes(x >= 100.0)
            );
        }
    }
    for r in rows.iter().filter(|r| r.corpus == "dense") {
        let one = r.mib / r.ours1;
        let _ = writeln!(
            md,
            "| ≥ 200 MiB/s per core, dense, names and addresses on (issue #22) | {one:.0} MiB/s | {} |",
            yes(one >= 200.0)
        );
    }
    for r in rows.iter().filter(|r| r.corpus == "sparse") {
        // time with names and addresses off ÷ time with them on: 1.00 when they cost nothing.
        // Context, not a goal: issue #22's "sparse unchanged" compares with the code before
        // keyword-less names, which this run cannot build (its keyword names cost too: 60.6 M
        // instructions off, 68.7 M on, in BENCHMARKS' hand-kept #22 section)
        let x = r.ours1_off / r.ours1;
        let _ = writeln!(
            md,
            "| (context, issue #22) sparse, 1 core: speed with names and addresses on ÷ off | {x:.3}× | – |"
        );
    }
    let mut totals: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
    for ((_, t), (tp, fp, fnn)) in faker {
        let x = totals.entry(t.as_str()).or_default();
        x.0 += tp;
        x.1 += fp;
        x.2 += fnn;
    }
    for (t, pmin, rmin) in [
        ("cn_name", 0.97, 0.95),
        ("cn_address", 0.97, 0.95),
        ("bank_card", 1.0, 0.99),
    ] {
        let (tp, fp, fnn) = totals.get(t).copied().unwrap_or_default();
        let p = tp as f64 / (tp + fp).max(1) as f64;
        let r = tp as f64 / (tp + fnn).max(1) as f64;
        let _ = writeln!(
            md,
            "| independent corpus, {t}: precision ≥ {pmin} with recall ≥ {rmin} | {p:.4} / {r:.4} | {} |",
            yes(p >= pmin && r >= rmin)
        );
    }
    if let Some(a) = acc {
        for t in ["cn_id", "bank_card", "cn_uscc"] {
            if let Some((tp, fp, fnn)) = a.per_type.get(t) {
                let p = *tp as f64 / (tp + fp).max(1) as f64;
                let r = *tp as f64 / (tp + fnn).max(1) as f64;
                let _ = writeln!(
                    md,
                    "| precision and recall ≥ 0.999, {t} (checksummed) | {p:.4} / {r:.4} | {} |",
                    yes(p >= 0.999 && r >= 0.999)
                );
            }
        }
    }
    let _ = writeln!(md);
    md
}

fn yes(b: bool) -> &'static str {
    if b { "yes" } else { "**no**" }
}
