-- +goose Up
-- What matching needs of a record to decide on one package, derived by the
-- service at import (store.PackageKey.Affected), so that a scan reads these
-- small rows for every candidate and whole records only for those that
-- match. NULL: read the record whole to decide.
ALTER TABLE kb_packages ADD COLUMN affected BLOB;

-- Backfill for records imported before: the record's whole OSV "affected"
-- list (a superset of the package's own entries, which decides the same),
-- for records that hold nothing else a matcher reads (CPE configurations,
-- CVE 5 products, ADP containers). The others stay NULL. A re-import writes
-- the slimmer per-package form only for records whose content changed.
UPDATE kb_packages SET affected = (
    SELECT CAST(json_extract(v.doc, '$.affected') AS BLOB) FROM kb_vulns v
    WHERE v.id = kb_packages.record_id
        AND json_type(v.doc, '$.affected') = 'array'
        AND json_type(v.doc, '$.configurations') IS NULL
        AND json_type(v.doc, '$.products') IS NULL
        AND json_type(v.doc, '$.adp') IS NULL);

-- +goose Down
ALTER TABLE kb_packages DROP COLUMN affected;
