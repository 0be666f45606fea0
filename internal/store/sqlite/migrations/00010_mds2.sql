-- +goose Up
-- An MDS2 form (ANSI/NEMA HN 1-2019) as imported: for a release of the
-- organization's own (release_id) or for a candidate device it evaluates
-- (candidate). Each has at most one current form; older ones are kept.
CREATE TABLE mds2_forms (
    id            INTEGER PRIMARY KEY,
    org_id        INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    release_id    INTEGER,
    candidate     TEXT NOT NULL DEFAULT '',
    filename      TEXT NOT NULL DEFAULT '',
    format        TEXT NOT NULL CHECK (format IN ('xlsx', 'csv')),
    sha256        TEXT NOT NULL,
    answer_count  INTEGER NOT NULL DEFAULT 0,
    -- import issues: JSON array of {kind, sheet, row, question_id, message}
    issues        TEXT NOT NULL DEFAULT '[]',
    created_at    TEXT NOT NULL,
    superseded_at TEXT,
    UNIQUE (org_id, id),
    CHECK ((release_id IS NULL) <> (candidate = '')),
    FOREIGN KEY (org_id, release_id) REFERENCES releases (org_id, id) ON DELETE CASCADE
) STRICT;
CREATE INDEX mds2_forms_release ON mds2_forms (org_id, release_id);
CREATE UNIQUE INDEX mds2_forms_current_release ON mds2_forms (org_id, release_id)
    WHERE superseded_at IS NULL AND release_id IS NOT NULL;
CREATE UNIQUE INDEX mds2_forms_current_candidate ON mds2_forms (org_id, candidate)
    WHERE superseded_at IS NULL AND candidate <> '';

-- One answer per question of a form, in form order (seq).
CREATE TABLE mds2_answers (
    org_id      INTEGER NOT NULL,
    form_id     INTEGER NOT NULL,
    seq         INTEGER NOT NULL,
    question_id TEXT NOT NULL,
    answer      TEXT NOT NULL DEFAULT '' CHECK (answer IN ('', 'Yes', 'No', 'N/A', 'See Note')),
    text        TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT '',
    sheet       TEXT NOT NULL DEFAULT '',
    row_num     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (form_id, question_id),
    FOREIGN KEY (org_id, form_id) REFERENCES mds2_forms (org_id, id) ON DELETE CASCADE
) STRICT;

-- The network ports a release declares (the list MDS2 CONN-2 refers to).
CREATE TABLE release_ports (
    org_id     INTEGER NOT NULL,
    release_id INTEGER NOT NULL,
    protocol   TEXT NOT NULL CHECK (protocol IN ('tcp', 'udp')),
    port       INTEGER NOT NULL CHECK (port BETWEEN 1 AND 65535),
    service    TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (org_id, release_id, protocol, port),
    FOREIGN KEY (org_id, release_id) REFERENCES releases (org_id, id) ON DELETE CASCADE
) STRICT;

-- +goose Down
DROP TABLE release_ports;
DROP TABLE mds2_answers;
DROP TABLE mds2_forms;
