/* didkpi report: the monthly XLSX workbook, HTML report or PDF brief from a template, safe under cron. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "brief.h"
#include "chart.h"
#include "cmd.h"
#include "freshness.h"
#include "html.h"
#include "kpi.h"
#include "log.h"
#include "outfile.h"
#include "period.h"
#include "report.h"
#include "sqlres.h"
#include "status.h"
#include "suggest.h"
#include "template.h"
#include "xlsx.h"

static const char usage[] =
	"Usage: didkpi report [OPTION]...\n"
	"Write the KPI workbook (XLSX) of a period from a template, every sheet from one\n"
	"read-only snapshot; the file appears atomically, so a failed run leaves the\n"
	"previous file as it was. Quiet on success: made for cron.\n\n"
	"Options:\n"
	"  -f, --format=FORMAT     xlsx (default), html (one self-contained page:\n"
	"                          inline SVG charts and CSS, for a phone, a browser,\n"
	"                          print) or pdf (a brief of two to four A4 pages for\n"
	"                          a director); without it, an --output name ending\n"
	"                          in .html or .pdf chooses the format\n"
	"  -t, --template=NAME     monthly (default), analyst, a template of your own\n"
	"                          (NAME.ini in $DIDKPI_TEMPLATE_PATH,\n"
	"                          ~/.config/didkpi/templates, or the installed ones),\n"
	"                          or the path of a .ini file\n"
	"  -p, --period=PERIOD     2025-03, FY2568, FY2568-Q1, 2025-03-01..2025-04-01,\n"
	"                          last-month (default), this-month, this-fy, last-fy\n"
	"  -o, --output=PATH       the file to write (default\n"
	"                          didkpi-{template}-{period}.xlsx, or .html/.pdf with\n"
	"                          --format html/pdf); {period} becomes\n"
	"                          the period's label (2025-03), {template} the\n"
	"                          template's name, {date} today's date (2025-04-01)\n"
	"      --lang=th|en        language of the workbook (default th)\n"
	"      --min-cell=N        blank breakdown cells of size 1..N-1 (default 5;\n"
	"                          0 turns suppression off)\n"
	"      --window=N          months before and after adoption compared (default 6)\n"
	"      --tz=ZONE           time zone of the periods (default Asia/Bangkok)\n"
	"  -j, --jobs=N            connections to compute on: 2 (default) runs the\n"
	"                          comparison and the trend at once in one snapshot\n"
	"                          (the second then helps with the trend) and draws\n"
	"                          the pictures two at a time, 1 runs everything on\n"
	"                          one, one picture at a time\n"
	"      --print-path        print the written workbook's path on standard output\n"
	"      --allow-empty       write the workbook of a period with no data at all\n"
	"                          (default: refuse it with status 65)\n"
	"      --require-complete  refuse (65) when the data ends more than a day\n"
	"                          before the period does (default: a warning)\n"
	CMD_DB_HELP
	"  -h, --help              show this help\n\n"
	"Exit status: 0 success; 64 usage (bad option, period, unknown template name);\n"
	"65 bad template (FILE:LINE: problem), no data in the period (or incomplete,\n"
	"with --require-complete); 69 database unavailable, also when it\n"
	"goes away during the run; 70 internal error; 73 cannot create the output\n"
	"(no such directory, no permission, disk full, or another run is writing it).\n";

/* The output formats, each a module with one entry point. */
enum report_format { REPORT_XLSX, REPORT_HTML, REPORT_PDF, REPORT_FORMAT_COUNT };

static const struct {
	const char *name;
	const char *ext;           /* the extension the output must end in */
	const char *ext2;          /* another one allowed, or NULL */
} report_formats[REPORT_FORMAT_COUNT] = {
	[REPORT_XLSX] = { "xlsx", ".xlsx", NULL },
	[REPORT_HTML] = { "html", ".html", ".htm" },
	[REPORT_PDF] = { "pdf", ".pdf", NULL },
};

struct opts {
	int format;                /* enum report_format; -1: from the output name */
	const char *template_arg;
	const char *period_text;
	const char *output;
	const char *tz;
	long min_cell;
	int window;
	int jobs;
	int thai;
	int print_path;
	unsigned fresh;            /* FRESH_ALLOW_EMPTY, FRESH_REQUIRE_COMPLETE */
};

/* The template's short name for {template}: the file name without ".ini". */
static char *template_short_name(const char *arg)
{
	const char *base = strrchr(arg, '/');
	size_t n;

	base = base ? base + 1 : arg;
	n = strlen(base);
	if (n > 4 && !strcmp(base + n - 4, ".ini"))
		n -= 4;
	return strndup(base, n);
}

/* Expands {period}, {template} and {date} in pattern (outfile_expand). */
static int expand_path(const char *pattern, const char *period, const char *tpl,
		       const char *date, char **out)
{
	const struct outfile_var vars[] = {
		{ "period", period }, { "template", tpl }, { "date", date },
	};

	return outfile_expand(pattern, vars, sizeof(vars) / sizeof(vars[0]), out);
}

/*
 * Writes the workbook into the private temporary file of an outfile
 * (libxlsxwriter writes by name) and renames it over its destination only
 * when it is complete and synced.
 */
static int write_atomically(struct outfile *of, const struct template *t,
			    const struct report_data *d, const struct xlsx_options *xo)
{
	int st;

	outfile_close_stream(of);
	if ((st = xlsx_write_report(outfile_temp_path(of), t, d, xo))) {
		outfile_abort(of);
		return st;
	}
	return outfile_commit(of);
}

static int parse_opts(int argc, char **argv, struct cmd_ctx *ctx, struct opts *o, int *done)
{
	enum { OPT_LANG = 256, OPT_MIN_CELL, OPT_WINDOW, OPT_TZ, OPT_PRINT_PATH, OPT_ALLOW_EMPTY,
	       OPT_COMPLETE };
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "template", required_argument, NULL, 't' },
		{ "period", required_argument, NULL, 'p' },
		{ "output", required_argument, NULL, 'o' },
		{ "lang", required_argument, NULL, OPT_LANG },
		{ "min-cell", required_argument, NULL, OPT_MIN_CELL },
		{ "window", required_argument, NULL, OPT_WINDOW },
		{ "tz", required_argument, NULL, OPT_TZ },
		{ "jobs", required_argument, NULL, 'j' },
		{ "print-path", no_argument, NULL, OPT_PRINT_PATH },
		{ "allow-empty", no_argument, NULL, OPT_ALLOW_EMPTY },
		{ "require-complete", no_argument, NULL, OPT_COMPLETE },
		CMD_DB_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	char *end;
	int ch;

	*done = 0;
	while ((ch = getopt_long(argc, argv, "f:t:p:o:j:d:vh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			o->format = -1;
			for (int f = 0; f < REPORT_FORMAT_COUNT; f++)
				if (!strcmp(optarg, report_formats[f].name))
					o->format = f;
			if (o->format < 0)
				return cmd_usage_error(ctx, "--format must be xlsx, html or pdf, not '%s'",
						       optarg);
			break;
		case 't': o->template_arg = optarg; break;
		case 'p': o->period_text = optarg; break;
		case 'o': o->output = optarg; break;
		case OPT_LANG:
			if (strcmp(optarg, "th") && strcmp(optarg, "en"))
				return cmd_usage_error(ctx, "--lang must be th or en, not '%s'", optarg);
			o->thai = !strcmp(optarg, "th");
			break;
		case OPT_MIN_CELL:
			errno = 0;
			o->min_cell = strtol(optarg, &end, 10);
			if (end == optarg || *end || errno || o->min_cell < 0 || o->min_cell > 1000000)
				return cmd_usage_error(ctx, "--min-cell needs a number >= 0, not '%s'",
						       optarg);
			break;
		case OPT_WINDOW:
			if (compare_parse_months(optarg, 1, &o->window) < 0)
				return cmd_usage_error(ctx, "--window needs a number of months from 1 "
						       "to %d, not '%s'", COMPARE_MAX_MONTHS, optarg);
			break;
		case OPT_TZ: o->tz = optarg; break;
		case 'j':
			if (strcmp(optarg, "1") && strcmp(optarg, "2"))
				return cmd_usage_error(ctx, "--jobs must be 1 or 2, not '%s'", optarg);
			o->jobs = optarg[0] - '0';
			break;
		case OPT_PRINT_PATH: o->print_path = 1; break;
		case OPT_ALLOW_EMPTY: o->fresh |= FRESH_ALLOW_EMPTY; break;
		case OPT_COMPLETE: o->fresh |= FRESH_REQUIRE_COMPLETE; break;
		case 'd': ctx->dbname = optarg; break;
		case 'v': log_verbose = 1; break;
		case 'h':
			fputs(usage, stdout);
			*done = 1;
			return DK_OK;
		default: return cmd_bad_option(ctx);
		}
	}
	if (optind < argc)
		return cmd_usage_error(ctx, "unexpected argument '%s'", argv[optind]);
	if (o->output && !*o->output)
		return cmd_usage_error(ctx, "--output needs a file name");
	if (!*o->template_arg)
		return cmd_usage_error(ctx, "--template needs a name");
	return DK_OK;
}

/* Whether any sheet of t has a cairo picture (which needs Thai fonts). */
static int has_pictures(const struct template *t)
{
	for (size_t i = 0; i < t->ncharts; i++)
		if (t->charts[i].type == TPL_CHART_IMAGE)
			return 1;
	return 0;
}

static int ends_with(const char *s, const char *ext)
{
	size_t n = strlen(s), e = ext ? strlen(ext) : 0;

	return ext && n > e && !strcasecmp(s + n - e, ext);
}

/* The format whose extension path ends in, or -1. */
static int format_of_path(const char *path)
{
	for (int f = 0; f < REPORT_FORMAT_COUNT; f++)
		if (ends_with(path, report_formats[f].ext) || ends_with(path, report_formats[f].ext2))
			return f;
	return -1;
}

/* Writes the HTML report into the output file's stream and commits it. */
static int write_html(struct outfile *of, const struct template *t, const struct report_data *d,
		      const struct html_options *ho)
{
	int st;

	if ((st = html_write_report(outfile_stream(of), t, d, ho))) {
		outfile_abort(of);
		return st;
	}
	return outfile_commit(of);
}

/* Writes the PDF brief into the output file's stream and commits it. */
static int write_brief(struct outfile *of, const struct template *t, const struct report_data *d,
		       const struct brief_options *bo)
{
	int st;

	if ((st = brief_write(outfile_stream(of), t, d, bo))) {
		outfile_abort(of);
		return st;
	}
	return outfile_commit(of);
}

/*
 * The shipped templates are also compiled into the binary (like the SQL),
 * so a didkpi copied on its own still writes the monthly workbook; files
 * found by template_find() come first, so a site can override them.
 * Returns -1 when name is not a built-in template, else template_parse()'s
 * status with *path set to a label for messages (malloc'd).
 */
static int load_builtin(const char *name, char **path, struct template **tpl, char *err,
			size_t errlen)
{
	char key[128];
	const char *text;

	if (strchr(name, '/') || strlen(name) > 64)
		return -1;
	snprintf(key, sizeof(key), "templates/%s.ini", name);
	if (!(text = sqlres_get(key)))
		return -1;
	if (asprintf(path, "%s (built in)", key) < 0) {
		*path = NULL;
		snprintf(err, errlen, "out of memory");
		return DK_SOFTWARE;
	}
	return template_parse(*path, text, strlen(text), tpl, err, errlen);
}

int cmd_report(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct opts o = {
		.format = -1, .template_arg = "monthly", .period_text = "last-month",
		.output = NULL, .tz = "Asia/Bangkok",
		.min_cell = 5, .window = 6, .jobs = 2, .thai = 1,
	};
	struct template *tpl = NULL;
	struct report_data *data = NULL;
	struct report_request rq = { 0 };
	struct xlsx_options xo = { 0 };
	struct html_options ho = { 0 };
	struct brief_options bo = { 0 };
	char defout[64];
	struct period period;
	struct civil_date today;
	struct freshness fresh;
	char err[512], date[DATE_ISO_LEN], *tpath = NULL, *tname = NULL, *path = NULL;
	struct outfile *of = NULL;
	int st, done, fst, fonts = 0;

	if ((st = parse_opts(argc, argv, ctx, &o, &done)) || done)
		return st;
	/* the format: --format, else the output name's extension, else xlsx */
	if (o.format < 0)
		o.format = o.output && format_of_path(o.output) >= 0 ? format_of_path(o.output)
								     : REPORT_XLSX;
	if (!o.output) {
		snprintf(defout, sizeof(defout), "didkpi-{template}-{period}%s",
			 report_formats[o.format].ext);
		o.output = defout;
	}
	/* Everything that can be checked is checked before connecting. */
	if ((st = cmd_period_check(o.period_text)))
		return st;
	if ((tpath = template_find(o.template_arg)))
		st = template_load(tpath, &tpl, err, sizeof(err));
	else if ((st = load_builtin(o.template_arg, &tpath, &tpl, err, sizeof(err))) < 0) {
		char hint[SUGGEST_HINT_MAX], **names;
		struct suggest sg;
		size_t n;

		cmd_template_names(&names, &n);
		suggest_init(&sg, o.template_arg);
		for (size_t i = 0; i < n; i++)
			suggest_add(&sg, names[i]);
		log_error("no template '%s'%s", o.template_arg, suggest_hint(&sg, hint, sizeof(hint)));
		cmd_template_names_free(names, n);
		log_hint("give a shipped one (monthly, analyst), NAME for NAME.ini in "
			 "$DIDKPI_TEMPLATE_PATH or ~/.config/didkpi/templates, or a path to a .ini file");
		return DK_USAGE;
	}
	if (st) {
		log_error("%s", err);
		if (st == DK_DATAERR)
			log_hint("the template format is described in 'man didkpi-report'");
		goto out;
	}
	log_info("template %s", tpath);
	if (!(tname = template_short_name(o.template_arg))) {
		st = DK_SOFTWARE;
		goto out;
	}
	/* a placeholder mistake shows now, whatever the values */
	if ((st = expand_path(o.output, "p", "t", "d", &path)))
		goto out;
	free(path);
	path = NULL;
	/* a font for Thai (70 without one) is checked while the database works */
	if (o.format != REPORT_XLSX || has_pictures(tpl)) {
		fonts = 1;
		chart_font_check_begin(o.thai);
	}

	if ((st = cmd_open(ctx)) || (st = db_set_timezone(ctx->db, o.tz)) ||
	    (st = kpi_today(ctx->db, o.tz, &today)))
		goto out;
	if ((st = cmd_period_parse(o.period_text, today, &period)))
		goto out;
	date_format_iso(today, date);
	if ((st = expand_path(o.output, period.label, tname, date, &path)))
		goto out;
	if (!ends_with(path, report_formats[o.format].ext) &&
	    !ends_with(path, report_formats[o.format].ext2)) {
		st = cmd_usage_error(ctx, "--output '%s' must end in %s", path,
				     report_formats[o.format].ext);
		goto out;
	}
	/* the lock, a private temporary file, signals remove them */
	if ((st = outfile_open(path, &of)))
		goto out;
	/* no data: refused; the temporary file and lock go, the old file stays */
	if ((st = freshness_period(ctx->db, o.tz, &period, o.fresh, &fresh)))
		goto out;

	rq.tpl = tpl;
	rq.period = period;
	rq.today = today;
	rq.fresh = &fresh;
	rq.warn_unknown = 1;   /* unknown codes: beside the trend */
	rq.tz = o.tz;
	rq.min_cell = o.min_cell;
	rq.window_months = o.window;
	rq.jobs = o.jobs;
	rq.trend_months = 12;
	/* the brief needs the trend, the comparison and the breakdowns of the
	 * monthly template whatever the template holds */
	rq.want_all = o.format == REPORT_PDF;
	for (size_t i = 0; i < tpl->nsheets; i++)
		if (tpl->sheets[i].type == TPL_SHEET_TREND) {
			rq.trend_months = tpl->sheets[i].months;
			break;
		}
	if ((st = report_gather(ctx->db, &rq, &data)))
		goto out;
	if (fonts == 1) {
		fonts = 2;
		if ((st = chart_font_check_end()))
			goto out;
	}

	switch ((enum report_format)o.format) {
	case REPORT_HTML:
		ho.thai = o.thai;
		ho.template_name = tname;
		ho.tz = o.tz;
		ho.min_cell = o.min_cell;
		ho.window_months = o.window;
		st = write_html(of, tpl, data, &ho);
		break;
	case REPORT_PDF:
		bo.thai = o.thai;
		bo.template_name = tname;
		bo.version = DIDKPI_VERSION;
		st = write_brief(of, tpl, data, &bo);
		break;
	case REPORT_XLSX:
	default:
		xo.thai = o.thai;
		xo.dest = path;
		xo.template_name = tname;
		xo.template_path = tpath;
		xo.tz = o.tz;
		xo.min_cell = o.min_cell;
		xo.window_months = o.window;
		xo.jobs = o.jobs;
		st = write_atomically(of, tpl, data, &xo);
		break;
	}
	of = NULL;
	if (st)
		goto out;
	if (o.format == REPORT_XLSX)
		log_info("wrote %s (%zu sheets, %s)", path, tpl->nsheets, period.label);
	else
		log_info("wrote %s (%s, %s)", path, report_formats[o.format].name, period.label);
	if (o.print_path)
		printf("%s\n", path);
out:
	/* a missing font is the error, as when it was checked first */
	if (fonts == 1 && (fst = chart_font_check_end()))
		st = fst;
	outfile_abort(of);
	if (fonts)
		chart_fonts_release();
	report_data_free(data);
	template_free(tpl);
	free(path);
	free(tname);
	free(tpath);
	return st;
}
