# Shared helpers of the end-to-end tests (sourced). Each test prints a TAP
# line: "ok N - what" or "not ok N - what" with the evidence below it.
# The runner (tests/run) exports DIDKPI_BIN, DIDKPI_HOME (the throwaway
# cluster) and DIDKPI_TEST_TMP.
set -u
export LC_ALL=C TZ=UTC
BIN=${DIDKPI_BIN:?run through tests/run}
SOCK=${DIDKPI_TEST_SOCK:?run through tests/run}
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
_n=0
W=$(mktemp -d "${DIDKPI_TEST_TMP:-/tmp}/e2e.XXXXXX")
chmod 755 "$W"

ok() { _n=$((_n + 1)); echo "ok $_n - $1"; }
not_ok() { _n=$((_n + 1)); echo "not ok $_n - $1"; shift; [ $# -gt 0 ] && printf '  %s\n' "$@"; return 0; }

# psql on database $1 (quiet, unaligned, tuples only).
q() { local db=$1; shift; psql -X -q -A -t -v ON_ERROR_STOP=1 -h "$SOCK" -U didkpi -d "$db" "$@"; }

# newdb NAME: a fresh database with the didkpi schema and test services;
# sets DB (its conninfo) and DBNAME.
newdb() {
	DBNAME=$1
	# FORCE: a backend of the previous test may still be closing.
	q postgres -c "DROP DATABASE IF EXISTS \"$DBNAME\" WITH (FORCE)" >/dev/null
	q postgres -c "CREATE DATABASE \"$DBNAME\"" >/dev/null
	DB="host=$SOCK user=didkpi dbname=$DBNAME"
	if ! "$BIN" -d "$DB" init >"$W/init.log" 2>&1; then
		echo "newdb: init failed:"
		cat "$W/init.log"
		exit 1
	fi
}

# run STATUS WHAT CMD...: run CMD, keep its stdout/stderr in $W/out and
# $W/err, and check its exit status.
run() {
	local want=$1 what=$2 rc
	shift 2
	"$@" >"$W/out" 2>"$W/err"
	rc=$?
	if [ "$rc" = "$want" ]; then
		ok "$what"
	else
		not_ok "$what" "exit status $rc, expected $want" "command: $*" \
			"stderr: $(head -c 2000 "$W/err")"
	fi
}

# eq WHAT EXPECTED ACTUAL
eq() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "expected: $2" "actual:   $3"; fi
}

# has WHAT REGEX FILE: FILE has a line matching the extended regex.
has() {
	if grep -Eq -- "$2" "$3"; then ok "$1"; else not_ok "$1" "no line matching: $2" "in $3:" "$(head -c 2000 "$3")"; fi
}

# lacks WHAT REGEX FILE
lacks() {
	if grep -Eq -- "$2" "$3"; then not_ok "$1" "unexpected line matching: $2" "$(grep -E -- "$2" "$3" | head -5)"; else ok "$1"; fi
}

# Every command answers --help on stdout with status 0, and rejects a bad
# option with status 64 and a hint.
check_help() {
	local cmd=$1
	run 0 "$cmd --help exits 0" "$BIN" "$cmd" --help
	has "$cmd --help prints usage" "^Usage: didkpi $cmd" "$W/out"
	run 64 "$cmd with a bad option exits 64" "$BIN" "$cmd" --no-such-option
	has "$cmd bad option gives a hint" "try 'didkpi $cmd --help'" "$W/err"
}

# untimed FILE: prints FILE, and for the HTML report and the PDF brief's text the
# time of day they were made masked ("18:09 น." in their footers): two
# runs a minute apart are the same report. Other outputs hold no time.
untimed() {
	case $1 in
	*.html | *.txt) sed -E 's/[0-9]{1,2}:[0-9]{2}/HH:MM/g' "$1" ;;
	*) cat "$1" ;;
	esac
}
finish() { rm -rf "$W"; echo "1..$_n"; }
