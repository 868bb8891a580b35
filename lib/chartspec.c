/* The one chart builder: what each chart shows (see chartspec.h). */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chartspec.h"
#include "log.h"
#include "status.h"

/* Everything allocated for one chart, freed together. */
struct chartspec_pool {
	void **v;
	size_t n, cap;
	int oom;
};

static void *pool_add(struct chartspec_pool *p, void *ptr)
{
	void **v;

	if (!ptr) {
		p->oom = 1;
		return NULL;
	}
	if (p->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 32;
		if (!(v = realloc(p->v, p->cap * sizeof(*v)))) {
			free(ptr);
			p->oom = 1;
			return NULL;
		}
		p->v = v;
	}
	p->v[p->n++] = ptr;
	return ptr;
}

static void *pool_calloc(struct chartspec_pool *p, size_t n, size_t size)
{
	return pool_add(p, calloc(n ? n : 1, size));
}

static const char *pool_printf(struct chartspec_pool *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static const char *pool_printf(struct chartspec_pool *p, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	return pool_add(p, n < 0 ? NULL : s);
}

/* A copy of n doubles in the pool. */
static double *pool_doubles(struct chartspec_pool *p, const double *v, size_t n)
{
	double *c = pool_calloc(p, n, sizeof(double));

	if (c && v && n)
		memcpy(c, v, n * sizeof(double));
	return c;
}

void chartspec_free(struct chartspec *cs)
{
	if (!cs)
		return;
	if (cs->pool) {
		for (size_t i = 0; i < cs->pool->n; i++)
			free(cs->pool->v[i]);
		free(cs->pool->v);
		free(cs->pool);
	}
	free(cs);
}

/* What a builder works with. */
struct build {
	const struct chartspec_ctx *ctx;
	int thai;
	const struct period *period;
	const struct period *months;
	size_t nmonths;
	enum period_interval interval;
	struct chartspec *cs;
	struct chart *c;
	struct chartspec_pool *pool;
};

static int build_start(struct build *b, const struct chartspec_ctx *ctx)
{
	memset(b, 0, sizeof(*b));
	b->ctx = ctx;
	b->thai = ctx->thai;
	if (!(b->cs = calloc(1, sizeof(*b->cs))) ||
	    !(b->cs->pool = calloc(1, sizeof(*b->cs->pool)))) {
		free(b->cs);
		b->cs = NULL;
		log_error("out of memory");
		return DK_SOFTWARE;
	}
	b->pool = b->cs->pool;
	b->c = &b->cs->chart;
	b->c->thai = ctx->thai;
	return DK_OK;
}

/* "ชื่อ. คำอธิบาย." as the text alternative. */
static void make_alt(struct build *b)
{
	const struct chart *c = b->c;
	const char *s;

	s = pool_printf(b->pool, "%s%s%s", c->title ? c->title : "",
			c->subtitle && *c->subtitle ? (b->thai ? "  " : ". ") : "",
			c->subtitle ? c->subtitle : "");
	if (c->has_target && s) {
		char num[64];

		switch (c->format) {
		case CHART_FMT_PERCENT: snprintf(num, sizeof(num), "%.4g%%", c->target * 100); break;
		default: snprintf(num, sizeof(num), "%.6g", c->target);
		}
		s = pool_printf(b->pool, "%s%s%s %s", s, b->thai ? "  " : ". ",
				b->thai ? "เป้าหมาย" : "Target", num);
	}
	if (b->cs->empty && s)
		s = pool_printf(b->pool, "%s%s%s", s, b->thai ? "  " : ". ",
				b->thai ? "ไม่มีข้อมูล" : "No data");
	b->cs->alt = s;
}

/* Ends a build: the chartspec to *out, or DK_SOFTWARE when memory ran out. */
static int build_end(struct build *b, int st, struct chartspec **out)
{
	if (st == DK_OK && !b->pool->oom)
		make_alt(b);
	if (st < 0 || (st == DK_OK && b->pool->oom)) {
		log_error("out of memory");
		st = DK_SOFTWARE;
	}
	if (st) {
		chartspec_free(b->cs);
		*out = NULL;
		return st;
	}
	*out = b->cs;
	return DK_OK;
}

/* "27 พ.ย. 2569" / "27 Nov 2026". */
static void date_human(struct civil_date d, int thai, char *buf, size_t n)
{
	const char *m = period_month_name(d.month, thai, 1);

	snprintf(buf, n, "%d %s %d", d.day, m ? m : "?", d.year + (thai ? 543 : 0));
}

/* Between parts of a subtitle: Thai fonts draw a middle dot too high. */
static const char *sep(const struct build *b)
{
	return b->thai ? "  " : " · ";
}

static const char *svc_name(const struct build *b, const struct chartdata_service *s)
{
	return b->thai ? s->name_th : s->name_en;
}

/* "  บริการ: a, b" for the subtitle when filtered to services, else "". */
static const char *services_note(struct build *b)
{
	const struct chartdata_services *svc = b->ctx->services;
	const char *s = "";
	size_t i;

	if (!svc || svc->n == 0)
		return "";
	for (i = 0; i < svc->n; i++)
		s = pool_printf(b->pool, "%s%s%s", s ? s : "", i ? ", " : "",
				svc_name(b, &svc->v[i]));
	return pool_printf(b->pool, "%s%s %s", sep(b), b->thai ? "บริการ:" : "services:", s ? s : "");
}

/* The axis label of piece i: "ต.ค. 67" for a month (and, in a long day
 * or week series, for the first piece of each month: the others get ""),
 * "3 มี.ค." for a day or week, "ไตรมาส 1/2568", "2568" (B.E. in Thai). */
static void category_label(const struct build *b, size_t i, char *buf, size_t len)
{
	const struct period *p = &b->months[i];
	struct civil_date s = p->start;
	int thai = b->thai, be = period_fiscal_year_of(s);
	const char *m = period_month_name(s.month, thai, 1);

	switch (b->interval) {
	case INTERVAL_DAY:
	case INTERVAL_WEEK:
		/* long series: only where a month begins, so labels do not crowd */
		if (b->nmonths > (b->interval == INTERVAL_DAY ? 62 : 26)) {
			if (i == 0 || s.month != b->months[i - 1].start.month)
				period_month_short(s.year, s.month, thai, buf, len);
			else
				buf[0] = '\0';
			return;
		}
		snprintf(buf, len, "%d %s", s.day, m ? m : "?");
		return;
	case INTERVAL_QUARTER:
		if (thai)
			snprintf(buf, len, "ไตรมาส %d/%d", ((s.month + 2) % 12) / 3 + 1, be);
		else
			snprintf(buf, len, "FY%d Q%d", be, ((s.month + 2) % 12) / 3 + 1);
		return;
	case INTERVAL_YEAR:
		snprintf(buf, len, "%d", thai ? s.year + 543 : s.year);
		return;
	default:
		period_month_short(s.year, s.month, thai, buf, len);
	}
}

/* The periods as axis labels. */
static int categories(struct build *b)
{
	const char **cats = pool_calloc(b->pool, b->nmonths, sizeof(*cats));
	const char **keys = pool_calloc(b->pool, b->nmonths, sizeof(char *));
	size_t i;

	if (!cats || !keys)
		return -1;
	for (i = 0; i < b->nmonths; i++) {
		char *buf = pool_calloc(b->pool, PERIOD_HUMAN_LEN, 1);

		if (!buf)
			return -1;
		category_label(b, i, buf, PERIOD_HUMAN_LEN);
		cats[i] = buf;
		keys[i] = b->months[i].label;
	}
	b->c->categories = cats;
	b->c->ncategories = b->nmonths;
	b->cs->cat_keys = keys;
	return 0;
}

/* "รายเดือน" / "by month", and the like for the other intervals. */
static const char *interval_words(const struct build *b)
{
	int th = b->thai;

	switch (b->interval) {
	case INTERVAL_DAY: return th ? "รายวัน" : "by day";
	case INTERVAL_WEEK: return th ? "รายสัปดาห์ (จันทร์–อาทิตย์)" : "by ISO week (Monday to Sunday)";
	case INTERVAL_QUARTER: return th ? "รายไตรมาสปีงบประมาณ" : "by fiscal quarter";
	case INTERVAL_YEAR: return th ? "รายปี (ปีปฏิทิน)" : "by calendar year";
	default: return th ? "รายเดือน" : "by month";
	}
}

/* "ต่อเดือน" / "per month", for the y axis of counts. */
static const char *interval_per(const struct build *b)
{
	int th = b->thai;

	switch (b->interval) {
	case INTERVAL_DAY: return th ? "ต่อวัน" : "per day";
	case INTERVAL_WEEK: return th ? "ต่อสัปดาห์" : "per week";
	case INTERVAL_QUARTER: return th ? "ต่อไตรมาส" : "per quarter";
	case INTERVAL_YEAR: return th ? "ต่อปี" : "per year";
	default: return th ? "ต่อเดือน" : "per month";
	}
}

/* "ที่มา: didkpi  ปีงบประมาณ 2568  ข้อมูล ณ 27 พ.ย. 2569", or the
 * caller's own source line. */
static const char *source_line(struct build *b, const char *what)
{
	char today[64];

	if (b->ctx->source)
		return b->ctx->source;
	date_human(b->ctx->today, b->thai, today, sizeof(today));
	if (b->thai)
		return pool_printf(b->pool, "ที่มา: didkpi  %s%sข้อมูล ณ %s", what ? what : "",
				   what ? "  " : "", today);
	return pool_printf(b->pool, "Source: didkpi · %s%sdata as of %s", what ? what : "",
			   what ? " · " : "", today);
}

static const char *period_text(struct build *b)
{
	char *buf = pool_calloc(b->pool, PERIOD_HUMAN_LEN, 1);

	if (buf && b->period)
		period_label_human(b->period, b->thai, buf, PERIOD_HUMAN_LEN);
	return buf;
}

static const char *title_or(struct build *b, const char *dflt)
{
	return b->ctx->title ? b->ctx->title : dflt;
}

static enum chart_value_format unit_format(enum kpi_unit u)
{
	switch (u) {
	case UNIT_FRACTION: return CHART_FMT_PERCENT;
	case UNIT_HOURS: return CHART_FMT_HOURS;
	case UNIT_MS: return CHART_FMT_MS;
	default: return CHART_FMT_NUMBER;
	}
}

/* The y-axis title of a KPI: what 100% is of, or what is counted. */
static const char *kpi_ytitle(struct build *b, enum kpi_id k)
{
	const struct kpi_def *d = &kpi_defs[k];
	int th = b->thai;

	switch (d->unit) {
	case UNIT_FRACTION:
		/* Thai runs words together, but not into Latin letters. */
		return th ? pool_printf(b->pool, "ร้อยละของ%s%s",
					(unsigned char)d->denominator_th[0] < 0x80 ? " " : "",
					d->denominator_th)
			  : pool_printf(b->pool, "%% of %s", d->denominator_en);
	case UNIT_COUNT:
		return th ? pool_printf(b->pool, "%s %s", d->numerator_th, interval_per(b))
			  : pool_printf(b->pool, "%s, %s", d->numerator_en, interval_per(b));
	case UNIT_SCORE:
		return th ? "คะแนนเฉลี่ย (1–5)" : "mean score (1–5)";
	case UNIT_HOURS:
		return th ? "ชั่วโมง" : "hours";
	case UNIT_MS:
		return th ? "มิลลิวินาที" : "milliseconds";
	case UNIT_BAHT:
		return th ? "บาท" : "baht";
	}
	return NULL;
}

/* A target value for people: "60%", "48 ชม.", "4.5". */
static void target_text(double v, enum chart_value_format f, int thai, char *buf, size_t n)
{
	switch (f) {
	case CHART_FMT_PERCENT:
		snprintf(buf, n, "%.4g%%", v * 100);
		break;
	case CHART_FMT_HOURS:
		snprintf(buf, n, "%.4g %s", v, thai ? "ชม." : "h");
		break;
	case CHART_FMT_MS:
		snprintf(buf, n, "%.4g ms", v);
		break;
	default:
		snprintf(buf, n, "%.6g", v);
	}
}

/* The period index (fractional) of date d: period i spans [i - 0.5, i + 0.5). */
static double month_position(const struct build *b, struct civil_date d)
{
	for (size_t i = 0; i < b->nmonths; i++) {
		long s = date_to_days(b->months[i].start), e = date_to_days(b->months[i].end);
		long x = date_to_days(d);

		if (x >= s && x < e)
			return (double)i - 0.5 + (double)(x - s) / (double)(e - s);
	}
	return -1e9;
}

/* No periods (wholly in the future): a title and "no data". */
static int empty_chart(struct build *b, enum chart_kind kind, const char *title)
{
	struct chart *c = b->c;

	b->cs->empty = 1;
	c->kind = kind;
	c->title = title_or(b, title);
	c->subtitle = period_text(b);
	c->source = source_line(b, period_text(b));
	return 0;
}

static int build_trend(struct build *b, const struct chartspec_trend *in)
{
	const struct kpi_def *def = &kpi_defs[in->kpi];
	const struct chartdata *data = in->data;
	const struct chartdata_services *markers = in->markers;
	struct chart_series *ser;
	struct chart_marker *mk;
	struct chart *c = b->c;
	const char **keys;
	double *target;
	size_t i, j, last = 0;
	int any = 0, has_target = 0, differ = 0, thai = b->thai;

	if (b->nmonths == 0 || !data)
		return empty_chart(b, CHART_LINE, thai ? def->label_th : def->label_en);
	ser = pool_calloc(b->pool, data->nseries, sizeof(*ser));
	keys = pool_calloc(b->pool, data->nseries, sizeof(char *));
	if (!ser || !keys)
		return -1;
	for (j = 0; j < data->nseries; j++) {
		const struct chartdata_series *s = &data->series[j];

		keys[j] = s->code ? s->code : "all";
		if (!(ser[j].values = pool_doubles(b->pool, s->values, b->nmonths)))
			return -1;
		ser[j].name = j == 0 ? (thai ? "ทุกบริการ" : "All services")
				     : (thai ? s->name_th : s->name_en);
		/* With services, the department total is the grey context. */
		ser[j].emphasis = j > 0;
		for (i = 0; i < b->nmonths; i++)
			if (isfinite(s->values[i]) &&
			    (def->kind != KIND_COUNT || s->values[i] != 0))
				any = 1;
	}
	b->cs->series_keys = keys;
	b->cs->empty = !any;
	if (b->cs->empty) /* an explicit "no data" chart, not a line at zero */
		for (j = 0; j < data->nseries; j++)
			for (i = 0; i < b->nmonths; i++)
				((double *)ser[j].values)[i] = NAN;
	c->kind = CHART_LINE;
	c->series = ser;
	c->nseries = data->nseries;
	c->format = unit_format(def->unit);
	c->y_title = kpi_ytitle(b, in->kpi);
	c->title = title_or(b, thai ? def->label_th : def->label_en);

	/* The target line follows the target in force month by month; its
	 * label gives the last month's, and since when, if it changed. */
	target = data->target ? pool_doubles(b->pool, data->target, b->nmonths) : NULL;
	if (data->target && !target)
		return -1;
	for (i = 0; target && i < b->nmonths; i++) {
		double t = target[i];

		if (!isfinite(t))
			continue;
		if (has_target && t != target[last])
			differ = 1;
		has_target = 1;
		last = i;
	}
	if (has_target) {
		char val[48], from[PERIOD_HUMAN_LEN];

		c->has_target = 1;
		c->target = target[last];
		c->targets = target; /* steps where it changes */
		if (differ) {
			for (i = last; i > 0 && target[i - 1] == c->target; i--)
				;
			target_text(c->target, c->format, thai, val, sizeof(val));
			if (b->interval == INTERVAL_DAY || b->interval == INTERVAL_WEEK)
				snprintf(from, sizeof(from), "%d %s", b->months[i].start.day,
					 period_month_name(b->months[i].start.month, thai, 1));
			else
				period_month_short(b->months[i].start.year,
						   b->months[i].start.month, thai, from,
						   sizeof(from));
			c->target_label = thai
				? pool_printf(b->pool, "เป้าหมาย %s (ตั้งแต่ %s)", val, from)
				: pool_printf(b->pool, "Target %s (from %s)", val, from);
		}
	}

	if (markers && markers->n > 0) {
		if (!(mk = pool_calloc(b->pool, markers->n, sizeof(*mk))))
			return -1;
		for (i = 0; i < markers->n; i++) {
			mk[i].position = month_position(b, markers->v[i].since);
			mk[i].label = svc_name(b, &markers->v[i]);
		}
		c->markers = mk;
		c->nmarkers = markers->n;
	}
	c->subtitle = pool_printf(b->pool, "%s%s%s%s%s", period_text(b), sep(b),
				  interval_words(b),
				  c->nmarkers == 0 ? "" : thai
				  ? "  เส้นประ = วันที่บริการเริ่มรับ Digital ID"
				  : " · dashed lines: Digital ID adoption dates",
				  services_note(b));
	c->source = source_line(b, period_text(b));
	return categories(b);
}

int chartspec_trend(const struct chartspec_ctx *ctx, const struct chartspec_trend *in,
		    struct chartspec **out)
{
	struct build b;
	int st;

	if ((st = build_start(&b, ctx)))
		return st;
	b.period = in->period;
	b.months = in->months;
	b.nmonths = in->nmonths;
	b.interval = in->interval;
	return build_end(&b, build_trend(&b, in), out);
}

/* methods and channels: stacked bars, Digital ID / digital in colour. */
static int build_mix(struct build *b, const struct chartspec_mix *in)
{
	const struct chartdata *data = in->data;
	struct chart *c = b->c;
	struct chart_series *ser;
	const char **keys;
	double **vals;
	int methods = in->methods, thai = b->thai, share = in->share, kept_digital = 0;
	size_t i, j, n = 0;

	if (b->nmonths == 0 || !data)
		return empty_chart(b, CHART_STACKED_BAR,
				   methods ? (thai ? "วิธียืนยันตัวตน" : "Authentication methods")
					   : (thai ? "ช่องทางการยื่นคำขอ" : "Request channels"));
	b->cs->empty = !(data->total > 0);
	ser = pool_calloc(b->pool, data->nseries, sizeof(*ser));
	keys = pool_calloc(b->pool, data->nseries, sizeof(char *));
	vals = pool_calloc(b->pool, data->nseries, sizeof(double *));
	if (!ser || !keys || !vals)
		return -1;
	for (j = 0; j < data->nseries; j++)
		if (!(vals[j] = pool_doubles(b->pool, data->series[j].values, b->nmonths)))
			return -1;
	/* A month with nothing counted says so instead of an empty slot. */
	for (i = 0; i < b->nmonths; i++) {
		double t = 0;

		for (j = 0; j < data->nseries; j++)
			t += vals[j][i];
		if (!(t > 0))
			for (j = 0; j < data->nseries; j++)
				vals[j][i] = NAN;
	}
	for (j = 0; j < data->nseries; j++) {
		const struct chartdata_series *s = &data->series[j];

		/* Keep the legend to what was used, but always one Digital ID
		 * entry, so that the legacy ones stay grey. */
		if (!(s->total > 0) && !b->cs->empty && !(s->digital && !kept_digital))
			continue;
		kept_digital |= s->digital;
		ser[n].values = vals[j];
		keys[n] = s->code;
		ser[n].name = thai ? s->name_th : s->name_en;
		ser[n].emphasis = s->digital;
		n++;
	}
	b->cs->series_keys = keys;
	c->kind = CHART_STACKED_BAR;
	c->series = ser;
	c->nseries = n;
	c->stacked_share = share;
	c->format = CHART_FMT_NUMBER;
	if (methods) {
		c->title = title_or(b, pool_printf(b->pool, "%s%s",
			thai ? (share ? "สัดส่วนวิธียืนยันตัวตนที่ใช้เข้าสู่ระบบ "
				      : "จำนวนการยืนยันตัวตนที่สำเร็จ แยกตามวิธี ")
			     : (share ? "Authentication methods used to log in, share "
				      : "Successful log-ins by authentication method, "),
			interval_words(b)));
		c->y_title = thai ? (share ? "ร้อยละของการยืนยันตัวตนที่สำเร็จ" : "ครั้ง")
				  : (share ? "% of successful log-ins" : "successful log-ins");
	} else {
		c->title = title_or(b, pool_printf(b->pool, "%s%s",
			thai ? (share ? "สัดส่วนคำขอรับบริการแยกตามช่องทาง "
				      : "จำนวนคำขอรับบริการแยกตามช่องทาง ")
			     : (share ? "Service requests by channel, share "
				      : "Service requests by channel, "),
			interval_words(b)));
		c->y_title = thai ? (share ? "ร้อยละของคำขอที่ยื่น" : "คำขอ")
				  : (share ? "% of requests submitted" : "requests");
	}
	c->subtitle = pool_printf(b->pool, "%s%s%s%s", period_text(b), sep(b),
				  methods ? (thai ? "สี = Digital ID  สีเทา = วิธีเดิม (รหัสผ่าน, OTP)"
						  : "colours: Digital ID; greys: legacy methods")
					  : (thai ? "สี = ช่องทางดิจิทัล  สีเทา = ช่องทางอื่น"
						  : "colours: digital channels; grey: other channels"),
				  services_note(b));
	c->source = source_line(b, period_text(b));
	return categories(b);
}

int chartspec_mix(const struct chartspec_ctx *ctx, const struct chartspec_mix *in,
		  struct chartspec **out)
{
	struct build b;
	int st;

	if ((st = build_start(&b, ctx)))
		return st;
	b.period = in->period;
	b.months = in->months;
	b.nmonths = in->nmonths;
	b.interval = in->interval;
	return build_end(&b, build_mix(&b, in), out);
}

/* Pooled row first, then services by adoption date, then code. */
static int row_cmp(const void *pa, const void *pb)
{
	const struct compare_row *a = *(const struct compare_row *const *)pa;
	const struct compare_row *b = *(const struct compare_row *const *)pb;
	int c;

	if (a->pooled != b->pooled)
		return b->pooled - a->pooled;
	if (a->has_dates && b->has_dates && (c = date_cmp(a->adopted, b->adopted)))
		return c;
	return strcmp(a->service_code, b->service_code);
}

static int row_ok(const struct compare_row *r)
{
	return !r->skip && r->before.set && r->after.set;
}

static int build_compare(struct build *b, const struct chartspec_compare *in)
{
	const struct compare_metric_def *m = &compare_metrics[in->metric];
	const struct compare_result *res = in->result;
	struct chart *c = b->c;
	struct chart_series *ser;
	const struct compare_row **rows;
	const char **cats, **cat_keys, **keys;
	double *before, *after, *lo, *hi;
	size_t i, n = 0, nrows = res ? res->nrows : 0;
	int skipped = 0, any = 0, thai = b->thai, window = in->window_months;

	if (!(rows = pool_calloc(b->pool, nrows, sizeof(*rows))))
		return -1;
	for (i = 0; i < nrows; i++)
		if (res->rows[i].metric == in->metric &&
		    (!in->omit_skipped || row_ok(&res->rows[i])))
			rows[n++] = &res->rows[i];
	qsort(rows, n, sizeof(*rows), row_cmp);
	cats = pool_calloc(b->pool, n, sizeof(*cats));
	before = pool_calloc(b->pool, n, sizeof(double));
	after = pool_calloc(b->pool, n, sizeof(double));
	lo = pool_calloc(b->pool, n, sizeof(double));
	hi = pool_calloc(b->pool, n, sizeof(double));
	ser = pool_calloc(b->pool, 2, sizeof(*ser));
	cat_keys = pool_calloc(b->pool, n, sizeof(char *));
	keys = pool_calloc(b->pool, 2, sizeof(char *));
	if (!cats || !before || !after || !lo || !hi || !ser || !cat_keys || !keys)
		return -1;
	keys[0] = "before";
	keys[1] = "after";
	for (i = 0; i < n; i++) {
		const struct compare_row *r = rows[i];
		int ok = row_ok(r);

		cat_keys[i] = r->service_code;
		cats[i] = !r->pooled ? (thai ? r->name_th : r->name_en)
			: thai ? pool_printf(b->pool, "รวม %d บริการ", r->pooled_services)
			: pool_printf(b->pool, "%d services pooled", r->pooled_services);
		before[i] = ok ? r->before.v : NAN;
		after[i] = ok ? r->after.v : NAN;
		/* The interval of the change, drawn from the before level: the
		 * whisker misses the before bar's height exactly when the change
		 * is significant at 5%. */
		lo[i] = ok && r->ci_low.set ? r->before.v + r->ci_low.v : NAN;
		hi[i] = ok && r->ci_high.set ? r->before.v + r->ci_high.v : NAN;
		if (ok && !r->pooled)
			any = 1;
		if (!ok && !r->pooled)
			skipped = 1;
	}
	b->cs->cat_keys = cat_keys;
	b->cs->series_keys = keys;
	b->cs->empty = !any;
	if (b->cs->empty)
		for (i = 0; i < n; i++)
			before[i] = after[i] = lo[i] = hi[i] = NAN;
	ser[0].name = thai ? pool_printf(b->pool, "ก่อนใช้ Digital ID (%d เดือน)", window)
			   : pool_printf(b->pool, "Before Digital ID (%d months)", window);
	ser[0].values = before;
	ser[1].name = in->ramp_months == 0
		? (thai ? pool_printf(b->pool, "หลังใช้ Digital ID (%d เดือน)", window)
			: pool_printf(b->pool, "After Digital ID (%d months)", window))
		: (thai ? pool_printf(b->pool, "หลังใช้ Digital ID (%d เดือน หลังเว้น %d เดือน)",
				      window, in->ramp_months)
			: pool_printf(b->pool, "After Digital ID (%d months, after %d skipped)",
				      window, in->ramp_months));
	ser[1].values = after;
	ser[1].ci_low = lo;
	ser[1].ci_high = hi;
	ser[1].emphasis = 1;
	c->kind = CHART_GROUPED_BAR;
	c->series = ser;
	c->nseries = 2;
	c->categories = cats;
	c->ncategories = n;
	c->format = m->unit == UNIT_FRACTION ? CHART_FMT_PERCENT
		  : m->unit == UNIT_HOURS ? CHART_FMT_HOURS : CHART_FMT_NUMBER;
	/* Service time's interval is for the Hodges-Lehmann shift, which
	 * need not equal the difference of the medians the bars show. */
	if (in->metric == CMP_SERVICE_TIME_MEDIAN)
		c->ci_label = thai ? "ช่วงความเชื่อมั่น 95% ของค่าเลื่อน Hodges–Lehmann วัดจากค่าก่อนใช้"
				   : "95% CI of the Hodges–Lehmann shift, measured from the before median";
	else
		c->ci_label = thai ? "ช่วงความเชื่อมั่น 95% ของการเปลี่ยนแปลง วัดจากค่าก่อนใช้"
				   : "95% CI of the change, measured from the before value";
	if (in->metric == CMP_REQUESTS_PER_MONTH)
		c->y_title = thai ? "คำขอต่อเดือน" : "requests per month";
	else if (in->metric == CMP_SERVICE_TIME_MEDIAN)
		c->y_title = thai ? "ชั่วโมง (มัธยฐาน)" : "hours (median)";
	else
		c->y_title = kpi_ytitle(b, m->kpi);
	c->title = title_or(b, thai ? pool_printf(b->pool, "%s ก่อนและหลังใช้ Digital ID", m->label_th)
				    : pool_printf(b->pool, "%s before and after Digital ID", m->label_en));
	c->subtitle = pool_printf(b->pool, "%s%s%s%s",
		thai ? pool_printf(b->pool, "รายบริการ ช่วงละ %d เดือนก่อนและหลังวันที่เริ่มรับ Digital ID",
				   window)
		     : pool_printf(b->pool, "By service, %d months before and after the day it began "
				   "accepting Digital ID", window),
		in->adopted_in ? pool_printf(b->pool, thai ? "  เริ่มใช้ใน%s" : " · adopted in %s",
					     period_text(b)) : "",
		skipped ? (thai ? "  ไม่มีข้อมูล = ช่วงหลังยังไม่ครบ หรือข้อมูลไม่ถึง 30 รายการ"
				: " · n/a: after window not over yet, or under 30 observations") : "",
		services_note(b));
	c->source = source_line(b, NULL);
	return 0;
}

int chartspec_compare(const struct chartspec_ctx *ctx, const struct chartspec_compare *in,
		      struct chartspec **out)
{
	struct build b;
	int st;

	if ((st = build_start(&b, ctx)))
		return st;
	b.period = in->adopted_in;
	return build_end(&b, build_compare(&b, in), out);
}

/* ---- from the data of a report ---- */

/* The context with today taken from the report's snapshot when unset. */
static struct chartspec_ctx report_ctx(const struct chartspec_ctx *ctx,
				       const struct report_data *d)
{
	struct chartspec_ctx c = *ctx;
	int y, m, day;

	if (c.today.year == 0 && sscanf(d->snapshot, "%4d-%2d-%2d", &y, &m, &day) == 3)
		c.today = (struct civil_date){ y, m, day };
	return c;
}

/* The months a report's trend covers, as one period. */
static struct period report_span(const struct report_data *d)
{
	if (d->nmonths == 0)
		return d->period;
	return period_range(d->months[0].start, d->months[d->nmonths - 1].end);
}

int chartspec_report_trend(const struct chartspec_ctx *ctx, const struct report_data *d,
			   enum kpi_id k, struct chartspec **out)
{
	struct chartspec_ctx c = report_ctx(ctx, d);
	struct period span = report_span(d);
	struct chartdata data = { 0 };
	struct chartdata_series ser = { 0 };
	struct chartspec_trend in = { .kpi = k, .period = &span, .months = d->months,
				      .nmonths = d->trend ? d->nmonths : 0,
				      .interval = INTERVAL_MONTH, .data = &data,
				      .markers = d->markers };
	double *v = NULL, *t = NULL;
	int st = DK_SOFTWARE;

	if (!(v = calloc(d->nmonths + 1, sizeof(*v))) || !(t = calloc(d->nmonths + 1, sizeof(*t)))) {
		log_error("out of memory");
		goto out;
	}
	for (size_t i = 0; i < in.nmonths; i++) {
		const struct kpi_row *row = report_find(d->trend, i, k, BD_ALL, NULL);

		v[i] = row && row->value.set ? row->value.v : NAN;
		t[i] = row && row->target.set ? row->target.v : NAN;
	}
	ser.values = v;
	data.nmonths = in.nmonths;
	data.series = &ser;
	data.nseries = 1;
	data.target = t;
	st = chartspec_trend(&c, &in, out);
out:
	/* chartspec_trend() copied the values */
	free(v);
	free(t);
	return st;
}

int chartspec_report_compare(const struct chartspec_ctx *ctx, const struct report_data *d,
			     enum compare_metric m, int window_months, struct chartspec **out)
{
	struct chartspec_ctx c = report_ctx(ctx, d);
	struct chartspec_compare in = { .metric = m, .result = d->compare,
					.window_months = window_months, .omit_skipped = 1 };

	return chartspec_compare(&c, &in, out);
}

int chartspec_report_methods(const struct chartspec_ctx *ctx, const struct report_data *d,
			     int share, struct chartspec **out)
{
	struct chartspec_ctx c = report_ctx(ctx, d);
	struct period span = report_span(d);
	struct chartspec_mix in = { .methods = 1, .share = share, .period = &span,
				    .months = d->months, .nmonths = d->methods ? d->nmonths : 0,
				    .interval = INTERVAL_MONTH, .data = d->methods };

	return chartspec_mix(&c, &in, out);
}
