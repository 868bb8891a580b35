/* didkpi its: interrupted time series of a KPI's monthly series (issue 11),
 * as a table (didkpi its) or a chart (didkpi chart its). */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "chart_its.h"
#include "chartdata.h"
#include "cmd.h"
#include "cmd_its.h"
#include "its.h"
#include "format.h"
#include "kpi.h"
#include "log.h"
#include "outfile.h"
#include "period.h"
#include "status.h"
#include "suggest.h"

#define ITS_COMMON_HELP \
	"  -k, --kpi=NAME          the KPI (required; see didkpi kpi --list)\n" \
	"  -s, --service=CODE      one service's series (default: the department)\n" \
	"  -a, --at=YYYY-MM-DD     the date of the change: Digital ID adoption or a\n" \
	"                          policy (default with --service: its\n" \
	"                          digital_id_since; required without). A month that\n" \
	"                          begins on it is the first month after; a month\n" \
	"                          that contains it otherwise is a transition month,\n" \
	"                          left out of the fit\n" \
	"  -p, --period=PERIOD     the months of the series: 2025, FY2568,\n" \
	"                          2024-04-01..2026-04-01, ... (default: every whole\n" \
	"                          month with data, up to the last month before the\n" \
	"                          current one)\n" \
	"      --seasonal          add a level for each calendar month (11 dummies)\n" \
	"      --lag=N             Newey-West lags (default floor(4 (n/100)^(2/9)),\n" \
	"                          n the months fitted)\n" \
	"      --min-cell=N        with --service: a month of size 1..N-1 is blank\n" \
	"                          and left out (default 5; 0 turns it off)\n" \
	"      --tz=ZONE           time zone of the months (default Asia/Bangkok)\n" \
	"      --lang=th|en        language of the text (default th)\n"

static const char usage[] =
	"Usage: didkpi its --kpi NAME [--service CODE] [--at DATE] [OPTION]...\n"
	"Interrupted time series: fit a segmented regression to the monthly series\n"
	"of one KPI (the department's, or one service's) with a level change and a\n"
	"slope change at a date, Newey-West standard errors (Bartlett kernel,\n"
	"factor n/(n-k), Student's t with n-k df: statsmodels' HAC with\n"
	"use_correction=True, use_t=True), and the effect in the last month (fitted\n"
	"minus the counterfactual: the line before, continued). See man didkpi-its.\n\n"
	"Options:\n"
	ITS_COMMON_HELP
	"      --series            print the series (month, observed, fitted,\n"
	"                          counterfactual) instead of the coefficients\n"
	"  -f, --format=FORMAT     table, csv, tsv, json ({\"meta\": ..., \"rows\": [...]}),\n"
	"                          ndjson or json-array (default: table on a\n"
	"                          terminal or with --lang, csv otherwise)\n"
	"      --no-header         csv/tsv: no header line; ndjson: no meta line\n"
	"      --no-formula-guard  CSV/TSV: write text cells that start with = + - @\n"
	"                          as they are\n"
	"      --wide              tables: every column at full width\n"
	"  -o, --output=FILE       write to FILE, atomically (default or '-':\n"
	"                          standard output); the format defaults to FILE's\n"
	"                          extension\n"
	CMD_DB_HELP
	"  -h, --help              show this help\n\n"
	"Exit status: 0 success; 64 usage (also a date outside the series); 65 the\n"
	"regression cannot be estimated (too few months on a side, no data, a\n"
	"service without an adoption date); 69 database unavailable; 70 internal\n"
	"error; 73 cannot create the output file.\n";

static const char chart_usage[] =
	"Usage: didkpi chart its -o FILE --kpi NAME [--service CODE] [--at DATE]\n"
	"         [OPTION]...\n"
	"Draw the interrupted time series of didkpi its: the observed months, the\n"
	"fitted lines before and after, the counterfactual (the line before,\n"
	"continued; dashed) and the date. FILE's extension chooses the format:\n"
	".png, .svg or .pdf; it appears atomically.\n\n"
	"Options:\n"
	"  -o, --output=FILE       the chart to write (required)\n"
	ITS_COMMON_HELP
	"      --width=W           width in pixels, points for PDF (default 1200)\n"
	"      --height=H          height (default 700)\n"
	CMD_DB_HELP
	"  -h, --help              show this help\n\n"
	"Exit status: 0 success; 64 usage; 65 the regression cannot be estimated;\n"
	"69 database unavailable; 70 internal error or no Thai-capable font;\n"
	"73 cannot create the file.\n";

struct its_opts {
	int chart;                /* didkpi chart its */
	enum kpi_id kpi;
	int kpi_given;
	const char *service;
	struct civil_date at;
	int at_given;
	const char *period_text;
	int seasonal, lag, series;
	int fmt, thai, lang_given, no_header;
	long min_cell;
	const char *output, *tz;
	int width, height;
};

/* What one analysis found, for a table or a chart. */
struct its_run {
	struct period span;       /* the whole series */
	struct period *months;
	size_t n;
	double *y;
	int *month;
	unsigned char *omit;
	size_t t0;                /* the first month after */
	long transition;          /* the month containing --at, left out; or -1 */
	struct civil_date at;
	int at_from_service;      /* --at was the service's digital_id_since */
	struct chartdata_services *svc;
	struct civil_date today;
	struct its_input in;
	struct its_fit fit;
	char warning[160];        /* "" or the short-series warning */
};

static void its_run_free(struct its_run *r)
{
	free(r->months);
	free(r->y);
	free(r->month);
	free(r->omit);
	chartdata_services_free(r->svc);
}

static int parse_long(const char *s, long lo, long hi, long *out)
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

enum { OPT_SEASONAL = 256, OPT_LAG, OPT_SERIES, OPT_NO_HEADER, OPT_NO_GUARD, OPT_WIDE,
       OPT_MIN_CELL, OPT_TZ, OPT_LANG, OPT_WIDTH, OPT_HEIGHT };

static const struct option long_opts[] = {
	{ "kpi", required_argument, NULL, 'k' },
	{ "service", required_argument, NULL, 's' },
	{ "at", required_argument, NULL, 'a' },
	{ "period", required_argument, NULL, 'p' },
	{ "seasonal", no_argument, NULL, OPT_SEASONAL },
	{ "lag", required_argument, NULL, OPT_LAG },
	{ "series", no_argument, NULL, OPT_SERIES },
	{ "format", required_argument, NULL, 'f' },
	{ "output", required_argument, NULL, 'o' },
	{ "no-header", no_argument, NULL, OPT_NO_HEADER },
	{ "no-formula-guard", no_argument, NULL, OPT_NO_GUARD },
	{ "wide", no_argument, NULL, OPT_WIDE },
	{ "min-cell", required_argument, NULL, OPT_MIN_CELL },
	{ "tz", required_argument, NULL, OPT_TZ },
	{ "lang", required_argument, NULL, OPT_LANG },
	{ "width", required_argument, NULL, OPT_WIDTH },
	{ "height", required_argument, NULL, OPT_HEIGHT },
	CMD_DB_OPTIONS,
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};
#define SHORT_OPTS "k:s:a:p:f:o:d:vh"

/* A --at date: ISO, C.E.; a B.E. year is refused with the C.E. one. */
static int parse_at(struct cmd_ctx *ctx, const char *s, struct civil_date *out)
{
	if (date_parse_iso(s, out))
		return cmd_usage_error(ctx, "--at needs a date YYYY-MM-DD, not '%s'", s);
	if (out->year > 2400) {
		log_error("--at %s: the year looks like B.E.; give the C.E. year (%d)", s,
			  out->year - 543);
		return cmd_bad_option(ctx);
	}
	return DK_OK;
}

static int parse_opts(int argc, char **argv, struct cmd_ctx *ctx, struct its_opts *o, int *done)
{
	char hint[SUGGEST_HINT_MAX];
	int ch, k, st, table_only = 0, chart_only = 0;
	long v;

	*done = 0;
	while ((ch = getopt_long(argc, argv, SHORT_OPTS, long_opts, NULL)) != -1) {
		switch (ch) {
		case 'k':
			if ((k = kpi_find(optarg)) < 0)
				return cmd_usage_error(ctx, "--kpi: unknown KPI '%s'%s (see 'didkpi kpi --list')",
						       optarg, suggest_kpi(optarg, hint, sizeof(hint)));
			o->kpi = k;
			o->kpi_given = 1;
			break;
		case 's':
			if (!*optarg || strchr(optarg, ','))
				return cmd_usage_error(ctx, "--service needs one service code, not '%s'", optarg);
			o->service = optarg;
			break;
		case 'a':
			if ((st = parse_at(ctx, optarg, &o->at)))
				return st;
			o->at_given = 1;
			break;
		case 'p': o->period_text = optarg; break;
		case OPT_SEASONAL: o->seasonal = 1; break;
		case OPT_LAG:
			if (parse_long(optarg, 0, 1000, &v) < 0)
				return cmd_usage_error(ctx, "--lag needs a whole number 0..1000, not '%s'", optarg);
			o->lag = (int)v;
			break;
		case OPT_SERIES: o->series = 1; table_only = 1; break;
		case 'f':
			if ((o->fmt = format_find(optarg)) < 0)
				return cmd_usage_error(ctx, "--format must be " FORMAT_NAMES ", not '%s'", optarg);
			table_only = 1;
			break;
		case 'o':
			if (!*optarg)
				return cmd_usage_error(ctx, "--output needs a file name");
			o->output = strcmp(optarg, "-") ? optarg : NULL;
			break;
		case OPT_NO_HEADER: o->no_header = 1; table_only = 1; break;
		case OPT_NO_GUARD: format_set_formula_guard(0); table_only = 1; break;
		case OPT_WIDE: format_set_table_width(FORMAT_WIDTH_WIDE); table_only = 1; break;
		case OPT_MIN_CELL:
			if (parse_long(optarg, 0, 1000000000L, &o->min_cell) < 0)
				return cmd_usage_error(ctx, "--min-cell needs a number >= 0, not '%s'", optarg);
			break;
		case OPT_TZ: o->tz = optarg; break;
		case OPT_LANG:
			if (strcmp(optarg, "th") && strcmp(optarg, "en"))
				return cmd_usage_error(ctx, "--lang must be th or en, not '%s'", optarg);
			o->thai = !strcmp(optarg, "th");
			o->lang_given = 1;
			break;
		case OPT_WIDTH:
		case OPT_HEIGHT:
			if (parse_long(optarg, 100, 16384, &v) < 0)
				return cmd_usage_error(ctx, "--%s needs a whole number 100..16384, not '%s'",
						       ch == OPT_WIDTH ? "width" : "height", optarg);
			*(ch == OPT_WIDTH ? &o->width : &o->height) = (int)v;
			chart_only = 1;
			break;
		case 'd': ctx->dbname = optarg; break;
		case 'v': log_verbose = 1; break;
		case 'h':
			fputs(o->chart ? chart_usage : usage, stdout);
			*done = 1;
			return DK_OK;
		default: return cmd_bad_option(ctx);
		}
	}
	/* didkpi chart its: the word "its" is the chart's kind */
	if (o->chart && optind < argc && !strcmp(argv[optind], "its"))
		optind++;
	if (optind < argc)
		return cmd_usage_error(ctx, "unexpected argument '%s'", argv[optind]);
	if (o->chart && table_only)
		return cmd_usage_error(ctx, "--series, --format, --no-header, --no-formula-guard and "
				       "--wide apply to didkpi its, not to the chart");
	if (!o->chart && chart_only)
		return cmd_usage_error(ctx, "--width and --height apply to didkpi chart its");
	if (!o->kpi_given)
		return cmd_usage_error(ctx, "--kpi is required: which KPI's series?");
	if (!o->service && !o->at_given)
		return cmd_usage_error(ctx, "--at DATE is required for the department's series "
				       "(the adoption date is a service's: give --service)");
	if (o->service && !(kpi_defs[o->kpi].breakdowns & (1u << BD_SERVICE)))
		return cmd_usage_error(ctx, "--kpi %s has no series by service", kpi_defs[o->kpi].name);
	if (o->chart) {
		if (!o->output)
			return cmd_usage_error(ctx, "-o FILE is required (.png, .svg or .pdf)");
		if (!chart_path_supported(o->output))
			return cmd_usage_error(ctx, "%s: unsupported chart format: the name must end in "
					       ".png, .svg or .pdf", o->output);
	}
	if (o->period_text)
		return cmd_period_check(o->period_text);
	return DK_OK;
}

/* The first of d's month, or of the next month when d is not a first. */
static struct civil_date month_from(struct civil_date d)
{
	if (d.day == 1)
		return d;
	d.day = 1;
	return date_add_months(d, 1);
}

/* Every whole month with data before the current month. */
static int default_span(struct db *db, const char *tz, struct period *out)
{
	const char *params[1] = { tz };
	struct civil_date first, last, today, start, end;
	PGresult *res = NULL;
	int st;

	if ((st = db_query(db, "its.sql#span", 1, params, &res)))
		return st;
	if (!db_get(res, 0, 0) || date_parse_iso(db_get(res, 0, 0), &first) ||
	    date_parse_iso(db_get(res, 0, 1), &last) || date_parse_iso(db_get(res, 0, 2), &today)) {
		PQclear(res);
		log_error("no data: the log relations are empty");
		log_hint("load data first (didkpi load), or try 'didkpi demo'");
		return DK_DATAERR;
	}
	PQclear(res);
	start = month_from(first);
	/* a month is whole when the data reaches its last day */
	end = date_add_days(last, 1);
	if (end.day != 1)
		end = (struct civil_date){ last.year, last.month, 1 };
	today.day = 1;
	if (date_cmp(end, today) > 0)
		end = today;
	if (date_cmp(start, end) >= 0) {
		log_error("no data: the logs hold no whole month before the current one");
		log_hint("give the months with --period");
		return DK_DATAERR;
	}
	*out = period_range(start, end);
	return DK_OK;
}

/* The KPI by month through the KPI engine: the department or one service. */
static int gather(struct db *db, const struct its_opts *o, struct its_run *r)
{
	struct kpi_request req = { .tz = o->tz, .min_cell = o->min_cell,
				   .kpis = 1u << o->kpi, .periods = r->months, .nperiods = r->n };
	struct kpi_result *res = NULL;
	size_t i;
	int st;

	if (o->service) {
		req.by[0] = BD_SERVICE;
		req.nby = 1;
	}
	if ((st = kpi_compute(db, &req, &res)))
		return st;
	for (i = 0; i < r->n; i++)
		r->y[i] = NAN;
	for (i = 0; i < res->nrows; i++) {
		const struct kpi_row *row = &res->rows[i];

		if (row->kpi != o->kpi || row->period >= r->n)
			continue;
		if (o->service ? row->bd != BD_SERVICE || !row->key || strcmp(row->key, o->service)
			       : row->bd != BD_ALL)
			continue;
		if (!row->suppressed && row->value.set)
			r->y[row->period] = row->value.v;
	}
	kpi_result_free(res);
	return DK_OK;
}

/* Connects, gathers the series and fits the model. */
static int analyse(struct cmd_ctx *ctx, const struct its_opts *o, struct its_run *r)
{
	long at, s, e;
	size_t i;
	int st;

	r->transition = -1;
	if ((st = cmd_open(ctx)) || (st = db_set_timezone(ctx->db, o->tz)) ||
	    (st = kpi_today(ctx->db, o->tz, &r->today)))
		return st;
	if (o->service) {
		const char *code = o->service;

		if ((st = chartdata_services(ctx->db, &code, 1, &r->svc)))
			return st;
	}
	if (o->at_given) {
		r->at = o->at;
	} else if (!r->svc->v[0].has_since) {
		log_error("service '%s' has not adopted Digital ID (no digital_id_since)", o->service);
		log_hint("give the date of the change with --at YYYY-MM-DD");
		return DK_DATAERR;
	} else {
		r->at = r->svc->v[0].since;
		r->at_from_service = 1;
	}
	if (o->period_text) {
		if ((st = cmd_period_parse(o->period_text, r->today, &r->span)))
			return st;
	} else if ((st = default_span(ctx->db, o->tz, &r->span))) {
		return st;
	}
	if (period_count(&r->span, INTERVAL_MONTH) > 1200) {
		log_error("%s is more than 100 years of months", r->span.label);
		return DK_USAGE;
	}
	if ((st = period_split(&r->span, INTERVAL_MONTH, &r->months, &r->n)))
		return st;
	r->y = calloc(r->n, sizeof(*r->y));
	r->month = calloc(r->n, sizeof(*r->month));
	r->omit = calloc(r->n, 1);
	if (!r->y || !r->month || !r->omit) {
		log_error("out of memory");
		return DK_SOFTWARE;
	}
	/* where the date falls: a first of a month starts the after part;
	 * inside a month, that month is a transition, left out */
	at = date_to_days(r->at);
	s = date_to_days(r->months[0].start);
	e = date_to_days(r->months[r->n - 1].end);
	if (at <= s || at >= e) {
		char a[DATE_ISO_LEN];

		date_format_iso(r->at, a);
		log_error("the date %s is not inside the series %s: no months before or after it", a,
			  r->span.label);
		log_hint("give --period months on both sides of the date");
		return DK_USAGE;
	}
	for (i = 0; i < r->n; i++) {
		r->month[i] = r->months[i].start.month;
		if (at == date_to_days(r->months[i].start)) {
			r->t0 = i;
		} else if (at > date_to_days(r->months[i].start) &&
			   at < date_to_days(r->months[i].end)) {
			r->transition = (long)i;
			r->omit[i] = 1;
			r->t0 = i + 1;
		}
	}
	if ((st = gather(ctx->db, o, r)))
		return st;
	r->in = (struct its_input){ .y = r->y, .month = r->month, .omit = r->omit, .n = r->n,
				    .t0 = r->t0, .seasonal = o->seasonal, .lag = o->lag,
				    .level = 0.95 };
	st = its_model_fit(&r->in, &r->fit);
	if (st == DK_DATAERR) {
		const struct its_fit *f = &r->fit;

		log_error("the regression cannot be estimated: %s",
			  f->n_pre < 2 ? "fewer than 2 months with a value before the date" :
			  f->n_post < 2 ? "fewer than 2 months with a value after the date" :
			  f->nobs <= f->k ? "no more months with a value than terms in the model" :
			  o->lag >= 0 && (size_t)o->lag >= f->nobs ? "--lag is not below the months with a value" :
			  "the terms cannot be told apart in these months (with --seasonal: a calendar "
			  "month without a value, or whole years split at a year's boundary)");
		log_detail("%zu months with a value: %zu before, %zu after; %zu terms", f->nobs,
			   f->n_pre, f->n_post, f->k);
		return st;
	}
	if (st)
		return st;
	if (r->fit.n_pre < ITS_SHORT_SIDE || r->fit.n_post < ITS_SHORT_SIDE) {
		snprintf(r->warning, sizeof(r->warning),
			 "short series: %zu months before and %zu after (fewer than %d on a side)",
			 r->fit.n_pre, r->fit.n_post, ITS_SHORT_SIDE);
		log_warning("%s: the estimates are fragile", r->warning);
	}
	return DK_OK;
}

/* A number for machines (shortest round trip) or people (4 digits); NULL
 * when not finite (an empty cell). */
static const char *num(double v, int human, char *buf)
{
	if (!isfinite(v))
		return NULL;
	if (!human)
		return fmt_number(v, buf);
	if (v != 0 && fabs(v) < 1e-3)
		snprintf(buf, FMT_NUMBER_MAX, "%.2e", v);
	else
		snprintf(buf, FMT_NUMBER_MAX, "%.4g", v);
	return buf;
}

/* The term labels for people. */
static const char *term_label(const char *name, int thai)
{
	static const struct { const char *name, *th, *en; } t[] = {
		{ "level_change", "การเปลี่ยนระดับ ณ วันที่เปลี่ยน", "level change at the date" },
		{ "slope_change", "การเปลี่ยนความชัน (ต่อเดือน)", "slope change (per month)" },
		{ "pre_slope", "ความชันก่อน (ต่อเดือน)", "slope before (per month)" },
		{ "intercept", "ระดับ ณ เดือนแรก", "level in the first month" },
		{ "post_slope", "ความชันหลัง (ต่อเดือน)", "slope after (per month)" },
		{ "effect_end", "ผลต่อจากเส้นคาดการณ์ เดือนสุดท้าย", "effect in the last month" },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (!strcmp(t[i].name, name))
			return thai ? t[i].th : t[i].en;
	return name;
}

/* The JSON "meta" of the run, as a new string (free it), or NULL. */
static char *meta_json(const struct its_opts *o, const struct its_run *r)
{
	char *buf = NULL, at[DATE_ISO_LEN], ref[4], lag[16];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int first = 1;

	if (!f)
		return NULL;
	date_format_iso(r->at, at);
	snprintf(lag, sizeof(lag), "%d", r->fit.lag);
	snprintf(ref, sizeof(ref), "%d", r->fit.season_ref);
	fputc('{', f);
	json_member_str(f, &first, "didkpi_version", DIDKPI_VERSION);
	json_member_str(f, &first, "command", "its");
	json_member_str(f, &first, "kpi", kpi_defs[o->kpi].name);
	json_member_str(f, &first, "service_code", o->service);
	json_member_str(f, &first, "at", at);
	json_member_str(f, &first, "at_source", r->at_from_service ? "digital_id_since" : "option");
	json_member_str(f, &first, "period", r->span.label);
	json_member_str(f, &first, "first_post_month", r->t0 < r->n ? r->months[r->t0].label : NULL);
	json_member_str(f, &first, "transition_month",
			r->transition >= 0 ? r->months[r->transition].label : NULL);
	json_member_str(f, &first, "time_zone", o->tz);
	json_member_raw(f, &first, "seasonal", o->seasonal ? "true" : "false");
	json_member_raw(f, &first, "season_reference_month", o->seasonal ? ref : "null");
	json_member_raw(f, &first, "lags", lag);
	json_member_str(f, &first, "lag_rule", o->lag < 0 ? "floor(4*(n/100)^(2/9))" : "option");
	json_member_str(f, &first, "covariance",
			"newey-west, bartlett kernel, factor n/(n-k), student t with n-k df");
	json_member_str(f, &first, "warning", *r->warning ? r->warning : NULL);
	fputc('}', f);
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* The coefficient rows: the model's four terms, the slope after, the
 * effect at the end, then the month dummies. */
static int write_coefficients(FILE *out, const struct its_opts *o, const struct its_run *r,
			      int fmt)
{
	static const char *const mach[] = { "kpi", "service_code", "at", "first_post_month",
					    "term", "estimate", "std_error", "t", "df", "p_value",
					    "ci_low", "ci_high", "n_pre", "n_post", "lags", "warning",
					    "label" };
	static const char *const th[] = { "ตัวชี้วัด", "บริการ", "วันที่เปลี่ยน", "เดือนแรกหลัง",
					  "พจน์", "ค่าประมาณ", "ค่าคลาดเคลื่อน", "t", "df", "ค่า p",
					  "ต่ำสุด 95%", "สูงสุด 95%", "เดือนก่อน", "เดือนหลัง", "lag",
					  "คำเตือน", "ความหมาย" };
	static const char *const en[] = { "KPI", "Service", "Date", "First month after", "Term",
					  "Estimate", "Std. error", "t", "df", "p", "95% low",
					  "95% high", "Months before", "Months after", "Lags",
					  "Warning", "Meaning" };
	static const enum cell_type types[] = { CELL_TEXT, CELL_TEXT, CELL_TEXT, CELL_TEXT,
						CELL_TEXT, CELL_NUMBER, CELL_NUMBER, CELL_NUMBER,
						CELL_NUMBER, CELL_NUMBER, CELL_NUMBER, CELL_NUMBER,
						CELL_NUMBER, CELL_NUMBER, CELL_NUMBER, CELL_TEXT,
						CELL_TEXT };
	const struct its_fit *f = &r->fit;
	int human = fmt == OUT_TABLE, bad = 0;
	char *meta = NULL, at[DATE_ISO_LEN], df[16], npre[24], npost[24], lag[16];
	struct table_writer *w;
	size_t order[ITS_MAX_TERMS + 2], n = 0, i;

	if ((fmt == OUT_JSON || fmt == OUT_NDJSON) && !(meta = meta_json(o, r)))
		return -1;
	w = table_writer_open(out, fmt, 17, human ? (o->thai ? th : en) : mach, types,
			      o->no_header ? TW_NO_HEADER : 0, meta);
	free(meta);
	if (!w)
		return -1;
	if (human) {
		table_writer_group_by(w, (const int[]){ 0, 1, 2, 3, 12, 13, 14, 15 }, 8);
		table_writer_drop_order(w, (const int[]){ 16, 8, 7 }, 3);
	}
	date_format_iso(r->at, at);
	snprintf(df, sizeof(df), "%.0f", f->df);
	snprintf(npre, sizeof(npre), "%zu", f->n_pre);
	snprintf(npost, sizeof(npost), "%zu", f->n_post);
	snprintf(lag, sizeof(lag), "%d", f->lag);
	/* SIZE_MAX - 1: the slope after; SIZE_MAX: the effect at the end */
	order[n++] = ITS_LEVEL_CHANGE;
	order[n++] = ITS_SLOPE_CHANGE;
	order[n++] = ITS_PRE_SLOPE;
	order[n++] = ITS_INTERCEPT;
	order[n++] = (size_t)-2;
	order[n++] = (size_t)-1;
	for (i = ITS_SEASON_FIRST; i < f->k; i++)
		order[n++] = i;
	for (i = 0; i < n && !bad; i++) {
		char name[ITS_TERM_NAME_LEN], b[7][FMT_NUMBER_MAX];
		const struct its_estimate *e;
		const char *cells[17];

		if (order[i] == (size_t)-2) {
			e = &f->post_slope;
			snprintf(name, sizeof(name), "post_slope");
		} else if (order[i] == (size_t)-1) {
			e = &f->effect_end;
			snprintf(name, sizeof(name), "effect_end");
		} else {
			e = &f->coef[order[i]];
			its_term_name(f, order[i], name);
		}
		cells[0] = kpi_defs[o->kpi].name;
		cells[1] = o->service;
		cells[2] = at;
		cells[3] = r->t0 < r->n ? r->months[r->t0].label : NULL;
		cells[4] = name;
		cells[5] = num(e->estimate, human, b[0]);
		cells[6] = num(e->se, human, b[1]);
		cells[7] = num(e->t, human, b[2]);
		cells[8] = df;
		cells[9] = num(e->p, human, b[3]);
		cells[10] = num(e->ci_low, human, b[4]);
		cells[11] = num(e->ci_high, human, b[5]);
		cells[12] = npre;
		cells[13] = npost;
		cells[14] = lag;
		cells[15] = *r->warning ? r->warning : NULL;
		cells[16] = term_label(name, o->thai);
		bad = table_writer_row(w, cells);
	}
	return table_writer_finish(w) || bad ? -1 : 0;
}

/* The series rows: each month observed, fitted and counterfactual. */
static int write_series(FILE *out, const struct its_opts *o, const struct its_run *r, int fmt)
{
	static const char *const mach[] = { "month", "period_start", "period_end", "t", "role",
					    "observed", "fitted", "counterfactual" };
	static const char *const th[] = { "เดือน", "เริ่ม", "สิ้นสุด", "t", "ช่วง", "ค่าจริง",
					  "ค่าตามแบบจำลอง", "เส้นคาดการณ์ (ไม่มีการเปลี่ยน)" };
	static const char *const en[] = { "Month", "Start", "End", "t", "Part", "Observed",
					  "Fitted", "Counterfactual" };
	static const enum cell_type types[] = { CELL_TEXT, CELL_TEXT, CELL_TEXT, CELL_NUMBER,
						CELL_TEXT, CELL_NUMBER, CELL_NUMBER, CELL_NUMBER };
	int human = fmt == OUT_TABLE, bad = 0;
	struct table_writer *w;
	char *meta = NULL;
	size_t i;

	if ((fmt == OUT_JSON || fmt == OUT_NDJSON) && !(meta = meta_json(o, r)))
		return -1;
	w = table_writer_open(out, fmt, 8, human ? (o->thai ? th : en) : mach, types,
			      o->no_header ? TW_NO_HEADER : 0, meta);
	free(meta);
	if (!w)
		return -1;
	for (i = 0; i < r->n && !bad; i++) {
		char s[DATE_ISO_LEN], e[DATE_ISO_LEN], t[24], b[3][FMT_NUMBER_MAX];
		const char *cells[8], *role;
		double fit = NAN;

		date_format_iso(r->months[i].start, s);
		date_format_iso(r->months[i].end, e);
		snprintf(t, sizeof(t), "%zu", i);
		if ((long)i == r->transition)
			role = "transition";
		else
			role = i < r->t0 ? "pre" : "post";
		if ((long)i != r->transition)
			fit = its_fitted(&r->fit, r->t0, i, r->month[i]);
		cells[0] = r->months[i].label;
		cells[1] = s;
		cells[2] = e;
		cells[3] = t;
		cells[4] = role;
		cells[5] = num(r->y[i], human, b[0]);
		cells[6] = num(fit, human, b[1]);
		cells[7] = num(its_counterfactual(&r->fit, i, r->month[i]), human, b[2]);
		bad = table_writer_row(w, cells);
	}
	return table_writer_finish(w) || bad ? -1 : 0;
}

static void opts_init(struct its_opts *o, int chart)
{
	*o = (struct its_opts){ .chart = chart, .lag = -1, .fmt = -1, .thai = 1, .min_cell = 5,
				.tz = "Asia/Bangkok", .width = 1200, .height = 700 };
}

int cmd_its(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct its_opts o;
	struct its_run r = { 0 };
	struct outfile *of = NULL;
	int st, done, fmt;

	opts_init(&o, 0);
	if ((st = parse_opts(argc, argv, ctx, &o, &done)) || done)
		return st;
	fmt = cmd_default_format(o.fmt, o.output, o.lang_given);
	/* the output file before the queries: held until it is complete */
	if (o.output && (st = outfile_open(o.output, &of)))
		return st;
	if ((st = analyse(ctx, &o, &r)))
		goto out;
	errno = 0;
	if ((o.series ? write_series : write_coefficients)(of ? outfile_stream(of) : stdout, &o, &r,
							    fmt)) {
		if (of)
			log_error("cannot write '%s': %s", o.output, strerror(errno ? errno : EIO));
		else
			log_error("cannot write the results to standard output");
		st = DK_CANTCREAT;
		goto out;
	}
	if (of) {
		st = outfile_commit(of);
		of = NULL;
	}
out:
	outfile_abort(of);
	its_run_free(&r);
	return st;
}

int cmd_its_chart_wanted(int argc, char **argv)
{
	char **copy = malloc((size_t)(argc + 1) * sizeof(*copy));
	int wanted = 0, saved_opterr = opterr;

	if (!copy)
		return 0;
	memcpy(copy, argv, (size_t)argc * sizeof(*copy));
	copy[argc] = NULL;
	/* getopt with our options on a copy (it permutes): the first word
	 * left is the chart's kind */
	opterr = 0;
	optind = 0;
	while (getopt_long(argc, copy, SHORT_OPTS, long_opts, NULL) != -1)
		;
	wanted = optind < argc && !strcmp(copy[optind], "its");
	opterr = saved_opterr;
	optind = 0;
	free(copy);
	return wanted;
}

/* "1 ต.ค. 2566" / "1 Oct 2023". */
static void date_human(struct civil_date d, int thai, char *buf, size_t n)
{
	const char *m = period_month_name(d.month, thai, 1);

	snprintf(buf, n, "%d %s %d", d.day, m ? m : "?", d.year + (thai ? 543 : 0));
}

/* A number for a subtitle, 3 significant digits, and its unit. */
static void pts(double v, const char *unit, char buf[64])
{
	snprintf(buf, 64, "%+.3g%s", v, unit);
}

int cmd_its_chart(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct its_opts o;
	struct its_run r = { 0 };
	struct outfile *of = NULL;
	struct chart_its ci = { 0 };
	double *fitted = NULL, *cf = NULL;
	char at[64], today[64], title[512], sub[1024], source[256];
	const struct kpi_def *d;
	size_t i, first_cf;
	int st, fst, done;

	opts_init(&o, 1);
	if ((st = parse_opts(argc, argv, ctx, &o, &done)) || done)
		return st;
	if ((st = outfile_open(o.output, &of)))
		return st;
	/* a font for Thai is checked while the database and the fit work,
	 * and waited for before drawing */
	chart_font_check_begin(o.thai);
	if ((st = analyse(ctx, &o, &r)))
		goto out;
	fitted = calloc(r.n, sizeof(*fitted));
	cf = calloc(r.n, sizeof(*cf));
	if (!fitted || !cf) {
		log_error("out of memory");
		st = DK_SOFTWARE;
		goto out;
	}
	/* the fitted lines where the model holds; the counterfactual from the
	 * last month before (the transition month's too), so that it leaves
	 * the line before */
	first_cf = r.transition >= 0 ? (size_t)r.transition : r.t0;
	for (i = 0; i < r.n; i++) {
		fitted[i] = (long)i == r.transition ? NAN : its_fitted(&r.fit, r.t0, i, r.month[i]);
		cf[i] = i + 1 >= first_cf ? its_counterfactual(&r.fit, i, r.month[i]) : NAN;
	}
	d = &kpi_defs[o.kpi];
	date_human(r.at, o.thai, at, sizeof(at));
	date_human(r.today, o.thai, today, sizeof(today));
	if (o.service)
		snprintf(title, sizeof(title), "%s: %s", o.thai ? d->label_th : d->label_en,
			 o.thai ? r.svc->v[0].name_th : r.svc->v[0].name_en);
	else
		snprintf(title, sizeof(title), "%s: %s", o.thai ? d->label_th : d->label_en,
			 o.thai ? "ทั้งกรม" : "the department");
	{
		char lv[3][64], ef[3][64];
		const struct its_estimate *l = &r.fit.coef[ITS_LEVEL_CHANGE], *e = &r.fit.effect_end;

		double k = d->unit == UNIT_FRACTION ? 100 : 1; /* percentage points */
		const char *pp = d->unit != UNIT_FRACTION ? "" : o.thai ? " จุดร้อยละ" : " pp";

		pts(l->estimate * k, pp, lv[0]);
		pts(l->ci_low * k, "", lv[1]);
		pts(l->ci_high * k, "", lv[2]);
		pts(e->estimate * k, pp, ef[0]);
		pts(e->ci_low * k, "", ef[1]);
		pts(e->ci_high * k, "", ef[2]);
		if (o.thai)
			snprintf(sub, sizeof(sub),
				 "เปลี่ยนระดับ %s (95%%: %s ถึง %s)  ผลในเดือนสุดท้าย %s (95%%: %s ถึง %s)%s",
				 lv[0], lv[1], lv[2], ef[0], ef[1], ef[2],
				 *r.warning ? "  ช่วงข้อมูลสั้น: ตีความด้วยความระมัดระวัง" : "");
		else
			snprintf(sub, sizeof(sub),
				 "level change %s (95%%: %s to %s) · effect in the last month %s (95%%: %s to %s)%s",
				 lv[0], lv[1], lv[2], ef[0], ef[1], ef[2],
				 *r.warning ? " · short series: read with care" : "");
	}
	if (o.thai)
		snprintf(source, sizeof(source), "ที่มา: didkpi its  Newey–West %d lag%s  ข้อมูล ณ %s",
			 r.fit.lag, o.seasonal ? "  มีฤดูกาล" : "", today);
	else
		snprintf(source, sizeof(source), "Source: didkpi its · Newey–West, %d lags%s · data as of %s",
			 r.fit.lag, o.seasonal ? " · seasonal" : "", today);
	ci.months = r.months;
	ci.n = r.n;
	ci.observed = r.y;
	ci.fitted = fitted;
	ci.counterfactual = cf;
	ci.at = r.at;
	ci.at_label = at;
	ci.title = title;
	ci.subtitle = sub;
	ci.source = source;
	ci.thai = o.thai;
	ci.unit = d->unit;
	if ((st = chart_font_check_end()))
		goto out;
	st = chart_its_write(&ci, of, o.width, o.height);
	of = NULL; /* consumed */
out:
	/* a missing font is the error, as when it was checked first */
	if ((fst = chart_font_check_end()))
		st = fst;
	outfile_abort(of);
	chart_fonts_release();
	free(fitted);
	free(cf);
	its_run_free(&r);
	return st;
}
