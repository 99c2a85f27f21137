-- A shop's public page names its producer only while the head allows that
-- member to act (issue 21 §3): allowing or revoking changes what the page
-- shows, so it moves the market revision like a change to the shop itself
-- (the page cache empties at once instead of after its five-minute cap).
CREATE CONSTRAINT TRIGGER household_delegates_revision AFTER INSERT OR DELETE ON household_delegates
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION raise_market_revision();
