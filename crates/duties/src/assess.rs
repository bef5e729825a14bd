//! The decision rules: profile + date + evidence → [`Assessment`].
//!
//! Each applicable duty is decided from *slots*: one per thing that must be
//! proven (a log source's coverage, a vault's integrity, a document, a
//! register, a fact of the profile). Each slot is met, partly met, needs
//! evidence or is not met; the duty is
//!
//! - `not-met` when any slot is not met,
//! - `met` when every slot is met,
//! - `needs-evidence` when no slot is proven either way,
//! - `partly-met` otherwise (some proven, some missing or stale).
//!
//! Applicability follows the profile: CII duties only for CII operators,
//! product duties only for providers, the authorities' own articles never.
//! A waiver in force turns an applicable duty `waived` (its decision stays
//! visible as `decided`) until the expiry date, from which it is decided
//! again.

use law::{Bearer, ClockRule, Kind, Period, Version};
use time::{Date, OffsetDateTime, UtcOffset};

use crate::evidence::{
    DataLevel, DocumentEvidence, EntryStatus, Evidence, RegisterEvidence, RegisterKind,
    ScanEvidence, VaultEvidence,
};
use crate::interval::Interval;
use crate::model::{
    ArticleRef, Assessment, ClockState, DataStoreState, DocumentState, DutyAssessment,
    EvidenceItem, EvidenceKind, EvidenceState, Finding, LawRef, Level, LogSourceState, Logs,
    OperatorSummary, PenaltyRef, ProfileRef, SCHEMA, Setting, Status, Summary, Text,
    UndeclaredSource, VaultState, WaiverRef, WaiverState, WaiverStatus,
};
use crate::profile::{DataStore, Profile};
use crate::serde_time::rfc3339;

/// China Standard Time, the calendar of the dates assessed.
pub const CST: UtcOffset = match UtcOffset::from_hms(8, 0, 0) {
    Ok(o) => o,
    Err(_) => UtcOffset::UTC,
};

/// The instant an assessment of `at` is judged at: the end of that day in
/// China Standard Time, or `now` when that is earlier (today, or a date
/// still to come).
pub fn as_of(at: Date, now: OffsetDateTime) -> OffsetDateTime {
    let end = at
        .next_day()
        .map_or(now, |d| d.midnight().assume_offset(CST));
    if end < now { end } else { now.to_offset(CST) }
}

/// What an assessment is decided on.
#[derive(Debug, Clone, Copy)]
pub struct Inputs<'a> {
    /// The operator's profile.
    pub profile: &'a Profile,
    /// The date assessed: picks the law in force and the six-month window.
    pub at: Date,
    /// When the evidence was gathered.
    pub collected: OffsetDateTime,
    /// The evidence.
    pub evidence: &'a Evidence,
}

/// Decide every duty of the law crate for the profile at the date.
pub fn assess(inputs: Inputs<'_>) -> Assessment {
    let cx = Cx::new(inputs);
    let duties: Vec<DutyAssessment> = law::duties().iter().map(|d| cx.duty(d)).collect();
    let mut summary = Summary::default();
    for d in &duties {
        match d.status {
            Status::Met => summary.met += 1,
            Status::PartlyMet => summary.partly_met += 1,
            Status::NotMet => summary.not_met += 1,
            Status::NeedsEvidence => summary.needs_evidence += 1,
            Status::NotApplicable => summary.not_applicable += 1,
            Status::Waived => summary.waived += 1,
        }
        if d.status != Status::NotApplicable {
            summary.applicable += 1;
            summary.worst = Some(summary.worst.map_or(d.status, |w| w.min(d.status)));
        }
        if d.overdue && d.status != Status::Waived {
            summary.overdue += 1;
        }
    }
    let vaults = cx.vault_states();
    summary.integrity_failed = vaults.iter().any(|v| v.integrity_failed);
    let p = cx.profile;
    let version = cx.version;
    Assessment {
        schema: SCHEMA,
        generated: inputs.collected,
        at: inputs.at,
        law: LawRef {
            key: version.key(),
            label: version.label(),
            name: version.name().into(),
            in_force_from: match version {
                Version::Csl2016 => {
                    Date::from_calendar_date(2017, time::Month::June, 1).unwrap_or(Date::MIN)
                }
                _ => Version::CSL_2025_IN_FORCE,
            },
        },
        profile: ProfileRef {
            file: p.file.display().to_string(),
            sha256: p.sha256.clone(),
        },
        operator: OperatorSummary {
            name: p.operator.name.clone(),
            kind: p.operator.kind.key(),
            kind_label: p.operator.kind.label().into(),
            provider: p.operator.provider,
            sector: p.operator.sector.clone(),
            province: p.operator.province.clone(),
            responsible: p.operator.responsible.as_ref().map(|r| match &r.title {
                Some(t) => format!("{}（{t}）", r.name),
                None => r.name.clone(),
            }),
        },
        summary,
        duties,
        waivers: cx.waiver_states(),
        logs: Logs {
            sources: cx.source_states(),
            undeclared: cx.undeclared(),
            vaults,
        },
        data_stores: cx.store_states(),
        documents: cx.document_states(),
        settings: cx.settings(),
        notes: cx.notes(),
    }
}

// ---- the working state of one duty ------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Out {
    Met,
    Partly,
    Needs,
    NotMet,
}

#[derive(Default)]
struct Work {
    slots: Vec<Out>,
    findings: Vec<(Out, Finding)>,
    evidence: Vec<EvidenceItem>,
    remediation: Vec<Text>,
    clocks: Vec<ClockState>,
    overdue: bool,
}

impl Work {
    fn slot(&mut self, out: Out, text: Text, fix: Option<Text>) {
        self.slots.push(out);
        let level = match out {
            Out::Met => Level::Ok,
            Out::Partly | Out::Needs => Level::Warning,
            Out::NotMet => Level::Problem,
        };
        self.findings.push((out, Finding { level, text }));
        if let Some(f) = fix
            && !self.remediation.contains(&f)
        {
            self.remediation.push(f);
        }
    }

    fn met(&mut self, text: Text) {
        self.slot(Out::Met, text, None);
    }

    fn partly(&mut self, text: Text, fix: Text) {
        self.slot(Out::Partly, text, Some(fix));
    }

    fn needs(&mut self, text: Text, fix: Text) {
        self.slot(Out::Needs, text, Some(fix));
    }

    fn not_met(&mut self, text: Text, fix: Text) {
        self.slot(Out::NotMet, text, Some(fix));
    }

    fn info(&mut self, text: Text) {
        self.findings.push((
            Out::Met,
            Finding {
                level: Level::Info,
                text,
            },
        ));
    }

    fn status(&self) -> Status {
        if self.slots.contains(&Out::NotMet) {
            Status::NotMet
        } else if self.slots.is_empty() || self.slots.iter().all(|s| *s == Out::Needs) {
            Status::NeedsEvidence
        } else if self.slots.iter().all(|s| *s == Out::Met) {
            Status::Met
        } else {
            Status::PartlyMet
        }
    }

    /// The finding that explains the status.
    fn reason(&self, status: Status) -> Text {
        let pick = |o: Out| {
            self.findings
                .iter()
                .find(|(out, f)| *out == o && f.level != Level::Info)
                .map(|(_, f)| f.text.clone())
        };
        let found = match status {
            Status::NotMet => pick(Out::NotMet),
            Status::PartlyMet => pick(Out::Partly).or_else(|| pick(Out::Needs)),
            Status::NeedsEvidence => pick(Out::Needs),
            _ => None,
        };
        match (found, status) {
            (Some(t), _) => t,
            (None, Status::Met) => {
                let n = self.slots.len();
                Text::new(
                    if n == 1 {
                        "证据已证明。".to_owned()
                    } else {
                        format!("全部{n}项证据均已证明。")
                    },
                    if n == 1 {
                        "The evidence proves it.".to_owned()
                    } else {
                        format!("All {n} pieces of evidence prove it.")
                    },
                )
            }
            (None, _) => Text::new("尚无证据。", "No evidence yet."),
        }
    }
}

// ---- context ---------------------------------------------------------------------

struct Cx<'a> {
    profile: &'a Profile,
    at: Date,
    /// The instant the assessment is judged at.
    as_of: OffsetDateTime,
    collected: OffsetDateTime,
    ev: &'a Evidence,
    version: Version,
}

fn days_between(from: Date, to: Date) -> i64 {
    (to - from).whole_days()
}

fn fmt_secs(secs: i64) -> (String, String) {
    let (d, h, m) = (secs / 86_400, (secs % 86_400) / 3600, (secs % 3600) / 60);
    let mut zh = String::new();
    let mut en = Vec::new();
    if d > 0 {
        zh.push_str(&format!("{d}天"));
        en.push(format!("{d}d"));
    }
    if h > 0 {
        zh.push_str(&format!("{h}小时"));
        en.push(format!("{h}h"));
    }
    if m > 0 || (d == 0 && h == 0) {
        zh.push_str(&format!("{m}分"));
        en.push(format!("{m}m"));
    }
    (zh, en.join(" "))
}

/// Whether a scan of `store` made at `scanned_at` is fresh at the date assessed `at` (instant
/// `as_of`, see [`as_of`]), and the day it goes (or went) stale: older than the store's
/// `scan_max_age` is stale. The console's scan page asks the same question this way.
pub fn scan_fresh(
    store: &DataStore,
    scanned_at: OffsetDateTime,
    at: Date,
    as_of: OffsetDateTime,
) -> (bool, Date) {
    let stale_after = store.scan_max_age.after(day(scanned_at));
    let fresh = match store.scan_max_age.fixed() {
        Some(d) => as_of - scanned_at <= d,
        None => stale_after > at,
    };
    (fresh, stale_after)
}

fn day(t: OffsetDateTime) -> Date {
    t.to_offset(CST).date()
}

fn short_time(t: OffsetDateTime) -> String {
    let t = t.to_offset(CST);
    format!("{} {:02}:{:02} +08:00", t.date(), t.hour(), t.minute())
}

impl<'a> Cx<'a> {
    fn new(i: Inputs<'a>) -> Cx<'a> {
        Cx {
            profile: i.profile,
            at: i.at,
            as_of: as_of(i.at, i.collected),
            collected: i.collected,
            ev: i.evidence,
            version: Version::in_force_at(i.at),
        }
    }

    // ---- one duty ----

    fn duty(&self, d: &'static law::Duty) -> DutyAssessment {
        let applicable = self.applicability(d);
        let is_applicable = applicable.is_ok();
        let mut w = Work::default();
        let (decided, reason) = match applicable {
            Err(why) => (Status::NotApplicable, why),
            Ok(()) => {
                self.decide(d, &mut w);
                let s = w.status();
                (s, w.reason(s))
            }
        };
        let waiver = self.waiver_for(d.id).filter(|_| is_applicable);
        let status = if waiver.is_some() {
            Status::Waived
        } else {
            decided
        };
        let reason = match &waiver {
            Some(wv) => Text::new(
                format!(
                    "已豁免至{}（负责人：{}）：{}",
                    wv.expires, wv.owner, wv.reason
                ),
                format!(
                    "Waived until {} (owner: {}): {}",
                    wv.expires, wv.owner, wv.reason
                ),
            ),
            None => reason,
        };
        if is_applicable {
            w.clocks.extend(self.law_clocks(d));
        }
        let mut findings: Vec<Finding> = w.findings.into_iter().map(|(_, f)| f).collect();
        findings.sort_by_key(|f| std::cmp::Reverse(f.level));
        DutyAssessment {
            id: d.id,
            title: d.title.into(),
            section: d.section().id(),
            bearer: d.bearer.key(),
            bearer_label: d.bearer.label().into(),
            kind: d.kind.key(),
            status,
            decided,
            reason,
            findings,
            article: self.article(d),
            evidence: w.evidence,
            remediation: if status == Status::NotApplicable {
                Vec::new()
            } else {
                w.remediation
            },
            clocks: w.clocks,
            penalties: self.penalties(d),
            waiver,
            overdue: w.overdue,
        }
    }

    fn applicability(&self, d: &law::Duty) -> Result<(), Text> {
        let o = &self.profile.operator;
        match (d.kind, d.bearer) {
            (Kind::AuthorityRole, _) | (_, Bearer::Authorities) => Err(Text::new(
                "这是国家及主管部门自身的职责，不是运营者的义务。",
                "This is the authorities' own duty, not an operator's.",
            )),
            (_, Bearer::IndustryBody) => Err(Text::new(
                "适用于有关行业组织，不适用于运营者本身。",
                "It applies to industry organisations, not to the operator itself.",
            )),
            (Kind::Encouragement, _) if d.id == "csl.cii-voluntary" && o.kind.is_cii() => {
                Err(Text::new(
                    "本单位已是关键信息基础设施运营者，自愿参与的鼓励性规定不适用。",
                    "The operator already runs CII; the invitation to join voluntarily does not apply.",
                ))
            }
            (Kind::Encouragement, _) => Err(Text::new(
                "鼓励性规定，没有强制义务，也没有罚则。",
                "An encouragement: nothing is required and no penalty attaches.",
            )),
            (_, Bearer::CiiOperator) if !o.kind.is_cii() => Err(Text::new(
                format!(
                    "只适用于关键信息基础设施运营者；画像中的运营者类型为{}。",
                    o.kind.label().zh
                ),
                format!(
                    "Only for CII operators; the profile says the operator is a {}.",
                    o.kind.label().en
                ),
            )),
            (_, Bearer::Provider) if !o.provider => Err(Text::new(
                "只适用于网络产品、服务的提供者；画像说明本单位不是提供者（operator.provider = false）。",
                "Only for providers of network products or services; the profile says the operator is not one (operator.provider = false).",
            )),
            (_, Bearer::Provider)
                if d.id == "csl.critical-equipment-certification" && !o.critical_equipment =>
            {
                Err(Text::new(
                    "只适用于销售或者提供网络关键设备和网络安全专用产品的；画像说明本单位不销售（operator.critical_equipment = false）。",
                    "Only for those selling or providing critical network equipment or security products; the profile says the operator does not (operator.critical_equipment = false).",
                ))
            }
            _ if d.id == "csl.real-name" && o.real_name_services.is_empty() => Err(Text::new(
                "只适用于办理网络接入、域名注册、入网手续或提供信息发布、即时通讯等服务的运营者；画像未列出这类服务（operator.real_name_services）。",
                "Only for operators offering network access, domain registration, phone sign-up, publishing or instant messaging; the profile lists none (operator.real_name_services).",
            )),
            _ if d.id == "csl.security-services-rules" && !o.security_services => Err(Text::new(
                "只适用于开展网络安全认证、检测、风险评估或向社会发布漏洞等信息的；画像说明本单位不开展（operator.security_services = false）。",
                "Only for those certifying, testing or assessing others or publishing vulnerabilities; the profile says the operator does not (operator.security_services = false).",
            )),
            _ => Ok(()),
        }
    }

    fn decide(&self, d: &'static law::Duty, w: &mut Work) {
        use RegisterKind as R;
        match d.id {
            "csl.security-management" => {
                self.documents(d.id, w, true);
                self.responsible(w);
            }
            "csl.log-retention" => self.logs(w),
            "csl.data-classification-backup" => {
                self.data_protection(w);
                self.documents(d.id, w, false);
            }
            "csl.other-mlps-duties" => {
                self.mlps(d.id, w);
                self.documents(d.id, w, false);
            }
            "csl.product-flaw-remedy" => {
                self.register(w, d.id, R::Vulnerabilities, Sem::Event, true);
                self.documents(d.id, w, false);
            }
            "csl.critical-equipment-certification" => {
                self.docs_or_register(w, d.id, R::Equipment, Sem::Standing)
            }
            "csl.real-name" => self.docs_or_register(w, d.id, R::RealName, Sem::Standing),
            "csl.incident-plan" => {
                if self.has_documents(d.id) {
                    self.documents(d.id, w, true);
                } else {
                    self.register(w, d.id, R::Plans, Sem::Standing, true);
                }
                self.register(w, d.id, R::Incidents, Sem::Event, true);
            }
            "csl.incident-report" => {
                self.register(w, d.id, R::Incidents, Sem::Event, true);
                self.documents(d.id, w, false);
            }
            "csl.law-enforcement-support" => {
                self.docs_or_register(w, d.id, R::LawEnforcementRequests, Sem::Event)
            }
            "csl.cii-three-synchronous" => {
                self.docs_or_register(w, d.id, R::Projects, Sem::Standing)
            }
            "csl.cii-security-organisation" => {
                self.documents(d.id, w, true);
                self.register(w, d.id, R::BackgroundChecks, Sem::Standing, true);
            }
            "csl.cii-training" => {
                let every = self.profile.settings.training_every;
                self.register(w, d.id, R::Training, Sem::Periodic(every, false), true);
                self.documents(d.id, w, false);
            }
            "csl.cii-disaster-recovery" => {
                self.disaster_recovery(w);
                self.documents(d.id, w, true);
            }
            "csl.cii-drills" => {
                if self.has_documents(d.id) {
                    self.documents(d.id, w, true);
                } else if self.has_documents("csl.incident-plan") {
                    w.info(Text::new(
                        "未单独声明关键信息基础设施应急预案，采用为第二十七条声明的应急预案。",
                        "No CII response plan is declared on its own; the plan declared for the incident duty is used.",
                    ));
                    self.documents("csl.incident-plan", w, true);
                } else {
                    self.documents(d.id, w, true);
                }
                let every = self.profile.settings.drill_every;
                self.register(w, d.id, R::Drills, Sem::Periodic(every, false), true);
            }
            "csl.cii-national-security-review" => {
                self.docs_or_register(w, d.id, R::ProcurementReviews, Sem::Standing)
            }
            "csl.cii-supplier-agreement" => {
                self.register(w, d.id, R::Agreements, Sem::Standing, true);
                self.documents(d.id, w, false);
            }
            "csl.cii-data-localisation" => self.localisation(w),
            "csl.cii-annual-assessment" => self.annual_assessment(d.id, w),
            _ => self.documents(d.id, w, true),
        }
    }

    // ---- documents ----

    fn has_documents(&self, duty: &str) -> bool {
        self.profile
            .documents
            .iter()
            .any(|doc| doc.duties.iter().any(|x| x == duty))
    }

    fn doc_evidence(&self, id: &str) -> Option<&DocumentEvidence> {
        self.ev.documents.iter().find(|e| e.id == id)
    }

    /// One slot per document declared for `duty`; when none is and
    /// `required`, a slot that needs one.
    fn documents(&self, duty: &str, w: &mut Work, required: bool) {
        let docs: Vec<_> = self
            .profile
            .documents
            .iter()
            .filter(|doc| doc.duties.iter().any(|x| x == duty))
            .collect();
        if docs.is_empty() {
            if required {
                let what = law::duty(duty)
                    .and_then(|d| {
                        d.evidence.iter().find_map(|e| match e {
                            law::Evidence::Supplied { what } => Some(*what),
                            law::Evidence::Auto { .. } => None,
                        })
                    })
                    .unwrap_or(law::Text::new("证明文件", "a document that proves it"));
                w.needs(
                    Text::new(
                        format!("画像中没有为本义务声明文件（需要：{}）。", what.zh),
                        format!(
                            "The profile declares no document for this duty (needed: {}).",
                            what.en
                        ),
                    ),
                    Text::new(
                        format!(
                            "在画像中添加 [[document]]，duties = [\"{duty}\"]，写明路径、版本、批准日期和复审周期。"
                        ),
                        format!(
                            "Add a [[document]] with duties = [\"{duty}\"] to the profile, with its path, version, approval date and review interval."
                        ),
                    ),
                );
            }
            return;
        }
        for doc in docs {
            self.document_slot(doc, w);
        }
    }

    fn document_slot(&self, doc: &crate::profile::Document, w: &mut Work) {
        let e = self.doc_evidence(&doc.id);
        let title = match &doc.version {
            Some(v) => format!("{} v{v}", doc.title),
            None => doc.title.clone(),
        };
        let path = e.map_or_else(|| doc.path.display().to_string(), |e| e.path.clone());
        let review_due = match (doc.approved, doc.review_every) {
            (Some(a), Some(r)) => Some(r.after(a)),
            _ => None,
        };
        let sha = e.and_then(|e| e.sha256.clone());
        let mut item = EvidenceItem {
            kind: EvidenceKind::Document,
            what: Text::same(title.clone()),
            source: path.clone(),
            collected: e.map(|e| e.collected),
            stale_after: review_due,
            sha256: sha.clone(),
            state: EvidenceState::Ok,
        };
        let readable = e.is_some_and(|e| e.error.is_none() && e.sha256.is_some());
        if !readable {
            let why = e
                .and_then(|e| e.error.clone())
                .unwrap_or_else(|| "not read".to_owned());
            item.state = EvidenceState::Missing;
            w.evidence.push(item);
            w.needs(
                Text::new(
                    format!("声明的文件《{title}》无法读取：{path}（{why}）。"),
                    format!("The declared document \"{title}\" cannot be read: {path} ({why})."),
                ),
                Text::new(
                    format!("把《{title}》放到 {path}，或在画像中改正路径。"),
                    format!("Put \"{title}\" at {path}, or correct its path in the profile."),
                ),
            );
            return;
        }
        match doc.approved {
            None => {
                item.state = EvidenceState::Stale;
                w.evidence.push(item);
                w.partly(
                    Text::new(
                        format!("《{title}》没有记录批准日期。"),
                        format!("\"{title}\" has no approval date recorded."),
                    ),
                    Text::new(
                        format!("在画像中写明《{title}》的批准日期（approved）。"),
                        format!(
                            "Record the approval date of \"{title}\" (approved) in the profile."
                        ),
                    ),
                );
            }
            Some(a) if a > self.at => {
                item.state = EvidenceState::Missing;
                w.evidence.push(item);
                w.needs(
                    Text::new(
                        format!("《{title}》于{a}批准，晚于评估日期{}。", self.at),
                        format!(
                            "\"{title}\" was approved on {a}, after the date assessed ({}).",
                            self.at
                        ),
                    ),
                    Text::new(
                        "评估日期当时有效的文件版本需另行举证。",
                        "Show the version that was in force on the date assessed.",
                    ),
                );
            }
            Some(a) => {
                if let Some(due) = review_due {
                    let left = days_between(self.at, due);
                    w.clocks.push(ClockState {
                        rule: "review",
                        period: doc.review_every.map(Interval::iso8601),
                        what: Text::new(
                            format!(
                                "《{title}》按画像每{}复审一次",
                                doc.review_every.map(Interval::zh).unwrap_or_default()
                            ),
                            format!(
                                "Review \"{title}\" every {} (the profile's interval)",
                                doc.review_every.map(|r| r.to_string()).unwrap_or_default()
                            ),
                        ),
                        basis: Text::new("运营者画像", "the operator's profile"),
                        status: "ours",
                        legal: false,
                        due: Some(due.to_string()),
                        days_left: Some(left),
                        overdue: left <= 0,
                    });
                    if left <= 0 {
                        item.state = EvidenceState::Stale;
                        w.evidence.push(item);
                        w.partly(
                            Text::new(
                                format!(
                                    "《{title}》（{a}批准）应于{due}复审，已逾期{}天。",
                                    -left
                                ),
                                format!(
                                    "\"{title}\" (approved {a}) was due for review on {due}: {} days overdue.",
                                    -left
                                ),
                            ),
                            Text::new(
                                format!("复审《{title}》并在画像中更新批准日期和版本。"),
                                format!(
                                    "Review \"{title}\" and record the new approval date and version in the profile."
                                ),
                            ),
                        );
                        return;
                    }
                }
                w.evidence.push(item);
                w.met(Text::new(
                    format!(
                        "《{title}》{a}批准，文件已读取（SHA-256 {}）。",
                        short_hash(sha.as_deref())
                    ),
                    format!(
                        "\"{title}\", approved {a}, read (SHA-256 {}).",
                        short_hash(sha.as_deref())
                    ),
                ));
            }
        }
    }

    fn responsible(&self, w: &mut Work) {
        match &self.profile.operator.responsible {
            Some(r) => {
                let who = match &r.title {
                    Some(t) => format!("{}（{t}）", r.name),
                    None => r.name.clone(),
                };
                w.evidence.push(EvidenceItem {
                    kind: EvidenceKind::Profile,
                    what: Text::new(format!("网络安全负责人：{who}"), format!("Person responsible: {who}")),
                    source: self.profile.file.display().to_string(),
                    collected: Some(self.collected),
                    stale_after: None,
                    sha256: Some(self.profile.sha256.clone()),
                    state: EvidenceState::Ok,
                });
                w.met(Text::new(
                    format!("已确定网络安全负责人：{who}。"),
                    format!("The person responsible for network security is named: {who}."),
                ));
            }
            None => w.needs(
                Text::new("画像中没有写明网络安全负责人。", "The profile names no person responsible for network security."),
                Text::new(
                    "在画像的 [operator.responsible] 中写明网络安全负责人及其任命日期。",
                    "Name the person responsible and the appointment date in [operator.responsible].",
                ),
            ),
        }
    }

    // ---- registers ----

    fn docs_or_register(&self, w: &mut Work, duty: &'static str, kind: RegisterKind, sem: Sem) {
        let kept = self.ev.registers.as_ref().is_some_and(|r| r.keeps(kind));
        if kept {
            self.register(w, duty, kind, sem, true);
            self.documents(duty, w, false);
        } else if self.has_documents(duty) {
            self.documents(duty, w, true);
        } else {
            self.register(w, duty, kind, sem, true);
        }
    }

    fn register(&self, w: &mut Work, duty: &str, kind: RegisterKind, sem: Sem, required: bool) {
        let label = kind.label();
        let what = law::duty(duty)
            .and_then(|d| {
                d.evidence.iter().find_map(|e| match e {
                    law::Evidence::Auto {
                        capability: law::Capability::Registers,
                        what,
                    } => Some(*what),
                    _ => None,
                })
            })
            .or_else(|| {
                law::duty(duty).and_then(|d| {
                    d.evidence.iter().find_map(|e| match e {
                        law::Evidence::Supplied { what } => Some(*what),
                        law::Evidence::Auto { .. } => None,
                    })
                })
            })
            .map_or_else(|| Text::from(label), Text::from);
        let Some(regs) = self.ev.registers.as_ref().filter(|r| r.keeps(kind)) else {
            if required {
                let (zh_why, en_why) = if self.ev.registers.is_none() {
                    ("本处尚未保存登记簿", "wangan keeps no registers here yet")
                } else {
                    ("该登记簿尚未启用", "that register is not kept")
                };
                w.evidence.push(EvidenceItem {
                    kind: EvidenceKind::Register,
                    what: Text::new(
                        format!("{}：{}", label.zh, what.zh),
                        format!("{}: {}", label.en, what.en),
                    ),
                    source: format!("registers:{}", kind.key()),
                    collected: None,
                    stale_after: None,
                    sha256: None,
                    state: EvidenceState::Missing,
                });
                w.needs(
                    Text::new(
                        format!("需要{}中的记录来证明（{}）；{zh_why}。", label.zh, what.zh),
                        format!(
                            "An entry in the {} would prove it ({}); {en_why}.",
                            label.en, what.en
                        ),
                    ),
                    Text::new(
                        format!("在{}中登记：{}。", label.zh, what.zh),
                        format!("Record it in the {}: {}.", label.en, what.en),
                    ),
                );
            }
            return;
        };
        let entries = regs.entries_for(kind, duty);
        for e in &entries {
            w.evidence.push(self.entry_item(regs.origin.as_str(), e));
        }
        match sem {
            Sem::Event => self.event_register(w, kind, &entries),
            Sem::Standing => self.standing_register(w, kind, &entries),
            Sem::Periodic(every, legal) => {
                self.periodic_register(w, kind, &entries, every, legal, None)
            }
        }
    }

    fn entry_item(&self, origin: &str, e: &RegisterEvidence) -> EvidenceItem {
        EvidenceItem {
            kind: EvidenceKind::Register,
            what: Text::new(
                format!("{} {}：{}", e.register.label().zh, e.entry, e.summary),
                format!("{} {}: {}", e.register.label().en, e.entry, e.summary),
            ),
            source: format!("{origin}#{}/{}", e.register.key(), e.entry),
            collected: Some(e.recorded),
            stale_after: e.next,
            sha256: None,
            state: match e.status {
                EntryStatus::Done | EntryStatus::Open => EvidenceState::Ok,
                EntryStatus::Overdue | EntryStatus::Failed => EvidenceState::Problem,
            },
        }
    }

    fn entry_clock(&self, e: &RegisterEvidence, legal: bool) -> Option<ClockState> {
        let due = e.due?;
        let left = days_between(self.at, day(due));
        Some(ClockState {
            rule: "within",
            period: None,
            what: Text::new(
                format!("{} {}：{}", e.register.label().zh, e.entry, e.summary),
                format!("{} {}: {}", e.register.label().en, e.entry, e.summary),
            ),
            basis: Text::new("登记簿记录的期限", "the deadline the register records"),
            status: if legal { "secondary" } else { "ours" },
            legal,
            due: Some(rfc3339::text(&due)),
            days_left: Some(left),
            overdue: e.status == EntryStatus::Overdue
                || (e.status == EntryStatus::Open && due < self.as_of),
        })
    }

    fn event_register(&self, w: &mut Work, kind: RegisterKind, entries: &[&RegisterEvidence]) {
        let label = kind.label();
        if entries.is_empty() {
            w.met(Text::new(
                format!("{}已启用，没有需要处理的记录。", label.zh),
                format!("The {} is kept and holds nothing to act on.", label.en),
            ));
            return;
        }
        for e in entries {
            if let Some(c) = self.entry_clock(e, true) {
                w.clocks.push(c);
            }
            let late = e.status == EntryStatus::Overdue
                || (e.status == EntryStatus::Open && e.due.is_some_and(|d| d < self.as_of));
            if late {
                w.overdue = true;
                w.not_met(
                    Text::new(
                        format!(
                            "{} {}已超过期限{}：{}。",
                            label.zh,
                            e.entry,
                            e.due.map(short_time).unwrap_or_default(),
                            e.summary
                        ),
                        format!(
                            "Entry {1} of the {0} is past its deadline {2}: {3}.",
                            label.en,
                            e.entry,
                            e.due.map(short_time).unwrap_or_default(),
                            e.summary
                        ),
                    ),
                    Text::new(
                        format!(
                            "立即完成{} {}的报告或处置，并记录完成时间。",
                            label.zh, e.entry
                        ),
                        format!(
                            "Report or handle {} {} now and record when it was done.",
                            label.en, e.entry
                        ),
                    ),
                );
            } else if e.status == EntryStatus::Failed {
                w.not_met(
                    Text::new(
                        format!("{} {}未按要求完成：{}。", label.zh, e.entry, e.summary),
                        format!(
                            "Entry {} of the {} was not done as required: {}.",
                            e.entry, label.en, e.summary
                        ),
                    ),
                    Text::new(
                        format!("补救{} {}并记录。", label.zh, e.entry),
                        format!("Remedy {} {} and record it.", label.en, e.entry),
                    ),
                );
            } else {
                w.met(Text::new(
                    format!(
                        "{} {}：{}（{}）。",
                        label.zh,
                        e.entry,
                        e.summary,
                        status_zh(e.status)
                    ),
                    format!(
                        "Entry {} of the {}: {} ({}).",
                        e.entry,
                        label.en,
                        e.summary,
                        status_en(e.status)
                    ),
                ));
            }
        }
    }

    fn standing_register(&self, w: &mut Work, kind: RegisterKind, entries: &[&RegisterEvidence]) {
        let label = kind.label();
        if entries.is_empty() {
            w.needs(
                Text::new(
                    format!("{}中没有相关记录。", label.zh),
                    format!("The {} holds no entry for it.", label.en),
                ),
                Text::new(
                    format!("在{}中登记。", label.zh),
                    format!("Record it in the {}.", label.en),
                ),
            );
            return;
        }
        for e in entries {
            match e.status {
                EntryStatus::Done | EntryStatus::Open => w.met(Text::new(
                    format!("{} {}：{}。", label.zh, e.entry, e.summary),
                    format!("Entry {1} of the {0}: {2}.", label.en, e.entry, e.summary),
                )),
                EntryStatus::Overdue | EntryStatus::Failed => w.not_met(
                    Text::new(
                        format!(
                            "{} {}（{}）：{}。",
                            label.zh,
                            e.entry,
                            status_zh(e.status),
                            e.summary
                        ),
                        format!(
                            "Entry {} of the {} ({}): {}.",
                            e.entry,
                            label.en,
                            status_en(e.status),
                            e.summary
                        ),
                    ),
                    Text::new(
                        format!("处理{} {}并更新登记。", label.zh, e.entry),
                        format!(
                            "Deal with {} {} and update the register.",
                            label.en, e.entry
                        ),
                    ),
                ),
            }
        }
    }

    /// A duty done at least every `every`: the latest done entry's date
    /// plus the interval (or its `next`) is the due date.
    fn periodic_register(
        &self,
        w: &mut Work,
        kind: RegisterKind,
        entries: &[&RegisterEvidence],
        every: Interval,
        legal: bool,
        basis: Option<Text>,
    ) {
        let label = kind.label();
        let latest = entries
            .iter()
            .filter(|e| matches!(e.status, EntryStatus::Done | EntryStatus::Failed))
            .filter(|e| e.done.is_some_and(|d| day(d) <= self.at))
            .max_by_key(|e| e.done);
        let Some(e) = latest else {
            w.not_met(
                Text::new(
                    format!(
                        "{}中没有{}或之前完成的记录（至少每{}一次）。",
                        label.zh,
                        self.at,
                        every.zh()
                    ),
                    format!(
                        "The {} holds nothing done on or before {} (at least every {every}).",
                        label.en, self.at
                    ),
                ),
                Text::new(
                    format!("尽快完成并在{}中登记。", label.zh),
                    format!("Do it soon and record it in the {}.", label.en),
                ),
            );
            if legal {
                w.overdue = true;
            }
            return;
        };
        let done = e.done.map(day).unwrap_or(self.at);
        let due = e.next.unwrap_or_else(|| every.after(done));
        let left = days_between(self.at, due);
        w.clocks.push(ClockState {
            rule: "at-least-every",
            period: Some(every.iso8601()),
            what: Text::new(
                format!("{}：至少每{}一次", label.zh, every.zh()),
                format!("{}: at least every {every}", label.en),
            ),
            basis: basis.clone().unwrap_or_else(|| {
                Text::new(
                    "法律只规定“定期”；间隔为画像中的设置",
                    "The law says \"regularly\"; the interval is the profile's setting",
                )
            }),
            status: if legal { "verified" } else { "ours" },
            legal,
            due: Some(due.to_string()),
            days_left: Some(left),
            overdue: left <= 0,
        });
        if left <= 0 {
            if legal {
                w.overdue = true;
            }
            w.not_met(
                Text::new(
                    format!("最近一次（{} {}，{done}）之后，下一次应于{due}前完成，已逾期{}天。", label.zh, e.entry, -left),
                    format!(
                        "After the last one ({} {}, {done}) the next was due by {due}: {} days overdue.",
                        label.en, e.entry, -left
                    ),
                ),
                Text::new(
                    format!("尽快完成并在{}中登记。", label.zh),
                    format!("Do it now and record it in the {}.", label.en),
                ),
            );
        } else if e.status == EntryStatus::Failed {
            w.partly(
                Text::new(
                    format!(
                        "最近一次（{} {}，{done}）未通过或仍有未整改的问题：{}。",
                        label.zh, e.entry, e.summary
                    ),
                    format!(
                        "The last one ({} {}, {done}) failed or has open findings: {}.",
                        label.en, e.entry, e.summary
                    ),
                ),
                Text::new(
                    format!("整改{} {}发现的问题。", label.zh, e.entry),
                    format!("Fix what {} {} found.", label.en, e.entry),
                ),
            );
        } else {
            w.met(Text::new(
                format!(
                    "最近一次：{} {}（{done}）；下一次应于{due}前完成（还有{left}天）。",
                    label.zh, e.entry
                ),
                format!(
                    "Last: {} {} ({done}); the next is due by {due} ({left} days left).",
                    label.en, e.entry
                ),
            ));
        }
    }

    fn annual_assessment(&self, duty: &str, w: &mut Work) {
        let kind = RegisterKind::AnnualAssessments;
        let year = Interval(Period::Years(1));
        let basis = Some(Text::new(
            "法律条文（每年至少一次）",
            "the law's text (at least once a year)",
        ));
        if let Some(regs) = self.ev.registers.as_ref().filter(|r| r.keeps(kind)) {
            let entries = regs.entries_for(kind, duty);
            for e in &entries {
                w.evidence.push(self.entry_item(&regs.origin, e));
            }
            self.periodic_register(w, kind, &entries, year, true, basis);
            return;
        }
        // Without the register, the yearly report declared as a document
        // dates the last assessment.
        let docs: Vec<_> = self
            .profile
            .documents
            .iter()
            .filter(|d| d.duties.iter().any(|x| x == duty))
            .collect();
        if docs.is_empty() {
            self.register(w, duty, kind, Sem::Periodic(year, true), true);
            return;
        }
        let latest = docs
            .iter()
            .filter(|d| d.approved.is_some_and(|a| a <= self.at))
            .filter(|d| self.doc_evidence(&d.id).is_some_and(|e| e.sha256.is_some()))
            .max_by_key(|d| d.approved);
        // the documents are the evidence; the yearly clock decides
        let mut docs_work = Work::default();
        for d in &docs {
            self.document_slot(d, &mut docs_work);
        }
        w.evidence.extend(docs_work.evidence);
        match latest.and_then(|d| d.approved.map(|a| (d, a))) {
            None => {
                w.overdue = true;
                w.not_met(
                    Text::new(
                        "没有可读取的、在评估日期之前完成的年度检测评估报告。",
                        "No readable yearly assessment report dated on or before the date assessed.",
                    ),
                    Text::new(
                        "完成年度检测评估，报送保护工作部门，并在画像中登记报告。",
                        "Carry out the yearly assessment, send it to the sector department and declare the report in the profile.",
                    ),
                );
            }
            Some((d, a)) => {
                let due = year.after(a);
                let left = days_between(self.at, due);
                w.clocks.push(ClockState {
                    rule: "at-least-every",
                    period: Some(year.iso8601()),
                    what: Text::new(
                        "每年至少进行一次检测评估并报送",
                        "Assess at least once a year and report",
                    ),
                    basis: Text::new("法律条文", "the law's text"),
                    status: "verified",
                    legal: true,
                    due: Some(due.to_string()),
                    days_left: Some(left),
                    overdue: left <= 0,
                });
                if left <= 0 {
                    w.overdue = true;
                    w.not_met(
                        Text::new(
                            format!("最近一次年度检测评估报告《{}》为{a}，下一次应于{due}前完成，已逾期{}天。", d.title, -left),
                            format!(
                                "The last yearly assessment report (\"{}\") is of {a}; the next was due by {due}: {} days overdue.",
                                d.title, -left
                            ),
                        ),
                        Text::new(
                            "立即完成本年度检测评估并报送保护工作部门。",
                            "Carry out this year's assessment now and send it to the sector department.",
                        ),
                    );
                } else {
                    w.met(Text::new(
                        format!("最近一次年度检测评估报告《{}》为{a}；下一次应于{due}前完成（还有{left}天）。", d.title),
                        format!(
                            "The last yearly assessment report (\"{}\") is of {a}; the next is due by {due} ({left} days left).",
                            d.title
                        ),
                    ));
                }
            }
        }
        w.info(Text::new(
            "报送回执和整改记录需另行登记（年度检测评估登记簿）。",
            "The receipt and the fixes belong in the yearly assessment register.",
        ));
    }

    // ---- logs ----

    fn vault_for(&self, dir: &std::path::Path) -> Option<&VaultEvidence> {
        let d = dir.display().to_string();
        self.ev.vaults.iter().find(|v| v.dir == d)
    }

    fn logs(&self, w: &mut Work) {
        let p = self.profile;
        if p.log_sources.is_empty() {
            w.needs(
                Text::new("画像中没有声明日志来源。", "The profile declares no log source."),
                Text::new(
                    "在画像中为每个系统、网络设备和安全设备添加 [[log_source]]，并把日志送入 wangan 日志库。",
                    "Add a [[log_source]] for every system, network and security device, and send their logs to the wangan vault.",
                ),
            );
            return;
        }
        w.clocks.push(ClockState {
            rule: "keep-at-least",
            period: Some("P6M".to_owned()),
            what: Text::new(
                format!(
                    "留存自{}起的日志（六个日历月）",
                    Interval(Period::Months(6)).before(self.at)
                ),
                format!(
                    "Keep the logs since {} (six calendar months)",
                    Interval(Period::Months(6)).before(self.at)
                ),
            ),
            basis: Text::new("法律条文", "the law's text"),
            status: "verified",
            legal: true,
            due: None,
            days_left: None,
            overdue: false,
        });
        for src in &p.log_sources {
            let state = self.source_state(src);
            let vault = state.vault.clone();
            let ve = self.vault_for(&src.vault);
            let gap_txt = fmt_secs(src.max_gap.fixed().map_or(3600, |d| d.whole_seconds()));
            let window = ve.and_then(|v| v.window_start.zip(v.window_end));
            let mut item = EvidenceItem {
                kind: EvidenceKind::VaultCoverage,
                what: Text::same(String::new()),
                source: vault.clone(),
                collected: ve.map(|v| v.collected),
                stale_after: None,
                sha256: None,
                state: EvidenceState::Ok,
            };
            match &state.problem {
                Some(problem) => {
                    item.state = EvidenceState::Problem;
                    item.what = Text::new(
                        format!("日志来源 {}：{}", src.name, problem.zh),
                        format!("Log source {}: {}", src.name, problem.en),
                    );
                    w.evidence.push(item);
                    w.not_met(
                        Text::new(
                            format!("日志来源 {}：{}", src.name, problem.zh),
                            format!("Log source {}: {}", src.name, problem.en),
                        ),
                        Text::new(
                            format!(
                                "让 {} 持续把日志送入 wangan（serve 或 vault ingest --source {}），补齐缺失的日志，并查明中断原因。",
                                src.name, src.name
                            ),
                            format!(
                                "Make {} send its logs to wangan continuously (serve, or vault ingest --source {}), fill the missing stretches where the logs still exist, and find out why they stopped.",
                                src.name, src.name
                            ),
                        ),
                    );
                }
                None => {
                    let (from, to) = window
                        .map(|(a, b)| (short_time(a), short_time(b)))
                        .unwrap_or_default();
                    item.what = Text::new(
                        format!(
                            "日志来源 {}：{from} 至 {to} 连续覆盖，没有超过{}的间断",
                            src.name, gap_txt.0
                        ),
                        format!(
                            "Log source {}: covered from {from} to {to}, no silence over {}",
                            src.name, gap_txt.1
                        ),
                    );
                    w.evidence.push(item);
                    w.met(Text::new(
                        format!("日志来源 {} 六个月连续覆盖。", src.name),
                        format!("Log source {} covers six continuous months.", src.name),
                    ));
                }
            }
        }
        for v in p.vaults() {
            self.integrity(v, w);
        }
        let undeclared = self.undeclared();
        if !undeclared.is_empty() {
            let names: Vec<&str> = undeclared.iter().map(|u| u.name.as_str()).collect();
            w.info(Text::new(
                format!("日志库中还有画像未声明的来源：{}。", names.join("、")),
                format!(
                    "The vault also holds sources the profile does not declare: {}.",
                    names.join(", ")
                ),
            ));
        }
    }

    fn integrity(&self, dir: &std::path::Path, w: &mut Work) {
        let shown = dir.display().to_string();
        let Some(v) = self.vault_for(dir) else {
            return;
        };
        if v.error.is_some() {
            // the sources already say the vault cannot be read
            return;
        }
        let mut item = EvidenceItem {
            kind: EvidenceKind::VaultIntegrity,
            what: Text::same(String::new()),
            source: shown.clone(),
            collected: Some(v.collected),
            stale_after: None,
            sha256: None,
            state: EvidenceState::Ok,
        };
        let fix_verify = Text::new(
            format!(
                "运行 wangan vault verify --data-dir {shown}（完整校验），并定期运行（如每天由 cron 执行）。"
            ),
            format!(
                "Run wangan vault verify --data-dir {shown} (a full verification), and run it regularly (e.g. daily from cron)."
            ),
        );
        if let Some(s) = &v.structure
            && !s.ok
        {
            item.state = EvidenceState::Problem;
            item.what = Text::new(
                format!("日志库 {shown} 结构校验失败：{}", s.problems.join("；")),
                format!(
                    "Vault {shown} fails its structural check: {}",
                    s.problems.join("; ")
                ),
            );
            w.evidence.push(item);
            w.not_met(
                Text::new(
                    format!("日志库 {shown} 未通过完整性校验：{}。", s.problems.join("；")),
                    format!("Vault {shown} fails verification: {}.", s.problems.join("; ")),
                ),
                Text::new(
                    format!("运行 wangan vault verify --data-dir {shown} 查明损坏或篡改的位置，保全现场并报告。"),
                    format!(
                        "Run wangan vault verify --data-dir {shown} to find what was damaged or altered; preserve the evidence and report it."
                    ),
                ),
            );
            return;
        }
        if !v.unreadable.is_empty() {
            item.state = EvidenceState::Problem;
            item.what = Text::new(
                format!(
                    "日志库 {shown} 有无法读取的部分：{}",
                    v.unreadable.join("；")
                ),
                format!(
                    "Vault {shown} has unreadable parts: {}",
                    v.unreadable.join("; ")
                ),
            );
            w.evidence.push(item);
            w.not_met(
                Text::new(
                    format!("日志库 {shown} 有无法读取的部分，覆盖无法证明。"),
                    format!("Parts of vault {shown} cannot be read: coverage is unproven."),
                ),
                fix_verify,
            );
            return;
        }
        let max_age = self.profile.settings.verify_max_age;
        match &v.last_full_verify {
            None => {
                item.state = EvidenceState::Missing;
                item.what = Text::new(
                    format!("日志库 {shown}：没有完整校验的记录"),
                    format!("Vault {shown}: no full verification on record"),
                );
                w.evidence.push(item);
                w.needs(
                    Text::new(
                        format!("日志库 {shown} 没有完整校验（wangan vault verify）的记录，无法证明日志未被改动。"),
                        format!(
                            "Vault {shown} has no full verification (wangan vault verify) on record: nothing shows the logs are unchanged."
                        ),
                    ),
                    fix_verify,
                );
            }
            Some(f) if !f.intact || !f.matches_store => {
                item.state = EvidenceState::Problem;
                let (zh, en) = if f.intact {
                    (
                        "校验过的默克尔树与现存日志库不一致（此后被改写）".to_owned(),
                        "the tree it verified is not the store's tree any more (rewritten since)"
                            .to_owned(),
                    )
                } else {
                    (
                        format!("发现{}个错误", f.errors),
                        format!("{} error(s) found", f.errors),
                    )
                };
                item.what = Text::new(
                    format!("日志库 {shown}：{} 完整校验失败，{zh}", short_time(f.at)),
                    format!(
                        "Vault {shown}: full verification of {} failed, {en}",
                        short_time(f.at)
                    ),
                );
                w.evidence.push(item);
                w.not_met(
                    Text::new(
                        format!("日志库 {shown} 未通过完整性校验（{}）：{zh}。", short_time(f.at)),
                        format!("Vault {shown} fails verification ({}): {en}.", short_time(f.at)),
                    ),
                    Text::new(
                        format!("运行 wangan vault verify --data-dir {shown} 查明损坏或篡改的位置，保全现场并报告。"),
                        format!(
                            "Run wangan vault verify --data-dir {shown} to find what was damaged or altered; preserve the evidence and report it."
                        ),
                    ),
                );
            }
            Some(f) => {
                let stale_after = max_age.after(day(f.at));
                let age_days = (self.collected - f.at).whole_days();
                item.stale_after = Some(stale_after);
                item.what = Text::new(
                    format!(
                        "日志库 {shown}：{} 完整校验通过，{} 条记录，距今{age_days}天",
                        short_time(f.at),
                        f.records
                    ),
                    format!(
                        "Vault {shown}: full verification passed on {}, {} records, {age_days} days ago",
                        short_time(f.at),
                        f.records
                    ),
                );
                let stale = max_age
                    .fixed()
                    .map_or(stale_after <= day(self.collected), |d| {
                        self.collected - f.at > d
                    });
                if stale {
                    item.state = EvidenceState::Stale;
                    w.evidence.push(item);
                    w.needs(
                        Text::new(
                            format!(
                                "日志库 {shown} 最近一次完整校验在{age_days}天前，超过画像允许的{}。",
                                max_age.zh()
                            ),
                            format!(
                                "The last full verification of vault {shown} is {age_days} days old, older than the profile allows ({max_age}).",
                            ),
                        ),
                        fix_verify,
                    );
                } else {
                    w.evidence.push(item);
                    w.met(Text::new(
                        format!("日志库 {shown} 完整校验通过（{}）。", short_time(f.at)),
                        format!(
                            "Vault {shown} passed full verification ({}).",
                            short_time(f.at)
                        ),
                    ));
                }
            }
        }
    }

    fn source_state(&self, src: &crate::profile::LogSource) -> LogSourceState {
        let vault = src.vault.display().to_string();
        let ve = self.vault_for(&src.vault);
        let mut st = LogSourceState {
            name: src.name.clone(),
            vault: vault.clone(),
            system: src.system.clone(),
            covered: false,
            first: None,
            last: None,
            max_gap_secs: src.max_gap.fixed().map_or(3600, |d| d.whole_seconds()),
            gaps: Vec::new(),
            problem: None,
        };
        let Some(v) = ve else {
            st.problem = Some(Text::new(
                format!("没有读取日志库 {vault}"),
                format!("vault {vault} was not read"),
            ));
            return st;
        };
        if let Some(e) = &v.error {
            st.problem = Some(Text::new(
                format!("无法读取日志库 {vault}（{e}）"),
                format!("vault {vault} cannot be read ({e})"),
            ));
            return st;
        }
        let Some(c) = v.sources.iter().find(|s| s.name == src.name) else {
            st.problem = Some(Text::new(
                format!("日志库 {vault} 中没有该来源的任何记录"),
                format!("vault {vault} holds no record from it"),
            ));
            return st;
        };
        st.first = c.first;
        st.last = c.last;
        st.gaps.clone_from(&c.gaps);
        st.max_gap_secs = c.max_gap_secs;
        if c.gaps.is_empty() {
            st.covered = true;
            return st;
        }
        let total: i64 = c.gaps.iter().map(crate::evidence::Gap::seconds).sum();
        let (tz, te) = fmt_secs(total);
        let longest = c.gaps.iter().max_by_key(|g| g.seconds());
        let (lz, le) = longest
            .map(|g| {
                let (z, e) = fmt_secs(g.seconds());
                (
                    format!(
                        "最长一次 {} 至 {}（{z}）",
                        short_time(g.from),
                        short_time(g.to)
                    ),
                    format!(
                        "the longest {} to {} ({e})",
                        short_time(g.from),
                        short_time(g.to)
                    ),
                )
            })
            .unwrap_or_default();
        let (mz, me) = fmt_secs(c.max_gap_secs);
        st.problem = Some(Text::new(
            format!("六个月内有{}处超过{mz}的间断，共{tz}；{lz}", c.gaps.len()),
            format!(
                "{} gap{} over {me} in the six months, {te} in all; {le}",
                c.gaps.len(),
                if c.gaps.len() == 1 { "" } else { "s" }
            ),
        ));
        st
    }

    // ---- data ----

    fn scan_for(&self, store: &str) -> Option<&ScanEvidence> {
        self.ev.scans.iter().find(|s| s.store == store)
    }

    /// Is the scan fresh at the date assessed?
    fn scan_fresh(&self, store: &DataStore, s: &ScanEvidence) -> (bool, Date) {
        scan_fresh(store, s.scanned_at, self.at, self.as_of)
    }

    /// The scan slot of a store: `Some(scan)` when fresh.
    fn scan_slot(&self, store: &DataStore, w: &mut Work) -> Option<&ScanEvidence> {
        let fix = Text::new(
            format!(
                "扫描数据存储 {}：wangan scan {} --save，或 wangan assess --scan。",
                store.id, store.target
            ),
            format!(
                "Scan data store {}: wangan scan {} --save, or wangan assess --scan.",
                store.id, store.target
            ),
        );
        let Some(s) = self.scan_for(&store.id) else {
            w.evidence.push(EvidenceItem {
                kind: EvidenceKind::Scan,
                what: Text::new(
                    format!("数据存储 {}：没有扫描结果", store.id),
                    format!("Data store {}: never scanned", store.id),
                ),
                source: store.target.clone(),
                collected: None,
                stale_after: None,
                sha256: None,
                state: EvidenceState::Missing,
            });
            w.needs(
                Text::new(
                    format!(
                        "数据存储 {} 没有保存的扫描结果，无法判断其中的数据类别。",
                        store.id
                    ),
                    format!(
                        "Data store {} has no saved scan: what data it holds is unknown.",
                        store.id
                    ),
                ),
                fix,
            );
            return None;
        };
        let (fresh, stale_after) = self.scan_fresh(store, s);
        w.evidence.push(EvidenceItem {
            kind: EvidenceKind::Scan,
            what: Text::new(
                format!(
                    "数据存储 {}：{} 扫描，{}{}",
                    store.id,
                    short_time(s.scanned_at),
                    s.level.label().zh,
                    if s.persons > 0 {
                        format!("，约{}人", s.persons)
                    } else {
                        String::new()
                    }
                ),
                format!(
                    "Data store {}: scanned {}, {}{}",
                    store.id,
                    short_time(s.scanned_at),
                    s.level.label().en,
                    if s.persons > 0 {
                        format!(", about {} persons", s.persons)
                    } else {
                        String::new()
                    }
                ),
            ),
            source: s.file.clone(),
            collected: Some(s.scanned_at),
            stale_after: Some(stale_after),
            sha256: Some(s.sha256.clone()),
            state: if fresh {
                EvidenceState::Ok
            } else {
                EvidenceState::Stale
            },
        });
        if !fresh {
            w.needs(
                Text::new(
                    format!(
                        "数据存储 {} 的扫描（{}）已超过{}，需要重新扫描。",
                        store.id,
                        short_time(s.scanned_at),
                        store.scan_max_age.zh()
                    ),
                    format!(
                        "The scan of data store {} ({}) is older than {}: scan it again.",
                        store.id,
                        short_time(s.scanned_at),
                        store.scan_max_age
                    ),
                ),
                fix,
            );
            return None;
        }
        if s.skipped > 0 {
            // what it found stands, but what it could not read is unknown
            w.needs(
                Text::new(
                    format!(
                        "数据存储 {} 的扫描有 {} 个输入无法读取，结果不完整：修复读取问题后重新扫描。",
                        store.id, s.skipped
                    ),
                    format!(
                        "The scan of data store {} could not read {} of its inputs, so it is incomplete: fix access and scan it again.",
                        store.id, s.skipped
                    ),
                ),
                fix,
            );
        }
        Some(s)
    }

    fn is_important(store: &DataStore, s: Option<&ScanEvidence>) -> bool {
        store.important || s.is_some_and(|s| s.level == DataLevel::ImportantCandidate)
    }

    fn data_protection(&self, w: &mut Work) {
        let p = self.profile;
        if p.data_stores.is_empty() {
            w.needs(
                Text::new("画像中没有声明数据存储。", "The profile declares no data store."),
                Text::new(
                    "在画像中为每个存放业务数据的数据库和目录添加 [[data_store]]，并扫描分级。",
                    "Add a [[data_store]] for every database and folder holding business data, and scan it.",
                ),
            );
            return;
        }
        for store in &p.data_stores {
            let scan = self.scan_slot(store, w);
            if let Some(s) = scan {
                w.met(Text::new(
                    format!("数据存储 {} 已扫描分级：{}。", store.id, s.level.label().zh),
                    format!(
                        "Data store {} is scanned and graded: {}.",
                        store.id,
                        s.level.label().en
                    ),
                ));
            }
            let important = Self::is_important(store, scan.or_else(|| self.scan_for(&store.id)));
            if !important {
                continue;
            }
            let why = if store.important {
                Text::new(
                    "画像标明为重要数据",
                    "the profile marks it as important data",
                )
            } else {
                Text::new(
                    "扫描判定为重要数据候选",
                    "the scan grades it an important-data candidate",
                )
            };
            self.backup_facts(store, &why, w, true);
        }
    }

    /// Backup, restore test and (when `encryption`) encryption facts of a store.
    fn backup_facts(&self, store: &DataStore, why: &Text, w: &mut Work, encryption: bool) {
        let profile_item = |what: Text, ok: bool| EvidenceItem {
            kind: EvidenceKind::Profile,
            what,
            source: self.profile.file.display().to_string(),
            collected: Some(self.collected),
            stale_after: None,
            sha256: Some(self.profile.sha256.clone()),
            state: if ok {
                EvidenceState::Ok
            } else {
                EvidenceState::Problem
            },
        };
        match store.backup_every {
            Some(b) => {
                w.evidence.push(profile_item(
                    Text::new(
                        format!("数据存储 {}：每{}备份", store.id, b.zh()),
                        format!("Data store {}: backed up every {b}", store.id),
                    ),
                    true,
                ));
                w.met(Text::new(
                    format!("数据存储 {}（{}）每{}备份。", store.id, why.zh, b.zh()),
                    format!(
                        "Data store {} ({}) is backed up every {b}.",
                        store.id, why.en
                    ),
                ));
            }
            None => {
                w.evidence.push(profile_item(
                    Text::new(
                        format!("数据存储 {}：未备份", store.id),
                        format!("Data store {}: no backup", store.id),
                    ),
                    false,
                ));
                w.not_met(
                    Text::new(
                        format!("数据存储 {}（{}）没有备份。", store.id, why.zh),
                        format!("Data store {} ({}) is not backed up.", store.id, why.en),
                    ),
                    Text::new(
                        format!("为数据存储 {} 建立定期备份，并在画像中写明 backup_every。", store.id),
                        format!("Back up data store {} regularly and record backup_every in the profile.", store.id),
                    ),
                );
            }
        }
        let every = self.profile.settings.restore_test_every;
        match store.restore_tested {
            Some(t) if t <= self.at => {
                let due = every.after(t);
                let left = days_between(self.at, due);
                w.clocks.push(ClockState {
                    rule: "at-least-every",
                    period: Some(every.iso8601()),
                    what: Text::new(
                        format!("数据存储 {} 的恢复测试至少每{}一次", store.id, every.zh()),
                        format!(
                            "Test a restore of data store {} at least every {every}",
                            store.id
                        ),
                    ),
                    basis: Text::new(
                        "画像设置（法律未规定间隔）",
                        "the profile's setting (the law sets no interval)",
                    ),
                    status: "ours",
                    legal: false,
                    due: Some(due.to_string()),
                    days_left: Some(left),
                    overdue: left <= 0,
                });
                if left <= 0 {
                    w.partly(
                        Text::new(
                            format!("数据存储 {} 最近一次恢复测试在{t}，超过{}。", store.id, every.zh()),
                            format!("The last restore test of data store {} was on {t}, more than {every} ago.", store.id),
                        ),
                        Text::new(
                            format!("对数据存储 {} 做一次恢复测试，并更新 restore_tested。", store.id),
                            format!("Test a restore of data store {} and update restore_tested.", store.id),
                        ),
                    );
                } else {
                    w.met(Text::new(
                        format!("数据存储 {} 最近一次恢复测试在{t}。", store.id),
                        format!(
                            "Data store {} was last restored in a test on {t}.",
                            store.id
                        ),
                    ));
                }
            }
            _ => w.partly(
                Text::new(
                    format!(
                        "数据存储 {} 没有恢复测试的记录（截至{}）。",
                        store.id, self.at
                    ),
                    format!(
                        "Data store {} has no restore test on record (as of {}).",
                        store.id, self.at
                    ),
                ),
                Text::new(
                    format!(
                        "对数据存储 {} 做一次恢复测试，并在画像中写明 restore_tested。",
                        store.id
                    ),
                    format!(
                        "Test a restore of data store {} and record restore_tested in the profile.",
                        store.id
                    ),
                ),
            ),
        }
        if !encryption {
            return;
        }
        match store.encrypted {
            Some(true) => w.met(Text::new(
                format!(
                    "数据存储 {} 静态加密{}。",
                    store.id,
                    store
                        .encryption
                        .as_ref()
                        .map(|e| format!("（{e}）"))
                        .unwrap_or_default()
                ),
                format!(
                    "Data store {} is encrypted at rest{}.",
                    store.id,
                    store
                        .encryption
                        .as_ref()
                        .map(|e| format!(" ({e})"))
                        .unwrap_or_default()
                ),
            )),
            Some(false) => w.not_met(
                Text::new(
                    format!("数据存储 {}（{}）未加密存储。", store.id, why.zh),
                    format!(
                        "Data store {} ({}) is not encrypted at rest.",
                        store.id, why.en
                    ),
                ),
                Text::new(
                    format!(
                        "对数据存储 {} 启用静态加密（如 SM4），并在画像中写明。",
                        store.id
                    ),
                    format!(
                        "Encrypt data store {} at rest (e.g. SM4) and record it in the profile.",
                        store.id
                    ),
                ),
            ),
            None => w.needs(
                Text::new(
                    format!("画像没有说明数据存储 {} 是否加密存储。", store.id),
                    format!(
                        "The profile does not say whether data store {} is encrypted at rest.",
                        store.id
                    ),
                ),
                Text::new(
                    format!(
                        "在画像中为数据存储 {} 写明 encrypted 和 encryption。",
                        store.id
                    ),
                    format!(
                        "Record encrypted and encryption for data store {} in the profile.",
                        store.id
                    ),
                ),
            ),
        }
    }

    fn disaster_recovery(&self, w: &mut Work) {
        let p = self.profile;
        if p.data_stores.is_empty() {
            w.needs(
                Text::new("画像中没有声明数据存储。", "The profile declares no data store."),
                Text::new(
                    "在画像中为重要系统的数据库添加 [[data_store]]，写明备份周期和恢复测试日期。",
                    "Add a [[data_store]] for the databases of important systems, with the backup interval and the last restore test.",
                ),
            );
            return;
        }
        let why = Text::new("关键信息基础设施的数据库", "a database of the CII");
        for store in &p.data_stores {
            self.backup_facts(store, &why, w, false);
        }
    }

    fn localisation(&self, w: &mut Work) {
        let p = self.profile;
        if p.data_stores.is_empty() {
            w.needs(
                Text::new(
                    "画像中没有声明数据存储。",
                    "The profile declares no data store.",
                ),
                Text::new(
                    "在画像中为每个数据存储写明数据实际所在的国家或地区（country）。",
                    "Declare every data store with the country where its data physically is.",
                ),
            );
            return;
        }
        for store in &p.data_stores {
            let scan = self.scan_slot(store, w);
            let Some(country) = &store.country else {
                w.needs(
                    Text::new(
                        format!(
                            "画像没有写明数据存储 {} 的数据实际存放在哪个国家或地区。",
                            store.id
                        ),
                        format!(
                            "The profile does not say where the data of store {} physically is.",
                            store.id
                        ),
                    ),
                    Text::new(
                        format!("为数据存储 {} 写明 country（如 CN）。", store.id),
                        format!("Record country (e.g. CN) for data store {}.", store.id),
                    ),
                );
                continue;
            };
            let Some(s) = scan else {
                continue;
            };
            let holds = s.level.has_pi() || Self::is_important(store, Some(s));
            if country == "CN" {
                w.met(Text::new(
                    format!("数据存储 {} 位于境内（CN）。", store.id),
                    format!("Data store {} is in the mainland (CN).", store.id),
                ));
            } else if !holds {
                w.met(Text::new(
                    format!("数据存储 {} 位于{country}，扫描未发现个人信息或重要数据候选。", store.id),
                    format!(
                        "Data store {} is in {country}; the scan found no personal information or important-data candidate.",
                        store.id
                    ),
                ));
            } else if let Some(doc) = store.export_assessment.as_ref().and_then(|d| p.document(d)) {
                w.info(Text::new(
                    format!("数据存储 {} 位于{country}，含{}；出境安全评估见文件《{}》。", store.id, s.level.label().zh, doc.title),
                    format!(
                        "Data store {} is in {country} and holds {}; the export security assessment is \"{}\".",
                        store.id,
                        s.level.label().en,
                        doc.title
                    ),
                ));
                self.document_slot(doc, w);
            } else {
                w.not_met(
                    Text::new(
                        format!("数据存储 {} 位于境外（{country}），含{}，且没有出境安全评估。", store.id, s.level.label().zh),
                        format!(
                            "Data store {} is outside the mainland ({country}), holds {}, and has no export security assessment.",
                            store.id,
                            s.level.label().en
                        ),
                    ),
                    Text::new(
                        format!("把数据存储 {} 的个人信息和重要数据迁回境内存储；确需向境外提供的，先按规定进行安全评估，并在画像中用 export_assessment 指向评估文件。", store.id),
                        format!(
                            "Move the personal information and important data of store {} back to the mainland; where export is truly needed, pass the security assessment first and point export_assessment at it.",
                            store.id
                        ),
                    ),
                );
            }
        }
    }

    // ---- MLPS ----

    fn mlps(&self, duty: &str, w: &mut Work) {
        let p = self.profile;
        if p.systems.is_empty() {
            w.needs(
                Text::new(
                    "画像中没有声明定级对象（系统）。",
                    "The profile declares no system (定级对象).",
                ),
                Text::new(
                    "在画像中添加 [[system]]，写明等级保护级别或定级要素。",
                    "Add a [[system]] with its MLPS level or grading inputs.",
                ),
            );
            return;
        }
        for sys in &p.systems {
            let Some(level) = sys.mlps_level else {
                w.needs(
                    Text::new(
                        format!("系统 {} 没有等级保护级别。", sys.id),
                        format!("System {} has no MLPS level.", sys.id),
                    ),
                    Text::new(
                        format!("为系统 {} 定级（mlps_level 或 grading）。", sys.id),
                        format!("Grade system {} (mlps_level or grading).", sys.id),
                    ),
                );
                continue;
            };
            w.met(Text::new(
                format!("系统 {}（{}）定为第{level}级。", sys.id, sys.name),
                format!("System {} ({}) is graded level {level}.", sys.id, sys.name),
            ));
            if level < 2 {
                continue;
            }
            self.system_register(w, duty, sys, RegisterKind::MlpsFilings, None);
            let cadence = match level {
                3 => Some(Interval(Period::Years(1))),
                4 => Some(Interval(Period::Months(6))),
                _ => None,
            };
            if let Some(every) = cadence {
                self.system_register(w, duty, sys, RegisterKind::MlpsTests, Some(every));
            } else if level >= 5 {
                w.info(Text::new(
                    format!("第五级系统 {} 的测评周期未记录，请按主管部门要求自行设置。", sys.id),
                    format!("The test cadence of level-5 system {} is not recorded; follow the authorities' requirement.", sys.id),
                ));
            }
        }
    }

    fn system_register(
        &self,
        w: &mut Work,
        duty: &str,
        sys: &crate::profile::System,
        kind: RegisterKind,
        every: Option<Interval>,
    ) {
        let label = kind.label();
        let Some(regs) = self.ev.registers.as_ref().filter(|r| r.keeps(kind)) else {
            let (zh, en) = match kind {
                RegisterKind::MlpsFilings => (
                    "向公安机关备案（定级后30日内，二手来源）",
                    "the filing with public security (within 30 days of grading; secondary source)",
                ),
                _ => (
                    "等级测评（第三级每年、第四级每半年，二手来源）",
                    "the level test (level 3 yearly, level 4 every six months; secondary source)",
                ),
            };
            w.needs(
                Text::new(
                    format!("系统 {}：需要{}中的记录证明{zh}。", sys.id, label.zh),
                    format!(
                        "System {}: an entry in the {} would prove {en}.",
                        sys.id, label.en
                    ),
                ),
                Text::new(
                    format!("在{}中登记系统 {} 的{zh}。", label.zh, sys.id),
                    format!("Record {en} of system {} in the {}.", sys.id, label.en),
                ),
            );
            return;
        };
        let entries: Vec<&RegisterEvidence> = regs
            .entries_for(kind, duty)
            .into_iter()
            .filter(|e| e.system.as_deref() == Some(sys.id.as_str()))
            .collect();
        for e in &entries {
            w.evidence.push(self.entry_item(&regs.origin, e));
        }
        match every {
            None => self.standing_register(w, kind, &entries),
            Some(i) => self.periodic_register(
                w,
                kind,
                &entries,
                i,
                false,
                Some(Text::new(
                    "等级测评周期（2007年管理办法，二手来源）",
                    "MLPS test cadence (2007 measures; secondary source)",
                )),
            ),
        }
    }

    // ---- article, clocks, penalties ----

    fn article(&self, d: &law::Duty) -> ArticleRef {
        let loc = d
            .source(self.version)
            .or_else(|| d.source(Version::Csl2016))
            .unwrap_or(law::Loc::article(self.version, 0));
        let mut numbering = std::collections::BTreeMap::new();
        for v in Version::ALL {
            numbering.insert(v.key(), d.source(v).map(|l| l.to_string()));
        }
        // an item is quoted after the sentence that introduces it
        let text = match (loc.part, loc.article_data(), loc.paragraph_number()) {
            (law::Part::Item(_), Some(a), Some(pn)) => {
                let lead = a
                    .paragraphs
                    .get(usize::from(pn).saturating_sub(1))
                    .map(|p| p.text)
                    .unwrap_or_default();
                let lead = if pn == 1 {
                    format!("{}{}{lead}", a.heading, a.separator)
                } else {
                    lead.to_owned()
                };
                format!("{lead}\n{}", loc.text().unwrap_or_default())
            }
            _ => loc.text().unwrap_or_default(),
        };
        ArticleRef {
            version: loc.version.key(),
            reference: loc.to_string(),
            label: loc.label(),
            zh: loc.zh(),
            text,
            numbering,
        }
    }

    fn law_clocks(&self, d: &law::Duty) -> Vec<ClockState> {
        let kind = self.profile.operator.kind;
        d.clocks
            .iter()
            .filter(|c| {
                // the incident report: only the hour limit of this operator's kind
                if d.id != "csl.incident-report" {
                    return true;
                }
                match c.rule {
                    ClockRule::Within(Period::Hours(h)) => {
                        h == match kind {
                            crate::OperatorKind::CiiOperator => 1,
                            crate::OperatorKind::CentralOrgan => 2,
                            crate::OperatorKind::Operator => 4,
                        }
                    }
                    _ => true,
                }
            })
            // clocks this assessment computes itself are shown there
            .filter(|c| {
                let computed_here = matches!(
                    (d.id, c.rule),
                    (_, ClockRule::KeepAtLeast(_))
                        | ("csl.cii-annual-assessment", ClockRule::AtLeastEvery(_))
                        | ("csl.cii-drills" | "csl.cii-training", ClockRule::Regularly)
                );
                !computed_here
            })
            .map(|c| ClockState {
                rule: c.rule.key(),
                period: c.rule.period().map(Period::iso8601),
                what: c.what.into(),
                basis: c.basis.into(),
                status: c.status.key(),
                legal: true,
                due: None,
                days_left: None,
                overdue: false,
            })
            .collect()
    }

    fn penalties(&self, d: &law::Duty) -> Vec<PenaltyRef> {
        d.penalties
            .iter()
            .filter(|p| p.version == self.version)
            .map(|p| PenaltyRef {
                version: p.version.key(),
                citation: p.label(),
                zh: p.zh(),
                text: p.text(),
                status: p.status.key(),
                note: p.note.map(Text::from),
            })
            .collect()
    }

    // ---- waivers ----

    fn waiver_for(&self, duty: &str) -> Option<WaiverRef> {
        self.profile
            .waivers
            .iter()
            .filter(|w| {
                w.duty == duty && self.at < w.expires && w.granted.is_none_or(|g| g <= self.at)
            })
            .max_by_key(|w| w.expires)
            .map(|w| WaiverRef {
                reason: w.reason.clone(),
                owner: w.owner.clone(),
                expires: w.expires,
                days_left: days_between(self.at, w.expires),
            })
    }

    fn waiver_states(&self) -> Vec<WaiverState> {
        self.profile
            .waivers
            .iter()
            .map(|w| {
                let d = law::duty(&w.duty);
                let applicable = d.is_some_and(|d| self.applicability(d).is_ok());
                let state = if !applicable {
                    WaiverStatus::NotApplicable
                } else if w.granted.is_some_and(|g| g > self.at) {
                    WaiverStatus::NotYetGranted
                } else if self.at < w.expires {
                    WaiverStatus::Active
                } else {
                    WaiverStatus::Expired
                };
                WaiverState {
                    duty: w.duty.clone(),
                    title: d.map_or_else(|| Text::same(w.duty.clone()), |d| d.title.into()),
                    reason: w.reason.clone(),
                    owner: w.owner.clone(),
                    expires: w.expires,
                    granted: w.granted,
                    state,
                }
            })
            .collect()
    }

    // ---- tables for the report ----

    fn source_states(&self) -> Vec<LogSourceState> {
        self.profile
            .log_sources
            .iter()
            .map(|s| self.source_state(s))
            .collect()
    }

    fn undeclared(&self) -> Vec<UndeclaredSource> {
        let mut out = Vec::new();
        for v in &self.ev.vaults {
            for s in &v.sources {
                let declared = self
                    .profile
                    .log_sources
                    .iter()
                    .any(|d| d.name == s.name && d.vault.display().to_string() == v.dir);
                if !declared {
                    out.push(UndeclaredSource {
                        name: s.name.clone(),
                        vault: v.dir.clone(),
                    });
                }
            }
        }
        out
    }

    fn vault_states(&self) -> Vec<VaultState> {
        self.ev
            .vaults
            .iter()
            .map(|v| {
                let f = v.last_full_verify.as_ref();
                let failed = v.structure.as_ref().is_some_and(|s| !s.ok)
                    || f.is_some_and(|f| !f.intact || !f.matches_store);
                VaultState {
                    dir: v.dir.clone(),
                    error: v.error.clone(),
                    origin: v.origin.clone(),
                    retention: v.retention.clone(),
                    records: v.records,
                    window_start: v.window_start,
                    window_end: v.window_end,
                    structure_ok: v.structure.as_ref().map(|s| s.ok),
                    structure_problems: v
                        .structure
                        .as_ref()
                        .map(|s| s.problems.clone())
                        .unwrap_or_default(),
                    verified_at: f.map(|f| f.at),
                    verified_intact: f.map(|f| f.intact && f.matches_store),
                    verified_records: f.map(|f| f.records),
                    verified_age_days: f.map(|f| (self.collected - f.at).whole_days()),
                    unreadable: v.unreadable.clone(),
                    integrity_failed: failed,
                }
            })
            .collect()
    }

    fn store_states(&self) -> Vec<DataStoreState> {
        self.profile
            .data_stores
            .iter()
            .map(|st| {
                let s = self.scan_for(&st.id);
                DataStoreState {
                    id: st.id.clone(),
                    target: st.target.clone(),
                    country: st.country.clone(),
                    region: st.region.clone(),
                    important: st.important,
                    level: s.map(|s| s.level),
                    level_label: s.map(|s| s.level.label().into()),
                    scanned_at: s.map(|s| s.scanned_at),
                    scan_stale: s.is_some_and(|s| !self.scan_fresh(st, s).0),
                    scan_file: s.map(|s| s.file.clone()),
                    scan_sha256: s.map(|s| s.sha256.clone()),
                    sensitive: s.is_some_and(|s| s.sensitive),
                    persons: s.map(|s| s.persons),
                    backup_every: st.backup_every.map(|b| b.to_string()),
                    restore_tested: st.restore_tested,
                    encrypted: st.encrypted,
                }
            })
            .collect()
    }

    fn document_states(&self) -> Vec<DocumentState> {
        self.profile
            .documents
            .iter()
            .map(|doc| {
                let e = self.doc_evidence(&doc.id);
                let review_due = match (doc.approved, doc.review_every) {
                    (Some(a), Some(r)) => Some(r.after(a)),
                    _ => None,
                };
                let readable = e.is_some_and(|e| e.sha256.is_some());
                DocumentState {
                    id: doc.id.clone(),
                    title: doc.title.clone(),
                    path: e.map_or_else(|| doc.path.display().to_string(), |e| e.path.clone()),
                    duties: doc.duties.clone(),
                    version: doc.version.clone(),
                    approved: doc.approved,
                    review_due,
                    sha256: e.and_then(|e| e.sha256.clone()),
                    bytes: e.and_then(|e| e.bytes),
                    error: e.and_then(|e| e.error.clone()),
                    state: if !readable {
                        EvidenceState::Missing
                    } else if review_due.is_some_and(|d| d <= self.at) || doc.approved.is_none() {
                        EvidenceState::Stale
                    } else {
                        EvidenceState::Ok
                    },
                }
            })
            .collect()
    }

    fn settings(&self) -> Vec<Setting> {
        let s = &self.profile.settings;
        let mut v = vec![
            Setting {
                key: "assess.max_gap",
                value: s.max_gap.to_string(),
                what: Text::new(
                    "日志来源的静默超过此长度即视为间断",
                    "a silence in a log source longer than this is a gap",
                ),
            },
            Setting {
                key: "assess.scan_max_age",
                value: s.scan_max_age.to_string(),
                what: Text::new("扫描结果的有效期", "how long a scan stays fresh"),
            },
            Setting {
                key: "assess.verify_max_age",
                value: s.verify_max_age.to_string(),
                what: Text::new(
                    "日志库完整校验的有效期",
                    "how long a full vault verification stays fresh",
                ),
            },
            Setting {
                key: "assess.restore_test_every",
                value: s.restore_test_every.to_string(),
                what: Text::new(
                    "重要数据恢复测试的间隔",
                    "how often restores of important data are tested",
                ),
            },
        ];
        if self.profile.operator.kind.is_cii() {
            v.push(Setting {
                key: "assess.drill_every",
                value: s.drill_every.to_string(),
                what: Text::new(
                    "“定期”演练的间隔（法律未规定）",
                    "the interval of \"regular\" drills (the law sets none)",
                ),
            });
            v.push(Setting {
                key: "assess.training_every",
                value: s.training_every.to_string(),
                what: Text::new(
                    "“定期”培训的间隔（法律未规定）",
                    "the interval of \"regular\" training (the law sets none)",
                ),
            });
        }
        for ls in &self.profile.log_sources {
            if ls.max_gap != s.max_gap {
                v.push(Setting {
                    key: "log_source.max_gap",
                    value: format!("{}: {}", ls.name, ls.max_gap),
                    what: Text::new(
                        "该日志来源的间断阈值",
                        "the gap threshold of this log source",
                    ),
                });
            }
        }
        v
    }

    fn notes(&self) -> Vec<Text> {
        let mut n = Vec::new();
        if self.at < day(self.collected) {
            n.push(Text::new(
                format!(
                    "评估日期{}早于取证时间：按{}施行的法律和编号判断，证据为取证时所见（{}）。",
                    self.at,
                    self.at,
                    short_time(self.collected)
                ),
                format!(
                    "The date assessed ({}) is before the evidence was gathered: the law and numbering in force on {} apply; the evidence is what existed when gathered ({}).",
                    self.at,
                    self.at,
                    short_time(self.collected)
                ),
            ));
        }
        if self.ev.registers.is_none() {
            n.push(Text::new(
                "本处尚未保存登记簿（事件、演练、培训、协议等）：需要登记簿证明的义务标为“待举证”，并写明需要哪一类登记。",
                "No registers are kept here yet (incidents, drills, training, agreements …): duties they would prove need evidence, and say which register entry would prove them.",
            ));
        }
        n.push(Text::new(
            "数据分级为扫描得出的候选结果，须对照所在行业、地区的重要数据目录确认；间隔、阈值等设置为 wangan 的默认值或画像的选择，不是法律规定。wangan 是工具，不构成法律意见。",
            "Data grades are candidates from the scan, to be confirmed against the important-data catalog of the sector or region; intervals and thresholds are wangan's defaults or the profile's choices, not law. wangan is a tool, not legal advice.",
        ));
        n
    }
}

#[derive(Debug, Clone, Copy)]
enum Sem {
    /// Entries are events with deadlines (incidents, vulnerabilities).
    Event,
    /// Entries are standing facts (agreements, filings).
    Standing,
    /// Done at least every interval (legal or ours).
    Periodic(Interval, bool),
}

fn status_zh(s: EntryStatus) -> &'static str {
    match s {
        EntryStatus::Done => "已完成",
        EntryStatus::Open => "进行中",
        EntryStatus::Overdue => "已逾期",
        EntryStatus::Failed => "未通过",
    }
}

fn status_en(s: EntryStatus) -> &'static str {
    match s {
        EntryStatus::Done => "done",
        EntryStatus::Open => "open",
        EntryStatus::Overdue => "overdue",
        EntryStatus::Failed => "failed",
    }
}

fn short_hash(h: Option<&str>) -> String {
    h.map_or_else(String::new, |h| h.chars().take(12).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn as_of_is_the_end_of_the_day_in_china_or_now() {
        let now = datetime!(2026-03-10 02:00 UTC);
        assert_eq!(
            as_of(date!(2026 - 03 - 01), now),
            datetime!(2026-03-02 00:00 +08:00)
        );
        assert_eq!(as_of(date!(2026 - 03 - 10), now), now);
        assert_eq!(as_of(date!(2026 - 04 - 01), now), now);
    }

    #[test]
    fn combination_of_slots() {
        let mut w = Work::default();
        assert_eq!(w.status(), Status::NeedsEvidence);
        w.met(Text::same("a"));
        assert_eq!(w.status(), Status::Met);
        w.needs(Text::same("b"), Text::same("f"));
        assert_eq!(w.status(), Status::PartlyMet);
        w.not_met(Text::same("c"), Text::same("f"));
        assert_eq!(w.status(), Status::NotMet);
        let mut w = Work::default();
        w.needs(Text::same("b"), Text::same("f"));
        w.needs(Text::same("b"), Text::same("f"));
        assert_eq!(w.status(), Status::NeedsEvidence);
        assert_eq!(w.remediation.len(), 1, "the same fix once");
    }
}
