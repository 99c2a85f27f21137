-- A caseworker's queue filtered by assistance type: counted from this index
-- alone and read in the page's order (bench/coordination.sh measured 127 ms
-- at 10^6 households without it).
CREATE INDEX application_lines_queue_type
    ON application_lines(association_id, assistance_type_id, last_action_at, id);
-- Statistics for the planner now: without them SQLite (and PostgreSQL until
-- autovacuum passes) may pick the new index for the unfiltered queue too.
ANALYZE application_lines;
