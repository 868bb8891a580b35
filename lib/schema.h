/* Creating and upgrading the didkpi schema. */
#ifndef DIDKPI_SCHEMA_H
#define DIDKPI_SCHEMA_H

#include "db.h"

/*
 * schema_upgrade() creates the schema or applies the versions of
 * sql/schema/NNN_*.sql not yet recorded in didkpi.schema_version, in one
 * transaction of its own (concurrent runs wait for each other). *version
 * receives the resulting version and *applied how many were applied (either
 * may be NULL). Returns DK_OK or the failure's status, rolled back.
 */
int schema_upgrade(struct db *db, long *version, int *applied);

/*
 * schema_check() makes sure the database holds the schema version this
 * didkpi needs (the newest sql/schema/NNN_*.sql); when it does not, prints
 * why with the hint to run 'didkpi init' and returns DK_UNAVAILABLE.
 * Reads only, so it can run inside a read-only snapshot.
 */
int schema_check(struct db *db);

#endif
