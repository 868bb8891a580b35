/* didkpi compare: each service before and after it adopted Digital ID. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "compare.h"
#include "format.h"
#include "freshness.h"
#include "kpi.h"
#include "log.h"
#include "outfile.h"
#include "period.h"
#include "status.h"
#include "suggest.h"

static const char usage[] =
	"Usage: didkpi compare [OPTION]...\n"
	"Compare each service's KPIs in the months before and after it adopted\n"
	"Digital ID (SPEC section 5), with 95% confidence intervals and p-values,\n"
	"per service and pooled (all), in one read-only snapshot.\n\n"
	"Options:\n"
	"  -s, --service=CODE,...  only these services (default: every service\n"
	"                          with a digital_id_since date)\n"
	"  -w, --window=N[m|y]     months in each window (default 6m)\n"
	"  -r, --ramp=N[m|y]       months left out after adoption (default 0m)\n"
	"  -m, --metric=NAME,...   only these metrics (default all; see --list)\n"
	"      --did               add a difference-in-differences estimate against\n"
	"                          the services not yet adopted\n"
	"      --tz=ZONE           time zone of the windows (default Asia/Bangkok)\n"
	"      --lang=th|en        language of the table and of the label column\n"
	"                          (default th); given without --format, a table\n"
	"                          also in a pipe\n"
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
	"      --allow-empty       go on when no service has data in its windows\n"
	"                          (default: refuse with status 65)\n"
	"      --require-complete  refuse (65) when the data ends more than a day\n"
	"                          before the windows do (default: a warning)\n"
	"  -o, --output=FILE       write to FILE, atomically: it appears whole or not\n"
	"                          at all, never through a symbolic link (default\n"
	"                          or '-': standard output); {date} becomes today's\n"
	"                          date; the format defaults to FILE's extension\n"
	"                          (.csv, .tsv, .json, .ndjson, .jsonl), else csv\n"
	"      --list              list the metrics (name, label, test) in --lang and\n"
	"                          --format, and exit\n"
	CMD_DB_HELP
	"  -h, --help              show this help\n\n"
	"Exit status: 0 success; 64 usage; 65 no data in any service's windows (or\n"
	"incomplete, with --require-complete); 69 database unavailable; 70 internal\n"
	"error; 73 cannot create the output file.\n";

/* Split a comma-separated list in place into out[], at most max names. */
static int split_list(struct cmd_ctx *ctx, const char *opt, char *list,
		      const char **out, size_t max, size_t *n)
{
	char *save = NULL, *tok;

	*n = 0;
	for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (*n == max)
			return cmd_usage_error(ctx, "%s: too many names", opt);
		out[(*n)++] = tok;
	}
	if (*n == 0)
		return cmd_usage_error(ctx, "%s needs at least one name", opt);
	return DK_OK;
}

/* compare --list: the metrics in the chosen language and format. */
static int list_metrics(int fmt, int thai)
{
	static const char *const mach[] = { "metric", "label", "test" };
	static const char *const th[] = { "ตัวชี้วัด", "ชื่อ", "การทดสอบ" };
	static const char *const en[] = { "Metric", "Name", "Test" };
	static const enum cell_type types[] = { CELL_TEXT, CELL_TEXT, CELL_TEXT };
	struct table_writer *w = table_writer_new(stdout, fmt, 3,
						  fmt != OUT_TABLE ? mach : thai ? th : en, types);
	int bad = !w;

	for (int m = 0; m < CMP_METRIC_COUNT && !bad; m++) {
		const char *cells[] = { compare_metrics[m].name,
					thai ? compare_metrics[m].label_th : compare_metrics[m].label_en,
					compare_metrics[m].test };

		bad = table_writer_row(w, cells);
	}
	if (w && table_writer_finish(w))
		bad = 1;
	if (bad) {
		log_error("cannot write the metric list to standard output");
		return DK_CANTCREAT;
	}
	return DK_OK;
}

/* Expands {date} in an output name (outfile_expand). */
static int expand_output(const char *pattern, const char *date, char **out)
{
	const struct outfile_var vars[] = { { "date", date } };

	return outfile_expand(pattern, vars, 1, out);
}

int cmd_compare(int argc, char **argv, struct cmd_ctx *ctx)
{
	enum { OPT_DID = 256, OPT_TZ, OPT_LANG, OPT_LIST, OPT_ALLOW_EMPTY, OPT_COMPLETE, OPT_NO_GUARD,
	       OPT_NO_HEADER, OPT_WIDE };
	static const struct option opts[] = {
		{ "service", required_argument, NULL, 's' },
		{ "window", required_argument, NULL, 'w' },
		{ "ramp", required_argument, NULL, 'r' },
		{ "metric", required_argument, NULL, 'm' },
		{ "did", no_argument, NULL, OPT_DID },
		{ "tz", required_argument, NULL, OPT_TZ },
		{ "lang", required_argument, NULL, OPT_LANG },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "list", no_argument, NULL, OPT_LIST },
		{ "allow-empty", no_argument, NULL, OPT_ALLOW_EMPTY },
		{ "require-complete", no_argument, NULL, OPT_COMPLETE },
		{ "no-formula-guard", no_argument, NULL, OPT_NO_GUARD },
		{ "no-header", no_argument, NULL, OPT_NO_HEADER },
		{ "wide", no_argument, NULL, OPT_WIDE },
		CMD_DB_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct compare_request req = { .tz = "Asia/Bangkok", .window_months = 6, .level = 0.95 };
	struct compare_result *res = NULL;
	const char **services = NULL, *names[CMP_METRIC_COUNT * 4], *output = NULL;
	struct outfile *of = NULL;
	struct civil_date today;
	struct compare_out_options oo = { 0 };
	struct compare_meta meta = { .version = DIDKPI_VERSION };
	struct freshness fr;
	char date[DATE_ISO_LEN], *path = NULL;
	size_t n, k;
	int ch, st, fmt = -1, thai = 1, m, lang_given = 0, want_list = 0;
	unsigned fresh = 0;

	/* At most one name per character of the arguments: enough room. */
	for (k = 0, n = 1; k < (size_t)argc; k++)
		n += strlen(argv[k]);
	if (!(services = calloc(n, sizeof(*services)))) {
		log_error("out of memory");
		return DK_SOFTWARE;
	}
	while ((ch = getopt_long(argc, argv, "s:w:r:m:f:o:d:vh", opts, NULL)) != -1) {
		switch (ch) {
		case 's':
			if ((st = split_list(ctx, "--service", optarg, services, n, &req.nservices)))
				goto out;
			req.services = services;
			break;
		case 'w':
			if (compare_parse_months(optarg, 1, &req.window_months)) {
				st = cmd_usage_error(ctx, "--window needs months from 1 to %d, like 6m "
						     "or 1y, not '%s'", COMPARE_MAX_MONTHS, optarg);
				goto out;
			}
			break;
		case 'r':
			if (compare_parse_months(optarg, 0, &req.ramp_months)) {
				st = cmd_usage_error(ctx, "--ramp needs months from 0 to %d, like 0m "
						     "or 3m, not '%s'", COMPARE_MAX_MONTHS, optarg);
				goto out;
			}
			break;
		case 'm':
			if ((st = split_list(ctx, "--metric", optarg, names,
					     sizeof(names) / sizeof(names[0]), &k)))
				goto out;
			req.metrics = 0;
			for (size_t i = 0; i < k; i++) {
				if ((m = compare_metric_find(names[i])) < 0) {
					char hint[SUGGEST_HINT_MAX];

					st = cmd_usage_error(ctx, "--metric: unknown name '%s'%s", names[i],
							     suggest_metric(names[i], hint, sizeof(hint)));
					goto out;
				}
				req.metrics |= 1u << m;
			}
			break;
		case OPT_DID: req.did = 1; break;
		case OPT_ALLOW_EMPTY: fresh |= FRESH_ALLOW_EMPTY; break;
		case OPT_COMPLETE: fresh |= FRESH_REQUIRE_COMPLETE; break;
		case OPT_TZ: req.tz = optarg; break;
		case OPT_NO_GUARD: format_set_formula_guard(0); break;
		case OPT_NO_HEADER: oo.no_header = 1; break;
		case OPT_LANG:
			if (strcmp(optarg, "th") && strcmp(optarg, "en")) {
				st = cmd_usage_error(ctx, "--lang must be th or en, not '%s'", optarg);
				goto out;
			}
			thai = !strcmp(optarg, "th");
			lang_given = 1;
			break;
		case 'f':
			if ((fmt = format_find(optarg)) < 0) {
				st = cmd_usage_error(ctx, "--format must be " FORMAT_NAMES ", "
						     "not '%s'", optarg);
				goto out;
			}
			break;
		case 'o':
			if (!*optarg) {
				st = cmd_usage_error(ctx, "--output needs a file name");
				goto out;
			}
			output = strcmp(optarg, "-") ? optarg : NULL;
			break;
		case OPT_LIST: want_list = 1; break;
		case OPT_WIDE: format_set_table_width(FORMAT_WIDTH_WIDE); break;
		case 'd': ctx->dbname = optarg; break;
		case 'v': log_verbose = 1; break;
		case 'h': fputs(usage, stdout); st = DK_OK; goto out;
		default: st = cmd_bad_option(ctx); goto out;
		}
	}
	if (optind < argc) {
		st = cmd_usage_error(ctx, "unexpected argument '%s'", argv[optind]);
		goto out;
	}
	if (want_list) {
		st = list_metrics(cmd_default_format(fmt, NULL, lang_given), thai);
		goto out;
	}
	fmt = cmd_default_format(fmt, output, lang_given);
	/* a placeholder mistake shows now, before connecting */
	if (output && (st = expand_output(output, "d", &path)))
		goto out;
	free(path);
	path = NULL;
	if ((st = cmd_open(ctx)) || (st = db_set_timezone(ctx->db, req.tz)))
		goto out;
	/* The output file before the queries: its lock and private temporary
	 * file are held (and removed on a signal) until it is complete. */
	if (output) {
		if ((st = kpi_today(ctx->db, req.tz, &today)))
			goto out;
		date_format_iso(today, date);
		if ((st = expand_output(output, date, &path)) || (st = outfile_open(path, &of)))
			goto out;
	}
	/* no data: refused; an output file begun is removed, the old one kept */
	if ((st = freshness_compare(ctx->db, &req, fresh)) ||
	    (st = compare_compute(ctx->db, &req, &res)))
		goto out;
	/* what the JSON forms say about the data: the newest log record
	 * (freshness_gather's newest does not depend on the dates) */
	if ((fmt == OUT_JSON || fmt == OUT_NDJSON) &&
	    (st = freshness_gather(ctx->db, req.tz, res->today, res->today, &fr)))
		goto out;
	meta.data_as_of = fmt == OUT_JSON || fmt == OUT_NDJSON ? fr.newest_all : NULL;
	if (meta.data_as_of && !*meta.data_as_of)
		meta.data_as_of = NULL;
	meta.req = &req;
	oo.fmt = fmt;
	oo.thai = thai;
	oo.meta = &meta;
	errno = 0;
	if (compare_write_opts(of ? outfile_stream(of) : stdout, res, &oo)) {
		if (of)
			log_error("cannot write '%s': %s", path, strerror(errno ? errno : EIO));
		else
			log_error("cannot write the comparison to standard output");
		st = DK_CANTCREAT;
	}
	if (st == DK_OK && of) {
		st = outfile_commit(of);
		of = NULL;
	}
out:
	outfile_abort(of);
	free(path);
	compare_result_free(res);
	free(services);
	return st;
}
