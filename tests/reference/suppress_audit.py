#!/usr/bin/env python3
"""Independent audit of small-cell suppression in didkpi kpi CSV output.

usage: suppress_audit.py KPI.csv [SERVICE_UNITS]

KPI.csv is `didkpi kpi --format csv` output; SERVICE_UNITS has one
"service_code|owner_unit" line per service (psql -A -t), and is needed when
the output has both service and unit rows.

Each row publishes additive measures (SPEC section 4: a count is its own
numerator; a rate or mean shows numerator and denominator).  A measure of one
(period, breakdown, key) is *hidden* when every row showing it is suppressed.
An attacker knows, per period and measure:
    sum of the keys of each breakdown = the 'all' cell
    sum of the services of unit u     = the cell of unit u
A hidden cell is recoverable when its unit vector lies in the row space of
those equations restricted to the hidden cells (rank test with exact
fractions: rank(A) == rank(A + e_i)).  Prints "hidden H recoverable R" and
each recoverable cell on stderr.  This is written apart from lib/suppress.c
(which uses a reduced echelon form and a pivot test) so that it is a check.
"""
import csv
import sys
from collections import defaultdict
from fractions import Fraction

# kpi -> (numerator measure, denominator measure); None: not shown.
# Distinct users do not add up across keys and carry no equation.
MEASURES = {
    "requests": ("req", None),
    "active_users": ("users", None),
    "digital_id_enrolments": ("enrol", None),
    "digital_id_enrolment_rate": ("users_enrolled", "users"),
    "satisfaction_mean": ("score_sum", "responses"),
    "satisfaction_csat": ("csat", "responses"),
    "service_time_median_hours": (None, "closed"),
    "service_time_p90_hours": (None, "closed"),
    "digital_channel_rate": ("digital", "req"),
    "digital_id_use_rate": ("digital_id", "digital"),
    "repeat_use_rate": ("repeat_users", "digital_users"),
    "single_window_rate": ("single_window", "req"),
    "completion_rate": ("completed", "req"),
    "auth_success_rate": ("auth_ok", "auth"),
    "identification_success_rate": ("ident_ok", "ident"),
    "auth_latency_median_ms": (None, "latency_n"),
    "staff_training_coverage": ("trained", "staff"),
}
NOT_ADDITIVE = {"users", "users_enrolled", "repeat_users", "digital_users"}


def rank(rows):
    """Rank of a list of equal-length Fraction lists (Gaussian elimination)."""
    m = [list(r) for r in rows]
    r = 0
    ncols = len(m[0]) if m else 0
    for c in range(ncols):
        p = next((i for i in range(r, len(m)) if m[i][c] != 0), None)
        if p is None:
            continue
        m[r], m[p] = m[p], m[r]
        for i in range(len(m)):
            if i != r and m[i][c] != 0:
                f = m[i][c] / m[r][c]
                m[i] = [a - f * b for a, b in zip(m[i], m[r])]
        r += 1
    return r


def main():
    owner = {}
    if len(sys.argv) > 2:
        with open(sys.argv[2], encoding="utf-8") as f:
            for line in f:
                line = line.rstrip("\n")
                if line:
                    s, u = line.split("|", 1)
                    owner[s] = u
    shown = defaultdict(bool)      # (period, measure, bd, key) -> published
    cells = set()
    with open(sys.argv[1], newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["kpi"] not in MEASURES:
                continue
            for m in MEASURES[row["kpi"]]:
                if m is None:
                    continue
                c = (row["period"], m, row["breakdown"], row["key"])
                cells.add(c)
                shown[c] |= row["suppressed"] == "FALSE"
    systems = defaultdict(list)
    for c in cells:
        if c[1] not in NOT_ADDITIVE:
            systems[(c[0], c[1])].append(c)
    hidden_total = 0
    recoverable = []
    for (period, m), cs in sorted(systems.items()):
        hidden = sorted(c for c in cs if not shown[c])
        hidden_total += len(hidden)
        if not hidden:
            continue
        idx = {c: i for i, c in enumerate(hidden)}
        bds = defaultdict(list)
        for c in cs:
            bds[c[2]].append(c)
        eqs = []
        if "all" in bds:
            for bd, members in bds.items():
                if bd != "all":
                    eqs.append(members)
        if "service" in bds and "unit" in bds:
            for u in bds["unit"]:
                eqs.append([u] + [s for s in bds["service"] if owner.get(s[3]) == u[3]])
        rows = []
        for members in eqs:
            v = [Fraction(0)] * len(hidden)
            for c in members:
                if c in idx:
                    v[idx[c]] = Fraction(1)
            if any(v):
                rows.append(v)
        base = rank(rows) if rows else 0
        for c, i in idx.items():
            e = [Fraction(0)] * len(hidden)
            e[i] = Fraction(1)
            if rows and rank(rows + [e]) == base:
                recoverable.append(c)
    for c in sorted(recoverable):
        print("recoverable: %s %s %s %s" % c, file=sys.stderr)
    print("hidden %d recoverable %d" % (hidden_total, len(recoverable)))


if __name__ == "__main__":
    main()
