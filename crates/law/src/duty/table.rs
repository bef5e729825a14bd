//! The duty table: every duty of chapter 3 as data, with the small
//! constructors that keep the table readable. The types live in the parent
//! module.

use super::{
    Bearer, Capability, Change, Clock, ClockRule, Duty, Evidence, Kind, Penalty, Period, Provision,
};
use crate::{Loc, Part, Status, Text, Version};

const fn at(version: Version, (article, part): (u16, Part)) -> Loc {
    Loc {
        version,
        article,
        part,
    }
}

/// Sources in the three numberings, each stated.
const fn src(
    draft: Option<(u16, Part)>,
    y2016: (u16, Part),
    y2025: (u16, Part),
) -> [Option<Loc>; 3] {
    [
        match draft {
            Some(d) => Some(at(Version::Draft2015, d)),
            None => None,
        },
        Some(at(Version::Csl2016, y2016)),
        Some(at(Version::Csl2025, y2025)),
    ]
}

const fn a(n: u16) -> (u16, Part) {
    (n, Part::Whole)
}
const fn p(n: u16, para: u8) -> (u16, Part) {
    (n, Part::Paragraph(para))
}
const fn i(n: u16, item: u8) -> (u16, Part) {
    (n, Part::Item(item))
}

const fn t(zh: &'static str, en: &'static str) -> Text {
    Text::new(zh, en)
}

const fn supplied(zh: &'static str, en: &'static str) -> Evidence {
    Evidence::Supplied { what: t(zh, en) }
}

const fn auto(capability: Capability, zh: &'static str, en: &'static str) -> Evidence {
    Evidence::Auto {
        capability,
        what: t(zh, en),
    }
}

const LAW_TEXT: Text = t("法律条文", "the law's text");
const INCIDENT_RULES: Text = t(
    "《国家网络安全事件报告管理办法》（2025年11月1日施行）",
    "Measures for Reporting National Cybersecurity Incidents (in force 2025-11-01)",
);
const VULN_RULES: Text = t(
    "《网络产品安全漏洞管理规定》（2021年）",
    "Provisions on the Management of Security Vulnerabilities of Network Products (2021)",
);

const fn prov(article: u16, part: Part) -> Provision {
    Provision { article, part }
}

/// A penalty read in the vendored chapter 6 of its version.
const fn pen(version: Version, provisions: &'static [Provision], note: Text) -> Penalty {
    Penalty {
        version,
        provisions,
        status: Status::Verified,
        note: Some(note),
    }
}

/// 2016 art. 59¶1 / 2025 art. 61¶1 and ¶3 for operators (2016 art. 21, 25).
const OPERATOR_59_61: &[Penalty] = &[
    pen(
        Version::Csl2016,
        &[prov(59, Part::Paragraph(1))],
        t(
            "首次违法只责令改正、给予警告；拒不改正或者导致危害后果的，处一万元以上十万元以下罚款，直接负责的主管人员五千元以上五万元以下。",
            "A first breach: an order to correct and a warning; on refusal or harm ¥10k–100k, the responsible manager ¥5k–50k.",
        ),
    ),
    pen(
        Version::Csl2025,
        &[prov(61, Part::Paragraph(1)), prov(61, Part::Paragraph(3))],
        t(
            "自2026年1月1日起首次违法即可处一万元以上五万元以下罚款；拒不改正或者导致危害后果的，五万元至五十万元，直接负责人员一万元至十万元；造成大量数据泄露等严重后果的五十万元至二百万元，特别严重的二百万元至一千万元。",
            "From 2026-01-01 a first breach may be fined ¥10k–50k at once; refusal or harm ¥50k–500k, responsible persons ¥10k–100k; serious harm (e.g. a mass data leak) ¥500k–2M, especially serious ¥2M–10M.",
        ),
    ),
];

/// 2016 art. 59¶2 / 2025 art. 61¶2 and ¶3 for CII operators (2016 art. 33, 34, 36, 38).
const CII_59_61: &[Penalty] = &[
    pen(
        Version::Csl2016,
        &[prov(59, Part::Paragraph(2))],
        t(
            "首次违法只责令改正、给予警告；拒不改正或者导致危害后果的，处十万元以上一百万元以下罚款，直接负责的主管人员一万元以上十万元以下。",
            "A first breach: an order to correct and a warning; on refusal or harm ¥100k–1M, the responsible manager ¥10k–100k.",
        ),
    ),
    pen(
        Version::Csl2025,
        &[prov(61, Part::Paragraph(2)), prov(61, Part::Paragraph(3))],
        t(
            "自2026年1月1日起首次违法即可处五万元以上十万元以下罚款；拒不改正或者导致危害后果的，十万元至一百万元，直接负责人员一万元至十万元；造成关键信息基础设施丧失局部功能等严重后果的五十万元至二百万元，丧失主要功能等特别严重后果的二百万元至一千万元。",
            "From 2026-01-01 a first breach may be fined ¥50k–100k at once; refusal or harm ¥100k–1M, responsible persons ¥10k–100k; serious harm (CII loses part of its function) ¥500k–2M, especially serious (loses its main functions) ¥2M–10M.",
        ),
    ),
];

const PRODUCT_NOTE_2016: Text = t(
    "责令改正、给予警告；拒不改正或者导致危害后果的，处五万元以上五十万元以下罚款，直接负责的主管人员一万元以上十万元以下。",
    "An order to correct and a warning; on refusal or harm ¥50k–500k, the responsible manager ¥10k–100k.",
);
const PRODUCT_NOTE_2025: Text = t(
    "责令改正、给予警告；拒不改正或者导致危害后果的，处五万元以上五十万元以下罚款，直接负责的主管人员一万元以上十万元以下；设置恶意程序或者未补救、告知、报告漏洞，造成第六十一条第三款规定后果的，依照该款处罚。",
    "An order to correct and a warning; on refusal or harm ¥50k–500k, the responsible manager ¥10k–100k; malware or unremedied, untold or unreported flaws causing the harm of art. 61¶3 are fined under that paragraph.",
);
const NONE_ENFORCEABLE: &[Penalty] = &[];

pub(super) static DUTIES: [Duty; 34] = [
    // ---- 第一节 一般规定 ----
    Duty {
        id: "csl.security-management",
        bearer: Bearer::NetworkOperator,
        kind: Kind::Obligation,
        title: t(
            "安全管理制度和网络安全负责人",
            "Security rules and a person responsible",
        ),
        summary: t(
            "制定内部安全管理制度和操作规程，确定网络安全负责人，落实网络安全保护责任。",
            "Write internal security rules and operating procedures, name the person responsible for network security, and assign security responsibilities.",
        ),
        sources: src(Some(i(17, 1)), i(21, 1), i(23, 1)),
        evidence: &[supplied(
            "安全管理制度和操作规程文本；网络安全负责人的任命文件",
            "The written security rules and procedures; the appointment of the person responsible",
        )],
        clocks: &[],
        penalties: OPERATOR_59_61,
        since_draft: Change::Unchanged,
        change_note: t(
            "与草案第十七条第一项文字相同。",
            "Same words as draft 17(1).",
        ),
    },
    Duty {
        id: "csl.malware-intrusion-defence",
        bearer: Bearer::NetworkOperator,
        kind: Kind::Obligation,
        title: t(
            "防范病毒、攻击和侵入的技术措施",
            "Defences against malware, attacks and intrusion",
        ),
        summary: t(
            "采取防范计算机病毒和网络攻击、网络侵入等危害网络安全行为的技术措施。",
            "Put technical measures in place against computer viruses, network attacks, intrusion and other harmful acts.",
        ),
        sources: src(Some(i(17, 2)), i(21, 2), i(23, 2)),
        evidence: &[supplied(
            "防病毒、入侵防范等技术措施清单（产品、版本、覆盖范围）",
            "An inventory of anti-malware and intrusion-prevention measures (product, version, coverage)",
        )],
        clocks: &[],
        penalties: OPERATOR_59_61,
        since_draft: Change::Reworded,
        change_note: t(
            "草案用“网络入侵”，定稿改为“网络侵入”。",
            "The draft said 网络入侵; the final text says 网络侵入.",
        ),
    },
    Duty {
        id: "csl.log-retention",
        bearer: Bearer::NetworkOperator,
        kind: Kind::Obligation,
        title: t(
            "监测记录并留存网络日志不少于六个月",
            "Monitor, record and keep network logs for at least six months",
        ),
        summary: t(
            "采取监测、记录网络运行状态和网络安全事件的技术措施，并按照规定留存相关的网络日志不少于六个月。",
            "Monitor and record the network's operating state and security events, and keep the relevant network logs for at least six months as required.",
        ),
        sources: src(Some(i(17, 3)), i(21, 3), i(23, 3)),
        evidence: &[
            auto(
                Capability::Vault,
                "wangan vault：防篡改留存日志，证明不少于六个月且未被改动",
                "wangan vault: keeps logs tamper-evidently and proves at least six months, unchanged",
            ),
            supplied(
                "日志来源清单（系统、网络设备、安全设备）",
                "A list of log sources (systems, network and security devices)",
            ),
        ],
        clocks: &[Clock {
            rule: ClockRule::KeepAtLeast(Period::Months(6)),
            what: t(
                "相关网络日志留存不少于六个月（按日历月计算，即181至184天，不是固定的180天）",
                "Keep the relevant network logs at least six calendar months (181–184 days by the calendar, never a fixed 180)",
            ),
            basis: LAW_TEXT,
            status: Status::Verified,
        }],
        penalties: OPERATOR_59_61,
        since_draft: Change::Substantive,
        change_note: t(
            "草案第十七条第三项只要求“按照规定留存网络日志”，没有期限；“不少于六个月”的最低期限是草案之后才加入的。定稿还把“记录、跟踪网络运行状态”改为“监测、记录”，并限定为“相关的”网络日志。",
            "Draft 17(3) only said to keep network logs \"as required\", with no period: the six-month minimum was added after the draft. The final text also says \"monitor and record\" instead of \"record and track\", and limits the duty to the relevant logs.",
        ),
    },
    Duty {
        id: "csl.data-classification-backup",
        bearer: Bearer::NetworkOperator,
        kind: Kind::Obligation,
        title: t(
            "数据分类、重要数据备份和加密",
            "Data classification; backup and encryption of important data",
        ),
        summary: t(
            "采取数据分类、重要数据备份和加密等措施。",
            "Classify data, and back up and encrypt important data.",
        ),
        sources: src(Some(i(17, 4)), i(21, 4), i(23, 4)),
        evidence: &[
            auto(
                Capability::Scan,
                "数据扫描：发现并分级个人信息和重要数据",
                "Data scan: finds and grades personal and important data",
            ),
            supplied(
                "数据分类目录；备份和加密记录",
                "The data classification; backup and encryption records",
            ),
        ],
        clocks: &[],
        penalties: OPERATOR_59_61,
        since_draft: Change::Unchanged,
        change_note: t(
            "与草案第十七条第四项文字相同。",
            "Same words as draft 17(4).",
        ),
    },
    Duty {
        id: "csl.other-mlps-duties",
        bearer: Bearer::NetworkOperator,
        kind: Kind::Obligation,
        title: t(
            "法律、行政法规规定的其他等级保护义务",
            "Other MLPS duties set by laws and regulations",
        ),
        summary: t(
            "履行法律、行政法规规定的其他安全保护义务。",
            "Meet the other security duties that laws and administrative regulations set.",
        ),
        sources: src(Some(i(17, 5)), i(21, 5), i(23, 5)),
        evidence: &[supplied(
            "适用的法律、行政法规清单及履行记录（如等级保护定级、备案材料）",
            "A list of the laws and regulations that apply, with records of meeting them (e.g. MLPS grading and filing papers)",
        )],
        clocks: &[],
        penalties: OPERATOR_59_61,
        since_draft: Change::Unchanged,
        change_note: t(
            "与草案第十七条第五项文字相同；草案第十七条第二款（具体办法由国务院规定）未写入定稿。",
            "Same words as draft 17(5); draft 17¶2 (the State Council sets the detailed rules) was dropped.",
        ),
    },
    Duty {
        id: "csl.product-standards",
        bearer: Bearer::Provider,
        kind: Kind::Obligation,
        title: t(
            "符合强制性国家标准，不设恶意程序",
            "Meet mandatory national standards; no malicious programs",
        ),
        summary: t(
            "网络产品、服务应当符合相关国家标准的强制性要求；提供者不得设置恶意程序。",
            "Network products and services must meet the mandatory requirements of national standards; providers must not plant malicious programs.",
        ),
        sources: src(Some(p(18, 1)), p(22, 1), p(24, 1)),
        evidence: &[supplied(
            "符合强制性国家标准的检测报告或声明；无恶意程序的代码审查或检测记录",
            "Test reports or declarations of conformity with mandatory national standards; code review or testing for malicious programs",
        )],
        clocks: &[],
        penalties: &[
            pen(
                Version::Csl2016,
                &[prov(60, Part::Item(1))],
                t(
                    "责令改正、给予警告；拒不改正或者导致危害后果的，处五万元以上五十万元以下罚款，直接负责的主管人员一万元以上十万元以下。第六十条只列举设置恶意程序、未补救或未告知报告漏洞、擅自终止安全维护三种行为，不符合强制性国家标准本身不在其列。",
                    "An order to correct and a warning; on refusal or harm ¥50k–500k, the responsible manager ¥10k–100k. Art. 60 lists only malware, unremedied or unreported flaws and stopped maintenance; not meeting a mandatory standard as such is not among them.",
                ),
            ),
            pen(
                Version::Csl2025,
                &[prov(62, Part::Item(1)), prov(62, Part::Paragraph(2))],
                t(
                    "同2016年第六十条；设置恶意程序造成第六十一条第三款规定后果的，依照该款处罚。第六十二条只列举三种行为，不符合强制性国家标准本身不在其列。",
                    "As 2016 art. 60; malware causing the harm of art. 61¶3 is fined under that paragraph. Art. 62 lists only three acts; not meeting a mandatory standard as such is not among them.",
                ),
            ),
        ],
        since_draft: Change::Substantive,
        change_note: t(
            "草案要求符合“国家标准、行业标准”；定稿只要求符合国家标准的强制性要求。",
            "The draft required conformity with national and industry standards; the final text only with the mandatory requirements of national standards.",
        ),
    },
    Duty {
        id: "csl.product-flaw-remedy",
        bearer: Bearer::Provider,
        kind: Kind::Obligation,
        title: t(
            "缺陷漏洞立即补救、告知用户并报告",
            "Fix flaws at once, tell users, report to the authorities",
        ),
        summary: t(
            "发现产品、服务存在安全缺陷、漏洞等风险时，立即采取补救措施，按照规定及时告知用户并向有关主管部门报告。",
            "On finding a security flaw or vulnerability, remedy it at once, tell users in time as required and report to the competent authorities.",
        ),
        sources: src(Some(p(18, 1)), p(22, 1), p(24, 1)),
        evidence: &[
            auto(
                Capability::Registers,
                "漏洞登记簿：发现、验证、报告、修复和告知用户的时间",
                "Vulnerability register: when each flaw was found, verified, reported, fixed and users told",
            ),
            supplied(
                "向主管部门（如工业和信息化部漏洞平台）报送的回执",
                "Receipts of reports to the authorities (e.g. the MIIT vulnerability platform)",
            ),
        ],
        clocks: &[
            Clock {
                rule: ClockRule::Immediately,
                what: t(
                    "发现缺陷、漏洞后立即采取补救措施",
                    "Start remedying a flaw as soon as it is found",
                ),
                basis: LAW_TEXT,
                status: Status::Verified,
            },
            Clock {
                rule: ClockRule::Within(Period::Days(2)),
                what: t(
                    "发现漏洞后2日内向工业和信息化部网络安全威胁和漏洞信息共享平台报送（产品名称、型号、版本、技术特点、危害和影响范围）",
                    "Report a vulnerability to the MIIT vulnerability platform within 2 days (product, model, version, technical characteristics, harm, scope)",
                ),
                basis: VULN_RULES,
                status: Status::Secondary,
            },
        ],
        penalties: &[
            pen(
                Version::Csl2016,
                &[prov(60, Part::Item(2))],
                PRODUCT_NOTE_2016,
            ),
            pen(
                Version::Csl2025,
                &[prov(62, Part::Item(2)), prov(62, Part::Paragraph(2))],
                PRODUCT_NOTE_2025,
            ),
        ],
        since_draft: Change::Substantive,
        change_note: t(
            "草案只要求“及时向用户告知并采取补救措施”；定稿要求“立即”补救，并增加了向有关主管部门报告。",
            "The draft only asked to tell users in time and remedy; the final text requires remedy at once and adds a report to the competent authorities.",
        ),
    },
    Duty {
        id: "csl.product-maintenance",
        bearer: Bearer::Provider,
        kind: Kind::Obligation,
        title: t("持续提供安全维护", "Keep maintaining security"),
        summary: t(
            "为产品、服务持续提供安全维护；在规定或者约定的期限内不得终止。",
            "Keep providing security maintenance for products and services; do not stop within the period set by rules or agreed.",
        ),
        sources: src(Some(p(18, 2)), p(22, 2), p(24, 2)),
        evidence: &[supplied(
            "安全维护政策和各产品的维护期限（合同或公告）",
            "The security maintenance policy and each product's support period (contract or notice)",
        )],
        clocks: &[],
        penalties: &[
            pen(
                Version::Csl2016,
                &[prov(60, Part::Item(3))],
                PRODUCT_NOTE_2016,
            ),
            pen(
                Version::Csl2025,
                &[prov(62, Part::Item(3))],
                PRODUCT_NOTE_2016,
            ),
        ],
        since_draft: Change::Reworded,
        change_note: t(
            "草案用“期间”，定稿改为“期限”。",
            "The draft said 期间 (period); the final text 期限 (term).",
        ),
    },
    Duty {
        id: "csl.product-user-consent",
        bearer: Bearer::Provider,
        kind: Kind::Obligation,
        title: t(
            "收集用户信息须明示并取得同意",
            "Tell users and get consent before collecting their information",
        ),
        summary: t(
            "产品、服务具有收集用户信息功能的，提供者应当向用户明示并取得同意；涉及个人信息的，还应遵守个人信息保护规定。",
            "Where a product or service collects user information, the provider must tell users and get their consent, and follow the personal-information rules.",
        ),
        sources: src(Some(p(18, 1)), p(22, 3), p(24, 3)),
        evidence: &[supplied(
            "隐私政策、告知文本和同意记录",
            "The privacy notice and consent records",
        )],
        clocks: &[],
        penalties: &[
            pen(
                Version::Csl2016,
                &[prov(64, Part::Paragraph(1))],
                t(
                    "责令改正，可单处或者并处警告、没收违法所得、违法所得一倍以上十倍以下罚款，没有违法所得的处一百万元以下罚款；情节严重的可责令暂停业务、停业整顿、关闭网站、吊销许可证或者营业执照。",
                    "An order to correct, with a warning, confiscation, or a fine of 1–10× the illegal gains (up to ¥1M without gains); in serious cases suspension, closure or revoked licences.",
                ),
            ),
            pen(
                Version::Csl2025,
                &[prov(71, Part::Item(2))],
                t(
                    "2025年文本不再自设罚则，依照有关法律、行政法规（如《个人信息保护法》）处理、处罚。",
                    "The 2025 text sets no penalty of its own: the other laws and regulations (e.g. the PIPL) apply.",
                ),
            ),
        ],
        since_draft: Change::Substantive,
        change_note: t(
            "草案中这是第十八条第一款的一句；定稿单列为第三款，并增加了遵守个人信息保护规定的要求。",
            "In the draft this was one sentence of 18¶1; the final text makes it its own paragraph and adds the personal-information rules.",
        ),
    },
    Duty {
        id: "csl.critical-equipment-certification",
        bearer: Bearer::Provider,
        kind: Kind::Obligation,
        title: t(
            "关键设备和专用产品须认证或检测",
            "Critical equipment and security products need certification or testing",
        ),
        summary: t(
            "网络关键设备和网络安全专用产品须经具备资格的机构安全认证合格或者安全检测符合要求后，方可销售或者提供。",
            "Critical network equipment and network security products may be sold or provided only after a qualified body certifies or tests them.",
        ),
        sources: src(Some(a(19)), a(23), a(25)),
        evidence: &[supplied(
            "目录内每种产品的安全认证证书或检测报告",
            "The certificate or test report for each product in the catalog",
        )],
        clocks: &[],
        penalties: &[
            Penalty {
                version: Version::Csl2016,
                provisions: &[],
                status: Status::Verified,
                note: Some(t(
                    "2016年文本对此没有专门罚则（2025年第六十三条为新增）。",
                    "The 2016 text had no penalty for this (2025 art. 63 is new).",
                )),
            },
            pen(
                Version::Csl2025,
                &[prov(63, Part::Whole)],
                t(
                    "责令停止销售或者提供，给予警告，没收违法所得；没有违法所得或者不足十万元的并处二万元以上十万元以下罚款，十万元以上的并处一倍以上五倍以下罚款；情节严重的可责令暂停业务、停业整顿、吊销许可证或者营业执照。",
                    "An order to stop selling, a warning and confiscation; a fine of ¥20k–100k (or 1–5× gains of ¥100k or more); in serious cases suspension or revoked licences.",
                ),
            ),
        ],
        since_draft: Change::Substantive,
        change_note: t(
            "草案要求符合“国家标准、行业标准的强制性要求”且只管“销售”；定稿只提国家标准，并扩大到“销售或者提供”。",
            "The draft named national and industry standards and covered only sale; the final text names national standards only and covers sale or provision.",
        ),
    },
    Duty {
        id: "csl.real-name",
        bearer: Bearer::NetworkOperator,
        kind: Kind::Obligation,
        title: t("用户真实身份信息", "Real identity of users"),
        summary: t(
            "办理网络接入、域名注册、入网手续，或提供信息发布、即时通讯等服务时，要求用户提供真实身份信息；不提供的不得提供服务。",
            "For network access, domain registration, phone sign-up, publishing or instant messaging, require users' real identity; serve no one who refuses.",
        ),
        sources: src(Some(p(20, 1)), p(24, 1), p(26, 1)),
        evidence: &[supplied(
            "实名核验流程说明和核验记录",
            "The identity verification procedure and its records",
        )],
        clocks: &[],
        penalties: &[
            pen(
                Version::Csl2016,
                &[prov(61, Part::Whole)],
                t(
                    "责令改正；拒不改正或者情节严重的，处五万元以上五十万元以下罚款，可责令暂停业务、停业整顿、关闭网站、吊销许可证或者营业执照，直接责任人员一万元以上十万元以下。",
                    "An order to correct; on refusal or in serious cases ¥50k–500k, possibly suspension, closure or revoked licences; responsible persons ¥10k–100k.",
                ),
            ),
            pen(
                Version::Csl2025,
                &[prov(64, Part::Whole)],
                t(
                    "同2016年第六十一条，并增加关闭应用程序。",
                    "As 2016 art. 61, adding the closure of apps.",
                ),
            ),
        ],
        since_draft: Change::Substantive,
        change_note: t(
            "草案只涵盖“信息发布服务”；定稿增加了“即时通讯等服务”。",
            "The draft covered publishing services only; the final text adds instant messaging and similar services.",
        ),
    },
    Duty {
        id: "csl.trusted-identity",
        bearer: Bearer::Authorities,
        kind: Kind::AuthorityRole,
        title: t("网络可信身份战略", "Trusted online identity strategy"),
        summary: t(
            "国家实施网络可信身份战略，支持电子身份认证技术并推动互认。",
            "The State runs a trusted online identity strategy, supports electronic identity technology and mutual recognition.",
        ),
        sources: src(Some(p(20, 2)), p(24, 2), p(26, 2)),
        evidence: &[],
        clocks: &[],
        penalties: NONE_ENFORCEABLE,
        since_draft: Change::Substantive,
        change_note: t(
            "草案只说国家支持电子身份认证技术；定稿增加了“实施网络可信身份战略”。",
            "The draft only had the State support identity technology; the final text adds the trusted identity strategy.",
        ),
    },
    Duty {
        id: "csl.incident-plan",
        bearer: Bearer::NetworkOperator,
        kind: Kind::Obligation,
        title: t(
            "应急预案与安全风险处置",
            "Incident response plan; handle security risks",
        ),
        summary: t(
            "制定网络安全事件应急预案，及时处置系统漏洞、计算机病毒、网络攻击、网络侵入等安全风险。",
            "Have a cybersecurity incident response plan and deal promptly with vulnerabilities, viruses, attacks and intrusions.",
        ),
        sources: src(Some(a(21)), a(25), a(27)),
        evidence: &[
            supplied("网络安全事件应急预案", "The incident response plan"),
            auto(
                Capability::Registers,
                "漏洞和风险处置登记",
                "Register of vulnerabilities and risks handled",
            ),
        ],
        clocks: &[],
        penalties: OPERATOR_59_61,
        since_draft: Change::Reworded,
        change_note: t(
            "草案为“网络入侵、网络攻击”，定稿为“网络攻击、网络侵入”。",
            "The draft listed 网络入侵、网络攻击; the final text 网络攻击、网络侵入.",
        ),
    },
    Duty {
        id: "csl.incident-report",
        bearer: Bearer::NetworkOperator,
        kind: Kind::Obligation,
        title: t(
            "发生事件时启动预案、补救并报告",
            "On an incident: start the plan, remedy, report",
        ),
        summary: t(
            "发生危害网络安全的事件时，立即启动应急预案，采取补救措施，并按照规定向有关主管部门报告。",
            "When an incident harms network security, start the plan at once, take remedial measures and report to the competent authorities as required.",
        ),
        sources: src(Some(a(21)), a(25), a(27)),
        evidence: &[
            auto(
                Capability::Registers,
                "事件登记簿：发现、定级、报告、处置和总结的时间",
                "Incident register: when each incident was found, graded, reported, handled and summarised",
            ),
            auto(
                Capability::Vault,
                "事件前后的原始日志及其完整性证明",
                "The raw logs around the incident, with integrity proofs",
            ),
            supplied("报送主管部门的报告副本", "Copies of the reports sent"),
        ],
        clocks: &[
            Clock {
                rule: ClockRule::Immediately,
                what: t("立即启动应急预案", "Start the response plan at once"),
                basis: LAW_TEXT,
                status: Status::Verified,
            },
            Clock {
                rule: ClockRule::Within(Period::Hours(1)),
                what: t(
                    "较大及以上事件：关键信息基础设施运营者自发现起1小时内报告保护工作部门和公安机关",
                    "Incidents graded 较大 or higher: CII operators report to the sector protection department and public security within 1 hour of discovery",
                ),
                basis: INCIDENT_RULES,
                status: Status::Secondary,
            },
            Clock {
                rule: ClockRule::Within(Period::Hours(2)),
                what: t(
                    "较大及以上事件：中央和国家机关自发现起2小时内报告本单位网信部门",
                    "Incidents graded 较大 or higher: central and state organs report to their cyberspace office within 2 hours of discovery",
                ),
                basis: INCIDENT_RULES,
                status: Status::Secondary,
            },
            Clock {
                rule: ClockRule::Within(Period::Hours(4)),
                what: t(
                    "较大及以上事件：其他网络运营者自发现起4小时内报告省级网信部门",
                    "Incidents graded 较大 or higher: all other operators report to the provincial cyberspace office within 4 hours of discovery",
                ),
                basis: INCIDENT_RULES,
                status: Status::Secondary,
            },
            Clock {
                rule: ClockRule::Within(Period::Days(30)),
                what: t(
                    "处置结束后30日内报送总结报告（原因、措施、危害、追责、整改、教训）",
                    "Send a summary report within 30 days after handling ends (cause, measures, harm, accountability, fixes, lessons)",
                ),
                basis: INCIDENT_RULES,
                status: Status::Secondary,
            },
        ],
        penalties: OPERATOR_59_61,
        since_draft: Change::Unchanged,
        change_note: t(
            "启动预案、补救和报告的文字与草案第二十一条后半句相同。",
            "Same words as the second half of draft art. 21.",
        ),
    },
    Duty {
        id: "csl.security-services-rules",
        bearer: Bearer::Anyone,
        kind: Kind::Obligation,
        title: t(
            "认证、检测、评估和发布漏洞须守规定",
            "Certification, testing, assessment and publishing vulnerabilities follow state rules",
        ),
        summary: t(
            "开展网络安全认证、检测、风险评估，或向社会发布系统漏洞、病毒、攻击、侵入等信息，应当遵守国家有关规定。",
            "Whoever certifies, tests or assesses risk, or publishes vulnerabilities, viruses, attacks or intrusions, must follow the State's rules.",
        ),
        sources: src(None, a(26), a(28)),
        evidence: &[supplied(
            "漏洞信息发布流程及其合规审查记录",
            "The vulnerability disclosure procedure and its compliance reviews",
        )],
        clocks: &[],
        penalties: &[
            pen(
                Version::Csl2016,
                &[prov(62, Part::Whole)],
                t(
                    "责令改正、给予警告；拒不改正或者情节严重的，处一万元以上十万元以下罚款，可责令暂停业务等，直接责任人员五千元以上五万元以下。",
                    "An order to correct and a warning; on refusal or in serious cases ¥10k–100k, possibly suspension; responsible persons ¥5k–50k.",
                ),
            ),
            pen(
                Version::Csl2025,
                &[prov(65, Part::Whole)],
                t(
                    "责令改正、给予警告，可以处一万元以上十万元以下罚款；拒不改正或者情节严重的，十万元以上一百万元以下，直接责任人员一万元以上十万元以下；造成第六十一条第三款规定后果的，依照该款处罚。",
                    "An order to correct and a warning, possibly ¥10k–100k at once; on refusal or in serious cases ¥100k–1M, responsible persons ¥10k–100k; the harm of art. 61¶3 is fined under that paragraph.",
                ),
            ),
        ],
        since_draft: Change::New,
        change_note: t(
            "定稿新增，草案无对应条文。",
            "New in the final text; the draft has no counterpart.",
        ),
    },
    Duty {
        id: "csl.no-attacks",
        bearer: Bearer::Anyone,
        kind: Kind::Prohibition,
        title: t(
            "不得侵入、攻击或帮助他人",
            "No intrusion, no attack tools, no help to attackers",
        ),
        summary: t(
            "不得非法侵入他人网络、干扰其功能或窃取数据；不得提供专门用于此类活动的程序、工具；明知他人从事此类活动的，不得提供帮助。",
            "Do not intrude, disrupt or steal data; do not provide programs or tools made for that; do not knowingly help others do it.",
        ),
        sources: src(Some(a(22)), a(27), a(29)),
        evidence: &[supplied(
            "可接受使用政策；安全测试的授权书",
            "The acceptable-use policy; written authorisation for security testing",
        )],
        clocks: &[],
        penalties: &[
            pen(
                Version::Csl2016,
                &[prov(63, Part::Whole)],
                t(
                    "尚不构成犯罪的，由公安机关没收违法所得、拘留并可处罚款；单位处十万元以上一百万元以下罚款；受处罚人员在一定期限内或者终身不得从事网络安全管理和网络运营关键岗位工作。",
                    "Short of a crime: confiscation, detention and fines by the public security organs; organisations ¥100k–1M; those punished are barred from key security posts for years or for life.",
                ),
            ),
            pen(
                Version::Csl2025,
                &[prov(66, Part::Whole)],
                t("同2016年第六十三条。", "As 2016 art. 63."),
            ),
        ],
        since_draft: Change::Substantive,
        change_note: t(
            "定稿改为“非法”侵入、“专门用于”的程序工具，帮助行为须“明知”；草案还禁止提供“制作方法”。",
            "The final text adds \"illegal\" intrusion, tools \"specially made\" for attacks, and knowledge for helping; the draft also banned providing methods of making tools.",
        ),
    },
    Duty {
        id: "csl.law-enforcement-support",
        bearer: Bearer::NetworkOperator,
        kind: Kind::Obligation,
        title: t(
            "为公安、国家安全机关提供技术支持",
            "Technical support for public and state security organs",
        ),
        summary: t(
            "为公安机关、国家安全机关依法维护国家安全和侦查犯罪的活动提供技术支持和协助。",
            "Give technical support and help to public security and state security organs safeguarding national security and investigating crime under the law.",
        ),
        sources: src(Some(a(23)), a(28), a(30)),
        evidence: &[supplied(
            "收到的协助请求及提供支持的记录",
            "Records of requests received and the support given",
        )],
        clocks: &[],
        penalties: &[
            pen(
                Version::Csl2016,
                &[prov(69, Part::Item(3))],
                t(
                    "责令改正；拒不改正或者情节严重的，处五万元以上五十万元以下罚款，直接责任人员一万元以上十万元以下。",
                    "An order to correct; on refusal or in serious cases ¥50k–500k, responsible persons ¥10k–100k.",
                ),
            ),
            pen(
                Version::Csl2025,
                &[prov(70, Part::Item(2))],
                t("同2016年第六十九条第三项。", "As 2016 art. 69(3)."),
            ),
        ],
        since_draft: Change::Substantive,
        change_note: t(
            "草案规定侦查机关“可以要求”提供支持与协助；定稿改为网络运营者“应当”向公安机关、国家安全机关提供技术支持和协助。",
            "The draft said investigating organs may ask for support; the final text makes technical support a duty of the operator towards public and state security organs.",
        ),
    },
    Duty {
        id: "csl.operator-cooperation",
        bearer: Bearer::NetworkOperator,
        kind: Kind::Encouragement,
        title: t("运营者之间的安全合作", "Cooperation between operators"),
        summary: t(
            "国家支持网络运营者在安全信息收集、分析、通报和应急处置等方面合作。",
            "The State supports operators cooperating on gathering, analysing and sharing security information and on incident response.",
        ),
        sources: src(Some(p(24, 1)), p(29, 1), p(31, 1)),
        evidence: &[supplied(
            "信息共享协议和通报记录",
            "Information-sharing agreements and records of what was shared",
        )],
        clocks: &[],
        penalties: NONE_ENFORCEABLE,
        since_draft: Change::Reworded,
        change_note: t(
            "草案为“开展……合作”，定稿为“进行合作”。",
            "Wording only (开展…合作 became 进行合作).",
        ),
    },
    Duty {
        id: "csl.industry-self-regulation",
        bearer: Bearer::IndustryBody,
        kind: Kind::Encouragement,
        title: t(
            "行业组织的规范和风险警示",
            "Industry norms and risk warnings",
        ),
        summary: t(
            "有关行业组织建立本行业的安全保护规范和协作机制，定期向会员进行风险警示，协助会员应对风险。",
            "Industry organisations set security norms and cooperation for their sector, warn members of risks regularly and help them respond.",
        ),
        sources: src(Some(p(24, 2)), p(29, 2), p(31, 2)),
        evidence: &[supplied(
            "行业规范和风险警示记录",
            "The industry norms and the risk warnings sent",
        )],
        clocks: &[Clock {
            rule: ClockRule::Regularly,
            what: t("定期向会员进行风险警示", "Warn members of risks regularly"),
            basis: LAW_TEXT,
            status: Status::Verified,
        }],
        penalties: NONE_ENFORCEABLE,
        since_draft: Change::Unchanged,
        change_note: t(
            "与草案第二十四条第二款文字相同。",
            "Same words as draft 24¶2.",
        ),
    },
    Duty {
        id: "csl.regulator-information-use",
        bearer: Bearer::Authorities,
        kind: Kind::AuthorityRole,
        title: t(
            "监管中获取的信息只用于网络安全",
            "Regulators use information only for security",
        ),
        summary: t(
            "网信部门和有关部门履职中获取的信息只能用于维护网络安全，不得用于其他用途。",
            "Information the cyberspace and other departments obtain in their work may be used only for network security.",
        ),
        sources: src(None, a(30), a(32)),
        evidence: &[],
        clocks: &[],
        penalties: NONE_ENFORCEABLE,
        since_draft: Change::New,
        change_note: t(
            "定稿新增，草案无对应条文。",
            "New in the final text; the draft has no counterpart.",
        ),
    },
    // ---- 第二节 关键信息基础设施的运行安全 ----
    Duty {
        id: "csl.cii-protection",
        bearer: Bearer::Authorities,
        kind: Kind::AuthorityRole,
        title: t(
            "关键信息基础设施重点保护",
            "Key protection of critical information infrastructure",
        ),
        summary: t(
            "国家对公共通信和信息服务、能源、交通、水利、金融、公共服务、电子政务等重要行业和领域，以及一旦遭破坏可能严重危害国家安全、国计民生、公共利益的关键信息基础设施，在等级保护基础上实行重点保护。",
            "The State gives key protection, on top of MLPS, to CII in sectors such as public communication, energy, transport, water, finance, public services and e-government, and to any system whose failure could seriously harm national security, the economy or the public interest.",
        ),
        sources: src(Some(p(25, 1)), p(31, 1), p(33, 1)),
        evidence: &[supplied(
            "保护工作部门的认定通知（本单位是否为关键信息基础设施运营者）",
            "The sector department's notice of designation (whether you operate CII)",
        )],
        clocks: &[],
        penalties: NONE_ENFORCEABLE,
        since_draft: Change::Substantive,
        change_note: t(
            "草案逐一列举关键信息基础设施（基础信息网络、重要信息系统、军事网络、政务网络、用户众多的网络）；定稿改为行业领域加影响判断，并以等级保护为基础。",
            "The draft listed CII item by item (basic networks, key systems, military and government networks, networks with many users); the final text uses sectors plus an impact test, on top of MLPS.",
        ),
    },
    Duty {
        id: "csl.cii-voluntary",
        bearer: Bearer::NetworkOperator,
        kind: Kind::Encouragement,
        title: t(
            "自愿参与关键信息基础设施保护体系",
            "Voluntary participation in CII protection",
        ),
        summary: t(
            "国家鼓励关键信息基础设施以外的网络运营者自愿参与关键信息基础设施保护体系。",
            "The State encourages other operators to join the CII protection system voluntarily.",
        ),
        sources: src(None, p(31, 2), p(33, 2)),
        evidence: &[supplied(
            "参与保护体系的决定或协议",
            "The decision or agreement to take part",
        )],
        clocks: &[],
        penalties: NONE_ENFORCEABLE,
        since_draft: Change::New,
        change_note: t(
            "定稿新增的一款，草案无对应规定。",
            "A paragraph new in the final text; the draft has no counterpart.",
        ),
    },
    Duty {
        id: "csl.cii-sector-planning",
        bearer: Bearer::Authorities,
        kind: Kind::AuthorityRole,
        title: t(
            "行业主管部门的安全规划与监督",
            "Sector departments plan and supervise",
        ),
        summary: t(
            "负责关键信息基础设施安全保护工作的部门编制并实施本行业、本领域的安全规划，指导和监督运行安全保护工作。",
            "The departments responsible for CII draw up and carry out security plans for their sector, and guide and supervise operational security.",
        ),
        sources: src(Some(a(26)), a(32), a(34)),
        evidence: &[],
        clocks: &[],
        penalties: NONE_ENFORCEABLE,
        since_draft: Change::Substantive,
        change_note: t(
            "草案列举各行业主管部门并只规定指导和监督；定稿增加了编制并组织实施安全规划。",
            "The draft named the sector regulators and only gave them guidance and supervision; the final text adds sector security plans.",
        ),
    },
    Duty {
        id: "csl.cii-three-synchronous",
        bearer: Bearer::CiiOperator,
        kind: Kind::Obligation,
        title: t(
            "安全措施同步规划、同步建设、同步使用",
            "Security planned, built and used together with the system",
        ),
        summary: t(
            "建设关键信息基础设施应当确保其支持业务稳定、持续运行，并保证安全技术措施同步规划、同步建设、同步使用。",
            "CII must be built to run the business stably and continuously, with security measures planned, built and put to use at the same time.",
        ),
        sources: src(Some(a(27)), a(33), a(35)),
        evidence: &[supplied(
            "项目立项、设计、验收文件中的安全部分",
            "The security parts of the project's approval, design and acceptance documents",
        )],
        clocks: &[],
        penalties: CII_59_61,
        since_draft: Change::Unchanged,
        change_note: t("与草案第二十七条文字相同。", "Same words as draft art. 27."),
    },
    Duty {
        id: "csl.cii-security-organisation",
        bearer: Bearer::CiiOperator,
        kind: Kind::Obligation,
        title: t(
            "专门安全管理机构、负责人和背景审查",
            "Security body, head and background checks",
        ),
        summary: t(
            "设置专门安全管理机构和安全管理负责人，并对负责人和关键岗位人员进行安全背景审查。",
            "Set up a dedicated security body and head, and run security background checks on the head and key staff.",
        ),
        sources: src(Some(i(28, 1)), i(34, 1), i(36, 1)),
        evidence: &[
            supplied(
                "机构设置文件和负责人任命",
                "The organisation chart and the head's appointment",
            ),
            auto(
                Capability::Registers,
                "背景审查登记：人员、岗位、审查日期和结论",
                "Background check register: person, post, date and result",
            ),
        ],
        clocks: &[],
        penalties: CII_59_61,
        since_draft: Change::Unchanged,
        change_note: t(
            "与草案第二十八条第一项文字相同。",
            "Same words as draft 28(1).",
        ),
    },
    Duty {
        id: "csl.cii-training",
        bearer: Bearer::CiiOperator,
        kind: Kind::Obligation,
        title: t(
            "定期安全教育、培训和技能考核",
            "Regular security training and skills tests",
        ),
        summary: t(
            "定期对从业人员进行网络安全教育、技术培训和技能考核。",
            "Train staff in network security regularly and test their skills.",
        ),
        sources: src(Some(i(28, 2)), i(34, 2), i(36, 2)),
        evidence: &[auto(
            Capability::Registers,
            "培训登记：课程、参加人员、日期、考核结果",
            "Training register: course, attendees, date, test results",
        )],
        clocks: &[Clock {
            rule: ClockRule::Regularly,
            what: t(
                "定期培训和考核（法律未规定间隔）",
                "Train and test regularly (the law sets no interval)",
            ),
            basis: LAW_TEXT,
            status: Status::Verified,
        }],
        penalties: CII_59_61,
        since_draft: Change::Unchanged,
        change_note: t(
            "与草案第二十八条第二项文字相同。",
            "Same words as draft 28(2).",
        ),
    },
    Duty {
        id: "csl.cii-disaster-recovery",
        bearer: Bearer::CiiOperator,
        kind: Kind::Obligation,
        title: t(
            "重要系统和数据库容灾备份",
            "Disaster-recovery backup of key systems and databases",
        ),
        summary: t(
            "对重要系统和数据库进行容灾备份。",
            "Keep disaster-recovery backups of important systems and databases.",
        ),
        sources: src(Some(i(28, 3)), i(34, 3), i(36, 3)),
        evidence: &[supplied(
            "容灾备份方案和恢复测试记录",
            "The disaster-recovery plan and restore test records",
        )],
        clocks: &[],
        penalties: CII_59_61,
        since_draft: Change::Unchanged,
        change_note: t(
            "与草案第二十八条第三项文字相同。",
            "Same words as draft 28(3).",
        ),
    },
    Duty {
        id: "csl.cii-drills",
        bearer: Bearer::CiiOperator,
        kind: Kind::Obligation,
        title: t("应急预案和定期演练", "Response plan and regular drills"),
        summary: t(
            "制定网络安全事件应急预案，并定期进行演练。",
            "Have an incident response plan and rehearse it regularly.",
        ),
        sources: src(Some(i(28, 4)), i(34, 4), i(36, 4)),
        evidence: &[
            supplied("关键信息基础设施应急预案", "The CII incident response plan"),
            auto(
                Capability::Registers,
                "演练登记：日期、场景、参加人员、发现的问题和改进",
                "Drill register: date, scenario, participants, findings and fixes",
            ),
        ],
        clocks: &[Clock {
            rule: ClockRule::Regularly,
            what: t(
                "定期演练（法律未规定间隔）",
                "Rehearse regularly (the law sets no interval)",
            ),
            basis: LAW_TEXT,
            status: Status::Verified,
        }],
        penalties: CII_59_61,
        since_draft: Change::Reworded,
        change_note: t(
            "草案为“定期组织演练”，定稿为“定期进行演练”。",
            "The draft said 定期组织演练; the final text 定期进行演练.",
        ),
    },
    Duty {
        id: "csl.cii-other-duties",
        bearer: Bearer::CiiOperator,
        kind: Kind::Obligation,
        title: t(
            "法律、行政法规规定的其他义务",
            "Other duties set by laws and regulations",
        ),
        summary: t(
            "履行法律、行政法规规定的其他安全保护义务。",
            "Meet the other security duties that laws and administrative regulations set for CII.",
        ),
        sources: src(Some(i(28, 5)), i(34, 5), i(36, 5)),
        evidence: &[supplied(
            "适用的法律、行政法规清单及履行记录",
            "A list of the laws and regulations that apply, with records of meeting them",
        )],
        clocks: &[],
        penalties: CII_59_61,
        since_draft: Change::Unchanged,
        change_note: t(
            "与草案第二十八条第五项文字相同。",
            "Same words as draft 28(5).",
        ),
    },
    Duty {
        id: "csl.cii-national-security-review",
        bearer: Bearer::CiiOperator,
        kind: Kind::Obligation,
        title: t(
            "可能影响国家安全的采购须过国家安全审查",
            "National security review of procurement",
        ),
        summary: t(
            "采购网络产品和服务可能影响国家安全的，应当通过国家网信部门会同有关部门组织的国家安全审查。",
            "Procurement of network products and services that may affect national security must pass the national security review.",
        ),
        sources: src(Some(a(30)), a(35), a(37)),
        evidence: &[supplied(
            "采购项目的国家安全影响判断和审查结论",
            "For each procurement: the national-security assessment and the review decision",
        )],
        clocks: &[],
        penalties: &[
            pen(
                Version::Csl2016,
                &[prov(65, Part::Whole)],
                t(
                    "责令停止使用，处采购金额一倍以上十倍以下罚款，直接责任人员一万元以上十万元以下。",
                    "An order to stop using it and a fine of 1–10× the purchase amount; responsible persons ¥10k–100k.",
                ),
            ),
            pen(
                Version::Csl2025,
                &[prov(67, Part::Whole)],
                t(
                    "责令限期改正、停止使用、消除对国家安全的影响，处采购金额一倍以上十倍以下罚款，直接责任人员一万元以上十万元以下。",
                    "An order to correct within a time limit, stop using it and remove the effect on national security; a fine of 1–10× the purchase amount; responsible persons ¥10k–100k.",
                ),
            ),
        ],
        since_draft: Change::Substantive,
        change_note: t(
            "草案第三十条（在供应商协议条款第二十九条之后，定稿调换了两条的顺序）为“安全审查”并规定具体办法由国务院规定；定稿为“国家安全审查”，删去了这句。",
            "Draft art. 30 (after the supplier agreement in art. 29; the final text swaps the two) spoke of a security review with rules to be set by the State Council; the final text says national security review and drops that sentence.",
        ),
    },
    Duty {
        id: "csl.cii-supplier-agreement",
        bearer: Bearer::CiiOperator,
        kind: Kind::Obligation,
        title: t(
            "与供应商签订安全保密协议",
            "Security and confidentiality agreement with suppliers",
        ),
        summary: t(
            "采购网络产品和服务，应当按照规定与提供者签订安全保密协议，明确安全和保密义务与责任。",
            "When buying network products and services, sign a security and confidentiality agreement with the supplier that sets out duties and liability.",
        ),
        sources: src(Some(a(29)), a(36), a(38)),
        evidence: &[auto(
            Capability::Registers,
            "供应商登记：采购项目和已签署的安全保密协议",
            "Vendor register: each procurement and its signed security and confidentiality agreement",
        )],
        clocks: &[],
        penalties: CII_59_61,
        since_draft: Change::Reworded,
        change_note: t(
            "定稿增加“按照规定”；草案中本条在国家安全审查之前（第二十九条），定稿调到其后（2016年第三十六条）。",
            "The final text adds \"as required\"; the draft put this article (29) before the national security review, the final text after it (2016 art. 36).",
        ),
    },
    Duty {
        id: "csl.cii-data-localisation",
        bearer: Bearer::CiiOperator,
        kind: Kind::Obligation,
        title: t(
            "个人信息和重要数据境内存储，出境须评估",
            "Keep personal information and important data in China; assess before export",
        ),
        summary: t(
            "在境内运营中收集和产生的个人信息和重要数据应当在境内存储；确需向境外提供的，应当按规定进行安全评估。",
            "Personal information and important data collected or produced in China stay in China; export only after a security assessment.",
        ),
        sources: src(Some(a(31)), a(37), a(39)),
        evidence: &[
            auto(
                Capability::Scan,
                "数据扫描：发现个人信息和重要数据及其存储位置",
                "Data scan: finds personal and important data and where it is stored",
            ),
            supplied(
                "数据出境安全评估结论",
                "The export security assessment decisions",
            ),
        ],
        clocks: &[],
        penalties: &[
            pen(
                Version::Csl2016,
                &[prov(66, Part::Whole)],
                t(
                    "责令改正、给予警告、没收违法所得，处五万元以上五十万元以下罚款，可责令暂停业务、停业整顿、关闭网站、吊销许可证或者营业执照；直接责任人员一万元以上十万元以下。",
                    "An order to correct, a warning, confiscation and ¥50k–500k, possibly suspension, closure or revoked licences; responsible persons ¥10k–100k.",
                ),
            ),
            pen(
                Version::Csl2025,
                &[prov(71, Part::Item(3))],
                t(
                    "2025年文本不再自设罚则，依照有关法律、行政法规（如《数据安全法》《个人信息保护法》）处理、处罚。",
                    "The 2025 text sets no penalty of its own: the other laws and regulations (e.g. the DSL and the PIPL) apply.",
                ),
            ),
        ],
        since_draft: Change::Substantive,
        change_note: t(
            "草案为“公民个人信息等重要数据”，并涵盖“在境外存储”；定稿为“个人信息和重要数据”，只说“向境外提供”。",
            "The draft spoke of \"citizens' personal information and other important data\" and also of storage abroad; the final text says \"personal information and important data\" and only \"providing abroad\".",
        ),
    },
    Duty {
        id: "csl.cii-annual-assessment",
        bearer: Bearer::CiiOperator,
        kind: Kind::Obligation,
        title: t(
            "每年至少一次检测评估并报送",
            "Test and assess at least once a year; report",
        ),
        summary: t(
            "自行或者委托网络安全服务机构每年至少进行一次检测评估，并将检测评估情况和改进措施报送相关保护工作部门。",
            "Test and assess security and risks at least once a year, alone or with a security service provider, and send the results and fixes to the sector department.",
        ),
        sources: src(Some(a(32)), a(38), a(40)),
        evidence: &[supplied(
            "年度检测评估报告，以及报送保护工作部门的回执和整改记录",
            "The yearly assessment report, the receipt from the sector department and the fixes",
        )],
        clocks: &[Clock {
            rule: ClockRule::AtLeastEvery(Period::Years(1)),
            what: t(
                "每年至少进行一次检测评估并报送",
                "Assess at least once a year and report",
            ),
            basis: LAW_TEXT,
            status: Status::Verified,
        }],
        penalties: CII_59_61,
        since_draft: Change::Substantive,
        change_note: t(
            "草案要求委托“专业机构”并提出“网络安全报告”；定稿改为“网络安全服务机构”，报送“检测评估情况和改进措施”。",
            "The draft named \"professional bodies\" and asked for a network security report; the final text names security service providers and asks for the results and the fixes.",
        ),
    },
    Duty {
        id: "csl.cac-coordination",
        bearer: Bearer::Authorities,
        kind: Kind::AuthorityRole,
        title: t(
            "国家网信部门统筹协调的保护措施",
            "CAC coordination: spot checks, drills, sharing, support",
        ),
        summary: t(
            "国家网信部门统筹协调有关部门：抽查检测安全风险，定期组织应急演练，促进信息共享，为应急处置和恢复提供技术支持。",
            "The CAC coordinates: spot checks of risks, regular drills with CII operators, information sharing, and technical support for response and recovery.",
        ),
        sources: src(Some(a(33)), a(39), a(41)),
        evidence: &[],
        clocks: &[],
        penalties: NONE_ENFORCEABLE,
        since_draft: Change::Substantive,
        change_note: t(
            "草案规定“建立协作机制”并“可以”采取措施；定稿为“应当统筹协调有关部门……采取下列措施”。",
            "The draft had the CAC set up a mechanism and allowed (可以) the measures; the final text makes them what the CAC shall coordinate.",
        ),
    },
];
