//! Errors of the `law` crate.

/// What can go wrong when reading a reference.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input is not a reference in any form we know.
    #[error("cannot read reference `{input}`; try forms like 23(3), CSL-2016 21(3), 第二十三条第三项 or csl.log-retention{}", list(.suggestions))]
    Unreadable {
        /// The input as given.
        input: String,
        /// The closest valid references (duty ids or citations), best first.
        suggestions: Vec<String>,
    },
    /// The input reads as a reference, but no such article, paragraph, item
    /// or duty exists.
    #[error("no such article, paragraph, item or duty: `{input}`{}", list(.suggestions))]
    NotFound {
        /// The input as given.
        input: String,
        /// The closest valid references, best first.
        suggestions: Vec<String>,
    },
}

impl Error {
    /// The closest valid references, best first.
    pub fn suggestions(&self) -> &[String] {
        match self {
            Error::Unreadable { suggestions, .. } | Error::NotFound { suggestions, .. } => {
                suggestions
            }
        }
    }

    /// The input as given.
    pub fn input(&self) -> &str {
        match self {
            Error::Unreadable { input, .. } | Error::NotFound { input, .. } => input,
        }
    }
}

fn list(suggestions: &[String]) -> String {
    if suggestions.is_empty() {
        String::new()
    } else {
        format!("; closest valid: {}", suggestions.join(", "))
    }
}
