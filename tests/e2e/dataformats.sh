#!/bin/bash
# Data for analysts (issue 13 item 3): the label column (Thai and English),
# booleans that pandas and R read as logical, JSON with its metadata,
# NDJSON, the old JSON array, --no-header, and compare's label and
# skip_reason columns. The readers are real: pandas reads the CSV, TSV and
# NDJSON; Python's json reads the JSON. R is not installed here: its rule
# for logical columns is the one of its type.convert() (R's
# src/main/scan.c, ruleout_types: only F, T, FALSE and TRUE), checked below
# as r_logical.
. "$(dirname "$0")/../lib.sh"

newdb t_dataformats
for rel in services service_requests auth_events satisfaction staff kpi_targets; do
	"$BIN" -d "$DB" load -q "$rel" "$TOP/tests/fixtures/kpi/$rel.csv" ||
		not_ok "fixture $rel loads"
done
K() { "$BIN" -d "$DB" kpi --period 2025-03 "$@"; }
# Debian's Python (python3-pandas, tools/install-deps.sh), whatever python3
# comes first in PATH.
PY=/usr/bin/python3
py() { "$PY" - "$@"; }
SPEC_HEADER='period,period_start,period_end,kpi,breakdown,key,value,numerator,denominator,target,suppressed'

# ---- CSV: the old columns first, label last; TRUE/FALSE -------------------
run 0 "csv with every breakdown (some cells suppressed)" K --by service,unit,channel,method --format csv
cp "$W/out" "$W/th.csv"
eq "stability: the SPEC header, then label at the end" "$SPEC_HEADER,label" "$(head -1 "$W/th.csv")"
eq "suppressed is TRUE or FALSE, and both occur" "FALSE TRUE" \
	"$(py "$W/th.csv" <<'PY'
import csv, sys
print(" ".join(sorted({r["suppressed"] for r in csv.DictReader(open(sys.argv[1], encoding="utf-8"))})))
PY
)"
# R's read.csv/type.convert: a column is logical when every value is one of
# F, T, FALSE, TRUE (or NA/empty); "true"/"false" stay text.
eq "R's type.convert rule reads suppressed as logical" "logical" \
	"$(py "$W/th.csv" <<'PY'
import csv, sys
def r_logical(values):
    return all(v in ("F", "T", "FALSE", "TRUE", "NA", "") for v in values)
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
print("logical" if r_logical([r["suppressed"] for r in rows]) else "character")
PY
)"
if "$PY" -c 'import pandas' 2>/dev/null; then
	eq "pandas read_csv: suppressed bool, numbers float, label text" \
		"suppressed=bool value=float64 numerator=float64 denominator=float64 target=float64 label=object" \
		"$(py "$W/th.csv" <<'PY'
import sys, pandas as pd
df = pd.read_csv(sys.argv[1])
print(" ".join(f"{c}={df[c].dtype}" for c in
               ["suppressed", "value", "numerator", "denominator", "target", "label"]))
PY
)"
	eq "pandas: the suppressed rows are the TRUE ones and have no value" "ok" \
		"$(py "$W/th.csv" <<'PY'
import csv, sys, pandas as pd
df = pd.read_csv(sys.argv[1], keep_default_na=False, na_values=[""])
raw = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
ok = (len(df) == len(raw) and df["suppressed"].sum() > 0
      and list(df["suppressed"]) == [r["suppressed"] == "TRUE" for r in raw]
      and df.loc[df["suppressed"], "value"].isna().all())
print("ok" if ok else "differ")
PY
)"
	run 0 "tsv" K --by service,unit,channel,method --format tsv
	eq "pandas read_csv(sep='\\t'): the same frame as the CSV" "ok" \
		"$(py "$W/th.csv" "$W/out" <<'PY'
import sys, pandas as pd
a = pd.read_csv(sys.argv[1])
b = pd.read_csv(sys.argv[2], sep="\t")
print("ok" if a.equals(b) and b["suppressed"].dtype == bool else "differ")
PY
)"
else
	not_ok "pandas is installed (tools/install-deps.sh: python3-pandas)"
fi

# ---- labels in Thai and English ------------------------------------------
# label WHAT FILE BREAKDOWN KEY EXPECTED: the label of the requests row.
label() {
	eq "$1" "$5" "$(py "$2" "$3" "$4" <<'PY'
import csv, sys
for r in csv.DictReader(open(sys.argv[1], encoding="utf-8")):
    if r["kpi"] == "requests" and r["breakdown"] == sys.argv[2] and r["key"] == sys.argv[3]:
        print(r["label"])
PY
)"
}
run 0 "csv in English" K --by service,unit,channel,method --format csv --lang en
cp "$W/out" "$W/en.csv"
web_th=$(q "$DBNAME" -c "SELECT name_th FROM didkpi.channels WHERE channel = 'web'")
web_en=$(q "$DBNAME" -c "SELECT name_en FROM didkpi.channels WHERE channel = 'web'")
thaid_th=$(q "$DBNAME" -c "SELECT name_th FROM didkpi.auth_methods WHERE method = 'thaid'")
thaid_en=$(q "$DBNAME" -c "SELECT name_en FROM didkpi.auth_methods WHERE method = 'thaid'")
label "label: service in Thai" "$W/th.csv" service s_a "บริการ ก"
label "label: service in English" "$W/en.csv" service s_a "Service A"
label "label: channel in Thai (channels.name_th)" "$W/th.csv" channel web "$web_th"
label "label: channel in English (channels.name_en)" "$W/en.csv" channel web "$web_en"
label "label: method in Thai" "$W/th.csv" method thaid "$thaid_th"
label "label: method in English" "$W/en.csv" method thaid "$thaid_en"
label "label: a unit is its own name, comma and all" "$W/en.csv" unit "ฝ่าย ก, ข" "ฝ่าย ก, ข"
label "label: the all row in Thai" "$W/th.csv" all "" "ทั้งหมด"
label "label: the all row in English" "$W/en.csv" all "" "All"
eq "the language changes the label column only" \
	"$(py "$W/th.csv" <<'PY'
import csv, sys
for r in csv.reader(open(sys.argv[1], encoding="utf-8")): print(r[:11])
PY
)" "$(py "$W/en.csv" <<'PY'
import csv, sys
for r in csv.reader(open(sys.argv[1], encoding="utf-8")): print(r[:11])
PY
)"

# ---- --no-header ------------------------------------------------------------
run 0 "csv --no-header" K --by service --format csv --no-header
eq "--no-header: the csv without its header line" "$(K --by service --format csv | tail -n +2)" "$(cat "$W/out")"
run 0 "tsv --no-header" K --by service --format tsv --no-header
eq "--no-header: the tsv without its header line" "$(K --by service --format tsv | tail -n +2)" "$(cat "$W/out")"
lacks "--no-header: no line starts with the header" '^period' "$W/out"

# ---- JSON: {"meta": ..., "rows": [...]} ---------------------------------
newest=$(q "$DBNAME" -c "SELECT to_char(greatest((SELECT max(occurred_at) FROM didkpi.auth_events),
	(SELECT max(submitted_at) FROM didkpi.service_requests), (SELECT max(answered_at) FROM didkpi.satisfaction))
	AT TIME ZONE 'Asia/Bangkok', 'YYYY-MM-DD HH24:MI:SS')")
run 0 "json" K --by service,channel --format json --lang en
cp "$W/out" "$W/k.json"
K --by service,channel --format csv --lang en >"$W/k.csv"
eq "json: meta as documented" "ok" "$(py "$W/k.json" "$newest" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1], encoding="utf-8"))
m = doc["meta"]
want = {
    "command": "kpi", "data_as_of": sys.argv[2], "time_zone": "Asia/Bangkok", "language": "en",
    "period": {"label": "2025-03", "start": "2025-03-01", "end": "2025-04-01"},
    "periods": [{"label": "2025-03", "start": "2025-03-01", "end": "2025-04-01"}],
}
bad = [k for k, v in want.items() if m.get(k) != v]
p = m["parameters"]
if p != {"period": "2025-03", "interval": None, "by": ["service", "channel"], "min_cell": 5, "raw": False}:
    bad.append("parameters %r" % p)
units = {k: v["unit"] for k, v in m["kpis"].items()}
for k, u in [("requests", "count"), ("completion_rate", "fraction"), ("satisfaction_mean", "score"),
             ("service_time_median_hours", "hours"), ("auth_latency_median_ms", "milliseconds")]:
    if units.get(k) != u:
        bad.append(f"unit of {k}: {units.get(k)}")
if m["kpis"]["requests"]["label"] != "Requests" and not m["kpis"]["requests"]["label"]:
    bad.append("no label")
if not m.get("didkpi_version") or "generated_at" in m:
    bad.append("version, or a clock time that makes two runs differ")
if set(m["data_as_of_by_relation"]) != {"auth_events", "service_requests", "satisfaction"}:
    bad.append("data_as_of_by_relation")
print("ok" if not bad else bad)
PY
)"
eq "json: rows are the csv rows, numbers as numbers, empty as null" "ok" "$(py "$W/k.json" "$W/k.csv" <<'PY'
import csv, json, sys
def typed(h, v):
    if h in ("value", "numerator", "denominator", "target"):
        return None if v == "" else float(v)
    if h == "suppressed":
        return {"TRUE": True, "FALSE": False}[v]
    if h == "key" and v == "":
        return None
    return v
rows = list(csv.reader(open(sys.argv[2], encoding="utf-8")))
want = [{h: typed(h, v) for h, v in zip(rows[0], r)} for r in rows[1:]]
got = json.load(open(sys.argv[1], encoding="utf-8"))["rows"]
ok = len(got) == len(want) and all(list(g) == rows[0] and g == w for g, w in zip(got, want))
print("ok" if ok else "differ: %r / %r" % (got[:1], want[:1]))
PY
)"
eq "json: a whole series has each period in meta" "2025-01 2025-02 2025-03" \
	"$(K --period 2025-01-01..2025-04-01 --interval month --format json -k requests |
		"$PY" -c 'import json, sys; print(" ".join(p["label"] for p in json.load(sys.stdin)["meta"]["periods"]))')"

# ---- NDJSON: a meta line, then one row a line ----------------------------
run 0 "ndjson" K --by service,channel --format ndjson --lang en
eq "ndjson: every line is one JSON object, the first the meta" "ok" "$(py "$W/out" "$W/k.json" <<'PY'
import json, sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
assert lines[-1] == ""
objs = [json.loads(l) for l in lines[:-1]]
doc = json.load(open(sys.argv[2], encoding="utf-8"))
print("ok" if list(objs[0]) == ["meta"] and objs[0]["meta"] == doc["meta"] and objs[1:] == doc["rows"] else "differ")
PY
)"
run 0 "ndjson --no-header" K --by service,channel --format ndjson --no-header --lang en
eq "ndjson --no-header: rows only" "$(K --by service,channel --format ndjson --lang en | tail -n +2)" "$(cat "$W/out")"
if "$PY" -c 'import pandas' 2>/dev/null; then
	eq "pandas read_json(lines=True) on --no-header: suppressed bool, rows of the csv" "bool $(($(wc -l <"$W/k.csv") - 1))" \
		"$(py "$W/out" <<'PY'
import sys, pandas as pd
df = pd.read_json(sys.argv[1], lines=True)
print(df["suppressed"].dtype, len(df))
PY
)"
fi
run 0 "-o FILE.ndjson picks ndjson" K -k requests -o "$W/k.ndjson"
eq "the .ndjson file starts with the meta line" "meta" "$(head -1 "$W/k.ndjson" | jq -r 'keys[0]')"
run 0 "-o FILE.jsonl picks ndjson" K -k requests -o "$W/k.jsonl"
eq "the .jsonl file is ndjson" "$(cat "$W/k.ndjson" | tail -n +2)" "$(tail -n +2 "$W/k.jsonl")"

# ---- json-array: the shape json had before the metadata --------------------
run 0 "json-array" K --by service,channel --format json-array --lang en
eq "json-array: the bare array of the json's rows" "ok" "$(py "$W/out" "$W/k.json" <<'PY'
import json, sys
a = json.load(open(sys.argv[1], encoding="utf-8"))
print("ok" if isinstance(a, list) and a == json.load(open(sys.argv[2], encoding="utf-8"))["rows"] else "differ")
PY
)"
run 64 "an unknown format lists the formats" K --format xml
has "the message names ndjson and json-array" "ndjson or json-array" "$W/err"

# ---- the label is text like the key: formula guard in csv, raw in json -----
newdb t_dataformats_guard
q "$DBNAME" -c "INSERT INTO didkpi.services VALUES ('s_f', '=1+1', '@SUM(A1)', 'u', true, NULL)" >/dev/null
G() { "$BIN" -d "$DB" kpi --period 2025-03 -k requests -b service --allow-empty "$@" 2>/dev/null; }
eq "csv: a label that starts like a formula is quoted text" "FALSE,\"'=1+1\"" \
	"$(G --format csv | grep '^2025-03,.*,s_f,' | grep -o 'FALSE,.*')"
eq "json: the label as it is" "@SUM(A1)" "$(G --format json --lang en | jq -r '.rows[] | select(.key == "s_f") | .label')"

# ---- compare: label and skip_reason at the end ----------------------------
newdb t_dataformats_cmp
q "$DBNAME" -f "$TOP/tests/fixtures/compare/fixture.sql" >/dev/null || not_ok "compare fixture loads"
C() { "$BIN" -d "$DB" compare "$@"; }
CMP_HEADER='service_code,metric,before_start,before_end,after_start,after_end,before,after,change,change_pct,ci_low,ci_high,p_value,n_before,n_after,test'
run 0 "compare csv in English" C --format csv --lang en
cp "$W/out" "$W/c.csv"
eq "compare: the SPEC header, then label and skip_reason (then issue 11's)" \
	"$CMP_HEADER,label,skip_reason,coverage,before_covered_days,after_covered_days,sentence" "$(head -1 "$W/c.csv")"
# cell SERVICE METRIC COLUMN FILE
cell() {
	py "$4" "$1" "$2" "$3" <<'PY'
import csv, sys
for r in csv.DictReader(open(sys.argv[1], encoding="utf-8")):
    if r["service_code"] == sys.argv[2] and r["metric"] == sys.argv[3]:
        print(r[sys.argv[4]])
PY
}
eq "compare label in English" "Time service" "$(cell s_time requests_per_month label "$W/c.csv")"
eq "compare label of the pooled row" "All services" "$(cell all requests_per_month label "$W/c.csv")"
eq "compare: a skipped row has its reason in skip_reason" "fewer than 30 observations before" \
	"$(cell s_small requests_per_month skip_reason "$W/c.csv")"
eq "compare: ... and no test" "" "$(cell s_small requests_per_month test "$W/c.csv")"
eq "compare: a row that ran has its test and no skip_reason" "welch-t|" \
	"$(cell s_time satisfaction_mean test "$W/c.csv")|$(cell s_time satisfaction_mean skip_reason "$W/c.csv")"
eq "compare: skip_reason is set exactly where the numbers are empty" "ok" "$(py "$W/c.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
print("ok" if any(r["skip_reason"] for r in rows) and all(
    bool(r["skip_reason"]) == (r["before"] == "" and r["n_before"] == "" and r["test"] == "")
    for r in rows) else "differ")
PY
)"
run 0 "compare csv in Thai" C --format csv
eq "compare label in Thai" "บริการเวลา" "$(cell s_time requests_per_month label "$W/out")"
run 0 "compare --did: label and skip_reason still after the --did columns" C --format csv --did
eq "compare --did header" "label,skip_reason" "$(head -1 "$W/out" | cut -d, -f28-29)"
run 0 "compare --no-header" C --format csv --no-header --lang en
eq "compare --no-header: the csv without its header" "$(tail -n +2 "$W/c.csv")" "$(cat "$W/out")"
run 0 "compare json" C --format json --lang en
cp "$W/out" "$W/c.json"
eq "compare json: meta and rows" "ok" "$(py "$W/c.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1], encoding="utf-8"))
m, rows = doc["meta"], doc["rows"]
bad = []
if m["command"] != "compare" or m["parameters"]["window_months"] != 6 or m["parameters"]["ramp_months"] != 0:
    bad.append("parameters %r" % m["parameters"])
if m["metrics"]["digital_channel_rate"]["unit"] != "fraction" or m["metrics"]["requests_per_month"]["test"] != "poisson-exact":
    bad.append("metrics")
if not m.get("data_as_of") or m["time_zone"] != "Asia/Bangkok" or "s_never" not in m["services_not_adopted"]:
    bad.append("data_as_of/time_zone/not adopted")
small = [r for r in rows if r["service_code"] == "s_small" and r["metric"] == "requests_per_month"][0]
if small["test"] is not None or small["skip_reason"] != "fewer than 30 observations before":
    bad.append("skipped row %r" % small)
print("ok" if not bad else bad)
PY
)"
run 0 "compare ndjson" C --format ndjson --lang en
eq "compare ndjson: meta line, then the json's rows" "ok" "$(py "$W/out" "$W/c.json" <<'PY'
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
doc = json.load(open(sys.argv[2], encoding="utf-8"))
print("ok" if list(objs[0]) == ["meta"] and objs[1:] == doc["rows"] else "differ")
PY
)"

finish
