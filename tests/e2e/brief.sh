#!/bin/bash
# didkpi report --format pdf: the brief of two to four A4 pages, read back
# with poppler (pdfinfo: pages, size, metadata; pdftotext -raw: the text in
# drawing order, which keeps Thai clusters whole) and compared with didkpi
# kpi and didkpi compare for the same period, on the demo department (Thai
# and English) and on the kpi fixture; hostile service names printed as
# they are; and failures (usage, no data, unwritable output, a full disk, a
# signal) that leave no file, or the previous one untouched.
. "$(dirname "$0")/../lib.sh"

export DIDKPI_TEMPLATE_PATH=$TOP/reports/templates
O=$W/out.d
mkdir -p "$O"

# pages FILE: the page count; info FILE KEY: a pdfinfo field.
pages() { pdfinfo "$1" 2>/dev/null | awk '/^Pages:/ {print $2}'; }
info() { pdfinfo "$1" 2>/dev/null | sed -n "s/^$2: *//p"; }

# check_pdf WHAT FILE: a PDF of 2 to 4 A4 portrait pages.
check_pdf() {
	local n
	n=$(pages "$2")
	[ "${n:-0}" -ge 2 ] && [ "${n:-0}" -le 4 ] && ok "$1: 2 to 4 pages ($n)" ||
		not_ok "$1: 2 to 4 pages" "pages: ${n:-none}" "$(pdfinfo "$2" 2>&1 | head -5)"
	eq "$1: every page A4 portrait" "$n" \
		"$(pdfinfo -f 1 -l "${n:-1}" "$2" 2>/dev/null | grep -c '^Page *[0-9]* size: *595.27[0-9]* x 841.8[0-9]* pts (A4)')"
}

# in_order WHAT FILE STRING...: the strings occur in FILE in this order
# (each after the line of the one before).
in_order() {
	local what=$1 file=$2 at=0 line s
	shift 2
	for s in "$@"; do
		line=$(tail -n +$((at + 1)) "$file" | grep -nF -m1 -- "$s" | cut -d: -f1)
		if [ -z "$line" ]; then
			not_ok "$what" "'$s' not found after line $at of $file" "$(head -c 3000 "$file")"
			return
		fi
		at=$((at + line))
	done
	ok "$what"
}

# kpi_value PERIOD KPI: the value column of the 'all' row (didkpi kpi).
kpi_value() {
	"$BIN" -d "$DB" kpi --period "$1" --kpi "$2" --format csv |
		awk -F, -v k="$2" '$4 == k && $5 == "all" {print $7}'
}
# human KIND VALUE: as the brief prints it ("1,041", "87.6%", "4.34").
human() {
	python3 -c '
import sys
kind, v = sys.argv[1], float(sys.argv[2])
print({"count": lambda: "{:,.0f}".format(v), "pct": lambda: "{:.1f}%".format(v * 100),
       "score": lambda: "{:.2f}".format(v), "hours": lambda: "{:.1f}".format(v)}[kind]())' "$1" "$2"
}

# ---- usage errors: 64 before any database work, nothing written ----
newdb t_brief
R() { "$BIN" -d "$DB" report "$@"; }
run 64 "bad --format" R --format docx -o "$O/x.pdf"
has "bad --format says why" "--format must be xlsx, html or pdf, not 'docx'" "$W/err"
run 64 "bad period" R --format pdf --period 2025-13 -o "$O/x.pdf"
has "bad period says why" "month must be 01-12" "$W/err"
run 64 "--format pdf wants a .pdf name" R --format pdf -o "$O/x.xlsx"
has "the name's problem said" "must end in .pdf" "$W/err"
run 64 "--format xlsx wants a .xlsx name" R --format xlsx -o "$O/x.pdf"
has "the workbook's name problem said" "must end in .xlsx" "$W/err"
eq "usage errors wrote nothing" "" "$(ls -A "$O")"

# ---- the demo department ----
"$BIN" -d "$DB" demo --scale 0.2 --seed 3 --until 2025-06 >"$W/demo.log" 2>&1 ||
	not_ok "demo data loads" "$(cat "$W/demo.log")"
DEMO_DB=$DB DEMO_DBNAME=$DBNAME
P=2025-05
run 0 "Thai brief of the demo, the format from the name" R --period $P -o "$O/th.pdf"
eq "quiet on success" "" "$(cat "$W/out" "$W/err")"
eq "no temporary or lock file left" "" "$(ls -A "$O" | grep '^\.')"
check_pdf "demo th" "$O/th.pdf"
eq "title: the template's and the period" \
	"รายงานตัวชี้วัดการให้บริการด้วย Digital ID ประจำเดือน – พฤษภาคม 2568" "$(info "$O/th.pdf" Title)"
eq "author: the department" "กรมพัฒนาฝีมือแรงงาน" "$(info "$O/th.pdf" Author)"
# cairo would stamp the clock in the process's zone (UTC here): the
# snapshot's time carries the report's zone, Asia/Bangkok
if grep -aqE '/CreationDate \(D?:?[0-9]{14}\+07'"'"'00\)' "$O/th.pdf"; then
	ok "creation date: the snapshot's, in Asia/Bangkok"
else
	not_ok "creation date: the snapshot's, in Asia/Bangkok" "$(grep -a /CreationDate "$O/th.pdf")"
fi
pdftotext -raw "$O/th.pdf" "$W/th.txt"
in_order "Thai headings in reading order" "$W/th.txt" \
	"สรุปสำหรับผู้บริหาร" "กรมพัฒนาฝีมือแรงงาน · พฤษภาคม 2568" "ตัวชี้วัดหลักเทียบเป้าหมาย" \
	"ผลของการเริ่มใช้ Digital ID" "แนวโน้มรายเดือน" "หน้า 1 จาก" \
	"บริการที่ควรปรับปรุง" "การยืนยันตัวตน" "ก่อนและหลังเริ่มรับ Digital ID รายบริการ"
n=$(pages "$O/th.pdf")
has "the last page's footer says page N of N" "หน้า $n จาก $n\$" "$W/th.txt"
pdftotext -raw -f 1 -l 1 "$O/th.pdf" "$W/th1.txt"
req=$(human count "$(kpi_value $P requests)")
dig=$(human pct "$(kpi_value $P digital_channel_rate)")
sat=$(human score "$(kpi_value $P satisfaction_mean)")
has "page 1: requests as didkpi kpi counts them ($req)" "^จำนวนคำขอรับบริการ $req " "$W/th1.txt"
has "page 1: digital channel rate as didkpi kpi ($dig)" "^อัตราการใช้บริการดิจิทัล $dig " "$W/th1.txt"
has "page 1: mean satisfaction as didkpi kpi ($sat)" "^ความพึงพอใจของการใช้บริการ \(คะแนนเฉลี่ย\) $sat " "$W/th1.txt"
in_order "page 1: the headline KPIs in their order" "$W/th1.txt" \
	"อัตราการใช้บริการดิจิทัล $dig" "ความพึงพอใจของการใช้บริการ (คะแนนเฉลี่ย) $sat" \
	"จำนวนคำขอรับบริการ $req"
# the adoption effect: the pooled rows of didkpi compare, in one sentence
"$BIN" -d "$DB" compare --format csv >"$W/compare.csv"
b=$(awk -F, '$1 == "all" && $2 == "digital_channel_rate" {print $7}' "$W/compare.csv")
a=$(awk -F, '$1 == "all" && $2 == "digital_channel_rate" {print $8}' "$W/compare.csv")
if [ -n "$b" ] && [ -n "$a" ]; then
	has "page 1: the effect sentence has the pooled digital rates of didkpi compare" \
		"สัดส่วนคำขอผ่านช่องทางดิจิทัล (เพิ่มขึ้น|ลดลง)จาก $(human pct "$b") เป็น $(human pct "$a")" "$W/th1.txt"
else
	not_ok "the demo's comparison has a pooled digital rate" "$(head -5 "$W/compare.csv")"
fi
lacks "page 1 holds no page-2 section" "บริการที่ควรปรับปรุง" "$W/th1.txt"
# a table row is never split: each adopting service's name (wrapped or
# not) and its adoption date ("1 มี.ค. 2567") are on the same page, one
# after the other (pdftotext ends each page with a form feed)
q "$DBNAME" -c "SELECT name_th || '|' || extract(day FROM digital_id_since)::int || ' ' ||
	(ARRAY['ม.ค.','ก.พ.','มี.ค.','เม.ย.','พ.ค.','มิ.ย.','ก.ค.','ส.ค.','ก.ย.','ต.ค.','พ.ย.','ธ.ค.'])
	[extract(month FROM digital_id_since)::int] || ' ' ||
	(extract(year FROM digital_id_since)::int + 543)
	FROM didkpi.services WHERE digital_id_since IS NOT NULL" >"$W/adopted.txt"
eq "before/after: every adopting service's row whole on one page" "" "$(python3 -c '
import re, sys
norm = lambda s: re.sub(r"\s+", "", s)
pages = [norm(p) for p in open(sys.argv[1], encoding="utf-8").read().split("\f")]
for line in open(sys.argv[2], encoding="utf-8"):
    name, date = line.rstrip("\n").split("|")
    if not any(norm(name + date) in p for p in pages):
        print(name)' "$W/th.txt" "$W/adopted.txt")"

# the same data gives the same bytes but for the creation date
run 0 "a second Thai brief" R --period $P -o "$O/th2.pdf"
if cmp -s <(grep -av '/CreationDate\|/ModDate' "$O/th.pdf") <(grep -av '/CreationDate\|/ModDate' "$O/th2.pdf"); then
	ok "reproducible: the same bytes but for the dates"
else
	not_ok "reproducible: the same bytes but for the dates" "$(cmp "$O/th.pdf" "$O/th2.pdf")"
fi

# ---- English ----
run 0 "English brief, --format pdf, default name" \
	bash -c 'cd "$1" && shift && "$@"' _ "$O" "$BIN" -d "$DB" report --format pdf --lang en --period $P
[ -s "$O/didkpi-monthly-$P.pdf" ] && ok "default name didkpi-{template}-{period}.pdf" ||
	not_ok "default name didkpi-{template}-{period}.pdf" "$(ls "$O")"
check_pdf "demo en" "$O/didkpi-monthly-$P.pdf"
eq "English title" "Monthly Digital ID service KPI report – May 2025" \
	"$(info "$O/didkpi-monthly-$P.pdf" Title)"
eq "English author" "Department of Skill Development" "$(info "$O/didkpi-monthly-$P.pdf" Author)"
pdftotext -raw "$O/didkpi-monthly-$P.pdf" "$W/en.txt"
in_order "English headings in reading order" "$W/en.txt" \
	"EXECUTIVE BRIEF" "Department of Skill Development · May 2025" \
	"Headline KPIs against their targets" "The effect of adopting Digital ID" \
	"The monthly trend" "Page 1 of" "Services to improve" "Authentication" \
	"Before and after Digital ID, by service"
"$BIN" kpi --list --lang en --format csv >"$W/labels-en.csv"
label=$(awk -F, '$1 == "requests" {print $2}' "$W/labels-en.csv")
has "English: requests as didkpi kpi ($label $req)" "^$label $req " "$W/en.txt"
# Thai letters are U+0E00-U+0E7F: UTF-8 E0 B8 xx and E0 B9 xx
if grep -qaP '\xe0[\xb8\xb9]' "$W/en.txt"; then
	not_ok "English: no Thai text" "$(grep -aP '\xe0[\xb8\xb9]' "$W/en.txt" | head -3)"
else
	ok "English: no Thai text"
fi

# the analyst template has no trend, comparison or improvement sheet: the
# brief gathers what it needs all the same
run 0 "brief from the analyst template" R --template analyst --period $P -o "$O/analyst.pdf"
check_pdf "analyst" "$O/analyst.pdf"
pdftotext -raw "$O/analyst.pdf" "$W/analyst.txt"
has "analyst: the adoption effect measured" "สัดส่วนคำขอผ่านช่องทางดิจิทัล (เพิ่มขึ้น|ลดลง)จาก" "$W/analyst.txt"
has "analyst: the services to improve ranked" "^1 " "$W/analyst.txt"

# ---- the kpi fixture: targets, met and not met ----
newdb t_brief_fx
for rel in services service_requests auth_events satisfaction staff kpi_targets; do
	"$BIN" -d "$DB" load -q "$rel" "$TOP/tests/fixtures/kpi/$rel.csv" ||
		not_ok "fixture $rel loads"
done
run 0 "brief of the fixture's March 2025" R --period 2025-03 --min-cell 0 -o "$O/fx.pdf"
check_pdf "fixture" "$O/fx.pdf"
pdftotext -raw "$O/fx.pdf" "$W/fx.txt"
fx_req=$(human count "$(kpi_value 2025-03 requests)")
has "fixture: requests as didkpi kpi ($fx_req)" "^จำนวนคำขอรับบริการ $fx_req " "$W/fx.txt"
# every KPI of the page with a target in March 2025 (the fixture's
# requests and completion rate, the seeded coverage): met or not, in words
# and a symbol, as its value and target say (all three: higher is better)
"$BIN" -d "$DB" kpi --period 2025-03 --format csv >"$W/fx.csv"
"$BIN" kpi --list --format csv >"$W/labels.csv"
targets=0
while IFS=, read -r k v t; do
	[ -n "$t" ] && [ -n "$v" ] || continue
	case $k in requests | completion_rate | eservice_digital_id_coverage) ;; *) continue ;; esac
	label=$(awk -F, -v k="$k" '$1 == k {print $2}' "$W/labels.csv")
	met=$(python3 -c 'import sys; print("✓ บรรลุ" if float(sys.argv[1]) >= float(sys.argv[2]) else "✗ ไม่บรรลุ")' "$v" "$t")
	has "fixture: $k against its target says '$met'" "^$label .* $met " "$W/fx.txt"
	targets=$((targets + 1))
done < <(awk -F, '$5 == "all" {print $4 "," $7 "," $10}' "$W/fx.csv")
eq "fixture: three KPIs with a target checked" 3 "$targets"

# ---- a table longer than a page: rows whole, the header repeated, and
# at most 20 services listed (the rest named in a note) ----
q "$DBNAME" -c "INSERT INTO didkpi.services
	SELECT 'long' || i, repeat('บริการที่มีชื่อยาวมากจนต้องตัดบรรทัด ', 5) || i, 'Long ' || i,
	       'unit-a', true, date '2024-01-01' + i FROM generate_series(10, 34) i" >/dev/null
run 0 "brief with 25 more adopting services, long names" R --period 2025-03 --min-cell 0 -o "$O/long.pdf"
pdftotext -raw "$O/long.pdf" "$W/long.txt"
q "$DBNAME" -c "SELECT name_th || '|' || extract(day FROM digital_id_since)::int || ' ' ||
	(ARRAY['ม.ค.','ก.พ.','มี.ค.','เม.ย.','พ.ค.','มิ.ย.','ก.ค.','ส.ค.','ก.ย.','ต.ค.','พ.ย.','ธ.ค.'])
	[extract(month FROM digital_id_since)::int] || ' ' ||
	(extract(year FROM digital_id_since)::int + 543)
	FROM didkpi.services WHERE digital_id_since IS NOT NULL
	ORDER BY digital_id_since, service_code LIMIT 20" >"$W/long-adopted.txt"
eq "long table: the 20 earliest adopters, each row whole on one page" "" "$(python3 -c '
import re, sys
norm = lambda s: re.sub(r"\s+", "", s)
pages = [norm(p) for p in open(sys.argv[1], encoding="utf-8").read().split("\f")]
for line in open(sys.argv[2], encoding="utf-8"):
    name, date = line.rstrip("\n").split("|")
    if not any(norm(name + date) in p for p in pages):
        print(name)' "$W/long.txt" "$W/long-adopted.txt")"
eq "long table: on more than one page, its header on each" "ok" "$(python3 -c '
import sys
pages = [p for p in open(sys.argv[1], encoding="utf-8").read().split("\f") if "ตัดบรรทัด" in p]
bad = [i for i, p in enumerate(pages) if "บริการ เริ่มรับ Digital ID ช่องทางดิจิทัล" not in p]
print("ok" if len(pages) >= 2 and not bad else "pages %d, without header %s" % (len(pages), bad))' "$W/long.txt")"
more=$(($(q "$DBNAME" -c "SELECT count(*) FROM didkpi.services WHERE digital_id_since IS NOT NULL") - 20))
has "long table: the $more services left out are counted" "^และอีก $more บริการที่เริ่มรับ Digital ID ภายหลัง" "$W/long.txt"
lacks "long table: the 21st adopter is not listed" "ตัดบรรทัด 34" "$W/long.txt"

# ---- hostile names: Pango markup and entities print as they are ----
DB=$DEMO_DB DBNAME=$DEMO_DBNAME
code=$(q "$DBNAME" -c "SELECT service_code FROM didkpi.services WHERE digital_id_since IS NOT NULL
	ORDER BY service_code LIMIT 1")
q "$DBNAME" -c "UPDATE didkpi.services SET name_th = '<b>ก&amp;</b> & <i>x', name_en = '<span>E&lt;</span> &'
	WHERE service_code = '$code'" >/dev/null
run 0 "brief with markup in a service name" R --period $P -o "$O/hostile.pdf"
pdftotext -raw "$O/hostile.pdf" "$W/hostile.txt"
has "Thai: the name printed literally" "<b>ก&amp;</b> & <i>x" "$W/hostile.txt"
run 0 "English brief with markup in a service name" R --period $P --lang en -o "$O/hostile-en.pdf"
pdftotext -raw "$O/hostile-en.pdf" "$W/hostile-en.txt"
has "English: the name printed literally" "<span>E&lt;</span> &" "$W/hostile-en.txt"

# ---- failures leave no file, or the old one as it was ----
rm -f "$O"/*.pdf
run 73 "output directory missing" R --period $P -o "$W/no/such/dir/x.pdf"
[ ! -e "$W/no" ] && ok "missing directory: nothing created" || not_ok "missing directory: nothing created"
echo "a file" >"$W/plainfile"
run 73 "output whose parent is a regular file" R --period $P -o "$W/plainfile/x.pdf"
run 73 "output under /proc (read-only)" R --period $P -o /proc/didkpi-brief.pdf
[ ! -e /proc/didkpi-brief.pdf ] && ok "nothing created under /proc" || not_ok "nothing created under /proc"
ln -s "$W/target.pdf" "$O/link.pdf"
run 73 "a symbolic link at the output is refused" R --period $P -o "$O/link.pdf"
[ ! -e "$W/target.pdf" ] && ok "the link's target was not written" || not_ok "the link's target was not written"
rm -f "$O/link.pdf"
run 65 "a period with no data exits 65" R --period 2020-01 -o "$O/empty.pdf"
eq "no data: no file, no temporary file" "" "$(ls -A "$O")"
echo "previous brief" >"$O/keep.pdf"
# a full disk: every write beyond 20 KiB fails (EFBIG, the signal ignored)
( ulimit -f 20; trap '' XFSZ; exec "$BIN" -d "$DB" report --period $P -o "$O/keep.pdf" ) >"$W/out" 2>"$W/err"
eq "full disk exits 73" "73" "$?"
has "full disk says so" "cannot write" "$W/err"
eq "full disk: the old file untouched" "previous brief" "$(cat "$O/keep.pdf")"
eq "full disk: no temporary file left" "keep.pdf" "$(ls -A "$O")"

# a signal mid-run: the report waits on a table another session locked,
# and is terminated there (after its output file was opened)
q "$DBNAME" -c "BEGIN; LOCK TABLE didkpi.staff IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(60)" \
	>/dev/null 2>&1 &
locker=$!
for _ in $(seq 100); do
	[ "$(q "$DBNAME" -c "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
		WHERE c.relname = 'staff' AND l.mode = 'AccessExclusiveLock' AND l.granted")" = 1 ] && break
	sleep 0.1
done
"$BIN" -d "$DB" report --period $P -o "$O/keep.pdf" >"$W/out" 2>"$W/err" &
reporter=$!
waiting=
for _ in $(seq 100); do
	waiting=$(q "$DBNAME" -c "SELECT pid FROM pg_stat_activity WHERE application_name = 'didkpi'
		AND wait_event_type = 'Lock'")
	[ -n "$waiting" ] && break
	sleep 0.1
done
[ -n "$waiting" ] && ok "the report found waiting mid-run" || not_ok "the report found waiting mid-run"
kill -TERM "$reporter"
wait "$reporter"
rc=$?
eq "the run dies of SIGTERM" 143 "$rc"
q "$DBNAME" -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
	WHERE query LIKE '%pg_sleep(60)%' AND pid <> pg_backend_pid()" >/dev/null
wait "$locker" 2>/dev/null
eq "signal: the old file untouched" "previous brief" "$(cat "$O/keep.pdf")"
eq "signal: no temporary or lock file left" "keep.pdf" "$(ls -A "$O")"

finish
