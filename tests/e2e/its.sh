#!/bin/bash
# didkpi its and didkpi chart its: interrupted time series (issue 11).
# A synthetic service whose monthly request count has a level change of 40
# and a slope change of 3 a month built in must be recovered within the
# intervals; every coefficient, Newey-West error, p-value and interval
# must agree with Debian's python3-statsmodels fed by the independent
# reference KPIs (tests/reference/its_ref.py) to 1e-8, on the synthetic
# service and on the demo department; the rules for the date, the span,
# short and impossible series, the formats and the chart are checked.
. "$(dirname "$0")/../lib.sh"

PY=/usr/bin/python3
REF() { "$PY" "$TOP/tests/reference/its_ref.py" "$@"; }
# its_ref.py (statsmodels: seconds a start) gives the same verdict whatever
# the build: it runs where DIDKPI_TEST_REFS is 1 (the normal build); the
# other builds (ASan+UBSan) run each didkpi its it checks, with the same
# arguments on the same data.
refs() { [ "${DIDKPI_TEST_REFS:-1}" = 1 ]; }

check_help its
run 0 "chart its --help exits 0" "$BIN" chart its --help
has "chart its --help prints its usage" "^Usage: didkpi chart its" "$W/out"
has "chart --help lists its" "^  its " <("$BIN" chart --help)

# Usage errors are found before connecting: no database is needed.
NODB="host=$W/no-such-dir user=didkpi dbname=none"
while IFS='|' read -r what args; do
	# shellcheck disable=SC2086
	run 64 "usage error: $what" "$BIN" -d "$NODB" its $args
done <<'EOF'
no --kpi|--at 2024-10-01
unknown KPI|--kpi bogus --at 2024-10-01
department without --at|--kpi requests
a bad date|--kpi requests --at 2024-13-01
a bad lag|--kpi requests --at 2024-10-01 --lag -1
a lag that is not a number|--kpi requests --at 2024-10-01 --lag x
a KPI without a series by service|--kpi staff_training_coverage --service x
two services|--kpi requests --service a,b
--width is for the chart|--kpi requests --at 2024-10-01 --width 800
a stray argument|--kpi requests --at 2024-10-01 extra
EOF
run 64 "usage error: a year in B.E." "$BIN" -d "$NODB" its --kpi requests --at 2567-10-01
has "a B.E. year is named, with the C.E. one" "looks like B.E.*2024" "$W/err"
run 64 "usage error: the department needs --at" "$BIN" -d "$NODB" its --kpi requests
has "the department's date is asked for" "--at DATE is required" "$W/err"
run 64 "chart its: --series is not for the chart" "$BIN" -d "$NODB" chart its -o "$W/x.png" --kpi requests --at 2024-10-01 --series
run 64 "chart its: -o is required" "$BIN" -d "$NODB" chart its --kpi requests --at 2024-10-01
run 64 "chart its: .gif is refused" "$BIN" -d "$NODB" chart its -o "$W/x.gif" --kpi requests --at 2024-10-01
run 69 "its: database down exits 69" "$BIN" -d "$NODB" its --kpi requests --at 2024-10-01
has "database down says why" "^didkpi: cannot connect" "$W/err"

# ---- a synthetic service with a known interruption ------------------------
# its_svc adopts on 2024-07-01; months t = 0..29 from 2023-07 to 2025-12;
# requests in month t: 200 + 2 t + 40 post + 3 (t - 12) post + noise,
# noise = round(6 sin(1.7 t)), spread over the whole month (Bangkok time)
# so that the first and the last month are whole. (30 months, not 24:
# with two whole years split at the year's boundary, t is the month of the
# year plus 12 post, and the seasonal model cannot be estimated.) A second service without
# an adoption date has the same requests.
newdb t_its
q "$DBNAME" >/dev/null <<'EOF' || not_ok "synthetic data loads"
INSERT INTO didkpi.services (service_code, name_th, name_en, owner_unit, is_eservice, digital_id_since)
VALUES ('its_svc', 'บริการทดสอบ', 'Test service', 'unit', true, '2024-07-01'),
       ('never', 'ยังไม่ใช้', 'Not adopted', 'unit', true, NULL);
WITH m AS (
	SELECT t, (date '2023-07-01' + t * interval '1 month') AS s,
	       200 + 2 * t + CASE WHEN t >= 12 THEN 40 + 3 * (t - 12) ELSE 0 END
	       + round(6 * sin(1.7 * t))::int AS n
	  FROM generate_series(0, 29) t
)
INSERT INTO didkpi.service_requests (request_id, service_code, user_key, channel,
	via_single_window, auth_method, submitted_at, closed_at, status)
SELECT svc || '-' || m.t || '-' || i, svc, NULL, 'web', false, NULL,
       (m.s + (i - 0.5) / m.n * ((m.s + interval '1 month') - m.s)) AT TIME ZONE 'Asia/Bangkok',
       NULL, 'pending'
  FROM m, generate_series(1, m.n) i, (VALUES ('its_svc'), ('never')) v(svc);
EOF
I() { "$BIN" -d "$DB" its "$@"; }
P=2023-07-01..2026-01-01
# cell TERM COLUMN: a cell of the CSV in $W/out.
cell() {
	awk -F, -v t="$1" -v c="$2" '
		NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		$5 == t { print $(col[c]); exit }' "$W/out"
}
# inside WHAT VALUE LOW HIGH
inside() {
	if awk -v v="$2" -v a="$3" -v b="$4" 'BEGIN { exit !(a != "" && b != "" && v + 0 >= a + 0 && v + 0 <= b + 0) }'
	then ok "$1"; else not_ok "$1" "$2 is not in [$3, $4]"; fi
}

run 0 "synthetic: its runs (the date from digital_id_since)" I --kpi requests --service its_svc -f csv
eq "synthetic: the header" \
	"kpi,service_code,at,first_post_month,term,estimate,std_error,t,df,p_value,ci_low,ci_high,n_pre,n_post,lags,warning,label" \
	"$(head -n 1 "$W/out")"
eq "synthetic: the terms, in order" "level_change slope_change pre_slope intercept post_slope effect_end" \
	"$(awk -F, 'NR > 1 { printf "%s%s", s, $5; s = " " }' "$W/out")"
eq "synthetic: the date is the service's digital_id_since" "2024-07-01" "$(cell level_change at)"
eq "synthetic: it begins a month: 2024-07 is the first month after" "2024-07" "$(cell level_change first_post_month)"
eq "synthetic: the default span is every whole month with data: 12 before" "12" "$(cell level_change n_pre)"
eq "synthetic: 18 after" "18" "$(cell level_change n_post)"
eq "synthetic: lags by the rule floor(4 (30/100)^(2/9)) = 3" "3" "$(cell level_change lags)"
eq "synthetic: df = 30 - 4" "26" "$(cell level_change df)"
inside "synthetic: the level change 40 is inside its interval" 40 "$(cell level_change ci_low)" "$(cell level_change ci_high)"
inside "synthetic: the slope change 3 is inside its interval" 3 "$(cell slope_change ci_low)" "$(cell slope_change ci_high)"
inside "synthetic: the slope before 2 is inside its interval" 2 "$(cell pre_slope ci_low)" "$(cell pre_slope ci_high)"
inside "synthetic: the effect at the end 40 + 3*17 = 91 is inside its interval" 91 "$(cell effect_end ci_low)" "$(cell effect_end ci_high)"
inside "synthetic: the level change is estimated within 5 of 40" "$(cell level_change estimate)" 35 45
inside "synthetic: p of the level change is tiny" "$(cell level_change p_value)" 0 1e-6
eq "synthetic: no warning with 12 months a side" "" "$(cell level_change warning)"
cp "$W/out" "$W/syn.csv"
if ! refs; then :
elif REF -d "$DB" --kpi requests --service its_svc --at 2024-07-01 --period $P --compare "$W/syn.csv" >"$W/ref" 2>&1
then ok "synthetic: statsmodels agrees to 1e-8 (coefficients, HAC errors, t, p, intervals)"
else not_ok "synthetic: statsmodels agrees to 1e-8 (coefficients, HAC errors, t, p, intervals)" "$(head -20 "$W/ref")"; fi

# the same with the period given, --lag and --seasonal
for opts in "--lag 0" "--lag 5" "--seasonal" "--at 2024-07-15" "--at 2024-07-15 --seasonal --lag 1"; do
	# shellcheck disable=SC2086
	run 0 "synthetic $opts: its runs" I --kpi requests --service its_svc --period $P $opts -f csv
	cp "$W/out" "$W/cmp.csv"
	at=2024-07-01
	case $opts in *--at*) at=$(echo "$opts" | sed 's/.*--at \([0-9-]*\).*/\1/') ;; esac
	refopts=$(echo "$opts" | sed 's/--at [0-9-]*//')
	# shellcheck disable=SC2086
	if ! refs; then :
	elif REF -d "$DB" --kpi requests --service its_svc --at "$at" --period $P $refopts --compare "$W/cmp.csv" >"$W/ref" 2>&1
	then ok "synthetic $opts: statsmodels agrees to 1e-8"
	else not_ok "synthetic $opts: statsmodels agrees to 1e-8" "$(head -20 "$W/ref")"; fi
done
run 0 "synthetic --seasonal: the month terms" I --kpi requests --service its_svc --seasonal -f csv
eq "synthetic --seasonal: 11 months, the first month (July) the reference" \
	"month_01 month_02 month_03 month_04 month_05 month_06 month_08 month_09 month_10 month_11 month_12" \
	"$(awk -F, 'NR > 1 && $5 ~ /^month_/ { printf "%s%s", s, $5; s = " " }' "$W/out")"
eq "synthetic --seasonal: df = 30 - 15" "15" "$(cell level_change df)"

# a date inside a month: that month is a transition, left out
run 0 "mid-month date: its runs" I --kpi requests --service its_svc --at 2024-07-15 -f csv
eq "mid-month date: the next month is the first after" "2024-08" "$(cell level_change first_post_month)"
eq "mid-month date: 12 months before" "12" "$(cell level_change n_pre)"
eq "mid-month date: 17 after (the transition month left out)" "17" "$(cell level_change n_post)"
run 0 "mid-month date: --series runs" I --kpi requests --service its_svc --at 2024-07-15 --series -f csv
eq "series: the header" "month,period_start,period_end,t,role,observed,fitted,counterfactual" "$(head -n 1 "$W/out")"
eq "series: 30 months" "30" "$(($(wc -l <"$W/out") - 1))"
eq "series: 2024-07 is the transition, without a fitted value" "2024-07,2024-07-01,2024-08-01,12,transition," \
	"$(grep '^2024-07,' "$W/out" | cut -d, -f1-5,7)"
eq "series: the observed count of the first month" "200" "$(awk -F, '$1 == "2023-07" { print $6 }' "$W/out")"
if awk -F, 'NR > 1 && $5 == "pre" && $7 != $8 { bad = 1 } END { exit bad }' "$W/out"
then ok "series: before the date, fitted = counterfactual"; else not_ok "series: before the date, fitted = counterfactual"; fi
if awk -F, 'NR > 1 && $5 == "post" { d = $7 - $8; if (d < 30 || d > 110) bad = 1 } END { exit bad }' "$W/out"
then ok "series: after the date, fitted - counterfactual is the built-in effect (30..110)"
else not_ok "series: after the date, fitted - counterfactual is the built-in effect (30..110)" "$(cat "$W/out")"; fi

# short series: a warning (stderr and the field), still an answer
run 0 "short series: its runs" I --kpi requests --service its_svc --period 2024-01-01..2026-01-01 -f csv
has "short series: a warning on stderr" "warning: short series: 6 months before and 18 after" "$W/err"
eq "short series: the warning field" "short series: 6 months before and 18 after (fewer than 8 on a side)" "$(cell level_change warning)"
# impossible: refused
run 65 "one month before: refused (65)" I --kpi requests --service its_svc --period 2024-06-01..2026-01-01
has "one month before: says why" "cannot be estimated: fewer than 2 months with a value before" "$W/err"
run 65 "seasonal with more terms than months: refused (65)" I --kpi requests --service its_svc --period 2024-05-01..2025-07-01 --seasonal
run 65 "a lag as long as the series: refused (65)" I --kpi requests --service its_svc --lag 30
run 64 "a date before the series: refused (64)" I --kpi requests --service its_svc --at 2023-01-01
has "a date outside says so" "not inside the series" "$W/err"
run 65 "a service without an adoption date and no --at: refused (65)" I --kpi requests --service never
has "no adoption date: the hint names --at" "hint: give the date of the change with --at" "$W/err"
run 0 "a service without an adoption date, with --at: runs" I --kpi requests --service never --at 2024-07-01
run 64 "an unknown service: refused (64)" I --kpi requests --service nosuch
run 0 "the department with --at" I --kpi requests --at 2024-07-01 -f csv
inside "the department: two services' requests, a level change near 80" "$(cell level_change estimate)" 70 90

# formats and files
run 0 "json" I --kpi requests --service its_svc -f json
if "$PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))
m = d["meta"]
assert m["command"] == "its" and m["kpi"] == "requests" and m["at"] == "2024-07-01", m
assert m["at_source"] == "digital_id_since" and m["lags"] == 3 and m["seasonal"] is False, m
assert "newey-west" in m["covariance"], m
r = {x["term"]: x for x in d["rows"]}
assert isinstance(r["level_change"]["estimate"], float) and r["level_change"]["n_pre"] == 12
assert r["level_change"]["warning"] is None
' "$W/out"; then ok "json: meta and numbers"; else not_ok "json: meta and numbers" "$(head -c 600 "$W/out")"; fi
run 0 "-o FILE.tsv writes tsv" I --kpi requests --service its_svc -o "$W/its.tsv"
has "-o FILE.tsv: tab-separated header" "^kpi	service_code	at" "$W/its.tsv"
run 0 "a table for people in English" I --kpi requests --service its_svc --lang en
has "table: the level change row" "level change at the date" "$W/out"
run 0 "a table for people in Thai" I --kpi requests --service its_svc --lang th
has "table: Thai headers" "ค่าประมาณ" "$W/out"
mkdir "$W/ro" && chmod 555 "$W/ro"
if [ "$(id -u)" -ne 0 ]; then
	run 73 "an output that cannot be created: 73" I --kpi requests --service its_svc -o "$W/ro/x.csv"
fi

# the chart, Thai and English
C() { "$BIN" -d "$DB" chart "$@"; }
run 0 "chart its: a Thai PNG" C its -o "$W/its-th.png" --kpi requests --service its_svc
eq "chart its: a PNG file" "89504e47" "$(head -c 4 "$W/its-th.png" | od -An -tx1 | tr -d ' \n')"
run 0 "chart its: options before the kind" C -o "$W/its-en.svg" --lang en its --kpi requests --service its_svc --at 2024-07-15
# the counterfactual's dashes are 6:4 (the date marker's 4:3): the line
# and its legend swatch
eq "chart its svg: a dashed counterfactual and its legend" "2" \
	"$(grep -o 'dasharray:[0-9.]*,[0-9.]*' "$W/its-en.svg" | tr ':,' '  ' |
		awk '{ r = $2 / $3; if (r > 1.49 && r < 1.51) n++ } END { print n + 0 }')"
run 0 "chart its: the department, seasonal, PDF" C its -o "$W/its.pdf" --kpi requests --at 2024-07-01 --seasonal
eq "chart its: a PDF file" "%PDF" "$(head -c 4 "$W/its.pdf")"
run 65 "chart its: refused like its, no file left" C its -o "$W/bad.png" --kpi requests --service its_svc --period 2024-06-01..2025-07-01
if [ ! -e "$W/bad.png" ]; then ok "chart its: no file after a refusal"; else not_ok "chart its: no file after a refusal"; fi
run 0 "chart trend still works" C trend -o "$W/trend.png" --kpi requests --period 2024-01-01..2025-07-01

# ---- the demo department ---------------------------------------------------
newdb t_its_demo
"$BIN" -d "$DB" demo --scale 0.3 --seed 1 --until 2025-12 >/dev/null 2>&1 || not_ok "demo for its"
DP=2023-04-01..2026-01-01
for args in "--kpi digital_channel_rate --service dsd_account --at 2023-10-02" \
	"--kpi satisfaction_mean --at 2024-10-01 --seasonal" \
	"--kpi service_time_median_hours --service skill_test --at 2023-12-04 --lag 4"; do
	# shellcheck disable=SC2086
	run 0 "demo $args: its runs" I $args --period $DP -f csv
	cp "$W/out" "$W/demo.csv"
	# shellcheck disable=SC2086
	if ! refs; then :
	elif REF -d "$DB" $args --period $DP --compare "$W/demo.csv" >"$W/ref" 2>&1
	then ok "demo $args: statsmodels agrees to 1e-8"
	else not_ok "demo $args: statsmodels agrees to 1e-8" "$(head -20 "$W/ref")"; fi
done
run 0 "demo: the default span ends with the last whole month" I --kpi requests --at 2024-10-01 --series -f csv
eq "demo: the series runs 2023-04 to 2025-12" "2023-04 2025-12" \
	"$(awk -F, 'NR == 2 { a = $1 } NR > 1 { b = $1 } END { print a, b }' "$W/out")"

# the manual: renders without warnings, and its examples work as written
if command -v man >/dev/null; then
	LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$TOP/man/didkpi-its.1" >"$W/man.txt" 2>"$W/man.err"
	if [ ! -s "$W/man.err" ] && grep -q "Newey" "$W/man.txt"; then ok "man didkpi-its renders without warnings"
	else not_ok "man didkpi-its renders without warnings" "$(head -5 "$W/man.err")"; fi
fi
sed -n '/^\.SH EXAMPLES/,/^\.SH SEE ALSO/p' "$TOP/man/didkpi-its.1" | grep '^didkpi ' |
	sed 's/\\-/-/g' >"$W/examples"
eq "man: four examples" "4" "$(wc -l <"$W/examples")"
cd "$W" || exit 1
while read -r line; do
	# shellcheck disable=SC2086
	set -- ${line#didkpi }
	run 0 "man example: $line" "$BIN" -d "$DB" "$@"
done <"$W/examples"
cd "$TOP" || exit 1
if [ -s "$W/its.png" ]; then ok "man example: the chart is written"; else not_ok "man example: the chart is written"; fi
run 0 "didkpi help lists its" "$BIN" help
has "didkpi help: its" "^  its " "$W/out"


# ---- No Thai-capable font: 70, checked while the database and the fit
# work; no file, the one there before kept; also without a database ----
mkdir -p "$W/nofonts"
printf '%s\n' '<?xml version="1.0"?>' '<!DOCTYPE fontconfig SYSTEM "fonts.dtd">' \
	"<fontconfig><dir>$W/nofonts</dir><cachedir>$W/nofonts</cachedir></fontconfig>" >"$W/nofonts.conf"
echo before >"$W/its-keep.png"
FONTCONFIG_FILE=$W/nofonts.conf run 70 "chart its: no Thai-capable font" \
	C its -o "$W/its-keep.png" --kpi requests --at 2024-10-01
has "chart its: no font says so" "no Thai-capable font installed" "$W/err"
eq "chart its: no font, the file there before kept" before "$(cat "$W/its-keep.png")"
FONTCONFIG_FILE=$W/nofonts.conf run 70 "chart its: no font and no database" \
	"$BIN" -d "$NODB" chart its -o "$W/its-nodb.png" --kpi requests --at 2024-10-01
eq "chart its: no font, no database: no file" no "$([ -e "$W/its-nodb.png" ] && echo yes || echo no)"

finish
