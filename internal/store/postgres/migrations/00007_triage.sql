-- +goose Up
-- The triage history of findings: one row per decision, append-only (the
-- trigger below refuses UPDATE and DELETE). A finding's current decision
-- is its newest row. finding_id has no foreign key on purpose: the
-- history outlives the finding row (an SBOM or release deleted), so the
-- finding's identity is copied in.
CREATE TABLE triage_events (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id            BIGINT NOT NULL REFERENCES organizations (id),
    finding_id        BIGINT NOT NULL,
    release_id        BIGINT NOT NULL,
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
    source_time       TIMESTAMPTZ,
    carried_from_id   BIGINT,
    actor             TEXT NOT NULL,
    at                TIMESTAMPTZ NOT NULL
);
CREATE INDEX triage_events_finding ON triage_events (org_id, finding_id, id);

-- +goose StatementBegin
CREATE FUNCTION vigil_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER triage_events_append_only BEFORE UPDATE OR DELETE ON triage_events
    FOR EACH ROW EXECUTE FUNCTION vigil_append_only();

-- Patient-safety assessments and rubric answers per finding, append-only
-- like the triage history: the newest row is current. doc is the JSON of
-- vigil.RiskAssessmentInput.
CREATE TABLE risk_assessments (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id     BIGINT NOT NULL REFERENCES organizations (id),
    finding_id BIGINT NOT NULL,
    doc        JSONB NOT NULL,
    actor      TEXT NOT NULL,
    at         TIMESTAMPTZ NOT NULL
);
CREATE INDEX risk_assessments_finding ON risk_assessments (org_id, finding_id, id);

CREATE TABLE rubric_answers (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id     BIGINT NOT NULL REFERENCES organizations (id),
    finding_id BIGINT NOT NULL,
    rubric     TEXT NOT NULL,
    answers    JSONB NOT NULL,
    notes      JSONB NOT NULL DEFAULT '{}',
    vector     TEXT NOT NULL,
    actor      TEXT NOT NULL,
    at         TIMESTAMPTZ NOT NULL
);
CREATE INDEX rubric_answers_finding ON rubric_answers (org_id, finding_id, id);

-- A release's CVSS environment: environmental/threat metrics per CVSS
-- version added to its findings' vectors.
CREATE TABLE release_cvss_environments (
    org_id     BIGINT NOT NULL,
    release_id BIGINT NOT NULL,
    cvss2      TEXT NOT NULL DEFAULT '',
    cvss3      TEXT NOT NULL DEFAULT '',
    cvss4      TEXT NOT NULL DEFAULT '',
    rationale  TEXT NOT NULL DEFAULT '',
    actor      TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (org_id, release_id),
    FOREIGN KEY (org_id, release_id) REFERENCES releases (org_id, id) ON DELETE CASCADE
);

-- An organization's risk settings (vigil.RiskSettings as JSON); absent
-- means the defaults.
CREATE TABLE org_risk_settings (
    org_id     BIGINT PRIMARY KEY REFERENCES organizations (id),
    settings   JSONB NOT NULL,
    actor      TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE org_risk_settings;
DROP TABLE release_cvss_environments;
DROP TABLE rubric_answers;
DROP TABLE risk_assessments;
DROP TABLE triage_events;
DROP FUNCTION vigil_append_only();
