-- The market revision: a number raised by every change that shows on the
-- public marketplace pages, in the same transaction as the change, so that
-- each server instance knows when the pages it keeps in memory are outdated.
CREATE TABLE market_revision (
    id         BIGINT PRIMARY KEY CHECK (id = 1),
    revision   BIGINT NOT NULL,
    -- The last transaction that raised it: a transaction raises it once.
    raised_by  BIGINT
);
INSERT INTO market_revision (id, revision) VALUES (1, 0);

CREATE FUNCTION raise_market_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE market_revision SET revision = revision + 1, raised_by = txid_current()
     WHERE id = 1 AND raised_by IS DISTINCT FROM txid_current();
    RETURN NULL;
END
$$;

-- Deferred to the commit: the revision row is locked last and briefly, so
-- two writers never wait for each other on it while holding other rows.
CREATE CONSTRAINT TRIGGER products_revision AFTER INSERT OR UPDATE OR DELETE ON products
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION raise_market_revision();
CREATE CONSTRAINT TRIGGER shops_revision AFTER INSERT OR UPDATE OR DELETE ON shops
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION raise_market_revision();
CREATE CONSTRAINT TRIGGER product_photos_revision AFTER INSERT OR UPDATE OR DELETE ON product_photos
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION raise_market_revision();
-- Shop cards name their district and city.
CREATE CONSTRAINT TRIGGER districts_revision AFTER UPDATE ON districts
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION raise_market_revision();
CREATE CONSTRAINT TRIGGER cities_revision AFTER UPDATE ON cities
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION raise_market_revision();
