/* Workbook templates: which sheets, KPIs, breakdowns and charts a report holds. */
#ifndef DIDKPI_TEMPLATE_H
#define DIDKPI_TEMPLATE_H

#include <stddef.h>

#include "compare.h"
#include "kpi.h"

/*
 * A template is a small INI-style text file (reports/templates/NAME.ini; the
 * format is described in man/didkpi-report.1, TEMPLATE FORMAT):
 *
 *   # a comment (a line whose first non-blank character is # or ;)
 *   [report]
 *   department_th = กรมพัฒนาฝีมือแรงงาน
 *   [sheet summary]
 *   type = summary
 *   name_th = สรุป
 *   kpis = requests, digital_channel_rate,
 *          satisfaction_mean          (an indented line continues a value)
 *   [chart channel]
 *   sheet = trend
 *   type = line
 *   kpis = digital_channel_rate, digital_id_use_rate
 *
 * The file is parsed in two layers: template_ini_parse() splits it into
 * sections and key = value pairs with their line numbers, and
 * template_parse() checks every section, key and value against what a
 * workbook can hold. Every problem is reported as "FILE:LINE: problem".
 */

/* Index of the two languages in the _th/_en pairs. */
enum { TPL_TH, TPL_EN, TPL_NLANG };

/* The kinds of sheet a template can ask for. */
enum tpl_sheet_type {
	TPL_SHEET_SUMMARY,     /* cover block and the KPI summary table */
	TPL_SHEET_TREND,       /* fiscal-year-to-date monthly series */
	TPL_SHEET_COMPARE,     /* before/after Digital ID per service */
	TPL_SHEET_AUTH,        /* authentication by method, failure reasons */
	TPL_SHEET_IMPROVE,     /* services ranked by where improvement is needed */
	TPL_SHEET_TRAINING,    /* staff training coverage by unit */
	TPL_SHEET_DEFINITIONS, /* every KPI's meaning in Thai and English */
	TPL_SHEET_BREAKDOWN,   /* KPIs (columns) by one breakdown's keys (rows) */
	TPL_SHEET_DATA,        /* the tidy rows of 'didkpi kpi --format csv' */
	TPL_SHEET_EFFECTS,     /* the event study of 'didkpi effects', every outcome */
	TPL_SHEET_ITS,         /* 'didkpi its' per adopting service: level and
				  slope change at its adoption date */
	TPL_SHEET_TYPE_COUNT
};

/* The kinds of chart. */
enum tpl_chart_type {
	TPL_CHART_LINE,    /* native Excel line chart (trend) */
	TPL_CHART_COLUMN,  /* native Excel column chart */
	TPL_CHART_STACKED, /* native Excel stacked column chart (method mix) */
	TPL_CHART_IMAGE,   /* a cairo chart inserted as a picture */
	TPL_CHART_TYPE_COUNT
};

/* Most columns whose width a template may set. */
#define TPL_MAX_WIDTHS 32

struct tpl_chart {
	char *id;                  /* the [chart ID] */
	int line;                  /* line of its [chart] header */
	enum tpl_chart_type type;
	char *title[TPL_NLANG];    /* NULL: a title made from the KPIs */
	int kpis[KPI_COUNT];       /* line and image charts on a trend sheet */
	int nkpis;
	int metric;                /* compare sheets: an enum compare_metric, or -1 */
	int width, height;         /* pixels (default 576 x 320) */
};

struct tpl_sheet {
	char *id;                  /* the [sheet ID] */
	int line;                  /* line of its [sheet] header */
	enum tpl_sheet_type type;
	char *name[TPL_NLANG];     /* the tab's name (<= 31 characters) */
	char *title[TPL_NLANG];    /* the heading in row 1 */
	int kpis[KPI_COUNT];       /* summary, trend, breakdown, data */
	int nkpis;
	enum breakdown by[BD_COUNT]; /* breakdown and data sheets */
	int nby;
	int metrics[CMP_METRIC_COUNT]; /* compare sheets: enum compare_metric */
	int nmetrics;
	double widths[TPL_MAX_WIDTHS]; /* column widths in characters; 0 = fitted */
	int nwidths;
	int top;                   /* rows of ranked lists (auth reasons, improve) */
	int brief;                 /* compare: 'columns = brief' (no sizes,
				      windows or test names) */
	int months;                /* trend: at least this many months (default
				      12), before the fiscal year to date */
	struct tpl_chart **charts; /* the charts placed on this sheet, in order */
	size_t ncharts;
};

struct template {
	char *path;                /* as given, for messages */
	char *title[TPL_NLANG];    /* the workbook's title */
	char *department[TPL_NLANG];
	char *source[TPL_NLANG];   /* the data source line on the cover; may be NULL */
	struct tpl_sheet *sheets;
	size_t nsheets;
	struct tpl_chart *charts;  /* every chart; sheets point into this */
	size_t ncharts;
};

/* The before/after metrics' names, in the order of enum compare_metric. */
extern const char *const tpl_metric_names[CMP_METRIC_COUNT];

/* The sheet type's name in templates ("summary"), and the reverse (-1). */
const char *tpl_sheet_type_name(enum tpl_sheet_type t);
int tpl_sheet_type_find(const char *name);

/*
 * The low layer. template_ini_parse() reads text (len bytes, UTF-8; a BOM,
 * CRLF and a missing final newline are accepted) and calls fn for every
 * key = value pair with the section it is in ("report", "sheet summary";
 * "" before the first header), the key, the value (blanks trimmed, indented
 * continuation lines joined with a space) and the key's line number; and
 * once with key NULL for every section header. fn returns 0 to go on, or
 * non-zero to stop (its error is then its own to report).
 * Returns 0; the non-zero value fn returned; or -1 for a syntax error,
 * with "LINE: problem" in err (errlen bytes, NUL-terminated).
 */
typedef int (*template_ini_fn)(void *arg, const char *section, const char *key,
			       const char *value, int line);
int template_ini_parse(const char *text, size_t len, template_ini_fn fn, void *arg,
		       char *err, size_t errlen);

/*
 * template_parse() parses and checks a whole template from text; path
 * names it in messages. Returns DK_OK and *out (free with
 * template_free()); DK_DATAERR with "PATH:LINE: problem" in err for a bad
 * template; DK_SOFTWARE when memory runs out.
 */
int template_parse(const char *path, const char *text, size_t len,
		   struct template **out, char *err, size_t errlen);

/*
 * template_load() reads the file path (at most 1 MiB) and parses it.
 * Returns as template_parse(), or DK_DATAERR with "PATH: why" when the
 * file cannot be read.
 */
int template_load(const char *path, struct template **out, char *err, size_t errlen);

/*
 * template_find() turns a --template argument into a file name: NAME with a
 * '/' or ending in ".ini" is a path as given; otherwise NAME.ini is looked
 * for in each directory of $DIDKPI_TEMPLATE_PATH (colon-separated), then
 * $XDG_CONFIG_HOME/didkpi/templates (default ~/.config/didkpi/templates),
 * then reports/templates and ../share/didkpi/templates beside the
 * executable, then /usr/local/share/didkpi/templates and
 * /usr/share/didkpi/templates. Returns a malloc'd path, or NULL when none
 * exists (or NAME is not [A-Za-z0-9_.-]+).
 */
char *template_find(const char *name);

/* template_free() frees t; NULL is fine. */
void template_free(struct template *t);

#endif
