/* The one place that talks to libpq. */
#ifndef DIDKPI_DB_H
#define DIDKPI_DB_H

#include <stddef.h>
#include <libpq-fe.h>

struct db;

/* How long to wait for the server, and how often to retry connecting. */
struct db_options {
	int timeout; /* seconds the server may take to answer one request
		      * (connect, query, COPY data); 0: no limit */
	int retries; /* connection attempts after the first, with backoff */
};

/* The defaults: DB_TIMEOUT_DEFAULT for answers, at most
 * DB_CONNECT_TIMEOUT for connecting, no retries. */
#define DB_TIMEOUT_DEFAULT 900
#define DB_CONNECT_TIMEOUT 10

/*
 * db_connect() opens a connection. conninfo is a libpq conninfo string or
 * URI (the -d/--dbname option) or NULL; then DIDKPI_DB; then, when any of
 * PGHOST, PGHOSTADDR, PGDATABASE or PGSERVICE is set, libpq's own defaults;
 * else the private cluster of cluster_dir() (see cluster.h).
 * Right after connecting the search_path is emptied, so every SQL text
 * names its schema, and client_connection_check_interval is set (when the
 * server has it and nobody set it), so a backend whose client died stops
 * its query and releases its locks.
 * A conninfo from the command line that mentions a password (even one
 * that does not parse) is refused with DK_USAGE: every user can read argv.
 * Connecting waits at most DB_CONNECT_TIMEOUT seconds (or opts->timeout
 * when shorter) unless the conninfo names connect_timeout or
 * PGCONNECT_TIMEOUT is set. A failure to reach the server (no answer,
 * refused, starting up) is retried opts->retries times after 1, 2, 4 ...
 * (at most 60) seconds; an answer that refuses us (authentication, no such
 * database) is not. Every later request on the connection waits at most
 * opts->timeout seconds for the server: on expiry it prints "the server
 * did not answer within N s" and returns DK_UNAVAILABLE, and the
 * connection is then unusable (later calls fail at once, db_close() does
 * not wait). opts NULL means the defaults. Returns DK_OK and *out, or
 * DK_UNAVAILABLE after printing why. Free with db_close().
 */
int db_connect_opts(const char *conninfo, const struct db_options *opts,
		    struct db **out);
int db_connect(const char *conninfo, struct db **out);

/*
 * A second session to the database db is connected to: db_like() copies
 * the options libpq resolved for db (the server it reached, database,
 * user, password from the environment or the password file) and db's
 * timeout, NULL when out of memory; db_like_connect() connects with them
 * and sets the session up as db_connect() does. It prints nothing: on
 * failure it returns DK_UNAVAILABLE with *why (malloc'd, may be NULL)
 * saying why, and the caller decides whether that is an error. Another
 * thread may run db_like_connect() while db runs queries.
 */
struct db_like;
struct db_like *db_like(struct db *db);
int db_like_connect(const struct db_like *l, struct db **out, char **why);
void db_like_free(struct db_like *l);

/*
 * db_abandon() gives up db's work from another thread: it cancels the
 * query running on it, and every request on it from then on fails at
 * once with DK_UNAVAILABLE, printing nothing (the thread that gave it up
 * says why). db stays to be closed by its owner.
 */
void db_abandon(struct db *db);

/*
 * db_export_snapshot() exports the snapshot of db's open repeatable-read
 * transaction (pg_export_snapshot) and returns its identifier in *id
 * (free it); db_begin_imported() begins on another session a read-only
 * transaction that sees exactly that snapshot. The exporting transaction
 * must stay open until the import is done.
 */
int db_export_snapshot(struct db *db, char **id);
int db_begin_imported(struct db *db, const char *id);

/* db_close() stops any running query and closes without waiting on a
 * server that stopped answering; NULL is fine. */
void db_close(struct db *db);

/*
 * db_query() runs the SQL section KEY of sql/ ("kpi.sql#requests", see
 * sqlres.h) with text parameters (NULL = SQL NULL). On success returns
 * DK_OK and the result in *res (free with PQclear) when res is not NULL.
 * On failure prints the server's message and the query's name, clears
 * everything and returns DK_UNAVAILABLE when the connection is gone, the
 * server did not answer in time or cancelled the statement (SQLSTATE
 * classes 08, 57), DK_DATAERR for data exceptions (classes 22 and 23),
 * DK_NOPERM for a missing privilege (42501, class 28: the message names
 * the object, a hint names the roles of sql/roles.sql) and DK_SOFTWARE
 * otherwise.
 */
int db_query(struct db *db, const char *key, int nparams,
	     const char *const *params, PGresult **res);

/* db_query_binary() is db_query() with every column of the result in
 * PostgreSQL's binary format (PQgetvalue() then gives the type's send
 * representation, PQgetlength() its size): for arrays of numbers, whose
 * text the server takes longer to write than to compute. */
int db_query_binary(struct db *db, const char *key, int nparams,
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

/* db_copy_end_tolerant() finishes a COPY like db_copy_end(); a failure
 * whose SQLSTATE starts with sqlclass (e.g. "23", integrity constraint
 * violations) sets *hit, prints nothing and returns DK_OK. */
int db_copy_end_tolerant(struct db *db, const char *sqlclass, int *hit, long *rows);

/* db_set_timezone() sets the session TimeZone (validated by the server);
 * DK_USAGE for an unknown zone. */
int db_set_timezone(struct db *db, const char *tz);

/* An integer cell's text (an optional '-' and digits, as the server
 * writes int4 and int8) as strtoll(s, NULL, 10) reads it, without its
 * locale and base handling: a report reads millions of them. */
long long db_int(const char *s);

/* Values of one result cell: db_get() returns NULL for SQL NULL. */
const char *db_get(const PGresult *res, int row, int col);

#endif
