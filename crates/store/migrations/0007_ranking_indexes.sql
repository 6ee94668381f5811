-- Schema version 7: what keeps ranking a large round fast (100,000 applications × 5 experts
-- × 10 criteria in under 2 s; see `park-review bench rank-db`).
--  * registering an application looks up the round's last registration order, and lists are
--    read in that order: one index instead of a scan of the round per registration;
--  * the ranking needs each scoring sheet's points per rubric section. `assignment_section_points`
--    holds exactly that sum of `scores`, kept by triggers in the same transaction as every
--    write to a score (so it can never disagree with the scores), and filled here from the
--    scores already stored: ranking reads one row per sheet and section instead of one per
--    criterion;
--  * the formal review (形式审查) of every application is needed to rank, and computing it
--    reads every fact of every application. Its overall results are cached per round, and the
--    cache is only used while it is provably current: every write to a fact it depends on
--    (applications, their lists, document checks, overrides) bumps the round's
--    `facts_generation` in the same transaction, by trigger, and the cache records the
--    generation and the rules' fingerprint (a new build with other rules never reuses it).

CREATE UNIQUE INDEX applications_round_order ON applications(round_id, registration_order);

CREATE TABLE assignment_section_points (
    assignment_id   INTEGER NOT NULL REFERENCES assignments(id) ON DELETE CASCADE,
    section_id      INTEGER NOT NULL REFERENCES rubric_sections(id) ON DELETE CASCADE,
    points_centi    INTEGER NOT NULL,
    PRIMARY KEY (assignment_id, section_id)
) WITHOUT ROWID;

INSERT INTO assignment_section_points (assignment_id, section_id, points_centi)
    SELECT s.assignment_id, c.section_id, SUM(s.points_centi)
      FROM scores s JOIN criteria c ON c.id = s.criterion_id
     WHERE s.points_centi IS NOT NULL
     GROUP BY s.assignment_id, c.section_id;

CREATE TRIGGER scores_sections_insert AFTER INSERT ON scores WHEN NEW.points_centi IS NOT NULL BEGIN
    INSERT INTO assignment_section_points (assignment_id, section_id, points_centi)
        SELECT NEW.assignment_id, section_id, NEW.points_centi FROM criteria WHERE id = NEW.criterion_id
        ON CONFLICT (assignment_id, section_id) DO UPDATE SET points_centi = points_centi + excluded.points_centi;
END;
CREATE TRIGGER scores_sections_delete AFTER DELETE ON scores WHEN OLD.points_centi IS NOT NULL BEGIN
    UPDATE assignment_section_points SET points_centi = points_centi - OLD.points_centi
     WHERE assignment_id = OLD.assignment_id
       AND section_id = (SELECT section_id FROM criteria WHERE id = OLD.criterion_id);
END;
CREATE TRIGGER scores_sections_update AFTER UPDATE OF assignment_id, criterion_id, points_centi ON scores BEGIN
    UPDATE assignment_section_points SET points_centi = points_centi - OLD.points_centi
     WHERE OLD.points_centi IS NOT NULL AND assignment_id = OLD.assignment_id
       AND section_id = (SELECT section_id FROM criteria WHERE id = OLD.criterion_id);
    INSERT INTO assignment_section_points (assignment_id, section_id, points_centi)
        SELECT NEW.assignment_id, section_id, NEW.points_centi FROM criteria
         WHERE id = NEW.criterion_id AND NEW.points_centi IS NOT NULL
        ON CONFLICT (assignment_id, section_id) DO UPDATE SET points_centi = points_centi + excluded.points_centi;
END;
-- A criterion moved to another section (possible only while the rubric is a draft, before any
-- score exists; kept right all the same).
CREATE TRIGGER criteria_sections_update AFTER UPDATE OF section_id ON criteria BEGIN
    UPDATE assignment_section_points SET points_centi = points_centi - (
        SELECT COALESCE(SUM(s.points_centi), 0) FROM scores s
         WHERE s.criterion_id = NEW.id AND s.assignment_id = assignment_section_points.assignment_id)
     WHERE section_id = OLD.section_id;
    INSERT INTO assignment_section_points (assignment_id, section_id, points_centi)
        SELECT s.assignment_id, NEW.section_id, s.points_centi FROM scores s
         WHERE s.criterion_id = NEW.id AND s.points_centi IS NOT NULL
        ON CONFLICT (assignment_id, section_id) DO UPDATE SET points_centi = points_centi + excluded.points_centi;
END;

ALTER TABLE rounds ADD COLUMN facts_generation INTEGER NOT NULL DEFAULT 0;

CREATE TRIGGER applications_facts_insert AFTER INSERT ON applications BEGIN
    UPDATE rounds SET facts_generation = facts_generation + 1 WHERE id = NEW.round_id;
END;
CREATE TRIGGER applications_facts_update AFTER UPDATE ON applications BEGIN
    UPDATE rounds SET facts_generation = facts_generation + 1 WHERE id IN (OLD.round_id, NEW.round_id);
END;
CREATE TRIGGER applications_facts_delete AFTER DELETE ON applications BEGIN
    UPDATE rounds SET facts_generation = facts_generation + 1 WHERE id = OLD.round_id;
END;

CREATE TRIGGER application_enterprises_facts_insert AFTER INSERT ON application_enterprises BEGIN
    UPDATE rounds SET facts_generation = facts_generation + 1
     WHERE id = (SELECT round_id FROM applications WHERE id = NEW.application_id);
END;
CREATE TRIGGER application_enterprises_facts_update AFTER UPDATE ON application_enterprises BEGIN
    UPDATE rounds SET facts_generation = facts_generation + 1
     WHERE id IN (SELECT round_id FROM applications WHERE id IN (OLD.application_id, NEW.application_id));
END;
CREATE TRIGGER application_enterprises_facts_delete AFTER DELETE ON application_enterprises BEGIN
    UPDATE rounds SET facts_generation = facts_generation + 1
     WHERE id = (SELECT round_id FROM applications WHERE id = OLD.application_id);
END;

CREATE TRIGGER application_innovation_platforms_facts_insert AFTER INSERT ON application_innovation_platforms BEGIN
    UPDATE rounds SET facts_generation = facts_generation + 1
     WHERE id = (SELECT round_id FROM applications WHERE id = NEW.application_id);
END;
CREATE TRIGGER application_innovation_platforms_facts_update AFTER UPDATE ON application_innovation_platforms BEGIN
    UPDATE rounds SET facts_generation = facts_generation + 1
     WHERE id IN (SELECT round_id FROM applications WHERE id IN (OLD.application_id, NEW.application_id));
END;
CREATE TRIGGER application_innovation_platforms_facts_delete AFTER DELETE ON application_innovation_platforms BEGIN
    UPDATE rounds SET facts_generation = facts_generation + 1
     WHERE id = (SELECT round_id FROM applications WHERE id = OLD.application_id);
END;

CREATE TRIGGER application_rnd_cooperations_facts_insert AFTER INSERT ON application_rnd_cooperations BEGIN
    UPDATE rounds SET facts_generation = facts_generation + 1
     WHERE id = (SELECT round_id FROM applications WHERE id = NEW.application_id);
END;
CREATE TRIGGER application_rnd_cooperations_facts_update AFTER UPDATE ON application_rnd_cooperations BEGIN
    UPDATE rounds SET facts_generation = facts_generation + 1
     WHERE id IN (SELECT round_id FROM applications WHERE id IN (OLD.application_id, NEW.application_id));
END;
CREATE TRIGGER application_rnd_cooperations_facts_delete AFTER DELETE ON application_rnd_cooperations BEGIN
    UPDATE rounds SET facts_generation = facts_generation + 1
     WHERE id = (SELECT round_id FROM applications WHERE id = OLD.application_id);
END;

CREATE TRIGGER application_service_platforms_facts_insert AFTER INSERT ON application_service_platforms BEGIN
    UPDATE rounds SET facts_generation = facts_generation + 1
     WHERE id = (SELECT round_id FROM applications WHERE id = NEW.application_id);
END;
CREATE TRIGGER application_service_platforms_facts_update AFTER UPDATE ON application_service_platforms BEGIN
    UPDATE rounds SET facts_generation = facts_generation + 1
     WHERE id IN (SELECT round_id FROM applications WHERE id IN (OLD.application_id, NEW.application_id));
END;
CREATE TRIGGER application_service_platforms_facts_delete AFTER DELETE ON application_service_platforms BEGIN
    UPDATE rounds SET facts_generation = facts_generation + 1
     WHERE id = (SELECT round_id FROM applications WHERE id = OLD.application_id);
END;

CREATE TRIGGER eligibility_document_checks_facts_insert AFTER INSERT ON eligibility_document_checks BEGIN
    UPDATE rounds SET facts_generation = facts_generation + 1
     WHERE id = (SELECT round_id FROM applications WHERE id = NEW.application_id);
END;
CREATE TRIGGER eligibility_document_checks_facts_update AFTER UPDATE ON eligibility_document_checks BEGIN
    UPDATE rounds SET facts_generation = facts_generation + 1
     WHERE id IN (SELECT round_id FROM applications WHERE id IN (OLD.application_id, NEW.application_id));
END;
CREATE TRIGGER eligibility_document_checks_facts_delete AFTER DELETE ON eligibility_document_checks BEGIN
    UPDATE rounds SET facts_generation = facts_generation + 1
     WHERE id = (SELECT round_id FROM applications WHERE id = OLD.application_id);
END;

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

-- The cached overall formal-review result of each application; valid only while the round's
-- row in `formal_review_cache_rounds` matches the round's generation and the rules' fingerprint.
CREATE TABLE formal_review_cache_rounds (
    round_id            INTEGER PRIMARY KEY REFERENCES rounds(id) ON DELETE CASCADE,
    facts_generation    INTEGER NOT NULL,
    rules_fingerprint   TEXT NOT NULL
);
CREATE TABLE formal_review_cache (
    application_id  INTEGER PRIMARY KEY REFERENCES applications(id) ON DELETE CASCADE,
    round_id        INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
    result          TEXT NOT NULL CHECK (result IN ('pass', 'fail', 'needs_review'))
);
CREATE INDEX formal_review_cache_round ON formal_review_cache(round_id);
