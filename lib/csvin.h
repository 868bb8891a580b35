/* Streaming RFC 4180 input through libcsv, with line numbers. */
#ifndef DIDKPI_CSVIN_H
#define DIDKPI_CSVIN_H

#include <stddef.h>
#include <stdio.h>

/* The longest field accepted, in bytes: memory stays bounded by this. */
#define CSVIN_FIELD_MAX (64 * 1024)
/* The most fields in one record. */
#define CSVIN_FIELDS_MAX 256

struct csvin_field {
	const char *s;   /* NUL-terminated copy; may itself contain NUL bytes */
	size_t n;        /* length; 0 for an empty field */
};

struct csvin_record {
	long line;       /* the line the record starts on, from 1 */
	int nfields;     /* fields kept in f, at most CSVIN_FIELDS_MAX */
	int too_many;    /* more than CSVIN_FIELDS_MAX fields: the rest dropped */
	long total;      /* fields in the record, the dropped ones included */
	struct csvin_field f[CSVIN_FIELDS_MAX];
};

/*
 * Called for each record, the header included. Return 0 to go on, or a
 * nonzero status to stop reading (csvin_read() returns it).
 */
typedef int (*csvin_fn)(const struct csvin_record *rec, void *arg);

/*
 * csvin_read() reads f to its end: a UTF-8 BOM at the start is skipped,
 * records end at LF, CRLF or CR (lines are counted for each), and empty
 * lines between records are skipped. The last record may lack its newline
 * only when f is a regular file read to its end (its offset then equals its
 * size) or a memory stream: from a pipe, a terminal or a socket that is
 * what a producer cut off mid-row leaves, and it is an error (DK_DATAERR,
 * "NAME:LINE: the input ends inside a record ...") before the record
 * reaches fn. name is the file's name for messages.
 * Returns DK_OK; DK_DATAERR after printing "NAME:LINE: why" for a quote
 * that is never closed, a stray quote, a field over CSVIN_FIELD_MAX or an
 * empty (0-byte) file; DK_SOFTWARE/DK_CANTCREAT-free read errors as
 * DK_DATAERR too; or whatever fn returned.
 * *lines receives the number of lines read when not NULL.
 */
int csvin_read(FILE *f, const char *name, csvin_fn fn, void *arg, long *lines);

#endif
