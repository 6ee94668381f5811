-- Schema version 4: material review (资料评审).
--  * per-round review settings: experts per application, the same-city recusal switch;
--  * what recusal needs about an expert: the employer's credit code and declared relations;
--  * conflicts recorded by people (added or dismissed by the secretariat, declared by an expert);
--  * scores may carry a comment before points are typed, and say who entered them.

ALTER TABLE rounds ADD COLUMN experts_per_application INTEGER NOT NULL DEFAULT 5
    CHECK (experts_per_application BETWEEN 1 AND 50);
ALTER TABLE rounds ADD COLUMN recuse_same_city INTEGER NOT NULL DEFAULT 1
    CHECK (recuse_same_city IN (0, 1));

ALTER TABLE experts ADD COLUMN employer_credit_code TEXT NOT NULL DEFAULT '';
ALTER TABLE experts ADD COLUMN relations TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(relations));

-- action 'dismissed': conflict_key is the key of an automatic finding that no longer counts.
-- action 'added' (by the secretariat) or 'declared' (by the expert): a conflict in its own right.
CREATE TABLE recusals (
    id              INTEGER PRIMARY KEY,
    uid             TEXT NOT NULL UNIQUE,
    round_id        INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
    application_id  INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    expert_id       INTEGER NOT NULL REFERENCES experts(id),
    action          TEXT NOT NULL CHECK (action IN ('added', 'dismissed', 'declared')),
    conflict_key    TEXT NOT NULL,
    reason          TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    recorded_by     TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    UNIQUE (application_id, expert_id, action, conflict_key)
);
CREATE INDEX recusals_round ON recusals(round_id);

CREATE TABLE scores_v4 (
    id              INTEGER PRIMARY KEY,
    uid             TEXT NOT NULL UNIQUE,
    assignment_id   INTEGER NOT NULL REFERENCES assignments(id) ON DELETE CASCADE,
    criterion_id    INTEGER NOT NULL REFERENCES criteria(id),
    points_centi    INTEGER CHECK (points_centi IS NULL OR points_centi >= 0),
    comment         TEXT NOT NULL DEFAULT '',
    entered_by      TEXT,
    updated_at      TEXT NOT NULL,
    UNIQUE (assignment_id, criterion_id)
);
INSERT INTO scores_v4 (id, uid, assignment_id, criterion_id, points_centi, comment, updated_at)
    SELECT id, uid, assignment_id, criterion_id, points_centi, comment, updated_at FROM scores;
DROP TABLE scores;
ALTER TABLE scores_v4 RENAME TO scores;
CREATE INDEX assignments_round ON assignments(round_id);
