#!/bin/bash
# didkpi load: the data-driven cases of tests/load/*.case, then the cases
# that need more than one command (reload, stdin, pseudonyms, database down).
#
# A case file: "# what it checks", then "key: value" lines, then "--- csv"
# (the input verbatim) or "--- printf" (each line through printf %b, for
# bytes a text file cannot hold). Keys: relation, args, status, stdout and
# stderr (extended regexes), rows (rows in the relation afterwards), rejects
# (data lines in the rejects file), sql and sql-expect (a query's result).
. "$(dirname "$0")/../lib.sh"

check_help load

# Every case starts from the same database: the schema (didkpi init) and
# the fixture services, made once here and copied for each case (CREATE
# DATABASE ... TEMPLATE). The cases ran init and that load each time, to
# the same end; init and the load are still run by this build, once.
newdb t_load_tpl
"$BIN" -d "$DB" load services "$TOP/tests/fixtures/services.csv" >/dev/null || not_ok "fixture services"
casedb() {
	DBNAME=t_load
	q postgres -c "DROP DATABASE IF EXISTS \"$DBNAME\" WITH (FORCE)" >/dev/null
	q postgres -c "CREATE DATABASE \"$DBNAME\" TEMPLATE t_load_tpl" >/dev/null ||
		not_ok "a copy of the fixture database"
	DB="host=$SOCK user=didkpi dbname=$DBNAME"
}
for f in "$TOP"/tests/load/*.case; do
	name=$(basename "$f" .case)
	title=$(sed -n '1s/^# //p' "$f")
	relation= args= status=0 want_out= want_err= rows= rejects= sql= sql_expect=
	while IFS= read -r line; do
		case $line in
		"--- "*) break ;;
		relation:*) relation=${line#relation: } ;;
		args:*) args=${line#args: } ;;
		status:*) status=${line#status: } ;;
		stdout:*) want_out=${line#stdout: } ;;
		stderr:*) want_err=${line#stderr: } ;;
		rows:*) rows=${line#rows: } ;;
		rejects:*) rejects=${line#rejects: } ;;
		sql-expect:*) sql_expect=${line#sql-expect: } ;;
		sql:*) sql=${line#sql: } ;;
		esac
	done <"$f"
	mode=$(sed -n 's/^--- //p' "$f")
	dir=$W/$name
	mkdir -p "$dir"
	if [ "$mode" = printf ]; then
		sed '1,/^--- printf$/d' "$f" | while IFS= read -r l; do printf '%b' "$l"; done >"$dir/input.csv"
	else
		sed '1,/^--- csv$/d' "$f" >"$dir/input.csv"
	fi
	casedb
	# shellcheck disable=SC2086
	(cd "$dir" && run "$status" "$name: $title (status $status)" "$BIN" -d "$DB" load $args "$relation" input.csv)
	[ -n "$want_out" ] && has "$name: stdout" "$want_out" "$W/out"
	[ -n "$want_err" ] && has "$name: message" "$want_err" "$W/err"
	if [ -n "$rows" ]; then
		eq "$name: rows in $relation" "$rows" "$(q "$DBNAME" -c "SELECT count(*) FROM didkpi.$relation")"
	fi
	if [ -n "$rejects" ]; then
		eq "$name: rejects file" "$rejects" "$(($(wc -l <"$dir/input.csv.rejects.csv") - 1))"
	fi
	if [ -n "$sql" ]; then
		eq "$name: stored values" "$sql_expect" "$(q "$DBNAME" -c "$sql")"
	fi
done

# Loading the same file twice: the second time changes nothing and says so.
newdb t_load2
F=$TOP/tests/fixtures/services.csv
run 0 "first load of services" "$BIN" -d "$DB" load services "$F"
has "first load counts" "read 3, loaded 3, duplicate 0, rejected 0" "$W/out"
before=$(q "$DBNAME" -c "SELECT md5(string_agg(s::text, '|' ORDER BY service_code)) FROM didkpi.services s")
run 0 "second load of the same file" "$BIN" -d "$DB" load services "$F"
has "second load counts duplicates" "read 3, loaded 0, duplicate 3, rejected 0" "$W/out"
has "second load says nothing is new" "nothing new" "$W/err"
after=$(q "$DBNAME" -c "SELECT md5(string_agg(s::text, '|' ORDER BY service_code)) FROM didkpi.services s")
eq "second load leaves the table as it was" "$before" "$after"

# Standard input.
printf 'staff_key,unit,is_frontline,trained_on\ns1,หน่วยบริการ,t,2024-05-01\n' >"$W/staff.csv"
run 0 "load from standard input" "$BIN" -d "$DB" load staff - <"$W/staff.csv"
eq "row from stdin stored with its Thai text" "หน่วยบริการ" "$(q "$DBNAME" -c "SELECT unit FROM didkpi.staff WHERE staff_key = 's1'")"

# A rejected row leaves the database as it was, and the rejects file names
# the line and the reason.
printf 'staff_key,unit,is_frontline,trained_on\ns2,u,t,\ns3,u,perhaps,\n' >"$W/bad.csv"
run 65 "a rejected row fails the load" "$BIN" -d "$DB" load staff "$W/bad.csv"
eq "nothing loaded from a rejected file" "1" "$(q "$DBNAME" -c "SELECT count(*) FROM didkpi.staff")"
has "rejects file has line and reason" '^3,"column .is_frontline.: must be a boolean.*,s3,u,perhaps,' "$W/bad.csv.rejects.csv"
run 65 "--rejects names the rejects file" "$BIN" -d "$DB" load --rejects "$W/r.csv" staff "$W/bad.csv"
has "rejects written where asked" "^line,reason,staff_key,unit,is_frontline,trained_on" "$W/r.csv"

# Pseudonymising raw national IDs with a keyed hash.
printf 'staff_key,unit,is_frontline,trained_on\n1234567890121,u,t,\n' >"$W/nid.csv"
run 65 "a raw national ID is refused" "$BIN" -d "$DB" load staff "$W/nid.csv"
printf 'key' >"$W/short.key"
chmod 600 "$W/short.key"
run 64 "a short key is refused" "$BIN" -d "$DB" load --pseudonymize "$W/short.key" staff "$W/nid.csv"
printf '%s\n' "0123456789abcdef0123456789abcdef" >"$W/hmac.key"
chmod 600 "$W/hmac.key"
run 0 "--pseudonymize loads the hash instead" "$BIN" -d "$DB" load --pseudonymize "$W/hmac.key" staff "$W/nid.csv"
# Reference value: the HMAC computed by another implementation.
want=$(printf '1234567890121' | openssl dgst -sha256 -hmac "0123456789abcdef0123456789abcdef" | sed 's/.*= //')
eq "stored key is the HMAC-SHA-256 hex" "$want" "$(q "$DBNAME" -c "SELECT staff_key FROM didkpi.staff WHERE unit = 'u'")"
eq "no raw national ID stored" "0" "$(q "$DBNAME" -c "SELECT count(*) FROM didkpi.staff WHERE staff_key ~ '^[0-9]{13}$'")"

# An oversized field (over 64 KiB) is a clear error with its line.
{ printf 'staff_key,unit,is_frontline,trained_on\ns9,u,t,\ns10,'; head -c 70000 /dev/zero | tr '\0' x; printf ',t,\n'; } >"$W/big.csv"
run 65 "an oversized field fails" "$BIN" -d "$DB" load staff "$W/big.csv"
has "oversized field message names the line" "big.csv:3: field longer than 65536 bytes" "$W/err"

# Usage errors.
run 64 "unknown relation" "$BIN" -d "$DB" load colours "$W/staff.csv"
has "unknown relation lists the relations" "unknown relation 'colours': use one of services" "$W/err"
run 64 "a bad --tz is a usage error" "$BIN" -d "$DB" load --tz Mars/Olympus staff "$W/staff.csv"
run 64 "a bad --max-errors" "$BIN" -d "$DB" load --max-errors -1 staff "$W/staff.csv"
run 65 "a missing file" "$BIN" -d "$DB" load staff "$W/no-such.csv"

# Database unavailable: exit 69, a message, and no rejects file written.
run 69 "database down exits 69" "$BIN" -d "host=$W/nowhere dbname=x user=didkpi connect_timeout=2" load staff "$W/bad.csv"
has "database down says so" "cannot connect to the database" "$W/err"

# --- Durability: a load that exited 0 survives a server crash the moment
# after, whatever the server's synchronous_commit (the private cluster has
# it off). The WAL writer is frozen first, so only a synchronous commit can
# have put the commit record on disk: each trial is decisive, not a race.
crash_server() {
	local pm kids k
	pm=$(head -1 "$DIDKPI_HOME/data/postmaster.pid")
	kids=$(pgrep -P "$pm")
	# shellcheck disable=SC2086
	kill -9 "$pm" $kids 2>/dev/null
	for k in "$pm" $kids; do
		for _ in $(seq 200); do kill -0 "$k" 2>/dev/null || break; sleep 0.1; done
	done
}
newdb t_load_durable
for i in 1 2 3; do
	printf 'staff_key,unit,is_frontline,trained_on\n' >"$W/dur$i.csv"
	for j in 1 2 3 4 5; do printf 'd%s_%s,u,t,\n' "$i" "$j"; done >>"$W/dur$i.csv"
	# Everything before the load (the database, its schema) on disk first.
	q postgres -c CHECKPOINT >/dev/null
	ww=$(q postgres -c "SELECT pid FROM pg_stat_activity WHERE backend_type = 'walwriter'")
	[ -n "$ww" ] && kill -STOP "$ww"
	run 0 "durability trial $i: load exits 0" "$BIN" -d "$DB" load staff "$W/dur$i.csv"
	crash_server
	if ! "$BIN" db start >"$W/start.log" 2>&1; then
		not_ok "durability trial $i: server restarts" "$(cat "$W/start.log")"
		"$BIN" db start >/dev/null 2>&1
	fi
	eq "durability trial $i: every row survives the crash" 5 \
		"$(q "$DBNAME" -c "SELECT count(*) FROM didkpi.staff WHERE staff_key LIKE 'd${i}_%'")"
done

# --- The rejects file never destroys anything: refused (73) before the
# input is read are the input itself (by name, by another name, by hard
# link), a symbolic link, /dev/null, a FIFO, a directory.
newdb t_load_rej
R=$W/rej
mkdir -p "$R"
printf 'staff_key,unit,is_frontline,trained_on\nr1,u,t,\nr2,u,perhaps,\n' >"$R/in.csv"
cp "$R/in.csv" "$R/orig.csv"
ln "$R/in.csv" "$R/hard.csv"
run 73 "--rejects naming the input is refused" "$BIN" -d "$DB" load --rejects "$R/in.csv" staff "$R/in.csv"
has "--rejects the input: says why" "rejects file .*: it is the input file itself" "$W/err"
eq "--rejects the input: the input is intact" "" "$(cmp "$R/in.csv" "$R/orig.csv" 2>&1)"
run 73 "--rejects naming the input another way is refused" "$BIN" -d "$DB" load --rejects "$R/./in.csv" staff "$R/in.csv"
run 73 "--rejects a hard link of the input is refused" "$BIN" -d "$DB" load --rejects "$R/hard.csv" staff "$R/in.csv"
ln -s "$R/in.csv" "$R/default.csv.rejects.csv"
ln -s "$R/in.csv" "$R/default.csv"
run 73 "a default rejects name that is a link is refused" "$BIN" -d "$DB" load staff "$R/default.csv"
eq "the input behind the links is intact" "" "$(cmp "$R/in.csv" "$R/orig.csv" 2>&1)"
cp "$R/in.csv" "$R/staff.rejects.csv"
cd "$R" || exit 1
run 73 "stdin from the default rejects file is refused" "$BIN" -d "$DB" load staff - <"$R/staff.rejects.csv"
cd - >/dev/null || exit 1
eq "stdin from the default rejects file: intact" "" "$(cmp "$R/staff.rejects.csv" "$R/orig.csv" 2>&1)"
touch "$R/victim"
ln -s "$R/victim" "$R/link.csv"
run 73 "--rejects a symbolic link is refused" "$BIN" -d "$DB" load --rejects "$R/link.csv" staff "$R/in.csv"
has "--rejects a link: says why" "rejects file .*link.csv.: it is a symbolic link" "$W/err"
eq "--rejects a link: its target is untouched" "0" "$(stat -c %s "$R/victim")"
[ -L "$R/link.csv" ] && ok "--rejects a link: the link is still a link" || not_ok "--rejects a link: the link was replaced"
run 73 "--rejects /dev/null is refused" "$BIN" -d "$DB" load --rejects /dev/null staff "$R/in.csv"
has "--rejects /dev/null: says why" "rejects file ./dev/null.: it is not a regular file" "$W/err"
[ -c /dev/null ] && ok "/dev/null is still a device" || not_ok "/dev/null is no longer a device"
mkfifo "$R/fifo"
run 73 "--rejects a FIFO is refused" timeout 60 "$BIN" -d "$DB" load --rejects "$R/fifo" staff "$R/in.csv"
[ -p "$R/fifo" ] && ok "--rejects a FIFO: still a FIFO" || not_ok "--rejects a FIFO: replaced"
mkdir "$R/dir"
run 73 "--rejects a directory is refused" "$BIN" -d "$DB" load --rejects "$R/dir" staff "$R/in.csv"
eq "refused rejects paths: nothing loaded" "0" "$(q "$DBNAME" -c "SELECT count(*) FROM didkpi.staff")"
run 65 "rejects written through lib/outfile" "$BIN" -d "$DB" load --rejects "$R/out.csv" staff "$R/in.csv"
eq "the rejects file holds the row" "2" "$(wc -l <"$R/out.csv")"
eq "a new rejects file is private (0600)" "600" "$(stat -c %a "$R/out.csv")"
eq "no lock or temporary left beside the rejects file" "" "$(cd "$R" && ls -A | grep -E '^\.out\.csv')"

# --- A stream cut off mid-row is an error, never a short load; a regular
# file read to its end may lack its final newline (SPEC).
newdb t_load_trunc
printf 'staff_key,unit,is_frontline,trained_on\nt1,u,t,\nwrong pa' >"$W/cut.csv"
run 65 "a pipe ending inside a record fails" sh -c 'cat "$1" | "$2" -d "$3" load staff -' sh "$W/cut.csv" "$BIN" "$DB"
has "cut pipe: says where and why" "<stdin>:3: the input ends inside a record \(no final newline\): was the producer cut off\?" "$W/err"
eq "cut pipe: nothing loaded" "0" "$(q "$DBNAME" -c "SELECT count(*) FROM didkpi.staff")"
printf 'staff_key,unit,is_frontline,trained_on\nt1,u,t,\nt2,u,t,' >"$W/nonl.csv"
run 65 "a pipe whose last complete row lacks a newline fails too" sh -c 'cat "$1" | "$2" -d "$3" load staff -' sh "$W/nonl.csv" "$BIN" "$DB"
run 0 "the same bytes from a regular file load" "$BIN" -d "$DB" load staff "$W/nonl.csv"
has "regular file without final newline: every row" "read 2, loaded 2" "$W/out"
run 0 "stdin redirected from a regular file is a regular file" "$BIN" -d "$DB" load staff - <"$W/nonl.csv"

# --- A closed stdin is empty input (main gives it /dev/null), never the
# database's socket.
run 65 "a closed stdin is empty input" "$BIN" -d "$DB" load staff - <&-
has "closed stdin: no header" "<stdin>: empty file: a header row" "$W/err"

# --- 100,001 fields: the true count.
{ printf 'staff_key,unit,is_frontline,trained_on\nf1'; head -c 100000 /dev/zero | tr '\0' ,; printf '\n'; } >"$W/wide.csv"
run 65 "a row of 100,001 fields is rejected" "$BIN" -d "$DB" load staff "$W/wide.csv"
has "the message gives the true field count" "wide.csv:2: has 100001 fields, the header has 4" "$W/err"

# --- The summary cannot be written (stdout full): 73 and nothing loaded,
# so that any status but 0 means nothing was loaded.
printf 'staff_key,unit,is_frontline,trained_on\nfull1,u,t,\n' >"$W/full.csv"
run 73 "stdout full: status 73" sh -c '"$@" >/dev/full' sh "$BIN" -d "$DB" load staff "$W/full.csv"
has "stdout full: says nothing was loaded" "cannot write standard output: .*nothing loaded" "$W/err"
eq "stdout full: said once" "1" "$(grep -c 'cannot write standard output' "$W/err")"
eq "stdout full: the row is not loaded" "0" "$(q "$DBNAME" -c "SELECT count(*) FROM didkpi.staff WHERE staff_key = 'full1'")"
run 0 "stdout full with -q: nothing to write, loaded" sh -c '"$@" >/dev/full' sh "$BIN" -d "$DB" load -q staff "$W/full.csv"

# --- Memory stays constant with rejected rows: reloading 200,000 rows
# whose content changed (every one a conflict) peaks no higher than a
# plain load of them, give or take 20 MB (the old code took +40 MB and
# more). A small ASan quarantine: freed results are otherwise kept.
newdb t_load_mem
awk 'BEGIN { print "staff_key,unit,is_frontline,trained_on";
	for (i = 1; i <= 200000; i++) printf "k%07d,unit-a-%d,t,2024-05-01\n", i, i }' >"$W/m1.csv"
sed 's/unit-a-/unit-b-/' "$W/m1.csv" >"$W/m2.csv"
export ASAN_OPTIONS=${ASAN_OPTIONS:-}:quarantine_size_mb=8
run 0 "memory: plain load of 200,000 rows" /usr/bin/time -o "$W/rss1" -f %M "$BIN" -d "$DB" load -q staff "$W/m1.csv"
run 65 "memory: reload of 200,000 changed rows is rejected" /usr/bin/time -o "$W/rss2" -f %M "$BIN" -d "$DB" load -q staff "$W/m2.csv"
eq "memory: every changed row is in the rejects file" "200001" "$(wc -l <"$W/m2.csv.rejects.csv")"
rss1=$(tail -1 "$W/rss1") rss2=$(tail -1 "$W/rss2")
if [ "$rss2" -le $((rss1 + 20480)) ]; then
	ok "memory: conflicts streamed (peak ${rss2} kB, plain load ${rss1} kB)"
else
	not_ok "memory: conflicts held in memory" "peak ${rss2} kB, plain load ${rss1} kB"
fi

# --- Interrupted loads: SIGINT, SIGTERM and SIGHUP cancel the statement
# on the server (its locks go with it), remove the rejects temporary, and
# the next load runs at once. Background jobs of a script ignore SIGINT:
# env --default-signal gives the loader the signals' usual dispositions.
newdb t_load_sig
S=$W/sig
mkdir -p "$S"
SIGDB="$DB application_name=didkpi_sig"
# wait_for WHAT SQL: poll (at most 20 s) until the query answers t.
wait_for() {
	local i
	for i in $(seq 100); do
		[ "$(q "$DBNAME" -c "$2")" = t ] && return 0
		sleep 0.2
	done
	not_ok "$1" "still not true after 20 s: $2"
	return 1
}
# wait_file GLOB: poll (at most 20 s) until a file matches.
wait_file() {
	local i
	for i in $(seq 100); do
		compgen -G "$1" >/dev/null && return 0
		sleep 0.2
	done
	return 1
}
# after_signal WHAT PID SIG: the loader died of SIG, its backend and locks
# are gone, and no rejects file, temporary or lock is left in $S.
after_signal() {
	local what=$1 pid=$2 sig=$3 rc
	wait "$pid"
	rc=$?
	eq "$what: the loader died of SIG$sig" "$((128 + $(kill -l "$sig")))" "$rc"
	wait_for "$what: the server stopped the load's statement" \
		"SELECT count(*) = 0 FROM pg_stat_activity WHERE application_name = 'didkpi_sig'" &&
		ok "$what: the server stopped the load's statement"
	wait_for "$what: no lock of the load is held" \
		"SELECT count(*) = 0 FROM pg_locks WHERE pid IN (SELECT pid FROM pg_stat_activity WHERE backend_type = 'client backend' AND application_name <> 'didkpi_block') AND pid <> pg_backend_pid() AND (locktype = 'advisory' OR relation = 'didkpi.staff'::regclass)" &&
		ok "$what: no lock of the load is held"
	eq "$what: no rejects file, temporary or lock left" "" "$(ls -A "$S" | grep -v -e '^in' -e '^fifo$')"
}
{
	printf 'staff_key,unit,is_frontline,trained_on\nbad,u,perhaps,\nblk,u,t,\n'
	for i in $(seq 20000); do printf 's%06d,unit,t,\n' "$i"; done
} >"$S/in.csv"
n=0
for sig in INT TERM HUP; do
	n=$((n + 1))
	# In INSERT: another session holds an uncommitted row with one of the
	# file's keys, so the load's INSERT (or its direct COPY, which writes
	# into the relation) waits on it, holding its locks.
	PGAPPNAME=didkpi_block q "$DBNAME" -c "BEGIN; INSERT INTO didkpi.staff VALUES ('blk', 'x', true, NULL); SELECT pg_sleep(600)" >/dev/null 2>&1 &
	blocker=$!
	wait_for "blocker session started" "SELECT count(*) = 1 FROM pg_stat_activity WHERE application_name = 'didkpi_block' AND wait_event = 'PgSleep'"
	env --default-signal=INT,TERM,HUP "$BIN" -d "$SIGDB" load --max-errors 5 --rejects "$S/rej.csv" staff "$S/in.csv" >/dev/null 2>"$W/sig.err" &
	pid=$!
	if wait_for "SIG$sig in INSERT: the load waits in its INSERT" "SELECT count(*) = 1 FROM pg_stat_activity WHERE application_name = 'didkpi_sig' AND wait_event_type = 'Lock' AND query ~ 'INSERT INTO|COPY '"; then
		compgen -G "$S/.rej.csv.tmp-*/data" >/dev/null && ok "SIG$sig in INSERT: the rejects temporary exists" ||
			not_ok "SIG$sig in INSERT: the rejects temporary exists" "$(ls -A "$S")"
		kill -s "$sig" "$pid"
		after_signal "SIG$sig in INSERT" "$pid" "$sig"
		printf 'staff_key,unit,is_frontline,trained_on\nnext%s,u,t,\n' "$n" >"$S/in-next.csv"
		run 0 "SIG$sig in INSERT: the next load runs at once" timeout 60 "$BIN" -d "$DB" load staff "$S/in-next.csv"
	else
		kill -9 "$pid"
		wait "$pid"
	fi
	q "$DBNAME" -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'didkpi_block'" >/dev/null
	wait "$blocker"

	# In COPY: a producer that has sent 300 kB and not finished.
	rm -f "$S/fifo"
	mkfifo "$S/fifo"
	env --default-signal=INT,TERM,HUP "$BIN" -d "$SIGDB" load --max-errors 5 --rejects "$S/rej.csv" staff - <"$S/fifo" >/dev/null 2>"$W/sig.err" &
	pid=$!
	exec 3>"$S/fifo"
	sed "s/^s\([0-9]\)/c$n\1/" "$S/in.csv" >&3
	if wait_file "$S/.rej.csv.tmp-*/data" &&
		wait_for "SIG$sig in COPY: the load is in COPY" "SELECT count(*) = 1 FROM pg_stat_activity WHERE application_name = 'didkpi_sig' AND query ~ 'COPY pg_temp'"; then
		ok "SIG$sig in COPY: in COPY with a rejects temporary"
		kill -s "$sig" "$pid"
		after_signal "SIG$sig in COPY" "$pid" "$sig"
	else
		not_ok "SIG$sig in COPY: in COPY with a rejects temporary" "$(ls -A "$S")" "$(cat "$W/sig.err")"
		kill -9 "$pid"
		wait "$pid"
	fi
	exec 3>&-
done
eq "interrupted loads loaded nothing" "3" "$(q "$DBNAME" -c "SELECT count(*) FROM didkpi.staff")"

# kill -9 cannot clean up: the rejects temporary stays, and the next run
# that writes the same rejects file removes it.
rm -f "$S/fifo"
mkfifo "$S/fifo"
"$BIN" -d "$SIGDB" load --max-errors 5 --rejects "$S/rej.csv" staff - <"$S/fifo" >/dev/null 2>"$W/sig.err" &
pid=$!
exec 3>"$S/fifo"
sed "s/^s\([0-9]\)/k\1/" "$S/in.csv" >&3
if wait_file "$S/.rej.csv.tmp-*/data"; then
	kill -9 "$pid"
	wait "$pid"
	exec 3>&-
	compgen -G "$S/.rej.csv.tmp-*" >/dev/null && ok "kill -9 leaves the rejects temporary" ||
		not_ok "kill -9 leaves the rejects temporary" "$(ls -A "$S")"
	run 65 "the next run with rejects" timeout 60 "$BIN" -d "$DB" load --rejects "$S/rej.csv" staff "$S/in.csv"
	eq "the next run removed what the killed run left" "" "$(ls -A "$S" | grep '^\.rej')"
	eq "the next run wrote its rejects file" "2" "$(wc -l <"$S/rej.csv")"
else
	not_ok "kill -9 test: the load never wrote its rejects" "$(cat "$W/sig.err")"
	kill -9 "$pid"
	wait "$pid"
	exec 3>&-
fi

finish
