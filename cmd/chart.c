/* didkpi chart: a KPI trend, before/after bars, the method and channel mix as PNG, SVG or PDF. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "chart.h"
#include "chartdata.h"
#include "chartspec.h"
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
	"  event-study  effects by months since adoption (didkpi-effects(1)), with\n"
	"             intervals and a zero line: see didkpi chart event-study --help\n"
	"  its        an interrupted time series at a date (didkpi-its(1)): see\n"
	"             didkpi chart its --help\n\n"
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
/* Every kind, for suggestions: event-study and its are drawn elsewhere. */
static const char *const all_kinds[] = {
	"trend", "compare", "methods", "channels", "event-study", "its", NULL
};
#define KINDS "trend, compare, methods, channels, event-study or its"

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
		return cmd_usage_error(ctx, "which chart? " KINDS);
	for (k = 0; k < K_COUNT; k++)
		if (!strcmp(argv[optind], kind_names[k]))
			break;
	if (k == K_COUNT)
		return cmd_usage_error(ctx, "unknown chart '%s'%s: " KINDS,
				       argv[optind], suggest_list(argv[optind], all_kinds, hint, sizeof(hint)));
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
	struct chartdata *data;
	struct chartdata_services *markers;
	struct compare_result *cmp;
	struct chartspec *cs;          /* the chart (lib/chartspec.h) */
};

static struct chartspec_ctx spec_ctx(const struct build *b)
{
	return (struct chartspec_ctx){ .thai = b->o->thai, .today = b->today,
				       .services = b->svc };
}

static int build_trend(struct build *b)
{
	const struct opts *o = b->o;
	struct chartdata_query q = { b->months, b->nmonths, o->tz,
				     (const char *const *)o->services, o->nservices };
	struct chartspec_ctx ctx = spec_ctx(b);
	struct chartspec_trend in = { .kpi = o->kpi, .period = &b->period, .months = b->months,
				      .nmonths = b->nmonths, .interval = o->interval };
	int st;

	if (b->nmonths) {
		if ((st = chartdata_trend(b->db, &q, o->kpi, o->min_cell, &b->data)))
			return st;
		if ((st = chartdata_markers(b->db, b->months[0].start,
					    b->months[b->nmonths - 1].end,
					    (const char *const *)o->services,
					    o->nservices, &b->markers)))
			return st;
	}
	in.data = b->data;
	in.markers = b->markers;
	return chartspec_trend(&ctx, &in, &b->cs);
}

/* methods and channels: stacked bars, Digital ID / digital in colour. */
static int build_mix(struct build *b)
{
	const struct opts *o = b->o;
	struct chartdata_query q = { b->months, b->nmonths, o->tz,
				     (const char *const *)o->services, o->nservices };
	struct chartspec_ctx ctx = spec_ctx(b);
	struct chartspec_mix in = { .methods = o->kind == K_METHODS, .share = o->share,
				    .period = &b->period, .months = b->months,
				    .nmonths = b->nmonths, .interval = o->interval };
	int st;

	if (b->nmonths) {
		st = in.methods ? chartdata_methods(b->db, &q, &b->data)
				: chartdata_channels(b->db, &q, &b->data);
		if (st)
			return st;
	}
	in.data = b->data;
	return chartspec_mix(&ctx, &in, &b->cs);
}

/* The services compare looks at: --service, narrowed to those adopted in
 * --period when it is given. *none is set when that leaves none. */
static int compare_services(struct build *b, struct compare_request *req, const char ***codes,
			    int *none)
{
	const struct opts *o = b->o;
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
	if (!(*codes = calloc(b->markers->n, sizeof(**codes)))) {
		log_error("out of memory");
		return DK_SOFTWARE;
	}
	for (i = 0; i < b->markers->n; i++)
		(*codes)[i] = b->markers->v[i].code;
	req->services = *codes;
	req->nservices = b->markers->n;
	return DK_OK;
}

static int build_compare(struct build *b)
{
	const struct opts *o = b->o;
	struct compare_request req = { .tz = o->tz, .window_months = o->window,
				       .ramp_months = o->ramp, .metrics = 1u << o->metric };
	struct chartspec_ctx ctx = spec_ctx(b);
	struct chartspec_compare in = { .metric = o->metric, .window_months = o->window,
					.ramp_months = o->ramp,
					.adopted_in = o->period_given ? &b->period : NULL };
	const char **codes = NULL;
	int st, none;

	if ((st = compare_services(b, &req, &codes, &none)) == DK_OK && !none)
		st = compare_compute(b->db, &req, &b->cmp);
	free(codes);
	if (st)
		return st;
	in.result = b->cmp;
	return chartspec_compare(&ctx, &in, &b->cs);
}

/* With -v: what the chart shows, as numbers (also what the tests check). */
static void log_chart(const struct build *b)
{
	const struct chart *c = &b->cs->chart;
	const char *const *series_keys = b->cs->series_keys, *const *cat_keys = b->cs->cat_keys;
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
			fprintf(f, "%s:", series_keys ? series_keys[j - 1] : "?");
		for (i = 0; i < c->ncategories; i++) {
			if (j == 0)
				fprintf(f, " %s", cat_keys ? cat_keys[i] : c->categories[i]);
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
	switch (o->kind) {
	case K_TREND: st = build_trend(&b); break;
	case K_COMPARE: st = build_compare(&b); break;
	default: st = build_mix(&b); break;
	}
	if (st)
		goto out;
	log_chart(&b);
	if (b.cs->empty && !o->allow_empty) {
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
	if ((st = chart_font_check_end()))   /* begun by cmd_chart() */
		goto out;
	st = chart_write_outfile(&b.cs->chart, *of, o->width, o->height);
	*of = NULL;
	if (st == DK_OK)
		log_info("wrote %s (%dx%d)", o->out, o->width, o->height);
out:
	chartdata_free(b.data);
	chartdata_services_free(b.markers);
	chartdata_services_free(b.svc);
	compare_result_free(b.cmp);
	free(b.months);
	chartspec_free(b.cs);
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

	/* event-study has its own options (cmd/effects.c) */
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "event-study"))
			return cmd_chart_event_study(argc, argv, ctx);
	/* didkpi chart its: its own options and data (cmd/its.c) */
	if (cmd_its_chart_wanted(argc, argv))
		return cmd_its_chart(argc, argv, ctx);
	st = parse_opts(argc, argv, ctx, &o, &done);
	/* The output first: a missing directory, a planted link or another
	 * run writing the file fails the run before any query; the lock and
	 * the private temporary file are held (and removed on a signal)
	 * until the chart is renamed into place. */
	if (st == DK_OK && !done && (st = outfile_open(o.out, &of)) == DK_OK) {
		/* A font for Thai is checked while the database works (run()
		 * waits for it before drawing); a missing one is the error,
		 * whatever else failed, as when it was checked first. */
		int fst;

		chart_font_check_begin(o.thai);
		st = run(ctx, &o, &of);
		if ((fst = chart_font_check_end()))
			st = fst;
		outfile_abort(of);
		chart_fonts_release();
	}
	opts_free(&o);
	return st;
}
