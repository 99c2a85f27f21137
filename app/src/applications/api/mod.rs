//! Server functions of applications: the family applies and follows its
//! lines ([`family`]); association staff and the council read and move
//! lines ([`lines`]) and work their queues ([`queues`]); staff apply for a
//! family at the counter and the head answers ([`counter`]); the household's
//! file and an application's receipt are printed ([`file`]). Every function
//! decides access on the server.

mod counter;
#[cfg(feature = "ssr")]
pub(in crate::applications) mod documents;
mod family;
mod file;
mod lines;
mod queues;

pub use counter::*;
pub use family::*;
pub use file::*;
pub use lines::*;
pub use queues::*;

#[cfg(feature = "ssr")]
use {
    super::TransitionError,
    super::db::ApplicationError,
    crate::error::{AppError, ErrorKey},
};

#[cfg(feature = "ssr")]
impl From<ApplicationError> for AppError {
    fn from(error: ApplicationError) -> Self {
        match error {
            ApplicationError::AlreadyActive(_) => AppError::Conflict(ErrorKey::LineAlreadyActive),
            ApplicationError::InCooldown(_) => AppError::Conflict(ErrorKey::LineInCooldown),
            ApplicationError::StateChanged => AppError::Conflict(ErrorKey::AlreadyDecided),
            ApplicationError::NotFound => AppError::NotFound,
            ApplicationError::Database(e) => e.into(),
        }
    }
}

#[cfg(feature = "ssr")]
impl From<TransitionError> for AppError {
    fn from(error: TransitionError) -> Self {
        match error {
            TransitionError::Illegal { .. } => AppError::Conflict(ErrorKey::TransitionNotAllowed),
            TransitionError::ReasonRequired => {
                AppError::validation("note", ErrorKey::ReasonRequired)
            }
            TransitionError::ReferralIncomplete => {
                AppError::validation("note", ErrorKey::ReferralIncomplete)
            }
        }
    }
}
