-- Schema version 2: didkpi.periods(), the one place where reporting periods
-- (local dates) become instants, shared by every period query.
-- Applied by `didkpi init`. Parameters: none.

-- The periods starts[i]..ends[i] (local dates, end exclusive) in time zone
-- tz, numbered from 1, with their bounds as instants: a query joins its
-- timestamp column as "col >= ts AND col < te", a range an index serves.
-- A single-SELECT SQL function without SET clauses, so the planner inlines
-- it; it names only pg_catalog objects (the several-array unnest cannot
-- be schema-qualified: it is syntax), so it works under an empty
-- search_path.
CREATE FUNCTION didkpi.periods(starts date[], ends date[], tz text)
RETURNS TABLE (i integer, ts timestamptz, te timestamptz, start_date date, end_date date)
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
	SELECT x.i::integer,
	       x.s::timestamp AT TIME ZONE tz,
	       x.e::timestamp AT TIME ZONE tz,
	       x.s, x.e
	  FROM unnest(starts, ends) WITH ORDINALITY AS x(s, e, i)
$$;
