//! The dry run: what every row of a file would do, and why not, read
//! against the registry as it stands (nothing is written but the result).
//! The commit (`job.rs`) runs the same rules again inside its transactions,
//! so a household registered meanwhile is matched, not created twice.

use std::collections::{HashMap, HashSet};

use super::rules::{Cells, parse_benefit, parse_household};
use super::{ImportKind, Outcome, Reason};
use crate::applications::benefits::{PastBenefit, recorded_benefit};
use crate::database::Db;
use crate::registry::db::{IdentityHolder, households_of_heads, identity_holders};
use crate::registry::{HouseholdFingerprint, blocking_keys, duplicate_score, duplicates};

/// What one row would do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    pub outcome: Outcome,
    /// Would be created and sent to the duplicate review.
    pub duplicate: bool,
    pub reasons: Vec<Reason>,
    /// City and district as written, when no district answers.
    pub place: Option<(String, String)>,
}

impl Evaluation {
    fn refuse(reasons: Vec<Reason>) -> Self {
        Self {
            outcome: Outcome::Refuse,
            duplicate: false,
            reasons,
            place: None,
        }
    }

    fn matched(reason: Reason) -> Self {
        Self {
            outcome: Outcome::Match,
            duplicate: false,
            reasons: vec![reason],
            place: None,
        }
    }

    fn create() -> Self {
        Self {
            outcome: Outcome::Create,
            duplicate: false,
            reasons: Vec::new(),
            place: None,
        }
    }
}

/// The dry run of `rows` for `association_id`.
#[tracing::instrument(skip_all, fields(rows = rows.len()))]
pub async fn evaluate(
    db: &Db,
    association_id: i64,
    kind: ImportKind,
    rows: &[&Cells],
) -> Result<Vec<Evaluation>, sqlx::Error> {
    match kind {
        ImportKind::Households => households(db, association_id, rows).await,
        ImportKind::Benefits => benefits(db, association_id, rows).await,
    }
}

/// Today in Saudi time, `YYYY-MM-DD`.
pub fn today() -> String {
    crate::time::SaudiDate::of(crate::database::now()).to_string()
}

async fn households(
    db: &Db,
    association_id: i64,
    rows: &[&Cells],
) -> Result<Vec<Evaluation>, sqlx::Error> {
    let places = super::db::place_index(db, association_id).await?;
    let parsed: Vec<_> = rows.iter().map(|c| parse_household(c, &places)).collect();
    let ids: Vec<String> = parsed
        .iter()
        .filter_map(|p| p.as_ref().ok())
        .map(|h| h.head_id.as_str().to_string())
        .collect();
    let holders = {
        let mut conn = db.pool.acquire().await?;
        identity_holders(&mut conn, &ids).await?
    };
    let mut seen: HashSet<String> = HashSet::new();
    let mut out = Vec::with_capacity(rows.len());
    // Households to be created: (row, fingerprint) for the duplicate checks.
    let mut new: Vec<(usize, HouseholdFingerprint)> = Vec::new();
    for (i, row) in parsed.into_iter().enumerate() {
        let household = match row {
            Ok(household) => household,
            Err(refusal) => {
                out.push(Evaluation {
                    place: refusal.unknown_place,
                    ..Evaluation::refuse(refusal.reasons)
                });
                continue;
            }
        };
        let id = household.head_id.as_str().to_string();
        if !seen.insert(id.clone()) {
            out.push(Evaluation::refuse(vec![Reason::RepeatedInFile]));
            continue;
        }
        match holders.get(&id) {
            Some(IdentityHolder::Head(_)) => out.push(Evaluation::matched(Reason::HouseholdExists)),
            Some(IdentityHolder::Member(_)) => {
                out.push(Evaluation::refuse(vec![Reason::MemberOfOtherHousehold]))
            }
            None => {
                new.push((
                    i,
                    HouseholdFingerprint {
                        // Not stored yet: ids no stored household has.
                        household_id: -(i as i64) - 1,
                        district_id: household.district_id,
                        phone: household.phone.clone(),
                        national_ids: vec![id],
                        names: vec![household.head_name.clone()],
                    },
                ));
                out.push(Evaluation::create());
            }
        }
    }
    let fingerprints: Vec<HouseholdFingerprint> = new.iter().map(|(_, f)| f.clone()).collect();
    let flagged = duplicates::would_be_candidates(db, &fingerprints).await?;
    let within = pairs_within(&fingerprints);
    for (n, (i, _)) in new.iter().enumerate() {
        if flagged[n] || within.contains(&n) {
            out[*i].duplicate = true;
            out[*i].reasons.push(Reason::PossibleDuplicate);
        }
    }
    Ok(out)
}

/// The positions of households that would form a candidate pair with
/// another of the same file (the commit's check finds those pairs too).
fn pairs_within(households: &[HouseholdFingerprint]) -> HashSet<usize> {
    let mut by_key: HashMap<String, Vec<usize>> = HashMap::new();
    for (n, h) in households.iter().enumerate() {
        for key in blocking_keys(h) {
            by_key.entry(key).or_default().push(n);
        }
    }
    let mut out = HashSet::new();
    for group in by_key.values().filter(|g| g.len() > 1) {
        // As the registry's check: a few per key, not every pair of a crowd.
        for (x, &a) in group.iter().enumerate().take(50) {
            for &b in group.iter().skip(x + 1).take(50) {
                if !duplicate_score(&households[a], &households[b]).1.is_empty() {
                    out.insert(a);
                    out.insert(b);
                }
            }
        }
    }
    out
}

async fn benefits(
    db: &Db,
    association_id: i64,
    rows: &[&Cells],
) -> Result<Vec<Evaluation>, sqlx::Error> {
    let types = super::db::type_index(db).await?;
    let today = today();
    let parsed: Vec<_> = rows
        .iter()
        .map(|c| parse_benefit(c, &types, &today))
        .collect();
    let ids: Vec<String> = parsed
        .iter()
        .filter_map(|p| p.as_ref().ok())
        .map(|b| b.head_id.as_str().to_string())
        .collect();
    let mut conn = db.pool.acquire().await?;
    let heads = households_of_heads(&mut conn, &ids).await?;
    let mut seen: HashSet<(i64, i64, String)> = HashSet::new();
    let mut out = Vec::with_capacity(rows.len());
    for row in parsed {
        let benefit = match row {
            Ok(benefit) => benefit,
            Err(reasons) => {
                out.push(Evaluation::refuse(reasons));
                continue;
            }
        };
        let Some(&household_id) = heads.get(benefit.head_id.as_str()) else {
            out.push(Evaluation::refuse(vec![Reason::HouseholdUnknown]));
            continue;
        };
        let past = PastBenefit {
            household_id,
            assistance_type_id: benefit.assistance_type_id,
            given_on: benefit.given_on,
            value_halalas: benefit.value_halalas,
        };
        if !seen.insert((household_id, past.assistance_type_id, past.given_on.clone())) {
            out.push(Evaluation::refuse(vec![Reason::RepeatedInFile]));
        } else if recorded_benefit(&mut conn, association_id, &past)
            .await?
            .is_some()
        {
            out.push(Evaluation::matched(Reason::BenefitRecorded));
        } else {
            out.push(Evaluation::create());
        }
    }
    Ok(out)
}
