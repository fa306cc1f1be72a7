-- "Blocked per network per day" (kuzet collector report) and export --since read by these.
CREATE INDEX measurements_by_asn_time ON measurements (probe_asn, measurement_start_time);
CREATE INDEX measurements_by_time ON measurements (measurement_start_time);
