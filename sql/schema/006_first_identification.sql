-- Schema version 6: each person's first successful identification, kept
-- exact by the rollup triggers of auth_events (issue 9, item 2). Applied
-- by `didkpi init`; re-applicable. Parameters: none.
--
-- Why. Two KPIs ask of every person "when did they first prove who they
-- are?": digital_id_enrolments counts the people whose first successful
-- identification falls in a period, and digital_id_enrolment_rate counts
-- the active users who had one before the period ended. From the raw log
-- that is one index probe per event or per user: 250 ms for a 13-month
-- trend at 1 M events, growing with the history. This relation holds the
-- answer, one row per person: the smallest (occurred_at, event_id in byte
-- order) of their successful identifications, with the event's attributes
-- (the breakdown keys of digital_id_enrolments). It is exact, not a
-- sample: lib/kpi.c reads it only when rollup.sql#check finds the auth
-- rollup current, and `didkpi kpi --raw` recomputes from auth_events; the
-- tests require both paths to print the same bytes.
--
-- Maintenance. rollup_trigger('auth') keeps it in the writer's transaction:
-- an INSERT or COPY keeps the smaller of the stored and the new first
-- event per person (ON CONFLICT, so concurrent loads agree); a DELETE or
-- UPDATE recomputes the people it touched from auth_events; TRUNCATE
-- empties it. `didkpi refresh` rebuilds it whole (a first event has no
-- local day to limit a partial rebuild to).

CREATE TABLE IF NOT EXISTS didkpi.first_identification (
	user_key     text PRIMARY KEY,
	occurred_at  timestamptz NOT NULL,
	event_id     text NOT NULL,
	service_code text,
	channel      text NOT NULL,
	method       text NOT NULL
);
CREATE INDEX IF NOT EXISTS first_identification_occurred_at
	ON didkpi.first_identification (occurred_at);

-- Recomputes from auth_events the people of a set of user keys, or
-- everyone when users is NULL.
CREATE OR REPLACE FUNCTION didkpi.first_identification_redo(users text[]) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog AS $$
BEGIN
	IF users IS NULL THEN
		TRUNCATE didkpi.first_identification;
	ELSE
		DELETE FROM didkpi.first_identification WHERE user_key = ANY (users);
	END IF;
	INSERT INTO didkpi.first_identification
	SELECT DISTINCT ON (e.user_key) e.user_key, e.occurred_at, e.event_id,
	       e.service_code, e.channel, e.method
	  FROM didkpi.auth_events e
	 WHERE (users IS NULL OR e.user_key = ANY (users))
	   AND e.step = 'identification' AND e.outcome = 'success'
	   AND e.user_key IS NOT NULL
	 ORDER BY e.user_key, e.occurred_at, e.event_id COLLATE "C";
END $$;

-- The trigger of the log relations, as in version 5, and for auth_events
-- the first identifications too. Transition tables are visible to this
-- function's own statements only: the rollup statement is run with
-- EXECUTE, the first identifications with static SQL.
CREATE OR REPLACE FUNCTION didkpi.rollup_trigger() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
BEGIN
	IF TG_OP = 'TRUNCATE' THEN
		EXECUTE format('TRUNCATE didkpi.%I', 'rollup_' || TG_ARGV[0]);
		IF TG_ARGV[0] = 'auth' THEN
			TRUNCATE didkpi.first_identification;
		END IF;
		RETURN NULL;
	END IF;
	IF TG_OP IN ('DELETE', 'UPDATE') THEN
		EXECUTE didkpi.rollup_sql(TG_ARGV[0], '(SELECT -1 AS sign, o.* FROM old_rows o)');
	END IF;
	IF TG_OP IN ('INSERT', 'UPDATE') THEN
		EXECUTE didkpi.rollup_sql(TG_ARGV[0], '(SELECT 1 AS sign, n.* FROM new_rows n)');
	END IF;
	IF TG_ARGV[0] <> 'auth' THEN
		RETURN NULL;
	END IF;
	IF TG_OP = 'INSERT' THEN
		-- Sorted by person, so that concurrent loads lock in one order;
		-- in byte order, which sorts several times faster than a
		-- database collation.
		INSERT INTO didkpi.first_identification AS f
		SELECT DISTINCT ON (n.user_key COLLATE "C") n.user_key, n.occurred_at, n.event_id,
		       n.service_code, n.channel, n.method
		  FROM new_rows n
		 WHERE n.step = 'identification' AND n.outcome = 'success'
		   AND n.user_key IS NOT NULL
		 ORDER BY n.user_key COLLATE "C", n.occurred_at, n.event_id COLLATE "C"
		ON CONFLICT (user_key) DO UPDATE
		   SET occurred_at = excluded.occurred_at, event_id = excluded.event_id,
		       service_code = excluded.service_code, channel = excluded.channel,
		       method = excluded.method
		 WHERE excluded.occurred_at < f.occurred_at
		    OR (excluded.occurred_at = f.occurred_at
		        AND excluded.event_id COLLATE "C" < f.event_id COLLATE "C");
	ELSIF TG_OP = 'DELETE' THEN
		PERFORM didkpi.first_identification_redo(ARRAY(
			SELECT DISTINCT o.user_key FROM old_rows o
			 WHERE o.step = 'identification' AND o.outcome = 'success'
			   AND o.user_key IS NOT NULL ORDER BY 1));
	ELSE
		PERFORM didkpi.first_identification_redo(ARRAY(
			SELECT DISTINCT x.user_key
			  FROM (SELECT o.user_key FROM old_rows o
			         WHERE o.step = 'identification' AND o.outcome = 'success'
			        UNION ALL
			        SELECT n.user_key FROM new_rows n
			         WHERE n.step = 'identification' AND n.outcome = 'success') x
			 WHERE x.user_key IS NOT NULL ORDER BY 1));
	END IF;
	RETURN NULL;
END $$;

-- Rebuilds the rollups as in version 5 and, with the auth rollup, the
-- first identifications whole.
CREATE OR REPLACE FUNCTION didkpi.rollup_refresh(since date) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog AS $$
DECLARE
	rel record;
BEGIN
	FOR rel IN SELECT * FROM (VALUES ('service_requests', 'requests', 'submitted_at'),
	                                 ('auth_events', 'auth', 'occurred_at'),
	                                 ('satisfaction', 'satisfaction', 'answered_at'))
	                         AS v(tab, rollup, col)
	LOOP
		CONTINUE WHEN NOT EXISTS (
			SELECT 1 FROM pg_catalog.pg_class c
			  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
			 WHERE n.nspname = 'didkpi' AND c.relname = rel.tab AND c.relkind IN ('r', 'p'));
		IF since = '-infinity' THEN
			UPDATE didkpi.rollup_state SET stale = false WHERE relname = rel.tab;
		END IF;
		EXECUTE format('DELETE FROM didkpi.%I WHERE day >= $1', 'rollup_' || rel.rollup)
			USING since;
		EXECUTE didkpi.rollup_sql(rel.rollup,
			format('(SELECT 1 AS sign, x.* FROM didkpi.%I x WHERE x.%I >= '
			       '(%L::date::timestamp AT TIME ZONE didkpi.rollup_zone()))',
			       rel.tab, rel.col, since));
		IF rel.rollup = 'auth' THEN
			PERFORM didkpi.first_identification_redo(NULL);
		END IF;
	END LOOP;
END $$;

-- Filled from what is stored, when auth_events is a table (a site's view
-- has no triggers and never uses it).
DO $$
BEGIN
	IF EXISTS (SELECT 1 FROM pg_catalog.pg_class c
	             JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
	            WHERE n.nspname = 'didkpi' AND c.relname = 'auth_events'
	              AND c.relkind IN ('r', 'p')) THEN
		PERFORM didkpi.first_identification_redo(NULL);
	END IF;
END
$$;

-- Whether the rollup of log relation rel may be used for periods in time
-- zone zone: 'ok'; 'zone' when zone is not the rollup zone; 'view' when
-- rel is not a table (a site's view: it has no rollup); 'triggers' when
-- a rollup trigger is missing or not ENABLE ALWAYS; 'behind' when it was
-- so since the last full refresh (didkpi.rollup_state). The one test of
-- the KPI engine (rollup.sql#check) and of the unknown-code warning
-- (check.sql#unknown_in_period).
CREATE OR REPLACE FUNCTION didkpi.rollup_status(rel text, zone text) RETURNS text
LANGUAGE sql STABLE SET search_path = pg_catalog AS $$
	SELECT CASE WHEN zone <> didkpi.rollup_zone() THEN 'zone'
	            WHEN NOT EXISTS (SELECT 1 FROM pg_catalog.pg_class c
	                               JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
	                              WHERE n.nspname = 'didkpi' AND c.relname = rel
	                                AND c.relkind IN ('r', 'p')) THEN 'view'
	            WHEN rel IN (SELECT didkpi.rollup_unwatched()) THEN 'triggers'
	            WHEN (SELECT s.stale FROM didkpi.rollup_state s
	                   WHERE s.relname = rel) IS NOT FALSE THEN 'behind'
	            ELSE 'ok' END
$$;

-- Month partitions of the log relations: considered and not used (issue
-- 9, item 3). Every KPI query reads a period through a range scan of a
-- timestamp index (occurred_at, submitted_at, closed_at, answered_at), so
-- its cost follows the period's rows, not the history's: `make bench`
-- measures a month at ~10 M events of history against ~1 M. Partitioning
-- by month would (1) force the timestamp into every primary key, while
-- the loader's duplicate detection and the rejects of "same key, other
-- content" rely on the natural key alone being unique across all time;
-- (2) buy only cheaper retention, DROP of a
-- partition instead of a DELETE, which a department does about once a
-- year and which the triggers keep exact either way. Revisit if a site
-- keeps many years online and prunes monthly.
