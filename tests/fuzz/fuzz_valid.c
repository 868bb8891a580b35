/* libFuzzer target: the field validators (lib/valid.c) on any bytes. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "valid.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	char out[VALID_OUT_MAX];
	long v;
	int b;

	(void)valid_text(s, size);
	(void)valid_code(s, size);
	(void)valid_bool(s, size, &b);
	if (!valid_int(s, size, 0, 2147483647L, &v) && (v < 0 || v > 2147483647L))
		__builtin_trap();
	(void)valid_decimal(s, size);
	if (!valid_date(s, size, out) && strlen(out) != 10)
		__builtin_trap();
	/* A valid timestamp's normal form is itself valid, and stable. */
	if (!valid_timestamp(s, size, out)) {
		char again[VALID_OUT_MAX];

		if (valid_timestamp(out, strlen(out), again) || strcmp(out, again))
			__builtin_trap();
	}
	(void)valid_national_id(s, size);
	return 0;
}
