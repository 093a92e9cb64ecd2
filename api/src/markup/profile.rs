//! The citizen's profile (`/me`), as the server paints it on a direct visit
//! and the app renders it.

use super::{element, fill, Word, Words};
use crate::auth::Profile;
use crate::Lang;

/// ASCII digits in the language's digits, one by one (a code, a number
/// written as the registry wrote it: no grouping).
pub fn digits(s: &str, w: &dyn Words) -> String {
    let mut out = String::with_capacity(s.len() * 2);
    for c in s.chars() {
        match c.to_digit(10) {
            Some(d) if c.is_ascii_digit() => out.push_str(&w.num(u64::from(d))),
            _ => out.push(c),
        }
    }
    out
}

/// The person as the registry has them and the verified mobile (the
/// inside of `<div class="profile-details">`): the list, then where it came
/// from and when. `birth_date`: theirs in the reader's calendar (the
/// browser's `Intl`, ICU on the server).
pub fn profile(p: &Profile, birth_date: &str, w: &dyn Words) -> String {
    let name = match w.lang() {
        Lang::Fa => format!("{} {}", p.first_name, p.last_name),
        Lang::En => format!("{} {}", p.first_name_en, p.last_name_en),
    };
    let gender = w.word(if p.gender == "female" { Word::GenderFemale } else { Word::GenderMale });
    let certificate =
        fill(w.word(Word::ProfileCertificateValue), &[("serial", &digits(&p.certificate_serial, w)), ("place", &p.certificate_place)]);
    let rows: [(Word, &str); 7] = [
        (Word::ProfileName, &name),
        (Word::ProfileFatherName, &p.father_name),
        (Word::ProfileNationalCode, &digits(&p.national_code, w)),
        (Word::ProfileBirthDate, birth_date),
        (Word::ProfileGender, gender),
        (Word::ProfileCertificate, &certificate),
        (Word::ProfileMobile, &digits(&p.mobile, w)),
    ];
    let mut out = String::with_capacity(1200);
    out.push_str("<dl class=\"summary-list\" id=\"profile\">");
    for (label, value) in rows {
        out.push_str("<div class=\"summary-row\">");
        element(&mut out, "dt", "", w.word(label));
        element(&mut out, "dd", "", value);
        out.push_str("</div>");
    }
    out.push_str("</dl>");
    let source = fill(w.word(Word::ProfileSource), &[("agency", p.source_agency.get(w.lang())), ("time", &w.time(&p.fetched_at))]);
    element(&mut out, "p", " class=\"hint\"", &source);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::markup::test_words::FixedIn as Keys;

    #[test]
    fn the_profile_is_the_registrys_in_the_readers_language_and_digits() {
        let p = Profile {
            national_code: "0012".into(),
            first_name: "علی".into(),
            last_name: "رضایی".into(),
            first_name_en: "Ali".into(),
            last_name_en: "Rezaei & Co".into(),
            father_name: "حسن".into(),
            gender: "female".into(),
            birth_date: "1990-03-21".into(),
            certificate_serial: "9".into(),
            certificate_place: "تهران".into(),
            mobile: "0912***11".into(),
            source_agency: crate::Text { fa: "ثبت".into(), en: "Registry".into() },
            fetched_at: "t".into(),
        };
        assert_eq!(
            profile(&p, "on 1990-03-21", &Keys(Lang::En)),
            "<dl class=\"summary-list\" id=\"profile\">\
             <div class=\"summary-row\"><dt>profile_name</dt><dd>Ali Rezaei &amp; Co</dd></div>\
             <div class=\"summary-row\"><dt>profile_father_name</dt><dd>حسن</dd></div>\
             <div class=\"summary-row\"><dt>profile_national_code</dt><dd>#0#0#1#2</dd></div>\
             <div class=\"summary-row\"><dt>profile_birth_date</dt><dd>on 1990-03-21</dd></div>\
             <div class=\"summary-row\"><dt>profile_gender</dt><dd>gender_female</dd></div>\
             <div class=\"summary-row\"><dt>profile_certificate</dt><dd>#9 from تهران</dd></div>\
             <div class=\"summary-row\"><dt>profile_mobile</dt><dd>#0#9#1#2***#1#1</dd></div></dl>\
             <p class=\"hint\">from Registry at at t</p>"
        );
        let fa = profile(&Profile { gender: "male".into(), ..p }, "", &Keys(Lang::Fa));
        assert!(fa.contains("<dd>علی رضایی</dd>") && fa.contains("gender_male") && fa.contains("from ثبت"), "{fa}");
    }
}
