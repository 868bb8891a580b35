/* didkpi load: validate a CSV file and load it into a relation. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "load.h"
#include "log.h"
#include "relation.h"
#include "status.h"
#include "suggest.h"

static const char usage[] =
	"Usage: didkpi load [OPTION]... RELATION FILE|-\n"
	"Validate every row of a CSV file (RFC 4180, UTF-8, header row naming the\n"
	"columns) and load it into a relation of the didkpi schema in one transaction.\n"
	"Rows already present with identical content are counted as duplicates;\n"
	"rejected rows go to a rejects file with their line number and reason.\n\n"
	"Relations: services, channels, auth_methods, auth_events, service_requests,\n"
	"           satisfaction, staff, kpi_targets, channel_costs\n\n"
	"Options:\n"
	"      --tz=ZONE              time zone of timestamps without an offset\n"
	"                             (default Asia/Bangkok)\n"
	"      --max-errors=N         load the good rows when at most N are rejected\n"
	"                             (default 0: any rejected row loads nothing)\n"
	"      --rejects=FILE         where to write rejected rows (default\n"
	"                             FILE.rejects.csv, or RELATION.rejects.csv for -)\n"
	"      --pseudonymize=KEYFILE replace raw Thai national IDs in user_key and\n"
	"                             staff_key by their HMAC-SHA-256 under the key\n"
	"                             in KEYFILE (hex); without it they are rejected\n"
	"      --allow-future         load timestamps more than a day ahead and dates\n"
	"                             after year 2400 (refused as B.E. mistakes)\n"
	"  -q, --quiet                no summary and no progress\n"
	CMD_DB_HELP
	"  -h, --help                 show this help\n\n"
	"Exit status: 0 loaded (and durable); 64 usage; 65 rejected rows or bad CSV;\n"
	"69 database unavailable; 73 cannot write the rejects file or the summary.\n"
	"Any status but 0 means nothing was loaded.\n";

/* The summary line, written and flushed just before COMMIT: when it
 * cannot be written the load is rolled back (load_options.before_commit). */
static int print_summary(const struct load_stats *s, void *arg)
{
	const struct load_options *o = arg;

	printf("%s: read %ld, loaded %ld, duplicate %ld, rejected %ld\n", o->rel->name,
	       s->read, s->loaded, s->duplicate, s->rejected);
	if (fflush(stdout) || ferror(stdout)) {
		log_error("cannot write standard output: %s: nothing loaded", strerror(errno));
		/* said once: main() must not report the same failure again */
		clearerr(stdout);
		return DK_CANTCREAT;
	}
	return DK_OK;
}

int cmd_load(int argc, char **argv, struct cmd_ctx *ctx)
{
	enum { OPT_TZ = 256, OPT_MAX, OPT_REJECTS, OPT_PSEUDO, OPT_FUTURE };
	static const struct option opts[] = {
		{ "tz", required_argument, NULL, OPT_TZ },
		{ "max-errors", required_argument, NULL, OPT_MAX },
		{ "rejects", required_argument, NULL, OPT_REJECTS },
		{ "pseudonymize", required_argument, NULL, OPT_PSEUDO },
		{ "pseudonymise", required_argument, NULL, OPT_PSEUDO },
		{ "allow-future", no_argument, NULL, OPT_FUTURE },
		{ "quiet", no_argument, NULL, 'q' },
		CMD_DB_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct load_options o = { .tz = "Asia/Bangkok" };
	struct load_stats s;
	char *end, hint[SUGGEST_HINT_MAX];
	int ch, st, quiet = 0;

	while ((ch = getopt_long(argc, argv, "qd:vh", opts, NULL)) != -1) {
		switch (ch) {
		case OPT_TZ: o.tz = optarg; break;
		case OPT_MAX:
			o.max_errors = strtol(optarg, &end, 10);
			if (end == optarg || *end || o.max_errors < 0)
				return cmd_usage_error(ctx, "--max-errors needs a number >= 0, not '%s'",
						       optarg);
			break;
		case OPT_REJECTS: o.rejects_path = optarg; break;
		case OPT_PSEUDO: o.keyfile = optarg; break;
		case OPT_FUTURE: o.allow_future = 1; break;
		case 'q': quiet = 1; break;
		case 'd': ctx->dbname = optarg; break;
		case 'v': log_verbose = 1; break;
		case 'h': fputs(usage, stdout); return DK_OK;
		default: return cmd_bad_option(ctx);
		}
	}
	if (argc - optind != 2)
		return cmd_usage_error(ctx, "load needs a RELATION and a FILE (or - for stdin)");
	o.rel = relation_find(argv[optind]);
	if (!o.rel)
		return cmd_usage_error(ctx, "unknown relation '%s'%s: use one of %s", argv[optind],
				       suggest_relation(argv[optind], hint, sizeof(hint)),
				       relation_names());
	o.path = argv[optind + 1];
	o.progress = !quiet && isatty(STDERR_FILENO);
	if (!quiet) {
		o.before_commit = print_summary;
		o.arg = &o;
	}
	if ((st = cmd_open(ctx)))
		return st;
	st = load_run(ctx->db, &o, &s);
	if (st == DK_OK && !quiet) {
		if (s.read > 0 && s.loaded == 0 && s.rejected == 0)
			fprintf(stderr, "didkpi: nothing new: every row of %s is already loaded\n",
				strcmp(o.path, "-") ? o.path : "<stdin>");
		if (s.rejects_file[0])
			fprintf(stderr, "didkpi: rejected rows are in %s\n", s.rejects_file);
	}
	return st;
}
