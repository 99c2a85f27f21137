//! Coverage: which association serves which district with which assistance
//! type (DESIGN.md §3). A (district, type) pair with no primary association is
//! a gap; with two or more, an overlap. This module holds the pure rules: the
//! matrix and the routing of an application line.

pub use crate::paths::{MATRIX_CSV, MATRIX_PAGE, PROPOSALS_PAGE};
pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod export;
pub mod pages;

/// What other domains may use of coverage: where a new line goes.
pub mod routing {
    #[cfg(feature = "ssr")]
    pub use super::db::cells_of_pair;
    pub use super::{Route, route_line};
}

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

/// Whether an association leads a (district, type) pair or helps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CoverageRole {
    Primary,
    Supporting,
}

impl CoverageRole {
    pub fn as_str(self) -> &'static str {
        match self {
            CoverageRole::Primary => "primary",
            CoverageRole::Supporting => "supporting",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "primary" => Some(CoverageRole::Primary),
            "supporting" => Some(CoverageRole::Supporting),
            _ => None,
        }
    }
}

/// Where a proposed cell stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProposalStatus {
    Proposed,
    Approved,
    Rejected,
}

impl ProposalStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ProposalStatus::Proposed => "proposed",
            ProposalStatus::Approved => "approved",
            ProposalStatus::Rejected => "rejected",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "proposed" => Some(ProposalStatus::Proposed),
            "approved" => Some(ProposalStatus::Approved),
            "rejected" => Some(ProposalStatus::Rejected),
            _ => None,
        }
    }
}

/// A stored cell with the names the proposal pages show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposedCell {
    pub id: i64,
    pub association_id: i64,
    pub association_name_ar: String,
    pub association_name_en: String,
    pub district_id: i64,
    pub district_name_ar: String,
    pub district_name_en: String,
    pub city_name_ar: String,
    pub city_name_en: String,
    pub assistance_type_id: i64,
    pub type_name_ar: String,
    pub type_name_en: String,
    pub role: CoverageRole,
    pub valid_from: i64,
    pub valid_to: Option<i64>,
    pub status: ProposalStatus,
    pub proposed_at: i64,
}

/// An approved coverage cell with its validity (Unix seconds; `None` = open-ended).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoverageCell {
    pub association_id: i64,
    pub district_id: i64,
    pub assistance_type_id: i64,
    pub role: CoverageRole,
    pub valid_from: i64,
    pub valid_to: Option<i64>,
}

impl CoverageCell {
    /// In force at `at`: started, and not yet ended.
    pub fn is_valid_at(&self, at: i64) -> bool {
        self.valid_from <= at && self.valid_to.is_none_or(|to| at < to)
    }
}

/// The state of one (district, type) pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CellStatus {
    Gap,
    Ok,
    Overlap,
}

impl CellStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CellStatus::Gap => "gap",
            CellStatus::Ok => "ok",
            CellStatus::Overlap => "overlap",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [CellStatus::Gap, CellStatus::Ok, CellStatus::Overlap]
            .into_iter()
            .find(|s| s.as_str() == value)
    }
}

/// One cell of the matrix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatrixCell {
    pub status: CellStatus,
    /// Primary associations in force, by id.
    pub primaries: Vec<i64>,
    pub supporting: Vec<i64>,
}

/// Gap/ok/overlap counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    pub gaps: u32,
    pub ok: u32,
    pub overlaps: u32,
}

impl Totals {
    pub fn add(&mut self, status: CellStatus) {
        match status {
            CellStatus::Gap => self.gaps += 1,
            CellStatus::Ok => self.ok += 1,
            CellStatus::Overlap => self.overlaps += 1,
        }
    }
}

/// A short label for an association in a matrix cell: its name without a
/// parenthesis and without the generic words every association shares
/// ("جمعية", "Association", ...), at most two words. The full name stays on
/// hover, for screen readers and in the CSV.
pub fn short_label(name: &str) -> String {
    const GENERIC: [&str; 8] = [
        "جمعية",
        "الجمعية",
        "association",
        "the",
        "charitable",
        "society",
        "charity",
        "for",
    ];
    let bare = name.split(['(', '（']).next().unwrap_or(name);
    let words: Vec<&str> = bare
        .split_whitespace()
        .filter(|w| !GENERIC.contains(&w.to_lowercase().as_str()))
        .take(2)
        .collect();
    if words.is_empty() {
        name.trim().to_string()
    } else {
        words.join(" ")
    }
}

/// The coverage matrix: every (district, type) pair with its status, and
/// totals per city and per type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoverageMatrix {
    /// Keyed by (district id, assistance type id).
    pub cells: BTreeMap<(i64, i64), MatrixCell>,
    pub per_city: BTreeMap<i64, Totals>,
    pub per_type: BTreeMap<i64, Totals>,
    pub total: Totals,
}

/// Computes the matrix at time `at` for these districts (id, city id) and
/// types; cells outside their validity period are ignored.
pub fn compute_matrix(
    districts: &[(i64, i64)],
    assistance_type_ids: &[i64],
    cells: &[CoverageCell],
    at: i64,
) -> CoverageMatrix {
    let mut by_pair: HashMap<(i64, i64), (Vec<i64>, Vec<i64>)> = HashMap::new();
    for cell in cells.iter().filter(|c| c.is_valid_at(at)) {
        let entry = by_pair
            .entry((cell.district_id, cell.assistance_type_id))
            .or_default();
        let list = match cell.role {
            CoverageRole::Primary => &mut entry.0,
            CoverageRole::Supporting => &mut entry.1,
        };
        if !list.contains(&cell.association_id) {
            list.push(cell.association_id);
        }
    }
    let mut matrix = CoverageMatrix {
        cells: BTreeMap::new(),
        per_city: BTreeMap::new(),
        per_type: BTreeMap::new(),
        total: Totals::default(),
    };
    for &(district_id, city_id) in districts {
        for &type_id in assistance_type_ids {
            let (mut primaries, mut supporting) =
                by_pair.remove(&(district_id, type_id)).unwrap_or_default();
            primaries.sort_unstable();
            supporting.sort_unstable();
            let status = match primaries.len() {
                0 => CellStatus::Gap,
                1 => CellStatus::Ok,
                _ => CellStatus::Overlap,
            };
            matrix.per_city.entry(city_id).or_default().add(status);
            matrix.per_type.entry(type_id).or_default().add(status);
            matrix.total.add(status);
            matrix.cells.insert(
                (district_id, type_id),
                MatrixCell {
                    status,
                    primaries,
                    supporting,
                },
            );
        }
    }
    matrix
}

/// Where an application line goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Route {
    /// The primary association of the district for the type.
    Association(i64),
    /// No single primary (a gap, or an overlap the council must settle): the
    /// council's unrouted queue.
    Council,
}

/// Routes a line for (district, type) at time `at`.
pub fn route_line(
    district_id: i64,
    assistance_type_id: i64,
    cells: &[CoverageCell],
    at: i64,
) -> Route {
    let mut primaries = cells
        .iter()
        .filter(|c| {
            c.district_id == district_id
                && c.assistance_type_id == assistance_type_id
                && c.role == CoverageRole::Primary
                && c.is_valid_at(at)
        })
        .map(|c| c.association_id);
    match (primaries.next(), primaries.next()) {
        (Some(only), None) => Route::Association(only),
        _ => Route::Council,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_labels_drop_generic_words() {
        assert_eq!(
            short_label("جمعية النخلة الخيرية (تجريبية)"),
            "النخلة الخيرية"
        );
        assert_eq!(
            short_label("Al-Nakhla Charitable Association (demo)"),
            "Al-Nakhla"
        );
        assert_eq!(short_label("جمعية"), "جمعية");
    }

    fn cell(
        association_id: i64,
        district_id: i64,
        type_id: i64,
        role: CoverageRole,
        to: Option<i64>,
    ) -> CoverageCell {
        CoverageCell {
            association_id,
            district_id,
            assistance_type_id: type_id,
            role,
            valid_from: 100,
            valid_to: to,
        }
    }

    #[test]
    fn gaps_oks_overlaps_and_expired_cells() {
        let districts = [(1, 10), (2, 10), (3, 20)];
        let types = [7, 8];
        let cells = vec![
            cell(100, 1, 7, CoverageRole::Primary, None),
            cell(101, 2, 7, CoverageRole::Primary, None),
            cell(102, 2, 7, CoverageRole::Primary, None),
            cell(103, 1, 8, CoverageRole::Supporting, None),
            cell(104, 3, 8, CoverageRole::Primary, Some(150)), // expired at 200
        ];
        let m = compute_matrix(&districts, &types, &cells, 200);
        assert_eq!(m.cells[&(1, 7)].status, CellStatus::Ok);
        assert_eq!(m.cells[&(1, 7)].primaries, vec![100]);
        assert_eq!(m.cells[&(2, 7)].status, CellStatus::Overlap);
        assert_eq!(m.cells[&(1, 8)].status, CellStatus::Gap);
        assert_eq!(m.cells[&(1, 8)].supporting, vec![103]);
        assert_eq!(m.cells[&(3, 8)].status, CellStatus::Gap);
        assert_eq!(
            m.total,
            Totals {
                gaps: 4,
                ok: 1,
                overlaps: 1
            }
        );
        assert_eq!(
            m.per_city[&10],
            Totals {
                gaps: 2,
                ok: 1,
                overlaps: 1
            }
        );
        assert_eq!(
            m.per_city[&20],
            Totals {
                gaps: 2,
                ok: 0,
                overlaps: 0
            }
        );
        assert_eq!(
            m.per_type[&7],
            Totals {
                gaps: 1,
                ok: 1,
                overlaps: 1
            }
        );
        // Before it expired, the cell counted.
        assert_eq!(
            compute_matrix(&districts, &types, &cells, 120).cells[&(3, 8)].status,
            CellStatus::Ok
        );
        // Before any cell started, all gaps.
        assert_eq!(compute_matrix(&districts, &types, &cells, 50).total.gaps, 6);
    }

    #[test]
    fn routing_follows_the_single_primary() {
        let cells = vec![
            cell(100, 1, 7, CoverageRole::Primary, None),
            cell(101, 2, 7, CoverageRole::Primary, None),
            cell(102, 2, 7, CoverageRole::Primary, None),
            cell(103, 3, 7, CoverageRole::Supporting, None),
            cell(104, 4, 7, CoverageRole::Primary, Some(150)),
        ];
        assert_eq!(route_line(1, 7, &cells, 200), Route::Association(100));
        assert_eq!(route_line(2, 7, &cells, 200), Route::Council, "overlap");
        assert_eq!(
            route_line(3, 7, &cells, 200),
            Route::Council,
            "supporting only"
        );
        assert_eq!(route_line(4, 7, &cells, 200), Route::Council, "expired");
        assert_eq!(route_line(4, 7, &cells, 120), Route::Association(104));
        assert_eq!(route_line(1, 8, &cells, 200), Route::Council, "other type");
    }
}
