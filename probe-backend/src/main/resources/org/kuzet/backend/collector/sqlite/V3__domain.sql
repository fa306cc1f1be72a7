-- The input's host, for "one domain over time"; rows stored before this migration get it from their input
-- (scheme://host[:port]/…), new rows from the store (FastpathRow.domain).
ALTER TABLE measurements ADD COLUMN domain TEXT;
UPDATE measurements SET domain = lower(substr(substr(substr(input, instr(input, '://') + 3), 1, instr(substr(input, instr(input, '://') + 3) || '/', '/') - 1), 1, instr(substr(substr(input, instr(input, '://') + 3), 1, instr(substr(input, instr(input, '://') + 3) || '/', '/') - 1) || ':', ':') - 1)) WHERE input LIKE '%://%';
CREATE INDEX measurements_by_domain ON measurements (domain, measurement_start_time);
