//! SQL of the data-protection domain, and only here: the retention job's
//! lease, deletions and reports (`retention`), the breach register
//! (`breaches`), the privacy notice and its acceptances (`notice`).

pub mod breaches;
pub mod notice;
pub mod retention;
