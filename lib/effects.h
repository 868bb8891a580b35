/* Staggered adoption: group-time average effects ATT(g,t) in the manner of
 * Callaway & Sant'Anna (2021), their aggregations and a multiplier
 * bootstrap over services (issue 11, part 2; man didkpi-effects). */
#ifndef DIDKPI_EFFECTS_H
#define DIDKPI_EFFECTS_H

#include <limits.h>
#include <stdint.h>

struct db;

/* The outcomes: rates and means of each service's monthly series. */
enum effects_outcome {
	EFF_REQUESTS_LOG,         /* ln(requests submitted in the month) */
	EFF_DIGITAL_CHANNEL_RATE, /* digital-channel requests / requests */
	EFF_COMPLETION_RATE,      /* completed (now) / requests submitted */
	EFF_SERVICE_TIME_MEDIAN,  /* median hours, completed with closed_at in the month */
	EFF_SERVICE_TIME_MEAN,    /* mean hours, same requests */
	EFF_SATISFACTION_MEAN,    /* mean score of the month's answers */
	EFF_OUTCOME_COUNT
};

struct effects_outcome_def {
	const char *name;     /* machine name, e.g. "digital_channel_rate" */
	const char *label_th;
	const char *label_en;
	int fraction;         /* 1: a rate 0..1 (charts show percentages) */
	int hours;            /* 1: hours */
};
extern const struct effects_outcome_def effects_outcomes[EFF_OUTCOME_COUNT];

/* effects_outcome_find() maps a machine name to its enum, or -1. */
int effects_outcome_find(const char *name);

/* A cohort value for services that are never treated inside the panel. */
#define EFF_NEVER INT_MAX

/*
 * One outcome's panel: nservices x nmonths values y[i * nmonths + t]
 * (NAN = missing), and per service its cohort: the index of the month it
 * adopted Digital ID in (that month is event time 0), EFF_NEVER when it
 * did not adopt before the panel ends, negative when it adopted before
 * the panel began (such services are neither treated nor comparisons).
 * Cohort 0 (adopted in the first month) has no month before it and is
 * left out the same way.
 */
struct effects_panel {
	int nservices, nmonths;
	const int *cohort;
	const double *y;
};

enum effects_control { EFF_CONTROL_NOTYET, EFF_CONTROL_NEVER };
enum effects_base { EFF_BASE_VARYING, EFF_BASE_UNIVERSAL };
enum effects_weights { EFF_WEIGHTS_MAMMEN, EFF_WEIGHTS_RADEMACHER };
enum effects_band { EFF_BAND_POINTWISE, EFF_BAND_SIMULTANEOUS };

struct effects_options {
	enum effects_control control;
	enum effects_base base;
	enum effects_weights weights;
	enum effects_band band;  /* of the event study's intervals */
	int leads, lags;         /* event times -leads .. +lags */
	int boot;                /* bootstrap replicates B (>= 2) */
	uint64_t seed;
	double level;            /* of the intervals, e.g. 0.95 */
};

/* Defaults: not yet treated, varying base, Mammen, pointwise, -12..12,
 * B = 999, seed 20250101, 95 %. */
#define EFFECTS_OPTIONS_DEFAULT { EFF_CONTROL_NOTYET, EFF_BASE_VARYING, \
	EFF_WEIGHTS_MAMMEN, EFF_BAND_POINTWISE, 12, 12, 999, 20250101u, 0.95 }

enum effects_agg {
	EFF_AGG_OVERALL,  /* simple: post (g,t) weighted by cohort size */
	EFF_AGG_DYNAMIC,  /* mean of the event study over e = 0 .. lags */
	EFF_AGG_EVENT,    /* event study at e */
	EFF_AGG_PRETREND, /* joint test that the pre-adoption event effects are 0 */
	EFF_AGG_COHORT,   /* mean of ATT(g,t) over t >= g, per cohort g */
	EFF_AGG_GT,       /* ATT(g,t) itself */
	EFF_AGG_COUNT
};
extern const char *const effects_agg_names[EFF_AGG_COUNT];

/*
 * One estimate. e is t - g for EFF_AGG_GT and EFF_AGG_EVENT; g and t are
 * month indexes (-1 when they do not apply). estimate, se, ci_low,
 * ci_high and p_value are NAN when they do not apply (the pretrend row
 * has a p-value only; se is NAN when every bootstrap deviation is 0).
 * n_treated: treated services that entered it; n_control: distinct
 * comparison services.
 */
struct effects_row {
	enum effects_agg agg;
	int e, g, t;
	double estimate, se, ci_low, ci_high, p_value;
	int n_treated, n_control;
};

struct effects_result {
	struct effects_row *rows; /* overall, dynamic, event (by e), pretrend,
				     cohort (by g), gt (by g, t) */
	int nrows;
	int treated_services;     /* services in cohorts 1 .. nmonths-1 */
	int cohorts;
	int never_services;       /* cohort EFF_NEVER */
	double crit;              /* critical value of the event-study band */
	int reliable;             /* 0: too few services for the inference */
};

/*
 * effects_estimate() computes ATT(g,t) for every cohort g and month t that
 * has treated and comparison services with values at t and at the base
 * month, and the aggregations, with standard errors from opt->boot
 * replicates of a multiplier bootstrap that draws one weight per service
 * (clustered by service) from opt->seed. Returns DK_OK and *out (free
 * with effects_result_free), or DK_SOFTWARE when out of memory.
 */
int effects_estimate(const struct effects_panel *p, const struct effects_options *opt,
		     struct effects_result **out);
void effects_result_free(struct effects_result *r);

/* effects_reliable() applies the rule for "too few services": at least
 * 10 treated services in at least 2 cohorts, and with never-treated
 * comparisons at least 5 of them. why (when not NULL) receives a reason. */
int effects_reliable(int treated, int cohorts, int never, enum effects_control control,
		     char *why, size_t len);

/*
 * The data from the database: the e-services, the panel's months and
 * every outcome's values.
 */
struct effects_data {
	int nservices, nmonths;
	char **codes, **names_th, **names_en; /* per service */
	char **since;             /* ISO adoption dates, NULL = never */
	int *cohort;              /* as struct effects_panel */
	char (*months)[16];       /* "YYYY-MM" per month */
	double *y[EFF_OUTCOME_COUNT];
	char first_day[11], last_day[11]; /* the data's first and last days */
};

/*
 * effects_load() reads the monthly series in time zone tz (one snapshot is
 * the caller's): the panel is the calendar months wholly between the first
 * and the last day with a request. Returns DK_OK and *out (free with
 * effects_data_free), DK_DATAERR after a message when there are not two
 * whole months of data, or db_query()'s errors.
 */
int effects_load(struct db *db, const char *tz, struct effects_data **out);
void effects_data_free(struct effects_data *d);

/* effects_panel_of() fills p with outcome o of d (borrowing d's arrays). */
void effects_panel_of(const struct effects_data *d, enum effects_outcome o,
		      struct effects_panel *p);

#endif
