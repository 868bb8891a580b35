#!/usr/bin/python3
"""Read back an HTML report of didkpi report --format html and check it
against independent numbers (tests/e2e/html.sh). Prints one line per check:
"PASS what" or "FAIL what: why".

usage: check_html.py FILE.html TEMPLATE.ini LANG CUR.csv PREV.csv YAGO.csv TREND.csv

The CSVs are tidy KPI rows (the header of didkpi kpi --format csv) from
tests/reference/kpi_ref.py, which computes the KPIs from the raw rows in
Python: the period, the previous period, the same period a year ago, and
the trend's months. Numbers are compared as the page shows them.
"""
import csv
import re
import sys
from html.parser import HTMLParser

results = []


def check(what, cond, why=""):
    results.append(("PASS " + what) if cond else ("FAIL %s: %s" % (what, why)))


class Doc(HTMLParser):
    """The parts of the page the checks need."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []
        self.elements = []        # (tag, attrs dict)
        self.tables = []          # {"section": id, "thead": [...], "rows": [[(tag, attrs, text)]]}
        self.section = None
        self.cell = None
        self.row = None
        self.part = None
        self.h2 = []
        self.in_h2 = None
        self.style = ""
        self.in_style = False
        self.lang = None
        self.svg_depth = 0
        self.svg_text = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.elements.append((tag, a))
        if tag == "html":
            self.lang = a.get("lang")
        elif tag == "section":
            self.section = a.get("id")
        elif tag == "table":
            self.tables.append({"section": self.section, "head": [], "rows": []})
        elif tag in ("thead", "tbody"):
            self.part = tag
        elif tag == "tr":
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = [tag, a, ""]
        elif tag == "h2":
            self.in_h2 = ""
        elif tag == "style":
            self.in_style = True
        elif tag == "svg":
            self.svg_depth += 1
        elif tag == "text" and self.svg_depth:
            self.svg_text += 1

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.cell[2] = self.cell[2].strip()
            self.row.append(tuple(self.cell))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            t = self.tables[-1]
            (t["head"] if self.part == "thead" else t["rows"]).append(self.row)
            self.row = None
        elif tag == "h2":
            self.h2.append(self.in_h2.strip())
            self.in_h2 = None
        elif tag == "style":
            self.in_style = False
        elif tag == "svg":
            self.svg_depth -= 1
        elif tag == "section":
            self.section = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell[2] += data
        if self.in_h2 is not None:
            self.in_h2 += data
        if self.in_style:
            self.style += data


def template_list(path, section, key):
    """The comma list `key` of [section] in an INI template."""
    cur, val, lines = None, None, open(path, encoding="utf-8").read().splitlines()
    for i, line in enumerate(lines):
        m = re.match(r"\s*\[(.*)\]\s*$", line)
        if m:
            cur = m.group(1).strip()
            continue
        if cur == section and re.match(r"\s*%s\s*=" % key, line):
            val = line.split("=", 1)[1]
            for cont in lines[i + 1:]:
                if cont[:1] in (" ", "\t") and cont.strip() and not cont.strip().startswith("#"):
                    val += " " + cont.strip()
                else:
                    break
            break
    return [v.strip() for v in (val or "").split(",") if v.strip()]


def unit(kpi):
    if kpi == "satisfaction_mean":
        return "score"
    if kpi.endswith("_hours"):
        return "hours"
    if kpi.endswith("_ms"):
        return "ms"
    if kpi in ("cost_per_transaction", "digital_savings_thb"):
        return "baht"
    if kpi.endswith(("_rate", "_csat", "_coverage")):
        return "fraction"
    return "count"


def shown(kpi, value):
    """A value as the page shows it."""
    if value == "":
        return "–"
    v = float(value)
    u = unit(kpi)
    if u == "fraction":
        return "{:,.1f}%".format(v * 100)
    dec = {"score": 2, "hours": 1, "baht": 2}.get(u, 0)
    return "{:,.{}f}".format(v, dec)


def ref(path):
    """{(period, kpi): value} of the 'all' rows."""
    out, order = {}, []
    with open(path, encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["breakdown"] == "all":
                out[(r["period"], r["kpi"])] = r["value"]
                if r["period"] not in order:
                    order.append(r["period"])
    return out, order


def main():
    page, tpl, lang, cur_f, prev_f, yago_f, trend_f = sys.argv[1:8]
    text = open(page, encoding="utf-8").read()
    d = Doc()
    d.feed(text)
    d.close()

    check("html lang is " + lang, d.lang == lang, "lang=%r" % d.lang)
    # self-contained: nothing that loads, nothing that runs
    bad = [t for t, a in d.elements if t in ("script", "link", "iframe", "object", "embed",
                                              "img", "video", "audio", "source", "base")]
    check("no script, link, iframe, object, embed or img element", not bad, str(bad[:5]))
    ext = [(t, k, v) for t, a in d.elements for k, v in a.items()
           if v and re.match(r"\s*(https?:|file:|//|ftp:)", v, re.I)]
    check("no attribute points outside the page", not ext, str(ext[:5]))
    check("no @import and no url() but #fragment or an embedded font in the CSS",
          "@import" not in d.style and
          not re.search(r"url\(\s*(?!#|data:font/(?:ttf|otf);base64,[A-Za-z0-9+/=]+\))", d.style))
    handlers = [(t, k) for t, a in d.elements for k in a if k.lower().startswith("on")]
    check("no event handler attribute", not handlers, str(handlers[:5]))
    check("A4 page size and repeated table headers in the print CSS",
          "size:A4" in d.style.replace(" ", "") and "table-header-group" in d.style)
    check("tables and figures not cut when printed",
          "break-inside:avoid" in d.style.replace(" ", ""))

    # charts: inline SVG, text as outlines, accessible
    svgs = [a for t, a in d.elements if t == "svg"]
    check("charts are inline svg (%d)" % len(svgs), len(svgs) >= 1)
    check("every svg has role img and a viewBox",
          all(a.get("role") == "img" and a.get("viewbox") for a in svgs))
    check("every svg is labelled by its title",
          all(a.get("aria-labelledby") for a in svgs))
    check("svg text is glyph outlines (no <text>)", d.svg_text == 0, "%d text elements" % d.svg_text)
    ids = [a["id"] for t, a in d.elements if "id" in a]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    check("ids are unique across the charts", not dup, str(dup[:5]))

    # table headers
    heads = [c for t in d.tables for r in t["head"] for c in r]
    check("every column header is <th scope=col>",
          heads and all(c[0] == "th" and c[1].get("scope") == "col" for c in heads))
    rowh = [c for t in d.tables for r in t["rows"] for c in r if c[0] == "th"]
    check("every row header has scope=row", rowh and all(c[1].get("scope") == "row" for c in rowh))

    # the summary against the independent reference
    cur, _ = ref(cur_f)
    prev, _ = ref(prev_f)
    yago, _ = ref(yago_f)
    p_cur = next(iter(cur))[0] if cur else None
    p_prev = next(iter(prev))[0] if prev else None
    p_yago = next(iter(yago))[0] if yago else None
    kpis = template_list(tpl, "sheet summary", "kpis")
    summ = [t for t in d.tables if t["section"] == "summary"]
    check("one summary table", len(summ) == 1, "%d" % len(summ))
    if summ and kpis:
        rows = summ[0]["rows"]
        check("summary has a row per template KPI (%d)" % len(kpis), len(rows) == len(kpis),
              "%d rows" % len(rows))
        wrong = []
        for k, r in zip(kpis, rows):
            for col, (src, p) in ((1, (cur, p_cur)), (2, (prev, p_prev)), (4, (yago, p_yago))):
                want = shown(k, src.get((p, k), ""))
                if r[col][2] != want:
                    wrong.append("%s col %d: %r, reference %r" % (k, col, r[col][2], want))
        check("summary values equal the reference (period, previous, year ago)", not wrong,
              "; ".join(wrong[:4]))
        marks = [r[-1][2] for r in rows]
        check("target column says met/not met in words and a symbol",
              all(m[:1] in ("✔", "✘", "–") and len(m) > 2 for m in marks), str(marks[:4]))
        chg = [r[3][2] for r in rows if unit(kpis[rows.index(r)]) == "fraction" and r[3][2] != "–"]
        pp = " จุด" if lang == "th" else " pp"
        check("changes of rates are in percentage points, not %",
              chg and all(c.endswith(pp) and "%" not in c for c in chg), str(chg[:3]))

    # the trend table against the reference months
    tr, months = ref(trend_f)
    tk = template_list(tpl, "sheet trend", "kpis")
    trend = [t for t in d.tables if t["section"] == "trend"]
    if months and tk and trend:
        rows = trend[0]["rows"]
        check("trend has a row per month (%d)" % len(months), len(rows) == len(months),
              "%d rows" % len(rows))
        wrong = []
        for m, r in zip(months, rows):
            for i, k in enumerate(tk):
                want = shown(k, tr.get((m, k), ""))
                if r[1 + i][2] != want:
                    wrong.append("%s %s: %r, reference %r" % (m, k, r[1 + i][2], want))
        check("trend values equal the reference", not wrong, "; ".join(wrong[:4]))
    else:
        check("a trend table and reference months", False, "%d months" % len(months))
    for line in results:
        print(line)


if __name__ == "__main__":
    main()
