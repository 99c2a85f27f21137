//! Small-cell suppression: no family can be singled out from a figure.
//! A figure made of 1 to 4 households' records is shown as "fewer than 5"
//! outside the association it belongs to ([`suppress`]); and where a total
//! is shown whole beside its breakdown, a second figure is withheld so the
//! small one cannot be worked out by subtraction ([`complement`]).

use serde::{Deserialize, Serialize};

use super::{Figure, Indicator, Row};

/// Who looks at a figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Viewer {
    /// The council sees every figure whole.
    Council,
    /// An association's staff: its own figures whole, others' suppressed.
    Association(i64),
    /// Anyone outside every association (a partner through the API):
    /// every small count suppressed.
    Outsider,
}

/// Below this many cases a figure is shown as "fewer than 5" outside its owner.
pub const SMALL_CELL: i64 = 5;

/// A figure as a viewer may see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Shown {
    Value(i64),
    /// 1 to 4 cases, outside the owner's own view.
    FewerThan5,
    /// Nothing to measure.
    Nothing,
    /// Withheld although not small: shown whole, it would let a figure
    /// shown as "fewer than 5" be worked out from a total.
    Withheld,
}

/// Small-cell suppression: a figure made of 1 to 4 households' records is
/// shown as "fewer than 5" to anyone but the council and the association
/// it belongs to (a platform-wide figure belongs to no association). Zero
/// is shown: it singles nobody out.
pub fn suppress(
    value: Option<i64>,
    cases: Option<i64>,
    owner: Option<i64>,
    viewer: Viewer,
) -> Shown {
    let Some(value) = value else {
        return Shown::Nothing;
    };
    let insider = match viewer {
        Viewer::Council => true,
        Viewer::Association(id) => owner == Some(id),
        Viewer::Outsider => false,
    };
    match cases {
        Some(n) if !insider && n > 0 && n < SMALL_CELL => Shown::FewerThan5,
        _ => Shown::Value(value),
    }
}

/// One part of a breakdown for [`complement`]: as shown, its value, and
/// whether the viewer owns it (its own figures are no secret to it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Part {
    pub shown: Shown,
    pub value: i64,
    pub owned: bool,
}

/// Complementary suppression of one breakdown: when its total is shown
/// whole and exactly one part is "fewer than 5", the total minus the others
/// would give that part away. Then the smallest other non-zero part the
/// viewer does not own is withheld; if there is none, the total is.
/// (Two or more suppressed parts only give away their sum, which is the
/// usual standard.)
pub fn complement(parts: &mut [Part], total: &mut Shown) {
    if !matches!(total, Shown::Value(_)) {
        return;
    }
    if parts
        .iter()
        .filter(|p| p.shown == Shown::FewerThan5)
        .count()
        != 1
    {
        return;
    }
    let other = parts
        .iter_mut()
        .filter(|p| matches!(p.shown, Shown::Value(v) if v > 0) && !p.owned)
        .min_by_key(|p| p.value);
    match other {
        Some(part) => part.shown = Shown::Withheld,
        None => *total = Shown::Withheld,
    }
}

/// Every figure as `viewer` may see it: suppressed one by one, then each
/// indicator's breakdown complemented against its total.
pub fn rows_for(figures: Vec<Figure>, viewer: Viewer) -> Vec<Row> {
    let owned = |f: &Figure| matches!(viewer, Viewer::Association(id) if f.owner == Some(id));
    let mut rows: Vec<(Row, i64, bool)> = figures
        .into_iter()
        .map(|f| {
            let (value, own) = (f.value.unwrap_or(0), owned(&f));
            (Row::of(f, viewer), value, own)
        })
        .collect();
    for indicator in Indicator::ALL {
        let Some(total) = rows
            .iter()
            .position(|(r, _, _)| r.indicator == indicator && r.is_total())
        else {
            continue;
        };
        let at: Vec<usize> = (0..rows.len())
            .filter(|&i| rows[i].0.indicator == indicator && !rows[i].0.is_total())
            .collect();
        let mut parts: Vec<Part> = at
            .iter()
            .map(|&i| Part {
                shown: rows[i].0.shown,
                value: rows[i].1,
                owned: rows[i].2,
            })
            .collect();
        let mut shown = rows[total].0.shown;
        complement(&mut parts, &mut shown);
        rows[total].0.shown = shown;
        for (&i, part) in at.iter().zip(parts) {
            rows[i].0.shown = part.shown;
        }
    }
    rows.into_iter().map(|(row, _, _)| row).collect()
}
