-- Queries of `didkpi db start`, run in the private cluster's "postgres"
-- database right after it starts.

-- name: has_database
-- Whether the didkpi database exists. $1: its name.
SELECT 1 FROM pg_catalog.pg_database WHERE datname = $1;

-- name: create_database
-- Create the didkpi database (the name is fixed: CLUSTER_DBNAME).
CREATE DATABASE didkpi TEMPLATE template0 ENCODING 'UTF8';

-- name: commit_not_durable
-- Whether synchronous_commit is off by ALTER SYSTEM (postgresql.auto.conf),
-- as clusters made by didkpi before 0.2 have it. Parameters: none.
SELECT 1 FROM pg_catalog.pg_settings
 WHERE name = 'synchronous_commit' AND setting <> 'on'
   AND sourcefile LIKE '%postgresql.auto.conf';

-- name: reset_synchronous_commit
-- Durable commits: a load that reported success survives a crash.
ALTER SYSTEM RESET synchronous_commit;

-- name: reload
SELECT pg_catalog.pg_reload_conf();
