/* didkpi chart: a KPI trend, before/after bars, the method and channel mix as PNG, SVG or PDF. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "chart.h"
#include "chartdata.h"
#include "cmd.h"
#include "freshness.h"
#include "cmd_its.h"
#include "compare.h"
#include "format.h"
#include "kpi.h"
#include "log.h"
#include "outfile.h"
#include "period.h"
#include "status.h"
#include "suggest.h"

static const char usage[] =
	"Usage: didkpi chart KIND -o FILE [OPTION]...\n"
	"Draw a chart of the department's KPIs (SPEC section 6) from one read-only\n"
	"snapshot. FILE's extension chooses the format: .png, .svg or .pdf. The\n"
	"file appears atomically (written beside it, then renamed), never through\n"
	"a symbolic link.\n\n"
	"Kinds:\n"
	"  trend      a KPI by month (--interval), with its target and the adoption\n"
	"             dates\n"
	"  compare    one metric before and after each service adopted Digital ID,\n"
	"             with 95% confidence intervals (didkpi compare)\n"
	"  methods    successful log-ins by authentication method and month, stacked\n"
	"  channels   service requests by channel and month, stacked\n"
	"  its        an interrupted time series at a date: see didkpi chart its --help\n\n"
	"Options:\n"
	"  -o, --output=FILE       the chart to write (required)\n"
	"  -p, --period=PERIOD     2025-03, 2025, FY2568, FY2568-Q1, 2025-W10,\n"
	"                          2025-03-01..=2025-03-31 (end included),\n"
	"                          2025-03-01..2025-04-01 (end excluded), last-month,\n"
	"                          this-month, this-fy, last-fy (default this-fy: the\n"
	"                          fiscal year to date); compare: only the services\n"
	"                          that adopted Digital ID in it (default: all)\n"
	"  -i, --interval=day|week|month|quarter|year\n"
	"                          trend, methods, channels: one point or bar per\n"
	"                          local day, ISO week (Monday first), month\n"
	"                          (default), fiscal quarter or calendar year\n"
	"  -s, --service=CODE,...  only these services\n"
	"  -k, --kpi=NAME          trend: the KPI (default digital_channel_rate; see\n"
	"                          didkpi kpi --list)\n"
	"  -m, --metric=NAME       compare: digital_channel_rate (the default),\n"
	"                          requests_per_month, service_time_median_hours,\n"
	"                          satisfaction_mean, satisfaction_csat, completion_rate\n"
	"      --window=N          compare: months before and after (default 6)\n"
	"      --ramp=N            compare: months skipped after adoption (default 0)\n"
	"      --share             methods, channels: shares of each month (default)\n"
	"      --count             methods, channels: counts\n"
	"      --min-cell=N        trend: blank service values of size 1..N-1\n"
	"                          (default 5; 0 turns suppression off)\n"
	"      --lang=th|en        language of the text (default th)\n"
	"      --width=W           width in pixels, points for PDF (default 1200)\n"
	"      --height=H          height (default 700)\n"
	"      --allow-empty       draw a \"no data\" chart instead of failing\n"
	"      --tz=ZONE           time zone of the periods (default Asia/Bangkok)\n"
	CMD_DB_HELP
	"  -h, --help              show this help\n\n"
	"Exit status: 0 success; 64 usage; 65 no data (without --allow-empty);\n"
	"69 database unavailable; 70 internal error or no Thai-capable font;\n"
	"73 cannot create the file.\n";

enum kind { K_TREND, K_COMPARE, K_METHODS, K_CHANNELS, K_COUNT };
static const char *const kind_names[K_COUNT + 1] = { "trend", "compare", "methods", "channels" };

#define MIN_SIZE 100
#define MAX_SIZE 16384

struct opts {
	enum kind kind;
	const char *period_text;
	int period_given;
	enum kpi_id kpi;
	int kpi_given;
	enum compare_metric metric;
	int metric_given;
	char **services;        /* from --service, deduplicated */
	size_t nservices;
	int thai;
	int width, height;
	int share, share_given;
	long min_cell;
	int min_cell_given;
	int window, ramp, window_given;
	enum period_interval interval;  /* --interval; INTERVAL_MONTH by default */
	int interval_given;
	int allow_empty;
	const char *out;
	const char *tz;
};

/* Everything allocated for one chart, freed together. */
struct pool {
	void **v;
	size_t n, cap;
	int oom;
};

static void *pool_add(struct pool *p, void *ptr)
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

static void *pool_calloc(struct pool *p, size_t n, size_t size)
{
	return pool_add(p, calloc(n ? n : 1, size));
}

static const char *pool_printf(struct pool *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static const char *pool_printf(struct pool *p, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	return pool_add(p, n < 0 ? NULL : s);
}

static void pool_free(struct pool *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i]);
	free(p->v);
}

/* "27 พ.ย. 2569" / "27 Nov 2026". */
static void date_human(struct civil_date d, int thai, char *buf, size_t n)
{
	const char *m = period_month_name(d.month, thai, 1);

	snprintf(buf, n, "%d %s %d", d.day, m ? m : "?", d.year + (thai ? 543 : 0));
}

static int parse_int(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (end == s || *end || errno || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

/* Splits --service into o->services (deduplicated, order kept). */
static int parse_services(struct cmd_ctx *ctx, struct opts *o, const char *arg)
{
	char *copy = strdup(arg), *save = NULL, *tok;
	size_t i;
	int st = DK_OK;

	if (!copy) {
		log_error("out of memory");
		return DK_SOFTWARE;
	}
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char **v;

		for (i = 0; i < o->nservices; i++)
			if (!strcmp(o->services[i], tok))
				break;
		if (i < o->nservices)
			continue;
		if (!(v = realloc(o->services, (o->nservices + 1) * sizeof(*v))) ||
		    !(v[o->nservices] = strdup(tok))) {
			if (v)
				o->services = v;
			log_error("out of memory");
			st = DK_SOFTWARE;
			break;
		}
		o->services = v;
		o->nservices++;
	}
	free(copy);
	if (st == DK_OK && o->nservices == 0)
		st = cmd_usage_error(ctx, "--service needs at least one service code");
	return st;
}

static void opts_free(struct opts *o)
{
	for (size_t i = 0; i < o->nservices; i++)
		free(o->services[i]);
	free(o->services);
}

/* Parses and checks the command line; *done is set after --help. */
static int parse_opts(int argc, char **argv, struct cmd_ctx *ctx, struct opts *o, int *done)
{
	enum { OPT_WINDOW = 256, OPT_RAMP, OPT_SHARE, OPT_COUNT, OPT_MIN_CELL, OPT_LANG,
	       OPT_WIDTH, OPT_HEIGHT, OPT_ALLOW_EMPTY, OPT_TZ };
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "period", required_argument, NULL, 'p' },
		{ "interval", required_argument, NULL, 'i' },
		{ "service", required_argument, NULL, 's' },
		{ "kpi", required_argument, NULL, 'k' },
		{ "metric", required_argument, NULL, 'm' },
		{ "window", required_argument, NULL, OPT_WINDOW },
		{ "ramp", required_argument, NULL, OPT_RAMP },
		{ "share", no_argument, NULL, OPT_SHARE },
		{ "count", no_argument, NULL, OPT_COUNT },
		{ "min-cell", required_argument, NULL, OPT_MIN_CELL },
		{ "lang", required_argument, NULL, OPT_LANG },
		{ "width", required_argument, NULL, OPT_WIDTH },
		{ "height", required_argument, NULL, OPT_HEIGHT },
		{ "allow-empty", no_argument, NULL, OPT_ALLOW_EMPTY },
		{ "tz", required_argument, NULL, OPT_TZ },
		CMD_DB_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	char hint[SUGGEST_HINT_MAX];
	int ch, st, k;
	long v;

	*done = 0;
	while ((ch = getopt_long(argc, argv, "o:p:i:s:k:m:d:vh", opts, NULL)) != -1) {
		switch (ch) {
		case 'o': o->out = optarg; break;
		case 'p': o->period_text = optarg; o->period_given = 1; break;
		case 'i':
			if (period_interval_parse(optarg, &o->interval))
				return cmd_usage_error(ctx, "--interval must be %s, not '%s'",
						       period_intervals_help(), optarg);
			o->interval_given = 1;
			break;
		case 's':
			if ((st = parse_services(ctx, o, optarg)))
				return st;
			break;
		case 'k':
			if ((k = kpi_find(optarg)) < 0)
				return cmd_usage_error(ctx, "--kpi: unknown KPI '%s'%s (see 'didkpi kpi --list')",
						       optarg, suggest_kpi(optarg, hint, sizeof(hint)));
			o->kpi = k;
			o->kpi_given = 1;
			break;
		case 'm':
			if ((k = compare_metric_find(optarg)) < 0)
				return cmd_usage_error(ctx, "--metric: unknown metric '%s'%s", optarg,
						       suggest_metric(optarg, hint, sizeof(hint)));
			o->metric = k;
			o->metric_given = 1;
			break;
		case OPT_WINDOW:
			if (compare_parse_months(optarg, 1, &o->window) < 0)
				return cmd_usage_error(ctx, "--window needs months 1..%d, not '%s'",
						       COMPARE_MAX_MONTHS, optarg);
			o->window_given = 1;
			break;
		case OPT_RAMP:
			if (compare_parse_months(optarg, 0, &o->ramp) < 0)
				return cmd_usage_error(ctx, "--ramp needs months 0..%d, not '%s'",
						       COMPARE_MAX_MONTHS, optarg);
			o->window_given = 1;
			break;
		case OPT_SHARE: o->share = 1; o->share_given = 1; break;
		case OPT_COUNT: o->share = 0; o->share_given = 1; break;
		case OPT_MIN_CELL:
			if (parse_int(optarg, 0, 1000000000L, &o->min_cell) < 0)
				return cmd_usage_error(ctx, "--min-cell needs a number >= 0, not '%s'", optarg);
			o->min_cell_given = 1;
			break;
		case OPT_LANG:
			if (strcmp(optarg, "th") && strcmp(optarg, "en"))
				return cmd_usage_error(ctx, "--lang must be th or en, not '%s'", optarg);
			o->thai = !strcmp(optarg, "th");
			break;
		case OPT_WIDTH:
		case OPT_HEIGHT:
			if (parse_int(optarg, MIN_SIZE, MAX_SIZE, &v) < 0)
				return cmd_usage_error(ctx, "--%s needs a whole number %d..%d, not '%s'",
						       ch == OPT_WIDTH ? "width" : "height",
						       MIN_SIZE, MAX_SIZE, optarg);
			*(ch == OPT_WIDTH ? &o->width : &o->height) = (int)v;
			break;
		case OPT_ALLOW_EMPTY: o->allow_empty = 1; break;
		case OPT_TZ: o->tz = optarg; break;
		case 'd': ctx->dbname = optarg; break;
		case 'v': log_verbose = 1; break;
		case 'h': fputs(usage, stdout); *done = 1; return DK_OK;
		default: return cmd_bad_option(ctx);
		}
	}
	if (optind >= argc)
		return cmd_usage_error(ctx, "which chart? trend, compare, methods or channels");
	for (k = 0; k < K_COUNT; k++)
		if (!strcmp(argv[optind], kind_names[k]))
			break;
	if (k == K_COUNT)
		return cmd_usage_error(ctx, "unknown chart '%s'%s: trend, compare, methods or channels",
				       argv[optind], suggest_list(argv[optind], kind_names, hint, sizeof(hint)));
	o->kind = k;
	if (optind + 1 < argc)
		return cmd_usage_error(ctx, "unexpected argument '%s'", argv[optind + 1]);
	if (!o->out || !*o->out)
		return cmd_usage_error(ctx, "-o FILE is required (.png, .svg or .pdf)");
	if (!chart_path_supported(o->out))
		return cmd_usage_error(ctx, "%s: unsupported chart format: the name must end in "
				       ".png, .svg or .pdf", o->out);
	if (o->kpi_given && o->kind != K_TREND)
		return cmd_usage_error(ctx, "--kpi applies to the trend chart only");
	if ((o->metric_given || o->window_given) && o->kind != K_COMPARE)
		return cmd_usage_error(ctx, "--metric, --window and --ramp apply to the compare chart only");
	if (o->share_given && o->kind != K_METHODS && o->kind != K_CHANNELS)
		return cmd_usage_error(ctx, "--share and --count apply to methods and channels only");
	if (o->min_cell_given && o->kind != K_TREND)
		return cmd_usage_error(ctx, "--min-cell applies to the trend chart only");
	if (o->interval_given && o->kind == K_COMPARE)
		return cmd_usage_error(ctx, "--interval applies to trend, methods and channels only");
	/* Check the period's form now; relative periods are resolved again
	 * against the database's clock. */
	if (o->kind != K_COMPARE || o->period_given)
		return cmd_period_check(o->period_text);
	return DK_OK;
}

/* What every kind needs to build its chart. */
struct build {
	const struct opts *o;
	struct db *db;
	struct civil_date today;
	struct period period;          /* clipped to the current month's end */
	struct period *months;
	size_t nmonths;
	struct chartdata_services *svc; /* --service, with names */
	struct chart chart;
	int empty;                     /* nothing to show */
	struct pool pool;
	struct chartdata *data;
	struct chartdata_services *markers;
	struct compare_result *cmp;
	const char **cat_keys;         /* for -v: months' labels or service codes */
	const char **series_keys;      /* for -v: codes of the series */
};

/* Between parts of a subtitle: Thai fonts draw a middle dot too high. */
static const char *sep(const struct build *b)
{
	return b->o->thai ? "  " : " · ";
}

static const char *svc_name(const struct build *b, const struct chartdata_service *s)
{
	return b->o->thai ? s->name_th : s->name_en;
}

/* "  บริการ: a, b" for the subtitle when filtered to services, else "". */
static const char *services_note(struct build *b)
{
	const char *s = "";
	size_t i;

	if (b->svc->n == 0)
		return "";
	for (i = 0; i < b->svc->n; i++)
		s = pool_printf(&b->pool, "%s%s%s", s ? s : "", i ? ", " : "",
				svc_name(b, &b->svc->v[i]));
	return pool_printf(&b->pool, "%s%s %s", sep(b), b->o->thai ? "บริการ:" : "services:", s ? s : "");
}

/* The axis label of piece i: "ต.ค. 67" for a month (and, in a long day
 * or week series, for the first piece of each month: the others get ""),
 * "3 มี.ค." for a day or week, "ไตรมาส 1/2568", "2568" (B.E. in Thai). */
static void category_label(const struct build *b, size_t i, char *buf, size_t len)
{
	const struct period *p = &b->months[i];
	struct civil_date s = p->start;
	int thai = b->o->thai, be = period_fiscal_year_of(s);
	const char *m = period_month_name(s.month, thai, 1);

	switch (b->o->interval) {
	case INTERVAL_DAY:
	case INTERVAL_WEEK:
		/* long series: only where a month begins, so labels do not crowd */
		if (b->nmonths > (b->o->interval == INTERVAL_DAY ? 62 : 26)) {
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
	const char **cats = pool_calloc(&b->pool, b->nmonths, sizeof(*cats));
	size_t i;

	b->cat_keys = pool_calloc(&b->pool, b->nmonths, sizeof(char *));
	if (!cats || !b->cat_keys)
		return -1;
	for (i = 0; i < b->nmonths; i++) {
		char *buf = pool_calloc(&b->pool, PERIOD_HUMAN_LEN, 1);

		if (!buf)
			return -1;
		category_label(b, i, buf, PERIOD_HUMAN_LEN);
		cats[i] = buf;
		b->cat_keys[i] = b->months[i].label;
	}
	b->chart.categories = cats;
	b->chart.ncategories = b->nmonths;
	return 0;
}

/* "รายเดือน" / "by month", and the like for the other intervals. */
static const char *interval_words(const struct build *b)
{
	int th = b->o->thai;

	switch (b->o->interval) {
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
	int th = b->o->thai;

	switch (b->o->interval) {
	case INTERVAL_DAY: return th ? "ต่อวัน" : "per day";
	case INTERVAL_WEEK: return th ? "ต่อสัปดาห์" : "per week";
	case INTERVAL_QUARTER: return th ? "ต่อไตรมาส" : "per quarter";
	case INTERVAL_YEAR: return th ? "ต่อปี" : "per year";
	default: return th ? "ต่อเดือน" : "per month";
	}
}

/* "ที่มา: didkpi  ปีงบประมาณ 2568  ข้อมูล ณ 27 พ.ย. 2569". */
static const char *source_line(struct build *b, const char *what)
{
	char today[64];

	date_human(b->today, b->o->thai, today, sizeof(today));
	if (b->o->thai)
		return pool_printf(&b->pool, "ที่มา: didkpi  %s%sข้อมูล ณ %s", what ? what : "",
				   what ? "  " : "", today);
	return pool_printf(&b->pool, "Source: didkpi · %s%sdata as of %s", what ? what : "",
			   what ? " · " : "", today);
}

static const char *period_text(struct build *b)
{
	char *buf = pool_calloc(&b->pool, PERIOD_HUMAN_LEN, 1);

	if (buf)
		period_label_human(&b->period, b->o->thai, buf, PERIOD_HUMAN_LEN);
	return buf;
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
	int th = b->o->thai;

	switch (d->unit) {
	case UNIT_FRACTION:
		/* Thai runs words together, but not into Latin letters. */
		return th ? pool_printf(&b->pool, "ร้อยละของ%s%s",
					(unsigned char)d->denominator_th[0] < 0x80 ? " " : "",
					d->denominator_th)
			  : pool_printf(&b->pool, "%% of %s", d->denominator_en);
	case UNIT_COUNT:
		return th ? pool_printf(&b->pool, "%s %s", d->numerator_th, interval_per(b))
			  : pool_printf(&b->pool, "%s, %s", d->numerator_en, interval_per(b));
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

/* The month index (fractional) of date d: month i spans [i - 0.5, i + 0.5). */
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

/* A period wholly in the future: a title and "no data". */
static int empty_chart(struct build *b)
{
	struct chart *c = &b->chart;

	b->empty = 1;
	c->kind = b->o->kind == K_TREND ? CHART_LINE : CHART_STACKED_BAR;
	c->title = b->o->kind == K_TREND ? (b->o->thai ? kpi_defs[b->o->kpi].label_th
							: kpi_defs[b->o->kpi].label_en)
		 : b->o->kind == K_METHODS ? (b->o->thai ? "วิธียืนยันตัวตน" : "Authentication methods")
		 : (b->o->thai ? "ช่องทางการยื่นคำขอ" : "Request channels");
	c->subtitle = period_text(b);
	c->source = source_line(b, period_text(b));
	return 0;
}

static int build_trend(struct build *b)
{
	const struct opts *o = b->o;
	const struct kpi_def *def = &kpi_defs[o->kpi];
	struct chartdata_query q = { b->months, b->nmonths, o->tz,
				     (const char *const *)o->services, o->nservices };
	struct chart_series *ser;
	struct chart_marker *mk;
	struct chart *c = &b->chart;
	size_t i, j, last = 0;
	int st, any = 0, has_target = 0, differ = 0;

	if (b->nmonths == 0)
		return empty_chart(b);
	if ((st = chartdata_trend(b->db, &q, o->kpi, o->min_cell, &b->data)))
		return st;
	if ((st = chartdata_markers(b->db, b->months[0].start,
						      b->months[b->nmonths - 1].end,
						      (const char *const *)o->services,
						      o->nservices, &b->markers)))
		return st;
	ser = pool_calloc(&b->pool, b->data->nseries, sizeof(*ser));
	b->series_keys = pool_calloc(&b->pool, b->data->nseries, sizeof(char *));
	if (!ser || !b->series_keys)
		return -1;
	for (j = 0; j < b->data->nseries; j++) {
		const struct chartdata_series *s = &b->data->series[j];

		b->series_keys[j] = s->code ? s->code : "all";
		ser[j].values = s->values;
		ser[j].name = j == 0 ? (o->thai ? "ทุกบริการ" : "All services")
				     : (o->thai ? s->name_th : s->name_en);
		/* With services, the department total is the grey context. */
		ser[j].emphasis = j > 0;
		for (i = 0; i < b->nmonths; i++)
			if (isfinite(s->values[i]) &&
			    (def->kind != KIND_COUNT || s->values[i] != 0))
				any = 1;
	}
	b->empty = !any;
	if (b->empty) /* an explicit "no data" chart, not a line at zero */
		for (j = 0; j < b->data->nseries; j++)
			for (i = 0; i < b->nmonths; i++)
				b->data->series[j].values[i] = NAN;
	c->kind = CHART_LINE;
	c->series = ser;
	c->nseries = b->data->nseries;
	c->format = unit_format(def->unit);
	c->y_title = kpi_ytitle(b, o->kpi);
	c->title = o->thai ? def->label_th : def->label_en;

	/* The target line follows the target in force month by month; its
	 * label gives the last month's, and since when, if it changed. */
	for (i = 0; i < b->nmonths; i++) {
		double t = b->data->target[i];

		if (!isfinite(t))
			continue;
		if (has_target && t != b->data->target[last])
			differ = 1;
		has_target = 1;
		last = i;
	}
	if (has_target) {
		char val[48], from[PERIOD_HUMAN_LEN];

		c->has_target = 1;
		c->target = b->data->target[last];
		c->targets = b->data->target; /* steps where it changes */
		if (differ) {
			for (i = last; i > 0 && b->data->target[i - 1] == c->target; i--)
				;
			target_text(c->target, c->format, o->thai, val, sizeof(val));
			if (o->interval == INTERVAL_DAY || o->interval == INTERVAL_WEEK)
				snprintf(from, sizeof(from), "%d %s", b->months[i].start.day,
					 period_month_name(b->months[i].start.month, o->thai, 1));
			else
				period_month_short(b->months[i].start.year,
						   b->months[i].start.month, o->thai, from,
						   sizeof(from));
			c->target_label = o->thai
				? pool_printf(&b->pool, "เป้าหมาย %s (ตั้งแต่ %s)", val, from)
				: pool_printf(&b->pool, "Target %s (from %s)", val, from);
		}
	}

	if (b->markers && b->markers->n > 0) {
		if (!(mk = pool_calloc(&b->pool, b->markers->n, sizeof(*mk))))
			return -1;
		for (i = 0; i < b->markers->n; i++) {
			mk[i].position = month_position(b, b->markers->v[i].since);
			mk[i].label = svc_name(b, &b->markers->v[i]);
		}
		c->markers = mk;
		c->nmarkers = b->markers->n;
	}
	c->subtitle = pool_printf(&b->pool, "%s%s%s%s%s", period_text(b), sep(b),
				  interval_words(b),
				  c->nmarkers == 0 ? "" : o->thai
				  ? "  เส้นประ = วันที่บริการเริ่มรับ Digital ID"
				  : " · dashed lines: Digital ID adoption dates",
				  services_note(b));
	c->source = source_line(b, period_text(b));
	return categories(b);
}

/* methods and channels: stacked bars, Digital ID / digital in colour. */
static int build_mix(struct build *b)
{
	const struct opts *o = b->o;
	struct chartdata_query q = { b->months, b->nmonths, o->tz,
				     (const char *const *)o->services, o->nservices };
	struct chart *c = &b->chart;
	struct chart_series *ser;
	int methods = o->kind == K_METHODS, st, kept_digital = 0;
	size_t i, j, n = 0;

	if (b->nmonths == 0)
		return empty_chart(b);
	st = methods ? chartdata_methods(b->db, &q, &b->data) : chartdata_channels(b->db, &q, &b->data);
	if (st)
		return st;
	b->empty = !(b->data->total > 0);
	/* A month with nothing counted says so instead of an empty slot. */
	for (i = 0; i < b->nmonths; i++) {
		double t = 0;

		for (j = 0; j < b->data->nseries; j++)
			t += b->data->series[j].values[i];
		if (!(t > 0))
			for (j = 0; j < b->data->nseries; j++)
				b->data->series[j].values[i] = NAN;
	}
	ser = pool_calloc(&b->pool, b->data->nseries, sizeof(*ser));
	b->series_keys = pool_calloc(&b->pool, b->data->nseries, sizeof(char *));
	if (!ser || !b->series_keys)
		return -1;
	for (j = 0; j < b->data->nseries; j++) {
		const struct chartdata_series *s = &b->data->series[j];

		/* Keep the legend to what was used, but always one Digital ID
		 * entry, so that the legacy ones stay grey. */
		if (!(s->total > 0) && !b->empty && !(s->digital && !kept_digital))
			continue;
		kept_digital |= s->digital;
		ser[n].values = s->values;
		b->series_keys[n] = s->code;
		ser[n].name = o->thai ? s->name_th : s->name_en;
		ser[n].emphasis = s->digital;
		n++;
	}
	c->kind = CHART_STACKED_BAR;
	c->series = ser;
	c->nseries = n;
	c->stacked_share = o->share;
	c->format = CHART_FMT_NUMBER;
	if (methods) {
		c->title = pool_printf(&b->pool, "%s%s",
			o->thai ? (o->share ? "สัดส่วนวิธียืนยันตัวตนที่ใช้เข้าสู่ระบบ "
					    : "จำนวนการยืนยันตัวตนที่สำเร็จ แยกตามวิธี ")
				: (o->share ? "Authentication methods used to log in, share "
					    : "Successful log-ins by authentication method, "),
			interval_words(b));
		c->y_title = o->thai ? (o->share ? "ร้อยละของการยืนยันตัวตนที่สำเร็จ" : "ครั้ง")
				     : (o->share ? "% of successful log-ins" : "successful log-ins");
	} else {
		c->title = pool_printf(&b->pool, "%s%s",
			o->thai ? (o->share ? "สัดส่วนคำขอรับบริการแยกตามช่องทาง "
					    : "จำนวนคำขอรับบริการแยกตามช่องทาง ")
				: (o->share ? "Service requests by channel, share "
					    : "Service requests by channel, "),
			interval_words(b));
		c->y_title = o->thai ? (o->share ? "ร้อยละของคำขอที่ยื่น" : "คำขอ")
				     : (o->share ? "% of requests submitted" : "requests");
	}
	c->subtitle = pool_printf(&b->pool, "%s%s%s%s", period_text(b), sep(b),
				  methods ? (o->thai ? "สี = Digital ID  สีเทา = วิธีเดิม (รหัสผ่าน, OTP)"
						     : "colours: Digital ID; greys: legacy methods")
					  : (o->thai ? "สี = ช่องทางดิจิทัล  สีเทา = ช่องทางอื่น"
						     : "colours: digital channels; grey: other channels"),
				  services_note(b));
	c->source = source_line(b, period_text(b));
	return categories(b);
}

/* The services compare looks at: --service, narrowed to those adopted in
 * --period when it is given. *none is set when that leaves none. */
static int compare_services(struct build *b, struct compare_request *req, int *none)
{
	const struct opts *o = b->o;
	const char **codes;
	size_t i;
	int st;

	*none = 0;
	req->services = (const char *const *)o->services;
	req->nservices = o->nservices;
	if (!o->period_given)
		return DK_OK;
	if ((st = chartdata_markers(b->db, b->period.start, b->period.end,
				    (const char *const *)o->services, o->nservices, &b->markers)))
		return st;
	if (b->markers->n == 0) {
		*none = 1;
		return DK_OK;
	}
	if (!(codes = pool_calloc(&b->pool, b->markers->n, sizeof(*codes))))
		return -1;
	for (i = 0; i < b->markers->n; i++)
		codes[i] = b->markers->v[i].code;
	req->services = codes;
	req->nservices = b->markers->n;
	return DK_OK;
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

static int build_compare(struct build *b)
{
	const struct opts *o = b->o;
	const struct compare_metric_def *m = &compare_metrics[o->metric];
	struct compare_request req = { .tz = o->tz, .window_months = o->window,
				       .ramp_months = o->ramp, .metrics = 1u << o->metric };
	struct chart *c = &b->chart;
	struct chart_series *ser;
	const struct compare_row **rows;
	const char **cats;
	double *before, *after, *lo, *hi;
	size_t i, n = 0;
	int st, none, skipped = 0, any = 0;

	if ((st = compare_services(b, &req, &none)))
		return st;
	if (!none && (st = compare_compute(b->db, &req, &b->cmp)))
		return st;
	if (!(rows = pool_calloc(&b->pool, b->cmp ? b->cmp->nrows : 0, sizeof(*rows))))
		return -1;
	for (i = 0; b->cmp && i < b->cmp->nrows; i++)
		if (b->cmp->rows[i].metric == o->metric)
			rows[n++] = &b->cmp->rows[i];
	qsort(rows, n, sizeof(*rows), row_cmp);
	cats = pool_calloc(&b->pool, n, sizeof(*cats));
	before = pool_calloc(&b->pool, n, sizeof(double));
	after = pool_calloc(&b->pool, n, sizeof(double));
	lo = pool_calloc(&b->pool, n, sizeof(double));
	hi = pool_calloc(&b->pool, n, sizeof(double));
	ser = pool_calloc(&b->pool, 2, sizeof(*ser));
	b->cat_keys = pool_calloc(&b->pool, n, sizeof(char *));
	b->series_keys = pool_calloc(&b->pool, 2, sizeof(char *));
	if (!cats || !before || !after || !lo || !hi || !ser || !b->cat_keys || !b->series_keys)
		return -1;
	b->series_keys[0] = "before";
	b->series_keys[1] = "after";
	for (i = 0; i < n; i++) {
		const struct compare_row *r = rows[i];
		int ok = !r->skip && r->before.set && r->after.set;

		b->cat_keys[i] = r->service_code;
		cats[i] = !r->pooled ? (o->thai ? r->name_th : r->name_en)
			: o->thai ? pool_printf(&b->pool, "รวม %d บริการ", r->pooled_services)
			: pool_printf(&b->pool, "%d services pooled", r->pooled_services);
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
	b->empty = !any;
	if (b->empty)
		for (i = 0; i < n; i++)
			before[i] = after[i] = lo[i] = hi[i] = NAN;
	ser[0].name = o->thai ? pool_printf(&b->pool, "ก่อนใช้ Digital ID (%d เดือน)", o->window)
			      : pool_printf(&b->pool, "Before Digital ID (%d months)", o->window);
	ser[0].values = before;
	ser[1].name = o->ramp == 0
		? (o->thai ? pool_printf(&b->pool, "หลังใช้ Digital ID (%d เดือน)", o->window)
			   : pool_printf(&b->pool, "After Digital ID (%d months)", o->window))
		: (o->thai ? pool_printf(&b->pool, "หลังใช้ Digital ID (%d เดือน หลังเว้น %d เดือน)",
					 o->window, o->ramp)
			   : pool_printf(&b->pool, "After Digital ID (%d months, after %d skipped)",
					 o->window, o->ramp));
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
	if (o->metric == CMP_SERVICE_TIME_MEDIAN)
		c->ci_label = o->thai ? "ช่วงความเชื่อมั่น 95% ของค่าเลื่อน Hodges–Lehmann วัดจากค่าก่อนใช้"
				      : "95% CI of the Hodges–Lehmann shift, measured from the before median";
	else
		c->ci_label = o->thai ? "ช่วงความเชื่อมั่น 95% ของการเปลี่ยนแปลง วัดจากค่าก่อนใช้"
				      : "95% CI of the change, measured from the before value";
	if (o->metric == CMP_REQUESTS_PER_MONTH)
		c->y_title = o->thai ? "คำขอต่อเดือน" : "requests per month";
	else if (o->metric == CMP_SERVICE_TIME_MEDIAN)
		c->y_title = o->thai ? "ชั่วโมง (มัธยฐาน)" : "hours (median)";
	else
		c->y_title = kpi_ytitle(b, m->kpi);
	c->title = o->thai ? pool_printf(&b->pool, "%s ก่อนและหลังใช้ Digital ID", m->label_th)
			   : pool_printf(&b->pool, "%s before and after Digital ID", m->label_en);
	c->subtitle = pool_printf(&b->pool, "%s%s%s%s",
		o->thai ? pool_printf(&b->pool, "รายบริการ ช่วงละ %d เดือนก่อนและหลังวันที่เริ่มรับ Digital ID",
				      o->window)
			: pool_printf(&b->pool, "By service, %d months before and after the day it began "
				      "accepting Digital ID", o->window),
		o->period_given ? pool_printf(&b->pool, o->thai ? "  เริ่มใช้ใน%s" : " · adopted in %s",
					       period_text(b)) : "",
		skipped ? (o->thai ? "  ไม่มีข้อมูล = ช่วงหลังยังไม่ครบ หรือข้อมูลไม่ถึง 30 รายการ"
				   : " · n/a: after window not over yet, or under 30 observations") : "",
		services_note(b));
	c->source = source_line(b, NULL);
	return 0;
}

/* With -v: what the chart shows, as numbers (also what the tests check). */
static void log_chart(const struct build *b)
{
	const struct chart *c = &b->chart;
	char num[FMT_NUMBER_MAX], *line = NULL;
	size_t i, j, len = 0;
	FILE *f;

	if (!log_verbose)
		return;
	for (j = 0; j <= c->nseries; j++) {
		if (!(f = open_memstream(&line, &len)))
			return;
		fputs(j == 0 ? "categories:" : "series ", f);
		if (j > 0)
			fprintf(f, "%s:", b->series_keys ? b->series_keys[j - 1] : "?");
		for (i = 0; i < c->ncategories; i++) {
			if (j == 0)
				fprintf(f, " %s", b->cat_keys ? b->cat_keys[i] : c->categories[i]);
			else if (isfinite(c->series[j - 1].values[i]))
				fprintf(f, " %s", fmt_number(c->series[j - 1].values[i], num));
			else
				fputs(" -", f);
		}
		if (j > 0 && c->series[j - 1].ci_low) {
			fputs(" ci:", f);
			for (i = 0; i < c->ncategories; i++) {
				double lo = c->series[j - 1].ci_low[i], hi = c->series[j - 1].ci_high[i];

				if (isfinite(lo) && isfinite(hi)) {
					fprintf(f, " %s", fmt_number(lo, num));
					fprintf(f, "..%s", fmt_number(hi, num));
				} else {
					fputs(" -", f);
				}
			}
		}
		if (fclose(f) == 0)
			log_info("%s", line);
		free(line);
		line = NULL;
	}
	if (c->has_target)
		log_info("target: %s", fmt_number(c->target, num));
	if (c->has_target && c->targets && (f = open_memstream(&line, &len))) {
		fputs("targets:", f);
		for (i = 0; i < c->ncategories; i++) {
			if (isfinite(c->targets[i]))
				fprintf(f, " %s", fmt_number(c->targets[i], num));
			else
				fputs(" -", f);
		}
		if (fclose(f) == 0)
			log_info("%s", line);
		free(line);
	}
	for (i = 0; b->markers && b->o->kind == K_TREND && i < b->markers->n; i++) {
		char d[DATE_ISO_LEN];

		date_format_iso(b->markers->v[i].since, d);
		log_info("marker %s: %s at %s", b->markers->v[i].code, d,
			 fmt_number(round(c->markers[i].position * 1000) / 1000, num));
	}
}

/* Resolves the period against the database's today and splits it. */
static int resolve_period(struct build *b)
{
	const struct opts *o = b->o;
	struct civil_date limit;
	long n;
	int st;

	if ((st = cmd_period_parse(o->period_text, b->today, &b->period)))
		return st;
	if (o->kind == K_COMPARE)
		return DK_OK;
	/* What lies after the current day, week or month has no data yet:
	 * clip it off (the current one is drawn as far as it has gone). */
	if (o->interval == INTERVAL_DAY)
		limit = date_add_days(b->today, 1);
	else if (o->interval == INTERVAL_WEEK)
		limit = date_add_days(b->today, 8 - date_weekday(b->today));
	else
		limit = date_add_months((struct civil_date){ b->today.year, b->today.month, 1 }, 1);
	if (date_cmp(b->period.start, limit) >= 0)
		return DK_OK; /* wholly in the future: no months, no data */
	if (date_cmp(b->period.end, limit) > 0)
		b->period = period_range(b->period.start, limit);
	if ((n = period_count(&b->period, o->interval)) > PERIOD_SERIES_MAX) {
		log_error("%s by %s is %ld periods, more than %d", b->period.label,
			  period_interval_name(o->interval), n, PERIOD_SERIES_MAX);
		log_hint("use a shorter --period or a longer --interval");
		return DK_USAGE;
	}
	if ((st = period_split(&b->period, o->interval, &b->months, &b->nmonths)))
		return st;
	return DK_OK;
}

/* Draws the chart into *of (opened by the caller); sets *of to NULL once
 * chart_write_outfile() has consumed it. */
static int run(struct cmd_ctx *ctx, struct opts *o, struct outfile **of)
{
	struct build b;
	int st;

	memset(&b, 0, sizeof(b));
	b.o = o;
	if ((st = cmd_open(ctx)) || (st = db_set_timezone(ctx->db, o->tz)) ||
	    (st = kpi_today(ctx->db, o->tz, &b.today)))
		return st;
	b.db = ctx->db;
	if ((st = resolve_period(&b)))
		goto out;
	/* data that ends early is worth a warning; no data is judged below */
	if (b.nmonths && (st = freshness_period(b.db, o->tz, &b.period, FRESH_ALLOW_EMPTY, NULL)))
		goto out;
	if ((st = chartdata_services(b.db, (const char *const *)o->services, o->nservices,
				     &b.svc)))
		goto out;
	b.chart.thai = o->thai;
	switch (o->kind) {
	case K_TREND: st = build_trend(&b); break;
	case K_COMPARE: st = build_compare(&b); break;
	default: st = build_mix(&b); break;
	}
	if (st < 0 || b.pool.oom) {
		log_error("out of memory");
		st = DK_SOFTWARE;
	}
	if (st)
		goto out;
	log_chart(&b);
	if (b.empty && !o->allow_empty) {
		if (o->kind == K_COMPARE)
			log_error("no data to chart: no service has a before/after result for %s",
				  compare_metrics[o->metric].name);
		else
			log_error("no data to chart for %s", b.period.label);
		log_hint("--allow-empty draws a chart that says \"no data\"; nothing was written to '%s'",
			 o->out);
		st = DK_DATAERR;
		goto out;
	}
	st = chart_write_outfile(&b.chart, *of, o->width, o->height);
	*of = NULL;
	if (st == DK_OK)
		log_info("wrote %s (%dx%d)", o->out, o->width, o->height);
out:
	chartdata_free(b.data);
	chartdata_services_free(b.markers);
	chartdata_services_free(b.svc);
	compare_result_free(b.cmp);
	free(b.months);
	pool_free(&b.pool);
	return st;
}

int cmd_chart(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct opts o = {
		.period_text = "this-fy", .kpi = KPI_DIGITAL_CHANNEL_RATE,
		.metric = CMP_DIGITAL_CHANNEL_RATE, .thai = 1, .width = 1200, .height = 700,
		.interval = INTERVAL_MONTH,
		.share = 1, .min_cell = 5, .window = 6, .ramp = 0, .tz = "Asia/Bangkok"
	};
	struct outfile *of = NULL;
	int st, done;

	/* didkpi chart its: its own options and data (cmd/its.c) */
	if (cmd_its_chart_wanted(argc, argv))
		return cmd_its_chart(argc, argv, ctx);
	st = parse_opts(argc, argv, ctx, &o, &done);
	/* The output first: a missing directory, a planted link or another
	 * run writing the file fails the run before any query; the lock and
	 * the private temporary file are held (and removed on a signal)
	 * until the chart is renamed into place. */
	if (st == DK_OK && !done && (st = outfile_open(o.out, &of)) == DK_OK) {
		/* Refuse before any query rather than draw boxes for Thai. */
		st = chart_font_check(o.thai);
		if (st == DK_OK)
			st = run(ctx, &o, &of);
		outfile_abort(of);
		chart_fonts_release();
	}
	opts_free(&o);
	return st;
}
