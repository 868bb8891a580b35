-- Schema version 7: what a completed transaction costs, per channel
-- (issue 13, item 4), for the KPIs cost_per_transaction and
-- digital_savings_thb. Applied by `didkpi init`; re-applies cleanly.
-- Parameters: none.
--
-- didkpi.channel_costs: the cost in baht of one completed transaction on
-- a channel, in force from valid_from to valid_to, both inclusive (as
-- kpi_targets). service_code NULL is the channel's default; a row for a
-- service overrides it for that service. Which cost applies to a request
-- is decided by the local date of its closed_at (the day it was
-- completed). Validity periods of the same channel and service must not
-- overlap (trigger refuse_cost_overlap; `didkpi load` names the rows,
-- sql/load.sql#check_channel_costs); were the trigger disabled, the
-- latest valid_from wins (didkpi.completed_costs).

CREATE TABLE IF NOT EXISTS didkpi.channel_costs (
	channel      text NOT NULL CHECK (channel ~ '^[a-z0-9_-]+$'),
	service_code text CHECK (service_code ~ '^[a-z0-9_-]+$'),
	valid_from   date NOT NULL,
	valid_to     date NOT NULL,
	cost_thb     numeric NOT NULL CHECK (cost_thb >= 0),
	source       text,
	-- the loader's key: a default (NULL service) is one key per channel
	UNIQUE NULLS NOT DISTINCT (channel, service_code, valid_from),
	CHECK (valid_to >= valid_from)
);

-- The cost KPIs look costs up per channel and day.
CREATE INDEX IF NOT EXISTS channel_costs_lookup
	ON didkpi.channel_costs (channel, valid_from, valid_to);

-- Overlapping validity of the same channel and service is refused for
-- every writer (psql too), with SQLSTATE 23P01 as an exclusion constraint
-- would (one needs btree_gist, which a site may not have): `didkpi load`
-- then takes its staging path, where load.sql#check_channel_costs names
-- the rows. An AFTER trigger sees every row of its statement.
CREATE OR REPLACE FUNCTION didkpi.refuse_cost_overlap() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	other date;
BEGIN
	SELECT t.valid_from INTO other
	  FROM didkpi.channel_costs t
	 WHERE t.channel = NEW.channel
	   AND t.service_code IS NOT DISTINCT FROM NEW.service_code
	   AND t.valid_from <> NEW.valid_from
	   AND t.valid_from <= NEW.valid_to AND NEW.valid_from <= t.valid_to
	 LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION 'cost of channel % (service %) valid % to % overlaps the one valid from %',
			NEW.channel, coalesce(NEW.service_code, 'default'), NEW.valid_from,
			NEW.valid_to, other
			USING ERRCODE = 'exclusion_violation';
	END IF;
	RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS refuse_cost_overlap ON didkpi.channel_costs;
CREATE TRIGGER refuse_cost_overlap AFTER INSERT OR UPDATE ON didkpi.channel_costs
	FOR EACH ROW EXECUTE FUNCTION didkpi.refuse_cost_overlap();

-- The completed requests of each period (closed_at in it, status
-- completed) by local closing day, service and channel, with the unit
-- cost in force that day: the service's own cost of the channel, else
-- the channel's default (on overlapping rows written past the loader, the
-- latest valid_from). For a digital channel, counter_cost is the unit
-- cost the same service would have had at the counter: the cheapest
-- non-digital channel with a cost that day (so savings are never
-- overstated). NULL where no cost is in force. Used by sql/kpi.sql
-- (sections cost and cost_missing); callable from SQL with the arguments
-- of didkpi.periods().
CREATE OR REPLACE FUNCTION didkpi.completed_costs(starts date[], ends date[], tz text)
RETURNS TABLE (i integer, day date, service_code text, channel text, n bigint,
	       is_digital boolean, unit_cost numeric, counter_cost numeric)
LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
AS $$
	WITH g AS (
		SELECT p.i, (r.closed_at AT TIME ZONE tz)::date AS day, r.service_code,
		       r.channel, count(*) AS n
		  FROM didkpi.periods(starts, ends, tz) p
		  JOIN didkpi.service_requests r
		    ON r.closed_at >= p.ts AND r.closed_at < p.te AND r.status = 'completed'
		 GROUP BY 1, 2, 3, 4
	)
	SELECT g.i, g.day, g.service_code, g.channel, g.n, ch.is_digital,
	       (SELECT k.cost_thb FROM didkpi.channel_costs k
		 WHERE k.channel = g.channel
		   AND (k.service_code = g.service_code OR k.service_code IS NULL)
		   AND g.day BETWEEN k.valid_from AND k.valid_to
		 ORDER BY k.service_code IS NULL, k.valid_from DESC
		 LIMIT 1),
	       CASE WHEN ch.is_digital THEN
		(SELECT min(x.cost) FROM (
			SELECT DISTINCT ON (k.channel) k.cost_thb AS cost
			  FROM didkpi.channel_costs k
			  JOIN didkpi.channels b ON b.channel = k.channel AND NOT b.is_digital
			 WHERE (k.service_code = g.service_code OR k.service_code IS NULL)
			   AND g.day BETWEEN k.valid_from AND k.valid_to
			 ORDER BY k.channel, k.service_code IS NULL, k.valid_from DESC) x)
	       END
	  FROM g
	  JOIN didkpi.channels ch ON ch.channel = g.channel
$$;

-- The new KPIs may have targets: kpi_targets_kpi of schema version 3
-- names every KPI (tests/unit/test_valid.c checks this list against
-- lib/kpi_def.c). Targets in baht are at least 0, like every target.
ALTER TABLE didkpi.kpi_targets
	DROP CONSTRAINT IF EXISTS kpi_targets_kpi,
	ADD CONSTRAINT kpi_targets_kpi CHECK (kpi IN ('requests', 'active_users',
		'digital_id_enrolments', 'digital_id_enrolment_rate', 'satisfaction_mean',
		'satisfaction_csat', 'service_time_median_hours', 'service_time_p90_hours',
		'digital_channel_rate', 'digital_id_use_rate', 'repeat_use_rate',
		'single_window_rate', 'completion_rate', 'auth_success_rate',
		'identification_success_rate', 'auth_latency_median_ms',
		'eservice_digital_id_coverage', 'staff_training_coverage',
		'cost_per_transaction', 'digital_savings_thb'));

-- Roles of sql/roles.sql: readers read it through the default privileges;
-- the loader role may load it (only where that role exists).
DO $$
BEGIN
	IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'didkpi_load') THEN
		GRANT INSERT ON didkpi.channel_costs TO didkpi_load;
	END IF;
	IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'didkpi_read') THEN
		GRANT SELECT ON didkpi.channel_costs TO didkpi_read;
	END IF;
END
$$;
