/* The chart of an interrupted time series: observed, fitted, counterfactual. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "chart.h"
#include "chart_its.h"
#include "log.h"
#include "outfile.h"
#include "status.h"

/* The month index (fractional) of d: month i spans [i - 0.5, i + 0.5). */
static double position_of(const struct chart_its *in, struct civil_date d)
{
	long x = date_to_days(d);

	for (size_t i = 0; i < in->n; i++) {
		long s = date_to_days(in->months[i].start), e = date_to_days(in->months[i].end);

		if (x >= s && x < e)
			return (double)i - 0.5 + (double)(x - s) / (double)(e - s);
	}
	return -1e9;
}

static enum chart_value_format value_format(enum kpi_unit u)
{
	switch (u) {
	case UNIT_FRACTION: return CHART_FMT_PERCENT;
	case UNIT_HOURS: return CHART_FMT_HOURS;
	case UNIT_MS: return CHART_FMT_MS;
	default: return CHART_FMT_NUMBER;
	}
}

int chart_its_write(const struct chart_its *in, struct outfile *of, int width, int height)
{
	char (*labels)[48] = calloc(in->n ? in->n : 1, sizeof(*labels));
	const char **cats = calloc(in->n ? in->n : 1, sizeof(*cats));
	struct chart_series ser[3] = { { 0 } };
	static const enum chart_line_style styles[3] = { CHART_LINE_MARKED, CHART_LINE_PLAIN,
							 CHART_LINE_DASHED };
	size_t breaks[3] = { 0 };
	struct chart_marker mk;
	struct chart c = { 0 };
	size_t i, brk = 0;
	int st;

	if (!labels || !cats) {
		free(labels);
		free(cats);
		outfile_abort(of);
		log_error("out of memory");
		return DK_SOFTWARE;
	}
	for (i = 0; i < in->n; i++) {
		period_month_short(in->months[i].start.year, in->months[i].start.month, in->thai,
				   labels[i], sizeof(labels[i]));
		cats[i] = labels[i];
		/* the fitted line breaks where the after part begins */
		if (!brk && i > 0 && date_cmp(in->months[i].start, in->at) >= 0)
			brk = i;
	}
	ser[0].name = in->thai ? "ค่าจริง" : "observed";
	ser[0].values = in->observed;
	ser[1].name = in->thai ? "ตามแบบจำลอง" : "fitted";
	ser[1].values = in->fitted;
	ser[1].emphasis = 1;
	ser[2].name = in->thai ? "ถ้าไม่มีการเปลี่ยนแปลง (เส้นเดิมต่อไป)"
			       : "counterfactual (the line before, continued)";
	ser[2].values = in->counterfactual;
	ser[2].emphasis = 1;
	breaks[1] = brk;
	mk.position = position_of(in, in->at);
	mk.label = in->at_label;
	c.kind = CHART_LINE;
	c.thai = in->thai;
	c.title = in->title;
	c.subtitle = in->subtitle;
	c.source = in->source;
	c.categories = cats;
	c.ncategories = in->n;
	c.series = ser;
	c.nseries = 3;
	c.format = value_format(in->unit);
	c.line_styles = styles;
	c.line_breaks = breaks;
	c.markers = &mk;
	c.nmarkers = 1;
	st = chart_write_outfile(&c, of, width, height);
	free(labels);
	free(cats);
	return st;
}
