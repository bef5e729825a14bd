//! `vault.toml` and the retention policy.

use std::path::Path;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::error::IoCtx;
use crate::{Error, ErrorKind, HashAlg, Result};

/// Current on-disk format version (of `vault.toml`, segments, WAL).
pub const FORMAT_VERSION: u32 = 1;

/// The article that sets the retention floor, cited when it is violated.
pub const RETENTION_LAW: &str = "《网络安全法》第二十三条第三项 (CSL-2025 art. 23(3); CSL-2016 art. 21(3)): network logs must be kept not less than six months";

/// Shortest allowed retention given in days: the longest span of six
/// calendar months (e.g. Mar 1 – Aug 31 is 184 days).
pub const MIN_RETENTION_DAYS: u32 = 184;

/// How long records are kept: calendar months or days. Never less than six
/// calendar months.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retention {
    /// Calendar months (a year is 12 months).
    Months(u32),
    /// Days of 24 hours.
    Days(u32),
}

impl Retention {
    /// The legal minimum: six calendar months.
    pub const MINIMUM: Retention = Retention::Months(6);

    /// Parse `6 months`, `1 year`, `200 days` (also `6m`, `1y`, `200d`).
    /// Refuses anything shorter than six calendar months, citing the law.
    pub fn parse(s: &str) -> Result<Retention> {
        let t = s.trim().to_ascii_lowercase();
        let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
        let (num, unit) = t.split_at(split);
        let n: u32 = num.parse().map_err(|_| {
            Error::new(
                ErrorKind::Config,
                format!("retention {s:?}: expected e.g. '6 months', '1 year' or '200 days'"),
            )
        })?;
        let r = match unit.trim() {
            "m" | "mo" | "month" | "months" | "个月" | "月" => Retention::Months(n),
            "y" | "year" | "years" | "年" => Retention::Months(n.saturating_mul(12)),
            "d" | "day" | "days" | "天" | "日" => Retention::Days(n),
            other => {
                return Err(Error::new(
                    ErrorKind::Config,
                    format!("retention {s:?}: unknown unit {other:?} (months, years or days)"),
                ));
            }
        };
        r.check()?;
        Ok(r)
    }

    /// Refuse retention below six calendar months.
    pub fn check(self) -> Result<()> {
        let ok = match self {
            Retention::Months(m) => m >= 6,
            Retention::Days(d) => d >= MIN_RETENTION_DAYS,
        };
        if ok {
            Ok(())
        } else {
            Err(Error::new(
                ErrorKind::Config,
                format!(
                    "retention {self} is shorter than six calendar months ({MIN_RETENTION_DAYS} days when given in days); refused by {RETENTION_LAW}"
                ),
            ))
        }
    }

    /// `now` minus the retention: records whose newest time is before this may go.
    pub fn cutoff(self, now: OffsetDateTime) -> OffsetDateTime {
        match self {
            Retention::Months(m) => crate::clock::add_months(now, -i64::from(m)),
            Retention::Days(d) => now - time::Duration::days(i64::from(d)),
        }
    }

    /// `t` plus the retention: the earliest time a record of time `t` may go.
    pub fn deadline(self, t: OffsetDateTime) -> OffsetDateTime {
        match self {
            Retention::Months(m) => crate::clock::add_months(t, i64::from(m)),
            Retention::Days(d) => t + time::Duration::days(i64::from(d)),
        }
    }
}

impl std::fmt::Display for Retention {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Retention::Months(m) if m % 12 == 0 && *m >= 12 => {
                let y = m / 12;
                write!(f, "{y} year{}", if y == 1 { "" } else { "s" })
            }
            Retention::Months(m) => write!(f, "{m} month{}", if *m == 1 { "" } else { "s" }),
            Retention::Days(d) => write!(f, "{d} day{}", if *d == 1 { "" } else { "s" }),
        }
    }
}

/// Parse a duration like `2 days`, `36 hours`, `90 minutes` (for the
/// checkpoint gap setting).
pub fn parse_duration(s: &str) -> Option<time::Duration> {
    let t = s.trim().to_ascii_lowercase();
    let split = t.find(|c: char| !c.is_ascii_digit())?;
    let (num, unit) = t.split_at(split);
    let n: i64 = num.parse().ok()?;
    Some(match unit.trim() {
        "s" | "sec" | "secs" | "second" | "seconds" => time::Duration::seconds(n),
        "min" | "mins" | "minute" | "minutes" => time::Duration::minutes(n),
        "h" | "hour" | "hours" => time::Duration::hours(n),
        "d" | "day" | "days" => time::Duration::days(n),
        _ => return None,
    })
}

/// The contents of `vault.toml`. Unknown keys are refused.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Format version of the store ([`FORMAT_VERSION`]).
    pub format: u32,
    /// Unique log id, used as the checkpoint origin and key name.
    pub origin: String,
    /// Tree hash: `sha256` or `sm3`.
    pub hash: String,
    /// Retention, e.g. `6 months`.
    pub retention: String,
    /// Creation time, RFC 3339.
    pub created: String,
    /// Seal a segment when its raw bytes reach this size.
    pub segment_size: u64,
    /// Largest gap between checkpoints that still counts as a continuous
    /// timeline for the prune clock (e.g. `2 days`).
    pub max_checkpoint_gap: String,
    /// Key ids.
    pub keys: KeyIds,
}

/// Public key ids recorded in `vault.toml`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct KeyIds {
    /// C2SP note verifier key of the Ed25519 key (`name+keyid+base64`).
    pub ed25519: String,
    /// Key id (hex) of the SM2 key, as used in checkpoint signature lines.
    pub sm2: String,
}

impl Config {
    /// Read and validate `vault.toml`.
    pub fn load(path: &Path) -> Result<Config> {
        let text = std::fs::read_to_string(path).ctx("read", path)?;
        let c: Config = toml::from_str(&text).map_err(|e| {
            Error::new(
                ErrorKind::Config,
                format!("{}: {}", path.display(), e.message()),
            )
        })?;
        if c.format != FORMAT_VERSION {
            return Err(Error::new(
                ErrorKind::Config,
                format!(
                    "{}: unsupported format version {}",
                    path.display(),
                    c.format
                ),
            ));
        }
        c.hash_alg()?;
        c.retention()?;
        c.max_gap()?;
        Ok(c)
    }

    /// The tree hash algorithm.
    pub fn hash_alg(&self) -> Result<HashAlg> {
        HashAlg::from_name(&self.hash)
            .ok_or_else(|| Error::new(ErrorKind::Config, format!("unknown hash {:?}", self.hash)))
    }

    /// The retention policy (checked against the legal floor).
    pub fn retention(&self) -> Result<Retention> {
        Retention::parse(&self.retention)
    }

    /// The largest checkpoint gap counted as continuous.
    pub fn max_gap(&self) -> Result<time::Duration> {
        parse_duration(&self.max_checkpoint_gap).ok_or_else(|| {
            Error::new(
                ErrorKind::Config,
                format!(
                    "max_checkpoint_gap {:?}: expected e.g. '2 days'",
                    self.max_checkpoint_gap
                ),
            )
        })
    }

    pub(crate) fn to_toml(&self) -> Result<String> {
        toml::to_string(self).map_err(|e| Error::new(ErrorKind::Config, format!("vault.toml: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn retention_floor() {
        for ok in [
            "6 months", "1 year", "200 days", "184 days", "12m", "7 months",
        ] {
            assert!(Retention::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "5 months",
            "180 days",
            "183 days",
            "0 years",
            "six months",
            "6 weeks",
        ] {
            assert!(Retention::parse(bad).is_err(), "{bad}");
        }
        let e = Retention::parse("180 days")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.contains("第二十三条第三项"), "{e}");
    }

    #[test]
    fn calendar_months() {
        let r = Retention::MINIMUM;
        let cases = [
            (
                datetime!(2025-08-31 12:00 UTC),
                datetime!(2025-02-28 12:00 UTC),
            ),
            (
                datetime!(2024-08-31 12:00 UTC),
                datetime!(2024-02-29 12:00 UTC),
            ),
            (
                datetime!(2024-03-31 00:00 UTC),
                datetime!(2023-09-30 00:00 UTC),
            ),
            (
                datetime!(2025-01-15 08:00 UTC),
                datetime!(2024-07-15 08:00 UTC),
            ),
            (
                datetime!(2024-02-29 00:00 UTC),
                datetime!(2023-08-29 00:00 UTC),
            ),
        ];
        for (now, want) in cases {
            assert_eq!(r.cutoff(now), want, "now={now}");
        }
        assert_eq!(
            Retention::Months(12).deadline(datetime!(2024-02-29 00:00 UTC)),
            datetime!(2025-02-28 00:00 UTC)
        );
    }
}
