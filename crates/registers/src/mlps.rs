//! MLPS grading (等级保护定级, GB/T 22240-2020; secondary): the object harmed
//! and the degree of harm give a level for the business information and one
//! for the system service; the system's level is the higher of the two.
//!
//! | object harmed \ degree | general | serious | especially serious |
//! |---|---|---|---|
//! | citizens, legal persons, other organisations | 1 | 2 | 2 (3 in the 2018 drafts; configurable) |
//! | social order, public interest | 2 | 3 | 4 |
//! | national security | 3 | 4 | 5 |

use serde::Serialize;

use crate::settings::Settings;
use crate::text::{Msg, Provenance};

/// The object a breach would harm (受侵害的客体).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Object {
    /// 公民、法人和其他组织的合法权益.
    Citizens,
    /// 社会秩序、公共利益.
    Social,
    /// 国家安全.
    National,
}

/// The degree of harm (侵害程度).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Degree {
    /// 一般损害.
    General,
    /// 严重损害.
    Serious,
    /// 特别严重损害.
    EspeciallySerious,
}

impl Object {
    /// All objects.
    pub const ALL: [Object; 3] = [Object::Citizens, Object::Social, Object::National];

    /// `citizens`, `social`, `national`.
    pub fn key(self) -> &'static str {
        match self {
            Object::Citizens => "citizens",
            Object::Social => "social",
            Object::National => "national",
        }
    }

    /// The name to show.
    pub fn label(self) -> law::Text {
        match self {
            Object::Citizens => law::Text::new(
                "公民、法人和其他组织的合法权益",
                "citizens, legal persons and other organisations",
            ),
            Object::Social => {
                law::Text::new("社会秩序、公共利益", "social order and public interest")
            }
            Object::National => law::Text::new("国家安全", "national security"),
        }
    }
}

impl Degree {
    /// All degrees.
    pub const ALL: [Degree; 3] = [Degree::General, Degree::Serious, Degree::EspeciallySerious];

    /// `general`, `serious`, `especially-serious`.
    pub fn key(self) -> &'static str {
        match self {
            Degree::General => "general",
            Degree::Serious => "serious",
            Degree::EspeciallySerious => "especially-serious",
        }
    }

    /// The name to show.
    pub fn label(self) -> law::Text {
        match self {
            Degree::General => law::Text::new("一般损害", "general harm"),
            Degree::Serious => law::Text::new("严重损害", "serious harm"),
            Degree::EspeciallySerious => law::Text::new("特别严重损害", "especially serious harm"),
        }
    }
}

/// One grading input: what a breach of the business information or of the
/// system service would harm, and how badly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Harm {
    /// The object harmed.
    pub object: Object,
    /// The degree of harm.
    pub degree: Degree,
}

impl Harm {
    /// Read `OBJECT:DEGREE`, e.g. `social:serious`, `citizens:especially-serious`.
    pub fn parse(s: &str) -> Result<Harm, Msg> {
        let (o, d) = s.split_once(':').ok_or_else(|| {
            Msg::new(
                format!("{s:?} 应为 客体:程度，例如 social:serious"),
                format!("{s:?} must be OBJECT:DEGREE, e.g. social:serious"),
            )
        })?;
        let object = Object::ALL
            .into_iter()
            .find(|x| x.key() == o.trim().to_ascii_lowercase())
            .ok_or_else(|| {
                Msg::new(
                    format!("未知的受侵害客体 {o:?}（可选 citizens、social、national）"),
                    format!("unknown object {o:?} (one of citizens, social, national)"),
                )
            })?;
        let dl = d.trim().to_ascii_lowercase().replace('_', "-");
        let degree = Degree::ALL
            .into_iter()
            .find(|x| x.key() == dl)
            .ok_or_else(|| {
                Msg::new(
                    format!("未知的侵害程度 {d:?}（可选 general、serious、especially-serious）"),
                    format!("unknown degree {d:?} (one of general, serious, especially-serious)"),
                )
            })?;
        Ok(Harm { object, degree })
    }

    /// `social:serious`.
    pub fn key(self) -> String {
        format!("{}:{}", self.object.key(), self.degree.key())
    }
}

/// The level of one cell of the matrix, and how sure we are of it.
pub fn cell(h: Harm, s: &Settings) -> (u8, Provenance) {
    use Degree as D;
    use Object as O;
    match (h.object, h.degree) {
        (O::Citizens, D::General) => (1, Provenance::Secondary),
        (O::Citizens, D::Serious) => (2, Provenance::Secondary),
        (O::Citizens, D::EspeciallySerious) => (
            s.mlps_citizens_especially_serious,
            s.provenance("mlps.citizens_especially_serious"),
        ),
        (O::Social, D::General) => (2, Provenance::Secondary),
        (O::Social, D::Serious) => (3, Provenance::Secondary),
        (O::Social, D::EspeciallySerious) => (4, Provenance::Secondary),
        (O::National, D::General) => (3, Provenance::Secondary),
        (O::National, D::Serious) => (4, Provenance::Secondary),
        (O::National, D::EspeciallySerious) => (5, Provenance::Secondary),
    }
}

/// A grading result with its reasoning.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Grading {
    /// The system's level: the higher of the two.
    pub level: u8,
    /// The level from the business information.
    pub business_level: u8,
    /// The level from the system service.
    pub service_level: u8,
    /// The business-information input.
    pub business: Harm,
    /// The system-service input.
    pub service: Harm,
    /// How sure we are of the result: secondary, or ours when the disputed
    /// cell was changed in the settings.
    pub provenance: Provenance,
    /// Whether the disputed cell (citizens × especially serious) was used.
    pub disputed_cell: bool,
    /// The steps, in both languages.
    pub reasoning: Vec<Msg>,
    /// The filing deadline and test cadence that follow from the level.
    pub consequences: Vec<Msg>,
}

/// Grade a system (定级): `business` and `service` are what a breach of its
/// business information and of its service would harm.
pub fn grade(business: Harm, service: Harm, s: &Settings) -> Grading {
    let (bl, bp) = cell(business, s);
    let (sl, sp) = cell(service, s);
    let level = bl.max(sl);
    let disputed = |h: Harm| h.object == Object::Citizens && h.degree == Degree::EspeciallySerious;
    let step = |what_zh: &str, what_en: &str, h: Harm, l: u8| {
        Msg::new(
            format!(
                "{what_zh}：受侵害客体为{}，侵害程度为{} → 第{l}级",
                h.object.label().zh,
                h.degree.label().zh
            ),
            format!(
                "{what_en}: harm to {}, {} → level {l}",
                h.object.label().en,
                h.degree.label().en
            ),
        )
    };
    let mut reasoning = vec![
        step("业务信息安全", "business information", business, bl),
        step("系统服务安全", "system service", service, sl),
        Msg::new(
            format!("系统级别取两者中的较高者：第{level}级"),
            format!("the system's level is the higher of the two: level {level}"),
        ),
    ];
    let used_disputed = disputed(business) || disputed(service);
    if used_disputed {
        let c = s.mlps_citizens_especially_serious;
        reasoning.push(Msg::new(
            format!(
                "注意：“公民、法人和其他组织 × 特别严重损害”一格按第{c}级计算；GB/T 22240-2020 为第2级，2018年征求意见稿为第3级（可在设置中调整）"
            ),
            format!(
                "note: the cell citizens × especially serious counts as level {c}; GB/T 22240-2020 says 2, the 2018 drafts said 3 (configurable in the settings)"
            ),
        ));
    }
    let mut consequences = Vec::new();
    if level >= 2 {
        consequences.push(Msg::new(
            "定级后 30 日内到公安机关备案（2007年管理办法，二手来源）",
            "file with public security within 30 days of grading (2007 rules; secondary)",
        ));
    }
    match crate::clock::mlps_test_interval(level) {
        Some(i) => {
            let l = i.label();
            consequences.push(Msg::new(
                format!("每 {} 至少进行一次等级测评（二手来源）", l.zh),
                format!("a level test at least every {} (secondary)", l.en),
            ));
        }
        None if level >= 5 => consequences.push(Msg::new(
            "第五级系统依据特殊安全需求进行测评",
            "level 5 systems are tested as their special requirements say",
        )),
        None => {}
    }
    let provenance = [bp, sp].into_iter().max().unwrap_or(Provenance::Secondary);
    Grading {
        level,
        business_level: bl,
        service_level: sl,
        business,
        service,
        provenance,
        disputed_cell: used_disputed,
        reasoning,
        consequences,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_whole_matrix() {
        let s = Settings::default();
        let want = [[1, 2, 2], [2, 3, 4], [3, 4, 5]];
        for (i, o) in Object::ALL.into_iter().enumerate() {
            for (j, d) in Degree::ALL.into_iter().enumerate() {
                let h = Harm {
                    object: o,
                    degree: d,
                };
                assert_eq!(cell(h, &s).0, want[i][j], "{}", h.key());
            }
        }
        let s3 = Settings {
            mlps_citizens_especially_serious: 3,
            changed: vec!["mlps.citizens_especially_serious"],
            ..Settings::default()
        };
        let h = Harm::parse("citizens:especially-serious").unwrap();
        assert_eq!(cell(h, &s3), (3, Provenance::Ours));
        let g = grade(h, Harm::parse("citizens:general").unwrap(), &s3);
        assert_eq!(g.level, 3);
        assert!(g.disputed_cell);
        assert_eq!(g.provenance, Provenance::Ours);
    }

    #[test]
    fn system_level_is_the_higher() {
        let s = Settings::default();
        let g = grade(
            Harm::parse("social:serious").unwrap(),
            Harm::parse("national:general").unwrap(),
            &s,
        );
        assert_eq!((g.level, g.business_level, g.service_level), (3, 3, 3));
        let g = grade(
            Harm::parse("citizens:serious").unwrap(),
            Harm::parse("social:especially-serious").unwrap(),
            &s,
        );
        assert_eq!((g.level, g.business_level, g.service_level), (4, 2, 4));
        assert!(!g.disputed_cell);
        assert_eq!(g.consequences.len(), 2);
    }

    #[test]
    fn bad_inputs_say_what_is_wrong() {
        for (input, want) in [
            ("social", "OBJECT:DEGREE"),
            ("people:serious", "unknown object"),
            ("social:bad", "unknown degree"),
        ] {
            let e = Harm::parse(input).unwrap_err();
            assert!(e.en.contains(want), "{input}: {}", e.en);
        }
        assert_eq!(
            Harm::parse("National:Especially_Serious").unwrap().key(),
            "national:especially-serious"
        );
    }
}
