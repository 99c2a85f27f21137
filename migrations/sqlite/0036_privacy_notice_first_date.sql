-- The first privacy notice (version 2026-11, written by 0020) was stored as
-- published at 0, so every page dated it 1970-01-01. It is the notice of
-- November 2026: published on 2026-11-01, 00:00 in Riyadh (UTC+3).
UPDATE privacy_notices SET published_at = 1793480400
 WHERE version = '2026-11' AND published_at = 0;
