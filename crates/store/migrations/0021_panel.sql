-- Schema version 21 (issue 16): the panel (评审委员会) and its report.
--  * Criteria may be objective (客观分): every expert should give the same points; experts who
--    do not are flagged before the ranking can be finalised.
--  * The panel's leader (组长) per round, chosen by the panel and recorded by the secretariat.
--  * The review of the results (复核): after the totals are in, a submitted score changes only
--    for one of four cases (summing error, score outside its range, objective criterion scored
--    differently, abnormally high or low), each change recorded with its case and reason. The
--    score lock of migration 15 is rebuilt so that this is true inside SQLite: a submitted
--    score changes only to the points of the 复核 change recorded for it in the same
--    transaction.
--  * Dissents (不同意见) of panel members, printed on the panel report.
--  * The panel report (评审报告) is signed by every member and recorded as issued:
--    `signed_sheets` accepts its kind ('panel-report': an expert's, no application); rebuilt,
--    rows unchanged.

ALTER TABLE criteria ADD COLUMN objective INTEGER NOT NULL DEFAULT 0 CHECK (objective IN (0, 1));

CREATE TABLE panel_leaders (
    round_id        INTEGER PRIMARY KEY REFERENCES rounds(id) ON DELETE CASCADE,
    expert_id       INTEGER NOT NULL REFERENCES experts(id),
    note            TEXT NOT NULL DEFAULT '',
    chosen_by       TEXT NOT NULL,
    chosen_at       TEXT NOT NULL
);

CREATE TABLE recheck_changes (
    id              INTEGER PRIMARY KEY,
    uid             TEXT NOT NULL UNIQUE,
    round_id        INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
    assignment_id   INTEGER NOT NULL REFERENCES assignments(id) ON DELETE CASCADE,
    criterion_id    INTEGER NOT NULL REFERENCES criteria(id) ON DELETE CASCADE,
    old_points_centi INTEGER NOT NULL,
    new_points_centi INTEGER NOT NULL,
    reason_case     TEXT NOT NULL CHECK (reason_case IN ('summing_error', 'out_of_range', 'objective_differs', 'abnormal')),
    reason          TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    recorded_by     TEXT NOT NULL,
    recorded_at     TEXT NOT NULL,
    CHECK (old_points_centi != new_points_centi)
);
CREATE INDEX recheck_changes_round ON recheck_changes(round_id);
CREATE INDEX recheck_changes_score ON recheck_changes(assignment_id, criterion_id);

CREATE TABLE panel_dissents (
    round_id        INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
    expert_id       INTEGER NOT NULL REFERENCES experts(id),
    text            TEXT NOT NULL CHECK (length(trim(text)) > 0),
    recorded_by     TEXT NOT NULL,
    recorded_at     TEXT NOT NULL,
    PRIMARY KEY (round_id, expert_id)
);

-- The lock of migration 15, with its one exception: the newest 复核 change recorded for this
-- score, from exactly the old points to exactly the new ones.
DROP TRIGGER scores_guard_update;
CREATE TRIGGER scores_guard_update BEFORE UPDATE ON scores
WHEN OLD.points_centi IS NOT NEW.points_centi OR OLD.comment IS NOT NEW.comment
  OR OLD.criterion_id != NEW.criterion_id OR OLD.assignment_id != NEW.assignment_id
BEGIN
    SELECT RAISE(ABORT, 'PARK_REVIEW:RANKING_FINALISED:本批次的排名已确定，评分不能再改。没有做任何改动。')
      FROM assignments a JOIN rounds r ON r.id = a.round_id
     WHERE a.id = NEW.assignment_id AND r.ranking_finalised_at IS NOT NULL;
    SELECT RAISE(ABORT, 'PARK_REVIEW:SCORES_LOCKED:这张评分表已提交并锁定，评分不能再改；如需更正，请秘书处写明理由退回。没有做任何改动。')
      FROM assignments WHERE id = NEW.assignment_id AND submitted_at IS NOT NULL
       AND NOT (OLD.comment IS NEW.comment AND OLD.criterion_id = NEW.criterion_id
                AND OLD.assignment_id = NEW.assignment_id
                AND EXISTS (SELECT 1 FROM recheck_changes c
                             WHERE c.id = (SELECT max(id) FROM recheck_changes
                                            WHERE assignment_id = NEW.assignment_id AND criterion_id = NEW.criterion_id)
                               AND c.old_points_centi IS OLD.points_centi
                               AND c.new_points_centi IS NEW.points_centi));
END;

CREATE TABLE signed_sheets_v21 (
    id              INTEGER PRIMARY KEY,
    uid             TEXT NOT NULL UNIQUE,
    round_id        INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
    expert_id       INTEGER REFERENCES experts(id),
    application_id  INTEGER REFERENCES applications(id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('sheet', 'summary', 'ranking-report', 'inspection-record', 'designation-list', 'panel-report')),
    snapshot        TEXT NOT NULL CHECK (json_valid(snapshot)),
    file_sha256     TEXT NOT NULL CHECK (length(file_sha256) = 64),
    pdf             BLOB NOT NULL,
    issued_at       TEXT NOT NULL,
    CHECK ((kind IN ('ranking-report', 'designation-list')) = (expert_id IS NULL)),
    CHECK ((kind IN ('sheet', 'inspection-record')) = (application_id IS NOT NULL))
);
INSERT INTO signed_sheets_v21 SELECT id, uid, round_id, expert_id, application_id, kind, snapshot, file_sha256, pdf, issued_at FROM signed_sheets;
DROP TABLE signed_sheets;
ALTER TABLE signed_sheets_v21 RENAME TO signed_sheets;
CREATE INDEX signed_sheets_file ON signed_sheets(file_sha256);
CREATE INDEX signed_sheets_round ON signed_sheets(round_id, kind);
