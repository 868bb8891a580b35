#!/bin/bash
# didkpi report --format html: one self-contained page. On the demo (Thai
# and English) and on the kpi fixture: read back by tests/html/check_html.py
# (numbers against the independent reference tests/reference/kpi_ref.py,
# table headers, self-containment, the charts' SVG); opened in headless
# Chromium by tests/html/cdp.py (no request leaves the page, no script
# runs, no page-wide sideways scrolling on a 390 px phone, screenshots at
# 390 x 844 and 1366 x 900) and printed to A4 PDF (pages, Thai headings in
# order). A hostile service name comes out as inert text. Failures leave
# nothing behind. Set DIDKPI_HTML_SHOTS=DIR to keep the screenshots and
# PDFs for looking at.
. "$(dirname "$0")/../lib.sh"

export DIDKPI_TEMPLATE_PATH=$TOP/reports/templates
PY=/usr/bin/python3
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
# The readers of the page (kpi_ref.py and check_html.py, Chromium) give
# the same verdict whatever the build: they run where DIDKPI_TEST_REFS is
# 1 (the normal build). The other builds (ASan+UBSan) run every didkpi
# command here with the same arguments on the same data, and the grep
# checks of the files they write.
READERS=${DIDKPI_TEST_REFS:-1}
[ "$READERS" = 1 ] || CHROMIUM=
newdb t_html
"$BIN" -d "$DB" demo --scale 0.2 --seed 3 --until 2025-06 >"$W/demo.log" 2>&1 ||
	not_ok "demo data loads" "$(cat "$W/demo.log")"
R() { "$BIN" -d "$DB" report "$@"; }
O=$W/out.d
mkdir -p "$O"
P=2025-03
HEAD_TH=("สรุปผลเทียบเป้าหมาย" "แนวโน้มรายเดือน" "ก่อนและหลังใช้ Digital ID" "การยืนยันตัวตน" "บริการที่ควรปรับปรุง")
HEAD_EN=("Summary against targets" "Monthly trend" "Before and after Digital ID" "Authentication" "Services to improve")

# ---- usage: checked before any work, nothing written ----
run 64 "bad --format" R --format docx -o "$O/x.html"
has "bad --format says why" "--format must be xlsx, html or pdf, not 'docx'" "$W/err"
run 64 "--format html needs a .html name" R --format html -o "$O/x.xlsx"
has "wrong extension says which" "must end in .html" "$W/err"
has "--help lists --format" "--format=FORMAT" <("$BIN" report --help)
eq "usage errors wrote nothing" "" "$(ls -A "$O")"
# bash completion offers the report's formats, not kpi's
bcomp() {
	bash --norc --noprofile -c '
		. "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=()
		_didkpi
		printf "%s\n" "${COMPREPLY[@]}"' bcomp "$TOP/completion/didkpi.bash" "$BIN" "$@" |
		tr '\n' ' ' | sed 's/ $//'
}
eq "bash: report --format offers xlsx, html and pdf" "xlsx html pdf" "$(bcomp report --format '')"
eq "bash: report -f h" "html" "$(bcomp report -f h)"
eq "bash: other commands keep their formats" "table tsv" "$(bcomp compare -f t)"

# ---- the independent reference numbers ----
KR() { "$PY" "$TOP/tests/reference/kpi_ref.py" -d "$DB" "$@"; }
refs() { # refs DIR: the period, previous, year ago and the trend's months
	mkdir -p "$1"
	KR --period $P >"$1/cur.csv" && KR --period 2025-02 >"$1/prev.csv" &&
		KR --period 2024-03 >"$1/yago.csv" &&
		KR --period 2024-04-01..2025-04-01 --interval month >"$1/trend.csv"
}
[ "$READERS" != 1 ] || refs "$W/ref" || not_ok "reference KPIs" "$(tail -3 "$W/ref/cur.csv")"

# check_page FILE LANG LABEL: the read-back checks, one TAP line each.
check_page() {
	local n=0 st what
	[ "$READERS" = 1 ] || return 0
	while read -r st what; do
		n=$((n + 1))
		if [ "$st" = PASS ]; then ok "$3: $what"; else not_ok "$3: $what"; fi
	done < <("$PY" "$TOP/tests/html/check_html.py" "$1" "$TOP/reports/templates/monthly.ini" "$2" \
		"$W/ref/cur.csv" "$W/ref/prev.csv" "$W/ref/yago.csv" "$W/ref/trend.csv" 2>"$W/py.err")
	[ "$n" -gt 15 ] || not_ok "$3: the checker ran ($n checks)" "$(head -c 2000 "$W/py.err")"
}

# in_order FILE WORD...: each word appears in FILE after the one before.
in_order() {
	local f=$1 last=0 l w
	shift
	for w in "$@"; do
		l=$(grep -nF -- "$w" "$f" | cut -d: -f1 | awk -v a="$last" '$1 > a { print; exit }')
		[ -n "$l" ] || { echo "'$w' not after line $last"; return 1; }
		last=$l
	done
}

# browse FILE LANG LABEL HEADINGS...: Chromium's view of the page.
browse() {
	local f=$1 lang=$2 label=$3 d=$W/cdp-$3 v
	shift 3
	[ "$READERS" = 1 ] || return 0
	if [ -z "$CHROMIUM" ]; then
		not_ok "$label: chromium is installed (tools/install-deps.sh)"
		return
	fi
	mkdir -p "$d"
	if ! "$PY" "$TOP/tests/html/cdp.py" "$CHROMIUM" "$f" "$d" >"$d/report" 2>"$d/err"; then
		not_ok "$label: chromium opens the page" "$(tail -5 "$d/err")"
		return
	fi
	ok "$label: chromium opens the page"
	v() { awk -v k="$1" '$1 == k { print $2; exit }' "$d/report"; }
	eq "$label: no request leaves the page" "0" "$(v requests)"
	eq "$label: no console message or error" "0" "$(v console)"
	eq "$label: no script in the DOM" "0" "$(v scripts)"
	eq "$label: no duplicate id in the DOM" "0" "$(v duplicate_ids)"
	eq "$label: every chart has role img and a title" "$(v svgs)" "$(v svg_roles)"
	[ "$(v svgs)" -ge 3 ] && ok "$label: charts in the DOM ($(v svgs))" ||
		not_ok "$label: charts in the DOM" "$(v svgs) svg elements"
	eq "$label: the desktop page does not scroll sideways" "1366" "$(v width_1366)"
	eq "$label: the phone page does not scroll sideways" "390" "$(v width_390)"
	[ "$(v svg_max_390)" -le 390 ] && ok "$label: charts fit the phone's width" ||
		not_ok "$label: charts fit the phone's width" "widest $(v svg_max_390) px"
	eq "$label: wide tables scroll in their own box" "0" "$(v table_overflow_390)"
	eq "$label: the headings in order" "$(IFS='|'; echo "$*" | sed 's/|/ | /g')" \
		"$(sed -n 's/^headings //p' "$d/report")"
	for s in desktop phone; do
		if "$PY" -c 'import sys; from PIL import Image; w, h = Image.open(sys.argv[1]).size; sys.exit(not (w == int(sys.argv[2]) and h > 844))' \
			"$d/$s.png" "$([ $s = phone ] && echo 390 || echo 1366)" 2>/dev/null; then
			ok "$label: $s screenshot taken"
		else
			not_ok "$label: $s screenshot taken" "$(ls -la "$d")"
		fi
	done
	# printed from the browser: A4 pages, the headings' text in order
	pdfinfo "$d/print.pdf" >"$d/pdfinfo" 2>&1
	local pages
	pages=$(awk '/^Pages:/ { print $2 }' "$d/pdfinfo")
	[ "${pages:-0}" -ge 2 ] && ok "$label: printed to $pages pages" ||
		not_ok "$label: printed to pages" "$(cat "$d/pdfinfo")"
	has "$label: printed on A4" "^Page size: +59[45](\.[0-9]+)? x 84[12](\.[0-9]+)? pts \(A4\)" "$d/pdfinfo"
	pdftotext -layout "$d/print.pdf" "$d/print.txt"
	if v=$(in_order "$d/print.txt" "$@"); then ok "$label: printed headings in order"
	else not_ok "$label: printed headings in order" "$v"; fi
	if [ -n "${DIDKPI_HTML_SHOTS:-}" ]; then
		mkdir -p "$DIDKPI_HTML_SHOTS"
		cp "$d/desktop.png" "$DIDKPI_HTML_SHOTS/$label-desktop.png"
		cp "$d/phone.png" "$DIDKPI_HTML_SHOTS/$label-phone.png"
		cp "$d/print.pdf" "$DIDKPI_HTML_SHOTS/$label-print.pdf"
		cp "$f" "$DIDKPI_HTML_SHOTS/$label.html"
	fi
}

# ---- the demo in Thai: format from --format, quiet ----
run 0 "html report for $P" R --format html --period $P -o "$O/didkpi-{template}-{period}.html"
eq "quiet on success" "" "$(cat "$W/out" "$W/err")"
H=$O/didkpi-monthly-$P.html
eq "{template} and {period} expanded, nothing else left" "didkpi-monthly-$P.html" "$(ls -A "$O")"
check_page "$H" th demo-th
has "Thai month names and B.E. years" "มีนาคม 2568" "$H"
lacks "no Gregorian year for the period in Thai" "มีนาคม 2025" "$H"
has "charts inline as svg" "<svg viewBox=\"0 0 [0-9]+ [0-9]+\" role=\"img\"" "$H"
browse "$H" th demo-th "${HEAD_TH[@]}"

# ---- Thai without any Thai font: the page's own embedded font draws it ----
# A fontconfig that knows only DejaVu (no Thai glyphs); Chromium run with it
# must take the Thai of the headings and tables from the @font-face data, and
# a copy of the page without that data must not find any font for it.
has "the Thai font is embedded as data" '^@font-face\{font-family:"didkpi Thai";font-style:normal;font-weight:400;unicode-range:U\+0E00-0E7F;src:url\(data:font/ttf;base64,[A-Za-z0-9+/]{1000}' "$H"
has "its bold too" '^@font-face\{font-family:"didkpi Thai";[^}]*font-weight:700;' "$H"
has "first in the page's font stack" 'body\{[^}]*font:16px/1\.55 "didkpi Thai",' "$H"
NF=$W/nofonts
mkdir -p "$NF/cache"
printf '%s\n' '<?xml version="1.0"?>' '<!DOCTYPE fontconfig SYSTEM "fonts.dtd">' \
	"<fontconfig><dir>/usr/share/fonts/truetype/dejavu</dir><cachedir>$NF/cache</cachedir></fontconfig>" \
	>"$NF/fonts.conf"
eq "the font-less configuration has no Thai font" "" "$(FONTCONFIG_FILE=$NF/fonts.conf fc-list :lang=th)"
[ -n "$(FONTCONFIG_FILE=$NF/fonts.conf fc-list)" ] && ok "the font-less configuration has DejaVu" ||
	not_ok "the font-less configuration has DejaVu"
sed '/^@font-face/d' "$H" >"$NF/stripped.html"
# fonts FILE DIR: Chromium's fonts for the first h2 and row heading, no Thai font installed
fonts() {
	mkdir -p "$NF/$2"
	FONTCONFIG_FILE=$NF/fonts.conf "$PY" "$TOP/tests/html/cdp.py" "$CHROMIUM" "$1" "$NF/$2" \
		>"$NF/$2.rep" 2>"$NF/$2.err" || echo "cdp failed: $(tail -3 "$NF/$2.err")" >>"$NF/$2.rep"
}
if [ -n "$CHROMIUM" ]; then
	fonts "$H" embedded
	fonts "$NF/stripped.html" stripped
	# "family:custom:glyphs": the web font (custom 1) draws the Thai glyphs
	for k in font_h2 font_th; do
		has "no Thai font installed: the $k Thai comes from the embedded font" \
			"^$k ([^ ]*,)?[^ ,]*:1:[1-9]" "$NF/embedded.rep"
		has "without the embedded font chromium draws the $k with installed fonts" \
			"^$k [^ ]*:0:[1-9]" "$NF/stripped.rep"
		lacks "without the embedded font no web font draws the $k" "^$k .*:1:" "$NF/stripped.rep"
	done
	eq "the stripped page's headings read the same" \
		"$(sed -n 's/^headings //p' "$NF/embedded.rep")" "$(sed -n 's/^headings //p' "$NF/stripped.rep")"
	if [ -n "${DIDKPI_HTML_SHOTS:-}" ]; then
		mkdir -p "$DIDKPI_HTML_SHOTS"
		cp "$NF/embedded/phone.png" "$DIDKPI_HTML_SHOTS/nothaifont-phone.png"
		cp "$NF/embedded/desktop.png" "$DIDKPI_HTML_SHOTS/nothaifont-desktop.png"
		cp "$NF/stripped/phone.png" "$DIDKPI_HTML_SHOTS/nothaifont-stripped-phone.png"
		cp "$NF"/*.rep "$DIDKPI_HTML_SHOTS/"
	fi
fi

# ---- English, the format from the output name ----
run 0 "html report in English, format from the .html name" R --lang en --period $P -o "$O/en.html"
check_page "$O/en.html" en demo-en
has "English month names" "March 2025" "$O/en.html"
browse "$O/en.html" en demo-en "${HEAD_EN[@]}"

# ---- hostile text from the database is inert ----
q "$DBNAME" -c "UPDATE didkpi.services SET name_th = '<script>alert(1)</script><img src=x onerror=alert(2)> & \"q\" ''a''',
	name_en = '<script>alert(1)</script>' WHERE service_code = (SELECT min(service_code) FROM didkpi.services
	WHERE digital_id_since IS NOT NULL)" >/dev/null
run 0 "html report with a hostile service name" R --format html --period $P -o "$O/hostile.html"
has "the name is escaped" "&lt;script&gt;alert\(1\)&lt;/script&gt;&lt;img src=x onerror=alert\(2\)&gt; &amp; &quot;q&quot; &#39;a&#39;" "$O/hostile.html"
lacks "no script or img tag in the file" "<script|<img" "$O/hostile.html"
if [ -n "$CHROMIUM" ]; then
	mkdir -p "$W/cdp-hostile"
	"$PY" "$TOP/tests/html/cdp.py" "$CHROMIUM" "$O/hostile.html" "$W/cdp-hostile" >"$W/hostile.rep" 2>&1
	has "chromium: no script element" "^scripts 0$" "$W/hostile.rep"
	has "chromium: the name shows as text" "^text_script 1$" "$W/hostile.rep"
	has "chromium: nothing ran (no console message)" "^console 0$" "$W/hostile.rep"
fi

# ---- the kpi fixture: small cells suppressed, a service never adopted ----
newdb t_html_fx
for rel in services service_requests auth_events satisfaction staff kpi_targets; do
	"$BIN" -d "$DB" load -q "$rel" "$TOP/tests/fixtures/kpi/$rel.csv" >/dev/null 2>&1 ||
		not_ok "fixture $rel loads"
done
[ "$READERS" != 1 ] || refs "$W/ref" || not_ok "fixture: reference KPIs"
run 0 "fixture: html report" R --format html --period $P -o "$O/fx.html"
check_page "$O/fx.html" th fixture
has "fixture: a small cell says suppressed" "<td class=\"sup\">ปกปิด</td>" "$O/fx.html"
has "fixture: a target met or not in words" "✔ บรรลุ|✘ ไม่บรรลุ" "$O/fx.html"
browse "$O/fx.html" th fixture "${HEAD_TH[@]}"

# ---- failures leave nothing: no such directory, a planted link, signals ----
run 73 "no such directory" R --format html --period $P -o "$W/nodir/x.html"
[ -e "$W/nodir" ] && not_ok "no such directory: nothing made" || ok "no such directory: nothing made"
echo "the old page" >"$W/victim"
ln -s "$W/victim" "$O/link.html"
run 73 "a symbolic link at the output is refused" R --format html --period $P -o "$O/link.html"
eq "the link's target is untouched" "the old page" "$(cat "$W/victim")"
echo "previous page" >"$O/keep.html"
run 65 "a period with no data is refused" R --format html --period 2019-03 -o "$O/keep.html"
eq "the previous page is kept" "previous page" "$(cat "$O/keep.html")"
eq "no temporary or lock file left" "" "$(ls -A "$O" | grep '^\.')"
finish
