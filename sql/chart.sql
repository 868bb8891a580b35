-- The series of didkpi chart (SPEC section 6) that are not KPIs: the
-- authentication method mix, the channel mix and the adoption markers.
-- Aggregates only: no log row leaves the server.
--
-- The monthly queries (methods, channels) take:
--   $1 date[]  the months' first local dates
--   $2 date[]  the months' exclusive local end dates (same length as $1)
--   $3 text    the time zone the dates are local to (e.g. Asia/Bangkok)
--   $4 text[]  service codes to keep, or NULL for every row (rows without
--              a service count only then)
-- and return the full grid: one row per month index i (1-based, as in $1)
-- and key of the reference table, with a count of 0 where nothing
-- happened, ordered for stacking (the first key is the bottom of a bar).
-- Where the log relation's day rollup is current for zone $3
-- (didkpi.rollup_status), the counts are its sums: the same numbers.

-- name: methods
-- Successful authentication-step events (log-ins, not identity proofing)
-- by method and month. Columns: i, method, name_th, name_en,
-- is_digital_id, n. Order: Digital ID methods first, ThaiD first of them,
-- then by the count over all months (largest first), then by code.
WITH p AS (
	SELECT * FROM didkpi.periods($1::date[], $2::date[], $3::text)
), rolled AS (
	SELECT didkpi.rollup_status('auth_events', $3::text) = 'ok' AS ok
), e AS (
	-- from the day rollup where it is current, else from the raw events
	SELECT p.i, e.method, sum(e.auth_ok) AS n
	  FROM rolled, p
	  JOIN didkpi.rollup_auth e ON e.day >= p.start_date AND e.day < p.end_date
	 WHERE rolled.ok AND ($4::text[] IS NULL OR e.service_code = ANY ($4::text[]))
	 GROUP BY p.i, e.method
	UNION ALL
	SELECT p.i, e.method, count(*) AS n
	  FROM rolled, p
	  JOIN didkpi.auth_events e
	    ON e.occurred_at >= p.ts AND e.occurred_at < p.te
	 WHERE NOT rolled.ok AND e.step = 'authentication' AND e.outcome = 'success'
	   AND ($4::text[] IS NULL OR e.service_code = ANY ($4::text[]))
	 GROUP BY p.i, e.method
), t AS (
	SELECT method, sum(n) AS total FROM e GROUP BY method
)
SELECT p.i, m.method, m.name_th, m.name_en, m.is_digital_id,
       coalesce(e.n, 0) AS n
  FROM didkpi.auth_methods m
 CROSS JOIN p
  LEFT JOIN e ON e.i = p.i AND e.method = m.method
  LEFT JOIN t ON t.method = m.method
 ORDER BY m.is_digital_id DESC, m.method = 'thaid' DESC,
          coalesce(t.total, 0) DESC, m.method COLLATE "C", p.i;

-- name: channels
-- Service requests submitted by channel and month. Columns: i, channel,
-- name_th, name_en, is_digital, n. Order: the non-digital channels first
-- (the bottom of the bars), then by the count over all months (largest
-- first), then by code.
WITH p AS (
	SELECT * FROM didkpi.periods($1::date[], $2::date[], $3::text)
), rolled AS (
	SELECT didkpi.rollup_status('service_requests', $3::text) = 'ok' AS ok
), r AS (
	-- from the day rollup where it is current, else from the raw requests
	SELECT p.i, r.channel, sum(r.requests) AS n
	  FROM rolled, p
	  JOIN didkpi.rollup_requests r ON r.day >= p.start_date AND r.day < p.end_date
	 WHERE rolled.ok AND ($4::text[] IS NULL OR r.service_code = ANY ($4::text[]))
	 GROUP BY p.i, r.channel
	UNION ALL
	SELECT p.i, r.channel, count(*) AS n
	  FROM rolled, p
	  JOIN didkpi.service_requests r
	    ON r.submitted_at >= p.ts AND r.submitted_at < p.te
	 WHERE NOT rolled.ok AND ($4::text[] IS NULL OR r.service_code = ANY ($4::text[]))
	 GROUP BY p.i, r.channel
), t AS (
	SELECT channel, sum(n) AS total FROM r GROUP BY channel
)
SELECT p.i, c.channel, c.name_th, c.name_en, c.is_digital,
       coalesce(r.n, 0) AS n
  FROM didkpi.channels c
 CROSS JOIN p
  LEFT JOIN r ON r.i = p.i AND r.channel = c.channel
  LEFT JOIN t ON t.channel = c.channel
 ORDER BY c.is_digital, coalesce(t.total, 0) DESC, c.channel COLLATE "C", p.i;

-- name: markers
-- Adoption markers: the services that began accepting Digital ID within
-- [$1, $2) (local dates), optionally only the services in $3 (text[] or
-- NULL). Columns: service_code, name_th, name_en, digital_id_since.
SELECT s.service_code, s.name_th, s.name_en, s.digital_id_since
  FROM didkpi.services s
 WHERE s.digital_id_since >= $1::date AND s.digital_id_since < $2::date
   AND ($3::text[] IS NULL OR s.service_code = ANY ($3::text[]))
 ORDER BY s.digital_id_since, s.service_code COLLATE "C";

-- name: services
-- The services named by --service, in the order given: $1 text[] codes.
-- Columns: code, name_th, name_en, digital_id_since, known (false when
-- there is no such service).
SELECT x.code, s.name_th, s.name_en, s.digital_id_since,
       s.service_code IS NOT NULL AS known
  FROM unnest($1::text[]) WITH ORDINALITY AS x(code, i)
  LEFT JOIN didkpi.services s ON s.service_code = x.code
 ORDER BY x.i;
