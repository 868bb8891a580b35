#!/bin/bash
# KPI cost (SPEC section 10), all numbers from one run on one server:
#  1. a month against the whole history: the month must cost a small part;
#  2. a fiscal year against the bare SQL of the same aggregates through psql
#     (bench/kpi_bare.sql): aim at most 1.5x.
#   usage: bench/kpi.sh [SCALE]   (default 50: ~10 M auth events, 2 M requests)
# Uses database bench_kpi in the private cluster (or $BENCH_DB), filled once
# by `didkpi demo --scale SCALE --until 2026-10` and kept for later runs.
set -euo pipefail
cd "$(dirname "$0")/.."
scale=${1:-50}
bin=./didkpi
home=${DIDKPI_HOME:-$(if [ "$(id -u)" -eq 0 ]; then echo /var/lib/didkpi; else echo "${XDG_DATA_HOME:-$HOME/.local/share}/didkpi"; fi)}
sock=$home/run
db=${BENCH_DB:-"host=$sock user=didkpi dbname=bench_kpi"}
out=bench/out
mkdir -p "$out"
if ! psql -X -q -d "$db" -c "SELECT 1" >/dev/null 2>&1; then
	psql -X -q -h "$sock" -U didkpi -d postgres -c "CREATE DATABASE bench_kpi"
fi
n=$(psql -X -At -d "$db" -c "SELECT count(*) FROM didkpi.auth_events" 2>/dev/null || echo 0)
if [ "$n" -lt 1000 ]; then
	echo "filling bench_kpi with the demo department at scale $scale..."
	$bin -d "$db" demo --scale "$scale" --until 2026-10 --replace
fi
psql -X -q -d "$db" -c "VACUUM ANALYZE" >/dev/null
psql -X -At -d "$db" -c "SELECT 'auth_events ' || (SELECT count(*) FROM didkpi.auth_events) || ', service_requests ' || (SELECT count(*) FROM didkpi.service_requests)"

# Median wall time of 3 runs (after one warm-up run).
t() {
	local i
	"$@" >/dev/null 2>&1
	for i in 1 2 3; do
		/usr/bin/time -f %e -o "$out/t" "$@" >/dev/null 2>"$out/err" || { cat "$out/err"; exit 1; }
		cat "$out/t"
	done | sort -n | sed -n 2p
}
month=$(t $bin -d "$db" kpi --period 2025-03 --format csv)
history=$(t $bin -d "$db" kpi --period 2023-04-01..2026-11-01 --format csv)
fy=$(t $bin -d "$db" kpi --period FY2568 --format csv)
bare=$(t psql -X -q -d "$db" -v s='2024-10-01 00:00+07' -v e='2025-10-01 00:00+07' -v d=2025-10-01 -f bench/kpi_bare.sql)
fy_by=$(t $bin -d "$db" kpi --period FY2568 --interval month --by service,unit,channel,method --format csv)
# The same from the raw logs only (kpi --raw, the engine before the day
# rollups), in the same run.
month_raw=$(t $bin -d "$db" kpi --raw --period 2025-03 --format csv)
fy_raw=$(t $bin -d "$db" kpi --raw --period FY2568 --format csv)
fy_by_raw=$(t $bin -d "$db" kpi --raw --period FY2568 --interval month --by service,unit,channel,method --format csv)
echo "didkpi kpi --period 2025-03:                  $month s"
echo "didkpi kpi --period <whole history, 43 months>: $history s"
awk -v m="$month" -v h="$history" 'BEGIN { printf "  month / history: %.3f\n", m / h }'
echo "didkpi kpi --period FY2568:                    $fy s"
echo "bare SQL of the same totals (psql):            $bare s"
awk -v f="$fy" -v b="$bare" 'BEGIN { printf "  didkpi / bare SQL: %.2f\n", f / b }'
echo "didkpi kpi --period FY2568 -i month --by all four: $fy_by s"
echo "the same from the raw logs (--raw): month $month_raw s, FY2568 $fy_raw s, FY2568 -i month --by all four $fy_by_raw s"
awk -v a="$month_raw" -v b="$month" -v c="$fy_raw" -v d="$fy" -v e="$fy_by_raw" -v f="$fy_by" \
	'BEGIN { printf "  rollups speed-up (raw / rollups): month %.1fx, FY %.1fx, FY by month and all four %.1fx\n", a / b, c / d, e / f }'
