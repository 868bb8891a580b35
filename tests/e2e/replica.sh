#!/bin/bash
# Hot standby (issue 14 item 4): a primary and a streaming replica made by
# pg_basebackup -R, each on a socket of its own (tests/citus/pg.sh). The
# demo department and the kpi fixtures are loaded on the primary; once the
# replica has replayed the primary's WAL, every read-only command (kpi in
# several period forms and breakdowns, from the rollups and --raw, compare,
# chart, report) must succeed on the replica and write the same bytes as on
# the primary. A standby refuses any write, temporary table or lock that
# needs a primary, so success there proves the commands need none.
. "$(dirname "$0")/../lib.sh"

PGX=$W/pgx
mkdir -p "$PGX"
. "$TOP/tests/citus/pg.sh"
trap pg_down_all EXIT

if ! pg_new primary "wal_level = replica" "max_wal_senders = 4" "hot_standby = on" ||
   ! pg_up primary; then
	not_ok "primary starts"
	finish
	exit 0
fi
ok "primary starts"
# pg_basebackup as postgres, into a directory postgres owns
if runuser -u postgres -- "$PGBIN/pg_basebackup" -h "$(pg_sock primary)" -U didkpi \
	-D "$PGX/replica" -R -X stream --no-sync >"$PGX/basebackup.log" 2>&1; then
	ok "pg_basebackup -R copies the primary"
else
	not_ok "pg_basebackup -R copies the primary" "$(cat "$PGX/basebackup.log")"
fi
mkdir -p "$(pg_sock replica)" && chown postgres "$(pg_sock replica)"
echo "unix_socket_directories = '$(pg_sock replica)'" |
	runuser -u postgres -- tee -a "$PGX/replica/postgresql.auto.conf" >/dev/null
if pg_up replica; then ok "replica starts"; else not_ok "replica starts"; fi
eq "the replica is a hot standby in recovery" "t" "$(pgq replica postgres -c 'SELECT pg_is_in_recovery()')"

pgq primary postgres -c "CREATE DATABASE didkpi" >/dev/null
PRI="host=$(pg_sock primary) user=didkpi dbname=didkpi"
REP="host=$(pg_sock replica) user=didkpi dbname=didkpi"
run 0 "init on the primary" "$BIN" -d "$PRI" init
run 0 "demo department on the primary" "$BIN" -d "$PRI" demo --scale 0.1 --seed 5 --until 2025-10
for rel in services service_requests auth_events satisfaction staff; do
	"$BIN" -d "$PRI" load -q --rejects "$W/rej.csv" "$rel" "$TOP/tests/fixtures/kpi/$rel.csv" >"$W/load.log" 2>&1 ||
		not_ok "fixture $rel loads on the primary" "$(cat "$W/load.log")"
done

# Wait for the replica to replay everything the primary has written.
lsn=$(pgq primary postgres -c 'SELECT pg_current_wal_lsn()')
caught=f
for _ in $(seq 1 300); do
	caught=$(pgq replica postgres -c "SELECT pg_last_wal_replay_lsn() >= '$lsn'::pg_lsn")
	[ "$caught" = t ] && break
	sleep 0.2
done
eq "the replica replays the loads (pg_last_wal_replay_lsn)" "t" "$caught"
eq "same rows on the replica" "$(pgq primary didkpi -c 'SELECT count(*) FROM didkpi.auth_events')" \
	"$(pgq replica didkpi -c 'SELECT count(*) FROM didkpi.auth_events')"
eq "the rollups pass their freshness check read-only on the replica" "ok|ok|ok" \
	"$(pgq replica didkpi -c "SELECT didkpi.rollup_status('service_requests', 'Asia/Bangkok'),
		didkpi.rollup_status('auth_events', 'Asia/Bangkok'), didkpi.rollup_status('satisfaction', 'Asia/Bangkok')")"

# same WHAT OUTFILE ARGS...: the command on the primary and on the replica,
# both succeed, same bytes (OUTFILE: "-" for stdout, else a file name that
# the command writes under $W/pri or $W/rep via {dir}).
mkdir -p "$W/pri" "$W/rep"
same() {
	local what=$1 out=$2 a b
	shift 2
	local pa=() ra=()
	for a in "$@"; do pa+=("${a//\{dir\}/$W/pri}"); ra+=("${a//\{dir\}/$W/rep}"); done
	"$BIN" -d "$PRI" "${pa[@]}" >"$W/pri/stdout" 2>"$W/pri/stderr"
	a=$?
	"$BIN" -d "$REP" "${ra[@]}" >"$W/rep/stdout" 2>"$W/rep/stderr"
	b=$?
	if [ "$a" != 0 ] || [ "$b" != 0 ]; then
		not_ok "$what" "exit status $a on the primary, $b on the replica" \
			"replica stderr: $(head -c 1500 "$W/rep/stderr")" "primary stderr: $(head -c 500 "$W/pri/stderr")"
		return
	fi
	[ "$out" = - ] && out=stdout
	if [ "$out" = . ]; then
		ok "$what"
	elif cmp -s <(untimed "$W/pri/$out") <(untimed "$W/rep/$out") && [ -s "$W/rep/$out" ]; then
		ok "$what"
	else
		not_ok "$what" "$(diff "$W/pri/$out" "$W/rep/$out" | head -10)"
	fi
}

same "kpi FY2568 by month and every breakdown" - kpi -p FY2568 -i month --by service,unit,channel,method --format csv
same "kpi FY2568 --raw" - kpi -p FY2568 --by service,method --raw --format csv
same "kpi a quarter by week" - kpi -p FY2568-Q2 -i week --by channel --format csv
same "kpi a calendar year by quarter" - kpi -p 2025 -i quarter --by unit --format json
same "kpi an explicit range by day" - kpi -p 2025-03-01..2025-03-08 -i day --format csv
same "kpi the fixture month, no suppression" - kpi -p 2025-03 --by service,unit,channel,method --min-cell 0 --format csv
same "compare" - compare --format csv
same "compare with --did" - compare --did --window 3m --format csv
same "chart trend (svg)" t.svg chart trend -p FY2568 -o '{dir}/t.svg'
same "chart methods (png)" m.png chart methods -p FY2568 -o '{dir}/m.png'
same "chart compare (svg)" c.svg chart compare -o '{dir}/c.svg'

# A workbook: the same sheets; docProps/core.xml holds the creation time.
export DIDKPI_TEMPLATE_PATH=$TOP/reports/templates
same "report runs on the primary and on the replica" . report --template monthly -p 2025-09 -o '{dir}/w.xlsx'
if [ -s "$W/rep/w.xlsx" ] && out=$(xlsx_same "$W/pri/w.xlsx" "$W/rep/w.xlsx"); then
	ok "the replica's workbook has the same sheets, cells and charts"
else
	not_ok "the replica's workbook has the same sheets, cells and charts" "$out"
fi

same "effects" - effects --format csv
same "its of a service" - its --kpi digital_channel_rate --service skill_test --format csv
same "chart event-study (svg)" es.svg chart event-study --kpi digital_channel_rate -o '{dir}/es.svg'
same "chart its (svg)" its.svg chart its --kpi digital_channel_rate --at 2025-01-01 -o '{dir}/its.svg'
same "report --format html: the same bytes" r.html report --format html -p 2025-09 -o '{dir}/r.html'
same "report --format pdf runs on both" . report --format pdf -p 2025-09 -o '{dir}/r.pdf'
if [ -s "$W/rep/r.pdf" ] && pdftotext -raw "$W/pri/r.pdf" "$W/pri/r.txt" && pdftotext -raw "$W/rep/r.pdf" "$W/rep/r.txt" &&
	[ -s "$W/rep/r.txt" ] && cmp -s <(untimed "$W/pri/r.txt") <(untimed "$W/rep/r.txt"); then
	ok "the PDF briefs hold the same text"
else
	not_ok "the PDF briefs hold the same text" "$(diff "$W/pri/r.txt" "$W/rep/r.txt" 2>&1 | head -10)"
fi
# SQL access (schema 008) reads only: didkpi.kpi() on the standby
eq "SELECT * FROM didkpi.kpi(): the same rows on the replica" \
	"$(pgq primary didkpi -c "SELECT md5(string_agg(t::text, '|' ORDER BY t::text COLLATE \"C\")) FROM didkpi.kpi('FY2568', 'service,method', series => 'quarter') t" 2>&1)" \
	"$(pgq replica didkpi -c "SELECT md5(string_agg(t::text, '|' ORDER BY t::text COLLATE \"C\")) FROM didkpi.kpi('FY2568', 'service,method', series => 'quarter') t" 2>&1)"

# Two connections on the standby, and with a password: the report's and
# kpi's second connection (lib/sibling.c) imports a snapshot exported on
# the standby, and connects with the password libpq found for the first
# (from PGPASSFILE here), never from argv.
"$BIN" -d "$REP" report -v -p 2025-09 -o "$W/rep/v.xlsx" >/dev/null 2>"$W/rep/v.err"
lacks "on the standby the report computes on two connections" "computing on one|second connection" \
	"$W/rep/v.err"
run 0 "init --roles on the primary" "$BIN" -d "$PRI" init --roles
pgq primary didkpi -c "CREATE ROLE dk_pw LOGIN PASSWORD 'pw-Secret-1' IN ROLE didkpi_read" >/dev/null
{ echo "local all dk_pw scram-sha-256"; cat "$PGX/primary/pg_hba.conf"; } >"$PGX/hba.new"
_pg_as tee "$PGX/primary/pg_hba.conf" <"$PGX/hba.new" >/dev/null
_pg_as "$PGBIN/pg_ctl" reload -s -D "$PGX/primary" >/dev/null
sleep 0.5
PW="host=$(pg_sock primary) user=dk_pw dbname=didkpi"
run 69 "dk_pw without its password: refused" env PGPASSFILE=/dev/null "$BIN" -d "$PW" kpi -p 2025-09
has "the server asked for the password" "password" "$W/err"
printf '*:*:*:dk_pw:pw-Secret-1\n' >"$W/pgpass"
chmod 600 "$W/pgpass"
run 0 "dk_pw with ~/.pgpass: a workbook on two connections" \
	env PGPASSFILE="$W/pgpass" "$BIN" -d "$PW" report -v -p 2025-09 -o "$W/pw.xlsx"
lacks "the second connection authenticated too" "computing on one|second connection" "$W/err"
run 0 "dk_pw with ~/.pgpass: kpi on two connections" \
	env PGPASSFILE="$W/pgpass" DIDKPI_SECOND_ROWS=0 "$BIN" -d "$PW" kpi -v -p FY2568 -i month -f csv
lacks "kpi's second connection authenticated too" "computing on one|second connection" "$W/err"
if out=$(xlsx_same "$W/pri/w.xlsx" "$W/pw.xlsx"); then ok "the password role's workbook is the primary's"; else
	not_ok "the password role's workbook is the primary's" "$out"; fi

# A command that writes fails there, with the database's reason.
run 70 "a load on the replica fails" "$BIN" -d "$REP" load -q --rejects "$W/rej.csv" staff "$TOP/tests/fixtures/kpi/staff.csv"
has "the server's reason: a standby is read-only" "during recovery|read-only" "$W/err"
pg_down_all
finish
