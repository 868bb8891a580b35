/* didkpi check: find rows whose codes are unknown (read-only). */
#include <getopt.h>
#include <stdio.h>

#include "check.h"
#include "cmd.h"
#include "log.h"
#include "status.h"

static const char usage[] =
	"Usage: didkpi check [OPTION]...\n"
	"Look for rows of auth_events, service_requests and satisfaction whose\n"
	"service, channel or method code is not in services, channels or\n"
	"auth_methods (the log relations have no foreign keys: didkpi load checks\n"
	"every code, rows written another way are not checked). Read-only.\n"
	"Prints one line per relation and column with problems: the number of\n"
	"rows and a few example keys with their code.\n\n"
	"Options:\n"
	"  -q, --quiet            print nothing when there is no problem\n"
	CMD_DB_HELP
	"  -h, --help             show this help\n\n"
	"Exit status: 0 no problem; 64 usage; 65 rows with unknown codes;\n"
	"69 database unavailable.\n";

int cmd_check(int argc, char **argv, struct cmd_ctx *ctx)
{
	static const struct option opts[] = {
		{ "quiet", no_argument, NULL, 'q' },
		CMD_DB_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	long problems;
	int ch, st, quiet = 0;

	while ((ch = getopt_long(argc, argv, "qd:vh", opts, NULL)) != -1) {
		switch (ch) {
		case 'q': quiet = 1; break;
		case 'd': ctx->dbname = optarg; break;
		case 'v': log_verbose = 1; break;
		case 'h': fputs(usage, stdout); return DK_OK;
		default: return cmd_bad_option(ctx);
		}
	}
	if (optind < argc)
		return cmd_usage_error(ctx, "check takes no arguments");
	if ((st = cmd_open(ctx)) || (st = check_unknown_codes(ctx->db, stdout, &problems)))
		return st;
	if (problems) {
		log_error("check: %ld row%s with an unknown code", problems,
			  problems == 1 ? "" : "s");
		log_hint("add the codes to services, channels or auth_methods, or fix the rows");
		return DK_DATAERR;
	}
	if (!quiet)
		puts("no problem: every code in the log relations is known");
	return DK_OK;
}
