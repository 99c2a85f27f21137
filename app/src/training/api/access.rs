//! Who may do what in training: one function per rule, shared by every
//! server function (and the roster export).

use crate::audit::AuditEvent;
use crate::database::Db;
use crate::error::AppError;
use crate::identity::{Ctx, CurrentUser, Requirement, RoleKind};
use crate::training::{Course, Provider, db};

/// The providers this person acts for (see [`db::providers_of`]).
pub(super) async fn own_providers(db: &Db, user: &CurrentUser) -> Result<Vec<i64>, sqlx::Error> {
    db::providers_of(db, user.user_id, &user.association_ids()).await
}

/// Whether this person may act for this provider: the council, or its staff.
pub(super) async fn may_manage_provider(
    db: &Db,
    user: &CurrentUser,
    provider_id: i64,
) -> Result<bool, sqlx::Error> {
    if user.is_council_admin() {
        return Ok(true);
    }
    Ok(own_providers(db, user).await?.contains(&provider_id))
}

/// The providers this person may choose on a form: every one for the
/// council, else those they act for.
pub(super) async fn choosable_providers(
    db: &Db,
    user: &CurrentUser,
) -> Result<Vec<Provider>, sqlx::Error> {
    let mine = own_providers(db, user).await?;
    Ok(db::providers(db)
        .await?
        .into_iter()
        .filter(|p| user.is_council_admin() || mine.contains(&p.id))
        .collect())
}

/// Whether this person may manage the course: the council, or staff of its provider.
pub(super) async fn may_manage(
    db: &Db,
    user: &CurrentUser,
    course: &Course,
) -> Result<bool, sqlx::Error> {
    may_manage_provider(db, user, course.provider_id).await
}

/// Whether this person may take the course's attendance (and read its
/// roster): its managers and its trainer.
pub(in crate::training) async fn may_take_attendance(
    db: &Db,
    user: &CurrentUser,
    course: &Course,
) -> Result<bool, sqlx::Error> {
    if may_manage(db, user, course).await? {
        return Ok(true);
    }
    let trainer = db::trainer_of_user(db, user.user_id).await?;
    Ok(trainer.is_some() && trainer == course.trainer_id)
}

/// Whether this person has any part in training (staff, trainer, council).
pub(super) fn training_role(user: &CurrentUser) -> bool {
    user.is_council_admin()
        || user.has(RoleKind::Trainer)
        || user.has(RoleKind::AssociationAdmin)
        || user.has(RoleKind::AssociationStaff)
}

/// The caller and the course, when the caller may manage it; 404 for no
/// such course, 403 otherwise (audited).
pub(super) async fn managed_course(
    ctx: &Ctx,
    course_id: i64,
) -> Result<(&CurrentUser, Course), AppError> {
    let user = ctx.require(Requirement::SignedIn).await?;
    let course = db::course(ctx.db(), course_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !may_manage(ctx.db(), user, &course).await? {
        return Err(ctx.deny(format!("manage course {course_id}")).await);
    }
    Ok((user, course))
}

/// The caller and the course, when the caller may take its attendance; 404
/// for no such course, 403 otherwise (audited).
pub(super) async fn attendance_course(
    ctx: &Ctx,
    course_id: i64,
) -> Result<(&CurrentUser, Course), AppError> {
    let user = ctx.require(Requirement::SignedIn).await?;
    let course = db::course(ctx.db(), course_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !may_take_attendance(ctx.db(), user, &course).await? {
        return Err(ctx.deny(format!("attendance of course {course_id}")).await);
    }
    Ok((user, course))
}

/// The caller, when they may act for this provider; 403 otherwise (audited).
pub(super) async fn require_provider(ctx: &Ctx, provider_id: i64) -> Result<(), AppError> {
    let user = ctx.user()?;
    if !may_manage_provider(ctx.db(), user, provider_id).await? {
        return Err(ctx.deny(format!("act for provider {provider_id}")).await);
    }
    Ok(())
}

/// The audit row of a change to a course (written with the change), for the
/// caller's first association.
pub(super) fn course_event(
    ctx: &Ctx,
    course_id: Option<i64>,
    action: &'static str,
) -> AuditEvent<'static> {
    let event = ctx.event(action).acting_for(
        ctx.user
            .as_ref()
            .and_then(|u| u.association_ids().first().copied()),
    );
    match course_id {
        Some(id) => event.subject("course", id),
        // A new course is the subject once saved.
        None => event,
    }
}
