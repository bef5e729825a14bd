//! Office Open XML: `.xlsx` per sheet column (header row = field names) and
//! `.docx` body text. Both are zip archives of XML; the text is pulled out
//! with a small tag walker (no DOM). Offsets of findings are relative to the
//! cell value (xlsx, with the row number) or to the extracted body text
//! (docx): the compressed file has no meaningful byte offsets.

use std::collections::HashMap;
use std::io::Read;

use memchr::memmem;

use crate::engine::{Scanner, Sink};
use crate::report::{Asset, Report};

/// Decode the five XML entities and numeric character references.
fn unescape(s: &[u8]) -> String {
    let t = String::from_utf8_lossy(s);
    if !t.contains('&') {
        return t.into_owned();
    }
    let mut out = String::with_capacity(t.len());
    let mut rest = &t[..];
    while let Some(p) = rest.find('&') {
        out.push_str(&rest[..p]);
        let tail = &rest[p..];
        let Some(semi) = tail.find(';').filter(|&q| q <= 10) else {
            out.push('&');
            rest = &tail[1..];
            continue;
        };
        let ent = &tail[1..semi];
        let c = match ent {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ if ent.starts_with("#x") => u32::from_str_radix(&ent[2..], 16)
                .ok()
                .and_then(char::from_u32),
            _ if ent.starts_with('#') => ent[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match c {
            Some(c) => {
                out.push(c);
                rest = &tail[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Concatenated contents of every `<tag …>…</tag>` (e.g. `t`, `w:t`) in `xml`.
fn texts(xml: &[u8], tag: &str) -> String {
    let open = format!("<{tag}");
    let close = format!("</{tag}>");
    let mut out = String::new();
    let mut i = 0;
    while let Some(p) = memmem::find(&xml[i..], open.as_bytes()) {
        let s = i + p + open.len();
        // `<t>` or `<t xml:space=…>`, not `<tc>`
        match xml.get(s) {
            Some(b'>' | b' ') => {}
            _ => {
                i = s;
                continue;
            }
        }
        let Some(gt) = memchr::memchr(b'>', &xml[s..]) else {
            break;
        };
        let cs = s + gt + 1;
        if xml[s + gt - 1] == b'/' {
            i = cs;
            continue;
        }
        let Some(e) = memmem::find(&xml[cs..], close.as_bytes()) else {
            break;
        };
        out.push_str(&unescape(&xml[cs..cs + e]));
        i = cs + e + close.len();
    }
    out
}

fn attr<'a>(tag: &'a [u8], name: &str) -> Option<&'a [u8]> {
    let pat = format!(" {name}=\"");
    let p = memmem::find(tag, pat.as_bytes())? + pat.len();
    let e = memchr::memchr(b'"', &tag[p..])?;
    Some(&tag[p..p + e])
}

fn read_member<R: Read + std::io::Seek>(
    zip: &mut zip::ZipArchive<R>,
    name: &str,
    limit: u64,
) -> Option<Vec<u8>> {
    let f = zip.by_name(name).ok()?;
    let mut v = Vec::new();
    f.take(limit).read_to_end(&mut v).ok()?;
    Some(v)
}

impl Scanner {
    /// Scan an `.xlsx` or `.docx` held in memory. Returns an error text
    /// when the archive is not one of them.
    pub(crate) fn scan_office(
        &self,
        name: &str,
        bytes: &[u8],
        sink: &dyn Sink,
        report: &mut Report,
    ) -> Result<(), String> {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
            .map_err(|e| format!("bad zip archive: {e}"))?;
        let limit = self.opts.max_json_size;
        let mut tmp = Vec::new();
        if zip.by_name("word/document.xml").is_ok() {
            let xml = read_member(&mut zip, "word/document.xml", limit)
                .ok_or("cannot read word/document.xml")?;
            // paragraphs end with </w:p>: one line each
            let mut text = String::with_capacity(xml.len() / 4);
            let mut i = 0;
            while let Some(p) = memmem::find(&xml[i..], b"</w:p>") {
                text.push_str(&texts(&xml[i..i + p], "w:t"));
                text.push('\n');
                i += p + 6;
            }
            text.push_str(&texts(&xml[i..], "w:t"));
            let mut asset = Asset::new(name, None);
            self.scan_record(&mut asset, text.as_bytes(), None, sink, &mut tmp);
            report.bytes += text.len() as u64;
            report.rows += text.lines().count() as u64;
            if !asset.kinds.is_empty() {
                report.assets.push(asset);
            }
            return Ok(());
        }
        if zip.by_name("xl/workbook.xml").is_err() {
            return Err("zip archive that is neither xlsx nor docx".to_owned());
        }
        let shared: Vec<String> = match read_member(&mut zip, "xl/sharedStrings.xml", limit) {
            Some(x) => {
                let mut v = Vec::new();
                let mut i = 0;
                while let Some(p) = memmem::find(&x[i..], b"<si>") {
                    let s = i + p + 4;
                    let e = memmem::find(&x[s..], b"</si>").map_or(x.len(), |q| s + q);
                    v.push(texts(&x[s..e], "t"));
                    i = e;
                }
                v
            }
            None => Vec::new(),
        };
        let mut sheets: Vec<String> = zip
            .file_names()
            .filter_map(|n| n.ok().map(|n| n.into_owned()))
            .filter(|n| n.starts_with("xl/worksheets/sheet") && n.ends_with(".xml"))
            .collect();
        sheets.sort();
        for sheet in sheets {
            let Some(xml) = read_member(&mut zip, &sheet, limit) else {
                continue;
            };
            let sname = sheet
                .trim_start_matches("xl/worksheets/")
                .trim_end_matches(".xml")
                .to_owned();
            let mut header: HashMap<String, String> = HashMap::new();
            let mut assets: HashMap<String, Asset> = HashMap::new();
            let mut i = 0;
            while let Some(p) = memmem::find(&xml[i..], b"<c ") {
                let s = i + p;
                let Some(gt) = memchr::memchr(b'>', &xml[s..]) else {
                    break;
                };
                let tag = &xml[s..s + gt + 1];
                let r = attr(tag, "r")
                    .map(|r| String::from_utf8_lossy(r).into_owned())
                    .unwrap_or_default();
                let ty = attr(tag, "t").unwrap_or(b"n");
                if tag.ends_with(b"/>") {
                    i = s + gt + 1;
                    continue;
                }
                let cs = s + gt + 1;
                let ce = memmem::find(&xml[cs..], b"</c>").map_or(xml.len(), |q| cs + q);
                let inner = &xml[cs..ce];
                let value = match ty {
                    b"s" => texts(inner, "v")
                        .trim()
                        .parse::<usize>()
                        .ok()
                        .and_then(|k| shared.get(k).cloned())
                        .unwrap_or_default(),
                    b"inlineStr" => texts(inner, "t"),
                    _ => texts(inner, "v"),
                };
                i = ce;
                if value.is_empty() {
                    continue;
                }
                let col: String = r.chars().take_while(char::is_ascii_alphabetic).collect();
                let row: u64 = r[col.len()..].parse().unwrap_or(0);
                if row == 1 {
                    header.insert(col, value);
                    continue;
                }
                let field = format!("{sname}!{}", header.get(&col).cloned().unwrap_or(col));
                let asset = assets
                    .entry(field.clone())
                    .or_insert_with(|| Asset::new(name, Some(field)));
                report.bytes += value.len() as u64;
                self.scan_record(asset, value.as_bytes(), Some(row), sink, &mut tmp);
                report.rows = report.rows.max(row);
            }
            report
                .assets
                .extend(assets.into_values().filter(|a| !a.kinds.is_empty()));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_text() {
        assert_eq!(unescape(b"a&amp;b&#x31;&#50;&lt;"), "a&b12<");
        assert_eq!(
            texts(
                b"<si><t>ab</t><tc>x</tc><t xml:space=\"preserve\"> c</t><t/></si>",
                "t"
            ),
            "ab c"
        );
    }
}
