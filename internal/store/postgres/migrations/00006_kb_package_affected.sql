-- +goose Up
-- What matching needs of a record to decide on one package, derived by the
-- service at import (store.PackageKey.Affected), so that a scan reads these
-- small rows for every candidate and whole records only for those that
-- match. NULL: read the record whole to decide.
ALTER TABLE kb_packages ADD COLUMN affected BYTEA;

-- Backfill for records imported before: the record's whole OSV "affected"
-- list (a superset of the package's own entries, which decides the same),
-- for records that hold nothing else a matcher reads (CPE configurations,
-- CVE 5 products, ADP containers). The others stay NULL. A re-import writes
-- the slimmer per-package form only for records whose content changed.
UPDATE kb_packages p SET affected = convert_to((v.doc -> 'affected')::text, 'UTF8')
FROM kb_vulns v
WHERE v.id = p.record_id
    AND jsonb_typeof(v.doc -> 'affected') = 'array'
    AND v.doc -> 'configurations' IS NULL
    AND v.doc -> 'products' IS NULL
    AND v.doc -> 'adp' IS NULL;

-- +goose Down
ALTER TABLE kb_packages DROP COLUMN affected;
