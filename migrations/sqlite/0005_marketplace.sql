-- The public marketplace: one shop per family, products moderated before
-- they are public, photos stored as files under server-generated names.

CREATE TABLE shops (
    id                    INTEGER PRIMARY KEY AUTOINCREMENT,
    owner_user_id         INTEGER NOT NULL UNIQUE REFERENCES users(id),
    household_id          INTEGER REFERENCES households(id),
    name_ar               TEXT NOT NULL,
    name_en               TEXT,
    bio                   TEXT NOT NULL DEFAULT '',
    district_id           INTEGER NOT NULL REFERENCES districts(id),
    pickup                INTEGER NOT NULL DEFAULT 1 CHECK (pickup IN (0, 1)),
    delivery              INTEGER NOT NULL DEFAULT 0 CHECK (delivery IN (0, 1)),
    delivery_areas        TEXT NOT NULL DEFAULT '',
    delivery_fee_halalas  INTEGER CHECK (delivery_fee_halalas IS NULL OR delivery_fee_halalas >= 0),
    -- NULL: the family did not opt in to WhatsApp orders.
    whatsapp              TEXT,
    working_hours         TEXT NOT NULL DEFAULT '',
    created_at            INTEGER NOT NULL,
    updated_at            INTEGER NOT NULL
);
-- One shop per household (a shop opened before registering links later).
CREATE UNIQUE INDEX shops_household ON shops(household_id) WHERE household_id IS NOT NULL;
CREATE INDEX shops_district ON shops(district_id);

CREATE TABLE products (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    shop_id            INTEGER NOT NULL REFERENCES shops(id),
    title_ar           TEXT NOT NULL,
    title_en           TEXT,
    description_ar     TEXT NOT NULL,
    description_en     TEXT,
    category           TEXT NOT NULL CHECK (category IN ('food', 'sweets', 'baked_goods', 'spices',
                           'sewing_embroidery', 'handicrafts', 'perfume_incense', 'beauty', 'gifts', 'other')),
    price_halalas      INTEGER NOT NULL CHECK (price_halalas > 0),
    unit_ar            TEXT NOT NULL DEFAULT '',
    availability       TEXT NOT NULL CHECK (availability IN ('in_stock', 'made_to_order', 'paused')),
    lead_time_days     INTEGER CHECK (lead_time_days IS NULL OR lead_time_days BETWEEN 1 AND 90),
    status             TEXT NOT NULL CHECK (status IN ('draft', 'pending', 'published', 'rejected', 'hidden')),
    moderation_reason  TEXT,
    featured           INTEGER NOT NULL DEFAULT 0 CHECK (featured IN (0, 1)),
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL,
    -- First publication; the order of "newest".
    published_at       INTEGER
);
CREATE INDEX products_public ON products(status, published_at, id);
CREATE INDEX products_featured ON products(featured, status, published_at, id);
CREATE INDEX products_category ON products(status, category, published_at, id);
CREATE INDEX products_price ON products(status, price_halalas, id);
CREATE INDEX products_shop ON products(shop_id, status);

CREATE TABLE product_photos (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    product_id  INTEGER NOT NULL REFERENCES products(id),
    file_key    TEXT NOT NULL UNIQUE,
    width       INTEGER NOT NULL CHECK (width > 0),
    height      INTEGER NOT NULL CHECK (height > 0),
    is_cover    INTEGER NOT NULL DEFAULT 0 CHECK (is_cover IN (0, 1)),
    created_at  INTEGER NOT NULL
);
CREATE INDEX product_photos_product ON product_photos(product_id, id);

-- Full-text index of products: the normalized search document (titles,
-- descriptions, shop and category names), rowid = product id.
CREATE VIRTUAL TABLE product_search USING fts5(body, tokenize = 'unicode61 remove_diacritics 0');
