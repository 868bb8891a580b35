#!/bin/sh
# make fuzz: build each tests/fuzz/fuzz_*.c with clang's libFuzzer plus
# ASan/UBSan against the lib/ sources it needs, and run it for
# FUZZ_SECONDS (default 60) from its seed corpus. A crash leaves the input
# in tests/fuzz/out/ and fails.
set -eu
cd "$(dirname "$0")"
secs=${FUZZ_SECONDS:-60}
if ! command -v clang >/dev/null 2>&1; then
	if [ "$(id -u)" -eq 0 ]; then
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends clang >&2
	else
		echo "didkpi: fuzz: clang is needed: apt-get install clang" >&2
		exit 69
	fi
fi
mkdir -p out
flags="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -I../../lib $(pkg-config --cflags libpq) -D_GNU_SOURCE"
build() {
	name=$1
	shift
	clang $flags -o "out/fuzz_$name" "fuzz_$name.c" "$@"
}
build csvin ../../lib/csvin.c ../../lib/log.c ../../lib/format.c -lcsv
build valid ../../lib/valid.c ../../lib/period.c ../../lib/log.c ../../lib/format.c
build period ../../lib/period.c ../../lib/log.c ../../lib/format.c
build template ../../lib/template.c ../../lib/kpi_def.c ../../lib/log.c ../../lib/format.c
for t in csvin valid period template; do
	mkdir -p "out/corpus-$t"
	echo "fuzz_$t: $secs s"
	(cd out && "./fuzz_$t" -max_total_time="$secs" -max_len=4096 -print_final_stats=1 \
		"corpus-$t" "../corpus/$t" 2>"fuzz_$t.log") || {
		tail -n 40 "out/fuzz_$t.log"
		echo "didkpi: fuzz_$t found a failure: see tests/fuzz/out/" >&2
		exit 1
	}
	grep -E 'stat::number_of_executed_units|stat::peak_rss_mb' "out/fuzz_$t.log"
done
