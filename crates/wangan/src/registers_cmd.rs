//! The registers on the command line: `wangan incident open|list|show|update|close|report|grade`,
//! `wangan mlps grade|add|list|show|update`, `wangan <register> add|list|show|update` for the
//! other registers, and `wangan registers status|clocks|anchor|verify`.
//!
//! The flags of `add` and `update` are built from the registers' field tables
//! (`registers::schema`), so every field has a flag named after it and the
//! library's validation is the only one. Values a flag cannot be read as
//! (a time without offset, an unknown grade) are usage errors (exit 64);
//! records that break a rule (handling ended before discovery) are bad data
//! (exit 65).
//!
//! Every change is anchored into the vault in the same data directory when
//! the vault is free. While `wangan serve` holds the vault's writer lock the
//! change is recorded and hash-chained, and its anchor waits for the next
//! command that finds the vault free (or `wangan registers anchor`).
//!
//! The text output is rendered by `render::registers`; this module parses the
//! flags, reads and writes the store, anchors, and picks the exit code.

use std::io::{IsTerminal, Read as _, Write as _};
use std::path::{Path, PathBuf};

use clap::{Arg, ArgAction, ArgMatches, Command, FromArgMatches, Subcommand};
use registers::report::{self, ReportKind};
use registers::schema::{self, DataExt, FieldType};
use registers::view;
use registers::{
    AnchorSink, Input, ListQuery, Location, OperatorKind, Record, Register, Registers, Settings,
    VaultAnchor, WriteCtx,
};
use serde_json::Value;
use time::OffsetDateTime;

use crate::out::{Exit, Lang, Out, Style, escape, fail, usage};

/// The register commands, built at run time from the field tables.
#[derive(Debug, Clone)]
pub struct RegisterCommands {
    name: String,
    matches: ArgMatches,
}

const GROUP: &str = "registers";

fn is_ours(name: &str) -> bool {
    name == GROUP || Register::from_key(name).is_some()
}

impl FromArgMatches for RegisterCommands {
    fn from_arg_matches(m: &ArgMatches) -> Result<Self, clap::Error> {
        match m.subcommand() {
            Some((name, sub)) if is_ours(name) => Ok(RegisterCommands {
                name: name.to_owned(),
                matches: sub.clone(),
            }),
            _ => Err(clap::Error::new(clap::error::ErrorKind::MissingSubcommand)),
        }
    }

    fn update_from_arg_matches(&mut self, m: &ArgMatches) -> Result<(), clap::Error> {
        *self = RegisterCommands::from_arg_matches(m)?;
        Ok(())
    }
}

impl Subcommand for RegisterCommands {
    fn augment_subcommands(cmd: Command) -> Command {
        let mut cmd = cmd;
        for reg in Register::ALL {
            cmd = cmd.subcommand(register_command(reg));
        }
        cmd.subcommand(group_command())
    }

    fn augment_subcommands_for_update(cmd: Command) -> Command {
        RegisterCommands::augment_subcommands(cmd)
    }

    fn has_subcommand(name: &str) -> bool {
        is_ours(name)
    }
}

// ---- command construction -------------------------------------------------

fn about(reg: Register) -> String {
    let what = match reg {
        Register::Incident => {
            "Incidents: grade, the reporting clock from discovery, report drafts (27)"
        }
        Register::Plan => "Incident response plans: versions and review dates (27, 36(4))",
        Register::Drill => "Drills: date, scenario, participants, findings, follow-ups (36(4))",
        Register::Training => "Training and skills tests (36(2))",
        Register::BackgroundCheck => "Security background checks for key posts (36(1))",
        Register::Organisation => {
            "The security body, its head and the person responsible (23(1), 36(1))"
        }
        Register::Agreement => "Supplier security and confidentiality agreements (38)",
        Register::ProcurementReview => "Procurement national-security reviews (37)",
        Register::Vulnerability => {
            "Product vulnerabilities: the 2-day report to the MIIT platform (24)"
        }
        Register::RealName => "Real-name verification per service (26)",
        Register::Mlps => "MLPS grading, filing and level tests (23)",
        Register::CiiAssessment => "The yearly CII assessment and its submission (40)",
        Register::Equipment => {
            "Critical network equipment and security products in use, against the catalog (25)"
        }
        Register::Project => "CII construction projects: security planned, built, in use (35)",
    };
    format!("{what} ({}).", reg.label().zh)
}

fn type_name(f: &schema::Field) -> String {
    match f.ty {
        FieldType::Text | FieldType::LongText => "TEXT".into(),
        FieldType::Date => "DATE".into(),
        FieldType::DateTime => "TIME".into(),
        FieldType::Count => "N".into(),
        FieldType::Number => "NUMBER".into(),
        FieldType::Bool => "true|false".into(),
        FieldType::Choice(cs) => cs.iter().map(|c| c.key).collect::<Vec<_>>().join("|"),
        FieldType::List => "TEXT".into(),
        FieldType::Harm => "OBJECT:DEGREE".into(),
        FieldType::Ref(r) => format!("{}-N", r.prefix()),
        FieldType::Sha256 => "SHA256".into(),
        FieldType::Year => "YEAR".into(),
    }
}

fn field_help(f: &schema::Field) -> String {
    let mut h = format!("{} ({})", capitalise(f.label.en), f.label.zh);
    match f.ty {
        FieldType::Date => h.push_str("; YYYY-MM-DD"),
        FieldType::DateTime => h.push_str("; RFC 3339 with offset, e.g. 2025-03-14T23:30:00+08:00"),
        FieldType::List => h.push_str("; repeat the flag for several (update replaces the list)"),
        FieldType::Harm => h.push_str(
            "; objects citizens|social|national, degrees general|serious|especially-serious",
        ),
        FieldType::Choice(cs) if cs.iter().any(|c| c.label.zh != c.key) => {
            let zh: Vec<&str> = cs.iter().map(|c| c.label.zh).collect();
            h.push_str(&format!("; also {}", zh.join("|")));
        }
        _ => {}
    }
    if f.personal {
        h.push_str("; personal data: masked in every list and report");
    }
    h
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The flags of a register's fields.
fn field_args(reg: Register, mut cmd: Command, add: bool) -> Command {
    for f in reg.fields().iter().filter(|f| !f.managed) {
        let mut a = Arg::new(f.key)
            .long(f.key.replace('_', "-"))
            .value_name(type_name(f))
            .help(field_help(f))
            .help_heading(if add && f.required {
                "Required fields"
            } else {
                "Fields"
            });
        if f.ty == FieldType::List {
            a = a.action(ArgAction::Append);
        }
        // a value such as -1 or "-- note" reaches the field's own check and its message
        a = a.allow_hyphen_values(true);
        if reg == Register::Incident && f.key == "discovered_at" {
            a = a.visible_alias("discovered");
        }
        if reg == Register::Incident && f.key == "handling_ended_at" {
            a = a.visible_alias("handled-at");
        }
        cmd = cmd.arg(a);
    }
    cmd
}

fn id_arg(reg: Register) -> Arg {
    Arg::new("id")
        .required(true)
        .value_name(format!("{}-N", reg.prefix()))
        .help(format!(
            "The {}'s id, e.g. {}-1",
            reg.noun().en,
            reg.prefix()
        ))
}

fn common_args(cmd: Command) -> Command {
    cmd.arg(
        Arg::new("data_dir")
            .long("data-dir")
            .value_name("DIR")
            .env("WANGAN_DATA_DIR")
            .default_value("./wangan-data")
            .global(true)
            .help("Data directory: the vault, and registers.sqlite unless --registers says otherwise"),
    )
    .arg(
        Arg::new("registers")
            .long("registers")
            .value_name("URL")
            .env("WANGAN_REGISTERS")
            .global(true)
            .help("Where the registers live: postgres://user@host/db[?schema=NAME] or a SQLite file [default: DIR/registers.sqlite]"),
    )
    .arg(
        Arg::new("settings")
            .long("settings")
            .value_name("FILE")
            .env("WANGAN_REGISTERS_SETTINGS")
            .global(true)
            .help("Settings (intervals, day counting, grading thresholds) [default: DIR/registers.toml when present]"),
    )
    .arg(
        Arg::new("profile")
            .long("profile")
            .short('p')
            .value_name("FILE")
            .env("WANGAN_PROFILE")
            .global(true)
            .help("The operator's profile: its kind, intervals, data directory and registers [default: ./profile.toml when present]"),
    )
    .arg(
        Arg::new("operator_kind")
            .long("operator-kind")
            .value_name("KIND")
            .env("WANGAN_OPERATOR_KIND")
            .global(true)
            .help("ordinary | cii | central-state: decides the incident reporting clock and the CII duties [default: the profile's operator.kind, else the settings' operator_kind, else ordinary]"),
    )
    .arg(
        Arg::new("actor")
            .long("actor")
            .value_name("NAME")
            .env("WANGAN_ACTOR")
            .global(true)
            .help("Who makes the change (recorded in the history) [default: $USER]"),
    )
    .arg(
        Arg::new("at")
            .long("at")
            .value_name("TIME")
            .global(true)
            .help("Read the clocks at this time (RFC 3339) instead of now"),
    )
}

fn list_command() -> Command {
    Command::new("list")
        .about("List records, newest first, personal data masked")
        .arg(
            Arg::new("open")
                .long("open")
                .action(ArgAction::SetTrue)
                .help("Only records that still ask for something (a report, a review, a fix)"),
        )
        .arg(
            Arg::new("limit")
                .long("limit")
                .value_name("N")
                .default_value("50")
                .value_parser(clap::value_parser!(u64).range(1..=100_000))
                .help("At most this many"),
        )
        .arg(
            Arg::new("offset")
                .long("offset")
                .value_name("N")
                .default_value("0")
                .value_parser(clap::value_parser!(u64))
                .help("Skip this many"),
        )
}

fn show_command(reg: Register) -> Command {
    Command::new("show")
        .about("One record: its fields, clocks, findings and history (who, when, what changed)")
        .arg(id_arg(reg))
        .arg(
            Arg::new("reveal")
                .long("reveal")
                .action(ArgAction::SetTrue)
                .help("Show personal data unmasked (names of people checked or trained)"),
        )
}

fn update_command(reg: Register) -> Command {
    field_args(
        reg,
        Command::new("update")
            .about("Change fields: appends a new revision, nothing is overwritten")
            .arg(id_arg(reg))
            .arg(
                Arg::new("clear")
                    .long("clear")
                    .value_name("FIELD")
                    .action(ArgAction::Append)
                    .help("Remove a field (repeatable)"),
            )
            .arg(
                Arg::new("expect_revision")
                    .long("expect-revision")
                    .value_name("N")
                    .value_parser(clap::value_parser!(u64))
                    .help("Refuse if the record is no longer at this revision"),
            )
            .arg(from_arg()),
        false,
    )
}

fn from_arg() -> Arg {
    Arg::new("from")
        .long("from")
        .value_name("FILE")
        .help("Read fields from a JSON object (keys as in --json output; - for standard input)")
}

fn register_command(reg: Register) -> Command {
    let add_name = if reg == Register::Incident {
        "open"
    } else {
        "add"
    };
    let mut add = field_args(
        reg,
        Command::new(add_name)
            .about(if reg == Register::Incident {
                "Record an incident; prints its reporting deadlines"
            } else {
                "Add a record"
            })
            .arg(from_arg()),
        true,
    );
    if reg == Register::Incident {
        add = add.visible_alias("add");
    }
    let mut c = Command::new(reg.key())
        .about(about(reg))
        .subcommand_required(true)
        .arg_required_else_help(true)
        .subcommand(add)
        .subcommand(list_command())
        .subcommand(show_command(reg))
        .subcommand(update_command(reg));
    if reg == Register::Incident {
        c = c
            .subcommand(
                field_args(
                    reg,
                    Command::new("close")
                        .about("Handling has ended: starts the 30-day summary-report clock")
                        .arg(id_arg(reg)),
                    false,
                )
                .mut_arg("handling_ended_at", |a| a.required(true)),
            )
            .subcommand(
                Command::new("report")
                    .about("Draft the report to the authorities, in Chinese (md, html or docx)")
                    .arg(id_arg(reg))
                    .arg(
                        Arg::new("kind")
                            .long("kind")
                            .value_parser(["initial", "summary"])
                            .default_value("initial")
                            .help("The initial report (初报) or the summary report (总结报告)"),
                    )
                    .arg(
                        Arg::new("format")
                            .long("format")
                            .value_parser(["md", "html", "docx"])
                            .default_value("md")
                            .help("Markdown, one HTML page, or DOCX (what the authorities receive)"),
                    )
                    .arg(
                        Arg::new("output")
                            .long("output")
                            .short('o')
                            .value_name("FILE")
                            .help("Write here instead of standard output (needed for DOCX on a terminal)"),
                    ),
            )
            .subcommand(
                Command::new("grade")
                    .about("Suggest a grade from measured values (personal-information thresholds built in)")
                    .arg(
                        Arg::new("pi_people")
                            .long("pi-people")
                            .value_name("N")
                            .help("People whose personal information leaked"),
                    )
                    .arg(
                        Arg::new("criterion")
                            .long("criterion")
                            .value_name("KEY=VALUE")
                            .action(ArgAction::Append)
                            .help("A criterion from the settings' incident_criteria (repeatable)"),
                    ),
            );
    }
    if reg == Register::Mlps {
        c = c.subcommand(
            Command::new("grade")
                .about("Grade a system: the level from what a breach would harm (GB/T 22240-2020)")
                .arg(
                    Arg::new("business")
                        .long("business")
                        .required(true)
                        .value_name("OBJECT:DEGREE")
                        .help("Business information security: objects citizens|social|national, degrees general|serious|especially-serious"),
                )
                .arg(
                    Arg::new("service")
                        .long("service")
                        .required(true)
                        .value_name("OBJECT:DEGREE")
                        .help("System service security: as --business"),
                ),
        );
    }
    common_args(c)
}

fn group_command() -> Command {
    common_args(
        Command::new(GROUP)
            .about("All registers: where they are, every open clock, anchoring, verification (登记簿).")
            .subcommand_required(true)
            .arg_required_else_help(true)
            .subcommand(Command::new("status").about("The store, records per register, anchoring"))
            .subcommand(
                Command::new("clocks")
                    .about("Every open deadline and finding of every register, most urgent first; exit 1 when something is overdue"),
            )
            .subcommand(
                Command::new("anchor")
                    .about("Anchor the changes not yet in the vault (needs the vault's writer lock)"),
            )
            .subcommand(
                Command::new("verify")
                    .about("Check every change against its hash, the chain and its anchor in the vault; exit 1 on problems"),
            ),
    )
}

// ---- context --------------------------------------------------------------

struct Ctx {
    out: Out,
    data_dir: PathBuf,
    location: Location,
    settings: Settings,
    kind: OperatorKind,
    kind_given: bool,
    actor: Option<String>,
    now: OffsetDateTime,
}

impl Ctx {
    fn zh(&self) -> bool {
        self.out.lang == Lang::Zh
    }

    fn t<'a>(&self, zh: &'a str, en: &'a str) -> &'a str {
        self.out.t(zh, en)
    }

    /// What the clocks are computed against, for the renderers.
    fn basis(&self) -> render::registers::Basis<'_> {
        render::registers::Basis {
            kind: self.kind,
            settings: &self.settings,
            now: self.now,
        }
    }

    fn write_ctx(&self) -> anyhow::Result<WriteCtx<'_>> {
        let actor = self.actor.as_deref().ok_or_else(|| {
            usage(self.t(
                "不知道是谁在修改登记簿：用 --actor 或环境变量 WANGAN_ACTOR 写明",
                "who is making this change? give --actor NAME or set WANGAN_ACTOR",
            ))
        })?;
        Ok(WriteCtx {
            actor,
            now: OffsetDateTime::now_utc(),
            settings: &self.settings,
            expected_revision: None,
        })
    }

    fn open(&self) -> anyhow::Result<Registers> {
        Registers::open(&self.location).map_err(|e| lib_err(e, self.out))
    }
}

fn ctx_of(m: &ArgMatches, out: Out) -> anyhow::Result<Ctx> {
    let get = |k: &str| m.get_one::<String>(k).cloned();
    let profile = match get("profile").map(PathBuf::from).or_else(|| {
        let p = PathBuf::from("profile.toml");
        p.exists().then_some(p)
    }) {
        Some(p) => Some(crate::profile_cmd::load(&p, out)?),
        None => None,
    };
    let dir_given = m.value_source("data_dir") != Some(clap::parser::ValueSource::DefaultValue);
    let data_dir = match &profile {
        Some(p) if !dir_given => p.resolve(&p.settings.vault),
        _ => PathBuf::from(get("data_dir").unwrap_or_else(|| "./wangan-data".into())),
    };
    let location = match (get("registers"), &profile) {
        (Some(s), _) => Location::parse(&s).map_err(|e| usage(format!("--registers: {e}")))?,
        (None, Some(p)) => profile_location(p)
            .map_err(|e| fail(Exit::Config, format!("profile [assess] registers: {e}")))?
            .unwrap_or_else(|| Location::default_in(&data_dir)),
        (None, None) => Location::default_in(&data_dir),
    };
    let mut settings = match get("settings") {
        Some(p) => {
            let p = PathBuf::from(p);
            if !p.exists() {
                return Err(fail(
                    Exit::NoInput,
                    format!(
                        "--settings: {} {}",
                        out.t("找不到文件", "no such file"),
                        escape(&p.display().to_string(), false)
                    ),
                ));
            }
            Settings::load(&p).map_err(|e| fail(Exit::Config, e.to_string()))?
        }
        None => {
            let p = data_dir.join("registers.toml");
            if p.exists() {
                Settings::load(&p).map_err(|e| fail(Exit::Config, e.to_string()))?
            } else {
                Settings::default()
            }
        }
    };
    if let Some(p) = &profile {
        settings.apply_profile(p);
    }
    let (kind, kind_given) = match get("operator_kind") {
        Some(k) => (
            OperatorKind::parse(&k).ok_or_else(|| {
                usage(format!(
                    "--operator-kind {}: {}",
                    escape(&k, false),
                    out.t(
                        "应为 ordinary、cii 或 central-state",
                        "must be ordinary, cii or central-state"
                    )
                ))
            })?,
            true,
        ),
        None => match settings.operator_kind {
            Some(k) => (k, true),
            None => (OperatorKind::Ordinary, false),
        },
    };
    let now = match get("at") {
        Some(s) => registers::when::parse_datetime(&s).ok_or_else(|| {
            usage(format!(
                "--at {}: {}",
                escape(&s, false),
                out.t(
                    "应为带时区偏移的 RFC 3339 时间（例如 2025-03-14T23:30:00+08:00）",
                    "must be an RFC 3339 time with offset (e.g. 2025-03-14T23:30:00+08:00)"
                )
            ))
        })?,
        None => OffsetDateTime::now_utc().to_offset(settings.utc_offset),
    };
    let actor = get("actor")
        .or_else(|| std::env::var("USER").ok())
        .or_else(|| std::env::var("LOGNAME").ok())
        .filter(|a| !a.trim().is_empty());
    Ok(Ctx {
        out,
        data_dir,
        location,
        settings,
        kind,
        kind_given,
        actor,
        now,
    })
}

/// Where the profile says the registers are (`[assess] registers`), a file
/// path resolved against the profile's folder.
fn profile_location(p: &duties::Profile) -> registers::Result<Option<Location>> {
    evidence::registers_location(p)
}

/// The registers the profile points at, opened for reading, with the
/// settings and operator kind their clocks need: the store the profile names
/// (or `registers.sqlite` in its vault; `evidence::registers_of`, as `wangan
/// assess` and the console read them). `None` when there is no store (wangan
/// keeps no registers there) or it cannot be read (a warning says why).
fn open_for_profile(p: &duties::Profile, out: Out) -> Option<(Registers, Settings, OperatorKind)> {
    let r = match evidence::registers_of(p) {
        Ok(r) => r,
        Err(w) => {
            let (zh, en) = w.what();
            let detail = match &w {
                evidence::Warning::RegistersUnreadable(d) => escape(d, false).to_string(),
                evidence::Warning::RegistersLocation(d) => d.clone(),
            };
            eprintln!("{}: {detail}", out.t(zh, en));
            return None;
        }
    };
    match Registers::open_existing(&r.location) {
        Ok(regs) => Some((regs, r.settings, r.kind)),
        Err(e) if e.kind() == registers::ErrorKind::NotFound => None,
        Err(e) => {
            eprintln!(
                "{}: {}",
                out.t("警告：无法读取登记簿", "warning: cannot read the registers"),
                escape(&e.to_string(), false)
            );
            None
        }
    }
}

/// Every register record the profile's registers hold (latest revisions),
/// for the yearly CII report: `(origin, records, settings, operator kind)`,
/// or `None` when there are no registers or they cannot be read.
pub fn all_records(
    p: &duties::Profile,
    out: Out,
) -> Option<(String, Vec<registers::Record>, Settings, OperatorKind)> {
    let (mut regs, settings, kind) = open_for_profile(p, out)?;
    let mut all = Vec::new();
    for reg in Register::ALL {
        if let Err(e) = regs.each(reg, |r| {
            all.push(r);
            Ok(())
        }) {
            eprintln!(
                "{}: {}",
                out.t("警告：无法读取登记簿", "warning: cannot read the registers"),
                escape(&e.to_string(), false)
            );
            return None;
        }
    }
    let origin = format!("registers:{}", regs.location().display());
    Some((origin, all, settings, kind))
}

/// Map a library error to an exit code and a localised message.
fn lib_err(e: registers::Error, out: Out) -> anyhow::Error {
    use registers::ErrorKind as K;
    let code = match e.kind() {
        K::Invalid => Exit::DataErr,
        K::NotFound => Exit::Usage,
        K::Schema | K::Settings => Exit::Config,
        K::Storage | K::Io => Exit::IoErr,
        K::Tampered => Exit::DataErr,
        _ => Exit::Software,
    };
    let mut msg = match out.lang {
        Lang::Zh => e.message_zh(),
        Lang::En => e.to_string(),
    };
    if e.kind() == K::Tampered {
        msg.push_str(out.t(
            "（运行 `wangan registers verify` 查看改动）",
            " (run `wangan registers verify` to see what changed)",
        ));
    }
    fail(code, escape(&msg, false).into_owned())
}

// ---- dispatch -------------------------------------------------------------

/// Run a register command.
pub fn run(cmd: RegisterCommands, out: Out) -> anyhow::Result<Exit> {
    let Some((sub, m)) = cmd.matches.subcommand() else {
        return Err(usage("a subcommand is required"));
    };
    let ctx = ctx_of(m, out)?;
    if cmd.name == GROUP {
        return match sub {
            "status" => status(&ctx),
            "clocks" => clocks(&ctx),
            "anchor" => anchor_cmd(&ctx),
            "verify" => verify_cmd(&ctx),
            _ => Err(usage(format!("unknown command {sub}"))),
        };
    }
    let reg = Register::from_key(&cmd.name)
        .ok_or_else(|| usage(format!("unknown register {}", cmd.name)))?;
    match sub {
        "open" | "add" => add(&ctx, reg, m),
        "list" => list(&ctx, reg, m),
        "show" => show(&ctx, reg, m),
        "update" => update(&ctx, reg, m, "update"),
        "close" => update(&ctx, reg, m, "close"),
        "report" => report_cmd(&ctx, m),
        "grade" if reg == Register::Mlps => mlps_grade(&ctx, m),
        "grade" => incident_grade(&ctx, m),
        _ => Err(usage(format!("unknown command {sub}"))),
    }
}

/// Read the field flags into inputs; a value its field cannot read is a
/// usage error naming the flag.
fn inputs(ctx: &Ctx, reg: Register, m: &ArgMatches) -> anyhow::Result<Vec<(&'static str, Input)>> {
    let mut out = Vec::new();
    for f in reg.fields().iter().filter(|f| !f.managed) {
        let Ok(Some(values)) = m.try_get_many::<String>(f.key) else {
            continue;
        };
        let values: Vec<String> = values.cloned().collect();
        let v = if f.ty == FieldType::List {
            Value::Array(values.into_iter().map(Value::String).collect())
        } else {
            Value::String(values.into_iter().next().unwrap_or_default())
        };
        if let Err(e) = schema::read_value(reg, f, &v) {
            let inv = e.invalid().map(|i| i.problem.get(ctx.zh()).to_owned());
            return Err(usage(format!(
                "{}: {}",
                f.flag(),
                escape(&inv.unwrap_or_else(|| e.to_string()), false)
            )));
        }
        out.push((f.key, Input::Json(v)));
    }
    Ok(out)
}

/// Fields from `--from FILE` (a JSON object).
fn from_file(ctx: &Ctx, m: &ArgMatches) -> anyhow::Result<Vec<(String, Input)>> {
    let Ok(Some(p)) = m.try_get_one::<String>("from") else {
        return Ok(Vec::new());
    };
    let mut text = String::new();
    if p == "-" {
        std::io::stdin().read_to_string(&mut text)?;
    } else {
        text = std::fs::read_to_string(p)
            .map_err(|e| fail(Exit::NoInput, format!("--from {}: {e}", escape(p, false))))?;
    }
    let v: Value = serde_json::from_str(&text).map_err(|e| {
        fail(
            Exit::DataErr,
            format!(
                "--from {}: {} ({e})",
                escape(p, false),
                ctx.t("不是 JSON", "not JSON")
            ),
        )
    })?;
    let Value::Object(map) = v else {
        return Err(fail(
            Exit::DataErr,
            format!(
                "--from {}: {}",
                escape(p, false),
                ctx.t("应为一个 JSON 对象", "must be one JSON object")
            ),
        ));
    };
    Ok(map.into_iter().map(|(k, v)| (k, Input::Json(v))).collect())
}

// ---- anchoring ------------------------------------------------------------

struct VaultSink<'a> {
    v: &'a mut vault::Vault,
}

impl AnchorSink for VaultSink<'_> {
    fn append(&mut self, raw: &[u8]) -> Result<(), String> {
        let now = vault::clock::to_ns(OffsetDateTime::now_utc());
        self.v
            .append(&vault::Incoming {
                received_ns: now,
                source: registers::ANCHOR_SOURCE,
                peer: "local",
                transport: "registers",
                raw,
            })
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    fn commit(&mut self) -> Result<(), String> {
        self.v.commit().map(|_| ()).map_err(|e| e.to_string())
    }
}

/// Where anchoring stands after a command.
struct Anchoring {
    /// `anchored`, `pending`.
    status: &'static str,
    /// Changes still waiting.
    pending: u64,
    /// Every change up to here is in the vault (when anchored).
    through: u64,
    /// Why not, in both languages.
    reason: Option<(String, String)>,
}

impl Anchoring {
    fn state(&self, zh: bool) -> registers::contract::AnchorState {
        registers::contract::AnchorState {
            status: self.status,
            pending: self.pending,
            through: self.through,
            reason: (self.reason.as_ref()).map(|(z, e)| if zh { z.clone() } else { e.clone() }),
        }
    }
}

/// Anchor every pending change into the vault in the data directory, if it
/// is free.
fn anchor_now(ctx: &Ctx, regs: &mut Registers) -> Anchoring {
    let pending = |regs: &mut Registers| regs.pending_count().map(|p| p.0).unwrap_or(0);
    match vault::Vault::open(&ctx.data_dir) {
        Ok(mut v) => {
            let r = regs.anchor(&mut VaultSink { v: &mut v });
            let closed = v.close();
            match (r, closed) {
                (Ok(o), Ok(())) => Anchoring {
                    status: if o.pending == 0 {
                        "anchored"
                    } else {
                        "pending"
                    },
                    pending: o.pending,
                    through: o.through,
                    reason: None,
                },
                (Err(e), _) => Anchoring {
                    status: "pending",
                    pending: pending(regs),
                    through: 0,
                    reason: Some((
                        format!("写入日志库失败：{e}"),
                        format!("writing to the vault failed: {e}"),
                    )),
                },
                (_, Err(e)) => Anchoring {
                    status: "pending",
                    pending: pending(regs),
                    through: 0,
                    reason: Some((
                        format!("写入日志库失败：{e}"),
                        format!("writing to the vault failed: {e}"),
                    )),
                },
            }
        }
        Err(e) => {
            let dir = ctx.data_dir.display().to_string();
            let reason = match e.kind() {
                vault::ErrorKind::Locked => (
                    "日志库正由另一进程（通常是 wangan serve）写入；变更已记录并纳入登记簿哈希链，待日志库空闲时锚定（wangan registers anchor）".to_owned(),
                    "the vault is held by another process (usually `wangan serve`); the change is recorded and hash-chained, and will be anchored when the vault is free (`wangan registers anchor`)".to_owned(),
                ),
                vault::ErrorKind::NotFound => (
                    format!("{dir} 中没有日志库：变更只受登记簿自身哈希链保护；用 wangan vault init 创建日志库后即可锚定"),
                    format!("no vault in {dir}: the change is protected only by the registers' own hash chain; create one with `wangan vault init` to anchor it"),
                ),
                _ => (format!("无法打开日志库：{e}"), format!("cannot open the vault: {e}")),
            };
            Anchoring {
                status: "pending",
                pending: pending(regs),
                through: 0,
                reason: Some(reason),
            }
        }
    }
}

fn print_anchoring(ctx: &Ctx, a: &Anchoring) {
    let state = a.state(ctx.zh());
    if let Some(s) = render::registers::anchored(ctx.out.painter(), &state) {
        print!("{s}");
    }
    if let Some(s) = render::registers::anchor_pending(ctx.out.painter(), &state) {
        eprint!("{s}");
    }
}

// ---- records --------------------------------------------------------------

fn add(ctx: &Ctx, reg: Register, m: &ArgMatches) -> anyhow::Result<Exit> {
    let mut fields = inputs(ctx, reg, m)?;
    let extra = from_file(ctx, m)?;
    let extra_refs: Vec<(&str, Input)> =
        extra.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    // flags win over the file
    let mut all: Vec<(&str, Input)> = extra_refs
        .into_iter()
        .filter(|(k, _)| !fields.iter().any(|(f, _)| f == k))
        .collect();
    all.append(&mut fields);
    let missing: Vec<String> = reg
        .fields()
        .iter()
        .filter(|f| f.required && !all.iter().any(|(k, _)| *k == f.key))
        .map(|f| format!("{} ({})", f.flag(), f.label.get_zh_en(ctx.zh())))
        .collect();
    if !missing.is_empty() {
        return Err(usage(format!(
            "{}: {}",
            ctx.t("缺少必填项", "missing required fields"),
            missing.join(", ")
        )));
    }
    let w = ctx.write_ctx()?;
    let mut regs = ctx.open()?;
    let rec = regs.add(reg, &all, &w).map_err(|e| lib_err(e, ctx.out))?;
    let a = anchor_now(ctx, &mut regs);
    print_record(ctx, &rec, None, false, Some(&a))?;
    Ok(Exit::Ok)
}

trait ZhEn {
    fn get_zh_en(&self, zh: bool) -> &'static str;
}

impl ZhEn for law::Text {
    fn get_zh_en(&self, zh: bool) -> &'static str {
        if zh { self.zh } else { self.en }
    }
}

fn update(ctx: &Ctx, reg: Register, m: &ArgMatches, action: &str) -> anyhow::Result<Exit> {
    let id = m.get_one::<String>("id").cloned().unwrap_or_default();
    let mut fields = inputs(ctx, reg, m)?;
    let extra = from_file(ctx, m)?;
    let mut all: Vec<(&str, Input)> = extra
        .iter()
        .filter(|(k, _)| !fields.iter().any(|(f, _)| f == k))
        .map(|(k, v)| (k.as_str(), v.clone()))
        .collect();
    all.append(&mut fields);
    if let Ok(Some(clear)) = m.try_get_many::<String>("clear") {
        for c in clear {
            let key = c.replace('-', "_");
            let Some(f) = reg.field(&key).filter(|f| !f.managed) else {
                return Err(usage(format!(
                    "--clear {}: {}",
                    escape(c, false),
                    ctx.t("不是本登记簿的字段", "is not a field of this register")
                )));
            };
            all.push((f.key, Input::Clear));
        }
    }
    if action == "close" {
        all.push(("status", Input::Text("closed".into())));
    }
    if all.is_empty() {
        return Err(usage(ctx.t(
            "没有要修改的字段（用 --help 查看可用字段）",
            "nothing to change: give at least one field (see --help)",
        )));
    }
    let mut w = ctx.write_ctx()?;
    if let Ok(Some(n)) = m.try_get_one::<u64>("expect_revision") {
        w.expected_revision = Some(*n);
    }
    let mut regs = ctx.open()?;
    if action == "close"
        && let Ok(cur) = regs.get(reg, &id)
        && cur.data.text("status") == Some("closed")
    {
        return Err(fail(
            Exit::DataErr,
            format!(
                "{} {}",
                escape(&cur.id, false),
                ctx.t("的处置已经结束", "is already closed")
            ),
        ));
    }
    let rec = regs
        .update(reg, &id, &all, action, &w)
        .map_err(|e| lib_err(e, ctx.out))?;
    let a = anchor_now(ctx, &mut regs);
    print_record(ctx, &rec, None, false, Some(&a))?;
    Ok(Exit::Ok)
}

fn show(ctx: &Ctx, reg: Register, m: &ArgMatches) -> anyhow::Result<Exit> {
    let id = m.get_one::<String>("id").cloned().unwrap_or_default();
    let mut regs = Registers::open_existing(&ctx.location).map_err(|e| lib_err(e, ctx.out))?;
    let rec = regs.get(reg, &id).map_err(|e| lib_err(e, ctx.out))?;
    let h = regs
        .history(reg, &rec.id)
        .map_err(|e| lib_err(e, ctx.out))?;
    print_record(ctx, &rec, Some(h), m.get_flag("reveal"), None)?;
    Ok(Exit::Ok)
}

fn list(ctx: &Ctx, reg: Register, m: &ArgMatches) -> anyhow::Result<Exit> {
    let q = ListQuery {
        open_only: m.get_flag("open"),
        limit: *m.get_one::<u64>("limit").unwrap_or(&50),
        offset: *m.get_one::<u64>("offset").unwrap_or(&0),
    };
    let page = match Registers::open_existing(&ctx.location) {
        Ok(mut regs) => regs.list(reg, &q).map_err(|e| lib_err(e, ctx.out))?,
        Err(e) if e.kind() == registers::ErrorKind::NotFound => registers::Page {
            total: 0,
            items: Vec::new(),
        },
        Err(e) => return Err(lib_err(e, ctx.out)),
    };
    let v = view::list_view(
        reg,
        &page,
        q.offset,
        q.limit,
        ctx.kind,
        &ctx.settings,
        ctx.now,
    );
    if ctx.out.json {
        ctx.out.print_json(&serde_json::to_value(&v)?)?;
        return Ok(Exit::Ok);
    }
    kind_note(ctx);
    print!("{}", render::registers::list(ctx.out.painter(), reg, &v));
    Ok(Exit::Ok)
}

fn kind_note(ctx: &Ctx) {
    if !ctx.kind_given {
        eprint!("{}", render::registers::kind_note(ctx.out.painter()));
    }
}

fn print_record(
    ctx: &Ctx,
    rec: &Record,
    history: Option<Vec<registers::HistoryEntry>>,
    reveal: bool,
    anchoring: Option<&Anchoring>,
) -> anyhow::Result<()> {
    let v = view::record_view(rec, ctx.kind, &ctx.settings, ctx.now, history, reveal);
    if ctx.out.json {
        let j = registers::contract::RecordOutput {
            view: &v,
            anchor: anchoring.map(|a| a.state(ctx.zh())),
        };
        return crate::vault_cmd::print_contract(ctx.out, &j);
    }
    kind_note(ctx);
    print!(
        "{}",
        render::registers::record(
            ctx.out.painter(),
            &ctx.basis(),
            rec,
            &v,
            reveal,
            anchoring.is_some()
        )
    );
    if let Some(a) = anchoring {
        print_anchoring(ctx, a);
    }
    Ok(())
}

// ---- incidents --------------------------------------------------------------

fn report_cmd(ctx: &Ctx, m: &ArgMatches) -> anyhow::Result<Exit> {
    let id = m.get_one::<String>("id").cloned().unwrap_or_default();
    let kind = m
        .get_one::<String>("kind")
        .and_then(|k| ReportKind::parse(k))
        .unwrap_or(ReportKind::Initial);
    let format = m
        .get_one::<String>("format")
        .cloned()
        .unwrap_or_else(|| "md".into());
    let output = m.get_one::<String>("output").map(PathBuf::from);
    let mut regs = Registers::open_existing(&ctx.location).map_err(|e| lib_err(e, ctx.out))?;
    let rec = regs
        .get(Register::Incident, &id)
        .map_err(|e| lib_err(e, ctx.out))?;
    if kind == ReportKind::Summary && rec.data.text("status") != Some("closed") {
        eprintln!(
            "{} {}",
            ctx.out.paint(Style::Yellow, ctx.t("注意：", "note:")),
            ctx.t(
                "处置尚未结束：总结报告在处置结束后 30 日内报送（先用 wangan incident close 记录结束时间）",
                "handling has not ended: the summary report is due 30 days after it ends (record the end with `wangan incident close`)"
            )
        );
    }
    kind_note(ctx);
    let d = report::draft(&rec, kind, ctx.kind, &ctx.settings, ctx.now)
        .map_err(|e| lib_err(e, ctx.out))?;
    let bytes = match format.as_str() {
        "html" => report::html(&d).into_bytes(),
        "docx" => report::docx(&d, ctx.now).map_err(|e| lib_err(e, ctx.out))?,
        _ => report::markdown(&d).into_bytes(),
    };
    match output {
        Some(p) => {
            write_file(&p, &bytes)?;
            let j = registers::contract::IncidentReport {
                id: rec.id.clone(),
                revision: rec.revision,
                kind: registers::contract::IncidentReport::kind_name(kind),
                format: format.clone(),
                output: p.display().to_string(),
                bytes: bytes.len(),
                sha256: registers::chain::sha256_hex(&bytes),
            };
            if ctx.out.json {
                crate::vault_cmd::print_contract(ctx.out, &j)?;
            } else {
                print!(
                    "{}",
                    render::registers::report_written(ctx.out.painter(), &j)
                );
            }
        }
        None => {
            if format == "docx" && std::io::stdout().is_terminal() {
                return Err(usage(ctx.t(
                    "DOCX 是二进制文件：用 --output FILE 写入文件，或重定向标准输出",
                    "DOCX is binary: give --output FILE or redirect standard output",
                )));
            }
            let mut o = std::io::stdout().lock();
            o.write_all(&bytes)?;
            o.flush()?;
        }
    }
    Ok(Exit::Ok)
}

fn write_file(p: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let tmp = p.with_extension("wangan-tmp");
    std::fs::write(&tmp, bytes)
        .and_then(|()| std::fs::rename(&tmp, p))
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            fail(
                Exit::IoErr,
                format!("{}: {e}", escape(&p.display().to_string(), false)),
            )
        })
}

fn incident_grade(ctx: &Ctx, m: &ArgMatches) -> anyhow::Result<Exit> {
    let mut measures = Vec::new();
    if let Some(v) = m.get_one::<String>("pi_people") {
        let n: f64 = v.trim().replace(',', "").parse().map_err(|_| {
            usage(format!(
                "--pi-people {}: {}",
                escape(v, false),
                ctx.t("应为人数", "must be a number of people")
            ))
        })?;
        measures.push(registers::grade::Measure {
            key: "pi_people".into(),
            value: n,
        });
    }
    if let Ok(Some(cs)) = m.try_get_many::<String>("criterion") {
        for c in cs {
            let (k, v) = c
                .split_once('=')
                .ok_or_else(|| usage(format!("--criterion {}: KEY=VALUE", escape(c, false))))?;
            let value: f64 = v.trim().parse().map_err(|_| {
                usage(format!(
                    "--criterion {}: {}",
                    escape(c, false),
                    ctx.t("值应为数字", "the value must be a number")
                ))
            })?;
            measures.push(registers::grade::Measure {
                key: k.trim().to_owned(),
                value,
            });
        }
    }
    if measures.is_empty() {
        return Err(usage(ctx.t(
            "给出至少一个数值：--pi-people N 或 --criterion KEY=VALUE",
            "give at least one value: --pi-people N or --criterion KEY=VALUE",
        )));
    }
    let s = registers::grade::suggest(&measures, &ctx.settings)
        .map_err(|m| usage(m.get(ctx.zh()).to_owned()))?;
    if ctx.out.json {
        ctx.out
            .print_json(&serde_json::to_value(view::SuggestionView {
                schema: "wangan.incident.grade/1",
                suggestion: s,
            })?)?;
        return Ok(Exit::Ok);
    }
    print!(
        "{}",
        render::registers::incident_grade(ctx.out.painter(), &s)
    );
    Ok(Exit::Ok)
}

// ---- MLPS -------------------------------------------------------------------

fn mlps_grade(ctx: &Ctx, m: &ArgMatches) -> anyhow::Result<Exit> {
    let harm = |flag: &str, key: &str| -> anyhow::Result<registers::mlps::Harm> {
        let v = m.get_one::<String>(key).cloned().unwrap_or_default();
        registers::mlps::parse_harm(&v)
            .map_err(|e| usage(format!("--{flag}: {}", escape(e.get(ctx.zh()), false))))
    };
    let g = registers::mlps::grade(
        harm("business", "business")?,
        harm("service", "service")?,
        &ctx.settings,
    );
    if ctx.out.json {
        ctx.out.print_json(&serde_json::to_value(view::GradeView {
            schema: "wangan.mlps.grade/1",
            grading: g,
        })?)?;
        return Ok(Exit::Ok);
    }
    print!("{}", render::registers::mlps_grade(ctx.out.painter(), &g));
    Ok(Exit::Ok)
}

// ---- the group --------------------------------------------------------------

fn status(ctx: &Ctx) -> anyhow::Result<Exit> {
    let mut regs = match Registers::open_existing(&ctx.location) {
        Ok(r) => r,
        Err(e) if e.kind() == registers::ErrorKind::NotFound => {
            if ctx.out.json {
                let j = registers::contract::StatusMissing::new(&ctx.location);
                crate::vault_cmd::print_contract(ctx.out, &j)?;
            } else {
                print!(
                    "{}",
                    render::registers::status_missing(ctx.out.painter(), &ctx.location.display())
                );
            }
            return Ok(Exit::Ok);
        }
        Err(e) => return Err(lib_err(e, ctx.out)),
    };
    let counts = regs.counts().map_err(|e| lib_err(e, ctx.out))?;
    let version = regs.schema_version().map_err(|e| lib_err(e, ctx.out))?;
    let (pending, since) = regs.pending_count().map_err(|e| lib_err(e, ctx.out))?;
    let j = registers::contract::Status::new(
        &ctx.location,
        regs.store_id(),
        version,
        counts,
        (pending, since),
        ctx.kind,
    );
    if ctx.out.json {
        crate::vault_cmd::print_contract(ctx.out, &j)?;
    } else {
        print!("{}", render::registers::status(ctx.out.painter(), &j));
    }
    Ok(Exit::Ok)
}

fn clocks(ctx: &Ctx) -> anyhow::Result<Exit> {
    let sweep = match Registers::open_existing(&ctx.location) {
        Ok(mut r) => r
            .sweep(ctx.kind, &ctx.settings, ctx.now)
            .map_err(|e| lib_err(e, ctx.out))?,
        Err(e) if e.kind() == registers::ErrorKind::NotFound => {
            // no registers at all: the register-wide clocks still run
            registers::Sweep::without_records(ctx.kind, &ctx.settings, ctx.now)
        }
        Err(e) => return Err(lib_err(e, ctx.out)),
    };
    let v = view::sweep_view(&sweep, ctx.kind, ctx.now);
    let code = if v.overdue > 0 {
        Exit::Findings
    } else {
        Exit::Ok
    };
    if ctx.out.json {
        // straight to the output: a sweep can hold thousands of items
        let mut o = std::io::stdout().lock();
        serde_json::to_writer_pretty(&mut o, &v).map_err(std::io::Error::other)?;
        writeln!(o)?;
        return Ok(code);
    }
    kind_note(ctx);
    print!(
        "{}",
        render::registers::clocks(ctx.out.painter(), &ctx.basis(), &v)
    );
    Ok(code)
}

fn anchor_cmd(ctx: &Ctx) -> anyhow::Result<Exit> {
    let mut regs = Registers::open_existing(&ctx.location).map_err(|e| lib_err(e, ctx.out))?;
    let mut v = vault::Vault::open(&ctx.data_dir).map_err(|e| {
        let code = match e.kind() {
            vault::ErrorKind::NotFound => Exit::NoInput,
            _ => Exit::IoErr,
        };
        let hint = match e.kind() {
            vault::ErrorKind::Locked => ctx.t(
                "日志库正由另一进程（通常是 wangan serve）写入；停止它后再锚定",
                "the vault is held by another process (usually `wangan serve`); anchor after stopping it",
            ),
            vault::ErrorKind::NotFound => ctx.t("没有日志库：先运行 wangan vault init", "no vault: run `wangan vault init` first"),
            _ => "",
        };
        fail(code, format!("{e}{}{hint}", if hint.is_empty() { "" } else { "; " }))
    })?;
    let o = regs
        .anchor(&mut VaultSink { v: &mut v })
        .map_err(|e| lib_err(e, ctx.out))?;
    v.close().map_err(|e| fail(Exit::IoErr, e.to_string()))?;
    let j = registers::contract::Anchored::new(&o);
    if ctx.out.json {
        crate::vault_cmd::print_contract(ctx.out, &j)?;
    } else {
        print!("{}", render::registers::anchor(ctx.out.painter(), &j));
    }
    Ok(Exit::Ok)
}

/// The registers' anchors in a vault.
fn anchors_in(store: &vault::Store) -> anyhow::Result<Vec<VaultAnchor>> {
    let q = vault::Query {
        sources: vec![registers::ANCHOR_SOURCE.to_owned()],
        ..vault::Query::default()
    };
    let mut out = Vec::new();
    for r in vault::query(store, &q) {
        let r = r.map_err(|e| fail(Exit::DataErr, e.to_string()))?;
        out.push(VaultAnchor {
            vault_seq: r.record.seq,
            raw: r.record.raw,
        });
    }
    Ok(out)
}

/// Check the registers in `dir` (or at `location`) against the vault's
/// anchors; `None` when no registers are in use and the vault holds no
/// anchors. Used by `wangan vault verify` and `wangan registers verify`.
pub fn check_against_vault(
    store: &vault::Store,
    location: &Location,
) -> anyhow::Result<Option<registers::VerifyReport>> {
    let anchors = anchors_in(store)?;
    match Registers::open_existing(location) {
        Ok(mut r) => Ok(Some(
            r.verify(&anchors).map_err(|e| anyhow::anyhow!("{e}"))?,
        )),
        Err(e) if e.kind() == registers::ErrorKind::NotFound => {
            if anchors.is_empty() {
                return Ok(None);
            }
            // the vault remembers registers that are gone
            let mut rep = registers::VerifyReport {
                schema: "wangan.registers.verify/1",
                store: String::new(),
                location: location.display(),
                changes: 0,
                records: 0,
                anchors: anchors.len() as u64,
                other_store_anchors: 0,
                anchored_through: 0,
                anchored_through_recorded: 0,
                pending: 0,
                findings: Vec::new(),
            };
            rep.findings.push(registers::VerifyFinding {
                severity: registers::anchor::Severity::Error,
                register: None,
                id: None,
                revision: None,
                seq: None,
                vault_seq: anchors.first().map(|a| a.vault_seq),
                message: registers::Msg::new(
                    format!("日志库中有 {} 个登记簿锚点，但 {} 处没有登记簿：登记簿被删除或移走", anchors.len(), location.display()),
                    format!("the vault holds {} register anchors but there are no registers at {}: they were deleted or moved", anchors.len(), location.display()),
                ),
            });
            Ok(Some(rep))
        }
        Err(e) => Err(anyhow::anyhow!("{e}")),
    }
}

fn verify_cmd(ctx: &Ctx) -> anyhow::Result<Exit> {
    let rep = match vault::Store::open(&ctx.data_dir) {
        Ok(store) => check_against_vault(&store, &ctx.location)
            .map_err(|e| fail(Exit::IoErr, e.to_string()))?,
        Err(e) if e.kind() == vault::ErrorKind::NotFound => {
            eprintln!(
                "{} {}",
                ctx.out.paint(Style::Yellow, ctx.t("注意：", "note:")),
                ctx.t(
                    "没有日志库：只能检查登记簿自身的哈希链",
                    "no vault: only the registers' own hash chain can be checked"
                )
            );
            let mut r = Registers::open_existing(&ctx.location).map_err(|e| lib_err(e, ctx.out))?;
            Some(r.verify(&[]).map_err(|e| lib_err(e, ctx.out))?)
        }
        Err(e) => return Err(fail(Exit::IoErr, e.to_string())),
    };
    let Some(rep) = rep else {
        if ctx.out.json {
            let j = registers::contract::VerifyMissing::default();
            crate::vault_cmd::print_contract(ctx.out, &j)?;
        } else {
            print!("{}", render::registers::verify_missing(ctx.out.painter()));
        }
        return Ok(Exit::Ok);
    };
    if ctx.out.json {
        ctx.out.print_json(&serde_json::to_value(&rep)?)?;
    } else {
        print!("{}", render::registers::verify(ctx.out.painter(), &rep));
    }
    Ok(if rep.is_intact() {
        Exit::Ok
    } else {
        Exit::Findings
    })
}

/// The registers' location for `wangan vault verify`: `--registers` /
/// `WANGAN_REGISTERS`, else the SQLite file in the data directory.
pub fn location_for(dir: &Path, registers: Option<&str>) -> anyhow::Result<Location> {
    match registers {
        Some(s) => Location::parse(s).map_err(|e| usage(format!("--registers: {e}"))),
        None => Ok(Location::default_in(dir)),
    }
}
