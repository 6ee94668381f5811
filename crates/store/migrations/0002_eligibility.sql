-- Schema version 2: the formal review's human records (形式审查).
-- A document check says a person verified the documents behind C1, C2, C5 or C7; an override
-- replaces a rule's computed result with a reason. The latest of each is kept here; every
-- change, with its reason, is also in audit_log.

CREATE TABLE eligibility_document_checks (
    id              INTEGER PRIMARY KEY,
    uid             TEXT NOT NULL UNIQUE,
    application_id  INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    rule            TEXT NOT NULL CHECK (rule IN ('C1', 'C2', 'C5', 'C7')),
    note            TEXT NOT NULL DEFAULT '',
    checked_by      TEXT NOT NULL,
    checked_at      TEXT NOT NULL,
    UNIQUE (application_id, rule)
);

CREATE TABLE eligibility_overrides (
    id              INTEGER PRIMARY KEY,
    uid             TEXT NOT NULL UNIQUE,
    application_id  INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    rule            TEXT NOT NULL CHECK (rule IN ('C1', 'C2', 'C3', 'C4', 'C5', 'C6', 'C7', 'P2')),
    result          TEXT NOT NULL CHECK (result IN ('pass', 'fail', 'needs_review')),
    reason          TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    overridden_by   TEXT NOT NULL,
    overridden_at   TEXT NOT NULL,
    UNIQUE (application_id, rule)
);
