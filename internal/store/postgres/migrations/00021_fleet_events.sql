-- +goose Up
-- Fleet events of every kind alerting needs (issue 13.3): an asset newly
-- exposed, a device advisory published or revised, a CVE added to KEV,
-- EPSS crossing the organization's threshold, a statement removing or
-- restoring an exposure, a risk acceptance expiring. Each carries what it
-- changed (before → after) and its source. dedupe is what makes a repeat
-- of the same fact a no-op (an advisory's revision, a KEV entry, an EPSS
-- day); it is NULL for transitions, which the application records only
-- when the state differs from the last recorded one.
ALTER TABLE asset_events DROP CONSTRAINT asset_events_kind_check;
ALTER TABLE asset_events ADD CONSTRAINT asset_events_kind_check CHECK (kind IN ('exposed', 'advisory', 'kev_added',
    'epss_crossed', 'exposure_removed', 'exposure_restored', 'risk_acceptance_expired'));
ALTER TABLE asset_events DROP CONSTRAINT asset_events_org_id_asset_id_vuln_id_kind_key;
ALTER TABLE asset_events ADD COLUMN before TEXT NOT NULL DEFAULT '';
ALTER TABLE asset_events ADD COLUMN after TEXT NOT NULL DEFAULT '';
ALTER TABLE asset_events ADD COLUMN source TEXT NOT NULL DEFAULT '';
ALTER TABLE asset_events ADD COLUMN dedupe TEXT COLLATE "C";
UPDATE asset_events SET after = 'exposed', dedupe = 'exposed';
CREATE INDEX asset_events_subject ON asset_events (org_id, asset_id, vuln_id);
CREATE UNIQUE INDEX asset_events_once ON asset_events (org_id, asset_id, vuln_id, kind, dedupe) WHERE dedupe IS NOT NULL;

-- +goose Down
DROP INDEX asset_events_once;
DROP INDEX asset_events_subject;
DELETE FROM asset_events WHERE kind <> 'exposed';
ALTER TABLE asset_events DROP COLUMN dedupe;
ALTER TABLE asset_events DROP COLUMN source;
ALTER TABLE asset_events DROP COLUMN after;
ALTER TABLE asset_events DROP COLUMN before;
ALTER TABLE asset_events ADD CONSTRAINT asset_events_org_id_asset_id_vuln_id_kind_key UNIQUE (org_id, asset_id, vuln_id, kind);
ALTER TABLE asset_events DROP CONSTRAINT asset_events_kind_check;
ALTER TABLE asset_events ADD CONSTRAINT asset_events_kind_check CHECK (kind IN ('exposed'));
