/* Before and after Digital ID (SPEC section 5): windows, metrics, tests. */
#ifndef DIDKPI_COMPARE_H
#define DIDKPI_COMPARE_H

#include <stddef.h>
#include <stdio.h>

#include "db.h"
#include "format.h"
#include "kpi.h"
#include "period.h"

/* The metrics compared, in the SPEC section 5 (output) order. */
enum compare_metric {
	CMP_REQUESTS_PER_MONTH,   /* requests submitted in the window / W */
	CMP_DIGITAL_CHANNEL_RATE, /* KPI digital_channel_rate */
	CMP_SERVICE_TIME_MEDIAN,  /* KPI service_time_median_hours */
	CMP_SATISFACTION_MEAN,    /* KPI satisfaction_mean */
	CMP_SATISFACTION_CSAT,    /* KPI satisfaction_csat */
	CMP_COMPLETION_RATE,      /* KPI completion_rate */
	CMP_METRIC_COUNT
};

struct compare_metric_def {
	const char *name;          /* machine name, e.g. "digital_channel_rate" */
	enum kpi_id kpi;           /* the SPEC section 4 KPI it evaluates
				    * (KPI_REQUESTS for requests_per_month) */
	enum kpi_unit unit;        /* UNIT_COUNT (a rate per month), UNIT_FRACTION,
				    * UNIT_HOURS or UNIT_SCORE */
	int higher_is_better;      /* 1, or 0 when lower is better */
	const char *label_th, *label_en;
	const char *test;          /* the test's name as printed in `test`:
				    * "poisson-exact", "z-test (newcombe ci)",
				    * "mann-whitney (hodges-lehmann ci)", "welch-t" */
	int has_did;               /* 1 when --did estimates it */
	const char *pooled_test;   /* the test of the pooled `all` row:
				    * "inverse-variance (rate difference)",
				    * "cmh (mantel-haenszel rd with sato ci)",
				    * "van-elteren (inverted ci)",
				    * "inverse-variance (mean difference)" */
};

extern const struct compare_metric_def compare_metrics[CMP_METRIC_COUNT];

/* compare_metric_find() returns the metric called name, or -1. */
int compare_metric_find(const char *name);

/* The smallest number of observations a side needs (SPEC: n < 30 skips). */
#define COMPARE_MIN_N 30

/* Days in an average Gregorian month (365.2425 / 12): requests per month
 * are requests / covered days * COMPARE_DAYS_PER_MONTH. */
#define COMPARE_DAYS_PER_MONTH 30.4375

/* The largest --window and --ramp, in months. */
#define COMPARE_MAX_MONTHS 120

/*
 * compare_parse_months() reads a --window or --ramp value: "6m" or "6"
 * (months) or "1y" (12 months), ASCII digits, into *months. min is the
 * smallest value allowed (1 for --window, 0 for --ramp), the largest is
 * COMPARE_MAX_MONTHS. Returns 0, or -1 for anything else.
 */
int compare_parse_months(const char *text, int min, int *months);

/* A number that may be empty (SQL NULL, "" in CSV, null in JSON). */
struct compare_num {
	int set;
	double v;
};

/* The difference-in-differences columns of a row (--did). */
struct compare_did {
	struct compare_num control_before, control_after; /* the comparison
				    * group's metric in the same calendar windows */
	struct compare_num estimate;  /* (after - before) - (control_after -
				       * control_before) */
	struct compare_num se, ci_low, ci_high, p_value; /* normal approximation */
	struct compare_num n_control_before, n_control_after; /* observations */
	struct compare_num n_controls; /* comparison services */
	const char *note;          /* why the estimate is empty, else NULL */
};

/*
 * One row of SPEC section 5: a service (or the pooled `all`) and a metric.
 * When skip is set every number is empty (sizes too) and the test column
 * reads "skipped: <skip>". The pooled row has no window dates.
 */
struct compare_row {
	const char *service_code;  /* "all" for the pooled row */
	const char *name_th, *name_en; /* the service's names ("ทุกบริการ",
					* "All services" for all) */
	int pooled;                /* 1 for the `all` row */
	enum compare_metric metric;
	int has_dates;             /* 0 for the pooled row */
	struct civil_date adopted; /* digital_id_since = D */
	struct civil_date before_start, before_end; /* [D - W, D) */
	struct civil_date after_start, after_end;   /* [D + ramp, D + ramp + W) */
	struct compare_num before, after, change, change_pct;
				   /* change is the estimate the interval and
				    * p belong to: after - before, but for
				    * service time the Hodges-Lehmann shift
				    * (before and after the medians), and on
				    * the pooled row the stratified estimate
				    * (before and after then its weighted
				    * levels, or for service time the pooled
				    * medians); change_pct = change / before */
	struct compare_num ci_low, ci_high, p_value;
	struct compare_num n_before, n_after;
	const char *test;          /* compare_metrics[metric].test, or for
				    * service time "mann-whitney (no ci: over
				    * 10000000 values)" when the service times
				    * were too many to hold */
	const char *skip;          /* reason the row is skipped, else NULL:
				    * "after-window not complete",
				    * "fewer than 30 observations before", ... */
	int pooled_services;       /* pooled row: how many services it pools */
	const char *coverage;      /* "full", "before-partial", "after-partial"
				    * or "both-partial": whether the service's
				    * data (its first to its last request's
				    * local date) covers each window; for the
				    * pooled row over the services it pools
				    * (NULL when it pools none) */
	struct compare_num before_days, after_days; /* the days of each window
				    * with data (the exposure of
				    * requests_per_month); empty for the pooled
				    * row */
	double level;              /* the confidence level of the interval */
	struct compare_did did;    /* set when the request asked for --did */
};

struct compare_request {
	const char *tz;            /* time zone of the windows (Asia/Bangkok) */
	int window_months;         /* W, >= 1 (default 6) */
	int ramp_months;           /* >= 0 (default 0) */
	const char *const *services; /* only these service codes; NULL = all */
	size_t nservices;
	unsigned metrics;          /* 1 << CMP_...; 0 means every metric */
	int did;                   /* compute the difference-in-differences */
	double level;              /* confidence level; 0 means 0.95 */
};

struct compare_result {
	struct compare_row *rows;  /* pooled `all` rows first (metric order),
				    * then each adopting service in byte order of
				    * service_code, its metrics in order */
	size_t nrows;
	struct civil_date today;   /* the database's local date in tz */
	int window_months, ramp_months, did;
	double level;
	char **not_adopted;        /* codes of services skipped because they
				    * never adopted (digital_id_since NULL) */
	size_t nnot_adopted;
	void *store;               /* the strings; private */
};

/*
 * compare_compute() computes every row of SPEC section 5 in the current
 * transaction of db (callers open the read-only snapshot and set the
 * session time zone to req->tz). Per-window counts, sums and variances
 * and each service's first and last data dates are computed in
 * PostgreSQL; the service times behind the medians, Mann-Whitney,
 * Hodges-Lehmann and van Elteren are fetched once, streamed, and held at
 * 8 bytes each (not at all above 10 million, when the shifts and
 * intervals are left empty). requests_per_month is over the covered days
 * of each window; the pooled rows are stratified by service. Returns DK_OK and *out (free with
 * compare_result_free()); DK_USAGE after printing why when a code of
 * req->services is not a service; or the database's failure status.
 */
int compare_compute(struct db *db, const struct compare_request *req,
		    struct compare_result **out);

void compare_result_free(struct compare_result *r);

/* What a run of didkpi compare says about its data: the JSON "meta"
 * object. Every pointer may be NULL (left out, or null). */
struct compare_meta {
	const char *version;       /* didkpi's version */
	const char *data_as_of;    /* the newest log record, local time */
	const struct compare_request *req; /* the services and metrics asked */
};

/* How compare_write_opts() writes. */
struct compare_out_options {
	enum out_format fmt;
	int thai;                  /* labels in Thai (1) or English (0) */
	int no_header;             /* CSV/TSV: no header; NDJSON: no meta line */
	const struct compare_meta *meta; /* JSON/NDJSON metadata, may be NULL */
};

/*
 * compare_write_opts() writes r to f. CSV, TSV and the JSON forms have the
 * SPEC section 5 columns (header service_code,metric,before_start,
 * before_end,after_start,after_end,before,after,change,change_pct,ci_low,
 * ci_high,p_value,n_before,n_after,test), followed, when r->did, by
 * control_before,control_after,did,did_se,did_ci_low,did_ci_high,
 * did_p_value,n_control_before,n_control_after,n_controls,did_note, and
 * always last by label (the service's name in the chosen language; the
 * pooled row "ทุกบริการ" or "All services"), skip_reason (why the row
 * is skipped, empty when it is not), coverage, before_covered_days,
 * after_covered_days and sentence (compare_row_sentence() in the chosen
 * language). A skipped row's test is empty: no
 * test ran. New columns only ever come at the end. Numbers as
 * fmt_number(), empty for an empty number (null in JSON). JSON is
 * {"meta": {...}, "rows": [...]}, NDJSON the meta line then one row a
 * line, json-array the bare array of rows. The table is for people, in Thai
 * (thai = 1) or English: service code and name, metric label, adoption
 * date (the pooled row: how many services it pools), before, after and
 * change rounded (rates as percentages, their changes and intervals in
 * percentage points), change %, the interval in one cell, p (<0.001 below
 * that), sizes and test, then with --did the estimate, its interval, p
 * and note. Returns 0, or -1 when writing failed.
 */
int compare_write_opts(FILE *f, const struct compare_result *r,
		       const struct compare_out_options *o);

/*
 * compare_row_sentence() says what a row found in one short plain
 * sentence, in Thai (thai = 1) or English: the direction and size of the
 * change and its interval, both as sizes in the direction of the change,
 * e.g. "ลดลง 64 ชม. (ช่วงความเชื่อมั่น 95% 52–76)" or "down 64 h (95% CI
 * 52–76)" (" to " / " ถึง " between bounds when one of them is negative,
 * i.e. the interval includes no change). Rates in percentage points,
 * scores with two decimals. A skipped row says why ("not compared: ..."),
 * a row without an estimate says so. Returns a malloc'd string (free it),
 * or NULL when out of memory.
 */
char *compare_row_sentence(const struct compare_row *row, int thai);

/* compare_write() is compare_write_opts() with a header and no metadata. */
int compare_write(FILE *f, const struct compare_result *r, enum out_format fmt,
		  int thai);

#endif
