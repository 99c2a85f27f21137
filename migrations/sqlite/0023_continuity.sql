-- Keeping families in (issue 17 §1–2): cases with their owner, follow-ups,
-- the continuity status with its history, the council's rules, the change
-- feed the recompute worker drains, and the lease of the full recompute.
-- Keep in step with ../postgres/0023_continuity.sql.

-- One case per household and serving association; a closed case keeps its
-- exit reason, and a family that comes back opens a new one marked as a
-- re-entry. No row: the case is open, owned by whoever acted last.
CREATE TABLE cases (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    household_id        INTEGER NOT NULL REFERENCES households(id) ON DELETE CASCADE,
    association_id      INTEGER NOT NULL REFERENCES associations(id),
    assignee_user_id    INTEGER REFERENCES users(id),
    opened_at           INTEGER NOT NULL,
    reentry             INTEGER NOT NULL DEFAULT 0 CHECK (reentry IN (0, 1)),
    closed_at           INTEGER,
    exit_reason         TEXT CHECK (exit_reason IN ('graduated', 'moved_away', 'no_longer_interested', 'lost_contact')),
    CHECK ((closed_at IS NULL) = (exit_reason IS NULL))
);
CREATE UNIQUE INDEX cases_open ON cases(household_id, association_id) WHERE closed_at IS NULL;
CREATE INDEX cases_association ON cases(association_id, assignee_user_id);
CREATE INDEX cases_household ON cases(household_id, closed_at);
-- The continuity signals read enrollments by household.
CREATE INDEX enrollments_household ON enrollments(household_id);

-- A follow-up task: a call, a visit… due at a time, for a caseworker; its
-- outcome once done. The note is the caseworker's, read by its association.
CREATE TABLE follow_ups (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    household_id        INTEGER NOT NULL REFERENCES households(id) ON DELETE CASCADE,
    association_id      INTEGER NOT NULL REFERENCES associations(id),
    kind                TEXT NOT NULL CHECK (kind IN ('call', 'home_visit', 'training_check', 'market_check', 'financing_instalment')),
    due_at              INTEGER NOT NULL,
    assignee_user_id    INTEGER REFERENCES users(id),
    created_by          INTEGER REFERENCES users(id),
    created_at          INTEGER NOT NULL,
    note                TEXT NOT NULL DEFAULT '',
    outcome             TEXT CHECK (outcome IN ('reached', 'not_reached', 'moved', 'closed')),
    outcome_at          INTEGER,
    exit_reason         TEXT CHECK (exit_reason IN ('graduated', 'moved_away', 'no_longer_interested', 'lost_contact')),
    CHECK ((outcome = 'closed') = (exit_reason IS NOT NULL))
);
CREATE INDEX follow_ups_due ON follow_ups(association_id, outcome, due_at);
CREATE INDEX follow_ups_household ON follow_ups(household_id, outcome_at);

-- The current status of each household and why (reasons as JSON; written
-- when the status, score or reasons change: `computed_at`), and every change
-- of status, so reports can count exits and re-entries.
CREATE TABLE continuity_status (
    household_id        INTEGER PRIMARY KEY REFERENCES households(id) ON DELETE CASCADE,
    status              TEXT NOT NULL CHECK (status IN ('active', 'watch', 'at_risk', 'inactive', 'exited')),
    score               INTEGER NOT NULL,
    reasons             TEXT NOT NULL,
    computed_at         INTEGER NOT NULL,
    since               INTEGER NOT NULL
);
CREATE INDEX continuity_status_status ON continuity_status(status, score);

CREATE TABLE continuity_history (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    household_id        INTEGER NOT NULL REFERENCES households(id) ON DELETE CASCADE,
    status              TEXT NOT NULL,
    previous            TEXT,
    at                  INTEGER NOT NULL
);
CREATE INDEX continuity_history_household ON continuity_history(household_id, at);
CREATE INDEX continuity_history_status ON continuity_history(status, at);

-- The council's weights and thresholds (JSON of `continuity::Rules`); the
-- newest row is in force, older ones say what was in force when.
CREATE TABLE continuity_rules (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    rules               TEXT NOT NULL,
    saved_by            INTEGER REFERENCES users(id),
    saved_at            INTEGER NOT NULL
);

-- Households whose signals changed since their status was computed, written
-- by the domains in the event's transaction (`changes::household_changed`)
-- and drained by the continuity worker.
CREATE TABLE continuity_queue (
    household_id        INTEGER PRIMARY KEY REFERENCES households(id) ON DELETE CASCADE,
    changed_at          INTEGER NOT NULL
);

-- Scheduled jobs that must run on one instance at a time.
CREATE TABLE job_leases (
    job                 TEXT PRIMARY KEY,
    holder              TEXT,
    expires_at          INTEGER NOT NULL DEFAULT 0
);
