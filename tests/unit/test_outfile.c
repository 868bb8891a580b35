/*
 * lib/outfile and lib/interrupt on real files in a temporary directory:
 * the file appears whole on commit and not at all on abort; links and
 * special files are refused; a second writer is locked out; leftovers of
 * a killed run are removed (and a person's files are not); long names are
 * shortened with a hash; real signals remove what a run made.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../lib/interrupt.h"
#include "../../lib/outfile.h"
#include "../../lib/status.h"

static char tmpdir[64];
static char pathbuf[8][PATH_MAX];
static int pathi;

static const char *in_tmp(const char *name)
{
	char *p = pathbuf[pathi++ % 8];

	snprintf(p, PATH_MAX, "%s/%s", tmpdir, name);
	return p;
}

/* The directory's entries, sorted, joined by spaces ("" when empty). */
static char *listing(const char *dir)
{
	static char buf[8192];
	struct dirent **ents;
	int n, i;

	buf[0] = '\0';
	n = scandir(dir, &ents, NULL, alphasort);
	assert_true(n >= 0);
	for (i = 0; i < n; i++) {
		if (strcmp(ents[i]->d_name, ".") && strcmp(ents[i]->d_name, "..")) {
			if (buf[0])
				strcat(buf, " ");
			strcat(buf, ents[i]->d_name);
		}
		free(ents[i]);
	}
	free(ents);
	return buf;
}

static void put(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
}

static char *get(const char *path)
{
	static char buf[4096];
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void empty_tmp(void)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'/* '%s'/.[!.]*", tmpdir, tmpdir);
	assert_int_equal(system(cmd), 0);
}

static int setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_outfile.XXXXXX");
	umask(022);
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[256];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static int each(void **state)
{
	(void)state;
	empty_tmp();
	return 0;
}

static void test_commit_appears_whole(void **state)
{
	struct outfile *o;
	struct stat sb;
	char *l;

	(void)state;
	assert_int_equal(outfile_open(in_tmp("a.csv"), &o), DK_OK);
	fputs("x,y\n1,2\n", outfile_stream(o));
	/* before the commit: no a.csv, only the lock and the private directory */
	l = listing(tmpdir);
	assert_int_equal(strncmp(l, ".a.csv.lock .a.csv.tmp-", 23), 0);
	assert_int_equal(strlen(l), strlen(".a.csv.lock .a.csv.tmp-XXXXXX"));
	assert_int_equal(stat(outfile_temp_path(o), &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(stat(strrchr(l, ' ') ? in_tmp(strrchr(l, ' ') + 1) : "", &sb), 0);
	assert_true(S_ISDIR(sb.st_mode));
	assert_int_equal(sb.st_mode & 0777, 0700);
	assert_string_equal(outfile_path(o), in_tmp("a.csv"));
	assert_int_equal(outfile_commit(o), DK_OK);
	assert_string_equal(get(in_tmp("a.csv")), "x,y\n1,2\n");
	assert_string_equal(listing(tmpdir), "a.csv");
	assert_int_equal(stat(in_tmp("a.csv"), &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0644);
}

static void test_replace_keeps_mode(void **state)
{
	struct outfile *o;
	struct stat sb;

	(void)state;
	put(in_tmp("b.csv"), "old content that is longer than the new\n", 0640);
	assert_int_equal(outfile_open(in_tmp("b.csv"), &o), DK_OK);
	fputs("new\n", outfile_stream(o));
	assert_string_equal(get(in_tmp("b.csv")), "old content that is longer than the new\n");
	assert_int_equal(outfile_commit(o), DK_OK);
	assert_string_equal(get(in_tmp("b.csv")), "new\n");
	assert_int_equal(stat(in_tmp("b.csv"), &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0640);
	assert_string_equal(listing(tmpdir), "b.csv");
}

static void test_abort_leaves_old(void **state)
{
	struct outfile *o;

	(void)state;
	put(in_tmp("c.csv"), "old\n", 0644);
	assert_int_equal(outfile_open(in_tmp("c.csv"), &o), DK_OK);
	fputs("half written", outfile_stream(o));
	outfile_abort(o);
	outfile_abort(NULL);
	assert_string_equal(get(in_tmp("c.csv")), "old\n");
	assert_string_equal(listing(tmpdir), "c.csv");
}

static void test_by_name(void **state)
{
	struct outfile *o;
	FILE *f;

	(void)state;
	assert_int_equal(outfile_open(in_tmp("d.xlsx"), &o), DK_OK);
	outfile_close_stream(o);
	assert_null(outfile_stream(o));
	f = fopen(outfile_temp_path(o), "w");
	assert_non_null(f);
	fputs("by name\n", f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(outfile_commit(o), DK_OK);
	assert_string_equal(get(in_tmp("d.xlsx")), "by name\n");
	assert_string_equal(listing(tmpdir), "d.xlsx");
}

static void test_refuses_links_and_special_files(void **state)
{
	struct outfile *o = NULL;
	const char *victim = in_tmp("victim");
	struct stat sb;

	(void)state;
	assert_int_equal(symlink(victim, in_tmp("e.csv")), 0);
	assert_int_equal(outfile_open(in_tmp("e.csv"), &o), DK_CANTCREAT);
	assert_null(o);
	assert_int_equal(lstat(in_tmp("e.csv"), &sb), 0);
	assert_true(S_ISLNK(sb.st_mode));
	assert_int_equal(access(victim, F_OK), -1);
	/* a link planted at the lock name */
	assert_int_equal(symlink(victim, in_tmp(".f.csv.lock")), 0);
	assert_int_equal(outfile_open(in_tmp("f.csv"), &o), DK_CANTCREAT);
	assert_int_equal(access(victim, F_OK), -1);
	assert_string_equal(listing(tmpdir), ".f.csv.lock e.csv");
	empty_tmp();
	/* a FIFO, a directory, a name that is a directory */
	assert_int_equal(mkfifo(in_tmp("g.csv"), 0644), 0);
	assert_int_equal(outfile_open(in_tmp("g.csv"), &o), DK_CANTCREAT);
	assert_int_equal(mkdir(in_tmp("h.csv"), 0755), 0);
	assert_int_equal(outfile_open(in_tmp("h.csv"), &o), DK_CANTCREAT);
	assert_int_equal(outfile_open(in_tmp("h.csv/"), &o), DK_CANTCREAT);
	assert_int_equal(outfile_open(in_tmp(".."), &o), DK_CANTCREAT);
	assert_int_equal(outfile_open("", &o), DK_USAGE);
	/* no such directory; a file where a directory should be */
	assert_int_equal(outfile_open(in_tmp("no/such.csv"), &o), DK_CANTCREAT);
	put(in_tmp("file"), "", 0644);
	assert_int_equal(outfile_open(in_tmp("file/x.csv"), &o), DK_CANTCREAT);
	assert_null(o);
	assert_string_equal(listing(tmpdir), "file g.csv h.csv");
}

static void test_second_writer_locked_out(void **state)
{
	struct outfile *a, *b;

	(void)state;
	assert_int_equal(outfile_open(in_tmp("i.csv"), &a), DK_OK);
	assert_int_equal(outfile_open(in_tmp("i.csv"), &b), DK_CANTCREAT);
	fputs("a\n", outfile_stream(a));
	assert_int_equal(outfile_commit(a), DK_OK);
	assert_int_equal(outfile_open(in_tmp("i.csv"), &b), DK_OK);
	fputs("b\n", outfile_stream(b));
	assert_int_equal(outfile_commit(b), DK_OK);
	assert_string_equal(get(in_tmp("i.csv")), "b\n");
	assert_string_equal(listing(tmpdir), "i.csv");
}

static void test_cleans_what_a_killed_run_left(void **state)
{
	struct outfile *o;

	(void)state;
	/* this version's private directory, with its data file */
	assert_int_equal(mkdir(in_tmp(".j.csv.tmp-Ab12Cd"), 0700), 0);
	put(in_tmp(".j.csv.tmp-Ab12Cd/data"), "partial", 0600);
	/* the lock a killed run left (nobody holds it) */
	put(in_tmp(".j.csv.lock"), "", 0600);
	/* the versions before: ".NAME.XXXXXX" and rejects' "NAME.XXXXXX" */
	put(in_tmp(".j.csv.Xq3z9A"), "old temporary", 0644);
	put(in_tmp("j.csv.k2Lm9Q"), "old rejects temporary", 0600);
	/* a person's files with names of the same shape: kept */
	put(in_tmp(".j.csv.backup"), "mine", 0644);
	put(in_tmp("j.csv.before"), "mine", 0600);
	put(in_tmp("j.csv.Copy01"), "mine, not mkstemp's mode", 0644);
	/* another destination's leftovers: not ours */
	assert_int_equal(mkdir(in_tmp(".j.csvx.tmp-Ab12Cd"), 0700), 0);
	assert_int_equal(outfile_open(in_tmp("j.csv"), &o), DK_OK);
	fputs("new\n", outfile_stream(o));
	assert_int_equal(outfile_commit(o), DK_OK);
	assert_string_equal(listing(tmpdir), ".j.csv.backup .j.csvx.tmp-Ab12Cd j.csv "
			    "j.csv.Copy01 j.csv.before");
}

/* A 255-byte name of n ASCII letters ending in c, or of Thai letters. */
static void long_name(char *buf, size_t n, char c)
{
	memset(buf, 'a', n);
	memcpy(buf + n - 4, ".csv", 4);
	buf[n - 5] = c;
	buf[n] = '\0';
}

static void test_long_names(void **state)
{
	struct outfile *a, *b;
	char x[NAME_MAX + 1], y[NAME_MAX + 1], thai[NAME_MAX + 1];
	const char *ko = "\xe0\xb8\x81"; /* U+0E01 THAI CHARACTER KO KAI */
	struct dirent *e;
	DIR *d;
	size_t i;

	(void)state;
	long_name(x, NAME_MAX, 'x');
	long_name(y, NAME_MAX, 'y');
	/* two names alike but for the end: different locks, both open at once */
	assert_int_equal(outfile_open(in_tmp(x), &a), DK_OK);
	assert_int_equal(outfile_open(in_tmp(y), &b), DK_OK);
	fputs("x\n", outfile_stream(a));
	fputs("y\n", outfile_stream(b));
	assert_int_equal(outfile_commit(a), DK_OK);
	assert_int_equal(outfile_commit(b), DK_OK);
	assert_string_equal(get(in_tmp(x)), "x\n");
	assert_string_equal(get(in_tmp(y)), "y\n");
	empty_tmp();
	long_name(x, 250, 'x');
	assert_int_equal(outfile_open(in_tmp(x), &a), DK_OK);
	assert_int_equal(outfile_commit(a), DK_OK);
	assert_int_equal(access(in_tmp(x), F_OK), 0);
	empty_tmp();
	/* 84 Thai letters and ".csv" = 256 bytes is too long; 83 + ".csv" fits */
	for (i = 0; i < 83; i++)
		memcpy(thai + 3 * i, ko, 3);
	strcpy(thai + 3 * i, ".csv");
	assert_int_equal(outfile_open(in_tmp(thai), &a), DK_OK);
	/* the shortened hidden names are cut between characters */
	d = opendir(tmpdir);
	assert_non_null(d);
	while ((e = readdir(d))) {
		const char *t = strchr(e->d_name, '~');

		if (e->d_name[0] != '.' || !t)
			continue;
		assert_int_equal((t - e->d_name - 1) % 3, 0);
		assert_true(strlen(e->d_name) <= NAME_MAX);
	}
	closedir(d);
	assert_int_equal(outfile_commit(a), DK_OK);
	assert_string_equal(listing(tmpdir), thai);
}

/* A child writes a file and gets sig before it commits. */
static void signal_child(int sig)
{
	struct outfile *o;
	pid_t pid;
	int status;

	put(in_tmp("k.csv"), "old\n", 0644);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		signal(sig, SIG_DFL);
		interrupt_init();
		if (outfile_open(in_tmp("k.csv"), &o) != DK_OK)
			_exit(1);
		fputs("never whole", outfile_stream(o));
		fflush(outfile_stream(o));
		kill(getpid(), sig);
		_exit(2);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), sig);
	assert_string_equal(listing(tmpdir), "k.csv");
	assert_string_equal(get(in_tmp("k.csv")), "old\n");
}

static void test_signals_remove_everything(void **state)
{
	(void)state;
	signal_child(SIGTERM);
	signal_child(SIGINT);
	signal_child(SIGHUP);
}

static void test_ignored_signal_stays_ignored(void **state)
{
	pid_t pid;
	int status;

	(void)state;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		signal(SIGHUP, SIG_IGN); /* as nohup does */
		interrupt_init();
		kill(getpid(), SIGHUP);
		_exit(3);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 3);
}

static void test_track_table(void **state)
{
	int slots[64], i, n;

	(void)state;
	for (n = 0; n < 64 && (slots[n] = interrupt_track("/nonexistent/x", 0)) >= 0; n++)
		;
	assert_true(n >= 8 && n < 64);
	assert_int_equal(slots[n], -1);
	interrupt_untrack(slots[0]);
	assert_int_equal(interrupt_track("/nonexistent/y", 1), slots[0]);
	for (i = 0; i < n; i++)
		interrupt_untrack(slots[i]);
	interrupt_untrack(-1);
	interrupt_untrack(1 << 20);
}

static void test_expand(void **state)
{
	const struct outfile_var v[] = { { "period", "2025-03" }, { "date", "2025-04-01" } };
	char *s;

	(void)state;
	assert_int_equal(outfile_expand("/srv/kpi/didkpi-{period}.csv", v, 2, &s), DK_OK);
	assert_string_equal(s, "/srv/kpi/didkpi-2025-03.csv");
	free(s);
	assert_int_equal(outfile_expand("{date}/{period}-{period}{", v, 2, &s), DK_OK);
	assert_string_equal(s, "2025-04-01/2025-03-2025-03{");
	free(s);
	assert_int_equal(outfile_expand("plain", v, 2, &s), DK_OK);
	assert_string_equal(s, "plain");
	free(s);
	assert_int_equal(outfile_expand("x-{month}.csv", v, 2, &s), DK_USAGE);
	assert_null(s);
	assert_int_equal(outfile_expand("x-{period}.csv", v + 1, 1, &s), DK_USAGE);
	assert_int_equal(outfile_expand("x-{}.csv", v, 2, &s), DK_USAGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_commit_appears_whole, each),
		cmocka_unit_test_setup(test_replace_keeps_mode, each),
		cmocka_unit_test_setup(test_abort_leaves_old, each),
		cmocka_unit_test_setup(test_by_name, each),
		cmocka_unit_test_setup(test_refuses_links_and_special_files, each),
		cmocka_unit_test_setup(test_second_writer_locked_out, each),
		cmocka_unit_test_setup(test_cleans_what_a_killed_run_left, each),
		cmocka_unit_test_setup(test_long_names, each),
		cmocka_unit_test_setup(test_signals_remove_everything, each),
		cmocka_unit_test(test_ignored_signal_stays_ignored),
		cmocka_unit_test(test_track_table),
		cmocka_unit_test(test_expand),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
