/* libFuzzer target: the streaming CSV reader (lib/csvin.c) on any bytes. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "csvin.h"
#include "status.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Check what the reader promises about every record it hands out. */
static int check(const struct csvin_record *rec, void *arg)
{
	(void)arg;
	if (rec->line < 1 || rec->nfields < 0 || rec->nfields > CSVIN_FIELDS_MAX)
		__builtin_trap();
	for (int i = 0; i < rec->nfields; i++)
		if (rec->f[i].n > CSVIN_FIELD_MAX || rec->f[i].s[rec->f[i].n] != '\0')
			__builtin_trap();
	return DK_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *f;
	int st;

	if (size == 0)
		return 0;
	f = fmemopen((void *)data, size, "rb");
	if (!f)
		return 0;
	st = csvin_read(f, "fuzz.csv", check, NULL, NULL);
	if (st != DK_OK && st != DK_DATAERR)
		__builtin_trap();
	fclose(f);
	return 0;
}
