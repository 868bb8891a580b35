/* didkpi effects: staggered-adoption effects (ATT(g,t), event study), and
 * didkpi chart event-study, its picture. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "chart_event.h"
#include "cmd.h"
#include "effects.h"
#include "format.h"
#include "log.h"
#include "outfile.h"
#include "period.h"
#include "status.h"

static const char usage[] =
	"Usage: didkpi effects [OPTION]...\n"
	"Estimate what adopting Digital ID changed, service by service, with\n"
	"staggered adoption dates: group-time average effects ATT(g,t) in the\n"
	"manner of Callaway & Sant'Anna (2021) on each e-service's monthly series,\n"
	"aggregated to an overall effect, an event study (effect by months since\n"
	"adoption) and an effect per adoption cohort, with bootstrap standard errors\n"
	"clustered by service and a pre-trend test (see man didkpi-effects).\n\n"
	"Options:\n"
	"  -k, --outcome=NAME,...  only these outcomes (default all; see --list)\n"
	"      --control=notyet|never  comparison services: not yet treated (and\n"
	"                          never treated) at each month (default), or\n"
	"                          never treated only\n"
	"      --base=varying|universal  base month of pre-adoption effects: the\n"
	"                          month before each (default), or the month before\n"
	"                          adoption (then e = -1 is 0 and not printed)\n"
	"      --window=N          event times -N..+N (default 12)\n"
	"      --leads=N, --lags=N event times -leads..+lags, 0..60 each\n"
	"      --gt                also print every ATT(g,t)\n"
	"  -B, --boot=N            bootstrap replicates, 99..99999 (default 999)\n"
	"      --seed=N            bootstrap seed (default 20250101)\n"
	"      --weights=mammen|rademacher  bootstrap multipliers (default mammen)\n"
	"      --band=pointwise|simultaneous  the event study's 95% intervals\n"
	"                          (default pointwise)\n"
	"      --tz=ZONE           time zone of the months (default Asia/Bangkok)\n"
	"      --lang=th|en        language of the table and of the label column\n"
	"                          (default th)\n"
	"      --no-formula-guard  CSV/TSV: text cells as they are\n"
	"  -f, --format=FORMAT     " FORMAT_NAMES "\n"
	"                          (default: table on a terminal or with --lang,\n"
	"                          csv otherwise)\n"
	"      --no-header         csv/tsv: no header line; ndjson: no meta line\n"
	"      --wide              tables: every column at full width\n"
	"  -o, --output=FILE       write to FILE, atomically (default or '-':\n"
	"                          standard output); the format defaults to its\n"
	"                          extension\n"
	"      --list              list the outcomes, and exit\n"
	CMD_DB_HELP
	"  -h, --help              show this help\n\n"
	"Exit status: 0 success; 64 usage; 65 too little data; 69 database\n"
	"unavailable; 70 internal error; 73 cannot create the output file.\n";

static const char chart_usage[] =
	"Usage: didkpi chart event-study -o FILE [OPTION]...\n"
	"Draw the event study of 'didkpi effects' for one outcome: the effect of\n"
	"Digital ID by month since adoption, with 95% interval whiskers and the\n"
	"zero line (PNG, SVG or PDF by the file's extension).\n\n"
	"Options:\n"
	"  -o, --output=FILE       the chart (.png, .svg, .pdf); required\n"
	"  -k, --kpi=NAME          the outcome (default digital_channel_rate; see\n"
	"                          didkpi effects --list)\n"
	"      --control, --base, --window, --leads, --lags, -B/--boot, --seed,\n"
	"      --weights, --band   as didkpi effects\n"
	"      --lang=th|en        language of the text (default th)\n"
	"      --width=W           width in pixels, points for PDF (default 1200)\n"
	"      --height=H          height (default 700)\n"
	"      --tz=ZONE           time zone of the months (default Asia/Bangkok)\n"
	CMD_DB_HELP
	"  -h, --help              show this help\n\n"
	"Exit status: 0 success; 64 usage; 65 too little data or no estimate;\n"
	"69 database unavailable; 70 internal error or no Thai-capable font;\n"
	"73 cannot create the file.\n";

/* Options both commands share. */
enum {
	OPT_CONTROL = 256, OPT_BASE, OPT_WINDOW, OPT_LEADS, OPT_LAGS, OPT_SEED, OPT_WEIGHTS,
	OPT_BAND, OPT_TZ, OPT_LANG, OPT_GT, OPT_LIST, OPT_NO_GUARD, OPT_NO_HEADER, OPT_WIDE,
	OPT_WIDTH, OPT_HEIGHT
};

/* A whole number in [lo, hi] from text, or -1. */
static int parse_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

/* One of the shared estimator options; 1 when ch is not one of them. */
static int shared_option(struct cmd_ctx *ctx, int ch, struct effects_options *eo,
			 const char **tz, int *thai, int *st)
{
	long v;

	*st = DK_OK;
	switch (ch) {
	case OPT_CONTROL:
		if (!strcmp(optarg, "notyet"))
			eo->control = EFF_CONTROL_NOTYET;
		else if (!strcmp(optarg, "never"))
			eo->control = EFF_CONTROL_NEVER;
		else
			*st = cmd_usage_error(ctx, "--control must be notyet or never, not '%s'", optarg);
		return 0;
	case OPT_BASE:
		if (!strcmp(optarg, "varying"))
			eo->base = EFF_BASE_VARYING;
		else if (!strcmp(optarg, "universal"))
			eo->base = EFF_BASE_UNIVERSAL;
		else
			*st = cmd_usage_error(ctx, "--base must be varying or universal, not '%s'", optarg);
		return 0;
	case OPT_WINDOW:
	case OPT_LEADS:
	case OPT_LAGS:
		if (parse_long(optarg, 0, 60, &v)) {
			*st = cmd_usage_error(ctx, "--%s needs a whole number of months 0..60, not '%s'",
					      ch == OPT_WINDOW ? "window" : ch == OPT_LEADS ? "leads" : "lags",
					      optarg);
			return 0;
		}
		if (ch != OPT_LAGS)
			eo->leads = (int)v;
		if (ch != OPT_LEADS)
			eo->lags = (int)v;
		return 0;
	case 'B':
		if (parse_long(optarg, 99, 99999, &v))
			*st = cmd_usage_error(ctx, "--boot needs a whole number 99..99999, not '%s'", optarg);
		else
			eo->boot = (int)v;
		return 0;
	case OPT_SEED: {
		char *end;
		unsigned long long s;

		errno = 0;
		s = strtoull(optarg, &end, 10);
		if (errno || end == optarg || *end || *optarg == '-')
			*st = cmd_usage_error(ctx, "--seed needs a whole number from 0, not '%s'", optarg);
		else
			eo->seed = s;
		return 0;
	}
	case OPT_WEIGHTS:
		if (!strcmp(optarg, "mammen"))
			eo->weights = EFF_WEIGHTS_MAMMEN;
		else if (!strcmp(optarg, "rademacher"))
			eo->weights = EFF_WEIGHTS_RADEMACHER;
		else
			*st = cmd_usage_error(ctx, "--weights must be mammen or rademacher, not '%s'", optarg);
		return 0;
	case OPT_BAND:
		if (!strcmp(optarg, "pointwise"))
			eo->band = EFF_BAND_POINTWISE;
		else if (!strcmp(optarg, "simultaneous"))
			eo->band = EFF_BAND_SIMULTANEOUS;
		else
			*st = cmd_usage_error(ctx, "--band must be pointwise or simultaneous, not '%s'", optarg);
		return 0;
	case OPT_TZ: *tz = optarg; return 0;
	case OPT_LANG:
		if (strcmp(optarg, "th") && strcmp(optarg, "en"))
			*st = cmd_usage_error(ctx, "--lang must be th or en, not '%s'", optarg);
		else
			*thai = !strcmp(optarg, "th");
		return 0;
	case 'd': ctx->dbname = optarg; return 0;
	case 'v': log_verbose = 1; return 0;
	default: return 1;
	}
}

#define SHARED_LONG_OPTIONS \
	{ "control", required_argument, NULL, OPT_CONTROL }, \
	{ "base", required_argument, NULL, OPT_BASE }, \
	{ "window", required_argument, NULL, OPT_WINDOW }, \
	{ "leads", required_argument, NULL, OPT_LEADS }, \
	{ "lags", required_argument, NULL, OPT_LAGS }, \
	{ "boot", required_argument, NULL, 'B' }, \
	{ "seed", required_argument, NULL, OPT_SEED }, \
	{ "weights", required_argument, NULL, OPT_WEIGHTS }, \
	{ "band", required_argument, NULL, OPT_BAND }, \
	{ "tz", required_argument, NULL, OPT_TZ }, \
	{ "lang", required_argument, NULL, OPT_LANG }, \
	CMD_DB_OPTIONS

static const char *const col_mach[] = {
	"outcome", "aggregation", "e", "cohort", "month", "estimate", "se", "ci_low", "ci_high",
	"p_value", "n_treated", "n_control", "reliable", "label"
};
static const char *const col_th[] = {
	"ตัวชี้วัด", "การรวม", "เดือนนับจากเริ่มใช้", "รุ่นที่เริ่มใช้", "เดือน", "ผลที่ประมาณได้",
	"ค่าคลาดเคลื่อนมาตรฐาน", "ขอบล่าง", "ขอบบน", "ค่า p", "บริการที่เริ่มใช้",
	"บริการเปรียบเทียบ", "เชื่อถือได้", "ชื่อ"
};
static const char *const col_en[] = {
	"Outcome", "Aggregation", "Months since", "Cohort", "Month", "Estimate", "SE", "CI low",
	"CI high", "p", "Treated", "Comparison", "Reliable", "Label"
};
static const enum cell_type col_types[] = {
	CELL_TEXT, CELL_TEXT, CELL_NUMBER, CELL_TEXT, CELL_TEXT, CELL_NUMBER, CELL_NUMBER,
	CELL_NUMBER, CELL_NUMBER, CELL_NUMBER, CELL_NUMBER, CELL_NUMBER, CELL_BOOL, CELL_TEXT
};
#define NCOLS 14

/* effects --list */
static int list_outcomes(int fmt, int thai)
{
	static const char *const mach[] = { "outcome", "label" };
	static const char *const th[] = { "ตัวชี้วัด", "ชื่อ" };
	static const char *const en[] = { "Outcome", "Name" };
	static const enum cell_type types[] = { CELL_TEXT, CELL_TEXT };
	struct table_writer *w = table_writer_new(stdout, fmt, 2,
						  fmt != OUT_TABLE ? mach : thai ? th : en, types);
	int bad = !w;

	for (int o = 0; o < EFF_OUTCOME_COUNT && !bad; o++) {
		const char *cells[] = { effects_outcomes[o].name,
					thai ? effects_outcomes[o].label_th : effects_outcomes[o].label_en };

		bad = table_writer_row(w, cells);
	}
	if (w && table_writer_finish(w))
		bad = 1;
	if (bad) {
		log_error("cannot write the outcome list to standard output");
		return DK_CANTCREAT;
	}
	return DK_OK;
}

/* The JSON meta object: how the estimates were made. */
static char *meta_json(const struct effects_options *eo, const struct effects_data *d,
		       const char *tz, int reliable, const char *why)
{
	char *buf = NULL, num[FMT_NUMBER_MAX];
	size_t len = 0;
	int first = 1;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	fputc('{', f);
	json_member_str(f, &first, "command", "effects");
	json_member_str(f, &first, "version", DIDKPI_VERSION);
	json_member_str(f, &first, "method", "callaway-santanna-2021 unconditional");
	json_member_str(f, &first, "control", eo->control == EFF_CONTROL_NEVER ? "never" : "notyet");
	json_member_str(f, &first, "base", eo->base == EFF_BASE_UNIVERSAL ? "universal" : "varying");
	json_member_raw(f, &first, "leads", fmt_number(eo->leads, num));
	json_member_raw(f, &first, "lags", fmt_number(eo->lags, num));
	json_member_raw(f, &first, "bootstrap", fmt_number(eo->boot, num));
	snprintf(num, sizeof(num), "%llu", (unsigned long long)eo->seed);
	json_member_raw(f, &first, "seed", num);
	json_member_str(f, &first, "weights", eo->weights == EFF_WEIGHTS_RADEMACHER ? "rademacher" : "mammen");
	json_member_str(f, &first, "band", eo->band == EFF_BAND_SIMULTANEOUS ? "simultaneous" : "pointwise");
	json_member_raw(f, &first, "level", fmt_number(eo->level, num));
	json_member_str(f, &first, "tz", tz);
	json_member_str(f, &first, "panel_start", d->months[0]);
	json_member_str(f, &first, "panel_end", d->months[d->nmonths - 1]);
	json_member_str(f, &first, "data_first_day", d->first_day);
	json_member_str(f, &first, "data_last_day", d->last_day);
	json_member_raw(f, &first, "services", fmt_number(d->nservices, num));
	json_member_raw(f, &first, "reliable", reliable ? "true" : "false");
	json_member_str(f, &first, "unreliable_because", reliable ? NULL : why);
	fputc('}', f);
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* A number for the output: every digit for machines, 4 significant
 * digits in a table for people. */
static const char *num_cell(double v, int human, char *buf)
{
	if (!isfinite(v))
		return NULL;
	if (!human)
		return fmt_number(v, buf);
	snprintf(buf, FMT_NUMBER_MAX, "%.4g", v);
	return buf;
}

/* The rows of one outcome. */
static int write_rows(struct table_writer *w, const struct effects_data *d, int o,
		      const struct effects_result *r, int want_gt, int thai, int human)
{
	char b[9][FMT_NUMBER_MAX];

	for (int k = 0; k < r->nrows; k++) {
		const struct effects_row *x = &r->rows[k];
		const char *cells[NCOLS];
		int has_e = x->agg == EFF_AGG_EVENT || x->agg == EFF_AGG_GT;

		if (x->agg == EFF_AGG_GT && !want_gt)
			continue;
		cells[0] = effects_outcomes[o].name;
		cells[1] = effects_agg_names[x->agg];
		cells[2] = has_e ? fmt_number(x->e, b[0]) : NULL;
		cells[3] = x->g >= 0 ? d->months[x->g] : NULL;
		cells[4] = x->t >= 0 ? d->months[x->t] : NULL;
		cells[5] = num_cell(x->estimate, human, b[1]);
		cells[6] = num_cell(x->se, human, b[2]);
		cells[7] = num_cell(x->ci_low, human, b[3]);
		cells[8] = num_cell(x->ci_high, human, b[4]);
		cells[9] = num_cell(x->p_value, human, b[5]);
		cells[10] = fmt_number(x->n_treated, b[6]);
		cells[11] = fmt_number(x->n_control, b[7]);
		cells[12] = r->reliable ? "true" : "false";
		cells[13] = thai ? effects_outcomes[o].label_th : effects_outcomes[o].label_en;
		if (table_writer_row(w, cells))
			return -1;
	}
	return 0;
}

/* Parses --outcome: a comma-separated list into the mask *want. */
static int parse_outcomes(struct cmd_ctx *ctx, char *list, unsigned *want)
{
	char *save = NULL, *tok;
	int o;

	*want = 0;
	for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if ((o = effects_outcome_find(tok)) < 0)
			return cmd_usage_error(ctx, "unknown outcome '%s' (see didkpi effects --list)", tok);
		*want |= 1u << o;
	}
	if (!*want)
		return cmd_usage_error(ctx, "--outcome needs at least one name");
	return DK_OK;
}

/* Says on stderr, once, why the inference means little. */
static void warn_reliability(const struct effects_data *d, const struct effects_options *eo,
			     int *reliable, char *why, size_t len)
{
	int treated = 0, never = 0, cohorts = 0;
	char *seen = calloc((size_t)d->nmonths + 1, 1);

	for (int i = 0; i < d->nservices; i++) {
		int g = d->cohort[i];

		if (g == EFF_NEVER)
			never++;
		else if (g >= 1 && g < d->nmonths) {
			treated++;
			if (seen && !seen[g]++)
				cohorts++;
		}
	}
	free(seen);
	*reliable = effects_reliable(treated, cohorts, never, eo->control, why, len);
	if (!*reliable)
		log_warning("effects: too few services for the inference to mean much: %s; "
			    "read the standard errors, intervals and p-values as rough", why);
}

int cmd_effects(int argc, char **argv, struct cmd_ctx *ctx)
{
	static const struct option opts[] = {
		{ "outcome", required_argument, NULL, 'k' },
		{ "kpi", required_argument, NULL, 'k' },
		{ "gt", no_argument, NULL, OPT_GT },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "list", no_argument, NULL, OPT_LIST },
		{ "no-formula-guard", no_argument, NULL, OPT_NO_GUARD },
		{ "no-header", no_argument, NULL, OPT_NO_HEADER },
		{ "wide", no_argument, NULL, OPT_WIDE },
		SHARED_LONG_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct effects_options eo = EFFECTS_OPTIONS_DEFAULT;
	struct effects_data *d = NULL;
	struct effects_result *r = NULL;
	struct table_writer *w = NULL;
	struct outfile *of = NULL;
	const char *tz = "Asia/Bangkok", *output = NULL;
	unsigned want = (1u << EFF_OUTCOME_COUNT) - 1;
	int ch, st = DK_OK, fmt = -1, thai = 1, lang_given = 0, want_list = 0, want_gt = 0;
	int no_header = 0, reliable = 1, bad = 0;
	char why[200] = "", *meta = NULL;
	FILE *f;

	while ((ch = getopt_long(argc, argv, "k:B:f:o:d:vh", opts, NULL)) != -1) {
		if (!shared_option(ctx, ch, &eo, &tz, &thai, &st)) {
			if (st)
				return st;
			lang_given |= ch == OPT_LANG;
			continue;
		}
		switch (ch) {
		case 'k':
			if ((st = parse_outcomes(ctx, optarg, &want)))
				return st;
			break;
		case OPT_GT: want_gt = 1; break;
		case 'f':
			if ((fmt = format_find(optarg)) < 0)
				return cmd_usage_error(ctx, "--format must be " FORMAT_NAMES ", not '%s'",
						       optarg);
			break;
		case 'o':
			if (!*optarg)
				return cmd_usage_error(ctx, "--output needs a file name");
			output = strcmp(optarg, "-") ? optarg : NULL;
			break;
		case OPT_LIST: want_list = 1; break;
		case OPT_NO_GUARD: format_set_formula_guard(0); break;
		case OPT_NO_HEADER: no_header = 1; break;
		case OPT_WIDE: format_set_table_width(FORMAT_WIDTH_WIDE); break;
		case 'h': fputs(usage, stdout); return DK_OK;
		default: return cmd_bad_option(ctx);
		}
	}
	if (optind < argc)
		return cmd_usage_error(ctx, "unexpected argument '%s'", argv[optind]);
	if (want_list)
		return list_outcomes(cmd_default_format(fmt, NULL, lang_given), thai);
	fmt = cmd_default_format(fmt, output, lang_given);
	if ((st = cmd_open(ctx)) || (st = db_set_timezone(ctx->db, tz)))
		return st;
	if (output && (st = outfile_open(output, &of)))
		return st;
	if ((st = effects_load(ctx->db, tz, &d)))
		goto out;
	warn_reliability(d, &eo, &reliable, why, sizeof(why));
	f = of ? outfile_stream(of) : stdout;
	if ((fmt == OUT_JSON || fmt == OUT_NDJSON) && !(meta = meta_json(&eo, d, tz, reliable, why))) {
		log_error("effects: out of memory");
		st = DK_SOFTWARE;
		goto out;
	}
	if (!(w = table_writer_open(f, fmt, NCOLS, fmt != OUT_TABLE ? col_mach : thai ? col_th : col_en,
				    col_types, no_header ? TW_NO_HEADER : 0, meta))) {
		log_error("effects: out of memory");
		st = DK_SOFTWARE;
		goto out;
	}
	{
		/* narrow terminals lose these first: the p-value, the
		 * comparison count, the standard error */
		static const int drop[] = { 9, 11, 6 };

		table_writer_drop_order(w, drop, 3);
	}
	for (int o = 0; o < EFF_OUTCOME_COUNT && !bad; o++) {
		struct effects_panel p;

		if (!(want & (1u << o)))
			continue;
		effects_panel_of(d, o, &p);
		if ((st = effects_estimate(&p, &eo, &r)))
			goto out;
		if (write_rows(w, d, o, r, want_gt, thai, fmt == OUT_TABLE))
			bad = 1;
		effects_result_free(r);
		r = NULL;
	}
	errno = 0;
	if (table_writer_finish(w) || bad) {
		if (of)
			log_error("cannot write '%s': %s", output, strerror(errno ? errno : EIO));
		else
			log_error("cannot write the effects to standard output");
		st = DK_CANTCREAT;
	}
	w = NULL;
	if (st == DK_OK && of) {
		st = outfile_commit(of);
		of = NULL;
	}
out:
	if (w)
		table_writer_finish(w);
	outfile_abort(of);
	effects_result_free(r);
	effects_data_free(d);
	free(meta);
	return st;
}

int cmd_chart_event_study(int argc, char **argv, struct cmd_ctx *ctx)
{
	static const struct option opts[] = {
		{ "kpi", required_argument, NULL, 'k' },
		{ "outcome", required_argument, NULL, 'k' },
		{ "output", required_argument, NULL, 'o' },
		{ "width", required_argument, NULL, OPT_WIDTH },
		{ "height", required_argument, NULL, OPT_HEIGHT },
		SHARED_LONG_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct effects_options eo = EFFECTS_OPTIONS_DEFAULT;
	struct effects_data *d = NULL;
	struct effects_result *r = NULL;
	struct chart_event ce;
	struct outfile *of = NULL;
	const char *tz = "Asia/Bangkok", *out = NULL;
	int ch, st = DK_OK, thai = 1, o = EFF_DIGITAL_CHANNEL_RATE, reliable, fst;
	long width = 1200, height = 700;
	char why[200] = "";
	struct effects_panel p;

	while ((ch = getopt_long(argc, argv, "k:B:o:d:vh", opts, NULL)) != -1) {
		if (!shared_option(ctx, ch, &eo, &tz, &thai, &st)) {
			if (st)
				return st;
			continue;
		}
		switch (ch) {
		case 'k':
			if ((o = effects_outcome_find(optarg)) < 0)
				return cmd_usage_error(ctx, "unknown outcome '%s' (see didkpi effects --list)",
						       optarg);
			break;
		case 'o': out = optarg; break;
		case OPT_WIDTH:
		case OPT_HEIGHT:
			if (parse_long(optarg, 100, 16384, ch == OPT_WIDTH ? &width : &height))
				return cmd_usage_error(ctx, "--%s needs a whole number 100..16384, not '%s'",
						       ch == OPT_WIDTH ? "width" : "height", optarg);
			break;
		case 'h': fputs(chart_usage, stdout); return DK_OK;
		default: return cmd_bad_option(ctx);
		}
	}
	/* the one operand is the kind, "event-study" */
	if (optind >= argc || strcmp(argv[optind], "event-study"))
		return cmd_usage_error(ctx, "expected the chart kind event-study");
	if (optind + 1 < argc)
		return cmd_usage_error(ctx, "unexpected argument '%s'", argv[optind + 1]);
	if (!out || !*out)
		return cmd_usage_error(ctx, "-o FILE is required (.png, .svg or .pdf)");
	if (!chart_path_supported(out))
		return cmd_usage_error(ctx, "%s: unsupported chart format: the name must end in "
				       ".png, .svg or .pdf", out);
	if ((st = outfile_open(out, &of)))
		return st;
	/* a font for Thai is checked while the database and the estimate
	 * work, and waited for before drawing */
	chart_font_check_begin(thai);
	if ((st = cmd_open(ctx)) || (st = db_set_timezone(ctx->db, tz)) ||
	    (st = effects_load(ctx->db, tz, &d)))
		goto out;
	warn_reliability(d, &eo, &reliable, why, sizeof(why));
	effects_panel_of(d, o, &p);
	if ((st = effects_estimate(&p, &eo, &r)))
		goto out;
	if ((st = chart_event_build(&ce, r, o, &eo, thai, reliable, d->months[0],
				    d->months[d->nmonths - 1])))
		goto out;
	if (ce.empty) {
		log_error("no event-study estimate to chart for %s", effects_outcomes[o].name);
		st = DK_DATAERR;
		chart_event_free(&ce);
		goto out;
	}
	if (log_verbose)
		chart_event_log(&ce);
	if ((st = chart_font_check_end())) {
		chart_event_free(&ce);
		goto out;
	}
	st = chart_write_outfile(&ce.chart, of, (int)width, (int)height);
	of = NULL;
	chart_event_free(&ce);
	if (st == DK_OK)
		log_info("wrote %s (%ldx%ld)", out, width, height);
out:
	/* a missing font is the error, as when it was checked first */
	if ((fst = chart_font_check_end()))
		st = fst;
	outfile_abort(of);
	effects_result_free(r);
	effects_data_free(d);
	chart_fonts_release();
	return st;
}
