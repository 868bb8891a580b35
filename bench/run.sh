#!/bin/sh
# make bench: every benchmark, against the private cluster (started if
# needed). Results are ratios measured in the same run; see bench/README.md.
set -eu
cd "$(dirname "$0")/.."
./didkpi db start
bench/load.sh "${LOAD_ROWS:-1000000}"
bench/kpi.sh "${KPI_SCALE:-50}"
