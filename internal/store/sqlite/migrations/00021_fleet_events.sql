-- +goose Up
-- Fleet events of every kind alerting needs (issue 13.3): an asset newly
-- exposed, a device advisory published or revised, a CVE added to KEV,
-- EPSS crossing the organization's threshold, a statement removing or
-- restoring an exposure, a risk acceptance expiring. Each carries what it
-- changed (before → after) and its source. dedupe is what makes a repeat
-- of the same fact a no-op (an advisory's revision, a KEV entry, an EPSS
-- day); it is NULL for transitions, which the application records only
-- when the state differs from the last recorded one.
CREATE TABLE asset_events_new (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL,
    asset_id   INTEGER NOT NULL,
    vuln_id    TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('exposed', 'advisory', 'kev_added', 'epss_crossed',
                                             'exposure_removed', 'exposure_restored', 'risk_acceptance_expired')),
    via        TEXT NOT NULL,
    detail     TEXT NOT NULL DEFAULT '',
    before     TEXT NOT NULL DEFAULT '',
    after      TEXT NOT NULL DEFAULT '',
    source     TEXT NOT NULL DEFAULT '',
    dedupe     TEXT,
    created_at TEXT NOT NULL,
    FOREIGN KEY (org_id, asset_id) REFERENCES assets (org_id, id) ON DELETE CASCADE
) STRICT;
INSERT INTO asset_events_new (id, org_id, asset_id, vuln_id, kind, via, detail, after, dedupe, created_at)
    SELECT id, org_id, asset_id, vuln_id, kind, via, detail, 'exposed', 'exposed', created_at FROM asset_events;
DROP TABLE asset_events;
ALTER TABLE asset_events_new RENAME TO asset_events;
CREATE INDEX asset_events_created ON asset_events (org_id, created_at);
CREATE INDEX asset_events_subject ON asset_events (org_id, asset_id, vuln_id);
-- A fact recorded once: "exposed" once per asset and vulnerability (dedupe
-- 'exposed'), an advisory once per revision, KEV once per entry, EPSS once per day.
CREATE UNIQUE INDEX asset_events_once ON asset_events (org_id, asset_id, vuln_id, kind, dedupe) WHERE dedupe IS NOT NULL;

-- +goose Down
CREATE TABLE asset_events_old (
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
INSERT INTO asset_events_old (id, org_id, asset_id, vuln_id, kind, via, detail, created_at)
    SELECT id, org_id, asset_id, vuln_id, kind, via, detail, created_at FROM asset_events WHERE kind = 'exposed';
DROP TABLE asset_events;
ALTER TABLE asset_events_old RENAME TO asset_events;
CREATE INDEX asset_events_created ON asset_events (org_id, created_at);
