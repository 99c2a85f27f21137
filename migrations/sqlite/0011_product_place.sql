-- A product carries its shop's place and ways of handing over, so that the
-- search filters on them (district, city, delivery, pick-up) read one index
-- of products instead of joining every product to its shop and district.
-- The application keeps them in step with the shop, in the same transaction
-- as any write of the shop or the product (marketplace::db::copy_shop_place).
ALTER TABLE products ADD COLUMN district_id INTEGER REFERENCES districts(id);
ALTER TABLE products ADD COLUMN city_id INTEGER REFERENCES cities(id);
ALTER TABLE products ADD COLUMN pickup INTEGER NOT NULL DEFAULT 0 CHECK (pickup IN (0, 1));
ALTER TABLE products ADD COLUMN delivery INTEGER NOT NULL DEFAULT 0 CHECK (delivery IN (0, 1));
UPDATE products SET (district_id, city_id, pickup, delivery) =
       (SELECT s.district_id, d.city_id, s.pickup, s.delivery
          FROM shops s JOIN districts d ON d.id = s.district_id
         WHERE s.id = products.shop_id);
-- Newest first within a district or a city.
CREATE INDEX products_district ON products(status, district_id, published_seq);
CREATE INDEX products_city ON products(status, city_id, published_seq);
