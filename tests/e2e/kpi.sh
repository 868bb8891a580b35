#!/bin/bash
# didkpi kpi: hand-computed values on a small fixture (tests/fixtures/kpi,
# loaded through didkpi load), every format, usage errors, and a second,
# independent computation (tests/reference/kpi_ref.py) that must agree on
# every row. The reasoning for each expected value is in the comments.
. "$(dirname "$0")/../lib.sh"

check_help kpi
newdb t_kpi
for rel in services service_requests auth_events satisfaction staff kpi_targets; do
	"$BIN" -d "$DB" load -q "$rel" "$TOP/tests/fixtures/kpi/$rel.csv" ||
		not_ok "fixture $rel loads"
done

K() { "$BIN" -d "$DB" kpi "$@"; }
# line WHAT EXPECTED-CSV-LINE: a line of the last output has these SPEC
# columns, followed by its label (checked in dataformats.sh and against
# the reference below).
line() {
	if WANT="$2," awk 'index($0, ENVIRON["WANT"]) == 1 { f = 1 } END { exit !f }' "$W/out"; then ok "$1"; else
		not_ok "$1" "missing line: $2" "lines of that KPI:" "$(grep -F ",$(echo "$2" | cut -d, -f4)," "$W/out" | head -8)"
	fi
}

P='2025-03,2025-03-01,2025-04-01'
run 0 "kpi for March 2025, every breakdown, no suppression" K --period 2025-03 --by service,unit,channel,method --min-cell 0 --format csv
has "header: the SPEC columns, then label" '^period,period_start,period_end,kpi,breakdown,key,value,numerator,denominator,target,suppressed,label$' "$W/out"
# r01 (28 Feb 17:30 UTC = 1 Mar 00:30 Bangkok) and r06 (31 Mar 23:59:59.999999
# local, no offset) count; r07 (1 Apr 00:00 local) and r08 (28 Feb 23:59:59
# local) do not: r01-r06, r09-r12 = 10. Target 100 is valid on 31 Mar only.
line "requests: month boundary in Bangkok time" "$P,requests,all,,10,10,,100,FALSE"
line "requests by service s_a: r01 r02 r03 r10" "$P,requests,service,s_a,4,4,,100,FALSE"
line "requests by unit with a comma in its name" "$P,requests,unit,\"ฝ่าย ก, ข\",1,1,,100,FALSE"
# u1 u2 u3 u5; r05 and r09 have no user_key.
line "active users exclude NULL user keys" "$P,active_users,all,,4,4,,,FALSE"
# First successful identifications in March: u2 (e03, after the failed e02),
# u4 (e07: 28 Feb 17:00 UTC = 1 Mar local), u6 (e9 and e10 at the same
# instant: e10 is smaller in byte order, so thaid/web/s_b). u1 enrolled in
# February, u3's e04 is 1 Apr local.
line "enrolments" "$P,digital_id_enrolments,all,,3,3,,,FALSE"
line "enrolment tie broken by event_id: thaid" "$P,digital_id_enrolments,method,thaid,1,1,,,FALSE"
line "enrolment tie: not chip_card from e9" "$P,digital_id_enrolments,method,chip_card,1,1,,,FALSE"
line "enrolment by service of the first event" "$P,digital_id_enrolments,service,s_b,2,2,,,FALSE"
# Of u1 u2 u3 u5, u3 is identified exactly at P.end (not before): 3/4.
line "enrolment rate" "$P,digital_id_enrolment_rate,all,,0.75,3,4,,FALSE"
# Answered in March (local): q1 5, q2 4, q3 2, q5 3 (1 Mar 00:00 local), q6 4.
line "satisfaction mean 18/5" "$P,satisfaction_mean,all,,3.6,18,5,,FALSE"
line "csat 3/5" "$P,satisfaction_csat,all,,0.6,3,5,,FALSE"
lacks "no method breakdown for satisfaction" ',satisfaction_mean,method,' "$W/out"
# Completed with closed_at in March: 1.5 h + 1 us, 2, 12, 48, 72, 88 hours.
line "median service time (12+48)/2" "$P,service_time_median_hours,all,,30,,6,,FALSE"
line "p90 service time 72+0.5*16" "$P,service_time_p90_hours,all,,80,,6,,FALSE"
line "service time of one request" "$P,service_time_median_hours,service,s_d,37,,2,,FALSE"
# 8 of 10 on web/mobile/kiosk; of those, 6 with a Digital ID method.
line "digital channel rate" "$P,digital_channel_rate,all,,0.8,8,10,,FALSE"
line "digital channel rate of counter" "$P,digital_channel_rate,channel,counter,0,0,2,,FALSE"
line "digital id use rate" "$P,digital_id_use_rate,all,,0.75,6,8,,FALSE"
# u1 (3 digital) and u2 (2) of u1 u2 u3 u5.
line "repeat use" "$P,repeat_use_rate,all,,0.5,2,4,,FALSE"
line "repeat use on web: u1 u2 of u1 u2 u3" "$P,repeat_use_rate,channel,web,0.6666666666666666,2,3,,FALSE"
line "repeat use on counter: empty rate 0/0" "$P,repeat_use_rate,channel,counter,,0,0,,FALSE"
line "single window" "$P,single_window_rate,all,,0.4,4,10,,FALSE"
line "completion with its target" "$P,completion_rate,all,,0.6,6,10,0.8,FALSE"
line "target printed on breakdown rows" "$P,completion_rate,service,s_c,0,0,1,0.8,FALSE"
# Authentications in March local: a01 a02 a03 a04 a05 a06 a08; a07 is April.
line "auth success 5/7" "$P,auth_success_rate,all,,0.7142857142857143,5,7,,FALSE"
line "identification success 5/7" "$P,identification_success_rate,all,,0.7142857142857143,5,7,,FALSE"
line "auth latency median of 120 200 300 450" "$P,auth_latency_median_ms,all,,250,,4,,FALSE"
line "an event without a service is in no service row" "$P,auth_success_rate,method,face,1,1,1,,FALSE"
# s_a (adopted mid-March) and s_b count; s_e adopts on 1 April.
line "e-service coverage with the FY2568 target" "$P,eservice_digital_id_coverage,all,,0.5,2,4,1,FALSE"
line "coverage of a service that is not an e-service" "$P,eservice_digital_id_coverage,service,s_d,,0,0,1,FALSE"
line "staff coverage: trained before 1 April" "$P,staff_training_coverage,all,,0.5,2,4,,FALSE"
line "staff unit grid includes units without front-line staff" "$P,staff_training_coverage,unit,unit-y,,0,0,,FALSE"
lacks "staff coverage has no service breakdown" ',staff_training_coverage,service,' "$W/out"
eq "full grid: 5 services x 19 KPIs with a service breakdown" "95" "$(grep -c ',service,s_' "$W/out")"

# Small cells (default --min-cell 5): breakdown rows of size 1..4 blanked.
run 0 "default suppression" K --period 2025-03 --by service,unit --format csv
line "small count suppressed" "$P,requests,service,s_a,,,,100,TRUE"
line "zero is not suppressed" "$P,digital_id_enrolments,service,s_c,0,0,,,FALSE"
line "totals never suppressed" "$P,requests,all,,10,10,,100,FALSE"
line "coverage never suppressed" "$P,eservice_digital_id_coverage,service,s_a,1,1,1,1,FALSE"
line "staff unit of 3 suppressed" "$P,staff_training_coverage,unit,unit-a,,,,,TRUE"

# Empty period: counts 0, rates empty with 0/0, medians empty over 0.
E='2025-06,2025-06-01,2025-07-01'
run 0 "an empty month (--allow-empty)" K --period 2025-06 --allow-empty --format csv
line "empty: count 0" "$E,requests,all,,0,0,,,FALSE"
line "empty: rate" "$E,completion_rate,all,,,0,0,,FALSE"
line "empty: mean" "$E,satisfaction_mean,all,,,0,0,,FALSE"
line "empty: median" "$E,service_time_median_hours,all,,,,0,,FALSE"

# Ties for the median: 10, 10, 10, 20 hours (offset-less, Bangkok).
run 0 "ties for the median" K --period 2025-05 --kpi service_time_median_hours,repeat_use_rate --format csv
line "median with ties" "2025-05,2025-05-01,2025-06-01,service_time_median_hours,all,,10,,4,,FALSE"
line "--kpi selects KPIs" "2025-05,2025-05-01,2025-06-01,repeat_use_rate,all,,1,2,2,,FALSE"
eq "--kpi prints only those KPIs" "2" "$(tail -n +2 "$W/out" | wc -l)"

# The fiscal year boundary: r17 is 30 Sep 2567 23:59:59, r18 1 Oct 00:00.
run 0 "fiscal years" K --period FY2567 --kpi requests --format csv
line "FY2567 ends on 30 September" "FY2567,2023-10-01,2024-10-01,requests,all,,1,1,,,FALSE"
run 0 "fiscal year by quarter" K --period FY2568 --interval quarter --kpi requests --format csv
line "FY2568-Q1 starts on 1 October" "FY2568-Q1,2024-10-01,2025-01-01,requests,all,,1,1,,,FALSE"
line "FY2568-Q2 takes the target in force on its last day" "FY2568-Q2,2025-01-01,2025-04-01,requests,all,,11,11,,100,FALSE"
eq "four quarters" "4" "$(tail -n +2 "$W/out" | wc -l)"
run 0 "another time zone moves the boundary" K --period 2025-03 --tz UTC --kpi requests --format csv
line "in UTC, r06 and r07 are March and r01 is not" "$P,requests,all,,10,10,,100,FALSE"
run 0 "a range keeps its label" K --period 2025-03-01..2025-04-01 --kpi requests --format csv
line "range label" "2025-03-01..2025-04-01,2025-03-01,2025-04-01,requests,all,,10,10,,100,FALSE"

# Formats: JSON parses and has the same rows; TSV is CSV with tabs; the
# table is for people.
run 0 "json" K --period 2025-03 --by channel --format json
eq "json parses with jq and has every row" "$(K --period 2025-03 --by channel --format csv | tail -n +2 | wc -l)" "$(jq '.rows | length' "$W/out")"
eq "json numbers and nulls" '10 null false' "$(jq -r '.rows[0] | "\(.value) \(.key) \(.suppressed)"' "$W/out")"
run 0 "tsv" K --period 2025-03 --by channel --format tsv
eq "tsv is csv with tabs" "$(K --period 2025-03 --by channel --format csv | tr , '\t')" "$(cat "$W/out")"
run 0 "table in Thai" K --period 2025-03 --format table
has "Thai month and B.E. year" "มีนาคม 2568" "$W/out"
has "percentages for people" "80\.0%" "$W/out"
run 0 "table in English" K --period 2025-03 --format table --lang en
has "English labels" "Digital service usage rate" "$W/out"
run 0 "csv is the default when stdout is not a terminal" K --period 2025-03 --kpi requests
has "default csv" '^period,period_start' "$W/out"

# Usage errors: exit 64 before touching the database.
run 64 "month 13" K --period 2025-13
has "message shows the accepted forms" "accepted|FY2568" "$W/err"
run 64 "FY99" K --period FY99
run 64 "reversed range" K --period 2025-04-01..2025-03-01
run 64 "unknown breakdown" K --by colour
run 64 "unknown kpi" K --kpi happiness
run 64 "unknown format" K --format xml
run 64 "unknown interval" K --interval fortnight
run 64 "bad --min-cell" K --min-cell -3
run 64 "bad --tz" K --tz Mars/Olympus --period 2025-03
run 69 "database down" "$BIN" -d "host=$W/nowhere dbname=x user=didkpi" kpi --period 2025-03

# --raw (issue 9): the fixture's KPIs from the raw logs only are the same
# bytes as from the day rollups, for every period form and breakdown; the
# fixture's boundary cases (a request 0.5 h after local midnight, one
# 1 us before it, ties) are where a rollup day in the wrong zone would show.
for args in "--period 2025-03" "--period FY2568-Q2" "--period FY2568" "--period 2025" \
	"--period 2025-02-15..2025-04-10" "--period FY2568 --interval month" \
	"--period 2025 --interval quarter"; do
	for mc in "--min-cell 0" ""; do
		# shellcheck disable=SC2086
		K $args $mc --by service,unit,channel,method --format csv >"$W/roll" 2>"$W/err"
		# shellcheck disable=SC2086
		K $args $mc --by service,unit,channel,method --format csv --raw >"$W/raw" 2>>"$W/err"
		if [ -s "$W/raw" ] && cmp -s "$W/roll" "$W/raw"; then ok "--raw is the same: $args $mc"; else
			not_ok "--raw is the same: $args $mc" "$(diff "$W/raw" "$W/roll" | head -8)" "$(head -c 300 "$W/err")"
		fi
	done
done

# An independent computation must agree on every row.
if python3 -c 'import zoneinfo' 2>/dev/null; then
	for args in "--period 2025-03 --by service,unit,channel,method --min-cell 0" \
		"--period 2025-03 --by service,channel,method" \
		"--period 2025-03 --by service,unit,channel,method --lang en" \
		"--period 2025-03 --by service,unit,channel,method" \
		"--period FY2568 --interval month --by service,channel,method" \
		"--period 2025 --interval quarter --by unit,method --min-cell 2" \
		"--period 2025-02-15..2025-04-10 --interval month --by channel --tz UTC"; do
		# shellcheck disable=SC2086
		K $args --format csv >"$W/engine.csv" 2>"$W/err"
		# shellcheck disable=SC2086
		python3 "$TOP/tests/reference/kpi_ref.py" -d "$DB" $args >"$W/ref.csv" 2>>"$W/err"
		# The reference suppresses small cells only; the engine also hides
		# their complements: agree.py allows exactly that, and the
		# independent audit proves nothing hidden can be recomputed.
		if [ -s "$W/ref.csv" ] && python3 "$TOP/tests/reference/agree.py" "$W/engine.csv" "$W/ref.csv" >"$W/agree"; then
			ok "reference agrees: $args"
		else
			not_ok "reference agrees: $args" "$(head -10 "$W/agree")" "$(head -c 500 "$W/err")"
		fi
		case $args in *--min-cell\ 0*) ;; *)
			q "$DBNAME" -c "SELECT service_code || '|' || owner_unit FROM didkpi.services" >"$W/units"
			res=$(python3 "$TOP/tests/reference/suppress_audit.py" "$W/engine.csv" "$W/units" 2>&1)
			eq "nothing suppressed is recoverable: $args" "0" "${res##* }"
		esac
	done
fi

# ---- -j/--jobs: the requests' KPIs on one connection, the others on a
# second that imports its snapshot (lib/sibling.c); the same bytes ----
run 64 "--jobs 0 refused" K -p 2025-03 --jobs 0
has "--jobs says why" "--jobs must be 1 or 2, not '0'" "$W/err"
# below 200 000 rows in the periods' days (the fixture's few) one
# connection does it all; DIDKPI_SECOND_ROWS moves that line, 0: always two
run 0 "a small computation, verbose" K -p 2025-03 -f csv -v
has "a small computation stays on one connection, saying why" \
	"computing on one connection: [0-9]+ rows, fewer than 200000" "$W/err"
DIDKPI_SECOND_ROWS=many run 0 "a bad DIDKPI_SECOND_ROWS" K -p 2025-03 -f csv
has "a bad DIDKPI_SECOND_ROWS: one warning, the default" \
	"warning: DIDKPI_SECOND_ROWS='many' is not a number of rows; using 200000" "$W/err"
export DIDKPI_SECOND_ROWS=0
for pe in "2025-03 --by service,unit,channel,method --min-cell 0" "FY2568 -i month --by service,unit,channel,method"; do
	# shellcheck disable=SC2086
	run 0 "kpi $pe on one connection" K -p $pe -f csv -j 1
	cp "$W/out" "$W/jobs1.csv"
	# shellcheck disable=SC2086
	run 0 "kpi $pe on two, verbose" K -p $pe -f csv -v
	lacks "two connections: none refused" "computing on one|second connection" "$W/err"
	if [ -s "$W/jobs1.csv" ] && cmp -s "$W/jobs1.csv" "$W/out"; then ok "kpi $pe: -j 1 = -j 2"; else
		not_ok "kpi $pe: -j 1 = -j 2" "$(diff "$W/jobs1.csv" "$W/out" | head -5)"; fi
done
# A connection gone mid-run: 69 at once and one error. Without --by,
# didkpi.staff is read by one connection only (training, offered to the
# second; either may take it); locked, that one waits and is terminated. (The first connection
# failing while the second waits: tests/e2e/report.sh.)
for rels in staff; do
	nrel=$(echo $rels | wc -w)
	q "$DBNAME" -c "BEGIN; LOCK TABLE $(echo $rels | sed 's/\([a-z_]*\)/didkpi.\1/g; s/ /, /g')
		IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(30)" >/dev/null 2>&1 &
	locker=$!
	for _ in $(seq 100); do
		[ "$(q "$DBNAME" -c "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
			WHERE c.relname IN ('${rels// /\',\'}') AND l.mode = 'AccessExclusiveLock'
			AND l.granted")" = "$nrel" ] && break
		sleep 0.1
	done
	t0=$(date +%s)
	K -p FY2568 -i month -f csv >"$W/out" 2>"$W/err" &
	kp=$!
	pid=
	for _ in $(seq 150); do
		[ "$(q "$DBNAME" -c "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'didkpi'
			AND wait_event_type = 'Lock'")" = "$nrel" ] &&
			pid=$(q "$DBNAME" -c "SELECT pid FROM pg_stat_activity WHERE application_name = 'didkpi'
				AND wait_event_type = 'Lock' ORDER BY pid LIMIT 1") && break
		sleep 0.1
	done
	if [ -n "$pid" ]; then ok "$rels locked: $nrel connection(s) wait"; else
		not_ok "$rels locked: $nrel connection(s) wait"; fi
	[ -n "$pid" ] && q "$DBNAME" -c "SELECT pg_terminate_backend($pid)" >/dev/null
	wait "$kp"
	eq "$rels locked, a reader terminated: exit 69" 69 "$?"
	eq "$rels: one error" 1 "$(grep -v '^didkpi: warning' "$W/err" | grep -c '^didkpi: ')"
	has "$rels: it says the connection went" "terminat|server closed" "$W/err"
	[ $(($(date +%s) - t0)) -lt 20 ] && ok "$rels: nothing waited for a lock after" ||
		not_ok "$rels: nothing waited for a lock after"
	q "$DBNAME" -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE query LIKE '%pg_sleep(30)%' AND pid <> pg_backend_pid()" >/dev/null
	wait "$locker" 2>/dev/null
done

unset DIDKPI_SECOND_ROWS
finish
