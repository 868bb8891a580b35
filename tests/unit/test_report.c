/* Unit tests for lib/report.c without a database: the trend's months and
 * the ranking of services to improve. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "status.h"

static struct period parse(const char *text, struct civil_date today)
{
	struct period p;
	char err[160];

	if (period_parse(text, today, &p, err, sizeof(err)))
		fail_msg("%s", err);
	return p;
}

static void check_months(const char *period, struct civil_date today, int min_months,
			 size_t n_want, const char *first, const char *last)
{
	struct period p = parse(period, today), *m = NULL;
	size_t n = 0;

	assert_int_equal(report_trend_months(&p, today, min_months, &m, &n), DK_OK);
	assert_int_equal(n, n_want);
	if (n) {
		assert_string_equal(m[0].label, first);
		assert_string_equal(m[n - 1].label, last);
	}
	free(m);
}

static void test_trend_months(void **state)
{
	struct civil_date today = { 2025, 11, 27 };

	(void)state;
	/* March of FY2568: the fiscal year to date is Oct-Mar, extended to 12 */
	check_months("2025-03", today, 12, 12, "2024-04", "2025-03");
	/* with no minimum: the fiscal year to date only */
	check_months("2025-03", today, 1, 6, "2024-10", "2025-03");
	/* September ends the fiscal year: exactly the year */
	check_months("2025-09", today, 12, 12, "2024-10", "2025-09");
	check_months("2025-09", today, 24, 24, "2023-10", "2025-09");
	/* a fiscal year as the period */
	check_months("FY2568", today, 12, 12, "2024-10", "2025-09");
	/* a quarter */
	check_months("FY2568-Q1", today, 3, 3, "2024-10", "2024-12");
	/* a range ending mid-month: whole months up to the one it ends in */
	check_months("2025-03-05..2025-03-20", today, 1, 6, "2024-10", "2025-03");
	/* this fiscal year: clipped at the end of today's month */
	check_months("this-fy", today, 1, 2, "2025-10", "2025-11");
	/* a later month of this fiscal year: the year to date */
	check_months("2026-05", today, 1, 2, "2025-10", "2025-11");
	/* a fiscal year that has not begun: no months have data */
	check_months("2027-05", today, 3, 0, "", "");
}

/* A kpi_result with the rows ranking needs. */
static struct kpi_row row(enum kpi_id k, enum breakdown bd, const char *key, double v, int sup)
{
	struct kpi_row r;

	memset(&r, 0, sizeof(r));
	r.kpi = k;
	r.bd = bd;
	r.key = key;
	r.key_th = r.key_en = key;
	if (!isnan(v))
		r.value = (struct kpi_num){ 1, v };
	r.suppressed = sup;
	return r;
}

static void test_rank(void **state)
{
	struct report_service svc[4] = {
		{ .code = "a", .name_th = "a", .name_en = "a" },
		{ .code = "b", .name_th = "b", .name_en = "b" },
		{ .code = "c", .name_th = "c", .name_en = "c" },
		{ .code = "d", .name_th = "d", .name_en = "d" },
	};
	struct kpi_row rows[] = {
		row(KPI_REQUESTS, BD_ALL, NULL, 300, 0),
		row(KPI_DIGITAL_CHANNEL_RATE, BD_ALL, NULL, 0.8, 0),
		row(KPI_SERVICE_TIME_MEDIAN, BD_ALL, NULL, 40, 0),
		row(KPI_SATISFACTION_MEAN, BD_ALL, NULL, 4.0, 0),
		/* a: worse on all three */
		row(KPI_REQUESTS, BD_SERVICE, "a", 100, 0),
		row(KPI_DIGITAL_CHANNEL_RATE, BD_SERVICE, "a", 0.4, 0),   /* 0.5 */
		row(KPI_SERVICE_TIME_MEDIAN, BD_SERVICE, "a", 200, 0),    /* 4 -> 1 */
		row(KPI_SATISFACTION_MEAN, BD_SERVICE, "a", 3.0, 0),      /* 0.25 */
		/* b: better on all: score 0 */
		row(KPI_REQUESTS, BD_SERVICE, "b", 150, 0),
		row(KPI_DIGITAL_CHANNEL_RATE, BD_SERVICE, "b", 0.9, 0),
		row(KPI_SERVICE_TIME_MEDIAN, BD_SERVICE, "b", 30, 0),
		row(KPI_SATISFACTION_MEAN, BD_SERVICE, "b", 4.5, 0),
		/* c: only the time is worse; satisfaction suppressed counts 0 */
		row(KPI_REQUESTS, BD_SERVICE, "c", 50, 0),
		row(KPI_DIGITAL_CHANNEL_RATE, BD_SERVICE, "c", 0.8, 0),
		row(KPI_SERVICE_TIME_MEDIAN, BD_SERVICE, "c", 60, 0),     /* 0.5 */
		row(KPI_SATISFACTION_MEAN, BD_SERVICE, "c", NAN, 1),
		/* d: no requests: not ranked */
		row(KPI_REQUESTS, BD_SERVICE, "d", 0, 0),
	};
	struct kpi_result res = { .nperiods = 1, .rows = rows,
				  .nrows = sizeof(rows) / sizeof(*rows) };
	struct report_data d;

	(void)state;
	memset(&d, 0, sizeof(d));
	d.cur = &res;
	d.services = svc;
	d.nservices = 4;
	assert_int_equal(report_rank(&d), DK_OK);
	assert_int_equal(d.nranks, 3);
	assert_string_equal(d.ranks[0].svc->code, "a");
	assert_true(fabs(d.ranks[0].score - (0.5 + 1 + 0.25) / 3 * 100) < 1e-9);
	assert_int_equal(d.ranks[0].worst, 1);
	assert_string_equal(d.ranks[1].svc->code, "c");
	assert_true(fabs(d.ranks[1].score - 0.5 / 3 * 100) < 1e-9);
	assert_false(d.ranks[1].satisfaction.set);
	assert_string_equal(d.ranks[2].svc->code, "b");
	assert_true(d.ranks[2].score == 0);
	assert_int_equal(d.ranks[2].worst, -1);
	assert_non_null(report_find(&res, 0, KPI_REQUESTS, BD_SERVICE, "c"));
	assert_null(report_find(&res, 0, KPI_REQUESTS, BD_SERVICE, "zz"));
	assert_null(report_find(&res, 1, KPI_REQUESTS, BD_ALL, NULL));
	free(d.ranks);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trend_months),
		cmocka_unit_test(test_rank),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
