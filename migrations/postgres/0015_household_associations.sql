-- The one answer to "which associations serve this household": an association
-- serves a household it has an application line with (routed to it, or
-- referred on by it: it decided on that line), or gave a benefit to. Staff
-- access to a household's record, product moderation, a trainee's phone on a
-- roster and follow-up flags all read this view.
CREATE VIEW household_associations AS
  SELECT household_id, association_id FROM application_lines WHERE association_id IS NOT NULL
  UNION
  SELECT household_id, referred_from_id FROM application_lines WHERE referred_from_id IS NOT NULL
  UNION
  SELECT household_id, association_id FROM benefits;
