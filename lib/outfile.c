/* Atomic output files: a private directory beside the destination, a lock,
 * rename into place. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "interrupt.h"
#include "log.h"
#include "outfile.h"
#include "status.h"

#define TMP_TAG ".tmp-"
#define LOCK_TAG ".lock"
/* room left in NAME_MAX for "." + TMP_TAG + "XXXXXX" or LOCK_TAG */
#define HIDDEN_MAX (NAME_MAX - 1 - (int)sizeof(TMP_TAG) - 6)

struct outfile {
	char *path;      /* the destination */
	char *dir;       /* its directory ("." when none) */
	char *hidden;    /* ".BASE" or a shortened ".PREFIX~HASH" */
	char *lock;      /* dir/.BASE.lock */
	char *tmpdir;    /* dir/.BASE.tmp-XXXXXX, mode 0700 */
	char *tmp;       /* tmpdir/data */
	FILE *fp;
	int lock_fd;
	int slot_lock, slot_tmp, slot_dir;
	mode_t mode;
};

static char *join(const char *dir, const char *name)
{
	char *s;

	return asprintf(&s, "%s/%s", dir, name) < 0 ? NULL : s;
}

/* "dir/nameSUFFIX", malloc'd; NULL when memory runs out. */
static char *join3(const char *dir, const char *name, const char *suffix)
{
	char *s;

	return asprintf(&s, "%s/%s%s", dir, name, suffix) < 0 ? NULL : s;
}

/* ".BASE", or ".PREFIX~HASH" when BASE is too long for the hidden names. */
static char *hidden_name(const char *base)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	size_t n = strlen(base), keep;
	const char *p;
	char *s;

	if ((int)n <= HIDDEN_MAX - 1)
		return asprintf(&s, ".%s", base) < 0 ? NULL : s;
	for (p = base; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	keep = (size_t)HIDDEN_MAX - 1 - 17;
	/* do not cut a UTF-8 sequence */
	while (keep > 0 && ((unsigned char)base[keep] & 0xC0) == 0x80)
		keep--;
	return asprintf(&s, ".%.*s~%016llx", (int)keep, base, (unsigned long long)h) < 0 ? NULL : s;
}

/* Remove a private directory a killed run left: its plain files, then it. */
static void remove_stale_dir(int dfd, const char *name)
{
	struct stat sb;
	struct dirent *e;
	DIR *d;
	int fd;

	if (fstatat(dfd, name, &sb, AT_SYMLINK_NOFOLLOW) || !S_ISDIR(sb.st_mode) ||
	    sb.st_uid != geteuid())
		return;
	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return;
	if (!(d = fdopendir(fd))) {
		close(fd);
		return;
	}
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			unlinkat(fd, e->d_name, 0);
	closedir(d);
	if (unlinkat(dfd, name, AT_REMOVEDIR) == 0)
		log_info("removed '%s', left by an interrupted run", name);
}

/*
 * Whether s is exactly six characters of mkstemp's alphabet, not all
 * lower-case letters: mkstemp's suffixes almost never are, while a name a
 * person gave ("x.csv.backup", ".x.xlsx.before") usually is, and must not
 * be taken for a leftover.
 */
static int mkstemp_suffix(const char *s)
{
	int i, lower = 0;

	for (i = 0; i < 6; i++) {
		if (!s[i] || !((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
			       (s[i] >= '0' && s[i] <= '9')))
			return 0;
		lower += s[i] >= 'a' && s[i] <= 'z';
	}
	return s[6] == '\0' && lower < 6;
}

/* Whether s is exactly six characters of mkdtemp's alphabet. */
static int six_chars(const char *s)
{
	int i;

	for (i = 0; i < 6; i++)
		if (!s[i] || !((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
			       (s[i] >= '0' && s[i] <= '9')))
			return 0;
	return s[6] == '\0';
}

/*
 * With the lock held no other run writes here: whatever temporary names of
 * this destination exist were left by a run that died (kill -9, a crash, a
 * power cut). Ours: ".BASE.tmp-XXXXXX" directories. The versions before
 * them made ".BASE.XXXXXX" files (reports and charts) and "BASE.XXXXXX"
 * (rejects, mode 0600 as mkstemp made them): removed too, when they are
 * regular files of ours with a mkstemp-like suffix.
 */
static void clean_stale(const struct outfile *o, const char *base)
{
	size_t hn = strlen(o->hidden), bn = strlen(base);
	struct dirent *e;
	struct stat sb;
	DIR *d = opendir(o->dir);
	int dfd;

	if (!d)
		return;
	dfd = dirfd(d);
	while ((e = readdir(d))) {
		const char *n = e->d_name;
		int hidden_old, plain_old;

		if (!strncmp(n, o->hidden, hn) && !strncmp(n + hn, TMP_TAG, sizeof(TMP_TAG) - 1) &&
		    six_chars(n + hn + sizeof(TMP_TAG) - 1)) {
			remove_stale_dir(dfd, n);
			continue;
		}
		hidden_old = n[0] == '.' && !strncmp(n + 1, base, bn) && n[1 + bn] == '.' &&
			     mkstemp_suffix(n + bn + 2);
		plain_old = !strncmp(n, base, bn) && n[bn] == '.' && mkstemp_suffix(n + bn + 1);
		if (!hidden_old && !plain_old)
			continue;
		if (fstatat(dfd, n, &sb, AT_SYMLINK_NOFOLLOW) || !S_ISREG(sb.st_mode) ||
		    sb.st_uid != geteuid() || (plain_old && (sb.st_mode & 07777) != 0600))
			continue;
		if (unlinkat(dfd, n, 0) == 0)
			log_info("removed '%s', left by an interrupted run", n);
	}
	closedir(d);
}

static int take_lock(struct outfile *o)
{
	struct stat a, b;
	int fd, tries;

	for (tries = 0; tries < 10; tries++) {
		fd = open(o->lock, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600);
		if (fd < 0) {
			int e = errno;

			if (e == ELOOP) {
				log_error("cannot create '%s': its lock file '%s' is a symbolic link",
					  o->path, o->lock);
				log_hint("didkpi never follows a link it did not make; remove it");
			} else {
				log_error("cannot create '%s': %s", o->path, strerror(e));
			}
			return DK_CANTCREAT;
		}
		if (fstat(fd, &a) || !S_ISREG(a.st_mode)) {
			close(fd);
			log_error("cannot create '%s': its lock '%s' is not a regular file", o->path,
				  o->lock);
			return DK_CANTCREAT;
		}
		if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
			int e = errno;

			close(fd);
			if (e == EWOULDBLOCK) {
				log_error("cannot create '%s': another didkpi run is writing it",
					  o->path);
				log_detail("the lock '%s' is held", o->lock);
			} else {
				log_error("cannot lock '%s': %s", o->lock, strerror(e));
			}
			return DK_CANTCREAT;
		}
		/* still the file at that name (not one a finishing run removed)? */
		if (lstat(o->lock, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev) {
			o->lock_fd = fd;
			o->slot_lock = interrupt_track(o->lock, 0);
			return DK_OK;
		}
		close(fd);
	}
	log_error("cannot lock '%s': it keeps being replaced", o->lock);
	return DK_CANTCREAT;
}

static void outfile_free(struct outfile *o)
{
	free(o->path);
	free(o->dir);
	free(o->hidden);
	free(o->lock);
	free(o->tmpdir);
	free(o->tmp);
	free(o);
}

int outfile_open(const char *path, struct outfile **out)
{
	struct outfile *o;
	const char *slash, *base;
	struct stat sb;
	char *tmpl = NULL;
	mode_t mask;
	int fd, st = DK_SOFTWARE;

	*out = NULL;
	if (!path || !*path) {
		log_error("no output file name");
		return DK_USAGE;
	}
	slash = strrchr(path, '/');
	base = slash ? slash + 1 : path;
	if (!*base || !strcmp(base, ".") || !strcmp(base, "..")) {
		log_error("cannot create '%s': it names a directory", path);
		return DK_CANTCREAT;
	}
	if (lstat(path, &sb) == 0) {
		if (S_ISLNK(sb.st_mode)) {
			log_error("cannot create '%s': it is a symbolic link", path);
			log_hint("didkpi never writes through a link; remove it or name the file "
				 "it points to");
			return DK_CANTCREAT;
		}
		if (!S_ISREG(sb.st_mode)) {
			log_error("cannot create '%s': it exists and is not a regular file", path);
			return DK_CANTCREAT;
		}
	} else if (errno != ENOENT) {
		log_error("cannot create '%s': %s", path, strerror(errno));
		return DK_CANTCREAT;
	}
	if (!(o = calloc(1, sizeof(*o)))) {
		log_error("out of memory");
		return DK_SOFTWARE;
	}
	o->lock_fd = -1;
	o->slot_lock = o->slot_tmp = o->slot_dir = -1;
	if (!(o->path = strdup(path)) ||
	    !(o->dir = slash ? (slash == path ? strdup("/") : strndup(path, (size_t)(slash - path)))
			     : strdup(".")) ||
	    !(o->hidden = hidden_name(base)) ||
	    !(o->lock = join3(o->dir, o->hidden, LOCK_TAG)) ||
	    !(tmpl = join3(o->dir, o->hidden, TMP_TAG "XXXXXX"))) {
		log_error("out of memory");
		goto fail;
	}
	if ((st = take_lock(o)))
		goto fail;
	clean_stale(o, base);
	if (lstat(path, &sb) == 0 && S_ISREG(sb.st_mode))
		o->mode = sb.st_mode & 0777;
	else {
		mask = umask(022);
		umask(mask);
		o->mode = 0666 & ~mask;
	}
	if (!mkdtemp(tmpl)) {
		log_error("cannot create '%s': %s", path, strerror(errno));
		st = DK_CANTCREAT;
		goto fail;
	}
	o->tmpdir = tmpl;
	tmpl = NULL;
	o->slot_dir = interrupt_track(o->tmpdir, 1);
	if (!(o->tmp = join(o->tmpdir, "data"))) {
		log_error("out of memory");
		st = DK_SOFTWARE;
		goto fail;
	}
	fd = open(o->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd >= 0)
		o->slot_tmp = interrupt_track(o->tmp, 0);
	if (fd < 0 || !(o->fp = fdopen(fd, "wb"))) {
		log_error("cannot create '%s': %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		st = DK_CANTCREAT;
		goto fail;
	}
	*out = o;
	return DK_OK;
fail:
	free(tmpl);
	outfile_abort(o);
	return st;
}

FILE *outfile_stream(struct outfile *o)
{
	return o->fp;
}

const char *outfile_temp_path(const struct outfile *o)
{
	return o->tmp;
}

const char *outfile_path(const struct outfile *o)
{
	return o->path;
}

void outfile_close_stream(struct outfile *o)
{
	if (o->fp)
		fclose(o->fp);
	o->fp = NULL;
}

/* Removes the private directory, the lock and the signal registrations. */
static void release(struct outfile *o)
{
	if (o->fp)
		fclose(o->fp);
	o->fp = NULL;
	if (o->tmp)
		unlink(o->tmp);
	interrupt_untrack(o->slot_tmp);
	if (o->tmpdir)
		rmdir(o->tmpdir);
	interrupt_untrack(o->slot_dir);
	if (o->lock_fd >= 0) {
		unlink(o->lock);
		close(o->lock_fd);
	}
	interrupt_untrack(o->slot_lock);
}

void outfile_abort(struct outfile *o)
{
	if (!o)
		return;
	release(o);
	outfile_free(o);
}

/* fsync a file or directory by name: 0, or -1 with errno. */
static int sync_path(const char *path, int flags)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | flags), r, e;

	if (fd < 0)
		return -1;
	r = fsync(fd);
	e = errno;
	close(fd);
	errno = e;
	return r;
}

int outfile_commit(struct outfile *o)
{
	int r, e = 0;

	if (o->fp) {
		r = fflush(o->fp) || ferror(o->fp) || fsync(fileno(o->fp)) ||
		    fchmod(fileno(o->fp), o->mode);
		e = errno;
		if (fclose(o->fp) && !r) {
			r = 1;
			e = errno;
		}
		o->fp = NULL;
	} else {
		/* written by name (libxlsxwriter): sync it the same way */
		r = chmod(o->tmp, o->mode) || sync_path(o->tmp, 0);
		e = errno;
	}
	if (r) {
		log_error("cannot write '%s': %s", o->path, strerror(e ? e : EIO));
		goto fail;
	}
	if (rename(o->tmp, o->path)) {
		log_error("cannot create '%s': %s", o->path, strerror(errno));
		goto fail;
	}
	free(o->tmp);
	o->tmp = NULL;
	/* make the rename itself durable; failing here loses nothing written */
	(void)sync_path(o->dir, O_DIRECTORY);
	release(o);
	outfile_free(o);
	return DK_OK;
fail:
	outfile_abort(o);
	return DK_CANTCREAT;
}

int outfile_expand(const char *pattern, const struct outfile_var *vars, size_t nvars,
		   char **out)
{
	char *buf = NULL;
	size_t len = 0, i;
	FILE *f = open_memstream(&buf, &len);
	const char *p, *close;

	*out = NULL;
	if (!f) {
		log_error("out of memory");
		return DK_SOFTWARE;
	}
	for (p = pattern; *p; p++) {
		if (*p != '{' || !(close = strchr(p, '}'))) {
			fputc(*p, f);
			continue;
		}
		for (i = 0; i < nvars; i++)
			if (strlen(vars[i].name) == (size_t)(close - p - 1) &&
			    !strncmp(p + 1, vars[i].name, (size_t)(close - p - 1)))
				break;
		if (i == nvars) {
			fclose(f);
			free(buf);
			log_error("--output: unknown placeholder '%.*s'", (int)(close - p + 1), p);
			if (nvars) {
				char known[256] = "";

				for (i = 0; i < nvars; i++)
					snprintf(known + strlen(known), sizeof(known) - strlen(known),
						 "%s{%s}", i == 0 ? "" : i + 1 == nvars ? " or " : ", ",
						 vars[i].name);
				log_hint("use %s", known);
			}
			return DK_USAGE;
		}
		fputs(vars[i].value, f);
		p = close;
	}
	if (fclose(f) || !buf) {
		free(buf);
		log_error("out of memory");
		return DK_SOFTWARE;
	}
	*out = buf;
	return DK_OK;
}
