//! The registers and their fields, as data: what each register holds, which
//! duty it proves, the type, label and rules of every field. The command
//! line builds its flags from these tables and a console can build its forms
//! from them; validation reads them too, so there is one definition.

use law::Text;
use serde::Serialize;
use serde_json::{Map, Value};
use time::OffsetDateTime;

use crate::error::{Result, invalid};
use crate::text::Msg;
use crate::when::{fmt_date, fmt_datetime, parse_date, parse_datetime};

const fn t(zh: &'static str, en: &'static str) -> Text {
    Text::new(zh, en)
}

/// One register.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Register {
    /// Cybersecurity incidents and their reports (27).
    Incident,
    /// Incident response plans (27, 36(4)).
    Plan,
    /// Drills of the response plan (36(4)).
    Drill,
    /// Training and skills tests (36(2)).
    Training,
    /// Background checks for key posts (36(1)).
    BackgroundCheck,
    /// The security body, its head and the person responsible (23(1), 36(1)).
    Organisation,
    /// Supplier security and confidentiality agreements (38).
    Agreement,
    /// Procurement national-security reviews (37).
    ProcurementReview,
    /// Product vulnerabilities (24, for providers).
    Vulnerability,
    /// Real-name verification per service (26).
    RealName,
    /// MLPS grading, filing and level tests (23).
    Mlps,
    /// The yearly CII assessment (40).
    CiiAssessment,
    /// Critical network equipment and security products in use (25).
    Equipment,
    /// CII construction projects: security planned, built, in use (35).
    Project,
}

/// A choice of a [`FieldType::Choice`] field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Choice {
    /// The stored key.
    pub key: &'static str,
    /// The name to show.
    #[serde(serialize_with = "ser_text")]
    pub label: Text,
    /// Other spellings accepted on input (e.g. the Chinese word).
    pub aliases: &'static [&'static str],
}

fn ser_text<S: serde::Serializer>(t: &Text, s: S) -> std::result::Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut m = s.serialize_map(Some(2))?;
    m.serialize_entry("zh", t.zh)?;
    m.serialize_entry("en", t.en)?;
    m.end()
}

const fn c(key: &'static str, zh: &'static str, en: &'static str) -> Choice {
    Choice {
        key,
        label: t(zh, en),
        aliases: &[],
    }
}

/// The type of a field, which decides how it is read and stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "type", content = "choices")]
pub enum FieldType {
    /// One line of text (at most 500 characters). Stored as a string.
    Text,
    /// Free text, several lines (at most 20 000 characters).
    LongText,
    /// A calendar date `YYYY-MM-DD`.
    Date,
    /// An RFC 3339 time with offset; the offset is kept.
    DateTime,
    /// A non-negative whole number.
    Count,
    /// A non-negative number.
    Number,
    /// `true` / `false` (also yes/no, 是/否).
    Bool,
    /// One of a fixed set; stored as the key.
    Choice(&'static [Choice]),
    /// A list of one-line texts; on the command line the flag repeats.
    List,
    /// An MLPS grading input `OBJECT:DEGREE`.
    Harm,
    /// The id of a record in another register.
    Ref(Register),
    /// A SHA-256 digest in hex (of a document).
    Sha256,
    /// A year, 2000–2100.
    Year,
}

/// One field of a register.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Field {
    /// The key in the stored record and in JSON (`discovered_at`); the
    /// command-line flag is the key with `-` for `_`.
    pub key: &'static str,
    /// The name to show.
    #[serde(serialize_with = "ser_text")]
    pub label: Text,
    /// How it is read and stored.
    #[serde(rename = "type")]
    pub ty: FieldType,
    /// Whether a record must have it.
    pub required: bool,
    /// Personal data: masked in every list, report and event.
    pub personal: bool,
    /// A time or date of something that has happened: it may not lie more
    /// than a day in the future.
    pub past: bool,
    /// Set by wangan (status), not given on input.
    pub managed: bool,
}

const fn f(key: &'static str, zh: &'static str, en: &'static str, ty: FieldType) -> Field {
    Field {
        key,
        label: t(zh, en),
        ty,
        required: false,
        personal: false,
        past: false,
        managed: false,
    }
}

impl Field {
    const fn req(mut self) -> Field {
        self.required = true;
        self
    }
    const fn personal(mut self) -> Field {
        self.personal = true;
        self
    }
    const fn past(mut self) -> Field {
        self.past = true;
        self
    }
    const fn managed(mut self) -> Field {
        self.managed = true;
        self
    }

    /// The command-line flag: `--discovered-at`.
    pub fn flag(&self) -> String {
        format!("--{}", self.key.replace('_', "-"))
    }
}

use FieldType as F;

/// Incident grades.
pub const GRADES: &[Choice] = &[
    Choice {
        key: "general",
        label: t("一般", "general (一般)"),
        aliases: &["一般"],
    },
    Choice {
        key: "large",
        label: t("较大", "large (较大)"),
        aliases: &["较大"],
    },
    Choice {
        key: "major",
        label: t("重大", "major (重大)"),
        aliases: &["重大"],
    },
    Choice {
        key: "especially-major",
        label: t("特别重大", "especially major (特别重大)"),
        aliases: &["特别重大", "especially_major"],
    },
];
const INCIDENT_STATUS: &[Choice] = &[
    c("open", "处置中", "open"),
    c("closed", "处置结束", "handling ended"),
];
const PLAN_STATUS: &[Choice] = &[
    c("current", "现行", "current"),
    c("superseded", "已废止", "superseded"),
];
const DRILL_KINDS: &[Choice] = &[
    c("tabletop", "桌面推演", "tabletop"),
    c("functional", "功能演练", "functional"),
    c("full-scale", "实战演练", "full-scale"),
];
const TRAINING_KINDS: &[Choice] = &[
    c("training", "培训", "training"),
    c("skills-test", "技能考核", "skills test"),
    c("both", "培训和考核", "training and test"),
];
const CHECK_RESULTS: &[Choice] = &[
    c("passed", "通过", "passed"),
    c("failed", "未通过", "failed"),
    c("pending", "审查中", "pending"),
    c("conditional", "有条件通过", "conditional"),
];
const ORG_ROLES: &[Choice] = &[
    c("security-body", "专门安全管理机构", "security body"),
    c("security-head", "安全管理负责人", "head of security"),
    c(
        "responsible-person",
        "网络安全负责人",
        "person responsible for network security",
    ),
];
const AGREEMENT_STATUS: &[Choice] = &[
    c("in-force", "有效", "in force"),
    c("ended", "已终止", "ended"),
];
const YES_NO_UNSURE: &[Choice] = &[
    c("yes", "可能影响", "yes"),
    c("no", "不影响", "no"),
    c("unsure", "尚不确定", "unsure"),
];
const REVIEW_STATES: &[Choice] = &[
    c("not-required", "无需审查", "not required"),
    c("to-apply", "待申报", "to apply"),
    c("applied", "已申报", "applied"),
    c("passed", "通过", "passed"),
    c("failed", "未通过", "failed"),
];
const SEVERITIES: &[Choice] = &[
    c("low", "低危", "low"),
    c("medium", "中危", "medium"),
    c("high", "高危", "high"),
    c("critical", "超危", "critical"),
];
const REAL_NAME_SERVICES: &[Choice] = &[
    c("access", "网络接入", "network access"),
    c("domain", "域名注册", "domain registration"),
    c("phone", "固定电话、移动电话入网", "phone sign-up"),
    c("publishing", "信息发布", "information publishing"),
    c("instant-messaging", "即时通讯", "instant messaging"),
    c("other", "其他", "other"),
];
const TEST_CONCLUSIONS: &[Choice] = &[
    c("conform", "符合", "conform"),
    c("basically-conform", "基本符合", "basically conform"),
    c("not-conform", "不符合", "do not conform"),
];
/// Equipment categories of the catalog (and others).
pub const EQUIPMENT_CATEGORIES: &[Choice] = &[
    c("router", "路由器", "router"),
    c("switch", "交换机", "switch"),
    c("rack-server", "服务器（机架式）", "rack server"),
    c("plc", "可编程逻辑控制器（PLC）", "PLC"),
    c("firewall", "防火墙", "firewall"),
    c("ids", "入侵检测系统", "intrusion detection"),
    c("ips", "入侵防御系统", "intrusion prevention"),
    c(
        "backup-recovery",
        "数据备份与恢复产品",
        "backup and recovery",
    ),
    c(
        "isolation",
        "网络和终端隔离产品",
        "network/terminal isolation",
    ),
    c(
        "other-security",
        "其他网络安全专用产品",
        "other security product",
    ),
    c("other", "其他设备", "other equipment"),
];

const INCIDENT_FIELDS: &[Field] = &[
    f("title", "标题", "title", F::Text).req(),
    f("grade", "事件级别", "grade", F::Choice(GRADES)).req(),
    f("discovered_at", "发现时间", "discovered at", F::DateTime)
        .req()
        .past(),
    f("occurred_at", "发生时间", "occurred at", F::DateTime).past(),
    f("unit", "报告单位", "reporting unit", F::Text),
    f(
        "systems",
        "涉及的网络和信息系统",
        "systems affected",
        F::List,
    ),
    f("place", "发生地点", "place", F::Text),
    f("category", "事件类型", "type", F::Text),
    f(
        "pi_people",
        "涉及个人信息人数",
        "people whose personal information is affected",
        F::Count,
    ),
    f("impact", "影响和危害", "impact and harm", F::LongText),
    f("measures", "已采取的措施", "measures taken", F::LongText),
    f(
        "ransom",
        "勒索情况（金额、方式、日期）",
        "ransom (amount, method, date)",
        F::Text,
    ),
    f("trend", "事态发展趋势", "trend", F::LongText),
    f("cause", "初步原因分析", "preliminary cause", F::LongText),
    f("clues", "攻击者线索", "clues to the attacker", F::LongText),
    f("next_steps", "下一步工作", "next steps", F::LongText),
    f(
        "help_requested",
        "需要的支持",
        "help requested",
        F::LongText,
    ),
    f(
        "reported_sector_at",
        "报告保护工作部门的时间",
        "reported to the sector protection department at",
        F::DateTime,
    )
    .past(),
    f(
        "reported_police_at",
        "报告公安机关的时间",
        "reported to public security at",
        F::DateTime,
    )
    .past(),
    f(
        "reported_cac_at",
        "报告网信部门的时间",
        "reported to the cyberspace office at",
        F::DateTime,
    )
    .past(),
    f(
        "handling_ended_at",
        "处置结束时间",
        "handling ended at",
        F::DateTime,
    )
    .past(),
    f(
        "summary_reported_at",
        "总结报告报送时间",
        "summary report sent at",
        F::DateTime,
    )
    .past(),
    f("harm", "造成的危害", "harm done", F::LongText),
    f(
        "accountability",
        "责任追究情况",
        "accountability",
        F::LongText,
    ),
    f("fixes", "整改措施", "fixes", F::LongText),
    f("lessons", "经验教训", "lessons", F::LongText),
    f("status", "状态", "status", F::Choice(INCIDENT_STATUS)).managed(),
];

const PLAN_FIELDS: &[Field] = &[
    f("title", "预案名称", "title", F::Text).req(),
    f("version", "版本", "version", F::Text).req(),
    f("approved_on", "批准日期", "approved on", F::Date)
        .req()
        .past(),
    f("next_review", "下次评审日期", "next review", F::Date),
    f("scope", "适用范围", "scope", F::Text),
    f("document", "文件位置", "document", F::Text),
    f("sha256", "文件 SHA-256", "document SHA-256", F::Sha256),
    f("status", "状态", "status", F::Choice(PLAN_STATUS)),
];

const DRILL_FIELDS: &[Field] = &[
    f("date", "演练日期", "date", F::Date).req().past(),
    f("scenario", "演练场景", "scenario", F::Text).req(),
    f("plan", "所依据的预案", "plan", F::Ref(Register::Plan)),
    f("kind", "演练形式", "kind", F::Choice(DRILL_KINDS)),
    f("participants", "参演人数", "participants (count)", F::Count).req(),
    f("units", "参演部门", "departments taking part", F::Text),
    f("findings", "发现的问题", "findings", F::LongText),
    f("follow_ups", "改进事项", "follow-ups", F::List),
    f(
        "follow_ups_closed",
        "已完成的改进事项数",
        "follow-ups closed (count)",
        F::Count,
    ),
];

const TRAINING_FIELDS: &[Field] = &[
    f("date", "日期", "date", F::Date).req().past(),
    f("course", "课程或考核名称", "course or test", F::Text).req(),
    f("kind", "类型", "kind", F::Choice(TRAINING_KINDS)).req(),
    f("attendees", "参加人数", "attendees (count)", F::Count).req(),
    f(
        "passed",
        "考核通过人数",
        "passed the test (count)",
        F::Count,
    ),
    f(
        "trainees",
        "参加人员（姓名:结果）",
        "trainees (NAME:RESULT)",
        F::List,
    )
    .personal(),
    f("trainer", "授课或考核单位", "trainer", F::Text),
    f("hours", "学时", "hours", F::Number),
];

const BACKGROUND_FIELDS: &[Field] = &[
    f("person", "姓名", "person", F::Text).req().personal(),
    f("staff_id", "工号", "staff number", F::Text).personal(),
    f("post", "岗位", "post", F::Text).req(),
    f("key_post", "是否关键岗位", "key post", F::Bool),
    f("checked_on", "审查日期", "checked on", F::Date)
        .req()
        .past(),
    f("result", "审查结论", "result", F::Choice(CHECK_RESULTS)).req(),
    f("checked_by", "审查单位", "checked by", F::Text),
    f("next_check", "下次审查日期", "next check", F::Date),
    f("note", "备注", "note", F::LongText),
];

const ORG_FIELDS: &[Field] = &[
    f("role", "角色", "role", F::Choice(ORG_ROLES)).req(),
    f("body", "机构名称", "body", F::Text),
    f("person", "负责人姓名", "person", F::Text).personal(),
    f(
        "appointed_on",
        "设立或任命日期",
        "set up or appointed on",
        F::Date,
    )
    .req()
    .past(),
    f("ended_on", "撤销或离任日期", "ended on", F::Date).past(),
    f("document", "文件", "document", F::Text),
];

const AGREEMENT_FIELDS: &[Field] = &[
    f("vendor", "供应商", "vendor", F::Text).req(),
    f("subject", "产品或服务", "product or service", F::Text).req(),
    f("systems", "涉及的系统", "systems", F::List),
    f("signed_on", "签订日期", "signed on", F::Date)
        .req()
        .past(),
    f("expires_on", "到期日期", "expires on", F::Date),
    f(
        "security",
        "包含安全义务",
        "covers security duties",
        F::Bool,
    ),
    f(
        "confidentiality",
        "包含保密义务",
        "covers confidentiality",
        F::Bool,
    ),
    f("document", "文件", "document", F::Text),
    f("sha256", "文件 SHA-256", "document SHA-256", F::Sha256),
    f("status", "状态", "status", F::Choice(AGREEMENT_STATUS)),
];

const PROCUREMENT_FIELDS: &[Field] = &[
    f(
        "item",
        "采购的产品或服务",
        "product or service bought",
        F::Text,
    )
    .req(),
    f("vendor", "供应商", "vendor", F::Text).req(),
    f("systems", "涉及的系统", "systems", F::List),
    f("purchased_on", "采购日期", "purchased on", F::Date),
    f(
        "may_affect_national_security",
        "是否可能影响国家安全",
        "may affect national security",
        F::Choice(YES_NO_UNSURE),
    )
    .req(),
    f("reasoning", "判断依据", "reasoning", F::LongText),
    f(
        "review",
        "国家安全审查",
        "national security review",
        F::Choice(REVIEW_STATES),
    )
    .req(),
    f("applied_on", "申报日期", "applied on", F::Date).past(),
    f("decided_on", "审查结论日期", "decided on", F::Date).past(),
    f(
        "decision_ref",
        "审查结论文号",
        "decision reference",
        F::Text,
    ),
];

const VULN_FIELDS: &[Field] = &[
    f("product", "产品名称", "product", F::Text).req(),
    f("model", "型号", "model", F::Text),
    f("version", "版本", "version", F::Text).req(),
    f("found_at", "发现或获知时间", "found at", F::DateTime)
        .req()
        .past(),
    f("verified_at", "验证时间", "verified at", F::DateTime).past(),
    f(
        "reported_at",
        "报送工信部平台时间",
        "reported to the MIIT platform at",
        F::DateTime,
    )
    .past(),
    f("report_ref", "报送编号", "report reference", F::Text),
    f(
        "users_told_at",
        "告知用户时间",
        "users told at",
        F::DateTime,
    )
    .past(),
    f("fixed_at", "修补时间", "fixed at", F::DateTime).past(),
    f("fix_version", "修复版本", "fixed in version", F::Text),
    f("severity", "危害等级", "severity", F::Choice(SEVERITIES)),
    f(
        "cve",
        "漏洞编号（CVE/CNVD/CNNVD）",
        "identifier (CVE/CNVD/CNNVD)",
        F::Text,
    ),
    f(
        "description",
        "技术特点",
        "technical characteristics",
        F::LongText,
    ),
    f("scope", "危害和影响范围", "harm and scope", F::LongText),
];

const REAL_NAME_FIELDS: &[Field] = &[
    f("service", "服务", "service", F::Text).req(),
    f(
        "kind",
        "服务类别",
        "kind of service",
        F::Choice(REAL_NAME_SERVICES),
    )
    .req(),
    f("method", "核验方式", "verification method", F::Text).req(),
    f("evidence", "证明材料", "evidence", F::Text),
    f("checked_on", "检查日期", "checked on", F::Date).past(),
    f("note", "备注", "note", F::LongText),
];

const MLPS_FIELDS: &[Field] = &[
    f("system", "定级对象（系统）", "system", F::Text).req(),
    f(
        "business",
        "业务信息安全：客体:程度",
        "business information: OBJECT:DEGREE",
        F::Harm,
    )
    .req(),
    f(
        "service",
        "系统服务安全：客体:程度",
        "system service: OBJECT:DEGREE",
        F::Harm,
    )
    .req(),
    f("level", "安全保护等级", "level", F::Count),
    f("graded_on", "定级日期", "graded on", F::Date)
        .req()
        .past(),
    f(
        "expert_review_on",
        "专家评审日期",
        "expert review on",
        F::Date,
    )
    .past(),
    f("filed_on", "备案日期", "filed on", F::Date).past(),
    f("filing_no", "备案证明编号", "filing number", F::Text),
    f(
        "last_test_on",
        "最近一次等级测评日期",
        "last level test on",
        F::Date,
    )
    .past(),
    f("test_org", "测评机构", "testing body", F::Text),
    f(
        "test_conclusion",
        "测评结论",
        "test conclusion",
        F::Choice(TEST_CONCLUSIONS),
    ),
    f("test_score", "测评得分", "test score", F::Number),
];

const ASSESSMENT_FIELDS: &[Field] = &[
    f("year", "年度", "year", F::Year).req(),
    f("assessed_on", "检测评估日期", "assessed on", F::Date)
        .req()
        .past(),
    f(
        "assessor",
        "检测评估单位（自行或机构名称）",
        "assessor (self or the service provider)",
        F::Text,
    )
    .req(),
    f("report", "报告", "report", F::Text),
    f("sha256", "报告 SHA-256", "report SHA-256", F::Sha256),
    f("findings", "发现的问题数", "findings (count)", F::Count),
    f("fixes", "改进措施", "fixes", F::LongText),
    f(
        "submitted_on",
        "报送保护工作部门日期",
        "sent to the sector department on",
        F::Date,
    )
    .past(),
    f("department", "保护工作部门", "sector department", F::Text),
];

const EQUIPMENT_FIELDS: &[Field] = &[
    f("model", "型号", "model", F::Text).req(),
    f("vendor", "厂商", "vendor", F::Text).req(),
    f(
        "category",
        "类别",
        "category",
        F::Choice(EQUIPMENT_CATEGORIES),
    )
    .req(),
    f(
        "throughput_tbps",
        "整系统吞吐量（Tbps）",
        "whole-system throughput (Tbps)",
        F::Number,
    ),
    f(
        "routes",
        "路由表容量（条）",
        "route table capacity (entries)",
        F::Count,
    ),
    f(
        "gpps",
        "包转发率（Gpps）",
        "packet forwarding (Gpps)",
        F::Number,
    ),
    f("cpus", "CPU 数", "CPUs", F::Count),
    f("cores_per_cpu", "每 CPU 核数", "cores per CPU", F::Count),
    f("memory_gb", "内存（GB）", "memory (GB)", F::Number),
    f(
        "instruction_us",
        "指令处理时间（µs）",
        "instruction time (µs)",
        F::Number,
    ),
    f(
        "certificate",
        "认证证书或检测报告编号",
        "certificate or test report number",
        F::Text,
    ),
    f("systems", "使用的系统", "systems", F::List),
    f("in_use_since", "启用日期", "in use since", F::Date),
];

const PROJECT_FIELDS: &[Field] = &[
    f("name", "项目名称", "project", F::Text).req(),
    f("system", "系统", "system", F::Text),
    f(
        "planned_on",
        "安全措施同步规划日期",
        "security planned on",
        F::Date,
    )
    .past(),
    f(
        "plan_evidence",
        "规划证明材料",
        "planning evidence",
        F::Text,
    ),
    f(
        "built_on",
        "安全措施同步建设日期",
        "security built on",
        F::Date,
    )
    .past(),
    f("build_evidence", "建设证明材料", "build evidence", F::Text),
    f(
        "in_use_on",
        "安全措施同步使用日期",
        "security in use on",
        F::Date,
    )
    .past(),
    f("use_evidence", "使用证明材料", "use evidence", F::Text),
    f("go_live_on", "系统上线日期", "system goes live on", F::Date),
];

impl Register {
    /// All registers.
    pub const ALL: [Register; 14] = [
        Register::Incident,
        Register::Plan,
        Register::Drill,
        Register::Training,
        Register::BackgroundCheck,
        Register::Organisation,
        Register::Agreement,
        Register::ProcurementReview,
        Register::Vulnerability,
        Register::RealName,
        Register::Mlps,
        Register::CiiAssessment,
        Register::Equipment,
        Register::Project,
    ];

    /// The stable key, also the command name: `incident`, `background-check`.
    pub fn key(self) -> &'static str {
        match self {
            Register::Incident => "incident",
            Register::Plan => "plan",
            Register::Drill => "drill",
            Register::Training => "training",
            Register::BackgroundCheck => "background-check",
            Register::Organisation => "organisation",
            Register::Agreement => "agreement",
            Register::ProcurementReview => "procurement-review",
            Register::Vulnerability => "vulnerability",
            Register::RealName => "real-name",
            Register::Mlps => "mlps",
            Register::CiiAssessment => "cii-assessment",
            Register::Equipment => "equipment",
            Register::Project => "project",
        }
    }

    /// Read a key.
    pub fn from_key(s: &str) -> Option<Register> {
        Register::ALL.into_iter().find(|r| r.key() == s.trim())
    }

    /// The prefix of record ids: `INC-1`, `DRL-12`.
    pub fn prefix(self) -> &'static str {
        match self {
            Register::Incident => "INC",
            Register::Plan => "PLN",
            Register::Drill => "DRL",
            Register::Training => "TRN",
            Register::BackgroundCheck => "BGC",
            Register::Organisation => "ORG",
            Register::Agreement => "AGR",
            Register::ProcurementReview => "PRC",
            Register::Vulnerability => "VUL",
            Register::RealName => "RNV",
            Register::Mlps => "MLP",
            Register::CiiAssessment => "CIA",
            Register::Equipment => "EQP",
            Register::Project => "PRJ",
        }
    }

    /// The register a record id belongs to, from its prefix.
    pub fn of_id(id: &str) -> Option<Register> {
        let (p, n) = id.trim().split_once('-')?;
        if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Register::ALL
            .into_iter()
            .find(|r| r.prefix().eq_ignore_ascii_case(p))
    }

    /// The name to show.
    pub fn label(self) -> Text {
        match self {
            Register::Incident => t("网络安全事件登记", "incident register"),
            Register::Plan => t("应急预案登记", "response plans"),
            Register::Drill => t("应急演练登记", "drills"),
            Register::Training => t("教育培训和技能考核登记", "training and skills tests"),
            Register::BackgroundCheck => t("安全背景审查登记", "background checks"),
            Register::Organisation => t("安全管理机构和负责人", "security organisation"),
            Register::Agreement => t(
                "安全保密协议登记",
                "supplier security and confidentiality agreements",
            ),
            Register::ProcurementReview => t(
                "采购国家安全审查登记",
                "procurement national-security reviews",
            ),
            Register::Vulnerability => t("产品安全漏洞登记", "product vulnerabilities"),
            Register::RealName => t("真实身份核验登记", "real-name verification"),
            Register::Mlps => t("等级保护定级、备案和测评", "MLPS grading, filing and tests"),
            Register::CiiAssessment => t("年度检测评估登记", "yearly CII assessments"),
            Register::Equipment => t(
                "网络关键设备和网络安全专用产品",
                "critical equipment and security products",
            ),
            Register::Project => t(
                "关键信息基础设施建设项目（三同步）",
                "CII construction projects (三同步)",
            ),
        }
    }

    /// One record's name: `事件` / `incident`.
    pub fn noun(self) -> Text {
        match self {
            Register::Incident => t("事件", "incident"),
            Register::Plan => t("预案", "plan"),
            Register::Drill => t("演练", "drill"),
            Register::Training => t("培训", "training"),
            Register::BackgroundCheck => t("背景审查", "background check"),
            Register::Organisation => t("机构或负责人", "organisation entry"),
            Register::Agreement => t("协议", "agreement"),
            Register::ProcurementReview => t("采购审查", "procurement review"),
            Register::Vulnerability => t("漏洞", "vulnerability"),
            Register::RealName => t("实名核验", "real-name entry"),
            Register::Mlps => t("定级对象", "MLPS system"),
            Register::CiiAssessment => t("检测评估", "assessment"),
            Register::Equipment => t("设备", "equipment"),
            Register::Project => t("建设项目", "project"),
        }
    }

    /// The duties (ids of the `law` crate) the register proves.
    pub fn duties(self) -> &'static [&'static str] {
        match self {
            Register::Incident => &["csl.incident-report"],
            Register::Plan => &["csl.incident-plan", "csl.cii-drills"],
            Register::Drill => &["csl.cii-drills"],
            Register::Training => &["csl.cii-training"],
            Register::BackgroundCheck => &["csl.cii-security-organisation"],
            Register::Organisation => &["csl.security-management", "csl.cii-security-organisation"],
            Register::Agreement => &["csl.cii-supplier-agreement"],
            Register::ProcurementReview => &["csl.cii-national-security-review"],
            Register::Vulnerability => &["csl.product-flaw-remedy"],
            Register::RealName => &["csl.real-name"],
            Register::Mlps => &["csl.other-mlps-duties"],
            Register::CiiAssessment => &["csl.cii-annual-assessment"],
            Register::Equipment => &["csl.critical-equipment-certification"],
            Register::Project => &["csl.cii-three-synchronous"],
        }
    }

    /// The fields, in display order.
    pub fn fields(self) -> &'static [Field] {
        match self {
            Register::Incident => INCIDENT_FIELDS,
            Register::Plan => PLAN_FIELDS,
            Register::Drill => DRILL_FIELDS,
            Register::Training => TRAINING_FIELDS,
            Register::BackgroundCheck => BACKGROUND_FIELDS,
            Register::Organisation => ORG_FIELDS,
            Register::Agreement => AGREEMENT_FIELDS,
            Register::ProcurementReview => PROCUREMENT_FIELDS,
            Register::Vulnerability => VULN_FIELDS,
            Register::RealName => REAL_NAME_FIELDS,
            Register::Mlps => MLPS_FIELDS,
            Register::CiiAssessment => ASSESSMENT_FIELDS,
            Register::Equipment => EQUIPMENT_FIELDS,
            Register::Project => PROJECT_FIELDS,
        }
    }

    /// A field by key.
    pub fn field(self, key: &str) -> Option<&'static Field> {
        self.fields().iter().find(|f| f.key == key)
    }

    /// The field that orders the register (newest first) and dates its
    /// records.
    pub fn date_field(self) -> Option<&'static str> {
        match self {
            Register::Incident => Some("discovered_at"),
            Register::Plan => Some("approved_on"),
            Register::Drill | Register::Training => Some("date"),
            Register::BackgroundCheck => Some("checked_on"),
            Register::Organisation => Some("appointed_on"),
            Register::Agreement => Some("signed_on"),
            Register::ProcurementReview => Some("purchased_on"),
            Register::Vulnerability => Some("found_at"),
            Register::RealName => Some("checked_on"),
            Register::Mlps => Some("graded_on"),
            Register::CiiAssessment => Some("assessed_on"),
            Register::Equipment => Some("in_use_since"),
            Register::Project => Some("planned_on"),
        }
    }

    /// The one-line summary of a record, personal data masked.
    pub fn summary(self, data: &Map<String, Value>) -> String {
        let s = |k: &str| data.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
        match self {
            Register::Incident | Register::Plan => s("title"),
            Register::Drill => s("scenario"),
            Register::Training => s("course"),
            Register::BackgroundCheck => {
                format!("{} {}", s("post"), crate::mask::mask(&s("person")))
            }
            Register::Organisation => {
                let who = if data.contains_key("person") {
                    crate::mask::mask(&s("person"))
                } else {
                    s("body")
                };
                let role = ORG_ROLES
                    .iter()
                    .find(|c| c.key == s("role"))
                    .map(|c| c.label.zh)
                    .unwrap_or("");
                format!("{role} {who}")
            }
            Register::Agreement => format!("{} — {}", s("vendor"), s("subject")),
            Register::ProcurementReview => format!("{} — {}", s("vendor"), s("item")),
            Register::Vulnerability => format!("{} {}", s("product"), s("version")),
            Register::RealName => format!("{} — {}", s("service"), s("method")),
            Register::Mlps => {
                let level = data.get("level").and_then(Value::as_u64).unwrap_or(0);
                format!("{} (L{level})", s("system"))
            }
            Register::CiiAssessment => format!(
                "{} — {}",
                data.get("year").and_then(Value::as_u64).unwrap_or(0),
                s("assessor")
            ),
            Register::Equipment => format!("{} {}", s("vendor"), s("model")),
            Register::Project => s("name"),
        }
        .trim()
        .to_owned()
    }
}

/// A value the reader gave for a field, before it is checked.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    /// Text as typed (command line, form).
    Text(String),
    /// A JSON value (API, console).
    Json(Value),
    /// Remove the field (`--clear FIELD`).
    Clear,
}

fn bad(reg: Register, field: &Field, zh: String, en: String) -> crate::Error {
    invalid(reg.key(), Some(field.key), Msg::new(zh, en))
}

/// Read a field's value from text or JSON into its stored JSON form.
pub fn read_value(reg: Register, field: &Field, input: &Value) -> Result<Value> {
    let as_text = |v: &Value| -> Option<String> {
        match v {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    };
    let text = || {
        as_text(input).ok_or_else(|| {
            bad(
                reg,
                field,
                "应为文本".into(),
                format!("must be text, not {input}"),
            )
        })
    };
    let line = |s: String, max: usize| -> Result<Value> {
        let s = s.trim().to_owned();
        if s.is_empty() {
            return Err(bad(
                reg,
                field,
                "不能为空".into(),
                "must not be empty".into(),
            ));
        }
        if s.chars().count() > max {
            return Err(bad(
                reg,
                field,
                format!("超过 {max} 个字符"),
                format!("is longer than {max} characters"),
            ));
        }
        let multi = max > 500;
        if s.chars()
            .any(|c| c.is_control() && !(multi && (c == '\n' || c == '\t')))
        {
            return Err(bad(
                reg,
                field,
                "含有控制字符".into(),
                "contains control characters".into(),
            ));
        }
        Ok(Value::String(s))
    };
    match field.ty {
        F::Text => line(text()?, 500),
        F::LongText => line(text()?, 20_000),
        F::Date => {
            let s = text()?;
            let d = parse_date(&s).ok_or_else(|| {
                bad(
                    reg,
                    field,
                    format!("{s:?} 不是 YYYY-MM-DD 格式的日期"),
                    format!("{s:?} is not a date YYYY-MM-DD"),
                )
            })?;
            Ok(Value::String(fmt_date(d)))
        }
        F::DateTime => {
            let s = text()?;
            let d = parse_datetime(&s).ok_or_else(|| {
                bad(
                    reg,
                    field,
                    format!(
                        "{s:?} 不是带时区偏移的 RFC 3339 时间（例如 2025-03-14T23:30:00+08:00）"
                    ),
                    format!(
                        "{s:?} is not an RFC 3339 time with offset (e.g. 2025-03-14T23:30:00+08:00)"
                    ),
                )
            })?;
            Ok(Value::String(fmt_datetime(d)))
        }
        F::Count | F::Year => {
            let n = match input {
                Value::Number(n) => n.as_u64(),
                Value::String(s) => s.trim().replace(['_', ','], "").parse::<u64>().ok(),
                _ => None,
            };
            let n = n.ok_or_else(|| {
                bad(
                    reg,
                    field,
                    format!("{input} 不是非负整数"),
                    format!("{input} is not a whole number ≥ 0"),
                )
            })?;
            if field.ty == F::Year && !(2000..=2100).contains(&n) {
                return Err(bad(
                    reg,
                    field,
                    format!("{n} 不是 2000–2100 之间的年份"),
                    format!("{n} is not a year between 2000 and 2100"),
                ));
            }
            if n > 1 << 53 {
                return Err(bad(reg, field, "数值过大".into(), "is too large".into()));
            }
            Ok(Value::from(n))
        }
        F::Number => {
            let n = match input {
                Value::Number(n) => n.as_f64(),
                Value::String(s) => s.trim().parse::<f64>().ok(),
                _ => None,
            };
            match n {
                Some(n) if n.is_finite() && n >= 0.0 => Ok(serde_json::Number::from_f64(n)
                    .map(Value::Number)
                    .unwrap_or(Value::Null)),
                _ => Err(bad(
                    reg,
                    field,
                    format!("{input} 不是非负数"),
                    format!("{input} is not a number ≥ 0"),
                )),
            }
        }
        F::Bool => match input {
            Value::Bool(b) => Ok(Value::Bool(*b)),
            Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
                "true" | "yes" | "y" | "1" | "是" => Ok(Value::Bool(true)),
                "false" | "no" | "n" | "0" | "否" => Ok(Value::Bool(false)),
                _ => Err(bad(
                    reg,
                    field,
                    format!("{s:?} 应为 true/false（是/否）"),
                    format!("{s:?} must be true or false (yes/no)"),
                )),
            },
            _ => Err(bad(
                reg,
                field,
                "应为 true/false".into(),
                format!("must be true or false, not {input}"),
            )),
        },
        F::Choice(choices) => {
            let s = text()?;
            let k = s.trim();
            choices
                .iter()
                .find(|c| {
                    c.key.eq_ignore_ascii_case(k) || c.label.zh == k || c.aliases.contains(&k)
                })
                .map(|c| Value::String(c.key.to_owned()))
                .ok_or_else(|| {
                    let keys: Vec<&str> = choices.iter().map(|c| c.key).collect();
                    let zh: Vec<String> = choices
                        .iter()
                        .map(|c| format!("{}（{}）", c.key, c.label.zh))
                        .collect();
                    bad(
                        reg,
                        field,
                        format!("{k:?} 不是可选值之一：{}", zh.join("、")),
                        format!("{k:?} is not one of: {}", keys.join(", ")),
                    )
                })
        }
        F::List => {
            let items: Vec<Value> = match input {
                Value::Array(a) => a.clone(),
                other => vec![other.clone()],
            };
            if items.len() > 10_000 {
                return Err(bad(
                    reg,
                    field,
                    "条目过多（最多 10000 条）".into(),
                    "has too many entries (at most 10 000)".into(),
                ));
            }
            let mut out = Vec::with_capacity(items.len());
            for it in &items {
                let s = as_text(it).ok_or_else(|| {
                    bad(
                        reg,
                        field,
                        "条目应为文本".into(),
                        format!("entries must be text, not {it}"),
                    )
                })?;
                out.push(line(s, 500)?);
            }
            Ok(Value::Array(out))
        }
        F::Harm => {
            let s = text()?;
            let h =
                crate::mlps::parse_harm(&s).map_err(|m| invalid(reg.key(), Some(field.key), m))?;
            Ok(Value::String(h.key()))
        }
        F::Ref(to) => {
            let s = text()?;
            let id = s.trim().to_ascii_uppercase();
            if Register::of_id(&id) != Some(to) {
                return Err(bad(
                    reg,
                    field,
                    format!("{s:?} 不是{}的编号（形如 {}-1）", to.noun().zh, to.prefix()),
                    format!(
                        "{s:?} is not the id of a {} (like {}-1)",
                        to.noun().en,
                        to.prefix()
                    ),
                ));
            }
            Ok(Value::String(id))
        }
        F::Sha256 => {
            let s = text()?.trim().to_ascii_lowercase();
            if s.len() != 64 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(bad(
                    reg,
                    field,
                    "应为 64 位十六进制 SHA-256".into(),
                    "must be a SHA-256 digest: 64 hex digits".into(),
                ));
            }
            Ok(Value::String(s))
        }
    }
}

/// Typed read access to a stored record's fields.
pub trait DataExt {
    /// A text field.
    fn text(&self, key: &str) -> Option<&str>;
    /// A date-time field.
    fn datetime(&self, key: &str) -> Option<OffsetDateTime>;
    /// A date field.
    fn date(&self, key: &str) -> Option<time::Date>;
    /// A count field.
    fn count(&self, key: &str) -> Option<u64>;
    /// A number field.
    fn number(&self, key: &str) -> Option<f64>;
    /// A list field.
    fn list(&self, key: &str) -> Vec<&str>;
}

impl DataExt for Map<String, Value> {
    fn text(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(Value::as_str)
    }
    fn datetime(&self, key: &str) -> Option<OffsetDateTime> {
        self.text(key).and_then(parse_datetime)
    }
    fn date(&self, key: &str) -> Option<time::Date> {
        self.text(key).and_then(parse_date)
    }
    fn count(&self, key: &str) -> Option<u64> {
        self.get(key).and_then(Value::as_u64)
    }
    fn number(&self, key: &str) -> Option<f64> {
        self.get(key).and_then(Value::as_f64)
    }
    fn list(&self, key: &str) -> Vec<&str> {
        self.get(key)
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default()
    }
}

/// A copy of `data` with every personal field masked.
pub fn masked(reg: Register, data: &Map<String, Value>) -> Map<String, Value> {
    let mut out = data.clone();
    for f in reg.fields().iter().filter(|f| f.personal) {
        if let Some(v) = out.get_mut(f.key) {
            *v = mask_value(v);
        }
    }
    out
}

/// Mask one stored value of a personal field.
pub fn mask_value(v: &Value) -> Value {
    match v {
        Value::String(s) => Value::String(crate::mask::mask(s)),
        Value::Array(a) => Value::Array(
            a.iter()
                .map(|x| match x {
                    Value::String(s) => Value::String(crate::mask::mask_entry(s)),
                    other => other.clone(),
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_register_names_real_duties_and_unique_keys() {
        let mut prefixes = std::collections::HashSet::new();
        for r in Register::ALL {
            assert!(prefixes.insert(r.prefix()), "{r:?}");
            assert_eq!(Register::from_key(r.key()), Some(r));
            assert_eq!(Register::of_id(&format!("{}-7", r.prefix())), Some(r));
            for d in r.duties() {
                assert!(law::duty(d).is_some(), "{r:?}: unknown duty {d}");
            }
            let mut keys = std::collections::HashSet::new();
            for f in r.fields() {
                assert!(keys.insert(f.key), "{r:?}: field {} twice", f.key);
                assert!(!f.key.contains('-'));
            }
            if let Some(d) = r.date_field() {
                assert!(r.field(d).is_some(), "{r:?}: {d}");
            }
        }
        assert_eq!(Register::of_id("INC-x"), None);
        assert_eq!(Register::of_id("inc-12"), Some(Register::Incident));
    }

    #[test]
    fn values_are_read_or_refused_with_the_field_named() {
        let r = Register::Incident;
        let field = |k: &str| -> &'static Field { r.field(k).unwrap() };
        let ok = |k: &str, v: &str| read_value(r, field(k), &Value::String(v.into())).unwrap();
        assert_eq!(ok("grade", "较大"), Value::String("large".into()));
        assert_eq!(
            ok("grade", "Especially-Major"),
            Value::String("especially-major".into())
        );
        assert_eq!(
            ok("discovered_at", "2025-03-14 23:30:00+08:00"),
            Value::String("2025-03-14T23:30:00+08:00".into())
        );
        assert_eq!(ok("pi_people", "1,000,000"), Value::from(1_000_000u64));
        let bad = |k: &str, v: &str| {
            read_value(r, field(k), &Value::String(v.into()))
                .unwrap_err()
                .to_string()
        };
        assert!(bad("grade", "big").contains("incident grade: \"big\" is not one of"));
        assert!(bad("discovered_at", "2025-03-14T23:30").contains("RFC 3339"));
        assert!(bad("pi_people", "-5").contains("whole number"));
        assert!(bad("title", "  ").contains("empty"));
        assert!(bad("title", "a\u{1b}[31m").contains("control"));
        let d = Register::Drill;
        let e =
            read_value(d, d.field("plan").unwrap(), &Value::String("DRL-1".into())).unwrap_err();
        assert!(e.to_string().contains("not the id of a plan"), "{e}");
    }
}
