//! Review of what a family writes about its shop: the name and the bio reach
//! the public only once a moderator (the household's association, or the
//! council) approves them, like a product. Until then the public keeps seeing
//! the last approved text; a new shop shows no name of its own.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

#[cfg(feature = "ssr")]
use {
    super::api::{moderator, optional, require_moderates},
    super::db,
    crate::audit,
    crate::error::ErrorKey,
    crate::identity::{Ctx, serve},
};

/// The text a family writes about its shop.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShopText {
    pub name_ar: String,
    pub name_en: Option<String>,
    pub bio: String,
}

/// Where a shop's new text stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TextReview {
    /// Nothing waits: the public sees what the family wrote.
    Approved,
    /// The new text waits for a moderator.
    Pending,
    /// A moderator refused the new text, with a reason.
    Rejected,
}

impl TextReview {
    pub fn as_str(self) -> &'static str {
        match self {
            TextReview::Approved => "approved",
            TextReview::Pending => "pending",
            TextReview::Rejected => "rejected",
        }
    }

    pub fn parse(value: &str) -> Option<TextReview> {
        [
            TextReview::Approved,
            TextReview::Pending,
            TextReview::Rejected,
        ]
        .into_iter()
        .find(|r| r.as_str() == value)
    }
}

/// What a save does to the review: the text the family saved is compared
/// with the public text and with what already waits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AfterSave {
    /// The saved text is the public one: nothing waits any more.
    Public,
    /// The same refused text saved again (another field changed): it stays refused.
    StillRejected,
    /// New text: it waits for review (again).
    Review(ShopText),
}

/// The review after the family saves `wanted`, given the public text and
/// what waits (`proposed`, in state `review`).
pub fn after_save(
    public: &ShopText,
    proposed: Option<&ShopText>,
    review: TextReview,
    wanted: ShopText,
) -> AfterSave {
    if &wanted == public {
        AfterSave::Public
    } else if review == TextReview::Rejected && proposed == Some(&wanted) {
        AfterSave::StillRejected
    } else {
        AfterSave::Review(wanted)
    }
}

/// The family's own view of its shop text under review (none: nothing waits).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShopTextUnderReview {
    pub text: ShopText,
    pub review: TextReview,
    pub rejection_reason: Option<String>,
}

/// A shop's new text waiting for a moderator, beside the public one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingShopText {
    pub shop_id: i64,
    pub public: ShopText,
    pub proposed: ShopText,
}

/// Approves or refuses (with a reason) a shop's new name and bio. Only staff
/// of an association linked to the household, or the council.
#[server(endpoint = "moderate_shop")]
pub async fn moderate_shop(
    shop_id: i64,
    decision: String,
    reason: Option<String>,
) -> Result<(), AppError> {
    serve(|ctx| moderate(ctx, shop_id, decision, reason)).await
}

/// A moderator's decision on a shop's waiting text, audited with it.
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all, fields(shop_id = shop_id))]
async fn moderate(
    ctx: Ctx,
    shop_id: i64,
    decision: String,
    reason: Option<String>,
) -> Result<(), AppError> {
    moderator(&ctx).await?;
    let record = db::shop(ctx.db(), shop_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let acting_for = require_moderates(&ctx, record.household_id).await?;
    let approve = match decision.as_str() {
        "approve" => true,
        "reject" => false,
        _ => return Err(AppError::validation("decision", ErrorKey::BadRequest)),
    };
    let reason = optional(reason, 500);
    if !approve && reason.is_none() {
        return Err(AppError::validation("reason", ErrorKey::ReasonRequired));
    }
    let event = ctx
        .event(audit::action::SHOP_TEXT_MODERATED)
        .subject("shop", shop_id)
        .acting_for(acting_for)
        .detail(if approve { "approved" } else { "rejected" });
    db::decide_shop_text(ctx.db(), shop_id, approve, reason.as_deref(), event).await?;
    leptos_axum::redirect(super::MODERATION_PAGE);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(name: &str) -> ShopText {
        ShopText {
            name_ar: name.to_string(),
            name_en: None,
            bio: String::new(),
        }
    }

    #[test]
    fn new_text_waits_and_the_public_text_needs_no_review() {
        let public = text("حلويات نورة");
        assert_eq!(
            after_save(&public, None, TextReview::Approved, public.clone()),
            AfterSave::Public
        );
        assert_eq!(
            after_save(&public, None, TextReview::Approved, text("حلويات")),
            AfterSave::Review(text("حلويات"))
        );
        // A new shop has no public text: its first name waits.
        assert_eq!(
            after_save(
                &ShopText::default(),
                None,
                TextReview::Approved,
                public.clone()
            ),
            AfterSave::Review(public.clone())
        );
        // Going back to the public text withdraws what waited.
        let waiting = text("حلويات");
        assert_eq!(
            after_save(&public, Some(&waiting), TextReview::Pending, public.clone()),
            AfterSave::Public
        );
    }

    #[test]
    fn refused_text_saved_again_stays_refused_until_it_changes() {
        let public = text("حلويات نورة");
        let refused = text("اتصل بي على 0551234567");
        assert_eq!(
            after_save(
                &public,
                Some(&refused),
                TextReview::Rejected,
                refused.clone()
            ),
            AfterSave::StillRejected
        );
        assert_eq!(
            after_save(
                &public,
                Some(&refused),
                TextReview::Rejected,
                text("حلويات البيت")
            ),
            AfterSave::Review(text("حلويات البيت"))
        );
    }
}
