//! The search's server function: staff search for the association they act
//! for, the council for none (so every household it finds is answered as
//! "elsewhere"); families, trainers and visitors are refused (audited).

use leptos::prelude::*;

use super::SearchResults;
use crate::error::AppError;

#[cfg(feature = "ssr")]
use {
    super::{FoundElsewhere, FoundHere, MAX_PAGES, PAGE_SIZE, Query, db},
    crate::audit::ListRead,
    crate::database::Db,
    crate::identity::{Ctx, Requirement, serve},
};

/// One page of households matching `q` (a name, a national ID or a phone).
#[server(endpoint = "search_households")]
pub async fn search_households(
    #[server(default)] q: String,
    #[server(default)] page: Option<i64>,
) -> Result<SearchResults, AppError> {
    serve(|ctx| search(ctx, q, page)).await
}

/// Whom the caller searches for: the acting association's staff, or the
/// council (`None`). Anyone else is refused.
#[cfg(feature = "ssr")]
async fn searcher(ctx: &Ctx) -> Result<Option<i64>, AppError> {
    let user = ctx.require(Requirement::SignedIn).await?;
    match user.acting_association_id() {
        Some(id) => {
            ctx.require(Requirement::AssociationMember(id)).await?;
            Ok(Some(id))
        }
        None if user.is_council_admin() => Ok(None),
        None => Err(ctx.deny("household search").await),
    }
}

#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all)]
async fn search(ctx: Ctx, q: String, page: Option<i64>) -> Result<SearchResults, AppError> {
    let association_id = searcher(&ctx).await?;
    let found = answer(ctx.db(), association_id, &q, page).await?;
    if let Some(kind) = found.results.kind {
        let list = |part: &str| format!("search {} {part}", kind.as_str());
        ctx.record_list_read(
            association_id,
            ListRead::shown(list("served"), found.here.len()).of(found.here),
        )
        .await?;
        // The households answered only as "elsewhere" are named in the audit
        // too, so each family's "My data" shows who found it.
        ctx.record_list_read(
            association_id,
            ListRead::shown(list("elsewhere"), found.elsewhere.len()).of(found.elsewhere),
        )
        .await?;
    }
    Ok(found.results)
}

/// A search's page and the households in it (for the audit rows).
#[cfg(feature = "ssr")]
pub struct Answer {
    pub results: SearchResults,
    /// Households shown in full (the association serves them).
    pub here: Vec<i64>,
    /// Households shown as "elsewhere".
    pub elsewhere: Vec<i64>,
}

/// The page of households matching `q` as `association_id` (`None`: the
/// council) may see them. Writes nothing: the caller audits.
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all)]
pub async fn answer(
    db: &Db,
    association_id: Option<i64>,
    q: &str,
    page: Option<i64>,
) -> Result<Answer, sqlx::Error> {
    let association = match association_id {
        Some(id) => db::association(db, id).await?,
        None => None,
    };
    let q: String = q.chars().take(100).collect();
    let page = page.unwrap_or(1).clamp(1, MAX_PAGES);
    let mut results = SearchResults {
        q: q.clone(),
        kind: None,
        error: None,
        association,
        here: Vec::new(),
        elsewhere: Vec::new(),
        page,
        more: false,
        refine: false,
    };
    let mut answer = Answer {
        results: results.clone(),
        here: Vec::new(),
        elsewhere: Vec::new(),
    };
    if q.trim().is_empty() {
        return Ok(answer);
    }
    let query = match Query::parse(&q) {
        Ok(query) => query,
        Err(error) => {
            answer.results.error = Some(error.key().to_string());
            return Ok(answer);
        }
    };
    results.kind = Some(query.kind());
    // Households in the order found, with the member whose name matched.
    let wanted = page as usize * PAGE_SIZE + 1;
    let found: Vec<(i64, i64)> = match &query {
        Query::NationalId(id) => db::by_national_id(db, id)
            .await?
            .into_iter()
            .map(|h| (h, 0))
            .collect(),
        Query::Phone(phone) => db::by_phone(db, phone, wanted)
            .await?
            .into_iter()
            .map(|h| (h, 0))
            .collect(),
        Query::Name(parts) => db::by_name(db, parts, wanted).await?,
    };
    let skip = (page as usize - 1) * PAGE_SIZE;
    let beyond = found.len() > skip + PAGE_SIZE;
    results.more = beyond && page < MAX_PAGES;
    results.refine = beyond && page == MAX_PAGES;
    let found: Vec<(i64, i64)> = found.into_iter().skip(skip).take(PAGE_SIZE).collect();
    let ids: Vec<i64> = found.iter().map(|(h, _)| *h).collect();
    let rows = db::households(db, &ids).await?;
    let serving = db::serving(db, &ids).await?;
    let served_here = |household: i64| {
        association_id.is_some_and(|a| {
            serving
                .get(&household)
                .is_some_and(|s| s.iter().any(|(id, _)| *id == a))
        })
    };
    let elsewhere_ids: Vec<i64> = ids
        .iter()
        .copied()
        .filter(|h| rows.contains_key(h) && !served_here(*h))
        .collect();
    let benefits = db::benefits(db, &elsewhere_ids).await?;
    let members: Vec<i64> = found
        .iter()
        .filter(|(h, person)| *person != 0 && served_here(*h))
        .map(|(_, person)| *person)
        .collect();
    let member_names = db::member_names(db, &members).await?;
    for (household, person) in &found {
        let Some(row) = rows.get(household) else {
            continue;
        };
        let registered = row.status == "registered";
        if served_here(*household) {
            answer.here.push(*household);
            results.here.push(FoundHere {
                household_id: row.id,
                head_name_ar: row.head_name_ar.clone(),
                member_name: member_names.get(person).cloned(),
                national_id_masked: crate::text::mask_identifier(&row.head_national_id),
                phone: row
                    .phone
                    .as_deref()
                    .and_then(|p| crate::phone::SaudiPhone::parse(p).ok())
                    .map(|p| p.local()),
                district_name_ar: row.district_name_ar.clone(),
                district_name_en: row.district_name_en.clone(),
                registered,
            });
        } else {
            let mut benefits = benefits.get(household).cloned().unwrap_or_default();
            benefits.truncate(10);
            results.elsewhere.push(FoundElsewhere {
                registered,
                served_by: serving
                    .get(household)
                    .map(|s| s.iter().map(|(_, n)| n.clone()).collect())
                    .unwrap_or_default(),
                benefits,
            });
        }
    }
    answer.elsewhere = elsewhere_ids;
    answer.results = results;
    Ok(answer)
}
