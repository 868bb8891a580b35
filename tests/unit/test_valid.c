/* Unit tests of lib/valid.c: the field rules of SPEC section 2. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "valid.h"

#define S(x) x, strlen(x)

static void test_text(void **state)
{
	(void)state;
	assert_null(valid_text(S("plain ascii")));
	assert_null(valid_text(S("ทดสอบมาตรฐานฝีมือแรงงาน")));
	assert_null(valid_text(S("\xf0\x9f\x98\x80")));             /* U+1F600 */
	assert_non_null(valid_text("a\0b", 3));                      /* NUL */
	assert_string_equal(valid_text("a\0b", 3), "contains a NUL byte");
	assert_non_null(valid_text(S("\xff")));
	assert_non_null(valid_text(S("\xc0\xaf")));                  /* overlong '/' */
	assert_non_null(valid_text(S("\xe0\x80\xaf")));              /* overlong */
	assert_non_null(valid_text(S("\xed\xa0\x80")));              /* surrogate */
	assert_non_null(valid_text(S("\xf4\x90\x80\x80")));          /* > U+10FFFF */
	assert_non_null(valid_text(S("\xe0\xb8")));                  /* truncated */
}

static void test_code(void **state)
{
	(void)state;
	assert_null(valid_code(S("skill_test-2")));
	assert_non_null(valid_code(S("Web")));
	assert_non_null(valid_code(S("web ")));
	assert_non_null(valid_code(S("")));
	assert_non_null(valid_code(S("ไทย")));
}

static void test_bool(void **state)
{
	static const char *const yes[] = { "true", "TRUE", "t", "T", "yes", "Yes", "1" };
	static const char *const no[] = { "false", "False", "f", "F", "no", "NO", "0" };
	int b;
	size_t i;

	(void)state;
	for (i = 0; i < 7; i++) {
		b = -1;
		assert_null(valid_bool(S(yes[i]), &b));
		assert_int_equal(b, 1);
		assert_null(valid_bool(S(no[i]), &b));
		assert_int_equal(b, 0);
	}
	assert_non_null(valid_bool(S("y"), &b));
	assert_non_null(valid_bool(S("2"), &b));
	assert_non_null(valid_bool(S("truee"), &b));
	assert_non_null(valid_bool(S(""), &b));
}

static void test_int(void **state)
{
	long v;

	(void)state;
	assert_null(valid_int(S("5"), 1, 5, &v));
	assert_int_equal(v, 5);
	assert_null(valid_int(S("+1"), 1, 5, &v));
	assert_int_equal(v, 1);
	assert_non_null(valid_int(S("6"), 1, 5, &v));
	assert_non_null(valid_int(S("0"), 1, 5, &v));
	assert_non_null(valid_int(S("4.5"), 1, 5, &v));
	assert_non_null(valid_int(S("-"), 0, 10, &v));
	assert_non_null(valid_int(S(" 3"), 0, 10, &v));
	assert_non_null(valid_int(S("\xd9\xa3"), 0, 10, &v));      /* Arabic-Indic 3 */
	assert_null(valid_int(S("2147483647"), 0, 2147483647L, &v));
	assert_non_null(valid_int(S("2147483648"), 0, 2147483647L, &v));
	assert_non_null(valid_int(S("99999999999999999999999"), 0, 2147483647L, &v));
	assert_non_null(valid_int(S("-5"), 0, 2147483647L, &v));
}

static void test_decimal(void **state)
{
	(void)state;
	assert_null(valid_decimal(S("0.50")));
	assert_null(valid_decimal(S("1")));
	assert_null(valid_decimal(S("-2.5")));
	assert_non_null(valid_decimal(S(".5")));
	assert_non_null(valid_decimal(S("1.")));
	assert_non_null(valid_decimal(S("1e3")));
	assert_non_null(valid_decimal(S("")));
}

static void test_date(void **state)
{
	char out[VALID_OUT_MAX];

	(void)state;
	assert_null(valid_date(S("2024-02-29"), out));
	assert_string_equal(out, "2024-02-29");
	assert_string_equal(valid_date(S("2025-02-29"), out), "is not a real date");
	assert_string_equal(valid_date(S("2025-02-30"), out), "is not a real date");
	assert_string_equal(valid_date(S("2025-13-01"), out), "is not a real date");
	assert_non_null(valid_date(S("2025-1-01"), out));
	assert_non_null(valid_date(S("01/03/2025"), out));
	assert_non_null(valid_date(S("2025-03-01 "), out));
}

static void test_timestamp(void **state)
{
	char out[VALID_OUT_MAX];

	(void)state;
	assert_null(valid_timestamp(S("2025-03-01 10:00"), out));
	assert_string_equal(out, "2025-03-01 10:00:00");
	assert_null(valid_timestamp(S("2025-03-01T10:00:05"), out));
	assert_string_equal(out, "2025-03-01 10:00:05");
	assert_null(valid_timestamp(S("2025-03-01T10:00:05.123456Z"), out));
	assert_string_equal(out, "2025-03-01 10:00:05.123456+00:00");
	assert_null(valid_timestamp(S("2025-03-01T10:00:05.5+07:00"), out));
	assert_string_equal(out, "2025-03-01 10:00:05.5+07:00");
	assert_null(valid_timestamp(S("2025-03-01 23:59-0330"), out));
	assert_string_equal(out, "2025-03-01 23:59:00-03:30");
	assert_null(valid_timestamp(S("2025-03-01T00:00+14:00"), out));
	assert_string_equal(valid_timestamp(S("2025-03-01T00:00+14:01"), out),
			    "has a time zone offset beyond 14:00");
	assert_non_null(valid_timestamp(S("2025-03-01T00:00+07"), out));
	assert_non_null(valid_timestamp(S("2025-03-01T00:00+07:60"), out));
	assert_string_equal(valid_timestamp(S("2025-02-30 10:00"), out), "is not a real date");
	assert_string_equal(valid_timestamp(S("2025-03-01 24:00"), out),
			    "is not a real time of day");
	assert_string_equal(valid_timestamp(S("2025-03-01 10:60"), out),
			    "is not a real time of day");
	assert_string_equal(valid_timestamp(S("2025-03-01 10:00:60"), out),
			    "is not a real time of day");
	assert_non_null(valid_timestamp(S("2025-03-01 10:00:00.1234567"), out));
	assert_non_null(valid_timestamp(S("2025-03-01 10:00:00."), out));
	assert_non_null(valid_timestamp(S("2025-03-01"), out));
	assert_non_null(valid_timestamp(S("2025-03-01 10:00 "), out));
	assert_non_null(valid_timestamp(S("2025-03-01X10:00"), out));
	assert_non_null(valid_timestamp(S("2025-03-01 10:00Zjunk"), out));
	assert_non_null(valid_timestamp(S("\xd9\xa2" "025-03-01 10:00"), out));
}

static void test_national_id(void **state)
{
	(void)state;
	/* 1..12 weighted 13..2 sum to 352; 352 mod 11 = 0; (11 - 0) mod 10 = 1. */
	assert_int_equal(valid_national_id(S("1234567890121")), 1);
	assert_int_equal(valid_national_id(S("1234567890123")), 0);
	assert_int_equal(valid_national_id(S("123456789012")), 0);
	assert_int_equal(valid_national_id(S("12345678901210")), 0);
	assert_int_equal(valid_national_id(S("123456789012a")), 0);
	/* sum 25, remainder 3: check digit 8 */
	assert_int_equal(valid_national_id(S("1100000000008")), 1);
	/* sum 0, remainder 0: 11 mod 10 = 1 */
	assert_int_equal(valid_national_id(S("0000000000001")), 1);
	/* sum 12, remainder 1: 10 mod 10 = 0 */
	assert_int_equal(valid_national_id(S("0100000000000")), 1);
	/* sum 15, remainder 4: 7, not 0 */
	assert_int_equal(valid_national_id(S("1000000000010")), 0);
	assert_int_equal(valid_national_id(S("1000000000009")), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_code),
		cmocka_unit_test(test_bool),
		cmocka_unit_test(test_int),
		cmocka_unit_test(test_decimal),
		cmocka_unit_test(test_date),
		cmocka_unit_test(test_timestamp),
		cmocka_unit_test(test_national_id),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
