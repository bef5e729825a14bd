//! The HTML report as a browser prints it: Debian's chromium (headless)
//! screenshots the Chinese and the English report, and prints the Chinese
//! one to PDF on A4. The PNGs stay in the target folder for a reviewer:
//! `target/tmp/assess-report-{zh,en}.png`. Fails, never skips, without chromium.

use std::path::{Path, PathBuf};
use std::process::Command;

use duties::Lang;
use report::{Format, Options};

use crate::fixture;

fn chromium() -> String {
    std::env::var("WANGAN_CHROMIUM").unwrap_or_else(|_| "chromium".to_owned())
}

fn run_chromium(args: &[String]) {
    let bin = chromium();
    let out = Command::new(&bin)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--hide-scrollbars",
        ])
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run `{bin}` ({e}): this test needs Debian's chromium and fonts-noto-cjk \
                 (apt-get install chromium fonts-noto-cjk; cargo xtask ci installs them)"
            )
        });
    assert!(
        out.status.success(),
        "{bin} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Width and height of a PNG, from its IHDR chunk.
pub(crate) fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    (be(&bytes[16..20]), be(&bytes[20..24]))
}

pub(crate) fn shot(html: &str, name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let page = dir.join(format!("{name}.html"));
    std::fs::write(&page, html).unwrap_or_else(|e| panic!("write {}: {e}", page.display()));
    let png = dir.join(format!("{name}.png"));
    let _ = std::fs::remove_file(&png);
    run_chromium(&[
        format!("--screenshot={}", png.display()),
        "--window-size=1000,3200".to_owned(),
        format!("file://{}", page.display()),
    ]);
    png
}

#[test]
fn the_html_report_renders_in_chromium_and_prints_on_a4() {
    let a = fixture::assessment();
    for (lang, key) in [(Lang::Zh, "zh"), (Lang::En, "en")] {
        let html = report::render(&a, Format::Html, &Options::new(lang));
        let png = shot(&html, &format!("assess-report-{key}"));
        let bytes = std::fs::read(&png).unwrap_or_else(|e| panic!("{}: {e}", png.display()));
        assert_eq!(png_size(&bytes), (1000, 3200));
        // a blank page compresses to almost nothing; a rendered report does not
        assert!(
            bytes.len() > 60_000,
            "{} is only {} bytes",
            png.display(),
            bytes.len()
        );
        eprintln!("screenshot: {}", png.display());
    }
    // printed to PDF on A4: several pages, no failure
    let html = report::render(&a, Format::Html, &Options::new(Lang::Zh));
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let page = dir.join("assess-report-print.html");
    std::fs::write(&page, &html).unwrap_or_else(|e| panic!("{e}"));
    let pdf = dir.join("assess-report-zh.pdf");
    let _ = std::fs::remove_file(&pdf);
    run_chromium(&[
        format!("--print-to-pdf={}", pdf.display()),
        "--no-pdf-header-footer".to_owned(),
        format!("file://{}", page.display()),
    ]);
    let bytes = std::fs::read(&pdf).unwrap_or_else(|e| panic!("{}: {e}", pdf.display()));
    assert!(bytes.starts_with(b"%PDF"));
    let text = String::from_utf8_lossy(&bytes);
    let pages = text.matches("/Type /Page\n").count()
        + text.matches("/Type /Page>>").count()
        + text.matches("/Type /Page ").count();
    assert!(pages >= 3, "{pages} pages");
    // A4 is 595 × 842 points
    assert!(text.contains("595") && text.contains("842"), "not A4");
}
