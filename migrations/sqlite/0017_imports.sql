-- Imports of the households an association already serves and of their past
-- benefits (issue 15 §3): a batch per uploaded file, a row per line of it, the
-- district names an association mapped once, and the households an import
-- created (which count as served by the importing association).
-- Keep in step with ../postgres/0017_imports.sql.

CREATE TABLE import_batches (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    association_id      INTEGER NOT NULL REFERENCES associations(id),
    kind                TEXT NOT NULL CHECK (kind IN ('households', 'benefits')),
    file_name           TEXT NOT NULL,
    file_sha256         TEXT NOT NULL,                  -- hex SHA-256 of the file's bytes
    -- dry_run: checked, nothing written yet; committing: the background job
    -- runs (or stopped, see heartbeat_at); committed: every row has a result.
    status              TEXT NOT NULL DEFAULT 'dry_run'
                        CHECK (status IN ('dry_run', 'committing', 'committed')),
    uploaded_by         INTEGER NOT NULL REFERENCES users(id),
    uploaded_at         INTEGER NOT NULL,
    checked_at          INTEGER NOT NULL,               -- the last dry run
    committed_by        INTEGER REFERENCES users(id),
    committed_at        INTEGER,
    finished_at         INTEGER,
    heartbeat_at        INTEGER,                        -- the job's last sign of life
    rows_total          INTEGER NOT NULL DEFAULT 0,
    rows_done           INTEGER NOT NULL DEFAULT 0,
    -- the last dry run
    would_create        INTEGER NOT NULL DEFAULT 0,
    would_match         INTEGER NOT NULL DEFAULT 0,
    would_review        INTEGER NOT NULL DEFAULT 0,     -- of would_create: possible duplicates
    would_refuse        INTEGER NOT NULL DEFAULT 0,
    -- the commit
    created             INTEGER NOT NULL DEFAULT 0,
    matched             INTEGER NOT NULL DEFAULT 0,
    sent_to_review      INTEGER NOT NULL DEFAULT 0,
    refused             INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX import_batches_association ON import_batches(association_id, id);
-- One file (by its bytes) is committed once per association: the second
-- commit fails on this index, whatever the timing.
CREATE UNIQUE INDEX import_batches_committed_once ON import_batches(association_id, file_sha256)
    WHERE status <> 'dry_run';

CREATE TABLE import_rows (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    batch_id        INTEGER NOT NULL REFERENCES import_batches(id) ON DELETE CASCADE,
    line_no         INTEGER NOT NULL,                   -- the line in the file (the header is 1)
    cells           TEXT NOT NULL,                      -- JSON: column → text as read
    outcome         TEXT NOT NULL CHECK (outcome IN ('create', 'match', 'refuse')),
    duplicate       INTEGER NOT NULL DEFAULT 0 CHECK (duplicate IN (0, 1)), -- goes to review
    reasons         TEXT NOT NULL DEFAULT '',           -- comma-separated reason codes
    place_text      TEXT,                               -- "city|district" as written, when unknown
    result          TEXT CHECK (result IN ('created', 'matched', 'refused')),
    household_id    INTEGER REFERENCES households(id),
    benefit_id      INTEGER REFERENCES benefits(id),
    UNIQUE (batch_id, line_no)
);
CREATE INDEX import_rows_pending ON import_rows(batch_id, line_no) WHERE result IS NULL;

-- A district name as an association's files write it, mapped once by its admin.
CREATE TABLE district_aliases (
    association_id  INTEGER NOT NULL REFERENCES associations(id),
    alias_key       TEXT NOT NULL,                      -- imports::place_pair_key of city and district
    district_id     INTEGER NOT NULL REFERENCES districts(id),
    created_by      INTEGER REFERENCES users(id),
    created_at      INTEGER NOT NULL,
    PRIMARY KEY (association_id, alias_key)
);

-- Households an import created: the importing association serves them.
CREATE TABLE imported_households (
    household_id    INTEGER NOT NULL REFERENCES households(id),
    association_id  INTEGER NOT NULL REFERENCES associations(id),
    batch_id        INTEGER NOT NULL REFERENCES import_batches(id)
);
CREATE INDEX imported_households_household ON imported_households(household_id);
CREATE INDEX imported_households_association ON imported_households(association_id);

-- "Which associations serve this household" (0015), now with the households
-- an association imported (created, not matched: matching a file's ID to an
-- existing household proves nothing about serving it; a past benefit does).
DROP VIEW household_associations;
CREATE VIEW household_associations AS
  SELECT household_id, association_id FROM application_lines WHERE association_id IS NOT NULL
  UNION
  SELECT household_id, referred_from_id FROM application_lines WHERE referred_from_id IS NOT NULL
  UNION
  SELECT household_id, association_id FROM benefits
  UNION
  SELECT household_id, association_id FROM imported_households;
