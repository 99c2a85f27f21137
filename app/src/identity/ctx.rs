//! The request context every server function runs in: one way to write a
//! server function. A `#[server]` function only names its body:
//!
//! ```text
//! #[server(endpoint = "get_apply_form")]
//! pub async fn get_apply_form() -> Result<ApplyForm, AppError> {
//!     serve(apply_form).await
//! }
//!
//! #[cfg(feature = "ssr")]
//! #[tracing::instrument(skip_all)]
//! async fn apply_form(ctx: Ctx) -> Result<ApplyForm, AppError> { … }
//! ```
//!
//! [`serve`] builds the [`Ctx`] from the request and maps the body's error
//! once ([`crate::error::respond`]: a status for JSON callers, a redirect
//! back with `?error=` for plain form posts). The body asks the context who
//! is calling ([`Ctx::require`]), refuses with [`Ctx::deny`] (audited), and
//! starts its audit rows with [`Ctx::event`].

use std::future::Future;

use super::{CurrentUser, Requirement, session};
use crate::audit::{self, AuditEvent};
use crate::database::Db;
use crate::error::{AppError, respond, respond_at};
use crate::state::AppState;

/// Who is calling, from where, and the shared state; built once per call.
#[derive(Clone)]
pub struct Ctx {
    pub state: AppState,
    /// The signed-in person, if any.
    pub user: Option<CurrentUser>,
    /// The client's address (see [`session::client_ip`]); written on audit rows.
    pub client_ip: String,
}

impl Ctx {
    /// The context of the current request.
    pub fn from_request() -> Result<Self, AppError> {
        Ok(Self {
            state: crate::state::app_state()?,
            user: session::current_user(),
            client_ip: session::client_ip(),
        })
    }

    /// The database.
    pub fn db(&self) -> &Db {
        &self.state.db
    }

    /// The signed-in person; 401 when nobody is.
    pub fn user(&self) -> Result<&CurrentUser, AppError> {
        self.user.as_ref().ok_or(AppError::Unauthorized)
    }

    /// The signed-in person when they meet `requirement`; a refusal is
    /// audited (`access_denied`) and answered 403, nobody signed in 401.
    pub async fn require(&self, requirement: Requirement) -> Result<&CurrentUser, AppError> {
        let user = self.user()?;
        if user.satisfies(requirement) {
            return Ok(user);
        }
        Err(self.deny(format!("{requirement:?}")).await)
    }

    /// Refuses the call: records `access_denied` with a short, non-personal
    /// detail (what was asked for) and returns the 403 to answer with. When
    /// the audit row cannot be written the caller gets that failure instead.
    pub async fn deny(&self, detail: impl Into<String>) -> AppError {
        let event = self.event(audit::action::ACCESS_DENIED).detail(detail);
        match audit::record(self.db(), event).await {
            Ok(()) => AppError::Forbidden,
            Err(error) => error.into(),
        }
    }

    /// An audit row for `action` by the caller, from the caller's address;
    /// the body adds the subject and writes it (inside its transaction).
    pub fn event(&self, action: &'static str) -> AuditEvent<'static> {
        AuditEvent::new(action).by(
            self.user.as_ref().map(|u| u.user_id),
            Some(self.client_ip.clone()),
        )
    }

    /// Records a read of a list of households' personal data (see
    /// [`audit::record_list_read`]).
    pub async fn record_list_read(
        &self,
        acting_for: Option<i64>,
        read: audit::ListRead,
    ) -> Result<(), AppError> {
        let user = self.user()?;
        audit::record_list_read(
            self.db(),
            user.user_id,
            acting_for,
            &read,
            self.client_ip.clone(),
        )
        .await?;
        Ok(())
    }
}

/// Runs a server function's body in the request's [`Ctx`] and maps its error
/// once (see [`respond`]).
pub async fn serve<T, F, Fut>(body: F) -> Result<T, AppError>
where
    F: FnOnce(Ctx) -> Fut,
    Fut: Future<Output = Result<T, AppError>>,
{
    respond(run(body).await)
}

/// Like [`serve`], but a plain form post that fails goes back to `page`
/// instead of the Referer (see [`respond_at`]).
pub async fn serve_at<T, F, Fut>(page: &str, body: F) -> Result<T, AppError>
where
    F: FnOnce(Ctx) -> Fut,
    Fut: Future<Output = Result<T, AppError>>,
{
    respond_at(page, run(body).await)
}

/// The body's answer, or the error of building its context.
async fn run<T, F, Fut>(body: F) -> Result<T, AppError>
where
    F: FnOnce(Ctx) -> Fut,
    Fut: Future<Output = Result<T, AppError>>,
{
    body(Ctx::from_request()?).await
}
