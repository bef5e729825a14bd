//! From findings to categories and grade **candidates**.
//!
//! Nothing here is a legal determination. The categories follow GB/T 35273
//! App. A/B; sensitivity follows PIPL art. 28, with a policy switch for
//! whether an ID number alone is sensitive (GB/T 35273-2020 lists it as
//! sensitive; GB/T 45574-2025 no longer does). Scale thresholds are *our
//! defaults*, configurable, and produce an "important-data candidate" that
//! an operator must confirm against the catalog of their sector or region
//! (DSL art. 21: catalogs are set by the authorities).

use crate::kind::Kind;
use crate::report::{Asset, KindStats};

/// Which standard decides whether an ID-document number alone is sensitive PI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdPolicy {
    /// GB/T 35273-2020: ID card, passport and permit numbers are sensitive.
    Gbt35273,
    /// GB/T 45574-2025: the ID number alone is not listed as sensitive.
    Gbt45574,
}

/// Grading policy. Every number is our default, not a legal threshold.
#[derive(Debug, Clone)]
pub struct Policy {
    /// ID-number policy.
    pub id_policy: IdPolicy,
    /// Distinct persons from which a dataset is an important-data candidate
    /// (default 1,000,000).
    pub important_persons: u64,
    /// Distinct persons of sensitive PI from which a dataset is an
    /// important-data candidate (default 100,000).
    pub important_sensitive_persons: u64,
    /// Precise GPS points in one asset from which it is treated as a
    /// trajectory (行踪轨迹, sensitive) (default 10).
    pub trajectory_points: u64,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            id_policy: IdPolicy::Gbt35273,
            important_persons: 1_000_000,
            important_sensitive_persons: 100_000,
            trajectory_points: 10,
        }
    }
}

/// The grade candidate of an asset or dataset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// No personal information found (only organisation data, de-identified
    /// values, or nothing).
    NoPi,
    /// 一般数据 containing personal information.
    GeneralPi,
    /// 一般数据 containing sensitive personal information (PIPL art. 28).
    SensitivePi,
    /// Important-data candidate by scale (to be confirmed against a catalog).
    ImportantCandidate,
}

impl Level {
    /// Stable machine name.
    pub fn name(self) -> &'static str {
        match self {
            Level::NoPi => "no_pi",
            Level::GeneralPi => "general_pi",
            Level::SensitivePi => "sensitive_pi",
            Level::ImportantCandidate => "important_candidate",
        }
    }

    /// Chinese label.
    pub fn label_zh(self) -> &'static str {
        match self {
            Level::NoPi => "未发现个人信息",
            Level::GeneralPi => "一般数据（含个人信息）",
            Level::SensitivePi => "一般数据（含敏感个人信息）",
            Level::ImportantCandidate => "重要数据候选（待对照目录确认）",
        }
    }

    /// English label.
    pub fn label_en(self) -> &'static str {
        match self {
            Level::NoPi => "no personal information found",
            Level::GeneralPi => "general data containing PI",
            Level::SensitivePi => "general data containing sensitive PI",
            Level::ImportantCandidate => "important-data candidate (confirm against the catalog)",
        }
    }
}

/// One reason for a grade, in both languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    /// Stable code (`pi`, `sensitive:bank_card`, `minor`, `scale`, …).
    pub code: String,
    /// Chinese text.
    pub zh: String,
    /// English text.
    pub en: String,
}

/// A grade candidate with its evidence.
#[derive(Debug, Clone)]
pub struct Grade {
    /// The level.
    pub level: Level,
    /// Sensitive PI present.
    pub sensitive: bool,
    /// Data of minors under 14 present.
    pub minors: bool,
    /// Secrets (passwords, keys, tokens) present.
    pub secrets: bool,
    /// Distinct persons (by resident ID, else estimated).
    pub persons: u64,
    /// Whether `persons` is an estimate.
    pub persons_estimated: bool,
    /// Why.
    pub reasons: Vec<Reason>,
}

/// The PI category of a kind (GB/T 35273 App. A/B), Chinese and English.
pub fn category(kind: Kind) -> (&'static str, &'static str) {
    match kind {
        Kind::CnId | Kind::Passport | Kind::TravelPermit => {
            ("个人身份信息", "personal identity information")
        }
        Kind::BankCard => ("个人财产信息（金融账户）", "financial account"),
        Kind::CnMobile | Kind::Landline | Kind::Email | Kind::CnName | Kind::CnAddress => {
            ("个人基本资料（联系方式）", "basic personal data (contact)")
        }
        Kind::Ipv4 | Kind::Ipv6 | Kind::Mac | Kind::Imei => (
            "网络身份标识/个人常用设备信息",
            "online identifier / device",
        ),
        Kind::Plate => (
            "车辆信息（可关联个人）",
            "vehicle data (linkable to a person)",
        ),
        Kind::Gps => (
            "位置信息（精准定位/行踪轨迹）",
            "location (precise position / trajectory)",
        ),
        Kind::CnUscc => (
            "组织信息（92 开头为个体工商户）",
            "organisation data (92… individual business)",
        ),
        Kind::Password => ("个人身份鉴别信息（口令）", "authentication data (password)"),
        Kind::PrivateKey | Kind::ApiToken => ("密钥与凭据", "keys and credentials"),
    }
}

/// Whether a kind, with these counts, is personal information at all.
pub fn is_pi(kind: Kind, s: &KindStats) -> bool {
    match kind {
        Kind::CnUscc => s.individual > 0,
        Kind::PrivateKey | Kind::ApiToken => false,
        _ => s.count > 0,
    }
}

/// Whether raw findings of a kind are sensitive PI under `policy`.
pub fn is_sensitive(kind: Kind, s: &KindStats, policy: &Policy) -> bool {
    if s.count == 0 {
        return false;
    }
    match kind {
        Kind::CnId => policy.id_policy == IdPolicy::Gbt35273 || s.minors > 0,
        Kind::Passport | Kind::TravelPermit => policy.id_policy == IdPolicy::Gbt35273,
        Kind::BankCard | Kind::Password => true,
        Kind::Gps => s.count >= policy.trajectory_points,
        _ => false,
    }
}

/// Grade one asset or dataset.
pub fn grade(asset: &Asset, policy: &Policy) -> Grade {
    let mut reasons = Vec::new();
    let mut pi = false;
    let mut sensitive = false;
    let mut minors = false;
    let mut secrets = false;
    for (kind, s) in &asset.kinds {
        if kind.is_secret() && s.count > 0 {
            secrets = true;
        }
        if is_pi(*kind, s) {
            pi = true;
        }
        if is_sensitive(*kind, s, policy) {
            sensitive = true;
            let why_zh = match kind {
                Kind::CnId if s.minors > 0 && policy.id_policy == IdPolicy::Gbt45574 => {
                    "不满十四周岁未成年人的个人信息".to_owned()
                }
                Kind::CnId | Kind::Passport | Kind::TravelPermit => {
                    "身份证件号码（按 GB/T 35273-2020 视为敏感；GB/T 45574-2025 不再单列）"
                        .to_owned()
                }
                Kind::BankCard => "金融账户（个人信息保护法第二十八条）".to_owned(),
                Kind::Password => "个人身份鉴别信息（口令）".to_owned(),
                Kind::Gps => format!("{} 个精确位置点，可能构成行踪轨迹", s.count),
                _ => String::new(),
            };
            let why_en = match kind {
                Kind::CnId if s.minors > 0 && policy.id_policy == IdPolicy::Gbt45574 => "PI of minors under 14".to_owned(),
                Kind::CnId | Kind::Passport | Kind::TravelPermit => {
                    "ID document numbers (sensitive under GB/T 35273-2020; not listed alone in GB/T 45574-2025)".to_owned()
                }
                Kind::BankCard => "financial account (PIPL art. 28)".to_owned(),
                Kind::Password => "authentication data (password)".to_owned(),
                Kind::Gps => format!("{} precise positions: possibly a trajectory", s.count),
                _ => String::new(),
            };
            reasons.push(Reason {
                code: format!("sensitive:{}", kind.name()),
                zh: why_zh,
                en: why_en,
            });
        }
        if s.minors > 0 {
            minors = true;
        }
    }
    if minors {
        sensitive = true;
        let n = asset.kinds.get(&Kind::CnId).map_or(0, |s| s.minors);
        reasons.push(Reason {
            code: "minor".to_owned(),
            zh: format!("{n} 个身份证号显示持有人不满十四周岁：未成年人个人信息属于敏感个人信息（个人信息保护法第二十八条）"),
            en: format!("{n} ID numbers show a person under 14: minors' PI is sensitive (PIPL art. 28)"),
        });
    }
    let (persons, est) = asset.persons();
    let mut level = if sensitive {
        Level::SensitivePi
    } else if pi {
        Level::GeneralPi
    } else {
        Level::NoPi
    };
    if pi {
        reasons.insert(
            0,
            Reason {
                code: "pi".to_owned(),
                zh: "含可识别自然人的个人信息".to_owned(),
                en: "contains information identifying natural persons".to_owned(),
            },
        );
    }
    if pi && persons >= policy.important_persons {
        level = Level::ImportantCandidate;
        reasons.push(Reason {
            code: "scale".to_owned(),
            zh: format!(
                "约 {persons} 人的个人信息，达到本工具默认阈值 {}：列为重要数据候选，须对照本行业、本地区重要数据目录确认，并非法律认定",
                policy.important_persons
            ),
            en: format!(
                "PI of about {persons} persons, at or above our default threshold {}: important-data candidate, to be confirmed against the sector or regional catalog; not a legal determination",
                policy.important_persons
            ),
        });
    } else if sensitive && persons >= policy.important_sensitive_persons {
        level = Level::ImportantCandidate;
        reasons.push(Reason {
            code: "scale_sensitive".to_owned(),
            zh: format!(
                "约 {persons} 人的敏感个人信息，达到本工具默认阈值 {}：列为重要数据候选，须对照目录确认，并非法律认定",
                policy.important_sensitive_persons
            ),
            en: format!(
                "sensitive PI of about {persons} persons, at or above our default threshold {}: important-data candidate, to be confirmed against the catalog; not a legal determination",
                policy.important_sensitive_persons
            ),
        });
    }
    if secrets {
        reasons.push(Reason {
            code: "secrets".to_owned(),
            zh: "含密钥、口令或访问令牌：应立即轮换并移出明文存储".to_owned(),
            en: "contains keys, passwords or access tokens: rotate them and remove the plain text"
                .to_owned(),
        });
    }
    let deid: u64 = asset.kinds.values().map(|k| k.deidentified).sum();
    if deid > 0 {
        reasons.push(Reason {
            code: "deidentified".to_owned(),
            zh: format!("{deid} 个值已去标识化（掩码），作为已采取保护措施的证据，不计为原始个人信息"),
            en: format!("{deid} values are already masked (de-identified): evidence of protection, not counted as raw PI"),
        });
    }
    Grade {
        level,
        sensitive,
        minors,
        secrets,
        persons,
        persons_estimated: est,
        reasons,
    }
}
