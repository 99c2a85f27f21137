//! The named interface other domains use to record benefits (listed in
//! `tests/floors.rs`): an association's import brings the benefits it gave
//! before the platform. Benefits stay this domain's table; the SQL is in
//! `db/benefits.rs`.

pub use super::db::benefits::{PastBenefit, Recorded, record_past_benefits, recorded_benefit};
