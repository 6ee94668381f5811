-- Signatures that prove who signed what (issue 12).
--
-- 1. Keys can be revoked and replaced: an owner keeps every key they ever had (sheets signed with
--    an old key stay verifiable), at most one of them active. `revoked_at` is the moment from
--    which signatures made with the key no longer count; signatures before it stay valid.
-- 2. Every signed document the database issues is recorded, the secretariat's ranking report
--    included (no expert), so `verify` can require a document to be one this database issued.
--
-- SQLite cannot drop a UNIQUE constraint or widen a CHECK in place: both tables are rebuilt with
-- their rows copied unchanged.

CREATE TABLE signing_keys_v9 (
    id                  INTEGER PRIMARY KEY,
    uid                 TEXT NOT NULL UNIQUE,
    expert_id           INTEGER REFERENCES experts(id),
    is_secretariat      INTEGER NOT NULL DEFAULT 0 CHECK (is_secretariat IN (0, 1)),
    certificate_der     BLOB NOT NULL,
    certificate_sha256  TEXT NOT NULL UNIQUE CHECK (length(certificate_sha256) = 64),
    encrypted_key_pem   TEXT NOT NULL CHECK (encrypted_key_pem LIKE '-----BEGIN ENCRYPTED PRIVATE KEY-----%'),
    created_at          TEXT NOT NULL,
    revoked_at          TEXT,
    revoked_reason      TEXT,
    revoked_by          TEXT,
    CHECK ((expert_id IS NULL) = (is_secretariat = 1)),
    CHECK ((revoked_at IS NULL) = (revoked_reason IS NULL)),
    CHECK (revoked_reason IS NULL OR length(trim(revoked_reason)) > 0)
);
INSERT INTO signing_keys_v9 (id, uid, expert_id, is_secretariat, certificate_der, certificate_sha256, encrypted_key_pem, created_at)
    SELECT id, uid, expert_id, is_secretariat, certificate_der, certificate_sha256, encrypted_key_pem, created_at FROM signing_keys;
DROP TABLE signing_keys;
ALTER TABLE signing_keys_v9 RENAME TO signing_keys;
-- One active key per expert, and one for the secretariat.
CREATE UNIQUE INDEX signing_keys_active_expert ON signing_keys(expert_id) WHERE revoked_at IS NULL AND expert_id IS NOT NULL;
CREATE UNIQUE INDEX signing_keys_active_secretariat ON signing_keys(is_secretariat) WHERE revoked_at IS NULL AND is_secretariat = 1;

CREATE TABLE signed_sheets_v9 (
    id              INTEGER PRIMARY KEY,
    uid             TEXT NOT NULL UNIQUE,
    round_id        INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
    expert_id       INTEGER REFERENCES experts(id),
    application_id  INTEGER REFERENCES applications(id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('sheet', 'summary', 'ranking-report')),
    snapshot        TEXT NOT NULL CHECK (json_valid(snapshot)),
    file_sha256     TEXT NOT NULL CHECK (length(file_sha256) = 64),
    -- The signed file itself, so the secretariat can collect every sheet of a round.
    pdf             BLOB NOT NULL,
    issued_at       TEXT NOT NULL,
    CHECK ((kind = 'ranking-report') = (expert_id IS NULL)),
    CHECK ((kind = 'sheet') = (application_id IS NOT NULL))
);
INSERT INTO signed_sheets_v9 SELECT id, uid, round_id, expert_id, application_id, kind, snapshot, file_sha256, pdf, issued_at FROM signed_sheets;
DROP TABLE signed_sheets;
ALTER TABLE signed_sheets_v9 RENAME TO signed_sheets;
CREATE INDEX signed_sheets_file ON signed_sheets(file_sha256);
CREATE INDEX signed_sheets_round ON signed_sheets(round_id, kind);
