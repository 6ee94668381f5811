-- The inspection team's own laptop (issue 14): an inspection package out, an inspection bundle
-- back, through the same signed container as the experts' packages and bundles.
--
-- 1. A database can be an inspection team's copy: there the team records its visit (the leader's
--    code names the copy); the secretariat's actions are refused. `database_copy` is rebuilt to
--    widen its CHECK.
-- 2. The exchange log names the application too (an inspector may lead two visits in a round),
--    and knows the four new directions. `exchanges` is rebuilt, its rows copied unchanged.

CREATE TABLE database_copy_v14 (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    kind         TEXT NOT NULL CHECK (kind IN ('secretariat', 'expert', 'inspection')),
    expert_code  TEXT,
    CHECK ((kind = 'secretariat') = (expert_code IS NULL))
);
INSERT INTO database_copy_v14 SELECT id, kind, expert_code FROM database_copy;
DROP TABLE database_copy;
ALTER TABLE database_copy_v14 RENAME TO database_copy;

CREATE TABLE exchanges_v14 (
    id              INTEGER PRIMARY KEY,
    uid             TEXT NOT NULL,
    direction       TEXT NOT NULL CHECK (direction IN ('package_out', 'package_in', 'bundle_out', 'bundle_in',
                                                       'inspection_package_out', 'inspection_package_in',
                                                       'inspection_bundle_out', 'inspection_bundle_in')),
    round_id        INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
    expert_id       INTEGER NOT NULL REFERENCES experts(id),
    -- The inspected application, for the inspection directions.
    application_id  INTEGER REFERENCES applications(id) ON DELETE CASCADE,
    sequence        INTEGER NOT NULL CHECK (sequence >= 1),
    signer_sha256   TEXT NOT NULL CHECK (length(signer_sha256) = 64),
    file_sha256     TEXT NOT NULL CHECK (length(file_sha256) = 64),
    created_at      TEXT NOT NULL,
    recorded_at     TEXT NOT NULL,
    report          TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(report)),
    UNIQUE (direction, uid),
    CHECK ((direction LIKE 'inspection_%') = (application_id IS NOT NULL))
);
INSERT INTO exchanges_v14 (id, uid, direction, round_id, expert_id, application_id, sequence, signer_sha256,
                           file_sha256, created_at, recorded_at, report)
    SELECT id, uid, direction, round_id, expert_id, NULL, sequence, signer_sha256, file_sha256, created_at,
           recorded_at, report FROM exchanges;
DROP TABLE exchanges;
ALTER TABLE exchanges_v14 RENAME TO exchanges;
CREATE UNIQUE INDEX exchanges_sequence ON exchanges(direction, round_id, expert_id, coalesce(application_id, 0), sequence);
CREATE INDEX exchanges_round ON exchanges(round_id, expert_id);
