-- Schema version 3: attachments (证明材料). The file itself lives beside the database in
-- attachments/<first two hex digits>/<sha256>, addressed and verified by its SHA-256; the row
-- says which application and which condition it supports.

CREATE TABLE attachments (
    id              INTEGER PRIMARY KEY,
    uid             TEXT NOT NULL UNIQUE,
    application_id  INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    clause          TEXT NOT NULL CHECK (clause IN ('C1', 'C2', 'C3', 'C4', 'C5', 'C6', 'C7', 'P4')),
    file_name       TEXT NOT NULL,
    media_type      TEXT NOT NULL CHECK (media_type IN ('application/pdf', 'image/png', 'image/jpeg')),
    size_bytes      INTEGER NOT NULL CHECK (size_bytes > 0),
    sha256          TEXT NOT NULL CHECK (length(sha256) = 64),
    added_by        TEXT NOT NULL,
    added_at        TEXT NOT NULL,
    UNIQUE (application_id, clause, sha256)
);
CREATE INDEX attachments_application ON attachments(application_id);
