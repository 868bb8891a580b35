-- Schema version 18: each local month's authentication latencies as exact
-- (value, count) pairs, rebuilt for the months a write touched by
-- `didkpi refresh --pending` (issue 9). Applied by `didkpi init`; it can
-- be applied again. Parameters: none.
--
-- Why. The median of auth_latency_median is exact: rollup.sql#auth_latency
-- reads every value of the periods from the index auth_events_latency and
-- lib/kpi.c takes their order statistic. A month at 10 M events holds 274
-- 000 values but only 33 000 distinct ones (latencies are whole
-- milliseconds), so the month's values are 33 000 pairs of this relation:
-- the query's execution, psql, one process, min of 5: 221 ms -> 32 ms.
-- A day holds almost as many distinct values as values (211 000 (day,
-- value) pairs in that month), so the grain is the month, not the day: the
-- pairs serve periods that are whole local months of rollup_zone() (a
-- month, quarter, fiscal or calendar year, a trend by month or quarter)
-- when only the totals are asked for (rollup.sql#auth_latency_months);
-- weeks, days, other ranges and every breakdown (185 000 (service,
-- channel, method, value) keys in that month: no smaller) still read the
-- raw values. It is the same multiset of values, so the same medians to
-- the bit: lib/kpi.c expands the pairs and takes the same order statistic,
-- and tests/e2e/rollup.sh compares both paths with --raw.
--
-- Why not kept by the trigger. Adding a load's rows to the pairs in the
-- writer's transaction, as the day rollups are kept, means grouping the
-- load by (month, value): measured 0.85-1.7 s per million rows here, as
-- much as the whole day rollup, and the bench's load went from 12.6 s to
-- 14.4 s (median of 6), below the target of 0.8 of `\copy`. So the trigger
-- only marks the months the statement touched, from the day rollup's own
-- RETURNING (the days it wrote, nearly free): a marked month's pairs are
-- not read (rollup.sql#auth_latency_months reads its raw values, as
-- before), and `didkpi refresh --pending` (rollup_latency_refresh())
-- rebuilds the marked months and clears the marks, in one transaction
-- with the log relations locked against writers (rollup.sql#lock). A
-- reader's snapshot sees a write and its mark together, or neither: the
-- pairs it reads are never behind the raw values it would read instead.
-- Where the auth rollup itself cannot be used (rollup_status(): triggers
-- disabled or missing, another zone, Citus, a site's view) the pairs are
-- not read either.
-- Size: 1.3 million pairs for 10 M events over 3.5 years, 95 MB.

CREATE TABLE IF NOT EXISTS didkpi.rollup_latency (
	month      date NOT NULL,     -- the first day of a local month
	latency_ms integer NOT NULL,
	n          bigint NOT NULL,
	PRIMARY KEY (month, latency_ms)
);

-- The months whose pairs wait for `didkpi refresh --pending`.
CREATE TABLE IF NOT EXISTS didkpi.rollup_latency_pending (
	month date PRIMARY KEY        -- the first day of a local month
);

-- The statement that writes to rollup_latency the pairs of the
-- successful authentication steps of a source (a relation of
-- auth_events' columns) whose months the caller has just emptied: a plain
-- INSERT (a month's pairs are only ever rebuilt whole; ON CONFLICT's
-- speculative insertion cost 1.2 s for 99 000 pairs). Run in the rollup
-- zone (the callers' SET TimeZone).
CREATE OR REPLACE FUNCTION didkpi.rollup_latency_sql(source text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $f$
SELECT 'INSERT INTO didkpi.rollup_latency (month, latency_ms, n)
 SELECT date_trunc(''month'', t.occurred_at)::date, t.latency_ms, count(*)
   FROM ' || source || ' t
  WHERE t.step = ''authentication'' AND t.outcome = ''success''
    AND t.latency_ms IS NOT NULL
  GROUP BY 1, 2'
$f$;

-- The trigger of the log relations, as in version 10; for auth_events the
-- day rollup's statement also marks the local months of the days it
-- wrote (in month order, so that concurrent writers lock in one order).
CREATE OR REPLACE FUNCTION didkpi.rollup_trigger() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
	rollup text;
	stmt text;
	src text;
BEGIN
	FOREACH rollup IN ARRAY TG_ARGV LOOP
		IF TG_OP = 'TRUNCATE' THEN
			EXECUTE format('TRUNCATE didkpi.%I', 'rollup_' || rollup);
			CONTINUE;
		END IF;
		FOREACH src IN ARRAY CASE TG_OP
			WHEN 'INSERT' THEN ARRAY['(SELECT 1 AS sign, n.* FROM new_rows n)']
			WHEN 'DELETE' THEN ARRAY['(SELECT -1 AS sign, o.* FROM old_rows o)']
			ELSE ARRAY['(SELECT -1 AS sign, o.* FROM old_rows o)',
			           '(SELECT 1 AS sign, n.* FROM new_rows n)'] END
		LOOP
			stmt := didkpi.rollup_sql(rollup, src);
			IF rollup = 'auth' THEN
				stmt := 'WITH d AS (' || stmt || ' RETURNING r.day)
				 INSERT INTO didkpi.rollup_latency_pending (month)
				 SELECT DISTINCT date_trunc(''month'', d.day::timestamp)::date FROM d
				  ORDER BY 1
				 ON CONFLICT (month) DO NOTHING';
			END IF;
			EXECUTE stmt;
		END LOOP;
	END LOOP;
	IF TG_ARGV[0] <> 'auth' THEN
		RETURN NULL;
	END IF;
	IF TG_OP = 'TRUNCATE' THEN
		-- nothing left to summarise: no pairs, nothing pending
		TRUNCATE didkpi.first_identification, didkpi.rollup_latency,
		         didkpi.rollup_latency_pending;
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

-- Rebuilds the pairs of the months marked pending and clears the marks;
-- returns how many months. It first locks auth_events against writers
-- and against another refresh (SHARE ROW EXCLUSIVE: readers go on; a
-- writer's transaction in flight is waited for), so that no month is
-- marked, nor a value written, between the read of the raw values and the
-- clearing of the marks, and two refreshes never rebuild a month at once. SECURITY DEFINER, as the
-- trigger that marks: the loading role (sql/roles.sql grants it EXECUTE,
-- not PUBLIC nor didkpi_read) rebuilds the months its loads marked
-- without writing the rollups itself. Each month is one range of the
-- index auth_events_latency.
CREATE OR REPLACE FUNCTION didkpi.rollup_latency_refresh() RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
	months date[];
	m date;
BEGIN
	LOCK TABLE didkpi.auth_events IN SHARE ROW EXCLUSIVE MODE;
	months := ARRAY(SELECT p.month FROM didkpi.rollup_latency_pending p ORDER BY 1);
	IF cardinality(months) = 0 THEN
		RETURN 0;
	END IF;
	DELETE FROM didkpi.rollup_latency l WHERE l.month = ANY (months);
	-- one statement per month, its range given as values: a join of the
	-- months with the events was planned as a nested loop over every
	-- event where a load had left no statistics yet (7 s for 7 months of
	-- a million events; 0.3 s this way)
	FOREACH m IN ARRAY months LOOP
		EXECUTE didkpi.rollup_latency_sql(
			'(SELECT x.* FROM didkpi.auth_events x
			   WHERE x.occurred_at >= $1 AND x.occurred_at < $2)')
			USING m::timestamp AT TIME ZONE didkpi.rollup_zone(),
			      (m + interval '1 month') AT TIME ZONE didkpi.rollup_zone();
	END LOOP;
	DELETE FROM didkpi.rollup_latency_pending p WHERE p.month = ANY (months);
	RETURN cardinality(months);
END $$;

-- Rebuilds the rollups as in version 10, and the latency pairs from the
-- start of since's local month (a pair holds the whole month), clearing
-- those months' marks.
CREATE OR REPLACE FUNCTION didkpi.rollup_refresh(since date) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog AS $$
DECLARE
	rel record;
	from_month date;
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
			from_month := CASE WHEN isfinite(since)
			                   THEN date_trunc('month', since::timestamp)::date ELSE since END;
			DELETE FROM didkpi.rollup_latency l WHERE l.month >= from_month;
			DELETE FROM didkpi.rollup_latency_pending p WHERE p.month >= from_month;
			EXECUTE didkpi.rollup_latency_sql(format(
				'(SELECT x.* FROM didkpi.auth_events x WHERE x.occurred_at >= '
				'(%L::date::timestamp AT TIME ZONE didkpi.rollup_zone()))', from_month));
			PERFORM didkpi.first_identification_redo(NULL);
		END IF;
	END LOOP;
END $$;

REVOKE EXECUTE ON FUNCTION didkpi.rollup_latency_refresh() FROM PUBLIC;

-- The functions that run rollup_sql()'s and rollup_latency_sql()'s
-- statements run in the rollup zone (version 13): CREATE OR REPLACE
-- FUNCTION replaced their settings.
DO $$
BEGIN
	EXECUTE pg_catalog.format('ALTER FUNCTION didkpi.rollup_trigger() SET TimeZone = %L',
				  didkpi.rollup_zone());
	EXECUTE pg_catalog.format('ALTER FUNCTION didkpi.rollup_refresh(date) SET TimeZone = %L',
				  didkpi.rollup_zone());
	EXECUTE pg_catalog.format('ALTER FUNCTION didkpi.rollup_latency_refresh() SET TimeZone = %L',
				  didkpi.rollup_zone());
END
$$;

-- Filled from what is stored, where auth_events is a table (a site's view
-- has no trigger and its rollups are never used); nothing is pending.
-- rollup_latency_sql()'s statement runs in the rollup zone, set here for
-- it alone.
DO $$
DECLARE
	zone text := pg_catalog.current_setting('TimeZone');
BEGIN
	IF EXISTS (SELECT 1 FROM pg_catalog.pg_class c
	             JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
	            WHERE n.nspname = 'didkpi' AND c.relname = 'auth_events'
	              AND c.relkind IN ('r', 'p')) THEN
		PERFORM pg_catalog.set_config('TimeZone', didkpi.rollup_zone(), true);
		DELETE FROM didkpi.rollup_latency;
		DELETE FROM didkpi.rollup_latency_pending;
		EXECUTE didkpi.rollup_latency_sql(
			'didkpi.auth_events');
		PERFORM pg_catalog.set_config('TimeZone', zone, true);
	END IF;
END
$$;
