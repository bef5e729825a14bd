//! The evidence of an assessment, gathered from what an operator's profile points at: per vault
//! the log coverage over the six calendar months before the date assessed (from block metadata
//! and time columns, never the raw records), a quick structural verification and the last full
//! verification on record; the latest saved scan (`wangan scan --save`) of each data store; the
//! SHA-256 of every document; and the registers as they stood at the date assessed.
//!
//! Both `wangan assess` and the console call [`gather`] (or [`assess`]), so an assessment made
//! in the browser is the one the command line makes. Nothing here writes: gathering reads the
//! vault, the scans folder, the documents and the registers store. A part that cannot be read
//! is recorded as such in the evidence (and decided on by `duties`), never skipped; a problem
//! that is not evidence (an unreadable registers store) is returned as a [`Warning`].
//!
//! ```no_run
//! let text = std::fs::read_to_string("profile.toml").unwrap();
//! let profile = duties::profile::parse(&text, std::path::Path::new("profile.toml")).unwrap();
//! let now = time::OffsetDateTime::now_utc();
//! let at = now.to_offset(duties::assess::CST).date();
//! let (assessment, warnings) = evidence::assess(&profile, at, now);
//! assert!(warnings.is_empty());
//! println!("{} duties decided", assessment.duties.len());
//! ```

#![deny(missing_docs)]

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use duties::evidence::{
    Check, DataLevel, DocumentEvidence, Evidence, FullVerification, Gap, ScanEvidence,
    SourceCoverage, VaultEvidence,
};
use duties::{Interval, Profile};
use time::{Date, OffsetDateTime};

/// A problem met while gathering that is not itself evidence: the assessment goes on without
/// the part named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Warning {
    /// `[settings] registers` of the profile is not a registers location.
    RegistersLocation(String),
    /// The registers store exists but could not be read.
    RegistersUnreadable(String),
}

impl Warning {
    /// What the warning is about, in Chinese and English (the detail is [`Warning::detail`]).
    pub fn what(&self) -> (&'static str, &'static str) {
        match self {
            Warning::RegistersLocation(_) => (
                "警告：登记簿位置无效",
                "warning: invalid registers location",
            ),
            Warning::RegistersUnreadable(_) => {
                ("警告：无法读取登记簿", "warning: cannot read the registers")
            }
        }
    }

    /// The underlying error's text.
    pub fn detail(&self) -> &str {
        match self {
            Warning::RegistersLocation(s) | Warning::RegistersUnreadable(s) => s,
        }
    }
}

/// Everything gathered for one assessment.
#[derive(Debug, Clone)]
pub struct Gathered {
    /// The evidence, for `duties::assess`.
    pub evidence: Evidence,
    /// Problems that left a part out.
    pub warnings: Vec<Warning>,
}

/// Gather the evidence and decide every duty at `at` (the law in force that day), collected
/// at `now`.
pub fn assess(
    profile: &Profile,
    at: Date,
    now: OffsetDateTime,
) -> (duties::Assessment, Vec<Warning>) {
    let g = gather(profile, at, now);
    let a = duties::assess(duties::Inputs {
        profile,
        at,
        collected: now,
        evidence: &g.evidence,
    });
    (a, g.warnings)
}

/// Gather everything the profile points at.
pub fn gather(profile: &Profile, at: Date, now: OffsetDateTime) -> Gathered {
    let as_of = duties::as_of(at, now);
    let from = Interval(law::Period::Months(6))
        .before(at)
        .midnight()
        .assume_offset(duties::assess::CST);
    let vaults = profile
        .vaults()
        .into_iter()
        .map(|dir| gather_vault(profile, dir, from, as_of, now))
        .collect();
    let mut warnings = Vec::new();
    let registers = match register_evidence(profile, as_of, now) {
        Ok(r) => r,
        Err(w) => {
            warnings.push(w);
            None
        }
    };
    Gathered {
        evidence: Evidence {
            vaults,
            scans: latest_scans(profile),
            documents: gather_documents(profile, now),
            registers,
        },
        warnings,
    }
}

fn gather_vault(
    profile: &Profile,
    dir: &Path,
    from: OffsetDateTime,
    to: OffsetDateTime,
    now: OffsetDateTime,
) -> VaultEvidence {
    let shown = dir.display().to_string();
    let path = profile.resolve(dir);
    let mut ev = VaultEvidence {
        dir: shown,
        collected: now,
        error: None,
        origin: None,
        retention: None,
        records: 0,
        window_start: Some(from),
        window_end: Some(to),
        sources: Vec::new(),
        unreadable: Vec::new(),
        structure: None,
        last_full_verify: None,
    };
    let store = match vault::Store::open(&path) {
        Ok(s) => s,
        Err(e) => {
            ev.error = Some(e.to_string());
            return ev;
        }
    };
    ev.origin = Some(store.config().origin.clone());
    ev.retention = Some(store.retention().to_string());
    let gaps: BTreeMap<String, time::Duration> = profile
        .log_sources
        .iter()
        .filter(|s| s.vault == dir)
        .map(|s| (s.name.clone(), gap_of(s.max_gap)))
        .collect();
    let opts = vault::SpanOptions {
        from,
        to,
        gap: gap_of(profile.settings.max_gap),
        gaps,
    };
    match vault::spans(&store, &opts) {
        Ok(r) => {
            tracing::info!(
                vault = %path.display(),
                blocks = r.blocks,
                decoded = r.blocks_decoded,
                "coverage from block metadata"
            );
            ev.records = r.records;
            ev.unreadable = r.unreadable;
            ev.sources = r
                .sources
                .into_iter()
                .map(|s| SourceCoverage {
                    name: s.source,
                    first: Some(cst(s.first_ns)),
                    last: Some(cst(s.last_ns)),
                    gaps: s
                        .gaps
                        .iter()
                        .map(|g| Gap {
                            from: cst(g.from_ns),
                            to: cst(g.to_ns),
                        })
                        .collect(),
                    max_gap_secs: s.gap.whole_seconds(),
                })
                .collect();
        }
        Err(e) => ev.error = Some(e.to_string()),
    }
    let quick = vault::VerifyOptions {
        quick: true,
        ..vault::VerifyOptions::default()
    };
    match vault::verify(&store, &quick) {
        Ok(r) => {
            ev.structure = Some(Check {
                ok: r.is_intact(),
                problems: r
                    .findings
                    .iter()
                    .filter(|f| f.severity == vault::Severity::Error)
                    .map(|f| format!("{}: {}", f.kind, f.message))
                    .collect(),
            });
        }
        Err(e) => {
            ev.structure = Some(Check {
                ok: false,
                problems: vec![e.to_string()],
            });
        }
    }
    match vault::verified::latest(&path) {
        Ok(Some(v)) => {
            if let Some(at) = v.at() {
                ev.last_full_verify = Some(FullVerification {
                    at,
                    intact: v.intact,
                    records: v.size,
                    root: v.root.clone(),
                    errors: v.errors,
                    matches_store: vault::verified::matches(&store, &v),
                });
            }
        }
        Ok(None) => {}
        Err(e) => ev.unreadable.push(e.to_string()),
    }
    ev
}

/// A gap threshold as a length: a month counts 31 days, a year 366 (a
/// silence that long is a gap under any calendar).
fn gap_of(i: Interval) -> time::Duration {
    match i.0 {
        law::Period::Months(n) => time::Duration::days(31 * i64::from(n)),
        law::Period::Years(n) => time::Duration::days(366 * i64::from(n)),
        _ => i.fixed().unwrap_or(time::Duration::HOUR),
    }
}

fn cst(ns: i64) -> OffsetDateTime {
    vault::clock::from_ns(ns).to_offset(duties::assess::CST)
}

// ---- scans --------------------------------------------------------------------

/// The latest saved scan of each data store of the profile (in the order of the store ids):
/// the newest `scanned_at` among the results in the scans folder (`[settings] scans`) whose
/// `target_key` is the store's. A store never scanned has no entry.
pub fn latest_scans(profile: &Profile) -> Vec<ScanEvidence> {
    let dir = profile.resolve(&profile.settings.scans);
    let Ok(rd) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let keys: Vec<(String, String)> = profile
        .data_stores
        .iter()
        .map(|s| (s.id.clone(), store_key(profile, &s.target)))
        .collect();
    let mut best: BTreeMap<String, ScanEvidence> = BTreeMap::new();
    for e in rd.flatten() {
        let path = e.path();
        let name = e.file_name().to_string_lossy().into_owned();
        if !name.ends_with(".json") || name.starts_with(".tmp-") {
            continue;
        }
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        let Some(saved) = read_saved_scan(&bytes) else {
            tracing::warn!(file = %path.display(), "not a saved wangan scan result; skipped");
            continue;
        };
        for (id, key) in &keys {
            if &saved.key != key {
                continue;
            }
            let newer = best.get(id).is_none_or(|b| b.scanned_at < saved.scanned_at);
            if newer {
                best.insert(
                    id.clone(),
                    ScanEvidence {
                        store: id.clone(),
                        file: path.display().to_string(),
                        sha256: duties::sha256_hex(&bytes),
                        scanned_at: saved.scanned_at,
                        target: saved.target.clone(),
                        level: saved.level,
                        sensitive: saved.sensitive,
                        minors: saved.minors,
                        secrets: saved.secrets,
                        persons: saved.persons,
                        kinds: saved.kinds.clone(),
                        skipped: saved.skipped,
                    },
                );
            }
        }
    }
    best.into_values().collect()
}

/// The key that ties a saved scan to a data store of the profile: a URL
/// without its password, or the absolute path of a file or folder.
pub fn target_key(target: &str) -> String {
    if target.contains("://") && !target.starts_with("file://") {
        return scan::db::mask_target(target).replacen(":****@", "@", 1);
    }
    let p = Path::new(target.strip_prefix("file://").unwrap_or(target));
    std::fs::canonicalize(p)
        .unwrap_or_else(|_| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf()))
        .display()
        .to_string()
}

/// A data store's target as shown to a reader: a password in a URL masked, query dropped.
pub fn shown_target(target: &str) -> String {
    scan::db::mask_target(target)
}

/// The key of a data store's target as `wangan scan --save` writes it (paths
/// relative to the profile).
pub fn store_key(profile: &Profile, target: &str) -> String {
    if target.contains("://") && !target.starts_with("file://") {
        return target_key(target);
    }
    let p = profile.resolve(Path::new(target.strip_prefix("file://").unwrap_or(target)));
    target_key(&p.display().to_string())
}

struct SavedScan {
    key: String,
    target: String,
    scanned_at: OffsetDateTime,
    level: DataLevel,
    sensitive: bool,
    minors: bool,
    secrets: bool,
    persons: u64,
    kinds: Vec<String>,
    skipped: u64,
}

fn read_saved_scan(bytes: &[u8]) -> Option<SavedScan> {
    let v: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    if v["schema"] != "wangan.scan/1" {
        return None;
    }
    let scanned_at = vault::clock::parse_rfc3339(v["scanned_at"].as_str()?)?;
    let g = &v["grade"];
    let mut kinds: Vec<String> = v["datasets"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|d| d["kinds"].as_array().into_iter().flatten())
        .filter_map(|k| k["type"].as_str().map(str::to_owned))
        .collect();
    kinds.sort();
    kinds.dedup();
    Some(SavedScan {
        key: v["target_key"].as_str()?.to_owned(),
        target: v["target"].as_str().unwrap_or_default().to_owned(),
        scanned_at,
        level: DataLevel::from_name(g["level"].as_str()?)?,
        sensitive: g["sensitive"].as_bool().unwrap_or(false),
        minors: g["minors"].as_bool().unwrap_or(false),
        secrets: g["secrets"].as_bool().unwrap_or(false),
        persons: g["persons"].as_u64().unwrap_or(0),
        kinds,
        // only inputs that could not be read make a scan incomplete; files passed
        // over on purpose (ignored, special files, too large to matter) do not
        skipped: v["skipped"].as_array().map_or(0, |a| {
            a.iter()
                .filter(|s| s["unreadable"].as_bool().unwrap_or(true))
                .count() as u64
        }),
    })
}

// ---- documents ----------------------------------------------------------------

/// Hash every document the profile names.
fn gather_documents(profile: &Profile, now: OffsetDateTime) -> Vec<DocumentEvidence> {
    profile
        .documents
        .iter()
        .map(|d| {
            let path = profile.resolve(&d.path);
            let mut ev = DocumentEvidence {
                id: d.id.clone(),
                path: path.display().to_string(),
                collected: now,
                sha256: None,
                bytes: None,
                error: None,
            };
            match hash_file(&path) {
                Ok((h, n)) => {
                    ev.sha256 = Some(h);
                    ev.bytes = Some(n);
                }
                Err(e) => {
                    ev.error = Some(match e.kind() {
                        std::io::ErrorKind::NotFound => "not found".to_owned(),
                        _ => e.to_string(),
                    });
                }
            }
            ev
        })
        .collect()
}

fn hash_file(path: &Path) -> std::io::Result<(String, u64)> {
    use sha2::{Digest, Sha256};
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(std::io::Error::other("not a regular file"));
    }
    let mut f = std::fs::File::open(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut n = 0u64;
    loop {
        let k = f.read(&mut buf)?;
        if k == 0 {
            break;
        }
        h.update(&buf[..k]);
        n += k as u64;
    }
    Ok((h.finalize().iter().map(|b| format!("{b:02x}")).collect(), n))
}

// ---- registers ----------------------------------------------------------------

/// The registers store the profile names (`[settings] registers`, a SQLite path relative to
/// the profile or a PostgreSQL URL); `None` when it names none.
pub fn registers_location(p: &Profile) -> registers::Result<Option<registers::Location>> {
    let Some(r) = &p.settings.registers else {
        return Ok(None);
    };
    match registers::Location::parse(r)? {
        registers::Location::Sqlite(path) => {
            Ok(Some(registers::Location::Sqlite(p.resolve(&path))))
        }
        pg => Ok(Some(pg)),
    }
}

/// Where a profile's registers live and how they are read: the store the profile names (or
/// `registers.sqlite` in its vault), the settings of `registers.toml` in its vault (defaults
/// when there is none) with the profile's intervals, and the operator kind.
#[derive(Debug, Clone)]
pub struct RegistersOf {
    /// The store.
    pub location: registers::Location,
    /// The settings.
    pub settings: registers::Settings,
    /// Whose clocks are counted.
    pub kind: registers::OperatorKind,
}

/// The registers of a profile (see [`RegistersOf`]); the console opens the same store.
pub fn registers_of(p: &Profile) -> Result<RegistersOf, Warning> {
    let vault = p.resolve(&p.settings.vault);
    let location = registers_location(p)
        .map_err(|e| Warning::RegistersLocation(e.to_string()))?
        .unwrap_or_else(|| registers::Location::default_in(&vault));
    let mut settings = registers::Settings::load(&vault.join("registers.toml")).unwrap_or_default();
    settings.apply_profile(p);
    Ok(RegistersOf {
        location,
        settings,
        kind: registers::OperatorKind::from(p.operator.kind),
    })
}

/// The registers as evidence: the store the profile names (or `registers.sqlite` in its
/// vault), read as it stands at `as_of`; `Ok(None)` when there is no store (wangan keeps no
/// registers there).
pub fn register_evidence(
    p: &Profile,
    as_of: OffsetDateTime,
    now: OffsetDateTime,
) -> Result<Option<duties::RegisterSet>, Warning> {
    let RegistersOf {
        location,
        settings,
        kind,
    } = registers_of(p)?;
    let mut regs = match registers::Registers::open_existing(&location) {
        Ok(r) => r,
        Err(e) if e.kind() == registers::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Warning::RegistersUnreadable(e.to_string())),
    };
    registers::evidence::register_set(&mut regs, kind, &settings, as_of, now)
        .map(Some)
        .map_err(|e| Warning::RegistersUnreadable(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(dir: &Path) -> Profile {
        let text = duties::profile::template(duties::OperatorKind::Operator, false).replace(
            "target = \"postgres://wangan@127.0.0.1/users\"",
            "target = \"files\"",
        );
        let file = dir.join("profile.toml");
        std::fs::write(&file, &text).unwrap();
        duties::profile::parse(&text, &file).unwrap()
    }

    fn saved(key: &str, at: &str, level: &str, skipped: &str) -> String {
        format!(
            r#"{{"schema":"wangan.scan/1","scanned_at":"{at}","target":"files","target_key":{key:?},
            "grade":{{"level":"{level}","persons":3}},"datasets":[{{"kinds":[{{"type":"email"}},{{"type":"cn_mobile"}}]}}],
            "skipped":{skipped}}}"#
        )
    }

    #[test]
    fn the_newest_saved_scan_of_each_store_is_taken() {
        let tmp = tempfile::tempdir().unwrap();
        let p = profile(tmp.path());
        std::fs::create_dir_all(tmp.path().join("files")).unwrap();
        let scans = p.resolve(&p.settings.scans);
        std::fs::create_dir_all(&scans).unwrap();
        let key = store_key(&p, "files");
        assert!(Path::new(&key).is_absolute(), "{key}");
        let w = |name: &str, text: String| std::fs::write(scans.join(name), text).unwrap();
        w(
            "a.json",
            saved(&key, "2026-01-01T00:00:00Z", "general_pi", "[]"),
        );
        w(
            "b.json",
            saved(
                &key,
                "2026-02-01T00:00:00Z",
                "sensitive_pi",
                r#"[{"path":"x","unreadable":true},{"path":"y","unreadable":false}]"#,
            ),
        );
        w(
            "c.json",
            saved("/elsewhere", "2027-01-01T00:00:00Z", "no_pi", "[]"),
        );
        w(
            ".tmp-d.json",
            saved(&key, "2027-01-01T00:00:00Z", "no_pi", "[]"),
        );
        w("e.json", "{\"schema\":\"something else\"}".into());
        w("f.json", "not json".into());
        let got = latest_scans(&p);
        assert_eq!(got.len(), 1, "{got:?}");
        let s = &got[0];
        assert_eq!(s.store, "user-db");
        assert_eq!(s.level, DataLevel::SensitivePi);
        assert!(s.file.ends_with("b.json"));
        assert_eq!(s.skipped, 1, "only unreadable inputs count");
        assert_eq!(s.kinds, ["cn_mobile", "email"]);
        assert_eq!(s.persons, 3);
    }

    #[test]
    fn database_targets_are_keyed_and_shown_without_their_password() {
        assert_eq!(
            target_key("postgres://app:s3cret@db/crm"),
            "postgres://app@db/crm"
        );
        let shown = shown_target("mysql://root:pw@127.0.0.1/test?ssl=1");
        assert!(!shown.contains("pw") && !shown.contains("ssl"), "{shown}");
    }

    #[test]
    fn a_postgresql_registers_store_that_cannot_be_opened_is_a_warning_without_the_password() {
        let tmp = tempfile::tempdir().unwrap();
        let mut p = profile(tmp.path());
        // port 1: nothing listens there
        p.settings.registers = Some("postgres://audit:hunter2@127.0.0.1:1/test".into());
        let now = OffsetDateTime::now_utc();
        let Err(Warning::RegistersUnreadable(msg)) = register_evidence(&p, now, now) else {
            panic!("a store that cannot be opened is a warning");
        };
        assert!(!msg.contains("hunter2"), "{msg}");
        assert!(
            msg.contains("postgres://audit:****@127.0.0.1:1/test"),
            "{msg}"
        );
        if registers::POSTGRES {
            // built together with a crate that enables the feature (the workspace's test run)
            assert!(msg.contains("connect to"), "{msg}");
        } else {
            // `cargo test -p evidence`: registers as every engine crate builds it
            assert!(
                msg.contains("this build has no postgresql support"),
                "{msg}"
            );
        }
    }

    #[test]
    fn a_missing_registers_store_is_no_evidence_and_no_warning() {
        let tmp = tempfile::tempdir().unwrap();
        let p = profile(tmp.path());
        let now = OffsetDateTime::now_utc();
        assert_eq!(
            register_evidence(&p, now, now).map(|r| r.is_none()),
            Ok(true)
        );
        let g = gather(&p, now.date(), now);
        assert!(g.warnings.is_empty());
        assert!(
            g.evidence.vaults[0].error.is_some(),
            "no vault there: said, not skipped"
        );
        assert_eq!(g.evidence.documents.len(), p.documents.len());
        assert!(
            g.evidence
                .documents
                .iter()
                .all(|d| d.error.as_deref() == Some("not found"))
        );
    }
}
