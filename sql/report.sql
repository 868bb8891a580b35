-- The queries of didkpi report (SPEC section 7) that are not KPIs: the
-- snapshot's time, the services' details and the top failure reasons.
-- The KPIs themselves come from kpi.sql, the before/after rows from
-- compare.sql and the method mix from chart.sql, all in the same
-- REPEATABLE READ, READ ONLY transaction. Aggregates only.

-- name: snapshot
-- When the snapshot was taken (the transaction's start, which in
-- REPEATABLE READ is the moment every sheet's data is as of) as local
-- time in $1 (the time zone), and the database's name.
-- Columns: snapshot ('YYYY-MM-DD HH24:MI:SS'), database, the snapshot's
-- offset from UTC in the session's zone (set to $1 before): '+07:00'.
SELECT to_char(transaction_timestamp() AT TIME ZONE $1, 'YYYY-MM-DD HH24:MI:SS'),
       current_database(), to_char(transaction_timestamp(), 'TZH:TZM');

-- name: services
-- Every service with its unit, whether it is an e-service and since when
-- it accepts Digital ID. Parameters: none.
-- Columns: service_code, name_th, name_en, owner_unit, is_eservice,
-- digital_id_since (NULL = not yet).
SELECT service_code, name_th, name_en, owner_unit, is_eservice::text,
       digital_id_since::text
  FROM didkpi.services
 ORDER BY service_code COLLATE "C";

-- name: failure_reasons
-- The most frequent failure reasons of identification and authentication
-- events in P, by step and method.
--   $1 date  P's first local date
--   $2 date  P's exclusive local end date
--   $3 text  the time zone the dates are local to
--   $4 int   how many rows to return (the largest counts)
-- Columns: step, method, name_th, name_en, is_digital_id, reason (NULL
-- when none was recorded), n (failures with that reason), failures (all
-- failures of that step and method in P).
WITH p AS (
	SELECT ($1::date::timestamp AT TIME ZONE $3) AS ts,
	       ($2::date::timestamp AT TIME ZONE $3) AS te
), f AS (
	SELECT e.step, e.method, e.failure_reason AS reason, count(*) AS n
	  FROM p
	  JOIN didkpi.auth_events e
	    ON e.occurred_at >= p.ts AND e.occurred_at < p.te
	 WHERE e.outcome = 'failure'
	 GROUP BY e.step, e.method, e.failure_reason
)
SELECT f.step, f.method, m.name_th, m.name_en, m.is_digital_id::text, f.reason, f.n,
       sum(f.n) OVER (PARTITION BY f.step, f.method) AS failures
  FROM f
  JOIN didkpi.auth_methods m ON m.method = f.method
 ORDER BY f.n DESC, f.step, f.method COLLATE "C", f.reason COLLATE "C" NULLS LAST
 LIMIT $4::integer;

-- name: now
-- The current local time in $1 (the time zone), for the workbook's
-- "generated" line (the clock's time, not the snapshot's).
SELECT to_char(clock_timestamp() AT TIME ZONE $1, 'YYYY-MM-DD HH24:MI:SS');
