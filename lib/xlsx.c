/* The XLSX workbook of didkpi report, over libxlsxwriter: the core (see xlsx.h, xlsx_int.h). */
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <xlsxwriter.h>

#include "chart.h"
#include "chartspec.h"
#include "format.h"
#include "log.h"
#include "pngout.h"
#include "status.h"
#include "xlsx_int.h"

/* ---- small helpers ---- */

static char *pool_add(struct pool *p, char *s)
{
	if (!s) {
		p->oom = 1;
		return NULL;
	}
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 64;
		char **v = realloc(p->v, cap * sizeof(*v));

		if (!v) {
			free(s);
			p->oom = 1;
			return NULL;
		}
		p->v = v;
		p->cap = cap;
	}
	return p->v[p->n++] = s;
}

/* A formatted string that lives until the workbook is closed ("" on OOM). */
const char *xw_pf(struct xw *x, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	s = pool_add(&x->pool, s);
	return s ? s : "";
}

static void pool_free(struct pool *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i]);
	free(p->v);
}

/* Whether a libxlsxwriter error is a failure to write a file (a full disk,
 * an I/O error), as opposed to a bug or a lack of memory. */
static int io_error(lxw_error e)
{
	switch (e) {
	case LXW_ERROR_CREATING_XLSX_FILE:
	case LXW_ERROR_CREATING_TMPFILE:
	case LXW_ERROR_READING_TMPFILE:
	case LXW_ERROR_ZIP_FILE_OPERATION:
	case LXW_ERROR_ZIP_FILE_ADD:
	case LXW_ERROR_ZIP_CLOSE:
		return 1;
	default:
		return 0;
	}
}

/* Notes the first libxlsxwriter error. */
void xw_check(struct xw *x, lxw_error e, const char *what)
{
	if (e == LXW_NO_ERROR || x->failed)
		return;
	x->failed = 1;
	x->err = e;
	if (io_error(e))
		log_error("cannot write '%s': %s: %s", x->o->dest ? x->o->dest : "the workbook", what,
			  lxw_strerror(e));
	else
		log_error("cannot build the workbook: %s: %s", what, lxw_strerror(e));
}

/* Columns a text takes on screen, roughly, in widths of a digit. */
static double text_cols(const char *s)
{
	size_t ascii = 0;

	for (const char *p = s; *p; p++)
		ascii += (unsigned char)*p < 0x80;
	/* Latin letters average a little under a digit's width in Tahoma,
	 * Thai letters a little over */
	return (double)ascii * 0.92 + (double)(text_width(s) - ascii) * 1.05;
}

void xw_fit(struct sheet *s, lxw_col_t c, double w)
{
	if (c < MAXCOL)
		s->fit[c] = dmax(s->fit[c], w);
}

/* Notes a wrapping cell; a failure to note it only costs its row height. */
static void note_wrap_span(struct sheet *s, lxw_row_t r, lxw_col_t c, lxw_col_t span,
			   const char *text)
{
	struct wrapped *w;
	const char *p;
	int breaks = 0;

	if (s->nwraps == s->capwraps) {
		size_t cap = s->capwraps ? s->capwraps * 2 : 32;

		if (!(w = realloc(s->wraps, cap * sizeof(*w))))
			return;
		s->wraps = w;
		s->capwraps = cap;
	}
	/* the widest line, and how many lines the text has */
	double widest = 0;
	for (p = text;; p++) {
		const char *nl = strchr(p, '\n');
		char line[512];
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		snprintf(line, sizeof(line), "%.*s", (int)(n < sizeof(line) ? n : sizeof(line) - 1), p);
		widest = dmax(widest, text_cols(line));
		if (!nl)
			break;
		breaks++;
		p = nl;
	}
	s->wraps[s->nwraps++] = (struct wrapped){ r, c, widest, breaks, span };
}

static void note_wrap(struct sheet *s, lxw_row_t r, lxw_col_t c, const char *text)
{
	note_wrap_span(s, r, c, 1, text);
}

/* ---- cells ---- */

/* Excel's limits, in UTF-16 code units (what Excel counts): a cell's
 * text, a chart's title, a sheet's name. */
#define XL_CELL_MAX 32767
#define XL_TITLE_MAX 255
#define XL_SHEET_MAX 31

/*
 * text cut to at most max UTF-16 units, at a UTF-8 character boundary,
 * ending in "…" when cut (issue 10 item 7: a 40,000-character service
 * name put in by a site view or psql must not fail the workbook). Returns
 * text itself when it fits, else a copy that lives until the workbook is
 * closed. Not valid UTF-8 (the loader refuses it) is cut bytewise.
 */
static const char *xl_cut(struct xw *x, const char *text, size_t max)
{
	size_t units = 0, keep = 0, i = 0;

	if (!text)
		return "";
	while (text[i]) {
		unsigned char c = (unsigned char)text[i];
		size_t len = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
		size_t u = len == 4 ? 2 : 1;  /* beyond the BMP: a surrogate pair */

		for (size_t k = 1; k < len; k++)
			if (((unsigned char)text[i + k] & 0xC0) != 0x80) {
				len = 1;
				break;
			}
		if (units + u > max - 1 && !keep)
			keep = i;       /* room for the ellipsis from here */
		units += u;
		if (units > max)
			return xw_pf(x, "%.*s\xe2\x80\xa6", (int)keep, text);
		i += len;
	}
	return text;
}

static const char *cell_text(struct xw *x, const char *text)
{
	return xl_cut(x, text, XL_CELL_MAX);
}

void xw_put_text(struct xw *x, struct sheet *s, lxw_row_t r, lxw_col_t c,
		     const char *text, lxw_format *f)
{
	text = cell_text(x, text);
	xw_check(x, worksheet_write_string(s->ws, r, c, text, f), "a text cell");
	xw_fit(s, c, text_cols(text) + 1.5);
}

/* Text in a column at most cap characters wide: longer text wraps. */
void xw_put_text_capped(struct xw *x, struct sheet *s, lxw_row_t r, lxw_col_t c,
			    const char *text, double cap)
{
	text = cell_text(x, text);
	if (text_cols(text) + 1.5 <= cap) {
		xw_put_text(x, s, r, c, text, x->f.text);
		return;
	}
	xw_check(x, worksheet_write_string(s->ws, r, c, text, x->f.text_wrap_mid), "a text cell");
	note_wrap(s, r, c, text);
	xw_fit(s, c, cap);
}

/* Text that may overflow into the empty cells on its right: no fitting. */
void xw_put_long(struct xw *x, struct sheet *s, lxw_row_t r, lxw_col_t c,
		     const char *text, lxw_format *f)
{
	xw_check(x, worksheet_write_string(s->ws, r, c, cell_text(x, text), f), "a text cell");
}

/* Text that wraps within its column (the row grows to fit). */
void xw_put_wrap(struct xw *x, struct sheet *s, lxw_row_t r, lxw_col_t c, const char *text)
{
	text = cell_text(x, text);
	xw_check(x, worksheet_write_string(s->ws, r, c, text, x->f.wrap), "a text cell");
	note_wrap(s, r, c, text);
}

/* Text across the columns c..the table's last, wrapping there (so that a
 * long note neither widens a column nor the printed page). */
void xw_put_span(struct xw *x, struct sheet *s, lxw_row_t r, lxw_col_t c, const char *text,
		     lxw_format *f)
{
	if (s->ncols <= c + 1) {
		xw_put_long(x, s, r, c, text, f);
		return;
	}
	text = cell_text(x, text);
	xw_check(x, worksheet_merge_range(s->ws, r, c, r, s->ncols - 1, text, f),
	      "a merged cell");
	note_wrap_span(s, r, c, s->ncols - c, text);
}

void xw_put_note(struct xw *x, struct sheet *s, lxw_row_t r, lxw_col_t c, const char *text)
{
	xw_put_span(x, s, r, c, text, x->f.note_wrap);
}

/* A header cell: it wraps, so it asks for at most a dozen characters. */
void xw_put_header(struct xw *x, struct sheet *s, lxw_row_t r, lxw_col_t c,
		       const char *text)
{
	double w;

	text = cell_text(x, text);
	w = text_cols(text) + 2;
	xw_check(x, worksheet_write_string(s->ws, r, c, text, c == 0 ? x->f.header_left
								  : x->f.header), "a header");
	note_wrap(s, r, c, text);
	if (c + 1 > s->ncols)
		s->ncols = c + 1;
	if (c < MAXCOL)
		s->minw[c] = dmax(s->minw[c], w < 11 ? w : 11);
}

/* The width a number takes when shown with nf. */
static double num_cols(double v, enum nf nf)
{
	char buf[64];

	switch (nf) {
	case NF_PCT:
		snprintf(buf, sizeof(buf), "%+.1f%%", v * 100);
		break;
	case NF_SCORE:
		snprintf(buf, sizeof(buf), "%+.2f", v);
		break;
	case NF_DEC3:
		snprintf(buf, sizeof(buf), "%.3f", v);
		break;
	case NF_BAHT:
		fmt_grouped(v, 2, buf + 1, sizeof(buf) - 1);
		buf[0] = '+';
		break;
	case NF_HOURS:
	case NF_DEC1:
		fmt_grouped(v, 1, buf + 1, sizeof(buf) - 1);
		buf[0] = '+';
		break;
	default:
		fmt_grouped(v, 0, buf + 1, sizeof(buf) - 1);
		buf[0] = '+';
		break;
	}
	return (double)strlen(buf) + 1.5;
}

void xw_put_num(struct xw *x, struct sheet *s, lxw_row_t r, lxw_col_t c, double v,
		    lxw_format *f, enum nf nf)
{
	if (!isfinite(v)) {
		xw_check(x, worksheet_write_blank(s->ws, r, c, f), "a blank cell");
		return;
	}
	xw_check(x, worksheet_write_number(s->ws, r, c, v, f), "a number");
	xw_fit(s, c, num_cols(v, nf));
}

void xw_put_blank(struct xw *x, struct sheet *s, lxw_row_t r, lxw_col_t c, lxw_format *f)
{
	xw_check(x, worksheet_write_blank(s->ws, r, c, f), "a blank cell");
}

static lxw_datetime to_lxw(struct civil_date d)
{
	return (lxw_datetime){ d.year, d.month, d.day, 0, 0, 0 };
}

void xw_put_date(struct xw *x, struct sheet *s, lxw_row_t r, lxw_col_t c,
		     struct civil_date d, lxw_format *f)
{
	lxw_datetime dt = to_lxw(d);

	xw_check(x, worksheet_write_datetime(s->ws, r, c, &dt, f), "a date");
	xw_fit(s, c, f == x->f.date_long ? 20 : f == x->f.iso_date ? 12 : 14);
}

/* "YYYY-MM-DD HH:MM:SS" as a date and time cell. */
void xw_put_timestamp(struct xw *x, struct sheet *s, lxw_row_t r, lxw_col_t c,
			  const char *ts)
{
	lxw_datetime dt = { 0 };
	int y, mo, d, h, mi;
	double sec;

	if (!ts || sscanf(ts, "%4d-%2d-%2d %2d:%2d:%lf", &y, &mo, &d, &h, &mi, &sec) != 6) {
		xw_put_text(x, s, r, c, ts ? ts : "", x->f.text);
		return;
	}
	dt = (lxw_datetime){ y, (uint8_t)mo, (uint8_t)d, (uint8_t)h, (uint8_t)mi, floor(sec) };
	xw_check(x, worksheet_write_datetime(s->ws, r, c, &dt, x->f.datetime), "a date and time");
}

const char *xw_suppressed_text(const struct xw *x)
{
	return T(x, "ปกปิด", "suppressed");
}

/* A KPI row's value: a number, "ปกปิด" for a suppressed small cell, or
 * blank when there is none. */
void xw_put_kpi(struct xw *x, struct sheet *s, lxw_row_t r, lxw_col_t c,
		    const struct kpi_row *row, lxw_format **fmts)
{
	enum kpi_unit u = row ? kpi_defs[row->kpi].unit : UNIT_COUNT;

	if (row && row->suppressed) {
		xw_put_suppressed(x, s, r, c);
		return;
	}
	if (!row || !row->value.set) {
		xw_put_blank(x, s, r, c, fmts[unit_nf(u)]);
		return;
	}
	xw_put_num(x, s, r, c, row->value.v, fmts[unit_nf(u)], unit_nf(u));
}

/* A suppressed small cell: empty and grey, never text, so that a numeric
 * column stays numeric (pandas, formulas); a flag column says why. */
void xw_put_suppressed(struct xw *x, struct sheet *s, lxw_row_t r, lxw_col_t c)
{
	xw_check(x, worksheet_write_blank(s->ws, r, c, x->f.supp_blank), "a blank cell");
}

/* The suppressed flag of a row: TRUE or FALSE. */
void xw_put_flag(struct xw *x, struct sheet *s, lxw_row_t r, lxw_col_t c, int suppressed)
{
	xw_check(x, worksheet_write_boolean(s->ws, r, c, suppressed, x->f.flag), "a boolean");
	xw_fit(s, c, 8);
}

/* A change from before to now: of a rate in percentage points (stored as
 * points, 100 x the difference of the fractions, shown "+18.7 จุด"), else
 * in the unit with a sign. NAN: an empty cell. */
void xw_put_change(struct xw *x, struct sheet *s, lxw_row_t r, lxw_col_t c, double v, enum nf nf)
{
	if (nf == NF_PCT)
		xw_put_num(x, s, r, c, v * 100, x->f.pp, NF_DEC1);
	else
		xw_put_num(x, s, r, c, v, x->f.chg[nf], nf);
	xw_fit(s, c, 10);
}

/* The words of a target met or not as a formula over the value cell vc and
 * the target cell tc of row r, so that they follow an edited target; the
 * result for the values as written is stored with it. */
void xw_put_met(struct xw *x, struct sheet *s, lxw_row_t r, lxw_col_t c, lxw_col_t vc,
		lxw_col_t tc, int higher_is_better, int met)
{
	const char *v = xw_cell(x, r, vc), *t = xw_cell(x, r, tc);
	const char *yes = T(x, "บรรลุ", "met"), *no = T(x, "ไม่บรรลุ", "not met");

	xw_check(x, worksheet_write_formula_str(s->ws, r, c,
		xw_pf(x, "=IF(AND(ISNUMBER(%s),ISNUMBER(%s)),IF(%s%s%s,\"%s\",\"%s\"),\"\")",
		      v, t, v, higher_is_better ? ">=" : "<=", t, yes, no),
		x->f.center, met < 0 ? "" : met ? yes : no), "a formula");
	xw_fit(s, c, 10);
}

/* A conditional format by formula over a range ("=$B5>0", relative to the
 * range's first cell). */
void xw_cond(struct xw *x, struct sheet *s, lxw_row_t r1, lxw_col_t c1, lxw_row_t r2,
		 lxw_col_t c2, const char *formula, lxw_format *f)
{
	lxw_conditional_format cf = { 0 };

	cf.type = LXW_CONDITIONAL_TYPE_FORMULA;
	cf.value_string = (char *)formula;
	cf.format = f;
	xw_check(x, worksheet_conditional_format_range(s->ws, r1, c1, r2, c2, &cf),
	      "a conditional format");
}

/* A data bar over a range. */
void xw_data_bar(struct xw *x, struct sheet *s, lxw_row_t r1, lxw_col_t c, lxw_row_t r2,
		     lxw_color_t colour)
{
	lxw_conditional_format cf = { 0 };

	if (r2 < r1)
		return;
	cf.type = LXW_CONDITIONAL_DATA_BAR;
	cf.bar_color = colour;
	xw_check(x, worksheet_conditional_format_range(s->ws, r1, c, r2, c, &cf), "a data bar");
}

/* "$B13" */
const char *xw_cell(struct xw *x, lxw_row_t r, lxw_col_t c)
{
	char col[16];

	lxw_col_to_name(col, c, 1);
	return xw_pf(x, "%s%u", col, (unsigned)r + 1);
}

/* Colours the cell (r, c) and the others of a row green when the number in
 * (r, vc) is better than, or as good as, the number in (r, tc), red when
 * worse; "better" is higher or lower as the KPI says. */
void xw_cond_target(struct xw *x, struct sheet *s, lxw_row_t r, lxw_col_t c1, lxw_col_t c2,
			lxw_col_t vc, lxw_col_t tc, int higher_is_better)
{
	const char *v = xw_cell(x, r, vc), *t = xw_cell(x, r, tc);

	xw_cond(x, s, r, c1, r, c2, xw_pf(x, "=AND(ISNUMBER(%s),ISNUMBER(%s),%s%s%s)", v, t, v,
				     higher_is_better ? ">=" : "<=", t), x->f.good);
	xw_cond(x, s, r, c1, r, c2, xw_pf(x, "=AND(ISNUMBER(%s),ISNUMBER(%s),%s%s%s)", v, t, v,
				     higher_is_better ? "<" : ">", t), x->f.bad);
}

/* Colours change cells: green for a change for the better, red for worse.
 * The formula is relative to the first row (rows r1..r2 of column c). */
void xw_cond_change(struct xw *x, struct sheet *s, lxw_row_t r1, lxw_row_t r2,
			lxw_col_t c, int higher_is_better, const char *extra)
{
	char col[16];
	const char *ref;

	lxw_col_to_name(col, c, 1);
	ref = xw_pf(x, "%s%u", col, (unsigned)r1 + 1);
	xw_cond(x, s, r1, c, r2, c, xw_pf(x, "=AND(ISNUMBER(%s),%s%s0%s)", ref, ref,
				     higher_is_better ? ">" : "<", extra ? extra : ""),
	     x->f.good_text);
	xw_cond(x, s, r1, c, r2, c, xw_pf(x, "=AND(ISNUMBER(%s),%s%s0%s)", ref, ref,
				     higher_is_better ? "<" : ">", extra ? extra : ""),
	     x->f.bad_text);
}

/* ---- formats ---- */

static lxw_format *fmt(struct xw *x, const char *numfmt)
{
	lxw_format *f = workbook_add_format(x->wb);

	format_set_font_name(f, FONT);
	format_set_font_size(f, FONT_SIZE);
	format_set_align(f, LXW_ALIGN_VERTICAL_CENTER);
	if (numfmt)
		format_set_num_format(f, numfmt);
	return f;
}

static void make_formats(struct xw *x)
{
	static const char *const nums[NF_COUNT_COUNT] = {
		"#,##0", "0.0%", "0.00", "#,##0.0", "#,##0", "#,##0.00", "#,##0.0",
		"[<0.001]\"<0.001\";0.000",
	};
	static const char *const chgs[NF_COUNT_COUNT] = {
		"+#,##0;-#,##0;0", "+0.0%;-0.0%;0.0%", "+0.00;-0.00;0.00", "+#,##0.0;-#,##0.0;0.0",
		"+#,##0;-#,##0;0", "+#,##0.00;-#,##0.00;0.00", "+#,##0.0;-#,##0.0;0.0", "0.000",
	};
	int i;

	x->f.text = fmt(x, NULL);
	x->f.wrap = fmt(x, NULL);
	format_set_text_wrap(x->f.wrap);
	format_set_align(x->f.wrap, LXW_ALIGN_VERTICAL_TOP);
	x->f.center = fmt(x, NULL);
	format_set_align(x->f.center, LXW_ALIGN_CENTER);
	x->f.big_title = fmt(x, NULL);
	format_set_font_size(x->f.big_title, 16);
	format_set_bold(x->f.big_title);
	format_set_font_color(x->f.big_title, C_TITLE);
	x->f.title = fmt(x, NULL);
	format_set_font_size(x->f.title, 14);
	format_set_bold(x->f.title);
	format_set_font_color(x->f.title, C_TITLE);
	x->f.subtitle = fmt(x, NULL);
	format_set_font_size(x->f.subtitle, 11);
	format_set_font_color(x->f.subtitle, C_GREY);
	x->f.heading = fmt(x, NULL);
	format_set_font_size(x->f.heading, 12);
	format_set_bold(x->f.heading);
	format_set_font_color(x->f.heading, C_TITLE);
	x->f.header = fmt(x, NULL);
	format_set_bold(x->f.header);
	format_set_font_color(x->f.header, C_HEADER_TEXT);
	format_set_bg_color(x->f.header, C_HEADER);
	format_set_text_wrap(x->f.header);
	format_set_align(x->f.header, LXW_ALIGN_CENTER);
	format_set_border(x->f.header, LXW_BORDER_THIN);
	format_set_border_color(x->f.header, 0xBFBFBF);
	x->f.header_left = fmt(x, NULL);
	format_set_bold(x->f.header_left);
	format_set_font_color(x->f.header_left, C_HEADER_TEXT);
	format_set_bg_color(x->f.header_left, C_HEADER);
	format_set_text_wrap(x->f.header_left);
	format_set_border(x->f.header_left, LXW_BORDER_THIN);
	format_set_border_color(x->f.header_left, 0xBFBFBF);
	x->f.label = fmt(x, NULL);
	format_set_bold(x->f.label);
	x->f.label_top = fmt(x, NULL);
	format_set_bold(x->f.label_top);
	format_set_align(x->f.label_top, LXW_ALIGN_VERTICAL_TOP);
	x->f.note = fmt(x, NULL);
	format_set_font_size(x->f.note, 9);
	format_set_italic(x->f.note);
	format_set_font_color(x->f.note, C_GREY);
	x->f.note_wrap = fmt(x, NULL);
	format_set_font_size(x->f.note_wrap, 9);
	format_set_italic(x->f.note_wrap);
	format_set_font_color(x->f.note_wrap, C_GREY);
	format_set_text_wrap(x->f.note_wrap);
	format_set_align(x->f.note_wrap, LXW_ALIGN_VERTICAL_TOP);
	x->f.not_yet = fmt(x, NULL);
	format_set_bold(x->f.not_yet);
	format_set_font_color(x->f.not_yet, C_BAD_TEXT);
	x->f.text_wrap_mid = fmt(x, NULL);
	format_set_text_wrap(x->f.text_wrap_mid);
	x->f.text_top = fmt(x, NULL);
	format_set_text_wrap(x->f.text_top);
	format_set_align(x->f.text_top, LXW_ALIGN_VERTICAL_TOP);
	/* a change of a rate, in percentage points: 0.387 - 0.2 shows "+18.7 จุด" */
	x->f.pp = fmt(x, x->thai ? "+0.0\" จุด\";-0.0\" จุด\";0.0\" จุด\""
				 : "+0.0\" pp\";-0.0\" pp\";0.0\" pp\"");
	/* a suppressed small cell: empty (so the column stays numeric), grey */
	x->f.supp_blank = fmt(x, NULL);
	format_set_bg_color(x->f.supp_blank, 0xE7E6E6);
	format_set_pattern(x->f.supp_blank, LXW_PATTERN_SOLID);
	x->f.flag = fmt(x, NULL);
	format_set_align(x->f.flag, LXW_ALIGN_CENTER);
	x->f.suppressed = fmt(x, NULL);
	format_set_italic(x->f.suppressed);
	format_set_font_color(x->f.suppressed, C_GREY);
	format_set_align(x->f.suppressed, LXW_ALIGN_RIGHT);
	x->f.block = fmt(x, NULL);
	format_set_bold(x->f.block);
	format_set_font_color(x->f.block, C_TITLE);
	format_set_bg_color(x->f.block, 0xDDEBF7);
	x->f.total_text = fmt(x, NULL);
	format_set_bold(x->f.total_text);
	format_set_top(x->f.total_text, LXW_BORDER_THIN);
	format_set_bg_color(x->f.total_text, C_LIGHT);
	for (i = 0; i < NF_COUNT_COUNT; i++) {
		x->f.num[i] = fmt(x, nums[i]);
		x->f.chg[i] = fmt(x, chgs[i]);
		x->f.total[i] = fmt(x, nums[i]);
		format_set_bold(x->f.total[i]);
		format_set_top(x->f.total[i], LXW_BORDER_THIN);
		format_set_bg_color(x->f.total[i], C_LIGHT);
	}
	if (x->thai) {
		x->f.date = fmt(x, TH_CAL "d mmm yyyy");
		x->f.date_long = fmt(x, TH_CAL "d mmmm yyyy");
		x->f.datetime = fmt(x, TH_CAL "d mmmm yyyy hh:mm \"น.\"");
		x->f.month = fmt(x, TH_CAL "mmm yy");
	} else {
		x->f.date = fmt(x, "d mmm yyyy");
		x->f.date_long = fmt(x, "d mmmm yyyy");
		x->f.datetime = fmt(x, "d mmmm yyyy hh:mm");
		x->f.month = fmt(x, "mmm yyyy");
	}
	format_set_align(x->f.date, LXW_ALIGN_LEFT);
	format_set_align(x->f.date_long, LXW_ALIGN_LEFT);
	format_set_align(x->f.datetime, LXW_ALIGN_LEFT);
	format_set_align(x->f.month, LXW_ALIGN_LEFT);
	x->f.iso_date = fmt(x, "yyyy-mm-dd");
	x->f.target_top = fmt(x, "0.0%");
	format_set_align(x->f.target_top, LXW_ALIGN_VERTICAL_TOP);
	/* conditional formats: Excel's "Good" and "Bad" styles */
	x->f.good = workbook_add_format(x->wb);
	format_set_bg_color(x->f.good, C_GOOD_FILL);
	format_set_font_color(x->f.good, C_GOOD_TEXT);
	x->f.bad = workbook_add_format(x->wb);
	format_set_bg_color(x->f.bad, C_BAD_FILL);
	format_set_font_color(x->f.bad, C_BAD_TEXT);
	x->f.good_text = workbook_add_format(x->wb);
	format_set_font_color(x->f.good_text, C_GOOD_TEXT);
	format_set_bold(x->f.good_text);
	x->f.bad_text = workbook_add_format(x->wb);
	format_set_font_color(x->f.bad_text, C_BAD_TEXT);
	format_set_bold(x->f.bad_text);
}

/* ---- sheets ---- */

const char *xlsx_sheet_name(const struct tpl_sheet *sh, int thai)
{
	return sh->name[thai ? TPL_TH : TPL_EN];
}

const char *xw_period_human(struct xw *x, const struct period *p)
{
	char buf[PERIOD_HUMAN_LEN];

	period_label_human(p, x->thai, buf, sizeof(buf));
	return xw_pf(x, "%s", buf);
}

const char *xw_dept(const struct xw *x)
{
	return x->t->department[x->th] ? x->t->department[x->th]
	       : x->t->department[!x->th] ? x->t->department[!x->th] : "";
}

/* Rows 0-1: the sheet's title, the department and period; the table's
 * header goes on row 3. */
void xw_sheet_heading(struct xw *x, struct sheet *s, const char *subtitle)
{
	const char *d = xw_dept(x);

	xw_put_long(x, s, 0, 0, s->tpl->title[x->th], x->f.title);
	xw_put_long(x, s, 1, 0, subtitle ? subtitle
		 : xw_pf(x, "%s%s%s", d, *d ? "  ·  " : "", xw_period_human(x, &x->d->period)),
		 x->f.subtitle);
	xw_check(x, worksheet_set_row(s->ws, 0, 24, NULL), "a row height");
	s->row = 3;
}

/* Freezes the rows above r (the header is r - 1) and the first ncols
 * columns, and repeats the header on every printed page. */
void xw_freeze(struct xw *x, struct sheet *s, lxw_row_t header, lxw_col_t ncols)
{
	worksheet_freeze_panes(s->ws, header + 1, ncols);
	(void)x;
	s->header = header;
	s->has_header = 1;
}

void xw_block(struct sheet *s, lxw_row_t first, lxw_row_t last)
{
	if (s->nblocks < (int)(sizeof(s->blocks) / sizeof(*s->blocks)) && last >= first) {
		s->blocks[s->nblocks].first = first;
		s->blocks[s->nblocks].last = last;
		s->blocks[s->nblocks].chart = 0;
		s->nblocks++;
	}
}

/*
 * The printed page: A4 landscape less the margins of sheet_finish() and
 * the footer, in screen pixels (96 per inch) at 100%. A sheet is printed
 * one page wide (fit to width), so at a scale of printable width / the
 * sheet's width, and a page holds PRINT_H / scale pixels of rows.
 */
#define PRINT_W 1040.0
#define PRINT_H 680.0

/* Pixels of a column w characters wide (Excel's default font: 7 a digit). */
static double col_px(double w)
{
	return floor(w * 7 + 5);
}

static int block_cmp(const void *pa, const void *pb)
{
	const lxw_row_t *a = pa, *b = pb;

	return *a < *b ? -1 : *a > *b;
}

/*
 * Plans the printed pages: page breaks before a block (a table, a row of
 * charts) that would straddle a page but fits on one, and the main
 * table's header repeated only when that table runs over a page (so no
 * other table or chart page prints under a header not its own: a sheet
 * with charts after a long table puts the charts above it).
 */
static void plan_pages(struct xw *x, struct sheet *s, const double *width, const double *rowpx,
		       lxw_row_t nrows)
{
	double *y = calloc((size_t)nrows + 2, sizeof(double));
	lxw_row_t *breaks = calloc(sizeof(s->blocks) / sizeof(*s->blocks) + 1, sizeof(*breaks));
	lxw_row_t order[64][3];
	double sheet_w = 0, scale, page_h, top = 0, bottom;
	int i, n = 0, nb = 0, repeat = 0;
	lxw_col_t c;

	if (!y || !breaks)
		goto out;
	for (lxw_row_t r = 0; r <= nrows; r++)
		y[r + 1] = y[r] + (r < nrows ? rowpx[r] : 20);
	for (c = 0; c < MAXCOL && c < s->ncols; c++)
		sheet_w += col_px(width[c]);
	if (s->charts_w > sheet_w)
		sheet_w = s->charts_w;
	scale = sheet_w > PRINT_W ? PRINT_W / sheet_w : 1;
	page_h = PRINT_H / scale;
	for (i = 0; i < s->nblocks && s->blocks[i].chart; i++)
		;
	if (i == s->nblocks && s->has_header) { /* no table declared: the main one */
		lxw_row_t last = s->row > s->header ? s->row - 1 : s->header;

		/* it ends above the charts below it */
		for (i = 0; i < s->nblocks; i++)
			if (s->blocks[i].first > s->header && s->blocks[i].first - 1 < last)
				last = s->blocks[i].first - 1;
		xw_block(s, s->header, last);
	}
	for (i = 0; i < s->nblocks; i++) {
		order[n][0] = s->blocks[i].first;
		order[n][1] = s->blocks[i].last < nrows ? s->blocks[i].last : nrows - 1;
		order[n][2] = (lxw_row_t)i;
		n++;
	}
	qsort(order, (size_t)n, sizeof(*order), block_cmp);
	/* A sheet a little longer than a page is shrunk onto one (at most to
	 * 2/3 of the size) rather than leave a few rows on a page of their own. */
	for (i = 0, bottom = y[s->row < nrows ? s->row : nrows]; i < n; i++)
		if (y[order[i][1] + 1] > bottom)
			bottom = y[order[i][1] + 1];
	if (bottom > page_h && bottom <= page_h * 3 / 2) {
		worksheet_fit_to_pages(s->ws, 1, 1);
		goto out;
	}
	for (i = 0; i < n; i++) {
		lxw_row_t first = order[i][0], last = order[i][1];
		double t = y[first], b = y[last + 1];

		if (b - top <= page_h)
			continue;
		/* a block that fits a page starts one; so does a long table
		 * with less than a third of a page left for it */
		if (first > 0 && t > top && (b - t <= page_h || page_h - (t - top) < page_h / 3)) {
			/* the block starts a page */
			if (nb < (int)(sizeof(s->blocks) / sizeof(*s->blocks)))
				breaks[nb++] = first;
			top = t;
			if (b - t <= page_h)
				continue;
		}
		/* longer than a page: it flows, the header repeated if it is the
		 * main table's */
		if (s->has_header && s->header >= first && s->header <= last)
			repeat = 1;
		while (b - top > page_h)
			top += page_h - (repeat ? rowpx[s->header] : 0);
	}
	if (repeat)
		xw_check(x, worksheet_repeat_rows(s->ws, s->header, s->header), "the print titles");
	if (nb) {
		qsort(breaks, (size_t)nb, sizeof(*breaks), block_cmp);
		breaks[nb] = 0;
		xw_check(x, worksheet_set_h_pagebreaks(s->ws, breaks), "the page breaks");
	}
out:
	free(y);
	free(breaks);
}

/* Sets the fitted or template column widths and the page setup. */
static void sheet_finish(struct xw *x, struct sheet *s)
{
	double width[MAXCOL], *rowpx;
	lxw_row_t nrows = s->row + 1;
	lxw_col_t c;
	size_t i, j;
	int one;

	for (i = 0; i < (size_t)s->nblocks; i++)
		if (s->blocks[i].last + 1 > nrows)
			nrows = s->blocks[i].last + 1;
	rowpx = calloc((size_t)nrows + 1, sizeof(*rowpx));
	for (i = 0; rowpx && i < nrows; i++)
		rowpx[i] = 20;
	if (rowpx)
		rowpx[0] = 32; /* the title */
	for (c = 0; c < MAXCOL; c++) {
		double w = dmax(s->fit[c], s->minw[c]);

		width[c] = 8.43; /* Excel's default */
		if (s->tpl->nwidths > c && s->tpl->widths[c] > 0)
			w = s->tpl->widths[c];
		else if (w <= 0)
			continue;
		else if (w < 8)
			w = 8;
		else if (w > 60)
			w = 60;
		width[c] = w;
		xw_check(x, worksheet_set_column(s->ws, c, c, w, NULL), "a column width");
	}
	/* Neither Excel nor LibreOffice grows a row for wrapped text when it
	 * opens a file: give each row with wrapping cells the lines it needs. */
	for (i = 0; i < s->nwraps; i++) {
		lxw_row_t row = s->wraps[i].row;
		int lines = 1, done = 0;

		for (j = 0; j < i; j++)
			if (s->wraps[j].row == row)
				done = 1;
		if (done)
			continue;
		for (j = i; j < s->nwraps; j++) {
			const struct wrapped *w = &s->wraps[j];
			double room = -1;
			int n;

			for (lxw_col_t k = w->col; k < w->col + w->span; k++)
				room += k < MAXCOL ? width[k] : 8.43;

			if (w->row != row)
				continue;
			/* each line of the text wraps like its widest one, at worst */
			n = (int)ceil(w->cols / (room > 1 ? room : 1)) * (w->breaks + 1);
			if (n > lines)
				lines = n;
		}
		if (lines > 1) {
			xw_check(x, worksheet_set_row(s->ws, row, 15.0 * lines + 2, NULL), "a row height");
			if (rowpx && row < nrows)
				rowpx[row] = (15.0 * lines + 2) * 4 / 3;
		}
	}
	worksheet_set_landscape(s->ws);
	worksheet_set_paper(s->ws, 9); /* A4 */
	worksheet_set_margins(s->ws, 0.4, 0.4, 0.5, 0.6);
	/* The summary is one page, the cover with the table, and so are the
	 * definitions (each shrunk a little if need be); the other sheets are
	 * one page wide, as long as they are. */
	one = s->tpl->type == TPL_SHEET_SUMMARY || s->tpl->type == TPL_SHEET_DEFINITIONS;
	worksheet_fit_to_pages(s->ws, 1, one ? 1 : 0);
	if (rowpx && !one)
		plan_pages(x, s, width, rowpx, nrows);
	free(rowpx);
	xw_check(x, worksheet_set_footer(s->ws, xw_pf(x, "&L&8%s&R&8&P / &N", s->name)), "the footer");
}

/* Starts a row of charts at s->chart_row: a block of its own, so that a
 * page break never cuts a chart. */
static void chart_row_start(struct sheet *s)
{
	int n = (int)(sizeof(s->blocks) / sizeof(*s->blocks));

	s->chart_x = 0;
	s->chart_h = 0;
	if (s->nblocks < n) {
		s->blocks[s->nblocks].first = s->chart_row;
		s->blocks[s->nblocks].last = s->chart_row;
		s->blocks[s->nblocks].chart = 1;
		s->nblocks++;
	}
}

/* Rows a row of charts h pixels tall takes, and one free row below it. */
static lxw_row_t chart_rows(int h)
{
	return (lxw_row_t)((h + ROW_PX - 1) / ROW_PX) + 1;
}

/* Where a chart of w x h pixels goes: left to right, then a new row. */
static void chart_place(struct sheet *s, int w, int h, lxw_row_t *row, int *x_offset)
{
	if (s->ncharts == 0) {
		s->chart_row = s->charts_at ? s->charts_at : s->row + 1;
		chart_row_start(s);
	} else if (s->chart_x + w > CHART_ROW_PX) {
		s->chart_row += chart_rows(s->chart_h);
		chart_row_start(s);
	}
	*row = s->chart_row;
	*x_offset = s->chart_x;
	s->chart_x += w + 16;
	if (s->chart_x - 16 > s->charts_w)
		s->charts_w = s->chart_x - 16;
	if (h > s->chart_h)
		s->chart_h = h;
	/* the row's block reaches the bottom of its tallest chart */
	if (s->nblocks && s->blocks[s->nblocks - 1].chart)
		s->blocks[s->nblocks - 1].last = s->chart_row + chart_rows(s->chart_h) - 2;
	s->ncharts++;
}

lxw_row_t xw_charts_rows(const int *width, const int *height, size_t n)
{
	lxw_row_t rows = 0;
	int x = 0, h = 0;

	for (size_t i = 0; i < n; i++) {
		if (i > 0 && x + width[i] > CHART_ROW_PX) {
			rows += chart_rows(h);
			x = h = 0;
		}
		x += width[i] + 16;
		if (height[i] > h)
			h = height[i];
	}
	return n ? rows + chart_rows(h) : 0;
}

/* After the charts: the row below them. */
void xw_charts_done(struct sheet *s)
{
	if (s->ncharts && !s->charts_at)
		s->row = max_row(s->row, s->chart_row + chart_rows(s->chart_h));
}

static lxw_chart_font font_of(double size, int bold)
{
	lxw_chart_font f = { 0 };

	f.name = FONT;
	f.size = size;
	f.bold = (uint8_t)bold;
	return f;
}

/* A native chart with Thai-capable fonts, its title and its legend. */
lxw_chart *xw_chart_new(struct xw *x, uint8_t type, const char *title)
{
	lxw_chart *ch = workbook_add_chart(x->wb, type);
	lxw_chart_font tf = font_of(12, 1), af = font_of(9, 0), lf = font_of(9, 0);

	if (!ch) {
		xw_check(x, LXW_ERROR_MEMORY_MALLOC_FAILED, "a chart");
		return NULL;
	}
	chart_title_set_name(ch, xl_cut(x, title, XL_TITLE_MAX));
	chart_title_set_name_font(ch, &tf);
	chart_axis_set_num_font(ch->x_axis, &af);
	chart_axis_set_num_font(ch->y_axis, &af);
	chart_axis_set_name_font(ch->y_axis, &af);
	chart_legend_set_position(ch, LXW_CHART_LEGEND_BOTTOM);
	chart_legend_set_font(ch, &lf);
	return ch;
}

void xw_chart_insert(struct xw *x, struct sheet *s, lxw_chart *ch, const struct tpl_chart *tc)
{
	lxw_chart_options opt = { 0 };
	lxw_row_t row;
	int xo;

	chart_place(s, tc->width, tc->height, &row, &xo);
	opt.x_offset = xo;
	opt.y_offset = 0;
	opt.x_scale = tc->width / 480.0;
	opt.y_scale = tc->height / 288.0;
	opt.description = (char *)xw_pf(x, "%s", tc->title[x->th] ? tc->title[x->th] : "");
	xw_check(x, worksheet_insert_chart_opt(s->ws, row, 0, ch, &opt), "a chart");
}

void xw_series_colour(lxw_chart_series *se, lxw_color_t colour, int line, int dashed)
{
	if (line) {
		lxw_chart_line l = { 0 };

		l.color = colour;
		l.width = dashed ? 1.5 : 2.25;
		l.dash_type = dashed ? LXW_CHART_LINE_DASH_DASH : LXW_CHART_LINE_DASH_SOLID;
		chart_series_set_line(se, &l);
		if (!dashed) {
			lxw_chart_fill mf = { 0 };
			lxw_chart_line ml = { 0 };

			chart_series_set_marker_type(se, LXW_CHART_MARKER_CIRCLE);
			chart_series_set_marker_size(se, 5);
			mf.color = colour;
			ml.color = colour;
			chart_series_set_marker_fill(se, &mf);
			chart_series_set_marker_line(se, &ml);
		} else {
			chart_series_set_marker_type(se, LXW_CHART_MARKER_NONE);
		}
	} else {
		lxw_chart_fill fl = { 0 };

		fl.color = colour;
		chart_series_set_fill(se, &fl);
	}
}

const char *xw_axis_format(enum kpi_unit u)
{
	switch (u) {
	case UNIT_FRACTION: return "0%";
	case UNIT_SCORE: return "0.0";
	default: return "#,##0";
	}
}

/* ---- cairo pictures ---- */

struct png {
	unsigned char *p;
	size_t n, cap;
	int oom;
};

static cairo_status_t png_write(void *closure, const unsigned char *data, unsigned int len)
{
	struct png *b = closure;

	if (b->n + len > b->cap) {
		size_t cap = b->cap ? b->cap : 65536;
		unsigned char *p;

		while (cap < b->n + len)
			cap *= 2;
		if (!(p = realloc(b->p, cap))) {
			b->oom = 1;
			return CAIRO_STATUS_NO_MEMORY;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->n, data, len);
	b->n += len;
	return CAIRO_STATUS_SUCCESS;
}

struct picture {
	const struct chart *c;
	int width, height;
};

static int picture_draw(cairo_t *cr, void *arg)
{
	const struct picture *p = arg;

	return chart_render(p->c, cr, p->width, p->height);
}

/* Draws c at twice tc's size (sharp on screens and in print) into *png, in
 * strips (pngout_render), so that a tall chart never holds all its
 * pixels. Any thread; DK_OK, or a status after log_error(). */
static int picture_png(const struct chart *c, const struct tpl_chart *tc, struct png *png)
{
	struct picture pic = { c, tc->width, tc->height };
	int st = DK_OK;

	if (pngout_render(tc->width * 2, tc->height * 2, 2, picture_draw, &pic, &st, png_write,
			  png) != CAIRO_STATUS_SUCCESS && st == DK_OK) {
		log_error("cannot draw chart '%s': %s", tc->id,
			  png->oom ? "out of memory" : "cairo cannot write a PNG");
		st = DK_SOFTWARE;
	}
	return st;
}

int xw_picture_spec(struct xw *x, enum tpl_sheet_type type, const struct tpl_chart *tc,
		    struct chartspec **cs)
{
	struct chartspec_ctx ctx = xw_picture_ctx(x, tc);

	if (type == TPL_SHEET_COMPARE)
		return chartspec_report_compare(&ctx, x->d, (enum compare_metric)tc->metric,
						x->o->window_months, cs);
	return chartspec_report_trend(&ctx, x->d, (enum kpi_id)tc->kpis[0], cs);
}

/*
 * Pictures drawn ahead. Drawing and deflating a picture is most of the
 * writing's time (each of the monthly workbook's two: 45-75 ms at 1 M
 * events), while the queries are done and one core would wait. So before
 * the sheets are written, every picture's chart is built, and a second
 * thread draws them from the last; the sheet writer draws from the first
 * each one it reaches that the thread has not taken, and waits for one
 * that it has. Two pictures are drawn at once at most (two strips). Each
 * thread draws with its own Pango font map (Pango's default is one per
 * thread); what Pango shares between them (a cached HarfBuzz buffer) it
 * guards with a GLib lock. ThreadSanitizer, which does not see GLib's
 * futex locks, reports that buffer, and nothing of ours.
 */
enum { AHEAD_WAITING, AHEAD_DRAWING, AHEAD_DONE };

struct ahead_job {
	const struct tpl_chart *tc;
	struct chartspec *cs;
	struct png png;
	int st;
	int state;
	int taken;                 /* handed to the sheet writer */
};

struct ahead {
	pthread_mutex_t mu;
	pthread_cond_t done;
	pthread_t thread;
	int running;               /* the thread was started and not joined */
	int stop;                  /* take no more pictures */
	struct ahead_job *jobs;
	size_t n;
};

static void *ahead_main(void *arg)
{
	struct ahead *a = arg;

	pthread_mutex_lock(&a->mu);
	for (;;) {
		struct ahead_job *j = NULL;

		for (size_t i = a->n; i-- > 0 && !a->stop;)
			if (a->jobs[i].state == AHEAD_WAITING) {
				j = &a->jobs[i];
				break;
			}
		if (!j)
			break;
		j->state = AHEAD_DRAWING;
		pthread_mutex_unlock(&a->mu);
		j->st = picture_png(&j->cs->chart, j->tc, &j->png);
		pthread_mutex_lock(&a->mu);
		j->state = AHEAD_DONE;
		pthread_cond_broadcast(&a->done);
	}
	pthread_mutex_unlock(&a->mu);
	/* this thread's own Pango font map goes with it */
	chart_fonts_release();
	return NULL;
}

/* Whether the writer of sheet sh inserts its pictures: a comparison's
 * always, a trend's when there are months (as xlsx_write_trend()). */
static int ahead_sheet(const struct xw *x, const struct tpl_sheet *sh)
{
	return sh->type == TPL_SHEET_COMPARE || (sh->type == TPL_SHEET_TREND && x->d->nmonths);
}

/* Builds the chart of every picture the sheets will insert and starts the
 * thread when there are two or more. Without memory or a thread every
 * picture is simply drawn where it is inserted. */
static int ahead_start(struct xw *x)
{
	struct ahead *a;
	size_t n = 0;
	int st = DK_OK;

	if (x->o->jobs < 2)
		return DK_OK;
	for (size_t i = 0; i < x->t->nsheets; i++) {
		const struct tpl_sheet *sh = &x->t->sheets[i];

		for (size_t k = 0; ahead_sheet(x, sh) && k < sh->ncharts; k++)
			n += sh->charts[k]->type == TPL_CHART_IMAGE;
	}
	if (n < 2 || !(a = calloc(1, sizeof(*a))))
		return DK_OK;
	if (!(a->jobs = calloc(n, sizeof(*a->jobs)))) {
		free(a);
		return DK_OK;
	}
	pthread_mutex_init(&a->mu, NULL);
	pthread_cond_init(&a->done, NULL);
	x->ahead = a;
	for (size_t i = 0; i < x->t->nsheets && st == DK_OK; i++) {
		const struct tpl_sheet *sh = &x->t->sheets[i];

		for (size_t k = 0; ahead_sheet(x, sh) && k < sh->ncharts && st == DK_OK; k++) {
			struct ahead_job *j = &a->jobs[a->n];

			if (sh->charts[k]->type != TPL_CHART_IMAGE)
				continue;
			j->tc = sh->charts[k];
			if ((st = xw_picture_spec(x, sh->type, j->tc, &j->cs)) == DK_OK)
				a->n++;
		}
	}
	if (st == DK_OK && pthread_create(&a->thread, NULL, ahead_main, a) == 0) {
		a->running = 1;
		log_info("drawing %zu pictures two at a time", a->n);
	}
	return st;
}

/* Stops the thread (it finishes the picture it is drawing) and frees what
 * was not inserted. */
static void ahead_end(struct xw *x)
{
	struct ahead *a = x->ahead;

	if (!a)
		return;
	if (a->running) {
		pthread_mutex_lock(&a->mu);
		a->stop = 1;
		pthread_mutex_unlock(&a->mu);
		pthread_join(a->thread, NULL);
	}
	for (size_t i = 0; i < a->n; i++) {
		chartspec_free(a->jobs[i].cs);
		free(a->jobs[i].png.p);
	}
	pthread_cond_destroy(&a->done);
	pthread_mutex_destroy(&a->mu);
	free(a->jobs);
	free(a);
	x->ahead = NULL;
}

/* Picture tc's PNG into *png and its chart's title into *title: the one
 * drawn ahead (waited for, or drawn here if the thread has not taken it),
 * else drawn here from its chart. */
static int picture_take(struct xw *x, enum tpl_sheet_type type, const struct tpl_chart *tc,
			struct png *png, const char **title)
{
	struct ahead *a = x->ahead;
	struct chartspec *cs;
	int st;

	for (size_t i = 0; a && i < a->n; i++) {
		struct ahead_job *j = &a->jobs[i];

		if (j->tc != tc || j->taken)
			continue;
		j->taken = 1;
		pthread_mutex_lock(&a->mu);
		if (j->state == AHEAD_WAITING) {
			j->state = AHEAD_DRAWING;
			pthread_mutex_unlock(&a->mu);
			j->st = picture_png(&j->cs->chart, tc, &j->png);
			pthread_mutex_lock(&a->mu);
			j->state = AHEAD_DONE;
		}
		while (j->state != AHEAD_DONE)
			pthread_cond_wait(&a->done, &a->mu);
		pthread_mutex_unlock(&a->mu);
		*png = j->png;
		j->png = (struct png){ 0 };
		*title = xw_pf(x, "%s", j->cs->chart.title ? j->cs->chart.title : "");
		return j->st;
	}
	if ((st = xw_picture_spec(x, type, tc, &cs)))
		return st;
	st = picture_png(&cs->chart, tc, png);
	*title = xw_pf(x, "%s", cs->chart.title ? cs->chart.title : "");
	chartspec_free(cs);
	return st;
}

/* Draws picture tc of a sheet of that type at twice its size and inserts
 * it shown at tc's size. */
int xw_insert_picture(struct xw *x, struct sheet *s, enum tpl_sheet_type type,
		      const struct tpl_chart *tc)
{
	const char *title = "";
	struct png png = { 0 };
	unsigned char **grown;
	lxw_image_options opt = { 0 };
	lxw_row_t row;
	int st, xo;

	if ((st = picture_take(x, type, tc, &png, &title)) != DK_OK) {
		free(png.p);
		return st;
	}
	grown = realloc(x->images, (x->nimages + 1) * sizeof(*grown));
	if (!grown) {
		free(png.p);
		return DK_SOFTWARE;
	}
	x->images = grown;
	x->images[x->nimages++] = png.p;
	chart_place(s, tc->width, tc->height, &row, &xo);
	opt.x_offset = xo;
	opt.x_scale = 0.5;
	opt.y_scale = 0.5;
	opt.description = (char *)title;
	xw_check(x, worksheet_insert_image_buffer_opt(s->ws, row, 0, png.p, png.n, &opt),
	      "a picture");
	return DK_OK;
}

/* "27 พ.ย. 2569 17:12 น." / "27 Nov 2026 17:12" from a timestamp. */
static const char *stamp_human(struct xw *x, const char *ts)
{
	int y, mo, d, h, mi;

	if (!ts || sscanf(ts, "%4d-%2d-%2d %2d:%2d", &y, &mo, &d, &h, &mi) != 5 ||
	    !period_month_name(mo, x->thai, 1))
		return ts ? ts : "";
	return x->thai ? xw_pf(x, "%d %s %d %02d:%02d น.", d, period_month_name(mo, 1, 1), y + 543, h, mi)
		       : xw_pf(x, "%d %s %d %02d:%02d", d, period_month_name(mo, 0, 1), y, h, mi);
}

/* The newest record of the log relations (the snapshot's time when they
 * are all empty): what the data is as of. */
const char *xw_data_as_of(const struct xw *x)
{
	return x->d->fresh.newest_all[0] ? x->d->fresh.newest_all : x->d->snapshot;
}

const char *xw_as_of_human(struct xw *x)
{
	return stamp_human(x, xw_data_as_of(x));
}

const char *xw_params_text(struct xw *x)
{
	const struct xlsx_options *o = x->o;

	return xw_pf(x, "--template %s --period %s --lang %s --min-cell %ld --tz %s%s  (%s: %s)",
		  o->template_name, x->d->period.label, x->thai ? "th" : "en", o->min_cell, o->tz,
		  x->d->compare ? xw_pf(x, " --window %d", o->window_months) : "",
		  T(x, "ฐานข้อมูล", "database"), x->d->database ? x->d->database : "");
}

/* The picture's context: the report's language and its source line. */
struct chartspec_ctx xw_picture_ctx(struct xw *x, const struct tpl_chart *tc)
{
	return (struct chartspec_ctx){
		.thai = x->thai,
		.title = tc->title[x->th],
		.source = xw_pf(x, "%s  %s %s", xw_dept(x), T(x, "ข้อมูล ณ", "data as of"), xw_as_of_human(x)),
	};
}

/* ---- the workbook ---- */

int xlsx_write_report(const char *path, const struct template *t,
		      const struct report_data *d, const struct xlsx_options *o)
{
	struct xw x = { .t = t, .d = d, .o = o, .thai = o->thai, .th = o->thai ? TPL_TH : TPL_EN };
	struct sheet *sheets = NULL;
	lxw_doc_properties props = { 0 };
	lxw_error e;
	size_t i;
	int st = DK_OK;

	x.wb = workbook_new(path);
	if (!x.wb) {
		log_error("cannot start the workbook '%s': out of memory", path);
		return DK_SOFTWARE;
	}
	if (!(sheets = calloc(t->nsheets, sizeof(*sheets)))) {
		st = DK_SOFTWARE;
		goto fail;
	}
	make_formats(&x);
	props.title = (char *)(t->title[x.th] ? t->title[x.th] : "didkpi");
	props.subject = (char *)xw_period_human(&x, &d->period);
	props.company = (char *)xw_dept(&x);
	props.author = "didkpi";
	props.comments = (char *)xw_pf(&x, "didkpi report %s", xw_params_text(&x));
	xw_check(&x, workbook_set_properties(x.wb, &props), "the document properties");
	if ((st = ahead_start(&x)))
		goto fail;
	for (i = 0; i < t->nsheets && !x.failed; i++) {
		struct sheet *s = &sheets[i];

		s->tpl = &t->sheets[i];
		/* template.c checks names; the cut keeps a bad one from failing */
		s->name = xl_cut(&x, xlsx_sheet_name(s->tpl, x.thai), XL_SHEET_MAX);
		s->ws = workbook_add_worksheet(x.wb, s->name);
		if (!s->ws) {
			log_error("cannot add sheet '%s' (from [sheet %s] in %s)", s->name, s->tpl->id,
				  t->path);
			st = DK_SOFTWARE;
			goto fail;
		}
		switch (s->tpl->type) {
		case TPL_SHEET_SUMMARY: st = xlsx_write_summary(&x, s); break;
		case TPL_SHEET_TREND: st = xlsx_write_trend(&x, s); break;
		case TPL_SHEET_COMPARE: st = xlsx_write_compare(&x, s); break;
		case TPL_SHEET_AUTH: st = xlsx_write_auth(&x, s); break;
		case TPL_SHEET_IMPROVE: st = xlsx_write_improve(&x, s); break;
		case TPL_SHEET_TRAINING: st = xlsx_write_training(&x, s); break;
		case TPL_SHEET_DEFINITIONS: st = xlsx_write_definitions(&x, s); break;
		case TPL_SHEET_BREAKDOWN: st = xlsx_write_breakdown(&x, s); break;
		case TPL_SHEET_DATA: st = xlsx_write_data(&x, s); break;
		case TPL_SHEET_EFFECTS: st = xlsx_write_effects(&x, s); break;
		case TPL_SHEET_ITS: st = xlsx_write_its(&x, s); break;
		default: st = DK_SOFTWARE; break;
		}
		if (st || x.failed)
			goto fail;
		sheet_finish(&x, s);
	}
	if (x.failed || x.pool.oom) {
		if (x.pool.oom)
			log_error("cannot build the workbook: out of memory");
		st = x.failed && io_error(x.err) ? DK_CANTCREAT : DK_SOFTWARE;
		goto fail;
	}
	ahead_end(&x);
	if (t->nsheets)
		worksheet_activate(sheets[0].ws);
	e = workbook_close(x.wb);
	x.wb = NULL;
	if (e != LXW_NO_ERROR) {
		log_error("cannot write '%s': %s", o->dest ? o->dest : path, lxw_strerror(e));
		st = io_error(e) ? DK_CANTCREAT : DK_SOFTWARE;
	}
	goto out;
fail:
	if (st == DK_OK)
		st = x.failed && io_error(x.err) ? DK_CANTCREAT : DK_SOFTWARE;
	/* free without writing anything */
	lxw_workbook_free(x.wb);
	x.wb = NULL;
out:
	ahead_end(&x);
	for (i = 0; sheets && i < t->nsheets; i++)
		free(sheets[i].wraps);
	for (i = 0; i < x.nimages; i++)
		free(x.images[i]);
	free(x.images);
	free(sheets);
	pool_free(&x.pool);
	return st;
}
