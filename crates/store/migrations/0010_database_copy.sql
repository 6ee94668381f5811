-- Whose copy of the review this database is. Every database so far is the secretariat's; the
-- offline exchange makes an expert's review package (an expert's copy) from it. On an expert's
-- copy the secretariat's actions are refused (NOT_PERMITTED): only that expert acts there, and
-- the materials are read only through the expert's gate (assigned, no conflict, pledged).
CREATE TABLE database_copy (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    kind         TEXT NOT NULL CHECK (kind IN ('secretariat', 'expert')),
    expert_code  TEXT,
    CHECK ((kind = 'expert') = (expert_code IS NOT NULL))
);
INSERT INTO database_copy (id, kind) VALUES (1, 'secretariat');
