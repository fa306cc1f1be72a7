-- Schema version 4: a run records the networks it measured from by name, as its measurements do (probe-core's
-- IdentityLookup). Never an address. Runs recorded before stay NULL: their networks were never looked up.

ALTER TABLE runs ADD COLUMN probe_network_name TEXT;
ALTER TABLE runs ADD COLUMN resolver_asn TEXT;
ALTER TABLE runs ADD COLUMN resolver_network_name TEXT;
