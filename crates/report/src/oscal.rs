//! OSCAL 1.1 assessment-results: one result for the date assessed, against
//! the catalog `wangan law export --format oscal` produces (control ids are
//! the duty ids, targets the catalog's `{duty}_smt` statements).
//!
//! - every applicable duty is a reviewed control and a finding (`satisfied`
//!   when met, else `not-satisfied`, with wangan's own status as a prop); the
//!   duties that do not apply are excluded controls, with the reason;
//! - every piece of evidence is an observation (`TEST` for what wangan
//!   measured, `EXAMINE` for documents, registers and the profile) with its
//!   collection time, expiry and SHA-256;
//! - every open or waived duty is a risk: remediations for open ones, status
//!   `deviation-approved` with the owner and expiry for waived ones;
//! - the profile and the catalog are back-matter resources; the profile
//!   (with its SHA-256) stands for the assessment plan (`import-ap`).
//!
//! UUIDs are derived from the assessment's content (SHA-256, formatted as
//! version 5), so the same assessment gives the same document.

use duties::model::{DutyAssessment, EvidenceItem, EvidenceKind, Status};
use duties::{Assessment, Lang};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::{article, due, t};

/// The namespace of wangan's OSCAL properties.
pub const OSCAL_NS: &str = "urn:wangan:oscal:assess";
/// Where the results expect the catalog (`wangan law export --format oscal > csl-ch3.oscal.json`).
pub const CATALOG_HREF: &str = "csl-ch3.oscal.json";

/// A UUID (RFC 4122 layout, version 5 bits) derived from `seed`.
fn uuid(seed: &str) -> String {
    let d = Sha256::digest(seed.as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&d[..16]);
    b[6] = (b[6] & 0x0f) | 0x50;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// A prop value: OSCAL strings have no leading or trailing whitespace and are
/// never empty.
fn val(s: &str) -> String {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.is_empty() { "-".to_owned() } else { s }
}

fn prop(name: &str, value: &str) -> Value {
    json!({ "name": name, "ns": OSCAL_NS, "value": val(value) })
}

fn rfc3339(t: time::OffsetDateTime) -> String {
    duties::serde_time::rfc3339::text(&t)
}

/// Percent-encode a path or URL so it is a valid URI reference.
fn href(s: &str) -> String {
    let mut o = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/:@!$&'()*+,;=%".contains(&b) {
            o.push(char::from(b));
        } else {
            o.push_str(&format!("%{b:02X}"));
        }
    }
    o
}

pub(crate) fn render(a: &Assessment, lang: Lang) -> String {
    let seed = format!("{}|{}|{}", a.profile.sha256, a.at, rfc3339(a.generated));
    let doc_uuid = uuid(&format!("ar|{seed}"));
    let profile_res = uuid(&format!("profile|{}", a.profile.sha256));
    let catalog_res = uuid("catalog|csl-ch3");
    let generated = rfc3339(a.generated);

    let mut observations = Vec::new();
    let mut findings = Vec::new();
    let mut risks = Vec::new();
    let mut include = Vec::new();
    let mut exclude = Vec::new();
    for d in &a.duties {
        if d.status == Status::NotApplicable {
            exclude.push(json!({ "control-id": d.id }));
            continue;
        }
        include.push(json!({ "control-id": d.id }));
        let mut related = Vec::new();
        for (i, e) in d.evidence.iter().enumerate() {
            let id = uuid(&format!("obs|{seed}|{}|{i}", d.id));
            observations.push(observation(a, d, e, &id, lang));
            related.push(json!({ "observation-uuid": id }));
        }
        let mut finding = json!({
            "uuid": uuid(&format!("finding|{seed}|{}", d.id)),
            "title": format!("{} — {}", d.id, d.title.get(lang)),
            "description": description(d, lang),
            "props": [
                prop("wangan-status", d.status.key()),
                prop("wangan-decided", d.decided.key()),
                prop("article", &article(d, Lang::En)),
                prop("overdue", if d.overdue { "true" } else { "false" }),
            ],
            "target": {
                "type": "statement-id",
                "target-id": format!("{}_smt", d.id),
                "status": {
                    "state": if d.status == Status::Met { "satisfied" } else { "not-satisfied" },
                    "reason": match d.status {
                        Status::Met => "pass",
                        Status::NotMet | Status::PartlyMet => "fail",
                        _ => "other",
                    },
                    "remarks": d.reason.get(lang),
                },
            },
        });
        if !related.is_empty() {
            finding["related-observations"] = Value::Array(related);
        }
        if d.status.is_open() || d.status == Status::Waived {
            let rid = uuid(&format!("risk|{seed}|{}", d.id));
            risks.push(risk(d, &rid, &seed, lang));
            finding["related-risks"] = json!([{ "risk-uuid": rid }]);
        }
        findings.push(finding);
    }
    let mut selection = json!({ "include-controls": include });
    if !exclude.is_empty() {
        selection["exclude-controls"] = Value::Array(exclude);
    }
    let mut result = json!({
        "uuid": uuid(&format!("result|{seed}")),
        "title": match lang {
            Lang::Zh => format!("{} 网络安全法第三章义务评估（{}）", a.operator.name, a.at),
            Lang::En => format!("{}: Cybersecurity Law chapter 3 assessment, {}", a.operator.name, a.at),
        },
        "description": match lang {
            Lang::Zh => format!(
                "按{}施行的{}判断；共{}项义务，{}项适用：{}。",
                a.at, a.law.label, a.duties.len(), a.summary.applicable, crate::counts(a, lang)
            ),
            Lang::En => format!(
                "Decided under {} as in force on {}; {} duties, {} apply: {}.",
                a.law.label, a.at, a.duties.len(), a.summary.applicable, crate::counts(a, lang)
            ),
        },
        "start": generated,
        "end": generated,
        "props": [
            prop("date-assessed", &a.at.to_string()),
            prop("law-version", a.law.label),
            prop("operator-kind", a.operator.kind),
            prop("overdue", &a.summary.overdue.to_string()),
            prop("integrity-failed", if a.summary.integrity_failed { "true" } else { "false" }),
        ],
        "reviewed-controls": {
            "control-selections": [selection],
        },
    });
    if !observations.is_empty() {
        result["observations"] = Value::Array(observations);
    }
    if !risks.is_empty() {
        result["risks"] = Value::Array(risks);
    }
    if !findings.is_empty() {
        result["findings"] = Value::Array(findings);
    }
    let notes: Vec<&str> = a.notes.iter().map(|n| n.get(lang)).collect();
    let doc = json!({
        "assessment-results": {
            "uuid": doc_uuid,
            "metadata": {
                "title": match lang {
                    Lang::Zh => format!("网络安全法第三章义务评估结果 — {}", a.operator.name),
                    Lang::En => format!("Cybersecurity Law chapter 3 assessment results — {}", a.operator.name),
                },
                "last-modified": generated,
                "version": a.at.to_string(),
                "oscal-version": law::export::OSCAL_VERSION,
                "props": [
                    prop("schema", duties::SCHEMA),
                    prop("generator", "wangan assess"),
                ],
                "remarks": notes.join("\n\n"),
            },
            "import-ap": {
                "href": format!("#{profile_res}"),
                "remarks": t(lang,
                    "评估计划即运营者画像（见附录资源），对照的目录为 wangan law export --format oscal 生成的第三章义务目录。",
                    "The assessment plan is the operator's profile (a back-matter resource); the catalog is the chapter 3 duties catalog of wangan law export --format oscal."),
            },
            "results": [result],
            "back-matter": {
                "resources": [
                    {
                        "uuid": profile_res,
                        "title": t(lang, "运营者画像", "Operator profile"),
                        "description": a.profile.file,
                        "rlinks": [{
                            "href": href(&a.profile.file),
                            "media-type": "application/toml",
                            "hashes": [{ "algorithm": "SHA-256", "value": a.profile.sha256 }],
                        }],
                    },
                    {
                        "uuid": catalog_res,
                        "title": t(lang, "网络安全法第三章义务目录", "Cybersecurity Law chapter 3 duties catalog"),
                        "props": [prop("catalog-uuid", law::export::CATALOG_UUID)],
                        "rlinks": [{
                            "href": CATALOG_HREF,
                            "media-type": "application/oscal.catalog+json",
                        }],
                    },
                ],
            },
        }
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

fn description(d: &DutyAssessment, lang: Lang) -> String {
    let mut parts = vec![d.reason.get(lang).to_owned()];
    for f in &d.findings {
        parts.push(format!("- {}", f.text.get(lang)));
    }
    parts.join("\n")
}

fn observation(
    a: &Assessment,
    d: &DutyAssessment,
    e: &EvidenceItem,
    id: &str,
    lang: Lang,
) -> Value {
    let method = match e.kind {
        EvidenceKind::VaultCoverage | EvidenceKind::VaultIntegrity | EvidenceKind::Scan => "TEST",
        EvidenceKind::Document | EvidenceKind::Register | EvidenceKind::Profile => "EXAMINE",
    };
    let kind = match e.kind {
        EvidenceKind::VaultCoverage => "vault-coverage",
        EvidenceKind::VaultIntegrity => "vault-integrity",
        EvidenceKind::Scan => "scan",
        EvidenceKind::Document => "document",
        EvidenceKind::Register => "register",
        EvidenceKind::Profile => "profile",
    };
    let state = match e.state {
        duties::model::EvidenceState::Ok => "ok",
        duties::model::EvidenceState::Stale => "stale",
        duties::model::EvidenceState::Problem => "problem",
        duties::model::EvidenceState::Missing => "missing",
    };
    let mut ev = json!({
        "description": format!("{} ({})", e.what.get(lang), e.source),
        "props": [prop("source", &e.source)],
    });
    if matches!(e.kind, EvidenceKind::Document | EvidenceKind::Scan) && !e.source.is_empty() {
        ev["href"] = Value::String(href(&e.source));
    }
    if let Some(h) = &e.sha256
        && let Some(props) = ev["props"].as_array_mut()
    {
        props.push(prop("sha256", h));
    }
    let mut o = json!({
        "uuid": id,
        "title": format!("{}: {}", d.id, e.what.get(lang)),
        "description": e.what.get(lang),
        "props": [
            prop("evidence-kind", kind),
            prop("evidence-state", state),
            prop("duty", d.id),
        ],
        "methods": [method],
        "relevant-evidence": [ev],
        "collected": rfc3339(e.collected.unwrap_or(a.generated)),
    });
    if let Some(x) = e.stale_after {
        o["expires"] = Value::String(format!("{x}T00:00:00+08:00"));
    }
    o
}

fn risk(d: &DutyAssessment, id: &str, seed: &str, lang: Lang) -> Value {
    let mut r = json!({
        "uuid": id,
        "title": format!("{} — {}", d.id, d.title.get(lang)),
        "description": d.reason.get(lang),
        "statement": match lang {
            Lang::Zh => format!("义务{}为“{}”。", d.id, d.status.label().zh),
            Lang::En => format!("Duty {} is {}.", d.id, d.status.label().en),
        },
        "props": [prop("wangan-status", d.status.key())],
        "status": if d.status == Status::Waived { "deviation-approved" } else { "open" },
    });
    if let Some(w) = &d.waiver {
        r["deadline"] = Value::String(format!("{}T00:00:00+08:00", w.expires));
        if let Some(props) = r["props"].as_array_mut() {
            props.push(prop("waiver-owner", &w.owner));
            props.push(prop("waiver-expires", &w.expires.to_string()));
        }
        if let Some(props) = r["props"].as_array_mut() {
            props.push(prop("waiver-reason", &w.reason));
        }
    } else if let Some(c) = d.clocks.iter().find(|c| c.legal && c.due.is_some()) {
        if let Some(x) = &c.due {
            let when = if x.len() == 10 {
                format!("{x}T00:00:00+08:00")
            } else {
                x.clone()
            };
            r["deadline"] = Value::String(when);
        }
        if let (Some(text), Some(props)) = (due(c, lang), r["props"].as_array_mut()) {
            props.push(prop("clock", &text));
        }
    }
    if !d.remediation.is_empty() && d.status != Status::Waived {
        let rem: Vec<Value> = d
            .remediation
            .iter()
            .enumerate()
            .map(|(i, x)| {
                json!({
                    "uuid": uuid(&format!("remediation|{seed}|{}|{i}", d.id)),
                    "lifecycle": "recommendation",
                    "title": t(lang, "整改建议", "Remediation"),
                    "description": x.get(lang),
                })
            })
            .collect();
        r["remediations"] = Value::Array(rem);
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_rfc_4122_shaped_and_stable() {
        let u = uuid("x");
        assert_eq!(u, uuid("x"));
        assert_ne!(u, uuid("y"));
        let b: Vec<char> = u.chars().collect();
        assert_eq!(u.len(), 36);
        assert_eq!(b[14], '5');
        assert!(matches!(b[19], '8' | '9' | 'a' | 'b'));
    }

    #[test]
    fn hrefs_are_uri_references() {
        assert_eq!(href("docs/制度 v2.pdf"), "docs/%E5%88%B6%E5%BA%A6%20v2.pdf");
        assert_eq!(href("postgres://u@h/db"), "postgres://u@h/db");
    }
}
