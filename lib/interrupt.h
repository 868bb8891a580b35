/* What an interrupted run undoes: SIGINT, SIGTERM and SIGHUP. */
#ifndef DIDKPI_INTERRUPT_H
#define DIDKPI_INTERRUPT_H

#include <libpq-fe.h>

/*
 * interrupt_init() installs the handlers for SIGINT, SIGTERM and SIGHUP
 * (main() calls it once). On one of them the handler, using only
 * async-signal-safe calls:
 *   1. removes every file and directory registered with interrupt_track()
 *      (temporary outputs, locks), so an interrupted run leaves nothing;
 *   2. cancels the queries running on the registered connections
 *      (PQcancel, which libpq documents as safe in a signal handler), so
 *      the server stops the statement and releases its locks now, not when
 *      it next notices the client is gone; a frozen server cannot hold the
 *      handler: an alarm of a few seconds ends the wait (the process still
 *      dies of the signal it got, not of SIGALRM);
 *   3. dies of the signal as usual, so the parent sees how the run ended.
 * SIGPIPE is left alone (a closed pipe is a write error, see main()).
 */
void interrupt_init(void);

/*
 * interrupt_track() registers a path to remove on a signal (a directory is
 * removed with rmdir(), so track a directory's files first); returns a slot
 * for interrupt_untrack(), or -1 when the table is full (the path is then
 * not removed on a signal, and the caller may go on). The path is copied.
 */
int interrupt_track(const char *path, int is_dir);
void interrupt_untrack(int slot);

/*
 * interrupt_add_cancel() registers the cancel handle of a connection a
 * signal should cancel (from PQgetCancel; the caller keeps ownership) and
 * returns its slot, or -1 when the few slots are taken (a signal then
 * does not cancel that connection's query: the server stops it when it
 * sees the client gone). Safe from any thread. interrupt_remove_cancel()
 * unregisters it; call it from the main thread (the one signals reach,
 * every other thread blocks them) before freeing the handle.
 */
int interrupt_add_cancel(PGcancel *cancel);
void interrupt_remove_cancel(int slot);

/* interrupt_pending() is the signal received when one is being handled
 * (0 otherwise): lets a caller word its message. */
int interrupt_pending(void);

#endif
