//! Serving the Trunk build: hashed assets with long-lived immutable caching,
//! precompressed brotli/gzip, `index.html` with `no-cache` for every client
//! route (SPA fallback), and the security headers on every response.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderName, HeaderValue, StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};
use axum::Router;
use base64::Engine;
use sha2::{Digest, Sha256};
use tower::ServiceExt;
use tower_http::services::ServeDir;
use tower_sessions::Session;

use panjere_api::filter::PER_PAGE;
use panjere_api::markup::{self, Word, Words};
use panjere_api::pages::Paint;
use panjere_api::{Agency, Lang, ServiceFilter};

use crate::catalog::Catalog;

mod citizen;

/// What serving the client needs: its build (if any) and the catalog the
/// painted shell reads.
#[derive(Clone)]
pub struct Web {
    pub shell: Option<std::sync::Arc<Shell>>,
    pub catalog: std::sync::Arc<Catalog>,
    /// Every agency as the window verifies it now (the agencies page's list).
    pub agencies: std::sync::Arc<dyn Fn() -> Vec<Agency> + Send + Sync>,
}

/// What a citizen's page shows first, read for the server to paint it
/// (for the page table's [`Paint`] kinds that show the citizen's records).
#[derive(Debug, Clone, PartialEq)]
pub enum PageData {
    /// Nothing to read: the page paints what the table says.
    None,
    /// `/payments`: every payment, newest first.
    Payments(panjere_api::payments::Payments),
    /// `/inbox`: every notification, newest first.
    Inbox(panjere_api::requests::Inbox),
    /// `/requests/:id`: the request, as `GET /api/requests/{id}` answers.
    Request(Box<panjere_api::requests::RequestDetail>),
    /// `/payments/:id`: the payment, as `GET /api/payments/{id}` answers.
    Payment(Box<panjere_api::payments::Payment>),
    /// `/me`: the citizen as the registry has them, as `GET
    /// /api/me/profile` answers.
    Profile(Box<panjere_api::auth::Profile>),
    /// `/offers/:id`: the offer, as `GET /api/offers/{id}` answers.
    Offer(Box<panjere_api::smart::Offer>),
    /// `/drafts/:id`: the application being filled in, as `GET
    /// /api/drafts/{id}` answers.
    Draft(Box<panjere_api::requests::Draft>),
}

impl PageData {
    /// What the app would read first on this page, as the API answers it,
    /// for the app to take instead of reading it again (`None`: nothing
    /// was read).
    fn json(&self) -> Option<String> {
        let json = match self {
            PageData::None => return None,
            PageData::Payments(p) => serde_json::to_string(p),
            PageData::Inbox(inbox) => serde_json::to_string(inbox),
            PageData::Request(r) => serde_json::to_string(r),
            PageData::Payment(p) => serde_json::to_string(p),
            PageData::Profile(p) => serde_json::to_string(p),
            PageData::Offer(o) => serde_json::to_string(o),
            PageData::Draft(d) => serde_json::to_string(d),
        };
        json.ok()
    }
}

/// Who visits a citizen's page, from their session (checked as the API
/// checks it: timeouts, a session ended elsewhere), and what the page shows
/// them first, by the page's [`Paint`] kind and its path (naming the
/// record). The HTTP layer's (`routes::pages`), which has the sessions and
/// the records.
pub type CitizenPages = std::sync::Arc<dyn Fn(Session, Paint, String) -> VisitorCheck + Send + Sync>;

/// A signed-in citizen's page, as painted for them: who they are (the
/// header, and what the app starts from) and what the page shows of their
/// records ([`PageData::None`] when nothing was read: none is needed, it is
/// not theirs, or it could not be read now).
#[derive(Debug, Clone, PartialEq)]
pub struct CitizenPage {
    pub me: panjere_api::auth::Me,
    pub data: PageData,
}

/// A [`Visitor`] being found out.
pub type VisitorCheck = std::pin::Pin<Box<dyn std::future::Future<Output = Visitor> + Send>>;

/// Who visits a citizen's page.
#[derive(Debug, Clone, PartialEq)]
pub enum Visitor {
    /// The session's citizen, signed in: their page is painted for them.
    Citizen(Box<CitizenPage>),
    /// Nobody is signed in (or the session ended): sent to sign in and back,
    /// saying why when the session ended for being idle (`idle`).
    SignedOut { reason: Option<&'static str> },
    /// Not known (the session store did not answer): the shell unpainted,
    /// and the app finds out.
    Unknown,
}

/// `index.html` of the build, held in memory, and the CSP that allows
/// exactly its inline scripts.
#[derive(Debug, Clone)]
pub struct Shell {
    pub dist: PathBuf,
    pub index_html: String,
    /// The Content-Security-Policy allowing exactly its inline scripts.
    pub csp_header: HeaderValue,
    /// Where the `<title>` text and the inside of `<main id="main">` are in
    /// `index_html`, to put a page's own in their place.
    title: Option<std::ops::Range<usize>>,
    main: Option<std::ops::Range<usize>>,
    /// Each lazily loaded wasm module's files, as space-separated URLs
    /// (`dist/modules.json`, written by the split build).
    module_files: HashMap<String, String>,
}

const MAIN_OPEN: &str = "<main id=\"main\">";

impl Shell {
    /// Reads `dist/index.html`; `None` when the client is not built.
    pub fn load(dist: &Path) -> Option<Shell> {
        let index_html = std::fs::read_to_string(dist.join("index.html")).ok()?;
        Shell::new(dist, index_html)
    }

    pub fn new(dist: &Path, index_html: String) -> Option<Shell> {
        let csp = content_security_policy(&inline_script_hashes(&index_html));
        let csp_header = HeaderValue::from_str(&csp).ok()?;
        let between = |open: &str, close: &str| {
            let start = index_html.find(open)? + open.len();
            let end = start + index_html[start..].find(close)?;
            Some(start..end)
        };
        let title = between("<title>", "</title>");
        let main = between(MAIN_OPEN, "</main>");
        let module_files = module_files(dist);
        Some(Shell { dist: dist.to_owned(), csp_header, title, main, index_html, module_files })
    }

    /// The shell for a client route (`panjere_api::pages`' table says what
    /// is painted for it), `query` the address's query string. The home
    /// page's hero is in `index.html` itself. What the server already knows
    /// of a page (a service's or an agency's heading and summary, a list's
    /// first page) is put in `main` (and the title) to paint before the app
    /// arrives, the app then taking over the same content: the lists through
    /// the same markup functions (`panjere_api::markup`). Other routes get an
    /// empty `main` rather than the home page's hero. Persian, like the rest
    /// of the shell.
    ///
    /// A citizen's page is painted only for its `citizen` (the visitor
    /// known to be signed in, with what the page shows of their records),
    /// in the app's narrow column, with the header signed in.
    pub fn page(&self, path: &str, query: Option<&str>, data: &Web, citizen: Option<&CitizenPage>) -> String {
        let route = panjere_api::pages::page(path);
        let signed_in = route.is_some_and(|r| r.signed_in);
        let paint = match route {
            Some(r) if !r.signed_in || citizen.is_some() => r.paint,
            _ => Paint::None,
        };
        let (Some(title), Some(main)) = (&self.title, &self.main) else {
            return self.index_html.clone();
        };
        if path == "/" {
            return self.index_html.clone();
        }
        let site = &self.index_html[title.clone()];
        // The class of the page's own `.wrap` in the app.
        let wrap = match paint {
            Paint::SignIn => "wrap narrow",
            Paint::Dashboard => "wrap dashboard",
            _ if signed_in => "wrap narrow",
            _ => "wrap",
        };
        let records = citizen.map_or(&PageData::None, |c| &c.data);
        let (page_title, content) = match painted(paint, path, query, data, records) {
            // `data-painted`: what the app keeps on screen until its own
            // page is ready (`app/src/shell.rs`).
            Some((heading, body)) => {
                (Some(format!("{heading} | {site}")), format!("<div class=\"{wrap}\" data-painted>{body}{}</div>", loading()))
            }
            None => (None, format!("<div class=\"wrap\">{}</div>", loading())),
        };
        let html = &self.index_html;
        let mut out = String::with_capacity(html.len() + content.len());
        let header_from = match page_title {
            Some(t) => {
                out.push_str(&html[..title.start]);
                out.push_str(&escape_html(&t));
                title.end
            }
            None => 0,
        };
        match citizen {
            Some(c) => out.push_str(&signed_in_header(&html[header_from..main.start], &c.me)),
            None => out.push_str(&html[header_from..main.start]),
        }
        out.push_str(&content);
        // Who is signed in and what the citizen's page was painted from,
        // for the app to take rather than read again (`app/src/shell.rs`).
        if let Some(c) = citizen {
            let session = panjere_api::auth::SessionState { me: Some(c.me.clone()), ended: None };
            out.push_str(&data_script("session-data", serde_json::to_string(&session).ok()));
            out.push_str(&data_script("page-data", c.data.json()));
        }
        out.push_str(&html[main.end..]);
        // The files of the page's code, for the loader to fetch alongside
        // the main module (Trunk.toml) rather than after it.
        let code = panjere_api::pages::page_module(path).and_then(|m| self.module_files.get(m));
        if let (Some(urls), Some(at)) = (code, out.find("</head>")) {
            out.insert_str(at, &format!("<meta name=\"page-code\" content=\"{}\">", escape_html(urls)));
        }
        out
    }
}

/// `index.html`'s header (from `title.end` to `<main>`) for a signed-in
/// citizen, as the app's `components/header.rs` renders it: their name
/// linking to their account in place of "sign in", and their requests and
/// inbox in the navigation (the app adds the unread count once read: the
/// inbox is the last link, so nothing moves).
fn signed_in_header(header: &str, me: &panjere_api::auth::Me) -> String {
    let signed_out = format!("<a class=\"account-link\" href=\"/sign-in\">{}</a>", escape_html(t("sign_in")));
    let account = format!(
        "<a class=\"account-link\" href=\"/me\"><span class=\"visually-hidden\">{}</span>{}</a>",
        escape_html(t("account_label")),
        escape_html(&format!("{} {}", me.first_name, me.last_name))
    );
    let links = format!(
        "<a href=\"/requests\">{}</a><a href=\"/inbox\" id=\"nav-inbox\">{}</a></nav>",
        escape_html(t("nav_requests")),
        escape_html(t("nav_inbox"))
    );
    header.replacen(&signed_out, &account, 1).replacen("</nav>", &links, 1)
}

/// A `<script type="application/json">` block of `json` (nothing without
/// it), no `<` in it to end the script or open a comment.
fn data_script(id: &str, json: Option<String>) -> String {
    json.map(|j| format!("<script type=\"application/json\" id=\"{id}\">{}</script>", j.replace('<', "\\u003c"))).unwrap_or_default()
}

/// The visually hidden "loading" status the painted page ends with.
fn loading() -> String {
    format!("<p class=\"visually-hidden\" role=\"status\">{}</p>", escape_html(shell_word("loading")))
}

/// A string of the Persian locale (empty if it had none).
fn t(key: &str) -> &'static str {
    locale_fa(key).unwrap_or_default()
}

/// A painted page's heading, as the app's `shell-title`.
fn heading(text: &str) -> String {
    format!("<h1 class=\"shell-title\">{}</h1>", escape_html(text))
}

fn lead(text: &str) -> String {
    format!("<p class=\"lead\">{}</p>", escape_html(text))
}

/// The page's title and the content painted for it (the inside of its
/// `.wrap`); `None`: nothing is known of it (an unknown id, or a page
/// painted by the app alone). The breadcrumbs are the app's, so its page
/// takes the shell's place without moving the heading.
fn painted(paint: Paint, path: &str, query: Option<&str>, data: &Web, records: &PageData) -> Option<(String, String)> {
    let catalog = &data.catalog;
    let id = path.trim_end_matches('/').rsplit('/').next().unwrap_or_default();
    let pairs: Vec<(String, String)> = query
        .unwrap_or_default()
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| pair.split_once('=').unwrap_or((pair, "")))
        // A form's query (`GET /search` from the shell's search box, before
        // the app) writes a space as `+`.
        .map(|(k, v)| (panjere_api::url::decode(&k.replace('+', " ")), panjere_api::url::decode(&v.replace('+', " "))))
        .collect();
    let param = |key: &str| pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
    let filter = || ServiceFilter::from_query(param);
    // How many services a filter finds, and the count and the first page of
    // them as the app shows it.
    let services = |filter: &ServiceFilter| {
        let all = catalog.services(filter);
        let from = (filter.page.max(1) - 1).saturating_mul(PER_PAGE);
        let page: Vec<_> = all.iter().skip(from).take(PER_PAGE).cloned().collect();
        let html = format!(
            "<div role=\"status\">{}</div><ul class=\"cards service-list\">{}</ul>",
            markup::results_count(all.len(), &Persian),
            markup::service_cards(&page, &Persian)
        );
        (all.len(), html)
    };
    match paint {
        Paint::Service => catalog.service(id).map(|s| {
            (
                s.name.fa.clone(),
                format!(
                    "{}<article class=\"service\">{}<p class=\"meta\"><a href=\"/agencies/{}\">{}</a></p>{}</article>",
                    crumbs(&[(s.category_name.fa.clone(), format!("/categories/{}", s.category)), (s.name.fa.clone(), String::new())]),
                    heading(&s.name.fa),
                    escape_html(&s.agency),
                    escape_html(&s.agency_name.fa),
                    lead(&s.summary.fa),
                ),
            )
        }),
        Paint::Agency => catalog.agency_record(id).map(|a| {
            (
                a.name.fa.clone(),
                format!(
                    "{}{}{}{}",
                    crumbs(&[(shell_word("agencies_title").to_owned(), "/agencies".to_owned()), (a.name.fa.clone(), String::new())]),
                    heading(&a.name.fa),
                    a.short_name.as_ref().map(|s| format!("<p class=\"subtitle\">{}</p>", escape_html(&s.fa))).unwrap_or_default(),
                    lead(&a.description.fa),
                ),
            )
        }),
        Paint::UseService => catalog.service(service_id(path)).map(|s| {
            let rest = if s.used_here() {
                lead(&s.summary.fa)
            } else {
                format!(
                    "<p>{}</p><a href=\"/services/{}\">{}</a>",
                    escape_html(t("use_not_online")),
                    escape_html(&s.id),
                    escape_html(t("use_back_to_service"))
                )
            };
            (s.name.fa.clone(), format!("{}{rest}", heading(&s.name.fa)))
        }),
        Paint::Payments | Paint::Inbox | Paint::Request | Paint::Profile | Paint::Offer | Paint::Draft | Paint::Payment => {
            citizen::painted(paint, records, catalog, pairs.iter().any(|(k, _)| k == "new"))
        }
        Paint::Heading { title, lead: lead_key, back } => locale_fa(title).map(|text| {
            // The app's link back (`p.breadcrumb-back`), above the heading.
            let back = back
                .map(|(key, href)| format!("<p class=\"breadcrumb-back\"><a href=\"{}\">{}</a></p>", escape_html(href), escape_html(t(key))))
                .unwrap_or_default();
            (text.to_owned(), format!("{back}{}{}", heading(text), lead_key.and_then(locale_fa).map(lead).unwrap_or_default()))
        }),
        Paint::Services => {
            let filter = ServiceFilter { q: None, ..filter() };
            let title = locale_fa("services_title")?;
            Some((
                title.to_owned(),
                format!(
                    "{}{}<div class=\"filter-bar\">{}</div>{}",
                    heading(title),
                    lead(locale_fa("services_lead")?),
                    markup::filter_bar(&filter, "/services", true, &Persian),
                    services(&filter).1
                ),
            ))
        }
        Paint::Topic { event } => {
            let topics = catalog.categories();
            let (name, description) = if event {
                topics.life_events.into_iter().find(|t| t.id == id).map(|t| (t.name, t.description))?
            } else {
                topics.items.into_iter().find(|t| t.id == id).map(|t| (t.name, t.description))?
            };
            let page = filter().page;
            let filter = if event {
                ServiceFilter { event: Some(id.to_owned()), page, ..Default::default() }
            } else {
                ServiceFilter { category: Some(id.to_owned()), page, ..Default::default() }
            };
            let label = locale_fa(if event { "topic_event" } else { "topic_category" })?;
            Some((
                name.fa.clone(),
                format!(
                    "{}{}{}{}",
                    crumbs(&[(format!("{label}: {}", name.fa), String::new())]),
                    heading(&name.fa),
                    lead(&description.fa),
                    services(&filter).1
                ),
            ))
        }
        Paint::Agencies => {
            let agencies = (data.agencies)();
            let title = locale_fa("agencies_title")?;
            let connected = agencies.iter().filter(|a| a.connected).count();
            let n = |n: usize| Persian.num(n as u64);
            let cards = markup::agency_cards(&agencies, &Persian);
            Some((
                title.to_owned(),
                format!(
                    "{}{}{}<ul class=\"cards agency-list\">{cards}</ul>",
                    heading(title),
                    lead(&markup::fill(locale_fa("agencies_lead")?, &[("connected", &n(connected)), ("total", &n(agencies.len()))])),
                    markup::agency_filter(agencies.len(), &Persian),
                ),
            ))
        }
        Paint::Dashboard => {
            Some((
                t("dash_title").to_owned(),
                format!(
                    "{}{}<section aria-labelledby=\"dash-headline\"><h2 id=\"dash-headline\">{}</h2><p class=\"hint\" id=\"smart-rule\">{}</p></section>",
                    heading(t("dash_title")),
                    lead(t("dash_lead")),
                    escape_html(t("dash_headline_title")),
                    escape_html(t("dash_smart_rule"))
                ),
            ))
        }
        Paint::Search => {
            let filter = filter();
            let q = filter.q.clone();
            let title = match &q {
                Some(q) => markup::fill(t("search_results_for"), &[("q", q)]),
                None => t("search_title").to_owned(),
            };
            // The app's search box (`components/search_box.rs`), as it first shows.
            let id = "search-page";
            let search_box = format!(
                "<form role=\"search\" class=\"search-box\" action=\"/search\" method=\"get\"><label for=\"{id}\" class=\"search-label\">{}</label>\
                 <div class=\"search-row\"><div class=\"combo\"><input id=\"{id}\" type=\"search\" name=\"q\" role=\"combobox\" aria-autocomplete=\"list\" \
                 aria-controls=\"{id}-list\" aria-expanded=\"false\" autocomplete=\"off\" enterkeyhint=\"search\" maxlength=\"200\" placeholder=\"{}\" value=\"{}\">\
                 <ul id=\"{id}-list\" role=\"listbox\" class=\"suggestions\" aria-label=\"{}\" hidden=\"\"></ul></div>\
                 <button type=\"submit\" class=\"button\">{}</button></div><p class=\"visually-hidden\" role=\"status\" aria-live=\"polite\"></p></form>",
                escape_html(t("search_label")),
                escape_html(t("search_placeholder")),
                escape_html(q.as_deref().unwrap_or_default()),
                escape_html(t("suggestions_label")),
                escape_html(t("search_button")),
            );
            let results = match q.as_ref().map(|_| services(&filter)) {
                None => format!("<p class=\"empty\">{}</p>", escape_html(t("search_empty_query"))),
                Some((0, _)) => format!(
                    "<div class=\"empty\" role=\"status\"><h2>{}</h2><p>{}</p><p><a href=\"/\">{}</a></p></div>",
                    escape_html(t("search_no_results")),
                    escape_html(t("search_no_results_hint")),
                    escape_html(t("categories_title"))
                ),
                Some((_, list)) => list,
            };
            let filters = if q.is_some() { markup::filter_bar(&filter, "/search", false, &Persian) } else { String::new() };
            let filters = if q.is_some() { format!("<div class=\"filter-bar\">{filters}</div>") } else { filters };
            Some((title.clone(), format!("{}{search_box}{filters}<div class=\"results\">{results}</div>", heading(&title))))
        }
        Paint::SignIn => {
            // The notice the app shows above the form (`pages/sign_in.rs`).
            let notice = match param("reason").as_deref() {
                Some("idle") => {
                    format!("<div class=\"notice notice-info\" role=\"status\"><p>{}</p></div>", escape_html(t("auth_idle_signed_out")))
                }
                Some("signed-out") => {
                    format!(
                        "<div class=\"notice notice-success\" role=\"status\"><p>{}</p></div>",
                        escape_html(t("auth_signed_out_notice"))
                    )
                }
                _ if param("next").is_some() => {
                    format!("<div class=\"notice notice-info\"><p>{}</p></div>", escape_html(t("auth_sign_in_to_continue")))
                }
                _ => String::new(),
            };
            let field = |id: &str, label: &str, hint: &str, inputmode: &str, autocomplete: &str, kind: &str| {
                format!(
                    "<div class=\"field\"><label for=\"{id}\">{}</label><p class=\"hint\" id=\"{id}-hint\">{}</p>\
                     <input id=\"{id}\" name=\"{id}\" type=\"{kind}\" dir=\"ltr\" inputmode=\"{inputmode}\" autocomplete=\"{autocomplete}\" \
                     spellcheck=\"false\" aria-invalid=\"false\" aria-describedby=\"{id}-hint\" readonly=\"\"></div>",
                    escape_html(t(label)),
                    escape_html(t(hint))
                )
            };
            Some((
                t("sign_in_title").to_owned(),
                format!(
                    "{notice}<div class=\"error-summary\" id=\"error-summary\" tabindex=\"-1\" role=\"alert\" hidden=\"\"><h2>{}</h2><ul></ul></div>\
                     {}{}<form class=\"form\" novalidate=\"\">{}{}<button type=\"submit\" class=\"button\" aria-disabled=\"false\" disabled=\"\">{}</button></form>\
                     <p class=\"hint\">{}</p>",
                    escape_html(t("error_summary_title")),
                    heading(t("sign_in_title")),
                    lead(t("sign_in_lead")),
                    field("national-code", "sign_in_national_code", "sign_in_national_code_hint", "numeric", "off", "text"),
                    field("mobile", "sign_in_mobile", "sign_in_mobile_hint", "tel", "tel", "tel"),
                    escape_html(t("sign_in_send_code")),
                    escape_html(t("sign_in_privacy")),
                ),
            ))
        }
        Paint::None => None,
    }
}

/// The Persian words and numbers of the painted lists: the locale file the
/// app renders from, and ICU's Persian digits (the browser's `Intl` gives
/// the app the same).
struct Persian;

impl Words for Persian {
    fn lang(&self) -> Lang {
        Lang::Fa
    }

    fn word(&self, word: Word) -> &str {
        locale_fa(word.key()).unwrap_or_default()
    }

    fn num(&self, n: u64) -> String {
        thread_local! {
            static FORMAT: icu_decimal::DecimalFormatter =
                icu_decimal::DecimalFormatter::try_new(icu_locale_core::locale!("fa").into(), Default::default())
                    .expect("ICU's compiled data has Persian");
        }
        FORMAT.with(|f| f.format(&icu_decimal::input::Decimal::from(n)).to_string())
    }

    /// In the Persian calendar, at Iran's time (UTC+03:30 all year since
    /// 2022): what the app's `Intl` writes (`Asia/Tehran`, wherever its
    /// reader is).
    fn time(&self, rfc3339: &str) -> String {
        thread_local! {
            static FORMAT: icu_datetime::DateTimeFormatter<icu_datetime::fieldsets::YMDT> =
                icu_datetime::DateTimeFormatter::try_new(icu_locale_core::locale!("fa-u-ca-persian").into(), icu_datetime::fieldsets::YMDT::medium())
                    .expect("ICU's compiled data has the Persian calendar");
        }
        const IRAN: i64 = 3 * 3600 + 30 * 60;
        let Some(secs) = panjere_api::time::parse_rfc3339(rfc3339) else { return rfc3339.to_owned() };
        let local = secs as i64 + IRAN;
        let (y, m, d) = panjere_api::time::date_of(local);
        let s = local.rem_euclid(86_400);
        let date = icu_calendar::Date::try_new_iso(y, m as u8, d as u8);
        let time = icu_time::Time::try_new((s / 3600) as u8, (s / 60 % 60) as u8, (s % 60) as u8, 0);
        match (date, time) {
            (Ok(date), Ok(time)) => FORMAT.with(|f| f.format(&icu_time::DateTime { date, time }).to_string()),
            _ => rfc3339.to_owned(),
        }
    }

    fn time_fa(&self, rfc3339: &str) -> String {
        self.time(rfc3339)
    }
}

impl Persian {
    /// An ISO date (a birth date) in the Persian calendar, the month by
    /// name: what `Intl` gives for `{year: numeric, month: long, day:
    /// numeric}`.
    fn date(&self, iso: &str) -> String {
        thread_local! {
            static FORMAT: icu_datetime::DateTimeFormatter<icu_datetime::fieldsets::YMD> =
                icu_datetime::DateTimeFormatter::try_new(icu_locale_core::locale!("fa-u-ca-persian").into(), icu_datetime::fieldsets::YMD::long())
                    .expect("ICU's compiled data has the Persian calendar");
        }
        let mut parts = iso.splitn(3, '-').map(str::parse::<u32>);
        let (Some(Ok(y)), Some(Ok(m)), Some(Ok(d))) = (parts.next(), parts.next(), parts.next()) else { return iso.to_owned() };
        match icu_calendar::Date::try_new_iso(y as i32, m as u8, d as u8) {
            Ok(date) => FORMAT.with(|f| f.format(&date).to_string()),
            Err(_) => iso.to_owned(),
        }
    }
}

/// Whether `path` names something that exists: a page of
/// `panjere_api::pages`' table, and for a service's or an agency's page, one
/// in the catalog. Anything else is answered 404 (the app shows its
/// not-found page).
pub fn exists(path: &str, catalog: &Catalog) -> bool {
    let id = path.trim_end_matches('/').rsplit('/').next().unwrap_or_default();
    match panjere_api::pages::page(path).map(|r| r.paint) {
        None => false,
        Some(Paint::Service) => catalog.service(id).is_some(),
        Some(Paint::Agency) => catalog.agency_record(id).is_some(),
        Some(Paint::UseService) => catalog.service(service_id(path)).is_some(),
        Some(Paint::Topic { event }) => {
            let topics = catalog.categories();
            if event {
                topics.life_events.iter().any(|t| t.id == id)
            } else {
                topics.items.iter().any(|t| t.id == id)
            }
        }
        Some(
            Paint::None
            | Paint::Heading { .. }
            | Paint::Services
            | Paint::Agencies
            | Paint::SignIn
            | Paint::Search
            | Paint::Dashboard
            | Paint::Payments
            | Paint::Inbox
            | Paint::Request
            | Paint::Payment
            | Paint::Profile
            | Paint::Offer
            | Paint::Draft,
        ) => true,
    }
}

/// The service a `/services/:id/…` address is about.
fn service_id(path: &str) -> &str {
    path.trim_start_matches('/').split('/').nth(1).unwrap_or_default()
}

/// The split build's `modules.json` (each module's file URLs); empty
/// without a split build.
fn module_files(dist: &Path) -> HashMap<String, String> {
    let files: HashMap<String, Vec<String>> =
        std::fs::read_to_string(dist.join("modules.json")).ok().and_then(|text| serde_json::from_str(&text).ok()).unwrap_or_default();
    files.into_iter().map(|(module, urls)| (module, urls.join(" "))).collect()
}

/// Every string of the Persian locale, by key: the shell's words and the
/// fixed headings and leads pages name in `panjere_api::pages`' table (the
/// shell is Persian): one source for the app and the server.
static LOCALE_FA: std::sync::LazyLock<HashMap<String, String>> = std::sync::LazyLock::new(|| {
    serde_json::from_str(include_str!("../../app/locales/fa.json")).expect("the Persian locale is a map of strings")
});

fn locale_fa(key: &str) -> Option<&'static str> {
    LOCALE_FA.get(key).map(String::as_str)
}

/// A word of the shell from the Persian locale, which has it.
fn shell_word(key: &str) -> &'static str {
    locale_fa(key).unwrap_or_else(|| panic!("the Persian locale has the shell's word {key}"))
}

/// The app's breadcrumbs (`components/breadcrumbs.rs`): the same markup,
/// in the same wrapper.
fn crumbs(trail: &[(String, String)]) -> String {
    format!("<div class=\"crumbs\">{}</div>", markup::breadcrumbs(trail, &Persian))
}

pub use panjere_api::markup::escape_html;

/// `'sha256-…'` sources for every inline `<script>` (those without `src`),
/// so the CSP needs no `'unsafe-inline'`.
pub fn inline_script_hashes(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let after = &rest[start..];
        let Some(tag_end) = after.find('>') else {
            break;
        };
        let tag = &after[..tag_end];
        let body_start = tag_end + 1;
        let Some(close) = after[body_start..].find("</script>") else {
            break;
        };
        let content = &after[body_start..body_start + close];
        if !tag.contains(" src=") && !content.trim().is_empty() {
            let digest = Sha256::digest(content.as_bytes());
            out.push(format!("'sha256-{}'", base64::engine::general_purpose::STANDARD.encode(digest)));
        }
        rest = &after[body_start + close..];
    }
    out
}

pub fn content_security_policy(script_hashes: &[String]) -> String {
    let mut script_src = vec!["'self'".to_owned(), "'wasm-unsafe-eval'".to_owned()];
    script_src.extend(script_hashes.iter().cloned());
    format!(
        "default-src 'self'; script-src {}; style-src 'self'; img-src 'self' data:; font-src 'self'; \
         connect-src 'self'; manifest-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'",
        script_src.join(" ")
    )
}

/// The CSP used when no client is built (API-only answers).
pub fn default_csp() -> String {
    content_security_policy(&[])
}

impl Web {
    /// The Content-Security-Policy of every answer: the shell's (which
    /// allows its inline scripts by hash), or the default without a client.
    pub fn csp(&self) -> HeaderValue {
        match self.shell.as_deref() {
            Some(s) => s.csp_header.clone(),
            None => HeaderValue::from_str(&default_csp()).expect("an ASCII policy"),
        }
    }
}

/// The security headers of every answer besides the policy, as constants:
/// nothing is parsed or allocated per answer.
const SECURITY_HEADERS: [(HeaderName, HeaderValue); 5] = [
    (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
    (header::REFERRER_POLICY, HeaderValue::from_static("strict-origin-when-cross-origin")),
    (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
    (HeaderName::from_static("cross-origin-opener-policy"), HeaderValue::from_static("same-origin")),
    (
        HeaderName::from_static("permissions-policy"),
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=()"),
    ),
];

/// The security headers of every answer, `csp` from [`Web::csp`].
pub fn security_headers(h: &mut axum::http::HeaderMap, csp: HeaderValue) {
    h.reserve(SECURITY_HEADERS.len() + 1);
    h.insert(header::CONTENT_SECURITY_POLICY, csp);
    for (name, value) in SECURITY_HEADERS {
        h.insert(name, value);
    }
}

/// Whether a path carries the build's content hash: Trunk's
/// `name-<16 hex>.ext` and `name-<16 hex>_bg.wasm`, and every file of the
/// split client's `app-<16 hex>/` directory.
pub fn is_hashed(path: &str) -> bool {
    let hashed = |s: &str| s.rsplit_once('-').is_some_and(|(_, h)| h.len() == 16 && h.bytes().all(|b| b.is_ascii_hexdigit()));
    let mut parts = path.trim_start_matches('/').split('/');
    let (first, second) = (parts.next().unwrap_or_default(), parts.next());
    if let (Some(name), None) = (second, parts.next()) {
        return first.starts_with("app-") && hashed(first) && !name.is_empty();
    }
    let stem = first.split('.').next().unwrap_or(first);
    hashed(stem.strip_suffix("_bg").unwrap_or(stem))
}

/// The `Cache-Control` for a static path.
pub fn cache_control(path: &str) -> &'static str {
    if is_hashed(path) {
        "public, max-age=31536000, immutable"
    } else if path == "/" || path.ends_with(".html") || path.ends_with("sw.js") || path.ends_with(".webmanifest") {
        "no-cache"
    } else {
        "public, max-age=86400"
    }
}

/// Everything that is not `/api/…`: static files, else the SPA shell.
/// `sessions` reads the session cookie for a citizen's page (the session
/// itself is loaded only there), `pages` what the page shows of their
/// records.
pub fn router<S, Store>(sessions: tower_sessions::SessionManagerLayer<Store>, pages: CitizenPages) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Web: axum::extract::FromRef<S>,
    Store: tower_sessions::SessionStore + Clone,
{
    // The pages' HTML, which now carries a painted list (the agencies page's
    // 72 cards are 60 KB of Persian), compressed as accepted, at a level
    // cheap enough per request; every other file is precompressed in dist/.
    let html = |_: StatusCode, _: axum::http::Version, headers: &axum::http::HeaderMap, _: &axum::http::Extensions| {
        headers.get(header::CONTENT_TYPE).is_some_and(|t| t.as_bytes().starts_with(b"text/html"))
    };
    Router::new().fallback(serve_static).layer(axum::Extension(pages)).layer(sessions).layer(
        tower_http::compression::CompressionLayer::new()
            .br(true)
            .gzip(true)
            .quality(tower_http::CompressionLevel::Precise(5))
            .compress_when(html),
    )
}

async fn serve_static(State(web): State<Web>, axum::Extension(pages): axum::Extension<CitizenPages>, uri: Uri, req: Request) -> Response {
    let Some(shell) = web.shell.as_deref() else {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            Html("<!doctype html><html lang=\"en\"><title>Panjere</title><p>The client is not built. Run <code>cargo xtask run</code>.</p></html>"),
        )
            .into_response();
    };
    let path = uri.path().to_owned();
    let looks_like_file = path.rsplit('/').next().is_some_and(|last| last.contains('.'));
    if looks_like_file && path != "/index.html" {
        let served =
            ServeDir::new(&shell.dist).precompressed_br().precompressed_gzip().append_index_html_on_directories(false).oneshot(req).await;
        let Ok(mut res) = served;
        if res.status() == StatusCode::OK || res.status() == StatusCode::NOT_MODIFIED {
            res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(cache_control(&path)));
            return res.map(Body::new);
        }
        return (StatusCode::NOT_FOUND, [(header::CACHE_CONTROL, "no-cache")], "not found").into_response();
    }
    // Every path answers the shell; the app shows the page, or its own
    // not-found page for a path that is none of its routes (then 404).
    let status = if exists(&path, &web.catalog) { StatusCode::OK } else { StatusCode::NOT_FOUND };
    // A citizen's page: for their citizen painted, anyone else sent to
    // sign in (and back here) without loading the app first.
    if status == StatusCode::OK && panjere_api::pages::page(&path).is_some_and(|r| r.signed_in) {
        let paint = panjere_api::pages::page(&path).map_or(Paint::None, |r| r.paint);
        let visitor = match req.extensions().get::<Session>() {
            Some(session) => pages(session.clone(), paint, path.clone()).await,
            None => Visitor::SignedOut { reason: None },
        };
        let here = match uri.query() {
            Some(q) => format!("{path}?{q}"),
            None => path.clone(),
        };
        let html = |citizen: Option<&CitizenPage>| {
            let html = shell.page(&path, uri.query(), &web, citizen);
            // Never kept by a cache: the answer depends on who asks.
            (status, [(header::CACHE_CONTROL, "private, no-store"), (header::CONTENT_TYPE, "text/html; charset=utf-8")], html)
                .into_response()
        };
        return match visitor {
            Visitor::Citizen(page) => html(Some(&page)),
            // The session cookie is `SameSite=Strict`: a link from another
            // site arrives without it, signed in or not. Only where the
            // browser would have sent it is its absence an answer; the app
            // finds out otherwise.
            Visitor::SignedOut { reason } if cookie_would_be_sent(req.headers()) => (
                StatusCode::SEE_OTHER,
                [(header::LOCATION, panjere_api::auth::sign_in_href(&here, reason)), (header::CACHE_CONTROL, "no-store".to_owned())],
            )
                .into_response(),
            Visitor::SignedOut { .. } | Visitor::Unknown => html(None),
        };
    }
    let html = shell.page(&path, uri.query(), &web, None);
    (status, [(header::CACHE_CONTROL, "no-cache"), (header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response()
}

/// Whether the browser sends a `SameSite=Strict` cookie with this request:
/// from this site itself, typed or bookmarked (`Sec-Fetch-Site` `none`),
/// or not a browser's navigation at all (no `Sec-Fetch-Site`).
fn cookie_would_be_sent(headers: &axum::http::HeaderMap) -> bool {
    headers.get("sec-fetch-site").is_none_or(|site| site == "same-origin" || site == "none")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A signed-in test citizen's page showing `data`.
    fn citizen(data: PageData) -> CitizenPage {
        let me: panjere_api::auth::Me = serde_json::from_value(serde_json::json!({
            "national_code": "0012345679", "mobile": "09121234567", "first_name": "لیلا", "last_name": "<محمدی>",
            "first_name_en": "Leila", "last_name_en": "Mohammadi",
            "session": { "idle_timeout_s": 900, "idle_remaining_s": 900, "absolute_remaining_s": 43200, "warn_before_s": 120 },
        }))
        .unwrap();
        CitizenPage { me, data }
    }

    /// A citizen's page has the header signed in, as the app renders it
    /// (their name for "sign in", their requests and inbox), and carries
    /// the session for the app; nobody's page neither.
    #[test]
    fn a_citizens_page_is_painted_signed_in() {
        let web = web();
        let html = std::fs::read_to_string("../index.html").unwrap();
        let shell = Shell::new(Path::new("dist"), html).unwrap();
        let me = citizen(PageData::None);
        let page = shell.page("/me/sessions", None, &web, Some(&me));
        let header = &page[page.find("<header").unwrap()..page.find("</header>").unwrap()];
        assert!(
            header.contains(&format!(
                "<a class=\"account-link\" href=\"/me\"><span class=\"visually-hidden\">{}</span>لیلا &lt;محمدی&gt;</a>",
                locale_fa("account_label").unwrap()
            )) && !header.contains("href=\"/sign-in\""),
            "{header}"
        );
        assert!(
            header.contains(&format!(
                "<a href=\"/requests\">{}</a><a href=\"/inbox\" id=\"nav-inbox\">{}</a></nav>",
                locale_fa("nav_requests").unwrap(),
                locale_fa("nav_inbox").unwrap()
            )),
            "{header}"
        );
        let data = page.split("id=\"session-data\">").nth(1).and_then(|d| d.split("</script>").next()).unwrap();
        assert!(!data.contains('<'), "{data}");
        let session: panjere_api::auth::SessionState = serde_json::from_str(data).unwrap();
        assert_eq!(session.me, Some(me.me));
        let public = shell.page("/services", None, &web, None);
        assert!(public.contains("href=\"/sign-in\"") && !public.contains("session-data") && !public.contains("nav-inbox"));
    }

    /// What serving needs, over the real catalog (agencies as catalogued).
    fn web() -> Web {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let catalog = std::sync::Arc::new(crate::catalog::Catalog::load(&root.join("data")).unwrap());
        let listed = catalog.clone();
        Web { shell: None, catalog, agencies: std::sync::Arc::new(move || listed.agencies().to_vec()) }
    }

    #[test]
    fn hashes_inline_scripts_only() {
        let html = r#"<head><script type="module">import init from '/a.js';
await init();</script><script src="/x.js"></script><link rel="x"></head>"#;
        let h = inline_script_hashes(html);
        assert_eq!(h.len(), 1);
        let expected = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(b"import init from '/a.js';\nawait init();"));
        assert_eq!(h[0], format!("'sha256-{expected}'"));
        let csp = content_security_policy(&h);
        assert!(csp.contains("'wasm-unsafe-eval'") && csp.contains(&h[0]) && csp.contains("frame-ancestors 'none'"));
        assert!(!csp.contains("unsafe-inline"));
    }

    #[test]
    fn pages_put_what_the_server_knows_in_the_shell() {
        let web = web();
        let catalog = &web.catalog;
        let html = "<html><head><title>پنجره</title><script type=\"module\">init()</script></head>\
                    <body><div id=\"app\"><header>h</header><main id=\"main\"><section class=\"hero\">hero</section></main></div></body></html>";
        let shell = Shell::new(Path::new("dist"), html.to_owned()).unwrap();
        assert_eq!(shell.page("/", None, &web, None), html);

        let s = catalog.service("passport-issuance").unwrap();
        let page = shell.page("/services/passport-issuance", None, &web, None);
        assert!(page.contains(&format!("<title>{} | پنجره</title>", s.name.fa)), "{page}");
        assert!(page.contains(&format!("<h1 class=\"shell-title\">{}</h1>", s.name.fa)), "{page}");
        assert!(page.contains(&format!("<p class=\"lead\">{}</p>", escape_html(&s.summary.fa))), "{page}");
        assert!(page.contains(&format!("<a href=\"/agencies/{}\">", s.agency)), "{page}");
        // the app's breadcrumbs, in the app's words, so nothing moves when it takes over
        assert!(
            page.contains(&format!(
                "<nav class=\"breadcrumbs\" aria-label=\"مسیر صفحه\"><ol><li><a href=\"/\">خانه</a></li>\
                 <li><a href=\"/categories/{}\">{}</a></li><li><span aria-current=\"page\">{}</span></li></ol></nav>",
                s.category, s.category_name.fa, s.name.fa
            )),
            "{page}"
        );
        assert!(page.contains("<p class=\"visually-hidden\" role=\"status\">در حال بارگذاری…</p>"), "{page}");
        assert!(!page.contains("hero") && page.contains("<header>h</header>") && page.ends_with("</main></div></body></html>"));
        // The inline script is untouched: the CSP hash still matches.
        assert_eq!(inline_script_hashes(&page), inline_script_hashes(html));

        let a = catalog.agency("post").unwrap().agency;
        let page = shell.page("/agencies/post/", None, &web, None);
        assert!(page.contains(&format!("<h1 class=\"shell-title\">{}</h1>", a.name.fa)) && page.contains(&escape_html(&a.description.fa)));
        assert!(page.contains(&format!(
            "<li><a href=\"/agencies\">دستگاه‌های اجرایی</a></li><li><span aria-current=\"page\">{}</span></li>",
            a.name.fa
        )));

        // A page with a fixed heading: its h1 and lead from the locale file.
        let page = shell.page("/track", None, &web, None);
        assert!(page.contains(&format!("<title>{} | پنجره</title>", locale_fa("track_title").unwrap())), "{page}");
        assert!(
            page.contains(&format!(
                "<h1 class=\"shell-title\">{}</h1><p class=\"lead\">{}</p>",
                locale_fa("track_title").unwrap(),
                locale_fa("track_lead").unwrap()
            )),
            "{page}"
        );
        // The sign-in form, in the narrow column, its button disabled until
        // the app has it; the notice the address asks for.
        let page = shell.page("/sign-in", None, &web, None);
        assert!(page.contains("<title>ورود به پنجره | پنجره</title><") || page.contains("<title>ورود به پنجره | پنجره</title>"), "{page}");
        assert!(page.contains("<div class=\"wrap narrow\" data-painted><div class=\"error-summary\""), "{page}");
        assert!(page.contains("<input id=\"national-code\" name=\"national-code\"") && page.contains("<input id=\"mobile\""), "{page}");
        assert!(page.contains("disabled=\"\">فرستادن کد</button></form>"), "{page}");
        assert_eq!(page.matches("readonly=\"\"").count(), 2, "nothing is typed into the painted form: {page}");
        assert!(!page.contains("notice"), "{page}");
        let page = shell.page("/sign-in", Some("next=%2Fme"), &web, None);
        assert!(
            page.contains(&format!("<div class=\"notice notice-info\"><p>{}</p></div>", locale_fa("auth_sign_in_to_continue").unwrap()))
        );
        let page = shell.page("/sign-in", Some("reason=idle&next=%2Fme"), &web, None);
        assert!(page.contains(&format!("role=\"status\"><p>{}</p></div>", locale_fa("auth_idle_signed_out").unwrap())));
        // The lists: their first page, through the app's own markup.
        let page = shell.page("/agencies", None, &web, None);
        let agencies = catalog.agencies();
        assert!(page.contains("<h1 class=\"shell-title\">دستگاه‌های اجرایی</h1><p class=\"lead\">"), "{page}");
        assert_eq!(page.matches("<li class=\"card\"><h2 class=\"h3\"><a href=\"/agencies/").count(), agencies.len());
        assert!(
            page.contains(&format!("<ul class=\"cards agency-list\">{}</ul>", markup::agency_cards(agencies, &Persian)))
                && page.contains("<input id=\"agency-filter\"")
        );
        assert!(page.contains(&format!("<p class=\"count\" role=\"status\">{} دستگاه", Persian.num(agencies.len() as u64))), "{page}");

        let inquiries = ServiceFilter { kind: Some(panjere_api::ServiceKind::Inquiry), ..Default::default() };
        let all = catalog.services(&inquiries);
        assert!(all.len() > PER_PAGE, "the test needs a second page");
        let page = shell.page("/services", Some("kind=inquiry&page=2&q=ignored"), &web, None);
        assert!(page.contains("<title>همه خدمات | پنجره</title>"), "{page}");
        assert!(page.contains(&markup::filter_bar(&inquiries.with_page(2), "/services", true, &Persian)), "{page}");
        assert!(page.contains(&format!("<div role=\"status\"><h2 class=\"count\">{} ", Persian.num(all.len() as u64))), "{page}");
        let second: Vec<_> = all.iter().skip(PER_PAGE).take(PER_PAGE).cloned().collect();
        assert!(page.contains(&format!("<ul class=\"cards service-list\">{}</ul>", markup::service_cards(&second, &Persian))), "{page}");

        let page = shell.page("/life-events/birth", None, &web, None);
        let birth = catalog.categories().life_events.into_iter().find(|e| e.id == "birth").unwrap();
        let born = catalog.services(&ServiceFilter { event: Some("birth".into()), ..Default::default() });
        assert!(!born.is_empty());
        assert!(page.contains(&format!(
            "<h1 class=\"shell-title\">{}</h1><p class=\"lead\">{}</p>",
            birth.name.fa,
            escape_html(&birth.description.fa)
        )));
        assert!(page.contains(&markup::service_cards(&born[..born.len().min(PER_PAGE)], &Persian)), "{page}");
        assert!(page.contains("<span aria-current=\"page\">رویداد زندگی: "), "the app's breadcrumb: {page}");
        for (path, known) in [("/categories/tax", true), ("/categories/no-such", false), ("/life-events/tax", false)] {
            assert_eq!(shell.page(path, None, &web, None).contains("shell-title"), known, "{path}");
            assert_eq!(exists(path, catalog), known, "{path}");
        }
        assert_eq!(Persian.num(1234567), "۱٬۲۳۴٬۵۶۷", "ICU's Persian digits and grouping, as the browser's Intl");

        // Search: what the API finds for the query, in a box that works as a plain form.
        let q = "گذرنامه";
        let found = catalog.services(&ServiceFilter { q: Some(q.into()), ..Default::default() });
        assert!(!found.is_empty());
        let page = shell.page("/search", Some(&format!("q={}", panjere_api::url::encode(q))), &web, None);
        assert!(
            page.contains(&format!("<title>{} | پنجره</title>", markup::fill(locale_fa("search_results_for").unwrap(), &[("q", q)]))),
            "{page}"
        );
        assert!(page.contains("action=\"/search\" method=\"get\"") && page.contains(&format!("value=\"{q}\"")), "{page}");
        assert!(page.contains(&markup::service_cards(&found[..found.len().min(PER_PAGE)], &Persian)), "{page}");
        // as the shell's plain form sends it: a space as `+`
        let two = shell.page("/search", Some("q=%DA%AF%D8%B0%D8%B1%D9%86%D8%A7%D9%85%D9%87+%D8%B9%D8%A7%D8%AF%DB%8C"), &web, None);
        assert!(two.contains("value=\"گذرنامه عادی\""), "{two}");
        let none = shell.page("/search", Some("q=zzzzqqqq"), &web, None);
        assert!(
            none.contains(&format!("<div class=\"empty\" role=\"status\"><h2>{}</h2>", locale_fa("search_no_results").unwrap())),
            "{none}"
        );
        let empty = shell.page("/search", None, &web, None);
        assert!(
            empty.contains(&format!("<p class=\"empty\">{}</p>", locale_fa("search_empty_query").unwrap()))
                && !empty.contains("filter-bar")
        );
        // The dashboard: its heading, lead and headline rule, in its own column.
        let page = shell.page("/dashboard", None, &web, None);
        assert!(page.contains("<div class=\"wrap dashboard\" data-painted><h1 class=\"shell-title\">"), "{page}");
        assert!(page.contains(&format!(
            "<p class=\"hint\" id=\"smart-rule\">{}</p></section>",
            escape_html(locale_fa("dash_smart_rule").unwrap())
        )));
        // every key the table names is in the locale
        for p in panjere_api::pages::PAGES {
            if let Paint::Heading { title, lead, back } = p.paint {
                assert!(locale_fa(title).is_some() && lead.is_none_or(|l| locale_fa(l).is_some()), "{}", p.path);
                assert!(back.is_none_or(|(key, href)| locale_fa(key).is_some() && panjere_api::pages::page(href).is_some()), "{}", p.path);
            }
        }

        for other in ["/services/no-such-service", "/services/passport-issuance/use", "/requests"] {
            let page = shell.page(other, None, &web, None);
            assert!(!page.contains("hero") && !page.contains("<h1") && page.contains("role=\"status\""), "{other}: {page}");
            assert!(page.contains("<title>پنجره</title>"), "{other}");
        }

        // A citizen's page with a fixed heading: painted for its signed-in
        // citizen only, in the app's narrow column.
        let page = shell.page("/requests", None, &web, Some(&citizen(PageData::None)));
        let title = locale_fa("requests_title").unwrap();
        assert!(page.contains(&format!("<title>{title} | پنجره</title>")), "{page}");
        assert!(page.contains(&format!("<div class=\"wrap narrow\" data-painted><h1 class=\"shell-title\">{title}</h1>")), "{page}");
        let page = shell.page("/pay", None, &web, Some(&citizen(PageData::None)));
        assert!(
            page.contains(&format!(
                "<h1 class=\"shell-title\">{}</h1><p class=\"lead\">{}</p>",
                locale_fa("bill_title").unwrap(),
                locale_fa("bill_lead").unwrap()
            )),
            "{page}"
        );
        // Using a service: its heading and summary where the window holds
        // its form, else where to use it; nothing for an unknown service
        // (a 404).
        let services = catalog.services(&ServiceFilter::default());
        let here = services.iter().filter_map(|s| catalog.service(&s.id)).find(|s| s.used_here()).unwrap();
        let elsewhere = services.iter().filter_map(|s| catalog.service(&s.id)).find(|s| !s.used_here()).unwrap();
        let page = shell.page(&format!("/services/{}/use", here.id), None, &web, Some(&citizen(PageData::None)));
        assert!(page.contains(&format!("<title>{} | پنجره</title>", here.name.fa)), "{page}");
        assert!(
            page.contains(&format!(
                "<div class=\"wrap narrow\" data-painted><h1 class=\"shell-title\">{}</h1><p class=\"lead\">{}</p>",
                here.name.fa, here.summary.fa
            )),
            "{page}"
        );
        let page = shell.page(&format!("/services/{}/use/", elsewhere.id), None, &web, Some(&citizen(PageData::None)));
        assert!(
            page.contains(&format!(
                "<h1 class=\"shell-title\">{}</h1><p>{}</p><a href=\"/services/{}\">{}</a>",
                elsewhere.name.fa,
                locale_fa("use_not_online").unwrap(),
                elsewhere.id,
                locale_fa("use_back_to_service").unwrap()
            )),
            "{page}"
        );
        assert!(!shell.page("/services/no-such-service/use", None, &web, Some(&citizen(PageData::None))).contains("<h1"));
        assert!(!exists("/services/no-such-service/use", catalog) && exists(&format!("/services/{}/use", here.id), catalog));
        // A link back above the heading, as the app has it.
        let page = shell.page("/me/sessions", None, &web, Some(&citizen(PageData::None)));
        assert!(
            page.contains(&format!(
                "<div class=\"wrap narrow\" data-painted><p class=\"breadcrumb-back\"><a href=\"/me\">{}</a></p><h1 class=\"shell-title\">{}</h1><p class=\"lead\">{}</p>",
                locale_fa("profile_title").unwrap(),
                locale_fa("sessions_title").unwrap(),
                locale_fa("sessions_lead").unwrap()
            )),
            "{page}"
        );
        // …and the citizen flag paints nothing of a page the table paints nothing for.
        let page = shell.page("/requests/REQ-1", None, &web, Some(&citizen(PageData::None)));
        assert!(!page.contains("<h1") && page.contains("<div class=\"wrap\"><p class=\"visually-hidden\""), "{page}");
        assert_eq!(escape_html("<a href=\"x\">'&'</a>"), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    }

    /// Times in the Persian calendar at Iran's time, as `Intl` writes them
    /// for a browser there.
    #[test]
    fn persian_times_are_iran_s() {
        assert_eq!(Persian.time("2026-12-06T10:30:05Z"), "۱۵ آذر ۱۴۰۵، ۱۴:۰۰:۰۵");
        assert_eq!(Persian.time("2026-03-20T20:30:00Z"), "۱ فروردین ۱۴۰۵، ۰:۰۰:۰۰", "the new year begins at Iran's midnight");
        assert_eq!(Persian.time("not a time"), "not a time");
        // A date alone, its month by name (a birth date).
        assert_eq!(Persian.date("1990-03-21"), "۱ فروردین ۱۳۶۹");
        assert_eq!(Persian.date("1985-12-06"), "۱۵ آذر ۱۳۶۴");
        assert_eq!(Persian.date("1990-02-30"), "1990-02-30", "no such day");
        assert_eq!(Persian.date("unknown"), "unknown");
    }

    /// `/payments` for its citizen: the heading, the way to pay a bill, and
    /// their payments as the shared cards (or the note that there is none);
    /// nothing of the list where it could not be read.
    #[test]
    fn a_citizens_payments_are_painted_with_the_shared_cards() {
        let web = web();
        let html = "<html><head><title>پنجره</title></head><body><main id=\"main\"></main></body></html>";
        let shell = Shell::new(Path::new("dist"), html.to_owned()).unwrap();
        let head = format!(
            "<div class=\"wrap narrow\" data-painted><h1 class=\"shell-title\">{}</h1><p><a class=\"button\" href=\"/pay\">{}</a></p>",
            locale_fa("payments_title").unwrap(),
            locale_fa("bill_title").unwrap()
        );
        let page =
            shell.page("/payments", None, &web, Some(&citizen(PageData::Payments(panjere_api::payments::Payments { items: Vec::new() }))));
        assert!(page.contains(&format!("{head}<p class=\"empty\">{}</p>", locale_fa("payments_none").unwrap())), "{page}");
        // A paid fee, as the API writes it.
        let paid: panjere_api::payments::Payment = serde_json::from_value(serde_json::json!({
            "id": "p1", "kind": "fee", "state": "success", "amount_rials": 1_250_000,
            "title": { "fa": "هزینه صدور گذرنامه", "en": "Passport fee" }, "payee": { "fa": "", "en": "" },
            "created_at": "2026-12-06T10:00:00Z", "paid_at": "2026-12-06T10:30:05Z",
        }))
        .unwrap();
        let items = vec![paid];
        let page = shell.page(
            "/payments",
            None,
            &web,
            Some(&citizen(PageData::Payments(panjere_api::payments::Payments { items: items.clone() }))),
        );
        let cards = markup::payment_cards(&items, true, &Persian);
        assert!(page.contains(&format!("{head}<ul class=\"session-list\" id=\"payments\">{cards}</ul>")), "{page}");
        assert!(cards.contains("۱٬۲۵۰٬۰۰۰ ریال (۱۲۵٬۰۰۰ تومان)") && cards.contains("۱۵ آذر ۱۴۰۵، ۱۴:۰۰:۰۵"), "{cards}");
        let page = shell.page("/payments", None, &web, Some(&citizen(PageData::None)));
        assert!(page.contains(&format!("{head}<p class=\"visually-hidden\"")), "{page}");
        assert!(!shell.page("/payments", None, &web, None).contains("<h1"), "nobody signed in: nothing painted");

        // The inbox: the heading and the shared list.
        let inbox: panjere_api::requests::Inbox = serde_json::from_value(serde_json::json!({ "unread": 1, "items": [{
            "id": "n1", "request_id": "r1", "tracking_code": "ABC", "service_name": { "fa": "صدور گذرنامه", "en": "Passport" },
            "status": "approved", "created_at": "2026-12-06T10:30:05Z", "read": false,
        }] }))
        .unwrap();
        let page = shell.page("/inbox", None, &web, Some(&citizen(PageData::Inbox(inbox.clone()))));
        let list = markup::inbox_list(&inbox, &Persian);
        assert!(
            page.contains(&format!(
                "<div class=\"wrap narrow\" data-painted><h1 class=\"shell-title\">{}</h1><div class=\"inbox-list\">{list}</div>",
                locale_fa("inbox_title").unwrap()
            )),
            "{page}"
        );
        assert!(list.contains("صدور گذرنامه (ABC): پذیرفته شد"), "{list}");
    }

    /// A request's and a payment's pages: their receipts from the shared
    /// markup, the request's confirmation when just submitted (`?new`);
    /// nothing painted where the record was not read (not theirs, or none).
    #[test]
    fn a_citizens_request_and_payment_are_painted_with_the_shared_receipts() {
        let web = web();
        let html = "<html><head><title>پنجره</title></head><body><main id=\"main\"></main></body></html>";
        let shell = Shell::new(Path::new("dist"), html.to_owned()).unwrap();
        let request: panjere_api::requests::RequestDetail = serde_json::from_value(serde_json::json!({
            "id": "r1", "tracking_code": "ABC123", "service": "passport-issuance",
            "service_name": { "fa": "صدور گذرنامه", "en": "Passport" }, "agency_name": { "fa": "پلیس", "en": "Police" },
            "status": "approved", "created_at": "2026-12-06T10:30:05Z", "updated_at": "2026-12-06T10:30:05Z",
            "answers": [], "timeline": [{ "status": "submitted", "at": "2026-12-06T10:30:05Z" }, { "status": "approved", "at": "2026-12-06T10:31:00Z" }],
            "inquiries": [],
        }))
        .unwrap();
        let data = citizen(PageData::Request(Box::new(request.clone())));
        let page = shell.page("/requests/r1", None, &web, Some(&data));
        let parts = format!(
            "<div class=\"receipt-top\">{}</div><div class=\"receipt-payments\"></div><div class=\"receipt-record\">{}</div>",
            markup::receipt::request_top(&request, false, &Persian),
            markup::receipt::request_record(&request, &Persian)
        );
        assert!(page.contains(&format!("<div class=\"wrap narrow\" data-painted>{parts}<p class=\"visually-hidden\"")), "{page}");
        assert!(page.contains(&format!("<title>{} | پنجره</title>", locale_fa("request_title").unwrap())), "{page}");
        assert!(page.contains("<h1>درخواست شما</h1>") && page.contains("ABC123") && page.contains("پذیرفته شد"), "{page}");
        let fresh = shell.page("/requests/r1", Some("new=1"), &web, Some(&data));
        assert!(fresh.contains(&markup::receipt::request_top(&request, true, &Persian)) && fresh.contains("panel-confirmation"), "{fresh}");
        assert!(!shell.page("/requests/r1", None, &web, Some(&citizen(PageData::None))).contains("receipt-top"));
        assert!(!page.contains("reply-form"), "nothing asked, no answer's form");
        // The agency asked for more: the answer's form under the top, inert.
        let mut asked = request;
        asked.summary.status = "more_info".into();
        let page = shell.page("/requests/r1", None, &web, Some(&citizen(PageData::Request(Box::new(asked.clone())))));
        let top = markup::receipt::request_top(&asked, false, &Persian);
        let form = markup::form::reply_form(&Persian);
        assert!(page.contains(&format!("<div class=\"receipt-top\">{top}</div>{form}<div class=\"receipt-payments\">")), "{page}");
        assert!(form.contains(locale_fa("request_reply_send").unwrap()) && form.contains("readonly"), "{form}");

        let payment: panjere_api::payments::Payment = serde_json::from_value(serde_json::json!({
            "id": "p1", "kind": "fee", "state": "success", "amount_rials": 1_250_000,
            "title": { "fa": "هزینه صدور گذرنامه", "en": "Passport fee" }, "payee": { "fa": "پلیس", "en": "Police" },
            "reference": "RRN1", "created_at": "2026-12-06T10:00:00Z", "paid_at": "2026-12-06T10:30:05Z",
        }))
        .unwrap();
        let page = shell.page("/payments/p1", None, &web, Some(&citizen(PageData::Payment(Box::new(payment.clone())))));
        let receipt = markup::receipt::payment_receipt(&payment, &Persian);
        assert!(page.contains(&format!("<div class=\"wrap narrow\" data-painted><div class=\"receipt-top\">{receipt}</div>")), "{page}");
        assert!(receipt.contains("۱٬۲۵۰٬۰۰۰ ریال") && receipt.contains("۱۵ آذر ۱۴۰۵، ۱۴:۰۰:۰۵") && !receipt.contains("pay_"), "{receipt}");
        assert!(page.contains(&format!("<title>{} | پنجره</title>", locale_fa("pay_title").unwrap())), "{page}");
        assert!(!shell.page("/payments/p1", None, &web, None).contains("receipt-top"), "nobody signed in: nothing painted");
        // What the page was painted from, as the API answers it, for the
        // app to take rather than read again; nothing of a page painted
        // from nothing.
        let data = page.split("<script type=\"application/json\" id=\"page-data\">").nth(1).and_then(|d| d.split("</script>").next());
        assert_eq!(serde_json::from_str::<panjere_api::payments::Payment>(data.unwrap()).unwrap(), payment);
        assert!(!shell.page("/payments/p1", None, &web, Some(&citizen(PageData::None))).contains("page-data"));
        let sly = panjere_api::payments::Payment { title: panjere_api::Text { fa: "</script><!--".into(), en: "x".into() }, ..payment };
        let page = shell.page("/payments/p1", None, &web, Some(&citizen(PageData::Payment(Box::new(sly.clone())))));
        let data = page.split("id=\"page-data\">").nth(1).and_then(|d| d.split("</script>").next()).unwrap();
        assert!(!data.contains('<'), "{data}");
        assert_eq!(serde_json::from_str::<panjere_api::payments::Payment>(data).unwrap(), sly);

        // The profile: the heading and the registry's record.
        let profile = panjere_api::auth::Profile {
            national_code: "0012345679".into(),
            first_name: "مریم".into(),
            last_name: "احمدی".into(),
            first_name_en: "Maryam".into(),
            last_name_en: "Ahmadi".into(),
            father_name: "علی".into(),
            gender: "female".into(),
            birth_date: "1990-03-21".into(),
            certificate_serial: "123".into(),
            certificate_place: "تهران".into(),
            mobile: "09121111111".into(),
            source_agency: panjere_api::Text { fa: "ثبت احوال".into(), en: "Civil registry".into() },
            fetched_at: "2026-12-06T10:30:05Z".into(),
        };
        let page = shell.page("/me", None, &web, Some(&citizen(PageData::Profile(Box::new(profile.clone())))));
        let details = markup::profile::profile(&profile, &Persian.date(&profile.birth_date), &Persian);
        assert!(
            page.contains(&format!(
                "<div class=\"wrap narrow\" data-painted><h1 class=\"shell-title\">{}</h1><div class=\"profile-details\">{details}</div>",
                locale_fa("profile_title").unwrap()
            )),
            "{page}"
        );
        assert!(
            details.contains("<dd>۰۰۱۲۳۴۵۶۷۹</dd>") && details.contains("<dd>۱ فروردین ۱۳۶۹</dd>") && details.contains("<dd>زن</dd>"),
            "{details}"
        );
        let page = shell.page("/me", None, &web, Some(&citizen(PageData::None)));
        assert!(page.contains("<h1 class=\"shell-title\">") && !page.contains("profile-details"), "the registry did not answer: {page}");

        // An application being filled in: the service and the step.
        let draft: panjere_api::requests::Draft = serde_json::from_value(serde_json::json!({
            "id": "d1", "service": "passport-issuance", "service_name": { "fa": "صدور گذرنامه", "en": "Passport" },
            "values": {}, "step": 1, "updated_at": "2026-12-06T10:30:05Z",
        }))
        .unwrap();
        let form = web.catalog.form("passport-issuance").unwrap();
        let page = shell.page("/drafts/d1", None, &web, Some(&citizen(PageData::Draft(Box::new(draft.clone())))));
        let head = markup::draft::draft_head(&draft.service_name, form, 1, &Persian);
        assert!(page.contains(&format!("<div class=\"wrap narrow\" data-painted><div class=\"draft-head\">{head}</div>")), "{page}");
        assert!(head.contains("گام ۱ از ۲"), "{head}");
        let step = markup::form::draft_step(form, 1, &draft.values, &draft.updated_at, &Persian);
        assert!(page.contains(&format!("<div class=\"draft-head\">{head}</div>{step}<p class=\"visually-hidden\"")), "{page}");
        assert!(step.contains("id=\"field-purpose\"") && !step.contains("field-postal_code") && step.contains("۱۴:۰۰"), "{step}");
        // At the review, only the head: the review is the app's.
        let review = panjere_api::requests::Draft { step: 3, ..draft.clone() };
        let page = shell.page("/drafts/d1", None, &web, Some(&citizen(PageData::Draft(Box::new(review)))));
        assert!(page.contains(locale_fa("apply_review_title").unwrap()) && !page.contains("<form"), "{page}");
        let submitted = panjere_api::requests::Draft { request_id: Some("r1".into()), ..draft };
        assert!(
            !shell.page("/drafts/d1", None, &web, Some(&citizen(PageData::Draft(Box::new(submitted))))).contains("draft-head"),
            "the app goes on"
        );

        // An offer: what, why, where it stands.
        let offer: panjere_api::smart::Offer = serde_json::from_value(serde_json::json!({
            "id": "o1", "title": { "fa": "تولد فرزند شما", "en": "Your child" }, "mode": "consent", "status": "open",
            "event": "birth", "event_name": { "fa": "ثبت تولد فرزند", "en": "a birth" }, "event_agency_name": { "fa": "ثبت احوال", "en": "Registry" },
            "event_at": "2026-12-06T10:00:00Z", "created_at": "c", "expires_at": "e", "parts": [], "pending": 0, "timeline": [], "reads": [],
        }))
        .unwrap();
        let page = shell.page("/offers/o1", None, &web, Some(&citizen(PageData::Offer(Box::new(offer.clone())))));
        let top = markup::offer::offer_top(&offer, "۱۵ آذر ۱۴۰۵", &Persian);
        assert!(page.contains(&format!("<div class=\"offer-top\">{top}</div>")) && top.contains("<h1>تولد فرزند شما</h1>"), "{page}");
    }

    #[test]
    fn only_the_tables_pages_and_the_catalogs_ids_exist() {
        let web = web();
        let catalog = &web.catalog;
        for path in ["/", "/services", "/services/passport-issuance", "/services/passport-issuance/use", "/agencies/post/", "/me/sessions"]
        {
            assert!(exists(path, catalog), "{path}");
        }
        for path in ["/no/such/page", "/services/no-such-service", "/agencies/no-such-agency", "/servicez", "/me/x"] {
            assert!(!exists(path, catalog), "{path}");
        }
    }

    #[test]
    fn a_lazily_loaded_page_names_its_code_files() {
        let web = web();
        let dist = tempfile::tempdir().unwrap();
        std::fs::write(
            dist.path().join("modules.json"),
            r#"{"catalog":["/app-0123/chunk_1.wasm","/app-0123/split_catalog.wasm"],"apply":["/app-0123/split_apply.wasm"]}"#,
        )
        .unwrap();
        let html = "<html><head><title>پنجره</title><script type=\"module\">import init from '/app-0123/panjere-app.js';</script></head>\
                    <body><main id=\"main\">hero</main></body></html>";
        let shell = Shell::new(dist.path(), html.to_owned()).unwrap();
        let meta = |path: &str| {
            let page = shell.page(path, None, &web, None);
            page.find("<meta name=\"page-code\"").map(|at| {
                assert!(page[at..].find("</head>").is_some(), "in the head");
                page[at..at + page[at..].find('>').unwrap() + 1].to_owned()
            })
        };
        assert_eq!(
            meta("/status").as_deref(),
            Some("<meta name=\"page-code\" content=\"/app-0123/chunk_1.wasm /app-0123/split_catalog.wasm\">")
        );
        assert_eq!(meta("/requests/REQ-1").as_deref(), Some("<meta name=\"page-code\" content=\"/app-0123/split_apply.wasm\">"));
        assert_eq!(meta("/"), None, "home's code is the main module");
        assert_eq!(meta("/services/passport-issuance"), None, "so is a service page's");
        assert_eq!(meta("/dashboard"), None, "a module the build does not name");
        // No split build: nothing named.
        let plain = Shell::new(Path::new("no-such-dist"), html.to_owned()).unwrap();
        assert!(!plain.page("/status", None, &web, None).contains("page-code"));
    }

    #[test]
    fn cache_rules() {
        assert!(is_hashed("/panjere-app-0123456789abcdef_bg.wasm"));
        assert!(is_hashed("/panjere-app-0123456789abcdef.js"));
        assert!(is_hashed("/style-0123456789abcdef.css"));
        assert!(!is_hashed("/fonts/Vazirmatn-Regular.woff2"));
        assert!(is_hashed("/app-0123456789abcdef/panjere-app_bg.wasm"));
        assert!(is_hashed("/app-0123456789abcdef/chunk_12.wasm"));
        assert!(!is_hashed("/app-0123456789abcdef/"));
        assert!(!is_hashed("/app-notahash/chunk_12.wasm"));
        assert!(!is_hashed("/icons/app-0123456789abcdef/x.png"));
        assert_eq!(cache_control("/style-0123456789abcdef.css"), "public, max-age=31536000, immutable");
        assert_eq!(cache_control("/index.html"), "no-cache");
        assert_eq!(cache_control("/sw.js"), "no-cache");
        assert_eq!(cache_control("/icons/icon-192.png"), "public, max-age=86400");
    }
}
