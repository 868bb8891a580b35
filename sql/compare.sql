-- Before and after Digital ID (SPEC section 5): the per-window aggregates
-- behind `didkpi compare`. The statistics themselves are computed in C
-- (lib/stats.c) from these sums and counts, and from the sorted service
-- times of section durations.
--
-- The window queries take the same parameters:
--   $1 text[]  service codes, one per compared service (index i, 1-based)
--   $2 date[]  before-window first local dates       (D - W months)
--   $3 date[]  before-window exclusive local ends    (D)
--   $4 date[]  after-window first local dates        (D + ramp)
--   $5 date[]  after-window exclusive local ends     (D + ramp + W months)
--   $6 text    the time zone the dates are local to
--   $7 boolean false: the rows of service $1[i] itself;
--              true:  the rows of its comparison group for --did, the
--              other services that had not adopted Digital ID by the end
--              of its after-window (digital_id_since NULL or >= $5[i])
-- and return one row per index i and side (0 = before, 1 = after) that has
-- rows. Local midnights are turned into instants once, so every predicate
-- on a timestamp column is a plain range an index serves.

-- name: services
-- Every service with its adoption date (NULL = never adopted), in byte
-- order of its code. No parameters.
SELECT service_code, name_th, name_en, digital_id_since
  FROM didkpi.services
 ORDER BY service_code COLLATE "C";

-- name: requests
-- requests_per_month, digital_channel_rate, completion_rate: requests
-- submitted in the window (completion is the request's current status).
-- The rows of the span of all windows are first counted per service and
-- local day (one range scan, a few thousand groups), then the days of each
-- window are summed: the table is read once however many windows and
-- comparison groups there are.
WITH x AS (
	SELECT x.i::integer AS i, x.svc, x.bs, x.be, x.as_, x.ae
	  FROM unnest($1::text[], $2::date[], $3::date[], $4::date[], $5::date[])
	       WITH ORDINALITY AS x(svc, bs, be, as_, ae, i)
), span AS (
	SELECT (min(bs)::timestamp AT TIME ZONE $6) AS ts,
	       (max(ae)::timestamp AT TIME ZONE $6) AS te
	  FROM x
), d AS (
	SELECT r.service_code, (r.submitted_at AT TIME ZONE $6)::date AS day,
	       count(*) AS requests,
	       count(*) FILTER (WHERE c.is_digital) AS digital,
	       count(*) FILTER (WHERE r.status = 'completed') AS completed
	  FROM span
	  JOIN didkpi.service_requests r
	    ON r.submitted_at >= span.ts AND r.submitted_at < span.te
	  JOIN didkpi.channels c ON c.channel = r.channel
	 GROUP BY 1, 2
), w AS (
	SELECT x.i, x.svc, x.ae, s.side, s.ws, s.we
	  FROM x
	 CROSS JOIN LATERAL (VALUES (0, x.bs, x.be), (1, x.as_, x.ae)) AS s(side, ws, we)
)
SELECT w.i, w.side,
       sum(d.requests) AS requests,
       sum(d.digital) AS digital,
       sum(d.completed) AS completed
  FROM w
  JOIN d ON d.day >= w.ws AND d.day < w.we
  JOIN didkpi.services s ON s.service_code = d.service_code
 WHERE CASE WHEN $7 THEN s.service_code <> w.svc
                         AND (s.digital_id_since IS NULL OR s.digital_id_since >= w.ae)
            ELSE s.service_code = w.svc END
 GROUP BY w.i, w.side;

-- name: satisfaction
-- satisfaction_mean, satisfaction_csat: responses answered in the window,
-- per service and local day first as requests. score_var is the sample
-- variance (divisor n - 1) Welch's t needs, exact in numeric from the sum
-- of squares; NULL when n < 2.
WITH x AS (
	SELECT x.i::integer AS i, x.svc, x.bs, x.be, x.as_, x.ae
	  FROM unnest($1::text[], $2::date[], $3::date[], $4::date[], $5::date[])
	       WITH ORDINALITY AS x(svc, bs, be, as_, ae, i)
), span AS (
	SELECT (min(bs)::timestamp AT TIME ZONE $6) AS ts,
	       (max(ae)::timestamp AT TIME ZONE $6) AS te
	  FROM x
), d AS (
	SELECT a.service_code, (a.answered_at AT TIME ZONE $6)::date AS day,
	       count(*) AS n,
	       sum(a.score) AS score_sum,
	       sum(a.score * a.score) AS score_sq,
	       count(*) FILTER (WHERE a.score >= 4) AS satisfied
	  FROM span
	  JOIN didkpi.satisfaction a
	    ON a.answered_at >= span.ts AND a.answered_at < span.te
	 GROUP BY 1, 2
), w AS (
	SELECT x.i, x.svc, x.ae, s.side, s.ws, s.we
	  FROM x
	 CROSS JOIN LATERAL (VALUES (0, x.bs, x.be), (1, x.as_, x.ae)) AS s(side, ws, we)
), g AS (
	SELECT w.i, w.side, sum(d.n)::numeric AS n, sum(d.score_sum)::numeric AS score_sum,
	       sum(d.score_sq)::numeric AS score_sq, sum(d.satisfied) AS satisfied
	  FROM w
	  JOIN d ON d.day >= w.ws AND d.day < w.we
	  JOIN didkpi.services s ON s.service_code = d.service_code
	 WHERE CASE WHEN $7 THEN s.service_code <> w.svc
	                         AND (s.digital_id_since IS NULL OR s.digital_id_since >= w.ae)
	            ELSE s.service_code = w.svc END
	 GROUP BY w.i, w.side
)
SELECT i, side, n, score_sum,
       CASE WHEN n >= 2
            THEN ((n * score_sq - score_sum * score_sum) / (n * (n - 1)))::float8 END
         AS score_var,
       satisfied
  FROM g;

-- name: requests_own
-- requests of section requests for $7 = false (the services' own rows),
-- faster. Where the requests rollup is current for zone $6
-- (didkpi.rollup_status), the windows' days are summed from it (a few
-- thousand rollup rows, not the span's requests); else the rows of the
-- span are read once and each is matched to the windows of its own
-- service by a hash join on the code and the window's instants. Both give
-- the rows and numbers of section requests. Parameters $1-$6.
WITH x AS (
	SELECT x.i::integer AS i, x.svc, s.side, s.ws, s.we,
	       (s.ws::timestamp AT TIME ZONE $6) AS ts,
	       (s.we::timestamp AT TIME ZONE $6) AS te
	  FROM unnest($1::text[], $2::date[], $3::date[], $4::date[], $5::date[])
	       WITH ORDINALITY AS x(svc, bs, be, as_, ae, i)
	 CROSS JOIN LATERAL (VALUES (0, x.bs, x.be), (1, x.as_, x.ae)) AS s(side, ws, we)
), rolled AS (
	SELECT didkpi.rollup_status('service_requests', $6::text) = 'ok' AS ok
), span AS (
	SELECT min(ts) AS ts, max(te) AS te FROM x
)
SELECT x.i, x.side,
       sum(r.requests) AS requests,
       coalesce(sum(r.requests) FILTER (WHERE c.is_digital), 0) AS digital,
       sum(r.completed) AS completed
  FROM rolled, x
  JOIN didkpi.rollup_requests r
    ON r.service_code = x.svc AND r.day >= x.ws AND r.day < x.we
  JOIN didkpi.channels c ON c.channel = r.channel
 WHERE rolled.ok
 GROUP BY x.i, x.side
HAVING sum(r.requests) > 0
UNION ALL
SELECT x.i, x.side,
       count(*) AS requests,
       count(*) FILTER (WHERE c.is_digital) AS digital,
       count(*) FILTER (WHERE r.status = 'completed') AS completed
  FROM rolled, span
  JOIN didkpi.service_requests r
    ON r.submitted_at >= span.ts AND r.submitted_at < span.te
  JOIN x ON x.svc = r.service_code AND r.submitted_at >= x.ts AND r.submitted_at < x.te
  JOIN didkpi.channels c ON c.channel = r.channel
 WHERE NOT rolled.ok
 GROUP BY x.i, x.side;

-- name: satisfaction_own
-- satisfaction of section satisfaction for $7 = false, as requests_own:
-- the same rows and numbers (exact numeric sums, the same variance).
-- Parameters $1-$6.
WITH w AS (
	SELECT x.i::integer AS i, x.svc, s.side,
	       (s.ws::timestamp AT TIME ZONE $6) AS ts,
	       (s.we::timestamp AT TIME ZONE $6) AS te
	  FROM unnest($1::text[], $2::date[], $3::date[], $4::date[], $5::date[])
	       WITH ORDINALITY AS x(svc, bs, be, as_, ae, i)
	 CROSS JOIN LATERAL (VALUES (0, x.bs, x.be), (1, x.as_, x.ae)) AS s(side, ws, we)
), span AS (
	SELECT min(ts) AS ts, max(te) AS te FROM w
), g AS (
	SELECT w.i, w.side, count(*)::numeric AS n,
	       sum(a.score)::numeric AS score_sum,
	       sum(a.score * a.score)::numeric AS score_sq,
	       count(*) FILTER (WHERE a.score >= 4) AS satisfied
	  FROM span
	  JOIN didkpi.satisfaction a
	    ON a.answered_at >= span.ts AND a.answered_at < span.te
	  JOIN w ON w.svc = a.service_code AND a.answered_at >= w.ts AND a.answered_at < w.te
	 GROUP BY w.i, w.side
)
SELECT i, side, n, score_sum,
       CASE WHEN n >= 2
            THEN ((n * score_sq - score_sum * score_sum) / (n * (n - 1)))::float8 END
         AS score_var,
       satisfied
  FROM g;

-- name: service_time
-- Only when the service times of section durations are too many to hold
-- in memory (over 10 million): service_time_median_hours over requests
-- completed with closed_at in the window, and the Mann-Whitney sufficient
-- statistics of the two windows.
-- $7 here means "pool": false gives one group per service i, true one
-- group (i = 0) of every service given, each on its own windows. Rows:
-- i, side, n, median (percentile_cont, as the KPI), and on both sides of
-- a group the same rank_sum1 (sum of the average ranks of the before
-- durations in the pooled sample of the group) and tie_sum (sum over
-- groups of equal durations of t^3 - t), exact numerics.
WITH w AS (
	SELECT x.i::integer AS i, x.svc, s.side,
	       (s.ws::timestamp AT TIME ZONE $6) AS ts,
	       (s.we::timestamp AT TIME ZONE $6) AS te
	  FROM unnest($1::text[], $2::date[], $3::date[], $4::date[], $5::date[])
	       WITH ORDINALITY AS x(svc, bs, be, as_, ae, i)
	 CROSS JOIN LATERAL (VALUES (0, x.bs, x.be), (1, x.as_, x.ae)) AS s(side, ws, we)
), t AS (
	SELECT CASE WHEN $7 THEN 0 ELSE w.i END AS g, w.side,
	       -- exact microseconds, then one correctly rounded division (as
	       -- kpi.sql, so medians agree with didkpi kpi to the last bit)
	       didkpi.span_us(r.submitted_at, r.closed_at)::float8 / 3600000000 AS hours
	  FROM w
	  JOIN didkpi.service_requests r
	    ON r.closed_at >= w.ts AND r.closed_at < w.te AND r.status = 'completed'
	   AND r.service_code = w.svc
), v AS (
	-- one row per distinct duration of a group: how many before, how many
	SELECT g, hours, count(*) FILTER (WHERE side = 0)::numeric AS c0,
	       count(*)::numeric AS c
	  FROM t
	 GROUP BY g, hours
), rk AS (
	-- the tied values take the average of the ranks below+1 .. below+c
	SELECT g, c0, c, sum(c) OVER (PARTITION BY g ORDER BY hours) - c AS below
	  FROM v
), ranks AS (
	SELECT g, sum(c0 * (below + (c + 1) / 2)) AS rank_sum1,
	       sum(c * c * c - c) AS tie_sum
	  FROM rk
	 GROUP BY g
), m AS (
	SELECT g, side, count(*) AS n,
	       percentile_cont(0.5) WITHIN GROUP (ORDER BY hours) AS median
	  FROM t
	 GROUP BY g, side
)
SELECT m.g AS i, m.side, m.n, m.median, ranks.rank_sum1, ranks.tie_sum
  FROM m JOIN ranks USING (g)
 ORDER BY m.g, m.side;

-- name: durations
-- The service times of every service given, each on its own windows, in
-- one pass: rows (i, side, us) in no order, where us is the duration
-- closed_at - submitted_at in exact microseconds (the client divides by
-- 3600000000 as service_time does, to the same double). The client
-- streams them (single-row mode), sorts them into one slice per window
-- (an ORDER BY here was 0.4 s of 1.2 s at 10 M events; lib/compare.c
-- sorts them in a tenth of that) and computes the size, the median (as
-- percentile_cont), the Mann-Whitney rank sum and tie term and the
-- Hodges-Lehmann interval of every service and of the pooled rows from
-- that one stream. Each window is one range of the partial index
-- service_requests_windows (schema version 16: service, then closing
-- time), read alone; before that index, the rows of the span of all
-- windows were read once through the index on closed_at and matched to
-- each service's windows by a hash join (three times the rows at 1 M
-- events). Parameters $1-$6 only (always the services' own rows).
WITH w AS (
	SELECT x.i::integer AS i, x.svc, s.side,
	       (s.ws::timestamp AT TIME ZONE $6) AS ts,
	       (s.we::timestamp AT TIME ZONE $6) AS te
	  FROM unnest($1::text[], $2::date[], $3::date[], $4::date[], $5::date[])
	       WITH ORDINALITY AS x(svc, bs, be, as_, ae, i)
	 CROSS JOIN LATERAL (VALUES (0, x.bs, x.be), (1, x.as_, x.ae)) AS s(side, ws, we)
), span AS (
	SELECT min(ts) AS ts, max(te) AS te FROM w
), r AS (
	SELECT r.service_code, r.submitted_at, r.closed_at
	  FROM span
	  JOIN didkpi.service_requests r
	    ON r.closed_at >= span.ts AND r.closed_at < span.te AND r.status = 'completed'
)
SELECT w.i, w.side,
       didkpi.span_us(r.submitted_at, r.closed_at) AS us
  FROM r
  JOIN w ON w.svc = r.service_code AND r.closed_at >= w.ts AND r.closed_at < w.te;

-- name: coverage
-- The first and last local dates with data of each service given: the
-- local dates of its first and last submitted request (no row when it has
-- none), for the coverage column and the covered exposure of
-- requests_per_month. Where the requests rollup is current for zone $2
-- (didkpi.rollup_status), its days are the local dates: each service's
-- first and last day are the first and last entries of the rollup's
-- (day, service, ...) key that name it, two short index scans per
-- service. (A scan of the whole rollup grouped by service took 33-60 ms
-- of backend CPU at 1 M events, these 40 scans under 1 ms. A service
-- without requests reads the index to its end, twice: no more than the
-- scan did.) Else the services' requests are read once, a plain
-- aggregate, so a Citus cluster runs it on its workers (docs/scaling.md).
--   $1 text[]  service codes (index i, 1-based)
--   $2 text    the time zone of the dates
WITH x AS (
	SELECT x.svc, x.i::integer AS i
	  FROM unnest($1::text[]) WITH ORDINALITY AS x(svc, i)
), rolled AS (
	SELECT didkpi.rollup_status('service_requests', $2::text) = 'ok' AS ok
)
SELECT x.i, lo.day AS first_day, hi.day AS last_day
  FROM rolled, x
 CROSS JOIN LATERAL (SELECT r.day FROM didkpi.rollup_requests r
                      WHERE r.service_code = x.svc AND r.requests > 0
                      ORDER BY r.day LIMIT 1) lo
 CROSS JOIN LATERAL (SELECT r.day FROM didkpi.rollup_requests r
                      WHERE r.service_code = x.svc AND r.requests > 0
                      ORDER BY r.day DESC LIMIT 1) hi
 WHERE rolled.ok
UNION ALL
SELECT x.i, (min(r.submitted_at) AT TIME ZONE $2)::date AS first_day,
       (max(r.submitted_at) AT TIME ZONE $2)::date AS last_day
  FROM rolled, x
  JOIN didkpi.service_requests r ON r.service_code = x.svc
 WHERE NOT rolled.ok
 GROUP BY x.i;
