/*
 * Unit tests for lib/db.c without a server: db_int() reads what strtoll()
 * reads, on the server's int4 and int8 text (every length, both signs,
 * the extremes) and on anything else it is handed.
 */
#include <inttypes.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "../../lib/db.h"

static void same(const char *s)
{
	long long want = strtoll(s, NULL, 10), got = db_int(s);

	if (got != want)
		fail_msg("db_int(\"%s\") = %lld, strtoll %lld", s, got, want);
}

static void test_int_is_strtoll(void **state)
{
	static const char *odd[] = { "", "-", "0", "-0", "7", "-7", "00012", "12x", "x12", " 12",
				     "+12", "1e3", "3.5", "-9223372036854775808",
				     "9223372036854775807", "9223372036854775808",
				     "-9223372036854775809", "99999999999999999999999",
				     "999999999999999999", "1000000000000000000",
				     "-999999999999999999", "2147483647", "-2147483648" };
	uint64_t x = 88172645463325252u;
	char buf[32];

	(void)state;
	for (size_t i = 0; i < sizeof(odd) / sizeof(*odd); i++)
		same(odd[i]);
	for (int i = 0; i < 200000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		/* every magnitude: a random value shifted right by 1..63 bits
		 * (so that its negation is an int64_t too), either sign */
		snprintf(buf, sizeof(buf), "%" PRId64, (int64_t)(x >> (i % 63 + 1)) * (i % 2 ? -1 : 1));
		same(buf);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_int_is_strtoll),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
