-- +goose Up
-- The triage history of findings: one row per decision, append-only (the
-- triggers below refuse UPDATE and DELETE). A finding's current decision
-- is its newest row. finding_id has no foreign key on purpose: the
-- history outlives the finding row (an SBOM or release deleted), so the
-- finding's identity is copied in.
CREATE TABLE triage_events (
    id                INTEGER PRIMARY KEY,
    org_id            INTEGER NOT NULL REFERENCES organizations (id),
    finding_id        INTEGER NOT NULL,
    release_id        INTEGER NOT NULL,
    vuln_id           TEXT NOT NULL,
    component_key     TEXT NOT NULL,
    component_version TEXT NOT NULL DEFAULT '',
    from_state        TEXT NOT NULL,
    state             TEXT NOT NULL CHECK (state IN ('under_investigation', 'affected', 'not_affected', 'fixed', 'false_positive')),
    justification     TEXT NOT NULL DEFAULT '',
    response          TEXT NOT NULL DEFAULT '',
    detail            TEXT NOT NULL DEFAULT '',
    source            TEXT NOT NULL CHECK (source IN ('human', 'carried', 'vex')),
    source_ref        TEXT NOT NULL DEFAULT '',
    source_time       TEXT,
    carried_from_id   INTEGER,
    actor             TEXT NOT NULL,
    at                TEXT NOT NULL
) STRICT;
CREATE INDEX triage_events_finding ON triage_events (org_id, finding_id, id);

-- +goose StatementBegin
CREATE TRIGGER triage_events_no_update BEFORE UPDATE ON triage_events
BEGIN
    SELECT RAISE(ABORT, 'triage history is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER triage_events_no_delete BEFORE DELETE ON triage_events
BEGIN
    SELECT RAISE(ABORT, 'triage history is append-only');
END;
-- +goose StatementEnd

-- Patient-safety assessments and rubric answers per finding, append-only
-- like the triage history: the newest row is current. doc is the JSON of
-- vigil.RiskAssessmentInput / the answers.
CREATE TABLE risk_assessments (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL REFERENCES organizations (id),
    finding_id INTEGER NOT NULL,
    doc        TEXT NOT NULL,
    actor      TEXT NOT NULL,
    at         TEXT NOT NULL
) STRICT;
CREATE INDEX risk_assessments_finding ON risk_assessments (org_id, finding_id, id);

CREATE TABLE rubric_answers (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL REFERENCES organizations (id),
    finding_id INTEGER NOT NULL,
    rubric     TEXT NOT NULL,
    answers    TEXT NOT NULL,
    notes      TEXT NOT NULL DEFAULT '{}',
    vector     TEXT NOT NULL,
    actor      TEXT NOT NULL,
    at         TEXT NOT NULL
) STRICT;
CREATE INDEX rubric_answers_finding ON rubric_answers (org_id, finding_id, id);

-- A release's CVSS environment: environmental/threat metrics per CVSS
-- version added to its findings' vectors.
CREATE TABLE release_cvss_environments (
    org_id     INTEGER NOT NULL,
    release_id INTEGER NOT NULL,
    cvss2      TEXT NOT NULL DEFAULT '',
    cvss3      TEXT NOT NULL DEFAULT '',
    cvss4      TEXT NOT NULL DEFAULT '',
    rationale  TEXT NOT NULL DEFAULT '',
    actor      TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (org_id, release_id),
    FOREIGN KEY (org_id, release_id) REFERENCES releases (org_id, id) ON DELETE CASCADE
) STRICT;

-- An organization's risk settings (vigil.RiskSettings as JSON); absent
-- means the defaults.
CREATE TABLE org_risk_settings (
    org_id     INTEGER PRIMARY KEY REFERENCES organizations (id),
    settings   TEXT NOT NULL,
    actor      TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

-- +goose Down
DROP TABLE org_risk_settings;
DROP TABLE release_cvss_environments;
DROP TABLE rubric_answers;
DROP TABLE risk_assessments;
DROP TRIGGER triage_events_no_delete;
DROP TRIGGER triage_events_no_update;
DROP TABLE triage_events;
