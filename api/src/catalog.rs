//! Catalog wire types: agencies, categories, life events and services.

use serde::{Deserialize, Serialize};

/// A text in both portal languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Text {
    pub fa: String,
    pub en: String,
}

impl Text {
    /// The text in the given language.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Fa => &self.fa,
            Lang::En => &self.en,
        }
    }
}

/// The portal's two languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Fa,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Fa => "fa",
            Lang::En => "en",
        }
    }
    pub fn dir(self) -> &'static str {
        match self {
            Lang::Fa => "rtl",
            Lang::En => "ltr",
        }
    }
    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "fa" => Some(Lang::Fa),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
}

macro_rules! wire_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $s:tt),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        pub enum $name {
            $(#[serde(rename = $s)] $variant),+
        }
        // Read as a string then parsed: the same answers and errors as
        // serde's derive, with much less code in the browser's wasm than
        // its enum visitor.
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                $name::parse(&s).ok_or_else(|| serde::de::Error::unknown_variant(&s, &[$($s),+]))
            }
        }
        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The wire spelling (also used in query parameters).
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $s),+ }
            }
            /// Parses the wire spelling.
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($s => Some($name::$variant),)+ _ => None }
            }
            /// The wire spellings joined by `, ` (for error messages).
            pub fn expected() -> String {
                [$($s),+].join(", ")
            }
        }
    };
}

wire_enum!(
    /// What a service is, from the citizen's side.
    ServiceKind {
        Information = "information",
        Inquiry = "inquiry",
        Application = "application",
    }
);

wire_enum!(
    /// How electronic a service is (the law's measure).
    ElectronicLevel {
        InPerson = "in_person",
        Partly = "partly_electronic",
        Fully = "fully_electronic",
        Smart = "smart",
    }
);

wire_enum!(
    /// Who may use a service.
    Audience {
        Anyone = "anyone",
        Citizen = "signed_in_citizen",
    }
);

wire_enum!(
    /// The legal form of an executive agency.
    AgencyKind {
        Ministry = "ministry",
        Organisation = "organisation",
        Police = "police",
        Company = "company",
        Bank = "bank",
        Judiciary = "judiciary",
        Foundation = "foundation",
    }
);

/// An executive agency (دستگاه اجرایی).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Agency {
    pub id: String,
    pub name: Text,
    /// A short name where the agency is commonly known by one.
    pub short_name: Option<Text>,
    pub kind: AgencyKind,
    /// One sentence on what the agency does.
    pub description: Text,
    /// Whether the agency is connected to the national window.
    pub connected: bool,
    /// Connection date, ISO 8601 (Gregorian) — shown in Jalali in Persian.
    pub connected_on: Option<String>,
    /// The same date in the Jalali calendar, `YYYY-MM-DD`.
    pub connected_on_jalali: Option<String>,
    /// Maturity stage, computed from the catalog by
    /// [`crate::stats::stage`]: 0 not connected, 1 connected, 2 services
    /// offered online, 3 fully electronic including its inquiries, 4 smart.
    pub stage: u8,
    /// The agency's own website (informative only).
    pub website: Option<String>,
    /// Number of services the agency offers in the catalog.
    pub service_count: usize,
}

/// A topic grouping services (e.g. tax, vehicles, health).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Category {
    pub id: String,
    pub name: Text,
    pub description: Text,
    /// Number of services in the category.
    pub service_count: usize,
}

/// A life event (birth, marriage, starting a business…) grouping services.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LifeEvent {
    pub id: String,
    pub name: Text,
    pub description: Text,
    pub service_count: usize,
}

/// `GET /api/catalog/categories`: categories and life events together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Categories {
    pub items: Vec<Category>,
    pub total: usize,
    pub life_events: Vec<LifeEvent>,
}

/// A document a service needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Document {
    pub name: Text,
    /// When set, the window fetches this document itself from that agency
    /// (an electronic inquiry): the citizen does not bring it.
    pub fetched_from: Option<String>,
    /// The name of that agency.
    pub fetched_from_name: Option<Text>,
    /// When set, the citizen still has to bring this document from that
    /// agency: an inquiry the window does not yet make electronically.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carried_from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carried_from_name: Option<Text>,
}

/// The fee of a service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case", try_from = "RawFee")]
pub enum Fee {
    Free,
    /// A fixed amount in rials.
    Fixed {
        rials: u64,
    },
    /// Depends on the case (e.g. a share of a value).
    Varies,
}

/// A fee as written and sent, read flat: serde's internally tagged enums
/// buffer the whole value first, which costs the browser's wasm far more
/// code than these few keys (see `forms::RawField`).
#[derive(Deserialize)]
struct RawFee {
    #[serde(rename = "type")]
    kind: String,
    rials: Option<u64>,
}

impl TryFrom<RawFee> for Fee {
    type Error = String;

    fn try_from(raw: RawFee) -> Result<Self, Self::Error> {
        Ok(match raw.kind.as_str() {
            "free" => Fee::Free,
            "fixed" => Fee::Fixed { rials: raw.rials.ok_or("a fixed fee needs `rials`")? },
            "varies" => Fee::Varies,
            other => return Err(format!("unknown variant `{other}`, expected one of `free`, `fixed`, `varies`")),
        })
    }
}

/// A service another one leads to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RelatedService {
    pub id: String,
    pub name: Text,
}

/// A service in list form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServiceSummary {
    pub id: String,
    pub agency: String,
    pub agency_name: Text,
    pub category: String,
    pub kind: ServiceKind,
    pub level: ElectronicLevel,
    pub audience: Audience,
    pub name: Text,
    pub summary: Text,
    /// 1 is the most used service.
    pub popularity: u32,
}

/// A service with everything its page shows. `F` is what its form is read
/// as: the form itself, or `serde::de::IgnoredAny`, which skips it unread
/// (the service page in the browser shows only whether there is one, and so
/// its code need not hold the form's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(bound(deserialize = "F: Deserialize<'de>"))]
pub struct Service<F = crate::forms::Form> {
    pub id: String,
    pub agency: String,
    pub agency_name: Text,
    pub category: String,
    pub category_name: Text,
    pub life_events: Vec<String>,
    pub kind: ServiceKind,
    pub level: ElectronicLevel,
    pub audience: Audience,
    pub name: Text,
    pub summary: Text,
    /// How to use the service today, step by step.
    pub how_to: Vec<Text>,
    pub fee: Fee,
    /// Typical processing time in working days; 0 means answered at once.
    pub processing_days: u32,
    pub documents: Vec<Document>,
    pub popularity: u32,
    /// Other names citizens use for this service (searchable).
    pub keywords: Vec<String>,
    /// Information services: what the page says, paragraph by paragraph.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub content: Vec<Text>,
    /// Information services: the services it leads to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<RelatedService>,
    /// How to use it through the window, when it can be.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form: Option<F>,
}

impl<F> Service<F> {
    /// Whether it is used through the window itself: an inquiry or an
    /// application with its form (its `/services/{id}/use` page then holds
    /// the form; otherwise that page says where to use it).
    pub fn used_here(&self) -> bool {
        matches!(self.kind, ServiceKind::Inquiry | ServiceKind::Application) && self.form.is_some()
    }

    pub fn summary(&self) -> ServiceSummary {
        ServiceSummary {
            id: self.id.clone(),
            agency: self.agency.clone(),
            agency_name: self.agency_name.clone(),
            category: self.category.clone(),
            kind: self.kind,
            level: self.level,
            audience: self.audience,
            name: self.name.clone(),
            summary: self.summary.clone(),
            popularity: self.popularity,
        }
    }
}

/// `GET /api/catalog/agencies/{id}`: an agency with its services.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgencyDetail {
    pub agency: Agency,
    pub services: Vec<ServiceSummary>,
}

/// `GET /api/catalog/search-index`: what the browser needs to search the
/// whole catalog itself, with the same code as the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SearchIndexData {
    pub services: Vec<ServiceSummary>,
    /// Extra searchable words per service id (keywords, synonyms, agency and
    /// category names), in the same order as `services`.
    pub extra_terms: Vec<Vec<String>>,
    /// The life events (ids) each service belongs to, in the same order as
    /// `services`: the life-event pages' lists, computed offline. Empty in
    /// an index cached before it was added.
    #[serde(default)]
    pub life_events: Vec<Vec<String>>,
}

/// `GET /api/catalog/offline`: every service as `GET
/// /api/catalog/services/{id}` answers it, in catalog order, for the
/// service worker to keep the whole catalog offline. Sent with an `ETag`;
/// `If-None-Match` with it answers `304 Not Modified`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfflineCatalog {
    pub services: Vec<Service>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_enums_read_their_spellings_and_refuse_others() {
        for level in ElectronicLevel::ALL {
            assert_eq!(serde_json::from_value::<ElectronicLevel>(serde_json::to_value(level).unwrap()).unwrap(), *level);
        }
        assert_eq!(serde_json::from_str::<ServiceKind>(r#""inquiry""#).unwrap(), ServiceKind::Inquiry);
        let err = serde_json::from_str::<Audience>(r#""everyone""#).unwrap_err().to_string();
        assert!(err.contains("unknown variant `everyone`, expected `anyone` or `signed_in_citizen`"), "{err}");
        assert!(serde_json::from_str::<ServiceKind>("3").is_err());
    }

    #[test]
    fn fees_read_as_written_and_round_trip() {
        for fee in [Fee::Free, Fee::Fixed { rials: 250_000 }, Fee::Varies] {
            assert_eq!(serde_json::from_value::<Fee>(serde_json::to_value(fee).unwrap()).unwrap(), fee);
        }
        assert_eq!(serde_json::to_value(Fee::Fixed { rials: 5 }).unwrap(), serde_json::json!({"type": "fixed", "rials": 5}));
        let err = |json: &str| serde_json::from_str::<Fee>(json).unwrap_err().to_string();
        assert!(err(r#"{"type":"fixed"}"#).contains("a fixed fee needs `rials`"));
        assert!(err(r#"{"type":"bribe"}"#).contains("unknown variant `bribe`"));
        assert!(err(r#"{"rials":5}"#).contains("missing field `type`"));
    }
}
