//! A fixed assessment with every status, built from a profile and evidence
//! given as data (the renderers are pure functions of it).

use std::path::Path;

use duties::Assessment;
use duties::evidence::{
    Check, DataLevel, DocumentEvidence, EntryStatus, Evidence, FullVerification, Gap,
    RegisterEvidence, RegisterKind, RegisterSet, ScanEvidence, SourceCoverage, VaultEvidence,
};
use time::OffsetDateTime;
use time::macros::{date, datetime};

pub const PROFILE: &str = r#"version = 1

[operator]
name = "某城市商业银行股份有限公司"
kind = "cii-operator"
real_name_services = ["access"]
sector = "金融"
province = "浙江省"

[operator.responsible]
name = "王五"
title = "首席信息安全官"
appointed = 2024-03-01

[[system]]
id = "core"
name = "核心业务系统"
grading = { business = "social:especially-serious", service = "social:serious" }

[[log_source]]
name = "fw1"
system = "core"
description = "边界防火墙"

[[log_source]]
name = "core-db"
system = "core"
max_gap = "4 hours"

[[data_store]]
id = "core-db"
target = "postgres://audit@10.1.2.3/core"
system = "core"
country = "CN"
region = "杭州"
important = true
backup_every = "1 day"
restore_tested = 2025-11-20
encrypted = true
encryption = "SM4 TDE"

[[data_store]]
id = "hk-replica"
target = "exports/hk"
country = "HK"

[[document]]
id = "rules"
title = "网络安全管理制度"
path = "docs/rules.pdf"
duties = ["csl.security-management", "csl.cii-security-organisation"]
version = "3.0"
approved = 2025-09-01
review_every = "1 year"

[[document]]
id = "plan"
title = "网络安全事件应急预案"
path = "docs/plan.pdf"
duties = ["csl.incident-plan"]
version = "2.0"
approved = 2024-12-01
review_every = "1 year"

[[document]]
id = "annual"
title = "2024年度检测评估报告"
path = "docs/annual-2024.pdf"
duties = ["csl.cii-annual-assessment"]
approved = 2025-01-20

[[document]]
id = "dr"
title = "容灾备份方案"
path = "docs/dr.pdf"
duties = ["csl.cii-disaster-recovery"]
approved = 2025-05-01

[[document]]
id = "aup"
title = "可接受使用政策 <script>alert(1)</script> | =cmd"
path = "docs/aup.pdf"
duties = ["csl.no-attacks"]
approved = 2025-07-01

[[waiver]]
duty = "csl.cii-national-security-review"
reason = "本年度无采购项目"
owner = "李四"
expires = 2026-06-30
granted = 2026-01-05

[[waiver]]
duty = "csl.real-name"
reason = "接入服务停办中"
owner = "赵六"
expires = 2026-02-01
"#;

pub const AT: time::Date = date!(2026 - 03 - 01);
pub const COLLECTED: OffsetDateTime = datetime!(2026-03-05 10:00 +08:00);

fn hash(s: &str) -> String {
    duties::sha256_hex(s.as_bytes())
}

pub fn profile() -> duties::Profile {
    duties::profile::parse(PROFILE, Path::new("bank.toml")).unwrap_or_else(|e| panic!("{e}"))
}

pub fn evidence() -> Evidence {
    let doc = |id: &str, path: &str, ok: bool| DocumentEvidence {
        id: id.to_owned(),
        path: path.to_owned(),
        collected: COLLECTED,
        sha256: ok.then(|| hash(id)),
        bytes: ok.then_some(4096),
        error: (!ok).then(|| "not found".to_owned()),
    };
    let scan = |store: &str, target: &str, level, persons| ScanEvidence {
        store: store.to_owned(),
        file: format!("wangan-data/scans/20260301T020000Z-{store}.json"),
        sha256: hash(store),
        scanned_at: datetime!(2026-03-01 10:00 +08:00),
        target: target.to_owned(),
        level,
        sensitive: true,
        minors: false,
        secrets: false,
        persons,
        kinds: vec!["bank_card".into(), "cn_id".into(), "phone".into()],
        skipped: 0,
    };
    Evidence {
        vaults: vec![VaultEvidence {
            dir: "wangan-data".to_owned(),
            collected: COLLECTED,
            error: None,
            origin: Some("bank.example/vault".to_owned()),
            retention: Some("6 months".to_owned()),
            records: 12_345_678,
            window_start: Some(datetime!(2025-09-01 00:00 +08:00)),
            window_end: Some(datetime!(2026-03-02 00:00 +08:00)),
            sources: vec![
                SourceCoverage {
                    name: "core-db".to_owned(),
                    first: Some(datetime!(2025-06-01 00:00:05 +08:00)),
                    last: Some(datetime!(2026-03-01 23:59:50 +08:00)),
                    gaps: vec![
                        Gap {
                            from: datetime!(2025-11-11 01:00 +08:00),
                            to: datetime!(2025-11-11 07:30 +08:00),
                        },
                        Gap {
                            from: datetime!(2026-01-03 22:00 +08:00),
                            to: datetime!(2026-01-04 03:00 +08:00),
                        },
                    ],
                    max_gap_secs: 4 * 3600,
                },
                SourceCoverage {
                    name: "fw1".to_owned(),
                    first: Some(datetime!(2025-05-01 00:00:01 +08:00)),
                    last: Some(datetime!(2026-03-01 23:59:59 +08:00)),
                    gaps: vec![],
                    max_gap_secs: 3600,
                },
                SourceCoverage {
                    name: "test-\u{1b}[31mbox".to_owned(),
                    first: Some(datetime!(2026-02-01 00:00 +08:00)),
                    last: Some(datetime!(2026-02-02 00:00 +08:00)),
                    gaps: vec![],
                    max_gap_secs: 3600,
                },
            ],
            unreadable: vec![],
            structure: Some(Check {
                ok: true,
                problems: vec![],
            }),
            last_full_verify: Some(FullVerification {
                at: datetime!(2026-03-04 02:00 +08:00),
                intact: true,
                records: 12_300_000,
                root: "cm9vdA==".to_owned(),
                errors: 0,
                matches_store: true,
            }),
        }],
        scans: vec![
            scan(
                "core-db",
                "postgres://audit@10.1.2.3/core",
                DataLevel::ImportantCandidate,
                2_400_000,
            ),
            scan("hk-replica", "exports/hk", DataLevel::SensitivePi, 5_200),
        ],
        documents: vec![
            doc("rules", "docs/rules.pdf", true),
            doc("plan", "docs/plan.pdf", true),
            doc("annual", "docs/annual-2024.pdf", true),
            doc("dr", "docs/dr.pdf", false),
            doc("aup", "docs/aup.pdf", true),
        ],
        registers: Some(RegisterSet {
            origin: "wangan-data/registers.db".to_owned(),
            collected: Some(COLLECTED),
            kept: vec![
                RegisterKind::Incidents,
                RegisterKind::Drills,
                RegisterKind::Training,
            ],
            entries: vec![
                RegisterEvidence {
                    register: RegisterKind::Incidents,
                    entry: "INC-2026-003".to_owned(),
                    duties: vec!["csl.incident-report".to_owned()],
                    summary: "较大事件：勒索病毒，初报未发出".to_owned(),
                    status: EntryStatus::Open,
                    done: None,
                    due: Some(datetime!(2026-03-01 15:30 +08:00)),
                    next: None,
                    recorded: datetime!(2026-03-01 14:30 +08:00),
                    system: Some("core".to_owned()),
                },
                RegisterEvidence {
                    register: RegisterKind::Drills,
                    entry: "DR-2025-01".to_owned(),
                    duties: vec!["csl.cii-drills".to_owned()],
                    summary: "勒索病毒应急演练".to_owned(),
                    status: EntryStatus::Done,
                    done: Some(datetime!(2025-04-10 09:00 +08:00)),
                    due: None,
                    next: None,
                    recorded: datetime!(2025-04-11 09:00 +08:00),
                    system: None,
                },
            ],
        }),
    }
}

/// The assessment of the fixture.
pub fn assessment() -> Assessment {
    let p = profile();
    let e = evidence();
    duties::assess(duties::Inputs {
        profile: &p,
        at: AT,
        collected: COLLECTED,
        evidence: &e,
    })
}

/// An ordinary operator for whom everything is met: the report still
/// renders fully.
pub fn all_clear() -> Assessment {
    let text = r#"version = 1
[operator]
name = "清朗科技有限公司"
kind = "operator"
[operator.responsible]
name = "张三"
[[system]]
id = "web"
name = "官网"
mlps_level = 1
[[log_source]]
name = "fw1"
[[document]]
id = "all"
title = "网络安全制度汇编"
path = "docs/all.pdf"
duties = ["csl.security-management", "csl.malware-intrusion-defence", "csl.incident-plan",
          "csl.incident-report", "csl.no-attacks", "csl.law-enforcement-support",
          "csl.other-mlps-duties", "csl.data-classification-backup"]
approved = 2026-01-10
review_every = "1 year"
[[waiver]]
duty = "csl.data-classification-backup"
reason = "无业务数据存储"
owner = "张三"
expires = 2026-12-31
"#;
    let p = duties::profile::parse(text, Path::new("clear.toml")).unwrap_or_else(|e| panic!("{e}"));
    let mut e = evidence();
    e.vaults[0].sources.retain(|s| s.name == "fw1");
    e.scans.clear();
    e.documents = vec![DocumentEvidence {
        id: "all".to_owned(),
        path: "docs/all.pdf".to_owned(),
        collected: COLLECTED,
        sha256: Some(hash("all")),
        bytes: Some(1),
        error: None,
    }];
    e.registers = Some(RegisterSet {
        origin: "wangan-data/registers.db".to_owned(),
        collected: Some(COLLECTED),
        kept: vec![RegisterKind::Incidents],
        entries: vec![],
    });
    duties::assess(duties::Inputs {
        profile: &p,
        at: AT,
        collected: COLLECTED,
        evidence: &e,
    })
}
