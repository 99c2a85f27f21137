//! Identity: national IDs, Nafath sign-in, sessions and roles (DESIGN.md §4).
//!
//! `mod.rs` holds the serde types and pure rules shared by client and server;
//! `api.rs` the server functions; `db.rs`, `nafath.rs` and `session.rs` the
//! server-only parts; `pages.rs` the pages.

pub mod access;
pub mod access_page;
pub mod acting;
pub mod api;
pub mod language;
pub mod messages;
pub mod pages;
pub mod wait;

#[cfg(feature = "ssr")]
pub mod callback;
#[cfg(feature = "ssr")]
pub mod ctx;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub use crate::nafath;
#[cfg(feature = "ssr")]
pub mod session;

use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub use ctx::{Ctx, serve, serve_at};

pub use crate::ids::{NationalId, NationalIdError, with_check_digit};

/// What a person may do. Roles are rows in `role_grants`, never claims from
/// the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoleKind {
    CouncilAdmin,
    AssociationAdmin,
    AssociationStaff,
    Trainer,
    FamilyMember,
    /// The council's data-protection officer (PDPL): answers the families'
    /// data requests, keeps the breach register. Not implied by council admin.
    DataProtectionOfficer,
}

impl RoleKind {
    pub const ALL: [RoleKind; 6] = [
        RoleKind::CouncilAdmin,
        RoleKind::AssociationAdmin,
        RoleKind::AssociationStaff,
        RoleKind::Trainer,
        RoleKind::FamilyMember,
        RoleKind::DataProtectionOfficer,
    ];

    /// The value stored in `role_grants.role`.
    pub fn as_str(self) -> &'static str {
        match self {
            RoleKind::CouncilAdmin => "council_admin",
            RoleKind::AssociationAdmin => "association_admin",
            RoleKind::AssociationStaff => "association_staff",
            RoleKind::Trainer => "trainer",
            RoleKind::FamilyMember => "family_member",
            RoleKind::DataProtectionOfficer => "data_protection_officer",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == value)
    }

    /// Whether this role is held for one association (and needs its id).
    pub fn is_per_association(self) -> bool {
        matches!(
            self,
            RoleKind::AssociationAdmin | RoleKind::AssociationStaff
        )
    }
}

/// One granted role; association roles name their association.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Role {
    pub kind: RoleKind,
    pub association_id: Option<i64>,
    pub association_name_ar: Option<String>,
    pub association_name_en: Option<String>,
    /// The association is suspended: the role is kept but gives no access.
    #[serde(default)]
    pub suspended: bool,
}

/// An association a person works for, as the header's switch offers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Membership {
    pub association_id: i64,
    pub name_ar: String,
    pub name_en: String,
}

/// What a guard asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requirement {
    /// Any signed-in person.
    SignedIn,
    /// The council (platform) admin.
    CouncilAdmin,
    /// Admin of this association (or the council admin).
    AssociationAdmin(i64),
    /// Staff or admin of this association (or the council admin).
    AssociationMember(i64),
    /// A trainer (or the council admin).
    Trainer,
    /// A family member.
    FamilyMember,
    /// The council's data-protection officer (only that role: the council
    /// admin does not read the families' data requests by default).
    DataProtectionOfficer,
}

/// The signed-in person as the pages and server functions see them. The full
/// national ID is here only because this is the person's own identity; it is
/// shown on their own account page and nowhere else.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub user_id: i64,
    pub national_id: String,
    pub name_ar: String,
    pub name_en: Option<String>,
    pub verified_at: Option<i64>,
    /// The roles in force in this session: global roles, and the association
    /// roles of the one association the person acts for.
    pub roles: Vec<Role>,
    /// Every (active) association the person works for; more than one shows
    /// the header's switch.
    #[serde(default)]
    pub memberships: Vec<Membership>,
}

impl CurrentUser {
    /// This person as one session sees them: roles of suspended associations
    /// dropped, and of the associations they work for only `chosen` (when it
    /// is one of them) or else the first they joined. Every page and queue
    /// reads `roles`, so they all follow the choice.
    pub fn in_session(mut self, chosen: Option<i64>) -> Self {
        self.roles.retain(|r| !r.suspended);
        let mut memberships: Vec<Membership> = Vec::new();
        for r in &self.roles {
            if let (true, Some(id)) = (r.kind.is_per_association(), r.association_id)
                && !memberships.iter().any(|m| m.association_id == id)
            {
                memberships.push(Membership {
                    association_id: id,
                    name_ar: r.association_name_ar.clone().unwrap_or_default(),
                    name_en: r.association_name_en.clone().unwrap_or_default(),
                });
            }
        }
        let acting = chosen
            .filter(|id| memberships.iter().any(|m| m.association_id == *id))
            .or_else(|| memberships.first().map(|m| m.association_id));
        self.roles
            .retain(|r| !r.kind.is_per_association() || r.association_id == acting);
        self.memberships = memberships;
        self
    }

    /// The association this session acts for, if the person works for any.
    pub fn acting_association_id(&self) -> Option<i64> {
        self.association_ids().first().copied()
    }

    pub fn has(&self, kind: RoleKind) -> bool {
        self.roles.iter().any(|r| r.kind == kind)
    }

    pub fn is_council_admin(&self) -> bool {
        self.has(RoleKind::CouncilAdmin)
    }

    /// The associations this person works for (staff or admin), in grant order.
    pub fn association_ids(&self) -> Vec<i64> {
        let mut ids: Vec<i64> = self
            .roles
            .iter()
            .filter(|r| {
                matches!(
                    r.kind,
                    RoleKind::AssociationAdmin | RoleKind::AssociationStaff
                )
            })
            .filter_map(|r| r.association_id)
            .collect();
        ids.dedup();
        ids
    }

    /// The associations this person administers.
    pub fn administered_association_ids(&self) -> Vec<i64> {
        self.roles
            .iter()
            .filter(|r| r.kind == RoleKind::AssociationAdmin)
            .filter_map(|r| r.association_id)
            .collect()
    }

    /// The pure role guard: does this person meet the requirement?
    pub fn satisfies(&self, requirement: Requirement) -> bool {
        let in_association = |id: i64, kinds: &[RoleKind]| {
            self.roles
                .iter()
                .any(|r| r.association_id == Some(id) && kinds.contains(&r.kind))
        };
        match requirement {
            Requirement::SignedIn => true,
            Requirement::CouncilAdmin => self.is_council_admin(),
            Requirement::AssociationAdmin(id) => {
                self.is_council_admin() || in_association(id, &[RoleKind::AssociationAdmin])
            }
            Requirement::AssociationMember(id) => {
                self.is_council_admin()
                    || in_association(
                        id,
                        &[RoleKind::AssociationAdmin, RoleKind::AssociationStaff],
                    )
            }
            Requirement::Trainer => self.is_council_admin() || self.has(RoleKind::Trainer),
            Requirement::FamilyMember => self.has(RoleKind::FamilyMember),
            Requirement::DataProtectionOfficer => self.has(RoleKind::DataProtectionOfficer),
        }
    }

    /// The name to greet the person with in the given language.
    pub fn display_name(&self, english: bool) -> &str {
        match (&self.name_en, english) {
            (Some(en), true) if !en.is_empty() => en,
            _ => &self.name_ar,
        }
    }
}

/// Where a Nafath sign-in stands, as the waiting page shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SignInState {
    Waiting,
    Completed,
    Rejected,
    Expired,
    /// Waited longer than the site allows for a decision.
    TimedOut,
}

impl SignInState {
    pub fn as_str(self) -> &'static str {
        match self {
            SignInState::Waiting => "WAITING",
            SignInState::Completed => "COMPLETED",
            SignInState::Rejected => "REJECTED",
            SignInState::Expired => "EXPIRED",
            SignInState::TimedOut => "TIMEOUT",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "WAITING" => Some(Self::Waiting),
            "COMPLETED" => Some(Self::Completed),
            "REJECTED" => Some(Self::Rejected),
            "EXPIRED" => Some(Self::Expired),
            "TIMEOUT" => Some(Self::TimedOut),
            _ => None,
        }
    }
}

/// A pending sign-in as the waiting page needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingSignIn {
    pub masked_national_id: String,
    pub random: String,
    pub state: SignInState,
    /// Seconds between the waiting page's refreshes.
    pub refresh_secs: i64,
    /// Seconds left before the attempt times out.
    pub expires_in_secs: i64,
}

/// The signed-in person of the request being rendered (pages render on the
/// server; in the browser this is always `None`, islands get what they need
/// as props).
pub fn signed_in_user() -> Option<CurrentUser> {
    #[cfg(feature = "ssr")]
    {
        session::current_user()
    }
    #[cfg(not(feature = "ssr"))]
    {
        None
    }
}

/// Whether the built-in Nafath simulator is the provider (never in production).
pub fn simulator_enabled() -> bool {
    #[cfg(feature = "ssr")]
    {
        // No state while the route list is generated at start-up: not an error.
        leptos::prelude::use_context::<crate::state::AppState>()
            .is_some_and(|s| s.nafath.is_simulator())
    }
    #[cfg(not(feature = "ssr"))]
    {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_valid_ids_in_both_digit_systems() {
        let id = with_check_digit("108765432");
        assert!(NationalId::parse(&id).is_ok());
        let eastern: String = id
            .chars()
            .map(|c| char::from_u32(0x0660 + c.to_digit(10).unwrap()).unwrap())
            .collect();
        assert_eq!(NationalId::parse(&eastern).unwrap().as_str(), id);
        assert_eq!(NationalId::parse(&format!("  {id} ")).unwrap().as_str(), id);
        assert!(
            NationalId::parse(&with_check_digit("212345678"))
                .unwrap()
                .is_resident()
        );
    }

    #[test]
    fn refuses_bad_ids_with_the_reason() {
        let valid = with_check_digit("108765432");
        let last = valid.chars().last().unwrap().to_digit(10).unwrap();
        let wrong_check = format!("{}{}", &valid[..9], (last + 1) % 10);
        assert_eq!(
            NationalId::parse(&wrong_check),
            Err(NationalIdError::CheckDigit)
        );
        assert_eq!(NationalId::parse("123"), Err(NationalIdError::Length));
        assert_eq!(
            NationalId::parse("12345678901"),
            Err(NationalIdError::Length)
        );
        assert_eq!(NationalId::parse(""), Err(NationalIdError::Length));
        assert_eq!(
            NationalId::parse("12345abc90"),
            Err(NationalIdError::NotDigits)
        );
        assert_eq!(
            NationalId::parse(&with_check_digit("312345678")),
            Err(NationalIdError::Prefix)
        );
    }

    #[test]
    fn debug_never_shows_the_whole_id() {
        let id = NationalId::parse(&with_check_digit("108765432")).unwrap();
        assert!(!format!("{id:?}").contains("0876543"));
    }

    fn user(roles: Vec<(RoleKind, Option<i64>)>) -> CurrentUser {
        CurrentUser {
            user_id: 1,
            national_id: with_check_digit("100000001"),
            name_ar: "اختبار".into(),
            name_en: None,
            verified_at: Some(0),
            roles: roles
                .into_iter()
                .map(|(kind, association_id)| Role {
                    kind,
                    association_id,
                    association_name_ar: None,
                    association_name_en: None,
                    suspended: false,
                })
                .collect(),
            memberships: Vec::new(),
        }
    }

    #[test]
    fn a_session_acts_for_one_association_and_never_a_suspended_one() {
        let mut person = user(vec![
            (RoleKind::AssociationStaff, Some(7)),
            (RoleKind::AssociationAdmin, Some(8)),
            (RoleKind::Trainer, None),
        ]);
        // By default: the first association joined.
        let first = person.clone().in_session(None);
        assert_eq!(first.association_ids(), vec![7]);
        assert_eq!(first.memberships.len(), 2);
        assert!(first.has(RoleKind::Trainer));
        assert!(!first.satisfies(Requirement::AssociationAdmin(8)));
        // Chosen: the other one, with its own roles only.
        let second = person.clone().in_session(Some(8));
        assert_eq!(second.association_ids(), vec![8]);
        assert!(second.satisfies(Requirement::AssociationAdmin(8)));
        assert!(!second.satisfies(Requirement::AssociationMember(7)));
        // A choice the person has no role in falls back to the first.
        assert_eq!(
            person.clone().in_session(Some(99)).association_ids(),
            vec![7]
        );
        // A suspended association gives no access and is not offered.
        person.roles[0].suspended = true;
        let suspended = person.in_session(Some(7));
        assert_eq!(suspended.association_ids(), vec![8]);
        assert_eq!(suspended.memberships.len(), 1);
    }

    #[test]
    fn role_guards() {
        let family = user(vec![(RoleKind::FamilyMember, None)]);
        assert!(family.satisfies(Requirement::SignedIn));
        assert!(family.satisfies(Requirement::FamilyMember));
        assert!(!family.satisfies(Requirement::CouncilAdmin));
        assert!(!family.satisfies(Requirement::AssociationMember(1)));
        assert!(!family.satisfies(Requirement::Trainer));

        let staff = user(vec![(RoleKind::AssociationStaff, Some(7))]);
        assert!(staff.satisfies(Requirement::AssociationMember(7)));
        assert!(!staff.satisfies(Requirement::AssociationMember(8)));
        assert!(!staff.satisfies(Requirement::AssociationAdmin(7)));

        let admin = user(vec![(RoleKind::AssociationAdmin, Some(7))]);
        assert!(admin.satisfies(Requirement::AssociationAdmin(7)));
        assert!(admin.satisfies(Requirement::AssociationMember(7)));
        assert!(!admin.satisfies(Requirement::AssociationAdmin(8)));

        let council = user(vec![(RoleKind::CouncilAdmin, None)]);
        assert!(council.satisfies(Requirement::AssociationAdmin(99)));
        assert!(council.satisfies(Requirement::Trainer));
        assert!(!council.satisfies(Requirement::FamilyMember));
    }

    #[test]
    fn role_names_round_trip() {
        for role in RoleKind::ALL {
            assert_eq!(RoleKind::parse(role.as_str()), Some(role));
        }
        assert_eq!(RoleKind::parse("root"), None);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(10_000))]
        #[test]
        fn national_id_parser_never_panics(input in ".*") {
            let _ = NationalId::parse(&input);
        }

        #[test]
        fn role_and_state_parsers_never_panic(input in ".*") {
            let _ = RoleKind::parse(&input);
            let _ = SignInState::parse(&input);
        }

        #[test]
        fn national_id_parser_accepts_exactly_valid_shapes(input in "[0-9٠-٩]{0,12}") {
            if let Ok(id) = NationalId::parse(&input) {
                proptest::prop_assert_eq!(id.as_str().len(), 10);
                proptest::prop_assert!(crate::ids::luhn_valid(id.as_str()));
            }
        }
    }
}
