-- Schema version 3: `kuzet analyze --db` stores measurements that were recorded elsewhere (OONI's, another
-- probe's export) with kuzet's analysis. Their run has trigger 'imported' and they have upload_state 'local':
-- they are not this probe's measurements, so they are never queued for upload.
-- SQLite cannot change a CHECK constraint in place, so both tables are rebuilt as SQLite's documentation
-- describes (foreign keys are off while migrations run, and checked before the commit); rows and ids are kept.
-- The copies are SELECT * on purpose: the new tables have exactly the columns of V1 and V2, in order, so a
-- migration that added a column before this one makes the copy fail (and the whole migration roll back) instead
-- of dropping that column. Migrations that add columns go after this one.

CREATE TABLE runs_v3 (
  id                INTEGER PRIMARY KEY,
  started_at        TEXT NOT NULL,
  ended_at          TEXT,
  trigger           TEXT NOT NULL CHECK (trigger IN ('manual', 'scheduled', 'campaign', 'imported')),
  campaign          TEXT,
  software_version  TEXT NOT NULL,
  probe_asn         TEXT,
  probe_cc          TEXT,
  connectivity      TEXT CHECK (connectivity IN ('online', 'no_local_network', 'domestic_only', 'offline')),
  measurement_count INTEGER NOT NULL DEFAULT 0,
  blocked_count     INTEGER NOT NULL DEFAULT 0
);

INSERT INTO runs_v3 SELECT * FROM runs;

DROP TABLE runs;

ALTER TABLE runs_v3 RENAME TO runs;

CREATE INDEX runs_started_at ON runs (started_at);

CREATE TABLE measurements_v3 (
  id               INTEGER PRIMARY KEY,
  uid              TEXT NOT NULL UNIQUE,
  run_id           INTEGER REFERENCES runs (id),
  report_id        TEXT,
  input            TEXT NOT NULL,
  target_list      TEXT,
  category_code    TEXT,
  start_time       TEXT NOT NULL,
  runtime          REAL NOT NULL,
  probe_asn        TEXT,
  probe_cc         TEXT,
  x_verdict        TEXT CHECK (x_verdict IN ('accessible', 'blocked', 'down', 'inconclusive', 'offline')),
  blocking         TEXT,
  accessible       INTEGER CHECK (accessible IN (0, 1)),
  signals          TEXT NOT NULL DEFAULT '[]',
  measurement_json TEXT NOT NULL,
  upload_state     TEXT NOT NULL DEFAULT 'pending' CHECK (upload_state IN ('pending', 'uploaded', 'rejected', 'local')),
  upload_attempts  INTEGER NOT NULL DEFAULT 0,
  upload_error     TEXT,
  next_upload_at   TEXT,
  uploaded_at      TEXT
);

INSERT INTO measurements_v3 SELECT * FROM measurements;

DROP TABLE measurements;

ALTER TABLE measurements_v3 RENAME TO measurements;

CREATE INDEX measurements_input_time ON measurements (input, start_time);
CREATE INDEX measurements_verdict_time ON measurements (x_verdict, start_time, category_code);
CREATE INDEX measurements_time ON measurements (start_time);
CREATE INDEX measurements_run ON measurements (run_id);
CREATE INDEX measurements_upload_due ON measurements (next_upload_at, id) WHERE upload_state = 'pending';
