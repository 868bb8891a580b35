#!/bin/bash
# didkpi chart: the four kinds in PNG, SVG and PDF on a small department
# (tests/fixtures/chart/fixture.sql) whose series are worked out by hand
# below; valid, deterministic, non-blank files in Thai and English; the
# usage, empty-data, font and output-file errors with their exit statuses.
. "$(dirname "$0")/../lib.sh"

check_help chart
newdb t_chart
q "$DBNAME" -f "$TOP/tests/fixtures/chart/fixture.sql" >/dev/null ||
	not_ok "fixture loads"

C() { "$BIN" -d "$DB" chart "$@"; }
O=$W/out.d
mkdir -p "$O"

# pnginfo FILE: "WIDTH HEIGHT INK BLUE": the IHDR size, the pixels that are
# not near-white and those of the first palette hue (#0072B2), decoded with
# zlib and the PNG filters; fails unless FILE starts with the PNG signature.
pnginfo() {
	python3 - "$1" <<'EOF'
import struct, sys, zlib
d = open(sys.argv[1], 'rb').read()
if d[:8] != b'\x89PNG\r\n\x1a\n':
    sys.exit('not a PNG')
pos, idat = 8, b''
while pos < len(d):
    n, = struct.unpack('>I', d[pos:pos + 4])
    t, body = d[pos + 4:pos + 8], d[pos + 8:pos + 8 + n]
    pos += 12 + n
    if t == b'IHDR':
        w, h, depth, ctype = struct.unpack('>IIBB', body[:10])
    elif t == b'IDAT':
        idat += body
    elif t == b'IEND':
        break
if depth != 8 or ctype not in (2, 6):
    sys.exit('unexpected PNG type %d/%d' % (depth, ctype))
bpp = 3 if ctype == 2 else 4
raw, stride = zlib.decompress(idat), w * bpp
prev, i, ink, blue = bytearray(stride), 0, 0, 0
for y in range(h):
    f, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
    i += 1 + stride
    for x in range(stride):
        a = line[x - bpp] if x >= bpp else 0
        b = prev[x]
        c = prev[x - bpp] if x >= bpp else 0
        if f == 1: line[x] = (line[x] + a) & 255
        elif f == 2: line[x] = (line[x] + b) & 255
        elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    for x in range(0, stride, bpp):
        r, g, bl = line[x], line[x + 1], line[x + 2]
        if r < 240 or g < 240 or bl < 240:
            ink += 1
        if (r, g, bl) == (0, 0x72, 0xB2):
            blue += 1
    prev = line
print(w, h, ink, blue)
EOF
}

# check_png WHAT FILE W H: a PNG of that size with ink and some data hue.
check_png() {
	local info
	info=$(pnginfo "$2" 2>&1)
	set -- "$1" "$2" "$3" "$4" $info
	if [ "$5 $6" = "$3 $4" ] && [ "${7:-0}" -gt 2000 ] && [ "${8:-0}" -gt 100 ]; then
		ok "$1: PNG ${3}x$4, not blank"
	else
		not_ok "$1: PNG ${3}x$4, not blank" "pnginfo: ${*:5}"
	fi
}

check_svg() {
	if python3 -c 'import sys, xml.dom.minidom as m
r = m.parse(sys.argv[1]).documentElement
sys.exit(not (r.tagName == "svg" and r.getAttribute("width") == sys.argv[2] + "px"
    and r.getAttribute("height") == sys.argv[3] + "px" and len(r.getElementsByTagName("path")) > 50))' "$2" "$3" "$4"; then
		ok "$1: SVG parses as XML, ${3}x$4"
	else
		not_ok "$1: SVG parses as XML, ${3}x$4" "$(head -c 300 "$2")"
	fi
}

# check_pdf WHAT FILE W H: %PDF, a page of W x H points that pdftoppm renders.
check_pdf() {
	local size
	size=$(pdfinfo "$2" 2>/dev/null | sed -n 's/^Page size: *\([0-9.]*\) x \([0-9.]*\) pts.*/\1 \2/p')
	if [ "$(head -c 4 "$2")" = "%PDF" ] && [ "$size" = "$3 $4" ] &&
		pdftoppm -png -r 72 -singlefile "$2" "$2.render" 2>/dev/null; then
		ok "$1: PDF of ${3}x$4 points renders"
		# 72 dpi: a pixel a point.
		check_png "$1: PDF rendered" "$2.render.png" "$3" "$4"
	else
		not_ok "$1: PDF of ${3}x$4 points renders" "pdfinfo size: $size" "$(head -c 8 "$2" | od -c | head -2)"
		not_ok "$1: PDF rendered"
	fi
}

# ---- Every kind in every format, English and Thai, on FY2568. --------
for kind in trend compare methods channels; do
	for lang in en th; do
		for ext in png svg pdf; do
			f=$O/$kind-$lang.$ext
			run 0 "$kind $lang $ext" C "$kind" -p FY2568 --lang "$lang" --width 600 --height 360 -o "$f"
			case $ext in
			png) check_png "$kind $lang" "$f" 600 360 ;;
			svg) check_svg "$kind $lang" "$f" 600 360 ;;
			pdf) check_pdf "$kind $lang" "$f" 600 360 ;;
			esac
			if [ "$ext" != pdf ]; then
				C "$kind" -p FY2568 --lang "$lang" --width 600 --height 360 -o "$f.again.$ext" 2>/dev/null
				if cmp -s "$f" "$f.again.$ext"; then ok "$kind $lang $ext: same bytes again"; else
					not_ok "$kind $lang $ext: same bytes again"; fi
			fi
		done
	done
done
eq "no temporary file left behind" "" "$(ls -A "$O" | grep '^\.' || true)"

# The default size is 1200 x 700 pixels.
run 0 "default size" C methods -p FY2568 -o "$O/default.png"
check_png "default size" "$O/default.png" 1200 700

# The text is what it says (pdftotext reads the PDF's text back).
pdftotext "$O/trend-en.pdf" "$W/trend-en.txt"
has "trend title from the KPI label" '^Digital service usage rate$' "$W/trend-en.txt"
has "trend subtitle names the fiscal year" 'FY2568 \(Oct 2024 – Sep 2025\)' "$W/trend-en.txt"
has "trend marker labels the adopting service" '^Service A$' "$W/trend-en.txt"
has "trend months on the axis" '^Oct 24$' "$W/trend-en.txt"
has "trend source line with the data date" '^Source: didkpi · FY2568 .* · data as of [0-9]+ [A-Z][a-z]{2} 20[0-9]{2}$' "$W/trend-en.txt"
pdftotext "$O/trend-th.pdf" "$W/trend-th.txt"
has "Thai title" '^อัตราการใช้บริการดิจิทัล$' "$W/trend-th.txt"
has "Thai months on the axis" 'ต\.ค\. 67' "$W/trend-th.txt"
pdftotext "$O/compare-en.pdf" "$W/compare-en.txt"
has "compare legend says what the whiskers are" '95% CI of the change, measured from the before value' "$W/compare-en.txt"
has "compare shows a skipped service as n/a" '^n/a$' "$W/compare-en.txt"
pdftotext "$O/methods-en.pdf" "$W/methods-en.txt"
has "methods legend: ThaiD" '^ThaiD$' "$W/methods-en.txt"
lacks "methods legend: unused methods left out" '^(Iris|Fingerprint|ID card chip)$' "$W/methods-en.txt"

# ---- The numbers behind the charts (-v prints them). ------------------
# Requests: ten a month per service; before adoption 4 of 10 digital,
# after 8 of 10. Oct-Jan: s_a and s_b before: 8/20. Feb: s_a after (since
# 15 Jan; the requests are on the 10th): 12/20. Mar-Jul: 16/20. Aug-Sep
# with s_c: 24/30.
M='2024-10 2024-11 2024-12 2025-01 2025-02 2025-03 2025-04 2025-05 2025-06 2025-07 2025-08 2025-09'
run 0 "trend -v" C trend -v -p FY2568 -o "$O/v.png"
has "trend categories are the months of FY2568" "^didkpi: categories: $M\$" "$W/err"
has "trend department series" '^didkpi: series all: 0.4 0.4 0.4 0.4 0.6 0.8 0.8 0.8 0.8 0.8 0.8 0.8$' "$W/err"
# 15 Jan: January (index 3) spans 2.5..3.5, 14 of its 31 days gone.
has "marker of s_a within January" '^didkpi: marker s_a: 2025-01-15 at 2.952$' "$W/err"
has "marker of s_b on the February/March boundary" '^didkpi: marker s_b: 2025-03-01 at 4.5$' "$W/err"
lacks "no target for digital_channel_rate" '^didkpi: target' "$W/err"
run 0 "trend of one service" C trend -v -p FY2568 -s s_c -o "$O/v.png"
has "trend of s_c: empty rates before its first request" '^didkpi: series s_c: - - - - - - - - - - 0.8 0.8$' "$W/err"
has "trend with a service keeps the department line" '^didkpi: series all: 0.4 ' "$W/err"
lacks "trend with a service: only its marker" '^didkpi: marker s_a' "$W/err"
has "trend with a service: its marker" '^didkpi: marker s_c: 2025-08-01 at 9.5$' "$W/err"
# The policy target of eservice_digital_id_coverage (1.00 in FY2568).
# Of the 4 e-services, those adopted before the month's end: s_a from
# January (15 Jan < 1 Feb), s_b from March, s_c from August.
run 0 "trend with a target" C trend -v -p FY2568 -k eservice_digital_id_coverage -o "$O/v.png"
has "target line at 1" '^didkpi: target: 1$' "$W/err"
has "coverage by month" '^didkpi: series all: 0 0 0 0.25 0.25 0.5 0.5 0.5 0.5 0.5 0.75 0.75$' "$W/err"
# Across two fiscal years the target steps from 0.50 (FY2567) to 1.00,
# and the label says since when.
run 0 "trend with a changing target" C trend -v -p 2024-07-01..2025-01-01 -k eservice_digital_id_coverage --lang en -o "$O/steps.pdf"
has "targets month by month" '^didkpi: targets: 0.5 0.5 0.5 1 1 1$' "$W/err"
pdftotext "$O/steps.pdf" "$W/steps.txt"
has "the target label says since when" '^Target 100% \(from Oct 24\)$' "$W/steps.txt"
# Successful log-ins (not identifications, not failures), by method:
# thaid 10 + 5k (+1 at 00:30 on 1 Oct Bangkok time), face 2 from April.
run 0 "methods -v" C methods -v -p FY2568 -o "$O/v.png"
has "thaid first, with the midnight event in October" '^didkpi: series thaid: 11 15 20 25 30 35 40 45 50 55 60 65$' "$W/err"
has "face" '^didkpi: series face: 0 0 0 0 0 0 2 2 2 2 2 2$' "$W/err"
has "password without the failures" '^didkpi: series password: 40 37 34 31 28 25 22 19 16 13 10 7$' "$W/err"
has "otp" '^didkpi: series otp: 10 10 10 10 10 10 10 10 10 10 10 10$' "$W/err"
lacks "unused methods are not drawn" '^didkpi: series (chip_card|fingerprint|iris):' "$W/err"
eq "series order: Digital ID methods, then legacy by volume" "thaid face password otp" \
	"$(sed -n 's/^didkpi: series \([a-z_]*\):.*/\1/p' "$W/err" | tr '\n' ' ' | sed 's/ $//')"
run 0 "channels -v" C channels -v -p FY2568 --count -o "$O/v.png"
has "counter" '^didkpi: series counter: 12 12 12 12 8 4 4 4 4 4 6 6$' "$W/err"
has "web" '^didkpi: series web: 4 4 4 4 6 8 8 8 8 8 12 12$' "$W/err"
has "mobile" '^didkpi: series mobile: 2 2 2 2 4 6 6 6 6 6 9 9$' "$W/err"
has "kiosk" '^didkpi: series kiosk: 2 2 2 2 2 2 2 2 2 2 3 3$' "$W/err"
run 0 "channels of one service" C channels -v -p 2025-02 --count -s s_b -o "$O/v.png"
has "s_b in February: before adoption" '^didkpi: series counter: 6$' "$W/err"
# compare: 60 requests each side (six months of ten); 0.4 before, 0.8
# after for s_a and s_b; s_c has 20 requests after: skipped, n/a. The
# whisker is before + the change's interval, so it holds the after value.
run 0 "compare -v" C compare -v -o "$O/v.png"
has "compare: pooled row first, then by adoption date" '^didkpi: categories: all s_a s_b s_c$' "$W/err"
has "compare before" '^didkpi: series before: 0.4 0.4 0.4 -$' "$W/err"
has "compare after with whiskers" '^didkpi: series after: 0.8 0.8 0.8 - ci: 0\.[67][0-9]*\.\.0\.9[0-9]* 0\.6[0-9]*\.\.0\.9[0-9]* 0\.6[0-9]*\.\.0\.9[0-9]* -$' "$W/err"
run 0 "compare limited to services adopted in a period" C compare -v -p 2025-03 -o "$O/v.png"
has "compare -p 2025-03: s_b only" '^didkpi: categories: all s_b$' "$W/err"
run 0 "compare of another metric" C compare -v -m requests_per_month -s s_a -o "$O/v.png"
# issue 11: per covered day, 60 / 184 days * 30.4375 days a month
has "requests per month: 60 / 184 days * 30.4375" '^didkpi: series before: 9\.925271739130435 9\.925271739130435$' "$W/err"

# ---- Usage errors, before any database work (a bad -d would give 69). --
NODB="host=/nonexistent-didkpi-socket-dir dbname=x"
U() { "$BIN" -d "$NODB" chart "$@"; }
run 64 "unknown kind" U pie -o "$O/x.png"
has "unknown kind named" "unknown chart 'pie'" "$W/err"
run 64 "no kind" U -o "$O/x.png"
run 64 "missing -o" U trend
has "missing -o says so" '-o FILE is required' "$W/err"
run 64 "unsupported extension" U trend -o "$O/x.jpg"
has "unsupported extension named" 'x.jpg: unsupported chart format' "$W/err"
run 64 "no extension" U trend -o "$O/chart"
run 64 "bad --lang" U trend --lang fr -o "$O/x.png"
run 64 "bad --width" U trend --width 0 -o "$O/x.png"
run 64 "bad --height" U trend --height 99999 -o "$O/x.png"
run 64 "bad period" U trend -p 2025-13 -o "$O/x.png"
run 64 "unknown KPI" U trend -k nope -o "$O/x.png"
run 64 "--kpi on a stacked chart" U methods -k requests -o "$O/x.png"
run 64 "--count on a trend" U trend --count -o "$O/x.png"
run 64 "unknown metric" U compare -m nope -o "$O/x.png"
run 64 "extra argument" U trend extra -o "$O/x.png"
eq "no file after usage errors" "" "$(ls "$O"/x.* 2>/dev/null)"
run 69 "database unavailable" U trend -o "$O/x.png"
run 64 "unknown service" C trend -s s_a,nope -o "$O/x.png"
has "unknown service named" "unknown service 'nope'" "$W/err"

# ---- Output files. ----------------------------------------------------
run 73 "no such directory" C trend -p FY2568 -o "$O/no/such/dir/x.png"
has "no such directory says why" "cannot create '.*x.png': No such file or directory" "$W/err"
eq "nothing created there" "no" "$([ -e "$O/no" ] && echo yes || echo no)"
echo "a file" >"$O/plain"
run 73 "a file where a directory should be" C trend -p FY2568 -o "$O/plain/x.png"
# An existing chart is replaced by rename: a hard link to the old file
# keeps the old bytes, and the path gets a new file.
printf 'old chart\n' >"$O/keep.png"
ln "$O/keep.png" "$O/keep-link"
run 0 "replace an existing file" C trend -p FY2568 -o "$O/keep.png"
eq "the old file's other link is untouched" "old chart" "$(cat "$O/keep-link")"
check_png "the replacement" "$O/keep.png" 1200 700
cp "$O/keep.png" "$O/keep.saved"
run 65 "a failed run" C trend -p 2023-01 -o "$O/keep.png"
if cmp -s "$O/keep.png" "$O/keep.saved"; then ok "a failed run leaves the file unchanged"; else
	not_ok "a failed run leaves the file unchanged"; fi
eq "still no temporary file left behind" "" "$(ls -A "$O" | grep '^\.' || true)"

# ---- Empty data: 65 and no file, unless --allow-empty. ----------------
run 65 "trend of an empty period" C trend -p 2023-01 -o "$O/empty.png"
has "empty says so" 'no data to chart for 2023-01' "$W/err"
has "empty hints at --allow-empty" 'allow-empty' "$W/err"
eq "no file for empty data" "no" "$([ -e "$O/empty.png" ] && echo yes || echo no)"
# The default period is this fiscal year, always after the fixture's data.
run 65 "default period (this-fy) has no fixture data" C methods -o "$O/empty.png"
run 65 "methods of a service without log-ins" C methods -p FY2568 -s s_b -o "$O/empty.png"
run 65 "compare with no adoption in the period" C compare -p 2023 -o "$O/empty.png"
run 65 "a period wholly in the future" C channels -p 2400 -o "$O/empty.png"
run 0 "--allow-empty draws the chart" C trend -p 2023-01 --allow-empty --lang en -o "$O/empty.pdf"
pdftotext "$O/empty.pdf" "$W/empty.txt"
has "the empty chart says no data" '^No data$' "$W/empty.txt"
run 0 "--allow-empty PNG" C methods -p 2400 --allow-empty -o "$O/empty.png"
info=$(pnginfo "$O/empty.png")
eq "the empty chart has text but no data colour" "0" "${info##* }"

# ---- No Thai-capable font: 70, before connecting, no file. ------------
mkdir -p "$W/nofonts"
cat >"$W/fonts.conf" <<EOF
<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><dir>$W/nofonts</dir><cachedir>$W/nofonts</cachedir></fontconfig>
EOF
run 70 "no Thai-capable font" env FONTCONFIG_FILE="$W/fonts.conf" "$BIN" -d "$NODB" chart trend -o "$O/nofont.png"
has "no font says so" 'no Thai-capable font installed' "$W/err"
has "no font names the package" 'fonts-thai-tlwg' "$W/err"
eq "no file without a font" "no" "$([ -e "$O/nofont.png" ] && echo yes || echo no)"
# with a database: the font is checked while the queries run, and waited
# for before drawing; the chart there before is kept
echo before >"$O/keep.png"
run 70 "no Thai-capable font, with a database" env FONTCONFIG_FILE="$W/fonts.conf" \
	"$BIN" -d "$DB" chart trend -p FY2568 -o "$O/keep.png"
has "with a database: no font says so" 'no Thai-capable font installed' "$W/err"
eq "with a database: the chart there before kept" before "$(cat "$O/keep.png")"

finish
