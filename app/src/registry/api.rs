//! Server functions of the registry: a family fills in its own household one
//! step at a time (each step is saved, so a dropped connection loses nothing),
//! then submits it with its consent to the privacy notice.

use leptos::prelude::*;

pub use super::duplicates_api::*;
use super::{Household, HouseholdChange};
use crate::error::AppError;

#[cfg(feature = "ssr")]
use {
    super::db::{self, FieldValue, RegistryError},
    crate::audit,
    crate::error::ErrorKey,
    crate::identity::{Ctx, CurrentUser, NationalId, Requirement, serve},
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
async fn own_household(ctx: &Ctx) -> Result<(&CurrentUser, i64), AppError> {
    let user = ctx.require(Requirement::FamilyMember).await?;
    let id = db::open_household(
        ctx.db(),
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

/// A district id as typed (any digits), when the district exists.
#[cfg(feature = "ssr")]
async fn known_district(ctx: &Ctx, district_id: &str) -> Result<i64, AppError> {
    let unknown = || AppError::validation("district_id", ErrorKey::DistrictUnknown);
    let district_id: i64 = crate::text::fold_digits(district_id.trim())
        .parse()
        .map_err(|_| unknown())?;
    if !db::district_exists(ctx.db(), district_id).await? {
        return Err(unknown());
    }
    Ok(district_id)
}

/// A person's name with its spaces tidied, 2 to 120 characters.
#[cfg(feature = "ssr")]
fn person_name(field: &'static str, raw: &str) -> Result<String, AppError> {
    let name = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    let length = name.chars().count();
    if !(2..=120).contains(&length) {
        return Err(AppError::validation(field, ErrorKey::MemberNameRequired));
    }
    Ok(name)
}

/// The signed-in person's household, if they started one.
#[server(endpoint = "get_my_household")]
pub async fn get_my_household() -> Result<Option<Household>, AppError> {
    serve(my_household).await
}

/// The household the caller heads, without opening one.
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all)]
async fn my_household(ctx: Ctx) -> Result<Option<Household>, AppError> {
    let user = ctx.require(Requirement::FamilyMember).await?;
    Ok(db::household_of_head(ctx.db(), &user.national_id).await?)
}

/// Step: the household's mobile number.
#[server(endpoint = "save_household_contact")]
pub async fn save_household_contact(phone: String, next: Option<String>) -> Result<(), AppError> {
    serve(|ctx| save_contact(ctx, phone, next)).await
}

/// Saves the phone of the caller's household.
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all)]
async fn save_contact(ctx: Ctx, phone: String, next: Option<String>) -> Result<(), AppError> {
    let phone = super::SaudiPhone::parse(&phone)
        .map_err(|_| AppError::validation("phone", ErrorKey::PhoneFormat))?;
    let (user, id) = own_household(&ctx).await?;
    let value = FieldValue::Text(Some(phone.international().to_string()));
    db::update_fields(ctx.db(), id, user.user_id, &[("phone", value)]).await?;
    go_next(next);
    Ok(())
}

/// Step: the district (from the places table) and address details.
#[server(endpoint = "save_household_place")]
pub async fn save_household_place(
    district_id: String,
    address: String,
    next: Option<String>,
) -> Result<(), AppError> {
    serve(|ctx| save_place(ctx, district_id, address, next)).await
}

/// Saves the district and address of the caller's household.
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all)]
async fn save_place(
    ctx: Ctx,
    district_id: String,
    address: String,
    next: Option<String>,
) -> Result<(), AppError> {
    let district_id = known_district(&ctx, &district_id).await?;
    let address = address.trim().chars().take(300).collect::<String>();
    let (user, id) = own_household(&ctx).await?;
    db::update_fields(
        ctx.db(),
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

/// Step: income bracket and number of dependants.
#[server(endpoint = "save_household_circumstances")]
pub async fn save_household_circumstances(
    income_bracket: Option<String>,
    dependants: String,
    next: Option<String>,
) -> Result<(), AppError> {
    serve(|ctx| save_circumstances(ctx, income_bracket, dependants, next)).await
}

/// Saves the income bracket and dependants of the caller's household.
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all)]
async fn save_circumstances(
    ctx: Ctx,
    income_bracket: Option<String>,
    dependants: String,
    next: Option<String>,
) -> Result<(), AppError> {
    let income_bracket = income_bracket
        .filter(|b| super::INCOME_BRACKETS.contains(&b.as_str()))
        .ok_or_else(|| AppError::validation("income_bracket", ErrorKey::IncomeBracketInvalid))?;
    let dependants = super::parse_dependants(&dependants)
        .ok_or_else(|| AppError::validation("dependants", ErrorKey::DependantsInvalid))?;
    let (user, id) = own_household(&ctx).await?;
    db::update_fields(
        ctx.db(),
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
    let checked = [
        food,
        sweets,
        sewing,
        embroidery,
        handicrafts,
        perfume_incense,
        beauty,
        other,
    ];
    serve(|ctx| save_crafts(ctx, checked, next)).await
}

/// Saves the crafts checked, in catalogue order.
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all)]
async fn save_crafts(
    ctx: Ctx,
    checked: [Option<String>; 8],
    next: Option<String>,
) -> Result<(), AppError> {
    let chosen: Vec<&str> = checked
        .iter()
        .zip(super::CRAFTS)
        .filter(|(value, _)| value.is_some())
        .map(|(_, code)| code)
        .collect();
    let (user, id) = own_household(&ctx).await?;
    db::update_fields(
        ctx.db(),
        id,
        user.user_id,
        &[("crafts", FieldValue::Text(Some(chosen.join(","))))],
    )
    .await?;
    go_next(next);
    Ok(())
}

/// Adds a member (name, relation, birth date, optional national ID).
#[server(endpoint = "add_household_member")]
pub async fn add_household_member(
    full_name: String,
    relation: String,
    birth_date: Option<String>,
    national_id: Option<String>,
    birth_calendar: Option<String>,
    birth_date_hijri: Option<String>,
) -> Result<(), AppError> {
    let birth = BirthDateInput {
        calendar: birth_calendar,
        gregorian: birth_date,
        hijri: birth_date_hijri,
    };
    serve(|ctx| add_member(ctx, full_name, relation, birth, national_id)).await
}

/// A birth date as the member form sends it: a Gregorian day from the date
/// picker, or a Hijri day typed as on the ID card (`birth_calendar=hijri`).
#[cfg(feature = "ssr")]
struct BirthDateInput {
    calendar: Option<String>,
    gregorian: Option<String>,
    hijri: Option<String>,
}

#[cfg(feature = "ssr")]
impl BirthDateInput {
    /// The one stored date (`YYYY-MM-DD`, Gregorian), or the field's error.
    fn read(&self) -> Result<String, AppError> {
        if self.calendar.as_deref() == Some("hijri") {
            return crate::time::HijriDay::parse(self.hijri.as_deref().unwrap_or(""))
                .and_then(crate::time::HijriDay::to_gregorian)
                .map(|day| day.to_string())
                .ok_or_else(|| {
                    AppError::validation("birth_date_hijri", ErrorKey::HijriDateInvalid)
                });
        }
        super::parse_birth_date(self.gregorian.as_deref().unwrap_or(""))
            .ok_or_else(|| AppError::validation("birth_date", ErrorKey::BirthDateInvalid))
    }
}

/// Adds a member to the caller's household (an ID given is only a claim).
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all)]
async fn add_member(
    ctx: Ctx,
    full_name: String,
    relation: String,
    birth: BirthDateInput,
    national_id: Option<String>,
) -> Result<(), AppError> {
    let full_name = person_name("full_name", &full_name)?;
    if !super::RELATIONS.contains(&relation.as_str()) {
        return Err(AppError::validation("relation", ErrorKey::RelationInvalid));
    }
    let birth_date = birth.read()?;
    let national_id = match national_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(raw) => {
            Some(NationalId::parse(raw).map_err(|e| AppError::validation("national_id", e))?)
        }
        None => None,
    };
    let (user, id) = own_household(&ctx).await?;
    crate::database::retrying(|| {
        db::add_member(
            ctx.db(),
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

/// Removes a member of the signed-in person's own household.
#[server(endpoint = "remove_household_member")]
pub async fn remove_household_member(member_id: i64) -> Result<(), AppError> {
    serve(|ctx| remove_member(ctx, member_id)).await
}

/// Removes one member of the caller's household.
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all, fields(member_id = member_id))]
async fn remove_member(ctx: Ctx, member_id: i64) -> Result<(), AppError> {
    let (user, id) = own_household(&ctx).await?;
    db::remove_member(ctx.db(), id, user.user_id, member_id).await?;
    Ok(())
}

/// Submits the household once the required steps are done and the privacy
/// notice is accepted (its version and the time are stored).
#[server(endpoint = "submit_household")]
pub async fn submit_household(consent: Option<String>) -> Result<(), AppError> {
    serve(|ctx| submit(ctx, consent)).await
}

/// Submits the caller's complete household and looks for duplicates.
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all)]
async fn submit(ctx: Ctx, consent: Option<String>) -> Result<(), AppError> {
    if consent.as_deref() != Some(super::PRIVACY_NOTICE_VERSION) {
        return Err(AppError::validation("consent", ErrorKey::ConsentRequired));
    }
    let (user, id) = own_household(&ctx).await?;
    let household = db::load(ctx.db(), id).await?.ok_or(AppError::NotFound)?;
    if household.phone.is_none()
        || household.district_id.is_none()
        || household.income_bracket.is_none()
        || household.dependants.is_none()
    {
        return Err(AppError::Conflict(ErrorKey::HouseholdIncomplete));
    }
    crate::database::retrying(|| {
        db::submit(ctx.db(), id, user.user_id, super::PRIVACY_NOTICE_VERSION)
    })
    .await?;
    super::duplicates::check(ctx.db(), id).await?;
    leptos_axum::redirect(&format!("{}?step=review", super::WIZARD_PAGE));
    Ok(())
}

/// A household's history: for its head, and for the council admin (audited).
#[server(endpoint = "get_household_history")]
pub async fn get_household_history(household_id: i64) -> Result<Vec<HouseholdChange>, AppError> {
    serve(|ctx| household_history(ctx, household_id)).await
}

/// The history, for its head or (audited) staff whose association serves it.
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all, fields(household_id = household_id))]
async fn household_history(ctx: Ctx, household_id: i64) -> Result<Vec<HouseholdChange>, AppError> {
    let user = ctx.require(Requirement::SignedIn).await?;
    let own = db::household_of_head(ctx.db(), &user.national_id)
        .await?
        .is_some_and(|h| h.id == household_id);
    if !own {
        // Staff read it when a line or benefit links the household to their association.
        let linked = user.is_council_admin()
            || db::served_by_any(ctx.db(), household_id, &user.association_ids()).await?;
        if !linked {
            ctx.require(Requirement::CouncilAdmin).await?;
        }
        let event = ctx
            .event(audit::action::HOUSEHOLD_VIEWED)
            .subject("household", household_id);
        audit::record(ctx.db(), event).await?;
    }
    Ok(db::history(ctx.db(), household_id).await?)
}

/// What the registration wizard shows: the household (if started), the
/// cities, and the districts of the chosen city (or of the household's).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct WizardData {
    pub household: Option<Household>,
    pub cities: Vec<crate::places::City>,
    pub city_id: Option<i64>,
    pub districts: Vec<crate::places::District>,
    /// The caller is not a head but a member the head allows to act for
    /// the household: its head's name (the page offers the household's
    /// applications and shop instead of a wizard of their own).
    #[serde(default)]
    pub acts_for: Option<String>,
}

/// The registration wizard's data for the signed-in family member.
#[server(endpoint = "get_household_wizard")]
pub async fn get_household_wizard(city_id: Option<i64>) -> Result<WizardData, AppError> {
    serve(|ctx| household_wizard(ctx, city_id)).await
}

/// The caller's household, the cities and the districts of the city shown.
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all)]
async fn household_wizard(ctx: Ctx, city_id: Option<i64>) -> Result<WizardData, AppError> {
    let user = ctx.require(Requirement::FamilyMember).await?;
    let db = ctx.db();
    let household = db::household_of_head(db, &user.national_id).await?;
    let acts_for = match (&household, db::acting_for(db, &user.national_id).await?) {
        (None, Some(a)) if !a.is_head() => {
            db::load(db, a.household_id).await?.map(|h| h.head_name_ar)
        }
        _ => None,
    };
    let cities = crate::places::db::list_cities(db).await?;
    let city_id = match (city_id, household.as_ref().and_then(|h| h.district_id)) {
        (Some(city), _) => Some(city),
        (None, Some(district)) => crate::places::db::city_of_district(db, district).await?,
        (None, None) => crate::places::city_to_open(None, &cities),
    };
    let districts = match city_id {
        Some(city) => crate::places::db::list_districts(db, city).await?,
        None => Vec::new(),
    };
    Ok(WizardData {
        household,
        cities,
        city_id,
        districts,
        acts_for,
    })
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
    serve(|ctx| walk_in(ctx, national_id, head_name, phone, district_id)).await
}

/// The first association of the caller's staff roles; refused (the council
/// requirement's audited 403) for someone without one.
#[cfg(feature = "ssr")]
async fn staff_association(ctx: &Ctx) -> Result<(&CurrentUser, i64), AppError> {
    let user = ctx.require(Requirement::SignedIn).await?;
    match user.association_ids().first() {
        Some(&association_id) => Ok((user, association_id)),
        None => Err(ctx
            .require(Requirement::CouncilAdmin)
            .await
            .err()
            .unwrap_or(AppError::Forbidden)),
    }
}

/// Registers a walk-in household for the caller's association, audited.
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all)]
async fn walk_in(
    ctx: Ctx,
    national_id: String,
    head_name: String,
    phone: String,
    district_id: String,
) -> Result<(), AppError> {
    let (user, association_id) = staff_association(&ctx).await?;
    let national_id =
        NationalId::parse(&national_id).map_err(|e| AppError::validation("national_id", e))?;
    let head_name = person_name("head_name", &head_name)?;
    let phone = super::SaudiPhone::parse(&phone)
        .map_err(|_| AppError::validation("phone", ErrorKey::PhoneFormat))?;
    let district_id = known_district(&ctx, &district_id).await?;
    if db::household_of_head(ctx.db(), national_id.as_str())
        .await?
        .is_some()
    {
        return Err(AppError::Conflict(ErrorKey::HouseholdExists));
    }
    let audit = ctx
        .event(audit::action::WALK_IN_REGISTERED)
        .acting_for(Some(association_id));
    let id = db::register_walk_in(
        ctx.db(),
        national_id.as_str(),
        &head_name,
        user.user_id,
        association_id,
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
    super::duplicates::check(ctx.db(), id).await?;
    // The notice links to the household's file, where staff may apply for it.
    leptos_axum::redirect(&format!("{}?registered={id}", super::WALK_IN_PAGE));
    Ok(())
}

/// What the walk-in form needs: the cities and the districts of the chosen one.
#[server(endpoint = "get_walk_in_form")]
pub async fn get_walk_in_form(city_id: Option<i64>) -> Result<WizardData, AppError> {
    serve(|ctx| walk_in_form(ctx, city_id)).await
}

/// The cities and districts, for association staff only.
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all)]
async fn walk_in_form(ctx: Ctx, city_id: Option<i64>) -> Result<WizardData, AppError> {
    let user = ctx.require(Requirement::SignedIn).await?;
    if user.association_ids().is_empty() {
        ctx.require(Requirement::CouncilAdmin).await?;
        return Err(AppError::Forbidden);
    }
    let cities = crate::places::db::list_cities(ctx.db()).await?;
    let city_id = crate::places::city_to_open(city_id, &cities);
    let districts = match city_id {
        Some(city) => crate::places::db::list_districts(ctx.db(), city).await?,
        None => Vec::new(),
    };
    Ok(WizardData {
        household: None,
        cities,
        city_id,
        districts,
        acts_for: None,
    })
}
