#!/usr/bin/env python3
"""Independent reference implementation of the didkpi KPIs (SPEC sections 3-4).

Reads the raw rows of the didkpi relations with psql (no aggregation in SQL)
and computes every KPI in Python, printing the machine CSV of
`didkpi kpi --format csv`.  The test suite uses it to cross-check the C/SQL
engine.  Python 3.11 standard library only.  See README.md beside this file
for the readings of the SPEC it implements.

Usage:
  kpi_ref.py --period P [--interval day|week|month|quarter|year]
             [--by DIM[,DIM...]]
             [--min-cell N] [--tz ZONE] [--today YYYY-MM-DD]
             [--normalise-ranges] [-d CONNINFO]
"""

import argparse
import bisect
import csv
import io
import os
import re
import subprocess
import sys
import tempfile
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

EX_USAGE = 64
EX_DATAERR = 65
EX_UNAVAILABLE = 69
EX_SOFTWARE = 70

HEADER = ["period", "period_start", "period_end", "kpi", "breakdown", "key",
          "value", "numerator", "denominator", "target", "suppressed", "label"]
# The label of an `all` row (issue 13 item 3), by --lang.
ALL_LABEL = {"th": "ทั้งหมด", "en": "All"}

DIMS = ("service", "unit", "channel", "method")
REQ_DIMS = ("service", "unit", "channel", "method")
SAT_DIMS = ("service", "unit", "channel")
AUTH_DIMS = ("service", "unit", "channel", "method")

# (kpi, kind, breakdowns it has), in the order of the SPEC section 4 table.
# kind: count | rate | mean | pct (median/p90: numerator empty)
KPIS = [
    ("requests", "count", REQ_DIMS),
    ("active_users", "count", REQ_DIMS),
    ("digital_id_enrolments", "count", AUTH_DIMS),
    ("digital_id_enrolment_rate", "rate", REQ_DIMS),
    ("satisfaction_mean", "mean", SAT_DIMS),
    ("satisfaction_csat", "rate", SAT_DIMS),
    ("service_time_median_hours", "pct", REQ_DIMS),
    ("service_time_p90_hours", "pct", REQ_DIMS),
    ("digital_channel_rate", "rate", REQ_DIMS),
    ("digital_id_use_rate", "rate", REQ_DIMS),
    ("repeat_use_rate", "rate", REQ_DIMS),
    ("single_window_rate", "rate", REQ_DIMS),
    ("completion_rate", "rate", REQ_DIMS),
    ("auth_success_rate", "rate", AUTH_DIMS),
    ("identification_success_rate", "rate", AUTH_DIMS),
    ("auth_latency_median_ms", "pct", AUTH_DIMS),
    ("eservice_digital_id_coverage", "rate", ("service", "unit")),
    ("staff_training_coverage", "rate", ("unit",)),
    # issue 13 item 4: baht; no method breakdown
    ("cost_per_transaction", "ratio", SAT_DIMS),
    ("digital_savings_thb", "sum", SAT_DIMS),
]

NULL = "\\N"          # psql's printed NULL (-P null=\N): tells NULL from ''
UTC = timezone.utc
US_PER_HOUR = 3600 * 1000000


class UsageError(Exception):
    pass


class DbError(Exception):
    def __init__(self, msg, status):
        super().__init__(msg)
        self.status = status


# ---------------------------------------------------------------- periods

class Period:
    """Half-open [start, end) of local dates with its machine label."""

    def __init__(self, start, end, label):
        self.start, self.end, self.label = start, end, label

    def __repr__(self):
        return f"Period({self.start}, {self.end}, {self.label!r})"


def add_months(d, n):
    """First-of-month arithmetic: d (day 1) plus n months."""
    m = d.year * 12 + (d.month - 1) + n
    return date(m // 12, m % 12 + 1, 1)


def fy_start(be_year):
    """1 Oct of the C.E. year before: FY2568 starts 2024-10-01."""
    return date(be_year - 544, 10, 1)


def fy_of(d):
    """The B.E. fiscal year containing d."""
    return (d.year + 1 if d.month >= 10 else d.year) + 543


def label_of(start, end, typed_range_label=None):
    """The label of [start, end): a month, calendar year, fiscal year or fiscal
    quarter when it is exactly one, else START..END.  typed_range_label, when
    given, is used instead of any of these (a range kept as typed)."""
    if typed_range_label is not None:
        return typed_range_label
    if start.day == 1 and add_months(start, 1) == end:
        return f"{start.year:04d}-{start.month:02d}"
    if start.month == 1 and start.day == 1 and end == date(start.year + 1, 1, 1):
        return f"{start.year:04d}"
    if start.month == 10 and start.day == 1 and end == date(start.year + 1, 10, 1):
        return f"FY{start.year + 544}"
    if start.day == 1 and start.month in (10, 1, 4, 7) and add_months(start, 3) == end:
        q = (start.month - 10) % 12 // 3 + 1
        return f"FY{fy_of(start)}-Q{q}"
    return f"{start.isoformat()}..{end.isoformat()}"


ISO_DATE = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$")


def parse_iso_date(s):
    m = ISO_DATE.match(s)
    if not m:
        raise ValueError(s)
    return date(int(m[1]), int(m[2]), int(m[3]))


def parse_period(text, today, normalise_ranges):
    """--period text -> Period (SPEC section 3)."""
    t = text.strip()
    low = t.lower()
    try:
        if low == "this-month":
            s = date(today.year, today.month, 1)
            return Period(s, add_months(s, 1), label_of(s, add_months(s, 1)))
        if low == "last-month":
            s = add_months(date(today.year, today.month, 1), -1)
            return Period(s, add_months(s, 1), label_of(s, add_months(s, 1)))
        if low in ("this-fy", "last-fy"):
            be = fy_of(today) - (1 if low == "last-fy" else 0)
            return Period(fy_start(be), fy_start(be + 1), f"FY{be}")
        if "..=" in t:
            # end included: the period ends the day after it
            a, b = t.split("..=", 1)
            s, last = parse_iso_date(a), parse_iso_date(b)
            if last < s:
                raise UsageError(f"invalid period '{text}': the end is before the start")
            if s.day == 1 and last.day == 1 and last > s:
                raise UsageError(f"invalid period '{text}': ambiguous end (the first of a month)")
            e = last + timedelta(days=1)
            lab = None if normalise_ranges else f"{s.isoformat()}..{e.isoformat()}"
            return Period(s, e, label_of(s, e, lab))
        if ".." in t:
            a, b = t.split("..", 1)
            s, e = parse_iso_date(a), parse_iso_date(b)
            if e <= s:
                raise UsageError(f"invalid period '{text}': the end must be after the start")
            if (e + timedelta(days=1)).day == 1:
                raise UsageError(f"invalid period '{text}': ambiguous end (the last day of a month)")
            lab = None if normalise_ranges else f"{s.isoformat()}..{e.isoformat()}"
            return Period(s, e, label_of(s, e, lab))
        m = re.fullmatch(r"([0-9]{4})-[Ww]([0-9]{2})", t)
        if m:
            # ISO week: date.fromisocalendar checks the week number
            s = date.fromisocalendar(int(m[1]), int(m[2]), 1)
            return Period(s, s + timedelta(days=7), f"{int(m[1]):04d}-W{int(m[2]):02d}")
        m = re.fullmatch(r"[Ff][Yy]([0-9]{4})(?:-[Qq]([1-4]))?", t)
        if m:
            be = int(m[1])
            s = fy_start(be)
            if m[2] is None:
                return Period(s, fy_start(be + 1), f"FY{be}")
            q = int(m[2])
            qs = add_months(s, 3 * (q - 1))
            return Period(qs, add_months(qs, 3), f"FY{be}-Q{q}")
        m = re.fullmatch(r"([0-9]{4})-([0-9]{2})", t)
        if m:
            s = date(int(m[1]), int(m[2]), 1)
            e = add_months(s, 1)
            return Period(s, e, label_of(s, e))
        m = re.fullmatch(r"([0-9]{4})", t)
        if m:
            s = date(int(m[1]), 1, 1)
            return Period(s, date(s.year + 1, 1, 1), f"{s.year:04d}")
    except (ValueError, OverflowError):
        pass
    raise UsageError(f"invalid period '{text}'")


def split_period(p, interval):
    """Split p into days, ISO weeks, months, Thai fiscal quarters or calendar
    years, clipped to p.  Days get their date as label; a whole ISO week
    (Monday to Sunday) its ISO year-week (2025-W01 may begin in December
    2024); whole months/quarters/years their own label; clipped pieces
    START..END (a clipped piece that is exactly a month, quarter or fiscal
    year gets that label)."""
    if interval is None:
        return [p]
    out = []
    if interval in ("day", "week"):
        step = timedelta(days=1 if interval == "day" else 7)
        cur = p.start - timedelta(days=0 if interval == "day" else p.start.weekday())
        while cur < p.end:
            nxt = cur + step
            s, e = max(cur, p.start), min(nxt, p.end)
            if interval == "day":
                lab = s.isoformat()
            elif (s, e) == (cur, nxt):
                iy, iw, _ = cur.isocalendar()
                lab = f"{iy:04d}-W{iw:02d}"
            else:
                lab = label_of(s, e)
            out.append(Period(s, e, lab))
            cur = nxt
        return out
    step = {"month": 1, "quarter": 3, "year": 12}[interval]
    if interval == "month":
        cur = date(p.start.year, p.start.month, 1)
    elif interval == "year":
        cur = date(p.start.year, 1, 1)
    else:
        # fiscal quarters begin in Oct, Jan, Apr, Jul
        off = (p.start.month - 10) % 3
        cur = add_months(date(p.start.year, p.start.month, 1), -off)
    while cur < p.end:
        nxt = add_months(cur, step)
        s, e = max(cur, p.start), min(nxt, p.end)
        out.append(Period(s, e, label_of(s, e)))
        cur = nxt
    return out


# ---------------------------------------------------------------- numbers

def fmt_num(x):
    """Shortest text that round-trips; integers without '.0'; None -> ''."""
    if x is None:
        return ""
    if isinstance(x, int):
        return str(x)
    if x != x or x in (float("inf"), float("-inf")):
        return repr(x)
    if x.is_integer() and abs(x) < 1e16:
        return str(int(x))
    return repr(x)


def pg_percentile_cont(sorted_vals, q):
    """PostgreSQL's percentile_cont on float8 values (already sorted):
    rows floor/ceil of q*(n-1), float8 lerp lo + pct*(hi-lo)."""
    n = len(sorted_vals)
    if n == 0:
        return None
    pos = q * (n - 1)
    first = int(pos // 1)
    second = -int((-pos) // 1)
    lo = sorted_vals[first]
    if first == second:
        return lo
    hi = sorted_vals[second]
    return lo + (pos - first) * (hi - lo)


# ---------------------------------------------------------------- database

QUERIES = [
    ("services", "SELECT service_code, owner_unit, is_eservice, digital_id_since "
                 "FROM didkpi.services"),
    ("channels", "SELECT channel, is_digital FROM didkpi.channels"),
    ("auth_methods", "SELECT method, is_digital_id FROM didkpi.auth_methods"),
    ("auth_events", "SELECT event_id, occurred_at, user_key, step, method, outcome, "
                    "latency_ms, channel, service_code FROM didkpi.auth_events"),
    ("service_requests", "SELECT request_id, service_code, user_key, channel, "
                         "via_single_window, auth_method, submitted_at, closed_at, status "
                         "FROM didkpi.service_requests"),
    ("satisfaction", "SELECT response_id, service_code, channel, answered_at, score "
                     "FROM didkpi.satisfaction"),
    ("staff", "SELECT staff_key, unit, is_frontline, trained_on FROM didkpi.staff"),
    ("kpi_targets", "SELECT kpi, valid_from, valid_to, target FROM didkpi.kpi_targets"),
    ("names", "SELECT 'service', service_code, name_th, name_en FROM didkpi.services "
              "UNION ALL SELECT 'channel', channel, name_th, name_en FROM didkpi.channels "
              "UNION ALL SELECT 'method', method, name_th, name_en FROM didkpi.auth_methods"),
    ("channel_costs", "SELECT channel, service_code, valid_from, valid_to, cost_thb "
                      "FROM didkpi.channel_costs"),
]


def fetch_all(conninfo):
    """Run every query in one READ ONLY REPEATABLE READ transaction (one
    snapshot) through psql --csv; timestamps in UTC ISO text.  Returns
    {name: list of rows}, each row a list of str or None (NULL)."""
    env = dict(os.environ)
    env["PGTZ"] = "UTC"
    env["PGDATESTYLE"] = "ISO, YMD"
    env.setdefault("PGAPPNAME", "didkpi-kpi-ref")
    with tempfile.TemporaryDirectory(prefix="kpi_ref.") as tmp:
        lines = ["SET TimeZone = 'UTC';", "SET DateStyle = 'ISO, YMD';",
                 "SET extra_float_digits = 3;",
                 "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;"]
        paths = {}
        for name, sql in QUERIES:
            paths[name] = os.path.join(tmp, name + ".csv")
            lines.append("\\o '" + paths[name].replace("'", "\\'") + "'")
            lines.append(sql + ";")
        lines += ["\\o", "COMMIT;"]
        cmd = ["psql", "-X", "-q", "--csv", "-v", "ON_ERROR_STOP=1",
               "-P", "null=" + NULL]
        if conninfo is not None:
            cmd += ["-d", conninfo]
        try:
            r = subprocess.run(cmd, input="\n".join(lines) + "\n", env=env,
                               capture_output=True, text=True)
        except OSError as e:
            raise DbError(f"cannot run psql: {e}", EX_UNAVAILABLE)
        if r.returncode != 0:
            msg = r.stderr.strip().replace("\n", " / ")
            raise DbError("psql failed: " + msg,
                          EX_UNAVAILABLE if r.returncode == 2 else EX_DATAERR)
        out = {}
        for name, _ in QUERIES:
            with open(paths[name], newline="", encoding="utf-8") as f:
                rd = csv.reader(f)
                next(rd, None)  # header
                out[name] = [[None if v == NULL else v for v in row] for row in rd]
    return out


def parse_bool(s):
    return s == "t"


INF_DATE_LO, INF_DATE_HI = date.min, date.max
TS_LO = datetime.min.replace(tzinfo=UTC)
TS_HI = datetime.max.replace(tzinfo=UTC)


def make_ts_parser(tz):
    """UTC ISO text -> (aware UTC datetime, local date in tz)."""
    def parse(s):
        if s == "infinity":
            return TS_HI, INF_DATE_HI
        if s == "-infinity":
            return TS_LO, INF_DATE_LO
        t = datetime.fromisoformat(s)
        return t, t.astimezone(tz).date()
    return parse


def parse_date_or_none(s):
    if s is None:
        return None
    if s == "infinity":
        return date.max
    if s == "-infinity":
        return date.min
    return date.fromisoformat(s)


# ---------------------------------------------------------------- compute

def sort_keys(keys):
    """Byte (C) order of the UTF-8 codes."""
    return sorted(keys, key=lambda k: k.encode("utf-8"))


def compute(data, periods, by, tz):
    """All accumulators.  Returns a dict of the per-(period, dim, key) state;
    dim 'all' has key ''."""
    ts = make_ts_parser(tz)
    starts = [p.start for p in periods]
    lo, hi = periods[0].start, periods[-1].end

    def pidx(d):
        if d < lo or d >= hi:
            return None
        return bisect.bisect_right(starts, d) - 1

    unit_of = {}
    for code, unit, _e, _s in data["services"]:
        unit_of[code] = unit
    chan_digital = {c: parse_bool(v) for c, v in data["channels"]}
    meth_did = {m: parse_bool(v) for m, v in data["auth_methods"]}
    use = set(by)

    def groups(svc, ch, meth):
        g = [("all", "")]
        if "service" in use and svc is not None:
            g.append(("service", svc))
        if "unit" in use and svc is not None:
            u = unit_of.get(svc)
            if u is not None:
                g.append(("unit", u))
        if "channel" in use and ch is not None:
            g.append(("channel", ch))
        if "method" in use and meth is not None:
            g.append(("method", meth))
        return g

    # --- requests: one pass
    req = {}   # (pi, dim, key) -> [n, users, ndig, ndid, dig_user_counts, nsw, ncomp]
    stime = {}  # (pi, dim, key) -> [durations in hours (float)]
    for (_rid, svc, user, ch, sw, am, sub, closed, status) in data["service_requests"]:
        sub_t, sub_d = ts(sub)
        g = None
        pi = pidx(sub_d)
        if pi is not None:
            g = groups(svc, ch, am)
            dig = chan_digital.get(ch, False)
            did = dig and am is not None and meth_did.get(am, False)
            is_sw = parse_bool(sw)
            comp = status == "completed"
            for dim, key in g:
                k = (pi, dim, key)
                a = req.get(k)
                if a is None:
                    a = req[k] = [0, set(), 0, 0, {}, 0, 0]
                a[0] += 1
                if user is not None:
                    a[1].add(user)
                if dig:
                    a[2] += 1
                    if user is not None:
                        a[4][user] = a[4].get(user, 0) + 1
                if did:
                    a[3] += 1
                if is_sw:
                    a[5] += 1
                if comp:
                    a[6] += 1
        if status == "completed" and closed is not None:
            cl_t, cl_d = ts(closed)
            ci = pidx(cl_d)
            if ci is not None:
                us = (cl_t - sub_t) // timedelta(microseconds=1)
                hours = us / US_PER_HOUR  # correctly rounded float8
                if g is None:
                    g = groups(svc, ch, am)
                for dim, key in g:
                    stime.setdefault((ci, dim, key), []).append(hours)

    # --- auth events: one pass
    first_ident = {}  # user -> (occurred_at, event_id, local date, svc, ch, method)
    auth = {}   # (pi, dim, key) -> [n, nsucc, latencies]
    ident = {}  # (pi, dim, key) -> [n, nsucc]
    for (eid, occ, user, step, meth, outcome, lat, ch, svc) in data["auth_events"]:
        occ_t, occ_d = ts(occ)
        succ = outcome == "success"
        if step == "identification" and succ and user is not None:
            cur = first_ident.get(user)
            if (cur is None or occ_t < cur[0] or
                    (occ_t == cur[0] and eid.encode("utf-8") < cur[1].encode("utf-8"))):
                first_ident[user] = (occ_t, eid, occ_d, svc, ch, meth)
        pi = pidx(occ_d)
        if pi is None:
            continue
        if step == "authentication":
            for dim, key in groups(svc, ch, meth):
                k = (pi, dim, key)
                a = auth.get(k)
                if a is None:
                    a = auth[k] = [0, 0, []]
                a[0] += 1
                if succ:
                    a[1] += 1
                    if lat is not None:
                        a[2].append(float(int(lat)))
        elif step == "identification":
            for dim, key in groups(svc, ch, meth):
                k = (pi, dim, key)
                a = ident.get(k)
                if a is None:
                    a = ident[k] = [0, 0]
                a[0] += 1
                if succ:
                    a[1] += 1

    enrol = {}  # (pi, dim, key) -> count
    first_date = {}
    for user, (_t, _e, d, svc, ch, meth) in first_ident.items():
        first_date[user] = d
        pi = pidx(d)
        if pi is None:
            continue
        for dim, key in groups(svc, ch, meth):
            k = (pi, dim, key)
            enrol[k] = enrol.get(k, 0) + 1

    # --- satisfaction: one pass
    sat = {}  # (pi, dim, key) -> [n, sum, n_ge4]
    for (_id, svc, ch, ans, score) in data["satisfaction"]:
        _t, d = ts(ans)
        pi = pidx(d)
        if pi is None:
            continue
        sc = int(score)
        for dim, key in groups(svc, ch, None):
            k = (pi, dim, key)
            a = sat.get(k)
            if a is None:
                a = sat[k] = [0, 0, 0]
            a[0] += 1
            a[1] += sc
            if sc >= 4:
                a[2] += 1

    cost = compute_cost(data, pidx, ts, unit_of, chan_digital, groups)
    return dict(req=req, stime=stime, auth=auth, ident=ident, enrol=enrol,
                sat=sat, first_date=first_date, cost=cost)


def compute_cost(data, pidx, ts, unit_of, chan_digital, groups):
    """Cost KPIs (issue 13 item 4), request by request: each request
    completed with closed_at in P at the unit cost in force on the local
    date of its closed_at (valid_to inclusive): the service's own cost of
    the channel, else the channel's default (service NULL); a digital
    request's counter cost is the cheapest non-digital channel's.  Returns
    (pi, dim, key) -> [n, cost, missing, n_digital, saved, digital_missing]
    with exact Decimal sums."""
    rows = [(c, s, date.fromisoformat(vf), date.fromisoformat(vt), Decimal(k))
            for c, s, vf, vt, k in data["channel_costs"]]

    def unit_cost(ch, svc, day):
        best = None  # (own service?, valid_from, cost)
        for c, s, vf, vt, k in rows:
            if c != ch or not (vf <= day <= vt) or (s is not None and s != svc):
                continue
            cand = (s is not None, vf, k)
            if best is None or cand[:2] > best[:2]:
                best = cand
        return None if best is None else best[2]

    counters = [c for c, d in chan_digital.items() if not d]
    out = {}
    for (_rid, svc, _user, ch, _sw, _am, _sub, closed, status) in data["service_requests"]:
        if status != "completed" or closed is None or svc not in unit_of:
            continue
        _t, day = ts(closed)
        pi = pidx(day)
        if pi is None or ch not in chan_digital:
            continue
        own = unit_cost(ch, svc, day)
        dig = chan_digital[ch]
        base = None
        if dig:
            have = [k for k in (unit_cost(c, svc, day) for c in counters) if k is not None]
            base = min(have) if have else None
        for dim, key in groups(svc, ch, None):
            a = out.setdefault((pi, dim, key), [0, Decimal(0), False, 0, Decimal(0), False])
            a[0] += 1
            if own is None:
                a[2] = True
            else:
                a[1] += own
            if dig:
                a[3] += 1
                if own is None or base is None:
                    a[5] = True
                else:
                    a[4] += base - own
    return out


def kpi_cell(kpi, st, period, pi, dim, key, data_static):
    """(value, numerator, denominator, size) of one KPI cell."""
    k = (pi, dim, key)
    req = st["req"].get(k)
    if kpi == "requests":
        n = req[0] if req else 0
        return n, n, None, n
    if kpi == "active_users":
        n = len(req[1]) if req else 0
        return n, n, None, n
    if kpi == "digital_id_enrolments":
        n = st["enrol"].get(k, 0)
        return n, n, None, n
    if kpi == "digital_id_enrolment_rate":
        users = req[1] if req else ()
        fd = st["first_date"]
        num = 0
        for u in users:
            d = fd.get(u)
            if d is not None and d < period.end:
                num += 1
        return rate(num, len(users))
    if kpi in ("satisfaction_mean", "satisfaction_csat"):
        a = st["sat"].get(k) or [0, 0, 0]
        if kpi == "satisfaction_mean":
            v = a[1] / a[0] if a[0] else None
            return v, a[1], a[0], a[0]
        return rate(a[2], a[0])
    if kpi in ("service_time_median_hours", "service_time_p90_hours"):
        vals = sorted(st["stime"].get(k, ()))
        q = 0.5 if kpi == "service_time_median_hours" else 0.9
        return pg_percentile_cont(vals, q), None, len(vals), len(vals)
    if kpi == "digital_channel_rate":
        return rate(req[2], req[0]) if req else rate(0, 0)
    if kpi == "digital_id_use_rate":
        return rate(req[3], req[2]) if req else rate(0, 0)
    if kpi == "repeat_use_rate":
        if not req:
            return rate(0, 0)
        counts = req[4]
        return rate(sum(1 for c in counts.values() if c >= 2), len(counts))
    if kpi == "single_window_rate":
        return rate(req[5], req[0]) if req else rate(0, 0)
    if kpi == "completion_rate":
        return rate(req[6], req[0]) if req else rate(0, 0)
    if kpi == "auth_success_rate":
        a = st["auth"].get(k)
        return rate(a[1], a[0]) if a else rate(0, 0)
    if kpi == "identification_success_rate":
        a = st["ident"].get(k)
        return rate(a[1], a[0]) if a else rate(0, 0)
    if kpi == "auth_latency_median_ms":
        a = st["auth"].get(k)
        vals = sorted(a[2]) if a else []
        return pg_percentile_cont(vals, 0.5), None, len(vals), len(vals)
    if kpi == "eservice_digital_id_coverage":
        num = den = 0
        for code, unit, is_e, since in data_static["services"]:
            if dim == "service" and code != key:
                continue
            if dim == "unit" and unit != key:
                continue
            if is_e:
                den += 1
                if since is not None and since < period.end:
                    num += 1
        return rate(num, den)
    if kpi == "staff_training_coverage":
        num = den = 0
        for unit, front, trained in data_static["staff"]:
            if dim == "unit" and unit != key:
                continue
            if front:
                den += 1
                if trained is not None and trained < period.end:
                    num += 1
        return rate(num, den)
    if kpi == "cost_per_transaction":
        a = st["cost"].get(k)
        if not a:
            return None, 0, 0, 0
        if a[2]:
            return None, None, a[0], a[0]   # a request without a cost
        return float(a[1]) / a[0], float(a[1]), a[0], a[0]
    if kpi == "digital_savings_thb":
        a = st["cost"].get(k)
        if not a or a[3] == 0:
            return 0, 0, 0, 0
        if a[5]:
            return None, None, a[3], a[3]
        return float(a[4]), float(a[4]), a[3], a[3]
    raise AssertionError(kpi)


def rate(num, den):
    return (num / den if den else None), num, den, den


def find_target(targets, kpi, period):
    """The target in force on the period's last day (valid_to inclusive); if
    several rows overlap, the one with the latest valid_from."""
    day = period.end - timedelta(days=1)
    best = None
    for (k, vf, vt, tgt) in targets:
        if k == kpi and vf <= day <= vt:
            if best is None or vf > best[0]:
                best = (vf, tgt)
    return None if best is None else best[1]


def run(args):
    try:
        tz = ZoneInfo(args.tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise UsageError(f"unknown time zone '{args.tz}'")
    if args.today:
        try:
            today = parse_iso_date(args.today)
        except ValueError:
            raise UsageError(f"invalid --today '{args.today}'")
    else:
        today = datetime.now(tz).date()
    period = parse_period(args.period, today, args.normalise_ranges)
    periods = split_period(period, args.interval)
    by = []
    if args.by:
        for b in args.by.split(","):
            b = b.strip()
            if b not in DIMS:
                raise UsageError(f"invalid breakdown '{b}': use service, unit, channel, method")
            if b not in by:
                by.append(b)
    if args.min_cell < 0:
        raise UsageError("--min-cell must be at least 0")

    data = fetch_all(args.dbname)

    services = [(c, u, parse_bool(e), parse_date_or_none(s))
                for c, u, e, s in data["services"]]
    staff = [(u, parse_bool(f), parse_date_or_none(t)) for _k, u, f, t in data["staff"]]
    targets = []
    for k, vf, vt, t in data["kpi_targets"]:
        try:
            tv = float(Decimal(t))
        except (InvalidOperation, TypeError):
            continue
        targets.append((k, parse_date_or_none(vf), parse_date_or_none(vt), tv))
    static = dict(services=services, staff=staff)
    grid = {
        "service": sort_keys({c for c, _u, _e, _s in services}),
        "unit": sort_keys({u for _c, u, _e, _s in services if u is not None}),
        "channel": sort_keys({r[0] for r in data["channels"]}),
        "method": sort_keys({r[0] for r in data["auth_methods"]}),
    }
    staff_units = sort_keys({u for u, _f, _t in staff if u is not None})

    st = compute(data, periods, by, tz)
    # label: the key's name in --lang; a unit is its own name
    names = {(d, c): (th if args.lang == "th" else en) for d, c, th, en in data["names"]}

    def label(dim, key):
        if dim == "all":
            return ALL_LABEL[args.lang]
        return names.get((dim, key), key)

    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(HEADER)
    for pi, p in enumerate(periods):
        head = [p.label, p.start.isoformat(), p.end.isoformat()]
        for kpi, _kind, kdims in KPIS:
            tgt = fmt_num(find_target(targets, kpi, p))
            cells = [("all", "")]
            for dim in by:
                if dim not in kdims:
                    continue
                keys = staff_units if (kpi == "staff_training_coverage") else grid[dim]
                cells += [(dim, key) for key in keys]
            for dim, key in cells:
                v, num, den, size = kpi_cell(kpi, st, p, pi, dim, key, static)
                sup = (dim != "all" and kpi != "eservice_digital_id_coverage"
                       and args.min_cell > 0 and 1 <= size < args.min_cell)
                if sup:
                    row = ["", "", ""]
                else:
                    row = [fmt_num(v), fmt_num(num), fmt_num(den)]
                w.writerow(head + [kpi, dim, key] + row
                           + [tgt, "TRUE" if sup else "FALSE", label(dim, key)])
    sys.stdout.write(out.getvalue())


def main(argv=None):
    ap = argparse.ArgumentParser(
        prog="kpi_ref.py",
        description="Reference KPIs of didkpi (SPEC section 4), computed in Python "
                    "from the raw rows; prints the machine CSV.")
    ap.add_argument("--period", required=True,
                    help="2025-03, 2025, FY2568, FY2568-Q1, A..B, this-month, "
                         "last-month, this-fy, last-fy")
    ap.add_argument("--interval", choices=("day", "week", "month", "quarter", "year"))
    ap.add_argument("--by", default="", help="comma-separated: service,unit,channel,method")
    ap.add_argument("--min-cell", type=int, default=5)
    ap.add_argument("--tz", default="Asia/Bangkok")
    ap.add_argument("--today", help="YYYY-MM-DD for relative periods (default: today in --tz)")
    ap.add_argument("--normalise-ranges", action="store_true",
                    help="label an A..B range that is exactly a month, year, FY or "
                         "quarter with that label (as lib/period.c does); default: "
                         "keep A..B as typed")
    ap.add_argument("--lang", choices=("th", "en"), default="th",
                    help="language of the label column (default th)")
    ap.add_argument("-d", "--dbname", help="conninfo passed to psql -d")
    try:
        args = ap.parse_args(argv)
    except SystemExit as e:
        return EX_USAGE if e.code else 0
    try:
        run(args)
    except UsageError as e:
        print(f"kpi_ref: {e}", file=sys.stderr)
        return EX_USAGE
    except DbError as e:
        print(f"kpi_ref: {e}", file=sys.stderr)
        return e.status
    return 0


if __name__ == "__main__":
    sys.exit(main())
