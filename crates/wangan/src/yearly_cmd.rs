//! `wangan assess --report cii-yearly`: the yearly CII assessment report
//! (检测评估情况和改进措施) from the assessment just made and the registers.
//! The report is built by `report::yearly`; this module only picks the
//! format, reads the registers the profile names and writes the bytes.

use std::io::Write as _;
use std::path::Path;

use report::yearly::{self, RegisterData, YearlyFormat, YearlyInput};

use crate::out::{Exit, Lang, Out, escape, fail, usage};

/// The format of the yearly report from `--format` (its key) or the
/// extension of `-o`; Markdown when neither says.
pub fn pick_format(
    key: Option<&str>,
    output: Option<&Path>,
    out: Out,
) -> anyhow::Result<YearlyFormat> {
    let from_ext = || {
        output
            .and_then(|p| p.extension())
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
    };
    let key = key.map(str::to_owned).or_else(from_ext);
    match key.as_deref() {
        None | Some("md" | "markdown") => Ok(YearlyFormat::Markdown),
        Some("html" | "htm") => Ok(YearlyFormat::Html),
        Some("docx") => Ok(YearlyFormat::Docx),
        Some(other) => Err(usage(format!(
            "--report cii-yearly --format {}: {}",
            escape(other, false),
            out.t(
                "年度检测评估报告只有 md、html 和 docx 格式",
                "the yearly CII report is written as md, html or docx only"
            )
        ))),
    }
}

/// Write the yearly report of `assessment` to `output` (standard output
/// when `None`).
pub fn write(
    profile: &duties::Profile,
    assessment: &duties::Assessment,
    format: YearlyFormat,
    output: Option<&Path>,
    out: Out,
) -> anyhow::Result<()> {
    if format == YearlyFormat::Docx
        && output.is_none()
        && std::io::IsTerminal::is_terminal(&std::io::stdout())
    {
        return Err(usage(out.t(
            "DOCX 是二进制文件：请用 -o FILE 写入文件",
            "DOCX is a binary file: write it with -o FILE",
        )));
    }
    let regs = crate::registers_cmd::all_records(profile, out);
    let input = YearlyInput {
        assessment,
        profile,
        registers: regs
            .as_ref()
            .map(|(origin, records, settings, kind)| RegisterData {
                origin,
                records,
                operator: *kind,
                settings,
            }),
    };
    // a document for the sector department: Chinese unless --lang en asks otherwise
    let lang = match (out.lang_given, out.lang) {
        (true, Lang::En) => duties::Lang::En,
        _ => duties::Lang::Zh,
    };
    let bytes = yearly::render(&input, format, lang).map_err(|e| {
        fail(
            Exit::IoErr,
            format!(
                "{}: {e}",
                out.t("无法生成年度检测评估报告", "cannot build the yearly report")
            ),
        )
    })?;
    match output {
        Some(path) => {
            std::fs::write(path, &bytes).map_err(|e| {
                fail(
                    Exit::IoErr,
                    format!(
                        "{} {}: {e}",
                        out.t("无法写入报告", "cannot write the report to"),
                        escape(&path.display().to_string(), false)
                    ),
                )
            })?;
            // how to record it once it is signed and sent (the register keeps the hash)
            let name = path.display().to_string();
            let shown = escape(&name, false);
            eprintln!(
                "{} {shown} (SHA-256 {}); {}: wangan cii-assessment add --year YEAR --assessed-on DATE --assessor WHO --report {shown} --sha256 HASH --submitted-on DATE --department NAME",
                out.t("已写入", "written:"),
                duties::sha256_hex(&bytes),
                out.t("定稿报送后登记", "once final and sent, record it"),
            );
            Ok(())
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(&bytes)?;
            stdout.flush()?;
            Ok(())
        }
    }
}
