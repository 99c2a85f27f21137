-- Training (issue 5): providers, the shared trainer registry, courses and their
-- sessions, enrollments with seats and a waitlist, attendance, certificates and
-- the follow-up flags that attendance raises. Keep in step with
-- ../postgres/0007_training.sql.

-- A training center, or an association that trains. An association's staff act
-- for it; a center's staff are listed in provider_staff.
CREATE TABLE training_providers (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    kind            TEXT NOT NULL CHECK (kind IN ('center', 'association')),
    association_id  INTEGER UNIQUE REFERENCES associations(id),
    name_ar         TEXT NOT NULL,
    name_en         TEXT NOT NULL DEFAULT '',
    phone           TEXT,
    email           TEXT,
    created_at      INTEGER NOT NULL,
    CHECK ((kind = 'association') = (association_id IS NOT NULL))
);

CREATE TABLE provider_staff (
    provider_id     INTEGER NOT NULL REFERENCES training_providers(id),
    user_id         INTEGER NOT NULL REFERENCES users(id),
    PRIMARY KEY (provider_id, user_id)
);
CREATE INDEX provider_staff_user ON provider_staff(user_id);

-- The shared registry: every association sees every trainer.
CREATE TABLE trainers (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id         INTEGER UNIQUE REFERENCES users(id),   -- the trainer's own account, when they have one
    name_ar         TEXT NOT NULL,
    name_en         TEXT NOT NULL DEFAULT '',
    specialties     TEXT NOT NULL DEFAULT '',              -- comma-separated specialty codes
    qualifications  TEXT NOT NULL DEFAULT '',
    phone           TEXT,
    email           TEXT,
    created_by      INTEGER REFERENCES users(id),
    created_at      INTEGER NOT NULL
);

CREATE TABLE trainer_providers (
    trainer_id      INTEGER NOT NULL REFERENCES trainers(id),
    provider_id     INTEGER NOT NULL REFERENCES training_providers(id),
    PRIMARY KEY (trainer_id, provider_id)
);
CREATE INDEX trainer_providers_provider ON trainer_providers(provider_id);

-- `enrolled` counts the members holding a seat; the CHECK is what keeps a
-- course from ever holding more than its seats, whatever the requests race.
-- `waitlist_seq` numbers the waitlist in joining order.
CREATE TABLE courses (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    provider_id         INTEGER NOT NULL REFERENCES training_providers(id),
    trainer_id          INTEGER REFERENCES trainers(id),
    title_ar            TEXT NOT NULL,
    title_en            TEXT NOT NULL DEFAULT '',
    description_ar      TEXT NOT NULL DEFAULT '',
    description_en      TEXT NOT NULL DEFAULT '',
    specialty           TEXT NOT NULL,
    mode                TEXT NOT NULL CHECK (mode IN ('in_person', 'online')),
    district_id         INTEGER REFERENCES districts(id),
    venue               TEXT NOT NULL DEFAULT '',
    online_url          TEXT NOT NULL DEFAULT '',
    seats               INTEGER NOT NULL CHECK (seats BETWEEN 1 AND 500),
    enrolled            INTEGER NOT NULL DEFAULT 0,
    waitlist_seq        INTEGER NOT NULL DEFAULT 0,
    opens_at            INTEGER NOT NULL,
    closes_at           INTEGER NOT NULL,
    eligibility         TEXT NOT NULL DEFAULT 'any' CHECK (eligibility IN ('any', 'districts')),
    fee_halalas         INTEGER NOT NULL DEFAULT 0 CHECK (fee_halalas >= 0),
    completion_percent  INTEGER NOT NULL DEFAULT 75 CHECK (completion_percent BETWEEN 1 AND 100),
    status              TEXT NOT NULL DEFAULT 'draft'
                        CHECK (status IN ('draft', 'open', 'running', 'finished', 'cancelled')),
    created_by          INTEGER REFERENCES users(id),
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL,
    CHECK (enrolled >= 0 AND enrolled <= seats),
    CHECK (closes_at >= opens_at)
);
CREATE INDEX courses_status ON courses(status, id);
CREATE INDEX courses_provider ON courses(provider_id, id);
CREATE INDEX courses_trainer ON courses(trainer_id);

-- The districts whose households may enroll, when eligibility is 'districts'.
CREATE TABLE course_districts (
    course_id       INTEGER NOT NULL REFERENCES courses(id) ON DELETE CASCADE,
    district_id     INTEGER NOT NULL REFERENCES districts(id),
    PRIMARY KEY (course_id, district_id)
);

CREATE TABLE course_sessions (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    course_id       INTEGER NOT NULL REFERENCES courses(id) ON DELETE CASCADE,
    starts_at       INTEGER NOT NULL,
    ends_at         INTEGER NOT NULL,
    CHECK (ends_at > starts_at)
);
CREATE INDEX course_sessions_course ON course_sessions(course_id, starts_at);

-- One active enrollment per person and course (a cancelled one may be followed
-- by a new one); waitlist numbers are distinct within a course.
CREATE TABLE enrollments (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    course_id           INTEGER NOT NULL REFERENCES courses(id),
    user_id             INTEGER NOT NULL REFERENCES users(id),
    household_id        INTEGER REFERENCES households(id),
    status              TEXT NOT NULL
                        CHECK (status IN ('enrolled', 'waitlisted', 'cancelled', 'completed', 'not_completed')),
    waitlist_seq        INTEGER,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL,
    promoted_at         INTEGER,
    certificate_code    TEXT UNIQUE,
    completed_at        INTEGER
);
CREATE UNIQUE INDEX enrollments_one_active ON enrollments(course_id, user_id) WHERE status <> 'cancelled';
CREATE UNIQUE INDEX enrollments_waitlist ON enrollments(course_id, waitlist_seq) WHERE status = 'waitlisted';
CREATE INDEX enrollments_user ON enrollments(user_id, status);
CREATE INDEX enrollments_course ON enrollments(course_id, status, waitlist_seq);

-- Saved per tap: one mark per enrollment and session, the last tap wins.
CREATE TABLE attendance (
    enrollment_id   INTEGER NOT NULL REFERENCES enrollments(id),
    session_id      INTEGER NOT NULL REFERENCES course_sessions(id) ON DELETE CASCADE,
    mark            TEXT NOT NULL CHECK (mark IN ('present', 'absent', 'excused')),
    marked_by       INTEGER NOT NULL REFERENCES users(id),
    marked_at       INTEGER NOT NULL,
    PRIMARY KEY (enrollment_id, session_id)
);
CREATE INDEX attendance_session ON attendance(session_id);

-- The household's continuity record: a flag for its association to follow up.
CREATE TABLE follow_up_flags (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    household_id    INTEGER NOT NULL REFERENCES households(id),
    reason          TEXT NOT NULL CHECK (reason IN ('absence_streak')),
    course_id       INTEGER REFERENCES courses(id),
    raised_at       INTEGER NOT NULL,
    resolved_at     INTEGER,
    resolved_by     INTEGER REFERENCES users(id)
);
CREATE UNIQUE INDEX follow_up_flags_open ON follow_up_flags(household_id, course_id) WHERE resolved_at IS NULL;

-- Notifications may announce a course (a seat freed for a waitlisted member).
ALTER TABLE notifications ADD COLUMN course_id INTEGER REFERENCES courses(id);
