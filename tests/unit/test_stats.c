/*
 * Unit tests for lib/stats.c.
 *
 * Reference values were computed independently with Debian 12's
 * python3-scipy 1.10.1 (and python3-mpmath 1.2.1, `from mpmath import *`,
 * where scipy itself is not accurate enough; its betainc and t.ppf lose up
 * to 1e-9 relative for large or non-integer parameters), by
 *     /usr/bin/python3 -c 'import numpy as np; from math import sqrt;
 *         from scipy import stats, special, optimize; print(repr(EXPR))'
 * with EXPR the expression in the comment next to each value. Helpers used
 * in those comments:
 *     z = stats.norm.ppf(0.975)
 *     def wilson(x, n):
 *         c = (x + z*z/2)/(n + z*z); h = z/(n + z*z)*sqrt(x*(n - x)/n + z*z/4)
 *         return (0.0 if x == 0 else c - h, 1.0 if x == n else c + h)
 *     def newcombe(x1, n1, x2, n2):  # for p2 - p1
 *         p1, p2 = x1/n1, x2/n2; l1, u1 = wilson(x1, n1); l2, u2 = wilson(x2, n2)
 *         d = p2 - p1
 *         return (d - sqrt((p2 - l2)**2 + (u1 - p1)**2),
 *                 d + sqrt((u2 - p2)**2 + (p1 - l1)**2))
 *     def tq(p, df):  # scipy 1.10's t.ppf is only good to ~2e-9 for real df
 *         return optimize.brentq(lambda x: stats.t.cdf(x, df) - p, -100, 100,
 *                                xtol=1e-300, rtol=1e-15)
 *     def mover(c1, e1, c2, e2):  # score intervals for rates, combined
 *         def sc(c, e):
 *             m = c + z*z/2; h = z*sqrt(c + z*z/4); return (m - h)/e, (m + h)/e
 *         r1, r2 = c1/e1, c2/e2; l1, u1 = sc(c1, e1); l2, u2 = sc(c2, e2)
 *         d = r2 - r1
 *         return (d - sqrt((r2 - l2)**2 + (u1 - r1)**2),
 *                 d + sqrt((u2 - r2)**2 + (r1 - l1)**2))
 * Hodges-Lehmann order statistics are checked against brute force (all
 * differences sorted) in this file, and the large case against an exact
 * histogram convolution both here and in numpy.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "stats.h"

/* stats.norm.ppf(0.975) and stats.norm.ppf(0.95) */
#define Z975 1.959963984540054
#define Z95 1.6448536269514722

#define assert_rel(got, want, tol) \
	check_rel((got), (want), (tol), #got, __FILE__, __LINE__)
#define assert_abs(got, want, tol) \
	check_abs((got), (want), (tol), #got, __FILE__, __LINE__)

/* |got - want| <= tol |want|; NaN matches only NaN, infinities themselves. */
static void check_rel(double got, double want, double tol, const char *expr,
		      const char *file, int line)
{
	if (isnan(want) ? isnan(got) :
	    got == want || fabs(got - want) <= tol * fabs(want))
		return;
	fail_msg("%s:%d: %s = %.17g, want %.17g (relative tolerance %g)",
		 file, line, expr, got, want, tol);
}

static void check_abs(double got, double want, double tol, const char *expr,
		      const char *file, int line)
{
	if (isnan(want) ? isnan(got) :
	    got == want || fabs(got - want) <= tol)
		return;
	fail_msg("%s:%d: %s = %.17g, want %.17g (absolute tolerance %g)",
		 file, line, expr, got, want, tol);
}

/* A small deterministic generator for the randomised tests. */
static uint64_t rng_state = 12345;

static double rng_uniform(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (rng_state >> 11) * 0x1.0p-53;
}

static int cmp_double(const void *pa, const void *pb)
{
	double a = *(const double *)pa, b = *(const double *)pb;

	return (a > b) - (a < b);
}

/* ---- distributions ---------------------------------------------------- */

static void test_norm_cdf(void **state)
{
	static const struct {
		double x, want;
	} cases[] = {
		{ -37.5, 4.605353009581954e-308 }, /* stats.norm.cdf(-37.5) */
		{ -8.0, 6.22096057427174e-16 }, /* stats.norm.cdf(-8.0) */
		{ -1.959963984540054, 0.025 }, /* stats.norm.cdf(-1.959963984540054) */
		{ -1.0, 0.15865525393145707 }, /* stats.norm.cdf(-1.0) */
		{ -1e-05, 0.49999601057719606 }, /* stats.norm.cdf(-1e-05) */
		{ 0.0, 0.5 }, /* stats.norm.cdf(0.0) */
		{ 0.3, 0.6179114221889526 }, /* stats.norm.cdf(0.3) */
		{ 2.5, 0.9937903346742238 }, /* stats.norm.cdf(2.5) */
		{ 6.0, 0.9999999990134123 }, /* stats.norm.cdf(6.0) */
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_rel(stats_norm_cdf(cases[i].x), cases[i].want, 1e-13);
	assert_true(stats_norm_cdf(-INFINITY) == 0);
	assert_true(stats_norm_cdf(INFINITY) == 1);
	assert_true(isnan(stats_norm_cdf(NAN)));
}

static void test_norm_quantile(void **state)
{
	static const struct {
		double p, want;
	} cases[] = {
		{ 1e-300, -37.0470962993612 }, /* stats.norm.ppf(1e-300) */
		{ 1e-20, -9.262340089798409 }, /* stats.norm.ppf(1e-20) */
		{ 1e-10, -6.361340902404056 }, /* stats.norm.ppf(1e-10) */
		{ 0.001, -3.090232306167813 }, /* stats.norm.ppf(0.001) */
		{ 0.025, -1.9599639845400545 }, /* stats.norm.ppf(0.025) */
		{ 0.3, -0.5244005127080409 }, /* stats.norm.ppf(0.3) */
		{ 0.4999999, -2.506628274703107e-07 }, /* stats.norm.ppf(0.4999999) */
		{ 0.5, 0.0 }, /* stats.norm.ppf(0.5) */
		{ 0.7, 0.5244005127080407 }, /* stats.norm.ppf(0.7) */
		{ 0.975, 1.959963984540054 }, /* stats.norm.ppf(0.975) */
		{ 0.999, 3.090232306167813 }, /* stats.norm.ppf(0.999) */
		{ 0.999999999999, 7.0344869100478356 }, /* stats.norm.ppf(0.999999999999) */
	};
	size_t i;
	double p;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_rel(stats_norm_quantile(cases[i].p), cases[i].want,
			   1e-14);
	assert_true(stats_norm_quantile(0) == -INFINITY);
	assert_true(stats_norm_quantile(1) == INFINITY);
	assert_true(isnan(stats_norm_quantile(-0.1)));
	assert_true(isnan(stats_norm_quantile(1.5)));
	assert_true(isnan(stats_norm_quantile(NAN)));
	/* symmetry and round trip on a fine grid */
	for (p = 1e-6; p < 0.5; p *= 1.37) {
		double q = 1 - p; /* 1 - q is exact, 1 - p need not be */

		assert_rel(stats_norm_quantile(q), -stats_norm_quantile(1 - q),
			   1e-15);
		assert_rel(stats_norm_cdf(stats_norm_quantile(p)), p, 1e-13);
	}
}

static void test_beta_inc(void **state)
{
	static const struct {
		double a, b, x, want;
	} cases[] = {
		{ 0.5, 0.5, 0.3, 0.3690101195655454 }, /* special.betainc(0.5, 0.5, 0.3) */
		{ 2, 3, 0.4, 0.5247999999999999 }, /* special.betainc(2, 3, 0.4) */
		{ 0.1, 20, 0.01, 0.8781283685059542 }, /* special.betainc(0.1, 20, 0.01) */
		{ 20, 0.1, 0.99, 0.12187163149405218 }, /* special.betainc(20, 0.1, 0.99) */
		{ 15, 15, 0.45, 0.29303248238816815 }, /* special.betainc(15, 15, 0.45) */
		{ 50, 0.5, 0.97, 0.08169933372182267 }, /* special.betainc(50, 0.5, 0.97) */
		{ 1000, 2000, 0.34, 0.7812150911606427 }, /* mpmath.betainc(1000, 2000, 0, 0.34, regularized=True), mp.dps = 40 (scipy: 0.781215091161411) */
		{ 100000.0, 100003.0, 0.4999925001124983, 0.5000000089204203 }, /* mpmath.betainc does not converge here, so with mp.dps = 40, a, b, x = mpf(100000), mpf(100003), mpf(0.4999925001124983), lb = log(beta(a, b)), m = (a - 1)/(a + b - 2), sd = sqrt(a*b/((a + b)**2*(a + b + 1))): quad(lambda u: exp((a - 1)*log(u) + (b - 1)*log1p(-u) - lb), [0, m - 40*sd, m - 10*sd, m - 3*sd, m - sd, m, x]) (scipy: 0.5000000090284558) */
		{ 300000.0, 12, 0.99996, 0.46154472376914796 }, /* mpmath.betainc(300000.0, 12, 0, 0.99996, regularized=True), mp.dps = 40 (scipy: 0.46154472355436715) */
		{ 9.5, 10.5, 0.6, 0.8689290965446088 }, /* special.betainc(9.5, 10.5, 0.6) */
		{ 14.85, 0.5, 0.9453188971442418, 0.2000000009915956 }, /* special.betainc(14.85, 0.5, 0.9453188971442418) */
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_rel(stats_beta_inc(cases[i].a, cases[i].b, cases[i].x),
			   cases[i].want, 1e-12);
		/* I_x(a, b) = 1 - I_{1-x}(b, a) */
		assert_abs(stats_beta_inc(cases[i].b, cases[i].a,
					  1 - cases[i].x),
			   1 - cases[i].want, 1e-12);
	}
	/* closed forms: I_x(1, 1) = x, I_x(a, 1) = x^a, I_x(1, b) = 1-(1-x)^b */
	assert_rel(stats_beta_inc(1, 1, 0.3), 0.3, 1e-15);
	assert_rel(stats_beta_inc(3.5, 1, 0.2), pow(0.2, 3.5), 1e-14);
	assert_rel(stats_beta_inc(1, 4, 0.25), 1 - pow(0.75, 4), 1e-14);
	assert_true(stats_beta_inc(2, 3, 0) == 0);
	assert_true(stats_beta_inc(2, 3, 1) == 1);
	assert_true(isnan(stats_beta_inc(0, 3, 0.5)));
	assert_true(isnan(stats_beta_inc(2, -1, 0.5)));
	assert_true(isnan(stats_beta_inc(2, 3, 1.5)));
	assert_true(isnan(stats_beta_inc(2, 3, NAN)));
}

static void test_t_cdf(void **state)
{
	static const struct {
		double t, df, want;
	} cases[] = {
		{ -40.0, 0.5, 0.05070489996474719 }, /* stats.t.cdf(-40.0, 0.5) */
		{ -3.0, 0.5, 0.18365407799297176 }, /* stats.t.cdf(-3.0, 0.5) */
		{ -1.96, 0.5, 0.22486148886918958 }, /* stats.t.cdf(-1.96, 0.5) */
		{ -0.5, 0.5, 0.3786590364647183 }, /* stats.t.cdf(-0.5, 0.5) */
		{ 0.3, 0.5, 0.5775704239347546 }, /* stats.t.cdf(0.3, 0.5) */
		{ 2.5, 0.5, 0.7995147354733534 }, /* stats.t.cdf(2.5, 0.5) */
		{ 10.0, 0.5, 0.8986613236143345 }, /* stats.t.cdf(10.0, 0.5) */
		{ -40.0, 1.0, 0.007956089912025812 }, /* stats.t.cdf(-40.0, 1.0) */
		{ -3.0, 1.0, 0.10241638234956672 }, /* stats.t.cdf(-3.0, 1.0) */
		{ -1.96, 1.0, 0.15017144588801654 }, /* stats.t.cdf(-1.96, 1.0) */
		{ -0.5, 1.0, 0.3524163823495668 }, /* stats.t.cdf(-0.5, 1.0) */
		{ 0.3, 1.0, 0.5927735790777423 }, /* stats.t.cdf(0.3, 1.0) */
		{ 2.5, 1.0, 0.8788810584091566 }, /* stats.t.cdf(2.5, 1.0) */
		{ 10.0, 1.0, 0.9682744825694464 }, /* stats.t.cdf(10.0, 1.0) */
		{ -40.0, 2.5, 7.097817145246693e-05 }, /* stats.t.cdf(-40.0, 2.5) */
		{ -3.0, 2.5, 0.036288047774515914 }, /* stats.t.cdf(-3.0, 2.5) */
		{ -1.96, 2.5, 0.081473782236407 }, /* stats.t.cdf(-1.96, 2.5) */
		{ -0.5, 2.5, 0.3288489599348574 }, /* stats.t.cdf(-0.5, 2.5) */
		{ 0.3, 2.5, 0.6063288142524015 }, /* stats.t.cdf(0.3, 2.5) */
		{ 2.5, 2.5, 0.9477150184609223 }, /* stats.t.cdf(2.5, 2.5) */
		{ 10.0, 2.5, 0.9977792521163463 }, /* stats.t.cdf(10.0, 2.5) */
		{ -40.0, 7.3, 4.0185675839568655e-10 }, /* stats.t.cdf(-40.0, 7.3) */
		{ -3.0, 7.3, 0.009490275511566747 }, /* stats.t.cdf(-3.0, 7.3) */
		{ -1.96, 7.3, 0.044561436050009263 }, /* stats.t.cdf(-1.96, 7.3) */
		{ -0.5, 7.3, 0.3158967634022208 }, /* stats.t.cdf(-0.5, 7.3) */
		{ 0.3, 7.3, 0.6137297319101449 }, /* stats.t.cdf(0.3, 7.3) */
		{ 2.5, 7.3, 0.9801748826671998 }, /* stats.t.cdf(2.5, 7.3) */
		{ 10.0, 7.3, 0.9999919498723993 }, /* stats.t.cdf(10.0, 7.3) */
		{ -40.0, 30.0, 6.863022597203181e-28 }, /* stats.t.cdf(-40.0, 30.0) */
		{ -3.0, 30.0, 0.002694982032825972 }, /* stats.t.cdf(-3.0, 30.0) */
		{ -1.96, 30.0, 0.029671156448025263 }, /* stats.t.cdf(-1.96, 30.0) */
		{ -0.5, 30.0, 0.31036150244256366 }, /* stats.t.cdf(-0.5, 30.0) */
		{ 0.3, 30.0, 0.6168769473578236 }, /* stats.t.cdf(0.3, 30.0) */
		{ 2.5, 30.0, 0.9909421754659666 }, /* stats.t.cdf(2.5, 30.0) */
		{ 10.0, 30.0, 0.9999999999771237 }, /* stats.t.cdf(10.0, 30.0) */
		{ -40.0, 1234.5, 2.2949140086702908e-225 }, /* stats.t.cdf(-40.0, 1234.5) */
		{ -3.0, 1234.5, 0.0013769658036701824 }, /* stats.t.cdf(-3.0, 1234.5) */
		{ -1.96, 1234.5, 0.02511023804023621 }, /* stats.t.cdf(-1.96, 1234.5) */
		{ -0.5, 1234.5, 0.30858209385741686 }, /* stats.t.cdf(-0.5, 1234.5) */
		{ 0.3, 1234.5, 0.6178861689953196 }, /* stats.t.cdf(0.3, 1234.5) */
		{ 2.5, 1234.5, 0.9937258697985735 }, /* stats.t.cdf(2.5, 1234.5) */
		{ 10.0, 1234.5, 1.0 }, /* stats.t.cdf(10.0, 1234.5) */
		{ -3.0, 100000.0, 0.0013502304420323597 }, /* stats.t.cdf(-3.0, 100000.0) */
		{ -1.96, 100000.0, 0.024999281597150834 }, /* stats.t.cdf(-1.96, 100000.0) */
		{ -0.5, 100000.0, 0.308538088827209 }, /* stats.t.cdf(-0.5, 100000.0) */
		{ 0.3, 100000.0, 0.6179111104048312 }, /* stats.t.cdf(0.3, 100000.0) */
		{ 2.5, 100000.0, 0.9937895404037205 }, /* stats.t.cdf(2.5, 100000.0) */
		{ 10.0, 100000.0, 1.0 }, /* stats.t.cdf(10.0, 100000.0) */
	};
	size_t i;
	double t;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_rel(stats_t_cdf(cases[i].t, cases[i].df), cases[i].want,
			   1e-12);
	/*
	 * Closed forms, written without cancellation in the lower tail:
	 * df = 1 (Cauchy): 1/2 + atan(t)/pi = atan2(1, -t)/pi;
	 * df = 2: 1/2 + t/(2 r) with r = sqrt(2 + t^2), = 1/(r (r - t)) for t < 0.
	 */
	for (t = -50; t <= 50; t += 0.73) {
		double r = sqrt(2 + t * t);

		assert_rel(stats_t_cdf(t, 1), atan2(1, -t) / M_PI, 1e-13);
		assert_rel(stats_t_cdf(t, 2),
			   t < 0 ? 1 / (r * (r - t)) : 1 - 1 / (r * (r + t)),
			   1e-13);
		/* symmetry */
		assert_abs(stats_t_cdf(-t, 7.3), 1 - stats_t_cdf(t, 7.3),
			   1e-15);
	}
	assert_true(stats_t_cdf(0, 3.3) == 0.5);
	assert_true(stats_t_cdf(-INFINITY, 3) == 0);
	assert_true(stats_t_cdf(INFINITY, 3) == 1);
	/* very large df tends to the normal */
	assert_rel(stats_t_cdf(-1.96, INFINITY), stats_norm_cdf(-1.96), 1e-15);
	assert_rel(stats_t_cdf(-1.96, 1e15), stats_norm_cdf(-1.96), 1e-12);
	assert_true(isnan(stats_t_cdf(1, 0)));
	assert_true(isnan(stats_t_cdf(1, -2)));
	assert_true(isnan(stats_t_cdf(NAN, 2)));
	assert_true(isnan(stats_t_cdf(1, NAN)));
}

static void test_t_quantile(void **state)
{
	static const struct {
		double p, df, want;
	} cases[] = {
		{ 1e-12, 0.5, -1.0284911563163404e+23 }, /* optimize.brentq(lambda x: stats.t.cdf(x, 0.5) - 1e-12, -1.5111572745182865e+23, 1.0, xtol=1e-300, rtol=1e-15) */
		{ 0.001, 0.5, -102849.11563017554 }, /* optimize.brentq(lambda x: stats.t.cdf(x, 0.5) - 0.001, -131072.0, 1.0, xtol=1e-300, rtol=1e-15) */
		{ 0.025, 0.5, -164.55767348048855 }, /* optimize.brentq(lambda x: stats.t.cdf(x, 0.5) - 0.025, -256.0, 1.0, xtol=1e-300, rtol=1e-15) */
		{ 0.3, 0.5, -1.0095258786071655 }, /* optimize.brentq(lambda x: stats.t.cdf(x, 0.5) - 0.3, -2.0, 1.0, xtol=1e-300, rtol=1e-15) */
		{ 0.8, 0.5, 2.51271795366592 }, /* optimize.brentq(lambda x: stats.t.cdf(x, 0.5) - 0.8, -1.0, 4.0, xtol=1e-300, rtol=1e-15) */
		{ 0.975, 0.5, 164.55767348048786 }, /* optimize.brentq(lambda x: stats.t.cdf(x, 0.5) - 0.975, -1.0, 256.0, xtol=1e-300, rtol=1e-15) */
		{ 1e-12, 2.5, -55306.174076515905 }, /* optimize.brentq(lambda x: stats.t.cdf(x, 2.5) - 1e-12, -65536.0, 1.0, xtol=1e-300, rtol=1e-15) */
		{ 0.001, 2.5, -13.822193110865967 }, /* optimize.brentq(lambda x: stats.t.cdf(x, 2.5) - 0.001, -16.0, 1.0, xtol=1e-300, rtol=1e-15) */
		{ 0.025, 2.5, -3.5746548420036826 }, /* optimize.brentq(lambda x: stats.t.cdf(x, 2.5) - 0.025, -4.0, 1.0, xtol=1e-300, rtol=1e-15) */
		{ 0.3, 2.5, -0.5973077382523176 }, /* optimize.brentq(lambda x: stats.t.cdf(x, 2.5) - 0.3, -1.0, 1.0, xtol=1e-300, rtol=1e-15) */
		{ 0.8, 2.5, 1.010163874722239 }, /* optimize.brentq(lambda x: stats.t.cdf(x, 2.5) - 0.8, -1.0, 2.0, xtol=1e-300, rtol=1e-15) */
		{ 0.975, 2.5, 3.574654842003685 }, /* optimize.brentq(lambda x: stats.t.cdf(x, 2.5) - 0.975, -1.0, 4.0, xtol=1e-300, rtol=1e-15) */
		{ 1e-12, 7.3, -91.09486659389756 }, /* optimize.brentq(lambda x: stats.t.cdf(x, 7.3) - 1e-12, -128.0, 1.0, xtol=1e-300, rtol=1e-15) */
		{ 0.001, 7.3, -4.688865993538373 }, /* optimize.brentq(lambda x: stats.t.cdf(x, 7.3) - 0.001, -8.0, 1.0, xtol=1e-300, rtol=1e-15) */
		{ 0.025, 7.3, -2.3450667365477025 }, /* optimize.brentq(lambda x: stats.t.cdf(x, 7.3) - 0.025, -4.0, 1.0, xtol=1e-300, rtol=1e-15) */
		{ 0.3, 7.3, -0.5480628979421778 }, /* optimize.brentq(lambda x: stats.t.cdf(x, 7.3) - 0.3, -1.0, 1.0, xtol=1e-300, rtol=1e-15) */
		{ 0.8, 7.3, 0.8936713571802274 }, /* optimize.brentq(lambda x: stats.t.cdf(x, 7.3) - 0.8, -1.0, 1.0, xtol=1e-300, rtol=1e-15) */
		{ 0.975, 7.3, 2.345066736547701 }, /* optimize.brentq(lambda x: stats.t.cdf(x, 7.3) - 0.975, -1.0, 4.0, xtol=1e-300, rtol=1e-15) */
		{ 1e-12, 30.0, -11.397217523311411 }, /* optimize.brentq(lambda x: stats.t.cdf(x, 30.0) - 1e-12, -16.0, 1.0, xtol=1e-300, rtol=1e-15) */
		{ 0.001, 30.0, -3.385184866829305 }, /* optimize.brentq(lambda x: stats.t.cdf(x, 30.0) - 0.001, -4.0, 1.0, xtol=1e-300, rtol=1e-15) */
		{ 0.025, 30.0, -2.042272456301238 }, /* optimize.brentq(lambda x: stats.t.cdf(x, 30.0) - 0.025, -4.0, 1.0, xtol=1e-300, rtol=1e-15) */
		{ 0.3, 30.0, -0.5300190039065044 }, /* optimize.brentq(lambda x: stats.t.cdf(x, 30.0) - 0.3, -1.0, 1.0, xtol=1e-300, rtol=1e-15) */
		{ 0.8, 30.0, 0.8537672614712978 }, /* optimize.brentq(lambda x: stats.t.cdf(x, 30.0) - 0.8, -1.0, 1.0, xtol=1e-300, rtol=1e-15) */
		{ 0.975, 30.0, 2.0422724563012378 }, /* optimize.brentq(lambda x: stats.t.cdf(x, 30.0) - 0.975, -1.0, 4.0, xtol=1e-300, rtol=1e-15) */
		{ 1e-12, 1234.5, -7.107032235971044 }, /* optimize.brentq(lambda x: stats.t.cdf(x, 1234.5) - 1e-12, -8.0, 1.0, xtol=1e-300, rtol=1e-15) */
		{ 0.001, 1234.5, -3.0968472147043964 }, /* optimize.brentq(lambda x: stats.t.cdf(x, 1234.5) - 0.001, -4.0, 1.0, xtol=1e-300, rtol=1e-15) */
		{ 0.025, 1234.5, -1.9618874833313455 }, /* optimize.brentq(lambda x: stats.t.cdf(x, 1234.5) - 0.025, -2.0, 1.0, xtol=1e-300, rtol=1e-15) */
		{ 0.3, 1234.5, -0.5245359412496184 }, /* optimize.brentq(lambda x: stats.t.cdf(x, 1234.5) - 0.3, -1.0, 1.0, xtol=1e-300, rtol=1e-15) */
		{ 0.8, 1234.5, 0.8419124936269623 }, /* optimize.brentq(lambda x: stats.t.cdf(x, 1234.5) - 0.8, -1.0, 1.0, xtol=1e-300, rtol=1e-15) */
		{ 0.975, 1234.5, 1.9618874833313464 }, /* optimize.brentq(lambda x: stats.t.cdf(x, 1234.5) - 0.975, -1.0, 2.0, xtol=1e-300, rtol=1e-15) */
		{ 1e-12, 100000.0, -7.035371742393577 }, /* optimize.brentq(lambda x: stats.t.cdf(x, 100000.0) - 1e-12, -8.0, 1.0, xtol=1e-300, rtol=1e-15) */
		{ 0.001, 100000.0, -3.090313809427238 }, /* optimize.brentq(lambda x: stats.t.cdf(x, 100000.0) - 0.001, -4.0, 1.0, xtol=1e-300, rtol=1e-15) */
		{ 0.025, 100000.0, -1.9599877075346097 }, /* optimize.brentq(lambda x: stats.t.cdf(x, 100000.0) - 0.025, -2.0, 1.0, xtol=1e-300, rtol=1e-15) */
		{ 0.3, 100000.0, -0.524402184233546 }, /* optimize.brentq(lambda x: stats.t.cdf(x, 100000.0) - 0.3, -1.0, 1.0, xtol=1e-300, rtol=1e-15) */
		{ 0.8, 100000.0, 0.8416248279969007 }, /* optimize.brentq(lambda x: stats.t.cdf(x, 100000.0) - 0.8, -1.0, 1.0, xtol=1e-300, rtol=1e-15) */
		{ 0.975, 100000.0, 1.95998770753461 }, /* optimize.brentq(lambda x: stats.t.cdf(x, 100000.0) - 0.975, -1.0, 2.0, xtol=1e-300, rtol=1e-15) */
	};
	size_t i;
	double p;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_rel(stats_t_quantile(cases[i].p, cases[i].df),
			   cases[i].want, 1e-12);
	/*
	 * Closed forms: df = 1: tan(pi (p - 1/2)), i.e. -1/tan(pi p) below the
	 * median, 1/tan(pi (1 - p)) above; df = 2: (2p - 1)/sqrt(2p(1 - p)).
	 */
	for (p = 1e-9; p < 1; p += 0.0371) {
		assert_rel(stats_t_quantile(p, 1), p < 0.5 ?
			   -1 / tan(M_PI * p) : 1 / tan(M_PI * (1 - p)), 1e-12);
		assert_rel(stats_t_quantile(p, 2),
			   (2 * p - 1) / sqrt(2 * p * (1 - p)), 1e-12);
	}
	assert_true(stats_t_quantile(0.5, 4) == 0);
	assert_true(stats_t_quantile(0, 4) == -INFINITY);
	assert_true(stats_t_quantile(1, 4) == INFINITY);
	assert_rel(stats_t_quantile(0.975, INFINITY), Z975, 1e-15);
	assert_true(isnan(stats_t_quantile(1.2, 4)));
	assert_true(isnan(stats_t_quantile(0.3, 0)));
}

static void test_binom(void **state)
{
	static const struct {
		unsigned long k, n;
		double p, pmf, cdf, sf;
	} cases[] = {
		{ 3, 10, 0.3, 0.26682793199999977, 0.6496107184000002, 0.3503892815999998 }, /* stats.binom.pmf/.cdf/.sf(3, 10, 0.3) */
		{ 0, 10, 0.3, 0.028247524899999984, 0.028247524900000005, 0.9717524751 }, /* stats.binom.pmf/.cdf/.sf(0, 10, 0.3) */
		{ 10, 10, 0.3, 5.9048999999999975e-06, 1.0, 0.0 }, /* stats.binom.pmf/.cdf/.sf(10, 10, 0.3) */
		{ 480, 1000, 0.5, 0.011340982371187717, 0.10872414660207046, 0.8912758533979296 }, /* stats.binom.pmf/.cdf/.sf(480, 1000, 0.5) */
		{ 5, 1000, 0.01, 0.03745311160824717, 0.0661395116072514, 0.9338604883927486 }, /* stats.binom.pmf/.cdf/.sf(5, 1000, 0.01) */
		{ 370000, 1000000, 0.37, 0.0008263020115252836, 0.5004489573957747, 0.4995510426042254 }, /* stats.binom.pmf/.cdf/.sf(370000, 1000000, 0.37) */
		{ 369000, 1000000, 0.37, 9.671019813655763e-05, 0.019203120516114905, 0.980796879483885 }, /* stats.binom.pmf/.cdf/.sf(369000, 1000000, 0.37) */
		{ 0, 20, 0.999, 1.0000000000000178e-60, 1.0000000000000178e-60, 1.0 }, /* stats.binom.pmf/.cdf/.sf(0, 20, 0.999) */
		{ 19, 20, 0.999, 0.019623400697287977, 0.019811135170465333, 0.9801888648295347 }, /* stats.binom.pmf/.cdf/.sf(19, 20, 0.999) */
	};
	size_t i;
	unsigned long k;
	double sum = 0;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_rel(stats_binom_pmf(cases[i].k, cases[i].n, cases[i].p),
			   cases[i].pmf, 1e-12);
		assert_rel(stats_binom_logpmf(cases[i].k, cases[i].n,
					      cases[i].p),
			   log(cases[i].pmf), 1e-13);
		assert_rel(stats_binom_cdf(cases[i].k, cases[i].n, cases[i].p),
			   cases[i].cdf, 1e-12);
		assert_rel(stats_binom_sf(cases[i].k, cases[i].n, cases[i].p),
			   cases[i].sf, 1e-12);
	}
	for (k = 0; k <= 50; k++)
		sum += stats_binom_pmf(k, 50, 0.37);
	assert_rel(sum, 1, 1e-14);
	assert_true(stats_binom_pmf(0, 0, 0.3) == 1);
	assert_true(stats_binom_pmf(0, 9, 0) == 1);
	assert_true(stats_binom_pmf(1, 9, 0) == 0);
	assert_true(stats_binom_pmf(9, 9, 1) == 1);
	assert_true(stats_binom_pmf(11, 10, 0.5) == 0);
	assert_true(stats_binom_cdf(11, 10, 0.5) == 1);
	assert_true(stats_binom_sf(10, 10, 0.5) == 0);
	assert_true(isnan(stats_binom_pmf(1, 10, 1.5)));
}

/* ---- descriptive ------------------------------------------------------ */

static void test_mean_var_median(void **state)
{
	static const double x[] = { 4, 5, 3, 4, 2, 5, 4, 3, 4, 4, 5, 1 };
	static const double bad[] = { 1, NAN, 3 };
	double mean, var, med;

	(void)state;
	/* np.mean(x), np.var(x, ddof=1), np.median(x) */
	assert_int_equal(stats_mean_var(x, 12, &mean, &var), DK_OK);
	assert_rel(mean, 3.6666666666666665, 1e-15);
	assert_rel(var, 1.5151515151515154, 1e-14);
	assert_int_equal(stats_median(x, 12, &med), DK_OK);
	assert_true(med == 4);
	assert_int_equal(stats_median(x, 5, &med), DK_OK);
	assert_true(med == 4);
	assert_int_equal(stats_median(x + 3, 2, &med), DK_OK);
	assert_true(med == 3);
	assert_int_equal(stats_mean_var(x, 1, &mean, &var), DK_OK);
	assert_true(mean == 4 && isnan(var));
	assert_int_equal(stats_mean_var(NULL, 0, &mean, &var), DK_OK);
	assert_true(isnan(mean) && isnan(var));
	assert_int_equal(stats_median(NULL, 0, &med), DK_OK);
	assert_true(isnan(med));
	assert_int_equal(stats_mean_var(bad, 3, &mean, NULL), DK_DATAERR);
	assert_int_equal(stats_median(bad, 3, &med), DK_DATAERR);
}

/* ---- proportions ------------------------------------------------------ */

static void test_wilson(void **state)
{
	static const struct {
		unsigned long x, n;
		double low, high;
	} cases[] = {
		{ 56, 70, 0.6918335550374693, 0.8769526075163704 }, /* wilson(56, 70) */
		{ 48, 80, 0.490454650051604, 0.7003817240412907 }, /* wilson(48, 80) */
		{ 0, 10, 0.0, 0.27753279986288926 }, /* wilson(0, 10) */
		{ 10, 10, 0.7224672001371109, 1.0 }, /* wilson(10, 10) */
		{ 1, 1, 0.20654931437723745, 1.0 }, /* wilson(1, 1) */
		{ 81, 263, 0.2552885198782742, 0.36620957698280004 }, /* wilson(81, 263) */
	};
	size_t i;
	double lo, hi;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(stats_wilson(cases[i].x, cases[i].n, 0.95, &lo,
					      &hi), DK_OK);
		assert_rel(lo, cases[i].low, 1e-13);
		assert_rel(hi, cases[i].high, 1e-13);
	}
	/* Newcombe (1998a), Stat Med 17:857, method 3 for 81/263 */
	assert_int_equal(stats_wilson(81, 263, 0.95, &lo, &hi), DK_OK);
	assert_abs(lo, 0.2553, 5e-5);
	assert_abs(hi, 0.3662, 5e-5);
	assert_int_equal(stats_wilson(0, 0, 0.95, &lo, &hi), DK_OK);
	assert_true(isnan(lo) && isnan(hi));
	assert_int_equal(stats_wilson(3, 2, 0.95, &lo, &hi), DK_DATAERR);
	assert_int_equal(stats_wilson(1, 2, 1.0, &lo, &hi), DK_DATAERR);
	assert_int_equal(stats_wilson(1, 2, 0.95, NULL, &hi), DK_DATAERR);
}

static void test_prop_reference(void **state)
{
	static const struct {
		unsigned long x1, n1, x2, n2;
		double z, p, low, high;
	} cases[] = {
		{ 48, 80, 56, 70, 2.6501719512585336, 0.008045081368196582, 0.052431472402364815, 0.3338726540369059 }, /* z = (56/70 - 48/80)/sqrt(q*(1 - q)*(1/80 + 1/70)), q = (48 + 56)/(80 + 70); p = stats.chi2_contingency([[48, 80 - 48], [56, 70 - 56]], correction=False)[1] (= 2*stats.norm.sf(abs(z))); newcombe(48, 80, 56, 70) */
		{ 412, 1000, 455, 1000, 1.9402556186000326, 0.05234863216780386, -0.0004301752761274938, 0.08620165952644729 }, /* z = (455/1000 - 412/1000)/sqrt(q*(1 - q)*(1/1000 + 1/1000)), q = (412 + 455)/(1000 + 1000); p = stats.chi2_contingency([[412, 1000 - 412], [455, 1000 - 455]], correction=False)[1] (= 2*stats.norm.sf(abs(z))); newcombe(412, 1000, 455, 1000) */
		{ 30, 31, 29, 31, -0.5918466742963994, 0.553953265222703, -0.1773759932913255, 0.10555736372855429 }, /* z = (29/31 - 30/31)/sqrt(q*(1 - q)*(1/31 + 1/31)), q = (30 + 29)/(31 + 31); p = stats.chi2_contingency([[30, 31 - 30], [29, 31 - 29]], correction=False)[1] (= 2*stats.norm.sf(abs(z))); newcombe(30, 31, 29, 31) */
		{ 2, 40, 9, 41, 2.226486256780242, 0.0259816285232752, 0.01742577608545337, 0.3214212654450079 }, /* z = (9/41 - 2/40)/sqrt(q*(1 - q)*(1/40 + 1/41)), q = (2 + 9)/(40 + 41); p = stats.chi2_contingency([[2, 40 - 2], [9, 41 - 9]], correction=False)[1] (= 2*stats.norm.sf(abs(z))); newcombe(2, 40, 9, 41) */
		{ 70000, 100000, 70400, 100000, 1.9555472119052528, 0.050518516574804696, -9.036514275339788e-06, 0.008008861601086843 }, /* z = (70400/100000 - 70000/100000)/sqrt(q*(1 - q)*(1/100000 + 1/100000)), q = (70000 + 70400)/(100000 + 100000); p = stats.chi2_contingency([[70000, 100000 - 70000], [70400, 100000 - 70400]], correction=False)[1] (= 2*stats.norm.sf(abs(z))); newcombe(70000, 100000, 70400, 100000) */
	};
	struct stats_result r;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(stats_prop_test(cases[i].x1, cases[i].n1,
						 cases[i].x2, cases[i].n2, 0.95,
						 &r), DK_OK);
		assert_rel(r.estimate, (double)cases[i].x2 / cases[i].n2 -
				       (double)cases[i].x1 / cases[i].n1,
			   1e-15);
		assert_rel(r.statistic, cases[i].z, 1e-12);
		assert_rel(r.p_value, cases[i].p, 1e-10);
		assert_rel(r.ci_low, cases[i].low, 1e-11);
		assert_rel(r.ci_high, cases[i].high, 1e-11);
		assert_true(isnan(r.df));
	}
}

/* Newcombe (1998b), Stat Med 17:873, Table II, method 10 (p1 - p2 there). */
static void test_prop_newcombe_textbook(void **state)
{
	static const struct {
		unsigned long x1, n1, x2, n2;
		double low, high;
	} cases[] = {
		{ 56, 70, 48, 80, 0.0524, 0.3339 },
		{ 9, 10, 3, 10, 0.1705, 0.8090 },
		{ 5, 56, 0, 29, -0.0381, 0.1926 },
		{ 0, 10, 0, 20, -0.1611, 0.2775 },
		{ 0, 10, 0, 10, -0.2775, 0.2775 },
		{ 10, 10, 0, 20, 0.6791, 1.0000 },
		{ 10, 10, 0, 10, 0.6075, 1.0000 },
	};
	struct stats_result r;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		/* the paper's group 1 is our "after" */
		assert_int_equal(stats_prop_test(cases[i].x2, cases[i].n2,
						 cases[i].x1, cases[i].n1, 0.95,
						 &r), DK_OK);
		assert_abs(r.ci_low, cases[i].low, 5e-5);
		assert_abs(r.ci_high, cases[i].high, 5e-5);
	}
}

static void test_prop_edges(void **state)
{
	struct stats_result r, s;

	(void)state;
	/* all successes on both sides: no variance, so no z and no p */
	assert_int_equal(stats_prop_test(40, 40, 35, 35, 0.95, &r), DK_OK);
	assert_true(r.estimate == 0);
	assert_true(isnan(r.statistic) && isnan(r.p_value));
	assert_true(r.ci_low < 0 && r.ci_high > 0);
	/* mirror image: all failures */
	assert_int_equal(stats_prop_test(0, 40, 0, 35, 0.95, &s), DK_OK);
	assert_true(s.estimate == 0);
	assert_true(isnan(s.statistic) && isnan(s.p_value));
	assert_rel(s.ci_low, -r.ci_high, 1e-14);
	assert_rel(s.ci_high, -r.ci_low, 1e-14);
	/* newcombe(0, 40, 0, 35) */
	assert_rel(s.ci_low, -0.08762160119728662, 1e-12);
	assert_rel(s.ci_high, 0.09890099232440402, 1e-12);
	/* empty group */
	assert_int_equal(stats_prop_test(0, 0, 3, 10, 0.95, &r), DK_OK);
	assert_true(isnan(r.estimate) && isnan(r.ci_low) && isnan(r.ci_high));
	assert_true(isnan(r.p_value) && isnan(r.statistic));
	assert_int_equal(stats_prop_test(3, 10, 0, 0, 0.95, &r), DK_OK);
	assert_true(isnan(r.estimate) && isnan(r.p_value));
	/* sign convention: after better gives positive estimate and z */
	assert_int_equal(stats_prop_test(10, 100, 30, 100, 0.95, &r), DK_OK);
	assert_true(r.estimate > 0 && r.statistic > 0 && r.ci_low > 0);
	/* swapping the groups mirrors everything */
	assert_int_equal(stats_prop_test(30, 100, 10, 100, 0.95, &s), DK_OK);
	assert_rel(s.estimate, -r.estimate, 1e-15);
	assert_rel(s.statistic, -r.statistic, 1e-15);
	assert_rel(s.p_value, r.p_value, 1e-15);
	assert_rel(s.ci_low, -r.ci_high, 1e-14);
	assert_rel(s.ci_high, -r.ci_low, 1e-14);
	/* equal proportions: z = 0, p = 1, symmetric interval */
	assert_int_equal(stats_prop_test(20, 50, 20, 50, 0.95, &r), DK_OK);
	assert_true(r.statistic == 0 && r.p_value == 1);
	assert_rel(r.ci_low, -r.ci_high, 1e-15);
	/* a wider level gives a wider interval */
	assert_int_equal(stats_prop_test(20, 50, 27, 50, 0.99, &s), DK_OK);
	assert_int_equal(stats_prop_test(20, 50, 27, 50, 0.95, &r), DK_OK);
	assert_true(s.ci_low < r.ci_low && s.ci_high > r.ci_high);
	/* bad arguments */
	assert_int_equal(stats_prop_test(11, 10, 3, 10, 0.95, &r), DK_DATAERR);
	assert_true(isnan(r.estimate));
	assert_int_equal(stats_prop_test(1, 10, 3, 10, 0, &r), DK_DATAERR);
	assert_int_equal(stats_prop_test(1, 10, 3, 10, 0.95, NULL),
			 DK_DATAERR);
}

/* ---- Mann-Whitney ----------------------------------------------------- */

static const double mw_before[] = { 3.5, 1.0, 2.0, 2.0, 7.25,
				    4.0, 4.0, 4.0, 10.0, 0.5 };
static const double mw_after[] = { 5.0, 4.0, 6.5, 2.0, 8.0,
				   4.0, 12.0, 9.0, 3.0 };

static void test_mann_whitney_reference(void **state)
{
	double b[10], a[9];
	struct stats_result r, s;
	static const double one[] = { 1.0 }, two[] = { 2.0 };
	static const double three[] = { 5.0, 6.0, 7.0 };

	(void)state;
	memcpy(b, mw_before, sizeof(b));
	memcpy(a, mw_after, sizeof(a));
	/* stats.mannwhitneyu(after, before, use_continuity=True,
	 *     alternative='two-sided', method='asymptotic')
	 *   -> statistic=64.0, pvalue=0.12684199270624055 */
	assert_int_equal(stats_mann_whitney(b, 10, a, 9, &r), DK_OK);
	assert_true(r.statistic == 64);
	assert_rel(r.p_value, 0.12684199270624055, 1e-12);
	assert_true(isnan(r.estimate) && isnan(r.ci_low) && isnan(r.df));
	/* the caller's arrays are untouched */
	assert_memory_equal(b, mw_before, sizeof(b));
	assert_memory_equal(a, mw_after, sizeof(a));
	/* swapping the samples: U' = n1 n2 - U, same p */
	assert_int_equal(stats_mann_whitney(a, 9, b, 10, &s), DK_OK);
	assert_true(s.statistic == 90 - 64);
	assert_rel(s.p_value, r.p_value, 1e-15);
	/* sufficient statistics: stats.rankdata(np.concatenate([before,
	 * after]))[:10].sum() = 81.0; sum(t^3 - t) over np.unique counts = 144 */
	assert_int_equal(stats_mann_whitney_ranks(10, 9, 81, 144, &s), DK_OK);
	assert_true(s.statistic == r.statistic);
	assert_true(s.p_value == r.p_value);
	/* n = 1 each: mannwhitneyu([2.0], [1.0], ...) -> 1.0, 1.0 */
	assert_int_equal(stats_mann_whitney(one, 1, two, 1, &r), DK_OK);
	assert_true(r.statistic == 1 && r.p_value == 1);
	/* mannwhitneyu([5.0, 6.0, 7.0], [1.0], ...) -> 3.0, 0.37109336952269756 */
	assert_int_equal(stats_mann_whitney(one, 1, three, 3, &r), DK_OK);
	assert_true(r.statistic == 3);
	assert_rel(r.p_value, 0.37109336952269756, 1e-12);
}

static void test_mann_whitney_edges(void **state)
{
	static const double same[] = { 2.5, 2.5, 2.5, 2.5 };
	static const double bad[] = { 1.0, INFINITY };
	struct stats_result r;

	(void)state;
	/* every value equal: zero variance, p = 1 by definition */
	assert_int_equal(stats_mann_whitney(same, 4, same, 3, &r), DK_OK);
	assert_true(r.statistic == 6 && r.p_value == 1);
	assert_int_equal(stats_mann_whitney_ranks(4, 3, 16, 336, &r), DK_OK);
	assert_true(r.p_value == 1);
	/* empty side */
	assert_int_equal(stats_mann_whitney(same, 4, NULL, 0, &r), DK_OK);
	assert_true(isnan(r.statistic) && isnan(r.p_value));
	assert_int_equal(stats_mann_whitney_ranks(0, 3, 0, 0, &r), DK_OK);
	assert_true(isnan(r.p_value));
	/* impossible sufficient statistics, bad values */
	assert_int_equal(stats_mann_whitney_ranks(4, 3, 9, 0, &r), DK_DATAERR);
	assert_int_equal(stats_mann_whitney_ranks(4, 3, 23, 0, &r),
			 DK_DATAERR);
	assert_int_equal(stats_mann_whitney_ranks(4, 3, 16, 400, &r),
			 DK_DATAERR);
	assert_int_equal(stats_mann_whitney(bad, 2, same, 4, &r), DK_DATAERR);
	assert_int_equal(stats_mann_whitney(NULL, 2, same, 4, &r), DK_DATAERR);
	assert_int_equal(stats_mann_whitney(same, 4, same, 4, NULL),
			 DK_DATAERR);
}

/* ---- Hodges-Lehmann --------------------------------------------------- */

/* Brute force: every difference, sorted; *m receives n1 * n2. */
static double *all_diffs(const double *x, size_t n1, const double *y,
			 size_t n2, size_t *m)
{
	double *d = malloc(n1 * n2 * sizeof(*d));
	size_t i, j;

	assert_non_null(d);
	for (i = 0; i < n1; i++)
		for (j = 0; j < n2; j++)
			d[i * n2 + j] = y[j] - x[i];
	qsort(d, n1 * n2, sizeof(*d), cmp_double);
	*m = n1 * n2;
	return d;
}

/* Random sample: kind 0 continuous, 1 coarse grid (many ties), 2 decimals. */
static void fill_random(double *v, size_t n, int kind, double shift)
{
	size_t i;

	for (i = 0; i < n; i++) {
		double u = rng_uniform();

		if (kind == 0)
			v[i] = shift + 100 * u * u - 20;
		else if (kind == 1)
			v[i] = shift + floor(u * 6) / 2;
		else
			v[i] = shift + floor(u * 50) * 0.1;
	}
}

/* stats_pairdiff_select() for rank r must give d[r - 1] of brute force. */
static void check_select(const double *x, size_t n1, const double *y,
			 size_t n2, const double *d, size_t r, int kind)
{
	double v;

	assert_int_equal(stats_pairdiff_select(x, n1, y, n2, r, &v), DK_OK);
	if (v != d[r - 1])
		fail_msg("n1=%zu n2=%zu kind=%d r=%zu: %.17g != %.17g", n1, n2,
			 kind, r, v, d[r - 1]);
}

static void test_pairdiff_select_brute(void **state)
{
	static const size_t sizes[][2] = {
		{ 1, 1 }, { 1, 7 }, { 6, 1 }, { 2, 3 }, { 9, 9 }, { 13, 4 },
		{ 25, 31 }, { 70, 80 }, { 200, 150 }, { 1, 2000 }, { 1500, 3 }
	};
	/* 70 x 80 and 200 x 150 take sampling rounds before gathering */
	double x[2000], y[2000], *d, v;
	size_t s, m, r, step, n1, n2;
	int kind, rep;

	(void)state;
	for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		n1 = sizes[s][0];
		n2 = sizes[s][1];
		for (kind = 0; kind < 3; kind++) {
			for (rep = 0; rep < 3; rep++) {
				fill_random(x, n1, kind, 0);
				fill_random(y, n2, kind, rep - 1.0);
				qsort(x, n1, sizeof(*x), cmp_double);
				qsort(y, n2, sizeof(*y), cmp_double);
				d = all_diffs(x, n1, y, n2, &m);
				/* every rank of the small, 400 or so of the big */
				step = m / 400 + 1;
				for (r = 1; r <= m; r += step)
					check_select(x, n1, y, n2, d, r, kind);
				check_select(x, n1, y, n2, d, m, kind);
				free(d);
			}
		}
	}
	assert_int_equal(stats_pairdiff_select(x, 2, y, 2, 0, &v), DK_DATAERR);
	assert_int_equal(stats_pairdiff_select(x, 2, y, 2, 5, &v), DK_DATAERR);
	assert_int_equal(stats_pairdiff_select(x, 0, y, 2, 1, &v), DK_DATAERR);
}

/*
 * R's wdiff(d, zq) of wilcox.test.default (x = after, y = before), by brute
 * force: average ranks of after - d and before in the pooled sample, the
 * tie table, the continuity correction sign(dz) / 2.
 */
static double r_wdiff(const double *before, size_t n1, const double *after, size_t n2,
		      double d, double zq)
{
	double v[130], w = 0, ties = 0, dz, sigma, n = (double)(n1 + n2);
	size_t i, j, k = n1 + n2;

	for (i = 0; i < n2; i++)
		v[i] = after[i] - d;
	for (i = 0; i < n1; i++)
		v[n2 + i] = before[i];
	for (i = 0; i < k; i++) {
		double below = 0, eq = 0;

		for (j = 0; j < k; j++) {
			below += v[j] < v[i];
			eq += v[j] == v[i];
		}
		if (i < n2)
			w += below + (eq + 1) / 2;
		/* each tie group of size t adds t^3 - t once: (t^2 - 1) a member */
		ties += eq * eq - 1;
	}
	dz = w - (double)n2 * (n2 + 1) / 2 - (double)n1 * n2 / 2;
	sigma = sqrt((double)n1 * n2 / 12 * ((n + 1) - ties / (n * (n - 1))));
	return (dz - (dz > 0 ? 0.5 : dz < 0 ? -0.5 : 0)) / sigma - zq;
}

/* Where the step function r_wdiff(., zq), constant between the distinct
 * sorted differences u[0..nu-1], becomes <= 0 (R's root() with uniroot on
 * the jump, clamped to the smallest and largest difference). */
static double r_root(const double *x, size_t n1, const double *y, size_t n2,
		     const double *u, size_t nu, double zq)
{
	size_t lo = 0, hi = nu - 1, mid;

	if (r_wdiff(x, n1, y, n2, u[0], zq) <= 0)
		return u[0];
	if (r_wdiff(x, n1, y, n2, u[nu - 1], zq) >= 0)
		return u[nu - 1];
	/* the first gap (k, k + 1) where f <= 0; the jump is at u[k] */
	if (r_wdiff(x, n1, y, n2, (u[0] + (nu > 1 ? u[1] : u[0] + 1)) / 2, zq) <= 0)
		return u[0];
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (r_wdiff(x, n1, y, n2, (u[mid] + u[mid + 1 < nu ? mid + 1 : mid] +
					   (mid + 1 < nu ? 0 : 2)) / 2, zq) <= 0)
			hi = mid;
		else
			lo = mid;
	}
	return u[hi];
}

/* Brute-force Hodges-Lehmann: the median of all differences and R's
 * interval found by root-finding on r_wdiff() at the z of the level. */
static void hl_brute(const double *x, size_t n1, const double *y, size_t n2,
		     double z, double *est, double *low, double *high)
{
	size_t m, nu = 0, i;
	double *d = all_diffs(x, n1, y, n2, &m), *u = malloc(m * sizeof(*u));

	assert_non_null(u);
	for (i = 0; i < m; i++)
		if (nu == 0 || d[i] != u[nu - 1])
			u[nu++] = d[i];
	*est = m % 2 ? d[m / 2] : (d[m / 2 - 1] + d[m / 2]) / 2;
	*low = r_root(x, n1, y, n2, u, nu, z);
	*high = r_root(x, n1, y, n2, u, nu, -z);
	free(u);
	free(d);
}

static void test_hodges_lehmann_brute(void **state)
{
	double x[60], y[60], xc[60], est, low, high;
	struct stats_result r;
	int kind, rep;

	(void)state;
	for (kind = 0; kind < 3; kind++)
		for (rep = 0; rep < 20; rep++) {
			size_t n1 = 1 + (size_t)(rng_uniform() * 60);
			size_t n2 = 1 + (size_t)(rng_uniform() * 60);

			fill_random(x, n1, kind, 0);
			fill_random(y, n2, kind, rng_uniform() * 10 - 5);
			memcpy(xc, x, n1 * sizeof(*x));
			hl_brute(x, n1, y, n2, Z975, &est, &low, &high);
			assert_int_equal(stats_hodges_lehmann(x, n1, y, n2,
							      0.95, &r), DK_OK);
			assert_true(r.estimate == est);
			/* kind 2 (a 0.1 grid, shifted) has differences equal
			 * in exact arithmetic that differ in the last bit: there
			 * the jump R sees may be the neighbouring double */
			if (kind == 2 ? fabs(r.ci_low - low) > 1e-12 * fabs(low) + 1e-300 ||
					fabs(r.ci_high - high) > 1e-12 * fabs(high) + 1e-300 :
					r.ci_low != low || r.ci_high != high)
				fail_msg("n1=%zu n2=%zu kind=%d: [%.17g, %.17g] != R's [%.17g, %.17g]",
					 n1, n2, kind, r.ci_low, r.ci_high, low, high);
			/* the interval always holds the estimate */
			assert_true(r.ci_low <= r.estimate && r.estimate <= r.ci_high);
			assert_true(isnan(r.p_value) && isnan(r.statistic));
			assert_memory_equal(x, xc, n1 * sizeof(*x));
			hl_brute(x, n1, y, n2, Z95, &est, &low, &high);
			assert_int_equal(stats_hodges_lehmann(x, n1, y, n2, 0.9,
							      &r), DK_OK);
			assert_true(r.estimate == est);
			assert_true(kind == 2 || (r.ci_low == low && r.ci_high == high));
			assert_true(fabs(r.ci_low - low) <= 1e-12 * fabs(low) &&
				    fabs(r.ci_high - high) <= 1e-12 * fabs(high));
		}
}

static void test_hodges_lehmann_reference(void **state)
{
	static const double one[] = { 1.5 }, other[] = { 4.0 };
	double shifted[10];
	struct stats_result r, s;
	size_t i;

	(void)state;
	/* d = np.sort((after[None,:] - before[:,None]).ravel()); m = d.size
	 * np.median(d) = 2.0; the interval of R's wilcox.test(after, before,
	 * conf.int=TRUE) by root-finding on its wdiff() over d
	 * (tests/reference/compare_ref.py hl): -0.75, 5.0. By hand: ties
	 * within before {2, 2}, {4, 4, 4} and within after {4, 4} give
	 * T0 = 6 + 24 + 6, sigma0 = sqrt(90/12 (20 - 36/342)) = 12.2152;
	 * lo = ceil(45 - 0.5 - 1.96 sigma0) = 21, hi = ceil(45 + 0.5 + 1.96
	 * sigma0) = 70, and d[20], d[69] = -0.75, 5.0 (the old uncorrected
	 * k = 20 gave d[19], d[70] = -1.0, 5.0). */
	assert_int_equal(stats_shift_test(mw_before, 10, mw_after, 9, 0.95,
					  &r), DK_OK);
	assert_true(r.estimate == 2 && r.ci_low == -0.75 && r.ci_high == 5);
	/* the p and U of the Mann-Whitney reference above */
	assert_true(r.statistic == 64);
	assert_rel(r.p_value, 0.12684199270624055, 1e-12);
	/* the same at 90 %: 0.0, 4.5 */
	assert_int_equal(stats_hodges_lehmann(mw_before, 10, mw_after, 9, 0.9,
					      &r), DK_OK);
	assert_true(r.estimate == 2 && r.ci_low == 0 && r.ci_high == 4.5);
	/* sign convention: after = before + 5 gives exactly +5 */
	for (i = 0; i < 10; i++)
		shifted[i] = mw_before[i] + 5;
	assert_int_equal(stats_hodges_lehmann(mw_before, 10, shifted, 10, 0.95,
					      &r), DK_OK);
	assert_true(r.estimate == 5);
	assert_true(r.ci_low < 5 && r.ci_high > 5);
	assert_rel(r.ci_low - 5, 5 - r.ci_high, 1e-15);
	assert_int_equal(stats_hodges_lehmann(shifted, 10, mw_before, 10, 0.95,
					      &s), DK_OK);
	assert_true(s.estimate == -5);
	assert_true(s.ci_low == -r.ci_high && s.ci_high == -r.ci_low);
	/* one value each: R's root() clamps both ends to the one difference */
	assert_int_equal(stats_hodges_lehmann(one, 1, other, 1, 0.95, &r),
			 DK_OK);
	assert_true(r.estimate == 2.5);
	assert_true(r.ci_low == 2.5 && r.ci_high == 2.5);
	/* empty side, bad level */
	assert_int_equal(stats_hodges_lehmann(one, 1, NULL, 0, 0.95, &r),
			 DK_OK);
	assert_true(isnan(r.estimate));
	assert_int_equal(stats_hodges_lehmann(one, 1, other, 1, 1.5, &r),
			 DK_DATAERR);
}

#define BIG 100000

/* The k-th smallest difference from histograms of values on a 1/4 grid. */
static double hist_kth(const uint64_t *conv, size_t len, size_t offset,
		       uint64_t k)
{
	uint64_t cum = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		cum += conv[i];
		if (cum >= k)
			return ((double)i - (double)offset) / 4;
	}
	return NAN;
}

/*
 * 1e5 values a side (values on a 1/4 grid, heavy ties):
 *     i = np.arange(100000)
 *     B = (i * 7919 % 1009) / 4.0;  A = (i * 104729 % 1013 + 1) / 4.0
 *     stats.mannwhitneyu(A, B, use_continuity=True, alternative='two-sided',
 *         method='asymptotic') -> 5029350272.5, 0.02299861126864007
 *     hb = np.bincount((B*4).astype(np.int64))
 *     ha = np.bincount((A*4).astype(np.int64))
 *     cum = np.cumsum(np.convolve(ha, hb[::-1])); m = 10**10
 *     kth = lambda r: (np.searchsorted(cum, r) - (len(hb) - 1)) / 4.0
 *     T = lambda h: sum(int(c)**3 - int(c) for c in h)  # ties within
 *     s0 = sqrt(m/12*((N+1) - (T(hb) + T(ha))/(N*(N-1)))), N = 200000
 *     lo = ceil(m/2 - 0.5 - z*s0), hi = ceil(m/2 + 0.5 + z*s0)
 *        -> 4974696914, 5025303087
 *     (kth(m//2) + kth(m//2 + 1))/2, kth(lo), kth(hi) -> 0.75, 0.0, 1.5
 */
static void test_shift_large(void **state)
{
	double *b = malloc(BIG * sizeof(*b)), *a = malloc(BIG * sizeof(*a));
	uint64_t hb[1009] = { 0 }, ha[1014] = { 0 }, *conv;
	struct stats_result r;
	struct timespec t0, t1;
	size_t i, j;
	uint64_t m = (uint64_t)BIG * BIG, lo = 4974696914u, hi = 5025303087u;

	(void)state;
	assert_non_null(b);
	assert_non_null(a);
	for (i = 0; i < BIG; i++) {
		b[i] = (double)((uint64_t)i * 7919 % 1009) / 4.0;
		a[i] = (double)((uint64_t)i * 104729 % 1013 + 1) / 4.0;
		hb[(size_t)(b[i] * 4)]++;
		ha[(size_t)(a[i] * 4)]++;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(stats_shift_test(b, BIG, a, BIG, 0.95, &r), DK_OK);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	print_message("shift test on 2 x %d values: %.3f s\n", BIG,
		      (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	assert_true(r.statistic == 5029350272.5);
	assert_rel(r.p_value, 0.02299861126864007, 1e-9);
	assert_true(r.estimate == 0.75 && r.ci_low == 0 && r.ci_high == 1.5);
	/* the same order statistics from an exact histogram convolution */
	conv = calloc(1014 + 1009, sizeof(*conv));
	assert_non_null(conv);
	for (i = 0; i < 1014; i++)
		for (j = 0; j < 1009; j++)
			conv[i + 1008 - j] += ha[i] * hb[j];
	assert_true(r.estimate == (hist_kth(conv, 2023, 1008, m / 2) +
				   hist_kth(conv, 2023, 1008, m / 2 + 1)) / 2);
	assert_true(r.ci_low == hist_kth(conv, 2023, 1008, lo));
	assert_true(r.ci_high == hist_kth(conv, 2023, 1008, hi));
	free(conv);
	free(a);
	free(b);
}

/* Differences y[j] - x[i] below v (strict) or up to v, x and y sorted. */
static uint64_t count_diffs(const double *x, size_t n1, const double *y,
			    size_t n2, double v, int strict)
{
	uint64_t total = 0;
	size_t i = 0, j;

	/* for each y[j] (ascending), the x[i] with y[j] - x[i] < v form a
	 * suffix of x whose start moves right as y[j] grows */
	for (j = 0; j < n2; j++) {
		while (i < n1 && (strict ? !(y[j] - x[i] < v) :
					   !(y[j] - x[i] <= v)))
			i++;
		total += n1 - i;
	}
	return total;
}

/*
 * Continuous samples of 1e5 values a side: every order statistic returned
 * must have fewer than r differences below it and at least r up to it.
 */
static void test_shift_large_continuous(void **state)
{
	double *b = malloc(BIG * sizeof(*b)), *a = malloc(BIG * sizeof(*a));
	double v;
	struct stats_result r;
	struct timespec t0, t1;
	uint64_t m = (uint64_t)BIG * BIG, ranks[8];
	size_t i;

	(void)state;
	assert_non_null(b);
	assert_non_null(a);
	fill_random(b, BIG, 0, 0);
	fill_random(a, BIG, 0, 0.5);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(stats_shift_test(b, BIG, a, BIG, 0.95, &r), DK_OK);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	print_message("shift test on 2 x %d continuous values: %.3f s\n", BIG,
		      (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	assert_true(r.ci_low < r.estimate && r.estimate < r.ci_high);
	assert_true(r.p_value > 0 && r.p_value < 1);
	qsort(b, BIG, sizeof(*b), cmp_double);
	qsort(a, BIG, sizeof(*a), cmp_double);
	ranks[0] = 1;
	ranks[1] = 2;
	ranks[2] = m / 2;
	ranks[3] = m / 2 + 1;
	/* no ties: s0 = sqrt(m (N+1) / 12); ceil(m/2 -/+ (0.5 + z s0)) */
	ranks[4] = 4974696911u;
	ranks[5] = 5025303090u;
	ranks[6] = 1234567891;
	ranks[7] = m;
	for (i = 0; i < 8; i++) {
		assert_int_equal(stats_pairdiff_select(b, BIG, a, BIG, ranks[i],
						       &v), DK_OK);
		assert_true(count_diffs(b, BIG, a, BIG, v, 1) < ranks[i]);
		assert_true(count_diffs(b, BIG, a, BIG, v, 0) >= ranks[i]);
		if (i == 2)
			assert_true(r.estimate >= v);
		if (i == 3)
			assert_true(r.estimate <= v);
		if (i == 4)
			assert_true(r.ci_low == v);
		if (i == 5)
			assert_true(r.ci_high == v);
	}
	assert_true(r.ci_low > a[0] - b[BIG - 1]);
	free(a);
	free(b);
}

/* ---- Welch ------------------------------------------------------------ */

static void test_welch_reference(void **state)
{
	static const double before[] = { 4, 5, 3, 4, 2, 5, 4, 3, 4, 4, 5, 1 };
	static const double after[] = { 5, 5, 4, 4, 5, 3, 5, 4, 5, 5 };
	static const double flat[] = { 3, 3, 3, 3, 3 };
	static const double other[] = { 4, 5, 3, 4, 5, 4 };
	double m1, v1, m2, v2;
	struct stats_result r, s;

	(void)state;
	/* stats.ttest_ind(after, before, equal_var=False)
	 *   -> statistic=1.9849000176908729, pvalue=0.0626200367296083
	 * df = (s1+s2)**2/(s1**2/11 + s2**2/9) = 17.989111024584115,
	 *   s1 = np.var(before, ddof=1)/12, s2 = np.var(after, ddof=1)/10
	 * 0.8333333333333335 -/+ tq(0.975, df)*sqrt(s1+s2)
	 *   -> -0.04874854341119916, 1.7154152100778661 */
	assert_int_equal(stats_mean_var(before, 12, &m1, &v1), DK_OK);
	assert_int_equal(stats_mean_var(after, 10, &m2, &v2), DK_OK);
	assert_int_equal(stats_welch(m1, v1, 12, m2, v2, 10, 0.95, &r), DK_OK);
	assert_rel(r.estimate, 4.5 - 3.6666666666666665, 1e-14);
	assert_rel(r.statistic, 1.9849000176908729, 1e-12);
	assert_rel(r.df, 17.989111024584115, 1e-12);
	assert_rel(r.p_value, 0.0626200367296083, 1e-11);
	assert_rel(r.ci_low, -0.04874854341119916, 1e-10);
	assert_rel(r.ci_high, 1.7154152100778661, 1e-11);
	/* swapped: t negated, same p, mirrored interval */
	assert_int_equal(stats_welch(m2, v2, 10, m1, v1, 12, 0.95, &s), DK_OK);
	assert_rel(s.statistic, -r.statistic, 1e-15);
	assert_rel(s.p_value, r.p_value, 1e-15);
	assert_rel(s.ci_low, -r.ci_high, 1e-14);
	assert_rel(s.ci_high, -r.ci_low, 1e-14);
	/* one group without variance: df = n2 - 1 exactly
	 * stats.ttest_ind(other, flat, equal_var=False)
	 *   -> 3.7962830118264845, 0.012676602478014479; df 5.0;
	 * interval 0.37668021617471437, 1.9566531171586194 */
	assert_int_equal(stats_mean_var(flat, 5, &m1, &v1), DK_OK);
	assert_int_equal(stats_mean_var(other, 6, &m2, &v2), DK_OK);
	assert_int_equal(stats_welch(m1, v1, 5, m2, v2, 6, 0.95, &r), DK_OK);
	assert_rel(r.df, 5, 1e-14);
	assert_rel(r.statistic, 3.7962830118264845, 1e-12);
	assert_rel(r.p_value, 0.012676602478014479, 1e-11);
	assert_rel(r.ci_low, 0.37668021617471437, 1e-11);
	assert_rel(r.ci_high, 1.9566531171586194, 1e-11);
	/* from summary statistics (what SQL gives):
	 * stats.ttest_ind_from_stats(4.05, sqrt(0.98), 1720, 3.9, sqrt(1.21),
	 *     1500, equal_var=False) -> 4.043091276382429, 5.406011012484481e-05
	 * df 3041.2993148638407, interval 0.07725574907635377,
	 *     0.22274425092364605 */
	assert_int_equal(stats_welch(3.9, 1.21, 1500, 4.05, 0.98, 1720, 0.95,
				     &r), DK_OK);
	assert_rel(r.statistic, 4.043091276382429, 1e-12);
	assert_rel(r.df, 3041.2993148638407, 1e-12);
	assert_rel(r.p_value, 5.406011012484481e-05, 1e-10);
	assert_rel(r.ci_low, 0.07725574907635377, 1e-11);
	assert_rel(r.ci_high, 0.22274425092364605, 1e-11);
}

static void test_welch_edges(void **state)
{
	struct stats_result r;

	(void)state;
	/* n = 1: no variance estimate, so no test */
	assert_int_equal(stats_welch(3, NAN, 1, 4, 0.5, 10, 0.95, &r), DK_OK);
	assert_true(r.estimate == 1);
	assert_true(isnan(r.statistic) && isnan(r.df) && isnan(r.p_value));
	assert_true(isnan(r.ci_low) && isnan(r.ci_high));
	/* both variances zero */
	assert_int_equal(stats_welch(3, 0, 10, 4, 0, 10, 0.95, &r), DK_OK);
	assert_true(r.estimate == 1);
	assert_true(isnan(r.statistic) && isnan(r.p_value) && isnan(r.ci_low));
	/* empty group */
	assert_int_equal(stats_welch(NAN, NAN, 0, 4, 1, 10, 0.95, &r), DK_OK);
	assert_true(isnan(r.estimate) && isnan(r.p_value));
	/* equal means: t = 0, p = 1 */
	assert_int_equal(stats_welch(4, 1, 30, 4, 2, 40, 0.95, &r), DK_OK);
	assert_true(r.statistic == 0 && r.p_value == 1);
	assert_rel(r.ci_low, -r.ci_high, 1e-15);
	/* tiny variances do not underflow the degrees of freedom */
	assert_int_equal(stats_welch(0, 1e-300, 10, 1e-150, 1e-300, 10, 0.95,
				     &r), DK_OK);
	assert_rel(r.df, 18, 1e-14);
	/* bad arguments */
	assert_int_equal(stats_welch(3, -1, 10, 4, 1, 10, 0.95, &r),
			 DK_DATAERR);
	assert_int_equal(stats_welch(3, 1, 10, INFINITY, 1, 10, 0.95, &r),
			 DK_DATAERR);
	assert_int_equal(stats_welch(3, 1, 10, 4, 1, 10, 1, &r), DK_DATAERR);
	assert_int_equal(stats_welch(3, 1, 10, 4, 1, 10, 0.95, NULL),
			 DK_DATAERR);
}

/* ---- Poisson ---------------------------------------------------------- */

static void test_poisson_reference(void **state)
{
	static const struct {
		unsigned long c1;
		double e1;
		unsigned long c2;
		double e2, p, low, high;
	} cases[] = {
		{ 120, 6, 150, 6, 0.07738939898021883, -0.3806500237952637, 10.430498152125434 }, /* binomtest(150, 270, 0.5).pvalue; mover() */
		{ 30, 6, 45, 6, 0.10534226887460482, -0.35636133664061553, 5.443994035744181 }, /* binomtest(45, 75, 0.5).pvalue; mover() */
		{ 0, 6, 7, 6, 0.015625, 0.2881788610896445, 2.4084324965792328 }, /* binomtest(7, 7, 0.5).pvalue; mover() */
		{ 7, 3, 7, 3, 1.0, -2.759573827016822, 2.759573827016822 }, /* binomtest(7, 14, 0.5).pvalue; mover() */
		{ 1000, 6, 1100, 6, 0.030720707864242486, 1.6942803578612313, 31.660587652050623 }, /* binomtest(1100, 2100, 0.5).pvalue; mover() */
		{ 50, 6, 40, 4, 0.3914267915513968, -2.086524571782783, 5.804755623976481 }, /* binomtest(40, 90, 0.4).pvalue; mover() */
		{ 3, 1, 17, 2.5, 0.2217856295791366, -2.5569046428840787, 8.34466138237851 }, /* binomtest(17, 20, 0.7142857142857143).pvalue; mover() */
		{ 200000, 6, 201000, 6, 0.11466042277570496, -40.190190483878325, 373.5246527881917 }, /* binomtest(201000, 401000, 0.5).pvalue; mover() */
		{ 150, 6.0, 120, 6.0, 0.07738939898021883, -10.430498152125434, 0.3806500237952637 }, /* binomtest(120, 270, 0.5).pvalue; mover() */
		{ 40, 4.0, 50, 6.0, 0.3914267915513968, -5.804755623976481, 2.086524571782783 }, /* binomtest(50, 90, 0.6).pvalue; mover() */
		{ 7, 6.0, 0, 6.0, 0.015625, -2.4084324965792328, -0.2881788610896445 }, /* binomtest(0, 7, 0.5).pvalue; mover() */
		{ 60, 2.0, 10, 1.0, 0.0005130411394976779, -29.748309377415346, -9.25339994901815 }, /* binomtest(10, 70, 0.3333333333333333).pvalue; mover() */
		{ 5, 2.0, 1, 1.0, 0.6707818930041154, -4.9525220252458535, 3.3798220968777857 }, /* binomtest(1, 6, 0.3333333333333333).pvalue; mover() */
		/* P(X = 1) = P(X = 2) and P(X = 9) = P(X = 10) exactly, not in
		 * doubles: only the relative tolerance makes these p = 1 */
		{ 4, 2.0, 1, 1.0, 1.0, -4.249055647805747, 3.822393598525421 }, /* binomtest(1, 5, 0.3333333333333333).pvalue; mover() */
		{ 20, 2.0, 9, 1.0, 1.0, -7.918022478054212, 7.840125525773548 }, /* binomtest(9, 29, 0.3333333333333333).pvalue; mover() */
	};
	struct stats_result r;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(stats_poisson_exact(cases[i].c1, cases[i].e1,
						     cases[i].c2, cases[i].e2,
						     0.95, &r), DK_OK);
		assert_rel(r.estimate, cases[i].c2 / cases[i].e2 -
				       cases[i].c1 / cases[i].e1, 1e-15);
		assert_true(r.statistic == cases[i].c2);
		assert_rel(r.p_value, cases[i].p, 1e-10);
		assert_rel(r.ci_low, cases[i].low, 1e-11);
		assert_rel(r.ci_high, cases[i].high, 1e-11);
		assert_true(isnan(r.df));
	}
}

static void test_poisson_edges(void **state)
{
	struct stats_result r, s;

	(void)state;
	/* no events at all: the only outcome, p = 1; mover(0, 6, 0, 6) */
	assert_int_equal(stats_poisson_exact(0, 6, 0, 6, 0.95, &r), DK_OK);
	assert_true(r.estimate == 0 && r.p_value == 1);
	assert_rel(r.ci_low, -0.6402431367823542, 1e-12);
	assert_rel(r.ci_high, 0.6402431367823542, 1e-12);
	/* swapping mirrors; unequal exposures */
	assert_int_equal(stats_poisson_exact(50, 6, 40, 4, 0.95, &r), DK_OK);
	assert_int_equal(stats_poisson_exact(40, 4, 50, 6, 0.95, &s), DK_OK);
	assert_rel(s.estimate, -r.estimate, 1e-15);
	assert_rel(s.p_value, r.p_value, 1e-12);
	assert_rel(s.ci_low, -r.ci_high, 1e-14);
	assert_rel(s.ci_high, -r.ci_low, 1e-14);
	/* the p-value is a probability: at most 1, falls as the gap grows */
	/* binomtest(101, 201, 0.5).pvalue = 1.0 */
	assert_int_equal(stats_poisson_exact(100, 6, 101, 6, 0.95, &r), DK_OK);
	assert_rel(r.p_value, 1, 1e-14);
	assert_true(r.p_value <= 1);
	/* binomtest(160, 260, 0.5).pvalue = 0.00023894190306813958 */
	assert_int_equal(stats_poisson_exact(100, 6, 160, 6, 0.95, &s), DK_OK);
	assert_rel(s.p_value, 0.00023894190306813958, 1e-10);
	assert_true(s.ci_low > 0);
	/* bad arguments */
	assert_int_equal(stats_poisson_exact(1, 0, 2, 6, 0.95, &r), DK_DATAERR);
	assert_int_equal(stats_poisson_exact(1, 6, 2, -1, 0.95, &r),
			 DK_DATAERR);
	assert_int_equal(stats_poisson_exact(1, 6, 2, NAN, 0.95, &r),
			 DK_DATAERR);
	assert_int_equal(stats_poisson_exact(1, 6, 2, 6, 0, &r), DK_DATAERR);
	assert_int_equal(stats_poisson_exact(1, 6, 2, 6, 0.95, NULL),
			 DK_DATAERR);
}

static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* compare's one pass: the sorted entry point gives the very doubles of the
 * copying one, refuses unsorted input, and level 0 skips Hodges-Lehmann. */
static void test_shift_sorted(void **state)
{
	enum { N1 = 3001, N2 = 2000 };
	static double x[N1], y[N2];
	struct stats_result a, b;
	uint64_t z = 42;

	(void)state;
	for (size_t i = 0; i < N1; i++) {
		z = z * 6364136223846793005u + 1442695040888963407u;
		x[i] = (double)((z >> 33) % 500) / 7; /* many ties */
	}
	for (size_t i = 0; i < N2; i++) {
		z = z * 6364136223846793005u + 1442695040888963407u;
		y[i] = (double)((z >> 33) % 400) / 7;
	}
	assert_int_equal(stats_shift_test(x, N1, y, N2, 0.95, &a), DK_OK);
	qsort(x, N1, sizeof(double), cmp_dbl);
	qsort(y, N2, sizeof(double), cmp_dbl);
	assert_int_equal(stats_shift_test_sorted(x, N1, y, N2, 0.95, &b), DK_OK);
	assert_memory_equal(&a.p_value, &b.p_value, sizeof(double));
	assert_memory_equal(&a.statistic, &b.statistic, sizeof(double));
	assert_memory_equal(&a.estimate, &b.estimate, sizeof(double));
	assert_memory_equal(&a.ci_low, &b.ci_low, sizeof(double));
	assert_memory_equal(&a.ci_high, &b.ci_high, sizeof(double));
	assert_int_equal(stats_shift_test_sorted(x, N1, y, N2, 0, &b), DK_OK);
	assert_memory_equal(&a.p_value, &b.p_value, sizeof(double));
	assert_true(isnan(b.ci_low) && isnan(b.estimate));
	x[10] = 1e9; /* out of order */
	assert_int_equal(stats_shift_test_sorted(x, N1, y, N2, 0.95, &b), DK_DATAERR);
	x[10] = NAN;
	assert_int_equal(stats_shift_test_sorted(x, N1, y, N2, 0.95, &b), DK_DATAERR);
	assert_int_equal(stats_shift_test_sorted(NULL, 0, y, N2, 0.95, &b), DK_OK);
	assert_true(isnan(b.p_value));
}

/* The tie term is summed exactly: 3 groups of 300000 equal values, where
 * each t^3 - t (2.7e16) is beyond 2^53, give the correctly rounded sum,
 * the same p as the exact sufficient statistics (as SQL numeric gave). */
static void test_shift_sorted_big_ties(void **state)
{
	enum { T = 300000 };
	double *x = malloc(2 * T * sizeof(double)), *y = malloc(T * sizeof(double));
	struct stats_result a, b;
	unsigned __int128 t = T, tie = 3 * ((t - 1) * t * (t + 1));
	/* before: T ones and T threes, after: T twos; ranks 1..T, 2T+1..3T */
	double rank_sum1 = (double)T * (T + 1) / 2 + ((double)T * 2 * T + (double)T * (T + 1) / 2);

	(void)state;
	assert_non_null(x);
	assert_non_null(y);
	for (size_t i = 0; i < T; i++) {
		x[i] = 1;
		x[T + i] = 3;
		y[i] = 2;
	}
	assert_int_equal(stats_shift_test_sorted(x, 2 * T, y, T, 0, &a), DK_OK);
	assert_int_equal(stats_mann_whitney_ranks(2 * T, T, rank_sum1, (double)tie, &b), DK_OK);
	assert_memory_equal(&a.p_value, &b.p_value, sizeof(double));
	assert_memory_equal(&a.statistic, &b.statistic, sizeof(double));
	free(x);
	free(y);
}

/* ---- stratified: van Elteren, Mantel-Haenszel, inverse variance -------- */

/*
 * Two strata: mw_before/mw_after and {1..6} / {2.5, 3, 7, 8, 8, 9, 10};
 * tests/reference/compare_ref.py (van_elteren: weights 1/(N+1), ranks of
 * after - d and before, root-finding over the pooled pairwise differences)
 * gives p 0.014705270166549442, shift 3.0, interval 0.5 .. 5.0; the first
 * stratum alone p 0.11689609604832953 (no continuity correction), shift 2.0
 * (its Hodges-Lehmann estimate), interval -0.5 .. 5.0.
 */
static void test_van_elteren_reference(void **state)
{
	static const double b2[] = { 1, 2, 3, 4, 5, 6 }, a2[] = { 2.5, 3, 7, 8, 8, 9, 10 };
	double b1[10], a1[9];
	struct stats_stratum s[3];
	struct stats_result r, h;

	(void)state;
	memcpy(b1, mw_before, sizeof(b1));
	memcpy(a1, mw_after, sizeof(a1));
	qsort(b1, 10, sizeof(double), cmp_double);
	qsort(a1, 9, sizeof(double), cmp_double);
	s[0] = (struct stats_stratum){ b1, 10, a1, 9 };
	s[1] = (struct stats_stratum){ b2, 6, a2, 7 };
	s[2] = (struct stats_stratum){ b2, 6, NULL, 0 }; /* left out */
	assert_int_equal(stats_van_elteren(s, 3, 0.95, &r), DK_OK);
	assert_rel(r.p_value, 0.014705270166549442, 1e-12);
	assert_true(r.estimate == 3 && r.ci_low == 0.5 && r.ci_high == 5);
	assert_true(r.statistic > 0);
	assert_int_equal(stats_van_elteren(s, 1, 0.95, &r), DK_OK);
	assert_rel(r.p_value, 0.11689609604832953, 1e-12);
	assert_true(r.estimate == 2 && r.ci_low == -0.5 && r.ci_high == 5);
	assert_int_equal(stats_hodges_lehmann(b1, 10, a1, 9, 0.95, &h), DK_OK);
	assert_true(r.estimate == h.estimate);
	/* unsorted input, bad level, nothing to pool */
	s[2] = (struct stats_stratum){ mw_before, 10, a1, 9 };
	assert_int_equal(stats_van_elteren(s + 2, 1, 0.95, &r), DK_DATAERR);
	assert_int_equal(stats_van_elteren(s, 2, 1, &r), DK_DATAERR);
	assert_int_equal(stats_van_elteren(s, 0, 0.95, &r), DK_OK);
	assert_true(isnan(r.estimate) && isnan(r.p_value));
}

/* Random strata: the shift lies in its interval, both bounds are pairwise
 * differences of some stratum, one stratum's shift is Hodges-Lehmann's,
 * and shifting every after sample by c shifts all three by c. */
static void test_van_elteren_random(void **state)
{
	double x[4][50], y[4][50], y2[4][50];
	struct stats_stratum s[4], t[4];
	struct stats_result r, q, h;
	int kind, rep, k;

	(void)state;
	for (kind = 0; kind < 3; kind++)
		for (rep = 0; rep < 10; rep++) {
			int found_lo = 0, found_hi = 0;

			for (k = 0; k < 4; k++) {
				size_t n1 = 1 + (size_t)(rng_uniform() * 50);
				size_t n2 = 1 + (size_t)(rng_uniform() * 50);

				fill_random(x[k], n1, kind, 0);
				fill_random(y[k], n2, kind, rng_uniform() * 4 - 2);
				qsort(x[k], n1, sizeof(double), cmp_double);
				qsort(y[k], n2, sizeof(double), cmp_double);
				for (size_t j = 0; j < n2; j++)
					y2[k][j] = y[k][j] + 64; /* exact on these grids */
				s[k] = (struct stats_stratum){ x[k], n1, y[k], n2 };
				t[k] = (struct stats_stratum){ x[k], n1, y2[k], n2 };
			}
			assert_int_equal(stats_van_elteren(s, 4, 0.95, &r), DK_OK);
			assert_true(r.ci_low <= r.estimate && r.estimate <= r.ci_high);
			for (k = 0; k < 4; k++)
				for (size_t i = 0; i < s[k].n1; i++)
					for (size_t j = 0; j < s[k].n2; j++) {
						found_lo |= y[k][j] - x[k][i] == r.ci_low;
						found_hi |= y[k][j] - x[k][i] == r.ci_high;
					}
			assert_true(found_lo && found_hi);
			if (kind == 1) {
				assert_int_equal(stats_van_elteren(t, 4, 0.95, &q), DK_OK);
				/* equivariance, to rounding (the shifts are not on
				 * the grid) */
				assert_rel(q.estimate, r.estimate + 64, 1e-12);
				assert_rel(q.ci_low, r.ci_low + 64, 1e-12);
				assert_rel(q.ci_high, r.ci_high + 64, 1e-12);
			}
			assert_int_equal(stats_van_elteren(s, 1, 0.95, &q), DK_OK);
			assert_int_equal(stats_hodges_lehmann(x[0], s[0].n1, y[0], s[0].n2,
							      0.95, &h), DK_OK);
			assert_true(q.estimate == h.estimate);
		}
}

/* The van Elteren shifts do not depend on how many pairwise differences
 * are listed once the bisection has narrowed its bracket: none (bisection
 * to the last bit, then one difference at a time), a few, the default and
 * a quarter million give the same doubles, bit for bit. Strata of up to 3 000 values a
 * side, so that the default lists only part of them: continuous, on a
 * half grid (many ties) and on a 0.1 grid, and strata of one repeated
 * value (every difference in one tie) and an empty side. */
static void test_van_elteren_listing(void **state)
{
	static const size_t limits[] = { 0, 1, 7, 300, 16384, 262144 };
	size_t nmax = 3000, nl = sizeof(limits) / sizeof(limits[0]);
	double *x = malloc(4 * nmax * sizeof(double)), *y = malloc(4 * nmax * sizeof(double));
	struct stats_stratum s[4];
	struct stats_result r0, r;
	int kind, rep, k;

	(void)state;
	assert_non_null(x);
	assert_non_null(y);
	for (kind = 0; kind < 4; kind++)
		for (rep = 0; rep < 4; rep++) {
			for (k = 0; k < 4; k++) {
				size_t n1 = 1 + (size_t)(rng_uniform() * (double)(nmax - 1));
				size_t n2 = 1 + (size_t)(rng_uniform() * (double)(nmax - 1));
				double *a = x + k * nmax, *b = y + k * nmax;

				if (kind == 3) {   /* one value each side, then an empty side */
					for (size_t i = 0; i < n1; i++)
						a[i] = 2;
					for (size_t j = 0; j < n2; j++)
						b[j] = 3.5;
					if (k == 3)
						n2 = 0;
				} else {
					fill_random(a, n1, kind, 0);
					fill_random(b, n2, kind, rng_uniform() * 4 - 2);
					qsort(a, n1, sizeof(double), cmp_double);
					qsort(b, n2, sizeof(double), cmp_double);
				}
				s[k] = (struct stats_stratum){ a, n1, b, n2 };
			}
			assert_int_equal(stats_van_elteren_enum(s, 4, 0.95, 0, &r0), DK_OK);
			for (size_t l = 1; l < nl; l++) {
				assert_int_equal(stats_van_elteren_enum(s, 4, 0.95, limits[l], &r), DK_OK);
				if (memcmp(&r.estimate, &r0.estimate, sizeof(double)) ||
				    memcmp(&r.ci_low, &r0.ci_low, sizeof(double)) ||
				    memcmp(&r.ci_high, &r0.ci_high, sizeof(double)) ||
				    memcmp(&r.p_value, &r0.p_value, sizeof(double)))
					fail_msg("kind %d rep %d, listing %zu: %.17g [%.17g, %.17g] "
						 "against %.17g [%.17g, %.17g]", kind, rep, limits[l],
						 r.estimate, r.ci_low, r.ci_high, r0.estimate,
						 r0.ci_low, r0.ci_high);
			}
			assert_int_equal(stats_van_elteren(s, 4, 0.95, &r), DK_OK);
			assert_memory_equal(&r.estimate, &r0.estimate, sizeof(double));
			assert_true(r0.ci_low <= r0.estimate && r0.estimate <= r0.ci_high);
			if (kind == 3)
				assert_true(r0.estimate == 1.5 && r0.ci_low == 1.5 && r0.ci_high == 1.5);
		}
	free(x);
	free(y);
}

/*
 * Three strata (x1 n1 x2 n2): 10 40 20 40, 5 30 12 35, 30 60 33 50.
 * tests/reference/compare_ref.py mh: RD 0.19250275633958103, Sato interval
 * 0.07796583966554138 .. 0.3070396730136207; statsmodels StratifiedTable
 * .test_null_odds(correction=False).statistic 10.175600004083377 and
 * stats.chi2.sf(that, 1) = 0.0014231138005463006.
 * One stratum of equal sizes: Sato's variance is the Wald one,
 * p1 q1 / n + p2 q2 / n (by hand, Greenland and Robins 1985).
 */
static void test_mantel_haenszel_reference(void **state)
{
	static const struct stats_table2 t[] = {
		{ 10, 40, 20, 40 }, { 5, 30, 12, 35 }, { 30, 60, 33, 50 } };
	static const struct stats_table2 one = { 30, 100, 45, 100 }, bad = { 5, 4, 1, 2 };
	struct stats_result r;
	double se;

	(void)state;
	assert_int_equal(stats_mantel_haenszel(t, 3, 0.95, &r), DK_OK);
	assert_rel(r.estimate, 0.19250275633958103, 1e-14);
	assert_rel(r.ci_low, 0.07796583966554138, 1e-13);
	assert_rel(r.ci_high, 0.3070396730136207, 1e-13);
	assert_rel(r.statistic, 10.175600004083377, 1e-13);
	assert_rel(r.p_value, 0.0014231138005463006, 1e-12);
	assert_int_equal(stats_mantel_haenszel(&one, 1, 0.95, &r), DK_OK);
	se = sqrt(0.3 * 0.7 / 100 + 0.45 * 0.55 / 100);
	assert_rel(r.estimate, 0.15, 1e-14);
	assert_rel(r.ci_high - r.estimate, Z975 * se, 1e-13);
	assert_int_equal(stats_mantel_haenszel(&bad, 1, 0.95, &r), DK_DATAERR);
	assert_int_equal(stats_mantel_haenszel(t, 0, 0.95, &r), DK_OK);
	assert_true(isnan(r.estimate));
}

static void test_inverse_variance(void **state)
{
	static const double est[] = { 1, 2 }, var[] = { 1, 4 }, zero[] = { 1, 0 };
	struct stats_result r;

	(void)state;
	/* weights 1 and 1/4: (1 + 2/4) / 1.25 = 1.2, se sqrt(1/1.25) */
	assert_int_equal(stats_inverse_variance(est, var, 2, 0.95, &r), DK_OK);
	assert_rel(r.estimate, 1.2, 1e-15);
	assert_rel(r.ci_high - r.estimate, Z975 * sqrt(0.8), 1e-14);
	assert_rel(r.statistic, 1.2 / sqrt(0.8), 1e-14);
	assert_rel(r.p_value, erfc(1.2 / sqrt(0.8) / sqrt(2)), 1e-14);
	assert_int_equal(stats_inverse_variance(est, zero, 2, 0.95, &r), DK_DATAERR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_norm_cdf),
		cmocka_unit_test(test_norm_quantile),
		cmocka_unit_test(test_beta_inc),
		cmocka_unit_test(test_t_cdf),
		cmocka_unit_test(test_t_quantile),
		cmocka_unit_test(test_binom),
		cmocka_unit_test(test_mean_var_median),
		cmocka_unit_test(test_wilson),
		cmocka_unit_test(test_prop_reference),
		cmocka_unit_test(test_prop_newcombe_textbook),
		cmocka_unit_test(test_prop_edges),
		cmocka_unit_test(test_mann_whitney_reference),
		cmocka_unit_test(test_mann_whitney_edges),
		cmocka_unit_test(test_pairdiff_select_brute),
		cmocka_unit_test(test_hodges_lehmann_brute),
		cmocka_unit_test(test_hodges_lehmann_reference),
		cmocka_unit_test(test_shift_large),
		cmocka_unit_test(test_shift_large_continuous),
		cmocka_unit_test(test_welch_reference),
		cmocka_unit_test(test_welch_edges),
		cmocka_unit_test(test_poisson_reference),
		cmocka_unit_test(test_poisson_edges),
		cmocka_unit_test(test_shift_sorted),
		cmocka_unit_test(test_shift_sorted_big_ties),
		cmocka_unit_test(test_van_elteren_reference),
		cmocka_unit_test(test_van_elteren_random),
		cmocka_unit_test(test_van_elteren_listing),
		cmocka_unit_test(test_mantel_haenszel_reference),
		cmocka_unit_test(test_inverse_variance),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
