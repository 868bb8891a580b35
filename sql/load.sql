-- Queries of `didkpi load` (SPEC section 8).
-- Placeholders {{...}} are identifiers from the loader's own relation table,
-- each quoted with PQescapeIdentifier before it is put in: {{table}} the
-- target relation, {{cols}} its columns, {{s_cols}}/{{t_cols}} the same
-- prefixed with s./t., {{pk_join}} the key equality of s and t,
-- {{pk_text}} the key as one text value. Values are always parameters.

-- name: synchronous_commit
-- A load that reports success must survive a server crash the moment after
-- (SPEC section 10), whatever the server's setting: the private cluster
-- runs with synchronous_commit off. For the load's transaction only.
SET LOCAL synchronous_commit = on;

-- name: work_mem
-- Room in memory for the rows the load's statement wrote, for the rollup
-- triggers (sql/schema/005_rollups.sql): a statement trigger's transition
-- table is kept in work_mem and spills to a temporary file beyond it. A
-- million authentication events are a 96 MB file at the private
-- cluster's 64 MB; held in memory the load took 0.4-0.8 s less (12.87 ->
-- 12.48 s and 12.70 -> 11.86 s, medians of 6 and 5, alternating). Raised
-- to 256 MB for the load's transaction only, never lowered; a bigger file
-- spills past it as before. Parameters: none.
SELECT pg_catalog.set_config('work_mem', '256MB', true)
 WHERE pg_catalog.pg_size_bytes(pg_catalog.current_setting('work_mem')) < 256 * 1024 * 1024;

-- name: ref_services
-- The service codes rows may refer to. Parameters: none.
SELECT service_code FROM didkpi.services ORDER BY 1;

-- name: ref_channels
-- The channels rows may refer to. Parameters: none.
SELECT channel FROM didkpi.channels ORDER BY 1;

-- name: ref_methods
-- The authentication methods rows may refer to. Parameters: none.
SELECT method FROM didkpi.auth_methods ORDER BY 1;

-- name: lock
-- One load per relation at a time: concurrent loads of the same rows would
-- both see them as new. $1: the relation's name.
SELECT pg_catalog.pg_advisory_xact_lock(74747302, pg_catalog.hashtext($1));

-- name: ref_lock
-- The reference lock, shared, for the load's transaction, taken before the
-- reference codes are read: the log relations have no foreign keys (schema
-- version 4), and the trigger that refuses to delete or change a code in
-- use takes this lock exclusively, so no code the load checked against can
-- go away before it commits. Loads do not wait for each other on it.
SELECT pg_catalog.pg_advisory_xact_lock_shared(74747303, 0);

-- name: copy_direct
-- The direct path: COPY straight into the relation, under a savepoint.
-- Taken for a regular file (which can be read a second time); when any
-- key is already present (in the table or twice in the file) or a check
-- constraint fails (SQLSTATE class 23), the loader rolls back to the
-- savepoint and loads the file again through the staging table below,
-- which classifies duplicates and conflicts row by row.
COPY {{table}} ({{cols}}) FROM STDIN;

-- name: direct_allowed
-- Whether the direct path and the fast insert may be taken: not in a
-- Citus database (issue 14), whose COPY or INSERT into a distributed
-- table turns a worker's unique violation into an internal error
-- (SQLSTATE XX000) that cannot be told from a real one; there every file
-- takes the staging path and the insert that skips present keys.
-- Parameters: none.
SELECT NOT EXISTS (SELECT FROM pg_catalog.pg_extension WHERE extname = 'citus');

-- name: temp_buffers
-- Room for the staging table in memory: temporary tables live in local
-- buffers (8 MB by default), and a large load would otherwise go through
-- the disk. Must run before the session's first temporary table.
SELECT pg_catalog.set_config('temp_buffers', '256MB', true);

-- name: stage
-- A staging table shaped like the target, plus the input line number.
CREATE TEMP TABLE didkpi_stage ON COMMIT DROP AS
	SELECT 0::bigint AS line, {{cols}} FROM {{table}} WITH NO DATA;

-- name: copy
COPY pg_temp.didkpi_stage (line, {{cols}}) FROM STDIN;

-- name: check_service_requests
-- Each check deletes the staged rows it rejects and returns them as
-- (line, reason, columns...).
-- Rows breaking a rule that needs instants: closed_at before submitted_at
-- (offset-less timestamps are read in the load's time zone by the server).
DELETE FROM pg_temp.didkpi_stage
 WHERE closed_at < submitted_at
RETURNING line, 'closed_at is before submitted_at' AS reason, {{cols}};

-- name: check_kpi_targets
-- A target's validity must not end before it starts.
DELETE FROM pg_temp.didkpi_stage
 WHERE valid_to < valid_from
RETURNING line, 'valid_to is before valid_from' AS reason, {{cols}};

-- name: check_channel_costs
-- A cost's validity must not end before it starts, nor overlap the
-- validity of another cost of the same channel and service (NULL service:
-- the channel's default) in the file or in the table; a row with the same
-- key (same valid_from) is a duplicate or a conflict, classified later.
DELETE FROM pg_temp.didkpi_stage s
 WHERE s.valid_to < s.valid_from
    OR EXISTS (SELECT 1 FROM pg_temp.didkpi_stage o
		WHERE o.channel = s.channel
		  AND o.service_code IS NOT DISTINCT FROM s.service_code
		  AND o.valid_from <> s.valid_from
		  AND o.valid_from <= s.valid_to AND s.valid_from <= o.valid_to
		  AND o.valid_to >= o.valid_from)
    OR EXISTS (SELECT 1 FROM didkpi.channel_costs t
		WHERE t.channel = s.channel
		  AND t.service_code IS NOT DISTINCT FROM s.service_code
		  AND t.valid_from <> s.valid_from
		  AND t.valid_from <= s.valid_to AND s.valid_from <= t.valid_to)
RETURNING line,
	CASE WHEN valid_to < valid_from THEN 'valid_to is before valid_from'
	     ELSE 'its validity ' || valid_from || '..' || valid_to || ' overlaps another cost of '
		  || 'channel ' || channel || CASE WHEN service_code IS NULL THEN ' (default)'
		     ELSE ' and service ' || service_code END
		  || ' (valid_to is inclusive)' END AS reason,
	{{cols}};

-- name: insert_fast
-- The common case, a file of new rows: a plain insert, in whatever order.
-- It fails with unique_violation when any key is already present (in the
-- table or twice in the file); the loader then rolls back to a savepoint
-- and uses the insert below.
INSERT INTO {{table}} ({{cols}})
SELECT {{cols}} FROM pg_temp.didkpi_stage;

-- name: insert
-- Insert in input order; a key already present (in the table, or earlier in
-- this file) is skipped here and classified by the conflicts query.
INSERT INTO {{table}} ({{cols}})
SELECT {{cols}} FROM pg_temp.didkpi_stage ORDER BY line
ON CONFLICT DO NOTHING;

-- name: insert_counted
-- The insert above where the fast paths are not taken (Citus: see
-- direct_allowed), returning how many rows went in as one count: there
-- the command tag of INSERT ... SELECT ... ON CONFLICT DO NOTHING counts
-- the rows sent to the shards, present keys included.
WITH ins AS (
	INSERT INTO {{table}} ({{cols}})
	SELECT {{cols}} FROM pg_temp.didkpi_stage ORDER BY line
	ON CONFLICT DO NOTHING
	RETURNING 1
)
SELECT count(*) FROM ins;

-- name: conflicts
-- Staged rows whose key is present with different content: rejected. Staged
-- rows equal to the stored row are duplicates (or the row just inserted).
SELECT s.line, 'key ' || {{pk_text}} || ' is already present with different content' AS reason,
       {{s_cols}}
  FROM pg_temp.didkpi_stage s
  JOIN {{table}} t ON {{pk_join}}
 WHERE ROW({{s_cols}}) IS DISTINCT FROM ROW({{t_cols}})
 ORDER BY s.line;

-- name: savepoint
-- Before the fast insert, which may fail on a present key.
SAVEPOINT didkpi_fast;

-- name: release
RELEASE SAVEPOINT didkpi_fast;

-- name: rollback_to_savepoint
ROLLBACK TO SAVEPOINT didkpi_fast;

-- Month partitions for the log relations (issue 9 item 3): not built.
-- Reasoning, at the demo's scale (about 1 M auth events a year at scale 1,
-- 10 M at scale 50):
--  * Pruning buys little: every period query already reaches a month's rows
--    through the time indexes (auth_events_occurred_at of 001_initial.sql,
--    service_requests_people of 012, satisfaction_answered of 011), so a month's
--    cost already follows the month's rows, not the history's (issue 9
--    measured a month at 10 M events in 0.94 s, spent in aggregation, not
--    in finding the rows); a partition would replace an index range scan
--    by a sequential scan of a ~400 k-row partition, the same order of
--    work.
--  * It would break a guarantee: a primary key of a partitioned table must
--    include the partition column, so event_id, request_id and
--    response_id could no longer be unique across months in the database.
--    SPEC section 2 makes "a key already present" a duplicate or a
--    conflict whatever its timestamp; a row reloaded with a corrected
--    timestamp would land in another month as a second row.
--  * Cheap retention (DROP of a month instead of DELETE) is the real gain,
--    but there is no retention command yet (no `didkpi prune`), and
--    deleting a year of 10 M rows by the time index is a one-off job.
-- Revisit when a site keeps many years of 10 M+ rows or asks for prune.
