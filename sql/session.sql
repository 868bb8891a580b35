-- Settings every session of didkpi starts with (lib/db.c, right after
-- connecting).

-- name: setup
-- Column 1: no schema is searched implicitly (as PostgreSQL's own client
-- programs do), so objects created by others cannot capture our names.
-- Column 2: whether the server checks, while a query runs, that its client
-- is still there (client_connection_check_interval, PostgreSQL 14 and
-- later): set to 2 s unless someone chose a value (PGOPTIONS, ALTER ROLE
-- ... SET). A client killed with -9, or one that gave up waiting, then
-- leaves no backend running its query and holding its locks.
-- Parameters: none.
SELECT pg_catalog.set_config('search_path', '', false) = '',
       CASE WHEN pg_catalog.current_setting('client_connection_check_interval', true) = '0'
            THEN pg_catalog.set_config('client_connection_check_interval', '2s', false) <> '0'
            ELSE pg_catalog.current_setting('client_connection_check_interval', true) IS NOT NULL
       END;

-- name: export_snapshot
-- The snapshot of this repeatable-read transaction, for a second session
-- of the same report to import (SET TRANSACTION SNAPSHOT, lib/db.c): both
-- then see the same data. Parameters: none.
SELECT pg_catalog.pg_export_snapshot();

-- name: shared_snapshot
-- Whether a second session that imports this one's snapshot sees exactly
-- what this one sees. Not on a Citus cluster (the snapshot is the
-- coordinator's; each worker takes its own) and not when the database
-- holds a foreign table (the remote server's transaction is per session):
-- a report there runs on one connection. Parameters: none.
SELECT NOT EXISTS (SELECT FROM pg_catalog.pg_extension WHERE extname = 'citus')
   AND NOT EXISTS (SELECT FROM pg_catalog.pg_class WHERE relkind = 'f');
