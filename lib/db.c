/* The one place that talks to libpq. */
#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "cluster.h"
#include "db.h"
#include "interrupt.h"
#include "log.h"
#include "period.h"
#include "sqlres.h"
#include "status.h"

#define RETRY_MAX_WAIT 60 /* seconds between connection attempts, at most */

struct db {
	PGconn *conn;
	PGcancel *cancel; /* registered with interrupt: a signal cancels the query */
	int cancel_slot;  /* interrupt_add_cancel()'s, -1: none */
	int timeout;      /* seconds an answer may take, 0: no limit */
	int dead;         /* the server stopped answering: do not wait again */
	int checks_client; /* the server stops our query if we go away */
	atomic_int abandoned; /* db_abandon(): fail at once, say nothing */
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

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The notice processor: server NOTICEs go to stderr only with -v. */
static void db_notice(void *arg, const char *msg)
{
	(void)arg;
	if (log_verbose)
		fputs(msg, stderr);
}

/* The value of keyword in a conninfo string or URI, malloc'd; NULL when
 * absent, empty or when conninfo does not parse. */
static char *conninfo_value(const char *conninfo, const char *keyword)
{
	PQconninfoOption *opts = PQconninfoParse(conninfo, NULL), *o;
	char *v = NULL;

	for (o = opts; o && o->keyword; o++)
		if (!strcmp(o->keyword, keyword) && o->val && *o->val)
			v = strdup(o->val);
	PQconninfoFree(opts);
	return v;
}

/*
 * 1 when a conninfo string or URI carries a password. The text is searched
 * as well as parsed: a conninfo with a typo does not parse, and its
 * password is on argv all the same.
 */
static int has_password(const char *conninfo)
{
	const char *p, *end, *at;
	char *v = conninfo_value(conninfo, "password");

	free(v);
	if (v)
		return 1;
	for (p = conninfo; (p = strcasestr(p, "password")) != NULL; p += 8) {
		const char *q = p + 8;

		while (isspace((unsigned char)*q))
			q++;
		if (*q == '=')
			return 1;
	}
	/* scheme://user:password@host/... */
	if ((p = strstr(conninfo, "://")) != NULL) {
		p += 3;
		end = p + strcspn(p, "/?");
		at = memchr(p, '@', (size_t)(end - p));
		if (at && memchr(p, ':', (size_t)(at - p)))
			return 1;
	}
	return 0;
}

/* Wait until the socket can be read (or written, when for_write) or the
 * deadline passes: DK_OK, or DK_UNAVAILABLE (not printed) with errno
 * ETIMEDOUT for the deadline. */
static int db_wait(struct db *db, int for_write, double deadline)
{
	struct pollfd p;
	double left;
	int ms, r;

	p.fd = PQsocket(db->conn);
	p.events = POLLIN | (for_write ? POLLOUT : 0);
	if (p.fd < 0) {
		errno = EBADF;
		return DK_UNAVAILABLE;
	}
	for (;;) {
		ms = -1;
		if (db->timeout > 0) {
			left = deadline - now_seconds();
			if (left <= 0) {
				errno = ETIMEDOUT;
				return DK_UNAVAILABLE;
			}
			ms = (int)(left * 1000) + 1;
		}
		r = poll(&p, 1, ms);
		if (r > 0)
			return DK_OK;
		if (r < 0 && errno != EINTR)
			return DK_UNAVAILABLE;
	}
}

static double db_deadline(const struct db *db)
{
	return db->timeout > 0 ? now_seconds() + db->timeout : 0;
}

/* Report a request that failed for want of an answer (or a connection). */
static int db_lost(struct db *db, const char *label)
{
	char what[160];

	if (atomic_load(&db->abandoned))
		return DK_UNAVAILABLE;
	snprintf(what, sizeof(what), "query '%s'", label);
	if (errno == ETIMEDOUT) {
		db->dead = 1;
		log_error("%s: the server did not answer within %d s", what, db->timeout);
		log_hint("the server may be stopped or overloaded; a longer --timeout "
			 "(or DIDKPI_TIMEOUT) waits longer, 0 for ever");
	} else if (db->dead) {
		log_error("%s: the connection was abandoned after an earlier timeout", what);
	} else {
		log_pq_message(what, PQerrorMessage(db->conn));
	}
	return DK_UNAVAILABLE;
}

/* Send what libpq holds for the server, within the deadline. */
static int db_flush(struct db *db, double deadline)
{
	int r;

	while ((r = PQflush(db->conn)) != 0) {
		if (r < 0 || db_wait(db, 1, deadline))
			return DK_UNAVAILABLE;
		/* libpq: read what the server sent, or it may block us both */
		if (!PQconsumeInput(db->conn))
			return DK_UNAVAILABLE;
	}
	return DK_OK;
}

/*
 * Collect the results of the request just sent, as PQexec() does (the
 * first error, else the last result; a COPY start at once), waiting at
 * most the timeout for each. Returns DK_OK and *out (any status), or
 * DK_UNAVAILABLE after printing why.
 */
static int db_collect(struct db *db, const char *label, double deadline, PGresult **out)
{
	PGresult *r, *keep = NULL;
	ExecStatusType est;

	*out = NULL;
	errno = 0;
	if (db_flush(db, deadline))
		goto lost;
	for (;;) {
		while (PQisBusy(db->conn)) {
			if (db_wait(db, 0, deadline) || !PQconsumeInput(db->conn))
				goto lost;
		}
		if (!(r = PQgetResult(db->conn)))
			break;
		est = PQresultStatus(r);
		if (est == PGRES_COPY_IN || est == PGRES_COPY_OUT || est == PGRES_COPY_BOTH) {
			PQclear(keep);
			*out = r;
			return DK_OK;
		}
		if (keep && (PQresultStatus(keep) == PGRES_FATAL_ERROR ||
			     PQresultStatus(keep) == PGRES_NONFATAL_ERROR)) {
			PQclear(r);
			continue;
		}
		PQclear(keep);
		keep = r;
		/* a new deadline for each answer */
		deadline = db_deadline(db);
	}
	if (!keep) {
		errno = 0;
		goto lost;
	}
	*out = keep;
	return DK_OK;
lost:
	PQclear(keep);
	return db_lost(db, label);
}

/*
 * Send sql (with parameters when nparams >= 0, else as a possibly
 * multi-statement script) and collect its result: DK_OK and *out, or
 * DK_UNAVAILABLE after printing why.
 */
static int db_exec_as(struct db *db, const char *label, const char *sql, int nparams,
		      const char *const *params, int binary, PGresult **out)
{
	double deadline = db_deadline(db);
	int sent;

	*out = NULL;
	if (db->dead || atomic_load(&db->abandoned)) {
		errno = 0;
		return db_lost(db, label);
	}
	if (nparams >= 0)
		sent = PQsendQueryParams(db->conn, sql, nparams, NULL, params, NULL, NULL, binary);
	else
		sent = PQsendQuery(db->conn, sql);
	if (!sent) {
		errno = 0;
		return db_lost(db, label);
	}
	return db_collect(db, label, deadline, out);
}

static int db_exec(struct db *db, const char *label, const char *sql, int nparams,
		   const char *const *params, PGresult **out)
{
	return db_exec_as(db, label, sql, nparams, params, 0, out);
}

/* One connection attempt. Returns the connection, or NULL with *why (a
 * malloc'd message) and *retry set when trying again may help: the server
 * did not answer within ct seconds, refused the connection, or is
 * starting or stopping (an answer that rejects us is final). */
static PGconn *db_try(const char *const *keys, const char *const *vals, int expand,
		      int ct, char **why, int *retry)
{
	double t0 = now_seconds();
	PGconn *conn = PQconnectdbParams(keys, vals, expand);
	const char *msg;
	size_t n;
	PGPing ping;

	*why = NULL;
	*retry = 0;
	if (conn && PQstatus(conn) == CONNECTION_OK)
		return conn;
	/* A server that was starting up when it refused us and accepts
	 * connections now: the answer was not final, so one more attempt at
	 * once (an answer that rejects us fails it again, and is final). */
	if (conn && (ct <= 0 || now_seconds() - t0 < ct - 0.5) &&
	    PQpingParams(keys, vals, expand) == PQPING_OK) {
		PQfinish(conn);
		t0 = now_seconds();
		conn = PQconnectdbParams(keys, vals, expand);
		if (conn && PQstatus(conn) == CONNECTION_OK)
			return conn;
	}
	if (!conn) {
		*why = strdup("out of memory");
		return NULL;
	}
	msg = PQerrorMessage(conn);
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		n--;
	if (ct > 0 && now_seconds() - t0 >= ct - 0.5) {
		*retry = 1;
		if (asprintf(why, "the server did not answer within %d s", ct) < 0)
			*why = NULL;
	} else {
		ping = PQpingParams(keys, vals, expand);
		*retry = ping == PQPING_NO_RESPONSE || ping == PQPING_REJECT;
		if (asprintf(why, "%.*s", (int)n, msg) < 0)
			*why = NULL;
	}
	PQfinish(conn);
	return NULL;
}

/* Settings every session starts with (see sql/session.sql). */
static int db_setup(struct db *db)
{
	PGresult *res;
	int st;

	if ((st = db_exec(db, "session.sql#setup", sqlres_get("session.sql#setup"), 0, NULL, &res)))
		return st;
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		log_pq_message("cannot set up the session", PQresultErrorMessage(res));
		PQclear(res);
		return DK_UNAVAILABLE;
	}
	db->checks_client = !strcmp(PQgetvalue(res, 0, 1), "t");
	PQclear(res);
	return DK_OK;
}

/* How long connecting may take when the user chose nothing: at most
 * DB_CONNECT_TIMEOUT, less when the answers' timeout is shorter (libpq
 * waits 2 s at least). */
static int connect_wait(int timeout)
{
	if (timeout > 0 && timeout < DB_CONNECT_TIMEOUT)
		return timeout < 2 ? 2 : timeout;
	return DB_CONNECT_TIMEOUT;
}

/* Wrap a new connection: our notices, waits we bound, the session's
 * settings and a cancel handle for signals. Takes conn in any case. */
static int db_adopt(PGconn *conn, int timeout, struct db **out)
{
	struct db *db;
	int st;

	*out = NULL;
	if (!(db = calloc(1, sizeof(*db)))) {
		log_error("cannot connect: out of memory");
		PQfinish(conn);
		return DK_UNAVAILABLE;
	}
	db->conn = conn;
	db->timeout = timeout;
	db->cancel_slot = -1;
	PQsetNoticeProcessor(db->conn, db_notice, NULL);
	/* Every wait for the server is ours to bound (poll with a deadline). */
	if (PQsetnonblocking(db->conn, 1)) {
		log_pq_message("cannot connect to the database", PQerrorMessage(db->conn));
		db_close(db);
		return DK_UNAVAILABLE;
	}
	if ((st = db_setup(db))) {
		db_close(db);
		return st;
	}
	if ((db->cancel = PQgetCancel(db->conn)))
		db->cancel_slot = interrupt_add_cancel(db->cancel);
	*out = db;
	return DK_OK;
}

int db_connect(const char *conninfo, struct db **out)
{
	return db_connect_opts(conninfo, NULL, out);
}

int db_connect_opts(const char *conninfo, const struct db_options *opts, struct db **out)
{
	static const struct db_options defaults = { DB_TIMEOUT_DEFAULT, 0 };
	const char *keys[7], *vals[7];
	char *dir = NULL, *sock = NULL, *ctval = NULL, *why = NULL, ctbuf[16];
	PGconn *conn = NULL;
	int n = 0, st = DK_UNAVAILABLE, attempt, retry, wait, ct;

	*out = NULL;
	if (!opts)
		opts = &defaults;
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
		keys[n] = "host";
		vals[n++] = sock;
		keys[n] = "dbname";
		vals[n++] = CLUSTER_DBNAME;
		keys[n] = "user";
		vals[n++] = CLUSTER_USER;
	}
	/* A connect timeout, unless the user chose one (libpq: 2 s at least). */
	if (conninfo && (ctval = conninfo_value(conninfo, "connect_timeout"))) {
		ct = (int)strtol(ctval, NULL, 10);
	} else if (env_set("PGCONNECT_TIMEOUT")) {
		ct = (int)strtol(getenv("PGCONNECT_TIMEOUT"), NULL, 10);
	} else {
		ct = connect_wait(opts->timeout);
		snprintf(ctbuf, sizeof(ctbuf), "%d", ct);
		keys[n] = "connect_timeout";
		vals[n++] = ctbuf;
	}
	keys[n] = "fallback_application_name";
	vals[n++] = "didkpi";
	keys[n] = NULL;
	vals[n] = NULL;

	for (attempt = 0;; attempt++) {
		free(why);
		why = NULL;
		if (dir && !cluster_is_running(dir)) {
			retry = 1;
			if (asprintf(&why, "no database configured and the private cluster "
				     "in %s is not running", dir) < 0)
				why = NULL;
		} else if ((conn = db_try(keys, vals, 1, ct, &why, &retry)) != NULL) {
			break;
		}
		if (!retry || attempt >= opts->retries)
			break;
		wait = attempt < 6 ? 1 << attempt : RETRY_MAX_WAIT;
		if (wait > RETRY_MAX_WAIT)
			wait = RETRY_MAX_WAIT;
		log_warning("cannot connect to the database, retrying in %d s (%d of %d): %s",
			    wait, attempt + 1, opts->retries, why ? why : "out of memory");
		sleep((unsigned)wait);
	}
	if (!conn) {
		log_error("cannot connect to the database: %s", why ? why : "out of memory");
		if (dir && retry)
			log_hint("start it with 'didkpi db start', or name a "
				 "database with -d/--dbname or DIDKPI_DB");
		else if (retry && opts->retries == 0)
			log_hint("--retry N tries again, for a server that is restarting");
		goto out;
	}
	st = db_adopt(conn, opts->timeout, out);
out:
	free(why);
	free(ctval);
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
		interrupt_remove_cancel(db->cancel_slot);
		PQfreeCancel(db->cancel);
	}
	/* A query still running: a server that checks for its client stops it
	 * when we close; an older one needs a cancel request, which would wait
	 * for ever on a server that stopped answering. */
	if (db->conn && !db->dead && !db->checks_client &&
	    PQtransactionStatus(db->conn) == PQTRANS_ACTIVE) {
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

	if (atomic_load(&db->abandoned)) {
		PQclear(res);
		return DK_UNAVAILABLE;
	}
	if (PQstatus(db->conn) != CONNECTION_OK ||
	    (state && (!strncmp(state, "08", 2) || !strncmp(state, "57", 2))))
		st = DK_UNAVAILABLE;
	else if (state && (!strncmp(state, "22", 2) || !strncmp(state, "23", 2)))
		st = DK_DATAERR;
	else if (state && (!strcmp(state, "42501") || !strncmp(state, "28", 2)))
		st = DK_NOPERM;
	snprintf(what, sizeof(what), "query '%s' failed", label);
	if (res && PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY))
		log_error("%s: %s", what, PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY));
	else
		log_pq_message(what, msg && *msg ? msg : PQerrorMessage(db->conn));
	if (detail)
		log_detail("%s", detail);
	if (st == DK_NOPERM)
		log_hint("grant this login role didkpi_read (to read) or didkpi_load "
			 "(to load), made by 'didkpi init --roles'; see didkpi-init(1)");
	PQclear(res);
	return st;
}

static int db_query_as(struct db *db, const char *label, const char *sql, int nparams,
		       const char *const *params, int binary, PGresult **res)
{
	PGresult *r;
	ExecStatusType est;
	int st;

	if (res)
		*res = NULL;
	if ((st = db_exec_as(db, label, sql, nparams, params, binary, &r)))
		return st;
	est = PQresultStatus(r);
	if (est != PGRES_TUPLES_OK && est != PGRES_COMMAND_OK)
		return db_fail(db, label, r);
	if (res)
		*res = r;
	else
		PQclear(r);
	return DK_OK;
}

int db_query_text(struct db *db, const char *label, const char *sql,
		  int nparams, const char *const *params, PGresult **res)
{
	return db_query_as(db, label, sql, nparams, params, 0, res);
}

int db_query_tolerant(struct db *db, const char *label, const char *sql,
		      const char *sqlstate, int *hit, PGresult **res)
{
	PGresult *r;
	ExecStatusType est;
	const char *state;
	int st;

	*hit = 0;
	if (res)
		*res = NULL;
	if ((st = db_exec(db, label, sql, 0, NULL, &r)))
		return st;
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
	double deadline = db_deadline(db);
	PGresult *r;
	ExecStatusType est;
	char buf[256];
	long n = 0;
	int st = DK_OK, i, deadline_set = 1;

	if (nrows)
		*nrows = 0;
	if (db->dead || atomic_load(&db->abandoned)) {
		errno = 0;
		return db_lost(db, label);
	}
	if (!PQsendQueryParams(db->conn, sql, nparams, NULL, params, NULL, NULL, 0))
		return db_fail(db, label, NULL);
	/* Should it fail, the rows come in one result: slower, still right. */
	(void)PQsetSingleRowMode(db->conn);
	errno = 0;
	if (db_flush(db, deadline))
		return db_lost(db, label);
	for (;;) {
		/* each row (or the end) must come within the timeout of the
		 * wait for it: the clock is read when a wait begins, not for
		 * each of a result's rows that are already here */
		while (PQisBusy(db->conn)) {
			if (!deadline_set) {
				deadline = db_deadline(db);
				deadline_set = 1;
			}
			if (db_wait(db, 0, deadline) || !PQconsumeInput(db->conn)) {
				if (errno != ETIMEDOUT)
					errno = 0;
				return db_lost(db, label);
			}
		}
		if (!(r = PQgetResult(db->conn)))
			break;
		deadline_set = 0;
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

/* The SQL named key (sql/), its result in text or binary format. */
static int db_query_named(struct db *db, const char *key, int nparams,
			  const char *const *params, int binary, PGresult **res)
{
	const char *sql = sqlres_get(key);

	if (res)
		*res = NULL;
	if (!sql) {
		log_error("internal error: no SQL named '%s'", key);
		return DK_SOFTWARE;
	}
	return db_query_as(db, key, sql, nparams, params, binary, res);
}

int db_query(struct db *db, const char *key, int nparams,
	     const char *const *params, PGresult **res)
{
	return db_query_named(db, key, nparams, params, 0, res);
}

int db_query_binary(struct db *db, const char *key, int nparams,
		    const char *const *params, PGresult **res)
{
	return db_query_named(db, key, nparams, params, 1, res);
}

int db_script(struct db *db, const char *key)
{
	const char *sql = sqlres_get(key);
	PGresult *r;
	int st;

	if (!sql) {
		log_error("internal error: no SQL named '%s'", key);
		return DK_SOFTWARE;
	}
	/* A script has no parameters, and may hold several statements. */
	if ((st = db_exec(db, key, sql, -1, NULL, &r)))
		return st;
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

/* What db_like_connect() needs: copies, so that another thread may use
 * them while db runs queries. */
struct db_like {
	char **keys, **vals;
	int ct, timeout;
};

void db_like_free(struct db_like *l)
{
	if (!l)
		return;
	for (size_t i = 0; l->keys && l->keys[i]; i++) {
		/* a password copied from libpq is not left in freed memory */
		if (l->vals[i] && (!strcmp(l->keys[i], "password") ||
				   !strcmp(l->keys[i], "sslpassword")))
			explicit_bzero(l->vals[i], strlen(l->vals[i]));
		free(l->keys[i]);
		free(l->vals[i]);
	}
	free(l->keys);
	free(l->vals);
	free(l);
}

struct db_like *db_like(struct db *db)
{
	PQconninfoOption *opt = PQconninfo(db->conn), *o;
	struct db_like *l = calloc(1, sizeof(*l));
	char ctbuf[16];
	size_t n = 0, k = 0;
	int have_ct = 0;

	for (o = opt; o && o->keyword; o++)
		n++;
	if (!opt || !l || !(l->keys = calloc(n + 2, sizeof(*l->keys))) ||
	    !(l->vals = calloc(n + 2, sizeof(*l->vals))))
		goto fail;
	l->timeout = db->timeout;
	/* the first connection's options as libpq resolved them (password
	 * from the environment or ~/.pgpass included), so the second reaches
	 * the same server, database and user */
	for (o = opt; o->keyword; o++) {
		const char *v = o->val;

		/* the very server db reached, not the next of a list of hosts */
		if (!strcmp(o->keyword, "host"))
			v = PQhost(db->conn);
		else if (!strcmp(o->keyword, "port"))
			v = PQport(db->conn);
		else if (!strcmp(o->keyword, "hostaddr") && v && *v)
			v = PQhostaddr(db->conn);
		if (!v || !*v)
			continue;
		if (!strcmp(o->keyword, "connect_timeout")) {
			have_ct = 1;
			l->ct = (int)strtol(v, NULL, 10);
		}
		if (!(l->keys[k] = strdup(o->keyword)) || !(l->vals[k++] = strdup(v)))
			goto fail;
	}
	if (!have_ct) {
		l->ct = connect_wait(l->timeout);
		snprintf(ctbuf, sizeof(ctbuf), "%d", l->ct);
		if (!(l->keys[k] = strdup("connect_timeout")) || !(l->vals[k++] = strdup(ctbuf)))
			goto fail;
	}
	PQconninfoFree(opt);
	return l;
fail:
	PQconninfoFree(opt);
	db_like_free(l);
	return NULL;
}

int db_like_connect(const struct db_like *l, struct db **out, char **why)
{
	PGconn *conn;
	int retry;

	*out = NULL;
	/* dbname is a name here, never a conninfo string to expand */
	if (!(conn = db_try((const char *const *)l->keys, (const char *const *)l->vals, 0,
			    l->ct, why, &retry)))
		return DK_UNAVAILABLE;
	return db_adopt(conn, l->timeout, out);
}

void db_abandon(struct db *db)
{
	char buf[256];

	if (!db)
		return;
	atomic_store(&db->abandoned, 1);
	/* libpq: PQcancel() may be called from another thread */
	if (db->cancel)
		(void)PQcancel(db->cancel, buf, sizeof(buf));
}

int db_export_snapshot(struct db *db, char **id)
{
	PGresult *r;
	int st;

	*id = NULL;
	if ((st = db_query(db, "session.sql#export_snapshot", 0, NULL, &r)))
		return st;
	if (PQntuples(r) != 1 || !(*id = strdup(PQgetvalue(r, 0, 0)))) {
		PQclear(r);
		log_error("cannot export the report's snapshot");
		return DK_SOFTWARE;
	}
	PQclear(r);
	return DK_OK;
}

int db_begin_imported(struct db *db, const char *id)
{
	char *lit, *sql = NULL;
	int st;

	/* pg_export_snapshot()'s identifiers are hex digits and dashes
	 * ("00000003-0000001B-1"); SET TRANSACTION SNAPSHOT takes only a
	 * literal, so one is quoted here and nothing else passes */
	if (!*id || strspn(id, "0123456789ABCDEFabcdef-") != strlen(id) || strlen(id) > 64) {
		log_error("refusing snapshot identifier '%s'", id);
		return DK_SOFTWARE;
	}
	if ((st = db_begin_snapshot(db)))
		return st;
	if (!(lit = PQescapeLiteral(db->conn, id, strlen(id)))) {
		log_pq_message("cannot quote the snapshot identifier", PQerrorMessage(db->conn));
		return DK_SOFTWARE;
	}
	if (asprintf(&sql, "SET TRANSACTION SNAPSHOT %s", lit) < 0)
		sql = NULL;
	PQfreemem(lit);
	if (!sql) {
		log_error("out of memory");
		return DK_SOFTWARE;
	}
	st = db_query_text(db, "SET TRANSACTION SNAPSHOT", sql, 0, NULL, NULL);
	free(sql);
	return st;
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

	if (!db || db->dead || PQstatus(db->conn) != CONNECTION_OK ||
	    PQtransactionStatus(db->conn) == PQTRANS_IDLE)
		return;
	if (db_exec(db, "ROLLBACK", "ROLLBACK", 0, NULL, &r) == DK_OK)
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
	PGresult *r;
	int st;

	if ((st = db_exec(db, label, sql, -1, NULL, &r)))
		return st;
	if (PQresultStatus(r) != PGRES_COPY_IN)
		return db_fail(db, label, r);
	PQclear(r);
	return DK_OK;
}

int db_copy_put(struct db *db, const char *buf, size_t len)
{
	double deadline = db_deadline(db);
	int r;

	errno = 0;
	if (db->dead)
		return db_lost(db, "copy");
	while ((r = PQputCopyData(db->conn, buf, (int)len)) == 0)
		if (db_wait(db, 1, deadline) || !PQconsumeInput(db->conn))
			return db_lost(db, "copy");
	if (r < 0) {
		log_pq_message("cannot send COPY data", PQerrorMessage(db->conn));
		return DK_UNAVAILABLE;
	}
	/* Non-blocking libpq would buffer without bound: send it now. */
	if (db_flush(db, deadline))
		return db_lost(db, "copy");
	return DK_OK;
}

int db_copy_end(struct db *db, const char *abort_msg, long *rows)
{
	double deadline = db_deadline(db);
	PGresult *r;
	int st;

	errno = 0;
	if (db->dead)
		return abort_msg ? DK_UNAVAILABLE : db_lost(db, "copy");
	while ((st = PQputCopyEnd(db->conn, abort_msg)) == 0)
		if (db_wait(db, 1, deadline) || !PQconsumeInput(db->conn))
			return db_lost(db, "copy");
	if (st < 0) {
		log_pq_message("cannot finish COPY", PQerrorMessage(db->conn));
		return DK_UNAVAILABLE;
	}
	if ((st = db_collect(db, "copy", deadline, &r)))
		return st;
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		if (abort_msg) {
			PQclear(r);
			return DK_DATAERR;
		}
		return db_fail(db, "copy", r);
	}
	if (rows)
		*rows = strtol(PQcmdTuples(r), NULL, 10);
	PQclear(r);
	return DK_OK;
}

int db_copy_end_tolerant(struct db *db, const char *sqlclass, int *hit, long *rows)
{
	double deadline = db_deadline(db);
	const char *state;
	PGresult *r;
	int st;

	*hit = 0;
	errno = 0;
	if (db->dead)
		return db_lost(db, "copy");
	while ((st = PQputCopyEnd(db->conn, NULL)) == 0)
		if (db_wait(db, 1, deadline) || !PQconsumeInput(db->conn))
			return db_lost(db, "copy");
	if (st < 0) {
		log_pq_message("cannot finish COPY", PQerrorMessage(db->conn));
		return DK_UNAVAILABLE;
	}
	if ((st = db_collect(db, "copy", deadline, &r)))
		return st;
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
		if (state && !strncmp(state, sqlclass, strlen(sqlclass)) &&
		    PQstatus(db->conn) == CONNECTION_OK) {
			*hit = 1;
			PQclear(r);
			return DK_OK;
		}
		return db_fail(db, "copy", r);
	}
	if (rows)
		*rows = strtol(PQcmdTuples(r), NULL, 10);
	PQclear(r);
	return DK_OK;
}

int db_set_timezone(struct db *db, const char *tz)
{
	const char *p[1] = { tz };
	PGresult *r;
	int st;

	if (period_tz_refuse(tz))
		return DK_USAGE;
	if ((st = db_exec(db, "set time zone",
			  "SELECT pg_catalog.set_config('TimeZone', $1, false)", 1, p, &r)))
		return st;
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

long long db_int(const char *s)
{
	const char *d = s + (*s == '-'), *e;
	long long v = 0;

	for (e = d; *e >= '0' && *e <= '9' && e - d < 18; e++)
		v = v * 10 + (*e - '0');
	if (e > d && !*e)
		return *s == '-' ? -v : v;
	return strtoll(s, NULL, 10);
}

const char *db_get(const PGresult *res, int row, int col)
{
	if (PQgetisnull(res, row, col))
		return NULL;
	return PQgetvalue(res, row, col);
}
