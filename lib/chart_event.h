/* The event-study chart of didkpi effects (didkpi chart event-study). */
#ifndef DIDKPI_CHART_EVENT_H
#define DIDKPI_CHART_EVENT_H

#include "chart.h"
#include "effects.h"

/* A struct chart and the storage it points into. */
struct chart_event {
	struct chart chart;
	struct chart_series series;
	struct chart_marker marker;
	char **cats;          /* "-12" .. "+12" */
	double *values, *lo, *hi;
	int *e;               /* event time of each category */
	size_t n;
	char *title, *subtitle, *source, *ytitle;
	int empty;            /* no event time has an estimate */
};

/*
 * chart_event_build() fills ce from the event-study rows of r (outcome o,
 * estimated with opt): a bar per month since adoption (-leads .. +lags;
 * an event time with no estimate is a gap), whiskers for the intervals
 * of the rows, the zero line, and a dashed marker where adoption falls
 * (between -1 and 0). reliable 0 adds "too few services" to the subtitle.
 * first and last name the panel's months. Returns DK_OK, or DK_SOFTWARE
 * when out of memory. Free with chart_event_free() (also after a failure).
 */
int chart_event_build(struct chart_event *ce, const struct effects_result *r, int o,
		      const struct effects_options *opt, int thai, int reliable,
		      const char *first, const char *last);
void chart_event_free(struct chart_event *ce);

/* chart_event_log() says with log_info what the chart shows, as numbers:
 * "event: e estimate lo..hi" a line (what the tests check). */
void chart_event_log(const struct chart_event *ce);

#endif
