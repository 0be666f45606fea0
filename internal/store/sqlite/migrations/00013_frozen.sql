-- +goose Up
-- Decommissioned means frozen (issue: a CMMS re-import reusing the tag of a
-- decommissioned asset rewrote it into another device, and its certificate
-- then certified that device). The service refuses such writes; these
-- triggers make the store refuse them too, as the triage history's do.
--
-- A decommissioned asset's device fields never change and the row is never
-- deleted. Only its mapping may be cleared, by the foreign key's ON DELETE
-- SET NULL when the manufacturer deletes the release (the certificate keeps
-- the release it named, in its snapshot).
-- +goose StatementBegin
CREATE TRIGGER assets_decommissioned_frozen BEFORE UPDATE ON assets
WHEN OLD.status = 'decommissioned' AND (
        NEW.org_id IS NOT OLD.org_id OR
        NEW.asset_tag IS NOT OLD.asset_tag OR
        NEW.serial IS NOT OLD.serial OR
        NEW.manufacturer IS NOT OLD.manufacturer OR
        NEW.model IS NOT OLD.model OR
        NEW.version IS NOT OLD.version OR
        NEW.device_type IS NOT OLD.device_type OR
        NEW.clinical_function IS NOT OLD.clinical_function OR
        NEW.criticality IS NOT OLD.criticality OR
        NEW.phi IS NOT OLD.phi OR
        NEW.site IS NOT OLD.site OR
        NEW.building IS NOT OLD.building OR
        NEW.unit IS NOT OLD.unit OR
        NEW.ip IS NOT OLD.ip OR
        NEW.mac IS NOT OLD.mac OR
        NEW.vlan IS NOT OLD.vlan OR
        NEW.zone IS NOT OLD.zone OR
        NEW.internet_exposed IS NOT OLD.internet_exposed OR
        NEW.owner IS NOT OLD.owner OR
        NEW.status IS NOT OLD.status OR
        NEW.purchased_on IS NOT OLD.purchased_on OR
        NEW.warranty_until IS NOT OLD.warranty_until OR
        NEW.created_at IS NOT OLD.created_at OR
        (NEW.release_id IS NOT NULL AND NEW.release_id IS NOT OLD.release_id))
BEGIN
    SELECT RAISE(ABORT, 'a decommissioned asset is frozen');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER assets_decommissioned_kept BEFORE DELETE ON assets
WHEN OLD.status = 'decommissioned'
BEGIN
    SELECT RAISE(ABORT, 'a decommissioned asset is frozen');
END;
-- +goose StatementEnd

-- Sanitization records are append-only; once their asset is
-- decommissioned they are part of its certificate and none is added or
-- removed.
-- +goose StatementBegin
CREATE TRIGGER sanitizations_no_update BEFORE UPDATE ON sanitizations
BEGIN
    SELECT RAISE(ABORT, 'sanitization records are append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER sanitizations_frozen_delete BEFORE DELETE ON sanitizations
WHEN EXISTS (SELECT 1 FROM decommissions d WHERE d.org_id = OLD.org_id AND d.asset_id = OLD.asset_id)
BEGIN
    SELECT RAISE(ABORT, 'the sanitization records of a decommissioned asset are frozen');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER sanitizations_frozen_insert BEFORE INSERT ON sanitizations
WHEN EXISTS (SELECT 1 FROM decommissions d WHERE d.org_id = NEW.org_id AND d.asset_id = NEW.asset_id)
BEGIN
    SELECT RAISE(ABORT, 'the sanitization records of a decommissioned asset are frozen');
END;
-- +goose StatementEnd

-- The certificate of sanitization is a stored snapshot: its canonical JSON
-- (vigil's sanitize.Certificate) and that JSON's SHA-256, written once at
-- decommissioning. Rows from before this migration have neither and are
-- rendered from the records, as they were.
ALTER TABLE decommissions ADD COLUMN certificate TEXT NOT NULL DEFAULT '';
ALTER TABLE decommissions ADD COLUMN certificate_sha256 TEXT NOT NULL DEFAULT '';
-- +goose StatementBegin
CREATE TRIGGER decommissions_no_update BEFORE UPDATE ON decommissions
BEGIN
    SELECT RAISE(ABORT, 'a decommissioning is final');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER decommissions_no_delete BEFORE DELETE ON decommissions
BEGIN
    SELECT RAISE(ABORT, 'a decommissioning is final');
END;
-- +goose StatementEnd

-- A tag of a decommissioned asset may be given to a new device when the
-- hospital reuses tags (the import's tags_reused): unique among the others.
DROP INDEX assets_tag;
CREATE UNIQUE INDEX assets_tag ON assets (org_id, asset_tag) WHERE asset_tag <> '' AND status <> 'decommissioned';
CREATE INDEX assets_tag_any ON assets (org_id, asset_tag) WHERE asset_tag <> '';

-- +goose Down
DROP INDEX assets_tag_any;
DROP INDEX assets_tag;
CREATE UNIQUE INDEX assets_tag ON assets (org_id, asset_tag) WHERE asset_tag <> '';
DROP TRIGGER decommissions_no_delete;
DROP TRIGGER decommissions_no_update;
ALTER TABLE decommissions DROP COLUMN certificate_sha256;
ALTER TABLE decommissions DROP COLUMN certificate;
DROP TRIGGER sanitizations_frozen_insert;
DROP TRIGGER sanitizations_frozen_delete;
DROP TRIGGER sanitizations_no_update;
DROP TRIGGER assets_decommissioned_kept;
DROP TRIGGER assets_decommissioned_frozen;
