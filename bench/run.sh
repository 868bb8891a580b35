#!/bin/bash
# make bench: one table of ratios, every figure measured in this run on this
# server (SPEC section 10, issue 9). Never part of `make check`.
#   usage: bench/run.sh [DIDKPI]          (default ./didkpi)
# Environment:
#   BENCH_QUICK=1   scales 1 and 5 and a 200 000-row load file (a few
#                   minutes, for development) instead of 5 and 50 and
#                   1 000 000 rows (about 20-30 minutes)
#   BENCH_REUSE=1   keep the demo databases of an earlier run of the same
#                   scales instead of generating them again (no demo time)
#   BENCH_PEER=FILE the analyst's script (default: bench/peer_report.py if
#                   present, else /work/shared/bench/peer_report.py)
#   BENCH_PYTHON    the python running it (default /usr/bin/python3)
#   DIDKPI_HOME     the private cluster to use (didkpi db start)
#   BENCH_HUGE=0    leave the server's shared memory on 4 KiB pages; by
#                   default the cluster is (re)started with db start
#                   --huge-pages, which reserves them as root (README,
#                   Performance: new backends' first-touch page faults)
# Each timed figure is the median of 3 runs after one discarded warm-up run,
# the runs of didkpi and of its baseline alternating; peak RSS is the largest
# of the 3. Databases didkpi_bench<SCALE>, didkpi_bench<SMALL>_hist (ten
# times the small scale's history, below) and didkpi_bench_load are made
# in the private cluster; the load database is dropped at the end.
set -euo pipefail
caller=$PWD
cd "$(dirname "$0")/.."

# DIDKPI is taken relative to where the script was started.
bin=${1:-$PWD/didkpi}
case $bin in /*) ;; *) bin=$caller/$bin ;; esac
die() { echo "bench: $*" >&2; exit 1; }
[ -x "$bin" ] || die "$bin: not an executable (run 'make' first)"

if [ "${BENCH_QUICK:-0}" = 1 ]; then
	small=1 big=5 rows=200000
else
	small=5 big=50 rows=1000000
fi
until=2026-10          # fixed, so that every run sees the same history
month=2025-03
if [ -n "${BENCH_PEER:-}" ]; then
	peer=$BENCH_PEER
elif [ -f bench/peer_report.py ]; then
	peer=bench/peer_report.py
else
	peer=/work/shared/bench/peer_report.py
fi
[ -f "$peer" ] || die "$peer: no such file (set BENCH_PEER)"
# The Debian python that bench/deps.sh equips (not a pyenv or venv one).
py=${BENCH_PYTHON:-/usr/bin/python3}

bench/deps.sh

tmp=$(mktemp -d "${TMPDIR:-/tmp}/didkpi-bench.XXXXXX")
cleanup() {
	if [ -n "${sock:-}" ]; then
		psql -X -q -h "$sock" -U didkpi -d postgres \
			-c "DROP DATABASE IF EXISTS didkpi_bench_load WITH (FORCE)" >/dev/null 2>&1 || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# The server's shared memory on 2 MiB pages (db start --huge-pages), a
# cluster already running on 4 KiB pages restarted for it; or, with
# BENCH_HUGE=0, on 4 KiB pages. The table's header says which it was.
if [ "${BENCH_HUGE:-1}" = 0 ]; then
	"$bin" db start
	if "$bin" db status | grep -q 'huge pages'; then
		echo "bench: BENCH_HUGE=0, but the running server is on huge pages: stop it, or lower vm.nr_hugepages" >&2
		exit 1
	fi
else
	if "$bin" db status >/dev/null 2>&1 && ! "$bin" db status | grep -q 'huge pages'; then
		"$bin" db stop
	fi
	"$bin" db start --huge-pages
fi
home=${DIDKPI_HOME:-$(if [ "$(id -u)" -eq 0 ]; then echo /var/lib/didkpi; else echo "${XDG_DATA_HOME:-$HOME/.local/share}/didkpi"; fi)}
sock=$home/run
conn() { echo "host=$sock user=didkpi dbname=$1"; }
psqlc() { PGOPTIONS='-c client_min_messages=warning' psql -X -q -v ON_ERROR_STOP=1 -h "$sock" -U didkpi "$@"; }
psqlv() { psql -X -At -v ON_ERROR_STOP=1 -h "$sock" -U didkpi "$@"; }

# Timing. tm FILE CMD... runs CMD once with its output thrown away and
# appends "seconds KiB" to FILE; a failing command stops the run, showing
# its messages.
tm() {
	local f=$1
	shift
	if ! /usr/bin/time -f '%e %M' -o "$tmp/t" "$@" >/dev/null 2>"$tmp/err"; then
		cat "$tmp/err" >&2
		die "failed: $*"
	fi
	tail -n 1 "$tmp/t" >>"$tmp/$f"
}
# quiet CMD...: run CMD, showing its messages only when it fails.
quiet() {
	"$@" >"$tmp/err" 2>&1 || { cat "$tmp/err" >&2; die "failed: $*"; }
}
# med FILE: median of the seconds; peak FILE: largest KiB.
med() { cut -d' ' -f1 "$tmp/$1" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
peak() { cut -d' ' -f2 "$tmp/$1" | sort -n | tail -n 1; }
mib() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }

# rounds NAME1 FN1 NAME2 FN2 ...: one warm-up of each function, then 3
# rounds in which each runs once, in turn. Each function calls tm NAME ....
rounds() {
	local a _
	local -a args=("$@")
	for ((a = 0; a < ${#args[@]}; a += 2)); do
		${args[a + 1]} "warmup"
	done
	for _ in 1 2 3; do
		for ((a = 0; a < ${#args[@]}; a += 2)); do
			${args[a + 1]} "${args[a]}"
		done
	done
}

# The table: measure, didkpi, baseline, ratio (baseline / didkpi: above 1
# means didkpi is faster or smaller), target, met?. A target "ratio>=X"
# applies to the ratio, "<=X s" to didkpi's own figure.
: >"$tmp/table"
row() {  # measure didkpi baseline target-kind target-value unit
	local m=$1 d=$2 b=$3 kind=$4 tv=$5 unit=$6
	awk -v m="$m" -v d="$d" -v b="$b" -v kind="$kind" -v tv="$tv" -v u="$unit" '
	BEGIN {
		ratio = (b != "-" && d > 0) ? sprintf("%.2f", b / d) : "-"
		if (kind == "ratio") { target = "ratio >= " tv; met = (ratio != "-" && ratio + 0 >= tv) ? "yes" : "NO" }
		else if (kind == "max") { target = "<= " tv " " u; met = (d + 0 <= tv) ? "yes" : "NO" }
		else { target = "-"; met = "-" }
		printf "%s\t%s %s\t%s\t%s\t%s\t%s\n", m, d, u, (b == "-" ? "-" : b " " u), ratio, target, met
	}' >>"$tmp/table"
	tail -n 1 "$tmp/table" | tr '\t' '|' | sed 's/^/bench: /' >&2  # progress
}

# --- datasets: each scale generated once, into its own database ---------
dbs() { psqlv -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$1'"; }
demo_time=-
for s in $small $big; do
	db=didkpi_bench$s
	if [ "${BENCH_REUSE:-0}" = 1 ] && [ -n "$(dbs "$db")" ] &&
		[ "$(psqlv -d "$db" -c "SELECT count(*) > 0 FROM didkpi.auth_events" 2>/dev/null)" = t ]; then
		echo "bench: reusing database $db" >&2
		quiet "$bin" -d "$(conn "$db")" init   # upgrade it to this didkpi's schema
		psqlc -d "$db" -c "ANALYZE"
		continue
	fi
	echo "bench: generating the demo department at scale $s into $db..." >&2
	psqlc -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
	quiet "$bin" -d "$(conn "$db")" init
	: >"$tmp/demo$s"
	tm "demo$s" "$bin" -d "$(conn "$db")" demo --scale "$s" --until "$until"
	[ "$s" = "$big" ] && demo_time=$(med "demo$s")
	psqlc -d "$db" -c "VACUUM ANALYZE"
done
sizes() {
	psqlv -d "didkpi_bench$1" -c "SELECT 'scale $1: ' || to_char((SELECT count(*) FROM didkpi.auth_events), 'FM999,999,999') || ' auth events, '
	  || to_char((SELECT count(*) FROM didkpi.service_requests), 'FM999,999,999') || ' requests, '
	  || to_char((SELECT count(*) FROM didkpi.satisfaction), 'FM999,999,999') || ' survey answers, '
	  || (SELECT min(occurred_at)::date || ' .. ' || max(occurred_at)::date FROM didkpi.auth_events)"
}
events() { psqlv -d "didkpi_bench$1" -c "SELECT round(count(*) / 1e6, 1) || ' M ev' FROM didkpi.auth_events"; }

# A month's cost must not grow with history. The big scale is ten times
# denser in every month (its March 2025 holds ten times the small scale's
# events), so it measures a bigger month, not a longer history. Dataset
# "<small>_hist": the small scale's 43 months (April 2023 to October 2026)
# and nine copies of them laid before, each 1 310 days (their span) earlier, with its own
# people (keys suffixed ~k): ten times the events and the people ever
# identified, the months the small scale's size. Written through the
# tables' triggers, so the rollups are maintained as by a load.
hist=${small}_hist
if [ "${BENCH_REUSE:-0}" = 1 ] && [ -n "$(dbs "didkpi_bench$hist")" ] &&
	[ "$(psqlv -d "didkpi_bench$hist" -c "SELECT count(*) > 0 FROM didkpi.auth_events" 2>/dev/null)" = t ]; then
	echo "bench: reusing database didkpi_bench$hist" >&2
	quiet "$bin" -d "$(conn "didkpi_bench$hist")" init
	psqlc -d "didkpi_bench$hist" -c "ANALYZE"
else
	echo "bench: laying nine earlier copies of scale $small's history into didkpi_bench$hist..." >&2
	psqlc -d postgres -c "DROP DATABASE IF EXISTS didkpi_bench$hist WITH (FORCE)" \
		-c "CREATE DATABASE didkpi_bench$hist TEMPLATE didkpi_bench$small"
	for k in 1 2 3 4 5 6 7 8 9; do
		psqlc -d "didkpi_bench$hist" -v k=$k <<'SQL'
INSERT INTO didkpi.auth_events
SELECT e.event_id || '~' || :k, e.occurred_at - make_interval(days => 1310 * :k),
       e.user_key || '~' || :k, e.step, e.method, e.outcome, e.failure_reason,
       e.latency_ms, e.channel, e.service_code
  FROM didkpi.auth_events e WHERE strpos(e.event_id, '~') = 0;
INSERT INTO didkpi.service_requests
SELECT r.request_id || '~' || :k, r.service_code, r.user_key || '~' || :k, r.channel,
       r.via_single_window, r.auth_method, r.submitted_at - make_interval(days => 1310 * :k),
       r.closed_at - make_interval(days => 1310 * :k), r.status
  FROM didkpi.service_requests r WHERE strpos(r.request_id, '~') = 0;
INSERT INTO didkpi.satisfaction
SELECT a.response_id || '~' || :k, a.request_id || '~' || :k, a.service_code, a.channel,
       a.answered_at - make_interval(days => 1310 * :k), a.score
  FROM didkpi.satisfaction a WHERE strpos(a.response_id, '~') = 0;
SQL
	done
	psqlc -d "didkpi_bench$hist" -c "VACUUM ANALYZE"
fi
ev_hist=$(events "$hist")
ev_small=$(events "$small")
ev_big=$(events "$big")
d_small=$(conn "didkpi_bench$small")
d_big=$(conn "didkpi_bench$big")

# CPU time the hypervisor gave to other guests ("steal", /proc/stat) during
# each part: on a shared virtual machine it can take half the cores for
# minutes, and it slows didkpi's two connections and their parallel workers
# more than the single-threaded peer. steal_mark NAME starts part NAME
# (ending the one before); the header prints each part's share.
steal_parts=""
steal_prev=""
steal_now() { awk '/^cpu / { t = 0; for (i = 2; i <= 9; i++) t += $i; print $9, t; exit }' /proc/stat; }
steal_mark() {
	local now
	now=$(steal_now)
	if [ -n "$steal_prev" ]; then
		steal_parts="$steal_parts $(echo "${steal_prev#* } $now" |
			awk -v n="${steal_prev%% *}" '{ d = $4 - $2; printf "%s %.0f%%", n, (d > 0 ? 100 * ($3 - $1) / d : 0) }'),"
	fi
	steal_prev="$1 $now"
}

# --- 1. load against \copy ----------------------------------------------
steal_mark load
echo "bench: load: $rows rows..." >&2
psqlc -d postgres -c "DROP DATABASE IF EXISTS didkpi_bench_load WITH (FORCE)" -c "CREATE DATABASE didkpi_bench_load"
d_load=$(conn didkpi_bench_load)
quiet "$bin" -d "$d_load" init
"$bin" -d "$d_load" load -q services tests/fixtures/services.csv
# The physical limit: the same columns, defaults, checks and indexes, no
# foreign keys (LIKE never copies them) and no triggers; logged like the
# real table, in the same database, emptied the same way before each run.
psqlc -d didkpi_bench_load -c "CREATE SCHEMA bench" \
	-c "CREATE TABLE bench.auth_events (LIKE didkpi.auth_events INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES)"
csv=$tmp/auth_events.csv
# Deterministic rows: the same file every run (hashint8 is stable).
psqlc -d didkpi_bench_load -c "\copy (
  SELECT 'ae' || i AS event_id,
         to_char(timestamp '2024-12-31 17:00' + (i * interval '17 seconds'),
                 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS occurred_at,
         'u' || (hashint8(i) & 65535) AS user_key,
         CASE WHEN i % 10 = 0 THEN 'identification' ELSE 'authentication' END AS step,
         (ARRAY['thaid','password','otp','face','chip_card'])[1 + i % 5] AS method,
         CASE WHEN i % 20 = 0 THEN 'failure' ELSE 'success' END AS outcome,
         CASE WHEN i % 20 = 0 THEN 'timeout' END AS failure_reason,
         50 + (hashint8(i) & 4095) AS latency_ms,
         (ARRAY['web','mobile','kiosk','counter'])[1 + i % 4] AS channel,
         (ARRAY['skill_test','training',NULL])[1 + i % 3] AS service_code
    FROM generate_series(1, $rows) AS i) TO '$csv' CSV HEADER"
csv_size=$(du -h "$csv" | cut -f1)
# Each run starts from an empty table and a fresh checkpoint, so that no
# run pays for the previous one's dirty pages.
empty() {
	psqlc -d didkpi_bench_load -c "TRUNCATE $1" -c "CHECKPOINT" >/dev/null
}
copy_nofk() {
	empty bench.auth_events
	tm "$1" psql -X -q -v ON_ERROR_STOP=1 -h "$sock" -U didkpi -d didkpi_bench_load \
		-c "\\copy bench.auth_events FROM '$csv' CSV HEADER"
}
copy_real() {
	empty didkpi.auth_events
	tm "$1" psql -X -q -v ON_ERROR_STOP=1 -h "$sock" -U didkpi -d didkpi_bench_load \
		-c "\\copy didkpi.auth_events FROM '$csv' CSV HEADER"
}
load() {
	empty didkpi.auth_events
	tm "$1" "$bin" -d "$d_load" load -q auth_events "$csv"
}
# The load leaves the months it wrote marked (schema 18): their latency
# summaries wait for refresh --pending, which a site runs after its loads.
# Measured with the load, as one job, for what the summaries cost.
load_refresh() {
	empty didkpi.auth_events
	tm "$1" sh -c '"$1" -d "$2" load -q auth_events "$3" && "$1" -d "$2" refresh --pending' \
		sh "$bin" "$d_load" "$csv"
}
rounds copy_nofk copy_nofk copy_real copy_real load load load_refresh load_refresh
months_marked=$(psqlc -d didkpi_bench_load -Atc "SELECT count(DISTINCT date_trunc('month',
	occurred_at AT TIME ZONE 'Asia/Bangkok')) FROM didkpi.auth_events")
# Memory must not grow with the file: a tenth of it, same peak.
head -n $((rows / 10 + 1)) "$csv" >"$tmp/tenth.csv"
load_tenth() {
	empty didkpi.auth_events
	tm "$1" "$bin" -d "$d_load" load -q auth_events "$tmp/tenth.csv"
}
rounds load_tenth load_tenth
row "load $rows rows vs \\copy into a copy without FKs" "$(med load)" "$(med copy_nofk)" ratio 0.8 s
row "load $rows rows vs \\copy into didkpi.auth_events" "$(med load)" "$(med copy_real)" - - s
row "load, then refresh --pending ($months_marked months) vs \\copy without FKs" "$(med load_refresh)" "$(med copy_nofk)" - - s
row "load peak RSS, whole file vs a tenth (flat)" "$(mib "$(peak load)")" "$(mib "$(peak load_tenth)")" ratio 0.8 MiB
psqlc -d postgres -c "DROP DATABASE didkpi_bench_load WITH (FORCE)"

# --- 2. kpi ---------------------------------------------------------------
steal_mark kpi
echo "bench: kpi..." >&2
kpi_month_small() { tm "$1" "$bin" -d "$d_small" kpi --period "$month" --format csv; }
kpi_month_big() { tm "$1" "$bin" -d "$d_big" kpi --period "$month" --format csv; }
rounds kpi_month_big kpi_month_big kpi_month_small kpi_month_small
row "kpi --period $month, $ev_big vs $ev_small history" "$(med kpi_month_big)" "$(med kpi_month_small)" max 0.2 s
d_hist=$(conn "didkpi_bench$hist")
kpi_month_hist() { tm "$1" "$bin" -d "$d_hist" kpi --period "$month" --format csv; }
rounds kpi_month_hist kpi_month_hist kpi_month_small kpi_month_small
row "kpi --period $month, $ev_hist (10x history, scale $small's months) vs $ev_small" "$(med kpi_month_hist)" "$(med kpi_month_small)" max 0.2 s

kpi_fy() { tm "$1" "$bin" -d "$d_big" kpi --period FY2568 --format csv; }
bare_fy() {
	tm "$1" psql -X -q -v ON_ERROR_STOP=1 -d "$d_big" -v s='2024-10-01 00:00+07' \
		-v e='2025-10-01 00:00+07' -v d=2025-10-01 -f bench/kpi_bare.sql
}
rounds kpi_fy kpi_fy bare_fy bare_fy
row "kpi --period FY2568 ($ev_big) vs bare SQL" "$(med kpi_fy)" "$(med bare_fy)" ratio 0.67 s
kpi_fy_by() {
	tm "$1" "$bin" -d "$d_big" kpi --period FY2568 --interval month \
		--by service,unit,channel,method --format csv
}
rounds kpi_fy_by kpi_fy_by
row "kpi FY2568 -i month --by service,unit,channel,method ($ev_big)" "$(med kpi_fy_by)" - max 5 s

# --- 3. the monthly workbook against the analyst's script ----------------
steal_mark report
echo "bench: report..." >&2
for s in $small $big; do
	d=$(conn "didkpi_bench$s")
	eval "report_$s() { tm \"\$1\" \"$bin\" -d \"$d\" report --template monthly --period $month -o \"$tmp/r$s.xlsx\"; }"
	eval "peer_$s() { tm \"\$1\" \"$py\" \"$peer\" --dsn \"$d\" --period $month --out \"$tmp/p$s.xlsx\"; }"
	rounds "report$s" "report_$s" "peer$s" "peer_$s"
	ev=$(events "$s")
	row "report monthly $month vs peer_report.py, time ($ev)" "$(med "report$s")" "$(med "peer$s")" ratio 10 s
	row "report monthly $month vs peer_report.py, peak RSS ($ev)" "$(mib "$(peak "report$s")")" "$(mib "$(peak "peer$s")")" ratio 10 MiB
done

# --- 4. compare -------------------------------------------------------------
steal_mark compare
echo "bench: compare..." >&2
compare_small() { tm "$1" "$bin" -d "$d_small" compare --format csv; }
rounds compare_small compare_small
row "compare, all services ($ev_small)" "$(med compare_small)" - max 1 s

# --- 5. demo ----------------------------------------------------------------
if [ "$demo_time" != - ]; then
	row "demo --scale $big --until $until (one run)" "$demo_time" - - - s
fi

# --- the table ----------------------------------------------------------------
steal_mark end
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
ram=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
pg=$(psqlv -d postgres -c "SHOW server_version")
echo
echo "didkpi bench, $(date -u '+%Y-%m-%d %H:%M UTC'), $("$bin" version 2>/dev/null | head -n 1)"
echo "machine: $cpu, $(nproc) cores, $ram RAM, load average $(cut -d' ' -f1-3 /proc/loadavg); PostgreSQL $pg"
# What a page of memory touched for the first time costs here (every new
# backend, parallel worker, sort and array pays it): bench/faults.c.
if cc -O2 -o "$tmp/faults" bench/faults.c 2>/dev/null && f=$("$tmp/faults"); then
	echo "memory: first touch of a 4 KiB page ${f% *} us; warm writes ${f#* } GB/s"
fi
echo "cpu steal (time the hypervisor gave other guests):${steal_parts%,}"
if "$bin" db status | grep -q 'huge pages'; then
	echo "server: shared memory on 2 MiB huge pages (db start --huge-pages; vm.nr_hugepages $(cat /proc/sys/vm/nr_hugepages))"
else
	echo "server: shared memory on 4 KiB pages"
fi
echo "datasets (demo --until $until):"
echo "  $(sizes "$small")"
echo "  $(sizes "$big")"
echo "  $(sizes "$hist")"
echo "  load file: $rows auth events, $csv_size CSV"
echo "peer: $peer"
echo "medians of 3 runs after a warm-up; ratio = baseline / didkpi (above 1: didkpi faster or smaller)"
echo
{
	printf 'measure\tdidkpi\tbaseline\tratio\ttarget\tmet?\n'
	cat "$tmp/table"
} | awk -F'\t' '
	{ for (i = 1; i <= NF; i++) { c[NR, i] = $i; if (length($i) > w[i]) w[i] = length($i) } n = NR }
	END {
		for (r = 1; r <= n; r++) {
			line = ""
			for (i = 1; i <= 6; i++)
				line = line sprintf(i == 1 ? "%-*s" : "  %*s", w[i], c[r, i])
			print line
			if (r == 1) { s = ""; for (i = 1; i <= 6; i++) s = s (i == 1 ? "" : "  ") sprintf("%*s", w[i], ""); gsub(/ /, "-", s); print s }
		}
	}'
