/* The one place that talks to libpq. */
#ifndef DIDKPI_DB_H
#define DIDKPI_DB_H

#include <stddef.h>
#include <libpq-fe.h>

struct db;

/*
 * db_connect() opens a connection. conninfo is a libpq conninfo string or
 * URI (the -d/--dbname option) or NULL; then DIDKPI_DB; then, when any of
 * PGHOST, PGHOSTADDR, PGDATABASE or PGSERVICE is set, libpq's own defaults;
 * else the private cluster of cluster_dir() (see cluster.h).
 * Right after connecting the search_path is emptied, so every SQL text
 * names its schema. A conninfo from the command line that holds a
 * password is refused with DK_USAGE: every user can read argv. Returns
 * DK_OK and *out, or DK_UNAVAILABLE after printing why. Free with
 * db_close().
 */
int db_connect(const char *conninfo, struct db **out);

/* db_close() cancels any running query and closes; NULL is fine. */
void db_close(struct db *db);

/*
 * db_query() runs the SQL section KEY of sql/ ("kpi.sql#requests", see
 * sqlres.h) with text parameters (NULL = SQL NULL). On success returns
 * DK_OK and the result in *res (free with PQclear) when res is not NULL.
 * On failure prints the server's message and the query's name, clears
 * everything and returns DK_UNAVAILABLE when the connection is gone,
 * DK_DATAERR for data exceptions (SQLSTATE classes 22 and 23) and
 * DK_SOFTWARE otherwise.
 */
int db_query(struct db *db, const char *key, int nparams,
	     const char *const *params, PGresult **res);

/* db_query_text() is db_query() for SQL text built by the caller; label
 * names it in messages. */
int db_query_text(struct db *db, const char *label, const char *sql,
		  int nparams, const char *const *params, PGresult **res);

/*
 * db_query_tolerant() is db_query_text() for a statement that may fail with
 * one expected SQLSTATE (e.g. "23505", unique_violation): that failure sets
 * *hit, prints nothing and returns DK_OK; any other is reported as usual.
 */
int db_query_tolerant(struct db *db, const char *label, const char *sql,
		      const char *sqlstate, int *hit, PGresult **res);

/*
 * db_query_each() runs sql (label names it in messages) and hands its rows
 * to fn one at a time as they arrive (libpq's single-row mode), so that a
 * result of any size takes constant memory: fn(res, row, arg) reads row
 * row of res, valid during the call only. A nonzero return from fn cancels
 * the query, discards the rest and is returned. *nrows (when not NULL)
 * receives the number of rows fn accepted. Errors as db_query().
 */
int db_query_each(struct db *db, const char *label, const char *sql,
		  int nparams, const char *const *params,
		  int (*fn)(const PGresult *res, int row, void *arg), void *arg, long *nrows);

/* db_script() runs a parameterless multi-statement SQL file KEY. */
int db_script(struct db *db, const char *key);

/* db_begin_snapshot() starts the one REPEATABLE READ, READ ONLY
 * transaction a report runs in; db_begin() a read-write transaction. */
int db_begin_snapshot(struct db *db);
int db_begin(struct db *db);
int db_commit(struct db *db);
/* db_rollback() never fails loudly: it is used on error paths. */
void db_rollback(struct db *db);

/*
 * db_quote_ident() returns the identifier quoted for SQL (malloc'd, free
 * with free()), or NULL after printing why.
 */
char *db_quote_ident(struct db *db, const char *ident);

/*
 * COPY FROM STDIN: db_copy_begin() runs the COPY statement sql (label for
 * messages), db_copy_put() sends bytes, db_copy_end() finishes (error
 * message NULL) or aborts (with a message) and returns the server's verdict;
 * *rows receives the row count when not NULL.
 */
int db_copy_begin(struct db *db, const char *label, const char *sql);
int db_copy_put(struct db *db, const char *buf, size_t len);
int db_copy_end(struct db *db, const char *abort_msg, long *rows);

/* db_set_timezone() sets the session TimeZone (validated by the server);
 * DK_USAGE for an unknown zone. */
int db_set_timezone(struct db *db, const char *tz);

/* Values of one result cell: db_get() returns NULL for SQL NULL. */
const char *db_get(const PGresult *res, int row, int col);

#endif
