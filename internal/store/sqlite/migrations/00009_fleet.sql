-- +goose Up
-- The hospital fleet: assets of a healthcare provider, each mapped to the
-- manufacturer release it runs (the hospital's own catalogue, or a release a
-- manufacturer shared with it), to the device-advisory products that name it,
-- its exposure events and its remediation work.

-- A manufacturer's explicit grant to a healthcare provider: all products
-- (product_id NULL), one product, or one release.
CREATE TABLE shares (
    id             INTEGER PRIMARY KEY,
    org_id         INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    grantee_org_id INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    product_id     INTEGER,
    release_id     INTEGER,
    created_by     TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    CHECK (grantee_org_id <> org_id),
    CHECK (release_id IS NULL OR product_id IS NOT NULL),
    FOREIGN KEY (org_id, product_id) REFERENCES products (org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, release_id) REFERENCES releases (org_id, id) ON DELETE CASCADE
) STRICT;
CREATE UNIQUE INDEX shares_unique ON shares (org_id, grantee_org_id, COALESCE(product_id, 0), COALESCE(release_id, 0));
CREATE INDEX shares_grantee ON shares (grantee_org_id, org_id);

CREATE TABLE assets (
    id                INTEGER PRIMARY KEY,
    org_id            INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    asset_tag         TEXT NOT NULL DEFAULT '',
    serial            TEXT NOT NULL DEFAULT '',
    manufacturer      TEXT NOT NULL,
    model             TEXT NOT NULL,
    version           TEXT NOT NULL DEFAULT '',
    device_type       TEXT NOT NULL DEFAULT '',
    clinical_function TEXT NOT NULL DEFAULT '',
    criticality       TEXT NOT NULL CHECK (criticality IN ('life_sustaining', 'therapeutic', 'diagnostic', 'monitoring', 'non_clinical')),
    phi               INTEGER NOT NULL DEFAULT 0,
    site              TEXT NOT NULL DEFAULT '',
    building          TEXT NOT NULL DEFAULT '',
    unit              TEXT NOT NULL DEFAULT '',
    ip                TEXT NOT NULL DEFAULT '',
    mac               TEXT NOT NULL DEFAULT '',
    vlan              TEXT NOT NULL DEFAULT '',
    zone              TEXT NOT NULL DEFAULT '',
    internet_exposed  INTEGER NOT NULL DEFAULT 0,
    owner             TEXT NOT NULL DEFAULT '',
    status            TEXT NOT NULL CHECK (status IN ('in_service', 'in_storage', 'in_repair', 'retired', 'decommissioned')),
    purchased_on      TEXT,
    warranty_until    TEXT,
    -- the mapping: a release of this or another (sharing) organization
    release_org_id    INTEGER,
    release_id        INTEGER,
    map_confidence    TEXT NOT NULL DEFAULT '' CHECK (map_confidence IN ('', 'confirmed', 'exact', 'probable', 'possible')),
    map_reason        TEXT NOT NULL DEFAULT '',
    mapped_by         TEXT NOT NULL DEFAULT '',
    mapped_at         TEXT,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    CHECK (asset_tag <> '' OR serial <> ''),
    UNIQUE (org_id, id),
    FOREIGN KEY (release_org_id, release_id) REFERENCES releases (org_id, id) ON DELETE SET NULL
) STRICT;
CREATE UNIQUE INDEX assets_tag ON assets (org_id, asset_tag) WHERE asset_tag <> '';
CREATE INDEX assets_serial ON assets (org_id, serial) WHERE serial <> '';
-- the exposure join: findings of a release → the assets that run it
CREATE INDEX assets_release ON assets (release_id, org_id) WHERE release_id IS NOT NULL;

-- Device-advisory products (CSAF product tree entries) that name an asset.
CREATE TABLE asset_advisory_products (
    org_id      INTEGER NOT NULL,
    asset_id    INTEGER NOT NULL,
    advisory_id INTEGER NOT NULL REFERENCES kb_advisories (id) ON DELETE CASCADE,
    product_id  TEXT NOT NULL,
    name        TEXT NOT NULL,
    confidence  TEXT NOT NULL CHECK (confidence IN ('confirmed', 'exact', 'probable', 'possible')),
    reason      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (asset_id, advisory_id, product_id),
    FOREIGN KEY (org_id, asset_id) REFERENCES assets (org_id, id) ON DELETE CASCADE
) STRICT;
CREATE INDEX asset_advisory_products_advisory ON asset_advisory_products (advisory_id, org_id);

-- Newly exposed assets, recorded when a feed update adds or changes a
-- vulnerability; one row per asset, vulnerability and kind.
CREATE TABLE asset_events (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL,
    asset_id   INTEGER NOT NULL,
    vuln_id    TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('exposed')),
    via        TEXT NOT NULL,
    detail     TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    UNIQUE (org_id, asset_id, vuln_id, kind),
    FOREIGN KEY (org_id, asset_id) REFERENCES assets (org_id, id) ON DELETE CASCADE
) STRICT;
CREATE INDEX asset_events_created ON asset_events (org_id, created_at);

-- Remediation of one vulnerability on one asset, and its append-only history.
CREATE TABLE work_items (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL,
    asset_id   INTEGER NOT NULL,
    vuln_id    TEXT NOT NULL,
    state      TEXT NOT NULL CHECK (state IN ('open', 'patch_available', 'patch_applied', 'compensating_control', 'risk_accepted')),
    detail     TEXT NOT NULL DEFAULT '',
    approver   TEXT NOT NULL DEFAULT '',
    reason     TEXT NOT NULL DEFAULT '',
    expires_on TEXT,
    updated_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (org_id, asset_id, vuln_id),
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, asset_id) REFERENCES assets (org_id, id) ON DELETE CASCADE
) STRICT;

CREATE TABLE work_item_changes (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL,
    work_item_id INTEGER NOT NULL,
    from_state   TEXT NOT NULL DEFAULT '',
    to_state     TEXT NOT NULL,
    detail       TEXT NOT NULL DEFAULT '',
    approver     TEXT NOT NULL DEFAULT '',
    reason       TEXT NOT NULL DEFAULT '',
    expires_on   TEXT,
    actor        TEXT NOT NULL,
    changed_at   TEXT NOT NULL,
    FOREIGN KEY (org_id, work_item_id) REFERENCES work_items (org_id, id) ON DELETE CASCADE
) STRICT;
CREATE INDEX work_item_changes_item ON work_item_changes (work_item_id);

-- +goose StatementBegin
CREATE TRIGGER work_item_changes_append_only_update BEFORE UPDATE ON work_item_changes
BEGIN
    SELECT RAISE(ABORT, 'work item history is append-only');
END;
-- +goose StatementEnd

-- Per-organization manufacturer aliases, beside the built-in table.
CREATE TABLE manufacturer_aliases (
    org_id    INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    alias     TEXT NOT NULL,
    canonical TEXT NOT NULL,
    PRIMARY KEY (org_id, alias)
) STRICT;

-- +goose Down
DROP TABLE manufacturer_aliases;
DROP TABLE work_item_changes;
DROP TABLE work_items;
DROP TABLE asset_events;
DROP TABLE asset_advisory_products;
DROP TABLE assets;
DROP TABLE shares;
