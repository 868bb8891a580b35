/*
 * Unit tests for lib/effects.c: ATT(g,t) and its aggregations on small
 * panels worked out by hand in the comments, the choice of comparison
 * services and base months, missing values, and the bootstrap's
 * determinism and clustering.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "chart_event.h"
#include "effects.h"
#include "status.h"

#define NV EFF_NEVER

/* The row of aggregation agg at (e, g, t), or NULL. */
static const struct effects_row *find(const struct effects_result *r, enum effects_agg agg,
				      int e, int g, int t)
{
	for (int k = 0; k < r->nrows; k++) {
		const struct effects_row *x = &r->rows[k];

		if (x->agg == agg && (agg != EFF_AGG_EVENT && agg != EFF_AGG_GT ? 1 : x->e == e) &&
		    x->g == g && x->t == t)
			return x;
	}
	return NULL;
}

static struct effects_result *estimate(const int *cohort, const double *y, int n, int T,
				       struct effects_options *o)
{
	struct effects_panel p = { n, T, cohort, y };
	struct effects_result *r = NULL;

	assert_int_equal(effects_estimate(&p, o, &r), DK_OK);
	assert_non_null(r);
	return r;
}

/*
 * Services A (cohort 2), B (cohort 3), C (never), months 0..3:
 *   A: 1 1 3 4     B: 0 0 0 5     C: 0 0 0 1
 * ATT(2,2) = (3-1) - mean over B, C of (0-0) = 2     (base 1)
 * ATT(2,3) = (4-1) - C's (1-0) = 2                  (B treated at 3)
 * ATT(3,3) = (5-0) - C's (1-0) = 4                  (base 2; A treated)
 * pre, varying base: ATT(2,1) = (1-1) - (B, C: 0) = 0; ATT(3,1) = 0 - 0
 * (A, C... A is not yet treated at 1: G_A = 2 > max(1, 0)) = 0;
 * ATT(3,2) = (0-0) - C's (0-0) = 0 (A is treated at 2).
 * overall = (2 + 2 + 4) / 3 = 8/3; event 0 = (2 + 4) / 2 = 3; event 1 = 2;
 * dynamic = (3 + 2) / 2 = 2.5; cohort 2 = 2, cohort 3 = 4.
 */
static const int coh3[] = { 2, 3, NV };
static const double y3[] = { 1, 1, 3, 4,  0, 0, 0, 5,  0, 0, 0, 1 };

static void test_hand_panel(void **state)
{
	struct effects_options o = EFFECTS_OPTIONS_DEFAULT;
	struct effects_result *r;
	const struct effects_row *x;

	(void)state;
	o.boot = 99;
	r = estimate(coh3, y3, 3, 4, &o);
	assert_non_null(x = find(r, EFF_AGG_GT, 0, 2, 2));
	assert_float_equal(x->estimate, 2, 1e-12);
	assert_int_equal(x->n_treated, 1);
	assert_int_equal(x->n_control, 2);
	assert_non_null(x = find(r, EFF_AGG_GT, 1, 2, 3));
	assert_float_equal(x->estimate, 2, 1e-12);
	assert_int_equal(x->n_control, 1);
	assert_non_null(x = find(r, EFF_AGG_GT, 0, 3, 3));
	assert_float_equal(x->estimate, 4, 1e-12);
	assert_non_null(x = find(r, EFF_AGG_GT, -2, 3, 1));
	assert_float_equal(x->estimate, 0, 1e-12);
	assert_int_equal(x->n_control, 2); /* A and C */
	assert_non_null(x = find(r, EFF_AGG_OVERALL, 0, -1, -1));
	assert_float_equal(x->estimate, 8.0 / 3, 1e-12);
	assert_int_equal(x->n_treated, 2);
	assert_non_null(x = find(r, EFF_AGG_EVENT, 0, -1, -1));
	assert_float_equal(x->estimate, 3, 1e-12);
	assert_non_null(x = find(r, EFF_AGG_EVENT, 1, -1, -1));
	assert_float_equal(x->estimate, 2, 1e-12);
	assert_non_null(x = find(r, EFF_AGG_DYNAMIC, 0, -1, -1));
	assert_float_equal(x->estimate, 2.5, 1e-12);
	assert_non_null(x = find(r, EFF_AGG_COHORT, 0, 2, -1));
	assert_float_equal(x->estimate, 2, 1e-12);
	assert_non_null(x = find(r, EFF_AGG_COHORT, 0, 3, -1));
	assert_float_equal(x->estimate, 4, 1e-12);
	assert_int_equal(r->treated_services, 2);
	assert_int_equal(r->cohorts, 2);
	assert_int_equal(r->never_services, 1);
	assert_int_equal(r->reliable, 0);
	effects_result_free(r);
}

/* Never-treated only: ATT(2,2) = 2 - C's 0 = 2; ATT(3,1) = 0 - 0 with C
 * alone (A no comparison). */
static void test_never(void **state)
{
	struct effects_options o = EFFECTS_OPTIONS_DEFAULT;
	struct effects_result *r;
	const struct effects_row *x;

	(void)state;
	o.boot = 99;
	o.control = EFF_CONTROL_NEVER;
	r = estimate(coh3, y3, 3, 4, &o);
	assert_non_null(x = find(r, EFF_AGG_GT, -2, 3, 1));
	assert_int_equal(x->n_control, 1);
	assert_non_null(x = find(r, EFF_AGG_GT, 0, 2, 2));
	assert_int_equal(x->n_control, 1);
	assert_float_equal(x->estimate, 2, 1e-12);
	effects_result_free(r);
}

/* Universal base: pre effects against g-1, e = -1 left out. For cohort
 * 3: ATT(3,1) = (B1 - B2) - mean over A?, C: A is treated at 2 = max(1,2)
 * so only C: (0 - 0) - (0 - 0) = 0; ATT(3,0) likewise 0. */
static void test_universal(void **state)
{
	struct effects_options o = EFFECTS_OPTIONS_DEFAULT;
	struct effects_result *r;

	(void)state;
	o.boot = 99;
	o.base = EFF_BASE_UNIVERSAL;
	r = estimate(coh3, y3, 3, 4, &o);
	assert_null(find(r, EFF_AGG_EVENT, -1, -1, -1));
	assert_null(find(r, EFF_AGG_GT, -1, 3, 2));
	assert_non_null(find(r, EFF_AGG_GT, -2, 3, 1));
	assert_int_equal(find(r, EFF_AGG_GT, -2, 3, 1)->n_control, 1);
	effects_result_free(r);
}

/* Cohort 0 (no month before) and adoption before the panel (negative) are
 * neither treated nor comparisons; a missing value drops the service
 * from the (g,t) that need it. */
static void test_excluded_and_missing(void **state)
{
	static const int coh[] = { 0, -3, 2, NV, NV };
	static const double y[] = {
		100, 100, 100,  100, 100, 100,  1, 1, 2,  0, 0, 0,  0, NAN, 7
	};
	struct effects_options o = EFFECTS_OPTIONS_DEFAULT;
	struct effects_result *r;
	const struct effects_row *x;

	(void)state;
	o.boot = 99;
	r = estimate(coh, y, 5, 3, &o);
	/* ATT(2,2) = (2 - 1) - (0 - 0): the last service has no month 1 */
	assert_non_null(x = find(r, EFF_AGG_GT, 0, 2, 2));
	assert_float_equal(x->estimate, 1, 1e-12);
	assert_int_equal(x->n_treated, 1);
	assert_int_equal(x->n_control, 1);
	assert_int_equal(r->treated_services, 1);
	assert_int_equal(r->never_services, 2);
	effects_result_free(r);
}

/* The bootstrap: the same seed gives the same standard errors, another
 * seed others; the interval is estimate -/+ z se; a (g,t) whose every
 * service moves alike has no uncertainty (se empty). */
static void test_bootstrap(void **state)
{
	/* cohorts 2 (two services) and never (three), noise in the changes */
	static const int coh[] = { 2, 2, NV, NV, NV };
	static const double y[] = {
		1, 2, 5,  0, 1, 4.5,  3, 3, 3.5,  1, 2, 1.5,  0, 0, 1
	};
	struct effects_options o = EFFECTS_OPTIONS_DEFAULT;
	struct effects_result *a, *b, *c;
	const struct effects_row *xa, *xb, *xc;

	(void)state;
	a = estimate(coh, y, 5, 3, &o);
	b = estimate(coh, y, 5, 3, &o);
	o.seed = 7;
	c = estimate(coh, y, 5, 3, &o);
	xa = find(a, EFF_AGG_GT, 0, 2, 2);
	xb = find(b, EFF_AGG_GT, 0, 2, 2);
	xc = find(c, EFF_AGG_GT, 0, 2, 2);
	assert_non_null(xa);
	/* ATT = mean(3, 3.5) - mean(0.5, -0.5, 1) = 3.25 - 1/3 */
	assert_float_equal(xa->estimate, 3.25 - 1.0 / 3, 1e-12);
	assert_true(isfinite(xa->se) && xa->se > 0);
	assert_float_equal(xa->se, xb->se, 0);
	assert_true(xa->se != xc->se);
	assert_float_equal(xa->ci_low, xa->estimate - 1.959963984540054 * xa->se, 1e-9);
	/* the exact variance of sum V_i infl_i is sum infl_i^2: treated
	 * (3-3.25)/2, (3.5-3.25)/2; comparisons -(0.5-1/3)/3, -(-0.5-1/3)/3,
	 * -(1-1/3)/3; 999 draws get within 15 % of it */
	{
		double v = 2 * 0.125 * 0.125 + (1.0 / 36 + 25.0 / 36 + 4.0 / 9) / 9;

		assert_true(fabs(xa->se / sqrt(v) - 1) < 0.15);
	}
	effects_result_free(a);
	effects_result_free(b);
	effects_result_free(c);
}

/* Cohorts of one service: the event study still has a treated-side
 * variance (the services' differences from the aggregate). */
static void test_single_service_cohorts(void **state)
{
	static const int coh[] = { 1, 2, 3, NV, NV };
	static const double y[] = {
		0, 1, 1, 1,  0, 0, 3, 3,  0, 0, 0, 2,  0, 0, 0, 0,  0, 0, 0, 0
	};
	struct effects_options o = EFFECTS_OPTIONS_DEFAULT;
	struct effects_result *r;
	const struct effects_row *x;

	(void)state;
	r = estimate(coh, y, 5, 4, &o);
	/* e = 0: (1 + 3 + 2) / 3 = 2, the comparisons never move */
	assert_non_null(x = find(r, EFF_AGG_EVENT, 0, -1, -1));
	assert_float_equal(x->estimate, 2, 1e-12);
	assert_true(isfinite(x->se) && x->se > 0.2);
	/* one ATT(g,t) alone: nothing varies, no standard error */
	assert_non_null(x = find(r, EFF_AGG_GT, 0, 1, 1));
	assert_true(isnan(x->se));
	effects_result_free(r);
}

/* The event-study chart: a category per event time, the estimates and
 * intervals in place (gaps where there is none), the adoption marker
 * between -1 and 0. */
static void test_chart_event(void **state)
{
	struct effects_options o = EFFECTS_OPTIONS_DEFAULT;
	struct effects_result *r;
	struct chart_event ce;

	(void)state;
	o.boot = 99;
	o.leads = 2;
	o.lags = 3;
	r = estimate(coh3, y3, 3, 4, &o);
	assert_int_equal(chart_event_build(&ce, r, EFF_REQUESTS_LOG, &o, 0, r->reliable,
					   "2025-01", "2025-04"), DK_OK);
	assert_int_equal(ce.chart.ncategories, 6);
	assert_string_equal(ce.chart.categories[0], "-2");
	assert_string_equal(ce.chart.categories[2], "0");
	assert_string_equal(ce.chart.categories[3], "+1");
	assert_float_equal(ce.values[2], 3, 1e-12);  /* e = 0 */
	assert_float_equal(ce.values[3], 2, 1e-12);  /* e = 1 */
	assert_true(isnan(ce.values[5]));            /* e = 3: no cohort has it */
	assert_float_equal(ce.chart.markers[0].position, 1.5, 0);
	assert_int_equal(ce.chart.kind, CHART_GROUPED_BAR);
	assert_non_null(strstr(ce.subtitle, "too few services"));
	assert_int_equal(ce.empty, 0);
	chart_event_free(&ce);
	effects_result_free(r);
}

static void test_reliable_and_names(void **state)
{
	char why[200];

	(void)state;
	assert_int_equal(effects_reliable(10, 2, 0, EFF_CONTROL_NOTYET, why, sizeof(why)), 1);
	assert_int_equal(effects_reliable(9, 5, 3, EFF_CONTROL_NOTYET, why, sizeof(why)), 0);
	assert_non_null(strstr(why, "fewer than 10 treated services"));
	assert_int_equal(effects_reliable(20, 1, 3, EFF_CONTROL_NOTYET, why, sizeof(why)), 0);
	assert_int_equal(effects_reliable(20, 4, 3, EFF_CONTROL_NEVER, why, sizeof(why)), 0);
	assert_int_equal(effects_outcome_find("satisfaction_mean"), EFF_SATISFACTION_MEAN);
	assert_int_equal(effects_outcome_find("nope"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hand_panel),
		cmocka_unit_test(test_never),
		cmocka_unit_test(test_universal),
		cmocka_unit_test(test_excluded_and_missing),
		cmocka_unit_test(test_bootstrap),
		cmocka_unit_test(test_single_service_cohorts),
		cmocka_unit_test(test_chart_event),
		cmocka_unit_test(test_reliable_and_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
