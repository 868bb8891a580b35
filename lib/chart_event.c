/* The event-study chart: effects by month since adoption, drawn as bars
 * from the zero line with interval whiskers (lib/chart.h's grouped bars,
 * which draw the zero line over the data). */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart_event.h"
#include "format.h"
#include "log.h"
#include "status.h"

static char *dup_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *dup_printf(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	return s;
}

int chart_event_build(struct chart_event *ce, const struct effects_result *r, int o,
		      const struct effects_options *opt, int thai, int reliable,
		      const char *first, const char *last)
{
	const struct effects_outcome_def *def = &effects_outcomes[o];
	size_t n = (size_t)(opt->leads + opt->lags + 1), i;
	int k, any = 0;

	memset(ce, 0, sizeof(*ce));
	ce->n = n;
	if (!(ce->cats = calloc(n, sizeof(char *))) || !(ce->values = malloc(n * sizeof(double))) ||
	    !(ce->lo = malloc(n * sizeof(double))) || !(ce->hi = malloc(n * sizeof(double))) ||
	    !(ce->e = malloc(n * sizeof(int))))
		goto oom;
	for (i = 0; i < n; i++) {
		ce->e[i] = (int)i - opt->leads;
		ce->values[i] = ce->lo[i] = ce->hi[i] = NAN;
		if (!(ce->cats[i] = dup_printf(ce->e[i] > 0 ? "+%d" : "%d", ce->e[i])))
			goto oom;
	}
	for (k = 0; k < r->nrows; k++) {
		const struct effects_row *x = &r->rows[k];

		if (x->agg != EFF_AGG_EVENT || x->e < -opt->leads || x->e > opt->lags)
			continue;
		i = (size_t)(x->e + opt->leads);
		ce->values[i] = x->estimate;
		ce->lo[i] = x->ci_low;
		ce->hi[i] = x->ci_high;
		any = 1;
	}
	ce->empty = !any;
	ce->series.name = thai ? "ผลที่ประมาณได้ (ATT)" : "Estimated effect (ATT)";
	ce->series.values = ce->values;
	ce->series.ci_low = ce->lo;
	ce->series.ci_high = ce->hi;
	ce->series.emphasis = 1;
	ce->marker.position = opt->leads - 0.5;
	ce->marker.label = thai ? "เริ่มใช้ Digital ID" : "Digital ID adopted";
	if (!(ce->title = thai ? dup_printf("ผลของ Digital ID ต่อ%s รายเดือนนับจากเริ่มใช้", def->label_th)
			       : dup_printf("Effect of Digital ID on %s by month since adoption",
					    def->label_en)) ||
	    !(ce->subtitle = thai
	      ? dup_printf("ATT(g,t) แบบ Callaway–Sant'Anna เทียบกับบริการที่%s%s%s",
			   opt->control == EFF_CONTROL_NEVER ? "ไม่เคยใช้" : "ยังไม่ใช้ (และไม่เคยใช้)",
			   opt->band == EFF_BAND_SIMULTANEOUS ? "  แถบความเชื่อมั่น 95% พร้อมกันทุกเดือน" : "",
			   reliable ? "" : "  บริการน้อยเกินไป ช่วงความเชื่อมั่นเชื่อถือได้น้อย")
	      : dup_printf("Callaway–Sant'Anna ATT(g,t) against %s services%s%s",
			   opt->control == EFF_CONTROL_NEVER ? "never-treated" : "not-yet (and never) treated",
			   opt->band == EFF_BAND_SIMULTANEOUS ? " · simultaneous 95% band" : "",
			   reliable ? "" : " · too few services: intervals are rough")) ||
	    !(ce->source = thai ? dup_printf("ข้อมูลรายเดือน %s ถึง %s  bootstrap %d รอบ สุ่มน้ำหนักทีละบริการ",
					     first, last, opt->boot)
				: dup_printf("Monthly data %s to %s · multiplier bootstrap, %d replicates, "
					     "clustered by service", first, last, opt->boot)) ||
	    !(ce->ytitle = thai ? dup_printf("ผลต่อ%s%s", def->label_th,
					     o == EFF_REQUESTS_LOG ? " (0.1 ≈ +10%)"
					     : def->fraction ? " (จุดร้อยละ)" : "")
				: dup_printf("effect on %s%s", def->label_en,
					     o == EFF_REQUESTS_LOG ? " (0.1 ≈ +10%)"
					     : def->fraction ? " (percentage points)" : "")))
		goto oom;
	ce->chart.kind = CHART_GROUPED_BAR;
	ce->chart.thai = thai;
	ce->chart.title = ce->title;
	ce->chart.subtitle = ce->subtitle;
	ce->chart.source = ce->source;
	ce->chart.categories = (const char *const *)ce->cats;
	ce->chart.ncategories = n;
	ce->chart.series = &ce->series;
	ce->chart.nseries = 1;
	ce->chart.format = def->fraction ? CHART_FMT_PERCENT : def->hours ? CHART_FMT_HOURS
			 : CHART_FMT_NUMBER;
	ce->chart.y_title = ce->ytitle;
	ce->chart.markers = &ce->marker;
	ce->chart.nmarkers = 1;
	ce->chart.ci_label = opt->band == EFF_BAND_SIMULTANEOUS
		? (thai ? "แถบความเชื่อมั่น 95% พร้อมกัน" : "simultaneous 95% band")
		: (thai ? "ช่วงความเชื่อมั่น 95%" : "95% CI");
	return DK_OK;
oom:
	log_error("out of memory");
	return DK_SOFTWARE;
}

void chart_event_free(struct chart_event *ce)
{
	for (size_t i = 0; ce->cats && i < ce->n; i++)
		free(ce->cats[i]);
	free(ce->cats);
	free(ce->values);
	free(ce->lo);
	free(ce->hi);
	free(ce->e);
	free(ce->title);
	free(ce->subtitle);
	free(ce->source);
	free(ce->ytitle);
	memset(ce, 0, sizeof(*ce));
}

void chart_event_log(const struct chart_event *ce)
{
	char a[FMT_NUMBER_MAX], b[FMT_NUMBER_MAX], c[FMT_NUMBER_MAX];

	for (size_t i = 0; i < ce->n; i++) {
		if (!isfinite(ce->values[i]))
			log_info("event: %d -", ce->e[i]);
		else if (isfinite(ce->lo[i]) && isfinite(ce->hi[i]))
			log_info("event: %d %s %s..%s", ce->e[i], fmt_number(ce->values[i], a),
				 fmt_number(ce->lo[i], b), fmt_number(ce->hi[i], c));
		else
			log_info("event: %d %s", ce->e[i], fmt_number(ce->values[i], a));
	}
}
