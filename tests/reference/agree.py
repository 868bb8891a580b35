#!/usr/bin/env python3
"""Does the engine's suppressed output agree with the reference?

usage: agree.py ENGINE.csv REFERENCE.csv

kpi_ref.py applies primary small-cell suppression only (SPEC section 4);
the engine adds complementary suppression, checked on its own by
suppress_audit.py.  They agree when the rows are the same, in the same
order; every row the reference suppresses is suppressed by the engine; a
row only the engine suppresses is the reference's row with value,
numerator and denominator blank and suppressed=TRUE; every other row is
byte for byte the same.  Prints the first differences; exit 1 if any.
"""
import csv
import sys


def main():
    eng = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
    ref = list(csv.reader(open(sys.argv[2], newline="", encoding="utf-8")))
    bad = []
    if len(eng) != len(ref) or not ref or eng[0] != ref[0]:
        bad.append("row counts or headers differ: %d vs %d" % (len(eng), len(ref)))
    else:
        for i, (e, r) in enumerate(zip(eng[1:], ref[1:]), 2):
            if e == r:
                continue
            if (e[10] == "TRUE" and r[10] == "FALSE" and e[:6] == r[:6]
                    and e[6:9] == ["", "", ""] and e[9] == r[9] and e[11:] == r[11:]):
                continue
            bad.append("line %d: engine %s reference %s" % (i, ",".join(e), ",".join(r)))
    for b in bad[:10]:
        print(b)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
