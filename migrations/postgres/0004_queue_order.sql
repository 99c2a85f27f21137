-- The queue is read newest- or oldest-first by (last_action_at, id); with id in
-- the index both engines walk it in order and stop at the page, instead of
-- sorting every line of the association (bench/coordination.sh).
DROP INDEX application_lines_queue;
DROP INDEX application_lines_owner_age;
CREATE INDEX application_lines_queue ON application_lines(association_id, state, last_action_at, id);
CREATE INDEX application_lines_owner_age ON application_lines(association_id, last_action_at, id);
