/* The data of a workbook (SPEC section 7), gathered in one snapshot. */
#ifndef DIDKPI_REPORT_H
#define DIDKPI_REPORT_H

#include <stddef.h>

#include "chartdata.h"
#include "compare.h"
#include "db.h"
#include "effects.h"
#include "freshness.h"
#include "its.h"
#include "kpi.h"
#include "period.h"
#include "template.h"

/*
 * report_gather() runs every query a template needs, in the caller's
 * transaction (the REPEATABLE READ, READ ONLY snapshot of cmd_open()), and
 * keeps the results in memory; lib/xlsx.c then writes them without
 * touching the database. So a database that goes away mid-run fails the
 * run before any output file is opened, and every sheet shows the same
 * instant.
 */

struct report_request {
	const struct template *tpl;
	struct period period;      /* the report's period, resolved */
	struct civil_date today;   /* the database's local date in tz */
	const char *tz;            /* the session time zone is already set to it */
	long min_cell;             /* small-cell threshold (kpi --min-cell) */
	int window_months;         /* before/after window W (compare --window) */
	int trend_months;          /* the trend's least number of months */
	const struct freshness *fresh; /* the period's data freshness, from
				    * freshness_period() in the same snapshot;
				    * NULL: report_gather() finds it */
	int want_all;              /* gather what every sheet kind needs (trend,
				    * method mix, comparison, method and service
				    * breakdowns, 10 failure reasons) whatever
				    * the template holds: the PDF brief */
	int jobs;                  /* connections to compute on: 1, or 2 for
				    * the trend on one and the period and the
				    * comparison on another (same snapshot) */
	int warn_unknown;          /* warn of the period's unknown codes
				    * (kpi_request.warn of the period's KPIs,
				    * beside the trend when jobs is 2) */
};

struct report_service {
	char *code, *name_th, *name_en, *unit;
	int is_eservice;
	int has_since;
	struct civil_date since;   /* digital_id_since */
};

/* A failure reason of identification or authentication events. */
struct report_reason {
	char *step;                /* "identification" or "authentication" */
	char *method, *name_th, *name_en;
	int digital_id;            /* the method is a Digital ID method */
	char *reason;              /* NULL when none was recorded */
	double n;                  /* failures with this reason */
	double failures;           /* all failures of the step and method */
	int suppressed;            /* n is 1..min_cell-1: not shown */
};

/* The KPIs of the ITS sheet, fitted per adopting service. */
#define REPORT_ITS_KPIS 2
extern const enum kpi_id report_its_kpis[REPORT_ITS_KPIS];

/*
 * One fit of the ITS sheet: KPI kpi of service svc, interrupted at its
 * digital_id_since, over the months of report_data.its_months, with the
 * defaults of 'didkpi its' (no seasonality, the lag rule, 95 %). ok is 0
 * when the model cannot be estimated (why says so; fit is then partial:
 * only its counts mean anything).
 */
struct report_its {
	const struct report_service *svc;
	enum kpi_id kpi;
	size_t t0;                 /* the first month after, in its_months */
	int ok;
	struct its_fit fit;
	char warning[160];         /* "" or the short-series warning, as the CLI's */
	char why[120];             /* not ok: why */
};

/* A service ranked on the improvement sheet (see report_rank()). */
struct report_rank {
	const struct report_service *svc;
	double requests;
	struct kpi_num digital, time, satisfaction;  /* the service's values */
	double gap_digital, gap_time, gap_satisfaction; /* 0..1 each */
	double score;              /* 0..100 */
	int worst;                 /* 0 digital, 1 time, 2 satisfaction; -1 none */
};

struct report_data {
	struct period period, previous, year_ago;
	struct period *months;     /* the trend's months, oldest first */
	size_t nmonths;
	char snapshot[24];         /* "YYYY-MM-DD HH:MM:SS", local time in tz */
	char snapshot_offset[8];   /* its offset from UTC: "+07:00" */
	char *database;            /* current_database() */
	char generated[24];        /* the clock when the data was complete, as
				      snapshot */
	struct freshness fresh;    /* the newest record of each log relation:
				      the cover's "data as of" */
	struct kpi_result *cur;    /* the period: all, and each breakdown needed */
	struct kpi_result *past;   /* periods 0: previous, 1: year ago; all only */
	struct kpi_result *trend;  /* the months; all only; NULL without a trend */
	struct kpi_result *kpi_all; /* trend and past together: they are its slices */
	struct chartdata *methods; /* successful log-ins by method and month */
	struct chartdata_services *markers; /* adoptions within the months */
	struct compare_result *compare; /* NULL without a compare sheet */
	struct report_service *services;
	size_t nservices;
	struct report_reason *reasons;
	size_t nreasons;
	struct report_rank *ranks; /* every service with requests in the
				      period, highest score first */
	size_t nranks;
	/* effects sheets: the panel and each outcome's estimates with the
	 * defaults of 'didkpi effects' (NULL without an effects sheet) */
	struct effects_data *effects;
	struct effects_result *eff[EFF_OUTCOME_COUNT];
	struct effects_options eff_opt;
	/* ITS sheets: the series' months (every whole month with data before
	 * the current one, as 'didkpi its' without --period) and the fits */
	struct period *its_months;
	size_t nits_months;
	struct report_its *its;
	size_t nits;
};

/*
 * report_trend_months() computes the trend's months for period p: the
 * fiscal year containing p's last day, from its start to p's end, extended
 * back so that there are at least min_months months, and clipped at the
 * end of today's month (later months have no data). Returns DK_OK and a
 * malloc'd array in *out (*n elements, possibly 0), or DK_SOFTWARE.
 */
int report_trend_months(const struct period *p, struct civil_date today, int min_months,
			struct period **out, size_t *n);

/*
 * report_gather() fills *out (free with report_data_free()) with what the
 * template's sheets need. Returns DK_OK or the failing query's status
 * (DK_UNAVAILABLE when the connection is gone).
 */
int report_gather(struct db *db, const struct report_request *req, struct report_data **out);

/*
 * report_rank() ranks the services by where improvement is most needed,
 * from the 'service' rows of d->cur. For a service with requests in the
 * period, three shortfalls against the whole department, each cut to
 * 0..1: the digital channel rate's (dept - svc) / dept, the median service
 * time's (svc - dept) / dept, and the mean satisfaction's (dept - svc) /
 * dept. A value that is empty or suppressed counts 0. The score is their
 * mean x 100 (0 = as good as the department or better on all three).
 * Ties go to the service with more requests, then by code. Sets d->ranks.
 * Returns DK_OK or DK_SOFTWARE when memory runs out.
 */
int report_rank(struct report_data *d);

/* The KPI row of KPI k, breakdown bd (key NULL for all) in period index
 * p of r, or NULL. */
const struct kpi_row *report_find(const struct kpi_result *r, size_t p, enum kpi_id k,
				  enum breakdown bd, const char *key);

void report_data_free(struct report_data *d);

/*
 * report_reason_text() is the name of a failure reason code in Thai or
 * English for the workbook and the HTML report ("(no reason recorded)" for
 * NULL); a code it does not know is returned as it is.
 */
const char *report_reason_text(const char *reason, int thai);

#endif
