//! `wangan token …`: access tokens for the HTTP intake and `/metrics` (create, list, revoke).

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};
use server::auth::{self, Role};

use crate::out::{Exit, Out, Style, fail};

/// Arguments of `wangan token`.
#[derive(Debug, Args)]
pub struct TokenArgs {
    #[command(subcommand)]
    command: TokenCommand,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum RoleArg {
    /// Send logs over HTTP and the Elasticsearch-compatible API.
    Ingest,
    /// Read /metrics.
    Metrics,
    /// Console API, read-only: status, coverage, search, proofs, verification.
    Auditor,
    /// Console API: an auditor's rights plus evidence exports.
    Operator,
    /// Everything.
    Admin,
}

impl From<RoleArg> for Role {
    fn from(r: RoleArg) -> Role {
        match r {
            RoleArg::Ingest => Role::Ingest,
            RoleArg::Metrics => Role::Metrics,
            RoleArg::Auditor => Role::Auditor,
            RoleArg::Operator => Role::Operator,
            RoleArg::Admin => Role::Admin,
        }
    }
}

#[derive(Debug, Args)]
struct DataDir {
    /// Data directory [default: $WANGAN_DATA_DIR, else ./wangan-data].
    #[arg(
        long,
        value_name = "DIR",
        env = "WANGAN_DATA_DIR",
        default_value = "./wangan-data"
    )]
    data_dir: PathBuf,
}

#[derive(Debug, Subcommand)]
enum TokenCommand {
    /// Create a token and print it once; only its SHA-256 is stored (创建令牌).
    Create {
        #[command(flatten)]
        dir: DataDir,
        /// What the token may do (least privilege: ingest for shippers, metrics for monitoring).
        #[arg(long, value_enum)]
        role: RoleArg,
    },
    /// List tokens: id, role, creation time; never the secret (列出令牌).
    List {
        #[command(flatten)]
        dir: DataDir,
    },
    /// Revoke a token by id; a running server stops accepting it within a second (吊销令牌).
    Revoke {
        #[command(flatten)]
        dir: DataDir,
        /// Token id (8 hex digits, from `wangan token list`).
        id: String,
    },
}

fn lib_err(e: server::Error, out: Out) -> anyhow::Error {
    let code = match e.kind() {
        server::ErrorKind::Config => Exit::Config,
        _ => Exit::IoErr,
    };
    fail(
        code,
        format!("{}: {e}", out.t("令牌文件读写失败", "token file")),
    )
}

/// Run a `wangan token` command.
pub fn run(args: TokenArgs, out: Out) -> anyhow::Result<Exit> {
    match args.command {
        TokenCommand::Create { dir, role } => {
            let t = auth::create_token(&dir.data_dir, role.into()).map_err(|e| lib_err(e, out))?;
            if out.json {
                out.print_json(&t.document())?;
            } else {
                println!("{}", t.token);
                eprintln!(
                    "{} ({} {}, {} {}). {}",
                    out.paint(Style::Green, out.t("已创建令牌", "token created")),
                    out.t("编号", "id"),
                    t.id,
                    out.t("角色", "role"),
                    t.role.name(),
                    out.t(
                        "令牌只显示这一次，只保存其 SHA-256；请妥善保管。",
                        "it is shown only this once and only its SHA-256 is stored; keep it safe."
                    )
                );
            }
            Ok(Exit::Ok)
        }
        TokenCommand::List { dir } => {
            let list = auth::list_tokens(&dir.data_dir).map_err(|e| lib_err(e, out))?;
            if out.json {
                out.print_json(&auth::ListDoc::new(&list))?;
            } else if list.is_empty() {
                println!("{}", out.t("没有令牌", "no tokens"));
            } else {
                for t in &list {
                    println!("{}  {:<8} {}", t.id, t.role.name(), t.created);
                }
            }
            Ok(Exit::Ok)
        }
        TokenCommand::Revoke { dir, id } => {
            let found = auth::revoke_token(&dir.data_dir, &id).map_err(|e| lib_err(e, out))?;
            if !found {
                return Err(fail(
                    Exit::NoInput,
                    format!(
                        "{}: {}",
                        out.t("没有这个令牌编号", "no token with this id"),
                        crate::out::escape(&id, false)
                    ),
                ));
            }
            if out.json {
                out.print_json(&auth::RevokedDoc::new(&id))?;
            } else {
                println!("{} {id}", out.t("已吊销令牌", "token revoked"));
            }
            Ok(Exit::Ok)
        }
    }
}
