//! Human texts in two languages, and where a fact comes from.

use serde::Serialize;

/// An owned text in Chinese and English (the counterpart of [`law::Text`]
/// for texts built at run time).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Msg {
    /// Simplified Chinese.
    pub zh: String,
    /// English.
    pub en: String,
}

impl Msg {
    /// A text from its two forms.
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Msg {
        Msg {
            zh: zh.into(),
            en: en.into(),
        }
    }

    /// The form for `zh` (true: Chinese).
    pub fn get(&self, zh: bool) -> &str {
        if zh { &self.zh } else { &self.en }
    }
}

impl From<law::Text> for Msg {
    fn from(t: law::Text) -> Msg {
        Msg::new(t.zh, t.en)
    }
}

/// Where a rule or threshold comes from, and so how far to trust it. Every
/// output shows it unless it is [`Provenance::Verified`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Provenance {
    /// Read in the official text or a faithful copy.
    Verified,
    /// Consistent third-party copies; not read in the primary document.
    Secondary,
    /// Not confirmed.
    Unverified,
    /// Not a legal fact at all: a default or reading of ours, configurable in
    /// the settings.
    Ours,
}

impl Provenance {
    /// `verified`, `secondary`, `unverified`, `ours`.
    pub fn key(self) -> &'static str {
        match self {
            Provenance::Verified => "verified",
            Provenance::Secondary => "secondary",
            Provenance::Unverified => "unverified",
            Provenance::Ours => "ours",
        }
    }

    /// The flag to show a reader (empty for verified facts).
    pub fn flag(self) -> law::Text {
        match self {
            Provenance::Verified => law::Text::new("", ""),
            Provenance::Secondary => {
                law::Text::new("二手来源，未经官方文本核实", "secondary source")
            }
            Provenance::Unverified => law::Text::new("未核实", "unverified"),
            Provenance::Ours => {
                law::Text::new("本工具的默认设定，可配置", "our default, configurable")
            }
        }
    }
}

impl From<law::Status> for Provenance {
    fn from(s: law::Status) -> Provenance {
        match s {
            law::Status::Verified => Provenance::Verified,
            law::Status::Secondary => Provenance::Secondary,
            law::Status::Unverified => Provenance::Unverified,
        }
    }
}
