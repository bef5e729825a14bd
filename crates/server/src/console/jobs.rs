//! A full verification run from the console: one at a time, on its own thread, with its
//! progress readable while it runs. The result of the last one is kept in
//! `<data-dir>/console-verify.json` (what the dashboard shows after a restart) and recorded
//! in the vault as a `verify` event by the caller.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};

/// File holding the last verification's result.
pub const LAST_FILE: &str = "console-verify.json";

/// The outcome of one verification.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VerifyResult {
    /// Start, ns since the epoch.
    pub started_ns: i64,
    /// End, ns since the epoch.
    pub finished_ns: i64,
    /// Who asked for it.
    pub by: String,
    /// Records in the store when it started.
    pub size: u64,
    /// Records whose hashes were recomputed.
    pub records_checked: u64,
    /// No error-level finding.
    pub intact: bool,
    /// Findings: severity, kind, message.
    pub findings: Vec<(String, String, String)>,
    /// The store could not be read at all.
    pub error: Option<String>,
}

/// What the job is doing.
#[derive(Debug, Clone)]
pub enum JobState {
    /// Nothing runs.
    Idle,
    /// Running since `started_ns`, asked for by `by`, over `total` records.
    Running {
        /// Start, ns.
        started_ns: i64,
        /// Who.
        by: String,
        /// Records to check.
        total: u64,
    },
}

/// The verification job.
#[derive(Debug)]
pub struct VerifyJob {
    path: PathBuf,
    state: Mutex<JobState>,
    progress: AtomicU64,
    last: Mutex<Option<VerifyResult>>,
}

impl VerifyJob {
    /// The job of data directory `dir` (loads the last result).
    pub fn new(dir: &Path) -> VerifyJob {
        let path = dir.join(LAST_FILE);
        let last = std::fs::read(&path)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok());
        VerifyJob {
            path,
            state: Mutex::new(JobState::Idle),
            progress: AtomicU64::new(0),
            last: Mutex::new(last),
        }
    }

    /// The current state and the records checked so far.
    pub fn state(&self) -> (JobState, u64) {
        let s = self.state.lock().unwrap_or_else(|e| e.into_inner()).clone();
        (s, self.progress.load(Ordering::Relaxed))
    }

    /// The last finished verification.
    pub fn last(&self) -> Option<VerifyResult> {
        self.last.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Claim the job for `by`; false when one runs already.
    pub fn try_start(&self, by: &str, total: u64) -> bool {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if matches!(*s, JobState::Running { .. }) {
            return false;
        }
        self.progress.store(0, Ordering::Relaxed);
        *s = JobState::Running {
            started_ns: super::now_ns(),
            by: by.to_owned(),
            total,
        };
        true
    }

    /// Run the claimed verification over the vault in `dir` (blocking; call on a blocking
    /// thread) and keep its result.
    pub fn run(&self, dir: &Path) -> VerifyResult {
        let (started_ns, by) = match &*self.state.lock().unwrap_or_else(|e| e.into_inner()) {
            JobState::Running { started_ns, by, .. } => (*started_ns, by.clone()),
            JobState::Idle => (super::now_ns(), String::new()),
        };
        let progress = |n: u64| self.progress.store(n, Ordering::Relaxed);
        let r = vault::Store::open(dir).and_then(|store| {
            let size = store.size();
            let rep = vault::verify(
                &store,
                &vault::VerifyOptions {
                    progress: Some(&progress),
                    ..Default::default()
                },
            )?;
            // the same record `wangan vault verify` keeps, which `wangan assess` reads
            if let Ok(root) = store.root_at(rep.size) {
                let v = vault::verified::Verified::new(&rep, root, time::OffsetDateTime::now_utc());
                if let Err(e) = vault::verified::append(dir, &v) {
                    tracing::warn!(error = %e, "verification not recorded in verified.log");
                }
            }
            Ok((size, rep))
        });
        let result = match r {
            Ok((size, rep)) => VerifyResult {
                started_ns,
                finished_ns: super::now_ns(),
                by,
                size,
                records_checked: rep.records_checked,
                intact: rep.is_intact(),
                findings: rep
                    .findings
                    .iter()
                    .map(|f| {
                        (
                            f.severity.name().to_owned(),
                            f.kind.to_owned(),
                            f.message.clone(),
                        )
                    })
                    .collect(),
                error: None,
            },
            Err(e) => VerifyResult {
                started_ns,
                finished_ns: super::now_ns(),
                by,
                size: 0,
                records_checked: 0,
                intact: false,
                findings: Vec::new(),
                error: Some(e.to_string()),
            },
        };
        if let Ok(b) = serde_json::to_vec_pretty(&result) {
            let tmp = self.path.with_extension("json.tmp");
            if std::fs::write(&tmp, b)
                .and_then(|()| std::fs::rename(&tmp, &self.path))
                .is_err()
            {
                tracing::warn!("the last verification's result could not be saved");
            }
        }
        *self.last.lock().unwrap_or_else(|e| e.into_inner()) = Some(result.clone());
        *self.state.lock().unwrap_or_else(|e| e.into_inner()) = JobState::Idle;
        result
    }
}
