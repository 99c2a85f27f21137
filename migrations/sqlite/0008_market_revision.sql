-- The market revision: a number raised by every change that shows on the
-- public marketplace pages, in the same transaction as the change, so that
-- each server instance knows when the pages it keeps in memory are outdated.
CREATE TABLE market_revision (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    revision  INTEGER NOT NULL
);
INSERT INTO market_revision (id, revision) VALUES (1, 0);

CREATE TRIGGER products_insert_revision AFTER INSERT ON products
BEGIN UPDATE market_revision SET revision = revision + 1 WHERE id = 1; END;
CREATE TRIGGER products_update_revision AFTER UPDATE ON products
BEGIN UPDATE market_revision SET revision = revision + 1 WHERE id = 1; END;
CREATE TRIGGER products_delete_revision AFTER DELETE ON products
BEGIN UPDATE market_revision SET revision = revision + 1 WHERE id = 1; END;

CREATE TRIGGER shops_insert_revision AFTER INSERT ON shops
BEGIN UPDATE market_revision SET revision = revision + 1 WHERE id = 1; END;
CREATE TRIGGER shops_update_revision AFTER UPDATE ON shops
BEGIN UPDATE market_revision SET revision = revision + 1 WHERE id = 1; END;
CREATE TRIGGER shops_delete_revision AFTER DELETE ON shops
BEGIN UPDATE market_revision SET revision = revision + 1 WHERE id = 1; END;

CREATE TRIGGER product_photos_insert_revision AFTER INSERT ON product_photos
BEGIN UPDATE market_revision SET revision = revision + 1 WHERE id = 1; END;
CREATE TRIGGER product_photos_update_revision AFTER UPDATE ON product_photos
BEGIN UPDATE market_revision SET revision = revision + 1 WHERE id = 1; END;
CREATE TRIGGER product_photos_delete_revision AFTER DELETE ON product_photos
BEGIN UPDATE market_revision SET revision = revision + 1 WHERE id = 1; END;

-- Shop cards name their district and city.
CREATE TRIGGER districts_update_revision AFTER UPDATE ON districts
BEGIN UPDATE market_revision SET revision = revision + 1 WHERE id = 1; END;
CREATE TRIGGER cities_update_revision AFTER UPDATE ON cities
BEGIN UPDATE market_revision SET revision = revision + 1 WHERE id = 1; END;
