-- What every migration in migrations/ makes together: a new database is created from this
-- file (migrate.rs). Generated; regenerate with UPDATE_SNAPSHOTS=1 cargo test -p park-review-store
CREATE TABLE application_enterprises (
    id                  INTEGER PRIMARY KEY,
    uid                 TEXT NOT NULL UNIQUE,
    application_id      INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    position            INTEGER NOT NULL,
    name                TEXT NOT NULL,
    credit_code         TEXT NOT NULL,
    ai_output_wan_yuan  REAL NOT NULL CHECK (ai_output_wan_yuan >= 0),
    UNIQUE (application_id, position)
);
CREATE TABLE application_innovation_platforms (
    id              INTEGER PRIMARY KEY,
    uid             TEXT NOT NULL UNIQUE,
    application_id  INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    position        INTEGER NOT NULL,
    name            TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('maker_space', 'enterprise_rnd', 'incubator', 'other')),
    UNIQUE (application_id, position)
);
CREATE TABLE application_rnd_cooperations (
    id              INTEGER PRIMARY KEY,
    uid             TEXT NOT NULL UNIQUE,
    application_id  INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    position        INTEGER NOT NULL,
    enterprise      TEXT NOT NULL,
    partner         TEXT NOT NULL,
    partner_kind    TEXT NOT NULL CHECK (partner_kind IN ('university', 'institute', 'leading_enterprise')),
    UNIQUE (application_id, position)
);
CREATE TABLE application_service_platforms (
    id              INTEGER PRIMARY KEY,
    uid             TEXT NOT NULL UNIQUE,
    application_id  INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    position        INTEGER NOT NULL,
    name            TEXT NOT NULL,
    kind            TEXT NOT NULL
                    CHECK (kind IN ('venture_fund', 'financing', 'talent_training', 'tech_consulting', 'other')),
    UNIQUE (application_id, position)
);
CREATE TABLE applications (
    id                              INTEGER PRIMARY KEY,
    uid                             TEXT NOT NULL UNIQUE,
    round_id                        INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
    code                            TEXT NOT NULL,
    registration_order              INTEGER NOT NULL,
    park_name                       TEXT NOT NULL,
    city                            TEXT NOT NULL,
    district                        TEXT NOT NULL DEFAULT '',
    management_body                 TEXT NOT NULL DEFAULT '',
    contact_name                    TEXT NOT NULL DEFAULT '',
    contact_phone                   TEXT NOT NULL DEFAULT '',
    city_recommendation_rank        INTEGER NOT NULL CHECK (city_recommendation_rank >= 1),
    leadership_mechanism            INTEGER NOT NULL DEFAULT 0,
    has_management_body             INTEGER NOT NULL DEFAULT 0,
    has_operating_team              INTEGER NOT NULL DEFAULT 0,
    planned_area_mu                 REAL NOT NULL CHECK (planned_area_mu >= 0),
    land_approved                   INTEGER NOT NULL DEFAULT 0,
    land_ownership_clear            INTEGER NOT NULL DEFAULT 0,
    conforms_to_plans               INTEGER NOT NULL DEFAULT 0,
    city_policy_status              TEXT NOT NULL DEFAULT 'none'
                                    CHECK (city_policy_status IN ('issued', 'drafting', 'none')),
    county_funding_wan_yuan         REAL NOT NULL DEFAULT 0 CHECK (county_funding_wan_yuan >= 0),
    county_funding_plan             TEXT NOT NULL DEFAULT '',
    gigabit_fibre_to_park           INTEGER NOT NULL DEFAULT 0,
    fibre_100m_to_enterprises       INTEGER NOT NULL DEFAULT 0,
    transport_and_living_facilities INTEGER NOT NULL DEFAULT 0,
    eia_approved                    INTEGER NOT NULL DEFAULT 0,
    no_major_pollution_3y_pledged   INTEGER NOT NULL DEFAULT 0,
    created_at                      TEXT NOT NULL,
    updated_at                      TEXT NOT NULL,
    UNIQUE (round_id, code)
);
CREATE TABLE assignment_section_points (
    assignment_id   INTEGER NOT NULL REFERENCES assignments(id) ON DELETE CASCADE,
    section_id      INTEGER NOT NULL REFERENCES rubric_sections(id) ON DELETE CASCADE,
    points_centi    INTEGER NOT NULL,
    PRIMARY KEY (assignment_id, section_id)
) WITHOUT ROWID;
CREATE TABLE assignments (
    id                          INTEGER PRIMARY KEY,
    uid                         TEXT NOT NULL UNIQUE,
    round_id                    INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
    application_id              INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    expert_id                   INTEGER NOT NULL REFERENCES experts(id),
    declared_no_conflict_at     TEXT,
    opinion                     TEXT NOT NULL DEFAULT '',
    submitted_at                TEXT,
    entered_by                  TEXT,
    created_at                  TEXT NOT NULL,
    updated_at                  TEXT NOT NULL,
    UNIQUE (application_id, expert_id)
);
CREATE TABLE "attachments" (
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
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    actor_role  TEXT NOT NULL,
    actor_name  TEXT NOT NULL,
    action      TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_uid  TEXT NOT NULL,
    detail      TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(detail))
, actor_surface TEXT NOT NULL DEFAULT '', station TEXT NOT NULL DEFAULT '', prev_sha256 TEXT NOT NULL DEFAULT '', sha256 TEXT NOT NULL DEFAULT '');
CREATE TABLE checklists (
    id          INTEGER PRIMARY KEY,
    uid         TEXT NOT NULL UNIQUE,
    round_id    INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
    code        TEXT NOT NULL,
    title       TEXT NOT NULL,
    created_at  TEXT NOT NULL, body TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(body)), frozen_sha256 TEXT, frozen_at TEXT, updated_at TEXT,
    UNIQUE (round_id, code)
);
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
CREATE TABLE criteria (
    id                  INTEGER PRIMARY KEY,
    uid                 TEXT NOT NULL UNIQUE,
    rubric_id           INTEGER NOT NULL REFERENCES rubrics(id) ON DELETE CASCADE,
    section_id          INTEGER NOT NULL REFERENCES rubric_sections(id) ON DELETE CASCADE,
    position            INTEGER NOT NULL,
    code                TEXT NOT NULL,
    title               TEXT NOT NULL,
    guidance            TEXT NOT NULL DEFAULT '',
    max_points_centi    INTEGER NOT NULL CHECK (max_points_centi > 0),
    step_centi          INTEGER NOT NULL DEFAULT 50 CHECK (step_centi > 0),
    bands               TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(bands)),
    clauses             TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(clauses)), objective INTEGER NOT NULL DEFAULT 0 CHECK (objective IN (0, 1)),
    UNIQUE (rubric_id, code)
);
CREATE TABLE "database_copy" (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    kind         TEXT NOT NULL CHECK (kind IN ('secretariat', 'expert', 'inspection')),
    expert_code  TEXT,
    CHECK ((kind = 'secretariat') = (expert_code IS NULL))
);
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
    recorded_at     TEXT NOT NULL, demo_round_id INTEGER REFERENCES rounds(id) ON DELETE CASCADE,
    CHECK ((source = 'entered') = (entered_reason IS NOT NULL))
);
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
CREATE TABLE "eligibility_overrides" (
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
CREATE TABLE "exchanges" (
    id              INTEGER PRIMARY KEY,
    uid             TEXT NOT NULL,
    direction       TEXT NOT NULL CHECK (direction IN ('package_out', 'package_in', 'bundle_out', 'bundle_in',
                                                       'inspection_package_out', 'inspection_package_in',
                                                       'inspection_bundle_out', 'inspection_bundle_in')),
    round_id        INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
    expert_id       INTEGER NOT NULL REFERENCES experts(id),
    -- The inspected application, for the inspection directions.
    application_id  INTEGER REFERENCES applications(id) ON DELETE CASCADE,
    sequence        INTEGER NOT NULL CHECK (sequence >= 1),
    signer_sha256   TEXT NOT NULL CHECK (length(signer_sha256) = 64),
    file_sha256     TEXT NOT NULL CHECK (length(file_sha256) = 64),
    created_at      TEXT NOT NULL,
    recorded_at     TEXT NOT NULL,
    report          TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(report)),
    UNIQUE (direction, uid),
    CHECK ((direction LIKE 'inspection_%') = (application_id IS NOT NULL))
);
CREATE TABLE experts (
    id          INTEGER PRIMARY KEY,
    uid         TEXT NOT NULL UNIQUE,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    employer    TEXT NOT NULL DEFAULT '',
    city        TEXT,
    field       TEXT NOT NULL DEFAULT '',
    contact     TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
, employer_credit_code TEXT NOT NULL DEFAULT '', relations TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(relations)));
CREATE TABLE formal_review_cache (
    application_id  INTEGER PRIMARY KEY REFERENCES applications(id) ON DELETE CASCADE,
    round_id        INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
    result          TEXT NOT NULL CHECK (result IN ('pass', 'fail', 'needs_review'))
);
CREATE TABLE formal_review_cache_rounds (
    round_id            INTEGER PRIMARY KEY REFERENCES rounds(id) ON DELETE CASCADE,
    facts_generation    INTEGER NOT NULL,
    rules_fingerprint   TEXT NOT NULL
);
CREATE TABLE hand_signatures (
    id          INTEGER PRIMARY KEY,
    uid         TEXT NOT NULL UNIQUE,
    expert_id   INTEGER NOT NULL UNIQUE REFERENCES experts(id),
    png         BLOB NOT NULL CHECK (substr(png, 1, 8) = X'89504E470D0A1A0A'),
    created_at  TEXT NOT NULL
);
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
CREATE TABLE inspection_dissents (
    inspection_id   INTEGER NOT NULL REFERENCES inspections(id) ON DELETE CASCADE,
    expert_id       INTEGER NOT NULL REFERENCES experts(id),
    dissent         TEXT NOT NULL CHECK (length(trim(dissent)) > 0),
    recorded_at     TEXT NOT NULL,
    PRIMARY KEY (inspection_id, expert_id)
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
    added_at        TEXT NOT NULL, thumbnail BLOB,
    UNIQUE (inspection_id, item_code, sha256)
);
CREATE TABLE inspection_members (
    inspection_id   INTEGER NOT NULL REFERENCES inspections(id) ON DELETE CASCADE,
    expert_id       INTEGER NOT NULL REFERENCES experts(id),
    role            TEXT NOT NULL CHECK (role IN ('leader', 'member')),
    PRIMARY KEY (inspection_id, expert_id)
) WITHOUT ROWID;
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
CREATE TABLE material_checks (
    application_id  INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    material        TEXT NOT NULL CHECK (material IN ('application_form', 'policy_documents', 'supporting')),
    present         INTEGER NOT NULL CHECK (present IN (0, 1)),
    note            TEXT NOT NULL DEFAULT '',
    checked_by      TEXT NOT NULL,
    checked_at      TEXT NOT NULL,
    PRIMARY KEY (application_id, material)
) WITHOUT ROWID;
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
CREATE TABLE panel_dissents (
    round_id        INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
    expert_id       INTEGER NOT NULL REFERENCES experts(id),
    text            TEXT NOT NULL CHECK (length(trim(text)) > 0),
    recorded_by     TEXT NOT NULL,
    recorded_at     TEXT NOT NULL,
    PRIMARY KEY (round_id, expert_id)
);
CREATE TABLE panel_leaders (
    round_id        INTEGER PRIMARY KEY REFERENCES rounds(id) ON DELETE CASCADE,
    expert_id       INTEGER NOT NULL REFERENCES experts(id),
    note            TEXT NOT NULL DEFAULT '',
    chosen_by       TEXT NOT NULL,
    chosen_at       TEXT NOT NULL
);
CREATE TABLE publicity_periods (
    round_id        INTEGER PRIMARY KEY REFERENCES rounds(id) ON DELETE CASCADE,
    starts_on       TEXT NOT NULL CHECK (starts_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    ends_on         TEXT NOT NULL CHECK (ends_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    working_days    INTEGER NOT NULL CHECK (working_days BETWEEN 1 AND 60),
    contact         TEXT NOT NULL CHECK (length(trim(contact)) > 0),
    recorded_by     TEXT NOT NULL,
    recorded_at     TEXT NOT NULL
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
CREATE TABLE round_experts (
    id          INTEGER PRIMARY KEY,
    uid         TEXT NOT NULL UNIQUE,
    round_id    INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
    expert_id   INTEGER NOT NULL REFERENCES experts(id),
    created_at  TEXT NOT NULL,
    UNIQUE (round_id, expert_id)
);
CREATE TABLE rounds (
    id          INTEGER PRIMARY KEY,
    uid         TEXT NOT NULL UNIQUE,
    code        TEXT NOT NULL UNIQUE,
    year        INTEGER NOT NULL CHECK (year BETWEEN 2017 AND 2100),
    kind        TEXT NOT NULL CHECK (kind IN ('designation', 'annual_assessment')),
    status      TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'open', 'closed')),
    title       TEXT NOT NULL,
    is_demo     INTEGER NOT NULL DEFAULT 0 CHECK (is_demo IN (0, 1)),
    settings    TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(settings)),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
, experts_per_application INTEGER NOT NULL DEFAULT 5
    CHECK (experts_per_application BETWEEN 1 AND 50), recuse_same_city INTEGER NOT NULL DEFAULT 1
    CHECK (recuse_same_city IN (0, 1)), aggregation TEXT NOT NULL DEFAULT 'trimmed_mean'
    CHECK (aggregation IN ('mean', 'median', 'trimmed_mean', 'zscore')), material_weight_permille INTEGER NOT NULL DEFAULT 600
    CHECK (material_weight_permille BETWEEN 0 AND 1000), outlier_margin_centi INTEGER NOT NULL DEFAULT 1500
    CHECK (outlier_margin_centi > 0), selection_count INTEGER CHECK (selection_count IS NULL OR selection_count > 0), selection_cutoff_centi INTEGER CHECK (selection_cutoff_centi IS NULL OR selection_cutoff_centi >= 0), ranking_finalised_at TEXT, ranking_finalised_by TEXT, facts_generation INTEGER NOT NULL DEFAULT 0, site_factors TEXT NOT NULL
    DEFAULT '{"confirmed":1000,"partly":600,"not_met":0}' CHECK (json_valid(site_factors)), supplementary_reason TEXT, published_at TEXT, published_by TEXT);
CREATE TABLE rubric_sections (
    id          INTEGER PRIMARY KEY,
    uid         TEXT NOT NULL UNIQUE,
    rubric_id   INTEGER NOT NULL REFERENCES rubrics(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    code        TEXT NOT NULL,
    title       TEXT NOT NULL,
    UNIQUE (rubric_id, code)
);
CREATE TABLE rubrics (
    id              INTEGER PRIMARY KEY,
    uid             TEXT NOT NULL UNIQUE,
    round_id        INTEGER NOT NULL UNIQUE REFERENCES rounds(id) ON DELETE CASCADE,
    title           TEXT NOT NULL,
    frozen_sha256   TEXT,
    frozen_at       TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE TABLE "scores" (
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
CREATE TABLE settings (
    key     TEXT PRIMARY KEY,
    value   TEXT NOT NULL
);
CREATE TABLE "signed_sheets" (
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
CREATE TABLE "signing_keys" (
    id                  INTEGER PRIMARY KEY,
    uid                 TEXT NOT NULL UNIQUE,
    expert_id           INTEGER REFERENCES experts(id),
    is_secretariat      INTEGER NOT NULL DEFAULT 0 CHECK (is_secretariat IN (0, 1)),
    certificate_der     BLOB NOT NULL,
    certificate_sha256  TEXT NOT NULL UNIQUE CHECK (length(certificate_sha256) = 64),
    encrypted_key_pem   TEXT CHECK (encrypted_key_pem IS NULL OR encrypted_key_pem LIKE '-----BEGIN ENCRYPTED PRIVATE KEY-----%'),
    origin              TEXT NOT NULL DEFAULT 'created' CHECK (origin IN ('created', 'registered', 'pinned')),
    created_at          TEXT NOT NULL,
    revoked_at          TEXT,
    revoked_reason      TEXT,
    revoked_by          TEXT,
    CHECK ((expert_id IS NULL) = (is_secretariat = 1)),
    CHECK ((revoked_at IS NULL) = (revoked_reason IS NULL)),
    CHECK (revoked_reason IS NULL OR length(trim(revoked_reason)) > 0),
    CHECK ((origin = 'created') = (encrypted_key_pem IS NOT NULL)),
    CHECK (origin != 'pinned' OR is_secretariat = 1),
    CHECK (origin != 'registered' OR is_secretariat = 0)
);
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
INSERT INTO database_copy (id, kind, expert_code) VALUES (1, 'secretariat', NULL);
CREATE INDEX application_enterprises_credit_code ON application_enterprises(credit_code);
CREATE UNIQUE INDEX applications_round_order ON applications(round_id, registration_order);
CREATE INDEX assignments_expert ON assignments(expert_id);
CREATE INDEX assignments_round ON assignments(round_id);
CREATE INDEX attachments_application ON attachments(application_id);
CREATE INDEX audit_log_entity ON audit_log(entity_uid);
CREATE UNIQUE INDEX checklists_one_per_round ON checklists(round_id);
CREATE INDEX exchanges_round ON exchanges(round_id, expert_id);
CREATE UNIQUE INDEX exchanges_sequence ON exchanges(direction, round_id, expert_id, coalesce(application_id, 0), sequence);
CREATE INDEX formal_review_cache_round ON formal_review_cache(round_id);
CREATE UNIQUE INDEX inspection_members_one_leader ON inspection_members(inspection_id) WHERE role = 'leader';
CREATE INDEX inspections_round ON inspections(round_id);
CREATE INDEX recheck_changes_round ON recheck_changes(round_id);
CREATE INDEX recheck_changes_score ON recheck_changes(assignment_id, criterion_id);
CREATE INDEX recusals_round ON recusals(round_id);
CREATE INDEX signed_sheets_file ON signed_sheets(file_sha256);
CREATE INDEX signed_sheets_round ON signed_sheets(round_id, kind);
CREATE UNIQUE INDEX signing_keys_active_expert ON signing_keys(expert_id) WHERE revoked_at IS NULL AND expert_id IS NOT NULL;
CREATE UNIQUE INDEX signing_keys_active_secretariat ON signing_keys(is_secretariat) WHERE revoked_at IS NULL AND is_secretariat = 1;
CREATE TRIGGER application_enterprises_facts_delete AFTER DELETE ON application_enterprises BEGIN
    UPDATE rounds SET facts_generation = facts_generation + 1
     WHERE id = (SELECT round_id FROM applications WHERE id = OLD.application_id);
END;
CREATE TRIGGER application_enterprises_facts_insert AFTER INSERT ON application_enterprises BEGIN
    UPDATE rounds SET facts_generation = facts_generation + 1
     WHERE id = (SELECT round_id FROM applications WHERE id = NEW.application_id);
END;
CREATE TRIGGER application_enterprises_facts_update AFTER UPDATE ON application_enterprises BEGIN
    UPDATE rounds SET facts_generation = facts_generation + 1
     WHERE id IN (SELECT round_id FROM applications WHERE id IN (OLD.application_id, NEW.application_id));
END;
CREATE TRIGGER application_innovation_platforms_facts_delete AFTER DELETE ON application_innovation_platforms BEGIN
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
CREATE TRIGGER application_rnd_cooperations_facts_delete AFTER DELETE ON application_rnd_cooperations BEGIN
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
CREATE TRIGGER application_service_platforms_facts_delete AFTER DELETE ON application_service_platforms BEGIN
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
CREATE TRIGGER applications_facts_delete AFTER DELETE ON applications BEGIN
    UPDATE rounds SET facts_generation = facts_generation + 1 WHERE id = OLD.round_id;
END;
CREATE TRIGGER applications_facts_insert AFTER INSERT ON applications BEGIN
    UPDATE rounds SET facts_generation = facts_generation + 1 WHERE id = NEW.round_id;
END;
CREATE TRIGGER applications_facts_update AFTER UPDATE ON applications BEGIN
    UPDATE rounds SET facts_generation = facts_generation + 1 WHERE id IN (OLD.round_id, NEW.round_id);
END;
CREATE TRIGGER assignments_ranking_finalised BEFORE UPDATE OF declared_no_conflict_at, submitted_at, opinion ON assignments
WHEN (SELECT ranking_finalised_at IS NOT NULL FROM rounds WHERE id = NEW.round_id)
 AND (OLD.declared_no_conflict_at IS NOT NEW.declared_no_conflict_at OR OLD.submitted_at IS NOT NEW.submitted_at
      OR OLD.opinion IS NOT NEW.opinion)
BEGIN
    SELECT RAISE(ABORT, 'PARK_REVIEW:RANKING_FINALISED:本批次的排名已确定，承诺、评审意见、提交与退回都不能再改。没有做任何改动。');
END;
CREATE TRIGGER attachments_p3_facts_delete AFTER DELETE ON attachments WHEN OLD.clause = 'P3' BEGIN
    UPDATE rounds SET facts_generation = facts_generation + 1
     WHERE id = (SELECT round_id FROM applications WHERE id = OLD.application_id);
END;
CREATE TRIGGER attachments_p3_facts_insert AFTER INSERT ON attachments WHEN NEW.clause = 'P3' BEGIN
    UPDATE rounds SET facts_generation = facts_generation + 1
     WHERE id = (SELECT round_id FROM applications WHERE id = NEW.application_id);
END;
CREATE TRIGGER audit_log_append_only_delete BEFORE DELETE ON audit_log BEGIN
    SELECT RAISE(ABORT, 'PARK_REVIEW:NOT_PERMITTED:审计记录只能追加，不能删除。没有做任何改动。');
END;
CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE ON audit_log BEGIN
    SELECT RAISE(ABORT, 'PARK_REVIEW:NOT_PERMITTED:审计记录只能追加，不能修改。没有做任何改动。');
END;
CREATE TRIGGER city_recommendations_facts_delete AFTER DELETE ON city_recommendations BEGIN
    UPDATE rounds SET facts_generation = facts_generation + 1
     WHERE id = (SELECT round_id FROM applications WHERE id = OLD.application_id);
END;
CREATE TRIGGER city_recommendations_facts_insert AFTER INSERT ON city_recommendations BEGIN
    UPDATE rounds SET facts_generation = facts_generation + 1
     WHERE id = (SELECT round_id FROM applications WHERE id = NEW.application_id);
END;
CREATE TRIGGER city_recommendations_facts_update AFTER UPDATE ON city_recommendations BEGIN
    UPDATE rounds SET facts_generation = facts_generation + 1
     WHERE id IN (SELECT round_id FROM applications WHERE id IN (OLD.application_id, NEW.application_id));
END;
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
CREATE TRIGGER eligibility_document_checks_facts_delete AFTER DELETE ON eligibility_document_checks BEGIN
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
CREATE TRIGGER eligibility_overrides_facts_delete AFTER DELETE ON eligibility_overrides BEGIN
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
CREATE TRIGGER material_checks_facts_delete AFTER DELETE ON material_checks BEGIN
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
      FROM assignments WHERE id = NEW.assignment_id AND submitted_at IS NOT NULL
       AND NOT (OLD.comment IS NEW.comment AND OLD.criterion_id = NEW.criterion_id
                AND OLD.assignment_id = NEW.assignment_id
                AND EXISTS (SELECT 1 FROM recheck_changes c
                             WHERE c.id = (SELECT max(id) FROM recheck_changes
                                            WHERE assignment_id = NEW.assignment_id AND criterion_id = NEW.criterion_id)
                               AND c.old_points_centi IS OLD.points_centi
                               AND c.new_points_centi IS NEW.points_centi));
END;
CREATE TRIGGER scores_sections_delete AFTER DELETE ON scores WHEN OLD.points_centi IS NOT NULL BEGIN
    UPDATE assignment_section_points SET points_centi = points_centi - OLD.points_centi
     WHERE assignment_id = OLD.assignment_id
       AND section_id = (SELECT section_id FROM criteria WHERE id = OLD.criterion_id);
END;
CREATE TRIGGER scores_sections_insert AFTER INSERT ON scores WHEN NEW.points_centi IS NOT NULL BEGIN
    INSERT INTO assignment_section_points (assignment_id, section_id, points_centi)
        SELECT NEW.assignment_id, section_id, NEW.points_centi FROM criteria WHERE id = NEW.criterion_id
        ON CONFLICT (assignment_id, section_id) DO UPDATE SET points_centi = points_centi + excluded.points_centi;
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
CREATE TRIGGER site_scores_ranking_finalised_delete BEFORE DELETE ON site_scores
WHEN (SELECT r.ranking_finalised_at IS NOT NULL FROM applications a JOIN rounds r ON r.id = a.round_id
      WHERE a.id = OLD.application_id)
BEGIN
    SELECT RAISE(ABORT, 'PARK_REVIEW:RANKING_FINALISED:本批次的排名已确定，实地考察得分不能再改。没有做任何改动。');
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
