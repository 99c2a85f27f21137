-- What a person typed into a form the server refused (no JavaScript: the
-- browser is sent back to the form), kept an hour so the form shows it again.
CREATE TABLE form_drafts (
    token       TEXT PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id),
    form        TEXT NOT NULL,
    fields      TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX form_drafts_created ON form_drafts(created_at);
