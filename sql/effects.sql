-- Staggered adoption (issue 11, part 2): the monthly service series behind
-- `didkpi effects` and `didkpi chart event-study`. The estimator itself
-- (ATT(g,t) of Callaway & Sant'Anna, its aggregations and the bootstrap) is
-- in C (lib/effects.c); these queries only count and sum per service and
-- local calendar month.
--
-- Every query takes $1 text: the time zone the months are local to
-- (--tz, Asia/Bangkok by default). Months are returned as local first
-- days 'YYYY-MM-DD'.

-- name: services
-- Every e-service with its adoption date (NULL = never adopted), in byte
-- order of its code. Services that are not e-services (counter only) are
-- left out: they cannot adopt Digital ID and are no comparison for those
-- that can. No parameters.
SELECT service_code, name_th, name_en, digital_id_since
  FROM didkpi.services
 WHERE is_eservice
 ORDER BY service_code COLLATE "C";

-- name: range
-- The first and last local days with a submitted request: the panel is
-- the calendar months wholly between them. $1: time zone.
SELECT (min(submitted_at) AT TIME ZONE $1::text)::date,
       (max(submitted_at) AT TIME ZONE $1::text)::date
  FROM didkpi.service_requests;

-- name: series
-- One row per e-service and local month that has any of: requests
-- submitted (requests, on a digital channel, completed by now), requests
-- completed with closed_at in the month (their number, median and mean
-- service time in hours, exact to the microsecond as kpi.sql#service_time)
-- and satisfaction answers (number, sum of scores). $1: time zone.
-- The mean is the exact sum of microseconds (numeric, so the same in any
-- order of addition: a Citus cluster adds the shards' partial sums) over
-- the count, not avg() of doubles, whose last digits depend on that order.
WITH req AS (
	SELECT r.service_code,
	       date_trunc('month', r.submitted_at AT TIME ZONE $1::text)::date AS month,
	       count(*) AS requests,
	       count(*) FILTER (WHERE c.is_digital) AS digital,
	       count(*) FILTER (WHERE r.status = 'completed') AS completed
	  FROM didkpi.service_requests r
	  JOIN didkpi.channels c ON c.channel = r.channel
	 GROUP BY 1, 2
), st AS (
	SELECT x.service_code, x.month, count(*) AS st_n,
	       percentile_cont(0.5) WITHIN GROUP (ORDER BY x.hours) AS st_median,
	       sum(x.us)::float8 / count(*) / 3600000000 AS st_mean
	  FROM (SELECT r.service_code,
		       date_trunc('month', r.closed_at AT TIME ZONE $1::text)::date AS month,
		       didkpi.span_us(r.submitted_at, r.closed_at)::float8 / 3600000000 AS hours,
		       didkpi.span_us(r.submitted_at, r.closed_at) AS us
		  FROM didkpi.service_requests r
		 WHERE r.status = 'completed') x
	 GROUP BY 1, 2
), sat AS (
	SELECT a.service_code,
	       date_trunc('month', a.answered_at AT TIME ZONE $1::text)::date AS month,
	       count(*) AS sat_n, sum(a.score) AS sat_sum
	  FROM didkpi.satisfaction a
	 GROUP BY 1, 2
)
SELECT k.service_code, pg_catalog.to_char(k.month, 'YYYY-MM-DD'),
       coalesce(req.requests, 0), coalesce(req.digital, 0), coalesce(req.completed, 0),
       coalesce(st.st_n, 0), st.st_median, st.st_mean,
       coalesce(sat.sat_n, 0), coalesce(sat.sat_sum, 0)
  FROM (SELECT service_code, month FROM req
	UNION SELECT service_code, month FROM st
	UNION SELECT service_code, month FROM sat) k
  JOIN didkpi.services s ON s.service_code = k.service_code AND s.is_eservice
  LEFT JOIN req ON req.service_code = k.service_code AND req.month = k.month
  LEFT JOIN st ON st.service_code = k.service_code AND st.month = k.month
  LEFT JOIN sat ON sat.service_code = k.service_code AND sat.month = k.month
 ORDER BY k.service_code COLLATE "C", k.month;
