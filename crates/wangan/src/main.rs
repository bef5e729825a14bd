//! `wangan`: the duties of chapter 3 of the PRC Cybersecurity Law (网络安全法),
//! made real and provable. This binary is thin glue: argument parsing, output
//! modes and exit codes; the work is done by the engine crates.

mod assess_cmd;
mod law_cmd;
mod out;
mod profile_cmd;
mod registers_cmd;
mod scan_cmd;
mod serve_cmd;
mod token_cmd;
mod user_cmd;
mod vault_cmd;
mod yearly_cmd;

use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::out::{CliError, ColorChoice, Exit, Lang, Out};

const EXAMPLES: &str = "\
Examples:
  wangan law show 23(3)                 the six-month log duty, in force today
  wangan law show 'CSL-2016 21(3)' --json
  wangan law list --version 2016 --bearer cii-operator
  wangan vault init && wangan vault ingest --source fw1 firewall.log
  wangan vault verify
  wangan profile init > profile.toml && wangan assess --format html -o report.html

Exit codes: 0 ok; 1 findings or not compliant; 2 severe findings;
64 usage error; 65 bad input data; 66 input not found; 70 internal error;
74 I/O error; 78 configuration error.";

/// wangan (网安): chapter 3 of the PRC Cybersecurity Law as a tool: the law as
/// data, a tamper-evident log vault, and the evidence operators need.
#[derive(Debug, Parser)]
#[command(name = "wangan", version, after_help = EXAMPLES)]
struct Cli {
    #[command(flatten)]
    global: GlobalArgs,
    #[command(subcommand)]
    command: Command,
}

/// Options every command understands.
#[derive(Debug, Args)]
struct GlobalArgs {
    /// Print machine-readable JSON (documented, versioned shape) instead of text.
    #[arg(long, global = true)]
    json: bool,
    /// When to use colour: auto honours NO_COLOR and whether stdout is a terminal.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    color: ColorChoice,
    /// Output language; default from LANG (Chinese when it starts with `zh`).
    #[arg(long, global = true, value_enum, value_name = "LANG")]
    lang: Option<Lang>,
    /// Log diagnostics to stderr at this level (error, warn, info, debug, trace).
    #[arg(long, global = true, value_name = "LEVEL", default_value = "warn")]
    log_level: String,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Chapter 3 of the Cybersecurity Law: texts, numbering, duties (网络安全法第三章).
    Law(law_cmd::LawArgs),
    /// The log vault: keep six months of logs and prove nothing was changed (日志留存).
    Vault(vault_cmd::VaultArgs),
    /// Find and grade personal information, important-data candidates and secrets (个人信息与重要数据识别).
    Scan(scan_cmd::ScanArgs),
    /// Receive logs: syslog UDP/TCP/TLS, HTTP and the Elasticsearch bulk API (接收日志).
    Serve(serve_cmd::ServeArgs),
    /// Access tokens for the HTTP intake, /metrics and the console API (访问令牌).
    Token(token_cmd::TokenArgs),
    /// Console users: add, list, passwd, role, disable, enable, remove (控制台用户).
    User(user_cmd::UserArgs),
    /// The registers: incidents, plans, drills, training, … (登记簿).
    #[command(flatten)]
    Registers(registers_cmd::RegisterCommands),
    /// The operator's profile: who the operator is and where its evidence lives (运营者画像).
    Profile(profile_cmd::ProfileArgs),
    /// Decide every duty of chapter 3 for this operator, with evidence; reports (合规评估).
    Assess(assess_cmd::AssessArgs),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() {
                Exit::Usage
            } else {
                Exit::Ok
            };
            let _ = e.print();
            return code.into();
        }
    };
    let out = Out {
        lang: cli.global.lang.unwrap_or_else(Lang::from_env),
        color: cli.global.color.enabled(),
        json: cli.global.json,
        lang_given: cli.global.lang.is_some(),
    };
    init_tracing(&cli.global.log_level);
    match run(cli.command, out) {
        Ok(code) => code.into(),
        Err(err) => report(&err, out),
    }
}

fn run(command: Command, out: Out) -> anyhow::Result<Exit> {
    match command {
        Command::Law(args) => law_cmd::run(args, out),
        Command::Vault(args) => vault_cmd::run(args, out),
        Command::Scan(args) => scan_cmd::run(args, out),
        Command::Serve(args) => serve_cmd::run(args, out),
        Command::Token(args) => token_cmd::run(args, out),
        Command::User(args) => user_cmd::run(args, out),
        Command::Registers(args) => registers_cmd::run(args, out),
        Command::Profile(args) => profile_cmd::run(args, out),
        Command::Assess(args) => assess_cmd::run(args, out),
    }
}

fn init_tracing(level: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("WANGAN_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// Map an error to its exit code and print it. A broken pipe (e.g. `| head`)
/// is not an error.
fn report(err: &anyhow::Error, out: Out) -> ExitCode {
    for cause in err.chain() {
        if let Some(io) = cause.downcast_ref::<std::io::Error>()
            && io.kind() == std::io::ErrorKind::BrokenPipe
        {
            return Exit::Ok.into();
        }
    }
    let code = err
        .chain()
        .find_map(|c| c.downcast_ref::<CliError>().map(|e| e.code))
        .or_else(|| {
            err.chain()
                .any(|c| c.downcast_ref::<std::io::Error>().is_some())
                .then_some(Exit::IoErr)
        })
        .unwrap_or(Exit::Software);
    let prefix = out.t("错误", "error");
    let text = format!("{err:#}");
    eprintln!("{prefix}: {}", out::escape(&text, true));
    code.into()
}
