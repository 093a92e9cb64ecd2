//! The forms a citizen fills in, as the server paints them on a direct
//! visit: an application's step (`/drafts/:id`), and on a request's page
//! (`/requests/:id`) the answer to an agency that asked for more
//! information and the fee to pay. They are the app's forms
//! (`components/form_field.rs`, `reply_form.rs`, `pay_fee.rs`)
//! as they first render, attribute for attribute, with the boxes read-only
//! and the buttons disabled until the app, which checks and sends them,
//! has taken over (the end-to-end tests compare the two byte for byte).
//! (A button's `class` comes first, as Leptos writes it.) What decides
//! an input's type and keyboard ([`input_kind`]) and its id
//! ([`input_id`]) is here, used by both.

use std::collections::BTreeMap;

use super::{element, escape_html, fill, push_escaped, Word, Words};
use crate::forms::{Field, FieldType, FileValue, Form};

/// The HTML id of a field's input.
pub fn input_id(name: &str) -> String {
    format!("field-{name}")
}

/// How a one-line box asks for its value: its `type`, the keyboard a
/// phone shows (`inputmode`), `autocomplete`, and whether it is written
/// left to right (numbers, codes) rather than in the page's direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InputKind {
    pub kind: &'static str,
    pub inputmode: &'static str,
    pub autocomplete: &'static str,
    pub ltr: bool,
}

/// The one-line box for a field of this type (choices, files and long
/// texts are not boxes).
pub fn input_kind(kind: &FieldType) -> InputKind {
    let (kind, inputmode, autocomplete, ltr) = match kind {
        FieldType::NationalCode | FieldType::PostalCode | FieldType::Rials { .. } => ("text", "numeric", "off", true),
        FieldType::Mobile => ("tel", "tel", "tel", true),
        FieldType::JalaliDate | FieldType::Digits { .. } => ("text", "numeric", "off", true),
        _ => ("text", "text", "off", false),
    };
    InputKind { kind, inputmode, autocomplete, ltr }
}

/// The inside of an application's `<div class="wrap narrow">` below its
/// head at `step` (a step of the form; the review is the app's): the
/// step's fields with the values saved, the buttons, and when it was
/// saved (`updated_at`, RFC 3339).
pub fn draft_step(form: &Form, step: u32, values: &BTreeMap<String, String>, updated_at: &str, w: &dyn Words) -> String {
    let mut out = String::with_capacity(2000);
    out.push_str("<form class=\"form\" novalidate=\"\">");
    for f in form.fields.iter().filter(|f| f.step == step) {
        field(&mut out, f, values.get(&f.name).map(String::as_str).unwrap_or_default(), w);
    }
    out.push_str("<div class=\"button-row\">");
    element(
        &mut out,
        "button",
        " class=\"button\" type=\"submit\" id=\"continue\" aria-disabled=\"false\" disabled=\"\"",
        w.word(Word::ApplySaveContinue),
    );
    if step > 1 {
        element(&mut out, "button", " class=\"button secondary\" type=\"button\" disabled=\"\"", w.word(Word::ApplyBack));
    }
    out.push_str("</div></form>");
    element(&mut out, "p", " class=\"hint\" role=\"status\"", &fill(w.word(Word::ApplySavedAt), &[("time", &w.time(updated_at))]));
    out
}

/// One field (`<div class="field">`): label, hint, and its box holding
/// `value`.
fn field(out: &mut String, f: &Field, value: &str, w: &dyn Words) {
    let id = input_id(&f.name);
    let name = escape_html(&f.name);
    let described = if f.hint.is_some() { format!("{id}-hint") } else { String::new() };
    let common = format!("id=\"{id}\" name=\"{name}\"");
    out.push_str(&format!("<div class=\"field\"><label for=\"{id}\">"));
    push_escaped(out, f.label.get(w.lang()));
    if !f.required {
        element(out, "span", " class=\"optional\"", w.word(Word::FormOptional));
    }
    out.push_str("</label>");
    if let Some(h) = &f.hint {
        element(out, "p", &format!(" class=\"hint\" id=\"{id}-hint\""), h.get(w.lang()));
    }
    let state = format!("aria-invalid=\"false\" aria-describedby=\"{described}\"");
    match &f.kind {
        FieldType::Choice { options } => {
            out.push_str(&format!("<select {common} {state} disabled=\"\">"));
            let selected = |yes: bool| if yes { " selected=\"\"" } else { "" };
            element(out, "option", &format!(" value=\"\"{}", selected(value.is_empty())), w.word(Word::FormChoose));
            for o in options {
                let attrs = format!(" value=\"{}\"{}", escape_html(&o.value), selected(o.value == value));
                element(out, "option", &attrs, o.label.get(w.lang()));
            }
            out.push_str("</select>");
        }
        FieldType::File { types, .. } => {
            let accept = escape_html(&types.join(","));
            out.push_str(&format!("<input {common} type=\"file\" accept=\"{accept}\" {state} disabled=\"\">"));
            let current = serde_json::from_str::<FileValue>(value)
                .ok()
                .map(|v| fill(w.word(Word::FormFileCurrent), &[("name", &v.name), ("size", &w.num(v.size.div_ceil(1024)))]));
            element(out, "p", " class=\"hint\" aria-live=\"polite\"", &current.unwrap_or_default());
        }
        FieldType::Text { multiline: true, max, .. } => {
            element(out, "textarea", &format!(" {common} rows=\"4\" maxlength=\"{max}\" {state} readonly=\"\""), value);
        }
        kind => {
            let k = input_kind(kind);
            let dir = if k.ltr { "ltr" } else { "auto" };
            let value = if value.is_empty() { String::new() } else { format!(" value=\"{}\"", escape_html(value)) };
            out.push_str(&format!(
                "<input {common} type=\"{}\" inputmode=\"{}\" autocomplete=\"{}\" dir=\"{dir}\" {state} readonly=\"\"{value}>",
                k.kind, k.inputmode, k.autocomplete
            ));
        }
    }
    out.push_str("</div>");
}

/// The answer to an agency that asked the citizen for more information
/// (`<form class="panel reply" id="reply-form">`, whole).
pub fn reply_form(w: &dyn Words) -> String {
    let mut out = String::with_capacity(1200);
    out.push_str("<form class=\"panel reply\" id=\"reply-form\" novalidate=\"\">");
    element(&mut out, "h2", "", w.word(Word::ReplyTitle));
    element(&mut out, "p", "", w.word(Word::ReplyLead));
    out.push_str("<div class=\"field\">");
    element(&mut out, "label", " for=\"reply-text\"", w.word(Word::ReplyLabel));
    element(&mut out, "p", " class=\"hint\" id=\"reply-hint\"", w.word(Word::ReplyHint));
    out.push_str("<textarea id=\"reply-text\" name=\"text\" rows=\"4\" maxlength=\"480\" aria-describedby=\"reply-hint\" readonly=\"\"></textarea></div>");
    element(&mut out, "button", " class=\"button\" type=\"submit\" disabled=\"\"", w.word(Word::ReplySend));
    out.push_str("</form>");
    out
}

/// A request's fee to pay (`<section class="panel" id="pay-fee">`,
/// whole): what it is and how much ([`super::receipt::fee_head`]) and the
/// button to pay it.
pub fn fee_panel(fee_rials: i64, w: &dyn Words) -> String {
    let mut out = String::with_capacity(600);
    out.push_str("<section class=\"panel\" id=\"pay-fee\" aria-labelledby=\"pay-fee-title\"><div class=\"fee-head\">");
    out.push_str(&super::receipt::fee_head(fee_rials, w));
    out.push_str("</div>");
    element(&mut out, "button", " class=\"button\" type=\"button\" id=\"pay-fee-button\" disabled=\"\"", w.word(Word::PayFeeButton));
    out.push_str("</section>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::markup::test_words::Fixed as Keys;

    fn form() -> Form {
        serde_json::from_value(serde_json::json!({
            "service": "s",
            "steps": [{ "fa": "ی", "en": "You" }, { "fa": "د", "en": "More" }],
            "fields": [
                { "name": "purpose", "type": "choice", "label": { "fa": "ه", "en": "Purpose" },
                  "options": [{ "value": "a", "label": { "fa": "ا", "en": "A & co" } }, { "value": "b", "label": { "fa": "ب", "en": "B" } }] },
                { "name": "on", "type": "jalali_date", "required": false, "label": { "fa": "ت", "en": "Date" },
                  "hint": { "fa": "م", "en": "e.g. 1405/09/20" } },
                { "name": "note", "type": "text", "min": 1, "max": 300, "multiline": true, "step": 2, "label": { "fa": "ی", "en": "Note" } },
                { "name": "scan", "type": "file", "types": ["image/jpeg", "application/pdf"], "max_kb": 500, "step": 2,
                  "label": { "fa": "پ", "en": "Scan" } },
                { "name": "mobile", "type": "mobile", "step": 2, "label": { "fa": "ش", "en": "Mobile" } },
            ],
        }))
        .unwrap()
    }

    #[test]
    fn a_step_is_painted_as_the_app_renders_it_with_its_boxes_read_only() {
        let values = BTreeMap::from([("purpose".to_owned(), "a".to_owned()), ("on".to_owned(), "1405/<09>".to_owned())]);
        assert_eq!(
            draft_step(&form(), 1, &values, "2026-12-06T10:00:00Z", &Keys),
            "<form class=\"form\" novalidate=\"\">\
             <div class=\"field\"><label for=\"field-purpose\">Purpose</label>\
             <select id=\"field-purpose\" name=\"purpose\" aria-invalid=\"false\" aria-describedby=\"\" disabled=\"\">\
             <option value=\"\">form_choose</option><option value=\"a\" selected=\"\">A &amp; co</option><option value=\"b\">B</option></select></div>\
             <div class=\"field\"><label for=\"field-on\">Date<span class=\"optional\">form_optional</span></label>\
             <p class=\"hint\" id=\"field-on-hint\">e.g. 1405/09/20</p>\
             <input id=\"field-on\" name=\"on\" type=\"text\" inputmode=\"numeric\" autocomplete=\"off\" dir=\"ltr\" aria-invalid=\"false\" \
             aria-describedby=\"field-on-hint\" readonly=\"\" value=\"1405/&lt;09&gt;\"></div>\
             <div class=\"button-row\"><button class=\"button\" type=\"submit\" id=\"continue\" aria-disabled=\"false\" disabled=\"\">apply_save_continue</button></div></form>\
             <p class=\"hint\" role=\"status\">Saved at 2026-12-06T10:00:00Z</p>"
        );
    }

    #[test]
    fn a_later_step_has_its_back_button_and_its_file_and_text_boxes() {
        let file = serde_json::json!({ "id": "f1", "name": "scan.pdf", "type": "application/pdf", "size": 2049 }).to_string();
        let values = BTreeMap::from([("note".to_owned(), "hi".to_owned()), ("scan".to_owned(), file)]);
        let painted = draft_step(&form(), 2, &values, "t", &Keys);
        assert!(painted.contains(
            "<textarea id=\"field-note\" name=\"note\" rows=\"4\" maxlength=\"300\" aria-invalid=\"false\" aria-describedby=\"\" readonly=\"\">hi</textarea>"
        ));
        assert!(painted.contains(
            "<input id=\"field-scan\" name=\"scan\" type=\"file\" accept=\"image/jpeg,application/pdf\" aria-invalid=\"false\" aria-describedby=\"\" disabled=\"\">\
             <p class=\"hint\" aria-live=\"polite\">scan.pdf, #3 KB</p>"
        ));
        assert!(painted.contains(
            "type=\"tel\" inputmode=\"tel\" autocomplete=\"tel\" dir=\"ltr\" aria-invalid=\"false\" aria-describedby=\"\" readonly=\"\">"
        ));
        assert!(painted.contains("<button class=\"button secondary\" type=\"button\" disabled=\"\">apply_back</button></div></form>"));
        assert!(!painted.contains("field-purpose"), "only the step's fields");
    }

    #[test]
    fn the_fee_panel_is_painted_whole_and_inert() {
        assert_eq!(
            fee_panel(12_000, &Keys),
            format!(
                "<section class=\"panel\" id=\"pay-fee\" aria-labelledby=\"pay-fee-title\"><div class=\"fee-head\">{}</div>\
                 <button class=\"button\" type=\"button\" id=\"pay-fee-button\" disabled=\"\">pay_fee_button</button></section>",
                crate::markup::receipt::fee_head(12_000, &Keys)
            )
        );
    }

    #[test]
    fn the_reply_form_is_painted_whole_and_inert() {
        assert_eq!(
            reply_form(&Keys),
            "<form class=\"panel reply\" id=\"reply-form\" novalidate=\"\"><h2>request_reply_title</h2><p>request_reply_lead</p>\
             <div class=\"field\"><label for=\"reply-text\">request_reply_label</label><p class=\"hint\" id=\"reply-hint\">request_reply_hint</p>\
             <textarea id=\"reply-text\" name=\"text\" rows=\"4\" maxlength=\"480\" aria-describedby=\"reply-hint\" readonly=\"\"></textarea></div>\
             <button class=\"button\" type=\"submit\" disabled=\"\">request_reply_send</button></form>"
        );
    }
}
