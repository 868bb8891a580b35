-- Schema version 8: the KPIs from SQL (issue 13, item 2). Applied by
-- `didkpi init`; every statement is CREATE OR REPLACE, so the file can be
-- applied again. Parameters: none.
--
-- A BI tool (Metabase, Superset, Grafana), R (DBI) or pandas connected to
-- the database calls
--   SELECT * FROM didkpi.kpi('2025-03', 'service');
-- and gets the tidy rows of `didkpi kpi --format csv --period 2025-03
-- --by service`, typed (dates, double precision, boolean), with the same
-- small-cell suppression, primary and complementary; didkpi.kpi_text()
-- gives the same rows as text formatted exactly as the CSV (so that
-- COPY (SELECT * FROM didkpi.kpi_text(...)) TO STDOUT WITH CSV HEADER is
-- byte for byte the CLI's output). man/didkpi-sql.7 documents them.
--
-- The pieces, each a port of the C engine's (lib/period.c, sql/kpi.sql,
-- lib/kpi.c, lib/kpi_def.c, lib/suppress.c, lib/format.c):
--   didkpi.kpi_periods()      the --period and --interval forms
--   didkpi.kpi_catalogue()    one row per KPI: how its row is made
--   didkpi.kpi_measures()     the family queries of sql/kpi.sql, long form
--   didkpi.kpi_suppress_determined(), didkpi.kpi_suppress()
--                             complementary suppression (lib/suppress.c)
--   didkpi.kpi(), didkpi.kpi_text()  what users call
--
-- Adding a KPI: a row in didkpi.kpi_catalogue(); when it needs measures no
-- family computes yet, a family (a CTE and a branch of the final UNION ALL)
-- in didkpi.kpi_measures(). Nothing else names a KPI.
--
-- All functions are STABLE (or IMMUTABLE), SECURITY INVOKER (the caller's
-- grants on the relations apply: didkpi_read suffices), write nothing (so
-- they run in a READ ONLY transaction and on a hot standby) and have a
-- fixed search_path; every object is schema-qualified.

-- The periods of a --period text split by --interval, as `didkpi kpi` makes
-- them (lib/period.c period_parse(), period_split()): i from 1, the machine
-- label, the local dates [start_date, end_date).
-- period: 2025-03, 2025, FY2568, FY2568-Q1, 2025-W10 (ISO week),
-- 2025-03-01..=2025-03-31 (end included), 2025-03-01..2025-04-01 (end
-- excluded), this-month, last-month, this-fy, last-fy ("today" is now() in
-- tz). The forms a reader could take two ways are refused, as the CLI
-- refuses them: '..' to the last day of a month, '..=' from the first of a
-- month to a later first of a month, two dates joined by anything else.
-- series: NULL or 'none' (the period whole), 'day', 'week' (ISO weeks,
-- Monday first), 'month', 'quarter' (Thai fiscal quarters) or 'year'
-- (calendar years); at most 10000 pieces. A piece cut by the period's
-- edges is labelled by its dates. Errors: SQLSTATE 22023 with the CLI's
-- message.
CREATE OR REPLACE FUNCTION didkpi.kpi_periods(period text, series text DEFAULT NULL,
					      tz text DEFAULT 'Asia/Bangkok')
RETURNS TABLE (i integer, label text, start_date date, end_date date)
LANGUAGE plpgsql STABLE PARALLEL SAFE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
	-- lib/period.c period_forms_help()
	forms constant text := '2025-03, 2025, FY2568, FY2568-Q1, 2025-W10 (iso week), '
		'2025-03-01..=2025-03-31 (end included), 2025-03-01..2025-04-01 '
		'(end excluded), this-month, last-month, this-fy, last-fy';
	iso constant text := '^[0-9]{4}-[0-9]{2}-[0-9]{2}$';
	series_max constant integer := 10000;   -- PERIOD_SERIES_MAX
	t text := period;
	lt text := lower(period);
	today date;
	s date;
	e date;
	d date;
	lab text;
	why text;
	shown text;
	y integer;
	m integer;
	q integer;
	w integer;
	a text;
	b text;
	rest text;
	ce text;
	sep text;
	iv text := lower(series);
	step_days integer := 0;
	step_months integer := 0;
	n integer;
	k integer;
	first_d date;
	ps date;
	pe date;
BEGIN
	IF t IS NULL OR t = '' THEN
		RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
			MESSAGE = 'invalid period '''': empty', HINT = forms;
	END IF;
	IF lt IN ('this-month', 'last-month', 'this-fy', 'last-fy') THEN
		today := (now() AT TIME ZONE tz)::date;
		IF lt = 'this-month' THEN
			s := date_trunc('month', today)::date;
		ELSIF lt = 'last-month' THEN
			s := (date_trunc('month', today) - interval '1 month')::date;
		ELSE
			-- the fiscal year of today starts on the 1 Oct before it
			s := make_date(extract(year FROM today)::integer
				       - CASE WHEN extract(month FROM today) >= 10 THEN 0 ELSE 1 END
				       - CASE WHEN lt = 'last-fy' THEN 1 ELSE 0 END, 10, 1);
		END IF;
		e := (s + CASE WHEN lt LIKE '%-month' THEN interval '1 month'
			     ELSE interval '12 months' END)::date;
		lab := didkpi.kpi_period_label(s, e);
	ELSIF strpos(t, '..') > 0 THEN
		-- lib/period.c parse_range(): START..END or START..=END
		sep := CASE WHEN substr(t, strpos(t, '..') + 2, 1) = '=' THEN '..=' ELSE '..' END;
		a := left(t, strpos(t, '..') - 1);
		b := substr(t, strpos(t, '..') + length(sep));
		IF a ~ iso AND b ~ iso AND (left(a, 4)::integer > 2400 OR left(b, 4)::integer > 2400) THEN
			y := CASE WHEN left(a, 4)::integer > 2400 THEN left(a, 4)::integer
				  ELSE left(b, 4)::integer END;
			why := didkpi.kpi_be_hint(y, didkpi.kpi_be_date(a) || sep || didkpi.kpi_be_date(b));
		ELSIF a !~ iso THEN
			why := 'start is not a date in the form YYYY-MM-DD';
		ELSIF didkpi.kpi_iso_date(a) IS NULL THEN
			why := 'start date ' || a || ' does not exist';
		ELSIF b !~ iso THEN
			why := 'end is not a date in the form YYYY-MM-DD';
		ELSIF didkpi.kpi_iso_date(b) IS NULL THEN
			why := 'end date ' || b || ' does not exist';
		ELSE
			s := didkpi.kpi_iso_date(a);
			d := didkpi.kpi_iso_date(b);
			IF sep = '..=' THEN
				IF s > d THEN
					why := 'the end is before the start';
				ELSIF extract(day FROM s) = 1 AND extract(day FROM d) = 1 AND s < d THEN
					-- '..=' to the first of a month: one stray day of it
					why := format('ambiguous: ''..='' includes its end %s, the first day of '
						      'a month; to end on %s write %s..=%s or %s..%s, to keep %s '
						      '%s..%s', b, didkpi.kpi_date_text(d - 1), a,
						      didkpi.kpi_date_text(d - 1), a, b, b, a,
						      didkpi.kpi_date_text(d + 1));
				ELSE
					e := d + 1;
				END IF;
			ELSIF s >= d THEN
				why := 'end must be after start (the end is exclusive)'
				       || CASE WHEN s = d THEN format('; for that one day write %s..=%s', a, a)
					       ELSE '' END;
			ELSIF extract(day FROM d + 1) = 1 THEN
				-- '..' to the last day of a month: 2025-03-01..2025-03-31
				why := format('ambiguous: ''..'' excludes its end %s, the last day of a '
					      'month; to include it write %s..=%s or %s..%s, to leave it out '
					      '%s..=%s', b, a, b, a, didkpi.kpi_date_text(d + 1), a,
					      didkpi.kpi_date_text(d - 1));
			ELSE
				e := d;
			END IF;
			-- a range keeps the label it was typed with, end exclusive
			lab := a || '..' || didkpi.kpi_date_text(e);
		END IF;
	ELSIF lt LIKE 'fy%' THEN
		a := substring(t FROM 3);
		IF a !~ '^[0-9]' THEN
			why := 'expected a fiscal year after FY, e.g. FY2568';
		ELSIF a ~ '^[0-9]{6}' THEN
			why := 'fiscal year out of range';
		ELSE
			y := substring(a FROM '^[0-9]+')::integer;
			b := substring(a FROM '^[0-9]+(.*)$');
			IF y < 2400 THEN
				IF y + 543 >= 2400 THEN
					why := format('fiscal years are buddhist era years (b.e. = c.e. + 543): '
						      'for the year ending in september %s use FY%s%s', y,
						      y + 543, CASE WHEN b ~* '^-q[1-4]$' THEN upper(b) ELSE '' END);
				ELSE
					why := 'fiscal years are buddhist era years, e.g. FY2568 (b.e. = c.e. + 543)';
				END IF;
			ELSIF b = '' THEN
				s := make_date(y - 544, 10, 1);
				e := make_date(y - 543, 10, 1);
				lab := 'FY' || y;
			ELSIF b !~* '^-q' THEN
				why := 'unrecognised form';
			ELSIF b !~* '^-q[1-4]$' THEN
				why := 'quarter must be Q1-Q4';
			ELSE
				q := right(b, 1)::integer;
				s := (make_date(y - 544, 10, 1) + make_interval(months => 3 * (q - 1)))::date;
				e := (s + interval '3 months')::date;
				lab := 'FY' || y || '-Q' || q;
			END IF;
		END IF;
	ELSIF octet_length(t) >= 21 AND left(t, 10) ~ iso AND right(t, 10) ~ iso THEN
		-- two dates joined by something else: 2025-03-01 - 2025-03-31
		why := 'write a range as START..=END (end included) or START..END (end excluded), '
		       'e.g. 2025-03-01..=2025-03-31';
	ELSIF t !~ '^[0-9]{4}' THEN
		why := 'unrecognised form';
	ELSE
		-- lib/period.c parse_calendar(): 2025, 2025-03, 2025-W10
		y := left(t, 4)::integer;
		rest := substr(t, 5);
		w := CASE WHEN rest !~* '^-w' THEN -1
			  WHEN rest ~* '^-w[0-9]{2}$' THEN substr(rest, 3, 2)::integer
			  ELSE -2 END;
		IF y > 2400 THEN
			-- 2568, 2568-03, 2568-W10 or a lone date 2568-03-15: B.E. for C.E.
			ce := lpad((y - 543)::text, 4, '0')
			      || CASE WHEN rest = '' OR rest ~ '^-[0-9]{2}$' THEN rest
				      WHEN w >= 0 THEN '-W' || lpad(w::text, 2, '0')
				      WHEN t ~ iso THEN rest END;
			why := didkpi.kpi_be_hint(y, ce);
		END IF;
		IF why IS NOT NULL THEN
			NULL;
		ELSIF rest = '' THEN
			IF y = 0 THEN
				why := 'outside the supported dates 0001-01-01..9999-12-31';
			ELSE
				s := make_date(y, 1, 1);
				e := make_date(y + 1, 1, 1);
				lab := t;
			END IF;
		ELSIF w = -2 THEN
			why := 'a week is YYYY-Www with two digits, e.g. 2025-W03';
		ELSIF w >= 0 THEN
			-- 28 December is always in the last ISO week of its year
			n := CASE WHEN y >= 1 THEN extract(week FROM make_date(y, 12, 28))::integer
				  ELSE 52 END;
			IF w < 1 OR w > n THEN
				why := format('iso year %s has weeks W01-W%s', left(t, 4), n);
			ELSIF y = 0 THEN
				why := 'outside the supported dates 0001-01-01..9999-12-31';
			ELSE
				-- week 1 holds 4 January; weeks begin on Monday
				s := make_date(y, 1, 4) - (extract(isodow FROM make_date(y, 1, 4))::integer - 1)
				     + 7 * (w - 1);
				e := s + 7;
				lab := left(t, 4) || '-W' || lpad(w::text, 2, '0');
			END IF;
		ELSIF t ~ iso THEN
			IF didkpi.kpi_iso_date(t) IS NULL THEN
				why := 'date ' || t || ' does not exist';
			ELSE
				why := format('a single date is not a period; for that one day use %s..=%s', t, t);
			END IF;
		ELSIF rest !~ '^-[0-9]{2}$' THEN
			why := 'unrecognised form';
		ELSE
			m := substr(t, 6, 2)::integer;
			IF m < 1 OR m > 12 THEN
				why := 'month must be 01-12';
			ELSIF y = 0 THEN
				why := 'outside the supported dates 0001-01-01..9999-12-31';
			ELSE
				s := make_date(y, m, 1);
				e := (s + interval '1 month')::date;
				lab := t;
			END IF;
		END IF;
	END IF;
	IF why IS NULL AND (s < date '0001-01-01' OR e > date '9999-12-31') THEN
		why := 'outside the supported dates 0001-01-01..9999-12-31';
	END IF;
	IF why IS NOT NULL THEN
		-- shown as lib/period.c quote_text(): controls as '?', cut at 47
		-- bytes (not inside a character) and marked with "..."
		n := least(length(t), 47);
		WHILE octet_length(left(t, n)) > 47 LOOP
			n := n - 1;
		END LOOP;
		shown := regexp_replace(left(t, n), '[\x01-\x1f\x7f]', '?', 'g')
			 || CASE WHEN length(t) > n THEN '...' ELSE '' END;
		RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
			MESSAGE = format('invalid period ''%s'': %s', shown, why), HINT = forms;
	END IF;

	IF iv IS NULL OR iv = 'none' THEN
		RETURN QUERY SELECT 1, lab, s, e;
		RETURN;
	END IF;
	-- lib/period.c series_grid(): the first piece starts on the period's
	-- first day, the Monday on or before it, or the first of a month that
	-- is a multiple of the step from January (fiscal quarters start in
	-- Oct, Jan, Apr, Jul, so they are calendar quarters)
	CASE iv
	WHEN 'day' THEN
		step_days := 1;
		first_d := s;
	WHEN 'week' THEN
		step_days := 7;
		first_d := s - (extract(isodow FROM s)::integer - 1);
	WHEN 'month' THEN
		step_months := 1;
	WHEN 'quarter' THEN
		step_months := 3;
	WHEN 'year' THEN
		step_months := 12;
	ELSE
		RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
			MESSAGE = format('series must be day, week, month, quarter or year, not ''%s''',
					 series),
			HINT = 'series is the --interval of didkpi kpi; NULL for the period whole';
	END CASE;
	IF step_days > 0 THEN
		n := ((e - 1) - first_d) / step_days + 1;
	ELSE
		first_d := date_trunc('month', s)::date;
		first_d := (first_d - make_interval(months => (extract(month FROM first_d)::integer - 1)
							     % step_months))::date;
		n := ((extract(year FROM e - 1)::integer * 12 + extract(month FROM e - 1)::integer)
		      - (extract(year FROM first_d)::integer * 12 + extract(month FROM first_d)::integer))
		     / step_months + 1;
	END IF;
	IF n > series_max THEN
		RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
			MESSAGE = format('%s by %s is %s periods, more than %s', lab, iv, n, series_max),
			HINT = 'use a shorter period or a longer series';
	END IF;
	-- lib/period.c series_piece(): whole pieces get their own label, a
	-- piece cut by the period's edges the label of its dates
	FOR k IN 0 .. n - 1 LOOP
		IF step_days > 0 THEN
			ps := first_d + k * step_days;
			pe := ps + step_days;
		ELSE
			ps := (first_d + make_interval(months => k * step_months))::date;
			pe := (first_d + make_interval(months => (k + 1) * step_months))::date;
		END IF;
		IF iv = 'day' THEN
			lab := didkpi.kpi_date_text(ps);
		ELSIF iv = 'week' AND ps >= s AND pe <= e THEN
			lab := to_char(ps, 'IYYY') || '-W' || to_char(ps, 'IW');
		ELSE
			lab := didkpi.kpi_period_label(greatest(ps, s), least(pe, e));
		END IF;
		RETURN QUERY SELECT k + 1, lab, greatest(ps, s), least(pe, e);
	END LOOP;
END
$fn$;

-- A date as lib/period.c date_format_iso() writes it: YYYY-MM-DD, a year
-- beyond 9999 written 9999 (the day after 9999-12-31 in a message).
CREATE OR REPLACE FUNCTION didkpi.kpi_date_text(d date) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
SET search_path = pg_catalog, pg_temp
AS $fn$
	SELECT CASE WHEN d > date '9999-12-31' THEN '9999-' || to_char(d, 'MM-DD')
		    ELSE to_char(d, 'YYYY-MM-DD') END
$fn$;

-- 'YYYY-MM-DD' as a date, or NULL when no such day exists.
CREATE OR REPLACE FUNCTION didkpi.kpi_iso_date(t text) RETURNS date
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE STRICT
SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
	IF t !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' OR left(t, 4) = '0000' THEN
		RETURN NULL;
	END IF;
	RETURN make_date(left(t, 4)::integer, substr(t, 6, 2)::integer, substr(t, 9, 2)::integer);
EXCEPTION WHEN datetime_field_overflow OR invalid_datetime_format THEN
	RETURN NULL;
END
$fn$;

-- A range end 'YYYY-MM-DD' with a B.E. year moved to C.E., the day
-- clamped to the month (lib/period.c range_be()).
CREATE OR REPLACE FUNCTION didkpi.kpi_be_date(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
SET search_path = pg_catalog, pg_temp
AS $fn$
	-- a month outside 1-12 has 0 days there, so the day becomes 00
	SELECT lpad(y::text, 4, '0') || substr(t, 5, 4)
	       || lpad(least(substr(t, 9, 2)::integer,
			     CASE WHEN m NOT BETWEEN 1 AND 12 THEN 0
				  WHEN m = 2 AND (y % 4 = 0 AND y % 100 <> 0 OR y % 400 = 0) THEN 29
				  WHEN m = 2 THEN 28
				  WHEN m IN (4, 6, 9, 11) THEN 30 ELSE 31 END)::text, 2, '0')
	  FROM (SELECT left(t, 4)::integer - CASE WHEN left(t, 4)::integer > 2400 THEN 543 ELSE 0 END,
		       substr(t, 6, 2)::integer) AS x(y, m)
$fn$;

-- The reason for a year typed in B.E. (lib/period.c be_hint()).
CREATE OR REPLACE FUNCTION didkpi.kpi_be_hint(y integer, ce_text text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
SET search_path = pg_catalog, pg_temp
AS $fn$
	SELECT CASE WHEN y - 543 <= 2400
		    THEN format('%s looks like a buddhist era year: periods take c.e. years '
				'(b.e. - 543), so %s; only FY takes b.e. years, as in FY%s', y, ce_text, y)
		    ELSE format('year %s is out of range (a year above 2400 is taken for a '
				'buddhist era year typed by mistake)', y) END
$fn$;

-- The machine label of the local dates [s, e), as lib/period.c
-- period_range(): a whole month 2025-03, fiscal quarter FY2568-Q1,
-- calendar year 2025 or fiscal year FY2568, else S..E.
CREATE OR REPLACE FUNCTION didkpi.kpi_period_label(s date, e date) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
SET search_path = pg_catalog, pg_temp
AS $fn$
	SELECT CASE
		WHEN extract(day FROM s) = 1 AND e = (s + interval '1 month')::date
			THEN to_char(s, 'YYYY-MM')
		WHEN extract(day FROM s) = 1 AND extract(month FROM s)::integer % 3 = 1
		     AND e = (s + interval '3 months')::date
			THEN 'FY' || fy || '-Q' || ((extract(month FROM s)::integer + 2) % 12 / 3 + 1)
		WHEN extract(day FROM s) = 1 AND extract(month FROM s) = 1
		     AND e = (s + interval '12 months')::date
			THEN to_char(s, 'YYYY')
		WHEN extract(day FROM s) = 1 AND extract(month FROM s) = 10
		     AND e = (s + interval '12 months')::date
			THEN 'FY' || fy
		ELSE to_char(s, 'YYYY-MM-DD') || '..' || to_char(e, 'YYYY-MM-DD')
	END
	  FROM (SELECT extract(year FROM s)::integer + 543
		       + CASE WHEN extract(month FROM s) >= 10 THEN 1 ELSE 0 END) AS x(fy)
$fn$;

-- The KPI catalogue (lib/kpi_def.c, lib/kpi.c kpi_source[], lib/suppress.c
-- shows[]), one row per KPI in output order:
--   kind        count (value = numerator = the count), rate, mean
--               (numerator / denominator), percentile (value from
--               value_measure, denominator the set's size), ratio
--               (numerator / denominator, an amount per item: baht per
--               transaction), sum (value = numerator = an amount, the
--               denominator the items summed); for ratio and sum a NULL
--               numerator measure (an item of unknown cost) leaves the
--               numerator and value empty, never 0
--   family      the didkpi.kpi_measures() family that computes its measures
--   breakdowns  the breakdowns it has besides 'all'
--   unit_keys   the keys of its unit breakdown: 'services' (every
--               services.owner_unit) or 'staff' (every staff.unit)
--   suppression complementary: small cells, and cells that would reveal
--               them, are hidden; primary: small cells only (distinct
--               users, which do not add up across keys); none: never
--               (services are not persons)
CREATE OR REPLACE FUNCTION didkpi.kpi_catalogue()
RETURNS TABLE (ord integer, kpi text, kind text, family text, breakdowns text[],
	       unit_keys text, value_measure text, num_measure text, den_measure text,
	       suppression text)
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
	SELECT x.* FROM (VALUES
	(1, 'requests', 'count', 'requests', '{service,unit,channel,method}'::text[], 'services',
	 NULL, 'requests', NULL, 'complementary'),
	(2, 'active_users', 'count', 'requests', '{service,unit,channel,method}', 'services',
	 NULL, 'active_users', NULL, 'primary'),
	(3, 'digital_id_enrolments', 'count', 'enrolments', '{service,unit,channel,method}', 'services',
	 NULL, 'enrolments', NULL, 'complementary'),
	(4, 'digital_id_enrolment_rate', 'rate', 'requests', '{service,unit,channel,method}', 'services',
	 NULL, 'enrolled_users', 'active_users', 'primary'),
	(5, 'satisfaction_mean', 'mean', 'satisfaction', '{service,unit,channel}', 'services',
	 NULL, 'score_sum', 'responses', 'complementary'),
	(6, 'satisfaction_csat', 'rate', 'satisfaction', '{service,unit,channel}', 'services',
	 NULL, 'satisfied', 'responses', 'complementary'),
	(7, 'service_time_median_hours', 'percentile', 'service_time', '{service,unit,channel,method}',
	 'services', 'service_time_median', NULL, 'closed', 'complementary'),
	(8, 'service_time_p90_hours', 'percentile', 'service_time', '{service,unit,channel,method}',
	 'services', 'service_time_p90', NULL, 'closed', 'complementary'),
	(9, 'digital_channel_rate', 'rate', 'requests', '{service,unit,channel,method}', 'services',
	 NULL, 'digital', 'requests', 'complementary'),
	(10, 'digital_id_use_rate', 'rate', 'requests', '{service,unit,channel,method}', 'services',
	 NULL, 'digital_id', 'digital', 'complementary'),
	(11, 'repeat_use_rate', 'rate', 'requests', '{service,unit,channel,method}', 'services',
	 NULL, 'repeat_users', 'digital_users', 'primary'),
	(12, 'single_window_rate', 'rate', 'requests', '{service,unit,channel,method}', 'services',
	 NULL, 'single_window', 'requests', 'complementary'),
	(13, 'completion_rate', 'rate', 'requests', '{service,unit,channel,method}', 'services',
	 NULL, 'completed', 'requests', 'complementary'),
	(14, 'auth_success_rate', 'rate', 'auth', '{service,unit,channel,method}', 'services',
	 NULL, 'auth_ok', 'auth_n', 'complementary'),
	(15, 'identification_success_rate', 'rate', 'auth', '{service,unit,channel,method}', 'services',
	 NULL, 'ident_ok', 'ident_n', 'complementary'),
	(16, 'auth_latency_median_ms', 'percentile', 'auth', '{service,unit,channel,method}', 'services',
	 'latency_median', NULL, 'latency_n', 'complementary'),
	(17, 'eservice_digital_id_coverage', 'rate', 'coverage', '{service,unit}', 'services',
	 NULL, 'adopted', 'eservices', 'none'),
	(18, 'staff_training_coverage', 'rate', 'training', '{unit}', 'staff',
	 NULL, 'trained', 'frontline', 'complementary'),
	-- the cost KPIs count the requests service time counts (closed in
	-- P, completed): the same 'closed' cells, suppressed together
	(19, 'cost_per_transaction', 'ratio', 'cost', '{service,unit,channel}', 'services',
	 NULL, 'cost', 'closed', 'complementary'),
	(20, 'digital_savings_thb', 'sum', 'cost', '{service,unit,channel}', 'services',
	 NULL, 'saved', 'digital_closed', 'complementary')
	) AS x(ord, kpi, kind, family, breakdowns, unit_keys, value_measure, num_measure,
	       den_measure, suppression)
$fn$;

-- The measures of the families asked for, for periods starts[i]..ends[i]
-- (local dates in tz) and one breakdown bd (all, service, unit, channel,
-- method), in long form: one row per period index i, key (NULL for all)
-- and measure that has rows. The queries are those of sql/kpi.sql (read
-- their comments there); rows whose breakdown attribute is NULL count only
-- in 'all'. A family not in families is not computed (a one-time filter).
CREATE OR REPLACE FUNCTION didkpi.kpi_measures(starts date[], ends date[], tz text, bd text,
					       families text[])
RETURNS TABLE (i integer, key text, measure text, v double precision)
LANGUAGE plpgsql STABLE PARALLEL SAFE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $fn$
#variable_conflict use_column
BEGIN
RETURN QUERY
WITH p AS (
	SELECT * FROM didkpi.periods(starts, ends, tz)
), rq_rows AS (
	SELECT p.i, p.te, r.user_key, r.status, r.via_single_window, c.is_digital,
	       coalesce(m.is_digital_id, false) AS is_digital_id,
	       CASE bd WHEN 'service' THEN r.service_code
		       WHEN 'unit' THEN s.owner_unit
		       WHEN 'channel' THEN r.channel
		       WHEN 'method' THEN r.auth_method END AS key
	  FROM p
	  JOIN didkpi.service_requests r
	    ON r.submitted_at >= p.ts AND r.submitted_at < p.te
	  JOIN didkpi.services s ON s.service_code = r.service_code
	  JOIN didkpi.channels c ON c.channel = r.channel
	  LEFT JOIN didkpi.auth_methods m ON m.method = r.auth_method
	 WHERE 'requests' = ANY (families)
), rq_users AS (
	SELECT i, te, key, user_key,
	       count(*) AS n,
	       count(*) FILTER (WHERE is_digital) AS n_digital,
	       count(*) FILTER (WHERE is_digital AND is_digital_id) AS n_digital_id,
	       count(*) FILTER (WHERE via_single_window) AS n_single_window,
	       count(*) FILTER (WHERE status = 'completed') AS n_completed
	  FROM rq_rows
	 WHERE bd = 'all' OR key IS NOT NULL
	 GROUP BY i, te, key, user_key
), rq_first AS (
	-- each active user's first successful identification: a join, not a
	-- correlated subquery, so that Citus plans it too (sql/kpi.sql)
	SELECT e.user_key, min(e.occurred_at) AS first_at
	  FROM didkpi.auth_events e
	 WHERE e.step = 'identification' AND e.outcome = 'success'
	   AND e.user_key IN (SELECT user_key FROM rq_users)
	 GROUP BY e.user_key
), rq AS (
	SELECT u.i, u.key,
	       sum(u.n) AS requests,
	       count(u.user_key) AS active_users,
	       count(u.user_key) FILTER (WHERE f.first_at < u.te) AS enrolled_users,
	       sum(u.n_digital) AS digital,
	       sum(u.n_digital_id) AS digital_id,
	       count(u.user_key) FILTER (WHERE u.n_digital >= 2) AS repeat_users,
	       count(u.user_key) FILTER (WHERE u.n_digital >= 1) AS digital_users,
	       sum(u.n_single_window) AS single_window,
	       sum(u.n_completed) AS completed
	  FROM rq_users u LEFT JOIN rq_first f ON f.user_key = u.user_key
	 GROUP BY u.i, u.key
), tm AS (
	SELECT x.i, x.key, count(*) AS n,
	       percentile_cont(0.5) WITHIN GROUP (ORDER BY x.hours) AS median,
	       percentile_cont(0.9) WITHIN GROUP (ORDER BY x.hours) AS p90
	  FROM (SELECT p.i,
		       ((extract(epoch FROM r.closed_at) - extract(epoch FROM r.submitted_at))
			* 1000000)::bigint::float8 / 3600000000 AS hours,
		       CASE bd WHEN 'service' THEN r.service_code
			       WHEN 'unit' THEN s.owner_unit
			       WHEN 'channel' THEN r.channel
			       WHEN 'method' THEN r.auth_method END AS key
		  FROM p
		  JOIN didkpi.service_requests r
		    ON r.closed_at >= p.ts AND r.closed_at < p.te AND r.status = 'completed'
		  JOIN didkpi.services s ON s.service_code = r.service_code
		 WHERE 'service_time' = ANY (families)) x
	 WHERE bd = 'all' OR x.key IS NOT NULL
	 GROUP BY x.i, x.key
), sa AS (
	SELECT x.i, x.key, count(*) AS n, sum(x.score) AS score_sum,
	       count(*) FILTER (WHERE x.score >= 4) AS satisfied
	  FROM (SELECT p.i, a.score,
		       CASE bd WHEN 'service' THEN a.service_code
			       WHEN 'unit' THEN s.owner_unit
			       WHEN 'channel' THEN a.channel END AS key
		  FROM p
		  JOIN didkpi.satisfaction a
		    ON a.answered_at >= p.ts AND a.answered_at < p.te
		  JOIN didkpi.services s ON s.service_code = a.service_code
		 WHERE 'satisfaction' = ANY (families)) x
	 WHERE bd = 'all' OR x.key IS NOT NULL
	 GROUP BY x.i, x.key
), au AS (
	SELECT x.i, x.key,
	       count(*) FILTER (WHERE x.step = 'authentication') AS auth_n,
	       count(*) FILTER (WHERE x.step = 'authentication' AND x.outcome = 'success') AS auth_ok,
	       count(*) FILTER (WHERE x.step = 'identification') AS ident_n,
	       count(*) FILTER (WHERE x.step = 'identification' AND x.outcome = 'success') AS ident_ok,
	       count(x.latency_ms) FILTER (WHERE x.step = 'authentication' AND x.outcome = 'success')
		       AS latency_n,
	       percentile_cont(0.5) WITHIN GROUP (ORDER BY x.latency_ms)
		       FILTER (WHERE x.step = 'authentication' AND x.outcome = 'success')
		       AS latency_median
	  FROM (SELECT p.i, e.step, e.outcome, e.latency_ms,
		       CASE bd WHEN 'service' THEN e.service_code
			       WHEN 'unit' THEN s.owner_unit
			       WHEN 'channel' THEN e.channel
			       WHEN 'method' THEN e.method END AS key
		  FROM p
		  JOIN didkpi.auth_events e
		    ON e.occurred_at >= p.ts AND e.occurred_at < p.te
		  LEFT JOIN didkpi.services s ON s.service_code = e.service_code
		 WHERE 'auth' = ANY (families)) x
	 WHERE bd = 'all' OR x.key IS NOT NULL
	 GROUP BY x.i, x.key
), en_e AS (
	-- as sql/kpi.sql#enrolments: P's successful identifications, each
	-- user's first instant (a join, no correlated subquery: Citus plans
	-- it), of the user's events at that instant the smallest event_id
	SELECT p.i, e.user_key, e.occurred_at, e.event_id, e.service_code, e.channel, e.method
	  FROM p
	  JOIN didkpi.auth_events e
	    ON e.occurred_at >= p.ts AND e.occurred_at < p.te
	   AND e.step = 'identification' AND e.outcome = 'success'
	   AND e.user_key IS NOT NULL
	 WHERE 'enrolments' = ANY (families)
), en_f AS (
	SELECT f.user_key, min(f.occurred_at) AS first_at
	  FROM didkpi.auth_events f
	 WHERE f.step = 'identification' AND f.outcome = 'success'
	   AND f.user_key IN (SELECT user_key FROM en_e)
	 GROUP BY f.user_key
), en AS (
	SELECT x.i, x.key, count(*) AS n
	  FROM (SELECT DISTINCT ON (e.i, e.user_key) e.i,
		       CASE bd WHEN 'service' THEN e.service_code
			       WHEN 'unit' THEN s.owner_unit
			       WHEN 'channel' THEN e.channel
			       WHEN 'method' THEN e.method END AS key
		  FROM en_e e
		  JOIN en_f f ON f.user_key = e.user_key AND f.first_at = e.occurred_at
		  LEFT JOIN didkpi.services s ON s.service_code = e.service_code
		 ORDER BY e.i, e.user_key, e.event_id COLLATE "C") x
	 WHERE bd = 'all' OR x.key IS NOT NULL
	 GROUP BY x.i, x.key
), cv AS (
	SELECT p.i,
	       CASE bd WHEN 'service' THEN s.service_code
		       WHEN 'unit' THEN s.owner_unit END AS key,
	       count(*) FILTER (WHERE s.is_eservice) AS eservices,
	       count(*) FILTER (WHERE s.is_eservice AND s.digital_id_since < p.end_date) AS adopted
	  FROM p CROSS JOIN didkpi.services s
	 WHERE 'coverage' = ANY (families) AND bd IN ('all', 'service', 'unit')
	 GROUP BY 1, 2
), tr AS (
	SELECT p.i,
	       CASE bd WHEN 'unit' THEN st.unit END AS key,
	       count(*) FILTER (WHERE st.is_frontline) AS frontline,
	       count(*) FILTER (WHERE st.is_frontline AND st.trained_on < p.end_date) AS trained
	  FROM p CROSS JOIN didkpi.staff st
	 WHERE 'training' = ANY (families) AND bd IN ('all', 'unit')
	 GROUP BY 1, 2
), co AS (
	-- sql/kpi.sql#cost: completed requests at the unit cost of their
	-- channel (and service) on their closing day (didkpi.completed_costs(),
	-- schema 7); a cell with an item of unknown cost has no cost, one with
	-- a digital item lacking its own or the counter's cost no savings
	SELECT x.i, x.key, sum(x.n) AS completed,
	       CASE WHEN bool_and(x.unit_cost IS NOT NULL) THEN sum(x.n * x.unit_cost) END AS cost,
	       coalesce(sum(x.n) FILTER (WHERE x.is_digital), 0) AS digital,
	       CASE WHEN bool_and(x.unit_cost IS NOT NULL AND x.counter_cost IS NOT NULL)
			 FILTER (WHERE x.is_digital) IS NOT FALSE
		    THEN coalesce(sum(x.n * (x.counter_cost - x.unit_cost)) FILTER (WHERE x.is_digital), 0)
	       END AS saved
	  FROM (SELECT c.i, c.n, c.is_digital, c.unit_cost, c.counter_cost,
		       CASE bd WHEN 'service' THEN c.service_code
			       WHEN 'unit' THEN s.owner_unit
			       WHEN 'channel' THEN c.channel END AS key
		  FROM didkpi.completed_costs(starts, ends, tz) c
		  JOIN didkpi.services s ON s.service_code = c.service_code
		 WHERE 'cost' = ANY (families) AND bd IN ('all', 'service', 'unit', 'channel')) x
	 WHERE bd = 'all' OR x.key IS NOT NULL
	 GROUP BY x.i, x.key
)
SELECT rq.i, rq.key, x.measure, x.v
  FROM rq CROSS JOIN LATERAL (VALUES
	('requests', rq.requests::float8), ('active_users', rq.active_users::float8),
	('enrolled_users', rq.enrolled_users::float8), ('digital', rq.digital::float8),
	('digital_id', rq.digital_id::float8), ('repeat_users', rq.repeat_users::float8),
	('digital_users', rq.digital_users::float8), ('single_window', rq.single_window::float8),
	('completed', rq.completed::float8)) AS x(measure, v)
UNION ALL
SELECT tm.i, tm.key, x.measure, x.v
  FROM tm CROSS JOIN LATERAL (VALUES
	('closed', tm.n::float8), ('service_time_median', tm.median),
	('service_time_p90', tm.p90)) AS x(measure, v)
UNION ALL
SELECT sa.i, sa.key, x.measure, x.v
  FROM sa CROSS JOIN LATERAL (VALUES
	('responses', sa.n::float8), ('score_sum', sa.score_sum::float8),
	('satisfied', sa.satisfied::float8)) AS x(measure, v)
UNION ALL
SELECT au.i, au.key, x.measure, x.v
  FROM au CROSS JOIN LATERAL (VALUES
	('auth_n', au.auth_n::float8), ('auth_ok', au.auth_ok::float8),
	('ident_n', au.ident_n::float8), ('ident_ok', au.ident_ok::float8),
	('latency_n', au.latency_n::float8), ('latency_median', au.latency_median)) AS x(measure, v)
UNION ALL
SELECT en.i, en.key, 'enrolments', en.n::float8 FROM en
UNION ALL
SELECT cv.i, cv.key, x.measure, x.v
  FROM cv CROSS JOIN LATERAL (VALUES
	('eservices', cv.eservices::float8), ('adopted', cv.adopted::float8)) AS x(measure, v)
UNION ALL
SELECT tr.i, tr.key, x.measure, x.v
  FROM tr CROSS JOIN LATERAL (VALUES
	('frontline', tr.frontline::float8), ('trained', tr.trained::float8)) AS x(measure, v)
UNION ALL
-- 'closed' once per key: the service_time family's when it runs too (the
-- same requests); baht as the CLI reads them (numeric text to double)
SELECT co.i, co.key, x.measure, x.v
  FROM co CROSS JOIN LATERAL (VALUES
	('closed', co.completed::float8), ('cost', co.cost::float8),
	('digital_closed', co.digital::float8), ('saved', co.saved::float8)) AS x(measure, v)
 WHERE x.measure <> 'closed' OR NOT 'service_time' = ANY (families);
END
$fn$;

-- lib/suppress.c suppress_determined(): of the cells of one table (n
-- unknowns, neq equations with coefficients coef[e * n + c + 1], 0-based e
-- and c), which hidden cells (hid[c + 1]) the equations and the published
-- cells fix. Exact: fraction-free Gauss-Jordan elimination over the
-- integers (each row divided by the gcd of its entries), whose rows stay
-- non-zero multiples of the reduced row echelon form's, so the same cells
-- come out determined. Returns det[1..n].
CREATE OR REPLACE FUNCTION didkpi.kpi_suppress_determined(n integer, neq integer, coef integer[],
							  hid boolean[])
RETURNS boolean[]
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
	det boolean[] := array_fill(false, ARRAY[n]);
	col integer[] := '{}';
	nh integer;
	m bigint[];
	pivot integer[] := '{}';
	rw integer := 0;
	r integer;
	j integer;
	k integer;
	a bigint;
	b bigint;
	g bigint;
	tmp bigint;
	alone boolean;
BEGIN
	FOR c IN 1 .. n LOOP
		IF hid[c] THEN
			col := col || c;
		END IF;
	END LOOP;
	nh := coalesce(array_length(col, 1), 0);
	IF nh = 0 OR neq = 0 THEN
		RETURN det;
	END IF;
	-- the equations restricted to the hidden cells, m[r * nh + j + 1]
	m := array_fill(0::bigint, ARRAY[neq * nh]);
	FOR r IN 0 .. neq - 1 LOOP
		FOR j IN 0 .. nh - 1 LOOP
			m[r * nh + j + 1] := coef[r * n + col[j + 1]];
		END LOOP;
	END LOOP;
	FOR j IN 0 .. nh - 1 LOOP
		EXIT WHEN rw >= neq;
		r := rw;
		WHILE r < neq AND m[r * nh + j + 1] = 0 LOOP
			r := r + 1;
		END LOOP;
		CONTINUE WHEN r = neq;
		IF r <> rw THEN
			FOR k IN 0 .. nh - 1 LOOP
				tmp := m[r * nh + k + 1];
				m[r * nh + k + 1] := m[rw * nh + k + 1];
				m[rw * nh + k + 1] := tmp;
			END LOOP;
		END IF;
		a := m[rw * nh + j + 1];
		FOR r IN 0 .. neq - 1 LOOP
			CONTINUE WHEN r = rw OR m[r * nh + j + 1] = 0;
			b := m[r * nh + j + 1];
			g := 0;
			FOR k IN 0 .. nh - 1 LOOP
				m[r * nh + k + 1] := a * m[r * nh + k + 1] - b * m[rw * nh + k + 1];
				g := gcd(g, m[r * nh + k + 1]);
			END LOOP;
			IF g > 1 THEN
				FOR k IN 0 .. nh - 1 LOOP
					m[r * nh + k + 1] := m[r * nh + k + 1] / g;
				END LOOP;
			END IF;
		END LOOP;
		pivot := pivot || j;
		rw := rw + 1;
	END LOOP;
	-- a pivot whose row has no other unknown is fixed: x_j = constant
	FOR r IN 0 .. rw - 1 LOOP
		alone := true;
		FOR k IN 0 .. nh - 1 LOOP
			IF k <> pivot[r + 1] AND m[r * nh + k + 1] <> 0 THEN
				alone := false;
				EXIT;
			END IF;
		END LOOP;
		IF alone THEN
			det[col[pivot[r + 1] + 1]] := true;
		END IF;
	END LOOP;
	RETURN det;
END
$fn$;

-- lib/suppress.c suppress_apply() on the rows of one result. A row
-- publishes measures; a cell is one measure of one breakdown key in one
-- period, shown by one or more rows. The cells, sorted by period, measure,
-- breakdown (all, service, unit, channel, method) and key (byte order):
--   cell_grp[c]  its table (period and measure; cells of a table adjacent)
--   cell_bd[c]   0 all, 1 service, 2 unit, 3 channel, 4 method
--   cell_key[c], cell_val[c]  its key and published value
--   cell_rows[c] the rows showing it, 1-based, as text '{3,7}'
-- supp[r]: the rows' primary suppression; owner: each service's unit (a
-- jsonb object) when the service and unit breakdowns are both published,
-- else NULL. Returns supp with the complementary rows added: while the
-- equations of a table (each breakdown's keys add up to 'all'; a unit's
-- services add up to the unit) determine a hidden cell, another published
-- cell of an equation holding it is hidden: the one that leaves it free
-- and the fewest cells determined, then the smallest non-zero, then the
-- first in breakdown and key order ('all' never).
CREATE OR REPLACE FUNCTION didkpi.kpi_suppress(cell_grp integer[], cell_bd integer[],
					       cell_key text[], cell_val double precision[],
					       cell_rows text[], supp boolean[], owner jsonb)
RETURNS boolean[]
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
	ncells integer := coalesce(array_length(cell_grp, 1), 0);
	hidden boolean[];
	rowsof integer[];
	added integer := 0;
	before integer;
	c0 integer;
	c1 integer;
	n integer;
	neq integer;
	allc integer;
	coef integer[];
	hid boolean[];
	known boolean[];
	det boolean[];
	det2 boolean[];
	nd integer;
	nd2 integer;
	x integer;
	best integer;
	best_x boolean;
	best_nd integer;
	bv double precision;
	v double precision;
	anyeq boolean;
	lo integer[];
	hi integer[];
	warned boolean := false;
	r integer;
BEGIN
	IF ncells = 0 THEN
		RETURN supp;
	END IF;
	-- hiding a cell suppresses rows that show other measures too: repeat
	-- until a pass suppresses nothing more
	LOOP
		before := added;
		hidden := array_fill(true, ARRAY[ncells]);
		FOR c IN 1 .. ncells LOOP
			FOREACH r IN ARRAY cell_rows[c]::integer[] LOOP
				IF NOT supp[r] THEN
					hidden[c] := false;
				END IF;
			END LOOP;
		END LOOP;
		c0 := 1;
		WHILE c0 <= ncells LOOP
			c1 := c0;
			WHILE c1 + 1 <= ncells AND cell_grp[c1 + 1] = cell_grp[c0] LOOP
				c1 := c1 + 1;
			END LOOP;
			n := c1 - c0 + 1;
			-- cells c0..c1 are this table's, local index 1..n
			lo := array_fill(0, ARRAY[5], ARRAY[0]);
			hi := array_fill(0, ARRAY[5], ARRAY[0]);
			allc := 0;
			FOR k IN 1 .. n LOOP
				IF lo[cell_bd[c0 + k - 1]] = 0 THEN
					lo[cell_bd[c0 + k - 1]] := k;
				END IF;
				hi[cell_bd[c0 + k - 1]] := k;
				IF cell_bd[c0 + k - 1] = 0 THEN
					allc := k;
				END IF;
			END LOOP;
			-- nothing to protect without a total, or with nothing hidden
			IF allc > 0 AND true = ANY (hidden[c0:c1]) THEN
				coef := '{}';
				neq := 0;
				FOR b IN 1 .. 4 LOOP
					CONTINUE WHEN lo[b] = 0;
					coef := coef || array_fill(0, ARRAY[n]);
					FOR k IN lo[b] .. hi[b] LOOP
						coef[neq * n + k] := 1;
					END LOOP;
					coef[neq * n + allc] := -1;
					neq := neq + 1;
				END LOOP;
				IF owner IS NOT NULL AND lo[1] > 0 AND lo[2] > 0 THEN
					FOR u IN lo[2] .. hi[2] LOOP
						coef := coef || array_fill(0, ARRAY[n]);
						coef[neq * n + u] := -1;
						FOR k IN lo[1] .. hi[1] LOOP
							IF owner ->> cell_key[c0 + k - 1] = cell_key[c0 + u - 1] THEN
								coef[neq * n + k] := 1;
							END IF;
						END LOOP;
						neq := neq + 1;
					END LOOP;
				END IF;
				known := array_fill(false, ARRAY[n]);
				LOOP
					hid := array_fill(false, ARRAY[n]);
					FOR k IN 1 .. n LOOP
						hid[k] := hidden[c0 + k - 1] AND NOT known[k];
					END LOOP;
					det := didkpi.kpi_suppress_determined(n, neq, coef, hid);
					x := array_position(det, true);
					EXIT WHEN x IS NULL;
					-- pick the published cell to hide
					best := NULL;
					FOR pass IN 0 .. 1 LOOP
						EXIT WHEN best IS NOT NULL;
						FOR k IN 1 .. n LOOP
							CONTINUE WHEN hid[k] OR known[k] OR k = allc;
							anyeq := pass = 1;
							FOR e IN 0 .. neq - 1 LOOP
								EXIT WHEN anyeq;
								anyeq := coef[e * n + x] <> 0 AND coef[e * n + k] <> 0;
							END LOOP;
							CONTINUE WHEN NOT anyeq;
							hid[k] := true;
							det2 := didkpi.kpi_suppress_determined(n, neq, coef, hid);
							hid[k] := false;
							nd2 := cardinality(array_positions(det2, true));
							v := cell_val[c0 + k - 1];
							IF best IS NULL OR (NOT det2[x] AND best_x)
							   OR (det2[x] = best_x AND (nd2 < best_nd
								OR (nd2 = best_nd AND ((v <> 0 AND bv = 0)
									OR ((v <> 0) = (bv <> 0) AND v < bv))))) THEN
								best := k;
								best_x := det2[x];
								best_nd := nd2;
								bv := v;
							END IF;
						END LOOP;
					END LOOP;
					IF best IS NULL THEN
						-- x equals what is published (a breakdown with
						-- one key is its total): nothing can hide it
						known[x] := true;
						IF NOT warned THEN
							RAISE WARNING 'a small cell equals a published total and cannot be hidden';
							warned := true;
						END IF;
						CONTINUE;
					END IF;
					FOREACH r IN ARRAY cell_rows[c0 + best - 1]::integer[] LOOP
						IF NOT supp[r] THEN
							supp[r] := true;
							added := added + 1;
						END IF;
					END LOOP;
					hidden[c0 + best - 1] := true;
				END LOOP;
			END IF;
			c0 := c1 + 1;
		END LOOP;
		EXIT WHEN added = before;
	END LOOP;
	RETURN supp;
END
$fn$;

-- The signatures before the label column (schema 8 as first written): a
-- call with defaults must not find two functions.
DROP FUNCTION IF EXISTS didkpi.kpi_text(text, text, text, text[], integer, text);
DROP FUNCTION IF EXISTS didkpi.kpi(text, text, text, text[], integer, text);

-- The KPIs of a period as tidy rows: what `didkpi kpi --format csv` prints,
-- typed. Parameters (as the options of didkpi-kpi(1)):
--   period_spec  --period: 2025-03, 2025, FY2568, FY2568-Q1,
--                2025-03-01..2025-04-01, this-month, last-month, this-fy,
--                last-fy (default last-month)
--   by           --by: 'all' (default, the totals only), or breakdowns
--                'service', 'unit', 'channel', 'method', comma-separated
--                ('service,unit'), printed in that order after 'all'
--   series       --interval: NULL (default), 'month' or 'quarter'
--   kpis         --kpi: the KPIs to compute (NULL: every KPI)
--   min_cell     --min-cell: breakdown rows of size 1..min_cell-1 are
--                suppressed, and the rows that would reveal them (default
--                5; 0 turns suppression off)
--   tz           --tz: the time zone of the periods (default Asia/Bangkok)
--   lang         --lang: the language of the label column, 'th' (default)
--                or 'en'
-- Rows come in the CLI's order: period, KPI, all then each breakdown, keys
-- in byte order; the label (the key's name: the service's, channel's or
-- method's name_th or name_en, the unit itself, ทั้งหมด or All for the
-- totals) comes last, as in the CSV. Bad parameters raise SQLSTATE 22023.
CREATE OR REPLACE FUNCTION didkpi.kpi(period_spec text DEFAULT 'last-month', by text DEFAULT 'all',
				      series text DEFAULT NULL, kpis text[] DEFAULT NULL,
				      min_cell integer DEFAULT 5, tz text DEFAULT 'Asia/Bangkok',
				      lang text DEFAULT 'th')
RETURNS TABLE (period text, period_start date, period_end date, kpi text, breakdown text,
	       key text, value double precision, numerator double precision,
	       denominator double precision, target double precision, suppressed boolean,
	       label text)
LANGUAGE plpgsql STABLE PARALLEL SAFE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $fn$
#variable_conflict use_column
DECLARE
	bd_order constant text[] := '{all,service,unit,channel,method}';
	v_bds text[] := '{all}';
	tok text;
	p_label text[];
	p_start date[];
	p_end date[];
	r_i integer[];
	r_kpi text[];
	r_bd text[];
	r_key text[];
	r_val double precision[];
	r_num double precision[];
	r_den double precision[];
	r_tgt double precision[];
	r_supp boolean[];
	r_label text[];
	c_grp integer[];
	c_bd integer[];
	c_key text[];
	c_val double precision[];
	c_rows text[];
	owner jsonb;
BEGIN
	IF min_cell IS NULL OR min_cell < 0 THEN
		RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
			MESSAGE = format('min_cell needs a number >= 0, not %s', coalesce(min_cell::text, 'NULL'));
	END IF;
	IF tz IS NULL THEN
		RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value', MESSAGE = 'tz needs a time zone';
	END IF;
	IF lang IS NULL OR lang NOT IN ('th', 'en') THEN
		RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
			MESSAGE = format('lang must be th or en, not %s', coalesce(quote_literal(lang), 'NULL'));
	END IF;
	FOREACH tok IN ARRAY regexp_split_to_array(coalesce(by, ''), ',') LOOP
		tok := lower(btrim(tok));
		CONTINUE WHEN tok IN ('', 'all') OR tok = ANY (v_bds);
		IF NOT tok = ANY (bd_order) THEN
			RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
				MESSAGE = format('by: unknown breakdown ''%s''', tok),
				HINT = 'breakdowns: all, service, unit, channel, method (comma-separated)';
		END IF;
		v_bds := v_bds || tok;
	END LOOP;
	SELECT min(k) INTO tok FROM unnest(kpis) AS k
	 WHERE k IS NULL OR k NOT IN (SELECT c.kpi FROM didkpi.kpi_catalogue() c);
	IF tok IS NOT NULL OR array_position(kpis, NULL) IS NOT NULL THEN
		RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
			MESSAGE = format('kpis: unknown KPI ''%s''', tok),
			HINT = 'SELECT kpi FROM didkpi.kpi_catalogue() lists them';
	END IF;
	IF cardinality(kpis) = 0 THEN
		RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
			MESSAGE = 'kpis needs at least one name (NULL: every KPI)';
	END IF;
	SELECT array_agg(x.label ORDER BY x.i), array_agg(x.start_date ORDER BY x.i),
	       array_agg(x.end_date ORDER BY x.i)
	  INTO p_label, p_start, p_end
	  FROM didkpi.kpi_periods(period_spec, series, tz) x;

	-- Every row of the full grid (lib/kpi.c kpi_compute(), fill_row()).
	WITH per AS (
		SELECT t.label, t.s, t.e, t.i::integer AS i
		  FROM unnest(p_label, p_start, p_end) WITH ORDINALITY AS t(label, s, e, i)
	), cat AS (
		SELECT c.* FROM didkpi.kpi_catalogue() c WHERE kpis IS NULL OR c.kpi = ANY (kpis)
	), bds AS (
		SELECT t.bd, t.bo FROM unnest(v_bds) WITH ORDINALITY AS t(bd, bo)
	), grid AS (
		-- the keys and their labels (lib/kpi_def.c breakdown_label(),
		-- sql/kpi.sql keys_*): a unit is its own name
		SELECT 'all'::text AS bd, NULL::text AS key, NULL::text AS src,
		       CASE lang WHEN 'th' THEN 'ทั้งหมด' ELSE 'All' END AS label
		UNION ALL
		SELECT 'service', s.service_code, NULL,
		       CASE lang WHEN 'th' THEN s.name_th ELSE s.name_en END
		  FROM didkpi.services s
		 WHERE 'service' = ANY (v_bds)
		UNION ALL
		SELECT DISTINCT 'unit', s.owner_unit, 'services', s.owner_unit FROM didkpi.services s
		 WHERE 'unit' = ANY (v_bds)
		UNION ALL
		SELECT DISTINCT 'unit', st.unit, 'staff', st.unit FROM didkpi.staff st
		 WHERE 'unit' = ANY (v_bds)
		UNION ALL
		SELECT 'channel', c.channel, NULL,
		       CASE lang WHEN 'th' THEN c.name_th ELSE c.name_en END
		  FROM didkpi.channels c
		 WHERE 'channel' = ANY (v_bds)
		UNION ALL
		SELECT 'method', m.method, NULL,
		       CASE lang WHEN 'th' THEN m.name_th ELSE m.name_en END
		  FROM didkpi.auth_methods m
		 WHERE 'method' = ANY (v_bds)
	), ms AS (
		-- per breakdown, only the families a wanted KPI with it needs;
		-- key '' for NULL ('all' has no other key, and no other
		-- breakdown a NULL key)
		SELECT b.bd, x.i, coalesce(x.key, '') AS k, x.measure, x.v
		  FROM bds b
		 CROSS JOIN LATERAL didkpi.kpi_measures(p_start, p_end, tz, b.bd,
			ARRAY(SELECT DISTINCT c.family FROM cat c
			       WHERE b.bd = 'all' OR b.bd = ANY (c.breakdowns))) x
	), tg AS (
		-- the target in force on the period's last day (valid_to inclusive)
		SELECT DISTINCT ON (x.i, t.kpi) x.i, t.kpi, t.target::float8 AS target
		  FROM per x JOIN didkpi.kpi_targets t ON x.e - 1 BETWEEN t.valid_from AND t.valid_to
		 ORDER BY x.i, t.kpi, t.valid_from DESC
	), r AS (
		SELECT per.i, c.ord, b.bo, b.bd, g.key, g.label, c.kpi, c.kind, c.suppression,
		       -- lib/kpi.c fill_row(): an empty set sums to 0, a set with
		       -- an item of unknown cost has no sum
		       CASE WHEN c.kind IN ('ratio', 'sum')
			    THEN CASE WHEN coalesce(md.v, 0) > 0 THEN mn.v ELSE 0 END
			    WHEN c.kind <> 'percentile' THEN coalesce(mn.v, 0) END AS num,
		       CASE WHEN c.kind <> 'count' THEN coalesce(md.v, 0) END AS den,
		       mv.v AS pv, tg.target
		  FROM per CROSS JOIN cat c
		  JOIN bds b ON b.bd = 'all' OR b.bd = ANY (c.breakdowns)
		  JOIN grid g ON g.bd = b.bd AND (g.bd <> 'unit' OR g.src = c.unit_keys)
		  LEFT JOIN ms mn ON mn.bd = b.bd AND mn.i = per.i AND mn.k = coalesce(g.key, '')
				 AND mn.measure = c.num_measure
		  LEFT JOIN ms md ON md.bd = b.bd AND md.i = per.i AND md.k = coalesce(g.key, '')
				 AND md.measure = c.den_measure
		  LEFT JOIN ms mv ON mv.bd = b.bd AND mv.i = per.i AND mv.k = coalesce(g.key, '')
				 AND mv.measure = c.value_measure
		  LEFT JOIN tg ON tg.i = per.i AND tg.kpi = c.kpi
	), rv AS (
		SELECT r.*,
		       CASE r.kind WHEN 'count' THEN r.num
				   WHEN 'sum' THEN r.num
				   WHEN 'percentile' THEN CASE WHEN r.den > 0 THEN r.pv END
				   ELSE CASE WHEN r.den > 0 THEN r.num / r.den END END AS val
		  FROM r
	)
	SELECT array_agg(rv.i ORDER BY rv.i, rv.ord, rv.bo, rv.key COLLATE "C"),
	       array_agg(rv.kpi ORDER BY rv.i, rv.ord, rv.bo, rv.key COLLATE "C"),
	       array_agg(rv.bd ORDER BY rv.i, rv.ord, rv.bo, rv.key COLLATE "C"),
	       array_agg(rv.key ORDER BY rv.i, rv.ord, rv.bo, rv.key COLLATE "C"),
	       array_agg(rv.val ORDER BY rv.i, rv.ord, rv.bo, rv.key COLLATE "C"),
	       array_agg(rv.num ORDER BY rv.i, rv.ord, rv.bo, rv.key COLLATE "C"),
	       array_agg(rv.den ORDER BY rv.i, rv.ord, rv.bo, rv.key COLLATE "C"),
	       array_agg(rv.target ORDER BY rv.i, rv.ord, rv.bo, rv.key COLLATE "C"),
	       -- SPEC "Small cells": a breakdown row of size 1..min_cell-1
	       array_agg(min_cell > 0 AND rv.bd <> 'all' AND rv.suppression <> 'none'
			 AND CASE rv.kind WHEN 'count' THEN rv.num ELSE rv.den END >= 1
			 AND CASE rv.kind WHEN 'count' THEN rv.num ELSE rv.den END < min_cell
			 ORDER BY rv.i, rv.ord, rv.bo, rv.key COLLATE "C"),
	       array_agg(rv.label ORDER BY rv.i, rv.ord, rv.bo, rv.key COLLATE "C")
	  INTO r_i, r_kpi, r_bd, r_key, r_val, r_num, r_den, r_tgt, r_supp, r_label
	  FROM rv;

	IF min_cell > 0 AND r_i IS NOT NULL THEN
		-- the cells of the measures that add up, and the rows showing each
		WITH e AS (
			SELECT t.i, x.measure, array_position(bd_order, t.bd) - 1 AS bdn, t.key,
			       t.rn, x.val
			  FROM unnest(r_i, r_kpi, r_bd, r_key, r_num, r_den)
			       WITH ORDINALITY AS t(i, kpi, bd, key, num, den, rn)
			  JOIN didkpi.kpi_catalogue() c ON c.kpi = t.kpi AND c.suppression = 'complementary'
			 CROSS JOIN LATERAL (VALUES (c.num_measure, coalesce(t.num, 0)),
						    (c.den_measure, coalesce(t.den, 0))) AS x(measure, val)
			 WHERE x.measure IS NOT NULL
		), cells AS (
			SELECT e.i, e.measure, e.bdn, e.key,
			       dense_rank() OVER (ORDER BY e.i, e.measure) AS grp,
			       (array_agg(e.val ORDER BY e.rn))[1] AS val,
			       array_agg(e.rn ORDER BY e.rn)::text AS rowlist
			  FROM e GROUP BY e.i, e.measure, e.bdn, e.key
		)
		SELECT array_agg(cells.grp::integer ORDER BY cells.i, cells.measure, cells.bdn,
				 cells.key COLLATE "C" NULLS FIRST),
		       array_agg(cells.bdn ORDER BY cells.i, cells.measure, cells.bdn,
				 cells.key COLLATE "C" NULLS FIRST),
		       array_agg(cells.key ORDER BY cells.i, cells.measure, cells.bdn,
				 cells.key COLLATE "C" NULLS FIRST),
		       array_agg(cells.val ORDER BY cells.i, cells.measure, cells.bdn,
				 cells.key COLLATE "C" NULLS FIRST),
		       array_agg(cells.rowlist ORDER BY cells.i, cells.measure, cells.bdn,
				 cells.key COLLATE "C" NULLS FIRST)
		  INTO c_grp, c_bd, c_key, c_val, c_rows
		  FROM cells;
		IF 'service' = ANY (v_bds) AND 'unit' = ANY (v_bds) THEN
			SELECT jsonb_object_agg(s.service_code, s.owner_unit) INTO owner FROM didkpi.services s;
		END IF;
		r_supp := didkpi.kpi_suppress(c_grp, c_bd, c_key, c_val, c_rows, r_supp, owner);
	END IF;

	RETURN QUERY
	SELECT p_label[t.i], p_start[t.i], p_end[t.i], t.kpi, t.bd, t.key,
	       CASE WHEN t.supp THEN NULL ELSE t.val END,
	       CASE WHEN t.supp THEN NULL ELSE t.num END,
	       CASE WHEN t.supp THEN NULL ELSE t.den END,
	       t.tgt, t.supp, t.label
	  FROM unnest(r_i, r_kpi, r_bd, r_key, r_val, r_num, r_den, r_tgt, r_supp, r_label)
	       WITH ORDINALITY AS t(i, kpi, bd, key, val, num, den, tgt, supp, label, rn)
	 ORDER BY t.rn;
END
$fn$;

-- A number as lib/format.c fmt_number() writes it: the shortest text that
-- reads back as the same double, integers without ".0", plain decimals
-- rather than exponents from 1e-6 to 1e15. Needs extra_float_digits >= 1
-- (the default), which didkpi.kpi_text() sets.
CREATE OR REPLACE FUNCTION didkpi.kpi_format_number(v double precision) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
AS $fn$
	SELECT CASE WHEN v = 0 THEN '0'
		    WHEN pg_catalog.strpos(v::text, 'e') > 0 AND pg_catalog.abs(v) >= 1e-6
			 AND pg_catalog.abs(v) < 1e15
			-- numeric keeps every digit of the exponent form
			THEN v::text::numeric::text
		    ELSE v::text END
$fn$;

-- The rows of didkpi.kpi() as the text `didkpi kpi --format csv` writes
-- (numbers as fmt_number(), dates YYYY-MM-DD, suppressed TRUE/FALSE, empty
-- cells NULL), so that
--   COPY (SELECT * FROM didkpi.kpi_text('2025-03', 'service')) TO STDOUT
--        WITH (FORMAT csv, HEADER)
-- prints the CLI's CSV byte for byte (keys and labels are not given the
-- CLI's spreadsheet formula guard: compare with --no-formula-guard).
CREATE OR REPLACE FUNCTION didkpi.kpi_text(period_spec text DEFAULT 'last-month',
					   by text DEFAULT 'all', series text DEFAULT NULL,
					   kpis text[] DEFAULT NULL, min_cell integer DEFAULT 5,
					   tz text DEFAULT 'Asia/Bangkok', lang text DEFAULT 'th')
RETURNS TABLE (period text, period_start text, period_end text, kpi text, breakdown text,
	       key text, value text, numerator text, denominator text, target text,
	       suppressed text, label text)
LANGUAGE sql STABLE PARALLEL SAFE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
SET extra_float_digits = 1
AS $fn$
	-- TRUE/FALSE: what R and pandas both read as logical (lib/format.c);
	-- an empty name NULL, as COPY writes '' as "" but the CLI as nothing
	SELECT k.period, to_char(k.period_start, 'YYYY-MM-DD'), to_char(k.period_end, 'YYYY-MM-DD'),
	       k.kpi, k.breakdown, k.key,
	       didkpi.kpi_format_number(k.value), didkpi.kpi_format_number(k.numerator),
	       didkpi.kpi_format_number(k.denominator), didkpi.kpi_format_number(k.target),
	       CASE WHEN k.suppressed THEN 'TRUE' ELSE 'FALSE' END, nullif(k.label, '')
	  FROM didkpi.kpi(period_spec, by, series, kpis, min_cell, tz, lang) AS k
$fn$;
