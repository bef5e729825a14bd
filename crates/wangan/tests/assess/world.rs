//! A real operator's world, built once for all assess tests: a vault whose
//! records carry chosen receive times (written through the vault library,
//! the only seam that controls time — no flag of the binary can), a full
//! verification by the real `wangan vault verify`, data files scanned by the
//! real `wangan scan --save`, the documents, and four profiles.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use time::macros::datetime;
use time::{Duration, OffsetDateTime};
use vault::clock::{FixedClock, to_ns};
use vault::{Incoming, InitOptions, Vault};

use crate::{code, stderr, wangan_in, write};

/// The date the data-driven tests assess.
pub const AT: &str = "2026-03-01";

pub struct World {
    _tmp: tempfile::TempDir,
    pub root: PathBuf,
}

static WORLD: OnceLock<World> = OnceLock::new();

/// The shared world (built on first use).
pub fn world() -> &'static World {
    WORLD.get_or_init(build)
}

/// Append `source` records every `step` in `[from, to]`, skipping `holes`.
pub fn fill(
    v: &mut Vault,
    source: &str,
    from: OffsetDateTime,
    to: OffsetDateTime,
    step: Duration,
    holes: &[(OffsetDateTime, OffsetDateTime)],
) {
    let mut t = from;
    let mut n = 0u64;
    while t <= to {
        if !holes.iter().any(|(a, b)| t > *a && t < *b) {
            let line = format!(
                "<134>1 - {source} app - - - event {n} from 10.0.0.{}",
                n % 250
            );
            v.append(&Incoming {
                received_ns: to_ns(t),
                source,
                peer: "192.0.2.10:514",
                transport: "udp",
                raw: line.as_bytes(),
            })
            .unwrap_or_else(|e| panic!("append: {e}"));
            n += 1;
        }
        t += step;
    }
}

/// A new vault in `dir` whose clock stands at `clock`.
pub fn vault_at(dir: &Path, clock: OffsetDateTime) -> Vault {
    Vault::init_with_clock(dir, &InitOptions::default(), Arc::new(FixedClock(clock)))
        .unwrap_or_else(|e| panic!("init {}: {e}", dir.display()))
}

/// Commit, checkpoint and close.
pub fn finish(mut v: Vault) {
    v.commit().unwrap_or_else(|e| panic!("commit: {e}"));
    v.seal().unwrap_or_else(|e| panic!("seal: {e}"));
    v.checkpoint_now()
        .unwrap_or_else(|e| panic!("checkpoint: {e}"));
    v.close().unwrap_or_else(|e| panic!("close: {e}"));
}

/// `wangan vault verify` (full) in `root` on `dir`; must pass.
pub fn verify(root: &Path, dir: &str) {
    let o = wangan_in(root, &["vault", "verify", "--data-dir", dir]);
    assert_eq!(code(&o), 0, "vault verify {dir}: {}", stderr(&o));
}

/// A valid 18-digit resident ID (GB 11643 check digit).
pub fn resident_id(i: u32) -> String {
    let body = format!("110101{}{:03}", 19_800_101 + (i % 28), 100 + i % 800);
    let w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body
        .bytes()
        .zip(w)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    let check = b"10X98765432"[(sum % 11) as usize] as char;
    format!("{body}{check}")
}

fn customers_csv() -> String {
    let mut s = String::from("name,id_number,phone,city\n");
    for i in 0..60u32 {
        s.push_str(&format!(
            "客户{i},{},138{:08},杭州\n",
            resident_id(i),
            10_000_000 + i * 7
        ));
    }
    s
}

fn scan(root: &Path, target: &str) {
    let o = wangan_in(
        root,
        &[
            "scan",
            target,
            "--save",
            "--data-dir",
            "wangan-data",
            "--fail-on",
            "none",
        ],
    );
    assert_eq!(code(&o), 0, "scan {target}: {}", stderr(&o));
    assert!(stderr(&o).contains("scan result saved"), "{}", stderr(&o));
}

fn build() -> World {
    let tmp = crate::tempdir();
    let root = tmp.path().to_path_buf();

    // logs: seven months up to the end of the day assessed (China time)
    let from = datetime!(2025-08-01 00:00 +08:00);
    let to = datetime!(2026-03-01 23:50 +08:00);
    let mut v = vault_at(
        &root.join("wangan-data"),
        datetime!(2026-03-02 00:00 +08:00),
    );
    let step = Duration::minutes(20);
    fill(&mut v, "fw1", from, to, step, &[]);
    fill(&mut v, "app", from, to, step, &[]);
    // db: silent for three hours on 10 December
    let hole = (
        datetime!(2025-12-10 01:00 +08:00),
        datetime!(2025-12-10 04:00 +08:00),
    );
    fill(&mut v, "db", from, to, step, &[hole]);
    fill(
        &mut v,
        "stray",
        datetime!(2026-02-01 00:00 +08:00),
        datetime!(2026-02-02 00:00 +08:00),
        Duration::hours(1),
        &[],
    );
    finish(v);
    verify(&root, "wangan-data");

    // data: customers with ID numbers and phones (sensitive PI), a copy kept
    // in Hong Kong, and notes without personal information
    write(&root.join("exports/customers.csv"), customers_csv());
    write(&root.join("exports/hk/customers.csv"), customers_csv());
    write(
        &root.join("exports/notes/readme.txt"),
        "Quarterly figures are in the finance share.\n",
    );
    scan(&root, "exports/customers.csv");
    scan(&root, "exports/hk");
    scan(&root, "exports/notes");

    for doc in [
        "rules",
        "av",
        "plan",
        "aup",
        "dr",
        "annual",
        "realname",
        "standards",
        "maint",
        "consent",
        "cert",
        "disclosure",
    ] {
        write(
            &root.join(format!("docs/{doc}.pdf")),
            format!("%PDF-1.4 {doc}\n"),
        );
    }
    for (name, text) in PROFILES {
        write(&root.join(name), text);
    }
    World { _tmp: tmp, root }
}

/// The four example profiles.
pub const PROFILES: &[(&str, &str)] = &[
    ("ordinary.toml", ORDINARY),
    ("cii-finance.toml", CII_FINANCE),
    ("central-organ.toml", CENTRAL_ORGAN),
    ("provider.toml", PROVIDER),
];

const ORDINARY: &str = r#"version = 1
[operator]
name = "示例电商有限公司"
kind = "operator"
sector = "互联网零售"
province = "浙江省"
[operator.responsible]
name = "张三"
title = "安全总监"
[[system]]
id = "shop"
name = "商城"
mlps_level = 2
[[log_source]]
name = "fw1"
system = "shop"
[[log_source]]
name = "app"
system = "shop"
[[data_store]]
id = "customers"
target = "exports/customers.csv"
system = "shop"
country = "CN"
[[document]]
id = "rules"
title = "网络安全管理制度"
path = "docs/rules.pdf"
duties = ["csl.security-management"]
approved = 2025-10-01
review_every = "1 year"
[[document]]
id = "av"
title = "防病毒和入侵防范措施清单"
path = "docs/av.pdf"
duties = ["csl.malware-intrusion-defence"]
approved = 2025-06-01
review_every = "1 year"
[[document]]
id = "plan"
title = "网络安全事件应急预案"
path = "docs/plan.pdf"
duties = ["csl.incident-plan"]
approved = 2025-12-01
[[document]]
id = "aup"
title = "可接受使用政策"
path = "docs/aup.pdf"
duties = ["csl.no-attacks"]
approved = 2025-01-01
"#;

const CII_FINANCE: &str = r#"version = 1
[operator]
name = "某城市商业银行股份有限公司"
kind = "cii-operator"
real_name_services = ["access"]
sector = "金融"
province = "浙江省"
[operator.responsible]
name = "王五"
title = "首席信息安全官"
[[system]]
id = "core"
name = "核心业务系统"
grading = { business = "social:especially-serious", service = "social:serious" }
[[log_source]]
name = "fw1"
system = "core"
[[log_source]]
name = "app"
system = "core"
[[log_source]]
name = "db"
system = "core"
[[data_store]]
id = "core"
target = "exports/customers.csv"
system = "core"
country = "CN"
important = true
backup_every = "1 day"
restore_tested = 2025-12-01
encrypted = true
encryption = "SM4 TDE"
[[data_store]]
id = "hk"
target = "exports/hk"
country = "HK"
[[document]]
id = "rules"
title = "网络安全管理制度及安全管理机构设置"
path = "docs/rules.pdf"
duties = ["csl.security-management", "csl.cii-security-organisation"]
approved = 2025-10-01
review_every = "1 year"
[[document]]
id = "plan"
title = "网络安全事件应急预案"
path = "docs/plan.pdf"
duties = ["csl.incident-plan"]
approved = 2025-12-01
review_every = "1 year"
[[document]]
id = "dr"
title = "容灾备份方案"
path = "docs/dr.pdf"
duties = ["csl.cii-disaster-recovery"]
approved = 2025-10-01
[[document]]
id = "annual"
title = "2024年度检测评估报告"
path = "docs/annual.pdf"
duties = ["csl.cii-annual-assessment"]
approved = 2025-01-20
[[document]]
id = "aup"
title = "可接受使用政策"
path = "docs/aup.pdf"
duties = ["csl.no-attacks"]
approved = 2025-01-01
[[document]]
id = "realname"
title = "网络接入实名核验流程"
path = "docs/realname.pdf"
duties = ["csl.real-name"]
approved = 2025-03-01
[[waiver]]
duty = "csl.cii-national-security-review"
reason = "本年度无可能影响国家安全的采购"
owner = "李四"
expires = 2026-06-30
"#;

const CENTRAL_ORGAN: &str = r#"version = 1
[operator]
name = "某部信息中心"
kind = "central-organ"
[operator.responsible]
name = "赵六"
[[log_source]]
name = "fw1"
[[document]]
id = "rules"
title = "网络安全管理制度"
path = "docs/rules.pdf"
duties = ["csl.security-management"]
approved = 2024-12-01
review_every = "1 year"
[[waiver]]
duty = "csl.incident-report"
reason = "事件登记簿建设中"
owner = "赵六"
expires = 2026-03-01
[[waiver]]
duty = "csl.law-enforcement-support"
reason = "协助流程由上级单位统一制定"
owner = "赵六"
expires = 2026-03-02
"#;

const PROVIDER: &str = r#"version = 1
[operator]
name = "某网络设备制造有限公司"
kind = "operator"
provider = true
critical_equipment = true
security_services = true
real_name_services = ["publishing", "instant-messaging"]
[operator.responsible]
name = "孙七"
[[log_source]]
name = "fw9"
[[data_store]]
id = "notes"
target = "exports/notes"
country = "US"
[[document]]
id = "rules"
title = "网络安全管理制度"
path = "docs/rules.pdf"
duties = ["csl.security-management"]
approved = 2025-10-01
[[document]]
id = "standards"
title = "强制性国家标准符合性检测报告"
path = "docs/standards.pdf"
duties = ["csl.product-standards"]
approved = 2025-09-01
[[document]]
id = "maint"
title = "产品安全维护政策"
path = "docs/maint.pdf"
duties = ["csl.product-maintenance"]
approved = 2025-09-01
[[document]]
id = "consent"
title = "隐私政策和同意记录"
path = "docs/consent.pdf"
duties = ["csl.product-user-consent"]
approved = 2025-09-01
[[document]]
id = "cert"
title = "网络关键设备安全认证证书"
path = "docs/cert.pdf"
duties = ["csl.critical-equipment-certification"]
approved = 2025-09-01
[[document]]
id = "disclosure"
title = "漏洞处置和信息发布流程"
path = "docs/disclosure.pdf"
duties = ["csl.security-services-rules", "csl.product-flaw-remedy"]
approved = 2025-09-01
"#;
