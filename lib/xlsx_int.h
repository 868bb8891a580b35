/* The workbook writer's private parts, shared by lib/xlsx*.c (see xlsx.h). */
#ifndef DIDKPI_XLSX_INT_H
#define DIDKPI_XLSX_INT_H

/*
 * lib/xlsx.c holds the core: the writer's state, cells, formats, page
 * setup, chart placement and pictures, and xlsx_write_report(), which
 * calls one writer per sheet kind. Each sheet kind is a module of its own
 * (lib/xlsx_summary.c, lib/xlsx_trend.c, ...), as libxlsxwriter splits its
 * writer by part; a new sheet kind is a new file and a line in the table.
 */

#include <stddef.h>

#include <xlsxwriter.h>

#include "chart.h"
#include "report.h"
#include "template.h"
#include "xlsx.h"

#define MAXCOL 64
#define FONT "Tahoma"
#define FONT_SIZE 10

/* Thai Buddhist calendar, western digits, Thai month names (LCID 041E,
 * calendar 07); Excel and LibreOffice both honour it. */
#define TH_CAL "[$-107041E]"

/* Where the next chart goes, and how wide a row of charts may grow. */
#define CHART_ROW_PX 1720 /* two default charts and a wide picture, or a
			     chart and a wide picture; printed one page wide */
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
	lxw_row_t charts_at;       /* > 0: the charts go from this row, above
				      the table (see xw_charts_rows()) */
	int charts_w;              /* the widest row of charts, in pixels */
	struct {
		lxw_row_t first, last; /* rows kept on one printed page if they fit */
		int chart;             /* a row of charts (never cut) */
	} blocks[64];
	int nblocks;
	lxw_row_t header;          /* the main table's header row (xw_freeze) */
	int has_header;
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
	struct ahead *ahead;       /* pictures drawn ahead (lib/xlsx.c), or NULL */
	struct {
		lxw_format *title, *big_title, *subtitle, *heading, *header, *header_left;
		lxw_format *text, *wrap, *label, *note, *suppressed, *total_text;
		lxw_format *date, *date_long, *datetime, *month, *iso_date;
		lxw_format *num[NF_COUNT_COUNT], *chg[NF_COUNT_COUNT], *total[NF_COUNT_COUNT];
		lxw_format *good, *bad, *good_text, *bad_text, *center, *block, *target_top;
		lxw_format *note_wrap, *text_top, *label_top, *text_wrap_mid, *not_yet;
		lxw_format *pp, *supp_blank, *flag;
	} f;
};

/* ---- small helpers (lib/xlsx.c) ---- */

static inline enum nf unit_nf(enum kpi_unit u)
{
	return (enum nf)u; /* UNIT_COUNT..UNIT_BAHT map onto NF_COUNT..NF_BAHT */
}

static inline const char *T(const struct xw *x, const char *th, const char *en)
{
	return x->thai ? th : en;
}

static inline lxw_row_t max_row(lxw_row_t a, lxw_row_t b)
{
	return a > b ? a : b;
}

static inline double dmax(double a, double b)
{
	return a > b ? a : b;
}

/* A formatted string that lives until the workbook is closed ("" on OOM). */
const char *xw_pf(struct xw *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Notes the first libxlsxwriter error. */
void xw_check(struct xw *x, lxw_error e, const char *what);

void xw_fit(struct sheet *s, lxw_col_t c, double w);

void xw_put_text(struct xw *x, struct sheet *s, lxw_row_t r, lxw_col_t c,
		     const char *text, lxw_format *f);

/* Text in a column at most cap characters wide: longer text wraps. */
void xw_put_text_capped(struct xw *x, struct sheet *s, lxw_row_t r, lxw_col_t c,
			    const char *text, double cap);

/* Text that may overflow into the empty cells on its right: no fitting. */
void xw_put_long(struct xw *x, struct sheet *s, lxw_row_t r, lxw_col_t c,
		     const char *text, lxw_format *f);

/* Text that wraps within its column (the row grows to fit). */
void xw_put_wrap(struct xw *x, struct sheet *s, lxw_row_t r, lxw_col_t c, const char *text);

/* Text across the columns c..the table's last, wrapping there (so that a
 * long note neither widens a column nor the printed page). */
void xw_put_span(struct xw *x, struct sheet *s, lxw_row_t r, lxw_col_t c, const char *text,
		     lxw_format *f);

void xw_put_note(struct xw *x, struct sheet *s, lxw_row_t r, lxw_col_t c, const char *text);

/* A header cell: it wraps, so it asks for at most a dozen characters. */
void xw_put_header(struct xw *x, struct sheet *s, lxw_row_t r, lxw_col_t c,
		       const char *text);

void xw_put_num(struct xw *x, struct sheet *s, lxw_row_t r, lxw_col_t c, double v,
		    lxw_format *f, enum nf nf);

void xw_put_blank(struct xw *x, struct sheet *s, lxw_row_t r, lxw_col_t c, lxw_format *f);

void xw_put_date(struct xw *x, struct sheet *s, lxw_row_t r, lxw_col_t c,
		     struct civil_date d, lxw_format *f);

/* "YYYY-MM-DD HH:MM:SS" as a date and time cell. */
void xw_put_timestamp(struct xw *x, struct sheet *s, lxw_row_t r, lxw_col_t c,
			  const char *ts);

const char *xw_suppressed_text(const struct xw *x);

/* A suppressed small cell: empty and grey, never text. */
void xw_put_suppressed(struct xw *x, struct sheet *s, lxw_row_t r, lxw_col_t c);

/* A row's suppressed flag, TRUE or FALSE. */
void xw_put_flag(struct xw *x, struct sheet *s, lxw_row_t r, lxw_col_t c, int suppressed);

/* A change: of a rate (nf NF_PCT) in percentage points (100 x the
 * difference, "+18.7 จุด" / "+18.7 pp"), else signed in its unit. */
void xw_put_change(struct xw *x, struct sheet *s, lxw_row_t r, lxw_col_t c, double v, enum nf nf);

/* "บรรลุ"/"ไม่บรรลุ" ("met"/"not met") as an IF formula comparing the value
 * cell vc with the target cell tc of row r in the KPI's direction, so the
 * words follow an edited target; met (1, 0, or -1 for neither) is the
 * cached result. */
void xw_put_met(struct xw *x, struct sheet *s, lxw_row_t r, lxw_col_t c, lxw_col_t vc,
		lxw_col_t tc, int higher_is_better, int met);

/* A KPI row's value: a number, an empty grey cell for a suppressed small cell, or
 * blank when there is none. */
void xw_put_kpi(struct xw *x, struct sheet *s, lxw_row_t r, lxw_col_t c,
		    const struct kpi_row *row, lxw_format **fmts);

/* A conditional format by formula over a range ("=$B5>0", relative to the
 * range's first cell). */
void xw_cond(struct xw *x, struct sheet *s, lxw_row_t r1, lxw_col_t c1, lxw_row_t r2,
		 lxw_col_t c2, const char *formula, lxw_format *f);

/* A data bar over a range. */
void xw_data_bar(struct xw *x, struct sheet *s, lxw_row_t r1, lxw_col_t c, lxw_row_t r2,
		     lxw_color_t colour);

/* "$B13" */
const char *xw_cell(struct xw *x, lxw_row_t r, lxw_col_t c);

/* Colours the cell (r, c) and the others of a row green when the number in
 * (r, vc) is better than, or as good as, the number in (r, tc), red when
 * worse; "better" is higher or lower as the KPI says. */
void xw_cond_target(struct xw *x, struct sheet *s, lxw_row_t r, lxw_col_t c1, lxw_col_t c2,
			lxw_col_t vc, lxw_col_t tc, int higher_is_better);

/* Colours change cells: green for a change for the better, red for worse.
 * The formula is relative to the first row (rows r1..r2 of column c). */
void xw_cond_change(struct xw *x, struct sheet *s, lxw_row_t r1, lxw_row_t r2,
			lxw_col_t c, int higher_is_better, const char *extra);

const char *xw_period_human(struct xw *x, const struct period *p);

const char *xw_dept(const struct xw *x);

/* Rows 0-1: the sheet's title, the department and period; the table's
 * header goes on row 3. */
void xw_sheet_heading(struct xw *x, struct sheet *s, const char *subtitle);

/* Freezes the rows above r (the header is r - 1) and the first ncols
 * columns, and repeats the header on every printed page. */
void xw_freeze(struct xw *x, struct sheet *s, lxw_row_t header, lxw_col_t ncols);

/* After the charts: the row below them. */
void xw_charts_done(struct sheet *s);

/* A native chart with Thai-capable fonts, its title and its legend. */
lxw_chart *xw_chart_new(struct xw *x, uint8_t type, const char *title);

void xw_chart_insert(struct xw *x, struct sheet *s, lxw_chart *ch, const struct tpl_chart *tc);

void xw_series_colour(lxw_chart_series *se, lxw_color_t colour, int line, int dashed);

const char *xw_axis_format(enum kpi_unit u);

struct chartspec;

/* The chart of picture tc on a sheet of that type (lib/chartspec.c's for
 * the report): on a trend sheet a line chart of one KPI by month with its
 * target and a marker on each day a service began accepting Digital ID;
 * on a compare sheet a grouped-bar chart of one metric before and after,
 * with the 95% interval of the change drawn from the before level. */
int xw_picture_spec(struct xw *x, enum tpl_sheet_type type, const struct tpl_chart *tc,
		    struct chartspec **cs);

/* Draws picture tc of a sheet of that type at twice its size (sharp on
 * screens and in print), or takes it drawn ahead by a second thread, and
 * inserts it shown at tc's size. */
int xw_insert_picture(struct xw *x, struct sheet *s, enum tpl_sheet_type type,
		      const struct tpl_chart *tc);

/* The newest record of the log relations (the snapshot's time when they
 * are all empty): what the data is as of. */
const char *xw_data_as_of(const struct xw *x);

const char *xw_as_of_human(struct xw *x);

const char *xw_params_text(struct xw *x);

/* The picture's context: the report's language and its source line. */
struct chartspec_ctx xw_picture_ctx(struct xw *x, const struct tpl_chart *tc);

/* Keeps rows first..last (a table with its heading and notes) together on
 * one printed page when they fit on one; a table longer than a page flows,
 * with its header row repeated when it is the header given to xw_freeze().
 * A sheet that declares no block has one: from its frozen header to the
 * last row. Rows of charts are blocks of their own. */
void xw_block(struct sheet *s, lxw_row_t first, lxw_row_t last);

/* The rows n charts of width[i] x height[i] pixels take when placed from
 * the top (as xw_chart_insert() places them), for a sheet that puts its
 * charts above a long table: set s->charts_at, write the table below,
 * then insert the charts. */
lxw_row_t xw_charts_rows(const int *width, const int *height, size_t n);

/* ---- one writer per sheet kind ---- */

/* Each writes the sheet s of its kind from x->d and returns DK_OK or a
 * status (a libxlsxwriter failure is noted in x->failed instead). */
int xlsx_write_summary(struct xw *x, struct sheet *s);
int xlsx_write_trend(struct xw *x, struct sheet *s);
int xlsx_write_compare(struct xw *x, struct sheet *s);
int xlsx_write_auth(struct xw *x, struct sheet *s);
int xlsx_write_improve(struct xw *x, struct sheet *s);
int xlsx_write_training(struct xw *x, struct sheet *s);
int xlsx_write_definitions(struct xw *x, struct sheet *s);
int xlsx_write_breakdown(struct xw *x, struct sheet *s);
int xlsx_write_data(struct xw *x, struct sheet *s);
int xlsx_write_effects(struct xw *x, struct sheet *s); /* lib/xlsx_effects.c */
int xlsx_write_its(struct xw *x, struct sheet *s);

#endif
