-- Issue 18: the dashboard at 10^6 households without its cache. Keep in step
-- with ../sqlite/0028_reporting_tallies.sql.
--
-- Registered households counted ahead: one row per (district, Saudi day of
-- registration, verified) holding how many live households (registered, not
-- erased, not merged) it has. Derived in SQL by the trigger below from every
-- write to `households` (registration, verification, a district changed,
-- erasure, a merge, an import rolled back), so no write path can forget it;
-- reporting sums a few hundred rows instead of counting a million. Aggregates
-- only: no household can be told from a row (reporting suppresses small
-- counts where it shows them). `district_id` 0: a household without one.
CREATE TABLE household_tallies (
    district_id BIGINT NOT NULL,
    day         BIGINT NOT NULL,  -- (created_at + 10800) / 86400: the Saudi day
    verified    BIGINT NOT NULL,
    households  BIGINT NOT NULL,
    PRIMARY KEY (district_id, day, verified)
);

INSERT INTO household_tallies (district_id, day, verified, households)
SELECT COALESCE(district_id, 0), (created_at + 10800) / 86400, verified, COUNT(*)
FROM households
WHERE status = 'registered' AND erased_at IS NULL AND merged_into_id IS NULL
GROUP BY 1, 2, 3;

CREATE FUNCTION household_tallies_apply() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'registered'
       AND OLD.erased_at IS NULL AND OLD.merged_into_id IS NULL THEN
        UPDATE household_tallies SET households = households - 1
        WHERE district_id = COALESCE(OLD.district_id, 0)
          AND day = (OLD.created_at + 10800) / 86400 AND verified = OLD.verified;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status = 'registered'
       AND NEW.erased_at IS NULL AND NEW.merged_into_id IS NULL THEN
        INSERT INTO household_tallies (district_id, day, verified, households)
        VALUES (COALESCE(NEW.district_id, 0), (NEW.created_at + 10800) / 86400, NEW.verified, 1)
        ON CONFLICT (district_id, day, verified)
        DO UPDATE SET households = household_tallies.households + 1;
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER household_tallies_apply
AFTER INSERT OR DELETE OR UPDATE OF status, erased_at, merged_into_id, district_id, verified, created_at
ON households FOR EACH ROW EXECUTE FUNCTION household_tallies_apply();

-- The few households that are not live (drafts, erased, merged): "households
-- per association" counts every served pair and takes these away, instead of
-- looking each served household up.
CREATE INDEX households_not_live ON households(id)
    WHERE NOT (status = 'registered' AND erased_at IS NULL AND merged_into_id IS NULL);

-- A live household's registration and flag by id, from a narrow index (an
-- association's registered households: its served households looked up one
-- by one, without reading their wide rows).
CREATE INDEX households_live_flags ON households(id, created_at, verified)
    WHERE status = 'registered' AND erased_at IS NULL AND merged_into_id IS NULL;

-- Lines submitted in a period, read from the index alone: by type and state
-- (SQLite takes a range of the period per pair, in the GROUP BY's order), and
-- per day for the trend.
CREATE INDEX application_lines_kind_state
    ON application_lines(assistance_type_id, state, created_at, association_id);
CREATE INDEX application_lines_created ON application_lines(created_at, association_id);
-- The same for one association's lines.
CREATE INDEX application_lines_association_created
    ON application_lines(association_id, created_at, assistance_type_id, state);
-- The served pairs of `household_associations`, from the index alone.
CREATE INDEX application_lines_served ON application_lines(association_id, household_id);
-- Decisions, fulfilments and referrals by state and time.
CREATE INDEX line_events_state ON line_events(to_state, occurred_at, line_id);
-- Benefits given in a period.
CREATE INDEX benefits_given ON benefits(given_on);
