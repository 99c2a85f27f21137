//! Trust before launch (issue 13), who may do what, through real HTTP on
//! SQLite and PostgreSQL: sign-in limits a stranger cannot turn against a
//! person (behind a trusted proxy), roles given and taken only by policy,
//! member IDs as claims the person answers, opt-in public phones, online
//! course links for the enrolled only, and audited reads of lists.

#[path = "../common/mod.rs"]
mod common;
mod exposure;
mod member_ids;
mod roles;
mod sign_in;

use app::audit::action;
use app::database::Engine;
use app::identity::RoleKind;
use app::state::Settings;
use common::{Browser, TestApp, location, persona};
use reqwest::header::{ACCEPT, ORIGIN};

const NOURA: &str = "1000000065";
const AMINA: &str = "2000000071";
const HIND_NAKHLA_ADMIN: &str = "1000000024";
const MONA_NAKHLA_STAFF: &str = "1000000032";
const REEM_BAHR_STAFF: &str = "1000000040";
