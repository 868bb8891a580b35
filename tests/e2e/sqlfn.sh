#!/bin/bash
# SQL access (issue 13, item 2; sql/schema/008_kpi_functions.sql):
# didkpi.kpi_text() through COPY ... CSV HEADER prints `didkpi kpi -f csv`
# byte for byte, on the fixture, a demo department and random sparse data,
# for every period form, every breakdown, series, KPI lists, time zones and
# min-cell values, including cases where complementary suppression hides
# rows; didkpi.kpi() is the same rows typed; a didkpi_read role and a READ
# ONLY transaction can call them; bad parameters fail as the CLI does; the
# examples of the man page and README run; the migration re-applies.
. "$(dirname "$0")/../lib.sh"

BD=service,unit,channel,method

# sqlq [KPI_TEXT ARGS]: COPY of didkpi.kpi_text(ARGS) as CSV with a header.
sqlq() {
	q "$DBNAME" -c "COPY (SELECT * FROM didkpi.kpi_text($1)) TO STDOUT WITH (FORMAT csv, HEADER)"
}

# same WHAT 'SQL ARGS' CLI-ARGS...: the function's CSV equals the CLI's,
# and is not empty. Sets NSUPP to the number of suppressed rows.
same() {
	local what=$1 args=$2
	shift 2
	NSUPP=0
	if ! "$BIN" -d "$DB" kpi --format csv "$@" >"$W/cli" 2>"$W/cli.err"; then
		not_ok "$what" "kpi failed: $(head -c 500 "$W/cli.err")"; return
	fi
	if ! sqlq "$args" >"$W/sql" 2>"$W/sql.err"; then
		not_ok "$what" "SQL failed: $(head -c 500 "$W/sql.err")"; return
	fi
	NSUPP=$(grep -c ',true$' "$W/sql")
	if cmp -s "$W/cli" "$W/sql" && [ "$(wc -l <"$W/sql")" -gt 1 ]; then ok "$what"; else
		not_ok "$what" "diff cli sql:" "$(diff "$W/cli" "$W/sql" | head -10)"
	fi
}

# complementary WHAT CLI-ARGS...: the CLI's complementary suppression hid
# rows beyond the small cells in this case (so the equal output above
# shows the port of lib/suppress.c at work, not only primary suppression).
complementary() {
	local what=$1
	shift
	"$BIN" -v -d "$DB" kpi --format csv "$@" 2>&1 >/dev/null |
		grep -Eq 'complementary suppression hid [1-9][0-9]* more rows' &&
		ok "$what" || not_ok "$what" "no complementary suppression in: $*"
}

# ---- the fixture (tests/fixtures/kpi) ----
newdb t_sqlfn
for rel in services service_requests auth_events satisfaction staff kpi_targets; do
	"$BIN" -d "$DB" load -q "$rel" "$TOP/tests/fixtures/kpi/$rel.csv" ||
		not_ok "fixture $rel loads"
done
eq "schema version 8 applied" "8" "$(q "$DBNAME" -c 'SELECT max(version) FROM didkpi.schema_version')"

for p in 2025-03 FY2568-Q2 2025 FY2568 2025-02-15..2025-04-10 2025-03-01..2025-04-01; do
	same "fixture $p, totals" "'$p'" --period "$p"
	same "fixture $p by $BD" "'$p', '$BD'" --period "$p" --by "$BD"
	same "fixture $p by $BD --min-cell 0" "'$p', '$BD', min_cell => 0" \
		--period "$p" --by "$BD" --min-cell 0
done
for p in 2025-03 2025-02-15..2025-04-10; do
	for b in service unit channel method; do
		same "fixture $p by $b" "'$p', '$b'" --period "$p" --by "$b"
	done
done
same "fixture 2025-03 by $BD --min-cell 3" "'2025-03', '$BD', min_cell => 3" \
	--period 2025-03 --by "$BD" --min-cell 3
[ "$NSUPP" -gt 0 ] && ok "  ... and rows are suppressed there" || not_ok "no suppressed row"
same "fixture 2025-03 by $BD" "'2025-03', '$BD'" --period 2025-03 --by "$BD"
[ "$NSUPP" -gt 0 ] && ok "  ... and rows are suppressed there" || not_ok "no suppressed row"
complementary "  ... complementary suppression among them" --period 2025-03 --by "$BD"
same "fixture by unit,service: the order asked for" "'2025-03', 'unit,service'" \
	--period 2025-03 --by unit,service
complementary "  ... with complementary suppression (the unit hierarchy)" \
	--period 2025-03 --by unit,service
same "fixture by 'method, channel' (spaces, order)" "'2025-03', 'method, channel'" \
	--period 2025-03 --by method,channel
same "fixture FY2568 -i month by $BD" "'FY2568', '$BD', 'month'" \
	--period FY2568 --interval month --by "$BD"
same "fixture 2024-11-15..2025-05-10 -i quarter by service" \
	"'2024-11-15..2025-05-10', 'service', 'quarter'" \
	--period 2024-11-15..2025-05-10 --interval quarter --by service
same "fixture 2025 -i month --min-cell 0" "'2025', 'all', 'month', min_cell => 0" \
	--period 2025 --interval month --min-cell 0
same "fixture --kpi requests,satisfaction_mean by $BD" \
	"'2025-03', '$BD', kpis => '{satisfaction_mean,requests}'" \
	--period 2025-03 --by "$BD" --kpi requests,satisfaction_mean
same "fixture --kpi staff_training_coverage by unit" \
	"'2025-03', 'unit', kpis => '{staff_training_coverage}'" \
	--period 2025-03 --by unit --kpi staff_training_coverage
same "fixture --tz UTC by $BD" "'2025-03', '$BD', tz => 'UTC'" \
	--period 2025-03 --by "$BD" --tz UTC
same "fixture fy2568-q2 (any case)" "'fy2568-q2', 'service'" --period fy2568-q2 --by service
for p in last-month this-month this-fy last-fy; do
	same "fixture $p (relative to today)" "'$p', 'channel'" --period "$p" --by channel --allow-empty
done
same "fixture defaults: last-month, totals" "" --period last-month --allow-empty

# The typed function: the same rows, typed for BI tools, R and pandas.
eq "didkpi.kpi() column types" \
	"text date date text text text double precision double precision double precision double precision boolean" \
	"$(q "$DBNAME" -c "SELECT pg_typeof(period), pg_typeof(period_start), pg_typeof(period_end),
		pg_typeof(kpi), pg_typeof(breakdown), pg_typeof(key), pg_typeof(value),
		pg_typeof(numerator), pg_typeof(denominator), pg_typeof(target), pg_typeof(suppressed)
		FROM didkpi.kpi('2025-03') LIMIT 1" | tr '|' ' ')"
eq "didkpi.kpi() equals kpi_text() row for row" "0" \
	"$(q "$DBNAME" -c "SELECT count(*) FROM (
		(SELECT period, period_start::text, period_end::text, kpi, breakdown, key,
			didkpi.kpi_format_number(value), didkpi.kpi_format_number(numerator),
			didkpi.kpi_format_number(denominator), didkpi.kpi_format_number(target),
			suppressed::text
		   FROM didkpi.kpi('2025-03', '$BD')
		 EXCEPT
		 SELECT * FROM didkpi.kpi_text('2025-03', '$BD'))
		UNION ALL
		(SELECT * FROM didkpi.kpi_text('2025-03', '$BD')
		 EXCEPT
		 SELECT period, period_start::text, period_end::text, kpi, breakdown, key,
			didkpi.kpi_format_number(value), didkpi.kpi_format_number(numerator),
			didkpi.kpi_format_number(denominator), didkpi.kpi_format_number(target),
			CASE WHEN suppressed THEN 'true' ELSE 'false' END
		   FROM didkpi.kpi('2025-03', '$BD'))) d")"
eq "a suppressed row has value, numerator and denominator NULL" "0" \
	"$(q "$DBNAME" -c "SELECT count(*) FROM didkpi.kpi('2025-03', '$BD')
		WHERE suppressed AND num_nonnulls(value, numerator, denominator) > 0")"
eq "typed values: requests in March 2025" "10 10 100" \
	"$(q "$DBNAME" -c "SELECT value, numerator, target FROM didkpi.kpi('2025-03')
		WHERE kpi = 'requests'" | tr '|' ' ')"
# Numbers as lib/format.c writes them: no exponent from 1e-6 up, none
# below 1e15 for integers, the shortest round trip, even when the session
# asks for fewer float digits.
eq "kpi_format_number: like fmt_number()" "0 0.5 0.000015 1e-07 123456789012345 0.30000000000000004" \
	"$(q "$DBNAME" -c "SET extra_float_digits = 1" -c "SELECT string_agg(didkpi.kpi_format_number(v), ' ' ORDER BY o)
		FROM (VALUES (1, 0::float8), (2, 0.5), (3, 1.5e-5), (4, 1e-7), (5, 123456789012345),
			     (6, 0.1::float8 + 0.2::float8)) x(o, v)")"
PGOPTIONS='-c extra_float_digits=0' sqlq "'2025-03', '$BD'" >"$W/efd0" 2>&1
"$BIN" -d "$DB" kpi --format csv --period 2025-03 --by "$BD" >"$W/cli" 2>&1
cmp -s "$W/cli" "$W/efd0" && ok "kpi_text() exact with extra_float_digits = 0 in the session" ||
	not_ok "kpi_text() with extra_float_digits = 0" "$(diff "$W/cli" "$W/efd0" | head -5)"

# Written as functions should be: STABLE, SECURITY INVOKER, a fixed
# search_path (the SQL helper kpi_format_number is inlined instead and
# names pg_catalog itself).
eq "the kpi functions are stable or immutable, invoker, with a search_path" "" \
	"$(q "$DBNAME" -c "SELECT string_agg(proname, ' ') FROM pg_proc
		WHERE pronamespace = 'didkpi'::regnamespace AND proname LIKE 'kpi%'
		  AND (provolatile = 'v' OR prosecdef
		       OR (proname <> 'kpi_format_number'
			   AND NOT coalesce(proconfig, '{}') @> ARRAY['search_path=pg_catalog, pg_temp']))")"

# A read-only transaction, and default_transaction_read_only (a standby).
eq "callable in a READ ONLY transaction" "t" \
	"$(q "$DBNAME" -c "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY" \
		-c "SELECT count(*) > 300 FROM didkpi.kpi('2025-03', '$BD')" -c "COMMIT")"
PGOPTIONS='-c default_transaction_read_only=on' sqlq "'2025-03', '$BD'" >"$W/ro" 2>&1
cmp -s "$W/cli" "$W/ro" && ok "kpi_text() with default_transaction_read_only = on" ||
	not_ok "kpi_text() read only" "$(head -5 "$W/ro")"

# Bad parameters: SQLSTATE 22023, and for periods the CLI's own reason.
# sqlerr WHAT EXPECTED-REGEX 'ARGS'
sqlerr() {
	if q "$DBNAME" -c "\\set VERBOSITY verbose" -c "SELECT count(*) FROM didkpi.kpi($3)" >"$W/out" 2>"$W/err"; then
		not_ok "$1" "succeeded: $(head -3 "$W/out")"
	elif grep -Eq -- "$2" "$W/err" && grep -q "22023" "$W/err"; then ok "$1"; else
		not_ok "$1" "expected: $2 (22023)" "$(head -5 "$W/err")"
	fi
}
for p in 2025-13 2568-03 2568 2567-02-29..2567-04-01 2025-03-15 FY2025 FY2568-Q5 FY2568-X \
	 2025-04-01..2025-03-01 2025-02-30..2025-03-01 2025-3 FY 0000 '' 2568-13-01..2025-01-01 \
	 FY2568- FY12345 FY123456 20251 0000-01-31..2568-02-30 x..y; do
	"$BIN" -d "$DB" kpi --period "$p" >/dev/null 2>"$W/clierr"
	why=$(sed -n 's/^didkpi: \(invalid period .*\)$/\1/p' "$W/clierr" | head -1)
	q "$DBNAME" -c "SELECT count(*) FROM didkpi.kpi('$p')" >/dev/null 2>"$W/err"
	sqlwhy=$(sed -n 's/^ERROR:  \(invalid period .*\)$/\1/p' "$W/err" | head -1)
	if [ -n "$why" ] && [ "$why" = "$sqlwhy" ]; then ok "bad period '$p': the CLI's message"; else
		not_ok "bad period '$p': the CLI's message" "cli: $why" "sql: $sqlwhy $(head -2 "$W/err")"
	fi
done
sqlerr "bad period: SQLSTATE 22023 and the forms as a hint" "HINT:.*FY2568-Q1" "'2025-13'"
sqlerr "an unknown breakdown" "by: unknown breakdown 'region'" "'2025-03', 'service,region'"
sqlerr "an unknown KPI" "kpis: unknown KPI 'digital_chanel_rate'" "'2025-03', kpis => '{requests,digital_chanel_rate}'"
sqlerr "an empty KPI list" "kpis needs at least one name" "'2025-03', kpis => '{}'"
sqlerr "a negative min_cell" "min_cell needs a number >= 0" "'2025-03', min_cell => -1"
sqlerr "a bad series" "the interval must be month or quarter, not 'fortnight'" "'2025-03', series => 'fortnight'"

# ---- the reading role (sql/roles.sql) ----
# Without PUBLIC's default EXECUTE, the role's own grants must carry it.
q "$DBNAME" -c "REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA didkpi FROM PUBLIC" >/dev/null
run 0 "init --roles" "$BIN" -d "$DB" init --roles
q postgres -c "DO \$\$ BEGIN
	IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'dk_sqlfn_reader') THEN CREATE ROLE dk_sqlfn_reader LOGIN; END IF;
	IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'dk_sqlfn_nobody') THEN CREATE ROLE dk_sqlfn_nobody LOGIN; END IF;
END \$\$" -c "GRANT didkpi_read TO dk_sqlfn_reader" >/dev/null
psql -X -q -h "$SOCK" -U dk_sqlfn_reader -d "$DBNAME" -v ON_ERROR_STOP=1 \
	-c "COPY (SELECT * FROM didkpi.kpi_text('2025-03', '$BD')) TO STDOUT WITH (FORMAT csv, HEADER)" \
	>"$W/reader" 2>&1
cmp -s "$W/cli" "$W/reader" && ok "a didkpi_read member calls kpi_text(): the CLI's rows" ||
	not_ok "didkpi_read calls kpi_text()" "$(head -5 "$W/reader")"
eq "a didkpi_read member calls kpi() with the role's EXECUTE grant" "t t" \
	"$(psql -X -q -A -t -h "$SOCK" -U dk_sqlfn_reader -d "$DBNAME" -c "SELECT
		has_function_privilege('didkpi_read', 'didkpi.kpi(text, text, text, text[], integer, text)', 'EXECUTE'),
		count(*) > 0 FROM didkpi.kpi('FY2568', 'unit', 'quarter')" 2>&1 | tr '|' ' ')"
psql -X -q -h "$SOCK" -U dk_sqlfn_nobody -d "$DBNAME" -c "SELECT * FROM didkpi.kpi('2025-03')" \
	>"$W/out" 2>"$W/err"
has "a role granted nothing cannot read the KPIs (SECURITY INVOKER)" "permission denied" "$W/err"

# ---- the README's pandas example, as written ----
PY=
for p in /usr/bin/python3 python3; do
	if "$p" -c 'import pandas, psycopg2' 2>/dev/null; then PY=$p; break; fi
done
if [ -n "$PY" ]; then
	sed -n '/^```python$/,/^```$/p' "$TOP/README.md" | sed '1d;$d' |
		sed 's/dbname="didkpi"/dbname="'"$DBNAME"'"/' >"$W/readme.py"
	PGHOST=$SOCK PGUSER=didkpi "$PY" "$W/readme.py" >"$W/py.out" 2>"$W/py.err"
	# requests in March 2025: 10 (tests/e2e/kpi.sh), as a float in pandas
	grep -Eq '2025-03 +10\.0$' "$W/py.out" && ok "the README's pandas example runs" ||
		not_ok "the README's pandas example" "$(head -20 "$W/py.out" "$W/py.err")"
else
	echo "ok $((_n += 1)) - the README's pandas example # SKIP no pandas or psycopg2"
fi

# ---- re-applying the migration ----
q "$DBNAME" -c "DELETE FROM didkpi.schema_version WHERE version = 8" >/dev/null
run 0 "schema 008 applies again over itself" "$BIN" -d "$DB" init
same "  ... and the functions still agree" "'2025-03', '$BD'" --period 2025-03 --by "$BD"

# ---- a demo department ----
newdb t_sqlfn_demo
run 0 "demo at scale 0.05" "$BIN" -d "$DB" demo --scale 0.05 --seed 5 --until 2025-09
for p in FY2568-Q2 2024 2024-11-15..2025-02-10; do
	same "demo $p, totals" "'$p'" --period "$p"
	same "demo $p by $BD" "'$p', '$BD'" --period "$p" --by "$BD"
done
for b in service unit channel method; do
	same "demo 2025-03 by $b" "'2025-03', '$b'" --period 2025-03 --by "$b"
	[ "$NSUPP" -gt 0 ] && ok "  ... and rows are suppressed there" || not_ok "no suppressed row"
done
same "demo 2025-03 by $BD" "'2025-03', '$BD'" --period 2025-03 --by "$BD"
[ "$NSUPP" -gt 0 ] && ok "  ... and rows are suppressed there" || not_ok "no suppressed row"
complementary "  ... complementary suppression among them" --period 2025-03 --by "$BD"
same "demo 2025-03 by $BD --min-cell 0" "'2025-03', '$BD', min_cell => 0" \
	--period 2025-03 --by "$BD" --min-cell 0
same "demo FY2568 -i month by $BD" "'FY2568', '$BD', 'month'" \
	--period FY2568 --interval month --by "$BD"
[ "$NSUPP" -gt 0 ] && ok "  ... and rows are suppressed there" || not_ok "no suppressed row"
same "demo FY2568 -i quarter by $BD --min-cell 20" "'FY2568', '$BD', 'quarter', min_cell => 20" \
	--period FY2568 --interval quarter --by "$BD" --min-cell 20
complementary "  ... complementary suppression among them" \
	--period FY2568 --interval quarter --by "$BD" --min-cell 20
same "demo FY2568 by unit,service --tz UTC" "'FY2568', 'unit,service', tz => 'UTC'" \
	--period FY2568 --by unit,service --tz UTC

# ---- the examples of man/didkpi-sql.7, as written, on the demo ----
awk '/^\.RS/{f=1; s=""; next} /^\.RE/{f=0; n++; print s > (dir "/ex" n ".sql"); next} f{s=s $0 "\n"}' \
	dir="$W" "$TOP/man/didkpi-sql.7"
sed -i "s/\\\\(aq/'/g; s/\\\\-/-/g; s/\\\\\\\\/\\\\/g" "$W"/ex*.sql
( cd "$W" && q "$DBNAME" -f ex1.sql >ex1.out 2>&1 ) &&
	grep -Eq '^[a-z0-9_-]+\|0\.[0-9]+$' "$W/ex1.out" && ok "didkpi-sql(7) example 1 runs" ||
	not_ok "didkpi-sql(7) example 1" "$(head -5 "$W/ex1.out")"
( cd "$W" && q "$DBNAME" -f ex2.sql >ex2.out 2>&1 ) &&
	[ "$(grep -c '^2025-0[1-9]-01|' "$W/ex2.out")" = 9 ] && ok "didkpi-sql(7) example 2 runs" ||
	not_ok "didkpi-sql(7) example 2" "$(head -5 "$W/ex2.out")"
( cd "$W" && q "$DBNAME" -f ex3.sql >ex3.out 2>&1 )
"$BIN" -d "$DB" kpi --format csv --period 2025-03 --by service,unit >"$W/cli" 2>&1
cmp -s "$W/cli" "$W/kpi.csv" && ok "didkpi-sql(7) example 3 (\\copy) writes the CLI's CSV" ||
	not_ok "didkpi-sql(7) example 3" "$(cat "$W/ex3.out")" "$(diff "$W/cli" "$W/kpi.csv" | head -5)"
# ---- random sparse data: many small cells, one unit or several ----
# (services spread over :nu units, skewed so that some keys are rare; with
# one unit, the unit row equals the total and its small cells cannot be
# hidden: the CLI's warning case)
newdb t_sqlfn_random
cat >"$W/random.sql" <<'EOF'
TRUNCATE didkpi.satisfaction, didkpi.service_requests, didkpi.auth_events, didkpi.staff CASCADE;
DELETE FROM didkpi.services;
SELECT setseed(:seed);
INSERT INTO didkpi.services SELECT 'sv' || g, 'x', 'x', 'u' || (g % :nu), g % 3 <> 0,
       CASE WHEN g % 2 = 0 THEN date '2024-12-01' + g * 10 END FROM generate_series(1, :ns) g;
INSERT INTO didkpi.service_requests (request_id, service_code, user_key, channel, via_single_window, auth_method, submitted_at, closed_at, status)
SELECT 'r' || g, 'sv' || (1 + floor(random() * random() * :ns)::int),
       CASE WHEN random() < 0.9 THEN 'u' || floor(random() * 40)::int END,
       (ARRAY['web','mobile','counter','kiosk'])[1 + floor(random() * random() * 4)::int], random() < 0.3,
       CASE WHEN random() < 0.8 THEN (ARRAY['thaid','otp','face','password','chip_card','fingerprint','iris'])[1 + floor(random() * random() * 7)::int] END,
       t, t + interval '1 hour' * random() * 100, 'completed'
  FROM generate_series(1, :nr) g, LATERAL (SELECT timestamptz '2025-01-01 00:00+07' + random() * interval '90 days' + g * interval '0 s' AS t) x;
INSERT INTO didkpi.satisfaction SELECT 'a' || g, NULL, 'sv' || (1 + floor(random() * random() * :ns)::int), (ARRAY['web','mobile','counter','kiosk'])[1 + floor(random() * 4)::int],
       timestamptz '2025-01-01 00:00+07' + random() * interval '90 days' + g * interval '0 s', 1 + floor(random() * 5)::int FROM generate_series(1, :nr / 3) g;
INSERT INTO didkpi.auth_events (event_id, occurred_at, user_key, step, method, outcome, latency_ms, channel, service_code)
SELECT 'e' || g, timestamptz '2025-01-01 00:00+07' + random() * interval '90 days' + g * interval '0 s', 'u' || floor(random() * 40)::int,
       (ARRAY['identification','authentication'])[1 + floor(random() * 2)::int], (ARRAY['thaid','otp','face','password'])[1 + floor(random() * random() * 4)::int],
       CASE WHEN random() < 0.8 THEN 'success' ELSE 'failure' END, (random() * 900)::int,
       (ARRAY['web','mobile','counter','kiosk'])[1 + floor(random() * 4)::int],
       CASE WHEN random() < 0.9 THEN 'sv' || (1 + floor(random() * random() * :ns)::int) END FROM generate_series(1, :nr) g;
INSERT INTO didkpi.staff SELECT 'st' || g, 'u' || (g % (:nu + 1)), random() < 0.8, CASE WHEN random() < 0.5 THEN date '2025-01-15' END FROM generate_series(1, :ns * 3) g;
EOF
for args in "0.3 11 4 280" "0.4 13 1 340"; do
	set -- $args
	q "$DBNAME" -v seed="$1" -v ns="$2" -v nu="$3" -v nr="$4" -f "$W/random.sql" >/dev/null 2>"$W/err" ||
		not_ok "random data, seed $1" "$(head -5 "$W/err")"
	same "random data (seed $1, $3 units) by $BD, monthly" \
		"'2025-01-01..2025-04-01', '$BD', 'month'" --period 2025-01-01..2025-04-01 --by "$BD" -i month
	complementary "  ... complementary suppression among them" \
		--period 2025-01-01..2025-04-01 --by "$BD" -i month
	same "random data (seed $1) by unit,service --min-cell 12" "'2025-02', 'unit,service', min_cell => 12" \
		--period 2025-02 --by unit,service --min-cell 12
done

finish
