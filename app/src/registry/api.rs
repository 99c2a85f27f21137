//! Server functions of the registry: a family fills in its own household one
//! step at a time (each step is saved, so a dropped connection loses nothing),
//! then submits it with its consent to the privacy notice.

use leptos::prelude::*;

use super::{Household, HouseholdChange};
use crate::error::AppError;

#[cfg(feature = "ssr")]
use {
    super::db::{self, FieldValue, RegistryError},
    crate::error::{ErrorKey, respond},
    crate::identity::{CurrentUser, NationalId, Requirement, session},
    crate::state::{AppState, app_state},
};

#[cfg(feature = "ssr")]
impl From<RegistryError> for AppError {
    fn from(error: RegistryError) -> Self {
        match error {
            RegistryError::PersonInOtherHousehold => {
                AppError::Conflict(ErrorKey::PersonInOtherHousehold)
            }
            RegistryError::NotFound => AppError::NotFound,
            RegistryError::TooManyClaims => AppError::RateLimited,
            RegistryError::AlreadyListed => AppError::Conflict(ErrorKey::MemberAlreadyListed),
            RegistryError::NotEditable(field) => {
                tracing::error!(%field, "a server function named a field that is not editable");
                AppError::Internal
            }
            RegistryError::Database(e) => e.into(),
        }
    }
}

/// The signed-in family member and their household id (opened on first use).
#[cfg(feature = "ssr")]
async fn own_household(state: &AppState) -> Result<(CurrentUser, i64), AppError> {
    let user = session::require(state, Requirement::FamilyMember).await?;
    let id = db::open_household(
        &state.db,
        &user.national_id,
        &user.name_ar,
        Some(user.user_id),
        user.user_id,
        true,
    )
    .await?;
    Ok((user, id))
}

/// After a saved step, the wizard's next step (only pages of the wizard).
#[cfg(feature = "ssr")]
fn go_next(next: Option<String>) {
    if let Some(next) = next.filter(|n| n.starts_with(super::WIZARD_PAGE) && !n.contains("//")) {
        leptos_axum::redirect(&next);
    }
}

/// The signed-in person's household, if they started one.
#[server(endpoint = "get_my_household")]
pub async fn get_my_household() -> Result<Option<Household>, AppError> {
    respond(
        async {
            let state = app_state()?;
            let user = session::require(&state, Requirement::FamilyMember).await?;
            Ok(db::household_of_head(&state.db, &user.national_id).await?)
        }
        .await,
    )
}

/// Step: the household's mobile number.
#[server(endpoint = "save_household_contact")]
pub async fn save_household_contact(phone: String, next: Option<String>) -> Result<(), AppError> {
    respond(
        async {
            let state = app_state()?;
            let phone = super::SaudiPhone::parse(&phone)
                .map_err(|_| AppError::validation("phone", ErrorKey::PhoneFormat))?;
            let (user, id) = own_household(&state).await?;
            let value = FieldValue::Text(Some(phone.international().to_string()));
            db::update_fields(&state.db, id, user.user_id, &[("phone", value)]).await?;
            go_next(next);
            Ok(())
        }
        .await,
    )
}

/// Step: the district (from the places table) and address details.
#[server(endpoint = "save_household_place")]
pub async fn save_household_place(
    district_id: String,
    address: String,
    next: Option<String>,
) -> Result<(), AppError> {
    respond(
        async {
            let state = app_state()?;
            let district_id: i64 = crate::text::fold_digits(district_id.trim())
                .parse()
                .map_err(|_| AppError::validation("district_id", ErrorKey::DistrictUnknown))?;
            if !db::district_exists(&state.db, district_id).await? {
                return Err(AppError::validation(
                    "district_id",
                    ErrorKey::DistrictUnknown,
                ));
            }
            let address = address.trim().chars().take(300).collect::<String>();
            let (user, id) = own_household(&state).await?;
            db::update_fields(
                &state.db,
                id,
                user.user_id,
                &[
                    ("district_id", FieldValue::Int(Some(district_id))),
                    (
                        "address",
                        FieldValue::Text(Some(address).filter(|a| !a.is_empty())),
                    ),
                ],
            )
            .await?;
            go_next(next);
            Ok(())
        }
        .await,
    )
}

/// Step: income bracket and number of dependants.
#[server(endpoint = "save_household_circumstances")]
pub async fn save_household_circumstances(
    income_bracket: Option<String>,
    dependants: String,
    next: Option<String>,
) -> Result<(), AppError> {
    respond(
        async {
            let state = app_state()?;
            let income_bracket = income_bracket
                .filter(|b| super::INCOME_BRACKETS.contains(&b.as_str()))
                .ok_or_else(|| {
                    AppError::validation("income_bracket", ErrorKey::IncomeBracketInvalid)
                })?;
            let dependants = super::parse_dependants(&dependants)
                .ok_or_else(|| AppError::validation("dependants", ErrorKey::DependantsInvalid))?;
            let (user, id) = own_household(&state).await?;
            db::update_fields(
                &state.db,
                id,
                user.user_id,
                &[
                    ("income_bracket", FieldValue::Text(Some(income_bracket))),
                    ("dependants", FieldValue::Int(Some(dependants))),
                ],
            )
            .await?;
            go_next(next);
            Ok(())
        }
        .await,
    )
}

/// Step: crafts and skills. One optional field per catalogue entry, as
/// checkboxes post them (present = chosen).
#[server(endpoint = "save_household_crafts")]
pub async fn save_household_crafts(
    food: Option<String>,
    sweets: Option<String>,
    sewing: Option<String>,
    embroidery: Option<String>,
    handicrafts: Option<String>,
    perfume_incense: Option<String>,
    beauty: Option<String>,
    other: Option<String>,
    next: Option<String>,
) -> Result<(), AppError> {
    respond(
        async {
            let state = app_state()?;
            let chosen: Vec<&str> = [
                food,
                sweets,
                sewing,
                embroidery,
                handicrafts,
                perfume_incense,
                beauty,
                other,
            ]
            .iter()
            .zip(super::CRAFTS)
            .filter(|(value, _)| value.is_some())
            .map(|(_, code)| code)
            .collect();
            let (user, id) = own_household(&state).await?;
            db::update_fields(
                &state.db,
                id,
                user.user_id,
                &[("crafts", FieldValue::Text(Some(chosen.join(","))))],
            )
            .await?;
            go_next(next);
            Ok(())
        }
        .await,
    )
}

/// Adds a member (name, relation, birth date, optional national ID).
#[server(endpoint = "add_household_member")]
pub async fn add_household_member(
    full_name: String,
    relation: String,
    birth_date: String,
    national_id: Option<String>,
) -> Result<(), AppError> {
    respond(
        async {
            let state = app_state()?;
            let full_name = full_name.split_whitespace().collect::<Vec<_>>().join(" ");
            if full_name.chars().count() < 2 || full_name.chars().count() > 120 {
                return Err(AppError::validation(
                    "full_name",
                    ErrorKey::MemberNameRequired,
                ));
            }
            if !super::RELATIONS.contains(&relation.as_str()) {
                return Err(AppError::validation("relation", ErrorKey::RelationInvalid));
            }
            let birth_date = super::parse_birth_date(&birth_date)
                .ok_or_else(|| AppError::validation("birth_date", ErrorKey::BirthDateInvalid))?;
            let national_id = match national_id
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
            {
                Some(raw) => Some(
                    NationalId::parse(raw).map_err(|e| AppError::validation("national_id", e))?,
                ),
                None => None,
            };
            let (user, id) = own_household(&state).await?;
            crate::database::retrying(|| {
                db::add_member(
                    &state.db,
                    id,
                    user.user_id,
                    &full_name,
                    &relation,
                    &birth_date,
                    national_id.as_ref().map(NationalId::as_str),
                )
            })
            .await?;
            Ok(())
        }
        .await,
    )
}

/// Removes a member of the signed-in person's own household.
#[server(endpoint = "remove_household_member")]
pub async fn remove_household_member(member_id: i64) -> Result<(), AppError> {
    respond(
        async {
            let state = app_state()?;
            let (user, id) = own_household(&state).await?;
            db::remove_member(&state.db, id, user.user_id, member_id).await?;
            Ok(())
        }
        .await,
    )
}

/// Submits the household once the required steps are done and the privacy
/// notice is accepted (its version and the time are stored).
#[server(endpoint = "submit_household")]
pub async fn submit_household(consent: Option<String>) -> Result<(), AppError> {
    respond(
        async {
            let state = app_state()?;
            if consent.as_deref() != Some(super::PRIVACY_NOTICE_VERSION) {
                return Err(AppError::validation("consent", ErrorKey::ConsentRequired));
            }
            let (user, id) = own_household(&state).await?;
            let household = db::load(&state.db, id).await?.ok_or(AppError::NotFound)?;
            if household.phone.is_none()
                || household.district_id.is_none()
                || household.income_bracket.is_none()
                || household.dependants.is_none()
            {
                return Err(AppError::Conflict(ErrorKey::HouseholdIncomplete));
            }
            crate::database::retrying(|| {
                db::submit(&state.db, id, user.user_id, super::PRIVACY_NOTICE_VERSION)
            })
            .await?;
            super::duplicates::check(&state.db, id).await?;
            leptos_axum::redirect(&format!("{}?step=review", super::WIZARD_PAGE));
            Ok(())
        }
        .await,
    )
}

/// A household's history: for its head, and for the council admin (audited).
#[server(endpoint = "get_household_history")]
pub async fn get_household_history(household_id: i64) -> Result<Vec<HouseholdChange>, AppError> {
    respond(
        async {
            let state = app_state()?;
            let user = session::require(&state, Requirement::SignedIn).await?;
            let own = db::household_of_head(&state.db, &user.national_id)
                .await?
                .is_some_and(|h| h.id == household_id);
            if !own {
                // Staff read it when a line or benefit links the household to their association.
                let linked = user.is_council_admin()
                    || db::served_by_any(&state.db, household_id, &user.association_ids()).await?;
                if !linked {
                    session::require(&state, Requirement::CouncilAdmin).await?;
                }
                crate::audit::record(
                    &state.db,
                    crate::audit::AuditEvent {
                        actor_user_id: Some(user.user_id),
                        action: crate::audit::action::HOUSEHOLD_VIEWED,
                        subject_type: Some("household"),
                        subject_id: Some(household_id.to_string()),
                        client_ip: Some(session::client_ip()),
                        ..Default::default()
                    },
                )
                .await?;
            }
            Ok(db::history(&state.db, household_id).await?)
        }
        .await,
    )
}

/// What the registration wizard shows: the household (if started), the
/// cities, and the districts of the chosen city (or of the household's).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct WizardData {
    pub household: Option<Household>,
    pub cities: Vec<crate::places::City>,
    pub city_id: Option<i64>,
    pub districts: Vec<crate::places::District>,
}

#[server(endpoint = "get_household_wizard")]
pub async fn get_household_wizard(city_id: Option<i64>) -> Result<WizardData, AppError> {
    respond(
        async {
            let state = app_state()?;
            let user = session::require(&state, Requirement::FamilyMember).await?;
            let household = db::household_of_head(&state.db, &user.national_id).await?;
            let cities = crate::places::db::list_cities(&state.db).await?;
            let city_id = match (city_id, household.as_ref().and_then(|h| h.district_id)) {
                (Some(city), _) => Some(city),
                (None, Some(district)) => {
                    crate::places::db::city_of_district(&state.db, district).await?
                }
                (None, None) => None,
            };
            let districts = match city_id {
                Some(city) => crate::places::db::list_districts(&state.db, city).await?,
                None => Vec::new(),
            };
            Ok(WizardData {
                household,
                cities,
                city_id,
                districts,
            })
        }
        .await,
    )
}

/// The council's review queue of possible duplicate households.
#[server(endpoint = "get_duplicate_candidates")]
pub async fn get_duplicate_candidates() -> Result<Vec<super::DuplicateCandidate>, AppError> {
    respond(
        async {
            let state = app_state()?;
            let user = session::require(&state, Requirement::CouncilAdmin).await?;
            let candidates = super::duplicates::open_candidates(&state.db, 50).await?;
            // Both full records are shown side by side: an audited read.
            for candidate in &candidates {
                for side in [&candidate.a, &candidate.b] {
                    crate::audit::record(
                        &state.db,
                        crate::audit::AuditEvent {
                            actor_user_id: Some(user.user_id),
                            action: crate::audit::action::HOUSEHOLD_VIEWED,
                            subject_type: Some("household"),
                            subject_id: Some(side.household.id.to_string()),
                            detail: Some(format!("duplicate review {}", candidate.id)),
                            client_ip: Some(session::client_ip()),
                            ..Default::default()
                        },
                    )
                    .await?;
                }
            }
            Ok(candidates)
        }
        .await,
    )
}

/// The council decides a candidate pair: `same` (merge) or `different`.
#[server(endpoint = "decide_duplicate")]
pub async fn decide_duplicate(candidate_id: i64, decision: String) -> Result<(), AppError> {
    respond(
        async {
            let state = app_state()?;
            let user = session::require(&state, Requirement::CouncilAdmin).await?;
            let event = crate::audit::AuditEvent {
                actor_user_id: Some(user.user_id),
                action: crate::audit::action::DUPLICATE_DECIDED,
                subject_type: Some("duplicate_candidate"),
                subject_id: Some(candidate_id.to_string()),
                detail: Some(decision.clone()),
                client_ip: Some(session::client_ip()),
                ..Default::default()
            };
            let result = match decision.as_str() {
                "same" => super::duplicates::merge(&state.db, candidate_id, user.user_id, event)
                    .await
                    .map(|_| ()),
                "different" => {
                    super::duplicates::mark_different(&state.db, candidate_id, user.user_id, event)
                        .await
                }
                _ => return Err(AppError::validation("decision", ErrorKey::BadRequest)),
            };
            result.map_err(|e| match e {
                super::duplicates::DuplicateError::NotOpen => {
                    AppError::Conflict(ErrorKey::AlreadyDecided)
                }
                super::duplicates::DuplicateError::HeadsNotVerified => {
                    AppError::Conflict(ErrorKey::MergeNeedsVerifiedHeads)
                }
                super::duplicates::DuplicateError::Database(e) => AppError::from(e),
            })?;
            leptos_axum::redirect(super::DUPLICATES_PAGE);
            Ok(())
        }
        .await,
    )
}

/// Association staff register a household on a family's behalf (walk-in):
/// the head's ID and name, phone and district. The record stays "not
/// verified" until the head signs in with Nafath and submits it.
#[server(endpoint = "register_walk_in")]
pub async fn register_walk_in(
    national_id: String,
    head_name: String,
    phone: String,
    district_id: String,
) -> Result<(), AppError> {
    respond(
        async {
            let state = app_state()?;
            let user = session::require(&state, Requirement::SignedIn).await?;
            let Some(&association_id) = user.association_ids().first() else {
                return Err(session::require(&state, Requirement::CouncilAdmin)
                    .await
                    .err()
                    .unwrap_or(AppError::Forbidden));
            };
            let national_id = NationalId::parse(&national_id)
                .map_err(|e| AppError::validation("national_id", e))?;
            let head_name = head_name.split_whitespace().collect::<Vec<_>>().join(" ");
            if head_name.chars().count() < 2 || head_name.chars().count() > 120 {
                return Err(AppError::validation(
                    "head_name",
                    ErrorKey::MemberNameRequired,
                ));
            }
            let phone = super::SaudiPhone::parse(&phone)
                .map_err(|_| AppError::validation("phone", ErrorKey::PhoneFormat))?;
            let district_id: i64 = crate::text::fold_digits(district_id.trim())
                .parse()
                .map_err(|_| AppError::validation("district_id", ErrorKey::DistrictUnknown))?;
            if !db::district_exists(&state.db, district_id).await? {
                return Err(AppError::validation(
                    "district_id",
                    ErrorKey::DistrictUnknown,
                ));
            }
            if db::household_of_head(&state.db, national_id.as_str())
                .await?
                .is_some()
            {
                return Err(AppError::Conflict(ErrorKey::HouseholdExists));
            }
            let audit = crate::audit::AuditEvent {
                actor_user_id: Some(user.user_id),
                acting_for_association_id: Some(association_id),
                action: crate::audit::action::WALK_IN_REGISTERED,
                subject_type: Some("household"),
                client_ip: Some(session::client_ip()),
                ..Default::default()
            };
            let id = db::register_walk_in(
                &state.db,
                national_id.as_str(),
                &head_name,
                user.user_id,
                &[
                    (
                        "phone",
                        FieldValue::Text(Some(phone.international().to_string())),
                    ),
                    ("district_id", FieldValue::Int(Some(district_id))),
                ],
                audit,
            )
            .await?;
            super::duplicates::check(&state.db, id).await?;
            leptos_axum::redirect(&format!("{}?registered=1", super::WALK_IN_PAGE));
            Ok(())
        }
        .await,
    )
}

/// What the walk-in form needs: the cities and the districts of the chosen one.
#[server(endpoint = "get_walk_in_form")]
pub async fn get_walk_in_form(city_id: Option<i64>) -> Result<WizardData, AppError> {
    respond(
        async {
            let state = app_state()?;
            let user = session::require(&state, Requirement::SignedIn).await?;
            if user.association_ids().is_empty() {
                session::require(&state, Requirement::CouncilAdmin).await?;
                return Err(AppError::Forbidden);
            }
            let cities = crate::places::db::list_cities(&state.db).await?;
            let districts = match city_id {
                Some(city) => crate::places::db::list_districts(&state.db, city).await?,
                None => Vec::new(),
            };
            Ok(WizardData {
                household: None,
                cities,
                city_id,
                districts,
            })
        }
        .await,
    )
}
