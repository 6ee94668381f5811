-- Schema version 5: signing (签名).
--  * a key per expert, and one for the secretariat: the self-signed certificate (DER) and the
--    private key encrypted with its owner's passphrase (PKCS#8 PBES2/scrypt PEM, never in clear);
--  * each expert's hand-drawn signature (PNG);
--  * every signed sheet issued: its id, what it shows (a snapshot of the scores as printed), the
--    signed file and its SHA-256, so `verify` can say whether the database still agrees and the
--    secretariat can collect every sheet of a round.

CREATE TABLE signing_keys (
    id                  INTEGER PRIMARY KEY,
    uid                 TEXT NOT NULL UNIQUE,
    expert_id           INTEGER UNIQUE REFERENCES experts(id),
    is_secretariat      INTEGER NOT NULL DEFAULT 0 CHECK (is_secretariat IN (0, 1)),
    certificate_der     BLOB NOT NULL,
    certificate_sha256  TEXT NOT NULL UNIQUE CHECK (length(certificate_sha256) = 64),
    encrypted_key_pem   TEXT NOT NULL CHECK (encrypted_key_pem LIKE '-----BEGIN ENCRYPTED PRIVATE KEY-----%'),
    created_at          TEXT NOT NULL,
    CHECK ((expert_id IS NULL) = (is_secretariat = 1))
);
CREATE UNIQUE INDEX signing_keys_secretariat ON signing_keys(is_secretariat) WHERE is_secretariat = 1;

CREATE TABLE hand_signatures (
    id          INTEGER PRIMARY KEY,
    uid         TEXT NOT NULL UNIQUE,
    expert_id   INTEGER NOT NULL UNIQUE REFERENCES experts(id),
    png         BLOB NOT NULL CHECK (substr(png, 1, 8) = X'89504E470D0A1A0A'),
    created_at  TEXT NOT NULL
);

CREATE TABLE signed_sheets (
    id              INTEGER PRIMARY KEY,
    uid             TEXT NOT NULL UNIQUE,
    round_id        INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
    expert_id       INTEGER NOT NULL REFERENCES experts(id),
    application_id  INTEGER REFERENCES applications(id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('sheet', 'summary')),
    snapshot        TEXT NOT NULL CHECK (json_valid(snapshot)),
    file_sha256     TEXT NOT NULL CHECK (length(file_sha256) = 64),
    -- The signed file itself, so the secretariat can collect every sheet of a round.
    pdf             BLOB NOT NULL,
    issued_at       TEXT NOT NULL
);
CREATE INDEX signed_sheets_file ON signed_sheets(file_sha256);
