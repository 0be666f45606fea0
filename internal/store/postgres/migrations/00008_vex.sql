-- +goose Up
-- Imported VEX documents (CSAF VEX, OpenVEX, CycloneDX VEX): what each says
-- about itself, its bytes (content, as received, at most 64 MiB) and the
-- counts of what applying its statements did. Each import is a row, so a
-- document imported twice shows twice.
CREATE TABLE vex_documents (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id      BIGINT NOT NULL REFERENCES organizations (id),
    format      TEXT NOT NULL CHECK (format IN ('csaf', 'openvex', 'cyclonedx')),
    document_id TEXT NOT NULL,
    version     TEXT NOT NULL DEFAULT '',
    title       TEXT NOT NULL DEFAULT '',
    publisher   TEXT NOT NULL DEFAULT '',
    issued_at   TIMESTAMPTZ,
    updated_at  TIMESTAMPTZ,
    sha256      TEXT NOT NULL,
    size        BIGINT NOT NULL,
    content     BYTEA NOT NULL,
    statements  INTEGER NOT NULL DEFAULT 0,
    applied     INTEGER NOT NULL DEFAULT 0,
    unchanged   INTEGER NOT NULL DEFAULT 0,
    conflicts   INTEGER NOT NULL DEFAULT 0,
    unmatched   INTEGER NOT NULL DEFAULT 0,
    invalid     INTEGER NOT NULL DEFAULT 0,
    imported_at TIMESTAMPTZ NOT NULL,
    imported_by TEXT NOT NULL,
    UNIQUE (org_id, id)
);
CREATE INDEX vex_documents_org ON vex_documents (org_id, imported_at);
CREATE INDEX vex_documents_sha ON vex_documents (org_id, sha256);

-- The statements of an imported document, with what applying each did.
CREATE TABLE vex_statements (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id        BIGINT NOT NULL,
    document_id   BIGINT NOT NULL,
    idx           INTEGER NOT NULL,
    vuln_id       TEXT NOT NULL,
    aliases       JSONB NOT NULL DEFAULT '[]',
    product       TEXT NOT NULL,
    component     TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL CHECK (status IN ('under_investigation', 'affected', 'not_affected', 'fixed', 'false_positive')),
    justification TEXT NOT NULL DEFAULT '',
    response      TEXT NOT NULL DEFAULT '',
    detail        TEXT NOT NULL DEFAULT '',
    action        TEXT NOT NULL DEFAULT '',
    stated_at     TIMESTAMPTZ,
    matched       INTEGER NOT NULL DEFAULT 0,
    applied       INTEGER NOT NULL DEFAULT 0,
    unchanged     INTEGER NOT NULL DEFAULT 0,
    conflicts     INTEGER NOT NULL DEFAULT 0,
    UNIQUE (document_id, idx),
    FOREIGN KEY (org_id, document_id) REFERENCES vex_documents (org_id, id) ON DELETE CASCADE
);
CREATE INDEX vex_statements_vuln ON vex_statements (org_id, vuln_id);

-- +goose Down
DROP TABLE vex_statements;
DROP TABLE vex_documents;
