//! Training (DESIGN.md §3): providers (training centers and associations), one
//! shared registry of trainers, courses with sessions, enrollment with seats
//! enforced by the database and a waitlist, attendance per tap, completion,
//! certificates with a public verification code, and the follow-up flag an
//! absence streak raises on the household.
//!
//! This module holds the types and pure rules (overlap, completion, absence
//! streak, waitlist promotion, session times; certificate codes in
//! `certificate.rs`); `db/` the SQL, `api/` the server functions, `http.rs`
//! the roster CSV, `pages.rs` the public and family pages,
//! `manage_pages.rs` the providers' pages and `reminders.rs` the job that
//! reminds enrolled people of a session the day before. Messages to the
//! family's phone (a seat, a promotion from the waitlist, the reminder) go
//! to the outbox in the transaction of the event.

pub use crate::paths::{
    CERTIFICATE_PAGE, COURSE_PAGE, COURSES_PAGE, MANAGE_COURSE_PAGE, MANAGE_PAGE, MY_COURSES_PAGE,
    ROSTER_CSV, TRAINERS_PAGE, VERIFY_PAGE,
};
pub mod api;
pub mod attendance_queue;
mod certificate;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod http;
pub mod manage_pages;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod reminders;
pub mod subject;

use serde::{Deserialize, Serialize};

use crate::time::{SaudiDate, format_date};
pub use crate::time::{format_time_of_day, parse_time_of_day};
pub use attendance_queue::is_tap_key;
pub use certificate::{CODE_LENGTH, format_certificate_code, normalize_certificate_code};

/// A course's public URL.
pub fn course_url(course_id: i64) -> String {
    format!("{COURSE_PAGE}/{course_id}")
}

/// A course's management URL.
pub fn manage_url(course_id: i64) -> String {
    format!("{MANAGE_COURSE_PAGE}/{course_id}")
}

/// A course's roster export URL.
pub fn roster_csv_url(course_id: i64) -> String {
    format!("{MANAGE_COURSE_PAGE}/{course_id}/roster.csv")
}

/// What a course teaches: the crafts of the registry plus business skills.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Specialty {
    Food,
    Sweets,
    Sewing,
    Embroidery,
    Handicrafts,
    PerfumeIncense,
    Beauty,
    Pricing,
    Packaging,
    Marketing,
    FoodSafety,
    Ecommerce,
}

impl Specialty {
    pub const ALL: [Specialty; 12] = [
        Specialty::Food,
        Specialty::Sweets,
        Specialty::Sewing,
        Specialty::Embroidery,
        Specialty::Handicrafts,
        Specialty::PerfumeIncense,
        Specialty::Beauty,
        Specialty::Pricing,
        Specialty::Packaging,
        Specialty::Marketing,
        Specialty::FoodSafety,
        Specialty::Ecommerce,
    ];

    /// The code in URLs, SQL and locale keys.
    pub fn as_str(self) -> &'static str {
        match self {
            Specialty::Food => "food",
            Specialty::Sweets => "sweets",
            Specialty::Sewing => "sewing",
            Specialty::Embroidery => "embroidery",
            Specialty::Handicrafts => "handicrafts",
            Specialty::PerfumeIncense => "perfume_incense",
            Specialty::Beauty => "beauty",
            Specialty::Pricing => "pricing",
            Specialty::Packaging => "packaging",
            Specialty::Marketing => "marketing",
            Specialty::FoodSafety => "food_safety",
            Specialty::Ecommerce => "ecommerce",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == value)
    }

    /// The names (Arabic, English); in code, like the marketplace's
    /// categories, because the roster CSV and the pages both need them.
    pub fn names(self) -> (&'static str, &'static str) {
        match self {
            Specialty::Food => ("الطبخ والأكلات", "Cooking"),
            Specialty::Sweets => ("الحلويات", "Sweets"),
            Specialty::Sewing => ("الخياطة", "Sewing"),
            Specialty::Embroidery => ("التطريز", "Embroidery"),
            Specialty::Handicrafts => ("الأعمال اليدوية", "Handicrafts"),
            Specialty::PerfumeIncense => ("العطور والبخور", "Perfume and incense"),
            Specialty::Beauty => ("التجميل", "Beauty"),
            Specialty::Pricing => ("التسعير", "Pricing"),
            Specialty::Packaging => ("التغليف", "Packaging"),
            Specialty::Marketing => ("التسويق", "Marketing"),
            Specialty::FoodSafety => ("سلامة الغذاء", "Food safety"),
            Specialty::Ecommerce => ("التجارة الإلكترونية", "E-commerce"),
        }
    }

    /// Parses the comma-separated codes stored for a trainer (unknown ones dropped).
    pub fn parse_list(value: &str) -> Vec<Self> {
        value
            .split(',')
            .filter_map(|v| Self::parse(v.trim()))
            .collect()
    }
}

/// Where a course takes place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CourseMode {
    InPerson,
    Online,
}

impl CourseMode {
    pub fn as_str(self) -> &'static str {
        match self {
            CourseMode::InPerson => "in_person",
            CourseMode::Online => "online",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [CourseMode::InPerson, CourseMode::Online]
            .into_iter()
            .find(|m| m.as_str() == value)
    }
}

/// A course's stored status. "Full" is not stored: it is an open course whose
/// seats are all taken ([`Course::is_full`]), so it can never disagree with the seats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CourseStatus {
    Draft,
    Open,
    Running,
    Finished,
    Cancelled,
}

impl CourseStatus {
    pub const ALL: [CourseStatus; 5] = [
        CourseStatus::Draft,
        CourseStatus::Open,
        CourseStatus::Running,
        CourseStatus::Finished,
        CourseStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CourseStatus::Draft => "draft",
            CourseStatus::Open => "open",
            CourseStatus::Running => "running",
            CourseStatus::Finished => "finished",
            CourseStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == value)
    }

    /// The statuses a provider may move a course to from this one. Finishing
    /// decides completion, so it has its own action.
    pub fn can_become(self, to: CourseStatus) -> bool {
        use CourseStatus::*;
        matches!(
            (self, to),
            (Draft, Open)
                | (Open, Running)
                | (Draft | Open | Running, Cancelled)
                | (Running, Finished)
        )
    }

    /// Whether members may still enroll or join the waitlist.
    pub fn takes_enrollments(self) -> bool {
        self == CourseStatus::Open
    }
}

/// Where a member stands in a course.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EnrollmentStatus {
    Enrolled,
    Waitlisted,
    Cancelled,
    Completed,
    NotCompleted,
}

impl EnrollmentStatus {
    pub const ALL: [EnrollmentStatus; 5] = [
        EnrollmentStatus::Enrolled,
        EnrollmentStatus::Waitlisted,
        EnrollmentStatus::Cancelled,
        EnrollmentStatus::Completed,
        EnrollmentStatus::NotCompleted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EnrollmentStatus::Enrolled => "enrolled",
            EnrollmentStatus::Waitlisted => "waitlisted",
            EnrollmentStatus::Cancelled => "cancelled",
            EnrollmentStatus::Completed => "completed",
            EnrollmentStatus::NotCompleted => "not_completed",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == value)
    }

    /// Whether the member may still cancel (a finished course's outcome stays).
    pub fn is_active(self) -> bool {
        matches!(
            self,
            EnrollmentStatus::Enrolled | EnrollmentStatus::Waitlisted
        )
    }
}

/// One attendance tap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttendanceMark {
    Present,
    Absent,
    Excused,
}

impl AttendanceMark {
    pub const ALL: [AttendanceMark; 3] = [
        AttendanceMark::Present,
        AttendanceMark::Absent,
        AttendanceMark::Excused,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AttendanceMark::Present => "present",
            AttendanceMark::Absent => "absent",
            AttendanceMark::Excused => "excused",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == value)
    }
}

/// A session's time span, Unix seconds, end exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeSpan {
    pub starts_at: i64,
    pub ends_at: i64,
}

impl TimeSpan {
    /// Two spans overlap when each starts before the other ends; a session
    /// ending at 18:00 and one starting at 18:00 do not.
    pub fn overlaps(&self, other: &TimeSpan) -> bool {
        self.starts_at < other.ends_at && other.starts_at < self.ends_at
    }
}

/// Whether any session of one course overlaps any session of another: the
/// rule that keeps a member out of two courses at the same time.
pub fn schedules_overlap(a: &[TimeSpan], b: &[TimeSpan]) -> bool {
    a.iter().any(|x| b.iter().any(|y| x.overlaps(y)))
}

/// The completion rule: present at no fewer than `percent` of the course's
/// sessions. An excused absence is still an absence here (the certificate
/// says the hours were attended), but it does not count towards a streak.
pub fn meets_completion(present: usize, sessions: usize, percent: u32) -> bool {
    sessions > 0 && present * 100 >= sessions * percent as usize
}

/// How many sessions in a row, up to the latest marked one, the member was
/// absent without excuse. `marks` are in session order, `None` for a session
/// not marked yet (skipped: a session not yet taken says nothing), and an
/// excused absence neither extends nor breaks the streak.
pub fn absence_streak(marks: &[Option<AttendanceMark>]) -> usize {
    marks
        .iter()
        .rev()
        .flatten()
        .filter(|m| **m != AttendanceMark::Excused)
        .take_while(|m| **m == AttendanceMark::Absent)
        .count()
}

/// Absences in a row that flag the household for a follow-up.
pub const ABSENCE_STREAK_FLAG: usize = 2;

/// Where a new enrollment goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Placement {
    /// A seat was free.
    Seat,
    /// All seats taken: the waitlist, at this position (1 = next in line).
    Waitlist(i64),
}

/// The pure rule behind enrollment: a seat while `enrolled < seats`, else the
/// end of the waitlist. The database applies the same rule in one guarded
/// update (`db::enroll`), which is what holds under concurrent requests.
pub fn place(enrolled: i64, seats: i64, waitlisted: i64) -> Placement {
    if enrolled < seats {
        Placement::Seat
    } else {
        Placement::Waitlist(waitlisted + 1)
    }
}

/// Who takes a freed seat: the waitlisted member who joined first (lowest
/// joining number). `waitlist` holds (enrollment id, joining number). Only a
/// cancelled *seat* frees one; a member leaving the waitlist frees nothing.
pub fn promotion(cancelled: EnrollmentStatus, waitlist: &[(i64, i64)]) -> Option<i64> {
    if cancelled != EnrollmentStatus::Enrolled {
        return None;
    }
    waitlist
        .iter()
        .min_by_key(|(_, seq)| *seq)
        .map(|(id, _)| *id)
}

/// A course date (`YYYY-MM-DD`, Eastern digits accepted, from 2000 on) as the
/// Unix time of its midnight in Saudi time.
pub fn parse_date(input: &str) -> Option<i64> {
    SaudiDate::parse(input)
        .filter(|d| d.year() >= 2000)
        .map(SaudiDate::start)
}

/// A session from its form fields (date, start, end in Saudi time); `None`
/// when a field is wrong or the end is not after the start.
pub fn parse_session(date: &str, start: &str, end: &str) -> Option<TimeSpan> {
    let day = parse_date(date)?;
    let (start, end) = (parse_time_of_day(start)?, parse_time_of_day(end)?);
    (end > start).then_some(TimeSpan {
        starts_at: day + start,
        ends_at: day + end,
    })
}

/// A session as shown: `2026-12-05 16:00–18:00`.
pub fn format_session(span: &TimeSpan) -> String {
    format!(
        "{} {}–{}",
        format_date(span.starts_at),
        format_time_of_day(span.starts_at),
        format_time_of_day(span.ends_at)
    )
}

/// The course's teaching time, in hours (to one decimal when not whole).
pub fn format_hours(sessions: &[TimeSpan]) -> String {
    let minutes: i64 = sessions
        .iter()
        .map(|s| (s.ends_at - s.starts_at) / 60)
        .sum();
    if minutes % 60 == 0 {
        (minutes / 60).to_string()
    } else {
        format!("{:.1}", minutes as f64 / 60.0)
    }
}

/// A course as lists and pages show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Course {
    pub id: i64,
    pub provider_id: i64,
    pub provider_name_ar: String,
    pub provider_name_en: String,
    pub trainer_id: Option<i64>,
    pub trainer_name_ar: Option<String>,
    pub trainer_name_en: Option<String>,
    pub title_ar: String,
    pub title_en: String,
    pub description_ar: String,
    pub description_en: String,
    pub specialty: Specialty,
    pub mode: CourseMode,
    pub district_id: Option<i64>,
    pub district_name_ar: Option<String>,
    pub district_name_en: Option<String>,
    pub venue: String,
    pub online_url: String,
    pub seats: i64,
    pub enrolled: i64,
    pub waitlisted: i64,
    pub opens_at: i64,
    pub closes_at: i64,
    /// Districts whose households may enroll; empty: any registered household.
    pub eligible_districts: Vec<i64>,
    pub fee_halalas: i64,
    pub completion_percent: i64,
    pub status: CourseStatus,
    pub sessions: Vec<TimeSpan>,
}

impl Course {
    /// Open with every seat taken (new members join the waitlist).
    pub fn is_full(&self) -> bool {
        self.status == CourseStatus::Open && self.enrolled >= self.seats
    }

    /// The title in the page's language (Arabic when there is no English one).
    pub fn title(&self, english: bool) -> &str {
        if english && !self.title_en.is_empty() {
            &self.title_en
        } else {
            &self.title_ar
        }
    }

    /// The description in the page's language.
    pub fn description(&self, english: bool) -> &str {
        if english && !self.description_en.is_empty() {
            &self.description_en
        } else {
            &self.description_ar
        }
    }

    /// The first session that has not ended at `now`.
    pub fn next_session(&self, now: i64) -> Option<TimeSpan> {
        self.sessions.iter().copied().find(|s| s.ends_at > now)
    }

    /// Whether `now` is inside the enrollment window.
    pub fn window_open(&self, now: i64) -> bool {
        self.opens_at <= now && now <= self.closes_at
    }
}

/// A training provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provider {
    pub id: i64,
    pub association_id: Option<i64>,
    pub name_ar: String,
    pub name_en: String,
}

/// A trainer of the shared registry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trainer {
    pub id: i64,
    pub user_id: Option<i64>,
    pub name_ar: String,
    pub name_en: String,
    pub specialties: Vec<Specialty>,
    pub qualifications: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// The providers they teach for (Arabic, English names).
    pub providers: Vec<(String, String)>,
}

/// A member's enrollment as "my courses" shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyEnrollment {
    pub course: Course,
    pub status: EnrollmentStatus,
    pub waitlist_position: Option<i64>,
    pub certificate_code: Option<String>,
    pub promoted_at: Option<i64>,
}

/// One person on a course's roster, as its provider's staff and its trainer
/// see it: the national ID masked, and the household's phone only for staff
/// of an association that serves the household (never for a trainer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterEntry {
    pub enrollment_id: i64,
    /// For the audit of the read only ("who read my record"): never sent.
    #[serde(skip)]
    pub household_id: Option<i64>,
    pub name_ar: String,
    pub name_en: Option<String>,
    pub masked_national_id: String,
    pub phone: Option<String>,
    pub district_name_ar: Option<String>,
    pub district_name_en: Option<String>,
    pub status: EnrollmentStatus,
    pub waitlist_position: Option<i64>,
    /// One entry per session of the course, in time order.
    pub marks: Vec<Option<AttendanceMark>>,
}

/// A course's figures for the providers' dashboard.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CourseFigures {
    /// Marks saved, and of them "present".
    pub marks: i64,
    pub present: i64,
    pub completed: i64,
    pub not_completed: i64,
}

/// An open follow-up flag, for the household's association.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUpFlag {
    pub id: i64,
    pub household_id: i64,
    pub head_name_ar: String,
    pub course_title_ar: Option<String>,
    pub course_title_en: Option<String>,
    pub raised_at: i64,
}

/// A certificate as its page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Certificate {
    pub code: String,
    pub user_id: i64,
    pub name_ar: String,
    pub name_en: Option<String>,
    pub name_verified: bool,
    pub course: Course,
    pub completed_at: i64,
}

#[cfg(test)]
mod tests;
