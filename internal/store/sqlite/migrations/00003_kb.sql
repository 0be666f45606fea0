-- +goose Up
-- The vulnerability knowledge base: public reference data, global and
-- read-only to organizations (no org_id). Each source record is kept whole
-- as JSON, as the source told it; the small tables beside it are indexes
-- for lookups by alias and for matching (package, CPE, CSAF product).
CREATE TABLE kb_vulns (
    id          INTEGER PRIMARY KEY,
    source      TEXT NOT NULL,
    source_id   TEXT NOT NULL,
    vuln_id     TEXT NOT NULL,
    published   TEXT,
    modified    TEXT,
    withdrawn   TEXT,
    summary     TEXT NOT NULL DEFAULT '',
    sha256      TEXT NOT NULL,
    doc         TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    UNIQUE (source, source_id)
) STRICT;
CREATE INDEX kb_vulns_vuln_id ON kb_vulns (vuln_id);

-- Every identifier a record is known by, its own id included.
CREATE TABLE kb_aliases (
    record_id INTEGER NOT NULL REFERENCES kb_vulns (id) ON DELETE CASCADE,
    alias     TEXT NOT NULL,
    PRIMARY KEY (record_id, alias)
) STRICT;
CREATE INDEX kb_aliases_alias ON kb_aliases (alias);

-- Reverse index for package matching: ecosystem and package name as OSV
-- names them, and the purl type/namespace/name when there is one.
CREATE TABLE kb_packages (
    record_id INTEGER NOT NULL REFERENCES kb_vulns (id) ON DELETE CASCADE,
    ecosystem TEXT NOT NULL,
    name      TEXT NOT NULL,
    purl      TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX kb_packages_name ON kb_packages (name, ecosystem);
CREATE INDEX kb_packages_record ON kb_packages (record_id);

-- Reverse index for CPE matching: vendor and product of every CPE a record
-- names; vulnerable is false for "running on" platforms.
CREATE TABLE kb_cpes (
    record_id  INTEGER NOT NULL REFERENCES kb_vulns (id) ON DELETE CASCADE,
    part       TEXT NOT NULL,
    vendor     TEXT NOT NULL,
    product    TEXT NOT NULL,
    vulnerable INTEGER NOT NULL
) STRICT;
CREATE INDEX kb_cpes_product ON kb_cpes (product, vendor);
CREATE INDEX kb_cpes_record ON kb_cpes (record_id);

CREATE TABLE kb_kev (
    cve_id      TEXT PRIMARY KEY,
    date_added  TEXT NOT NULL,
    due_date    TEXT,
    ransomware  TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    doc         TEXT NOT NULL,
    imported_at TEXT NOT NULL
) STRICT;

-- EPSS keeps history: one row per CVE per score date.
CREATE TABLE kb_epss (
    cve_id        TEXT NOT NULL,
    score_date    TEXT NOT NULL,
    epss          REAL NOT NULL,
    percentile    REAL NOT NULL,
    model_version TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (cve_id, score_date)
) STRICT;

CREATE TABLE kb_advisories (
    id          INTEGER PRIMARY KEY,
    source_id   TEXT NOT NULL UNIQUE,
    publisher   TEXT NOT NULL,
    title       TEXT NOT NULL,
    modified    TEXT,
    sha256      TEXT NOT NULL,
    doc         TEXT NOT NULL,
    imported_at TEXT NOT NULL
) STRICT;

CREATE TABLE kb_advisory_vulns (
    advisory_id INTEGER NOT NULL REFERENCES kb_advisories (id) ON DELETE CASCADE,
    vuln_id     TEXT NOT NULL,
    PRIMARY KEY (advisory_id, vuln_id)
) STRICT;
CREATE INDEX kb_advisory_vulns_vuln ON kb_advisory_vulns (vuln_id);

-- Reverse index for CSAF product matching: each product identifier an
-- advisory's product tree gives (purl, cpe, model number, SKU, serial
-- number, hash, normalised vendor+product name).
CREATE TABLE kb_advisory_products (
    advisory_id INTEGER NOT NULL REFERENCES kb_advisories (id) ON DELETE CASCADE,
    product_id  TEXT NOT NULL,
    kind        TEXT NOT NULL,
    value       TEXT NOT NULL
) STRICT;
CREATE INDEX kb_advisory_products_value ON kb_advisory_products (kind, value);
CREATE INDEX kb_advisory_products_advisory ON kb_advisory_products (advisory_id);

-- What each feed last did, and the sync state it resumes from.
CREATE TABLE kb_feeds (
    source         TEXT PRIMARY KEY,
    last_import_at TEXT NOT NULL,
    last_report    TEXT NOT NULL DEFAULT '{}',
    sync_state     TEXT NOT NULL DEFAULT '{}'
) STRICT;

-- +goose Down
DROP TABLE kb_feeds;
DROP TABLE kb_advisory_products;
DROP TABLE kb_advisory_vulns;
DROP TABLE kb_advisories;
DROP TABLE kb_epss;
DROP TABLE kb_kev;
DROP TABLE kb_cpes;
DROP TABLE kb_packages;
DROP TABLE kb_aliases;
DROP TABLE kb_vulns;
