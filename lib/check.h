/* Rows of the log relations whose codes are unknown (issue 9 item 1): the
 * log relations have no foreign keys since schema version 4. */
#ifndef DIDKPI_CHECK_H
#define DIDKPI_CHECK_H

#include <stdio.h>

#include "db.h"
#include "period.h"

/* Example keys shown per relation and column by check_unknown_codes(). */
#define CHECK_EXAMPLES 3

/*
 * check_unknown_codes() looks at every reference column of auth_events,
 * service_requests and satisfaction for codes missing from services,
 * channels or auth_methods, and writes one line per column with problems
 * to out: "RELATION.COLUMN: N rows with an unknown code, e.g. KEY (CODE),
 * ...". *problems receives the number of such rows. Returns DK_OK or
 * db_query()'s status.
 */
int check_unknown_codes(struct db *db, FILE *out, long *problems);

/*
 * check_period_warn() warns on stderr, per log relation, how many rows of
 * the local dates of p (in time zone tz) have an unknown code and so count
 * in no breakdown row that joins its reference table; nothing when there
 * are none. Returns DK_OK or db_query()'s status.
 */
int check_period_warn(struct db *db, const char *tz, const struct period *p);

#endif
