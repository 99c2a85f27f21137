//! Unit tests of training's rules (no database).

use super::*;

fn span(start_hour: i64, end_hour: i64) -> TimeSpan {
    TimeSpan {
        starts_at: start_hour * 3600,
        ends_at: end_hour * 3600,
    }
}

#[test]
fn overlap_needs_shared_time_not_a_shared_edge() {
    assert!(span(16, 18).overlaps(&span(17, 19)));
    assert!(span(16, 18).overlaps(&span(15, 21)));
    assert!(!span(16, 18).overlaps(&span(18, 20)));
    assert!(!span(18, 20).overlaps(&span(16, 18)));
    let evening = [span(16, 18), span(40, 42)];
    assert!(schedules_overlap(&evening, &[span(10, 11), span(41, 43)]));
    assert!(!schedules_overlap(&evening, &[span(18, 19), span(42, 44)]));
    assert!(!schedules_overlap(&evening, &[]));
}

#[test]
fn completion_rule_is_a_share_of_sessions_present() {
    assert!(meets_completion(3, 4, 75));
    assert!(!meets_completion(2, 4, 75));
    assert!(meets_completion(6, 8, 75));
    assert!(!meets_completion(5, 8, 75));
    assert!(meets_completion(1, 1, 100));
    assert!(
        !meets_completion(0, 0, 75),
        "a course without sessions completes no one"
    );
}

#[test]
fn absence_streak_counts_the_latest_unexcused_absences() {
    use AttendanceMark::*;
    assert_eq!(
        absence_streak(&[Some(Present), Some(Absent), Some(Absent)]),
        2
    );
    assert_eq!(
        absence_streak(&[Some(Absent), Some(Absent), Some(Present)]),
        0
    );
    assert_eq!(
        absence_streak(&[Some(Absent), Some(Excused), Some(Absent)]),
        2
    );
    assert_eq!(absence_streak(&[Some(Absent), None, Some(Absent), None]), 2);
    assert_eq!(absence_streak(&[Some(Excused), Some(Excused)]), 0);
    assert_eq!(absence_streak(&[]), 0);
}

#[test]
fn a_seat_while_free_then_the_end_of_the_waitlist() {
    assert_eq!(place(0, 20, 0), Placement::Seat);
    assert_eq!(place(19, 20, 0), Placement::Seat);
    assert_eq!(place(20, 20, 0), Placement::Waitlist(1));
    assert_eq!(place(20, 20, 7), Placement::Waitlist(8));
}

#[test]
fn a_freed_seat_goes_to_the_first_who_joined_the_waitlist() {
    let waitlist = [(31, 5), (12, 2), (40, 9)];
    assert_eq!(promotion(EnrollmentStatus::Enrolled, &waitlist), Some(12));
    assert_eq!(promotion(EnrollmentStatus::Waitlisted, &waitlist), None);
    assert_eq!(promotion(EnrollmentStatus::Enrolled, &[]), None);
}

#[test]
fn certificate_codes_are_grouped_base32_and_read_back_forgivingly() {
    let code = format_certificate_code(0x0001_2345_6789_abcd_ef01_2345_6789);
    assert_eq!(code.len(), CODE_LENGTH + 4);
    assert_eq!(code.matches('-').count(), 4);
    assert_eq!(
        normalize_certificate_code(&code).as_deref(),
        Some(code.as_str())
    );
    let typed = code.to_lowercase().replace('-', " ");
    assert_eq!(
        normalize_certificate_code(&typed).as_deref(),
        Some(code.as_str())
    );
    assert_eq!(normalize_certificate_code("ABC"), None);
    assert_eq!(normalize_certificate_code("UUUU-UUUU-UUUU-UUUU-UUUU"), None);
    assert_eq!(
        normalize_certificate_code("oooo-iiii-llll-0000-1111").as_deref(),
        Some("0000-1111-1111-0000-1111")
    );
    // 100 bits: the top bits above them do not leak into the code.
    assert_eq!(
        format_certificate_code(u128::MAX),
        format_certificate_code((1u128 << 100) - 1)
    );
}

#[test]
fn session_times_are_saudi_time() {
    let span = parse_session("2026-12-05", "16:00", "18:30").unwrap();
    // 16:00 in Riyadh is 13:00 UTC.
    assert_eq!(span.starts_at, 1_764_892_800 + 13 * 3600 + 365 * 86_400);
    assert_eq!(format_session(&span), "2026-12-05 16:00–18:30");
    assert_eq!(format_hours(&[span]), "2.5");
    assert_eq!(
        parse_session("٢٠٢٦-١٢-٠٥", "٠٩:٠٠", "١١:٠٠").map(|s| s.ends_at - s.starts_at),
        Some(7200)
    );
    assert_eq!(parse_session("2026-12-05", "18:00", "16:00"), None);
    assert_eq!(parse_session("2026-02-30", "10:00", "11:00"), None);
    assert_eq!(parse_session("2026-12-05", "25:00", "26:00"), None);
    assert!(parse_date("2028-02-29").is_some());
}

#[test]
fn course_statuses_move_forward_only() {
    use CourseStatus::*;
    assert!(Draft.can_become(Open));
    assert!(Open.can_become(Running));
    assert!(Running.can_become(Finished));
    assert!(Open.can_become(Cancelled));
    assert!(!Finished.can_become(Open));
    assert!(!Cancelled.can_become(Open));
    assert!(!Draft.can_become(Finished));
}
