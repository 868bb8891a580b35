-- Schema version 17: each service's days of the requests rollup, and each
-- service's survey answers by time, for the windows of `compare` and of
-- the monthly workbook's before/after sheet (issue 9). Applied by
-- `didkpi init`; it can be applied again. Parameters: none.
--
-- compare.sql#requests_own sums the rollup's days of every service's
-- before and after windows. The rollup is keyed by day first (version 5:
-- day, service, channel, method), so the planner read all of it and kept
-- each service's windows by a hash join on the code and a test of the
-- day: 92 600 rollup rows for 22 800 at 1 M events (the demo department
-- at scale 5: 18 services, windows of six months), 62-75 ms inside the
-- workbook. Keyed by service, then day, each window is one range of
-- rollup_requests_windows, read alone (it carries the sums the query
-- adds): 18-20 ms, the same rows. 6 MB at 1 M events; the rollup's
-- triggers write one more entry per rollup row they insert.
CREATE INDEX IF NOT EXISTS rollup_requests_windows
	ON didkpi.rollup_requests (service_code, day) INCLUDE (channel, requests, completed);

-- compare.sql#satisfaction_own reads the answers of the windows the same
-- way: with only satisfaction_answered (keyed by time alone) it read
-- every answer of the span from the first window to the last and matched
-- them by a hash join: 30-41 ms inside the workbook; one range per window
-- of satisfaction_windows: 7-8 ms, the same rows (13 500 at 1 M events).
-- A load adds an entry for each answer (4 MB at 1 M events). Where the
-- site supplies satisfaction as a view (sql/examples/site_views.sql),
-- there is nothing to index and the query reads the view as before.
DO $$
BEGIN
	IF EXISTS (SELECT 1 FROM pg_catalog.pg_class c
	             JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
	            WHERE n.nspname = 'didkpi' AND c.relname = 'satisfaction'
	              AND c.relkind IN ('r', 'p')) THEN
		CREATE INDEX IF NOT EXISTS satisfaction_windows
			ON didkpi.satisfaction (service_code, answered_at) INCLUDE (score);
	END IF;
END
$$;
