/* The series and markers of didkpi chart, read with sql/chart.sql and the KPI engine. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "chartdata.h"
#include "log.h"
#include "status.h"
#include "suggest.h"

static char *xstrdup(const char *s)
{
	return strdup(s ? s : "");
}

char *chartdata_text_array(const char *const *codes, size_t n, int *oom)
{
	size_t len = 3, i;
	const char *c;
	char *s, *w;

	*oom = 0;
	if (n == 0)
		return NULL;
	for (i = 0; i < n; i++)
		len += 2 * strlen(codes[i]) + 3;
	if (!(s = malloc(len))) {
		*oom = 1;
		return NULL;
	}
	w = s;
	*w++ = '{';
	for (i = 0; i < n; i++) {
		if (i)
			*w++ = ',';
		*w++ = '"';
		for (c = codes[i]; *c; c++) {
			if (*c == '"' || *c == '\\')
				*w++ = '\\';
			*w++ = *c;
		}
		*w++ = '"';
	}
	*w++ = '}';
	*w = '\0';
	return s;
}

/* "{2025-03-01,2025-04-01}": the months' first (ends 0) or end dates. */
static char *date_array(const struct period *p, size_t n, int ends)
{
	char *s = malloc(n * DATE_ISO_LEN + 3), *w;
	size_t i;

	if (!s)
		return NULL;
	w = s;
	*w++ = '{';
	for (i = 0; i < n; i++) {
		if (i)
			*w++ = ',';
		date_format_iso(ends ? p[i].end : p[i].start, w);
		w += strlen(w);
	}
	*w++ = '}';
	*w = '\0';
	return s;
}

void chartdata_free(struct chartdata *d)
{
	size_t j;

	if (!d)
		return;
	for (j = 0; j < d->nseries; j++) {
		free(d->series[j].code);
		free(d->series[j].name_th);
		free(d->series[j].name_en);
		free(d->series[j].values);
	}
	free(d->series);
	free(d->target);
	free(d);
}

/* A chartdata of nseries series of nmonths values, all NAN. */
static struct chartdata *chartdata_new(size_t nmonths, size_t nseries)
{
	struct chartdata *d = calloc(1, sizeof(*d));
	size_t j, i;

	if (!d)
		return NULL;
	d->nmonths = nmonths;
	d->series = calloc(nseries ? nseries : 1, sizeof(*d->series));
	if (!d->series)
		goto oom;
	for (j = 0; j < nseries; j++) {
		d->series[j].values = malloc((nmonths ? nmonths : 1) * sizeof(double));
		if (!d->series[j].values)
			goto oom;
		d->nseries++;
		for (i = 0; i < nmonths; i++)
			d->series[j].values[i] = NAN;
	}
	return d;
oom:
	chartdata_free(d);
	return NULL;
}

int chartdata_trend(struct db *db, const struct chartdata_query *q,
		    enum kpi_id kpi, long min_cell, struct chartdata **out)
{
	struct kpi_request req = {
		.periods = q->months, .nperiods = q->nmonths, .tz = q->tz,
		.kpis = 1u << kpi, .min_cell = min_cell
	};
	struct kpi_result *res = NULL;
	struct chartdata *d = NULL;
	size_t r, j;
	int st;

	*out = NULL;
	if (q->nservices > 0) {
		req.by[0] = BD_SERVICE;
		req.nby = 1;
	}
	if ((st = kpi_compute(db, &req, &res)))
		return st;
	d = chartdata_new(q->nmonths, 1 + q->nservices);
	if (!d || !(d->target = malloc((q->nmonths ? q->nmonths : 1) * sizeof(double))))
		goto oom;
	for (r = 0; r < q->nmonths; r++)
		d->target[r] = NAN;
	for (j = 0; j < q->nservices; j++) {
		if (!(d->series[1 + j].code = strdup(q->services[j])))
			goto oom;
	}
	for (r = 0; r < res->nrows; r++) {
		const struct kpi_row *row = &res->rows[r];
		struct chartdata_series *s = NULL;

		if (row->kpi != kpi || row->period >= q->nmonths)
			continue;
		if (row->bd == BD_ALL) {
			s = &d->series[0];
			if (row->target.set)
				d->target[row->period] = row->target.v;
		} else if (row->bd == BD_SERVICE && row->key) {
			for (j = 0; j < q->nservices && !s; j++)
				if (!strcmp(row->key, q->services[j]))
					s = &d->series[1 + j];
		}
		if (!s)
			continue;
		if (!s->name_th && row->bd != BD_ALL &&
		    (!(s->name_th = xstrdup(row->key_th)) ||
		     !(s->name_en = xstrdup(row->key_en))))
			goto oom;
		if (row->value.set)
			s->values[row->period] = row->value.v;
	}
	/* A service with no row (not in the grid) still needs a name. */
	for (j = 1; j < d->nseries; j++) {
		if (!d->series[j].name_th &&
		    (!(d->series[j].name_th = xstrdup(d->series[j].code)) ||
		     !(d->series[j].name_en = xstrdup(d->series[j].code))))
			goto oom;
	}
	kpi_result_free(res);
	*out = d;
	return DK_OK;
oom:
	log_error("out of memory");
	kpi_result_free(res);
	chartdata_free(d);
	return DK_SOFTWARE;
}

/*
 * Reads a full grid (i, code, name_th, name_en, flag, n) in series order,
 * each series' months consecutive, into a chartdata.
 */
static int mix_query(struct db *db, const char *key, const struct chartdata_query *q,
		     struct chartdata **out)
{
	char *starts = NULL, *ends = NULL, *codes = NULL;
	const char *params[4];
	struct chartdata *d = NULL;
	PGresult *res = NULL;
	size_t nseries, j;
	int st, r, oom;
	long i;

	*out = NULL;
	starts = date_array(q->months, q->nmonths, 0);
	ends = date_array(q->months, q->nmonths, 1);
	codes = chartdata_text_array(q->services, q->nservices, &oom);
	if (!starts || !ends || oom) {
		st = DK_SOFTWARE;
		log_error("out of memory");
		goto out;
	}
	params[0] = starts;
	params[1] = ends;
	params[2] = q->tz;
	params[3] = codes;
	if ((st = db_query(db, key, 4, params, &res)))
		goto out;
	nseries = q->nmonths ? (size_t)PQntuples(res) / q->nmonths : 0;
	if (!(d = chartdata_new(q->nmonths, nseries)))
		goto oom;
	for (r = 0; r < PQntuples(res) && q->nmonths > 0; r++) {
		struct chartdata_series *s;
		const char *n = db_get(res, r, 5);

		j = (size_t)r / q->nmonths;
		i = strtol(PQgetvalue(res, r, 0), NULL, 10) - 1;
		if (j >= nseries || i < 0 || (size_t)i >= q->nmonths)
			continue;
		s = &d->series[j];
		if (!s->code) {
			if (!(s->code = xstrdup(db_get(res, r, 1))) ||
			    !(s->name_th = xstrdup(db_get(res, r, 2))) ||
			    !(s->name_en = xstrdup(db_get(res, r, 3))))
				goto oom;
			s->digital = !strcmp(PQgetvalue(res, r, 4), "t");
			s->total = 0;
		}
		s->values[i] = n ? strtod(n, NULL) : 0;
		s->total += s->values[i];
		d->total += s->values[i];
	}
	*out = d;
	d = NULL;
	st = DK_OK;
	goto out;
oom:
	log_error("out of memory");
	st = DK_SOFTWARE;
out:
	PQclear(res);
	chartdata_free(d);
	free(starts);
	free(ends);
	free(codes);
	return st;
}

int chartdata_methods(struct db *db, const struct chartdata_query *q,
		      struct chartdata **out)
{
	return mix_query(db, "chart.sql#methods", q, out);
}

int chartdata_channels(struct db *db, const struct chartdata_query *q,
		       struct chartdata **out)
{
	return mix_query(db, "chart.sql#channels", q, out);
}

void chartdata_services_free(struct chartdata_services *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->n; i++) {
		free(s->v[i].code);
		free(s->v[i].name_th);
		free(s->v[i].name_en);
	}
	free(s->v);
	free(s);
}

/*
 * Reads rows of (code, name_th, name_en, since) into a chartdata_services;
 * with check, a fifth column 'known' false marks an unknown code.
 */
static int services_read(struct db *db, PGresult *res, int check,
			 struct chartdata_services **out)
{
	struct chartdata_services *s = calloc(1, sizeof(*s));
	int r, n = PQntuples(res);

	*out = NULL;
	if (!s || !(s->v = calloc(n ? (size_t)n : 1, sizeof(*s->v))))
		goto oom;
	for (r = 0; r < n; r++) {
		struct chartdata_service *v = &s->v[s->n];
		const char *since = db_get(res, r, 3);

		if (check && strcmp(PQgetvalue(res, r, 4), "t")) {
			char hint[SUGGEST_HINT_MAX];

			log_error("unknown service '%s'%s", PQgetvalue(res, r, 0),
				  suggest_query(db, "complete.sql#services", PQgetvalue(res, r, 0),
						hint, sizeof(hint)));
			log_hint("the codes are in the service_code column of didkpi.services");
			chartdata_services_free(s);
			return DK_USAGE;
		}
		s->n++;
		if (!(v->code = xstrdup(db_get(res, r, 0))) ||
		    !(v->name_th = xstrdup(db_get(res, r, 1))) ||
		    !(v->name_en = xstrdup(db_get(res, r, 2))))
			goto oom;
		v->has_since = since && date_parse_iso(since, &v->since) == 0;
	}
	*out = s;
	return DK_OK;
oom:
	log_error("out of memory");
	chartdata_services_free(s);
	return DK_SOFTWARE;
}

int chartdata_markers(struct db *db, struct civil_date start,
		      struct civil_date end, const char *const *services,
		      size_t nservices, struct chartdata_services **out)
{
	char a[DATE_ISO_LEN], b[DATE_ISO_LEN], *codes;
	const char *params[3] = { a, b, NULL };
	PGresult *res = NULL;
	int st, oom;

	*out = NULL;
	date_format_iso(start, a);
	date_format_iso(end, b);
	codes = chartdata_text_array(services, nservices, &oom);
	if (oom) {
		log_error("out of memory");
		return DK_SOFTWARE;
	}
	params[2] = codes;
	st = db_query(db, "chart.sql#markers", 3, params, &res);
	free(codes);
	if (st)
		return st;
	st = services_read(NULL, res, 0, out);
	PQclear(res);
	return st;
}

int chartdata_services(struct db *db, const char *const *codes, size_t n,
		       struct chartdata_services **out)
{
	const char *params[1];
	PGresult *res = NULL;
	char *arr;
	int st, oom;

	*out = NULL;
	if (n == 0 && (*out = calloc(1, sizeof(**out))))
		return DK_OK;
	if (n == 0 || !(arr = chartdata_text_array(codes, n, &oom))) {
		log_error("out of memory");
		return DK_SOFTWARE;
	}
	params[0] = arr;
	st = db_query(db, "chart.sql#services", 1, params, &res);
	free(arr);
	if (st)
		return st;
	st = services_read(db, res, 1, out);
	PQclear(res);
	return st;
}
