-- Messages that reach the family (issue 17 §3). Keep in step with ../sqlite/0021_messaging.sql.

-- A family's choice: which channel (or none) and which language; the phone,
-- when empty, is the household's phone.
CREATE TABLE message_preferences (
    user_id     BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    channel     TEXT NOT NULL CHECK (channel IN ('sms', 'whatsapp', 'none')),
    language    TEXT NOT NULL CHECK (language IN ('ar', 'en')),
    phone       TEXT,                                   -- 9665XXXXXXXX
    updated_at  BIGINT NOT NULL
);

-- The outbox: written in the transaction of the event that causes the
-- message, drained by the worker. Body, parameters and phone are blanked 30
-- days after creation (`messaging::db::forget_bodies`); the record stays.
CREATE TABLE message_outbox (
    id                  BIGSERIAL PRIMARY KEY,
    user_id             BIGINT REFERENCES users(id) ON DELETE SET NULL,
    kind                TEXT NOT NULL,
    channel             TEXT NOT NULL CHECK (channel IN ('sms', 'whatsapp')),
    language            TEXT NOT NULL CHECK (language IN ('ar', 'en')),
    phone               TEXT,
    body                TEXT,
    template            TEXT NOT NULL,                  -- the WhatsApp template's name
    params              TEXT,                           -- JSON array of the template's values
    urgent              BIGINT NOT NULL DEFAULT 0 CHECK (urgent IN (0, 1)),
    status              TEXT NOT NULL DEFAULT 'queued'
                            CHECK (status IN ('queued', 'sending', 'sent', 'failed')),
    attempts            BIGINT NOT NULL DEFAULT 0,
    next_attempt_at     BIGINT NOT NULL,
    claim_token         TEXT,
    claimed_at          BIGINT,
    provider_message_id TEXT,
    last_error          TEXT,
    created_at          BIGINT NOT NULL,
    sent_at             BIGINT,
    failed_at           BIGINT,
    forgotten_at        BIGINT
);
CREATE INDEX message_outbox_due ON message_outbox(status, next_attempt_at, id);
CREATE INDEX message_outbox_user ON message_outbox(user_id, id);
CREATE INDEX message_outbox_created ON message_outbox(created_at) WHERE forgotten_at IS NULL;

-- What the local simulator (development only) received, as a phone would show it.
CREATE TABLE messaging_sim_messages (
    id              BIGSERIAL PRIMARY KEY,
    api             TEXT NOT NULL CHECK (api IN ('sms', 'whatsapp')),
    recipient       TEXT NOT NULL,
    sender          TEXT,
    body            TEXT NOT NULL,                      -- SMS text, or the template and values
    outcome         BIGINT NOT NULL,                   -- the HTTP status it answered
    message_id      TEXT,
    received_at     BIGINT NOT NULL
);
CREATE INDEX messaging_sim_messages_recipient ON messaging_sim_messages(recipient, body);
