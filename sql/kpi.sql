-- The KPI queries of SPEC section 4, one section per family of KPIs.
--
-- Every family query takes the same parameters:
--   $1 date[]  the periods' first local dates
--   $2 date[]  the periods' exclusive local end dates (same length as $1)
--   $3 text    the time zone the dates are local to (e.g. Asia/Bangkok)
--   $4 text    the breakdown: all, service, unit, channel or method
-- and returns one row per period index i (1-based, as in $1) and breakdown
-- key (NULL for all) that has rows; the caller fills in the full grid of
-- keys. Rows whose breakdown attribute is NULL count only in 'all'.
-- didkpi.periods() (schema version 2) turns local midnights into instants
-- once, so every predicate on a timestamp column is a plain range that an
-- index serves: a month's cost follows the month's rows, not the table's.

-- name: requests
-- requests, active_users, digital_id_enrolment_rate, digital_channel_rate,
-- digital_id_use_rate, repeat_use_rate, single_window_rate, completion_rate:
-- requests submitted in P. Per user first (NULL user_key is one bucket that
-- counts in request KPIs and in no user KPI), then per group. A user is
-- enrolled in P when their first successful identification (any service)
-- is before P.end: asked by a join with each active user's first one, not
-- a correlated subquery, so that Citus plans it too (docs/scaling.md).
WITH p AS (
	SELECT * FROM didkpi.periods($1::date[], $2::date[], $3::text)
), r AS (
	SELECT p.i, p.te, r.user_key, r.status, r.via_single_window, c.is_digital,
	       coalesce(m.is_digital_id, false) AS is_digital_id,
	       CASE $4 WHEN 'service' THEN r.service_code
	               WHEN 'unit' THEN s.owner_unit
	               WHEN 'channel' THEN r.channel
	               WHEN 'method' THEN r.auth_method END AS key
	  FROM p
	  JOIN didkpi.service_requests r
	    ON r.submitted_at >= p.ts AND r.submitted_at < p.te
	  JOIN didkpi.services s ON s.service_code = r.service_code
	  JOIN didkpi.channels c ON c.channel = r.channel
	  LEFT JOIN didkpi.auth_methods m ON m.method = r.auth_method
), u AS (
	SELECT i, te, key, user_key,
	       count(*) AS n,
	       count(*) FILTER (WHERE is_digital) AS n_digital,
	       count(*) FILTER (WHERE is_digital AND is_digital_id) AS n_digital_id,
	       count(*) FILTER (WHERE via_single_window) AS n_single_window,
	       count(*) FILTER (WHERE status = 'completed') AS n_completed
	  FROM r
	 WHERE $4 = 'all' OR key IS NOT NULL
	 GROUP BY i, te, key, user_key
), f AS (
	SELECT e.user_key, min(e.occurred_at) AS first_at
	  FROM didkpi.auth_events e
	 WHERE e.step = 'identification' AND e.outcome = 'success'
	   AND e.user_key IN (SELECT user_key FROM u)
	 GROUP BY e.user_key
)
SELECT u.i, u.key,
       sum(u.n) AS requests,
       count(u.user_key) AS active_users,
       -- the person as a whole: any successful identification before P.end
       count(u.user_key) FILTER (WHERE f.first_at < u.te) AS enrolled_users,
       sum(u.n_digital) AS digital,
       sum(u.n_digital_id) AS digital_id,
       count(u.user_key) FILTER (WHERE u.n_digital >= 2) AS repeat_users,
       count(u.user_key) FILTER (WHERE u.n_digital >= 1) AS digital_users,
       sum(u.n_single_window) AS single_window,
       sum(u.n_completed) AS completed
  FROM u LEFT JOIN f ON f.user_key = u.user_key
 GROUP BY u.i, u.key;

-- name: service_time
-- service_time_median_hours, service_time_p90_hours: requests completed
-- with closed_at in P, whenever submitted; hours exact to the microsecond.
WITH p AS (
	SELECT * FROM didkpi.periods($1::date[], $2::date[], $3::text)
), r AS (
	SELECT p.i,
	       -- exact microseconds (an integer, exact in float8), then one
	       -- correctly rounded division
	       didkpi.span_us(r.submitted_at, r.closed_at)::float8 / 3600000000 AS hours,
	       CASE $4 WHEN 'service' THEN r.service_code
	               WHEN 'unit' THEN s.owner_unit
	               WHEN 'channel' THEN r.channel
	               WHEN 'method' THEN r.auth_method END AS key
	  FROM p
	  JOIN didkpi.service_requests r
	    ON r.closed_at >= p.ts AND r.closed_at < p.te AND r.status = 'completed'
	  JOIN didkpi.services s ON s.service_code = r.service_code
)
SELECT i, key, count(*) AS n,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY hours) AS median,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY hours) AS p90
  FROM r
 WHERE $4 = 'all' OR key IS NOT NULL
 GROUP BY i, key;

-- name: satisfaction
-- satisfaction_mean, satisfaction_csat: responses answered in P. No method
-- breakdown: a response carries no authentication method.
WITH p AS (
	SELECT * FROM didkpi.periods($1::date[], $2::date[], $3::text)
), r AS (
	SELECT p.i, a.score,
	       CASE $4 WHEN 'service' THEN a.service_code
	               WHEN 'unit' THEN s.owner_unit
	               WHEN 'channel' THEN a.channel END AS key
	  FROM p
	  JOIN didkpi.satisfaction a
	    ON a.answered_at >= p.ts AND a.answered_at < p.te
	  JOIN didkpi.services s ON s.service_code = a.service_code
)
SELECT i, key, count(*) AS n, sum(score) AS score_sum,
       count(*) FILTER (WHERE score >= 4) AS satisfied
  FROM r
 WHERE $4 = 'all' OR key IS NOT NULL
 GROUP BY i, key;

-- name: auth
-- auth_success_rate, identification_success_rate, auth_latency_median_ms:
-- authentication events in P.
WITH p AS (
	SELECT * FROM didkpi.periods($1::date[], $2::date[], $3::text)
), r AS (
	SELECT p.i, e.step, e.outcome, e.latency_ms,
	       CASE $4 WHEN 'service' THEN e.service_code
	               WHEN 'unit' THEN s.owner_unit
	               WHEN 'channel' THEN e.channel
	               WHEN 'method' THEN e.method END AS key
	  FROM p
	  JOIN didkpi.auth_events e
	    ON e.occurred_at >= p.ts AND e.occurred_at < p.te
	  LEFT JOIN didkpi.services s ON s.service_code = e.service_code
)
SELECT i, key,
       count(*) FILTER (WHERE step = 'authentication') AS auth_n,
       count(*) FILTER (WHERE step = 'authentication' AND outcome = 'success') AS auth_ok,
       count(*) FILTER (WHERE step = 'identification') AS ident_n,
       count(*) FILTER (WHERE step = 'identification' AND outcome = 'success') AS ident_ok,
       count(latency_ms) FILTER (WHERE step = 'authentication' AND outcome = 'success')
	       AS latency_n,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms)
	       FILTER (WHERE step = 'authentication' AND outcome = 'success') AS latency_median
  FROM r
 WHERE $4 = 'all' OR key IS NOT NULL
 GROUP BY i, key;

-- name: enrolments
-- digital_id_enrolments: users whose first ever successful identification
-- (ties broken by the smaller event_id, byte order) falls in P, by the
-- attributes of that event. Only the people with a successful
-- identification in P are asked for their first instant (e), through the
-- partial index on successful identifications, so the cost follows P's
-- identification events, not the whole history; of their events of P at
-- that instant (all of them are in P) the smallest event_id is the first.
-- Joins, no correlated subquery: Citus plans it too (docs/scaling.md).
WITH p AS (
	SELECT * FROM didkpi.periods($1::date[], $2::date[], $3::text)
), e AS (
	SELECT p.i, e.user_key, e.occurred_at, e.event_id, e.service_code, e.channel, e.method
	  FROM p
	  JOIN didkpi.auth_events e
	    ON e.occurred_at >= p.ts AND e.occurred_at < p.te
	   AND e.step = 'identification' AND e.outcome = 'success'
	   AND e.user_key IS NOT NULL
), f AS (
	SELECT f.user_key, min(f.occurred_at) AS first_at
	  FROM didkpi.auth_events f
	 WHERE f.step = 'identification' AND f.outcome = 'success'
	   AND f.user_key IN (SELECT user_key FROM e)
	 GROUP BY f.user_key
), r AS (
	SELECT DISTINCT ON (e.i, e.user_key) e.i,
	       CASE $4 WHEN 'service' THEN e.service_code
	               WHEN 'unit' THEN s.owner_unit
	               WHEN 'channel' THEN e.channel
	               WHEN 'method' THEN e.method END AS key
	  FROM e
	  JOIN f ON f.user_key = e.user_key AND f.first_at = e.occurred_at
	  LEFT JOIN didkpi.services s ON s.service_code = e.service_code
	 ORDER BY e.i, e.user_key, e.event_id COLLATE "C"
)
SELECT i, key, count(*) AS n
  FROM r
 WHERE $4 = 'all' OR key IS NOT NULL
 GROUP BY i, key;

-- name: coverage
-- eservice_digital_id_coverage: e-services accepting Digital ID before the
-- local date of P.end, over e-services. Services have no history: every
-- current row counts in every period.
WITH p AS (
	SELECT * FROM didkpi.periods($1::date[], $2::date[], $3::text)
)
SELECT p.i,
       CASE $4 WHEN 'service' THEN s.service_code
               WHEN 'unit' THEN s.owner_unit END AS key,
       count(*) FILTER (WHERE s.is_eservice) AS eservices,
       count(*) FILTER (WHERE s.is_eservice AND s.digital_id_since < p.end_date) AS adopted
  FROM p CROSS JOIN didkpi.services s
 GROUP BY 1, 2;

-- name: training
-- staff_training_coverage: front-line staff trained before the local date
-- of P.end, over front-line staff, by staff.unit.
WITH p AS (
	SELECT * FROM didkpi.periods($1::date[], $2::date[], $3::text)
)
SELECT p.i,
       CASE $4 WHEN 'unit' THEN st.unit END AS key,
       count(*) FILTER (WHERE st.is_frontline) AS frontline,
       count(*) FILTER (WHERE st.is_frontline AND st.trained_on < p.end_date) AS trained
  FROM p CROSS JOIN didkpi.staff st
 GROUP BY 1, 2;

-- name: cost
-- cost_per_transaction, digital_savings_thb (issue 13 item 4): requests
-- completed with closed_at in P, each at the unit cost of its channel
-- (and service) in force on the local date of its closed_at
-- (didkpi.completed_costs, schema version 7). A cell with any completed
-- request that has no cost gets no cost (NULL, never "free"); one with
-- any digital request lacking its own or the counter's cost gets no
-- savings; cost_missing names them. No method breakdown.
WITH c AS (
	SELECT c.*,
	       CASE $4 WHEN 'service' THEN c.service_code
	               WHEN 'unit' THEN s.owner_unit
	               WHEN 'channel' THEN c.channel END AS key
	  FROM didkpi.completed_costs($1::date[], $2::date[], $3::text) c
	  JOIN didkpi.services s ON s.service_code = c.service_code
)
SELECT i, key,
       sum(n) AS completed,
       CASE WHEN bool_and(unit_cost IS NOT NULL) THEN sum(n * unit_cost) END AS cost,
       coalesce(sum(n) FILTER (WHERE is_digital), 0) AS digital,
       CASE WHEN bool_and(unit_cost IS NOT NULL AND counter_cost IS NOT NULL)
		 FILTER (WHERE is_digital) IS NOT FALSE
	    THEN coalesce(sum(n * (counter_cost - unit_cost)) FILTER (WHERE is_digital), 0)
       END AS saved
  FROM c
 WHERE $4 = 'all' OR key IS NOT NULL
 GROUP BY i, key;

-- name: cost_missing
-- The completed requests of the periods that have no cost ('own': no cost
-- of their channel in force on their closing day) or, on a digital
-- channel, no counter cost to compare with ('counter'), by channel: for a
-- warning, when any cost is loaded. $1..$3 as above; $4 (boolean) counts
-- from the completions' rollup (lib/kpi.c: when the requests' rollups are
-- current), as rollup.sql#cost. The requests of a service that is not in
-- didkpi.services are not named: the cost KPIs do not count them (the
-- unknown-code warning does). lib/kpi.c runs this only when some period's
-- cost or savings came out empty.
SELECT c.channel,
       CASE WHEN c.unit_cost IS NULL THEN 'own' ELSE 'counter' END AS what,
       min(c.day)::text, max(c.day)::text, count(DISTINCT c.day), sum(c.n)
  FROM didkpi.completed_costs($1::date[], $2::date[], $3::text, $4::boolean) c
  JOIN didkpi.services s ON s.service_code = c.service_code
 WHERE (c.unit_cost IS NULL OR (c.is_digital AND c.counter_cost IS NULL))
   -- a site that keeps no costs at all is not warned at every run: the
   -- cost KPIs are plainly empty
   AND EXISTS (SELECT FROM didkpi.channel_costs)
 GROUP BY 1, 2
 ORDER BY c.channel COLLATE "C", what;

-- name: targets
-- The target of each KPI in force on each period's last day (P.end - 1;
-- valid_to is inclusive). $1, $2: the periods' dates as above.
SELECT DISTINCT ON (x.i, t.kpi) x.i::integer, t.kpi, t.target::text
  FROM unnest($1::date[], $2::date[]) WITH ORDINALITY AS x(s, e, i)
  JOIN didkpi.kpi_targets t
    ON x.e - 1 BETWEEN t.valid_from AND t.valid_to
 ORDER BY x.i, t.kpi, t.valid_from DESC;

-- name: keys_service
-- The service breakdown's keys, with names. Parameters: none.
SELECT service_code, name_th, name_en FROM didkpi.services
 ORDER BY service_code COLLATE "C";

-- name: keys_unit
-- The unit breakdown's keys: every distinct owner unit. Parameters: none.
SELECT owner_unit, owner_unit, owner_unit FROM didkpi.services
 GROUP BY owner_unit ORDER BY owner_unit COLLATE "C";

-- name: keys_staff_unit
-- The unit keys of staff_training_coverage. Parameters: none.
SELECT unit, unit, unit FROM didkpi.staff GROUP BY unit ORDER BY unit COLLATE "C";

-- name: keys_channel
-- The channel breakdown's keys, with names. Parameters: none.
SELECT channel, name_th, name_en FROM didkpi.channels ORDER BY channel COLLATE "C";

-- name: keys_method
-- The method breakdown's keys, with names. Parameters: none.
SELECT method, name_th, name_en FROM didkpi.auth_methods ORDER BY method COLLATE "C";

-- name: today
-- Today's local date, for relative periods (last-month, this-fy...).
-- $1: the time zone.
SELECT (now() AT TIME ZONE $1)::date::text;
