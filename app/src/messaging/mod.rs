//! Messages that reach the family's phone: SMS and WhatsApp (issue 17 §3).
//!
//! A domain event that concerns a family calls [`db::enqueue`] with its own
//! transaction: the message is written to the outbox (`message_outbox`) in the
//! same commit as the event, or not at all. A worker ([`worker`], started by
//! the server) drains the outbox: it claims one message at a time with a
//! conditional UPDATE (PostgreSQL: `FOR UPDATE SKIP LOCKED`), so two instances
//! on one database never send a message twice; a failed provider call is
//! retried with exponential backoff ([`retry_delay`]) up to
//! [`MessagingSettings::max_attempts`], then marked failed. Nothing is sent in
//! quiet hours ([`QuietHours`], Saudi time) unless the message is urgent: it
//! waits for the morning. Every send is recorded (status, provider message id,
//! attempts, times); bodies are blanked after [`BODY_RETENTION_SECS`]
//! ([`db::forget_bodies`], for the retention job).
//!
//! This module is on the core floor: every sibling domain may use it. It holds
//! the pure rules (templates in Arabic and English, quiet hours, backoff,
//! phone numbers), shared by client and server.

use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod db;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod providers;
#[cfg(feature = "ssr")]
pub mod simulator;
#[cfg(feature = "ssr")]
pub mod worker;

#[cfg(feature = "ssr")]
pub use crate::state::{MessagingMode, MessagingSettings, SmsConfig, WhatsAppConfig};
pub use crate::time::QuietHours;

/// How long a sent message keeps its body, parameters and phone (30 days).
pub const BODY_RETENTION_SECS: i64 = 30 * 86_400;

/// A family's channel choice. `None` stops every message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Channel {
    Sms,
    WhatsApp,
    None,
}

impl Channel {
    pub const ALL: [Channel; 3] = [Channel::Sms, Channel::WhatsApp, Channel::None];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Sms => "sms",
            Channel::WhatsApp => "whatsapp",
            Channel::None => "none",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == value)
    }
}

/// The language a family reads its messages in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Language {
    Ar,
    En,
}

impl Language {
    pub fn as_str(self) -> &'static str {
        match self {
            Language::Ar => "ar",
            Language::En => "en",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "ar" => Some(Language::Ar),
            "en" => Some(Language::En),
            _ => None,
        }
    }
}

/// A family's message settings as the account page shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preferences {
    pub channel: Channel,
    pub language: Language,
    /// The family's own number for messages (`9665XXXXXXXX`), if given.
    pub phone: Option<String>,
}

impl Default for Preferences {
    /// Before a family chooses: SMS in Arabic to the household's phone.
    fn default() -> Self {
        Self {
            channel: Channel::Sms,
            language: Language::Ar,
            phone: None,
        }
    }
}

/// A name in both languages (an assistance type, a course, a product).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Named {
    pub ar: String,
    pub en: String,
}

impl Named {
    pub fn new(ar: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            ar: ar.into(),
            en: en.into(),
        }
    }

    fn of(&self, language: Language) -> &str {
        match language {
            Language::Ar => &self.ar,
            Language::En if self.en.trim().is_empty() => &self.ar,
            Language::En => &self.en,
        }
    }
}

/// The messages Takamul sends a family, with what each needs to say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    /// An application line was approved or rejected.
    ApplicationDecision { assistance: Named, approved: bool },
    /// An application line was referred to another association.
    Referral {
        assistance: Named,
        association: Named,
    },
    /// A seat in a course was taken.
    CourseEnrolled { course: Named },
    /// A seat freed up and the waiting family got it.
    WaitlistPromoted { course: Named },
    /// A course session is tomorrow (`starts_at`: Unix seconds).
    SessionReminder { course: Named, starts_at: i64 },
    /// A caseworker booked a follow-up (`at`: Unix seconds).
    FollowUpAppointment { association: Named, at: i64 },
    /// A product was approved (published) or rejected.
    ProductDecision { product: Named, approved: bool },
    /// A loan instalment falls due soon (`due_on`: `YYYY-MM-DD`; `amount`:
    /// what is still owed on it, in halalas).
    InstalmentReminder { due_on: String, amount: i64 },
}

impl Message {
    /// The stored kind (also the WhatsApp template's name, prefixed).
    pub fn kind(&self) -> &'static str {
        match self {
            Message::ApplicationDecision { approved: true, .. } => "application_approved",
            Message::ApplicationDecision {
                approved: false, ..
            } => "application_rejected",
            Message::Referral { .. } => "referral",
            Message::CourseEnrolled { .. } => "course_enrolled",
            Message::WaitlistPromoted { .. } => "waitlist_promoted",
            Message::SessionReminder { .. } => "session_reminder",
            Message::InstalmentReminder { .. } => "instalment_reminder",
            Message::FollowUpAppointment { .. } => "follow_up_appointment",
            Message::ProductDecision { approved: true, .. } => "product_approved",
            Message::ProductDecision {
                approved: false, ..
            } => "product_rejected",
        }
    }

    /// The WhatsApp template registered for this message in the business
    /// account (one per kind, in `ar` and `en`): `takamul_<kind>`.
    pub fn template(&self) -> String {
        format!("takamul_{}", self.kind())
    }

    /// The values of the template's body `{{1}}`, `{{2}}`… in order.
    pub fn params(&self, language: Language) -> Vec<String> {
        match self {
            Message::ApplicationDecision { assistance, .. } => {
                vec![assistance.of(language).to_string()]
            }
            Message::Referral {
                assistance,
                association,
            } => vec![
                assistance.of(language).to_string(),
                association.of(language).to_string(),
            ],
            Message::CourseEnrolled { course } | Message::WaitlistPromoted { course } => {
                vec![course.of(language).to_string()]
            }
            Message::SessionReminder { course, starts_at } => vec![
                course.of(language).to_string(),
                crate::time::format_time_of_day(*starts_at),
            ],
            Message::FollowUpAppointment { association, at } => vec![
                association.of(language).to_string(),
                crate::time::format_date(*at),
                crate::time::format_time_of_day(*at),
            ],
            Message::ProductDecision { product, .. } => vec![product.of(language).to_string()],
            Message::InstalmentReminder { due_on, amount } => {
                vec![crate::text::format_riyals(*amount), due_on.clone()]
            }
        }
    }

    /// The SMS text in the family's language (the same words as the
    /// registered WhatsApp template, with the values in place).
    pub fn body(&self, language: Language) -> String {
        let p = self.params(language);
        let ar = language == Language::Ar;
        match self {
            Message::ApplicationDecision { approved: true, .. } if ar => {
                format!(
                    "تكامل: تمت الموافقة على طلبك ({}). ستتواصل معك الجمعية.",
                    p[0]
                )
            }
            Message::ApplicationDecision { approved: true, .. } => format!(
                "Takamul: your request ({}) was approved. The association will contact you.",
                p[0]
            ),
            Message::ApplicationDecision {
                approved: false, ..
            } if ar => format!(
                "تكامل: لم تتم الموافقة على طلبك ({}). السبب في صفحة طلباتك.",
                p[0]
            ),
            Message::ApplicationDecision {
                approved: false, ..
            } => format!(
                "Takamul: your request ({}) was not approved. The reason is on your applications page.",
                p[0]
            ),
            Message::Referral { .. } if ar => {
                format!("تكامل: أُحيل طلبك ({}) إلى {}.", p[0], p[1])
            }
            Message::Referral { .. } => {
                format!("Takamul: your request ({}) was referred to {}.", p[0], p[1])
            }
            Message::CourseEnrolled { .. } if ar => {
                format!("تكامل: تم تسجيلك في دورة {}.", p[0])
            }
            Message::CourseEnrolled { .. } => {
                format!("Takamul: you are enrolled in the course {}.", p[0])
            }
            Message::WaitlistPromoted { .. } if ar => {
                format!("تكامل: توفر لك مقعد في دورة {}.", p[0])
            }
            Message::WaitlistPromoted { .. } => {
                format!("Takamul: a seat in the course {} is now yours.", p[0])
            }
            Message::SessionReminder { .. } if ar => {
                format!("تكامل: تذكير: جلسة دورة {} غدًا الساعة {}.", p[0], p[1])
            }
            Message::SessionReminder { .. } => format!(
                "Takamul: reminder: the {} session is tomorrow at {}.",
                p[0], p[1]
            ),
            Message::InstalmentReminder { .. } if ar => {
                format!("تكامل: تذكير: قسط قرضك ({} ريال) يستحق يوم {}.", p[0], p[1])
            }
            Message::InstalmentReminder { .. } => format!(
                "Takamul: reminder: your loan instalment (SAR {}) is due on {}.",
                p[0], p[1]
            ),
            Message::FollowUpAppointment { .. } if ar => format!(
                "تكامل: موعد متابعة مع {} يوم {} الساعة {}.",
                p[0], p[1], p[2]
            ),
            Message::FollowUpAppointment { .. } => format!(
                "Takamul: a follow-up with {} on {} at {}.",
                p[0], p[1], p[2]
            ),
            Message::ProductDecision { approved: true, .. } if ar => {
                format!("تكامل: نُشر منتجك «{}» في السوق.", p[0])
            }
            Message::ProductDecision { approved: true, .. } => {
                format!("Takamul: your product \"{}\" is published.", p[0])
            }
            Message::ProductDecision {
                approved: false, ..
            } if ar => format!("تكامل: لم يُقبل منتجك «{}». السبب في صفحة متجرك.", p[0]),
            Message::ProductDecision {
                approved: false, ..
            } => format!(
                "Takamul: your product \"{}\" was not accepted. The reason is on your shop page.",
                p[0]
            ),
        }
    }
}

/// The wait before attempt `attempts + 1`, after `attempts` failures:
/// `base`, `2·base`, `4·base`…, at most a day.
pub fn retry_delay(base_secs: i64, attempts: i64) -> i64 {
    let exponent = (attempts.max(1) - 1).min(20) as u32;
    base_secs
        .max(0)
        .saturating_mul(1_i64 << exponent)
        .min(86_400)
}

/// A Saudi mobile number in the form the gateways take, `9665XXXXXXXX`,
/// from what a person types (`05…`, `5…`, `+9665…`, `009665…`, spaces,
/// dashes, Eastern digits).
pub fn international_phone(input: &str) -> Option<String> {
    crate::phone::SaudiPhone::parse(input)
        .ok()
        .map(|phone| phone.international().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sewing() -> Named {
        Named::new("ماكينة خياطة", "Sewing machine")
    }

    #[test]
    fn templates_in_both_languages() {
        let approved = Message::ApplicationDecision {
            assistance: sewing(),
            approved: true,
        };
        assert_eq!(
            approved.body(Language::Ar),
            "تكامل: تمت الموافقة على طلبك (ماكينة خياطة). ستتواصل معك الجمعية."
        );
        assert!(
            approved
                .body(Language::En)
                .contains("(Sewing machine) was approved")
        );
        assert_eq!(approved.template(), "takamul_application_approved");
        let rejected = Message::ApplicationDecision {
            assistance: sewing(),
            approved: false,
        };
        assert!(rejected.body(Language::Ar).contains("لم تتم الموافقة"));
        let referral = Message::Referral {
            assistance: sewing(),
            association: Named::new("جمعية البر", "Al-Birr"),
        };
        assert_eq!(referral.params(Language::En), ["Sewing machine", "Al-Birr"]);
        assert!(referral.body(Language::Ar).contains("جمعية البر"));
        let product = Message::ProductDecision {
            product: Named::new("سدو", ""),
            approved: false,
        };
        assert_eq!(product.kind(), "product_rejected");
        assert!(
            product
                .body(Language::En)
                .contains("\"سدو\" was not accepted")
        );
        // 2026-12-05 07:30 UTC = 10:30 in Riyadh.
        let at = 1_796_455_800;
        let follow_up = Message::FollowUpAppointment {
            association: Named::new("جمعية", ""),
            at,
        };
        // An English name missing: the Arabic one is used.
        assert_eq!(follow_up.params(Language::En)[0], "جمعية");
        assert!(follow_up.body(Language::En).ends_with("at 10:30."));
        for message in [
            Message::CourseEnrolled { course: sewing() },
            Message::WaitlistPromoted { course: sewing() },
            Message::SessionReminder {
                course: sewing(),
                starts_at: at,
            },
        ] {
            assert!(message.body(Language::Ar).starts_with("تكامل: "));
            assert!(message.body(Language::En).starts_with("Takamul: "));
        }
    }

    #[test]
    fn quiet_hours_cross_midnight_in_saudi_time() {
        let quiet = QuietHours::default();
        let day = 1_796_428_800 - crate::time::SAUDI_OFFSET_SECONDS; // a Riyadh midnight
        let at = |h: i64, m: i64| day + h * 3600 + m * 60;
        assert!(quiet.contains(at(22, 0)));
        assert!(quiet.contains(at(23, 59)));
        assert!(quiet.contains(at(0, 30)));
        assert!(quiet.contains(at(7, 59)));
        assert!(!quiet.contains(at(8, 0)));
        assert!(!quiet.contains(at(21, 59)));
        let afternoon = QuietHours::parse("13:00-15:00").unwrap();
        assert!(afternoon.contains(at(14, 0)));
        assert!(!afternoon.contains(at(15, 0)));
        assert!(!QuietHours::parse("00:00-00:00").unwrap().contains(at(3, 0)));
        assert_eq!(QuietHours::parse("late"), None);
    }

    #[test]
    fn backoff_doubles_up_to_a_day() {
        assert_eq!(retry_delay(60, 1), 60);
        assert_eq!(retry_delay(60, 2), 120);
        assert_eq!(retry_delay(60, 3), 240);
        assert_eq!(retry_delay(60, 40), 86_400);
        assert_eq!(retry_delay(0, 3), 0);
    }

    #[test]
    fn phones_become_international() {
        for typed in [
            "0501234567",
            "501234567",
            "+966 50 123 4567",
            "00966501234567",
            "٠٥٠١٢٣٤٥٦٧",
        ] {
            assert_eq!(
                international_phone(typed).as_deref(),
                Some("966501234567"),
                "{typed}"
            );
        }
        for bad in ["", "0123456789", "05012345", "9665012345678", "05o1234567"] {
            assert_eq!(international_phone(bad), None, "{bad}");
        }
    }

    #[test]
    fn channels_and_languages_round_trip() {
        for c in Channel::ALL {
            assert_eq!(Channel::parse(c.as_str()), Some(c));
        }
        assert_eq!(Language::parse("en"), Some(Language::En));
        assert_eq!(Language::parse("fr"), None);
    }
}
