/* libFuzzer target: --period parsing (lib/period.c) on any text. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "period.h"
#include "status.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct civil_date today = { 2025, 3, 15 };
	struct period p, *parts = NULL;
	char text[256], err[256], human[PERIOD_HUMAN_LEN];
	size_t n = 0;

	if (size >= sizeof(text))
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (period_parse(text, today, &p, err, sizeof(err)) != DK_OK)
		return 0;
	/* A parsed period is real and non-empty, and splits without gaps. */
	if (!period_valid(&p))
		__builtin_trap();
	if (date_to_days(p.end) - date_to_days(p.start) > 40000)
		return 0;
	for (int iv = INTERVAL_MONTH; iv <= INTERVAL_YEAR; iv++) {
		long count = period_count(&p, (enum period_interval)iv);

		if (count > PERIOD_SERIES_MAX) {
			if (period_split(&p, (enum period_interval)iv, &parts, &n) != DK_USAGE || parts)
				__builtin_trap();
			continue;
		}
		if (period_split(&p, (enum period_interval)iv, &parts, &n) != DK_OK || n == 0 ||
		    (long)n != count)
			__builtin_trap();
		if (date_cmp(parts[0].start, p.start) || date_cmp(parts[n - 1].end, p.end))
			__builtin_trap();
		for (size_t i = 1; i < n; i++)
			if (date_cmp(parts[i].start, parts[i - 1].end))
				__builtin_trap();
		for (size_t i = 0; i < n; i++)
			period_label_human(&parts[i], i & 1, human, sizeof(human));
		free(parts);
		parts = NULL;
	}
	period_label_human(&p, 1, human, sizeof(human));
	period_label_human(&p, 0, human, sizeof(human));
	return 0;
}
