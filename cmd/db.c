/* didkpi db: start, stop or show the private PostgreSQL cluster. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cluster.h"
#include "cmd.h"
#include "log.h"
#include "status.h"
#include "suggest.h"

static const char usage[] =
	"Usage: didkpi db start|stop|status [--dir DIR] [--huge-pages]\n"
	"Run a private PostgreSQL cluster for didkpi: initdb + pg_ctl, listening on a\n"
	"Unix socket in DIR/run only (no TCP). Commands given no -d/--dbname,\n"
	"DIDKPI_DB, PGHOST, PGDATABASE or PGSERVICE connect to it.\n"
	"Run as root, the server runs as the unprivileged user postgres. DIR must not\n"
	"be a symbolic link nor writable by group or others; a new one is made 0700.\n"
	"Commits are durable (fsync, synchronous_commit on).\n\n"
	"Options:\n"
	"      --dir=DIR   the cluster's directory (default: $DIDKPI_HOME, else\n"
	"                  /var/lib/didkpi for root, else ~/.local/share/didkpi)\n"
	"      --huge-pages  start: put the server's shared memory on 2 MiB pages,\n"
	"                  reserving them (vm.nr_hugepages) when run as root; a\n"
	"                  warning, not a failure, when they cannot be had\n"
	"  -v, --verbose   say more on stderr\n"
	"  -h, --help      show this help\n\n"
	"Exit status of 'status': 0 running, 69 not running.\n";

int cmd_db(int argc, char **argv, struct cmd_ctx *ctx)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'D' },
		{ "huge-pages", no_argument, NULL, 'H' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	char *dir = NULL;
	const char *action;
	int ch, st, huge = 0;

	while ((ch = getopt_long(argc, argv, "vh", opts, NULL)) != -1) {
		switch (ch) {
		case 'D':
			free(dir);
			dir = strdup(optarg);
			break;
		case 'H': huge = 1; break;
		case 'v': log_verbose = 1; break;
		case 'h': free(dir); fputs(usage, stdout); return DK_OK;
		default: free(dir); return cmd_bad_option(ctx);
		}
	}
	if (optind != argc - 1) {
		free(dir);
		return cmd_usage_error(ctx, "db needs one action: start, stop or status");
	}
	action = argv[optind];
	if (huge && strcmp(action, "start")) {
		free(dir);
		return cmd_usage_error(ctx, "--huge-pages goes with db start");
	}
	if (!dir)
		dir = cluster_dir();
	if (!dir) {
		log_error("out of memory");
		return DK_SOFTWARE;
	}
	if (!strcmp(action, "start"))
		st = cluster_start(dir, huge);
	else if (!strcmp(action, "stop"))
		st = cluster_stop(dir);
	else if (!strcmp(action, "status"))
		st = cluster_status(dir);
	else
	{
		static const char *const actions[] = { "start", "stop", "status", NULL };
		char hint[SUGGEST_HINT_MAX];

		st = cmd_usage_error(ctx, "unknown db action '%s'%s: use start, stop or status", action,
				     suggest_list(action, actions, hint, sizeof(hint)));
	}
	if (st == DK_OK && !strcmp(action, "start"))
		log_info("private cluster running in %s", dir);
	free(dir);
	return st;
}
