-- +goose Up
-- Decommissioned means frozen: see the SQLite migration of the same number
-- for the why; the rules are the same.
-- +goose StatementBegin
CREATE FUNCTION vigil_asset_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'a decommissioned asset is frozen' USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF NEW.org_id IS DISTINCT FROM OLD.org_id OR
        NEW.asset_tag IS DISTINCT FROM OLD.asset_tag OR
        NEW.serial IS DISTINCT FROM OLD.serial OR
        NEW.manufacturer IS DISTINCT FROM OLD.manufacturer OR
        NEW.model IS DISTINCT FROM OLD.model OR
        NEW.version IS DISTINCT FROM OLD.version OR
        NEW.device_type IS DISTINCT FROM OLD.device_type OR
        NEW.clinical_function IS DISTINCT FROM OLD.clinical_function OR
        NEW.criticality IS DISTINCT FROM OLD.criticality OR
        NEW.phi IS DISTINCT FROM OLD.phi OR
        NEW.site IS DISTINCT FROM OLD.site OR
        NEW.building IS DISTINCT FROM OLD.building OR
        NEW.unit IS DISTINCT FROM OLD.unit OR
        NEW.ip IS DISTINCT FROM OLD.ip OR
        NEW.mac IS DISTINCT FROM OLD.mac OR
        NEW.vlan IS DISTINCT FROM OLD.vlan OR
        NEW.zone IS DISTINCT FROM OLD.zone OR
        NEW.internet_exposed IS DISTINCT FROM OLD.internet_exposed OR
        NEW.owner IS DISTINCT FROM OLD.owner OR
        NEW.status IS DISTINCT FROM OLD.status OR
        NEW.purchased_on IS DISTINCT FROM OLD.purchased_on OR
        NEW.warranty_until IS DISTINCT FROM OLD.warranty_until OR
        NEW.created_at IS DISTINCT FROM OLD.created_at OR
        (NEW.release_id IS NOT NULL AND NEW.release_id IS DISTINCT FROM OLD.release_id) THEN
        RAISE EXCEPTION 'a decommissioned asset is frozen' USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER assets_decommissioned_frozen BEFORE UPDATE OR DELETE ON assets
    FOR EACH ROW WHEN (OLD.status = 'decommissioned') EXECUTE FUNCTION vigil_asset_frozen();

-- +goose StatementBegin
CREATE FUNCTION vigil_sanitization_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION 'sanitization records are append-only' USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'INSERT' THEN
        IF EXISTS (SELECT 1 FROM decommissions d WHERE d.org_id = NEW.org_id AND d.asset_id = NEW.asset_id) THEN
            RAISE EXCEPTION 'the sanitization records of a decommissioned asset are frozen' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END IF;
    IF EXISTS (SELECT 1 FROM decommissions d WHERE d.org_id = OLD.org_id AND d.asset_id = OLD.asset_id) THEN
        RAISE EXCEPTION 'the sanitization records of a decommissioned asset are frozen' USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN OLD;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER sanitizations_frozen BEFORE INSERT OR UPDATE OR DELETE ON sanitizations
    FOR EACH ROW EXECUTE FUNCTION vigil_sanitization_frozen();

ALTER TABLE decommissions ADD COLUMN certificate TEXT NOT NULL DEFAULT '';
ALTER TABLE decommissions ADD COLUMN certificate_sha256 TEXT NOT NULL DEFAULT '';
CREATE TRIGGER decommissions_final BEFORE UPDATE OR DELETE ON decommissions
    FOR EACH ROW EXECUTE FUNCTION vigil_append_only();

DROP INDEX assets_tag;
CREATE UNIQUE INDEX assets_tag ON assets (org_id, asset_tag) WHERE asset_tag <> '' AND status <> 'decommissioned';
CREATE INDEX assets_tag_any ON assets (org_id, asset_tag) WHERE asset_tag <> '';

-- +goose Down
DROP INDEX assets_tag_any;
DROP INDEX assets_tag;
CREATE UNIQUE INDEX assets_tag ON assets (org_id, asset_tag) WHERE asset_tag <> '';
DROP TRIGGER decommissions_final ON decommissions;
ALTER TABLE decommissions DROP COLUMN certificate_sha256;
ALTER TABLE decommissions DROP COLUMN certificate;
DROP TRIGGER sanitizations_frozen ON sanitizations;
DROP FUNCTION vigil_sanitization_frozen();
DROP TRIGGER assets_decommissioned_frozen ON assets;
DROP FUNCTION vigil_asset_frozen();
