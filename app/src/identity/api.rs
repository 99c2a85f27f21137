//! Server functions of the identity domain. Each one runs its body in a
//! [`Ctx`](super::ctx::Ctx) through [`serve`](super::ctx::serve), so plain HTML
//! forms (no JavaScript) get a redirect with the error and JSON callers a 4xx.

pub use crate::paths::{AFTER_SIGN_IN, SIGN_IN_PAGE, WAIT_PAGE};
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use super::{CurrentUser, PendingSignIn, SignInState};
use crate::error::AppError;

#[cfg(feature = "ssr")]
use {
    super::{
        NationalId,
        ctx::{Ctx, serve, serve_at},
        db,
        nafath::NafathStatus,
        session::{self, CookieLife},
    },
    crate::audit,
    crate::database::now,
    crate::text::mask_identifier,
};

/// Starts a Nafath sign-in for this national ID and sends the browser to the
/// waiting page, which shows the number to pick in the Nafath app.
#[server(endpoint = "start_sign_in")]
pub async fn start_sign_in(national_id: String) -> Result<(), AppError> {
    serve(|ctx| start(ctx, national_id)).await
}

/// The window of the sign-in limits.
#[cfg(feature = "ssr")]
const SIGN_IN_WINDOW_SECS: i64 = 600;

/// Polls allowed per sign-in attempt in a window (the waiting page polls
/// every few seconds for three minutes).
#[cfg(feature = "ssr")]
const POLLS_PER_ATTEMPT: i64 = 300;

#[cfg(feature = "ssr")]
fn client_counter(client_ip: &str) -> String {
    format!("client:{client_ip}")
}

#[cfg(feature = "ssr")]
fn pair_counter(national_id: &NationalId, client_ip: &str) -> String {
    format!("pair:{}|{client_ip}", national_id.as_str())
}

/// Counts the attempt against the limits, asks Nafath, and binds the pending
/// sign-in to this browser.
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all)]
async fn start(ctx: Ctx, national_id: String) -> Result<(), AppError> {
    let state = &ctx.state;
    let national_id =
        NationalId::parse(&national_id).map_err(|e| AppError::validation("national_id", e))?;
    let client_ip = ctx.client_ip.clone();

    // Limits live in the database so that every server instance counts the
    // same attempts. A national ID is counted with the client trying it, so a
    // stranger elsewhere cannot lock its owner out; the client's own count
    // stops one address from trying many IDs.
    let refused = match db::count_event(
        &state.db,
        &client_counter(&client_ip),
        state.settings.sign_in_limit_per_ip,
        SIGN_IN_WINDOW_SECS,
    )
    .await?
    {
        db::Allowance::RefusedUntil(_) => true,
        db::Allowance::Allowed => {
            db::count_event(
                &state.db,
                &pair_counter(&national_id, &client_ip),
                state.settings.sign_in_limit_per_id,
                SIGN_IN_WINDOW_SECS,
            )
            .await?
                != db::Allowance::Allowed
        }
    };
    if refused {
        let event = sign_in_event(&ctx, audit::action::SIGN_IN_FAILED)
            .subject("national_id", national_id.masked())
            .detail("rate_limited");
        audit::record(ctx.db(), event).await?;
        return Err(AppError::RateLimited);
    }

    let transaction = state.nafath.request(&national_id).await.map_err(|error| {
        tracing::warn!(%error, "Nafath request failed");
        AppError::Unavailable
    })?;
    let pending_token = session::new_token();
    db::insert_attempt(
        &state.db,
        &session::hash_token(&pending_token),
        &transaction.trans_id,
        &national_id,
        &transaction.random,
        &client_ip,
    )
    .await?;
    session::set_response_cookie(
        session::pending_cookie(&state.settings),
        &pending_token,
        CookieLife::Seconds(state.settings.sign_in_wait_secs + 120),
        state.settings.secure_cookies(),
    );
    leptos_axum::redirect(WAIT_PAGE);
    Ok(())
}

/// The pending sign-in of this browser, for the waiting page.
#[server(endpoint = "get_pending_sign_in")]
pub async fn get_pending_sign_in() -> Result<Option<PendingSignIn>, AppError> {
    serve(pending_sign_in).await
}

/// The attempt this browser's pending cookie names, with the number to pick.
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all)]
async fn pending_sign_in(ctx: Ctx) -> Result<Option<PendingSignIn>, AppError> {
    let state = &ctx.state;
    let Some(token) = session::request_cookie(session::pending_cookie(&state.settings)) else {
        return Ok(None);
    };
    let attempt = db::attempt_by_pending_token(&state.db, &session::hash_token(&token)).await?;
    Ok(attempt.map(|a| PendingSignIn {
        masked_national_id: mask_identifier(&a.national_id),
        random: a.random,
        state: a.state,
        refresh_secs: state.settings.sign_in_refresh_secs,
        expires_in_secs: (state.settings.sign_in_wait_secs - (now() - a.created_at)).max(0),
    }))
}

/// Asks Nafath (or the callback's stored answer) where this browser's sign-in
/// stands. When approved, signs the person in with a fresh session and sends
/// them to their account; when still waiting, back to the waiting page; when
/// refused, expired or too slow, to the sign-in page with the reason.
/// A GET so that the waiting page can poll it by refreshing, without JavaScript.
#[server(endpoint = "poll_sign_in", input = GetUrl)]
pub async fn poll_sign_in() -> Result<SignInState, AppError> {
    serve_at(SIGN_IN_PAGE, poll).await
}

/// Settles a waiting attempt with Nafath's answer, then signs in, waits or fails.
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all)]
async fn poll(ctx: Ctx) -> Result<SignInState, AppError> {
    use crate::error::ErrorKey;

    let state = &ctx.state;
    let token = session::request_cookie(session::pending_cookie(&state.settings))
        .ok_or(AppError::Conflict(ErrorKey::SignInNotFound))?;
    let mut attempt = db::attempt_by_pending_token(&state.db, &session::hash_token(&token))
        .await?
        .ok_or(AppError::Conflict(ErrorKey::SignInNotFound))?;
    // Each poll may ask Nafath: a script hammering the poll of one attempt
    // gets refused long before Nafath would refuse us.
    if db::count_event(
        &state.db,
        &format!("poll:{}", attempt.id),
        POLLS_PER_ATTEMPT,
        SIGN_IN_WINDOW_SECS,
    )
    .await?
        != db::Allowance::Allowed
    {
        return Err(AppError::RateLimited);
    }

    if attempt.state == SignInState::Waiting {
        let (next, name_ar, name_en) =
            if now() - attempt.created_at > state.settings.sign_in_wait_secs {
                (SignInState::TimedOut, None, None)
            } else {
                let national_id =
                    NationalId::parse(&attempt.national_id).map_err(|_| AppError::Internal)?;
                let transaction = super::nafath::NafathTransaction {
                    trans_id: attempt.trans_id.clone(),
                    random: attempt.random.clone(),
                };
                match state.nafath.status(&national_id, &transaction).await {
                    Ok(NafathStatus::Waiting) => (SignInState::Waiting, None, None),
                    Ok(NafathStatus::Completed(person)) => {
                        (SignInState::Completed, person.name_ar, person.name_en)
                    }
                    Ok(NafathStatus::Rejected) => (SignInState::Rejected, None, None),
                    Ok(NafathStatus::Expired) => (SignInState::Expired, None, None),
                    Err(error) => {
                        // Keep waiting: the next poll (or the callback) may succeed.
                        tracing::warn!(%error, "Nafath status failed");
                        (SignInState::Waiting, None, None)
                    }
                }
            };
        if next != SignInState::Waiting {
            db::settle_attempt(
                &state.db,
                &attempt.trans_id,
                &attempt.national_id,
                next,
                name_ar.as_deref(),
                name_en.as_deref(),
            )
            .await?;
            // Re-read: a callback may have settled it first, and its answer stands.
            attempt = db::attempt_by_pending_token(&state.db, &session::hash_token(&token))
                .await?
                .ok_or(AppError::Conflict(ErrorKey::SignInNotFound))?;
        }
    }

    match attempt.state {
        SignInState::Waiting => {
            leptos_axum::redirect(WAIT_PAGE);
            Ok(SignInState::Waiting)
        }
        SignInState::Completed if !attempt.consumed => {
            complete_sign_in(&ctx, &attempt).await?;
            leptos_axum::redirect(AFTER_SIGN_IN);
            Ok(SignInState::Completed)
        }
        SignInState::Completed => Err(AppError::Conflict(ErrorKey::SignInNotFound)),
        failed => {
            session::set_response_cookie(
                session::pending_cookie(&state.settings),
                "",
                CookieLife::Delete,
                state.settings.secure_cookies(),
            );
            let event = sign_in_event(&ctx, audit::action::SIGN_IN_FAILED)
                .subject("national_id", mask_identifier(&attempt.national_id))
                .detail(failed.as_str());
            audit::record(ctx.db(), event).await?;
            Err(AppError::Conflict(match failed {
                SignInState::Rejected => ErrorKey::SignInRejected,
                SignInState::Expired => ErrorKey::SignInExpired,
                _ => ErrorKey::SignInTimedOut,
            }))
        }
    }
}

/// An audit row of the sign-in flow: its actor is the person signing in once
/// known, never a session this browser may still hold.
#[cfg(feature = "ssr")]
fn sign_in_event(ctx: &Ctx, action: &'static str) -> audit::AuditEvent<'static> {
    let mut event = ctx.event(action);
    event.actor_user_id = None;
    event
}

/// Creates the session for an approved attempt: one approval, one session; a
/// new session id every time (any earlier session of this browser ends).
#[cfg(feature = "ssr")]
async fn complete_sign_in(ctx: &Ctx, attempt: &db::SignInAttempt) -> Result<(), AppError> {
    use crate::error::ErrorKey;

    let state = &ctx.state;
    let token = session::new_token();
    let token_hash = session::hash_token(&token);
    let mut tx = state.db.begin_write().await?;
    if !db::consume_attempt(&mut tx, attempt.id).await? {
        return Err(AppError::Conflict(ErrorKey::SignInNotFound));
    }
    let user_id = db::upsert_verified_user(
        &mut tx,
        &attempt.national_id,
        attempt.person_name_ar.as_deref(),
        attempt.person_name_en.as_deref(),
    )
    .await?;
    if db::is_disabled(&mut tx, user_id).await? {
        return Err(AppError::Forbidden);
    }
    db::insert_session(
        &mut tx,
        &token_hash,
        user_id,
        session::user_agent().as_deref(),
    )
    .await?;
    let mut event = sign_in_event(ctx, audit::action::SIGN_IN);
    event.actor_user_id = Some(user_id);
    audit::record_in(&mut tx, event).await?;
    tx.commit().await?;
    if let Ok(national_id) = NationalId::parse(&attempt.national_id) {
        db::clear_counter(&state.db, &pair_counter(&national_id, &ctx.client_ip)).await?;
    }

    if let Some(previous) = session::current_session() {
        db::delete_session(&state.db, &previous.token_hash).await?;
    }
    let secure = state.settings.secure_cookies();
    session::set_response_cookie(
        session::session_cookie(&state.settings),
        &token,
        CookieLife::BrowserSession,
        secure,
    );
    session::set_response_cookie(
        session::pending_cookie(&state.settings),
        "",
        CookieLife::Delete,
        secure,
    );
    Ok(())
}

/// Ends this browser's session.
#[server(endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    serve(|ctx| end_session(ctx, false)).await
}

/// Ends every session of the signed-in person, on every device.
#[server(endpoint = "sign_out_everywhere")]
pub async fn sign_out_everywhere() -> Result<(), AppError> {
    serve(|ctx| end_session(ctx, true)).await
}

/// Ends this session (or all of the person's), clears the cookie, audited.
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all)]
async fn end_session(ctx: Ctx, everywhere: bool) -> Result<(), AppError> {
    let state = &ctx.state;
    let current = session::current_session().ok_or(AppError::Unauthorized)?;
    if everywhere {
        db::delete_user_sessions(&state.db, current.user.user_id).await?;
    } else {
        db::delete_session(&state.db, &current.token_hash).await?;
    }
    session::set_response_cookie(
        session::session_cookie(&state.settings),
        "",
        CookieLife::Delete,
        state.settings.secure_cookies(),
    );
    let event = ctx.event(if everywhere {
        audit::action::SIGN_OUT_EVERYWHERE
    } else {
        audit::action::SIGN_OUT
    });
    audit::record(ctx.db(), event).await?;
    leptos_axum::redirect("/");
    Ok(())
}

/// The signed-in person (their own identity, so the ID is whole), or `None`.
#[server(endpoint = "get_current_user")]
pub async fn get_current_user() -> Result<Option<CurrentUser>, AppError> {
    serve(|ctx| async move { Ok(ctx.user) }).await
}

/// A pending request on the simulator's phone-app page.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SimulatorRequest {
    pub trans_id: String,
    pub national_id: String,
    pub choices: Vec<String>,
}

/// The simulator's pending requests. Exists only while the simulator is the
/// provider (never in production).
#[server(endpoint = "list_simulator_requests")]
pub async fn list_simulator_requests() -> Result<Vec<SimulatorRequest>, AppError> {
    serve(simulator_requests).await
}

/// The simulator's requests still waiting for the "phone".
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all)]
async fn simulator_requests(ctx: Ctx) -> Result<Vec<SimulatorRequest>, AppError> {
    use super::nafath::simulator;
    let state = &ctx.state;
    if !state.nafath.is_simulator() {
        return Err(AppError::NotFound);
    }
    Ok(simulator::pending(&state.db)
        .await?
        .into_iter()
        .map(|r| SimulatorRequest {
            choices: simulator::choices(&r.random),
            trans_id: r.trans_id,
            national_id: r.national_id,
        })
        .collect())
}

/// The simulator's "phone": picks a number for a request (the right one
/// approves, another rejects), or rejects it outright when `picked` is empty.
#[server(endpoint = "decide_simulator_request")]
pub async fn decide_simulator_request(
    trans_id: String,
    picked: Option<String>,
) -> Result<(), AppError> {
    serve(|ctx| decide_simulator(ctx, trans_id, picked)).await
}

/// Approves or rejects one simulator request.
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all)]
async fn decide_simulator(
    ctx: Ctx,
    trans_id: String,
    picked: Option<String>,
) -> Result<(), AppError> {
    use super::nafath::simulator;
    let state = &ctx.state;
    if !state.nafath.is_simulator() {
        return Err(AppError::NotFound);
    }
    let picked = picked.filter(|p| !p.is_empty());
    if !simulator::decide(&state.db, &trans_id, picked.as_deref()).await? {
        return Err(AppError::Conflict(crate::error::ErrorKey::SignInExpired));
    }
    leptos_axum::redirect(super::pages::SIMULATOR_PAGE);
    Ok(())
}

/// Grants a role to the holder of a national ID. The council admin may grant
/// any role; an association admin only staff roles of their own association.
/// Audited.
#[server(endpoint = "grant_role")]
pub async fn grant_role(
    national_id: String,
    role: String,
    association_id: Option<i64>,
) -> Result<(), AppError> {
    serve(|ctx| grant(ctx, national_id, role, association_id)).await
}

/// Grants the role when the caller may; the grant writes its own audit row.
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all)]
async fn grant(
    ctx: Ctx,
    national_id: String,
    role: String,
    association_id: Option<i64>,
) -> Result<(), AppError> {
    use super::{Requirement, RoleKind};
    let state = &ctx.state;
    let role = RoleKind::parse(&role).ok_or(AppError::BadRequest)?;
    let requirement = match (role, association_id) {
        (RoleKind::AssociationStaff, Some(id)) => Requirement::AssociationAdmin(id),
        _ => Requirement::CouncilAdmin,
    };
    let actor = ctx.require(requirement).await?;
    let national_id =
        NationalId::parse(&national_id).map_err(|e| AppError::validation("national_id", e))?;
    let client_ip = &ctx.client_ip;
    db::grant_role(
        &state.db,
        &national_id,
        role,
        association_id,
        Some(actor.user_id),
        Some(client_ip),
    )
    .await
    .map_err(|e| match e {
        db::GrantError::Database(e) => AppError::from(e),
        _ => AppError::BadRequest,
    })?;
    Ok(())
}
