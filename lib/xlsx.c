/* The XLSX workbook of didkpi report, over libxlsxwriter (see xlsx.h). */
#include <math.h>
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
#include "xlsx.h"

#define MAXCOL 64
#define FONT "Tahoma"
#define FONT_SIZE 10

/* Thai Buddhist calendar, western digits, Thai month names (LCID 041E,
 * calendar 07); Excel and LibreOffice both honour it. */
#define TH_CAL "[$-107041E]"

/* Where the next chart goes, and how wide a row of charts may grow. */
#define CHART_ROW_PX 1180
#define ROW_PX 20

/* Colours: header fill, good and bad, and the chart palettes. */
#define C_HEADER 0x1F4E79
#define C_HEADER_TEXT 0xFFFFFF
#define C_TITLE 0x1F4E79
#define C_GREY 0x595959
#define C_LIGHT 0xF2F2F2
#define C_GOOD_FILL 0xC6EFCE
#define C_GOOD_TEXT 0x006100
#define C_BAD_FILL 0xFFC7CE
#define C_BAD_TEXT 0x9C0006

static const lxw_color_t palette[] = {
	0x1F77B4, 0x2CA02C, 0xFF7F0E, 0x9467BD, 0x17BECF, 0xD62728, 0x8C564B, 0xBCBD22,
};
static const lxw_color_t greys[] = { 0x7F7F7F, 0xBFBFBF, 0xA5A5A5, 0xD9D9D9 };

/* Number formats by what a cell holds. */
enum nf {
	NF_COUNT, NF_PCT, NF_SCORE, NF_HOURS, NF_MS, NF_BAHT, /* the kpi_unit order */
	NF_DEC1, NF_DEC3, NF_COUNT_COUNT
};

/* A cell whose text wraps: its row is made tall enough for the lines. */
struct wrapped {
	lxw_row_t row;
	lxw_col_t col;
	double cols;               /* the text's width on one line */
	int breaks;                /* line breaks in the text */
	lxw_col_t span;            /* columns it is merged across */
};

struct sheet {
	lxw_worksheet *ws;
	const char *name;
	const struct tpl_sheet *tpl;
	double fit[MAXCOL];        /* widest content, in characters */
	double minw[MAXCOL];       /* a floor (header words) */
	lxw_row_t row;             /* the next free row */
	lxw_col_t ncols;           /* the table's width, for notes below it */
	lxw_row_t chart_row;       /* where the next row of charts starts */
	int chart_x;               /* pixels used in the current chart row */
	int chart_h;               /* the tallest chart of that row */
	int ncharts;
	lxw_row_t breaks[33];      /* manual page breaks before rows of charts */
	int nbreaks;
	struct wrapped *wraps;     /* cells whose text wraps, for row heights */
	size_t nwraps, capwraps;
};

struct pool {
	char **v;
	size_t n, cap;
	int oom;
};

struct xw {
	lxw_workbook *wb;
	const struct template *t;
	const struct report_data *d;
	const struct xlsx_options *o;
	int th;                    /* TPL_TH or TPL_EN */
	int thai;
	int failed;                /* a cell or chart call failed */
	lxw_error err;
	struct pool pool;
	unsigned char **images;    /* PNG buffers, kept until the file is closed */
	size_t nimages;
	struct {
		lxw_format *title, *big_title, *subtitle, *heading, *header, *header_left;
		lxw_format *text, *wrap, *label, *note, *suppressed, *total_text;
		lxw_format *date, *date_long, *datetime, *month, *iso_date;
		lxw_format *num[NF_COUNT_COUNT], *chg[NF_COUNT_COUNT], *total[NF_COUNT_COUNT];
		lxw_format *good, *bad, *good_text, *bad_text, *center, *block, *target_top;
		lxw_format *note_wrap, *text_top, *label_top, *text_wrap_mid, *not_yet;
	} f;
};

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

static const char *pf(struct xw *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A formatted string that lives until the workbook is closed ("" on OOM). */
static const char *pf(struct xw *x, const char *fmt, ...)
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
static void check(struct xw *x, lxw_error e, const char *what)
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

static const char *T(const struct xw *x, const char *th, const char *en)
{
	return x->thai ? th : en;
}

static double dmax(double a, double b)
{
	return a > b ? a : b;
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

static void fit(struct sheet *s, lxw_col_t c, double w)
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
			return pf(x, "%.*s\xe2\x80\xa6", (int)keep, text);
		i += len;
	}
	return text;
}

static const char *cell_text(struct xw *x, const char *text)
{
	return xl_cut(x, text, XL_CELL_MAX);
}

static void put_text(struct xw *x, struct sheet *s, lxw_row_t r, lxw_col_t c,
		     const char *text, lxw_format *f)
{
	text = cell_text(x, text);
	check(x, worksheet_write_string(s->ws, r, c, text, f), "a text cell");
	fit(s, c, text_cols(text) + 1.5);
}

/* Text in a column at most cap characters wide: longer text wraps. */
static void put_text_capped(struct xw *x, struct sheet *s, lxw_row_t r, lxw_col_t c,
			    const char *text, double cap)
{
	text = cell_text(x, text);
	if (text_cols(text) + 1.5 <= cap) {
		put_text(x, s, r, c, text, x->f.text);
		return;
	}
	check(x, worksheet_write_string(s->ws, r, c, text, x->f.text_wrap_mid), "a text cell");
	note_wrap(s, r, c, text);
	fit(s, c, cap);
}

/* Text that may overflow into the empty cells on its right: no fitting. */
static void put_long(struct xw *x, struct sheet *s, lxw_row_t r, lxw_col_t c,
		     const char *text, lxw_format *f)
{
	check(x, worksheet_write_string(s->ws, r, c, cell_text(x, text), f), "a text cell");
}

/* Text that wraps within its column (the row grows to fit). */
static void put_wrap(struct xw *x, struct sheet *s, lxw_row_t r, lxw_col_t c, const char *text)
{
	text = cell_text(x, text);
	check(x, worksheet_write_string(s->ws, r, c, text, x->f.wrap), "a text cell");
	note_wrap(s, r, c, text);
}

/* Text across the columns c..the table's last, wrapping there (so that a
 * long note neither widens a column nor the printed page). */
static void put_span(struct xw *x, struct sheet *s, lxw_row_t r, lxw_col_t c, const char *text,
		     lxw_format *f)
{
	if (s->ncols <= c + 1) {
		put_long(x, s, r, c, text, f);
		return;
	}
	text = cell_text(x, text);
	check(x, worksheet_merge_range(s->ws, r, c, r, s->ncols - 1, text, f),
	      "a merged cell");
	note_wrap_span(s, r, c, s->ncols - c, text);
}

static void put_note(struct xw *x, struct sheet *s, lxw_row_t r, lxw_col_t c, const char *text)
{
	put_span(x, s, r, c, text, x->f.note_wrap);
}

/* A header cell: it wraps, so it asks for at most a dozen characters. */
static void put_header(struct xw *x, struct sheet *s, lxw_row_t r, lxw_col_t c,
		       const char *text)
{
	double w;

	text = cell_text(x, text);
	w = text_cols(text) + 2;
	check(x, worksheet_write_string(s->ws, r, c, text, c == 0 ? x->f.header_left
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

static void put_num(struct xw *x, struct sheet *s, lxw_row_t r, lxw_col_t c, double v,
		    lxw_format *f, enum nf nf)
{
	if (!isfinite(v)) {
		check(x, worksheet_write_blank(s->ws, r, c, f), "a blank cell");
		return;
	}
	check(x, worksheet_write_number(s->ws, r, c, v, f), "a number");
	fit(s, c, num_cols(v, nf));
}

static void put_blank(struct xw *x, struct sheet *s, lxw_row_t r, lxw_col_t c, lxw_format *f)
{
	check(x, worksheet_write_blank(s->ws, r, c, f), "a blank cell");
}

static lxw_datetime to_lxw(struct civil_date d)
{
	return (lxw_datetime){ d.year, d.month, d.day, 0, 0, 0 };
}

static void put_date(struct xw *x, struct sheet *s, lxw_row_t r, lxw_col_t c,
		     struct civil_date d, lxw_format *f)
{
	lxw_datetime dt = to_lxw(d);

	check(x, worksheet_write_datetime(s->ws, r, c, &dt, f), "a date");
	fit(s, c, f == x->f.date_long ? 20 : f == x->f.iso_date ? 12 : 14);
}

/* "YYYY-MM-DD HH:MM:SS" as a date and time cell. */
static void put_timestamp(struct xw *x, struct sheet *s, lxw_row_t r, lxw_col_t c,
			  const char *ts)
{
	lxw_datetime dt = { 0 };
	int y, mo, d, h, mi;
	double sec;

	if (!ts || sscanf(ts, "%4d-%2d-%2d %2d:%2d:%lf", &y, &mo, &d, &h, &mi, &sec) != 6) {
		put_text(x, s, r, c, ts ? ts : "", x->f.text);
		return;
	}
	dt = (lxw_datetime){ y, (uint8_t)mo, (uint8_t)d, (uint8_t)h, (uint8_t)mi, floor(sec) };
	check(x, worksheet_write_datetime(s->ws, r, c, &dt, x->f.datetime), "a date and time");
}

static enum nf unit_nf(enum kpi_unit u)
{
	return (enum nf)u; /* UNIT_COUNT..UNIT_BAHT map onto NF_COUNT..NF_BAHT */
}

static const char *suppressed_text(const struct xw *x)
{
	return T(x, "ปกปิด", "suppressed");
}

/* A KPI row's value: a number, "ปกปิด" for a suppressed small cell, or
 * blank when there is none. */
static void put_kpi(struct xw *x, struct sheet *s, lxw_row_t r, lxw_col_t c,
		    const struct kpi_row *row, lxw_format **fmts)
{
	enum kpi_unit u = row ? kpi_defs[row->kpi].unit : UNIT_COUNT;

	if (row && row->suppressed) {
		put_text(x, s, r, c, suppressed_text(x), x->f.suppressed);
		return;
	}
	if (!row || !row->value.set) {
		put_blank(x, s, r, c, fmts[unit_nf(u)]);
		return;
	}
	put_num(x, s, r, c, row->value.v, fmts[unit_nf(u)], unit_nf(u));
}

/* A conditional format by formula over a range ("=$B5>0", relative to the
 * range's first cell). */
static void cond(struct xw *x, struct sheet *s, lxw_row_t r1, lxw_col_t c1, lxw_row_t r2,
		 lxw_col_t c2, const char *formula, lxw_format *f)
{
	lxw_conditional_format cf = { 0 };

	cf.type = LXW_CONDITIONAL_TYPE_FORMULA;
	cf.value_string = (char *)formula;
	cf.format = f;
	check(x, worksheet_conditional_format_range(s->ws, r1, c1, r2, c2, &cf),
	      "a conditional format");
}

/* A data bar over a range. */
static void data_bar(struct xw *x, struct sheet *s, lxw_row_t r1, lxw_col_t c, lxw_row_t r2,
		     lxw_color_t colour)
{
	lxw_conditional_format cf = { 0 };

	if (r2 < r1)
		return;
	cf.type = LXW_CONDITIONAL_DATA_BAR;
	cf.bar_color = colour;
	check(x, worksheet_conditional_format_range(s->ws, r1, c, r2, c, &cf), "a data bar");
}

/* "$B13" */
static const char *cell(struct xw *x, lxw_row_t r, lxw_col_t c)
{
	char col[16];

	lxw_col_to_name(col, c, 1);
	return pf(x, "%s%u", col, (unsigned)r + 1);
}

/* Colours the cell (r, c) and the others of a row green when the number in
 * (r, vc) is better than, or as good as, the number in (r, tc), red when
 * worse; "better" is higher or lower as the KPI says. */
static void cond_target(struct xw *x, struct sheet *s, lxw_row_t r, lxw_col_t c1, lxw_col_t c2,
			lxw_col_t vc, lxw_col_t tc, int higher_is_better)
{
	const char *v = cell(x, r, vc), *t = cell(x, r, tc);

	cond(x, s, r, c1, r, c2, pf(x, "=AND(ISNUMBER(%s),ISNUMBER(%s),%s%s%s)", v, t, v,
				     higher_is_better ? ">=" : "<=", t), x->f.good);
	cond(x, s, r, c1, r, c2, pf(x, "=AND(ISNUMBER(%s),ISNUMBER(%s),%s%s%s)", v, t, v,
				     higher_is_better ? "<" : ">", t), x->f.bad);
}

/* Colours change cells: green for a change for the better, red for worse.
 * The formula is relative to the first row (rows r1..r2 of column c). */
static void cond_change(struct xw *x, struct sheet *s, lxw_row_t r1, lxw_row_t r2,
			lxw_col_t c, int higher_is_better, const char *extra)
{
	char col[16];
	const char *ref;

	lxw_col_to_name(col, c, 1);
	ref = pf(x, "%s%u", col, (unsigned)r1 + 1);
	cond(x, s, r1, c, r2, c, pf(x, "=AND(ISNUMBER(%s),%s%s0%s)", ref, ref,
				     higher_is_better ? ">" : "<", extra ? extra : ""),
	     x->f.good_text);
	cond(x, s, r1, c, r2, c, pf(x, "=AND(ISNUMBER(%s),%s%s0%s)", ref, ref,
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

static const char *period_human(struct xw *x, const struct period *p)
{
	char buf[PERIOD_HUMAN_LEN];

	period_label_human(p, x->thai, buf, sizeof(buf));
	return pf(x, "%s", buf);
}

static const char *dept(const struct xw *x)
{
	return x->t->department[x->th] ? x->t->department[x->th]
	       : x->t->department[!x->th] ? x->t->department[!x->th] : "";
}

/* Rows 0-1: the sheet's title, the department and period; the table's
 * header goes on row 3. */
static void sheet_heading(struct xw *x, struct sheet *s, const char *subtitle)
{
	const char *d = dept(x);

	put_long(x, s, 0, 0, s->tpl->title[x->th], x->f.title);
	put_long(x, s, 1, 0, subtitle ? subtitle
		 : pf(x, "%s%s%s", d, *d ? "  ·  " : "", period_human(x, &x->d->period)),
		 x->f.subtitle);
	check(x, worksheet_set_row(s->ws, 0, 24, NULL), "a row height");
	s->row = 3;
}

/* Freezes the rows above r (the header is r - 1) and the first ncols
 * columns, and repeats the header on every printed page. */
static void freeze(struct xw *x, struct sheet *s, lxw_row_t header, lxw_col_t ncols)
{
	worksheet_freeze_panes(s->ws, header + 1, ncols);
	check(x, worksheet_repeat_rows(s->ws, header, header), "the print titles");
}

/* Sets the fitted or template column widths and the page setup. */
static void sheet_finish(struct xw *x, struct sheet *s)
{
	double width[MAXCOL];
	lxw_col_t c;
	size_t i, j;

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
		check(x, worksheet_set_column(s->ws, c, c, w, NULL), "a column width");
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
		if (lines > 1)
			check(x, worksheet_set_row(s->ws, row, 15.0 * lines + 2, NULL), "a row height");
	}
	worksheet_set_landscape(s->ws);
	worksheet_set_paper(s->ws, 9); /* A4 */
	worksheet_set_margins(s->ws, 0.4, 0.4, 0.5, 0.6);
	worksheet_fit_to_pages(s->ws, 1, 0);
	if (s->nbreaks) {
		s->breaks[s->nbreaks] = 0;
		check(x, worksheet_set_h_pagebreaks(s->ws, s->breaks), "the page breaks");
	}
	check(x, worksheet_set_footer(s->ws, pf(x, "&L&8%s&R&8&P / &N", s->name)), "the footer");
}

static lxw_row_t max_row(lxw_row_t a, lxw_row_t b)
{
	return a > b ? a : b;
}

/* A printed page holds about this many pixels of rows and charts. */
#define PAGE_PX 660

/* Starts a row of charts at s->chart_row; on paper, a row of charts that
 * would straddle a page starts a new one. */
static void chart_row_start(struct sheet *s, int h)
{
	int top = (int)s->chart_row * ROW_PX;

	/* Two rows of charts do not fit on a page: each row of charts starts
	 * one, except a first that fits below a short table. */
	if ((s->ncharts > 0 || top + h > PAGE_PX) && s->nbreaks < 32)
		s->breaks[s->nbreaks++] = s->chart_row;
	s->chart_x = 0;
	s->chart_h = 0;
}

/* Where a chart of w x h pixels goes: left to right, then a new row. */
static void chart_place(struct sheet *s, int w, int h, lxw_row_t *row, int *x_offset)
{
	if (s->ncharts == 0) {
		s->chart_row = s->row + 1;
		chart_row_start(s, h);
	} else if (s->chart_x + w > CHART_ROW_PX) {
		s->chart_row += (lxw_row_t)((s->chart_h + ROW_PX - 1) / ROW_PX) + 1;
		chart_row_start(s, h);
	}
	*row = s->chart_row;
	*x_offset = s->chart_x;
	s->chart_x += w + 16;
	if (h > s->chart_h)
		s->chart_h = h;
	s->ncharts++;
}

/* After the charts: the row below them. */
static void charts_done(struct sheet *s)
{
	if (s->ncharts)
		s->row = max_row(s->row, s->chart_row +
				 (lxw_row_t)((s->chart_h + ROW_PX - 1) / ROW_PX) + 1);
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
static lxw_chart *chart_new(struct xw *x, uint8_t type, const char *title)
{
	lxw_chart *ch = workbook_add_chart(x->wb, type);
	lxw_chart_font tf = font_of(12, 1), af = font_of(9, 0), lf = font_of(9, 0);

	if (!ch) {
		check(x, LXW_ERROR_MEMORY_MALLOC_FAILED, "a chart");
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

static void chart_insert(struct xw *x, struct sheet *s, lxw_chart *ch, const struct tpl_chart *tc)
{
	lxw_chart_options opt = { 0 };
	lxw_row_t row;
	int xo;

	chart_place(s, tc->width, tc->height, &row, &xo);
	opt.x_offset = xo;
	opt.y_offset = 0;
	opt.x_scale = tc->width / 480.0;
	opt.y_scale = tc->height / 288.0;
	opt.description = (char *)pf(x, "%s", tc->title[x->th] ? tc->title[x->th] : "");
	check(x, worksheet_insert_chart_opt(s->ws, row, 0, ch, &opt), "a chart");
}

static void series_colour(lxw_chart_series *se, lxw_color_t colour, int line, int dashed)
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

static const char *axis_format(enum kpi_unit u)
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

/* Draws c at twice tc's size (sharp on screens and in print) and inserts
 * it shown at tc's size. */
static int insert_picture(struct xw *x, struct sheet *s, const struct chart *c,
			  const struct tpl_chart *tc)
{
	cairo_surface_t *surf;
	cairo_t *cr;
	struct png png = { 0 };
	unsigned char **grown;
	lxw_image_options opt = { 0 };
	lxw_row_t row;
	int st, xo;

	surf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, tc->width * 2, tc->height * 2);
	cr = cairo_create(surf);
	cairo_scale(cr, 2, 2);
	st = chart_render(c, cr, tc->width, tc->height);
	cairo_destroy(cr);
	if (st == DK_OK && pngout_write(surf, png_write, &png) !=
	    CAIRO_STATUS_SUCCESS) {
		log_error("cannot draw chart '%s': %s", tc->id,
			  png.oom ? "out of memory" : "cairo cannot write a PNG");
		st = DK_SOFTWARE;
	}
	cairo_surface_destroy(surf);
	if (st != DK_OK) {
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
	opt.description = (char *)(c->title ? c->title : "");
	check(x, worksheet_insert_image_buffer_opt(s->ws, row, 0, png.p, png.n, &opt),
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
	return x->thai ? pf(x, "%d %s %d %02d:%02d น.", d, period_month_name(mo, 1, 1), y + 543, h, mi)
		       : pf(x, "%d %s %d %02d:%02d", d, period_month_name(mo, 0, 1), y, h, mi);
}

/* The newest record of the log relations (the snapshot's time when they
 * are all empty): what the data is as of. */
static const char *data_as_of(const struct xw *x)
{
	return x->d->fresh.newest_all[0] ? x->d->fresh.newest_all : x->d->snapshot;
}

static const char *as_of_human(struct xw *x)
{
	return stamp_human(x, data_as_of(x));
}

/* ---- the summary sheet ---- */

static const char *params_text(struct xw *x)
{
	const struct xlsx_options *o = x->o;

	return pf(x, "--template %s --period %s --lang %s --min-cell %ld --tz %s%s  (%s: %s)",
		  o->template_name, x->d->period.label, x->thai ? "th" : "en", o->min_cell, o->tz,
		  x->d->compare ? pf(x, " --window %d", o->window_months) : "",
		  T(x, "ฐานข้อมูล", "database"), x->d->database ? x->d->database : "");
}

static int write_summary(struct xw *x, struct sheet *s)
{
	const struct report_data *d = x->d;
	const struct tpl_sheet *sh = s->tpl;
	const char *title = x->t->title[x->th] ? x->t->title[x->th] : sh->title[x->th];
	const char *src = x->t->source[x->th];
	lxw_row_t r, header, first;
	int month = d->period.kind == PERIOD_MONTH, i;

	s->ncols = 8;
	put_long(x, s, 0, 0, title, x->f.big_title);
	check(x, worksheet_set_row(s->ws, 0, 27, NULL), "a row height");
	put_long(x, s, 1, 0, dept(x), x->f.heading);
	put_long(x, s, 2, 0, pf(x, "%s %s", sh->title[x->th], period_human(x, &d->period)),
		 x->f.subtitle);

	/* the cover block */
	r = 4;
	put_text(x, s, r, 0, T(x, "ช่วงเวลาที่รายงาน", "Reporting period"), x->f.label);
	put_long(x, s, r++, 1, period_human(x, &d->period), x->f.label);
	put_text(x, s, r, 0, T(x, "ตั้งแต่วันที่", "From"), x->f.label);
	put_date(x, s, r++, 1, d->period.start, x->f.date_long);
	put_text(x, s, r, 0, T(x, "ถึงวันที่", "To (inclusive)"), x->f.label);
	put_date(x, s, r++, 1, date_add_days(d->period.end, -1), x->f.date_long);
	put_text(x, s, r, 0, T(x, "เปรียบเทียบกับ", "Compared with"), x->f.label);
	put_long(x, s, r++, 1, pf(x, T(x, "%s (%s) และ %s (%s)", "%s (%s) and %s (%s)"),
				  period_human(x, &d->previous),
				  month ? T(x, "เดือนก่อน", "previous month")
					: T(x, "ช่วงก่อนหน้า", "previous period"),
				  period_human(x, &d->year_ago),
				  month ? T(x, "เดือนเดียวกันปีก่อน", "same month last year")
					: T(x, "ช่วงเดียวกันปีก่อน", "same period last year")),
		 x->f.text);
	/* "data as of" is the newest record, not the snapshot: a feed that
	 * stopped must show on the cover (issue 10 item 16) */
	put_text(x, s, r, 0, T(x, "ข้อมูล ณ", "Data as of"), x->f.label);
	put_timestamp(x, s, r++, 1, data_as_of(x));
	for (i = 0; i < FRESH_COUNT; i++) {
		static const char *const th[FRESH_COUNT] = {
			"การยืนยันตัวตนล่าสุด", "คำขอรับบริการล่าสุด", "การประเมินความพึงพอใจล่าสุด"
		};
		static const char *const en[FRESH_COUNT] = {
			"Newest authentication event", "Newest service request",
			"Newest satisfaction response"
		};

		put_text(x, s, r, 0, T(x, th[i], en[i]), x->f.label);
		if (d->fresh.newest[i][0])
			put_timestamp(x, s, r, 1, d->fresh.newest[i]);
		else
			put_text(x, s, r, 1, T(x, "ไม่มีข้อมูล", "no data"), x->f.bad_text);
		if (d->fresh.short_[i])
			put_long(x, s, r, 2, T(x, "สิ้นสุดก่อนสิ้นช่วงเวลาที่รายงาน",
					       "ends before the reporting period does"), x->f.bad_text);
		r++;
	}
	put_text(x, s, r, 0, T(x, "สแนปช็อตฐานข้อมูล", "Database snapshot"), x->f.label);
	put_timestamp(x, s, r++, 1, d->snapshot);
	put_text(x, s, r, 0, T(x, "จัดทำเมื่อ", "Generated"), x->f.label);
	put_timestamp(x, s, r++, 1, x->d->generated);
	put_text(x, s, r, 0, T(x, "พารามิเตอร์", "Parameters"), x->f.label_top);
	put_span(x, s, r++, 1, params_text(x), x->f.text_top);
	if (src) {
		put_text(x, s, r, 0, T(x, "แหล่งข้อมูล", "Source"), x->f.label_top);
		put_span(x, s, r++, 1, src, x->f.text_top);
	}
	r++;

	/* the table */
	header = r;
	put_header(x, s, r, 0, T(x, "ตัวชี้วัด", "KPI"));
	put_header(x, s, r, 1, period_human(x, &d->period));
	put_header(x, s, r, 2, period_human(x, &d->previous));
	put_header(x, s, r, 3, month ? T(x, "เปลี่ยนแปลงจากเดือนก่อน", "Change from previous month")
				     : T(x, "เปลี่ยนแปลงจากช่วงก่อน", "Change from previous period"));
	put_header(x, s, r, 4, period_human(x, &d->year_ago));
	put_header(x, s, r, 5, T(x, "เปลี่ยนแปลงจากปีก่อน", "Change from last year"));
	put_header(x, s, r, 6, T(x, "เป้าหมาย", "Target"));
	put_header(x, s, r, 7, T(x, "ผลเทียบเป้าหมาย", "Target met"));
	first = ++r;
	for (i = 0; i < sh->nkpis; i++, r++) {
		enum kpi_id k = (enum kpi_id)sh->kpis[i];
		const struct kpi_def *def = &kpi_defs[k];
		const struct kpi_row *cur = report_find(d->cur, 0, k, BD_ALL, NULL);
		const struct kpi_row *prev = report_find(d->past, 0, k, BD_ALL, NULL);
		const struct kpi_row *yago = report_find(d->past, 1, k, BD_ALL, NULL);
		enum nf nf = unit_nf(def->unit);

		put_text(x, s, r, 0, x->thai ? def->label_th : def->label_en, x->f.text);
		put_kpi(x, s, r, 1, cur, x->f.num);
		put_kpi(x, s, r, 2, prev, x->f.num);
		if (cur && prev && cur->value.set && prev->value.set)
			put_num(x, s, r, 3, cur->value.v - prev->value.v, x->f.chg[nf], nf);
		else
			put_blank(x, s, r, 3, x->f.chg[nf]);
		put_kpi(x, s, r, 4, yago, x->f.num);
		if (cur && yago && cur->value.set && yago->value.set)
			put_num(x, s, r, 5, cur->value.v - yago->value.v, x->f.chg[nf], nf);
		else
			put_blank(x, s, r, 5, x->f.chg[nf]);
		if (cur && cur->target.set) {
			put_num(x, s, r, 6, cur->target.v, x->f.num[nf], nf);
			if (cur->value.set) {
				int met = def->higher_is_better ? cur->value.v >= cur->target.v
								: cur->value.v <= cur->target.v;

				put_text(x, s, r, 7, met ? T(x, "บรรลุ", "met") : T(x, "ไม่บรรลุ", "not met"),
					 x->f.center);
			} else {
				put_blank(x, s, r, 7, x->f.center);
			}
			cond_target(x, s, r, 1, 1, 1, 6, def->higher_is_better);
			cond_target(x, s, r, 7, 7, 1, 6, def->higher_is_better);
		} else {
			put_blank(x, s, r, 6, x->f.num[nf]);
			put_text(x, s, r, 7, T(x, "–", "–"), x->f.center);
		}
		cond_change(x, s, r, r, 3, def->higher_is_better, NULL);
		cond_change(x, s, r, r, 5, def->higher_is_better, NULL);
	}
	(void)first;
	r++;
	put_note(x, s, r++, 0, T(x, "หมายเหตุ: การเปลี่ยนแปลงของอัตรา (%) เป็นผลต่างในหน่วยจุดร้อยละ; "
				    "สีเขียว = ดีขึ้นหรือบรรลุเป้าหมาย, สีแดง = แย่ลงหรือไม่บรรลุ "
				    "(สำหรับเวลา ยิ่งน้อยยิ่งดี); ช่องว่าง = ไม่มีข้อมูลในช่วงนั้น",
				    "Notes: changes of rates (%) are differences in percentage points; "
				    "green = better or target met, red = worse or not met (for times, "
				    "lower is better); blank = no data in that period."));
	put_note(x, s, r++, 0, T(x, "นิยามของแต่ละตัวชี้วัดอยู่ในแผ่นงาน \"นิยามตัวชี้วัด\"",
				    "Each KPI is defined on the \"Definitions\" sheet."));
	s->row = r;
	freeze(x, s, header, 1);
	return DK_OK;
}

/* ---- the trend sheet ---- */

/* Whether KPI k has a target in any month of the trend. */
static int trend_has_target(const struct report_data *d, enum kpi_id k)
{
	for (size_t m = 0; m < d->nmonths; m++) {
		const struct kpi_row *row = report_find(d->trend, m, k, BD_ALL, NULL);

		if (row && row->target.set)
			return 1;
	}
	return 0;
}

/* The picture's context: the report's language and its source line. */
static struct chartspec_ctx picture_ctx(struct xw *x, const struct tpl_chart *tc)
{
	return (struct chartspec_ctx){
		.thai = x->thai,
		.title = tc->title[x->th],
		.source = pf(x, "%s  %s %s", dept(x), T(x, "ข้อมูล ณ", "data as of"), as_of_human(x)),
	};
}

/* A cairo line chart of one KPI by month with its target and a marker on
 * each day a service began accepting Digital ID (lib/chartspec.c). */
static int trend_picture(struct xw *x, struct sheet *s, const struct tpl_chart *tc)
{
	struct chartspec_ctx ctx = picture_ctx(x, tc);
	struct chartspec *cs;
	int st;

	if ((st = chartspec_report_trend(&ctx, x->d, (enum kpi_id)tc->kpis[0], &cs)))
		return st;
	st = insert_picture(x, s, &cs->chart, tc);
	chartspec_free(cs);
	return st;
}

static int write_trend(struct xw *x, struct sheet *s)
{
	const struct report_data *d = x->d;
	const struct tpl_sheet *sh = s->tpl;
	lxw_col_t col[KPI_COUNT], tcol[KPI_COUNT], c;
	lxw_row_t header, first, last, r;
	size_t m;
	int i, st;

	sheet_heading(x, s, pf(x, "%s%s%s  ·  %s %s", dept(x), *dept(x) ? "  ·  " : "",
			       period_human(x, &d->period),
			       T(x, "ตั้งแต่", "from"),
			       d->nmonths ? period_human(x, &d->months[0]) : "–"));
	header = s->row;
	put_header(x, s, header, 0, T(x, "เดือน", "Month"));
	c = 1;
	for (i = 0; i < sh->nkpis; i++) {
		const struct kpi_def *def = &kpi_defs[sh->kpis[i]];

		col[sh->kpis[i]] = c;
		put_header(x, s, header, c++, x->thai ? def->label_th : def->label_en);
	}
	/* a target column for each KPI that has one, for the charts' target line */
	for (i = 0; i < sh->nkpis; i++) {
		const struct kpi_def *def = &kpi_defs[sh->kpis[i]];

		tcol[sh->kpis[i]] = 0;
		if (!trend_has_target(d, (enum kpi_id)sh->kpis[i]))
			continue;
		tcol[sh->kpis[i]] = c;
		put_header(x, s, header, c++, pf(x, "%s: %s", T(x, "เป้าหมาย", "Target"),
						 x->thai ? def->label_th : def->label_en));
	}
	first = header + 1;
	for (m = 0, r = first; m < d->nmonths; m++, r++) {
		put_date(x, s, r, 0, d->months[m].start, x->f.month);
		for (i = 0; i < sh->nkpis; i++) {
			enum kpi_id k = (enum kpi_id)sh->kpis[i];
			const struct kpi_row *row = report_find(d->trend, m, k, BD_ALL, NULL);

			put_kpi(x, s, r, col[k], row, x->f.num);
			if (tcol[k]) {
				if (row && row->target.set)
					put_num(x, s, r, tcol[k], row->target.v,
						x->f.num[unit_nf(kpi_defs[k].unit)],
						unit_nf(kpi_defs[k].unit));
				else
					put_blank(x, s, r, tcol[k], NULL);
			}
		}
	}
	last = r - 1;
	if (!d->nmonths)
		put_note(x, s, r++, 0, T(x, "ไม่มีเดือนที่มีข้อมูล", "No months with data"));
	s->row = r + 1;
	if (d->markers && d->markers->n) {
		put_long(x, s, s->row++, 0, T(x, "บริการที่เริ่มรับ Digital ID ในช่วงนี้:",
					      "Services that began accepting Digital ID in these months:"),
			 x->f.label);
		for (size_t j = 0; j < d->markers->n; j++, s->row++) {
			put_date(x, s, s->row, 0, d->markers->v[j].since, x->f.date);
			put_long(x, s, s->row, 1, x->thai ? d->markers->v[j].name_th
						    : d->markers->v[j].name_en, x->f.text);
		}
		s->row++;
	}
	freeze(x, s, header, 1);

	for (size_t j = 0; j < sh->ncharts && d->nmonths; j++) {
		const struct tpl_chart *tc = sh->charts[j];
		enum kpi_unit u = kpi_defs[tc->kpis[0]].unit;
		lxw_chart *ch;

		if (tc->type == TPL_CHART_IMAGE) {
			if ((st = trend_picture(x, s, tc)))
				return st;
			continue;
		}
		ch = chart_new(x, LXW_CHART_LINE, tc->title[x->th] ? tc->title[x->th]
				: (x->thai ? kpi_defs[tc->kpis[0]].label_th
					   : kpi_defs[tc->kpis[0]].label_en));
		if (!ch)
			return DK_SOFTWARE;
		for (i = 0; i < tc->nkpis; i++) {
			enum kpi_id k = (enum kpi_id)tc->kpis[i];
			lxw_chart_series *se = chart_add_series(ch, NULL, NULL);

			chart_series_set_categories(se, s->name, first, 0, last, 0);
			chart_series_set_values(se, s->name, first, col[k], last, col[k]);
			chart_series_set_name_range(se, s->name, header, col[k]);
			series_colour(se, palette[i % 8], 1, 0);
			if (tcol[k] && tc->nkpis == 1) {
				se = chart_add_series(ch, NULL, NULL);
				chart_series_set_categories(se, s->name, first, 0, last, 0);
				chart_series_set_values(se, s->name, first, tcol[k], last, tcol[k]);
				chart_series_set_name(se, T(x, "เป้าหมาย", "Target"));
				series_colour(se, 0xC00000, 1, 1);
			}
		}
		chart_axis_set_num_format(ch->y_axis, axis_format(u));
		chart_axis_set_num_format(ch->x_axis, x->thai ? TH_CAL "mmm yy" : "mmm yy");
		if (u == UNIT_FRACTION)
			chart_axis_set_min(ch->y_axis, 0);
		chart_insert(x, s, ch, tc);
	}
	charts_done(s);
	return DK_OK;
}

/* ---- the before/after sheet ---- */

/* Pooled row first, then services by adoption date, then code; within a
 * metric the skipped rows last. */
static int cmp_rows(const void *pa, const void *pb)
{
	const struct compare_row *a = *(const struct compare_row *const *)pa;
	const struct compare_row *b = *(const struct compare_row *const *)pb;
	int c;

	if ((a->skip != NULL) != (b->skip != NULL))
		return a->skip ? 1 : -1;
	if (a->pooled != b->pooled)
		return b->pooled - a->pooled;
	if (a->has_dates && b->has_dates && (c = date_cmp(a->adopted, b->adopted)))
		return c;
	return strcmp(a->service_code, b->service_code);
}

/* The skip reason in the report's language. */
static const char *skip_text(struct xw *x, const char *skip)
{
	if (!x->thai)
		return pf(x, "not enough data: %s", skip);
	if (strstr(skip, "not complete") || strstr(skip, "not over"))
		return "ข้อมูลยังไม่พอ: ช่วงหลังยังไม่ครบ";
	if (strstr(skip, "fewer than") && strstr(skip, "before"))
		return "ข้อมูลยังไม่พอ: ช่วงก่อนมีน้อยกว่า 30 รายการ";
	if (strstr(skip, "fewer than") && strstr(skip, "after"))
		return "ข้อมูลยังไม่พอ: ช่วงหลังมีน้อยกว่า 30 รายการ";
	return pf(x, "ข้อมูลยังไม่พอ: %s", skip);
}

static enum nf metric_nf(enum compare_metric m)
{
	switch (compare_metrics[m].unit) {
	case UNIT_FRACTION: return NF_PCT;
	case UNIT_HOURS: return NF_HOURS;
	case UNIT_SCORE: return NF_SCORE;
	default: return NF_DEC1;
	}
}

/* A cairo grouped-bar chart of one metric before and after, with the 95%
 * interval of the change drawn from the before level (lib/chartspec.c). */
static int compare_picture(struct xw *x, struct sheet *s, const struct tpl_chart *tc)
{
	struct chartspec_ctx ctx = picture_ctx(x, tc);
	struct chartspec *cs;
	int st;

	if ((st = chartspec_report_compare(&ctx, x->d, (enum compare_metric)tc->metric,
					   x->o->window_months, &cs)))
		return st;
	st = insert_picture(x, s, &cs->chart, tc);
	chartspec_free(cs);
	return st;
}

/* The before/after sheet's columns; the brief layout stops after CC_CONC. */
enum {
	CC_SVC, CC_SINCE, CC_BEFORE, CC_AFTER, CC_CHG, CC_PCT, CC_LO, CC_HI, CC_P, CC_CONC,
	CC_NB, CC_NA, CC_BS, CC_BE, CC_AS, CC_AE, CC_TEST, CC_COUNT
};

/* One row of a before/after block. */
static void compare_line(struct xw *x, struct sheet *s, lxw_row_t r,
			 const struct compare_row *row, int full)
{
	const struct compare_metric_def *def = &compare_metrics[row->metric];
	enum nf nf = metric_nf(row->metric);

	put_text(x, s, r, CC_SVC, row->pooled
		 ? pf(x, T(x, "รวมทุกบริการ (%d บริการ)", "All services (%d pooled)"),
		      row->pooled_services)
		 : (x->thai ? row->name_th : row->name_en),
		 row->pooled ? x->f.label : x->f.text);
	if (row->has_dates)
		put_date(x, s, r, CC_SINCE, row->adopted, x->f.date);
	else
		put_blank(x, s, r, CC_SINCE, NULL);
	put_num(x, s, r, CC_BEFORE, row->before.set ? row->before.v : NAN, x->f.num[nf], nf);
	put_num(x, s, r, CC_AFTER, row->after.set ? row->after.v : NAN, x->f.num[nf], nf);
	put_num(x, s, r, CC_CHG, row->change.set ? row->change.v : NAN, x->f.chg[nf], nf);
	put_num(x, s, r, CC_PCT, row->change_pct.set ? row->change_pct.v : NAN, x->f.chg[NF_PCT],
		NF_PCT);
	put_num(x, s, r, CC_LO, row->ci_low.set ? row->ci_low.v : NAN, x->f.chg[nf], nf);
	put_num(x, s, r, CC_HI, row->ci_high.set ? row->ci_high.v : NAN, x->f.chg[nf], nf);
	put_num(x, s, r, CC_P, row->p_value.set ? row->p_value.v : NAN, x->f.num[NF_DEC3], NF_DEC3);
	if (row->skip) {
		put_text(x, s, r, CC_CONC, skip_text(x, row->skip), x->f.suppressed);
	} else if (row->p_value.set && row->p_value.v < 0.05 && row->change.set) {
		int better = def->higher_is_better ? row->change.v > 0 : row->change.v < 0;

		put_text(x, s, r, CC_CONC, better ? T(x, "ดีขึ้นอย่างมีนัยสำคัญ", "significantly better")
						 : T(x, "แย่ลงอย่างมีนัยสำคัญ", "significantly worse"),
			 x->f.text);
	} else {
		put_text(x, s, r, CC_CONC, T(x, "ไม่แตกต่างอย่างมีนัยสำคัญ", "no significant change"),
			 x->f.text);
	}
	if (!full)
		return;
	put_num(x, s, r, CC_NB, row->n_before.set ? row->n_before.v : NAN, x->f.num[NF_COUNT],
		NF_COUNT);
	put_num(x, s, r, CC_NA, row->n_after.set ? row->n_after.v : NAN, x->f.num[NF_COUNT],
		NF_COUNT);
	if (row->has_dates) {
		put_date(x, s, r, CC_BS, row->before_start, x->f.date);
		put_date(x, s, r, CC_BE, date_add_days(row->before_end, -1), x->f.date);
		put_date(x, s, r, CC_AS, row->after_start, x->f.date);
		put_date(x, s, r, CC_AE, date_add_days(row->after_end, -1), x->f.date);
	}
	put_text(x, s, r, CC_TEST, row->skip ? pf(x, "skipped: %s", row->skip) : row->test,
		 x->f.text);
}

/* A native chart of one metric before and after, by service: columns for a
 * few services, horizontal bars when the names would not fit below. */
static int compare_chart(struct xw *x, struct sheet *s, const struct tpl_chart *tc,
			 lxw_row_t first, size_t n)
{
	enum compare_metric m = (enum compare_metric)tc->metric;
	struct tpl_chart sized = *tc;
	int bars = n > 6;
	lxw_chart *ch;

	ch = chart_new(x, bars ? LXW_CHART_BAR : LXW_CHART_COLUMN, tc->title[x->th] ? tc->title[x->th]
		       : pf(x, T(x, "%s ก่อนและหลังใช้ Digital ID", "%s before and after Digital ID"),
			    x->thai ? compare_metrics[m].label_th : compare_metrics[m].label_en));
	if (!ch)
		return DK_SOFTWARE;
	for (int side = 0; side < 2; side++) {
		lxw_chart_series *se = chart_add_series(ch, NULL, NULL);

		chart_series_set_categories(se, s->name, first, CC_SVC, first + (lxw_row_t)n - 1,
					    CC_SVC);
		chart_series_set_values(se, s->name, first, (lxw_col_t)(CC_BEFORE + side),
					first + (lxw_row_t)n - 1, (lxw_col_t)(CC_BEFORE + side));
		chart_series_set_name(se, side ? T(x, "หลังใช้ Digital ID", "After Digital ID")
					       : T(x, "ก่อนใช้ Digital ID", "Before Digital ID"));
		series_colour(se, side ? palette[0] : greys[1], 0, 0);
	}
	/* a bar chart's x axis is its value axis */
	chart_axis_set_num_format(bars ? ch->x_axis : ch->y_axis,
				  axis_format(compare_metrics[m].unit));
	if (bars) {
		/* the first service on top, as in the table */
		chart_axis_set_reverse(ch->y_axis);
		sized.height = tc->height > 120 + 26 * (int)n ? tc->height : 120 + 26 * (int)n;
	}
	chart_insert(x, s, ch, &sized);
	return DK_OK;
}

static int write_compare(struct xw *x, struct sheet *s)
{
	const struct report_data *d = x->d;
	const struct compare_result *cr = d->compare;
	const struct tpl_sheet *sh = s->tpl;
	const struct compare_row **rows = NULL;
	lxw_row_t header, r;
	lxw_row_t bfirst[CMP_METRIC_COUNT] = { 0 };
	size_t bshown[CMP_METRIC_COUNT] = { 0 }, n = 0, i;
	int mi, st = DK_OK, full = !sh->brief;
	lxw_col_t ncols = full ? CC_COUNT : CC_CONC + 1, c;
	static const char *const heads_th[CC_COUNT] = {
		"บริการ", "เริ่มใช้ Digital ID", "ก่อน", "หลัง", "เปลี่ยนแปลง", "เปลี่ยนแปลง (%)",
		"ช่วงความเชื่อมั่น 95%: ล่าง", "ช่วงความเชื่อมั่น 95%: บน", "ค่า p", "สรุปผล",
		"จำนวนก่อน", "จำนวนหลัง", "ช่วงก่อน: ตั้งแต่", "ช่วงก่อน: ถึง", "ช่วงหลัง: ตั้งแต่",
		"ช่วงหลัง: ถึง", "วิธีทดสอบ",
	};
	static const char *const heads_en[CC_COUNT] = {
		"Service", "Digital ID since", "Before", "After", "Change", "Change (%)",
		"95% CI: low", "95% CI: high", "p-value", "Conclusion", "n before", "n after",
		"Before: from", "Before: to", "After: from", "After: to", "Test",
	};

	sheet_heading(x, s, pf(x, T(x, "%s%sช่วงละ %d เดือนก่อนและหลังวันที่แต่ละบริการเริ่มรับ Digital ID  ·  "
				       "ข้อมูล ณ %s",
				    "%s%s%d months before and after the day each service began "
				    "accepting Digital ID  ·  data as of %s"),
			       dept(x), *dept(x) ? "  ·  " : "", x->o->window_months,
			       as_of_human(x)));
	header = s->row;
	for (c = 0; c < ncols; c++)
		put_header(x, s, header, c, x->thai ? heads_th[c] : heads_en[c]);
	freeze(x, s, header, 1);
	r = header + 1;
	if (!cr || cr->nrows == 0) {
		put_note(x, s, r++, 0, T(x, "ยังไม่มีบริการที่เริ่มรับ Digital ID",
					 "No service has begun accepting Digital ID yet"));
		s->row = r + 1;
		return DK_OK;
	}
	if (!(rows = calloc(cr->nrows, sizeof(*rows))))
		return DK_SOFTWARE;
	for (mi = 0; mi < sh->nmetrics; mi++) {
		enum compare_metric m = (enum compare_metric)sh->metrics[mi];
		const struct compare_metric_def *def = &compare_metrics[m];
		size_t start = n;
		lxw_row_t last;
		const char *chg, *p;

		for (i = 0; i < cr->nrows; i++)
			if (cr->rows[i].metric == m)
				rows[n++] = &cr->rows[i];
		qsort(rows + start, n - start, sizeof(*rows), cmp_rows);
		/* the block's heading: the metric, across the table */
		put_text(x, s, r, 0, x->thai ? def->label_th : def->label_en, x->f.block);
		for (c = 1; c < ncols; c++)
			put_blank(x, s, r, c, x->f.block);
		r++;
		bfirst[m] = r;
		for (i = start; i < n; i++, r++) {
			compare_line(x, s, r, rows[i], full);
			if (!rows[i]->skip)
				bshown[m]++;
		}
		if (r == bfirst[m])
			continue;
		last = r - 1;
		/* better or worse, when significant at 5% */
		chg = cell(x, bfirst[m], CC_CHG);
		p = cell(x, bfirst[m], CC_P);
		cond_change(x, s, bfirst[m], last, CC_CHG, def->higher_is_better,
			    pf(x, ",ISNUMBER(%s),%s<0.05", p, p));
		cond_change(x, s, bfirst[m], last, CC_PCT, def->higher_is_better,
			    pf(x, ",ISNUMBER(%s),%s<0.05", p, p));
		cond(x, s, bfirst[m], CC_CONC, last, CC_CONC,
		     pf(x, "=AND(ISNUMBER(%s),ISNUMBER(%s),%s<0.05,%s%s0)", chg, p, p, chg,
			def->higher_is_better ? ">" : "<"), x->f.good);
		cond(x, s, bfirst[m], CC_CONC, last, CC_CONC,
		     pf(x, "=AND(ISNUMBER(%s),ISNUMBER(%s),%s<0.05,%s%s0)", chg, p, p, chg,
			def->higher_is_better ? "<" : ">"), x->f.bad);
	}
	r++;
	put_note(x, s, r++, 0, T(x, "หมายเหตุ: ก่อน/หลัง = ค่าของตัวชี้วัดในช่วงก่อนและหลังวันที่เริ่มรับ Digital ID; "
				    "การเปลี่ยนแปลงของอัตราเป็นจุดร้อยละ; สีเขียว/แดง = ดีขึ้น/แย่ลงอย่างมีนัยสำคัญ "
				    "(ค่า p < 0.05)",
				    "Notes: before/after = the KPI in the windows before and after the day "
				    "Digital ID began; rate changes are in percentage points; green/red = "
				    "significantly better/worse (p < 0.05)."));
	put_note(x, s, r++, 0, T(x, "วิธีทดสอบ: อัตรา z-test (ช่วงความเชื่อมั่น Newcombe); เวลา Mann–Whitney "
				    "(Hodges–Lehmann); คะแนน Welch t; คำขอต่อเดือน Poisson แบบแม่นตรง",
				    "Tests: rates z-test (Newcombe interval); times Mann–Whitney "
				    "(Hodges–Lehmann); scores Welch t; requests per month exact Poisson."));
	s->row = r + 1;

	for (i = 0; i < sh->ncharts; i++) {
		const struct tpl_chart *tc = sh->charts[i];
		enum compare_metric m = (enum compare_metric)tc->metric;

		if (tc->type == TPL_CHART_IMAGE)
			st = compare_picture(x, s, tc);
		else if (bshown[m])
			st = compare_chart(x, s, tc, bfirst[m], bshown[m]);
		if (st)
			break;
	}
	charts_done(s);
	free(rows);
	return st;
}

/* ---- authentication ---- */

static const char *step_text(struct xw *x, const char *step)
{
	if (!strcmp(step, "identification"))
		return T(x, "พิสูจน์ตัวตน", "identification");
	if (!strcmp(step, "authentication"))
		return T(x, "ยืนยันตัวตน", "authentication");
	return step;
}

static const char *reason_text(struct xw *x, const char *reason)
{
	static const char *const names[][3] = {
		{ "wrong_password", "รหัสผ่านไม่ถูกต้อง", "wrong password" },
		{ "timeout", "หมดเวลา", "timed out" },
		{ "user_cancelled", "ผู้ใช้ยกเลิก", "cancelled by the user" },
		{ "network_error", "เครือข่ายขัดข้อง", "network error" },
		{ "face_mismatch", "ใบหน้าไม่ตรงกัน", "face did not match" },
		{ "otp_expired", "รหัส OTP หมดอายุ", "OTP expired" },
		{ "otp_wrong", "รหัส OTP ไม่ถูกต้อง", "wrong OTP" },
		{ "card_expired", "บัตรประชาชนหมดอายุ", "ID card expired" },
		{ "card_read_error", "อ่านชิปบัตรไม่ได้", "card could not be read" },
		{ "liveness_failed", "ตรวจสอบความมีชีวิตไม่ผ่าน", "liveness check failed" },
		{ "fingerprint_mismatch", "ลายนิ้วมือไม่ตรงกัน", "fingerprint did not match" },
		{ "iris_mismatch", "ม่านตาไม่ตรงกัน", "iris did not match" },
		{ "account_locked", "บัญชีถูกระงับชั่วคราว", "account locked" },
	};

	if (!reason)
		return T(x, "(ไม่ระบุสาเหตุ)", "(no reason recorded)");
	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
		if (!strcmp(names[i][0], reason))
			return names[i][x->thai ? 1 : 2];
	return reason;
}

/* Methods by their events in the period, most first. */
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

static int write_auth(struct xw *x, struct sheet *s)
{
	const struct report_data *d = x->d;
	const struct tpl_sheet *sh = s->tpl;
	struct method_line *ml = NULL;
	const struct kpi_row *all_rate, *all_lat;
	lxw_row_t header, first, last, r, mix_header = 0, mix_first = 0, mix_last = 0;
	size_t n = 0, i, j, nmix = 0, dig, leg;
	double total;
	lxw_col_t mixcol[64];
	size_t mixser[64];

	sheet_heading(x, s, NULL);
	header = s->row;
	put_header(x, s, header, 0, T(x, "วิธียืนยันตัวตน", "Method"));
	put_header(x, s, header, 1, "Digital ID");
	put_header(x, s, header, 2, T(x, "จำนวนครั้ง", "Events"));
	put_header(x, s, header, 3, T(x, "สำเร็จ", "Succeeded"));
	put_header(x, s, header, 4, T(x, "ไม่สำเร็จ", "Failed"));
	put_header(x, s, header, 5, T(x, "อัตราสำเร็จ", "Success rate"));
	put_header(x, s, header, 6, T(x, "สัดส่วนของการยืนยันตัวตนทั้งหมด", "Share of all events"));
	put_header(x, s, header, 7, T(x, "เวลามัธยฐาน (มิลลิวินาที)", "Median latency (ms)"));
	freeze(x, s, header, 1);

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
	qsort(ml, n, sizeof(*ml), method_cmp);
	all_rate = report_find(d->cur, 0, KPI_AUTH_SUCCESS_RATE, BD_ALL, NULL);
	all_lat = report_find(d->cur, 0, KPI_AUTH_LATENCY_MEDIAN, BD_ALL, NULL);
	total = all_rate && all_rate->denominator.set ? all_rate->denominator.v : 0;
	first = header + 1;
	for (i = 0, r = first; i < n; i++, r++) {
		const struct kpi_row *row = ml[i].rate;
		int digital = 0;

		for (j = 0; d->methods && j < d->methods->nseries; j++)
			if (d->methods->series[j].code && !strcmp(d->methods->series[j].code, row->key))
				digital = d->methods->series[j].digital;
		put_text(x, s, r, 0, x->thai ? row->key_th : row->key_en, x->f.text);
		if (d->methods)
			put_text(x, s, r, 1, digital ? T(x, "ใช่", "yes") : T(x, "ไม่ใช่", "no"),
				 x->f.center);
		else
			put_blank(x, s, r, 1, NULL);
		if (row->suppressed) {
			for (lxw_col_t c = 2; c <= 7; c++)
				put_text(x, s, r, c, suppressed_text(x), x->f.suppressed);
			continue;
		}
		put_num(x, s, r, 2, ml[i].events, x->f.num[NF_COUNT], NF_COUNT);
		put_num(x, s, r, 3, row->numerator.set ? row->numerator.v : NAN, x->f.num[NF_COUNT],
			NF_COUNT);
		put_num(x, s, r, 4, row->numerator.set ? ml[i].events - row->numerator.v : NAN,
			x->f.num[NF_COUNT], NF_COUNT);
		put_kpi(x, s, r, 5, row, x->f.num);
		put_num(x, s, r, 6, total > 0 ? ml[i].events / total : NAN, x->f.num[NF_PCT], NF_PCT);
		put_kpi(x, s, r, 7, ml[i].latency, x->f.num);
	}
	last = r - 1;
	put_text(x, s, r, 0, T(x, "รวมทุกวิธี", "All methods"), x->f.total_text);
	put_blank(x, s, r, 1, x->f.total_text);
	put_num(x, s, r, 2, total, x->f.total[NF_COUNT], NF_COUNT);
	put_num(x, s, r, 3, all_rate && all_rate->numerator.set ? all_rate->numerator.v : NAN,
		x->f.total[NF_COUNT], NF_COUNT);
	put_num(x, s, r, 4, all_rate && all_rate->numerator.set ? total - all_rate->numerator.v : NAN,
		x->f.total[NF_COUNT], NF_COUNT);
	put_num(x, s, r, 5, all_rate && all_rate->value.set ? all_rate->value.v : NAN,
		x->f.total[NF_PCT], NF_PCT);
	put_num(x, s, r, 6, total > 0 ? 1 : NAN, x->f.total[NF_PCT], NF_PCT);
	put_num(x, s, r, 7, all_lat && all_lat->value.set ? all_lat->value.v : NAN,
		x->f.total[NF_MS], NF_MS);
	if (last >= first)
		data_bar(x, s, first, 6, last, palette[0]);
	r += 2;

	/* top failure reasons */
	put_long(x, s, r++, 0, pf(x, T(x, "สาเหตุที่ไม่สำเร็จที่พบบ่อย %d อันดับแรก",
				       "The %d most frequent failure reasons"), sh->top), x->f.heading);
	put_header(x, s, r, 0, T(x, "วิธียืนยันตัวตน", "Method"));
	put_header(x, s, r, 1, T(x, "ขั้นตอน", "Step"));
	put_header(x, s, r, 2, T(x, "สาเหตุ", "Reason"));
	put_header(x, s, r, 3, T(x, "จำนวนครั้ง", "Failures"));
	put_header(x, s, r, 4, T(x, "ร้อยละของความไม่สำเร็จของวิธีนี้", "Share of the method's failures"));
	put_header(x, s, r, 5, T(x, "รหัสสาเหตุ", "Reason code"));
	r++;
	for (i = 0; i < d->nreasons && (int)i < sh->top; i++, r++) {
		const struct report_reason *re = &d->reasons[i];

		put_text(x, s, r, 0, x->thai ? re->name_th : re->name_en, x->f.text);
		put_text(x, s, r, 1, step_text(x, re->step), x->f.text);
		put_text(x, s, r, 2, reason_text(x, re->reason), x->f.text);
		if (re->suppressed) {
			put_text(x, s, r, 3, suppressed_text(x), x->f.suppressed);
			put_text(x, s, r, 4, suppressed_text(x), x->f.suppressed);
		} else {
			put_num(x, s, r, 3, re->n, x->f.num[NF_COUNT], NF_COUNT);
			put_num(x, s, r, 4, re->failures > 0 ? re->n / re->failures : NAN,
				x->f.num[NF_PCT], NF_PCT);
		}
		put_text(x, s, r, 5, re->reason ? re->reason : "", x->f.text);
	}
	if (!d->nreasons)
		put_note(x, s, r++, 0, T(x, "ไม่มีการยืนยันตัวตนที่ไม่สำเร็จในช่วงนี้",
					 "No failed events in the period"));
	r++;

	/* the method mix by month */
	if (d->methods && d->nmonths) {
		put_long(x, s, r++, 0, T(x, "การยืนยันตัวตนที่สำเร็จ แยกตามวิธี รายเดือน",
					 "Successful log-ins by method, by month"), x->f.heading);
		mix_header = r;
		put_header(x, s, r, 0, T(x, "เดือน", "Month"));
		for (j = 0; j < d->methods->nseries && nmix < 63; j++) {
			const struct chartdata_series *se = &d->methods->series[j];

			if (!(se->total > 0))
				continue;
			mixser[nmix] = j;
			mixcol[nmix] = (lxw_col_t)(nmix + 1);
			put_header(x, s, r, mixcol[nmix], x->thai ? se->name_th : se->name_en);
			nmix++;
		}
		mix_first = ++r;
		for (i = 0; i < d->nmonths; i++, r++) {
			put_date(x, s, r, 0, d->months[i].start, x->f.month);
			for (j = 0; j < nmix; j++)
				put_num(x, s, r, mixcol[j], d->methods->series[mixser[j]].values[i],
					x->f.num[NF_COUNT], NF_COUNT);
		}
		mix_last = r - 1;
		r++;
	}
	s->row = r;

	for (i = 0; i < sh->ncharts; i++) {
		const struct tpl_chart *tc = sh->charts[i];
		lxw_chart *ch;

		if (tc->type == TPL_CHART_STACKED) {
			if (!nmix)
				continue;
			ch = chart_new(x, LXW_CHART_COLUMN_STACKED_PERCENT, tc->title[x->th]
					? tc->title[x->th] : T(x, "สัดส่วนวิธียืนยันตัวตนรายเดือน",
							       "Authentication method mix by month"));
			if (!ch)
				goto oom;
			for (j = 0, dig = leg = 0; j < nmix; j++) {
				const struct chartdata_series *se = &d->methods->series[mixser[j]];
				lxw_chart_series *cs = chart_add_series(ch, NULL, NULL);

				chart_series_set_categories(cs, s->name, mix_first, 0, mix_last, 0);
				chart_series_set_values(cs, s->name, mix_first, mixcol[j], mix_last,
							mixcol[j]);
				chart_series_set_name_range(cs, s->name, mix_header, mixcol[j]);
				series_colour(cs, se->digital ? palette[dig++ % 8] : greys[leg++ % 4], 0, 0);
			}
			chart_axis_set_num_format(ch->x_axis, x->thai ? TH_CAL "mmm yy" : "mmm yy");
			chart_legend_set_position(ch, LXW_CHART_LEGEND_RIGHT);
		} else {
			if (last < first)
				continue;
			ch = chart_new(x, LXW_CHART_COLUMN_STACKED, tc->title[x->th] ? tc->title[x->th]
					: T(x, "การยืนยันตัวตนแยกตามวิธี", "Authentication events by method"));
			if (!ch)
				goto oom;
			for (int side = 0; side < 2; side++) {
				lxw_chart_series *cs = chart_add_series(ch, NULL, NULL);

				chart_series_set_categories(cs, s->name, first, 0, last, 0);
				chart_series_set_values(cs, s->name, first, (lxw_col_t)(3 + side), last,
							(lxw_col_t)(3 + side));
				chart_series_set_name_range(cs, s->name, header, (lxw_col_t)(3 + side));
				series_colour(cs, side ? 0xD62728 : 0x2CA02C, 0, 0);
			}
			chart_axis_set_num_format(ch->y_axis, "#,##0");
		}
		chart_insert(x, s, ch, tc);
	}
	charts_done(s);
	free(ml);
	return DK_OK;
oom:
	free(ml);
	return DK_SOFTWARE;
}

/* ---- services to improve ---- */

static int write_improve(struct xw *x, struct sheet *s)
{
	const struct report_data *d = x->d;
	const struct tpl_sheet *sh = s->tpl;
	const struct kpi_row *dig = report_find(d->cur, 0, KPI_DIGITAL_CHANNEL_RATE, BD_ALL, NULL);
	const struct kpi_row *tim = report_find(d->cur, 0, KPI_SERVICE_TIME_MEDIAN, BD_ALL, NULL);
	const struct kpi_row *sat = report_find(d->cur, 0, KPI_SATISFACTION_MEAN, BD_ALL, NULL);
	const struct kpi_row *req = report_find(d->cur, 0, KPI_REQUESTS, BD_ALL, NULL);
	static const char *const worst_th[] = { "ใช้ช่องทางดิจิทัลน้อย", "ใช้เวลาให้บริการนาน",
						"ความพึงพอใจต่ำ" };
	static const char *const worst_en[] = { "low digital channel use", "long service time",
						"low satisfaction" };
	lxw_row_t header, dept_row, first, r;
	size_t i;

	sheet_heading(x, s, NULL);
	header = s->row;
	put_header(x, s, header, 0, T(x, "ลำดับ", "Rank"));
	put_header(x, s, header, 1, T(x, "บริการ", "Service"));
	put_header(x, s, header, 2, T(x, "หน่วยงาน", "Unit"));
	put_header(x, s, header, 3, T(x, "เริ่มใช้ Digital ID", "Digital ID since"));
	put_header(x, s, header, 4, T(x, "จำนวนคำขอ", "Requests"));
	put_header(x, s, header, 5, T(x, "อัตราการใช้บริการดิจิทัล", "Digital channel rate"));
	put_header(x, s, header, 6, T(x, "เวลาให้บริการ มัธยฐาน (ชม.)", "Service time, median (h)"));
	put_header(x, s, header, 7, T(x, "ความพึงพอใจเฉลี่ย (1–5)", "Satisfaction (1–5)"));
	put_header(x, s, header, 8, T(x, "คะแนนความจำเป็นในการปรับปรุง (0–100)",
				       "Improvement need score (0–100)"));
	put_header(x, s, header, 9, T(x, "ประเด็นหลัก", "Main issue"));
	freeze(x, s, header, 2);

	dept_row = header + 1;
	put_text(x, s, dept_row, 0, "", x->f.total_text);
	put_text(x, s, dept_row, 1, T(x, "ค่าของทั้งกรม (ใช้เทียบ)", "Whole department (reference)"),
		 x->f.total_text);
	for (lxw_col_t c = 2; c <= 9; c++)
		put_blank(x, s, dept_row, c, x->f.total_text);
	put_num(x, s, dept_row, 4, req && req->value.set ? req->value.v : NAN, x->f.total[NF_COUNT],
		NF_COUNT);
	put_num(x, s, dept_row, 5, dig && dig->value.set ? dig->value.v : NAN, x->f.total[NF_PCT],
		NF_PCT);
	put_num(x, s, dept_row, 6, tim && tim->value.set ? tim->value.v : NAN,
		x->f.total[NF_HOURS], NF_HOURS);
	put_num(x, s, dept_row, 7, sat && sat->value.set ? sat->value.v : NAN,
		x->f.total[NF_SCORE], NF_SCORE);
	first = dept_row + 1;
	for (i = 0, r = first; i < d->nranks && (int)i < sh->top; i++, r++) {
		const struct report_rank *rk = &d->ranks[i];

		put_num(x, s, r, 0, (double)i + 1, x->f.num[NF_COUNT], NF_COUNT);
		put_text_capped(x, s, r, 1, x->thai ? rk->svc->name_th : rk->svc->name_en, 32);
		put_text_capped(x, s, r, 2, rk->svc->unit, 26);
		if (rk->svc->has_since)
			put_date(x, s, r, 3, rk->svc->since, x->f.date);
		else
			put_text(x, s, r, 3, T(x, "ยังไม่รับ", "not yet"), x->f.not_yet);
		put_num(x, s, r, 4, rk->requests, x->f.num[NF_COUNT], NF_COUNT);
		if (rk->digital.set)
			put_num(x, s, r, 5, rk->digital.v, x->f.num[NF_PCT], NF_PCT);
		else
			put_text(x, s, r, 5, suppressed_text(x), x->f.suppressed);
		if (rk->time.set)
			put_num(x, s, r, 6, rk->time.v, x->f.num[NF_HOURS], NF_HOURS);
		else
			put_blank(x, s, r, 6, x->f.num[NF_HOURS]);
		if (rk->satisfaction.set)
			put_num(x, s, r, 7, rk->satisfaction.v, x->f.num[NF_SCORE], NF_SCORE);
		else
			put_blank(x, s, r, 7, x->f.num[NF_SCORE]);
		put_num(x, s, r, 8, rk->score, x->f.num[NF_DEC1], NF_DEC1);
		put_text(x, s, r, 9, rk->worst < 0 ? T(x, "ไม่ต่ำกว่าค่าของกรม", "none below the department")
						   : x->thai ? worst_th[rk->worst] : worst_en[rk->worst],
			 x->f.text);
	}
	if (r > first) {
		/* worse than the whole department: red */
		cond(x, s, first, 5, r - 1, 5, pf(x, "=AND(ISNUMBER(F%u),ISNUMBER($F$%u),F%u<$F$%u)",
						   (unsigned)first + 1, (unsigned)dept_row + 1,
						   (unsigned)first + 1, (unsigned)dept_row + 1), x->f.bad);
		cond(x, s, first, 6, r - 1, 6, pf(x, "=AND(ISNUMBER(G%u),ISNUMBER($G$%u),G%u>$G$%u)",
						   (unsigned)first + 1, (unsigned)dept_row + 1,
						   (unsigned)first + 1, (unsigned)dept_row + 1), x->f.bad);
		cond(x, s, first, 7, r - 1, 7, pf(x, "=AND(ISNUMBER(H%u),ISNUMBER($H$%u),H%u<$H$%u)",
						   (unsigned)first + 1, (unsigned)dept_row + 1,
						   (unsigned)first + 1, (unsigned)dept_row + 1), x->f.bad);
		data_bar(x, s, first, 8, r - 1, 0xD62728);
	}
	if (!d->nranks)
		put_note(x, s, r++, 1, T(x, "ไม่มีบริการที่มีคำขอในช่วงนี้", "No service had requests"));
	r++;
	put_note(x, s, r++, 0, T(x, "วิธีคิดคะแนน: สำหรับแต่ละบริการ คิดส่วนที่ด้อยกว่าค่าของทั้งกรม 3 ด้าน "
				    "(แต่ละด้าน 0–100%): อัตราการใช้บริการดิจิทัล (กรม − บริการ) ÷ กรม, "
				    "เวลาให้บริการมัธยฐาน (บริการ − กรม) ÷ กรม, ความพึงพอใจเฉลี่ย (กรม − บริการ) ÷ กรม",
				    "Score: for each service, three shortfalls against the whole department "
				    "(each 0–100%): digital channel rate (dept − service) ÷ dept, median "
				    "service time (service − dept) ÷ dept, mean satisfaction (dept − service) ÷ dept"));
	put_note(x, s, r++, 0, T(x, "คะแนน = ค่าเฉลี่ยของ 3 ด้าน × 100 (0 = ไม่ด้อยกว่ากรมในด้านใดเลย); "
				    "ค่าที่ไม่มีข้อมูลหรือปกปิดนับเป็น 0; สีแดง = ด้อยกว่าค่าของทั้งกรม",
				    "Score = the mean of the three × 100 (0 = no worse than the department "
				    "on any); missing or suppressed values count 0; red = worse than the "
				    "department."));
	s->row = r;
	return DK_OK;
}

/* ---- staff training ---- */

static int write_training(struct xw *x, struct sheet *s)
{
	const struct report_data *d = x->d;
	const struct tpl_sheet *sh = s->tpl;
	const struct kpi_row *all = report_find(d->cur, 0, KPI_STAFF_TRAINING_COVERAGE, BD_ALL, NULL);
	lxw_row_t header, first, r;
	size_t i;
	int hib = kpi_defs[KPI_STAFF_TRAINING_COVERAGE].higher_is_better;

	sheet_heading(x, s, NULL);
	header = s->row;
	put_header(x, s, header, 0, T(x, "หน่วยงาน", "Unit"));
	put_header(x, s, header, 1, T(x, "เจ้าหน้าที่ด่านหน้า", "Front-line staff"));
	put_header(x, s, header, 2, T(x, "ผ่านการอบรมแล้ว", "Trained"));
	put_header(x, s, header, 3, T(x, "ยังไม่ผ่านการอบรม", "Not yet trained"));
	put_header(x, s, header, 4, T(x, "สัดส่วนที่ผ่านการอบรม", "Share trained"));
	put_header(x, s, header, 5, T(x, "เป้าหมาย", "Target"));
	put_header(x, s, header, 6, T(x, "ผลเทียบเป้าหมาย", "Target met"));
	freeze(x, s, header, 1);
	first = header + 1;
	r = first;
	for (i = 0; d->cur && i < d->cur->nrows; i++) {
		const struct kpi_row *row = &d->cur->rows[i];

		if (row->kpi != KPI_STAFF_TRAINING_COVERAGE || row->bd != BD_UNIT)
			continue;
		put_text(x, s, r, 0, x->thai ? row->key_th : row->key_en, x->f.text);
		if (row->suppressed) {
			for (lxw_col_t c = 1; c <= 4; c++)
				put_text(x, s, r, c, suppressed_text(x), x->f.suppressed);
		} else {
			put_num(x, s, r, 1, row->denominator.set ? row->denominator.v : NAN,
				x->f.num[NF_COUNT], NF_COUNT);
			put_num(x, s, r, 2, row->numerator.set ? row->numerator.v : NAN,
				x->f.num[NF_COUNT], NF_COUNT);
			put_num(x, s, r, 3, row->numerator.set && row->denominator.set
				? row->denominator.v - row->numerator.v : NAN,
				x->f.num[NF_COUNT], NF_COUNT);
			put_kpi(x, s, r, 4, row, x->f.num);
		}
		if (row->target.set) {
			put_num(x, s, r, 5, row->target.v, x->f.num[NF_PCT], NF_PCT);
			if (row->value.set && !row->suppressed)
				put_text(x, s, r, 6, (hib ? row->value.v >= row->target.v
						      : row->value.v <= row->target.v)
					 ? T(x, "บรรลุ", "met") : T(x, "ไม่บรรลุ", "not met"), x->f.center);
			cond_target(x, s, r, 4, 4, 4, 5, hib);
			cond_target(x, s, r, 6, 6, 4, 5, hib);
		} else {
			put_blank(x, s, r, 5, NULL);
			put_text(x, s, r, 6, "–", x->f.center);
		}
		r++;
	}
	if (r > first)
		data_bar(x, s, first, 4, r - 1, palette[1]);
	put_text(x, s, r, 0, T(x, "รวมทั้งกรม", "Whole department"), x->f.total_text);
	if (all && all->denominator.set && all->numerator.set) {
		put_num(x, s, r, 1, all->denominator.v, x->f.total[NF_COUNT], NF_COUNT);
		put_num(x, s, r, 2, all->numerator.v, x->f.total[NF_COUNT], NF_COUNT);
		put_num(x, s, r, 3, all->denominator.v - all->numerator.v, x->f.total[NF_COUNT],
			NF_COUNT);
	}
	put_num(x, s, r, 4, all && all->value.set ? all->value.v : NAN, x->f.total[NF_PCT], NF_PCT);
	put_num(x, s, r, 5, all && all->target.set ? all->target.v : NAN, x->f.total[NF_PCT], NF_PCT);
	put_blank(x, s, r, 6, x->f.total_text);
	r += 2;
	put_note(x, s, r++, 0, T(x, "นับเจ้าหน้าที่ด่านหน้าที่อบรมการให้บริการด้วย Digital ID ก่อนสิ้นช่วงเวลาที่รายงาน",
				    "Front-line staff who completed Digital ID service training before "
				    "the end of the period."));
	s->row = r;

	for (i = 0; i < sh->ncharts && r - 3 > first; i++) {
		const struct tpl_chart *tc = sh->charts[i];
		lxw_chart *ch = chart_new(x, LXW_CHART_BAR, tc->title[x->th] ? tc->title[x->th]
					  : T(x, "สัดส่วนเจ้าหน้าที่ที่ผ่านการอบรม ตามหน่วยงาน",
					      "Front-line staff trained, by unit"));
		lxw_chart_series *cs;

		if (!ch)
			return DK_SOFTWARE;
		cs = chart_add_series(ch, NULL, NULL);
		chart_series_set_categories(cs, s->name, first, 0, r - 4, 0);
		chart_series_set_values(cs, s->name, first, 4, r - 4, 4);
		chart_series_set_name_range(cs, s->name, header, 4);
		series_colour(cs, palette[1], 0, 0);
		/* a bar chart's x axis is the value axis, its y axis the units */
		chart_axis_set_num_format(ch->x_axis, "0%");
		chart_axis_set_min(ch->x_axis, 0);
		chart_axis_set_max(ch->x_axis, 1);
		chart_legend_set_position(ch, LXW_CHART_LEGEND_NONE);
		chart_insert(x, s, ch, tc);
	}
	charts_done(s);
	return DK_OK;
}

/* ---- definitions ---- */

static const char *unit_text(struct xw *x, enum kpi_unit u)
{
	switch (u) {
	case UNIT_COUNT: return T(x, "จำนวน", "count");
	case UNIT_FRACTION: return T(x, "ร้อยละ", "percent");
	case UNIT_SCORE: return T(x, "คะแนน 1–5", "score 1–5");
	case UNIT_HOURS: return T(x, "ชั่วโมง", "hours");
	case UNIT_MS: return T(x, "มิลลิวินาที", "milliseconds");
	case UNIT_BAHT: return T(x, "บาท", "baht");
	}
	return "";
}

/* "ไทย\nEnglish" in the report's language first; "–" for an empty text. */
static const char *both(struct xw *x, const char *th, const char *en)
{
	const char *a = x->thai ? th : en, *b = x->thai ? en : th;

	if (!*a && !*b)
		return "–";
	return pf(x, "%s\n%s", *a ? a : "–", *b ? b : "–");
}

static int write_definitions(struct xw *x, struct sheet *s)
{
	const struct tpl_sheet *sh = s->tpl;
	static const double widths[] = { 32, 24, 46, 26, 26, 10, 11, 12 };
	lxw_row_t header, r;
	int i;

	sheet_heading(x, s, T(x, "ความหมาย ตัวตั้ง และตัวหารของตัวชี้วัดแต่ละตัว เป็นภาษาไทยและภาษาอังกฤษ",
			      "Each KPI's meaning, numerator and denominator, in English and Thai"));
	header = s->row;
	put_header(x, s, header, 0, T(x, "ตัวชี้วัด\nKPI", "KPI\nตัวชี้วัด"));
	put_header(x, s, header, 1, T(x, "รหัส (didkpi kpi)", "Code (didkpi kpi)"));
	put_header(x, s, header, 2, T(x, "ความหมาย\nMeaning", "Meaning\nความหมาย"));
	put_header(x, s, header, 3, T(x, "ตัวตั้ง\nNumerator", "Numerator\nตัวตั้ง"));
	put_header(x, s, header, 4, T(x, "ตัวหาร\nDenominator", "Denominator\nตัวหาร"));
	put_header(x, s, header, 5, T(x, "หน่วย", "Unit"));
	put_header(x, s, header, 6, T(x, "ทิศทางที่ดี", "Better when"));
	put_header(x, s, header, 7, T(x, "เป้าหมายในช่วงนี้", "Target in the period"));
	freeze(x, s, header, 1);
	for (i = 0, r = header + 1; i < sh->nkpis; i++, r++) {
		const struct kpi_def *d = &kpi_defs[sh->kpis[i]];
		const struct kpi_row *row = report_find(x->d->cur, 0, (enum kpi_id)sh->kpis[i], BD_ALL,
							NULL);

		put_wrap(x, s, r, 0, both(x, d->label_th, d->label_en));
		put_wrap(x, s, r, 1, d->name);
		put_wrap(x, s, r, 2, both(x, d->definition_th, d->definition_en));
		put_wrap(x, s, r, 3, both(x, d->numerator_th, d->numerator_en));
		put_wrap(x, s, r, 4, both(x, d->denominator_th, d->denominator_en));
		put_wrap(x, s, r, 5, unit_text(x, d->unit));
		put_wrap(x, s, r, 6, d->higher_is_better ? T(x, "ยิ่งสูงยิ่งดี", "higher")
							 : T(x, "ยิ่งต่ำยิ่งดี", "lower"));
		if (row && row->target.set) {
			check(x, worksheet_write_number(s->ws, r, 7, row->target.v,
							d->unit == UNIT_FRACTION ? x->f.target_top
										 : x->f.wrap), "a number");
		} else {
			put_wrap(x, s, r, 7, T(x, "ไม่ได้กำหนด", "none"));
		}
	}
	r++;
	put_note(x, s, r++, 0, T(x, "ตัวชี้วัดคำนวณตามข้อกำหนด (SPEC ข้อ 4): อัตรา = ตัวตั้ง ÷ ตัวหาร, ว่างเมื่อตัวหารเป็น 0; "
				    "มัธยฐานแบบต่อเนื่อง",
				    "KPIs as in SPEC section 4: a rate is numerator ÷ denominator, empty when "
				    "the denominator is 0; medians are continuous."));
	put_note(x, s, r++, 0, pf(x, T(x, "กลุ่มย่อยที่มีขนาด 1 ถึง %ld ราย ถูกปกปิด (แสดงเป็น \"ปกปิด\") "
				       "เพื่อไม่ให้ระบุตัวบุคคลได้",
				       "Breakdown cells of size 1 to %ld are suppressed (shown as "
				       "\"suppressed\") so that no person can be identified."),
				  x->o->min_cell - 1));
	s->row = r;
	for (i = 0; i < 8; i++)
		s->fit[i] = widths[i];
	return DK_OK;
}

/* ---- analyst sheets ---- */

/* The keys of breakdown bd in d->cur, in the order they first appear. */
static size_t breakdown_keys(const struct report_data *d, enum breakdown bd,
			     const struct kpi_row **keys, size_t max)
{
	size_t n = 0, i, j;

	for (i = 0; d->cur && i < d->cur->nrows; i++) {
		const struct kpi_row *row = &d->cur->rows[i];

		if (row->bd != bd || !row->key)
			continue;
		for (j = 0; j < n; j++)
			if (!strcmp(keys[j]->key, row->key))
				break;
		if (j == n && n < max)
			keys[n++] = row;
	}
	return n;
}

static int write_breakdown(struct xw *x, struct sheet *s)
{
	const struct report_data *d = x->d;
	const struct tpl_sheet *sh = s->tpl;
	enum breakdown bd = sh->by[0];
	const struct kpi_row **keys;
	lxw_row_t header, r;
	size_t n, i;
	int k;

	keys = calloc(d->cur ? d->cur->nrows + 1 : 1, sizeof(*keys));
	if (!keys)
		return DK_SOFTWARE;
	n = breakdown_keys(d, bd, keys, d->cur ? d->cur->nrows : 0);
	sheet_heading(x, s, NULL);
	header = s->row;
	put_header(x, s, header, 0, T(x, "รหัส", "Code"));
	put_header(x, s, header, 1, breakdown_label(bd, x->thai));
	for (k = 0; k < sh->nkpis; k++)
		put_header(x, s, header, (lxw_col_t)(2 + k), x->thai ? kpi_defs[sh->kpis[k]].label_th
								     : kpi_defs[sh->kpis[k]].label_en);
	freeze(x, s, header, 2);
	r = header + 1;
	put_text(x, s, r, 0, "", x->f.total_text);
	put_text(x, s, r, 1, T(x, "ทั้งหมด", "All"), x->f.total_text);
	for (k = 0; k < sh->nkpis; k++) {
		const struct kpi_row *row = report_find(d->cur, 0, (enum kpi_id)sh->kpis[k], BD_ALL, NULL);

		put_kpi(x, s, r, (lxw_col_t)(2 + k), row, x->f.total);
	}
	r++;
	for (i = 0; i < n; i++, r++) {
		put_text(x, s, r, 0, keys[i]->key, x->f.text);
		put_text(x, s, r, 1, x->thai ? keys[i]->key_th : keys[i]->key_en, x->f.text);
		for (k = 0; k < sh->nkpis; k++) {
			const struct kpi_row *row = report_find(d->cur, 0, (enum kpi_id)sh->kpis[k], bd,
								keys[i]->key);

			if (row)
				put_kpi(x, s, r, (lxw_col_t)(2 + k), row, x->f.num);
			else
				put_blank(x, s, r, (lxw_col_t)(2 + k), NULL);
		}
	}
	r++;
	put_note(x, s, r++, 0, pf(x, T(x, "ปกปิด = กลุ่มที่มีขนาด 1 ถึง %ld ราย (ไม่เผยแพร่เพื่อไม่ให้ระบุตัวบุคคลได้); "
				       "ช่องว่าง = ไม่มีข้อมูล",
				       "suppressed = a group of 1 to %ld (not published so that no person "
				       "can be identified); blank = no data"), x->o->min_cell - 1));
	s->row = r;
	free(keys);
	return DK_OK;
}

static int write_data(struct xw *x, struct sheet *s)
{
	static const char *const cols[] = {
		"period", "period_start", "period_end", "kpi", "breakdown", "key", "value",
		"numerator", "denominator", "target", "suppressed", "key_name",
	};
	const struct report_data *d = x->d;
	const struct tpl_sheet *sh = s->tpl;
	lxw_row_t header, r;
	size_t i, c;
	int k, b;

	sheet_heading(x, s, NULL);
	header = s->row;
	for (c = 0; c < sizeof(cols) / sizeof(*cols); c++) {
		check(x, worksheet_write_string(s->ws, header, (lxw_col_t)c, cols[c], x->f.header_left),
		      "a header");
		fit(s, (lxw_col_t)c, (double)strlen(cols[c]) + 3);
	}
	freeze(x, s, header, 0);
	r = header + 1;
	for (k = 0; k < sh->nkpis; k++) {
		for (b = -1; b < sh->nby; b++) {
			enum breakdown bd = b < 0 ? BD_ALL : sh->by[b];

			for (i = 0; d->cur && i < d->cur->nrows; i++) {
				const struct kpi_row *row = &d->cur->rows[i];
				enum nf nf = unit_nf(kpi_defs[row->kpi].unit);

				if ((int)row->kpi != sh->kpis[k] || row->bd != bd)
					continue;
				put_text(x, s, r, 0, d->period.label, x->f.text);
				put_date(x, s, r, 1, d->period.start, x->f.iso_date);
				put_date(x, s, r, 2, d->period.end, x->f.iso_date);
				put_text(x, s, r, 3, kpi_defs[row->kpi].name, x->f.text);
				put_text(x, s, r, 4, breakdown_name(row->bd), x->f.text);
				put_text(x, s, r, 5, row->key ? row->key : "", x->f.text);
				put_num(x, s, r, 6, row->value.set ? row->value.v : NAN, x->f.num[nf], nf);
				put_num(x, s, r, 7, row->numerator.set ? row->numerator.v : NAN, NULL,
					NF_DEC1);
				put_num(x, s, r, 8, row->denominator.set ? row->denominator.v : NAN, NULL,
					NF_DEC1);
				put_num(x, s, r, 9, row->target.set ? row->target.v : NAN, x->f.num[nf], nf);
				check(x, worksheet_write_boolean(s->ws, r, 10, row->suppressed, x->f.text),
				      "a boolean");
				put_text(x, s, r, 11, row->key ? (x->thai ? row->key_th : row->key_en) : "",
					 x->f.text);
				r++;
			}
		}
	}
	if (r > header + 1)
		check(x, worksheet_autofilter(s->ws, header, 0, r - 1, 11), "an autofilter");
	s->row = r;
	return DK_OK;
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
	props.subject = (char *)period_human(&x, &d->period);
	props.company = (char *)dept(&x);
	props.author = "didkpi";
	props.comments = (char *)pf(&x, "didkpi report %s", params_text(&x));
	check(&x, workbook_set_properties(x.wb, &props), "the document properties");
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
		case TPL_SHEET_SUMMARY: st = write_summary(&x, s); break;
		case TPL_SHEET_TREND: st = write_trend(&x, s); break;
		case TPL_SHEET_COMPARE: st = write_compare(&x, s); break;
		case TPL_SHEET_AUTH: st = write_auth(&x, s); break;
		case TPL_SHEET_IMPROVE: st = write_improve(&x, s); break;
		case TPL_SHEET_TRAINING: st = write_training(&x, s); break;
		case TPL_SHEET_DEFINITIONS: st = write_definitions(&x, s); break;
		case TPL_SHEET_BREAKDOWN: st = write_breakdown(&x, s); break;
		case TPL_SHEET_DATA: st = write_data(&x, s); break;
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
	for (i = 0; sheets && i < t->nsheets; i++)
		free(sheets[i].wraps);
	for (i = 0; i < x.nimages; i++)
		free(x.images[i]);
	free(x.images);
	free(sheets);
	pool_free(&x.pool);
	return st;
}
