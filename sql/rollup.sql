-- The KPI families of sql/kpi.sql read from the day rollups of schema
-- versions 5 and 6 (sql/schema/005_rollups.sql,
-- 006_first_identification.sql), and the parts that cannot be added up,
-- read from the raw logs. lib/kpi.c uses them unless `--raw` is given;
-- a section that reads a rollup only when the periods' time zone is the
-- rollup zone, the log relation is a table with its triggers enabled and
-- #check finds the rollup complete.
-- Family parameters as in sql/kpi.sql: $1 date[] starts, $2 date[] ends
-- (exclusive), $3 text time zone.
--
-- Fine sections (no $4) return one row per period index i and finest
-- group (service_code, owner_unit, channel, method; a column is NULL where
-- the relation has no such attribute; owner_unit may be NULL for a known
-- service, which lib/kpi.c then looks up: a join with services cost a
-- fiscal year's 3 million latencies 0.4 s), and lib/kpi.c adds the groups
-- up to every breakdown asked for at once: one query instead of one per
-- breakdown. Percentiles come as arrays of the group's values, unordered;
-- lib/kpi.c selects the order statistics and interpolates them as
-- PostgreSQL's percentile_cont() does, to the same bits (the tests compare
-- with `--raw`). Sections with $4 (text, one breakdown) count people and
-- run once per breakdown.

-- name: requests
-- The additive part of kpi.sql#requests by submission day, fine:
-- requests, digital, digital_id, single_window, completed.
WITH p AS (
	SELECT * FROM didkpi.periods($1::date[], $2::date[], $3::text)
)
SELECT p.i, r.service_code, s.owner_unit, r.channel, r.method,
       sum(r.requests) AS requests,
       sum(r.requests) FILTER (WHERE c.is_digital) AS digital,
       sum(r.requests) FILTER (WHERE c.is_digital AND coalesce(m.is_digital_id, false))
	       AS digital_id,
       sum(r.single_window) AS single_window, sum(r.completed) AS completed
  FROM p
  JOIN didkpi.rollup_requests r ON r.day >= p.start_date AND r.day < p.end_date
  JOIN didkpi.services s ON s.service_code = r.service_code
  JOIN didkpi.channels c ON c.channel = r.channel
  LEFT JOIN didkpi.auth_methods m ON m.method = r.method
 GROUP BY 1, 2, 3, 4, 5;

-- name: requests_all
-- #requests when only the totals are asked for (a trend, or --by all):
-- one row per period, NULL keys; the same joins, so a request of an
-- unknown service counts nowhere here either. The server adds the day
-- rows up by period instead of by finest group (2 467 groups for the
-- monthly workbook's 13 months at 1 M events, hashed on four texts); the
-- same integers. The periods are MATERIALIZED: inlined, with a dozen
-- groups left to hash, the planner found a parallel scan of the whole
-- rollup cheaper than one index range per period, and took 3-5 times as
-- long (a CTE scan cannot run in a worker).
WITH p AS MATERIALIZED (
	SELECT * FROM didkpi.periods($1::date[], $2::date[], $3::text)
)
SELECT p.i, NULL::text, NULL::text, NULL::text, NULL::text,
       sum(r.requests) AS requests,
       sum(r.requests) FILTER (WHERE c.is_digital) AS digital,
       sum(r.requests) FILTER (WHERE c.is_digital AND coalesce(m.is_digital_id, false))
	       AS digital_id,
       sum(r.single_window) AS single_window, sum(r.completed) AS completed
  FROM p
  JOIN didkpi.rollup_requests r ON r.day >= p.start_date AND r.day < p.end_date
  JOIN didkpi.services s ON s.service_code = r.service_code
  JOIN didkpi.channels c ON c.channel = r.channel
  LEFT JOIN didkpi.auth_methods m ON m.method = r.method
 GROUP BY 1;

-- name: request_users
-- The per-user part of kpi.sql#requests, from the raw requests: every
-- request that has a user in the contiguous periods $1, $2 (sorted, each
-- ending where the next starts), as (i, service_code, owner_unit, channel,
-- method, is_digital, user_key, first_us), sorted by user; owner_unit is
-- NULL and lib/kpi.c looks it up, as for the fine sections (the join with
-- services stays: a request of an unknown service counts nowhere). A
-- fiscal year's 574 000 rows at 10 M events sorted in 25-28 MB per
-- process instead of 37-45 MB: 1.40-1.48 s -> 1.29-1.36 s. lib/kpi.c
-- passes runs of the atoms of the periods asked for and counts each user
-- once per cell of every period and breakdown in one pass over the rows:
-- active users, enrolled users (first successful identification,
-- didkpi.first_identification of schema version 6, before the period's
-- end; first_us is its instant in epoch microseconds, NULL for a person
-- not identified before the last period's end: only the identifications
-- made by then are hashed, for a past month a share of them), repeat
-- users (two or more digital requests) and digital users (one or more).
-- One sort by user replaces a grouping per period, breakdown and user: a
-- fiscal year by month and every breakdown was 5.7 million grouped rows.
-- The range is given as the first start and the last end, which the
-- planner folds into constants, so that it sees how many requests the
-- periods hold; width_bucket() then names each row's period without a
-- join. (For a month at 10 M events the hash of first identifications is
-- still cheaper than one index probe per request: measured 0.27 s against
-- 0.4 s.)
WITH b AS (
	SELECT array_agg(ts ORDER BY i) AS starts
	  FROM didkpi.periods($1::date[], $2::date[], $3::text)
)
SELECT width_bucket(r.submitted_at, b.starts) AS i, r.service_code, NULL::text, r.channel,
       r.auth_method, c.is_digital, r.user_key COLLATE "C" AS user_key,
       (extract(epoch FROM f.occurred_at) * 1000000)::int8 AS first_us
  FROM b CROSS JOIN didkpi.service_requests r
  JOIN didkpi.services s ON s.service_code = r.service_code
  JOIN didkpi.channels c ON c.channel = r.channel
  LEFT JOIN didkpi.first_identification f
    ON f.user_key = r.user_key
   AND f.occurred_at < ($2::date[])[cardinality($2::date[])]::timestamp AT TIME ZONE $3::text
 WHERE r.submitted_at >= ($1::date[])[1]::timestamp AT TIME ZONE $3::text
   AND r.submitted_at < ($2::date[])[cardinality($2::date[])]::timestamp AT TIME ZONE $3::text
   AND r.user_key IS NOT NULL
 ORDER BY 7;

-- name: request_users_months
-- The people of #request_users for the periods $1, $2 (not atoms) that
-- are one whole local month of the rollup zone $3 each, from
-- didkpi.rollup_people (schema version 19), when only the totals are
-- asked for (the caller has found both rollups current): (i, active,
-- enrolled, repeat, digital, waiting) per such period; the counts are
-- NULL where the month is not counted or waits for `didkpi refresh
-- --pending` (waiting true), and lib/kpi.c counts those periods from the
-- requests. A month at 10 M events: 0.22-0.26 s of requests sorted by
-- user -> one row.
SELECT p.i, h.active, h.enrolled, h.repeat, h.digital, w.month IS NOT NULL
  FROM didkpi.periods($1::date[], $2::date[], $3::text) p
  LEFT JOIN didkpi.rollup_people_pending w ON w.month = p.start_date
  LEFT JOIN didkpi.rollup_people h ON h.month = p.start_date AND w.month IS NULL
 WHERE p.end_date = (p.start_date + interval '1 month')::date
   AND extract(day FROM p.start_date) = 1
 ORDER BY 1;

-- name: period_ends
-- The end instant of each period, epoch microseconds: (i, te_us), by i.
SELECT i, (extract(epoch FROM te) * 1000000)::int8
  FROM didkpi.periods($1::date[], $2::date[], $3::text)
 ORDER BY i;

-- name: enrolments
-- kpi.sql#enrolments from didkpi.first_identification, fine: the people
-- whose first successful identification falls in P, by that event's
-- attributes. Groups in byte order, as #auth_latency; the owner unit
-- comes from lib/kpi.c.
WITH p AS (
	SELECT * FROM didkpi.periods($1::date[], $2::date[], $3::text)
)
SELECT p.i, f.service_code COLLATE "C", NULL::text, f.channel COLLATE "C",
       f.method COLLATE "C", count(*) AS n
  FROM p
  JOIN didkpi.first_identification f
    ON f.occurred_at >= p.ts AND f.occurred_at < p.te
 GROUP BY 1, 2, 4, 5;

-- name: enrolments_all
-- #enrolments when only the totals are asked for, as #requests_all.
WITH p AS MATERIALIZED (
	SELECT * FROM didkpi.periods($1::date[], $2::date[], $3::text)
)
SELECT p.i, NULL::text, NULL::text, NULL::text, NULL::text, count(*) AS n
  FROM p
  JOIN didkpi.first_identification f
    ON f.occurred_at >= p.ts AND f.occurred_at < p.te
 GROUP BY 1;

-- name: satisfaction
-- kpi.sql#satisfaction, fine: n, score_sum, satisfied (no method).
WITH p AS (
	SELECT * FROM didkpi.periods($1::date[], $2::date[], $3::text)
)
SELECT p.i, a.service_code, s.owner_unit, a.channel, NULL::text AS method,
       sum(a.n) AS n, sum(a.score_sum) AS score_sum, sum(a.satisfied) AS satisfied
  FROM p
  JOIN didkpi.rollup_satisfaction a ON a.day >= p.start_date AND a.day < p.end_date
  JOIN didkpi.services s ON s.service_code = a.service_code
 GROUP BY 1, 2, 3, 4;

-- name: satisfaction_all
-- #satisfaction when only the totals are asked for, as #requests_all.
WITH p AS MATERIALIZED (
	SELECT * FROM didkpi.periods($1::date[], $2::date[], $3::text)
)
SELECT p.i, NULL::text, NULL::text, NULL::text, NULL::text AS method,
       sum(a.n) AS n, sum(a.score_sum) AS score_sum, sum(a.satisfied) AS satisfied
  FROM p
  JOIN didkpi.rollup_satisfaction a ON a.day >= p.start_date AND a.day < p.end_date
  JOIN didkpi.services s ON s.service_code = a.service_code
 GROUP BY 1;

-- name: auth
-- The counts of kpi.sql#auth, fine: auth_n, auth_ok, ident_n, ident_ok,
-- latency_n. An event's service may be NULL or not a service: its unit
-- is then NULL.
WITH p AS (
	SELECT * FROM didkpi.periods($1::date[], $2::date[], $3::text)
)
SELECT p.i, e.service_code, s.owner_unit, e.channel, e.method,
       sum(e.auth_n), sum(e.auth_ok), sum(e.ident_n), sum(e.ident_ok), sum(e.latency_n)
  FROM p
  JOIN didkpi.rollup_auth e ON e.day >= p.start_date AND e.day < p.end_date
  LEFT JOIN didkpi.services s ON s.service_code = e.service_code
 GROUP BY 1, 2, 3, 4, 5;

-- name: auth_all
-- #auth when only the totals are asked for, as #requests_all (every
-- event counts in the totals, whatever its service: no join): 2 221
-- groups for the workbook's 13 months at 1 M events, 35-49 ms -> 14-23
-- ms.
WITH p AS MATERIALIZED (
	SELECT * FROM didkpi.periods($1::date[], $2::date[], $3::text)
)
SELECT p.i, NULL::text, NULL::text, NULL::text, NULL::text,
       sum(e.auth_n), sum(e.auth_ok), sum(e.ident_n), sum(e.ident_ok), sum(e.latency_n)
  FROM p
  JOIN didkpi.rollup_auth e ON e.day >= p.start_date AND e.day < p.end_date
 GROUP BY 1;

-- name: auth_latency
-- The latencies behind kpi.sql#auth's median, fine, from the raw events
-- (an index-only scan of auth_events_latency). The groups are sorted in
-- byte order on the fewest keys (a service has one owner unit, which
-- lib/kpi.c looks up): with the database's collation a fiscal year's 3
-- million values sorted 3.7 times slower.
-- Halves: from a million values (lib/kpi.c, DIDKPI_HALVES) lib/kpi.c
-- cuts the atoms' span in two at its middle day and passes the first
-- half's atoms (clipped to it, empty where an atom lies wholly in the
-- other half) as $1, $2 and the second's as $4, $5, with the same
-- positions; the two branches of the UNION ALL then run at once in two
-- parallel workers (a Parallel Append: array_agg has no partial
-- aggregation before PostgreSQL 16), and an atom cut in two comes back as
-- two rows of a group, which lib/kpi.c puts together (a fiscal year's 3
-- million latencies: 1.6 s -> 1.1 s on two cores). The two branches are
-- the same query. Below that, $1, $2 are the whole and $4, $5 empty: the
-- planner then drops the second branch (the q's constant-false filter),
-- and the plan is the single query's (with two branches, a month of
-- 30 000 values took 0.26 s instead of 0.16 s: workers started for
-- nothing).
WITH p AS (
	SELECT * FROM didkpi.periods($1::date[], $2::date[], $3::text)
), q AS (
	SELECT * FROM didkpi.periods($4::date[], $5::date[], $3::text)
	 WHERE cardinality($4::date[]) > 0
)
SELECT p.i, e.service_code COLLATE "C", NULL::text, e.channel COLLATE "C",
       e.method COLLATE "C", array_agg(e.latency_ms)
  FROM p
  JOIN didkpi.auth_events e
    ON e.occurred_at >= p.ts AND e.occurred_at < p.te
   AND e.step = 'authentication' AND e.outcome = 'success'
 WHERE e.latency_ms IS NOT NULL
 GROUP BY 1, 2, 4, 5
UNION ALL
SELECT q.i, e.service_code COLLATE "C", NULL::text, e.channel COLLATE "C",
       e.method COLLATE "C", array_agg(e.latency_ms)
  FROM q
  JOIN didkpi.auth_events e
    ON e.occurred_at >= q.ts AND e.occurred_at < q.te
   AND e.step = 'authentication' AND e.outcome = 'success'
 WHERE e.latency_ms IS NOT NULL
 GROUP BY 1, 2, 4, 5;

-- name: auth_latency_all
-- #auth_latency when only the totals are asked for (a trend): one array
-- of values per period, NULL keys. Without group keys the server hashes
-- 13 groups instead of sorting every value: 2.5x faster for a report's 13
-- months (10x at demo scale 5 against the histogram of exact values).
-- In two halves, as #auth_latency.
WITH p AS (
	SELECT * FROM didkpi.periods($1::date[], $2::date[], $3::text)
), q AS (
	SELECT * FROM didkpi.periods($4::date[], $5::date[], $3::text)
	 WHERE cardinality($4::date[]) > 0
)
SELECT p.i, NULL::text, NULL::text, NULL::text, NULL::text, array_agg(e.latency_ms)
  FROM p
  JOIN didkpi.auth_events e
    ON e.occurred_at >= p.ts AND e.occurred_at < p.te
   AND e.step = 'authentication' AND e.outcome = 'success'
 WHERE e.latency_ms IS NOT NULL
 GROUP BY 1
UNION ALL
SELECT q.i, NULL::text, NULL::text, NULL::text, NULL::text, array_agg(e.latency_ms)
  FROM q
  JOIN didkpi.auth_events e
    ON e.occurred_at >= q.ts AND e.occurred_at < q.te
   AND e.step = 'authentication' AND e.outcome = 'success'
 WHERE e.latency_ms IS NOT NULL
 GROUP BY 1;

-- name: auth_latency_months
-- #auth_latency_all from didkpi.rollup_latency (schema version 18), when
-- every atom is whole local months of the rollup zone $3 (lib/kpi.c
-- checks the dates; the caller has found the auth rollup current): per
-- atom, the distinct values and how many times each occurs, two arrays in
-- the same order (one aggregation feeds both), which lib/kpi.c expands
-- into the values #auth_latency_all would return. A month that waits for
-- `didkpi refresh --pending` (rollup_latency_pending) is read from its
-- raw values instead, as #auth_latency_all, one more row of its atom with
-- NULL counts (each value once); lib/kpi.c puts an atom's rows together.
-- A month at 10 M events: 33 000 pairs for 274 000 values, 221 ms -> 32
-- ms. MATERIALIZED as #requests_all. Parameters: $1, $2, $3 only.
WITH p AS MATERIALIZED (
	SELECT * FROM didkpi.periods($1::date[], $2::date[], $3::text)
), w AS MATERIALIZED (
	SELECT p.i, w.month, w.month::timestamp AT TIME ZONE $3::text AS ts,
	       (w.month + interval '1 month') AT TIME ZONE $3::text AS te
	  FROM p
	  JOIN didkpi.rollup_latency_pending w ON w.month >= p.start_date AND w.month < p.end_date
)
SELECT p.i, NULL::text, NULL::text, NULL::text, NULL::text,
       array_agg(h.latency_ms), array_agg(h.n)
  FROM p
  JOIN didkpi.rollup_latency h ON h.month >= p.start_date AND h.month < p.end_date
 WHERE h.n > 0 AND NOT EXISTS (SELECT 1 FROM w WHERE w.i = p.i AND w.month = h.month)
 GROUP BY 1
UNION ALL
SELECT w.i, NULL::text, NULL::text, NULL::text, NULL::text,
       array_agg(e.latency_ms), NULL::int8[]
  FROM w
  JOIN didkpi.auth_events e
    ON e.occurred_at >= w.ts AND e.occurred_at < w.te
   AND e.step = 'authentication' AND e.outcome = 'success'
 WHERE e.latency_ms IS NOT NULL
 GROUP BY w.i, w.month;

-- name: service_time
-- kpi.sql#service_time, fine, from the raw requests: each completed
-- request's service time in exact microseconds (lib/kpi.c divides by
-- 3600000000 as kpi.sql does). Groups in byte order on the fewest keys,
-- as #auth_latency; in two halves, as #auth_latency.
WITH p AS (
	SELECT * FROM didkpi.periods($1::date[], $2::date[], $3::text)
), q AS (
	SELECT * FROM didkpi.periods($4::date[], $5::date[], $3::text)
	 WHERE cardinality($4::date[]) > 0
)
SELECT p.i, r.service_code COLLATE "C", min(s.owner_unit), r.channel COLLATE "C",
       r.auth_method COLLATE "C",
       array_agg(didkpi.span_us(r.submitted_at, r.closed_at))
  FROM p
  JOIN didkpi.service_requests r
    ON r.closed_at >= p.ts AND r.closed_at < p.te AND r.status = 'completed'
  JOIN didkpi.services s ON s.service_code = r.service_code
 GROUP BY 1, 2, 4, 5
UNION ALL
SELECT q.i, r.service_code COLLATE "C", min(s.owner_unit), r.channel COLLATE "C",
       r.auth_method COLLATE "C",
       array_agg(didkpi.span_us(r.submitted_at, r.closed_at))
  FROM q
  JOIN didkpi.service_requests r
    ON r.closed_at >= q.ts AND r.closed_at < q.te AND r.status = 'completed'
  JOIN didkpi.services s ON s.service_code = r.service_code
 GROUP BY 1, 2, 4, 5;

-- name: service_time_all
-- #service_time when only the totals are asked for, as #auth_latency_all.
WITH p AS (
	SELECT * FROM didkpi.periods($1::date[], $2::date[], $3::text)
), q AS (
	SELECT * FROM didkpi.periods($4::date[], $5::date[], $3::text)
	 WHERE cardinality($4::date[]) > 0
)
SELECT p.i, NULL::text, NULL::text, NULL::text, NULL::text,
       array_agg(didkpi.span_us(r.submitted_at, r.closed_at))
  FROM p
  JOIN didkpi.service_requests r
    ON r.closed_at >= p.ts AND r.closed_at < p.te AND r.status = 'completed'
  JOIN didkpi.services s ON s.service_code = r.service_code
 GROUP BY 1
UNION ALL
SELECT q.i, NULL::text, NULL::text, NULL::text, NULL::text,
       array_agg(didkpi.span_us(r.submitted_at, r.closed_at))
  FROM q
  JOIN didkpi.service_requests r
    ON r.closed_at >= q.ts AND r.closed_at < q.te AND r.status = 'completed'
  JOIN didkpi.services s ON s.service_code = r.service_code
 GROUP BY 1;

-- name: cost
-- kpi.sql#cost for every breakdown of $4 (text[]) in one run of
-- didkpi.completed_costs instead of one per breakdown: rows (i, breakdown,
-- key, completed, cost, digital, saved). The sums stay numeric in the
-- server, so every figure is kpi.sql#cost's to the last digit. The cost
-- KPIs count completions by closing day: from didkpi.rollup_closed (schema
-- version 10) when $5 (boolean; lib/kpi.c passes whether the requests'
-- rollups are current), else from the raw requests.
WITH c AS (
	SELECT c.*, s.owner_unit
	  FROM didkpi.completed_costs($1::date[], $2::date[], $3::text, $5::boolean) c
	  JOIN didkpi.services s ON s.service_code = c.service_code
), k AS (
	SELECT c.*, b.bd, b.key
	  FROM c CROSS JOIN LATERAL (
		SELECT x.bd, CASE x.bd WHEN 'service' THEN c.service_code
		                       WHEN 'unit' THEN c.owner_unit
		                       WHEN 'channel' THEN c.channel END COLLATE "C" AS key
		  FROM unnest($4::text[]) AS x(bd)) b
	 WHERE b.bd = 'all' OR b.key IS NOT NULL
)
SELECT i, bd, key,
       sum(n) AS completed,
       CASE WHEN bool_and(unit_cost IS NOT NULL) THEN sum(n * unit_cost) END AS cost,
       coalesce(sum(n) FILTER (WHERE is_digital), 0) AS digital,
       CASE WHEN bool_and(unit_cost IS NOT NULL AND counter_cost IS NOT NULL)
		 FILTER (WHERE is_digital) IS NOT FALSE
	    THEN coalesce(sum(n * (counter_cost - unit_cost)) FILTER (WHERE is_digital), 0)
       END AS saved
  FROM k
 GROUP BY i, bd, key;

-- name: check
-- Whether each rollup may be used for periods in time zone $1: one row of
-- three texts (requests, auth, satisfaction), each 'ok' or why not
-- (didkpi.rollup_status, sql/schema/006_first_identification.sql).
SELECT didkpi.rollup_status('service_requests', $1::text),
       didkpi.rollup_status('auth_events', $1::text),
       didkpi.rollup_status('satisfaction', $1::text);

-- name: lock
-- `didkpi refresh`: no write to the log relations while rollups are rebuilt.
LOCK TABLE didkpi.service_requests, didkpi.auth_events, didkpi.satisfaction IN SHARE MODE;

-- name: refresh
-- `didkpi refresh`: rebuild the rollups for local days >= $1 (a date, or
-- -infinity for all).
SELECT didkpi.rollup_refresh($1::date);

-- name: refresh_pending
-- `didkpi refresh --pending`: rebuild the latency pairs (schema version
-- 18) and the people (version 19) of the months writes marked; the
-- functions lock the relations against writers themselves, auth_events
-- first in both. One row: how many months of each.
SELECT didkpi.rollup_latency_refresh(), didkpi.rollup_people_refresh();

-- name: volume
-- How many authentication events and requests the local days $1 to $2
-- (dates, $2 excluded) hold, from the day rollups: lib/kpi.c computes on a
-- second connection only from SECOND_MIN_ROWS (or DIDKPI_SECOND_ROWS). An estimate: a stale
-- rollup is still a size, and with other rollups than Asia/Bangkok's days
-- (--tz) the edges are a day off.
SELECT coalesce((SELECT sum(r.events) FROM didkpi.rollup_auth r
                  WHERE r.day >= $1::date AND r.day < $2::date), 0)
     + coalesce((SELECT sum(r.requests) FROM didkpi.rollup_requests r
                  WHERE r.day >= $1::date AND r.day < $2::date), 0);
