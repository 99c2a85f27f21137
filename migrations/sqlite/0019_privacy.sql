-- "My data" (issue 16, PDPL): the family's data-subject requests and the
-- council data-protection officer's answers. Keep in step with
-- ../postgres/0019_privacy.sql.

-- One request: access, correction (a disputed record the family cannot edit,
-- named by subject_type/subject_id and the association that wrote it),
-- deletion, or objection (consent withdrawn). Answered within 30 days
-- (due_at), extendable once with a reason the family sees.
CREATE TABLE privacy_requests (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    household_id        INTEGER NOT NULL REFERENCES households(id),
    requested_by        INTEGER REFERENCES users(id),
    kind                TEXT NOT NULL CHECK (kind IN ('access', 'correction', 'deletion', 'objection')),
    subject_type        TEXT CHECK (subject_type IS NULL OR subject_type IN ('benefit')),
    subject_id          INTEGER,
    association_id      INTEGER REFERENCES associations(id),
    note                TEXT NOT NULL DEFAULT '',
    status              TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'refused')),
    created_at          INTEGER NOT NULL,
    due_at              INTEGER NOT NULL,
    extended_at         INTEGER,
    extension_reason    TEXT,
    decided_at          INTEGER,
    decided_by          INTEGER REFERENCES users(id),
    outcome_reason      TEXT,
    CHECK ((subject_type IS NULL) = (subject_id IS NULL))
);
CREATE INDEX privacy_requests_household ON privacy_requests(household_id, id);
CREATE INDEX privacy_requests_queue ON privacy_requests(status, due_at);
CREATE INDEX privacy_requests_association ON privacy_requests(association_id, status);

-- A household whose deletion was approved: its rows stay (the counts in
-- coverage and reports stay right), its personal fields are blanked.
ALTER TABLE households ADD COLUMN erased_at INTEGER;
