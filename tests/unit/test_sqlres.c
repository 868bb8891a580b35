/* Unit tests for the SQL compiled into the binary (tools/embed-sql.sh):
 * every file under sql/ comes back byte for byte, backslashes, quotes and
 * question marks included. Run from the source tree's top (tests/run). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sqlres.h"

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0, got;

	if (!f)
		return NULL;
	do {
		if (n + 4096 + 1 > cap) {
			cap = 2 * (n + 4096 + 1);
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
		got = fread(buf + n, 1, 4096, f);
		n += got;
	} while (got > 0);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

static void whole_files_identical(void **state)
{
	size_t files = 0;

	(void)state;
	for (const struct sqlres_entry *e = sqlres_entries; e->key; e++) {
		char path[512];
		char *text;

		if (strchr(e->key, '#') || !strncmp(e->key, "templates/", 10))
			continue;
		snprintf(path, sizeof(path), "sql/%s", e->key);
		text = slurp(path);
		if (!text)
			fail_msg("cannot read %s (run from the source tree's top)", path);
		if (strcmp(text, e->text))
			fail_msg("%s: the embedded text differs from the file", path);
		free(text);
		files++;
	}
	assert_true(files > 20);
}

/* A section holds exactly its lines, and the escapes C needs round-trip:
 * schema 18's comment names `\copy`. */
static void escapes_round_trip(void **state)
{
	const char *s = sqlres_get("schema/018_latency_months.sql");

	(void)state;
	assert_non_null(s);
	assert_non_null(strstr(s, "`\\copy`"));
	assert_non_null(sqlres_get("rollup.sql#refresh_pending"));
	assert_null(strstr(sqlres_get("rollup.sql#refresh_pending"), "-- name:"));
	assert_null(sqlres_get("rollup.sql#no_such_section"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(whole_files_identical),
		cmocka_unit_test(escapes_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
