//! Lengths of time written in a profile (`"1 hour"`, `"90 days"`, `"6 months"`,
//! `"1 year"`) and calendar arithmetic on them.
//!
//! Months and years are calendar months and years, never a fixed number of
//! days: 31 August plus six months is 28 February (29 in a leap year).

use std::fmt;

use law::Period;
use time::{Date, Duration, Month, OffsetDateTime};

/// A length of time from a profile: hours, days, calendar months or years.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Interval(pub Period);

/// Largest count accepted for each unit (keeps every sum inside the calendar).
const MAX_HOURS: u16 = 24 * 366;
const MAX_DAYS: u16 = 3660;
const MAX_MONTHS: u16 = 120;
const MAX_YEARS: u16 = 10;

impl Interval {
    /// Read `"N unit"` where unit is hour(s), day(s), week(s), month(s) or
    /// year(s), or the shorthands `1h`, `30d`, `6mo`, `1y`, or the Chinese
    /// `6个月`, `1年`, `30天`, `1小时`. The count must be positive and at most
    /// ten years' worth.
    pub fn parse(s: &str) -> Result<Interval, String> {
        let t = s.trim();
        let digits = t.chars().take_while(char::is_ascii_digit).count();
        let (num, unit) = t.split_at(digits);
        let unit = unit.trim().to_ascii_lowercase();
        let n: u32 = num.parse().map_err(|_| {
            format!("expected a length such as \"90 days\" or \"1 year\", found {s:?}")
        })?;
        if n == 0 {
            return Err(format!("a length must be positive, found {s:?}"));
        }
        let (period, max) = match unit.as_str() {
            "h" | "hour" | "hours" | "小时" | "个小时" => {
                (Period::Hours as fn(u16) -> Period, MAX_HOURS)
            }
            "d" | "day" | "days" | "天" | "日" => (Period::Days as fn(u16) -> Period, MAX_DAYS),
            "w" | "week" | "weeks" | "周" => {
                let days = n.checked_mul(7).filter(|d| *d <= u32::from(MAX_DAYS));
                return days
                    .and_then(|d| u16::try_from(d).ok())
                    .map(|d| Interval(Period::Days(d)))
                    .ok_or_else(|| format!("{s:?} is longer than ten years"));
            }
            "mo" | "month" | "months" | "个月" | "月" => {
                (Period::Months as fn(u16) -> Period, MAX_MONTHS)
            }
            "y" | "year" | "years" | "年" => (Period::Years as fn(u16) -> Period, MAX_YEARS),
            _ => {
                return Err(format!(
                    "unknown unit in {s:?}: use hours, days, weeks, months or years"
                ));
            }
        };
        let n = u16::try_from(n)
            .ok()
            .filter(|n| *n <= max)
            .ok_or_else(|| format!("{s:?} is longer than ten years"))?;
        Ok(Interval(period(n)))
    }

    /// The length in whole hours when it is a fixed length (hours, days).
    pub fn fixed(self) -> Option<Duration> {
        match self.0 {
            Period::Hours(n) => Some(Duration::hours(i64::from(n))),
            Period::Days(n) => Some(Duration::days(i64::from(n))),
            Period::Months(_) | Period::Years(_) => None,
        }
    }

    /// `date` plus this interval (hours round down to whole days).
    pub fn after(self, date: Date) -> Date {
        match self.0 {
            Period::Hours(n) => date.saturating_add(Duration::days(i64::from(n / 24))),
            Period::Days(n) => date.saturating_add(Duration::days(i64::from(n))),
            Period::Months(n) => add_months(date, i32::from(n)),
            Period::Years(n) => add_months(date, i32::from(n) * 12),
        }
    }

    /// `date` minus this interval (hours round down to whole days).
    pub fn before(self, date: Date) -> Date {
        match self.0 {
            Period::Hours(n) => date.saturating_sub(Duration::days(i64::from(n / 24))),
            Period::Days(n) => date.saturating_sub(Duration::days(i64::from(n))),
            Period::Months(n) => add_months(date, -i32::from(n)),
            Period::Years(n) => add_months(date, -i32::from(n) * 12),
        }
    }

    /// An instant plus this interval, by the calendar of its own offset.
    pub fn after_instant(self, t: OffsetDateTime) -> OffsetDateTime {
        match self.fixed() {
            Some(d) => t.saturating_add(d),
            None => t.replace_date(self.after(t.date())),
        }
    }

    /// ISO 8601 (`PT1H`, `P90D`, `P6M`, `P1Y`).
    pub fn iso8601(self) -> String {
        self.0.iso8601()
    }

    /// The Chinese form: `1小时`, `90天`, `6个月`, `1年`.
    pub fn zh(self) -> String {
        match self.0 {
            Period::Hours(n) => format!("{n}小时"),
            Period::Days(n) => format!("{n}天"),
            Period::Months(n) => format!("{n}个月"),
            Period::Years(n) => format!("{n}年"),
        }
    }
}

impl fmt::Display for Interval {
    /// The English form: `1 hour`, `90 days`, `6 months`, `1 year`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (n, one, many) = match self.0 {
            Period::Hours(n) => (n, "hour", "hours"),
            Period::Days(n) => (n, "day", "days"),
            Period::Months(n) => (n, "month", "months"),
            Period::Years(n) => (n, "year", "years"),
        };
        write!(f, "{n} {}", if n == 1 { one } else { many })
    }
}

/// `date` plus `months` calendar months (negative: minus), the day clamped to
/// the end of the target month: 31 Aug − 6 months = 28 Feb (29 in a leap year).
pub fn add_months(date: Date, months: i32) -> Date {
    let total = date.year() * 12 + i32::from(u8::from(date.month())) - 1 + months;
    let year = total.div_euclid(12);
    let month0 = u8::try_from(total.rem_euclid(12)).unwrap_or(0);
    let month = Month::try_from(month0 + 1).unwrap_or(Month::January);
    let day = date.day().min(month.length(year));
    Date::from_calendar_date(year, month, day).unwrap_or(date)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn parses_every_form() {
        let cases = [
            ("1 hour", Period::Hours(1)),
            ("4 hours", Period::Hours(4)),
            ("1h", Period::Hours(1)),
            ("90 days", Period::Days(90)),
            ("2 weeks", Period::Days(14)),
            ("6 months", Period::Months(6)),
            ("6mo", Period::Months(6)),
            ("6个月", Period::Months(6)),
            ("1 year", Period::Years(1)),
            ("1年", Period::Years(1)),
        ];
        for (s, want) in cases {
            assert_eq!(Interval::parse(s), Ok(Interval(want)), "{s}");
        }
        for bad in [
            "",
            "0 days",
            "days",
            "1 fortnight",
            "11 years",
            "-1 day",
            "99999 days",
        ] {
            assert!(Interval::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn calendar_months_clamp_to_month_end() {
        let six = Interval(Period::Months(6));
        assert_eq!(six.before(date!(2025 - 08 - 31)), date!(2025 - 02 - 28));
        assert_eq!(six.before(date!(2024 - 08 - 31)), date!(2024 - 02 - 29));
        assert_eq!(six.after(date!(2025 - 08 - 31)), date!(2026 - 02 - 28));
        assert_eq!(six.before(date!(2026 - 01 - 01)), date!(2025 - 07 - 01));
        let year = Interval(Period::Years(1));
        assert_eq!(year.after(date!(2024 - 02 - 29)), date!(2025 - 02 - 28));
    }
}
