//! Output renderers: what the engine crates found, written for a person (a
//! terminal table, HTML, CSV that opens in a spreadsheet) or for another
//! tool (SARIF). As ripgrep's `grep-printer`, this crate knows how to
//! present results and nothing of the command line: the caller picks the
//! language and whether colour is on ([`Painter`]) and writes the bytes.
//!
//! Every renderer escapes what it did not write itself: terminal text
//! through [`escape`] (no escape sequence can be injected), HTML through
//! [`html_escape`], CSV through [`csv_field`] (no spreadsheet formula).
//!
//! - [`law`]: chapter 3 for a reader: the duty list, a provision and its
//!   duties, the changes across the three texts, search hits;
//! - [`scan`]: the scanner's report as a table, CSV, HTML and SARIF 2.1.0;
//! - [`vault`]: the vault's results (verification, coverage, bundles, …) as
//!   terminal text;
//! - [`registers`]: the registers' records, lists, clocks and checks as
//!   terminal text.

#![deny(missing_docs)]
use std::borrow::Cow;

pub mod law;
pub mod registers;
pub mod scan;
pub mod vault;

/// The language of human text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// Chinese (简体中文).
    Zh,
    /// English.
    En,
}

/// A text style for terminal output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Headings.
    Bold,
    /// Identifiers and references.
    Cyan,
    /// Good news.
    Green,
    /// Warnings and unverified facts.
    Yellow,
    /// Problems.
    Red,
    /// Secondary text.
    Dim,
    /// Inserted text in diffs.
    Inserted,
    /// Deleted text in diffs.
    Deleted,
}

impl Style {
    /// The SGR parameters of the style.
    fn sgr(self) -> &'static str {
        match self {
            Style::Bold => "1",
            Style::Cyan => "36",
            Style::Green => "32",
            Style::Yellow => "33",
            Style::Red => "31",
            Style::Dim => "2",
            Style::Inserted => "4;32",
            Style::Deleted => "9;31",
        }
    }
}

/// How to write human text: in which language, with colour or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Painter {
    /// The language.
    pub lang: Lang,
    /// Whether ANSI colour is on.
    pub color: bool,
}

impl Painter {
    /// Pick the text for the current language.
    pub fn t<'a>(&self, zh: &'a str, en: &'a str) -> &'a str {
        match self.lang {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    /// Wrap already-escaped text in a style when colour is on.
    pub fn paint(&self, style: Style, text: &str) -> String {
        if self.color {
            format!("\x1b[{}m{}\x1b[0m", style.sgr(), text)
        } else {
            text.to_owned()
        }
    }

    /// The word after a count `n`: `zh`, or the English singular or plural.
    pub fn unit(
        &self,
        n: u64,
        zh: &'static str,
        one: &'static str,
        many: &'static str,
    ) -> &'static str {
        self.t(zh, if n == 1 { one } else { many })
    }
}

/// Escape untrusted text before it reaches a terminal: control characters
/// (including ESC, so no escape sequence can be injected) and bidirectional
/// overrides become visible `\u{..}` escapes. Newlines and tabs are kept
/// when `keep_newlines` is set.
pub fn escape(text: &str, keep_newlines: bool) -> Cow<'_, str> {
    let bad = |c: char| {
        (c.is_control() && !(keep_newlines && (c == '\n' || c == '\t')))
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if !text.chars().any(bad) {
        return Cow::Borrowed(text);
    }
    let mut s = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if bad(c) {
            s.push_str(&c.escape_unicode().to_string());
        } else {
            s.push(c);
        }
    }
    Cow::Owned(s)
}

/// Escape text for HTML content and attribute values.
pub fn html_escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '&' => o.push_str("&amp;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

/// One CSV field, always quoted; a leading `=`, `+`, `-` or `@` is
/// neutralised with `'` so that no spreadsheet reads a formula.
pub fn csv_field(v: &str) -> String {
    let v = if v.starts_with(['=', '+', '-', '@']) {
        format!("'{v}")
    } else {
        v.to_owned()
    };
    format!("\"{}\"", v.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_neutralises_escape_sequences() {
        let cases = [
            ("plain 中文", "plain 中文"),
            ("\x1b[31mred", "\\u{1b}[31mred"),
            ("a\rb", "a\\u{d}b"),
            ("bidi\u{202e}x", "bidi\\u{202e}x"),
        ];
        for (input, want) in cases {
            assert_eq!(escape(input, false), want, "input {input:?}");
        }
        assert_eq!(escape("a\nb", true), "a\nb");
        assert_eq!(escape("a\nb", false), "a\\u{a}b");
    }

    #[test]
    fn csv_fields_are_quoted_and_never_formulas() {
        let cases = [
            ("plain", "\"plain\""),
            ("=1+1", "\"'=1+1\""),
            ("-2", "\"'-2\""),
            ("say \"hi\"", "\"say \"\"hi\"\"\""),
            ("a,b", "\"a,b\""),
        ];
        for (input, want) in cases {
            assert_eq!(csv_field(input), want, "input {input:?}");
        }
    }

    #[test]
    fn html_escape_covers_the_five() {
        assert_eq!(
            html_escape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }
}
