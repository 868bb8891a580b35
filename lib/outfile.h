/* Output files that appear whole or not at all, never through a symlink. */
#ifndef DIDKPI_OUTFILE_H
#define DIDKPI_OUTFILE_H

#include <stdio.h>

struct outfile;

/*
 * outfile_open() begins writing the file path atomically. It
 *   - refuses (DK_CANTCREAT, with a message) a path that exists and is a
 *     symbolic link or not a regular file (a device, a directory, a FIFO);
 *   - takes the lock ".NAME.lock" beside path (opened without following a
 *     symlink, flock()ed): a second writer of the same path fails at once
 *     with DK_CANTCREAT; a dead holder holds nothing (flock dies with it);
 *   - holding the lock, removes what a killed run left beside path: its
 *     private directories ".NAME.tmp-XXXXXX" (when they are ours), and the
 *     temporary files of earlier versions, ".NAME.XXXXXX" and (mode 0600)
 *     "NAME.XXXXXX", regular files of ours whose suffix is not all
 *     lower-case letters (".NAME.backup" is a person's, and is kept);
 *   - makes a private directory ".NAME.tmp-XXXXXX" (mode 0700) beside path
 *     and creates the file "data" in it with O_EXCL | O_NOFOLLOW, so
 *     nobody else can plant or swap anything where the data is written;
 *   - registers the lock and the temporary file with interrupt_track(), so
 *     SIGINT/TERM/HUP remove them.
 * A NAME too long for the hidden names within NAME_MAX (255 bytes) is
 * shortened to its first bytes (cut between UTF-8 characters), "~" and a
 * 64-bit FNV-1a hash of the full name. The new file gets the replaced file's mode,
 * or 0666 minus the umask. Returns DK_OK and *out, or a status after
 * printing why.
 */
int outfile_open(const char *path, struct outfile **out);

/* outfile_stream() is the stdio stream of the temporary file (binary). */
FILE *outfile_stream(struct outfile *o);

/*
 * outfile_temp_path() is the temporary file's name, for a library that
 * writes by name (libxlsxwriter): it lies in the private directory, so
 * opening it by name is safe. Close the stream first (outfile_close_stream)
 * when the library rewrites the file.
 */
const char *outfile_temp_path(const struct outfile *o);
void outfile_close_stream(struct outfile *o);

/*
 * outfile_commit() flushes, fsyncs and closes the file, renames it over
 * path, syncs the directory, removes the private directory and the lock,
 * and frees o. Returns DK_OK, or DK_CANTCREAT after printing why (the
 * temporary file is then removed and path untouched).
 */
int outfile_commit(struct outfile *o);

/* outfile_abort() removes everything outfile_open() made and frees o;
 * NULL is fine. path is untouched. */
void outfile_abort(struct outfile *o);

/* outfile_path() is the destination given to outfile_open(). */
const char *outfile_path(const struct outfile *o);

/* A placeholder of an output name: {name} becomes value. */
struct outfile_var {
	const char *name;  /* without braces: "period" */
	const char *value;
};

/*
 * outfile_expand() replaces each {NAME} in pattern by the value of the
 * variable NAME among vars[0..nvars) (an output name like
 * "didkpi-{period}.csv" given to a cron job). A "{" that does not start a
 * "{...}" is kept as it is. Returns DK_OK and *out (malloc'd); DK_USAGE
 * after a message naming an unknown {name} and the known ones;
 * DK_SOFTWARE when memory runs out.
 */
int outfile_expand(const char *pattern, const struct outfile_var *vars, size_t nvars,
		   char **out);

#endif
