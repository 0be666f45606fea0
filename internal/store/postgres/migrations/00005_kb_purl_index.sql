-- +goose Up
-- Candidate lookups by package URL: without this index every lookup of an
-- SBOM's purls scanned the whole kb_packages table.
CREATE INDEX kb_packages_purl ON kb_packages (purl) WHERE purl <> '';

-- +goose Down
DROP INDEX kb_packages_purl;
