-- Coordination: coverage cells, support applications and their lines, internal
-- notes, benefits, in-app notifications, possible duplicate households.
-- Keep in step with ../postgres/0003_coordination.sql.

-- How long after a fulfilled line a household waits before asking for the same type again.
ALTER TABLE assistance_types ADD COLUMN cooldown_days INTEGER NOT NULL DEFAULT 180;

-- A merged household points at the one it was merged into (council duplicate review).
ALTER TABLE households ADD COLUMN merged_into_id INTEGER REFERENCES households(id);

-- Who serves which district with which assistance type. Proposed by an association
-- admin, approved or rejected by the council; an approved cell counts while valid.
CREATE TABLE coverage_cells (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    association_id      INTEGER NOT NULL REFERENCES associations(id),
    district_id         INTEGER NOT NULL REFERENCES districts(id),
    assistance_type_id  INTEGER NOT NULL REFERENCES assistance_types(id),
    role                TEXT NOT NULL CHECK (role IN ('primary', 'supporting')),
    status              TEXT NOT NULL CHECK (status IN ('proposed', 'approved', 'rejected')),
    valid_from          INTEGER NOT NULL,
    valid_to            INTEGER,                          -- NULL: open-ended
    proposed_by         INTEGER REFERENCES users(id),
    proposed_at         INTEGER NOT NULL,
    decided_by          INTEGER REFERENCES users(id),
    decided_at          INTEGER,
    decision_note       TEXT,
    CHECK (valid_to IS NULL OR valid_to > valid_from)
);
CREATE INDEX coverage_cells_pair ON coverage_cells(district_id, assistance_type_id, status);
CREATE INDEX coverage_cells_association ON coverage_cells(association_id, status);

-- One submitted form. The key comes with the form, so a resubmitted form creates nothing twice.
CREATE TABLE applications (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    household_id    INTEGER NOT NULL REFERENCES households(id),
    submitted_by    INTEGER REFERENCES users(id),
    submission_key  TEXT NOT NULL UNIQUE,
    created_at      INTEGER NOT NULL
);
CREATE INDEX applications_household ON applications(household_id);

-- One assistance type asked for; routed to an association (NULL: the council's unrouted queue).
CREATE TABLE application_lines (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id      INTEGER NOT NULL REFERENCES applications(id),
    household_id        INTEGER NOT NULL REFERENCES households(id),
    assistance_type_id  INTEGER NOT NULL REFERENCES assistance_types(id),
    description         TEXT NOT NULL,
    amount_halalas      INTEGER CHECK (amount_halalas IS NULL OR amount_halalas > 0),
    state               TEXT NOT NULL CHECK (state IN ('submitted', 'in_review', 'approved',
                            'fulfilled', 'rejected', 'referred', 'withdrawn')),
    association_id      INTEGER REFERENCES associations(id),
    referred_from_id    INTEGER REFERENCES associations(id),
    referral_note       TEXT,
    decision_reason     TEXT,
    possible_duplicate  INTEGER NOT NULL DEFAULT 0 CHECK (possible_duplicate IN (0, 1)),
    created_at          INTEGER NOT NULL,
    last_action_at      INTEGER NOT NULL
);
-- One active line per (household, assistance type) across the platform.
CREATE UNIQUE INDEX application_lines_one_active ON application_lines(household_id, assistance_type_id)
    WHERE state IN ('submitted', 'in_review', 'approved', 'referred');
CREATE INDEX application_lines_queue ON application_lines(association_id, state, last_action_at);
CREATE INDEX application_lines_owner_age ON application_lines(association_id, last_action_at);
CREATE INDEX application_lines_household ON application_lines(household_id);
CREATE INDEX application_lines_referred_from ON application_lines(referred_from_id);

-- Every transition of a line: who, for which association, from what to what, why.
CREATE TABLE line_events (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    line_id         INTEGER NOT NULL REFERENCES application_lines(id),
    from_state      TEXT,
    to_state        TEXT NOT NULL,
    actor_user_id   INTEGER REFERENCES users(id),
    association_id  INTEGER REFERENCES associations(id),
    note            TEXT,
    occurred_at     INTEGER NOT NULL
);
CREATE INDEX line_events_line ON line_events(line_id, id);

-- Internal notes: visible to the association that wrote them only.
CREATE TABLE line_notes (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    line_id         INTEGER NOT NULL REFERENCES application_lines(id),
    association_id  INTEGER NOT NULL REFERENCES associations(id),
    author_user_id  INTEGER NOT NULL REFERENCES users(id),
    body            TEXT NOT NULL,
    created_at      INTEGER NOT NULL
);
CREATE INDEX line_notes_line ON line_notes(line_id, association_id);

-- What a household received, from whom, when: visible to every association.
CREATE TABLE benefits (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    household_id        INTEGER NOT NULL REFERENCES households(id),
    association_id      INTEGER NOT NULL REFERENCES associations(id),
    assistance_type_id  INTEGER NOT NULL REFERENCES assistance_types(id),
    line_id             INTEGER REFERENCES application_lines(id),
    value_halalas       INTEGER CHECK (value_halalas IS NULL OR value_halalas >= 0),
    given_on            TEXT NOT NULL,                     -- YYYY-MM-DD
    recorded_by         INTEGER REFERENCES users(id),
    recorded_at         INTEGER NOT NULL
);
CREATE INDEX benefits_household ON benefits(household_id);
CREATE INDEX benefits_association ON benefits(association_id);

-- In-app notifications; the text is rendered in the reader's language from the kind.
CREATE TABLE notifications (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     INTEGER NOT NULL REFERENCES users(id),
    kind        TEXT NOT NULL,
    state       TEXT,                                  -- the line state it announces
    line_id     INTEGER REFERENCES application_lines(id),
    created_at  INTEGER NOT NULL,
    read_at     INTEGER
);
CREATE INDEX notifications_user ON notifications(user_id, id);

-- Blocking keys (phone, national IDs, district + name parts): households are only
-- compared with households sharing a key.
CREATE TABLE household_keys (
    key             TEXT NOT NULL,
    household_id    INTEGER NOT NULL REFERENCES households(id) ON DELETE CASCADE,
    PRIMARY KEY (key, household_id)
);
CREATE INDEX household_keys_household ON household_keys(household_id);

-- Candidate pairs (lower id first) for the council's review.
CREATE TABLE duplicate_candidates (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    household_a     INTEGER NOT NULL REFERENCES households(id),
    household_b     INTEGER NOT NULL REFERENCES households(id),
    score           INTEGER NOT NULL,
    reasons         TEXT NOT NULL,                         -- comma-separated
    status          TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'same', 'different')),
    found_at        INTEGER NOT NULL,
    decided_by      INTEGER REFERENCES users(id),
    decided_at      INTEGER,
    UNIQUE (household_a, household_b),
    CHECK (household_a < household_b)
);
CREATE INDEX duplicate_candidates_status ON duplicate_candidates(status, score);
