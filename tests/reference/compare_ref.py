#!/usr/bin/env python3
"""Independent reference for `didkpi compare` (issue 11): checks a compare
CSV against the raw rows, sharing no code with lib/stats.c or lib/compare.c.

  compare_ref.py check CSV DUMP
      DUMP holds the raw values of the services' windows, one per line:
        t SERVICE SIDE HOURS     a completed request's service time
        s SERVICE SIDE SCORE     a satisfaction score
        d SERVICE FIRST LAST     the service's first and last local dates
                                 with requests (ISO dates)
      Checks, for every row of CSV that is not skipped:
        - service time: the Hodges-Lehmann shift (median of all pairwise
          differences after - before) and the interval found the way R's
          wilcox.test(after, before, conf.int=TRUE, correct=TRUE,
          exact=FALSE) finds it: its wdiff() (ranks of after - d and
          before, tie table, continuity correction) is evaluated and its
          sign change located over the sorted pairwise differences;
        - coverage and covered days from the first and last dates, and
          requests per month = count / covered days * 30.4375 with the
          exact Poisson test of scipy (binomtest) on those exposures;
        - the pooled rows: Mantel-Haenszel risk difference (Sato variance)
          with the CMH test of statsmodels' StratifiedTable, inverse-variance
          pooled rates and means, and van Elteren's stratified Wilcoxon with
          its inverted interval, by the same root-finding on ranks;
        - every row's change lies inside its own interval.
      Prints "checked N" and one line per disagreement (relative 1e-9);
      exits 1 when there is one.
  compare_ref.py hl [LEVEL] < LINES      "SIDE HOURS" lines: p lo hi estimate
  compare_ref.py mh < LINES              "x1 n1 x2 n2" lines: rd lo hi chi2 p
"""
import csv
import math
import sys
from datetime import date

import numpy as np
from scipy import stats as ss
from statsmodels.stats.contingency_tables import StratifiedTable

DAYS_PER_MONTH = 30.4375
REL = 1e-9


def znorm(level):
    return ss.norm.ppf(1 - (1 - level) / 2)


# ---- one service: Mann-Whitney, Hodges-Lehmann, R's inverted interval ----

@np.errstate(invalid="ignore", divide="ignore")
def r_wdiff(x, y, d, zq, correct=True):
    """R's wdiff(d, zq) of wilcox.test.default: x = after, y = before."""
    nx, ny = len(x), len(y)
    dr = ss.rankdata(np.concatenate([x - d, y]))
    _, nties = np.unique(dr, return_counts=True)
    dz = dr[:nx].sum() - nx * (nx + 1) / 2 - nx * ny / 2
    corr = np.sign(dz) * 0.5 if correct else 0.0
    n = nx + ny
    sigma = math.sqrt(nx * ny / 12 * ((n + 1) - (nties ** 3 - nties).sum() / (n * (n - 1))))
    return (dz - corr) / sigma - zq


def step_root(f, diffs):
    """Where the non-increasing step function f, constant between the
    sorted distinct values diffs, becomes <= 0: R's root() (its uniroot
    converges on the jump) with its clamping to the ends."""
    if f(diffs[0]) <= 0:
        return diffs[0]
    if f(diffs[-1]) >= 0:
        return diffs[-1]
    mids = lambda k: f((diffs[k] + diffs[k + 1]) / 2) if k + 1 < len(diffs) else f(diffs[-1] + 1)
    # the first gap (k, k+1) where f <= 0: the jump is at diffs[k]
    lo, hi = -1, len(diffs) - 1
    if mids(hi) > 0:
        return diffs[-1]
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if mids(mid) <= 0:
            hi = mid
        else:
            lo = mid
    return diffs[hi]


def hl(before, after, level=0.95):
    x, y = np.sort(np.asarray(after, float)), np.sort(np.asarray(before, float))
    diffs = np.unique(np.subtract.outer(x, y).ravel())
    alld = np.sort(np.subtract.outer(x, y).ravel())
    m = len(alld)
    est = alld[m // 2] if m % 2 else (alld[m // 2 - 1] + alld[m // 2]) / 2
    z = znorm(level)
    lo = step_root(lambda d: r_wdiff(x, y, d, z), diffs)
    hi = step_root(lambda d: r_wdiff(x, y, d, -z), diffs)
    # p of the test itself (d = 0)
    zp = r_wdiff(x, y, 0.0, 0.0)
    p = min(1.0, 2 * ss.norm.sf(abs(zp)))
    return p, lo, hi, est


# ---- van Elteren ----------------------------------------------------------

def ve_parts(strata, d):
    """sum w (W - m/2) and sum w^2 var W over strata, from ranks at shift d."""
    s = v = 0.0
    for before, after in strata:
        nx, ny = len(after), len(before)
        n = nx + ny
        w = 1 / (n + 1)
        dr = ss.rankdata(np.concatenate([after - d, before]))
        _, t = np.unique(dr, return_counts=True)
        s += w * (dr[:nx].sum() - nx * (nx + 1) / 2 - nx * ny / 2)
        v += w * w * nx * ny / 12 * ((n + 1) - (t ** 3 - t).sum() / (n * (n - 1)))
    return s, v


def van_elteren(strata, level=0.95):
    strata = [(np.sort(np.asarray(b, float)), np.sort(np.asarray(a, float))) for b, a in strata]
    s0, v0 = ve_parts(strata, 0.0)
    zs = s0 / math.sqrt(v0)
    p = min(1.0, 2 * ss.norm.sf(abs(zs)))
    diffs = np.unique(np.concatenate([np.subtract.outer(a, b).ravel() for b, a in strata]))
    z = znorm(level)

    def f(d, zq):
        s, v = ve_parts(strata, d)
        return s / math.sqrt(v) - zq

    lo = step_root(lambda d: f(d, z), diffs)
    hi = step_root(lambda d: f(d, -z), diffs)
    # the estimate: halfway between where the score reaches 0 and where it
    # drops below 0
    score = lambda d: ve_parts(strata, d)[0]
    e1 = step_root(score, diffs)
    e2 = step_root(lambda d: score(d) if score(d) != 0 else 1e-300, diffs)
    return p, lo, hi, (e1 + e2) / 2


# ---- proportions: Mantel-Haenszel -----------------------------------------

def mh(tables, level=0.95):
    """tables: (x1, n1, x2, n2), after = exposed. Rothman's notation."""
    sw = swd = sp = sq = 0.0
    for x1, n1, x2, n2 in tables:
        a, N1, b, N0 = x2, n2, x1, n1
        T = N1 + N0
        sw += N1 * N0 / T
        swd += (a * N0 - b * N1) / T
        sp += (N1 ** 2 * b - N0 ** 2 * a + N1 * N0 * (N0 - N1) / 2) / T ** 2
        sq += (a * (N0 - b) + b * (N1 - a)) / (2 * T)
    rd = swd / sw
    var = (rd * sp + sq) / sw ** 2
    z = znorm(level)
    st = StratifiedTable([np.array([[x2, n2 - x2], [x1, n1 - x1]], float)
                          for x1, n1, x2, n2 in tables])
    r = st.test_null_odds(correction=False)
    # statsmodels' own p is 1 - cdf, which cancels below about 1e-14: the
    # tail of its statistic instead
    return rd, rd - z * math.sqrt(var), rd + z * math.sqrt(var), r.statistic, ss.chi2.sf(r.statistic, 1)


def inverse_variance(est, var, level=0.95):
    w = [1 / v for v in var]
    e = sum(wi * ei for wi, ei in zip(w, est)) / sum(w)
    se = math.sqrt(1 / sum(w))
    z = znorm(level)
    return e, e - z * se, e + z * se, min(1.0, 2 * ss.norm.sf(abs(e / se)))


# ---- the check ------------------------------------------------------------

class Checker:
    def __init__(self):
        self.n = 0
        self.bad = []

    def close(self, what, want, got):
        self.n += 1
        if got == "" or want is None or (isinstance(want, float) and math.isnan(want)):
            if not (got == "" and (want is None or (isinstance(want, float) and math.isnan(want)))):
                self.bad.append(f"{what}: expected {want!r}, got {got!r}")
            return
        g = float(got)
        if not abs(g - want) <= REL * max(abs(g), abs(want), 1e-12) + 1e-300:
            self.bad.append(f"{what}: expected {want!r}, got {g!r}")

    def eq(self, what, want, got):
        self.n += 1
        if want != got:
            self.bad.append(f"{what}: expected {want!r}, got {got!r}")


def read_dump(path):
    times, scores, span = {}, {}, {}
    with open(path) as f:
        for line in f:
            p = line.split()
            if not p:
                continue
            if p[0] == "t":
                times.setdefault(p[1], ([], []))[int(p[2])].append(float(p[3]))
            elif p[0] == "s":
                scores.setdefault(p[1], ([], []))[int(p[2])].append(float(p[3]))
            elif p[0] == "d":
                span[p[1]] = (date.fromisoformat(p[2]), date.fromisoformat(p[3]))
    return times, scores, span


def covered(span, ws, we):
    first, last = span
    a = max(ws.toordinal(), first.toordinal())
    b = min(we.toordinal(), last.toordinal() + 1)
    return max(0, b - a)


def check(csv_path, dump_path, level=0.95):
    times, scores, span = read_dump(dump_path)
    rows = list(csv.DictReader(open(csv_path)))
    c = Checker()
    strata = {}  # metric -> list of per-service rows not skipped
    for r in rows:
        svc, metric = r["service_code"], r["metric"]
        if r["ci_low"] and r["ci_high"] and r["change"]:
            c.n += 1
            if not float(r["ci_low"]) <= float(r["change"]) <= float(r["ci_high"]):
                c.bad.append(f"{svc} {metric}: change {r['change']} outside [{r['ci_low']}, {r['ci_high']}]")
        if svc == "all":
            continue
        if not r["skip_reason"]:
            strata.setdefault(metric, []).append(r)
        bs, be = date.fromisoformat(r["before_start"]), date.fromisoformat(r["before_end"])
        as_, ae = date.fromisoformat(r["after_start"]), date.fromisoformat(r["after_end"])
        if metric == "requests_per_month" and svc in span:
            d0, d1 = covered(span[svc], bs, be), covered(span[svc], as_, ae)
            c.eq(f"{svc} before_covered_days", str(d0), r["before_covered_days"])
            c.eq(f"{svc} after_covered_days", str(d1), r["after_covered_days"])
            flag = {(False, False): "full", (True, False): "before-partial",
                    (False, True): "after-partial", (True, True): "both-partial"}[
                (d0 < (be - bs).days, d1 < (ae - as_).days)]
            c.eq(f"{svc} coverage", flag, r["coverage"])
            if not r["skip_reason"]:
                n0, n1 = int(r["n_before"]), int(r["n_after"])
                e0, e1 = d0 / DAYS_PER_MONTH, d1 / DAYS_PER_MONTH
                c.close(f"{svc} requests/month before", n0 / e0, r["before"])
                c.close(f"{svc} requests/month after", n1 / e1, r["after"])
                pv = ss.binomtest(n1, n0 + n1, e1 / (e0 + e1)).pvalue if n0 + n1 else 1.0
                c.close(f"{svc} requests/month p", pv, r["p_value"])
        if metric == "service_time_median_hours" and not r["skip_reason"]:
            b, a = times.get(svc, ([], []))
            c.eq(f"{svc} service-time sizes", (str(len(b)), str(len(a))), (r["n_before"], r["n_after"]))
            p, lo, hi, est = hl(b, a, level)
            c.close(f"{svc} service-time p", p, r["p_value"])
            c.close(f"{svc} service-time ci_low", lo, r["ci_low"])
            c.close(f"{svc} service-time ci_high", hi, r["ci_high"])
            c.close(f"{svc} service-time change (Hodges-Lehmann)", est, r["change"])
            c.close(f"{svc} service-time before median", float(np.median(b)), r["before"])
    pooled = {r["metric"]: r for r in rows if r["service_code"] == "all"}
    for metric, rs in strata.items():
        r = pooled.get(metric)
        if r is None:
            continue
        if metric in ("digital_channel_rate", "completion_rate", "satisfaction_csat"):
            tabs = [(round(float(s["before"]) * int(s["n_before"])), int(s["n_before"]),
                     round(float(s["after"]) * int(s["n_after"])), int(s["n_after"])) for s in rs]
            rd, lo, hi, chi2, p = mh(tabs, level)
            w = [n1 * n2 / (n1 + n2) for _, n1, _, n2 in tabs]
            c.close(f"all {metric} before (MH-weighted)",
                    sum(wi * x1 / n1 for wi, (x1, n1, _, _) in zip(w, tabs)) / sum(w), r["before"])
            c.close(f"all {metric} MH risk difference", rd, r["change"])
            c.close(f"all {metric} ci_low (Sato)", lo, r["ci_low"])
            c.close(f"all {metric} ci_high (Sato)", hi, r["ci_high"])
            c.close(f"all {metric} CMH p (statsmodels)", p, r["p_value"])
        elif metric == "requests_per_month":
            est, var = [], []
            for s in rs:
                e0 = int(s["before_covered_days"]) / DAYS_PER_MONTH
                e1 = int(s["after_covered_days"]) / DAYS_PER_MONTH
                c0, c1 = int(s["n_before"]), int(s["n_after"])
                est.append(c1 / e1 - c0 / e0)
                var.append(c0 / e0 ** 2 + c1 / e1 ** 2)
            e, lo, hi, p = inverse_variance(est, var, level)
            c.close("all requests_per_month change", e, r["change"])
            c.close("all requests_per_month ci_low", lo, r["ci_low"])
            c.close("all requests_per_month ci_high", hi, r["ci_high"])
            c.close("all requests_per_month p", p, r["p_value"])
        elif metric == "satisfaction_mean":
            est, var = [], []
            for s in rs:
                b, a = scores[s["service_code"]]
                vb, va = np.var(b, ddof=1) / len(b), np.var(a, ddof=1) / len(a)
                if vb + va > 0:
                    est.append(np.mean(a) - np.mean(b))
                    var.append(vb + va)
            e, lo, hi, p = inverse_variance(est, var, level)
            c.close("all satisfaction_mean change", e, r["change"])
            c.close("all satisfaction_mean ci_low", lo, r["ci_low"])
            c.close("all satisfaction_mean ci_high", hi, r["ci_high"])
            c.close("all satisfaction_mean p", p, r["p_value"])
        elif metric == "service_time_median_hours":
            st = [times[s["service_code"]] for s in rs]
            p, lo, hi, est = van_elteren(st, level)
            c.close("all service time van Elteren p", p, r["p_value"])
            c.close("all service time shift", est, r["change"])
            c.close("all service time ci_low", lo, r["ci_low"])
            c.close("all service time ci_high", hi, r["ci_high"])
            c.eq("all service time sizes",
                 (str(sum(len(b) for b, _ in st)), str(sum(len(a) for _, a in st))),
                 (r["n_before"], r["n_after"]))
    print(f"checked {c.n}")
    for b in c.bad:
        print(b)
    return 1 if c.bad else 0


def dump_sql(csv_path, tz="Asia/Bangkok"):
    """The psql query printing the DUMP lines of `check` for the services
    of a compare CSV, each on its own windows."""
    q = lambda v: "'" + v.replace("'", "''") + "'"
    vals = []
    for r in csv.DictReader(open(csv_path)):
        if r["service_code"] != "all" and r["metric"] == "requests_per_month":
            vals.append("(%s, %s::date, %s::date, %s::date, %s::date)" % tuple(
                q(r[k]) for k in ("service_code", "before_start", "before_end",
                                  "after_start", "after_end")))
    tz = q(tz)
    return f"""WITH w(svc, bs, be, as_, ae) AS (VALUES {", ".join(vals)}),
s AS (SELECT w.svc, x.side, (x.ws::timestamp AT TIME ZONE {tz}) AS ts,
             (x.we::timestamp AT TIME ZONE {tz}) AS te
        FROM w CROSS JOIN LATERAL (VALUES (0, w.bs, w.be), (1, w.as_, w.ae)) AS x(side, ws, we))
SELECT 't', s.svc, s.side::text,
       (((extract(epoch FROM r.closed_at) - extract(epoch FROM r.submitted_at)) * 1000000)::bigint::float8 / 3600000000)::text
  FROM s JOIN didkpi.service_requests r ON r.service_code = s.svc AND r.status = 'completed'
   AND r.closed_at >= s.ts AND r.closed_at < s.te
UNION ALL
SELECT 's', s.svc, s.side::text, a.score::float8::text
  FROM s JOIN didkpi.satisfaction a ON a.service_code = s.svc
   AND a.answered_at >= s.ts AND a.answered_at < s.te
UNION ALL
SELECT 'd', r.service_code, min((r.submitted_at AT TIME ZONE {tz})::date)::text,
       max((r.submitted_at AT TIME ZONE {tz})::date)::text
  FROM didkpi.service_requests r GROUP BY r.service_code;
"""


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "sql":
        sys.stdout.write(dump_sql(args[0]))
        return
    if cmd == "check":
        sys.exit(check(args[0], args[1], float(args[2]) if len(args) > 2 else 0.95))
    if cmd == "hl":
        b, a = [], []
        for line in sys.stdin:
            side, v = line.split()
            (a if side == "1" else b).append(float(v))
        out = hl(b, a, float(args[0]) if args else 0.95)
    elif cmd == "mh":
        out = mh([tuple(int(v) for v in line.split()) for line in sys.stdin if line.strip()])
    else:
        sys.exit("unknown command " + cmd)
    print(" ".join(repr(float(v)) for v in out))


if __name__ == "__main__":
    main()
