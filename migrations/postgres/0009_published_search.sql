-- Search reads published products only, newest first: the text index holds
-- published products alone, keyed by the order of their first publication,
-- so "newest" can walk that key and stop at the page, and counting the
-- matches reads the text index alone.

-- The order of first publication (kept when a product leaves and comes back).
ALTER TABLE products ADD COLUMN published_seq BIGINT;
UPDATE products SET published_seq = numbered.seq
  FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY published_at, id) AS seq
          FROM products WHERE published_at IS NOT NULL) AS numbered
 WHERE numbered.id = products.id;
CREATE UNIQUE INDEX products_published_seq ON products(published_seq);
CREATE SEQUENCE product_publications;
SELECT setval('product_publications', COALESCE((SELECT MAX(published_seq) FROM products), 0) + 1, false);

DROP INDEX products_public;
DROP INDEX products_featured;
DROP INDEX products_category;
CREATE INDEX products_public ON products(status, published_seq);
CREATE INDEX products_featured ON products(featured, status, published_seq);
CREATE INDEX products_category ON products(status, category, published_seq);

CREATE TABLE published_search (
    published_seq  BIGINT PRIMARY KEY,
    product_id     BIGINT NOT NULL UNIQUE REFERENCES products(id),
    body           TEXT NOT NULL,
    document       tsvector GENERATED ALWAYS AS (to_tsvector('simple', body)) STORED
);
INSERT INTO published_search (published_seq, product_id, body)
SELECT p.published_seq, p.id, s.body
  FROM product_search s JOIN products p ON p.id = s.product_id
 WHERE p.status = 'published';
DROP TABLE product_search;
ALTER TABLE published_search RENAME TO product_search;
ALTER INDEX published_search_pkey RENAME TO product_search_pkey;
ALTER INDEX published_search_product_id_key RENAME TO product_search_product_id;
CREATE INDEX product_search_document ON product_search USING GIN (document);
