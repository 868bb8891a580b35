-- Queries of `didkpi db start`, run in the private cluster's "postgres"
-- database right after it starts.

-- name: has_database
-- Whether the didkpi database exists. $1: its name.
SELECT 1 FROM pg_catalog.pg_database WHERE datname = $1;

-- name: create_database
-- Create the didkpi database (the name is fixed: CLUSTER_DBNAME).
CREATE DATABASE didkpi TEMPLATE template0 ENCODING 'UTF8';
