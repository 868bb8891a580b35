#!/bin/bash
# Day rollups (issue 9, item 2), the first identifications (schema 6),
# the months' latency pairs (schema 18) and people (schema 19), both
# rebuilt by refresh --pending:
# the KPIs from the rollups (sums, percentiles from the raw values, people
# from first_identification) are byte-identical
# to --raw on the demo and on random data, for every period form and
# breakdown, with and without --min-cell 0; writes through psql keep them
# exact; a rollup behind the raw data (triggers skipped) is detected and not
# used; didkpi refresh rebuilds it; another --tz reads the raw logs.
. "$(dirname "$0")/../lib.sh"

check_help refresh
run 64 "refresh: a bad --since" "$BIN" refresh --since 2025-13-01
K() { "$BIN" -d "$DB" kpi --format csv "$@"; }
BD=service,unit,channel,method
# every computation on two connections (lib/sibling.c), whatever its size:
# the rollup path, --raw and every form below with the families split
export DIDKPI_SECOND_ROWS=0
# the months' latency pairs whatever the months' size (the default reads
# them from 100 000 values a month; tested below)
export DIDKPI_PAIRS=0

# same WHAT ARGS...: the rollup path and --raw print the same bytes.
same() {
	local what=$1
	shift
	if ! K "$@" >"$W/roll" 2>"$W/roll.err"; then
		not_ok "$what" "kpi failed: $(head -c 500 "$W/roll.err")"; return
	fi
	K --raw "$@" >"$W/raw" 2>"$W/raw.err" || { not_ok "$what" "kpi --raw failed"; return; }
	if cmp -s "$W/roll" "$W/raw" && [ -s "$W/raw" ]; then ok "$what"; else
		not_ok "$what" "$(diff "$W/raw" "$W/roll" | head -10)"
	fi
}
# exact WHAT: the rollups hold exactly the aggregates of the raw rows.
exact() {
	local bad
	bad=$(q "$DBNAME" -c "
	WITH rq AS (SELECT day, service_code, channel, method, requests, single_window, completed
	              FROM didkpi.rollup_requests WHERE requests <> 0),
	     rq_raw AS (SELECT (submitted_at AT TIME ZONE 'Asia/Bangkok')::date, service_code,
	              channel, auth_method, count(*), count(*) FILTER (WHERE via_single_window),
	              count(*) FILTER (WHERE status = 'completed')
	              FROM didkpi.service_requests GROUP BY 1, 2, 3, 4),
	     au AS (SELECT day, service_code, channel, method, events, auth_n, auth_ok, ident_n,
	              ident_ok, latency_n FROM didkpi.rollup_auth WHERE events <> 0),
	     au_raw AS (SELECT (occurred_at AT TIME ZONE 'Asia/Bangkok')::date, service_code,
	              channel, method, count(*),
	              count(*) FILTER (WHERE step = 'authentication'),
	              count(*) FILTER (WHERE step = 'authentication' AND outcome = 'success'),
	              count(*) FILTER (WHERE step = 'identification'),
	              count(*) FILTER (WHERE step = 'identification' AND outcome = 'success'),
	              count(latency_ms) FILTER (WHERE step = 'authentication' AND outcome = 'success')
	              FROM didkpi.auth_events GROUP BY 1, 2, 3, 4),
	     cl AS (SELECT day, service_code, channel, completed
	              FROM didkpi.rollup_closed WHERE completed <> 0),
	     cl_raw AS (SELECT (closed_at AT TIME ZONE 'Asia/Bangkok')::date, service_code,
	              channel, count(*) FROM didkpi.service_requests
	              WHERE status = 'completed' GROUP BY 1, 2, 3),
	     sa AS (SELECT day, service_code, channel, n, score_sum, satisfied
	              FROM didkpi.rollup_satisfaction WHERE n <> 0),
	     sa_raw AS (SELECT (answered_at AT TIME ZONE 'Asia/Bangkok')::date, service_code,
	              channel, count(*), sum(score), count(*) FILTER (WHERE score >= 4)
	              FROM didkpi.satisfaction GROUP BY 1, 2, 3)
	     ,lh AS (SELECT month, latency_ms, n FROM didkpi.rollup_latency
	              WHERE n <> 0 AND month NOT IN (SELECT month FROM didkpi.rollup_latency_pending)),
	     lh_raw AS (SELECT * FROM (SELECT date_trunc('month', occurred_at AT TIME ZONE
	                                                     'Asia/Bangkok')::date AS month,
	              latency_ms, count(*) FROM didkpi.auth_events
	              WHERE step = 'authentication' AND outcome = 'success'
	                AND latency_ms IS NOT NULL GROUP BY 1, 2) x
	              WHERE x.month NOT IN (SELECT month FROM didkpi.rollup_latency_pending))
	     ,fi AS (SELECT * FROM didkpi.first_identification),
	     fi_raw AS (SELECT DISTINCT ON (user_key) user_key, occurred_at, event_id, service_code,
	              channel, method FROM didkpi.auth_events
	              WHERE step = 'identification' AND outcome = 'success' AND user_key IS NOT NULL
	              ORDER BY user_key, occurred_at, event_id COLLATE \"C\")
	     ,pu AS (SELECT date_trunc('month', r.submitted_at AT TIME ZONE 'Asia/Bangkok')::date AS month,
	              r.user_key, count(*) FILTER (WHERE c.is_digital) AS nd
	              FROM didkpi.service_requests r
	              JOIN didkpi.services s ON s.service_code = r.service_code
	              JOIN didkpi.channels c ON c.channel = r.channel
	              WHERE r.user_key IS NOT NULL GROUP BY 1, 2),
	     pe AS (SELECT month, active, enrolled, repeat, digital FROM didkpi.rollup_people
	              WHERE active <> 0 AND month NOT IN (SELECT month FROM didkpi.rollup_people_pending)),
	     pe_raw AS (SELECT pu.month, count(*),
	              count(*) FILTER (WHERE f.occurred_at < (pu.month + interval '1 month')
	                                                       AT TIME ZONE 'Asia/Bangkok'),
	              count(*) FILTER (WHERE pu.nd >= 2), count(*) FILTER (WHERE pu.nd >= 1)
	              FROM pu LEFT JOIN fi_raw f ON f.user_key = pu.user_key
	              WHERE pu.month NOT IN (SELECT month FROM didkpi.rollup_people_pending)
	              GROUP BY 1)
	SELECT (SELECT count(*) FROM (TABLE pe EXCEPT TABLE pe_raw) a)
	     + (SELECT count(*) FROM (TABLE pe_raw EXCEPT TABLE pe) a)
	     + (SELECT count(*) FROM (TABLE lh EXCEPT TABLE lh_raw) a)
	     + (SELECT count(*) FROM (TABLE lh_raw EXCEPT TABLE lh) a)
	     + (SELECT count(*) FROM (TABLE fi EXCEPT TABLE fi_raw) a)
	     + (SELECT count(*) FROM (TABLE fi_raw EXCEPT TABLE fi) a)
	     + (SELECT count(*) FROM (TABLE rq EXCEPT TABLE rq_raw) a)
	     + (SELECT count(*) FROM (TABLE rq_raw EXCEPT TABLE rq) a)
	     + (SELECT count(*) FROM (TABLE cl EXCEPT TABLE cl_raw) a)
	     + (SELECT count(*) FROM (TABLE cl_raw EXCEPT TABLE cl) a)
	     + (SELECT count(*) FROM (TABLE au EXCEPT TABLE au_raw) a)
	     + (SELECT count(*) FROM (TABLE au_raw EXCEPT TABLE au) a)
	     + (SELECT count(*) FROM (TABLE sa EXCEPT TABLE sa_raw) a)
	     + (SELECT count(*) FROM (TABLE sa_raw EXCEPT TABLE sa) a)")
	eq "$1" 0 "$bad"
}
# await_writer: until the session named didkpi_writer sleeps in its
# transaction (at most 5 s).
await_writer() {
	for _ in $(seq 50); do
		[ "$(q "$DBNAME" -c "SELECT count(*) FROM pg_stat_activity
		                      WHERE application_name = 'didkpi_writer'
		                        AND query LIKE '%pg_sleep%'")" = 1 ] && return
		sleep 0.1
	done
}
# pending: the months whose latency pairs wait for refresh --pending;
# ppending: whose people.
pending() { q "$DBNAME" -c "SELECT coalesce(string_agg(to_char(month, 'YYYY-MM'), ' ' ORDER BY month), '')
                             FROM didkpi.rollup_latency_pending"; }
ppending() { q "$DBNAME" -c "SELECT coalesce(string_agg(to_char(month, 'YYYY-MM'), ' ' ORDER BY month), '')
                              FROM didkpi.rollup_people_pending"; }

# ---- didkpi load: rollups in the load's transaction; duplicates once ----
newdb t_rollup_load
for rel in services service_requests auth_events satisfaction; do
	"$BIN" -d "$DB" load -q "$rel" "$TOP/tests/fixtures/kpi/$rel.csv" || not_ok "fixture $rel loads"
done
exact "after didkpi load: rollups equal the raw aggregates"
# the load marked the months it wrote; their medians come from the raw
# values until refresh --pending summarises them
eq "the load marked the fixture's months pending" "2025-01 2025-02 2025-03 2025-04" "$(pending)"
eq "the requests' load marked their months' people" \
	"$(q "$DBNAME" -c "SELECT string_agg(DISTINCT to_char(submitted_at AT TIME ZONE 'Asia/Bangkok',
	                                                       'YYYY-MM'), ' ')
	                     FROM didkpi.service_requests")" "$(ppending)"
same "fixture 2025-03, months pending: the raw values" --period 2025-03 --min-cell 0
same "fixture 2025-01..2025-05 -i month, months pending: the raw values" \
	--period 2025-01-01..2025-05-01 -i month --min-cell 0
run 0 "kpi -v with months pending" K -v --period 2025-01-01..2025-05-01 --min-cell 0
has "kpi -v says which read the raw values" "latencies of 3 month.s. were read from the raw events: their summaries wait for .didkpi refresh --pending." "$W/err"
run 0 "kpi -v -i month with months pending" K -v --period 2025-01-01..2025-05-01 -i month --min-cell 0
has "kpi -v says which months' people were counted from the requests" "the people of 3 month.s. were counted from the raw requests: they wait for .didkpi refresh --pending." "$W/err"
run 0 "refresh --pending" "$BIN" -d "$DB" refresh --pending -v
has "refresh --pending says how many months" "latencies of 4 month.s., people of 6 month.s." "$W/err"
eq "nothing pending after refresh --pending" "" "$(pending)"
exact "refresh --pending: the pairs equal the raw values"
run 0 "kpi -v with nothing pending" K -v --period 2025-01-01..2025-05-01 -i month --min-cell 0
lacks "nothing read from the raw values" "read from the raw events|from the raw requests" "$W/err"
eq "nothing pending after refresh --pending: people" "" "$(ppending)"
same "fixture 2025-03 from the pairs" --period 2025-03 --min-cell 0
same "fixture 2025-02..2025-05 -i month from the pairs" --period 2025-02-01..2025-05-01 -i month --min-cell 0
run 0 "refresh --pending with nothing pending" "$BIN" -d "$DB" refresh --pending -v
has "nothing to rebuild" "latencies of 0 month.s., people of 0 month.s." "$W/err"
run 64 "refresh --pending --since: usage" "$BIN" -d "$DB" refresh --pending --since 2025-01-01
has "--pending and --since named" "--pending and --since do not go together" "$W/err"
for rel in service_requests auth_events satisfaction; do
	"$BIN" -d "$DB" load -q "$rel" "$TOP/tests/fixtures/kpi/$rel.csv" || not_ok "fixture $rel loads again"
done
exact "loading the same files again (all duplicates) counts nothing twice"
same "fixture 2025-03 by $BD --min-cell 0" --period 2025-03 --by $BD --min-cell 0

# ---- the demo department ----
newdb t_rollup
run 0 "demo at scale 0.2" "$BIN" -d "$DB" demo --scale 0.2 --seed 3 --until 2025-09
eq "demo: its months summarised, none pending" "" "$(pending)"
eq "demo: its months' people counted, none pending" "" "$(ppending)"
exact "demo: rollups equal the raw aggregates"
for p in 2025-03 FY2568-Q2 FY2568 2024 2024-11-15..2025-02-10; do
	same "demo $p by $BD --min-cell 0" --period "$p" --by $BD --min-cell 0
	same "demo $p by $BD, default suppression" --period "$p" --by $BD
done
same "demo FY2568 -i month by $BD" --period FY2568 -i month --by $BD --min-cell 0
# Totals only (no --by): the additive sections' _all queries add the days
# up by period in the server (sql/rollup.sql#requests_all and the others).
for p in 2025-03 FY2568-Q2 "FY2568 -i month" 2024 2024-11-15..2025-02-10 "2025-03 -i day" "2025 -i week"; do
	# shellcheck disable=SC2086 # $p holds the period and its options
	same "demo $p, totals only" --period $p --min-cell 0
done
# Raw values read in two halves of the atoms' days at once (lib/kpi.c,
# DIDKPI_HALVES: from a million values; 0 here, so every array is read in
# halves): the same bytes, for atoms cut at the middle day, atoms wholly on
# either side, a single day (nothing to cut) and a range across months.
for p in "FY2568 -i month" "2025-03 -i day" 2025-03-05..=2025-03-05 2024-11-15..2025-02-10 "FY2568-Q2"; do
	# shellcheck disable=SC2086 # $p holds the period and its options
	DIDKPI_HALVES=0 same "demo $p in halves by $BD" --period $p --by $BD --min-cell 0
done
DIDKPI_HALVES=0 same "demo FY2568 in halves, totals only" --period FY2568 -i month --min-cell 0
# The service times are offered to the second connection once the
# requests' counts are in (their halves gate reads them); without the
# requests' family they are offered at once, and a second connection
# starts for two offered families alone.
for k in service_time_median_hours,auth_latency_median_ms service_time_p90_hours \
	service_time_median_hours,requests,active_users; do
	DIDKPI_HALVES=0 same "demo FY2568 -i month, --kpi $k, in halves" --period FY2568 -i month \
		--by $BD --min-cell 0 --kpi $k
	same "demo FY2568 -i month, --kpi $k" --period FY2568 -i month --min-cell 0 --kpi $k
done
run 0 "DIDKPI_HALVES not a number: a warning" env DIDKPI_HALVES=many "$BIN" -d "$DB" kpi \
	--period 2025-03 --format csv
has "the warning names the variable" "DIDKPI_HALVES='many' is not a number" "$W/err"
same "demo FY2568 -i quarter by $BD, suppressed" --period FY2568 -i quarter --by $BD
# ---- periods with a gap between: a workbook without a trend computes the
# previous month and the month a year before together (lib/kpi.c reads
# each run of its atoms apart); they equal kpi --raw of each month ----
printf '[sheet summary]\ntype = summary\n' >"$W/summary.ini"
run 0 "report: a summary without a trend" "$BIN" -d "$DB" report --template "$W/summary.ini" \
	--period 2025-03 --lang en -o "$W/summary.xlsx"
"$BIN" kpi --list -f csv --lang en >"$W/list.csv"
K --raw -p 2025-02 >"$W/prev.csv"
K --raw -p 2024-03 >"$W/yago.csv"
read -r n bad < <(/usr/bin/python3 "$TOP/tests/report/summary_periods.py" "$W/summary.xlsx" \
	"$W/list.csv" "$W/prev.csv" "$W/yago.csv" 2>"$W/py.err")
if [ "${n:-0}" -ge 30 ] && [ "$bad" = 0 ]; then
	ok "summary: previous month and a year before = kpi --raw ($n values)"
else
	not_ok "summary: previous month and a year before = kpi --raw" "$n $bad $(head -c 1000 "$W/py.err")"
fi
# ---- compare and the methods/channels charts read the rollups where they
# are current and the raw rows where not: the same bytes ----
views() {  # views TAG: compare's CSV and the two charts' SVG
	"$BIN" -d "$DB" compare --format csv >"$W/cmp.$1" 2>/dev/null || echo fail >>"$W/cmp.$1"
	"$BIN" -d "$DB" chart methods --count -p FY2568 -o "$W/methods.$1.svg" 2>/dev/null
	"$BIN" -d "$DB" chart channels --count -p FY2568 -o "$W/channels.$1.svg" 2>/dev/null
}
views rolled
q "$DBNAME" -c "UPDATE didkpi.rollup_state SET stale = true" >/dev/null
views raw
for v in cmp.rolled:cmp.raw methods.rolled.svg:methods.raw.svg channels.rolled.svg:channels.raw.svg; do
	a=${v%%:*} b=${v#*:}
	if [ -s "$W/$a" ] && cmp -s "$W/$a" "$W/$b"; then ok "rollups or raw rows: same $a"; else
		not_ok "rollups or raw rows: same $a" "$(diff "$W/$a" "$W/$b" | head -5)"; fi
done
run 0 "refresh clears the stale marks" "$BIN" -d "$DB" refresh
run 0 "kpi -v says nothing about stale rollups" K -v --period 2025-03
lacks "no stale warning" "rollup" "$W/err"

# ---- random writes through psql keep the rollups exact ----
# From a session in another time zone (Los Angeles: its days are not
# Bangkok's): the triggers count Bangkok days whatever the writer's zone
# (schema version 13 sets the zone on the trigger function).
q "$DBNAME" -c "
	SET TimeZone = 'America/Los_Angeles';
	DELETE FROM didkpi.auth_events WHERE event_id IN
	  (SELECT event_id FROM didkpi.auth_events ORDER BY md5(event_id) LIMIT 500);
	UPDATE didkpi.service_requests SET channel = 'kiosk', via_single_window = NOT via_single_window
	 WHERE request_id IN (SELECT request_id FROM didkpi.service_requests ORDER BY md5(request_id) LIMIT 300);
	UPDATE didkpi.service_requests SET status = 'rejected'
	 WHERE request_id IN (SELECT request_id FROM didkpi.service_requests
	                       WHERE status = 'completed' ORDER BY md5(request_id) LIMIT 200);
	UPDATE didkpi.service_requests SET closed_at = closed_at + interval '19 hours'
	 WHERE request_id IN (SELECT request_id FROM didkpi.service_requests
	                       WHERE status = 'completed' ORDER BY md5(request_id || 'c') LIMIT 200);
	UPDATE didkpi.service_requests SET status = 'completed', closed_at = submitted_at + interval '3 days'
	 WHERE request_id IN (SELECT request_id FROM didkpi.service_requests
	                       WHERE status = 'pending' ORDER BY md5(request_id) LIMIT 100);
	UPDATE didkpi.satisfaction SET score = 6 - score, answered_at = answered_at + interval '17 hours'
	 WHERE response_id IN (SELECT response_id FROM didkpi.satisfaction ORDER BY md5(response_id) LIMIT 300);
	INSERT INTO didkpi.auth_events
	SELECT 'rnd' || g, timestamptz '2024-10-01 00:00+07' + (random() * 365) * interval '1 day',
	       CASE WHEN random() < 0.9 THEN 'u' || (g % 97) END,
	       (ARRAY['identification', 'authentication'])[1 + (g % 2)],
	       (ARRAY['thaid', 'otp', 'face', 'password'])[1 + (g % 4)],
	       CASE WHEN random() < 0.8 THEN 'success' ELSE 'failure' END, NULL,
	       CASE WHEN random() < 0.9 THEN (random() * 900)::int END,
	       (ARRAY['web', 'mobile', 'counter', 'kiosk'])[1 + (g % 4)],
	       (SELECT service_code FROM didkpi.services ORDER BY service_code OFFSET g % 5 LIMIT 1)
	  FROM generate_series(1, 3000) g;" >/dev/null 2>"$W/err" || not_ok "random psql writes" "$(cat "$W/err")"
exact "after psql INSERT, UPDATE, DELETE: rollups equal the raw aggregates"
# first identifications: earlier ones for known people (one tying on the
# time, won by the smaller event_id in byte order), the first of others
# deleted, moved to another person or later
q "$DBNAME" -c "
	INSERT INTO didkpi.auth_events (event_id, occurred_at, user_key, step, method, outcome, channel)
	SELECT 'early-' || f.user_key, f.occurred_at - interval '40 days', f.user_key,
	       'identification', 'thaid', 'success', 'web'
	  FROM didkpi.first_identification f ORDER BY md5(f.user_key) LIMIT 200;
	INSERT INTO didkpi.auth_events (event_id, occurred_at, user_key, step, method, outcome, channel)
	SELECT 'A-tie-' || f.user_key, f.occurred_at, f.user_key, 'identification', 'otp', 'success',
	       'kiosk'
	  FROM didkpi.first_identification f ORDER BY md5(f.user_key || 'x') LIMIT 100;
	DELETE FROM didkpi.auth_events WHERE event_id IN
	  (SELECT event_id FROM didkpi.first_identification ORDER BY md5(event_id) LIMIT 150);
	UPDATE didkpi.auth_events SET user_key = 'moved-' || (length(event_id) % 7)
	 WHERE event_id IN (SELECT event_id FROM didkpi.first_identification
	                     ORDER BY md5(event_id || 'm') LIMIT 100);
	UPDATE didkpi.auth_events SET occurred_at = occurred_at + interval '90 days'
	 WHERE event_id IN (SELECT event_id FROM didkpi.first_identification
	                     ORDER BY md5(event_id || 'l') LIMIT 100);" >/dev/null 2>"$W/err" ||
	not_ok "first-identification writes" "$(cat "$W/err")"
exact "after moving first identifications: first_identification equals the raw firsts"
same "first identifications moved: 2025-03 by $BD" --period 2025-03 --by $BD --min-cell 0
same "first identifications moved: FY2568 -i month" --period FY2568 -i month --min-cell 0

# ---- unknown codes (written past the loader): counted from the rollups
# as from the raw rows ----
q "$DBNAME" -c "
	INSERT INTO didkpi.auth_events (event_id, occurred_at, user_key, step, method, outcome, channel)
	VALUES ('unk1', '2025-03-05 10:00+07', 'uu', 'authentication', 'no-such-method', 'success', 'web'),
	       ('unk2', '2025-03-06 10:00+07', 'uu', 'authentication', 'otp', 'success', 'no-such-channel');" \
	>/dev/null
run 0 "kpi warns of unknown codes (rollups)" K --period 2025-03
has "the rollup path counts both rows" "2025-03: 2 rows of auth_events have an unknown" "$W/err"
# the warning comes from the second connection while the first computes
# (DIDKPI_SECOND_ROWS=0 above), once; on one connection, from the first
eq "warned once (two connections)" 1 "$(grep -c 'rows of auth_events have an unknown' "$W/err")"
DIDKPI_SECOND_ROWS=1000000000 run 0 "kpi on one connection warns of unknown codes" \
	K --period 2025-03 -v
has "one connection: the warning" "2025-03: 2 rows of auth_events have an unknown" "$W/err"
has "one connection indeed" "computing on one connection" "$W/err"
run 0 "report warns of unknown codes" "$BIN" -d "$DB" report --period 2025-03 -o "$W/unknown.xlsx"
eq "the report warned once" 1 "$(grep -c '2025-03: 2 rows of auth_events have an unknown' "$W/err")"
# a request and an answer of an unknown service too: the totals count
# them as the raw path does (the service's rows nowhere, the events'
# everywhere), by breakdown and totals only
q "$DBNAME" -c "
	INSERT INTO didkpi.service_requests (request_id, service_code, user_key, channel,
	       via_single_window, auth_method, submitted_at, closed_at, status)
	VALUES ('unk3', 'no-such-service', 'uu', 'web', false, 'otp', '2025-03-07 10:00+07',
	        '2025-03-08 10:00+07', 'completed');
	INSERT INTO didkpi.satisfaction (response_id, request_id, service_code, channel, answered_at, score)
	VALUES ('unk4', 'unk3', 'no-such-service', 'web', '2025-03-08 11:00+07', 5);" >/dev/null
for p in 2025-03 "FY2568 -i month"; do
	# shellcheck disable=SC2086 # $p holds the period and its options
	same "unknown codes $p, totals only" --period $p --min-cell 0
	# shellcheck disable=SC2086
	same "unknown codes $p by $BD" --period $p --by $BD --min-cell 0
done
q "$DBNAME" -c "DELETE FROM didkpi.auth_events WHERE event_id IN ('unk1', 'unk2');
	DELETE FROM didkpi.satisfaction WHERE response_id = 'unk4';
	DELETE FROM didkpi.service_requests WHERE request_id = 'unk3'" >/dev/null
for p in 2025-03 FY2568; do
	same "random data $p by $BD --min-cell 0" --period "$p" --by $BD --min-cell 0
done
same "random data FY2568 -i month by $BD" --period FY2568 -i month --by $BD
DIDKPI_HALVES=0 same "random data FY2568 -i month by $BD, in halves" --period FY2568 -i month \
	--by $BD --min-cell 0

# ---- session_replication_role = replica does not skip the triggers ----
q "$DBNAME" -c "SET session_replication_role = replica;
	INSERT INTO didkpi.auth_events (event_id, occurred_at, user_key, step, method, outcome,
	       latency_ms, channel) VALUES
	('replica1', '2025-03-11 10:00+07', 'ux', 'authentication', 'otp', 'success', 40, 'web');" >/dev/null
exact "a write in replica mode is counted (ENABLE ALWAYS triggers)"

# ---- a write while the triggers were disabled: detected, not used ----
K --raw --period 2025-03 --min-cell 0 >"$W/before"
q "$DBNAME" -c "ALTER TABLE didkpi.auth_events DISABLE TRIGGER rollup_ins;
	INSERT INTO didkpi.auth_events (event_id, occurred_at, user_key, step, method, outcome,
	       latency_ms, channel) VALUES
	('stale1', '2025-03-10 10:00+07', 'ux', 'authentication', 'otp', 'failure', NULL, 'web');
	ALTER TABLE didkpi.auth_events ENABLE ALWAYS TRIGGER rollup_ins;" >/dev/null
run 0 "kpi after a write with the trigger disabled" K -v --period 2025-03 --by $BD --min-cell 0
has "the stale rollup is reported" "rollup of auth_events is stale" "$W/err"
has "with the refresh hint" "didkpi refresh" "$W/err"
cp "$W/out" "$W/stale"
K --raw --period 2025-03 --by $BD --min-cell 0 >"$W/raw"
if cmp -s "$W/stale" "$W/raw"; then ok "the stale rollup is not used: output = --raw"; else
	not_ok "the stale rollup is not used: output = --raw" "$(diff "$W/raw" "$W/stale" | head)"; fi
if cmp -s "$W/before" <(K --raw --period 2025-03 --min-cell 0); then
	not_ok "the unseen write changes the raw numbers"; else ok "the unseen write changes the raw numbers"; fi
q "$DBNAME" -c "
	INSERT INTO didkpi.auth_events (event_id, occurred_at, user_key, step, method, outcome, channel)
	VALUES ('unk3', '2025-03-05 11:00+07', 'uu', 'authentication', 'no-such-method', 'success', 'web');" \
	>/dev/null
run 0 "kpi warns of unknown codes (stale rollup: raw rows)" K --period 2025-03
has "the raw path counts the row" "2025-03: 1 row of auth_events has an unknown" "$W/err"
q "$DBNAME" -c "DELETE FROM didkpi.auth_events WHERE event_id = 'unk3'" >/dev/null
run 0 "refresh --since" "$BIN" -d "$DB" refresh --since 2025-03-01
exact "refresh --since rebuilt the rollups"
q "$DBNAME" -c "SET TimeZone = 'Pacific/Auckland'; SELECT didkpi.rollup_refresh('2025-02-01')" \
	>/dev/null 2>"$W/err" || not_ok "rollup_refresh from another zone" "$(cat "$W/err")"
exact "rollup_refresh() from a session in Auckland time: Bangkok days"
run 0 "kpi after a partial refresh" K -v --period 2025-03
has "a partial refresh does not clear the stale mark" "rollup of auth_events is stale" "$W/err"
run 0 "full refresh" "$BIN" -d "$DB" refresh
run 0 "kpi after a full refresh" K -v --period 2025-03
lacks "no stale warning after a full refresh" "stale|not maintained" "$W/err"
same "rollups used again after refresh" --period 2025-03 --by $BD --min-cell 0
q "$DBNAME" -c "ALTER TABLE didkpi.satisfaction DISABLE TRIGGER rollup_ins" >/dev/null
run 0 "kpi with a disabled rollup trigger" K -v --period 2025-03
has "a disabled trigger is reported" "rollup of satisfaction is not maintained" "$W/err"
q "$DBNAME" -c "ALTER TABLE didkpi.satisfaction ENABLE ALWAYS TRIGGER rollup_ins" >/dev/null
run 0 "kpi after re-enabling" K -v --period 2025-03
has "re-enabled is still stale until refreshed" "rollup of satisfaction is stale" "$W/err"
# a completed request written past the requests' triggers: the costs (by
# closing day, rollup_closed) come from the raw requests too
K --raw --period 2025-03 --by $BD --min-cell 0 >"$W/before"
q "$DBNAME" -c "ALTER TABLE didkpi.service_requests DISABLE TRIGGER rollup_ins;
	INSERT INTO didkpi.service_requests (request_id, service_code, user_key, channel,
	       via_single_window, auth_method, submitted_at, closed_at, status)
	SELECT 'stale-rq', min(service_code), 'ux', 'counter', false, NULL,
	       '2025-02-27 09:00+07', '2025-03-04 09:00+07', 'completed' FROM didkpi.services;
	ALTER TABLE didkpi.service_requests ENABLE ALWAYS TRIGGER rollup_ins;" >/dev/null
run 0 "kpi after a request written with the trigger disabled" K -v --period 2025-03 --by $BD --min-cell 0
has "the stale requests rollup is reported" "rollup of service_requests is stale" "$W/err"
cp "$W/out" "$W/stale"
K --raw --period 2025-03 --by $BD --min-cell 0 >"$W/raw"
if cmp -s "$W/stale" "$W/raw"; then ok "stale requests rollup not used (costs too): output = --raw"; else
	not_ok "stale requests rollup not used (costs too): output = --raw" "$(diff "$W/raw" "$W/stale" | head)"; fi
if diff "$W/before" "$W/raw" | grep -q "cost_per_transaction"; then
	ok "the unseen request changes the raw costs"; else not_ok "the unseen request changes the raw costs"; fi
run 0 "refresh of everything" "$BIN" -d "$DB" refresh
exact "full refresh: rollups equal the raw aggregates"

# ---- upgrading to schema 10 keeps a disabled requests trigger disabled
# (even where no event trigger marked the rollup stale: stale reset here
# by hand), so the rollups it did not keep are still not used ----
q "$DBNAME" -c "ALTER TABLE didkpi.service_requests DISABLE TRIGGER rollup_upd;
	UPDATE didkpi.rollup_state SET stale = false;
	DELETE FROM didkpi.schema_version WHERE version >= 10" >/dev/null
run 0 "init re-applies schema 10 and later" "$BIN" -d "$DB" init
eq "the disabled trigger stays disabled" "rollup_del:A rollup_ins:A rollup_trunc:A rollup_upd:D" \
	"$(q "$DBNAME" -c "SELECT string_agg(tgname || ':' || tgenabled::text, ' ' ORDER BY tgname)
	                      FROM pg_trigger WHERE tgrelid = 'didkpi.service_requests'::regclass
	                       AND tgname LIKE 'rollup%'")"
eq "every requests trigger keeps both rollups" 4 \
	"$(q "$DBNAME" -c "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'didkpi.service_requests'::regclass
	                      AND tgname LIKE 'rollup%' AND tgnargs = 2")"
run 0 "kpi after the upgrade" K -v --period 2025-03 --by $BD --min-cell 0
has "the unkept rollup is reported" "rollup of service_requests is not maintained" "$W/err"
K --raw --period 2025-03 --by $BD --min-cell 0 >"$W/raw"
if cmp -s "$W/out" "$W/raw"; then ok "after the upgrade: output = --raw"; else
	not_ok "after the upgrade: output = --raw" "$(diff "$W/raw" "$W/out" | head)"; fi
q "$DBNAME" -c "ALTER TABLE didkpi.service_requests ENABLE ALWAYS TRIGGER rollup_upd" >/dev/null
run 0 "refresh after re-enabling" "$BIN" -d "$DB" refresh
exact "upgrade, re-enable, refresh: rollups equal the raw aggregates"
same "rollups used again after the upgrade" --period 2025-03 --by $BD --min-cell 0

# ---- the latency pairs: written, marked, read only where whole ----
# psql writes mark the months they touch: an insert its month, an update
# the old and the new one, a delete its month
q "$DBNAME" -c "INSERT INTO didkpi.auth_events (event_id, occurred_at, user_key, step, method,
	       outcome, latency_ms, channel) VALUES
	('lp1', '2025-01-10 10:00+07', 'ux', 'authentication', 'otp', 'success', 4321, 'web')" >/dev/null
eq "an insert marks its month" "2025-01" "$(pending)"
q "$DBNAME" -c "UPDATE didkpi.auth_events SET occurred_at = '2024-12-31 23:30+07'
	 WHERE event_id = 'lp1'" >/dev/null
eq "an update marks the old and the new month" "2024-12 2025-01" "$(pending)"
exact "marked months: the other months' pairs still exact"
same "2024-12..2025-02 -i month, two months pending" --period 2024-12-01..2025-03-01 -i month --min-cell 0
run 0 "refresh --pending after the update" "$BIN" -d "$DB" refresh --pending
exact "refresh --pending: exact again"
q "$DBNAME" -c "DELETE FROM didkpi.auth_events WHERE event_id = 'lp1'" >/dev/null
eq "a delete marks its month" "2024-12" "$(pending)"
run 0 "refresh --pending after the delete" "$BIN" -d "$DB" refresh --pending
exact "refresh --pending after the delete: exact"
# A pair made wrong by hand shows where the pairs are read: a month, a
# quarter and a trend by month (totals) move off --raw; a range not of
# whole months, a week and a breakdown do not; and not a month marked
# pending, whose raw values are read until refresh --pending.
q "$DBNAME" -c "UPDATE didkpi.rollup_latency SET n = n + 100000
	 WHERE (month, latency_ms) = (SELECT month, max(latency_ms) FROM didkpi.rollup_latency
	                               WHERE month = '2025-03-01' GROUP BY 1)" >/dev/null
for p in 2025-03 FY2568-Q2 "FY2568 -i month"; do
	# shellcheck disable=SC2086 # $p holds the period and its options
	K --period $p --min-cell 0 --kpi auth_latency_median_ms >"$W/roll" 2>"$W/err" &&
		# shellcheck disable=SC2086
		K --raw --period $p --min-cell 0 --kpi auth_latency_median_ms >"$W/raw" 2>>"$W/err" ||
		not_ok "$p: kpi" "$(head -c 300 "$W/err")"
	if [ ! -s "$W/raw" ] || cmp -s "$W/roll" "$W/raw"; then
		not_ok "$p, totals: the median from the pairs"; else
		ok "$p, totals: the median from the pairs"; fi
done
same "2025-03-02..2025-04-01: raw values" --period 2025-03-02..2025-04-01 --kpi auth_latency_median_ms
same "2025-03-01..=2025-03-30: raw values" --period 2025-03-01..=2025-03-30 --kpi auth_latency_median_ms
same "2025-W11: raw values" --period 2025-W11 --kpi auth_latency_median_ms
same "2025-03 by method: raw values" --period 2025-03 --by method --kpi auth_latency_median_ms
same "--raw is never the pairs" --period 2025-03 --raw --kpi auth_latency_median_ms
# with the default threshold, the demo's small months read their values
DIDKPI_PAIRS='' same "default DIDKPI_PAIRS: 2025-03 from the values" --period 2025-03 \
	--kpi auth_latency_median_ms
DIDKPI_PAIRS='' same "default DIDKPI_PAIRS: FY2568 -i month from the values" --period FY2568 -i month \
	--kpi auth_latency_median_ms
run 0 "DIDKPI_PAIRS not a number: a warning" env DIDKPI_PAIRS=-3 "$BIN" -d "$DB" kpi \
	--period 2025-03 --format csv
has "the warning names DIDKPI_PAIRS" "DIDKPI_PAIRS='-3' is not a number" "$W/err"
q "$DBNAME" -c "INSERT INTO didkpi.auth_events (event_id, occurred_at, user_key, step, method,
	       outcome, channel) VALUES ('lp2', '2025-03-10 10:00+07', 'ux', 'identification', 'otp',
	       'failure', 'web')" >/dev/null
eq "a write without a latency marks its month too" "2025-03" "$(pending)"
same "2025-03 pending: the wrong pair is not read" --period 2025-03 --kpi auth_latency_median_ms
same "FY2568 -i month, March pending: the wrong pair is not read" --period FY2568 -i month \
	--kpi auth_latency_median_ms
run 0 "refresh --pending rebuilds the wrong month" "$BIN" -d "$DB" refresh --pending
exact "the wrong pair rebuilt"
same "the pairs right again: 2025-03" --period 2025-03 --kpi auth_latency_median_ms
# A writer in flight when refresh --pending starts: the refresh waits for
# it (SHARE lock on auth_events), so its month is rebuilt with its value,
# or, had the writer come after, marked again; never cleared and missing.
q "$DBNAME" -c "INSERT INTO didkpi.rollup_latency_pending VALUES ('2025-02-01')" >/dev/null
PGAPPNAME=didkpi_writer q "$DBNAME" -c "BEGIN;
	INSERT INTO didkpi.auth_events (event_id, occurred_at, user_key, step, method, outcome,
	       latency_ms, channel) VALUES
	('lp3', '2025-02-11 10:00+07', 'ux', 'authentication', 'otp', 'success', 65432, 'web');
	SELECT pg_sleep(2); COMMIT" >/dev/null &
writer=$!
await_writer
run 0 "refresh --pending while a writer is in flight" "$BIN" -d "$DB" refresh --pending
wait "$writer" || not_ok "the concurrent writer committed"
eq "nothing pending: the refresh waited for the writer" "" "$(pending)"
eq "the writer's value is in its month's pairs" "1" \
	"$(q "$DBNAME" -c "SELECT n FROM didkpi.rollup_latency WHERE month = '2025-02-01' AND latency_ms = 65432")"
exact "refresh --pending with a concurrent writer: exact"
q "$DBNAME" -c "DELETE FROM didkpi.auth_events WHERE event_id = 'lp3'" >/dev/null
# two refreshes at once: one rebuilds the marked months, the other waits
# and finds nothing left (no month rebuilt twice, no duplicate pair)
q "$DBNAME" -c "INSERT INTO didkpi.rollup_latency_pending VALUES ('2024-11-01'), ('2025-01-01'),
	('2025-03-01') ON CONFLICT DO NOTHING" >/dev/null
"$BIN" -d "$DB" refresh --pending -v 2>"$W/r1" &
r1=$!
"$BIN" -d "$DB" refresh --pending -v 2>"$W/r2"
r2=$?
wait "$r1"
eq "two concurrent refresh --pending both succeed" "0 0" "$? $r2"
eq "one rebuilt the months, the other nothing" "0 4" \
	"$(cat "$W/r1" "$W/r2" | sed -n 's/.*latencies of \([0-9]*\) month.*/\1/p' | sort -n | tr '\n' ' ' | sed 's/ $//')"
exact "after two concurrent refreshes: exact"
# refresh --since a day inside a month rebuilds that month's pairs whole
# and clears its mark: a value written past the trigger on the 20th
q "$DBNAME" -c "ALTER TABLE didkpi.auth_events DISABLE TRIGGER rollup_ins;
	INSERT INTO didkpi.auth_events (event_id, occurred_at, user_key, step, method, outcome,
	       latency_ms, channel) VALUES
	('stale2', '2025-03-20 10:00+07', 'ux', 'authentication', 'otp', 'success', 77777, 'web');
	ALTER TABLE didkpi.auth_events ENABLE ALWAYS TRIGGER rollup_ins;" >/dev/null
q "$DBNAME" -c "INSERT INTO didkpi.rollup_latency_pending VALUES ('2025-04-01'), ('2024-10-01')" >/dev/null
run 0 "refresh --since inside a month" "$BIN" -d "$DB" refresh --since 2025-03-15
eq "refresh --since clears the marks from its month on" "2024-10" "$(pending)"
exact "refresh --since 2025-03-15: the month's latency pairs whole again"
run 0 "full refresh" "$BIN" -d "$DB" refresh
eq "a full refresh clears every mark" "" "$(pending)"

# ---- the months' people (schema 19): marked by what they depend on,
# read only for periods of one whole month, totals only ----
# months_from M: the months with people counted from month M on
months_from() { q "$DBNAME" -c "SELECT coalesce(string_agg(to_char(month, 'YYYY-MM'), ' ' ORDER BY month), '')
                                  FROM didkpi.rollup_people WHERE month >= '$1'"; }
# enrolled M: the enrolled users counted for month M
enrolled() { q "$DBNAME" -c "SELECT enrolled FROM didkpi.rollup_people WHERE month = '$1'"; }
eq "nothing pending before the people's tests" "" "$(ppending)"
SVC=$(q "$DBNAME" -c "SELECT min(service_code) FROM didkpi.services")
q "$DBNAME" -c "INSERT INTO didkpi.service_requests (request_id, service_code, user_key, channel,
	       via_single_window, auth_method, submitted_at, closed_at, status)
	VALUES ('pp1', '$SVC', 'pp-user', 'web', false, 'otp', '2025-01-10 10:00+07', NULL, 'pending')" >/dev/null
eq "a request marks its month's people" "2025-01" "$(ppending)"
q "$DBNAME" -c "UPDATE didkpi.service_requests SET submitted_at = '2024-12-31 23:30+07'
	 WHERE request_id = 'pp1'" >/dev/null
eq "an update marks the old and the new month" "2024-12 2025-01" "$(ppending)"
exact "people marked: the other months still exact"
same "2024-12..2025-02 -i month, people pending" --period 2024-12-01..2025-03-01 -i month --min-cell 0
run 0 "refresh --pending counts them" "$BIN" -d "$DB" refresh --pending -v
has "the people of two months" "people of 2 month.s." "$W/err"
exact "refresh --pending: people exact again"
q "$DBNAME" -c "DELETE FROM didkpi.service_requests WHERE request_id = 'pp1'" >/dev/null
eq "a delete marks its month" "2024-12" "$(ppending)"
run 0 "refresh --pending after the delete" "$BIN" -d "$DB" refresh --pending
# A first identification earlier than a person's own: every month from
# its own is marked (the person is enrolled from then on), and counted
# again by refresh --pending: one more enrolled user in March.
PU=$(q "$DBNAME" -c "SELECT min(r.user_key) FROM didkpi.service_requests r
	  JOIN didkpi.services s ON s.service_code = r.service_code
	 WHERE r.submitted_at >= '2025-03-01 00:00+07' AND r.submitted_at < '2025-04-01 00:00+07'
	   AND r.user_key IS NOT NULL
	   AND NOT EXISTS (SELECT FROM didkpi.first_identification f
	                    WHERE f.user_key = r.user_key AND f.occurred_at < '2025-04-01 00:00+07')")
if [ -n "$PU" ]; then ok "a person active in March, not identified by its end"; else
	not_ok "a person active in March, not identified by its end"; fi
before=$(enrolled 2025-03-01)
q "$DBNAME" -c "INSERT INTO didkpi.auth_events (event_id, occurred_at, user_key, step, method,
	       outcome, channel) VALUES
	('pp-ident', '2025-02-03 10:00+07', '$PU', 'identification', 'thaid', 'success', 'web')" >/dev/null
eq "an earlier first identification marks every month from its own" "$(months_from 2025-02-01)" "$(ppending)"
same "first identification earlier, months pending: FY2568 -i month" --period FY2568 -i month --min-cell 0
same "first identification earlier, months pending: 2025-03" --period 2025-03 --min-cell 0
run 0 "refresh --pending after the identification" "$BIN" -d "$DB" refresh --pending
eq "March counts one more enrolled user" "$((before + 1))" "$(enrolled 2025-03-01)"
exact "people after an earlier identification: exact"
same "the person enrolled: FY2568 -i month" --period FY2568 -i month --min-cell 0
q "$DBNAME" -c "UPDATE didkpi.auth_events SET occurred_at = '2025-05-03 10:00+07'
	 WHERE event_id = 'pp-ident'" >/dev/null
eq "an identification moved later marks from the earlier instant" "$(months_from 2025-02-01)" "$(ppending)"
run 0 "refresh --pending after the move" "$BIN" -d "$DB" refresh --pending
eq "March back to its enrolled users" "$before" "$(enrolled 2025-03-01)"
q "$DBNAME" -c "DELETE FROM didkpi.auth_events WHERE event_id = 'pp-ident'" >/dev/null
eq "a deleted identification marks from its instant" "$(months_from 2025-05-01)" "$(ppending)"
run 0 "refresh --pending after the delete" "$BIN" -d "$DB" refresh --pending
exact "people after a deleted identification: exact"
# the lookups: a channel's digital flag marks every month, its label
# nothing; a service named by requests (written while unknown) every
# month, a service nobody uses nothing
q "$DBNAME" -c "UPDATE didkpi.channels SET is_digital = NOT is_digital WHERE channel = 'kiosk'" >/dev/null
eq "a channel's digital flag marks every month" "$(months_from 1900-01-01)" "$(ppending)"
same "kiosk digital, months pending: FY2568 -i month" --period FY2568 -i month --min-cell 0
run 0 "refresh --pending after the flag" "$BIN" -d "$DB" refresh --pending
exact "people with kiosk digital: exact"
same "kiosk digital, counted: FY2568 -i month" --period FY2568 -i month --min-cell 0
q "$DBNAME" -c "UPDATE didkpi.channels SET is_digital = NOT is_digital WHERE channel = 'kiosk';
	UPDATE didkpi.channels SET name_en = name_en || ' ' WHERE channel = 'web'" >/dev/null
run 0 "refresh --pending after the flag back" "$BIN" -d "$DB" refresh --pending
q "$DBNAME" -c "UPDATE didkpi.channels SET name_en = rtrim(name_en) WHERE channel = 'web'" >/dev/null
eq "a channel's label marks nothing" "" "$(ppending)"
q "$DBNAME" -c "UPDATE didkpi.services SET name_en = name_en || ' ', owner_unit = owner_unit
	 WHERE service_code = '$SVC'" >/dev/null
eq "a used service's new name marks nothing" "" "$(ppending)"
q "$DBNAME" -c "UPDATE didkpi.services SET name_en = rtrim(name_en) WHERE service_code = '$SVC'" >/dev/null
q "$DBNAME" -c "INSERT INTO didkpi.service_requests (request_id, service_code, user_key, channel,
	       via_single_window, auth_method, submitted_at, closed_at, status)
	VALUES ('pp2', 'pp-late-service', 'pp-user2', 'web', false, 'otp', '2025-03-07 10:00+07', NULL,
	        'pending')" >/dev/null
run 0 "refresh --pending after a request of an unknown service" "$BIN" -d "$DB" refresh --pending
q "$DBNAME" -c "INSERT INTO didkpi.services (service_code, name_th, name_en, owner_unit, is_eservice)
	VALUES ('pp-unused', 'x', 'x', 'x', true)" >/dev/null
eq "a service nobody uses marks nothing" "" "$(ppending)"
q "$DBNAME" -c "INSERT INTO didkpi.services (service_code, name_th, name_en, owner_unit, is_eservice)
	SELECT 'pp-late-service', name_th, name_en, owner_unit, is_eservice FROM didkpi.services
	 WHERE service_code = '$SVC'" >/dev/null
eq "a service its requests name marks every month" "$(months_from 1900-01-01)" "$(ppending)"
same "the service known, months pending: 2025-03" --period 2025-03 --min-cell 0
run 0 "refresh --pending after the service" "$BIN" -d "$DB" refresh --pending
exact "people with the late service: exact"
same "the service known, counted: 2025-03" --period 2025-03 --min-cell 0
q "$DBNAME" -c "DELETE FROM didkpi.service_requests WHERE request_id = 'pp2';
	DELETE FROM didkpi.services WHERE service_code IN ('pp-late-service', 'pp-unused')" >/dev/null
run 0 "refresh --pending after the cleanup" "$BIN" -d "$DB" refresh --pending
# A month's counts made wrong by hand show where they are read: a month
# and a trend by month (totals); not a quarter, a year, a week, a range
# not of whole months, a breakdown, --raw, nor a month marked pending.
q "$DBNAME" -c "UPDATE didkpi.rollup_people SET active = active + 1000, enrolled = enrolled + 7
	 WHERE month = '2025-03-01'" >/dev/null
for p in 2025-03 "FY2568 -i month" "2025-03-01..=2025-03-31"; do
	# shellcheck disable=SC2086 # $p holds the period and its options
	K --period $p --min-cell 0 --kpi active_users,digital_id_enrolment_rate >"$W/roll" 2>"$W/err" &&
		# shellcheck disable=SC2086
		K --raw --period $p --min-cell 0 --kpi active_users,digital_id_enrolment_rate >"$W/raw" 2>>"$W/err" ||
		not_ok "$p: kpi" "$(head -c 300 "$W/err")"
	if [ ! -s "$W/raw" ] || cmp -s "$W/roll" "$W/raw"; then
		not_ok "$p, totals: the people counted by month"; else
		ok "$p, totals: the people counted by month"; fi
done
for p in FY2568-Q2 FY2568 2025-W11 2025-03-02..2025-04-01 "FY2568 -i quarter"; do
	# shellcheck disable=SC2086 # $p holds the period and its options
	same "$p: people from the requests" --period $p --min-cell 0 --kpi active_users,digital_id_enrolment_rate
done
same "2025-03 by service: people from the requests" --period 2025-03 --by service --min-cell 0
q "$DBNAME" -c "INSERT INTO didkpi.rollup_people_pending VALUES ('2025-03-01')" >/dev/null
same "2025-03 pending: the wrong counts are not read" --period 2025-03 --min-cell 0
same "FY2568 -i month, March pending: the wrong counts are not read" --period FY2568 -i month --min-cell 0
run 0 "refresh --pending recounts the wrong month" "$BIN" -d "$DB" refresh --pending
exact "the wrong counts recounted"
# A request writer in flight when refresh --pending starts: the refresh
# waits for it (the requests are locked too), so its month is counted
# with the writer's person, never cleared without them.
q "$DBNAME" -c "INSERT INTO didkpi.rollup_people_pending VALUES ('2025-02-01')" >/dev/null
PGAPPNAME=didkpi_writer q "$DBNAME" -c "BEGIN;
	INSERT INTO didkpi.service_requests (request_id, service_code, user_key, channel,
	       via_single_window, auth_method, submitted_at, closed_at, status)
	VALUES ('pp3', '$SVC', 'pp-writer', 'web', false, 'otp', '2025-02-11 10:00+07', NULL, 'pending');
	SELECT pg_sleep(2); COMMIT" >/dev/null &
writer=$!
await_writer
run 0 "refresh --pending while a request writer is in flight" "$BIN" -d "$DB" refresh --pending
wait "$writer" || not_ok "the concurrent request writer committed"
eq "nothing pending: the refresh waited for the request writer" "" "$(ppending)"
exact "refresh --pending with a concurrent request writer: people exact"
q "$DBNAME" -c "DELETE FROM didkpi.service_requests WHERE request_id = 'pp3'" >/dev/null
run 0 "refresh --pending after the writer's request" "$BIN" -d "$DB" refresh --pending
# A lookup's people trigger disabled: the requests' rollup is not used
# (the people it keeps would miss the change), reported, until a full
# refresh, as for the log relations' own triggers.
q "$DBNAME" -c "ALTER TABLE didkpi.channels DISABLE TRIGGER rollup_people_upd;
	UPDATE didkpi.channels SET is_digital = NOT is_digital WHERE channel = 'kiosk'" >/dev/null
eq "a flag changed past the disabled trigger marks nothing" "" "$(ppending)"
run 0 "kpi with a lookup's people trigger disabled" K -v --period 2025-03 --min-cell 0
has "the requests' rollup is reported" "rollup of service_requests is not maintained" "$W/err"
same "lookup trigger disabled: 2025-03 = --raw" --period 2025-03 --min-cell 0
same "lookup trigger disabled: FY2568 -i month = --raw" --period FY2568 -i month --min-cell 0
q "$DBNAME" -c "ALTER TABLE didkpi.channels ENABLE ALWAYS TRIGGER rollup_people_upd" >/dev/null
run 0 "kpi after re-enabling the lookup trigger" K -v --period 2025-03 --min-cell 0
has "still stale until refreshed" "rollup of service_requests is stale" "$W/err"
same "re-enabled, stale: 2025-03 = --raw" --period 2025-03 --min-cell 0
run 0 "a full refresh after the lookup trigger" "$BIN" -d "$DB" refresh
exact "full refresh: people with kiosk's new flag exact"
q "$DBNAME" -c "UPDATE didkpi.channels SET is_digital = NOT is_digital WHERE channel = 'kiosk'" >/dev/null
run 0 "refresh --pending after kiosk's flag back" "$BIN" -d "$DB" refresh --pending
exact "kiosk's flag back: people exact"
# refresh (full or --since) counts every month again and clears the marks
q "$DBNAME" -c "UPDATE didkpi.rollup_people SET repeat = repeat + 3 WHERE month = '2024-11-01';
	INSERT INTO didkpi.rollup_people_pending VALUES ('2025-04-01')" >/dev/null
run 0 "refresh --since recounts every month's people" "$BIN" -d "$DB" refresh --since 2025-03-15
eq "refresh --since clears the people's marks" "" "$(ppending)"
exact "refresh --since: people exact, before its day too"

# ---- periods in another zone: the raw logs ----
same "--tz UTC: same as raw" --period 2025-03 --tz UTC --by $BD --min-cell 0
run 0 "--tz UTC -v" K -v --period 2025-03 --tz UTC
has "another zone reads the raw logs" "periods in another time zone" "$W/err"

# ---- TRUNCATE empties the rollups ----
q "$DBNAME" -c "TRUNCATE didkpi.satisfaction" >/dev/null
eq "truncate empties the satisfaction rollup" 0 "$(q "$DBNAME" -c 'SELECT count(*) FROM didkpi.rollup_satisfaction')"
q "$DBNAME" -c "TRUNCATE didkpi.auth_events" >/dev/null
eq "truncate empties the first identifications" 0 "$(q "$DBNAME" -c 'SELECT count(*) FROM didkpi.first_identification')"
eq "truncate empties the latency pairs" 0 "$(q "$DBNAME" -c 'SELECT count(*) FROM didkpi.rollup_latency')"
eq "truncate leaves nothing pending" "" "$(pending)"
eq "truncating the events marks every month's people" "$(months_from 1900-01-01)" "$(ppending)"
same "nobody identified any more: FY2568 -i month" --period FY2568 -i month --min-cell 0
q "$DBNAME" -c "TRUNCATE didkpi.service_requests" >/dev/null
eq "truncating the requests empties the people" "0 0" \
	"$(q "$DBNAME" -c "SELECT (SELECT count(*) FROM didkpi.rollup_people) || ' ' ||
	                          (SELECT count(*) FROM didkpi.rollup_people_pending)")"
finish
