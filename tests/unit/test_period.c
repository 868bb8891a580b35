/* Unit tests for lib/period.c: civil dates, --period parsing, splitting,
 * previous/year-ago periods and human labels. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "period.h"
#include "status.h"

static struct civil_date mkdate(int y, int m, int d)
{
	struct civil_date r = { y, m, d };

	return r;
}

/* Asserts d is the ISO date iso. */
static void check_date(struct civil_date d, const char *iso)
{
	char buf[DATE_ISO_LEN];

	date_format_iso(d, buf);
	assert_string_equal(buf, iso);
}

static void check_period(const struct period *p, enum period_kind kind,
			 const char *start, const char *end, const char *label)
{
	assert_int_equal(p->kind, kind);
	check_date(p->start, start);
	check_date(p->end, end);
	assert_string_equal(p->label, label);
}

/* Parses text against today and checks the result. */
static void check_parse(const char *text, struct civil_date today,
			enum period_kind kind, const char *start, const char *end,
			const char *label)
{
	struct period p;
	char err[160] = "untouched";
	int rc = period_parse(text, today, &p, err, sizeof(err));

	if (rc != DK_OK)
		fail_msg("'%s' rejected: %s", text, err);
	assert_string_equal(err, "");
	check_period(&p, kind, start, end, label);
}

/* Parses text expecting DK_USAGE; returns the message. */
static const char *check_reject(const char *text)
{
	static char err[256];
	struct period p;
	int rc;

	memset(&p, 0x5a, sizeof(p));
	rc = period_parse(text, mkdate(2025, 6, 15), &p, err, sizeof(err));
	if (rc != DK_USAGE)
		fail_msg("'%s' accepted (rc %d, label %s)", text, rc, p.label);
	assert_non_null(strstr(err, "invalid period '"));
	assert_null(strchr(err, '\n'));
	/* *out untouched on failure */
	assert_int_equal(((unsigned char *)&p)[0], 0x5a);
	assert_int_equal(((unsigned char *)&p)[sizeof(p) - 1], 0x5a);
	return err;
}

static void test_days_in_month_and_valid(void **state)
{
	(void)state;
	assert_int_equal(date_days_in_month(2025, 1), 31);
	assert_int_equal(date_days_in_month(2025, 2), 28);
	assert_int_equal(date_days_in_month(2024, 2), 29);
	assert_int_equal(date_days_in_month(1900, 2), 28);
	assert_int_equal(date_days_in_month(2000, 2), 29);
	assert_int_equal(date_days_in_month(2100, 2), 28);
	assert_int_equal(date_days_in_month(2025, 4), 30);
	assert_int_equal(date_days_in_month(2025, 12), 31);
	assert_int_equal(date_days_in_month(2025, 0), 0);
	assert_int_equal(date_days_in_month(2025, 13), 0);

	assert_true(date_valid(mkdate(2024, 2, 29)));
	assert_true(date_valid(mkdate(2000, 2, 29)));
	assert_false(date_valid(mkdate(1900, 2, 29)));
	assert_false(date_valid(mkdate(2025, 2, 29)));
	assert_false(date_valid(mkdate(2025, 2, 30)));
	assert_false(date_valid(mkdate(2025, 4, 31)));
	assert_false(date_valid(mkdate(2025, 0, 1)));
	assert_false(date_valid(mkdate(2025, 13, 1)));
	assert_false(date_valid(mkdate(2025, 1, 0)));
	assert_false(date_valid(mkdate(0, 1, 1)));
	assert_false(date_valid(mkdate(10000, 1, 1)));
	assert_true(date_valid(mkdate(1, 1, 1)));
	assert_true(date_valid(mkdate(9999, 12, 31)));
}

static void test_days_known_values(void **state)
{
	(void)state;
	/* reference values from Python's datetime.date */
	assert_int_equal(date_to_days(mkdate(1970, 1, 1)), 0);
	assert_int_equal(date_to_days(mkdate(1969, 12, 31)), -1);
	assert_int_equal(date_to_days(mkdate(1, 1, 1)), -719162);
	assert_int_equal(date_to_days(mkdate(1900, 3, 1)), -25508);
	assert_int_equal(date_to_days(mkdate(2000, 3, 1)), 11017);
	assert_int_equal(date_to_days(mkdate(1600, 2, 29)), -135081);
	assert_int_equal(date_to_days(mkdate(2024, 10, 1)), 19997);
	assert_int_equal(date_to_days(mkdate(9999, 12, 31)), 2932896);
	check_date(date_from_days(0), "1970-01-01");
	check_date(date_from_days(-1), "1969-12-31");
	check_date(date_from_days(-719162), "0001-01-01");
	check_date(date_from_days(11017), "2000-03-01");
	check_date(date_from_days(11016), "2000-02-29");
	check_date(date_from_days(-25509), "1900-02-28");
	check_date(date_from_days(2932896), "9999-12-31");
}

/* Walks every day from 0001-01-01 to 9999-12-31 by hand and checks both
 * conversions against the walk (covers 1900, 2000 and every leap rule). */
static void test_days_round_trip(void **state)
{
	struct civil_date d = mkdate(1, 1, 1);
	long n = date_to_days(d);
	long count = 0;

	(void)state;
	for (;;) {
		struct civil_date back = date_from_days(n);

		if (date_to_days(d) != n || date_cmp(back, d) != 0)
			fail_msg("mismatch at %04d-%02d-%02d (day %ld)", d.year,
				 d.month, d.day, n);
		count++;
		if (d.year == 9999 && d.month == 12 && d.day == 31)
			break;
		if (++d.day > date_days_in_month(d.year, d.month)) {
			d.day = 1;
			if (++d.month > 12) {
				d.month = 1;
				d.year++;
			}
		}
		n++;
	}
	/* 9999 years of 365 days plus the leap days 2424 = 2499 - 99 + 24 */
	assert_int_equal(count, 9999L * 365 + 2424);
}

static void test_add_days(void **state)
{
	(void)state;
	check_date(date_add_days(mkdate(2024, 12, 31), 1), "2025-01-01");
	check_date(date_add_days(mkdate(2025, 3, 1), -1), "2025-02-28");
	check_date(date_add_days(mkdate(2024, 3, 1), -1), "2024-02-29");
	check_date(date_add_days(mkdate(1900, 2, 28), 1), "1900-03-01");
	check_date(date_add_days(mkdate(2000, 2, 28), 1), "2000-02-29");
	check_date(date_add_days(mkdate(2025, 1, 1), 365), "2026-01-01");
	check_date(date_add_days(mkdate(2024, 1, 1), 365), "2024-12-31");
	check_date(date_add_days(mkdate(2025, 6, 15), 0), "2025-06-15");
}

static void test_add_months(void **state)
{
	(void)state;
	check_date(date_add_months(mkdate(2024, 1, 31), 1), "2024-02-29");
	check_date(date_add_months(mkdate(2025, 1, 31), 1), "2025-02-28");
	check_date(date_add_months(mkdate(1900, 1, 31), 1), "1900-02-28");
	check_date(date_add_months(mkdate(2000, 1, 31), 1), "2000-02-29");
	check_date(date_add_months(mkdate(2025, 3, 31), -1), "2025-02-28");
	check_date(date_add_months(mkdate(2024, 3, 31), -1), "2024-02-29");
	check_date(date_add_months(mkdate(2025, 5, 31), 1), "2025-06-30");
	check_date(date_add_months(mkdate(2025, 12, 15), 1), "2026-01-15");
	check_date(date_add_months(mkdate(2025, 1, 15), -1), "2024-12-15");
	check_date(date_add_months(mkdate(2024, 2, 29), 12), "2025-02-28");
	check_date(date_add_months(mkdate(2024, 2, 29), -48), "2020-02-29");
	check_date(date_add_months(mkdate(2025, 8, 31), -6), "2025-02-28");
	check_date(date_add_months(mkdate(2025, 8, 31), 6), "2026-02-28");
	check_date(date_add_months(mkdate(2025, 3, 10), -27), "2022-12-10");
	check_date(date_add_months(mkdate(2025, 3, 10), 0), "2025-03-10");
}

static void test_cmp(void **state)
{
	(void)state;
	assert_true(date_cmp(mkdate(2025, 3, 1), mkdate(2025, 3, 2)) < 0);
	assert_true(date_cmp(mkdate(2025, 3, 2), mkdate(2025, 3, 1)) > 0);
	assert_true(date_cmp(mkdate(2024, 12, 31), mkdate(2025, 1, 1)) < 0);
	assert_true(date_cmp(mkdate(2025, 2, 28), mkdate(2025, 3, 1)) < 0);
	assert_int_equal(date_cmp(mkdate(2025, 3, 1), mkdate(2025, 3, 1)), 0);
}

static void test_parse_format_iso(void **state)
{
	static const char *const bad[] = {
		"2025-02-30", "2025-02-29", "1900-02-29", "2025-13-01", "2025-00-10",
		"2025-01-00", "2025-1-01", "2025-01-1", "2025-01-01 ", " 2025-01-01",
		"2025-01-01T00", "2025/01/01", "0000-01-01", "", "+025-01-01",
		"\xef\xbc\x92\xef\xbc\x90\xef\xbc\x92\xef\xbc\x95-01-01", /* full-width */
		"\xe0\xb9\x92\xe0\xb9\x95\xe0\xb9\x96\xe0\xb9\x98-01-01", /* Thai digits */
		"20250101", "2025-01-0a",
	};
	struct civil_date d = mkdate(7, 7, 7);
	char buf[DATE_ISO_LEN];
	size_t i;

	(void)state;
	assert_int_equal(date_parse_iso("2024-02-29", &d), 0);
	assert_int_equal(d.year, 2024);
	assert_int_equal(d.month, 2);
	assert_int_equal(d.day, 29);
	assert_int_equal(date_parse_iso("0001-01-01", &d), 0);
	check_date(d, "0001-01-01");
	assert_int_equal(date_parse_iso("9999-12-31", &d), 0);
	check_date(d, "9999-12-31");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (date_parse_iso(bad[i], &d) != -1)
			fail_msg("'%s' accepted", bad[i]);
		check_date(d, "9999-12-31");
	}
	assert_int_equal(date_parse_iso(NULL, &d), -1);

	date_format_iso(mkdate(2025, 3, 9), buf);
	assert_string_equal(buf, "2025-03-09");
	date_format_iso(mkdate(12345, 123, -4), buf);
	assert_string_equal(buf, "9999-99-00");
}

static void test_parse_forms(void **state)
{
	struct civil_date t = mkdate(2025, 6, 15);

	(void)state;
	check_parse("2025-03", t, PERIOD_MONTH, "2025-03-01", "2025-04-01", "2025-03");
	check_parse("2024-02", t, PERIOD_MONTH, "2024-02-01", "2024-03-01", "2024-02");
	check_parse("2025-02", t, PERIOD_MONTH, "2025-02-01", "2025-03-01", "2025-02");
	check_parse("2024-12", t, PERIOD_MONTH, "2024-12-01", "2025-01-01", "2024-12");
	check_parse("2025", t, PERIOD_YEAR, "2025-01-01", "2026-01-01", "2025");
	check_parse("0001", t, PERIOD_YEAR, "0001-01-01", "0002-01-01", "0001");
	check_parse("FY2568", t, PERIOD_FISCAL_YEAR, "2024-10-01", "2025-10-01", "FY2568");
	check_parse("FY2567", t, PERIOD_FISCAL_YEAR, "2023-10-01", "2024-10-01", "FY2567");
	check_parse("FY2400", t, PERIOD_FISCAL_YEAR, "1856-10-01", "1857-10-01", "FY2400");
	check_parse("FY2568-Q1", t, PERIOD_FISCAL_QUARTER, "2024-10-01", "2025-01-01",
		    "FY2568-Q1");
	check_parse("FY2568-Q2", t, PERIOD_FISCAL_QUARTER, "2025-01-01", "2025-04-01",
		    "FY2568-Q2");
	check_parse("FY2568-Q3", t, PERIOD_FISCAL_QUARTER, "2025-04-01", "2025-07-01",
		    "FY2568-Q3");
	check_parse("FY2568-Q4", t, PERIOD_FISCAL_QUARTER, "2025-07-01", "2025-10-01",
		    "FY2568-Q4");
	check_parse("fy2568-q1", t, PERIOD_FISCAL_QUARTER, "2024-10-01", "2025-01-01",
		    "FY2568-Q1");
	check_parse("Fy2568", t, PERIOD_FISCAL_YEAR, "2024-10-01", "2025-10-01", "FY2568");
	check_parse("2025-03-10..2025-03-20", t, PERIOD_RANGE, "2025-03-10",
		    "2025-03-20", "2025-03-10..2025-03-20");
	check_parse("2025-03-01..2025-03-02", t, PERIOD_RANGE, "2025-03-01",
		    "2025-03-02", "2025-03-01..2025-03-02");
	check_parse("2024-02-29..2025-03-01", t, PERIOD_RANGE, "2024-02-29",
		    "2025-03-01", "2024-02-29..2025-03-01");
	check_parse("2025-03-01..2025-04-02", t, PERIOD_RANGE, "2025-03-01",
		    "2025-04-02", "2025-03-01..2025-04-02");
	/* a typed range keeps its A..B label (SPEC section 3), even when it
	 * covers exactly a month or a fiscal year */
	check_parse("2025-03-01..2025-04-01", t, PERIOD_RANGE, "2025-03-01",
		    "2025-04-01", "2025-03-01..2025-04-01");
	check_parse("2024-10-01..2025-10-01", t, PERIOD_RANGE, "2024-10-01",
		    "2025-10-01", "2024-10-01..2025-10-01");
	/* the last C.E. years accepted: later ones are taken for B.E. */
	check_parse("2400-12-29..2400-12-30", t, PERIOD_RANGE, "2400-12-29",
		    "2400-12-30", "2400-12-29..2400-12-30");
	/* the end included may lead into 2401: it was not typed */
	check_parse("2400-12-30..=2400-12-31", t, PERIOD_RANGE, "2400-12-30",
		    "2401-01-01", "2400-12-30..2401-01-01");
	check_parse("2400-11", t, PERIOD_MONTH, "2400-11-01", "2400-12-01", "2400-11");
	check_parse("2400", t, PERIOD_YEAR, "2400-01-01", "2401-01-01", "2400");
	check_parse("FY9999", t, PERIOD_FISCAL_YEAR, "9455-10-01", "9456-10-01", "FY9999");
}

struct relative_case {
	struct civil_date today;
	const char *this_month[3], *last_month[3], *this_fy[3], *last_fy[3];
};

static void test_parse_relative(void **state)
{
	static const struct relative_case cases[] = {
		{ { 2025, 10, 1 },
		  { "2025-10-01", "2025-11-01", "2025-10" },
		  { "2025-09-01", "2025-10-01", "2025-09" },
		  { "2025-10-01", "2026-10-01", "FY2569" },
		  { "2024-10-01", "2025-10-01", "FY2568" } },
		{ { 2025, 9, 30 },
		  { "2025-09-01", "2025-10-01", "2025-09" },
		  { "2025-08-01", "2025-09-01", "2025-08" },
		  { "2024-10-01", "2025-10-01", "FY2568" },
		  { "2023-10-01", "2024-10-01", "FY2567" } },
		{ { 2025, 1, 1 },
		  { "2025-01-01", "2025-02-01", "2025-01" },
		  { "2024-12-01", "2025-01-01", "2024-12" },
		  { "2024-10-01", "2025-10-01", "FY2568" },
		  { "2023-10-01", "2024-10-01", "FY2567" } },
		{ { 2024, 12, 31 },
		  { "2024-12-01", "2025-01-01", "2024-12" },
		  { "2024-11-01", "2024-12-01", "2024-11" },
		  { "2024-10-01", "2025-10-01", "FY2568" },
		  { "2023-10-01", "2024-10-01", "FY2567" } },
		{ { 2024, 3, 31 },
		  { "2024-03-01", "2024-04-01", "2024-03" },
		  { "2024-02-01", "2024-03-01", "2024-02" },
		  { "2023-10-01", "2024-10-01", "FY2567" },
		  { "2022-10-01", "2023-10-01", "FY2566" } },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct relative_case *c = &cases[i];

		check_parse("this-month", c->today, PERIOD_MONTH, c->this_month[0],
			    c->this_month[1], c->this_month[2]);
		check_parse("last-month", c->today, PERIOD_MONTH, c->last_month[0],
			    c->last_month[1], c->last_month[2]);
		check_parse("this-fy", c->today, PERIOD_FISCAL_YEAR, c->this_fy[0],
			    c->this_fy[1], c->this_fy[2]);
		check_parse("last-fy", c->today, PERIOD_FISCAL_YEAR, c->last_fy[0],
			    c->last_fy[1], c->last_fy[2]);
	}
	check_parse("LAST-MONTH", mkdate(2025, 1, 1), PERIOD_MONTH, "2024-12-01",
		    "2025-01-01", "2024-12");
}

static void test_parse_relative_bad_today(void **state)
{
	struct period p;
	char err[128];

	(void)state;
	assert_int_equal(period_parse("this-month", mkdate(2025, 2, 30), &p, err,
				      sizeof(err)), DK_SOFTWARE);
	assert_string_equal(err, "cannot resolve period 'this-month': invalid current date");
	/* the first month has no last month inside the supported dates */
	assert_int_equal(period_parse("last-month", mkdate(1, 1, 5), &p, err,
				      sizeof(err)), DK_USAGE);
	/* today does not matter to an absolute form */
	assert_int_equal(period_parse("2025-03", mkdate(0, 0, 0), &p, err,
				      sizeof(err)), DK_OK);
	assert_string_equal(p.label, "2025-03");
}

static void test_parse_reject_messages(void **state)
{
	(void)state;
	assert_string_equal(check_reject("2025-13"),
			    "invalid period '2025-13': month must be 01-12");
	assert_string_equal(check_reject("2025-00"),
			    "invalid period '2025-00': month must be 01-12");
	assert_string_equal(check_reject("FY99"),
			    "invalid period 'FY99': fiscal years are buddhist era years, "
			    "e.g. FY2568 (b.e. = c.e. + 543)");
	/* a C.E. fiscal year gets its B.E. name (issue 10 item 17) */
	assert_string_equal(check_reject("FY2025"),
			    "invalid period 'FY2025': fiscal years are buddhist era years "
			    "(b.e. = c.e. + 543): for the year ending in september 2025 use "
			    "FY2568");
	assert_string_equal(check_reject("FY2025-q1"),
			    "invalid period 'FY2025-q1': fiscal years are buddhist era years "
			    "(b.e. = c.e. + 543): for the year ending in september 2025 use "
			    "FY2568-Q1");
	assert_string_equal(check_reject("FY2399"),
			    "invalid period 'FY2399': fiscal years are buddhist era years "
			    "(b.e. = c.e. + 543): for the year ending in september 2399 use "
			    "FY2942");
	assert_string_equal(check_reject("FY1856"),
			    "invalid period 'FY1856': fiscal years are buddhist era years, "
			    "e.g. FY2568 (b.e. = c.e. + 543)");
	/* a year above 2400 is a B.E. year typed for C.E. (issue 10 item 17) */
	assert_string_equal(check_reject("2568-03"),
			    "invalid period '2568-03': 2568 looks like a buddhist era year: "
			    "periods take c.e. years (b.e. - 543), so 2025-03; only FY takes "
			    "b.e. years, as in FY2568");
	assert_string_equal(check_reject("2568"),
			    "invalid period '2568': 2568 looks like a buddhist era year: "
			    "periods take c.e. years (b.e. - 543), so 2025; only FY takes "
			    "b.e. years, as in FY2568");
	assert_string_equal(check_reject("2568-03-01..2568-04-01"),
			    "invalid period '2568-03-01..2568-04-01': 2568 looks like a "
			    "buddhist era year: periods take c.e. years (b.e. - 543), so "
			    "2025-03-01..2025-04-01; only FY takes b.e. years, as in FY2568");
	assert_string_equal(check_reject("2025-03-01..2568-04-01"),
			    "invalid period '2025-03-01..2568-04-01': 2568 looks like a "
			    "buddhist era year: periods take c.e. years (b.e. - 543), so "
			    "2025-03-01..2025-04-01; only FY takes b.e. years, as in FY2568");
	/* 29 Feb 2567 B.E. is no date, its C.E. year 2024 has one */
	assert_string_equal(check_reject("2567-02-29..2567-03-01"),
			    "invalid period '2567-02-29..2567-03-01': 2567 looks like a "
			    "buddhist era year: periods take c.e. years (b.e. - 543), so "
			    "2024-02-29..2024-03-01; only FY takes b.e. years, as in FY2567");
	assert_string_equal(check_reject("2568-03-15"),
			    "invalid period '2568-03-15': 2568 looks like a buddhist era year: "
			    "periods take c.e. years (b.e. - 543), so 2025-03-15; only FY takes "
			    "b.e. years, as in FY2568");
	assert_string_equal(check_reject("2401"),
			    "invalid period '2401': 2401 looks like a buddhist era year: "
			    "periods take c.e. years (b.e. - 543), so 1858; only FY takes "
			    "b.e. years, as in FY2401");
	assert_string_equal(check_reject("FY2568-Q5"),
			    "invalid period 'FY2568-Q5': quarter must be Q1-Q4");
	assert_string_equal(check_reject("FY2568-Q0"),
			    "invalid period 'FY2568-Q0': quarter must be Q1-Q4");
	assert_string_equal(check_reject("2025-02-30..2025-03-01"),
			    "invalid period '2025-02-30..2025-03-01': start date "
			    "2025-02-30 does not exist");
	assert_string_equal(check_reject("2025-03-01..2025-02-29"),
			    "invalid period '2025-03-01..2025-02-29': end date "
			    "2025-02-29 does not exist");
	assert_string_equal(check_reject("2025-04-01..2025-03-01"),
			    "invalid period '2025-04-01..2025-03-01': end must be after "
			    "start (the end is exclusive)");
	assert_string_equal(check_reject("2025-03-01..2025-03-01"),
			    "invalid period '2025-03-01..2025-03-01': end must be after "
			    "start (the end is exclusive); for that one day write "
			    "2025-03-01..=2025-03-01");
	assert_string_equal(check_reject("2025-03-01.."),
			    "invalid period '2025-03-01..': end is not a date in the "
			    "form YYYY-MM-DD");
	assert_string_equal(check_reject("2025-3-1..2025-04-01"),
			    "invalid period '2025-3-1..2025-04-01': start is not a date "
			    "in the form YYYY-MM-DD");
	assert_string_equal(check_reject("2025-03-01"),
			    "invalid period '2025-03-01': a single date is not a period; "
			    "for that one day use 2025-03-01..=2025-03-01");
	assert_string_equal(check_reject("2025-02-30"),
			    "invalid period '2025-02-30': date 2025-02-30 does not exist");
	assert_string_equal(check_reject("9999"),
			    "invalid period '9999': year 9999 is out of range (a year above "
			    "2400 is taken for a buddhist era year typed by mistake)");
	assert_string_equal(check_reject("9999-12-30..9999-12-31"),
			    "invalid period '9999-12-30..9999-12-31': year 9999 is out of "
			    "range (a year above 2400 is taken for a buddhist era year typed "
			    "by mistake)");
	assert_string_equal(check_reject("2025x"),
			    "invalid period '2025x': unrecognised form");
	assert_string_equal(check_reject("FY"),
			    "invalid period 'FY': expected a fiscal year after FY, "
			    "e.g. FY2568");
	assert_string_equal(check_reject(""), "invalid period '': empty");
	/* control bytes are not echoed, long text is cut */
	assert_string_equal(check_reject("last-month\n"),
			    "invalid period 'last-month?': unrecognised form");
	assert_string_equal(check_reject("x123456789012345678901234567890123456789"
					 "01234567890123456789"),
			    "invalid period 'x1234567890123456789012345678901234567890"
			    "123456...': unrecognised form");
}

static void test_parse_reject_all(void **state)
{
	static const char *const bad[] = {
		"2025-13", "2025-00", "2025-3", "2025-003", "2025-03 ", " 2025-03",
		"2025-03x", "2025x", "20250", "025", "+2025", "-2025", "0000",
		"0000-12", "9999", "9999-12", "2025-", "2025-03-",
		"\xe0\xb9\x92\xe0\xb9\x95\xe0\xb9\x96\xe0\xb9\x98",      /* Thai digits */
		"\xef\xbc\x92\xef\xbc\x90\xef\xbc\x92\xef\xbc\x95",      /* full-width */
		"2025-\xe0\xb9\x90\xe0\xb9\x93",
		"FY\xe0\xb9\x92\xe0\xb9\x95\xe0\xb9\x96\xe0\xb9\x98",
		"FY99", "FY0", "FY2399", "FY", "FY-Q1", "FY2568-Q5", "FY2568-Q0",
		"FY2568-Q", "FY2568-Q12", "FY2568-Q1x", "FY2568x", "FY2568-",
		"FY2568 ", "FY 2568", "FY2568-1", "FY99999", "FY1234567", "F2568",
		"FY2568..FY2569",
		"2025-02-30..2025-03-01", "2025-03-01..2025-02-30",
		"2025-04-01..2025-03-01", "2025-03-01..2025-03-01",
		"2025-03-01..", "..2025-03-01", "..", "2025-03-01...2025-04-01",
		"2025-03-01..2025-04-01x", "2025-03-01..2025-04-01..2025-05-01",
		"2025-03-01 ..2025-04-01", "2025-03..2025-04",
		"2025-03-01..9999-12-32", "0000-12-31..0001-01-02",
		"2025-03-01", "2025-02-30",
		/* ends people confuse, and other separators */
		"2025-03-01..2025-03-31", "2025-02-01..2025-02-28",
		"2024-02-01..2024-02-29", "2025-04-01..2025-04-30",
		"2025-03-15..2025-04-30", "2025-03-30..2025-03-31",
		"2025-03-01..=2025-04-01", "2025-01-01..=2026-01-01",
		"2025-03-01..=2025-02-28", "2025-03-01..=", "..=2025-03-01",
		"2025-03-01..==2025-03-05", "2025-03-01..=2025-03-05x",
		"2025-03-01..=9999-12-31", "2568-03-01..=2568-03-05",
		"2025-03-01 - 2025-03-31", "2025-03-01/2025-03-31",
		"2025-03-01 to 2025-03-31", "2025-03-01-2025-03-31",
		/* weeks */
		"2025-W53", "2025-W00", "2025-W1", "2025-W100", "2025-W10x",
		"2025W10", "2025-W", "2568-W10", "0000-W01", "9999-W52",
		"2025-W10..2025-W12",
		"2568-03", "2568", "2568-03-01..2568-04-01", "2401-01", "3111-03",
		"2400-12-01..2401-01-01", "FY2025", "FY2025-Q1",
		"next-month", "this-month ", "this-monthx", "this-fyx", "last-year",
		"this_month", "last-month\n", "month", "",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		check_reject(bad[i]);
}

static void test_parse_small_err_buffer(void **state)
{
	struct period p;
	char err[12];

	(void)state;
	memset(err, 'x', sizeof(err));
	assert_int_equal(period_parse("2025-13", mkdate(2025, 1, 1), &p, err, 8),
			 DK_USAGE);
	assert_string_equal(err, "invalid");
	assert_int_equal(err[8], 'x');
	assert_int_equal(period_parse("2025-13", mkdate(2025, 1, 1), &p, NULL, 0),
			 DK_USAGE);
	assert_int_equal(period_parse(NULL, mkdate(2025, 1, 1), &p, err, sizeof(err)),
			 DK_USAGE);
}

static void test_forms_help(void **state)
{
	static const char *const forms[] = {
		"2025-03", "2025", "FY2568", "FY2568-Q1", "2025-03-01..2025-04-01",
		"this-month", "last-month", "this-fy", "last-fy",
	};
	const char *h = period_forms_help();
	size_t i;

	(void)state;
	assert_non_null(h);
	assert_null(strchr(h, '\n'));
	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++)
		assert_non_null(strstr(h, forms[i]));
}

static void test_constructors(void **state)
{
	struct period p;

	(void)state;
	p = period_month(2025, 13);
	check_period(&p, PERIOD_MONTH, "2026-01-01", "2026-02-01", "2026-01");
	p = period_month(2025, 0);
	check_period(&p, PERIOD_MONTH, "2024-12-01", "2025-01-01", "2024-12");
	p = period_year(2024);
	check_period(&p, PERIOD_YEAR, "2024-01-01", "2025-01-01", "2024");
	p = period_fiscal_year(2568);
	check_period(&p, PERIOD_FISCAL_YEAR, "2024-10-01", "2025-10-01", "FY2568");
	p = period_fiscal_quarter(2568, 0);
	check_period(&p, PERIOD_FISCAL_QUARTER, "2024-07-01", "2024-10-01", "FY2567-Q4");
	p = period_fiscal_quarter(2568, 5);
	check_period(&p, PERIOD_FISCAL_QUARTER, "2025-10-01", "2026-01-01", "FY2569-Q1");
	p = period_range(mkdate(2025, 3, 5), mkdate(2025, 3, 6));
	check_period(&p, PERIOD_RANGE, "2025-03-05", "2025-03-06",
		     "2025-03-05..2025-03-06");
	/* two months are not a quarter unless they are one */
	p = period_range(mkdate(2025, 2, 1), mkdate(2025, 5, 1));
	check_period(&p, PERIOD_RANGE, "2025-02-01", "2025-05-01",
		     "2025-02-01..2025-05-01");
	p = period_range(mkdate(2025, 7, 1), mkdate(2025, 10, 1));
	check_period(&p, PERIOD_FISCAL_QUARTER, "2025-07-01", "2025-10-01", "FY2568-Q4");
	p = period_range(mkdate(2024, 10, 1), mkdate(2025, 1, 1));
	check_period(&p, PERIOD_FISCAL_QUARTER, "2024-10-01", "2025-01-01", "FY2568-Q1");

	assert_true(period_valid(&p));
	p.end = p.start;
	assert_false(period_valid(&p));
	assert_false(period_valid(NULL));
}

static void test_fiscal_year_of(void **state)
{
	(void)state;
	assert_int_equal(period_fiscal_year_of(mkdate(2024, 10, 1)), 2568);
	assert_int_equal(period_fiscal_year_of(mkdate(2024, 9, 30)), 2567);
	assert_int_equal(period_fiscal_year_of(mkdate(2025, 1, 1)), 2568);
	assert_int_equal(period_fiscal_year_of(mkdate(2025, 9, 30)), 2568);
	assert_int_equal(period_fiscal_year_of(mkdate(2025, 10, 1)), 2569);
	assert_int_equal(period_fiscal_year_of(mkdate(2024, 12, 31)), 2568);
}

static void test_split_fy_by_month(void **state)
{
	static const char *const labels[12] = {
		"2024-10", "2024-11", "2024-12", "2025-01", "2025-02", "2025-03",
		"2025-04", "2025-05", "2025-06", "2025-07", "2025-08", "2025-09",
	};
	struct period fy = period_fiscal_year(2568);
	struct period *s = NULL;
	size_t n = 99, i;

	(void)state;
	assert_int_equal(period_split(&fy, INTERVAL_MONTH, &s, &n), DK_OK);
	assert_int_equal(n, 12);
	for (i = 0; i < n; i++) {
		assert_int_equal(s[i].kind, PERIOD_MONTH);
		assert_string_equal(s[i].label, labels[i]);
		assert_int_equal(s[i].start.day, 1);
		assert_int_equal(s[i].end.day, 1);
		if (i > 0)
			assert_int_equal(date_cmp(s[i - 1].end, s[i].start), 0);
	}
	check_date(s[0].start, "2024-10-01");
	check_date(s[4].end, "2025-03-01");
	check_date(s[11].end, "2025-10-01");
	free(s);
}

static void test_split_by_quarter(void **state)
{
	struct period fy = period_fiscal_year(2568);
	struct period year = period_year(2025);
	struct period *s = NULL;
	size_t n = 0;

	(void)state;
	assert_int_equal(period_split(&fy, INTERVAL_QUARTER, &s, &n), DK_OK);
	assert_int_equal(n, 4);
	check_period(&s[0], PERIOD_FISCAL_QUARTER, "2024-10-01", "2025-01-01", "FY2568-Q1");
	check_period(&s[1], PERIOD_FISCAL_QUARTER, "2025-01-01", "2025-04-01", "FY2568-Q2");
	check_period(&s[2], PERIOD_FISCAL_QUARTER, "2025-04-01", "2025-07-01", "FY2568-Q3");
	check_period(&s[3], PERIOD_FISCAL_QUARTER, "2025-07-01", "2025-10-01", "FY2568-Q4");
	free(s);

	/* a calendar year straddles two fiscal years */
	assert_int_equal(period_split(&year, INTERVAL_QUARTER, &s, &n), DK_OK);
	assert_int_equal(n, 4);
	assert_string_equal(s[0].label, "FY2568-Q2");
	assert_string_equal(s[1].label, "FY2568-Q3");
	assert_string_equal(s[2].label, "FY2568-Q4");
	check_period(&s[3], PERIOD_FISCAL_QUARTER, "2025-10-01", "2026-01-01", "FY2569-Q1");
	free(s);
}

static void test_split_clipped(void **state)
{
	struct period r = period_range(mkdate(2025, 1, 15), mkdate(2025, 4, 10));
	struct period m = period_month(2025, 3);
	struct period one = period_range(mkdate(2025, 3, 5), mkdate(2025, 3, 6));
	struct period *s = NULL;
	size_t n = 0;

	(void)state;
	assert_int_equal(period_split(&r, INTERVAL_MONTH, &s, &n), DK_OK);
	assert_int_equal(n, 4);
	check_period(&s[0], PERIOD_RANGE, "2025-01-15", "2025-02-01",
		     "2025-01-15..2025-02-01");
	check_period(&s[1], PERIOD_MONTH, "2025-02-01", "2025-03-01", "2025-02");
	check_period(&s[2], PERIOD_MONTH, "2025-03-01", "2025-04-01", "2025-03");
	check_period(&s[3], PERIOD_RANGE, "2025-04-01", "2025-04-10",
		     "2025-04-01..2025-04-10");
	free(s);

	assert_int_equal(period_split(&r, INTERVAL_QUARTER, &s, &n), DK_OK);
	assert_int_equal(n, 2);
	check_period(&s[0], PERIOD_RANGE, "2025-01-15", "2025-04-01",
		     "2025-01-15..2025-04-01");
	check_period(&s[1], PERIOD_RANGE, "2025-04-01", "2025-04-10",
		     "2025-04-01..2025-04-10");
	free(s);

	/* a month split by quarter is one piece, still the month */
	assert_int_equal(period_split(&m, INTERVAL_QUARTER, &s, &n), DK_OK);
	assert_int_equal(n, 1);
	check_period(&s[0], PERIOD_MONTH, "2025-03-01", "2025-04-01", "2025-03");
	free(s);

	assert_int_equal(period_split(&one, INTERVAL_MONTH, &s, &n), DK_OK);
	assert_int_equal(n, 1);
	check_period(&s[0], PERIOD_RANGE, "2025-03-05", "2025-03-06",
		     "2025-03-05..2025-03-06");
	free(s);

	assert_int_equal(period_split(&r, INTERVAL_NONE, &s, &n), DK_OK);
	assert_int_equal(n, 1);
	check_period(&s[0], PERIOD_RANGE, "2025-01-15", "2025-04-10",
		     "2025-01-15..2025-04-10");
	free(s);
}

static void test_split_invalid(void **state)
{
	struct period bad = period_range(mkdate(2025, 4, 1), mkdate(2025, 3, 1));
	struct period *s = (struct period *)&bad;
	size_t n = 5;

	(void)state;
	assert_int_equal(period_split(&bad, INTERVAL_MONTH, &s, &n), DK_SOFTWARE);
	assert_null(s);
	assert_int_equal(n, 0);
	assert_int_equal(period_split(NULL, INTERVAL_MONTH, &s, &n), DK_SOFTWARE);
}

static void test_previous(void **state)
{
	struct period p, q;

	(void)state;
	p = period_month(2025, 1);
	q = period_previous(&p);
	check_period(&q, PERIOD_MONTH, "2024-12-01", "2025-01-01", "2024-12");
	p = period_month(2024, 3);
	q = period_previous(&p);
	check_period(&q, PERIOD_MONTH, "2024-02-01", "2024-03-01", "2024-02");
	p = period_year(2025);
	q = period_previous(&p);
	check_period(&q, PERIOD_YEAR, "2024-01-01", "2025-01-01", "2024");
	p = period_fiscal_year(2568);
	q = period_previous(&p);
	check_period(&q, PERIOD_FISCAL_YEAR, "2023-10-01", "2024-10-01", "FY2567");
	p = period_fiscal_quarter(2568, 1);
	q = period_previous(&p);
	check_period(&q, PERIOD_FISCAL_QUARTER, "2024-07-01", "2024-10-01", "FY2567-Q4");
	p = period_fiscal_quarter(2568, 2);
	q = period_previous(&p);
	check_period(&q, PERIOD_FISCAL_QUARTER, "2024-10-01", "2025-01-01", "FY2568-Q1");
	p = period_range(mkdate(2025, 3, 10), mkdate(2025, 3, 20));
	q = period_previous(&p);
	check_period(&q, PERIOD_RANGE, "2025-02-28", "2025-03-10",
		     "2025-02-28..2025-03-10");
	/* 31 days ending on 1 April is March, and is labelled so */
	p = period_range(mkdate(2025, 4, 1), mkdate(2025, 5, 2));
	q = period_previous(&p);
	check_period(&q, PERIOD_MONTH, "2025-03-01", "2025-04-01", "2025-03");
	/* nothing before year 1 */
	p = period_month(1, 1);
	q = period_previous(&p);
	assert_false(period_valid(&q));
}

static void test_year_ago(void **state)
{
	struct period p, q;

	(void)state;
	p = period_month(2025, 3);
	q = period_year_ago(&p);
	check_period(&q, PERIOD_MONTH, "2024-03-01", "2024-04-01", "2024-03");
	p = period_month(2024, 2);
	q = period_year_ago(&p);
	check_period(&q, PERIOD_MONTH, "2023-02-01", "2023-03-01", "2023-02");
	p = period_year(2025);
	q = period_year_ago(&p);
	check_period(&q, PERIOD_YEAR, "2024-01-01", "2025-01-01", "2024");
	p = period_fiscal_year(2568);
	q = period_year_ago(&p);
	check_period(&q, PERIOD_FISCAL_YEAR, "2023-10-01", "2024-10-01", "FY2567");
	p = period_fiscal_quarter(2568, 1);
	q = period_year_ago(&p);
	check_period(&q, PERIOD_FISCAL_QUARTER, "2023-10-01", "2024-01-01", "FY2567-Q1");
	p = period_fiscal_quarter(2568, 4);
	q = period_year_ago(&p);
	check_period(&q, PERIOD_FISCAL_QUARTER, "2024-07-01", "2024-10-01", "FY2567-Q4");
	p = period_range(mkdate(2025, 3, 10), mkdate(2025, 3, 20));
	q = period_year_ago(&p);
	check_period(&q, PERIOD_RANGE, "2024-03-10", "2024-03-20",
		     "2024-03-10..2024-03-20");
	p = period_range(mkdate(2024, 2, 29), mkdate(2024, 3, 10));
	q = period_year_ago(&p);
	check_period(&q, PERIOD_RANGE, "2023-02-28", "2023-03-10",
		     "2023-02-28..2023-03-10");
	/* both ends clamp to 28 Feb: the range keeps one day */
	p = period_range(mkdate(2024, 2, 28), mkdate(2024, 2, 29));
	q = period_year_ago(&p);
	check_period(&q, PERIOD_RANGE, "2023-02-28", "2023-03-01",
		     "2023-02-28..2023-03-01");
}

static void check_human(const struct period *p, const char *th, const char *en)
{
	char buf[PERIOD_HUMAN_LEN];

	period_label_human(p, 1, buf, sizeof(buf));
	assert_string_equal(buf, th);
	period_label_human(p, 0, buf, sizeof(buf));
	assert_string_equal(buf, en);
}

static void test_labels_human(void **state)
{
	struct period p;

	(void)state;
	p = period_month(2025, 3);
	check_human(&p, "มีนาคม 2568", "March 2025");
	p = period_month(2024, 10);
	check_human(&p, "ตุลาคม 2567", "October 2024");
	p = period_year(2025);
	check_human(&p, "พ.ศ. 2568", "2025");
	p = period_fiscal_year(2568);
	check_human(&p, "ปีงบประมาณ 2568", "FY2568 (Oct 2024 – Sep 2025)");
	p = period_fiscal_quarter(2568, 1);
	check_human(&p, "ไตรมาส 1 ปีงบประมาณ 2568", "FY2568 Q1 (Oct – Dec 2024)");
	p = period_fiscal_quarter(2568, 2);
	check_human(&p, "ไตรมาส 2 ปีงบประมาณ 2568", "FY2568 Q2 (Jan – Mar 2025)");
	p = period_fiscal_quarter(2568, 3);
	check_human(&p, "ไตรมาส 3 ปีงบประมาณ 2568", "FY2568 Q3 (Apr – Jun 2025)");
	p = period_fiscal_quarter(2568, 4);
	check_human(&p, "ไตรมาส 4 ปีงบประมาณ 2568", "FY2568 Q4 (Jul – Sep 2025)");
	/* a struct built by hand as a range shows its last day */
	memset(&p, 0, sizeof(p));
	p.kind = PERIOD_RANGE;
	p.start = mkdate(2025, 3, 1);
	p.end = mkdate(2025, 4, 1);
	check_human(&p, "1 มี.ค. 2568 – 31 มี.ค. 2568", "1 Mar 2025 – 31 Mar 2025");
	p = period_range(mkdate(2024, 12, 25), mkdate(2025, 1, 6));
	check_human(&p, "25 ธ.ค. 2567 – 5 ม.ค. 2568", "25 Dec 2024 – 5 Jan 2025");
}

static void test_labels_bytes(void **state)
{
	struct period p = period_month(2025, 3);
	char buf[PERIOD_HUMAN_LEN];

	(void)state;
	/* independent of the source file's encoding */
	period_label_human(&p, 1, buf, sizeof(buf));
	assert_string_equal(buf, "\xe0\xb8\xa1\xe0\xb8\xb5\xe0\xb8\x99\xe0\xb8\xb2"
			    "\xe0\xb8\x84\xe0\xb8\xa1 2568");
	p = period_fiscal_year(2568);
	period_label_human(&p, 0, buf, sizeof(buf));
	assert_string_equal(buf, "FY2568 (Oct 2024 \xe2\x80\x93 Sep 2025)");
}

static void test_labels_truncate(void **state)
{
	struct period p = period_month(2025, 3);
	char buf[16];

	(void)state;
	/* "มีนาคม" is 3 bytes a character: 4 bytes hold only "ม" */
	memset(buf, 'x', sizeof(buf));
	period_label_human(&p, 1, buf, 5);
	assert_string_equal(buf, "\xe0\xb8\xa1");
	assert_int_equal(buf[5], 'x');
	period_label_human(&p, 1, buf, 1);
	assert_string_equal(buf, "");
	memset(buf, 'x', sizeof(buf));
	period_label_human(&p, 1, buf, 0);
	assert_int_equal(buf[0], 'x');
	period_label_human(&p, 0, buf, 6);
	assert_string_equal(buf, "March");
	period_month_short(2025, 3, 1, buf, 4);
	assert_string_equal(buf, "\xe0\xb8\xa1");
}

static void test_month_short(void **state)
{
	char buf[PERIOD_HUMAN_LEN];

	(void)state;
	period_month_short(2025, 3, 1, buf, sizeof(buf));
	assert_string_equal(buf, "มี.ค. 68");
	period_month_short(2025, 3, 0, buf, sizeof(buf));
	assert_string_equal(buf, "Mar 25");
	period_month_short(2024, 10, 1, buf, sizeof(buf));
	assert_string_equal(buf, "ต.ค. 67");
	period_month_short(2000, 1, 0, buf, sizeof(buf));
	assert_string_equal(buf, "Jan 00");
	period_month_short(2000, 1, 1, buf, sizeof(buf));
	assert_string_equal(buf, "ม.ค. 43");
	period_month_short(1957, 12, 1, buf, sizeof(buf));
	assert_string_equal(buf, "ธ.ค. 00");
	period_month_short(2025, 13, 0, buf, sizeof(buf));
	assert_string_equal(buf, "?");
}

static void test_month_names(void **state)
{
	static const char *const th[12] = {
		"มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
		"กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม"
	};
	static const char *const th_abbr[12] = {
		"ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
		"ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค."
	};
	static const char *const en[12] = {
		"January", "February", "March", "April", "May", "June", "July",
		"August", "September", "October", "November", "December"
	};
	static const char *const en_abbr[12] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun",
		"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
	};
	int m;

	(void)state;
	for (m = 1; m <= 12; m++) {
		assert_string_equal(period_month_name(m, 1, 0), th[m - 1]);
		assert_string_equal(period_month_name(m, 1, 1), th_abbr[m - 1]);
		assert_string_equal(period_month_name(m, 0, 0), en[m - 1]);
		assert_string_equal(period_month_name(m, 0, 1), en_abbr[m - 1]);
	}
	assert_null(period_month_name(0, 1, 0));
	assert_null(period_month_name(13, 0, 1));
}

/* Human labels of a split FY: the trend axis of the monthly report. */
static void test_split_labels_human(void **state)
{
	struct period fy = period_fiscal_year(2568);
	struct period *s = NULL;
	char buf[PERIOD_HUMAN_LEN];
	size_t n = 0;

	(void)state;
	assert_int_equal(period_split(&fy, INTERVAL_MONTH, &s, &n), DK_OK);
	assert_int_equal(n, 12);
	period_label_human(&s[0], 1, buf, sizeof(buf));
	assert_string_equal(buf, "ตุลาคม 2567");
	period_label_human(&s[11], 1, buf, sizeof(buf));
	assert_string_equal(buf, "กันยายน 2568");
	period_label_human(&s[4], 0, buf, sizeof(buf));
	assert_string_equal(buf, "February 2025");
	free(s);
}

/* period_tz_check(): the POSIX sign trap (issue 10 item 17). */
static void check_tz(const char *tz, int want, const char *err_part, const char *hint_part)
{
	char err[256], hint[256];

	assert_int_equal(period_tz_check(tz, err, sizeof(err), hint, sizeof(hint)), want);
	if (want == DK_OK) {
		assert_string_equal(err, "");
		assert_string_equal(hint, "");
		return;
	}
	if (!strstr(err, err_part))
		fail_msg("%s: '%s' lacks '%s'", tz, err, err_part);
	if (!strstr(hint, hint_part))
		fail_msg("%s: '%s' lacks '%s'", tz, hint, hint_part);
}

static void test_weekday_iso_week(void **state)
{
	static const struct {
		int y, m, d, wd, iy, w;
	} cases[] = {
		{ 1970, 1, 1, 4, 1970, 1 },
		{ 2025, 3, 10, 1, 2025, 11 },
		{ 2025, 3, 9, 7, 2025, 10 },
		{ 2025, 3, 3, 1, 2025, 10 },
		{ 2024, 12, 29, 7, 2024, 52 },
		{ 2024, 12, 30, 1, 2025, 1 },   /* week 1 of 2025 begins in 2024 */
		{ 2025, 1, 5, 7, 2025, 1 },
		{ 2021, 1, 3, 7, 2020, 53 },    /* a January day in last year's W53 */
		{ 2020, 12, 31, 4, 2020, 53 },
		{ 2026, 12, 31, 4, 2026, 53 },
		{ 2027, 1, 3, 7, 2026, 53 },
		{ 2027, 1, 4, 1, 2027, 1 },
		{ 2008, 12, 29, 1, 2009, 1 },
		{ 2010, 1, 3, 7, 2009, 53 },
		{ 2024, 10, 1, 2, 2024, 40 },   /* FY2568 begins on a Tuesday */
		{ 2025, 9, 30, 2, 2025, 40 },
		{ 1, 1, 1, 1, 1, 1 },
		{ 9999, 12, 31, 5, 9999, 52 },
	};
	size_t i;
	int y, w;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct civil_date d = mkdate(cases[i].y, cases[i].m, cases[i].d);

		assert_int_equal(date_weekday(d), cases[i].wd);
		date_iso_week(d, &y, &w);
		if (y != cases[i].iy || w != cases[i].w)
			fail_msg("%04d-%02d-%02d: %d-W%02d, expected %d-W%02d", d.year, d.month,
				 d.day, y, w, cases[i].iy, cases[i].w);
	}
	date_iso_week(mkdate(2025, 1, 1), NULL, NULL);
	assert_int_equal(date_iso_weeks_in_year(2020), 53);
	assert_int_equal(date_iso_weeks_in_year(2026), 53);
	assert_int_equal(date_iso_weeks_in_year(2015), 53);
	assert_int_equal(date_iso_weeks_in_year(2004), 53);
	assert_int_equal(date_iso_weeks_in_year(2024), 52);
	assert_int_equal(date_iso_weeks_in_year(2025), 52);
	check_date(date_iso_week_start(2025, 1), "2024-12-30");
	check_date(date_iso_week_start(2025, 10), "2025-03-03");
	check_date(date_iso_week_start(2020, 53), "2020-12-28");
	check_date(date_iso_week_start(2026, 1), "2025-12-29");
}

/* Every day of 1990-2040: its week starts on the Monday before it, holds
 * it, and weeks follow each other without gaps. */
static void test_iso_week_round_trip(void **state)
{
	long d0 = date_to_days(mkdate(1990, 1, 1)), d1 = date_to_days(mkdate(2041, 1, 1));
	int prev_y = 0, prev_w = 0;
	long x;

	(void)state;
	for (x = d0; x < d1; x++) {
		struct civil_date d = date_from_days(x);
		struct civil_date mon;
		int y, w;

		date_iso_week(d, &y, &w);
		mon = date_iso_week_start(y, w);
		assert_int_equal(date_weekday(mon), 1);
		assert_true(x - date_to_days(mon) >= 0 && x - date_to_days(mon) < 7);
		assert_int_equal(x - date_to_days(mon), date_weekday(d) - 1);
		assert_true(w >= 1 && w <= date_iso_weeks_in_year(y));
		if (date_weekday(d) == 1 && x > d0)
			assert_true((y == prev_y && w == prev_w + 1) ||
				    (y == prev_y + 1 && w == 1 &&
				     prev_w == date_iso_weeks_in_year(prev_y)));
		prev_y = y;
		prev_w = w;
	}
}

static void test_parse_weeks(void **state)
{
	struct civil_date t = mkdate(2025, 6, 15);

	(void)state;
	check_parse("2025-W10", t, PERIOD_WEEK, "2025-03-03", "2025-03-10", "2025-W10");
	check_parse("2025-w01", t, PERIOD_WEEK, "2024-12-30", "2025-01-06", "2025-W01");
	check_parse("2020-W53", t, PERIOD_WEEK, "2020-12-28", "2021-01-04", "2020-W53");
	check_parse("2025-W52", t, PERIOD_WEEK, "2025-12-22", "2025-12-29", "2025-W52");
	assert_string_equal(check_reject("2025-W53"),
			    "invalid period '2025-W53': iso year 2025 has weeks W01-W52");
	assert_string_equal(check_reject("2025-W00"),
			    "invalid period '2025-W00': iso year 2025 has weeks W01-W52");
	assert_string_equal(check_reject("2025-W1"),
			    "invalid period '2025-W1': a week is YYYY-Www with two digits, "
			    "e.g. 2025-W03");
	assert_string_equal(check_reject("2568-W10"),
			    "invalid period '2568-W10': 2568 looks like a buddhist era year: "
			    "periods take c.e. years (b.e. - 543), so 2025-W10; only FY takes "
			    "b.e. years, as in FY2568");
}

static void test_parse_inclusive(void **state)
{
	struct civil_date t = mkdate(2025, 6, 15);

	(void)state;
	/* the example: all of March, 31 March included */
	check_parse("2025-03-01..=2025-03-31", t, PERIOD_RANGE, "2025-03-01",
		    "2025-04-01", "2025-03-01..2025-04-01");
	check_parse("2025-03-10..=2025-03-10", t, PERIOD_RANGE, "2025-03-10",
		    "2025-03-11", "2025-03-10..2025-03-11");
	check_parse("2024-02-01..=2024-02-29", t, PERIOD_RANGE, "2024-02-01",
		    "2024-03-01", "2024-02-01..2024-03-01");
	check_parse("2024-10-01..=2025-09-30", t, PERIOD_RANGE, "2024-10-01",
		    "2025-10-01", "2024-10-01..2025-10-01");
	check_parse("2025-12-15..=2025-12-31", t, PERIOD_RANGE, "2025-12-15",
		    "2026-01-01", "2025-12-15..2026-01-01");
	/* an excluded end that is not the last day of a month is clear */
	check_parse("2025-03-01..2025-03-30", t, PERIOD_RANGE, "2025-03-01",
		    "2025-03-30", "2025-03-01..2025-03-30");
	check_parse("2025-03-01..2025-04-01", t, PERIOD_RANGE, "2025-03-01",
		    "2025-04-01", "2025-03-01..2025-04-01");
	check_parse("2025-02-01..2025-03-01", t, PERIOD_RANGE, "2025-02-01",
		    "2025-03-01", "2025-02-01..2025-03-01");
	/* an included end after the first of a month, from a first: clear */
	check_parse("2025-03-01..=2025-04-02", t, PERIOD_RANGE, "2025-03-01",
		    "2025-04-03", "2025-03-01..2025-04-03");
	check_parse("2025-03-02..=2025-04-01", t, PERIOD_RANGE, "2025-03-02",
		    "2025-04-02", "2025-03-02..2025-04-02");

	assert_string_equal(check_reject("2025-03-01..2025-03-31"),
			    "invalid period '2025-03-01..2025-03-31': ambiguous: '..' excludes "
			    "its end 2025-03-31, the last day of a month; to include it write "
			    "2025-03-01..=2025-03-31 or 2025-03-01..2025-04-01, to leave it out "
			    "2025-03-01..=2025-03-30");
	assert_string_equal(check_reject("2024-02-10..2024-02-29"),
			    "invalid period '2024-02-10..2024-02-29': ambiguous: '..' excludes "
			    "its end 2024-02-29, the last day of a month; to include it write "
			    "2024-02-10..=2024-02-29 or 2024-02-10..2024-03-01, to leave it out "
			    "2024-02-10..=2024-02-28");
	assert_string_equal(check_reject("2025-03-01..=2025-04-01"),
			    "invalid period '2025-03-01..=2025-04-01': ambiguous: '..=' includes "
			    "its end 2025-04-01, the first day of a month; to end on 2025-03-31 "
			    "write 2025-03-01..=2025-03-31 or 2025-03-01..2025-04-01, to keep "
			    "2025-04-01 2025-03-01..2025-04-02");
	assert_string_equal(check_reject("2025-03-05..=2025-03-04"),
			    "invalid period '2025-03-05..=2025-03-04': the end is before the start");
	assert_string_equal(check_reject("2568-03-01..=2568-03-31"),
			    "invalid period '2568-03-01..=2568-03-31': 2568 looks like a "
			    "buddhist era year: periods take c.e. years (b.e. - 543), so "
			    "2025-03-01..=2025-03-31; only FY takes b.e. years, as in FY2568");
	assert_string_equal(check_reject("2025-03-01..=2025-3-31"),
			    "invalid period '2025-03-01..=2025-3-31': end is not a date in "
			    "the form YYYY-MM-DD");
	assert_string_equal(check_reject("2025-03-01 - 2025-03-31"),
			    "invalid period '2025-03-01 - 2025-03-31': write a range as "
			    "START..=END (end included) or START..END (end excluded), e.g. "
			    "2025-03-01..=2025-03-31");
	assert_string_equal(check_reject("2025-03-01 to 2025-03-31"),
			    "invalid period '2025-03-01 to 2025-03-31': write a range as "
			    "START..=END (end included) or START..END (end excluded), e.g. "
			    "2025-03-01..=2025-03-31");
}

static void test_interval_parse(void **state)
{
	static const struct {
		const char *text;
		enum period_interval iv;
	} ok_[] = {
		{ "day", INTERVAL_DAY }, { "week", INTERVAL_WEEK },
		{ "month", INTERVAL_MONTH }, { "quarter", INTERVAL_QUARTER },
		{ "year", INTERVAL_YEAR }, { "Week", INTERVAL_WEEK }, { "DAY", INTERVAL_DAY },
	};
	static const char *const bad[] = {
		"", "none", "days", "weekly", "month ", "fortnight", "fy", "isoweek", "d",
	};
	enum period_interval iv;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok_) / sizeof(ok_[0]); i++) {
		iv = INTERVAL_NONE;
		assert_int_equal(period_interval_parse(ok_[i].text, &iv), DK_OK);
		assert_int_equal(iv, ok_[i].iv);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		iv = INTERVAL_MONTH;
		assert_int_equal(period_interval_parse(bad[i], &iv), DK_USAGE);
		assert_int_equal(iv, INTERVAL_MONTH);
	}
	assert_int_equal(period_interval_parse(NULL, &iv), DK_USAGE);
	assert_string_equal(period_interval_name(INTERVAL_DAY), "day");
	assert_string_equal(period_interval_name(INTERVAL_WEEK), "week");
	assert_string_equal(period_interval_name(INTERVAL_MONTH), "month");
	assert_string_equal(period_interval_name(INTERVAL_QUARTER), "quarter");
	assert_string_equal(period_interval_name(INTERVAL_YEAR), "year");
	assert_string_equal(period_interval_name(INTERVAL_NONE), "none");
	assert_string_equal(period_interval_name((enum period_interval)99), "?");
	assert_string_equal(period_intervals_help(), "day, week, month, quarter or year");
	assert_non_null(strstr(period_forms_help(), "2025-W10"));
	assert_non_null(strstr(period_forms_help(), "2025-03-01..=2025-03-31"));
}

static void test_split_by_day(void **state)
{
	struct period fy68 = period_fiscal_year(2568), fy67 = period_fiscal_year(2567);
	struct period *s = NULL;
	size_t n = 0, i;

	(void)state;
	assert_int_equal(period_count(&fy68, INTERVAL_DAY), 365);
	assert_int_equal(period_split(&fy68, INTERVAL_DAY, &s, &n), DK_OK);
	assert_int_equal(n, 365);
	check_period(&s[0], PERIOD_DAY, "2024-10-01", "2024-10-02", "2024-10-01");
	check_period(&s[92], PERIOD_DAY, "2025-01-01", "2025-01-02", "2025-01-01");
	check_period(&s[364], PERIOD_DAY, "2025-09-30", "2025-10-01", "2025-09-30");
	free(s);
	/* FY2567 holds 29 February 2024: 366 days */
	assert_int_equal(period_split(&fy67, INTERVAL_DAY, &s, &n), DK_OK);
	assert_int_equal(n, 366);
	check_period(&s[151], PERIOD_DAY, "2024-02-29", "2024-03-01", "2024-02-29");
	for (i = 1; i < n; i++)
		assert_int_equal(date_cmp(s[i - 1].end, s[i].start), 0);
	free(s);
}

static void test_split_by_week(void **state)
{
	struct period m = period_month(2025, 3), fy = period_fiscal_year(2568);
	struct period dec20 = period_month(2020, 12), w10 = period_iso_week(2025, 10);
	struct period *s = NULL;
	size_t n = 0, i;

	(void)state;
	/* March 2025 begins on a Saturday and ends on a Monday */
	assert_int_equal(period_split(&m, INTERVAL_WEEK, &s, &n), DK_OK);
	assert_int_equal(n, 6);
	check_period(&s[0], PERIOD_RANGE, "2025-03-01", "2025-03-03",
		     "2025-03-01..2025-03-03");
	check_period(&s[1], PERIOD_WEEK, "2025-03-03", "2025-03-10", "2025-W10");
	check_period(&s[4], PERIOD_WEEK, "2025-03-24", "2025-03-31", "2025-W13");
	check_period(&s[5], PERIOD_RANGE, "2025-03-31", "2025-04-01",
		     "2025-03-31..2025-04-01");
	free(s);

	/* FY2568: cut on Tue 1 Oct 2024 and Wed 1 Oct 2025; the week across
	 * New Year is whole and is week 1 of 2025 */
	assert_int_equal(period_count(&fy, INTERVAL_WEEK), 53);
	assert_int_equal(period_split(&fy, INTERVAL_WEEK, &s, &n), DK_OK);
	assert_int_equal(n, 53);
	check_period(&s[0], PERIOD_RANGE, "2024-10-01", "2024-10-07",
		     "2024-10-01..2024-10-07");
	check_period(&s[1], PERIOD_WEEK, "2024-10-07", "2024-10-14", "2024-W41");
	check_period(&s[12], PERIOD_WEEK, "2024-12-23", "2024-12-30", "2024-W52");
	check_period(&s[13], PERIOD_WEEK, "2024-12-30", "2025-01-06", "2025-W01");
	check_period(&s[51], PERIOD_WEEK, "2025-09-22", "2025-09-29", "2025-W39");
	check_period(&s[52], PERIOD_RANGE, "2025-09-29", "2025-10-01",
		     "2025-09-29..2025-10-01");
	for (i = 1; i < n; i++)
		assert_int_equal(date_cmp(s[i - 1].end, s[i].start), 0);
	free(s);

	/* December 2020: its W53 runs into January, so it is cut */
	assert_int_equal(period_split(&dec20, INTERVAL_WEEK, &s, &n), DK_OK);
	assert_int_equal(n, 5);
	check_period(&s[3], PERIOD_WEEK, "2020-12-21", "2020-12-28", "2020-W52");
	check_period(&s[4], PERIOD_RANGE, "2020-12-28", "2021-01-01",
		     "2020-12-28..2021-01-01");
	free(s);

	assert_int_equal(period_split(&w10, INTERVAL_WEEK, &s, &n), DK_OK);
	assert_int_equal(n, 1);
	check_period(&s[0], PERIOD_WEEK, "2025-03-03", "2025-03-10", "2025-W10");
	free(s);
	assert_int_equal(period_split(&w10, INTERVAL_DAY, &s, &n), DK_OK);
	assert_int_equal(n, 7);
	check_period(&s[6], PERIOD_DAY, "2025-03-09", "2025-03-10", "2025-03-09");
	free(s);
	assert_int_equal(period_split(&w10, INTERVAL_MONTH, &s, &n), DK_OK);
	assert_int_equal(n, 1);
	check_period(&s[0], PERIOD_RANGE, "2025-03-03", "2025-03-10",
		     "2025-03-03..2025-03-10");
	free(s);
}

static void test_split_by_year(void **state)
{
	struct period fy = period_fiscal_year(2568);
	struct period r = period_range(mkdate(2023, 1, 1), mkdate(2026, 1, 1));
	struct period r2 = period_range(mkdate(2023, 6, 15), mkdate(2025, 2, 1));
	struct period *s = NULL;
	size_t n = 0;

	(void)state;
	/* a fiscal year straddles two calendar years; the first piece is
	 * exactly a fiscal quarter and is named so */
	assert_int_equal(period_split(&fy, INTERVAL_YEAR, &s, &n), DK_OK);
	assert_int_equal(n, 2);
	check_period(&s[0], PERIOD_FISCAL_QUARTER, "2024-10-01", "2025-01-01", "FY2568-Q1");
	check_period(&s[1], PERIOD_RANGE, "2025-01-01", "2025-10-01",
		     "2025-01-01..2025-10-01");
	free(s);
	assert_int_equal(period_split(&r, INTERVAL_YEAR, &s, &n), DK_OK);
	assert_int_equal(n, 3);
	check_period(&s[0], PERIOD_YEAR, "2023-01-01", "2024-01-01", "2023");
	check_period(&s[1], PERIOD_YEAR, "2024-01-01", "2025-01-01", "2024");
	check_period(&s[2], PERIOD_YEAR, "2025-01-01", "2026-01-01", "2025");
	free(s);
	assert_int_equal(period_split(&r2, INTERVAL_YEAR, &s, &n), DK_OK);
	assert_int_equal(n, 3);
	check_period(&s[0], PERIOD_RANGE, "2023-06-15", "2024-01-01",
		     "2023-06-15..2024-01-01");
	check_period(&s[1], PERIOD_YEAR, "2024-01-01", "2025-01-01", "2024");
	check_period(&s[2], PERIOD_MONTH, "2025-01-01", "2025-02-01", "2025-01");
	free(s);
}

/* Random periods by every interval: the pieces tile the period exactly,
 * in order, and each is what its kind says. */
static void test_split_tiles(void **state)
{
	static const enum period_interval ivs[] = {
		INTERVAL_DAY, INTERVAL_WEEK, INTERVAL_MONTH, INTERVAL_QUARTER, INTERVAL_YEAR
	};
	unsigned long seed = 12345;
	long base = date_to_days(mkdate(2019, 1, 1));
	int round, k;

	(void)state;
	for (round = 0; round < 300; round++) {
		struct period p;
		long a, len;

		seed = seed * 6364136223846793005UL + 1442695040888963407UL;
		a = base + (long)((seed >> 33) % 3000);
		len = 1 + (long)((seed >> 13) % 900);
		p = period_range(date_from_days(a), date_from_days(a + len));
		for (k = 0; k < 5; k++) {
			struct period *s = NULL;
			size_t n = 0, i;

			assert_int_equal(period_split(&p, ivs[k], &s, &n), DK_OK);
			assert_int_equal((long)n, period_count(&p, ivs[k]));
			assert_int_equal(date_cmp(s[0].start, p.start), 0);
			assert_int_equal(date_cmp(s[n - 1].end, p.end), 0);
			for (i = 0; i < n; i++) {
				int y, w;
				char lab[PERIOD_LABEL_LEN];

				assert_true(period_valid(&s[i]));
				if (i > 0)
					assert_int_equal(date_cmp(s[i - 1].end, s[i].start), 0);
				if (ivs[k] == INTERVAL_DAY)
					assert_int_equal(s[i].kind, PERIOD_DAY);
				if (s[i].kind == PERIOD_WEEK) {
					assert_int_equal(ivs[k], INTERVAL_WEEK);
					assert_int_equal(date_weekday(s[i].start), 1);
					assert_int_equal(date_to_days(s[i].end) -
							 date_to_days(s[i].start), 7);
					date_iso_week(s[i].start, &y, &w);
					snprintf(lab, sizeof(lab), "%04d-W%02d", y, w);
					assert_string_equal(s[i].label, lab);
				}
				if (ivs[k] == INTERVAL_WEEK && s[i].kind == PERIOD_RANGE) {
					/* only the cut ends are not whole weeks */
					assert_true(i == 0 || i == n - 1);
					assert_true(date_to_days(s[i].end) -
						    date_to_days(s[i].start) < 7);
				}
			}
			free(s);
		}
	}
}

static void test_split_too_long(void **state)
{
	struct period p = period_range(mkdate(2000, 1, 1), mkdate(2030, 1, 1));
	struct period *s = (struct period *)&p;
	size_t n = 5;

	(void)state;
	assert_int_equal(period_count(&p, INTERVAL_DAY), 10958);
	assert_int_equal(period_split(&p, INTERVAL_DAY, &s, &n), DK_USAGE);
	assert_null(s);
	assert_int_equal(n, 0);
	assert_int_equal(period_split(&p, INTERVAL_WEEK, &s, &n), DK_OK);
	assert_int_equal(n, 1567); /* 1565 whole weeks and two cut ends */
	free(s);
	assert_int_equal(period_split(&p, (enum period_interval)42, &s, &n), DK_SOFTWARE);
	assert_int_equal(period_count(&p, (enum period_interval)42), 0);
	assert_int_equal(period_count(&p, INTERVAL_NONE), 1);
}

static void test_previous_day_week(void **state)
{
	struct period p, q;

	(void)state;
	p = period_day(mkdate(2025, 3, 1));
	q = period_previous(&p);
	check_period(&q, PERIOD_DAY, "2025-02-28", "2025-03-01", "2025-02-28");
	q = period_year_ago(&p);
	check_period(&q, PERIOD_DAY, "2024-03-01", "2024-03-02", "2024-03-01");
	p = period_day(mkdate(2024, 2, 29));
	q = period_year_ago(&p);
	check_period(&q, PERIOD_DAY, "2023-02-28", "2023-03-01", "2023-02-28");
	p = period_iso_week(2025, 1);
	q = period_previous(&p);
	check_period(&q, PERIOD_WEEK, "2024-12-23", "2024-12-30", "2024-W52");
	q = period_year_ago(&p);
	check_period(&q, PERIOD_WEEK, "2024-01-01", "2024-01-08", "2024-W01");
	p = period_iso_week(2021, 1);
	q = period_previous(&p);
	check_period(&q, PERIOD_WEEK, "2020-12-28", "2021-01-04", "2020-W53");
	/* 2020 has a W53, 2019 does not */
	p = period_iso_week(2020, 53);
	q = period_year_ago(&p);
	check_period(&q, PERIOD_WEEK, "2019-12-23", "2019-12-30", "2019-W52");
	/* constructors roll over */
	p = period_iso_week(2025, 0);
	check_period(&p, PERIOD_WEEK, "2024-12-23", "2024-12-30", "2024-W52");
	p = period_iso_week(2025, 53);
	check_period(&p, PERIOD_WEEK, "2025-12-29", "2026-01-05", "2026-W01");
}

static void test_labels_day_week(void **state)
{
	struct period d = period_day(mkdate(2025, 3, 10));
	struct period w = period_iso_week(2025, 10), w1 = period_iso_week(2025, 1);
	char buf[PERIOD_HUMAN_LEN];

	(void)state;
	period_label_human(&d, 1, buf, sizeof(buf));
	assert_string_equal(buf, "10 มี.ค. 2568");
	period_label_human(&d, 0, buf, sizeof(buf));
	assert_string_equal(buf, "10 Mar 2025");
	period_label_human(&w, 1, buf, sizeof(buf));
	assert_string_equal(buf, "สัปดาห์ที่ 10/2568 (3 มี.ค. – 9 มี.ค. 2568)");
	period_label_human(&w, 0, buf, sizeof(buf));
	assert_string_equal(buf, "Week 10 of 2025 (3 Mar – 9 Mar 2025)");
	period_label_human(&w1, 0, buf, sizeof(buf));
	assert_string_equal(buf, "Week 1 of 2025 (30 Dec 2024 – 5 Jan 2025)");
	period_label_human(&w1, 1, buf, sizeof(buf));
	assert_string_equal(buf, "สัปดาห์ที่ 1/2568 (30 ธ.ค. 2567 – 5 ม.ค. 2568)");
	/* a range of one day (a week cut to its last day) reads as the day */
	d = period_range(mkdate(2025, 3, 31), mkdate(2025, 4, 1));
	period_label_human(&d, 0, buf, sizeof(buf));
	assert_string_equal(buf, "31 Mar 2025");
	period_label_human(&d, 1, buf, sizeof(buf));
	assert_string_equal(buf, "31 มี.ค. 2568");
}

/* period_atoms(): the disjoint pieces lib/kpi.c reads each row of once. */
static struct period range(const char *a, const char *b)
{
	struct civil_date s, e;

	assert_int_equal(date_parse_iso(a, &s), 0);
	assert_int_equal(date_parse_iso(b, &e), 0);
	return period_range(s, e);
}

static void assert_atom(const struct period *at, const char *start, const char *end)
{
	char a[DATE_ISO_LEN], b[DATE_ISO_LEN];

	date_format_iso(at->start, a);
	date_format_iso(at->end, b);
	assert_string_equal(a, start);
	assert_string_equal(b, end);
}

static void test_atoms_cases(void **state)
{
	struct period ps[13], *at;
	size_t first[13], end[13], n, i;

	(void)state;
	/* a fiscal year and its months: the months */
	ps[0] = period_fiscal_year(2568);
	for (i = 0; i < 12; i++)
		ps[1 + i] = period_month(2024 + (i + 9) / 12, (int)((i + 9) % 12) + 1);
	assert_int_equal(period_atoms(ps, 13, &at, &n, first, end), 0);
	assert_int_equal(n, 12);
	assert_atom(&at[0], "2024-10-01", "2024-11-01");
	assert_atom(&at[11], "2025-09-01", "2025-10-01");
	assert_int_equal(first[0], 0);
	assert_int_equal(end[0], 12);
	for (i = 0; i < 12; i++) {
		assert_int_equal(first[1 + i], i);
		assert_int_equal(end[1 + i], i + 1);
	}
	free(at);

	/* disjoint, out of order, with a gap: their own atoms, sorted */
	ps[0] = period_month(2025, 2);
	ps[1] = period_month(2024, 3);
	assert_int_equal(period_atoms(ps, 2, &at, &n, first, end), 0);
	assert_int_equal(n, 2);
	assert_atom(&at[0], "2024-03-01", "2024-04-01");
	assert_atom(&at[1], "2025-02-01", "2025-03-01");
	assert_int_equal(first[0], 1);
	assert_int_equal(end[0], 2);
	assert_int_equal(first[1], 0);
	assert_int_equal(end[1], 1);
	free(at);

	/* overlapping, neither inside the other: three pieces */
	ps[0] = range("2025-01-15", "2025-03-10");
	ps[1] = range("2025-02-01", "2025-04-01");
	assert_int_equal(period_atoms(ps, 2, &at, &n, first, end), 0);
	assert_int_equal(n, 3);
	assert_atom(&at[0], "2025-01-15", "2025-02-01");
	assert_atom(&at[1], "2025-02-01", "2025-03-10");
	assert_atom(&at[2], "2025-03-10", "2025-04-01");
	assert_int_equal(first[0], 0);
	assert_int_equal(end[0], 2);
	assert_int_equal(first[1], 1);
	assert_int_equal(end[1], 3);
	free(at);

	/* the same period twice: one atom */
	ps[0] = ps[1] = period_month(2025, 3);
	assert_int_equal(period_atoms(ps, 2, &at, &n, first, end), 0);
	assert_int_equal(n, 1);
	assert_int_equal(first[1], 0);
	assert_int_equal(end[1], 1);
	free(at);

	/* no periods; an empty one is refused */
	assert_int_equal(period_atoms(ps, 0, &at, &n, first, end), 0);
	assert_int_equal(n, 0);
	free(at);
	ps[0] = range("2025-03-01", "2025-03-02");
	ps[0].end = ps[0].start;
	assert_int_equal(period_atoms(ps, 1, &at, &n, first, end), -1);
	assert_null(at);
}

/* Random periods: every day of a period lies in exactly one of its atoms,
 * a period's atoms follow each other without a gap, and every atom lies
 * in some period. */
static void test_atoms_random(void **state)
{
	enum { NP = 9, SPAN = 60 };
	struct civil_date base = { 2025, 1, 1 };
	struct period ps[NP], *at;
	size_t first[NP], end[NP], n, i, a;
	unsigned seed = 12345;

	(void)state;
	for (int round = 0; round < 2000; round++) {
		size_t np = 1 + (size_t)(round % NP);

		for (i = 0; i < np; i++) {
			long s, len;

			seed = seed * 1103515245u + 12345u;
			s = (long)((seed >> 8) % SPAN);
			seed = seed * 1103515245u + 12345u;
			len = 1 + (long)((seed >> 8) % 20);
			ps[i].start = date_add_days(base, s);
			ps[i].end = date_add_days(base, s + len);
		}
		assert_int_equal(period_atoms(ps, np, &at, &n, first, end), 0);
		for (a = 0; a + 1 < n; a++)   /* sorted and disjoint */
			assert_true(date_cmp(at[a].end, at[a + 1].start) <= 0);
		for (a = 0; a < n; a++) {
			int in = 0;

			assert_true(date_cmp(at[a].start, at[a].end) < 0);
			for (i = 0; i < np; i++)
				in |= first[i] <= a && a < end[i];
			assert_true(in);
		}
		for (i = 0; i < np; i++) {
			assert_true(first[i] < end[i] && end[i] <= n);
			assert_int_equal(date_cmp(at[first[i]].start, ps[i].start), 0);
			assert_int_equal(date_cmp(at[end[i] - 1].end, ps[i].end), 0);
			for (a = first[i]; a + 1 < end[i]; a++)
				assert_int_equal(date_cmp(at[a].end, at[a + 1].start), 0);
		}
		free(at);
	}
}

static void test_tz_check(void **state)
{
	char err[8], hint[8];

	(void)state;
	check_tz("UTC+7", DK_USAGE, "it means utc-7:00, not utc+7:00", "Etc/GMT-7");
	check_tz("utc+7", DK_USAGE, "it means utc-7:00", "Etc/GMT-7");
	check_tz("GMT+7", DK_USAGE, "it means utc-7:00", "Etc/GMT-7");
	check_tz("GMT-3", DK_USAGE, "it means utc+3:00, not utc-3:00", "Etc/GMT+3");
	check_tz("UTC+07:00", DK_USAGE, "it means utc-7:00", "Etc/GMT-7");
	check_tz("UTC-05:30", DK_USAGE, "it means utc+5:30, not utc-5:30", "Asia/Bangkok");
	check_tz("UTC+7:00:00", DK_USAGE, "posix offset", "Etc/GMT-7");
	check_tz("UT+7", DK_USAGE, "posix offset", "Etc/GMT-7");
	check_tz("+07:00", DK_USAGE, "bare offset", "Etc/GMT-7");
	check_tz("+7", DK_USAGE, "bare offset", "Etc/GMT-7");
	check_tz("7", DK_USAGE, "bare offset", "Etc/GMT-7");
	check_tz("UTC+14", DK_USAGE, "utc-14:00", "pg_timezone_names");
	/* zone names and full POSIX rules pass; the server judges them */
	check_tz("Asia/Bangkok", DK_OK, NULL, NULL);
	check_tz("UTC", DK_OK, NULL, NULL);
	check_tz("GMT", DK_OK, NULL, NULL);
	check_tz("Etc/GMT-7", DK_OK, NULL, NULL);
	check_tz("<+07>-7", DK_OK, NULL, NULL);
	check_tz("EST5EDT", DK_OK, NULL, NULL);
	check_tz("UTC+7x", DK_OK, NULL, NULL);
	check_tz("UTC+123", DK_OK, NULL, NULL);
	check_tz("", DK_OK, NULL, NULL);
	check_tz(NULL, DK_OK, NULL, NULL);
	/* small buffers are cut, NULL ones allowed */
	assert_int_equal(period_tz_check("UTC+7", err, sizeof(err), hint, sizeof(hint)), DK_USAGE);
	assert_string_equal(err, "time zo");
	assert_string_equal(hint, "use a z");
	assert_int_equal(period_tz_check("UTC+7", NULL, 0, NULL, 0), DK_USAGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_days_in_month_and_valid),
		cmocka_unit_test(test_days_known_values),
		cmocka_unit_test(test_days_round_trip),
		cmocka_unit_test(test_add_days),
		cmocka_unit_test(test_add_months),
		cmocka_unit_test(test_cmp),
		cmocka_unit_test(test_parse_format_iso),
		cmocka_unit_test(test_parse_forms),
		cmocka_unit_test(test_parse_relative),
		cmocka_unit_test(test_parse_relative_bad_today),
		cmocka_unit_test(test_parse_reject_messages),
		cmocka_unit_test(test_parse_reject_all),
		cmocka_unit_test(test_parse_small_err_buffer),
		cmocka_unit_test(test_forms_help),
		cmocka_unit_test(test_constructors),
		cmocka_unit_test(test_fiscal_year_of),
		cmocka_unit_test(test_split_fy_by_month),
		cmocka_unit_test(test_split_by_quarter),
		cmocka_unit_test(test_split_clipped),
		cmocka_unit_test(test_split_invalid),
		cmocka_unit_test(test_previous),
		cmocka_unit_test(test_year_ago),
		cmocka_unit_test(test_labels_human),
		cmocka_unit_test(test_labels_bytes),
		cmocka_unit_test(test_labels_truncate),
		cmocka_unit_test(test_month_short),
		cmocka_unit_test(test_month_names),
		cmocka_unit_test(test_split_labels_human),
		cmocka_unit_test(test_weekday_iso_week),
		cmocka_unit_test(test_iso_week_round_trip),
		cmocka_unit_test(test_parse_weeks),
		cmocka_unit_test(test_parse_inclusive),
		cmocka_unit_test(test_interval_parse),
		cmocka_unit_test(test_split_by_day),
		cmocka_unit_test(test_split_by_week),
		cmocka_unit_test(test_split_by_year),
		cmocka_unit_test(test_split_tiles),
		cmocka_unit_test(test_split_too_long),
		cmocka_unit_test(test_previous_day_week),
		cmocka_unit_test(test_labels_day_week),
		cmocka_unit_test(test_tz_check),
		cmocka_unit_test(test_atoms_cases),
		cmocka_unit_test(test_atoms_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
