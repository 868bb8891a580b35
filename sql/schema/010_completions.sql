-- Schema version 10: completions by closing day (issue 9). Applied by
-- `didkpi init`; it can be applied again (CREATE OR REPLACE, and the
-- rollup is rebuilt whole). Parameters: none.
--
-- The cost KPIs count the requests completed in a period by their closing
-- day, which rollup_requests (by submission day) does not hold: they were
-- read from the raw requests, a month's 50 000 grouped rows at 10 M events
-- (0.14 s), a fiscal year by month 1.1 s. didkpi.rollup_closed keeps the
-- count by local closing day, service and channel, maintained by the same
-- statement triggers as the other rollups (the requests' triggers now name
-- two rollups), rebuilt by `didkpi refresh`, and used only when
-- rollup_status('service_requests') is 'ok', as rollup_requests is.
-- didkpi.completed_costs() reads it when asked (its fourth argument), so
-- the costs are looked up by one function whichever source counted.
--
-- The service-time percentiles stay exact from the raw requests. The
-- partial index of version 1 on the completed requests' closed_at now
-- carries the columns those queries read (service_requests_completed
-- replaces service_requests_closed_at), so that they are answered by an
-- index-only scan, as auth_events_latency answers the latencies: a fiscal
-- year's 540 000 service times by month and every breakdown took 1.05 s
-- through the heap, 0.77 s from this index. The index is three times
-- larger (12 MB instead of 4 MB per 200 000 requests); no index is added.

CREATE TABLE IF NOT EXISTS didkpi.rollup_closed (
	day          date NOT NULL,
	service_code text NOT NULL,
	channel      text NOT NULL,
	completed    bigint NOT NULL,
	UNIQUE (day, service_code, channel)
);

-- As in version 9, with the 'closed' rollup: completed requests by local
-- closing day, groups in byte order (one lock order for every writer).
CREATE OR REPLACE FUNCTION didkpi.rollup_sql(rollup text, source text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $f$
SELECT CASE rollup
WHEN 'requests' THEN
'INSERT INTO didkpi.rollup_requests AS r
        (day, service_code, channel, method, requests, single_window, completed)
 SELECT (t.submitted_at AT TIME ZONE didkpi.rollup_zone())::date,
        t.service_code COLLATE "C", t.channel COLLATE "C", t.auth_method COLLATE "C",
        sum(t.sign), coalesce(sum(t.sign) FILTER (WHERE t.via_single_window), 0),
        coalesce(sum(t.sign) FILTER (WHERE t.status = ''completed''), 0)
   FROM ' || source || ' t
  GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
 ON CONFLICT (day, service_code, channel, method) DO UPDATE
    SET requests = r.requests + excluded.requests,
        single_window = r.single_window + excluded.single_window,
        completed = r.completed + excluded.completed'
WHEN 'closed' THEN
'INSERT INTO didkpi.rollup_closed AS r (day, service_code, channel, completed)
 SELECT (t.closed_at AT TIME ZONE didkpi.rollup_zone())::date,
        t.service_code COLLATE "C", t.channel COLLATE "C", sum(t.sign)
   FROM ' || source || ' t
  WHERE t.status = ''completed'' AND t.closed_at IS NOT NULL
  GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
 ON CONFLICT (day, service_code, channel) DO UPDATE
    SET completed = r.completed + excluded.completed'
WHEN 'auth' THEN
'INSERT INTO didkpi.rollup_auth AS r
        (day, service_code, channel, method, auth_n, auth_ok, ident_n, ident_ok,
         latency_n, events)
 SELECT (t.occurred_at AT TIME ZONE didkpi.rollup_zone())::date,
        t.service_code COLLATE "C", t.channel COLLATE "C", t.method COLLATE "C",
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
        t.service_code COLLATE "C", t.channel COLLATE "C",
        sum(t.sign), sum(t.sign * t.score),
        coalesce(sum(t.sign) FILTER (WHERE t.score >= 4), 0)
   FROM ' || source || ' t
  GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
 ON CONFLICT (day, service_code, channel) DO UPDATE
    SET n = r.n + excluded.n, score_sum = r.score_sum + excluded.score_sum,
        satisfied = r.satisfied + excluded.satisfied'
END
$f$;

-- The trigger of the log relations, as in version 6, each argument naming
-- a rollup of the relation, kept in the order given (every writer locks
-- them in that order); for auth_events the first identifications too.
CREATE OR REPLACE FUNCTION didkpi.rollup_trigger() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
	rollup text;
BEGIN
	FOREACH rollup IN ARRAY TG_ARGV LOOP
		IF TG_OP = 'TRUNCATE' THEN
			EXECUTE format('TRUNCATE didkpi.%I', 'rollup_' || rollup);
			CONTINUE;
		END IF;
		IF TG_OP IN ('DELETE', 'UPDATE') THEN
			EXECUTE didkpi.rollup_sql(rollup, '(SELECT -1 AS sign, o.* FROM old_rows o)');
		END IF;
		IF TG_OP IN ('INSERT', 'UPDATE') THEN
			EXECUTE didkpi.rollup_sql(rollup, '(SELECT 1 AS sign, n.* FROM new_rows n)');
		END IF;
	END LOOP;
	IF TG_ARGV[0] <> 'auth' THEN
		RETURN NULL;
	END IF;
	IF TG_OP = 'TRUNCATE' THEN
		TRUNCATE didkpi.first_identification;
		RETURN NULL;
	END IF;
	IF TG_OP = 'INSERT' THEN
		-- Sorted by person, so that concurrent loads lock in one order;
		-- in byte order, which sorts several times faster than a
		-- database collation.
		INSERT INTO didkpi.first_identification AS f
		SELECT DISTINCT ON (n.user_key COLLATE "C") n.user_key, n.occurred_at, n.event_id,
		       n.service_code, n.channel, n.method
		  FROM new_rows n
		 WHERE n.step = 'identification' AND n.outcome = 'success'
		   AND n.user_key IS NOT NULL
		 ORDER BY n.user_key COLLATE "C", n.occurred_at, n.event_id COLLATE "C"
		ON CONFLICT (user_key) DO UPDATE
		   SET occurred_at = excluded.occurred_at, event_id = excluded.event_id,
		       service_code = excluded.service_code, channel = excluded.channel,
		       method = excluded.method
		 WHERE excluded.occurred_at < f.occurred_at
		    OR (excluded.occurred_at = f.occurred_at
		        AND excluded.event_id COLLATE "C" < f.event_id COLLATE "C");
	ELSIF TG_OP = 'DELETE' THEN
		PERFORM didkpi.first_identification_redo(ARRAY(
			SELECT DISTINCT o.user_key FROM old_rows o
			 WHERE o.step = 'identification' AND o.outcome = 'success'
			   AND o.user_key IS NOT NULL ORDER BY 1));
	ELSE
		PERFORM didkpi.first_identification_redo(ARRAY(
			SELECT DISTINCT x.user_key
			  FROM (SELECT o.user_key FROM old_rows o
			         WHERE o.step = 'identification' AND o.outcome = 'success'
			        UNION ALL
			        SELECT n.user_key FROM new_rows n
			         WHERE n.step = 'identification' AND n.outcome = 'success') x
			 WHERE x.user_key IS NOT NULL ORDER BY 1));
	END IF;
	RETURN NULL;
END $$;

-- Rebuilds the rollups as in version 6, with the 'closed' rollup rebuilt
-- from the requests closed on local days >= since (a request submitted
-- before since may close after it).
CREATE OR REPLACE FUNCTION didkpi.rollup_refresh(since date) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog AS $$
DECLARE
	rel record;
BEGIN
	FOR rel IN SELECT * FROM (VALUES ('service_requests', 'requests', 'submitted_at'),
	                                 ('service_requests', 'closed', 'closed_at'),
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
		IF rel.rollup = 'auth' THEN
			PERFORM didkpi.first_identification_redo(NULL);
		END IF;
	END LOOP;
END $$;

-- The requests' triggers keep both rollups, where they exist (not on a
-- site's view, nor where sql/citus.sql dropped them: Citus refuses trigger
-- commands on a distributed table). CREATE OR REPLACE TRIGGER leaves a
-- trigger ENABLE (origin): each gets back the state it had, and one that
-- was missing is created disabled, so that a rollup that was not being
-- kept (rollup_status 'triggers', whether or not an event trigger marked
-- it stale) is still not used after the upgrade. The new rollup is filled
-- from what is stored (a full `didkpi refresh` rebuilds it with the rest).
DO $$
DECLARE
	names text[] := ARRAY['rollup_ins', 'rollup_del', 'rollup_upd', 'rollup_trunc'];
	was "char"[];
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_trigger g
	                WHERE g.tgrelid = 'didkpi.service_requests'::regclass
	                  AND g.tgname = ANY (names)) THEN
		RETURN;
	END IF;
	SELECT array_agg(coalesce(g.tgenabled, 'D') ORDER BY u.k) INTO was
	  FROM unnest(names) WITH ORDINALITY AS u(name, k)
	  LEFT JOIN pg_catalog.pg_trigger g
	    ON g.tgrelid = 'didkpi.service_requests'::regclass AND g.tgname = u.name;
	CREATE OR REPLACE TRIGGER rollup_ins AFTER INSERT ON didkpi.service_requests
		REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
		EXECUTE FUNCTION didkpi.rollup_trigger('requests', 'closed');
	CREATE OR REPLACE TRIGGER rollup_del AFTER DELETE ON didkpi.service_requests
		REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
		EXECUTE FUNCTION didkpi.rollup_trigger('requests', 'closed');
	CREATE OR REPLACE TRIGGER rollup_upd AFTER UPDATE ON didkpi.service_requests
		REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
		EXECUTE FUNCTION didkpi.rollup_trigger('requests', 'closed');
	CREATE OR REPLACE TRIGGER rollup_trunc AFTER TRUNCATE ON didkpi.service_requests
		FOR EACH STATEMENT EXECUTE FUNCTION didkpi.rollup_trigger('requests', 'closed');
	-- one ALTER TABLE: the event trigger of version 5 looks at the four
	-- states when it ends, not halfway
	EXECUTE 'ALTER TABLE didkpi.service_requests ' || (
		SELECT string_agg(format('%s TRIGGER %I',
		                         CASE was[k] WHEN 'A' THEN 'ENABLE ALWAYS' WHEN 'O' THEN 'ENABLE'
		                                     WHEN 'R' THEN 'ENABLE REPLICA' ELSE 'DISABLE' END,
		                         names[k]), ', ' ORDER BY k)
		  FROM generate_series(1, 4) AS k);
	DELETE FROM didkpi.rollup_closed;
	EXECUTE didkpi.rollup_sql('closed',
		'(SELECT 1 AS sign, x.* FROM didkpi.service_requests x)');
END
$$;

DO $$
BEGIN
	IF EXISTS (SELECT 1 FROM pg_catalog.pg_class c
	             JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
	            WHERE n.nspname = 'didkpi' AND c.relname = 'service_requests'
	              AND c.relkind IN ('r', 'p')) THEN
		CREATE INDEX IF NOT EXISTS service_requests_completed
			ON didkpi.service_requests (closed_at)
			INCLUDE (submitted_at, service_code, channel, auth_method)
			WHERE status = 'completed';
		DROP INDEX IF EXISTS didkpi.service_requests_closed_at;
	END IF;
END
$$;

-- The completed requests of the periods by local closing day, service and
-- channel: (i, day, service_code, channel, n), from the raw requests or,
-- when from_rollup, from rollup_closed (the caller checks rollup_status
-- first). PL/pgSQL, so that only the branch asked for is planned: as one
-- SQL query (UNION ALL of both, each behind a one-time filter) the raw
-- branch's estimate made PostgreSQL start parallel workers for the few
-- rollup rows, 0.14 s for a month's 2 000. The raw query is run by
-- EXECUTE ... USING, its arguments bound as values: Citus cannot plan the
-- parameters of a function's query otherwise ("could not create
-- distributed plan"; sql/citus.sql replaced version 7's function for
-- that), and with them it counts on the workers, shard by shard.
CREATE OR REPLACE FUNCTION didkpi.completed_counts(starts date[], ends date[], tz text,
                                                   from_rollup boolean)
RETURNS TABLE (i integer, day date, service_code text, channel text, n bigint)
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF from_rollup THEN
		RETURN QUERY
		SELECT p.i, c.day, c.service_code, c.channel, c.completed
		  FROM didkpi.periods(starts, ends, tz) p
		  JOIN didkpi.rollup_closed c ON c.day >= p.start_date AND c.day < p.end_date
		 WHERE c.completed <> 0;
	ELSE
		RETURN QUERY EXECUTE $q$
		SELECT p.i, (r.closed_at AT TIME ZONE $3)::date, r.service_code, r.channel, count(*)
		  FROM didkpi.periods($1, $2, $3) p
		  JOIN didkpi.service_requests r
		    ON r.closed_at >= p.ts AND r.closed_at < p.te AND r.status = 'completed'
		 GROUP BY 1, 2, 3, 4
		$q$ USING starts, ends, tz;
	END IF;
END $$;

-- Version 7's function, counting through didkpi.completed_counts(): the
-- completed requests with the channel's cost and the cheapest counter
-- channel's on their closing day, looked up the same way whichever source
-- counted. The costs are looked up once per (day, service, channel), and
-- the counter cost once per (day, service), as joins: version 7 ran two
-- correlated subqueries per row, 0.15 s for a report's 17 000 rows even
-- with no costs at all. The rules are version 7's: a service's own cost
-- before the channel's default, then the latest valid_from (the loader
-- refuses overlapping ranges, so there is no tie). Replaces the function
-- of three arguments, whose calls now get the raw count by default.
DROP FUNCTION IF EXISTS didkpi.completed_costs(date[], date[], text);
CREATE OR REPLACE FUNCTION didkpi.completed_costs(starts date[], ends date[], tz text,
                                                  from_rollup boolean DEFAULT false)
RETURNS TABLE (i integer, day date, service_code text, channel text, n bigint,
	       is_digital boolean, unit_cost numeric, counter_cost numeric)
LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
AS $$
	WITH g AS (
		SELECT * FROM didkpi.completed_counts(starts, ends, tz, from_rollup)
	), unit AS (
		SELECT DISTINCT ON (d.day, d.service_code, d.channel)
		       d.day, d.service_code, d.channel, k.cost_thb
		  FROM (SELECT DISTINCT g.day, g.service_code, g.channel FROM g) d
		  JOIN didkpi.channel_costs k
		    ON k.channel = d.channel
		   AND (k.service_code = d.service_code OR k.service_code IS NULL)
		   AND d.day BETWEEN k.valid_from AND k.valid_to
		 ORDER BY d.day, d.service_code, d.channel, k.service_code IS NULL, k.valid_from DESC
	), counter AS (
		SELECT x.day, x.service_code, min(x.cost_thb) AS cost_thb
		  FROM (SELECT DISTINCT ON (d.day, d.service_code, k.channel)
		               d.day, d.service_code, k.cost_thb
		          FROM (SELECT DISTINCT g.day, g.service_code FROM g) d
		          JOIN didkpi.channel_costs k
		            ON (k.service_code = d.service_code OR k.service_code IS NULL)
		           AND d.day BETWEEN k.valid_from AND k.valid_to
		          JOIN didkpi.channels b ON b.channel = k.channel AND NOT b.is_digital
		         ORDER BY d.day, d.service_code, k.channel, k.service_code IS NULL,
		                  k.valid_from DESC) x
		 GROUP BY x.day, x.service_code
	)
	SELECT g.i, g.day, g.service_code, g.channel, g.n, ch.is_digital, u.cost_thb,
	       CASE WHEN ch.is_digital THEN c.cost_thb END
	  FROM g
	  JOIN didkpi.channels ch ON ch.channel = g.channel
	  LEFT JOIN unit u
	    ON u.day = g.day AND u.service_code = g.service_code AND u.channel = g.channel
	  LEFT JOIN counter c ON c.day = g.day AND c.service_code = g.service_code
$$;

DO $$
BEGIN
	IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'didkpi_read') THEN
		GRANT SELECT ON didkpi.rollup_closed TO didkpi_read;
	END IF;
END
$$;
