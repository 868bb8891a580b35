#!/bin/sh
# Install the Debian packages didkpi needs to build, run and test.
# As root: apt-get installs what is missing. Otherwise: print the command.
# Quiet when everything is present.
set -eu

pkgs="build-essential pkg-config libpq-dev libcsv-dev libcairo2-dev libpng-dev
libpango1.0-dev libxlsxwriter-dev libssl-dev postgresql postgresql-client
fonts-thai-tlwg libcmocka-dev python3 python3-openpyxl python3-pil python3-pandas python3-scipy python3-statsmodels poppler-utils
libreoffice-calc-nogui jq valgrind openssl procps time zsh bash-completion"

# tests/e2e/html.sh opens the HTML report in headless Chromium
pkgs="$pkgs chromium"

# tests/e2e/sqlfn.sh runs the README's pandas example (SQL access)
pkgs="$pkgs python3-pandas python3-psycopg2"
# tests/e2e/its.sh checks didkpi its against statsmodels (tests/reference/its_ref.py)
pkgs="$pkgs python3-statsmodels"

missing=
for p in $pkgs; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case $st in
	*"install ok installed"*) ;;
	*) missing="$missing $p" ;;
	esac
done
# Citus (issue 14): Debian does not package it; where the vendored release
# is present (../shared/vendor/citus), build it into PostgreSQL 15 for
# tests/e2e/citus.sh. Quiet when installed; it upgrades postgresql-15, so
# it runs before any test cluster starts.
citus() {
	v=$(dirname "$0")/../../shared/vendor/citus/build.sh
	[ -x "$v" ] || [ -f "$v" ] || return 0
	if [ "$(id -u)" -ne 0 ]; then
		[ -f /usr/lib/postgresql/15/lib/citus.so ] ||
			echo "didkpi: citus not built (tests/e2e/citus.sh skips); run as root: sh $v" >&2
		return 0
	fi
	sh "$v" || echo "didkpi: citus build failed (tests/e2e/citus.sh will skip)" >&2
}
if [ -z "$missing" ]; then
	citus
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "didkpi: missing packages:$missing" >&2
	echo "  hint: run as root: apt-get install -y --no-install-recommends$missing" >&2
	exit 69
fi

echo "didkpi: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
# Refresh the package lists when they are missing or older than a day.
if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mtime -1 2>/dev/null | head -n 1)" ]; then
	apt-get update -qq >&2
fi
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >&2 </dev/null
citus
