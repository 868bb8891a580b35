#!/bin/bash
# Privacy of what is published (issue 10 items 10-12): complementary
# small-cell suppression checked by an independent solver on the demo and on
# random departments; the CSV formula guard, checked byte for byte and in
# LibreOffice; control characters escaped in messages and tables.
. "$(dirname "$0")/../lib.sh"

AUDIT="$TOP/tests/reference/suppress_audit.py"
# units FILE: each service's owner unit, "code|unit", for the audit.
units() { q "$DBNAME" -c "SELECT service_code || '|' || owner_unit FROM didkpi.services" >"$1"; }
# audit WHAT CSV: no suppressed cell can be recovered from the published ones.
audit() {
	local res
	res=$(python3 "$AUDIT" "$2" "$W/units" 2>"$W/audit.err")
	case $res in
	hidden\ [1-9]*\ recoverable\ 0) ok "$1 ($res)" ;;
	*) not_ok "$1" "audit: $res" "$(head -5 "$W/audit.err")" ;;
	esac
}

# ---- item 10: complementary suppression on the demo department ----
newdb t_privacy
"$BIN" -d "$DB" demo --scale 1 --seed 1 >"$W/demo.log" 2>&1 || not_ok "demo loads" "$(tail -3 "$W/demo.log")"
units "$W/units"
K() { "$BIN" -d "$DB" kpi "$@"; }

# The issue's example: fund_loan_repayment's one answer in October 2024
# came back as its unit minus the unit's two other services.
run 0 "satisfaction by service and unit, October 2024" K -p 2024-10 -k satisfaction_mean -b service,unit -f csv
# (the demo sets a target for satisfaction_mean: issue 12 item 5)
has "the small cell is suppressed" ',satisfaction_mean,service,fund_loan_repayment,,,,[0-9.]*,TRUE,' "$W/out"
audit "no suppressed cell is recoverable (one KPI, one month)" "$W/out"
n_unit=$(grep -c ',satisfaction_mean,unit,.*,TRUE,' "$W/out")
n_svc=$(grep -c ',satisfaction_mean,service,.*,TRUE,' "$W/out")
if [ "$n_svc" -ge 2 ] || [ "$n_unit" -ge 1 ]; then ok "a complementary cell is hidden too ($n_svc services, $n_unit units)"; else
	not_ok "a complementary cell is hidden too" "$(grep ',TRUE,' "$W/out")"; fi

run 0 "FY2568 by month, every breakdown" K -p FY2568 -i month -b service,unit,channel,method -f csv
audit "FY2568 by month: no suppressed cell is recoverable" "$W/out"
cp "$W/out" "$W/fy.csv"
run 0 "--min-cell 0 publishes everything" K -p FY2568 -i month -b service,unit,channel,method -f csv --min-cell 0
eq "--min-cell 0: nothing suppressed" "0" "$(grep -c ',TRUE,' "$W/out")"
# Rows that are published are published unchanged.
if python3 - "$W/fy.csv" "$W/out" <<'PY'
import csv, sys
sup = list(csv.reader(open(sys.argv[1], encoding="utf-8")))
full = list(csv.reader(open(sys.argv[2], encoding="utf-8")))
assert len(sup) == len(full)
for a, b in zip(sup[1:], full[1:]):
    if a[10] == "TRUE":
        assert a[:6] == b[:6] and a[6:9] == ["", "", ""] and a[9] == b[9], (a, b)
    else:
        assert a == b, (a, b)
PY
then ok "published rows equal the unsuppressed output"; else not_ok "published rows equal the unsuppressed output"; fi
run 0 "a stricter threshold" K -p FY2568-Q1 -b service,unit,channel,method -f csv --min-cell 40
audit "--min-cell 40: no suppressed cell is recoverable" "$W/out"
run 0 "service breakdown alone (no unit rows)" K -p 2024-12 -b service -f csv --min-cell 20
audit "--by service alone: no suppressed cell is recoverable" "$W/out"

# ---- item 10: random departments ----
for seed in 1 2 3 4 5; do
	newdb t_privacy_r
	mkdir -p "$W/rand$seed"
	python3 "$TOP/tests/fixtures/privacy/random_dept.py" "$seed" "$W/rand$seed"
	for rel in services service_requests satisfaction auth_events staff; do
		"$BIN" -d "$DB" load -q "$rel" "$W/rand$seed/$rel.csv" >>"$W/load.log" 2>&1 ||
			not_ok "random seed $seed: $rel loads" "$(tail -3 "$W/load.log")"
	done
	units "$W/units"
	run 0 "random department $seed" K -p 2025-03 -b service,unit,channel,method -f csv
	audit "random department $seed: no suppressed cell is recoverable" "$W/out"
	run 0 "random department $seed, --min-cell 10" K -p 2025-03 -b service,unit,channel,method -f csv --min-cell 10
	audit "random department $seed, --min-cell 10: none recoverable" "$W/out"
done

# ---- item 11: CSV formula injection ----
newdb t_privacy_csv
cat >"$W/services.csv" <<'CSV'
service_code,name_th,name_en,owner_unit,is_eservice,digital_id_since
s_eq,บริการ,Service,"=HYPERLINK(""http://evil.example/"",""click"")",true,
s_plus,บริการ,Service,+1+2,true,
s_at,บริการ,Service,@SUM(1),true,
-s_minus,บริการ,Service,-2+3,true,2024-01-01
s_ok,บริการ,Service,ฝ่ายปกติ,true,
CSV
# one request in the month, so that the period has data
cat >"$W/requests.csv" <<'CSV'
request_id,service_code,user_key,channel,via_single_window,auth_method,submitted_at,closed_at,status
r1,s_ok,u1,web,false,thaid,2025-03-05T10:00:00,,pending
CSV
for rel in services requests; do
	"$BIN" -d "$DB" load -q "${rel/requests/service_requests}" "$W/$rel.csv" >"$W/load.log" 2>&1 ||
		not_ok "hostile names: $rel loads" "$(cat "$W/load.log")"
done
run 0 "kpi csv with hostile unit names" K -p 2025-03 -k requests -b service,unit -f csv --min-cell 0
has "= is quoted text" "^2025-03,2025-03-01,2025-04-01,requests,unit,\"'=HYPERLINK\(\"\"http://evil.example/\"\",\"\"click\"\"\)\",0,0,,,FALSE," "$W/out"
has "+ is quoted text" ",requests,unit,\"'\+1\+2\",0,0,,,FALSE," "$W/out"
has "@ is quoted text" ",requests,unit,\"'@SUM\(1\)\",0,0,,,FALSE," "$W/out"
has "- in a text cell is quoted text" ",requests,unit,\"'-2\+3\",0,0,,,FALSE," "$W/out"
has "a code that starts with - too" ",requests,service,\"'-s_minus\",0,0,,,FALSE," "$W/out"
has "plain text unchanged" ",requests,unit,ฝ่ายปกติ,1,1,,,FALSE," "$W/out"
cp "$W/out" "$W/guarded.csv"
run 0 "tsv with hostile unit names" K -p 2025-03 -k requests -b unit -f tsv --min-cell 0
has "tsv: a quote in front" "$(printf "\tunit\t'=HYPERLINK")" "$W/out"
run 0 "--no-formula-guard" K -p 2025-03 -k requests -b unit -f csv --no-formula-guard --min-cell 0
has "raw for pipelines" ',requests,unit,"=HYPERLINK\(""http://evil.example/"",""click""\)",0,0,,,FALSE,' "$W/out"
run 0 "json is not changed" K -p 2025-03 -k requests -b unit -f json --min-cell 0
eq "json keeps the name" '=HYPERLINK("http://evil.example/","click")' "$(jq -r '.rows[] | select(.key != null and (.key | startswith("=")))| .key' "$W/out")"
run 0 "compare csv" "$BIN" -d "$DB" compare -f csv --allow-empty
has "compare goes through the same guard" "^\"'-s_minus\"," "$W/out"
run 0 "compare csv --no-formula-guard" "$BIN" -d "$DB" compare -f csv --no-formula-guard --allow-empty
has "compare: raw for pipelines" "^-s_minus," "$W/out"
# Opened for real: LibreOffice reads the CSV; the cell must be text.
# LibreOffice reading what didkpi wrote gives the same verdict whatever
# the build: it runs where DIDKPI_TEST_REFS is 1 (the normal build); the
# other builds still write both CSVs with the same commands above.
if [ "${DIDKPI_TEST_REFS:-1}" = 1 ] && command -v soffice >/dev/null 2>&1 && command -v unzip >/dev/null 2>&1; then
	mkdir -p "$W/lo" "$W/lohome"
	for v in guarded raw; do
		if [ $v = raw ]; then K -p 2025-03 -k requests -b unit -f csv --no-formula-guard --min-cell 0 >"$W/lo/raw.csv"
		else cp "$W/guarded.csv" "$W/lo/guarded.csv"; fi
		HOME=$W/lohome timeout 120 soffice --headless --norestore \
			-env:UserInstallation=file://$W/lohome --infilter="CSV:44,34,76,1" \
			--convert-to xlsx --outdir "$W/lo" "$W/lo/$v.csv" >"$W/lo/$v.log" 2>&1
		unzip -p "$W/lo/$v.xlsx" xl/worksheets/sheet1.xml >"$W/lo/$v.xml" 2>/dev/null
	done
	if [ -s "$W/lo/raw.xml" ]; then
		# the control: without the guard LibreOffice makes a formula
		if grep -q '<f' "$W/lo/raw.xml"; then ok "LibreOffice: the unguarded name becomes a formula (control)"; else
			not_ok "LibreOffice: the unguarded name becomes a formula (control)" "$(head -c 800 "$W/lo/raw.xml")"; fi
		lacks "LibreOffice: the guarded CSV has no formula" '<f[ >]' "$W/lo/guarded.xml"
	else
		echo "ok $((_n + 1)) - LibreOffice conversion # SKIP soffice produced nothing: $(head -c 200 "$W/lo/raw.log")"
		_n=$((_n + 1))
	fi
fi

# ---- item 12: control characters ----
printf 'service_code,name_th,name_en,owner_unit,is_eservice,digital_id_since,\033[31mred\033[0m\n' >"$W/esc.csv"
run 65 "a header with an escape sequence" "$BIN" -d "$DB" load services "$W/esc.csv"
if grep -q $'\033' "$W/err"; then not_ok "no ESC byte on stderr" "$(od -c "$W/err" | head -5)"; else ok "no ESC byte on stderr"; fi
has "the escape is shown as \\x1b" '\\x1b\[31mred' "$W/err"
run 64 "an escape in an option's value" "$BIN" kpi --format $'\033]0;owned\007'
if grep -q $'\033' "$W/err"; then not_ok "usage error: no ESC byte"; else ok "usage error: no ESC byte"; fi
newdb t_privacy_tab
# The loader refuses control characters in names; a site view or psql can
# still put them there, and the outputs must cope.
q "$DBNAME" -c "INSERT INTO didkpi.services VALUES ('s_tab', E'แท็บ\\tและ\\nบรรทัด', 'Tab', E'หน่วย\\tก', true, NULL), ('s_b', 'บริการ ข', 'B', 'หน่วย ข', true, NULL)" >"$W/load.log" 2>&1 ||
	not_ok "names with tab and newline inserted" "$(cat "$W/load.log")"
sed 's/,s_ok,/,s_b,/' "$W/requests.csv" >"$W/tabreq.csv"
"$BIN" -d "$DB" load -q service_requests "$W/tabreq.csv" >"$W/load.log" 2>&1 || not_ok "a request loads" "$(cat "$W/load.log")"
run 0 "table with a tab and a newline in names" K -p 2025-03 -k requests -b service,unit -f table --min-cell 0
# header + all + 2 services + 2 units: one line per row
eq "one line per row" "6" "$(wc -l <"$W/out")"
if grep -q $'\t' "$W/out"; then not_ok "no raw tab in the table"; else ok "no raw tab in the table"; fi
has "escaped for people" 'แท็บ\\tและ\\nบรรทัด' "$W/out"
# The table ends with a right-aligned number column: every line is as wide
# on the screen (Thai vowel and tone marks take no column).
eq "rows stay aligned (one width)" "1" "$(python3 -c '
import sys, unicodedata
w = {sum(0 if unicodedata.category(c) == "Mn" else 1 for c in l.rstrip("\n"))
     for l in open(sys.argv[1], encoding="utf-8")}
print(len(w))' "$W/out")"
run 0 "csv quotes them" K -p 2025-03 -k requests -b unit -f csv --min-cell 0
has "csv: the tab is kept inside the field" "$(printf ',requests,unit,หน่วย\tก,0,0,,,FALSE,หน่วย\tก')" "$W/out"
run 0 "csv with a newline in a name: quoted, one record" K -p 2025-03 -k requests -b service -f csv --no-formula-guard --min-cell 0
eq "csv: every record has 12 fields" "ok" "$(python3 -c '
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8")))
print("ok" if rows and all(len(r) == 12 for r in rows) else rows)' "$W/out")"

finish
