#!/usr/bin/python3
"""Checks of didkpi report --jobs (tests/e2e/report.sh), reading the
workbooks with openpyxl and zipfile, independently of didkpi.

usage: jobs_check.py same WB1 WB2
         the two workbooks are the same: every member of the XLSX package
         byte for byte (charts and pictures included), except the
         document's creation time (docProps/core.xml) and, on the summary
         sheet, the two cells that hold the snapshot's and the writing's
         time, which are compared as cells of the same kind
       jobs_check.py consistent BASE WB
         WB was written while a writer committed requests in pairs, one in
         the period and one in the month before, in one transaction each;
         BASE before it started. The requests the period column of WB's
         summary (computed on the second connection) counts beyond BASE's
         are as many as those its previous-month column (computed on the
         first) counts beyond BASE's: one snapshot. The trend sheet's last
         month and the month before agree with those two columns on every
         KPI the sheets share.

Prints one line per check, "PASS what" or "FAIL what: why"; exits 1 when
a check failed.
"""
import datetime
import re
import sys
import zipfile

import openpyxl

TIME_LABELS = {"สแนปช็อตฐานข้อมูล", "จัดทำเมื่อ", "Database snapshot", "Generated"}
failed = 0


def check(ok, what, why=""):
    global failed
    print(("PASS " if ok else "FAIL ") + what + ("" if ok else ": " + why))
    failed |= not ok


def time_cells(path):
    ws = openpyxl.load_workbook(path).worksheets[0]
    refs = []
    for row in ws.iter_rows(min_col=1, max_col=2):
        if row[0].value in TIME_LABELS:
            refs.append(row[1].coordinate)
    return refs


def without_cells(xml, refs):
    for ref in refs:
        xml, n = re.subn(r'<c r="%s"[^>]*?(/>|>.*?</c>)' % ref, "", xml)
        check(n == 1, "the time cell %s is there once" % ref, "found %d" % n)
    return xml


def same(a, b):
    refs = time_cells(a)
    check(len(refs) == 2, "the summary has its two time cells", "found %s" % refs)
    check(refs == time_cells(b), "both have them in the same place")
    za, zb = zipfile.ZipFile(a), zipfile.ZipFile(b)
    names = sorted(za.namelist())
    check(names == sorted(zb.namelist()), "the same package members",
          "%s vs %s" % (names, sorted(zb.namelist())))
    media = 0
    for name in names:
        if name == "docProps/core.xml" or name not in zb.namelist():
            continue
        xa, xb = za.read(name), zb.read(name)
        if name == "xl/worksheets/sheet1.xml":
            xa = without_cells(xa.decode(), refs)
            xb = without_cells(xb.decode(), refs)
        media += name.startswith("xl/media/")
        check(xa == xb, "member %s is the same" % name)
    check(media > 0, "the pictures were compared", "no xl/media member")


def summary_table(ws):
    """The summary's KPI rows: name -> (period, previous month)."""
    kpis, header = {}, False
    for row in ws.iter_rows(values_only=True):
        if row[0] in ("ตัวชี้วัด", "KPI"):
            header = True
        elif header and row[0] is not None and row[1] is not None:
            kpis.setdefault(row[0], (row[1], row[2]))
        elif header:
            break
    return kpis


def trend_table(ws):
    """The trend sheet's header and its month rows."""
    header, months = None, []
    for row in ws.iter_rows(values_only=True):
        if header is None:
            if row[0] in ("เดือน", "Month"):
                header = row
        elif isinstance(row[0], datetime.datetime):
            months.append(row)
        else:
            break  # the table of months ends (adoption markers follow)
    return header, months


def consistent(base_path, path):
    base = summary_table(openpyxl.load_workbook(base_path).worksheets[0])
    wb = openpyxl.load_workbook(path)
    kpis = summary_table(wb.worksheets[0])
    first = next(iter(kpis), None)  # the number of requests
    check(first is not None and first in base, "the summaries have the requests' row",
          "%r / %r" % (list(kpis)[:3], list(base)[:3]))
    if first is None or first not in base:
        return
    grew = kpis[first][0] - base[first][0]
    grew_prev = kpis[first][1] - base[first][1]
    check(grew > 0, "the period holds the writer's requests (%d)" % grew, "none")
    check(grew == grew_prev,
          "as many in the period (second connection) as in the month before (first): %d and %d"
          % (grew, grew_prev), "they differ")
    header, months = trend_table(wb.worksheets[1])
    check(header is not None and len(months) >= 2, "the trend has its months")
    if header is None or len(months) < 2:
        return
    shared = 0
    for col, name in enumerate(header):
        if col == 0 or name not in kpis:
            continue
        shared += 1
        check(kpis[name][0] == months[-1][col], "%s: the period's %r is the trend's last month's %r"
              % (name, kpis[name][0], months[-1][col]), "they differ")
        check(kpis[name][1] == months[-2][col], "%s: the previous month's %r is the trend's %r"
              % (name, kpis[name][1], months[-2][col]), "they differ")
    check(shared >= 5, "the sheets share KPIs", "only %d" % shared)


if sys.argv[1] == "same":
    same(sys.argv[2], sys.argv[3])
else:
    consistent(sys.argv[2], sys.argv[3])
sys.exit(1 if failed else 0)
