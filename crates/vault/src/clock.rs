//! Clocks and calendar arithmetic for retention.

use time::{Date, Month, OffsetDateTime};

/// Where "now" comes from. The CLI always uses [`SystemClock`]; tests inject
/// their own through the library API ([`crate::Vault::open_with_clock`]).
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// The current time (UTC).
    fn now(&self) -> OffsetDateTime;
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// A clock that always returns the same instant (tests, replays).
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub OffsetDateTime);

impl Clock for FixedClock {
    fn now(&self) -> OffsetDateTime {
        self.0
    }
}

/// Nanoseconds since the Unix epoch, saturating at the `i64` range.
pub fn to_ns(t: OffsetDateTime) -> i64 {
    let n = t.unix_timestamp_nanos();
    n.clamp(i64::MIN as i128, i64::MAX as i128) as i64
}

/// Date-time from nanoseconds since the Unix epoch.
pub fn from_ns(ns: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(ns as i128).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// RFC 3339 text of a time given in ns (UTC, `Z`).
pub fn rfc3339_ns(ns: i64) -> String {
    rfc3339(from_ns(ns))
}

/// RFC 3339 text of a date-time (UTC, `Z`).
pub fn rfc3339(t: OffsetDateTime) -> String {
    t.to_offset(time::UtcOffset::UTC)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| t.unix_timestamp().to_string())
}

/// Parse RFC 3339.
pub fn parse_rfc3339(s: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(s.trim(), &time::format_description::well_known::Rfc3339).ok()
}

/// Add `months` calendar months (negative to subtract), clamping the day to
/// the end of the target month: Aug 31 − 6 months = Feb 28 (Feb 29 in leap years).
/// `None` when the result is outside the calendar's range (years −9999..=9999):
/// callers decide which way is safe, never "now".
pub fn add_months(t: OffsetDateTime, months: i64) -> Option<OffsetDateTime> {
    let d = t.date();
    let total = (i64::from(d.year()) * 12 + i64::from(d.month() as u8 - 1)).checked_add(months)?;
    let year = i32::try_from(total.div_euclid(12)).ok()?;
    let month0 = u8::try_from(total.rem_euclid(12)).ok()?;
    let month = Month::try_from(month0 + 1).ok()?;
    let last = month.length(year);
    let day = d.day().min(last);
    Date::from_calendar_date(year, month, day)
        .ok()
        .map(|nd| t.replace_date(nd))
}

/// Nanoseconds since the Unix epoch, or `None` outside the `i64` range
/// (1677-09-21 .. 2262-04-11), which is the range a stored time can take.
pub fn checked_ns(t: OffsetDateTime) -> Option<i64> {
    i64::try_from(t.unix_timestamp_nanos()).ok()
}
