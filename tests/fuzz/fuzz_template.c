/* libFuzzer target for the template parser (lib/template.c): any bytes
 * either parse into a template or give DK_DATAERR with a message that
 * names the file and a line; never a crash, a leak or undefined behaviour. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "status.h"
#include "template.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct template *t = NULL;
	char err[512];
	int rc, line;

	rc = template_parse("f.ini", (const char *)data, size, &t, err, sizeof(err));
	if (rc == DK_OK) {
		if (!t || t->nsheets == 0)
			abort();
	} else if (rc != DK_DATAERR || t || sscanf(err, "f.ini:%d:", &line) != 1 || line < 1) {
		abort();
	}
	template_free(t);
	return 0;
}
