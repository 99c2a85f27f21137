//! Shared components: the page layout, navigation, icons, language switch,
//! error messages and the not-found page.

/// The cookie leptos_i18n reads to choose the language (written by
/// `identity::language::set_language`).
pub const LANGUAGE_COOKIE: &str = "i18n_pref_locale";

/// An island's event handler: `$run(&event)` in the browser, nothing on the
/// server (where an island only renders; its `browser` module exists only in
/// the `hydrate` build).
macro_rules! in_browser {
    ($event:ty, $run:path) => {
        move |event: $event| {
            #[cfg(feature = "hydrate")]
            $run(&event);
            #[cfg(not(feature = "hydrate"))]
            let _ = event;
        }
    };
}
pub(crate) use in_browser;

mod checked_form;
#[cfg(feature = "hydrate")]
pub mod dom;
#[cfg(feature = "ssr")]
pub mod drafts;
#[cfg(feature = "hydrate")]
pub mod fetch;
mod page;

pub use checked_form::{CheckedForm, check_messages};
pub use page::{
    DataTable, EmptyState, ListPager, ListTotal, PageMeta, Pager, Price, id_param, page_href,
    page_window,
};

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::error::ErrorKey;
use crate::i18n::*;

/// The icon sprite, written into every page (hidden) rather than fetched: on
/// a phone's first visit every request before the first paint waits its turn
/// for a connection, and the sprite is small (≈1 KB brotli). Its ids start
/// with `icon-`: they share the page with the forms' ids (`phone`, `map`…),
/// and a label finds the first element of its id.
pub const ICON_SPRITE: &str = include_str!("icons.svg");

/// The icons of the sprite (`icons.svg`), one `<symbol>` each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IconName {
    Home,
    User,
    SignIn,
    SignOut,
    Globe,
    Shield,
    Phone,
    Check,
    Cross,
    Clock,
    Store,
    Book,
    Users,
    Map,
    Alert,
    Search,
}

impl IconName {
    fn id(self) -> &'static str {
        match self {
            IconName::Home => "home",
            IconName::User => "user",
            IconName::SignIn => "sign-in",
            IconName::SignOut => "sign-out",
            IconName::Globe => "globe",
            IconName::Shield => "shield",
            IconName::Phone => "phone",
            IconName::Check => "check",
            IconName::Cross => "cross",
            IconName::Clock => "clock",
            IconName::Store => "store",
            IconName::Book => "book",
            IconName::Users => "users",
            IconName::Map => "map",
            IconName::Alert => "alert",
            IconName::Search => "search",
        }
    }
}

/// An icon from the sprite; decorative, so hidden from screen readers.
#[component]
pub fn Icon(name: IconName) -> impl IntoView {
    let class = if matches!(name, IconName::SignIn | IconName::SignOut) {
        "icon directional"
    } else {
        "icon"
    };
    view! {
        <svg class=class aria-hidden="true" focusable="false">
            <use_ href=format!("#icon-{}", name.id()) />
        </svg>
    }
}

/// True when the page is being rendered in English.
pub fn is_english() -> bool {
    use_i18n().get_locale_untracked() == Locale::en
}

/// The translated message for an error.
#[component]
pub fn ErrorText(key: ErrorKey) -> impl IntoView {
    let i18n = use_i18n();
    match key {
        ErrorKey::NationalIdLength => t!(i18n, errors.national_id_length).into_any(),
        ErrorKey::NationalIdDigits => t!(i18n, errors.national_id_digits).into_any(),
        ErrorKey::NationalIdPrefix => t!(i18n, errors.national_id_prefix).into_any(),
        ErrorKey::NationalIdCheckDigit => t!(i18n, errors.national_id_check_digit).into_any(),
        ErrorKey::TooManyAttempts => t!(i18n, errors.too_many_attempts).into_any(),
        ErrorKey::SignInRejected => t!(i18n, errors.sign_in_rejected).into_any(),
        ErrorKey::SignInExpired => t!(i18n, errors.sign_in_expired).into_any(),
        ErrorKey::SignInTimedOut => t!(i18n, errors.sign_in_timed_out).into_any(),
        ErrorKey::SignInNotFound => t!(i18n, errors.sign_in_not_found).into_any(),
        ErrorKey::NafathUnavailable => t!(i18n, errors.nafath_unavailable).into_any(),
        ErrorKey::SignInRequired => t!(i18n, errors.sign_in_required).into_any(),
        ErrorKey::Forbidden => t!(i18n, errors.forbidden).into_any(),
        ErrorKey::NotFound => t!(i18n, errors.not_found).into_any(),
        ErrorKey::ForeignOrigin => t!(i18n, errors.foreign_origin).into_any(),
        ErrorKey::BadRequest => t!(i18n, errors.bad_request).into_any(),
        ErrorKey::Internal => t!(i18n, errors.internal).into_any(),
        ErrorKey::PhoneFormat => t!(i18n, errors.phone_format).into_any(),
        ErrorKey::DistrictUnknown => t!(i18n, errors.district_unknown).into_any(),
        ErrorKey::IncomeBracketInvalid => t!(i18n, errors.income_bracket_invalid).into_any(),
        ErrorKey::DependantsInvalid => t!(i18n, errors.dependants_invalid).into_any(),
        ErrorKey::MemberNameRequired => t!(i18n, errors.member_name_required).into_any(),
        ErrorKey::RelationInvalid => t!(i18n, errors.relation_invalid).into_any(),
        ErrorKey::BirthDateInvalid => t!(i18n, errors.birth_date_invalid).into_any(),
        ErrorKey::HijriDateInvalid => t!(i18n, errors.hijri_date_invalid).into_any(),
        ErrorKey::PersonInOtherHousehold => t!(i18n, errors.person_in_other_household).into_any(),
        ErrorKey::ConsentRequired => t!(i18n, errors.consent_required).into_any(),
        ErrorKey::HouseholdIncomplete => t!(i18n, errors.household_incomplete).into_any(),
        ErrorKey::AlreadyDecided => t!(i18n, errors.already_decided).into_any(),
        ErrorKey::DateInvalid => t!(i18n, errors.date_invalid).into_any(),
        ErrorKey::LineAlreadyActive => t!(i18n, errors.line_already_active).into_any(),
        ErrorKey::LineInCooldown => t!(i18n, errors.line_in_cooldown).into_any(),
        ErrorKey::AwaitingHeadConfirmation => {
            t!(i18n, errors.awaiting_head_confirmation).into_any()
        }
        ErrorKey::NothingChosen => t!(i18n, errors.nothing_chosen).into_any(),
        ErrorKey::DescriptionRequired => t!(i18n, errors.description_required).into_any(),
        ErrorKey::AmountInvalid => t!(i18n, errors.amount_invalid).into_any(),
        ErrorKey::ReasonRequired => t!(i18n, errors.reason_required).into_any(),
        ErrorKey::ReferralIncomplete => t!(i18n, errors.referral_incomplete).into_any(),
        ErrorKey::TransitionNotAllowed => t!(i18n, errors.transition_not_allowed).into_any(),
        ErrorKey::HouseholdNotRegistered => t!(i18n, errors.household_not_registered).into_any(),
        ErrorKey::NoteRequired => t!(i18n, errors.note_required).into_any(),
        ErrorKey::ValueInvalid => t!(i18n, errors.value_invalid).into_any(),
        ErrorKey::HouseholdExists => t!(i18n, errors.household_exists).into_any(),
        ErrorKey::ShopNameRequired => t!(i18n, errors.shop_name_required).into_any(),
        ErrorKey::PickupOrDelivery => t!(i18n, errors.pickup_or_delivery).into_any(),
        ErrorKey::TitleRequired => t!(i18n, errors.title_required).into_any(),
        ErrorKey::ProductDescriptionRequired => {
            t!(i18n, errors.product_description_required).into_any()
        }
        ErrorKey::PriceInvalid => t!(i18n, errors.price_invalid).into_any(),
        ErrorKey::LeadTimeInvalid => t!(i18n, errors.lead_time_invalid).into_any(),
        ErrorKey::PhotoTooLarge => t!(i18n, errors.photo_too_large).into_any(),
        ErrorKey::PhotoNotImage => t!(i18n, errors.photo_not_image).into_any(),
        ErrorKey::PhotoCorrupt => t!(i18n, errors.photo_corrupt).into_any(),
        ErrorKey::PhotoTooManyPixels => t!(i18n, errors.photo_too_many_pixels).into_any(),
        ErrorKey::TooManyPhotos => t!(i18n, errors.too_many_photos).into_any(),
        ErrorKey::MergeNeedsVerifiedHeads => t!(i18n, errors.merge_needs_verified_heads).into_any(),
        ErrorKey::DocumentRequired => t!(i18n, errors.document_required).into_any(),
        ErrorKey::ClaimAlreadyConfirmed => t!(i18n, errors.claim_already_confirmed).into_any(),
        ErrorKey::MemberIdNotVerified => t!(i18n, errors.member_id_not_verified).into_any(),
        ErrorKey::Busy => t!(i18n, errors.busy).into_any(),
        ErrorKey::PhotoRequired => t!(i18n, errors.photo_required).into_any(),
        ErrorKey::ProductStatusWrong => t!(i18n, errors.product_status_wrong).into_any(),
        ErrorKey::ShopRequired => t!(i18n, errors.shop_required).into_any(),
        ErrorKey::CourseNotOpen => t!(i18n, errors.course_not_open).into_any(),
        ErrorKey::CourseNotEligible => t!(i18n, errors.course_not_eligible).into_any(),
        ErrorKey::AlreadyEnrolled => t!(i18n, errors.already_enrolled).into_any(),
        ErrorKey::CourseOverlap => t!(i18n, errors.course_overlap).into_any(),
        ErrorKey::NotEnrolled => t!(i18n, errors.not_enrolled).into_any(),
        ErrorKey::CourseStatusWrong => t!(i18n, errors.course_status_wrong).into_any(),
        ErrorKey::SessionInvalid => t!(i18n, errors.session_invalid).into_any(),
        ErrorKey::SeatsInvalid => t!(i18n, errors.seats_invalid).into_any(),
        ErrorKey::SessionsRequired => t!(i18n, errors.sessions_required).into_any(),
        ErrorKey::TrainerNameRequired => t!(i18n, errors.trainer_name_required).into_any(),
        ErrorKey::OnlineLinkInvalid => t!(i18n, errors.online_link_invalid).into_any(),
        ErrorKey::TrainerLinkByCouncil => t!(i18n, errors.trainer_link_by_council).into_any(),
        ErrorKey::MemberAlreadyListed => t!(i18n, errors.member_already_listed).into_any(),
        ErrorKey::AccountNotFound => t!(i18n, errors.account_not_found).into_any(),
        ErrorKey::LicenceInvalid => t!(i18n, errors.licence_invalid).into_any(),
        ErrorKey::LicenceTaken => t!(i18n, errors.licence_taken).into_any(),
        ErrorKey::NameRequired => t!(i18n, errors.name_required).into_any(),
        ErrorKey::EmailInvalid => t!(i18n, errors.email_invalid).into_any(),
        ErrorKey::CodeInvalid => t!(i18n, errors.code_invalid).into_any(),
        ErrorKey::CodeTaken => t!(i18n, errors.code_taken).into_any(),
        ErrorKey::CooldownInvalid => t!(i18n, errors.cooldown_invalid).into_any(),
        ErrorKey::AssociationSuspended => t!(i18n, errors.association_suspended).into_any(),
        ErrorKey::ImportFileTooLarge => t!(i18n, errors.import_file_too_large).into_any(),
        ErrorKey::ImportFileUnreadable => t!(i18n, errors.import_file_unreadable).into_any(),
        ErrorKey::ImportColumnsMissing => t!(i18n, errors.import_columns_missing).into_any(),
        ErrorKey::ImportFileEmpty => t!(i18n, errors.import_file_empty).into_any(),
        ErrorKey::ImportAlreadyCommitted => t!(i18n, errors.import_already_committed).into_any(),
        ErrorKey::PrivacyAlreadyExtended => t!(i18n, errors.privacy_already_extended).into_any(),
        ErrorKey::PrivacyConfirmRequired => t!(i18n, errors.privacy_confirm_required).into_any(),
        ErrorKey::PrivacyRequestOpen => t!(i18n, errors.privacy_request_open).into_any(),
        ErrorKey::BreachTitleRequired => t!(i18n, errors.breach_title_required).into_any(),
        ErrorKey::BreachDiscoveredInvalid => t!(i18n, errors.breach_discovered_invalid).into_any(),
        ErrorKey::BreachHouseholdUnknown => t!(i18n, errors.breach_household_unknown).into_any(),
        ErrorKey::BreachHouseholdsRequired => {
            t!(i18n, errors.breach_households_required).into_any()
        }
        ErrorKey::NoticeVersionTaken => t!(i18n, errors.notice_version_taken).into_any(),
        ErrorKey::NoticeFieldsRequired => t!(i18n, errors.notice_fields_required).into_any(),
        ErrorKey::NoticeNotCurrent => t!(i18n, errors.notice_not_current).into_any(),
        ErrorKey::RetentionBusy => t!(i18n, errors.retention_busy).into_any(),
        ErrorKey::FollowUpKindInvalid => t!(i18n, errors.follow_up_kind_invalid).into_any(),
        ErrorKey::ExitReasonRequired => t!(i18n, errors.exit_reason_required).into_any(),
        ErrorKey::CaseworkerUnknown => t!(i18n, errors.caseworker_unknown).into_any(),
        ErrorKey::OutcomeInvalid => t!(i18n, errors.outcome_invalid).into_any(),
        ErrorKey::ContinuityRulesInvalid => t!(i18n, errors.continuity_rules_invalid).into_any(),
        ErrorKey::ContinuityThresholdsOrder => {
            t!(i18n, errors.continuity_thresholds_order).into_any()
        }
        ErrorKey::ContinuityBusy => t!(i18n, errors.continuity_busy).into_any(),
        ErrorKey::ReportPeriod => t!(i18n, errors.report_period).into_any(),
        ErrorKey::PartnerAssociationRequired => {
            t!(i18n, errors.partner_association_required).into_any()
        }
        ErrorKey::FinancingOverLimit => t!(i18n, errors.financing_over_limit).into_any(),
        ErrorKey::FinancingStep => t!(i18n, errors.financing_step).into_any(),
        ErrorKey::FinancingReasonRequired => t!(i18n, errors.financing_reason_required).into_any(),
        ErrorKey::FinancingDocumentRefused => {
            t!(i18n, errors.financing_document_refused).into_any()
        }
        ErrorKey::FinancingNotEligible => t!(i18n, errors.financing_not_eligible).into_any(),
        ErrorKey::FinancingSettingsInvalid => {
            t!(i18n, errors.financing_settings_invalid).into_any()
        }
        ErrorKey::DocumentTooLarge => t!(i18n, errors.document_too_large).into_any(),
        ErrorKey::DocumentWrongType => t!(i18n, errors.document_wrong_type).into_any(),
        ErrorKey::DocumentDamaged => t!(i18n, errors.document_damaged).into_any(),
        ErrorKey::DocumentActive => t!(i18n, errors.document_active).into_any(),
        ErrorKey::DocumentMissing => t!(i18n, errors.document_missing).into_any(),
        ErrorKey::DocumentLineClosed => t!(i18n, errors.document_line_closed).into_any(),
        ErrorKey::DocumentNotChosen => t!(i18n, errors.document_not_chosen).into_any(),
    }
}

/// The `?error=` of the current URL, set by a form that failed without JavaScript.
pub fn error_from_query() -> Option<ErrorKey> {
    use_query_map().with_untracked(|q| q.get("error").and_then(|e| ErrorKey::parse(&e)))
}

/// Renders a value a page loads from the server, or its error as an alert;
/// signed-out visitors are sent to the sign-in page.
pub fn loaded<T, V>(
    data: Resource<Result<T, crate::error::AppError>>,
    render: impl Fn(T) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    V: IntoView + 'static,
{
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let render = render.clone();
                Suspend::new(async move {
                    match data.await {
                        Ok(value) => render(value).into_any(),
                        Err(error) => {
                            #[cfg(feature = "ssr")]
                            if error == crate::error::AppError::Unauthorized {
                                leptos_axum::redirect("/sign-in");
                            }
                            view! { <ErrorAlert key=error.key() /> }.into_any()
                        }
                    }
                })
            }}
        </Suspense>
    }
}

/// A name in the page's language.
pub fn pick(english: bool, ar: &str, en: &str) -> String {
    if english && !en.is_empty() { en } else { ar }.to_string()
}

/// A day in the Umm al-Qura calendar, in brackets: `(1448-06-19 هـ)`.
#[component]
pub fn HijriDate(unix: i64) -> impl IntoView {
    let i18n = use_i18n();
    view! { <span class="hijri">"(" <bdi dir="ltr">{crate::time::format_hijri(unix)}</bdi> " " {t!(i18n, site.hijri_era)} ")"</span> }
}

/// A day as people here read it: Gregorian, with its Umm al-Qura day
/// beside it (applications, decisions, benefits, courses).
#[component]
pub fn DualDate(unix: i64) -> impl IntoView {
    let day = crate::time::format_date(unix);
    let shown = day.clone();
    view! { <span class="dual-date"><time datetime=day class="date"><bdi dir="ltr">{shown}</bdi></time> " " <HijriDate unix /></span> }
}

#[component]
pub fn ErrorAlert(key: ErrorKey, #[prop(optional, into)] id: Option<String>) -> impl IntoView {
    view! {
        <div class="alert alert-error" role="alert" id=id>
            <Icon name=IconName::Alert />
            <span>
                <ErrorText key />
            </span>
        </div>
    }
}

/// Shown for any path that is not a page.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    let i18n = use_i18n();
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text=t_string!(i18n, not_found.title).to_string() />
        <section class="card narrow">
            <h1>{t!(i18n, not_found.title)}</h1>
            <p>{t!(i18n, not_found.body)}</p>
            <a class="button" href="/">
                {t!(i18n, not_found.home)}
            </a>
        </section>
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_icon_is_in_the_sprite_under_an_id_no_form_uses() {
        use super::{ICON_SPRITE, IconName};
        let ids: Vec<&str> = ICON_SPRITE
            .split("id=\"")
            .skip(1)
            .filter_map(|rest| rest.split('"').next())
            .collect();
        assert!(ids.iter().all(|id| id.starts_with("icon-")), "{ids:?}");
        for name in [
            IconName::Home,
            IconName::User,
            IconName::SignIn,
            IconName::SignOut,
            IconName::Globe,
            IconName::Shield,
            IconName::Phone,
            IconName::Check,
            IconName::Cross,
            IconName::Clock,
            IconName::Store,
            IconName::Search,
            IconName::Book,
            IconName::Users,
            IconName::Map,
            IconName::Alert,
        ] {
            assert!(
                ids.contains(&format!("icon-{}", name.id()).as_str()),
                "{name:?}"
            );
        }
        assert!(ids.contains(&"icon-riyal"));
    }
}
