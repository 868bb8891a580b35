/* The self-contained HTML report (see html.h). */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <cairo-svg.h>
#include <fontconfig/fontconfig.h>

#include "chart.h"
#include "chartspec.h"
#include "format.h"
#include "html.h"
#include "log.h"
#include "status.h"

/* The canvas of every chart: the SVG scales to the page through its
 * viewBox, so this sets the text's size relative to the chart. */
#define SVG_W 960
#define SVG_H 480

struct hw {
	FILE *f;
	const struct template *t;
	const struct report_data *d;
	const struct html_options *o;
	int thai, th;
	int nsvg;                  /* charts written: their ids' prefix */
	int failed;                /* DK_SOFTWARE once a chart failed */
};

static const char *T(const struct hw *h, const char *th, const char *en)
{
	return h->thai ? th : en;
}

void html_escape_write(FILE *f, const char *s)
{
	if (!s)
		return;
	for (; *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default: putc(*s, f); break;
		}
	}
}

/* Escaped text. */
static void E(struct hw *h, const char *s)
{
	html_escape_write(h->f, s);
}

/* Markup (never data): printf to the file. */
static void P(struct hw *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void P(struct hw *h, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(h->f, fmt, ap);
	va_end(ap);
}

static const char *dept(const struct hw *h)
{
	char *const *d = h->t->department;

	return d[h->th] ? d[h->th] : d[!h->th] ? d[!h->th] : "";
}

static const char *period_human(const struct hw *h, const struct period *p, char *buf)
{
	period_label_human(p, h->thai, buf, PERIOD_HUMAN_LEN);
	return buf;
}

/* "27 พ.ย. 2569 17:12 น." / "27 Nov 2026 17:12" from "YYYY-MM-DD HH:MM:SS". */
static const char *stamp_human(const struct hw *h, const char *ts, char *buf, size_t len)
{
	int y, mo, d, hh, mi;

	if (!ts || sscanf(ts, "%4d-%2d-%2d %2d:%2d", &y, &mo, &d, &hh, &mi) != 5 ||
	    !period_month_name(mo, h->thai, 1))
		return ts ? ts : "";
	if (h->thai)
		snprintf(buf, len, "%d %s %d %02d:%02d น.", d, period_month_name(mo, 1, 1), y + 543,
			 hh, mi);
	else
		snprintf(buf, len, "%d %s %d %02d:%02d", d, period_month_name(mo, 0, 1), y, hh, mi);
	return buf;
}

/* "15 มี.ค. 2568" / "15 Mar 2025". */
static const char *date_human(const struct hw *h, struct civil_date d, char *buf, size_t len)
{
	const char *m = period_month_name(d.month, h->thai, 1);

	snprintf(buf, len, "%d %s %d", d.day, m ? m : "?", h->thai ? d.year + 543 : d.year);
	return buf;
}

/* ---- numbers for people ---- */

#define NUM_LEN 64

/* Decimals a value of unit u is shown with. */
static int unit_decimals(enum kpi_unit u)
{
	switch (u) {
	case UNIT_FRACTION: return 1;  /* of the percentage */
	case UNIT_SCORE: return 2;
	case UNIT_HOURS: return 1;
	case UNIT_BAHT: return 2;
	default: return 0;
	}
}

/* A value: "12,345", "45.2%", "4.25", "12.5", "1,234". */
static const char *num_text(enum kpi_unit u, double v, char *buf)
{
	if (!isfinite(v))
		return "";
	if (u == UNIT_FRACTION) {
		fmt_grouped(v * 100, 1, buf, NUM_LEN - 1);
		strcat(buf, "%");
		return buf;
	}
	return fmt_grouped(v, unit_decimals(u), buf, NUM_LEN);
}

/* A change, signed; a rate's in percentage points ("+3.1 จุด", "+3.1 pp"),
 * never with "%" (which would read as a relative change). */
static const char *change_text(const struct hw *h, enum kpi_unit u, double v, char *buf)
{
	char n[NUM_LEN / 2];
	int dec = unit_decimals(u);
	double x = u == UNIT_FRACTION ? v * 100 : v;
	double r = round(x * pow(10, dec)) / pow(10, dec);

	if (!isfinite(v))
		return "";
	fmt_grouped(fabs(x), dec, n, sizeof(n));
	snprintf(buf, NUM_LEN, "%s%s%s", r > 0 ? "+" : r < 0 ? "\xe2\x88\x92" : "", n,
		 u == UNIT_FRACTION ? T(h, " จุด", " pp") : "");
	return buf;
}

/* A relative change ("+12.3%"). */
static const char *pct_text(double v, char *buf)
{
	char n[NUM_LEN / 2];
	double r = round(v * 1000) / 1000;

	if (!isfinite(v))
		return "";
	fmt_grouped(fabs(v) * 100, 1, n, sizeof(n));
	snprintf(buf, NUM_LEN, "%s%s%%", r > 0 ? "+" : r < 0 ? "\xe2\x88\x92" : "", n);
	return buf;
}

static const char *suppressed_text(const struct hw *h)
{
	return T(h, "ปกปิด", "suppressed");
}

/* A table cell with a KPI row's value: the number, "ปกปิด" for a
 * suppressed small cell, "–" when there is none. */
static void td_kpi(struct hw *h, const struct kpi_row *row)
{
	char b[NUM_LEN];

	if (row && row->suppressed)
		P(h, "<td class=\"sup\">%s</td>", suppressed_text(h));
	else if (!row || !row->value.set)
		P(h, "<td class=\"na\">–</td>");
	else
		P(h, "<td>%s</td>", num_text(kpi_defs[row->kpi].unit, row->value.v, b));
}

static void td_num(struct hw *h, enum kpi_unit u, int set, double v)
{
	char b[NUM_LEN];

	if (!set || !isfinite(v))
		P(h, "<td class=\"na\">–</td>");
	else
		P(h, "<td>%s</td>", num_text(u, v, b));
}

/* A change cell: the sign shows the direction, the colour better or worse,
 * and hidden words say better or worse to a screen reader. */
static void td_change(struct hw *h, enum kpi_unit u, int higher_is_better, int set, double v)
{
	char b[NUM_LEN];
	const char *cls = "";
	int better = -1;

	if (!set || !isfinite(v)) {
		P(h, "<td class=\"na\">–</td>");
		return;
	}
	change_text(h, u, v, b);
	if (b[0] == '+')
		better = higher_is_better;
	else if (b[0] != '\0' && strncmp(b, "0", 1))
		better = !higher_is_better;
	if (better >= 0)
		cls = better ? " class=\"good\"" : " class=\"bad\"";
	/* the colour says better or worse; a screen reader says it in words */
	P(h, "<td%s>%s%s%s%s</td>", cls, better < 0 ? "" : "<span class=\"vh\">",
	  better < 0 ? "" : better ? T(h, "ดีขึ้น ", "better ") : T(h, "แย่ลง ", "worse "),
	  better < 0 ? "" : "</span>", b);
}

/* ---- charts: cairo's SVG surface into memory, inlined ---- */

struct buf {
	char *p;
	size_t n, cap;
	int oom;
};

static cairo_status_t buf_write(void *closure, const unsigned char *data, unsigned int len)
{
	struct buf *b = closure;

	if (b->n + len + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 65536;
		char *p;

		while (cap < b->n + len + 1)
			cap *= 2;
		if (!(p = realloc(b->p, cap))) {
			b->oom = 1;
			return CAIRO_STATUS_WRITE_ERROR;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->n, data, len);
	b->n += len;
	b->p[b->n] = '\0';
	return CAIRO_STATUS_SUCCESS;
}

/* The SVG text of c drawn on width x height, NUL-terminated, in *out
 * (malloc'd). Returns DK_OK or DK_SOFTWARE. */
static int svg_render(const struct chart *c, int width, int height, char **out)
{
	struct buf b = { 0 };
	cairo_surface_t *sf;
	cairo_t *cr;
	int st;

	*out = NULL;
	sf = cairo_svg_surface_create_for_stream(buf_write, &b, width, height);
	cr = cairo_create(sf);
	st = chart_render(c, cr, width, height);
	cairo_destroy(cr);
	cairo_surface_finish(sf);
	if (!st && cairo_surface_status(sf) != CAIRO_STATUS_SUCCESS) {
		log_error("cannot draw a chart as svg: %s",
			  b.oom ? "out of memory" : cairo_status_to_string(cairo_surface_status(sf)));
		st = DK_SOFTWARE;
	}
	cairo_surface_destroy(sf);
	if (st || !b.p) {
		free(b.p);
		return st ? st : DK_SOFTWARE;
	}
	*out = b.p;
	return DK_OK;
}

/* Writes the number at *s (a path coordinate) with at most two decimals,
 * a hundredth of a pixel on the chart's canvas; moves *s past it. */
static void path_number(struct hw *h, const char **s)
{
	char *end, buf[48];
	double v = strtod(*s, &end);
	size_t n;

	if (end == *s) {
		putc(*(*s)++, h->f);
		return;
	}
	*s = end;
	snprintf(buf, sizeof(buf), "%.2f", v);
	n = strlen(buf);
	while (n > 0 && buf[n - 1] == '0')
		buf[--n] = '\0';
	if (n > 0 && buf[n - 1] == '.')
		buf[--n] = '\0';
	fputs(strcmp(buf, "-0") ? buf : "0", h->f);
}

/*
 * Writes the body of cairo's SVG (after its root tag) with every id made
 * unique in the document: cairo names its glyphs "glyph0-1" in every
 * file, and in one HTML document a <use> finds the first element of that
 * id, which would be another chart's glyph. Path coordinates (the glyph
 * outlines are most of the bytes) keep two decimals instead of six.
 */
static void svg_body(struct hw *h, const char *s, const char *prefix)
{
	static const char *const pats[] = { "id=\"", "href=\"#", "url(#", " d=\"" };
	static const size_t lens[] = { 4, 7, 5, 4 };

	while (*s) {
		size_t i;

		for (i = 0; i < 4; i++)
			if (*s == pats[i][0] && !strncmp(s, pats[i], lens[i]))
				break;
		if (i == 4) {
			putc(*s++, h->f);
			continue;
		}
		fwrite(s, 1, lens[i], h->f);
		s += lens[i];
		if (i < 3) {
			fputs(prefix, h->f);
			continue;
		}
		while (*s && *s != '"') {
			if ((*s >= '0' && *s <= '9') || *s == '-' || *s == '.')
				path_number(h, &s);
			else
				putc(*s++, h->f);
		}
	}
}

/* Writes c as a <figure> with an inline SVG: role img, a <title> and an
 * aria-label for screen readers. */
static int figure(struct hw *h, const struct chart *c, const char *alt)
{
	char prefix[24], *svg = NULL;
	const char *body;
	int st;

	if ((st = svg_render(c, SVG_W, SVG_H, &svg))) {
		h->failed = st;
		return st;
	}
	body = strstr(svg, "<svg");
	body = body ? strchr(body, '>') : NULL;
	if (!body) {
		log_error("cannot draw a chart as svg: no svg element");
		free(svg);
		return h->failed = DK_SOFTWARE;
	}
	h->nsvg++;
	snprintf(prefix, sizeof(prefix), "c%d-", h->nsvg);
	P(h, "<figure class=\"chart\">\n<svg viewBox=\"0 0 %d %d\" role=\"img\" "
	  "aria-labelledby=\"c%d-title\"><title id=\"c%d-title\">", SVG_W, SVG_H, h->nsvg, h->nsvg);
	E(h, alt && *alt ? alt : c->title);
	P(h, "</title>");
	svg_body(h, body + 1, prefix);
	P(h, "\n</figure>\n");
	free(svg);
	return DK_OK;
}

/* ---- the charts of each section, from the one chart builder ---- */

/*
 * Every chart is built by lib/chartspec.c, the builder didkpi chart, the
 * workbook and the PDF brief use too, so a chart says the same things
 * wherever it is drawn; this file only places it. A chart with nothing to
 * show is left out (its section's table says so).
 */
static void draw(struct hw *h, int st, struct chartspec *cs)
{
	if (st)
		h->failed = st;
	else if (!cs->empty)
		figure(h, &cs->chart, cs->alt);
	chartspec_free(cs);
}

static struct chartspec_ctx spec_ctx(const struct hw *h, const char *title)
{
	struct chartspec_ctx c = { .thai = h->thai, .title = title };

	return c;  /* today's year 0: "data as of" from the report's snapshot */
}

/* The trend sheet's charts: one per template chart, of its first KPI (the
 * builder draws one KPI against its target and the adoption days; the
 * table below has every KPI's numbers). A chart of one KPI keeps the
 * template's title. */
static void html_trend_charts(struct hw *h, const struct tpl_sheet *sh)
{
	P(h, "<div class=\"charts\">\n");
	for (size_t i = 0; i < sh->ncharts && !h->failed; i++) {
		const struct tpl_chart *tc = sh->charts[i];
		struct chartspec_ctx c = spec_ctx(h, tc->nkpis == 1 ? tc->title[h->th] : NULL);
		struct chartspec *cs = NULL;
		int st;

		if (tc->nkpis < 1)
			continue;
		st = chartspec_report_trend(&c, h->d, (enum kpi_id)tc->kpis[0], &cs);
		draw(h, st, cs);
	}
	P(h, "</div>\n");
}

/* The compare sheet's charts: each chart's metric before and after. */
static void html_compare_charts(struct hw *h, const struct tpl_sheet *sh)
{
	P(h, "<div class=\"charts\">\n");
	for (size_t i = 0; i < sh->ncharts && !h->failed; i++) {
		const struct tpl_chart *tc = sh->charts[i];
		struct chartspec_ctx c = spec_ctx(h, tc->title[h->th]);
		struct chartspec *cs = NULL;
		int st;

		if (tc->metric < 0)
			continue;
		st = chartspec_report_compare(&c, h->d, (enum compare_metric)tc->metric,
					      h->o->window_months, &cs);
		draw(h, st, cs);
	}
	P(h, "</div>\n");
}

/* The method mix by month, as shares, when the auth sheet has its chart. */
static void html_auth_charts(struct hw *h, const struct tpl_sheet *sh)
{
	for (size_t i = 0; i < sh->ncharts && !h->failed; i++) {
		const struct tpl_chart *tc = sh->charts[i];
		struct chartspec_ctx c = spec_ctx(h, tc->title[h->th]);
		struct chartspec *cs = NULL;
		int st;

		if (tc->type != TPL_CHART_STACKED || !h->d->methods)
			continue;
		st = chartspec_report_methods(&c, h->d, 1, &cs);
		draw(h, st, cs);
		break;
	}
}

/* ---- the document ---- */

/* The CSS name of the embedded Thai font (see font_faces()). */
#define FACE "didkpi Thai"

static const char css[] =
	":root{--ink:#1b1b1b;--muted:#555;--line:#c9d3de;--head:#1f4e79;--good:#0a6b2d;"
	"--bad:#a4001d;--band:#f3f6f9}\n"
	"*{box-sizing:border-box}\n"
	"html{-webkit-text-size-adjust:100%}\n"
	"body{margin:0;color:var(--ink);background:#fff;font:16px/1.55 \"" FACE "\",\"Sarabun\",\"Noto Sans Thai\","
	"\"Noto Sans Thai UI\",\"Leelawadee UI\",\"Thonburi\",\"Tahoma\",\"Loma\",sans-serif}\n"
	"main{max-width:1100px;margin:0 auto;padding:12px 16px 32px}\n"
	"header.cover h1{font-size:1.55rem;line-height:1.3;color:var(--head);margin:.4em 0 .2em}\n"
	"header.cover .dept{font-size:1.1rem;margin:0}\n"
	"dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:.8em 0;"
	"font-size:.92rem}\n"
	"dl.meta dt{color:var(--muted)}dl.meta dd{margin:0}\n"
	"nav.toc ol{margin:.4em 0;padding-left:1.4em}\n"
	"section{margin-top:1.6em}\n"
	"h2{font-size:1.3rem;color:var(--head);border-bottom:2px solid var(--head);"
	"padding-bottom:.15em;margin:0 0 .5em}\n"
	"h3{font-size:1.08rem;margin:1.1em 0 .4em}\n"
	"p.note{font-size:.88rem;color:var(--muted);margin:.4em 0}\n"
	"p.lead{margin:.2em 0 .6em}\n"
	".scroll{position:relative;overflow-x:auto;-webkit-overflow-scrolling:touch;margin:.4em 0 .8em;"
	"border:1px solid var(--line);border-radius:4px}\n"
	"table{border-collapse:collapse;width:100%;font-size:.9rem}\n"
	"caption{text-align:left;font-weight:600;padding:6px 8px}\n"
	"th,td{padding:5px 8px;border-bottom:1px solid var(--line);vertical-align:top}\n"
	"thead th{background:var(--head);color:#fff;font-weight:600;text-align:left}\n"
	"tbody th{text-align:left;font-weight:normal;min-width:11em}\n"
	"td{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}\n"
	"td.t{text-align:left;white-space:normal;min-width:9em}\n"
	"tr.total th,tr.total td{font-weight:700;background:var(--band)}\n"
	"td.na,td.sup{color:var(--muted)}td.sup{font-style:italic}\n"
	".good{color:var(--good)}.bad{color:var(--bad)}\n"
	".vh{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);"
	"white-space:nowrap}\n"
	"td.met,td.notmet,td.nota{text-align:left}\n"
	"td.met{color:var(--good);font-weight:600}td.notmet{color:var(--bad);font-weight:600}\n"
	"figure.chart{margin:.6em 0 1em}\n"

	"figure.chart svg{display:block;width:100%;height:auto;max-width:960px}\n"
	"footer{margin-top:2em;font-size:.8rem;color:var(--muted);border-top:1px solid var(--line);"
	"padding-top:.5em}\n"
	"@media (max-width:600px){body{font-size:15px}main{padding:8px 10px 24px}"
	"header.cover h1{font-size:1.3rem}dl.meta{grid-template-columns:1fr}"
	"dl.meta dd{margin-bottom:4px}th,td{padding:4px 6px}"
	".scroll tbody th{position:sticky;left:0;background:#fff;min-width:8.5em;"
	"box-shadow:1px 0 0 var(--line)}.scroll tr.total th{background:var(--band)}}\n"
	"@page{size:A4;margin:14mm 12mm}\n"
	"@media print{body{font-size:10pt;line-height:1.35}main{max-width:none;padding:0}"
	"header.cover h1{margin-top:0}dl.meta{margin:.4em 0}section{margin-top:1em}"
	"th,td{padding:2px 4px}caption{padding:2px 4px}"
	"nav.toc{display:none}"
	".scroll{overflow:visible;border:0}"
	"table{font-size:8pt;break-inside:avoid;page-break-inside:avoid}"
	"thead{display:table-header-group}tr{break-inside:avoid}"
	"tbody th{min-width:0}thead th{white-space:normal}"
	"figure.chart{break-inside:avoid;page-break-inside:avoid}"
	"figure.chart svg{max-width:100%;max-height:115mm}"
	"h2,h3,p.lead{break-after:avoid;page-break-after:avoid}"
	"section{break-before:page}section#summary{break-before:auto}"
	"thead th{background:#1f4e79 !important;color:#fff !important;"
	"-webkit-print-color-adjust:exact;print-color-adjust:exact}}\n";

/* ---- the embedded Thai font ---- */

/*
 * The page's Thai text is drawn with the Thai font the charts use, embedded
 * as @font-face data so that a reader without any Thai font still sees Thai
 * (the TLWG fonts are GPL with the font exception, which allows embedding
 * them in documents). Only the Thai block comes from it (unicode-range):
 * Latin text keeps the reader's own sans. Regular and bold only: the page
 * has no italic Thai, and synthetic bold would smear Thai marks.
 */

/* Where the font of family (one of the chart's Thai list) in weight w is,
 * or NULL; the caller frees the result. */
static char *font_file(const char *family, int weight, int *otf)
{
	FcPattern *pat = FcPatternCreate();
	FcObjectSet *os = FcObjectSetBuild(FC_FILE, FC_FONTFORMAT, FC_STYLE, (char *)NULL);
	FcLangSet *ls = FcLangSetCreate();
	FcFontSet *fs = NULL;
	char *file = NULL;

	if (pat && os && ls && FcLangSetAdd(ls, (const FcChar8 *)"th") &&
	    FcPatternAddLangSet(pat, FC_LANG, ls) &&
	    FcPatternAddString(pat, FC_FAMILY, (const FcChar8 *)family) &&
	    FcPatternAddInteger(pat, FC_WEIGHT, weight) &&
	    FcPatternAddInteger(pat, FC_SLANT, FC_SLANT_ROMAN))
		fs = FcFontList(NULL, pat, os);
	for (int i = 0; fs && i < fs->nfont && !file; i++) {
		FcChar8 *path = NULL, *fmt = NULL;

		if (FcPatternGetString(fs->fonts[i], FC_FILE, 0, &path) != FcResultMatch ||
		    FcPatternGetString(fs->fonts[i], FC_FONTFORMAT, 0, &fmt) != FcResultMatch)
			continue;
		/* a browser takes TrueType and CFF (OpenType) data, not Type 1 */
		if (strcmp((const char *)fmt, "TrueType") && strcmp((const char *)fmt, "CFF"))
			continue;
		*otf = !strcmp((const char *)fmt, "CFF");
		file = strdup((const char *)path);
	}
	if (fs)
		FcFontSetDestroy(fs);
	if (ls)
		FcLangSetDestroy(ls);
	if (os)
		FcObjectSetDestroy(os);
	if (pat)
		FcPatternDestroy(pat);
	return file;
}

/* The whole file in *data (the caller frees it); -1 when it cannot be read. */
static int slurp(const char *path, unsigned char **data, size_t *len)
{
	FILE *in = fopen(path, "rb");
	unsigned char *d = NULL, *t;
	size_t n = 0, cap = 0, got;
	int st = -1;

	if (!in)
		return -1;
	do {
		if (n == cap) {
			cap = cap ? 2 * cap : 128 * 1024;
			if (cap > 32u << 20 || !(t = realloc(d, cap)))
				goto out;
			d = t;
		}
		got = fread(d + n, 1, cap - n, in);
		n += got;
	} while (got > 0);
	if (!ferror(in)) {
		*data = d;
		*len = n;
		d = NULL;
		st = 0;
	}
out:
	free(d);
	fclose(in);
	return st;
}

/* len bytes as base64 on h->f. */
static void base64_write(struct hw *h, const unsigned char *p, size_t len)
{
	static const char b64[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

	for (size_t i = 0; i < len; i += 3) {
		unsigned v = (unsigned)p[i] << 16;

		if (i + 1 < len)
			v |= (unsigned)p[i + 1] << 8;
		if (i + 2 < len)
			v |= p[i + 2];
		putc(b64[v >> 18 & 63], h->f);
		putc(b64[v >> 12 & 63], h->f);
		putc(i + 1 < len ? b64[v >> 6 & 63] : '=', h->f);
		putc(i + 2 < len ? b64[v & 63] : '=', h->f);
	}
}

/* The file's path of the first family of the chart's Thai list installed
 * in weight w, or NULL; the caller frees it. */
static char *thai_font(int weight, int *otf, char *family, size_t len)
{
	const char *list = chart_font_family(1);
	char *file = NULL;

	while (*list && !file) {
		size_t n = strcspn(list, ",");

		if (n < len) {
			memcpy(family, list, n);
			family[n] = '\0';
			if (strcmp(family, "sans") && strcmp(family, "serif"))
				file = font_file(family, weight, otf);
		}
		list += n;
		list += strspn(list, ", ");
	}
	return file;
}

/* @font-face rules of the embedded Thai font, regular and bold. */
static void font_faces(struct hw *h)
{
	static const struct { int fc; int css; } w[] = {
		{ FC_WEIGHT_REGULAR, 400 }, { FC_WEIGHT_BOLD, 700 },
	};

	if (!FcInit()) {
		log_warning("cannot initialise fontconfig: no Thai font embedded in the html report");
		return;
	}
	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++) {
		char family[64];
		int otf = 0;
		char *file = thai_font(w[i].fc, &otf, family, sizeof(family));
		unsigned char *data = NULL;
		size_t len = 0;

		if (!file) {
			if (i == 0)
				log_warning("no Thai font to embed in the html report: its Thai "
					    "text needs the reader's own Thai font");
			continue;
		}
		if (slurp(file, &data, &len)) {
			log_warning("cannot read the font %s: not embedded in the html report", file);
			free(file);
			continue;
		}
		/* which font it is, for whoever reads the page */
		P(h, "/* %s (%s) */\n", family, w[i].css == 700 ?
		  "bold" : "regular");
		P(h, "@font-face{font-family:\"" FACE "\";font-style:normal;font-weight:%d;"
		  "unicode-range:U+0E00-0E7F;src:url(data:font/%s;base64,", w[i].css,
		  otf ? "otf" : "ttf");
		base64_write(h, data, len);
		P(h, ") format(\"%s\")}\n", otf ? "opentype" : "truetype");
		free(data);
		free(file);
	}
}

/* The first sheet of type ty in the template, or NULL. */
static const struct tpl_sheet *sheet_of(const struct template *t, enum tpl_sheet_type ty)
{
	for (size_t i = 0; i < t->nsheets; i++)
		if (t->sheets[i].type == ty)
			return &t->sheets[i];
	return NULL;
}

/* A section's heading, from the sheet's title or name when the template
 * gives one, else ours. */
static const char *sheet_heading(const struct hw *h, const struct tpl_sheet *sh, const char *th,
				 const char *en)
{
	(void)sh;
	return T(h, th, en);
}

static void cover(struct hw *h)
{
	const struct report_data *d = h->d;
	const char *title = h->t->title[h->th] ? h->t->title[h->th]
		: T(h, "รายงานตัวชี้วัดการให้บริการด้วย Digital ID", "Digital ID service KPI report");
	char b1[PERIOD_HUMAN_LEN], b2[PERIOD_HUMAN_LEN], b3[64];
	const char *asof = d->fresh.newest_all[0] ? d->fresh.newest_all : d->snapshot;

	P(h, "<header class=\"cover\">\n<h1>");
	E(h, title);
	P(h, "</h1>\n<p class=\"dept\">");
	E(h, dept(h));
	if (*dept(h))
		E(h, "  ·  ");
	E(h, period_human(h, &d->period, b1));
	P(h, "</p>\n<dl class=\"meta\">\n<dt>%s</dt><dd>", T(h, "ช่วงเวลาที่รายงาน", "Reporting period"));
	E(h, period_human(h, &d->period, b1));
	E(h, " (");
	E(h, date_human(h, d->period.start, b2, sizeof(b2)));
	E(h, " – ");
	E(h, date_human(h, date_add_days(d->period.end, -1), b2, sizeof(b2)));
	E(h, ")");
	P(h, "</dd>\n<dt>%s</dt><dd>", T(h, "เปรียบเทียบกับ", "Compared with"));
	E(h, period_human(h, &d->previous, b1));
	E(h, T(h, " และ ", " and "));
	E(h, period_human(h, &d->year_ago, b2));
	P(h, "</dd>\n<dt>%s</dt><dd>", T(h, "ข้อมูล ณ", "Data as of"));
	E(h, stamp_human(h, asof, b3, sizeof(b3)));
	for (int i = 0; i < FRESH_COUNT; i++)
		if (d->fresh.short_[i]) {
			P(h, " <strong class=\"bad\">⚠ ");
			E(h, T(h, "ข้อมูลบางส่วนสิ้นสุดก่อนสิ้นช่วงเวลาที่รายงาน",
			       "some data ends before the reporting period does"));
			P(h, "</strong>");
			break;
		}
	P(h, "</dd>\n<dt>%s</dt><dd>", T(h, "จัดทำเมื่อ", "Generated"));
	E(h, stamp_human(h, d->generated, b3, sizeof(b3)));
	P(h, "</dd>\n");
	if (h->t->source[h->th]) {
		P(h, "<dt>%s</dt><dd>", T(h, "แหล่งข้อมูล", "Source"));
		E(h, h->t->source[h->th]);
		P(h, "</dd>\n");
	}
	P(h, "</dl>\n</header>\n");
}

/* ---- the summary against targets ---- */

static void summary(struct hw *h, const struct tpl_sheet *sh)
{
	const struct report_data *d = h->d;
	char b1[PERIOD_HUMAN_LEN], b2[PERIOD_HUMAN_LEN], b3[PERIOD_HUMAN_LEN], n[NUM_LEN];
	int month = d->period.kind == PERIOD_MONTH, met = 0, notmet = 0;

	P(h, "<section id=\"summary\">\n<h2>%s</h2>\n",
	  sheet_heading(h, sh, "สรุปผลเทียบเป้าหมาย", "Summary against targets"));
	P(h, "<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"%s\">\n<table>\n"
	  "<thead><tr><th scope=\"col\">%s</th><th scope=\"col\">",
	  T(h, "ตารางสรุปผล", "Summary table"), T(h, "ตัวชี้วัด", "KPI"));
	E(h, period_human(h, &d->period, b1));
	P(h, "</th><th scope=\"col\">");
	E(h, period_human(h, &d->previous, b2));
	P(h, "</th><th scope=\"col\">%s</th><th scope=\"col\">",
	  month ? T(h, "เทียบเดือนก่อน", "Change from previous month")
		: T(h, "เทียบช่วงก่อน", "Change from previous period"));
	E(h, period_human(h, &d->year_ago, b3));
	P(h, "</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
	  "</tr></thead>\n<tbody>\n",
	  T(h, "เทียบปีก่อน", "Change from last year"), T(h, "เป้าหมาย", "Target"),
	  T(h, "ผลเทียบเป้าหมาย", "Against target"));
	for (int i = 0; i < sh->nkpis; i++) {
		enum kpi_id k = (enum kpi_id)sh->kpis[i];
		const struct kpi_def *def = &kpi_defs[k];
		const struct kpi_row *cur = report_find(d->cur, 0, k, BD_ALL, NULL);
		const struct kpi_row *prev = report_find(d->past, 0, k, BD_ALL, NULL);
		const struct kpi_row *yago = report_find(d->past, 1, k, BD_ALL, NULL);

		P(h, "<tr><th scope=\"row\">");
		E(h, h->thai ? def->label_th : def->label_en);
		P(h, "</th>");
		td_kpi(h, cur);
		td_kpi(h, prev);
		td_change(h, def->unit, def->higher_is_better,
			  cur && prev && cur->value.set && prev->value.set && !cur->suppressed &&
			  !prev->suppressed, cur && prev ? cur->value.v - prev->value.v : NAN);
		td_kpi(h, yago);
		td_change(h, def->unit, def->higher_is_better,
			  cur && yago && cur->value.set && yago->value.set && !cur->suppressed &&
			  !yago->suppressed, cur && yago ? cur->value.v - yago->value.v : NAN);
		if (cur && cur->target.set) {
			P(h, "<td>%s</td>", num_text(def->unit, cur->target.v, n));
			if (cur->value.set) {
				int ok = def->higher_is_better ? cur->value.v >= cur->target.v
							       : cur->value.v <= cur->target.v;

				if (ok)
					met++;
				else
					notmet++;
				P(h, "<td class=\"%s\">%s</td>", ok ? "met" : "notmet",
				  ok ? T(h, "✔ บรรลุ", "✔ met") : T(h, "✘ ไม่บรรลุ", "✘ not met"));
			} else {
				P(h, "<td class=\"nota\">%s</td>", T(h, "– ไม่มีข้อมูล", "– no data"));
			}
		} else {
			P(h, "<td class=\"na\">–</td><td class=\"nota\">%s</td>",
			  T(h, "– ไม่มีเป้าหมาย", "– no target"));
		}
		P(h, "</tr>\n");
	}
	P(h, "</tbody>\n</table>\n</div>\n");
	P(h, "<p class=\"note\">");
	if (!met && !notmet)
		E(h, T(h, "ไม่มีตัวชี้วัดที่มีเป้าหมายในช่วงนี้. ", "No KPI has a target in this period. "));
	else if (h->thai)
		P(h, "บรรลุเป้าหมาย %d ตัวชี้วัด ไม่บรรลุ %d ตัวชี้วัด. ", met, notmet);
	else
		P(h, "Targets met: %d KPI%s; not met: %d. ", met, met == 1 ? "" : "s", notmet);
	E(h, T(h, "✔ = บรรลุเป้าหมาย, ✘ = ไม่บรรลุ; การเปลี่ยนแปลงของอัตราเป็นจุดร้อยละ (จุด); "
		  "สีเขียว = ดีขึ้น, สีแดง = แย่ลง (สำหรับเวลา ยิ่งน้อยยิ่งดี); "
		  "ปกปิด = กลุ่มเล็กเกินกว่าจะเผยแพร่; – = ไม่มีข้อมูล",
	       "✔ = target met, ✘ = not met; changes of rates are in percentage points (pp); "
	       "green = better, red = worse (for times lower is better); suppressed = a group "
	       "too small to publish; – = no data"));
	P(h, "</p>\n</section>\n");
}

/* ---- the trend ---- */

static void trend(struct hw *h, const struct tpl_sheet *sh)
{
	const struct report_data *d = h->d;
	char b[PERIOD_HUMAN_LEN];

	P(h, "<section id=\"trend\">\n<h2>%s</h2>\n",
	  sheet_heading(h, sh, "แนวโน้มรายเดือน", "Monthly trend"));
	if (!d->nmonths || !d->trend) {
		P(h, "<p class=\"note\">%s</p>\n</section>\n",
		  T(h, "ไม่มีเดือนที่มีข้อมูล", "No months with data"));
		return;
	}
	P(h, "<p class=\"note lead\">");
	E(h, period_human(h, &d->months[0], b));
	E(h, " – ");
	E(h, period_human(h, &d->months[d->nmonths - 1], b));
	P(h, "</p>\n");
	html_trend_charts(h, sh);
	P(h, "<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"%s\">\n<table>\n"
	  "<thead><tr><th scope=\"col\">%s</th>", T(h, "ตารางแนวโน้ม", "Trend table"),
	  T(h, "เดือน", "Month"));
	for (int i = 0; i < sh->nkpis; i++) {
		P(h, "<th scope=\"col\">");
		E(h, h->thai ? kpi_defs[sh->kpis[i]].label_th : kpi_defs[sh->kpis[i]].label_en);
		P(h, "</th>");
	}
	P(h, "</tr></thead>\n<tbody>\n");
	for (size_t m = 0; m < d->nmonths; m++) {
		P(h, "<tr><th scope=\"row\">");
		E(h, period_human(h, &d->months[m], b));
		P(h, "</th>");
		for (int i = 0; i < sh->nkpis; i++)
			td_kpi(h, report_find(d->trend, m, (enum kpi_id)sh->kpis[i], BD_ALL, NULL));
		P(h, "</tr>\n");
	}
	P(h, "</tbody>\n</table>\n</div>\n");
	if (d->markers && d->markers->n) {
		P(h, "<p class=\"note\">%s ", T(h, "บริการที่เริ่มรับ Digital ID ในช่วงนี้:",
						"Services that began accepting Digital ID in these months:"));
		for (size_t j = 0; j < d->markers->n; j++) {
			if (j)
				E(h, "; ");
			E(h, h->thai ? d->markers->v[j].name_th : d->markers->v[j].name_en);
			E(h, " (");
			E(h, date_human(h, d->markers->v[j].since, b, sizeof(b)));
			E(h, ")");
		}
		P(h, "</p>\n");
	}
	P(h, "</section>\n");
}

/* ---- before and after Digital ID ---- */

/* Pooled row first, then services by adoption date, then code. */
static int cmp_rows(const void *pa, const void *pb)
{
	const struct compare_row *a = *(const struct compare_row *const *)pa;
	const struct compare_row *b = *(const struct compare_row *const *)pb;
	int c;

	if (a->pooled != b->pooled)
		return b->pooled - a->pooled;
	if (a->has_dates && b->has_dates && (c = date_cmp(a->adopted, b->adopted)))
		return c;
	return strcmp(a->service_code, b->service_code);
}

static void compare_line(struct hw *h, const struct compare_row *r)
{
	const struct compare_metric_def *def = &compare_metrics[r->metric];
	char b1[NUM_LEN], b2[NUM_LEN], db[64];

	P(h, "<tr%s><th scope=\"row\">", r->pooled ? " class=\"total\"" : "");
	if (r->pooled) {
		char t[96];

		snprintf(t, sizeof(t), T(h, "รวมทุกบริการ (%d บริการ)", "All services (%d pooled)"),
			 r->pooled_services);
		E(h, t);
	} else {
		E(h, h->thai ? r->name_th : r->name_en);
	}
	P(h, "</th>");
	if (r->has_dates) {
		P(h, "<td>");
		E(h, date_human(h, r->adopted, db, sizeof(db)));
		P(h, "</td>");
	} else {
		P(h, "<td class=\"na\">–</td>");
	}
	td_num(h, def->unit, r->before.set, r->before.v);
	td_num(h, def->unit, r->after.set, r->after.v);
	td_change(h, def->unit, def->higher_is_better, r->change.set, r->change.v);
	P(h, "<td>%s</td>", r->change_pct.set ? pct_text(r->change_pct.v, b1) : "–");
	if (r->ci_low.set && r->ci_high.set)
		P(h, "<td>%s … %s</td>", change_text(h, def->unit, r->ci_low.v, b1),
		  change_text(h, def->unit, r->ci_high.v, b2));
	else
		P(h, "<td class=\"na\">–</td>");
	if (r->p_value.set)
		P(h, "<td>%s</td>", r->p_value.v < 0.001 ? "&lt; 0.001"
		  : (snprintf(b1, sizeof(b1), "%.3f", r->p_value.v), b1));
	else
		P(h, "<td class=\"na\">–</td>");
	if (r->p_value.set && r->p_value.v < 0.05 && r->change.set) {
		int better = def->higher_is_better ? r->change.v > 0 : r->change.v < 0;

		P(h, "<td class=\"t %s\">%s</td>", better ? "met" : "notmet",
		  better ? T(h, "✔ ดีขึ้นอย่างมีนัยสำคัญ", "✔ significantly better")
			 : T(h, "✘ แย่ลงอย่างมีนัยสำคัญ", "✘ significantly worse"));
	} else {
		P(h, "<td class=\"t\">%s</td>",
		  T(h, "○ ไม่แตกต่างอย่างมีนัยสำคัญ", "○ no significant change"));
	}
	P(h, "</tr>\n");
}

static int compare(struct hw *h, const struct tpl_sheet *sh)
{
	const struct compare_result *cr = h->d->compare;
	const struct compare_row **rows = NULL;
	size_t i;

	P(h, "<section id=\"compare\">\n<h2>%s</h2>\n",
	  sheet_heading(h, sh, "ก่อนและหลังใช้ Digital ID", "Before and after Digital ID"));
	P(h, "<p class=\"note lead\">");
	if (h->thai)
		P(h, "ค่าของตัวชี้วัดในช่วง %d เดือนก่อนและ %d เดือนหลังวันที่แต่ละบริการเริ่มรับ "
		  "Digital ID พร้อมช่วงความเชื่อมั่น 95%% ของการเปลี่ยนแปลงและค่า p",
		  h->o->window_months, h->o->window_months);
	else
		P(h, "Each KPI over the %d months before and the %d months after the day each "
		  "service began accepting Digital ID, with the 95%% confidence interval of the "
		  "change and the p-value", h->o->window_months, h->o->window_months);
	P(h, "</p>\n");
	if (!cr || !cr->nrows) {
		P(h, "<p class=\"note\">%s</p>\n</section>\n",
		  T(h, "ยังไม่มีบริการที่เริ่มรับ Digital ID", "No service has begun accepting Digital ID yet"));
		return DK_OK;
	}
	if (!(rows = calloc(cr->nrows, sizeof(*rows))))
		return DK_SOFTWARE;
	html_compare_charts(h, sh);
	for (int mi = 0; mi < sh->nmetrics; mi++) {
		enum compare_metric m = (enum compare_metric)sh->metrics[mi];
		const struct compare_metric_def *def = &compare_metrics[m];
		size_t n = 0, nskip = 0;

		for (i = 0; i < cr->nrows; i++)
			if (cr->rows[i].metric == m) {
				if (cr->rows[i].skip)
					nskip++;
				else
					rows[n++] = &cr->rows[i];
			}
		qsort(rows, n, sizeof(*rows), cmp_rows);
		P(h, "<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"");
		E(h, h->thai ? def->label_th : def->label_en);
		P(h, "\">\n<table>\n<caption>");
		E(h, h->thai ? def->label_th : def->label_en);
		P(h, "</caption>\n<thead><tr>");
		{
			static const char *const th[] = { "บริการ", "เริ่มใช้ Digital ID", "ก่อน", "หลัง",
				"เปลี่ยนแปลง", "เปลี่ยนแปลง (%)", "ช่วงความเชื่อมั่น 95%", "ค่า p", "สรุปผล" };
			static const char *const en[] = { "Service", "Digital ID since", "Before", "After",
				"Change", "Change (%)", "95% CI of the change", "p-value", "Conclusion" };

			for (size_t c = 0; c < sizeof(th) / sizeof(*th); c++) {
				P(h, "<th scope=\"col\">");
				E(h, h->thai ? th[c] : en[c]);
				P(h, "</th>");
			}
		}
		P(h, "</tr></thead>\n<tbody>\n");
		for (i = 0; i < n; i++)
			compare_line(h, rows[i]);
		if (!n)
			P(h, "<tr><td class=\"t\" colspan=\"9\">%s</td></tr>\n",
			  T(h, "ยังไม่มีบริการที่มีข้อมูลพอ", "No service has enough data yet"));
		P(h, "</tbody>\n</table>\n</div>\n");
		if (nskip) {
			int first = 1;

			P(h, "<p class=\"note\">%s ", T(h, "ข้อมูลยังไม่พอ (ช่วงหลังยังไม่ครบ หรือน้อยกว่า 30 รายการ):",
							"Not enough data yet (after-window not over, or fewer than 30 observations):"));
			for (i = 0; i < cr->nrows; i++) {
				const struct compare_row *r = &cr->rows[i];

				if (r->metric != m || !r->skip)
					continue;
				if (!first)
					E(h, ", ");
				first = 0;
				E(h, r->pooled ? T(h, "รวมทุกบริการ", "all services")
					       : h->thai ? r->name_th : r->name_en);
			}
			P(h, "</p>\n");
		}
	}
	P(h, "<p class=\"note\">%s</p>\n</section>\n",
	  T(h, "✔/✘ = ดีขึ้น/แย่ลงอย่างมีนัยสำคัญ (ค่า p &lt; 0.05); การเปลี่ยนแปลงของอัตราเป็นจุดร้อยละ; "
	       "วิธีทดสอบ: อัตรา z-test (ช่วงความเชื่อมั่น Newcombe); เวลา Mann–Whitney (Hodges–Lehmann); "
	       "คะแนน Welch t; คำขอต่อเดือน Poisson แบบแม่นตรง",
	    "✔/✘ = significantly better/worse (p &lt; 0.05); rate changes are in percentage "
	    "points; tests: rates z-test (Newcombe interval); times Mann–Whitney "
	    "(Hodges–Lehmann); scores Welch t; requests per month exact Poisson."));
	free(rows);
	return DK_OK;
}

/* ---- authentication ---- */

static const char *step_text(const struct hw *h, const char *step)
{
	if (!strcmp(step, "identification"))
		return T(h, "พิสูจน์ตัวตน", "identification");
	if (!strcmp(step, "authentication"))
		return T(h, "ยืนยันตัวตน", "authentication");
	return step;
}


struct method_line {
	const struct kpi_row *rate, *latency;
	double events;
};

static int method_cmp(const void *pa, const void *pb)
{
	const struct method_line *a = pa, *b = pb;

	if (a->events != b->events)
		return a->events < b->events ? 1 : -1;
	return strcmp(a->rate->key, b->rate->key);
}

static int auth(struct hw *h, const struct tpl_sheet *sh)
{
	const struct report_data *d = h->d;
	const struct kpi_row *all_rate = report_find(d->cur, 0, KPI_AUTH_SUCCESS_RATE, BD_ALL, NULL);
	const struct kpi_row *all_lat = report_find(d->cur, 0, KPI_AUTH_LATENCY_MEDIAN, BD_ALL, NULL);
	struct method_line *ml = NULL;
	double total = all_rate && all_rate->denominator.set ? all_rate->denominator.v : 0;
	size_t n = 0, i, j;

	if (d->cur && !(ml = calloc(d->cur->nrows + 1, sizeof(*ml))))
		return DK_SOFTWARE;
	for (i = 0; d->cur && i < d->cur->nrows; i++) {
		const struct kpi_row *row = &d->cur->rows[i];

		if (row->kpi != KPI_AUTH_SUCCESS_RATE || row->bd != BD_METHOD)
			continue;
		ml[n].rate = row;
		ml[n].latency = report_find(d->cur, 0, KPI_AUTH_LATENCY_MEDIAN, BD_METHOD, row->key);
		ml[n].events = row->denominator.set ? row->denominator.v : 0;
		n++;
	}
	if (n)
		qsort(ml, n, sizeof(*ml), method_cmp);
	P(h, "<section id=\"auth\">\n<h2>%s</h2>\n",
	  sheet_heading(h, sh, "การยืนยันตัวตน", "Authentication"));
	html_auth_charts(h, sh);
	P(h, "<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"%s\">\n<table>\n"
	  "<caption>%s</caption>\n<thead><tr>",
	  T(h, "การยืนยันตัวตนแยกตามวิธี", "Authentication by method"),
	  T(h, "การยืนยันตัวตนแยกตามวิธี", "Authentication by method"));
	{
		static const char *const th[] = { "วิธียืนยันตัวตน", "Digital ID", "จำนวนครั้ง", "สำเร็จ",
			"ไม่สำเร็จ", "อัตราสำเร็จ", "สัดส่วน", "เวลามัธยฐาน (มิลลิวินาที)" };
		static const char *const en[] = { "Method", "Digital ID", "Events", "Succeeded",
			"Failed", "Success rate", "Share", "Median latency (ms)" };

		for (size_t c = 0; c < sizeof(th) / sizeof(*th); c++)
			P(h, "<th scope=\"col\">%s</th>", h->thai ? th[c] : en[c]);
	}
	P(h, "</tr></thead>\n<tbody>\n");
	for (i = 0; i < n; i++) {
		const struct kpi_row *row = ml[i].rate;
		int digital = -1;

		for (j = 0; d->methods && j < d->methods->nseries; j++)
			if (d->methods->series[j].code && !strcmp(d->methods->series[j].code, row->key))
				digital = d->methods->series[j].digital;
		P(h, "<tr><th scope=\"row\">");
		E(h, h->thai ? row->key_th : row->key_en);
		P(h, "</th><td class=\"t\">%s</td>", digital < 0 ? "–" : digital ? T(h, "ใช่", "yes")
										: T(h, "ไม่ใช่", "no"));
		if (row->suppressed) {
			for (int c = 0; c < 6; c++)
				P(h, "<td class=\"sup\">%s</td>", suppressed_text(h));
		} else {
			td_num(h, UNIT_COUNT, 1, ml[i].events);
			td_num(h, UNIT_COUNT, row->numerator.set, row->numerator.v);
			td_num(h, UNIT_COUNT, row->numerator.set, ml[i].events - row->numerator.v);
			td_kpi(h, row);
			td_num(h, UNIT_FRACTION, total > 0, total > 0 ? ml[i].events / total : NAN);
			td_kpi(h, ml[i].latency);
		}
		P(h, "</tr>\n");
	}
	P(h, "<tr class=\"total\"><th scope=\"row\">%s</th><td></td>",
	  T(h, "รวมทุกวิธี", "All methods"));
	td_num(h, UNIT_COUNT, 1, total);
	td_num(h, UNIT_COUNT, all_rate && all_rate->numerator.set,
	       all_rate ? all_rate->numerator.v : NAN);
	td_num(h, UNIT_COUNT, all_rate && all_rate->numerator.set,
	       all_rate ? total - all_rate->numerator.v : NAN);
	td_num(h, UNIT_FRACTION, all_rate && all_rate->value.set, all_rate ? all_rate->value.v : NAN);
	td_num(h, UNIT_FRACTION, total > 0, 1);
	td_num(h, UNIT_MS, all_lat && all_lat->value.set, all_lat ? all_lat->value.v : NAN);
	P(h, "</tr>\n</tbody>\n</table>\n</div>\n");
	free(ml);

	/* the most frequent failure reasons */
	P(h, "<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"%s\">\n<table>\n"
	  "<caption>", T(h, "สาเหตุที่ไม่สำเร็จ", "Failure reasons"));
	{
		char t[128];

		snprintf(t, sizeof(t), T(h, "สาเหตุที่ไม่สำเร็จที่พบบ่อย %d อันดับแรก",
					 "The %d most frequent failure reasons"), sh->top);
		E(h, t);
	}
	P(h, "</caption>\n<thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
	  "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead>\n"
	  "<tbody>\n", T(h, "สาเหตุ", "Reason"), T(h, "วิธียืนยันตัวตน", "Method"),
	  T(h, "ขั้นตอน", "Step"), T(h, "จำนวนครั้ง", "Failures"),
	  T(h, "ร้อยละของความไม่สำเร็จของวิธีนี้", "Share of the method's failures"));
	for (i = 0; i < d->nreasons && (int)i < sh->top; i++) {
		const struct report_reason *re = &d->reasons[i];

		P(h, "<tr><th scope=\"row\">");
		E(h, report_reason_text(re->reason, h->thai));
		P(h, "</th><td class=\"t\">");
		E(h, h->thai ? re->name_th : re->name_en);
		P(h, "</td><td class=\"t\">");
		E(h, step_text(h, re->step));
		P(h, "</td>");
		if (re->suppressed) {
			P(h, "<td class=\"sup\">%s</td><td class=\"sup\">%s</td>", suppressed_text(h),
			  suppressed_text(h));
		} else {
			td_num(h, UNIT_COUNT, 1, re->n);
			td_num(h, UNIT_FRACTION, re->failures > 0,
			       re->failures > 0 ? re->n / re->failures : NAN);
		}
		P(h, "</tr>\n");
	}
	if (!d->nreasons)
		P(h, "<tr><td class=\"t\" colspan=\"5\">%s</td></tr>\n",
		  T(h, "ไม่มีการยืนยันตัวตนที่ไม่สำเร็จในช่วงนี้", "No failed events in the period"));
	P(h, "</tbody>\n</table>\n</div>\n</section>\n");
	return DK_OK;
}

/* ---- services to improve ---- */

static void improve(struct hw *h, const struct tpl_sheet *sh)
{
	const struct report_data *d = h->d;
	const struct kpi_row *dig = report_find(d->cur, 0, KPI_DIGITAL_CHANNEL_RATE, BD_ALL, NULL);
	const struct kpi_row *tim = report_find(d->cur, 0, KPI_SERVICE_TIME_MEDIAN, BD_ALL, NULL);
	const struct kpi_row *sat = report_find(d->cur, 0, KPI_SATISFACTION_MEAN, BD_ALL, NULL);
	const struct kpi_row *req = report_find(d->cur, 0, KPI_REQUESTS, BD_ALL, NULL);
	static const char *const worst_th[] = { "ใช้ช่องทางดิจิทัลน้อย", "ใช้เวลาให้บริการนาน",
						"ความพึงพอใจต่ำ" };
	static const char *const worst_en[] = { "low digital channel use", "long service time",
						"low satisfaction" };
	static const char *const th[] = { "ลำดับ", "บริการ", "หน่วยงาน", "จำนวนคำขอ",
		"อัตราการใช้บริการดิจิทัล", "เวลาให้บริการ มัธยฐาน (ชม.)", "ความพึงพอใจเฉลี่ย (1–5)",
		"คะแนนความจำเป็นในการปรับปรุง (0–100)", "ประเด็นหลัก" };
	static const char *const en[] = { "Rank", "Service", "Unit", "Requests",
		"Digital channel rate", "Service time, median (h)", "Satisfaction (1–5)",
		"Improvement need score (0–100)", "Main issue" };
	char b[NUM_LEN];
	size_t i;

	P(h, "<section id=\"improve\">\n<h2>%s</h2>\n",
	  sheet_heading(h, sh, "บริการที่ควรปรับปรุง", "Services to improve"));
	P(h, "<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"%s\">\n<table>\n"
	  "<thead><tr>", T(h, "บริการที่ควรปรับปรุง", "Services to improve"));
	for (size_t c = 0; c < sizeof(th) / sizeof(*th); c++)
		P(h, "<th scope=\"col\">%s</th>", h->thai ? th[c] : en[c]);
	P(h, "</tr></thead>\n<tbody>\n<tr class=\"total\"><td></td><th scope=\"row\">%s</th>"
	  "<td></td>", T(h, "ค่าของทั้งกรม (ใช้เทียบ)", "Whole department (reference)"));
	td_num(h, UNIT_COUNT, req && req->value.set, req ? req->value.v : NAN);
	td_num(h, UNIT_FRACTION, dig && dig->value.set, dig ? dig->value.v : NAN);
	td_num(h, UNIT_HOURS, tim && tim->value.set, tim ? tim->value.v : NAN);
	td_num(h, UNIT_SCORE, sat && sat->value.set, sat ? sat->value.v : NAN);
	P(h, "<td></td><td></td></tr>\n");
	for (i = 0; i < d->nranks && (int)i < sh->top; i++) {
		const struct report_rank *rk = &d->ranks[i];
		int worse_dig = rk->gap_digital > 0, worse_time = rk->gap_time > 0,
		    worse_sat = rk->gap_satisfaction > 0;

		P(h, "<tr><td>%zu</td><th scope=\"row\">", i + 1);
		E(h, h->thai ? rk->svc->name_th : rk->svc->name_en);
		P(h, "</th><td class=\"t\">");
		E(h, rk->svc->unit);
		P(h, "</td>");
		td_num(h, UNIT_COUNT, 1, rk->requests);
		if (rk->digital.set)
			P(h, "<td%s>%s%s</td>", worse_dig ? " class=\"bad\"" : "", worse_dig ? "▼ " : "",
			  num_text(UNIT_FRACTION, rk->digital.v, b));
		else
			P(h, "<td class=\"sup\">%s</td>", suppressed_text(h));
		if (rk->time.set)
			P(h, "<td%s>%s%s</td>", worse_time ? " class=\"bad\"" : "",
			  worse_time ? "▲ " : "", num_text(UNIT_HOURS, rk->time.v, b));
		else
			P(h, "<td class=\"na\">–</td>");
		if (rk->satisfaction.set)
			P(h, "<td%s>%s%s</td>", worse_sat ? " class=\"bad\"" : "", worse_sat ? "▼ " : "",
			  num_text(UNIT_SCORE, rk->satisfaction.v, b));
		else
			P(h, "<td class=\"na\">–</td>");
		P(h, "<td>%s</td><td class=\"t\">", fmt_grouped(rk->score, 1, b, sizeof(b)));
		E(h, rk->worst < 0 ? T(h, "ไม่ต่ำกว่าค่าของกรม", "none below the department")
		  : h->thai ? worst_th[rk->worst] : worst_en[rk->worst]);
		P(h, "</td></tr>\n");
	}
	if (!d->nranks)
		P(h, "<tr><td class=\"t\" colspan=\"9\">%s</td></tr>\n",
		  T(h, "ไม่มีบริการที่มีคำขอในช่วงนี้", "No service had requests"));
	P(h, "</tbody>\n</table>\n</div>\n<p class=\"note\">");
	E(h, T(h, "▼/▲ สีแดง = ด้อยกว่าค่าของทั้งกรม. คะแนน = ค่าเฉลี่ยของส่วนที่ด้อยกว่ากรม 3 ด้าน "
		  "(อัตราการใช้บริการดิจิทัล, เวลาให้บริการมัธยฐาน, ความพึงพอใจเฉลี่ย) × 100; "
		  "0 = ไม่ด้อยกว่ากรมในด้านใดเลย",
	       "▼/▲ in red = worse than the whole department. Score = the mean of three "
	       "shortfalls against the department (digital channel rate, median service time, "
	       "mean satisfaction) × 100; 0 = no worse than the department on any."));
	P(h, "</p>\n</section>\n");
}

int html_write_report(FILE *f, const struct template *t, const struct report_data *d,
		      const struct html_options *o)
{
	struct hw h = { .f = f, .t = t, .d = d, .o = o, .thai = o->thai,
			.th = o->thai ? TPL_TH : TPL_EN };
	const struct tpl_sheet *sum = sheet_of(t, TPL_SHEET_SUMMARY);
	const struct tpl_sheet *tr = sheet_of(t, TPL_SHEET_TREND);
	const struct tpl_sheet *cmp = sheet_of(t, TPL_SHEET_COMPARE);
	const struct tpl_sheet *au = sheet_of(t, TPL_SHEET_AUTH);
	const struct tpl_sheet *im = sheet_of(t, TPL_SHEET_IMPROVE);
	const char *title = t->title[h.th] ? t->title[h.th]
		: T(&h, "รายงานตัวชี้วัดการให้บริการด้วย Digital ID", "Digital ID service KPI report");
	char b[PERIOD_HUMAN_LEN], gen[64];
	int st = DK_OK;

	P(&h, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
	  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	  "<meta name=\"generator\" content=\"didkpi\">\n<title>", o->thai ? "th" : "en");
	E(&h, title);
	E(&h, " – ");
	E(&h, period_human(&h, &d->period, b));
	P(&h, "</title>\n<style>\n");
	font_faces(&h);
	P(&h, "%s</style>\n</head>\n<body>\n<main>\n", css);
	cover(&h);
	P(&h, "<nav class=\"toc\" aria-label=\"%s\"><ol>\n", T(&h, "สารบัญ", "Contents"));
	if (sum)
		P(&h, "<li><a href=\"#summary\">%s</a></li>\n",
		  T(&h, "สรุปผลเทียบเป้าหมาย", "Summary against targets"));
	if (tr)
		P(&h, "<li><a href=\"#trend\">%s</a></li>\n", T(&h, "แนวโน้มรายเดือน", "Monthly trend"));
	if (cmp)
		P(&h, "<li><a href=\"#compare\">%s</a></li>\n",
		  T(&h, "ก่อนและหลังใช้ Digital ID", "Before and after Digital ID"));
	if (au)
		P(&h, "<li><a href=\"#auth\">%s</a></li>\n", T(&h, "การยืนยันตัวตน", "Authentication"));
	if (im)
		P(&h, "<li><a href=\"#improve\">%s</a></li>\n",
		  T(&h, "บริการที่ควรปรับปรุง", "Services to improve"));
	P(&h, "</ol></nav>\n");
	if (sum)
		summary(&h, sum);
	if (tr)
		trend(&h, tr);
	if (cmp && (st = compare(&h, cmp)))
		goto out;
	if (au && (st = auth(&h, au)))
		goto out;
	if (im)
		improve(&h, im);
	P(&h, "<footer>");
	E(&h, dept(&h));
	E(&h, *dept(&h) ? "  ·  " : "");
	E(&h, T(&h, "จัดทำโดย didkpi เมื่อ ", "Made by didkpi on "));
	E(&h, stamp_human(&h, d->generated, gen, sizeof(gen)));
	E(&h, T(&h, "  ·  แม่แบบ ", "  ·  template "));
	E(&h, o->template_name);
	E(&h, T(&h, "  ·  เขตเวลา ", "  ·  time zone "));
	E(&h, o->tz);
	E(&h, T(&h, "  ·  กลุ่มที่เล็กกว่า ", "  ·  groups under "));
	P(&h, "%ld", o->min_cell);
	E(&h, T(&h, " รายการถูกปกปิด", " are suppressed"));
	P(&h, "</footer>\n</main>\n</body>\n</html>\n");
out:
	if (!st && h.failed)
		st = h.failed;
	if (!st && (fflush(f) || ferror(f))) {
		log_error("cannot write the html report: write error");
		st = DK_CANTCREAT;
	}
	return st;
}
