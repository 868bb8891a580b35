-- Schema version 19: each local month's people (active, enrolled, repeat
-- and digital users of the requests), counted whole, rebuilt for the
-- months a write touched by `didkpi refresh --pending` (issue 9), as the
-- latency pairs of version 18. Applied by `didkpi init`; it can be
-- applied again. Parameters: none.
--
-- Why. People cannot be added up: a month's active users are not the sum
-- of its days', nor a quarter's the sum of its months'. rollup.sql#
-- request_users therefore reads every request of the periods with its
-- user, joined with the first identifications, sorted by user, and
-- lib/kpi.c counts each person once per cell. A month at 10 M events is 52
-- 000 requests of 38 500 people (so a summary per (month, person) would
-- save little) hashed against the 203 000 people identified by the
-- month's end: 0.22-0.26 s, the whole of `didkpi kpi --period 2025-03`
-- at scale 50 (the other families take 0.18 s on the second
-- connection), and 0.2 s of the 1 M monthly workbook's 13-month trend.
-- The four numbers of a whole month are what a month's period, and each
-- month of a trend by month, asks for when only the totals are asked for:
-- this relation keeps exactly those, computed by the same definition
-- (rollup_people_build(); tests/e2e/rollup.sh compares with --raw).
-- Quarters, years, weeks, other ranges and every breakdown are still
-- counted from the requests.
--
-- What a month's people depend on, and what marks it. A month's numbers
-- follow from its requests with a user (their service must be known and
-- their channel says whether they are digital) and from the first
-- successful identification of each of those people, before the month's
-- end. So a month is marked in rollup_people_pending, and its row not
-- read (rollup.sql#request_users_months: the month is counted from the
-- requests instead), when
--   - a statement writes requests submitted in it (the requests' day
--     rollup's RETURNING, as the latencies' marks: nearly free);
--   - a statement changes a first identification to an instant before
--     the month's end: every stored month from the earliest instant a
--     statement's identifications inserted, moved, updated or deleted
--     (a load of the current month's events marks the current month; a
--     load of 2023's marks every month since);
--   - a service that requests use is added, or a channel's digital flag
--     changes (every month; the codes in use cannot be deleted or
--     renamed, version 4).
-- A write and its mark commit together: one snapshot sees both or
-- neither, so a stored month is never behind what its requests would
-- give. `didkpi refresh --pending` (rollup_people_refresh()) recounts the
-- marked months, and `didkpi refresh` every month (the first
-- identifications are rebuilt whole, and with them any month's enrolled
-- users). Where either rollup cannot be used (rollup_status(): triggers
-- disabled or missing, another zone, Citus, a site's view) nothing here
-- is read.
-- Cost: a month at 10 M events is recounted in about 0.2 s; every month
-- (43) in about 9 s.

CREATE TABLE IF NOT EXISTS didkpi.rollup_people (
	month    date PRIMARY KEY,    -- the first day of a local month
	active   bigint NOT NULL,     -- people with a request in the month
	enrolled bigint NOT NULL,     -- of them, identified before its end
	repeat   bigint NOT NULL,     -- of them, with two or more digital requests
	digital  bigint NOT NULL      -- of them, with one or more
);

-- The months whose people wait for `didkpi refresh --pending`.
CREATE TABLE IF NOT EXISTS didkpi.rollup_people_pending (
	month date PRIMARY KEY        -- the first day of a local month
);

-- Counts the people of each month given (first days of local months of
-- the rollup zone) anew: one statement per month, its range given as
-- values, so that each reads one range of the requests' submission index
-- (a join of months with requests after a load that left no statistics
-- is planned as a nested loop: see rollup_latency_refresh()).
CREATE OR REPLACE FUNCTION didkpi.rollup_people_build(months date[]) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog AS $$
DECLARE
	m date;
BEGIN
	DELETE FROM didkpi.rollup_people h WHERE h.month = ANY (months);
	FOREACH m IN ARRAY months LOOP
		EXECUTE 'INSERT INTO didkpi.rollup_people (month, active, enrolled, repeat, digital)
		 SELECT $1, count(*), count(*) FILTER (WHERE f.occurred_at < $3),
		        count(*) FILTER (WHERE u.nd >= 2), count(*) FILTER (WHERE u.nd >= 1)
		   FROM (SELECT r.user_key, count(*) FILTER (WHERE c.is_digital) AS nd
		           FROM didkpi.service_requests r
		           JOIN didkpi.services s ON s.service_code = r.service_code
		           JOIN didkpi.channels c ON c.channel = r.channel
		          WHERE r.submitted_at >= $2 AND r.submitted_at < $3
		            AND r.user_key IS NOT NULL
		          GROUP BY r.user_key) u
		   LEFT JOIN didkpi.first_identification f ON f.user_key = u.user_key'
			USING m, m::timestamp AT TIME ZONE didkpi.rollup_zone(),
			      (m + interval '1 month') AT TIME ZONE didkpi.rollup_zone();
	END LOOP;
END $$;

-- Marks every stored month that ends after instant since (NULL: none),
-- in month order so that concurrent writers lock in one order.
CREATE OR REPLACE FUNCTION didkpi.rollup_people_mark(since timestamptz) RETURNS void
LANGUAGE sql SET search_path = pg_catalog AS $$
INSERT INTO didkpi.rollup_people_pending (month)
SELECT h.month FROM didkpi.rollup_people h
 WHERE h.month >= date_trunc('month', since)::date
 ORDER BY 1
ON CONFLICT (month) DO NOTHING
$$;

-- The trigger of the log relations, as in version 18; for
-- service_requests the requests' day rollup also marks the local months
-- of the days it wrote, and for auth_events a change of first
-- identifications marks the months after it.
CREATE OR REPLACE FUNCTION didkpi.rollup_trigger() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
	rollup text;
	stmt text;
	src text;
	changed timestamptz;
BEGIN
	FOREACH rollup IN ARRAY TG_ARGV LOOP
		IF TG_OP = 'TRUNCATE' THEN
			EXECUTE format('TRUNCATE didkpi.%I', 'rollup_' || rollup);
			CONTINUE;
		END IF;
		FOREACH src IN ARRAY CASE TG_OP
			WHEN 'INSERT' THEN ARRAY['(SELECT 1 AS sign, n.* FROM new_rows n)']
			WHEN 'DELETE' THEN ARRAY['(SELECT -1 AS sign, o.* FROM old_rows o)']
			ELSE ARRAY['(SELECT -1 AS sign, o.* FROM old_rows o)',
			           '(SELECT 1 AS sign, n.* FROM new_rows n)'] END
		LOOP
			stmt := didkpi.rollup_sql(rollup, src);
			IF rollup IN ('auth', 'requests') THEN
				stmt := 'WITH d AS (' || stmt || ' RETURNING r.day)
				 INSERT INTO didkpi.' || CASE rollup WHEN 'auth' THEN 'rollup_latency_pending'
				                                    ELSE 'rollup_people_pending' END || ' (month)
				 SELECT DISTINCT date_trunc(''month'', d.day::timestamp)::date FROM d
				  ORDER BY 1
				 ON CONFLICT (month) DO NOTHING';
			END IF;
			EXECUTE stmt;
		END LOOP;
	END LOOP;
	IF TG_ARGV[0] = 'requests' AND TG_OP = 'TRUNCATE' THEN
		TRUNCATE didkpi.rollup_people, didkpi.rollup_people_pending;
	END IF;
	IF TG_ARGV[0] <> 'auth' THEN
		RETURN NULL;
	END IF;
	IF TG_OP = 'TRUNCATE' THEN
		-- nothing left to summarise: no pairs, nothing pending; nobody
		-- is identified any more, in any month
		TRUNCATE didkpi.first_identification, didkpi.rollup_latency,
		         didkpi.rollup_latency_pending;
		PERFORM didkpi.rollup_people_mark('-infinity');
		RETURN NULL;
	END IF;
	IF TG_OP = 'INSERT' THEN
		-- Sorted by person, so that concurrent loads lock in one order;
		-- in byte order, which sorts several times faster than a
		-- database collation. The earliest first identification it
		-- wrote marks the months from its own.
		WITH w AS (
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
			        AND excluded.event_id COLLATE "C" < f.event_id COLLATE "C")
			RETURNING f.occurred_at
		)
		SELECT min(w.occurred_at) INTO changed FROM w;
		PERFORM didkpi.rollup_people_mark(changed);
	ELSIF TG_OP = 'DELETE' THEN
		PERFORM didkpi.first_identification_redo(ARRAY(
			SELECT DISTINCT o.user_key FROM old_rows o
			 WHERE o.step = 'identification' AND o.outcome = 'success'
			   AND o.user_key IS NOT NULL ORDER BY 1));
		-- a person's first identification moves later from the earliest
		-- one deleted, at most
		PERFORM didkpi.rollup_people_mark((
			SELECT min(o.occurred_at) FROM old_rows o
			 WHERE o.step = 'identification' AND o.outcome = 'success'
			   AND o.user_key IS NOT NULL));
	ELSE
		PERFORM didkpi.first_identification_redo(ARRAY(
			SELECT DISTINCT x.user_key
			  FROM (SELECT o.user_key FROM old_rows o
			         WHERE o.step = 'identification' AND o.outcome = 'success'
			        UNION ALL
			        SELECT n.user_key FROM new_rows n
			         WHERE n.step = 'identification' AND n.outcome = 'success') x
			 WHERE x.user_key IS NOT NULL ORDER BY 1));
		PERFORM didkpi.rollup_people_mark((
			SELECT min(x.occurred_at)
			  FROM (SELECT o.occurred_at, o.user_key FROM old_rows o
			         WHERE o.step = 'identification' AND o.outcome = 'success'
			        UNION ALL
			        SELECT n.occurred_at, n.user_key FROM new_rows n
			         WHERE n.step = 'identification' AND n.outcome = 'success') x
			 WHERE x.user_key IS NOT NULL));
	END IF;
	RETURN NULL;
END $$;

-- AFTER INSERT or UPDATE of services and channels, per statement: a
-- service code that requests name (written while it was unknown: they
-- counted nowhere) or a channel whose digital flag changed changes people
-- in any month, so every stored month is marked; a new name, unit or
-- cost date (a reloaded list of services) marks nothing.
CREATE OR REPLACE FUNCTION didkpi.rollup_people_lookup() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
	changed boolean;
BEGIN
	-- each statement names only the transition tables its event has
	-- (old_rows does not exist for an INSERT)
	IF TG_TABLE_NAME = 'services' AND TG_OP = 'INSERT' THEN
		changed := EXISTS (SELECT FROM new_rows n
		                    WHERE EXISTS (SELECT FROM didkpi.service_requests r
		                                   WHERE r.service_code = n.service_code));
	ELSIF TG_TABLE_NAME = 'services' THEN
		-- a new name or unit changes nobody; a code it did not have may
		changed := EXISTS (SELECT FROM new_rows n
		                    WHERE NOT EXISTS (SELECT FROM old_rows o
		                                       WHERE o.service_code = n.service_code)
		                      AND EXISTS (SELECT FROM didkpi.service_requests r
		                                   WHERE r.service_code = n.service_code));
	ELSIF TG_OP = 'INSERT' THEN
		changed := EXISTS (SELECT FROM new_rows n
		                    WHERE EXISTS (SELECT FROM didkpi.service_requests r
		                                   WHERE r.channel = n.channel));
	ELSE
		changed := EXISTS (SELECT FROM new_rows n
		                    WHERE NOT EXISTS (SELECT FROM old_rows o
		                                       WHERE o.channel = n.channel
		                                         AND o.is_digital = n.is_digital)
		                      AND EXISTS (SELECT FROM didkpi.service_requests r
		                                   WHERE r.channel = n.channel));
	END IF;
	IF changed THEN
		PERFORM didkpi.rollup_people_mark('-infinity');
	END IF;
	RETURN NULL;
END $$;

-- Transition tables allow one event per trigger, and no column list.
CREATE OR REPLACE TRIGGER rollup_people_ins AFTER INSERT ON didkpi.services
	REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION didkpi.rollup_people_lookup();
CREATE OR REPLACE TRIGGER rollup_people_upd AFTER UPDATE ON didkpi.services
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION didkpi.rollup_people_lookup();
CREATE OR REPLACE TRIGGER rollup_people_ins AFTER INSERT ON didkpi.channels
	REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION didkpi.rollup_people_lookup();
CREATE OR REPLACE TRIGGER rollup_people_upd AFTER UPDATE ON didkpi.channels
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION didkpi.rollup_people_lookup();
-- ALWAYS, as the log relations' (a session in replica mode fires them).
ALTER TABLE didkpi.services ENABLE ALWAYS TRIGGER rollup_people_ins,
	ENABLE ALWAYS TRIGGER rollup_people_upd;
ALTER TABLE didkpi.channels ENABLE ALWAYS TRIGGER rollup_people_ins,
	ENABLE ALWAYS TRIGGER rollup_people_upd;

-- The log relations whose rollups are not maintained, as in version 5,
-- and service_requests also when these four triggers are not all ENABLE
-- ALWAYS: its people would then miss a change of the lookups. The event
-- trigger of version 5 marks it stale at the end of the ALTER TABLE or
-- DROP TRIGGER that leaves them so, and rollup_status() stops using it,
-- as for its own triggers, until a full `didkpi refresh`.
CREATE OR REPLACE FUNCTION didkpi.rollup_unwatched() RETURNS SETOF text
LANGUAGE sql STABLE SET search_path = pg_catalog AS $$
	SELECT c.relname::text
	  FROM pg_catalog.pg_class c
	  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
	 WHERE n.nspname = 'didkpi' AND c.relkind IN ('r', 'p')
	   AND c.relname IN ('service_requests', 'auth_events', 'satisfaction')
	   AND (SELECT count(*) FROM pg_catalog.pg_trigger g
	         WHERE g.tgrelid = c.oid AND g.tgenabled = 'A'
	           AND g.tgname IN ('rollup_ins', 'rollup_del', 'rollup_upd', 'rollup_trunc')) < 4
	UNION
	SELECT 'service_requests'
	 WHERE (SELECT count(*) FROM pg_catalog.pg_trigger g
	         WHERE g.tgrelid IN ('didkpi.services'::regclass, 'didkpi.channels'::regclass)
	           AND g.tgenabled = 'A'
	           AND g.tgname IN ('rollup_people_ins', 'rollup_people_upd')) < 4
$$;

-- Recounts the people of the months marked pending and clears the marks;
-- returns how many months. Locks, as rollup_latency_refresh(), the
-- relations whose writers mark (SHARE ROW EXCLUSIVE: readers go on,
-- writers and another refresh wait), auth_events first as that function.
-- SECURITY DEFINER: sql/roles.sql grants it to the loading role.
CREATE OR REPLACE FUNCTION didkpi.rollup_people_refresh() RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
	months date[];
BEGIN
	LOCK TABLE didkpi.auth_events, didkpi.service_requests, didkpi.services, didkpi.channels
		IN SHARE ROW EXCLUSIVE MODE;
	months := ARRAY(SELECT p.month FROM didkpi.rollup_people_pending p ORDER BY 1);
	IF cardinality(months) = 0 THEN
		RETURN 0;
	END IF;
	PERFORM didkpi.rollup_people_build(months);
	DELETE FROM didkpi.rollup_people_pending p WHERE p.month = ANY (months);
	RETURN cardinality(months);
END $$;

-- Whether service_requests and auth_events are both tables, whose
-- triggers keep the people's inputs (a site's views have none).
CREATE OR REPLACE FUNCTION didkpi.rollup_people_kept() RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog AS $$
SELECT count(*) = 2
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = 'didkpi' AND c.relname IN ('service_requests', 'auth_events')
   AND c.relkind IN ('r', 'p')
$$;

-- Counts every month with requests anew and clears every mark, where
-- both relations are tables (else empties nothing: nothing is kept).
CREATE OR REPLACE FUNCTION didkpi.rollup_people_build_all() RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog AS $$
BEGIN
	IF didkpi.rollup_people_kept() THEN
		DELETE FROM didkpi.rollup_people;
		DELETE FROM didkpi.rollup_people_pending;
		PERFORM didkpi.rollup_people_build(ARRAY(
			SELECT DISTINCT date_trunc('month', r.day::timestamp)::date
			  FROM didkpi.rollup_requests r ORDER BY 1));
	END IF;
END $$;

-- Rebuilds the rollups and latency pairs as in version 18, then the
-- people of every month that has requests: the first identifications
-- were rebuilt whole, and with them any month's enrolled users.
CREATE OR REPLACE FUNCTION didkpi.rollup_refresh(since date) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog AS $$
DECLARE
	rel record;
	from_month date;
BEGIN
	FOR rel IN SELECT * FROM (VALUES ('service_requests', 'requests', 'submitted_at'),
	                                 ('service_requests', 'closed', 'closed_at'),
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
			from_month := CASE WHEN isfinite(since)
			                   THEN date_trunc('month', since::timestamp)::date ELSE since END;
			DELETE FROM didkpi.rollup_latency l WHERE l.month >= from_month;
			DELETE FROM didkpi.rollup_latency_pending p WHERE p.month >= from_month;
			EXECUTE didkpi.rollup_latency_sql(format(
				'(SELECT x.* FROM didkpi.auth_events x WHERE x.occurred_at >= '
				'(%L::date::timestamp AT TIME ZONE didkpi.rollup_zone()))', from_month));
			PERFORM didkpi.first_identification_redo(NULL);
		END IF;
	END LOOP;
	PERFORM didkpi.rollup_people_build_all();
END $$;

REVOKE EXECUTE ON FUNCTION didkpi.rollup_people_refresh() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION didkpi.rollup_people_build(date[]), didkpi.rollup_people_build_all()
	FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION didkpi.rollup_people_mark(timestamptz) FROM PUBLIC;

-- The functions that work in local months run in the rollup zone
-- (version 13): CREATE OR REPLACE FUNCTION replaced their settings.
DO $$
BEGIN
	EXECUTE pg_catalog.format('ALTER FUNCTION didkpi.rollup_trigger() SET TimeZone = %L',
				  didkpi.rollup_zone());
	EXECUTE pg_catalog.format('ALTER FUNCTION didkpi.rollup_refresh(date) SET TimeZone = %L',
				  didkpi.rollup_zone());
	EXECUTE pg_catalog.format('ALTER FUNCTION didkpi.rollup_people_mark(timestamptz) SET TimeZone = %L',
				  didkpi.rollup_zone());
	EXECUTE pg_catalog.format('ALTER FUNCTION didkpi.rollup_people_refresh() SET TimeZone = %L',
				  didkpi.rollup_zone());
END
$$;

-- Counted from what is stored; nothing is pending.
SELECT didkpi.rollup_people_build_all();
