-- Schema version 20 (issue 16): from the proposed list to the register of designated parks.
--  * The publicity period (公示) of a round's finalised list: its days and the objection contact.
--  * Objections (异议) raised in it — who (匿名 allowed), when, about which park, what — and the
--    secretariat's investigation and decision (upheld / dismissed) with its reason; an upheld
--    objection may take the park off the list (the reason is printed on the published list).
--  * Publication (向社会公布): who and when, on the round.
--  * The register of designated parks (认定园区名录): written by publication, or entered by the
--    secretariat for parks designated before the product was used.
--  * The published list is signed and recorded as issued: `signed_sheets` accepts its kind
--    ('designation-list'); the table is rebuilt (SQLite cannot widen a CHECK), rows unchanged.

CREATE TABLE publicity_periods (
    round_id        INTEGER PRIMARY KEY REFERENCES rounds(id) ON DELETE CASCADE,
    starts_on       TEXT NOT NULL CHECK (starts_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    ends_on         TEXT NOT NULL CHECK (ends_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    working_days    INTEGER NOT NULL CHECK (working_days BETWEEN 1 AND 60),
    contact         TEXT NOT NULL CHECK (length(trim(contact)) > 0),
    recorded_by     TEXT NOT NULL,
    recorded_at     TEXT NOT NULL
);

CREATE TABLE objections (
    id              INTEGER PRIMARY KEY,
    uid             TEXT NOT NULL UNIQUE,
    round_id        INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
    number          INTEGER NOT NULL CHECK (number >= 1),
    application_id  INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    objector        TEXT NOT NULL CHECK (length(trim(objector)) > 0),
    received_on     TEXT NOT NULL CHECK (received_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    content         TEXT NOT NULL CHECK (length(trim(content)) > 0),
    recorded_by     TEXT NOT NULL,
    recorded_at     TEXT NOT NULL,
    investigation   TEXT,
    decision        TEXT CHECK (decision IN ('upheld', 'dismissed')),
    decision_reason TEXT,
    removes         INTEGER NOT NULL DEFAULT 0 CHECK (removes IN (0, 1)),
    decided_by      TEXT,
    decided_at      TEXT,
    UNIQUE (round_id, number),
    CHECK ((decision IS NULL) = (decision_reason IS NULL)),
    CHECK (removes = 0 OR decision = 'upheld')
);

ALTER TABLE rounds ADD COLUMN published_at TEXT;
ALTER TABLE rounds ADD COLUMN published_by TEXT;

CREATE TABLE designated_parks (
    id              INTEGER PRIMARY KEY,
    uid             TEXT NOT NULL UNIQUE,
    park_name       TEXT NOT NULL CHECK (length(trim(park_name)) > 0),
    city            TEXT NOT NULL,
    management_body TEXT NOT NULL DEFAULT '',
    round_id        INTEGER REFERENCES rounds(id),
    application_id  INTEGER UNIQUE REFERENCES applications(id),
    designated_on   TEXT NOT NULL CHECK (designated_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    documents       TEXT NOT NULL DEFAULT '',
    source          TEXT NOT NULL CHECK (source IN ('published', 'entered')),
    entered_reason  TEXT,
    recorded_by     TEXT NOT NULL,
    recorded_at     TEXT NOT NULL,
    CHECK ((source = 'entered') = (entered_reason IS NOT NULL))
);

CREATE TABLE signed_sheets_v20 (
    id              INTEGER PRIMARY KEY,
    uid             TEXT NOT NULL UNIQUE,
    round_id        INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
    expert_id       INTEGER REFERENCES experts(id),
    application_id  INTEGER REFERENCES applications(id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('sheet', 'summary', 'ranking-report', 'inspection-record', 'designation-list')),
    snapshot        TEXT NOT NULL CHECK (json_valid(snapshot)),
    file_sha256     TEXT NOT NULL CHECK (length(file_sha256) = 64),
    pdf             BLOB NOT NULL,
    issued_at       TEXT NOT NULL,
    CHECK ((kind IN ('ranking-report', 'designation-list')) = (expert_id IS NULL)),
    CHECK ((kind IN ('sheet', 'inspection-record')) = (application_id IS NOT NULL))
);
INSERT INTO signed_sheets_v20 SELECT id, uid, round_id, expert_id, application_id, kind, snapshot, file_sha256, pdf, issued_at FROM signed_sheets;
DROP TABLE signed_sheets;
ALTER TABLE signed_sheets_v20 RENAME TO signed_sheets;
CREATE INDEX signed_sheets_file ON signed_sheets(file_sha256);
CREATE INDEX signed_sheets_round ON signed_sheets(round_id, kind);
