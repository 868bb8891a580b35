#!/bin/bash
# didkpi on a real Citus cluster (issue 14 items 2 and 3): a coordinator
# and two workers on sockets of their own (tests/citus/pg.sh), the layout
# of sql/citus.sql, and a single server (tests/run's cluster) holding the
# same data. The demo department (made by `didkpi demo` on the single
# server, exported to CSV) and the kpi fixtures are loaded into both with
# `didkpi load`; every command must print the same bytes on both. Also: a
# load stays all-or-nothing on distributed tables, the shards are on both
# workers and the KPI aggregates run there (citus_shards, EXPLAIN).
# Skipped, with a TAP skip line, where ../shared/vendor/citus is absent
# or Citus is not installed (tools/install-deps.sh builds it as root).
. "$(dirname "$0")/../lib.sh"

vendor=$TOP/../shared/vendor/citus
PGBIN=${DIDKPI_PG_BINDIR:-/usr/lib/postgresql/15/bin}
if [ ! -d "$vendor" ]; then
	echo "ok 1 - citus cluster # SKIP ../shared/vendor/citus is absent: no Citus to test against"
	finish
	exit 0
fi
if [ ! -f "$("$PGBIN/pg_config" --pkglibdir)/citus.so" ]; then
	echo "ok 1 - citus cluster # SKIP Citus is not installed: run tools/install-deps.sh as root"
	finish
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "ok 1 - citus cluster # SKIP needs root (its servers run as postgres)"
	finish
	exit 0
fi

PGX=$W/pgx
mkdir -p "$PGX"
. "$TOP/tests/citus/pg.sh"
trap pg_down_all EXIT

# ---- the cluster: a coordinator and two workers ----
up=ok
for n in coord w1 w2; do
	pg_new "$n" "shared_preload_libraries = 'citus'" "citus.shard_count = 8" \
		"max_worker_processes = 16" && pg_up "$n" || up=
done
if [ -z "$up" ]; then
	not_ok "coordinator and two workers start"
	finish
	exit 0
fi
ok "coordinator and two workers start"
for n in coord w1 w2; do
	pgq "$n" postgres -c "CREATE DATABASE t_citus" &&
		pgq "$n" t_citus -c "CREATE EXTENSION citus" || up=
done
pgq coord t_citus -c "SELECT citus_set_coordinator_host('$(pg_sock coord)', 5432)" >/dev/null &&
	pgq coord t_citus -c "SELECT citus_add_node('$(pg_sock w1)', 5432)" >/dev/null &&
	pgq coord t_citus -c "SELECT citus_add_node('$(pg_sock w2)', 5432)" >/dev/null || up=
eq "two active workers (citus_get_active_worker_nodes)" "2" \
	"$(pgq coord t_citus -c 'SELECT count(*) FROM citus_get_active_worker_nodes()')"
[ -n "$up" ] || { finish; exit 0; }

# the same database name as the single server's: the workbook names it
CIT="host=$(pg_sock coord) user=didkpi dbname=t_citus"
run 0 "init on the coordinator" "$BIN" -d "$CIT" init
if pgq coord t_citus -f "$TOP/sql/citus.sql" >"$W/citus.log" 2>&1; then
	ok "sql/citus.sql distributes the schema"
else
	not_ok "sql/citus.sql distributes the schema" "$(cat "$W/citus.log")"
fi
eq "log relations distributed by their key, five reference tables" \
	"auth_methods:n: channels:n: kpi_targets:n: services:n: staff:n: auth_events:h:event_id satisfaction:h:response_id service_requests:h:request_id" \
	"$(pgq coord t_citus -c "SELECT string_agg(replace(table_name::text, 'didkpi.', '') || ':' || left(citus_table_type, 1)
		|| ':' || coalesce(nullif(distribution_column, '<none>'), ''), ' ' ORDER BY colocation_id, table_name::text)
		FROM citus_tables" | sed 's/:d:/:h:/g; s/:r:/:n:/g')"
run 0 "sql/citus.sql applies again (after an upgrade)" pgq coord t_citus -f "$TOP/sql/citus.sql"

# ---- the same data on the single server and on the cluster ----
newdb t_citus
ONE=$DB
run 0 "demo department on the single server" "$BIN" -d "$ONE" demo --scale 0.1 --seed 11 --until 2025-10
# a demo key may look like a national ID by chance, which the loader refuses
q "$DBNAME" -c "UPDATE didkpi.service_requests SET user_key = translate(md5(user_key), '0123456789', 'ghijklmnop') WHERE user_key ~ '[0-9][-0-9 ]{11,}[0-9]'" \
	-c "UPDATE didkpi.auth_events SET user_key = translate(md5(user_key), '0123456789', 'ghijklmnop') WHERE user_key ~ '[0-9][-0-9 ]{11,}[0-9]'" >/dev/null
mkdir -p "$W/csv"
# export REL: the relation as a CSV didkpi load reads (instants in UTC).
export_rel() {
	local rel=$1 cols
	cols=$(q "$DBNAME" -c "SELECT string_agg(CASE WHEN data_type LIKE 'timestamp%'
			THEN format('to_char(%I AT TIME ZONE ''UTC'', ''YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'') AS %I', column_name, column_name)
			ELSE quote_ident(column_name) END, ', ' ORDER BY ordinal_position)
		FROM information_schema.columns WHERE table_schema = 'didkpi' AND table_name = '$rel'")
	q "$DBNAME" -c "\\copy (SELECT $cols FROM didkpi.$rel) TO '$W/csv/$rel.csv' CSV HEADER"
}
for rel in services staff kpi_targets channel_costs service_requests auth_events satisfaction; do
	export_rel "$rel" || not_ok "export $rel"
done
loadall() { # loadall DB DIR RELS...: didkpi load each, stop at the first failure
	local db=$1 dir=$2 rel
	shift 2
	for rel in "$@"; do
		"$BIN" -d "$db" load -q --rejects "$W/rej.csv" "$rel" "$dir/$rel.csv" >"$W/load.log" 2>&1 ||
			{ cat "$W/load.log"; return 1; }
	done
}
# kpi_targets: the demo's replace the seeded ones, which init loaded on both
q "$DBNAME" -c "SELECT 1" >/dev/null
pgq coord t_citus -c "DELETE FROM didkpi.kpi_targets" >/dev/null
if out=$(loadall "$CIT" "$W/csv" services staff kpi_targets channel_costs service_requests auth_events satisfaction); then
	ok "the demo department loads into the distributed tables"
else
	not_ok "the demo department loads into the distributed tables" "$out"
fi
FX=$TOP/tests/fixtures/kpi
for db in "$ONE" "$CIT"; do
	if out=$(loadall "$db" "$FX" services service_requests auth_events satisfaction staff); then
		ok "kpi fixtures load ($db)"
	else
		not_ok "kpi fixtures load ($db)" "$out"
	fi
done
sum() { # a checksum of every log row, the same on both when the data are
	local sql="SELECT md5(string_agg(x, '|' ORDER BY x COLLATE \"C\")) FROM (
		SELECT request_id || status || submitted_at::text || coalesce(user_key, '') || coalesce(closed_at::text, '') AS x FROM didkpi.service_requests
		UNION ALL SELECT event_id || method || outcome || occurred_at::text || coalesce(user_key, '') FROM didkpi.auth_events
		UNION ALL SELECT response_id || score || answered_at::text FROM didkpi.satisfaction) t"
	if [ "$1" = one ]; then q "$DBNAME" -c "SET timezone = 'UTC'" -c "$sql"; else pgq coord t_citus -c "SET timezone = 'UTC'" -c "$sql"; fi
}
eq "the cluster holds the single server's rows" "$(sum one)" "$(sum cit)"

# ---- loads stay all-or-nothing and classify duplicates ----
n0=$(pgq coord t_citus -c "SELECT count(*) FROM didkpi.auth_events")
{ head -1 "$FX/auth_events.csv"; echo "zz1,2025-03-02T10:00:00Z,u9,authentication,otp,success,,10,web,s_a"
  echo "zz2,2025-03-02T10:00:00Z,u9,authentication,no_such_method,success,,10,web,s_a"; } >"$W/bad.csv"
run 65 "a file with a bad row loads nothing into the distributed table" "$BIN" -d "$CIT" load -q --rejects "$W/rej.csv" auth_events "$W/bad.csv"
eq "no row of it is there" "$n0" "$(pgq coord t_citus -c "SELECT count(*) FROM didkpi.auth_events")"
run 0 "reloading the fixture: duplicates only" "$BIN" -d "$CIT" load --rejects "$W/rej.csv" auth_events "$FX/auth_events.csv"
has "duplicates counted, none loaded" "nothing new: every row" "$W/err"
eq "no row added" "$n0" "$(pgq coord t_citus -c "SELECT count(*) FROM didkpi.auth_events")"
{ cat "$FX/auth_events.csv"; echo "zz3,2025-03-02T10:00:00Z,u9,authentication,otp,success,,10,web,s_a"; } >"$W/plus1.csv"
run 0 "the fixture and one new row" "$BIN" -d "$CIT" load --rejects "$W/rej.csv" auth_events "$W/plus1.csv"
has "counted right: 1 loaded, 19 duplicates (not the rows sent to the shards)" "loaded 1, duplicate 19, rejected 0" "$W/out"
"$BIN" -d "$ONE" load -q --rejects "$W/rej.csv" auth_events "$W/plus1.csv" || not_ok "the new row loads on the single server too"
sed '2s/,success,/,failure,/' "$FX/auth_events.csv" >"$W/conflict.csv"
run 65 "same key, other content: rejected, nothing loaded" "$BIN" -d "$CIT" load -q --rejects "$W/rej.csv" auth_events "$W/conflict.csv"
has "the conflict is named" "key 'e01' is already present with different content" "$W/err"
eq "one row more than before, none from the rejected file" "$((n0 + 1))" "$(pgq coord t_citus -c "SELECT count(*) FROM didkpi.auth_events")"

# ---- the shards and the workers ----
eq "the log relations have shards with rows on both workers" "2" \
	"$(pgq coord t_citus -c "SELECT count(DISTINCT nodename) FROM citus_shards
		WHERE table_name = 'didkpi.auth_events'::regclass AND nodename <> '$(pg_sock coord)'")"
pgq coord t_citus -c "EXPLAIN (VERBOSE OFF) SELECT e.method, count(*) FROM didkpi.auth_events e
	JOIN didkpi.auth_methods m USING (method) GROUP BY 1" >"$W/explain"
has "a grouped count runs on the workers (Citus Adaptive, a task per shard)" "Task Count: 8" "$W/explain"

# ---- every command: the same bytes from the single server and the cluster ----
export DIDKPI_TEMPLATE_PATH=$TOP/reports/templates
mkdir -p "$W/one" "$W/cit"
same() { # same WHAT OUTFILE ARGS...: "{dir}" in ARGS is the side's directory
	local what=$1 out=$2 a b x
	shift 2
	local oa=() ca=()
	for x in "$@"; do oa+=("${x//\{dir\}/$W/one}"); ca+=("${x//\{dir\}/$W/cit}"); done
	"$BIN" -d "$ONE" "${oa[@]}" >"$W/one/stdout" 2>"$W/one/stderr"
	a=$?
	"$BIN" -d "$CIT" "${ca[@]}" >"$W/cit/stdout" 2>"$W/cit/stderr"
	b=$?
	[ "$out" = - ] && out=stdout
	if [ "$a" != 0 ] || [ "$b" != 0 ]; then
		not_ok "$what" "exit status $a on one server, $b on Citus" \
			"citus stderr: $(head -c 1500 "$W/cit/stderr")" "single stderr: $(head -c 300 "$W/one/stderr")"
	elif [ "$out" = . ]; then
		ok "$what"
	elif [ -s "$W/cit/$out" ] && cmp -s <(untimed "$W/one/$out") <(untimed "$W/cit/$out"); then
		ok "$what"
	else
		not_ok "$what" "$(diff "$W/one/$out" "$W/cit/$out" | head -10)"
	fi
}
B=service,unit,channel,method
same "kpi a month, every breakdown" - kpi -p 2025-03 --by $B --min-cell 0 --format csv
same "kpi FY2568 by month, every breakdown" - kpi -p FY2568 -i month --by $B --format csv
# the raw values in two halves at once (lib/kpi.c; from a million values,
# here always): the same bytes as above, on both
cp "$W/one/stdout" "$W/fy_whole.csv"
DIDKPI_HALVES=0 same "kpi FY2568 by month, every breakdown, values in halves" - kpi -p FY2568 \
	-i month --by $B --format csv
if cmp -s "$W/fy_whole.csv" "$W/cit/stdout"; then ok "in halves = whole"; else
	not_ok "in halves = whole" "$(diff "$W/fy_whole.csv" "$W/cit/stdout" | head -5)"; fi
DIDKPI_HALVES=0 same "kpi FY2568 totals only, in halves" - kpi -p FY2568 -i month --format csv
same "kpi a fiscal quarter by ISO week" - kpi -p FY2568-Q2 -i week --by $B --format csv
same "kpi a calendar year by quarter, json" - kpi -p 2025 -i quarter --by $B --format json
same "kpi an ISO week by day" - kpi -p 2025-W10 -i day --by $B --format csv
same "kpi an explicit range, end included" - kpi -p 2024-11-15..=2025-02-14 --by $B --format csv
same "kpi FY2568 by year, in UTC" - kpi -p FY2568 -i year --by $B --tz UTC --format csv
same "kpi --raw on both" - kpi -p FY2568 -i month --by $B --raw --format csv
same "compare" - compare --format csv
same "compare --did, 3-month windows, a ramp" - compare --did --window 3m --ramp 1m --format csv
same "chart trend" t.svg chart trend -p FY2568 -o '{dir}/t.svg'
same "chart methods" m.svg chart methods -p FY2568 -o '{dir}/m.svg'
same "chart channels" c.svg chart channels -p FY2568 -o '{dir}/c.svg'
same "chart compare" x.svg chart compare -o '{dir}/x.svg'
same "report (monthly workbook) on both" . report --template monthly -p 2025-09 -o '{dir}/w.xlsx'
if [ -s "$W/cit/w.xlsx" ] && out=$(xlsx_same "$W/one/w.xlsx" "$W/cit/w.xlsx"); then
	ok "the workbooks hold the same sheets, cells and charts"
else
	not_ok "the workbooks hold the same sheets, cells and charts" "$out"
fi
# A report computes on two connections that share one snapshot, but not on
# Citus, where each worker takes its own: there on one (lib/report.c).
"$BIN" -d "$CIT" report -v -p 2025-09 -o "$W/cit/v.xlsx" >/dev/null 2>"$W/cit/v.err"
has "on Citus the report computes on one connection" \
	"computing on one connection: a second one would not see the same data" "$W/cit/v.err"
"$BIN" -d "$ONE" report -v -p 2025-09 -o "$W/one/v.xlsx" >/dev/null 2>"$W/one/v.err"
lacks "on one server it computes on two" "computing on one connection" "$W/one/v.err"
same "effects, every outcome" - effects --format csv
same "effects --gt, never-treated controls" - effects --outcome digital_channel_rate --gt --control never --format csv
same "its at a policy date" - its --kpi digital_channel_rate --at 2025-01-01 --format csv
same "its --series of a service, seasonal" - its --kpi requests --service skill_test --seasonal --series --format csv
same "chart event-study" es.svg chart event-study --kpi service_time_median_hours -o '{dir}/es.svg'
same "chart its" its.svg chart its --kpi digital_channel_rate --at 2025-01-01 -o '{dir}/its.svg'
same "report --format html: the same bytes" r.html report --format html -p 2025-09 -o '{dir}/r.html'
same "report --format pdf runs on both" . report --format pdf -p 2025-09 -o '{dir}/r.pdf'
if [ -s "$W/cit/r.pdf" ] && pdftotext -raw "$W/one/r.pdf" "$W/one/r.txt" && pdftotext -raw "$W/cit/r.pdf" "$W/cit/r.txt" &&
	[ -s "$W/cit/r.txt" ] && cmp -s <(untimed "$W/one/r.txt") <(untimed "$W/cit/r.txt"); then
	ok "the PDF briefs hold the same text"
else
	not_ok "the PDF briefs hold the same text" "$(diff "$W/one/r.txt" "$W/cit/r.txt" 2>&1 | head -10)"
fi
# SQL access (schema 008): the same rows from didkpi.kpi() and kpi_text()
for f in "kpi('2025-03', 'service,channel', min_cell => 0)" "kpi_text('FY2568', 'service', series => 'month')"; do
	a=$(q "$DBNAME" -c "SELECT md5(string_agg(t::text, '|' ORDER BY t::text COLLATE \"C\")) FROM didkpi.$f t" 2>&1)
	b=$(pgq coord t_citus -c "SELECT md5(string_agg(t::text, '|' ORDER BY t::text COLLATE \"C\")) FROM didkpi.$f t" 2>&1)
	eq "SELECT * FROM didkpi.$f: the same rows on the cluster" "$a" "$b"
done
run 0 "refresh on the cluster" "$BIN" -d "$CIT" refresh
same "kpi after refresh" - kpi -p FY2568 -i quarter --by $B --format csv
lacks "no rollup warning on the cluster" "warning" "$W/cit/stderr"

pg_down_all
finish
