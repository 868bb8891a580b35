"""Reads the summary sheet of an English workbook and compares its
previous-period (column C) and year-ago (column E) values with didkpi kpi's
CSV of those periods. Usage: summary_periods.py BOOK LIST.csv PREV.csv
YAGO.csv; prints "CHECKED MISMATCHED" and each mismatch on stderr."""
import csv
import sys

import openpyxl

book, lst, prev, yago = sys.argv[1:5]
with open(lst, newline="", encoding="utf-8") as f:
    code = {r["label"]: r["kpi"] for r in csv.DictReader(f)}


def totals(name):
    with open(name, newline="", encoding="utf-8") as f:
        return {r["kpi"]: r["value"] for r in csv.DictReader(f) if r["breakdown"] == "all"}


want = (totals(prev), totals(yago))
checked = bad = 0
for row in openpyxl.load_workbook(book).worksheets[0].iter_rows(values_only=True):
    k = code.get(row[0])
    if not k:
        continue
    for got, src in ((row[2], want[0]), (row[4], want[1])):
        w = float(src[k]) if src.get(k) else None
        g = got if isinstance(got, (int, float)) else None
        checked += 1
        if (w is None) != (g is None) or (w is not None and abs(g - w) > 1e-9 * max(1.0, abs(w))):
            bad += 1
            print(f"{k}: workbook {got!r}, kpi {src.get(k)!r}", file=sys.stderr)
print(checked, bad)
