-- +goose Up
-- Device identification (docs/fleet.md): each asset ↔ advisory-product link
-- keeps its confidence as a number, and a person's decision on a link is
-- kept apart from the links, which every mapping run rewrites. A decision
-- names the advisory by its tracking id (stable across re-syncs, unlike the
-- knowledge base's row id) and, for a rejection, the revision it was made
-- on: a new revision may be looked at again.
ALTER TABLE asset_advisory_products ADD COLUMN score DOUBLE PRECISION NOT NULL DEFAULT 0;

CREATE TABLE asset_link_decisions (
    org_id     BIGINT NOT NULL,
    asset_id   BIGINT NOT NULL,
    advisory   TEXT NOT NULL,
    product_id TEXT NOT NULL,
    revision   TEXT NOT NULL DEFAULT '',
    decision   TEXT NOT NULL CHECK (decision IN ('confirmed', 'rejected')),
    note       TEXT NOT NULL DEFAULT '',
    decided_by TEXT NOT NULL,
    decided_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (org_id, asset_id, advisory, product_id),
    FOREIGN KEY (org_id, asset_id) REFERENCES assets (org_id, id) ON DELETE CASCADE
);

-- +goose Down
DROP TABLE asset_link_decisions;
ALTER TABLE asset_advisory_products DROP COLUMN score;
