//! The versioned JSON documents of a scan, as types: the report
//! (`wangan.scan/1`, also the saved result `wangan assess` reads) and the
//! JSONL line of one finding.
//!
//! Each type's fields are declared in sorted order, so the bytes are those
//! of a sorted `serde_json::Value` (the shape the documents always had).

use std::io::Write;

use serde::Serialize;

use crate::{Asset, Finding, Grade, IdPolicy, Policy, Report, grade};

/// The schema name of [`ScanDoc`].
pub const SCHEMA: &str = "wangan.scan/1";

/// What the policy note says in every report.
const POLICY_NOTE: &str = "thresholds are wangan defaults, not legal thresholds; grades are candidates to confirm against the sector or regional catalog";

/// The report of a scan (schema `wangan.scan/1`): the targets, the policy,
/// a summary, the overall grade candidate, every dataset with its assets
/// (fields) and kinds, and what was skipped. A saved result (`scan
/// --save`) also carries `scanned_at`, `target`, `target_key` and `wangan`.
#[derive(Debug, Clone, Serialize)]
pub struct ScanDoc {
    /// One entry per source (file, table, vault part), in source order.
    pub datasets: Vec<DatasetDoc>,
    /// The overall grade candidate; `null` when nothing could be read.
    pub grade: Option<GradeDoc>,
    /// The thresholds used.
    pub policy: PolicyDoc,
    /// Saved results only: when the scan ended (RFC 3339, UTC).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scanned_at: Option<String>,
    /// Always [`SCHEMA`].
    pub schema: &'static str,
    /// The sources not scanned, and why.
    pub skipped: Vec<SkippedDoc>,
    /// Counts.
    pub summary: Summary,
    /// Saved results only: the target (credentials masked).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// Saved results only: the key that ties the result to a data store.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_key: Option<String>,
    /// The targets as given (credentials masked).
    pub targets: Vec<String>,
    /// Saved results only: the version of wangan that scanned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wangan: Option<String>,
}

/// A grade candidate with its reasons.
#[derive(Debug, Clone, Serialize)]
pub struct GradeDoc {
    /// The level's English label.
    pub label_en: &'static str,
    /// The level's Chinese label.
    pub label_zh: &'static str,
    /// `Level::name`: `no_pi`, `general_pi`, `sensitive_pi`, `important_candidate`.
    pub level: &'static str,
    /// Whether minors' information was found.
    pub minors: bool,
    /// Distinct persons (an estimate when `persons_estimated`).
    pub persons: u64,
    /// Whether `persons` is an estimate.
    pub persons_estimated: bool,
    /// Why.
    pub reasons: Vec<ReasonDoc>,
    /// Whether secrets were found.
    pub secrets: bool,
    /// Whether sensitive personal information was found.
    pub sensitive: bool,
}

/// One reason of a grade.
#[derive(Debug, Clone, Serialize)]
pub struct ReasonDoc {
    /// Stable code (`pi`, `sensitive:bank_card`, `minor`, `scale`, …).
    pub code: String,
    /// English text.
    pub en: String,
    /// Chinese text.
    pub zh: String,
}

impl From<&Grade> for GradeDoc {
    fn from(g: &Grade) -> Self {
        GradeDoc {
            label_en: g.level.label_en(),
            label_zh: g.level.label_zh(),
            level: g.level.name(),
            minors: g.minors,
            persons: g.persons,
            persons_estimated: g.persons_estimated,
            reasons: g
                .reasons
                .iter()
                .map(|r| ReasonDoc {
                    code: r.code.clone(),
                    en: r.en.clone(),
                    zh: r.zh.clone(),
                })
                .collect(),
            secrets: g.secrets,
            sensitive: g.sensitive,
        }
    }
}

/// The thresholds of a scan.
#[derive(Debug, Clone, Serialize)]
pub struct PolicyDoc {
    /// `gbt35273` or `gbt45574`.
    pub id_policy: &'static str,
    /// Distinct persons for an important-data candidate.
    pub important_persons: u64,
    /// Distinct persons with sensitive PI for an important-data candidate.
    pub important_sensitive_persons: u64,
    /// That these are our defaults, not the law's.
    pub note: &'static str,
    /// Location points that make a trajectory.
    pub trajectory_points: u64,
}

impl From<&Policy> for PolicyDoc {
    fn from(p: &Policy) -> Self {
        PolicyDoc {
            id_policy: match p.id_policy {
                IdPolicy::Gbt35273 => "gbt35273",
                IdPolicy::Gbt45574 => "gbt45574",
            },
            important_persons: p.important_persons,
            important_sensitive_persons: p.important_sensitive_persons,
            note: POLICY_NOTE,
            trajectory_points: p.trajectory_points,
        }
    }
}

/// The counts of a scan.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// Bytes read.
    pub bytes: u64,
    /// Whether every input could be read.
    pub complete: bool,
    /// Findings already masked or de-identified.
    pub deidentified: u64,
    /// Findings.
    pub findings: u64,
    /// Rows or records read.
    pub rows: u64,
    /// Sources read.
    pub sources: u64,
    /// Inputs that could not be read.
    pub unreadable: usize,
}

/// One source.
#[derive(Debug, Clone, Serialize)]
pub struct DatasetDoc {
    /// Its fields (columns, JSON paths; `null` field for plain text).
    pub assets: Vec<AssetDoc>,
    /// Its grade candidate.
    pub grade: GradeDoc,
    /// What it holds, all fields together.
    pub kinds: Vec<KindDoc>,
    /// The source (path, table, vault part).
    pub source: String,
}

/// One field of a source.
#[derive(Debug, Clone, Serialize)]
pub struct AssetDoc {
    /// The field (`null`: the source as a whole).
    pub field: Option<String>,
    /// Its grade candidate.
    pub grade: GradeDoc,
    /// What it holds.
    pub kinds: Vec<KindDoc>,
}

/// One kind of information in an asset.
#[derive(Debug, Clone, Serialize)]
pub struct KindDoc {
    /// Category, English.
    pub category_en: &'static str,
    /// Category, Chinese.
    pub category_zh: &'static str,
    /// Highest confidence (0–100).
    pub confidence: u8,
    /// Findings.
    pub count: u64,
    /// Already masked or de-identified.
    pub deidentified: u64,
    /// Distinct values (estimated past a bound).
    pub distinct: u64,
    /// Findings of minors.
    pub minors: u64,
    /// One masked value.
    pub sample: Option<String>,
    /// Whether it is sensitive PI under the policy.
    pub sensitive: bool,
    /// `Kind::name`.
    #[serde(rename = "type")]
    pub kind: &'static str,
}

/// What holds the kinds of an asset under a policy.
fn kinds(a: &Asset, p: &Policy) -> Vec<KindDoc> {
    a.kinds
        .iter()
        .map(|(k, s)| {
            let (cz, ce) = grade::category(*k);
            KindDoc {
                category_en: ce,
                category_zh: cz,
                confidence: s.max_confidence,
                count: s.count,
                deidentified: s.deidentified,
                distinct: s.distinct(),
                minors: s.minors,
                sample: s.sample.map(|m| m.as_str().to_owned()),
                sensitive: grade::is_sensitive(*k, s, p),
                kind: k.name(),
            }
        })
        .collect()
}

/// A source not scanned.
#[derive(Debug, Clone, Serialize)]
pub struct SkippedDoc {
    /// Why.
    pub reason: String,
    /// The source.
    pub source: String,
    /// Whether it could not be read (rather than skipped on purpose).
    pub unreadable: bool,
}

impl ScanDoc {
    /// The report of `r` (sorted) under `p`, for `targets` (credentials
    /// already masked), with the overall grade (see
    /// [`ScanDoc::withhold_grade_if_nothing_read`]).
    pub fn new(r: &Report, p: &Policy, targets: &[String]) -> ScanDoc {
        let total = r.total();
        let unreadable = r.unreadable().count();
        ScanDoc {
            datasets: r
                .datasets()
                .iter()
                .map(|d| DatasetDoc {
                    assets: r
                        .assets
                        .iter()
                        .filter(|a| a.source == d.source)
                        .map(|a| AssetDoc {
                            field: a.field.clone(),
                            grade: GradeDoc::from(&grade(a, p)),
                            kinds: kinds(a, p),
                        })
                        .collect(),
                    grade: GradeDoc::from(&grade(d, p)),
                    kinds: kinds(d, p),
                    source: d.source.clone(),
                })
                .collect(),
            grade: Some(GradeDoc::from(&grade(&total, p))),
            policy: PolicyDoc::from(p),
            scanned_at: None,
            schema: SCHEMA,
            skipped: r
                .skipped
                .iter()
                .map(|s| SkippedDoc {
                    reason: s.reason.clone(),
                    source: s.source.clone(),
                    unreadable: s.unreadable,
                })
                .collect(),
            summary: Summary {
                bytes: r.bytes,
                complete: unreadable == 0,
                deidentified: total.kinds.values().map(|k| k.deidentified).sum(),
                findings: total.kinds.values().map(|k| k.count).sum(),
                rows: r.rows,
                sources: r.sources,
                unreadable,
            },
            target: None,
            target_key: None,
            targets: targets.to_vec(),
            wangan: None,
        }
    }
}

impl ScanDoc {
    /// No verdict on what could not be read: the grade becomes `null` when
    /// inputs could not be read and nothing was (the report printed; a saved
    /// result keeps the grade of the empty scan).
    pub fn withhold_grade_if_nothing_read(&mut self) {
        if self.summary.unreadable > 0 && self.summary.bytes == 0 {
            self.grade = None;
        }
    }
}

/// One JSONL line of a finding: `{byte_end, byte_start, confidence,
/// deidentified, field, masked, minor, path, row, type}`.
#[derive(Debug, Clone, Serialize)]
pub struct FindingLine<'a> {
    /// End byte offset (exclusive).
    pub byte_end: u64,
    /// Start byte offset.
    pub byte_start: u64,
    /// Confidence (0–100).
    pub confidence: u8,
    /// Whether the value was already masked.
    pub deidentified: bool,
    /// The field (column, JSON path), if any.
    pub field: Option<&'a str>,
    /// The value, masked.
    pub masked: &'a str,
    /// Whether it is a minor's.
    pub minor: bool,
    /// The source.
    pub path: &'a str,
    /// The row (databases, CSV), if any.
    pub row: Option<u64>,
    /// `Kind::name`.
    #[serde(rename = "type")]
    pub kind: &'static str,
}

impl<'a> FindingLine<'a> {
    /// The line of `f`, found in `source` (at `field`, `row`).
    pub fn new(
        source: &'a str,
        field: Option<&'a str>,
        row: Option<u64>,
        f: &'a Finding,
    ) -> FindingLine<'a> {
        FindingLine {
            byte_end: f.end,
            byte_start: f.start,
            confidence: f.confidence,
            deidentified: f.is_deidentified(),
            field,
            masked: f.masked.as_str(),
            minor: f.is_minor(),
            path: source,
            row,
            kind: f.kind.name(),
        }
    }

    /// Write the line and its newline.
    pub fn write(&self, w: &mut impl Write) -> std::io::Result<()> {
        serde_json::to_writer(&mut *w, self)?;
        w.write_all(b"\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    /// The JSONL line as a `serde_json::Value` writes it (the reference).
    fn finding_json(source: &str, field: Option<&str>, row: Option<u64>, f: &Finding) -> Value {
        json!({
            "path": source,
            "field": field,
            "row": row,
            "type": f.kind.name(),
            "byte_start": f.start,
            "byte_end": f.end,
            "masked": f.masked.as_str(),
            "confidence": f.confidence,
            "deidentified": f.is_deidentified(),
            "minor": f.is_minor(),
        })
    }

    /// The JSONL lines are byte for byte those of the `Value` rendering,
    /// for every kind of finding and awkward paths and fields.
    #[test]
    fn finding_lines_equal_value_rendering() {
        let text = "身份证号11010519491231002X，手机138 0013 8000，邮箱 zhang.san@example.com，\
                    IP 10.1.2.3，卡号 6222021234567890123，已掩码 138****8000，\
                    统一社会信用代码 91350100M000100Y43，地址 北京市朝阳区建国路88号 张三";
        let mut found = Vec::new();
        crate::Detector::default().scan(text.as_bytes(), crate::Hint::default(), &mut found);
        assert!(found.len() >= 5, "{found:?}");
        let sources = ["a.log", "dir/\"q\"\\b\u{1}\t.csv", "数据/用户.json", ""];
        let fields = [None, Some("手机"), Some("$.a[\"x\"]"), Some("\u{7f}\n")];
        let rows = [None, Some(0), Some(u64::MAX)];
        for f in &found {
            for source in sources {
                for field in fields {
                    for row in rows {
                        let mut want = serde_json::to_vec(&finding_json(source, field, row, f))
                            .expect("serialize");
                        want.push(b'\n');
                        let mut got = Vec::new();
                        FindingLine::new(source, field, row, f)
                            .write(&mut got)
                            .expect("write");
                        assert_eq!(
                            String::from_utf8_lossy(&got),
                            String::from_utf8_lossy(&want)
                        );
                    }
                }
            }
        }
    }
}
