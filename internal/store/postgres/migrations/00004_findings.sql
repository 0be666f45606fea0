-- +goose Up
-- Keys of each component for the reverse index that incremental matching
-- uses: a new advisory finds the components it may touch through these,
-- without rescanning every SBOM. kind: purl (without version), cpe
-- (vendor:product), name (normalised), hash.
CREATE TABLE component_keys (
    org_id  BIGINT NOT NULL,
    sbom_id BIGINT NOT NULL,
    ref     TEXT NOT NULL,
    kind    TEXT NOT NULL,
    value   TEXT NOT NULL,
    PRIMARY KEY (sbom_id, ref, kind, value),
    FOREIGN KEY (org_id, sbom_id) REFERENCES sbom_documents (org_id, id) ON DELETE CASCADE
);
CREATE INDEX component_keys_value ON component_keys (kind, value);

-- A vulnerability matched to a release's component, with its evidence.
-- Status affected/under_investigation are findings; not_affected and fixed
-- are kept as the evidence that a component is not vulnerable.
CREATE TABLE findings (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id            BIGINT NOT NULL,
    release_id        BIGINT NOT NULL,
    sbom_id           BIGINT NOT NULL,
    component_id      BIGINT NOT NULL,
    component_ref     TEXT NOT NULL,
    component_name    TEXT NOT NULL,
    component_version TEXT NOT NULL DEFAULT '',
    component_key     TEXT NOT NULL,
    vuln_id           TEXT NOT NULL,
    aliases           JSONB NOT NULL DEFAULT '[]',
    status            TEXT NOT NULL CHECK (status IN ('affected', 'under_investigation', 'not_affected', 'fixed')),
    confidence        TEXT NOT NULL CHECK (confidence IN ('exact', 'cpe', 'heuristic')),
    matcher           TEXT NOT NULL,
    evidence          JSONB NOT NULL,
    first_seen_at     TIMESTAMPTZ NOT NULL,
    last_seen_at      TIMESTAMPTZ NOT NULL,
    resolved_at       TIMESTAMPTZ,
    previous_id       BIGINT REFERENCES findings (id) ON DELETE SET NULL,
    UNIQUE (org_id, id),
    UNIQUE (component_id, vuln_id, matcher),
    FOREIGN KEY (org_id, sbom_id) REFERENCES sbom_documents (org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, release_id) REFERENCES releases (org_id, id) ON DELETE CASCADE
);
CREATE INDEX findings_release ON findings (org_id, release_id, vuln_id);
CREATE INDEX findings_vuln ON findings (vuln_id);
CREATE INDEX findings_key ON findings (org_id, component_key, vuln_id);

-- +goose Down
DROP TABLE findings;
DROP TABLE component_keys;
