//! The one error type of the application. Every server function returns
//! `Result<_, AppError>`; [`AppError::status`] maps it to an HTTP status in one
//! place and [`ErrorKey`] names the translated message the user sees
//! (`ui::ErrorText`). Internal details are logged on the server, never sent.

use serde::{Deserialize, Serialize};
use server_fn_error::{FromServerFnError, ServerFnErrorErr};

use crate::ids::NationalIdError;

// `server_fn` is re-exported by leptos; the alias keeps the imports short.
mod server_fn_error {
    pub use leptos::server_fn::codec::JsonEncoding;
    pub use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
}

/// A user-facing message, one per distinct thing the user can do about it.
/// Serialized in snake case, which is also its form in URLs (`?error=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKey {
    NationalIdLength,
    NationalIdDigits,
    NationalIdPrefix,
    NationalIdCheckDigit,
    TooManyAttempts,
    SignInRejected,
    SignInExpired,
    SignInTimedOut,
    SignInNotFound,
    NafathUnavailable,
    SignInRequired,
    Forbidden,
    NotFound,
    ForeignOrigin,
    BadRequest,
    Internal,
    PhoneFormat,
    DistrictUnknown,
    IncomeBracketInvalid,
    DependantsInvalid,
    MemberNameRequired,
    RelationInvalid,
    BirthDateInvalid,
    PersonInOtherHousehold,
    ConsentRequired,
    HouseholdIncomplete,
    AlreadyDecided,
    DateInvalid,
    LineAlreadyActive,
    LineInCooldown,
    NothingChosen,
    DescriptionRequired,
    AmountInvalid,
    ReasonRequired,
    ReferralIncomplete,
    TransitionNotAllowed,
    HouseholdNotRegistered,
    NoteRequired,
    ValueInvalid,
    HouseholdExists,
    ShopNameRequired,
    PickupOrDelivery,
    TitleRequired,
    ProductDescriptionRequired,
    PriceInvalid,
    LeadTimeInvalid,
    PhotoTooLarge,
    PhotoNotImage,
    PhotoCorrupt,
    PhotoTooManyPixels,
    TooManyPhotos,
    MergeNeedsVerifiedHeads,
    DocumentRequired,
    ClaimAlreadyConfirmed,
    Busy,
    PhotoRequired,
    ProductStatusWrong,
    ShopRequired,
    CourseNotOpen,
    CourseNotEligible,
    AlreadyEnrolled,
    CourseOverlap,
    NotEnrolled,
    CourseStatusWrong,
    SessionInvalid,
    SeatsInvalid,
    SessionsRequired,
    TrainerNameRequired,
    OnlineLinkInvalid,
    TrainerLinkByCouncil,
    MemberAlreadyListed,
    AccountNotFound,
    LicenceInvalid,
    LicenceTaken,
    NameRequired,
    EmailInvalid,
    CodeInvalid,
    CodeTaken,
    CooldownInvalid,
    AssociationSuspended,
    ImportFileTooLarge,
    ImportFileUnreadable,
    ImportColumnsMissing,
    ImportFileEmpty,
    ImportAlreadyCommitted,
    PrivacyAlreadyExtended,
    PrivacyConfirmRequired,
    PrivacyRequestOpen,
    BreachTitleRequired,
    BreachDiscoveredInvalid,
    BreachHouseholdUnknown,
    BreachHouseholdsRequired,
    NoticeVersionTaken,
    NoticeFieldsRequired,
    NoticeNotCurrent,
    RetentionBusy,
}

impl ErrorKey {
    pub const ALL: [ErrorKey; 96] = [
        ErrorKey::NationalIdLength,
        ErrorKey::NationalIdDigits,
        ErrorKey::NationalIdPrefix,
        ErrorKey::NationalIdCheckDigit,
        ErrorKey::TooManyAttempts,
        ErrorKey::SignInRejected,
        ErrorKey::SignInExpired,
        ErrorKey::SignInTimedOut,
        ErrorKey::SignInNotFound,
        ErrorKey::NafathUnavailable,
        ErrorKey::SignInRequired,
        ErrorKey::Forbidden,
        ErrorKey::NotFound,
        ErrorKey::ForeignOrigin,
        ErrorKey::BadRequest,
        ErrorKey::Internal,
        ErrorKey::PhoneFormat,
        ErrorKey::DistrictUnknown,
        ErrorKey::IncomeBracketInvalid,
        ErrorKey::DependantsInvalid,
        ErrorKey::MemberNameRequired,
        ErrorKey::RelationInvalid,
        ErrorKey::BirthDateInvalid,
        ErrorKey::PersonInOtherHousehold,
        ErrorKey::ConsentRequired,
        ErrorKey::HouseholdIncomplete,
        ErrorKey::AlreadyDecided,
        ErrorKey::DateInvalid,
        ErrorKey::LineAlreadyActive,
        ErrorKey::LineInCooldown,
        ErrorKey::NothingChosen,
        ErrorKey::DescriptionRequired,
        ErrorKey::AmountInvalid,
        ErrorKey::ReasonRequired,
        ErrorKey::ReferralIncomplete,
        ErrorKey::TransitionNotAllowed,
        ErrorKey::HouseholdNotRegistered,
        ErrorKey::NoteRequired,
        ErrorKey::ValueInvalid,
        ErrorKey::HouseholdExists,
        ErrorKey::ShopNameRequired,
        ErrorKey::PickupOrDelivery,
        ErrorKey::TitleRequired,
        ErrorKey::ProductDescriptionRequired,
        ErrorKey::PriceInvalid,
        ErrorKey::LeadTimeInvalid,
        ErrorKey::PhotoTooLarge,
        ErrorKey::PhotoNotImage,
        ErrorKey::PhotoCorrupt,
        ErrorKey::PhotoTooManyPixels,
        ErrorKey::TooManyPhotos,
        ErrorKey::MergeNeedsVerifiedHeads,
        ErrorKey::DocumentRequired,
        ErrorKey::ClaimAlreadyConfirmed,
        ErrorKey::Busy,
        ErrorKey::PhotoRequired,
        ErrorKey::ProductStatusWrong,
        ErrorKey::ShopRequired,
        ErrorKey::CourseNotOpen,
        ErrorKey::CourseNotEligible,
        ErrorKey::AlreadyEnrolled,
        ErrorKey::CourseOverlap,
        ErrorKey::NotEnrolled,
        ErrorKey::CourseStatusWrong,
        ErrorKey::SessionInvalid,
        ErrorKey::SeatsInvalid,
        ErrorKey::SessionsRequired,
        ErrorKey::TrainerNameRequired,
        ErrorKey::OnlineLinkInvalid,
        ErrorKey::TrainerLinkByCouncil,
        ErrorKey::MemberAlreadyListed,
        ErrorKey::AccountNotFound,
        ErrorKey::LicenceInvalid,
        ErrorKey::LicenceTaken,
        ErrorKey::NameRequired,
        ErrorKey::EmailInvalid,
        ErrorKey::CodeInvalid,
        ErrorKey::CodeTaken,
        ErrorKey::CooldownInvalid,
        ErrorKey::AssociationSuspended,
        ErrorKey::ImportFileTooLarge,
        ErrorKey::ImportFileUnreadable,
        ErrorKey::ImportColumnsMissing,
        ErrorKey::ImportFileEmpty,
        ErrorKey::ImportAlreadyCommitted,
        ErrorKey::PrivacyAlreadyExtended,
        ErrorKey::PrivacyConfirmRequired,
        ErrorKey::PrivacyRequestOpen,
        ErrorKey::BreachTitleRequired,
        ErrorKey::BreachDiscoveredInvalid,
        ErrorKey::BreachHouseholdUnknown,
        ErrorKey::BreachHouseholdsRequired,
        ErrorKey::NoticeVersionTaken,
        ErrorKey::NoticeFieldsRequired,
        ErrorKey::NoticeNotCurrent,
        ErrorKey::RetentionBusy,
    ];

    /// The snake-case name used in URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKey::NationalIdLength => "national_id_length",
            ErrorKey::NationalIdDigits => "national_id_digits",
            ErrorKey::NationalIdPrefix => "national_id_prefix",
            ErrorKey::NationalIdCheckDigit => "national_id_check_digit",
            ErrorKey::TooManyAttempts => "too_many_attempts",
            ErrorKey::SignInRejected => "sign_in_rejected",
            ErrorKey::SignInExpired => "sign_in_expired",
            ErrorKey::SignInTimedOut => "sign_in_timed_out",
            ErrorKey::SignInNotFound => "sign_in_not_found",
            ErrorKey::NafathUnavailable => "nafath_unavailable",
            ErrorKey::SignInRequired => "sign_in_required",
            ErrorKey::Forbidden => "forbidden",
            ErrorKey::NotFound => "not_found",
            ErrorKey::ForeignOrigin => "foreign_origin",
            ErrorKey::BadRequest => "bad_request",
            ErrorKey::Internal => "internal",
            ErrorKey::PhoneFormat => "phone_format",
            ErrorKey::DistrictUnknown => "district_unknown",
            ErrorKey::IncomeBracketInvalid => "income_bracket_invalid",
            ErrorKey::DependantsInvalid => "dependants_invalid",
            ErrorKey::MemberNameRequired => "member_name_required",
            ErrorKey::RelationInvalid => "relation_invalid",
            ErrorKey::BirthDateInvalid => "birth_date_invalid",
            ErrorKey::PersonInOtherHousehold => "person_in_other_household",
            ErrorKey::ConsentRequired => "consent_required",
            ErrorKey::HouseholdIncomplete => "household_incomplete",
            ErrorKey::AlreadyDecided => "already_decided",
            ErrorKey::DateInvalid => "date_invalid",
            ErrorKey::LineAlreadyActive => "line_already_active",
            ErrorKey::LineInCooldown => "line_in_cooldown",
            ErrorKey::NothingChosen => "nothing_chosen",
            ErrorKey::DescriptionRequired => "description_required",
            ErrorKey::AmountInvalid => "amount_invalid",
            ErrorKey::ReasonRequired => "reason_required",
            ErrorKey::ReferralIncomplete => "referral_incomplete",
            ErrorKey::TransitionNotAllowed => "transition_not_allowed",
            ErrorKey::HouseholdNotRegistered => "household_not_registered",
            ErrorKey::NoteRequired => "note_required",
            ErrorKey::ValueInvalid => "value_invalid",
            ErrorKey::HouseholdExists => "household_exists",
            ErrorKey::ShopNameRequired => "shop_name_required",
            ErrorKey::PickupOrDelivery => "pickup_or_delivery",
            ErrorKey::TitleRequired => "title_required",
            ErrorKey::ProductDescriptionRequired => "product_description_required",
            ErrorKey::PriceInvalid => "price_invalid",
            ErrorKey::LeadTimeInvalid => "lead_time_invalid",
            ErrorKey::PhotoTooLarge => "photo_too_large",
            ErrorKey::PhotoNotImage => "photo_not_image",
            ErrorKey::PhotoCorrupt => "photo_corrupt",
            ErrorKey::PhotoTooManyPixels => "photo_too_many_pixels",
            ErrorKey::TooManyPhotos => "too_many_photos",
            ErrorKey::MergeNeedsVerifiedHeads => "merge_needs_verified_heads",
            ErrorKey::DocumentRequired => "document_required",
            ErrorKey::ClaimAlreadyConfirmed => "claim_already_confirmed",
            ErrorKey::Busy => "busy",
            ErrorKey::PhotoRequired => "photo_required",
            ErrorKey::ProductStatusWrong => "product_status_wrong",
            ErrorKey::ShopRequired => "shop_required",
            ErrorKey::CourseNotOpen => "course_not_open",
            ErrorKey::CourseNotEligible => "course_not_eligible",
            ErrorKey::AlreadyEnrolled => "already_enrolled",
            ErrorKey::CourseOverlap => "course_overlap",
            ErrorKey::NotEnrolled => "not_enrolled",
            ErrorKey::CourseStatusWrong => "course_status_wrong",
            ErrorKey::SessionInvalid => "session_invalid",
            ErrorKey::SeatsInvalid => "seats_invalid",
            ErrorKey::SessionsRequired => "sessions_required",
            ErrorKey::TrainerNameRequired => "trainer_name_required",
            ErrorKey::OnlineLinkInvalid => "online_link_invalid",
            ErrorKey::TrainerLinkByCouncil => "trainer_link_by_council",
            ErrorKey::MemberAlreadyListed => "member_already_listed",
            ErrorKey::AccountNotFound => "account_not_found",
            ErrorKey::LicenceInvalid => "licence_invalid",
            ErrorKey::LicenceTaken => "licence_taken",
            ErrorKey::NameRequired => "name_required",
            ErrorKey::EmailInvalid => "email_invalid",
            ErrorKey::CodeInvalid => "code_invalid",
            ErrorKey::CodeTaken => "code_taken",
            ErrorKey::CooldownInvalid => "cooldown_invalid",
            ErrorKey::AssociationSuspended => "association_suspended",
            ErrorKey::ImportFileTooLarge => "import_file_too_large",
            ErrorKey::ImportFileUnreadable => "import_file_unreadable",
            ErrorKey::ImportColumnsMissing => "import_columns_missing",
            ErrorKey::ImportFileEmpty => "import_file_empty",
            ErrorKey::ImportAlreadyCommitted => "import_already_committed",
            ErrorKey::PrivacyAlreadyExtended => "privacy_already_extended",
            ErrorKey::PrivacyConfirmRequired => "privacy_confirm_required",
            ErrorKey::PrivacyRequestOpen => "privacy_request_open",
            ErrorKey::BreachTitleRequired => "breach_title_required",
            ErrorKey::BreachDiscoveredInvalid => "breach_discovered_invalid",
            ErrorKey::BreachHouseholdUnknown => "breach_household_unknown",
            ErrorKey::BreachHouseholdsRequired => "breach_households_required",
            ErrorKey::NoticeVersionTaken => "notice_version_taken",
            ErrorKey::NoticeFieldsRequired => "notice_fields_required",
            ErrorKey::NoticeNotCurrent => "notice_not_current",
            ErrorKey::RetentionBusy => "retention_busy",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == value)
    }
}

impl From<NationalIdError> for ErrorKey {
    fn from(e: NationalIdError) -> Self {
        match e {
            NationalIdError::Length => ErrorKey::NationalIdLength,
            NationalIdError::NotDigits => ErrorKey::NationalIdDigits,
            NationalIdError::Prefix => ErrorKey::NationalIdPrefix,
            NationalIdError::CheckDigit => ErrorKey::NationalIdCheckDigit,
        }
    }
}

/// Everything that can go wrong, by what the caller should do about it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum AppError {
    /// No (valid) session: sign in first. 401.
    #[error("sign-in required")]
    Unauthorized,
    /// Signed in, but this role may not do this. 403.
    #[error("forbidden")]
    Forbidden,
    /// 404.
    #[error("not found")]
    NotFound,
    /// The input was wrong; `field` names the form field. 422.
    #[error("invalid {field}: {key:?}")]
    Validation { field: String, key: ErrorKey },
    /// The request conflicts with what exists, or a state that no longer allows it. 409.
    #[error("conflict: {0:?}")]
    Conflict(ErrorKey),
    /// Too many attempts; try later. 429.
    #[error("rate limited")]
    RateLimited,
    /// An outside service (Nafath) failed or timed out. 503.
    #[error("upstream unavailable")]
    Unavailable,
    /// Too much at once on our side (every decoder busy, a write that kept
    /// meeting another); nothing was changed, try again shortly. 503.
    #[error("busy")]
    Busy,
    /// Malformed request that no form of ours produces. 400.
    #[error("bad request")]
    BadRequest,
    /// A bug or an outage on our side; the details are in the server log. 500.
    #[error("internal error")]
    Internal,
}

impl AppError {
    pub fn validation(field: &str, key: impl Into<ErrorKey>) -> Self {
        AppError::Validation {
            field: field.to_string(),
            key: key.into(),
        }
    }

    /// The HTTP status for this error: the only place it is decided.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Unauthorized => 401,
            AppError::Forbidden => 403,
            AppError::NotFound => 404,
            AppError::Validation { .. } => 422,
            AppError::Conflict(_) => 409,
            AppError::RateLimited => 429,
            AppError::Unavailable => 503,
            AppError::Busy => 503,
            AppError::BadRequest => 400,
            AppError::Internal => 500,
        }
    }

    /// The translated message to show for this error.
    pub fn key(&self) -> ErrorKey {
        match self {
            AppError::Unauthorized => ErrorKey::SignInRequired,
            AppError::Forbidden => ErrorKey::Forbidden,
            AppError::NotFound => ErrorKey::NotFound,
            AppError::Validation { key, .. } => *key,
            AppError::Conflict(key) => *key,
            AppError::RateLimited => ErrorKey::TooManyAttempts,
            AppError::Unavailable => ErrorKey::NafathUnavailable,
            AppError::Busy => ErrorKey::Busy,
            AppError::BadRequest => ErrorKey::BadRequest,
            AppError::Internal => ErrorKey::Internal,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = server_fn_error::JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::Deserialization(_) => {
                AppError::BadRequest
            }
            ServerFnErrorErr::MissingArg(_) => AppError::BadRequest,
            _ => AppError::Internal,
        }
    }
}

#[cfg(feature = "ssr")]
pub use ssr::{is_plain_form_post, respond, respond_at};

#[cfg(feature = "ssr")]
mod ssr {
    use super::AppError;
    use http::header::{ACCEPT, HOST, LOCATION, REFERER};
    use http::{HeaderValue, StatusCode, request::Parts};
    use leptos::prelude::use_context;
    use leptos_axum::ResponseOptions;

    /// Finishes every server function: on error, sets the HTTP status of the
    /// error (JSON callers) or, for a plain HTML form post (no JavaScript),
    /// redirects back to the form's page with `?error=<key>` so the page can
    /// show the translated message next to what the user typed.
    pub fn respond<T>(result: Result<T, AppError>) -> Result<T, AppError> {
        finish(result, None)
    }

    /// Whether the current server-function call is a plain HTML form post (no
    /// JavaScript): its errors become a redirect back to the form.
    pub fn is_plain_form_post() -> bool {
        use_context::<Parts>().is_some_and(|parts| {
            parts.uri.path().starts_with("/api/")
                && parts
                    .headers
                    .get(ACCEPT)
                    .and_then(|v| v.to_str().ok())
                    .is_some_and(|v| v.contains("text/html"))
        })
    }

    /// Like [`respond`], but form errors go to `page` instead of back to the
    /// Referer (for requests that come from a refresh rather than a form).
    pub fn respond_at<T>(page: &str, result: Result<T, AppError>) -> Result<T, AppError> {
        finish(result, Some(page))
    }

    fn finish<T>(result: Result<T, AppError>, page: Option<&str>) -> Result<T, AppError> {
        let Err(error) = &result else {
            return result;
        };
        let (Some(parts), Some(response)) =
            (use_context::<Parts>(), use_context::<ResponseOptions>())
        else {
            return result;
        };
        if error.status() >= 500 {
            tracing::warn!(?error, path = %parts.uri.path(), "server function failed");
        }
        let accepts_html = parts
            .headers
            .get(ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"));
        // Only a form posted to a server function is sent back to its page;
        // a page that fails to load keeps its address and gets the status
        // (a missing product is a 404, for people and search engines alike).
        let server_function_call = parts.uri.path().starts_with("/api/");
        if accepts_html && server_function_call {
            let back = page
                .map(str::to_string)
                .or_else(|| same_origin_back_path(&parts))
                .unwrap_or_else(|| "/".to_string());
            let location = with_error_param(&back, error.key().as_str());
            if let Ok(value) = HeaderValue::from_str(&location) {
                response.insert_header(LOCATION, value);
                response.set_status(StatusCode::SEE_OTHER);
                return result;
            }
        }
        response.set_status(
            StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        );
        result
    }

    /// The path and query of the Referer when it is this site's own page.
    fn same_origin_back_path(parts: &Parts) -> Option<String> {
        let referer = parts.headers.get(REFERER)?.to_str().ok()?;
        let host = parts.headers.get(HOST)?.to_str().ok()?;
        let rest = referer
            .strip_prefix("http://")
            .or_else(|| referer.strip_prefix("https://"))?;
        let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        if authority != host {
            return None;
        }
        Some(local_path(path))
    }

    /// A path of this site for a `Location` header: `//host/…` and `/\\host/…`
    /// would send the browser to another site (an open redirect), so they
    /// and anything not starting with one `/` become the home page.
    pub(crate) fn local_path(path: &str) -> String {
        let foreign = !path.starts_with('/')
            || path.starts_with("//")
            || path.starts_with("/\\")
            || path.chars().any(|c| c.is_control());
        if foreign {
            "/".to_string()
        } else {
            path.to_string()
        }
    }

    /// Replaces any `error=` parameter of `path` with this one.
    pub(crate) fn with_error_param(path: &str, key: &str) -> String {
        let (base, query) = path.split_once('?').unwrap_or((path, ""));
        let mut params: Vec<&str> = query
            .split('&')
            .filter(|p| !p.is_empty() && !p.starts_with("error="))
            .collect();
        let error = format!("error={key}");
        params.push(&error);
        format!("{base}?{}", params.join("&"))
    }

    impl From<sqlx::Error> for AppError {
        fn from(error: sqlx::Error) -> Self {
            // Logged here, once; the client only learns that something failed,
            // or, for a conflict that outlasted its retries, to try again.
            tracing::error!(%error, "database error");
            if crate::database::is_transient(&error) {
                AppError::Busy
            } else {
                AppError::Internal
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_keys_round_trip_through_urls_and_json() {
        for key in ErrorKey::ALL {
            assert_eq!(ErrorKey::parse(key.as_str()), Some(key));
            // serde's snake_case must agree with `as_str`.
            assert_eq!(
                serde_json::to_string(&key).unwrap(),
                format!("\"{}\"", key.as_str())
            );
        }
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn error_param_replaces_the_previous_one() {
        use super::ssr::with_error_param;
        assert_eq!(
            with_error_param("/sign-in", "forbidden"),
            "/sign-in?error=forbidden"
        );
        assert_eq!(
            with_error_param("/sign-in?next=/a&error=internal", "forbidden"),
            "/sign-in?next=/a&error=forbidden"
        );
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn redirects_stay_on_this_site() {
        use super::ssr::local_path;
        assert_eq!(local_path("/market?q=1"), "/market?q=1");
        assert_eq!(local_path("//evil.example/x"), "/");
        assert_eq!(local_path("/\\evil.example"), "/");
        assert_eq!(local_path(""), "/");
        assert_eq!(local_path("/a\nb"), "/");
    }

    #[test]
    fn every_error_has_a_client_error_status_except_internal_and_upstream() {
        let errors = [
            AppError::Unauthorized,
            AppError::Forbidden,
            AppError::NotFound,
            AppError::validation("national_id", ErrorKey::NationalIdLength),
            AppError::Conflict(ErrorKey::SignInExpired),
            AppError::RateLimited,
            AppError::BadRequest,
        ];
        for e in errors {
            assert!((400..500).contains(&e.status()), "{e:?}");
        }
        assert_eq!(AppError::Internal.status(), 500);
        assert_eq!(AppError::Unavailable.status(), 503);
        assert_eq!(AppError::Busy.status(), 503);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(10_000))]
        #[test]
        fn error_key_parser_never_panics(input in ".*") {
            if let Some(key) = ErrorKey::parse(&input) {
                proptest::prop_assert_eq!(key.as_str(), input.as_str());
            }
        }
    }
}
