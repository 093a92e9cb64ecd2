//! The head of an application being filled in (`/drafts/:id`), as the
//! server paints it on a direct visit and the app renders it at each step:
//! the service, and which step of how many. The form is the app's.

use super::{element, fill, Word, Words};
use crate::forms::Form;
use crate::Text;

/// The inside of `<div class="draft-head">` at `step` of `form` (one past
/// its last step: the review of the answers).
pub fn draft_head(service_name: &Text, form: &Form, step: u32, w: &dyn Words) -> String {
    let count = form.step_count();
    let title = if step > count {
        w.word(Word::ApplyReviewTitle).to_owned()
    } else {
        let name = form.steps.get(step.saturating_sub(1) as usize).map(|t| t.get(w.lang())).unwrap_or_default();
        fill(w.word(Word::ApplyStepOf), &[("n", &w.num(u64::from(step))), ("total", &w.num(u64::from(count))), ("title", name)])
    };
    let mut out = String::with_capacity(300);
    element(&mut out, "p", " class=\"caption\"", service_name.get(w.lang()));
    element(&mut out, "h1", "", &title);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::markup::test_words::Fixed as Keys;

    #[test]
    fn the_head_names_the_service_and_the_step() {
        let form: Form = serde_json::from_value(serde_json::json!({
            "service": "s", "steps": [{ "fa": "ی", "en": "You" }, { "fa": "د", "en": "Travel & dates" }],
        }))
        .unwrap();
        let name = Text { fa: "گذرنامه".into(), en: "Passport <new>".into() };
        assert_eq!(
            draft_head(&name, &form, 2, &Keys),
            "<p class=\"caption\">Passport &lt;new&gt;</p><h1>Step #2 of #2: Travel &amp; dates</h1>"
        );
        assert_eq!(draft_head(&name, &form, 3, &Keys), "<p class=\"caption\">Passport &lt;new&gt;</p><h1>apply_review_title</h1>");
    }
}
