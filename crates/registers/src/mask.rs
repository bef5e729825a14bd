//! Masking of personal data kept in registers (names of people checked or
//! trained, staff numbers). Registers keep only what a duty needs; every
//! list, report and event shows the masked form.

/// Mask a person's name or a personal identifier:
///
/// - Chinese names keep the first character: `张三` → `张*`, `欧阳娜娜` → `欧***`;
/// - Latin names keep each word's initial: `John Smith` → `J*** S***`;
/// - identifiers of six or more characters keep their last two: `E102345` →
///   `*****45`; shorter ones are starred out.
pub fn mask(value: &str) -> String {
    let v = value.trim();
    if v.is_empty() {
        return String::new();
    }
    let has_digit = v.chars().any(|c| c.is_ascii_digit());
    if has_digit {
        let n = v.chars().count();
        if n >= 6 {
            let tail: String = v.chars().skip(n - 2).collect();
            return format!("{}{tail}", "*".repeat(n - 2));
        }
        return "*".repeat(n);
    }
    let first = v.chars().next().unwrap_or('*');
    if is_cjk(first) {
        let n = v.chars().filter(|c| !c.is_whitespace()).count();
        return format!("{first}{}", "*".repeat(n.saturating_sub(1).max(1)));
    }
    v.split_whitespace()
        .map(|w| {
            let c = w.chars().next().unwrap_or('*');
            format!("{c}***")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Mask the name in a `NAME:RESULT` list entry (trainees), keeping the result.
pub fn mask_entry(entry: &str) -> String {
    match entry.split_once([':', '：']) {
        Some((name, rest)) => format!("{}:{}", mask(name), rest.trim()),
        None => mask(entry),
    }
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks() {
        let cases = [
            ("张三", "张*"),
            ("欧阳娜娜", "欧***"),
            ("李", "李*"),
            ("John Smith", "J*** S***"),
            ("E102345", "*****45"),
            ("A123", "****"),
            ("", ""),
            ("  王小明 ", "王**"),
        ];
        for (input, want) in cases {
            assert_eq!(mask(input), want, "{input:?}");
        }
        assert_eq!(mask_entry("王小明:passed"), "王**:passed");
        assert_eq!(mask_entry("王小明：85"), "王**:85");
    }

    proptest::proptest! {
        #[test]
        fn a_masked_value_never_contains_the_value(v in "[\\p{Han}a-zA-Z0-9 ]{2,12}") {
            let m = mask(&v);
            let t = v.trim();
            if t.chars().count() >= 2 {
                proptest::prop_assert!(!m.contains(t), "{v:?} -> {m:?}");
            }
        }
    }
}
