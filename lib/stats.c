/* Statistics for `didkpi compare`: distributions and two-group tests. */
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

/* lgamma() without its global sign (signgam): the comparison runs in a
 * report's second thread (lib/sibling.h). The same values. */
static double lgam(double x)
{
	int sign;

	return lgamma_r(x, &sign);
}

#define LN_SQRT_2PI 0.918938533204672741780329736406 /* log(sqrt(2 pi)) */
#define LN_2PI 1.83787706640934548356065947281	     /* log(2 pi) */

/* Relative tolerance for "no more likely than observed" (R, scipy). */
#define BINOM_REL_TOL 1e-7

/*
 * Beyond this many degrees of freedom Student's t is taken as normal: the
 * relative difference in P(T <= t) is about t^4 / (4 df), below 1e-9 for
 * |t| < 10, while the continued fractions would need millions of terms.
 */
#define T_DF_NORMAL 1e13

/* Continued fractions that have not converged by then never will. */
#define BETA_CF_MAX_ITER 1000000

static void result_clear(struct stats_result *res)
{
	res->estimate = NAN;
	res->ci_low = NAN;
	res->ci_high = NAN;
	res->p_value = NAN;
	res->statistic = NAN;
	res->df = NAN;
}

static int level_ok(double level)
{
	return level > 0 && level < 1;
}

static double square(double x)
{
	return x * x;
}

/* ---- normal ----------------------------------------------------------- */

double stats_norm_cdf(double x)
{
	return 0.5 * erfc(-x * M_SQRT1_2);
}

/* Quantile for 0 < p < 0.5: Acklam's approximation, then Halley steps. */
static double norm_quantile_lower(double p)
{
	static const double a[] = {
		-3.969683028665376e+01, 2.209460984245205e+02,
		-2.759285104469687e+02, 1.383577518672690e+02,
		-3.066479806614716e+01, 2.506628277459239e+00
	};
	static const double b[] = {
		-5.447609879822406e+01, 1.615858368580409e+02,
		-1.556989798598866e+02, 6.680131188771972e+01,
		-1.328068155288572e+01
	};
	static const double c[] = {
		-7.784894002430293e-03, -3.223964580411365e-01,
		-2.400758277161838e+00, -2.549732539343734e+00,
		4.374664141464968e+00, 2.938163982698783e+00
	};
	static const double d[] = {
		7.784695709041462e-03, 3.224671290700398e-01,
		2.445134137142996e+00, 3.754408661907416e+00
	};
	double x, q, r, e, u, step;
	int i;

	if (p < 0.02425) {
		q = sqrt(-2 * log(p));
		x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) *
			     q + c[5]) /
		    ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
	} else {
		q = p - 0.5;
		r = q * q;
		x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) *
			     r + a[5]) * q /
		    (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) *
			     r + 1);
	}
	for (i = 0; i < 4; i++) {
		/* near the centre p - 0.5 is exact and erf() keeps precision */
		if (p >= 0.25)
			e = 0.5 * erf(x * M_SQRT1_2) - (p - 0.5);
		else
			e = stats_norm_cdf(x) - p;
		if (e == 0)
			break;
		/* u = e / pdf(x), in logs so that far tails do not overflow */
		u = copysign(exp(log(fabs(e)) + 0.5 * x * x + LN_SQRT_2PI), e);
		step = u / (1 + 0.5 * x * u);
		x -= step;
		if (fabs(step) <= 1e-16 * fabs(x))
			break;
	}
	return x;
}

double stats_norm_quantile(double p)
{
	if (!(p >= 0 && p <= 1))
		return NAN;
	if (p == 0)
		return -INFINITY;
	if (p == 1)
		return INFINITY;
	if (p == 0.5)
		return 0;
	if (p > 0.5)
		return -norm_quantile_lower(1 - p); /* 1 - p is exact here */
	return norm_quantile_lower(p);
}

/* z with P(|Z| <= z) = level. */
static double level_z(double level)
{
	return -stats_norm_quantile((1 - level) / 2);
}

/* ---- incomplete beta -------------------------------------------------- */

/* lgamma(z) - ((z - 1/2) log z - z + log sqrt(2 pi)) for z >= 10. */
static double stirling_delta(double z)
{
	double r = 1 / (z * z);

	return (1.0 / 12 - r * (1.0 / 360 - r * (1.0 / 1260 - r * (1.0 / 1680 -
		r * (1.0 / 1188 - r * 691.0 / 360360))))) / z;
}

/* log1p(u) - u without cancellation for small u (u > -1). */
static double log1pmx(double u)
{
	double r, r2, t, s;
	int k;

	if (fabs(u) > 0.25)
		return log1p(u) - u;
	/* log1p(u) = 2 atanh(r), r = u / (2 + u); 2 r - u = -u r */
	r = u / (2 + u);
	r2 = r * r;
	t = r * r2;
	s = t / 3;
	for (k = 5; fabs(t) > 1e-17 * fabs(s) && k < 81; k += 2) {
		t *= r2;
		s += t / k;
	}
	return 2 * s - u * r;
}

/*
 * log(A^s ... ) kernel when A >= 10 > s: log(xa^A xs^s / B(A, s)), with
 * lgamma(A) - lgamma(A + s) from Stirling's series so that nothing of the
 * size of lgamma(A) is cancelled.
 */
static double beta_kernel_mixed(double A, double xa, double s, double xs)
{
	double e = xa * s - A * xs; /* xa (A + s) - A */
	double la;                  /* A log(xa (A + s) / A) - s */

	/* near the mean, the parts linear in e cancel: leave them out */
	if (fabs(e / A) <= 0.25)
		la = A * log1pmx(e / A) + e - s;
	else
		la = A * (log(xa) + log1p(s / A)) - s;
	return la - 0.5 * log1p(s / A) + s * log((A + s) * xs) -
	       stirling_delta(A) + stirling_delta(A + s) - lgam(s);
}

/* log(x^a y^b / B(a, b)) with y = 1 - x, accurate for large a and b too. */
static double beta_kernel(double a, double b, double x, double y)
{
	double e, lxy;

	if (a < 10 && b < 10)
		return a * log(x) + b * log(y) -
		       (lgam(a) + lgam(b) - lgam(a + b));
	if (a < 10)
		return beta_kernel_mixed(b, y, a, x);
	if (b < 10)
		return beta_kernel_mixed(a, x, b, y);
	/*
	 * Both large: Stirling for all three gamma functions, leaving
	 * a log(x / x0) + b log(y / y0), x0 = a / (a + b), y0 = 1 - x0.
	 */
	e = x * b - a * y; /* x (a + b) - a */
	if (fabs(e / a) <= 0.25 && fabs(e / b) <= 0.25)
		lxy = a * log1pmx(e / a) + b * log1pmx(-e / b);
	else
		lxy = a * (log(x) + log1p(b / a)) + b * (log(y) + log1p(a / b));
	return lxy + 0.5 * log(a / (a + b) * b) - LN_SQRT_2PI -
	       stirling_delta(a) - stirling_delta(b) + stirling_delta(a + b);
}

/*
 * The continued fraction 1 / (1 + d1 / (1 + d2 / (1 + ...))) of I_x(a, b)
 * (Abramowitz & Stegun 26.5.8), by the modified Lentz method.
 */
static double beta_cf(double a, double b, double x)
{
	const double tiny = 1e-300;
	double c = 1, d, f, num, delta;
	int m;

	d = 1 - (a + b) * x / (a + 1);
	if (fabs(d) < tiny)
		d = tiny;
	d = 1 / d;
	f = d;
	for (m = 1; m < BETA_CF_MAX_ITER; m++) {
		num = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m));
		d = 1 + num * d;
		c = 1 + num / c;
		if (fabs(d) < tiny)
			d = tiny;
		if (fabs(c) < tiny)
			c = tiny;
		d = 1 / d;
		f *= d * c;
		num = -(a + m) * (a + b + m) * x /
		      ((a + 2 * m) * (a + 2 * m + 1));
		d = 1 + num * d;
		c = 1 + num / c;
		if (fabs(d) < tiny)
			d = tiny;
		if (fabs(c) < tiny)
			c = tiny;
		d = 1 / d;
		delta = d * c;
		f *= delta;
		if (fabs(delta - 1) <= DBL_EPSILON)
			break;
	}
	return f;
}

/* I_x(a, b) given both x and y = 1 - x, each accurate on its own. */
static double beta_inc(double a, double b, double x, double y)
{
	if (x <= 0)
		return 0;
	if (y <= 0)
		return 1;
	if (x < (a + 1) / (a + b + 2))
		return exp(beta_kernel(a, b, x, y)) * beta_cf(a, b, x) / a;
	return 1 - exp(beta_kernel(a, b, x, y)) * beta_cf(b, a, y) / b;
}

double stats_beta_inc(double a, double b, double x)
{
	if (!(a > 0 && b > 0 && x >= 0 && x <= 1) || isinf(a) || isinf(b))
		return NAN;
	return beta_inc(a, b, x, 1 - x);
}

/* ---- Student t -------------------------------------------------------- */

/*
 * P(T > t) for t >= 0 and df > 0: I_x(df/2, 1/2) / 2 with x = df / (df +
 * t^2). When df is large and y = 1 - x small, that continued fraction loses
 * digits (x too close to 1) and the symmetric form I_u(df/2, df/2),
 * u = (1 - t / sqrt(t^2 + df)) / 2, is used instead.
 */
static double t_upper(double t, double df)
{
	double q, s, x, y, a = df / 2, r;

	if (isinf(t))
		return 0;
	if (df > T_DF_NORMAL)
		return 0.5 * erfc(t * M_SQRT1_2);
	/* x and y = 1 - x without overflow */
	if (t >= sqrt(df)) {
		q = square(sqrt(df) / t);
		x = q / (1 + q);
		y = 1 / (1 + q);
	} else {
		s = square(t / sqrt(df));
		x = 1 / (1 + s);
		y = s / (1 + s);
	}
	if (y >= 0.05 || x >= (a + 1) / (a + 2.5))
		return 0.5 * beta_inc(a, 0.5, x, y);
	r = hypot(t, sqrt(df)); /* sqrt(t^2 + df) */
	return beta_inc(a, a, df / (2 * r * (r + t)), (r + t) / (2 * r));
}

double stats_t_cdf(double t, double df)
{
	double tail;

	if (isnan(t) || !(df > 0))
		return NAN;
	tail = t_upper(fabs(t), df);
	return t < 0 ? tail : 1 - tail;
}

static double t_pdf(double t, double df)
{
	return exp(lgam((df + 1) / 2) - lgam(df / 2) -
		   0.5 * log(df * M_PI) - (df + 1) / 2 * log1p(t * t / df));
}

/* Quantile for 0 < p < 0.5 (so t < 0): bracket, then safeguarded Newton. */
static double t_quantile_lower(double p, double df)
{
	double lo, hi, x, xn, f;
	int i;

	hi = 0;
	lo = fmin(stats_norm_quantile(p), -1.0);
	while (stats_t_cdf(lo, df) > p) {
		hi = lo;
		lo *= 2;
		if (isinf(lo))
			return -INFINITY;
	}
	x = stats_norm_quantile(p);
	if (!(x > lo && x < hi))
		x = 0.5 * (lo + hi);
	for (i = 0; i < 400; i++) {
		f = stats_t_cdf(x, df) - p;
		if (f == 0)
			return x;
		if (f > 0)
			hi = x;
		else
			lo = x;
		xn = x - f / t_pdf(x, df);
		if (!(xn > lo && xn < hi))
			xn = 0.5 * (lo + hi);
		if (fabs(xn - x) <= 2 * DBL_EPSILON * fabs(xn) ||
		    hi - lo <= 2 * DBL_EPSILON * fabs(lo))
			return xn;
		x = xn;
	}
	return x;
}

double stats_t_quantile(double p, double df)
{
	if (!(p >= 0 && p <= 1) || !(df > 0))
		return NAN;
	if (p == 0)
		return -INFINITY;
	if (p == 1)
		return INFINITY;
	if (df > T_DF_NORMAL)
		return stats_norm_quantile(p);
	if (p == 0.5)
		return 0;
	if (p > 0.5)
		return -t_quantile_lower(1 - p, df);
	return t_quantile_lower(p, df);
}

/* ---- binomial --------------------------------------------------------- */

/* log(n!) - log(sqrt(2 pi n) (n/e)^n) for n >= 1. */
static double stirlerr(double n)
{
	double nn;

	if (n <= 15)
		return lgam(n + 1) - (n + 0.5) * log(n) + n - LN_SQRT_2PI;
	nn = n * n;
	return (1.0 / 12 - (1.0 / 360 - (1.0 / 1260 - (1.0 / 1680 -
		1.0 / 1188 / nn) / nn) / nn) / nn) / n;
}

/* x log(x / np) + np - x, by a series when x is close to np (Loader 2000). */
static double bd0(double x, double np)
{
	double v, s, s1, ej;
	int j;

	if (fabs(x - np) < 0.1 * (x + np)) {
		v = (x - np) / (x + np);
		s = (x - np) * v;
		ej = 2 * x * v;
		v *= v;
		for (j = 1; j < 1000; j++) {
			ej *= v;
			s1 = s + ej / (2 * j + 1);
			if (s1 == s)
				return s1;
			s = s1;
		}
		return s;
	}
	return x * log(x / np) + np - x;
}

/* log P(X = k) for X ~ Binomial(n, p), q = 1 - p, k <= n (Loader's method). */
static double binom_logpmf(double k, double n, double p, double q)
{
	double lc, lf;

	if (p == 0)
		return k == 0 ? 0 : -INFINITY;
	if (q == 0)
		return k == n ? 0 : -INFINITY;
	if (k == 0)
		return n == 0 ? 0 :
		       p < 0.1 ? -bd0(n, n * q) - n * p : n * log(q);
	if (k == n)
		return q < 0.1 ? -bd0(n, n * p) - n * q : n * log(p);
	lc = stirlerr(n) - stirlerr(k) - stirlerr(n - k) - bd0(k, n * p) -
	     bd0(n - k, n * q);
	lf = LN_2PI + log(k) + log1p(-k / n);
	return lc - 0.5 * lf;
}

/* P(X <= k), k < n: I_q(n - k, k + 1). */
static double binom_cdf(double k, double n, double p, double q)
{
	return beta_inc(n - k, k + 1, q, p);
}

/* P(X > k), k < n: I_p(k + 1, n - k). */
static double binom_sf(double k, double n, double p, double q)
{
	return beta_inc(k + 1, n - k, p, q);
}

double stats_binom_logpmf(unsigned long k, unsigned long n, double p)
{
	if (!(p >= 0 && p <= 1))
		return NAN;
	if (k > n)
		return -INFINITY;
	return binom_logpmf(k, n, p, 1 - p);
}

double stats_binom_pmf(unsigned long k, unsigned long n, double p)
{
	return exp(stats_binom_logpmf(k, n, p));
}

double stats_binom_cdf(unsigned long k, unsigned long n, double p)
{
	if (!(p >= 0 && p <= 1))
		return NAN;
	if (k >= n)
		return 1;
	return binom_cdf(k, n, p, 1 - p);
}

double stats_binom_sf(unsigned long k, unsigned long n, double p)
{
	if (!(p >= 0 && p <= 1))
		return NAN;
	if (k >= n)
		return 0;
	return binom_sf(k, n, p, 1 - p);
}

/*
 * Two-sided exact binomial p: the total probability of outcomes whose
 * probability is at most that of k (times 1 + BINOM_REL_TOL). The pmf rises
 * up to the mode and falls after it, so the far-side boundary is found by
 * binary search and both tails come from the incomplete beta function.
 */
static double binom_two_sided(unsigned long k, unsigned long n, double p,
			      double q)
{
	double m = (double)n * p, thr, prob;
	unsigned long lo, hi, mid;

	if (n == 0 || (double)k == m)
		return 1;
	thr = binom_logpmf(k, n, p, q) + log1p(BINOM_REL_TOL);
	if ((double)k < m) {
		/* first j in [ceil(m), n] with pmf(j) <= thr; n + 1 if none */
		lo = (unsigned long)ceil(m);
		hi = n + 1;
		while (lo < hi) {
			mid = lo + (hi - lo) / 2;
			if (binom_logpmf(mid, n, p, q) <= thr)
				hi = mid;
			else
				lo = mid + 1;
		}
		prob = binom_cdf(k, n, p, q);
		if (lo <= n)
			prob += lo == 0 ? 1 : binom_sf(lo - 1, n, p, q);
	} else {
		/* first j in [0, floor(m)] with pmf(j) > thr */
		lo = 0;
		hi = (unsigned long)floor(m) + 1;
		while (lo < hi) {
			mid = lo + (hi - lo) / 2;
			if (binom_logpmf(mid, n, p, q) > thr)
				hi = mid;
			else
				lo = mid + 1;
		}
		prob = binom_sf(k - 1, n, p, q);
		if (lo > 0)
			prob += lo - 1 >= n ? 1 : binom_cdf(lo - 1, n, p, q);
	}
	return fmin(prob, 1);
}

/* ---- descriptive ------------------------------------------------------ */

static int all_finite(const double *x, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isfinite(x[i]))
			return 0;
	return 1;
}

enum dk_status stats_mean_var(const double *x, size_t n, double *mean,
			      double *var)
{
	double m = NAN, v = NAN, s = 0;
	size_t i;

	if (mean)
		*mean = NAN;
	if (var)
		*var = NAN;
	if (n > 0 && (!x || !all_finite(x, n)))
		return DK_DATAERR;
	if (n > 0) {
		for (i = 0; i < n; i++)
			s += x[i];
		m = s / n;
	}
	if (n > 1) {
		s = 0;
		for (i = 0; i < n; i++)
			s += square(x[i] - m);
		v = s / (n - 1);
	}
	if (mean)
		*mean = m;
	if (var)
		*var = v;
	return DK_OK;
}

static int double_cmp(const void *pa, const void *pb)
{
	double a = *(const double *)pa, b = *(const double *)pb;

	return (a > b) - (a < b);
}

/* A sorted malloc'ed copy of x in *out (NULL when n = 0); caller frees. */
static enum dk_status sorted_copy(const double *x, size_t n, double **out)
{
	double *c;

	*out = NULL;
	if (n == 0)
		return DK_OK;
	if (!x || !all_finite(x, n))
		return DK_DATAERR;
	if (n > SIZE_MAX / sizeof(*c))
		return DK_SOFTWARE;
	c = malloc(n * sizeof(*c));
	if (!c)
		return DK_SOFTWARE;
	memcpy(c, x, n * sizeof(*c));
	qsort(c, n, sizeof(*c), double_cmp);
	*out = c;
	return DK_OK;
}

enum dk_status stats_median(const double *x, size_t n, double *median)
{
	enum dk_status st;
	double *c;

	if (!median)
		return DK_DATAERR;
	*median = NAN;
	st = sorted_copy(x, n, &c);
	if (st != DK_OK || n == 0)
		return st;
	*median = n % 2 ? c[n / 2] : (c[n / 2 - 1] + c[n / 2]) / 2;
	free(c);
	return DK_OK;
}

/* ---- proportions ------------------------------------------------------ */

static void wilson(double x, double n, double z, double *low, double *high)
{
	double z2 = z * z;
	double centre = (x + z2 / 2) / (n + z2);
	double half = z / (n + z2) * sqrt(x * (n - x) / n + z2 / 4);

	*low = x == 0 ? 0 : fmax(0, centre - half);
	*high = x == n ? 1 : fmin(1, centre + half);
}

enum dk_status stats_wilson(unsigned long x, unsigned long n, double level,
			    double *low, double *high)
{
	if (!low || !high)
		return DK_DATAERR;
	*low = NAN;
	*high = NAN;
	if (x > n || !level_ok(level))
		return DK_DATAERR;
	if (n > 0)
		wilson(x, n, level_z(level), low, high);
	return DK_OK;
}

enum dk_status stats_prop_test(unsigned long x1, unsigned long n1,
			       unsigned long x2, unsigned long n2,
			       double level, struct stats_result *res)
{
	double p1, p2, l1, u1, l2, u2, d, z, pool, se;

	if (!res)
		return DK_DATAERR;
	result_clear(res);
	if (x1 > n1 || x2 > n2 || !level_ok(level))
		return DK_DATAERR;
	if (n1 == 0 || n2 == 0)
		return DK_OK;
	p1 = (double)x1 / n1;
	p2 = (double)x2 / n2;
	d = p2 - p1;
	z = level_z(level);
	wilson(x1, n1, z, &l1, &u1);
	wilson(x2, n2, z, &l2, &u2);
	res->estimate = d;
	res->ci_low = d - sqrt(square(p2 - l2) + square(u1 - p1));
	res->ci_high = d + sqrt(square(u2 - p2) + square(p1 - l1));
	pool = ((double)x1 + x2) / ((double)n1 + n2);
	if (pool > 0 && pool < 1) {
		se = sqrt(pool * (1 - pool) * (1.0 / n1 + 1.0 / n2));
		res->statistic = d / se;
		res->p_value = erfc(fabs(d / se) * M_SQRT1_2);
	}
	return DK_OK;
}

/* ---- Mann-Whitney U --------------------------------------------------- */

/* The test from n1, n2 > 0, the before group's rank sum and sum(t^3 - t). */
static void mw_from_ranks(double n1, double n2, double rank_sum1,
			  double tie_sum, struct stats_result *res)
{
	double n = n1 + n2, u2, var, dev;

	u2 = n1 * n2 - (rank_sum1 - n1 * (n1 + 1) / 2);
	res->statistic = u2;
	var = n1 * n2 / 12 * ((n + 1) - tie_sum / (n * (n - 1)));
	dev = fabs(u2 - n1 * n2 / 2) - 0.5; /* continuity correction */
	if (!(var > 0) || dev <= 0) {
		/* all values equal, or U at its null mean: no evidence */
		res->p_value = 1;
		return;
	}
	res->p_value = fmin(1, erfc(dev / sqrt(var) * M_SQRT1_2));
}

enum dk_status stats_mann_whitney_ranks(unsigned long n1, unsigned long n2,
					double rank_sum1, double tie_sum,
					struct stats_result *res)
{
	double a = n1, b = n2, n = a + b, rmin = a * (a + 1) / 2;

	if (!res)
		return DK_DATAERR;
	result_clear(res);
	if (n1 == 0 || n2 == 0)
		return DK_OK;
	if (!(rank_sum1 >= rmin && rank_sum1 <= rmin + a * b) ||
	    !(tie_sum >= 0 && tie_sum <= n * n * n - n))
		return DK_DATAERR;
	mw_from_ranks(a, b, rank_sum1, tie_sum, res);
	return DK_OK;
}

/*
 * Rank sum of x and tie term by merging the two sorted samples. Both are
 * summed in integers (twice the rank sum, as average ranks are halves) and
 * rounded to double once, so they are the correctly rounded exact values,
 * the same doubles as exact sums in SQL numeric read back with strtod().
 */
static void mw_sorted(const double *x, size_t n1, const double *y, size_t n2,
		      struct stats_result *res)
{
	unsigned __int128 rank_sum2 = 0, ties = 0, t, tx;
	size_t i = 0, j = 0, pos = 0, i0, j0;
	double v;

	while (i < n1 || j < n2) {
		if (j >= n2 || (i < n1 && x[i] <= y[j]))
			v = x[i];
		else
			v = y[j];
		i0 = i;
		j0 = j;
		while (i < n1 && x[i] == v)
			i++;
		while (j < n2 && y[j] == v)
			j++;
		tx = i - i0;
		t = tx + (j - j0);
		/* ranks pos+1 .. pos+t share their mean pos + (t + 1) / 2 */
		rank_sum2 += tx * (2 * (unsigned __int128)pos + t + 1);
		ties += (t - 1) * t * (t + 1);
		pos += i - i0 + j - j0;
	}
	/* halving a double is exact: (double)(2R) / 2 is R correctly rounded */
	mw_from_ranks(n1, n2, (double)rank_sum2 / 2, (double)ties, res);
}

/* ---- Hodges-Lehmann: order statistics of pairwise differences --------- */

/*
 * The n2 x n1 matrix v(j, c) = y[j] - x[n1 - 1 - c] (x, y ascending) is
 * non-decreasing along rows and columns, because rounded subtraction is
 * monotone in each operand. So the count of entries below a value is found
 * with one staircase walk in O(n1 + n2), using the very doubles a brute
 * force would sort.
 */
struct pairdiff {
	const double *x;
	size_t n1;
	const double *y;
	size_t n2;
	size_t *lo;    /* per row: candidates are columns lo[j] .. hi[j]-1 */
	size_t *hi;
	size_t *cnt;   /* per-row counts from the last pd_count() */
	uint64_t *pre; /* n2 + 1 prefix sums of candidates per row */
	double *buf;   /* the last candidates, gathered */
	size_t cap;    /* capacity of buf */
	uint64_t rng;
};

/* Pivots come from a sorted random sample of the candidates, PD_MARGIN
 * sample places either side of where the answer is expected. */
/*
 * van Elteren's shifts: the bisection stops once this many pairwise
 * differences lie in its bracket, which are then listed and taken in
 * order (16 bytes each). At 10 M events its 60-odd O(N) steps per shift
 * were most of the comparison's client time.
 */
#define VE_ENUMERATE 16384

#define PD_SAMPLE 255
#define PD_MARGIN 16

static double pd_value(const struct pairdiff *pd, size_t j, size_t c)
{
	return pd->y[j] - pd->x[pd->n1 - 1 - c];
}

/* Per-row count of entries < p (strict) or <= p into pd->cnt; the total. */
static uint64_t pd_count(const struct pairdiff *pd, double p, int strict)
{
	uint64_t total = 0;
	size_t c = 0, j = pd->n2;

	while (j-- > 0) {
		while (c < pd->n1 && (strict ? pd_value(pd, j, c) < p :
					       pd_value(pd, j, c) <= p))
			c++;
		pd->cnt[j] = c;
		total += c;
	}
	return total;
}

static uint64_t splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15u);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

/*
 * Compare the r-th smallest entry with the entry p: returns 0 when they are
 * equal, else -1 (answer below p) or 1 (above) after dropping the
 * candidates on the far side of p. `above` says which side is expected, so
 * that usually one count suffices; the last count made is always the one
 * that bounds the candidates.
 */
static int pd_pivot(struct pairdiff *pd, double p, uint64_t r, int above)
{
	int side;
	size_t j;

	if (above)
		side = r > pd_count(pd, p, 0) ? 1 :
		       r > pd_count(pd, p, 1) ? 0 : -1;
	else
		side = r <= pd_count(pd, p, 1) ? -1 :
		       r <= pd_count(pd, p, 0) ? 0 : 1;
	for (j = 0; j < pd->n2; j++) {
		if (side > 0 && pd->cnt[j] > pd->lo[j])
			pd->lo[j] = pd->cnt[j];
		if (side < 0 && pd->cnt[j] < pd->hi[j])
			pd->hi[j] = pd->cnt[j];
	}
	return side;
}

/* The k-th smallest (0-based) of a[0..n-1], reordering a (Hoare, Wirth). */
static double select_kth(double *a, size_t n, size_t k, uint64_t *rng)
{
	ptrdiff_t l = 0, m = (ptrdiff_t)n - 1, i, j, kk = (ptrdiff_t)k;
	double x, t;

	while (l < m) {
		x = a[l + (ptrdiff_t)(splitmix64(rng) % (uint64_t)(m - l + 1))];
		i = l;
		j = m;
		do {
			while (a[i] < x)
				i++;
			while (x < a[j])
				j--;
			if (i <= j) {
				t = a[i];
				a[i] = a[j];
				a[j] = t;
				i++;
				j--;
			}
		} while (i <= j);
		if (j < kk)
			l = i;
		if (kk < i)
			m = j;
	}
	return a[k];
}

/*
 * The r-th smallest entry (1-based), in the spirit of Monahan's (1984)
 * algorithm for the Hodges-Lehmann estimator with Floyd and Rivest's
 * sampling: each round draws a random sample of the remaining candidates,
 * takes two sample values that should bracket the answer as pivots,
 * counts the entries up to them over the whole matrix and keeps the
 * candidates between them, about an eighth. When few enough candidates are
 * left they are gathered and the answer selected among them. A round costs
 * O(n1 + n2), and about log8(n1 n2 / (n1 + n2)) rounds are needed. The seed
 * is fixed: the result is exact whatever the pivots.
 */
static double pd_select(struct pairdiff *pd, uint64_t r)
{
	double sample[PD_SAMPLE], pos;
	uint64_t cand, below, pick;
	size_t j, c, lo, hi, mid, n, s;
	long il, ih;

	pd->rng = 0x5eed ^ r;
	for (j = 0; j < pd->n2; j++) {
		pd->lo[j] = 0;
		pd->hi[j] = pd->n1;
	}
	for (;;) {
		cand = 0;
		below = 0;
		for (j = 0; j < pd->n2; j++) {
			pd->pre[j] = cand;
			cand += pd->hi[j] - pd->lo[j];
			below += pd->lo[j];
		}
		pd->pre[pd->n2] = cand;
		/* the answer is the (r - below)-th candidate */
		if (cand <= pd->cap) {
			n = 0;
			for (j = 0; j < pd->n2; j++)
				for (c = pd->lo[j]; c < pd->hi[j]; c++)
					pd->buf[n++] = pd_value(pd, j, c);
			return select_kth(pd->buf, n, r - below - 1, &pd->rng);
		}
		for (s = 0; s < PD_SAMPLE; s++) {
			pick = splitmix64(&pd->rng) % cand;
			lo = 0; /* the row j with pre[j] <= pick < pre[j + 1] */
			hi = pd->n2;
			while (hi - lo > 1) {
				mid = lo + (hi - lo) / 2;
				if (pd->pre[mid] <= pick)
					lo = mid;
				else
					hi = mid;
			}
			sample[s] = pd_value(pd, lo, pd->lo[lo] +
					     (size_t)(pick - pd->pre[lo]));
		}
		qsort(sample, PD_SAMPLE, sizeof(sample[0]), double_cmp);
		pos = (double)(r - below) / (double)cand * PD_SAMPLE;
		il = (long)floor(pos) - PD_MARGIN;
		ih = (long)ceil(pos) + PD_MARGIN;
		if (il >= 0) {
			int side = pd_pivot(pd, sample[il], r, 1);

			if (side == 0)
				return sample[il];
			if (side < 0)
				continue;
		}
		if (ih < PD_SAMPLE && pd_pivot(pd, sample[ih], r, 0) == 0)
			return sample[ih];
	}
}

/* Set up pd over sorted x (n1 > 0) and y (n2 > 0); pd_free() releases it. */
static enum dk_status pd_init(struct pairdiff *pd, const double *x, size_t n1,
			      const double *y, size_t n2)
{
	memset(pd, 0, sizeof(*pd));
	pd->x = x;
	pd->n1 = n1;
	pd->y = y;
	pd->n2 = n2;
	/* gathering is cheap once it is no more than a few rounds' work */
	pd->cap = 4 * (n1 + n2) + 1024;
	if (n1 > SIZE_MAX / 64 || n2 > SIZE_MAX / 64)
		return DK_SOFTWARE;
	pd->lo = malloc(3 * n2 * sizeof(size_t));
	pd->pre = malloc((n2 + 1) * sizeof(uint64_t));
	pd->buf = malloc(pd->cap * sizeof(double));
	if (!pd->lo || !pd->pre || !pd->buf)
		return DK_SOFTWARE;
	pd->hi = pd->lo + n2;
	pd->cnt = pd->hi + n2;
	return DK_OK;
}

static void pd_free(struct pairdiff *pd)
{
	free(pd->lo);
	free(pd->pre);
	free(pd->buf);
	pd->lo = NULL;
	pd->pre = NULL;
	pd->buf = NULL;
}

enum dk_status stats_pairdiff_select(const double *before_sorted, size_t n1,
				     const double *after_sorted, size_t n2,
				     uint64_t r, double *value)
{
	struct pairdiff pd;
	enum dk_status st;

	if (!value)
		return DK_DATAERR;
	*value = NAN;
	if (n1 == 0 || n2 == 0 || !before_sorted || !after_sorted ||
	    n1 > UINT64_MAX / n2 || r < 1 || r > (uint64_t)n1 * n2)
		return DK_DATAERR;
	st = pd_init(&pd, before_sorted, n1, after_sorted, n2);
	if (st == DK_OK)
		*value = pd_select(&pd, r);
	pd_free(&pd);
	return st;
}

/* Sum of t^3 - t over the groups of equal values of sorted x[0..n-1]
 * (ties within one sample only), exactly in integers, then as a double. */
static double tie_sum_within(const double *x, size_t n)
{
	unsigned __int128 ties = 0, t;
	size_t i = 0, j;

	while (i < n) {
		for (j = i + 1; j < n && x[j] == x[i]; j++)
			;
		t = j - i;
		ties += (t - 1) * t * (t + 1);
		i = j;
	}
	return (double)ties;
}

/*
 * Hodges-Lehmann estimate and interval from sorted samples, n1, n2 > 0.
 * The interval inverts the test of mw_sorted() as R's wilcox.test(x =
 * after, y = before, conf.int = TRUE, correct = TRUE, exact = FALSE) does:
 * R finds (uniroot) the shifts d where (W(d) - m/2 - sign * 0.5) /
 * sigma(d) = +-z, W(d) the statistic of after - d against before. Between
 * two adjacent pairwise differences W(d) = #{D > d} = m - r (r differences
 * at or below d) and sigma(d) = sigma0, tie-corrected for the ties within
 * each sample only (a shift breaks the ties across samples), so that step
 * function crosses +z at D(ceil(m/2 - 1/2 - z sigma0)) and -z at
 * D(ceil(m/2 + 1/2 + z sigma0)), clamped to D(1) .. D(m) as R clamps to
 * min(after) - max(before) .. max(after) - min(before). R returns those
 * jumps only to uniroot's tolerance (1e-4); these are the exact ones.
 */
static enum dk_status hl_sorted(const double *x, size_t n1, const double *y,
				size_t n2, double level,
				struct stats_result *res)
{
	struct pairdiff pd;
	enum dk_status st;
	uint64_t m;
	double mf, nf, sigma0, z, lo, hi;

	if (n1 > UINT64_MAX / n2)
		return DK_DATAERR;
	st = pd_init(&pd, x, n1, y, n2);
	if (st != DK_OK)
		goto out;
	m = (uint64_t)n1 * n2;
	if (m % 2)
		res->estimate = pd_select(&pd, m / 2 + 1);
	else
		res->estimate = (pd_select(&pd, m / 2) +
				 pd_select(&pd, m / 2 + 1)) / 2;
	mf = (double)m;
	nf = (double)n1 + (double)n2;
	sigma0 = n1 + n2 > 1 ?
		sqrt(mf / 12 * ((nf + 1) - (tie_sum_within(x, n1) +
					    tie_sum_within(y, n2)) / (nf * (nf - 1)))) : 0;
	z = level_z(level);
	lo = fmax(1, ceil(mf / 2 - 0.5 - z * sigma0));
	hi = fmin(mf, ceil(mf / 2 + 0.5 + z * sigma0));
	res->ci_low = pd_select(&pd, (uint64_t)lo);
	res->ci_high = pd_select(&pd, (uint64_t)hi);
out:
	pd_free(&pd);
	return st;
}

/*
 * Sorted copies of both samples, then MW and/or HL on them. Shared by the
 * three public entry points so the arguments are checked in one place.
 */
static enum dk_status shift_run(const double *before, size_t n1,
				const double *after, size_t n2, double level,
				int want_mw, int want_hl,
				struct stats_result *res)
{
	double *x = NULL, *y = NULL;
	enum dk_status st;

	if (!res)
		return DK_DATAERR;
	result_clear(res);
	if (want_hl && !level_ok(level))
		return DK_DATAERR;
	st = sorted_copy(before, n1, &x);
	if (st != DK_OK)
		goto out;
	st = sorted_copy(after, n2, &y);
	if (st != DK_OK || n1 == 0 || n2 == 0)
		goto out;
	if (want_mw)
		mw_sorted(x, n1, y, n2, res);
	if (want_hl)
		st = hl_sorted(x, n1, y, n2, level, res);
out:
	free(x);
	free(y);
	return st;
}

enum dk_status stats_mann_whitney(const double *before, size_t n1,
				  const double *after, size_t n2,
				  struct stats_result *res)
{
	return shift_run(before, n1, after, n2, 0.95, 1, 0, res);
}

enum dk_status stats_hodges_lehmann(const double *before, size_t n1,
				    const double *after, size_t n2,
				    double level, struct stats_result *res)
{
	return shift_run(before, n1, after, n2, level, 0, 1, res);
}

/* Ascending and finite. */
static int sorted_ok(const double *x, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isfinite(x[i]) || (i > 0 && x[i] < x[i - 1]))
			return 0;
	return 1;
}

enum dk_status stats_shift_test_sorted(const double *before, size_t n1,
				       const double *after, size_t n2,
				       double level, struct stats_result *res)
{
	if (!res)
		return DK_DATAERR;
	result_clear(res);
	if ((level != 0 && !level_ok(level)) || (n1 && !before) || (n2 && !after) ||
	    !sorted_ok(before, n1) || !sorted_ok(after, n2))
		return DK_DATAERR;
	if (n1 == 0 || n2 == 0)
		return DK_OK;
	mw_sorted(before, n1, after, n2, res);
	return level != 0 ? hl_sorted(before, n1, after, n2, level, res) : DK_OK;
}

enum dk_status stats_shift_test(const double *before, size_t n1,
				const double *after, size_t n2,
				double level, struct stats_result *res)
{
	return shift_run(before, n1, after, n2, level, 1, 1, res);
}

/* ---- Welch's t -------------------------------------------------------- */

enum dk_status stats_welch(double mean1, double var1, unsigned long n1,
			   double mean2, double var2, unsigned long n2,
			   double level, struct stats_result *res)
{
	double s1, s2, se, big, r1, r2, df, t, q;

	if (!res)
		return DK_DATAERR;
	result_clear(res);
	if (!level_ok(level) || (n1 > 0 && !isfinite(mean1)) ||
	    (n2 > 0 && !isfinite(mean2)) ||
	    (n1 > 1 && !(var1 >= 0 && isfinite(var1))) ||
	    (n2 > 1 && !(var2 >= 0 && isfinite(var2))))
		return DK_DATAERR;
	if (n1 == 0 || n2 == 0)
		return DK_OK;
	res->estimate = mean2 - mean1;
	if (n1 < 2 || n2 < 2)
		return DK_OK;
	s1 = var1 / n1;
	s2 = var2 / n2;
	big = fmax(s1, s2);
	if (!(big > 0))
		return DK_OK;
	se = sqrt(s1 + s2);
	/* Welch-Satterthwaite, scaled so tiny variances do not underflow */
	r1 = s1 / big;
	r2 = s2 / big;
	df = square(r1 + r2) / (square(r1) / (n1 - 1) + square(r2) / (n2 - 1));
	t = res->estimate / se;
	q = -stats_t_quantile((1 - level) / 2, df);
	res->statistic = t;
	res->df = df;
	res->p_value = fmin(1, 2 * t_upper(fabs(t), df));
	res->ci_low = res->estimate - q * se;
	res->ci_high = res->estimate + q * se;
	return DK_OK;
}

/* ---- Poisson rates ---------------------------------------------------- */

/* Score interval for a Poisson rate: (c - l e)^2 = z^2 l e, solved for l. */
static void rate_score(double c, double e, double z, double *low,
		       double *high)
{
	double z2 = z * z, mid = c + z2 / 2, half = z * sqrt(c + z2 / 4);

	/* the roots multiply to c^2: no cancellation in the lower one */
	*low = c * c / (mid + half) / e;
	*high = (mid + half) / e;
}

enum dk_status stats_poisson_exact(unsigned long c1, double e1,
				   unsigned long c2, double e2, double level,
				   struct stats_result *res)
{
	double r1, r2, d, z, l1, u1, l2, u2;

	if (!res)
		return DK_DATAERR;
	result_clear(res);
	if (!(e1 > 0 && isfinite(e1)) || !(e2 > 0 && isfinite(e2)) ||
	    !level_ok(level) || c2 > ULONG_MAX - c1)
		return DK_DATAERR;
	r1 = c1 / e1;
	r2 = c2 / e2;
	d = r2 - r1;
	z = level_z(level);
	rate_score(c1, e1, z, &l1, &u1);
	rate_score(c2, e2, z, &l2, &u2);
	res->estimate = d;
	res->statistic = c2;
	res->ci_low = d - sqrt(square(r2 - l2) + square(u1 - r1));
	res->ci_high = d + sqrt(square(u2 - r2) + square(r1 - l1));
	res->p_value = binom_two_sided(c2, c1 + c2, e2 / (e1 + e2),
				       e1 / (e1 + e2));
	return DK_OK;
}

/* ---- stratified tests: the pooled rows of `didkpi compare` ------------- */

/* Sum of t^3 - t over the groups of equal values of the pooled sorted
 * samples x and y (the tie term of the Mann-Whitney variance). */
static double tie_sum_merged(const double *x, size_t n1, const double *y, size_t n2)
{
	unsigned __int128 ties = 0, t;
	size_t i = 0, j = 0, i0, j0;
	double v;

	while (i < n1 || j < n2) {
		v = j >= n2 || (i < n1 && x[i] <= y[j]) ? x[i] : y[j];
		i0 = i;
		j0 = j;
		while (i < n1 && x[i] == v)
			i++;
		while (j < n2 && y[j] == v)
			j++;
		t = (i - i0) + (j - j0);
		ties += (t - 1) * t * (t + 1);
	}
	return (double)ties;
}

enum dk_status stats_mantel_haenszel(const struct stats_table2 *t, size_t k,
				     double level, struct stats_result *res)
{
	double sw = 0, swd = 0, p = 0, q = 0, o = 0, e = 0, v = 0, rd, var, z;

	if (!res)
		return DK_DATAERR;
	result_clear(res);
	if (!level_ok(level) || (k && !t))
		return DK_DATAERR;
	for (size_t i = 0; i < k; i++)
		if (t[i].x1 > t[i].n1 || t[i].x2 > t[i].n2)
			return DK_DATAERR;
	for (size_t i = 0; i < k; i++) {
		/* after is the "exposed" group: a = x2 of n2, b = x1 of n1 */
		double a = t[i].x2, n1 = t[i].n2, b = t[i].x1, n0 = t[i].n1;
		double n = n1 + n0, m1 = a + b;

		if (n1 == 0 || n0 == 0)
			continue;
		sw += n1 * n0 / n;
		swd += (a * n0 - b * n1) / n;
		/* Sato (1989), as Greenland and Robins (1985) write it */
		p += (n1 * n1 * b - n0 * n0 * a + n1 * n0 * (n0 - n1) / 2) / (n * n);
		q += (a * (n0 - b) + b * (n1 - a)) / (2 * n);
		/* Cochran-Mantel-Haenszel: a against its hypergeometric mean */
		o += a;
		e += n1 * m1 / n;
		if (n > 1)
			v += n1 * n0 * m1 * (n - m1) / (n * n * (n - 1));
	}
	if (!(sw > 0))
		return DK_OK;
	rd = swd / sw;
	res->estimate = rd;
	var = (rd * p + q) / (sw * sw);
	if (var >= 0) {
		z = level_z(level);
		res->ci_low = rd - z * sqrt(var);
		res->ci_high = rd + z * sqrt(var);
	}
	if (v > 0) {
		res->statistic = (o - e) * (o - e) / v;
		res->p_value = fmin(1, erfc(fabs(o - e) / sqrt(v) * M_SQRT1_2));
	}
	return DK_OK;
}

enum dk_status stats_inverse_variance(const double *est, const double *var,
				      size_t k, double level,
				      struct stats_result *res)
{
	double sw = 0, swe = 0, se, z;

	if (!res)
		return DK_DATAERR;
	result_clear(res);
	if (!level_ok(level) || (k && (!est || !var)))
		return DK_DATAERR;
	for (size_t i = 0; i < k; i++)
		if (!isfinite(est[i]) || !(var[i] > 0 && isfinite(var[i])))
			return DK_DATAERR;
	for (size_t i = 0; i < k; i++) {
		sw += 1 / var[i];
		swe += est[i] / var[i];
	}
	if (k == 0)
		return DK_OK;
	res->estimate = swe / sw;
	se = sqrt(1 / sw);
	z = level_z(level);
	res->statistic = res->estimate / se;
	res->ci_low = res->estimate - z * se;
	res->ci_high = res->estimate + z * se;
	res->p_value = fmin(1, erfc(fabs(res->statistic) * M_SQRT1_2));
	return DK_OK;
}

/*
 * U_k(d) = #{(i, j): after_j - before_i > d} of every stratum k into u,
 * each counted with one staircase walk.
 */
static void ve_counts(const struct stats_stratum *s, size_t k, double d, uint64_t *u)
{
	for (size_t h = 0; h < k; h++) {
		const double *x = s[h].before, *y = s[h].after;
		size_t n1 = s[h].n1, n2 = s[h].n2, j = 0;

		/* for each before_i, the first after_j with after_j - before_i > d:
		 * it moves right as before_i grows */
		u[h] = 0;
		for (size_t i = 0; i < n1; i++) {
			while (j < n2 && !(y[j] - x[i] > d))
				j++;
			u[h] += n2 - j;
		}
	}
}

/* sum_k w_k (U_k - m_k / 2), w_k = 1 / (N_k + 1), from the counts u: the
 * score is a function of the integers u alone, so it is the same double
 * however they were found. */
static double ve_total(const struct stats_stratum *s, size_t k, const uint64_t *u)
{
	double total = 0;

	for (size_t h = 0; h < k; h++) {
		double n1 = (double)s[h].n1, n2 = (double)s[h].n2;

		total += ((double)u[h] - n1 * n2 / 2) / (n1 + n2 + 1);
	}
	return total;
}

/* Is the score at or below c (strict: below c)? */
static int ve_low(double v, double c, int strict)
{
	return strict ? v < c : v <= c;
}

/* The smallest pairwise difference of any stratum above d; INFINITY if none. */
static double ve_next(const struct stats_stratum *s, size_t k, double d)
{
	double best = INFINITY;

	for (size_t h = 0; h < k; h++) {
		const double *x = s[h].before, *y = s[h].after;
		size_t n1 = s[h].n1, n2 = s[h].n2, j = 0;

		for (size_t i = 0; i < n1; i++) {
			while (j < n2 && !(y[j] - x[i] > d))
				j++;
			if (j < n2 && y[j] - x[i] < best)
				best = y[j] - x[i];
		}
	}
	return best;
}

/* A pairwise difference and its stratum, for ve_enumerate(). */
struct ve_diff {
	double d;
	size_t h;
};

static int ve_diff_cmp(const void *a, const void *b)
{
	double x = ((const struct ve_diff *)a)->d, y = ((const struct ve_diff *)b)->d;

	return (x > y) - (x < y);
}

/*
 * The smallest pairwise difference D in (lo, hi] at which the score is low,
 * given the counts ulo at lo (score above c) and n, how many differences
 * lie in (lo, hi]: they are listed (for each before_i, the after_j between
 * its first above lo and its first above hi), sorted, and taken in order,
 * each equal run at once taking its pairs off its strata's counts; the
 * score is computed from the counts at each. 0 with *out set, or -1 when
 * there is no memory for the list.
 */
static int ve_enumerate(const struct stats_stratum *s, size_t k, double c, int strict,
			double lo, double hi, const uint64_t *ulo, size_t n, double *out)
{
	struct ve_diff *v = malloc((n ? n : 1) * sizeof(*v));
	uint64_t *u = malloc((k ? k : 1) * sizeof(*u));
	size_t m = 0, a, b;

	if (!v || !u) {
		free(v);
		free(u);
		return -1;
	}
	for (size_t h = 0; h < k; h++) {
		const double *x = s[h].before, *y = s[h].after;
		size_t n1 = s[h].n1, n2 = s[h].n2, jl = 0, jh = 0;

		u[h] = ulo[h];
		for (size_t i = 0; i < n1; i++) {
			while (jl < n2 && !(y[jl] - x[i] > lo))
				jl++;
			if (jh < jl)
				jh = jl;
			while (jh < n2 && !(y[jh] - x[i] > hi))
				jh++;
			for (size_t j = jl; j < jh && m < n; j++)
				v[m++] = (struct ve_diff){ y[j] - x[i], h };
		}
	}
	qsort(v, m, sizeof(*v), ve_diff_cmp);
	*out = hi;
	for (a = 0; a < m; a = b) {
		for (b = a; b < m && v[b].d == v[a].d; b++)
			u[v[b].h]--;
		if (ve_low(ve_total(s, k, u), c, strict)) {
			*out = v[a].d;
			break;
		}
	}
	free(v);
	free(u);
	return 0;
}

/*
 * The smallest shift d (a pairwise difference of some stratum) at which the
 * non-increasing step function of d, the score, is at or below c (strict:
 * below c), clamped to [lo, hi], the smallest and largest differences. The
 * score drops at each difference, so that shift is one number however it
 * is found: bisection on the value brackets the drop until at most
 * enum_max differences lie in the bracket, which ve_enumerate() then
 * takes in order; where many equal differences keep the bracket fuller
 * (or without memory), the first differences above the bracket's low end
 * are stepped through one by one. u holds 3 k counts.
 */
static double ve_cross(const struct stats_stratum *s, size_t k, double c, int strict,
		       double lo, double hi, size_t enum_max, uint64_t *u)
{
	uint64_t *ulo = u, *uhi = u + k, *um = u + 2 * k, *t;
	double mid, next, found;
	size_t n = 0;

	ve_counts(s, k, lo, ulo);
	if (ve_low(ve_total(s, k, ulo), c, strict))
		return lo;
	ve_counts(s, k, hi, uhi);
	if (!ve_low(ve_total(s, k, uhi), c, strict))
		return hi;
	/* invariant: above c at lo, at or below at hi; the drop is in (lo, hi],
	 * where lie n = sum (U(lo) - U(hi)) differences */
	for (int it = 0; it < 200; it++) {
		n = 0;
		for (size_t h = 0; h < k; h++)
			n += (size_t)(ulo[h] - uhi[h]);
		if (n <= enum_max)
			break;
		mid = lo + (hi - lo) / 2;
		if (mid <= lo || mid >= hi)
			break;
		ve_counts(s, k, mid, um);
		if (ve_low(ve_total(s, k, um), c, strict)) {
			hi = mid;
			t = uhi, uhi = um, um = t;
		} else {
			lo = mid;
			t = ulo, ulo = um, um = t;
		}
	}
	if (n <= enum_max && !ve_enumerate(s, k, c, strict, lo, hi, ulo, n, &found))
		return found;
	/* the drop is the first difference above lo where the score is low */
	for (;;) {
		next = ve_next(s, k, lo);
		if (!(next < hi))
			return hi;
		ve_counts(s, k, next, um);
		if (ve_low(ve_total(s, k, um), c, strict))
			return next;
		lo = next;
	}
}

enum dk_status stats_van_elteren(const struct stats_stratum *s, size_t k,
				 double level, struct stats_result *res)
{
	return stats_van_elteren_enum(s, k, level, VE_ENUMERATE, res);
}

enum dk_status stats_van_elteren_enum(const struct stats_stratum *s, size_t k,
				      double level, size_t enum_max,
				      struct stats_result *res)
{
	double score0 = 0, var0 = 0, var_ci = 0, lo = INFINITY, hi = -INFINITY, z, c;
	uint64_t *u;
	size_t used = 0;

	if (!res)
		return DK_DATAERR;
	result_clear(res);
	if (!level_ok(level) || (k && !s))
		return DK_DATAERR;
	for (size_t h = 0; h < k; h++)
		if ((s[h].n1 && !s[h].before) || (s[h].n2 && !s[h].after) ||
		    !sorted_ok(s[h].before, s[h].n1) || !sorted_ok(s[h].after, s[h].n2))
			return DK_DATAERR;
	for (size_t h = 0; h < k; h++) {
		const struct stats_stratum *t = &s[h];
		struct stats_result mw;
		double n1 = t->n1, n2 = t->n2, n = n1 + n2, w = 1 / (n + 1), m = n1 * n2;
		double tie_all, tie_in;

		if (t->n1 == 0 || t->n2 == 0)
			continue;
		used++;
		result_clear(&mw);
		mw_sorted(t->before, t->n1, t->after, t->n2, &mw);
		/* the tie term of the pooled sample, from the p-value's variance:
		 * recomputed here by merging, as mw_sorted() keeps it private */
		tie_all = tie_sum_merged(t->before, t->n1, t->after, t->n2);
		tie_in = tie_sum_within(t->before, t->n1) + tie_sum_within(t->after, t->n2);
		score0 += w * (mw.statistic - m / 2);
		var0 += w * w * m / 12 * ((n + 1) - tie_all / (n * (n - 1)));
		var_ci += w * w * m / 12 * ((n + 1) - tie_in / (n * (n - 1)));
		lo = fmin(lo, t->after[0] - t->before[t->n1 - 1]);
		hi = fmax(hi, t->after[t->n2 - 1] - t->before[0]);
	}
	if (used == 0)
		return DK_OK;
	/* strata with only empty sides count in the score as well: their
	 * U - m/2 is 0 */
	res->statistic = var0 > 0 ? score0 / sqrt(var0) : 0;
	res->p_value = var0 > 0 ? fmin(1, erfc(fabs(res->statistic) * M_SQRT1_2)) : 1;
	if (!(u = malloc(3 * k * sizeof(*u))))
		return DK_SOFTWARE;
	/* the shift: halfway between where the score reaches 0 and where it
	 * drops below 0 (the Hodges-Lehmann estimate for one stratum) */
	res->estimate = (ve_cross(s, k, 0, 0, lo, hi, enum_max, u) +
			 ve_cross(s, k, 0, 1, lo, hi, enum_max, u)) / 2;
	z = level_z(level);
	c = z * sqrt(var_ci);
	res->ci_low = ve_cross(s, k, c, 0, lo, hi, enum_max, u);
	res->ci_high = ve_cross(s, k, -c, 0, lo, hi, enum_max, u);
	free(u);
	return DK_OK;
}
