/* didkpi kpi: compute the KPIs of a period, for people and for pipes. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "format.h"
#include "freshness.h"
#include "kpi.h"
#include "kpiout.h"
#include "log.h"
#include "outfile.h"
#include "period.h"
#include "status.h"
#include "suggest.h"

static const char usage[] =
	"Usage: didkpi kpi [OPTION]...\n"
	"Compute the department's KPIs (SPEC section 4) for a period, in PostgreSQL,\n"
	"in one read-only snapshot.\n\n"
	"Options:\n"
	"  -p, --period=PERIOD     2025-03, 2025, FY2568, FY2568-Q1, 2025-W10 (ISO\n"
	"                          week), 2025-03-01..=2025-03-31 (end included),\n"
	"                          2025-03-01..2025-04-01 (end excluded), last-month,\n"
	"                          this-month, this-fy, last-fy (default last-month)\n"
	"  -i, --interval=day|week|month|quarter|year\n"
	"                          split the period into a series: local days, ISO\n"
	"                          weeks (Monday first, 2025-W10), calendar months,\n"
	"                          fiscal quarters or calendar years\n"
	"  -b, --by=BREAKDOWN,...  add rows by service, unit, channel, method\n"
	"  -k, --kpi=NAME,...      only these KPIs (default all; see --list)\n"
	"      --min-cell=N        blank breakdown rows of size 1..N-1 (default 5;\n"
	"                          0 turns suppression off)\n"
	"      --tz=ZONE           time zone of the periods (default Asia/Bangkok)\n"
	"      --raw               compute from the raw logs only, not the day rollups\n"
	"  -j, --jobs=N            connections to compute on: 2 (default) computes the\n"
	"                          requests' KPIs on one and shares the others with a\n"
	"                          second in the same snapshot, 1 everything on one\n"
	"                          (the same output, slower)\n"
	"      --lang=th|en        language of the table, of the label column and of\n"
	"                          the JSON metadata (default th); given without\n"
	"                          --format, a table also in a pipe\n"
	"      --no-formula-guard  CSV/TSV: write text cells that start with = + - @\n"
	"                          as they are (default: a ' in front, so that a\n"
	"                          spreadsheet does not run them as formulas)\n"
	"  -f, --format=FORMAT     table, csv, tsv, json ({\"meta\": ..., \"rows\": [...]}),\n"
	"                          ndjson (a meta line, then a row a line) or\n"
	"                          json-array (rows only) (default: table on a\n"
	"                          terminal or with --lang, csv otherwise)\n"
	"      --no-header         csv/tsv: no header line; ndjson: no meta line\n"
	"      --wide              tables: every column at full width (default: fit\n"
	"                          the terminal, or 100 columns)\n"
	"      --allow-empty       print zeros for a period with no data at all\n"
	"                          (default: refuse it with status 65)\n"
	"      --require-complete  refuse (65) when the data ends more than a day\n"
	"                          before the period does (default: a warning)\n"
	"  -o, --output=FILE       write to FILE, atomically: it appears whole or not\n"
	"                          at all, never through a symbolic link (default\n"
	"                          or '-': standard output); {period} becomes the\n"
	"                          period's label (2025-03), {date} today's date;\n"
	"                          the format defaults to FILE's extension (.csv,\n"
	"                          .tsv, .json, .ndjson, .jsonl), else csv\n"
	"      --list              list the KPIs (name, label, unit, breakdowns,\n"
	"                          definition) in --lang and --format, and exit\n"
	CMD_DB_HELP
	"  -h, --help              show this help\n\n"
	"Exit status: 0 success; 64 usage; 65 no data in the period (or incomplete,\n"
	"with --require-complete); 69 database unavailable; 70 internal error;\n"
	"73 cannot create the output file.\n";

/* Parse a comma-separated list with fn (returns an index or -1). */
static int parse_list(struct cmd_ctx *ctx, const char *opt, char *list,
		      int (*fn)(const char *), const char *(*name_at)(int), int *out, int max,
		      int *n)
{
	char *save = NULL, *tok, hint[SUGGEST_HINT_MAX];
	struct suggest s;
	const char *name;
	int v, i;

	*n = 0;
	for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if ((v = fn(tok)) < 0) {
			suggest_init(&s, tok);
			for (i = 0; (name = name_at(i)); i++)
				suggest_add(&s, name);
			return cmd_usage_error(ctx, "%s: unknown name '%s'%s", opt, tok,
					       suggest_hint(&s, hint, sizeof(hint)));
		}
		for (i = 0; i < *n; i++)
			if (out[i] == v)
				break;
		if (i == *n && *n < max)
			out[(*n)++] = v;
	}
	if (*n == 0)
		return cmd_usage_error(ctx, "%s needs at least one name", opt);
	return DK_OK;
}

/* The names --kpi and --by take, by index, NULL past the end. */
static const char *kpi_name_at(int i)
{
	return i < KPI_COUNT ? kpi_defs[i].name : NULL;
}

static const char *breakdown_name_at(int i)
{
	return i + 1 < BD_COUNT ? breakdown_name(i + 1) : NULL;
}

static int find_breakdown(const char *s)
{
	int b = breakdown_find(s);

	return b == BD_ALL ? -1 : b;
}

/* Expands {period} and {date} in an output name (outfile_expand). */
static int expand_output(const char *pattern, const char *period, const char *date, char **out)
{
	const struct outfile_var vars[] = { { "period", period }, { "date", date } };

	return outfile_expand(pattern, vars, 2, out);
}

/* The unit of a KPI: machine names for csv/tsv/json (those of the JSON
 * metadata, kpi_unit_name()), words for people. */
static const char *unit_name(enum kpi_unit u, int human, int thai)
{
	if (!human)
		return kpi_unit_name(u);
	switch (u) {
	case UNIT_FRACTION: return thai ? "สัดส่วน" : "share";
	case UNIT_SCORE: return thai ? "คะแนน 1–5" : "score 1–5";
	case UNIT_HOURS: return thai ? "ชั่วโมง" : "hours";
	case UNIT_MS: return thai ? "มิลลิวินาที" : "milliseconds";
	case UNIT_BAHT: return thai ? "บาท" : "baht";
	case UNIT_COUNT: break;
	}
	return thai ? "จำนวน" : "count";
}

/* kpi --list: the catalogue in the chosen language and format. */
static int list_kpis(int fmt, int thai)
{
	static const char *const mach[] = { "kpi", "label", "unit", "breakdowns", "definition" };
	static const char *const th[] = { "ตัวชี้วัด", "ชื่อ", "หน่วย", "มิติ", "นิยาม" };
	static const char *const en[] = { "KPI", "Name", "Unit", "Breakdowns", "Definition" };
	static const enum cell_type types[] = { CELL_TEXT, CELL_TEXT, CELL_TEXT, CELL_TEXT,
						CELL_TEXT };
	int human = fmt == OUT_TABLE, bad = 0;
	struct table_writer *w = table_writer_new(stdout, fmt, 5,
						  !human ? mach : thai ? th : en, types);

	if (!w)
		return -1;
	table_writer_drop_order(w, (const int[]){ 3 }, 1);
	for (int k = 0; k < KPI_COUNT && !bad; k++) {
		const struct kpi_def *d = &kpi_defs[k];
		char bds[256] = "";
		const char *cells[5];

		for (int b = BD_ALL + 1; b < BD_COUNT; b++)
			if (d->breakdowns & (1u << b))
				snprintf(bds + strlen(bds), sizeof(bds) - strlen(bds), "%s%s",
					 *bds ? (human ? ", " : " ") : "",
					 human ? breakdown_label(b, thai) : breakdown_name(b));
		cells[0] = d->name;
		cells[1] = thai ? d->label_th : d->label_en;
		cells[2] = unit_name(d->unit, human, thai);
		cells[3] = bds;
		cells[4] = thai ? d->definition_th : d->definition_en;
		bad = table_writer_row(w, cells);
	}
	return table_writer_finish(w) || bad ? -1 : 0;
}

int cmd_kpi(int argc, char **argv, struct cmd_ctx *ctx)
{
	enum { OPT_MIN_CELL = 256, OPT_TZ, OPT_LANG, OPT_LIST, OPT_ALLOW_EMPTY, OPT_COMPLETE, OPT_NO_GUARD, OPT_RAW,
	       OPT_NO_HEADER, OPT_WIDE };
	static const struct option opts[] = {
		{ "period", required_argument, NULL, 'p' },
		{ "interval", required_argument, NULL, 'i' },
		{ "by", required_argument, NULL, 'b' },
		{ "kpi", required_argument, NULL, 'k' },
		{ "min-cell", required_argument, NULL, OPT_MIN_CELL },
		{ "tz", required_argument, NULL, OPT_TZ },
		{ "lang", required_argument, NULL, OPT_LANG },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "list", no_argument, NULL, OPT_LIST },
		{ "allow-empty", no_argument, NULL, OPT_ALLOW_EMPTY },
		{ "require-complete", no_argument, NULL, OPT_COMPLETE },
		{ "no-formula-guard", no_argument, NULL, OPT_NO_GUARD },
		{ "raw", no_argument, NULL, OPT_RAW },
		{ "no-header", no_argument, NULL, OPT_NO_HEADER },
		{ "wide", no_argument, NULL, OPT_WIDE },
		{ "jobs", required_argument, NULL, 'j' },
		CMD_DB_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct kpi_request req = { .tz = "Asia/Bangkok", .min_cell = 5, .jobs = 2 };
	struct kpi_result *res = NULL;
	struct period period, *series = NULL;
	enum period_interval iv = INTERVAL_NONE;
	struct civil_date today;
	const char *period_text = "last-month", *output = NULL, *interval = NULL;
	struct kpi_out_options oo = { 0 };
	struct kpi_meta meta = { .version = DIDKPI_VERSION };
	struct freshness fr;
	struct outfile *of = NULL;
	char date[DATE_ISO_LEN], *path = NULL;
	int ch, st, fmt = -1, thai = 1, list[KPI_COUNT], n, by[BD_COUNT], lang_given = 0,
	    want_list = 0;
	unsigned fresh = 0;
	char *end;

	while ((ch = getopt_long(argc, argv, "p:i:b:k:f:o:j:d:vh", opts, NULL)) != -1) {
		switch (ch) {
		case 'p': period_text = optarg; break;
		case 'i':
			if (period_interval_parse(optarg, &iv))
				return cmd_usage_error(ctx, "--interval must be %s, not '%s'",
						       period_intervals_help(), optarg);
			interval = optarg;
			break;
		case 'b':
			if ((st = parse_list(ctx, "--by", optarg, find_breakdown, breakdown_name_at, by, BD_COUNT - 1, &n)))
				return st;
			for (req.nby = 0; req.nby < n; req.nby++)
				req.by[req.nby] = by[req.nby];
			break;
		case 'k':
			if ((st = parse_list(ctx, "--kpi", optarg, kpi_find, kpi_name_at, list, KPI_COUNT, &n)))
				return st;
			for (req.kpis = 0; n > 0; n--)
				req.kpis |= 1u << list[n - 1];
			break;
		case OPT_MIN_CELL:
			req.min_cell = strtol(optarg, &end, 10);
			if (end == optarg || *end || req.min_cell < 0)
				return cmd_usage_error(ctx, "--min-cell needs a number >= 0, not '%s'", optarg);
			break;
		case OPT_TZ: req.tz = optarg; break;
		case OPT_NO_GUARD: format_set_formula_guard(0); break;
		case OPT_RAW: req.raw = 1; break;
		case 'j':
			if (strcmp(optarg, "1") && strcmp(optarg, "2"))
				return cmd_usage_error(ctx, "--jobs must be 1 or 2, not '%s'", optarg);
			req.jobs = optarg[0] - '0';
			break;
		case OPT_NO_HEADER: oo.no_header = 1; break;
		case OPT_LANG:
			if (strcmp(optarg, "th") && strcmp(optarg, "en"))
				return cmd_usage_error(ctx, "--lang must be th or en, not '%s'", optarg);
			thai = !strcmp(optarg, "th");
			lang_given = 1;
			break;
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
		case OPT_WIDE: format_set_table_width(FORMAT_WIDTH_WIDE); break;
		case OPT_ALLOW_EMPTY: fresh |= FRESH_ALLOW_EMPTY; break;
		case OPT_COMPLETE: fresh |= FRESH_REQUIRE_COMPLETE; break;
		case 'd': ctx->dbname = optarg; break;
		case 'v': log_verbose = 1; break;
		case 'h': fputs(usage, stdout); return DK_OK;
		default: return cmd_bad_option(ctx);
		}
	}
	if (optind < argc)
		return cmd_usage_error(ctx, "unexpected argument '%s'", argv[optind]);
	if (want_list) {
		/* to standard output, in the format asked (not from -o's name) */
		if (list_kpis(cmd_default_format(fmt, NULL, lang_given), thai)) {
			log_error("cannot write the KPI list to standard output");
			return DK_CANTCREAT;
		}
		return DK_OK;
	}
	fmt = cmd_default_format(fmt, output, lang_given);
	/* a placeholder mistake shows now, before connecting */
	if (output && (st = expand_output(output, "p", "d", &path)))
		return st;
	free(path);
	path = NULL;
	if ((st = cmd_period_check(period_text)) || (st = cmd_open(ctx)) ||
	    (st = db_set_timezone(ctx->db, req.tz)) || (st = kpi_today(ctx->db, req.tz, &today)) ||
	    (st = cmd_period_parse(period_text, today, &period)))
		return st;
	if (period_count(&period, iv) > PERIOD_SERIES_MAX) {
		log_error("%s by %s is %ld periods, more than %d", period.label,
			  period_interval_name(iv), period_count(&period, iv), PERIOD_SERIES_MAX);
		log_hint("use a shorter --period or a longer --interval");
		return DK_USAGE;
	}
	if ((st = period_split(&period, iv, &series, &req.nperiods)))
		return st;
	/* The output file before the queries: its lock and private temporary
	 * file are held (and removed on a signal) until it is complete. */
	date_format_iso(today, date);
	if (output && ((st = expand_output(output, period.label, date, &path)) ||
		       (st = outfile_open(path, &of))))
		goto out;
	/* no data: refused; an output file begun is removed, the old one kept */
	if ((st = freshness_period(ctx->db, req.tz, &period, fresh, &fr)))
		goto out;
	req.periods = series;
	req.warn = &period;   /* unknown codes: beside the first families */
	st = kpi_compute(ctx->db, &req, &res);
	/* what the JSON forms say about the data */
	meta.fresh = &fr;
	meta.period = &period;
	meta.period_text = period_text;
	meta.interval = interval;
	meta.req = &req;
	oo.fmt = fmt;
	oo.thai = thai;
	oo.meta = &meta;
	errno = 0;
	if (st == DK_OK && kpi_write_opts(of ? outfile_stream(of) : stdout, res, &oo)) {
		if (of)
			log_error("cannot write '%s': %s", path, strerror(errno ? errno : EIO));
		else
			log_error("cannot write the KPIs to standard output");
		st = DK_CANTCREAT;
	}
	if (st == DK_OK && of) {
		st = outfile_commit(of);
		of = NULL;
	}
out:
	outfile_abort(of);
	free(path);
	kpi_result_free(res);
	free(series);
	return st;
}
