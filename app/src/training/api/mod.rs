//! Server functions of training: the public course list and page, enrollment
//! and cancellation by family members, and the providers' side (courses,
//! sessions, status, attendance, completion, trainers, follow-up flags).
//! Every function checks its caller's rights here, whatever the page shows;
//! each rule is one function in `access`.

#[cfg(feature = "ssr")]
mod access;
mod attendance;
mod courses;
#[cfg(feature = "ssr")]
mod form;
mod public;
mod registry;

#[cfg(feature = "ssr")]
pub(super) use access::may_take_attendance;
pub use attendance::*;
pub use courses::*;
pub use public::*;
pub use registry::*;

pub use super::{
    Certificate, CourseFigures, FollowUpFlag, MyEnrollment, Provider, RosterEntry, Trainer,
};

#[cfg(feature = "ssr")]
use {super::db::TrainingError, crate::error::AppError, crate::error::ErrorKey};

#[cfg(feature = "ssr")]
impl From<TrainingError> for AppError {
    fn from(error: TrainingError) -> Self {
        match error {
            TrainingError::NotFound => AppError::NotFound,
            TrainingError::NotOpen => AppError::Conflict(ErrorKey::CourseNotOpen),
            TrainingError::NotEligible => AppError::Conflict(ErrorKey::CourseNotEligible),
            TrainingError::AlreadyEnrolled => AppError::Conflict(ErrorKey::AlreadyEnrolled),
            TrainingError::Overlap => AppError::Conflict(ErrorKey::CourseOverlap),
            TrainingError::NotEnrolled => AppError::Conflict(ErrorKey::NotEnrolled),
            TrainingError::WrongStatus => AppError::Conflict(ErrorKey::CourseStatusWrong),
            TrainingError::Database(e) => e.into(),
        }
    }
}
