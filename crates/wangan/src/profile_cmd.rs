//! `wangan profile …`: the operator's profile (运营者画像): print a starting
//! profile, check one. The format and its checks live in `duties::profile`.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand, ValueEnum};
use duties::{OperatorKind, Profile};

use crate::out::{Exit, Out, Style, escape, fail};

/// Arguments of `wangan profile`.
#[derive(Debug, Args)]
pub struct ProfileArgs {
    #[command(subcommand)]
    command: ProfileCommand,
}

#[derive(Debug, Subcommand)]
enum ProfileCommand {
    /// Print a commented starting profile (version 1) to standard output.
    #[command(
        after_help = "Examples:\n  wangan profile init > profile.toml\n  wangan profile init --kind cii-operator --provider > profile.toml"
    )]
    Init {
        /// What kind of operator.
        #[arg(long, value_enum, default_value_t = KindArg::Operator)]
        kind: KindArg,
        /// The operator also provides network products or services.
        #[arg(long)]
        provider: bool,
    },
    /// Check a profile: exit 0 when valid, 78 with file:line:column when not.
    #[command(
        after_help = "Examples:\n  wangan profile check profile.toml\n  wangan profile check profile.toml --json"
    )]
    Check {
        /// The profile file.
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
}

/// `--kind` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum KindArg {
    /// An ordinary network operator (网络运营者).
    Operator,
    /// A critical information infrastructure operator (关键信息基础设施运营者).
    CiiOperator,
    /// A central or state organ (中央和国家机关).
    CentralOrgan,
}

impl From<KindArg> for OperatorKind {
    fn from(k: KindArg) -> Self {
        match k {
            KindArg::Operator => OperatorKind::Operator,
            KindArg::CiiOperator => OperatorKind::CiiOperator,
            KindArg::CentralOrgan => OperatorKind::CentralOrgan,
        }
    }
}

/// Run a `wangan profile` command.
pub fn run(args: ProfileArgs, out: Out) -> anyhow::Result<Exit> {
    match args.command {
        ProfileCommand::Init { kind, provider } => {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(duties::profile::template(kind.into(), provider).as_bytes())?;
            stdout.flush()?;
            Ok(Exit::Ok)
        }
        ProfileCommand::Check { file } => {
            let p = load(&file, out)?;
            if out.json {
                out.print_json(&p.check_doc(&file))?;
            } else {
                println!(
                    "{} {}: {} ({}), {} {}, {} {}, {} {}, {} {}",
                    out.paint(Style::Green, out.t("有效", "valid")),
                    escape(&file.display().to_string(), false),
                    escape(&p.operator.name, false),
                    crate::out::pick(out, p.operator.kind.label()),
                    p.log_sources.len(),
                    out.t("个日志来源", "log sources"),
                    p.data_stores.len(),
                    out.t("个数据存储", "data stores"),
                    p.documents.len(),
                    out.t("份文件", "documents"),
                    p.waivers.len(),
                    out.t("项豁免", "waivers"),
                );
            }
            Ok(Exit::Ok)
        }
    }
}

/// Read and check a profile: a missing file exits 66, an invalid one 78
/// with `file:line:column: message`.
pub fn load(file: &Path, out: Out) -> anyhow::Result<Profile> {
    let text = std::fs::read_to_string(file).map_err(|e| {
        let code = if e.kind() == std::io::ErrorKind::NotFound {
            Exit::NoInput
        } else {
            Exit::IoErr
        };
        fail(
            code,
            format!(
                "{} {}: {e}",
                out.t("无法读取运营者画像", "cannot read the profile"),
                escape(&file.display().to_string(), false)
            ),
        )
    })?;
    duties::profile::parse(&text, file).map_err(|e| {
        // the library names no command: the hint where duty ids are listed is ours
        let hint = if e.unknown_duty.is_some() {
            out.t(
                "（义务编号见 `wangan law list`）",
                " (see `wangan law list` for the duty ids)",
            )
        } else {
            ""
        };
        fail(
            Exit::Config,
            format!(
                "{}{}{hint}",
                out.t("运营者画像无效：", "invalid profile: "),
                escape(&e.to_string(), false)
            ),
        )
    })
}
