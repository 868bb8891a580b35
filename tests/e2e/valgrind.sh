#!/bin/bash
# The main paths under valgrind: no invalid reads or writes, no definite or
# indirect leaks (tests/valgrind.supp covers only what fontconfig, Pango and
# GLib keep for the life of the process). Skipped for the sanitizer build,
# which valgrind cannot run.
. "$(dirname "$0")/../lib.sh"

if ! command -v valgrind >/dev/null 2>&1 || nm -D "$BIN" 2>/dev/null | grep -q __asan_init; then
	echo "ok 1 # SKIP valgrind not installed, or a sanitizer build"
	echo "1..1"
	exit 0
fi
newdb t_valgrind
for rel in services service_requests auth_events satisfaction staff kpi_targets; do
	"$BIN" -d "$DB" load -q "$rel" "$TOP/tests/fixtures/kpi/$rel.csv" || not_ok "fixture $rel"
done
vg() {
	local what=$1
	shift
	valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect \
		--suppressions="$TOP/tests/valgrind.supp" --error-exitcode=99 "$BIN" -d "$DB" "$@" \
		>"$W/out" 2>"$W/err"
	local rc=$?
	if [ $rc -ne 99 ] && ! grep -q "definitely lost\|Invalid \(read\|write\)" "$W/err"; then
		ok "valgrind clean: $what (status $rc)"
	else
		not_ok "valgrind clean: $what" "$(grep -A12 'lost\|Invalid' "$W/err" | head -30)"
	fi
}
printf 'staff_key,unit,is_frontline,trained_on\nv1,u,t,\nv2,u,perhaps,\n' >"$W/bad.csv"
vg "load with a rejected row" load staff "$W/bad.csv"
vg "load" load --max-errors 1 staff "$W/bad.csv"
vg "kpi with every breakdown" kpi --period 2025-03 --by service,unit,channel,method --format json
vg "kpi table" kpi --period FY2568 --interval quarter --format table
vg "compare" compare --format csv --did
vg "chart trend" chart trend --period 2025-01-01..2025-06-01 -o "$W/t.png"
vg "chart methods" chart methods --period 2025-01-01..2025-06-01 -o "$W/m.svg"
vg "report" report --template monthly --period 2025-03 -o "$W/r.xlsx"
finish
