//! The registers in the console: every register of the `registers` crate listed, created and
//! edited through forms generated from its schema (labels in both languages, errors next to
//! the field they concern), each record with its clocks and its history, and an incident's
//! report draft to download. The store is the profile's (`[console] profile`: the store the
//! assessment reads, with its settings), else the SQLite file in the data directory (opened on
//! first use); each change is recorded as a console event first, then made, then anchored
//! into the vault through the writer thread (source `wangan.registers`), like every record.

use std::sync::Mutex;

use maud::{Markup, html};
use registers::{Input, OperatorKind, Register, Registers, Settings};
use serde_json::Value;

use super::Lang;

/// The registers store of a console.
pub struct RegStore {
    location: registers::Location,
    inner: Mutex<Option<Registers>>,
    /// Operator kind the clocks are counted for (`[console] operator_kind`).
    pub kind: OperatorKind,
    /// Register settings (defaults; flagged as ours where they are).
    pub settings: Settings,
}

impl std::fmt::Debug for RegStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegStore")
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

/// Sends anchor events to the vault writer from a blocking thread.
pub(crate) struct IntakeSink {
    pub intake: crate::writer::Intake,
    pub handle: tokio::runtime::Handle,
    pub pending: Vec<bytes::Bytes>,
}

impl registers::AnchorSink for IntakeSink {
    fn append(&mut self, raw: &[u8]) -> Result<(), String> {
        self.pending.push(bytes::Bytes::copy_from_slice(raw));
        Ok(())
    }

    fn commit(&mut self) -> Result<(), String> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let now = crate::syslog::now_ns();
        let recs: Vec<crate::writer::Rec> = self
            .pending
            .drain(..)
            .map(|raw| crate::writer::Rec {
                received_ns: now,
                source: registers::ANCHOR_SOURCE.into(),
                peer: "-".into(),
                transport: "console",
                raw,
            })
            .collect();
        let intake = self.intake.clone();
        self.handle
            .block_on(async move { super::audit::send_durable(&intake, recs).await })
            .map(|_| ())
            .map_err(|e| format!("the vault did not take the anchors: {e:?}"))
    }
}

impl RegStore {
    /// The registers of data directory `dir`.
    pub fn new(dir: &std::path::Path, kind: OperatorKind) -> RegStore {
        RegStore::at(
            registers::Location::default_in(dir),
            kind,
            Settings::default(),
        )
    }

    /// The registers at `location` (a profile's), read with `settings`.
    pub fn at(location: registers::Location, kind: OperatorKind, settings: Settings) -> RegStore {
        RegStore {
            location,
            inner: Mutex::new(None),
            kind,
            settings,
        }
    }

    /// Run `f` with the open store (blocking: call on a blocking thread).
    pub fn with<T>(
        &self,
        f: impl FnOnce(&mut Registers) -> registers::Result<T>,
    ) -> registers::Result<T> {
        let mut g = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if g.is_none() {
            *g = Some(Registers::open(&self.location)?);
        }
        match g.as_mut() {
            Some(r) => f(r),
            None => Err(registers::Error::storage("registers not open")),
        }
    }
}

impl RegStore {
    /// Every record of every register at its latest revision, with the store's name
    /// (blocking: call on a blocking thread).
    pub fn all_records(&self) -> registers::Result<(String, Vec<registers::Record>)> {
        self.with(|r| {
            let mut all = Vec::new();
            for reg in ALL {
                r.each(reg, |rec| {
                    all.push(rec);
                    Ok(())
                })?;
            }
            Ok((format!("registers:{}", r.location().display()), all))
        })
    }
}

/// A register from its URL key.
pub fn register_of(key: &str) -> Option<Register> {
    Register::from_key(key)
}

/// Every register, in schema order.
pub const ALL: [Register; 14] = [
    Register::Incident,
    Register::Plan,
    Register::Drill,
    Register::Training,
    Register::BackgroundCheck,
    Register::Organisation,
    Register::Agreement,
    Register::ProcurementReview,
    Register::Vulnerability,
    Register::RealName,
    Register::Mlps,
    Register::CiiAssessment,
    Register::Equipment,
    Register::Project,
];

fn label(t: law::Text, lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => t.zh,
        Lang::En => t.en,
    }
}

/// A field value for display (masked values stay masked).
pub fn show_value(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(a) => a.iter().map(show_value).collect::<Vec<_>>().join("；"),
        Value::Bool(true) => "✓".into(),
        Value::Bool(false) => "✗".into(),
        other => other.to_string(),
    }
}

/// A stored value as shown: a choice by its label, a time in the console's offset.
pub fn show_field(f: &registers::Field, v: &Value, lang: Lang, offset: time::UtcOffset) -> String {
    match (f.ty, v) {
        (registers::FieldType::Choice(cs), Value::String(k)) => cs
            .iter()
            .find(|c| c.key == k)
            .map_or_else(|| k.clone(), |c| label(c.label, lang).to_owned()),
        (registers::FieldType::DateTime, Value::String(t)) => pretty_time(t, offset),
        _ => show_value(v),
    }
}

/// An RFC 3339 time as `2026-03-01 08:00:00 +08:00` in `offset` (unchanged when not one).
pub fn pretty_time(t: &str, offset: time::UtcOffset) -> String {
    match time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339) {
        Ok(d) => super::fmt_time(vault::clock::to_ns(d), offset, true),
        Err(_) => t.to_owned(),
    }
}

/// The form's values as register inputs: empty fields left out; a `datetime-local` value
/// gets the console's offset; a list is one item per line.
pub fn inputs(
    reg: Register,
    form: &super::Params,
    offset: time::UtcOffset,
) -> Vec<(&'static str, Input)> {
    let mut out = Vec::new();
    for f in reg.fields().iter().filter(|f| !f.managed) {
        let Some(v) = form.get(f.key) else { continue };
        let input = match f.ty {
            registers::FieldType::DateTime if !v.contains('+') && !v.ends_with('Z') => {
                let v = if v.len() == 16 {
                    format!("{v}:00")
                } else {
                    v.to_owned()
                };
                Input::Text(format!("{v}{}", super::fmt_offset(offset)))
            }
            registers::FieldType::List => Input::Json(Value::Array(
                v.lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(|l| Value::String(l.to_owned()))
                    .collect(),
            )),
            _ => Input::Text(v.to_owned()),
        };
        out.push((f.key, input));
    }
    out
}

/// The form for a new record or an edit; `values` prefill it, `error` is shown next to its
/// field (or above the form when it concerns no field).
pub fn form(
    reg: Register,
    action: &str,
    csrf: &str,
    values: &serde_json::Map<String, Value>,
    error: Option<(Option<String>, String)>,
    revision: Option<u64>,
    lang: Lang,
) -> Markup {
    let (err_field, err_msg) = match &error {
        Some((f, m)) => (f.clone(), m.clone()),
        None => (None, String::new()),
    };
    let value_of = |k: &str| -> String {
        match values.get(k) {
            Some(Value::Array(a)) => a.iter().map(show_value).collect::<Vec<_>>().join("\n"),
            Some(Value::String(s)) => s.clone(),
            Some(Value::Bool(b)) => b.to_string(),
            Some(v) if !v.is_null() => v.to_string(),
            _ => String::new(),
        }
    };
    html! {
        @if error.is_some() && err_field.is_none() {
            p.error role="alert" { (err_msg) }
        }
        form.stack.wide method="post" action=(action) novalidate {
            input type="hidden" name="csrf" value=(csrf);
            @if let Some(r) = revision { input type="hidden" name="expected_revision" value=(r); }
            @for f in reg.fields().iter().filter(|f| !f.managed) {
                @let id = format!("f-{}", f.key);
                @let bad = err_field.as_deref() == Some(f.key);
                @let v = value_of(f.key);
                div.field {
                    label for=(id) {
                        (label(f.label, lang))
                        @if f.required { " " span.req aria-hidden="true" { "*" } }
                        @if f.personal { " " span.hint { (lang.t("（个人信息，列表中脱敏）", "(personal data, masked in lists)")) } }
                        @if reg == Register::Incident && f.key == "handling_ended_at" {
                            " " span.hint { (lang.t("（填写即记为处置结束）", "(given: the incident is recorded as closed)")) }
                        }
                    }
                    @match f.ty {
                        registers::FieldType::LongText | registers::FieldType::List => {
                            textarea id=(id) name=(f.key) rows="3" required[f.required]
                                aria-invalid=[bad.then_some("true")]
                                aria-describedby=[bad.then(|| format!("{id}-error"))] { (v) }
                        }
                        registers::FieldType::Choice(choices) => {
                            select id=(id) name=(f.key) required[f.required] aria-invalid=[bad.then_some("true")] {
                                option value="" { "—" }
                                @for c in choices {
                                    option value=(c.key) selected[v == c.key] { (label(c.label, lang)) }
                                }
                            }
                        }
                        registers::FieldType::Bool => {
                            select id=(id) name=(f.key) aria-invalid=[bad.then_some("true")] {
                                option value="" { "—" }
                                option value="true" selected[v == "true"] { (lang.t("是", "yes")) }
                                option value="false" selected[v == "false"] { (lang.t("否", "no")) }
                            }
                        }
                        registers::FieldType::Date => {
                            input id=(id) type="date" name=(f.key) value=(v) required[f.required]
                                aria-invalid=[bad.then_some("true")]
                                aria-describedby=[bad.then(|| format!("{id}-error"))];
                        }
                        registers::FieldType::DateTime => {
                            input id=(id) type="datetime-local" step="1" name=(f.key)
                                value=(v.get(..19).unwrap_or(&v)) required[f.required]
                                aria-invalid=[bad.then_some("true")]
                                aria-describedby=[bad.then(|| format!("{id}-error"))];
                        }
                        registers::FieldType::Count | registers::FieldType::Number | registers::FieldType::Year => {
                            input id=(id) type="number" min="0" step="any" name=(f.key) value=(v) required[f.required]
                                aria-invalid=[bad.then_some("true")]
                                aria-describedby=[bad.then(|| format!("{id}-error"))];
                        }
                        _ => {
                            input id=(id) type="text" name=(f.key) value=(v) required[f.required]
                                aria-invalid=[bad.then_some("true")]
                                aria-describedby=[bad.then(|| format!("{id}-error"))];
                        }
                    }
                    @if bad { p.field-error id=(format!("{id}-error")) { (err_msg) } }
                }
            }
            button.primary type="submit" { (lang.t("保存", "Save")) }
        }
    }
}

/// The clocks of a record, as a table.
pub fn deadlines(
    ds: &[registers::view::DeadlineView],
    lang: Lang,
    offset: time::UtcOffset,
) -> Markup {
    let zh = lang == Lang::Zh;
    html! {
        @if ds.is_empty() {
            p.muted { (lang.t("这条记录没有计时的法定期限。", "No legal clock runs on this record.")) }
        } @else {
            table.data.clocks {
                thead { tr {
                    th scope="col" { (lang.t("期限", "Deadline")) }
                    th scope="col" { (lang.t("报送对象", "To")) }
                    th scope="col" { (lang.t("截止", "Due")) }
                    th scope="col" { (lang.t("状态", "State")) }
                    th scope="col" { (lang.t("依据", "Basis")) }
                } }
                tbody {
                    @for d in ds {
                        tr class=(format!("clock {}", d.state)) {
                            th scope="row" { (label(d.kind.label(), lang)) }
                            td { @if let Some(r) = d.recipient { (label(r.label(), lang)) } }
                            td.nowrap { (d.due.as_deref().map(|t| pretty_time(t, offset)).or(d.due_date.clone()).unwrap_or_default()) }
                            td { span class=(format!("badge {}", match d.state { "overdue" | "late" => "bad", "pending" => "warn", "met" | "done" => "good", _ => "" })) { (d.status_text.get(zh)) } }
                            td.small { (d.rule.get(zh)) " " span.muted { (d.basis.get(zh)) } }
                        }
                    }
                }
            }
        }
    }
}

/// The record's events for a change (no personal value: field keys only).
pub fn event_detail(
    reg: Register,
    id: Option<&str>,
    fields: &[(&str, Input)],
) -> super::audit::Detail {
    super::audit::Detail::RegisterChange {
        fields: fields.iter().map(|(k, _)| (*k).to_owned()).collect(),
        id: id.map(str::to_owned),
        register: reg.key().into(),
    }
}

/// Labels.
pub fn reg_label(reg: Register, lang: Lang) -> &'static str {
    label(reg.label(), lang)
}

/// Labels of fields.
pub fn field_label(f: &registers::Field, lang: Lang) -> &'static str {
    label(f.label, lang)
}
