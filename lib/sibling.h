/* Work on a second connection that sees the first one's snapshot. */
#ifndef DIDKPI_SIBLING_H
#define DIDKPI_SIBLING_H

#include "db.h"

/*
 * PostgreSQL runs one query per connection at a time. sibling_start()
 * runs fn(db2, arg) in a thread of its own on a second connection db2
 * that imports the snapshot of db's open repeatable-read transaction
 * (pg_export_snapshot, SET TRANSACTION SNAPSHOT), so both see exactly the
 * same data, while the caller goes on with db; db2's session has db's
 * options (db_like) and time zone tz. fn must touch nothing the caller
 * uses meanwhile. The thread opens db2 itself, so connecting costs the
 * caller nothing, and blocks SIGINT, SIGTERM and SIGHUP: they reach the
 * main thread, whose handler cancels both connections' queries.
 *
 * *out is NULL, with DK_OK, when a second session would not see the same
 * data (sql/session.sql#shared_snapshot: Citus, a foreign table) or no
 * thread can be started: the caller then runs fn(db, arg) itself.
 *
 * sibling_finish() takes the caller's own status mst and waits for the
 * thread. Whichever of the two fails first gives the other up
 * (db_abandon: its query is cancelled, it stops quietly) and its status
 * is returned. When db2 could not be opened (a connection limit reached),
 * it warns and runs fn(db, arg) on db. It closes db2 and frees s.
 */
struct sibling;
int sibling_start(struct db *db, const char *tz, int (*fn)(struct db *db, void *arg),
		  void *arg, struct sibling **out);
int sibling_finish(struct db *db, struct sibling *s, int mst);

/* sibling_fail() is for the caller's own failure while the sibling runs
 * (sibling_finish() calls it when mst is not DK_OK). */
void sibling_fail(struct sibling *s);

#endif
