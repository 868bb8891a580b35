-- Bookkeeping for `didkpi init`: which schema versions are applied.
-- Run before every init; safe to run any number of times.
-- Parameters: none.
CREATE SCHEMA IF NOT EXISTS didkpi;
CREATE TABLE IF NOT EXISTS didkpi.schema_version (
	version    integer PRIMARY KEY,
	applied_at timestamptz NOT NULL DEFAULT now()
);
