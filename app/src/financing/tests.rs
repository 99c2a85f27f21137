//! The loan's rules, case by case and over 10 000 generated loans and
//! payment streams.

use proptest::prelude::*;

use super::*;

fn day(text: &str) -> SaudiDate {
    SaudiDate::parse(text).unwrap()
}

fn payment(on: &str, amount: Halalas) -> Repayment {
    Repayment {
        paid_on: day(on),
        amount,
    }
}

#[test]
fn twenty_thousand_riyals_over_thirty_six_months() {
    let s = schedule(20_000_00, 36, day("2027-01-31")).unwrap();
    assert_eq!(s.len(), 36);
    assert_eq!(s[0].amount, 55_555);
    // The rounding goes on the last one, so the sum is the principal exactly.
    assert_eq!(s[35].amount, 20_000_00 - 55_555 * 35);
    assert_eq!(s.iter().map(|i| i.amount).sum::<i64>(), 20_000_00);
    // A month later each time, on the month's last day when it is shorter.
    assert_eq!(s[1].due, day("2027-02-28"));
    assert_eq!(s[2].due, day("2027-03-31"));
    assert_eq!(s[13].due, day("2028-02-29"));
    assert_eq!(s[35].number, 36);
}

#[test]
fn schedules_refuse_what_cannot_be() {
    assert_eq!(
        schedule(0, 12, day("2027-01-01")),
        Err(ScheduleRefusal::Principal)
    );
    assert_eq!(
        schedule(1000, 0, day("2027-01-01")),
        Err(ScheduleRefusal::Term)
    );
    assert_eq!(
        schedule(1000, 121, day("2027-01-01")),
        Err(ScheduleRefusal::Term)
    );
    assert_eq!(
        schedule(1000, 12, day("2100-06-01")),
        Err(ScheduleRefusal::Date)
    );
}

#[test]
fn repayments_pay_the_oldest_instalment_first_partially_too() {
    let s = schedule(3_000_00, 3, day("2027-01-10")).unwrap();
    let a = allocate(
        &s,
        &[
            payment("2027-02-09", 500_00),
            payment("2027-01-09", 1_200_00),
        ],
    );
    // Taken in the order paid: 1 200 settles the first and leaves 200 on the
    // second; 500 more settles the second (800) and nothing of the third.
    assert_eq!(a.instalments[0].paid, 1_000_00);
    assert_eq!(a.instalments[0].settled_on, Some(day("2027-01-09")));
    assert_eq!(a.instalments[1].paid, 700_00);
    assert_eq!(a.instalments[1].settled_on, None);
    assert_eq!(a.instalments[2].paid, 0);
    assert_eq!(a.outstanding(), 1_300_00);
    assert_eq!(a.credit, 0);
    // Overpaying the whole loan leaves a credit, never a second payment.
    let all = allocate(&s, &[payment("2027-01-01", 3_100_00)]);
    assert_eq!(all.outstanding(), 0);
    assert_eq!(all.credit, 100_00);
}

#[test]
fn arrears_count_from_the_oldest_unpaid_instalment() {
    let s = schedule(3_000_00, 3, day("2027-01-10")).unwrap();
    let two_paid = allocate(
        &s,
        &[
            payment("2027-01-10", 1_000_00),
            payment("2027-02-10", 1_000_00),
        ],
    );
    assert_eq!(days_in_arrears(&two_paid, day("2027-03-10")), 0);
    assert_eq!(days_in_arrears(&two_paid, day("2027-04-11")), 32);
    // A partial payment does not stop the clock.
    let partial = allocate(&s, &[payment("2027-01-10", 900_00)]);
    assert_eq!(days_in_arrears(&partial, day("2027-01-20")), 10);
    let ranges = [30, 60, 90];
    assert_eq!(delinquency_range(0, &ranges), 0);
    assert_eq!(delinquency_range(1, &ranges), 1);
    assert_eq!(delinquency_range(30, &ranges), 1);
    assert_eq!(delinquency_range(31, &ranges), 2);
    assert_eq!(delinquency_range(90, &ranges), 3);
    assert_eq!(delinquency_range(91, &ranges), 4);
}

#[test]
fn portfolio_at_risk_counts_the_whole_balance_of_a_late_loan() {
    let loans = [(10_000_00, 0), (5_000_00, 31), (5_000_00, 95), (0, 200)];
    let par30 = portfolio_at_risk(&loans, 30);
    assert_eq!(par30.at_risk, 10_000_00);
    assert_eq!(par30.outstanding, 20_000_00);
    assert!((par30.ratio() - 0.5).abs() < 1e-12);
    assert!((portfolio_at_risk(&loans, 90).ratio() - 0.25).abs() < 1e-12);
    assert_eq!(portfolio_at_risk(&[], 30).ratio(), 0.0);
}

#[test]
fn a_payment_guarantee_falls_as_the_principal_is_repaid() {
    let half = Guarantee {
        guarantor: Guarantor::Association,
        kind: KafalaKind::Payment,
        share_basis_points: 5_000,
        cap: None,
    };
    assert_eq!(guaranteed_amount(&half, 20_000_00), 10_000_00);
    assert_eq!(exposure(&half, 20_000_00, 20_000_00), 10_000_00);
    assert_eq!(exposure(&half, 20_000_00, 12_345_67), 6_172_83);
    assert_eq!(exposure(&half, 20_000_00, 0), 0);
    let capped = Guarantee {
        cap: Some(3_000_00),
        ..half
    };
    assert_eq!(exposure(&capped, 20_000_00, 20_000_00), 3_000_00);
    let appearance = Guarantee {
        kind: KafalaKind::Appearance,
        ..half
    };
    assert_eq!(exposure(&appearance, 20_000_00, 20_000_00), 0);
}

#[test]
fn a_further_loan_once_more_than_half_is_repaid() {
    assert!(!may_borrow_again(20_000_00, 10_000_00, 5_000));
    assert!(may_borrow_again(20_000_00, 10_000_01, 5_000));
    // The council may set another share.
    assert!(!may_borrow_again(20_000_00, 12_000_00, 6_000));
    assert!(may_borrow_again(20_000_00, 12_000_01, 6_000));
    assert!(may_borrow_again(20_000_00, 1, 0));
    assert!(!may_borrow_again(20_000_00, 20_000_00, 10_000));
}

#[test]
fn eligibility_says_which_rule_fails() {
    let rules = EligibilityRules::sdb_2026();
    let today = day("2027-01-01");
    let applicant = Applicant {
        age: 34,
        monthly_income: 4_000_00,
        has_commercial_registration: false,
        certificate_expires: Some(day("2027-06-30")),
        amount: 20_000_00,
        months: 36,
        previous_loan: Some((10_000_00, 6_000_00)),
    };
    assert!(
        check_eligibility(&rules, &applicant, today)
            .iter()
            .all(|(_, ok)| *ok)
    );
    let failing = Applicant {
        age: 66,
        amount: 60_000_00,
        certificate_expires: Some(day("2026-12-31")),
        has_commercial_registration: true,
        previous_loan: Some((10_000_00, 5_000_00)),
        ..applicant
    };
    let failed: Vec<EligibilityRule> = check_eligibility(&rules, &failing, today)
        .into_iter()
        .filter(|(_, ok)| !ok)
        .map(|(rule, _)| rule)
        .collect();
    assert_eq!(
        failed,
        vec![
            EligibilityRule::Age,
            EligibilityRule::Amount,
            EligibilityRule::Certificate,
            EligibilityRule::FurtherLoan,
            EligibilityRule::CommercialRegistration
        ]
    );
}

fn a_day() -> impl Strategy<Value = SaudiDate> {
    (2020i64..2060, 1i64..=12, 1i64..=28)
        .prop_map(|(y, m, d)| SaudiDate::parse(&format!("{y}-{m:02}-{d:02}")).unwrap())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(10_000))]

    #[test]
    fn instalments_add_up_to_the_principal(
        principal in 1i64..100_000_00,
        months in 1u32..=120,
        first in a_day(),
    ) {
        let s = schedule(principal, months, first).unwrap();
        prop_assert_eq!(s.len() as u32, months);
        prop_assert_eq!(s.iter().map(|i| i.amount).sum::<i64>(), principal);
        prop_assert!(s.iter().all(|i| i.amount >= 0));
        prop_assert!(s.windows(2).all(|w| w[0].due < w[1].due));
    }

    #[test]
    fn allocation_never_pays_an_instalment_twice(
        principal in 1i64..100_000_00,
        months in 1u32..=60,
        first in a_day(),
        payments in proptest::collection::vec((0i64..800, -1_000i64..20_000_00), 0..40),
    ) {
        let s = schedule(principal, months, first).unwrap();
        let repayments: Vec<Repayment> = payments
            .iter()
            .map(|&(offset, amount)| Repayment { paid_on: first.add_months(offset / 30).unwrap(), amount })
            .collect();
        let a = allocate(&s, &repayments);
        let paid: i64 = repayments.iter().map(|r| r.amount.max(0)).sum();
        prop_assert!(a.instalments.iter().all(|i| i.paid >= 0 && i.paid <= i.instalment.amount));
        prop_assert_eq!(a.repaid() + a.credit, paid);
        prop_assert_eq!(a.repaid(), paid.min(principal));
        prop_assert_eq!(a.outstanding(), principal - a.repaid());
        // Oldest first: no instalment is paid while an older one is owed.
        let first_owed = a.instalments.iter().position(|i| i.owed() > 0).unwrap_or(a.instalments.len());
        prop_assert!(a.instalments[first_owed..].iter().skip(1).all(|i| i.paid == 0));
    }

    #[test]
    fn exposure_stays_between_nothing_and_the_guaranteed_amount(
        principal in 1i64..100_000_00,
        repaid in 0i64..200_000_00,
        share in 0i64..=10_000,
        cap in proptest::option::of(0i64..100_000_00),
        payment_kind in proptest::bool::ANY,
    ) {
        let guarantee = Guarantee {
            guarantor: Guarantor::Association,
            kind: if payment_kind { KafalaKind::Payment } else { KafalaKind::Appearance },
            share_basis_points: share,
            cap,
        };
        let outstanding = (principal - repaid).max(0);
        let e = exposure(&guarantee, principal, outstanding);
        prop_assert!(e >= 0);
        prop_assert!(e <= guaranteed_amount(&guarantee, principal));
        // It falls as the principal is repaid.
        prop_assert!(exposure(&guarantee, principal, (outstanding - 1).max(0)) <= e);
    }

    #[test]
    fn calls_keep_the_association_within_its_guarantee(
        principal in 1i64..100_000_00,
        share in 0i64..=10_000,
        calls in proptest::collection::vec(0i64..30_000_00, 0..8),
        repaid in 0i64..100_000_00,
    ) {
        // Each call takes at most the room left and is paid to the lender:
        // the outstanding balance falls by it, the exposure never passes
        // what may still be called, and the sum of calls never passes the
        // guaranteed amount.
        let guarantee = Guarantee { guarantor: Guarantor::Association, kind: KafalaKind::Payment, share_basis_points: share, cap: None };
        let mut outstanding = (principal - repaid).max(0);
        let mut called = 0;
        for wanted in calls {
            let take = wanted.min(call_room(&guarantee, principal, outstanding, called));
            prop_assert!(take >= 0);
            called += take;
            outstanding -= take;
            let e = exposure_after_calls(&guarantee, principal, outstanding, called);
            prop_assert!(e >= 0);
            prop_assert!(e + called <= guaranteed_amount(&guarantee, principal));
            prop_assert!(outstanding >= 0);
        }
    }

    #[test]
    fn par_is_a_share_of_the_portfolio(
        loans in proptest::collection::vec((0i64..100_000_00, 0i64..400), 0..60),
        threshold in 0i64..120,
    ) {
        let par = portfolio_at_risk(&loans, threshold);
        prop_assert!((0.0..=1.0).contains(&par.ratio()));
        prop_assert!(par.at_risk <= par.outstanding);
    }
}
