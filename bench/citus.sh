#!/bin/bash
# make bench, issue 14 item 5: the same data on one server and on a Citus
# coordinator with two workers, all on this machine (tests/citus/pg.sh
# servers, sockets of their own, as postgres), timing
#   kpi --period FY2568 -i month --by service,unit,channel,method
#   report --template monthly (the monthly workbook)
# and, from EXPLAIN ANALYZE of the KPI's request query on the cluster, how
# its time splits between the shards (work a real worker machine does in
# parallel) and the coordinator (work that stays serial): the estimate for
# a cluster of real machines. Never part of `make check`.
#   usage: bench/citus.sh [DIDKPI]      (default ./didkpi; as root)
# Environment: BENCH_CITUS_SCALE (default 50; the demo's --scale),
# BENCH_QUICK=1 (scale 2), BENCH_CITUS_RUNS (timed runs after the
# warm-up, default 3; the median is reported). Needs Citus (tools/install-deps.sh builds it
# from ../shared/vendor/citus); skips with a message otherwise.
set -uo pipefail
caller=$PWD
cd "$(dirname "$0")/.." || exit 1
TOP=$PWD
bin=${1:-$PWD/didkpi}
case $bin in /*) ;; *) bin=$caller/$bin ;; esac
PGBIN=${DIDKPI_PG_BINDIR:-/usr/lib/postgresql/15/bin}
if [ ! -f "$("$PGBIN/pg_config" --pkglibdir)/citus.so" ] || [ "$(id -u)" -ne 0 ]; then
	echo "bench/citus.sh: skipped: needs root and Citus (tools/install-deps.sh as root)" >&2
	exit 0
fi
scale=${BENCH_CITUS_SCALE:-50}
[ "${BENCH_QUICK:-0}" = 1 ] && scale=2
export LC_ALL=C TZ=UTC DIDKPI_TEMPLATE_PATH=$TOP/reports/templates
PGX=$(mktemp -d /tmp/didkpi-bench-citus.XXXXXX)
chmod 755 "$PGX"
. "$TOP/tests/citus/pg.sh"
trap 'pg_down_all; rm -rf "$PGX"' EXIT
die() { echo "bench/citus.sh: $*" >&2; exit 1; }

conf=("shared_buffers = 256MB" "work_mem = 64MB" "max_worker_processes = 16")
pg_new one "${conf[@]}" && pg_up one || die "single server"
# citus.local_hostname: EXPLAIN ANALYZE has the nodes fetch intermediate
# results from the coordinator, by default at localhost over TCP, which
# these servers do not listen on
for n in coord w1 w2; do
	pg_new "$n" "shared_preload_libraries = 'citus'" "citus.shard_count = 8" "${conf[@]}" \
		"citus.local_hostname = '$(pg_sock coord)'" && pg_up "$n" || die "server $n"
done
for n in one coord w1 w2; do pgq "$n" postgres -c "CREATE DATABASE didkpi" || die "createdb"; done
for n in coord w1 w2; do pgq "$n" didkpi -c "CREATE EXTENSION citus" || die "citus"; done
pgq coord didkpi -c "SELECT citus_set_coordinator_host('$(pg_sock coord)', 5432)" \
	-c "SELECT citus_add_node('$(pg_sock w1)', 5432)" -c "SELECT citus_add_node('$(pg_sock w2)', 5432)" >/dev/null ||
	die "cluster"
ONE="host=$(pg_sock one) user=didkpi dbname=didkpi"
CIT="host=$(pg_sock coord) user=didkpi dbname=didkpi"
"$bin" -d "$ONE" init >/dev/null && "$bin" -d "$CIT" init >/dev/null &&
	pgq coord didkpi -f sql/citus.sql >/dev/null 2>&1 || die "init"

echo "bench/citus.sh: demo at scale $scale on the single server..." >&2
"$bin" -d "$ONE" demo --scale "$scale" --seed 1 --until 2026-10 >/dev/null 2>&1 || die "demo"
pgq one didkpi -c "UPDATE didkpi.service_requests SET user_key = translate(md5(user_key), '0123456789', 'ghijklmnop') WHERE user_key ~ '[0-9][-0-9 ]{11,}[0-9]'" \
	-c "UPDATE didkpi.auth_events SET user_key = translate(md5(user_key), '0123456789', 'ghijklmnop') WHERE user_key ~ '[0-9][-0-9 ]{11,}[0-9]'" \
	-c "VACUUM ANALYZE" >/dev/null
echo "bench/citus.sh: the same rows into the cluster (didkpi load)..." >&2
pgq coord didkpi -c "DELETE FROM didkpi.kpi_targets" >/dev/null
t0=$(date +%s.%N)
for rel in services staff kpi_targets channel_costs service_requests auth_events satisfaction; do
	cols=$(pgq one didkpi -c "SELECT string_agg(CASE WHEN data_type LIKE 'timestamp%'
			THEN format('to_char(%I AT TIME ZONE ''UTC'', ''YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'') AS %I', column_name, column_name)
			ELSE quote_ident(column_name) END, ', ' ORDER BY ordinal_position)
		FROM information_schema.columns WHERE table_schema = 'didkpi' AND table_name = '$rel'")
	pgq one didkpi -c "\\copy (SELECT $cols FROM didkpi.$rel) TO '$PGX/$rel.csv' CSV HEADER" || die "export $rel"
	"$bin" -d "$CIT" load -q --rejects "$PGX/rej.csv" "$rel" "$PGX/$rel.csv" || die "load $rel"
done
t1=$(date +%s.%N)
pgq coord didkpi -c "VACUUM ANALYZE" >/dev/null
events=$(pgq one didkpi -c "SELECT count(*) FROM didkpi.auth_events")
requests=$(pgq one didkpi -c "SELECT count(*) FROM didkpi.service_requests")

# med3 DB ARGS...: median wall seconds of $runs runs after a warm-up
runs=${BENCH_CITUS_RUNS:-3}
med3() {
	local db=$1 i s e
	shift
	"$bin" -d "$db" "$@" >"$PGX/out.$db_name" 2>/dev/null || { echo fail; return; }
	for i in $(seq 1 "$runs"); do
		s=$(date +%s.%N)
		"$bin" -d "$db" "$@" >"$PGX/out.$db_name" 2>/dev/null
		e=$(date +%s.%N)
		echo "$e - $s" | bc
	done | sort -n | sed -n "$(( (runs + 1) / 2 ))p"
}
K=(kpi --period FY2568 -i month --by service,unit,channel,method --format csv)
R=(report --template monthly -p 2025-09 -o "$PGX/w.xlsx")
db_name=one; k1=$(med3 "$ONE" "${K[@]}"); cp "$PGX/out.one" "$PGX/k.one"
db_name=cit; k2=$(med3 "$CIT" "${K[@]}"); cp "$PGX/out.cit" "$PGX/k.cit"
db_name=one; r1=$(med3 "$ONE" "${R[@]}")
db_name=cit; r2=$(med3 "$CIT" "${R[@]}")
db_name=one; k1raw=$(med3 "$ONE" "${K[@]}" --raw)
same=no; cmp -s "$PGX/k.one" "$PGX/k.cit" && same=yes

# The split of the request family (the costliest: per-user counts) on the
# cluster: one shard task's time (EXPLAIN ANALYZE shows one of 8) against
# the whole query.
sec() { awk -v n="$2" '/^-- name: /{on=($3==n); next} on' "$1"; }
starts="'{2024-10-01,2024-11-01,2024-12-01,2025-01-01,2025-02-01,2025-03-01,2025-04-01,2025-05-01,2025-06-01,2025-07-01,2025-08-01,2025-09-01}'::date[]"
ends="'{2024-11-01,2024-12-01,2025-01-01,2025-02-01,2025-03-01,2025-04-01,2025-05-01,2025-06-01,2025-07-01,2025-08-01,2025-09-01,2025-10-01}'::date[]"
q=$(sec sql/kpi.sql requests | sed "s/\$1::date\[\]/$starts/g; s/\$2::date\[\]/$ends/g; s/\$3::text/'Asia\/Bangkok'::text/g; s/\$4/'all'/g")
pgq coord didkpi -c "EXPLAIN (ANALYZE, COSTS OFF) $q" >"$PGX/explain.txt" 2>&1
total=$(awk '/^ *Execution Time:/ { v = $3 } END { print v }' "$PGX/explain.txt")
pgq coord didkpi -c "SET citus.explain_all_tasks = on" -c "EXPLAIN (ANALYZE, COSTS OFF) $q" >"$PGX/explain_all.txt" 2>&1
# per-shard task execution times (the indented Execution Time lines)
shards=$(awk '/^ +Execution Time:/ { s += $3; n++ } END { printf "%.0f %d", s, n }' "$PGX/explain_all.txt")

ratio() { echo "scale=2; $1 / $2" | bc; }
echo
echo "didkpi on Citus, $(date -u '+%Y-%m-%d %H:%M UTC'): demo scale $scale ($events auth events, $requests requests)"
echo "machine: $(nproc) cores shared by the single server, the coordinator and both workers"
echo "loading the cluster with didkpi load (staging path): $(echo "$t1 - $t0" | bc) s"
printf '%-44s %10s %10s %8s\n' measure "one (s)" "citus (s)" "citus/one"
printf '%-44s %10s %10s %8s\n' "kpi FY2568 -i month, 4 breakdowns" "$k1" "$k2" "$(ratio "$k2" "$k1")"
printf '%-44s %10s %10s %8s\n' "report --template monthly" "$r1" "$r2" "$(ratio "$r2" "$r1")"
printf '%-44s %10s\n' "kpi on one server --raw (no rollups)" "$k1raw"
echo "same kpi bytes on both: $same"
echo "kpi.sql#requests (FY2568 by month) on the cluster, EXPLAIN ANALYZE: ${total:-?} ms in all;"
echo "  the shard tasks ${shards% *} ms summed over ${shards#* } tasks (both subplans)"
awk -v t="${total:-0}" -v s="${shards% *}" 'BEGIN {
	if (t <= 0) exit
	c = t - s / 2; if (c < 0) c = 0
	printf "  estimate: coordinator and round trips ~%.0f ms (serial); shard work %.0f ms,\n", c, s
	printf "  on 2 real workers x 8 cores ~%.0f ms: the query ~%.0f ms instead of %.0f ms\n", s / 16, c + s / 16, t
}'
