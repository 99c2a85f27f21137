//! Training SQL (server only). Seats are held by one guarded update of the
//! course's counter (`enrolled < seats`, backed by a CHECK), so two instances
//! racing for the last seat cannot both win; the waitlist takes its numbers
//! from the same row. A person's enrollments are serialized by locking their
//! user row first, so the overlap check cannot race with itself.
//!
//! One file per seam: providers and trainers, courses and sessions,
//! enrollments, attendance and completion, follow-up flags, the day-before
//! session reminders.

mod attendance;
mod courses;
mod enrollments;
mod flags;
mod providers;
mod reminders;
pub(super) mod subject;

pub use attendance::*;
pub use courses::*;
pub use enrollments::*;
pub use flags::*;
pub use providers::*;
pub use reminders::*;

/// Why an enrollment, a cancellation or a course change was refused.
#[derive(Debug, thiserror::Error)]
pub enum TrainingError {
    #[error("the course does not exist")]
    NotFound,
    #[error("the course does not take enrollments now")]
    NotOpen,
    #[error("the household is not eligible for this course")]
    NotEligible,
    #[error("already enrolled or waitlisted in this course")]
    AlreadyEnrolled,
    #[error("the sessions overlap another course of the member")]
    Overlap,
    #[error("no active enrollment to cancel")]
    NotEnrolled,
    #[error("the course's status does not allow this")]
    WrongStatus,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

crate::db_failure!(TrainingError);
