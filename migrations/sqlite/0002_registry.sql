-- The unified household registry. Keep in step with ../postgres/0002_registry.sql.

CREATE TABLE households (
    id                      INTEGER PRIMARY KEY AUTOINCREMENT,
    head_user_id            INTEGER REFERENCES users(id),
    head_national_id        TEXT NOT NULL UNIQUE,          -- one household per head, platform-wide
    head_name_ar            TEXT NOT NULL,
    phone                   TEXT,                          -- 9665XXXXXXXX
    district_id             INTEGER REFERENCES districts(id),
    address                 TEXT,
    income_bracket          TEXT CHECK (income_bracket IN ('none', 'under_3000', '3000_6000', '6000_10000', 'over_10000')),
    dependants              INTEGER CHECK (dependants BETWEEN 0 AND 30),
    crafts                  TEXT NOT NULL DEFAULT '',      -- comma-separated craft codes
    consent_version         TEXT,
    consent_at              INTEGER,
    verified                INTEGER NOT NULL DEFAULT 0 CHECK (verified IN (0, 1)),
    registered_by_user_id   INTEGER REFERENCES users(id),
    status                  TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'registered')),
    version                 INTEGER NOT NULL DEFAULT 1,
    created_at              INTEGER NOT NULL,
    updated_at              INTEGER NOT NULL
);
CREATE INDEX households_district ON households(district_id);
CREATE INDEX households_phone ON households(phone);

CREATE TABLE household_members (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    household_id    INTEGER NOT NULL REFERENCES households(id) ON DELETE CASCADE,
    full_name       TEXT NOT NULL,
    relation        TEXT NOT NULL CHECK (relation IN ('spouse', 'son', 'daughter', 'father', 'mother', 'sibling', 'other')),
    birth_date      TEXT NOT NULL,                         -- YYYY-MM-DD
    national_id     TEXT,
    created_at      INTEGER NOT NULL
);
CREATE INDEX household_members_household ON household_members(household_id);

-- Every national ID in the registry (heads and members) belongs to one household only.
CREATE TABLE household_identities (
    national_id     TEXT PRIMARY KEY,
    household_id    INTEGER NOT NULL REFERENCES households(id) ON DELETE CASCADE,
    role            TEXT NOT NULL CHECK (role IN ('head', 'member'))
);

-- The version history: who changed which field, when, from what to what.
CREATE TABLE household_changes (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    household_id    INTEGER NOT NULL REFERENCES households(id) ON DELETE CASCADE,
    version         INTEGER NOT NULL,
    changed_by      INTEGER REFERENCES users(id),
    changed_at      INTEGER NOT NULL,
    field           TEXT NOT NULL,
    old_value       TEXT,
    new_value       TEXT
);
CREATE INDEX household_changes_household ON household_changes(household_id, version);
