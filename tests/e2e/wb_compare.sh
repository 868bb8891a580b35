#!/bin/bash
# The monthly workbook's before/after sheet (issue 11): read back with
# openpyxl, every compared row's change lies within its own interval, the
# "in words" cell is the sentence of didkpi compare -f csv for the same
# service and metric and says the numbers of the row's cells, the coverage
# cell says in words whether the windows are covered by data, and the notes
# name the tests of the stratified pooled rows; in Thai and in English.
# LibreOffice prints the workbook on 10 pages or fewer, the sheet within
# the width of the page (set DIDKPI_WB_PNG=DIR to keep its pages as PNG).
. "$(dirname "$0")/../lib.sh"

export DIDKPI_TEMPLATE_PATH=$TOP/reports/templates
PY=/usr/bin/python3
newdb t_wbcmp
"$BIN" -d "$DB" demo --scale 0.2 --seed 3 --until 2025-06 >"$W/demo.log" 2>&1 ||
	not_ok "demo data loads" "$(cat "$W/demo.log")"
P=2025-03

# check LANG WORKBOOK COMPARE-CSV: one TAP line per check
check() {
	"$PY" - "$@" <<'EOF'
import csv, re, sys
import openpyxl

lang, book, ref = sys.argv[1], sys.argv[2], sys.argv[3]
TH = lang == "th"
n = 0
def tap(good, what, why=""):
    global n
    n += 1
    print(("ok" if good else "not ok") + f" - {lang}: {what}")
    if not good and why:
        print("  " + str(why)[:2000])

rows = list(csv.DictReader(open(ref, encoding="utf-8")))
wb = openpyxl.load_workbook(book)
name = "ก่อนและหลัง Digital ID" if TH else "Before and after"
ws = wb[name]
hdr = None
for r in ws.iter_rows(min_row=1, max_row=40):
    if r[0].value == ("บริการ" if TH else "Service"):
        hdr = r[0].row
        heads = [c.value for c in r]
        break
tap(hdr is not None, "the table's header")
want_heads = ["บริการ", "เริ่มใช้ Digital ID", "ก่อน", "หลัง", "เปลี่ยนแปลง", "เปลี่ยนแปลง (%)",
              "ช่วงความเชื่อมั่น 95%: ล่าง", "ช่วงความเชื่อมั่น 95%: บน", "ค่า p", "สรุปผล",
              "สรุปเป็นคำ", "ข้อมูลครอบคลุมช่วง"] if TH else \
             ["Service", "Digital ID since", "Before", "After", "Change", "Change (%)",
              "95% CI: low", "95% CI: high", "p-value", "Conclusion", "In words", "Data coverage"]
tap(heads[:12] == want_heads, "columns: the brief layout with the sentence and the coverage",
    heads)
SENT, COVER = 10, 11
words = {"full": "ครบ" if TH else "full",
         "before-partial": "ช่วงก่อนไม่ครบ" if TH else "before: partial",
         "after-partial": "ช่วงหลังไม่ครบ" if TH else "after: partial",
         "both-partial": "ไม่ครบทั้งสองช่วง" if TH else "both: partial"}
DOWN, UP, SAME = ("ลดลง", "เพิ่มขึ้น", "ไม่เปลี่ยนแปลง") if TH else ("down", "up", "no change")
# "ลดลง 64 ชม. (ช่วงความเชื่อมั่น 95% 52–76)", "up 3.4 pt (95% CI -0.2 to 7.1)"
num = r"(-?[0-9]+(?:\.[0-9]+)?)"
pat = re.compile(r"^(%s|%s|%s)(?: %s [^(]+)? \((?:ช่วงความเชื่อมั่น 95%%|95%% CI) %s(?:–| ถึง | to )%s\)$"
                 % (DOWN, UP, SAME, num, num, num))

def near(text, v):
    """v rounds to the number text shows"""
    dec = len(text.split(".")[1]) if "." in text else 0
    return abs(float(text) - v) <= 0.5 * 10 ** -dec + 1e-9

bad_ci, bad_sent, bad_words, bad_cover, seen, seen_time, partial = [], [], [], [], 0, 0, 0
skipped = 0
metric = None
for r in ws.iter_rows(min_row=hdr + 1, max_col=12):
    v = [c.value for c in r]
    if v[0] is None:
        continue
    if all(x is None for x in v[1:]):
        metric = v[0]                   # a block's heading: the metric
        continue
    if str(v[0]).startswith(("หมายเหตุ", "Notes", "วิธีทดสอบ", "Tests", "เวลาในการ", "Service time")):
        continue
    sent = v[SENT]
    if v[9] == ("ข้อมูลยังไม่พอ" if TH else "not enough data"):
        # a skipped row: the sentence says why
        skipped += 1
        if not sent or not any(x["label"] == v[0] and x["skip_reason"] for x in rows):
            bad_sent.append(f"{v[0]}: skipped, but why: {sent!r}")
        continue
    if sent is None:
        bad_sent.append(f"{v[0]}: no sentence, conclusion {v[9]!r}")
        continue
    seen += 1
    pooled = str(v[0]).startswith(("รวมทุกบริการ", "All services"))
    cands = [x for x in rows if (x["service_code"] == "all" if pooled else x["label"] == v[0])
             and x["sentence"] == sent]
    if not cands:
        bad_sent.append(f"{metric}/{v[0]}: {sent!r} is no sentence of didkpi compare")
        continue
    ref_row = cands[0]
    if ref_row["metric"] == "service_time_median_hours":
        seen_time += 1
    chg, lo, hi = v[4], v[6], v[7]
    if not all(isinstance(x, (int, float)) for x in (chg, lo, hi)) or not lo <= chg <= hi:
        bad_ci.append(f"{metric}/{v[0]}: {lo!r} <= {chg!r} <= {hi!r}")
    # the cells are the CSV's numbers (rates in percentage points)
    scale = 100 if ref_row["metric"] in ("digital_channel_rate", "completion_rate",
                                          "satisfaction_csat") else 1
    for cell, key in ((chg, "change"), (lo, "ci_low"), (hi, "ci_high")):
        if abs(cell - float(ref_row[key]) * scale) > 1e-9 * max(1, abs(cell)):
            bad_sent.append(f"{v[0]}/{key}: cell {cell!r} != csv {ref_row[key]}")
    m = pat.match(sent)
    if not m:
        bad_words.append(f"{v[0]}: {sent!r} does not read as a change and its interval")
    else:
        d, mag, a, b = m.groups()
        down = d == DOWN
        if d != SAME and (chg < 0) != down:
            bad_words.append(f"{v[0]}: {sent!r} but the change is {chg}")
        if mag is not None and not near(mag, abs(chg)):
            bad_words.append(f"{v[0]}: {sent!r}: {mag} is not |{chg}|")
        # the bounds as sizes in the direction of the change
        want_a, want_b = (-hi, -lo) if down else (lo, hi)
        if not (near(a, want_a) and near(b, want_b)):
            bad_words.append(f"{v[0]}: {sent!r}: {a}..{b} is not {want_a}..{want_b}")
    if v[COVER] != words.get(ref_row["coverage"]):
        bad_cover.append(f"{v[0]}: {v[COVER]!r} for {ref_row['coverage']!r}")
    partial += ref_row["coverage"] != "full"

tap(seen >= 20 and seen_time >= 5 and skipped > 0,
    f"rows with a sentence ({seen}, {seen_time} of service time; {skipped} skipped)")
tap(not bad_ci, "every row's change lies within its interval", "; ".join(bad_ci[:5]))
tap(not bad_sent, "the sentence is didkpi compare's for the row, the cells its numbers",
    "; ".join(bad_sent[:5]))
tap(not bad_words, "the sentence says the change and the interval of the cells",
    "; ".join(bad_words[:5]))
tap(not bad_cover, "the coverage in words", "; ".join(bad_cover[:5]))
tap(partial > 0, f"the demo has windows not covered by data ({partial} rows)")
notes = " ".join(str(c.value) for r in ws.iter_rows(min_row=hdr + 1, max_col=1) for c in r
                 if c.value)
tap(all(w in notes for w in ("Mantel–Haenszel", "van Elteren", "Hodges–Lehmann")) and
    (("ถ่วงน้ำหนักผกผันความแปรปรวน" in notes) if TH else ("inverse variance" in notes)),
    "the notes: the pooled rows are stratified, the change of service time is Hodges–Lehmann's")
# the table prints one page wide (A4 landscape, 1040 px at 100%) at a
# scale of 78% or more (85% before the sentence and coverage columns)
px = sum(int(ws.column_dimensions[openpyxl.utils.get_column_letter(c)].width * 7 + 5)
         for c in range(1, 13) if ws.column_dimensions[openpyxl.utils.get_column_letter(c)].width)
tap(px <= 1333, f"the table prints at 78% or more ({px} px)",
    [(c, ws.column_dimensions[openpyxl.utils.get_column_letter(c)].width) for c in range(1, 13)])
EOF
}

for lang in th en; do
	run 0 "monthly workbook ($lang)" "$BIN" -d "$DB" report --period $P --lang $lang -o "$W/$lang.xlsx"
	run 0 "compare -f csv ($lang)" "$BIN" -d "$DB" compare --format csv --lang $lang
	cp "$W/out" "$W/cmp_$lang.csv"
	check $lang "$W/$lang.xlsx" "$W/cmp_$lang.csv" >"$W/check_$lang" 2>&1
	while IFS= read -r line; do
		case $line in
		"ok - "*) ok "${line#ok - }" ;;
		"not ok - "*) not_ok "${line#not ok - }" ;;
		*) echo "  $line" ;;
		esac
	done <"$W/check_$lang"
	grep -q "^ok - $lang: every row's change" "$W/check_$lang" || not_ok "the checker ran ($lang)" "$(tail -5 "$W/check_$lang")"
done

# ---- LibreOffice prints it: 10 pages or fewer, the sheet readable ----
# LibreOffice reading what didkpi wrote gives the same verdict whatever
# the build: it runs where DIDKPI_TEST_REFS is 1 (the normal build); the
# other builds still write the same file with the same command above.
if [ "${DIDKPI_TEST_REFS:-1}" != 1 ]; then
	:
elif command -v soffice >/dev/null 2>&1; then
	mkdir -p "$W/pdf"
	timeout 300 soffice -env:UserInstallation="file://$W/lo" --headless --convert-to pdf \
		--outdir "$W/pdf" "$W/th.xlsx" >"$W/lo.log" 2>&1
	pdf=$W/pdf/th.pdf
	[ -n "${DIDKPI_WB_PNG:-}" ] && mkdir -p "$DIDKPI_WB_PNG" && cp "$pdf" "$W"/*.xlsx "$DIDKPI_WB_PNG/"
	if [ -s "$pdf" ]; then
		pages=$(pdfinfo "$pdf" | awk '/^Pages:/ {print $2}')
		[ "${pages:-99}" -le 10 ] && ok "PDF: 10 pages or fewer ($pages)" ||
			not_ok "PDF: 10 pages or fewer" "$pages pages"
		# the before/after sheet's pages: those with its header (its
		# Thai comes out of pdftotext in pieces: short words only)
		sheet_pages=
		for ((i = 1; i <= ${pages:-0}; i++)); do
			pdftotext -f "$i" -l "$i" -layout "$pdf" "$W/pdf/p$i.txt"
			grep -q "เริ่มใช้ Digital ID" "$W/pdf/p$i.txt" && sheet_pages="$sheet_pages $i"
		done
		[ -n "$sheet_pages" ] && ok "PDF: the before/after table prints (pages$sheet_pages)" ||
			not_ok "PDF: the before/after table prints"
		words=0 full=0
		for i in $sheet_pages; do
			# an interval in a sentence: "52–76", "-0.2 ถึง 3.1"
			words=$((words + $(grep -cE "[0-9]–[0-9]|[0-9] ถึง" "$W/pdf/p$i.txt")))
			full=$((full + $(grep -c "ครบ" "$W/pdf/p$i.txt")))
			if command -v pdftoppm >/dev/null 2>&1; then
				pdftoppm -f "$i" -l "$i" -r 80 -png "$pdf" "$W/pdf/compare-$i"
				[ -n "${DIDKPI_WB_PNG:-}" ] && mkdir -p "$DIDKPI_WB_PNG" &&
					cp "$W/pdf/compare-$i"*.png "$DIDKPI_WB_PNG/"
			fi
		done
		[ "$words" -ge 20 ] && ok "PDF: the sentences print ($words)" ||
			not_ok "PDF: the sentences print" "$words"
		[ "$full" -ge 5 ] && ok "PDF: the coverage prints ($full)" || not_ok "PDF: the coverage prints" "$full"
	else
		not_ok "LibreOffice converts the workbook to PDF" "$(cat "$W/lo.log")"
	fi
else
	ok "LibreOffice conversion # SKIP soffice not installed"
fi

finish
