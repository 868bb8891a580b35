/* The KPIs of SPEC section 4, computed in PostgreSQL (sql/kpi.sql). */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "kpi.h"
#include "log.h"
#include "order.h"
#include "sibling.h"
#include "sqlres.h"
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
enum rollup { RU_REQUESTS, RU_AUTH, RU_SATISFACTION, RU_COUNT };

static const char *const rollup_names[RU_COUNT] = { "service_requests", "auth_events",
						    "satisfaction" };

/*
 * A query that fills some fields of a family. A keyed part runs once per
 * breakdown and returns (i, key, columns): column 2 + c goes to field
 * map[c]; with multi set, once for all breakdowns, given as a text[], and
 * returns (i, breakdown, key, columns). A fine part (sql/rollup.sql, "Fine sections") runs once for all
 * breakdowns and returns (i, service_code, owner_unit, channel, method,
 * columns): each row adds its columns to the cell of every breakdown; or,
 * with arr set, its one column is an array of values (divided by div) whose
 * count, median and 90th percentile go to fields n, p50 and p90 (-1: not
 * filled). When only 'all' is asked for, a fine part's all query runs
 * instead, if it has one: the same columns, NULL keys, one row per period
 * (no sort of the values by their group). A users part (rollup.sql#request_users) returns each request
 * with its user, sorted by user, and fills map[0..3] with the active,
 * enrolled, repeat and digital users of every cell (run_users).
 *
 * Fine and users parts read the atoms of the periods (struct atoms): the
 * disjoint intervals the periods' bounds cut the calendar into, so that a
 * row in a month and in the fiscal year around it is read once and added
 * to both in C.
 */
struct part {
	const char *key;
	int ncols;
	int map[FIELDS_MAX];
	int fine;
	int multi;
	int arr;
	const char *all;   /* the query when only 'all' is asked for */
	const char *months; /* arr: the same from (value, count) pairs, for
			       atoms that are whole months (atoms_months);
			       users: the totals of periods that are one
			       whole month each, counted (run_users) */
	int users;
	int n, p50, p90;
	double div;
	unsigned rollups;  /* multi: rollups it reads when all are current,
			      its fifth parameter then true (else the raw logs) */
	int cfam, cfield;  /* arr: the additive field (of family cfam, 'all'
			      breakdown) that counts about as many values as
			      it reads (part_values, halves) */
};

#define FINE_COLS 5   /* i, service_code, owner_unit, channel, method */

/* Column positions within each family's fields. */
enum { RQ_N, RQ_ACTIVE, RQ_ENROLLED, RQ_DIGITAL, RQ_DIGITAL_ID, RQ_REPEAT, RQ_DIGITAL_USERS,
       RQ_SINGLE, RQ_COMPLETED };
enum { TM_N, TM_MEDIAN, TM_P90 };
enum { SA_N, SA_SUM, SA_SATISFIED };
enum { AU_N, AU_OK, ID_N, ID_OK, LAT_N, LAT_MEDIAN };
enum { CV_DEN, CV_NUM };
enum { CO_N, CO_COST, CO_DIGITAL, CO_SAVED };

#define PARTS_MAX 2

#define RU(r) (1u << (r))

/* Each family's fast path (without --raw): the rollups its queries read
 * (all must be current), and the queries that fill its fields: the
 * additive ones from the day rollups, the percentiles from the raw logs'
 * values, the per-person ones from the raw requests joined with
 * didkpi.first_identification (which the auth rollup's triggers keep). A
 * family with no parts has no fast path. */
static const struct {
	unsigned needs;
	struct part parts[PARTS_MAX];
} fast_source[FAM_COUNT] = {
	[FAM_REQUESTS] = { RU(RU_REQUESTS) | RU(RU_AUTH), {
		{ .key = "rollup.sql#requests", .fine = 1, .ncols = 5,
		  .all = "rollup.sql#requests_all",
		  .map = { RQ_N, RQ_DIGITAL, RQ_DIGITAL_ID, RQ_SINGLE, RQ_COMPLETED } },
		{ .key = "rollup.sql#request_users", .users = 1, .ncols = 4,
		  .months = "rollup.sql#request_users_months",
		  .map = { RQ_ACTIVE, RQ_ENROLLED, RQ_REPEAT, RQ_DIGITAL_USERS } } } },
	[FAM_TIME] = { 0, {
		{ .key = "rollup.sql#service_time", .fine = 1, .arr = 1, .ncols = 1,
		  .all = "rollup.sql#service_time_all",
		  .n = TM_N, .p50 = TM_MEDIAN, .p90 = TM_P90, .div = 3600000000.0,
		  .cfam = FAM_REQUESTS, .cfield = RQ_COMPLETED } } },
	[FAM_SATISFACTION] = { RU(RU_SATISFACTION), {
		{ .key = "rollup.sql#satisfaction", .fine = 1, .ncols = 3,
		  .all = "rollup.sql#satisfaction_all",
		  .map = { SA_N, SA_SUM, SA_SATISFIED } } } },
	[FAM_AUTH] = { RU(RU_AUTH), {
		{ .key = "rollup.sql#auth", .fine = 1, .ncols = 5,
		  .all = "rollup.sql#auth_all",
		  .map = { AU_N, AU_OK, ID_N, ID_OK, LAT_N } },
		{ .key = "rollup.sql#auth_latency", .fine = 1, .arr = 1, .ncols = 1,
		  .all = "rollup.sql#auth_latency_all",
		  .months = "rollup.sql#auth_latency_months",
		  .n = -1, .p50 = LAT_MEDIAN, .p90 = -1, .div = 1,
		  .cfam = FAM_AUTH, .cfield = LAT_N } } },
	[FAM_ENROLMENTS] = { RU(RU_AUTH), {
		{ .key = "rollup.sql#enrolments", .fine = 1, .ncols = 1, .map = { 0 },
		  .all = "rollup.sql#enrolments_all" } } },
	[FAM_COVERAGE] = { 0, { { NULL } } },
	[FAM_TRAINING] = { 0, { { NULL } } },
	/* one query for every breakdown, counting completions by closing day
	 * from rollup_closed (schema 10) when current, else the raw requests */
	[FAM_COST] = { 0, {
		{ .key = "rollup.sql#cost", .multi = 1, .ncols = 4, .rollups = RU(RU_REQUESTS),
		  .map = { CO_N, CO_COST, CO_DIGITAL, CO_SAVED } } } },
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
	/* the unit grid: each service's owner unit, for fine rows that name
	 * only the service (owner_unit NULL) */
	const struct suppress_units *units;
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

/* The grid of family f's breakdown b: 'all' is one key; the staff
 * training family has its own units (the staff's, not the services'). */
static const struct grid *fam_grid(const struct store *s, enum family f, enum breakdown b)
{
	static const struct grid all = { 1, NULL, NULL, NULL, NULL };

	if (b == BD_ALL)
		return &all;
	if (f == FAM_TRAINING && b == BD_UNIT)
		return &s->staff_units;
	return &s->grids[b];
}

/* The grid a KPI's breakdown uses. */
static const struct grid *grid_for(const struct store *s, enum kpi_id k, enum breakdown b)
{
	return fam_grid(s, kpi_source[k].fam, b);
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

/*
 * The atoms of a list of periods: the disjoint intervals that the periods'
 * starts and ends cut the calendar into, those inside some period, in
 * order. Period p is the union of atoms first[p] .. end[p] - 1; atom a lies
 * in the periods per[off[a] .. off[a + 1] - 1]. A fiscal year and its
 * months have the months as atoms; disjoint periods are their own atoms.
 */
struct atoms {
	size_t n;
	struct period *span; /* the atoms' starts and ends */
	char *dates[2];      /* the same, as date[] literals */
	char *halves[2][2];  /* the atoms clipped to each half of their days
				(atoms_halve), as date[] literals */
	size_t *first, *end; /* per period */
	size_t *off, *per;   /* per atom */
};

static void atoms_free(struct atoms *at)
{
	free(at->span);
	free(at->dates[0]);
	free(at->dates[1]);
	for (int h = 0; h < 2; h++) {
		free(at->halves[h][0]);
		free(at->halves[h][1]);
	}
	free(at->first);
	free(at->end);
	free(at->off);
	free(at->per);
	memset(at, 0, sizeof(*at));
}

/*
 * The atoms cut at the middle of the days they cover: half 0 holds each
 * atom clipped to the days before the middle day, half 1 to the days from
 * it, an atom wholly on one side being empty ([start, start)) on the
 * other. The same atom keeps its position in both, so that a query run on
 * the two halves at once (sql/rollup.sql, "Halves") names atoms as the
 * whole would. Whether a query reads the halves or the whole is decided
 * by how many values it reads (run_fine). Returns 0, or -1 out of memory.
 */
static int atoms_halve(struct atoms *at)
{
	struct period *h = malloc((at->n ? at->n : 1) * sizeof(*h));
	long total = 0, acc = 0, mid = 0;
	size_t a;

	if (!h)
		return -1;
	for (a = 0; a < at->n; a++)
		total += date_to_days(at->span[a].end) - date_to_days(at->span[a].start);
	mid = at->n ? date_to_days(at->span[at->n - 1].end) : 0;
	for (a = 0; a < at->n && total > 1; a++) {
		long s = date_to_days(at->span[a].start), e = date_to_days(at->span[a].end);

		if (acc + (e - s) >= total / 2) {
			mid = s + (total / 2 - acc);
			break;
		}
		acc += e - s;
	}
	for (int half = 0; half < 2; half++) {
		for (a = 0; a < at->n; a++) {
			long s = date_to_days(at->span[a].start), e = date_to_days(at->span[a].end);
			long lo = half ? (s > mid ? s : mid) : s, hi = half ? e : (e < mid ? e : mid);

			if (hi < lo)
				lo = hi = half ? e : s;
			h[a] = at->span[a];
			h[a].start = date_from_days(lo);
			h[a].end = date_from_days(hi);
		}
		if (!(at->halves[half][0] = date_array(h, at->n, 0)) ||
		    !(at->halves[half][1] = date_array(h, at->n, 1))) {
			free(h);
			return -1;
		}
	}
	free(h);
	return 0;
}

/* Whether every atom starts and ends on the first day of a month: the
 * atoms are then whole local months, which rollup.sql#auth_latency_months
 * reads from pairs kept by month (schema version 18). The query's time
 * zone is the rollup's: the caller has found the rollup current for it. */
static int atoms_months(const struct atoms *at)
{
	for (size_t a = 0; a < at->n; a++)
		if (at->span[a].start.day != 1 || at->span[a].end.day != 1)
			return 0;
	return at->n > 0;
}

static int atoms_build(const struct period *ps, size_t np, struct atoms *at)
{
	size_t p, a, *fill = NULL;

	memset(at, 0, sizeof(*at));
	at->first = malloc((np + 1) * sizeof(size_t));
	at->end = malloc((np + 1) * sizeof(size_t));
	if (!at->first || !at->end ||
	    period_atoms(ps, np, &at->span, &at->n, at->first, at->end))
		goto oom;
	at->off = calloc(at->n + 1, sizeof(size_t));
	fill = malloc((at->n + 1) * sizeof(size_t));
	if (!at->off || !fill || !(at->dates[0] = date_array(at->span, at->n, 0)) ||
	    !(at->dates[1] = date_array(at->span, at->n, 1)) || atoms_halve(at))
		goto oom;
	for (p = 0; p < np; p++)
		for (a = at->first[p]; a < at->end[p]; a++)
			at->off[a + 1]++;
	for (a = 0; a < at->n; a++)
		at->off[a + 1] += at->off[a];
	if (!(at->per = malloc((at->off[at->n] + 1) * sizeof(size_t))))
		goto oom;
	memcpy(fill, at->off, at->n * sizeof(size_t));
	for (p = 0; p < np; p++)
		for (a = at->first[p]; a < at->end[p]; a++)
			at->per[fill[a]++] = p;
	free(fill);
	return DK_OK;
oom:
	log_error("out of memory");
	free(fill);
	atoms_free(at);
	return DK_SOFTWARE;
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

/* The fields a part fills, as 1 << field. */
static unsigned part_fields(const struct part *pt)
{
	unsigned fields = 0;
	int c;

	if (pt->arr)
		return (pt->n >= 0 ? 1u << pt->n : 0) | (pt->p50 >= 0 ? 1u << pt->p50 : 0) |
		       (pt->p90 >= 0 ? 1u << pt->p90 : 0);
	for (c = 0; c < pt->ncols; c++)
		fields |= 1u << pt->map[c];
	return fields;
}

/* The cell of a fine row (columns 1..4: service_code, owner_unit, channel,
 * method) in the grid of breakdown b, or -1 when the row has no key there
 * (it counts in 'all' only) or a key outside the grid. */
static int fine_cell(const PGresult *res, int r, enum breakdown b, const struct grid *g)
{
	const char *k, *svc;

	if (b == BD_ALL)
		return 0;
	k = db_get(res, r, b == BD_SERVICE ? 1 : b == BD_UNIT ? 2 : b == BD_CHANNEL ? 3 : 4);
	if (!k && b == BD_UNIT && g->units && (svc = db_get(res, r, 1)))
		for (size_t i = 0; !k && i < g->units->n; i++)
			if (!strcmp(g->units->service[i], svc))
				k = g->units->unit[i];
	return k ? grid_find(g, k) : -1;
}

static uint32_t be32(const unsigned char *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* A binary integer cell (int2, int4 or int8) as a long; -1 for a NULL or
 * anything else. */
static long bin_long(const PGresult *res, int r, int c)
{
	const unsigned char *b = (const unsigned char *)PQgetvalue(res, r, c);

	switch (PQgetlength(res, r, c)) {
	case 2: return (int16_t)(uint16_t)(b[0] << 8 | b[1]);
	case 4: return (int32_t)be32(b);
	case 8: return (long)(int64_t)((uint64_t)be32(b) << 32 | be32(b + 4));
	default: return -1;
	}
}

/*
 * A one-dimensional int4[] or int8[] without NULLs in PostgreSQL's binary
 * format (array_send: dimensions, flags, element type, the dimension's
 * size and lower bound, then each element's length and bytes), len bytes
 * at p: how many values it holds, each divided by div into v[] when v is
 * not NULL; -1 for anything else. Every length is checked against len.
 * The arrays come in binary: for a fiscal year's 3.3 million latencies at
 * 10 M events (psql, one process, backend CPU) array_send costs the
 * server 0.15 s where the text cost 0.32 s, over 0.45 s to gather them;
 * and the client reads a value without parsing digits.
 */
static long array_values(const char *p, int len, double div, double *v)
{
	const unsigned char *b = (const unsigned char *)p;
	uint32_t n, w;

	if (len < 12)
		return -1;
	if (be32(b) == 0)   /* no dimension: empty */
		return 0;
	if (be32(b) != 1 || be32(b + 4) != 0 || len < 20)
		return -1;
	w = be32(b + 8) == 23 ? 4 : be32(b + 8) == 20 ? 8 : 0;   /* int4, int8 */
	n = be32(b + 12);
	if (!w || (size_t)len != 20 + (size_t)n * (4 + w))
		return -1;
	for (size_t i = 0, at = 20; v && i < n; i++, at += 4 + w) {
		int64_t x;

		if (be32(b + at) != w)
			return -1;
		x = w == 4 ? (int32_t)be32(b + at + 4)
			   : (int64_t)((uint64_t)be32(b + at + 4) << 32 | be32(b + at + 8));
		v[i] = div == 1 ? (double)x : (double)x / div;
	}
	return (long)n;
}

/*
 * The values of row r of an array part: its array at column FINE_COLS,
 * or when counted (rollup.sql#auth_latency_months) each value of that
 * array repeated as many times as the count at the same position of the
 * array at FINE_COLS + 1 (NULL there: each value once, an atom read from
 * the raw values). Returns how many, written divided by div into v when v
 * is not NULL; -1 when malformed (the arrays' sizes differ, a count below
 * zero), -2 out of memory.
 */
static long row_values(const PGresult *res, int r, int counted, double div, double *v)
{
	const char *p = PQgetvalue(res, r, FINE_COLS);
	int len = PQgetlength(res, r, FINE_COLS);
	const char *cp;
	int clen;
	double *x = NULL, *k = NULL;
	long n, total = 0;

	if (!counted || PQgetisnull(res, r, FINE_COLS + 1))
		return array_values(p, len, div, v);
	cp = PQgetvalue(res, r, FINE_COLS + 1);
	clen = PQgetlength(res, r, FINE_COLS + 1);
	if ((n = array_values(p, len, div, NULL)) < 0 || array_values(cp, clen, 1, NULL) != n)
		return -1;
	if (!(x = malloc((n ? n : 1) * sizeof(*x))) || !(k = malloc((n ? n : 1) * sizeof(*k)))) {
		free(x);
		return -2;
	}
	array_values(p, len, div, x);
	array_values(cp, clen, 1, k);
	for (long i = 0; i < n; i++) {
		if (!(k[i] >= 0 && k[i] == floor(k[i]) && k[i] <= (double)(LONG_MAX / 2 - total))) {
			total = -1;
			break;
		}
		if (v)
			for (long c = (long)k[i]; c > 0; c--)
				v[total++] = x[i];
		else
			total += (long)k[i];
	}
	free(x);
	free(k);
	return total;
}

/*
 * Raw values read at once in two halves of the atoms' days from this many
 * on (an estimate: the sum over the periods of the part's count field,
 * which counts a value twice where periods overlap). Two parallel workers
 * paid for starting on a fiscal year's 3 million latencies at 10 M events
 * (FY by month and every breakdown 5.65 -> 5.11 s) and the workbook's 13
 * months there (7.29 -> 6.90 s), and cost more than they saved on a month
 * of 274 000 (0.79 -> 0.87 s) and on the 13 months of 330 000 at 1 M
 * (0.10 -> 0.16 s): a new connection's workers start cold on the bench
 * machine. bench/README.md has the runs.
 */
#define HALVES_MIN_VALUES 1000000.0

/*
 * Below this many authentication events and requests in the periods' days
 * one connection computes everything: a second backend's start costs
 * about what it saves (a month of the demo department, 7 000 rows: 0.17
 * s on one connection, 0.20 s on two; at 1 M events, 36 000 rows: 0.21 s
 * and 0.20 s; at 10 M events, 361 000 rows: 0.89 s and 0.80 s).
 * DIDKPI_SECOND_ROWS (didkpi(1)) moves it; the tests set 0.
 */
#define SECOND_MIN_ROWS 200000.0

/*
 * From this many latencies per month (on average over the periods asked
 * for, counted from the rollups) the medians of whole months are read
 * from the months' (value, count) pairs (schema version 18). The pairs
 * pay where values repeat: a month at 10 M events holds 274 000 values in
 * 33 000 pairs (the month 0.41 -> 0.34 s, FY2568 3.37 -> 2.48 s); at 1 M,
 * 27 000 values in 14 500 pairs, and the workbook's 13 months took 169 ms
 * from the pairs against 133 ms from the values (the workbook 0.72 ->
 * 0.81 s when it always read them). DIDKPI_PAIRS (didkpi(1)) moves it;
 * the tests set 0.
 */
#define PAIRS_MIN_PER_MONTH 100000.0

/* A threshold from the environment: name's value when it is a number
 * >= 0, else def, with one warning naming the variable (didkpi(1),
 * ENVIRONMENT: a site with more cores may want workers or a second
 * connection sooner; the tests set 0 for always). */
static double env_min(const char *name, double def, const char *unit)
{
	const char *v = getenv(name);
	char *end;
	double min;

	if (!v || !*v)
		return def;
	errno = 0;
	min = strtod(v, &end);
	if (errno || end == v || *end || !(min >= 0)) {
		log_warning("%s='%s' is not a number of %s; using %.0f", name, v, unit, def);
		return def;
	}
	return min;
}

static double halves_min_value, second_min_value, pairs_min_value;

static void thresholds_read(void)
{
	halves_min_value = env_min("DIDKPI_HALVES", HALVES_MIN_VALUES, "values");
	second_min_value = env_min("DIDKPI_SECOND_ROWS", SECOND_MIN_ROWS, "rows");
	pairs_min_value = env_min("DIDKPI_PAIRS", PAIRS_MIN_PER_MONTH, "values a month");
}

/* read once, whichever of a report's two threads asks first */
static pthread_once_t thresholds_once = PTHREAD_ONCE_INIT;

static double halves_min(void)
{
	pthread_once(&thresholds_once, thresholds_read);
	return halves_min_value;
}

static double second_min(void)
{
	pthread_once(&thresholds_once, thresholds_read);
	return second_min_value;
}

/* Whether nvalues over req's periods (each whole months, overlaps counted
 * as part_values() counts them) reach pairs_min_value a month. */
static int pairs_pay(const struct kpi_request *req, double nvalues)
{
	double months = 0;

	pthread_once(&thresholds_once, thresholds_read);
	for (size_t p = 0; p < req->nperiods; p++) {
		const struct period *q = &req->periods[p];

		months += (q->end.year * 12 + q->end.month) - (q->start.year * 12 + q->start.month);
	}
	return months > 0 && nvalues >= pairs_min_value * months;
}

/* Runs fine part pt of family f once, for every breakdown of mask: the
 * rows' columns are added up into each breakdown's cells, or the arrays'
 * values gathered per cell and their percentiles taken; the arrays in two
 * halves (sql/rollup.sql) when nvalues reaches halves_min(). */
static int run_fine(struct db *db, const struct kpi_request *req, const struct atoms *at,
		    const struct part *pt, enum family f, unsigned mask,
		    const struct grid *const *grids, struct agg *aggs, double nvalues)
{
	int nf = families[f].nfields, st, r, c, nr;
	/* totals of whole months: the latencies' (value, count) pairs */
	int counted = pt->months && mask == 1u << BD_ALL && atoms_months(at) &&
		      pairs_pay(req, nvalues);
	int halve = pt->arr && !counted && nvalues >= halves_min();
	/* arrays: $1, $2 the first half (or the whole), $4, $5 the second
	 * (or none) */
	const char *params[5] = { halve ? at->halves[0][0] : at->dates[0],
				  halve ? at->halves[0][1] : at->dates[1], req->tz,
				  halve ? at->halves[1][0] : "{}",
				  halve ? at->halves[1][1] : "{}" };
	const char *key = counted ? pt->months : pt->all && mask == 1u << BD_ALL ? pt->all : pt->key;
	double *vals = NULL, *buf = NULL, *tmp = NULL;
	uint32_t *digits = NULL;
	size_t *off = NULL, *cnt = NULL, nvals = 0, nplaced = 0, maxcells = 0, ntmp = 0, i, a, q;
	PGresult *res;
	long pi, m;

	if ((st = pt->arr ? db_query_binary(db, key, counted ? 3 : 5, params, &res)
			  : db_query(db, key, 3, params, &res)))
		return st;
	nr = PQntuples(res);
	if (PQnfields(res) != FINE_COLS + pt->ncols + counted) {
		PQclear(res);
		log_error("internal error: %s has %d columns", pt->key, PQnfields(res));
		return DK_SOFTWARE;
	}
	/* Row r's atom is a = i - 1; its values count in every period
	 * per[off[a] .. off[a + 1] - 1]. */
	if (!pt->arr) {
		for (r = 0; r < nr; r++) {
			pi = strtol(PQgetvalue(res, r, 0), NULL, 10) - 1;
			if (pi < 0 || (size_t)pi >= at->n)
				continue;
			a = (size_t)pi;
			for (int b = 0; b < BD_COUNT; b++) {
				int j;

				if (!(mask & (1u << b)) || (j = fine_cell(res, r, b, grids[b])) < 0)
					continue;
				for (q = at->off[a]; q < at->off[a + 1]; q++) {
					i = at->per[q] * grids[b]->n + j;
					for (c = 0; c < pt->ncols; c++) {
						const char *v = db_get(res, r, FINE_COLS + c);
						double *d = &aggs[b].v[i * nf + pt->map[c]];

						if (v)
							*d = (isnan(*d) ? 0 : *d) + strtod(v, NULL);
					}
				}
			}
		}
		PQclear(res);
		return DK_OK;
	}

	/* Arrays (binary, the other columns too: texts are their bytes, the
	 * atom an integer): every value once in vals, row r's from off[r]. */
	if (!(off = malloc((nr + 1) * sizeof(size_t))))
		goto oom;
	if (counted) {
		int raw = 0;

		for (r = 0; r < nr; r++)
			raw += PQgetisnull(res, r, FINE_COLS + 1);
		if (raw)
			log_info("the latencies of %d month(s) were read from the raw events: "
				 "their summaries wait for 'didkpi refresh --pending'", raw);
	}
	for (r = 0; r < nr; r++) {
		if ((m = row_values(res, r, counted, pt->div, NULL)) == -2)
			goto oom;
		if (m < 0)
			goto bad;
		off[r] = nvals;
		nvals += (size_t)m;
		pi = bin_long(res, r, 0) - 1;
		if (pi >= 0 && (size_t)pi < at->n)
			nplaced += (size_t)m * (at->off[pi + 1] - at->off[pi]);
	}
	off[nr] = nvals;
	if (!(vals = malloc((nvals ? nvals : 1) * sizeof(double))) ||
	    !(buf = malloc((nplaced ? nplaced : 1) * sizeof(double))))
		goto oom;
	for (r = 0; r < nr; r++)
		if (row_values(res, r, counted, pt->div, vals + off[r]) < 0)
			goto oom;   /* checked above: only memory can fail */
	for (int b = 0; b < BD_COUNT; b++)
		if ((mask & (1u << b)) && req->nperiods * grids[b]->n > maxcells)
			maxcells = req->nperiods * grids[b]->n;
	if (!(cnt = malloc((maxcells + 1) * sizeof(size_t))))
		goto oom;

	/* Per breakdown: count each cell's values, place them side by side
	 * in buf (a counting sort by cell), then take the percentiles. */
	for (int b = 0; b < BD_COUNT; b++) {
		size_t ncells = req->nperiods * grids[b]->n, pos = 0, n;
		int j;

		if (!(mask & (1u << b)))
			continue;
		memset(cnt, 0, (ncells + 1) * sizeof(size_t));
		for (r = 0; r < nr; r++) {
			pi = bin_long(res, r, 0) - 1;
			if (pi >= 0 && (size_t)pi < at->n && (j = fine_cell(res, r, b, grids[b])) >= 0)
				for (q = at->off[pi]; q < at->off[pi + 1]; q++)
					cnt[at->per[q] * grids[b]->n + j] += off[r + 1] - off[r];
		}
		for (i = 0; i < ncells; i++) {   /* counts -> starts */
			n = cnt[i];
			cnt[i] = pos;
			pos += n;
			if (n >= ORDER_RADIX_MIN && n > ntmp) {   /* radix_kth's room */
				double *t = realloc(tmp, n * sizeof(*tmp));

				if (!t)
					goto oom;
				tmp = t;
				ntmp = n;
				if (!digits && !(digits = malloc(ORDER_RADIX_DIGITS * sizeof(*digits))))
					goto oom;
			}
		}
		cnt[ncells] = pos;
		for (r = 0; r < nr; r++) {
			pi = bin_long(res, r, 0) - 1;
			if (pi < 0 || (size_t)pi >= at->n || (j = fine_cell(res, r, b, grids[b])) < 0)
				continue;
			for (q = at->off[pi]; q < at->off[pi + 1]; q++) {
				i = at->per[q] * grids[b]->n + j;
				memcpy(buf + cnt[i], vals + off[r], (off[r + 1] - off[r]) * sizeof(double));
				cnt[i] += off[r + 1] - off[r];
			}
		}
		/* cnt[i] is now cell i's end, and cell i - 1's end its start */
		for (i = 0, pos = 0; i < ncells; pos = cnt[i], i++) {
			double *cell = &aggs[b].v[i * nf];

			n = cnt[i] - pos;
			if (pt->n >= 0)
				cell[pt->n] = (double)n;
			if (!n)
				continue;
			if (pt->p50 >= 0)
				cell[pt->p50] = order_percentile(buf + pos, n, 0.5, tmp, digits);
			if (pt->p90 >= 0)
				cell[pt->p90] = order_percentile(buf + pos, n, 0.9, tmp, digits);
		}
	}
	st = DK_OK;
	goto out;
bad:
	log_error("internal error: %s returned a malformed array", key);
	st = DK_SOFTWARE;
	goto out;
oom:
	log_error("out of memory");
	st = DK_SOFTWARE;
out:
	PQclear(res);
	free(off);
	free(vals);
	free(buf);
	free(tmp);
	free(digits);
	free(cnt);
	return st;
}

/*
 * The state of run_users: the cells of every breakdown of the mask, one
 * numbering (base[b] + period * grid size + key), the user being read, and
 * the cells that user has touched (stamp[cell] == seq) with their digital
 * requests.
 */
struct users {
	const struct atoms *at;
	const struct part *pt;
	const struct grid *const *grids;
	struct agg *aggs;
	enum family f;
	unsigned mask;
	size_t run;               /* the first atom of the run being read */
	const unsigned char *served; /* per period: counted already, or NULL */
	size_t base[BD_COUNT + 1];
	long long *te;            /* each period's end, epoch microseconds */
	size_t *stamp, *touched, ntouched, seq;
	long *ndigital;
	int started;              /* a user is being read (u->user is set) */
	char *user;               /* the current user's key */
	size_t user_size;
	int has_first;
	long long first;          /* their first successful identification */
	/* each service code seen, with its cells of the service and unit
	 * breakdowns: a request's unit is its service's, looked up in a list
	 * (fine_cell), so each row cost some 20 string comparisons */
	struct svc_memo {
		char code[48];
		int set, j[BD_COUNT];
	} memo[64];
};

/* A count of a cell that has a row (NAN until then) grows by yes. */
static void count_in(double *d, int yes)
{
	if (isnan(*d))
		*d = 0;
	*d += yes;
}

/* Adds the current user to the cells they touched. */
static void users_flush(struct users *u)
{
	int nf = families[u->f].nfields;
	size_t t;

	for (t = 0; t < u->ntouched; t++) {
		size_t g = u->touched[t], cell, p;
		int b = 0;
		double *v;

		while (g >= u->base[b + 1])
			b++;
		cell = g - u->base[b];
		p = cell / u->grids[b]->n;
		v = &u->aggs[b].v[cell * nf];
		count_in(&v[u->pt->map[0]], 1);
		count_in(&v[u->pt->map[1]], u->has_first && u->first < u->te[p]);
		count_in(&v[u->pt->map[2]], u->ndigital[g] >= 2);
		count_in(&v[u->pt->map[3]], u->ndigital[g] >= 1);
	}
	u->ntouched = 0;
}

/* Row r's cell of breakdown b: fine_cell(), remembered per service code
 * for the service and unit breakdowns (owner_unit is NULL in these rows,
 * so both follow from the service alone). */
static int users_cell(struct users *u, const PGresult *res, int r, enum breakdown b)
{
	const char *svc = PQgetvalue(res, r, 1);
	struct svc_memo *m;
	size_t len = strlen(svc);
	unsigned h = 2166136261u;

	if ((b != BD_SERVICE && b != BD_UNIT) || PQgetisnull(res, r, 1) ||
	    !PQgetisnull(res, r, 2) || len >= sizeof(m->code))
		return fine_cell(res, r, b, u->grids[b]);
	for (size_t i = 0; i < len; i++)   /* FNV-1a */
		h = (h ^ (unsigned char)svc[i]) * 16777619u;
	m = &u->memo[h % (sizeof(u->memo) / sizeof(*u->memo))];
	if (!m->set || strcmp(m->code, svc)) {
		memcpy(m->code, svc, len + 1);
		m->set = 1;
		m->j[BD_SERVICE] = (u->mask & (1u << BD_SERVICE)) ?
				   fine_cell(res, r, BD_SERVICE, u->grids[BD_SERVICE]) : -1;
		m->j[BD_UNIT] = (u->mask & (1u << BD_UNIT)) ?
				fine_cell(res, r, BD_UNIT, u->grids[BD_UNIT]) : -1;
	}
	return m->j[b];
}

/* One request of rollup.sql#request_users: (atom, service_code,
 * owner_unit, channel, method, is_digital, user_key, first_us). */
static int users_row(const PGresult *res, int r, void *arg)
{
	struct users *u = arg;
	const char *user = PQgetvalue(res, r, 6);
	long pi = (long)u->run + (long)db_int(PQgetvalue(res, r, 0)) - 1;
	int digital = PQgetvalue(res, r, 5)[0] == 't', b, j;
	size_t len = strlen(user), q, g;

	if (!u->started || strcmp(user, u->user)) {
		users_flush(u);
		if (len + 1 > u->user_size) {
			char *nu = realloc(u->user, 2 * len + 1);

			if (!nu) {
				log_error("out of memory");
				return DK_SOFTWARE;
			}
			u->user = nu;
			u->user_size = 2 * len + 1;
		}
		memcpy(u->user, user, len + 1);
		u->seq++;
		u->started = 1;
		u->has_first = !PQgetisnull(res, r, 7);
		u->first = u->has_first ? db_int(PQgetvalue(res, r, 7)) : 0;
	}
	if (pi < 0 || (size_t)pi >= u->at->n)
		return DK_OK;
	for (b = 0; b < BD_COUNT; b++) {
		if (!(u->mask & (1u << b)))
			continue;
		/* the breakdown's key: columns 1..4 as in a fine row */
		if ((j = users_cell(u, res, r, (enum breakdown)b)) < 0)
			continue;
		for (q = u->at->off[pi]; q < u->at->off[pi + 1]; q++) {
			if (u->served && u->served[u->at->per[q]])
				continue;
			g = u->base[b] + u->at->per[q] * u->grids[b]->n + j;
			if (u->stamp[g] != u->seq) {
				u->stamp[g] = u->seq;
				u->ndigital[g] = 0;
				u->touched[u->ntouched++] = g;
			}
			u->ndigital[g] += digital;
		}
	}
	return DK_OK;
}

/* The totals of users part pt for the periods (dates) that are one whole
 * month each and counted in the database (pt->months, schema version 19):
 * each such period's cell of the 'all' breakdown is filled, as
 * users_flush() would fill it (a period with nobody keeps its NANs), and
 * served[period] set. The months that wait for a refresh are told. */
static int users_counted(struct db *db, const struct kpi_request *req, const char *const *dates,
			 const struct part *pt, enum family f, struct agg *all,
			 unsigned char *served)
{
	const char *params[3] = { dates[0], dates[1], req->tz };
	int nf = families[f].nfields, st, r, c;
	size_t waiting = 0;
	PGresult *res;
	long pi;

	if ((st = db_query(db, pt->months, 3, params, &res)))
		return st;
	for (r = 0; r < PQntuples(res); r++) {
		pi = strtol(PQgetvalue(res, r, 0), NULL, 10) - 1;
		if (pi < 0 || (size_t)pi >= req->nperiods)
			continue;
		if (PQgetvalue(res, r, 5)[0] == 't')
			waiting++;
		if (PQgetisnull(res, r, 1))
			continue;
		served[pi] = 1;
		if (!strcmp(PQgetvalue(res, r, 1), "0"))
			continue;
		for (c = 0; c < 4; c++)
			all->v[(size_t)pi * nf + pt->map[c]] = strtod(PQgetvalue(res, r, 1 + c), NULL);
	}
	PQclear(res);
	if (waiting)
		log_info("the people of %zu month(s) were counted from the raw requests: "
			 "they wait for 'didkpi refresh --pending'", waiting);
	return DK_OK;
}

/* Runs users part pt (rollup.sql#request_users) of family f once for every
 * breakdown of mask: the requests come sorted by user, and each user is
 * counted once in every cell they touched, with what the cell's KPIs ask
 * of them. Memory is one slot per cell, whatever the number of rows.
 * With only the totals asked for, the periods that are whole months come
 * counted (users_counted), and only the atoms of the others are read. */
static int run_users(struct db *db, const struct kpi_request *req, const char *const *dates,
		     const struct atoms *at, const struct part *pt, enum family f,
		     unsigned mask, const struct grid *const *grids, struct agg *aggs)
{
	const char *params[3] = { at->dates[0], at->dates[1], req->tz };
	const char *sql = sqlres_get(pt->key);
	struct users u;
	PGresult *res = NULL;
	unsigned char *served = NULL, *need = NULL;
	size_t cells, nneed = at->n;
	int st = DK_OK, b, r;

	memset(&u, 0, sizeof(u));
	u.at = at;
	u.pt = pt;
	u.grids = grids;
	u.aggs = aggs;
	u.f = f;
	u.mask = mask;
	for (b = 0; b < BD_COUNT; b++)
		u.base[b + 1] = u.base[b] + ((mask & (1u << b)) ? req->nperiods * grids[b]->n : 0);
	cells = u.base[BD_COUNT];
	if (!sql) {
		log_error("internal error: no SQL named '%s'", pt->key);
		return DK_SOFTWARE;
	}
	u.te = malloc((req->nperiods + at->n + 1) * sizeof(long long));
	u.stamp = calloc(cells + 1, sizeof(size_t));
	u.touched = malloc((cells + 1) * sizeof(size_t));
	u.ndigital = malloc((cells + 1) * sizeof(long));
	if (!u.te || !u.stamp || !u.touched || !u.ndigital) {
		log_error("out of memory");
		st = DK_SOFTWARE;
		goto out;
	}
	if (pt->months && mask == 1u << BD_ALL) {
		served = calloc(req->nperiods + 1, 1);
		need = calloc(at->n + 1, 1);
		if (!served || !need) {
			log_error("out of memory");
			st = DK_SOFTWARE;
			goto out;
		}
		if ((st = users_counted(db, req, dates, pt, f, &aggs[BD_ALL], served)))
			goto out;
		/* the atoms of the periods still to count */
		for (size_t p = 0; p < req->nperiods; p++)
			for (size_t a = at->first[p]; !served[p] && a < at->end[p]; a++)
				need[a] = 1;
		for (size_t a = nneed = 0; a < at->n; a++)
			nneed += need[a];
		u.served = served;
	}
	if (!nneed)
		goto out;
	/* each atom's end (after the periods' in te), then each period's:
	 * the end of its last atom */
	if ((st = db_query(db, "rollup.sql#period_ends", 3, params, &res)))
		goto out;
	if ((size_t)PQntuples(res) != at->n) {
		log_error("internal error: rollup.sql#period_ends has %d rows", PQntuples(res));
		st = DK_SOFTWARE;
		goto out;
	}
	for (r = 0; r < PQntuples(res); r++)
		u.te[req->nperiods + r] = strtoll(PQgetvalue(res, r, 1), NULL, 10);
	for (size_t p = 0; p < req->nperiods; p++)
		u.te[p] = u.te[req->nperiods + at->end[p] - 1];
	/* Each period lies in one run of atoms without a gap, so each run is
	 * read on its own: no rows of the gaps between. */
	for (size_t k = 0, e; k < at->n; k = e) {
		char *run[2];

		if (need && !need[k]) {
			e = k + 1;
			continue;
		}
		for (e = k + 1; e < at->n && (!need || need[e]) &&
				!date_cmp(at->span[e - 1].end, at->span[e].start);
		     e++)
			;
		run[0] = date_array(at->span + k, e - k, 0);
		run[1] = date_array(at->span + k, e - k, 1);
		params[0] = run[0];
		params[1] = run[1];
		u.run = k;
		st = run[0] && run[1] ? db_query_each(db, pt->key, sql, 3, params, users_row, &u, NULL)
				      : (log_error("out of memory"), DK_SOFTWARE);
		free(run[0]);
		free(run[1]);
		if (st)
			goto out;
		users_flush(&u);
		u.started = 0;
	}
out:
	PQclear(res);
	free(u.te);
	free(u.stamp);
	free(u.touched);
	free(u.ndigital);
	free(u.user);
	free(served);
	free(need);
	return st;
}

/* Runs multi part pt of family f once for every breakdown of mask. */
static int run_multi(struct db *db, const struct kpi_request *req, const char *const *dates,
		     const struct part *pt, enum family f, unsigned mask,
		     const struct grid *const *grids, struct agg *aggs, unsigned usable)
{
	char list[BD_COUNT * 16] = "{";
	const char *params[5] = { dates[0], dates[1], req->tz, list,
				  pt->rollups && (pt->rollups & ~usable) == 0 ? "true" : "false" };
	int nf = families[f].nfields, st, r, c, j, b;
	PGresult *res;
	long pi;

	for (b = 0; b < BD_COUNT; b++)
		if (mask & (1u << b))
			snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
				 list[1] ? "," : "", breakdown_name(b));
	strcat(list, "}");
	if ((st = db_query(db, pt->key, 5, params, &res)))
		return st;
	for (r = 0; r < PQntuples(res); r++) {
		const char *k = db_get(res, r, 2);

		b = breakdown_find(PQgetvalue(res, r, 1));
		pi = strtol(PQgetvalue(res, r, 0), NULL, 10) - 1;
		if (b < 0 || !(mask & (1u << b)) || pi < 0 || (size_t)pi >= req->nperiods)
			continue;
		j = b == BD_ALL ? 0 : (k ? grid_find(grids[b], k) : -1);
		if (j < 0)
			continue;
		for (c = 0; c < pt->ncols; c++) {
			const char *v = db_get(res, r, 3 + c);

			aggs[b].v[((size_t)pi * grids[b]->n + j) * nf + pt->map[c]] =
				v ? strtod(v, NULL) : NAN;
		}
	}
	PQclear(res);
	return DK_OK;
}

/* The number of values an arr part reads, about: its count field summed
 * over the periods, where the family computing it has run; else 0. */
static double part_values(const struct kpi_request *req, const struct part *pt,
			  struct agg (*fams)[BD_COUNT])
{
	const struct agg *a = &fams[pt->cfam][BD_ALL];
	double n = 0, v;

	if (!pt->arr || !a->v)
		return 0;
	for (size_t p = 0; p < req->nperiods; p++)
		if (!isnan(v = a->v[p * families[pt->cfam].nfields + pt->cfield]))
			n += v;
	return n;
}

struct kpi_share;
static void share_release(struct kpi_share *sh);

/* Computes family f for every breakdown of mask into fams[f]: by its fast
 * path (fast_source) when fast, running only the parts whose fields a
 * wanted KPI reads; else from the raw logs (sql/kpi.sql), once per
 * breakdown. usable: the rollups that are current. The requests' family
 * releases the families held in sh (share_release) as soon as its counts
 * are in: after its first part, before the people. */
static int run_family(struct db *db, const struct kpi_request *req, const char *const *dates,
		      const struct atoms *at, enum family f, unsigned mask,
		      const struct grid *const *grids, struct agg (*fams)[BD_COUNT], int fast,
		      unsigned usable, struct kpi_share *sh)
{
	struct agg *aggs = fams[f];
	static const int identity[FIELDS_MAX] = { 0, 1, 2, 3, 4, 5, 6, 7, 8 };
	int nf = families[f].nfields, st, n, b;
	unsigned need = 0;
	size_t i, cells;

	for (b = 0; b < BD_COUNT; b++) {
		if (!(mask & (1u << b)))
			continue;
		cells = req->nperiods * grids[b]->n;
		if (!(aggs[b].v = malloc((cells ? cells : 1) * nf * sizeof(double)))) {
			log_error("out of memory");
			return DK_SOFTWARE;
		}
		for (i = 0; i < cells * nf; i++)
			aggs[b].v[i] = NAN;
		need |= aggs[b].need;
		aggs[b].done = 1;
	}
	for (b = 0; !fast && b < BD_COUNT; b++)
		if ((mask & (1u << b)) &&
		    (st = run_part(db, req, dates, families[f].key, nf, identity, f, b, grids[b],
				   &aggs[b])))
			return st;
	for (n = 0; fast && n < PARTS_MAX && fast_source[f].parts[n].key; n++) {
		const struct part *pt = &fast_source[f].parts[n];

		if (n > 0 && f == FAM_REQUESTS)
			share_release(sh);
		if (!(part_fields(pt) & need))
			continue;
		if (pt->fine) {
			if ((st = run_fine(db, req, at, pt, f, mask, grids, aggs,
					   part_values(req, pt, fams))))
				return st;
			continue;
		}
		if (pt->users) {
			if ((st = run_users(db, req, dates, at, pt, f, mask, grids, aggs)))
				return st;
			continue;
		}
		if (pt->multi) {
			if ((st = run_multi(db, req, dates, pt, f, mask, grids, aggs, usable)))
				return st;
			continue;
		}
		for (b = 0; b < BD_COUNT; b++)
			if ((mask & (1u << b)) &&
			    (st = run_part(db, req, dates, pt->key, pt->ncols, pt->map, f, b,
					   grids[b], &aggs[b])))
				return st;
	}
	if (f == FAM_REQUESTS)
		share_release(sh);
	return DK_OK;
}

/* Which rollups may be used for the periods (rollup.sql#check); a rollup
 * that may be behind the raw data is reported and not used. */
static int rollups_usable(struct db *db, const struct kpi_request *req, unsigned *usable)
{
	const char *params[1] = { req->tz };
	PGresult *res;
	int st, r;

	if ((st = db_query(db, "rollup.sql#check", 1, params, &res)))
		return st;
	for (r = 0; r < RU_COUNT; r++) {
		const char *v = PQgetvalue(res, 0, r);

		if (!strcmp(v, "ok"))
			*usable |= RU(r);
		else if (!strcmp(v, "behind") || !strcmp(v, "triggers")) {
			log_warning("the rollup of %s is %s; computing from the raw logs",
				 rollup_names[r], !strcmp(v, "behind") ? "stale (its triggers were "
				 "disabled since the last full refresh)"
				 : "not maintained (a rollup trigger is missing or not ENABLE ALWAYS)");
			log_hint("enable the rollup triggers (ALTER TABLE didkpi.%s ENABLE ALWAYS "
				 "TRIGGER ...), then run 'didkpi refresh'", rollup_names[r]);
		} else
			log_info("no rollup for %s (%s); computing from the raw logs",
				 rollup_names[r], !strcmp(v, "zone") ? "periods in another time zone"
				 : !strcmp(v, "distributed") ? "distributed by Citus" : "not a table");
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

/*
 * Whether some period's cost or savings is empty though it has completed
 * requests (the 'all' cells of the cost family): exactly when some
 * completed request it counts lacks its own or, on a digital channel, the
 * counter's cost, or when no cost is loaded at all. Only then is
 * warn_cost_missing() run: its second pass over didkpi.completed_costs()
 * cost as much as the cost KPIs' own (0.08 s for a workbook's 14 months at
 * 1 M events) to find nothing on a site that prices every day.
 */
static int cost_gap(const struct kpi_request *req, const struct agg *all)
{
	const int nf = families[FAM_COST].nfields;

	for (size_t p = 0; all->v && p < req->nperiods; p++) {
		const double *c = &all->v[p * nf];

		if (!isnan(c[CO_N]) && (isnan(c[CO_COST]) || isnan(c[CO_SAVED])))
			return 1;
	}
	return 0;
}

/* Warns of completed requests the cost KPIs cannot price
 * (kpi.sql#cost_missing): their cells are left empty, never counted free.
 * Counted as the cost KPIs are: from the completions' rollup when the
 * requests' rollups are current (usable). */
static int warn_cost_missing(struct db *db, const struct kpi_request *req,
			     const char *const *dates, unsigned usable)
{
	const char *params[4] = { dates[0], dates[1], req->tz,
				  usable & RU(RU_REQUESTS) ? "true" : "false" };
	PGresult *res;
	int st, r;

	if ((st = db_query(db, "kpi.sql#cost_missing", 4, params, &res)))
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

/*
 * The families a second connection may compute (lib/sibling.h: same
 * snapshot, own thread): service times, authentication (counts and
 * latencies), satisfaction, enrolments, coverage, training and cost, while
 * the first computes the requests' additive part and their people. They
 * are offered in a pool (struct kpi_share): the second connection takes
 * them from the last, the first from the first once its own are done, so
 * neither waits while the other has families left. Each writes only its
 * families' aggs. The service times are held until the requests' counts
 * are in (their halves gate reads them, part_values), which the first
 * connection releases before the people's query: the longest query of a
 * month or a fiscal year no longer has the service times queued behind it
 * on its connection while the other one idles.
 */
#define FAM_SECOND ((1u << FAM_TIME) | (1u << FAM_SATISFACTION) | (1u << FAM_AUTH) | \
		    (1u << FAM_ENROLMENTS) | (1u << FAM_COVERAGE) | (1u << FAM_TRAINING) | \
		    (1u << FAM_COST))
/* Offered once the requests' family has its counts (share_release). */
#define FAM_HELD (1u << FAM_TIME)

/* The order the first connection computes families in, the longest
 * first after the requests' own; a helper takes from the end, the
 * shortest first. So the last family left when the helper comes free is
 * a short one, not the cost of a 13-month trend (165 ms at 1 M events)
 * begun by the first connection a moment before. */
static const enum family fam_order[FAM_COUNT] = {
	FAM_REQUESTS, FAM_AUTH, FAM_COST, FAM_TIME, FAM_SATISFACTION, FAM_ENROLMENTS,
	FAM_COVERAGE, FAM_TRAINING
};

/* The rows the periods' days hold, estimated from the day rollups. */
static int volume(struct db *db, const struct kpi_request *req, double *rows)
{
	struct civil_date lo = req->periods[0].start, hi = req->periods[0].end;
	char a[DATE_ISO_LEN], b[DATE_ISO_LEN];
	const char *params[2] = { a, b };
	PGresult *res;
	int st;

	for (size_t i = 1; i < req->nperiods; i++) {
		if (date_cmp(req->periods[i].start, lo) < 0)
			lo = req->periods[i].start;
		if (date_cmp(req->periods[i].end, hi) > 0)
			hi = req->periods[i].end;
	}
	date_format_iso(lo, a);
	date_format_iso(hi, b);
	if ((st = db_query(db, "rollup.sql#volume", 2, params, &res)))
		return st;
	*rows = strtod(PQgetvalue(res, 0, 0), NULL);
	PQclear(res);
	return DK_OK;
}

struct fam_job {
	const struct kpi_request *req;
	const char *const *dates;
	const struct atoms *at;
	const struct store *s;
	const unsigned *fam_bds;
	struct agg (*aggs)[BD_COUNT];
	unsigned usable;
	struct kpi_share *share;   /* the pool the requests' family releases */
};

/* Family f of job jb on db. */
static int run_one(struct db *db, const struct fam_job *jb, enum family f)
{
	const struct grid *grids[BD_COUNT];
	int fast = !jb->req->raw && fast_source[f].parts[0].key &&
		   (fast_source[f].needs & ~jb->usable) == 0;

	for (int b = 0; b < BD_COUNT; b++)
		grids[b] = fam_grid(jb->s, f, b);
	return run_family(db, jb->req, jb->dates, jb->at, f, jb->fam_bds[f], grids, jb->aggs, fast,
			  jb->usable, f == FAM_REQUESTS ? jb->share : NULL);
}

struct kpi_share {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	const struct fam_job *job; /* the computation offering families, or NULL */
	unsigned left;             /* 1 << family: offered and not yet taken */
	unsigned held;             /* offered, not to be taken before release */
	int busy;                  /* families a helper is computing */
	int st;                    /* the first failure of a helper's family */
	int closed;                /* kpi_share_close(): no more offers */
};

struct kpi_share *kpi_share_new(void)
{
	struct kpi_share *sh = calloc(1, sizeof(*sh));

	if (!sh)
		return NULL;
	if (pthread_mutex_init(&sh->mu, NULL)) {
		free(sh);
		return NULL;
	}
	if (pthread_cond_init(&sh->cv, NULL)) {
		pthread_mutex_destroy(&sh->mu);
		free(sh);
		return NULL;
	}
	return sh;
}

void kpi_share_close(struct kpi_share *sh)
{
	if (!sh)
		return;
	pthread_mutex_lock(&sh->mu);
	sh->closed = 1;
	pthread_cond_broadcast(&sh->cv);
	pthread_mutex_unlock(&sh->mu);
}

void kpi_share_free(struct kpi_share *sh)
{
	if (!sh)
		return;
	pthread_cond_destroy(&sh->cv);
	pthread_mutex_destroy(&sh->mu);
	free(sh);
}

int kpi_share_help(struct db *db, struct kpi_share *sh)
{
	int st = DK_OK;

	pthread_mutex_lock(&sh->mu);
	while (st == DK_OK) {
		const struct fam_job *jb;
		enum family f;

		while (!sh->closed && !(sh->job && sh->left))
			pthread_cond_wait(&sh->cv, &sh->mu);
		if (sh->closed)
			break;
		for (int o = FAM_COUNT - 1; o >= 0; o--)   /* the last */
			if (sh->left & (1u << (f = fam_order[o])))
				break;
		sh->left &= ~(1u << f);
		sh->busy++;
		jb = sh->job;
		pthread_mutex_unlock(&sh->mu);
		st = run_one(db, jb, f);
		pthread_mutex_lock(&sh->mu);
		if (st && !sh->st)
			sh->st = st;
		sh->busy--;
		pthread_cond_broadcast(&sh->cv);
	}
	pthread_mutex_unlock(&sh->mu);
	return st;
}

/* Offers families fams of jb in sh (none without sh), those of held only
 * after share_release(). */
static void share_offer(struct kpi_share *sh, const struct fam_job *jb, unsigned fams,
			unsigned held)
{
	if (!sh)
		return;
	pthread_mutex_lock(&sh->mu);
	sh->job = jb;
	sh->left = fams & ~held;
	sh->held = fams & held;
	sh->st = DK_OK;
	pthread_cond_broadcast(&sh->cv);
	pthread_mutex_unlock(&sh->mu);
}

/* Whether family f is still to be computed here (taken from sh's offer;
 * always without sh, or when it was not offered). */
static int share_take(struct kpi_share *sh, unsigned offered, enum family f)
{
	int mine;

	if (!sh || !(offered & (1u << f)))
		return 1;
	pthread_mutex_lock(&sh->mu);
	mine = ((sh->left | sh->held) & (1u << f)) != 0;
	sh->left &= ~(1u << f);
	sh->held &= ~(1u << f);
	pthread_mutex_unlock(&sh->mu);
	return mine;
}

/* The held families of sh's offer may now be taken. */
static void share_release(struct kpi_share *sh)
{
	if (!sh)
		return;
	pthread_mutex_lock(&sh->mu);
	if (sh->held) {
		sh->left |= sh->held;
		sh->held = 0;
		pthread_cond_broadcast(&sh->cv);
	}
	pthread_mutex_unlock(&sh->mu);
}

/* Ends the offer once the helper's families are computed; returns the
 * first failure among them. */
static int share_withdraw(struct kpi_share *sh)
{
	int st;

	if (!sh)
		return DK_OK;
	pthread_mutex_lock(&sh->mu);
	sh->left = 0;
	sh->held = 0;
	while (sh->busy)
		pthread_cond_wait(&sh->cv, &sh->mu);
	sh->job = NULL;
	st = sh->st;
	pthread_mutex_unlock(&sh->mu);
	return st;
}

/* The second connection of kpi_compute(): it warns of the unknown codes
 * of req->warn, then helps with the pool. */
struct helper {
	struct kpi_share *share;
	const struct kpi_request *req;
};

static int help(struct db *db, void *arg)
{
	struct helper *h = arg;
	int st;

	/* on failure no offer is taken: the first connection computes them */
	if (h->req->warn && (st = check_period_warn(db, h->req->tz, h->req->warn)))
		return st;
	return kpi_share_help(db, h->share);
}

int kpi_compute(struct db *db, const struct kpi_request *req, struct kpi_result **out)
{
	struct kpi_result *res = calloc(1, sizeof(*res));
	struct store *s = calloc(1, sizeof(*s));
	struct agg aggs[FAM_COUNT][BD_COUNT];
	struct kpi_num *targets = NULL;
	struct suppress_units units = { 0, NULL, NULL };
	struct atoms atoms;
	char *dates[2] = { NULL, NULL };
	enum breakdown bds[BD_COUNT];
	size_t nrows = 0, p;
	int st = DK_SOFTWARE, k, b, nb, j, by_service = 0, by_unit = 0;
	unsigned usable = 0, fam_bds[FAM_COUNT] = { 0 };
	struct fam_job job;
	struct kpi_share *share, *own = NULL;
	struct helper hp = { NULL, req };
	unsigned offered = 0, own_fams = 0;
	struct sibling *sib = NULL;
	enum family f;

	memset(aggs, 0, sizeof(aggs));
	memset(&atoms, 0, sizeof(atoms));
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
	if ((st = atoms_build(req->periods, req->nperiods, &atoms)))
		goto out;
	memcpy(res->periods, req->periods, req->nperiods * sizeof(struct period));

	bds[0] = BD_ALL;
	for (nb = 1, j = 0; j < req->nby; j++)
		bds[nb++] = req->by[j];
	for (j = 1; j < nb; j++) {
		by_service |= bds[j] == BD_SERVICE;
		by_unit |= bds[j] == BD_UNIT;
		if ((st = grid_load(db, grid_sql[bds[j]], &s->grids[bds[j]])))
			goto out;
		if (bds[j] == BD_UNIT && ((st = grid_load(db, "kpi.sql#keys_staff_unit",
							  &s->staff_units)) ||
					  (st = units_load(db, &units))))
			goto out;
	}
	/* (for this computation only: units is freed below) */
	s->grids[BD_UNIT].units = by_unit ? &units : NULL;
	if ((st = load_targets(db, (const char *const *)dates, req->nperiods, targets)))
		goto out;
	if (!req->raw && (st = rollups_usable(db, req, &usable)))
		goto out;

	/* The fields each family's run must fill, for the rollup parts. */
	for (k = 0; k < KPI_COUNT; k++) {
		f = kpi_source[k].fam;
		if (!wanted(req, k))
			continue;
		for (j = 0; j < nb; j++) {
			aggs[f][bds[j]].need |= 1u << kpi_source[k].num;
			if (kpi_source[k].den >= 0)
				aggs[f][bds[j]].need |= 1u << kpi_source[k].den;
		}
	}

	/* The breakdowns each family is needed for; count rows. */
	for (k = 0; k < KPI_COUNT; k++) {
		if (!wanted(req, k))
			continue;
		for (j = 0; j < nb; j++) {
			b = bds[j];
			if (b != BD_ALL && !(kpi_defs[k].breakdowns & (1u << b)))
				continue;
			nrows += req->nperiods * grid_for(s, k, b)->n;
			fam_bds[kpi_source[k].fam] |= 1u << b;
		}
	}
	/* Run each family once (per breakdown on the raw path): the
	 * requests' on this connection, the others offered to a second one
	 * (req->jobs) or to the caller's (req->share), which takes them from
	 * the last while this one takes what is left from the first. */
	for (f = 0; f < FAM_COUNT; f++) {
		if (!fam_bds[f])
			continue;
		if (FAM_SECOND & (1u << f))
			offered |= 1u << f;
		else
			own_fams |= 1u << f;
	}
	job = (struct fam_job){ req, (const char *const *)dates, &atoms, s, fam_bds, aggs, usable,
				NULL };
	share = req->share;
	if (!share && req->jobs > 1 && offered &&
	    (own_fams || __builtin_popcount(offered) > 1)) {
		double rows = 0;

		if (second_min() > 0 && (st = volume(db, req, &rows)))
			goto out;
		if (second_min() > 0 && rows < second_min())
			log_info("computing on one connection: %.0f rows, fewer than %.0f", rows,
				 second_min());
		else if (!(own = hp.share = kpi_share_new()))
			goto oom;
		else if ((st = sibling_start(db, req->tz, help, &hp, &sib)))
			goto out;
		if (!sib) {
			kpi_share_free(own);
			own = NULL;
		}
		share = own;
	}
	if (req->warn && !sib && (st = check_period_warn(db, req->tz, req->warn)))
		goto out;
	job.share = share;
	share_offer(share, &job, offered, fam_bds[FAM_REQUESTS] ? FAM_HELD : 0);
	st = DK_OK;
	for (int o = 0; o < FAM_COUNT && st == DK_OK; o++)
		if (fam_bds[f = fam_order[o]] && share_take(share, offered, f))
			st = run_one(db, &job, f);
	{
		int hst = share_withdraw(share);

		if (st == DK_OK)
			st = hst;
	}
	if (sib) {
		kpi_share_close(own);
		st = sibling_finish(db, sib, st);
		sib = NULL;
	}
	if (st)
		goto out;
	if (fam_bds[FAM_COST] && cost_gap(req, &aggs[FAM_COST][BD_ALL]) &&
	    (st = warn_cost_missing(db, req, (const char *const *)dates, usable)))
		goto out;

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
	if (s)
		s->grids[BD_UNIT].units = NULL;
	kpi_share_free(own);
	units_free(&units);
	atoms_free(&atoms);
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
