//! The pure rules of reporting: suppression, medians, rates, periods, months.

use super::*;
use crate::error::ErrorKey;
use crate::time::SaudiDate;

#[test]
fn the_council_sees_every_figure_whole() {
    for n in 0..8 {
        assert_eq!(
            suppress(Some(n), Some(n), Some(2), Viewer::Council),
            Shown::Value(n)
        );
        assert_eq!(
            suppress(Some(n), Some(n), None, Viewer::Council),
            Shown::Value(n)
        );
    }
}

#[test]
fn an_association_sees_its_own_whole_and_others_small_counts_suppressed() {
    let mine = Viewer::Association(1);
    for n in 1..5 {
        assert_eq!(suppress(Some(n), Some(n), Some(1), mine), Shown::Value(n));
        assert_eq!(suppress(Some(n), Some(n), Some(2), mine), Shown::FewerThan5);
        assert_eq!(suppress(Some(n), Some(n), None, mine), Shown::FewerThan5);
    }
    // Zero singles nobody out; five and more are shown.
    assert_eq!(suppress(Some(0), Some(0), Some(2), mine), Shown::Value(0));
    assert_eq!(suppress(Some(5), Some(5), Some(2), mine), Shown::Value(5));
    assert_eq!(suppress(Some(40), Some(40), None, mine), Shown::Value(40));
}

#[test]
fn a_value_made_of_few_cases_is_suppressed_whatever_its_size() {
    let other = Viewer::Association(9);
    // 3 benefits worth 1 500 riyals: the value is suppressed with them.
    assert_eq!(
        suppress(Some(150_000), Some(3), Some(1), other),
        Shown::FewerThan5
    );
    // A rate about associations (no cases) is never suppressed.
    assert_eq!(
        suppress(Some(2_500), None, None, other),
        Shown::Value(2_500)
    );
    assert_eq!(suppress(None, Some(0), None, other), Shown::Nothing);
}

#[test]
fn medians_are_in_tenths_of_a_day() {
    const DAY: i64 = 86_400;
    assert_eq!(median_days(vec![]), None);
    assert_eq!(median_days(vec![3 * DAY]), Some(30));
    assert_eq!(median_days(vec![5 * DAY, DAY, 3 * DAY]), Some(30));
    assert_eq!(median_days(vec![DAY, 2 * DAY]), Some(15));
    assert_eq!(median_days(vec![DAY / 2]), Some(5));
}

#[test]
fn rates_are_in_basis_points() {
    assert_eq!(rate(1, 0), None);
    assert_eq!(rate(3, 8), Some(3_750));
    assert_eq!(rate(1, 3), Some(3_333));
    assert_eq!(format_value(Unit::Rate, 3_750), "37.5%");
    assert_eq!(format_value(Unit::Rate, 6_667), "66.67%");
    assert_eq!(format_value(Unit::Rate, 3), "0.03%");
    assert_eq!(format_value(Unit::Rate, 10_000), "100%");
    assert_eq!(format_value(Unit::Days, 30), "3");
    assert_eq!(format_value(Unit::Days, 15), "1.5");
    assert_eq!(format_value(Unit::Riyals, 25_050), "250.50");
}

#[test]
fn a_period_is_whole_saudi_days_and_the_previous_one_as_long() {
    let today = SaudiDate::parse("2026-03-15").unwrap().start() + 3600;
    let p = Period::parse("2026-01-01", "2026-01-31", today).unwrap();
    assert_eq!(p.first_day(), "2026-01-01");
    assert_eq!(p.last_day(), "2026-01-31");
    assert_eq!(p.day_after(), "2026-02-01");
    assert_eq!(p.end - p.start, 31 * 86_400);
    let before = p.previous();
    assert_eq!(before.end, p.start);
    assert_eq!(before.first_day(), "2025-12-01");
    // Empty: the last six months up to today.
    let default = Period::parse("", "", today).unwrap();
    assert_eq!(default.first_day(), "2025-10-01");
    assert_eq!(default.last_day(), "2026-03-15");
    assert_eq!(
        default.months(),
        [
            "2025-10", "2025-11", "2025-12", "2026-01", "2026-02", "2026-03"
        ]
    );
    assert_eq!(
        Period::parse("2026-02-01", "2026-01-01", today),
        Err(ErrorKey::ReportPeriod)
    );
    assert_eq!(
        Period::parse("2010-01-01", "2026-01-01", today),
        Err(ErrorKey::ReportPeriod)
    );
    assert_eq!(
        Period::parse("soon", "", today),
        Err(ErrorKey::ReportPeriod)
    );
}

#[test]
fn counts_per_month_are_zero_filled() {
    let today = SaudiDate::parse("2026-03-15").unwrap().start();
    let p = Period::parse("2026-01-10", "2026-03-15", today).unwrap();
    let at = |d: &str| SaudiDate::parse(d).unwrap().start() + 60;
    let counts = [
        (at("2026-01-10"), 2),
        (at("2026-01-31"), 1),
        (at("2026-03-01"), 4),
        (at("2026-04-01"), 7),
        (at("2025-12-31"), 7),
    ];
    assert_eq!(
        per_bucket(p, Grain::Month, Calendar::Gregorian, &counts),
        vec![
            ("2026-01".into(), 3),
            ("2026-02".into(), 0),
            ("2026-03".into(), 4)
        ]
    );
}

#[test]
fn every_indicator_is_declared_once_with_a_name_in_both_languages() {
    let keys: std::collections::HashSet<_> = Indicator::ALL.iter().map(|i| i.key()).collect();
    assert_eq!(keys.len(), Indicator::ALL.len());
    for i in Indicator::ALL {
        assert_eq!(Indicator::parse(i.key()), Some(i));
        assert!(!i.name(false).is_empty() && !i.name(true).is_empty());
        assert_ne!(i.name(false), i.name(true), "{}", i.key());
        assert!(!i.dimensions().is_empty());
    }
    assert_eq!(Indicator::CoverageRate.unit(), Unit::Rate);
    assert!(!Indicator::CoverageRate.by_period());
    assert!(
        Indicator::LinesByType
            .dimensions()
            .contains(&Dimension::AssistanceType)
    );
}

#[test]
fn the_chart_scales_its_bars_to_the_largest() {
    let bars = chart::bars(&[
        Shown::Value(10),
        Shown::Value(5),
        Shown::FewerThan5,
        Shown::Value(0),
    ]);
    assert_eq!(bars.len(), 4);
    assert!(bars[0].2 > bars[1].2 && bars[1].2 > 0);
    assert_eq!(bars[2].2, 0);
    assert_eq!(bars[3].2, 0);
    assert_eq!(bars[0].1 + bars[0].2, bars[3].1 + bars[3].2, "one baseline");
}

#[test]
fn row_bars_are_lengths_out_of_100() {
    assert_eq!(
        chart::lengths(&[
            Shown::Value(8),
            Shown::Value(2),
            Shown::FewerThan5,
            Shown::Nothing
        ]),
        vec![100, 25, 0, 0]
    );
    assert_eq!(chart::lengths(&[Shown::Value(0)]), vec![0]);
}

#[test]
fn quarters_and_hijri_months() {
    let today = SaudiDate::parse("2026-03-25").unwrap().start();
    let at = |d: &str| SaudiDate::parse(d).unwrap().start() + 60;
    let p = Period::parse("2025-11-15", "2026-03-25", today).unwrap();
    let counts = [
        (at("2025-12-31"), 2),
        (at("2026-01-01"), 3),
        (at("2026-03-25"), 1),
    ];
    assert_eq!(
        per_bucket(p, Grain::Quarter, Calendar::Gregorian, &counts),
        vec![("2025-Q4".into(), 2), ("2026-Q1".into(), 4)]
    );
    // Umm al-Qura: Ramadan 1447 began on 18 February 2026, Shawwal on 20 March.
    let p = Period::parse("2026-02-10", "2026-03-25", today).unwrap();
    let counts = [
        (at("2026-02-17"), 1),
        (at("2026-02-18"), 2),
        (at("2026-03-20"), 4),
    ];
    assert_eq!(
        per_bucket(p, Grain::Month, Calendar::Hijri, &counts),
        vec![
            ("1447-08".into(), 1),
            ("1447-09".into(), 2),
            ("1447-10".into(), 4)
        ]
    );
    assert_eq!(
        per_bucket(p, Grain::Quarter, Calendar::Hijri, &counts),
        vec![("1447-Q3".into(), 3), ("1447-Q4".into(), 4)]
    );
    assert_eq!(
        bucket_label("1447-09", Calendar::Hijri, false),
        "رمضان 1447"
    );
    assert_eq!(
        bucket_label("1447-09", Calendar::Hijri, true),
        "Ramadan 1447"
    );
    assert_eq!(
        bucket_label("2026-Q1", Calendar::Gregorian, true),
        "2026-Q1"
    );
}

fn part(shown: Shown, value: i64) -> Part {
    Part {
        shown,
        value,
        owned: false,
    }
}

#[test]
fn a_single_small_part_beside_a_whole_total_takes_a_second_one_with_it() {
    use Shown::{FewerThan5 as Less, Value, Withheld};
    // 3 + 7 + 20 = 30: the 3 would be 30 − 7 − 20; the 7 is withheld too.
    let mut parts = [part(Less, 3), part(Value(7), 7), part(Value(20), 20)];
    let mut total = Value(30);
    complement(&mut parts, &mut total);
    assert_eq!(parts.map(|p| p.shown), [Less, Withheld, Value(20)]);
    assert_eq!(total, Value(30));
    // Zeros reveal nothing and are never withheld; with nothing else, the total is.
    let mut parts = [part(Less, 3), part(Value(0), 0)];
    let mut total = Value(3);
    complement(&mut parts, &mut total);
    assert_eq!(total, Withheld);
    assert_eq!(parts[1].shown, Value(0));
    // The viewer's own part is no secret to it: another is chosen.
    let mut parts = [
        part(Less, 2),
        Part {
            owned: true,
            ..part(Value(6), 6)
        },
        part(Value(9), 9),
    ];
    let mut total = Value(17);
    complement(&mut parts, &mut total);
    assert_eq!(parts.map(|p| p.shown), [Less, Value(6), Withheld]);
    // Two small parts give away only their sum; a hidden total nothing.
    let mut parts = [part(Less, 2), part(Less, 4), part(Value(9), 9)];
    let mut total = Value(15);
    complement(&mut parts, &mut total);
    assert_eq!(parts[2].shown, Value(9));
    let mut parts = [part(Less, 2), part(Value(9), 9)];
    let mut total = Less;
    complement(&mut parts, &mut total);
    assert_eq!(parts[1].shown, Value(9));
}

#[test]
fn rows_are_complemented_per_indicator_for_an_outsider_only() {
    let figure = |key: &str, owner: i64, n: i64| Figure {
        indicator: Indicator::HouseholdsPerAssociation,
        key: key.into(),
        label_ar: String::new(),
        label_en: String::new(),
        owner: Some(owner),
        value: Some(n),
        cases: Some(n),
    };
    let figures = vec![
        Figure::total(
            Indicator::HouseholdsPerAssociation,
            None,
            Some(30),
            Some(30),
        ),
        figure("1", 1, 3),
        figure("2", 2, 7),
        figure("3", 3, 20),
    ];
    let shown = |viewer| -> Vec<Shown> {
        rows_for(figures.clone(), viewer)
            .into_iter()
            .map(|r| r.shown)
            .collect()
    };
    assert_eq!(
        shown(Viewer::Association(3)),
        [
            Shown::Value(30),
            Shown::FewerThan5,
            Shown::Withheld,
            Shown::Value(20)
        ]
    );
    assert_eq!(
        shown(Viewer::Council),
        [
            Shown::Value(30),
            Shown::Value(3),
            Shown::Value(7),
            Shown::Value(20)
        ]
    );
}
