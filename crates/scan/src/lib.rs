//! Find and grade personal information, important-data candidates and
//! secrets in text, files, archives, logs and databases.
//!
//! The core is a byte lexer with validators ([`Detector`]): one pass over
//! UTF-8 text finds Chinese resident IDs (GB 11643 MOD 11-2), mobile and
//! landline numbers, bank cards (Luhn + issuer prefix), unified social
//! credit codes (GB 32100 + GB 11714), passports and travel permits, e-mail,
//! IP and MAC addresses, IMEIs, licence plates, GPS coordinates, Chinese
//! names and addresses (after a keyword or not: scored surname and
//! given-name candidates closed by what follows, and an address grammar
//! from the administrative divisions to the postcode), private keys,
//! passwords and API tokens. Every
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
//! Around the detector:
//! - [`Scanner`] walks files and directory trees (`.gitignore`/`.ignore`
//!   honoured), decompresses `.gz`/`.zst`, detects UTF-8, GBK/GB18030 and
//!   UTF-16 ([`decode`]) and maps every offset back to the original bytes,
//!   reads CSV/TSV per column, JSON/NDJSON per key path and SQL dumps per
//!   table column ([`formats`]), `.xlsx` per sheet column and `.docx` text,
//!   and scans large files in chunks on several threads with bounded memory;
//! - `Scanner::scan_database` (feature `db`, off by default) samples
//!   PostgreSQL and MySQL/MariaDB tables read-only ([`db`]);
//! - [`Report`] aggregates per asset (counts, distinct values, distinct
//!   persons) and [`grade()`] turns an asset into a grade *candidate* with
//!   reasons under a configurable [`Policy`] (never a legal determination).
//!
//! Throughput (`cargo bench -p scan --bench cpu`, MiB per CPU-second on the
//! seeded corpora, one thread): see the benchmark's doc comment and
//! `BENCHMARKS.md`.
//!
//! The crate is synchronous and knows nothing of HTTP, async runtimes or the
//! command line.

#![deny(missing_docs)]

mod cjk;
pub mod db;
pub mod decode;
mod engine;
pub mod formats;
pub mod grade;
pub mod json;
mod keys;
mod kind;
pub mod lexer;
pub mod mask;
mod office;
mod parts;
mod report;
mod simd;
pub mod validate;

pub use engine::{Error, Hit, NoSink, ScanOptions, Scanner, Sink};
pub use grade::{Grade, IdPolicy, Level, Policy, grade};
pub use kind::{Finding, Kind, Masked, flags};
pub use lexer::{DetectOptions, Detector, Hint};
pub use report::{Asset, KindStats, Report, Skipped};
