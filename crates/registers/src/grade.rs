//! The incident grading helper: the grades the measures' thresholds suggest.
//!
//! Built in: people whose personal information leaked (较大 ≥ 1 million,
//! 重大 ≥ 10 million, 特别重大 ≥ 100 million; secondary). Every other
//! criterion comes from the settings and is flagged as ours. The helper
//! suggests; the operator decides, and grading also weighs things no number
//! captures (a CII's main functions lost, social impact).

use serde::Serialize;

use crate::clock::Grade;
use crate::settings::{Criterion, Settings};
use crate::text::{Msg, Provenance};

/// One measured value for a criterion.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Measure {
    /// The criterion's key (`pi_people`, or one from the settings).
    pub key: String,
    /// The value.
    pub value: f64,
}

/// What one criterion says about an incident.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CriterionResult {
    /// The criterion's key.
    pub key: String,
    /// The value given.
    pub value: f64,
    /// The lowest grade whose threshold the value reaches (一般 when none).
    pub grade: Grade,
    /// The threshold reached, if any.
    pub threshold: Option<f64>,
    /// How sure we are of the thresholds.
    pub provenance: Provenance,
    /// The step in both languages.
    pub reasoning: Msg,
}

/// The helper's suggestion.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suggestion {
    /// The highest grade any criterion reaches.
    pub grade: Grade,
    /// Per criterion given.
    pub criteria: Vec<CriterionResult>,
    /// What the helper cannot judge.
    pub caveat: Msg,
}

/// `12,000,000`; fractions as they are.
fn fmt_num(v: f64) -> String {
    if v.fract() == 0.0 && (0.0..1e15).contains(&v) {
        let s = format!("{}", v as u64);
        let mut o = String::new();
        for (i, c) in s.chars().enumerate() {
            if i > 0 && (s.len() - i).is_multiple_of(3) {
                o.push(',');
            }
            o.push(c);
        }
        o
    } else {
        format!("{v}")
    }
}

fn judge(c: &Criterion, value: f64) -> CriterionResult {
    let steps = [
        (Grade::EspeciallyMajor, c.especially_major),
        (Grade::Major, c.major),
        (Grade::Large, c.large),
    ];
    let hit = steps
        .into_iter()
        .find_map(|(g, t)| t.filter(|t| value >= *t).map(|t| (g, t)));
    let (grade, threshold) = match hit {
        Some((g, t)) => (g, Some(t)),
        None => (Grade::General, None),
    };
    let v = fmt_num(value);
    let reasoning = match threshold {
        Some(t) => Msg::new(
            format!(
                "{}为 {v}，达到{}的门槛 {}",
                c.label_zh,
                grade.zh(),
                fmt_num(t)
            ),
            format!(
                "{} is {v}, at or above the {} threshold of {}",
                c.label_en,
                grade.zh(),
                fmt_num(t)
            ),
        ),
        None => Msg::new(
            format!("{}为 {v}，未达到较大事件的门槛", c.label_zh),
            format!("{} is {v}, below the 较大 threshold", c.label_en),
        ),
    };
    CriterionResult {
        key: c.key.clone(),
        value,
        grade,
        threshold,
        provenance: c.provenance,
        reasoning,
    }
}

/// Suggest a grade from measured values. Unknown keys are an error naming
/// the key and the known ones.
pub fn suggest(measures: &[Measure], s: &Settings) -> Result<Suggestion, Msg> {
    let mut criteria = Vec::new();
    for m in measures {
        let Some(c) = s.incident_criteria.iter().find(|c| c.key == m.key) else {
            let known: Vec<&str> = s.incident_criteria.iter().map(|c| c.key.as_str()).collect();
            return Err(Msg::new(
                format!("未知的定级指标 {:?}（已知：{}）", m.key, known.join("、")),
                format!(
                    "unknown grading criterion {:?} (known: {})",
                    m.key,
                    known.join(", ")
                ),
            ));
        };
        if !m.value.is_finite() || m.value < 0.0 {
            return Err(Msg::new(
                format!("定级指标 {} 的数值必须是非负数", m.key),
                format!("criterion {} must be a non-negative number", m.key),
            ));
        }
        criteria.push(judge(c, m.value));
    }
    let grade = criteria
        .iter()
        .map(|c| c.grade)
        .max()
        .unwrap_or(Grade::General);
    Ok(Suggestion {
        grade,
        criteria,
        caveat: Msg::new(
            "仅按所给数值判断；关键信息基础设施功能丧失、社会影响等情形须由单位按分级指南自行判断。",
            "judged only from the values given; loss of CII functions, social impact and the like must be judged by the operator against the grading guide.",
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pi(v: f64) -> Vec<Measure> {
        vec![Measure {
            key: "pi_people".into(),
            value: v,
        }]
    }

    #[test]
    fn personal_information_thresholds_at_their_edges() {
        let s = Settings::default();
        let cases = [
            (0.0, Grade::General),
            (999_999.0, Grade::General),
            (1_000_000.0, Grade::Large),
            (9_999_999.0, Grade::Large),
            (10_000_000.0, Grade::Major),
            (99_999_999.0, Grade::Major),
            (100_000_000.0, Grade::EspeciallyMajor),
        ];
        for (v, want) in cases {
            let sug = suggest(&pi(v), &s).unwrap();
            assert_eq!(sug.grade, want, "{v}");
            assert_eq!(sug.criteria[0].provenance, Provenance::Secondary);
        }
    }

    #[test]
    fn configured_criteria_are_ours_and_the_highest_wins() {
        let s = Settings::from_toml(
            "version = 1\n[[incident_criteria]]\nkey = \"loss\"\nlabel_zh = \"损失\"\nlabel_en = \"loss\"\nmajor = 100\n",
            "t",
        )
        .unwrap();
        let mut m = pi(2_000_000.0);
        m.push(Measure {
            key: "loss".into(),
            value: 100.0,
        });
        let sug = suggest(&m, &s).unwrap();
        assert_eq!(sug.grade, Grade::Major);
        assert_eq!(sug.criteria[1].provenance, Provenance::Ours);
        let e = suggest(
            &[Measure {
                key: "nope".into(),
                value: 1.0,
            }],
            &s,
        )
        .unwrap_err();
        assert!(e.en.contains("pi_people, loss"), "{}", e.en);
        assert!(suggest(&pi(-1.0), &s).is_err());
    }
}
