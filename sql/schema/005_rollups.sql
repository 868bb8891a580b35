-- Schema version 5: exact day rollups of the log relations (issue 9, item 2).
-- Applied by `didkpi init`. Parameters: none.
--
-- Design. One rollup per log relation, keyed by the local day in the
-- rollup zone (didkpi.rollup_zone(), Asia/Bangkok) and the raw codes the
-- breakdowns come from (service_code, channel, method): owner units, the
-- digital channels and the Digital ID methods are joined at query time, so
-- editing services, channels or auth_methods never makes a rollup wrong.
-- Only additive counts and sums are kept; distinct users, medians and
-- percentiles are computed from the raw logs (lib/kpi.c).
--
-- Maintenance. Statement-level AFTER triggers with transition tables add
-- what an INSERT or COPY wrote, subtract what a DELETE removed, do both for
-- an UPDATE and empty the rollup on TRUNCATE, in the writer's transaction:
-- `didkpi load`, psql and other programs alike keep the rollups exact with
-- no call of their own. The triggers are ENABLE ALWAYS, so
-- session_replication_role = replica does not skip them.
--
-- Staleness. Counting the raw rows of the periods would prove a rollup
-- complete but costs seconds at 10 M events (2.6 s for a fiscal year), so
-- the only way to write past a rollup is watched instead: a trigger that is
-- not ENABLE ALWAYS (disabled, dropped, set to origin or replica). The KPI
-- engine (rollup.sql#check) never uses a rollup whose triggers are not all
-- ENABLE ALWAYS now, nor one marked stale in didkpi.rollup_state: where the
-- schema's owner is a superuser, an event trigger marks a rollup stale at
-- the end of any ALTER TABLE or DROP TRIGGER that leaves its triggers so
-- (re-enabling them later does not unmark it: rows may have come in
-- meanwhile); a full `didkpi refresh` rebuilds and unmarks it. Where a
-- site replaced a log relation by a view (sql/examples/site_views.sql) no
-- trigger is created and the rollup is never used.

CREATE OR REPLACE FUNCTION didkpi.rollup_zone() RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT 'Asia/Bangkok'::text $$;

CREATE TABLE IF NOT EXISTS didkpi.rollup_state (
	relname text PRIMARY KEY,
	stale   boolean NOT NULL
);
INSERT INTO didkpi.rollup_state VALUES
	('service_requests', false), ('auth_events', false), ('satisfaction', false)
ON CONFLICT (relname) DO NOTHING;

-- Requests by submission day: completed counts by submission day too (the
-- completion rate's numerator); the closing day's measures are percentiles.
CREATE TABLE IF NOT EXISTS didkpi.rollup_requests (
	day           date NOT NULL,
	service_code  text NOT NULL,
	channel       text NOT NULL,
	method        text,
	requests      bigint NOT NULL,
	single_window bigint NOT NULL,
	completed     bigint NOT NULL,
	UNIQUE NULLS NOT DISTINCT (day, service_code, channel, method)
);

CREATE TABLE IF NOT EXISTS didkpi.rollup_auth (
	day          date NOT NULL,
	service_code text,
	channel      text NOT NULL,
	method       text NOT NULL,
	auth_n       bigint NOT NULL,
	auth_ok      bigint NOT NULL,
	ident_n      bigint NOT NULL,
	ident_ok     bigint NOT NULL,
	latency_n    bigint NOT NULL,
	events       bigint NOT NULL,
	UNIQUE NULLS NOT DISTINCT (day, service_code, channel, method)
);

CREATE TABLE IF NOT EXISTS didkpi.rollup_satisfaction (
	day          date NOT NULL,
	service_code text NOT NULL,
	channel      text NOT NULL,
	n            bigint NOT NULL,
	score_sum    bigint NOT NULL,
	satisfied    bigint NOT NULL,
	UNIQUE NULLS NOT DISTINCT (day, service_code, channel)
);

-- The statement that adds to a rollup the rows of a source: a relation
-- or subquery with the log relation's columns and a column "sign" (1 to
-- add, -1 to subtract). Groups come sorted so that concurrent writers lock
-- rollup rows in the same order; rows that reach zero stay (they add
-- nothing). Shared by the triggers and `didkpi refresh`.
CREATE OR REPLACE FUNCTION didkpi.rollup_sql(rollup text, source text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $f$
SELECT CASE rollup
WHEN 'requests' THEN
'INSERT INTO didkpi.rollup_requests AS r
        (day, service_code, channel, method, requests, single_window, completed)
 SELECT (t.submitted_at AT TIME ZONE didkpi.rollup_zone())::date,
        t.service_code, t.channel, t.auth_method,
        sum(t.sign), coalesce(sum(t.sign) FILTER (WHERE t.via_single_window), 0),
        coalesce(sum(t.sign) FILTER (WHERE t.status = ''completed''), 0)
   FROM ' || source || ' t
  GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
 ON CONFLICT (day, service_code, channel, method) DO UPDATE
    SET requests = r.requests + excluded.requests,
        single_window = r.single_window + excluded.single_window,
        completed = r.completed + excluded.completed'
WHEN 'auth' THEN
'INSERT INTO didkpi.rollup_auth AS r
        (day, service_code, channel, method, auth_n, auth_ok, ident_n, ident_ok,
         latency_n, events)
 SELECT (t.occurred_at AT TIME ZONE didkpi.rollup_zone())::date,
        t.service_code, t.channel, t.method,
        coalesce(sum(t.sign) FILTER (WHERE t.step = ''authentication''), 0),
        coalesce(sum(t.sign) FILTER (WHERE t.step = ''authentication''
                                       AND t.outcome = ''success''), 0),
        coalesce(sum(t.sign) FILTER (WHERE t.step = ''identification''), 0),
        coalesce(sum(t.sign) FILTER (WHERE t.step = ''identification''
                                       AND t.outcome = ''success''), 0),
        coalesce(sum(t.sign) FILTER (WHERE t.step = ''authentication''
                                       AND t.outcome = ''success''
                                       AND t.latency_ms IS NOT NULL), 0),
        sum(t.sign)
   FROM ' || source || ' t
  GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
 ON CONFLICT (day, service_code, channel, method) DO UPDATE
    SET auth_n = r.auth_n + excluded.auth_n, auth_ok = r.auth_ok + excluded.auth_ok,
        ident_n = r.ident_n + excluded.ident_n, ident_ok = r.ident_ok + excluded.ident_ok,
        latency_n = r.latency_n + excluded.latency_n, events = r.events + excluded.events'
WHEN 'satisfaction' THEN
'INSERT INTO didkpi.rollup_satisfaction AS r
        (day, service_code, channel, n, score_sum, satisfied)
 SELECT (t.answered_at AT TIME ZONE didkpi.rollup_zone())::date,
        t.service_code, t.channel,
        sum(t.sign), sum(t.sign * t.score),
        coalesce(sum(t.sign) FILTER (WHERE t.score >= 4), 0)
   FROM ' || source || ' t
  GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
 ON CONFLICT (day, service_code, channel) DO UPDATE
    SET n = r.n + excluded.n, score_sum = r.score_sum + excluded.score_sum,
        satisfied = r.satisfied + excluded.satisfied'
END
$f$;

-- The trigger of the log relations; TG_ARGV[0] names the rollup. The
-- transition tables (new_rows, old_rows) are visible to this function's
-- own statements only, so the shared statement is run with EXECUTE here.
-- SECURITY DEFINER (with a fixed search_path): a role that may write a log
-- relation keeps its rollup right without rights on the rollup itself.
CREATE OR REPLACE FUNCTION didkpi.rollup_trigger() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
BEGIN
	IF TG_OP = 'TRUNCATE' THEN
		EXECUTE format('TRUNCATE didkpi.%I', 'rollup_' || TG_ARGV[0]);
		RETURN NULL;
	END IF;
	IF TG_OP IN ('DELETE', 'UPDATE') THEN
		EXECUTE didkpi.rollup_sql(TG_ARGV[0], '(SELECT -1 AS sign, o.* FROM old_rows o)');
	END IF;
	IF TG_OP IN ('INSERT', 'UPDATE') THEN
		EXECUTE didkpi.rollup_sql(TG_ARGV[0], '(SELECT 1 AS sign, n.* FROM new_rows n)');
	END IF;
	RETURN NULL;
END $$;

-- Rebuilds the rollups of the log relations that are tables from their
-- rows of local day >= since ('-infinity': all), for data written while
-- the triggers were skipped. The caller locks the log relations.
CREATE OR REPLACE FUNCTION didkpi.rollup_refresh(since date) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog AS $$
DECLARE
	rel record;
BEGIN
	FOR rel IN SELECT * FROM (VALUES ('service_requests', 'requests', 'submitted_at'),
	                                 ('auth_events', 'auth', 'occurred_at'),
	                                 ('satisfaction', 'satisfaction', 'answered_at'))
	                         AS v(tab, rollup, col)
	LOOP
		CONTINUE WHEN NOT EXISTS (
			SELECT 1 FROM pg_catalog.pg_class c
			  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
			 WHERE n.nspname = 'didkpi' AND c.relname = rel.tab AND c.relkind IN ('r', 'p'));
		IF since = '-infinity' THEN
			UPDATE didkpi.rollup_state SET stale = false WHERE relname = rel.tab;
		END IF;
		EXECUTE format('DELETE FROM didkpi.%I WHERE day >= $1', 'rollup_' || rel.rollup)
			USING since;
		EXECUTE didkpi.rollup_sql(rel.rollup,
			format('(SELECT 1 AS sign, x.* FROM didkpi.%I x WHERE x.%I >= '
			       '(%L::date::timestamp AT TIME ZONE didkpi.rollup_zone()))',
			       rel.tab, rel.col, since));
	END LOOP;
END $$;

-- Triggers on the log relations that are tables (not a site's views), and
-- the rollups filled from what is already stored.
DO $$
DECLARE
	rel record;
BEGIN
	FOR rel IN SELECT * FROM (VALUES ('service_requests', 'requests'),
	                                 ('auth_events', 'auth'),
	                                 ('satisfaction', 'satisfaction')) AS v(tab, rollup)
	LOOP
		IF EXISTS (SELECT 1 FROM pg_catalog.pg_class c
		             JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
		            WHERE n.nspname = 'didkpi' AND c.relname = rel.tab
		              AND c.relkind IN ('r', 'p')) THEN
			EXECUTE format('CREATE OR REPLACE TRIGGER rollup_ins AFTER INSERT ON didkpi.%I '
			               'REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT '
			               'EXECUTE FUNCTION didkpi.rollup_trigger(%L)', rel.tab, rel.rollup);
			EXECUTE format('CREATE OR REPLACE TRIGGER rollup_del AFTER DELETE ON didkpi.%I '
			               'REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT '
			               'EXECUTE FUNCTION didkpi.rollup_trigger(%L)', rel.tab, rel.rollup);
			EXECUTE format('CREATE OR REPLACE TRIGGER rollup_upd AFTER UPDATE ON didkpi.%I '
			               'REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows '
			               'FOR EACH STATEMENT EXECUTE FUNCTION didkpi.rollup_trigger(%L)',
			               rel.tab, rel.rollup);
			EXECUTE format('CREATE OR REPLACE TRIGGER rollup_trunc AFTER TRUNCATE ON didkpi.%I '
			               'FOR EACH STATEMENT EXECUTE FUNCTION didkpi.rollup_trigger(%L)',
			               rel.tab, rel.rollup);
			EXECUTE format('ALTER TABLE didkpi.%I ENABLE ALWAYS TRIGGER rollup_ins, '
			               'ENABLE ALWAYS TRIGGER rollup_del, ENABLE ALWAYS TRIGGER rollup_upd, '
			               'ENABLE ALWAYS TRIGGER rollup_trunc', rel.tab);
		END IF;
	END LOOP;
	PERFORM didkpi.rollup_refresh('-infinity');
END
$$;

-- The log relations whose rollup triggers are not all ENABLE ALWAYS.
CREATE OR REPLACE FUNCTION didkpi.rollup_unwatched() RETURNS SETOF text
LANGUAGE sql STABLE SET search_path = pg_catalog AS $$
	SELECT c.relname::text
	  FROM pg_catalog.pg_class c
	  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
	 WHERE n.nspname = 'didkpi' AND c.relkind IN ('r', 'p')
	   AND c.relname IN ('service_requests', 'auth_events', 'satisfaction')
	   AND (SELECT count(*) FROM pg_catalog.pg_trigger g
	         WHERE g.tgrelid = c.oid AND g.tgenabled = 'A'
	           AND g.tgname IN ('rollup_ins', 'rollup_del', 'rollup_upd', 'rollup_trunc')) < 4
$$;

CREATE OR REPLACE FUNCTION didkpi.rollup_watch() RETURNS event_trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
BEGIN
	UPDATE didkpi.rollup_state SET stale = true
	 WHERE NOT stale AND relname IN (SELECT didkpi.rollup_unwatched());
END $$;

-- Event triggers need a superuser; without one a disable-write-enable
-- window goes unseen (documented in didkpi-refresh(1)).
DO $$
BEGIN
	IF (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user)
	   AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_event_trigger
	                    WHERE evtname = 'didkpi_rollup_watch') THEN
		CREATE EVENT TRIGGER didkpi_rollup_watch ON ddl_command_end
			WHEN TAG IN ('ALTER TABLE', 'DROP TRIGGER')
			EXECUTE FUNCTION didkpi.rollup_watch();
	END IF;
END
$$;

-- The auth latency median stays exact from the raw events: this index
-- answers it by an index-only scan of a period's successful authentications.
DO $$
BEGIN
	IF EXISTS (SELECT 1 FROM pg_catalog.pg_class c
	             JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
	            WHERE n.nspname = 'didkpi' AND c.relname = 'auth_events'
	              AND c.relkind IN ('r', 'p')) THEN
		CREATE INDEX IF NOT EXISTS auth_events_latency
			ON didkpi.auth_events (occurred_at)
			INCLUDE (latency_ms, service_code, channel, method)
			WHERE step = 'authentication' AND outcome = 'success';
	END IF;
END
$$;
