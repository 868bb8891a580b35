/* Before and after Digital ID (SPEC section 5), from sql/compare.sql. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "kpiout.h"
#include "log.h"
#include "order.h"
#include "sqlres.h"
#include "stats.h"
#include "status.h"
#include "suggest.h"

const struct compare_metric_def compare_metrics[CMP_METRIC_COUNT] = {
	[CMP_REQUESTS_PER_MONTH] = {
		"requests_per_month", KPI_REQUESTS, UNIT_COUNT, 1,
		"คำขอต่อเดือน", "Requests per month", "poisson-exact", 0,
		"inverse-variance (rate difference)" },
	[CMP_DIGITAL_CHANNEL_RATE] = {
		"digital_channel_rate", KPI_DIGITAL_CHANNEL_RATE, UNIT_FRACTION, 1,
		"อัตราการใช้บริการดิจิทัล", "Digital service usage rate",
		"z-test (newcombe ci)", 1, "cmh (mantel-haenszel rd with sato ci)" },
	[CMP_SERVICE_TIME_MEDIAN] = {
		"service_time_median_hours", KPI_SERVICE_TIME_MEDIAN, UNIT_HOURS, 0,
		"เวลาให้บริการ (มัธยฐาน ชั่วโมง)", "Service time (median hours)",
		"mann-whitney (hodges-lehmann ci)", 0, "van-elteren (inverted ci)" },
	[CMP_SATISFACTION_MEAN] = {
		"satisfaction_mean", KPI_SATISFACTION_MEAN, UNIT_SCORE, 1,
		"คะแนนความพึงพอใจเฉลี่ย", "Mean satisfaction score", "welch-t", 1,
		"inverse-variance (mean difference)" },
	[CMP_SATISFACTION_CSAT] = {
		"satisfaction_csat", KPI_SATISFACTION_CSAT, UNIT_FRACTION, 1,
		"สัดส่วนผู้พึงพอใจ (4-5)", "Satisfied (score 4-5)",
		"z-test (newcombe ci)", 1, "cmh (mantel-haenszel rd with sato ci)" },
	[CMP_COMPLETION_RATE] = {
		"completion_rate", KPI_COMPLETION_RATE, UNIT_FRACTION, 1,
		"อัตราคำขอที่ดำเนินการเสร็จ", "Completion rate",
		"z-test (newcombe ci)", 1, "cmh (mantel-haenszel rd with sato ci)" },
};

/* Above this many service times (both windows of every compared service)
 * the Hodges-Lehmann intervals are not computed: they are held at 8 bytes
 * a value, with a pooled copy and the sorted copies of stats.c at most
 * three times that, so the client stays under about 250 MB. */
#define COMPARE_HL_MAX 10000000UL

static const char test_hl_too_many[] = "mann-whitney (no ci: over 10000000 values)";
static const char test_ve_too_many[] = "van-elteren (no ci: over 10000000 values)";

int compare_metric_find(const char *name)
{
	for (int m = 0; m < CMP_METRIC_COUNT; m++)
		if (!strcmp(compare_metrics[m].name, name))
			return m;
	return -1;
}

int compare_parse_months(const char *text, int min, int *months)
{
	long v = 0;
	const char *p = text;
	int scale = 1;

	if (!text || *p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (*p - '0');
		if (v > 100000)
			return -1;
	}
	if (*p == 'm')
		p++;
	else if (*p == 'y') {
		scale = 12;
		p++;
	}
	if (*p)
		return -1;
	v *= scale;
	if (v < min || v > COMPARE_MAX_MONTHS)
		return -1;
	*months = (int)v;
	return 0;
}

/* ---- strings kept by the result --------------------------------------- */

struct store {
	char **s;
	size_t n, cap;
};

static char *store_dup(struct store *st, const char *text)
{
	char **grown, *copy;

	if (st->n == st->cap) {
		size_t cap = st->cap ? st->cap * 2 : 64;

		if (!(grown = realloc(st->s, cap * sizeof(*grown))))
			return NULL;
		st->s = grown;
		st->cap = cap;
	}
	if (!(copy = strdup(text)))
		return NULL;
	st->s[st->n++] = copy;
	return copy;
}

static void store_free(struct store *st)
{
	if (!st)
		return;
	for (size_t i = 0; i < st->n; i++)
		free(st->s[i]);
	free(st->s);
	free(st);
}

/* ---- per-window aggregates ---------------------------------------------- */

/* What one window of one service (or of its comparison group) holds. */
struct side {
	double requests, digital, completed;  /* submitted in the window */
	double sat_n, sat_sum, sat_var, csat; /* answered in the window */
	int sat_var_set;
	double st_n, st_median;               /* completed, closed in it */
	int st_median_set;
};

struct unit {
	const char *code, *name_th, *name_en;
	struct civil_date d, bs, be, as, ae;
	struct side self[2], ctrl[2];
	double rank_sum1, tie_sum;            /* Mann-Whitney, from SQL */
	int n_controls;
	int complete;                         /* after-window ended by today */
	int has_data;                         /* it has requests: */
	struct civil_date first, last;        /* their first and last local date */
	double days[2];                       /* days of each window with data */
	const char *coverage;                 /* "full", "before-partial", ... */
	const char *skip[CMP_METRIC_COUNT];   /* reason, or NULL */
};

/* The parameters of the window queries ($1-$7) for units[0..n-1], or for
 * those with use[i] set when use is not NULL. */
struct params {
	char *a[5];
	const char *p[7];
};

static void params_free(struct params *pp)
{
	for (int i = 0; i < 5; i++)
		free(pp->a[i]);
}

/* A growing text buffer for array literals. */
struct buf {
	char *s;
	size_t n, cap;
	int oom;
};

static void buf_put(struct buf *b, const char *s, size_t len)
{
	char *grown;

	if (b->oom)
		return;
	if (b->n + len + 1 > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 256;

		while (cap < b->n + len + 1)
			cap *= 2;
		if (!(grown = realloc(b->s, cap))) {
			b->oom = 1;
			return;
		}
		b->s = grown;
		b->cap = cap;
	}
	memcpy(b->s + b->n, s, len);
	b->n += len;
	b->s[b->n] = '\0';
}

/* An array element, double-quoted with \ and " escaped, so any code is safe
 * (the value still travels as a parameter, never inside SQL text). */
static void buf_elem(struct buf *b, const char *s)
{
	buf_put(b, b->n > 1 ? ",\"" : "\"", b->n > 1 ? 2 : 1);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			buf_put(b, "\\", 1);
		buf_put(b, s, 1);
	}
	buf_put(b, "\"", 1);
}

static int params_build(struct params *pp, const struct unit *u, size_t n,
			const unsigned char *use, const char *tz, int flag)
{
	struct buf b[5] = { { 0 } };
	char iso[DATE_ISO_LEN];
	int i, bad = 0;

	memset(pp, 0, sizeof(*pp));
	for (i = 0; i < 5; i++)
		buf_put(&b[i], "{", 1);
	for (size_t k = 0; k < n; k++) {
		if (use && !use[k])
			continue;
		buf_elem(&b[0], u[k].code);
		date_format_iso(u[k].bs, iso);
		buf_elem(&b[1], iso);
		date_format_iso(u[k].be, iso);
		buf_elem(&b[2], iso);
		date_format_iso(u[k].as, iso);
		buf_elem(&b[3], iso);
		date_format_iso(u[k].ae, iso);
		buf_elem(&b[4], iso);
	}
	for (i = 0; i < 5; i++) {
		buf_put(&b[i], "}", 1);
		bad |= b[i].oom;
		pp->a[i] = b[i].s;
		pp->p[i] = b[i].s;
	}
	pp->p[5] = tz;
	pp->p[6] = flag ? "true" : "false";
	if (bad) {
		params_free(pp);
		log_error("out of memory");
		return DK_SOFTWARE;
	}
	return DK_OK;
}

static double num(const PGresult *res, int row, int col, int *set)
{
	const char *v = db_get(res, row, col);

	if (set)
		*set = v != NULL;
	return v ? strtod(v, NULL) : 0;
}

/* Index i (1-based) and side of a result row, checked against n. */
static int row_key(const PGresult *res, int row, size_t n, size_t *i, int *side)
{
	long k = strtol(PQgetvalue(res, row, 0), NULL, 10);

	*side = (int)strtol(PQgetvalue(res, row, 1), NULL, 10);
	if (k < 1 || (size_t)k > n || (*side != 0 && *side != 1)) {
		log_error("internal error: unexpected row in a comparison query");
		return DK_SOFTWARE;
	}
	*i = (size_t)k - 1;
	return DK_OK;
}

/* Requests and satisfaction of every unit, its own (ctrl = 0) or its
 * comparison group's (ctrl = 1). */
static int fetch_counts(struct db *db, struct unit *u, size_t n, const char *tz, int ctrl)
{
	struct params pp;
	PGresult *res = NULL;
	size_t i;
	int st, side, r;

	if ((st = params_build(&pp, u, n, NULL, tz, ctrl)))
		return st;
	/* the services' own rows have a faster query (same numbers) */
	if ((st = db_query(db, ctrl ? "compare.sql#requests" : "compare.sql#requests_own",
			   ctrl ? 7 : 6, pp.p, &res)))
		goto out;
	for (r = 0; r < PQntuples(res); r++) {
		struct side *s;

		if ((st = row_key(res, r, n, &i, &side)))
			goto out;
		s = ctrl ? &u[i].ctrl[side] : &u[i].self[side];
		s->requests = num(res, r, 2, NULL);
		s->digital = num(res, r, 3, NULL);
		s->completed = num(res, r, 4, NULL);
	}
	PQclear(res);
	res = NULL;
	if ((st = db_query(db, ctrl ? "compare.sql#satisfaction" :
			   "compare.sql#satisfaction_own", ctrl ? 7 : 6, pp.p, &res)))
		goto out;
	for (r = 0; r < PQntuples(res); r++) {
		struct side *s;

		if ((st = row_key(res, r, n, &i, &side)))
			goto out;
		s = ctrl ? &u[i].ctrl[side] : &u[i].self[side];
		s->sat_n = num(res, r, 2, NULL);
		s->sat_sum = num(res, r, 3, NULL);
		s->sat_var = num(res, r, 4, &s->sat_var_set);
		s->csat = num(res, r, 5, NULL);
	}
out:
	PQclear(res);
	params_free(&pp);
	return st;
}

/* Days of [ws, we) within [first, last] (the data), 0 when none. */
static double covered_days(const struct unit *u, struct civil_date ws, struct civil_date we)
{
	long a, b;

	if (!u->has_data)
		return 0;
	a = date_to_days(ws);
	b = date_to_days(we);
	if (date_to_days(u->first) > a)
		a = date_to_days(u->first);
	if (date_to_days(u->last) + 1 < b)
		b = date_to_days(u->last) + 1;
	return b > a ? (double)(b - a) : 0;
}

/* The coverage flag of before and after windows: each fully covered or not. */
static const char *coverage_name(int before_partial, int after_partial)
{
	return before_partial ? (after_partial ? "both-partial" : "before-partial") :
	       after_partial ? "after-partial" : "full";
}

/* The first and last data dates of every unit, its covered days and flag. */
static int fetch_coverage(struct db *db, struct unit *u, size_t n, const char *tz)
{
	struct params pp;
	PGresult *res = NULL;
	const char *p[2];
	int st, r;

	if ((st = params_build(&pp, u, n, NULL, tz, 0)))
		return st;
	p[0] = pp.p[0];
	p[1] = tz;
	if ((st = db_query(db, "compare.sql#coverage", 2, p, &res)))
		goto out;
	for (r = 0; r < PQntuples(res); r++) {
		long k = strtol(PQgetvalue(res, r, 0), NULL, 10);
		const char *f = db_get(res, r, 1), *l = db_get(res, r, 2);
		struct unit *x;

		if (k < 1 || (size_t)k > n) {
			log_error("internal error: unexpected row in a comparison query");
			st = DK_SOFTWARE;
			goto out;
		}
		x = &u[k - 1];
		x->has_data = f && l && !date_parse_iso(f, &x->first) &&
			      !date_parse_iso(l, &x->last);
	}
	for (size_t i = 0; i < n; i++) {
		struct unit *x = &u[i];
		double full0 = (double)(date_to_days(x->be) - date_to_days(x->bs));
		double full1 = (double)(date_to_days(x->ae) - date_to_days(x->as));

		x->days[0] = covered_days(x, x->bs, x->be);
		x->days[1] = covered_days(x, x->as, x->ae);
		x->coverage = coverage_name(x->days[0] < full0, x->days[1] < full1);
	}
out:
	PQclear(res);
	params_free(&pp);
	return st;
}

/*
 * Service-time sizes, medians and rank statistics: per unit (pool = 0,
 * into u[i].self and u[i].rank_sum1/tie_sum) or of the units with use[i]
 * pooled (into *pooled_sides, *rank_sum1, *tie_sum).
 */
static int fetch_times(struct db *db, struct unit *u, size_t n, const unsigned char *use,
		       const char *tz, struct side pooled_sides[2], double *rank_sum1,
		       double *tie_sum)
{
	int pool = use != NULL;
	struct params pp;
	PGresult *res = NULL;
	size_t i;
	int st, side, r;

	if ((st = params_build(&pp, u, n, use, tz, pool)))
		return st;
	if ((st = db_query(db, "compare.sql#service_time", 7, pp.p, &res)))
		goto out;
	for (r = 0; r < PQntuples(res); r++) {
		struct side *s;
		double *rs, *ts;

		if (pool) {
			side = (int)strtol(PQgetvalue(res, r, 1), NULL, 10);
			if (side != 0 && side != 1) {
				log_error("internal error: unexpected row in a comparison query");
				st = DK_SOFTWARE;
				goto out;
			}
			s = &pooled_sides[side];
			rs = rank_sum1;
			ts = tie_sum;
		} else {
			if ((st = row_key(res, r, n, &i, &side)))
				goto out;
			s = &u[i].self[side];
			rs = &u[i].rank_sum1;
			ts = &u[i].tie_sum;
		}
		s->st_n = num(res, r, 2, NULL);
		s->st_median = num(res, r, 3, &s->st_median_set);
		*rs = num(res, r, 4, NULL);
		*ts = num(res, r, 5, NULL);
	}
out:
	PQclear(res);
	params_free(&pp);
	return st;
}

/*
 * The service times of every unit, fetched once (section durations) and
 * sorted here, when they fit in memory: unit i's before-window is
 * vals[off[2i] .. off[2i + 1]), its after-window vals[off[2i + 1] ..
 * off[2i + 2]), each ascending.
 */
struct durations {
	double *vals;      /* NULL when they were not fetched */
	unsigned *win;     /* while fetching: each value's window, 2i + side */
	size_t *off;       /* 2n + 1 offsets */
	size_t n, cap;     /* values held, room */
	size_t nunits;
	int over;          /* more than COMPARE_HL_MAX: given up */
	int bad;           /* a row naming no window */
};

static void durations_free(struct durations *d)
{
	free(d->vals);
	free(d->win);
	free(d->off);
	d->vals = NULL;
	d->win = NULL;
	d->off = NULL;
}

/* One row (i, side, us) of section durations, in any order. */
static int duration_row(const PGresult *res, int row, void *arg)
{
	struct durations *d = arg;
	long long i = db_int(PQgetvalue(res, row, 0));
	long long side = db_int(PQgetvalue(res, row, 1));

	if (i < 1 || (size_t)i > d->nunits || (side != 0 && side != 1)) {
		d->bad = 1;
		return 1;
	}
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 65536;
		double *grown;
		unsigned *wgrown;

		if (d->n >= COMPARE_HL_MAX) {
			d->over = 1;
			return 1;
		}
		if (cap > COMPARE_HL_MAX)
			cap = COMPARE_HL_MAX;
		if (!(grown = realloc(d->vals, cap * sizeof(*grown)))) {
			d->over = 1;
			return 1;
		}
		d->vals = grown;
		if (!(wgrown = realloc(d->win, cap * sizeof(*wgrown)))) {
			d->over = 1;
			return 1;
		}
		d->win = wgrown;
		d->cap = cap;
	}
	/* exact microseconds, then one correctly rounded division: the very
	 * double of "us::float8 / 3600000000" in SQL (and of kpi.sql) */
	d->vals[d->n] = (double)db_int(PQgetvalue(res, row, 2)) / 3600000000.0;
	d->win[d->n++] = (unsigned)(2 * ((size_t)i - 1) + (size_t)side);
	return 0;
}

/*
 * Puts the fetched values in window order, in place (a count per window,
 * then each value swapped straight to its window's next free slot), and
 * sorts each window: 375 000 values sorted here by qsort() in 0.04 s,
 * where the server's ORDER BY took 0.4 s (every service's windows at 10 M
 * events). order_sort()'s radix, here and for the pooled samples: the
 * client's CPU for that compare 0.65 s -> 0.49 s (median of 7).
 */
static int durations_place(struct durations *d)
{
	size_t nw = 2 * d->nunits, w, k, *next;

	for (k = 0; k < d->n; k++)
		d->off[d->win[k] + 1]++;
	for (w = 0; w < nw; w++)
		d->off[w + 1] += d->off[w];
	if (!(next = malloc((nw ? nw : 1) * sizeof(*next))))
		return -1;
	memcpy(next, d->off, nw * sizeof(*next));
	for (w = 0; w < nw; w++) {
		while (next[w] < d->off[w + 1]) {
			size_t here = next[w], there;
			unsigned t = d->win[here];
			double v;

			if (t == w) {
				next[w]++;
				continue;
			}
			/* the value belongs to window t: swap it into t's
			 * next slot, and look again at what came back */
			there = next[t]++;
			v = d->vals[here];
			d->vals[here] = d->vals[there];
			d->win[here] = d->win[there];
			d->vals[there] = v;
			d->win[there] = t;
		}
	}
	free(next);
	free(d->win);
	d->win = NULL;
	for (w = 0; w < nw; w++)
		order_sort(d->vals + d->off[w], d->off[w + 1] - d->off[w]);
	return 0;
}

/*
 * Fetch the service times of every unit into *d, sorted, in one query.
 * Above COMPARE_HL_MAX values d->vals is left NULL (the caller falls back
 * to the rank sums of section service_time).
 */
static int fetch_durations(struct db *db, struct unit *u, size_t n, const char *tz,
			   struct durations *d)
{
	static const char key[] = "compare.sql#durations";
	const char *sql = sqlres_get(key);
	struct params pp;
	int st;

	memset(d, 0, sizeof(*d));
	d->nunits = n;
	if (!sql) {
		log_error("internal error: no SQL %s", key);
		return DK_SOFTWARE;
	}
	if (!(d->off = calloc(2 * n + 1, sizeof(*d->off)))) {
		log_error("out of memory");
		return DK_SOFTWARE;
	}
	if ((st = params_build(&pp, u, n, NULL, tz, 0))) {
		durations_free(d);
		return st;
	}
	st = db_query_each(db, key, sql, 6, pp.p, duration_row, d, NULL);
	params_free(&pp);
	if (st && d->over) {
		/* too many to hold (or no memory for them): no intervals */
		durations_free(d);
		return DK_OK;
	}
	if (st && d->bad) {
		log_error("internal error: unexpected row in a comparison query");
		st = DK_SOFTWARE;
	}
	if (st) {
		durations_free(d);
		return st;
	}
	if (!d->vals && !(d->vals = malloc(sizeof(double)))) {
		log_error("out of memory");
		durations_free(d);
		return DK_SOFTWARE;
	}
	if (durations_place(d)) {
		log_error("out of memory");
		durations_free(d);
		return DK_SOFTWARE;
	}
	return DK_OK;
}

/* The median of sorted x[0..n-1] as PostgreSQL's percentile_cont(0.5):
 * lo + 0.5 * (hi - lo), which may differ from (lo + hi) / 2 in the last
 * bit; NAN for n = 0. */
static double median_cont(const double *x, size_t n)
{
	double lo, hi;

	if (n == 0)
		return NAN;
	lo = x[(n - 1) / 2];
	hi = x[n / 2];
	return n % 2 ? lo : lo + 0.5 * (hi - lo);
}

/* Sizes and medians of every unit's windows, from the sorted service times. */
static void durations_sides(const struct durations *d, struct unit *u, size_t n)
{
	for (size_t i = 0; i < 2 * n; i++) {
		struct side *s = &u[i / 2].self[i % 2];
		size_t c = d->off[i + 1] - d->off[i];

		s->st_n = (double)c;
		s->st_median = median_cont(d->vals + d->off[i], c);
		s->st_median_set = c > 0;
	}
}

/* ---- rows ---------------------------------------------------------------- */

static void set_num(struct compare_num *x, double v)
{
	x->set = isfinite(v) ? 1 : 0;
	x->v = x->set ? v : 0;
}

/* Blank every number of a row (a skipped row keeps dates and test). */
static void blank_numbers(struct compare_row *row)
{
	struct compare_did did = { 0 };

	row->before = row->after = row->change = row->change_pct = (struct compare_num){ 0 };
	row->ci_low = row->ci_high = row->p_value = (struct compare_num){ 0 };
	row->n_before = row->n_after = (struct compare_num){ 0 };
	row->did = did;
}

/* Fill before, after, change and change_pct from the two values. */
static void set_levels(struct compare_row *row, double before, double after)
{
	set_num(&row->before, before);
	set_num(&row->after, after);
	if (row->before.set && row->after.set) {
		set_num(&row->change, after - before);
		if (before != 0)
			set_num(&row->change_pct, (after - before) / before);
	}
}

static void set_test(struct compare_row *row, const struct stats_result *sr)
{
	set_num(&row->ci_low, sr->ci_low);
	set_num(&row->ci_high, sr->ci_high);
	set_num(&row->p_value, sr->p_value);
}

/* The successes and trials of a rate metric on one side. */
static void rate_parts(enum compare_metric m, const struct side *s, double *x, double *n)
{
	switch (m) {
	case CMP_DIGITAL_CHANNEL_RATE: *x = s->digital; *n = s->requests; break;
	case CMP_COMPLETION_RATE: *x = s->completed; *n = s->requests; break;
	default: *x = s->csat; *n = s->sat_n; break;
	}
}

/* The number of observations of metric m on one side. */
static double side_n(enum compare_metric m, const struct side *s)
{
	switch (m) {
	case CMP_REQUESTS_PER_MONTH:
	case CMP_DIGITAL_CHANNEL_RATE:
	case CMP_COMPLETION_RATE:
		return s->requests;
	case CMP_SERVICE_TIME_MEDIAN:
		return s->st_n;
	default:
		return s->sat_n;
	}
}

/*
 * Mann-Whitney p-value and Hodges-Lehmann interval of the units with
 * use[i] set (one, or the pooled set) from the sorted service times into
 * *sr (none when sr is NULL); for a pooled set also its sizes and medians
 * into pooled[0..1].
 * A single unit's windows are used in place; a pooled set is gathered into
 * one copy (8 bytes a value) and sorted.
 */
static int shift_stats(const struct durations *dur, size_t n,
		       const unsigned char *use, double level, struct side pooled[2],
		       struct stats_result *sr)
{
	double *before = NULL, *after = NULL;
	size_t n1 = 0, n2 = 0, k1 = 0, k2 = 0, i, c;
	int st = DK_OK, count = 0;

	for (i = 0; i < n; i++)
		if (use[i]) {
			count++;
			n1 += dur->off[2 * i + 1] - dur->off[2 * i];
			n2 += dur->off[2 * i + 2] - dur->off[2 * i + 1];
		}
	if (count == 1) {
		for (i = 0; !use[i]; i++)
			;
		before = dur->vals + dur->off[2 * i];
		after = dur->vals + dur->off[2 * i + 1];
	} else {
		if (!(before = malloc((n1 + n2 + 1) * sizeof(*before)))) {
			log_error("out of memory for %zu service times", n1 + n2);
			return DK_SOFTWARE;
		}
		after = before + n1;
		for (i = 0; i < n; i++) {
			if (!use[i])
				continue;
			c = dur->off[2 * i + 1] - dur->off[2 * i];
			memcpy(before + k1, dur->vals + dur->off[2 * i], c * sizeof(double));
			k1 += c;
			c = dur->off[2 * i + 2] - dur->off[2 * i + 1];
			memcpy(after + k2, dur->vals + dur->off[2 * i + 1], c * sizeof(double));
			k2 += c;
		}
		order_sort(before, n1);
		order_sort(after, n2);
	}
	if (pooled) {
		pooled[0].st_n = (double)n1;
		pooled[0].st_median = median_cont(before, n1);
		pooled[0].st_median_set = n1 > 0;
		pooled[1].st_n = (double)n2;
		pooled[1].st_median = median_cont(after, n2);
		pooled[1].st_median_set = n2 > 0;
	}
	if (sr && stats_shift_test_sorted(before, n1, after, n2, level, sr)) {
		log_error("internal error: mann-whitney or hodges-lehmann failed");
		st = DK_SOFTWARE;
	}
	if (count != 1)
		free(before);
	return st;
}

/* change = the test's estimate (not after - before: the Hodges-Lehmann
 * shift of service time, a pooled row's stratified estimate), change_pct
 * = change / before. */
static void set_change(struct compare_row *row, double estimate)
{
	set_num(&row->change, estimate);
	row->change_pct = (struct compare_num){ 0 };
	if (row->change.set && row->before.set && row->before.v != 0)
		set_num(&row->change_pct, estimate / row->before.v);
}

/* The statistics of metric m of unit u (index i of n, use[i] set alone):
 * from its two sides, its covered days and, for service time, its sorted
 * service times (or the rank sums from SQL when those were too many). */
static int fill_stats(const struct durations *dur, struct compare_row *row,
		      const struct unit *u, size_t n, const unsigned char *use, double level)
{
	const struct side *s = u->self;
	struct stats_result sr;
	double x1, n1, x2, n2, e1, e2;
	int st;

	set_num(&row->n_before, side_n(row->metric, &s[0]));
	set_num(&row->n_after, side_n(row->metric, &s[1]));
	switch (row->metric) {
	case CMP_REQUESTS_PER_MONTH:
		/* the exposure is the days with data, in average months */
		e1 = u->days[0] / COMPARE_DAYS_PER_MONTH;
		e2 = u->days[1] / COMPARE_DAYS_PER_MONTH;
		if (!(e1 > 0 && e2 > 0))
			break;
		set_levels(row, s[0].requests / e1, s[1].requests / e2);
		if (stats_poisson_exact((unsigned long)s[0].requests, e1,
					(unsigned long)s[1].requests, e2, level, &sr))
			return DK_SOFTWARE;
		set_test(row, &sr);
		break;
	case CMP_DIGITAL_CHANNEL_RATE:
	case CMP_COMPLETION_RATE:
	case CMP_SATISFACTION_CSAT:
		rate_parts(row->metric, &s[0], &x1, &n1);
		rate_parts(row->metric, &s[1], &x2, &n2);
		set_levels(row, x1 / n1, x2 / n2);
		if (stats_prop_test((unsigned long)x1, (unsigned long)n1, (unsigned long)x2,
				    (unsigned long)n2, level, &sr))
			return DK_SOFTWARE;
		set_test(row, &sr);
		break;
	case CMP_SATISFACTION_MEAN:
		set_levels(row, s[0].sat_sum / s[0].sat_n, s[1].sat_sum / s[1].sat_n);
		if (stats_welch(s[0].sat_sum / s[0].sat_n, s[0].sat_var_set ? s[0].sat_var : NAN,
				(unsigned long)s[0].sat_n,
				s[1].sat_sum / s[1].sat_n, s[1].sat_var_set ? s[1].sat_var : NAN,
				(unsigned long)s[1].sat_n, level, &sr))
			return DK_SOFTWARE;
		set_test(row, &sr);
		break;
	case CMP_SERVICE_TIME_MEDIAN:
		set_levels(row, s[0].st_median_set ? s[0].st_median : NAN,
			   s[1].st_median_set ? s[1].st_median : NAN);
		if (!dur->vals) {
			/* too many service times to hold: the p-value from the
			 * rank sums computed in SQL, no shift and no interval */
			if (stats_mann_whitney_ranks((unsigned long)s[0].st_n,
						     (unsigned long)s[1].st_n,
						     u->rank_sum1, u->tie_sum, &sr)) {
				log_error("internal error: impossible rank sums from the database");
				return DK_SOFTWARE;
			}
			row->change = row->change_pct = (struct compare_num){ 0 };
			set_num(&row->p_value, sr.p_value);
			row->test = test_hl_too_many;
			break;
		}
		if ((st = shift_stats(dur, n, use, level, NULL, &sr)))
			return st;
		set_test(row, &sr);
		/* the change the interval belongs to: the Hodges-Lehmann shift */
		set_change(row, sr.estimate);
		break;
	default:
		break;
	}
	return DK_OK;
}

static double van_elteren_ranks(const struct unit *u, size_t n, const unsigned char *use);

/* Set the levels of a pooled row as the weighted means of its strata's
 * (weights w[0..k-1]), so that after - before is the pooled change. */
static void pooled_levels(struct compare_row *row, const double *w, const double *b,
			  const double *a, size_t k)
{
	double sw = 0, sb = 0, sa = 0;

	for (size_t i = 0; i < k; i++) {
		sw += w[i];
		sb += w[i] * b[i];
		sa += w[i] * a[i];
	}
	set_num(&row->before, sb / sw);
	set_num(&row->after, sa / sw);
}

/*
 * The pooled row of metric m over the units with use[i] set, stratified by
 * service: Mantel-Haenszel for the proportions, inverse-variance pooling of
 * the differences for requests per month and the mean score (levels the
 * same weighted means of the services' levels), van Elteren for service
 * time (levels the medians of the pooled service times). pooled[0..1]
 * hold the summed sides (and, without the sorted service times, the
 * pooled medians and sizes from SQL, and the van Elteren p is then taken
 * from the services' rank sums).
 */
static int fill_pooled(const struct durations *dur, struct compare_row *row,
		       const struct unit *u, size_t n, const unsigned char *use,
		       const struct side pooled[2], double level)
{
	struct stats_result sr;
	struct stats_table2 *tab = NULL;
	struct stats_stratum *strata = NULL;
	double *w = NULL, *b, *a, *est, *var;
	struct side t[2];
	size_t k = 0, i;
	int st = DK_OK, bp = 0, ap = 0;

	sr = (struct stats_result){ NAN, NAN, NAN, NAN, NAN, NAN };
	set_num(&row->n_before, side_n(row->metric, &pooled[0]));
	set_num(&row->n_after, side_n(row->metric, &pooled[1]));
	w = calloc(5 * n + 1, sizeof(*w));
	tab = calloc(n + 1, sizeof(*tab));
	strata = calloc(n + 1, sizeof(*strata));
	if (!w || !tab || !strata) {
		log_error("out of memory");
		st = DK_SOFTWARE;
		goto out;
	}
	b = w + n;
	a = b + n;
	est = a + n;
	var = est + n;
	for (i = 0; i < n; i++) {
		const struct side *s = u[i].self;
		double x1, n1, x2, n2, e1, e2, v1, v2;

		if (!use[i])
			continue;
		bp |= strcmp(u[i].coverage, "full") && strcmp(u[i].coverage, "after-partial");
		ap |= strcmp(u[i].coverage, "full") && strcmp(u[i].coverage, "before-partial");
		switch (row->metric) {
		case CMP_REQUESTS_PER_MONTH:
			e1 = u[i].days[0] / COMPARE_DAYS_PER_MONTH;
			e2 = u[i].days[1] / COMPARE_DAYS_PER_MONTH;
			b[k] = s[0].requests / e1;
			a[k] = s[1].requests / e2;
			est[k] = a[k] - b[k];
			var[k] = s[0].requests / (e1 * e1) + s[1].requests / (e2 * e2);
			w[k] = 1 / var[k];
			k++;
			break;
		case CMP_DIGITAL_CHANNEL_RATE:
		case CMP_COMPLETION_RATE:
		case CMP_SATISFACTION_CSAT:
			rate_parts(row->metric, &s[0], &x1, &n1);
			rate_parts(row->metric, &s[1], &x2, &n2);
			tab[k] = (struct stats_table2){ (unsigned long)x1, (unsigned long)n1,
							(unsigned long)x2, (unsigned long)n2 };
			b[k] = x1 / n1;
			a[k] = x2 / n2;
			w[k] = n1 * n2 / (n1 + n2); /* the Mantel-Haenszel weight */
			k++;
			break;
		case CMP_SATISFACTION_MEAN:
			v1 = s[0].sat_var_set ? s[0].sat_var / s[0].sat_n : 0;
			v2 = s[1].sat_var_set ? s[1].sat_var / s[1].sat_n : 0;
			/* a service whose scores never vary has no variance to
			 * weigh it by: it is left out of the pooled mean */
			if (!(v1 + v2 > 0))
				break;
			b[k] = s[0].sat_sum / s[0].sat_n;
			a[k] = s[1].sat_sum / s[1].sat_n;
			est[k] = a[k] - b[k];
			var[k] = v1 + v2;
			w[k] = 1 / var[k];
			k++;
			break;
		case CMP_SERVICE_TIME_MEDIAN:
			if (!dur->vals)
				break;
			strata[k].before = dur->vals + dur->off[2 * i];
			strata[k].n1 = dur->off[2 * i + 1] - dur->off[2 * i];
			strata[k].after = dur->vals + dur->off[2 * i + 1];
			strata[k].n2 = dur->off[2 * i + 2] - dur->off[2 * i + 1];
			k++;
			break;
		default:
			break;
		}
	}
	row->coverage = coverage_name(bp, ap);
	switch (row->metric) {
	case CMP_REQUESTS_PER_MONTH:
	case CMP_SATISFACTION_MEAN:
		if (k == 0)
			break;
		pooled_levels(row, w, b, a, k);
		if (stats_inverse_variance(est, var, k, level, &sr)) {
			st = DK_SOFTWARE;
			goto out;
		}
		set_test(row, &sr);
		set_change(row, sr.estimate);
		break;
	case CMP_DIGITAL_CHANNEL_RATE:
	case CMP_COMPLETION_RATE:
	case CMP_SATISFACTION_CSAT:
		pooled_levels(row, w, b, a, k);
		if (stats_mantel_haenszel(tab, k, level, &sr)) {
			st = DK_SOFTWARE;
			goto out;
		}
		set_test(row, &sr);
		set_change(row, sr.estimate);
		break;
	case CMP_SERVICE_TIME_MEDIAN:
		if (!dur->vals) {
			set_num(&row->n_before, pooled[0].st_n);
			set_num(&row->n_after, pooled[1].st_n);
			set_levels(row, pooled[0].st_median_set ? pooled[0].st_median : NAN,
				   pooled[1].st_median_set ? pooled[1].st_median : NAN);
			row->change = row->change_pct = (struct compare_num){ 0 };
			set_num(&row->p_value, van_elteren_ranks(u, n, use));
			row->test = test_ve_too_many;
			break;
		}
		/* the levels: medians of the pooled service times */
		if ((st = shift_stats(dur, n, use, 0, t, NULL)))
			goto out;
		set_num(&row->n_before, t[0].st_n);
		set_num(&row->n_after, t[1].st_n);
		set_levels(row, t[0].st_median_set ? t[0].st_median : NAN,
			   t[1].st_median_set ? t[1].st_median : NAN);
		if (stats_van_elteren(strata, k, level, &sr)) {
			log_error("internal error: van elteren failed");
			st = DK_SOFTWARE;
			goto out;
		}
		set_test(row, &sr);
		set_change(row, sr.estimate);
		break;
	default:
		break;
	}
out:
	free(w);
	free(tab);
	free(strata);
	return st;
}

/* The van Elteren p-value from the rank sums and tie terms of SQL (the
 * services' own, u[i].rank_sum1 and tie_sum), for the units with use[i]. */
static double van_elteren_ranks(const struct unit *u, size_t n, const unsigned char *use)
{
	double score = 0, var = 0;

	for (size_t i = 0; i < n; i++) {
		double n1 = u[i].self[0].st_n, n2 = u[i].self[1].st_n, nn = n1 + n2;
		double w = 1 / (nn + 1), m = n1 * n2, u2;

		if (!use[i] || n1 == 0 || n2 == 0)
			continue;
		u2 = m - (u[i].rank_sum1 - n1 * (n1 + 1) / 2);
		score += w * (u2 - m / 2);
		var += w * w * m / 12 * ((nn + 1) - u[i].tie_sum / (nn * (nn - 1)));
	}
	return var > 0 ? fmin(1, erfc(fabs(score) / sqrt(var) * M_SQRT1_2)) : NAN;
}

/* Combine satisfaction of two groups: sizes, sums, sample variances. */
static void side_add(struct side *to, const struct side *from)
{
	double n = to->sat_n + from->sat_n, m1, m2, ss;

	if (from->sat_n > 0) {
		m1 = to->sat_n > 0 ? to->sat_sum / to->sat_n : 0;
		m2 = from->sat_sum / from->sat_n;
		/* sums of squared deviations, each about its own mean, plus
		 * the between-group part (Chan et al.) */
		ss = (to->sat_n > 1 && to->sat_var_set ? to->sat_var * (to->sat_n - 1) : 0) +
		     (from->sat_n > 1 && from->sat_var_set ? from->sat_var * (from->sat_n - 1) : 0) +
		     (to->sat_n > 0 ? (m2 - m1) * (m2 - m1) * to->sat_n * from->sat_n / n : 0);
		to->sat_var = n > 1 ? ss / (n - 1) : 0;
		to->sat_var_set = n > 1;
	}
	to->requests += from->requests;
	to->digital += from->digital;
	to->completed += from->completed;
	to->sat_n = n;
	to->sat_sum += from->sat_sum;
	to->csat += from->csat;
}

/* The difference-in-differences of a service row from its comparison group. */
static void fill_did(struct compare_row *row, const struct unit *u, double level)
{
	const struct side *t = u->self, *c = u->ctrl;
	double v[4], var[4], x, n, nc0, nc1, est, se, z;
	const struct side *cells[4] = { &t[0], &t[1], &c[0], &c[1] };

	if (!compare_metrics[row->metric].has_did) {
		row->did.note = "not estimated for this metric";
		return;
	}
	if (row->skip) {
		row->did.note = "comparison skipped";
		return;
	}
	set_num(&row->did.n_controls, u->n_controls);
	if (u->n_controls == 0) {
		row->did.note = "no comparison services";
		return;
	}
	nc0 = side_n(row->metric, &c[0]);
	nc1 = side_n(row->metric, &c[1]);
	set_num(&row->did.n_control_before, nc0);
	set_num(&row->did.n_control_after, nc1);
	if (nc0 < COMPARE_MIN_N || nc1 < COMPARE_MIN_N) {
		row->did.note = "comparison group too small";
		return;
	}
	for (int k = 0; k < 4; k++) {
		if (row->metric == CMP_SATISFACTION_MEAN) {
			n = cells[k]->sat_n;
			v[k] = cells[k]->sat_sum / n;
			var[k] = (cells[k]->sat_var_set ? cells[k]->sat_var : 0) / n;
		} else {
			rate_parts(row->metric, cells[k], &x, &n);
			v[k] = x / n;
			var[k] = v[k] * (1 - v[k]) / n;
		}
	}
	set_num(&row->did.control_before, v[2]);
	set_num(&row->did.control_after, v[3]);
	est = (v[1] - v[0]) - (v[3] - v[2]);
	se = sqrt(var[0] + var[1] + var[2] + var[3]);
	set_num(&row->did.estimate, est);
	set_num(&row->did.se, se);
	if (se > 0) {
		z = stats_norm_quantile((1 + level) / 2);
		set_num(&row->did.ci_low, est - z * se);
		set_num(&row->did.ci_high, est + z * se);
		set_num(&row->did.p_value, 2 * stats_norm_cdf(-fabs(est / se)));
	}
}

/* Why metric m of unit u is skipped, or NULL. */
static const char *skip_reason(const struct unit *u, enum compare_metric m)
{
	int lo0, lo1;

	if (!u->complete)
		return "after-window not complete";
	lo0 = side_n(m, &u->self[0]) < COMPARE_MIN_N;
	lo1 = side_n(m, &u->self[1]) < COMPARE_MIN_N;
	if (lo0 && lo1)
		return "fewer than 30 observations before and after";
	if (lo0)
		return "fewer than 30 observations before";
	if (lo1)
		return "fewer than 30 observations after";
	return NULL;
}

/* Read the services; select the adopting ones asked for into *units. */
static int load_units(struct db *db, const struct compare_request *req, struct store *store,
		      struct compare_result *res, struct unit **units, size_t *nunits)
{
	PGresult *pr = NULL;
	struct unit *u = NULL;
	unsigned char *found = NULL;
	size_t n = 0, k;
	int st, r, rows;

	*units = NULL;
	*nunits = 0;
	if ((st = db_query(db, "compare.sql#services", 0, NULL, &pr)))
		return st;
	rows = PQntuples(pr);
	u = calloc(rows ? (size_t)rows : 1, sizeof(*u));
	found = calloc(req->nservices ? req->nservices : 1, 1);
	res->not_adopted = calloc(rows ? (size_t)rows : 1, sizeof(char *));
	if (!u || !found || !res->not_adopted)
		goto oom;
	for (r = 0; r < rows; r++) {
		const char *code = PQgetvalue(pr, r, 0), *since = db_get(pr, r, 3);
		struct unit *x = &u[n];
		int want = req->services == NULL;

		for (k = 0; k < req->nservices; k++)
			if (!strcmp(req->services[k], code)) {
				found[k] = 1;
				want = 1;
			}
		if (!want)
			continue;
		if (!since) {
			if (!(res->not_adopted[res->nnot_adopted++] = store_dup(store, code)))
				goto oom;
			continue;
		}
		if (date_parse_iso(since, &x->d)) {
			log_error("internal error: cannot read digital_id_since of '%s'", code);
			st = DK_SOFTWARE;
			goto out;
		}
		if (!(x->code = store_dup(store, code)) ||
		    !(x->name_th = store_dup(store, PQgetvalue(pr, r, 1))) ||
		    !(x->name_en = store_dup(store, PQgetvalue(pr, r, 2))))
			goto oom;
		x->bs = date_add_months(x->d, -req->window_months);
		x->be = x->d;
		x->as = date_add_months(x->d, req->ramp_months);
		x->ae = date_add_months(x->as, req->window_months);
		x->complete = date_cmp(x->ae, res->today) <= 0;
		/* The comparison group: the other services not yet adopted at
		 * the end of the after-window. */
		for (int c = 0; c < rows; c++) {
			struct civil_date cd;
			const char *cs = db_get(pr, c, 3);

			if (c == r)
				continue;
			if (!cs || (date_parse_iso(cs, &cd) == 0 && date_cmp(cd, x->ae) >= 0))
				x->n_controls++;
		}
		n++;
	}
	for (k = 0; k < req->nservices; k++)
		if (!found[k]) {
			char hint[SUGGEST_HINT_MAX];

			log_error("unknown service '%s'%s", req->services[k],
				  suggest_query(db, "complete.sql#services", req->services[k],
						hint, sizeof(hint)));
			log_hint("the codes are in the services table ('didkpi kpi --by service' lists them)");
			st = DK_USAGE;
			goto out;
		}
	*units = u;
	*nunits = n;
	u = NULL;
	st = DK_OK;
	goto out;
oom:
	log_error("out of memory");
	st = DK_SOFTWARE;
out:
	free(u);
	free(found);
	PQclear(pr);
	return st;
}

static void row_dates(struct compare_row *row, const struct unit *u)
{
	row->has_dates = 1;
	row->adopted = u->d;
	row->before_start = u->bs;
	row->before_end = u->be;
	row->after_start = u->as;
	row->after_end = u->ae;
}

int compare_compute(struct db *db, const struct compare_request *req,
		    struct compare_result **out)
{
	struct compare_result *res = NULL;
	struct store *store = NULL;
	struct unit *u = NULL;
	unsigned char *use = NULL;
	struct durations dur = { 0 };
	unsigned metrics = req->metrics ? req->metrics : (1u << CMP_METRIC_COUNT) - 1;
	double level = req->level > 0 && req->level < 1 ? req->level : 0.95;
	size_t n = 0, nm = 0, i, k;
	int st, m;

	*out = NULL;
	for (m = 0; m < CMP_METRIC_COUNT; m++)
		nm += (metrics >> m) & 1;
	res = calloc(1, sizeof(*res));
	store = calloc(1, sizeof(*store));
	if (!res || !store) {
		free(res);
		free(store);
		log_error("out of memory");
		return DK_SOFTWARE;
	}
	res->store = store;
	res->window_months = req->window_months;
	res->ramp_months = req->ramp_months;
	res->did = req->did;
	res->level = level;
	if ((st = kpi_today(db, req->tz, &res->today)) ||
	    (st = load_units(db, req, store, res, &u, &n)))
		goto out;
	if (n > 0 && ((st = fetch_counts(db, u, n, req->tz, 0)) ||
		      (st = fetch_coverage(db, u, n, req->tz)) ||
		      (req->did && (st = fetch_counts(db, u, n, req->tz, 1)))))
		goto out;
	/* The service times, fetched once and sorted: sizes, medians, ranks
	 * and intervals all come from them; only when they are too many to
	 * hold do sizes, medians and rank sums come from SQL instead. */
	if (n > 0 && ((metrics >> CMP_SERVICE_TIME_MEDIAN) & 1)) {
		if ((st = fetch_durations(db, u, n, req->tz, &dur)))
			goto out;
		if (dur.vals)
			durations_sides(&dur, u, n);
		else if ((st = fetch_times(db, u, n, NULL, req->tz, NULL, NULL, NULL)))
			goto out;
	}
	for (i = 0; i < n; i++)
		for (m = 0; m < CMP_METRIC_COUNT; m++)
			u[i].skip[m] = skip_reason(&u[i], (enum compare_metric)m);

	res->rows = calloc(nm * (n + 1) + 1, sizeof(*res->rows));
	use = calloc(n + 1, 1);
	if (!res->rows || !use) {
		log_error("out of memory");
		st = DK_SOFTWARE;
		goto out;
	}
	/* The pooled rows, each on the services whose row is not skipped. */
	for (m = 0; m < CMP_METRIC_COUNT; m++) {
		struct compare_row *row;
		struct side pooled[2] = { { 0 } };
		double rank_sum1 = 0, tie_sum = 0;
		int count = 0;

		if (!((metrics >> m) & 1))
			continue;
		row = &res->rows[res->nrows++];
		row->service_code = "all";
		row->name_th = "ทุกบริการ";
		row->name_en = "All services";
		row->pooled = 1;
		row->metric = (enum compare_metric)m;
		row->test = compare_metrics[m].pooled_test;
		row->level = level;
		if (req->did)
			row->did.note = "not estimated for the pooled row";
		for (i = 0; i < n; i++) {
			use[i] = u[i].skip[m] == NULL;
			if (use[i]) {
				count++;
				side_add(&pooled[0], &u[i].self[0]);
				side_add(&pooled[1], &u[i].self[1]);
			}
		}
		row->pooled_services = count;
		if (count == 0) {
			row->skip = "no service to pool";
			continue;
		}
		if (m == CMP_SERVICE_TIME_MEDIAN && !dur.vals &&
		    (st = fetch_times(db, u, n, use, req->tz, pooled, &rank_sum1, &tie_sum)))
			goto out;
		if ((st = fill_pooled(&dur, row, u, n, use, pooled, level)))
			goto out;
	}
	/* One row per service and metric. */
	for (i = 0; i < n; i++) {
		memset(use, 0, n);
		use[i] = 1;
		for (m = 0; m < CMP_METRIC_COUNT; m++) {
			struct compare_row *row;

			if (!((metrics >> m) & 1))
				continue;
			row = &res->rows[res->nrows++];
			row->service_code = u[i].code;
			row->name_th = u[i].name_th;
			row->name_en = u[i].name_en;
			row->metric = (enum compare_metric)m;
			row->test = compare_metrics[m].test;
			row_dates(row, &u[i]);
			row->level = level;
			row->coverage = u[i].coverage;
			set_num(&row->before_days, u[i].days[0]);
			set_num(&row->after_days, u[i].days[1]);
			row->skip = u[i].skip[m];
			if (!row->skip &&
			    (st = fill_stats(&dur, row, &u[i], n, use, level)))
				goto out;
			if (row->skip)
				blank_numbers(row);
			if (req->did)
				fill_did(row, &u[i], level);
		}
	}
	for (k = 0; k < res->nnot_adopted; k++)
		log_info("%s: never adopted Digital ID, not compared", res->not_adopted[k]);
	*out = res;
	res = NULL;
	st = DK_OK;
out:
	durations_free(&dur);
	free(use);
	free(u);
	compare_result_free(res);
	return st;
}

void compare_result_free(struct compare_result *r)
{
	if (!r)
		return;
	free(r->rows);
	free(r->not_adopted);
	store_free(r->store);
	free(r);
}

/* ---- one sentence a row ------------------------------------------------------ */

/* |v| of metric m for a sentence: rates in percentage points with one
 * decimal, scores with two, hours and requests whole from 10 up. */
static void sentence_num(enum compare_metric m, double v, char *buf, size_t len)
{
	enum kpi_unit unit = compare_metrics[m].unit;
	int dec;

	if (unit == UNIT_FRACTION) {
		v *= 100;
		dec = 1;
	} else if (unit == UNIT_SCORE) {
		dec = 2;
	} else {
		dec = fabs(v) >= 10 ? 0 : 1;
	}
	snprintf(buf, len, "%.*f", dec, v);
	if (!strcmp(buf, "-0") || !strcmp(buf, "-0.0") || !strcmp(buf, "-0.00"))
		memmove(buf, buf + 1, strlen(buf));
}

char *compare_row_sentence(const struct compare_row *row, int thai)
{
	static const char *const unit_th[] = {
		[UNIT_COUNT] = " ต่อเดือน", [UNIT_FRACTION] = " จุด", [UNIT_HOURS] = " ชม.",
		[UNIT_SCORE] = " คะแนน" };
	static const char *const unit_en[] = {
		[UNIT_COUNT] = " a month", [UNIT_FRACTION] = " pt", [UNIT_HOURS] = " h",
		[UNIT_SCORE] = " points" };
	enum compare_metric m = row->metric;
	enum kpi_unit unit = compare_metrics[m].unit;
	char mag[64], lo[64], hi[64], ci[320], *out = NULL;
	const char *dir, *u = "";
	double level = row->level > 0 && row->level < 1 ? row->level : 0.95;
	int down;

	if (row->skip) {
		if (asprintf(&out, thai ? "ไม่ได้เปรียบเทียบ: %s" : "not compared: %s", row->skip) < 0)
			return NULL;
		return out;
	}
	if (!row->change.set)
		return strdup(thai ? "ไม่มีค่าประมาณการเปลี่ยนแปลง" : "no estimate of the change");
	down = row->change.v < 0;
	sentence_num(m, fabs(row->change.v), mag, sizeof(mag));
	if (!strcmp(mag, "0") || !strcmp(mag, "0.0") || !strcmp(mag, "0.00")) {
		dir = thai ? "ไม่เปลี่ยนแปลง" : "no change";
		down = 0;
		mag[0] = '\0';
	} else {
		dir = down ? (thai ? "ลดลง" : "down") : (thai ? "เพิ่มขึ้น" : "up");
		if ((size_t)unit < sizeof(unit_en) / sizeof(unit_en[0]) && unit_en[unit])
			u = thai ? unit_th[unit] : unit_en[unit];
	}
	ci[0] = '\0';
	if (row->ci_low.set && row->ci_high.set) {
		/* the bounds as sizes in the direction of the change */
		double a = down ? -row->ci_high.v : row->ci_low.v;
		double b = down ? -row->ci_low.v : row->ci_high.v;

		sentence_num(m, a, lo, sizeof(lo));
		sentence_num(m, b, hi, sizeof(hi));
		snprintf(ci, sizeof(ci), thai ? " (ช่วงความเชื่อมั่น %g%% %s%s%s)" :
			 " (%g%% CI %s%s%s)", level * 100, lo,
			 lo[0] == '-' || hi[0] == '-' ? (thai ? " ถึง " : " to ") : "–", hi);
	}
	if (asprintf(&out, "%s%s%s%s%s", dir, mag[0] ? " " : "", mag, u, ci) < 0)
		return NULL;
	return out;
}

/* ---- output --------------------------------------------------------------- */

static const char *const base_cols[] = {
	"service_code", "metric", "before_start", "before_end", "after_start", "after_end",
	"before", "after", "change", "change_pct", "ci_low", "ci_high", "p_value",
	"n_before", "n_after", "test",
};
static const char *const did_cols[] = {
	"control_before", "control_after", "did", "did_se", "did_ci_low", "did_ci_high",
	"did_p_value", "n_control_before", "n_control_after", "n_controls", "did_note",
};
#define NBASE (int)(sizeof(base_cols) / sizeof(base_cols[0]))
#define NDID (int)(sizeof(did_cols) / sizeof(did_cols[0]))
/* Always last, after the --did columns: new columns only come at the end. */
static const char *const end_cols[] = {
	"label", "skip_reason", "coverage", "before_covered_days", "after_covered_days", "sentence",
};
#define NEND (int)(sizeof(end_cols) / sizeof(end_cols[0]))
#define NCOLS_MAX (NBASE + NDID + NEND + 1)

/* Cell text buffers for one row. */
struct cells {
	char buf[NCOLS_MAX][FMT_NUMBER_MAX + 64];
	const char *cell[NCOLS_MAX];
	int n;
};

static void cell_text(struct cells *c, const char *s)
{
	c->cell[c->n++] = s;
}

static void cell_num(struct cells *c, struct compare_num x)
{
	c->cell[c->n] = x.set ? fmt_number(x.v, c->buf[c->n]) : NULL;
	c->n++;
}

static void cell_date(struct cells *c, int has, struct civil_date d)
{
	if (has) {
		date_format_iso(d, c->buf[c->n]);
		c->cell[c->n] = c->buf[c->n];
	} else {
		c->cell[c->n] = NULL;
	}
	c->n++;
}

/* A value of metric m for people: rates as percentages, hours and rates per
 * month with one decimal, scores with two; sign forces a + on positives;
 * a rate's unit is "%" (points 0), percentage points (1) or none (2). */
static char *human(enum compare_metric m, struct compare_num x, int sign, int points,
		   int thai, char *buf, size_t len)
{
	char num[64];
	double v = x.v;
	int dec = 1;

	if (!x.set) {
		snprintf(buf, len, "–");
		return buf;
	}
	if (compare_metrics[m].unit == UNIT_FRACTION)
		v *= 100;
	else if (compare_metrics[m].unit == UNIT_SCORE)
		dec = 2;
	fmt_grouped(v, dec, num, sizeof(num));
	snprintf(buf, len, "%s%s%s", sign && v > 0 && strcmp(num, "0.0") ? "+" : "", num,
		 compare_metrics[m].unit != UNIT_FRACTION ? "" :
		 points == 2 ? "" : points ? (thai ? " จุด" : " pt") : "%");
	return buf;
}

static char *human_p(struct compare_num p, char *buf, size_t len)
{
	if (!p.set)
		snprintf(buf, len, "–");
	else if (p.v < 0.001)
		snprintf(buf, len, "<0.001");
	else
		snprintf(buf, len, "%.3f", p.v);
	return buf;
}

/* The coverage of a row for people: "full", or which window has data on
 * how many of its days ("before 182/365 d"). */
static const char *coverage_human(const struct compare_row *row, int thai, char *buf,
				  size_t len)
{
	char b0[64], b1[64];
	long d0, d1;
	int bp, ap;

	if (!row->coverage)
		return "–";
	if (!strcmp(row->coverage, "full"))
		return thai ? "ครบ" : "full";
	bp = !strcmp(row->coverage, "before-partial") || !strcmp(row->coverage, "both-partial");
	ap = !strcmp(row->coverage, "after-partial") || !strcmp(row->coverage, "both-partial");
	if (!row->has_dates)
		return thai ? "บางบริการไม่ครบ" : "partial (some services)";
	d0 = date_to_days(row->before_end) - date_to_days(row->before_start);
	d1 = date_to_days(row->after_end) - date_to_days(row->after_start);
	b0[0] = b1[0] = '\0';
	if (bp)
		snprintf(b0, sizeof(b0), "%s %.0f/%ld", thai ? "ก่อน" : "before",
			 row->before_days.v, d0);
	if (ap)
		snprintf(b1, sizeof(b1), "%s %.0f/%ld", thai ? "หลัง" : "after",
			 row->after_days.v, d1);
	snprintf(buf, len, "%s%s%s %s", b0, bp && ap ? ", " : "", b1, thai ? "วัน" : "days");
	return buf;
}

/* The table for people: names, rounded numbers, the interval in one cell. */
static int write_table(FILE *f, const struct compare_result *r, int thai)
{
	static const char *const th[] = {
		"บริการ", "ชื่อบริการ", "ตัวชี้วัด", "เริ่มใช้ Digital ID", "ก่อน", "หลัง",
		"เปลี่ยนแปลง", "เปลี่ยนแปลง %", "ช่วงความเชื่อมั่น 95%", "ค่า p", "n ก่อน",
		"n หลัง", "การทดสอบ", "ข้อมูลครอบคลุม", "DiD", "ช่วงความเชื่อมั่น DiD", "ค่า p DiD",
		"หมายเหตุ DiD" };
	static const char *const en[] = {
		"service", "name", "metric", "adopted", "before", "after", "change",
		"change %", "95% CI", "p", "n before", "n after", "test", "coverage", "DiD",
		"DiD 95% CI", "DiD p", "DiD note" };
	enum cell_type types[18] = { 0 };
	char b[18][160], lo[64], hi[64];
	const char *cells[18];
	struct table_writer *w;
	int ncols = r->did ? 18 : 14, bad = 0;

	if (!(w = table_writer_new(f, OUT_TABLE, ncols, thai ? th : en, types)))
		return -1;
	/* too wide for the screen: a heading per service, then fewer columns */
	table_writer_group_by(w, (const int[]){ 0, 1 }, 2);
	table_writer_drop_order(w, (const int[]){ 12, 17, 3, 7, 10, 11, 13 }, 7);
	for (size_t i = 0; i < r->nrows && !bad; i++) {
		const struct compare_row *row = &r->rows[i];
		enum compare_metric m = row->metric;

		cells[0] = row->service_code;
		cells[1] = thai ? row->name_th : row->name_en;
		cells[2] = thai ? compare_metrics[m].label_th : compare_metrics[m].label_en;
		if (row->has_dates)
			date_format_iso(row->adopted, b[3]);
		else
			snprintf(b[3], sizeof(b[3]), "%d %s", row->pooled_services,
				 thai ? "บริการ" : "services");
		cells[3] = b[3];
		cells[4] = human(m, row->before, 0, 0, thai, b[4], sizeof(b[4]));
		cells[5] = human(m, row->after, 0, 0, thai, b[5], sizeof(b[5]));
		cells[6] = human(m, row->change, 1, 1, thai, b[6], sizeof(b[6]));
		if (row->change_pct.set) {
			fmt_grouped(row->change_pct.v * 100, 1, lo, sizeof(lo));
			snprintf(b[7], sizeof(b[7]), "%s%s%%", row->change_pct.v > 0 ? "+" : "", lo);
		} else {
			snprintf(b[7], sizeof(b[7]), "–");
		}
		cells[7] = b[7];
		if (row->ci_low.set && row->ci_high.set)
			snprintf(b[8], sizeof(b[8]), "%s … %s",
				 human(m, row->ci_low, 1, 2, thai, lo, sizeof(lo)),
				 human(m, row->ci_high, 1, 1, thai, hi, sizeof(hi)));
		else
			snprintf(b[8], sizeof(b[8]), "–");
		cells[8] = b[8];
		cells[9] = human_p(row->p_value, b[9], sizeof(b[9]));
		cells[10] = row->n_before.set ? fmt_grouped(row->n_before.v, 0, b[10], sizeof(b[10])) : "–";
		cells[11] = row->n_after.set ? fmt_grouped(row->n_after.v, 0, b[11], sizeof(b[11])) : "–";
		if (row->skip)
			snprintf(b[12], sizeof(b[12]), "skipped: %s", row->skip);
		else
			snprintf(b[12], sizeof(b[12]), "%s", row->test);
		cells[12] = b[12];
		cells[13] = coverage_human(row, thai, b[13], sizeof(b[13]));
		if (r->did) {
			cells[14] = human(m, row->did.estimate, 1, 1, thai, b[14], sizeof(b[14]));
			if (row->did.ci_low.set && row->did.ci_high.set)
				snprintf(b[15], sizeof(b[15]), "%s … %s",
					 human(m, row->did.ci_low, 1, 2, thai, lo, sizeof(lo)),
					 human(m, row->did.ci_high, 1, 1, thai, hi, sizeof(hi)));
			else
				snprintf(b[15], sizeof(b[15]), "–");
			cells[15] = b[15];
			cells[16] = human_p(row->did.p_value, b[16], sizeof(b[16]));
			cells[17] = row->did.note ? row->did.note : "";
		}
		if (table_writer_row(w, cells))
			bad = 1;
	}
	if (table_writer_finish(w))
		bad = 1;
	return bad ? -1 : 0;
}


/* The "meta" object of the JSON forms, as a new string (free it), or NULL
 * when out of memory. */
static char *meta_json(const struct compare_result *r, const struct compare_out_options *o)
{
	const struct compare_meta *m = o->meta;
	char *buf = NULL, num[FMT_NUMBER_MAX], today[DATE_ISO_LEN];
	size_t len = 0, i;
	unsigned seen = 0;
	int first = 1, in, k;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	fputc('{', f);
	json_member_str(f, &first, "didkpi_version", m->version);
	json_member_str(f, &first, "command", "compare");
	json_member_str(f, &first, "data_as_of", m->data_as_of);
	json_member_str(f, &first, "time_zone", m->req ? m->req->tz : NULL);
	json_member_str(f, &first, "language", o->thai ? "th" : "en");
	date_format_iso(r->today, today);
	json_member_str(f, &first, "today", today);
	json_member_raw(f, &first, "parameters", "{");
	in = 1;
	snprintf(num, sizeof(num), "%d", r->window_months);
	json_member_raw(f, &in, "window_months", num);
	snprintf(num, sizeof(num), "%d", r->ramp_months);
	json_member_raw(f, &in, "ramp_months", num);
	json_member_raw(f, &in, "confidence_level", fmt_number(r->level, num));
	json_member_raw(f, &in, "did", r->did ? "true" : "false");
	json_member_raw(f, &in, "services", m->req && m->req->services ? "[" : "null");
	for (i = 0; m->req && m->req->services && i < m->req->nservices; i++) {
		fputs(i ? "," : "", f);
		json_write_string(f, m->req->services[i]);
	}
	if (m->req && m->req->services)
		fputc(']', f);
	fputc('}', f);
	json_member_raw(f, &first, "services_not_adopted", "[");
	for (i = 0; i < r->nnot_adopted; i++) {
		fputs(i ? "," : "", f);
		json_write_string(f, r->not_adopted[i]);
	}
	fputc(']', f);
	/* each metric in the file: its unit, test and label */
	for (i = 0; i < r->nrows; i++)
		seen |= 1u << r->rows[i].metric;
	json_member_raw(f, &first, "metrics", "{");
	for (k = 0, first = 1; k < CMP_METRIC_COUNT; k++) {
		const struct compare_metric_def *d = &compare_metrics[k];

		if (!(seen & (1u << k)))
			continue;
		json_member_raw(f, &first, d->name, "{");
		in = 1;
		json_member_str(f, &in, "unit", kpi_unit_name(d->unit));
		json_member_str(f, &in, "test", d->test);
		json_member_str(f, &in, "pooled_test", d->pooled_test);
		json_member_raw(f, &in, "higher_is_better", d->higher_is_better ? "true" : "false");
		json_member_str(f, &in, "label", o->thai ? d->label_th : d->label_en);
		fputc('}', f);
	}
	fputs("}}", f);
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

int compare_write(FILE *f, const struct compare_result *r, enum out_format fmt, int thai)
{
	const struct compare_out_options o = { .fmt = fmt, .thai = thai };

	return compare_write_opts(f, r, &o);
}

int compare_write_opts(FILE *f, const struct compare_result *r,
		       const struct compare_out_options *o)
{
	const char *names[NCOLS_MAX];
	enum cell_type types[NCOLS_MAX];
	struct table_writer *w;
	struct cells *c;
	char *meta = NULL, *sentence;
	int ncols = 0, k, bad = 0;

	if (o->fmt == OUT_TABLE)
		return write_table(f, r, o->thai);
	if (o->meta && (o->fmt == OUT_JSON || o->fmt == OUT_NDJSON) && !(meta = meta_json(r, o)))
		return -1;
	if (!(c = malloc(sizeof(*c)))) {
		free(meta);
		return -1;
	}
	for (k = 0; k < NBASE; k++) {
		names[ncols] = base_cols[k];
		types[ncols++] = k >= 6 && k <= 14 ? CELL_NUMBER : CELL_TEXT;
	}
	if (r->did)
		for (k = 0; k < NDID; k++) {
			names[ncols] = did_cols[k];
			types[ncols++] = k < NDID - 1 ? CELL_NUMBER : CELL_TEXT;
		}
	for (k = 0; k < NEND; k++) {
		names[ncols] = end_cols[k];
		types[ncols++] = k == 3 || k == 4 ? CELL_NUMBER : CELL_TEXT;
	}
	w = table_writer_open(f, o->fmt, ncols, names, types, o->no_header ? TW_NO_HEADER : 0,
			      meta);
	free(meta);
	if (!w) {
		free(c);
		return -1;
	}
	for (size_t i = 0; i < r->nrows && !bad; i++) {
		const struct compare_row *row = &r->rows[i];
		const struct compare_did *d = &row->did;

		c->n = 0;
		cell_text(c, row->service_code);
		cell_text(c, compare_metrics[row->metric].name);
		cell_date(c, row->has_dates, row->before_start);
		cell_date(c, row->has_dates, row->before_end);
		cell_date(c, row->has_dates, row->after_start);
		cell_date(c, row->has_dates, row->after_end);
		cell_num(c, row->before);
		cell_num(c, row->after);
		cell_num(c, row->change);
		cell_num(c, row->change_pct);
		cell_num(c, row->ci_low);
		cell_num(c, row->ci_high);
		cell_num(c, row->p_value);
		cell_num(c, row->n_before);
		cell_num(c, row->n_after);
		/* a skipped row ran no test: its reason has a column of its own */
		cell_text(c, row->skip ? NULL : row->test);
		if (r->did) {
			cell_num(c, d->control_before);
			cell_num(c, d->control_after);
			cell_num(c, d->estimate);
			cell_num(c, d->se);
			cell_num(c, d->ci_low);
			cell_num(c, d->ci_high);
			cell_num(c, d->p_value);
			cell_num(c, d->n_control_before);
			cell_num(c, d->n_control_after);
			cell_num(c, d->n_controls);
			cell_text(c, d->note);
		}
		cell_text(c, o->thai ? row->name_th : row->name_en);
		cell_text(c, row->skip);
		cell_text(c, row->coverage);
		cell_num(c, row->before_days);
		cell_num(c, row->after_days);
		if (!(sentence = compare_row_sentence(row, o->thai))) {
			bad = 1;
			break;
		}
		cell_text(c, sentence);
		if (table_writer_row(w, c->cell))
			bad = 1;
		free(sentence);
	}
	free(c);
	if (table_writer_finish(w))
		bad = 1;
	return bad ? -1 : 0;
}
