//! MLPS grading (等级保护定级, GB/T 22240-2020; secondary): the object harmed
//! and the degree of harm give a level for the business information and one
//! for the system service; the system's level is the higher of the two.
//!
//! | object harmed \ degree | general | serious | especially serious |
//! |---|---|---|---|
//! | citizens, legal persons, other organisations | 1 | 2 | 2 (3 in the 2018 drafts; configurable) |
//! | social order, public interest | 2 | 3 | 4 |
//! | national security | 3 | 4 | 5 |
//!
//! The matrix itself, the objects, degrees and the `OBJECT:DEGREE` input are
//! `duties::mlps` (one copy for the profile's grading and for this helper);
//! here are the disputed cell's setting, the provenance, the reasoning and
//! the consequences (filing deadline, test cadence).

use serde::Serialize;

use crate::settings::Settings;
use crate::text::{Msg, Provenance};

pub use duties::mlps::{Degree, Harm, Object};

/// Read `OBJECT:DEGREE` ([`Harm::parse`]) with the error as a [`Msg`].
pub fn parse_harm(s: &str) -> Result<Harm, Msg> {
    Harm::parse(s).map_err(|t| Msg::new(t.zh, t.en))
}

/// The level of one cell of the matrix, and how sure we are of it.
pub fn cell(h: Harm, s: &Settings) -> (u8, Provenance) {
    let level = duties::mlps::cell(h.object, h.degree, s.mlps_citizens_especially_serious);
    let provenance = if (h.object, h.degree) == (Object::Citizens, Degree::EspeciallySerious) {
        s.provenance("mlps.citizens_especially_serious")
    } else {
        Provenance::Secondary
    };
    (level, provenance)
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
        let h = parse_harm("citizens:especially-serious").unwrap();
        assert_eq!(cell(h, &s3), (3, Provenance::Ours));
        let g = grade(h, parse_harm("citizens:general").unwrap(), &s3);
        assert_eq!(g.level, 3);
        assert!(g.disputed_cell);
        assert_eq!(g.provenance, Provenance::Ours);
    }

    #[test]
    fn system_level_is_the_higher() {
        let s = Settings::default();
        let g = grade(
            parse_harm("social:serious").unwrap(),
            parse_harm("national:general").unwrap(),
            &s,
        );
        assert_eq!((g.level, g.business_level, g.service_level), (3, 3, 3));
        let g = grade(
            parse_harm("citizens:serious").unwrap(),
            parse_harm("social:especially-serious").unwrap(),
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
            let e = parse_harm(input).unwrap_err();
            assert!(e.en.contains(want), "{input}: {}", e.en);
        }
        assert_eq!(
            parse_harm("National:Especially_Serious").unwrap().key(),
            "national:especially-serious"
        );
    }
}
