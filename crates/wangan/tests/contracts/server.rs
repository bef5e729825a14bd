//! `wangan token … --json` and `wangan user … --json`: the documents of the
//! `server` crate (tokens and console users).

use server::auth::{self, NewToken, Role, TokenEntry};
use server::console::users::{self, User, UserRole};

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
    vec![
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
