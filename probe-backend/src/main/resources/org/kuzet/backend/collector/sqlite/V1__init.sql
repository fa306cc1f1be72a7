-- The collector's SQLite schema as kuzet 0.1 created it inline (databases made then are at version 1).
CREATE TABLE measurements (
  uid                    TEXT PRIMARY KEY NOT NULL,
  key_id                 TEXT NOT NULL,
  received_at            TEXT NOT NULL,
  measurement            TEXT NOT NULL,
  signature              TEXT NOT NULL,
  input                  TEXT,
  probe_cc               TEXT,
  probe_asn              TEXT,
  measurement_start_time TEXT,
  verdict                TEXT,
  signals                TEXT
) STRICT;
CREATE INDEX measurements_by_probe ON measurements (key_id, received_at);
CREATE INDEX measurements_by_input ON measurements (input, measurement_start_time);
