#!/bin/bash
# The command table, help, usage errors, the private cluster and init.
. "$(dirname "$0")/../lib.sh"

run 0 "didkpi --help" "$BIN" --help
has "help lists the commands" "^  load " "$W/out"
run 0 "didkpi help load" "$BIN" help load
has "help load shows load's usage" "^Usage: didkpi load" "$W/out"
run 64 "no command is a usage error" "$BIN"
run 64 "unknown command" "$BIN" frobnicate
has "unknown command message" "^didkpi: unknown command 'frobnicate'$" "$W/err"
run 0 "version" "$BIN" --version
has "version printed" "^didkpi [0-9]" "$W/out"
for c in db init load; do
	check_help "$c"
done
run 64 "db with no action" "$BIN" db
run 64 "db with an unknown action" "$BIN" db explode

# The runner's cluster is up: status says so on stdout with status 0.
run 0 "db status of the running test cluster" "$BIN" db status
has "db status names the socket" "^running: socket .*/run" "$W/out"
run 69 "db status of a cluster never created" "$BIN" db status --dir "$W/none"
has "status says not running" "^not running" "$W/out"

# With no database named at all, commands use the private cluster.
run 0 "init on the private cluster (no -d)" "$BIN" init
# the newest migration in sql/schema/ (NNN_name.sql), every one applied
newest=$(find "$TOP/sql/schema" -name '[0-9][0-9][0-9]_*.sql' -printf '%f\n' | sort | tail -1)
newest=$((10#${newest%%_*}))
eq "schema version recorded" "$newest" "$(q didkpi -c 'SELECT max(version) FROM didkpi.schema_version')"
eq "every version from 1 recorded" "$newest" "$(q didkpi -c 'SELECT count(DISTINCT version) FROM didkpi.schema_version')"

# init is idempotent and keeps data.
newdb t_basics
q "$DBNAME" -c "INSERT INTO didkpi.staff VALUES ('s1', 'u', true, NULL)"
run 0 "init again" "$BIN" -d "$DB" init
eq "init again keeps rows" "1" "$(q "$DBNAME" -c 'SELECT count(*) FROM didkpi.staff')"
eq "reference rows seeded once" "4 7 2" \
	"$(q "$DBNAME" -c "SELECT (SELECT count(*) FROM didkpi.channels) || ' ' || (SELECT count(*) FROM didkpi.auth_methods) || ' ' || (SELECT count(*) FROM didkpi.kpi_targets)")"

# No password on the command line (other users see argv).
run 64 "a password in -d is refused" "$BIN" -d "host=$SOCK user=didkpi dbname=didkpi password=secret" kpi --period 2025-03
has "says why and where to put it" "refusing a password on the command line" "$W/err"
run 64 "a password in a URI is refused" "$BIN" -d "postgresql://didkpi:secret@localhost/didkpi" init
# ... even when the conninfo does not parse (a typo elsewhere in it).
run 64 "a password in a conninfo with an invalid option is refused" "$BIN" -d "host=$SOCK nosuchoption=1 password=secret" init
has "refused for the password, not the typo" "refusing a password on the command line" "$W/err"
run 64 "PASSWORD = in any case and spacing is refused" "$BIN" -d "host=$SOCK bad PASSWORD =secret" init
run 64 "a user:password@ URI that does not parse is refused" "$BIN" -d "postgresql://didkpi:secret@localhost/didkpi?nosuch=1" init
run 0 "DIDKPI_DB may name the database (not argv)" env DIDKPI_DB="host=$SOCK user=didkpi dbname=didkpi" "$BIN" init

# A database without the schema, or with an older one: a clear message.
q postgres -c 'DROP DATABASE IF EXISTS t_noschema WITH (FORCE)' -c 'CREATE DATABASE t_noschema' >/dev/null
run 69 "kpi on a database without the schema" "$BIN" -d "host=$SOCK user=didkpi dbname=t_noschema" kpi --period 2025-03
has "says to run init" "run 'didkpi init'" "$W/err"
q "$DBNAME" -c "DROP FUNCTION didkpi.periods; DELETE FROM didkpi.schema_version WHERE version >= 2" >/dev/null
run 69 "kpi on an older schema" "$BIN" -d "$DB" kpi --period 2025-03
has "names both versions" "schema is version 1; this didkpi needs version [0-9]+" "$W/err"
run 0 "init upgrades it" "$BIN" -d "$DB" init
# (versions 2 to 12 applied again over their own objects: version 12 once
# rebuilt the first identifications' key, with the instant carried)
eq "the first identifications' key carries the instant, once" "user_key occurred_at 1" \
	"$(q "$DBNAME" -c "SELECT string_agg(a.attname, ' ' ORDER BY k.n) || ' ' || i.indnkeyatts
	                     FROM pg_index i CROSS JOIN unnest(i.indkey) WITH ORDINALITY k(att, n)
	                     JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.att
	                    WHERE i.indexrelid = 'didkpi.first_identification_pkey'::regclass
	                    GROUP BY i.indnkeyatts")"
run 0 "kpi after the upgrade" "$BIN" -d "$DB" kpi --period 2025-03 --allow-empty

# The private cluster listens on no TCP port, and its commits are durable
# (a load that reported success survives a crash).
eq "no TCP listener" "" "$(q didkpi -c 'SHOW listen_addresses')"
eq "synchronous_commit, fsync, full_page_writes on" "on on on" \
	"$(q didkpi -c "SELECT string_agg(setting, ' ' ORDER BY name DESC) FROM pg_settings WHERE name IN ('synchronous_commit', 'fsync', 'full_page_writes')")"

# ---- least privilege: didkpi_read and didkpi_load (sql/roles.sql) ----
newdb t_roles
run 0 "init --roles" "$BIN" -d "$DB" init --roles
run 0 "init --roles again (idempotent)" "$BIN" -d "$DB" init --roles
q postgres -c "DO \$\$ BEGIN
	IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'dk_alice') THEN CREATE ROLE dk_alice LOGIN; END IF;
	IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'dk_bob') THEN CREATE ROLE dk_bob LOGIN; END IF;
	IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'dk_eve') THEN CREATE ROLE dk_eve LOGIN; END IF;
END \$\$" -c "GRANT didkpi_read TO dk_alice" -c "GRANT didkpi_load TO dk_bob" >/dev/null
READER="host=$SOCK user=dk_alice dbname=t_roles"
LOADER="host=$SOCK user=dk_bob dbname=t_roles"
F=$TOP/tests/fixtures/kpi
for rel in services staff service_requests satisfaction auth_events; do
	run 0 "the loading role loads $rel" "$BIN" -d "$LOADER" load "$rel" "$F/$rel.csv"
done
eq "the loader's rows are there" "18" "$(q t_roles -c 'SELECT count(*) FROM didkpi.service_requests')"
run 0 "the loading role runs refresh --pending" "$BIN" -d "$LOADER" refresh --pending -v
has "it rebuilt the months its loads marked" "latencies of 4 month.s., people of 6 month" "$W/err"
eq "nothing left pending" "0" "$(q t_roles -c 'SELECT count(*) FROM didkpi.rollup_latency_pending')"
eq "no people left pending" "0" "$(q t_roles -c 'SELECT count(*) FROM didkpi.rollup_people_pending')"
eq "the people's months counted" "6" "$(q t_roles -c 'SELECT count(*) FROM didkpi.rollup_people')"
run 77 "the reading role cannot refresh --pending: exit 77" "$BIN" -d "$READER" refresh --pending
has "permission denied for the function" "permission denied for function rollup_latency_refresh" "$W/err"
run 77 "nor the full refresh" "$BIN" -d "$LOADER" refresh
run 0 "the reading role runs kpi" "$BIN" -d "$READER" kpi --period 2025-03
has "kpi printed rows" "requests" "$W/out"
run 0 "the reading role runs compare" "$BIN" -d "$READER" compare
run 0 "the reading role runs chart" "$BIN" -d "$READER" chart trend --period FY2568 --lang en -o "$W/roles.png"
run 0 "the reading role runs report" "$BIN" -d "$READER" report --period 2025-03 -o "$W/roles.xlsx"
run 77 "the reading role cannot load: exit 77" "$BIN" -d "$READER" load services "$F/services.csv"
has "names the missing privilege" "permission denied for table services" "$W/err"
has "hints at the roles" "grant this login role didkpi_read .* didkpi_load" "$W/err"
run 77 "a role granted nothing: exit 77, not 70" "$BIN" -d "host=$SOCK user=dk_eve dbname=t_roles" kpi --period 2025-03
has "says permission denied" "permission denied for (schema|table)" "$W/err"
has "didkpi(1) lists exit status 77" "^\.B 77$" "$TOP/man/didkpi.1"

# ---- the private cluster's home, as root: no chown through links ----
if [ "$(id -u)" = 0 ]; then
	H=$W/homes
	mkdir -p "$H" && chmod 755 "$H"
	echo secret >"$H/target"
	mkdir -m 700 "$H/h1" && ln -s "$H/target" "$H/h1/run"
	run 73 "a home whose run is a symlink is refused" env DIDKPI_HOME="$H/h1" "$BIN" db start
	has "says run is not a directory" "refusing .*/h1/run: not a directory" "$W/err"
	eq "the symlink's target still belongs to root" "0:0" "$(stat -c %u:%g "$H/target")"
	mkdir -m 700 "$H/real" && ln -s "$H/real" "$H/h2"
	run 73 "a symlinked home is refused" env DIDKPI_HOME="$H/h2" "$BIN" db start
	has "says it is a symbolic link" "it is a symbolic link" "$W/err"
	eq "the link's target still belongs to root" "0" "$(stat -c %u "$H/real")"
	mkdir "$H/h3" && chmod 777 "$H/h3"
	run 73 "a world-writable home is refused" env DIDKPI_HOME="$H/h3" "$BIN" db start
	has "with the chmod hint" "chmod go-w .*/h3" "$W/err"
	eq "its mode is left alone" "777" "$(stat -c %a "$H/h3")"
	eq "and it was not handed to postgres" "0" "$(stat -c %u "$H/h3")"
	mkdir "$H/h4" && chmod 770 "$H/h4"
	run 73 "a group-writable home is refused" env DIDKPI_HOME="$H/h4" "$BIN" db start
	eq "nothing started in a refused home" "" "$(ls -A "$H/h1" "$H/h3" "$H/h4" | grep -v -e run -e '^$' -e ':$')"
else
	ok "# SKIP not root: symlink and ownership tests"
fi

# ---- a quote in the cluster's path, and a failure after the server started ----
DQ="$W/it's \\dir"
run 0 "db start in a directory whose name holds a quote and a backslash" env DIDKPI_HOME="$DQ" "$BIN" db start
run 0 "init there" env DIDKPI_HOME="$DQ" "$BIN" init
run 0 "db stop there" "$BIN" db stop --dir "$DQ"
run 69 "not running after stop" "$BIN" db status --dir "$DQ"
run 64 "a control character in the path is refused before anything starts" \
	env DIDKPI_HOME="$W/new
line" "$BIN" db start
run 64 "a path too long for a socket is refused before anything starts" \
	env DIDKPI_HOME="$W/$(printf 'x%.0s' $(seq 120))" "$BIN" db start
# The didkpi database gone and CREATE DATABASE impossible: start fails, and
# the server it started is stopped again.
DF=$W/cfail
run 0 "db start (to break it)" env DIDKPI_HOME="$DF" "$BIN" db start
psql -X -q -h "$DF/run" -U didkpi -d postgres -c "DROP DATABASE didkpi" \
	-c "ALTER SYSTEM SET default_transaction_read_only = on" >/dev/null
run 0 "db stop (to break it)" "$BIN" db stop --dir "$DF"
run 70 "db start failing after the server started" env DIDKPI_HOME="$DF" "$BIN" db start
has "says the cluster was stopped again" "stopped again" "$W/err"
run 69 "the server is not left running" "$BIN" db status --dir "$DF"

# No database configured and the private cluster down: exit 69, a hint.
DIDKPI_HOME=$W/none run 69 "no database at all exits 69" "$BIN" init
has "says the private cluster is not running" "private cluster in .* is not running" "$W/err"
has "hints at db start" "didkpi db start" "$W/err"
PGHOST=$W/nowhere PGDATABASE=x run 69 "PGHOST pointing nowhere exits 69" "$BIN" init

# A second private cluster: created, started, stopped, in a directory of ours.
D2=$W/c2
run 0 "db start in a new directory" env DIDKPI_HOME="$D2" "$BIN" db start
eq "a new home is created 0700" "700" "$(stat -c %a "$D2")"
eq "a fresh cluster commits synchronously" "on" "$(psql -X -A -t -h "$D2/run" -U didkpi -d didkpi -c 'SHOW synchronous_commit')"
run 0 "db status after start" env DIDKPI_HOME="$D2" "$BIN" db status
run 0 "db start again is fine" env DIDKPI_HOME="$D2" "$BIN" db start
run 0 "init on the second cluster" env DIDKPI_HOME="$D2" "$BIN" init
run 0 "db stop" "$BIN" db stop --dir "$D2"
run 69 "db status after stop" "$BIN" db status --dir "$D2"
run 69 "init with the cluster stopped" env DIDKPI_HOME="$D2" "$BIN" init

# Huge pages (db start --huge-pages): as root the kernel's reservation is
# raised to what the server's shared memory needs and the server is on
# 2 MiB pages (db status says so, and the postmaster's mappings show it);
# where they cannot be had, a warning and a server on 4 KiB pages. The
# reservation is put back afterwards.
run 64 "--huge-pages goes with start only" "$BIN" db status --huge-pages --dir "$D2"
has "says so" "goes with db start" "$W/err"
D3=$W/c3
hp0=$(cat /proc/sys/vm/nr_hugepages 2>/dev/null || echo none)
run 0 "db start --huge-pages" env DIDKPI_HOME="$D3" "$BIN" db start --huge-pages -v
cp "$W/err" "$W/hp.err"
if grep -q "shared memory is on huge pages" "$W/hp.err"; then
	has "it says how many pages it found or reserved" \
		"(reserved [0-9]+ huge pages for the server|[0-9]+ huge pages free for the server's [0-9]+)" "$W/hp.err"
	run 0 "db status" "$BIN" db status --dir "$D3"
	has "db status says the shared memory is on huge pages" "^running: .*, shared memory on huge pages$" "$W/out"
	pm=$(head -1 "$D3/data/postmaster.pid")
	has "the postmaster maps 2 MiB pages" "^KernelPageSize: +2048 kB" "/proc/$pm/smaps"
	run 0 "db start --huge-pages again, running on them: no warning" \
		env DIDKPI_HOME="$D3" "$BIN" db start --huge-pages
	lacks "no warning" "warning" "$W/err"
	[ "$(id -u)" = 0 ] && [ "$hp0" = 0 ] &&
		has "as root on a kernel with none reserved, it reserved them" "reserved [0-9]+ huge pages" "$W/hp.err"
else
	has "no huge pages: a warning saying why" "warning: .*(huge pages|4 KiB pages)" "$W/hp.err"
	run 0 "db status" "$BIN" db status --dir "$D3"
	lacks "db status does not claim huge pages" "huge pages" "$W/out"
fi
# The server's user owns data/: a FIFO or a link planted at its
# postmaster.pid must not hold or misdirect db status (run as root).
mv "$D3/data/postmaster.pid" "$D3/pid.keep"
mkfifo "$D3/data/postmaster.pid"
run 0 "db status with a FIFO at postmaster.pid does not hang" timeout 20 "$BIN" db status --dir "$D3"
lacks "nor claims huge pages" "huge pages" "$W/out"
rm -f "$D3/data/postmaster.pid"
ln -s "$D3/pid.keep" "$D3/data/postmaster.pid"
run 0 "db status with a link at postmaster.pid" timeout 20 "$BIN" db status --dir "$D3"
lacks "does not follow it" "huge pages" "$W/out"
rm -f "$D3/data/postmaster.pid"
mv "$D3/pid.keep" "$D3/data/postmaster.pid"
run 0 "db stop of the huge-pages cluster" "$BIN" db stop --dir "$D3"
if [ "$(id -u)" = 0 ] && [ "$hp0" != none ]; then
	echo "$hp0" >/proc/sys/vm/nr_hugepages 2>/dev/null
fi

finish
