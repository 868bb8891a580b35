#!/bin/bash
# Loading speed: didkpi load against psql's \copy of the same CSV into the
# same table, on the same server, in the same run (SPEC section 10: "close
# to plain COPY speed"), and didkpi's peak memory, which must not grow with
# the file.
#   usage: bench/load.sh [ROWS]   (default 1000000)
# Needs a running private cluster (didkpi db start) or DIDKPI_DB; uses a
# scratch database bench_load that it drops at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
bin=./didkpi
out=bench/out
mkdir -p "$out"
home=${DIDKPI_HOME:-$(if [ "$(id -u)" -eq 0 ]; then echo /var/lib/didkpi; else echo "${XDG_DATA_HOME:-$HOME/.local/share}/didkpi"; fi)}
sock=$home/run
psqlc() { psql -X -q -v ON_ERROR_STOP=1 -h "$sock" -U didkpi "$@"; }
psqlc -d postgres -c "DROP DATABASE IF EXISTS bench_load WITH (FORCE)" -c "CREATE DATABASE bench_load"
db="host=$sock user=didkpi dbname=bench_load"
$bin -d "$db" init
$bin -d "$db" load -q services tests/fixtures/services.csv

csv=$out/auth_events_$rows.csv
if [ ! -s "$csv" ]; then
	# Deterministic rows: the same file every run.
	psqlc -d bench_load -c "\copy (
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
fi
size=$(du -h "$csv" | cut -f1)

# The physical limit (issue 9): a copy of the table with the same indexes
# and no foreign-key triggers, created here.
psqlc -d bench_load -c "CREATE TABLE public.ae_nofk (LIKE didkpi.auth_events INCLUDING ALL)"
copy_run() { # TABLE
	psqlc -d bench_load -c "TRUNCATE $1"
	/usr/bin/time -f "%e %M" -o "$out/time" psql -X -q -v ON_ERROR_STOP=1 -h "$sock" -U didkpi -d bench_load -c "\copy $1 FROM '$csv' CSV HEADER"
	cat "$out/time"
}
load_run() {
	psqlc -d bench_load -c "TRUNCATE didkpi.auth_events"
	/usr/bin/time -f '%e %M' -o "$out/time" $bin -d "$db" load -q auth_events "$csv"
	cat "$out/time"
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

: >"$out/copy.txt"
: >"$out/copyreal.txt"
: >"$out/load.txt"
: >"$out/reload.txt"
for i in 1 2 3; do
	copy_run public.ae_nofk >>"$out/copy.txt"
	copy_run didkpi.auth_events >>"$out/copyreal.txt"
	load_run >>"$out/load.txt"
	# the same file again: the overlap path (every row a duplicate)
	/usr/bin/time -f '%e %M' -o "$out/time" $bin -d "$db" load -q auth_events "$csv"
	cat "$out/time" >>"$out/reload.txt"
done
c=$(cut -d' ' -f1 "$out/copy.txt" | median)
cr=$(cut -d' ' -f1 "$out/copyreal.txt" | median)
rl=$(cut -d' ' -f1 "$out/reload.txt" | median)
l=$(cut -d' ' -f1 "$out/load.txt" | median)
mem=$(cut -d' ' -f2 "$out/load.txt" | sort -n | tail -1)

# Memory must not grow with the file: a file ten times smaller, same peak.
head -n $((rows / 10 + 1)) "$csv" >"$out/small.csv"
psqlc -d bench_load -c "TRUNCATE didkpi.auth_events"
/usr/bin/time -f '%M' -o "$out/time" $bin -d "$db" load -q auth_events "$out/small.csv"
small_mem=$(cat "$out/time")

psqlc -d postgres -c "DROP DATABASE bench_load WITH (FORCE)"
echo "rows: $rows ($size CSV)"
echo "psql \\copy, same indexes, no foreign keys, median: $c s"
echo "psql \\copy into didkpi.auth_events, median:        $cr s"
echo "didkpi load (new rows: direct COPY), median:       $l s"
echo "didkpi load of the same file again (duplicates):   $rl s"
awk -v c="$c" -v l="$l" -v cr="$cr" 'BEGIN { printf "didkpi load vs \\copy without foreign keys: %.2fx; vs \\copy into the real table: %.2fx\n", c / l, cr / l }'
echo "didkpi load peak RSS: $mem KiB ($((rows / 10)) rows: $small_mem KiB)"
