-- The didkpi schema on a Citus cluster (issue 14; reasoning and
-- measurements in docs/scaling.md). Run once on the coordinator, as a
-- superuser, in the database `didkpi init` prepared, after the workers
-- were added (citus_add_node) and before the first load:
--     psql -d didkpi -v ON_ERROR_STOP=1 -f /usr/local/share/didkpi/sql/citus.sql
-- One transaction: the layout is all distributed or not at all. Run it
-- again after an upgrade of the schema (`didkpi init`): it re-applies.
-- Parameters: none.
--
-- Layout.
--   * Reference tables (a copy on every node, joined locally by each
--     shard): services, channels, auth_methods, staff, kpi_targets. They
--     are small and every KPI query joins them.
--   * The log relations are hash-distributed by their own primary key:
--     auth_events by event_id, service_requests by request_id,
--     satisfaction by response_id, in one co-location group. The key
--     stays the primary key, so a reloaded row is still a duplicate or a
--     conflict wherever its user went, and rows with no user_key (NULL,
--     which Citus refuses in a distribution column) need nothing special.
--     By user_key was measured and rejected: docs/scaling.md.
--   * The rest stays on the coordinator as plain tables: schema_version,
--     the day rollups and first_identification, rollup_state, and
--     channel_costs: costs are looked up on the coordinator, after the
--     workers have counted the completed requests by day and channel
--     (didkpi.completed_counts, schema version 10, which runs its query
--     with EXECUTE ... USING so that Citus can plan it), and the loader's
--     overlap check of costs (DELETE ... RETURNING on its staging table)
--     is refused by Citus when it reads a Citus table.
--   * Triggers. Citus runs no trigger of a distributed or reference table
--     unless citus.enable_unsafe_triggers is on (they would then fire per
--     shard, on the workers, outside the coordinator's checks), so:
--       - the rollup triggers of the log relations are dropped: the KPI
--         engine reads the raw logs, aggregated on the workers shard by
--         shard, and didkpi.rollup_status() says 'distributed' (below), so
--         the rollups are never used there and never silently stale;
--       - the triggers guarding the reference tables (refuse_used_code,
--         refuse_truncate_used) are dropped: `didkpi load` still checks
--         every code; `didkpi check` lists the codes in use that a psql
--         DELETE would orphan.

BEGIN;
SET LOCAL client_min_messages = warning;

-- name: triggers
-- Only those still there: Citus refuses any trigger command, DROP too,
-- on a table it already distributes (a second run).
DO $$
DECLARE
	t record;
BEGIN
	FOR t IN SELECT g.tgname, c.relname
	           FROM pg_catalog.pg_trigger g
	           JOIN pg_catalog.pg_class c ON c.oid = g.tgrelid
	           JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
	          WHERE n.nspname = 'didkpi' AND NOT g.tgisinternal
	            AND c.relname IN ('auth_events', 'service_requests', 'satisfaction', 'services',
	                              'channels', 'auth_methods')
	            AND g.tgname IN ('rollup_ins', 'rollup_del', 'rollup_upd', 'rollup_trunc',
	                             'refuse_used_code', 'refuse_truncate_used', 'rollup_people_ins',
	                             'rollup_people_upd')
	LOOP
		EXECUTE pg_catalog.format('DROP TRIGGER %I ON didkpi.%I', t.tgname, t.relname);
	END LOOP;
END
$$;

-- name: rollup_status
-- As in schema version 6, and 'distributed' for a log relation that Citus
-- distributes: its rollup has no triggers and is not used (lib/kpi.c says
-- so at --verbose, not as a warning at every run).
CREATE OR REPLACE FUNCTION didkpi.rollup_status(rel text, zone text) RETURNS text
LANGUAGE sql STABLE SET search_path = pg_catalog AS $$
	SELECT CASE WHEN zone <> didkpi.rollup_zone() THEN 'zone'
	            WHEN NOT EXISTS (SELECT 1 FROM pg_catalog.pg_class c
	                               JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
	                              WHERE n.nspname = 'didkpi' AND c.relname = rel
	                                AND c.relkind IN ('r', 'p')) THEN 'view'
	            WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_dist_partition d
	                          WHERE d.logicalrelid = pg_catalog.to_regclass('didkpi.' || rel)
	                            AND d.partmethod = 'h') THEN 'distributed'
	            WHEN rel IN (SELECT didkpi.rollup_unwatched()) THEN 'triggers'
	            WHEN (SELECT s.stale FROM didkpi.rollup_state s
	                   WHERE s.relname = rel) IS NOT FALSE THEN 'behind'
	            ELSE 'ok' END
$$;

-- name: distribute
-- Each call is a no-op error-free path only the first time: on a second
-- run the tables are already Citus tables, which the checks skip.
DO $$
DECLARE
	t text;
BEGIN
	FOREACH t IN ARRAY ARRAY['services', 'channels', 'auth_methods', 'staff', 'kpi_targets'] LOOP
		IF pg_catalog.to_regclass('didkpi.' || t) IS NOT NULL AND NOT EXISTS (
			SELECT 1 FROM pg_catalog.pg_dist_partition
			 WHERE logicalrelid = pg_catalog.to_regclass('didkpi.' || t)) THEN
			PERFORM create_reference_table(pg_catalog.to_regclass('didkpi.' || t));
		END IF;
	END LOOP;
	FOREACH t IN ARRAY ARRAY['auth_events:event_id', 'service_requests:request_id',
	                         'satisfaction:response_id'] LOOP
		IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_dist_partition
		                WHERE logicalrelid = pg_catalog.to_regclass('didkpi.' || split_part(t, ':', 1))) THEN
			PERFORM create_distributed_table(
				pg_catalog.to_regclass('didkpi.' || split_part(t, ':', 1)),
				split_part(t, ':', 2), colocate_with => 'default');
		END IF;
	END LOOP;
END
$$;

COMMIT;
