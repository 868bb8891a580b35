-- The KPI families of sql/kpi.sql read from the day rollups of schema
-- version 5 (sql/schema/005_rollups.sql), and the parts that cannot be
-- added up, read from the raw logs. lib/kpi.c uses them when the periods'
-- time zone is the rollup zone, the log relation is a table with its
-- triggers enabled and #check finds the rollup complete; `--raw` never.
-- Family parameters as in sql/kpi.sql: $1 date[] starts, $2 date[] ends
-- (exclusive), $3 text time zone, $4 text breakdown.

-- name: requests
-- The additive part of kpi.sql#requests: requests, digital, digital_id,
-- single_window, completed (by submission day).
WITH p AS (
	SELECT * FROM didkpi.periods($1::date[], $2::date[], $3::text)
), r AS (
	SELECT p.i, r.requests, r.single_window, r.completed, c.is_digital,
	       coalesce(m.is_digital_id, false) AS is_digital_id,
	       CASE $4 WHEN 'service' THEN r.service_code
	               WHEN 'unit' THEN s.owner_unit
	               WHEN 'channel' THEN r.channel
	               WHEN 'method' THEN r.method END AS key
	  FROM p
	  JOIN didkpi.rollup_requests r ON r.day >= p.start_date AND r.day < p.end_date
	  JOIN didkpi.services s ON s.service_code = r.service_code
	  JOIN didkpi.channels c ON c.channel = r.channel
	  LEFT JOIN didkpi.auth_methods m ON m.method = r.method
)
SELECT i, key, sum(requests) AS requests,
       sum(requests) FILTER (WHERE is_digital) AS digital,
       sum(requests) FILTER (WHERE is_digital AND is_digital_id) AS digital_id,
       sum(single_window) AS single_window, sum(completed) AS completed
  FROM r
 WHERE $4 = 'all' OR key IS NOT NULL
 GROUP BY i, key;

-- name: request_users
-- The per-user part of kpi.sql#requests, from the raw requests:
-- active_users, enrolled_users, repeat_users, digital_users.
WITH p AS (
	SELECT * FROM didkpi.periods($1::date[], $2::date[], $3::text)
), r AS (
	SELECT p.i, p.te, r.user_key, c.is_digital,
	       CASE $4 WHEN 'service' THEN r.service_code
	               WHEN 'unit' THEN s.owner_unit
	               WHEN 'channel' THEN r.channel
	               WHEN 'method' THEN r.auth_method END AS key
	  FROM p
	  JOIN didkpi.service_requests r
	    ON r.submitted_at >= p.ts AND r.submitted_at < p.te
	   AND r.user_key IS NOT NULL
	  JOIN didkpi.services s ON s.service_code = r.service_code
	  JOIN didkpi.channels c ON c.channel = r.channel
), u AS (
	SELECT i, te, key, user_key,
	       count(*) FILTER (WHERE is_digital) AS n_digital
	  FROM r
	 WHERE $4 = 'all' OR key IS NOT NULL
	 GROUP BY i, te, key, user_key
)
SELECT u.i, u.key,
       count(*) AS active_users,
       count(*) FILTER (WHERE EXISTS (
		SELECT 1 FROM didkpi.auth_events e
		 WHERE e.user_key = u.user_key
		   AND e.step = 'identification' AND e.outcome = 'success'
		   AND e.occurred_at < u.te)) AS enrolled_users,
       count(*) FILTER (WHERE u.n_digital >= 2) AS repeat_users,
       count(*) FILTER (WHERE u.n_digital >= 1) AS digital_users
  FROM u
 GROUP BY u.i, u.key;

-- name: satisfaction
-- kpi.sql#satisfaction: n, score_sum, satisfied.
WITH p AS (
	SELECT * FROM didkpi.periods($1::date[], $2::date[], $3::text)
), r AS (
	SELECT p.i, a.n, a.score_sum, a.satisfied,
	       CASE $4 WHEN 'service' THEN a.service_code
	               WHEN 'unit' THEN s.owner_unit
	               WHEN 'channel' THEN a.channel END AS key
	  FROM p
	  JOIN didkpi.rollup_satisfaction a ON a.day >= p.start_date AND a.day < p.end_date
	  JOIN didkpi.services s ON s.service_code = a.service_code
)
SELECT i, key, sum(n) AS n, sum(score_sum) AS score_sum, sum(satisfied) AS satisfied
  FROM r
 WHERE $4 = 'all' OR key IS NOT NULL
 GROUP BY i, key;

-- name: auth
-- The counts of kpi.sql#auth: auth_n, auth_ok, ident_n, ident_ok, latency_n.
WITH p AS (
	SELECT * FROM didkpi.periods($1::date[], $2::date[], $3::text)
), r AS (
	SELECT p.i, e.auth_n, e.auth_ok, e.ident_n, e.ident_ok, e.latency_n,
	       CASE $4 WHEN 'service' THEN e.service_code
	               WHEN 'unit' THEN s.owner_unit
	               WHEN 'channel' THEN e.channel
	               WHEN 'method' THEN e.method END AS key
	  FROM p
	  JOIN didkpi.rollup_auth e ON e.day >= p.start_date AND e.day < p.end_date
	  LEFT JOIN didkpi.services s ON s.service_code = e.service_code
)
SELECT i, key, sum(auth_n), sum(auth_ok), sum(ident_n), sum(ident_ok), sum(latency_n)
  FROM r
 WHERE $4 = 'all' OR key IS NOT NULL
 GROUP BY i, key;

-- name: auth_latency
-- The median of kpi.sql#auth, from the raw events (index auth_events_latency).
WITH p AS (
	SELECT * FROM didkpi.periods($1::date[], $2::date[], $3::text)
), r AS (
	SELECT p.i, e.latency_ms,
	       CASE $4 WHEN 'service' THEN e.service_code
	               WHEN 'unit' THEN s.owner_unit
	               WHEN 'channel' THEN e.channel
	               WHEN 'method' THEN e.method END AS key
	  FROM p
	  JOIN didkpi.auth_events e
	    ON e.occurred_at >= p.ts AND e.occurred_at < p.te
	   AND e.step = 'authentication' AND e.outcome = 'success'
	  LEFT JOIN didkpi.services s ON s.service_code = e.service_code
)
SELECT i, key, percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms) AS latency_median
  FROM r
 WHERE $4 = 'all' OR key IS NOT NULL
 GROUP BY i, key;

-- name: check
-- Whether each rollup may be used for periods in time zone $1. One row of
-- three texts (requests, auth, satisfaction), each 'ok'; 'zone' when $1 is
-- not the rollup zone; 'view' when the log relation is not a table (a
-- site's view: it has no rollup); 'triggers' when a rollup trigger is
-- missing or not ENABLE ALWAYS; 'behind' when it was so since the last
-- full refresh (didkpi.rollup_state, see sql/schema/005_rollups.sql).
WITH rel AS (
	SELECT v.relname,
	       CASE WHEN $1::text <> didkpi.rollup_zone() THEN 'zone'
	            WHEN NOT EXISTS (SELECT 1 FROM pg_catalog.pg_class c
	                               JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
	                              WHERE n.nspname = 'didkpi' AND c.relname = v.relname
	                                AND c.relkind IN ('r', 'p')) THEN 'view'
	            WHEN v.relname IN (SELECT didkpi.rollup_unwatched()) THEN 'triggers'
	            WHEN (SELECT stale FROM didkpi.rollup_state s
	                   WHERE s.relname = v.relname) IS NOT FALSE THEN 'behind'
	            ELSE 'ok' END AS state
	  FROM (VALUES ('service_requests'), ('auth_events'), ('satisfaction')) AS v(relname)
)
SELECT (SELECT state FROM rel WHERE relname = 'service_requests'),
       (SELECT state FROM rel WHERE relname = 'auth_events'),
       (SELECT state FROM rel WHERE relname = 'satisfaction');

-- name: lock
-- `didkpi refresh`: no write to the log relations while rollups are rebuilt.
LOCK TABLE didkpi.service_requests, didkpi.auth_events, didkpi.satisfaction IN SHARE MODE;

-- name: refresh
-- `didkpi refresh`: rebuild the rollups for local days >= $1 (a date, or
-- -infinity for all).
SELECT didkpi.rollup_refresh($1::date);
