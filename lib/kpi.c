/* The KPIs of SPEC section 4, computed in PostgreSQL (sql/kpi.sql). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kpi.h"
#include "log.h"
#include "status.h"
#include "suppress.h"

/* The queries of sql/kpi.sql: each computes a family of KPIs. */
enum family {
	FAM_REQUESTS, FAM_TIME, FAM_SATISFACTION, FAM_AUTH, FAM_ENROLMENTS,
	FAM_COVERAGE, FAM_TRAINING, FAM_COST, FAM_COUNT
};

#define FIELDS_MAX 9

static const struct {
	const char *key;   /* sql/kpi.sql section */
	int nfields;       /* columns after (i, key) */
} families[FAM_COUNT] = {
	[FAM_REQUESTS] = { "kpi.sql#requests", 9 },
	[FAM_TIME] = { "kpi.sql#service_time", 3 },
	[FAM_SATISFACTION] = { "kpi.sql#satisfaction", 3 },
	[FAM_AUTH] = { "kpi.sql#auth", 6 },
	[FAM_ENROLMENTS] = { "kpi.sql#enrolments", 1 },
	[FAM_COVERAGE] = { "kpi.sql#coverage", 2 },
	[FAM_TRAINING] = { "kpi.sql#training", 2 },
	[FAM_COST] = { "kpi.sql#cost", 4 },
};

/* The rollups of sql/schema/005_rollups.sql, in the order rollup.sql#check
 * reports them. */
enum rollup { RU_REQUESTS, RU_AUTH, RU_SATISFACTION, RU_COUNT, RU_NONE = -1 };

static const char *const rollup_names[RU_COUNT] = { "service_requests", "auth_events",
						    "satisfaction" };

/* A query that fills some fields of a family: column 2 + c goes to map[c]. */
struct part {
	const char *key;
	int ncols;
	int map[FIELDS_MAX];
};

/* Column positions within each family's fields. */
enum { RQ_N, RQ_ACTIVE, RQ_ENROLLED, RQ_DIGITAL, RQ_DIGITAL_ID, RQ_REPEAT, RQ_DIGITAL_USERS,
       RQ_SINGLE, RQ_COMPLETED };
enum { TM_N, TM_MEDIAN, TM_P90 };
enum { SA_N, SA_SUM, SA_SATISFIED };
enum { AU_N, AU_OK, ID_N, ID_OK, LAT_N, LAT_MEDIAN };
enum { CV_DEN, CV_NUM };
enum { CO_N, CO_COST, CO_DIGITAL, CO_SAVED };

#define PARTS_MAX 2

/* Each family read from a rollup: the rollup, and the queries that fill its
 * fields (the additive ones from the rollup, the others from the raw logs). */
static const struct {
	enum rollup ru;
	struct part parts[PARTS_MAX];
} rollup_source[FAM_COUNT] = {
	[FAM_REQUESTS] = { RU_REQUESTS, {
		{ "rollup.sql#requests", 5,
		  { RQ_N, RQ_DIGITAL, RQ_DIGITAL_ID, RQ_SINGLE, RQ_COMPLETED } },
		{ "rollup.sql#request_users", 4,
		  { RQ_ACTIVE, RQ_ENROLLED, RQ_REPEAT, RQ_DIGITAL_USERS } } } },
	[FAM_TIME] = { RU_NONE, { { NULL, 0, { 0 } } } },
	[FAM_SATISFACTION] = { RU_SATISFACTION, {
		{ "rollup.sql#satisfaction", 3, { SA_N, SA_SUM, SA_SATISFIED } } } },
	[FAM_AUTH] = { RU_AUTH, {
		{ "rollup.sql#auth", 5, { AU_N, AU_OK, ID_N, ID_OK, LAT_N } },
		{ "rollup.sql#auth_latency", 1, { LAT_MEDIAN } } } },
	[FAM_ENROLMENTS] = { RU_NONE, { { NULL, 0, { 0 } } } },
	[FAM_COVERAGE] = { RU_NONE, { { NULL, 0, { 0 } } } },
	[FAM_TRAINING] = { RU_NONE, { { NULL, 0, { 0 } } } },
	/* the rollups count completions by submission day, costs go by the
	 * closing day: from the raw logs, through the closed_at index */
	[FAM_COST] = { RU_NONE, { { NULL, 0, { 0 } } } },
};

/* How each KPI is read from its family: kind of value, and which fields. */
static const struct {
	enum family fam;
	int num, den;      /* field indexes; -1 when not used */
} kpi_source[KPI_COUNT] = {
	[KPI_REQUESTS] = { FAM_REQUESTS, RQ_N, -1 },
	[KPI_ACTIVE_USERS] = { FAM_REQUESTS, RQ_ACTIVE, -1 },
	[KPI_ENROLMENTS] = { FAM_ENROLMENTS, 0, -1 },
	[KPI_ENROLMENT_RATE] = { FAM_REQUESTS, RQ_ENROLLED, RQ_ACTIVE },
	[KPI_SATISFACTION_MEAN] = { FAM_SATISFACTION, SA_SUM, SA_N },
	[KPI_SATISFACTION_CSAT] = { FAM_SATISFACTION, SA_SATISFIED, SA_N },
	[KPI_SERVICE_TIME_MEDIAN] = { FAM_TIME, TM_MEDIAN, TM_N },
	[KPI_SERVICE_TIME_P90] = { FAM_TIME, TM_P90, TM_N },
	[KPI_DIGITAL_CHANNEL_RATE] = { FAM_REQUESTS, RQ_DIGITAL, RQ_N },
	[KPI_DIGITAL_ID_USE_RATE] = { FAM_REQUESTS, RQ_DIGITAL_ID, RQ_DIGITAL },
	[KPI_REPEAT_USE_RATE] = { FAM_REQUESTS, RQ_REPEAT, RQ_DIGITAL_USERS },
	[KPI_SINGLE_WINDOW_RATE] = { FAM_REQUESTS, RQ_SINGLE, RQ_N },
	[KPI_COMPLETION_RATE] = { FAM_REQUESTS, RQ_COMPLETED, RQ_N },
	[KPI_AUTH_SUCCESS_RATE] = { FAM_AUTH, AU_OK, AU_N },
	[KPI_IDENTIFICATION_SUCCESS_RATE] = { FAM_AUTH, ID_OK, ID_N },
	[KPI_AUTH_LATENCY_MEDIAN] = { FAM_AUTH, LAT_MEDIAN, LAT_N },
	[KPI_EDID_COVERAGE] = { FAM_COVERAGE, CV_NUM, CV_DEN },
	[KPI_STAFF_TRAINING_COVERAGE] = { FAM_TRAINING, CV_NUM, CV_DEN },
	[KPI_COST_PER_TRANSACTION] = { FAM_COST, CO_COST, CO_N },
	[KPI_DIGITAL_SAVINGS] = { FAM_COST, CO_SAVED, CO_DIGITAL },
};

/* The keys of one breakdown, sorted in byte order, with their names. */
struct grid {
	int n;
	char **code, **th, **en;
};

/* One family's results for one breakdown: [period][key][field]. */
struct agg {
	int done;
	unsigned need;     /* 1 << field the wanted KPIs read */
	double *v;         /* NAN where the query returned NULL or no row */
};

struct store {
	struct grid grids[BD_COUNT];
	struct grid staff_units;
};

static const char *const grid_sql[BD_COUNT] = {
	NULL, "kpi.sql#keys_service", "kpi.sql#keys_unit", "kpi.sql#keys_channel",
	"kpi.sql#keys_method"
};

static void grid_free(struct grid *g)
{
	for (int i = 0; i < g->n; i++) {
		free(g->code[i]);
		free(g->th[i]);
		free(g->en[i]);
	}
	free(g->code);
	free(g->th);
	free(g->en);
	memset(g, 0, sizeof(*g));
}

static int grid_load(struct db *db, const char *key, struct grid *g)
{
	PGresult *res;
	int st, i, n;

	if ((st = db_query(db, key, 0, NULL, &res)))
		return st;
	n = PQntuples(res);
	g->code = calloc(n + 1, sizeof(char *));
	g->th = calloc(n + 1, sizeof(char *));
	g->en = calloc(n + 1, sizeof(char *));
	if (!g->code || !g->th || !g->en)
		goto oom;
	for (i = 0; i < n; i++, g->n++) {
		g->code[i] = strdup(PQgetvalue(res, i, 0));
		g->th[i] = strdup(PQgetvalue(res, i, 1));
		g->en[i] = strdup(PQgetvalue(res, i, 2));
		if (!g->code[i] || !g->th[i] || !g->en[i]) {
			g->n++;
			goto oom;
		}
	}
	PQclear(res);
	return DK_OK;
oom:
	PQclear(res);
	log_error("out of memory");
	return DK_SOFTWARE;
}

/* The key's index in g (sorted by strcmp), or -1. */
static int grid_find(const struct grid *g, const char *code)
{
	int lo = 0, hi = g->n - 1, mid, c;

	while (lo <= hi) {
		mid = (lo + hi) / 2;
		c = strcmp(code, g->code[mid]);
		if (c == 0)
			return mid;
		if (c < 0)
			hi = mid - 1;
		else
			lo = mid + 1;
	}
	return -1;
}

/* The grid a KPI's breakdown uses: 'all' is one key. */
static const struct grid *grid_for(const struct store *s, enum kpi_id k, enum breakdown b)
{
	static const struct grid all = { 1, NULL, NULL, NULL };

	if (b == BD_ALL)
		return &all;
	if (k == KPI_STAFF_TRAINING_COVERAGE && b == BD_UNIT)
		return &s->staff_units;
	return &s->grids[b];
}

/* "{2025-03-01,2025-04-01}": the periods' dates as a date[] literal. */
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

/* Runs one query of family f for breakdown b into a: its column 2 + c
 * goes to field map[c]. */
static int run_part(struct db *db, const struct kpi_request *req, const char *const *dates,
		    const char *key, int ncols, const int *map, enum family f, enum breakdown b,
		    const struct grid *g, struct agg *a)
{
	const char *params[4] = { dates[0], dates[1], req->tz, breakdown_name(b) };
	int nf = families[f].nfields, st, r, c, j;
	PGresult *res;
	size_t i;
	long pi;

	if ((st = db_query(db, key, 4, params, &res)))
		return st;
	for (r = 0; r < PQntuples(res); r++) {
		const char *k = db_get(res, r, 1);

		pi = strtol(PQgetvalue(res, r, 0), NULL, 10) - 1;
		j = b == BD_ALL ? 0 : (k ? grid_find(g, k) : -1);
		/* A key outside the grid cannot happen in one snapshot, unless a
		 * site's view breaks the contract: such a row is left out. */
		if (pi < 0 || (size_t)pi >= req->nperiods || j < 0)
			continue;
		i = (size_t)pi * g->n + j;
		for (c = 0; c < ncols; c++) {
			const char *v = db_get(res, r, 2 + c);

			a->v[i * nf + map[c]] = v ? strtod(v, NULL) : NAN;
		}
	}
	PQclear(res);
	return DK_OK;
}

/* Computes family f for breakdown b: from its rollup when use_rollup, and
 * then only the parts whose fields a wanted KPI reads; else from the raw
 * logs (sql/kpi.sql). */
static int run_family(struct db *db, const struct kpi_request *req, const char *const *dates,
		      enum family f, enum breakdown b, const struct grid *g, struct agg *a,
		      int use_rollup)
{
	static const int identity[FIELDS_MAX] = { 0, 1, 2, 3, 4, 5, 6, 7, 8 };
	int nf = families[f].nfields, st, n, c;
	size_t cells = req->nperiods * g->n, i;
	unsigned fields;

	a->v = malloc(cells * nf * sizeof(double));
	if (!a->v) {
		log_error("out of memory");
		return DK_SOFTWARE;
	}
	for (i = 0; i < cells * nf; i++)
		a->v[i] = NAN;
	if (!use_rollup) {
		if ((st = run_part(db, req, dates, families[f].key, nf, identity, f, b, g, a)))
			return st;
	} else {
		for (n = 0; n < PARTS_MAX && rollup_source[f].parts[n].key; n++) {
			const struct part *pt = &rollup_source[f].parts[n];

			for (fields = 0, c = 0; c < pt->ncols; c++)
				fields |= 1u << pt->map[c];
			if (!(fields & a->need))
				continue;
			if ((st = run_part(db, req, dates, pt->key, pt->ncols, pt->map, f, b, g, a)))
				return st;
		}
	}
	a->done = 1;
	return DK_OK;
}

/* Which rollups may be used for the periods (rollup.sql#check); a rollup
 * that may be behind the raw data is reported and not used. */
static int rollups_usable(struct db *db, const struct kpi_request *req, int usable[RU_COUNT])
{
	const char *params[1] = { req->tz };
	PGresult *res;
	int st, r;

	if ((st = db_query(db, "rollup.sql#check", 1, params, &res)))
		return st;
	for (r = 0; r < RU_COUNT; r++) {
		const char *v = PQgetvalue(res, 0, r);

		usable[r] = !strcmp(v, "ok");
		if (!strcmp(v, "behind") || !strcmp(v, "triggers")) {
			log_warning("the rollup of %s is %s; computing from the raw logs",
				 rollup_names[r], !strcmp(v, "behind") ? "stale (its triggers were "
				 "disabled since the last full refresh)"
				 : "not maintained (a rollup trigger is missing or not ENABLE ALWAYS)");
			log_hint("enable the rollup triggers (ALTER TABLE didkpi.%s ENABLE ALWAYS "
				 "TRIGGER ...), then run 'didkpi refresh'", rollup_names[r]);
		} else if (!usable[r])
			log_info("no rollup for %s (%s); computing from the raw logs",
				 rollup_names[r], !strcmp(v, "zone") ? "periods in another time zone"
				 : "not a table");
	}
	PQclear(res);
	return DK_OK;
}

/* A field of a cell: counts are 0 where the query had no row. */
static double field(const struct agg *a, int nf, size_t cell, int fieldno, int is_count)
{
	double v = a->v[cell * nf + fieldno];

	if (isnan(v) && is_count)
		return 0;
	return v;
}

static void set(struct kpi_num *n, double v)
{
	n->set = 1;
	n->v = v;
}

/* Fill value, numerator and denominator of one row (SPEC "Row contents"). */
static void fill_row(struct kpi_row *row, const struct agg *a, enum family f, size_t cell)
{
	const struct kpi_def *d = &kpi_defs[row->kpi];
	int nf = families[f].nfields, num = kpi_source[row->kpi].num,
	    den = kpi_source[row->kpi].den;
	double n, m;

	switch (d->kind) {
	case KIND_COUNT:
		n = field(a, nf, cell, num, 1);
		set(&row->value, n);
		set(&row->numerator, n);
		break;
	case KIND_RATE:
	case KIND_MEAN:
		n = field(a, nf, cell, num, 1);
		m = field(a, nf, cell, den, 1);
		set(&row->numerator, n);
		set(&row->denominator, m);
		if (m > 0)
			set(&row->value, n / m);
		break;
	case KIND_PERCENTILE:
		m = field(a, nf, cell, den, 1);
		set(&row->denominator, m);
		n = field(a, nf, cell, num, 0);
		if (m > 0 && !isnan(n))
			set(&row->value, n);
		break;
	case KIND_RATIO:
	case KIND_SUM:
		/* An empty set sums to 0; a set with an item of unknown cost
		 * has no sum (NULL from kpi.sql#cost): value left empty. */
		m = field(a, nf, cell, den, 1);
		n = m > 0 ? field(a, nf, cell, num, 0) : 0;
		set(&row->denominator, m);
		if (isnan(n))
			break;
		set(&row->numerator, n);
		if (d->kind == KIND_SUM)
			set(&row->value, n);
		else if (m > 0)
			set(&row->value, n / m);
		break;
	}
}

/* SPEC "Small cells": a breakdown row of size 1..min_cell-1 is marked;
 * suppress_apply() adds the complementary cells and blanks them all. */
static void suppress(struct kpi_row *row, long min_cell)
{
	double size;

	if (min_cell <= 0 || row->bd == BD_ALL || row->kpi == KPI_EDID_COVERAGE)
		return;
	size = kpi_defs[row->kpi].kind == KIND_COUNT ? row->value.v : row->denominator.v;
	if (size >= 1 && size < min_cell)
		row->suppressed = 1;
}

static void units_free(struct suppress_units *u)
{
	for (size_t i = 0; i < u->n; i++) {
		free(u->service[i]);
		free(u->unit[i]);
	}
	free(u->service);
	free(u->unit);
}

/* Each service's owner unit, for the hierarchy of complementary suppression. */
static int units_load(struct db *db, struct suppress_units *u)
{
	PGresult *res;
	int st, i, n;

	if ((st = db_query(db, "suppress.sql#service_units", 0, NULL, &res)))
		return st;
	n = PQntuples(res);
	u->service = calloc(n + 1, sizeof(char *));
	u->unit = calloc(n + 1, sizeof(char *));
	for (i = 0; u->service && u->unit && i < n; i++, u->n++) {
		u->service[i] = strdup(PQgetvalue(res, i, 0));
		u->unit[i] = strdup(PQgetvalue(res, i, 1));
		if (!u->service[i] || !u->unit[i]) {
			u->n++;
			break;
		}
	}
	PQclear(res);
	if (u->n != (size_t)n || (n && (!u->service[n - 1] || !u->unit[n - 1]))) {
		log_error("out of memory");
		return DK_SOFTWARE;
	}
	return DK_OK;
}

static int load_targets(struct db *db, const char *const *dates, size_t nperiods,
			struct kpi_num *targets)
{
	PGresult *res;
	int st, r, k;
	long pi;

	if ((st = db_query(db, "kpi.sql#targets", 2, dates, &res)))
		return st;
	for (r = 0; r < PQntuples(res); r++) {
		pi = strtol(PQgetvalue(res, r, 0), NULL, 10) - 1;
		k = kpi_find(PQgetvalue(res, r, 1));
		if (pi < 0 || (size_t)pi >= nperiods || k < 0)
			continue;
		set(&targets[pi * KPI_COUNT + k], strtod(PQgetvalue(res, r, 2), NULL));
	}
	PQclear(res);
	return DK_OK;
}

static int wanted(const struct kpi_request *req, int k)
{
	return req->kpis == 0 || (req->kpis & (1u << k));
}

/* Warns of completed requests the cost KPIs cannot price
 * (kpi.sql#cost_missing): their cells are left empty, never counted free. */
static int warn_cost_missing(struct db *db, const struct kpi_request *req,
			     const char *const *dates)
{
	const char *params[3] = { dates[0], dates[1], req->tz };
	PGresult *res;
	int st, r;

	if ((st = db_query(db, "kpi.sql#cost_missing", 3, params, &res)))
		return st;
	for (r = 0; r < PQntuples(res); r++) {
		const char *ch = PQgetvalue(res, r, 0), *first = PQgetvalue(res, r, 2),
			   *last = PQgetvalue(res, r, 3), *days = PQgetvalue(res, r, 4),
			   *n = PQgetvalue(res, r, 5);

		if (!strcmp(PQgetvalue(res, r, 1), "own"))
			log_warning("channel '%s' has no cost in channel_costs on %s day(s) from %s to "
				    "%s (%s completed requests): cost_per_transaction and "
				    "digital_savings_thb are left empty where they count",
				    ch, days, first, last, n);
		else
			log_warning("no non-digital (counter) cost to compare digital channel '%s' "
				    "with on %s day(s) from %s to %s (%s completed requests): "
				    "digital_savings_thb is left empty where they count",
				    ch, days, first, last, n);
	}
	if (PQntuples(res))
		log_hint("load the missing costs with 'didkpi load channel_costs FILE'");
	PQclear(res);
	return DK_OK;
}

int kpi_compute(struct db *db, const struct kpi_request *req, struct kpi_result **out)
{
	struct kpi_result *res = calloc(1, sizeof(*res));
	struct store *s = calloc(1, sizeof(*s));
	struct agg aggs[FAM_COUNT][BD_COUNT];
	struct kpi_num *targets = NULL;
	struct suppress_units units = { 0, NULL, NULL };
	char *dates[2] = { NULL, NULL };
	enum breakdown bds[BD_COUNT];
	size_t nrows = 0, p;
	int st = DK_SOFTWARE, k, b, nb, j, by_service = 0, by_unit = 0;
	int usable[RU_COUNT] = { 0, 0, 0 };

	memset(aggs, 0, sizeof(aggs));
	*out = NULL;
	if (!res || !s)
		goto oom;
	res->store = s;
	res->nperiods = req->nperiods;
	res->periods = malloc(req->nperiods * sizeof(struct period));
	dates[0] = date_array(req->periods, req->nperiods, 0);
	dates[1] = date_array(req->periods, req->nperiods, 1);
	targets = calloc(req->nperiods * KPI_COUNT, sizeof(*targets));
	if (!res->periods || !dates[0] || !dates[1] || !targets)
		goto oom;
	memcpy(res->periods, req->periods, req->nperiods * sizeof(struct period));

	bds[0] = BD_ALL;
	for (nb = 1, j = 0; j < req->nby; j++)
		bds[nb++] = req->by[j];
	for (j = 1; j < nb; j++) {
		by_service |= bds[j] == BD_SERVICE;
		by_unit |= bds[j] == BD_UNIT;
		if ((st = grid_load(db, grid_sql[bds[j]], &s->grids[bds[j]])))
			goto out;
		if (bds[j] == BD_UNIT && (st = grid_load(db, "kpi.sql#keys_staff_unit", &s->staff_units)))
			goto out;
	}
	if ((st = load_targets(db, (const char *const *)dates, req->nperiods, targets)))
		goto out;
	if (!req->raw && (st = rollups_usable(db, req, usable)))
		goto out;
	if ((wanted(req, KPI_COST_PER_TRANSACTION) || wanted(req, KPI_DIGITAL_SAVINGS)) &&
	    (st = warn_cost_missing(db, req, (const char *const *)dates)))
		goto out;

	/* The fields each family's run must fill, for the rollup parts. */
	for (k = 0; k < KPI_COUNT; k++) {
		enum family f = kpi_source[k].fam;

		if (!wanted(req, k))
			continue;
		for (j = 0; j < nb; j++) {
			aggs[f][bds[j]].need |= 1u << kpi_source[k].num;
			if (kpi_source[k].den >= 0)
				aggs[f][bds[j]].need |= 1u << kpi_source[k].den;
		}
	}

	/* Run each family once per breakdown some wanted KPI has; count rows. */
	for (k = 0; k < KPI_COUNT; k++) {
		if (!wanted(req, k))
			continue;
		for (j = 0; j < nb; j++) {
			enum family f = kpi_source[k].fam;
			const struct grid *g;

			b = bds[j];
			if (b != BD_ALL && !(kpi_defs[k].breakdowns & (1u << b)))
				continue;
			g = grid_for(s, k, b);
			nrows += req->nperiods * g->n;
			if (aggs[f][b].done)
				continue;
			if ((st = run_family(db, req, (const char *const *)dates, f, b, g, &aggs[f][b],
					      rollup_source[f].ru != RU_NONE &&
					      usable[rollup_source[f].ru])))
				goto out;
		}
	}

	res->rows = calloc(nrows ? nrows : 1, sizeof(struct kpi_row));
	if (!res->rows)
		goto oom;
	for (p = 0; p < req->nperiods; p++) {
		for (k = 0; k < KPI_COUNT; k++) {
			if (!wanted(req, k))
				continue;
			for (j = 0; j < nb; j++) {
				const struct grid *g;

				b = bds[j];
				if (b != BD_ALL && !(kpi_defs[k].breakdowns & (1u << b)))
					continue;
				g = grid_for(s, k, b);
				for (int key = 0; key < g->n; key++) {
					struct kpi_row *row = &res->rows[res->nrows++];

					row->period = p;
					row->kpi = k;
					row->bd = b;
					if (b != BD_ALL) {
						row->key = g->code[key];
						row->key_th = g->th[key];
						row->key_en = g->en[key];
					}
					fill_row(row, &aggs[kpi_source[k].fam][b], kpi_source[k].fam,
						 p * g->n + key);
					row->target = targets[p * KPI_COUNT + k];
					suppress(row, req->min_cell);
				}
			}
		}
	}
	if (req->min_cell > 0) {
		long more;

		if (by_service && by_unit && (st = units_load(db, &units)))
			goto out;
		/* Small cells must not come back by subtraction from the
		 * totals, the units or the other keys published with them. */
		if ((more = suppress_apply(res->rows, res->nrows,
					   by_service && by_unit ? &units : NULL)) < 0) {
			log_error("internal error: complementary suppression failed");
			st = DK_SOFTWARE;
			goto out;
		}
		log_info("complementary suppression hid %ld more rows", more);
	}
	*out = res;
	res = NULL;
	st = DK_OK;
	goto out;
oom:
	log_error("out of memory");
	st = DK_SOFTWARE;
out:
	for (k = 0; k < FAM_COUNT; k++) {
		for (b = 0; b < BD_COUNT; b++) {
			free(aggs[k][b].v);
		}
	}
	units_free(&units);
	free(targets);
	free(dates[0]);
	free(dates[1]);
	kpi_result_free(res);
	return st;
}

void kpi_result_free(struct kpi_result *r)
{
	struct store *s;

	if (!r)
		return;
	s = r->store;
	if (s) {
		for (int b = 0; b < BD_COUNT; b++)
			grid_free(&s->grids[b]);
		grid_free(&s->staff_units);
		free(s);
	}
	free(r->rows);
	free(r->periods);
	free(r);
}

int kpi_today(struct db *db, const char *tz, struct civil_date *today)
{
	const char *p[1] = { tz };
	PGresult *res;
	int st;

	if ((st = db_query(db, "kpi.sql#today", 1, p, &res)))
		return st;
	st = date_parse_iso(PQgetvalue(res, 0, 0), today) ? DK_SOFTWARE : DK_OK;
	PQclear(res);
	if (st)
		log_error("internal error: cannot read today's date");
	return st;
}
