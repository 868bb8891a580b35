/*
 * Unit tests for the machine formats of lib/format.c (issue 13 item 3):
 * TRUE/FALSE in CSV and TSV, --no-header, JSON with its meta object,
 * NDJSON with and without the meta line, the old JSON array, and the
 * format names. Each writes to a real temporary file and compares bytes.
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

static const char *const names[] = { "key", "value", "suppressed", "label" };
static const enum cell_type types[] = { CELL_TEXT, CELL_NUMBER, CELL_BOOL, CELL_TEXT };

/* Writes two rows (one with an empty key and value) in fmt and returns what
 * the file holds (free it). */
static char *write_rows(enum out_format fmt, unsigned flags, const char *meta)
{
	const char *r1[] = { "s_a", "0.5", "false", "บริการ ก" };
	const char *r2[] = { NULL, NULL, "true", "All" };
	FILE *f = tmpfile();
	struct table_writer *w;
	char *buf;
	long n;

	assert_non_null(f);
	w = table_writer_open(f, fmt, 4, names, types, flags, meta);
	assert_non_null(w);
	assert_int_equal(table_writer_row(w, r1), 0);
	assert_int_equal(table_writer_row(w, r2), 0);
	assert_int_equal(table_writer_finish(w), 0);
	n = ftell(f);
	assert_true(n >= 0);
	buf = calloc(1, (size_t)n + 1);
	assert_non_null(buf);
	rewind(f);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return buf;
}

static void check(enum out_format fmt, unsigned flags, const char *meta, const char *want)
{
	char *got = write_rows(fmt, flags, meta);

	assert_string_equal(got, want);
	free(got);
}

/* pandas and R read TRUE/FALSE as logical; true/false only pandas does. */
static void test_csv_booleans_upper_case(void **state)
{
	(void)state;
	check(OUT_CSV, 0, NULL,
	      "key,value,suppressed,label\n"
	      "s_a,0.5,FALSE,บริการ ก\n"
	      ",,TRUE,All\n");
	check(OUT_TSV, 0, NULL,
	      "key\tvalue\tsuppressed\tlabel\n"
	      "s_a\t0.5\tFALSE\tบริการ ก\n"
	      "\t\tTRUE\tAll\n");
}

static void test_no_header(void **state)
{
	(void)state;
	check(OUT_CSV, TW_NO_HEADER, NULL, "s_a,0.5,FALSE,บริการ ก\n,,TRUE,All\n");
	check(OUT_TSV, TW_NO_HEADER, NULL, "s_a\t0.5\tFALSE\tบริการ ก\n\t\tTRUE\tAll\n");
}

/* JSON keeps its own literals: true/false, null for empty. */
static void test_json_meta_and_rows(void **state)
{
	(void)state;
	check(OUT_JSON, 0, "{\"command\":\"kpi\"}",
	      "{\"meta\":{\"command\":\"kpi\"},\n\"rows\":[\n"
	      "{\"key\":\"s_a\",\"value\":0.5,\"suppressed\":false,\"label\":\"บริการ ก\"},\n"
	      "{\"key\":null,\"value\":null,\"suppressed\":true,\"label\":\"All\"}\n]}\n");
	/* no meta given: an empty object, still valid JSON */
	check(OUT_JSON, TW_NO_HEADER, NULL,
	      "{\"meta\":{},\n\"rows\":[\n"
	      "{\"key\":\"s_a\",\"value\":0.5,\"suppressed\":false,\"label\":\"บริการ ก\"},\n"
	      "{\"key\":null,\"value\":null,\"suppressed\":true,\"label\":\"All\"}\n]}\n");
}

static void test_ndjson(void **state)
{
	(void)state;
	check(OUT_NDJSON, 0, "{\"command\":\"kpi\"}",
	      "{\"meta\":{\"command\":\"kpi\"}}\n"
	      "{\"key\":\"s_a\",\"value\":0.5,\"suppressed\":false,\"label\":\"บริการ ก\"}\n"
	      "{\"key\":null,\"value\":null,\"suppressed\":true,\"label\":\"All\"}\n");
	check(OUT_NDJSON, TW_NO_HEADER, "{\"command\":\"kpi\"}",
	      "{\"key\":\"s_a\",\"value\":0.5,\"suppressed\":false,\"label\":\"บริการ ก\"}\n"
	      "{\"key\":null,\"value\":null,\"suppressed\":true,\"label\":\"All\"}\n");
}

/* The shape "json" had before it carried metadata. */
static void test_json_array(void **state)
{
	(void)state;
	check(OUT_JSON_ARRAY, 0, "{\"ignored\":1}",
	      "[\n"
	      "{\"key\":\"s_a\",\"value\":0.5,\"suppressed\":false,\"label\":\"บริการ ก\"},\n"
	      "{\"key\":null,\"value\":null,\"suppressed\":true,\"label\":\"All\"}\n]\n");
}

static void test_format_names(void **state)
{
	(void)state;
	assert_int_equal(format_find("json"), OUT_JSON);
	assert_int_equal(format_find("ndjson"), OUT_NDJSON);
	assert_int_equal(format_find("json-array"), OUT_JSON_ARRAY);
	assert_int_equal(format_find("jsonl"), -1);
	assert_int_equal(format_from_name("out/k.ndjson"), OUT_NDJSON);
	assert_int_equal(format_from_name("k.JSONL"), OUT_NDJSON);
	assert_int_equal(format_from_name("k.json"), OUT_JSON);
	assert_int_equal(format_from_name("k.ndjson.d/x"), OUT_CSV);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_booleans_upper_case),
		cmocka_unit_test(test_no_header),
		cmocka_unit_test(test_json_meta_and_rows),
		cmocka_unit_test(test_ndjson),
		cmocka_unit_test(test_json_array),
		cmocka_unit_test(test_format_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
