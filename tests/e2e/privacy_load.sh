#!/bin/bash
# What didkpi load lets in (issue 10, items 8, 9, 17, 19): national IDs in
# every written form pseudonymised to the same key and never written raw
# (database, rejects file, stderr); the pseudonym key's secrecy; the
# future-timestamp guard against the machine's clock; targets written by
# psql checked by the schema, and an upgrade refusing stored bad targets.
. "$(dirname "$0")/../lib.sh"

KEY=0123456789abcdef0123456789abcdef
printf '%s\n' "$KEY" >"$W/k"
chmod 600 "$W/k"
BARE=1103702071838
# The forms people write one ID in (printf %b): the bare digits, as on the
# card, spaced, padded, a zero-width space, Thai digits, full-width
# digits, an ID label, an id: label.
FORMS=(
	'1103702071838'
	'1-1037-02071-83-8'
	'1 1037 02071 83 8'
	'  1103702071838 '
	'1103702071838\xe2\x80\x8b'
	'\xe0\xb9\x91\xe0\xb9\x91\xe0\xb9\x90\xe0\xb9\x93\xe0\xb9\x97\xe0\xb9\x90\xe0\xb9\x92\xe0\xb9\x90\xe0\xb9\x97\xe0\xb9\x91\xe0\xb9\x98\xe0\xb9\x93\xe0\xb9\x98'
	'\xef\xbc\x91\xef\xbc\x91\xef\xbc\x90\xef\xbc\x93\xef\xbc\x97\xef\xbc\x90\xef\xbc\x92\xef\xbc\x90\xef\xbc\x97\xef\xbc\x91\xef\xbc\x98\xef\xbc\x93\xef\xbc\x98'
	'ID 1103702071838'
	'id:1103702071838'
)
# The digit runs a leak would show, whatever the separators: each form's
# bytes, and the ASCII digits with and without the card's dashes.
needles() {
	local f
	for f in "${FORMS[@]}"; do printf '%b\n' "$f" | sed 's/^ *//; s/ *$//'; done
	echo "$BARE"
	echo "1-1037-02071-83-8"
	echo "02071"
}
needles >"$W/needles"
# no_id WHAT FILE: no needle (fixed string) occurs in FILE.
no_id() {
	if [ ! -s "$2" ]; then
		not_ok "$1" "$2 is missing or empty"
	elif grep -aFf "$W/needles" "$2" >"$W/found"; then
		not_ok "$1" "raw national ID found in $2:" "$(head -3 "$W/found")"
	else
		ok "$1"
	fi
}

# Item 8: every form, pseudonymised, gives the pseudonym of the bare digits.
newdb t_privacy
"$BIN" -d "$DB" load services "$TOP/tests/fixtures/services.csv" >/dev/null
{
	echo 'request_id,service_code,user_key,channel,via_single_window,auth_method,submitted_at,closed_at,status'
	i=0
	for f in "${FORMS[@]}"; do
		i=$((i + 1))
		printf 'r%d,skill_test,"%b",web,f,,2025-03-01 10:00,,pending\n' "$i" "$f"
	done
} >"$W/forms.csv"
want=$(printf '%s' "$BARE" | openssl dgst -sha256 -mac HMAC -macopt "key:$KEY" | sed 's/.*= //')
run 0 "every written form loads with --pseudonymize" "$BIN" -d "$DB" load --pseudonymize "$W/k" service_requests "$W/forms.csv"
eq "every form gets the pseudonym of the bare digits (openssl HMAC)" \
	"${#FORMS[@]} $want" "$(q "$DBNAME" -c "SELECT count(*) || ' ' || min(user_key) FROM didkpi.service_requests WHERE user_key = '$want'")"
q "$DBNAME" -c "SELECT t::text FROM didkpi.service_requests t" >"$W/db.txt"
no_id "no raw ID stored in service_requests" "$W/db.txt"
eq "the pseudonymised load writes nothing on stderr" "" "$(cat "$W/err")"

# Without a key every form is refused; the rejects file and stderr mask them.
sed 's/^r\([0-9]\)/x\1/' "$W/forms.csv" >"$W/raw.csv"
run 65 "every written form is refused without a key" "$BIN" -d "$DB" load --rejects "$W/raw.rej" service_requests "$W/raw.csv"
eq "each form is a rejected row" "${#FORMS[@]}" "$(($(wc -l <"$W/raw.rej") - 1))"
no_id "no raw ID in the rejects file" "$W/raw.rej"
no_id "no raw ID on stderr" "$W/err"
has "the rejects file shows where the ID was" '\[national ID\]' "$W/raw.rej"
q "$DBNAME" -c "SELECT t::text FROM didkpi.service_requests t WHERE request_id LIKE 'x%'" >"$W/db.txt"
eq "nothing stored from the refused file" "" "$(cat "$W/db.txt")"

# An ID inside free text is refused even with a key, and masked on the way
# out, as is an ID in a row rejected for another reason.
{
	echo 'event_id,occurred_at,user_key,step,method,outcome,failure_reason,latency_ms,channel,service_code'
	echo 'e1,2025-03-01 10:00,u1,identification,thaid,failure,card 1-1037-02071-83-8 expired,5,web,skill_test'
	echo 'e2,2025-03-01 10:00,1103702071838,identification,thaid,failure,,-1,web,skill_test'
	echo 'e3,2025-03-01 10:00,user 1103702071838,identification,thaid,failure,,5,web,skill_test'
} >"$W/text.csv"
run 65 "an ID in failure_reason or inside a key is refused, even with --pseudonymize" \
	"$BIN" -d "$DB" load --pseudonymize "$W/k" --rejects "$W/text.rej" auth_events "$W/text.csv"
has "failure_reason's ID named as the reason" "text.csv:2: column 'failure_reason': contains what looks like a raw Thai national ID" "$W/err"
has "a key holding an ID is refused" "text.csv:4: column 'user_key': contains what looks like a raw Thai national ID" "$W/err"
eq "three rejected rows" "3" "$(($(wc -l <"$W/text.rej") - 1))"
no_id "no raw ID in the rejects of free text" "$W/text.rej"
no_id "no raw ID on stderr for free text" "$W/err"
eq "no auth event stored" "0" "$(q "$DBNAME" -c "SELECT count(*) FROM didkpi.auth_events")"

# Item 9: the key's secrecy, as ssh checks a private key.
printf 'staff_key,unit,is_frontline,trained_on\n1103702071838,u,t,\n' >"$W/staff.csv"
for mode in 666 644 640 604 620 602; do
	cp "$W/k" "$W/k$mode"
	chmod "$mode" "$W/k$mode"
	run 64 "a key of mode $mode is refused" "$BIN" -d "$DB" load --pseudonymize "$W/k$mode" staff "$W/staff.csv"
	has "mode $mode: says why and how to fix it" "permissions 0$mode are too open.*the key must be secret" "$W/err"
	has "mode $mode: chmod 600 hint" "hint: chmod 600 $W/k$mode" "$W/err"
done
ln -s "$W/k" "$W/klink"
run 64 "a key through a symbolic link is refused" "$BIN" -d "$DB" load --pseudonymize "$W/klink" staff "$W/staff.csv"
has "the symbolic link is named" "is a symbolic link" "$W/err"
mkfifo "$W/kfifo"
chmod 600 "$W/kfifo"
run 64 "a FIFO as key is refused (without waiting for a writer)" timeout 60 "$BIN" -d "$DB" load --pseudonymize "$W/kfifo" staff "$W/staff.csv"
cp "$W/k" "$W/kother"
chown postgres "$W/kother"
run 64 "a key owned by another user is refused" "$BIN" -d "$DB" load --pseudonymize "$W/kother" staff "$W/staff.csv"
has "another user's key is named as such" "is owned by another user" "$W/err"
eq "no staff loaded with a refused key" "0" "$(q "$DBNAME" -c "SELECT count(*) FROM didkpi.staff")"
run 0 "a key of mode 600 is used" "$BIN" -d "$DB" load --pseudonymize "$W/k" staff "$W/staff.csv"

# Item 17: timestamps more than a day ahead of this machine's clock.
soon=$(date -u -d '+1 hour' '+%Y-%m-%dT%H:%M:%SZ')
later=$(date -u -d '+2 days' '+%Y-%m-%dT%H:%M:%SZ')
local3=$(date -u -d '+3 days' '+%Y-%m-%d %H:%M')
{
	echo 'response_id,request_id,service_code,channel,answered_at,score'
	echo "s1,,skill_test,web,$soon,5"
} >"$W/soon.csv"
run 0 "a timestamp an hour ahead loads" "$BIN" -d "$DB" load satisfaction "$W/soon.csv"
printf 'response_id,request_id,service_code,channel,answered_at,score\ns2,,skill_test,web,%s,5\n' "$later" >"$W/later.csv"
run 65 "a timestamp two days ahead is refused" "$BIN" -d "$DB" load satisfaction "$W/later.csv"
has "says it is in the future and how to load it anyway" "column 'answered_at': more than a day in the future.*--allow-future" "$W/err"
printf 'response_id,request_id,service_code,channel,answered_at,score\ns3,,skill_test,web,%s,5\n' "$local3" >"$W/local3.csv"
run 65 "a timestamp without offset three days ahead is refused" "$BIN" -d "$DB" load satisfaction "$W/local3.csv"
run 0 "--allow-future loads it" "$BIN" -d "$DB" load --allow-future satisfaction "$W/local3.csv"
eq "rows afterwards" "2" "$(q "$DBNAME" -c "SELECT count(*) FROM didkpi.satisfaction")"

# Item 19: the schema refuses the targets the loader refuses, from psql too.
bad_target() {
	if q "$DBNAME" -c "INSERT INTO didkpi.kpi_targets VALUES ($2)" >/dev/null 2>"$W/psql.err"; then
		not_ok "psql: $1 is refused by the schema"
	else
		ok "psql: $1 is refused by the schema"
	fi
}
bad_target "an unknown KPI" "'no_such_kpi', '2025-10-01', '2026-09-30', 0.5"
bad_target "a negative target" "'requests', '2025-10-01', '2026-09-30', -5"
bad_target "a rate's target above 1" "'completion_rate', '2025-10-01', '2026-09-30', 80"
bad_target "a mean score's target above 5" "'satisfaction_mean', '2025-10-01', '2026-09-30', 6"
q "$DBNAME" -c "INSERT INTO didkpi.kpi_targets VALUES ('requests', '2025-10-01', '2026-09-30', 1000)" >/dev/null 2>&1
eq "psql: a sound target is accepted" "1" "$(q "$DBNAME" -c "SELECT count(*) FROM didkpi.kpi_targets WHERE kpi = 'requests'")"

# Upgrading a version 2 database that holds a bad target: refused, naming it.
q "$DBNAME" >/dev/null <<'SQL'
ALTER TABLE didkpi.kpi_targets DROP CONSTRAINT kpi_targets_kpi, DROP CONSTRAINT kpi_targets_target_min,
	DROP CONSTRAINT kpi_targets_rate_max, DROP CONSTRAINT kpi_targets_score_range;
DELETE FROM didkpi.schema_version WHERE version >= 3;
INSERT INTO didkpi.kpi_targets VALUES ('no_such_kpi', '2025-10-01', '2026-09-30', -5);
SQL
run 65 "init refuses to upgrade over a bad target" "$BIN" -d "$DB" init
has "the bad row is named" "no_such_kpi.*fix or delete them" "$W/err"
q "$DBNAME" -c "DELETE FROM didkpi.kpi_targets WHERE kpi = 'no_such_kpi'" >/dev/null
run 0 "init upgrades once the row is fixed" "$BIN" -d "$DB" init
eq "schema version 3 recorded" "1" "$(q "$DBNAME" -c "SELECT count(*) FROM didkpi.schema_version WHERE version = 3")"
bad_target "after the upgrade, a negative target" "'requests', '2026-10-01', '2027-09-30', -1"

finish
