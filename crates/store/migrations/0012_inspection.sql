-- Site inspection (issue 14): checklists with sections and typed items, frozen with their
-- SHA-256 when the first inspection of the round starts; inspections with their team, answers
-- (each one a committed transaction) and evidence; the site score a finalised inspection gives.
--
-- 1. A checklist is kept whole as its `park-review/checklist@1` JSON (`body`), validated by the
--    domain before it is stored; its items are addressed by code. The flat items of earlier
--    databases become one section of status items, each required and of weight 1.
-- 2. The placeholder inspection tables (never written by any release) are replaced.
-- 3. Each round says what each status earns in the site score (thousandths).

ALTER TABLE checklists ADD COLUMN body TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(body));
ALTER TABLE checklists ADD COLUMN frozen_sha256 TEXT;
ALTER TABLE checklists ADD COLUMN frozen_at TEXT;
ALTER TABLE checklists ADD COLUMN updated_at TEXT;
UPDATE checklists SET updated_at = created_at, body = json_object(
    'code', code,
    'title', title,
    'round_kind', (SELECT kind FROM rounds WHERE rounds.id = checklists.round_id),
    'sections', json_array(json_object(
        'code', 'S1',
        'title', '考察事项',
        'items', (SELECT json_group_array(json_object(
                     'code', i.code, 'prompt', i.title, 'guidance', i.guidance, 'clauses', json(i.clauses),
                     'response', json_object('type', 'status'), 'required', json('true'),
                     'evidence_required', json('false'), 'weight', 1))
                  FROM (SELECT * FROM checklist_items WHERE checklist_id = checklists.id ORDER BY position) i))));
DROP TABLE inspection_items;
DROP TABLE inspections;
DROP TABLE checklist_items;
-- One checklist per round.
CREATE UNIQUE INDEX checklists_one_per_round ON checklists(round_id);

CREATE TABLE inspections (
    id                  INTEGER PRIMARY KEY,
    uid                 TEXT NOT NULL UNIQUE,
    round_id            INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
    application_id      INTEGER NOT NULL UNIQUE REFERENCES applications(id) ON DELETE CASCADE,
    status              TEXT NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'in_progress', 'finalised')),
    visit_date          TEXT CHECK (visit_date IS NULL OR date(visit_date) = visit_date),
    place               TEXT NOT NULL DEFAULT '',
    -- The checklist the visit follows, frozen when it started.
    checklist_sha256    TEXT CHECK (checklist_sha256 IS NULL OR length(checklist_sha256) = 64),
    started_at          TEXT,
    finalised_at        TEXT,
    finalised_by        TEXT,
    -- The site score recorded when finalised (hundredths of a point, 0–10000).
    site_score_centi    INTEGER CHECK (site_score_centi IS NULL OR site_score_centi BETWEEN 0 AND 10000),
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    CHECK ((status = 'finalised') = (finalised_at IS NOT NULL)),
    CHECK ((status = 'finalised') = (site_score_centi IS NOT NULL)),
    CHECK ((status = 'planned') = (started_at IS NULL))
);
CREATE INDEX inspections_round ON inspections(round_id);

CREATE TABLE inspection_members (
    inspection_id   INTEGER NOT NULL REFERENCES inspections(id) ON DELETE CASCADE,
    expert_id       INTEGER NOT NULL REFERENCES experts(id),
    role            TEXT NOT NULL CHECK (role IN ('leader', 'member')),
    PRIMARY KEY (inspection_id, expert_id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX inspection_members_one_leader ON inspection_members(inspection_id) WHERE role = 'leader';

CREATE TABLE inspection_answers (
    inspection_id   INTEGER NOT NULL REFERENCES inspections(id) ON DELETE CASCADE,
    item_code       TEXT NOT NULL,
    status          TEXT CHECK (status IS NULL OR status IN ('confirmed', 'partly', 'not_met', 'not_applicable')),
    value           REAL,
    text            TEXT NOT NULL DEFAULT '',
    note            TEXT NOT NULL DEFAULT '',
    updated_at      TEXT NOT NULL,
    updated_by      TEXT NOT NULL,
    PRIMARY KEY (inspection_id, item_code)
) WITHOUT ROWID;

CREATE TABLE inspection_evidence (
    id              INTEGER PRIMARY KEY,
    uid             TEXT NOT NULL UNIQUE,
    inspection_id   INTEGER NOT NULL REFERENCES inspections(id) ON DELETE CASCADE,
    item_code       TEXT NOT NULL,
    file_name       TEXT NOT NULL,
    media_type      TEXT NOT NULL CHECK (media_type IN ('application/pdf', 'image/png', 'image/jpeg')),
    size_bytes      INTEGER NOT NULL CHECK (size_bytes > 0),
    sha256          TEXT NOT NULL CHECK (length(sha256) = 64),
    -- From the photo's EXIF, when present: capture time (as written, local) and position.
    captured_at     TEXT,
    latitude        REAL CHECK (latitude IS NULL OR latitude BETWEEN -90 AND 90),
    longitude       REAL CHECK (longitude IS NULL OR longitude BETWEEN -180 AND 180),
    added_by        TEXT NOT NULL,
    added_at        TEXT NOT NULL,
    UNIQUE (inspection_id, item_code, sha256)
);

ALTER TABLE rounds ADD COLUMN site_factors TEXT NOT NULL
    DEFAULT '{"confirmed":1000,"partly":600,"not_met":0}' CHECK (json_valid(site_factors));
