/* The data behind didkpi chart (SPEC section 6), gathered in PostgreSQL. */
#ifndef DIDKPI_CHARTDATA_H
#define DIDKPI_CHARTDATA_H

#include <stddef.h>

#include "db.h"
#include "kpi.h"
#include "period.h"

/*
 * This module turns the database into monthly series and markers; it
 * knows nothing about drawing (that is chart.h) and nothing about the
 * command line. Every function runs in the caller's transaction (the
 * read-only snapshot of cmd_open()) and uses aggregate queries only.
 */

/* What every monthly series is computed over. */
struct chartdata_query {
	const struct period *months;  /* consecutive months (period_split) */
	size_t nmonths;
	const char *tz;               /* the time zone the dates are local to */
	const char *const *services;  /* service codes to keep; NULL or */
	size_t nservices;             /* nservices 0 = the whole department */
};

struct chartdata_series {
	char *code;      /* service, method or channel code; NULL for the
			    department total of a trend */
	char *name_th, *name_en;
	int digital;     /* methods: a Digital ID method; channels: a
			    digital channel; trend: 0 */
	double *values;  /* nmonths values; NAN = none (an empty rate, a
			    suppressed small cell) */
	double total;    /* stacked kinds: the count over all months */
};

struct chartdata {
	size_t nmonths;
	struct chartdata_series *series;
	size_t nseries;
	double *target;  /* trend: the target in force in each month, NAN
			    where none applies; NULL for the other kinds */
	double total;    /* stacked kinds: events or requests counted */
};

/*
 * chartdata_trend() computes KPI kpi for each month with kpi_compute():
 * series 0 is the department total ("all"), then, when q->nservices > 0,
 * one series per service of q->services in that order (the --by service
 * rows; small cells below min_cell are NAN, as kpi suppresses them).
 * The services must exist (see chartdata_services()). For a count, a
 * month's value is the count; for the rest, the KPI's value.
 * Returns DK_OK and *out (free with chartdata_free()), or a status.
 */
int chartdata_trend(struct db *db, const struct chartdata_query *q,
		    enum kpi_id kpi, long min_cell, struct chartdata **out);

/*
 * chartdata_methods() counts successful authentication-step events (the
 * log-ins; identity proofing is a one-off and not a method choice) by
 * method and month: one series per row of auth_methods, Digital ID
 * methods first (ThaiD first of them), then by total, largest first.
 * chartdata_channels() counts service requests submitted, by channel and
 * month: one series per row of channels, the non-digital ones first.
 * With services, only the rows of those services count.
 * Returns DK_OK and *out (free with chartdata_free()), or a status.
 */
int chartdata_methods(struct db *db, const struct chartdata_query *q,
		      struct chartdata **out);
int chartdata_channels(struct db *db, const struct chartdata_query *q,
		       struct chartdata **out);

void chartdata_free(struct chartdata *d);

/* A service that began accepting Digital ID (services.digital_id_since). */
struct chartdata_service {
	char *code;
	char *name_th, *name_en;
	int has_since;
	struct civil_date since;
};

struct chartdata_services {
	struct chartdata_service *v;
	size_t n;
};

/*
 * chartdata_markers() lists the services whose digital_id_since lies in
 * [start, end), by date then code; only those of services[0..nservices)
 * when nservices > 0. Returns DK_OK and *out (free with
 * chartdata_services_free()), or a status.
 */
int chartdata_markers(struct db *db, struct civil_date start,
		      struct civil_date end, const char *const *services,
		      size_t nservices, struct chartdata_services **out);

/*
 * chartdata_services() looks up the services named by codes, in that
 * order. An unknown code is reported by log_error ("unknown service
 * 'x'") and gives DK_USAGE. Returns DK_OK and *out (free with
 * chartdata_services_free()), or a status.
 */
int chartdata_services(struct db *db, const char *const *codes, size_t n,
		       struct chartdata_services **out);

void chartdata_services_free(struct chartdata_services *s);

/*
 * chartdata_text_array() returns codes as a PostgreSQL text[] literal
 * ("{"a","b"}", every element quoted and escaped) for a query parameter,
 * or NULL when n is 0 (SQL NULL: no filter) and *oom set to 0; when
 * memory runs out, NULL with *oom set to 1. Free with free().
 */
char *chartdata_text_array(const char *const *codes, size_t n, int *oom);

#endif
