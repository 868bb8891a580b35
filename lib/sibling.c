/* Work on a second connection that sees the first one's snapshot (see
 * sibling.h). */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "sibling.h"
#include "status.h"

struct sibling {
	int (*fn)(struct db *db, void *arg);
	void *arg;
	const char *tz;
	struct db *first;          /* the caller's connection */
	struct db_like *like;      /* how to connect like it */
	char *snapshot;            /* its snapshot, exported */
	struct db *_Atomic db;     /* the second connection, once open */
	char *why;                 /* why it could not open */
	atomic_int abandon;        /* the caller failed: do not start */
	atomic_int failed;         /* who failed first: 1 the caller, 2 fn */
	int opened, st;
	pthread_t thread;
};

/* Said once per run, however many siblings could not connect. */
static atomic_int warned;

/* Who (1 the caller, 2 the sibling) failed first gives the other up. */
static void fail(struct sibling *s, int who)
{
	int none = 0;

	if (!atomic_compare_exchange_strong(&s->failed, &none, who))
		return;
	if (who == 2) {
		db_abandon(s->first);
	} else {
		atomic_store(&s->abandon, 1);
		db_abandon(atomic_load(&s->db));
	}
}

void sibling_fail(struct sibling *s)
{
	if (s)
		fail(s, 1);
}

static void *run(void *arg)
{
	struct sibling *s = arg;
	struct db *db;

	if (db_like_connect(s->like, &db, &s->why))
		return NULL;
	/* published before abandon is read: a failure of the caller either
	 * sees the connection to abandon or is seen here */
	atomic_store(&s->db, db);
	if (atomic_load(&s->abandon) || db_set_timezone(db, s->tz) ||
	    db_begin_imported(db, s->snapshot))
		return NULL;
	s->opened = 1;
	if ((s->st = s->fn(db, s->arg)))
		fail(s, 2);
	return NULL;
}

static void sibling_free(struct sibling *s)
{
	if (!s)
		return;
	db_close(atomic_load(&s->db));
	db_like_free(s->like);
	free(s->snapshot);
	free(s->why);
	free(s);
}

int sibling_start(struct db *db, const char *tz, int (*fn)(struct db *db, void *arg),
		  void *arg, struct sibling **out)
{
	struct sibling *s = NULL;
	sigset_t sigs, old;
	PGresult *res;
	int st, shared, r;

	*out = NULL;
	if ((st = db_query(db, "session.sql#shared_snapshot", 0, NULL, &res)))
		return st;
	shared = !strcmp(PQgetvalue(res, 0, 0), "t");
	PQclear(res);
	if (!shared) {
		log_info("computing on one connection: a second one would not see the same "
			 "data (Citus or a foreign table)");
		return DK_OK;
	}
	if (!(s = calloc(1, sizeof(*s))) || !(s->like = db_like(db))) {
		log_error("out of memory");
		sibling_free(s);
		return DK_SOFTWARE;
	}
	s->fn = fn;
	s->arg = arg;
	s->tz = tz;
	s->first = db;
	if ((st = db_export_snapshot(db, &s->snapshot))) {
		sibling_free(s);
		return st;
	}
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &sigs, &old);
	r = pthread_create(&s->thread, NULL, run, s);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r) {
		log_info("computing on one connection: cannot start a thread (%s)", strerror(r));
		sibling_free(s);
		return DK_OK;
	}
	*out = s;
	return DK_OK;
}

int sibling_finish(struct db *db, struct sibling *s, int mst)
{
	int st = DK_OK;

	if (mst)
		fail(s, 1);
	pthread_join(s->thread, NULL);
	/* its backend goes now, not when the caller's work ends */
	db_close(atomic_load(&s->db));
	atomic_store(&s->db, NULL);
	if (atomic_load(&s->failed) == 1) {
		st = mst;
	} else if (atomic_load(&s->failed) == 2) {
		st = s->st;
	} else if (!s->opened) {
		if (atomic_exchange(&warned, 1))
			log_info("computing on one connection");
		else if (s->why)
			log_warning("cannot open a second connection (%s); computing on one",
				    s->why);
		else
			log_warning("cannot use a second connection; computing on one");
		st = s->fn(db, s->arg);
	}
	sibling_free(s);
	return st;
}
