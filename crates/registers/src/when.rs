//! Times, dates, calendar arithmetic and durations as people read them.
//!
//! Times keep the offset they were given in (an incident discovered at
//! 23:30 +08:00 stays at +08:00, and its deadlines are shown at +08:00).
//! Calendar months are never a fixed number of days: adding one month to
//! 31 January gives the last day of February.

use std::fmt::Write as _;

use time::format_description::well_known::Rfc3339;
use time::{Date, Duration, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

use crate::text::Msg;

/// Parse an RFC 3339 date-time with an explicit offset (`Z` or `±hh:mm`),
/// e.g. `2025-03-14T23:30:00+08:00`. A space may stand for the `T`.
pub fn parse_datetime(s: &str) -> Option<OffsetDateTime> {
    let s = s.trim();
    if s.len() > 64 {
        return None;
    }
    let owned;
    let s = if s.as_bytes().get(10) == Some(&b' ') {
        owned = format!("{}T{}", &s[..10], &s[11..]);
        owned.as_str()
    } else {
        s
    };
    OffsetDateTime::parse(s, &Rfc3339)
        .ok()
        .filter(|t| YEARS.contains(&t.year()))
}

/// The years a record's dates may fall in: anything else is a typo.
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=9999;

/// Parse a calendar date `YYYY-MM-DD`.
pub fn parse_date(s: &str) -> Option<Date> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(s.trim(), &fmt)
        .ok()
        .filter(|d| YEARS.contains(&d.year()))
}

/// Parse a UTC offset `+08:00`, `-05:30`, `Z`.
pub fn parse_offset(s: &str) -> Option<UtcOffset> {
    let s = s.trim();
    if s.eq_ignore_ascii_case("z") || s == "UTC" {
        return Some(UtcOffset::UTC);
    }
    let fmt = time::macros::format_description!("[offset_hour sign:mandatory]:[offset_minute]");
    UtcOffset::parse(s, &fmt).ok()
}

/// RFC 3339 text in the time's own offset, whole seconds unless the time has
/// a fraction.
pub fn fmt_datetime(t: OffsetDateTime) -> String {
    t.format(&Rfc3339)
        .unwrap_or_else(|_| t.unix_timestamp().to_string())
}

/// `YYYY-MM-DD`.
pub fn fmt_date(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// `+08:00`.
pub fn fmt_offset(o: UtcOffset) -> String {
    let (h, m, _) = o.as_hms();
    let sign = if o.is_negative() { '-' } else { '+' };
    format!("{sign}{:02}:{:02}", h.unsigned_abs(), m.unsigned_abs())
}

/// `2025-03-15 00:30 +08:00`: a time for people, in its own offset, to the
/// minute (seconds when they are not zero).
pub fn fmt_human(t: OffsetDateTime) -> String {
    let mut s = format!("{} {:02}:{:02}", fmt_date(t.date()), t.hour(), t.minute());
    if t.second() != 0 {
        let _ = write!(s, ":{:02}", t.second());
    }
    let _ = write!(s, " {}", fmt_offset(t.offset()));
    s
}

/// Add calendar months to a date, clamping the day to the month's length
/// (31 January + 1 month = 28 or 29 February). Saturates at the range of
/// [`Date`].
pub fn add_months(d: Date, months: i32) -> Date {
    let total = d.year() as i64 * 12 + (u8::from(d.month()) as i64 - 1) + months as i64;
    let year = total.div_euclid(12);
    let month0 = total.rem_euclid(12) as u8;
    let Ok(year) = i32::try_from(year) else {
        return if months < 0 { Date::MIN } else { Date::MAX };
    };
    let Ok(month) = Month::try_from(month0 + 1) else {
        return d;
    };
    if !(-9999..=9999).contains(&year) {
        return if months < 0 { Date::MIN } else { Date::MAX };
    }
    let day = d.day().min(month.length(year));
    Date::from_calendar_date(year, month, day).unwrap_or(d)
}

/// Add calendar months to a time, keeping its offset and wall-clock time.
pub fn add_months_dt(t: OffsetDateTime, months: i32) -> OffsetDateTime {
    let d = add_months(t.date(), months);
    PrimitiveDateTime::new(d, t.time()).assume_offset(t.offset())
}

/// The last second of `d` at `offset`: `d 23:59:59 ±hh:mm`. A deadline that
/// falls on a day is met by anything done on that day, wherever the clock
/// is read.
pub fn end_of_day(d: Date, offset: UtcOffset) -> OffsetDateTime {
    PrimitiveDateTime::new(d, Time::from_hms(23, 59, 59).unwrap_or(Time::MIDNIGHT))
        .assume_offset(offset)
}

/// The date of `t` at `offset`.
pub fn date_at(t: OffsetDateTime, offset: UtcOffset) -> Date {
    // at the ends of the calendar the date at the other offset does not exist
    t.checked_to_offset(offset).map_or(t.date(), |x| x.date())
}

/// A length of time as people say it, in both languages: `1 小时 5 分钟` /
/// `1 h 5 min`, `3 天 2 小时` / `3 d 2 h`. Seconds are rounded up to the
/// minute (a deadline 30 seconds away is "1 min" away, never "0 min").
pub fn duration_text(d: Duration) -> Msg {
    let secs = d.whole_seconds().unsigned_abs();
    let mins = secs.div_ceil(60);
    let days = mins / (24 * 60);
    let hours = (mins % (24 * 60)) / 60;
    let m = mins % 60;
    let mut zh = String::new();
    let mut en = String::new();
    if days > 0 {
        let _ = write!(zh, "{days} 天");
        let _ = write!(en, "{days} d");
        if hours > 0 {
            let _ = write!(zh, " {hours} 小时");
            let _ = write!(en, " {hours} h");
        }
        // days and hours are precise enough once a day or more is left
        return Msg::new(zh, en);
    }
    if hours > 0 {
        let _ = write!(zh, "{hours} 小时");
        let _ = write!(en, "{hours} h");
        if m > 0 {
            let _ = write!(zh, " {m} 分钟");
            let _ = write!(en, " {m} min");
        }
        return Msg::new(zh, en);
    }
    Msg::new(format!("{m} 分钟"), format!("{m} min"))
}

/// A period used by a recurring clock or a setting: days, months or years.
/// Months and years are calendar months; days are whole days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Interval {
    /// Whole days.
    Days(u16),
    /// Calendar months.
    Months(u16),
    /// Calendar years (12 calendar months).
    Years(u16),
}

impl Interval {
    /// Read `1 year`, `6 months`, `90 days`, `1y`, `6m`, `90d`, `12 个月`, `1 年`.
    pub fn parse(s: &str) -> Option<Interval> {
        let s = s.trim().to_lowercase();
        let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        let (num, unit) = s.split_at(split);
        let n: u16 = num.parse().ok()?;
        if n == 0 || n > 1200 {
            return None;
        }
        match unit.trim() {
            "d" | "day" | "days" | "天" | "日" => Some(Interval::Days(n)),
            "m" | "mo" | "month" | "months" | "个月" | "月" => Some(Interval::Months(n)),
            "y" | "year" | "years" | "年" => Some(Interval::Years(n)),
            _ => None,
        }
    }

    /// The date `self` after `d` (calendar arithmetic).
    pub fn after(self, d: Date) -> Date {
        match self {
            Interval::Days(n) => d.saturating_add(Duration::days(i64::from(n))),
            Interval::Months(n) => add_months(d, i32::from(n)),
            Interval::Years(n) => add_months(d, 12 * i32::from(n)),
        }
    }

    /// The text form, as [`Interval::parse`] reads it: `1 year`, `6 months`.
    pub fn text(self) -> String {
        let (n, one, many) = match self {
            Interval::Days(n) => (n, "day", "days"),
            Interval::Months(n) => (n, "month", "months"),
            Interval::Years(n) => (n, "year", "years"),
        };
        format!("{n} {}", if n == 1 { one } else { many })
    }

    /// In both languages: `每 1 年` / `every 1 year`.
    pub fn label(self) -> Msg {
        let zh = match self {
            Interval::Days(n) => format!("{n} 天"),
            Interval::Months(n) => format!("{n} 个月"),
            Interval::Years(n) => format!("{n} 年"),
        };
        Msg::new(zh, self.text())
    }
}

impl std::fmt::Display for Interval {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn months_clamp_at_month_ends() {
        let cases = [
            (date!(2025 - 01 - 31), 1, date!(2025 - 02 - 28)),
            (date!(2024 - 01 - 31), 1, date!(2024 - 02 - 29)),
            (date!(2024 - 02 - 29), 12, date!(2025 - 02 - 28)),
            (date!(2025 - 08 - 31), 6, date!(2026 - 02 - 28)),
            (date!(2025 - 12 - 15), 1, date!(2026 - 01 - 15)),
            (date!(2025 - 03 - 31), -1, date!(2025 - 02 - 28)),
            (date!(2025 - 01 - 15), -1, date!(2024 - 12 - 15)),
        ];
        for (d, n, want) in cases {
            assert_eq!(add_months(d, n), want, "{d} + {n} months");
        }
    }

    #[test]
    fn datetimes_keep_their_offset() {
        let t = parse_datetime("2025-03-14T23:30:00+08:00").unwrap();
        assert_eq!(fmt_datetime(t), "2025-03-14T23:30:00+08:00");
        assert_eq!(fmt_human(t), "2025-03-14 23:30 +08:00");
        let t = parse_datetime("2025-03-14 23:30:00Z").unwrap();
        assert_eq!(fmt_datetime(t), "2025-03-14T23:30:00Z");
        for bad in [
            "2025-03-14T23:30:00",
            "2025-03-14",
            "2025-13-01T00:00:00Z",
            "yesterday",
            "",
        ] {
            assert!(parse_datetime(bad).is_none(), "{bad:?} must not parse");
        }
    }

    #[test]
    fn durations_round_up_to_the_minute() {
        let cases = [
            (Duration::seconds(30), "1 min"),
            (Duration::minutes(59), "59 min"),
            (Duration::minutes(61), "1 h 1 min"),
            (Duration::hours(2), "2 h"),
            (Duration::hours(49), "2 d 1 h"),
            (Duration::minutes(-61), "1 h 1 min"),
        ];
        for (d, want) in cases {
            assert_eq!(duration_text(d).en, want, "{d}");
        }
        assert_eq!(duration_text(Duration::minutes(61)).zh, "1 小时 1 分钟");
    }

    #[test]
    fn intervals_parse() {
        assert_eq!(Interval::parse("1 year"), Some(Interval::Years(1)));
        assert_eq!(Interval::parse("6 months"), Some(Interval::Months(6)));
        assert_eq!(Interval::parse("90d"), Some(Interval::Days(90)));
        assert_eq!(Interval::parse("12 个月"), Some(Interval::Months(12)));
        assert_eq!(Interval::parse("0 days"), None);
        assert_eq!(Interval::parse("a year"), None);
        assert_eq!(
            Interval::Years(1).after(date!(2024 - 02 - 29)),
            date!(2025 - 02 - 28)
        );
    }
}
