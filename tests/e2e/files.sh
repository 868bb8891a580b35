#!/bin/bash
# Output files (lib/outfile, lib/interrupt): report, chart, kpi -o and
# compare -o write a file that appears whole or not at all, never through a
# link someone planted. Real signals sent to a run that waits inside a
# query (another session holds a table lock), real kill -9 leftovers, real
# symlinks, a FIFO and a device node at the names didkpi uses, names of
# 250 and 255 bytes.
. "$(dirname "$0")/../lib.sh"

newdb t_files
q "$DBNAME" -f "$TOP/tests/fixtures/chart/fixture.sql" >/dev/null ||
	not_ok "fixture loads"
export DIDKPI_TEMPLATE_PATH=$TOP/reports/templates
O=$W/out.d
mkdir -p "$O"
P=2025-03

R() { "$BIN" -d "$DB" report -p $P "$@"; }
C() { "$BIN" -d "$DB" chart trend -p FY2568 --width 300 --height 200 "$@"; }
K() { "$BIN" -d "$DB" kpi -p $P "$@"; }
CMP() { "$BIN" -d "$DB" compare "$@"; }
# The same as argument lists, for a run started in the background whose
# process id must be didkpi's own (not a subshell's). A background job of
# a script starts with SIGINT ignored: env gives it back its default.
BG=(env --default-signal=INT,TERM,HUP "$BIN" -d "$DB")

# hidden_left NAME: what is left in $O whose name begins with ".NAME".
hidden_left() { (cd "$O" && ls -A | grep -F -- ".$1" | grep '^\.' || true); }

# ---- a session that holds a table lock, so that a run waits in a query ----
locker=
lock_table() {
	q "$DBNAME" -c "BEGIN; LOCK TABLE didkpi.$1 IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(120)" \
		>/dev/null 2>&1 &
	locker=$!
	for _ in $(seq 200); do
		[ "$(q "$DBNAME" -c "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
			WHERE c.relname = '$1' AND l.mode = 'AccessExclusiveLock' AND l.granted")" = 1 ] && return 0
		sleep 0.1
	done
	return 1
}
unlock_table() {
	q "$DBNAME" -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE query LIKE '%pg_sleep(120)%' AND pid <> pg_backend_pid()" >/dev/null
	wait "$locker" 2>/dev/null
}
# waiting_backends: how many didkpi backends wait for a lock.
waiting_backends() {
	q "$DBNAME" -c "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'didkpi'
		AND wait_event_type = 'Lock'"
}
# wait_for_waiter: 0 once a didkpi backend waits for the lock.
wait_for_waiter() {
	for _ in $(seq 300); do
		[ "$(waiting_backends)" -ge 1 ] && return 0
		sleep 0.1
	done
	return 1
}
# wait_no_waiter: 0 once no didkpi backend waits any more.
wait_no_waiter() {
	for _ in $(seq 100); do
		[ "$(waiting_backends)" = 0 ] && return 0
		sleep 0.1
	done
	return 1
}

# interrupt WHAT SIGNAL NAME ARGS...: didkpi ARGS (writing $O/NAME over an old file)
# waits in a query; while its temporary file exists, SIGNAL ends it: it dies
# of SIGNAL, leaves nothing beside NAME, the old file is byte-identical, and
# its query was cancelled (its backend no longer waits for the lock).
interrupt() {
	local what=$1 sig=$2 name=$3 pid rc
	shift 3
	printf 'old %s\n' "$name" >"$O/$name"
	cp "$O/$name" "$W/before"
	lock_table service_requests || not_ok "$what: table locked"
	exec "${BG[@]}" "$@" >"$W/out" 2>"$W/err" &
	pid=$!
	if wait_for_waiter; then ok "$what: the run waits inside its query"; else
		not_ok "$what: the run waits inside its query" "$(cat "$W/err")"; fi
	eq "$what: its lock and private temporary directory exist" "2" \
		"$(hidden_left "$name" | grep -Ec "^\.$name\.(lock|tmp-[A-Za-z0-9]{6})$")"
	kill -"$sig" "$pid"
	wait "$pid"
	rc=$?
	eq "$what: dies of SIG$sig" "$((128 + $(kill -l "$sig")))" "$rc"
	eq "$what: nothing left beside the file" "" "$(hidden_left "$name")"
	cmp -s "$O/$name" "$W/before" && ok "$what: the old file is untouched" ||
		not_ok "$what: the old file is untouched"
	if wait_no_waiter; then ok "$what: the query was cancelled on the server"; else
		not_ok "$what: the query was cancelled on the server" "a didkpi backend still waits"; fi
	unlock_table
}

# ---- item 4: interrupted runs leave nothing ----
interrupt "report SIGTERM" TERM m.xlsx report -p $P -o "$O/m.xlsx"
interrupt "report SIGINT" INT m.xlsx report -p $P -o "$O/m.xlsx"
interrupt "chart SIGHUP" HUP c.png chart trend -p FY2568 -o "$O/c.png"
interrupt "chart SIGTERM" TERM c.svg chart trend -p FY2568 -o "$O/c.svg"
interrupt "kpi -o SIGINT" INT k.csv kpi -p $P -o "$O/k.csv"
interrupt "compare -o SIGTERM" TERM cmp.csv compare -o "$O/cmp.csv"

# A frozen server (its postmaster and the run's backend stopped) cannot
# answer the cancel request: the run still ends, of its own signal, and
# leaves nothing.
printf 'old\n' >"$O/z.csv"
lock_table service_requests || not_ok "frozen: table locked"
exec "${BG[@]}" kpi -p $P -o "$O/z.csv" >"$W/out" 2>"$W/err" &
pid=$!
wait_for_waiter || not_ok "frozen: the run waits inside its query"
bpid=$(q "$DBNAME" -c "SELECT pid FROM pg_stat_activity WHERE application_name = 'didkpi'
	AND wait_event_type = 'Lock'")
pm=$(ps -o ppid= -p "$bpid" | tr -d ' ')
kill -STOP "$pm" "$bpid"
kill -TERM "$pid"
for _ in $(seq 600); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
kill -CONT "$pm" "$bpid"
wait "$pid"
eq "frozen server: the run dies of SIGTERM within 60 s" "143" "$?"
eq "frozen server: nothing left beside the file" "" "$(hidden_left z.csv)"
eq "frozen server: the old file untouched" "old" "$(cat "$O/z.csv")"
unlock_table

# A run killed with -9 leaves its lock and temporary directory; the next
# run removes them, and the temporary files of the versions before
# (".NAME.XXXXXX" beside the file), but not a file a person named so.
killed() {
	local what=$1 name=$2 pid
	shift 2
	lock_table service_requests || not_ok "$what: table locked"
	exec "${BG[@]}" "$@" >"$W/out" 2>"$W/err" &
	pid=$!
	wait_for_waiter || not_ok "$what: the run waits inside its query"
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null
	unlock_table
	eq "$what: kill -9 leaves its lock and temporary directory" "2" \
		"$(hidden_left "$name" | grep -Ec "^\.$name\.(lock|tmp-[A-Za-z0-9]{6})$")"
	echo "old version's temporary" >"$O/.$name.Xq3z9A"
	echo "a person's file" >"$O/.$name.backup"
	run 0 "$what: the next run succeeds" "$BIN" -d "$DB" "$@"
	eq "$what: the next run removed what the killed runs left" ".$name.backup" "$(hidden_left "$name")"
	rm -f "$O/.$name.backup"
}
killed "report" m.xlsx report -p $P -o "$O/m.xlsx"
killed "chart" c.png chart trend -p FY2568 -o "$O/c.png"
killed "kpi -o" k.csv kpi -p $P -o "$O/k.csv"

# ---- item 14: planted links and special files ----
S=$W/somewhere
printf 'old\n' >"$O/m.xlsx"
cp "$O/m.xlsx" "$W/before"
ln -s "$S" "$O/.m.xlsx.lock"
run 73 "report: a symlink at the lock name is refused" R -o "$O/m.xlsx"
has "report: says the lock is a symbolic link" "lock file .*is a symbolic link" "$W/err"
[ ! -e "$S" ] && ok "report: nothing created where the lock link points" ||
	not_ok "report: nothing created where the lock link points"
cmp -s "$O/m.xlsx" "$W/before" && ok "report: the old file untouched" || not_ok "report: the old file untouched"
rm -f "$O/.m.xlsx.lock"
for c in "chart c.png C" "kpi k.csv K" "compare cmp.csv CMP"; do
	set -- $c
	ln -s "$S" "$O/.$2.lock"
	run 73 "$1: a symlink at the lock name is refused" "$3" -o "$O/$2"
	[ ! -e "$S" ] && ok "$1: nothing created where the lock link points" ||
		not_ok "$1: nothing created where the lock link points"
	rm -f "$O/.$2.lock" "$O/$2"
	ln -s "$S" "$O/$2"
	run 73 "$1: a symlink at the destination is refused" "$3" -o "$O/$2"
	has "$1: says the destination is a symbolic link" "is a symbolic link" "$W/err"
	[ ! -e "$S" ] && [ -L "$O/$2" ] && ok "$1: the link is left alone, nothing created" ||
		not_ok "$1: the link is left alone, nothing created"
	rm -f "$O/$2"
done
ln -s "$S" "$O/l.xlsx"
run 73 "report: a symlink at the destination is refused" R -o "$O/l.xlsx"
[ ! -e "$S" ] && [ -L "$O/l.xlsx" ] && ok "report: the destination link left alone" ||
	not_ok "report: the destination link left alone"
rm -f "$O/l.xlsx"

# A link named like a temporary directory, or like an old temporary file,
# pointing at someone's files: followed by nothing, removed by nothing.
mkdir -p "$W/victim"
echo keep >"$W/victim/file"
echo keep >"$W/victim-file"
ln -s "$W/victim" "$O/.m.xlsx.tmp-AAAAAA"
ln -s "$W/victim-file" "$O/.m.xlsx.Xq3z9B"
run 0 "report beside planted temporary-name links" R -o "$O/m.xlsx"
eq "the victim directory keeps its file" "keep" "$(cat "$W/victim/file")"
eq "the victim file is kept" "keep" "$(cat "$W/victim-file")"
[ -L "$O/.m.xlsx.tmp-AAAAAA" ] && [ -L "$O/.m.xlsx.Xq3z9B" ] && ok "the planted links are not ours to remove" ||
	not_ok "the planted links are not ours to remove"
rm -f "$O/.m.xlsx.tmp-AAAAAA" "$O/.m.xlsx.Xq3z9B"

# A FIFO and a device node at the destination: refused at once (a FIFO is
# never opened, which would block), neither replaced.
mkfifo "$O/fifo.csv" "$O/fifo.png"
run 73 "kpi -o a FIFO is refused" timeout 60 "$BIN" -d "$DB" kpi -p $P -o "$O/fifo.csv"
has "kpi -o FIFO: says why" "not a regular file" "$W/err"
[ -p "$O/fifo.csv" ] && ok "the FIFO is still a FIFO" || not_ok "the FIFO is still a FIFO"
run 73 "chart to a FIFO is refused" timeout 60 "$BIN" -d "$DB" chart trend -p FY2568 -o "$O/fifo.png"
[ -p "$O/fifo.png" ] && ok "the FIFO chart is still a FIFO" || not_ok "the FIFO chart is still a FIFO"
rm -f "$O/fifo.csv" "$O/fifo.png"
if mknod "$O/null.xlsx" c 1 3 2>/dev/null; then
	run 73 "report to a device node is refused" R -o "$O/null.xlsx"
	[ -c "$O/null.xlsx" ] && ok "the device node is still a device" || not_ok "the device node is still a device"
	rm -f "$O/null.xlsx"
else
	ok "report to a device node # SKIP cannot mknod (not root)"
fi
eq "no hidden file left by the refusals" "" "$(cd "$O" && ls -A | grep '^\.' || true)"

# ---- item 18: kpi -o and compare -o ----
echo "yesterday's data" >"$O/k.csv"
NODB="host=$W/nosocket dbname=x"
run 69 "kpi -o with no database exits 69" "$BIN" -d "$NODB" kpi -p $P -o "$O/k.csv"
eq "kpi -o failed: the old file untouched" "yesterday's data" "$(cat "$O/k.csv")"
run 69 "kpi -o with no database, new file" "$BIN" -d "$NODB" kpi -p $P -o "$O/new.csv"
[ ! -e "$O/new.csv" ] && ok "kpi -o failed: no file created" || not_ok "kpi -o failed: no file created"
run 69 "compare -o with no database exits 69" "$BIN" -d "$NODB" compare -o "$O/newc.csv"
[ ! -e "$O/newc.csv" ] && ok "compare -o failed: no file created" || not_ok "compare -o failed: no file created"
eq "failed runs left nothing hidden" "" "$(cd "$O" && ls -A | grep '^\.' || true)"

K --by service --format csv >"$W/stdout.csv"
run 0 "kpi -o FILE.csv" K --by service -o "$O/k.csv"
cmp -s "$O/k.csv" "$W/stdout.csv" && ok "kpi -o writes exactly what stdout gets" ||
	not_ok "kpi -o writes exactly what stdout gets" "$(diff "$W/stdout.csv" "$O/k.csv" | head)"
eq "kpi -o prints nothing on stdout" "" "$(cat "$W/out")"
K --format json >"$W/stdout.json"
run 0 "kpi -o FILE.json takes json from the extension" K -o "$O/k.json"
cmp -s "$O/k.json" "$W/stdout.json" && ok "kpi -o .json is the json format" || not_ok "kpi -o .json is the json format"
K --format tsv >"$W/stdout.tsv"
run 0 "kpi -o FILE.TSV (any case)" K -o "$O/k.TSV"
cmp -s "$O/k.TSV" "$W/stdout.tsv" && ok "kpi -o .TSV is the tsv format" || not_ok "kpi -o .TSV is the tsv format"
run 0 "kpi --format wins over the extension" K --format tsv -o "$O/k2.json"
cmp -s "$O/k2.json" "$W/stdout.tsv" && ok "kpi --format tsv -o x.json writes tsv" || not_ok "kpi --format tsv -o x.json writes tsv"
run 0 "kpi -o FILE with another extension: csv" K --by service -o "$O/k.out"
cmp -s "$O/k.out" "$W/stdout.csv" && ok "kpi -o x.out is csv" || not_ok "kpi -o x.out is csv"
run 0 "kpi -o - is standard output" K --by service -o -
cmp -s "$W/out" "$W/stdout.csv" && ok "kpi -o - writes to stdout" || not_ok "kpi -o - writes to stdout"
run 0 "kpi -o with {period}" K -o "$O/didkpi-{period}.csv"
[ -f "$O/didkpi-2025-03.csv" ] && ok "{period} became 2025-03" || not_ok "{period} became 2025-03" "$(ls "$O")"
run 0 "kpi -o with {period} of a fiscal year" "$BIN" -d "$DB" kpi -p FY2568 -o "$O/fy-{period}.csv"
[ -f "$O/fy-FY2568.csv" ] && ok "{period} became FY2568" || not_ok "{period} became FY2568"
run 64 "kpi -o with an unknown placeholder" K -o "$O/{month}.csv"
has "kpi: unknown placeholder named" "unknown placeholder '\{month\}'" "$W/err"
run 64 "kpi -o ''" K -o ''
CMP --format csv >"$W/stdout.csv"
run 0 "compare -o FILE.csv" CMP -o "$O/cmp.csv"
cmp -s "$O/cmp.csv" "$W/stdout.csv" && ok "compare -o writes exactly what stdout gets" ||
	not_ok "compare -o writes exactly what stdout gets"
run 64 "compare -o {period} is unknown (no period)" CMP -o "$O/{period}.csv"
eq "successful runs left nothing hidden" "" "$(cd "$O" && ls -A | grep '^\.' || true)"
chmod 0640 "$O/k.csv"
run 0 "kpi -o keeps the replaced file's mode" K --by service -o "$O/k.csv"
eq "mode 0640 kept" "640" "$(stat -c %a "$O/k.csv")"

# ---- item 20: names of 250 and 255 bytes ----
long() { printf "%0${1}d" 0 | tr 0 a; } # a name of N letters
for n in 250 255; do
	rm -rf "$O" && mkdir -p "$O"
	x=$(long $((n - 5)))
	run 0 "report to a $n-byte name" R -o "$O/$x.xlsx"
	[ -s "$O/$x.xlsx" ] && ok "report: the $n-byte file is there" || not_ok "report: the $n-byte file is there"
	x=$(long $((n - 4)))
	run 0 "chart to a $n-byte name" C -o "$O/$x.png"
	[ -s "$O/$x.png" ] && ok "chart: the $n-byte file is there" || not_ok "chart: the $n-byte file is there"
	run 0 "kpi -o to a $n-byte name" K -o "$O/$x.csv"
	[ -s "$O/$x.csv" ] && ok "kpi: the $n-byte file is there" || not_ok "kpi: the $n-byte file is there"
	eq "$n-byte names: nothing else left" "3" "$(ls -A "$O" | wc -l)"
done
finish
