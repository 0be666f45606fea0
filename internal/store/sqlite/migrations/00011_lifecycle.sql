-- +goose Up
-- Lifecycle records: manufacturers' end-of-life / end-of-support notices and
-- the transfer of responsibility at end of support (docs/lifecycle.md).
CREATE TABLE lifecycle_notices (
    id                    INTEGER PRIMARY KEY,
    org_id                INTEGER NOT NULL,
    release_id            INTEGER NOT NULL,
    kind                  TEXT NOT NULL CHECK (kind IN ('end_of_life', 'end_of_support')),
    title                 TEXT NOT NULL,
    issued_on             TEXT NOT NULL,
    eol_on                TEXT,
    end_of_support_on     TEXT,
    remains_supported     TEXT NOT NULL DEFAULT '',
    compensating_controls TEXT NOT NULL DEFAULT '[]',
    -- no foreign key: a successor release may be deleted later and the
    -- notice, a published record, must stay as it was; successor keeps
    -- its name
    successor_release_id  INTEGER,
    successor             TEXT NOT NULL DEFAULT '',
    url                   TEXT NOT NULL DEFAULT '',
    created_by            TEXT NOT NULL,
    created_at            TEXT NOT NULL,
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, release_id) REFERENCES releases (org_id, id) ON DELETE CASCADE
) STRICT;
CREATE INDEX lifecycle_notices_release ON lifecycle_notices (org_id, release_id);

CREATE TABLE responsibility_transfers (
    id                     INTEGER PRIMARY KEY,
    org_id                 INTEGER NOT NULL,
    release_id             INTEGER NOT NULL,
    effective_on           TEXT NOT NULL,
    residual_risks         TEXT NOT NULL DEFAULT '[]',
    compensating_controls  TEXT NOT NULL DEFAULT '[]',
    documents              TEXT NOT NULL DEFAULT '[]',
    sanitization_guidance  TEXT NOT NULL DEFAULT '',
    notes                  TEXT NOT NULL DEFAULT '',
    accepted_by            TEXT NOT NULL DEFAULT '',
    accepted_role          TEXT NOT NULL DEFAULT '',
    accepted_org           TEXT NOT NULL DEFAULT '',
    accepted_on            TEXT,
    acceptance_recorded_by TEXT NOT NULL DEFAULT '',
    accepted_at            TEXT,
    recorded_by            TEXT NOT NULL,
    created_at             TEXT NOT NULL,
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, release_id) REFERENCES releases (org_id, id) ON DELETE CASCADE
) STRICT;
CREATE INDEX responsibility_transfers_release ON responsibility_transfers (org_id, release_id);

-- +goose Down
DROP TABLE responsibility_transfers;
DROP TABLE lifecycle_notices;
