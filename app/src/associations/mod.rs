//! Associations: the charitable associations that serve families, with their
//! staff memberships (held as roles in the identity domain).

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
}
