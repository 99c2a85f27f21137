//! SQL of the result file: every row of a batch with what became of it.

use crate::database::Db;
use crate::imports::rules::Cells;

/// One row of the result file.
#[derive(Debug, Clone)]
pub struct ResultRow {
    pub line_no: i64,
    pub head_national_id: String,
    pub outcome: String,
    pub result: Option<String>,
    pub household_id: Option<i64>,
    pub benefit_id: Option<i64>,
    pub reasons: String,
}

/// line, cells, outcome, result, household, benefit, reasons
type ResultRecord = (
    i64,
    String,
    String,
    Option<String>,
    Option<i64>,
    Option<i64>,
    String,
);

/// Every row with its result, in file order.
#[tracing::instrument(skip_all)]
pub async fn result_rows(db: &Db, batch_id: i64) -> Result<Vec<ResultRow>, sqlx::Error> {
    let rows: Vec<ResultRecord> = sqlx::query_as(
        "SELECT line_no, cells, outcome, result, household_id, benefit_id, reasons \
             FROM import_rows WHERE batch_id = $1 ORDER BY line_no",
    )
    .bind(batch_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(line_no, cells, outcome, result, household_id, benefit_id, reasons)| {
                let cells: Cells = serde_json::from_str(&cells).unwrap_or_default();
                ResultRow {
                    line_no,
                    head_national_id: cells.get("head_national_id").cloned().unwrap_or_default(),
                    outcome,
                    result,
                    household_id,
                    benefit_id,
                    reasons,
                }
            },
        )
        .collect())
}
