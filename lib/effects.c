/* ATT(g,t) of Callaway & Sant'Anna (2021), unconditional, its
 * aggregations and a multiplier bootstrap clustered by service. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "effects.h"
#include "log.h"
#include "stats.h"
#include "status.h"

const struct effects_outcome_def effects_outcomes[EFF_OUTCOME_COUNT] = {
	{ "requests_log", "ลอการิทึมจำนวนคำขอต่อเดือน", "log requests per month", 0, 0 },
	{ "digital_channel_rate", "อัตราการใช้บริการดิจิทัล", "Digital channel rate", 1, 0 },
	{ "completion_rate", "อัตราคำขอที่ดำเนินการเสร็จ", "Completion rate", 1, 0 },
	{ "service_time_median_hours", "เวลาให้บริการ (มัธยฐาน ชม.)", "Service time (median hours)", 0, 1 },
	{ "service_time_mean_hours", "เวลาให้บริการ (เฉลี่ย ชม.)", "Service time (mean hours)", 0, 1 },
	{ "satisfaction_mean", "ความพึงพอใจเฉลี่ย", "Satisfaction (mean score)", 0, 0 },
};

const char *const effects_agg_names[EFF_AGG_COUNT] = {
	"overall", "dynamic", "event", "pretrend", "cohort", "gt"
};

int effects_outcome_find(const char *name)
{
	for (int o = 0; o < EFF_OUTCOME_COUNT; o++)
		if (!strcmp(name, effects_outcomes[o].name))
			return o;
	return -1;
}

int effects_reliable(int treated, int cohorts, int never, enum effects_control control,
		     char *why, size_t len)
{
	const char *what = NULL;

	if (treated < 10)
		what = "fewer than 10 treated services";
	else if (cohorts < 2)
		what = "fewer than 2 adoption cohorts";
	else if (control == EFF_CONTROL_NEVER && never < 5)
		what = "fewer than 5 never-treated services";
	if (what && why)
		snprintf(why, len, "%s (%d treated in %d cohorts, %d never treated)", what,
			 treated, cohorts, never);
	return !what;
}

/* splitmix64: a small, well-mixed generator; the draws depend on the seed
 * only, never on the platform. */
static uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15u);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

/* One multiplier weight: mean 0, variance 1. */
static double draw_weight(uint64_t *s, enum effects_weights w)
{
	double u = (double)(rng_next(s) >> 11) / 9007199254740992.0;

	if (w == EFF_WEIGHTS_RADEMACHER)
		return u < 0.5 ? -1.0 : 1.0;
	/* Mammen's two-point distribution: third moment 1 as well. */
	return u < (sqrt(5.0) + 1) / (2 * sqrt(5.0)) ? (1 - sqrt(5.0)) / 2 : (1 + sqrt(5.0)) / 2;
}

/*
 * An estimand: its value, its influence on each service (the bootstrap
 * deviation is the sum of weight x influence), and who entered it.
 * An estimand is a weighted sum of ATT(g,t), each the mean of its treated
 * services' excess changes x_i (change minus the comparison mean) minus
 * nothing more; the treated influence is sum_k a_k (x_ik - A) / n_k, each
 * treated service's excess measured from the estimand A itself. For one
 * ATT(g,t) that is the deviation from the cohort's mean (as the did
 * package); for an aggregation it also counts the differences between
 * cohorts, so that cohorts of a single service (whose own deviation is 0)
 * still add their noise. The parts are kept apart until A is known.
 */
struct est {
	struct effects_row row;
	double *infl;          /* N: the influence, once finished */
	double *cinfl;         /* N: the comparison services' part */
	double *tx, *ts;       /* N: sum a_k x_ik / n_k and sum a_k / n_k */
	unsigned char *trt;    /* N: treated services in it */
	unsigned char *ctl;    /* N: comparison services in it */
};

struct work {
	int N, T;
	struct est *v;
	int n, cap;
	int oom;
};

static struct est *est_new(struct work *w, enum effects_agg agg, int e, int g, int t)
{
	struct est *x;

	if (w->n == w->cap) {
		int cap = w->cap ? 2 * w->cap : 64;
		struct est *nv = realloc(w->v, (size_t)cap * sizeof(*nv));

		if (!nv) {
			w->oom = 1;
			return NULL;
		}
		w->v = nv;
		w->cap = cap;
	}
	x = &w->v[w->n];
	memset(x, 0, sizeof(*x));
	x->infl = calloc((size_t)w->N, sizeof(double));
	x->cinfl = calloc((size_t)w->N, sizeof(double));
	x->tx = calloc((size_t)w->N, sizeof(double));
	x->ts = calloc((size_t)w->N, sizeof(double));
	x->trt = calloc((size_t)w->N, 1);
	x->ctl = calloc((size_t)w->N, 1);
	if (!x->infl || !x->cinfl || !x->tx || !x->ts || !x->trt || !x->ctl) {
		free(x->infl);
		free(x->cinfl);
		free(x->tx);
		free(x->ts);
		free(x->trt);
		free(x->ctl);
		w->oom = 1;
		return NULL;
	}
	x->row = (struct effects_row){ agg, e, g, t, NAN, NAN, NAN, NAN, NAN, 0, 0 };
	w->n++;
	return x;
}

/* x += weight * the estimand k (value, influence, membership). */
static void est_add(struct work *w, struct est *x, int k, double weight)
{
	const struct est *s = &w->v[k];

	x->row.estimate = (isnan(x->row.estimate) ? 0 : x->row.estimate) + weight * s->row.estimate;
	for (int i = 0; i < w->N; i++) {
		x->cinfl[i] += weight * s->cinfl[i];
		x->tx[i] += weight * s->tx[i];
		x->ts[i] += weight * s->ts[i];
		x->trt[i] |= s->trt[i];
		x->ctl[i] |= s->ctl[i];
	}
}

/* Counts who entered x and finishes its influence (its estimate known). */
static void est_count(struct work *w, struct est *x)
{
	x->row.n_treated = x->row.n_control = 0;
	for (int i = 0; i < w->N; i++) {
		x->infl[i] = x->cinfl[i] + x->tx[i] - x->row.estimate * x->ts[i];
		x->row.n_treated += x->trt[i];
		x->row.n_control += x->ctl[i];
	}
}

/*
 * ATT(g,t) against base month b: the mean change from b to t of the
 * cohort's services minus that of the comparison services (both with
 * values at b and t). The influence of service i is its change's
 * deviation from its group's mean over the group's size (with a minus for
 * comparisons), so that sum_i V_i infl_i is the bootstrap's deviation.
 */
static int att_gt(struct work *w, const struct effects_panel *p,
		  enum effects_control control, int g, int t, int b)
{
	int N = p->nservices, T = p->nmonths, nt = 0, nc = 0, i;
	double mt = 0, mc = 0, d;
	struct est *x;
	int hi = t > b ? t : b;

	for (i = 0; i < N; i++) {
		int gi = p->cohort[i];
		double yt = p->y[(size_t)i * T + t], yb = p->y[(size_t)i * T + b];

		if (!isfinite(yt) || !isfinite(yb))
			continue;
		if (gi == g) {
			nt++;
			mt += yt - yb;
		} else if (gi == EFF_NEVER ||
			   (control == EFF_CONTROL_NOTYET && gi > hi && gi > 0)) {
			nc++;
			mc += yt - yb;
		}
	}
	if (!nt || !nc)
		return 0;
	mt /= nt;
	mc /= nc;
	if (!(x = est_new(w, EFF_AGG_GT, t - g, g, t)))
		return -1;
	x->row.estimate = mt - mc;
	x->row.n_treated = nt;
	x->row.n_control = nc;
	for (i = 0; i < N; i++) {
		int gi = p->cohort[i];
		double yt = p->y[(size_t)i * T + t], yb = p->y[(size_t)i * T + b];

		if (!isfinite(yt) || !isfinite(yb))
			continue;
		d = yt - yb;
		if (gi == g) {
			x->tx[i] = (d - mc) / nt;
			x->ts[i] = 1.0 / nt;
			x->trt[i] = 1;
		} else if (gi == EFF_NEVER ||
			   (control == EFF_CONTROL_NOTYET && gi > hi && gi > 0)) {
			x->cinfl[i] = -(d - mc) / nc;
			x->ctl[i] = 1;
		}
	}
	est_count(w, x);
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The q-quantile of x[0..n) (sorts x; R's type 7). */
static double quantile(double *x, int n, double q)
{
	double h;
	int lo;

	qsort(x, (size_t)n, sizeof(*x), cmp_double);
	h = (n - 1) * q;
	lo = (int)floor(h);
	if (lo >= n - 1)
		return x[n - 1];
	return x[lo] + (h - lo) * (x[lo + 1] - x[lo]);
}

static void work_free(struct work *w)
{
	for (int k = 0; k < w->n; k++) {
		free(w->v[k].infl);
		free(w->v[k].cinfl);
		free(w->v[k].tx);
		free(w->v[k].ts);
		free(w->v[k].trt);
		free(w->v[k].ctl);
	}
	free(w->v);
}

int effects_estimate(const struct effects_panel *p, const struct effects_options *opt,
		     struct effects_result **out)
{
	struct work w = { .N = p->nservices, .T = p->nmonths };
	struct effects_result *r = NULL;
	int N = p->nservices, T = p->nmonths, B = opt->boot;
	int *size = NULL, *cg = NULL, ncg = 0, ngt, i, k, g, t, e, q;
	int first_event = -1, nevent = 0;
	double *dev = NULL, *tmp = NULL, z = stats_norm_quantile(1 - (1 - opt->level) / 2);
	uint64_t seed = opt->seed;
	int st = DK_SOFTWARE;

	*out = NULL;
	if (!(r = calloc(1, sizeof(*r))) || !(size = calloc((size_t)T + 1, sizeof(int))) ||
	    !(cg = calloc((size_t)T + 1, sizeof(int))))
		goto out;
	/* cohorts with a month before them inside the panel */
	for (i = 0; i < N; i++) {
		g = p->cohort[i];
		if (g == EFF_NEVER)
			r->never_services++;
		else if (g >= 1 && g < T) {
			if (!size[g]++)
				r->cohorts++;
			r->treated_services++;
		}
	}
	for (g = 1; g < T; g++)
		if (size[g])
			cg[ncg++] = g;
	r->reliable = effects_reliable(r->treated_services, r->cohorts, r->never_services,
				       opt->control, NULL, 0);

	/* every ATT(g,t) */
	for (k = 0; k < ncg; k++) {
		g = cg[k];
		for (t = 0; t < T; t++) {
			int b = t >= g ? g - 1 : opt->base == EFF_BASE_VARYING ? t - 1 : g - 1;

			if (b < 0 || b == t)
				continue;
			if (att_gt(&w, p, opt->control, g, t, b) < 0)
				goto out;
		}
	}
	ngt = w.n;

	/* overall: the post (g,t), each weighted by its cohort's size */
	{
		double tot = 0;
		struct est *x;

		for (k = 0; k < ngt; k++)
			if (w.v[k].row.t >= w.v[k].row.g)
				tot += size[w.v[k].row.g];
		if (tot > 0) {
			if (!(x = est_new(&w, EFF_AGG_OVERALL, -1, -1, -1)))
				goto out;
			for (k = 0; k < ngt; k++)
				if (w.v[k].row.t >= w.v[k].row.g)
					est_add(&w, &w.v[w.n - 1], k, size[w.v[k].row.g] / tot);
			est_count(&w, &w.v[w.n - 1]);
		}
	}
	/* the event study: at each e, the cohorts' ATT(g, g+e) by size */
	for (e = -opt->leads; e <= opt->lags; e++) {
		double tot = 0;

		for (k = 0; k < ngt; k++)
			if (w.v[k].row.e == e)
				tot += size[w.v[k].row.g];
		if (tot == 0)
			continue;
		if (!est_new(&w, EFF_AGG_EVENT, e, -1, -1))
			goto out;
		if (first_event < 0)
			first_event = w.n - 1;
		nevent++;
		for (k = 0; k < ngt; k++)
			if (w.v[k].row.e == e)
				est_add(&w, &w.v[w.n - 1], k, size[w.v[k].row.g] / tot);
		est_count(&w, &w.v[w.n - 1]);
	}
	/* dynamic: the plain mean of the event study over e >= 0 */
	{
		int npost = 0, dyn;

		for (k = first_event; first_event >= 0 && k < first_event + nevent; k++)
			npost += w.v[k].row.e >= 0;
		if (npost) {
			if (!est_new(&w, EFF_AGG_DYNAMIC, -1, -1, -1))
				goto out;
			dyn = w.n - 1;
			for (k = first_event; k < first_event + nevent; k++)
				if (w.v[k].row.e >= 0)
					est_add(&w, &w.v[dyn], k, 1.0 / npost);
			est_count(&w, &w.v[dyn]);
		}
	}
	/* per cohort: the plain mean of its post ATT(g,t) */
	for (q = 0; q < ncg; q++) {
		int npost = 0, c;

		g = cg[q];
		for (k = 0; k < ngt; k++)
			npost += w.v[k].row.g == g && w.v[k].row.t >= g;
		if (!npost)
			continue;
		if (!est_new(&w, EFF_AGG_COHORT, -1, g, -1))
			goto out;
		c = w.n - 1;
		for (k = 0; k < ngt; k++)
			if (w.v[k].row.g == g && w.v[k].row.t >= g)
				est_add(&w, &w.v[c], k, 1.0 / npost);
		est_count(&w, &w.v[c]);
	}

	/* the bootstrap: one weight per service and replicate, shared by
	 * every estimand, so aggregations keep their correlations */
	if (!(dev = calloc((size_t)w.n * (size_t)B, sizeof(double))) ||
	    !(tmp = calloc((size_t)B, sizeof(double))))
		goto out;
	{
		double *v = calloc((size_t)N + 1, sizeof(double));

		if (!v)
			goto out;
		for (int bb = 0; bb < B; bb++) {
			for (i = 0; i < N; i++)
				v[i] = draw_weight(&seed, opt->weights);
			for (k = 0; k < w.n; k++) {
				double s = 0;

				for (i = 0; i < N; i++)
					s += v[i] * w.v[k].infl[i];
				dev[(size_t)k * B + bb] = s;
			}
		}
		free(v);
	}
	for (k = 0; k < w.n; k++) {
		struct effects_row *x = &w.v[k].row;
		double m = 0, ss = 0;
		const double *d = dev + (size_t)k * B;

		for (i = 0; i < B; i++)
			m += d[i];
		m /= B;
		for (i = 0; i < B; i++)
			ss += (d[i] - m) * (d[i] - m);
		x->se = sqrt(ss / (B - 1));
		/* a deviation of rounding size is no uncertainty */
		if (!(x->se > 1e-12 * (1 + fabs(x->estimate))))
			x->se = NAN;
		x->ci_low = x->estimate - z * x->se;
		x->ci_high = x->estimate + z * x->se;
		x->p_value = isfinite(x->se) ? erfc(fabs(x->estimate / x->se) / sqrt(2.0)) : NAN;
	}
	/* the simultaneous band: the level-quantile of the largest studentised
	 * deviation over the event times */
	r->crit = z;
	if (nevent > 0) {
		int any = 0;

		for (int bb = 0; bb < B; bb++) {
			double mx = 0;

			for (k = first_event; k < first_event + nevent; k++) {
				double se = w.v[k].row.se;

				if (isfinite(se)) {
					double a = fabs(dev[(size_t)k * B + bb]) / se;

					mx = a > mx ? a : mx;
					any = 1;
				}
			}
			tmp[bb] = mx;
		}
		if (any && opt->band == EFF_BAND_SIMULTANEOUS) {
			r->crit = quantile(tmp, B, opt->level);
			for (k = first_event; k < first_event + nevent; k++) {
				w.v[k].row.ci_low = w.v[k].row.estimate - r->crit * w.v[k].row.se;
				w.v[k].row.ci_high = w.v[k].row.estimate + r->crit * w.v[k].row.se;
			}
		}
	}

	/* rows, in output order: overall, dynamic, event, pretrend, cohort, gt */
	if (!(r->rows = calloc((size_t)w.n + 1, sizeof(*r->rows))))
		goto out;
	for (int a = EFF_AGG_OVERALL; a < EFF_AGG_COUNT; a++) {
		if (a == EFF_AGG_PRETREND) {
			/* bootstrap sup-t test of "every pre-adoption event
			 * effect is 0": how often the largest studentised
			 * bootstrap deviation reaches the largest observed
			 * |estimate| / se */
			double s = 0;
			int npre = 0, reach = 0, nt = 0, nc = 0;

			for (k = first_event; first_event >= 0 && k < first_event + nevent; k++) {
				const struct effects_row *x = &w.v[k].row;

				if (x->e < 0 && isfinite(x->se)) {
					double a2 = fabs(x->estimate) / x->se;

					s = a2 > s ? a2 : s;
					npre++;
					nt = x->n_treated > nt ? x->n_treated : nt;
					nc = x->n_control > nc ? x->n_control : nc;
				}
			}
			if (!npre)
				continue;
			for (int bb = 0; bb < B; bb++) {
				double mx = 0;

				for (k = first_event; k < first_event + nevent; k++) {
					const struct effects_row *x = &w.v[k].row;

					if (x->e < 0 && isfinite(x->se)) {
						double a2 = fabs(dev[(size_t)k * B + bb]) / x->se;

						mx = a2 > mx ? a2 : mx;
					}
				}
				reach += mx >= s;
			}
			r->rows[r->nrows++] = (struct effects_row){ EFF_AGG_PRETREND, -1, -1, -1, NAN, NAN,
				NAN, NAN, (1.0 + reach) / (B + 1.0), nt, nc };
			continue;
		}
		for (k = 0; k < w.n; k++)
			if ((int)w.v[k].row.agg == a)
				r->rows[r->nrows++] = w.v[k].row;
	}
	st = DK_OK;
out:
	if (st == DK_OK && w.oom)
		st = DK_SOFTWARE;
	if (st != DK_OK) {
		log_error("effects: out of memory");
		effects_result_free(r);
		r = NULL;
	}
	work_free(&w);
	free(dev);
	free(tmp);
	free(size);
	free(cg);
	*out = r;
	return st;
}

void effects_result_free(struct effects_result *r)
{
	if (!r)
		return;
	free(r->rows);
	free(r);
}

/* ---- the data ---- */

void effects_data_free(struct effects_data *d)
{
	if (!d)
		return;
	for (int i = 0; i < d->nservices; i++) {
		free(d->codes[i]);
		free(d->names_th[i]);
		free(d->names_en[i]);
		free(d->since[i]);
	}
	free(d->codes);
	free(d->names_th);
	free(d->names_en);
	free(d->since);
	free(d->cohort);
	free(d->months);
	for (int o = 0; o < EFF_OUTCOME_COUNT; o++)
		free(d->y[o]);
	free(d);
}

void effects_panel_of(const struct effects_data *d, enum effects_outcome o,
		      struct effects_panel *p)
{
	p->nservices = d->nservices;
	p->nmonths = d->nmonths;
	p->cohort = d->cohort;
	p->y = d->y[o];
}

/* Month number (year * 12 + month - 1) of an ISO date "YYYY-MM-DD". */
static int month_no(const char *iso)
{
	return atoi(iso) * 12 + (int)strtol(iso + 5, NULL, 10) - 1;
}

static int days_in_month(int y, int m)
{
	static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0) ? 29 : dm[m - 1];
}

static double num(const PGresult *res, int row, int col)
{
	const char *v = db_get(res, row, col);

	return v ? strtod(v, NULL) : NAN;
}

int effects_load(struct db *db, const char *tz, struct effects_data **out)
{
	const char *params[1] = { tz };
	PGresult *sv = NULL, *rg = NULL, *se = NULL;
	struct effects_data *d = NULL;
	int st, first, last, n, i, t, o;
	const char *lo, *hi;

	*out = NULL;
	if ((st = db_query(db, "effects.sql#services", 0, NULL, &sv)) ||
	    (st = db_query(db, "effects.sql#range", 1, params, &rg)))
		goto out;
	lo = db_get(rg, 0, 0);
	hi = db_get(rg, 0, 1);
	if (!lo || !hi) {
		log_error("effects: no service requests: nothing to estimate");
		st = DK_DATAERR;
		goto out;
	}
	/* whole months only: a month the data begin or end inside would
	 * look like a drop in requests */
	first = month_no(lo) + (strcmp(lo + 8, "01") != 0);
	last = month_no(hi);
	if (atoi(hi + 8) != days_in_month(last / 12, last % 12 + 1))
		last--;
	if (last - first + 1 < 2) {
		log_error("effects: the requests from %s to %s cover fewer than two whole months", lo, hi);
		st = DK_DATAERR;
		goto out;
	}
	if ((st = db_query(db, "effects.sql#series", 1, params, &se)))
		goto out;
	st = DK_SOFTWARE;
	n = PQntuples(sv);
	if (!(d = calloc(1, sizeof(*d))))
		goto oom;
	d->nservices = n;
	d->nmonths = last - first + 1;
	snprintf(d->first_day, sizeof(d->first_day), "%s", lo);
	snprintf(d->last_day, sizeof(d->last_day), "%s", hi);
	if (!(d->codes = calloc((size_t)n + 1, sizeof(char *))) ||
	    !(d->names_th = calloc((size_t)n + 1, sizeof(char *))) ||
	    !(d->names_en = calloc((size_t)n + 1, sizeof(char *))) ||
	    !(d->since = calloc((size_t)n + 1, sizeof(char *))) ||
	    !(d->cohort = calloc((size_t)n + 1, sizeof(int))) ||
	    !(d->months = calloc((size_t)d->nmonths, sizeof(*d->months))))
		goto oom;
	for (o = 0; o < EFF_OUTCOME_COUNT; o++) {
		if (!(d->y[o] = malloc(((size_t)n * d->nmonths + 1) * sizeof(double))))
			goto oom;
		for (size_t j = 0; j < (size_t)n * d->nmonths; j++)
			d->y[o][j] = NAN;
	}
	for (t = 0; t < d->nmonths; t++)
		snprintf(d->months[t], sizeof(d->months[t]), "%04u-%02u",
			 (unsigned)(first + t) / 12 % 10000, (unsigned)(first + t) % 12 + 1);
	for (i = 0; i < n; i++) {
		const char *since = db_get(sv, i, 3);

		if (!(d->codes[i] = strdup(PQgetvalue(sv, i, 0))) ||
		    !(d->names_th[i] = strdup(PQgetvalue(sv, i, 1))) ||
		    !(d->names_en[i] = strdup(PQgetvalue(sv, i, 2))) ||
		    (since && !(d->since[i] = strdup(since))))
			goto oom;
		/* the adoption month is event time 0; adopting after the
		 * panel is, inside it, never */
		d->cohort[i] = !since ? EFF_NEVER : month_no(since) - first;
		if (d->cohort[i] >= d->nmonths)
			d->cohort[i] = EFF_NEVER;
	}
	for (int r = 0, s = 0; r < PQntuples(se); r++) {
		const char *code = PQgetvalue(se, r, 0);
		double req = num(se, r, 2), dig = num(se, r, 3), done = num(se, r, 4);
		double stn = num(se, r, 5), san = num(se, r, 8), sas = num(se, r, 9);
		size_t j;

		while (s < n && strcmp(d->codes[s], code) < 0)
			s++;
		if (s == n || strcmp(d->codes[s], code))
			continue;
		t = month_no(PQgetvalue(se, r, 1)) - first;
		if (t < 0 || t >= d->nmonths)
			continue;
		j = (size_t)s * d->nmonths + t;
		if (req > 0) {
			d->y[EFF_REQUESTS_LOG][j] = log(req);
			d->y[EFF_DIGITAL_CHANNEL_RATE][j] = dig / req;
			d->y[EFF_COMPLETION_RATE][j] = done / req;
		}
		if (stn > 0) {
			d->y[EFF_SERVICE_TIME_MEDIAN][j] = num(se, r, 6);
			d->y[EFF_SERVICE_TIME_MEAN][j] = num(se, r, 7);
		}
		if (san > 0)
			d->y[EFF_SATISFACTION_MEAN][j] = sas / san;
	}
	/* a month with no request of a service that has requests in other
	 * months had 0 requests; log 0 is no number, so it stays missing */
	st = DK_OK;
	goto out;
oom:
	log_error("effects: out of memory");
out:
	if (st != DK_OK) {
		effects_data_free(d);
		d = NULL;
	}
	PQclear(sv);
	PQclear(rg);
	PQclear(se);
	*out = d;
	return st;
}
