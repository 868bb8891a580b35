/*
 * Unit tests for the table part of lib/format.c: display widths (Thai
 * marks take no column), wrapping (at spaces, between Thai words, never
 * between a letter and its marks) and the fitting of a table to a width.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "format.h"

static void test_width(void **state)
{
	(void)state;
	assert_int_equal(text_width(""), 0);
	assert_int_equal(text_width("abc"), 3);
	/* ก + ี (mark above) + ่ (tone mark): one column */
	assert_int_equal(text_width("กี่"), 1);
	/* ความพึงพอใจ: ค ว า ม พ ึ ง พ อ ใ จ = 11 code points, ึ has no column */
	assert_int_equal(text_width("ความพึงพอใจ"), 10);
	/* sara am (ำ) is a spacing vowel */
	assert_int_equal(text_width("คำ"), 2);
	/* a combining acute accent; a wide CJK character; an en dash */
	assert_int_equal(text_width("e\xcc\x81"), 1);
	assert_int_equal(text_width("\xe4\xb8\xad"), 2);
	assert_int_equal(text_width("\xe2\x80\x93"), 1);
}

/* The lines of text_wrap(s, width) joined by '|'. */
static char *wrapped(const char *s, size_t width)
{
	struct text_span *l = NULL;
	size_t n = text_wrap(s, width, &l), i, len = 0;
	char *out = malloc(strlen(s) + n + 1);

	assert_non_null(out);
	assert_true(n > 0);
	for (i = 0; i < n; i++) {
		assert_true(l[i].width <= width || l[i].len == strlen(s));
		if (i)
			out[len++] = '|';
		memcpy(out + len, s + l[i].off, l[i].len);
		len += l[i].len;
	}
	out[len] = '\0';
	free(l);
	return out;
}

static void test_wrap(void **state)
{
	char *s;

	(void)state;
	s = wrapped("Certificate of knowledge and competence", 16);
	assert_string_equal(s, "Certificate of|knowledge and|competence");
	free(s);
	/* fits: one line, as is */
	s = wrapped("Reskill training", 16);
	assert_string_equal(s, "Reskill training");
	free(s);
	/* a word wider than the column is cut */
	s = wrapped("identification_success_rate", 10);
	assert_string_equal(s, "identifica|tion_succe|ss_rate");
	free(s);
	/* Thai: between words (หนังสือ|รับรอง|ความ|รู้|ความ|สามารถ, no spaces);
	 * หนังสือรับรองความ takes 14 columns (ั ื ั ู ้ take none) */
	s = wrapped("หนังสือรับรองความรู้ความสามารถ", 14);
	assert_string_equal(s, "หนังสือรับรองความ|รู้ความสามารถ");
	free(s);
	s = wrapped("หนังสือรับรองความรู้ความสามารถ", 10);
	assert_string_equal(s, "หนังสือรับรอง|ความรู้ความ|สามารถ");
	free(s);
	/* a mark stays with its letter even when the word is cut: ที่ is one
	 * column, never split */
	s = wrapped("ที่ที่ที่", 2);
	assert_string_equal(s, "ที่ที่|ที่");
	free(s);
	s = wrapped("", 5);
	assert_string_equal(s, "");
	free(s);
}

/* A table of rows written with a width limit, into a string. */
static char *table(size_t limit, int drop, const char *const rows[][3], int nrows)
{
	static const char *const names[] = { "code", "name", "value" };
	static const enum cell_type types[] = { CELL_TEXT, CELL_TEXT, CELL_NUMBER };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct table_writer *w;

	assert_non_null(f);
	format_set_table_width(limit);
	w = table_writer_new(f, OUT_TABLE, 3, names, types);
	assert_non_null(w);
	if (drop)
		table_writer_drop_order(w, (const int[]){ 0 }, 1);
	for (int i = 0; i < nrows; i++)
		assert_int_equal(table_writer_row(w, rows[i]), 0);
	assert_int_equal(table_writer_finish(w), 0);
	assert_int_equal(fclose(f), 0);
	format_set_table_width(FORMAT_WIDTH_AUTO);
	return buf;
}

static void test_fit(void **state)
{
	static const char *const rows[][3] = {
		{ "a_long_code", "Certificate of knowledge and competence", "15" },
		{ "b", "Reskill training", "1,234" },
	};
	char *s;

	(void)state;
	/* wide enough: as before, one line a row */
	s = table(FORMAT_WIDTH_WIDE, 0, rows, 2);
	assert_string_equal(s,
		"code         name                                     value\n"
		"a_long_code  Certificate of knowledge and competence     15\n"
		"b            Reskill training                         1,234\n");
	free(s);
	/* 40 columns: the name wraps, the code and the number stay whole */
	s = table(40, 0, rows, 2);
	assert_string_equal(s,
		"code         name                  value\n"
		"a_long_code  Certificate of           15\n"
		"             knowledge and\n"
		"             competence\n"
		"b            Reskill training      1,234\n");
	free(s);
	/* a column to drop goes before anything wraps; a note says so */
	s = table(50, 1, rows, 2);
	assert_string_equal(s,
		"name                                     value\n"
		"Certificate of knowledge and competence     15\n"
		"Reskill training                         1,234\n"
		"(columns not shown: code; --wide shows every\n"
		"column)\n");
	free(s);
}

static void test_group(void **state)
{
	static const char *const rows[][3] = {
		{ "x", "Service requests with a long label", "1" },
		{ "x", "Active users", "2" },
	};
	char *s;

	(void)state;
	/* the same value on every row becomes a heading */
	s = table(30, 0, rows, 2);
	assert_string_equal(s,
		"code: x\n"
		"name                     value\n"
		"Service requests with a      1\n"
		"long label\n"
		"Active users                 2\n");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_width),
		cmocka_unit_test(test_wrap),
		cmocka_unit_test(test_fit),
		cmocka_unit_test(test_group),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
