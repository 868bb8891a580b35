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
	(void)valid_chars(s, size);
	(void)valid_no_controls(s, size, 1);
	/* A whole-value ID is found by the scan too; a redacted copy has none. */
	{
		char id[VALID_ID_BUF], *r;

		if (valid_id_normalize(s, size, id) &&
		    (!valid_has_id(s, size) || !valid_national_id(id, 13)))
			__builtin_trap();
		if ((r = valid_redact_ids(s, size))) {
			if (valid_has_id(r, strlen(r)))
				__builtin_trap();
			free(r);
		}
	}
	return 0;
}
