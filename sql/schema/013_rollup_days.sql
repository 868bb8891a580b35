-- Schema version 13: the rollups' local days from the session's time zone
-- (issue 9). Applied by `didkpi init`; it can be applied again. Parameters:
-- none.
--
-- Every row a load adds passes through rollup_sql(): its instant becomes a
-- local day of the rollup zone. `x AT TIME ZONE 'Asia/Bangkok'` looks the
-- zone up by name for each row (pg_tzset: the name folded, hashed and
-- found in the zone cache), then converts; `x::date` converts in the
-- session's zone, which is already loaded. Over a load's million rows the
-- day alone cost 0.52 s one way and 0.18 s the other (a temporary table of
-- the bench's load file, grouped by day only), a third of the trigger's
-- aggregation. The two are the same function of the instant in the same
-- zone (timestamp2tm with the zone's rules), so every rollup row stays the
-- same; the tests compare the rollups with the raw logs as before.
--
-- The statement below leaves the zone to its caller: the trigger and
-- didkpi.rollup_refresh() now run with TimeZone set to rollup_zone() (a
-- function's SET clause: the caller's own setting is back when it
-- returns, and a trigger fired by a session in any zone counts the same
-- days). Whoever runs rollup_sql()'s statement must do the same.

-- As in version 10, each local day taken as t.<column>::date.
CREATE OR REPLACE FUNCTION didkpi.rollup_sql(rollup text, source text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $f$
SELECT CASE rollup
WHEN 'requests' THEN
'INSERT INTO didkpi.rollup_requests AS r
        (day, service_code, channel, method, requests, single_window, completed)
 SELECT t.submitted_at::date,
        t.service_code COLLATE "C", t.channel COLLATE "C", t.auth_method COLLATE "C",
        sum(t.sign), coalesce(sum(t.sign) FILTER (WHERE t.via_single_window), 0),
        coalesce(sum(t.sign) FILTER (WHERE t.status = ''completed''), 0)
   FROM ' || source || ' t
  GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
 ON CONFLICT (day, service_code, channel, method) DO UPDATE
    SET requests = r.requests + excluded.requests,
        single_window = r.single_window + excluded.single_window,
        completed = r.completed + excluded.completed'
WHEN 'closed' THEN
'INSERT INTO didkpi.rollup_closed AS r (day, service_code, channel, completed)
 SELECT t.closed_at::date,
        t.service_code COLLATE "C", t.channel COLLATE "C", sum(t.sign)
   FROM ' || source || ' t
  WHERE t.status = ''completed'' AND t.closed_at IS NOT NULL
  GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
 ON CONFLICT (day, service_code, channel) DO UPDATE
    SET completed = r.completed + excluded.completed'
WHEN 'auth' THEN
'INSERT INTO didkpi.rollup_auth AS r
        (day, service_code, channel, method, auth_n, auth_ok, ident_n, ident_ok,
         latency_n, events)
 SELECT t.occurred_at::date,
        t.service_code COLLATE "C", t.channel COLLATE "C", t.method COLLATE "C",
        coalesce(sum(t.sign) FILTER (WHERE t.step = ''authentication''), 0),
        coalesce(sum(t.sign) FILTER (WHERE t.step = ''authentication''
                                       AND t.outcome = ''success''), 0),
        coalesce(sum(t.sign) FILTER (WHERE t.step = ''identification''), 0),
        coalesce(sum(t.sign) FILTER (WHERE t.step = ''identification''
                                       AND t.outcome = ''success''), 0),
        coalesce(sum(t.sign) FILTER (WHERE t.step = ''authentication''
                                       AND t.outcome = ''success''
                                       AND t.latency_ms IS NOT NULL), 0),
        sum(t.sign)
   FROM ' || source || ' t
  GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
 ON CONFLICT (day, service_code, channel, method) DO UPDATE
    SET auth_n = r.auth_n + excluded.auth_n, auth_ok = r.auth_ok + excluded.auth_ok,
        ident_n = r.ident_n + excluded.ident_n, ident_ok = r.ident_ok + excluded.ident_ok,
        latency_n = r.latency_n + excluded.latency_n, events = r.events + excluded.events'
WHEN 'satisfaction' THEN
'INSERT INTO didkpi.rollup_satisfaction AS r
        (day, service_code, channel, n, score_sum, satisfied)
 SELECT t.answered_at::date,
        t.service_code COLLATE "C", t.channel COLLATE "C",
        sum(t.sign), sum(t.sign * t.score),
        coalesce(sum(t.sign) FILTER (WHERE t.score >= 4), 0)
   FROM ' || source || ' t
  GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
 ON CONFLICT (day, service_code, channel) DO UPDATE
    SET n = r.n + excluded.n, score_sum = r.score_sum + excluded.score_sum,
        satisfied = r.satisfied + excluded.satisfied'
END
$f$;

-- The functions that run rollup_sql()'s statements, in the rollup zone. A
-- later version that changes rollup_zone() must set them again, and one
-- that redefines either function must give it the same SET clause
-- (CREATE OR REPLACE FUNCTION replaces a function's settings with its
-- own): tests/e2e/rollup.sh writes from sessions in other zones.
DO $$
BEGIN
	EXECUTE pg_catalog.format('ALTER FUNCTION didkpi.rollup_trigger() SET TimeZone = %L',
				  didkpi.rollup_zone());
	EXECUTE pg_catalog.format('ALTER FUNCTION didkpi.rollup_refresh(date) SET TimeZone = %L',
				  didkpi.rollup_zone());
END
$$;
