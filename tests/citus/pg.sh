# Throwaway PostgreSQL servers of the Citus and replica tests (sourced by
# tests/e2e/citus.sh, tests/e2e/replica.sh and bench/citus.sh). Each server
# listens on a Unix socket in a directory of its own and on no TCP port, so
# tests running at once never meet; as root it runs as postgres, as
# tests/run's own cluster does. Role didkpi (superuser), trust auth.
#   pg_new NAME [CONF-LINE...]  initdb NAME under $PGX, conf lines appended;
#                               sets nothing, the socket is $PGX/NAME.sock
#   pg_up NAME / pg_down NAME   start / stop (fast) the server
#   pg_sock NAME                its socket directory
#   pgq NAME DB ARGS...         psql -At on it
#   pg_down_all                 stop every server started here (EXIT trap)
# PGX (a directory) must be set before sourcing; the caller removes it.
PGBIN=${DIDKPI_PG_BINDIR:-/usr/lib/postgresql/15/bin}
: "${PGX:?set PGX to a scratch directory}"
_pg_started=

_pg_as() {
	if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_sock() { echo "$PGX/$1.sock"; }

pg_new() {
	local name=$1 line
	shift
	mkdir -p "$PGX/$name.sock"
	[ "$(id -u)" -eq 0 ] && chown postgres "$PGX" "$PGX/$name.sock"
	_pg_as "$PGBIN/initdb" -D "$PGX/$name" -U didkpi --auth=trust -E UTF8 \
		--locale=C.UTF-8 --no-instructions --no-sync >"$PGX/$name.initdb.log" 2>&1 ||
		{ cat "$PGX/$name.initdb.log"; return 1; }
	{
		echo "listen_addresses = ''"
		echo "unix_socket_directories = '$PGX/$name.sock'"
		echo "fsync = off"
		echo "shared_buffers = 32MB"
		echo "max_connections = 40"
		for line in "$@"; do echo "$line"; done
	} | _pg_as tee -a "$PGX/$name/postgresql.conf" >/dev/null
}

pg_up() {
	_pg_as "$PGBIN/pg_ctl" start -w -s -t 60 -D "$PGX/$1" -l "$PGX/$1.log" ||
		{ tail -20 "$PGX/$1.log"; return 1; }
	_pg_started="$_pg_started $1"
}

pg_down() { _pg_as "$PGBIN/pg_ctl" stop -w -s -m fast -D "$PGX/$1" >/dev/null 2>&1; }

pg_down_all() {
	local n
	for n in $_pg_started; do pg_down "$n"; done
	_pg_started=
}

pgq() {
	local name=$1 db=$2
	shift 2
	psql -X -q -A -t -v ON_ERROR_STOP=1 -h "$PGX/$name.sock" -U didkpi -d "$db" "$@"
}

# xlsx_same A.xlsx B.xlsx: the two workbooks hold the same sheets, cells,
# styles and charts, but for what depends on the clock (docProps/core.xml,
# the "generated" time written as YYYY-MM-DD HH:MM:SS or as an Excel
# date-time serial number of these years, 4xxxx.fraction); prints a diff.
xlsx_same() {
	local a=$1 b=$2 d
	d=$(mktemp -d "$PGX/xlsx.XXXXXX")
	unzip -q "$a" -d "$d/a" && unzip -q "$b" -d "$d/b" || return 1
	rm -f "$d/a/docProps/core.xml" "$d/b/docProps/core.xml"
	find "$d" -name '*.xml' -exec sed -E -i \
		-e 's/[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}/(time)/g' -e 's/></>\n</g' \
		-e 's|<v>4[0-9]{4}\.[0-9]+</v>|<v>(date-time)</v>|g' {} +
	diff -r "$d/a" "$d/b" | head -c 1500
	diff -rq "$d/a" "$d/b" >/dev/null
}
