-- +goose Up
-- Lifecycle records: manufacturers' end-of-life / end-of-support notices and
-- the transfer of responsibility at end of support (docs/lifecycle.md).
CREATE TABLE lifecycle_notices (
    id                    BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id                BIGINT NOT NULL,
    release_id            BIGINT NOT NULL,
    kind                  TEXT NOT NULL CHECK (kind IN ('end_of_life', 'end_of_support')),
    title                 TEXT NOT NULL,
    issued_on             DATE NOT NULL,
    eol_on                DATE,
    end_of_support_on     DATE,
    remains_supported     TEXT NOT NULL DEFAULT '',
    compensating_controls JSONB NOT NULL DEFAULT '[]',
    -- no foreign key: a successor release may be deleted later and the
    -- notice, a published record, must stay as it was; successor keeps
    -- its name
    successor_release_id  BIGINT,
    successor             TEXT NOT NULL DEFAULT '',
    url                   TEXT NOT NULL DEFAULT '',
    created_by            TEXT NOT NULL,
    created_at            TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, release_id) REFERENCES releases (org_id, id) ON DELETE CASCADE
);
CREATE INDEX lifecycle_notices_release ON lifecycle_notices (org_id, release_id);

CREATE TABLE responsibility_transfers (
    id                     BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id                 BIGINT NOT NULL,
    release_id             BIGINT NOT NULL,
    effective_on           DATE NOT NULL,
    residual_risks         JSONB NOT NULL DEFAULT '[]',
    compensating_controls  JSONB NOT NULL DEFAULT '[]',
    documents              JSONB NOT NULL DEFAULT '[]',
    sanitization_guidance  TEXT NOT NULL DEFAULT '',
    notes                  TEXT NOT NULL DEFAULT '',
    accepted_by            TEXT NOT NULL DEFAULT '',
    accepted_role          TEXT NOT NULL DEFAULT '',
    accepted_org           TEXT NOT NULL DEFAULT '',
    accepted_on            DATE,
    acceptance_recorded_by TEXT NOT NULL DEFAULT '',
    accepted_at            TIMESTAMPTZ,
    recorded_by            TEXT NOT NULL,
    created_at             TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, release_id) REFERENCES releases (org_id, id) ON DELETE CASCADE
);
CREATE INDEX responsibility_transfers_release ON responsibility_transfers (org_id, release_id);

-- NIST SP 800-88 sanitization records of a hospital's assets, one per
-- medium, and the decommissioning that retires an asset (one per asset;
-- the asset row stays, status decommissioned, for its history).
CREATE TABLE sanitizations (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id              BIGINT NOT NULL,
    asset_id            BIGINT NOT NULL,
    media_type          TEXT NOT NULL CHECK (media_type IN ('hdd', 'ssd', 'flash', 'magnetic_tape', 'optical', 'mobile_device', 'embedded', 'paper', 'other')),
    media_manufacturer  TEXT NOT NULL DEFAULT '',
    media_model         TEXT NOT NULL DEFAULT '',
    media_serial        TEXT NOT NULL DEFAULT '',
    method              TEXT NOT NULL CHECK (method IN ('clear', 'purge', 'destroy')),
    technique           TEXT NOT NULL,
    tool                TEXT NOT NULL,
    details             TEXT NOT NULL DEFAULT '',
    verification_method TEXT NOT NULL,
    verification_result TEXT NOT NULL CHECK (verification_result IN ('passed', 'failed')),
    verification_notes  TEXT NOT NULL DEFAULT '',
    performed_by        TEXT NOT NULL,
    performed_by_title  TEXT NOT NULL DEFAULT '',
    performed_by_org    TEXT NOT NULL DEFAULT '',
    verified_by         TEXT NOT NULL,
    verified_by_title   TEXT NOT NULL DEFAULT '',
    verified_by_org     TEXT NOT NULL DEFAULT '',
    performed_on        DATE NOT NULL,
    verified_on         DATE,
    location            TEXT NOT NULL DEFAULT '',
    destination         TEXT NOT NULL,
    backup_made         BOOLEAN,
    notes               TEXT NOT NULL DEFAULT '',
    recorded_by         TEXT NOT NULL,
    created_at          TIMESTAMPTZ NOT NULL,
    FOREIGN KEY (org_id, asset_id) REFERENCES assets (org_id, id) ON DELETE CASCADE
);
CREATE INDEX sanitizations_asset ON sanitizations (org_id, asset_id);

CREATE TABLE decommissions (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id             BIGINT NOT NULL,
    asset_id           BIGINT NOT NULL,
    decommissioned_on  DATE NOT NULL,
    reason             TEXT NOT NULL,
    previous_status    TEXT NOT NULL,
    phi                BOOLEAN NOT NULL,
    certificate_number TEXT NOT NULL,
    decommissioned_by  TEXT NOT NULL,
    created_at         TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, asset_id),
    FOREIGN KEY (org_id, asset_id) REFERENCES assets (org_id, id) ON DELETE CASCADE
);

-- +goose Down
DROP TABLE decommissions;
DROP TABLE sanitizations;
DROP TABLE responsibility_transfers;
DROP TABLE lifecycle_notices;
