//! `wangan token … --json`, `wangan user … --json` and the lines of
//! `wangan serve --json`: the documents of the `server` crate.

use server::auth::{self, NewToken, Role, TokenEntry};
use server::console::users::{self, User, UserRole};

use server::contract::{self, StoppedDoc};
use server::{Bound, FirstAdmin, FirstRun};

use crate::Example;

/// One example of each `wangan.token.*` and `wangan.user.*` document.
pub fn examples() -> Vec<Example> {
    let token = NewToken {
        id: "1a2b3c4d".to_owned(),
        role: Role::Ingest,
        token: "wgn_1a2b3c4d_EXAMPLEONLYnotarealsecret".to_owned(),
    };
    let tokens = vec![TokenEntry {
        id: "1a2b3c4d".to_owned(),
        role: Role::Ingest,
        sha256: "0".repeat(64),
        created: "2026-03-01T04:00:00Z".to_owned(),
    }];
    let list = vec![User {
        name: "alice".to_owned(),
        role: UserRole::Admin,
        hash: "$argon2id$v=19$m=19456,t=2,p=1$EXAMPLE$EXAMPLE".to_owned(),
        created: "2026-03-01T04:00:00Z".to_owned(),
        password_set: "2026-03-01T04:00:00Z".to_owned(),
        disabled: false,
    }];
    let first_run = FirstRun {
        vault_created: true,
        origin: "wangan.vault/0123456789abcdef".to_owned(),
        ed25519_verifier_key: "wangan.vault/0123456789abcdef+1a2b3c4d+AWEXAMPLEONLY".to_owned(),
        sm2_key_id: "5e6f7a8b".to_owned(),
        sm2_public_key: Some(format!("04{}", "ab".repeat(64))),
        token: NewToken {
            id: "1a2b3c4d".to_owned(),
            role: Role::Ingest,
            token: "wgn_1a2b3c4d_EXAMPLEONLYnotarealsecret".to_owned(),
        },
    };
    let admin = FirstAdmin {
        name: "admin".to_owned(),
        password: "example-only-password".to_owned(),
    };
    let bound = Bound {
        syslog_udp: Some("127.0.0.1:5514".parse().unwrap()),
        syslog_tcp: Some("127.0.0.1:5514".parse().unwrap()),
        syslog_tls: None,
        http: Some("127.0.0.1:8514".parse().unwrap()),
        tls_http: false,
    };
    vec![
        Example::of(
            contract::FIRST_RUN_SCHEMA,
            &first_run.document(std::path::Path::new("/var/lib/wangan")),
        ),
        Example::of(
            contract::FIRST_ADMIN_SCHEMA,
            &admin.document(Some("http://127.0.0.1:8514/console/")),
        ),
        Example::of(contract::LISTENING_SCHEMA, &bound.document()),
        Example::of(contract::STOPPED_SCHEMA, &StoppedDoc::signed(1200)),
        Example::of(
            "wangan.serve.stopped/1#unsigned",
            &StoppedDoc::unsigned(
                "writing the checkpoint failed: no space left on device".to_owned(),
            ),
        ),
        Example::of(auth::CREATE_SCHEMA, &token.document()),
        Example::of(auth::LIST_SCHEMA, &auth::ListDoc::new(&tokens)),
        Example::of(auth::REVOKE_SCHEMA, &auth::RevokedDoc::new("1a2b3c4d")),
        Example::of(
            users::PASSWORD_SCHEMA,
            &users::PasswordDoc::new("alice", "example-only-password"),
        ),
        Example::of(
            users::ADD_SCHEMA,
            &users::AddedDoc::new("alice", UserRole::Operator),
        ),
        Example::of(users::LIST_SCHEMA, &users::ListDoc::new(&list)),
    ]
}
