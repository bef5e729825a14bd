//! Find and grade personal information, important-data candidates and
//! secrets in text, files, archives, logs and databases.
//!
//! The core is a byte lexer with validators ([`Detector`]): one pass over
//! UTF-8 text finds Chinese resident IDs (GB 11643 MOD 11-2), mobile and
//! landline numbers, bank cards (Luhn + issuer prefix), unified social
//! credit codes (GB 32100 + GB 11714), passports and travel permits, e-mail,
//! IP and MAC addresses, IMEIs, licence plates, GPS coordinates, Chinese
//! names and addresses, private keys, passwords and API tokens. Every
//! [`Finding`] carries byte offsets into the original input, a masked
//! rendering and a confidence; the full value is never stored.
//!
//! ```
//! use scan::{Detector, Hint, Kind};
//! let d = Detector::default();
//! let mut out = Vec::new();
//! d.scan("身份证号11010519491231002X，手机138 0013 8000".as_bytes(), Hint::default(), &mut out);
//! assert_eq!(out[0].kind, Kind::CnId);
//! assert_eq!(out[0].masked.as_str(), "1101************2X");
//! assert_eq!(out[1].kind, Kind::CnMobile);
//! assert_eq!(out[1].masked.as_str(), "138****8000");
//! ```
//!
//! The crate is synchronous and knows nothing of HTTP, async runtimes or the
//! command line.

pub mod db;
pub mod decode;
mod engine;
pub mod formats;
pub mod grade;
mod kind;
pub mod lexer;
pub mod mask;
mod office;
mod report;
pub mod validate;

pub use engine::{Error, Hit, NoSink, ScanOptions, Scanner, Sink};
pub use grade::{Grade, IdPolicy, Level, Policy, grade};
pub use kind::{Finding, Kind, Masked, flags};
pub use lexer::{DetectOptions, Detector, Hint};
pub use report::{Asset, KindStats, Report, Skipped};
