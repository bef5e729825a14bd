//! The JSON contracts of wangan: one example of every versioned document
//! (`wangan.…/N`), built from the library type that owns it.
//!
//! For each document the test
//!
//! 1. prints the example (run with `--nocapture` to read them all);
//! 2. checks that its `schema` field is the name it is registered under;
//! 3. checks that the typed document serialises to the same bytes as a
//!    sorted `serde_json::Value` (the order the documents always had);
//! 4. snapshots its shape (every key path with its JSON types) and a
//!    trimmed example (insta, `snapshots/contracts__<schema>.snap`);
//! 5. compares a hash of the shape with the one pinned for that schema
//!    name in `schemas.txt`. A change of shape under the same name fails:
//!    bump the version in the library's schema constant (`…/1` → `…/2`),
//!    register the new name, and say so in the change log of the release.
//!
//! Finally every schema name written in the libraries' sources must be
//! registered here, or listed in [`PENDING`] with the reason ([`NOT_DOCUMENTS`]
//! for the names that name no JSON document).
//!
//! To add a library's documents: a module with `pub fn examples() ->
//! Vec<Example>`, one line in [`all_examples`], a line per schema in
//! `schemas.txt` (the failure message prints it).

mod console;
mod duties;
mod law;
mod registers;
mod scan;
mod server;
mod vault;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// One example of a versioned document.
pub struct Example {
    /// The schema name it is registered under: the document's `schema`
    /// field, or `NAME#part` for a document without one (a JSONL line).
    pub schema: &'static str,
    /// The bytes the command prints (`serde_json::to_string_pretty`).
    pub printed: String,
    /// The same document as a value.
    pub value: Value,
    /// Whether the keys are printed in sorted order (every document that
    /// was once built as a `serde_json::Value`; `wangan.assess/1` keeps its
    /// declaration order).
    pub sorted: bool,
}

impl Example {
    /// The example of `doc`, registered as `schema`.
    pub fn of(schema: &'static str, doc: &impl Serialize) -> Example {
        Example {
            schema,
            printed: serde_json::to_string_pretty(doc).expect("a document serialises"),
            value: serde_json::to_value(doc).expect("a document is a JSON value"),
            sorted: true,
        }
    }

    /// The example of a document the binary prints through a
    /// `serde_json::Value`: keys sorted, whatever order the type declares.
    pub fn via_value(schema: &'static str, doc: &impl Serialize) -> Example {
        let value = serde_json::to_value(doc).expect("a document is a JSON value");
        Example {
            schema,
            printed: serde_json::to_string_pretty(&value).expect("a value serialises"),
            value,
            sorted: true,
        }
    }

    /// The example of a document printed in the order its type declares.
    pub fn in_declared_order(schema: &'static str, doc: &impl Serialize) -> Example {
        Example {
            sorted: false,
            ..Example::of(schema, doc)
        }
    }
}

/// Every library's examples.
fn all_examples() -> Vec<Example> {
    let mut all = Vec::new();
    all.extend(law::examples());
    all.extend(scan::examples());
    all.extend(duties::examples());
    all.extend(server::examples());
    all.extend(console::examples());
    all.extend(vault::examples());
    all.extend(registers::examples());
    all
}

/// Schema names written in the sources that have no example yet, with the
/// reason. Every document of the libraries searched has one now: add a line
/// here only for a name that cannot have an example, and say why.
const PENDING: &[(&str, &str)] = &[];

/// Names written in the sources that look like schema names but name no
/// JSON document, with what they are.
const NOT_DOCUMENTS: &[(&str, &str)] = &[
    (
        "wangan.registers/1",
        "registers: the domain of the hash that starts a store's chain",
    ),
    (
        "wangan.registers.change/1",
        "registers: the domain of a change's hash in the chain",
    ),
];

/// The crates whose sources are searched for schema names.
const LIBRARIES: &[&str] = &[
    "law",
    "scan",
    "duties",
    "report",
    "evidence",
    "server",
    "render",
    "vault",
    "registers",
];

/// The shape of a JSON document: per key path, the JSON types seen there;
/// `absent` when an object of the same place lacks the key.
#[derive(Default)]
struct Node {
    types: BTreeSet<&'static str>,
    objects: usize,
    present: usize,
    fields: BTreeMap<String, Node>,
    items: Option<Box<Node>>,
}

impl Node {
    fn add(&mut self, v: &Value) {
        self.present += 1;
        match v {
            Value::Null => {
                self.types.insert("null");
            }
            Value::Bool(_) => {
                self.types.insert("bool");
            }
            Value::Number(n) => {
                self.types
                    .insert(if n.is_f64() { "number" } else { "integer" });
            }
            Value::String(_) => {
                self.types.insert("string");
            }
            Value::Array(a) => {
                self.types.insert("array");
                let items = self.items.get_or_insert_with(Box::default);
                for x in a {
                    items.add(x);
                }
            }
            Value::Object(m) => {
                self.types.insert("object");
                self.objects += 1;
                for (k, x) in m {
                    self.fields.entry(k.clone()).or_default().add(x);
                }
            }
        }
    }

    /// One line per key path: the node's, then its fields', then its items'.
    fn write(&self, path: &str, absent: bool, out: &mut String) {
        let mut types: BTreeSet<&str> = self.types.clone();
        if absent {
            types.insert("absent");
        }
        if types.is_empty() {
            types.insert("never");
        }
        let shown = if path.is_empty() { "." } else { path };
        let _ = writeln!(
            out,
            "{shown}: {}",
            types.into_iter().collect::<Vec<_>>().join("|")
        );
        for (k, f) in &self.fields {
            f.write(&format!("{path}.{k}"), f.present < self.objects, out);
        }
        if let Some(items) = &self.items {
            items.write(&format!("{path}[]"), false, out);
        }
    }
}

/// Every key path of `v` with its JSON types, one per line.
fn shape(v: &Value) -> String {
    let mut root = Node::default();
    root.add(v);
    let mut s = String::new();
    root.write("", false, &mut s);
    s
}

/// The example, trimmed to be read: arrays keep their first two elements,
/// long strings their first 100 characters.
fn trimmed(v: &Value) -> Value {
    match v {
        Value::Array(a) => {
            let mut t: Vec<Value> = a.iter().take(2).map(trimmed).collect();
            if a.len() > 2 {
                t.push(Value::String(format!("… {} more", a.len() - 2)));
            }
            Value::Array(t)
        }
        Value::Object(m) => Value::Object(m.iter().map(|(k, x)| (k.clone(), trimmed(x))).collect()),
        Value::String(s) if s.chars().count() > 100 => {
            Value::String(format!("{}…", s.chars().take(100).collect::<String>()))
        }
        v => v.clone(),
    }
}

fn shape_hash(shape: &str) -> String {
    Sha256::digest(shape.as_bytes())
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `schemas.txt`: `NAME HASH` per line; `#` starts a comment.
fn pinned() -> BTreeMap<String, String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/contracts/schemas.txt");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (name, hash) = l.split_once(char::is_whitespace).unwrap_or((l, ""));
            (name.to_owned(), hash.trim().to_owned())
        })
        .collect()
}

/// The schema names (`wangan.x.y/N`) written in a text.
fn schema_names(text: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let b = text.as_bytes();
    let mut i = 0;
    while let Some(pos) = text[i..].find("wangan.") {
        let start = i + pos;
        let mut j = start + "wangan.".len();
        while j < b.len() && (b[j].is_ascii_lowercase() || matches!(b[j], b'.' | b'_' | b'-')) {
            j += 1;
        }
        if j < b.len() && b[j] == b'/' && j + 1 < b.len() && b[j + 1].is_ascii_digit() {
            let mut k = j + 1;
            while k < b.len() && b[k].is_ascii_digit() {
                k += 1;
            }
            // a version ends the name (`wangan.vault/0123abcd` is an origin)
            if k == b.len() || !b[k].is_ascii_alphanumeric() {
                names.insert(text[start..k].to_owned());
            }
            i = k;
        } else {
            i = j;
        }
    }
    names
}

fn sources_under(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            sources_under(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn every_schema_has_a_pinned_shape_and_example() {
    let examples = all_examples();
    let pins = pinned();
    let mut problems = Vec::new();
    let mut seen = BTreeSet::new();
    for ex in &examples {
        assert!(seen.insert(ex.schema), "{} has two examples", ex.schema);
        println!("==== {}\n{}", ex.schema, ex.printed);
        let (name, part) = ex.schema.split_once('#').unwrap_or((ex.schema, ""));
        if part.is_empty() {
            assert_eq!(
                ex.value.get("schema").and_then(Value::as_str),
                Some(name),
                "the `schema` field of the {name} example"
            );
        }
        if ex.sorted {
            let sorted = serde_json::to_string_pretty(&ex.value).expect("serialise");
            assert_eq!(
                ex.printed, sorted,
                "{}: the fields are not declared in sorted order (the printed order changed)",
                ex.schema
            );
        }
        let shape = shape(&ex.value);
        let hash = shape_hash(&shape);
        match pins.get(ex.schema) {
            None => problems.push(format!(
                "{}: not registered; add `{} {hash}` to tests/contracts/schemas.txt",
                ex.schema, ex.schema
            )),
            Some(h) if *h != hash => problems.push(format!(
                "{}: the shape changed (pinned {h}, now {hash}); a new shape needs a new \
                 version: bump the schema constant, register the new name with {hash}, and \
                 announce it",
                ex.schema
            )),
            Some(_) => {}
        }
        let example = serde_json::to_string_pretty(&trimmed(&ex.value)).expect("serialise");
        let name = ex.schema.replace('/', "-v").replace('#', "-");
        insta::assert_snapshot!(
            name,
            format!("shape:\n{shape}\nexample (trimmed):\n{example}")
        );
    }
    for name in pins.keys() {
        if !seen.contains(name.as_str()) {
            problems.push(format!("{name}: pinned in schemas.txt but has no example"));
        }
    }
    // every schema name in the libraries' sources is covered
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for lib in LIBRARIES {
        sources_under(&root.join(lib).join("src"), &mut files);
    }
    let mut written = BTreeSet::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap_or_default();
        written.extend(schema_names(&text));
    }
    for name in &written {
        let covered = pins
            .keys()
            .any(|p| p.split('#').next() == Some(name.as_str()));
        let excused = PENDING.iter().chain(NOT_DOCUMENTS).any(|(p, _)| p == name);
        if !covered && !excused {
            problems.push(format!(
                "{name}: written in a library but has no example here (nor a PENDING entry)"
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "contract problems:\n  {}",
        problems.join("\n  ")
    );
}

#[test]
fn schema_names_are_found_in_text() {
    let names = schema_names(
        r#"const A: &str = "wangan.scan/1"; // wangan.law.show/12, wangan vault, wangan.x/,
        wangan.vault.check-bundle/2 wangan.vault/0123456789abcdef wangan.console.register-list/1"#,
    );
    let want: BTreeSet<String> = [
        "wangan.scan/1",
        "wangan.law.show/12",
        "wangan.console.register-list/1",
        "wangan.vault.check-bundle/2",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    assert_eq!(names, want);
}

#[test]
fn shape_marks_absent_and_mixed_types() {
    let v = serde_json::json!({"a": [{"x": 1, "y": "s"}, {"x": null}], "b": true});
    assert_eq!(
        shape(&v),
        ".: object\n.a: array\n.a[]: object\n.a[].x: integer|null\n.a[].y: absent|string\n.b: bool\n"
    );
}
