-- +goose Up
CREATE TABLE organizations (
    id         INTEGER PRIMARY KEY,
    slug       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('manufacturer', 'healthcare_provider')),
    created_at TEXT NOT NULL
) STRICT;

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    hint         TEXT NOT NULL,
    secret_hash  BLOB NOT NULL UNIQUE,
    created_at   TEXT NOT NULL,
    expires_at   TEXT,
    last_used_at TEXT,
    UNIQUE (org_id, name)
) STRICT;

CREATE TABLE products (
    id                INTEGER PRIMARY KEY,
    org_id            INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name              TEXT NOT NULL,
    manufacturer      TEXT NOT NULL,
    intended_use      TEXT NOT NULL DEFAULT '',
    clinical_function TEXT NOT NULL DEFAULT '',
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    UNIQUE (org_id, name),
    -- the target of the (org_id, product_id) foreign keys below, which keep
    -- a child row in its product's organization
    UNIQUE (org_id, id)
) STRICT;

CREATE TABLE product_models (
    org_id     INTEGER NOT NULL,
    product_id INTEGER NOT NULL,
    position   INTEGER NOT NULL,
    model      TEXT NOT NULL,
    PRIMARY KEY (product_id, position),
    UNIQUE (product_id, model),
    FOREIGN KEY (org_id, product_id) REFERENCES products (org_id, id) ON DELETE CASCADE
) STRICT;
CREATE INDEX product_models_model ON product_models (org_id, model);

CREATE TABLE releases (
    id                INTEGER PRIMARY KEY,
    org_id            INTEGER NOT NULL,
    product_id        INTEGER NOT NULL,
    version           TEXT NOT NULL,
    phase             TEXT NOT NULL CHECK (phase IN ('development', 'support', 'limited_support', 'end_of_support')),
    phase_explicit    INTEGER NOT NULL DEFAULT 0,
    released_on       TEXT,
    eol_notice_on     TEXT,
    end_of_support_on TEXT,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    UNIQUE (product_id, version),
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, product_id) REFERENCES products (org_id, id) ON DELETE CASCADE
) STRICT;
CREATE INDEX releases_org ON releases (org_id, product_id);

CREATE TABLE release_phase_changes (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL,
    release_id INTEGER NOT NULL,
    from_phase TEXT NOT NULL DEFAULT '',
    to_phase   TEXT NOT NULL,
    actor      TEXT NOT NULL,
    reason     TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    FOREIGN KEY (org_id, release_id) REFERENCES releases (org_id, id) ON DELETE CASCADE
) STRICT;
CREATE INDEX release_phase_changes_release ON release_phase_changes (release_id);

-- +goose Down
DROP TABLE release_phase_changes;
DROP TABLE releases;
DROP TABLE product_models;
DROP TABLE products;
DROP TABLE api_tokens;
DROP TABLE organizations;
