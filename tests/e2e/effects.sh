#!/bin/bash
# didkpi effects and didkpi chart event-study (issue 11, part 2):
#  - a hand-built department of three e-services (and a counter-only one
#    that must be left out) whose ATT(g,t) and aggregations are worked out
#    by hand below;
#  - a simulated department of 30 services in four adoption cohorts and
#    six never-treated, with known effects built in (requests x1.2, digital
#    share +0.30, completion +0.10, service time -40 h, satisfaction +0.5,
#    nothing before adoption), which the estimator must recover inside its
#    intervals with a pre-trend test that does not reject;
#  - the demo department, whose generator's effects (sql/demo.sql header)
#    must be recovered, with pre-adoption effects near zero;
#  - every point estimate against an independent Python implementation
#    (tests/reference/cs_ref.py) to 1e-9; usage errors; the chart.
. "$(dirname "$0")/../lib.sh"

REF=$TOP/tests/reference/cs_ref.py

check_help effects
run 0 "chart event-study --help exits 0" "$BIN" chart event-study --help
has "chart event-study --help prints its usage" "^Usage: didkpi chart event-study" "$W/out"

NODB="host=$W/no-such-dir user=didkpi dbname=none"
for bad in "--control sometimes" "--base floating" "--window 61" "--leads -1" "--boot 5" \
	"--boot x" "--seed -3" "--weights normal" "--band wide" "--format xml" "--lang fr" \
	"--outcome bogus" "extra-argument"; do
	# shellcheck disable=SC2086
	run 64 "usage error: $bad" "$BIN" -d "$NODB" effects $bad
done
run 64 "usage error: an unknown outcome" "$BIN" -d "$NODB" effects --outcome bogus
has "an unknown outcome points to --list" "see didkpi effects --list" "$W/err"
run 69 "database down exits 69" "$BIN" -d "$NODB" effects
run 64 "chart event-study needs -o" "$BIN" -d "$NODB" chart event-study
run 64 "chart event-study refuses .gif" "$BIN" -d "$NODB" chart event-study -o "$W/x.gif"
run 64 "chart event-study refuses an unknown outcome" "$BIN" -d "$NODB" chart event-study \
	--kpi nope -o "$W/x.png"
run 0 "effects --list" "$BIN" effects --list --format csv
has "--list names the outcomes" "^service_time_median_hours," "$W/out"

# get FILE OUTCOME AGGREGATION E COHORT COLUMN: one cell of effects CSV.
# The CSV is read (by Python's csv) once into FILE.cells, a line a cell:
# outcome, aggregation, e, cohort, column, value, tab-separated, in the
# file's order; the first row with the keys answers, as before. (A Python
# start a cell made this script several times slower.) Each FILE is
# written once, before its first get.
get() {
	[ -f "$1.cells" ] || python3 - "$1" >"$1.cells" <<'EOF'
import csv, sys
for r in csv.DictReader(open(sys.argv[1])):
    for c, v in r.items():
        print("\t".join([r["outcome"], r["aggregation"], r["e"], r["cohort"], str(c),
                         str(v).replace("\t", " ").replace("\n", " ")]))
EOF
	awk -F '\t' -v o="$2" -v a="$3" -v e="$4" -v g="$5" -v c="$6" \
		'$1 == o && $2 == a && $3 == e && $4 == g && $5 == c { print $6; exit }' "$1.cells"
}
# close WHAT EXPECTED ACTUAL [TOL]
close() {
	if python3 -c 'import sys; a, b, t = float(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]); sys.exit(abs(a - b) > t * max(1, abs(a)))' \
		"$2" "${3:-nan}" "${4:-1e-12}" 2>/dev/null; then ok "$1"; else not_ok "$1" "expected: $2" "actual:   $3"; fi
}
# inside WHAT VALUE LOW HIGH: LOW <= VALUE <= HIGH
inside() {
	if awk -v v="$2" -v a="$3" -v b="$4" 'BEGIN { exit !(a != "" && b != "" && a + 0 <= v + 0 && v + 0 <= b + 0) }'; then
		ok "$1"; else not_ok "$1" "$2 is not inside [$3, $4]"; fi
}
# near WHAT TRUTH OUTCOME AGG E FILE: the estimate lies within 4 standard
# errors of the truth. (The data are one fixed draw: a 95 % interval
# misses by chance one time in twenty, and the post-adoption event times
# share their base month, so they miss together; 4 se misses by chance
# about one time in 16 000, while a wrong estimator misses by far.)
near() {
	local est se
	est=$(get "$6" "$3" "$4" "$5" '' estimate)
	se=$(get "$6" "$3" "$4" "$5" '' se)
	if awk -v t="$2" -v x="$est" -v s="$se" 'BEGIN { d = x - t; if (d < 0) d = -d; exit !(x != "" && s != "" && d <= 4 * s) }'; then
		ok "$1"; else not_ok "$1" "estimate $est, se $se, truth $2"; fi
}
# prefade FILE OUTCOME: |mean of the pre-adoption event effects| / |overall|
prefade() {
	python3 - "$1" "$2" <<'EOF'
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["outcome"] == sys.argv[2]]
pre = [float(r["estimate"]) for r in rows if r["aggregation"] == "event" and int(r["e"]) < 0]
ov = [float(r["estimate"]) for r in rows if r["aggregation"] == "overall"][0]
print(abs(sum(pre) / len(pre)) / abs(ov))
EOF
}
# agree WHAT ARGS...: cs_ref.py and didkpi give the same rows (with --gt).
# cs_ref.py's rows do not depend on the build: it runs where
# DIDKPI_TEST_REFS is 1 (the normal build); the other builds (ASan+UBSan)
# run the same didkpi command on the same data and must succeed.
agree() {
	local what=$1
	shift
	if [ "${DIDKPI_TEST_REFS:-1}" != 1 ]; then
		run 0 "$what: didkpi effects --gt runs (cs_ref.py in the first build)" \
			"$BIN" -d "$DB" effects --gt --format csv --boot 99 "$@"
		return
	fi
	if ! python3 "$REF" -d "$DB" --gt "$@" >"$W/ref.csv" 2>"$W/ref.err"; then
		not_ok "$what" "cs_ref.py failed: $(head -c 500 "$W/ref.err")"
		return
	fi
	if ! "$BIN" -d "$DB" effects --gt --format csv --boot 99 "$@" >"$W/got.csv" 2>"$W/got.err"; then
		not_ok "$what" "didkpi effects failed: $(head -c 500 "$W/got.err")"
		return
	fi
	if python3 "$REF" compare "$W/ref.csv" "$W/got.csv" >"$W/cmp.out"; then
		ok "$what ($(tail -1 "$W/cmp.out"))"
	else
		not_ok "$what" "$(head -20 "$W/cmp.out")"
	fi
}

# ---------------------------------------------------------------------
# The hand-built department. Months 2025-01 .. 2025-04 (whole: requests on
# the first and the last day). Requests a month:
#   a (adopts 2025-03-10): 10 10 20 20     b (2025-04-01): 10 10 10 30
#   c (never):             10 10 10 10     d (counter only): 10 10 10 50
# requests_log, varying base, not-yet-treated comparisons:
#   ATT(2025-03, 2025-03) = ln 20 - ln 10 - (b, c: 0) = ln 2
#   ATT(2025-03, 2025-04) = ln 2 - (c: 0) = ln 2 (b is treated by then;
#     d, not an e-service, is no comparison: with it, ln 2 - ln 5 / 2)
#   ATT(2025-04, 2025-04) = ln 30 - ln 10 - (c: 0) = ln 3
#   overall (by cohort size, 1 each) = (2 ln 2 + ln 3) / 3
#   event 0 = (ln 2 + ln 3) / 2; event 1 = ln 2; dynamic = their mean
newdb t_effects_hand
q "$DBNAME" >/dev/null <<'EOF' || not_ok "the hand-built department loads"
INSERT INTO didkpi.services (service_code, name_th, name_en, owner_unit, is_eservice, digital_id_since)
VALUES ('a', 'ก', 'A', 'u', true, '2025-03-10'), ('b', 'ข', 'B', 'u', true, '2025-04-01'),
       ('c', 'ค', 'C', 'u', true, NULL), ('d', 'ง', 'D', 'u', false, NULL);
INSERT INTO didkpi.service_requests (request_id, service_code, user_key, channel, via_single_window,
                                     auth_method, submitted_at, closed_at, status)
SELECT x.s || '-' || x.m || '-' || k, x.s, NULL, 'counter', false, NULL,
       CASE WHEN k = x.n THEN (date '2025-01-01' + make_interval(months => x.m + 1)) - interval '15 hours'
            ELSE date '2025-01-01' + make_interval(months => x.m, days => k - 1, hours => 9) END
           AT TIME ZONE 'Asia/Bangkok',
       NULL, 'pending'
  FROM (VALUES ('a', 0, 10), ('a', 1, 10), ('a', 2, 20), ('a', 3, 20),
               ('b', 0, 10), ('b', 1, 10), ('b', 2, 10), ('b', 3, 30),
               ('c', 0, 10), ('c', 1, 10), ('c', 2, 10), ('c', 3, 10),
               ('d', 0, 10), ('d', 1, 10), ('d', 2, 10), ('d', 3, 50)) x (s, m, n),
       generate_series(1, x.n) k;
EOF
run 0 "effects on the hand-built department" "$BIN" -d "$DB" effects --gt --format csv --boot 99 \
	--outcome requests_log
cp "$W/out" "$W/hand.csv"
has "too few services: a warning" "^didkpi: warning: effects: too few services .*fewer than 10 treated services" "$W/err"
eq "header" "outcome,aggregation,e,cohort,month,estimate,se,ci_low,ci_high,p_value,n_treated,n_control,reliable,label" \
	"$(head -1 "$W/hand.csv")"
L2=0.69314718055994530942; L3=1.09861228866810969140
close "ATT(2025-03,2025-03) = ln 2" $L2 "$(get "$W/hand.csv" requests_log gt 0 2025-03 estimate)"
close "ATT(2025-03,2025-04) = ln 2 (the counter-only service is no comparison)" $L2 \
	"$(get "$W/hand.csv" requests_log gt 1 2025-03 estimate)"
close "ATT(2025-04,2025-04) = ln 3" $L3 "$(get "$W/hand.csv" requests_log gt 0 2025-04 estimate)"
close "pre-adoption ATT(2025-04,2025-03) = 0" 0 "$(get "$W/hand.csv" requests_log gt -1 2025-04 estimate)"
close "overall = (2 ln 2 + ln 3) / 3" "$(python3 -c "print((2 * $L2 + $L3) / 3)")" \
	"$(get "$W/hand.csv" requests_log overall '' '' estimate)"
close "event 0 = (ln 2 + ln 3) / 2" "$(python3 -c "print(($L2 + $L3) / 2)")" \
	"$(get "$W/hand.csv" requests_log event 0 '' estimate)"
close "event 1 = ln 2" $L2 "$(get "$W/hand.csv" requests_log event 1 '' estimate)"
close "dynamic = mean of events 0 and 1" "$(python3 -c "print((($L2 + $L3) / 2 + $L2) / 2)")" \
	"$(get "$W/hand.csv" requests_log dynamic '' '' estimate)"
eq "overall: 2 treated, 2 comparison services (b before it adopts, c)" "2,2" \
	"$(get "$W/hand.csv" requests_log overall '' '' n_treated),$(get "$W/hand.csv" requests_log overall '' '' n_control)"
eq "rows say the inference is unreliable" "FALSE" "$(get "$W/hand.csv" requests_log overall '' '' reliable)"
agree "the hand-built department agrees with cs_ref.py"
run 0 "effects --format json" "$BIN" -d "$DB" effects --format json --boot 99 --outcome requests_log
eq "json meta: unreliable, and why" "False fewer than 10 treated services (2 treated in 2 cohorts, 1 never treated) varying notyet" \
	"$(python3 -c 'import json,sys; m=json.load(open(sys.argv[1]))["meta"]; print(m["reliable"], m["unreliable_because"], m["base"], m["control"])' "$W/out" 2>&1)"
run 0 "effects --lang th: a Thai table" "$BIN" -d "$DB" effects --lang th --boot 99 --outcome requests_log
has "the Thai table names its columns in Thai" "ผลที่ประมาณได้" "$W/out"
run 0 "effects -o FILE" "$BIN" -d "$DB" effects --boot 99 -o "$W/eff.tsv"
eq "-o FILE.tsv writes TSV" "outcome	aggregation" "$(head -1 "$W/eff.tsv" | cut -f1,2)"

# ---------------------------------------------------------------------
# The simulated department: services s01..s30; s01-s06 adopt 2024-07-01,
# s07-s12 2024-10-01, s13-s18 2025-01-01, s19-s24 2025-04-01, s25-s30
# never. Months 2024-01 .. 2025-09. Per service and month: (20 + i) x
# season x noise requests, x 1.2 once adopted; digital share 0.2 + 0.01 i,
# +0.30 once adopted; completed 75 %, 85 % once adopted; service time
# 100 h x lognormal(0.3), 60 h once adopted; half the completed answer,
# score 3 or 4 with P(4) 0.3, 0.8 once adopted (mean +0.5).
newdb t_effects_sim
q "$DBNAME" >/dev/null <<'EOF' || not_ok "the simulated department loads"
CREATE FUNCTION pg_temp.u(k bigint, salt bigint) RETURNS float8 LANGUAGE sql IMMUTABLE
	AS $$ SELECT ((hashint8extended(k, salt) & 1048575)::float8 + 0.5) / 1048576 $$;
CREATE FUNCTION pg_temp.z(k bigint, salt bigint) RETURNS float8 LANGUAGE sql IMMUTABLE
	AS $$ SELECT sqrt(-2 * ln(pg_temp.u(k, salt))) * cos(2 * pi() * pg_temp.u(k, salt + 1)) $$;
INSERT INTO didkpi.services (service_code, name_th, name_en, owner_unit, is_eservice, digital_id_since)
SELECT 's' || lpad(i::text, 2, '0'), 'บริการ ' || i, 'Service ' || i, 'u', true,
       CASE WHEN i <= 24 THEN (date '2024-07-01' + make_interval(months => 3 * ((i - 1) / 6)))::date END
  FROM generate_series(1, 30) i;
CREATE TEMP TABLE sim AS
WITH cell AS (
	SELECT i, m, (date '2024-01-01' + make_interval(months => m))::date AS month,
	       (i <= 24 AND m >= 6 + 3 * ((i - 1) / 6))::int AS post
	  FROM generate_series(1, 30) i, generate_series(0, 20) m
), req AS (
	SELECT c.*, k, (c.i * 100 + c.m) * 1000 + k AS key
	  FROM cell c,
	       generate_series(1, round((20 + c.i) * (1 + 0.2 * c.post) * (1 + 0.2 * sin(c.m))
	                                * exp(0.05 * pg_temp.z(c.i * 100 + c.m, 9)))::int) k
)
SELECT r.*,
       (r.month + make_interval(secs => floor(pg_temp.u(r.key, 1) * (((r.month + interval '1 month')::date
                                - r.month) * 86400 - 1)))) AT TIME ZONE 'Asia/Bangkok' AS submitted_at,
       CASE WHEN pg_temp.u(r.key, 2) < 0.2 + 0.01 * r.i + 0.3 * r.post THEN 'web' ELSE 'counter' END AS channel,
       pg_temp.u(r.key, 3) < 0.75 + 0.1 * r.post AS completed,
       (100 - 40 * r.post) * exp(0.3 * pg_temp.z(r.key, 4)) AS hours,
       pg_temp.u(r.key, 6) < 0.5 AS answers,
       3 + (pg_temp.u(r.key, 7) < 0.3 + 0.5 * r.post)::int AS score
  FROM req r;
INSERT INTO didkpi.service_requests (request_id, service_code, user_key, channel, via_single_window,
                                     auth_method, submitted_at, closed_at, status)
SELECT 'q' || key, 's' || lpad(i::text, 2, '0'), NULL, channel, false, NULL, submitted_at,
       submitted_at + make_interval(secs => round(hours * 3600)),
       CASE WHEN completed THEN 'completed' ELSE 'rejected' END
  FROM sim;
INSERT INTO didkpi.satisfaction (response_id, request_id, service_code, channel, answered_at, score)
SELECT 'v' || key, 'q' || key, 's' || lpad(i::text, 2, '0'), channel,
       submitted_at + make_interval(secs => round(hours * 3600) + 3600), score
  FROM sim WHERE completed AND answers;
EOF
run 0 "effects on the simulated department" "$BIN" -d "$DB" effects --format csv
cp "$W/out" "$W/sim.csv"
lacks "enough services: no warning" "warning" "$W/err"
eq "rows say the inference is reliable" "TRUE" "$(get "$W/sim.csv" requests_log overall '' '' reliable)"
# truth: requests x1.2 (log), +0.30, +0.10, -40 h (median), -40 x e^0.045 h
# (mean of the lognormal), +0.5
for pair in requests_log:0.18232155679395462 digital_channel_rate:0.30 completion_rate:0.10 \
	service_time_median_hours:-40 service_time_mean_hours:-41.841 satisfaction_mean:0.5; do
	o=${pair%%:*} truth=${pair#*:}
	for agg in overall dynamic; do
		inside "simulated: the $agg effect on $o holds the truth $truth in its interval" "$truth" \
			"$(get "$W/sim.csv" "$o" $agg '' '' ci_low)" "$(get "$W/sim.csv" "$o" $agg '' '' ci_high)"
	done
	for e in 3 6; do
		near "simulated: $o at e=$e is near the truth" "$truth" "$o" event $e "$W/sim.csv"
	done
	for e in -6 -3 -2; do
		near "simulated: $o at e=$e is near zero" 0 "$o" event $e "$W/sim.csv"
	done
	p=$(get "$W/sim.csv" "$o" pretrend '' '' p_value)
	inside "simulated: the pre-trend test of $o does not reject at 0.1 % (p = $p)" "$p" 0.001 1
	m=$(prefade "$W/sim.csv" "$o")
	inside "simulated: pre-adoption effects of $o average under 10 % of the effect ($m)" "$m" 0 0.1
done
agree "the simulated department agrees with cs_ref.py"
agree "the simulated department agrees with cs_ref.py (never treated, universal base)" \
	--control never --base universal
run 0 "effects --control never --band simultaneous" "$BIN" -d "$DB" effects --format csv \
	--control never --band simultaneous --outcome digital_channel_rate
cp "$W/out" "$W/simb.csv"
lo=$(get "$W/simb.csv" digital_channel_rate event 3 '' ci_low)
pw=$(get "$W/sim.csv" digital_channel_rate event 3 '' ci_low)
if awk -v a="$lo" -v b="$pw" 'BEGIN { exit !(a + 0 < b + 0) }'; then
	ok "the simultaneous band is wider than the pointwise interval"
else
	not_ok "the simultaneous band is wider than the pointwise interval" "$lo vs $pw"
fi
run 0 "the same seed gives the same output" "$BIN" -d "$DB" effects --format csv
if cmp -s "$W/out" "$W/sim.csv"; then ok "output is reproducible"; else not_ok "output is reproducible"; fi
run 0 "another seed" "$BIN" -d "$DB" effects --format csv --seed 5
if cmp -s "$W/out" "$W/sim.csv"; then not_ok "another seed changes the standard errors"; else ok "another seed changes the standard errors"; fi

# ---------------------------------------------------------------------
# The demo department (sql/demo.sql): built-in long-run effects, r -> 1:
# requests x1.2 (log 0.182); completion 80 -> 92 %; satisfaction mean
# 3.46 -> 4.35 by the score model (+0.89); median service time 120 h x
# tf -> 42 h x tf, -78 h x mean tf (1.258 over the 18 adopting services) =
# -98 h; digital share phi0 -> phi1, mean phi1 - phi0 = 0.458. The ramp
# r(t) = 1 - 0.7 exp(-(t - D)/50 d) makes the first months smaller.
newdb t_effects_demo
run 0 "demo department" "$BIN" -d "$DB" demo --until 2025-12 --seed 1
run 0 "effects on the demo" "$BIN" -d "$DB" effects --format csv
cp "$W/out" "$W/demo.csv"
for pair in requests_log:0.1823 digital_channel_rate:0.458 completion_rate:0.12 \
	service_time_median_hours:-98 satisfaction_mean:0.89; do
	o=${pair%%:*} truth=${pair#*:}
	inside "demo: the overall effect on $o holds the built-in $truth" "$truth" \
		"$(get "$W/demo.csv" "$o" overall '' '' ci_low)" "$(get "$W/demo.csv" "$o" overall '' '' ci_high)"
	near "demo: the effect on $o at e=+6 is near the built-in $truth" "$truth" "$o" event 6 "$W/demo.csv"
	p=$(get "$W/demo.csv" "$o" pretrend '' '' p_value)
	inside "demo: the pre-trend test of $o does not reject (p = $p)" "$p" 0.05 1
	# the pre-adoption event effects average near zero: under a tenth of
	# the overall effect
	m=$(prefade "$W/demo.csv" "$o")
	inside "demo: pre-adoption effects of $o average under 10 % of the effect ($m)" "$m" 0 0.1
done
agree "the demo agrees with cs_ref.py"
# every row's estimate lies inside its own interval
if python3 - "$W/demo.csv" <<'EOF'
import csv, sys
bad = [r for r in csv.DictReader(open(sys.argv[1])) if r["ci_low"] and
       not float(r["ci_low"]) <= float(r["estimate"]) <= float(r["ci_high"])]
sys.exit(1 if bad else 0)
EOF
then ok "demo: every estimate lies inside its own interval"; else not_ok "demo: every estimate lies inside its own interval"; fi

# The chart, in Thai and English; -v says what it draws.
run 0 "chart event-study (Thai)" "$BIN" -d "$DB" -v chart event-study --kpi service_time_median_hours \
	-o "$W/es.png"
has "the chart draws event 0" "^didkpi: event: 0 -" "$W/err"
e0=$(sed -n 's/^didkpi: event: 0 \([^ ]*\) .*/\1/p' "$W/err")
close "the chart's bar at 0 is the event-study estimate" \
	"$(get "$W/demo.csv" service_time_median_hours event 0 '' estimate)" "$e0" 1e-12
eq "the chart is a PNG" "PNG" "$(head -c 4 "$W/es.png" | tail -c 3)"
run 0 "chart event-study (English, SVG)" "$BIN" -d "$DB" chart event-study --lang en \
	--kpi digital_channel_rate -o "$W/es.svg"
has "the SVG is there" "<svg" "$W/es.svg"


# ---- No Thai-capable font: 70, checked while the database and the
# estimate work; no file, the one there before kept; also without a
# database (the font's 70, as when it was checked first) ----
mkdir -p "$W/nofonts"
printf '%s\n' '<?xml version="1.0"?>' '<!DOCTYPE fontconfig SYSTEM "fonts.dtd">' \
	"<fontconfig><dir>$W/nofonts</dir><cachedir>$W/nofonts</cachedir></fontconfig>" >"$W/nofonts.conf"
echo before >"$W/es-keep.png"
FONTCONFIG_FILE=$W/nofonts.conf run 70 "chart event-study: no Thai-capable font" \
	"$BIN" -d "$DB" chart event-study --kpi digital_channel_rate -o "$W/es-keep.png"
has "chart event-study: no font says so" "no Thai-capable font installed" "$W/err"
eq "chart event-study: no font, the file there before kept" before "$(cat "$W/es-keep.png")"
FONTCONFIG_FILE=$W/nofonts.conf run 70 "chart event-study: no font and no database" \
	"$BIN" -d "$NODB" chart event-study --kpi digital_channel_rate -o "$W/es-nodb.png"
eq "chart event-study: no font, no database: no file" no "$([ -e "$W/es-nodb.png" ] && echo yes || echo no)"

finish
