//! `vault.toml` and the retention policy.

use std::path::Path;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::error::IoCtx;
use crate::{Error, ErrorKind, HashAlg, Result};

/// Current on-disk format version (of `vault.toml`, segments, WAL), the one
/// new vaults are created at. Format 2: the WAL also holds block frames (a
/// block as the segment will hold it, in place of its records' raw frames;
/// see [`crate::wal`]), which a wangan of format 1 would not read.
pub const FORMAT_VERSION: u32 = 2;

/// Oldest format version this wangan opens. A vault of format 1 is opened
/// as it is and keeps it: its WAL gets only record frames, so the wangan
/// release that wrote it can still open it.
pub const MIN_FORMAT_VERSION: u32 = 1;

/// Whether a vault of format `format` takes block frames in its WAL.
pub(crate) fn wal_blocks(format: u32) -> bool {
    format >= 2
}

/// The article that sets the retention floor, cited when it is violated.
pub const RETENTION_LAW: &str = "《网络安全法》第二十三条第三项 (CSL-2025 art. 23(3); CSL-2016 art. 21(3)): network logs must be kept not less than six months";

/// Shortest allowed retention given in days: the longest span of six
/// calendar months (e.g. Mar 1 – Aug 31 is 184 days).
pub const MIN_RETENTION_DAYS: u32 = 184;

/// Longest allowed retention in calendar months (100 years). Longer values
/// are refused, not saturated: stored times end in 2262 (nanoseconds in an
/// `i64`), and an out-of-range deadline must never turn into "now".
pub const MAX_RETENTION_MONTHS: u32 = 1200;

/// Longest allowed retention given in days (100 years of 365.25 days).
pub const MAX_RETENTION_DAYS: u32 = 36_525;

/// Shortest allowed `max_checkpoint_gap`.
pub const MIN_CHECKPOINT_GAP: time::Duration = time::Duration::minutes(1);

/// Longest allowed `max_checkpoint_gap`: a clock jump can advance the prune
/// timeline by at most one gap, so the gap bounds how early a forward-set
/// clock could ever let anything go.
pub const MAX_CHECKPOINT_GAP: time::Duration = time::Duration::days(7);

/// Largest allowed `segment_size` (raw bytes): the open segment's
/// compressed blocks are held in memory until it is sealed.
pub const MAX_SEGMENT_SIZE: u64 = 1 << 30;

/// How long records are kept: calendar months or days. Never less than six
/// calendar months, never more than 100 years.
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
    /// Refuses anything shorter than six calendar months, citing the law,
    /// and anything longer than 100 years.
    pub fn parse(s: &str) -> Result<Retention> {
        let t = s.trim().to_ascii_lowercase();
        let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
        let (num, unit) = t.split_at(split);
        let shown = short(s);
        let bad = || {
            Error::new(
                ErrorKind::Config,
                format!("retention {shown:?}: expected e.g. '6 months', '1 year' or '200 days'"),
            )
        };
        if num.is_empty() {
            return Err(bad());
        }
        let too_long = || {
            Error::new(
                ErrorKind::Config,
                format!(
                    "retention {shown:?} is out of range: at most 100 years ({MAX_RETENTION_MONTHS} months, {MAX_RETENTION_DAYS} days)"
                ),
            )
        };
        // a number too large for u32 is out of range, not malformed
        let n: u32 = match num.parse::<u64>() {
            Ok(n) => u32::try_from(n).map_err(|_| too_long())?,
            Err(_) => return Err(too_long()),
        };
        let r = match unit.trim() {
            "m" | "mo" | "month" | "months" | "个月" | "月" => Retention::Months(n),
            "y" | "year" | "years" | "年" => {
                Retention::Months(n.checked_mul(12).ok_or_else(too_long)?)
            }
            "d" | "day" | "days" | "天" | "日" => Retention::Days(n),
            other => {
                return Err(Error::new(
                    ErrorKind::Config,
                    format!(
                        "retention {shown:?}: unknown unit {:?} (months, years or days)",
                        short(other)
                    ),
                ));
            }
        };
        r.check()?;
        Ok(r)
    }

    /// Refuse retention below six calendar months or above 100 years.
    pub fn check(self) -> Result<()> {
        let (short, long) = match self {
            Retention::Months(m) => (m < 6, m > MAX_RETENTION_MONTHS),
            Retention::Days(d) => (d < MIN_RETENTION_DAYS, d > MAX_RETENTION_DAYS),
        };
        if short {
            return Err(Error::new(
                ErrorKind::Config,
                format!(
                    "retention {self} is shorter than six calendar months ({MIN_RETENTION_DAYS} days when given in days); refused by {RETENTION_LAW}"
                ),
            ));
        }
        if long {
            return Err(Error::new(
                ErrorKind::Config,
                format!(
                    "retention {self} is out of range: at most 100 years ({MAX_RETENTION_MONTHS} months, {MAX_RETENTION_DAYS} days)"
                ),
            ));
        }
        Ok(())
    }

    /// `now` minus the retention: records whose newest time is before this
    /// may go. `None` when that lies before the calendar's range: then
    /// nothing can have expired (never "now", never saturated toward deletion).
    pub fn cutoff(self, now: OffsetDateTime) -> Option<OffsetDateTime> {
        match self {
            Retention::Months(m) => crate::clock::add_months(now, -i64::from(m)),
            Retention::Days(d) => now.checked_sub(time::Duration::days(i64::from(d))),
        }
    }

    /// `t` plus the retention: the earliest time a record of time `t` may
    /// go. `None` when that lies beyond the calendar's range: never.
    pub fn deadline(self, t: OffsetDateTime) -> Option<OffsetDateTime> {
        match self {
            Retention::Months(m) => crate::clock::add_months(t, i64::from(m)),
            Retention::Days(d) => t.checked_add(time::Duration::days(i64::from(d))),
        }
    }

    /// [`Retention::cutoff`] in nanoseconds: `i64::MIN` (nothing expires)
    /// when out of range.
    pub fn cutoff_ns(self, now: OffsetDateTime) -> i64 {
        self.cutoff(now)
            .and_then(crate::clock::checked_ns)
            .unwrap_or(i64::MIN)
    }

    /// [`Retention::deadline`] in nanoseconds: `i64::MAX` (never) when out of range.
    pub fn deadline_ns(self, t: OffsetDateTime) -> i64 {
        self.deadline(t)
            .and_then(crate::clock::checked_ns)
            .unwrap_or(i64::MAX)
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

/// Parse a duration like `2 days`, `36 hours`, `90 minutes`, `30 s` with
/// checked arithmetic: `None` when malformed or when it does not fit a
/// [`time::Duration`] (never a panic, never saturated).
pub fn parse_duration(s: &str) -> Option<time::Duration> {
    duration_parts(s).ok()
}

/// [`parse_duration`], telling a malformed value (`Err(false)`) from one
/// out of range (`Err(true)`).
fn duration_parts(s: &str) -> std::result::Result<time::Duration, bool> {
    let t = s.trim().to_ascii_lowercase();
    let split = t.find(|c: char| !c.is_ascii_digit()).ok_or(false)?;
    let (num, unit) = t.split_at(split);
    if num.is_empty() {
        return Err(false);
    }
    let per: i64 = match unit.trim() {
        "s" | "sec" | "secs" | "second" | "seconds" => 1,
        "min" | "mins" | "minute" | "minutes" => 60,
        "h" | "hour" | "hours" => 3600,
        "d" | "day" | "days" => 86_400,
        _ => return Err(false),
    };
    let n: i64 = num.parse().map_err(|_| true)?;
    Ok(time::Duration::seconds(n.checked_mul(per).ok_or(true)?))
}

/// Parse and bound `max_checkpoint_gap` (from `vault.toml` or
/// [`crate::InitOptions`]): between [`MIN_CHECKPOINT_GAP`] and [`MAX_CHECKPOINT_GAP`].
pub fn parse_checkpoint_gap(s: &str) -> Result<time::Duration> {
    let shown = short(s);
    let d = match duration_parts(s) {
        Ok(d) => Some(d),
        Err(false) => {
            return Err(Error::new(
                ErrorKind::Config,
                format!("max_checkpoint_gap {shown:?}: expected e.g. '2 days' or '36 hours'"),
            ));
        }
        Err(true) => None,
    };
    match d {
        Some(d) if (MIN_CHECKPOINT_GAP..=MAX_CHECKPOINT_GAP).contains(&d) => Ok(d),
        _ => Err(Error::new(
            ErrorKind::Config,
            format!(
                "max_checkpoint_gap {shown:?} is out of range: between 1 minute and 7 days (a longer gap would let a clock set forward shorten retention by as much)"
            ),
        )),
    }
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
    /// Read and validate `vault.toml`: every value is checked here, at
    /// load time, so nothing out of range reaches the store's arithmetic.
    /// A file that is not UTF-8, not TOML, incomplete or out of range is a
    /// [`ErrorKind::Config`] error naming the file; a format version this
    /// build does not know is [`ErrorKind::Unsupported`].
    pub fn load(path: &Path) -> Result<Config> {
        let bytes = std::fs::read(path).ctx("read", path)?;
        let text = String::from_utf8(bytes).map_err(|e| {
            Error::new(
                ErrorKind::Config,
                format!(
                    "{}: not UTF-8 text (invalid byte at offset {}); restore vault.toml from a backup",
                    path.display(),
                    e.utf8_error().valid_up_to()
                ),
            )
        })?;
        let in_file = |e: Error| Error::new(e.kind(), format!("{}: {e}", path.display()));
        // the format version first: a newer store is unsupported, not malformed
        if let Ok(v) = text.parse::<toml::Table>()
            && let Some(f) = v.get("format").and_then(toml::Value::as_integer)
            && !(i64::from(MIN_FORMAT_VERSION)..=i64::from(FORMAT_VERSION)).contains(&f)
        {
            return Err(Error::new(
                ErrorKind::Unsupported,
                format!(
                    "{}: unsupported format version {f} (this wangan reads formats {MIN_FORMAT_VERSION} to {FORMAT_VERSION}); use the wangan release that wrote it",
                    path.display()
                ),
            ));
        }
        let c: Config = toml::from_str(&text).map_err(|e| {
            let what = if text.trim().is_empty() {
                "empty file".to_owned()
            } else {
                e.message().to_owned()
            };
            Error::new(ErrorKind::Config, format!("{}: {what}", path.display()))
        })?;
        c.hash_alg().map_err(in_file)?;
        c.retention().map_err(in_file)?;
        c.max_gap().map_err(in_file)?;
        check_segment_size(c.segment_size).map_err(in_file)?;
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

    /// The largest checkpoint gap counted as continuous (bounded, see
    /// [`parse_checkpoint_gap`]).
    pub fn max_gap(&self) -> Result<time::Duration> {
        parse_checkpoint_gap(&self.max_checkpoint_gap)
    }

    pub(crate) fn to_toml(&self) -> Result<String> {
        toml::to_string(self).map_err(|e| Error::new(ErrorKind::Config, format!("vault.toml: {e}")))
    }
}

/// At most 64 characters of a user-given value, for error messages.
pub(crate) fn short(s: &str) -> &str {
    match s.char_indices().nth(64) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// Refuse a segment size of 0 or above [`MAX_SEGMENT_SIZE`].
pub fn check_segment_size(n: u64) -> Result<()> {
    if n == 0 || n > MAX_SEGMENT_SIZE {
        return Err(Error::new(
            ErrorKind::Config,
            format!(
                "segment_size {n} is out of range: between 1 and {MAX_SEGMENT_SIZE} bytes (1 GiB)"
            ),
        ));
    }
    Ok(())
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

    /// Issue 16: out-of-range values are refused with a clear error, never
    /// saturated and never a panic.
    #[test]
    fn out_of_range_values_are_refused() {
        for ok in ["100 years", "1200 months", "36525 days", "99y"] {
            assert!(Retention::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "1000000 years",
            "101 years",
            "1201 months",
            "36526 days",
            "4294967295 days",
            "4294967296 days",
            "357913942 years",
            "99999999999999999999999 months",
        ] {
            let e = Retention::parse(bad).err().map(|e| e.to_string());
            assert!(
                e.as_deref().is_some_and(|e| e.contains("out of range")),
                "{bad}: {e:?}"
            );
        }
        assert!(parse_duration("999999999999999 days").is_none());
        assert!(parse_duration("106751991167301 days").is_none());
        assert_eq!(parse_duration("2 days"), Some(time::Duration::days(2)));
        for ok in ["2 days", "1 minute", "7 days", "168 hours"] {
            assert!(parse_checkpoint_gap(ok).is_ok(), "{ok}");
        }
        for bad in [
            "999999999999999 days",
            "1000 days",
            "8 days",
            "169 hours",
            "0 s",
            "59 seconds",
        ] {
            let e = parse_checkpoint_gap(bad).err().map(|e| e.to_string());
            assert!(
                e.as_deref().is_some_and(|e| e.contains("out of range")),
                "{bad}: {e:?}"
            );
        }
        assert!(
            parse_checkpoint_gap("soon")
                .err()
                .is_some_and(|e| e.to_string().contains("expected"))
        );
        assert!(check_segment_size(0).is_err());
        assert!(check_segment_size(MAX_SEGMENT_SIZE + 1).is_err());
        assert!(check_segment_size(2_000).is_ok());
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
            assert_eq!(r.cutoff(now), Some(want), "now={now}");
        }
        assert_eq!(
            Retention::Months(12).deadline(datetime!(2024-02-29 00:00 UTC)),
            Some(datetime!(2025-02-28 00:00 UTC))
        );
    }
}
