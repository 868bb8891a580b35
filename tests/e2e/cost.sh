#!/bin/bash
# Cost per transaction and digital savings (issue 13, item 4): channel_costs
# loaded and validated, the KPIs computed by hand on the kpi fixture (the
# reasoning for each value is in the comments), missing costs warned and
# never counted free, the cheapest non-digital channel as "the counter",
# small cells, --raw, the independent reference (tests/reference/kpi_ref.py)
# on the fixture and on the demo, the workbook and the chart.
. "$(dirname "$0")/../lib.sh"

newdb t_cost
for rel in services service_requests auth_events satisfaction staff kpi_targets; do
	"$BIN" -d "$DB" load -q "$rel" "$TOP/tests/fixtures/kpi/$rel.csv" ||
		not_ok "fixture $rel loads"
done
K() { "$BIN" -d "$DB" kpi "$@"; }
line() {  # the SPEC's eleven columns; the label after them is not compared
	if WANT="$2," awk 'index($0, ENVIRON["WANT"]) == 1 { f = 1 } END { exit !f }' "$W/out"; then ok "$1"; else
		not_ok "$1" "missing line: $2" "lines of that KPI:" "$(grep -F ",$(echo "$2" | cut -d, -f4)," "$W/out" | head -12)"
	fi
}
P='2025-03,2025-03-01,2025-04-01'
C='--kpi cost_per_transaction,digital_savings_thb'

# No costs at all: the KPIs are empty (never 0 baht), quietly.
run 0 "no channel costs loaded" K --period 2025-03 $C --by channel --min-cell 0 --format csv
line "no costs: cost per transaction is empty over 6 completed" "$P,cost_per_transaction,all,,,,6,,FALSE"
line "no costs: no savings over 4 digital" "$P,digital_savings_thb,all,,,,4,,FALSE"
lacks "no costs: no warning per channel" "warning" "$W/err"

run 0 "channel costs load" "$BIN" -d "$DB" load channel_costs "$TOP/tests/fixtures/cost/channel_costs.csv"
has "8 cost rows" "read 8, loaded 8, duplicate 0, rejected 0" "$W/out"
run 0 "reloading the costs changes nothing" "$BIN" -d "$DB" load channel_costs "$TOP/tests/fixtures/cost/channel_costs.csv"
has "defaults (no service) count as duplicates" "read 8, loaded 0, duplicate 8, rejected 0" "$W/out"
# A channel default (service NULL) again with another cost: the same key.
printf 'channel,service_code,valid_from,valid_to,cost_thb,source\nweb,,2025-03-05,2025-09-30,26,\n' >"$W/c1.csv"
run 65 "a default cost changed under the same key is a conflict" "$BIN" -d "$DB" load channel_costs "$W/c1.csv"
has "names the key with its empty service" "key 'web, 2025-03-05' is already present with different content" "$W/c1.csv.rejects.csv"
printf 'channel,service_code,valid_from,valid_to,cost_thb,source\ncounter,s_d,2025-09-01,2025-10-31,240,\n' >"$W/c2.csv"
run 65 "a cost overlapping a stored one is refused" "$BIN" -d "$DB" load channel_costs "$W/c2.csv"
has "rejects file names the overlap" "overlaps another cost of channel counter and service s_d" "$W/c2.csv.rejects.csv"
if q "$DBNAME" -c "INSERT INTO didkpi.channel_costs VALUES ('web', NULL, '2025-09-30', '2025-12-31', 20, 'psql')" >/dev/null 2>"$W/psql.err"; then
	not_ok "psql: an overlapping cost is refused"
else
	has "psql: an overlapping cost is refused (exclusion_violation)" "overlaps the one valid from 2025-03-05" "$W/psql.err"
fi
eq "the costs are as loaded" "8" "$(q "$DBNAME" -c "SELECT count(*) FROM didkpi.channel_costs")"

# Completed with closed_at in March (local): r01 s_a web 1 Mar (web 30,
# valid to 4 Mar), r02 s_a mobile 5 Mar (35), r04 s_b web 12 Mar (s_b's own
# web cost 40 beats the default 25.25), r08 s_d counter 3 Mar 23:59:59
# local (s_d's counter 250.5 until 19 Mar), r09 s_d counter 20 Mar (240),
# r12 s_b web 31 Mar 23:00 local (40). r11 closes 1 Apr local: April.
# Total 30 + 35 + 40 + 250.5 + 240 + 40 = 635.5 over 6.
run 0 "kpi with costs, every breakdown, no suppression" K --period 2025-03 $C --by service,unit,channel,method --min-cell 0 --format csv
lacks "every request has a cost: no warning" "warning" "$W/err"
line "cost per transaction = 635.5 / 6" "$P,cost_per_transaction,all,,105.91666666666667,635.5,6,,FALSE"
line "a service's own cost overrides the channel's: s_b web 40 + 40" "$P,cost_per_transaction,service,s_b,40,80,2,,FALSE"
line "the cost in force on the closing day: s_d 250.5 then 240" "$P,cost_per_transaction,service,s_d,245.25,490.5,2,,FALSE"
line "the closing day is local: r01 closes 1 Mar 12:30 in Bangkok (web 30)" "$P,cost_per_transaction,service,s_a,32.5,65,2,,FALSE"
line "by unit" "$P,cost_per_transaction,unit,unit-a,36.25,145,4,,FALSE"
line "by channel: web 30 + 40 + 40" "$P,cost_per_transaction,channel,web,36.666666666666664,110,3,,FALSE"
line "a channel with nothing completed: empty over 0" "$P,cost_per_transaction,channel,kiosk,,0,0,,FALSE"
# Savings of the digital ones at the counter's 200 (s_a, s_b: no own
# counter cost): (200-30) + (200-35) + (200-40) + (200-40) = 655.
line "digital savings 170 + 165 + 160 + 160" "$P,digital_savings_thb,all,,655,655,4,,FALSE"
line "savings by channel: mobile 200 - 35" "$P,digital_savings_thb,channel,mobile,165,165,1,,FALSE"
line "no savings on the counter itself" "$P,digital_savings_thb,channel,counter,0,0,0,,FALSE"
line "a service with only counter requests saves 0" "$P,digital_savings_thb,service,s_d,0,0,0,,FALSE"
lacks "no method breakdown for the cost KPIs" ',(cost_per_transaction|digital_savings_thb),method,' "$W/out"
eq "full grid: 5 services x 2 cost KPIs" "10" "$(grep -cE ',(cost_per_transaction|digital_savings_thb),service,' "$W/out")"

# Small cells: the cost KPIs count the requests service time counts, so
# their rows of 1..4 completed requests are suppressed as its are.
run 0 "default suppression" K --period 2025-03 $C,service_time_median_hours --by service,channel --format csv
line "a service with 2 completed requests is suppressed" "$P,cost_per_transaction,service,s_b,,,,,TRUE"
line "savings of 1 digital request suppressed" "$P,digital_savings_thb,channel,mobile,,,,,TRUE"
line "totals are never suppressed" "$P,cost_per_transaction,all,,105.91666666666667,635.5,6,,FALSE"

# A target in baht is printed with the KPI.
printf 'kpi,valid_from,valid_to,target\ncost_per_transaction,2024-10-01,2025-09-30,120\n' >"$W/t.csv"
run 0 "a target for cost per transaction loads" "$BIN" -d "$DB" load kpi_targets "$W/t.csv"
run 0 "kpi with the cost target" K --period 2025-03 --kpi cost_per_transaction --format csv
line "target printed" "$P,cost_per_transaction,all,,105.91666666666667,635.5,6,120,FALSE"
q "$DBNAME" -c "DELETE FROM didkpi.kpi_targets WHERE kpi = 'cost_per_transaction'" >/dev/null

# Tables for people: Thai labels, baht with satang.
run 0 "table in Thai" K --period 2025-03 $C --format table
has "Thai label" "ต้นทุนต่อรายการ \(บาท\)" "$W/out"
has "savings label" "ประหยัดได้จากช่องทางดิจิทัล \(บาท\)" "$W/out"
has "baht with two decimals" "105\.92" "$W/out"

# --raw: the rollup path and the raw path are the same bytes.
for args in "--period 2025-03" "--period FY2568 --interval month"; do
	# shellcheck disable=SC2086
	K $args --by service,unit,channel,method --format csv >"$W/roll" 2>"$W/err"
	# shellcheck disable=SC2086
	K $args --by service,unit,channel,method --format csv --raw >"$W/raw" 2>>"$W/err"
	if [ -s "$W/raw" ] && grep -q cost_per_transaction "$W/raw" && cmp -s "$W/roll" "$W/raw"; then
		ok "--raw is the same with costs: $args"
	else
		not_ok "--raw is the same with costs: $args" "$(diff "$W/raw" "$W/roll" | head -8)"
	fi
done

# reference ARGS...: the independent computation agrees on every row, and
# nothing suppressed can be recomputed.
reference() {
	K "$@" --format csv >"$W/engine.csv" 2>"$W/err"
	local rc=$?
	# kpi_ref.py gives the same rows whatever the build: it runs where
	# DIDKPI_TEST_REFS is 1 (the normal build); every build runs the engine
	# with the same arguments, and the suppression audit of its output.
	if [ "${DIDKPI_TEST_REFS:-1}" != 1 ]; then
		[ "$rc" = 0 ] && [ -s "$W/engine.csv" ] && ok "the engine runs: $*" ||
			not_ok "the engine runs: $*" "exit status $rc" "$(head -c 500 "$W/err")"
	elif python3 "$TOP/tests/reference/kpi_ref.py" -d "$DB" "$@" >"$W/ref.csv" 2>>"$W/err"
		[ -s "$W/ref.csv" ] && grep -q digital_savings_thb "$W/ref.csv" &&
		python3 "$TOP/tests/reference/agree.py" "$W/engine.csv" "$W/ref.csv" >"$W/agree"; then
		ok "reference agrees: $*"
	else
		not_ok "reference agrees: $*" "$(head -10 "$W/agree")" "$(head -c 500 "$W/err")"
	fi
	case "$*" in *--min-cell\ 0*) ;; *)
		q "$DBNAME" -c "SELECT service_code || '|' || owner_unit FROM didkpi.services" >"$W/units"
		res=$(python3 "$TOP/tests/reference/suppress_audit.py" "$W/engine.csv" "$W/units" 2>&1)
		eq "nothing suppressed is recoverable: $*" "0" "${res##* }"
	esac
}
have_ref=0
python3 -c 'import zoneinfo' 2>/dev/null && have_ref=1
if [ $have_ref = 1 ]; then
	reference --period 2025-03 --by service,unit,channel --min-cell 0
	reference --period FY2568 --interval month --by service,unit,channel,method
	reference --period 2025-02-15..2025-04-10 --by channel --tz UTC --min-cell 0
fi

# Missing costs: the cell is left empty and a warning names the channel and
# the days. Without mobile's cost, r02 (s_a mobile, 5 Mar) has none.
q "$DBNAME" -c "DELETE FROM didkpi.channel_costs WHERE channel = 'mobile'" >/dev/null
run 0 "kpi with a channel's cost missing" K --period 2025-03 $C --by service,channel --min-cell 0 --format csv
has "warning names the channel and the days" "warning: channel 'mobile' has no cost in channel_costs on 1 day\(s\) from 2025-03-05 to 2025-03-05 \(1 completed requests\)" "$W/err"
line "the total is not computed (not counted free)" "$P,cost_per_transaction,all,,,,6,,FALSE"
line "nor the service's" "$P,cost_per_transaction,service,s_a,,,2,,FALSE"
line "other services keep their cost" "$P,cost_per_transaction,service,s_b,40,80,2,,FALSE"
line "other channels keep their cost" "$P,cost_per_transaction,channel,web,36.666666666666664,110,3,,FALSE"
line "savings not computed either" "$P,digital_savings_thb,all,,,,4,,FALSE"
[ $have_ref = 1 ] && reference --period 2025-03 --by service,unit,channel --min-cell 0

# "The counter" is the cheapest non-digital channel in force: a phone
# channel at 150 baht makes the savings (150-30) + (150-40) + (150-40) +
# (150-35) = 455.
q "$DBNAME" -c "INSERT INTO didkpi.channel_costs VALUES ('mobile', NULL, '2024-10-01', '2025-09-30', 35, NULL)" >/dev/null
printf 'channel,name_th,name_en,is_digital\nphone,โทรศัพท์,Telephone,false\n' >"$W/ch.csv"
"$BIN" -d "$DB" load -q channels "$W/ch.csv" || not_ok "phone channel loads"
printf 'channel,service_code,valid_from,valid_to,cost_thb,source\nphone,,2024-10-01,2025-09-30,150,call centre\n' >"$W/c3.csv"
run 0 "a second non-digital channel's cost loads" "$BIN" -d "$DB" load channel_costs "$W/c3.csv"
run 0 "kpi with two non-digital channels" K --period 2025-03 $C --by channel --min-cell 0 --format csv
line "savings against the cheapest non-digital channel" "$P,digital_savings_thb,all,,455,455,4,,FALSE"
line "the phone channel is in the grid" "$P,cost_per_transaction,channel,phone,,0,0,,FALSE"
[ $have_ref = 1 ] && reference --period 2025-03 --by service,unit,channel --min-cell 0

# Only the savings have a gap (every request priced, no non-digital cost in
# force to compare with): the warning is still given (lib/kpi.c asks for
# it when a period's cost or savings came out empty).
q "$DBNAME" -c "UPDATE didkpi.channels SET is_digital = true WHERE channel = 'counter'" \
	-c "DELETE FROM didkpi.channel_costs WHERE channel = 'phone'" >/dev/null
run 0 "kpi with no non-digital cost in force" K --period 2025-03 $C --by channel --min-cell 0 --format csv
has "the warning names the uncompared digital channel" "no non-digital \(counter\) cost to compare digital channel 'mobile' with on 1 day\(s\)" "$W/err"
lacks "no request lacks its own cost" "has no cost in channel_costs" "$W/err"
eq "the cost per transaction is computed" "1" "$(awk -F, '$4 == "cost_per_transaction" && $5 == "all" && $7 != "" { n++ } END { print n + 0 }' "$W/out")"
line "the savings are not" "$P,digital_savings_thb,all,,,,6,,FALSE"
q "$DBNAME" -c "UPDATE didkpi.channels SET is_digital = false WHERE channel = 'counter'" >/dev/null

# The demo department has illustrative costs for every channel and year:
# no warning, plausible values, and the reference agrees.
newdb t_cost_demo
run 0 "demo" "$BIN" -d "$DB" demo --scale 0.1 --seed 3 --until 2025-09
has "demo reports its channel costs" "channel_costs +[0-9]+ rows" "$W/err"
run 0 "demo: cost KPIs for FY2568" K --period FY2568 $C --by channel --format csv
lacks "demo: every request has a cost" "no cost|no non-digital" "$W/err"
cpt=$(awk -F, '$4 == "cost_per_transaction" && $5 == "all" { print $7 }' "$W/out")
counter=$(awk -F, '$4 == "cost_per_transaction" && $6 == "counter" { print $7 }' "$W/out")
web=$(awk -F, '$4 == "cost_per_transaction" && $6 == "web" { print $7 }' "$W/out")
sav=$(awk -F, '$4 == "digital_savings_thb" && $5 == "all" { print $7 }' "$W/out")
if awk -v c="$counter" -v w="$web" -v a="$cpt" -v s="$sav" \
	'BEGIN { exit !(c >= 180 && c <= 260 && w >= 20 && w <= 45 && a > w && a < c && s > 0) }'; then
	ok "demo: plausible costs (all $cpt, counter $counter, web $web, saved $sav)"
else
	not_ok "demo: plausible costs" "all $cpt, counter $counter, web $web, saved $sav"
fi
[ $have_ref = 1 ] && reference --period FY2568 --interval quarter --by service,unit,channel

# The monthly workbook has both KPIs on its summary and trend sheets.
run 0 "monthly workbook" "$BIN" -d "$DB" report --period 2025-09 --lang en -o "$W/m.xlsx"
mkdir -p "$W/x" && (cd "$W/x" && unzip -q -o "$W/m.xlsx")
has "workbook labels cost per transaction" "Cost per transaction \(baht\)" "$W/x/xl/sharedStrings.xml"
has "workbook labels the savings" "Savings from digital channels \(baht\)" "$W/x/xl/sharedStrings.xml"
eq "two more line charts on the trend sheet" "yes" \
	"$(grep -l 'Cost per transaction' "$W"/x/xl/charts/chart*.xml >/dev/null 2>&1 && echo yes)"
run 0 "monthly workbook in Thai" "$BIN" -d "$DB" report --period 2025-09 -o "$W/th.xlsx"
mkdir -p "$W/y" && (cd "$W/y" && unzip -q -o "$W/th.xlsx")
has "Thai label in the workbook" "ต้นทุนต่อรายการ" "$W/y/xl/sharedStrings.xml"

# The trend chart takes the cost KPIs, in baht.
run 0 "trend chart of cost per transaction" "$BIN" -d "$DB" chart trend --kpi cost_per_transaction --period FY2568 -o "$W/cost.png"
eq "a PNG" "PNG" "$(head -c 4 "$W/cost.png" | tail -c 3)"
run 0 "trend chart of the savings as SVG, in English" "$BIN" -d "$DB" chart trend --kpi digital_savings_thb --period FY2568 --lang en -o "$W/sav.svg"
has "an SVG" "^<svg" "$W/sav.svg"

# didkpi.completed_costs() finds each price once per stretch of days
# between two cost rows' edges (schema version 12). Oracle: the lookup
# per day, written here by the rules of version 7 (a service's own cost
# before the channel's default, then the latest valid_from; the counter
# cost the cheapest non-digital channel's). Compared on the demo with
# costs left out for a year and for the counter, a service's own costs
# starting and ending mid-month (one of a single day, one across a year's
# edge), a cost valid to the last date there is, and kiosks made
# non-digital; from the rollup and from the raw requests.
q "$DB" <<'SQL'
DELETE FROM didkpi.channel_costs WHERE channel = 'web' AND service_code IS NULL AND valid_from = '2024-10-01';
DELETE FROM didkpi.channel_costs WHERE channel = 'counter' AND service_code IS NULL AND valid_from = '2023-10-01';
DELETE FROM didkpi.channel_costs WHERE valid_from < '2023-10-01';
INSERT INTO didkpi.channel_costs (channel, service_code, valid_from, valid_to, cost_thb) VALUES
	('web', 'fund_loan', '2024-12-15', '2025-02-10', 11.11),
	('mobile', 'skill_test', '2024-09-25', '2024-10-05', 7.5),
	('mobile', 'fund_loan', '2025-01-15', '2025-01-15', 1),
	('counter', NULL, '2027-10-01', '5874897-12-31', 300);
UPDATE didkpi.channels SET is_digital = false WHERE channel = 'kiosk';
SQL
oracle="WITH g AS (SELECT * FROM didkpi.completed_counts(\$1, \$2, 'Asia/Bangkok', \$3))
SELECT g.i, g.day, g.service_code, g.channel, g.n, ch.is_digital,
       (SELECT k.cost_thb FROM didkpi.channel_costs k
         WHERE k.channel = g.channel AND (k.service_code = g.service_code OR k.service_code IS NULL)
           AND g.day BETWEEN k.valid_from AND k.valid_to
         ORDER BY k.service_code IS NULL, k.valid_from DESC LIMIT 1),
       CASE WHEN ch.is_digital THEN
       (SELECT min((SELECT k.cost_thb FROM didkpi.channel_costs k
                     WHERE k.channel = b.channel AND (k.service_code = g.service_code OR k.service_code IS NULL)
                       AND g.day BETWEEN k.valid_from AND k.valid_to
                     ORDER BY k.service_code IS NULL, k.valid_from DESC LIMIT 1))
          FROM didkpi.channels b WHERE NOT b.is_digital) END
  FROM g JOIN didkpi.channels ch ON ch.channel = g.channel"
for r in true false; do
	for pd in "{2024-01-01,2024-09-20,2025-01-15}|{2025-10-01,2024-10-12,2025-01-16}" \
		  "{2023-04-01}|{2025-10-01}"; do
		res=$(q "$DB" -F' ' <<SQL
PREPARE o(date[], date[], boolean) AS $oracle;
SELECT (SELECT count(*) FROM didkpi.completed_costs('${pd%|*}', '${pd#*|}', 'Asia/Bangkok', $r)),
       (SELECT count(*) FROM didkpi.completed_costs('${pd%|*}', '${pd#*|}', 'Asia/Bangkok', $r)
         WHERE unit_cost IS NULL OR (is_digital AND counter_cost IS NULL)),
       (SELECT count(*) FROM didkpi.completed_costs('${pd%|*}', '${pd#*|}', 'Asia/Bangkok', $r)
         WHERE unit_cost = 11.11 OR unit_cost = 7.5 OR unit_cost = 1);
CREATE TEMP TABLE o AS EXECUTE o('${pd%|*}', '${pd#*|}', $r);
SELECT count(*) FROM ((SELECT * FROM o EXCEPT ALL
		       SELECT * FROM didkpi.completed_costs('${pd%|*}', '${pd#*|}', 'Asia/Bangkok', $r))
		      UNION ALL
		      (SELECT * FROM didkpi.completed_costs('${pd%|*}', '${pd#*|}', 'Asia/Bangkok', $r)
		       EXCEPT ALL SELECT * FROM o)) x;
SQL
)
		set -- $res
		if [ "${1:-0}" -gt 1000 ] && [ "${2:-0}" -gt 0 ] && [ "${3:-0}" -gt 0 ] && [ "${4:-x}" = 0 ]; then
			ok "costs by stretch = costs by day (rollup $r, ${pd%|*}): $1 rows, $2 without a cost, $3 at a service's own"
		else
			not_ok "costs by stretch = costs by day (rollup $r, ${pd%|*})" "rows, without a cost, own, differences: $res"
		fi
	done
done

finish
