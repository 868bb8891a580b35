/*
 * Unit tests for lib/its.c: least squares, Newey-West and the segmented
 * model.
 *
 * The small cases are checked by hand with exact fractions (Python's
 * fractions.Fraction; the arithmetic is in the comments). The series
 * cases were computed independently with Debian 12's python3-statsmodels
 * 0.13.5 from
 *     y = [10 + 0.5 t + 3 post + 0.25 (t - t0) post + 0.8 sin(1.7 t)
 *          + 0.5 cos(0.3 t^2) (+ 0.7 cos(month) when seasonal)]
 *     month = (9 + t) % 12 + 1        (the series starts in October)
 *     sm.OLS(y, X).fit(cov_type='HAC', cov_kwds={'maxlags': L,
 *                      'use_correction': True}, use_t=True)
 * with X the design of lib/its.h (seasonal dummies for every month but
 * October, the first), and r.t_test(c) for the effect at the end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "its.h"
#include "status.h"

#define assert_rel(got, want, tol) check_rel((got), (want), (tol), #got, __LINE__)

static void check_rel(double got, double want, double tol, const char *expr, int line)
{
	if (got == want || fabs(got - want) <= tol * fabs(want))
		return;
	fail_msg("line %d: %s = %.17g, want %.17g (relative tolerance %g)", line, expr, got,
		 want, tol);
}

/* y = 1, 2, 2 on x = 1, 2, 3 with an intercept: slope 1/2, intercept 2/3,
 * residuals -1/6, 1/3, -1/6; X'X = [[3, 6], [6, 14]], (X'X)^-1 =
 * [[7/3, -1], [-1, 1/2]]. */
static const double x3[] = { 1, 1, 1, 2, 1, 3 };
static const double y3[] = { 1, 2, 2 };

static void test_ols_small(void **state)
{
	double beta[2], bread[4], resid[3];

	(void)state;
	assert_int_equal(its_ols(x3, y3, 3, 2, beta, bread, resid), DK_OK);
	assert_rel(beta[0], 2.0 / 3, 1e-14);
	assert_rel(beta[1], 0.5, 1e-14);
	assert_rel(bread[0], 7.0 / 3, 1e-14);
	assert_rel(bread[1], -1, 1e-14);
	assert_rel(bread[2], -1, 1e-14);
	assert_rel(bread[3], 0.5, 1e-14);
	assert_rel(resid[0], -1.0 / 6, 1e-13);
	assert_rel(resid[1], 1.0 / 3, 1e-13);
	assert_rel(resid[2], -1.0 / 6, 1e-13);
}

/*
 * u_t = x_t e_t: (-1/6, -1/6), (1/3, 2/3), (-1/6, -1/2).
 * Lag 0 (White): S = sum u u' = [[1/6, 1/3], [1/3, 13/18]],
 *   B S B = [[2/27, -1/36], [-1/36, 1/72]].
 * Lag 1, Bartlett weight 1/2: Gamma_1 = u_2 u_1' + u_3 u_2' =
 *   [[-1/9, -1/6], [-5/18, -4/9]]; S + (Gamma_1 + Gamma_1') / 2 =
 *   [[1/18, 1/9], [1/9, 5/18]], and B S B = [[5/81, -1/36], [-1/36, 1/72]]; with the factor
 *   n / (n - k) = 3: [[5/27, -1/12], [-1/12, 1/24]].
 */
static void test_hac_small(void **state)
{
	double beta[2], bread[4], resid[3], cov[4];

	(void)state;
	assert_int_equal(its_ols(x3, y3, 3, 2, beta, bread, resid), DK_OK);
	assert_int_equal(its_hac(x3, resid, 3, 2, 0, bread, 0, cov), DK_OK);
	assert_rel(cov[0], 2.0 / 27, 1e-13);
	assert_rel(cov[1], -1.0 / 36, 1e-13);
	assert_rel(cov[2], -1.0 / 36, 1e-13);
	assert_rel(cov[3], 1.0 / 72, 1e-13);
	assert_int_equal(its_hac(x3, resid, 3, 2, 1, bread, 0, cov), DK_OK);
	assert_rel(cov[0], 5.0 / 81, 1e-13);
	assert_rel(cov[1], -1.0 / 36, 1e-13);
	assert_rel(cov[3], 1.0 / 72, 1e-13);
	assert_int_equal(its_hac(x3, resid, 3, 2, 1, bread, 1, cov), DK_OK);
	assert_rel(cov[0], 5.0 / 27, 1e-13);
	assert_rel(cov[1], -1.0 / 12, 1e-13);
	assert_rel(cov[3], 1.0 / 24, 1e-13);
	/* a lag as long as the series is refused */
	assert_int_equal(its_hac(x3, resid, 3, 2, 3, bread, 1, cov), DK_DATAERR);
	assert_int_equal(its_hac(x3, resid, 3, 2, -1, bread, 1, cov), DK_DATAERR);
}

static void test_ols_refuses(void **state)
{
	/* the second column twice the first: not of full rank */
	static const double dup[] = { 1, 2, 1, 2, 1, 2, 1, 2 };
	static const double zero[] = { 1, 0, 1, 0, 1, 0 };
	static const double y4[] = { 1, 2, 3, 4 };
	double beta[2];

	(void)state;
	assert_int_equal(its_ols(dup, y4, 4, 2, beta, NULL, NULL), DK_DATAERR);
	assert_int_equal(its_ols(zero, y3, 3, 2, beta, NULL, NULL), DK_DATAERR);
	/* no more points than terms */
	assert_int_equal(its_ols(x3, y3, 2, 2, beta, NULL, NULL), DK_DATAERR);
}

static void test_lag_rule(void **state)
{
	(void)state;
	/* floor(4 (n/100)^(2/9)) */
	assert_int_equal(its_lag_rule(24), 2);   /* 2.91 */
	assert_int_equal(its_lag_rule(36), 3);   /* 3.19 */
	assert_int_equal(its_lag_rule(100), 4);  /* 4 exactly */
	assert_int_equal(its_lag_rule(12), 2);   /* 2.50 */
	assert_int_equal(its_lag_rule(2), 1);    /* 1.68 */
	assert_int_equal(its_lag_rule(1), 0);
}

/* A series without noise: every coefficient exact, the effect at the end
 * b2 + b3 (n - 1 - t0) = 3 + 0.25 * 11 = 5.75. */
static void test_model_exact(void **state)
{
	double y[24];
	struct its_input in = { .y = y, .n = 24, .t0 = 12, .lag = -1, .level = 0.95 };
	struct its_fit f;

	(void)state;
	for (int t = 0; t < 24; t++)
		y[t] = 10 + 0.5 * t + (t >= 12 ? 3 + 0.25 * (t - 12) : 0);
	assert_int_equal(its_model_fit(&in, &f), DK_OK);
	assert_int_equal(f.nobs, 24);
	assert_int_equal(f.n_pre, 12);
	assert_int_equal(f.n_post, 12);
	assert_int_equal(f.lag, 2);
	assert_rel(f.beta[ITS_INTERCEPT], 10, 1e-12);
	assert_rel(f.beta[ITS_PRE_SLOPE], 0.5, 1e-12);
	assert_rel(f.beta[ITS_LEVEL_CHANGE], 3, 1e-12);
	assert_rel(f.beta[ITS_SLOPE_CHANGE], 0.25, 1e-12);
	assert_rel(f.post_slope.estimate, 0.75, 1e-12);
	assert_rel(f.effect_end.estimate, 5.75, 1e-12);
	assert_rel(its_fitted(&f, 12, 23, 0), 10 + 0.5 * 23 + 5.75, 1e-12);
	assert_rel(its_counterfactual(&f, 23, 0), 10 + 0.5 * 23, 1e-12);
	assert_rel(its_counterfactual(&f, 5, 0), its_fitted(&f, 12, 5, 0), 1e-15);
}

static void noisy(double *y, int *month, int n, int t0, int seasonal)
{
	for (int t = 0; t < n; t++) {
		int p = t >= t0;

		month[t] = (9 + t) % 12 + 1;
		y[t] = 10 + 0.5 * t + 3 * p + 0.25 * (t - t0) * p + 0.8 * sin(1.7 * t) +
		       0.5 * cos(0.3 * t * t) + (seasonal ? 0.7 * cos(month[t]) : 0);
	}
}

static void test_model_statsmodels(void **state)
{
	double y[24];
	int month[24];
	struct its_input in = { .y = y, .month = month, .n = 24, .t0 = 12, .lag = -1,
				.level = 0.95 };
	struct its_fit f;

	(void)state;
	noisy(y, month, 24, 12, 0);
	assert_int_equal(its_model_fit(&in, &f), DK_OK);
	assert_int_equal(f.lag, 2);
	assert_rel(f.df, 20, 0);
	assert_rel(f.coef[0].estimate, 10.355832616128005, 1e-12);
	assert_rel(f.coef[1].estimate, 0.45761870843871216, 1e-12);
	assert_rel(f.coef[2].estimate, 3.314500869464682, 1e-12);
	assert_rel(f.coef[3].estimate, 0.29687486028053944, 1e-12);
	assert_rel(f.coef[0].se, 0.3231867135443425, 1e-10);
	assert_rel(f.coef[1].se, 0.04494767898560738, 1e-10);
	assert_rel(f.coef[2].se, 0.493396347832931, 1e-10);
	assert_rel(f.coef[3].se, 0.06293092006997325, 1e-10);
	assert_rel(f.coef[0].p, 1.1526318006496266e-18, 1e-8);
	assert_rel(f.coef[1].p, 2.3373995138760367e-09, 1e-8);
	assert_rel(f.coef[2].p, 1.5485032556788668e-06, 1e-8);
	assert_rel(f.coef[3].p, 0.00013196463554566738, 1e-8);
	assert_rel(f.coef[2].ci_low, 2.2852941228707273, 1e-10);
	assert_rel(f.coef[2].ci_high, 4.343707616058636, 1e-10);
	assert_rel(f.effect_end.estimate, 6.580124332550616, 1e-12);
	assert_rel(f.effect_end.se, 0.7814934586425891, 1e-10);
	assert_rel(f.effect_end.p, 5.241187047637925e-08, 1e-8);
}

static void test_model_seasonal_statsmodels(void **state)
{
	double y[36];
	int month[36];
	struct its_input in = { .y = y, .month = month, .n = 36, .t0 = 20, .lag = 3,
				.seasonal = 1, .level = 0.95 };
	struct its_fit f;
	char name[ITS_TERM_NAME_LEN];

	(void)state;
	noisy(y, month, 36, 20, 1);
	assert_int_equal(its_model_fit(&in, &f), DK_OK);
	assert_int_equal(f.k, 15);
	assert_int_equal(f.season_ref, 10);
	assert_string_equal(its_term_name(&f, ITS_SEASON_FIRST, name), "month_01");
	assert_string_equal(its_term_name(&f, 14, name), "month_12");
	assert_string_equal(its_term_name(&f, ITS_LEVEL_CHANGE, name), "level_change");
	assert_rel(f.coef[0].estimate, 9.909863140546685, 1e-11);
	assert_rel(f.coef[1].estimate, 0.48741709856506626, 1e-11);
	assert_rel(f.coef[2].estimate, 3.053155045330598, 1e-11);
	assert_rel(f.coef[3].estimate, 0.2738163067175071, 1e-11);
	assert_rel(f.coef[0].se, 0.4413964868852744, 1e-10);
	assert_rel(f.coef[1].se, 0.02006371877255708, 1e-10);
	assert_rel(f.coef[2].se, 0.3396561251081509, 1e-10);
	assert_rel(f.coef[3].se, 0.024097095100586677, 1e-10);
	assert_rel(f.coef[2].p, 1.21040518964618e-08, 1e-8);
	assert_rel(f.coef[2].ci_low, 2.3468014651091362, 1e-10);
	assert_rel(f.coef[2].ci_high, 3.7595086255520593, 1e-10);
	assert_rel(f.effect_end.estimate, 7.160399646093204, 1e-11);
	assert_rel(f.effect_end.se, 0.48637361478903146, 1e-10);
	assert_rel(f.effect_end.p, 1.5424251042541177e-12, 1e-7);
}

/* Points left out: missing values and a transition month do not count. */
static void test_model_omit(void **state)
{
	double y[24];
	unsigned char omit[24] = { 0 };
	struct its_input in = { .y = y, .omit = omit, .n = 24, .t0 = 13, .lag = 1,
				.level = 0.95 };
	struct its_fit f;

	(void)state;
	for (int t = 0; t < 24; t++)
		y[t] = 1 + 0.1 * t + (t >= 13 ? 2 : 0) + (t % 3 ? 0.2 : -0.4);
	y[12] = 1000;  /* a transition month, left out */
	omit[12] = 1;
	y[3] = NAN;
	assert_int_equal(its_model_fit(&in, &f), DK_OK);
	assert_int_equal(f.nobs, 22);
	assert_int_equal(f.n_pre, 11);
	assert_int_equal(f.n_post, 11);
	assert_true(fabs(f.beta[ITS_LEVEL_CHANGE] - 2) < 0.5);
}

static void test_model_refuses(void **state)
{
	double y[24];
	int month[24];
	struct its_input in = { .y = y, .month = month, .n = 24, .t0 = 23, .lag = -1,
				.level = 0.95 };
	struct its_fit f;

	(void)state;
	noisy(y, month, 24, 12, 0);
	/* one point after: no slope after */
	assert_int_equal(its_model_fit(&in, &f), DK_DATAERR);
	in.t0 = 0;  /* nothing before */
	assert_int_equal(its_model_fit(&in, &f), DK_DATAERR);
	/* seasonal with ten months: some month is never seen */
	in.t0 = 5;
	in.n = 10;
	in.seasonal = 1;
	assert_int_equal(its_model_fit(&in, &f), DK_DATAERR);
	/* lag as long as the series */
	in.n = 24;
	in.seasonal = 0;
	in.lag = 24;
	assert_int_equal(its_model_fit(&in, &f), DK_DATAERR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ols_small),
		cmocka_unit_test(test_hac_small),
		cmocka_unit_test(test_ols_refuses),
		cmocka_unit_test(test_lag_rule),
		cmocka_unit_test(test_model_exact),
		cmocka_unit_test(test_model_statsmodels),
		cmocka_unit_test(test_model_seasonal_statsmodels),
		cmocka_unit_test(test_model_omit),
		cmocka_unit_test(test_model_refuses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
