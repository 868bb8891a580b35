#!/usr/bin/env python3
"""Independent reference for `didkpi effects` (Callaway & Sant'Anna 2021).

Reads the raw rows of services, service_requests, channels and satisfaction
with psql (no aggregation in SQL: timestamps come as epoch seconds and are
put in local months here with zoneinfo), builds each e-service's monthly
series, and computes ATT(g,t) and its aggregations (overall, dynamic,
event, cohort) by the rules of man didkpi-effects, written from the
definitions, not from lib/effects.c. Point estimates and the numbers of
treated and comparison services only (the bootstrap is random). Python 3
standard library only.

Usage:
  cs_ref.py -d CONNINFO [--control notyet|never] [--base varying|universal]
            [--leads N] [--lags N] [--tz ZONE] [--gt]
Prints CSV: outcome,aggregation,e,cohort,month,estimate,n_treated,n_control

  cs_ref.py compare REF.csv DIDKPI.csv [TOL]
Joins the two on (outcome, aggregation, e, cohort, month); exits 1 (and
says where) when a row is missing on either side, the counts differ, or an
estimate differs by more than TOL (default 1e-9) relative to max(1, |x|).
"""

import argparse
import csv
import io
import math
import statistics
import subprocess
import sys
from datetime import datetime, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

OUTCOMES = ["requests_log", "digital_channel_rate", "completion_rate",
            "service_time_median_hours", "service_time_mean_hours",
            "satisfaction_mean"]
NEVER = math.inf


def psql(conninfo, sql):
    out = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", conninfo,
                          "-c", f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)"],
                         check=True, capture_output=True, text=True).stdout
    return list(csv.reader(io.StringIO(out)))


def local_month(epoch, tz):
    t = datetime.fromtimestamp(float(epoch), timezone.utc).astimezone(tz)
    return t.year * 12 + t.month - 1


def local_date(epoch, tz):
    return datetime.fromtimestamp(float(epoch), timezone.utc).astimezone(tz).date()


def load(conninfo, tzname):
    tz = ZoneInfo(tzname)
    services = psql(conninfo, "SELECT service_code, is_eservice, digital_id_since "
                              "FROM didkpi.services")
    digital = {c: v == "t" for c, v in
               psql(conninfo, "SELECT channel, is_digital FROM didkpi.channels")}
    reqs = psql(conninfo, "SELECT service_code, channel, status, extract(epoch FROM submitted_at), "
                          "extract(epoch FROM closed_at) FROM didkpi.service_requests")
    sats = psql(conninfo, "SELECT service_code, extract(epoch FROM answered_at), score "
                          "FROM didkpi.satisfaction")
    eserv = sorted((s for s in services if s[1] == "t"), key=lambda s: s[0].encode())
    codes = [s[0] for s in eserv]
    idx = {c: i for i, c in enumerate(codes)}
    # the panel: whole local months between the first and last request
    days = [local_date(r[3], tz) for r in reqs]
    lo, hi = min(days), max(days)
    first = lo.year * 12 + lo.month - 1 + (lo.day != 1)
    nxt = hi.toordinal() + 1
    last = hi.year * 12 + hi.month - 1
    if datetime.fromordinal(nxt).month == hi.month:
        last -= 1
    T = last - first + 1
    cell = {}

    def c(i, t):
        return cell.setdefault((i, t), {"n": 0, "dig": 0, "done": 0, "st": [], "sat": []})

    for code, ch, status, sub, clo in reqs:
        if code not in idx:
            continue
        x = c(idx[code], local_month(sub, tz) - first)
        x["n"] += 1
        x["dig"] += digital[ch]
        x["done"] += status == "completed"
        if status == "completed":
            us = int((Decimal(clo) - Decimal(sub)) * 1000000)
            c(idx[code], local_month(clo, tz) - first)["st"].append(us / 3600000000)
    for code, ans, score in sats:
        if code in idx:
            c(idx[code], local_month(ans, tz) - first)["sat"].append(int(score))
    y = {o: [[math.nan] * T for _ in codes] for o in OUTCOMES}
    for (i, t), x in cell.items():
        if not 0 <= t < T:
            continue
        if x["n"]:
            y["requests_log"][i][t] = math.log(x["n"])
            y["digital_channel_rate"][i][t] = x["dig"] / x["n"]
            y["completion_rate"][i][t] = x["done"] / x["n"]
        if x["st"]:
            y["service_time_median_hours"][i][t] = statistics.median(x["st"])
            y["service_time_mean_hours"][i][t] = math.fsum(x["st"]) / len(x["st"])
        if x["sat"]:
            y["satisfaction_mean"][i][t] = sum(x["sat"]) / len(x["sat"])
    cohort = []
    for s in eserv:
        if not s[2]:
            cohort.append(NEVER)
            continue
        yy, mm = int(s[2][:4]), int(s[2][5:7])
        g = yy * 12 + mm - 1 - first
        cohort.append(NEVER if g >= T else g)
    months = ["%04d-%02d" % ((first + t) // 12, (first + t) % 12 + 1) for t in range(T)]
    return codes, cohort, months, y


def estimate(cohort, y, T, control, base, leads, lags):
    """ATT(g,t) and aggregations: a list of dicts."""
    N = len(cohort)
    size = {}
    for g in cohort:
        if g != NEVER and 1 <= g < T:
            size[g] = size.get(g, 0) + 1
    gts = []
    for g in sorted(size):
        for t in range(T):
            if t >= g:
                b = g - 1
            else:
                b = t - 1 if base == "varying" else g - 1
            if b < 0 or b == t:
                continue
            tr, co = [], []
            for i in range(N):
                yt, yb = y[i][t], y[i][b]
                if math.isnan(yt) or math.isnan(yb):
                    continue
                gi = cohort[i]
                if gi == g:
                    tr.append((i, yt - yb))
                elif gi == NEVER or (control == "notyet" and gi > max(t, b) and gi > 0):
                    co.append((i, yt - yb))
            if tr and co:
                att = (sum(d for _, d in tr) / len(tr)) - (sum(d for _, d in co) / len(co))
                gts.append({"g": g, "t": t, "e": t - g, "att": att,
                            "trt": {i for i, _ in tr}, "ctl": {i for i, _ in co}})

    def agg(parts):
        tot = sum(w for w, _ in parts)
        est = sum(w * p["att"] for w, p in parts) / tot
        trt = set().union(*(p["trt"] for _, p in parts))
        ctl = set().union(*(p["ctl"] for _, p in parts))
        return est, trt, ctl

    rows = []
    post = [(size[p["g"]], p) for p in gts if p["t"] >= p["g"]]
    if post:
        est, trt, ctl = agg(post)
        rows.append(("overall", "", "", "", est, len(trt), len(ctl)))
    events = []
    for e in range(-leads, lags + 1):
        parts = [(size[p["g"]], p) for p in gts if p["e"] == e]
        if parts:
            est, trt, ctl = agg(parts)
            events.append((e, est, trt, ctl))
    pe = [ev for ev in events if ev[0] >= 0]
    if pe:
        trt = set().union(*(ev[2] for ev in pe))
        ctl = set().union(*(ev[3] for ev in pe))
        rows.append(("dynamic", "", "", "", sum(ev[1] for ev in pe) / len(pe), len(trt), len(ctl)))
    for e, est, trt, ctl in events:
        rows.append(("event", e, "", "", est, len(trt), len(ctl)))
    for g in sorted(size):
        parts = [(1, p) for p in gts if p["g"] == g and p["t"] >= g]
        if parts:
            est, trt, ctl = agg(parts)
            rows.append(("cohort", "", g, "", est, len(trt), len(ctl)))
    for p in gts:
        rows.append(("gt", p["e"], p["g"], p["t"], p["att"], len(p["trt"]), len(p["ctl"])))
    return rows


def compare(ref_path, got_path, tol):
    key = lambda r: (r["outcome"], r["aggregation"], r["e"], r["cohort"], r["month"])
    with open(ref_path, newline="") as f:
        ref = {key(r): r for r in csv.DictReader(f)}
    with open(got_path, newline="") as f:
        got = {key(r): r for r in csv.DictReader(f) if r["aggregation"] != "pretrend"}
    bad = 0
    for k in sorted(set(ref) | set(got)):
        if k not in got or k not in ref:
            print("only in %s: %s" % ("reference" if k in ref else "didkpi", k))
            bad += 1
            continue
        a, b = float(ref[k]["estimate"]), float(got[k]["estimate"])
        if abs(a - b) > tol * max(1.0, abs(a)):
            print("estimate %s: reference %r, didkpi %r" % (k, a, b))
            bad += 1
        for n in ("n_treated", "n_control"):
            if ref[k][n] != got[k][n]:
                print("%s %s: reference %s, didkpi %s" % (n, k, ref[k][n], got[k][n]))
                bad += 1
    print("%d rows compared, %d differences" % (len(ref), bad))
    return 1 if bad else 0


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "compare":
        tol = float(sys.argv[4]) if len(sys.argv) > 4 else 1e-9
        return compare(sys.argv[2], sys.argv[3], tol)
    ap = argparse.ArgumentParser()
    ap.add_argument("-d", "--dbname", required=True)
    ap.add_argument("--control", default="notyet", choices=["notyet", "never"])
    ap.add_argument("--base", default="varying", choices=["varying", "universal"])
    ap.add_argument("--leads", type=int, default=12)
    ap.add_argument("--lags", type=int, default=12)
    ap.add_argument("--tz", default="Asia/Bangkok")
    ap.add_argument("--gt", action="store_true")
    a = ap.parse_args()
    codes, cohort, months, y = load(a.dbname, a.tz)
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(["outcome", "aggregation", "e", "cohort", "month", "estimate",
                "n_treated", "n_control"])
    for o in OUTCOMES:
        for agg, e, g, t, est, nt, nc in estimate(cohort, y[o], len(months), a.control,
                                                 a.base, a.leads, a.lags):
            if agg == "gt" and not a.gt:
                continue
            w.writerow([o, agg, e, months[g] if g != "" else "", months[t] if t != "" else "",
                        repr(est), nt, nc])
    return 0


if __name__ == "__main__":
    sys.exit(main())
