#!/bin/bash
# didkpi demo: the synthetic department is deterministic, safe to run on
# data, and shows the effects of adoption the KPIs are meant to find.
. "$(dirname "$0")/../lib.sh"

check_help demo
newdb t_demo
run 64 "a bad scale" "$BIN" -d "$DB" demo --scale 0
run 64 "a bad --until" "$BIN" -d "$DB" demo --until 2026-13
run 0 "demo at scale 0.2" "$BIN" -d "$DB" demo --scale 0.2 --seed 7 --until 2026-10
has "says what it wrote" "wrote [0-9]+ rows" "$W/err"
sum() {
	q "$DBNAME" -c "SELECT md5(string_agg(x, '|' ORDER BY x)) FROM (
		SELECT request_id || status || submitted_at::text || coalesce(user_key, '') AS x FROM didkpi.service_requests
		UNION ALL SELECT event_id || method || outcome || occurred_at::text FROM didkpi.auth_events
		UNION ALL SELECT response_id || score FROM didkpi.satisfaction) t"
}
first=$(sum)
run 64 "refuses to overwrite data without --replace" "$BIN" -d "$DB" demo --scale 0.2 --seed 7 --until 2026-10
has "names --replace" "\-\-replace" "$W/err"
run 0 "again with --replace" "$BIN" -d "$DB" demo --scale 0.2 --seed 7 --until 2026-10 --replace
eq "same seed, same data" "$first" "$(sum)"
run 0 "another seed" "$BIN" -d "$DB" demo --scale 0.2 --seed 8 --until 2026-10 --replace
if [ "$first" != "$(sum)" ]; then ok "another seed, other data"; else not_ok "another seed, other data"; fi

run 0 "back to seed 7" "$BIN" -d "$DB" demo --scale 0.2 --seed 7 --until 2026-10 --replace
eq "about 20 services, one never adopted, one not an e-service" "true true true" \
	"$(q "$DBNAME" -c "SELECT (count(*) BETWEEN 15 AND 25) || ' ' || bool_or(digital_id_since IS NULL AND is_eservice) || ' ' || bool_or(NOT is_eservice) FROM didkpi.services")"
eq "no raw national IDs" "0" "$(q "$DBNAME" -c "SELECT count(*) FROM didkpi.service_requests WHERE user_key ~ '^[0-9]{13}$'")"
eq "history of 24+ months" "t" "$(q "$DBNAME" -c "SELECT max(submitted_at) - min(submitted_at) > interval '720 days' FROM didkpi.service_requests")"

# The effects the KPIs must find: the digital channel rate is higher in
# FY2568 than in FY2567, and ThaiD overtakes passwords.
dcr() { "$BIN" -d "$DB" kpi --period "$1" --kpi digital_channel_rate --format csv | awk -F, 'NR == 2 { print $7 }'; }
a=$(dcr 2023-10); b=$(dcr 2025-09)
if awk -v a="$a" -v b="$b" 'BEGIN { exit !(b > a + 0.2) }'; then ok "digital channel rate rises ($a -> $b)"; else not_ok "digital channel rate rises" "$a -> $b"; fi
mix() { q "$DBNAME" -c "SELECT (count(*) FILTER (WHERE method = 'thaid') > count(*) FILTER (WHERE method = 'password'))::text FROM didkpi.auth_events WHERE step = 'authentication' AND occurred_at >= '$1' AND occurred_at < '$2'"; }
eq "passwords lead before adoption" "false" "$(mix 2023-06-01 2023-07-01)"
eq "ThaiD leads in FY2568" "true" "$(mix 2025-06-01 2025-07-01)"
st() { "$BIN" -d "$DB" kpi --period "$1" --kpi service_time_median_hours --format csv | awk -F, 'NR == 2 { print $7 }'; }
a=$(st FY2567); b=$(st FY2569)
if awk -v a="$a" -v b="$b" 'BEGIN { exit !(b < a) }'; then ok "service time falls ($a -> $b h)"; else not_ok "service time falls" "$a -> $b"; fi

finish
