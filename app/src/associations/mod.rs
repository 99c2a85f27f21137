//! Associations: the charitable associations that serve families, with their
//! staff memberships (held as roles in the identity domain). The council
//! creates, edits, suspends and reactivates them (the `network` domain's
//! pages); nothing about an association is ever deleted.

#[cfg(feature = "ssr")]
pub mod db;

use serde::{Deserialize, Serialize};

/// A charitable association.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Association {
    pub id: i64,
    pub licence_number: String,
    pub name_ar: String,
    pub name_en: String,
    /// Suspended associations keep their rows but route nothing, receive no
    /// referrals, and their staff have no access.
    pub active: bool,
}

/// Whether an association works on the platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssociationStatus {
    Active,
    Suspended,
}

impl AssociationStatus {
    /// The value stored in `associations.status`.
    pub fn as_str(self) -> &'static str {
        match self {
            AssociationStatus::Active => "active",
            AssociationStatus::Suspended => "suspended",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [AssociationStatus::Active, AssociationStatus::Suspended]
            .into_iter()
            .find(|s| s.as_str() == value)
    }
}

/// An association's card as the council edits it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssociationProfile {
    pub id: i64,
    /// The licence number from the National Center for Non-Profit Sector.
    pub licence_number: String,
    pub name_ar: String,
    pub name_en: String,
    pub city_id: Option<i64>,
    pub contact_name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub status: AssociationStatus,
    /// Why it was last suspended or reactivated, as the council wrote it.
    pub status_reason: Option<String>,
    pub status_changed_at: Option<i64>,
    pub created_at: i64,
    pub logo: Option<Logo>,
}

/// An association's logo: a photo in the photo store, served under
/// [`crate::paths::LOGO_FILES`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Logo {
    pub key: String,
    /// The stored (largest) width in pixels.
    pub width: u32,
}

impl Logo {
    /// Built from the two nullable columns; a logo needs both.
    pub fn from_columns(key: Option<String>, width: Option<i64>) -> Option<Logo> {
        Some(Logo {
            key: key?,
            width: u32::try_from(width?).ok()?,
        })
    }

    /// The address of the stored width just above `wanted` pixels.
    pub fn url(&self, wanted: u32) -> String {
        crate::photos::photo_url_under(crate::paths::LOGO_FILES, &self.key, self.width, wanted)
    }
}

/// The fields of an association as the council saves them (validated by the
/// `network` domain before they reach the database).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssociationFields {
    pub licence_number: String,
    pub name_ar: String,
    pub name_en: String,
    pub city_id: Option<i64>,
    pub contact_name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}
