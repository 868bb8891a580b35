/* Unit tests of lib/valid.c: the field rules of SPEC section 2. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kpi.h"
#include "sqlres.h"
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

/* The written forms of one ID (1-1037-02071-83-8) all normalise to it. */
static void test_id_forms(void **state)
{
	static const char *const forms[] = {
		"1103702071838",
		"1-1037-02071-83-8",
		"1 1037 02071 83 8",
		"  1103702071838  ",
		"1103702071838\xe2\x80\x8b",                       /* zero-width space */
		"\xe2\x80\x8b" "1103\xe2\x80\x8c" "702071838",    /* ZWSP, ZWNJ */
		"\xef\xbb\xbf" "1103702071838",                    /* BOM */
		"\xe0\xb9\x91\xe0\xb9\x91\xe0\xb9\x90\xe0\xb9\x93\xe0\xb9\x97\xe0\xb9\x90"
		"\xe0\xb9\x92\xe0\xb9\x90\xe0\xb9\x97\xe0\xb9\x91\xe0\xb9\x98\xe0\xb9\x93"
		"\xe0\xb9\x98",                                    /* Thai digits */
		"\xef\xbc\x91\xef\xbc\x91\xef\xbc\x90\xef\xbc\x93\xef\xbc\x97\xef\xbc\x90"
		"\xef\xbc\x92\xef\xbc\x90\xef\xbc\x97\xef\xbc\x91\xef\xbc\x98\xef\xbc\x93"
		"\xef\xbc\x98",                                    /* full-width digits */
		"ID 1103702071838",
		"id:1103702071838",
		"ID: 1-1037-02071-83-8",
		"NID#1103702071838",
		"1.1037.02071.83.8",
		"1/1037/02071/83/8",
		"1\xe2\x80\x93" "1037\xe2\x80\x93" "02071\xe2\x80\x93" "83\xe2\x80\x93" "8", /* en dash */
		"\xc2\xa0" "1103702071838\t",                      /* no-break space, tab */
		"\xe0\xb9\x80\xe0\xb8\xa5\xe0\xb8\x82\xe0\xb8\x9a\xe0\xb8\xb1\xe0\xb8\x95"
		"\xe0\xb8\xa3\xe0\xb8\x9b\xe0\xb8\xa3\xe0\xb8\xb0\xe0\xb8\x8a\xe0\xb8\xb2"
		"\xe0\xb8\x8a\xe0\xb8\x99 1103702071838",         /* เลขบัตรประชาชน label */
	};
	char out[VALID_ID_BUF];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		memset(out, 0, sizeof(out));
		if (!valid_id_normalize(S(forms[i]), out))
			fail_msg("form %zu not recognised: %s", i, forms[i]);
		assert_string_equal(out, "1103702071838");
		assert_int_equal(valid_has_id(S(forms[i])), 1);
	}
}

/* Not IDs: a wrong check digit, 12 or 14 digits, other text around. */
static void test_id_not(void **state)
{
	static const char *const others[] = {
		"1103702071839",                  /* wrong check digit */
		"1-1037-02071-83-9",
		"110370207183",                   /* 12 digits */
		"11037020718380",                 /* 14 digits */
		"u-1103702071838",                /* a key that holds one is not one */
		"1103702071838x",
		"ID 1103702071838 (old)",
		"2025-03-01 10:00:00+07:00",
		"",
		"idid1103702071838",
	};
	char out[VALID_ID_BUF];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(others) / sizeof(others[0]); i++)
		if (valid_id_normalize(S(others[i]), out))
			fail_msg("%s taken for an ID", others[i]);
}

/* IDs inside free text, in any form; ordinary numbers are left alone. */
static void test_has_id(void **state)
{
	(void)state;
	assert_int_equal(valid_has_id(S("card 1-1037-02071-83-8 expired")), 1);
	assert_int_equal(valid_has_id(S("\xe0\xb8\x9a\xe0\xb8\xb1\xe0\xb8\x95\xe0\xb8\xa3"
					 "1103702071838\xe0\xb8\xab\xe0\xb8\xa1\xe0\xb8\x94")), 1);
	assert_int_equal(valid_has_id(S("user 12 1103702071838")), 1);   /* a group alone */
	assert_int_equal(valid_has_id(S("x1103702071838y")), 1);
	assert_int_equal(valid_has_id(S("ref 11037 0207 1838 ok")), 1);  /* groups 5+4+4 */
	assert_int_equal(valid_has_id(S("1103702071839")), 0);
	assert_int_equal(valid_has_id(S("timeout after 30000 ms on 2025-03-01 10:00:00")), 0);
	assert_int_equal(valid_has_id(S("11037020718380")), 0);          /* 14 digits */
	assert_int_equal(valid_has_id(S("e-2025-03-01-000123")), 0);
	assert_int_equal(valid_has_id(S("550e8400-e29b-41d4-a716-446655440000")), 0);
	assert_int_equal(valid_has_id(S("\xff\xfe" "1103702071838")), 1); /* bad UTF-8 before */
	assert_int_equal(valid_has_id("1103702071838", 12), 0);
}

static void test_redact(void **state)
{
	char *r;

	(void)state;
	r = valid_redact_ids(S("card 1-1037-02071-83-8 expired"));
	assert_string_equal(r, "card " VALID_ID_MASK " expired");
	free(r);
	r = valid_redact_ids(S("1103702071838,1103702071838"));
	assert_string_equal(r, VALID_ID_MASK "," VALID_ID_MASK);
	free(r);
	/* Two IDs sharing digits: both hidden, as one masked run. */
	r = valid_redact_ids(S("110370 2071838 000000 end"));  /* 6+7 and 7+6 */
	assert_string_equal(r, VALID_ID_MASK " end");
	free(r);
	r = valid_redact_ids(S("no id here, 1103702071839"));
	assert_string_equal(r, "no id here, 1103702071839");
	free(r);
	r = valid_redact_ids("ab\0c", 4);
	assert_memory_equal(r, "ab\0c", 5);
	free(r);
	r = valid_redact_ids("", 0);
	assert_string_equal(r, "");
	free(r);
}

static void test_chars_controls(void **state)
{
	(void)state;
	assert_int_equal(valid_chars(S("abc")), 3);
	assert_int_equal(valid_chars(S("\xe0\xb8\x81\xe0\xb8\x82")), 2);  /* กข */
	assert_int_equal(valid_chars(S("\xf0\x9f\x98\x80")), 1);
	assert_null(valid_no_controls(S("plain \xe0\xb8\x81"), 0));
	assert_non_null(valid_no_controls(S("a\tb"), 0));
	assert_null(valid_no_controls(S("a\tb\r\nc"), 1));
	assert_non_null(valid_no_controls(S("a\x1b[31mb"), 1));         /* ESC */
	assert_non_null(valid_no_controls(S("a\x7f"), 1));
	assert_non_null(valid_no_controls(S("a\xc2\x85"), 1));           /* U+0085 */
	assert_null(valid_no_controls(S("\xc2\xa0"), 0));                /* U+00A0 */
	assert_non_null(valid_no_controls("a\0", 2, 1));
}

static void test_future(void **state)
{
	/* 2025-03-01 00:00:00 UTC */
	const long long now = 1740787200LL;

	(void)state;
	assert_int_equal(valid_future("2025-03-01 00:00:00+00:00", now), 0);
	assert_int_equal(valid_future("2025-03-02 00:00:00+00:00", now), 0);  /* exactly a day */
	assert_int_equal(valid_future("2025-03-02 00:00:01+00:00", now), 1);
	assert_int_equal(valid_future("2025-03-02 07:00:01+07:00", now), 1);
	assert_int_equal(valid_future("2025-03-02 07:00:00.5+07:00", now), 0);
	assert_int_equal(valid_future("2025-03-01 23:00:00-02:00", now), 1);
	/* Without an offset: future only when ahead in the earliest zone, +14. */
	assert_int_equal(valid_future("2025-03-02 14:00:00", now), 0);
	assert_int_equal(valid_future("2025-03-02 14:00:01", now), 1);
	assert_int_equal(valid_future("2568-03-15 10:00:00", now), 1);
	assert_int_equal(valid_future("2024-12-31 23:59:59.123456", now), 0);
}

static void test_be_hint(void **state)
{
	char buf[96];

	(void)state;
	valid_be_hint(2568, buf, sizeof(buf));
	assert_string_equal(buf, "2568 looks like a Buddhist-era year: 2568 - 543 = 2025");
	valid_be_hint(2025, buf, sizeof(buf));
	assert_string_equal(buf, "");
	valid_be_hint(9999, buf, sizeof(buf));
	assert_string_equal(buf, "");
}

/* The schema's target checks name every KPI (a new KPI needs a migration). */
static void test_schema_kpis(void **state)
{
	const char *sql = sqlres_get("schema/007_channel_costs.sql");
	char quoted[80];
	int k;

	(void)state;
	assert_non_null(sql);
	for (k = 0; k < KPI_COUNT; k++) {
		snprintf(quoted, sizeof(quoted), "'%s'", kpi_defs[k].name);
		if (!strstr(sql, quoted))
			fail_msg("KPI %s missing from schema/007_channel_costs.sql (the newest kpi_targets_kpi)", kpi_defs[k].name);
	}
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
		cmocka_unit_test(test_id_forms),
		cmocka_unit_test(test_id_not),
		cmocka_unit_test(test_has_id),
		cmocka_unit_test(test_redact),
		cmocka_unit_test(test_chars_controls),
		cmocka_unit_test(test_future),
		cmocka_unit_test(test_be_hint),
		cmocka_unit_test(test_schema_kpis),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
