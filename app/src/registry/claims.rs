//! Claims on a person's national ID: a household that lists someone as a
//! member with their ID waits for that person to confirm it after signing in
//! with Nafath (or to say it is not them). Until then the ID is not the
//! household's, so no one can take another person's place in the registry.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::i18n::*;

#[cfg(feature = "ssr")]
use {
    super::db,
    crate::audit,
    crate::error::ErrorKey,
    crate::identity::{Ctx, Requirement, serve},
};

/// The documents staff may verify a member's ID with.
pub const VERIFYING_DOCUMENTS: [&str; 3] =
    ["national_id_card", "family_record", "birth_certificate"];

/// A household that lists the signed-in person as a member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberClaim {
    pub member_id: i64,
    pub head_name_ar: String,
    pub relation: String,
}

/// The claims on the signed-in person's own national ID.
#[server(endpoint = "get_member_claims")]
pub async fn get_member_claims() -> Result<Vec<MemberClaim>, AppError> {
    serve(member_claims).await
}

/// The households waiting for the caller to confirm their ID.
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all)]
async fn member_claims(ctx: Ctx) -> Result<Vec<MemberClaim>, AppError> {
    let user = ctx.require(Requirement::SignedIn).await?;
    Ok(db::pending_claims(ctx.db(), &user.national_id)
        .await?
        .into_iter()
        .map(|c| MemberClaim {
            member_id: c.member_id,
            head_name_ar: c.head_name_ar,
            relation: c.relation,
        })
        .collect())
}

/// The signed-in person answers a claim on their own ID: `confirm` makes the
/// ID the household's; otherwise it is taken off the member.
#[server(endpoint = "answer_member_claim")]
pub async fn answer_member_claim(member_id: i64, confirm: bool) -> Result<(), AppError> {
    serve(|ctx| answer_claim(ctx, member_id, confirm)).await
}

/// Confirms or declines one claim on the caller's own ID.
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all, fields(member_id = member_id))]
async fn answer_claim(ctx: Ctx, member_id: i64, confirm: bool) -> Result<(), AppError> {
    let user = ctx.require(Requirement::SignedIn).await?;
    if confirm {
        db::confirm_claim(ctx.db(), member_id, &user.national_id, user.user_id).await?;
    } else {
        db::decline_claim(ctx.db(), member_id, &user.national_id, user.user_id).await?;
    }
    leptos_axum::redirect(super::WIZARD_PAGE);
    Ok(())
}

/// Staff of an association serving the household (or the council) saw the
/// member's documents at the counter: the member's ID becomes the
/// household's. Audited; the history names the document.
#[server(endpoint = "verify_member_claim")]
pub async fn verify_member_claim(
    member_id: i64,
    document: String,
    next: Option<String>,
) -> Result<(), AppError> {
    serve(|ctx| verify_claim(ctx, member_id, document, next)).await
}

/// Confirms a member's ID on a document's evidence, for staff serving the
/// household (others get the answer of a member that does not exist).
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all, fields(member_id = member_id))]
async fn verify_claim(
    ctx: Ctx,
    member_id: i64,
    document: String,
    next: Option<String>,
) -> Result<(), AppError> {
    let user = ctx.require(Requirement::SignedIn).await?;
    let Some((household_id, national_id, confirmed)) =
        db::member_claim(ctx.db(), member_id).await?
    else {
        return Err(AppError::NotFound);
    };
    let serving = db::associations_serving(ctx.db(), household_id).await?;
    let acting_for = user
        .association_ids()
        .into_iter()
        .find(|id| serving.contains(id));
    if acting_for.is_none() && !user.is_council_admin() {
        // Not theirs: the same answer as a member that does not exist.
        return Err(AppError::NotFound);
    }
    if confirmed {
        return Err(AppError::Conflict(ErrorKey::ClaimAlreadyConfirmed));
    }
    if !VERIFYING_DOCUMENTS.contains(&document.as_str()) {
        return Err(AppError::validation("document", ErrorKey::DocumentRequired));
    }
    let event = ctx
        .event(audit::action::MEMBER_VERIFIED)
        .acting_for(acting_for)
        .subject("household", household_id)
        .detail(format!("member {member_id}: {document}"));
    db::verify_claim(
        ctx.db(),
        member_id,
        &national_id,
        user.user_id,
        &document,
        event,
    )
    .await?;
    if let Some(next) = next.filter(|n| n.starts_with('/') && !n.starts_with("//")) {
        leptos_axum::redirect(&next);
    }
    Ok(())
}

/// Staff's form to verify a member's ID with a document, for a member whose
/// ID is still only a claim. `next` is the page to come back to.
#[component]
pub fn VerifyMemberForm(member_id: i64, next: String) -> impl IntoView {
    let i18n = use_i18n();
    let id = format!("document-{member_id}");
    view! {
        <form method="post" action=VerifyMemberClaim::PATH class="inline-form verify-member">
            <input type="hidden" name="member_id" value=member_id.to_string() />
            <input type="hidden" name="next" value=next />
            <label for=id.clone()>{t!(i18n, claims.verify_with)}</label>
            <select id=id name="document" required>
                <option value="">{t!(i18n, claims.choose_document)}</option>
                <option value="national_id_card">{t!(i18n, claims.document_national_id_card)}</option>
                <option value="family_record">{t!(i18n, claims.document_family_record)}</option>
                <option value="birth_certificate">{t!(i18n, claims.document_birth_certificate)}</option>
            </select>
            <button type="submit" class="button secondary small">{t!(i18n, claims.verify)}</button>
        </form>
    }
}

/// The claims waiting for the signed-in person, with confirm and decline
/// buttons; nothing when there are none.
#[component]
pub fn MemberClaims() -> impl IntoView {
    let i18n = use_i18n();
    let claims = Resource::new_blocking(|| (), |_| get_member_claims());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let claims = claims.await.unwrap_or_default();
                (!claims.is_empty()).then(|| view! {
                    <section class="card notice" id="member-claims">
                        <h2>{t!(i18n, claims.title)}</h2>
                        <p>{t!(i18n, claims.intro)}</p>
                        <ul>
                            {claims.into_iter().map(|c| {
                                let id = c.member_id.to_string();
                                view! {
                                    <li>
                                        <strong>{c.head_name_ar.clone()}</strong>
                                        <form method="post" action=AnswerMemberClaim::PATH class="inline-form">
                                            <input type="hidden" name="member_id" value=id.clone() />
                                            <input type="hidden" name="confirm" value="true" />
                                            <button type="submit" class="button primary small">{t!(i18n, claims.confirm)}</button>
                                        </form>
                                        <form method="post" action=AnswerMemberClaim::PATH class="inline-form">
                                            <input type="hidden" name="member_id" value=id />
                                            <input type="hidden" name="confirm" value="false" />
                                            <button type="submit" class="button secondary small">{t!(i18n, claims.decline)}</button>
                                        </form>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    </section>
                })
            })}
        </Suspense>
    }
}
