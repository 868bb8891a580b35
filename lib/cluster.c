/* The private PostgreSQL cluster: initdb + pg_ctl on a Unix socket. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "cluster.h"
#include "db.h"
#include "log.h"
#include "status.h"

/* The unprivileged account a root-started server runs as. */
#define CLUSTER_RUN_AS "postgres"

static char *path_join(const char *a, const char *b)
{
	char *p;

	if (asprintf(&p, "%s/%s", a, b) < 0)
		return NULL;
	return p;
}

char *cluster_dir(void)
{
	const char *v = getenv("DIDKPI_HOME");
	const char *home;
	char *p;

	if (v && *v)
		return strdup(v);
	if (geteuid() == 0)
		return strdup("/var/lib/didkpi");
	v = getenv("XDG_DATA_HOME");
	if (v && *v)
		return path_join(v, "didkpi");
	home = getenv("HOME");
	if (!home || !*home)
		home = ".";
	if (asprintf(&p, "%s/.local/share/didkpi", home) < 0)
		return NULL;
	return p;
}

char *cluster_socket_dir(const char *dir)
{
	return path_join(dir, "run");
}

/* The directory of PostgreSQL's server programs: $DIDKPI_PG_BINDIR, else
 * the newest /usr/lib/postgresql/N/bin holding pg_ctl (Debian's layout),
 * else PATH. Returns a malloc'd string, "" meaning PATH. */
static char *pg_bindir(void)
{
	const char *v = getenv("DIDKPI_PG_BINDIR");
	DIR *d;
	struct dirent *e;
	long best = -1, n;
	char *end, path[512];

	if (v && *v)
		return strdup(v);
	d = opendir("/usr/lib/postgresql");
	if (d) {
		while ((e = readdir(d)) != NULL) {
			n = strtol(e->d_name, &end, 10);
			if (end == e->d_name || *end || n <= best)
				continue;
			snprintf(path, sizeof(path), "/usr/lib/postgresql/%s/bin/pg_ctl", e->d_name);
			if (access(path, X_OK) == 0)
				best = n;
		}
		closedir(d);
	}
	if (best < 0)
		return strdup("");
	snprintf(path, sizeof(path), "/usr/lib/postgresql/%ld/bin", best);
	return strdup(path);
}

/* Run a server program, as run_as when not NULL, with stdout and stderr
 * appended to logfile (or inherited when NULL). Returns its exit status,
 * -1 when it could not be run. */
static int run_program_to(const struct passwd *run_as, const char *logfile,
			  int out, char *const argv[])
{
	pid_t pid;
	int status, fd;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (run_as) {
			if (setgid(run_as->pw_gid) || initgroups(run_as->pw_name, run_as->pw_gid) ||
			    setuid(run_as->pw_uid))
				_exit(126);
			setenv("HOME", run_as->pw_dir, 1);
		}
		fd = open("/dev/null", O_RDONLY);
		if (fd >= 0) {
			dup2(fd, 0);
			close(fd);
		}
		if (logfile) {
			fd = open(logfile, O_WRONLY | O_CREAT | O_APPEND, 0600);
			if (fd >= 0) {
				dup2(fd, 1);
				dup2(fd, 2);
				close(fd);
			}
		}
		if (out >= 0) {
			dup2(out, 1);
			close(out);
		}
		if (strchr(argv[0], '/'))
			execv(argv[0], argv);
		else
			execvp(argv[0], argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int run_program(const struct passwd *run_as, const char *logfile,
		       char *const argv[])
{
	return run_program_to(run_as, logfile, -1, argv);
}

static char *program(const char *bindir, const char *name)
{
	return *bindir ? path_join(bindir, name) : strdup(name);
}

int cluster_is_running(const char *dir)
{
	char *sock = cluster_socket_dir(dir);
	const char *keys[] = { "host", "dbname", "user", "connect_timeout", NULL };
	const char *vals[] = { sock, "postgres", CLUSTER_USER, "5", NULL };
	PGPing ping;

	if (!sock)
		return 0;
	ping = PQpingParams(keys, vals, 0);
	free(sock);
	return ping == PQPING_OK;
}

/* mkdir -p with mode for the last component. */
static int make_dirs(const char *path, mode_t mode)
{
	char *p = strdup(path), *s;
	int rc = 0;

	if (!p)
		return -1;
	for (s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) && errno != EEXIST)
			rc = -1;
		*s = '/';
	}
	if (rc == 0 && mkdir(p, mode) && errno != EEXIST)
		rc = -1;
	free(p);
	return rc;
}

/* Opens path (a file in a directory the server's user owns) as a stream
 * without following a link nor waiting on a FIFO: a regular file only.
 * NULL with errno (EINVAL for another kind of file). */
static FILE *open_regular(const char *path, int flags, const char *mode)
{
	struct stat sb;
	FILE *f;
	int fd = open(path, flags | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	if (fstat(fd, &sb) || !S_ISREG(sb.st_mode) || !(f = fdopen(fd, mode))) {
		close(fd);
		errno = EINVAL;
		return NULL;
	}
	return f;
}

/*
 * Write the settings of a private cluster: socket only, in dir/run.
 * Durability is PostgreSQL's default (fsync, full_page_writes and
 * synchronous_commit on): a load that reported success survives a crash.
 * What the cluster trades for speed is memory only. Opened without
 * following a link: as root we write in a directory postgres owns.
 */
static int write_settings(const char *data, const char *sock)
{
	char *conf = path_join(data, "postgresql.auto.conf");
	const char *c;
	FILE *f;
	int rc;

	if (!conf)
		return -1;
	f = open_regular(conf, O_WRONLY | O_APPEND, "a");
	free(conf);
	if (!f)
		return -1;
	fputs("# didkpi private cluster: Unix socket only; durable commits\n"
	      "listen_addresses = ''\n"
	      "unix_socket_permissions = 0700\n"
	      "shared_buffers = '512MB'\n"
	      "work_mem = '64MB'\n"
	      "maintenance_work_mem = '256MB'\n"
	      "max_wal_size = '4GB'\n"
	      "jit = off\n"
	      "# parallel queries' shared memory from the main segment (on huge\n"
	      "# pages when it is) instead of a new /dev/shm segment each time\n"
	      "min_dynamic_shared_memory = '128MB'\n"
	      "unix_socket_directories = '", f);
	/* a quoted value of postgresql.conf: '' for a quote, \\ for a backslash */
	for (c = sock; *c; c++) {
		if (*c == '\'' || *c == '\\')
			fputc(*c == '\'' ? '\'' : '\\', f);
		fputc(*c, f);
	}
	fputs("'\n", f);
	rc = ferror(f);
	if (fclose(f) || rc)
		return -1;
	return 0;
}

/* A conninfo value in single quotes: \\ before a quote or backslash. */
static char *conninfo_quote(const char *v)
{
	char *q = malloc(2 * strlen(v) + 3), *o = q;

	if (!q)
		return NULL;
	*o++ = '\'';
	for (; *v; v++) {
		if (*v == '\'' || *v == '\\')
			*o++ = '\\';
		*o++ = *v;
	}
	*o++ = '\'';
	*o = '\0';
	return q;
}

/*
 * Create the didkpi database in a just-started cluster, if missing; and
 * undo synchronous_commit = off, which clusters made by didkpi before 0.2
 * were given (an acknowledged load could vanish in a crash).
 */
static int create_database(const char *sock)
{
	char *conninfo = NULL, *host = conninfo_quote(sock);
	const char *p[1] = { CLUSTER_DBNAME };
	struct db *db = NULL;
	PGresult *res = NULL;
	int st;

	if (!host || asprintf(&conninfo, "host=%s dbname=postgres user=" CLUSTER_USER, host) < 0) {
		free(host);
		log_error("out of memory");
		return DK_SOFTWARE;
	}
	free(host);
	if ((st = db_connect(conninfo, &db)) == DK_OK &&
	    (st = db_query(db, "cluster.sql#has_database", 1, p, &res)) == DK_OK &&
	    PQntuples(res) == 0)
		st = db_query(db, "cluster.sql#create_database", 0, NULL, NULL);
	PQclear(res);
	res = NULL;
	if (st == DK_OK &&
	    (st = db_query(db, "cluster.sql#commit_not_durable", 0, NULL, &res)) == DK_OK &&
	    PQntuples(res) > 0) {
		log_info("setting synchronous_commit back to on");
		if ((st = db_query(db, "cluster.sql#reset_synchronous_commit", 0, NULL, NULL)) == DK_OK)
			st = db_query(db, "cluster.sql#reload", 0, NULL, NULL);
	}
	PQclear(res);
	db_close(db);
	free(conninfo);
	return st;
}

/*
 * Check, or create, the cluster's home dir and its run/ and hand them to
 * pw (the server's user, when we are root), never through a symbolic
 * link: the home must not be a link, nor writable by group or others
 * unless we just made it, nor owned by a third user; run/ is opened
 * without following a link and changed through its descriptor.
 */
static int home_prepare(const char *dir, const struct passwd *pw)
{
	struct stat sb;
	char *parent = strdup(dir), *slash;
	int fresh = 0, dfd = -1, rfd = -1, st = DK_CANTCREAT;

	if (!parent) {
		log_error("out of memory");
		return DK_SOFTWARE;
	}
	if (lstat(dir, &sb) != 0) {
		if (errno != ENOENT) {
			log_error("cannot use %s: %s", dir, strerror(errno));
			goto out;
		}
		slash = strrchr(parent, '/');
		if (slash && slash != parent) {
			*slash = '\0';
			if (make_dirs(parent, 0755)) {
				log_error("cannot create %s: %s", parent, strerror(errno));
				goto out;
			}
		}
		if (mkdir(dir, 0700)) {
			log_error("cannot create %s: %s", dir, strerror(errno));
			goto out;
		}
		fresh = 1;
	} else if (S_ISLNK(sb.st_mode)) {
		log_error("refusing the cluster directory %s: it is a symbolic link", dir);
		log_hint("name the directory it points to, if it is yours (DIDKPI_HOME or --dir)");
		goto out;
	}
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0 || fstat(dfd, &sb)) {
		log_error("cannot use the cluster directory %s: %s", dir,
			  errno == ENOTDIR || errno == ELOOP ? "not a directory" : strerror(errno));
		goto out;
	}
	if (!fresh && (sb.st_mode & (S_IWGRP | S_IWOTH))) {
		log_error("refusing the cluster directory %s: it is writable by %s (mode %04o)",
			  dir, sb.st_mode & S_IWOTH ? "others" : "its group",
			  (unsigned)(sb.st_mode & 07777));
		log_hint("chmod go-w %s (or let didkpi create a new directory)", dir);
		goto out;
	}
	if (!fresh && sb.st_uid != geteuid() && (!pw || sb.st_uid != pw->pw_uid)) {
		log_error("refusing the cluster directory %s: it belongs to another user (uid %ld)",
			  dir, (long)sb.st_uid);
		goto out;
	}
	if (fresh && fchmod(dfd, 0700)) {
		log_error("cannot set the mode of %s: %s", dir, strerror(errno));
		goto out;
	}
	if (mkdirat(dfd, "run", 0700) && errno != EEXIST) {
		log_error("cannot create %s/run: %s", dir, strerror(errno));
		goto out;
	}
	rfd = openat(dfd, "run", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (rfd < 0 || fstat(rfd, &sb)) {
		log_error("refusing %s/run: %s", dir, errno == ENOTDIR || errno == ELOOP ?
			  "not a directory (a symbolic link?)" : strerror(errno));
		goto out;
	}
	if ((sb.st_mode & 07777) != 0700 && fchmod(rfd, 0700)) {
		log_error("cannot set the mode of %s/run: %s", dir, strerror(errno));
		goto out;
	}
	if (pw && (fchown(dfd, pw->pw_uid, pw->pw_gid) || fchown(rfd, pw->pw_uid, pw->pw_gid))) {
		log_error("cannot give %s to user %s: %s", dir, pw->pw_name, strerror(errno));
		goto out;
	}
	st = DK_OK;
out:
	if (rfd >= 0)
		close(rfd);
	if (dfd >= 0)
		close(dfd);
	free(parent);
	return st;
}

/* Names the server cannot take: refused before anything is started. */
static int dir_usable(const char *dir, const char *sock)
{
	const char *c;

	for (c = dir; *c; c++) {
		if ((unsigned char)*c < 0x20 || *c == 0x7f) {
			log_error("refusing the cluster directory %s: its name holds a "
				  "control character", dir);
			return DK_USAGE;
		}
	}
	/* sun_path holds 108 bytes with its NUL: DIR/run/.s.PGSQL.5432 */
	if (strlen(sock) + strlen("/.s.PGSQL.5432") >= 108) {
		log_error("refusing the cluster directory %s: its name is too long for "
			  "a Unix socket (at most %zu bytes)", dir,
			  108 - 1 - strlen("/run/.s.PGSQL.5432"));
		log_hint("choose a shorter DIDKPI_HOME or --dir");
		return DK_USAGE;
	}
	return DK_OK;
}

/* Stop a cluster this run started and then failed to set up. */
/*
 * Huge pages (db start --huge-pages). Every new backend and parallel worker
 * maps the server's shared memory and takes a page fault for each 4 KiB
 * page of it that it touches for the first time: 10-19 us each on the
 * machines this was measured on, most of a short query's time there
 * (README, Performance). On 2 MiB pages that is 512 times fewer faults.
 * PostgreSQL takes them by itself (huge_pages = try) when the kernel has
 * enough reserved at its start; reserving them is root's
 * (vm.nr_hugepages) and lasts until the next boot.
 */

/* The number of a "Key: N" line of /proc/meminfo, -1 when absent. */
static long meminfo(const char *key)
{
	FILE *f = fopen("/proc/meminfo", "re");
	size_t k = strlen(key);
	char line[256];
	long v = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, k) && line[k] == ':') {
			v = strtol(line + k + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

/* How many huge pages the stopped cluster's shared memory needs
 * (postgres -C shared_memory_size_in_huge_pages, PostgreSQL 15 and
 * later), -1 when the server cannot say. */
static long pages_needed(const struct passwd *pw, const char *bindir,
			 const char *data, const char *logf)
{
	char *postgres = program(bindir, "postgres");
	char *argv[] = { postgres, "-C", "shared_memory_size_in_huge_pages", "-D",
			 (char *)data, NULL };
	char buf[32], *end;
	int fds[2], rc;
	ssize_t n;
	long v = -1;

	if (!postgres || pipe2(fds, O_CLOEXEC)) {
		free(postgres);
		return -1;
	}
	rc = run_program_to(pw, logf, fds[1], argv);
	close(fds[1]);
	n = read(fds[0], buf, sizeof(buf) - 1);
	close(fds[0]);
	free(postgres);
	if (rc != 0 || n <= 0)
		return -1;
	buf[n] = '\0';
	v = strtol(buf, &end, 10);
	return end != buf && (*end == '\n' || !*end) && v > 0 ? v : -1;
}

/* Make sure need huge pages are free for the server about to start,
 * raising vm.nr_hugepages as root. Warns and returns -1 when they cannot
 * be had; the server then starts on 4 KiB pages. */
static int reserve_huge_pages(long need)
{
	long total = meminfo("HugePages_Total"), avail, want;
	FILE *f;

	avail = meminfo("HugePages_Free") - meminfo("HugePages_Rsvd");
	if (total < 0) {
		log_warning("this kernel offers no huge pages; the server's shared memory stays on 4 KiB pages");
		return -1;
	}
	if (avail >= need) {
		log_info("%ld huge pages free for the server's %ld", avail, need);
		return 0;
	}
	if (avail < 0)
		avail = 0;
	want = total + need - avail;
	if (geteuid() != 0) {
		log_warning("the server's shared memory needs %ld huge pages and %ld are free; "
			    "reserving them needs root: sysctl vm.nr_hugepages=%ld", need, avail, want);
		return -1;
	}
	f = fopen("/proc/sys/vm/nr_hugepages", "we");
	if (!f || fprintf(f, "%ld\n", want) < 0 || fclose(f)) {
		log_warning("cannot reserve huge pages (vm.nr_hugepages): %s", strerror(errno));
		return -1;
	}
	avail = meminfo("HugePages_Free") - meminfo("HugePages_Rsvd");
	if (avail < need) {
		log_warning("the kernel reserved only %ld of the %ld huge pages asked for "
			    "(memory too fragmented?); the server's shared memory stays on 4 KiB pages",
			    avail < 0 ? 0 : avail, need);
		/* a share of them is of no use to the server: give them back */
		if ((f = fopen("/proc/sys/vm/nr_hugepages", "we"))) {
			fprintf(f, "%ld\n", total);
			fclose(f);
		}
		return -1;
	}
	log_info("reserved %ld huge pages for the server (vm.nr_hugepages %ld -> %ld, until the "
		 "next boot or until it is lowered)", need, total, meminfo("HugePages_Total"));
	return 0;
}

/* Whether the running server's shared memory is on huge pages, from its
 * postmaster's mappings (data/postmaster.pid, /proc/PID/smaps): 1 yes, 0
 * no, -1 when it cannot be told (another user's server, no /proc). */
int cluster_on_huge_pages(const char *dir)
{
	char *pidf = path_join(dir, "data/postmaster.pid"), line[512], path[64];
	int shared = 0, on = -1;
	long pid = 0;
	FILE *f;

	if (!pidf)
		return -1;
	/* the server's user owns data/: a link or a FIFO planted there must
	 * neither send us elsewhere nor hold us (db status as root) */
	f = open_regular(pidf, O_RDONLY, "r");
	free(pidf);
	if (!f)
		return -1;
	if (fgets(line, sizeof(line), f))
		pid = strtol(line, NULL, 10);
	fclose(f);
	if (pid <= 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/%ld/smaps", pid);
	if (!(f = fopen(path, "re")))
		return -1;
	/* a mapping's header: "start-end perms offset dev inode [path]" */
	while (on != 1 && fgets(line, sizeof(line), f)) {
		char perms[8];

		if (sscanf(line, "%*x-%*x %7s", perms) == 1 && strlen(perms) == 4)
			shared = perms[3] == 's';
		else if (!strncmp(line, "KernelPageSize:", 15))
			on = shared && strtol(line + 15, NULL, 10) > 4;
	}
	fclose(f);
	return on;
}

static void stop_after_failure(const struct passwd *pw, const char *pg_ctl, const char *data)
{
	char *argv[] = { (char *)pg_ctl, "stop", "-w", "-s", "-m", "fast", "-D", (char *)data, NULL };

	if (run_program(pw, NULL, argv) != 0)
		log_error("cannot stop the private cluster again: it may still be running");
	else
		log_detail("the private cluster was stopped again");
}

int cluster_start(const char *dir, int huge_pages)
{
	struct passwd *pw = NULL;
	char *bindir = pg_bindir(), *data = path_join(dir, "data"),
	     *sock = path_join(dir, "run"), *logf = path_join(dir, "server.log"),
	     *version = data ? path_join(data, "PG_VERSION") : NULL,
	     *initdb = NULL, *pg_ctl = NULL;
	int st = DK_SOFTWARE, oom = 1;

	if (!bindir || !data || !sock || !logf || !version)
		goto out;
	oom = 0;
	if ((st = dir_usable(dir, sock)))
		goto out;
	st = DK_SOFTWARE;
	if (cluster_is_running(dir)) {
		log_info("private cluster in %s is already running", dir);
		if (huge_pages && cluster_on_huge_pages(dir) == 0) {
			log_warning("the running server's shared memory is on 4 KiB pages");
			log_hint("stop it (didkpi db stop) and start it again with --huge-pages");
		}
		st = create_database(sock);
		goto out;
	}
	initdb = program(bindir, "initdb");
	pg_ctl = program(bindir, "pg_ctl");
	if (!initdb || !pg_ctl) {
		oom = 1;
		goto out;
	}
	if (*bindir == '\0') {
		log_error("cannot start the private cluster: PostgreSQL server programs not found");
		log_hint("install the Debian package postgresql, or set DIDKPI_PG_BINDIR");
		st = DK_UNAVAILABLE;
		goto out;
	}
	if (geteuid() == 0) {
		pw = getpwnam(CLUSTER_RUN_AS);
		if (!pw) {
			log_error("cannot start the private cluster as root: no '%s' user "
				  "to run the server as", CLUSTER_RUN_AS);
			log_hint("install the Debian package postgresql, which creates it");
			st = DK_UNAVAILABLE;
			goto out;
		}
	}
	if ((st = home_prepare(dir, pw)))
		goto out;
	st = DK_SOFTWARE;
	if (access(version, F_OK) != 0) {
		char *argv[] = { initdb, "-D", data, "-U", CLUSTER_USER, "--auth=trust",
				 "-E", "UTF8", "--locale=C.UTF-8", "--no-instructions", NULL };

		log_info("creating the private cluster in %s", data);
		if (run_program(pw, logf, argv) != 0) {
			log_error("cannot create the private cluster: initdb failed");
			log_detail("see %s", logf);
			if (pw)
				log_hint("user %s must be able to reach %s (check the "
					 "permissions of its parent directories)", pw->pw_name, dir);
			st = DK_UNAVAILABLE;
			goto out;
		}
		if (write_settings(data, sock)) {
			log_error("cannot write the settings of %s: %s", data, strerror(errno));
			st = DK_CANTCREAT;
			goto out;
		}
	}
	if (huge_pages) {
		long need = pages_needed(pw, bindir, data, logf);

		if (need < 0)
			log_warning("the server cannot say how many huge pages it needs "
				    "(PostgreSQL 15 or later does); see %s", logf);
		else
			reserve_huge_pages(need);
	}
	{
		char *argv[] = { pg_ctl, "start", "-w", "-s", "-t", "60", "-D", data,
				 "-l", logf, NULL };

		if (run_program(pw, NULL, argv) != 0) {
			log_error("cannot start the private cluster in %s", dir);
			log_detail("see %s", logf);
			/* pg_ctl gave up waiting: a server still coming up must not stay */
			if (cluster_is_running(dir))
				stop_after_failure(pw, pg_ctl, data);
			st = DK_UNAVAILABLE;
			goto out;
		}
	}
	if ((st = create_database(sock)))
		stop_after_failure(pw, pg_ctl, data);
	else if (huge_pages) {
		int on = cluster_on_huge_pages(dir);

		if (on == 1)
			log_info("the server's shared memory is on huge pages");
		else if (on == 0)
			log_warning("the server's shared memory is on 4 KiB pages");
	}
out:
	if (st == DK_SOFTWARE && oom)
		log_error("cannot start the private cluster: out of memory");
	free(bindir);
	free(data);
	free(sock);
	free(logf);
	free(version);
	free(initdb);
	free(pg_ctl);
	return st;
}

/* The owner of dir, to run pg_ctl stop/status as when we are root. */
static struct passwd *dir_owner(const char *dir)
{
	struct stat sb;

	if (geteuid() != 0 || stat(dir, &sb) || sb.st_uid == 0)
		return NULL;
	return getpwuid(sb.st_uid);
}

int cluster_stop(const char *dir)
{
	char *bindir = pg_bindir(), *data = path_join(dir, "data"), *pg_ctl = NULL;
	int st = DK_SOFTWARE;

	if (!bindir || !data || !(pg_ctl = program(bindir, "pg_ctl")))
		goto out;
	if (!cluster_is_running(dir)) {
		st = DK_OK;
		goto out;
	}
	{
		char *argv[] = { pg_ctl, "stop", "-w", "-s", "-m", "fast", "-D", data, NULL };

		if (run_program(dir_owner(data), NULL, argv) != 0) {
			log_error("cannot stop the private cluster in %s", dir);
			st = DK_UNAVAILABLE;
			goto out;
		}
	}
	st = DK_OK;
out:
	free(bindir);
	free(data);
	free(pg_ctl);
	return st;
}

int cluster_status(const char *dir)
{
	char *sock = cluster_socket_dir(dir);
	int running = cluster_is_running(dir);

	if (running)
		printf("running: socket %s, database %s%s\n", sock ? sock : dir, CLUSTER_DBNAME,
		       cluster_on_huge_pages(dir) == 1 ? ", shared memory on huge pages" : "");
	else
		printf("not running: %s\n", dir);
	free(sock);
	return running ? DK_OK : DK_UNAVAILABLE;
}
