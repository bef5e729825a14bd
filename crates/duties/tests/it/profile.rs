//! The profile: what parses, what is refused and where the error points.

use std::path::Path;

use duties::profile::{self, OperatorKind, template};

const MINIMAL: &str = "version = 1\n[operator]\nname = \"示例\"\nkind = \"operator\"\n";

fn parse(text: &str) -> Result<duties::Profile, duties::ProfileError> {
    profile::parse(text, Path::new("conf/profile.toml"))
}

#[test]
fn every_template_parses() {
    for kind in OperatorKind::ALL {
        for provider in [false, true] {
            let t = template(kind, provider);
            let p = parse(&t).unwrap_or_else(|e| panic!("{kind} provider={provider}: {e}\n{t}"));
            assert_eq!(p.operator.kind, kind);
            assert_eq!(p.operator.provider, provider);
            assert_eq!(p.log_sources.len(), 1);
            assert_eq!(p.settings.max_gap.to_string(), "1 hour");
        }
    }
}

#[test]
fn the_documented_example_is_the_full_template_and_names_every_key() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/profile.toml.example");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(
        text,
        template(OperatorKind::CiiOperator, true),
        "docs/profile.toml.example is `wangan profile init --kind cii-operator --provider`"
    );
    parse(&text).unwrap_or_else(|e| panic!("{e}"));
    let keys = [
        "version",
        "[operator]",
        "name",
        "kind",
        "provider",
        "critical_equipment",
        "security_services",
        "real_name_services",
        "sector",
        "province",
        "[operator.responsible]",
        "title",
        "appointed",
        "[assess]",
        "vault",
        "scans",
        "max_gap",
        "scan_max_age",
        "verify_max_age",
        "restore_test_every",
        "drill_every",
        "training_every",
        "registers",
        "[[system]]",
        "id",
        "mlps_level",
        "grading",
        "citizens_especially_serious",
        "[[log_source]]",
        "system",
        "description",
        "[[data_store]]",
        "target",
        "password_env",
        "country",
        "region",
        "important",
        "backup_every",
        "restore_tested",
        "encrypted",
        "encryption",
        "export_assessment",
        "[[document]]",
        "path",
        "duties",
        "approved",
        "review_every",
        "[[waiver]]",
        "duty",
        "reason",
        "owner",
        "expires",
        "granted",
    ];
    for k in keys {
        assert!(text.contains(k), "the example does not mention `{k}`");
    }
}

#[test]
fn minimal_profile_gets_the_defaults() {
    let p = parse(MINIMAL).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(p.settings.vault, Path::new("wangan-data"));
    assert_eq!(p.settings.scans, Path::new("wangan-data/scans"));
    assert_eq!(p.settings.scan_max_age.to_string(), "90 days");
    assert_eq!(p.settings.verify_max_age.to_string(), "7 days");
    assert_eq!(
        p.resolve(Path::new("docs/a.pdf")),
        Path::new("conf/docs/a.pdf")
    );
    assert_eq!(p.resolve(Path::new("/abs/a.pdf")), Path::new("/abs/a.pdf"));
    assert_eq!(p.sha256, duties::sha256_hex(MINIMAL.as_bytes()));
}

#[test]
fn values_are_read() {
    let text = r#"version = 1
[operator]
name = "某银行股份有限公司"
kind = "cii-operator"
real_name_services = ["publishing", "access", "publishing"]
[operator.responsible]
name = "王五"
appointed = "2024-03-01"
[assess]
vault = "/var/lib/wangan"
max_gap = "15 minutes"
[[system]]
id = "core"
name = "核心系统"
grading = { business = "social:especially-serious", service = "social:serious" }
[[log_source]]
name = "core-db"
system = "core"
max_gap = "4 hours"
[[log_source]]
name = "fw"
vault = "other-data"
[[data_store]]
id = "core-db"
target = "postgres://audit@10.0.0.5/core"
country = "cn"
backup_every = "1 day"
restore_tested = 2025-12-01
[[document]]
id = "rules"
title = "制度"
path = "rules.pdf"
duties = ["CSL.SECURITY-MANAGEMENT"]
approved = 2025-01-01
review_every = "1 year"
[[waiver]]
duty = "csl.real-name"
reason = "r"
owner = "o"
expires = 2026-06-30
"#;
    let err = parse(text).expect_err("15 minutes is not a unit we read");
    assert!(err.message.contains("unknown unit"), "{err}");
    let text = text.replace("15 minutes", "2 hours");
    let p = parse(&text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        p.operator.real_name_services,
        vec![
            duties::profile::RealNameService::Access,
            duties::profile::RealNameService::Publishing
        ]
    );
    assert_eq!(p.systems[0].mlps_level, Some(4));
    assert_eq!(p.log_sources[0].max_gap.to_string(), "4 hours");
    assert_eq!(p.log_sources[1].max_gap.to_string(), "2 hours");
    assert_eq!(p.log_sources[0].vault, Path::new("/var/lib/wangan"));
    assert_eq!(p.log_sources[1].vault, Path::new("other-data"));
    assert_eq!(p.vaults().len(), 2);
    assert_eq!(p.data_stores[0].country.as_deref(), Some("CN"));
    assert_eq!(
        p.documents[0].duties,
        vec!["csl.security-management".to_owned()]
    );
    assert_eq!(p.waivers[0].expires.to_string(), "2026-06-30");
    assert_eq!(
        p.operator
            .responsible
            .as_ref()
            .and_then(|r| r.appointed)
            .map(|d| d.to_string()),
        Some("2024-03-01".to_owned())
    );
}

/// (case, profile text, line, column, words the message must hold)
const BAD: &[(&str, &str, usize, usize, &str)] = &[
    (
        "no version",
        "[operator]\nname = \"x\"\nkind = \"operator\"\n",
        1,
        1,
        "missing `version = 1`",
    ),
    (
        "version 2",
        "version = 2\n",
        1,
        11,
        "unsupported profile version 2",
    ),
    ("version text", "version = \"1\"\n", 1, 11, "invalid type"),
    (
        "unknown top key",
        "version = 1\nfoo = 1\n[operator]\nname = \"x\"\nkind = \"operator\"\n",
        2,
        1,
        "unknown field `foo`",
    ),
    (
        "unknown operator key",
        "version = 1\n[operator]\nname = \"x\"\nkind = \"operator\"\ncii = true\n",
        5,
        1,
        "unknown field `cii`",
    ),
    (
        "bad kind",
        "version = 1\n[operator]\nname = \"x\"\nkind = \"bank\"\n",
        4,
        8,
        "unknown variant `bank`",
    ),
    (
        "empty name",
        "version = 1\n[operator]\nname = \" \"\nkind = \"operator\"\n",
        3,
        8,
        "operator.name must not be empty",
    ),
    (
        "missing operator",
        "version = 1\n",
        1,
        1,
        "missing field `operator`",
    ),
    (
        "bad interval",
        "version = 1\n[operator]\nname = \"x\"\nkind = \"operator\"\n[assess]\nmax_gap = \"soon\"\n",
        6,
        11,
        "expected a length",
    ),
    (
        "bad date",
        "version = 1\n[operator]\nname = \"x\"\nkind = \"operator\"\n[[waiver]]\nduty = \"csl.real-name\"\nreason = \"r\"\nowner = \"o\"\nexpires = \"2026-02-30\"\n",
        9,
        11,
        "expected a date as YYYY-MM-DD",
    ),
    (
        "datetime for a date",
        "version = 1\n[operator]\nname = \"x\"\nkind = \"operator\"\n[[waiver]]\nduty = \"csl.real-name\"\nreason = \"r\"\nowner = \"o\"\nexpires = 2026-01-01T00:00:00Z\n",
        9,
        11,
        "without a time",
    ),
    (
        "unknown duty in waiver",
        "version = 1\n[operator]\nname = \"x\"\nkind = \"operator\"\n[[waiver]]\nduty = \"csl.nope\"\nreason = \"r\"\nowner = \"o\"\nexpires = 2026-01-01\n",
        6,
        8,
        "unknown duty `csl.nope`",
    ),
    (
        "unknown duty in document",
        "version = 1\n[operator]\nname = \"x\"\nkind = \"operator\"\n[[document]]\nid = \"d\"\ntitle = \"t\"\npath = \"p\"\nduties = [\"csl.log-retention\", \"x\"]\n",
        9,
        32,
        "unknown duty `x`",
    ),
    (
        "document without duties",
        "version = 1\n[operator]\nname = \"x\"\nkind = \"operator\"\n[[document]]\nid = \"d\"\ntitle = \"t\"\npath = \"p\"\nduties = []\n",
        9,
        10,
        "must name the duties",
    ),
    (
        "duplicate source",
        "version = 1\n[operator]\nname = \"x\"\nkind = \"operator\"\n[[log_source]]\nname = \"fw\"\n[[log_source]]\nname = \"fw\"\n",
        8,
        8,
        "log source name `fw` is declared twice",
    ),
    (
        "unknown system",
        "version = 1\n[operator]\nname = \"x\"\nkind = \"operator\"\n[[log_source]]\nname = \"fw\"\nsystem = \"crm\"\n",
        7,
        10,
        "no [[system]] with id `crm`",
    ),
    (
        "mlps level 6",
        "version = 1\n[operator]\nname = \"x\"\nkind = \"operator\"\n[[system]]\nid = \"s\"\nname = \"n\"\nmlps_level = 6\n",
        8,
        14,
        "mlps_level must be 1",
    ),
    (
        "level disagrees",
        "version = 1\n[operator]\nname = \"x\"\nkind = \"operator\"\n[[system]]\nid = \"s\"\nname = \"n\"\nmlps_level = 2\ngrading = { business = \"social:serious\", service = \"citizens:general\" }\n",
        8,
        14,
        "disagrees with the grading inputs, which give level 3",
    ),
    (
        "bad grading",
        "version = 1\n[operator]\nname = \"x\"\nkind = \"operator\"\n[[system]]\nid = \"s\"\nname = \"n\"\ngrading = { business = \"society:serious\", service = \"citizens:general\" }\n",
        8,
        11,
        "unknown object \"society\"",
    ),
    (
        "password in url",
        "version = 1\n[operator]\nname = \"x\"\nkind = \"operator\"\n[[data_store]]\nid = \"db\"\ntarget = \"mysql://root:hunter2@db/x\"\n",
        7,
        10,
        "carries a password",
    ),
    (
        "bad country",
        "version = 1\n[operator]\nname = \"x\"\nkind = \"operator\"\n[[data_store]]\nid = \"db\"\ntarget = \"/data\"\ncountry = \"China\"\n",
        8,
        11,
        "ISO 3166-1 alpha-2",
    ),
    (
        "unknown export doc",
        "version = 1\n[operator]\nname = \"x\"\nkind = \"operator\"\n[[data_store]]\nid = \"db\"\ntarget = \"/data\"\nexport_assessment = \"nope\"\n",
        8,
        21,
        "no [[document]] with id `nope`",
    ),
    (
        "unknown data store key",
        "version = 1\n[operator]\nname = \"x\"\nkind = \"operator\"\n[[data_store]]\nid = \"db\"\ntarget = \"/data\"\nlocation = \"CN\"\n",
        8,
        1,
        "unknown field `location`",
    ),
    (
        "waiver expires before granted",
        "version = 1\n[operator]\nname = \"x\"\nkind = \"operator\"\n[[waiver]]\nduty = \"csl.real-name\"\nreason = \"r\"\nowner = \"o\"\nexpires = 2026-01-01\ngranted = 2026-02-01\n",
        9,
        11,
        "must expire after it is granted",
    ),
    (
        "bad real-name service",
        "version = 1\n[operator]\nname = \"x\"\nkind = \"operator\"\nreal_name_services = [\"email\"]\n",
        5,
        23,
        "unknown variant `email`",
    ),
    ("not toml", "version = 1\n[operator\n", 2, 10, ""),
];

#[test]
fn bad_profiles_are_refused_with_the_place() {
    for (case, text, line, column, words) in BAD {
        let err = match parse(text) {
            Ok(_) => panic!("{case}: accepted"),
            Err(e) => e,
        };
        assert_eq!(err.file, Path::new("conf/profile.toml"), "{case}");
        assert!(
            err.message.contains(words),
            "{case}: message {:?} lacks {words:?}",
            err.message
        );
        assert_eq!((err.line, err.column), (*line, *column), "{case}: {err}");
        assert!(
            err.to_string()
                .starts_with(&format!("conf/profile.toml:{line}:{column}: ")),
            "{case}: {err}"
        );
    }
}
