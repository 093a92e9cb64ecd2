//! Languages: the typed string tables generated from `locales/*.json`, the
//! current language (remembered in localStorage) and the document's
//! `lang`/`dir`.

use leptos::prelude::*;
pub use panjere_api::Lang;

include!(concat!(env!("OUT_DIR"), "/strings.rs"));

const STORAGE_KEY: &str = "panjere.lang";

/// The string table of a language.
pub fn strings(lang: Lang) -> &'static Strings {
    match lang {
        Lang::Fa => &FA,
        Lang::En => &EN,
    }
}

impl Strings {
    /// The language this table is for.
    pub fn lang(&'static self) -> Lang {
        if std::ptr::eq(self, &EN) {
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
}

impl I18n {
    /// Creates the context from the remembered choice (Persian by default).
    pub fn provide() -> Self {
        let i18n = I18n { lang: RwSignal::new(saved_lang()) };
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

    /// Switches language and remembers the choice.
    pub fn set(self, lang: Lang) {
        self.lang.set(lang);
        if let Ok(Some(s)) = window().local_storage() {
            let _ = s.set_item(STORAGE_KEY, lang.code());
        }
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
            Some(p) if !p.is_empty() => format!("{p} | {}", t.site_name),
            _ => t.site_name.to_owned(),
        };
        document().set_title(&title);
    });
}
