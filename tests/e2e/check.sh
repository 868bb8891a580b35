#!/bin/bash
# didkpi check and the unknown-code warning (issue 9 item 1): the log
# relations have no foreign keys since schema 4, so a row written by psql
# with an unknown code is found by check (65) and announced by kpi; the
# reference tables refuse to lose a code still in use.
. "$(dirname "$0")/../lib.sh"

check_help check
newdb t_check
"$BIN" -d "$DB" load services "$TOP/tests/fixtures/services.csv" >/dev/null || not_ok "fixture services"
hdr='event_id,occurred_at,user_key,step,method,outcome,failure_reason,latency_ms,channel,service_code'
{ echo "$hdr"; for i in $(seq 1 20); do printf 'e%s,2025-03-10 10:00,u%s,authentication,thaid,success,,100,web,skill_test\n' "$i" "$i"; done; } >"$W/a.csv"
"$BIN" -d "$DB" load auth_events "$W/a.csv" >/dev/null || not_ok "load auth_events"

run 0 "check: a clean database" "$BIN" -d "$DB" check
has "check: says so" "no problem" "$W/out"
run 0 "kpi on a clean database" "$BIN" -d "$DB" kpi -p 2025-03 -k auth_success_rate
lacks "kpi: no warning" "unknown" "$W/err"

eq "the log relations have no foreign keys" "0" "$(q "$DBNAME" -c "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND connamespace = 'didkpi'::regnamespace")"

# Rows another program wrote, with codes the reference tables lack.
q "$DBNAME" -c "INSERT INTO didkpi.auth_events (event_id, occurred_at, step, method, outcome, channel, service_code) VALUES
	('x1', '2025-03-11 10:00+07', 'authentication', 'palm_vein', 'success', 'web', 'skill_test'),
	('x2', '2025-03-12 10:00+07', 'authentication', 'thaid', 'success', 'fax', 'no_such_service')" >/dev/null
q "$DBNAME" -c "INSERT INTO didkpi.satisfaction VALUES ('s1', NULL, 'gone', 'web', '2025-04-01 10:00+07', 5)" >/dev/null
run 65 "check: unknown codes exit 65" "$BIN" -d "$DB" check
has "check: the method is named with its key" "^auth_events\.method: 1 row with an unknown code, e\.g\. x1 \(palm_vein\)" "$W/out"
has "check: the channel" "^auth_events\.channel: 1 row .*x2 \(fax\)" "$W/out"
has "check: the service" "^auth_events\.service_code: 1 row .*x2 \(no_such_service\)" "$W/out"
has "check: satisfaction" "^satisfaction\.service_code: 1 row .*s1 \(gone\)" "$W/out"
lacks "check: clean columns not listed" "^service_requests" "$W/out"
has "check: the summary" "didkpi: check: 4 rows with an unknown code" "$W/err"

run 0 "kpi with unknown codes in the period" "$BIN" -d "$DB" kpi -p 2025-03 -k auth_success_rate
has "kpi: warns, with the count" "warning: 2025-03: 2 rows of auth_events have an unknown" "$W/err"
has "kpi: names the check" "didkpi check" "$W/err"
run 0 "kpi for another period" "$BIN" -d "$DB" kpi -p 2025-04 -k satisfaction_mean
has "kpi: satisfaction warned" "warning: 2025-04: 1 row of satisfaction has an unknown" "$W/err"
lacks "kpi: April has no unknown auth events" "rows? of auth_events" "$W/err"

# The reference tables keep codes in use.
if q "$DBNAME" -c "DELETE FROM didkpi.services WHERE service_code = 'skill_test'" 2>"$W/del"; then
	not_ok "a service in use cannot be deleted"
else
	ok "a service in use cannot be deleted"
fi
has "delete: says why" "service 'skill_test' is still used by log rows" "$W/del"
if q "$DBNAME" -c "UPDATE didkpi.channels SET channel = 'www' WHERE channel = 'web'" 2>"$W/del"; then
	not_ok "a channel in use cannot be renamed"
else
	ok "a channel in use cannot be renamed"
fi
q "$DBNAME" -c "UPDATE didkpi.channels SET name_en = 'The web' WHERE channel = 'web'" >/dev/null &&
	ok "other columns of a code in use can change" || not_ok "other columns of a code in use can change"
q "$DBNAME" -c "DELETE FROM didkpi.services WHERE service_code = 'counter_only'" >/dev/null &&
	ok "an unused service can be deleted" || not_ok "an unused service can be deleted"
if q "$DBNAME" -c "TRUNCATE didkpi.auth_methods" 2>"$W/del"; then
	not_ok "truncating a reference table in use is refused"
else
	ok "truncating a reference table in use is refused"
fi
q "$DBNAME" -c "TRUNCATE didkpi.auth_events, didkpi.satisfaction, didkpi.service_requests, didkpi.services" >/dev/null &&
	ok "truncating the log relations with it passes" || not_ok "truncating the log relations with it passes"

# A delete waits for a running load (the reference lock), then sees its rows.
newdb t_check2
"$BIN" -d "$DB" load services "$TOP/tests/fixtures/services.csv" >/dev/null
{ echo "$hdr"; printf 'w1,2025-03-10 10:00,u1,authentication,thaid,success,,100,web,training\n'; } >"$W/w.csv"
rm -f "$W/fifo"; mkfifo "$W/fifo"
"$BIN" -d "$DB" load auth_events - <"$W/fifo" >/dev/null 2>"$W/lerr" &
lp=$!
exec 3>"$W/fifo"
head -1 "$W/w.csv" >&3
for i in $(seq 100); do
	[ "$(q "$DBNAME" -c "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = 0 AND classid = 74747303 AND mode = 'ShareLock' AND granted")" = 1 ] && break
	sleep 0.2
done
PGAPPNAME=didkpi_del q "$DBNAME" -c "DELETE FROM didkpi.services WHERE service_code = 'training'" >/dev/null 2>"$W/del" 3>&- &
dp=$!
for i in $(seq 100); do
	[ "$(q "$DBNAME" -c "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'didkpi_del' AND wait_event_type = 'Lock'")" = 1 ] && break
	sleep 0.2
done
tail -n +2 "$W/w.csv" >&3
exec 3>&-
wait $lp; lr=$?
wait $dp; dr=$?
eq "concurrent delete: the load succeeds" "0" "$lr"
if [ "$dr" != 0 ]; then ok "concurrent delete: refused after the load committed"; else not_ok "concurrent delete: refused after the load committed"; fi
run 0 "concurrent delete: check finds nothing" "$BIN" -d "$DB" check

finish
