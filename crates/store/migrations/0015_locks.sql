-- Locks that hold against every code path and a second process (issue 15): the rules the store
-- checks before it writes are repeated here, inside SQLite, where they run in the writing
-- transaction itself. A trigger that refuses raises 'PARK_REVIEW:<CODE>:<message>', which the
-- store turns into that error code.
--
-- 1. A submitted sheet's scores do not change (the secretariat reopens it first, with a reason).
-- 2. No score without the no-conflict pledge.
-- 3. Once a round's ranking is finalised, nothing that feeds it changes: scores, pledges,
--    opinions, submissions and reopenings, site scores.

-- One trigger per statement kind on `scores` (a bundle inserts 100,000 rows: each trigger
-- program costs). RAISE takes a literal message, so that older SQLite tools (Debian's sqlite3)
-- still read this schema: one SELECT per rule.
CREATE TRIGGER scores_guard_insert BEFORE INSERT ON scores BEGIN
    SELECT RAISE(ABORT, 'PARK_REVIEW:RANKING_FINALISED:本批次的排名已确定，评分不能再改。没有做任何改动。')
      FROM assignments a JOIN rounds r ON r.id = a.round_id
     WHERE a.id = NEW.assignment_id AND r.ranking_finalised_at IS NOT NULL;
    SELECT RAISE(ABORT, 'PARK_REVIEW:SCORES_LOCKED:这张评分表已提交并锁定，评分不能再改；如需更正，请秘书处写明理由退回。没有做任何改动。')
      FROM assignments WHERE id = NEW.assignment_id AND submitted_at IS NOT NULL;
    SELECT RAISE(ABORT, 'PARK_REVIEW:NOT_DECLARED:专家尚未签署无利益冲突承诺，不能评分。没有做任何改动。')
      FROM assignments WHERE id = NEW.assignment_id AND declared_no_conflict_at IS NULL;
END;

CREATE TRIGGER scores_guard_update BEFORE UPDATE ON scores
WHEN OLD.points_centi IS NOT NEW.points_centi OR OLD.comment IS NOT NEW.comment
  OR OLD.criterion_id != NEW.criterion_id OR OLD.assignment_id != NEW.assignment_id
BEGIN
    SELECT RAISE(ABORT, 'PARK_REVIEW:RANKING_FINALISED:本批次的排名已确定，评分不能再改。没有做任何改动。')
      FROM assignments a JOIN rounds r ON r.id = a.round_id
     WHERE a.id = NEW.assignment_id AND r.ranking_finalised_at IS NOT NULL;
    SELECT RAISE(ABORT, 'PARK_REVIEW:SCORES_LOCKED:这张评分表已提交并锁定，评分不能再改；如需更正，请秘书处写明理由退回。没有做任何改动。')
      FROM assignments WHERE id = NEW.assignment_id AND submitted_at IS NOT NULL;
END;

CREATE TRIGGER assignments_ranking_finalised BEFORE UPDATE OF declared_no_conflict_at, submitted_at, opinion ON assignments
WHEN (SELECT ranking_finalised_at IS NOT NULL FROM rounds WHERE id = NEW.round_id)
 AND (OLD.declared_no_conflict_at IS NOT NEW.declared_no_conflict_at OR OLD.submitted_at IS NOT NEW.submitted_at
      OR OLD.opinion IS NOT NEW.opinion)
BEGIN
    SELECT RAISE(ABORT, 'PARK_REVIEW:RANKING_FINALISED:本批次的排名已确定，承诺、评审意见、提交与退回都不能再改。没有做任何改动。');
END;

CREATE TRIGGER site_scores_ranking_finalised_insert BEFORE INSERT ON site_scores
WHEN (SELECT r.ranking_finalised_at IS NOT NULL FROM applications a JOIN rounds r ON r.id = a.round_id
      WHERE a.id = NEW.application_id)
BEGIN
    SELECT RAISE(ABORT, 'PARK_REVIEW:RANKING_FINALISED:本批次的排名已确定，实地考察得分不能再改。没有做任何改动。');
END;

CREATE TRIGGER site_scores_ranking_finalised_update BEFORE UPDATE ON site_scores
WHEN (SELECT r.ranking_finalised_at IS NOT NULL FROM applications a JOIN rounds r ON r.id = a.round_id
      WHERE a.id = NEW.application_id)
BEGIN
    SELECT RAISE(ABORT, 'PARK_REVIEW:RANKING_FINALISED:本批次的排名已确定，实地考察得分不能再改。没有做任何改动。');
END;

CREATE TRIGGER site_scores_ranking_finalised_delete BEFORE DELETE ON site_scores
WHEN (SELECT r.ranking_finalised_at IS NOT NULL FROM applications a JOIN rounds r ON r.id = a.round_id
      WHERE a.id = OLD.application_id)
BEGIN
    SELECT RAISE(ABORT, 'PARK_REVIEW:RANKING_FINALISED:本批次的排名已确定，实地考察得分不能再改。没有做任何改动。');
END;
