#!/usr/bin/python3
"""Checks of didkpi report --jobs (tests/e2e/report.sh), reading the
workbooks with openpyxl and zipfile, independently of didkpi.

usage: jobs_check.py same WB1 WB2
         the two workbooks are the same: every member of the XLSX package
         byte for byte (charts and pictures included), except the
         document's creation time (docProps/core.xml) and, on the summary
         sheet, the two cells that hold the snapshot's and the writing's
         time, which are compared as cells of the same kind
       jobs_check.py consistent WB
         the summary sheet's period column (computed on the second
         connection) and the trend sheet's last month (computed on the
         first) agree on every KPI the two sheets share: one snapshot

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


def consistent(path):
    wb = openpyxl.load_workbook(path)
    summary, trend = wb.worksheets[0], wb.worksheets[1]
    header = last = None
    for row in trend.iter_rows(values_only=True):
        if header is None:
            if row[0] in ("เดือน", "Month"):
                header = row
        elif isinstance(row[0], datetime.datetime):
            last = row  # the months, the period's the last
        else:
            break  # the table of months ends (adoption markers follow)
    kpis = {}
    for row in summary.iter_rows(values_only=True):
        if row[0] is not None and row[1] is not None:
            kpis.setdefault(row[0], row[1])
    shared = 0
    for col, name in enumerate(header):
        if col == 0 or name not in kpis:
            continue
        shared += 1
        check(kpis[name] == last[col], "%s: the period's %r is the trend's %r"
              % (name, kpis[name], last[col]), "they differ")
    check(shared >= 5, "the sheets share KPIs", "only %d" % shared)


if sys.argv[1] == "same":
    same(sys.argv[2], sys.argv[3])
else:
    consistent(sys.argv[2])
sys.exit(1 if failed else 0)
