/* Signal handling: remove what this run made, cancel its query, die. */
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "interrupt.h"

#define SLOTS 16
#define PATH_LEN 4096
#define CANCELS 4
#define CANCEL_WAIT 3 /* seconds PQcancel may take before the alarm ends it */

/* Written only outside the handler, with the signals blocked. */
static struct {
	char path[PATH_LEN];
	int used, is_dir;
} slots[SLOTS];
/* The connections a signal cancels. Atomic: a report's second connection
 * registers from its own thread (which blocks the signals, so the handler
 * always runs on the main thread and sees a slot empty or complete). */
static PGcancel *_Atomic cancels[CANCELS];
static volatile sig_atomic_t pending;

static void block(sigset_t *old, int on)
{
	sigset_t set;

	if (!on) {
		sigprocmask(SIG_SETMASK, old, NULL);
		return;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, old);
}

/*
 * The cancel request's wait ran out (a stopped server never answers):
 * die of the signal that began it, not of SIGALRM, so the parent still
 * sees how the run ended.
 */
static void on_alarm(int alrm)
{
	sigset_t set;
	int sig = pending ? pending : alrm;

	signal(sig, SIG_DFL);
	raise(sig);
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	_exit(128 + sig); /* not reached */
}

static void on_signal(int sig)
{
	char buf[256];
	int i;

	pending = sig;
	/* files first, then the (private) directories that held them */
	for (i = SLOTS - 1; i >= 0; i--)
		if (slots[i].used && !slots[i].is_dir)
			unlink(slots[i].path);
	for (i = SLOTS - 1; i >= 0; i--)
		if (slots[i].used && slots[i].is_dir)
			rmdir(slots[i].path);
	/* a stopped server never answers the cancel request: bound it */
	signal(SIGALRM, on_alarm);
	alarm(CANCEL_WAIT);
	for (i = 0; i < CANCELS; i++) {
		PGcancel *c = atomic_load(&cancels[i]);

		if (c)
			(void)PQcancel(c, buf, sizeof(buf));
	}
	alarm(0);
	signal(sig, SIG_DFL);
	raise(sig);
}

void interrupt_init(void)
{
	struct sigaction sa;
	const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(&sa.sa_mask, sigs[i]);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		struct sigaction old;

		/* an ignored signal (nohup) stays ignored */
		if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
			continue;
		sigaction(sigs[i], &sa, NULL);
	}
}

int interrupt_track(const char *path, int is_dir)
{
	sigset_t old;
	int i, slot = -1;

	if (!path || strlen(path) >= PATH_LEN)
		return -1;
	block(&old, 1);
	for (i = 0; i < SLOTS; i++) {
		if (!slots[i].used) {
			memcpy(slots[i].path, path, strlen(path) + 1);
			slots[i].is_dir = is_dir;
			slots[i].used = 1;
			slot = i;
			break;
		}
	}
	block(&old, 0);
	return slot;
}

void interrupt_untrack(int slot)
{
	sigset_t old;

	if (slot < 0 || slot >= SLOTS)
		return;
	block(&old, 1);
	slots[slot].used = 0;
	slots[slot].path[0] = '\0';
	block(&old, 0);
}

int interrupt_add_cancel(PGcancel *cancel)
{
	for (int i = 0; i < CANCELS; i++) {
		PGcancel *none = NULL;

		if (atomic_compare_exchange_strong(&cancels[i], &none, cancel))
			return i;
	}
	return -1;
}

void interrupt_remove_cancel(int slot)
{
	if (slot >= 0 && slot < CANCELS)
		atomic_store(&cancels[slot], NULL);
}

int interrupt_pending(void)
{
	return pending;
}
