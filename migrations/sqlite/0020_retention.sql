-- Data protection, the council's side (issue 16): the retention job's lease
-- and its runs, the breach register, and the privacy notice's versions with
-- each family's acceptance. Keep in step with ../postgres/0020_retention.sql.

-- One row: the instance running the retention job holds it until expires_at
-- (taken by a conditional UPDATE, so at most one run at a time across every
-- instance). audit_before is the run's cut-off for audit rows: the only audit
-- rows that may ever be deleted are older than it, and only while a run holds
-- the lease (see the trigger below).
CREATE TABLE retention_lease (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    holder          TEXT,
    taken_at        INTEGER,
    expires_at      INTEGER NOT NULL DEFAULT 0,
    audit_before    INTEGER NOT NULL DEFAULT 0
);
INSERT INTO retention_lease (id, holder, expires_at, audit_before) VALUES (1, NULL, 0, 0);

-- Each run of the retention job: when, by which instance, started how, and
-- (in retention_run_counts) how many rows each rule deleted.
CREATE TABLE retention_runs (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at      INTEGER NOT NULL,
    finished_at     INTEGER,
    holder          TEXT NOT NULL,
    started_by      TEXT NOT NULL CHECK (started_by IN ('schedule', 'command_line', 'officer')),
    outcome         TEXT NOT NULL DEFAULT 'running' CHECK (outcome IN ('running', 'done', 'failed'))
);
CREATE INDEX retention_runs_started ON retention_runs(started_at);

CREATE TABLE retention_run_counts (
    run_id          INTEGER NOT NULL REFERENCES retention_runs(id) ON DELETE CASCADE,
    rule            TEXT NOT NULL,
    deleted         INTEGER NOT NULL,
    PRIMARY KEY (run_id, rule)
);

-- Audit rows stay append-only for the application; the retention job alone
-- may delete those older than the legal period, while it holds the lease.
DROP TRIGGER IF EXISTS audit_events_no_delete;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
WHEN NOT EXISTS (SELECT 1 FROM retention_lease
                 WHERE holder IS NOT NULL AND OLD.occurred_at < audit_before)
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;

-- The breach register (PDPL: the authority is told within 72 hours of
-- discovery; the families affected are told too).
CREATE TABLE breaches (
    id                      INTEGER PRIMARY KEY AUTOINCREMENT,
    summary                 TEXT NOT NULL,              -- what happened
    discovered_at           INTEGER NOT NULL,
    recorded_by             INTEGER NOT NULL REFERENCES users(id),
    recorded_at             INTEGER NOT NULL,
    authority_notified_at   INTEGER,
    families_notified_at    INTEGER
);
CREATE INDEX breaches_discovered ON breaches(discovered_at);

CREATE TABLE breach_households (
    breach_id       INTEGER NOT NULL REFERENCES breaches(id) ON DELETE CASCADE,
    household_id    INTEGER NOT NULL REFERENCES households(id) ON DELETE CASCADE,
    added_at        INTEGER NOT NULL,
    PRIMARY KEY (breach_id, household_id)
);
CREATE INDEX breach_households_household ON breach_households(household_id);

-- The privacy notice, one row per published version (never edited): the
-- text in both languages, the controller it names and how to reach it. The
-- current notice is the one published last.
CREATE TABLE privacy_notices (
    version         TEXT PRIMARY KEY,
    body_ar         TEXT NOT NULL,
    body_en         TEXT NOT NULL,
    controller_ar   TEXT NOT NULL,
    controller_en   TEXT NOT NULL,
    contact         TEXT NOT NULL,
    published_by    INTEGER REFERENCES users(id),
    published_at    INTEGER NOT NULL
);
CREATE INDEX privacy_notices_published ON privacy_notices(published_at);
INSERT INTO privacy_notices (version, body_ar, body_en, controller_ar, controller_en, contact, published_at)
VALUES ('2026-11',
 'تُستخدم بيانات أسرتك فقط لتقديم الدعم وتنسيقه بين الجمعيات المشاركة في تكامل. ترى الجمعية التي تخدمك سجلّك كاملًا، وترى الجمعيات الأخرى ملخصًا لما تلقيته دون تفاصيل. كل قراءة لسجلّك مسجّلة.',
 'Your household''s data is used only to give and coordinate support among the associations taking part in Takamul. The association serving you sees your full record; others see a summary of what you received, without details. Every read of your record is logged.',
 'مجلس الجمعيات الأهلية بمنطقة مكة المكرمة',
 'The Council of Associations of the Makkah Region',
 'privacy@takamul.example',
 0);

-- Every acceptance of a notice version by a household (the first at
-- registration, then each new version). households.consent_version and
-- consent_at keep the latest; this table keeps them all.
CREATE TABLE privacy_notice_acceptances (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    household_id    INTEGER NOT NULL REFERENCES households(id) ON DELETE CASCADE,
    user_id         INTEGER REFERENCES users(id),
    version         TEXT NOT NULL,
    accepted_at     INTEGER NOT NULL
);
CREATE INDEX privacy_notice_acceptances_household ON privacy_notice_acceptances(household_id, accepted_at);

-- Registration (registry) writes consent_version: each change is recorded here.
CREATE TRIGGER households_consent_recorded AFTER UPDATE OF consent_version ON households
WHEN NEW.consent_version IS NOT NULL
     AND (OLD.consent_version IS NULL OR OLD.consent_version <> NEW.consent_version)
BEGIN
    INSERT INTO privacy_notice_acceptances (household_id, user_id, version, accepted_at)
    VALUES (NEW.id, NEW.head_user_id, NEW.consent_version, COALESCE(NEW.consent_at, 0));
END;
CREATE TRIGGER households_consent_recorded_insert AFTER INSERT ON households
WHEN NEW.consent_version IS NOT NULL
BEGIN
    INSERT INTO privacy_notice_acceptances (household_id, user_id, version, accepted_at)
    VALUES (NEW.id, NEW.head_user_id, NEW.consent_version, COALESCE(NEW.consent_at, 0));
END;
INSERT INTO privacy_notice_acceptances (household_id, user_id, version, accepted_at)
    SELECT id, head_user_id, consent_version, COALESCE(consent_at, 0)
    FROM households WHERE consent_version IS NOT NULL;
CREATE INDEX IF NOT EXISTS households_head_user ON households(head_user_id);
