-- Schema version 5: a run that could not be carried out (its target list vanished, became unreadable or invalid) is
-- recorded with the reason, so status shows it instead of an older good run. NULL: the run did not fail.

ALTER TABLE runs ADD COLUMN failure TEXT;
