/*
 * lib/html: text is escaped so that nothing from the database can become
 * markup, in element content or in a quoted attribute.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/html.h"

/* html_escape_write() of s, as a string (malloc'd). */
static char *escaped(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	html_escape_write(f, s);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static void check(const char *in, const char *want)
{
	char *got = escaped(in);

	assert_string_equal(got, want);
	free(got);
}

static void test_markup_is_escaped(void **state)
{
	(void)state;
	check("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;");
	check("a & b", "a &amp; b");
	check("\"quoted\" 'single'", "&quot;quoted&quot; &#39;single&#39;");
	check("<img src=x onerror=alert(2)>", "&lt;img src=x onerror=alert(2)&gt;");
	/* an entity in the data stays text, not the character it names */
	check("&lt;", "&amp;lt;");
}

static void test_text_is_kept(void **state)
{
	(void)state;
	check("", "");
	check("บริการ ก (ฝ่าย ก, ข)", "บริการ ก (ฝ่าย ก, ข)");
	check("Service A / 50% = ok", "Service A / 50% = ok");
}

static void test_null_writes_nothing(void **state)
{
	(void)state;
	check(NULL, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_markup_is_escaped),
		cmocka_unit_test(test_text_is_kept),
		cmocka_unit_test(test_null_writes_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
