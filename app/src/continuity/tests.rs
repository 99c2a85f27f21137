//! The continuity rule, case by case.

use super::*;

const NOW: i64 = 2_000_000_000;

fn days_ago(days: i64) -> i64 {
    NOW - days * DAY
}

/// A household registered and contacted 10 days ago, one line open.
fn lively() -> Signals {
    Signals {
        registered_at: days_ago(100),
        last_contact_at: Some(days_ago(10)),
        open_items: 1,
        ..Default::default()
    }
}

fn sewing(count: i64) -> Absences {
    Absences {
        course_title_ar: "الخياطة".into(),
        course_title_en: "Sewing".into(),
        count,
    }
}

#[test]
fn a_lively_household_is_active_with_no_reason() {
    let a = assess(&lively(), &Rules::default(), NOW);
    assert_eq!(a.status, Status::Active);
    assert!(a.reasons.is_empty());
}

#[test]
fn long_silence_alone_is_watched() {
    let signals = Signals {
        last_contact_at: Some(days_ago(75)),
        ..lively()
    };
    let a = assess(&signals, &Rules::default(), NOW);
    assert_eq!(a.status, Status::Watch);
    assert_eq!(a.reasons, vec![Reason::NoContact { days: 75 }]);
}

#[test]
fn missed_sessions_and_a_stale_shop_put_a_household_at_risk() {
    let signals = Signals {
        absences: vec![sewing(2)],
        shop_last_sign_at: Some(days_ago(70)),
        ..lively()
    };
    let a = assess(&signals, &Rules::default(), NOW);
    assert_eq!(a.status, Status::AtRisk);
    assert_eq!(a.score, 4);
    assert_eq!(
        a.reasons,
        vec![
            Reason::MissedSessions(sewing(2)),
            Reason::StaleShop { weeks: 10 }
        ]
    );
}

#[test]
fn one_absence_is_below_the_threshold() {
    let signals = Signals {
        absences: vec![sewing(1)],
        ..lively()
    };
    assert_eq!(
        assess(&signals, &Rules::default(), NOW).status,
        Status::Active
    );
}

#[test]
fn overdue_follow_ups_weigh_each() {
    let signals = Signals {
        overdue_follow_ups: 2,
        ..lively()
    };
    let a = assess(&signals, &Rules::default(), NOW);
    assert_eq!(a.score, 4);
    assert_eq!(a.status, Status::AtRisk);
    assert_eq!(a.reasons, vec![Reason::OverdueFollowUps { count: 2 }]);
}

#[test]
fn an_approved_line_waiting_too_long_and_a_training_flag() {
    let signals = Signals {
        oldest_unfulfilled_at: Some(days_ago(31)),
        training_flags: 1,
        ..lively()
    };
    let a = assess(&signals, &Rules::default(), NOW);
    assert_eq!(a.score, 3);
    assert_eq!(a.status, Status::Watch);
    assert_eq!(
        a.reasons,
        vec![
            Reason::TrainingFlags { count: 1 },
            Reason::ApprovedNotFulfilled { days: 31 }
        ]
    );
    let fresh = Signals {
        oldest_unfulfilled_at: Some(days_ago(29)),
        ..lively()
    };
    assert_eq!(
        assess(&fresh, &Rules::default(), NOW).status,
        Status::Active
    );
}

#[test]
fn a_recent_shop_is_not_stale() {
    let signals = Signals {
        shop_last_sign_at: Some(days_ago(20)),
        ..lively()
    };
    assert!(assess(&signals, &Rules::default(), NOW).reasons.is_empty());
}

#[test]
fn nothing_open_and_silent_for_long_is_inactive() {
    let signals = Signals {
        last_contact_at: Some(days_ago(200)),
        open_items: 0,
        ..lively()
    };
    let a = assess(&signals, &Rules::default(), NOW);
    assert_eq!(a.status, Status::Inactive);
    assert_eq!(a.reasons, vec![Reason::Inactive { days: 200 }]);
    // With something open, the same silence is a reason, not inactivity.
    let open = Signals {
        open_items: 1,
        ..signals
    };
    assert_eq!(assess(&open, &Rules::default(), NOW).status, Status::Watch);
}

#[test]
fn a_closed_case_is_an_exit_whatever_else() {
    let signals = Signals {
        exited: Some((ExitReason::Graduated, days_ago(3))),
        absences: vec![sewing(5)],
        ..lively()
    };
    let a = assess(&signals, &Rules::default(), NOW);
    assert_eq!(a.status, Status::Exited);
    assert_eq!(
        a.reasons,
        vec![Reason::Exited {
            reason: ExitReason::Graduated
        }]
    );
}

#[test]
fn the_council_tunes_weights_and_thresholds() {
    let rules = Rules {
        stale_shop_weeks: 0,
        stale_shop_weight: 5,
        ..Rules::default()
    };
    let signals = Signals {
        shop_last_sign_at: Some(NOW),
        ..lively()
    };
    assert_eq!(assess(&signals, &rules, NOW).status, Status::AtRisk);
    // A weight of zero turns a signal off.
    let off = Rules {
        stale_shop_weight: 0,
        ..rules
    };
    assert!(assess(&signals, &off, NOW).reasons.is_empty());
}

#[test]
fn rules_are_checked() {
    assert_eq!(Rules::default().check(), Ok(()));
    let backwards = Rules {
        watch_at: 4,
        at_risk_at: 4,
        ..Rules::default()
    };
    assert_eq!(backwards.check(), Err(RulesRefusal::ThresholdsOutOfOrder));
    let negative = Rules {
        no_contact_days: -1,
        ..Rules::default()
    };
    assert_eq!(negative.check(), Err(RulesRefusal::OutOfRange));
}

#[test]
fn stored_values_round_trip() {
    for s in Status::ALL {
        assert_eq!(Status::parse(s.as_str()), Some(s));
    }
    for k in FollowUpKind::ALL {
        assert_eq!(FollowUpKind::parse(k.as_str()), Some(k));
    }
    for o in Outcome::ALL {
        assert_eq!(Outcome::parse(o.as_str()), Some(o));
    }
    for r in ExitReason::ALL {
        assert_eq!(ExitReason::parse(r.as_str()), Some(r));
    }
    let reasons = vec![
        Reason::MissedSessions(sewing(2)),
        Reason::StaleShop { weeks: 9 },
    ];
    let json = serde_json::to_string(&reasons).unwrap();
    assert_eq!(serde_json::from_str::<Vec<Reason>>(&json).unwrap(), reasons);
}
