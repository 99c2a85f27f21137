//! The commit, in the background: the rows without a result, in file order,
//! [`COMMIT_CHUNK`] at a time, each chunk one write transaction that
//! stores its households or benefits, their rows' results and the batch's
//! progress together — so a stopped server loses no more than the chunk it
//! was writing, and the commit resumes where it stopped.

use super::db::{self, PendingRow};
use super::rules::{PlaceIndex, TypeIndex, parse_benefit, parse_household};
use super::{COMMIT_CHUNK, ImportKind, Outcome, Reason, RowResult};
use crate::applications::benefits::{PastBenefit, Recorded, record_past_benefits};
use crate::audit::AuditEvent;
use crate::database::Db;
use crate::registry::db::{NewHousehold, Registered, households_of_heads, register_imported};
use crate::registry::{HouseholdFingerprint, duplicates};

/// Who committed, for the rows' history and the closing audit row.
#[derive(Debug, Clone)]
pub struct Committer {
    pub user_id: i64,
    pub client_ip: String,
}

/// Starts the job on the runtime; its failures are logged and the batch
/// stays "committing" (resumable once it is seen stalled).
pub fn spawn(db: Db, batch_id: i64, association_id: i64, kind: ImportKind, by: Committer) {
    tokio::spawn(async move {
        if let Err(error) = run(&db, batch_id, association_id, kind, &by).await {
            tracing::error!(%error, batch_id, "an import's commit stopped");
        }
    });
}

/// Commits every row still without a result, then closes the batch.
#[tracing::instrument(skip(db, by))]
pub async fn run(
    db: &Db,
    batch_id: i64,
    association_id: i64,
    kind: ImportKind,
    by: &Committer,
) -> Result<(), sqlx::Error> {
    let places = super::db::place_index(db, association_id).await?;
    let types = super::db::type_index(db).await?;
    let today = super::check::today();
    loop {
        let step = || {
            chunk(
                db,
                batch_id,
                association_id,
                kind,
                by,
                &places,
                &types,
                &today,
            )
        };
        let done = crate::database::retrying(step).await?;
        if done == 0 {
            break;
        }
    }
    let batch = db::batch(db, batch_id).await?;
    let detail = batch.map(|b| {
        format!(
            "created {} matched {} review {} refused {}",
            b.created, b.matched, b.sent_to_review, b.refused
        )
    });
    let audit = AuditEvent::new(crate::audit::action::IMPORT_COMMITTED)
        .by(Some(by.user_id), Some(by.client_ip.clone()))
        .acting_for(Some(association_id))
        .subject("import_batch", batch_id)
        .detail(detail.unwrap_or_default());
    db::finish(db, batch_id, audit).await?;
    Ok(())
}

/// One chunk in one transaction; how many rows it took (0: none was left).
#[allow(clippy::too_many_arguments)]
async fn chunk(
    db: &Db,
    batch_id: i64,
    association_id: i64,
    kind: ImportKind,
    by: &Committer,
    places: &PlaceIndex,
    types: &TypeIndex,
    today: &str,
) -> Result<usize, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let rows = db::pending_rows(&mut tx, db.engine, batch_id, COMMIT_CHUNK).await?;
    if rows.is_empty() {
        return Ok(0);
    }
    let results = match kind {
        ImportKind::Households => {
            households(&mut tx, batch_id, association_id, by, places, &rows).await?
        }
        ImportKind::Benefits => benefits(&mut tx, association_id, by, types, today, &rows).await?,
    };
    db::add_progress(&mut tx, batch_id, rows.len() as i64, results).await?;
    tx.commit().await?;
    Ok(rows.len())
}

/// Households of a chunk: refused rows stay refused; the others are parsed
/// again (the dry run stored text, not values) and registered; the new ones
/// are linked to the association and checked for duplicates. Returns
/// [created, matched, sent to review, refused].
async fn households(
    conn: &mut sqlx::AnyConnection,
    batch_id: i64,
    association_id: i64,
    by: &Committer,
    places: &PlaceIndex,
    rows: &[PendingRow],
) -> Result<[i64; 4], sqlx::Error> {
    let mut counts = [0i64; 4];
    let mut to_register: Vec<(i64, NewHousehold)> = Vec::new();
    for (row_id, cells, outcome, reasons) in rows {
        if *outcome == Outcome::Refuse {
            db::set_result(conn, *row_id, RowResult::Refused, reasons, None, None).await?;
            counts[3] += 1;
            continue;
        }
        match parse_household(cells, places) {
            Ok(h) => to_register.push((
                *row_id,
                NewHousehold {
                    head_national_id: h.head_id.as_str().to_string(),
                    head_name_ar: h.head_name,
                    phone: h.phone.map(|p| p.international().to_string()),
                    district_id: h.district_id,
                    address: h.address,
                    income_bracket: h.income_bracket.map(str::to_string),
                    dependants: h.dependants,
                    crafts: h.crafts.iter().map(|c| c.to_string()).collect(),
                },
            )),
            Err(refusal) => {
                db::set_result(
                    conn,
                    *row_id,
                    RowResult::Refused,
                    &refusal.reasons,
                    None,
                    None,
                )
                .await?;
                counts[3] += 1;
            }
        }
    }
    let news: Vec<NewHousehold> = to_register.iter().map(|(_, h)| h.clone()).collect();
    let registered = register_imported(conn, by.user_id, &news).await?;
    let mut created: Vec<(i64, HouseholdFingerprint)> = Vec::new();
    for ((row_id, household), outcome) in to_register.iter().zip(registered) {
        match outcome {
            Registered::Created(id) => created.push((
                *row_id,
                HouseholdFingerprint {
                    household_id: id,
                    district_id: household.district_id,
                    phone: household
                        .phone
                        .as_deref()
                        .and_then(|p| crate::registry::SaudiPhone::parse(p).ok()),
                    national_ids: vec![household.head_national_id.clone()],
                    names: vec![household.head_name_ar.clone()],
                },
            )),
            Registered::Existing(id) => {
                let reasons = [Reason::HouseholdExists];
                db::set_result(conn, *row_id, RowResult::Matched, &reasons, Some(id), None).await?;
                counts[1] += 1;
            }
            Registered::MemberElsewhere => {
                let reasons = [Reason::MemberOfOtherHousehold];
                db::set_result(conn, *row_id, RowResult::Refused, &reasons, None, None).await?;
                counts[3] += 1;
            }
        }
    }
    let ids: Vec<i64> = created.iter().map(|(_, f)| f.household_id).collect();
    db::link_created(conn, association_id, batch_id, &ids).await?;
    let fingerprints: Vec<HouseholdFingerprint> = created.iter().map(|(_, f)| f.clone()).collect();
    let pairs = duplicates::check_many_in(conn, &fingerprints).await?;
    for ((row_id, fingerprint), pairs) in created.iter().zip(pairs) {
        let reasons: &[Reason] = if pairs > 0 {
            counts[2] += 1;
            &[Reason::PossibleDuplicate]
        } else {
            &[]
        };
        let id = Some(fingerprint.household_id);
        db::set_result(conn, *row_id, RowResult::Created, reasons, id, None).await?;
        counts[0] += 1;
    }
    Ok(counts)
}

/// Benefits of a chunk. Returns [created, matched, 0, refused].
async fn benefits(
    conn: &mut sqlx::AnyConnection,
    association_id: i64,
    by: &Committer,
    types: &TypeIndex,
    today: &str,
    rows: &[PendingRow],
) -> Result<[i64; 4], sqlx::Error> {
    let mut counts = [0i64; 4];
    let mut parsed = Vec::new();
    for (row_id, cells, outcome, reasons) in rows {
        if *outcome == Outcome::Refuse {
            db::set_result(conn, *row_id, RowResult::Refused, reasons, None, None).await?;
            counts[3] += 1;
            continue;
        }
        match parse_benefit(cells, types, today) {
            Ok(benefit) => parsed.push((*row_id, benefit)),
            Err(reasons) => {
                db::set_result(conn, *row_id, RowResult::Refused, &reasons, None, None).await?;
                counts[3] += 1;
            }
        }
    }
    let ids: Vec<String> = parsed
        .iter()
        .map(|(_, b)| b.head_id.as_str().to_string())
        .collect();
    let heads = households_of_heads(conn, &ids).await?;
    let mut to_record: Vec<(i64, PastBenefit)> = Vec::new();
    for (row_id, benefit) in parsed {
        match heads.get(benefit.head_id.as_str()) {
            Some(&household_id) => to_record.push((
                row_id,
                PastBenefit {
                    household_id,
                    assistance_type_id: benefit.assistance_type_id,
                    given_on: benefit.given_on,
                    value_halalas: benefit.value_halalas,
                },
            )),
            None => {
                let reasons = [Reason::HouseholdUnknown];
                db::set_result(conn, row_id, RowResult::Refused, &reasons, None, None).await?;
                counts[3] += 1;
            }
        }
    }
    let pasts: Vec<PastBenefit> = to_record.iter().map(|(_, b)| b.clone()).collect();
    let recorded = record_past_benefits(conn, association_id, by.user_id, &pasts).await?;
    for ((row_id, past), outcome) in to_record.iter().zip(recorded) {
        let household = Some(past.household_id);
        match outcome {
            Recorded::Created(id) => {
                db::set_result(conn, *row_id, RowResult::Created, &[], household, Some(id)).await?;
                counts[0] += 1;
            }
            Recorded::AlreadyRecorded(id) => {
                let reasons = [Reason::BenefitRecorded];
                db::set_result(
                    conn,
                    *row_id,
                    RowResult::Matched,
                    &reasons,
                    household,
                    Some(id),
                )
                .await?;
                counts[1] += 1;
            }
        }
    }
    Ok(counts)
}
