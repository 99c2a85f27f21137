//! The loan's rules, each a pure function (unit and property tests in
//! `tests.rs`).

use super::{
    Allocation, Applicant, EligibilityRule, EligibilityRules, Guarantee, Halalas, Instalment,
    InstalmentState, KafalaKind, Repayment, ScheduleRefusal,
};
use crate::time::SaudiDate;

/// The longest term a schedule is drawn for (months).
pub const MAX_TERM_MONTHS: u32 = 120;

/// Equal monthly instalments of `principal` over `months`, the first due on
/// `first_due` and each next one a month later (on the month's last day when
/// it is shorter). Each is the principal divided by the term, in whole
/// halalas; the last one takes the remainder, so the instalments always add
/// up to the principal exactly.
pub fn schedule(
    principal: Halalas,
    months: u32,
    first_due: SaudiDate,
) -> Result<Vec<Instalment>, ScheduleRefusal> {
    if principal <= 0 {
        return Err(ScheduleRefusal::Principal);
    }
    if !(1..=MAX_TERM_MONTHS).contains(&months) {
        return Err(ScheduleRefusal::Term);
    }
    let n = i64::from(months);
    let each = principal / n;
    (0..months)
        .map(|i| {
            let due = first_due
                .add_months(i64::from(i))
                .ok_or(ScheduleRefusal::Date)?;
            let amount = if i + 1 == months {
                principal - each * (n - 1)
            } else {
                each
            };
            Ok(Instalment {
                number: i + 1,
                due,
                amount,
            })
        })
        .collect()
}

/// Allocates repayments, in the order they were paid, to the oldest
/// instalment still owed first; a partial payment leaves the rest owed.
/// Nothing is paid twice: what exceeds the whole loan is `credit`.
/// Negative or zero amounts are ignored (a correction is a new schedule).
pub fn allocate(schedule: &[Instalment], repayments: &[Repayment]) -> Allocation {
    let mut instalments: Vec<InstalmentState> = schedule
        .iter()
        .map(|&instalment| InstalmentState {
            instalment,
            paid: 0,
            settled_on: None,
        })
        .collect();
    let mut ordered: Vec<&Repayment> = repayments.iter().filter(|r| r.amount > 0).collect();
    ordered.sort_by_key(|r| r.paid_on);
    let mut credit = 0;
    let mut next = 0;
    for repayment in ordered {
        let mut left = repayment.amount;
        while left > 0 && next < instalments.len() {
            let state = &mut instalments[next];
            let take = left.min(state.owed());
            state.paid += take;
            left -= take;
            if state.owed() == 0 {
                state.settled_on = Some(repayment.paid_on);
                next += 1;
            }
        }
        credit += left;
    }
    Allocation {
        instalments,
        credit,
    }
}

/// Days in arrears on `today`: from the due date of the oldest instalment
/// still owed that fell due before today; 0 when none is late.
pub fn days_in_arrears(allocation: &Allocation, today: SaudiDate) -> i64 {
    allocation
        .instalments
        .iter()
        .find(|s| s.owed() > 0)
        .map(|s| s.instalment.due.days_until(today).max(0))
        .unwrap_or(0)
}

/// The delinquency range a loan falls in: 0 for current, then one range per
/// upper bound (configurable; the usual are 30, 60 and 90: 1–30, 31–60,
/// 61–90), and the last for beyond the highest (90+).
pub fn delinquency_range(days_in_arrears: i64, upper_bounds: &[i64]) -> usize {
    if days_in_arrears <= 0 {
        return 0;
    }
    upper_bounds
        .iter()
        .position(|&bound| days_in_arrears <= bound)
        .map_or(upper_bounds.len() + 1, |i| i + 1)
}

/// Portfolio at risk over `threshold` days, the standard way: the whole
/// outstanding balance of loans with an instalment more than `threshold`
/// days late, over the portfolio's total outstanding, by value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PortfolioAtRisk {
    pub at_risk: Halalas,
    pub outstanding: Halalas,
}

impl PortfolioAtRisk {
    /// The ratio (0 for an empty portfolio).
    pub fn ratio(&self) -> f64 {
        if self.outstanding <= 0 {
            0.0
        } else {
            self.at_risk as f64 / self.outstanding as f64
        }
    }
}

/// PAR over `threshold` days of loans given as (outstanding, days in arrears).
pub fn portfolio_at_risk(loans: &[(Halalas, i64)], threshold: i64) -> PortfolioAtRisk {
    loans
        .iter()
        .filter(|(outstanding, _)| *outstanding > 0)
        .fold(
            PortfolioAtRisk::default(),
            |mut par, &(outstanding, days)| {
                par.outstanding += outstanding;
                if days > threshold {
                    par.at_risk += outstanding;
                }
                par
            },
        )
}

/// Most the guarantee can ever cost: its share of the principal, capped.
pub fn guaranteed_amount(guarantee: &Guarantee, principal: Halalas) -> Halalas {
    match guarantee.kind {
        KafalaKind::Appearance => 0,
        KafalaKind::Payment => {
            let share = principal.max(0) * guarantee.share_basis_points.clamp(0, 10_000) / 10_000;
            guarantee.cap.map_or(share, |cap| share.min(cap.max(0)))
        }
    }
}

/// What the guarantor stands to pay now: a payment guarantee's share of the
/// outstanding balance (in whole halalas, rounded down), never above the
/// guaranteed amount; an appearance guarantee creates no money debt.
pub fn exposure(guarantee: &Guarantee, principal: Halalas, outstanding: Halalas) -> Halalas {
    match guarantee.kind {
        KafalaKind::Appearance => 0,
        KafalaKind::Payment => {
            let share = outstanding.clamp(0, principal.max(0))
                * guarantee.share_basis_points.clamp(0, 10_000)
                / 10_000;
            share.min(guaranteed_amount(guarantee, principal))
        }
    }
}

/// What a guarantee may still cost once `called` has been claimed on it:
/// its exposure on the outstanding balance, never above the guaranteed
/// amount not yet called (a call is paid to the lender, so it lowers the
/// outstanding balance too).
pub fn exposure_after_calls(
    guarantee: &Guarantee,
    principal: Halalas,
    outstanding: Halalas,
    called: Halalas,
) -> Halalas {
    let room = (guaranteed_amount(guarantee, principal) - called.max(0)).max(0);
    exposure(guarantee, principal, outstanding).min(room)
}

/// The most the lender may still call on a guarantee: the guaranteed amount
/// not yet called, and never more than the loan still owes it.
pub fn call_room(
    guarantee: &Guarantee,
    principal: Halalas,
    outstanding: Halalas,
    called: Halalas,
) -> Halalas {
    (guaranteed_amount(guarantee, principal) - called.max(0))
        .min(outstanding)
        .max(0)
}

/// A family may ask for a further loan once more than `share_bp` basis
/// points of the previous one (5 000: half, the bank's rule) is repaid.
pub fn may_borrow_again(principal: Halalas, repaid: Halalas, share_bp: i64) -> bool {
    i128::from(repaid) * 10_000 > i128::from(principal) * i128::from(share_bp.clamp(0, 10_000))
}

/// Each rule of the bank's eligibility and whether the applicant meets it,
/// in a fixed order (the page shows each result in words).
pub fn check_eligibility(
    rules: &EligibilityRules,
    applicant: &Applicant,
    today: SaudiDate,
) -> Vec<(EligibilityRule, bool)> {
    let mut results = vec![
        (
            EligibilityRule::Age,
            (rules.min_age..=rules.max_age).contains(&applicant.age),
        ),
        (
            EligibilityRule::Income,
            applicant.monthly_income <= rules.max_monthly_income,
        ),
        (
            EligibilityRule::Amount,
            (rules.min_amount..=rules.max_amount).contains(&applicant.amount),
        ),
        (
            EligibilityRule::Term,
            (1..=rules.max_months).contains(&applicant.months),
        ),
    ];
    if rules.certificate_required {
        let valid = applicant
            .certificate_expires
            .is_some_and(|expires| expires >= today);
        results.push((EligibilityRule::Certificate, valid));
    }
    if let Some((principal, repaid)) = applicant.previous_loan {
        results.push((
            EligibilityRule::FurtherLoan,
            may_borrow_again(principal, repaid, rules.further_loan_repaid_bp),
        ));
    }
    if rules.no_commercial_registration {
        results.push((
            EligibilityRule::CommercialRegistration,
            !applicant.has_commercial_registration,
        ));
    }
    results
}
