#!/bin/bash
# SQL access (issue 13, item 2; sql/schema/008_kpi_functions.sql):
# didkpi.kpi_text() through COPY ... CSV HEADER prints `didkpi kpi -f csv`
# byte for byte, on the fixture, a demo department and random sparse data,
# for every period form (ISO weeks, ..= ranges), every breakdown, day,
# week, month, quarter and year series, KPI lists, time zones, min-cell
# values and the label column in Thai and English, including cases where
# complementary suppression hides rows; didkpi.kpi() is the same rows
# typed; a didkpi_read role and a READ ONLY transaction can call them; bad
# parameters and ambiguous periods fail with the CLI's message; the
# examples of the man page and README run; the migration re-applies. The
# cost KPIs (channel_costs) are among every KPI compared, with and without
# missing costs.
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
	NSUPP=$(grep -c ',TRUE,' "$W/sql")
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
"$BIN" -d "$DB" load -q channel_costs "$TOP/tests/fixtures/cost/channel_costs.csv" ||
	not_ok "fixture channel_costs loads"
eq "schema version 8 applied" "t" "$(q "$DBNAME" -c 'SELECT bool_or(version = 8) FROM didkpi.schema_version')"

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

# The label column (the key's name) in Thai, the default, and English;
# the unit "ฝ่าย ก, ข" has a comma, so the label is quoted as the CLI does.
same "fixture --lang en by $BD" "'2025-03', '$BD', lang => 'en'" --period 2025-03 --by "$BD" --lang en
same "fixture --lang th by $BD" "'2025-03', '$BD', lang => 'th'" --period 2025-03 --by "$BD" --lang th
has "  ... the Thai label of a service" '^2025-03,.*,requests,service,s_a,.*,บริการ ก$' "$W/sql"
has "  ... a unit with a comma, quoted" '^2025-03,.*,requests,unit,"ฝ่าย ก, ข",.*,"ฝ่าย ก, ข"$' "$W/sql"
same "fixture --lang en by unit,service, monthly" "'FY2568-Q2', 'unit,service', 'month', lang => 'en'" \
	--period FY2568-Q2 --by unit,service -i month --lang en
has "  ... the English labels: All and a service's name" '^2025-01,.*,requests,all,,.*,All$' "$W/sql"
has "  ... and Service A" '^2025-01,.*,requests,service,s_a,.*,Service A$' "$W/sql"

# Periods and series as lib/period.c makes them: ISO weeks, ..= ranges
# (end included), day, week and year series cut at the period's edges.
same "fixture ISO week 2025-W10 by $BD" "'2025-W10', '$BD'" --period 2025-W10 --by "$BD" --allow-empty
same "fixture 2025-w10 (any case) --lang en" "'2025-w10', 'channel', lang => 'en'" \
	--period 2025-w10 --by channel --lang en --allow-empty
same "fixture 2025-03-01..=2025-03-31 by $BD" "'2025-03-01..=2025-03-31', '$BD'" \
	--period 2025-03-01..=2025-03-31 --by "$BD"
has "  ... labelled as the end-excluded range" '^2025-03-01\.\.2025-04-01,2025-03-01,2025-04-01,' "$W/sql"
same "fixture 2025-03-10..=2025-03-10 (one day) by service" "'2025-03-10..=2025-03-10', 'service'" \
	--period 2025-03-10..=2025-03-10 --by service --allow-empty
same "fixture FY2568-Q2 -i week by $BD" "'FY2568-Q2', '$BD', 'week'" \
	--period FY2568-Q2 --interval week --by "$BD"
has "  ... a week cut by the period's start, labelled by its dates" '^2025-01-01\.\.2025-01-06,' "$W/sql"
has "  ... a whole ISO week" '^2025-W10,2025-03-03,2025-03-10,' "$W/sql"
same "fixture 2024-12-30..=2025-01-05 -i week: 2025-W01 across the new year" \
	"'2024-12-30..=2025-01-05', 'all', 'week'" --period 2024-12-30..=2025-01-05 -i week --allow-empty
has "  ... labelled 2025-W01" '^2025-W01,2024-12-30,2025-01-06,' "$W/sql"
same "fixture 2025-03 -i day by $BD --lang en" "'2025-03', '$BD', 'day', lang => 'en'" \
	--period 2025-03 --interval day --by "$BD" --lang en
has "  ... day pieces labelled by their date" '^2025-03-31,2025-03-31,2025-04-01,' "$W/sql"
same "fixture 2024-11-15..=2025-05-10 -i year by service" "'2024-11-15..=2025-05-10', 'service', 'year'" \
	--period 2024-11-15..=2025-05-10 --interval year --by service
same "fixture FY2568 -i year: pieces that are whole quarters" "'FY2568', 'unit', 'YEAR'" \
	--period FY2568 --interval YEAR --by unit
has "  ... FY2568-Q1 then 2025-01-01..2025-10-01" '^2025-01-01\.\.2025-10-01,' "$W/sql"
eq "kpi_periods(): FY2568 by week, first and last pieces" \
	"1 2024-10-01..2024-10-07 2024-10-01 2024-10-07|53 2025-09-29..2025-10-01 2025-09-29 2025-10-01" \
	"$(q "$DBNAME" -c "SELECT string_agg(concat_ws(' ', i, label, start_date, end_date), '|' ORDER BY i)
		FROM didkpi.kpi_periods('FY2568', 'week') WHERE i IN (1, 53)")"

# The cost KPIs (tests/e2e/cost.sh computes them by hand on this fixture):
# baht per completed transaction and baht saved, by service, unit and
# channel (no method), suppressed with service time's closed requests.
COST='{cost_per_transaction,digital_savings_thb}'
same "cost KPIs by $BD --min-cell 0" "'2025-03', '$BD', kpis => '$COST', min_cell => 0" \
	--period 2025-03 --by "$BD" --kpi cost_per_transaction,digital_savings_thb --min-cell 0
has "  ... the total: 6 completed, 635.5 baht" '^2025-03,.*,cost_per_transaction,all,,105\.91666666666667,635\.5,6,,FALSE,' "$W/sql"
has "  ... and savings by web, in Thai" '^2025-03,.*,digital_savings_thb,channel,web,[0-9.]+,[0-9.]+,3,,FALSE,เว็บไซต์$' "$W/sql"
lacks "  ... no method rows" ',(cost_per_transaction|digital_savings_thb),method,' "$W/sql"
same "cost KPIs by $BD --min-cell 2 (suppressed)" "'2025-03', '$BD', kpis => '$COST', min_cell => 2" \
	--period 2025-03 --by "$BD" --kpi cost_per_transaction,digital_savings_thb --min-cell 2
[ "$NSUPP" -gt 0 ] && ok "  ... and rows are suppressed there" || not_ok "no suppressed row"
same "cost and service time KPIs together, by unit,service --min-cell 3" \
	"'2025-03', 'unit,service', kpis => '{service_time_median_hours,cost_per_transaction,digital_savings_thb}', min_cell => 3" \
	--period 2025-03 --by unit,service --kpi service_time_median_hours,cost_per_transaction,digital_savings_thb --min-cell 3
same "cost KPIs FY2568 by week, in English" "'FY2568', '$BD', 'week', kpis => '$COST', lang => 'en'" \
	--period FY2568 --by "$BD" -i week --kpi cost_per_transaction,digital_savings_thb --lang en
# Missing costs: no counter default (no savings for web and mobile), no
# mobile cost after 4 March (no cost where mobile counts): empty, never 0.
q "$DBNAME" -c "DELETE FROM didkpi.channel_costs WHERE channel = 'counter' AND service_code IS NULL" \
	-c "UPDATE didkpi.channel_costs SET valid_to = '2025-03-04' WHERE channel = 'mobile'" >/dev/null
same "missing costs by $BD --min-cell 0" "'2025-03', '$BD', kpis => '$COST', min_cell => 0" \
	--period 2025-03 --by "$BD" --kpi cost_per_transaction,digital_savings_thb --min-cell 0
has "  ... no cost where mobile counts" '^2025-03,.*,cost_per_transaction,channel,mobile,,,1,,FALSE,' "$W/sql"
has "  ... no savings in all" '^2025-03,.*,digital_savings_thb,all,,,,4,,FALSE,' "$W/sql"
has "  ... zero savings where nothing digital was completed" '^2025-03,.*,digital_savings_thb,channel,counter,0,0,0,,FALSE,' "$W/sql"
same "missing costs by $BD, monthly, suppressed" "'FY2568', '$BD', 'month', kpis => '$COST'" \
	--period FY2568 --by "$BD" -i month --kpi cost_per_transaction,digital_savings_thb
q "$DBNAME" -c "DELETE FROM didkpi.channel_costs" >/dev/null
"$BIN" -d "$DB" load -q channel_costs "$TOP/tests/fixtures/cost/channel_costs.csv" ||
	not_ok "fixture channel_costs loads again"

# The typed function: the same rows, typed for BI tools, R and pandas.
eq "didkpi.kpi() column types" \
	"text date date text text text double precision double precision double precision double precision boolean text" \
	"$(q "$DBNAME" -c "SELECT pg_typeof(period), pg_typeof(period_start), pg_typeof(period_end),
		pg_typeof(kpi), pg_typeof(breakdown), pg_typeof(key), pg_typeof(value),
		pg_typeof(numerator), pg_typeof(denominator), pg_typeof(target), pg_typeof(suppressed),
		pg_typeof(label)
		FROM didkpi.kpi('2025-03') LIMIT 1" | tr '|' ' ')"
eq "didkpi.kpi() equals kpi_text() row for row" "0" \
	"$(q "$DBNAME" -c "SELECT count(*) FROM (
		(SELECT period, period_start::text, period_end::text, kpi, breakdown, key,
			didkpi.kpi_format_number(value), didkpi.kpi_format_number(numerator),
			didkpi.kpi_format_number(denominator), didkpi.kpi_format_number(target),
			upper(suppressed::text), label
		   FROM didkpi.kpi('2025-03', '$BD', lang => 'en')
		 EXCEPT
		 SELECT * FROM didkpi.kpi_text('2025-03', '$BD', lang => 'en'))
		UNION ALL
		(SELECT * FROM didkpi.kpi_text('2025-03', '$BD', lang => 'en')
		 EXCEPT
		 SELECT period, period_start::text, period_end::text, kpi, breakdown, key,
			didkpi.kpi_format_number(value), didkpi.kpi_format_number(numerator),
			didkpi.kpi_format_number(denominator), didkpi.kpi_format_number(target),
			CASE WHEN suppressed THEN 'TRUE' ELSE 'FALSE' END, label
		   FROM didkpi.kpi('2025-03', '$BD', lang => 'en'))) d")"
eq "a suppressed row has value, numerator and denominator NULL" "0" \
	"$(q "$DBNAME" -c "SELECT count(*) FROM didkpi.kpi('2025-03', '$BD')
		WHERE suppressed AND num_nonnulls(value, numerator, denominator) > 0")"
eq "typed values: requests in March 2025" "10 10 100 ทั้งหมด" \
	"$(q "$DBNAME" -c "SELECT value, numerator, target, label FROM didkpi.kpi('2025-03')
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
	 FY2568- FY12345 FY123456 20251 0000-01-31..2568-02-30 x..y \
	 2025-03-01..2025-03-31 2024-02-01..2024-02-29 2025-03-01..=2025-04-01 2025-03-05..=2025-03-01 \
	 2025-03-05..2025-03-05 '2025-03-01 - 2025-03-31' 2025-03-01/2025-03-31 2025-03-01...2025-04-01 \
	 2025-03-01..==2025-04-01 2568-03-01..=2568-03-31 2568-02-30..=2025-03-01 2025-03-01..=9999-12-31 \
	 2400-12-01..2400-12-31 2025-W1 2025-W53 2026-W54 2025-W00 2568-W10 2568-W1 0000-W01 0000-W53 \
	 9999-W52 2025-w10x fy2025-q3 2025-02-29 2944-01 "$(printf '2025\t03')" \
	 2025-03-01..2025-03-31xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx \
	 ปีงบประมาณ๒๕๖๘ปีงบประมาณ๒๕๖๘ปีงบประมาณ; do
	"$BIN" -d "$DB" kpi --period "$p" >/dev/null 2>"$W/clierr"
	why=$(sed -n 's/^didkpi: \(invalid period .*\)$/\1/p' "$W/clierr" | head -1)
	echo "SELECT count(*) FROM didkpi.kpi(:'p')" | q "$DBNAME" -v p="$p" >/dev/null 2>"$W/err"
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
sqlerr "a bad series" "series must be day, week, month, quarter or year, not 'fortnight'" \
	"'2025-03', series => 'fortnight'"
sqlerr "a bad lang" "lang must be th or en, not 'de'" "'2025-03', lang => 'de'"
"$BIN" -d "$DB" kpi --period 1990-01-01..2025-01-01 -i day >/dev/null 2>"$W/clierr"
q "$DBNAME" -c "SELECT count(*) FROM didkpi.kpi('1990-01-01..2025-01-01', series => 'day')" >/dev/null 2>"$W/err"
why=$(sed -n 's/^didkpi: //p' "$W/clierr" | head -1)
eq "a series of more than 10000 pieces: the CLI's message" "ERROR:  $why" "$(head -1 "$W/err")"
has "  ... which names the numbers" "12784 periods, more than 10000" "$W/err"

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
		has_function_privilege('didkpi_read', 'didkpi.kpi(text, text, text, text[], integer, text, text)', 'EXECUTE'),
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
	sed -n '/^## SQL access/,/^## [^S]/p' "$TOP/README.md" | sed -n '/^```python$/,/^```$/p' | sed '1d;$d' |
		sed 's/dbname="didkpi"/dbname="'"$DBNAME"'"/' >"$W/readme.py"
	PGHOST=$SOCK PGUSER=didkpi "$PY" "$W/readme.py" >"$W/py.out" 2>"$W/py.err"
	# requests in March 2025: 10 (tests/e2e/kpi.sh), as a float in pandas
	grep -Eq '2025-03 +10\.0$' "$W/py.out" && ok "the README's pandas example runs" ||
		not_ok "the README's pandas example" "$(head -20 "$W/py.out" "$W/py.err")"
else
	echo "ok $((_n += 1)) - the README's pandas example # SKIP no pandas or psycopg2"
fi

# ---- names that CSV treats specially, as labels ----
# (an empty name is an empty cell, not ""; quotes, a line break and a
# leading '=' are quoted as the CLI quotes them; kpi_text() adds no
# formula guard, so the CLI's is turned off)
q "$DBNAME" -c "UPDATE didkpi.services SET name_en = '', name_th = '=HYPERLINK(\"x\")' WHERE service_code = 's_d'" \
	-c "UPDATE didkpi.services SET name_en = E'two\nlines', name_th = 'ก \"ข\"' WHERE service_code = 's_e'" >/dev/null
same "labels: an empty, a quoted and a two-line name (en)" "'2025-03', 'service', lang => 'en'" \
	--period 2025-03 --by service --lang en --no-formula-guard
has "  ... the empty name is an empty cell" '^2025-03,.*,active_users,service,s_d,0,0,,,FALSE,$' "$W/sql"
same "labels: a name starting with = (th)" "'2025-03', 'service'" \
	--period 2025-03 --by service --no-formula-guard
has "  ... quoted, not guarded" '^2025-03,.*,requests,service,s_d,.*,"=HYPERLINK\(""x""\)"$' "$W/sql"
q "$DBNAME" -c "UPDATE didkpi.services SET name_th = 'บริการ ง', name_en = 'Service D' WHERE service_code = 's_d'" \
	-c "UPDATE didkpi.services SET name_th = 'บริการ จ', name_en = 'Service E' WHERE service_code = 's_e'" >/dev/null

# ---- re-applying the migration ----
# (forgetting version 8 and the later ones, so that init applies 008 again)
q "$DBNAME" -c "DELETE FROM didkpi.schema_version WHERE version >= 8" >/dev/null
run 0 "schema 008 applies again over itself" "$BIN" -d "$DB" init
same "  ... and the functions still agree" "'2025-03', '$BD'" --period 2025-03 --by "$BD"
# A database with schema 8 as first written (kpi() and kpi_text() without
# lang): the new 008 replaces them, so a call with defaults finds one
# function, not two.
q "$DBNAME" -c "CREATE FUNCTION didkpi.kpi(period_spec text DEFAULT 'last-month', by text DEFAULT 'all',
		series text DEFAULT NULL, kpis text[] DEFAULT NULL, min_cell integer DEFAULT 5,
		tz text DEFAULT 'Asia/Bangkok') RETURNS TABLE (period text) LANGUAGE sql AS 'SELECT 1::text'" \
	-c "CREATE FUNCTION didkpi.kpi_text(period_spec text DEFAULT 'last-month', by text DEFAULT 'all',
		series text DEFAULT NULL, kpis text[] DEFAULT NULL, min_cell integer DEFAULT 5,
		tz text DEFAULT 'Asia/Bangkok') RETURNS TABLE (period text) LANGUAGE sql AS 'SELECT 1::text'" \
	-c "DELETE FROM didkpi.schema_version WHERE version >= 8" >/dev/null
run 0 "schema 008 applies over the first schema 8 (no lang)" "$BIN" -d "$DB" init
eq "  ... which is gone: one kpi() and one kpi_text()" "kpi 7|kpi_text 7" \
	"$(q "$DBNAME" -c "SELECT string_agg(proname || ' ' || pronargs, '|' ORDER BY proname) FROM pg_proc
		WHERE pronamespace = 'didkpi'::regnamespace AND proname IN ('kpi', 'kpi_text')")"
same "  ... and a call with the defaults agrees" "'2025-03', '$BD'" --period 2025-03 --by "$BD"

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
same "demo 2025-03 by $BD --lang en" "'2025-03', '$BD', lang => 'en'" \
	--period 2025-03 --by "$BD" --lang en
same "demo FY2568-Q2 -i week by $BD --lang en" "'FY2568-Q2', '$BD', 'week', lang => 'en'" \
	--period FY2568-Q2 --interval week --by "$BD" --lang en
[ "$NSUPP" -gt 0 ] && ok "  ... and rows are suppressed there" || not_ok "no suppressed row"
complementary "  ... complementary suppression among them" \
	--period FY2568-Q2 --interval week --by "$BD"
same "demo 2025-03-01..=2025-03-31 -i day by service,channel" \
	"'2025-03-01..=2025-03-31', 'service,channel', 'day'" \
	--period 2025-03-01..=2025-03-31 --interval day --by service,channel
[ "$NSUPP" -gt 0 ] && ok "  ... and rows are suppressed there" || not_ok "no suppressed row"
same "demo 2023-07-01..=2025-06-30 -i year by unit,method" \
	"'2023-07-01..=2025-06-30', 'unit,method', 'year'" \
	--period 2023-07-01..=2025-06-30 --interval year --by unit,method

# ---- the examples of man/didkpi-sql.7, as written, on the demo ----
awk '/^\.RS/{f=1; s=""; next} /^\.RE/{f=0; n++; print s > (dir "/ex" n ".sql"); next} f{s=s $0 "\n"}' \
	dir="$W" "$TOP/man/didkpi-sql.7"
sed -i "s/\\\\(aq/'/g; s/\\\\-/-/g; s/\\\\\\\\/\\\\/g" "$W"/ex*.sql
( cd "$W" && q "$DBNAME" -f ex1.sql >ex1.out 2>&1 ) &&
	grep -Eq '^[a-z0-9_-]+\|0\.[0-9]+$' "$W/ex1.out" && ok "didkpi-sql(7) example 1 runs" ||
	not_ok "didkpi-sql(7) example 1" "$(head -5 "$W/ex1.out")"
# March 2025 by week: 2025-03-01..2025-03-03 (Saturday to Monday), W10-W13,
# 2025-03-31..2025-04-01; four channels each, with English names
( cd "$W" && q "$DBNAME" -f ex2.sql >ex2.out 2>&1 ) &&
	[ "$(grep -Ec '^2025-W1[0-3]\|[a-z]+\|[A-Z][a-z ]+\|[0-9.]*$' "$W/ex2.out")" = 16 ] &&
	grep -q '^2025-03-01\.\.2025-03-03|web|Web|' "$W/ex2.out" &&
	grep -q '^2025-03-31\.\.2025-04-01|counter|Service counter|' "$W/ex2.out" &&
	ok "didkpi-sql(7) example 2 (a weekly series) runs" ||
	not_ok "didkpi-sql(7) example 2" "$(head -8 "$W/ex2.out")"
( cd "$W" && q "$DBNAME" -f ex3.sql >ex3.out 2>&1 ) &&
	[ "$(grep -c '^2025-0[1-9]-01|' "$W/ex3.out")" = 9 ] && ok "didkpi-sql(7) example 3 runs" ||
	not_ok "didkpi-sql(7) example 3" "$(head -5 "$W/ex3.out")"
( cd "$W" && q "$DBNAME" -f ex4.sql >ex4.out 2>&1 )
"$BIN" -d "$DB" kpi --format csv --period 2025-03 --by service,unit >"$W/cli" 2>&1
cmp -s "$W/cli" "$W/kpi.csv" && ok "didkpi-sql(7) example 4 (\\copy) writes the CLI's CSV" ||
	not_ok "didkpi-sql(7) example 4" "$(cat "$W/ex4.out")" "$(diff "$W/cli" "$W/kpi.csv" | head -5)"
# baht per transaction of each channel with a cost, the twelve months
( cd "$W" && q "$DBNAME" -f ex5.sql >ex5.out 2>&1 ) &&
	[ "$(grep -Ec '^2025-03-01\|(counter|kiosk|mobile|web)\|[0-9]+(\.[0-9]+)?$' "$W/ex5.out")" -ge 2 ] &&
	[ "$(cut -d'|' -f1 "$W/ex5.out" | sort -u | wc -l)" = 12 ] &&
	ok "didkpi-sql(7) example 5 (cost per transaction) runs" ||
	not_ok "didkpi-sql(7) example 5" "$(head -8 "$W/ex5.out")"
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
	same "random data (seed $1) by $BD, weekly, in English" \
		"'2025-01-08..=2025-03-20', '$BD', 'week', lang => 'en'" \
		--period 2025-01-08..=2025-03-20 --by "$BD" -i week --lang en
done


# didkpi.span_us() (schema version 14) gives what the numeric expression it
# replaced gives, exactly: on every request here, on 200 000 random spans
# of up to 70 years either way from instants over two centuries (past the
# 60-year edge where it falls back to numeric), and on edge cases; and the
# planner inlines it (no call of it in the plan).
numexpr="((extract(epoch FROM b) - extract(epoch FROM a)) * 1000000)::bigint"
res=$(q "$DBNAME" -F' ' <<SQL
SELECT count(*), count(*) FILTER (WHERE didkpi.span_us(submitted_at, closed_at) IS DISTINCT FROM
       ((extract(epoch FROM closed_at) - extract(epoch FROM submitted_at)) * 1000000)::bigint)
  FROM didkpi.service_requests;
SQL
)
set -- $res
if [ "${1:-0}" -gt 100 ] && [ "${2:-x}" = 0 ]; then ok "span_us = the numeric expression on the $1 requests"; else
	not_ok "span_us = the numeric expression on the requests" "rows, differing: $res"; fi
res=$(q "$DBNAME" -F' ' <<SQL
SELECT setseed(0.25);
WITH x AS (
	SELECT a, a + (random() - 0.5) * interval '140 years' + random() * interval '1 second' AS b
	  FROM (SELECT timestamptz '1900-01-01 00:00:00.000001+00'
	               + random() * interval '200 years' + random() * interval '1 second' AS a
	          FROM generate_series(1, 200000)) r
	UNION ALL
	SELECT a::timestamptz, b::timestamptz FROM (VALUES
		('2025-01-01 00:00:00.000001+07', '2025-01-01 00:00:00.000002+07'),
		('2025-03-01 10:00:00.5+07', '2025-03-01 09:59:59.499999+07'),
		('1990-01-01 00:00:00.123457+00', '2049-12-31 23:59:59.987653+00'),
		('2049-12-31 23:59:59.987653+00', '1990-01-01 00:00:00.123457+00'),
		('1900-01-01 00:00:00.000001+00', '1959-12-31 23:59:59.999999+00'),
		('1900-01-01 00:00:00.000001+00', '1968-01-19 03:14:07.999999+00'),
		('0001-01-01 00:00:00.000001+00', '9999-12-31 23:59:59.999999+00'),
		('2024-02-29 23:59:59.999999+07', '2024-03-01 00:00:00+07')) v(a, b)
)
SELECT count(*), count(*) FILTER (WHERE abs(extract(epoch FROM b - a)) > 60 * 365 * 86400),
       count(*) FILTER (WHERE didkpi.span_us(a, b) IS DISTINCT FROM $numexpr)
  FROM x;
SQL
)
set -- $(printf '%s\n' "$res" | tail -n 1)
if [ "${1:-0}" = 200008 ] && [ "${2:-0}" -gt 1000 ] && [ "${3:-x}" = 0 ]; then
	ok "span_us = the numeric expression on $1 spans ($2 past 60 years)"; else
	not_ok "span_us = the numeric expression on random and edge spans" "spans, past 60 years, differing: $res"; fi
plan=$(q "$DBNAME" -c "EXPLAIN (VERBOSE, COSTS OFF) SELECT didkpi.span_us(submitted_at, closed_at) FROM didkpi.service_requests")
case "$plan" in
*span_us*) not_ok "span_us is inlined" "$plan" ;;
*date_part*) ok "span_us is inlined (its expression in the plan)" ;;
*) not_ok "span_us is inlined" "$plan" ;;
esac

# The people identified before an instant are one range of an index that
# holds only the instant and the person (schema version 15): the planner
# can read them from it alone, without the table (rollup.sql#request_users
# hashes them for a dense month).
plan=$(q "$DBNAME" -c "SET enable_seqscan = off; SET enable_bitmapscan = off;
	EXPLAIN (COSTS OFF) SELECT user_key, occurred_at FROM didkpi.first_identification
	 WHERE occurred_at < timestamptz '2025-03-01 00:00+07'")
case "$plan" in
*"Index Only Scan using first_identification_people"*) ok "the identified people before an instant: an index-only scan" ;;
*) not_ok "the identified people before an instant: an index-only scan" "$plan" ;;
esac

# A service's completed requests in a window of closing times are one
# range of an index keyed by service and closing time (schema version 16),
# read alone: compare.sql#durations reads each window so.
plan=$(q "$DBNAME" -c "SET enable_seqscan = off; SET enable_bitmapscan = off;
	EXPLAIN (COSTS OFF) SELECT submitted_at, closed_at FROM didkpi.service_requests
	 WHERE service_code = 'x' AND status = 'completed'
	   AND closed_at >= timestamptz '2025-01-01 00:00+07' AND closed_at < timestamptz '2025-07-01 00:00+07'")
case "$plan" in
*"Index Only Scan using service_requests_windows"*) ok "a service's window of completed requests: an index-only scan" ;;
*) not_ok "a service's window of completed requests: an index-only scan" "$plan" ;;
esac

# A service's days of the requests rollup and its survey answers in a
# window are each one range of an index keyed by service first (schema
# version 17), read alone: compare.sql#requests_own and #satisfaction_own
# read each window so.
plan=$(q "$DBNAME" -c "SET enable_seqscan = off; SET enable_bitmapscan = off;
	EXPLAIN (COSTS OFF) SELECT channel, requests, completed FROM didkpi.rollup_requests
	 WHERE service_code = 'x' AND day >= date '2025-01-01' AND day < date '2025-07-01'")
case "$plan" in
*"Index Only Scan using rollup_requests_windows"*) ok "a service's window of rollup days: an index-only scan" ;;
*) not_ok "a service's window of rollup days: an index-only scan" "$plan" ;;
esac
plan=$(q "$DBNAME" -c "SET enable_seqscan = off; SET enable_bitmapscan = off;
	EXPLAIN (COSTS OFF) SELECT score FROM didkpi.satisfaction
	 WHERE service_code = 'x'
	   AND answered_at >= timestamptz '2025-01-01 00:00+07' AND answered_at < timestamptz '2025-07-01 00:00+07'")
case "$plan" in
*"Index Only Scan using satisfaction_windows"*) ok "a service's window of survey answers: an index-only scan" ;;
*) not_ok "a service's window of survey answers: an index-only scan" "$plan" ;;
esac

# Where the site supplies the log relations as views (as
# sql/examples/site_views.sql does), the migrations that index them leave
# them be: `didkpi init` applies versions 16 and 17 again and records them.
q "$DBNAME" -c "BEGIN;
	CREATE TABLE public.site_answers AS SELECT * FROM didkpi.satisfaction;
	CREATE TABLE public.site_cases AS SELECT * FROM didkpi.service_requests;
	DROP TABLE didkpi.satisfaction CASCADE;
	CREATE VIEW didkpi.satisfaction AS SELECT * FROM public.site_answers;
	DROP TABLE didkpi.service_requests CASCADE;
	CREATE VIEW didkpi.service_requests AS SELECT * FROM public.site_cases;
	DELETE FROM didkpi.schema_version WHERE version >= 16;
	COMMIT" >/dev/null
run 0 "init over site views of requests and answers" "$BIN" -d "$DB" init
eq "versions 16 and 17 recorded again" "2" \
	"$(q "$DBNAME" -c 'SELECT count(*) FROM didkpi.schema_version WHERE version IN (16, 17)')"
eq "no index made on the site's tables" "0" \
	"$(q "$DBNAME" -c "SELECT count(*) FROM pg_indexes WHERE schemaname = 'public'")"
finish
