-- Least privilege (applied by `didkpi init --roles`, after the schema; safe
-- to run again, and to be run again after an upgrade of the schema).
--   didkpi_read  reads: kpi, compare, chart, report, and the SQL functions
--                didkpi.kpi() and kpi_text() (man/didkpi-sql.7)
--   didkpi_load  didkpi_read, and load: INSERT into the relations, a
--                temporary staging table (TEMPORARY on the database); the
--                loader's lock is an advisory lock, which needs no grant;
--                and refresh --pending (rollup_latency_refresh(),
--                rollup_people_refresh())
-- Both are NOLOGIN group roles: the site grants them to login roles of its
-- choice, e.g.  CREATE ROLE alice LOGIN; GRANT didkpi_read TO alice;
-- demo and init need the schema's owner. Run by a role that owns the
-- schema and may create roles (CREATEROLE). Parameters: none.

DO $$
BEGIN
	IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'didkpi_read') THEN
		CREATE ROLE didkpi_read NOLOGIN;
	END IF;
	IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'didkpi_load') THEN
		CREATE ROLE didkpi_load NOLOGIN;
	END IF;
	IF NOT pg_catalog.pg_has_role('didkpi_load', 'didkpi_read', 'MEMBER') THEN
		GRANT didkpi_read TO didkpi_load;
	END IF;
	-- roles are the cluster's, grants on a database are by name
	EXECUTE pg_catalog.format('GRANT CONNECT ON DATABASE %I TO didkpi_read',
				  pg_catalog.current_database());
	EXECUTE pg_catalog.format('GRANT TEMPORARY ON DATABASE %I TO didkpi_load',
				  pg_catalog.current_database());
END
$$;

GRANT USAGE ON SCHEMA didkpi TO didkpi_read;
GRANT SELECT ON ALL TABLES IN SCHEMA didkpi TO didkpi_read;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA didkpi TO didkpi_read;
-- relations a later schema version adds (created by this same owner)
ALTER DEFAULT PRIVILEGES IN SCHEMA didkpi GRANT SELECT ON TABLES TO didkpi_read;
ALTER DEFAULT PRIVILEGES IN SCHEMA didkpi GRANT EXECUTE ON FUNCTIONS TO didkpi_read;
-- the KPIs from SQL (schema version 8, man/didkpi-sql.7), named for the
-- record; ALL FUNCTIONS above covers them and the helpers they call
GRANT EXECUTE ON FUNCTION didkpi.kpi(text, text, text, text[], integer, text, text),
	didkpi.kpi_text(text, text, text, text[], integer, text, text),
	didkpi.kpi_periods(text, text, text), didkpi.kpi_catalogue() TO didkpi_read;

-- `didkpi refresh --pending` (schema versions 18 and 19): the loading
-- role summarises the months its loads marked; a reader may not (the
-- latencies' lock the authentication events against writers while they
-- run; the people's, the requests and the lookups too)
REVOKE EXECUTE ON FUNCTION didkpi.rollup_latency_refresh(), didkpi.rollup_people_refresh()
	FROM PUBLIC, didkpi_read;
GRANT EXECUTE ON FUNCTION didkpi.rollup_latency_refresh(), didkpi.rollup_people_refresh()
	TO didkpi_load;

-- the relations `didkpi load` accepts (SPEC section 2); not schema_version
GRANT INSERT ON didkpi.services, didkpi.channels, didkpi.auth_methods,
	didkpi.auth_events, didkpi.service_requests, didkpi.satisfaction,
	didkpi.staff, didkpi.kpi_targets, didkpi.channel_costs TO didkpi_load;
