/*
 * Unit tests for lib/suggest.c: the edit distance, when a name is close
 * enough to suggest, and the message text. Distances worked out by hand.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "suggest.h"

static void test_distance(void **state)
{
	(void)state;
	assert_int_equal(suggest_distance("", ""), 0);
	assert_int_equal(suggest_distance("kpi", "kpi"), 0);
	assert_int_equal(suggest_distance("", "abc"), 3);
	assert_int_equal(suggest_distance("abc", ""), 3);
	/* one swap of neighbours */
	assert_int_equal(suggest_distance("reprot", "report"), 1);
	/* one deletion */
	assert_int_equal(suggest_distance("digital_chanel_rate", "digital_channel_rate"), 1);
	/* one substitution */
	assert_int_equal(suggest_distance("chart", "chars"), 1);
	/* kitten -> sitten -> sittin -> sitting */
	assert_int_equal(suggest_distance("kitten", "sitting"), 3);
	/* symmetric */
	assert_int_equal(suggest_distance("sitting", "kitten"), 3);
	/* OSA: "ca" -> "abc" is 3 (no edit after a swap), not 2 */
	assert_int_equal(suggest_distance("ca", "abc"), 3);
}

static void test_too_long(void **state)
{
	char big[SUGGEST_MAX_LEN + 2];

	(void)state;
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_true(suggest_distance(big, "a") == SIZE_MAX);
	big[SUGGEST_MAX_LEN] = '\0';
	assert_int_equal(suggest_distance(big, big), 0);
}

static const char *const commands[] = { "help", "version", "db", "init", "load", "demo",
					"kpi", "compare", "chart", "check", "report",
					"refresh", NULL };

static void test_hint(void **state)
{
	char buf[SUGGEST_HINT_MAX];

	(void)state;
	assert_string_equal(suggest_list("reprot", commands, buf, sizeof(buf)),
			    " (did you mean 'report'?)");
	assert_string_equal(suggest_list("comapre", commands, buf, sizeof(buf)),
			    " (did you mean 'compare'?)");
	/* a beginning of at least three characters */
	assert_string_equal(suggest_list("comp", commands, buf, sizeof(buf)),
			    " (did you mean 'compare'?)");
	assert_string_equal(suggest_list("refr", commands, buf, sizeof(buf)),
			    " (did you mean 'refresh'?)");
	/* nothing close: no hint */
	assert_string_equal(suggest_list("xyzzy", commands, buf, sizeof(buf)), "");
	assert_string_equal(suggest_list("", commands, buf, sizeof(buf)), "");
	/* a short word needs a close match: "zz" is 2 from "db" */
	assert_string_equal(suggest_list("zz", commands, buf, sizeof(buf)), "");
	assert_string_equal(suggest_list("kp", commands, buf, sizeof(buf)),
			    " (did you mean 'kpi'?)");
	/* the name itself is not "suggested" */
	assert_string_equal(suggest_list("kpi", commands, buf, sizeof(buf)), "");
}

static void test_nearest_wins(void **state)
{
	static const char *const kpis[] = { "digital_id_use_rate", "digital_channel_rate",
					    "digital_id_enrolment_rate", NULL };
	static const char *const tie[] = { "chart", "chars", NULL };
	char buf[SUGGEST_HINT_MAX];
	struct suggest s;

	(void)state;
	assert_string_equal(suggest_list("digital_chanel_rate", kpis, buf, sizeof(buf)),
			    " (did you mean 'digital_channel_rate'?)");
	assert_string_equal(suggest_list("digital_id_use_rat", kpis, buf, sizeof(buf)),
			    " (did you mean 'digital_id_use_rate'?)");
	/* a tie: the first added */
	assert_string_equal(suggest_list("charx", tie, buf, sizeof(buf)),
			    " (did you mean 'chart'?)");
	/* the one-by-one interface; NULL candidates are ignored */
	suggest_init(&s, "montly");
	suggest_add(&s, NULL);
	suggest_add(&s, "analyst");
	assert_null(suggest_best(&s));
	suggest_add(&s, "monthly");
	assert_string_equal(suggest_best(&s), "monthly");
	/* a short buffer truncates, never overflows */
	assert_string_equal(suggest_hint(&s, buf, 8), " (did y");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_distance),
		cmocka_unit_test(test_too_long),
		cmocka_unit_test(test_hint),
		cmocka_unit_test(test_nearest_wins),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
