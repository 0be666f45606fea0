-- +goose Up
-- An SBOM document as received. A release has at most one current
-- document (superseded_at IS NULL); importing another supersedes it, and
-- the older ones stay for history and diffs.
CREATE TABLE sbom_documents (
    id               INTEGER PRIMARY KEY,
    org_id           INTEGER NOT NULL,
    release_id       INTEGER NOT NULL,
    format           TEXT NOT NULL CHECK (format IN ('cyclonedx', 'spdx')),
    spec_version     TEXT NOT NULL,
    encoding         TEXT NOT NULL CHECK (encoding IN ('json', 'xml', 'tag-value')),
    serial_number    TEXT NOT NULL DEFAULT '',
    bom_version      INTEGER NOT NULL DEFAULT 0,
    name             TEXT NOT NULL DEFAULT '',
    supplier         TEXT NOT NULL DEFAULT '',
    document_time    TEXT,
    data_license     TEXT NOT NULL DEFAULT '',
    -- authors, tools, describes, warnings: JSON arrays of strings
    authors          TEXT NOT NULL DEFAULT '[]',
    tools            TEXT NOT NULL DEFAULT '[]',
    describes        TEXT NOT NULL DEFAULT '[]',
    warnings         TEXT NOT NULL DEFAULT '[]',
    warnings_dropped INTEGER NOT NULL DEFAULT 0,
    sha256           TEXT NOT NULL,
    size             INTEGER NOT NULL,
    component_count  INTEGER NOT NULL DEFAULT 0,
    dependency_count INTEGER NOT NULL DEFAULT 0,
    created_at       TEXT NOT NULL,
    superseded_at    TEXT,
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, release_id) REFERENCES releases (org_id, id) ON DELETE CASCADE
) STRICT;
CREATE INDEX sbom_documents_release ON sbom_documents (org_id, release_id);
CREATE UNIQUE INDEX sbom_documents_current ON sbom_documents (org_id, release_id) WHERE superseded_at IS NULL;

-- The original bytes, gzip-compressed, in chunks so that neither import
-- nor export holds a large document in memory.
CREATE TABLE sbom_content (
    org_id  INTEGER NOT NULL,
    sbom_id INTEGER NOT NULL,
    seq     INTEGER NOT NULL,
    chunk   BLOB NOT NULL,
    PRIMARY KEY (sbom_id, seq),
    FOREIGN KEY (org_id, sbom_id) REFERENCES sbom_documents (org_id, id) ON DELETE CASCADE
) STRICT;

CREATE TABLE components (
    id                INTEGER PRIMARY KEY,
    org_id            INTEGER NOT NULL,
    release_id        INTEGER NOT NULL,
    sbom_id           INTEGER NOT NULL,
    ref               TEXT NOT NULL,
    parent_ref        TEXT NOT NULL DEFAULT '',
    type              TEXT NOT NULL,
    grp               TEXT NOT NULL DEFAULT '',
    name              TEXT NOT NULL,
    version           TEXT NOT NULL DEFAULT '',
    supplier          TEXT NOT NULL DEFAULT '',
    manufacturer      TEXT NOT NULL DEFAULT '',
    author            TEXT NOT NULL DEFAULT '',
    publisher         TEXT NOT NULL DEFAULT '',
    purl              TEXT NOT NULL DEFAULT '',
    swid_tag_id       TEXT NOT NULL DEFAULT '',
    copyright         TEXT NOT NULL DEFAULT '',
    description       TEXT NOT NULL DEFAULT '',
    scope             TEXT NOT NULL DEFAULT '',
    download_location TEXT NOT NULL DEFAULT '',
    support_level     TEXT NOT NULL DEFAULT '',
    end_of_support    TEXT,
    -- cpes, hashes, licenses, external_refs, properties: JSON arrays
    cpes              TEXT NOT NULL DEFAULT '[]',
    hashes            TEXT NOT NULL DEFAULT '[]',
    licenses          TEXT NOT NULL DEFAULT '[]',
    external_refs     TEXT NOT NULL DEFAULT '[]',
    properties        TEXT NOT NULL DEFAULT '[]',
    UNIQUE (sbom_id, ref),
    FOREIGN KEY (org_id, sbom_id) REFERENCES sbom_documents (org_id, id) ON DELETE CASCADE
) STRICT;
CREATE INDEX components_release ON components (org_id, release_id);
CREATE INDEX components_purl ON components (purl) WHERE purl <> '';

CREATE TABLE component_dependencies (
    org_id     INTEGER NOT NULL,
    sbom_id    INTEGER NOT NULL,
    ref        TEXT NOT NULL,
    depends_on TEXT NOT NULL,
    PRIMARY KEY (sbom_id, ref, depends_on),
    FOREIGN KEY (org_id, sbom_id) REFERENCES sbom_documents (org_id, id) ON DELETE CASCADE
) STRICT;

-- +goose Down
DROP TABLE component_dependencies;
DROP TABLE components;
DROP TABLE sbom_content;
DROP TABLE sbom_documents;
