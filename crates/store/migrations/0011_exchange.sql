-- The offline exchange (issue 13): review packages out to experts' laptops, score bundles back.
--
-- 1. A certificate can be known without its key: the secretariat registers an expert's
--    certificate (the key stays on the expert's laptop), and an expert's copy pins the
--    secretariat's certificate from the first review package. `origin` says which:
--    'created' (key made here, stored encrypted), 'registered' (an expert's certificate the
--    secretariat registered after confirming its fingerprint), 'pinned' (the secretariat's
--    certificate on an expert's copy). Only a created key has a private key.
-- 2. Every package and bundle that went out or came in is logged once, by its uid, with its
--    sequence number: the same container again is recognised ("already imported"), an older
--    one refused (PACKAGE_OUTDATED, BUNDLE_OUTDATED).
--
-- signing_keys is rebuilt (SQLite cannot relax NOT NULL in place), its rows copied unchanged.

CREATE TABLE signing_keys_v11 (
    id                  INTEGER PRIMARY KEY,
    uid                 TEXT NOT NULL UNIQUE,
    expert_id           INTEGER REFERENCES experts(id),
    is_secretariat      INTEGER NOT NULL DEFAULT 0 CHECK (is_secretariat IN (0, 1)),
    certificate_der     BLOB NOT NULL,
    certificate_sha256  TEXT NOT NULL UNIQUE CHECK (length(certificate_sha256) = 64),
    encrypted_key_pem   TEXT CHECK (encrypted_key_pem IS NULL OR encrypted_key_pem LIKE '-----BEGIN ENCRYPTED PRIVATE KEY-----%'),
    origin              TEXT NOT NULL DEFAULT 'created' CHECK (origin IN ('created', 'registered', 'pinned')),
    created_at          TEXT NOT NULL,
    revoked_at          TEXT,
    revoked_reason      TEXT,
    revoked_by          TEXT,
    CHECK ((expert_id IS NULL) = (is_secretariat = 1)),
    CHECK ((revoked_at IS NULL) = (revoked_reason IS NULL)),
    CHECK (revoked_reason IS NULL OR length(trim(revoked_reason)) > 0),
    CHECK ((origin = 'created') = (encrypted_key_pem IS NOT NULL)),
    CHECK (origin != 'pinned' OR is_secretariat = 1),
    CHECK (origin != 'registered' OR is_secretariat = 0)
);
INSERT INTO signing_keys_v11 (id, uid, expert_id, is_secretariat, certificate_der, certificate_sha256, encrypted_key_pem, origin, created_at, revoked_at, revoked_reason, revoked_by)
    SELECT id, uid, expert_id, is_secretariat, certificate_der, certificate_sha256, encrypted_key_pem, 'created', created_at, revoked_at, revoked_reason, revoked_by FROM signing_keys;
DROP TABLE signing_keys;
ALTER TABLE signing_keys_v11 RENAME TO signing_keys;
CREATE UNIQUE INDEX signing_keys_active_expert ON signing_keys(expert_id) WHERE revoked_at IS NULL AND expert_id IS NOT NULL;
CREATE UNIQUE INDEX signing_keys_active_secretariat ON signing_keys(is_secretariat) WHERE revoked_at IS NULL AND is_secretariat = 1;

CREATE TABLE exchanges (
    id              INTEGER PRIMARY KEY,
    -- The container's uid, from its signed manifest.
    uid             TEXT NOT NULL,
    direction       TEXT NOT NULL CHECK (direction IN ('package_out', 'package_in', 'bundle_out', 'bundle_in')),
    round_id        INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
    expert_id       INTEGER NOT NULL REFERENCES experts(id),
    sequence        INTEGER NOT NULL CHECK (sequence >= 1),
    signer_sha256   TEXT NOT NULL CHECK (length(signer_sha256) = 64),
    file_sha256     TEXT NOT NULL CHECK (length(file_sha256) = 64),
    -- When the container was made (its manifest's time), and when it was logged here.
    created_at      TEXT NOT NULL,
    recorded_at     TEXT NOT NULL,
    report          TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(report)),
    UNIQUE (direction, uid),
    UNIQUE (direction, round_id, expert_id, sequence)
);
CREATE INDEX exchanges_round ON exchanges(round_id, expert_id);
