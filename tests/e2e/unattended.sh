#!/bin/bash
# Unattended runs that fail loudly (issue 10, items 16, 17 and the
# workbook part of 7): a period with no data is refused (65) instead of
# giving a workbook of zeros, data that ends before the period does is a
# warning (or 65 with --require-complete), the cover shows the newest
# record of each log relation, Buddhist-era years and POSIX "UTC+7" zones
# are refused with a hint (64), and a 40,000-character name cannot fail a
# workbook. The demo data stops at the end of June 2025, so every date
# below is in the past whatever the clock says.
. "$(dirname "$0")/../lib.sh"

PY=/usr/bin/python3
newdb t_unattended
"$BIN" -d "$DB" demo --scale 0.1 --seed 5 --until 2025-06 >"$W/demo.log" 2>&1 ||
	not_ok "demo data loads" "$(cat "$W/demo.log")"
FULL_DB=$DB FULL_DBNAME=$DBNAME
K() { "$BIN" -d "$DB" kpi "$@"; }
R() { "$BIN" -d "$DB" report "$@"; }
O=$W/out.d
mkdir -p "$O"
# newest record of each log relation, Bangkok time, as the cover shows it
newest() { q "$DBNAME" -c "SELECT to_char(max($2) AT TIME ZONE 'Asia/Bangkok', 'YYYY-MM-DD HH24:MI:SS') FROM didkpi.$1"; }
NA=$(newest auth_events occurred_at)
NR=$(newest service_requests submitted_at)
NS=$(newest satisfaction answered_at)
NEWEST=$(printf '%s\n' "$NA" "$NR" "$NS" | sort | tail -1)
case $NEWEST in 2025-06-30*) ok "the demo data ends on 30 June 2025" ;;
*) not_ok "the demo data ends on 30 June 2025" "newest: $NEWEST" ;; esac

# cover CELL-LABEL WORKBOOK: the value next to a label on the first sheet,
# a date and time as "YYYY-MM-DD HH:MM:SS".
cover() {
	"$PY" - "$2" "$1" <<'PYEOF'
import sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1]).worksheets[0]
for row in ws.iter_rows(min_row=1, max_row=30, max_col=3):
    if row[0].value == sys.argv[2]:
        v = row[1].value
        print(v.strftime("%Y-%m-%d %H:%M:%S") if hasattr(v, "strftime") else v,
              row[2].value or "")
        break
PYEOF
}

# ---- 16: a period with no data at all is refused ----
run 65 "report of a month after the data ends exits 65" R --period 2025-07 -o "$O/m.xlsx"
has "the message names the period" "^didkpi: no data for 2025-07" "$W/err"
has "the message gives the newest record's time" "newest record is from $NEWEST" "$W/err"
has "the hint names --allow-empty" "allow-empty" "$W/err"
eq "no workbook and no temporary file" "" "$(ls -A "$O")"
run 65 "kpi of that month exits 65" K --period 2025-07 --format csv
eq "kpi prints no rows" "" "$(cat "$W/out")"
has "kpi says why" "^didkpi: no data for 2025-07" "$W/err"
run 65 "kpi of a month by interval with no data" K --period 2025-07-01..2025-10-01 --interval month
run 65 "a fiscal year wholly after the data" K --period FY2569 --format csv
run 0 "kpi --allow-empty prints zeros" K --period 2025-07 --allow-empty --kpi requests --format csv
has "zeros" '^2025-07,2025-07-01,2025-08-01,requests,all,,0,0,,,FALSE,' "$W/out"
run 0 "report --allow-empty writes the workbook" R --period 2025-07 --allow-empty -o "$O/empty.xlsx"
# the cover's "data as of" is the newest record, not the time of the run
eq "cover: data as of = newest record (th)" "$NEWEST " "$(cover 'ข้อมูล ณ' "$O/empty.xlsx")"

# ---- 16: the cover shows the newest record of each relation ----
run 0 "report of the last month with data" R --period 2025-06 -o "$O/jun.xlsx"
eq "quiet on success" "" "$(cat "$W/err")"
eq "cover: newest authentication event" "$NA " "$(cover 'การยืนยันตัวตนล่าสุด' "$O/jun.xlsx")"
eq "cover: newest service request" "$NR " "$(cover 'คำขอรับบริการล่าสุด' "$O/jun.xlsx")"
eq "cover: newest satisfaction response" "$NS " "$(cover 'การประเมินความพึงพอใจล่าสุด' "$O/jun.xlsx")"
run 0 "report in English" R --period 2025-06 --lang en -o "$O/jun-en.xlsx"
eq "cover (en): data as of" "$NEWEST " "$(cover 'Data as of' "$O/jun-en.xlsx")"
eq "cover (en): newest authentication event" "$NA " "$(cover 'Newest authentication event' "$O/jun-en.xlsx")"
eq "cover (en): newest service request" "$NR " "$(cover 'Newest service request' "$O/jun-en.xlsx")"
eq "cover (en): newest satisfaction response" "$NS " "$(cover 'Newest satisfaction response' "$O/jun-en.xlsx")"

# ---- 16: data that ends before the period does ----
# The feed stops mid-month: the data of June after the 10th is deleted.
# The same demo as above (nothing above writes to it), copied rather than
# generated again; the demo command itself ran above, in this build.
DBNAME=t_unattended_cut DB="host=$SOCK user=didkpi dbname=t_unattended_cut"
q postgres -c "DROP DATABASE IF EXISTS \"$DBNAME\" WITH (FORCE)" >/dev/null
q postgres -c "CREATE DATABASE \"$DBNAME\" TEMPLATE \"$FULL_DBNAME\"" >"$W/demo.log" 2>&1 ||
	not_ok "demo data loads (cut)" "$(cat "$W/demo.log")"
q "$DBNAME" -c "DELETE FROM didkpi.satisfaction WHERE answered_at >= '2025-06-10 00:00+07';
	DELETE FROM didkpi.auth_events WHERE occurred_at >= '2025-06-10 00:00+07';
	DELETE FROM didkpi.service_requests WHERE submitted_at >= '2025-06-10 00:00+07'" >/dev/null
run 0 "kpi of a month whose data stops on the 9th: exit 0" K --period 2025-06 --kpi requests --format csv
has "with a warning naming the relation" "^didkpi: warning: the data of 2025-06 may be incomplete: .*auth_events 2025-06-09" "$W/err"
has "and the period's end" "before 2025-07-01 00:00:00" "$W/err"
run 65 "kpi --require-complete refuses it" K --period 2025-06 --kpi requests --require-complete
has "says it is incomplete" "^didkpi: incomplete data for 2025-06" "$W/err"
eq "and prints nothing" "" "$(cat "$W/out")"
run 65 "report --require-complete refuses it" R --period 2025-06 --require-complete -o "$O/cut.xlsx"
[ ! -e "$O/cut.xlsx" ] && ok "no workbook" || not_ok "no workbook"
run 0 "report without it warns and writes" R --period 2025-06 -o "$O/cut.xlsx"
has "report warns" "^didkpi: warning: the data of 2025-06 may be incomplete" "$W/err"
eq "cover shows where the requests stop, flagged" "2025-06-09 สิ้นสุดก่อนสิ้นช่วงเวลาที่รายงาน" \
	"$(cover 'คำขอรับบริการล่าสุด' "$O/cut.xlsx" | sed 's/ [0-9:]* / /')"
run 0 "a month whose data is complete: no warning" K --period 2025-05 --kpi requests
eq "no warning for May" "" "$(cat "$W/err")"
run 0 "chart warns too" "$BIN" -d "$DB" chart trend -p 2025-01-01..2025-07-01 -o "$O/t.png"
has "chart warning" "^didkpi: warning: the data of .* may be incomplete" "$W/err"
run 0 "compare on data that covers its windows" "$BIN" -d "$DB" compare --format csv --window 3m

# compare: no service has any data in its windows
newdb t_unattended_nolog
q "$DBNAME" -c "INSERT INTO didkpi.services VALUES ('s1', 'บริการ', 'Service', 'u', true, '2025-01-01')" >/dev/null
run 65 "compare with no data in any window exits 65" "$BIN" -d "$DB" compare --format csv
has "compare says why" "^didkpi: no data to compare: no adopting service has a request" "$W/err"
run 0 "compare --allow-empty goes on" "$BIN" -d "$DB" compare --format csv --allow-empty
run 65 "kpi on empty logs" K --period 2025-03
has "says the relations are empty" "are all empty" "$W/err"

# ---- 17: Buddhist-era years are refused with the C.E. form ----
DB=$FULL_DB DBNAME=$FULL_DBNAME
run 64 "kpi --period 2568-03" K --period 2568-03
has "hint 2025-03 and FY2568" "2568 looks like a buddhist era year: .* so 2025-03; .*FY2568" "$W/err"
run 64 "kpi --period 2568" K --period 2568
has "hint 2025" "so 2025;" "$W/err"
run 64 "report --period 2568-03-01..2568-04-01" R --period 2568-03-01..2568-04-01 -o "$O/be.xlsx"
has "hint the C.E. range" "so 2025-03-01..2025-04-01;" "$W/err"
run 64 "a range with one B.E. end" K --period 2025-03-01..2568-04-01
run 64 "chart --period 2568-03" "$BIN" -d "$DB" chart trend -p 2568-03 -o "$O/be.png"
run 64 "FY2025 is refused" K --period FY2025
has "hint FY2568" "use FY2568" "$W/err"
run 0 "FY2568 is fine" K --period FY2568 --kpi requests
[ ! -e "$O/be.xlsx" ] && ok "no B.E. workbook" || not_ok "no B.E. workbook"

# ---- 17: --tz UTC+7 means UTC-7 in POSIX: refused everywhere ----
for tz in UTC+7 GMT+7 UTC+07:00 +07:00; do
	run 64 "kpi --tz $tz" K --period 2025-03 --tz "$tz"
	has "kpi --tz $tz: hint Etc/GMT-7" "Etc/GMT-7" "$W/err"
done
run 64 "report --tz UTC+7" R --period 2025-03 --tz UTC+7 -o "$O/tz.xlsx"
run 64 "compare --tz UTC+7" "$BIN" -d "$DB" compare --tz UTC+7
run 64 "chart --tz UTC+7" "$BIN" -d "$DB" chart trend -p 2025-03 --tz UTC+7 -o "$O/tz.png"
printf 'staff_key,unit,is_frontline,trained_on\nz1,u,true,\n' >"$W/staff.csv"
run 64 "load --tz UTC+7" "$BIN" -d "$DB" load staff "$W/staff.csv" --tz UTC+7
has "load names the trap" "posix offset" "$W/err"
eq "load stored nothing" "0" "$(q "$DBNAME" -c "SELECT count(*) FROM didkpi.staff WHERE staff_key = 'z1'")"
run 64 "GMT-3 is refused with Etc/GMT+3" K --period 2025-03 --tz GMT-3
has "inverted sign spelled out" "Etc/GMT\+3" "$W/err"
# the spelled-out zone gives Bangkok's numbers (UTC+7, no daylight time)
run 0 "Etc/GMT-7 is accepted" K --period 2025-03 --tz Etc/GMT-7 --format csv --kpi requests,active_users
cp "$W/out" "$W/etc.csv"
K --period 2025-03 --format csv --kpi requests,active_users >"$W/bkk.csv" 2>/dev/null
eq "Etc/GMT-7 = Asia/Bangkok" "$(cat "$W/bkk.csv")" "$(cat "$W/etc.csv")"

# ---- 7: a 40,000-character name cannot fail a workbook ----
code=$(q "$DBNAME" -c "SELECT min(service_code) FROM didkpi.services")
q "$DBNAME" -c "UPDATE didkpi.services SET name_en = repeat('x', 40000),
	name_th = repeat('ก', 32760) || repeat(U&'\+01F600', 10) || repeat('ข', 8000) WHERE service_code = '$code'" >/dev/null
# the longest cell in any sheet: characters, UTF-16 units, last character
longest() {
	"$PY" - "$1" <<'PYEOF'
import sys, openpyxl
best = ""
for ws in openpyxl.load_workbook(sys.argv[1]).worksheets:
    for row in ws.iter_rows(values_only=True):
        for v in row:
            if isinstance(v, str) and len(v) > len(best):
                best = v
print(len(best.encode("utf-16-le")) // 2, best[-1:] == "\u2026")
PYEOF
}
for tpl in analyst monthly; do
	for lang in en th; do
		run 0 "$tpl $lang workbook with a 40,000-character name" \
			R --template "$tpl" --lang "$lang" --period 2025-03 -o "$O/long-$tpl-$lang.xlsx"
		l=$(longest "$O/long-$tpl-$lang.xlsx" 2>&1)
		if [ $tpl = analyst ]; then
			# its services sheets name every service
			eq "$tpl $lang: the long name is cut to Excel's limit with an ellipsis" "32767 True" "$l"
		elif [ "${l%% *}" -le 32767 ] 2>/dev/null; then
			ok "$tpl $lang: readable, no cell beyond Excel's limit"
		else
			not_ok "$tpl $lang: readable, no cell beyond Excel's limit" "$l"
		fi
	done
done
finish
