/* didkpi: the command table and the one place that exits. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "format.h"
#include "interrupt.h"
#include "cmd_its.h"
#include "log.h"
#include "schema.h"
#include "status.h"
#include "suggest.h"

const struct cmd_entry cmd_table[] = {
	{ "help", cmd_help, 0, "show help for didkpi or a command" },
	{ "version", cmd_version, 0, "print the version" },
	{ "db", cmd_db, 0, "start, stop or show the private PostgreSQL cluster" },
	{ "init", cmd_init, CMD_DB, "create or upgrade the didkpi schema" },
	{ "load", cmd_load, CMD_DB | CMD_SCHEMA, "validate a CSV file and load it into a relation" },
	{ "demo", cmd_demo, CMD_DB, "fill the database with a synthetic department" },
	{ "kpi", cmd_kpi, CMD_DB | CMD_SNAPSHOT | CMD_SCHEMA, "compute the KPIs of a period (table, csv, tsv, json)" },
	{ "compare", cmd_compare, CMD_DB | CMD_SNAPSHOT | CMD_SCHEMA, "before and after Digital ID, with statistics" },
	{ "effects", cmd_effects, CMD_DB | CMD_SNAPSHOT | CMD_SCHEMA, "staggered-adoption effects: ATT(g,t), event study" },
	{ "chart", cmd_chart, CMD_DB | CMD_SNAPSHOT | CMD_SCHEMA, "draw a chart (PNG, SVG, PDF) in Thai or English" },
	{ "its", cmd_its, CMD_DB | CMD_SNAPSHOT | CMD_SCHEMA, "interrupted time series of a KPI at a date (Newey-West)" },
	{ "check", cmd_check, CMD_DB | CMD_SNAPSHOT | CMD_SCHEMA, "find log rows whose codes are unknown (read-only)" },
	{ "report", cmd_report, CMD_DB | CMD_SNAPSHOT | CMD_SCHEMA, "write the monthly XLSX workbook from a template" },
	{ "refresh", cmd_refresh, CMD_DB | CMD_SCHEMA, "rebuild the day rollups from the raw logs" },
	{ "complete", cmd_complete, CMD_HIDDEN, "names for shell completion" },
	{ NULL, NULL, 0, NULL }
};

int cmd_open(struct cmd_ctx *ctx)
{
	int st;

	if (!(ctx->flags & CMD_DB) || ctx->db)
		return DK_OK;
	st = db_connect_opts(ctx->dbname, &ctx->dbopts, &ctx->db);
	if (st != DK_OK)
		return st;
	if (ctx->flags & CMD_SNAPSHOT)
		st = db_begin_snapshot(ctx->db);
	if (st == DK_OK && (ctx->flags & CMD_SCHEMA))
		st = schema_check(ctx->db);
	return st;
}

int cmd_usage_error(const struct cmd_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_verror(fmt, ap);
	va_end(ap);
	log_hint("try 'didkpi %s --help'", ctx->name);
	return DK_USAGE;
}

int cmd_bad_option(const struct cmd_ctx *ctx)
{
	log_hint("try 'didkpi %s --help'", ctx->name);
	return DK_USAGE;
}

int cmd_period_parse(const char *text, struct civil_date today, struct period *out)
{
	char err[256];

	if (period_parse(text, today, out, err, sizeof(err)) == DK_OK)
		return DK_OK;
	log_error("%s", err);
	log_hint("%s", period_forms_help());
	return DK_USAGE;
}

int cmd_period_check(const char *text)
{
	time_t t = time(NULL);
	struct tm tm;
	struct period p;

	localtime_r(&t, &tm);
	return cmd_period_parse(text, (struct civil_date){ tm.tm_year + 1900, tm.tm_mon + 1,
							   tm.tm_mday }, &p);
}

const char cmd_global_help[] =
	"Global options:\n"
	"  -d, --dbname=CONNINFO  database (conninfo string or URI, no password)\n"
	"      --timeout=SECONDS  longest wait for one answer of the server\n"
	"                         (default $DIDKPI_TIMEOUT, else 900; 0: no limit);\n"
	"                         connecting waits at most 10 s\n"
	"      --retry=N          try connecting N more times, 1, 2, 4 ... s apart\n"
	"                         (default $DIDKPI_RETRY, else 0)\n"
	"  -v, --verbose          say more on stderr\n"
	"  -h, --help             show this help\n"
	"  -V, --version          print the version\n";

int cmd_default_format(int fmt, const char *output, int lang_given)
{
	if (fmt >= 0)
		return fmt;
	if (output)
		return format_from_name(output);
	return lang_given || isatty(STDOUT_FILENO) ? OUT_TABLE : OUT_CSV;
}

static void usage(FILE *f)
{
	const struct cmd_entry *c;

	fputs("didkpi: Digital ID KPIs from PostgreSQL to CSV, charts and workbooks.\n\n"
	      "Usage:\n  didkpi [-d CONNINFO] [--timeout SECONDS] [--retry N] [-v] COMMAND\n"
	      "         [OPTION]... [ARG]...\n\n", f);
	fputs(cmd_global_help, f);
	fputs("\nCommands:\n", f);
	for (c = cmd_table; c->name; c++)
		if (!(c->flags & CMD_HIDDEN))
			fprintf(f, "  %-9s %s\n", c->name, c->summary);
	fputs("\nRun 'didkpi COMMAND --help' for a command's options,\n"
	      "'man didkpi' or 'man didkpi-COMMAND' for more.\n", f);
}

/* " (did you mean 'report'?)" for a mistyped command, or "". */
static const char *suggest_command(const char *word, char *hint, size_t len)
{
	const struct cmd_entry *c;
	struct suggest s;

	suggest_init(&s, word);
	for (c = cmd_table; c->name; c++)
		if (!(c->flags & CMD_HIDDEN))
			suggest_add(&s, c->name);
	return suggest_hint(&s, hint, len);
}

int cmd_help(int argc, char **argv, struct cmd_ctx *ctx)
{
	const struct cmd_entry *c;
	char *args[] = { NULL, "--help", NULL }, hint[SUGGEST_HINT_MAX];

	if (argc < 2) {
		usage(stdout);
		return DK_OK;
	}
	for (c = cmd_table; c->name; c++) {
		if (strcmp(c->name, argv[1]) || c->fn == cmd_help)
			continue;
		args[0] = argv[1];
		ctx->name = c->name;
		ctx->flags = c->flags;
		optind = 0;
		return c->fn(2, args, ctx);
	}
	return cmd_usage_error(ctx, "unknown command '%s'%s", argv[1],
			       suggest_command(argv[1], hint, sizeof(hint)));
}

int cmd_version(int argc, char **argv, struct cmd_ctx *ctx)
{
	(void)argc;
	(void)argv;
	(void)ctx;
	printf("didkpi %s\n", DIDKPI_VERSION);
	return DK_OK;
}

/*
 * A closed standard descriptor would be taken by the next open(): the
 * database socket would become "stdin" and a load of "-" would read it.
 * Give each closed one /dev/null (read: empty input; write: an error
 * below when the output is checked).
 */
static int open_std_fds(void)
{
	int fd;

	while ((fd = open("/dev/null", O_RDWR)) >= 0 && fd <= 2)
		;
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

/* A count of seconds or attempts from an option or the environment. */
static int parse_count(const char *what, const char *text, long max, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(text, &end, 10);
	if (errno || end == text || *end || v < 0 || v > max) {
		log_error("%s must be a whole number from 0 to %ld, not '%s'", what, max, text);
		log_hint("try 'didkpi --help'");
		return DK_USAGE;
	}
	*out = (int)v;
	return DK_OK;
}

/* A full disk must not look like success: check stdout's fate. */
static int close_stdout(void)
{
	if (fflush(stdout) || ferror(stdout) || fclose(stdout)) {
		if (errno == EPIPE)
			return DK_OK;
		log_error("cannot write standard output: %s", strerror(errno));
		return DK_CANTCREAT;
	}
	return DK_OK;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dbname", required_argument, NULL, 'd' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "retry", required_argument, NULL, 'R' },
		{ NULL, 0, NULL, 0 }
	};
	struct cmd_ctx ctx = { .name = "help",
			       .dbopts = { .timeout = DB_TIMEOUT_DEFAULT, .retries = 0 } };
	const struct cmd_entry *c;
	const char *v;
	int ch, st, st2;

	if (open_std_fds() < 0)
		return DK_SOFTWARE;
	setlocale(LC_CTYPE, "");
	interrupt_init();
	if ((v = getenv("DIDKPI_TIMEOUT")) && *v &&
	    parse_count("DIDKPI_TIMEOUT", v, 86400 * 7, &ctx.dbopts.timeout))
		return DK_USAGE;
	if ((v = getenv("DIDKPI_RETRY")) && *v &&
	    parse_count("DIDKPI_RETRY", v, 100, &ctx.dbopts.retries))
		return DK_USAGE;
	/* Options before the command name are global: stop at the first word. */
	while ((ch = getopt_long(argc, argv, "+d:vhV", opts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			ctx.dbname = optarg;
			break;
		case 'v':
			log_verbose = 1;
			break;
		case 'T':
			if (parse_count("--timeout", optarg, 86400 * 7, &ctx.dbopts.timeout))
				return DK_USAGE;
			break;
		case 'R':
			if (parse_count("--retry", optarg, 100, &ctx.dbopts.retries))
				return DK_USAGE;
			break;
		case 'h':
			usage(stdout);
			return close_stdout();
		case 'V':
			printf("didkpi %s\n", DIDKPI_VERSION);
			return close_stdout();
		default:
			log_hint("try 'didkpi --help'");
			return DK_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return DK_USAGE;
	}
	for (c = cmd_table; c->name; c++)
		if (!strcmp(c->name, argv[optind]))
			break;
	if (!c->name) {
		char hint[SUGGEST_HINT_MAX];

		log_error("unknown command '%s'%s", argv[optind],
			  suggest_command(argv[optind], hint, sizeof(hint)));
		log_hint("see 'didkpi help' for the list");
		return DK_USAGE;
	}
	ctx.name = c->name;
	ctx.flags = c->flags;
	argc -= optind;
	argv += optind;
	optind = 0; /* reset getopt for the command (glibc: 0 re-initialises) */
	st = c->fn(argc, argv, &ctx);
	if (ctx.db && st != DK_OK)
		db_rollback(ctx.db);
	db_close(ctx.db);
	st2 = close_stdout();
	return st != DK_OK ? st : st2;
}
