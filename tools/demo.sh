#!/bin/sh
# make demo: start the private cluster, create the schema, fill it with the
# demo department, and write what the demo shows into demo-out/.
# usage: tools/demo.sh ./didkpi
set -eu
bin=$1
out=${DIDKPI_DEMO_OUT:-demo-out}
"$bin" db start
"$bin" init
"$bin" demo --replace
mkdir -p "$out"
dir=${DIDKPI_HOME:-}
[ -n "$dir" ] || dir=$(if [ "$(id -u)" -eq 0 ]; then echo /var/lib/didkpi; else echo "${XDG_DATA_HOME:-$HOME/.local/share}/didkpi"; fi)
echo
echo "didkpi demo: the demo department is loaded into the private cluster in $dir"
echo "  try: ./didkpi load --help"
