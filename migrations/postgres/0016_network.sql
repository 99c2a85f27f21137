-- Going live (issue 15): the council runs the network of associations.
-- Keep in step with ../sqlite/0016_network.sql.

-- An association's card: its city, a contact person, a logo (a key in the
-- photo store), and when and why its status last changed. Suspending keeps
-- every row: its staff lose access and its coverage stops routing, and
-- reactivating gives both back.
ALTER TABLE associations ADD COLUMN city_id BIGINT REFERENCES cities(id);
ALTER TABLE associations ADD COLUMN contact_name TEXT;
ALTER TABLE associations ADD COLUMN logo_key TEXT;
ALTER TABLE associations ADD COLUMN logo_width INTEGER;
ALTER TABLE associations ADD COLUMN status_changed_at BIGINT;
ALTER TABLE associations ADD COLUMN status_reason TEXT;

-- Whether the apply form asks a family for an amount with this type (the
-- council decides; until now only financing did, by its code).
ALTER TABLE assistance_types ADD COLUMN asks_amount BIGINT NOT NULL DEFAULT 0 CHECK (asks_amount IN (0, 1));
UPDATE assistance_types SET asks_amount = 1 WHERE code = 'financing';

-- The association a person who works for several acts for in this session:
-- every page and queue follows it. NULL: the first association they joined.
ALTER TABLE sessions ADD COLUMN acting_association_id BIGINT REFERENCES associations(id);
