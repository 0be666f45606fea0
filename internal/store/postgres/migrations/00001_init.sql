-- +goose Up
-- The same tables and constraints as the SQLite schema, in PostgreSQL's own
-- types. Handles that listings sort by are COLLATE "C": byte order, like
-- SQLite's BINARY, so both backends list in the same order whatever the
-- server's locale.
CREATE TABLE organizations (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug       TEXT COLLATE "C" NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('manufacturer', 'healthcare_provider')),
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE api_tokens (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id       BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name         TEXT COLLATE "C" NOT NULL,
    hint         TEXT NOT NULL,
    secret_hash  BYTEA NOT NULL UNIQUE,
    created_at   TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ,
    last_used_at TIMESTAMPTZ,
    UNIQUE (org_id, name)
);

CREATE TABLE products (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id            BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name              TEXT COLLATE "C" NOT NULL,
    manufacturer      TEXT NOT NULL,
    intended_use      TEXT NOT NULL DEFAULT '',
    clinical_function TEXT NOT NULL DEFAULT '',
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, name),
    -- the target of the (org_id, product_id) foreign keys below, which keep
    -- a child row in its product's organization
    UNIQUE (org_id, id)
);

CREATE TABLE product_models (
    org_id     BIGINT NOT NULL,
    product_id BIGINT NOT NULL,
    position   INTEGER NOT NULL,
    model      TEXT NOT NULL,
    PRIMARY KEY (product_id, position),
    UNIQUE (product_id, model),
    FOREIGN KEY (org_id, product_id) REFERENCES products (org_id, id) ON DELETE CASCADE
);
CREATE INDEX product_models_model ON product_models (org_id, model);

CREATE TABLE releases (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id            BIGINT NOT NULL,
    product_id        BIGINT NOT NULL,
    version           TEXT NOT NULL,
    phase             TEXT NOT NULL CHECK (phase IN ('development', 'support', 'limited_support', 'end_of_support')),
    phase_explicit    BOOLEAN NOT NULL DEFAULT FALSE,
    released_on       DATE,
    eol_notice_on     DATE,
    end_of_support_on DATE,
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL,
    UNIQUE (product_id, version),
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, product_id) REFERENCES products (org_id, id) ON DELETE CASCADE
);
CREATE INDEX releases_org ON releases (org_id, product_id);

CREATE TABLE release_phase_changes (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id     BIGINT NOT NULL,
    release_id BIGINT NOT NULL,
    from_phase TEXT NOT NULL DEFAULT '',
    to_phase   TEXT NOT NULL,
    actor      TEXT NOT NULL,
    reason     TEXT NOT NULL,
    changed_at TIMESTAMPTZ NOT NULL,
    FOREIGN KEY (org_id, release_id) REFERENCES releases (org_id, id) ON DELETE CASCADE
);
CREATE INDEX release_phase_changes_release ON release_phase_changes (release_id);

-- +goose Down
DROP TABLE release_phase_changes;
DROP TABLE releases;
DROP TABLE product_models;
DROP TABLE products;
DROP TABLE api_tokens;
DROP TABLE organizations;
