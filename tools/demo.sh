#!/bin/sh
# make demo: start the private cluster, create the schema, fill it with the
# demo department, and write its charts and monthly workbook into demo-out/
# (or $DIDKPI_DEMO_OUT).
# usage: tools/demo.sh ./didkpi
set -eu
bin=$1
out=${DIDKPI_DEMO_OUT:-demo-out}
"$bin" db start
"$bin" init
"$bin" demo --replace
mkdir -p "$out"
out=$(cd "$out" && pwd)
# The four charts, in Thai and English, over the two fiscal years in which
# the demo's services adopted Digital ID (compare: those adopted in FY2568).
p=2023-10-01..2025-10-01
for lang in th en; do
	sfx=
	[ "$lang" = th ] || sfx=-$lang
	"$bin" chart trend --lang "$lang" --period "$p" --kpi eservice_digital_id_coverage \
		-o "$out/chart-trend$sfx.png"
	"$bin" chart compare --lang "$lang" --period FY2568 -o "$out/chart-compare$sfx.png"
	"$bin" chart methods --lang "$lang" --period "$p" -o "$out/chart-methods$sfx.png"
	"$bin" chart channels --lang "$lang" --period "$p" -o "$out/chart-channels$sfx.png"
done
# The monthly workbook for the last complete month.
wb=$("$bin" report --template monthly --period last-month \
	-o "$out/didkpi-{template}-{period}.xlsx" --print-path)
# The same month as one self-contained web page (didkpi report --format html).
html=$("$bin" report --format html --template monthly --period last-month \
	-o "$out/didkpi-{template}-{period}.html" --print-path)
# The PDF brief of the same month, for the director.
brief=$("$bin" report --format pdf --template monthly --period last-month \
	-o "$out/didkpi-{template}-{period}.pdf" --print-path)
dir=${DIDKPI_HOME:-}
[ -n "$dir" ] || dir=$(if [ "$(id -u)" -eq 0 ]; then echo /var/lib/didkpi; else echo "${XDG_DATA_HOME:-$HOME/.local/share}/didkpi"; fi)
echo
echo "didkpi demo: the demo department is in the private cluster in $dir"
echo "  the monthly workbook for the last complete month: $wb"
echo "  the same as a web page (phone, browser, print): $html"
echo "  the PDF brief of that month: $brief"
echo "  charts (Thai, and -en English): $out/chart-{trend,compare,methods,channels}.png"
echo "  try: ./didkpi kpi --period FY2568 --interval quarter"
echo "       ./didkpi compare --lang en --format table"
