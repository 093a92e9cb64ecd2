//! Languages: the typed string tables generated from `locales/*.json`, the
//! current language (remembered in localStorage) and the document's
//! `lang`/`dir`. The Persian table is in the main module; the English one
//! is fetched the first time English is chosen (`app/locale_pack.rs`).

use leptos::prelude::*;
pub use panjere_api::Lang;

include!(concat!(env!("OUT_DIR"), "/strings.rs"));

const STORAGE_KEY: &str = "panjere.lang";

/// The string table of a language (Persian's until the English one has
/// come: [`load_english`]).
pub fn strings(lang: Lang) -> &'static Strings {
    match lang {
        Lang::Fa => &FA,
        Lang::En => english().unwrap_or(&FA),
    }
}

/// The English table, once fetched.
static ENGLISH: std::sync::OnceLock<&'static Strings> = std::sync::OnceLock::new();

#[cfg(not(test))]
fn english() -> Option<&'static Strings> {
    ENGLISH.get().copied()
}

#[cfg(test)]
fn english() -> Option<&'static Strings> {
    Some(&EN)
}

/// Fetches the English table unless it is here already (the service
/// worker keeps it, so it also comes offline); false when it cannot.
pub async fn load_english() -> bool {
    if english().is_some() {
        return true;
    }
    let Ok(res) = gloo_net::http::Request::get(EN_FILE).send().await else { return false };
    let text = if res.ok() { res.text().await.ok() } else { None };
    match text.and_then(|t| Strings::unpack(Box::leak(t.into_boxed_str()))) {
        Some(table) => {
            ENGLISH.get_or_init(|| Box::leak(Box::new(table)));
            true
        }
        None => false,
    }
}

impl Strings {
    /// The language this table is for.
    pub fn lang(&'static self) -> Lang {
        if english().is_some_and(|en| std::ptr::eq(self, en)) {
            Lang::En
        } else {
            Lang::Fa
        }
    }
}

/// The language remembered in this browser (Persian by default).
pub fn saved_lang() -> Lang {
    let saved = window().local_storage().ok().flatten().and_then(|s| s.get_item(STORAGE_KEY).ok().flatten());
    saved.as_deref().and_then(Lang::parse).unwrap_or_default()
}

/// The language context.
#[derive(Clone, Copy)]
pub struct I18n {
    pub lang: RwSignal<Lang>,
    /// The last switch to English failed: its table could not be fetched.
    pub english_failed: RwSignal<bool>,
}

impl I18n {
    /// Creates the context from the remembered choice (Persian by default,
    /// and while the English table has not come).
    pub fn provide() -> Self {
        let lang = match saved_lang() {
            Lang::En if english().is_none() => Lang::Fa,
            lang => lang,
        };
        let i18n = I18n { lang: RwSignal::new(lang), english_failed: RwSignal::new(false) };
        provide_context(i18n);
        i18n
    }

    /// The current strings (reactive).
    pub fn t(self) -> &'static Strings {
        strings(self.lang.get())
    }

    pub fn get(self) -> Lang {
        self.lang.get()
    }

    /// Switches language (once its table is here) and remembers the
    /// choice.
    pub fn set(self, lang: Lang) {
        leptos::task::spawn_local(async move {
            let failed = lang == Lang::En && !load_english().await;
            self.english_failed.set(failed);
            if failed {
                return;
            }
            self.lang.set(lang);
            if let Ok(Some(s)) = window().local_storage() {
                let _ = s.set_item(STORAGE_KEY, lang.code());
            }
        });
    }

    /// Sets `<html lang dir>` (reactive: call inside an effect).
    pub fn apply_to_document(self) {
        let lang = self.lang.get();
        if let Some(html) = document().document_element() {
            let _ = html.set_attribute("lang", lang.code());
            let _ = html.set_attribute("dir", lang.dir());
        }
    }
}

pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}

/// Sets the document title to "`page` | site" whenever it changes.
pub fn use_title(page: impl Fn() -> Option<String> + 'static) {
    let i18n = use_i18n();
    Effect::new(move || {
        let t = i18n.t();
        let title = match page() {
            Some(p) if !p.is_empty() => format!("{p} | {}", t.site_name()),
            _ => t.site_name().to_owned(),
        };
        document().set_title(&title);
    });
}

#[cfg(test)]
#[path = "../locale_pack.rs"]
mod locale_pack;

#[cfg(test)]
mod tests {
    use super::{locale_pack, Strings, EN, EN_FILE};

    fn english_json() -> std::collections::BTreeMap<String, String> {
        serde_json::from_str(include_str!("../locales/en.json")).expect("en.json")
    }

    #[test]
    fn the_english_table_the_build_writes_is_the_one_the_app_reads() {
        let packed = locale_pack::pack(&english_json());
        assert_eq!(EN_FILE, format!("/{}", locale_pack::file_name(&packed)));
        let table = Strings::unpack(Box::leak(packed.into_boxed_str())).expect("every key");
        assert_eq!(format!("{table:?}"), format!("{EN:?}"));
        assert_eq!(table.sign_in(), "Sign in");
    }

    #[test]
    fn a_table_of_other_keys_is_refused() {
        let mut fewer = english_json();
        fewer.pop_first();
        assert!(Strings::unpack(Box::leak(locale_pack::pack(&fewer).into_boxed_str())).is_none());
        let mut more = english_json();
        more.insert("zzz_not_a_key".to_owned(), "x".to_owned());
        assert!(Strings::unpack(Box::leak(locale_pack::pack(&more).into_boxed_str())).is_none());
        assert!(Strings::unpack("").is_none());
    }

    #[test]
    fn a_changed_table_has_another_name() {
        let mut changed = english_json();
        changed.insert("sign_in".to_owned(), "Log in".to_owned());
        assert_ne!(EN_FILE, format!("/{}", locale_pack::file_name(&locale_pack::pack(&changed))));
    }
}
