/*
 * didkpi complete: names for the shell completion scripts (completion/),
 * one per line. A hidden helper: not in 'didkpi help', documented in
 * didkpi(1) under COMPLETION.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "cmd.h"
#include "compare.h"
#include "format.h"
#include "kpi.h"
#include "log.h"
#include "period.h"
#include "relation.h"
#include "sqlres.h"
#include "status.h"
#include "suggest.h"

static const char usage[] =
	"Usage: didkpi complete WHAT [COMMAND]\n"
	"Print names for shell completion, one per line (a helper of the scripts\n"
	"in completion/; see COMPLETION in didkpi(1)).\n\n"
	"WHAT is one of:\n"
	"  commands            the commands\n"
	"  options [COMMAND [KIND]]\n"
	"                      the long and short options of COMMAND (none: the\n"
	"                      global options); KIND: of chart KIND (event-study\n"
	"                      and its have options of their own)\n"
	"  kpis, metrics, breakdowns, formats, intervals, charts, relations,\n"
	"  periods, templates  the names these options and arguments take\n"
	"  services, channels, methods\n"
	"                      codes from the database; quietly status 69 when no\n"
	"                      database answers within 2 seconds\n"
	CMD_DB_HELP
	"  -h, --help          show this help\n";

/* Chart kinds of cmd/chart.c, relative periods of lib/period.c. */
static const char *const chart_kinds[] = { "trend", "compare", "methods", "channels", "event-study",
					    "its", NULL };
static const char *const periods[] = { "last-month", "this-month", "last-fy", "this-fy", NULL };
static const char *const formats[] = { "table", "csv", "tsv", "json", NULL };

static void print_list(const char *const *names)
{
	for (; *names; names++)
		puts(*names);
}

/* "services, channels, ..." one a line. */
static void print_relations(void)
{
	const char *s = relation_names();
	size_t n;

	while (*s) {
		n = strcspn(s, ", ");
		if (n)
			printf("%.*s\n", (int)n, s);
		s += n;
		s += strspn(s, ", ");
	}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds NAME from NAME.ini to names[] unless it is there; NULL-safe on OOM. */
static void add_template(char ***names, size_t *n, size_t *cap, const char *file)
{
	size_t len = strlen(file), i;
	char *name;

	if (len <= 4 || strcmp(file + len - 4, ".ini") || file[0] == '.')
		return;
	for (i = 0; i < *n; i++)
		if (!strncmp((*names)[i], file, len - 4) && !(*names)[i][len - 4])
			return;
	if (*n == *cap) {
		char **p = realloc(*names, (*cap ? *cap * 2 : 16) * sizeof(char *));

		if (!p)
			return;
		*names = p;
		*cap = *cap ? *cap * 2 : 16;
	}
	if ((name = strndup(file, len - 4)))
		(*names)[(*n)++] = name;
}

static void add_template_dir(char ***names, size_t *n, size_t *cap, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d)))
		add_template(names, n, cap, e->d_name);
	closedir(d);
}

int cmd_template_names(char ***out, size_t *nout)
{
	const struct sqlres_entry *e;
	char **names = NULL, *dir;
	size_t n = 0, cap = 0;
	const char *env, *s, *end;

	/* built in, then the directories template_find() searches first */
	for (e = sqlres_entries; e->key; e++)
		if (!strncmp(e->key, "templates/", 10) && !strchr(e->key + 10, '/') &&
		    !strchr(e->key, '#'))
			add_template(&names, &n, &cap, e->key + 10);
	if ((env = getenv("DIDKPI_TEMPLATE_PATH")))
		for (s = env; *s; s = *end ? end + 1 : end) {
			end = s + strcspn(s, ":");
			if (end > s && (dir = strndup(s, (size_t)(end - s)))) {
				add_template_dir(&names, &n, &cap, dir);
				free(dir);
			}
		}
	if ((env = getenv("XDG_CONFIG_HOME")) && *env) {
		if (asprintf(&dir, "%s/didkpi/templates", env) >= 0) {
			add_template_dir(&names, &n, &cap, dir);
			free(dir);
		}
	} else if ((env = getenv("HOME")) && *env) {
		if (asprintf(&dir, "%s/.config/didkpi/templates", env) >= 0) {
			add_template_dir(&names, &n, &cap, dir);
			free(dir);
		}
	}
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	*out = names;
	*nout = n;
	return DK_OK;
}

void cmd_template_names_free(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/*
 * The option names in a --help text: "  -x, --name=ARG" and "      --name".
 * One a line; an option that takes an argument ends in '=' ("-p=",
 * "--period="), so that the scripts know what to complete after it.
 */
static void print_help_options(const char *text)
{
	const char *line, *p, *q, *s;
	char shortopt[3] = "";

	for (line = text; *line; line = *q ? q + 1 : q) {
		q = line + strcspn(line, "\n");
		p = line;
		if (*p != ' ')
			continue;
		while (p < q && *p == ' ')
			p++;
		shortopt[0] = '\0';
		if (p + 1 < q && p[0] == '-' && p[1] != '-' && p[1] != ' ') {
			memcpy(shortopt, p, 2);
			shortopt[2] = '\0';
			p += 2;
			if (p + 1 < q && p[0] == ',' && p[1] == ' ')
				p += 2;
		}
		s = p;
		if (p + 2 < q && p[0] == '-' && p[1] == '-')
			for (s = p + 2; s < q && ((*s >= 'a' && *s <= 'z') || *s == '-' ||
						  (*s >= '0' && *s <= '9'));)
				s++;
		if (*shortopt)
			printf("%s%s\n", shortopt, s > p + 2 && *s == '=' ? "=" : "");
		if (s > p + 2)
			printf("%.*s%s\n", (int)(s - p), p, *s == '=' ? "=" : "");
	}
}

/*
 * The options of a command, read from its own --help (the one list that
 * is kept up to date): the command runs in a child process with its
 * standard output on a pipe.
 */
static int print_command_options(const char *name, const char *kind)
{
	const struct cmd_entry *c;
	struct cmd_ctx cctx = { 0 };
	char *args[] = { NULL, NULL, "--help", NULL }, *text = NULL;
	size_t len = 0, cap = 0;
	int fd[2], status;
	ssize_t got;
	pid_t pid;

	for (c = cmd_table; c->name; c++)
		if (!strcmp(c->name, name))
			break;
	if (!c->name || c->fn == cmd_help || c->fn == cmd_version || c->fn == cmd_complete)
		return c->name ? DK_OK : DK_USAGE;
	fflush(stdout);
	if (pipe(fd) < 0)
		return DK_SOFTWARE;
	if ((pid = fork()) < 0) {
		close(fd[0]);
		close(fd[1]);
		return DK_SOFTWARE;
	}
	if (pid == 0) {
		close(fd[0]);
		if (dup2(fd[1], STDOUT_FILENO) < 0)
			_exit(DK_SOFTWARE);
		close(fd[1]);
		args[0] = (char *)c->name;
		cctx.name = c->name;
		cctx.flags = c->flags;
		optind = 0;
		if (kind && *kind && *kind != '-') {
			args[1] = (char *)kind; /* "chart its --help" */
			c->fn(3, args, &cctx);
		} else {
			args[1] = "--help";
			args[2] = NULL;
			c->fn(2, args, &cctx);
		}
		fflush(stdout);
		_exit(0);
	}
	close(fd[1]);
	for (;;) {
		if (len + 4096 + 1 > cap) {
			char *t = realloc(text, cap + 8192);

			if (!t)
				break;
			text = t;
			cap += 8192;
		}
		got = read(fd[0], text + len, cap - len - 1);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		len += (size_t)got;
	}
	close(fd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (text) {
		text[len] = '\0';
		print_help_options(text);
	}
	free(text);
	return DK_OK;
}

/* Codes from the database; quiet (stderr closed), quick (2 s). */
static int print_codes(struct cmd_ctx *ctx, const char *query)
{
	PGresult *res = NULL;
	int st, null = open("/dev/null", O_WRONLY);

	if (null >= 0) {
		dup2(null, STDERR_FILENO);
		close(null);
	}
	ctx->flags = CMD_DB;
	ctx->dbopts.timeout = 2;
	ctx->dbopts.retries = 0;
	if ((st = cmd_open(ctx)) || (st = db_query(ctx->db, query, 0, NULL, &res)))
		return st == DK_OK ? DK_SOFTWARE : st;
	for (int r = 0; r < PQntuples(res); r++)
		puts(PQgetvalue(res, r, 0));
	PQclear(res);
	return DK_OK;
}

int cmd_complete(int argc, char **argv, struct cmd_ctx *ctx)
{
	static const struct option opts[] = {
		CMD_DB_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const struct cmd_entry *c;
	const char *what;
	int ch;

	while ((ch = getopt_long(argc, argv, "+d:vh", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': ctx->dbname = optarg; break;
		case 'v': log_verbose = 1; break;
		case 'h': fputs(usage, stdout); return DK_OK;
		default: return cmd_bad_option(ctx);
		}
	}
	if (optind >= argc)
		return cmd_usage_error(ctx, "complete what? commands, options, kpis, services ...");
	what = argv[optind++];
	if (!strcmp(what, "options")) {
		if (optind + 2 < argc)
			return cmd_usage_error(ctx, "unexpected argument '%s'", argv[optind + 2]);
		if (optind < argc)
			return print_command_options(argv[optind],
						     optind + 1 < argc ? argv[optind + 1] : NULL);
		print_help_options(cmd_global_help);
		return DK_OK;
	}
	if (optind < argc)
		return cmd_usage_error(ctx, "unexpected argument '%s'", argv[optind]);
	if (!strcmp(what, "commands")) {
		for (c = cmd_table; c->name; c++)
			if (!(c->flags & CMD_HIDDEN))
				puts(c->name);
	} else if (!strcmp(what, "kpis")) {
		for (int k = 0; k < KPI_COUNT; k++)
			puts(kpi_defs[k].name);
	} else if (!strcmp(what, "metrics")) {
		for (int m = 0; m < CMP_METRIC_COUNT; m++)
			puts(compare_metrics[m].name);
	} else if (!strcmp(what, "breakdowns")) {
		for (int b = 0; b < BD_COUNT; b++)
			if (b != BD_ALL)
				puts(breakdown_name(b));
	} else if (!strcmp(what, "formats")) {
		print_list(formats);
	} else if (!strcmp(what, "intervals")) {
		for (int iv = INTERVAL_MONTH; iv <= INTERVAL_YEAR; iv++)
			printf("%s\n", period_interval_name((enum period_interval)iv));
	} else if (!strcmp(what, "charts")) {
		print_list(chart_kinds);
	} else if (!strcmp(what, "periods")) {
		print_list(periods);
	} else if (!strcmp(what, "relations")) {
		print_relations();
	} else if (!strcmp(what, "templates")) {
		char **names;
		size_t n;

		cmd_template_names(&names, &n);
		for (size_t i = 0; i < n; i++)
			puts(names[i]);
		cmd_template_names_free(names, n);
	} else if (!strcmp(what, "services")) {
		return print_codes(ctx, "complete.sql#services");
	} else if (!strcmp(what, "channels")) {
		return print_codes(ctx, "complete.sql#channels");
	} else if (!strcmp(what, "methods")) {
		return print_codes(ctx, "complete.sql#methods");
	} else {
		static const char *const whats[] = { "commands", "options", "kpis", "metrics",
						     "breakdowns", "formats", "intervals", "charts",
						     "periods", "relations", "templates", "services",
						     "channels", "methods", NULL };
		char hint[SUGGEST_HINT_MAX];

		return cmd_usage_error(ctx, "cannot complete '%s'%s", what,
				       suggest_list(what, whats, hint, sizeof(hint)));
	}
	return DK_OK;
}
