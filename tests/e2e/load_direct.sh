#!/bin/bash
# didkpi load's two paths (issue 9 item 1): a file of new keys is copied
# straight into the relation; a file that overlaps what is loaded (or
# repeats a key) is loaded again through the staging table, which counts
# duplicates and rejects conflicts. Concurrent loads of overlapping files.
. "$(dirname "$0")/../lib.sh"

newdb t_direct
"$BIN" -d "$DB" load services "$TOP/tests/fixtures/services.csv" >/dev/null || not_ok "fixture services"
hdr='event_id,occurred_at,user_key,step,method,outcome,failure_reason,latency_ms,channel,service_code'
ev() { printf '%s,2025-03-%02d 10:00,u%s,authentication,thaid,success,,%s,web,skill_test\n' "$1" "$2" "$1" "$3"; }
{ echo "$hdr"; for i in $(seq 1 50); do ev "a$i" $((1 + i % 28)) 100; done; } >"$W/a.csv"
# b overlaps a: a1..a10 again (same content), a11 with another latency,
# and 20 new keys
{ echo "$hdr"; for i in $(seq 1 10); do ev "a$i" $((1 + i % 28)) 100; done
  ev a11 $((1 + 11 % 28)) 999; for i in $(seq 51 70); do ev "a$i" $((1 + i % 28)) 100; done; } >"$W/b.csv"

# New keys: the direct path, no staging table.
run 0 "new keys load" "$BIN" -d "$DB" load -v auth_events "$W/a.csv"
has "new keys: direct COPY" "direct COPY: every key was new" "$W/err"
lacks "new keys: no staging pass" "staging table" "$W/err"
has "new keys: summary" "read 50, loaded 50, duplicate 0, rejected 0" "$W/out"
eq "new keys: rows" "50" "$(q "$DBNAME" -c "SELECT count(*) FROM didkpi.auth_events")"

# Overlap with a conflict: the staging path, rejects, nothing loaded.
run 65 "overlap with a conflict is refused" "$BIN" -d "$DB" load -v auth_events "$W/b.csv"
has "overlap: falls back to the staging table" "loading again through the staging table" "$W/err"
has "overlap: the conflict is named with its line" "b.csv:12: key 'a11' is already present with different content" "$W/err"
eq "overlap: the conflict reported once" "1" "$(grep -c "key 'a11'" "$W/err")"
eq "overlap: nothing loaded" "50" "$(q "$DBNAME" -c "SELECT count(*) FROM didkpi.auth_events")"
eq "overlap: one reject in the file" "1" "$(($(wc -l <"$W/b.csv.rejects.csv") - 1))"

# Overlap tolerated: duplicates counted, new rows loaded, the conflict rejected.
run 0 "overlap with --max-errors 1" "$BIN" -d "$DB" load --max-errors 1 auth_events "$W/b.csv"
has "overlap: summary" "read 31, loaded 20, duplicate 10, rejected 1" "$W/out"
eq "overlap: rows" "70" "$(q "$DBNAME" -c "SELECT count(*) FROM didkpi.auth_events")"
eq "overlap: the stored a11 kept" "100" "$(q "$DBNAME" -c "SELECT latency_ms FROM didkpi.auth_events WHERE event_id = 'a11'")"

# A key twice in a new file: the direct COPY fails, the staging path counts it.
{ echo "$hdr"; ev n1 3 100; ev n2 3 100; ev n1 3 100; } >"$W/c.csv"
run 0 "a key twice in the file" "$BIN" -d "$DB" load -v auth_events "$W/c.csv"
has "key twice: staging path" "loading again through the staging table" "$W/err"
has "key twice: summary" "read 3, loaded 2, duplicate 1, rejected 0" "$W/out"

# A row rejected in C and new keys: direct path, the reject shown once.
{ echo "$hdr"; ev r1 4 100; ev r2 4 -5; ev r3 4 100; } >"$W/d.csv"
run 0 "direct path with a tolerated reject" "$BIN" -d "$DB" load -v --max-errors 1 auth_events "$W/d.csv"
has "reject: direct COPY" "direct COPY" "$W/err"
has "reject: summary" "read 3, loaded 2, duplicate 0, rejected 1" "$W/out"
# ... and with a duplicate too: the C reject is not shown twice
{ echo "$hdr"; ev r4 4 -5; ev r1 4 100; ev r5 4 100; } >"$W/e.csv"
run 0 "staging path with a tolerated reject" "$BIN" -d "$DB" load -v --max-errors 1 auth_events "$W/e.csv"
has "reject2: summary" "read 3, loaded 1, duplicate 1, rejected 1" "$W/out"
eq "reject2: the line-2 reject shown once" "1" "$(grep -c 'e.csv:2:' "$W/err")"
eq "reject2: rejects file has one row" "1" "$(($(wc -l <"$W/e.csv.rejects.csv") - 1))"

# service_requests: closed_at before submitted_at breaks the table's CHECK
# in the direct COPY; the staging path names the line.
rq='request_id,service_code,user_key,channel,via_single_window,auth_method,submitted_at,closed_at,status'
printf '%s\nq1,training,u1,web,t,thaid,2025-03-02 10:00,2025-03-02 11:00,completed\nq2,training,u1,web,t,thaid,2025-03-02 10:00,2025-03-02 09:00+08:00,completed\n' "$rq" >"$W/q.csv"
run 65 "a constraint broken in the direct COPY" "$BIN" -d "$DB" load -v service_requests "$W/q.csv"
has "constraint: the line is named" "q.csv:3: closed_at is before submitted_at" "$W/err"

# From a pipe: the staging path at once (the rows cannot be read twice).
{ echo "$hdr"; ev p1 5 100; } | run 0 "from a pipe" "$BIN" -d "$DB" load -v auth_events -
lacks "pipe: no direct COPY" "direct COPY" "$W/err"
has "pipe: summary" "read 1, loaded 1" "$W/out"

# Concurrent loads of overlapping files (both new to the table, sharing
# 2000 keys): serialised, each key once, the second counts duplicates.
{ echo "$hdr"; for i in $(seq 1 6000); do ev "c$i" 6 100; done; } >"$W/c1.csv"
{ echo "$hdr"; for i in $(seq 4001 10000); do ev "c$i" 6 100; done; } >"$W/c2.csv"
"$BIN" -d "$DB" load auth_events "$W/c1.csv" >"$W/o1" 2>"$W/e1" &
p1=$!
"$BIN" -d "$DB" load auth_events "$W/c2.csv" >"$W/o2" 2>"$W/e2" &
p2=$!
wait $p1; r1=$?
wait $p2; r2=$?
eq "concurrent: both succeed" "0 0" "$r1 $r2"
eq "concurrent: every key once" "10000 10000" "$(q "$DBNAME" -c "SELECT count(*), count(DISTINCT event_id) FROM didkpi.auth_events WHERE event_id LIKE 'c%'" | tr '|' ' ')"
eq "concurrent: 2000 duplicates counted in all" "2000" "$(cat "$W/o1" "$W/o2" | sed -n 's/.*duplicate \([0-9]*\).*/\1/p' | awk '{s += $1} END {print s}')"

# ---- the triggers' transition table in memory (load.sql#work_mem) ----
# 20 000 events are a transition table of a few MB: past a work_mem of
# 64 kB it spills to a temporary file, which log_temp_files = 0 logs. psql
# spills (the check sees a spill); the loader raises work_mem for its
# transaction (SET LOCAL: for it alone) and does not.
{ echo "$hdr"; for i in $(seq 1 20000); do ev "w$i" $((1 + i % 28)) $((i % 900)); done; } >"$W/w.csv"
log=$DIDKPI_HOME/server.log
spills() { tail -c +"$(($1 + 1))" "$log" | grep -c "temporary file"; }
newdb t_direct_mem
"$BIN" -d "$DB" load services "$TOP/tests/fixtures/services.csv" >/dev/null || not_ok "fixture services"
at=$(stat -c %s "$log")
PGOPTIONS="-c work_mem=64kB -c log_temp_files=0" q "$DBNAME" \
	-c "\\copy didkpi.auth_events FROM '$W/w.csv' CSV HEADER" >/dev/null
sleep 0.3
[ "$(spills "$at")" -ge 1 ] && ok "psql's COPY at 64 kB spills its transition table" ||
	not_ok "psql's COPY at 64 kB spills its transition table" "no temporary file in $log"
q "$DBNAME" -c "TRUNCATE didkpi.auth_events" >/dev/null
at=$(stat -c %s "$log")
PGOPTIONS="-c work_mem=64kB -c log_temp_files=0" run 0 "load at 64 kB of work_mem" \
	"$BIN" -d "$DB" load -v auth_events "$W/w.csv"
has "the load took the direct path" "direct COPY: every key was new" "$W/err"
sleep 0.3
eq "the load's transition table stayed in memory" 0 "$(spills "$at")"
exact_rows=$(q "$DBNAME" -c "SELECT sum(events) FROM didkpi.rollup_auth")
eq "its rollup counts every event" 20000 "$exact_rows"

finish
