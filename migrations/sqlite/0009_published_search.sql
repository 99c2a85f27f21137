-- Search reads published products only, newest first, without sorting: the
-- text index holds published products alone, numbered in the order of their
-- first publication, so the index returns matches newest first by itself and
-- stops at the page, and counting the matches reads the index alone.

-- The order of first publication (kept when a product leaves and comes back).
ALTER TABLE products ADD COLUMN published_seq INTEGER;
UPDATE products SET published_seq = numbered.seq
  FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY published_at, id) AS seq
          FROM products WHERE published_at IS NOT NULL) AS numbered
 WHERE numbered.id = products.id;
CREATE UNIQUE INDEX products_published_seq ON products(published_seq);

DROP INDEX products_public;
DROP INDEX products_featured;
DROP INDEX products_category;
CREATE INDEX products_public ON products(status, published_seq);
CREATE INDEX products_featured ON products(featured, status, published_seq);
CREATE INDEX products_category ON products(status, category, published_seq);

-- rowid = published_seq; published products only.
CREATE VIRTUAL TABLE published_search USING fts5(body, tokenize = 'unicode61 remove_diacritics 0');
INSERT INTO published_search (rowid, body)
SELECT p.published_seq, s.body
  FROM product_search s JOIN products p ON p.id = s.rowid
 WHERE p.status = 'published';
DROP TABLE product_search;
ALTER TABLE published_search RENAME TO product_search;
