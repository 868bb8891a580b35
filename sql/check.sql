-- Queries of `didkpi check` and of the unknown-code warning of kpi and
-- report (issue 9 item 1). Since schema version 4 the log relations have no
-- foreign keys: `didkpi load` checks every code, but rows written another
-- way (psql, another program, a site view in place of a table) are not
-- checked. These queries find the rows whose code is not in its reference
-- table, so that no such row is dropped silently by a KPI's join.
-- Read-only.

-- name: unknown_codes
-- Every log relation's reference columns: rows with a code the reference
-- table does not have (a NULL code is no reference). Parameters:
--   $1 int  how many example keys to show per column
-- Columns: relation, column, rows (count), examples ('key (code)', the
-- smallest keys, joined by ', '). One row per column, problems or not.
WITH o AS (
	SELECT 'auth_events' AS rel, 'method' AS col, e.event_id AS key, e.method AS code
	  FROM didkpi.auth_events e
	 WHERE NOT EXISTS (SELECT FROM didkpi.auth_methods m WHERE m.method = e.method)
	UNION ALL
	SELECT 'auth_events', 'channel', e.event_id, e.channel
	  FROM didkpi.auth_events e
	 WHERE NOT EXISTS (SELECT FROM didkpi.channels c WHERE c.channel = e.channel)
	UNION ALL
	SELECT 'auth_events', 'service_code', e.event_id, e.service_code
	  FROM didkpi.auth_events e
	 WHERE e.service_code IS NOT NULL
	   AND NOT EXISTS (SELECT FROM didkpi.services s WHERE s.service_code = e.service_code)
	UNION ALL
	SELECT 'service_requests', 'service_code', r.request_id, r.service_code
	  FROM didkpi.service_requests r
	 WHERE NOT EXISTS (SELECT FROM didkpi.services s WHERE s.service_code = r.service_code)
	UNION ALL
	SELECT 'service_requests', 'channel', r.request_id, r.channel
	  FROM didkpi.service_requests r
	 WHERE NOT EXISTS (SELECT FROM didkpi.channels c WHERE c.channel = r.channel)
	UNION ALL
	SELECT 'service_requests', 'auth_method', r.request_id, r.auth_method
	  FROM didkpi.service_requests r
	 WHERE r.auth_method IS NOT NULL
	   AND NOT EXISTS (SELECT FROM didkpi.auth_methods m WHERE m.method = r.auth_method)
	UNION ALL
	SELECT 'satisfaction', 'service_code', a.response_id, a.service_code
	  FROM didkpi.satisfaction a
	 WHERE NOT EXISTS (SELECT FROM didkpi.services s WHERE s.service_code = a.service_code)
	UNION ALL
	SELECT 'satisfaction', 'channel', a.response_id, a.channel
	  FROM didkpi.satisfaction a
	 WHERE NOT EXISTS (SELECT FROM didkpi.channels c WHERE c.channel = a.channel)
), cols (ord, rel, col) AS (
	VALUES (1, 'auth_events', 'method'), (2, 'auth_events', 'channel'),
	       (3, 'auth_events', 'service_code'), (4, 'service_requests', 'service_code'),
	       (5, 'service_requests', 'channel'), (6, 'service_requests', 'auth_method'),
	       (7, 'satisfaction', 'service_code'), (8, 'satisfaction', 'channel')
), n AS (
	SELECT rel, col, count(*) AS n FROM o GROUP BY rel, col
), r AS (
	SELECT rel, col, key, code,
	       row_number() OVER (PARTITION BY rel, col ORDER BY key) AS i
	  FROM o
)
SELECT c.rel, c.col, coalesce(n.n, 0)::text,
       (SELECT string_agg(r.key || ' (' || r.code || ')', ', ' ORDER BY r.key)
	  FROM r WHERE r.rel = c.rel AND r.col = c.col AND r.i <= $1::integer)
  FROM cols c LEFT JOIN n ON n.rel = c.rel AND n.col = c.col
 ORDER BY c.ord;

-- name: unknown_in_period
-- How many rows of each log relation in a period have an unknown code (any
-- reference column): the warning of kpi and report. Cheap: from the day
-- rollups, which keep every raw code (schema version 5), where they are
-- current (didkpi.rollup_status) and P's dates are local to the rollup
-- zone; else the period's rows through the time indexes, each code looked
-- up in a small hashed reference table (joins, no correlated subquery
-- over the logs: Citus runs them on the workers, docs/scaling.md).
--   $1 date  P's first local date
--   $2 date  P's exclusive local end date
--   $3 text  the time zone the dates are local to
-- Columns: auth_events, service_requests, satisfaction (counts).
SELECT CASE WHEN didkpi.rollup_status('auth_events', $3::text) = 'ok' THEN
	(SELECT coalesce(sum(e.events), 0) FROM didkpi.rollup_auth e
	 WHERE e.day >= $1::date AND e.day < $2::date
	   AND (NOT EXISTS (SELECT FROM didkpi.auth_methods m WHERE m.method = e.method)
		OR NOT EXISTS (SELECT FROM didkpi.channels c WHERE c.channel = e.channel)
		OR (e.service_code IS NOT NULL AND NOT EXISTS
		    (SELECT FROM didkpi.services s WHERE s.service_code = e.service_code))))
       ELSE
	(SELECT count(*) FROM didkpi.auth_events e
	   LEFT JOIN didkpi.auth_methods m ON m.method = e.method
	   LEFT JOIN didkpi.channels c ON c.channel = e.channel
	   LEFT JOIN didkpi.services s ON s.service_code = e.service_code
	 WHERE e.occurred_at >= ($1::date::timestamp AT TIME ZONE $3)
	   AND e.occurred_at < ($2::date::timestamp AT TIME ZONE $3)
	   AND (m.method IS NULL OR c.channel IS NULL
		OR (e.service_code IS NOT NULL AND s.service_code IS NULL)))
       END::text,
       CASE WHEN didkpi.rollup_status('service_requests', $3::text) = 'ok' THEN
	(SELECT coalesce(sum(r.requests), 0) FROM didkpi.rollup_requests r
	 WHERE r.day >= $1::date AND r.day < $2::date
	   AND (NOT EXISTS (SELECT FROM didkpi.services s WHERE s.service_code = r.service_code)
		OR NOT EXISTS (SELECT FROM didkpi.channels c WHERE c.channel = r.channel)
		OR (r.method IS NOT NULL AND NOT EXISTS
		    (SELECT FROM didkpi.auth_methods m WHERE m.method = r.method))))
       ELSE
	(SELECT count(*) FROM didkpi.service_requests r
	   LEFT JOIN didkpi.services s ON s.service_code = r.service_code
	   LEFT JOIN didkpi.channels c ON c.channel = r.channel
	   LEFT JOIN didkpi.auth_methods m ON m.method = r.auth_method
	 WHERE r.submitted_at >= ($1::date::timestamp AT TIME ZONE $3)
	   AND r.submitted_at < ($2::date::timestamp AT TIME ZONE $3)
	   AND (s.service_code IS NULL OR c.channel IS NULL
		OR (r.auth_method IS NOT NULL AND m.method IS NULL)))
       END::text,
       CASE WHEN didkpi.rollup_status('satisfaction', $3::text) = 'ok' THEN
	(SELECT coalesce(sum(a.n), 0) FROM didkpi.rollup_satisfaction a
	 WHERE a.day >= $1::date AND a.day < $2::date
	   AND (NOT EXISTS (SELECT FROM didkpi.services s WHERE s.service_code = a.service_code)
		OR NOT EXISTS (SELECT FROM didkpi.channels c WHERE c.channel = a.channel)))
       ELSE
	(SELECT count(*) FROM didkpi.satisfaction a
	   LEFT JOIN didkpi.services s ON s.service_code = a.service_code
	   LEFT JOIN didkpi.channels c ON c.channel = a.channel
	 WHERE a.answered_at >= ($1::date::timestamp AT TIME ZONE $3)
	   AND a.answered_at < ($2::date::timestamp AT TIME ZONE $3)
	   AND (s.service_code IS NULL OR c.channel IS NULL))
       END::text;
