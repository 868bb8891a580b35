/* Validated loading of a CSV file into a relation (SPEC sections 2 and 8). */
#ifndef DIDKPI_LOAD_H
#define DIDKPI_LOAD_H

#include "db.h"
#include "relation.h"

struct load_stats;

struct load_options {
	const struct relation *rel;
	const char *path;          /* the CSV file, "-" for standard input */
	const char *tz;            /* time zone of offset-less timestamps */
	long max_errors;           /* rejected rows tolerated; more loads nothing */
	const char *rejects_path;  /* NULL: PATH.rejects.csv, or RELATION.rejects.csv for "-" */
	const char *keyfile;       /* --pseudonymize: HMAC key for raw national IDs, or NULL */
	int progress;              /* show progress on stderr */
	int allow_future;          /* load timestamps over a day ahead, years after 2400 */
	/* Called with the final counts just before COMMIT, or NULL: a nonzero
	 * return rolls the load back and is what load_run() returns. */
	int (*before_commit)(const struct load_stats *stats, void *arg);
	void *arg;
};

struct load_stats {
	long read;       /* data rows read (the header excluded) */
	long loaded;     /* rows inserted */
	long duplicate;  /* rows already present with identical content */
	long rejected;   /* rows that break a rule */
	int committed;   /* 1 when the rows were loaded */
	char rejects_file[4096]; /* where rejects were written, "" if none */
};

/*
 * load_run() validates every row of the file and, in one transaction,
 * loads the good ones through COPY and a staging table: duplicates by
 * primary key are counted and not inserted, and when more than max_errors
 * rows are rejected nothing is loaded. Rejected rows go to the rejects file
 * as "line,reason,<the row's fields>" and the first few to stderr.
 * Returns DK_OK (stats filled in); DK_DATAERR when rows were rejected
 * beyond max_errors or the file is not valid CSV (nothing loaded);
 * DK_USAGE for a bad time zone or key file; DK_UNAVAILABLE when the
 * database goes away; DK_CANTCREAT when the rejects file cannot be written
 * or, before anything is read, when its path is the input itself, a
 * symbolic link or not a regular file. The transaction commits with
 * synchronous_commit on, so DK_OK means the rows survive a server crash.
 * Memory stays bounded whatever the number of rows, rejected ones included.
 */
int load_run(struct db *db, const struct load_options *o, struct load_stats *stats);

#endif
