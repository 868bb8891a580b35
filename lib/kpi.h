/* The KPIs of SPEC section 4, computed in PostgreSQL. */
#ifndef DIDKPI_KPI_H
#define DIDKPI_KPI_H

#include <stddef.h>

#include "db.h"
#include "period.h"

/* The KPIs in the order of the SPEC section 4 table (the output order). */
enum kpi_id {
	KPI_REQUESTS,
	KPI_ACTIVE_USERS,
	KPI_ENROLMENTS,
	KPI_ENROLMENT_RATE,
	KPI_SATISFACTION_MEAN,
	KPI_SATISFACTION_CSAT,
	KPI_SERVICE_TIME_MEDIAN,
	KPI_SERVICE_TIME_P90,
	KPI_DIGITAL_CHANNEL_RATE,
	KPI_DIGITAL_ID_USE_RATE,
	KPI_REPEAT_USE_RATE,
	KPI_SINGLE_WINDOW_RATE,
	KPI_COMPLETION_RATE,
	KPI_AUTH_SUCCESS_RATE,
	KPI_IDENTIFICATION_SUCCESS_RATE,
	KPI_AUTH_LATENCY_MEDIAN,
	KPI_EDID_COVERAGE,
	KPI_STAFF_TRAINING_COVERAGE,
	KPI_COST_PER_TRANSACTION,
	KPI_DIGITAL_SAVINGS,
	KPI_COUNT
};

enum kpi_kind {
	KIND_COUNT,       /* value = numerator = the count */
	KIND_RATE,        /* numerator / denominator, a fraction */
	KIND_MEAN,        /* numerator = sum, denominator = responses */
	KIND_PERCENTILE,  /* a median or p90; denominator = the set's size */
	KIND_RATIO,       /* numerator / denominator, not a fraction (baht per
			   * transaction); empty when the numerator cannot be known */
	KIND_SUM          /* value = numerator = a sum of amounts (baht);
			   * denominator = the number of items summed */
};

enum breakdown { BD_ALL, BD_SERVICE, BD_UNIT, BD_CHANNEL, BD_METHOD, BD_COUNT };

/* How a value reads to people: the unit it is in. */
enum kpi_unit { UNIT_COUNT, UNIT_FRACTION, UNIT_SCORE, UNIT_HOURS, UNIT_MS, UNIT_BAHT };

struct kpi_def {
	const char *name;          /* machine name, e.g. "requests" */
	enum kpi_kind kind;
	enum kpi_unit unit;
	unsigned breakdowns;       /* 1 << BD_... the KPI has */
	int higher_is_better;      /* 1, or 0 when lower is better */
	const char *label_th, *label_en;
	const char *definition_th, *definition_en;
	const char *numerator_th, *numerator_en;
	const char *denominator_th, *denominator_en;
};

extern const struct kpi_def kpi_defs[KPI_COUNT];

/* kpi_find() returns the KPI called name, or -1. */
int kpi_find(const char *name);

/* breakdown_name() is "all", "service", "unit", "channel" or "method";
 * breakdown_find() the reverse, or -1. */
const char *breakdown_name(enum breakdown b);
int breakdown_find(const char *name);
const char *breakdown_label(enum breakdown b, int thai);

/* A value that may be empty (SQL NULL, "" in CSV, null in JSON). */
struct kpi_num {
	int set;
	double v;
};

struct kpi_row {
	size_t period;             /* index into kpi_result.periods */
	enum kpi_id kpi;
	enum breakdown bd;
	const char *key;           /* the breakdown key's code; NULL for all */
	const char *key_th, *key_en; /* its names (the code when it has none) */
	struct kpi_num value, numerator, denominator, target;
	int suppressed;
};

struct kpi_request {
	const struct period *periods;
	size_t nperiods;
	const char *tz;            /* time zone the periods are local to */
	unsigned kpis;             /* 1 << KPI_...; 0 means every KPI */
	enum breakdown by[BD_COUNT]; /* breakdowns to add to 'all', in order */
	int nby;
	long min_cell;             /* small-cell threshold; 0 turns it off */
	int raw;                   /* 1: never read the day rollups (--raw) */
	int jobs;                  /* 2: the families other than the requests'
				    * offered to a second connection in the
				    * same snapshot (lib/sibling.h); 0 or 1: one */
	struct kpi_share *share;   /* instead, the caller's pool (below) */
	const struct period *warn; /* warn of its unknown codes
				    * (check_period_warn()): on the second
				    * connection while this one computes when
				    * there is one, else here first; NULL: no */
};

struct kpi_result {
	struct period *periods;
	size_t nperiods;
	struct kpi_row *rows;
	size_t nrows;
	void *store;               /* the keys' strings; private */
};

/*
 * kpi_compute() computes the requested KPIs for every period, in the
 * current transaction of db (callers open the read-only snapshot), with
 * the full grid of breakdown keys and small cells suppressed. Rows come in
 * output order: period, KPI (SPEC order), all, then each breakdown of
 * req->by the KPI has, keys in byte order. The additive measures come
 * from the day rollups (sql/rollup.sql) where they are usable for the
 * periods (same zone, a table, complete), unless req->raw; the output is
 * the same either way. Returns DK_OK and *out (free
 * with kpi_result_free()), or the database's failure status.
 */
int kpi_compute(struct db *db, const struct kpi_request *req, struct kpi_result **out);

void kpi_result_free(struct kpi_result *r);

/*
 * A pool in which kpi_compute() offers the families other than the
 * requests' (authentication, satisfaction, enrolments, coverage, training,
 * cost) to another thread with its own connection in the same snapshot:
 * kpi_share_help(db2, sh) computes offered families on db2, the last
 * first, until kpi_share_close(); the computation takes the rest itself
 * from the first, once its own are done, and returns when every family is
 * computed. A helper that fails stops and returns its status, which the
 * computation returns too. The owner closes the pool before waiting for
 * the helper's thread, on every path, and frees it after.
 */
struct kpi_share;
struct kpi_share *kpi_share_new(void);
int kpi_share_help(struct db *db, struct kpi_share *sh);
void kpi_share_close(struct kpi_share *sh);
void kpi_share_free(struct kpi_share *sh);

/*
 * kpi_today() sets *today to the current local date in tz, read from the
 * database (so it agrees with the snapshot). Returns DK_OK or a status.
 */
int kpi_today(struct db *db, const char *tz, struct civil_date *today);

#endif
