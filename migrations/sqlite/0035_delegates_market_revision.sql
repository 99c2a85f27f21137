-- A shop's public page names its producer only while the head allows that
-- member to act (issue 21 §3): allowing or revoking changes what the page
-- shows, so it moves the market revision like a change to the shop itself
-- (the page cache empties at once instead of after its five-minute cap).
CREATE TRIGGER household_delegates_insert_revision AFTER INSERT ON household_delegates
BEGIN UPDATE market_revision SET revision = revision + 1 WHERE id = 1; END;
CREATE TRIGGER household_delegates_delete_revision AFTER DELETE ON household_delegates
BEGIN UPDATE market_revision SET revision = revision + 1 WHERE id = 1; END;
