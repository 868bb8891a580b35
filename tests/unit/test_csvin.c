/* Unit tests of lib/csvin.c: RFC 4180 records with their line numbers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csvin.h"
#include "status.h"

/* What the callback saw: "LINE:field|field" per record, joined by ";". */
struct seen {
	char text[8192];
	int records;
	int stop_at;
	long last_line;
	char last_field[16];
};

static int collect(const struct csvin_record *rec, void *arg)
{
	struct seen *s = arg;
	size_t len = strlen(s->text);
	int i;

	s->last_line = rec->line;
	snprintf(s->last_field, sizeof(s->last_field), "%.*s", (int)rec->f[rec->nfields - 1].n,
		 rec->f[rec->nfields - 1].s);
	if (len > sizeof(s->text) - 1024) {
		s->records++;
		return DK_OK;
	}
	len += snprintf(s->text + len, sizeof(s->text) - len, "%s%ld:", s->records ? ";" : "",
			rec->line);
	for (i = 0; i < rec->nfields; i++)
		len += snprintf(s->text + len, sizeof(s->text) - len, "%s%.*s", i ? "|" : "",
				(int)rec->f[i].n, rec->f[i].s);
	s->records++;
	return s->stop_at && s->records == s->stop_at ? DK_USAGE : DK_OK;
}

static int parse(const char *data, size_t n, struct seen *s)
{
	FILE *f = fmemopen((void *)data, n, "rb");
	int st;

	assert_non_null(f);
	st = csvin_read(f, "t.csv", collect, s, NULL);
	fclose(f);
	return st;
}

#define PARSE(lit, s) parse(lit, sizeof(lit) - 1, s)

static void test_basic(void **state)
{
	struct seen s = { 0 };

	(void)state;
	assert_int_equal(PARSE("a,b\n1,2\n3,4\n", &s), DK_OK);
	assert_string_equal(s.text, "1:a|b;2:1|2;3:3|4");
}

static void test_crlf_bom_no_final_newline(void **state)
{
	struct seen s = { 0 };

	(void)state;
	assert_int_equal(PARSE("\xef\xbb\xbf" "a,b\r\n1,2\r\n3,4", &s), DK_OK);
	assert_string_equal(s.text, "1:a|b;2:1|2;3:3|4");
}

static void test_quotes_and_lines(void **state)
{
	struct seen s = { 0 };

	(void)state;
	assert_int_equal(PARSE("a,b\n\"x,\"\"y\"\"\nz\",2\n\n3, 4 \n", &s), DK_OK);
	/* The quoted field spans lines 2-3; the blank line 4 is skipped;
	 * spaces are kept. */
	assert_string_equal(s.text, "1:a|b;2:x,\"y\"\nz|2;5:3| 4 ");
}

static void test_empty_fields(void **state)
{
	struct seen s = { 0 };

	(void)state;
	assert_int_equal(PARSE("a,b,c\n,,\n\"\",x,\n", &s), DK_OK);
	assert_string_equal(s.text, "1:a|b|c;2:||;3:|x|");
}

static void test_unterminated(void **state)
{
	struct seen s = { 0 };

	(void)state;
	assert_int_equal(PARSE("a,b\n1,2\n3,\"4\n5,6\n", &s), DK_DATAERR);
	assert_int_equal(s.records, 2);
}

static void test_stray_quote(void **state)
{
	struct seen s = { 0 };

	(void)state;
	assert_int_equal(PARSE("a,b\n1,x\"y\n", &s), DK_DATAERR);
}

static void test_empty_file(void **state)
{
	struct seen s = { 0 };

	(void)state;
	assert_int_equal(parse("", 0, &s), DK_DATAERR);
	assert_int_equal(s.records, 0);
}

static void test_oversized_field(void **state)
{
	struct seen s = { 0 };
	size_t n = CSVIN_FIELD_MAX + 100;
	char *data = malloc(n + 20);

	(void)state;
	assert_non_null(data);
	memcpy(data, "a\n", 2);
	memset(data + 2, 'x', n);
	memcpy(data + 2 + n, "\n", 1);
	assert_int_equal(parse(data, n + 3, &s), DK_DATAERR);
	free(data);
}

static void test_field_at_limit(void **state)
{
	struct seen s = { 0 };
	size_t n = CSVIN_FIELD_MAX;
	char *data = malloc(n + 20);

	(void)state;
	assert_non_null(data);
	memcpy(data, "a\n", 2);
	memset(data + 2, 'x', n);
	memcpy(data + 2 + n, "\n", 1);
	s.stop_at = 0;
	assert_int_equal(parse(data, n + 3, &s), DK_OK);
	assert_int_equal(s.records, 2);
	free(data);
}

static void test_callback_stops(void **state)
{
	struct seen s = { .stop_at = 2 };

	(void)state;
	assert_int_equal(PARSE("a\n1\n2\n3\n", &s), DK_USAGE);
	assert_int_equal(s.records, 2);
}

static void test_long_file_line_numbers(void **state)
{
	/* More than one read buffer of lines: numbering stays exact. */
	size_t rows = 60000, i, len = 0;
	char *data = malloc(rows * 16 + 16);
	struct seen s = { 0 };
	FILE *f;

	(void)state;
	assert_non_null(data);
	len += sprintf(data, "a,b\n");
	for (i = 0; i < rows; i++)
		len += sprintf(data + len, "%zu,%s\n", i, i == rows - 1 ? "\"last\"" : "x");
	f = fmemopen(data, len, "rb");
	assert_non_null(f);
	s.stop_at = 0;
	assert_int_equal(csvin_read(f, "t.csv", collect, &s, NULL), DK_OK);
	fclose(f);
	assert_int_equal(s.records, (int)rows + 1);
	assert_int_equal(s.last_line, (long)rows + 1);
	assert_string_equal(s.last_field, "last");
	free(data);
}

static void test_cr_only_lines(void **state)
{
	struct seen s = { 0 };

	(void)state;
	/* Old Mac files: each lone CR ends a line, and lines are counted. */
	assert_int_equal(PARSE("a,b\r1,2\r3,4\r", &s), DK_OK);
	assert_string_equal(s.text, "1:a|b;2:1|2;3:3|4");
}

static void test_mixed_line_ends(void **state)
{
	struct seen s = { 0 };

	(void)state;
	/* LF, CRLF, CR, and a CR inside quotes: each one line. */
	assert_int_equal(PARSE("a,b\n1,2\r\n\"x\ry\",3\r4,5\n", &s), DK_OK);
	assert_string_equal(s.text, "1:a|b;2:1|2;3:x\ry|3;5:4|5");
}

static void test_crlf_across_reads(void **state)
{
	/* A CRLF whose CR is the last byte of one read and its LF the first
	 * of the next is one line end, not two. */
	size_t rows = 100000, i, len = 0;
	char *data = malloc(rows * 3 + 16);
	struct seen s = { 0 };

	(void)state;
	assert_non_null(data);
	len += sprintf(data, "a\n");
	for (i = 0; i < rows; i++)
		len += sprintf(data + len, "%zu\r\n", i % 10);
	assert_int_equal(data[2 + 3 * 87380 + 1], '\r'); /* at byte 262143 */
	assert_int_equal(parse(data, len, &s), DK_OK);
	assert_int_equal(s.records, (int)rows + 1);
	assert_int_equal(s.last_line, (long)rows + 1);
	free(data);
}

/* Parse data coming through a pipe (a producer that may be cut off). */
static int parse_pipe(const char *data, struct seen *s)
{
	int fds[2], st;
	FILE *f;

	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], data, strlen(data)), (ssize_t)strlen(data));
	close(fds[1]);
	f = fdopen(fds[0], "rb");
	assert_non_null(f);
	st = csvin_read(f, "<stdin>", collect, s, NULL);
	fclose(f);
	return st;
}

static void test_pipe_cut_mid_record(void **state)
{
	struct seen s = { 0 };

	(void)state;
	assert_int_equal(parse_pipe("a,b\n1,2\nwrong pa", &s), DK_DATAERR);
	/* the cut record never reaches the callback */
	assert_string_equal(s.text, "1:a|b;2:1|2");
}

static void test_pipe_complete(void **state)
{
	struct seen s = { 0 };

	(void)state;
	assert_int_equal(parse_pipe("a,b\n1,2\r3,4\r\n", &s), DK_OK);
	assert_string_equal(s.text, "1:a|b;2:1|2;3:3|4");
}

static void test_regular_file_without_final_newline(void **state)
{
	struct seen s = { 0 };
	FILE *f = tmpfile();

	(void)state;
	assert_non_null(f);
	fputs("a,b\n1,2\n3,4", f);
	rewind(f);
	assert_int_equal(csvin_read(f, "t.csv", collect, &s, NULL), DK_OK);
	fclose(f);
	assert_string_equal(s.text, "1:a|b;2:1|2;3:3|4");
}

/* The record's true number of fields, past CSVIN_FIELDS_MAX. */
static int count_fields(const struct csvin_record *rec, void *arg)
{
	long *total = arg;

	if (rec->line == 2) {
		*total = rec->total;
		assert_int_equal(rec->nfields, CSVIN_FIELDS_MAX);
		assert_true(rec->too_many);
	} else {
		assert_int_equal(rec->total, rec->nfields);
	}
	return DK_OK;
}

static void test_field_total(void **state)
{
	size_t n = 100001, i, len = 0;
	char *data = malloc(n + 16);
	long total = 0;
	FILE *f;

	(void)state;
	assert_non_null(data);
	len += sprintf(data, "a\nx");
	for (i = 1; i < n; i++)
		data[len++] = ',';
	data[len++] = '\n';
	len += sprintf(data + len, "y\n");
	f = fmemopen(data, len, "rb");
	assert_non_null(f);
	assert_int_equal(csvin_read(f, "t.csv", count_fields, &total, NULL), DK_OK);
	fclose(f);
	assert_int_equal(total, (long)n);
	free(data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_crlf_bom_no_final_newline),
		cmocka_unit_test(test_quotes_and_lines),
		cmocka_unit_test(test_empty_fields),
		cmocka_unit_test(test_unterminated),
		cmocka_unit_test(test_stray_quote),
		cmocka_unit_test(test_empty_file),
		cmocka_unit_test(test_oversized_field),
		cmocka_unit_test(test_field_at_limit),
		cmocka_unit_test(test_callback_stops),
		cmocka_unit_test(test_long_file_line_numbers),
		cmocka_unit_test(test_cr_only_lines),
		cmocka_unit_test(test_mixed_line_ends),
		cmocka_unit_test(test_crlf_across_reads),
		cmocka_unit_test(test_pipe_cut_mid_record),
		cmocka_unit_test(test_pipe_complete),
		cmocka_unit_test(test_regular_file_without_final_newline),
		cmocka_unit_test(test_field_total),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
