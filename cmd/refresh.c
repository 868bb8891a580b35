/* didkpi refresh: rebuild the day rollups from the raw logs. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "log.h"
#include "period.h"
#include "status.h"

static const char usage[] =
	"Usage: didkpi refresh [OPTION]...\n"
	"Rebuild the day rollups of service_requests, auth_events and satisfaction\n"
	"from the raw logs, in one transaction (writers wait). Needed only after\n"
	"writes that skipped the rollup triggers (session_replication_role =\n"
	"replica, disabled triggers, pg_restore --disable-triggers): 'didkpi load'\n"
	"and ordinary INSERT, UPDATE, DELETE and COPY keep the rollups exact.\n"
	"With --pending, summarise again only the months that writes marked since\n"
	"(after each load, e.g. from cron): their authentication latencies, and\n"
	"their people (active, enrolled, repeat and digital users). Until then\n"
	"those months are read from the raw logs, with the same result.\n\n"
	"Options:\n"
	"      --since=YYYY-MM-DD  rebuild only local days (Asia/Bangkok) from this\n"
	"                          date on (default: everything)\n"
	"      --pending          rebuild only the month summaries (latencies,\n"
	"                          people) that writes marked (nothing else)\n"
	CMD_DB_HELP
	"  -h, --help             show this help\n";

int cmd_refresh(int argc, char **argv, struct cmd_ctx *ctx)
{
	static const struct option opts[] = {
		CMD_DB_OPTIONS, { "help", no_argument, NULL, 'h' },
		{ "since", required_argument, NULL, 'S' }, { "pending", no_argument, NULL, 'P' },
		{ NULL, 0, NULL, 0 }
	};
	char since[DATE_ISO_LEN] = "-infinity";
	const char *params[1] = { since };
	struct civil_date d;
	int ch, st, pending = 0, since_given = 0;
	PGresult *res = NULL;

	while ((ch = getopt_long(argc, argv, "d:vh", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': ctx->dbname = optarg; break;
		case 'v': log_verbose = 1; break;
		case 'h': fputs(usage, stdout); return DK_OK;
		case 'S':
			if (date_parse_iso(optarg, &d))
				return cmd_usage_error(ctx, "--since needs a date YYYY-MM-DD, not '%s'",
						       optarg);
			date_format_iso(d, since);
			since_given = 1;
			break;
		case 'P': pending = 1; break;
		default: return cmd_bad_option(ctx);
		}
	}
	if (optind < argc)
		return cmd_usage_error(ctx, "refresh takes no arguments");
	if (pending && since_given)
		return cmd_usage_error(ctx, "--pending and --since do not go together: "
				       "--since rebuilds every rollup from that day");
	if ((st = cmd_open(ctx)))
		return st;
	/* --pending: the function takes its own lock (the loading role may
	 * run it, not lock the relations) */
	if ((st = db_begin(ctx->db)) ||
	    (!pending && (st = db_query(ctx->db, "rollup.sql#lock", 0, NULL, NULL))) ||
	    (st = pending ? db_query(ctx->db, "rollup.sql#refresh_pending", 0, NULL, &res)
			  : db_query(ctx->db, "rollup.sql#refresh", 1, params, NULL)) ||
	    (st = db_commit(ctx->db))) {
		PQclear(res);
		db_rollback(ctx->db);
		return st;
	}
	if (pending)
		log_info("month summaries rebuilt: latencies of %s month(s), people of %s month(s)",
			 PQntuples(res) == 1 ? PQgetvalue(res, 0, 0) : "?",
			 PQntuples(res) == 1 ? PQgetvalue(res, 0, 1) : "?");
	else
		log_info("rollups rebuilt from %s", since);
	PQclear(res);
	return DK_OK;
}
