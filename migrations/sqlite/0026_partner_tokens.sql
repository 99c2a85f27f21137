-- Issue 18 §4: the read-only API for partners (ministries, funders). The
-- council creates and revokes each token; the secret is shown once and only
-- its SHA-256 is kept. Every call is audited with the token that made it
-- (`audit_events.partner_token_id`), so "My data" names the partner that
-- looked a household up. Keep in step with ../postgres/0026_partner_tokens.sql.
CREATE TABLE partner_tokens (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    partner_name_ar     TEXT NOT NULL,
    partner_name_en     TEXT NOT NULL,
    -- indicators: aggregates only; households: aggregates and the household
    -- look-up, for the association named (what each sees: docs/ARCHITECTURE.md, "Partners").
    scope               TEXT NOT NULL CHECK (scope IN ('indicators', 'households')),
    association_id      INTEGER REFERENCES associations(id),
    secret_sha256       TEXT NOT NULL UNIQUE,
    created_at          INTEGER NOT NULL,
    created_by          INTEGER NOT NULL REFERENCES users(id),
    revoked_at          INTEGER,
    revoked_by          INTEGER REFERENCES users(id),
    last_used_at        INTEGER,
    CHECK ((scope = 'indicators' AND association_id IS NULL)
        OR (scope = 'households' AND association_id IS NOT NULL)),
    CHECK ((revoked_at IS NULL) = (revoked_by IS NULL))
);

-- The partner token a call was made with (no person acts: `actor_user_id`
-- stays empty on these rows).
ALTER TABLE audit_events ADD COLUMN partner_token_id INTEGER REFERENCES partner_tokens(id);
CREATE INDEX audit_events_partner ON audit_events(partner_token_id, occurred_at)
    WHERE partner_token_id IS NOT NULL;
