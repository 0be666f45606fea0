-- +goose Up
-- The hospital fleet: assets of a healthcare provider, each mapped to the
-- manufacturer release it runs (the hospital's own catalogue, or a release a
-- manufacturer shared with it), to the device-advisory products that name it,
-- its exposure events and its remediation work.

-- A manufacturer's explicit grant to a healthcare provider: all products
-- (product_id NULL), one product, or one release.
CREATE TABLE shares (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id         BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    grantee_org_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    product_id     BIGINT,
    release_id     BIGINT,
    created_by     TEXT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL,
    CHECK (grantee_org_id <> org_id),
    CHECK (release_id IS NULL OR product_id IS NOT NULL),
    FOREIGN KEY (org_id, product_id) REFERENCES products (org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, release_id) REFERENCES releases (org_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX shares_unique ON shares (org_id, grantee_org_id, COALESCE(product_id, 0), COALESCE(release_id, 0));
CREATE INDEX shares_grantee ON shares (grantee_org_id, org_id);

CREATE TABLE assets (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id            BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    asset_tag         TEXT COLLATE "C" NOT NULL DEFAULT '',
    serial            TEXT NOT NULL DEFAULT '',
    manufacturer      TEXT NOT NULL,
    model             TEXT NOT NULL,
    version           TEXT NOT NULL DEFAULT '',
    device_type       TEXT NOT NULL DEFAULT '',
    clinical_function TEXT NOT NULL DEFAULT '',
    criticality       TEXT NOT NULL CHECK (criticality IN ('life_sustaining', 'therapeutic', 'diagnostic', 'monitoring', 'non_clinical')),
    phi               BOOLEAN NOT NULL DEFAULT FALSE,
    site              TEXT NOT NULL DEFAULT '',
    building          TEXT NOT NULL DEFAULT '',
    unit              TEXT NOT NULL DEFAULT '',
    ip                TEXT NOT NULL DEFAULT '',
    mac               TEXT NOT NULL DEFAULT '',
    vlan              TEXT NOT NULL DEFAULT '',
    zone              TEXT NOT NULL DEFAULT '',
    internet_exposed  BOOLEAN NOT NULL DEFAULT FALSE,
    owner             TEXT NOT NULL DEFAULT '',
    status            TEXT NOT NULL CHECK (status IN ('in_service', 'in_storage', 'in_repair', 'retired', 'decommissioned')),
    purchased_on      DATE,
    warranty_until    DATE,
    -- the mapping: a release of this or another (sharing) organization
    release_org_id    BIGINT,
    release_id        BIGINT,
    map_confidence    TEXT NOT NULL DEFAULT '' CHECK (map_confidence IN ('', 'confirmed', 'exact', 'probable', 'possible')),
    map_reason        TEXT NOT NULL DEFAULT '',
    mapped_by         TEXT NOT NULL DEFAULT '',
    mapped_at         TIMESTAMPTZ,
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL,
    CHECK (asset_tag <> '' OR serial <> ''),
    UNIQUE (org_id, id),
    FOREIGN KEY (release_org_id, release_id) REFERENCES releases (org_id, id) ON DELETE SET NULL
);
CREATE UNIQUE INDEX assets_tag ON assets (org_id, asset_tag) WHERE asset_tag <> '';
CREATE INDEX assets_serial ON assets (org_id, serial) WHERE serial <> '';
-- the exposure join: findings of a release → the assets that run it
CREATE INDEX assets_release ON assets (release_id, org_id) WHERE release_id IS NOT NULL;

-- Device-advisory products (CSAF product tree entries) that name an asset.
CREATE TABLE asset_advisory_products (
    org_id      BIGINT NOT NULL,
    asset_id    BIGINT NOT NULL,
    advisory_id BIGINT NOT NULL REFERENCES kb_advisories (id) ON DELETE CASCADE,
    product_id  TEXT NOT NULL,
    name        TEXT NOT NULL,
    confidence  TEXT NOT NULL CHECK (confidence IN ('confirmed', 'exact', 'probable', 'possible')),
    reason      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (asset_id, advisory_id, product_id),
    FOREIGN KEY (org_id, asset_id) REFERENCES assets (org_id, id) ON DELETE CASCADE
);
CREATE INDEX asset_advisory_products_advisory ON asset_advisory_products (advisory_id, org_id);

-- Newly exposed assets, recorded when a feed update adds or changes a
-- vulnerability; one row per asset, vulnerability and kind.
CREATE TABLE asset_events (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id     BIGINT NOT NULL,
    asset_id   BIGINT NOT NULL,
    vuln_id    TEXT COLLATE "C" NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('exposed')),
    via        TEXT NOT NULL,
    detail     TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, asset_id, vuln_id, kind),
    FOREIGN KEY (org_id, asset_id) REFERENCES assets (org_id, id) ON DELETE CASCADE
);
CREATE INDEX asset_events_created ON asset_events (org_id, created_at);

-- Remediation of one vulnerability on one asset, and its append-only history.
CREATE TABLE work_items (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id     BIGINT NOT NULL,
    asset_id   BIGINT NOT NULL,
    vuln_id    TEXT COLLATE "C" NOT NULL,
    state      TEXT NOT NULL CHECK (state IN ('open', 'patch_available', 'patch_applied', 'compensating_control', 'risk_accepted')),
    detail     TEXT NOT NULL DEFAULT '',
    approver   TEXT NOT NULL DEFAULT '',
    reason     TEXT NOT NULL DEFAULT '',
    expires_on DATE,
    updated_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, asset_id, vuln_id),
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, asset_id) REFERENCES assets (org_id, id) ON DELETE CASCADE
);

CREATE TABLE work_item_changes (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id       BIGINT NOT NULL,
    work_item_id BIGINT NOT NULL,
    from_state   TEXT NOT NULL DEFAULT '',
    to_state     TEXT NOT NULL,
    detail       TEXT NOT NULL DEFAULT '',
    approver     TEXT NOT NULL DEFAULT '',
    reason       TEXT NOT NULL DEFAULT '',
    expires_on   DATE,
    actor        TEXT NOT NULL,
    changed_at   TIMESTAMPTZ NOT NULL,
    FOREIGN KEY (org_id, work_item_id) REFERENCES work_items (org_id, id) ON DELETE CASCADE
);
CREATE INDEX work_item_changes_item ON work_item_changes (work_item_id);

-- +goose StatementBegin
CREATE FUNCTION work_item_changes_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'work item history is append-only';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER work_item_changes_append_only_update BEFORE UPDATE ON work_item_changes
    FOR EACH ROW EXECUTE FUNCTION work_item_changes_append_only();

-- Per-organization manufacturer aliases, beside the built-in table.
CREATE TABLE manufacturer_aliases (
    org_id    BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    alias     TEXT NOT NULL,
    canonical TEXT NOT NULL,
    PRIMARY KEY (org_id, alias)
);

-- +goose Down
DROP TABLE manufacturer_aliases;
DROP TABLE work_item_changes;
DROP FUNCTION work_item_changes_append_only;
DROP TABLE work_items;
DROP TABLE asset_events;
DROP TABLE asset_advisory_products;
DROP TABLE assets;
DROP TABLE shares;
