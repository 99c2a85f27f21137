-- Acting for a family at the counter (issue 21 §2).
--
-- An application that association staff fill in for a household is recorded
-- as theirs: `submitted_by` is the staff member, `made_by_association_id` the
-- association they acted for, and `head_confirmation` waits for the head of
-- household to confirm (or decline) it after signing in with Nafath. A
-- family's own application leaves both empty.
ALTER TABLE applications ADD COLUMN made_by_association_id INTEGER REFERENCES associations(id);
ALTER TABLE applications ADD COLUMN head_confirmation TEXT
    CHECK (head_confirmation IN ('pending', 'confirmed', 'declined'));
ALTER TABLE applications ADD COLUMN head_answered_at INTEGER;
CREATE INDEX applications_awaiting_head ON applications(household_id)
    WHERE head_confirmation = 'pending';

-- Where a walk-in household was registered: the association whose staff
-- registered it at the counter may apply for it and read its file before any
-- line or benefit links them (`household_associations` is unchanged).
CREATE TABLE walk_in_households (
    household_id    INTEGER PRIMARY KEY REFERENCES households(id),
    association_id  INTEGER NOT NULL REFERENCES associations(id),
    registered_at   INTEGER NOT NULL
);
CREATE INDEX walk_in_households_association ON walk_in_households(association_id);

-- Walk-ins registered before this migration, from their audit rows.
INSERT INTO walk_in_households (household_id, association_id, registered_at)
  SELECT CAST(e.subject_id AS INTEGER), MIN(e.acting_for_association_id), MIN(e.occurred_at)
    FROM audit_events e
   WHERE e.action = 'walk_in_registered' AND e.subject_type = 'household'
     AND e.acting_for_association_id IS NOT NULL
     AND EXISTS (SELECT 1 FROM households h WHERE h.id = CAST(e.subject_id AS INTEGER))
   GROUP BY e.subject_id;
