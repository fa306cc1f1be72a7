-- ClickHouse table for `kuzet collector export --format clickhouse` (JSONEachRow), one row per measurement:
-- OONI fastpath's columns (github.com/ooni/backend, the fastpath table of OONI's ClickHouse) plus kuzet's
-- x_key_id, x_verdict and x_signals. Load with:
--   clickhouse-client --query "INSERT INTO fastpath FORMAT JSONEachRow" < rows.jsonl
-- ReplacingMergeTree: loading the same export twice keeps one row per measurement (by the sorting key).
CREATE TABLE IF NOT EXISTS fastpath
(
    `measurement_uid` String,
    `report_id` String,
    `input` String,
    `domain` String,
    `probe_cc` LowCardinality(String),
    `probe_asn` UInt32,
    `test_name` LowCardinality(String),
    `test_start_time` DateTime('UTC'),
    `measurement_start_time` DateTime('UTC'),
    `filename` String,
    `scores` String,
    `platform` String,
    `anomaly` String,
    `confirmed` String,
    `msm_failure` String,
    `blocking_type` String,
    `software_name` String,
    `software_version` String,
    `engine_name` String,
    `engine_version` String,
    `architecture` String,
    `test_version` String,
    `test_runtime` Float32,
    `test_helper_address` String,
    `test_helper_type` String,
    `control_failure` String,
    `update_time` DateTime('UTC'),
    `x_key_id` String,
    `x_verdict` LowCardinality(String),
    `x_signals` Array(String)
)
ENGINE = ReplacingMergeTree(update_time)
PARTITION BY toYYYYMM(measurement_start_time)
ORDER BY (measurement_start_time, report_id, input, measurement_uid)
SETTINGS index_granularity = 8192;
