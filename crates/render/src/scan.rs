//! The scanner's report for people and tools: a terminal table, CSV, HTML
//! and SARIF 2.1.0. The JSON report (`wangan.scan/1`) is a type of the
//! `scan` crate ([`scan::json::ScanDoc`]).

use std::fmt::Write as _;

use scan::{Finding, Grade, Kind, Level, Policy, Report, grade};
use serde::Serialize;

use crate::{Painter, Style, csv_field, escape, html_escape};

fn kind_label(k: Kind, out: Painter) -> &'static str {
    out.t(k.label_zh(), k.label_en())
}

/// The report as a table for the terminal: per source, its grade and each
/// field's kinds (count, distinct values, masked sample); what could not be
/// read; the overall grade candidate. `nothing_read` (inputs could not be
/// read and nothing was) gives no grade. Untrusted text is escaped.
pub fn table(r: &Report, p: &Policy, total: &Grade, nothing_read: bool, out: Painter) -> String {
    let mut s = String::new();
    let mib = r.bytes as f64 / (1024.0 * 1024.0);
    let _ = writeln!(
        s,
        "{} {} {}, {:.1} MiB, {} {}",
        out.t("已扫描", "scanned"),
        r.sources,
        out.unit(r.sources, "个来源", "source", "sources"),
        mib,
        r.rows,
        out.unit(r.rows, "行/记录", "row/record", "rows/records")
    );
    for d in r.datasets() {
        let g = grade(&d, p);
        let style = match g.level {
            Level::NoPi => Style::Dim,
            Level::GeneralPi => Style::Yellow,
            _ => Style::Red,
        };
        let _ = writeln!(s);
        let _ = writeln!(
            s,
            "{}  {}",
            out.paint(Style::Bold, &escape(&d.source, false)),
            out.paint(style, out.t(g.level.label_zh(), g.level.label_en()))
        );
        for a in r.assets.iter().filter(|a| a.source == d.source) {
            let field = a
                .field
                .as_deref()
                .map(|f| escape(f, false).into_owned())
                .unwrap_or_else(|| "-".to_owned());
            for (k, ks) in &a.kinds {
                let sens = if grade::is_sensitive(*k, ks, p) {
                    out.paint(Style::Red, out.t(" 敏感", " sensitive"))
                } else {
                    String::new()
                };
                let _ = writeln!(
                    s,
                    "  {:<24} {:<14} {:>7} {} {:>7} {}{}{}{}",
                    field,
                    kind_label(*k, out),
                    ks.count,
                    out.t("处", "found"),
                    ks.distinct(),
                    out.t("个不同值", "distinct"),
                    if ks.deidentified > 0 {
                        format!(" +{} {}", ks.deidentified, out.t("已掩码", "masked"))
                    } else {
                        String::new()
                    },
                    ks.sample
                        .map(|m| format!("  {}", escape(m.as_str(), false)))
                        .unwrap_or_default(),
                    sens,
                );
            }
        }
        for reason in g.reasons.iter().filter(|r| r.code != "pi") {
            let _ = writeln!(s, "  - {}", out.t(&reason.zh, &reason.en));
        }
    }
    for sk in &r.skipped {
        let what = if sk.unreadable {
            out.paint(Style::Red, out.t("无法读取", "unreadable"))
        } else {
            out.paint(Style::Dim, out.t("跳过", "skipped"))
        };
        let _ = writeln!(
            s,
            "{what} {}: {}",
            escape(&sk.source, false),
            escape(&sk.reason, false)
        );
    }
    let _ = writeln!(s);
    let unreadable = r.unreadable().count() as u64;
    if nothing_read {
        let _ = writeln!(
            s,
            "{}: {}",
            out.t("总体分级候选", "overall grade candidate"),
            out.paint(
                Style::Red,
                out.t("无 (没有任何输入可读)", "none: nothing could be read")
            ),
        );
        return s;
    }
    if unreadable > 0 {
        let _ = writeln!(
            s,
            "{}",
            out.paint(
                Style::Yellow,
                &format!(
                    "{unreadable} {}",
                    out.t(
                        "个输入无法读取: 以下分级只涵盖已读取的部分",
                        if unreadable == 1 {
                            "input could not be read: the grade below covers only what was read"
                        } else {
                            "inputs could not be read: the grade below covers only what was read"
                        }
                    )
                )
            )
        );
    }
    let persons = if total.persons_estimated {
        out.t("估计约", "estimated, about")
    } else {
        out.t("约", "about")
    };
    let _ = writeln!(
        s,
        "{}: {}  ({persons} {} {})",
        out.t("总体分级候选", "overall grade candidate"),
        out.paint(
            Style::Bold,
            out.t(total.level.label_zh(), total.level.label_en())
        ),
        total.persons,
        out.unit(total.persons, "人", "person", "persons"),
    );
    let _ = writeln!(
        s,
        "{}",
        out.paint(
            Style::Dim,
            out.t(
                "分级为候选结论，阈值为本工具默认值（可配置），不构成法律认定；重要数据以主管部门目录为准。",
                "Grades are candidates; thresholds are this tool's defaults (configurable), not legal determinations; important data is defined by the authorities' catalogs."
            )
        )
    );
    s
}

/// The report as CSV, one row per asset and kind, UTF-8 with a BOM and CRLF
/// line ends (opens in Excel): `source, field, type, category, count,
/// distinct, deidentified, minors, sensitive, sample, confidence,
/// asset_grade`.
pub fn csv(r: &Report, p: &Policy) -> String {
    let mut s = String::from(
        "\u{feff}source,field,type,category,count,distinct,deidentified,minors,sensitive,sample,confidence,asset_grade\r\n",
    );
    for a in &r.assets {
        let g = grade(a, p);
        for (k, ks) in &a.kinds {
            let row = [
                csv_field(&a.source),
                csv_field(a.field.as_deref().unwrap_or("")),
                k.name().to_owned(),
                csv_field(grade::category(*k).0),
                ks.count.to_string(),
                ks.distinct().to_string(),
                ks.deidentified.to_string(),
                ks.minors.to_string(),
                grade::is_sensitive(*k, ks, p).to_string(),
                csv_field(ks.sample.as_ref().map_or("", |m| m.as_str())),
                ks.max_confidence.to_string(),
                g.level.name().to_owned(),
            ];
            s.push_str(&row.join(","));
            s.push_str("\r\n");
        }
    }
    s
}

/// The report as one self-contained HTML page (no script, no external
/// resource), every value escaped.
pub fn html(r: &Report, p: &Policy, total: &Grade, targets: &[String], out: Painter) -> String {
    let mut s = String::new();
    let lang = out.t("zh-CN", "en");
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>wangan scan</title>\
<style>body{{font-family:system-ui,sans-serif;margin:2em;color:#222}}table{{border-collapse:collapse;width:100%;margin:1em 0}}\
th,td{{border:1px solid #ccc;padding:4px 8px;text-align:left;font-size:14px}}th{{background:#f3f3f3}}\
.sensitive_pi,.important_candidate{{color:#b00020;font-weight:bold}}.general_pi{{color:#a15c00}}.no_pi{{color:#555}}\
code{{font-family:ui-monospace,monospace}}.note{{color:#666;font-size:13px}}</style></head><body>\n"
    );
    let _ = writeln!(
        s,
        "<h1>{}</h1>",
        out.t(
            "个人信息与重要数据扫描报告",
            "Personal and important data scan"
        )
    );
    let _ = writeln!(
        s,
        "<p>{}: {}</p>",
        out.t("目标", "Targets"),
        targets
            .iter()
            .map(|t| format!("<code>{}</code>", html_escape(t)))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let _ = writeln!(
        s,
        "<p>{}: <span class=\"{}\">{}</span> — {} {}</p>",
        out.t("总体分级候选", "Overall grade candidate"),
        total.level.name(),
        html_escape(out.t(total.level.label_zh(), total.level.label_en())),
        total.persons,
        out.unit(total.persons, "人", "person", "persons")
    );
    let _ = writeln!(
        s,
        "<ul>{}</ul>",
        total
            .reasons
            .iter()
            .map(|r| format!("<li>{}</li>", html_escape(out.t(&r.zh, &r.en))))
            .collect::<String>()
    );
    let _ = writeln!(
        s,
        "<table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
        out.t("来源", "Source"),
        out.t("字段", "Field"),
        out.t("类型", "Type"),
        out.t("数量", "Count"),
        out.t("不同值", "Distinct"),
        out.t("已掩码", "Masked"),
        out.t("样例（已掩码）", "Sample (masked)"),
        out.t("资产分级候选", "Asset grade")
    );
    for a in &r.assets {
        let g = grade(a, p);
        for (k, ks) in &a.kinds {
            let _ = writeln!(
                s,
                "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td><td class=\"{}\">{}</td></tr>",
                html_escape(&a.source),
                html_escape(a.field.as_deref().unwrap_or("")),
                html_escape(kind_label(*k, out)),
                ks.count,
                ks.distinct(),
                ks.deidentified,
                html_escape(ks.sample.as_ref().map_or("", |m| m.as_str())),
                g.level.name(),
                html_escape(out.t(g.level.label_zh(), g.level.label_en()))
            );
        }
    }
    let _ = writeln!(s, "</table>");
    if !r.skipped.is_empty() {
        let _ = writeln!(s, "<h2>{}</h2><ul>", out.t("未扫描", "Skipped"));
        for sk in &r.skipped {
            let _ = writeln!(
                s,
                "<li><code>{}</code>: {}{}</li>",
                html_escape(&sk.source),
                html_escape(&sk.reason),
                if sk.unreadable {
                    html_escape(out.t(" (无法读取)", " (could not be read)"))
                } else {
                    String::new()
                }
            );
        }
        let _ = writeln!(s, "</ul>");
    }
    let _ = writeln!(
        s,
        "<p class=\"note\">{}</p></body></html>",
        html_escape(out.t(
            "分级为候选结论，阈值为本工具默认值（可配置），不构成法律认定；重要数据以主管部门目录为准。所有值均已掩码。",
            "Grades are candidates; thresholds are this tool's defaults (configurable), not legal determinations. All values are masked."
        ))
    );
    s
}

/// A source path as the URI reference SARIF requires (RFC 3986): `/` as
/// the separator, every byte other than an unreserved character or `/`
/// percent-encoded (spaces, `#`, `%`, `:`, Chinese names), and an absolute
/// path as a `file://` URI.
pub fn sarif_uri(source: &str) -> String {
    let path = source.replace('\\', "/");
    let mut u = String::with_capacity(path.len() + 8);
    if path.starts_with('/') {
        u.push_str("file://");
    }
    for &b in path.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            u.push(char::from(b));
        } else {
            let _ = write!(u, "%{b:02X}");
        }
    }
    u
}

/// A finding with where it was found, kept for the SARIF document (which
/// needs every finding at once, in a stable order).
#[derive(Debug, Clone)]
pub struct Located {
    /// The source (a path, or a table for databases).
    pub source: String,
    /// The field, if any.
    pub field: Option<String>,
    /// The row, if any (databases, CSV).
    pub row: Option<u64>,
    /// The finding.
    pub finding: Finding,
}

/// A SARIF 2.1.0 log (the subset wangan writes). Fields are declared in
/// sorted order, the order of the document's keys.
#[derive(Debug, Clone, Serialize)]
pub struct Sarif {
    /// The SARIF JSON schema.
    #[serde(rename = "$schema")]
    pub schema: &'static str,
    /// One run.
    pub runs: Vec<SarifRun>,
    /// `2.1.0`.
    pub version: &'static str,
}

/// One run of a SARIF log.
#[derive(Debug, Clone, Serialize)]
pub struct SarifRun {
    /// The findings in files.
    pub results: Vec<SarifResult>,
    /// wangan scan and its rules.
    pub tool: SarifTool,
}

/// The tool of a run.
#[derive(Debug, Clone, Serialize)]
pub struct SarifTool {
    /// The driver.
    pub driver: SarifDriver,
}

/// The driver of a tool.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SarifDriver {
    /// Where the tool is described.
    pub information_uri: &'static str,
    /// `wangan scan`.
    pub name: &'static str,
    /// One rule per kind.
    pub rules: Vec<SarifRule>,
    /// The tool's version.
    pub version: String,
}

/// A rule: one kind of finding.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SarifRule {
    /// `Kind::name`.
    pub id: &'static str,
    /// The kind's English label.
    pub name: &'static str,
    /// The kind's category.
    pub properties: RuleProperties,
    /// Both labels.
    pub short_description: SarifText,
}

/// The properties of a rule.
#[derive(Debug, Clone, Serialize)]
pub struct RuleProperties {
    /// The category (English).
    pub category: &'static str,
}

/// A text.
#[derive(Debug, Clone, Serialize)]
pub struct SarifText {
    /// The text.
    pub text: String,
}

/// One finding.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SarifResult {
    /// `error`, `warning` or `note`.
    pub level: &'static str,
    /// Where.
    pub locations: Vec<SarifLocation>,
    /// The kind and the masked value.
    pub message: SarifText,
    /// Confidence and the masked value.
    pub properties: ResultProperties,
    /// `Kind::name`.
    pub rule_id: &'static str,
}

/// The properties of a result.
#[derive(Debug, Clone, Serialize)]
pub struct ResultProperties {
    /// Confidence (0–100).
    pub confidence: u8,
    /// The value, masked.
    pub masked: String,
}

/// A location.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SarifLocation {
    /// The field, when there is one.
    pub logical_locations: Vec<SarifName>,
    /// The file and byte range.
    pub physical_location: SarifPhysical,
}

/// A named logical location.
#[derive(Debug, Clone, Serialize)]
pub struct SarifName {
    /// The name.
    pub name: String,
}

/// A physical location.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SarifPhysical {
    /// The file.
    pub artifact_location: SarifArtifact,
    /// The byte range.
    pub region: SarifRegion,
}

/// An artifact.
#[derive(Debug, Clone, Serialize)]
pub struct SarifArtifact {
    /// The file as a URI reference ([`sarif_uri`]).
    pub uri: String,
}

/// A byte range.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SarifRegion {
    /// Length in bytes.
    pub byte_length: u64,
    /// Offset in bytes.
    pub byte_offset: u64,
}

/// The SARIF level of a finding: `error` for identity documents, cards,
/// secrets and anything of a minor; `note` for organisation codes and
/// network addresses; `warning` otherwise.
fn sarif_level(f: &Finding) -> &'static str {
    if f.is_minor() {
        return "error";
    }
    match f.kind {
        Kind::CnId
        | Kind::BankCard
        | Kind::Passport
        | Kind::TravelPermit
        | Kind::Password
        | Kind::PrivateKey
        | Kind::ApiToken => "error",
        Kind::CnUscc | Kind::Ipv4 | Kind::Ipv6 | Kind::Mac => "note",
        _ => "warning",
    }
}

/// The findings in files as a SARIF 2.1.0 log, for code-scanning tools;
/// `version` is the tool's. Findings in databases (with a row) and values
/// already masked are left out. The findings are sorted first (source,
/// field, row, offset; stable), so the same scan gives the same document
/// whatever order the workers reported in.
pub fn sarif(mut findings: Vec<Located>, version: &str) -> Sarif {
    findings.sort_by(|a, b| {
        (&a.source, &a.field, a.row, a.finding.start).cmp(&(
            &b.source,
            &b.field,
            b.row,
            b.finding.start,
        ))
    });
    let rules = Kind::ALL
        .iter()
        .map(|k| SarifRule {
            id: k.name(),
            name: k.label_en(),
            properties: RuleProperties {
                category: grade::category(*k).1,
            },
            short_description: SarifText {
                text: format!("{} ({})", k.label_en(), k.label_zh()),
            },
        })
        .collect();
    let results = findings
        .iter()
        .filter(|k| k.row.is_none() && !k.finding.is_deidentified())
        .map(|k| {
            let f = &k.finding;
            SarifResult {
                level: sarif_level(f),
                locations: vec![SarifLocation {
                    logical_locations: k
                        .field
                        .iter()
                        .map(|name| SarifName { name: name.clone() })
                        .collect(),
                    physical_location: SarifPhysical {
                        artifact_location: SarifArtifact {
                            uri: sarif_uri(&k.source),
                        },
                        region: SarifRegion {
                            byte_length: f.end - f.start,
                            byte_offset: f.start,
                        },
                    },
                }],
                message: SarifText {
                    text: format!("{}: {}", f.kind.label_en(), f.masked.as_str()),
                },
                properties: ResultProperties {
                    confidence: f.confidence,
                    masked: f.masked.as_str().to_owned(),
                },
                rule_id: f.kind.name(),
            }
        })
        .collect();
    Sarif {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        runs: vec![SarifRun {
            results,
            tool: SarifTool {
                driver: SarifDriver {
                    information_uri: "https://github.com/",
                    name: "wangan scan",
                    rules,
                    version: version.to_owned(),
                },
            },
        }],
        version: "2.1.0",
    }
}
