#!/bin/bash
# Day, week and year series and inclusive ranges (issue 13, item 1): the
# kpi fixture (tests/fixtures/kpi) by day, ISO week and calendar year, with
# hand-checked rows at the local day boundaries; the same bytes from the
# raw logs as from the day rollups; an independent computation
# (tests/reference/kpi_ref.py) agreeing on every row; a whole fiscal year
# of days; the ambiguous range forms refused with the rule named; charts by
# day and week; and the demo department by day and week, rollups against
# the raw logs and the reference.
. "$(dirname "$0")/../lib.sh"

newdb t_intervals
for rel in services service_requests auth_events satisfaction staff kpi_targets; do
	"$BIN" -d "$DB" load -q "$rel" "$TOP/tests/fixtures/kpi/$rel.csv" ||
		not_ok "fixture $rel loads"
done

K() { "$BIN" -d "$DB" kpi "$@"; }
# line WHAT EXPECTED-CSV-LINE: the line (the SPEC's eleven columns; the
# label that follows is not compared) is in the last output.
line() {
	if WANT="$2," awk 'index($0, ENVIRON["WANT"]) == 1 { f = 1 } END { exit !f }' "$W/out"; then ok "$1"; else
		not_ok "$1" "missing line: $2" "lines of that period:" \
			"$(grep -F -- "$(echo "$2" | cut -d, -f1)," "$W/out" | head -6)"
	fi
}
# series WHAT: the periods of the last output follow each other without a
# gap or an overlap (period_end of one row's period = the next one's start).
series() {
	local bad
	bad=$(awk -F, 'NR > 1 && $1 != last { if (n++ && $2 != end) print "gap before " $1; end = $3; last = $1 }' "$W/out")
	eq "$1" "" "$bad"
}
has_help() { has "$1" "$2" "$W/out"; }

run 0 "kpi --help" K --help
has_help "kpi --help names every interval" 'interval=day\|week\|month\|quarter\|year'
has_help "kpi --help shows the inclusive range" '2025-03-01\.\.=2025-03-31 \(end included\)'

# ---- days ----
# Requests of March by local day (Asia/Bangkok): r01 was submitted on
# 28 Feb 17:30 UTC = 1 Mar 00:30 local; r08 on 28 Feb 16:59:59 UTC = 28 Feb
# 23:59:59 local; r06 on 31 Mar 23:59:59.999999 local; r07 on 1 Apr 00:00
# local. The requests target (100) is valid on 31 Mar only.
run 0 "March by day" K --period 2025-02-28..=2025-04-01 --interval day -k requests --format csv
series "days follow each other"
eq "33 days, one row each" "33" "$(($(wc -l <"$W/out") - 1))"
line "28 Feb: r08 at 23:59:59 local" "2025-02-28,2025-02-28,2025-03-01,requests,all,,1,1,,,FALSE"
line "1 Mar: r01 at 00:30 local" "2025-03-01,2025-03-01,2025-03-02,requests,all,,1,1,,,FALSE"
line "a day with nothing is 0, not missing" "2025-03-02,2025-03-02,2025-03-03,requests,all,,0,0,,,FALSE"
# r03 02:00Z and r04 03:00Z on 10 Mar (09:00, 10:00 local)
line "10 Mar: r03 and r04" "2025-03-10,2025-03-10,2025-03-11,requests,all,,2,2,,,FALSE"
line "30 Mar: no target" "2025-03-30,2025-03-30,2025-03-31,requests,all,,0,0,,,FALSE"
line "31 Mar: r06 at 23:59:59.999999 local, the day's target" "2025-03-31,2025-03-31,2025-04-01,requests,all,,1,1,,100,FALSE"
line "1 Apr: r07 at local midnight" "2025-04-01,2025-04-01,2025-04-02,requests,all,,1,1,,,FALSE"
# the same day in UTC: r01 (17:30Z) and r08 (16:59:59Z) are both on 28 Feb
run 0 "the days are local to --tz" K --period 2025-02-28..=2025-03-01 --interval day -k requests --tz UTC --format csv
line "28 Feb in UTC holds r01 and r08" "2025-02-28,2025-02-28,2025-03-01,requests,all,,2,2,,,FALSE"
# Days of a KPI that is not a count: satisfaction answered on 1 Mar local
# is q1 (5, 00:00Z) and q5 (3, 28 Feb 17:00Z = 1 Mar 00:00 local).
run 0 "satisfaction by day" K --period 2025-03-01..=2025-03-03 --interval day -k satisfaction_mean --format csv
line "1 Mar: q1 5 and q5 3" "2025-03-01,2025-03-01,2025-03-02,satisfaction_mean,all,,4,8,2,,FALSE"
line "2 Mar: q2 4" "2025-03-02,2025-03-02,2025-03-03,satisfaction_mean,all,,4,4,1,,FALSE"

# A whole fiscal year of days: FY2567 holds 29 February 2024 (366 days).
run 0 "FY2567 by day: 366 periods" K --period FY2567 --interval day --format csv --allow-empty
eq "366 days x 20 KPIs" "$((366 * 20))" "$(($(wc -l <"$W/out") - 1))"
eq "366 distinct periods" "366" "$(tail -n +2 "$W/out" | cut -d, -f1 | sort -u | wc -l)"
series "the days of FY2567 follow each other"
line "29 Feb 2024 is a day" "2024-02-29,2024-02-29,2024-03-01,requests,all,,0,0,,,FALSE"
line "the last day of FY2567: r17 at 23:59:59 local" "2024-09-30,2024-09-30,2024-10-01,requests,all,,1,1,,,FALSE"
eq "first day" "2023-10-01" "$(sed -n 2p "$W/out" | cut -d, -f1)"

# ---- ISO weeks ----
# March 2025 begins on a Saturday and ends on a Monday: cut weeks at both
# edges, labelled by their dates; whole weeks by ISO year and week.
run 0 "March by week" K --period 2025-03 --interval week -k requests --format csv
series "weeks follow each other"
eq "the pieces of March" "2025-03-01..2025-03-03 2025-W10 2025-W11 2025-W12 2025-W13 2025-03-31..2025-04-01" \
	"$(tail -n +2 "$W/out" | cut -d, -f1 | tr '\n' ' ' | sed 's/ $//')"
line "the cut first week: r01" "2025-03-01..2025-03-03,2025-03-01,2025-03-03,requests,all,,1,1,,,FALSE"
line "W10 is Monday 3 to Sunday 9 March: r02" "2025-W10,2025-03-03,2025-03-10,requests,all,,1,1,,,FALSE"
line "W11: r03 r04 r05 r11" "2025-W11,2025-03-10,2025-03-17,requests,all,,4,4,,,FALSE"
line "the cut last week (31 Mar) takes the target" "2025-03-31..2025-04-01,2025-03-31,2025-04-01,requests,all,,1,1,,100,FALSE"
# FY2568 begins on Tuesday 1 October 2024: r17 (30 Sep 23:59:59 local) is
# outside it, r18 (1 Oct 00:00 local) inside. The week across New Year is
# whole and is week 1 of 2025.
run 0 "FY2568 by week" K --period FY2568 --interval week -k requests --format csv
series "the weeks of FY2568 follow each other"
eq "53 pieces" "53" "$(($(wc -l <"$W/out") - 1))"
line "FY2568 starts with a cut week: r18 only" "2024-10-01..2024-10-07,2024-10-01,2024-10-07,requests,all,,1,1,,,FALSE"
line "the week across New Year is 2025-W01" "2025-W01,2024-12-30,2025-01-06,requests,all,,0,0,,,FALSE"
line "FY2568 ends with a cut week" "2025-09-29..2025-10-01,2025-09-29,2025-10-01,requests,all,,0,0,,,FALSE"
lacks "no 2024-W53 (2024 has 52 weeks)" '^2024-W53,' "$W/out"
# a week as the period
run 0 "--period 2024-W40 (30 Sep - 6 Oct 2024)" K --period 2024-W40 -k requests --format csv
line "2024-W40 holds r17 and r18" "2024-W40,2024-09-30,2024-10-07,requests,all,,2,2,,,FALSE"
run 0 "--period 2024-w40 in lower case" K --period 2024-w40 -k requests --format csv
line "labelled 2024-W40" "2024-W40,2024-09-30,2024-10-07,requests,all,,2,2,,,FALSE"

# ---- calendar years ----
# a year series of a span across fiscal and calendar years: the first
# piece is exactly FY2568-Q1 and is named so; r17 is in 2024 (Sep), r18
# and the March-May requests in 2025.
run 0 "by year" K --period 2024-09-01..=2025-12-31 --interval year -k requests --format csv
eq "two pieces" "2024-09-01..2025-01-01 2025" "$(tail -n +2 "$W/out" | cut -d, -f1 | tr '\n' ' ' | sed 's/ $//')"
line "the cut 2024 piece: r17 r18" "2024-09-01..2025-01-01,2024-09-01,2025-01-01,requests,all,,2,2,,,FALSE"
line "2025: 16 requests" "2025,2025-01-01,2026-01-01,requests,all,,16,16,,,FALSE"

# ---- inclusive ranges and the forms people confuse ----
run 0 "2025-03-01..=2025-03-31 (end included)" K --period 2025-03-01..=2025-03-31 -b service --min-cell 0 --format csv
cut -d, -f4- "$W/out" >"$W/incl"
line "all of March: 10 requests" "2025-03-01..2025-04-01,2025-03-01,2025-04-01,requests,all,,10,10,,100,FALSE"
K --period 2025-03 -b service --min-cell 0 --format csv 2>/dev/null | cut -d, -f4- >"$W/month"
if [ -s "$W/month" ] && cmp -s "$W/incl" "$W/month"; then ok "..= to the 31st gives the numbers of the month"; else
	not_ok "..= to the 31st gives the numbers of the month" "$(diff "$W/incl" "$W/month" | head -6)"; fi
run 0 "a single day, end included" K --period 2025-03-10..=2025-03-10 -k requests --format csv
line "10 Mar alone" "2025-03-10..2025-03-11,2025-03-10,2025-03-11,requests,all,,2,2,,,FALSE"
# The issue's case: this used to drop 31 March silently (9 requests, not 10).
run 64 "2025-03-01..2025-03-31 is refused as ambiguous" K --period 2025-03-01..2025-03-31 -k requests
has "the message names the rule" "^didkpi: invalid period '2025-03-01\.\.2025-03-31': ambiguous: '\.\.' excludes its end 2025-03-31, the last day of a month" "$W/err"
has "and both ways to write it" "to include it write 2025-03-01\.\.=2025-03-31 or 2025-03-01\.\.2025-04-01, to leave it out 2025-03-01\.\.=2025-03-30" "$W/err"
lacks "nothing on stdout" '.' "$W/out"
run 64 "2025-03-01..=2025-04-01 is refused as ambiguous" K --period 2025-03-01..=2025-04-01
has "the message names the stray first day" "ambiguous: '\.\.=' includes its end 2025-04-01, the first day of a month; to end on 2025-03-31 write 2025-03-01\.\.=2025-03-31" "$W/err"
run 0 "an excluded end that is no month's last day is fine" K --period 2025-03-01..2025-03-30 -k requests --format csv
line "1-29 March: 9 requests (r06 is on the 31st)" "2025-03-01..2025-03-30,2025-03-01,2025-03-30,requests,all,,9,9,,,FALSE"
run 64 "a lone date is refused" K --period 2025-03-10
has "with its inclusive form" "a single date is not a period; for that one day use 2025-03-10\.\.=2025-03-10" "$W/err"
run 64 "another separator is refused" K --period "2025-03-01 - 2025-03-31"
has "with the two range forms" "write a range as START\.\.=END \(end included\) or START\.\.END \(end excluded\)" "$W/err"
run 64 "a week 53 that does not exist" K --period 2025-W53
has "names the weeks of the year" "iso year 2025 has weeks W01-W52" "$W/err"
run 64 "a B.E. year in a week" K --period 2568-W10
has "gives the C.E. week" "so 2025-W10; only FY takes b\.e\. years" "$W/err"
run 64 "an unknown interval" K --interval fortnight
has "lists the intervals" "^didkpi: --interval must be day, week, month, quarter or year, not 'fortnight'" "$W/err"
run 64 "more than 10000 periods" K --period 2000-01-01..2030-01-02 --interval day
has "says how many" "^didkpi: 2000-01-01\.\.2030-01-02 by day is 10959 periods, more than 10000" "$W/err"

# ---- the same bytes from the day rollups and from the raw logs ----
for args in "--period 2025-02-15..=2025-04-10 --interval day" "--period FY2568 --interval week" \
	"--period 2024-09-01..=2025-12-31 --interval year" "--period 2025-W10 --interval day"; do
	for mc in "--min-cell 0" ""; do
		# shellcheck disable=SC2086
		K $args $mc --by service,unit,channel,method --format csv --allow-empty >"$W/roll" 2>"$W/err"
		# shellcheck disable=SC2086
		K $args $mc --by service,unit,channel,method --format csv --allow-empty --raw >"$W/raw" 2>>"$W/err"
		if [ -s "$W/raw" ] && cmp -s "$W/roll" "$W/raw"; then ok "--raw is the same: $args $mc"; else
			not_ok "--raw is the same: $args $mc" "$(diff "$W/raw" "$W/roll" | head -8)" "$(head -c 300 "$W/err")"
		fi
	done
done

# ---- an independent computation agrees on every row ----
# agree OPTIONS...: the engine and kpi_ref.py on the last database ($DB);
# with suppression on, nothing hidden can be recomputed.
agree() {
	local args="$*" res
	# shellcheck disable=SC2086
	K $args --format csv --allow-empty >"$W/engine.csv" 2>"$W/err"
	local rc=$?
	# kpi_ref.py gives the same rows whatever the build: it runs where
	# DIDKPI_TEST_REFS is 1 (the normal build); every build runs the engine
	# with the same arguments, and the suppression audit of its output.
	if [ "${DIDKPI_TEST_REFS:-1}" != 1 ]; then
		[ "$rc" = 0 ] && [ -s "$W/engine.csv" ] && ok "the engine runs: $args" ||
			not_ok "the engine runs: $args" "exit status $rc" "$(head -c 500 "$W/err")"
	# shellcheck disable=SC2086
	elif python3 "$TOP/tests/reference/kpi_ref.py" -d "$DB" $args >"$W/ref.csv" 2>>"$W/err"
		[ -s "$W/ref.csv" ] && python3 "$TOP/tests/reference/agree.py" "$W/engine.csv" "$W/ref.csv" >"$W/agree"; then
		ok "reference agrees: $args"
	else
		not_ok "reference agrees: $args" "$(head -10 "$W/agree")" "$(head -c 500 "$W/err")"
	fi
	case $args in *--min-cell\ 0*) ;; *)
		q "$DBNAME" -c "SELECT service_code || '|' || owner_unit FROM didkpi.services" >"$W/units"
		res=$(python3 "$TOP/tests/reference/suppress_audit.py" "$W/engine.csv" "$W/units" 2>&1)
		eq "nothing suppressed is recoverable: $args" "0" "${res##* }"
	esac
}
if python3 -c 'import zoneinfo' 2>/dev/null; then
	agree --period 2025-02-25..=2025-04-02 --interval day --by service,unit,channel,method --min-cell 0
	agree --period 2025-03 --interval day --by service,channel,method
	agree --period FY2568 --interval week --by service,unit,channel,method --min-cell 0
	agree --period 2025-03 --interval week --by unit,method --min-cell 2
	agree --period 2024-09-01..=2025-12-31 --interval year --by service,unit,channel,method --min-cell 0
	agree --period 2025-02-28..=2025-03-02 --interval day --by channel --tz UTC --min-cell 0
	agree --period 2024-W40 --by service --min-cell 0
else
	echo "ok $((_n + 1)) - reference # SKIP python3 without zoneinfo"; _n=$((_n + 1))
fi

# ---- charts by day and week ----
C() { "$BIN" -d "$DB" chart "$@"; }
run 0 "chart --help names the intervals" C --help
has_help "chart --help: --interval" 'interval=day\|week\|month\|quarter\|year'
run 0 "trend of March by day" C trend -k requests -p 2025-03 -i day --lang en -v -o "$W/day.png"
# the chart draws what kpi computes, day by day
K --period 2025-03 --interval day -k requests --format csv 2>/dev/null |
	tail -n +2 | cut -d, -f7 | tr '\n' ' ' | sed 's/ $//' >"$W/kpi_days"
eq "the chart's days are kpi's days" "series all: $(cat "$W/kpi_days")" \
	"$(sed -n 's/^didkpi: \(series all:.*\)/\1/p' "$W/err")"
has "31 categories, labelled by date" '^didkpi: categories: 2025-03-01 2025-03-02 .* 2025-03-31$' "$W/err"
has "the target on 31 March only" '^didkpi: targets: (- ){30}100$' "$W/err"
if [ "$(head -c 4 "$W/day.png" | tail -c 3)" = "PNG" ]; then
	ok "a PNG is written"; else not_ok "a PNG is written" "$(ls -l "$W/day.png" 2>&1)"; fi
run 0 "a whole fiscal year by day" C trend -k requests -p FY2568 -i day -v -o "$W/fy.png"
eq "365 days on the axis" "365" "$(sed -n 's/^didkpi: categories: //p' "$W/err" | wc -w)"
run 0 "channels by ISO week" C channels -p 2025-03 -i week --count -v -o "$W/weeks.svg"
has "the weeks as categories" '^didkpi: categories: 2025-03-01\.\.2025-03-03 2025-W10 2025-W11 2025-W12 2025-W13 2025-03-31\.\.2025-04-01$' "$W/err"
# web: r01 (1 Mar), r04 (10 Mar), r10 and r12 (25, 28 Mar), r06 (31 Mar)
has "web requests week by week" '^didkpi: series web: 1 0 1 0 2 1$' "$W/err"
run 0 "methods by year" C methods -p 2025 -i year --lang en -o "$W/years.pdf"
run 64 "--interval is not for compare" C compare -i day -o "$W/cmp.png"
has "says which charts take it" "^didkpi: --interval applies to trend, methods and channels only" "$W/err"
run 64 "a bad --interval" C trend -i hour -o "$W/bad.png"
has "lists the intervals" "^didkpi: --interval must be day, week, month, quarter or year, not 'hour'" "$W/err"

# ---- the demo department by day and week ----
newdb t_intervals_demo
run 0 "demo at scale 0.1" "$BIN" -d "$DB" demo --scale 0.1 --seed 5 --until 2025-09
for args in "--period FY2568 --interval day" "--period FY2568 --interval week"; do
	# shellcheck disable=SC2086
	K $args --by service,unit,channel,method --format csv >"$W/roll" 2>"$W/err"
	# shellcheck disable=SC2086
	K $args --by service,unit,channel,method --format csv --raw >"$W/raw" 2>>"$W/err"
	if [ -s "$W/raw" ] && cmp -s "$W/roll" "$W/raw"; then ok "demo: --raw is the same: $args"; else
		not_ok "demo: --raw is the same: $args" "$(diff "$W/raw" "$W/roll" | head -8)" "$(head -c 300 "$W/err")"
	fi
done
if python3 -c 'import zoneinfo' 2>/dev/null; then
	agree --period FY2568 --interval day --by channel,method
	agree --period FY2568 --interval week --by service,unit --min-cell 0
	agree --period 2023-06-01..=2025-09-30 --interval year --by service,unit,channel,method
fi

finish
