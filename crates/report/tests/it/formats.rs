//! Every format in both languages, as insta snapshots, and the properties
//! each format must keep whatever the snapshot says.

use duties::Lang;
use report::{Format, Options};

use crate::fixture;

fn lang_key(l: Lang) -> &'static str {
    match l {
        Lang::Zh => "zh",
        Lang::En => "en",
    }
}

#[test]
fn snapshots_of_every_format_in_both_languages() {
    let a = fixture::assessment();
    for format in Format::ALL {
        for lang in [Lang::Zh, Lang::En] {
            let out = report::render(&a, format, &Options::new(lang));
            insta::assert_snapshot!(format!("bank_{}_{}", format.key(), lang_key(lang)), out);
        }
    }
}

/// An assessment saved as JSON and read back renders every format exactly as the one in
/// memory did (the console renders its reports from the saved file).
#[test]
fn an_assessment_read_back_from_its_json_renders_the_same() {
    for a in [fixture::assessment(), fixture::all_clear()] {
        let saved = report::json(&a);
        let back: duties::Assessment = serde_json::from_str(&saved).unwrap();
        assert_eq!(report::json(&back), saved);
        for format in Format::ALL {
            for lang in [Lang::Zh, Lang::En] {
                let o = Options::new(lang);
                assert_eq!(
                    report::render(&back, format, &o),
                    report::render(&a, format, &o),
                    "{} {}",
                    format.key(),
                    lang_key(lang)
                );
            }
        }
    }
    // what is not an assessment is refused with the reason and the place
    let saved = report::json(&fixture::assessment());
    for (bad, says) in [
        (
            saved.replacen("wangan.assess/1", "wangan.assess/2", 1),
            "schema",
        ),
        (saved.replacen("\"at\": \"", "\"at\": \"x", 1), "not a date"),
        (
            saved.replacen("\"status\": \"", "\"status\": \"x", 1),
            "unknown variant",
        ),
    ] {
        let e = serde_json::from_str::<duties::Assessment>(&bad)
            .unwrap_err()
            .to_string();
        assert!(e.contains(says) && e.contains("line "), "{e}");
    }
}

#[test]
fn a_report_with_nothing_to_remedy_still_renders_fully() {
    let a = fixture::all_clear();
    assert!(
        a.duties.iter().all(|d| !d.status.is_open()),
        "{:?}",
        a.duties
            .iter()
            .filter(|d| d.status.is_open())
            .map(|d| (d.id, d.status, d.reason.en.clone()))
            .collect::<Vec<_>>()
    );
    assert_eq!(a.exit_level(duties::FailOn::NeedsEvidence), 0);
    for format in [Format::Text, Format::Html, Format::Markdown] {
        for lang in [Lang::Zh, Lang::En] {
            let out = report::render(&a, format, &Options::new(lang));
            insta::assert_snapshot!(format!("clear_{}_{}", format.key(), lang_key(lang)), out);
        }
    }
    let html = report::render(&a, Format::Html, &Options::new(Lang::En));
    for section in [
        "Summary",
        "Duties",
        "Waivers",
        "Log retention",
        "Data stores",
        "Documents",
    ] {
        assert!(html.contains(&format!("<h2>{section}</h2>")), "{section}");
    }
    assert!(html.contains("Every applicable duty is met or waived"));
}

#[test]
fn untrusted_text_is_escaped_in_every_format() {
    let a = fixture::assessment();
    let html = report::render(&a, Format::Html, &Options::new(Lang::Zh));
    assert!(!html.contains("<script>"), "raw script tag in HTML");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "no network reference"
    );
    assert!(!html.contains("<link") && !html.contains("<img") && !html.contains("@import"));
    let md = report::render(&a, Format::Markdown, &Options::new(Lang::Zh));
    assert!(!md.contains("<script>"));
    assert!(md.contains("\\<script\\>"));
    let text = report::render(&a, Format::Text, &Options::new(Lang::En));
    assert!(
        !text.contains('\u{1b}'),
        "an escape sequence reached the terminal text"
    );
    assert!(text.contains("test-\\u{1b}[31mbox"), "{text}");
    let colour = report::render(
        &a,
        Format::Text,
        &Options {
            lang: Lang::En,
            color: true,
        },
    );
    assert!(colour.contains("\u{1b}[1;31m"), "colour asked for");
    assert!(
        !colour.contains("test-\u{1b}"),
        "but never from untrusted text"
    );
}

#[test]
fn csv_opens_in_excel_one_row_per_duty() {
    let a = fixture::assessment();
    for lang in [Lang::Zh, Lang::En] {
        let csv = report::render(&a, Format::Csv, &Options::new(lang));
        assert!(csv.starts_with('\u{feff}'), "UTF-8 BOM");
        // count records, not lines (cells hold newlines)
        let mut records = 0;
        let mut quoted = false;
        for c in csv.chars() {
            match c {
                '"' => quoted = !quoted,
                '\n' if !quoted => records += 1,
                _ => {}
            }
        }
        assert_eq!(records, 1 + a.duties.len());
        assert!(csv.contains("\r\n"));
    }
}

#[test]
fn json_is_the_documented_schema() {
    let a = fixture::assessment();
    let v: serde_json::Value =
        serde_json::from_str(&report::render(&a, Format::Json, &Options::new(Lang::En)))
            .unwrap_or_else(|e| panic!("not JSON: {e}"));
    assert_eq!(v["schema"], "wangan.assess/1");
    let duties = v["duties"].as_array().expect("duties");
    assert_eq!(duties.len(), law::duties().len());
    for d in duties {
        for key in [
            "id",
            "status",
            "article",
            "evidence",
            "remediation",
            "penalties",
            "clocks",
        ] {
            assert!(!d[key].is_null(), "{} lacks {key}", d["id"]);
        }
        assert!(matches!(
            d["status"].as_str(),
            Some("met" | "partly-met" | "not-met" | "needs-evidence" | "not-applicable" | "waived")
        ));
    }
    let log = duties
        .iter()
        .find(|d| d["id"] == "csl.log-retention")
        .expect("log duty");
    assert_eq!(log["article"]["ref"], "23(3)");
    assert_eq!(log["article"]["numbering"]["2016"], "21(3)");
    assert_eq!(log["penalties"][0]["citation"], "CSL-2025 art. 61¶1, 61¶3");
    assert!(
        log["penalties"][0]["text"]
            .as_str()
            .is_some_and(|t| t.starts_with("第六十一条"))
    );
}
