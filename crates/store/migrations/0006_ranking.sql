-- Schema version 6: comprehensive scoring and ranking (综合评分与排名).
--  * per-round settings: aggregation method, material weight (thousandths), outlier margin,
--    the selection (number and/or cut-off) and who finalised the ranking, when;
--  * site scores entered by hand from an inspection record (the inspection module will feed the
--    same table);
--  * how each flagged outlier was resolved.

ALTER TABLE rounds ADD COLUMN aggregation TEXT NOT NULL DEFAULT 'trimmed_mean'
    CHECK (aggregation IN ('mean', 'median', 'trimmed_mean', 'zscore'));
ALTER TABLE rounds ADD COLUMN material_weight_permille INTEGER NOT NULL DEFAULT 600
    CHECK (material_weight_permille BETWEEN 0 AND 1000);
ALTER TABLE rounds ADD COLUMN outlier_margin_centi INTEGER NOT NULL DEFAULT 1500
    CHECK (outlier_margin_centi > 0);
ALTER TABLE rounds ADD COLUMN selection_count INTEGER CHECK (selection_count IS NULL OR selection_count > 0);
ALTER TABLE rounds ADD COLUMN selection_cutoff_centi INTEGER CHECK (selection_cutoff_centi IS NULL OR selection_cutoff_centi >= 0);
ALTER TABLE rounds ADD COLUMN ranking_finalised_at TEXT;
ALTER TABLE rounds ADD COLUMN ranking_finalised_by TEXT;

CREATE TABLE site_scores (
    id              INTEGER PRIMARY KEY,
    uid             TEXT NOT NULL UNIQUE,
    application_id  INTEGER NOT NULL UNIQUE REFERENCES applications(id) ON DELETE CASCADE,
    points_centi    INTEGER NOT NULL CHECK (points_centi BETWEEN 0 AND 10000),
    record_ref      TEXT NOT NULL CHECK (length(trim(record_ref)) > 0),
    source          TEXT NOT NULL DEFAULT 'manual' CHECK (source IN ('manual', 'inspection')),
    entered_by      TEXT NOT NULL,
    entered_at      TEXT NOT NULL
);

CREATE TABLE outlier_resolutions (
    id              INTEGER PRIMARY KEY,
    uid             TEXT NOT NULL UNIQUE,
    application_id  INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    expert_id       INTEGER NOT NULL REFERENCES experts(id),
    total_centi     INTEGER NOT NULL,
    resolution      TEXT NOT NULL CHECK (resolution IN ('confirmed', 'rescored', 'accepted')),
    note            TEXT NOT NULL CHECK (length(trim(note)) > 0),
    resolved_by     TEXT NOT NULL,
    resolved_at     TEXT NOT NULL,
    UNIQUE (application_id, expert_id, total_centi)
);
