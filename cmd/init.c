/* didkpi init: create or upgrade the didkpi schema. */
#include <getopt.h>
#include <stdio.h>

#include "cmd.h"
#include "log.h"
#include "schema.h"
#include "status.h"

static const char usage[] =
	"Usage: didkpi init [OPTION]...\n"
	"Create the didkpi schema (SPEC section 2) in the database, or upgrade it to\n"
	"this version. Safe to run again: applied versions are recorded in\n"
	"didkpi.schema_version.\n\n"
	"Options:\n"
	"      --roles            also create the roles didkpi_read (kpi, compare,\n"
	"                         chart, report) and didkpi_load (those and load)\n"
	"                         and grant them what they need (sql/roles.sql);\n"
	"                         then: GRANT didkpi_read TO a login role\n"
	CMD_DB_HELP
	"  -h, --help             show this help\n";

/* The roles of sql/roles.sql, in one transaction. */
static int roles_apply(struct db *db)
{
	int st;

	if ((st = db_begin(db)) || (st = db_script(db, "roles.sql")) || (st = db_commit(db))) {
		db_rollback(db);
		return st;
	}
	return DK_OK;
}

int cmd_init(int argc, char **argv, struct cmd_ctx *ctx)
{
	static const struct option opts[] = {
		CMD_DB_OPTIONS, { "help", no_argument, NULL, 'h' },
		{ "roles", no_argument, NULL, 'R' }, { NULL, 0, NULL, 0 }
	};
	long version;
	int ch, st, applied, roles = 0;

	while ((ch = getopt_long(argc, argv, "d:vh", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': ctx->dbname = optarg; break;
		case 'v': log_verbose = 1; break;
		case 'h': fputs(usage, stdout); return DK_OK;
		case 'R': roles = 1; break;
		default: return cmd_bad_option(ctx);
		}
	}
	if (optind < argc)
		return cmd_usage_error(ctx, "init takes no arguments");
	if ((st = cmd_open(ctx)) || (st = schema_upgrade(ctx->db, &version, &applied)))
		return st;
	if (applied)
		fprintf(stderr, "didkpi: schema upgraded to version %ld\n", version);
	else
		log_info("schema is up to date (version %ld)", version);
	if (roles && (st = roles_apply(ctx->db)))
		return st;
	if (roles)
		log_info("roles didkpi_read and didkpi_load granted what they need");
	return DK_OK;
}
