/* The one place that talks to libpq. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cluster.h"
#include "db.h"
#include "interrupt.h"
#include "log.h"
#include "sqlres.h"
#include "status.h"

struct db {
	PGconn *conn;
	PGcancel *cancel; /* registered with interrupt: a signal cancels the query */
};

/* Libpq's messages end in a newline; ours must not. */
static void log_pq_message(const char *what, const char *msg)
{
	size_t n = msg ? strlen(msg) : 0;

	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		n--;
	log_error("%s: %.*s", what, (int)n, msg ? msg : "");
}

static int env_set(const char *name)
{
	const char *v = getenv(name);

	return v && *v;
}

/* The notice processor: server NOTICEs go to stderr only with -v. */
static void db_notice(void *arg, const char *msg)
{
	(void)arg;
	if (log_verbose)
		fputs(msg, stderr);
}

/* 1 when a conninfo string or URI carries a password. */
static int has_password(const char *conninfo)
{
	PQconninfoOption *opts = PQconninfoParse(conninfo, NULL), *o;
	int found = 0;

	for (o = opts; o && o->keyword; o++)
		if (!strcmp(o->keyword, "password") && o->val && *o->val)
			found = 1;
	PQconninfoFree(opts);
	return found;
}

int db_connect(const char *conninfo, struct db **out)
{
	const char *keys[6], *vals[6];
	char *dir = NULL, *sock = NULL;
	struct db *db = NULL;
	PGresult *res;
	int n = 0, st = DK_UNAVAILABLE;

	*out = NULL;
	/* A password on the command line is visible to every user in ps. */
	if (conninfo && has_password(conninfo)) {
		log_error("refusing a password on the command line: every user of this "
			  "machine can read it");
		log_hint("put it in ~/.pgpass (or the file PGPASSFILE names), or use a "
			 "service file (PGSERVICE)");
		return DK_USAGE;
	}
	if (!conninfo && env_set("DIDKPI_DB"))
		conninfo = getenv("DIDKPI_DB");
	if (conninfo) {
		keys[n] = "dbname";
		vals[n++] = conninfo;
	} else if (!env_set("PGHOST") && !env_set("PGHOSTADDR") &&
		   !env_set("PGDATABASE") && !env_set("PGSERVICE")) {
		dir = cluster_dir();
		sock = dir ? cluster_socket_dir(dir) : NULL;
		if (!sock) {
			log_error("cannot connect: out of memory");
			goto out;
		}
		if (!cluster_is_running(dir)) {
			log_error("cannot connect: no database configured and the "
				  "private cluster in %s is not running", dir);
			log_hint("start it with 'didkpi db start', or name a "
				 "database with -d/--dbname or DIDKPI_DB");
			goto out;
		}
		keys[n] = "host";
		vals[n++] = sock;
		keys[n] = "dbname";
		vals[n++] = CLUSTER_DBNAME;
		keys[n] = "user";
		vals[n++] = CLUSTER_USER;
	}
	keys[n] = "fallback_application_name";
	vals[n++] = "didkpi";
	keys[n] = NULL;
	vals[n] = NULL;

	db = calloc(1, sizeof(*db));
	if (!db) {
		log_error("cannot connect: out of memory");
		goto out;
	}
	db->conn = PQconnectdbParams(keys, vals, 1);
	if (!db->conn || PQstatus(db->conn) != CONNECTION_OK) {
		log_pq_message("cannot connect to the database",
			       db->conn ? PQerrorMessage(db->conn) : "out of memory");
		goto out;
	}
	PQsetNoticeProcessor(db->conn, db_notice, NULL);
	/* As PostgreSQL's own client programs do: no schema is searched
	 * implicitly, so objects created by others cannot capture our names. */
	res = PQexec(db->conn, "SELECT pg_catalog.set_config('search_path', '', false)");
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		log_pq_message("cannot set search_path", PQerrorMessage(db->conn));
		PQclear(res);
		goto out;
	}
	PQclear(res);
	if ((db->cancel = PQgetCancel(db->conn)))
		interrupt_set_cancel(db->cancel);
	*out = db;
	db = NULL;
	st = DK_OK;
out:
	db_close(db);
	free(sock);
	free(dir);
	return st;
}

void db_close(struct db *db)
{
	PGcancel *cancel;
	char buf[256];

	if (!db)
		return;
	if (db->cancel) {
		interrupt_set_cancel(NULL);
		PQfreeCancel(db->cancel);
	}
	if (db->conn && PQtransactionStatus(db->conn) == PQTRANS_ACTIVE) {
		cancel = PQgetCancel(db->conn);
		if (cancel) {
			(void)PQcancel(cancel, buf, sizeof(buf));
			PQfreeCancel(cancel);
		}
	}
	PQfinish(db->conn);
	free(db);
}

/* Map a failed result to our status, printing the message. */
static int db_fail(struct db *db, const char *label, PGresult *res)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = res ? PQresultErrorMessage(res) : PQerrorMessage(db->conn);
	const char *detail = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL) : NULL;
	char what[160];
	int st = DK_SOFTWARE;

	if (PQstatus(db->conn) != CONNECTION_OK ||
	    (state && (!strncmp(state, "08", 2) || !strncmp(state, "57P", 3))))
		st = DK_UNAVAILABLE;
	else if (state && (!strncmp(state, "22", 2) || !strncmp(state, "23", 2)))
		st = DK_DATAERR;
	snprintf(what, sizeof(what), "query '%s' failed", label);
	if (res && PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY))
		log_error("%s: %s", what, PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY));
	else
		log_pq_message(what, msg && *msg ? msg : PQerrorMessage(db->conn));
	if (detail)
		log_detail("%s", detail);
	PQclear(res);
	return st;
}

int db_query_text(struct db *db, const char *label, const char *sql,
		  int nparams, const char *const *params, PGresult **res)
{
	PGresult *r;
	ExecStatusType est;

	if (res)
		*res = NULL;
	r = PQexecParams(db->conn, sql, nparams, NULL, params, NULL, NULL, 0);
	est = PQresultStatus(r);
	if (est != PGRES_TUPLES_OK && est != PGRES_COMMAND_OK)
		return db_fail(db, label, r);
	if (res)
		*res = r;
	else
		PQclear(r);
	return DK_OK;
}

int db_query_tolerant(struct db *db, const char *label, const char *sql,
		      const char *sqlstate, int *hit, PGresult **res)
{
	PGresult *r;
	ExecStatusType est;
	const char *state;

	*hit = 0;
	if (res)
		*res = NULL;
	r = PQexecParams(db->conn, sql, 0, NULL, NULL, NULL, NULL, 0);
	est = PQresultStatus(r);
	if (est != PGRES_TUPLES_OK && est != PGRES_COMMAND_OK) {
		state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
		if (state && !strcmp(state, sqlstate) && PQstatus(db->conn) == CONNECTION_OK) {
			*hit = 1;
			PQclear(r);
			return DK_OK;
		}
		return db_fail(db, label, r);
	}
	if (res)
		*res = r;
	else
		PQclear(r);
	return DK_OK;
}

int db_query_each(struct db *db, const char *label, const char *sql,
		  int nparams, const char *const *params,
		  int (*fn)(const PGresult *res, int row, void *arg), void *arg, long *nrows)
{
	PGresult *r;
	ExecStatusType est;
	char buf[256];
	long n = 0;
	int st = DK_OK, i;

	if (nrows)
		*nrows = 0;
	if (!PQsendQueryParams(db->conn, sql, nparams, NULL, params, NULL, NULL, 0))
		return db_fail(db, label, NULL);
	/* Should it fail, the rows come in one result: slower, still right. */
	(void)PQsetSingleRowMode(db->conn);
	while ((r = PQgetResult(db->conn)) != NULL) {
		est = PQresultStatus(r);
		if (est != PGRES_SINGLE_TUPLE && est != PGRES_TUPLES_OK && est != PGRES_COMMAND_OK) {
			/* after our own cancel the error is expected: ours wins */
			if (st == DK_OK)
				st = db_fail(db, label, r);
			else
				PQclear(r);
			continue;
		}
		for (i = 0; st == DK_OK && i < PQntuples(r); i++) {
			if ((st = fn(r, i, arg)) == DK_OK)
				n++;
			else if (db->cancel) /* no more wanted: stop the server sending */
				(void)PQcancel(db->cancel, buf, sizeof(buf));
		}
		PQclear(r);
	}
	if (nrows)
		*nrows = n;
	return st;
}

int db_query(struct db *db, const char *key, int nparams,
	     const char *const *params, PGresult **res)
{
	const char *sql = sqlres_get(key);

	if (res)
		*res = NULL;
	if (!sql) {
		log_error("internal error: no SQL named '%s'", key);
		return DK_SOFTWARE;
	}
	return db_query_text(db, key, sql, nparams, params, res);
}

int db_script(struct db *db, const char *key)
{
	const char *sql = sqlres_get(key);
	PGresult *r;

	if (!sql) {
		log_error("internal error: no SQL named '%s'", key);
		return DK_SOFTWARE;
	}
	/* A script has no parameters; PQexec is needed for several statements. */
	r = PQexec(db->conn, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
		return db_fail(db, key, r);
	PQclear(r);
	return DK_OK;
}

static int db_simple(struct db *db, const char *sql)
{
	return db_query_text(db, sql, sql, 0, NULL, NULL);
}

int db_begin_snapshot(struct db *db)
{
	return db_simple(db, "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY");
}

int db_begin(struct db *db)
{
	return db_simple(db, "BEGIN");
}

int db_commit(struct db *db)
{
	return db_simple(db, "COMMIT");
}

void db_rollback(struct db *db)
{
	PGresult *r;

	if (!db || PQstatus(db->conn) != CONNECTION_OK ||
	    PQtransactionStatus(db->conn) == PQTRANS_IDLE)
		return;
	r = PQexec(db->conn, "ROLLBACK");
	PQclear(r);
}

char *db_quote_ident(struct db *db, const char *ident)
{
	char *q = PQescapeIdentifier(db->conn, ident, strlen(ident));
	char *copy;

	if (!q) {
		log_pq_message("cannot quote identifier", PQerrorMessage(db->conn));
		return NULL;
	}
	/* Callers free with free(), not PQfreemem(). */
	copy = strdup(q);
	PQfreemem(q);
	if (!copy)
		log_error("out of memory");
	return copy;
}

int db_copy_begin(struct db *db, const char *label, const char *sql)
{
	PGresult *r = PQexec(db->conn, sql);

	if (PQresultStatus(r) != PGRES_COPY_IN)
		return db_fail(db, label, r);
	PQclear(r);
	return DK_OK;
}

int db_copy_put(struct db *db, const char *buf, size_t len)
{
	if (PQputCopyData(db->conn, buf, (int)len) != 1) {
		log_pq_message("cannot send COPY data", PQerrorMessage(db->conn));
		return DK_UNAVAILABLE;
	}
	return DK_OK;
}

int db_copy_end(struct db *db, const char *abort_msg, long *rows)
{
	PGresult *r;
	int st = DK_OK;

	if (PQputCopyEnd(db->conn, abort_msg) != 1) {
		log_pq_message("cannot finish COPY", PQerrorMessage(db->conn));
		return DK_UNAVAILABLE;
	}
	while ((r = PQgetResult(db->conn)) != NULL) {
		if (PQresultStatus(r) != PGRES_COMMAND_OK) {
			if (abort_msg) {
				PQclear(r);
				st = DK_DATAERR;
				continue;
			}
			st = db_fail(db, "copy", r);
			continue;
		}
		if (rows)
			*rows = strtol(PQcmdTuples(r), NULL, 10);
		PQclear(r);
	}
	return st;
}

int db_set_timezone(struct db *db, const char *tz)
{
	const char *p[1] = { tz };
	PGresult *r;

	r = PQexecParams(db->conn, "SELECT pg_catalog.set_config('TimeZone', $1, false)",
			 1, NULL, p, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		if (PQstatus(db->conn) != CONNECTION_OK)
			return db_fail(db, "set time zone", r);
		PQclear(r);
		log_error("invalid time zone '%s'", tz);
		log_hint("use an IANA name such as Asia/Bangkok or UTC");
		return DK_USAGE;
	}
	PQclear(r);
	return DK_OK;
}

const char *db_get(const PGresult *res, int row, int col)
{
	if (PQgetisnull(res, row, col))
		return NULL;
	return PQgetvalue(res, row, col);
}
