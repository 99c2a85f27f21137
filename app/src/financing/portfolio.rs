//! A portfolio's figures from its loans, as pure functions over the rules:
//! outstanding, disbursed this month, PAR30/PAR90, collection rate and the
//! exposure of the guarantees an association carries.

use super::{
    Allocation, Figures, Guarantee, Halalas, days_in_arrears, exposure_after_calls,
    portfolio_at_risk,
};
use crate::time::SaudiDate;

/// What the figures need of one loan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoanFacts {
    pub principal: Halalas,
    pub disbursed_on: Option<SaudiDate>,
    /// The current schedule with what was allocated (empty before
    /// disbursement).
    pub allocation: Allocation,
    /// The guarantees the association carries on it, in force today, each
    /// with what the lender has called on it so far.
    pub guarantees: Vec<(Guarantee, Halalas)>,
    /// What the lender wrote off (`None`: not written off). A written-off
    /// loan leaves the portfolio: no outstanding, arrears or exposure.
    pub written_off: Option<Halalas>,
}

impl LoanFacts {
    /// The principal not yet repaid (0 before disbursement and once written
    /// off).
    pub fn outstanding(&self) -> Halalas {
        if self.written_off.is_some() {
            0
        } else {
            self.allocation.outstanding()
        }
    }

    /// Days in arrears today (0 once written off).
    pub fn arrears_days(&self, today: SaudiDate) -> i64 {
        if self.written_off.is_some() {
            0
        } else {
            days_in_arrears(&self.allocation, today)
        }
    }

    /// What the association's guarantees may still cost: each one's share
    /// of the outstanding balance, within what was guaranteed and not yet
    /// called.
    pub fn exposure(&self) -> Halalas {
        let outstanding = self.outstanding();
        self.guarantees
            .iter()
            .map(|(g, called)| exposure_after_calls(g, self.principal, outstanding, *called))
            .sum()
    }
}

/// A ratio in basis points, rounded down (0 when nothing is over it).
pub fn basis_points(part: Halalas, whole: Halalas) -> i64 {
    if whole <= 0 {
        0
    } else {
        i64::try_from(i128::from(part) * 10_000 / i128::from(whole)).unwrap_or(0)
    }
}

/// The portfolio's figures on `today`.
pub fn figures(loans: &[LoanFacts], today: SaudiDate) -> Figures {
    let month = today.to_string()[..7].to_string();
    let arrears: Vec<(Halalas, i64)> = loans
        .iter()
        .map(|l| (l.outstanding(), l.arrears_days(today)))
        .collect();
    let par30 = portfolio_at_risk(&arrears, 30);
    let par90 = portfolio_at_risk(&arrears, 90);
    let (mut due, mut paid) = (0, 0);
    let running = loans.iter().filter(|l| l.written_off.is_none());
    for state in running.flat_map(|l| &l.allocation.instalments) {
        if state.instalment.due <= today {
            due += state.instalment.amount;
            paid += state.paid;
        }
    }
    Figures {
        loans: loans.iter().filter(|l| l.disbursed_on.is_some()).count() as i64,
        outstanding: par30.outstanding,
        disbursed_this_month: loans
            .iter()
            .filter(|l| {
                l.disbursed_on
                    .is_some_and(|d| d.to_string().starts_with(&month))
            })
            .map(|l| l.principal)
            .sum(),
        par30_bp: basis_points(par30.at_risk, par30.outstanding),
        par90_bp: basis_points(par90.at_risk, par90.outstanding),
        collection_bp: basis_points(paid, due),
        exposure: loans.iter().map(LoanFacts::exposure).sum(),
        exposure_in_arrears: loans
            .iter()
            .filter(|l| l.arrears_days(today) > 0)
            .map(LoanFacts::exposure)
            .sum(),
        written_off: loans.iter().filter_map(|l| l.written_off).sum(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::inconsistent_digit_grouping)]
    use super::*;
    use crate::financing::{Guarantor, KafalaKind, Repayment, allocate, schedule};

    fn date(s: &str) -> SaudiDate {
        SaudiDate::parse(s).unwrap()
    }

    fn loan(principal: Halalas, paid: &[(&str, Halalas)]) -> LoanFacts {
        let plan = schedule(principal, 10, date("2026-01-10")).unwrap();
        let repayments: Vec<Repayment> = paid
            .iter()
            .map(|(on, amount)| Repayment {
                paid_on: date(on),
                amount: *amount,
            })
            .collect();
        LoanFacts {
            principal,
            disbursed_on: Some(date("2025-12-01")),
            allocation: allocate(&plan, &repayments),
            guarantees: vec![(
                Guarantee {
                    guarantor: Guarantor::Association,
                    kind: KafalaKind::Payment,
                    share_basis_points: 10_000,
                    cap: None,
                },
                0,
            )],
            written_off: None,
        }
    }

    #[test]
    fn a_loan_two_months_behind_is_in_par30_not_par90() {
        // 10 000 riyals over 10 months; two paid, the third (2026-03-10) missed.
        let late = loan(
            10_000_00,
            &[("2026-01-10", 1_000_00), ("2026-02-10", 1_000_00)],
        );
        let current = loan(10_000_00, &[("2026-01-10", 3_000_00)]);
        let today = date("2026-04-10");
        assert_eq!(late.arrears_days(today), 31);
        let f = figures(&[late, current], today);
        assert_eq!(f.outstanding, 8_000_00 + 7_000_00);
        assert_eq!(f.par30_bp, basis_points(8_000_00, 15_000_00));
        assert_eq!(f.par90_bp, 0);
        assert_eq!(f.exposure, 15_000_00);
        // current is also late: its 4th instalment (2026-04-10) is due today, not late.
        assert_eq!(f.exposure_in_arrears, 8_000_00);
        // Due by today: 4 instalments each = 8 000; paid 2 000 + 3 000.
        assert_eq!(f.collection_bp, basis_points(5_000_00, 8_000_00));
        assert_eq!(f.disbursed_this_month, 0);
    }

    #[test]
    fn a_written_off_loan_leaves_the_portfolio() {
        let late = loan(10_000_00, &[("2026-01-10", 1_000_00)]);
        let current = loan(10_000_00, &[("2026-01-10", 4_000_00)]);
        let mut gone = late.clone();
        gone.written_off = Some(9_000_00);
        let today = date("2026-04-10");
        let f = figures(&[gone, current.clone()], today);
        assert_eq!(f.outstanding, 6_000_00);
        assert_eq!(f.par30_bp, 0);
        assert_eq!(f.exposure, 6_000_00);
        assert_eq!(f.written_off, 9_000_00);
        assert_eq!(f.loans, 2);
        // Collection counts the running loan only: 4 000 paid of 4 000 due.
        assert_eq!(f.collection_bp, 10_000);
    }

    #[test]
    fn a_call_lowers_what_may_still_be_called() {
        // Half guaranteed (5 000 of 10 000), 2 000 called and paid to the
        // lender: the outstanding 8 000 would expose 4 000, but only 3 000
        // of the guarantee is left.
        let mut l = loan(10_000_00, &[("2026-01-10", 2_000_00)]);
        l.guarantees[0].0.share_basis_points = 5_000;
        l.guarantees[0].1 = 2_000_00;
        assert_eq!(l.exposure(), 3_000_00);
        l.guarantees[0].1 = 3_000_00;
        l.allocation = allocate(
            &schedule(10_000_00, 10, date("2026-01-10")).unwrap(),
            &[Repayment {
                paid_on: date("2026-01-10"),
                amount: 5_000_00,
            }],
        );
        assert_eq!(l.exposure(), 2_000_00);
    }

    #[test]
    fn an_empty_portfolio_has_zero_figures() {
        assert_eq!(figures(&[], date("2026-04-10")), Figures::default());
    }
}
