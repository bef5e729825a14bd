//! `wangan user …`: console users (add, list, passwd, role, disable, enable, remove).
//!
//! A password is never taken from the command line (it would show in `ps` and the shell's
//! history): it is read from standard input (one line) when that is not a terminal, else
//! prompted for twice with echo off; `--generate` makes wangan pick one and print it once.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};
use server::console::users::{self, UserRole};

use crate::out::{Exit, Out, Style, fail};

/// Arguments of `wangan user`.
#[derive(Debug, Args)]
pub struct UserArgs {
    #[command(subcommand)]
    command: UserCommand,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum RoleArg {
    /// Read only: dashboard, logs, records and proofs, verification, registers, reports, scans.
    Auditor,
    /// An auditor's rights plus editing registers, running the assessment and exporting evidence.
    Operator,
    /// Everything, including users and tokens.
    Admin,
}

impl From<RoleArg> for UserRole {
    fn from(r: RoleArg) -> UserRole {
        match r {
            RoleArg::Auditor => UserRole::Auditor,
            RoleArg::Operator => UserRole::Operator,
            RoleArg::Admin => UserRole::Admin,
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
enum UserCommand {
    /// Add a console user; the password comes from standard input or a prompt, never argv (添加用户).
    Add {
        #[command(flatten)]
        dir: DataDir,
        /// What the user may do (least privilege).
        #[arg(long, value_enum)]
        role: RoleArg,
        /// Generate a random password and print it once instead of reading one.
        #[arg(long)]
        generate: bool,
        /// Login name (letters of any script, digits, . _ - @).
        name: String,
    },
    /// List users: name, role, status; never a hash (列出用户).
    List {
        #[command(flatten)]
        dir: DataDir,
    },
    /// Set a user's password (standard input, a prompt, or --generate); their sessions end (修改密码).
    Passwd {
        #[command(flatten)]
        dir: DataDir,
        /// Generate a random password and print it once.
        #[arg(long)]
        generate: bool,
        /// Login name.
        name: String,
    },
    /// Change a user's role (修改角色).
    Role {
        #[command(flatten)]
        dir: DataDir,
        /// Login name.
        name: String,
        /// The new role.
        #[arg(value_enum)]
        role: RoleArg,
    },
    /// Disable a user: no login, sessions end (停用用户).
    Disable {
        #[command(flatten)]
        dir: DataDir,
        /// Login name.
        name: String,
    },
    /// Enable a disabled user (启用用户).
    Enable {
        #[command(flatten)]
        dir: DataDir,
        /// Login name.
        name: String,
    },
    /// Remove a user (删除用户).
    Remove {
        #[command(flatten)]
        dir: DataDir,
        /// Login name.
        name: String,
    },
}

fn lib_err(e: server::Error, out: Out) -> anyhow::Error {
    let code = match e.kind() {
        server::ErrorKind::Config => Exit::Config,
        server::ErrorKind::Invalid => Exit::Usage,
        server::ErrorKind::NotFound => Exit::NoInput,
        _ => Exit::IoErr,
    };
    fail(code, format!("{}: {e}", out.t("用户操作失败", "user")))
}

/// Read a password with the terminal's echo off (restored afterwards, also on error).
fn prompt_hidden(prompt: &str) -> std::io::Result<String> {
    use rustix::termios::{LocalModes, OptionalActions, tcgetattr, tcsetattr};
    let stdin = std::io::stdin();
    let old = tcgetattr(&stdin).map_err(std::io::Error::from)?;
    let mut quiet = old.clone();
    quiet.local_modes.remove(LocalModes::ECHO);
    quiet.local_modes.insert(LocalModes::ECHONL);
    eprint!("{prompt}");
    let _ = std::io::stderr().flush();
    tcsetattr(&stdin, OptionalActions::Now, &quiet).map_err(std::io::Error::from)?;
    let mut line = String::new();
    let r = stdin.lock().read_line(&mut line);
    let _ = tcsetattr(&stdin, OptionalActions::Now, &old);
    r?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

/// The new password: generated, prompted for twice, or one line of standard input.
fn read_password(generate: bool, out: Out) -> anyhow::Result<(String, bool)> {
    if generate {
        return Ok((
            users::generate_password().map_err(|e| lib_err(e, out))?,
            true,
        ));
    }
    if std::io::stdin().is_terminal() {
        let a = prompt_hidden(out.t(
            "新密码（至少 12 个字符）：",
            "new password (12 characters or more): ",
        ))?;
        let b = prompt_hidden(out.t("再输入一次：", "again: "))?;
        if a != b {
            return Err(fail(
                Exit::Usage,
                out.t("两次输入的密码不一致", "the two passwords differ"),
            ));
        }
        return Ok((a, false));
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    let pw = line.trim_end_matches(['\r', '\n']).to_owned();
    if pw.is_empty() {
        return Err(fail(
            Exit::Usage,
            out.t(
                "标准输入没有密码（请输入一行，或使用 --generate）",
                "no password on standard input (give one line, or use --generate)",
            ),
        ));
    }
    Ok((pw, false))
}

fn show_generated(name: &str, pw: &str, out: Out) -> anyhow::Result<()> {
    if out.json {
        out.print_json(&users::PasswordDoc::new(name, pw))?;
    } else {
        println!("{pw}");
        eprintln!(
            "{}",
            out.paint(
                Style::Yellow,
                out.t(
                    "密码只显示这一次，只保存其 argon2id 哈希。",
                    "the password is shown only this once; only its argon2id hash is stored."
                )
            )
        );
    }
    Ok(())
}

/// Run a `wangan user` command.
pub fn run(args: UserArgs, out: Out) -> anyhow::Result<Exit> {
    let done = |what: &str| {
        if !out.json {
            eprintln!("{}", out.paint(Style::Green, what));
        }
    };
    match args.command {
        UserCommand::Add {
            dir,
            role,
            generate,
            name,
        } => {
            users::check_name(&name).map_err(|e| lib_err(e, out))?;
            let (pw, generated) = read_password(generate, out)?;
            users::add_user(&dir.data_dir, &name, role.into(), &pw).map_err(|e| lib_err(e, out))?;
            if generated {
                show_generated(&name, &pw, out)?;
            } else if out.json {
                out.print_json(&users::AddedDoc::new(&name, UserRole::from(role)))?;
            }
            done(out.t("已添加用户", "user added"));
        }
        UserCommand::List { dir } => {
            let list = users::list_users(&dir.data_dir).map_err(|e| lib_err(e, out))?;
            if out.json {
                out.print_json(&users::ListDoc::new(&list))?;
            } else if list.is_empty() {
                println!("{}", out.t("没有用户", "no users"));
            } else {
                for u in &list {
                    let status = if u.disabled {
                        out.t("已停用", "disabled")
                    } else {
                        ""
                    };
                    println!(
                        "{}  {:<8} {} {status}",
                        crate::out::escape(&u.name, false),
                        u.role.name(),
                        u.created
                    );
                }
            }
        }
        UserCommand::Passwd {
            dir,
            generate,
            name,
        } => {
            if !users::list_users(&dir.data_dir)
                .map_err(|e| lib_err(e, out))?
                .iter()
                .any(|u| u.name == name)
            {
                return Err(fail(
                    Exit::NoInput,
                    format!("{}: {name:?}", out.t("没有这个用户", "no such user")),
                ));
            }
            let (pw, generated) = read_password(generate, out)?;
            users::set_password(&dir.data_dir, &name, &pw).map_err(|e| lib_err(e, out))?;
            if generated {
                show_generated(&name, &pw, out)?;
            }
            done(out.t("已修改密码", "password changed"));
        }
        UserCommand::Role { dir, name, role } => {
            users::set_role(&dir.data_dir, &name, role.into()).map_err(|e| lib_err(e, out))?;
            done(out.t("已修改角色", "role changed"));
        }
        UserCommand::Disable { dir, name } => {
            users::set_disabled(&dir.data_dir, &name, true).map_err(|e| lib_err(e, out))?;
            done(out.t("已停用用户", "user disabled"));
        }
        UserCommand::Enable { dir, name } => {
            users::set_disabled(&dir.data_dir, &name, false).map_err(|e| lib_err(e, out))?;
            done(out.t("已启用用户", "user enabled"));
        }
        UserCommand::Remove { dir, name } => {
            users::remove_user(&dir.data_dir, &name).map_err(|e| lib_err(e, out))?;
            done(out.t("已删除用户", "user removed"));
        }
    }
    Ok(Exit::Ok)
}
