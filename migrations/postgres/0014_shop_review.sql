-- Shop names and bios are reviewed like products (issue 13): `name_ar`,
-- `name_en` and `bio` stay what the public sees, the last approved text; the
-- family's new text waits in `proposed_*` until a moderator approves it. A
-- new shop shows no name of its own until then.
-- Keep in step with the other engine's 0014_shop_review.sql.
ALTER TABLE shops ADD COLUMN proposed_name_ar TEXT;
ALTER TABLE shops ADD COLUMN proposed_name_en TEXT;
ALTER TABLE shops ADD COLUMN proposed_bio TEXT;
-- 'approved': nothing waits; 'pending': `proposed_*` waits for review;
-- 'rejected': a moderator refused `proposed_*` for `text_rejection_reason`.
ALTER TABLE shops ADD COLUMN text_review TEXT NOT NULL DEFAULT 'approved'
    CHECK (text_review IN ('approved', 'pending', 'rejected'));
ALTER TABLE shops ADD COLUMN text_rejection_reason TEXT;
CREATE INDEX shops_text_pending ON shops(text_review) WHERE text_review = 'pending';
