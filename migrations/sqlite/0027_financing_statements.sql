-- Financing, continued (issue 19): repayments imported from a bank's or an
-- association's statement (a dry run first, then applied; a statement row's
-- key makes a second import of the same statement pay nothing twice), a
-- guarantee call paid to the lender counted on the loan like a repayment,
-- and write-offs. Keep in step with ../postgres/0027_financing_statements.sql.

-- SQLite cannot change a CHECK constraint in place: the table is drawn again
-- (nothing references it) with the new source, the statement row's key and
-- the call a repayment stands for.
CREATE TABLE loan_repayments_v2 (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    loan_id             INTEGER NOT NULL REFERENCES loans(id) ON DELETE CASCADE,
    amount_halalas      INTEGER NOT NULL CHECK (amount_halalas > 0),
    paid_on             TEXT NOT NULL,
    source              TEXT NOT NULL CHECK (source IN ('staff', 'bank_statement',
                            'association_statement', 'guarantee_call')),
    entered_by          INTEGER REFERENCES users(id),
    entered_at          INTEGER NOT NULL,
    -- The statement row's key (its transaction reference, or a digest of
    -- the row): the same row imported twice pays once.
    statement_key       TEXT,
    -- The guarantee call this payment to the lender is (source guarantee_call).
    call_id             INTEGER UNIQUE REFERENCES guarantee_calls(id) ON DELETE CASCADE,
    UNIQUE (loan_id, statement_key)
);
INSERT INTO loan_repayments_v2 (id, loan_id, amount_halalas, paid_on, source, entered_by, entered_at)
    SELECT id, loan_id, amount_halalas, paid_on, source, entered_by, entered_at FROM loan_repayments;
DROP TABLE loan_repayments;
ALTER TABLE loan_repayments_v2 RENAME TO loan_repayments;
CREATE INDEX loan_repayments_loan ON loan_repayments(loan_id, paid_on);

-- A write-off: the lender gives up what was outstanding that day.
ALTER TABLE loans ADD COLUMN written_off_on TEXT;
ALTER TABLE loans ADD COLUMN written_off_reason TEXT;
ALTER TABLE loans ADD COLUMN written_off_halalas INTEGER NOT NULL DEFAULT 0;
ALTER TABLE loans ADD COLUMN written_off_by INTEGER REFERENCES users(id);

-- A statement uploaded by an association's staff, checked row by row (the
-- dry run), then applied once.
CREATE TABLE statement_imports (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    association_id      INTEGER NOT NULL REFERENCES associations(id),
    source              TEXT NOT NULL CHECK (source IN ('bank_statement', 'association_statement')),
    file_name           TEXT NOT NULL,
    sha256              TEXT NOT NULL,
    status              TEXT NOT NULL CHECK (status IN ('dry_run', 'applied')),
    uploaded_by         INTEGER REFERENCES users(id),
    uploaded_at         INTEGER NOT NULL,
    applied_by          INTEGER REFERENCES users(id),
    applied_at          INTEGER
);
CREATE INDEX statement_imports_association ON statement_imports(association_id, id);

-- Each row of a statement: what the dry run found (the loan it matched, or
-- why not) and, once applied, what became of it. The national ID is kept
-- masked only: matching is done at upload.
CREATE TABLE statement_rows (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    import_id           INTEGER NOT NULL REFERENCES statement_imports(id) ON DELETE CASCADE,
    line_no             INTEGER NOT NULL,
    reference           TEXT NOT NULL DEFAULT '',
    national_id_masked  TEXT NOT NULL DEFAULT '',
    paid_on             TEXT NOT NULL DEFAULT '',
    amount_halalas      INTEGER NOT NULL DEFAULT 0,
    row_key             TEXT NOT NULL DEFAULT '',
    loan_id             INTEGER REFERENCES loans(id) ON DELETE SET NULL,
    outcome             TEXT NOT NULL CHECK (outcome IN ('pay', 'skip', 'refuse')),
    reason              TEXT NOT NULL DEFAULT '',
    result              TEXT CHECK (result IN ('paid', 'skipped', 'refused'))
);
CREATE INDEX statement_rows_import ON statement_rows(import_id, line_no);

-- A checklist document's file: a PDF (its structure checked) or a photo of
-- it (re-encoded as WebP), stored under a random key beside nothing public;
-- served only to the file's association and the council.
CREATE TABLE financing_document_files (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    file_id             INTEGER NOT NULL REFERENCES financing_files(id) ON DELETE CASCADE,
    kind                TEXT NOT NULL CHECK (kind IN ('certificate', 'national_id', 'housing', 'quote')),
    storage_key         TEXT NOT NULL UNIQUE,
    format              TEXT NOT NULL CHECK (format IN ('pdf', 'webp')),
    size_bytes          INTEGER NOT NULL,
    uploaded_by         INTEGER REFERENCES users(id),
    uploaded_at         INTEGER NOT NULL
);
CREATE INDEX financing_document_files_file ON financing_document_files(file_id);
