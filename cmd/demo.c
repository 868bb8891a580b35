/* didkpi demo: fill the database with a synthetic department (SPEC section 9). */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "format.h"
#include "log.h"
#include "schema.h"
#include "status.h"

static const char usage[] =
	"Usage: didkpi demo [OPTION]...\n"
	"Fill the database with a synthetic, deterministic Department of Skill\n"
	"Development: 20 services adopting Digital ID at staggered dates in\n"
	"FY2567-FY2568, with service requests, authentication events, survey answers\n"
	"and staff from April 2023 to the end of --until.\n"
	"It DELETES the rows of services, staff, service_requests, auth_events and\n"
	"satisfaction (the reference tables are kept), so it refuses to run unless\n"
	"they are empty or --replace is given. All in one transaction.\n\n"
	"Options:\n"
	"      --scale=S          volume, a positive number up to 1000; 1 (the default)\n"
	"                         makes about 40 000 requests and 200 000\n"
	"                         authentication events\n"
	"      --seed=N           seed of the pseudo-random data, an integer (default 1)\n"
	"      --until=YYYY-MM    last month of history, 2023-04 to the current month\n"
	"                         (default: the current month in Asia/Bangkok)\n"
	"      --replace          delete the existing data\n\n"
	CMD_DB_HELP
	"  -h, --help             show this help\n";

/* History starts in April 2023, six months before the first adoption. */
enum { FIRST_YEAR = 2023, FIRST_MONTH = 4 };
#define MAX_SCALE 1000.0
/* Asia/Bangkok is UTC+7 all year round (no daylight saving since 1920). */
#define BANGKOK_OFFSET (7 * 3600)

/* The tables the demo writes, in the order of its report. */
enum demo_table { T_SERVICES, T_STAFF, T_REQUESTS, T_AUTH, T_SATISFACTION, T_COSTS, T_COUNT };

static const char *const table_name[T_COUNT] = {
	"services", "staff", "service_requests", "auth_events", "satisfaction", "channel_costs"
};

/*
 * The sections of sql/demo.sql run after the parameters are set, in order;
 * script: several statements (db_script); table: whose rows it inserts, or -1.
 */
static const struct demo_step {
	const char *key;
	int script;
	int table;
} demo_steps[] = {
	{ "demo.sql#truncate", 0, -1 },
	{ "demo.sql#drop_keys", 1, -1 },
	{ "demo.sql#services", 1, -1 },
	{ "demo.sql#services_insert", 0, T_SERVICES },
	{ "demo.sql#staff", 0, T_STAFF },
	{ "demo.sql#requests_tmp", 0, -1 },
	{ "demo.sql#requests_analyze", 0, -1 },
	{ "demo.sql#requests_insert", 0, T_REQUESTS },
	{ "demo.sql#auth_sessions", 0, T_AUTH },
	{ "demo.sql#identification", 0, T_AUTH },
	{ "demo.sql#satisfaction", 0, T_SATISFACTION },
	{ "demo.sql#restore_keys", 1, -1 },
	{ "demo.sql#channel_costs", 0, T_COSTS },
	{ "demo.sql#targets", 1, -1 },
	/* every month was written: its latency pairs (schema 18) and
	 * people (schema 19) */
	{ "rollup.sql#refresh_pending", 0, -1 },
	{ "demo.sql#analyze", 0, -1 },
	{ "demo.sql#cleanup", 0, -1 },
};

struct demo_opts {
	char scale[FMT_NUMBER_MAX];  /* as text for the server */
	char seed[24];
	char until[24];  /* YYYY-MM */
	int replace;
};

static double seconds_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int parse_scale(const struct cmd_ctx *ctx, const char *arg, struct demo_opts *o)
{
	char *end;
	double v;
	errno = 0;
	v = strtod(arg, &end);
	if (!*arg || (*arg != '.' && (*arg < '0' || *arg > '9')) || *end || errno ||
	    !isfinite(v) || v <= 0 || v > MAX_SCALE)
		return cmd_usage_error(ctx, "invalid --scale '%s': expected a positive "
				       "number up to %g", arg, MAX_SCALE);
	/* The shortest text that reads back as the same number, for the server
	 * and the report ("50", not "5e+01"). */
	fmt_number(v, o->scale);
	return DK_OK;
}

static int parse_seed(const struct cmd_ctx *ctx, const char *arg, struct demo_opts *o)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(arg, &end, 10);
	if (!*arg || *end || errno || (*arg != '-' && (*arg < '0' || *arg > '9')))
		return cmd_usage_error(ctx, "invalid --seed '%s': expected an integer "
				       "(64 bits)", arg);
	snprintf(o->seed, sizeof(o->seed), "%lld", v);
	return DK_OK;
}

/* The current year and month in Asia/Bangkok. */
static void bangkok_month(int *year, int *month)
{
	time_t t = time(NULL) + BANGKOK_OFFSET;
	struct tm tm;

	gmtime_r(&t, &tm);
	*year = tm.tm_year + 1900;
	*month = tm.tm_mon + 1;
}

/* --until: YYYY-MM between the start of history and the current month. */
static int parse_until(const struct cmd_ctx *ctx, const char *arg, struct demo_opts *o)
{
	int i, year, month, now_year, now_month;

	for (i = 0; i < 7; i++)
		if (i == 4 ? arg[i] != '-' : (arg[i] < '0' || arg[i] > '9'))
			break;
	if (i < 7 || arg[7])
		return cmd_usage_error(ctx, "invalid --until '%s': expected a month "
				       "as YYYY-MM", arg);
	year = ((arg[0] - '0') * 10 + arg[1] - '0') * 100 + (arg[2] - '0') * 10 + arg[3] - '0';
	month = (arg[5] - '0') * 10 + arg[6] - '0';
	if (month < 1 || month > 12)
		return cmd_usage_error(ctx, "invalid --until '%s': no month %02d", arg, month);
	bangkok_month(&now_year, &now_month);
	if (year * 12 + month < FIRST_YEAR * 12 + FIRST_MONTH)
		return cmd_usage_error(ctx, "invalid --until '%s': the demo's history "
				       "starts in %04d-%02d", arg, FIRST_YEAR, FIRST_MONTH);
	if (year * 12 + month > now_year * 12 + now_month)
		return cmd_usage_error(ctx, "invalid --until '%s': it is in the future "
				       "(now %04d-%02d in Asia/Bangkok)", arg,
				       now_year, now_month);
	memcpy(o->until, arg, 8);
	return DK_OK;
}

/* Runs one step; adds the rows it inserted to counts. */
static int demo_step_run(struct db *db, const struct demo_step *step, long counts[T_COUNT])
{
	PGresult *res = NULL;
	double t0 = seconds_now();
	long rows = 0;
	int st;

	if (step->script)
		st = db_script(db, step->key);
	else
		st = db_query(db, step->key, 0, NULL, &res);
	if (st)
		return st;
	if (res && step->table >= 0) {
		rows = strtol(PQcmdTuples(res), NULL, 10);
		counts[step->table] += rows;
	}
	PQclear(res);
	if (step->table >= 0)
		log_info("demo: %s: %ld rows in %.1f s", strchr(step->key, '#') + 1, rows,
			 seconds_now() - t0);
	else
		log_info("demo: %s: %.1f s", strchr(step->key, '#') + 1, seconds_now() - t0);
	return DK_OK;
}

/*
 * Replaces the data in one transaction; counts receives the rows written
 * per table. Prints what it deleted and the span of history.
 */
static int demo_run(struct db *db, const struct demo_opts *o, long counts[T_COUNT])
{
	const char *params[3] = { o->scale, o->seed, o->until };
	PGresult *res = NULL;
	const char *existing;
	size_t i;
	int st;

	if ((st = db_begin(db)) || (st = db_script(db, "demo.sql#setup")) ||
	    (st = db_query(db, "demo.sql#lock", 0, NULL, NULL)) ||
	    (st = db_query(db, "demo.sql#existing", 0, NULL, &res)))
		goto out;
	existing = db_get(res, 0, 0);
	if (existing && *existing) {
		if (!o->replace) {
			log_error("demo: the database already holds data (%s) and the demo "
				  "would delete it", existing);
			log_hint("use 'didkpi demo --replace' to delete it, or -d to name "
				 "another database");
			st = DK_USAGE;
			goto out;
		}
		fprintf(stderr, "didkpi: demo: deleting the existing rows of %s\n", existing);
	}
	PQclear(res);
	res = NULL;
	if ((st = db_query(db, "demo.sql#params", 3, params, &res)))
		goto out;
	fprintf(stderr, "didkpi: demo: scale %s, seed %s, history %s to %s (Asia/Bangkok)\n",
		o->scale, o->seed, PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 1));
	for (i = 0; i < sizeof(demo_steps) / sizeof(demo_steps[0]); i++)
		if ((st = demo_step_run(db, &demo_steps[i], counts)))
			goto out;
	st = db_commit(db);
out:
	PQclear(res);
	if (st) {
		db_rollback(db);
		/* Generated rows breaking a constraint are the generator's bug,
		 * not bad input. */
		if (st == DK_DATAERR)
			st = DK_SOFTWARE;
	}
	return st;
}

int cmd_demo(int argc, char **argv, struct cmd_ctx *ctx)
{
	enum { OPT_SCALE = 256, OPT_SEED, OPT_UNTIL, OPT_REPLACE };
	static const struct option opts[] = {
		{ "scale", required_argument, NULL, OPT_SCALE },
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "until", required_argument, NULL, OPT_UNTIL },
		{ "replace", no_argument, NULL, OPT_REPLACE },
		CMD_DB_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct demo_opts o = { .scale = "1", .seed = "1" };
	long counts[T_COUNT] = { 0 }, total = 0;
	int ch, st, year, month, i;
	double t0;

	while ((ch = getopt_long(argc, argv, "d:vh", opts, NULL)) != -1) {
		switch (ch) {
		case OPT_SCALE:
			if ((st = parse_scale(ctx, optarg, &o)))
				return st;
			break;
		case OPT_SEED:
			if ((st = parse_seed(ctx, optarg, &o)))
				return st;
			break;
		case OPT_UNTIL:
			if ((st = parse_until(ctx, optarg, &o)))
				return st;
			break;
		case OPT_REPLACE: o.replace = 1; break;
		case 'd': ctx->dbname = optarg; break;
		case 'v': log_verbose = 1; break;
		case 'h': fputs(usage, stdout); return DK_OK;
		default: return cmd_bad_option(ctx);
		}
	}
	if (optind < argc)
		return cmd_usage_error(ctx, "demo takes no arguments");
	if (!o.until[0]) {
		bangkok_month(&year, &month);
		snprintf(o.until, sizeof(o.until), "%04d-%02d", year, month);
	}

	t0 = seconds_now();
	if ((st = cmd_open(ctx)) || (st = schema_upgrade(ctx->db, NULL, NULL)) ||
	    (st = demo_run(ctx->db, &o, counts)))
		return st;
	for (i = 0; i < T_COUNT; i++) {
		fprintf(stderr, "  %-18s %10ld rows\n", table_name[i], counts[i]);
		total += counts[i];
	}
	fprintf(stderr, "didkpi: demo: wrote %ld rows in %.1f s\n", total, seconds_now() - t0);
	return DK_OK;
}
