-- Staff search (issue 21 §1): the parts of every live household's names,
-- normalised (text::name_keys: tashkeel and tatweel dropped, أ/إ/آ → ا,
-- ة → ه, ى → ي, digits folded, "عبد X" joined, a family name also without
-- its article), one row per part and person (person 0: the head, else the
-- member's id), each row carrying all of that person's keys (`names`, each
-- after a space). A query's rarest part is a range of the primary key; its
-- other parts are tested on `names` of the same entry (`LIKE '% part%'`),
-- read from the index itself (INCLUDE), so a search reads one range of one
-- index. Tokens compare byte by byte (COLLATE "C", as SQLite's binary
-- collation), so a prefix is one range. Written by the registry on every
-- write of a name (registration, walk-in, import, members, merges); an
-- erased or merged household has none.
-- Keep in step with ../sqlite/0030_household_search.sql.
CREATE TABLE household_name_keys (
    token           TEXT COLLATE "C" NOT NULL,
    household_id    BIGINT NOT NULL REFERENCES households(id) ON DELETE CASCADE,
    person          BIGINT NOT NULL,
    names           TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (token, household_id, person) INCLUDE (names)
);
CREATE INDEX household_name_keys_household ON household_name_keys(household_id, person);

-- How far the start-up fill of the keys of households stored before this
-- migration has come (households up to this id have theirs).
CREATE TABLE household_name_keys_filled (
    id              BIGINT PRIMARY KEY CHECK (id = 1),
    up_to           BIGINT NOT NULL
);
INSERT INTO household_name_keys_filled (id, up_to) VALUES (1, 0);
