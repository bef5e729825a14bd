//! MLPS grading (等级保护定级, GB/T 22240-2020; a secondary source): the
//! object harmed and the degree of harm give a level, for the business
//! information and for the system service; the system's level is the higher.
//!
//! | object harmed \ degree | general | serious | especially serious |
//! |---|---|---|---|
//! | citizens, legal persons, other organisations | 1 | 2 | 2 |
//! | social order, public interest | 2 | 3 | 4 |
//! | national security | 3 | 4 | 5 |
//!
//! The 2018 drafts put citizens × especially serious at 3; the published
//! standard keeps 2. That cell is configurable ([`Grading::citizens_especially_serious`]).
//!
//! This is the one copy of the matrix: the registers' grading helper
//! (`wangan mlps grade`) reads its cells through [`cell`] and adds only the
//! reasoning, the provenance and the clocks.

use serde::Serialize;

use crate::model::Text;

/// The object harmed (受侵害的客体).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Object {
    /// Citizens, legal persons and other organisations (公民、法人和其他组织的合法权益).
    Citizens,
    /// Social order and the public interest (社会秩序、公共利益).
    Social,
    /// National security (国家安全).
    National,
}

/// The degree of harm (对客体的侵害程度).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Degree {
    /// 一般损害.
    General,
    /// 严重损害.
    Serious,
    /// 特别严重损害.
    EspeciallySerious,
}

/// The cell of the published standard for citizens × especially serious.
pub const CITIZENS_ESPECIALLY_SERIOUS: u8 = 2;

/// The grading inputs of one system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Grading {
    /// Business information security: object and degree.
    pub business: (Object, Degree),
    /// System service security: object and degree.
    pub service: (Object, Degree),
    /// The level of the disputed cell (2 per GB/T 22240-2020, 3 per the 2018 drafts).
    pub citizens_especially_serious: u8,
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
    /// Read `OBJECT:DEGREE`, e.g. `social:serious`, `citizens:especially-serious`
    /// (case and `_` for `-` do not matter). The error says what is wrong in
    /// both languages.
    pub fn parse(s: &str) -> Result<Harm, Text> {
        let (o, d) = s.split_once(':').ok_or_else(|| {
            Text::new(
                format!("{s:?} 应为 客体:程度，例如 social:serious"),
                format!("{s:?} must be OBJECT:DEGREE, e.g. social:serious"),
            )
        })?;
        let object = Object::ALL
            .into_iter()
            .find(|x| x.key() == o.trim().to_ascii_lowercase())
            .ok_or_else(|| {
                Text::new(
                    format!("未知的受侵害客体 {o:?}（可选 citizens、social、national）"),
                    format!("unknown object {o:?} (one of citizens, social, national)"),
                )
            })?;
        let dl = d.trim().to_ascii_lowercase().replace('_', "-");
        let degree = Degree::ALL
            .into_iter()
            .find(|x| x.key() == dl)
            .ok_or_else(|| {
                Text::new(
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

/// Read `object:degree`, e.g. `social:serious`; the error in English.
pub fn parse_pair(s: &str) -> Result<(Object, Degree), String> {
    Harm::parse(s)
        .map(|h| (h.object, h.degree))
        .map_err(|e| e.en)
}

/// The level of one object × degree cell.
pub fn cell(object: Object, degree: Degree, citizens_especially_serious: u8) -> u8 {
    match (object, degree) {
        (Object::Citizens, Degree::General) => 1,
        (Object::Citizens, Degree::Serious) => 2,
        (Object::Citizens, Degree::EspeciallySerious) => citizens_especially_serious,
        (Object::Social, Degree::General) => 2,
        (Object::Social, Degree::Serious) => 3,
        (Object::Social, Degree::EspeciallySerious) => 4,
        (Object::National, Degree::General) => 3,
        (Object::National, Degree::Serious) => 4,
        (Object::National, Degree::EspeciallySerious) => 5,
    }
}

impl Grading {
    /// Read the profile's inputs; `disputed` overrides the citizens ×
    /// especially-serious cell (2 or 3).
    pub fn parse(business: &str, service: &str, disputed: Option<u8>) -> Result<Grading, String> {
        let cell = match disputed {
            None => CITIZENS_ESPECIALLY_SERIOUS,
            Some(n @ (2 | 3)) => n,
            Some(n) => {
                return Err(format!(
                    "citizens_especially_serious must be 2 (GB/T 22240-2020) or 3 (2018 drafts), found {n}"
                ));
            }
        };
        Ok(Grading {
            business: parse_pair(business)?,
            service: parse_pair(service)?,
            citizens_especially_serious: cell,
        })
    }

    /// The business-information level.
    pub fn business_level(&self) -> u8 {
        cell(
            self.business.0,
            self.business.1,
            self.citizens_especially_serious,
        )
    }

    /// The system-service level.
    pub fn service_level(&self) -> u8 {
        cell(
            self.service.0,
            self.service.1,
            self.citizens_especially_serious,
        )
    }

    /// The system's level: the higher of the two.
    pub fn level(&self) -> u8 {
        self.business_level().max(self.service_level())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matrix() {
        let g = |b: &str, s: &str| Grading::parse(b, s, None).map(|g| g.level());
        assert_eq!(g("citizens:general", "citizens:general"), Ok(1));
        assert_eq!(g("citizens:especially-serious", "citizens:general"), Ok(2));
        assert_eq!(g("social:serious", "citizens:serious"), Ok(3));
        assert_eq!(g("social:especially-serious", "national:general"), Ok(4));
        assert_eq!(g("national:especially-serious", "citizens:general"), Ok(5));
        assert_eq!(
            Grading::parse("citizens:especially-serious", "citizens:general", Some(3))
                .map(|g| g.level()),
            Ok(3)
        );
        assert!(g("citizen:general", "social:general").is_err());
        assert!(g("social", "social:general").is_err());
        assert!(Grading::parse("social:general", "social:general", Some(4)).is_err());
    }
}
