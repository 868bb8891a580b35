-- Schema version 12: what the KPIs still read from the raw logs is read
-- from covering indexes, a month's people no longer cost more as history
-- grows, and the costs are looked up once per stretch of days with one
-- price instead of once per day (issue 9). Applied by
-- `didkpi init`; it can be applied again. Parameters: none.
--
-- first_identification_occurred replaces first_identification_occurred_at
-- (version 6): the same key, carrying the columns rollup.sql#enrolments
-- groups by, so that the enrolments are an index-only scan. The people
-- of a period are scattered over the table's pages (it is keyed by
-- person): a fiscal year by month fetched 198 000 heap pages for as many
-- people, 0.33 s at 10 M events, 0.08 s from the index (the monthly
-- workbook's 13 months: 0.57 s). No index is added; a load writes the
-- same number of index entries, a few bytes longer.
--
-- service_requests_people replaces service_requests_submitted_at
-- (version 1) the same way, with the columns of rollup.sql#request_users:
-- the requests of a period lie scattered over the heap (in load order),
-- and their people were fetched page by page (a fiscal year at 10 M
-- events, 573 000 requests: 2.4 s, 2.0 s from the index). Every other
-- reader of the submission time (freshness, compare, the raw KPIs) reads
-- the same key.
DO $$
BEGIN
	IF EXISTS (SELECT 1 FROM pg_catalog.pg_class c
	             JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
	            WHERE n.nspname = 'didkpi' AND c.relname = 'service_requests'
	              AND c.relkind IN ('r', 'p')) THEN
		CREATE INDEX IF NOT EXISTS service_requests_people
			ON didkpi.service_requests (submitted_at)
			INCLUDE (user_key, service_code, channel, auth_method);
		DROP INDEX IF EXISTS didkpi.service_requests_submitted_at;
	END IF;
END
$$;

CREATE INDEX IF NOT EXISTS first_identification_occurred
	ON didkpi.first_identification (occurred_at) INCLUDE (service_code, channel, method);
DROP INDEX IF EXISTS didkpi.first_identification_occurred_at;

-- The people of a month must not cost more as the years of history grow.
-- rollup.sql#request_users looks up each requester's first
-- identification: by a hash of everyone identified before the period's
-- end, or by one probe of the primary key per request, as the planner
-- finds cheaper. A probe fetched the row from the heap, so the planner
-- (rightly) hashed, and a month's cost grew with the people ever
-- identified: a month of 5 000 requests took 0.40 s over ten times the
-- demo's history (500 000 people), 0.04 s over the demo's (bench/run.sh,
-- dataset "_hist"). The primary key now carries the instant, so a probe
-- reads the index alone; the planner probes for that month (0.13 s in a
-- new connection, whose first touch of each shared page costs a page
-- fault here, 0.03 s warm) and still hashes for a dense month or a fiscal
-- year, whose requests are as many as the people. ON CONFLICT (user_key)
-- is unchanged: the key is still user_key alone.
DO $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_index i
	                WHERE i.indexrelid = pg_catalog.to_regclass('didkpi.first_identification_pkey')
	                  AND i.indnatts > i.indnkeyatts) THEN
		ALTER TABLE didkpi.first_identification
			DROP CONSTRAINT IF EXISTS first_identification_pkey,
			ADD CONSTRAINT first_identification_pkey PRIMARY KEY (user_key) INCLUDE (occurred_at);
	END IF;
END
$$;

-- didkpi.completed_counts() returns a row per (period, day, service,
-- channel): a month's 2 000, a workbook's 18 000, a fiscal year by month
-- 50 000. The planner's default guess for a function is 1 000 rows, with
-- which it joined the rows to the price stretches below by a nested loop
-- (2.2 million comparisons for a workbook).
ALTER FUNCTION didkpi.completed_counts(date[], date[], text, boolean) ROWS 20000;

-- Version 10's function, the same rows. A price changes only where a cost
-- row of channel_costs begins or ends, so the costs are found once per
-- stretch between two such days ("segments"), not once for every day:
--   seg   for each service counted and each channel with a cost row that
--         may apply to it, the days where a row begins (valid_from) or
--         ends (the day after valid_to), and the price from each such day
--         until the next, chosen by version 7's rules on its first day (the
--         service's own cost before the channel's default, then the latest
--         valid_from); NULL where none applies;
--   cseg  for each service, the cheapest counter (non-digital) channel's
--         price, from each day where any counter channel's price changes;
-- and each counted row takes the stretch its day lies in (none before the
-- first: no cost). A workbook's 13 months: 0.14 s -> 0.07 s with costs
-- loaded; the same rows as version 10 (checked with costs left out on
-- some days, a service's own costs and a channel made non-digital).
CREATE OR REPLACE FUNCTION didkpi.completed_costs(starts date[], ends date[], tz text,
                                                  from_rollup boolean DEFAULT false)
RETURNS TABLE (i integer, day date, service_code text, channel text, n bigint,
	       is_digital boolean, unit_cost numeric, counter_cost numeric)
LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
AS $$
	WITH g AS (
		SELECT * FROM didkpi.completed_counts(starts, ends, tz, from_rollup)
	), edge AS (
		SELECT DISTINCT s.service_code, k.channel, b.day
		  FROM (SELECT DISTINCT g.service_code FROM g) s
		  JOIN didkpi.channel_costs k
		    ON k.service_code = s.service_code OR k.service_code IS NULL
		 CROSS JOIN LATERAL (VALUES (k.valid_from),
		                            -- no day follows the last date there is
		                            (CASE WHEN k.valid_to < '5874897-12-31'
		                                  THEN k.valid_to + 1 END)) b(day)
		 WHERE b.day IS NOT NULL
	), seg AS (
		SELECT e.service_code, e.channel, e.day AS lo,
		       lead(e.day) OVER (PARTITION BY e.service_code, e.channel ORDER BY e.day) AS hi,
		       (SELECT k.cost_thb
		          FROM didkpi.channel_costs k
		         WHERE k.channel = e.channel
		           AND (k.service_code = e.service_code OR k.service_code IS NULL)
		           AND e.day BETWEEN k.valid_from AND k.valid_to
		         ORDER BY k.service_code IS NULL, k.valid_from DESC
		         LIMIT 1) AS cost_thb
		  FROM edge e
	), counter AS (
		SELECT s.service_code, s.channel, s.lo, s.hi, s.cost_thb
		  FROM seg s
		  JOIN didkpi.channels b ON b.channel = s.channel AND NOT b.is_digital
	), cseg AS (
		SELECT c.service_code, c.day AS lo,
		       lead(c.day) OVER (PARTITION BY c.service_code ORDER BY c.day) AS hi,
		       (SELECT min(s.cost_thb)
		          FROM counter s
		         WHERE s.service_code = c.service_code
		           AND s.lo <= c.day AND (s.hi IS NULL OR c.day < s.hi)) AS cost_thb
		  FROM (SELECT DISTINCT s.service_code, s.lo AS day FROM counter s) c
	)
	SELECT g.i, g.day, g.service_code, g.channel, g.n, ch.is_digital, u.cost_thb,
	       CASE WHEN ch.is_digital THEN c.cost_thb END
	  FROM g
	  JOIN didkpi.channels ch ON ch.channel = g.channel
	  LEFT JOIN seg u
	    ON u.service_code = g.service_code AND u.channel = g.channel
	   AND g.day >= u.lo AND (u.hi IS NULL OR g.day < u.hi)
	  LEFT JOIN cseg c
	    ON c.service_code = g.service_code
	   AND g.day >= c.lo AND (c.hi IS NULL OR g.day < c.hi)
$$;
