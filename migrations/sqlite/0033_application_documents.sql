-- Documents with an application (issue 21 §4). The council lists, per
-- assistance type, the documents a family is asked for (an ID copy, a
-- quotation, a licence…), each required or optional; a retired kind is no
-- longer asked for, the documents already given stay.
CREATE TABLE document_kinds (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    assistance_type_id  INTEGER NOT NULL REFERENCES assistance_types(id),
    name_ar             TEXT NOT NULL,
    name_en             TEXT NOT NULL,
    required            INTEGER NOT NULL DEFAULT 0 CHECK (required IN (0, 1)),
    active              INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    sort_order          INTEGER NOT NULL DEFAULT 0,
    created_at          INTEGER NOT NULL
);
CREATE INDEX document_kinds_type ON document_kinds(assistance_type_id, sort_order, id);

-- A document a family gave with an application line: a PDF (its structure
-- checked) or a photo (re-encoded as WebP), stored under a random key; served
-- inline only to the family, the line's association and the council. Deleted,
-- file and row, when the household's deletion is carried out (its household
-- is its line's, so a merge of households carries it along).
CREATE TABLE line_documents (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    line_id             INTEGER NOT NULL REFERENCES application_lines(id) ON DELETE CASCADE,
    document_kind_id    INTEGER NOT NULL REFERENCES document_kinds(id),
    storage_key         TEXT NOT NULL UNIQUE,
    format              TEXT NOT NULL CHECK (format IN ('pdf', 'webp')),
    size_bytes          INTEGER NOT NULL,
    uploaded_by         INTEGER REFERENCES users(id),
    uploaded_at         INTEGER NOT NULL
);
CREATE INDEX line_documents_line ON line_documents(line_id, id);
