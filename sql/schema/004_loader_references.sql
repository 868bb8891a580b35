-- Schema version 4: the log relations stop enforcing their references with
-- foreign keys (issue 9 item 1). Applied by `didkpi init`; re-applies
-- cleanly. Parameters: none.
--
-- Why: a foreign key fires one trigger per row and per reference: three
-- for every auth event. Measured on ~1 M auth events (bench/load.sh, this
-- 2-core machine), psql's copy into didkpi.auth_events took about 3x as long as
-- into a copy of it with the same indexes and no foreign keys; the
-- triggers were about 70 % of a load's time, though `didkpi load` had
-- already checked every code in C against the reference tables.
--
-- Who guarantees the references of auth_events (method, channel,
-- service_code), service_requests (service_code, channel, auth_method) and
-- satisfaction (service_code, channel) instead:
--   * `didkpi load` checks every code against services, channels and
--     auth_methods, read after it holds the shared "reference lock"
--     (advisory lock 74747303/0, sql/load.sql#ref_lock) for its whole
--     transaction;
--   * the reference tables refuse, with SQLSTATE 23503 as a foreign key
--     would, to delete a code or change it while a log row still uses it
--     (trigger didkpi.refuse_used_code below); the trigger first takes the
--     reference lock exclusively, so it waits for running loads and then
--     sees the rows they committed;
--   * TRUNCATE of a reference table is refused when a log relation still
--     has rows (demo --replace truncates them all in one statement, which
--     passes: the check runs after every table of the statement is empty);
--   * anything else that writes the log relations (psql, another program,
--     a site view in place of a table) is not checked: `didkpi check`
--     lists rows with unknown codes (exit 65), and `didkpi kpi` and
--     `didkpi report` warn when the period has any, instead of dropping
--     them silently in a join.
-- Nobody needs a new privilege: advisory locks need no grant, the trigger
-- runs for whoever may delete from a reference table (the owner).
-- The check of a delete scans the log relations (there is no index on
-- their codes, which would cost every load): deleting a code is rare.

ALTER TABLE didkpi.auth_events
	DROP CONSTRAINT IF EXISTS auth_events_method_fkey,
	DROP CONSTRAINT IF EXISTS auth_events_channel_fkey,
	DROP CONSTRAINT IF EXISTS auth_events_service_code_fkey;
ALTER TABLE didkpi.service_requests
	DROP CONSTRAINT IF EXISTS service_requests_service_code_fkey,
	DROP CONSTRAINT IF EXISTS service_requests_channel_fkey,
	DROP CONSTRAINT IF EXISTS service_requests_auth_method_fkey;
ALTER TABLE didkpi.satisfaction
	DROP CONSTRAINT IF EXISTS satisfaction_service_code_fkey,
	DROP CONSTRAINT IF EXISTS satisfaction_channel_fkey;

-- Whether a log relation uses code (of kind 'service', 'channel' or
-- 'method'); the kind names the reference table.
CREATE OR REPLACE FUNCTION didkpi.code_in_use(kind text, code text) RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
	SELECT CASE kind
	WHEN 'service' THEN
		EXISTS (SELECT FROM didkpi.auth_events WHERE service_code = code)
		OR EXISTS (SELECT FROM didkpi.service_requests WHERE service_code = code)
		OR EXISTS (SELECT FROM didkpi.satisfaction WHERE service_code = code)
	WHEN 'channel' THEN
		EXISTS (SELECT FROM didkpi.auth_events WHERE channel = code)
		OR EXISTS (SELECT FROM didkpi.service_requests WHERE channel = code)
		OR EXISTS (SELECT FROM didkpi.satisfaction WHERE channel = code)
	ELSE
		EXISTS (SELECT FROM didkpi.auth_events WHERE method = code)
		OR EXISTS (SELECT FROM didkpi.service_requests WHERE auth_method = code)
	END
$$;

-- BEFORE DELETE OR UPDATE on a reference table; TG_ARGV[0] is the kind,
-- TG_ARGV[1] the code column.
CREATE OR REPLACE FUNCTION didkpi.refuse_used_code() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	old_code text := to_jsonb(OLD) ->> TG_ARGV[1];
BEGIN
	IF TG_OP = 'UPDATE' AND (to_jsonb(NEW) ->> TG_ARGV[1]) = old_code THEN
		RETURN NEW;
	END IF;
	-- wait for running loads (they hold it shared), then look
	PERFORM pg_advisory_xact_lock(74747303, 0);
	IF didkpi.code_in_use(TG_ARGV[0], old_code) THEN
		RAISE EXCEPTION '% % is still used by log rows', TG_ARGV[0], quote_literal(old_code)
			USING ERRCODE = 'foreign_key_violation',
			      HINT = 'delete or change those rows first (didkpi check lists the codes in use)';
	END IF;
	RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END
$$;

-- AFTER TRUNCATE on a reference table: the log relations must be empty.
CREATE OR REPLACE FUNCTION didkpi.refuse_truncate_used() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	PERFORM pg_advisory_xact_lock(74747303, 0);
	IF EXISTS (SELECT FROM didkpi.auth_events) OR EXISTS (SELECT FROM didkpi.service_requests)
	   OR EXISTS (SELECT FROM didkpi.satisfaction) THEN
		RAISE EXCEPTION 'cannot truncate didkpi.%: the log relations still refer to it',
			TG_TABLE_NAME
			USING ERRCODE = 'foreign_key_violation',
			      HINT = 'truncate the log relations in the same statement';
	END IF;
	RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS refuse_used_code ON didkpi.services;
DROP TRIGGER IF EXISTS refuse_used_code ON didkpi.channels;
DROP TRIGGER IF EXISTS refuse_used_code ON didkpi.auth_methods;
DROP TRIGGER IF EXISTS refuse_truncate_used ON didkpi.services;
DROP TRIGGER IF EXISTS refuse_truncate_used ON didkpi.channels;
DROP TRIGGER IF EXISTS refuse_truncate_used ON didkpi.auth_methods;
CREATE TRIGGER refuse_used_code BEFORE DELETE OR UPDATE ON didkpi.services
	FOR EACH ROW EXECUTE FUNCTION didkpi.refuse_used_code('service', 'service_code');
CREATE TRIGGER refuse_used_code BEFORE DELETE OR UPDATE ON didkpi.channels
	FOR EACH ROW EXECUTE FUNCTION didkpi.refuse_used_code('channel', 'channel');
CREATE TRIGGER refuse_used_code BEFORE DELETE OR UPDATE ON didkpi.auth_methods
	FOR EACH ROW EXECUTE FUNCTION didkpi.refuse_used_code('method', 'method');
CREATE TRIGGER refuse_truncate_used AFTER TRUNCATE ON didkpi.services
	FOR EACH STATEMENT EXECUTE FUNCTION didkpi.refuse_truncate_used();
CREATE TRIGGER refuse_truncate_used AFTER TRUNCATE ON didkpi.channels
	FOR EACH STATEMENT EXECUTE FUNCTION didkpi.refuse_truncate_used();
CREATE TRIGGER refuse_truncate_used AFTER TRUNCATE ON didkpi.auth_methods
	FOR EACH STATEMENT EXECUTE FUNCTION didkpi.refuse_truncate_used();

-- Month partitions (issue 9 item 3) are not built: see the reasoning with
-- numbers in sql/load.sql (section partitions_decision).
