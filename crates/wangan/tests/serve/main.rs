//! `wangan serve` and `wangan token` end to end, with real clients (util-linux `logger`,
//! Python's `SysLogHandler`, rsyslog `omfwd`, the official Python `elasticsearch` client, curl)
//! and a crash test. Every test counts the records in the vault afterwards.
//!
//! Needs: Debian packages `bsdutils` (logger), `rsyslog`, `rsyslog-gnutls`, `curl`, `openssl`,
//! `gzip`; Python with the PyPI package `elasticsearch` (`$WANGAN_PYTHON`, else `python3`); root
//! (the full-disk tests mount small tmpfs, the power-loss test a FUSE file system through
//! /dev/fuse); a non-loopback IPv4 address (allow-list test).
//! A missing tool fails the test and names the package.

mod common;
mod crash;
mod disk;
mod http;
mod lifecycle;
mod limits;
mod power;
mod refusals;
mod syslog;
mod tls;
mod tokens;
