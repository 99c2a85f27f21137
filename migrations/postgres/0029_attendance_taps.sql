-- Taps on the attendance sheet sent from a phone that may have been offline:
-- each carries a key made in the browser, and a key is applied once, however
-- often a weak connection makes the phone send it (issue 20).
CREATE TABLE attendance_taps (
    tap_key       TEXT PRIMARY KEY,
    enrollment_id BIGINT NOT NULL REFERENCES enrollments(id),
    session_id    BIGINT NOT NULL REFERENCES course_sessions(id) ON DELETE CASCADE,
    applied_at    BIGINT NOT NULL
);
CREATE INDEX attendance_taps_applied ON attendance_taps(applied_at);
