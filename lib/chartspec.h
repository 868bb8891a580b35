/* What each chart shows: series, markers, targets, labels and titles, decided once. */
#ifndef DIDKPI_CHARTSPEC_H
#define DIDKPI_CHARTSPEC_H

#include <stddef.h>

#include "chart.h"
#include "chartdata.h"
#include "compare.h"
#include "kpi.h"
#include "period.h"
#include "report.h"

/*
 * The one chart builder. didkpi chart, the workbook's pictures, the HTML
 * report and the PDF brief gather their data (chartdata.h, compare.h,
 * report.h) and ask this module for a chart; it fills a struct chart
 * (chart.h draws it) and never touches the database or a file. So a chart
 * of the same data says the same things wherever it is drawn.
 *
 * A chartspec owns every string and array the chart points to, except the
 * data it was built from (the chartdata, compare result or report data),
 * which must outlive it. Free it with chartspec_free().
 */

struct chartspec_pool;

struct chartspec {
	struct chart chart;            /* what to draw: chart_render(&cs->chart, ...) */
	int empty;                     /* nothing to show: the chart says "no data"
					  (a command refuses to write it unless asked) */
	const char *const *cat_keys;   /* chart.ncategories machine keys: the
					  periods' labels ("2025-03") or service
					  codes ("all" for the pooled row) */
	const char *const *series_keys; /* chart.nseries keys: "all" or a service,
					  method or channel code; "before", "after" */
	const char *alt;               /* a text alternative: the title, subtitle
					  and what is drawn, one paragraph */
	struct chartspec_pool *pool;   /* private */
};

/* What every chart takes besides its data. */
struct chartspec_ctx {
	int thai;                      /* Thai (1) or English (0) texts */
	struct civil_date today;       /* the database's local date, for "data
					  as of" in the default source line; a
					  report chart with year 0 takes it from
					  report_data.snapshot */
	const char *title;             /* NULL: the chart's own title */
	const char *source;            /* NULL: "ที่มา: didkpi  <period>  ข้อมูล ณ
					  <today>" / "Source: didkpi · ..." */
	const struct chartdata_services *services; /* the services the data is
					  narrowed to, named in the subtitle;
					  NULL or none: the department */
};

/* A KPI over consecutive periods (didkpi chart trend). */
struct chartspec_trend {
	enum kpi_id kpi;
	const struct period *period;   /* what the periods cover (subtitle, source) */
	const struct period *months;   /* the periods, oldest first (period_split) */
	size_t nmonths;                /* 0: a "no data" chart */
	enum period_interval interval; /* INTERVAL_MONTH, _DAY, _WEEK, _QUARTER, _YEAR */
	const struct chartdata *data;  /* chartdata_trend(): series 0 the department,
					  then services; target by period (NAN:
					  none). May be NULL when nmonths is 0 */
	const struct chartdata_services *markers; /* adoptions within the periods
					  (chartdata_markers()); NULL: none */
};

/* The authentication method or channel mix (didkpi chart methods|channels). */
struct chartspec_mix {
	int methods;                   /* 1: chartdata_methods(), 0: chartdata_channels() */
	int share;                     /* stacked to 100% */
	const struct period *period;
	const struct period *months;
	size_t nmonths;
	enum period_interval interval;
	const struct chartdata *data;  /* may be NULL when nmonths is 0 */
};

/* One metric before and after each adopting service (didkpi chart compare). */
struct chartspec_compare {
	enum compare_metric metric;
	const struct compare_result *result; /* NULL: no rows */
	int window_months, ramp_months;
	const struct period *adopted_in; /* the services were narrowed to those
					  adopted in this period (named in the
					  subtitle); NULL: not narrowed */
	int omit_skipped;              /* leave out services without a result
					  (else they show "no data") */
};

/*
 * chartspec_trend(), chartspec_mix() and chartspec_compare() build the
 * chart of didkpi chart's trend, methods/channels and compare kinds.
 * Month values that are not finite are gaps; the trend's target line
 * steps with the target in force; a marker is drawn at each adoption day.
 * Returns DK_OK and *out (free with chartspec_free()), or DK_SOFTWARE
 * when memory runs out (after log_error).
 */
int chartspec_trend(const struct chartspec_ctx *ctx, const struct chartspec_trend *in,
		    struct chartspec **out);
int chartspec_mix(const struct chartspec_ctx *ctx, const struct chartspec_mix *in,
		  struct chartspec **out);
int chartspec_compare(const struct chartspec_ctx *ctx, const struct chartspec_compare *in,
		      struct chartspec **out);

/*
 * The same charts from the data of a report (report_gather()), for the
 * workbook's pictures, the HTML report and the PDF brief:
 * chartspec_report_trend() draws KPI k's department value by month of
 * d->months with its target and the adoptions of d->markers;
 * chartspec_report_compare() metric m of d->compare (services without a
 * result left out), window_months as the report's W;
 * chartspec_report_methods() the successful log-ins by method and month of
 * d->methods (share: stacked to 100%).
 * Returns as chartspec_trend(); a report without the data (no trend, no
 * compare sheet) gives a "no data" chart with empty set.
 */
int chartspec_report_trend(const struct chartspec_ctx *ctx, const struct report_data *d,
			   enum kpi_id k, struct chartspec **out);
int chartspec_report_compare(const struct chartspec_ctx *ctx, const struct report_data *d,
			     enum compare_metric m, int window_months, struct chartspec **out);
int chartspec_report_methods(const struct chartspec_ctx *ctx, const struct report_data *d,
			     int share, struct chartspec **out);

/* chartspec_free() frees cs and everything it owns; NULL is allowed. */
void chartspec_free(struct chartspec *cs);

#endif
