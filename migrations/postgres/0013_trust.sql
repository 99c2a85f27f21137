-- Trust before launch (issue 13).
-- Keep in step with ../sqlite/0013_trust.sql.

-- A shop's public phone for "Call": the family writes it on its shop form;
-- nothing from the registry is shown to the public any more.
ALTER TABLE shops ADD COLUMN public_phone TEXT;

-- Sign-in starts counted per (national ID, client) pair and per client, in
-- fixed windows, written atomically (INSERT … ON CONFLICT … RETURNING): a
-- stranger elsewhere can no longer lock a person out by trying their ID.
-- `strikes` counts refused starts; each doubles the wait (backoff).
CREATE TABLE sign_in_counters (
    counter_key     TEXT PRIMARY KEY,           -- 'pair:<id>|<ip>' or 'client:<ip>'
    window_start    BIGINT NOT NULL,
    starts          BIGINT NOT NULL,
    strikes         BIGINT NOT NULL DEFAULT 0,
    blocked_until   BIGINT NOT NULL DEFAULT 0
);

-- An account the council or an association admin disabled: no sign-in, no session.
ALTER TABLE users ADD COLUMN disabled_at BIGINT;
