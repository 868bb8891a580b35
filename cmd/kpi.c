/* didkpi kpi: compute the KPIs of a period, for people and for pipes. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "format.h"
#include "kpi.h"
#include "kpiout.h"
#include "log.h"
#include "period.h"
#include "status.h"

static const char usage[] =
	"Usage: didkpi kpi [OPTION]...\n"
	"Compute the department's KPIs (SPEC section 4) for a period, in PostgreSQL,\n"
	"in one read-only snapshot.\n\n"
	"Options:\n"
	"  -p, --period=PERIOD     2025-03, 2025, FY2568, FY2568-Q1,\n"
	"                          2025-03-01..2025-04-01 (end exclusive), last-month,\n"
	"                          this-month, this-fy, last-fy (default last-month)\n"
	"  -i, --interval=month|quarter\n"
	"                          split the period into a series\n"
	"  -b, --by=BREAKDOWN,...  add rows by service, unit, channel, method\n"
	"  -k, --kpi=NAME,...      only these KPIs (default all; see --list)\n"
	"      --min-cell=N        blank breakdown rows of size 1..N-1 (default 5;\n"
	"                          0 turns suppression off)\n"
	"      --tz=ZONE           time zone of the periods (default Asia/Bangkok)\n"
	"      --lang=th|en        language of the table format (default th)\n"
	"      --no-formula-guard  CSV/TSV: write text cells that start with = + - @\n"
	"                          as they are (default: a ' in front, so that a\n"
	"                          spreadsheet does not run them as formulas)\n"
	"  -f, --format=FORMAT     table, csv, tsv or json (default: table on a\n"
	"                          terminal, csv otherwise)\n"
	"      --list              list the KPIs and exit\n"
	CMD_DB_HELP
	"  -h, --help              show this help\n\n"
	"Exit status: 0 success; 64 usage; 69 database unavailable; 70 internal error.\n";

/* Parse a comma-separated list with fn (returns an index or -1). */
static int parse_list(struct cmd_ctx *ctx, const char *opt, char *list,
		      int (*fn)(const char *), int *out, int max, int *n)
{
	char *save = NULL, *tok;
	int v, i;

	*n = 0;
	for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if ((v = fn(tok)) < 0)
			return cmd_usage_error(ctx, "%s: unknown name '%s'", opt, tok);
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

static int find_breakdown(const char *s)
{
	int b = breakdown_find(s);

	return b == BD_ALL ? -1 : b;
}

static void list_kpis(void)
{
	for (int k = 0; k < KPI_COUNT; k++)
		printf("%-30s %s\n", kpi_defs[k].name, kpi_defs[k].label_en);
}

int cmd_kpi(int argc, char **argv, struct cmd_ctx *ctx)
{
	enum { OPT_MIN_CELL = 256, OPT_TZ, OPT_LANG, OPT_LIST, OPT_NO_GUARD };
	static const struct option opts[] = {
		{ "period", required_argument, NULL, 'p' },
		{ "interval", required_argument, NULL, 'i' },
		{ "by", required_argument, NULL, 'b' },
		{ "kpi", required_argument, NULL, 'k' },
		{ "min-cell", required_argument, NULL, OPT_MIN_CELL },
		{ "tz", required_argument, NULL, OPT_TZ },
		{ "lang", required_argument, NULL, OPT_LANG },
		{ "format", required_argument, NULL, 'f' },
		{ "list", no_argument, NULL, OPT_LIST },
		{ "no-formula-guard", no_argument, NULL, OPT_NO_GUARD },
		CMD_DB_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct kpi_request req = { .tz = "Asia/Bangkok", .min_cell = 5 };
	struct kpi_result *res = NULL;
	struct period period, *series = NULL;
	enum period_interval iv = INTERVAL_NONE;
	struct civil_date today;
	const char *period_text = "last-month";
	int ch, st, fmt = -1, thai = 1, list[KPI_COUNT], n, by[BD_COUNT];
	char *end;

	while ((ch = getopt_long(argc, argv, "p:i:b:k:f:d:vh", opts, NULL)) != -1) {
		switch (ch) {
		case 'p': period_text = optarg; break;
		case 'i':
			if (!strcmp(optarg, "month"))
				iv = INTERVAL_MONTH;
			else if (!strcmp(optarg, "quarter"))
				iv = INTERVAL_QUARTER;
			else
				return cmd_usage_error(ctx, "--interval must be month or quarter, not '%s'",
						       optarg);
			break;
		case 'b':
			if ((st = parse_list(ctx, "--by", optarg, find_breakdown, by, BD_COUNT - 1, &n)))
				return st;
			for (req.nby = 0; req.nby < n; req.nby++)
				req.by[req.nby] = by[req.nby];
			break;
		case 'k':
			if ((st = parse_list(ctx, "--kpi", optarg, kpi_find, list, KPI_COUNT, &n)))
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
		case OPT_LANG:
			if (strcmp(optarg, "th") && strcmp(optarg, "en"))
				return cmd_usage_error(ctx, "--lang must be th or en, not '%s'", optarg);
			thai = !strcmp(optarg, "th");
			break;
		case 'f':
			if ((fmt = format_find(optarg)) < 0)
				return cmd_usage_error(ctx, "--format must be table, csv, tsv or json, not '%s'",
						       optarg);
			break;
		case OPT_LIST: list_kpis(); return DK_OK;
		case 'd': ctx->dbname = optarg; break;
		case 'v': log_verbose = 1; break;
		case 'h': fputs(usage, stdout); return DK_OK;
		default: return cmd_bad_option(ctx);
		}
	}
	if (optind < argc)
		return cmd_usage_error(ctx, "unexpected argument '%s'", argv[optind]);
	if (fmt < 0)
		fmt = isatty(STDOUT_FILENO) ? OUT_TABLE : OUT_CSV;
	if ((st = cmd_period_check(period_text)) || (st = cmd_open(ctx)) ||
	    (st = db_set_timezone(ctx->db, req.tz)) || (st = kpi_today(ctx->db, req.tz, &today)) ||
	    (st = cmd_period_parse(period_text, today, &period)))
		return st;
	if ((st = period_split(&period, iv, &series, &req.nperiods)))
		return st;
	req.periods = series;
	st = kpi_compute(ctx->db, &req, &res);
	if (st == DK_OK && kpi_write(stdout, res, fmt, thai)) {
		log_error("cannot write the KPIs to standard output");
		st = DK_CANTCREAT;
	}
	kpi_result_free(res);
	free(series);
	return st;
}
