//! Chinese numerals as the law writes article, paragraph and item numbers
//! (第二十一条, 第三项, （五）).

const DIGITS: [char; 10] = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/// Write `n` (1–9999) the way statutes number articles: `21` → `二十一`,
/// `10` → `十`, `105` → `一百零五`. Returns `None` outside 1–9999.
///
/// ```
/// assert_eq!(law::numeral::to_chinese(21).as_deref(), Some("二十一"));
/// assert_eq!(law::numeral::to_chinese(10).as_deref(), Some("十"));
/// ```
pub fn to_chinese(n: u32) -> Option<String> {
    if !(1..=9999).contains(&n) {
        return None;
    }
    let digits = [n / 1000, n / 100 % 10, n / 10 % 10, n % 10];
    let units = ["千", "百", "十", ""];
    let mut s = String::new();
    let mut pending_zero = false;
    for (i, &d) in digits.iter().enumerate() {
        if d == 0 {
            if !s.is_empty() {
                pending_zero = true;
            }
            continue;
        }
        if pending_zero {
            s.push('零');
            pending_zero = false;
        }
        // 十 alone at the start: 10–19 are 十, 十一 …, not 一十.
        if !(i == 2 && d == 1 && s.is_empty()) {
            s.push(DIGITS[d as usize]);
        }
        s.push_str(units[i]);
    }
    Some(s)
}

/// Read a Chinese numeral (1–9999): `二十一` → 21, `十` → 10, `一百零五` → 105.
/// Also accepts `〇` for zero and `两` for two. Returns `None` for anything
/// else, including the empty string.
///
/// ```
/// assert_eq!(law::numeral::from_chinese("三十九"), Some(39));
/// assert_eq!(law::numeral::from_chinese("abc"), None);
/// ```
pub fn from_chinese(s: &str) -> Option<u32> {
    if s.is_empty() {
        return None;
    }
    let mut total = 0u32;
    let mut digit: Option<u32> = None;
    let mut last_unit = u32::MAX;
    for c in s.chars() {
        match c {
            '零' | '〇' => {
                if digit.is_some() {
                    return None;
                }
                digit = Some(0);
            }
            '十' | '百' | '千' => {
                let unit = match c {
                    '十' => 10,
                    '百' => 100,
                    _ => 1000,
                };
                if unit >= last_unit {
                    return None;
                }
                let d = match digit.take() {
                    Some(0) => return None,
                    Some(d) => d,
                    // A bare 十 at the start means 10; a bare 百/千 is not a number.
                    None if unit == 10 && total == 0 => 1,
                    None => return None,
                };
                total += d * unit;
                last_unit = unit;
            }
            _ => {
                let d = match c {
                    '一' => 1,
                    '二' | '两' => 2,
                    '三' => 3,
                    '四' => 4,
                    '五' => 5,
                    '六' => 6,
                    '七' => 7,
                    '八' => 8,
                    '九' => 9,
                    _ => return None,
                };
                match digit {
                    Some(0) | None => digit = Some(d),
                    Some(_) => return None,
                }
            }
        }
    }
    if let Some(d) = digit {
        // A trailing digit is units; after 百 without 零 (e.g. 一百五) it would
        // be ambiguous shorthand, which statutes do not use.
        if d != 0 && last_unit != u32::MAX && last_unit > 10 && !s.contains(['零', '〇']) {
            return None;
        }
        total += d;
    }
    (total > 0).then_some(total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_numbers() {
        let cases = [
            (1, "一"),
            (10, "十"),
            (11, "十一"),
            (17, "十七"),
            (20, "二十"),
            (21, "二十一"),
            (39, "三十九"),
            (40, "四十"),
            (41, "四十一"),
            (100, "一百"),
            (101, "一百零一"),
            (110, "一百一十"),
            (1001, "一千零一"),
            (1010, "一千零一十"),
        ];
        for (n, zh) in cases {
            assert_eq!(to_chinese(n).as_deref(), Some(zh), "{n}");
            assert_eq!(from_chinese(zh), Some(n), "{zh}");
        }
    }

    #[test]
    fn rejects_non_numerals() {
        for bad in [
            "",
            "零",
            "十十",
            "百",
            "二二",
            "一百五",
            "x",
            "三条",
            "十百",
        ] {
            assert_eq!(from_chinese(bad), None, "{bad}");
        }
        assert_eq!(to_chinese(0), None);
        assert_eq!(to_chinese(10_000), None);
    }

    proptest! {
        #[test]
        fn round_trip(n in 1u32..=9999) {
            let zh = to_chinese(n).unwrap_or_default();
            prop_assert_eq!(from_chinese(&zh), Some(n));
        }

        #[test]
        fn never_panics(s in "\\PC{0,8}") {
            let _ = from_chinese(&s);
        }
    }
}
