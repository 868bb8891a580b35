#!/bin/bash
# The command table, help, usage errors, the private cluster and init.
. "$(dirname "$0")/../lib.sh"

run 0 "didkpi --help" "$BIN" --help
has "help lists the commands" "^  load " "$W/out"
run 0 "didkpi help load" "$BIN" help load
has "help load shows load's usage" "^Usage: didkpi load" "$W/out"
run 64 "no command is a usage error" "$BIN"
run 64 "unknown command" "$BIN" frobnicate
has "unknown command message" "^didkpi: 'frobnicate' is not a didkpi command" "$W/err"
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
eq "schema version recorded" "3" "$(q didkpi -c 'SELECT max(version) FROM didkpi.schema_version')"

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
run 0 "DIDKPI_DB may name the database (not argv)" env DIDKPI_DB="host=$SOCK user=didkpi dbname=didkpi" "$BIN" init

# A database without the schema, or with an older one: a clear message.
q postgres -c 'DROP DATABASE IF EXISTS t_noschema WITH (FORCE)' -c 'CREATE DATABASE t_noschema' >/dev/null
run 69 "kpi on a database without the schema" "$BIN" -d "host=$SOCK user=didkpi dbname=t_noschema" kpi --period 2025-03
has "says to run init" "run 'didkpi init'" "$W/err"
q "$DBNAME" -c "DROP FUNCTION didkpi.periods; DELETE FROM didkpi.schema_version WHERE version >= 2" >/dev/null
run 69 "kpi on an older schema" "$BIN" -d "$DB" kpi --period 2025-03
has "names both versions" "schema is version 1; this didkpi needs version [0-9]+" "$W/err"
run 0 "init upgrades it" "$BIN" -d "$DB" init
run 0 "kpi after the upgrade" "$BIN" -d "$DB" kpi --period 2025-03 --allow-empty

# The private cluster listens on no TCP port.
eq "no TCP listener" "" "$(q didkpi -c 'SHOW listen_addresses')"

# No database configured and the private cluster down: exit 69, a hint.
DIDKPI_HOME=$W/none run 69 "no database at all exits 69" "$BIN" init
has "says the private cluster is not running" "private cluster in .* is not running" "$W/err"
has "hints at db start" "didkpi db start" "$W/err"
PGHOST=$W/nowhere PGDATABASE=x run 69 "PGHOST pointing nowhere exits 69" "$BIN" init

# A second private cluster: created, started, stopped, in a directory of ours.
D2=$W/c2
run 0 "db start in a new directory" env DIDKPI_HOME="$D2" "$BIN" db start
run 0 "db status after start" env DIDKPI_HOME="$D2" "$BIN" db status
run 0 "db start again is fine" env DIDKPI_HOME="$D2" "$BIN" db start
run 0 "init on the second cluster" env DIDKPI_HOME="$D2" "$BIN" init
run 0 "db stop" "$BIN" db stop --dir "$D2"
run 69 "db status after stop" "$BIN" db status --dir "$D2"
run 69 "init with the cluster stopped" env DIDKPI_HOME="$D2" "$BIN" init

finish
