/* The chart of an interrupted time series (didkpi chart its, issue 11). */
#ifndef DIDKPI_CHART_ITS_H
#define DIDKPI_CHART_ITS_H

#include <stddef.h>

#include "kpi.h"
#include "period.h"

struct outfile;

/* What the chart shows; every pointer is borrowed for the call. */
struct chart_its {
	const struct period *months;  /* the series' months, n of them */
	size_t n;
	const double *observed;       /* n values, NAN = none */
	const double *fitted;         /* n values, NAN where there is no line
					 (a transition month) */
	const double *counterfactual; /* n values, NAN where not drawn */
	struct civil_date at;         /* the date of the change (the marker) */
	const char *at_label;         /* its text ("2 ต.ค. 2566") */
	const char *title, *subtitle, *source;
	int thai;
	enum kpi_unit unit;           /* how values read: % for fractions */
};

/*
 * chart_its_write() draws the observed months (grey points and line), the
 * fitted line before and after the date (broken at it), the
 * counterfactual after it (dashed) and a marker at the date, in Thai or
 * English, into of (opened with outfile_open(); always consumed:
 * committed on success, aborted on failure), width x height.
 * Returns chart_write_outfile()'s status, or DK_SOFTWARE out of memory.
 */
int chart_its_write(const struct chart_its *in, struct outfile *of, int width, int height);

#endif
