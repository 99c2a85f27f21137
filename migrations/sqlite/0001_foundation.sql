-- Foundation schema: places, catalogue, associations, identity, sessions, audit.
-- Keep in step with ../postgres/0001_foundation.sql (same tables, columns, constraints).

CREATE TABLE cities (
    id          INTEGER PRIMARY KEY,            -- official National Address city id
    name_ar     TEXT NOT NULL,
    name_en     TEXT NOT NULL
);

CREATE TABLE districts (
    id          INTEGER PRIMARY KEY,            -- official district id (embeds region and city)
    city_id     INTEGER NOT NULL REFERENCES cities(id),
    name_ar     TEXT NOT NULL,
    name_en     TEXT NOT NULL
);
CREATE INDEX districts_city ON districts(city_id);

CREATE TABLE assistance_types (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    code        TEXT NOT NULL UNIQUE,
    name_ar     TEXT NOT NULL,
    name_en     TEXT NOT NULL,
    sort_order  INTEGER NOT NULL DEFAULT 0,
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);

CREATE TABLE associations (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    licence_number  TEXT NOT NULL UNIQUE,
    name_ar         TEXT NOT NULL,
    name_en         TEXT NOT NULL,
    phone           TEXT,
    email           TEXT,
    status          TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
    created_at      INTEGER NOT NULL
);

CREATE TABLE users (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    national_id     TEXT NOT NULL UNIQUE,
    name_ar         TEXT NOT NULL,
    name_en         TEXT,
    verified_at     INTEGER,                     -- last identity assertion from Nafath
    created_at      INTEGER NOT NULL,
    last_sign_in_at INTEGER
);

CREATE TABLE role_grants (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id         INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role            TEXT NOT NULL CHECK (role IN ('council_admin', 'association_admin',
                        'association_staff', 'trainer', 'family_member')),
    association_id  INTEGER REFERENCES associations(id),
    granted_by      INTEGER REFERENCES users(id),
    granted_at      INTEGER NOT NULL,
    CHECK ((role IN ('association_admin', 'association_staff')) = (association_id IS NOT NULL))
);
CREATE UNIQUE INDEX role_grants_global ON role_grants(user_id, role) WHERE association_id IS NULL;
CREATE UNIQUE INDEX role_grants_association ON role_grants(user_id, role, association_id)
    WHERE association_id IS NOT NULL;

-- Only a hash of the session token is stored: a copy of this table signs nobody in.
CREATE TABLE sessions (
    token_hash      TEXT PRIMARY KEY,
    user_id         INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at      INTEGER NOT NULL,
    last_seen_at    INTEGER NOT NULL,
    user_agent      TEXT
);
CREATE INDEX sessions_user ON sessions(user_id);

-- One row per Nafath sign-in attempt; the browser that started it holds the
-- pending token (its hash is here). Also the rate-limit ledger.
CREATE TABLE nafath_requests (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    pending_token_hash  TEXT NOT NULL UNIQUE,
    trans_id            TEXT NOT NULL UNIQUE,
    national_id         TEXT NOT NULL,
    random              TEXT NOT NULL,
    client_ip           TEXT NOT NULL,
    status              TEXT NOT NULL DEFAULT 'WAITING'
                        CHECK (status IN ('WAITING', 'COMPLETED', 'REJECTED', 'EXPIRED', 'TIMEOUT')),
    person_name_ar      TEXT,
    person_name_en      TEXT,
    consumed_at         INTEGER,                 -- set once the session is created
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL
);
CREATE INDEX nafath_requests_national_id ON nafath_requests(national_id, created_at);
CREATE INDEX nafath_requests_client_ip ON nafath_requests(client_ip, created_at);

-- The built-in Nafath simulator's side (development and demos only): what the
-- phone app would show.
CREATE TABLE nafath_sim_requests (
    trans_id        TEXT PRIMARY KEY,
    national_id     TEXT NOT NULL,
    random          TEXT NOT NULL,
    service         TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'WAITING'
                    CHECK (status IN ('WAITING', 'COMPLETED', 'REJECTED', 'EXPIRED')),
    created_at      INTEGER NOT NULL,
    decided_at      INTEGER
);
CREATE INDEX nafath_sim_requests_status ON nafath_sim_requests(status, created_at);

-- The people the simulator knows (the demo personas): the identity Nafath would assert.
CREATE TABLE nafath_sim_people (
    national_id     TEXT PRIMARY KEY,
    name_ar         TEXT NOT NULL,
    name_en         TEXT NOT NULL
);

-- Append-only: the application never updates or deletes audit rows.
CREATE TABLE audit_events (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    occurred_at     INTEGER NOT NULL,
    actor_user_id   INTEGER REFERENCES users(id),
    acting_for_association_id INTEGER REFERENCES associations(id),
    action          TEXT NOT NULL,
    subject_type    TEXT,
    subject_id      TEXT,
    detail          TEXT,
    client_ip       TEXT
);
CREATE INDEX audit_events_actor ON audit_events(actor_user_id, occurred_at);
CREATE INDEX audit_events_action ON audit_events(action, occurred_at);

CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
