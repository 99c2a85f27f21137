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
    crate::error::respond,
    crate::identity::{Requirement, session},
    crate::state::app_state,
};

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
    respond(
        async {
            let state = app_state()?;
            let user = session::require(&state, Requirement::SignedIn).await?;
            Ok(db::pending_claims(&state.db, &user.national_id)
                .await?
                .into_iter()
                .map(|c| MemberClaim {
                    member_id: c.member_id,
                    head_name_ar: c.head_name_ar,
                    relation: c.relation,
                })
                .collect())
        }
        .await,
    )
}

/// The signed-in person answers a claim on their own ID: `confirm` makes the
/// ID the household's; otherwise it is taken off the member.
#[server(endpoint = "answer_member_claim")]
pub async fn answer_member_claim(member_id: i64, confirm: bool) -> Result<(), AppError> {
    respond(
        async {
            let state = app_state()?;
            let user = session::require(&state, Requirement::SignedIn).await?;
            if confirm {
                db::confirm_claim(&state.db, member_id, &user.national_id, user.user_id).await?;
            } else {
                db::decline_claim(&state.db, member_id, &user.national_id, user.user_id).await?;
            }
            leptos_axum::redirect(super::WIZARD_PAGE);
            Ok(())
        }
        .await,
    )
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
