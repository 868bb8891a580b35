#!/bin/bash
# A server that stops answering, one that is down, a client killed with -9:
# the test cluster's processes are frozen with SIGSTOP (the postmaster and
# every backend), and didkpi must give up with status 69 and say why,
# within its --timeout, never hang; --retry waits for a server that comes
# back; a killed client's backend must stop and release its locks.
. "$(dirname "$0")/../lib.sh"

PM=$(head -n 1 "$DIDKPI_HOME/data/postmaster.pid")
FROZEN=
D3=$W/c3
LOCKER_PID=
freeze() { FROZEN="$PM $(pgrep -P "$PM" | tr '\n' ' ')"; kill -STOP $FROZEN; }
thaw() { [ -n "$FROZEN" ] && kill -CONT $FROZEN 2>/dev/null; FROZEN=; }
# Whatever happens, leave the shared cluster running and unfrozen.
cleanup() {
	thaw
	[ -n "$LOCKER_PID" ] && kill "$LOCKER_PID" 2>/dev/null
	q postgres -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'fault_locker'" >/dev/null 2>&1
	[ -d "$D3" ] && "$BIN" db stop --dir "$D3" >/dev/null 2>&1
}
trap cleanup EXIT

# poll WHAT SQL EXPECTED: wait (at most 30 s) until SQL on $DBNAME returns
# EXPECTED; a TAP line only when it never does.
poll() {
	local i got
	for i in $(seq 150); do
		got=$(q "$DBNAME" -c "$2" 2>&1)
		[ "$got" = "$3" ] && return 0
		sleep 0.2
	done
	not_ok "$1" "expected: $3" "last: $got"
	return 1
}

# A session holding an exclusive lock on the table every command reads
# first, until it is terminated.
lock_schema() {
	PGAPPNAME=fault_locker psql -X -q -h "$SOCK" -U didkpi -d "$DBNAME" \
		-c "BEGIN" -c "LOCK TABLE didkpi.schema_version IN ACCESS EXCLUSIVE MODE" \
		-c "SELECT pg_sleep(600)" >/dev/null 2>&1 &
	LOCKER_PID=$!
	poll "the locker holds its lock" "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid) WHERE a.application_name = 'fault_locker' AND l.mode = 'AccessExclusiveLock' AND l.granted AND l.relation = 'didkpi.schema_version'::regclass" 1
}
unlock_schema() {
	q postgres -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'fault_locker'" >/dev/null
	wait "$LOCKER_PID" 2>/dev/null
	LOCKER_PID=
}

newdb t_fault
KPI=(kpi --period 2025-03 --allow-empty)

run 64 "a bad --timeout is a usage error" "$BIN" --timeout soon -d "$DB" "${KPI[@]}"
has "says what --timeout takes" "timeout must be a whole number" "$W/err"
run 64 "a bad DIDKPI_TIMEOUT is a usage error" env DIDKPI_TIMEOUT=-1 "$BIN" -d "$DB" "${KPI[@]}"
run 0 "kpi with --timeout and --retry on a live server" "$BIN" --timeout 3 --retry 2 -d "$DB" "${KPI[@]}"

# ---- the whole cluster frozen: connecting gives up ----
freeze
run 69 "kpi: a frozen server, --timeout 3: exit 69" timeout 60 "$BIN" --timeout 3 -d "$DB" "${KPI[@]}"
has "kpi says the server did not answer" "the server did not answer within 3 s" "$W/err"
run 69 "report: a frozen server: exit 69" timeout 60 "$BIN" --timeout 3 -d "$DB" report --period 2025-03 -o "$W/r.xlsx"
has "report says the server did not answer" "the server did not answer within 3 s" "$W/err"
printf 'service_code,name_th,name_en,owner_unit,is_eservice,digital_id_since\nx,x,x,u,true,\n' >"$W/s.csv"
run 69 "load: a frozen server: exit 69" timeout 60 "$BIN" --timeout 3 -d "$DB" load services "$W/s.csv"
has "load says the server did not answer" "the server did not answer within 3 s" "$W/err"
run 69 "DIDKPI_TIMEOUT works as --timeout" timeout 60 env DIDKPI_TIMEOUT=2 "$BIN" -d "$DB" "${KPI[@]}"
has "DIDKPI_TIMEOUT named in the message" "did not answer within 2 s" "$W/err"
run 69 "PGCONNECT_TIMEOUT is honoured" timeout 60 env PGCONNECT_TIMEOUT=2 "$BIN" --timeout 0 -d "$DB" "${KPI[@]}"
thaw
eq "the cluster answers again after SIGCONT" "1" "$(q postgres -c 'SELECT 1')"
[ -f "$W/r.xlsx" ] && not_ok "no workbook from a frozen server" || ok "no workbook from a frozen server"

# ---- frozen while a query waits: the client's own deadline ----
lock_schema
timeout 60 "$BIN" --timeout 4 -d "$DB" "${KPI[@]}" >"$W/out" 2>"$W/err" &
pid=$!
poll "kpi waits for the lock" "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'didkpi' AND wait_event_type = 'Lock'" 1
freeze
wait "$pid"
eq "kpi: server frozen mid-query: exit 69" 69 $?
has "kpi mid-query says the server did not answer" "the server did not answer within 4 s" "$W/err"
thaw
unlock_schema

# ---- frozen in the middle of a COPY: db_copy_put/end obey the deadline ----
mkfifo "$W/fifo"
timeout 60 "$BIN" --timeout 3 -d "$DB" load auth_events - <"$W/fifo" >"$W/out" 2>"$W/err" &
pid=$!
exec 7>"$W/fifo"
poll "load is in its COPY" "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'didkpi' AND query LIKE 'COPY%'" 1
freeze
{
	echo "event_id,occurred_at,user_key,step,method,outcome,failure_reason,latency_ms,channel,service_code"
	seq 1 300000 | sed 's/.*/e&,2025-03-01 10:00,u&,authentication,otp,success,,100,web,/'
} >&7 2>/dev/null &
writer=$!
exec 7>&-
wait "$pid"
eq "load: server frozen mid-COPY: exit 69" 69 $?
has "load mid-COPY says the server did not answer" "the server did not answer within 3 s" "$W/err"
kill "$writer" 2>/dev/null
wait "$writer" 2>/dev/null
thaw
eq "nothing was loaded" "0" "$(q "$DBNAME" -c 'SELECT count(*) FROM didkpi.auth_events')"

# ---- a client killed with -9: its backend stops and frees the lock ----
lock_schema
"$BIN" -d "$DB" "${KPI[@]}" >/dev/null 2>&1 &
pid=$!
poll "kpi waits for the lock (to be killed)" "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'didkpi' AND wait_event_type = 'Lock'" 1
kill -9 "$pid"
wait "$pid" 2>/dev/null
if poll "the killed client's backend is gone" "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'didkpi'" 0; then
	ok "the killed client's backend is gone while the lock is still held"
fi
unlock_schema

# ---- --retry: a server started during the backoff ----
run 0 "a second cluster for --retry" env DIDKPI_HOME="$D3" "$BIN" db start
run 0 "stopped" "$BIN" db stop --dir "$D3"
run 69 "no --retry: a stopped server fails at once" env DIDKPI_HOME="$D3" "$BIN" init
has "hints at --retry or db start" "didkpi db start" "$W/err"
(sleep 2; DIDKPI_HOME="$D3" "$BIN" db start >/dev/null 2>&1) &
starter=$!
run 0 "--retry 5 waits for the private cluster to start" timeout 60 env DIDKPI_HOME="$D3" "$BIN" --retry 5 init
has "each failed attempt is reported" "retrying in [0-9]+ s" "$W/err"
wait "$starter"
run 0 "stopped again" "$BIN" db stop --dir "$D3"
(sleep 2; DIDKPI_HOME="$D3" "$BIN" db start >/dev/null 2>&1) &
starter=$!
run 0 "--retry with -d waits for the server to start" timeout 60 "$BIN" --retry 5 -d "host=$D3/run user=didkpi dbname=didkpi" init
has "the -d attempt is reported" "retrying in [0-9]+ s" "$W/err"
wait "$starter"
run 69 "--retry does not retry an answer that refuses us" timeout 60 "$BIN" --retry 5 -d "host=$D3/run user=didkpi dbname=no_such_db" init
lacks "no retry for a missing database" "retrying" "$W/err"
run 0 "stop the second cluster" "$BIN" db stop --dir "$D3"

finish
