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
	newdb "t_load"
	"$BIN" -d "$DB" load services "$TOP/tests/fixtures/services.csv" >/dev/null || not_ok "$name: fixture services"
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

finish
