//! Unit tests of the labels, service texts, messages and sign-in helpers.

use super::*;
use crate::i18n::{strings, EN, FA};
use panjere_api::{Agency, AgencyKind, Audience, ElectronicLevel, Fee, Lang, Service, ServiceKind};
use panjere_api::{Document, Text};

fn service(kind: ServiceKind, level: ElectronicLevel, audience: Audience, fetched: bool) -> Service {
    Service {
        id: "s".into(),
        agency: "a".into(),
        agency_name: Text::default(),
        category: "c".into(),
        category_name: Text::default(),
        life_events: vec![],
        kind,
        level,
        audience,
        name: Text::default(),
        summary: Text::default(),
        how_to: vec![],
        content: vec![],
        related: vec![],
        fee: Fee::Free,
        processing_days: 0,
        documents: vec![Document {
            name: Text::default(),
            fetched_from: fetched.then(|| "sabt-ahval".to_owned()),
            fetched_from_name: None,
            carried_from: None,
            carried_from_name: None,
        }],
        popularity: 1,
        keywords: vec![],
        form: None,
    }
}

#[test]
fn query_strings_round_trip() {
    let f = ServiceFilter::from_query(|k| match k {
        "q" => Some(" مالیات ".into()),
        "kind" => Some("inquiry".into()),
        "level" => Some("bogus".into()),
        "page" => Some("۳".into()),
        _ => None,
    });
    assert_eq!(f.q.as_deref(), Some("مالیات"));
    assert_eq!(f.kind, Some(ServiceKind::Inquiry));
    assert_eq!(f.level, None);
    assert_eq!(f.page, 3);
    assert_eq!(f.href("/search"), "/search?q=%D9%85%D8%A7%D9%84%DB%8C%D8%A7%D8%AA&kind=inquiry&page=3");
    assert_eq!(f.api_query(), "q=%D9%85%D8%A7%D9%84%DB%8C%D8%A7%D8%AA&kind=inquiry&page=3&per_page=20");
    // changing a filter goes back to page 1
    assert_eq!(f.with_kind(None).href("/search"), "/search?q=%D9%85%D8%A7%D9%84%DB%8C%D8%A7%D8%AA");
    let topic = ServiceFilter { category: Some("tax".into()), ..Default::default() };
    assert_eq!(topic.api_query(), "category=tax&page=1&per_page=20");
    assert_eq!(topic.with_page(2).href("/categories/tax"), "/categories/tax?page=2");
    assert_eq!(ServiceFilter::from_query(|_| Some("0".into())).page, 1);
}

#[test]
fn pages() {
    assert_eq!(page_count(0, 20), 1);
    assert_eq!(page_count(20, 20), 1);
    assert_eq!(page_count(21, 20), 2);
    assert_eq!(page_count(313, 20), 16);
}

#[test]
fn encoding() {
    assert_eq!(encode("a b&c=d"), "a%20b%26c%3Dd");
    assert_eq!(encode("tax-clearance"), "tax-clearance");
}

#[test]
fn how_to_follows_kind_level_and_documents() {
    use HowStep::*;
    let s = service(ServiceKind::Application, ElectronicLevel::Fully, Audience::Citizen, true);
    assert_eq!(how_to_steps(&s), vec![SignIn, ApplyOnline, Fetched, Track]);
    let s = service(ServiceKind::Inquiry, ElectronicLevel::Fully, Audience::Citizen, false);
    assert_eq!(how_to_steps(&s), vec![SignIn, Inquiry]);
    let s = service(ServiceKind::Application, ElectronicLevel::Partly, Audience::Citizen, false);
    assert_eq!(how_to_steps(&s), vec![SignIn, ApplyOnline, PartlyVisit, Track]);
    let s = service(ServiceKind::Application, ElectronicLevel::Smart, Audience::Citizen, true);
    assert_eq!(how_to_steps(&s), vec![SignIn, ApplyOnline, Fetched, Track, Smart]);
    let s = service(ServiceKind::Application, ElectronicLevel::InPerson, Audience::Citizen, true);
    assert_eq!(how_to_steps(&s), vec![InPerson]);
    let s = service(ServiceKind::Information, ElectronicLevel::Fully, Audience::Anyone, false);
    assert_eq!(how_to_steps(&s), vec![Information]);
    assert!(how_step_text(PartlyVisit, "گمرک", &FA).contains("گمرک"));
    assert!(how_step_text(InPerson, "Customs", &EN).contains("Customs"));
}

#[test]
fn fees_and_times() {
    assert_eq!(fee_text(Fee::Free, Lang::Fa, &FA), "رایگان");
    assert_eq!(fee_text(Fee::Fixed { rials: 3_000_000 }, Lang::En, &EN), "3000000 rials (300000 toman)");
    assert_eq!(fee_text(Fee::Varies, Lang::En, &EN), "Depends on the case");
    assert_eq!(time_text(0, Lang::En, &EN), "Immediate");
    assert_eq!(time_text(10, Lang::En, &EN), "About 10 working days");
}

#[test]
fn labels_exist_in_both_languages() {
    for lang in [Lang::Fa, Lang::En] {
        let t = strings(lang);
        for k in ServiceKind::ALL {
            assert!(!kind_label(*k, t).is_empty());
        }
        for l in ElectronicLevel::ALL {
            assert!(!level_label(*l, t).is_empty());
        }
        for s in 1..=4 {
            assert!(!stage_label(s, t).is_empty());
        }
    }
    assert_eq!(level_label(ElectronicLevel::Smart, &FA), "هوشمند");
}

fn agency(id: &str, fa: &str, en: &str) -> Agency {
    Agency {
        id: id.into(),
        name: Text { fa: fa.into(), en: en.into() },
        short_name: None,
        kind: AgencyKind::Organisation,
        description: Text::default(),
        connected: true,
        connected_on: None,
        connected_on_jalali: None,
        stage: 1,
        website: None,
        service_count: 1,
    }
}

#[test]
fn agency_filter_normalises() {
    let list = vec![agency("tax", "سازمان امور مالیاتی کشور", "Tax Administration"), agency("post", "شرکت ملی پست", "Iran Post")];
    assert_eq!(filter_agencies(&list, "ماليات").len(), 1);
    assert_eq!(filter_agencies(&list, "POST")[0].id, "post");
    assert_eq!(filter_agencies(&list, "  ").len(), 2);
    assert!(filter_agencies(&list, "گمرک").is_empty());
}

#[test]
fn every_refusal_code_has_a_message_in_both_languages() {
    for code in panjere_api::auth::ERROR_CODES {
        for t in [&crate::i18n::FA, &crate::i18n::EN] {
            let text = refusal_text(code, t).unwrap_or_else(|| panic!("no message for {code}"));
            assert!(!text.is_empty());
        }
    }
    assert_eq!(refusal_text("no_such_code", &crate::i18n::EN), None);
}

#[test]
fn refusals_say_how_long_to_wait_and_how_many_tries_are_left() {
    let en = &crate::i18n::EN;
    let wrong = fill_refusal(refusal_text("code_wrong", en).unwrap(), None, Some(3), en);
    assert!(wrong.contains('3'), "{wrong}");
    let locked = fill_refusal(refusal_text("code_locked", en).unwrap(), Some(601), None, en);
    assert!(locked.contains("11 minutes"), "{locked}");
    assert_eq!(crate::fmt::duration(45, crate::fmt::Round::Up, Lang::En, en), "45 seconds");
}

#[test]
fn countdowns_and_digits() {
    assert_eq!(countdown(125, Lang::En), "2:05");
    assert_eq!(countdown(125, Lang::Fa), "۲:۰۵");
    assert_eq!(countdown(0, Lang::En), "0:00");
    assert_eq!(crate::fmt::digits("0912***1111", Lang::Fa), "۰۹۱۲***۱۱۱۱");
}

#[test]
fn sign_in_form_checks() {
    assert_eq!(check_sign_in("۰۰۷۶۲۲۹۶۴۵", "+989121111111"), (None, None));
    assert_eq!(check_sign_in("0076229646", "0912"), (Some("national_code_check_digit"), Some("mobile_format")));
    assert_eq!(check_sign_in("", ""), (Some("national_code_empty"), Some("mobile_empty")));
}

#[test]
fn field_errors_and_results_read_well() {
    use panjere_api::forms::{FieldError, ResultField, ResultFormat};
    let en = &crate::i18n::EN;
    let e = FieldError { code: "rials_range".into(), min: Some(10), max: Some(500) };
    assert_eq!(field_error_text(&e, en), "Enter an amount from 10 to 500 rials.");
    let e = FieldError { code: "national_code_check_digit".into(), min: None, max: None };
    assert_eq!(field_error_text(&e, en), en.err_national_code_check_digit());
    assert_eq!(rials_text(1_250_000, en), "1250000 rials (125000 toman)");
    let answer = serde_json::json!({ "status": "valid", "fines": [1, 2, 3], "cleared": false, "total": 15 });
    let rf = |pointer: &str, format| ResultField { pointer: pointer.into(), label: Default::default(), format, labels: Default::default() };
    assert_eq!(result_text(&answer, &rf("/fines", ResultFormat::Count), en).as_deref(), Some("3"));
    assert_eq!(result_text(&answer, &rf("/cleared", ResultFormat::YesNo), en).as_deref(), Some("No"));
    assert_eq!(result_text(&answer, &rf("/missing", ResultFormat::Text), en), None);
    let mut status = rf("/status", ResultFormat::Text);
    status.labels.insert("valid".into(), panjere_api::Text { fa: "معتبر".into(), en: "Valid".into() });
    assert_eq!(result_text(&answer, &status, en).as_deref(), Some("Valid"));
    for s in panjere_api::requests::STATUSES {
        assert_ne!(status_label(s, en), en.req_status_unknown(), "{s}");
    }
}

#[test]
fn answers_read_as_the_citizen_expects() {
    use panjere_api::forms::{Field, FieldType};
    let en = &crate::i18n::EN;
    let field = |kind| Field { name: "f".into(), label: Default::default(), hint: None, kind, required: true, step: 1 };
    assert_eq!(answer_text(&field(FieldType::Rials { min: 0, max: 10_000_000 }), "1,250,000", en), "1250000 rials (125000 toman)");
    assert_eq!(
        answer_text(
            &field(FieldType::File { types: vec![], max_kb: 1 }),
            r#"{"id":"x","name":"deed.pdf","type":"application/pdf","size":3}"#,
            en
        ),
        "deed.pdf"
    );
    assert_eq!(answer_text(&field(FieldType::PostalCode), "۱۳۱۴۵-۶۷۸۹۱", en), "1314567891");
    assert_eq!(answer_text(&field(FieldType::PostalCode), "1314567891", &crate::i18n::FA), "۱۳۱۴۵۶۷۸۹۱");
    assert_eq!(answer_text(&field(FieldType::PostalCode), "", en), "—");
}

#[test]
fn gaps_read_as_sentences() {
    use panjere_api::stats::Gap;
    let g =
        Gap { code: "document_carried".into(), subject: Some(Text { fa: "گزارش پزشکی".into(), en: "Medical report".into() }) };
    assert_eq!(gap_text(&g, &crate::i18n::EN, Lang::En), "The citizen must still bring “Medical report”");
    assert_eq!(gap_text(&g, &crate::i18n::FA, Lang::Fa), "شهروند هنوز «گزارش پزشکی» را باید بیاورد");
    let g = Gap { code: "no_form".into(), subject: None };
    assert_eq!(gap_text(&g, &crate::i18n::EN, Lang::En), "No form in the window");
    assert_eq!(status_label("answered", &crate::i18n::EN), "Your answer was sent");
}

fn offer_with(parts: Vec<panjere_api::smart::OfferPart>) -> panjere_api::smart::Offer {
    let t = Text { fa: "x".into(), en: "x".into() };
    panjere_api::smart::Offer {
        id: "o".into(),
        title: t.clone(),
        mode: "consent".into(),
        status: "open".into(),
        event: "birth".into(),
        event_name: t.clone(),
        event_agency_name: t,
        event_at: String::new(),
        created_at: String::new(),
        expires_at: String::new(),
        tracking_code: None,
        parts,
        reads: vec![],
        pending: 0,
        timeline: vec![],
    }
}

#[test]
fn offer_values_and_errors_by_part() {
    let t = Text { fa: "x".into(), en: "x".into() };
    let field: panjere_api::forms::Field = serde_json::from_value(
        serde_json::json!({ "name": "iban", "type": "digits", "min": 24, "max": 24, "label": { "fa": "x", "en": "x" } }),
    )
    .unwrap();
    let part = |service: &str, ask: Vec<panjere_api::forms::Field>| panjere_api::smart::OfferPart {
        service: service.into(),
        service_name: t.clone(),
        agency_name: t.clone(),
        prefilled: vec![],
        ask,
        request_id: None,
        tracking_code: None,
        status: None,
    };
    let offer = offer_with(vec![part("a", vec![field.clone()]), part("b", vec![]), part("c", vec![field])]);
    let asked: Vec<String> = asked_fields(&offer).into_iter().map(|f| f.name).collect();
    assert_eq!(asked, ["a.iban", "c.iban"], "two parts asking the same field stay apart");
    let typed = std::collections::BTreeMap::from([("a.iban".to_owned(), "1".to_owned()), ("a.other".to_owned(), "2".to_owned())]);
    let v = accept_values(&offer, &typed);
    assert_eq!(v.len(), 2, "only parts that ask");
    assert_eq!(v["a"].len(), 1, "only asked fields");
    assert_eq!(v["a"]["iban"], "1");
    assert_eq!(v["c"]["iban"], "", "not typed: sent empty, refused by the server by name");
    assert!(is_open(&offer));
}

#[test]
fn payments_in_words_and_payable_fines() {
    assert_eq!(payment_state_label("verifying", &EN), "Checking with your bank");
    assert_eq!(payment_state_label("reversed", &FA), "به کارت شما بازگشت");
    use panjere_api::markup::Words;
    assert_eq!(ReceiptLabels(&EN).word(panjere_api::markup::pay_lead_word("created")), EN.pay_lead_pending());
    assert_eq!(ReceiptLabels(&EN).word(panjere_api::markup::pay_lead_word("no-such-state")), EN.req_status_unknown());
    assert_eq!(bill_error_code_text("payment_id_check", &EN), Some(EN.bill_error_payment_id_check()));
    assert_eq!(bill_error_code_text("nonsense", &EN), None);
    assert_eq!(pay_bill_href("1117753200140", "12070160"), "/pay?bill_id=1117753200140&payment_id=12070160");
    // Only items whose IDs check are payable.
    let answer = serde_json::json!({ "fines": [
        { "offence": "سرعت غیرمجاز", "bill_id": "1117753200140", "payment_id": "12070160" },
        { "offence": "توقف ممنوع", "bill_id": "1117753200140", "payment_id": "13070160" },
        { "offence": "بدون شناسه" },
    ] });
    assert_eq!(bills_in(&answer, "/fines"), vec![("سرعت غیرمجاز".to_owned(), 120_000, "1117753200140".to_owned(), "12070160".to_owned())]);
    assert!(bills_in(&answer, "/total").is_empty());
    let open = |state: &str| panjere_api::payments::Payment {
        id: "p".into(),
        kind: "fee".into(),
        state: state.into(),
        amount_rials: 1000,
        title: panjere_api::Text { fa: "x".into(), en: "x".into() },
        payee: panjere_api::Text { fa: "x".into(), en: "x".into() },
        request_id: None,
        tracking_code: None,
        bill_id: None,
        payment_id: None,
        payment_url: None,
        reference: None,
        card: None,
        created_at: String::new(),
        paid_at: None,
        refunds: vec![],
    };
    assert!(payment_is_open(&open("verifying")) && !payment_is_open(&open("success")));
}

#[test]
fn the_shared_markup_reads_each_word_under_its_locale_key() {
    use panjere_api::markup::{Word, Words};
    // The server reads the locale files by key; the app its tables: the
    // same text for every word, in both languages.
    for (table, file) in [(&FA, include_str!("../../locales/fa.json")), (&EN, include_str!("../../locales/en.json"))] {
        let by_key: std::collections::HashMap<String, String> = serde_json::from_str(file).unwrap();
        for word in Word::all() {
            let want = by_key.get(word.key()).map(String::as_str);
            assert_eq!(Some(crate::logic::ReceiptLabels(table).word(word)), want, "{word:?}");
            // The main module's words: all but the receipts' and profile's.
            let general = crate::logic::word_in(word, table);
            assert!(Some(general) == want || general == table.req_status_unknown(), "{word:?}");
        }
    }
}
