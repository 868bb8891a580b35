-- Schema version 16: each service's completed requests by closing time,
-- for the windows of `compare` (issue 9). Applied by `didkpi init`; it can
-- be applied again. Parameters: none.
--
-- compare.sql#durations reads the service times of every service's before
-- and after windows. With only service_requests_completed (version 1,
-- keyed by the closing time alone) it read every completed request of the
-- span from the first window's start to the last one's end and kept each
-- service's own windows by a hash join: 127 600 rows for 37 600 at 1 M
-- events (the demo department at scale 5: 18 services, windows of six
-- months), 70-117 ms of backend CPU. Keyed by service, then closing time,
-- each window is one range of this index, read alone (it carries the
-- submission time): 17-27 ms, the same rows. The planner takes it for the
-- unchanged query (one index-only scan per window, nested in the windows).
-- A load adds an entry for each completed request, as it does to
-- service_requests_completed; 10 MB at 1 M events.
DO $$
BEGIN
	IF EXISTS (SELECT 1 FROM pg_catalog.pg_class c
	             JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
	            WHERE n.nspname = 'didkpi' AND c.relname = 'service_requests'
	              AND c.relkind IN ('r', 'p')) THEN
		CREATE INDEX IF NOT EXISTS service_requests_windows
			ON didkpi.service_requests (service_code, closed_at) INCLUDE (submitted_at)
			WHERE status = 'completed';
	END IF;
END
$$;
