//! Output conventions shared by every command: language, colour, JSON mode,
//! terminal escaping and exit codes.

use std::io::{self, IsTerminal, Write};

use clap::ValueEnum;

/// The documented exit codes of `wangan` (see README, "Exit codes").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Success: nothing found, compliant, intact.
    Ok = 0,
    /// Findings, problems found or not compliant.
    Findings = 1,
    /// Severe findings (e.g. sensitive personal information).
    Severe = 2,
    /// Usage error: bad arguments or an unknown reference.
    Usage = 64,
    /// The input data was malformed.
    DataErr = 65,
    /// An input file or store does not exist.
    NoInput = 66,
    /// Internal error: a bug in wangan.
    Software = 70,
    /// Reading or writing failed.
    IoErr = 74,
    /// The configuration is invalid.
    Config = 78,
}

impl From<Exit> for std::process::ExitCode {
    fn from(e: Exit) -> Self {
        std::process::ExitCode::from(e as u8)
    }
}

/// An error that carries its own exit code. Anything else maps to
/// [`Exit::Software`] unless it is an I/O error.
#[derive(Debug)]
pub struct CliError {
    /// Which exit code the process ends with.
    pub code: Exit,
    /// What failed, where, and what to do; already localised.
    pub message: String,
}

impl std::fmt::Display for CliError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CliError {}

/// Shorthand for a usage error (exit 64).
pub fn usage(message: impl Into<String>) -> anyhow::Error {
    CliError {
        code: Exit::Usage,
        message: message.into(),
    }
    .into()
}

/// Shorthand for an error with a chosen exit code.
pub fn fail(code: Exit, message: impl Into<String>) -> anyhow::Error {
    CliError {
        code,
        message: message.into(),
    }
    .into()
}

/// Output language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Lang {
    /// Chinese (简体中文).
    Zh,
    /// English.
    En,
}

impl Lang {
    /// The default language: Chinese when `LANG` starts with `zh`, else English.
    pub fn from_env() -> Lang {
        match std::env::var("LANG") {
            Ok(v) if v.to_ascii_lowercase().starts_with("zh") => Lang::Zh,
            _ => Lang::En,
        }
    }
}

/// `--color` choices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when stdout is a terminal and `NO_COLOR` is unset or empty.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

impl ColorChoice {
    /// Resolve the choice against the environment.
    pub fn enabled(self) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
                !no_color && io::stdout().is_terminal()
            }
        }
    }
}

pub use render::{Style, escape};

/// Everything a command needs to know about how to print.
#[derive(Debug, Clone, Copy)]
pub struct Out {
    /// Output language.
    pub lang: Lang,
    /// Whether ANSI colour is on.
    pub color: bool,
    /// Whether `--json` was given.
    pub json: bool,
    /// Whether `--lang` was given (documents for the authorities are Chinese
    /// unless it asks for English).
    pub lang_given: bool,
}

impl Out {
    /// Pick the text for the current language.
    pub fn t<'a>(&self, zh: &'a str, en: &'a str) -> &'a str {
        self.painter().t(zh, en)
    }

    /// Wrap already-escaped text in a style when colour is on.
    pub fn paint(&self, style: Style, text: &str) -> String {
        self.painter().paint(style, text)
    }

    /// The language and colour, for the renderers of the `render` crate.
    pub fn painter(&self) -> render::Painter {
        render::Painter {
            lang: match self.lang {
                Lang::Zh => render::Lang::Zh,
                Lang::En => render::Lang::En,
            },
            color: self.color,
        }
    }

    /// Print a JSON document, pretty, to stdout.
    pub fn print_json(&self, value: &impl serde::Serialize) -> io::Result<()> {
        let mut stdout = io::stdout().lock();
        serde_json::to_writer_pretty(&mut stdout, value).map_err(io::Error::other)?;
        writeln!(stdout)
    }
}

/// Pick the current language's form of a bilingual text.
pub fn pick(out: Out, t: law::Text) -> &'static str {
    match out.lang {
        Lang::Zh => t.zh,
        Lang::En => t.en,
    }
}
