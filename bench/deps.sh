#!/bin/sh
# The Debian packages `make bench` needs beyond tools/install-deps.sh: the
# Python stack of the peer script (/work/shared/bench/peer_report.py or
# bench/peer_report.py). Run by bench/run.sh, never by `make check`.
# As root: apt-get installs what is missing. Otherwise: print the command.
set -eu

pkgs="python3 python3-pandas python3-xlsxwriter python3-matplotlib
python3-psycopg2 fonts-thai-tlwg time procps"

missing=
for p in $pkgs; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case $st in
	*"install ok installed"*) ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "bench: missing packages:$missing" >&2
	echo "  hint: run as root: apt-get install -y --no-install-recommends$missing" >&2
	exit 69
fi

echo "bench: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mtime -1 2>/dev/null | head -n 1)" ]; then
	apt-get update -qq >&2
fi
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >&2 </dev/null
