-- Financing for productive families (issue 19): a file per approved financing
-- line, its documents and eligibility check, the loan with its schedule
-- (older schedules kept on a reschedule), repayments, guarantees with their
-- calls and recoveries, each association's exposure limit, and the council's
-- dated settings (the bank's figures: configuration, never constants).
-- Keep in step with ../postgres/0025_financing.sql.

-- The council's financing settings (JSON of `financing::Settings`): the newest
-- row valid on a day is in force that day; older ones say what applied when.
CREATE TABLE financing_settings (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    settings            TEXT NOT NULL,
    valid_from          TEXT NOT NULL,                     -- YYYY-MM-DD
    saved_by            INTEGER REFERENCES users(id),
    saved_at            INTEGER NOT NULL
);

-- One file per approved financing line, kept by the association serving it.
CREATE TABLE financing_files (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    line_id             INTEGER NOT NULL UNIQUE REFERENCES application_lines(id),
    household_id        INTEGER NOT NULL REFERENCES households(id),
    association_id      INTEGER NOT NULL REFERENCES associations(id),
    activity            TEXT NOT NULL,                     -- a craft code
    requested_halalas   INTEGER NOT NULL CHECK (requested_halalas > 0),
    months              INTEGER NOT NULL CHECK (months BETWEEN 1 AND 120),
    applicant_birth_date TEXT NOT NULL,                    -- YYYY-MM-DD
    monthly_income_halalas INTEGER NOT NULL CHECK (monthly_income_halalas >= 0),
    commercial_registration INTEGER NOT NULL DEFAULT 0 CHECK (commercial_registration IN (0, 1)),
    eligibility         TEXT,                              -- JSON: each rule and its result
    eligible            INTEGER CHECK (eligible IN (0, 1)),
    checked_at          INTEGER,
    settings_id         INTEGER REFERENCES financing_settings(id),
    referral            TEXT CHECK (referral IN ('sdb', 'own_portfolio')),
    referred_at         INTEGER,
    opened_by           INTEGER REFERENCES users(id),
    opened_at           INTEGER NOT NULL
);
CREATE INDEX financing_files_association ON financing_files(association_id);
CREATE INDEX financing_files_household ON financing_files(household_id);

-- The documents checklist: received on a day, with an expiry where it has one.
CREATE TABLE financing_documents (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    file_id             INTEGER NOT NULL REFERENCES financing_files(id) ON DELETE CASCADE,
    kind                TEXT NOT NULL CHECK (kind IN ('certificate', 'national_id', 'housing', 'quote')),
    received_on         TEXT NOT NULL,
    expires_on          TEXT,
    recorded_by         INTEGER REFERENCES users(id),
    recorded_at         INTEGER NOT NULL,
    UNIQUE (file_id, kind)
);

-- The loan; `outstanding_halalas` is the current schedule's principal not yet repaid.
CREATE TABLE loans (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    file_id             INTEGER NOT NULL UNIQUE REFERENCES financing_files(id),
    household_id        INTEGER NOT NULL REFERENCES households(id),
    association_id      INTEGER NOT NULL REFERENCES associations(id),
    reference           TEXT NOT NULL UNIQUE,
    principal_halalas   INTEGER NOT NULL CHECK (principal_halalas > 0),
    months              INTEGER NOT NULL CHECK (months BETWEEN 1 AND 120),
    first_due_on        TEXT,
    disbursed_on        TEXT,
    status              TEXT NOT NULL CHECK (status IN ('referred', 'approved', 'disbursed', 'repaying',
                            'settled', 'rescheduled', 'written_off')),
    outstanding_halalas INTEGER NOT NULL DEFAULT 0 CHECK (outstanding_halalas >= 0),
    schedule_no         INTEGER NOT NULL DEFAULT 0,         -- the current schedule (0: none yet)
    -- Repayments with a larger id count towards the current schedule (a
    -- reschedule draws the new one over what was outstanding then).
    repayments_after    INTEGER NOT NULL DEFAULT 0,
    approved_at         INTEGER,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL
);
CREATE INDEX loans_association ON loans(association_id, status);
CREATE INDEX loans_household ON loans(household_id);

-- The schedules: a reschedule adds schedule 2, 3… and keeps the older ones.
-- `paid_halalas` is what the oldest-first allocation gave each instalment.
CREATE TABLE loan_instalments (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    loan_id             INTEGER NOT NULL REFERENCES loans(id) ON DELETE CASCADE,
    schedule_no         INTEGER NOT NULL,
    number              INTEGER NOT NULL,
    due_on              TEXT NOT NULL,
    amount_halalas      INTEGER NOT NULL CHECK (amount_halalas > 0),
    paid_halalas        INTEGER NOT NULL DEFAULT 0 CHECK (paid_halalas >= 0),
    settled_on          TEXT,
    UNIQUE (loan_id, schedule_no, number)
);
CREATE INDEX loan_instalments_due ON loan_instalments(due_on);

CREATE TABLE loan_repayments (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    loan_id             INTEGER NOT NULL REFERENCES loans(id) ON DELETE CASCADE,
    amount_halalas      INTEGER NOT NULL CHECK (amount_halalas > 0),
    paid_on             TEXT NOT NULL,
    source              TEXT NOT NULL CHECK (source IN ('staff', 'bank_statement', 'association_statement')),
    entered_by          INTEGER REFERENCES users(id),
    entered_at          INTEGER NOT NULL
);
CREATE INDEX loan_repayments_loan ON loan_repayments(loan_id, paid_on);

-- Who stands guarantor, how (payment or appearance), for what share or amount, when.
CREATE TABLE loan_guarantees (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    loan_id             INTEGER NOT NULL REFERENCES loans(id) ON DELETE CASCADE,
    guarantor           TEXT NOT NULL CHECK (guarantor IN ('association', 'person', 'other_entity')),
    guarantor_association_id INTEGER REFERENCES associations(id),
    guarantor_name      TEXT,
    kind                TEXT NOT NULL CHECK (kind IN ('payment', 'appearance')),
    share_basis_points  INTEGER NOT NULL CHECK (share_basis_points BETWEEN 0 AND 10000),
    cap_halalas         INTEGER CHECK (cap_halalas IS NULL OR cap_halalas >= 0),
    starts_on           TEXT NOT NULL,
    ends_on             TEXT,
    created_by          INTEGER REFERENCES users(id),
    created_at          INTEGER NOT NULL
);
CREATE INDEX loan_guarantees_loan ON loan_guarantees(loan_id);
CREATE INDEX loan_guarantees_association ON loan_guarantees(guarantor_association_id);

-- The creditor claims from a guarantor; the guarantor recovers from the family.
CREATE TABLE guarantee_calls (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    guarantee_id        INTEGER NOT NULL REFERENCES loan_guarantees(id) ON DELETE CASCADE,
    amount_halalas      INTEGER NOT NULL CHECK (amount_halalas > 0),
    called_on           TEXT NOT NULL,
    note                TEXT NOT NULL DEFAULT '',
    recorded_by         INTEGER REFERENCES users(id),
    recorded_at         INTEGER NOT NULL
);
CREATE TABLE guarantee_recoveries (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    guarantee_id        INTEGER NOT NULL REFERENCES loan_guarantees(id) ON DELETE CASCADE,
    amount_halalas      INTEGER NOT NULL CHECK (amount_halalas > 0),
    recovered_on        TEXT NOT NULL,
    recorded_by         INTEGER REFERENCES users(id),
    recorded_at         INTEGER NOT NULL
);

-- The most an association may stand guarantor for, set by the council, dated.
CREATE TABLE exposure_limits (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    association_id      INTEGER NOT NULL REFERENCES associations(id),
    limit_halalas       INTEGER NOT NULL CHECK (limit_halalas >= 0),
    valid_from          TEXT NOT NULL,
    set_by              INTEGER REFERENCES users(id),
    set_at              INTEGER NOT NULL
);
CREATE INDEX exposure_limits_association ON exposure_limits(association_id, valid_from);

-- A due-date reminder goes out once per instalment (the key decides).
CREATE TABLE instalment_reminders_sent (
    instalment_id       INTEGER PRIMARY KEY REFERENCES loan_instalments(id) ON DELETE CASCADE,
    sent_at             INTEGER NOT NULL
);
