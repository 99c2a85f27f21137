-- Issue 17: taps on "order on WhatsApp" and the day-before session reminders.
-- Keep in step with ../postgres/0024_taps_and_reminders.sql.

-- Taps on a product's "order on WhatsApp" button, counted per product and
-- day (`day`: Unix days, seconds / 86400, UTC) by the `/order/{id}`
-- redirect. No person, address, cookie or device is recorded: a count only.
-- The family sees its products' counts; the at-risk rule reads a dead shop here.
CREATE TABLE product_taps (
    product_id  INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    day         INTEGER NOT NULL,
    taps        INTEGER NOT NULL,
    PRIMARY KEY (product_id, day)
);

-- One row per session reminder put in the outbox: the primary key decides,
-- across instances and repeated runs, that each enrolled person is reminded
-- of each session once (inserted in the transaction of the enqueue).
CREATE TABLE session_reminders_sent (
    session_id      INTEGER NOT NULL REFERENCES course_sessions(id) ON DELETE CASCADE,
    enrollment_id   INTEGER NOT NULL REFERENCES enrollments(id) ON DELETE CASCADE,
    sent_at         INTEGER NOT NULL,
    PRIMARY KEY (session_id, enrollment_id)
);

-- The reminder job looks sessions up by their start.
CREATE INDEX course_sessions_starts ON course_sessions(starts_at);
