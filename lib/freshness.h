/* Data freshness: does a period have data, and up to when does each log
 * relation go (issue 10 item 16: unattended runs fail loudly). */
#ifndef DIDKPI_FRESHNESS_H
#define DIDKPI_FRESHNESS_H

#include "compare.h"
#include "db.h"
#include "period.h"

/* The log relations whose newest record is watched, in this order. */
enum fresh_rel { FRESH_AUTH, FRESH_REQUESTS, FRESH_SATISFACTION, FRESH_COUNT };

/* Size of a local timestamp "YYYY-MM-DD HH:MM:SS" and its NUL. */
#define FRESH_TS_LEN 24

/* A relation ends before the period does when its newest record is older
 * than this before the period's end (or now, for a period not yet over). */
#define FRESH_TOLERANCE "1 day"

struct freshness {
	char newest[FRESH_COUNT][FRESH_TS_LEN]; /* newest record, local time in
						 * the run's zone; "" = no rows */
	int short_[FRESH_COUNT];   /* has rows, but ends before the period does */
	char newest_all[FRESH_TS_LEN]; /* the newest of the three; "" = none */
	char until[FRESH_TS_LEN];  /* the period's end, or now if earlier */
	int any;                   /* a record of any relation in the period */
	int checked;               /* filled by freshness_gather() */
};

/* Relation names ("auth_events", ...) and their timestamp columns. */
extern const char *const freshness_relation[FRESH_COUNT];
extern const char *const freshness_column[FRESH_COUNT];

/* What a check does with a period without data or with data ending early. */
enum fresh_flags {
	FRESH_ALLOW_EMPTY = 1 << 0,      /* no data: go on (analysts want zeros) */
	FRESH_REQUIRE_COMPLETE = 1 << 1  /* data ending early: refuse, not warn */
};

/*
 * freshness_gather() fills *out for the local dates [start, end) in time
 * zone tz (the session's zone), in the caller's transaction (the command's
 * snapshot). Returns DK_OK or db_query()'s status.
 */
int freshness_gather(struct db *db, const char *tz, struct civil_date start,
		     struct civil_date end, struct freshness *out);

/*
 * freshness_check() judges f for the period called label: no record at
 * all in it -> prints why and returns DK_DATAERR (65), unless flags has
 * FRESH_ALLOW_EMPTY; a relation that has rows but ends more than
 * FRESH_TOLERANCE before the period's end (or now) -> a warning on stderr
 * naming it, or DK_DATAERR with FRESH_REQUIRE_COMPLETE. Else DK_OK.
 */
int freshness_check(const struct freshness *f, const char *label, unsigned flags);

/* freshness_period() is freshness_gather() and freshness_check() for p;
 * *out (may be NULL) receives what was found. */
int freshness_period(struct db *db, const char *tz, const struct period *p,
		     unsigned flags, struct freshness *out);

/*
 * freshness_compare() is the check of didkpi compare: "no data" means
 * that no adopting service (of req->services when given) has a request
 * or a survey response between the start of its before-window and the end
 * of its after-window; "ends early" is judged over the span from the
 * earliest window start to the latest window end (clipped to now). No
 * adopting service at all is not an error (there is nothing to compare).
 */
int freshness_compare(struct db *db, const struct compare_request *req, unsigned flags);

#endif
