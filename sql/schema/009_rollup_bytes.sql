-- Schema version 9: the rollup triggers group a statement's rows in byte
-- order (issue 9). The statement triggers of version 5 add each load's
-- rows to the day rollups with one INSERT ... SELECT ... GROUP BY ... ORDER
-- BY; sorting a million rows on their service, channel and method codes by
-- the database's collation (strcoll for each comparison) cost more than
-- the rest of the trigger. The codes are compared as bytes instead: the
-- same groups (a code equals another under a deterministic collation only
-- when its bytes do), and every writer still takes the rollup rows' locks
-- in one order (this function's), so concurrent loads cannot deadlock.
-- Applied by `didkpi init`; CREATE OR REPLACE, so it can be applied again.
-- Parameters: none.

CREATE OR REPLACE FUNCTION didkpi.rollup_sql(rollup text, source text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $f$
SELECT CASE rollup
WHEN 'requests' THEN
'INSERT INTO didkpi.rollup_requests AS r
        (day, service_code, channel, method, requests, single_window, completed)
 SELECT (t.submitted_at AT TIME ZONE didkpi.rollup_zone())::date,
        t.service_code COLLATE "C", t.channel COLLATE "C", t.auth_method COLLATE "C",
        sum(t.sign), coalesce(sum(t.sign) FILTER (WHERE t.via_single_window), 0),
        coalesce(sum(t.sign) FILTER (WHERE t.status = ''completed''), 0)
   FROM ' || source || ' t
  GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
 ON CONFLICT (day, service_code, channel, method) DO UPDATE
    SET requests = r.requests + excluded.requests,
        single_window = r.single_window + excluded.single_window,
        completed = r.completed + excluded.completed'
WHEN 'auth' THEN
'INSERT INTO didkpi.rollup_auth AS r
        (day, service_code, channel, method, auth_n, auth_ok, ident_n, ident_ok,
         latency_n, events)
 SELECT (t.occurred_at AT TIME ZONE didkpi.rollup_zone())::date,
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
 SELECT (t.answered_at AT TIME ZONE didkpi.rollup_zone())::date,
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
