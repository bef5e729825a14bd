//! The latest assessment in the console: the JSON that `wangan assess --format json` writes
//! (schema `wangan.assess/1`), read from `[console] assessment` (default
//! `<data-dir>/assess.json`, e.g. refreshed daily by cron). The console does not gather the
//! evidence itself (that is the binary's `assess` command); it shows the duties by status,
//! worst first, with their article and what to do next, and serves the file for download.

use std::path::Path;

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
