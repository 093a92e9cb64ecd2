//! The client's pages, in one table ([`with_pages!`]): each route's path,
//! the wasm module its code is in (`cargo xtask build` cuts the client into
//! modules by journey), who may see it, what the server paints into the
//! shell for it, and the view the router shows. The client's router is
//! generated from it (`app/src/lib.rs`), and so is [`PAGES`], which the
//! server reads to paint a page, to name the code a direct visit needs
//! (so the loader fetches it alongside the main module instead of after
//! it), and to answer an unknown page with the not-found page and 404.

/// Calls `$then!` with every page, grouped by who may see it:
/// `public { (path, route fn, module, paint, view)… }` and
/// `citizen { … }` (signed in; anyone else is sent to sign in). `module` is
/// `main` for pages in the main module (where most citizens arrive: home
/// and a service page), `paint` what the server puts in the shell (`service`,
/// `agency`, `services`, `agencies`, `category`, `life_event`, `search`,
/// `dashboard`, `sign_in`, `use_service`, `payments`, `inbox`,
/// `(heading title_key [lead_key [back link_key "/href"]])` or `none`: see
/// [`Paint`]), `view` the page's
/// view (tokens only the client expands). A `heading` names the locale keys
/// of the page's own `h1` and lead paragraph: the server paints them from
/// the Persian locale file the app renders them from (the end-to-end suite
/// checks, for every such page, that the app's heading is the painted one).
/// A citizen's page is painted only for its signed-in citizen (anyone else
/// is sent to sign in by the server itself), in the app's narrow column.
#[macro_export]
macro_rules! with_pages {
    ($then:ident) => {
        $then! {
            public {
                ("/", home_route, main, none, { view! { <HomePage/> } }),
                ("/services/:id", service_route, main, service, { view! { <ServicePage/> } }),
                // Browsing the catalog and the window's status: public, offline-capable.
                ("/search", search_route, catalog, search, { view! { <SearchPage/> } }),
                ("/services", services_route, catalog, services, { view! { <ServicesPage/> } }),
                ("/agencies", agencies_route, catalog, agencies, { view! { <AgenciesPage/> } }),
                ("/agencies/:id", agency_route, catalog, agency, { view! { <AgencyPage/> } }),
                ("/categories/:id", category_route, catalog, category, { view! { <TopicPage event=false/> } }),
                ("/life-events/:id", life_event_route, catalog, life_event, { view! { <TopicPage event=true/> } }),
                ("/status", status_route, catalog, (heading status_title status_lead), { view! { <StatusPage/> } }),
                // The law's targets and the figures behind them (charts and tables).
                ("/dashboard", dashboard_route, dashboard, dashboard, { view! { <DashboardPage/> } }),
                ("/sign-in", sign_in_route, account, sign_in, { view! { <SignInPage/> } }),
                ("/track", track_route, apply, (heading track_title track_lead), { view! { <TrackPage/> } }),
            }
            citizen {
                // The citizen's own account.
                ("/me", profile_route, account, profile, { view! { <ProfilePage/> } }),
                ("/me/sessions", sessions_route, account, (heading sessions_title sessions_lead back profile_title "/me"), { view! { <SessionsPage/> } }),
                ("/me/data-use", data_use_route, account, (heading data_use_title data_use_lead), { view! { <DataUsePage/> } }),
                ("/inbox", inbox_route, account, inbox, { view! { <InboxPage/> } }),
                // Using a service: the application, drafts and requests.
                ("/services/:id/use", use_service_route, apply, use_service, { view! { <UseServicePage/> } }),
                ("/drafts/:id", draft_route, apply, draft, { view! { <DraftPage/> } }),
                ("/requests", requests_route, apply, (heading requests_title), { view! { <RequestsPage/> } }),
                ("/requests/:id", request_route, apply, request, { view! { <RequestPage/> } }),
                // What the window offers or did for the citizen from a life event.
                ("/offers/:id", offer_route, apply, offer, { view! { <OfferPage/> } }),
                // Paying: fees, bills and fines; receipts.
                ("/payments", payments_route, apply, payments, { view! { <PaymentsPage/> } }),
                ("/payments/:id", payment_route, apply, payment, { view! { <PaymentPage/> } }),
                ("/pay", pay_bill_route, apply, (heading bill_title bill_lead), { view! { <PayBillPage/> } }),
            }
        }
    };
}

/// What the server paints into the shell for a page, before the app runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paint {
    /// Nothing beyond the shell (an empty, labelled `main`).
    None,
    /// The service's heading, agency and summary (`/services/:id`).
    Service,
    /// The agency's heading, short name and description (`/agencies/:id`).
    Agency,
    /// A fixed heading and lead paragraph: their keys in the locale files;
    /// `back`, a link back above the heading (its text's key, its address).
    Heading { title: &'static str, lead: Option<&'static str>, back: Option<(&'static str, &'static str)> },
    /// The catalog's list (`/services`): heading, lead, filters, the count
    /// and the first page of services (as the address's query filters
    /// them), from [`crate::markup`].
    Services,
    /// A category's (`/categories/:id`) or a life event's
    /// (`/life-events/:id`) page: breadcrumbs, heading, description, the
    /// count and the first page of its services.
    Topic { event: bool },
    /// Every agency (`/agencies`): heading, lead, the filter box, and every
    /// agency's card.
    Agencies,
    /// The dashboard's heading, lead, and the headline section's heading
    /// and rule: what it shows before its figures have loaded.
    Dashboard,
    /// Search (`/search?q=…`): the heading, the search box holding the
    /// query, and the first page of results (or what to do when there are
    /// none). The box is a plain form (`GET /search`) until the app has it.
    Search,
    /// Using a service (`/services/:id/use`): its heading, and its summary
    /// where the window holds its form, else the note that it is used
    /// elsewhere (as the app shows either, from [`crate::Service::used_here`]).
    UseService,
    /// The citizen's payments (`/payments`): the heading, the way to pay a
    /// bill, and every payment's card from [`crate::markup`] (or the note
    /// that there is none).
    Payments,
    /// The citizen's inbox (`/inbox`): the heading and every notification
    /// from [`crate::markup::inbox_list`].
    Inbox,
    /// One of the citizen's requests (`/requests/:id`): its receipt, from
    /// [`crate::markup::receipt`] (what the citizen acts on, the app's).
    Request,
    /// One of the citizen's payments (`/payments/:id`): its state and
    /// receipt, from [`crate::markup::receipt::payment_receipt`].
    Payment,
    /// The citizen's profile (`/me`): the heading and the person as the
    /// registry has them, from [`crate::markup::profile::profile`].
    Profile,
    /// One of the citizen's offers (`/offers/:id`): what it is, why and
    /// where it stands, from [`crate::markup::offer::offer_top`] (its parts,
    /// which the citizen fills in, the app's).
    Offer,
    /// An application being filled in (`/drafts/:id`): its service and
    /// step, from [`crate::markup::draft::draft_head`] (the form, the app's).
    Draft,
    /// The sign-in form's first step, as the app first shows it (with the
    /// notice the address's `reason` or `next` asks for); its button is
    /// disabled until the app takes the form over, keeping what was typed.
    SignIn,
}

/// One client route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRoute {
    /// `:id` stands for one path segment.
    pub path: &'static str,
    /// The wasm module holding its code; `None`: the main module.
    pub module: Option<&'static str>,
    /// Only for a signed-in citizen.
    pub signed_in: bool,
    pub paint: Paint,
}

macro_rules! page_table {
    (
        public { $(($path:literal, $route:ident, $module:ident, $paint:tt, $view:tt)),* $(,)? }
        citizen { $(($cpath:literal, $croute:ident, $cmodule:ident, $cpaint:tt, $cview:tt)),* $(,)? }
    ) => {
        /// Every client route ([`with_pages!`]).
        pub const PAGES: &[PageRoute] = &[
            $(PageRoute { path: $path, module: module!($module), signed_in: false, paint: paint!($paint) },)*
            $(PageRoute { path: $cpath, module: module!($cmodule), signed_in: true, paint: paint!($cpaint) },)*
        ];
    };
}

macro_rules! module {
    (main) => {
        None
    };
    ($m:ident) => {
        Some(stringify!($m))
    };
}

macro_rules! paint {
    (none) => {
        Paint::None
    };
    (service) => {
        Paint::Service
    };
    (agency) => {
        Paint::Agency
    };
    (services) => {
        Paint::Services
    };
    (agencies) => {
        Paint::Agencies
    };
    (sign_in) => {
        Paint::SignIn
    };
    (use_service) => {
        Paint::UseService
    };
    (payments) => {
        Paint::Payments
    };
    (inbox) => {
        Paint::Inbox
    };
    (request) => {
        Paint::Request
    };
    (payment) => {
        Paint::Payment
    };
    (profile) => {
        Paint::Profile
    };
    (offer) => {
        Paint::Offer
    };
    (draft) => {
        Paint::Draft
    };
    (search) => {
        Paint::Search
    };
    (dashboard) => {
        Paint::Dashboard
    };
    (category) => {
        Paint::Topic { event: false }
    };
    (life_event) => {
        Paint::Topic { event: true }
    };
    ((heading $title:ident)) => {
        Paint::Heading { title: stringify!($title), lead: None, back: None }
    };
    ((heading $title:ident $lead:ident)) => {
        Paint::Heading { title: stringify!($title), lead: Some(stringify!($lead)), back: None }
    };
    ((heading $title:ident $lead:ident back $link:ident $href:literal)) => {
        Paint::Heading { title: stringify!($title), lead: Some(stringify!($lead)), back: Some((stringify!($link), $href)) }
    };
}

with_pages!(page_table);

/// The route a path is a page of (a trailing `/` is the same page); `None`:
/// no such page.
pub fn page(path: &str) -> Option<&'static PageRoute> {
    let trimmed = path.trim_end_matches('/');
    let segments: Vec<&str> = if trimmed.is_empty() { Vec::new() } else { trimmed.split('/').skip(1).collect() };
    PAGES.iter().find(|r| {
        let pattern: Vec<&str> = r.path.split('/').skip(1).filter(|s| !s.is_empty()).collect();
        pattern.len() == segments.len()
            && pattern.iter().zip(&segments).all(|(p, s)| if p.starts_with(':') { !s.is_empty() } else { p == s })
    })
}

/// The module holding the code of the page at `path`, if not the main one
/// (an unknown path too: its 404 page is not worth fetching ahead).
pub fn page_module(path: &str) -> Option<&'static str> {
    page(path).and_then(|r| r.module)
}

#[cfg(test)]
mod tests {
    use super::{page, page_module, Paint, PAGES};

    #[test]
    fn pages_are_found_by_their_route() {
        assert_eq!(page_module("/services"), Some("catalog"));
        assert_eq!(page_module("/services/"), Some("catalog"));
        assert_eq!(page_module("/agencies/post"), Some("catalog"));
        assert_eq!(page_module("/services/passport-issuance/use"), Some("apply"));
        assert_eq!(page_module("/me/sessions"), Some("account"));
        assert_eq!(page_module("/"), None, "home is in the main module");
        assert_eq!(page_module("/services/passport-issuance"), None, "so is a service page");
        assert_eq!(page_module("/no/such/page"), None);
        assert_eq!(page_module("/agencies//"), Some("catalog"), "trailing slashes are the list's");
    }

    #[test]
    fn known_and_unknown_pages() {
        assert_eq!(page("/").map(|p| p.path), Some("/"));
        assert_eq!(page("/services/passport-issuance").map(|p| p.paint), Some(Paint::Service));
        assert_eq!(page("/agencies/post").map(|p| p.paint), Some(Paint::Agency));
        assert_eq!(page("/sign-in").map(|p| p.paint), Some(Paint::SignIn));
        assert_eq!(page("/track").map(|p| p.paint), Some(Paint::Heading { title: "track_title", lead: Some("track_lead"), back: None }));
        assert_eq!(
            page("/me/sessions").map(|p| p.paint),
            Some(Paint::Heading { title: "sessions_title", lead: Some("sessions_lead"), back: Some(("profile_title", "/me")) })
        );
        assert_eq!(page("/agencies").map(|p| p.paint), Some(Paint::Agencies));
        assert_eq!(page("/services").map(|p| p.paint), Some(Paint::Services));
        assert_eq!(page("/life-events/birth").map(|p| p.paint), Some(Paint::Topic { event: true }));
        assert_eq!(page("/categories/tax").map(|p| p.paint), Some(Paint::Topic { event: false }));
        assert_eq!(page("/services/passport-issuance/use").map(|p| (p.paint, p.signed_in)), Some((Paint::UseService, true)));
        assert!(page("/me").is_some_and(|p| p.signed_in));
        assert!(page("/services").is_some_and(|p| !p.signed_in));
        for unknown in ["/no/such/page", "/servicez", "/services/a/b/c", "/me/x"] {
            assert_eq!(page(unknown), None, "{unknown}");
        }
        let mut paths: Vec<&str> = PAGES.iter().map(|p| p.path).collect();
        paths.sort_unstable();
        paths.dedup();
        assert_eq!(paths.len(), PAGES.len(), "every path once");
    }
}
