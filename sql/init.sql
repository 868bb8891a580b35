-- Queries of `didkpi init` (schema creation and upgrade).

-- name: lock
-- Serialise concurrent inits of one database. Parameters: none.
SELECT pg_catalog.pg_advisory_xact_lock(7474730001);

-- name: current_version
-- The highest applied schema version, 0 for a new database. Parameters: none.
SELECT coalesce(max(version), 0) FROM didkpi.schema_version;

-- name: record_version
-- Record that a schema version is applied. $1: the version (integer).
INSERT INTO didkpi.schema_version (version) VALUES ($1::integer);

-- name: has_schema
-- Whether didkpi init has ever run here (without failing when it has not).
-- Parameters: none.
SELECT pg_catalog.to_regclass('didkpi.schema_version') IS NOT NULL;
