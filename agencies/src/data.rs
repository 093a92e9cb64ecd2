//! Deterministic people: any valid national code yields the same person on
//! every run (seeded by the code), and a documented set of personas covers
//! the interesting cases (see `PERSONAS`).

use serde::Serialize;

/// A small deterministic generator (SplitMix64) seeded from a string.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: &str) -> Self {
        // FNV-1a: stable across Rust versions, unlike std's hasher.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in seed.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x100_0000_01b3);
        }
        Rng(h)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// Today's date (UTC) as (year, month, day).
pub fn today() -> (i32, u32, u32) {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    civil_from_days((secs / 86_400) as i64)
}

pub use panjere_api::time::civil_from_days;

/// Whole years from `birth` (ISO) to `on` (0 for a malformed date, which
/// the generator never makes).
pub fn age(birth: &str, on: (i32, u32, u32)) -> i32 {
    panjere_api::time::age(birth, on).unwrap_or(0)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Gender {
    Male,
    Female,
}

/// What the civil registry holds about a person.
#[derive(Debug, Clone, Serialize)]
pub struct Person {
    pub national_code: String,
    pub first_name: String,
    pub last_name: String,
    pub father_name: String,
    pub first_name_en: String,
    pub last_name_en: String,
    pub gender: Gender,
    pub birth_date: String,
    pub alive: bool,
    pub death_date: Option<String>,
    pub birth_certificate: BirthCertificate,
    /// The mobile line registered to this person (the telecom regulator's
    /// record, not the registry's; kept here so both agree).
    #[serde(skip)]
    pub mobile: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct BirthCertificate {
    pub serial: String,
    pub issued_in: String,
}

/// A documented test person.
pub struct Persona {
    pub national_code: &'static str,
    pub case: &'static str,
    pub mobile: &'static str,
    pub gender: Gender,
    /// Age in years today (so a minor stays a minor).
    pub age: i32,
    pub deceased: bool,
}

/// The personas: national codes, their registered mobiles and what they
/// exercise. Any other valid national code is a generated adult.
pub const PERSONAS: &[Persona] = &[
    Persona {
        national_code: "0089123451",
        case: "adult, mobile matches (the accessibility browser tests)",
        mobile: "09121234567",
        gender: Gender::Male,
        age: 63,
        deceased: false,
    },
    Persona {
        national_code: "0078912342",
        case: "adult, mobile matches (the offline and install browser tests)",
        mobile: "09129999999",
        gender: Gender::Female,
        age: 44,
        deceased: false,
    },
    Persona {
        national_code: "0076229645",
        case: "adult, mobile matches, nothing pending",
        mobile: "09121111111",
        gender: Gender::Male,
        age: 36,
        deceased: false,
    },
    Persona { national_code: "0499370899", case: "minor (16)", mobile: "09122222222", gender: Gender::Female, age: 16, deceased: false },
    Persona { national_code: "1583250689", case: "deceased", mobile: "09123333333", gender: Gender::Male, age: 76, deceased: true },
    Persona {
        national_code: "0023456787",
        case: "mobile not owned: 09125555555 belongs to 0034567811",
        mobile: "09124444444",
        gender: Gender::Female,
        age: 41,
        deceased: false,
    },
    Persona {
        national_code: "0034567811",
        case: "traffic fines (3 unpaid)",
        mobile: "09125555555",
        gender: Gender::Male,
        age: 29,
        deceased: false,
    },
    Persona {
        national_code: "0045678121",
        case: "military service not done (absent)",
        mobile: "09126666666",
        gender: Gender::Male,
        age: 21,
        deceased: false,
    },
    Persona {
        national_code: "0056781237",
        case: "tax debt (no clearance)",
        mobile: "09127777777",
        gender: Gender::Female,
        age: 52,
        deceased: false,
    },
    Persona {
        national_code: NOTHING_ON_RECORD,
        case: "nothing on record: every data-driven inquiry about this person answers 404",
        mobile: "09120000001",
        gender: Gender::Male,
        age: 38,
        deceased: false,
    },
    Persona {
        national_code: REFUSED,
        case: "every application is rejected, with a reason",
        mobile: "09120000002",
        gender: Gender::Female,
        age: 47,
        deceased: false,
    },
    Persona {
        national_code: MORE_INFO,
        case: "every application asks for more information once, then is approved",
        mobile: "09120000003",
        gender: Gender::Male,
        age: 33,
        deceased: false,
    },
    Persona {
        national_code: UNREGISTERED,
        case: "unknown to the civil registry (the telecom regulator has a line for it)",
        mobile: "09128888888",
        gender: Gender::Male,
        age: 40,
        deceased: false,
    },
];

/// Agencies have nothing on record about this person (their data-driven
/// inquiries answer 404).
pub const NOTHING_ON_RECORD: &str = "0091234565";
/// Every application of this person is rejected with a reason.
pub const REFUSED: &str = "0092345670";
/// Every application of this person needs more information once.
pub const MORE_INFO: &str = "0093456786";

/// A valid national code the civil registry has no record of (404).
pub const UNREGISTERED: &str = "0067812341";

pub fn persona(code: &str) -> Option<&'static Persona> {
    PERSONAS.iter().find(|p| p.national_code == code)
}

const MALE: &[(&str, &str)] = &[
    ("علی", "Ali"),
    ("محمد", "Mohammad"),
    ("حسین", "Hossein"),
    ("رضا", "Reza"),
    ("مهدی", "Mahdi"),
    ("امیر", "Amir"),
    ("سعید", "Saeed"),
    ("مجید", "Majid"),
    ("کاوه", "Kaveh"),
    ("بهروز", "Behrouz"),
    ("پویا", "Pouya"),
    ("آرش", "Arash"),
];
const FEMALE: &[(&str, &str)] = &[
    ("زهرا", "Zahra"),
    ("فاطمه", "Fatemeh"),
    ("مریم", "Maryam"),
    ("سارا", "Sara"),
    ("نرگس", "Narges"),
    ("لیلا", "Leila"),
    ("مینا", "Mina"),
    ("پریسا", "Parisa"),
    ("شیرین", "Shirin"),
    ("نازنین", "Nazanin"),
    ("الهام", "Elham"),
    ("یاسمن", "Yasaman"),
];
const LAST: &[(&str, &str)] = &[
    ("محمدی", "Mohammadi"),
    ("حسینی", "Hosseini"),
    ("احمدی", "Ahmadi"),
    ("کریمی", "Karimi"),
    ("رضایی", "Rezaei"),
    ("موسوی", "Mousavi"),
    ("جعفری", "Jafari"),
    ("صادقی", "Sadeghi"),
    ("رحیمی", "Rahimi"),
    ("نوری", "Nouri"),
    ("تهرانی", "Tehrani"),
    ("شیرازی", "Shirazi"),
];
pub const CITIES: &[&str] = &["تهران", "مشهد", "اصفهان", "شیراز", "تبریز", "کرج", "اهواز", "قم", "کرمانشاه", "رشت", "یزد", "کرمان"];

/// The person with this (valid, normalised) national code.
/// A valid national code made of `nine` (zero-padded) and its check digit:
/// how tests and the soak make as many citizens as they need.
pub fn national_code_from(nine: u64) -> String {
    let d = format!("{nine:09}");
    let sum: u32 = d.bytes().zip((2..=10).rev()).map(|(b, w)| u32::from(b - b'0') * w).sum();
    let r = sum % 11;
    format!("{d}{}", if r < 2 { r } else { 11 - r })
}

pub fn person(code: &str) -> Person {
    let mut r = Rng::new(code);
    let now = today();
    let p = persona(code);
    let gender = p.map(|p| p.gender).unwrap_or(if r.below(2) == 0 { Gender::Male } else { Gender::Female });
    let age = p.map(|p| p.age).unwrap_or(19 + r.below(62) as i32);
    let (month, day) = (1 + r.below(12) as u32, 1 + r.below(28) as u32);
    // Born `age` years ago, on a day already past this year.
    let birth_year = if (month, day) <= (now.1, now.2) { now.0 - age } else { now.0 - age - 1 };
    let deceased = p.map(|p| p.deceased).unwrap_or(false);
    let (first, first_en) = *r.pick(if gender == Gender::Male { MALE } else { FEMALE });
    let (last, last_en) = *r.pick(LAST);
    let (father, _) = *r.pick(MALE);
    let mobile = p.map(|p| p.mobile.to_owned()).unwrap_or_else(|| format!("091{:08}", r.below(100_000_000)));
    Person {
        national_code: code.to_owned(),
        first_name: first.to_owned(),
        last_name: last.to_owned(),
        father_name: father.to_owned(),
        first_name_en: first_en.to_owned(),
        last_name_en: last_en.to_owned(),
        gender,
        birth_date: format!("{birth_year:04}-{month:02}-{day:02}"),
        alive: !deceased,
        death_date: deceased.then(|| format!("{:04}-01-10", now.0 - 4)),
        birth_certificate: BirthCertificate {
            serial: format!("{}/{:06}", 10 + r.below(90), r.below(1_000_000)),
            issued_in: r.pick(CITIES).to_string(),
        },
        mobile,
    }
}

/// The national code a mobile line is registered to, if it is a persona's.
pub fn persona_owning(mobile: &str) -> Option<&'static Persona> {
    PERSONAS.iter().find(|p| p.mobile == mobile)
}

#[cfg(test)]
mod tests {
    use super::*;
    use panjere_api::ids::national_code;

    #[test]
    fn people_are_deterministic() {
        let a = person("0067812341");
        let b = person("0067812341");
        assert_eq!((a.first_name, a.birth_date, a.mobile), (b.first_name, b.birth_date, b.mobile));
        assert_ne!(person("0067812341").mobile, person("0078123453").mobile);
    }

    #[test]
    fn personas_are_valid_and_do_what_they_say() {
        for p in PERSONAS {
            assert_eq!(national_code(p.national_code).as_deref(), Ok(p.national_code), "{}", p.case);
            assert_eq!(panjere_api::ids::mobile(p.mobile).as_deref(), Ok(p.mobile));
            let person = person(p.national_code);
            assert_eq!(age(&person.birth_date, today()), p.age, "{}", p.case);
            assert_eq!(person.alive, !p.deceased);
            assert_eq!(person.mobile, p.mobile);
        }
        assert!(person("0499370899").birth_date > person("0076229645").birth_date);
    }

    #[test]
    fn generated_people_are_adults() {
        for code in ["0067812341", "0078123453", "1234567891"] {
            if national_code(code).is_ok() {
                assert!(age(&person(code).birth_date, today()) >= 18);
            }
        }
    }

    #[test]
    fn ages() {
        assert_eq!(age("2000-06-15", (2026, 6, 14)), 25);
    }
}
