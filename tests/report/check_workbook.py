#!/usr/bin/python3
"""Reads a didkpi report workbook back with openpyxl (an independent reader)
and checks it against the CSV output of didkpi kpi and didkpi compare for
the same period: sheet names, cell values, cell types, number formats,
frozen headers, conditional formats and charts.

usage: check_workbook.py WORKBOOK TEMPLATE LANG DIR
  TEMPLATE  monthly or analyst
  LANG      th or en
  DIR       holds kpi.csv (the period, --by service,unit,channel,method,
            --min-cell as the report), prev.csv and yago.csv (the previous
            period and the same period a year earlier, totals), trend.csv
            (the trend's months), compare.csv, names.csv (kind,code,name_th,
            name_en for services, methods and channels)

Prints one line per check: "PASS what" or "FAIL what: why". The exit status
is 0 when the workbook could be read at all.
"""
import csv
import datetime
import math
import os
import sys

import openpyxl

WB, TEMPLATE, LANG, DIR = sys.argv[1:5]
TH = LANG == "th"
results = []


def check(what, cond, why=""):
    results.append(("PASS" if cond else "FAIL", what, why))
    return cond


def num_or_none(s):
    return None if s in ("", None) else float(s)


def close(a, b, tol=1e-9):
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= tol * max(1.0, abs(b))


def read_csv(name):
    with open(os.path.join(DIR, name), newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


kpi = read_csv("kpi.csv")
prev = read_csv("prev.csv")
yago = read_csv("yago.csv")
trend = read_csv("trend.csv")
compare = read_csv("compare.csv")
names = read_csv("names.csv")
name_of = {(r["kind"], r["code"]): (r["name_th"] if TH else r["name_en"]) for r in names}
code_of = {(r["kind"], (r["name_th"] if TH else r["name_en"])): r["code"] for r in names}

# The unit of each KPI decides its number format (SPEC 4, lib/kpi_def.c).
UNITS = {
    "requests": "count", "active_users": "count", "digital_id_enrolments": "count",
    "digital_id_enrolment_rate": "rate", "satisfaction_mean": "score",
    "satisfaction_csat": "rate", "service_time_median_hours": "hours",
    "service_time_p90_hours": "hours", "digital_channel_rate": "rate",
    "digital_id_use_rate": "rate", "repeat_use_rate": "rate",
    "single_window_rate": "rate", "completion_rate": "rate",
    "auth_success_rate": "rate", "identification_success_rate": "rate",
    "auth_latency_median_ms": "ms", "eservice_digital_id_coverage": "rate",
    "staff_training_coverage": "rate",
}
LOWER_IS_BETTER = {"service_time_median_hours", "service_time_p90_hours", "auth_latency_median_ms"}
FORMATS = {"count": "#,##0", "rate": "0.0%", "score": "0.00", "hours": "#,##0.0", "ms": "#,##0"}
SUPPRESSED = "ปกปิด" if TH else "suppressed"


def total(rows, k):
    for r in rows:
        if r["kpi"] == k and r["breakdown"] == "all":
            return r
    return None


def is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def header_row(ws, first):
    """The row whose first cell is `first` (the table's header)."""
    for row in ws.iter_rows(min_row=1, max_row=60, max_col=1):
        if row[0].value == first:
            return row[0].row
    return None


def check_frozen(ws, hdr, label):
    fp = ws.freeze_panes
    check(f"{label}: header row {hdr} frozen", fp is not None and
          int("".join(ch for ch in fp if ch.isdigit())) == hdr + 1, f"freeze_panes={fp}")
    # every column of the table has a width fitted to what it holds: at
    # least as wide as its widest number shown
    from openpyxl.utils import get_column_letter
    bad = []
    for c in ws[hdr]:
        if c.value is None:
            continue
        letter = get_column_letter(c.column)
        w = ws.column_dimensions[letter].width
        widest = max((len(f"{v:,.1f}") for (v,) in ws.iter_rows(
            min_row=hdr + 1, min_col=c.column, max_col=c.column, values_only=True)
            if is_number(v)), default=0)
        if not w or w < min(widest, 40):
            bad.append(f"{letter}: width {w} for numbers of {widest} characters")
    check(f"{label}: column widths fitted", not bad, "; ".join(bad[:5]))


wb = openpyxl.load_workbook(WB)
# the values Excel shows for formulas (as written by didkpi)
wbv = openpyxl.load_workbook(WB, data_only=True)
sheets = wb.sheetnames
RATES = {k for k, u in UNITS.items() if u == "rate"}
PP = "จุด" if TH else "pp"


def check_print(ws, label):
    """A4 landscape, one page wide; the header repeated only over its own
    table (nothing with another header, no chart, below it); no chart cut
    by a page break."""
    ps = ws.page_setup
    check(f"{label}: printed on A4 landscape", ps.orientation == "landscape" and
          str(ps.paperSize) == "9", f"{ps.orientation} {ps.paperSize}")
    fit = ws.sheet_properties.pageSetUpPr
    check(f"{label}: fitted to one page wide", fit is not None and fit.fitToPage and
          str(ps.fitToWidth) in ("1", "None") and str(ps.fitToHeight) in ("0", "1", "None"),
          f"fitToPage={fit and fit.fitToPage} {ps.fitToWidth}x{ps.fitToHeight}")
    breaks = sorted(b.id for b in ws.row_breaks.brk)  # a break after row id (1-based)
    anchors = []
    for obj in list(ws._charts) + list(ws._images):
        a = obj.anchor
        top = a._from.row  # 0-based
        h = a.ext.height / 9525 if getattr(a, "ext", None) is not None else 300
        anchors.append((top, top + int(h // 20)))
    cut = [(t, b, k) for (t, b) in anchors for k in breaks if t < k <= b]
    check(f"{label}: no page break cuts a chart", not cut, f"{cut[:3]}")
    titles = ws.print_title_rows
    if titles:
        hdr = int(titles.split(":")[0].lstrip("$"))
        below = [t for (t, b) in anchors if t + 1 > hdr]
        heads = [c.row for c in ws["A"] if c.row > hdr and c.fill is not None and
                 c.fill.fgColor is not None and str(c.fill.fgColor.rgb).endswith("1F4E79")]
        check(f"{label}: the repeated header is over its own table only",
              not below and not heads, f"charts below {below[:3]}, headers at {heads[:3]}")
    return breaks

# ---- the sheets a template promises ----
if TEMPLATE == "monthly":
    want = (["สรุป", "แนวโน้ม", "ก่อนและหลัง Digital ID", "การยืนยันตัวตน",
             "บริการที่ควรปรับปรุง", "การอบรมเจ้าหน้าที่", "นิยามตัวชี้วัด"] if TH else
            ["Summary", "Trend", "Before and after", "Authentication", "Services to improve",
             "Staff training", "Definitions"])
else:
    want = (["สรุป", "ตามบริการ", "ตามหน่วยงาน", "ตามช่องทาง", "ตามวิธียืนยันตัวตน",
             "ก่อนและหลัง Digital ID", "ผลตามเดือนนับจากเริ่มใช้", "อนุกรมเวลาขัดจังหวะ",
             "ข้อมูล", "นิยามตัวชี้วัด"] if TH else
            ["Summary", "By service", "By unit", "By channel", "By method", "Before and after",
             "Event study", "Interrupted series", "Data", "Definitions"])
check(f"{TEMPLATE}/{LANG}: sheet names {want}", sheets == want, f"got {sheets}")
S = dict(zip(["summary", "trend", "compare", "auth", "improve", "training", "definitions"]
             if TEMPLATE == "monthly" else
             ["summary", "service", "unit", "channel", "method", "compare", "effects", "its",
              "data", "definitions"], sheets))

# ---- definitions: label -> code, both languages ----
ws = wb[S["definitions"]]
hdr = header_row(ws, "ตัวชี้วัด\nKPI" if TH else "KPI\nตัวชี้วัด")
check("definitions: header found", hdr is not None)
label_code = {}
n_defs = 0
for row in ws.iter_rows(min_row=hdr + 1, max_col=5, values_only=True):
    if not row[1] or row[1] not in UNITS:
        continue
    n_defs += 1
    label_code[row[0].split("\n")[0]] = row[1]
    both = all(isinstance(c, str) and "\n" in c for c in (row[0], row[2]))
    if not both:
        check(f"definitions: {row[1]} in Thai and English", False, repr(row[:3]))
check("definitions: every KPI defined", n_defs == 18, f"{n_defs} rows")
check("definitions: meanings, numerators and denominators in two languages",
      all(r[0] == "PASS" for r in results if r[1].startswith("definitions: ") and " in Thai" in r[1]))
check_frozen(ws, hdr, "definitions")

# ---- summary: value, previous, change, year ago, target, met ----
ws = wb[S["summary"]]
hdr = header_row(ws, "ตัวชี้วัด" if TH else "KPI")
check("summary: table header found", hdr is not None)
check_frozen(ws, hdr, "summary")
bad_value, bad_prev, bad_yago, bad_change, bad_type, bad_fmt, rows = [], [], [], [], [], [], 0
for row in ws.iter_rows(min_row=hdr + 1, max_col=8):
    label = row[0].value
    if label not in label_code:
        continue
    k = label_code[label]
    rows += 1
    for col, src, bad in ((1, kpi, bad_value), (2, prev, bad_prev), (4, yago, bad_yago)):
        want_v = num_or_none(total(src, k)["value"]) if total(src, k) else None
        got = row[col].value
        if not close(got if is_number(got) else None, want_v):
            bad.append(f"{k}: {got!r} != {want_v!r}")
        if want_v is not None and not is_number(got):
            bad_type.append(f"{k} col {col}: {type(got).__name__}")
        if want_v is not None and row[col].number_format != FORMATS[UNITS[k]]:
            bad_fmt.append(f"{k}: {row[col].number_format!r}")
    a, b = row[1].value, row[2].value
    want_c = (a - b) * 100 if k in RATES else (a - b) if is_number(a) and is_number(b) else None
    if is_number(a) and is_number(b) and not close(row[3].value, want_c):
        bad_change.append(f"{k}: {row[3].value!r} != {want_c!r}")
    if is_number(a) and is_number(b) and k in RATES and PP not in row[3].number_format:
        bad_change.append(f"{k}: change in {row[3].number_format!r}, not {PP}")
    if is_number(a) and is_number(b) and k not in RATES and "%" in row[3].number_format:
        bad_change.append(f"{k}: change in % ({row[3].number_format!r})")
    t = num_or_none(total(kpi, k)["target"])
    if t is not None:
        check(f"summary: target of {k} is {t}", close(row[6].value, t), repr(row[6].value))
        met = a <= t if k in LOWER_IS_BETTER else a >= t
        shown = wbv[ws.title].cell(row[7].row, 8).value
        check(f"summary: {k} target met is {met}",
              shown == (("บรรลุ" if met else "ไม่บรรลุ") if TH else ("met" if met else "not met")),
              repr(shown))
        f = str(row[7].value).replace("$", "")
        check(f"summary: {k} met/not met is a formula on the value and the target",
              f.startswith("=IF(") and f"B{row[7].row}" in f and f"G{row[7].row}" in f and
              (f"B{row[7].row}<=G{row[7].row}" if k in LOWER_IS_BETTER else
               f"B{row[7].row}>=G{row[7].row}") in f, f)
check("summary: every KPI has a row", rows == 18 if TEMPLATE == "analyst" else rows >= 15, f"{rows}")
check("summary: values equal didkpi kpi --format csv", not bad_value, "; ".join(bad_value[:5]))
check("summary: previous period equals didkpi kpi", not bad_prev, "; ".join(bad_prev[:5]))
check("summary: same period last year equals didkpi kpi", not bad_yago, "; ".join(bad_yago[:5]))
check("summary: change = value - previous (rates in percentage points, " + PP + ")", not bad_change,
      "; ".join(bad_change[:5]))
check("summary: numbers are stored as numbers", not bad_type, "; ".join(bad_type[:5]))
check("summary: number formats by unit (%, #,##0.0 hours, #,##0 counts)", not bad_fmt,
      "; ".join(bad_fmt[:5]))
rules = [r for cf in ws.conditional_formatting for r in cf.rules]
check("summary: conditional formats for targets and changes",
      len(rules) >= 2 * rows and all(r.type == "expression" for r in rules), f"{len(rules)} rules")
# the cover block: period start as a real date in the right calendar
dates = [c for row in ws.iter_rows(min_row=1, max_row=hdr, max_col=2) for c in row if c.is_date]
check("summary: cover dates are real dates", len(dates) >= 4, f"{len(dates)} date cells")
if dates:
    f = dates[0].number_format
    check("summary: dates shown in the " + ("Thai Buddhist" if TH else "Gregorian") + " calendar",
          f.startswith("[$-107041E]") if TH else "[$-107041E]" not in f, f)
first = kpi[0]
start = datetime.datetime.strptime(first["period_start"], "%Y-%m-%d")
check("summary: period start date", any(c.value == start for c in dates), repr([c.value for c in dates]))

# ---- trend ----
if "trend" in S:
    ws = wb[S["trend"]]
    hdr = header_row(ws, "เดือน" if TH else "Month")
    check("trend: header found", hdr is not None)
    check_frozen(ws, hdr, "trend")
    heads = [c.value for c in ws[hdr]]
    months = sorted({r["period_start"] for r in trend})
    got_months, bad = [], []
    for row in ws.iter_rows(min_row=hdr + 1, max_row=hdr + len(months)):
        d = row[0].value
        got_months.append(d.strftime("%Y-%m-%d") if isinstance(d, datetime.datetime) else repr(d))
        for c in row[1:]:
            lab = heads[c.column - 1]
            if lab not in label_code:
                continue
            k = label_code[lab]
            src = [r for r in trend if r["kpi"] == k and r["breakdown"] == "all" and
                   r["period_start"] == got_months[-1]]
            want_v = num_or_none(src[0]["value"]) if src else "missing"
            if not close(c.value, want_v):
                bad.append(f"{got_months[-1]} {k}: {c.value!r} != {want_v!r}")
    check("trend: one row per month of the trend", got_months == months, f"{got_months} != {months}")
    check("trend: values equal didkpi kpi --interval month", not bad, "; ".join(bad[:5]))
    check("trend: months are dates in the " + ("Thai" if TH else "Gregorian") + " calendar",
          ws.cell(hdr + 1, 1).is_date and
          (ws.cell(hdr + 1, 1).number_format.startswith("[$-107041E]") if TH else True),
          ws.cell(hdr + 1, 1).number_format)
    title = str(ws.cell(1, 1).value)
    fy = lambda m: int(m[:4]) + (1 if int(m[5:7]) >= 10 else 0)
    first_m, last_m = got_months[0], got_months[-1]
    fy_start = first_m[5:7] == "10" and fy(first_m) == fy(last_m)
    says_fy = ("ถึงปัจจุบัน" in title) if TH else ("to date" in title)
    check("trend: the title names the months it shows", says_fy == fy_start and
          (("เดือนล่าสุด" in title) if TH else ("last" in title)) != fy_start, title)
    kinds = [type(c).__name__ for c in ws._charts]
    check("trend: native line charts", kinds.count("LineChart") >= 2, f"{kinds}")
    check("trend: a cairo picture (adoption markers, target)", len(ws._images) >= 1,
          f"{len(ws._images)} images")

# ---- before and after ----
ws = wb[S["compare"]]
hdr = header_row(ws, "บริการ" if TH else "Service")
check("compare: header found", hdr is not None)
check_frozen(ws, hdr, "compare")
metric_label = {}
bad, seen = [], 0
block = None
for row in ws.iter_rows(min_row=hdr + 1, max_col=12):
    name = row[0].value
    if name is None:
        continue
    if row[2].value is None and row[9].value is None and row[1].value is None and \
            not str(name).startswith(("รวมทุกบริการ", "All services")):
        block = name          # a metric's heading row
        continue
    if block is None or str(name).startswith(("หมายเหตุ", "Notes", "วิธีทดสอบ", "Tests")):
        continue
    code = "all" if str(name).startswith(("รวมทุกบริการ", "All services")) else \
        code_of.get(("service", name))
    cands = [r for r in compare if r["service_code"] == code]
    # the metric: the one whose 'before' matches in this block
    match = None
    for r in cands:
        if metric_label.get(block, r["metric"]) != r["metric"]:
            continue
        b = num_or_none(r["before"])
        if close(row[2].value if is_number(row[2].value) else None, b) and \
                close(row[3].value if is_number(row[3].value) else None, num_or_none(r["after"])):
            match = r
            break
    if not match:
        bad.append(f"{block}/{name}: no compare row with before {row[2].value!r}")
        continue
    metric_label[block] = match["metric"]
    seen += 1
    for col, key in ((4, "change"), (5, "change_pct"), (6, "ci_low"), (7, "ci_high"),
                     (8, "p_value")):
        v = row[col].value
        want_v = num_or_none(match[key])
        # a rate's change and its interval in percentage points
        if match["metric"] in RATES and key in ("change", "ci_low", "ci_high") and want_v is not None:
            want_v *= 100
            if PP not in row[col].number_format:
                bad.append(f"{code}/{match['metric']} {key} format {row[col].number_format!r}")
        if not close(v if is_number(v) else None, want_v):
            bad.append(f"{code}/{match['metric']} {key}: {v!r} != {want_v!r}")
check("compare: rows equal didkpi compare --format csv", not bad and seen > 10,
      f"{seen} rows; " + "; ".join(bad[:5]))
kinds = [type(c).__name__ for c in ws._charts]
if TEMPLATE == "monthly":
    check("compare: a native before/after bar or column chart", "BarChart" in kinds, f"{kinds}")
    check("compare: a cairo picture with confidence-interval whiskers", len(ws._images) >= 1,
          f"{len(ws._images)}")
rules = [r for cf in ws.conditional_formatting for r in cf.rules]
check("compare: improvement/deterioration conditional formats", len(rules) >= 4, f"{len(rules)}")

# ---- authentication ----
if "auth" in S:
    ws = wb[S["auth"]]
    hdr = header_row(ws, "วิธียืนยันตัวตน" if TH else "Method")
    check_frozen(ws, hdr, "auth")
    bad, n = [], 0
    for row in ws.iter_rows(min_row=hdr + 1, max_col=9):
        code = code_of.get(("method", row[0].value))
        if not code:
            break
        n += 1
        src = [r for r in kpi if r["kpi"] == "auth_success_rate" and r["breakdown"] == "method"
               and r["key"] == code][0]
        if row[8].value is not (src["suppressed"] == "TRUE"):
            bad.append(f"{code}: suppressed flag {row[8].value!r}")
        if src["suppressed"] == "TRUE":
            if row[2].value is not None:
                bad.append(f"{code}: suppressed shown as {row[2].value!r}, not empty")
            continue
        den, num = num_or_none(src["denominator"]), num_or_none(src["numerator"])
        for col, want_v in ((2, den), (3, num), (4, den - num), (5, num_or_none(src["value"]))):
            if not close(row[col].value, want_v):
                bad.append(f"{code} col {col}: {row[col].value!r} != {want_v!r}")
        if row[5].value is not None and row[5].number_format != "0.0%":
            bad.append(f"{code}: success rate format {row[5].number_format!r}")
    check("auth: one row per method", n == len([r for r in names if r["kind"] == "method"]), f"{n}")
    check("auth: events, successes, failures, rates equal didkpi kpi --by method", not bad,
          "; ".join(bad[:5]))
    kinds = [type(c).__name__ for c in ws._charts]
    stacked = [c for c in ws._charts if type(c).__name__ == "BarChart" and
               c.grouping in ("stacked", "percentStacked")]
    check("auth: a native stacked column chart of the method mix", len(stacked) >= 1,
          f"{[(type(c).__name__, getattr(c, 'grouping', None)) for c in ws._charts]}")
    reasons = header_row(ws, "สาเหตุที่ไม่สำเร็จที่พบบ่อย 10 อันดับแรก" if TH else
                         "The 10 most frequent failure reasons")
    check("auth: top failure reasons table", reasons is not None)

# ---- services to improve ----
if "improve" in S:
    ws = wb[S["improve"]]
    hdr = header_row(ws, "ลำดับ" if TH else "Rank")
    check_frozen(ws, hdr, "improve")
    dept = [c.value for c in ws[hdr + 1]]
    scores, bad = [], []
    for row in ws.iter_rows(min_row=hdr + 2, max_col=10, values_only=True):
        if not is_number(row[0]):
            break
        d = max(0.0, min(1.0, (dept[5] - row[5]) / dept[5])) if is_number(row[5]) else 0
        t = max(0.0, min(1.0, (row[6] - dept[6]) / dept[6])) if is_number(row[6]) else 0
        s = max(0.0, min(1.0, (dept[7] - row[7]) / dept[7])) if is_number(row[7]) else 0
        if not close(row[8], (d + t + s) / 3 * 100, 1e-6):
            bad.append(f"{row[1]}: score {row[8]} != {(d + t + s) / 3 * 100}")
        scores.append(row[8])
        code = code_of.get(("service", row[1]))
        src = [r for r in kpi if r["kpi"] == "requests" and r["breakdown"] == "service" and
               r["key"] == code]
        if not src or not close(row[4], num_or_none(src[0]["value"])):
            bad.append(f"{row[1]}: requests {row[4]!r}")
    check("improve: ranked services", len(scores) >= 3, f"{len(scores)}")
    check("improve: the documented score, from the shown values", not bad, "; ".join(bad[:5]))
    check("improve: highest score first", scores == sorted(scores, reverse=True), f"{scores}")

# ---- staff training ----
if "training" in S:
    ws = wb[S["training"]]
    hdr = header_row(ws, "หน่วยงาน" if TH else "Unit")
    check_frozen(ws, hdr, "training")
    bad, n = [], 0
    for row in ws.iter_rows(min_row=hdr + 1, max_col=8, values_only=True):
        src = [r for r in kpi if r["kpi"] == "staff_training_coverage" and r["breakdown"] == "unit"
               and r["key"] == row[0]]
        if not src:
            break
        n += 1
        src = src[0]
        if row[7] is not (src["suppressed"] == "TRUE"):
            bad.append(f"{row[0]}: suppressed flag {row[7]!r}")
        if src["suppressed"] == "TRUE":
            if row[1] is not None:
                bad.append(f"{row[0]}: {row[1]!r}, not empty")
            continue
        for col, key in ((1, "denominator"), (2, "numerator"), (4, "value")):
            if not close(row[col], num_or_none(src[key])):
                bad.append(f"{row[0]} {key}: {row[col]!r} != {src[key]}")
    check("training: one row per unit, equal to didkpi kpi --by unit", n > 0 and not bad,
          f"{n} units; " + "; ".join(bad[:5]))
    kinds = [type(c).__name__ for c in ws._charts]
    check("training: a native chart by unit", "BarChart" in kinds, f"{kinds}")

# ---- analyst: breakdown sheets and the tidy data sheet ----
for bd in ("service", "unit", "channel", "method"):
    if bd not in S:
        continue
    ws = wb[S[bd]]
    hdr = header_row(ws, "รหัส" if TH else "Code")
    check_frozen(ws, hdr, f"by {bd}")
    heads = [c.value for c in ws[hdr]]
    bad, cells, supp, text = [], 0, 0, []
    flag = heads.index("ปกปิด" if TH else "suppressed") if ("ปกปิด" if TH else "suppressed") in heads else None
    check(f"by {bd}: a suppressed flag column", flag is not None, f"{heads}")
    for row in ws.iter_rows(min_row=hdr + 2):
        key = row[0].value
        if not key:
            break
        row_supp = False
        for c in row[2:]:
            if isinstance(c.value, str):
                text.append(f"{key}/{heads[c.column - 1]}: {c.value!r}")
            k = label_code.get(heads[c.column - 1])
            src = [r for r in kpi if r["kpi"] == k and r["breakdown"] == bd and r["key"] == key]
            if not src:
                continue
            cells += 1
            if src[0]["suppressed"] == "TRUE":
                supp += 1
                row_supp = True
                if c.value is not None:
                    bad.append(f"{key}/{k}: {c.value!r} not an empty suppressed cell")
            elif not close(c.value if is_number(c.value) else None, num_or_none(src[0]["value"])):
                bad.append(f"{key}/{k}: {c.value!r} != {src[0]['value']}")
        if flag is not None and row[flag].value is not row_supp:
            bad.append(f"{key}: suppressed flag {row[flag].value!r}")
    check(f"by {bd}: every KPI x key equals didkpi kpi --by {bd}", cells > 10 and not bad,
          f"{cells} cells, {supp} suppressed; " + "; ".join(bad[:5]))
    check(f"by {bd}: numeric columns hold no text (pandas reads numbers)", not text,
          "; ".join(text[:5]))

if "data" in S:
    ws = wb[S["data"]]
    hdr = header_row(ws, "period")
    check_frozen(ws, hdr, "data")
    got = []
    for row in ws.iter_rows(min_row=hdr + 1, values_only=True):
        if row[0] is None:
            break
        got.append(row)
    check("data: one row per CSV row", len(got) == len(kpi), f"{len(got)} != {len(kpi)}")
    bad = []
    for g, w in zip(got, kpi):
        if (g[0], g[3], g[4], g[5] or "") != (w["period"], w["kpi"], w["breakdown"], w["key"]):
            bad.append(f"{g[:6]} != {w}")
            continue
        if g[1].strftime("%Y-%m-%d") != w["period_start"] or g[2].strftime("%Y-%m-%d") != w["period_end"]:
            bad.append(f"dates {g[1]} {g[2]}")
        for i, key in ((6, "value"), (7, "numerator"), (8, "denominator"), (9, "target")):
            if not close(g[i], num_or_none(w[key])):
                bad.append(f"{w['kpi']}/{w['key']} {key}: {g[i]!r} != {w[key]!r}")
        if g[10] is not (w["suppressed"] == "TRUE"):
            bad.append(f"{w['kpi']}/{w['key']} suppressed {g[10]!r}")
    check("data: every cell equals didkpi kpi --format csv", not bad, "; ".join(bad[:5]))

# ---- analyst: the event study (didkpi effects -f csv, defaults) ----
def table_rows(ws, hdr):
    """The table's rows below its header, as values, up to the first empty key."""
    got = []
    for row in ws.iter_rows(min_row=hdr + 1, values_only=True):
        if row[0] is None:
            break
        got.append(row)
    return got


def numeric_text(got, cols, label):
    text = [f"row {i + hdr + 1} col {c + 1}: {g[c]!r}" for i, g in enumerate(got)
            for c in cols if isinstance(g[c], str) or isinstance(g[c], bool)]
    check(f"{label}: numeric columns hold numbers or nothing (pandas reads numbers)", not text,
          "; ".join(text[:5]))


if "effects" in S:
    ws = wb[S["effects"]]
    eff = read_csv(f"effects-{LANG}.csv")
    hdr = header_row(ws, "ตัวชี้วัด" if TH else "Outcome")
    check("effects: header on row 4 (pandas read_excel(header=3))", hdr == 4, f"{hdr}")
    check_frozen(ws, hdr, "effects")
    got = table_rows(ws, hdr)
    check("effects: one row per didkpi effects row", len(got) == len(eff) and len(eff) > 50,
          f"{len(got)} != {len(eff)}")
    bad, events = [], 0
    for g, w in zip(got, eff):
        key = (w["outcome"], w["aggregation"], w["e"], w["cohort"])
        gkey = (g[0], g[2], "" if g[3] is None else str(int(g[3])), g[4] or "")
        if gkey != key:
            bad.append(f"{gkey} != {key}")
            continue
        events += w["aggregation"] == "event"
        if g[1] != w["label"]:
            bad.append(f"{key} label {g[1]!r} != {w['label']!r}")
        for i, col in ((5, "estimate"), (6, "se"), (7, "ci_low"), (8, "ci_high"),
                       (9, "p_value"), (10, "n_treated"), (11, "n_control")):
            if not close(g[i] if is_number(g[i]) else None, num_or_none(w[col])):
                bad.append(f"{key} {col}: {g[i]!r} != {w[col]!r}")
        if g[12] is not (w["reliable"].lower() == "true"):
            bad.append(f"{key} reliable {g[12]!r} != {w['reliable']}")
        if (g[12] is False) != bool(g[13]):
            bad.append(f"{key} notes {g[13]!r} with reliable {g[12]!r}")
    check("effects: every number equals didkpi effects -f csv", not bad and events >= 6 * 20,
          f"{events} event rows; " + "; ".join(bad[:5]))
    aggs = {g[2] for g in got}
    check("effects: overall, dynamic, event and pretrend rows",
          {"overall", "dynamic", "event", "pretrend"} <= aggs, f"{aggs}")
    numeric_text(got, (3, 5, 6, 7, 8, 9, 10, 11), "effects")
    notes = " ".join(str(ws.cell(r, 1).value) for r in (2, 3))
    check("effects: the notes name the method, comparison, bootstrap and seed",
          all(w in notes for w in ("Callaway", "999", "20250101", "Mammen")), notes)

# ---- analyst: interrupted time series (didkpi its --kpi K --service S) ----
if "its" in S:
    ws = wb[S["its"]]
    hdr = header_row(ws, "รหัสบริการ" if TH else "Service code")
    check("its: header on row 4 (pandas read_excel(header=3))", hdr == 4, f"{hdr}")
    check_frozen(ws, hdr, "its")
    got = table_rows(ws, hdr)
    by = {(g[0], g[2], g[6]): g for g in got}
    check("its: one row per service, KPI and term", len(by) == len(got), f"{len(got)} rows")
    runs = []
    with open(os.path.join(DIR, "its.lst"), encoding="utf-8") as f:
        for line in f:
            svc, k, st = line.split()
            runs.append((svc, k, int(st)))
    check("its: two rows for every adopting service and KPI",
          len(got) == 2 * len(runs) and len(runs) >= 4, f"{len(got)} rows, {len(runs)} runs")
    bad, fitted, failed = [], 0, 0
    for svc, k, st in runs:
        if st != 0:
            failed += 1
            for term in ("level_change", "slope_change"):
                g = by.get((svc, k, term))
                if g is None or any(v is not None for v in g[7:14]) or not g[14]:
                    bad.append(f"{svc}/{k}/{term}: the CLI failed ({st}) but the row is {g}")
            continue
        ref = {r["term"]: r for r in read_csv(f"its-{svc}-{k}.csv")}
        for term in ("level_change", "slope_change"):
            g, w = by.get((svc, k, term)), ref.get(term)
            if g is None or w is None:
                bad.append(f"{svc}/{k}/{term}: missing ({g is None}, {w is None})")
                continue
            fitted += 1
            if g[4].strftime("%Y-%m-%d") != w["at"] or (g[5] or "") != w["first_post_month"]:
                bad.append(f"{svc}/{k}: dates {g[4]} {g[5]} != {w['at']} {w['first_post_month']}")
            for i, col in ((7, "estimate"), (8, "std_error"), (9, "ci_low"), (10, "ci_high"),
                           (11, "p_value"), (12, "n_pre"), (13, "n_post")):
                if not close(g[i] if is_number(g[i]) else None, num_or_none(w[col])):
                    bad.append(f"{svc}/{k}/{term} {col}: {g[i]!r} != {w[col]!r}")
            if (g[14] or "") != w["warning"]:
                bad.append(f"{svc}/{k} warning {g[14]!r} != {w['warning']!r}")
    check("its: every number equals didkpi its -f csv", not bad and fitted >= 4,
          f"{fitted} fitted, {failed} not estimable; " + "; ".join(bad[:5]))
    numeric_text(got, range(7, 14), "its")

# ---- printing ----
for name in sheets:
    check_print(wb[name], f"print {name}")

for status, what, why in results:
    print(f"{status} {what}" + (f": {why}" if status == "FAIL" and why else ""))
