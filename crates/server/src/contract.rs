//! The versioned JSON lines `wangan serve --json` prints on standard output, one per event,
//! as the types that own their shape, and the answer of the HTTP intake ([`Accepted`]). Fields are declared in sorted order: the lines keep
//! the byte order they had when they were built as sorted JSON objects.

use serde::Serialize;

use crate::{Bound, FirstAdmin, FirstRun};

/// The schema name of [`FirstRunDoc`].
pub const FIRST_RUN_SCHEMA: &str = "wangan.serve.first-run/1";
/// The schema name of [`FirstAdminDoc`].
pub const FIRST_ADMIN_SCHEMA: &str = "wangan.serve.first-admin/1";
/// The schema name of [`ListeningDoc`].
pub const LISTENING_SCHEMA: &str = "wangan.serve.listening/1";
/// The schema name of [`StoppedDoc`].
pub const STOPPED_SCHEMA: &str = "wangan.serve.stopped/1";

/// What a first start created (schema `wangan.serve.first-run/1`): the vault's identity
/// and the ingest token, whose secret is shown only in this line.
#[derive(Debug, Serialize)]
pub struct FirstRunDoc<'a> {
    /// The data directory the vault lives in.
    pub data_dir: String,
    /// Ed25519 note verifier key (`name+keyid+key`).
    pub ed25519_verifier_key: &'a str,
    /// The vault's origin (its unique name).
    pub origin: &'a str,
    /// The ingest token's role.
    pub role: &'static str,
    /// Always [`FIRST_RUN_SCHEMA`].
    pub schema: &'static str,
    /// SM2 key id (hex).
    pub sm2_key_id: &'a str,
    /// SM2 public key (SEC1 uncompressed, hex), when the vault has one.
    pub sm2_public_key: Option<&'a str>,
    /// The ingest token (the secret; shown once).
    pub token: &'a str,
    /// The ingest token's public id.
    pub token_id: &'a str,
    /// Whether this start created the vault (not only the token).
    pub vault_created: bool,
}

impl FirstRun {
    /// The `wangan.serve.first-run/1` line for a vault in `data_dir`.
    pub fn document(&self, data_dir: &std::path::Path) -> FirstRunDoc<'_> {
        FirstRunDoc {
            data_dir: data_dir.display().to_string(),
            ed25519_verifier_key: &self.ed25519_verifier_key,
            origin: &self.origin,
            role: self.token.role.name(),
            schema: FIRST_RUN_SCHEMA,
            sm2_key_id: &self.sm2_key_id,
            sm2_public_key: self.sm2_public_key.as_deref(),
            token: &self.token.token,
            token_id: &self.token.id,
            vault_created: self.vault_created,
        }
    }
}

/// The console's first administrator (schema `wangan.serve.first-admin/1`): the generated
/// password, shown only in this line.
#[derive(Debug, Serialize)]
pub struct FirstAdminDoc<'a> {
    /// The console's address (`null` when it has no HTTP listener).
    pub console: Option<&'a str>,
    /// The generated password (shown once; only its argon2id hash is stored).
    pub password: &'a str,
    /// Always [`FIRST_ADMIN_SCHEMA`].
    pub schema: &'static str,
    /// The user name.
    pub user: &'a str,
}

impl FirstAdmin {
    /// The `wangan.serve.first-admin/1` line, with the console's address.
    pub fn document<'a>(&'a self, console: Option<&'a str>) -> FirstAdminDoc<'a> {
        FirstAdminDoc {
            console,
            password: &self.password,
            schema: FIRST_ADMIN_SCHEMA,
            user: &self.name,
        }
    }
}

/// The addresses the server listens on (schema `wangan.serve.listening/1`); `null` for a
/// listener that is off.
#[derive(Debug, Serialize)]
pub struct ListeningDoc {
    /// HTTP (or HTTPS when `tls_http`) address.
    pub http: Option<String>,
    /// Always [`LISTENING_SCHEMA`].
    pub schema: &'static str,
    /// Syslog TCP address.
    pub syslog_tcp: Option<String>,
    /// Syslog TLS address.
    pub syslog_tls: Option<String>,
    /// Syslog UDP address.
    pub syslog_udp: Option<String>,
    /// Whether the HTTP listener speaks TLS.
    pub tls_http: bool,
}

impl Bound {
    /// The `wangan.serve.listening/1` line.
    pub fn document(&self) -> ListeningDoc {
        let s = |a: Option<std::net::SocketAddr>| a.map(|a| a.to_string());
        ListeningDoc {
            http: s(self.http),
            schema: LISTENING_SCHEMA,
            syslog_tcp: s(self.syslog_tcp),
            syslog_tls: s(self.syslog_tls),
            syslog_udp: s(self.syslog_udp),
            tls_http: self.tls_http,
        }
    }
}

/// How the server stopped (schema `wangan.serve.stopped/1`): with a final signed
/// checkpoint of `size` records, or without one and the `error` that prevented it.
#[derive(Debug, Serialize)]
pub struct StoppedDoc {
    /// Whether the final checkpoint was signed.
    pub checkpoint_signed: bool,
    /// Why no final checkpoint was signed (only then).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Always [`STOPPED_SCHEMA`].
    pub schema: &'static str,
    /// The size of the final checkpoint (only when signed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
}

impl StoppedDoc {
    /// Stopped with a final checkpoint of `size` records.
    pub fn signed(size: u64) -> StoppedDoc {
        StoppedDoc {
            checkpoint_signed: true,
            error: None,
            schema: STOPPED_SCHEMA,
            size: Some(size),
        }
    }

    /// Stopped without a final checkpoint, because of `error`.
    pub fn unsigned(error: String) -> StoppedDoc {
        StoppedDoc {
            checkpoint_signed: false,
            error: Some(error),
            schema: STOPPED_SCHEMA,
            size: None,
        }
    }
}

/// The answer of the HTTP intake (`POST /api/v1/logs`) once the records are durable: how many
/// were accepted and their numbers in the store (`first_seq` … `last_seq`, absent when none).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Accepted {
    /// Records accepted.
    pub accepted: u64,
    /// The first record's number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_seq: Option<u64>,
    /// The last record's number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_seq: Option<u64>,
}

impl Accepted {
    /// Nothing to accept (an empty body).
    pub fn none() -> Accepted {
        Accepted {
            accepted: 0,
            first_seq: None,
            last_seq: None,
        }
    }

    /// `n` records (at least one), numbered from `first`.
    pub fn records(first: u64, n: u64) -> Accepted {
        Accepted {
            accepted: n,
            first_seq: Some(first),
            last_seq: Some(first + n.saturating_sub(1)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_intake_answer_keeps_its_bytes() {
        let none = serde_json::to_string(&Accepted::none()).unwrap();
        assert_eq!(none, r#"{"accepted":0}"#);
        let three = serde_json::to_string(&Accepted::records(5, 3)).unwrap();
        assert_eq!(three, r#"{"accepted":3,"first_seq":5,"last_seq":7}"#);
    }
}
