//! Settings: every number the registers use that the law does not fix, and
//! the readings of the law we had to choose. Each carries its
//! [`Provenance`] so output can flag it.
//!
//! A settings file is TOML with `version = 1`; unknown keys are rejected.
//!
//! ```toml
//! version = 1
//! operator_kind = "cii"          # ordinary | cii | central-state (until the profile says it)
//! utc_offset = "+08:00"          # where dates are counted (China Standard Time)
//! day_count = "elapsed"          # "N days" = N × 24 hours; or "calendar" (Civil Code art. 201)
//! drill_interval = "1 year"      # "regularly" (定期) for drills, 36(4)
//! training_interval = "1 year"   # "regularly" for training and skills tests, 36(2)
//! plan_review_interval = "1 year"
//!
//! [mlps]
//! citizens_especially_serious = 2   # GB/T 22240-2020 keeps 2; the 2018 drafts said 3
//!
//! [[incident_criteria]]          # grading thresholds beyond personal information (ours)
//! key = "economic_loss"
//! label_zh = "直接经济损失（万元）"
//! label_en = "direct economic loss (10k yuan)"
//! large = 500
//! major = 5000
//! especially_major = 10000
//!
//! [catalog]
//! match = "all"                  # a device is in the catalog when all its thresholds are met
//! ```

use serde::Deserialize;
use time::UtcOffset;

use crate::error::{Error, ErrorKind, Result};
use crate::text::Provenance;
use crate::when::{Interval, parse_offset};

/// How "within N days" is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayCount {
    /// N × 24 hours from the trigger (the stricter reading; default).
    Elapsed,
    /// The trigger's day is not counted; the deadline ends at 24:00 of the
    /// N-th following day at the operator's offset (Civil Code art. 201 and
    /// 203 for periods counted in days).
    Calendar,
}

impl DayCount {
    /// `elapsed`, `calendar`.
    pub fn key(self) -> &'static str {
        match self {
            DayCount::Elapsed => "elapsed",
            DayCount::Calendar => "calendar",
        }
    }
}

/// How a device is matched against the catalog's thresholds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CatalogMatch {
    /// In the catalog when every threshold given for its category is met.
    All,
    /// In the catalog when any threshold is met (the cautious reading).
    Any,
}

/// One grading criterion for incidents: a quantity and the value from which
/// each grade applies.
#[derive(Debug, Clone, PartialEq)]
pub struct Criterion {
    /// Stable key used on the command line (`--criterion KEY=VALUE`).
    pub key: String,
    /// What is measured, in Chinese.
    pub label_zh: String,
    /// What is measured, in English.
    pub label_en: String,
    /// From this value the incident is at least 较大 (large).
    pub large: Option<f64>,
    /// From this value at least 重大 (major).
    pub major: Option<f64>,
    /// From this value 特别重大 (especially major).
    pub especially_major: Option<f64>,
    /// Where the thresholds come from.
    pub provenance: Provenance,
}

/// Thresholds of the critical network equipment catalog (2023 update;
/// secondary).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Catalog {
    /// Routers: whole-system throughput, Tbps.
    pub router_throughput_tbps: f64,
    /// Routers: route table capacity, entries.
    pub router_routes: f64,
    /// Switches: whole-system throughput, Tbps.
    pub switch_throughput_tbps: f64,
    /// Switches: packet forwarding rate, Gpps.
    pub switch_gpps: f64,
    /// Rack servers: CPUs.
    pub server_cpus: f64,
    /// Rack servers: cores per CPU.
    pub server_cores_per_cpu: f64,
    /// Rack servers: memory, GB.
    pub server_memory_gb: f64,
    /// PLCs: instruction time, µs (at most).
    pub plc_instruction_us: f64,
    /// How the thresholds combine (our reading).
    pub matching: CatalogMatch,
}

impl Default for Catalog {
    fn default() -> Catalog {
        Catalog {
            router_throughput_tbps: 12.0,
            router_routes: 550_000.0,
            switch_throughput_tbps: 30.0,
            switch_gpps: 10.0,
            server_cpus: 8.0,
            server_cores_per_cpu: 14.0,
            server_memory_gb: 256.0,
            plc_instruction_us: 0.08,
            matching: CatalogMatch::All,
        }
    }
}

/// Everything configurable about the registers.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Where calendar days are counted (default +08:00, China Standard Time).
    pub utc_offset: UtcOffset,
    /// How "within N days" is counted (default [`DayCount::Elapsed`]).
    pub day_count: DayCount,
    /// "Regularly" for drills (default 1 year; ours).
    pub drill_interval: Interval,
    /// "Regularly" for training and skills tests (default 1 year; ours).
    pub training_interval: Interval,
    /// How often a response plan is reviewed when no review date is given
    /// (default 1 year; ours).
    pub plan_review_interval: Interval,
    /// The MLPS level for citizens × especially serious harm (2 as in GB/T
    /// 22240-2020; the 2018 drafts said 3).
    pub mlps_citizens_especially_serious: u8,
    /// Grading criteria: personal information (secondary) first, then any
    /// configured (ours).
    pub incident_criteria: Vec<Criterion>,
    /// Catalog thresholds (secondary) and how they combine (ours).
    pub catalog: Catalog,
    /// The operator's kind, when the settings name it (until the operator's
    /// profile does; a profile or `--operator-kind` wins).
    pub operator_kind: Option<crate::clock::OperatorKind>,
    /// Which settings differ from the defaults (keys), for the output's flags.
    pub changed: Vec<&'static str>,
    /// The profile's systems as `(id, name)`, once a profile is applied
    /// ([`Settings::apply_profile`]): a record that names a system (an
    /// agreement, a procurement review, an MLPS filing, equipment, a project)
    /// by neither is flagged. Empty: not checked.
    pub systems: Vec<(String, String)>,
}

/// The built-in grading criterion: people whose personal information leaked
/// (grading guide of the 2025 reporting measures; secondary).
pub fn pi_criterion() -> Criterion {
    Criterion {
        key: "pi_people".into(),
        label_zh: "个人信息泄露涉及人数".into(),
        label_en: "people whose personal information leaked".into(),
        large: Some(1_000_000.0),
        major: Some(10_000_000.0),
        especially_major: Some(100_000_000.0),
        provenance: Provenance::Secondary,
    }
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            utc_offset: UtcOffset::from_hms(8, 0, 0).unwrap_or(UtcOffset::UTC),
            day_count: DayCount::Elapsed,
            drill_interval: Interval::Years(1),
            training_interval: Interval::Years(1),
            plan_review_interval: Interval::Years(1),
            mlps_citizens_especially_serious: 2,
            incident_criteria: vec![pi_criterion()],
            catalog: Catalog::default(),
            operator_kind: None,
            changed: Vec::new(),
            systems: Vec::new(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    version: u32,
    operator_kind: Option<String>,
    utc_offset: Option<String>,
    day_count: Option<String>,
    drill_interval: Option<String>,
    training_interval: Option<String>,
    plan_review_interval: Option<String>,
    mlps: Option<MlpsFile>,
    #[serde(default)]
    incident_criteria: Vec<CriterionFile>,
    catalog: Option<CatalogFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MlpsFile {
    citizens_especially_serious: Option<u8>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CriterionFile {
    key: String,
    label_zh: String,
    label_en: String,
    large: Option<f64>,
    major: Option<f64>,
    especially_major: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogFile {
    #[serde(rename = "match")]
    matching: Option<String>,
    router_throughput_tbps: Option<f64>,
    router_routes: Option<f64>,
    switch_throughput_tbps: Option<f64>,
    switch_gpps: Option<f64>,
    server_cpus: Option<f64>,
    server_cores_per_cpu: Option<f64>,
    server_memory_gb: Option<f64>,
    plc_instruction_us: Option<f64>,
}

fn bad(what: impl std::fmt::Display) -> Error {
    Error::new(ErrorKind::Settings, what.to_string())
}

impl Settings {
    /// Read settings from TOML text; `origin` names the file in errors.
    pub fn from_toml(text: &str, origin: &str) -> Result<Settings> {
        let f: File = toml::from_str(text).map_err(|e| bad(format!("{origin}: {e}")))?;
        if f.version != 1 {
            return Err(bad(format!(
                "{origin}: settings version {} is not supported (this wangan reads version 1)",
                f.version
            )));
        }
        let mut s = Settings::default();
        if let Some(k) = f.operator_kind {
            s.operator_kind = Some(crate::clock::OperatorKind::parse(&k).ok_or_else(|| {
                bad(format!(
                    "{origin}: operator_kind {k:?} must be \"ordinary\", \"cii\" or \"central-state\""
                ))
            })?);
        }
        if let Some(o) = f.utc_offset {
            s.utc_offset = parse_offset(&o)
                .ok_or_else(|| bad(format!("{origin}: utc_offset {o:?} is not ±hh:mm")))?;
            s.changed.push("utc_offset");
        }
        if let Some(d) = f.day_count {
            s.day_count = match d.as_str() {
                "elapsed" => DayCount::Elapsed,
                "calendar" => DayCount::Calendar,
                _ => {
                    return Err(bad(format!(
                        "{origin}: day_count {d:?} must be \"elapsed\" or \"calendar\""
                    )));
                }
            };
            s.changed.push("day_count");
        }
        let interval = |v: &str, key: &str| {
            Interval::parse(v).ok_or_else(|| {
                bad(format!(
                    "{origin}: {key} {v:?} is not an interval such as \"1 year\", \"6 months\", \"90 days\""
                ))
            })
        };
        if let Some(v) = f.drill_interval {
            s.drill_interval = interval(&v, "drill_interval")?;
            s.changed.push("drill_interval");
        }
        if let Some(v) = f.training_interval {
            s.training_interval = interval(&v, "training_interval")?;
            s.changed.push("training_interval");
        }
        if let Some(v) = f.plan_review_interval {
            s.plan_review_interval = interval(&v, "plan_review_interval")?;
            s.changed.push("plan_review_interval");
        }
        if let Some(m) = f.mlps
            && let Some(c) = m.citizens_especially_serious
        {
            if !(2..=3).contains(&c) {
                return Err(bad(format!(
                    "{origin}: mlps.citizens_especially_serious must be 2 (GB/T 22240-2020) or 3 (2018 drafts), not {c}"
                )));
            }
            s.mlps_citizens_especially_serious = c;
            s.changed.push("mlps.citizens_especially_serious");
        }
        for c in f.incident_criteria {
            if c.key.is_empty()
                || !c
                    .key
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
            {
                return Err(bad(format!(
                    "{origin}: incident_criteria key {:?} must be lowercase letters, digits and _",
                    c.key
                )));
            }
            if s.incident_criteria.iter().any(|x| x.key == c.key) {
                return Err(bad(format!(
                    "{origin}: incident_criteria key {:?} is given twice (pi_people is built in)",
                    c.key
                )));
            }
            let t = [c.large, c.major, c.especially_major];
            if t.iter().flatten().any(|v| !v.is_finite() || *v < 0.0) {
                return Err(bad(format!(
                    "{origin}: incident_criteria {:?}: thresholds must be non-negative numbers",
                    c.key
                )));
            }
            let given: Vec<f64> = t.iter().flatten().copied().collect();
            if given.is_empty() || given.windows(2).any(|w| w[0] > w[1]) {
                return Err(bad(format!(
                    "{origin}: incident_criteria {:?}: give at least one threshold, rising from large to especially_major",
                    c.key
                )));
            }
            s.incident_criteria.push(Criterion {
                key: c.key,
                label_zh: c.label_zh,
                label_en: c.label_en,
                large: c.large,
                major: c.major,
                especially_major: c.especially_major,
                provenance: Provenance::Ours,
            });
            if !s.changed.contains(&"incident_criteria") {
                s.changed.push("incident_criteria");
            }
        }
        if let Some(c) = f.catalog {
            let cat = &mut s.catalog;
            if let Some(m) = c.matching {
                cat.matching = match m.as_str() {
                    "all" => CatalogMatch::All,
                    "any" => CatalogMatch::Any,
                    _ => {
                        return Err(bad(format!(
                            "{origin}: catalog.match {m:?} must be \"all\" or \"any\""
                        )));
                    }
                };
            }
            let pairs = [
                (c.router_throughput_tbps, &mut cat.router_throughput_tbps),
                (c.router_routes, &mut cat.router_routes),
                (c.switch_throughput_tbps, &mut cat.switch_throughput_tbps),
                (c.switch_gpps, &mut cat.switch_gpps),
                (c.server_cpus, &mut cat.server_cpus),
                (c.server_cores_per_cpu, &mut cat.server_cores_per_cpu),
                (c.server_memory_gb, &mut cat.server_memory_gb),
                (c.plc_instruction_us, &mut cat.plc_instruction_us),
            ];
            for (v, slot) in pairs {
                if let Some(v) = v {
                    if !v.is_finite() || v <= 0.0 {
                        return Err(bad(format!(
                            "{origin}: catalog thresholds must be positive numbers"
                        )));
                    }
                    *slot = v;
                }
            }
            s.changed.push("catalog");
        }
        Ok(s)
    }

    /// Take what the operator's profile says: its kind, and its drill and
    /// training intervals (the profile's `[assess]` settings win over these
    /// settings, so `wangan assess` and the registers count alike).
    pub fn apply_profile(&mut self, p: &duties::Profile) {
        let conv = |i: duties::Interval| match i.0 {
            law::Period::Hours(h) => Interval::Days(h.div_ceil(24).max(1)),
            law::Period::Days(d) => Interval::Days(d),
            law::Period::Months(m) => Interval::Months(m),
            law::Period::Years(y) => Interval::Years(y),
        };
        self.operator_kind = Some(p.operator.kind.into());
        self.systems = p
            .systems
            .iter()
            .map(|x| (x.id.clone(), x.name.clone()))
            .collect();
        self.drill_interval = conv(p.settings.drill_every);
        self.training_interval = conv(p.settings.training_every);
        for k in ["drill_interval", "training_interval"] {
            if !self.changed.contains(&k) {
                self.changed.push(k);
            }
        }
    }

    /// Read a settings file.
    pub fn load(path: &std::path::Path) -> Result<Settings> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| bad(format!("read {}: {e}", path.display())))?;
        Settings::from_toml(&text, &path.display().to_string())
    }

    /// The provenance of a setting: [`Provenance::Ours`] for our defaults and
    /// readings, [`Provenance::Secondary`] for the MLPS cell and the catalog
    /// thresholds while they keep their published values.
    pub fn provenance(&self, key: &str) -> Provenance {
        match key {
            "mlps.citizens_especially_serious" | "catalog" if !self.changed.contains(&key) => {
                Provenance::Secondary
            }
            _ => Provenance::Ours,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_overrides() {
        let s = Settings::from_toml("version = 1\n", "t").unwrap();
        assert_eq!(s, Settings::default());
        let s = Settings::from_toml(
            "version = 1\ndrill_interval = \"6 months\"\nday_count = \"calendar\"\n[mlps]\ncitizens_especially_serious = 3\n[[incident_criteria]]\nkey = \"loss\"\nlabel_zh = \"损失\"\nlabel_en = \"loss\"\nmajor = 10\n",
            "t",
        )
        .unwrap();
        assert_eq!(s.drill_interval, Interval::Months(6));
        assert_eq!(s.day_count, DayCount::Calendar);
        assert_eq!(s.mlps_citizens_especially_serious, 3);
        assert_eq!(s.incident_criteria.len(), 2);
        assert_eq!(
            s.provenance("mlps.citizens_especially_serious"),
            Provenance::Ours
        );
        assert_eq!(
            Settings::default().provenance("mlps.citizens_especially_serious"),
            Provenance::Secondary
        );
    }

    #[test]
    fn bad_settings_name_the_problem() {
        let cases = [
            ("version = 2\n", "version 2"),
            ("version = 1\nfoo = 1\n", "unknown field"),
            (
                "version = 1\ndrill_interval = \"often\"\n",
                "drill_interval",
            ),
            ("version = 1\nutc_offset = \"CST\"\n", "utc_offset"),
            (
                "version = 1\n[mlps]\ncitizens_especially_serious = 4\n",
                "must be 2",
            ),
            (
                "version = 1\n[[incident_criteria]]\nkey = \"pi_people\"\nlabel_zh = \"x\"\nlabel_en = \"x\"\nlarge = 1\n",
                "twice",
            ),
            (
                "version = 1\n[[incident_criteria]]\nkey = \"x\"\nlabel_zh = \"x\"\nlabel_en = \"x\"\nlarge = 10\nmajor = 5\n",
                "rising",
            ),
            (
                "version = 1\n[catalog]\nmatch = \"some\"\n",
                "catalog.match",
            ),
        ];
        for (text, want) in cases {
            let e = Settings::from_toml(text, "s.toml").unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Settings);
            assert!(e.to_string().contains(want), "{text:?}: {e}");
            assert!(e.to_string().starts_with("s.toml"), "{e}");
        }
    }
}
