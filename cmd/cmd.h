/* The command table's shared parts: one cmd_<name>() per cmd/<name>.c. */
#ifndef DIDKPI_CMD_H
#define DIDKPI_CMD_H

#include "db.h"
#include "period.h"

/* What a command needs before it runs, from the command table. */
enum cmd_flags {
	CMD_DB = 1 << 0,       /* connects to the database */
	CMD_SNAPSHOT = 1 << 1, /* reads in one REPEATABLE READ, READ ONLY snapshot */
	CMD_SCHEMA = 1 << 2,   /* needs the current schema version (not init, demo) */
	CMD_HIDDEN = 1 << 3,   /* a helper, not listed by 'didkpi help' */
};

struct cmd_ctx {
	const char *name;    /* the command's name, for messages */
	unsigned flags;      /* from the table */
	const char *dbname;  /* -d/--dbname, before or after the command name */
	struct db_options dbopts; /* --timeout, --retry (before the command name) */
	struct db *db;       /* set by cmd_open() */
};

/*
 * cmd_open() does the shared setup the table's flags ask for: connect, and
 * begin the read-only snapshot. Called by a command once its options are
 * parsed (so that --help and usage errors never need a database).
 */
int cmd_open(struct cmd_ctx *ctx);

/* cmd_usage_error() prints "didkpi: <msg>" and the --help hint; returns DK_USAGE. */
int cmd_usage_error(const struct cmd_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * cmd_period_parse() parses a --period against today (a local date),
 * printing the error and the accepted forms when it is not one; returns
 * DK_OK or DK_USAGE. cmd_period_check() does it against this machine's
 * date, to refuse a malformed period before connecting (relative periods
 * are then resolved against the database's clock with kpi_today()).
 */
int cmd_period_parse(const char *text, struct civil_date today, struct period *out);
int cmd_period_check(const char *text);

/*
 * cmd_default_format() is the output format when --format is not given
 * (fmt < 0; otherwise fmt): the output file's extension; else a table on
 * a terminal, and also in a pipe when the user asked for a language
 * (--lang: tables are what it changes); else csv.
 */
int cmd_default_format(int fmt, const char *output, int lang_given);

/* cmd_bad_option() is called on getopt's '?': getopt has printed why. */
int cmd_bad_option(const struct cmd_ctx *ctx);

/* The common options every database command takes, for getopt_long. */
#define CMD_DB_OPTIONS \
	{ "dbname", required_argument, NULL, 'd' }, \
	{ "verbose", no_argument, NULL, 'v' }

#define CMD_DB_HELP \
	"Connection options:\n" \
	"  -d, --dbname=CONNINFO  database to use (conninfo string or URI);\n" \
	"                         default: $DIDKPI_DB, the PG* environment, or the\n" \
	"                         private cluster (didkpi db start)\n" \
	"  -v, --verbose          say more on stderr\n" \
	"  (before the command: didkpi --timeout SECONDS --retry N COMMAND ...,\n" \
	"   see didkpi --help)\n"

int cmd_help(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_version(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_db(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_init(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_load(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_demo(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_kpi(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_compare(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_chart(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_effects(int argc, char **argv, struct cmd_ctx *ctx);
/* didkpi chart event-study, in cmd/effects.c (cmd_chart hands it over). */
int cmd_chart_event_study(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_report(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_check(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_refresh(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_complete(int argc, char **argv, struct cmd_ctx *ctx);

/*
 * cmd_template_names() lists the report templates by name (built in, and
 * NAME.ini in $DIDKPI_TEMPLATE_PATH and ~/.config/didkpi/templates),
 * sorted, without repeats, for completion and suggestions; free with
 * cmd_template_names_free().
 */
int cmd_template_names(char ***names, size_t *n);
void cmd_template_names_free(char **names, size_t n);

/* The global options part of 'didkpi --help' (cmd/main.c). */
extern const char cmd_global_help[];

/* The list of commands, for help. */
struct cmd_entry {
	const char *name;
	int (*fn)(int argc, char **argv, struct cmd_ctx *ctx);
	unsigned flags;
	const char *summary;
};
extern const struct cmd_entry cmd_table[];

#define DIDKPI_VERSION "0.1.0"

#endif
