/* Unit tests for lib/compare.c: compare_row_sentence(). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "compare.h"

static void check(const struct compare_row *row, int thai, const char *want)
{
	char *got = compare_row_sentence(row, thai);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static struct compare_row row_of(enum compare_metric m, double change, double lo, double hi)
{
	struct compare_row r = { 0 };

	r.metric = m;
	r.level = 0.95;
	r.change = (struct compare_num){ 1, change };
	r.ci_low = (struct compare_num){ 1, lo };
	r.ci_high = (struct compare_num){ 1, hi };
	return r;
}

static void test_sentence(void **state)
{
	struct compare_row r;

	(void)state;
	/* the example: service time down 64 h, interval -76 .. -52 */
	r = row_of(CMP_SERVICE_TIME_MEDIAN, -64.2, -75.9, -51.6);
	check(&r, 1, "ลดลง 64 ชม. (ช่วงความเชื่อมั่น 95% 52–76)");
	check(&r, 0, "down 64 h (95% CI 52–76)");
	/* below 10 hours: one decimal */
	r = row_of(CMP_SERVICE_TIME_MEDIAN, -2.95, -3.66, -2.31);
	check(&r, 0, "down 3.0 h (95% CI 2.3–3.7)");
	/* rates in percentage points, up */
	r = row_of(CMP_DIGITAL_CHANNEL_RATE, 0.4, 0.3412, 0.4545);
	check(&r, 0, "up 40.0 pt (95% CI 34.1–45.5)");
	check(&r, 1, "เพิ่มขึ้น 40.0 จุด (ช่วงความเชื่อมั่น 95% 34.1–45.5)");
	/* an interval through zero: "to", not a dash */
	r = row_of(CMP_REQUESTS_PER_MONTH, 3.93, -5.66, 13.58);
	check(&r, 0, "up 3.9 a month (95% CI -5.7 to 14)");
	check(&r, 1, "เพิ่มขึ้น 3.9 ต่อเดือน (ช่วงความเชื่อมั่น 95% -5.7 ถึง 14)");
	r = row_of(CMP_SATISFACTION_MEAN, -0.2, -0.5, 0.1);
	check(&r, 0, "down 0.20 points (95% CI -0.10 to 0.50)");
	/* no change (to the shown precision) */
	r = row_of(CMP_COMPLETION_RATE, 0, -0.0496, 0.0496);
	check(&r, 0, "no change (95% CI -5.0 to 5.0)");
	check(&r, 1, "ไม่เปลี่ยนแปลง (ช่วงความเชื่อมั่น 95% -5.0 ถึง 5.0)");
	/* another level */
	r = row_of(CMP_SATISFACTION_CSAT, 0.1, 0.02, 0.18);
	r.level = 0.9;
	check(&r, 0, "up 10.0 pt (90% CI 2.0–18.0)");
	/* no interval */
	r = row_of(CMP_SERVICE_TIME_MEDIAN, -30, 0, 0);
	r.ci_low.set = r.ci_high.set = 0;
	check(&r, 0, "down 30 h");
	/* no estimate, skipped */
	r.change.set = 0;
	check(&r, 0, "no estimate of the change");
	r.skip = "after-window not complete";
	check(&r, 0, "not compared: after-window not complete");
	check(&r, 1, "ไม่ได้เปรียบเทียบ: after-window not complete");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sentence),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
