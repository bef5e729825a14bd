//! The assessment in the console.
//!
//! With `[console] profile` set, the console runs the assessment itself: the `evidence` crate
//! gathers what the profile points at (the same code as `wangan assess`), `duties` decides,
//! and the result is written as `wangan.assess/1` JSON to `[console] assessment` (default
//! `<data-dir>/assess.json`), the file the dashboard and the duties page show.
//!
//! Who may do what: running changes what the console shows everyone (the saved file) and
//! records an event in the vault, so it needs the `operator` role (or `admin`). Gathering
//! itself writes nothing. An `auditor` sees the duties and downloads the reports of the latest
//! run in every format, and never runs one.
//!
//! The reports (HTML, Markdown, OSCAL, CSV, the yearly CII report) are rendered from the
//! saved file, read back as a [`duties::Assessment`]: they survive a restart of the server,
//! and a file written by `wangan assess --format json` (e.g. daily from cron) downloads in
//! every format too. A run of this process is kept in memory with who ran it and its
//! warnings, as long as the file still holds what it saved.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use maud::{Markup, html};
use serde_json::Value;

use super::Lang;

/// Statuses worst first: key, Chinese, English, badge tone.
pub const STATUSES: [(&str, &str, &str, &str); 6] = [
    ("not-met", "未履行", "not met", "bad"),
    ("partly-met", "部分履行", "partly met", "warn"),
    ("needs-evidence", "待补证据", "needs evidence", "warn"),
    ("waived", "豁免", "waived", ""),
    ("met", "已履行", "met", "good"),
    ("not-applicable", "不适用", "not applicable", ""),
];

/// The assessment file read and checked, with its modification time.
pub struct Loaded {
    /// The document.
    pub doc: Value,
    /// The raw bytes (for download).
    pub bytes: Vec<u8>,
}

/// Read `path`; `Ok(None)` when there is no file.
pub fn load(path: &Path) -> Result<Option<Loaded>, String> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("read {}: {e}", path.display())),
    };
    let doc: Value =
        serde_json::from_slice(&bytes).map_err(|e| format!("{}: not JSON: {e}", path.display()))?;
    if doc["schema"] != "wangan.assess/1" {
        return Err(format!(
            "{}: schema is {}, not \"wangan.assess/1\"",
            path.display(),
            doc["schema"]
        ));
    }
    Ok(Some(Loaded { doc, bytes }))
}

fn text(v: &Value, lang: Lang) -> &str {
    v[lang.code()].as_str().or_else(|| v.as_str()).unwrap_or("")
}

fn rank(status: &str) -> usize {
    STATUSES
        .iter()
        .position(|s| s.0 == status)
        .unwrap_or(STATUSES.len())
}

/// The duties, worst first (stable within a status).
pub fn duties_worst_first(doc: &Value) -> Vec<&Value> {
    let mut v: Vec<&Value> = doc["duties"]
        .as_array()
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    v.sort_by_key(|d| rank(d["status"].as_str().unwrap_or("")));
    v
}

/// Counts by status as badges.
pub fn counts(doc: &Value, lang: Lang) -> Markup {
    html! {
        p.counts {
            @for (key, zh, en, tone) in STATUSES {
                @let n = doc["summary"][key.replace('-', "_")].as_u64().unwrap_or(0);
                span class=(format!("badge {tone}")) { (lang.t(zh, en)) " " strong { (n) } }
                " "
            }
        }
    }
}

/// A table of duties.
pub fn table(duties: &[&Value], lang: Lang) -> Markup {
    html! {
        table.data {
            thead { tr {
                th scope="col" { (lang.t("状态", "Status")) }
                th scope="col" { (lang.t("义务", "Duty")) }
                th scope="col" { (lang.t("条款", "Article")) }
                th scope="col" { (lang.t("理由与下一步", "Why, and what next")) }
            } }
            tbody {
                @for d in duties {
                    @let st = d["status"].as_str().unwrap_or("");
                    @let s = STATUSES.iter().find(|s| s.0 == st);
                    tr {
                        td.nowrap {
                            span class=(format!("badge {}", s.map_or("", |s| s.3))) {
                                (s.map_or(st, |s| lang.t(s.1, s.2)))
                            }
                            @if d["overdue"].as_bool() == Some(true) { " " span.badge.bad { (lang.t("已逾期", "overdue")) } }
                        }
                        th scope="row" { (text(&d["title"], lang)) br; span.muted.small.mono { (d["id"].as_str().unwrap_or("")) } }
                        td { (d["article"]["label"].as_str().unwrap_or("")) }
                        td.small {
                            (text(&d["reason"], lang))
                            @if let Some(r) = d["remediation"].as_array().and_then(|a| a.first()) {
                                br; span.muted { "→ " (text(r, lang)) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Read and check an operator's profile.
pub fn load_profile(path: &Path) -> Result<duties::Profile, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the profile {}: {e}", path.display()))?;
    duties::profile::parse(&text, path).map_err(|e| format!("invalid profile: {e}"))
}

/// One assessment run by the console, or read back from the saved file.
#[derive(Debug)]
pub struct Run {
    /// The assessment.
    pub assessment: duties::Assessment,
    /// The profile it was made from (the yearly CII report reads it). For a run read back
    /// from the file: the configured profile, only while it is the one assessed (same
    /// SHA-256).
    pub profile: Option<duties::Profile>,
    /// Who ran it (a user name or `token:<id>`); `None` for a run read back from the file
    /// (the vault's `assessment.run` event names who made it).
    pub by: Option<String>,
    /// Problems that left a part of the evidence out (known for a run of this process).
    pub warnings: Vec<String>,
    /// The saved file's bytes this run is.
    saved: Vec<u8>,
}

/// Why a run did not happen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunError {
    /// No `[console] profile`.
    NoProfile,
    /// Another run is in progress.
    Busy,
    /// The profile could not be read or is invalid.
    Profile(String),
    /// The result could not be saved.
    Save(String),
}

impl RunError {
    /// The message, in Chinese or English.
    pub fn text(&self, lang: Lang) -> String {
        match self {
            RunError::NoProfile => lang
                .t(
                    "没有配置运营者画像（wangan.toml 的 [console] profile），控制台无法运行评估。",
                    "No operator profile is configured ([console] profile in wangan.toml), so the console cannot run an assessment.",
                )
                .to_owned(),
            RunError::Busy => lang
                .t("另一次评估正在运行。", "Another assessment is running.")
                .to_owned(),
            RunError::Profile(e) => format!("{}{e}", lang.t("画像有误：", "profile problem: ")),
            RunError::Save(e) => format!(
                "{}{e}",
                lang.t("评估结果无法保存：", "the assessment could not be saved: ")
            ),
        }
    }
}

/// Runs assessments, one at a time, and reads the latest back.
#[derive(Debug)]
pub struct Runner {
    profile: Option<PathBuf>,
    out: PathBuf,
    latest: Mutex<Option<Arc<Run>>>,
    busy: std::sync::atomic::AtomicBool,
}

impl Runner {
    /// A runner for `profile`, saving to `out`.
    pub fn new(profile: Option<PathBuf>, out: PathBuf) -> Runner {
        Runner {
            profile,
            out,
            latest: Mutex::new(None),
            busy: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// Whether a profile is configured.
    pub fn configured(&self) -> bool {
        self.profile.is_some()
    }

    /// The profile's path.
    pub fn profile_path(&self) -> Option<&Path> {
        self.profile.as_deref()
    }

    /// The assessment in the saved file (blocking: it reads the file): this process's run
    /// while the file holds what it saved, else the file read back. `Ok(None)`: no file;
    /// `Err`: a file that is not a `wangan.assess/1` assessment this build reads (the
    /// message names the file and the place).
    pub fn latest(&self) -> Result<Option<Arc<Run>>, String> {
        let bytes = match std::fs::read(&self.out) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(format!("read {}: {e}", self.out.display())),
        };
        let mut g = self.latest.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(r) = g.as_ref().filter(|r| r.saved == bytes) {
            return Ok(Some(r.clone()));
        }
        let assessment: duties::Assessment = serde_json::from_slice(&bytes).map_err(|e| {
            format!(
                "{}: not a wangan.assess/1 assessment: {e}",
                self.out.display()
            )
        })?;
        let profile = self
            .profile
            .as_deref()
            .and_then(|p| load_profile(p).ok())
            .filter(|p| p.sha256 == assessment.profile.sha256);
        let run = Arc::new(Run {
            assessment,
            profile,
            by: None,
            warnings: Vec::new(),
            saved: bytes,
        });
        *g = Some(run.clone());
        Ok(Some(run))
    }

    /// Gather, decide, save and keep (blocking: call on a blocking thread). `at` is the date
    /// assessed (default today in China Standard Time).
    pub fn run(&self, by: &str, at: Option<time::Date>) -> Result<Arc<Run>, RunError> {
        use std::sync::atomic::Ordering;
        let Some(path) = &self.profile else {
            return Err(RunError::NoProfile);
        };
        if self.busy.swap(true, Ordering::AcqRel) {
            return Err(RunError::Busy);
        }
        // released however the run ends (a panic included)
        struct Release<'a>(&'a std::sync::atomic::AtomicBool);
        impl Drop for Release<'_> {
            fn drop(&mut self) {
                self.0.store(false, Ordering::Release);
            }
        }
        let _release = Release(&self.busy);
        self.run_inner(path, by, at)
    }

    fn run_inner(
        &self,
        path: &Path,
        by: &str,
        at: Option<time::Date>,
    ) -> Result<Arc<Run>, RunError> {
        let profile = load_profile(path).map_err(RunError::Profile)?;
        let now = time::OffsetDateTime::now_utc();
        let at = at.unwrap_or_else(|| now.to_offset(duties::assess::CST).date());
        let (assessment, warnings) = evidence::assess(&profile, at, now);
        let warnings = warnings
            .iter()
            .map(|w| format!("{}: {}", w.what().1, w.detail()))
            .collect();
        let saved = report::json(&assessment).into_bytes();
        save_atomically(&self.out, &saved)
            .map_err(|e| RunError::Save(format!("{}: {e}", self.out.display())))?;
        let run = Arc::new(Run {
            assessment,
            profile: Some(profile),
            by: Some(by.to_owned()),
            warnings,
            saved,
        });
        *self.latest.lock().unwrap_or_else(|e| e.into_inner()) = Some(run.clone());
        Ok(run)
    }
}

/// [`Runner::latest`] off the async threads.
pub async fn latest(runner: &Arc<Runner>) -> Result<Option<Arc<Run>>, String> {
    let r = runner.clone();
    tokio::task::spawn_blocking(move || r.latest())
        .await
        .unwrap_or_else(|e| Err(e.to_string()))
}

/// Write `bytes` to `path` through a temporary file in the same folder and a rename.
fn save_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "assess.json".into());
    let tmp = dir.join(format!(".tmp-{name}"));
    let mut f = std::fs::File::create(&tmp)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    drop(f);
    std::fs::rename(&tmp, path)
}

/// A report format from its key (`html`, `md`, `json`, `oscal`, `csv`); the terminal text is
/// not offered.
pub fn format_of(key: &str) -> Option<report::Format> {
    report::Format::ALL
        .into_iter()
        .find(|f| f.key() == key && *f != report::Format::Text)
}

/// The formats offered for download, in the order shown.
pub const FORMATS: [(&str, &str); 5] = [
    ("html", "HTML"),
    ("md", "Markdown"),
    ("json", "JSON"),
    ("oscal", "OSCAL"),
    ("csv", "CSV"),
];

/// Render the run in `format` and `lang`: the bytes, the media type and a file name.
pub fn render(run: &Run, format: report::Format, lang: Lang) -> (Vec<u8>, &'static str, String) {
    let l = match lang {
        Lang::Zh => duties::Lang::Zh,
        Lang::En => duties::Lang::En,
    };
    let text = report::render(&run.assessment, format, &report::Options::new(l));
    let stem = match format {
        report::Format::Oscal => "assessment-results",
        _ => "assessment",
    };
    let name = format!(
        "wangan-{stem}-{}-{}.{}",
        run.assessment.at,
        lang.code(),
        format.extension()
    );
    (text.into_bytes(), format.media_type(), name)
}

/// The yearly CII assessment report (检测评估情况和改进措施, `report::yearly`, as `wangan
/// assess --report cii-yearly` writes it) of a run, with the registers' records: the bytes,
/// the media type and a file name.
pub fn yearly(
    run: &Run,
    registers: Option<&(String, Vec<registers::Record>)>,
    store: &super::regs::RegStore,
    format: report::yearly::YearlyFormat,
    lang: Lang,
) -> Result<(Vec<u8>, &'static str, String), String> {
    let Some(profile) = &run.profile else {
        return Err(lang
            .t(
                "年度报告需要本次评估所用的画像，而配置的画像已不同（或无法读取）：请重新运行评估。",
                "the yearly report needs the profile this assessment was made from, and the configured profile differs from it (or cannot be read): run the assessment again",
            )
            .to_owned());
    };
    let input = report::yearly::YearlyInput {
        assessment: &run.assessment,
        profile,
        registers: registers.map(|(origin, records)| report::yearly::RegisterData {
            origin,
            records,
            operator: store.kind,
            settings: &store.settings,
        }),
    };
    let l = match lang {
        Lang::Zh => duties::Lang::Zh,
        Lang::En => duties::Lang::En,
    };
    let bytes = report::yearly::render(&input, format, l).map_err(|e| e.to_string())?;
    let (from, to) = report::yearly::period(&run.assessment);
    let name = format!(
        "wangan-cii-yearly-{from}-{to}-{}.{}",
        lang.code(),
        format.key()
    );
    Ok((bytes, format.media_type(), name))
}

// ---- scans ---------------------------------------------------------------------------

/// One data store of the profile with its latest saved scan (an item of
/// [`super::contract::ScansDoc`]; fields in sorted order).
#[derive(Debug, Clone, serde::Serialize)]
pub struct ScanRow {
    /// Declared important data.
    pub important: bool,
    /// The latest scan, when there is one.
    pub scan: Option<ScanState>,
    /// The store's id in the profile.
    pub store: String,
    /// Its target, credentials masked.
    pub target: String,
}

/// A saved scan as shown (fields in sorted order).
#[derive(Debug, Clone, serde::Serialize)]
pub struct ScanState {
    /// The saved result's file name.
    pub file: String,
    /// Kinds of data found.
    pub kinds: Vec<String>,
    /// The grade: `no_pi`, `general_pi`, `sensitive_pi` or `important_candidate`.
    pub level: String,
    /// The grade for a reader.
    pub level_label: super::contract::Label,
    /// Minors' personal information found.
    pub minors: bool,
    /// Distinct persons.
    pub persons: u64,
    /// When it was scanned (RFC 3339).
    pub scanned_at: String,
    /// Secrets found.
    pub secrets: bool,
    /// Sensitive personal information found.
    pub sensitive: bool,
    /// Older than the store's `scan_max_age`.
    pub stale: bool,
    /// The day it goes (or went) stale.
    pub stale_after: String,
    /// Inputs that could not be read.
    pub unreadable: u64,
}

/// Every data store of the profile at `path` with its latest saved scan, read now (blocking).
pub fn scans(path: &Path) -> Result<Vec<ScanRow>, String> {
    let profile = load_profile(path)?;
    let now = time::OffsetDateTime::now_utc();
    let at = now.to_offset(duties::assess::CST).date();
    let as_of = duties::as_of(at, now);
    let latest = evidence::latest_scans(&profile);
    Ok(profile
        .data_stores
        .iter()
        .map(|st| {
            let scan = latest.iter().find(|s| s.store == st.id).map(|s| {
                let (fresh, stale_after) = duties::scan_fresh(st, s.scanned_at, at, as_of);
                ScanState {
                    scanned_at: s
                        .scanned_at
                        .format(&time::format_description::well_known::Rfc3339)
                        .unwrap_or_default(),
                    level: s.level.name().to_owned(),
                    level_label: {
                        let l = s.level.label();
                        super::contract::Label {
                            en: l.en.into(),
                            zh: l.zh.into(),
                        }
                    },
                    sensitive: s.sensitive,
                    minors: s.minors,
                    secrets: s.secrets,
                    persons: s.persons,
                    kinds: s.kinds.clone(),
                    unreadable: s.skipped,
                    stale: !fresh,
                    stale_after: stale_after.to_string(),
                    file: Path::new(&s.file)
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default(),
                }
            });
            ScanRow {
                store: st.id.clone(),
                target: evidence::shown_target(&st.target),
                important: st.important,
                scan,
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_is_saved_kept_and_rendered_in_every_format() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("assess.json");
        assert_eq!(
            Runner::new(None, out.clone()).run("x", None).unwrap_err(),
            RunError::NoProfile
        );
        let profile = tmp.path().join("profile.toml");
        std::fs::write(&profile, "version = 1\n[operator]\nkind = \"nonsense\"\n").unwrap();
        let r = Runner::new(Some(profile.clone()), out.clone());
        assert!(matches!(r.run("x", None), Err(RunError::Profile(_))));
        assert!(
            r.latest().unwrap().is_none() && !out.exists(),
            "nothing saved"
        );
        std::fs::write(
            &profile,
            duties::profile::template(duties::OperatorKind::CiiOperator, false),
        )
        .unwrap();
        let at = time::macros::date!(2025 - 12 - 31);
        let run = r.run("alice", Some(at)).unwrap();
        assert_eq!(run.by.as_deref(), Some("alice"));
        assert_eq!(run.assessment.at, at);
        assert_eq!(run.assessment.law.key, "2016", "CSL-2016 on 2025-12-31");
        let saved = load(&out).unwrap().unwrap();
        assert_eq!(saved.doc["at"], "2025-12-31");
        let latest = r.latest().unwrap().unwrap();
        assert!(
            Arc::ptr_eq(&latest, &run),
            "the run itself while the file holds it"
        );
        // another runner (a restart) reads it back: the same assessment, its profile, no author
        let back = Runner::new(Some(profile.clone()), out.clone())
            .latest()
            .unwrap()
            .unwrap();
        assert!(back.by.is_none() && back.profile.is_some());
        assert_eq!(
            report::json(&back.assessment),
            report::json(&run.assessment)
        );
        assert!(!tmp.path().join(".tmp-assess.json").exists());
        for (key, _) in FORMATS {
            let f = format_of(key).unwrap();
            let (bytes, ctype, name) = render(&run, f, Lang::En);
            assert!(bytes.len() > 1000, "{key}");
            assert_eq!(ctype, f.media_type());
            assert!(
                name.starts_with("wangan-") && name.contains("2025-12-31-en"),
                "{name}"
            );
        }
        assert!(format_of("text").is_none() && format_of("").is_none());
        // the data stores with their scans: the example's one, never scanned
        let rows = scans(&profile).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].store, "user-db");
        assert!(rows[0].scan.is_none());
    }
}
