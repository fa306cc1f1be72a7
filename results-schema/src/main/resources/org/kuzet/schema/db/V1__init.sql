-- kuzet results store, schema version 1.
-- Times are UTC text 'YYYY-MM-DD hh:mm:ss' (OONI's format and SQLite's own, so date() and strftime() work).
-- One statement per ';' at the end of a line (the migration runner splits there).

CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE runs (
  id                INTEGER PRIMARY KEY,
  started_at        TEXT NOT NULL,
  ended_at          TEXT,
  trigger           TEXT NOT NULL CHECK (trigger IN ('manual', 'scheduled', 'campaign')),
  campaign          TEXT,
  software_version  TEXT NOT NULL,
  probe_asn         TEXT,
  probe_cc          TEXT,
  connectivity      TEXT CHECK (connectivity IN ('online', 'no_local_network', 'domestic_only', 'offline')),
  measurement_count INTEGER NOT NULL DEFAULT 0,
  blocked_count     INTEGER NOT NULL DEFAULT 0
);

CREATE INDEX runs_started_at ON runs (started_at);

CREATE TABLE measurements (
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
  measurement_json TEXT NOT NULL
);

-- "Timeline of one URL over a month".
CREATE INDEX measurements_input_time ON measurements (input, start_time);
-- "Blocked per category per day" (covering: the query reads only the index).
CREATE INDEX measurements_verdict_time ON measurements (x_verdict, start_time, category_code);
-- kuzet results --since/--until, exports.
CREATE INDEX measurements_time ON measurements (start_time);
CREATE INDEX measurements_run ON measurements (run_id);

CREATE TABLE connectivity_events (
  id         INTEGER PRIMARY KEY,
  state      TEXT NOT NULL CHECK (state IN ('online', 'no_local_network', 'domestic_only', 'offline')),
  started_at TEXT NOT NULL,
  ended_at   TEXT,
  detail     TEXT
);

CREATE INDEX connectivity_events_started_at ON connectivity_events (started_at);
