-- Data freshness (issue 10 item 16): up to when each log relation has
-- data, and whether a period has any, so that an unattended run refuses a
-- period with no data instead of writing a workbook of zeros. Cheap: max()
-- and EXISTS over the time indexes (auth_events_occurred_at of
-- 001_initial.sql, service_requests_people of 012_lookups.sql,
-- satisfaction_answered of 011_report_indexes.sql). Run in the command's
-- snapshot.

-- name: period
-- The newest record of each log relation and whether P holds any record.
--   $1 date      P's first local date
--   $2 date      P's exclusive local end date
--   $3 text      the time zone the dates are local to
--   $4 interval  the tolerance: a relation whose newest record is older
--                than (P's end or now, whichever is earlier) minus this
--                ends before the period does
-- Columns, for auth_events (occurred_at), service_requests (submitted_at)
-- and satisfaction (answered_at) in that order: newest ('YYYY-MM-DD
-- HH24:MI:SS' local, NULL when the relation is empty) and short (true
-- when it ends before the period does); then any (a record of any of the
-- three in P) and until (P's end or now, local, as newest).
-- The bounds are written out in each subquery, none refers to another
-- part of the query: Citus runs each on the workers (docs/scaling.md).
WITH n AS (
	SELECT (SELECT max(occurred_at) FROM didkpi.auth_events) AS a,
	       (SELECT max(submitted_at) FROM didkpi.service_requests) AS r,
	       (SELECT max(answered_at) FROM didkpi.satisfaction) AS s,
	       least($2::date::timestamp AT TIME ZONE $3, transaction_timestamp()) AS until
)
SELECT to_char(n.a AT TIME ZONE $3, 'YYYY-MM-DD HH24:MI:SS'),
       (n.a < n.until - $4::interval)::text,
       to_char(n.r AT TIME ZONE $3, 'YYYY-MM-DD HH24:MI:SS'),
       (n.r < n.until - $4::interval)::text,
       to_char(n.s AT TIME ZONE $3, 'YYYY-MM-DD HH24:MI:SS'),
       (n.s < n.until - $4::interval)::text,
       (EXISTS (SELECT 1 FROM didkpi.auth_events e
		 WHERE e.occurred_at >= ($1::date::timestamp AT TIME ZONE $3)
		   AND e.occurred_at < ($2::date::timestamp AT TIME ZONE $3))
	OR EXISTS (SELECT 1 FROM didkpi.service_requests r
		    WHERE r.submitted_at >= ($1::date::timestamp AT TIME ZONE $3)
		      AND r.submitted_at < ($2::date::timestamp AT TIME ZONE $3))
	OR EXISTS (SELECT 1 FROM didkpi.satisfaction s
		    WHERE s.answered_at >= ($1::date::timestamp AT TIME ZONE $3)
		      AND s.answered_at < ($2::date::timestamp AT TIME ZONE $3)))::text,
       to_char(n.until AT TIME ZONE $3, 'YYYY-MM-DD HH24:MI:SS')
  FROM n;

-- name: compare
-- The windows of didkpi compare (SPEC section 5): their span and whether
-- any adopting service has a request or a survey response in its own
-- before-to-after span [D - W months, D + ramp + W months).
--   $1 int     W, months in each window
--   $2 int     ramp, months left out after adoption
--   $3 text    the time zone
--   $4 text[]  only these services (NULL: every adopting service)
-- Columns: span_start, span_end (local dates, NULL when no service has
-- adopted), any ('true'/'false').
WITH w AS (
	SELECT s.service_code,
	       (s.digital_id_since - make_interval(months => $1::integer))::date AS ds,
	       (s.digital_id_since + make_interval(months => $1::integer + $2::integer))::date AS de
	  FROM didkpi.services s
	 WHERE s.digital_id_since IS NOT NULL
	   AND ($4::text[] IS NULL OR s.service_code = ANY ($4::text[]))
), t AS (
	SELECT w.service_code, (w.ds::timestamp AT TIME ZONE $3) AS ts,
	       (w.de::timestamp AT TIME ZONE $3) AS te
	  FROM w
)
SELECT (SELECT min(ds) FROM w)::text, (SELECT max(de) FROM w)::text,
       (EXISTS (SELECT 1 FROM t JOIN didkpi.service_requests r
		   ON r.service_code = t.service_code
		  AND r.submitted_at >= t.ts AND r.submitted_at < t.te)
	OR EXISTS (SELECT 1 FROM t JOIN didkpi.satisfaction s
		   ON s.service_code = t.service_code
		  AND s.answered_at >= t.ts AND s.answered_at < t.te))::text;
