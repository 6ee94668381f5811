-- Schema version 19 (issue 16): the steps of the formal review the guide names besides C1–C7.
--  * P3 (一.(二).3): the city's 经济和信息化主管部门 reviews the application and recommends it.
--    Its opinion, its letter's date and signatory and its order are recorded as the city's act
--    (`city_recommendations`, one per application); the letter itself is an attachment under
--    P3, so `attachments` now accepts P3 — its CHECK is rebuilt, as SQLite cannot alter one.
--  * P4 (一.(二).4): the three materials the guide requires, each checked present or missing
--    (`material_checks`).
--  * Overrides (with a reason, as for every rule) may now name P3 and P4 too: the table's CHECK
--    is rebuilt, with its cache triggers.
--  * P1 (一.(二).1, 原则上每年集中申报1次): a supplementary round of a year carries its reason
--    (`rounds.supplementary_reason`; NULL for the year's regular round).
-- The formal review's cache (migration 0007) is bumped by both new tables and by P3 attachments.

CREATE TABLE city_recommendations (
    id                      INTEGER PRIMARY KEY,
    uid                     TEXT NOT NULL UNIQUE,
    application_id          INTEGER NOT NULL UNIQUE REFERENCES applications(id) ON DELETE CASCADE,
    opinion                 TEXT NOT NULL CHECK (length(trim(opinion)) > 0),
    letter_date             TEXT NOT NULL CHECK (letter_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    signatory               TEXT NOT NULL CHECK (length(trim(signatory)) > 0),
    recommendation_order    INTEGER NOT NULL CHECK (recommendation_order >= 1),
    recorded_by             TEXT NOT NULL,
    recorded_at             TEXT NOT NULL
);

CREATE TABLE material_checks (
    application_id  INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    material        TEXT NOT NULL CHECK (material IN ('application_form', 'policy_documents', 'supporting')),
    present         INTEGER NOT NULL CHECK (present IN (0, 1)),
    note            TEXT NOT NULL DEFAULT '',
    checked_by      TEXT NOT NULL,
    checked_at      TEXT NOT NULL,
    PRIMARY KEY (application_id, material)
) WITHOUT ROWID;

CREATE TABLE attachments_p3 (
    id              INTEGER PRIMARY KEY,
    uid             TEXT NOT NULL UNIQUE,
    application_id  INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    clause          TEXT NOT NULL CHECK (clause IN ('C1', 'C2', 'C3', 'C4', 'C5', 'C6', 'C7', 'P3', 'P4')),
    file_name       TEXT NOT NULL,
    media_type      TEXT NOT NULL CHECK (media_type IN ('application/pdf', 'image/png', 'image/jpeg')),
    size_bytes      INTEGER NOT NULL CHECK (size_bytes > 0),
    sha256          TEXT NOT NULL CHECK (length(sha256) = 64),
    added_by        TEXT NOT NULL,
    added_at        TEXT NOT NULL,
    UNIQUE (application_id, clause, sha256)
);
INSERT INTO attachments_p3 (id, uid, application_id, clause, file_name, media_type, size_bytes, sha256, added_by, added_at)
    SELECT id, uid, application_id, clause, file_name, media_type, size_bytes, sha256, added_by, added_at FROM attachments;
DROP TABLE attachments;
ALTER TABLE attachments_p3 RENAME TO attachments;
CREATE INDEX attachments_application ON attachments(application_id);

CREATE TABLE eligibility_overrides_p34 (
    id              INTEGER PRIMARY KEY,
    uid             TEXT NOT NULL UNIQUE,
    application_id  INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    rule            TEXT NOT NULL CHECK (rule IN ('C1', 'C2', 'C3', 'C4', 'C5', 'C6', 'C7', 'P2', 'P3', 'P4')),
    result          TEXT NOT NULL CHECK (result IN ('pass', 'fail', 'needs_review')),
    reason          TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    overridden_by   TEXT NOT NULL,
    overridden_at   TEXT NOT NULL,
    UNIQUE (application_id, rule)
);
INSERT INTO eligibility_overrides_p34 (id, uid, application_id, rule, result, reason, overridden_by, overridden_at)
    SELECT id, uid, application_id, rule, result, reason, overridden_by, overridden_at FROM eligibility_overrides;
DROP TABLE eligibility_overrides;
ALTER TABLE eligibility_overrides_p34 RENAME TO eligibility_overrides;
CREATE TRIGGER eligibility_overrides_facts_insert AFTER INSERT ON eligibility_overrides BEGIN
    UPDATE rounds SET facts_generation = facts_generation + 1
     WHERE id = (SELECT round_id FROM applications WHERE id = NEW.application_id);
END;
CREATE TRIGGER eligibility_overrides_facts_update AFTER UPDATE ON eligibility_overrides BEGIN
    UPDATE rounds SET facts_generation = facts_generation + 1
     WHERE id IN (SELECT round_id FROM applications WHERE id IN (OLD.application_id, NEW.application_id));
END;
CREATE TRIGGER eligibility_overrides_facts_delete AFTER DELETE ON eligibility_overrides BEGIN
    UPDATE rounds SET facts_generation = facts_generation + 1
     WHERE id = (SELECT round_id FROM applications WHERE id = OLD.application_id);
END;

ALTER TABLE rounds ADD COLUMN supplementary_reason TEXT;

CREATE TRIGGER city_recommendations_facts_insert AFTER INSERT ON city_recommendations BEGIN
    UPDATE rounds SET facts_generation = facts_generation + 1
     WHERE id = (SELECT round_id FROM applications WHERE id = NEW.application_id);
END;
CREATE TRIGGER city_recommendations_facts_update AFTER UPDATE ON city_recommendations BEGIN
    UPDATE rounds SET facts_generation = facts_generation + 1
     WHERE id IN (SELECT round_id FROM applications WHERE id IN (OLD.application_id, NEW.application_id));
END;
CREATE TRIGGER city_recommendations_facts_delete AFTER DELETE ON city_recommendations BEGIN
    UPDATE rounds SET facts_generation = facts_generation + 1
     WHERE id = (SELECT round_id FROM applications WHERE id = OLD.application_id);
END;
CREATE TRIGGER material_checks_facts_insert AFTER INSERT ON material_checks BEGIN
    UPDATE rounds SET facts_generation = facts_generation + 1
     WHERE id = (SELECT round_id FROM applications WHERE id = NEW.application_id);
END;
CREATE TRIGGER material_checks_facts_update AFTER UPDATE ON material_checks BEGIN
    UPDATE rounds SET facts_generation = facts_generation + 1
     WHERE id IN (SELECT round_id FROM applications WHERE id IN (OLD.application_id, NEW.application_id));
END;
CREATE TRIGGER material_checks_facts_delete AFTER DELETE ON material_checks BEGIN
    UPDATE rounds SET facts_generation = facts_generation + 1
     WHERE id = (SELECT round_id FROM applications WHERE id = OLD.application_id);
END;
CREATE TRIGGER attachments_p3_facts_insert AFTER INSERT ON attachments WHEN NEW.clause = 'P3' BEGIN
    UPDATE rounds SET facts_generation = facts_generation + 1
     WHERE id = (SELECT round_id FROM applications WHERE id = NEW.application_id);
END;
CREATE TRIGGER attachments_p3_facts_delete AFTER DELETE ON attachments WHEN OLD.clause = 'P3' BEGIN
    UPDATE rounds SET facts_generation = facts_generation + 1
     WHERE id = (SELECT round_id FROM applications WHERE id = OLD.application_id);
END;
