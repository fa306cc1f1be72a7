-- Schema version 2: the upload queue lives on the measurement rows, so storing a measurement and queueing it
-- for upload is one insert. Measurements stored by version 1 become pending.

ALTER TABLE measurements ADD COLUMN upload_state TEXT NOT NULL DEFAULT 'pending'
  CHECK (upload_state IN ('pending', 'uploaded', 'rejected'));
ALTER TABLE measurements ADD COLUMN upload_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE measurements ADD COLUMN upload_error TEXT;
ALTER TABLE measurements ADD COLUMN next_upload_at TEXT;
ALTER TABLE measurements ADD COLUMN uploaded_at TEXT;

-- Only pending rows are indexed: the queue stays small however many measurements are kept.
CREATE INDEX measurements_upload_due ON measurements (next_upload_at, id) WHERE upload_state = 'pending';
