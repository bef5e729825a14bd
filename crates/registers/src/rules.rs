//! What each register checks beyond field types (the order of times, counts
//! that must add up), which of its records still ask for something, and the
//! clocks and findings a record carries.

use serde::Serialize;
use serde_json::{Map, Value};
use time::{Duration, OffsetDateTime};

use crate::clock::{self, Deadline, Grade, IncidentTimes, OperatorKind};
use crate::error::{Result, invalid};
use crate::schema::{DataExt, FieldType, Register, read_value};
use crate::settings::{CatalogMatch, Settings};
use crate::text::{Msg, Provenance};

/// How far in the future a "has happened" time may lie (clock skew, time
/// zones typed wrong by an hour).
const FUTURE_SLACK: Duration = Duration::days(1);

fn rule(reg: Register, field: Option<&str>, zh: String, en: String) -> crate::Error {
    invalid(reg.key(), field, Msg::new(zh, en))
}

/// Fill in defaults a new record gets (status, computed MLPS level). An
/// incident recorded after it was handled (`handling_ended_at` given) starts
/// closed, as `close` would leave it.
pub(crate) fn defaults(reg: Register, data: &mut Map<String, Value>, s: &Settings) {
    let ended = data.contains_key("handling_ended_at");
    let mut put = |k: &str, v: Value| {
        data.entry(k.to_owned()).or_insert(v);
    };
    match reg {
        Register::Incident => put("status", Value::String(incident_status(ended).into())),
        Register::Plan => put("status", Value::String("current".into())),
        Register::Agreement => put("status", Value::String("in-force".into())),
        Register::BackgroundCheck => put("key_post", Value::Bool(true)),
        _ => {}
    }
    if reg == Register::Mlps
        && !data.contains_key("level")
        && let Some(g) = mlps_grading(data, s)
    {
        data.insert("level".into(), Value::from(g.level));
    }
}

/// An incident's status given whether its handling has ended: the status is
/// closed exactly when `handling_ended_at` is set.
pub(crate) fn incident_status(handling_ended: bool) -> &'static str {
    if handling_ended { "closed" } else { "open" }
}

/// The MLPS grading a record's inputs give.
pub fn mlps_grading(data: &Map<String, Value>, s: &Settings) -> Option<crate::mlps::Grading> {
    let b = crate::mlps::parse_harm(data.text("business")?).ok()?;
    let v = crate::mlps::parse_harm(data.text("service")?).ok()?;
    Some(crate::mlps::grade(b, v, s))
}

/// Check a whole record: known fields only, required fields present, every
/// value of its type, times in order. `now` bounds "has happened" times.
pub fn validate(reg: Register, data: &Map<String, Value>, now: OffsetDateTime) -> Result<()> {
    for (k, v) in data {
        let Some(field) = reg.field(k) else {
            let known: Vec<&str> = reg.fields().iter().map(|f| f.key).collect();
            return Err(rule(
                reg,
                Some(k),
                format!("不是本登记簿的字段（可用字段：{}）", known.join("、")),
                format!(
                    "is not a field of this register (fields: {})",
                    known.join(", ")
                ),
            ));
        };
        let again = read_value(reg, field, v)?;
        if &again != v {
            return Err(rule(
                reg,
                Some(k),
                format!("值 {v} 不是规范形式（应为 {again}）"),
                format!("value {v} is not in canonical form ({again})"),
            ));
        }
        if field.past {
            let late = match field.ty {
                FieldType::DateTime => data
                    .datetime(k)
                    .is_some_and(|t| t > now.saturating_add(FUTURE_SLACK)),
                FieldType::Date => data
                    .date(k)
                    .is_some_and(|d| d > now.saturating_add(FUTURE_SLACK).date()),
                _ => false,
            };
            if late {
                return Err(rule(
                    reg,
                    Some(k),
                    format!("{} 是将来的时间；这里只能记录已经发生的事", v),
                    format!("{v} lies in the future; only what has happened can be recorded here"),
                ));
            }
        }
    }
    for f in reg.fields() {
        if f.required && !data.contains_key(f.key) {
            return Err(rule(
                reg,
                Some(f.key),
                format!("必填（{}）", f.flag()),
                format!("is required ({})", f.flag()),
            ));
        }
    }
    cross_rules(reg, data)
}

fn not_before(reg: Register, data: &Map<String, Value>, later: &str, earlier: &str) -> Result<()> {
    let (a, b) = match (reg.field(later), reg.field(earlier)) {
        (Some(fa), Some(fb)) => (fa, fb),
        _ => return Ok(()),
    };
    let before = match (a.ty, b.ty) {
        (FieldType::DateTime, FieldType::DateTime) => {
            matches!((data.datetime(later), data.datetime(earlier)), (Some(x), Some(y)) if x < y)
        }
        (FieldType::Date, FieldType::Date) => {
            matches!((data.date(later), data.date(earlier)), (Some(x), Some(y)) if x < y)
        }
        _ => false,
    };
    if before {
        return Err(rule(
            reg,
            Some(later),
            format!(
                "{}（{}）早于{}（{}）",
                a.label.zh,
                data.text(later).unwrap_or(""),
                b.label.zh,
                data.text(earlier).unwrap_or("")
            ),
            format!(
                "{} ({}) is before {} ({})",
                a.label.en,
                data.text(later).unwrap_or(""),
                b.label.en,
                data.text(earlier).unwrap_or("")
            ),
        ));
    }
    Ok(())
}

fn cross_rules(reg: Register, d: &Map<String, Value>) -> Result<()> {
    match reg {
        Register::Incident => {
            not_before(reg, d, "discovered_at", "occurred_at")?;
            for k in [
                "reported_sector_at",
                "reported_police_at",
                "reported_cac_at",
                "handling_ended_at",
            ] {
                not_before(reg, d, k, "discovered_at")?;
            }
            if d.contains_key("summary_reported_at") && !d.contains_key("handling_ended_at") {
                return Err(rule(
                    reg,
                    Some("summary_reported_at"),
                    "处置尚未结束，不能有总结报告（先用 close 记录处置结束时间）".into(),
                    "there is no summary report before handling ends (record the end with close first)".into(),
                ));
            }
            not_before(reg, d, "summary_reported_at", "handling_ended_at")?;
            let closed = d.text("status") == Some("closed");
            if closed != d.contains_key("handling_ended_at") {
                return Err(rule(
                    reg,
                    Some("status"),
                    "状态为“处置结束”当且仅当有处置结束时间".into(),
                    "the status is closed exactly when handling_ended_at is set".into(),
                ));
            }
        }
        Register::Plan => not_before(reg, d, "next_review", "approved_on")?,
        Register::Drill => {
            let n = d.list("follow_ups").len() as u64;
            if d.count("follow_ups_closed").is_some_and(|c| c > n) {
                return Err(rule(
                    reg,
                    Some("follow_ups_closed"),
                    format!("已完成的改进事项数多于改进事项数（{n}）"),
                    format!("is more than the number of follow-ups ({n})"),
                ));
            }
            if d.count("participants") == Some(0) {
                return Err(rule(
                    reg,
                    Some("participants"),
                    "演练至少要有 1 名参演人员".into(),
                    "a drill has at least one participant".into(),
                ));
            }
        }
        Register::Training => {
            let a = d.count("attendees").unwrap_or(0);
            if a == 0 {
                return Err(rule(
                    reg,
                    Some("attendees"),
                    "至少要有 1 名参加人员".into(),
                    "must be at least 1".into(),
                ));
            }
            if d.count("passed").is_some_and(|p| p > a) {
                return Err(rule(
                    reg,
                    Some("passed"),
                    format!("通过人数多于参加人数（{a}）"),
                    format!("is more than the attendees ({a})"),
                ));
            }
            if d.text("kind") == Some("training") && d.contains_key("passed") {
                return Err(rule(
                    reg,
                    Some("passed"),
                    "只有技能考核才有通过人数（把 kind 设为 skills-test 或 both）".into(),
                    "only a skills test has a pass count (set kind to skills-test or both)".into(),
                ));
            }
            let listed = d.list("trainees").len() as u64;
            if listed > a {
                return Err(rule(
                    reg,
                    Some("trainees"),
                    format!("列出的人员（{listed}）多于参加人数（{a}）"),
                    format!("lists more people ({listed}) than attended ({a})"),
                ));
            }
        }
        Register::BackgroundCheck => not_before(reg, d, "next_check", "checked_on")?,
        Register::Organisation => {
            let role = d.text("role").unwrap_or("");
            if role == "security-body" && !d.contains_key("body") {
                return Err(rule(
                    reg,
                    Some("body"),
                    "安全管理机构须写明机构名称（--body）".into(),
                    "a security body needs its name (--body)".into(),
                ));
            }
            if role != "security-body" && !d.contains_key("person") {
                return Err(rule(
                    reg,
                    Some("person"),
                    "负责人须写明姓名（--person）".into(),
                    "a head or responsible person needs a name (--person)".into(),
                ));
            }
            not_before(reg, d, "ended_on", "appointed_on")?;
        }
        Register::Agreement => not_before(reg, d, "expires_on", "signed_on")?,
        Register::ProcurementReview => {
            not_before(reg, d, "decided_on", "applied_on")?;
            let review = d.text("review").unwrap_or("");
            if matches!(review, "passed" | "failed") && !d.contains_key("decided_on") {
                return Err(rule(
                    reg,
                    Some("decided_on"),
                    "有审查结论时须写明结论日期".into(),
                    "a review decision needs its date".into(),
                ));
            }
        }
        Register::Vulnerability => {
            for k in ["verified_at", "reported_at", "users_told_at", "fixed_at"] {
                not_before(reg, d, k, "found_at")?;
            }
        }
        Register::Mlps => {
            if let Some(l) = d.count("level")
                && !(1..=5).contains(&l)
            {
                return Err(rule(
                    reg,
                    Some("level"),
                    format!("等级 {l} 不在 1–5 之间"),
                    format!("level {l} is not between 1 and 5"),
                ));
            }
            for k in ["expert_review_on", "filed_on", "last_test_on"] {
                not_before(reg, d, k, "graded_on")?;
            }
            if d.number("test_score").is_some_and(|s| s > 100.0) {
                return Err(rule(
                    reg,
                    Some("test_score"),
                    "测评得分不超过 100".into(),
                    "a test score is at most 100".into(),
                ));
            }
        }
        Register::CiiAssessment => {
            not_before(reg, d, "submitted_on", "assessed_on")?;
            if let (Some(y), Some(on)) = (d.count("year"), d.date("assessed_on"))
                && (on.year() as u64) < y
            {
                return Err(rule(
                    reg,
                    Some("assessed_on"),
                    format!("{y} 年度的检测评估不能在 {} 年进行", on.year()),
                    format!("the {y} assessment cannot be done in {}", on.year()),
                ));
            }
        }
        Register::Project => {
            not_before(reg, d, "built_on", "planned_on")?;
            not_before(reg, d, "in_use_on", "built_on")?;
        }
        Register::RealName | Register::Equipment => {}
    }
    Ok(())
}

/// Whether a record still asks for something whatever the operator's kind
/// (a report not sent, a review not passed, a fix not made): the sweep
/// reads only these.
pub fn is_open(reg: Register, d: &Map<String, Value>) -> bool {
    let has = |k: &str| d.contains_key(k);
    match reg {
        Register::Incident => {
            let grade = d
                .text("grade")
                .and_then(Grade::parse)
                .unwrap_or(Grade::General);
            d.text("status") != Some("closed")
                || (grade.must_report()
                    && (!has("summary_reported_at")
                        || !(has("reported_sector_at")
                            || has("reported_police_at")
                            || has("reported_cac_at"))))
        }
        Register::Vulnerability => !has("reported_at") || !has("users_told_at") || !has("fixed_at"),
        Register::Mlps => true,
        Register::Plan => d.text("status") != Some("superseded"),
        Register::Agreement => d.text("status") != Some("ended"),
        Register::ProcurementReview => {
            d.text("may_affect_national_security") != Some("no")
                && d.text("review") != Some("passed")
        }
        Register::Equipment => !has("certificate"),
        Register::Project => !has("planned_on") || !has("built_on") || !has("in_use_on"),
        Register::CiiAssessment => !has("submitted_on"),
        Register::BackgroundCheck => matches!(d.text("result"), Some("pending" | "failed")),
        Register::Organisation | Register::RealName | Register::Drill | Register::Training => false,
    }
}

/// The incident times of a stored incident.
pub fn incident_times(d: &Map<String, Value>) -> Option<IncidentTimes> {
    Some(IncidentTimes {
        grade: Grade::parse(d.text("grade")?)?,
        discovered_at: d.datetime("discovered_at")?,
        handling_ended_at: d.datetime("handling_ended_at"),
        reported_sector_at: d.datetime("reported_sector_at"),
        reported_police_at: d.datetime("reported_police_at"),
        reported_cac_at: d.datetime("reported_cac_at"),
        summary_reported_at: d.datetime("summary_reported_at"),
    })
}

/// The deadlines one record carries.
pub fn deadlines(
    reg: Register,
    d: &Map<String, Value>,
    kind: OperatorKind,
    s: &Settings,
) -> Vec<Deadline> {
    match reg {
        Register::Incident => incident_times(d)
            .map(|t| clock::incident_deadlines(&t, kind, s))
            .unwrap_or_default(),
        Register::Vulnerability => d
            .datetime("found_at")
            .map(|f| {
                vec![clock::vulnerability_deadline(
                    f,
                    d.datetime("reported_at"),
                    s,
                )]
            })
            .unwrap_or_default(),
        Register::Mlps => {
            let (Some(graded), Some(level)) = (d.date("graded_on"), d.count("level")) else {
                return Vec::new();
            };
            let level = level as u8;
            clock::mlps_filing_deadline(graded, d.date("filed_on"), level, s)
                .into_iter()
                .chain(clock::mlps_test_deadline(
                    level,
                    graded,
                    d.date("last_test_on"),
                    s,
                ))
                .collect()
        }
        Register::Plan if d.text("status") != Some("superseded") => d
            .date("approved_on")
            .map(|a| vec![clock::plan_review_deadline(a, d.date("next_review"), s)])
            .unwrap_or_default(),
        Register::Agreement if d.text("status") != Some("ended") => d
            .date("expires_on")
            .map(|e| clock::agreement_expiry_deadline(e, s))
            .into_iter()
            .collect(),
        Register::CiiAssessment if kind.is_cii() => vec![Deadline {
            kind: clock::DeadlineKind::AssessmentSubmission,
            recipient: Some(clock::Recipient::SectorDepartment),
            due: None,
            due_date: None,
            done_at: d
                .date("submitted_on")
                .map(|x| x.midnight().assume_offset(s.utc_offset)),
            rule: Msg::new(
                "将检测评估情况和改进措施报送相关保护工作部门（法律未规定期限）",
                "send the results and fixes to the sector department (the law sets no deadline)",
            ),
            basis: Msg::new("《网络安全法》第四十条", "CSL-2025 art. 40"),
            provenance: Provenance::Verified,
            duty: "csl.cii-annual-assessment",
        }],
        _ => Vec::new(),
    }
}

/// Where a device stands against the critical equipment catalog.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CatalogCheck {
    /// `in-catalog`, `not-in-catalog`, `security-product` (listed without
    /// thresholds), `unknown` (a figure is missing), `not-listed` (a category
    /// the catalog does not name).
    pub result: &'static str,
    /// Whether a certificate or test report is needed.
    pub needs_certificate: Option<bool>,
    /// Why, in both languages.
    pub reasons: Vec<Msg>,
    /// The catalog's thresholds are secondary (or ours when changed).
    pub provenance: Provenance,
}

/// Check a device against the catalog thresholds.
pub fn catalog_check(d: &Map<String, Value>, s: &Settings) -> CatalogCheck {
    let cat = &s.catalog;
    let category = d.text("category").unwrap_or("other");
    let provenance = s.provenance("catalog");
    // (field, label, threshold, at least (true) or at most (false))
    let tests: Vec<(&str, &str, &str, f64, bool)> = match category {
        "router" => vec![
            (
                "throughput_tbps",
                "整系统吞吐量",
                "throughput (Tbps)",
                cat.router_throughput_tbps,
                true,
            ),
            (
                "routes",
                "路由表容量",
                "route table",
                cat.router_routes,
                true,
            ),
        ],
        "switch" => vec![
            (
                "throughput_tbps",
                "整系统吞吐量",
                "throughput (Tbps)",
                cat.switch_throughput_tbps,
                true,
            ),
            (
                "gpps",
                "包转发率",
                "packet forwarding (Gpps)",
                cat.switch_gpps,
                true,
            ),
        ],
        "rack-server" => vec![
            ("cpus", "CPU 数", "CPUs", cat.server_cpus, true),
            (
                "cores_per_cpu",
                "每 CPU 核数",
                "cores per CPU",
                cat.server_cores_per_cpu,
                true,
            ),
            (
                "memory_gb",
                "内存",
                "memory (GB)",
                cat.server_memory_gb,
                true,
            ),
        ],
        "plc" => vec![(
            "instruction_us",
            "指令处理时间",
            "instruction time (µs)",
            cat.plc_instruction_us,
            false,
        )],
        "firewall" | "ids" | "ips" | "backup-recovery" | "isolation" | "other-security" => {
            return CatalogCheck {
                result: "security-product",
                needs_certificate: Some(true),
                reasons: vec![Msg::new(
                    "网络安全专用产品：须经安全认证合格或安全检测符合要求（目录不设性能门槛）",
                    "a network security product: it needs certification or a passing test (no thresholds since 2023)",
                )],
                provenance,
            };
        }
        _ => {
            return CatalogCheck {
                result: "not-listed",
                needs_certificate: None,
                reasons: vec![Msg::new(
                    "目录中未列出此类设备（本工具所存目录不完整，请核对官方目录）",
                    "the catalog as recorded here does not list this kind of equipment (the list here is incomplete; check the official catalog)",
                )],
                provenance,
            };
        }
    };
    let mut reasons = Vec::new();
    let mut met = 0;
    let mut missing = 0;
    for (key, zh, en, threshold, at_least) in &tests {
        let value = d.number(key).or_else(|| d.count(key).map(|c| c as f64));
        let cmp = if *at_least { "≥" } else { "≤" };
        match value {
            None => {
                missing += 1;
                reasons.push(Msg::new(
                    format!("未填写{zh}（门槛 {cmp} {threshold}）"),
                    format!("{en} not given (threshold {cmp} {threshold})"),
                ));
            }
            Some(v) => {
                let hit = if *at_least {
                    v >= *threshold
                } else {
                    v <= *threshold
                };
                if hit {
                    met += 1;
                }
                reasons.push(Msg::new(
                    format!(
                        "{zh} {v}{}门槛 {cmp} {threshold}",
                        if hit { "，达到" } else { "，未达到" }
                    ),
                    format!(
                        "{en} {v}, {} {cmp} {threshold}",
                        if hit { "meets" } else { "below" }
                    ),
                ));
            }
        }
    }
    let n = tests.len();
    let decided = match cat.matching {
        CatalogMatch::All if met == n => Some(true),
        CatalogMatch::All if met + missing < n => Some(false),
        CatalogMatch::Any if met > 0 => Some(true),
        CatalogMatch::Any if missing == 0 => Some(false),
        _ => None,
    };
    let result = match decided {
        Some(true) => "in-catalog",
        Some(false) => "not-in-catalog",
        None => "unknown",
    };
    CatalogCheck {
        result,
        needs_certificate: decided,
        reasons,
        provenance,
    }
}

/// A problem a record shows that is not a deadline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// A stable key: `review-needed`, `certificate-missing`, …
    pub key: &'static str,
    /// What is wrong, in both languages.
    pub message: Msg,
    /// How far to trust the rule behind it.
    pub provenance: Provenance,
    /// The duty it concerns.
    pub duty: &'static str,
}

/// The findings of one record.
pub fn findings(
    reg: Register,
    d: &Map<String, Value>,
    kind: OperatorKind,
    s: &Settings,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut push = |key, zh: String, en: String, provenance, duty| {
        out.push(Finding {
            key,
            message: Msg::new(zh, en),
            provenance,
            duty,
        })
    };
    // records tied to the profile's systems must name one of them
    if !s.systems.is_empty() {
        let named: Vec<&str> = match reg {
            Register::Agreement | Register::ProcurementReview | Register::Equipment => {
                d.list("systems")
            }
            Register::Mlps | Register::Project => d.text("system").into_iter().collect(),
            _ => Vec::new(),
        };
        for n in named {
            let n = n.trim();
            if !s.systems.iter().any(|(id, name)| id == n || name == n) {
                let known: Vec<&str> = s.systems.iter().map(|(id, _)| id.as_str()).collect();
                push(
                    "unknown-system",
                    format!("系统“{n}”不在画像的系统清单中（{}）", known.join("、")),
                    format!(
                        "system {n:?} is not one of the profile's systems ({})",
                        known.join(", ")
                    ),
                    Provenance::Verified,
                    reg.duties().first().copied().unwrap_or(""),
                );
            }
        }
    }
    match reg {
        Register::ProcurementReview => {
            let may = d.text("may_affect_national_security").unwrap_or("");
            let review = d.text("review").unwrap_or("");
            if may != "no" && review != "passed" {
                let label = match reg.field("review").map(|f| f.ty) {
                    Some(FieldType::Choice(cs)) => cs
                        .iter()
                        .find(|c| c.key == review)
                        .map(|c| c.label)
                        .unwrap_or(law::Text::new("", "")),
                    _ => law::Text::new("", ""),
                };
                push(
                    "review-needed",
                    format!(
                        "可能影响国家安全的采购尚未通过国家安全审查（当前：{}）",
                        label.zh
                    ),
                    format!(
                        "a purchase that may affect national security has not passed the national security review (now: {})",
                        label.en
                    ),
                    Provenance::Verified,
                    "csl.cii-national-security-review",
                );
            }
        }
        Register::Equipment => {
            let c = catalog_check(d, s);
            if c.needs_certificate == Some(true) && !d.contains_key("certificate") {
                push(
                    "certificate-missing",
                    "属于目录范围，但未登记认证证书或检测报告编号".into(),
                    "in the catalog, but no certificate or test report number is recorded".into(),
                    c.provenance,
                    "csl.critical-equipment-certification",
                );
            } else if c.needs_certificate.is_none() && !d.contains_key("certificate") {
                push(
                    "catalog-unknown",
                    "缺少性能参数，无法判断是否属于目录范围".into(),
                    "figures are missing to tell whether it is in the catalog".into(),
                    c.provenance,
                    "csl.critical-equipment-certification",
                );
            }
        }
        Register::Project if kind.is_cii() => {
            for (k, zh, en) in [
                ("planned_on", "同步规划", "planned"),
                ("built_on", "同步建设", "built"),
                ("in_use_on", "同步使用", "in use"),
            ] {
                if !d.contains_key(k) {
                    push(
                        "three-synchronous",
                        format!("安全措施尚无“{zh}”记录"),
                        format!("security measures not yet recorded as {en}"),
                        Provenance::Verified,
                        "csl.cii-three-synchronous",
                    );
                }
            }
            if let (Some(live), use_on) = (d.date("go_live_on"), d.date("in_use_on"))
                && use_on.is_none_or(|u| u > live)
            {
                push(
                    "three-synchronous",
                    "系统上线时安全措施未同步投入使用".into(),
                    "the system goes live before its security measures are in use".into(),
                    Provenance::Verified,
                    "csl.cii-three-synchronous",
                );
            }
        }
        Register::BackgroundCheck => match d.text("result") {
            Some("failed") if d.get("key_post") != Some(&Value::Bool(false)) => push(
                "check-failed",
                "关键岗位人员安全背景审查未通过".into(),
                "a key-post holder failed the background check".into(),
                Provenance::Verified,
                "csl.cii-security-organisation",
            ),
            Some("pending") => push(
                "check-pending",
                "安全背景审查尚未完成".into(),
                "the background check is not finished".into(),
                Provenance::Verified,
                "csl.cii-security-organisation",
            ),
            _ => {}
        },
        Register::Vulnerability => {
            if !d.contains_key("users_told_at") {
                push(
                    "users-not-told",
                    "尚未告知用户".into(),
                    "users not told yet".into(),
                    Provenance::Verified,
                    "csl.product-flaw-remedy",
                );
            }
            if !d.contains_key("fixed_at") {
                push(
                    "not-fixed",
                    "尚未修补".into(),
                    "not fixed yet".into(),
                    Provenance::Verified,
                    "csl.product-flaw-remedy",
                );
            }
        }
        Register::Agreement => {
            for (k, zh, en) in [
                ("security", "安全", "security"),
                ("confidentiality", "保密", "confidentiality"),
            ] {
                if d.get(k) == Some(&Value::Bool(false)) {
                    push(
                        "agreement-incomplete",
                        format!("协议未包含{zh}义务"),
                        format!("the agreement does not cover {en}"),
                        Provenance::Verified,
                        "csl.cii-supplier-agreement",
                    );
                }
            }
        }
        Register::Mlps => {
            if let (Some(g), Some(level)) = (mlps_grading(d, s), d.count("level"))
                && u64::from(g.level) != level
            {
                push(
                    "level-differs",
                    format!(
                        "登记的等级（第{level}级）与定级矩阵的结果（第{}级）不同",
                        g.level
                    ),
                    format!(
                        "the recorded level ({level}) differs from the matrix ({})",
                        g.level
                    ),
                    g.provenance,
                    "csl.other-mlps-duties",
                );
            }
            if d.text("test_conclusion") == Some("not-conform") {
                push(
                    "test-failed",
                    "最近一次等级测评结论为“不符合”".into(),
                    "the last level test concluded: do not conform".into(),
                    Provenance::Verified,
                    "csl.other-mlps-duties",
                );
            }
        }
        _ => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use time::macros::datetime;

    fn map(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    const NOW: OffsetDateTime = datetime!(2025-06-01 12:00 +08:00);

    /// Agreements, reviews, MLPS filings, equipment and projects are tied to
    /// the profile's systems: a system named by neither id nor name is flagged
    /// once a profile is applied, and nothing is checked without one.
    #[test]
    fn records_name_the_profiles_systems() {
        let mut s = Settings::default();
        let agreement = map(
            json!({"vendor": "某云", "subject": "托管", "signed_on": "2025-01-01",
                                    "systems": ["core", "网上银行", "crm"]}),
        );
        let unknown = |s: &Settings, reg, d| -> Vec<String> {
            findings(reg, d, OperatorKind::Cii, s)
                .into_iter()
                .filter(|f| f.key == "unknown-system")
                .map(|f| f.message.en)
                .collect()
        };
        assert!(unknown(&s, Register::Agreement, &agreement).is_empty());
        s.systems = vec![
            ("core".into(), "核心业务系统".into()),
            ("ebank".into(), "网上银行".into()),
        ];
        assert_eq!(
            unknown(&s, Register::Agreement, &agreement),
            vec!["system \"crm\" is not one of the profile's systems (core, ebank)"]
        );
        let mlps = map(json!({"system": "核心业务系统", "level": 3}));
        assert!(unknown(&s, Register::Mlps, &mlps).is_empty());
        let project = map(json!({"name": "新核心", "system": "newcore"}));
        assert_eq!(unknown(&s, Register::Project, &project).len(), 1);
        // incidents name affected systems freely: not checked
        let inc = map(json!({"systems": ["文件服务器"]}));
        assert!(unknown(&s, Register::Incident, &inc).is_empty());
    }

    #[test]
    fn incident_rules() {
        let r = Register::Incident;
        let ok = map(
            json!({"title": "x", "grade": "large", "discovered_at": "2025-03-14T23:30:00+08:00", "status": "open"}),
        );
        validate(r, &ok, NOW).unwrap();
        let cases = [
            (
                json!({"occurred_at": "2025-03-15T00:00:00+08:00"}),
                "discovered_at",
            ),
            (
                json!({"reported_police_at": "2025-03-14T15:00:00Z"}),
                "reported_police_at",
            ),
            (
                json!({"summary_reported_at": "2025-03-20T00:00:00+08:00"}),
                "summary_reported_at",
            ),
            (json!({"status": "closed"}), "status"),
            (
                json!({"handling_ended_at": "2025-03-20T00:00:00+08:00"}),
                "status",
            ),
            (
                json!({"discovered_at": "2025-06-03T12:00:00+08:00"}),
                "future",
            ),
            (json!({"colour": "red"}), "not a field"),
            (json!({"grade": "huge"}), "not one of"),
            (json!({"pi_people": "12"}), "canonical"),
        ];
        for (patch, want) in cases {
            let mut d = ok.clone();
            for (k, v) in map(patch) {
                d.insert(k, v);
            }
            let e = validate(r, &d, NOW).unwrap_err().to_string();
            assert!(e.contains(want), "{d:?}: {e}");
        }
        let mut d = ok.clone();
        d.remove("title");
        assert!(
            validate(r, &d, NOW)
                .unwrap_err()
                .to_string()
                .contains("required (--title)")
        );
    }

    #[test]
    fn counts_that_must_add_up() {
        let r = Register::Training;
        let base = json!({"date": "2025-05-01", "course": "x", "kind": "both", "attendees": 3});
        validate(r, &map(base.clone()), NOW).unwrap();
        for (patch, want) in [
            (json!({"passed": 4}), "more than the attendees"),
            (json!({"attendees": 0}), "at least 1"),
            (
                json!({"kind": "training", "passed": 1}),
                "only a skills test",
            ),
            (
                json!({"trainees": ["a", "b", "c", "d"]}),
                "lists more people",
            ),
        ] {
            let mut d = map(base.clone());
            for (k, v) in map(patch) {
                d.insert(k, v);
            }
            let e = validate(r, &d, NOW).unwrap_err().to_string();
            assert!(e.contains(want), "{e}");
        }
    }

    #[test]
    fn catalog_thresholds() {
        let s = Settings::default();
        let c = |v: Value| catalog_check(&map(v), &s);
        assert_eq!(
            c(json!({"category": "router", "throughput_tbps": 12.0, "routes": 550000})).result,
            "in-catalog"
        );
        assert_eq!(
            c(json!({"category": "router", "throughput_tbps": 11.9, "routes": 600000})).result,
            "not-in-catalog"
        );
        assert_eq!(
            c(json!({"category": "router", "throughput_tbps": 12.0})).result,
            "unknown"
        );
        assert_eq!(
            c(json!({"category": "router", "throughput_tbps": 1.0})).result,
            "not-in-catalog"
        );
        assert_eq!(
            c(json!({"category": "plc", "instruction_us": 0.08})).result,
            "in-catalog"
        );
        assert_eq!(
            c(json!({"category": "plc", "instruction_us": 0.09})).result,
            "not-in-catalog"
        );
        assert_eq!(
            c(json!({"category": "firewall"})).result,
            "security-product"
        );
        assert_eq!(c(json!({"category": "other"})).result, "not-listed");
        assert_eq!(
            c(json!({"category": "firewall"})).provenance,
            Provenance::Secondary
        );
        let any = Settings::from_toml("version = 1\n[catalog]\nmatch = \"any\"\n", "t").unwrap();
        let r = catalog_check(
            &map(json!({"category": "router", "throughput_tbps": 12.0})),
            &any,
        );
        assert_eq!((r.result, r.provenance), ("in-catalog", Provenance::Ours));
    }
}
