-- The collector's PostgreSQL schema, version 1 (PostgresCollectorStore applies it; kuzet_collector_schema keeps
-- the version).

-- Each signed measurement exactly as received: the canonical bytes the signature covers, the signature object as
-- uploaded, the signing key's id, and the same measurement as JSONB for queries. The primary key is the
-- uniqueness of a measurement_uid across the whole collector (INSERT ... ON CONFLICT DO NOTHING).
CREATE TABLE raw_measurements (
  measurement_uid        text PRIMARY KEY,
  key_id                 text NOT NULL,
  received_at            timestamptz NOT NULL,
  measurement_start_time timestamp NOT NULL,
  measurement            bytea NOT NULL,
  signature              text NOT NULL,
  body                   jsonb NOT NULL
);
CREATE INDEX raw_measurements_by_start ON raw_measurements (measurement_start_time);
CREATE INDEX raw_measurements_by_key ON raw_measurements (key_id, received_at);

-- OONI fastpath's summary columns plus kuzet's x_verdict, x_signals and the signing key; one partition per month
-- of measurement_start_time, created when the first measurement of that month arrives (fastpath_YYYY_MM). Times
-- far from the time of receipt go to fastpath_default.
CREATE TABLE fastpath (
  measurement_uid        text NOT NULL,
  report_id              text NOT NULL,
  input                  text,
  domain                 text,
  probe_cc               text NOT NULL,
  probe_asn              integer NOT NULL,
  test_name              text NOT NULL,
  test_start_time        timestamp,
  measurement_start_time timestamp NOT NULL,
  filename               text,
  scores                 jsonb NOT NULL,
  platform               text,
  anomaly                boolean NOT NULL,
  confirmed              boolean NOT NULL,
  msm_failure            boolean NOT NULL,
  blocking_type          text,
  software_name          text,
  software_version       text,
  engine_name            text,
  engine_version         text,
  architecture           text,
  test_version           text,
  test_runtime           real,
  test_helper_address    text,
  test_helper_type       text,
  control_failure        text,
  update_time            timestamptz NOT NULL,
  x_key_id               text NOT NULL,
  x_verdict              text,
  x_signals              text[] NOT NULL,
  PRIMARY KEY (measurement_uid, measurement_start_time)
) PARTITION BY RANGE (measurement_start_time);
CREATE TABLE fastpath_default PARTITION OF fastpath DEFAULT;
-- "blocked per network per day" and "one domain over time"
CREATE INDEX fastpath_by_asn_time ON fastpath (probe_asn, measurement_start_time);
CREATE INDEX fastpath_by_domain_time ON fastpath (domain, measurement_start_time);
CREATE INDEX fastpath_by_time ON fastpath (measurement_start_time);
