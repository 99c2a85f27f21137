-- Which households each audited list read contained (issue 16: "who read my
-- record" names the lists and exports a household was in). Written with its
-- audit event only; goes when the retention job removes the event. Keep in
-- step with ../postgres/0022_list_read_households.sql.
CREATE TABLE audit_event_households (
    audit_event_id  INTEGER NOT NULL REFERENCES audit_events(id) ON DELETE CASCADE,
    household_id    INTEGER NOT NULL REFERENCES households(id) ON DELETE CASCADE,
    PRIMARY KEY (audit_event_id, household_id)
);
CREATE INDEX audit_event_households_household ON audit_event_households(household_id);
