-- The inspection record (实地考察记录表), issue 14.
--
-- 1. A signed record is issued like a sheet: every signature on it — the leader's, then each
--    member's countersignature, each its own revision of the file — is recorded with the revision
--    it signed, so `verify` can check each one against this database. `signed_sheets` is rebuilt
--    (SQLite cannot widen a CHECK in place) with its rows copied unchanged.
-- 2. A member who disagrees records a dissent before the record is laid out; it is printed
--    beside that member's signature.

CREATE TABLE signed_sheets_v13 (
    id              INTEGER PRIMARY KEY,
    uid             TEXT NOT NULL UNIQUE,
    round_id        INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
    expert_id       INTEGER REFERENCES experts(id),
    application_id  INTEGER REFERENCES applications(id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('sheet', 'summary', 'ranking-report', 'inspection-record')),
    snapshot        TEXT NOT NULL CHECK (json_valid(snapshot)),
    file_sha256     TEXT NOT NULL CHECK (length(file_sha256) = 64),
    -- The signed file itself, so the secretariat can collect every sheet of a round.
    pdf             BLOB NOT NULL,
    issued_at       TEXT NOT NULL,
    CHECK ((kind = 'ranking-report') = (expert_id IS NULL)),
    CHECK ((kind IN ('sheet', 'inspection-record')) = (application_id IS NOT NULL))
);
INSERT INTO signed_sheets_v13 SELECT id, uid, round_id, expert_id, application_id, kind, snapshot, file_sha256, pdf, issued_at FROM signed_sheets;
DROP TABLE signed_sheets;
ALTER TABLE signed_sheets_v13 RENAME TO signed_sheets;
CREATE INDEX signed_sheets_file ON signed_sheets(file_sha256);
CREATE INDEX signed_sheets_round ON signed_sheets(round_id, kind);

CREATE TABLE inspection_dissents (
    inspection_id   INTEGER NOT NULL REFERENCES inspections(id) ON DELETE CASCADE,
    expert_id       INTEGER NOT NULL REFERENCES experts(id),
    dissent         TEXT NOT NULL CHECK (length(trim(dissent)) > 0),
    recorded_at     TEXT NOT NULL,
    PRIMARY KEY (inspection_id, expert_id)
) WITHOUT ROWID;

-- 3. A small PNG of each photo, made once when it is attached: the record prints it and the
--    visit screen shows it without decoding a 5 MB original again.
ALTER TABLE inspection_evidence ADD COLUMN thumbnail BLOB;
