//! The log-coverage heatmap: one row per source, one cell per calendar day of the six-month
//! window, drawn by the server as inline SVG (no script, no external asset). A day without a
//! record is a warm red cell, so gaps show at a glance; days with records are shades of blue
//! by volume (log scale). Each cell has a `<title>` (the browser's tooltip, read by screen
//! readers) and the page repeats the numbers in a table.

use maud::{Markup, html};

use super::Lang;
use super::data::{SourceDays, date_of};

/// Most sources drawn (the table lists them all).
pub const MAX_ROWS: usize = 40;
const CELL: i64 = 5;
const ROW: i64 = 18;
const LABEL: i64 = 150;
const TOP: i64 = 22;

const EMPTY: &str = "#f2c4bd";
const SHADES: [&str; 4] = ["#c6dbef", "#7fb2d9", "#3a86c0", "#155a96"];

fn shade(n: u64, max: u64) -> &'static str {
    if n == 0 {
        return EMPTY;
    }
    if max <= 1 {
        return SHADES[3];
    }
    let r = (n as f64).ln_1p() / (max as f64).ln_1p();
    let i = ((r * 4.0).ceil() as usize).clamp(1, 4) - 1;
    SHADES[i]
}

fn short(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}

/// The SVG for `rows` (name, days) over local days `first..=last`.
pub fn svg(rows: &[(&str, &SourceDays)], first: i64, last: i64, lang: Lang) -> Markup {
    let days = (last - first + 1).max(1);
    let shown = &rows[..rows.len().min(MAX_ROWS)];
    let width = LABEL + days * CELL + 8;
    let height = TOP + shown.len().max(1) as i64 * ROW + 4;
    let max = shown
        .iter()
        .flat_map(|(_, d)| d.days.range(first..=last).map(|(_, n)| *n))
        .max()
        .unwrap_or(0);
    let label = lang.t(
        "日志覆盖热力图：每行一个来源，每格一天；红色表示当天没有日志",
        "Log coverage heatmap: one row per source, one cell per day; red means no records that day",
    );
    html! {
        svg class="heatmap" xmlns="http://www.w3.org/2000/svg" role="img" aria-label=(label)
            viewBox=(format!("0 0 {width} {height}")) width=(width) height=(height)
            preserveAspectRatio="xMinYMin meet" {
            title { (label) }
            // month ticks
            @for d in first..=last {
                @if let Some(date) = date_of(d) {
                    @if date.day() == 1 || d == first {
                        @let x = LABEL + (d - first) * CELL;
                        line x1=(x) y1=(TOP - 6) x2=(x) y2=(height - 2) stroke="#d5dae1" stroke-width="1" {}
                        text x=(x + 2) y=(TOP - 9) font-size="11" fill="#4a5568" {
                            @match lang {
                                Lang::Zh => (format!("{}月", u8::from(date.month()))),
                                Lang::En => (format!("{:.3}", date.month().to_string())),
                            }
                        }
                    }
                }
            }
            @if shown.is_empty() {
                text x=(LABEL) y=(TOP + 12) font-size="12" fill="#4a5568" {
                    (lang.t("还没有任何来源的日志", "no source has sent logs yet"))
                }
            }
            @for (i, (name, sd)) in shown.iter().enumerate() {
                @let y = TOP + i as i64 * ROW;
                text x="0" y=(y + 12) font-size="12" fill="#1f2933" {
                    title { (name) }
                    (short(name, 20))
                }
                @for d in first..=last {
                    @let n = sd.days.get(&d).copied().unwrap_or(0);
                    rect x=(LABEL + (d - first) * CELL) y=(y + 2) width=(CELL - 1) height=(ROW - 5)
                        fill=(shade(n, max)) {
                        title {
                            (name) " · "
                            @if let Some(date) = date_of(d) { (date.to_string()) }
                            " · " (n) " " (lang.t("条", "records"))
                        }
                    }
                }
            }
        }
    }
}

/// The legend under the heatmap.
pub fn legend(lang: Lang) -> Markup {
    html! {
        p.legend {
            span.swatch.empty aria-hidden="true" {} (lang.t("无日志", "no records"))
            span.swatch.s1 aria-hidden="true" {}
            span.swatch.s2 aria-hidden="true" {}
            span.swatch.s3 aria-hidden="true" {}
            span.swatch.s4 aria-hidden="true" {}
            (lang.t("少 → 多", "fewer → more"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaps_are_red_and_names_are_escaped() {
        let mut a = SourceDays::default();
        a.days.insert(10, 5);
        a.days.insert(12, 500);
        a.records = 505;
        let svg = svg(&[("<b>fw</b>", &a)], 10, 12, Lang::En).into_string();
        assert!(svg.contains("&lt;b&gt;fw&lt;/b&gt;"), "{svg}");
        assert!(!svg.contains("<b>"));
        assert_eq!(svg.matches(EMPTY).count(), 1, "day 11 is a gap");
        assert!(svg.contains(SHADES[3]));
        assert_eq!(shade(0, 9), EMPTY);
        assert_eq!(shade(1, 1), SHADES[3]);
    }
}
