#!/usr/bin/python3
"""Reference interrupted time series for `didkpi its` (issue 11).

An independent computation: the monthly series comes from kpi_ref.py (the
reference KPIs, computed in Python from the raw rows, sharing no code or
SQL with the engine), the design is built here from the rules of
man/didkpi-its.1, and the regression is Debian's python3-statsmodels:

    OLS(y, X).fit(cov_type='HAC',
                  cov_kwds={'maxlags': L, 'use_correction': True},
                  use_t=True)

with L given by --lag, else statsmodels' own rule (maxlags=None:
floor(4 (n/100)^(2/9))). Run with /usr/bin/python3 (statsmodels is a
Debian package).

Usage:
    its_ref.py --kpi K --at YYYY-MM-DD --period A..B [--service CODE]
               [--seasonal] [--lag N] [--min-cell N] [-d CONNINFO]
               [--compare FILE] [--tolerance 1e-8]

Prints the coefficient table (term, estimate, std_error, t, df, p_value,
ci_low, ci_high, n_pre, n_post, lags) as CSV. With --compare FILE (the CSV
of `didkpi its --format csv` for the same arguments), checks every term of
FILE against it instead, to a relative --tolerance (absolute for numbers
below 1e-300), prints one line per difference and exits 1 if there is any.
Exit status: 0 agree (or printed), 1 differences, 2 usage, 3 psql failed.
"""
import argparse
import csv
import datetime
import io
import math
import os
import subprocess
import sys

import numpy as np
import statsmodels.api as sm

HERE = os.path.dirname(os.path.abspath(__file__))


def monthly(args):
    """[(month label, start date, end date, value or None)] from kpi_ref.py."""
    cmd = [sys.executable, os.path.join(HERE, "kpi_ref.py"), "--period", args.period,
           "--interval", "month", "--min-cell", str(args.min_cell)]
    if args.service:
        cmd += ["--by", "service"]
    if args.dbname:
        cmd += ["-d", args.dbname]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode:
        sys.stderr.write(p.stderr)
        sys.exit(3)
    out = {}
    for row in csv.DictReader(io.StringIO(p.stdout)):
        if row["kpi"] != args.kpi:
            continue
        if args.service:
            if row["breakdown"] != "service" or row["key"] != args.service:
                continue
        elif row["breakdown"] != "all":
            continue
        v = row["value"]
        out[row["period_start"]] = (row["period"], row["period_start"], row["period_end"],
                                    None if v == "" or row["suppressed"] == "TRUE" else float(v))
    return [out[k] for k in sorted(out)]


def fit(args, series):
    at = datetime.date.fromisoformat(args.at)
    # the first month after: the month starting on the date, else the
    # next one; a month containing the date otherwise is left out
    t0 = None
    skip = set()
    for t, (_, s, e, _) in enumerate(series):
        s, e = datetime.date.fromisoformat(s), datetime.date.fromisoformat(e)
        if s == at:
            t0 = t
        elif s < at < e:
            skip.add(t)
            t0 = t + 1
    if t0 is None:
        sys.exit("its_ref: the date is not inside the series")
    rows = [(t, v, datetime.date.fromisoformat(s).month)
            for t, (_, s, _, v) in enumerate(series) if v is not None and t not in skip]
    ts = np.array([r[0] for r in rows], dtype=float)
    y = np.array([r[1] for r in rows])
    post = (ts >= t0).astype(float)
    cols = [np.ones(len(ts)), ts, post, (ts - t0) * post]
    names = ["intercept", "pre_slope", "level_change", "slope_change"]
    if args.seasonal:
        ref = rows[0][2]
        for m in range(1, 13):
            if m != ref:
                cols.append(np.array([1.0 if r[2] == m else 0.0 for r in rows]))
                names.append("month_%02d" % m)
    X = np.column_stack(cols)
    res = sm.OLS(y, X).fit(cov_type="HAC",
                           cov_kwds={"maxlags": args.lag, "use_correction": True},
                           use_t=True)
    lags = args.lag if args.lag is not None else int(np.floor(4 * (len(y) / 100.) ** (2. / 9.)))
    n_pre, n_post = int((ts < t0).sum()), int((ts >= t0).sum())
    out = []
    ci = res.conf_int(0.05)
    for j, name in enumerate(names):
        out.append((name, res.params[j], res.bse[j], res.tvalues[j], res.df_resid,
                    res.pvalues[j], ci[j][0], ci[j][1]))
    for name, c in (("post_slope", {1: 1, 3: 1}),
                    ("effect_end", {2: 1, 3: len(series) - 1 - t0})):
        v = np.zeros(len(names))
        for j, w in c.items():
            v[j] = w
        tt = res.t_test(v)
        lo, hi = tt.conf_int(0.05)[0]
        out.append((name, float(tt.effect[0]), float(tt.sd[0][0]), float(tt.tvalue[0][0]),
                    res.df_resid, float(tt.pvalue), lo, hi))
    return [(o + (n_pre, n_post, lags)) for o in out]


COLS = ["term", "estimate", "std_error", "t", "df", "p_value", "ci_low", "ci_high",
        "n_pre", "n_post", "lags"]


def close(a, b, tol):
    if a == b:
        return True
    if math.isnan(a) and math.isnan(b):
        return True
    return abs(a - b) <= tol * max(abs(a), abs(b), 1e-300)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--kpi", required=True)
    ap.add_argument("--at", required=True)
    ap.add_argument("--period", required=True)
    ap.add_argument("--service")
    ap.add_argument("--seasonal", action="store_true")
    ap.add_argument("--lag", type=int)
    ap.add_argument("--min-cell", type=int, default=5)
    ap.add_argument("-d", "--dbname")
    ap.add_argument("--compare")
    ap.add_argument("--tolerance", type=float, default=1e-8)
    args = ap.parse_args()
    got = fit(args, monthly(args))
    if not args.compare:
        w = csv.writer(sys.stdout, lineterminator="\n")
        w.writerow(COLS)
        for r in got:
            w.writerow([r[0]] + [repr(float(x)) if isinstance(x, (float, np.floating)) else x
                                 for x in r[1:]])
        return 0
    with open(args.compare, newline="") as f:
        theirs = {r["term"]: r for r in csv.DictReader(f)}
    bad = 0
    for r in got:
        t = theirs.pop(r[0], None)
        if t is None:
            print("missing term %s" % r[0])
            bad += 1
            continue
        for name, want in zip(COLS[1:], r[1:]):
            have = float(t[name]) if t[name] != "" else float("nan")
            if not close(have, float(want), args.tolerance):
                print("%s %s: didkpi %r, statsmodels %r" % (r[0], name, have, float(want)))
                bad += 1
    for term in theirs:
        print("extra term %s" % term)
        bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
