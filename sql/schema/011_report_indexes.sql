-- Schema version 11: two indexes for what the monthly workbook reads from
-- the raw logs (issue 9). Applied by `didkpi init`; it can be applied
-- again. Parameters: none.
--
-- auth_events_failures. The authentication sheet lists the most frequent
-- failure reasons of the month (report.sql#failure_reasons). Failures are
-- about one event in twenty: found through the timestamp index, every
-- event of the month was fetched from the heap to test its outcome,
-- 307 000 row fetches for 14 700 failures at 10 M events (0.6 s in psql,
-- 2.3 s within the monthly workbook: a quarter of its time). This partial
-- index holds only the failures, with the columns the query reads: an
-- index-only scan of the month's failures (16 ms). A load adds an entry
-- only for a failed event.
--
-- satisfaction_answered replaces satisfaction_answered_at (version 1): the
-- same key, carrying the columns the answers are counted by, so that
-- compare.sql#satisfaction_own (every service's before and after windows,
-- 475 000 answers at 10 M events) and kpi.sql#satisfaction on the raw path
-- read the index alone (0.45 s -> 0.33 s). No index is added.
DO $$
BEGIN
	IF EXISTS (SELECT 1 FROM pg_catalog.pg_class c
	             JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
	            WHERE n.nspname = 'didkpi' AND c.relname = 'auth_events'
	              AND c.relkind IN ('r', 'p')) THEN
		CREATE INDEX IF NOT EXISTS auth_events_failures
			ON didkpi.auth_events (occurred_at)
			INCLUDE (step, method, failure_reason)
			WHERE outcome = 'failure';
	END IF;
	IF EXISTS (SELECT 1 FROM pg_catalog.pg_class c
	             JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
	            WHERE n.nspname = 'didkpi' AND c.relname = 'satisfaction'
	              AND c.relkind IN ('r', 'p')) THEN
		CREATE INDEX IF NOT EXISTS satisfaction_answered
			ON didkpi.satisfaction (answered_at) INCLUDE (service_code, channel, score);
		DROP INDEX IF EXISTS didkpi.satisfaction_answered_at;
	END IF;
END
$$;
